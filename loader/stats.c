// SPDX-License-Identifier: GPL-2.0
/*
 * stats: the per-action counters of the program attached to an interface,
 * summed over CPUs, with rates between samples. The program is looked up
 * again at every sample, so a program replaced meanwhile (by us, `ip` or
 * anyone) is followed; its counters start a new rate baseline.
 */
#include "../bpf/e1k_xdp_maps.h"
#include "json.h"
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 512

static const char *const action_names[E1K_STATS_ENTRIES] = {
	"aborted", "drop", "pass", "tx", "redirect",
};

struct sample {
	uint32_t prog_id;
	double t;
	int ncpus;
	struct e1k_stats total[E1K_STATS_ENTRIES];
	struct e1k_stats *percpu;	/* [action * ncpus + cpu] */
	struct driver_xdp drv;		/* .ours: the port is e1k_xdp's */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stats_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG_NAME " stats IFACE [--interval S] [--count N] [--per-cpu] [--json]\n"
		"\n"
		"Per-action packet and byte counters of the XDP program on IFACE, summed\n"
		"over CPUs (the program's map named *" E1K_STATS_SUFFIX "). It works\n"
		"whoever attached the program, `ip` included: the map is found among the\n"
		"attached program's own maps, so a program replaced meanwhile is followed.\n"
		"On a port of the e1k_xdp driver it also shows what the driver made of the\n"
		"verdicts: XDP_TX frames sent and dropped on a full ring, failed redirects.\n"
		"\n"
		"  --interval S  sample every S seconds (fractions allowed) and show rates\n"
		"  --count N     stop after N samples (default: 1 without --interval,\n"
		"                until interrupted with it)\n"
		"  --per-cpu     also show each CPU's counters\n"
		"  --json        one JSON object per sample\n");
}

/* Read the attached program's stats into @s. Returns 0 or a negative errno
 * with a message already printed. */
static int take_sample(const char *ifname, int ifindex, struct sample *s)
{
	struct xdp_attached att;
	struct e1k_stats *vals;
	int fd, err;

	err = xdp_attached_query(ifindex, &att);
	if (err) {
		err_msg("stats", "%s: cannot query XDP: %s", ifname, strerror(-err));
		return err;
	}
	if (att.mode == XDP_MODE_NONE) {
		err_msg("stats", "%s has no XDP program attached", ifname);
		return -ENOENT;
	}
	fd = attached_map_fd("stats", att.prog_id, &layout_stats, true);
	if (fd == -ENOENT)
		err_msg("stats", "%s: program %u has no '*%s' map (not one of ours?)",
			ifname, att.prog_id, E1K_STATS_SUFFIX);
	if (fd < 0)
		return fd;
	s->prog_id = att.prog_id;
	s->t = now_s();
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0 || s->ncpus > MAX_CPUS) {
		close(fd);
		err_msg("stats", "cannot tell the number of CPUs");
		return -EINVAL;
	}
	vals = calloc((size_t)s->ncpus, sizeof(*vals));
	free(s->percpu);
	s->percpu = calloc((size_t)s->ncpus * E1K_STATS_ENTRIES, sizeof(*vals));
	if (!vals || !s->percpu) {
		free(vals);
		close(fd);
		err_msg("stats", "out of memory");
		return -ENOMEM;
	}
	memset(s->total, 0, sizeof(s->total));
	for (uint32_t a = 0; a < E1K_STATS_ENTRIES; a++) {
		if (bpf_map_lookup_elem(fd, &a, vals)) {
			err = -errno;
			err_msg("stats", "reading the stats map: %s", strerror(errno));
			break;
		}
		for (int c = 0; c < s->ncpus; c++) {
			s->total[a].packets += vals[c].packets;
			s->total[a].bytes += vals[c].bytes;
			s->percpu[a * (uint32_t)s->ncpus + (uint32_t)c] = vals[c];
		}
	}
	free(vals);
	close(fd);
	/* Beside the verdicts, what the driver made of them (ours only). */
	driver_xdp_counters(ifname, &s->drv);
	return err;
}

static void print_sample(const char *ifname, const struct sample *s,
			 const struct sample *prev, bool per_cpu)
{
	/* Rates only against a sample of the same program. */
	bool rates = prev && prev->prog_id == s->prog_id && s->t > prev->t;
	double dt = rates ? s->t - prev->t : 0;

	if (g_opts.json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "interface");
		json_str(&j, ifname);
		json_key(&j, "prog_id");
		json_u64(&j, s->prog_id);
		json_key(&j, "actions");
		json_obj_begin(&j);
		for (int a = 0; a < E1K_STATS_ENTRIES; a++) {
			json_key(&j, action_names[a]);
			json_obj_begin(&j);
			json_key(&j, "packets");
			json_u64(&j, s->total[a].packets);
			json_key(&j, "bytes");
			json_u64(&j, s->total[a].bytes);
			if (rates) {
				json_key(&j, "pps");
				json_double(&j, (double)(s->total[a].packets - prev->total[a].packets) / dt);
				json_key(&j, "bps");
				json_double(&j, 8.0 * (double)(s->total[a].bytes - prev->total[a].bytes) / dt);
			}
			if (per_cpu) {
				json_key(&j, "per_cpu");
				json_arr_begin(&j);
				for (int c = 0; c < s->ncpus; c++) {
					const struct e1k_stats *v =
						&s->percpu[a * s->ncpus + c];

					json_obj_begin(&j);
					json_key(&j, "packets");
					json_u64(&j, v->packets);
					json_key(&j, "bytes");
					json_u64(&j, v->bytes);
					json_obj_end(&j);
				}
				json_arr_end(&j);
			}
			json_obj_end(&j);
		}
		json_obj_end(&j);
		if (s->drv.ours) {
			json_key(&j, "driver");
			json_obj_begin(&j);
			json_key(&j, "xdp_tx");
			json_u64(&j, s->drv.xdp_tx);
			json_key(&j, "xdp_tx_full");
			json_u64(&j, s->drv.xdp_tx_full);
			json_key(&j, "xdp_redirect_err");
			json_u64(&j, s->drv.xdp_redirect_err);
			json_obj_end(&j);
		}
		json_obj_end(&j);
		json_finish(&j);
		return;
	}

	printf("%s: program %u%s\n", ifname, s->prog_id,
	       prev && prev->prog_id != s->prog_id ? " (replaced since last sample)" : "");
	printf("  %-9s %14s %16s", "action", "packets", "bytes");
	if (rates)
		printf(" %12s %14s", "pps", "bit/s");
	printf("\n");
	for (int a = 0; a < E1K_STATS_ENTRIES; a++) {
		printf("  %-9s %14llu %16llu", action_names[a],
		       (unsigned long long)s->total[a].packets,
		       (unsigned long long)s->total[a].bytes);
		if (rates)
			printf(" %12.0f %14.0f",
			       (double)(s->total[a].packets - prev->total[a].packets) / dt,
			       8.0 * (double)(s->total[a].bytes - prev->total[a].bytes) / dt);
		printf("\n");
		for (int c = 0; per_cpu && c < s->ncpus; c++) {
			const struct e1k_stats *v = &s->percpu[a * s->ncpus + c];

			printf("    cpu%-4d %14llu %16llu\n", c,
			       (unsigned long long)v->packets, (unsigned long long)v->bytes);
		}
	}
	if (s->drv.ours)
		printf("  driver (since it was loaded): %llu XDP_TX frames queued to send, %llu dropped on a full tx ring, %llu redirects failed\n",
		       (unsigned long long)s->drv.xdp_tx, (unsigned long long)s->drv.xdp_tx_full,
		       (unsigned long long)s->drv.xdp_redirect_err);
	fflush(stdout);
}

int cmd_stats(int argc, char **argv)
{
	const char *ifname = NULL;
	double interval = 0;
	long count = -1;
	bool per_cpu = false;
	struct sample cur = {}, prev = {};
	int ifindex, rc = EXIT_OK;

	for (int i = 0; i < argc; i++) {
		char *end;

		if (is_help(argv[i])) {
			stats_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--per-cpu")) {
			per_cpu = true;
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			interval = strtod(argv[++i], &end);
			if (*end || !(interval >= 0.01 && interval <= 3600)) {
				err_msg("stats", "--interval takes seconds from 0.01 to 3600, not '%s'", argv[i]);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = strtol(argv[++i], &end, 10);
			if (*end || count < 1 || count > 100000000) {
				err_msg("stats", "--count takes a positive number, not '%s'", argv[i]);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-') {
			err_msg("stats", "unknown option or missing value: '%s'", argv[i]);
			return EXIT_USAGE;
		} else if (!ifname) {
			ifname = argv[i];
		} else {
			err_msg("stats", "unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!ifname) {
		stats_usage(stderr);
		return EXIT_USAGE;
	}
	if (count < 0)
		count = interval > 0 ? 0 : 1;	/* 0: until interrupted */
	if (count > 1 && interval == 0)
		interval = 1;
	if (require_caps("stats"))
		return EXIT_FAIL;
	ifindex = iface_index("stats", ifname);
	if (ifindex < 0)
		return EXIT_FAIL;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (long n = 0; !stop && (count == 0 || n < count); n++) {
		if (n > 0) {
			struct timespec ts = { (time_t)interval,
					       (long)((interval - (double)(time_t)interval) * 1e9) };

			while (nanosleep(&ts, &ts) && !stop)
				;
			if (stop)
				break;
		}
		if (take_sample(ifname, ifindex, &cur)) {
			rc = EXIT_FAIL;
			break;
		}
		print_sample(ifname, &cur, n > 0 ? &prev : NULL, per_cpu);
		free(prev.percpu);
		prev = cur;
		cur.percpu = NULL;
	}
	free(prev.percpu);
	free(cur.percpu);
	return rc;
}
