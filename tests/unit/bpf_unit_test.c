// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_unit_test: the XDP programs of bpf/ under BPF_PROG_TEST_RUN.
 *
 *   bpf_unit_test [-v] [--seed N] [--corpus N] DIR
 *
 * DIR holds the *.bpf.o files. Each object is loaded with libbpf (pinning
 * switched off, so tests never touch /sys/fs/bpf/tc/globals and start from
 * empty maps), then driven with crafted frames. Verdicts, output bytes and
 * counters are compared with the reference model in oracle.c and with frames
 * built from scratch (pkt.c). Needs root (or CAP_BPF + CAP_NET_ADMIN).
 *
 * Output: one line per test, "PASS name" or "FAIL name: reason", then
 * "N passed, N failed"; exit status 1 on any failure. -v adds "# " lines
 * (verifier statistics, seeds).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oracle.h"
#include "../../loader/ruleset.h"
#include "pkt.h"
#include "unit.h"
#include "../../bpf/e1k_filter_rules.h"
#include "../../bpf/e1k_xdp_maps.h"
#include "../../bpf/xdp_drop.skel.h"
#include "../../bpf/xdp_filter.skel.h"
#include "../../bpf/xdp_icmp_echo.skel.h"
#include "../../bpf/xdp_pass.skel.h"
#include "../../bpf/xdp_tx.skel.h"

int n_passed, n_failed;
static int verbose;
static unsigned long long seed = 1;
static unsigned corpus_n = 12000;
static const char *objdir;
static int ncpus;

int tfail(struct tcase *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->reason[0]) {
		va_start(ap, fmt);
		vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
		va_end(ap);
		if (!t->reason[0])
			strcpy(t->reason, "failed");
	}
	return 0;
}

void tdone(const char *name, struct tcase *t)
{
	/* Reasons stay on one line whatever they contain. */
	for (char *c = t->reason; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (t->reason[0]) {
		printf("FAIL %s: %s\n", name, t->reason);
		n_failed++;
	} else {
		printf("PASS %s\n", name);
		n_passed++;
	}
	fflush(stdout);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	va_end(ap);
}

/* ---------------------------------------------------------------- PRNG */

static uint64_t rs;
static uint64_t rnd(void)
{
	/* xorshift64*: deterministic for a seed on every platform */
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545f4914f6cdd1dull;
}
static unsigned rn(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}
static void reseed(unsigned salt)
{
	rs = (seed + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)salt << 32 | salt);
	if (!rs)
		rs = 1;
	for (int i = 0; i < 8; i++)
		rnd();
}

/* --------------------------------------------------------- the objects */

struct obj {
	const char *file;   /* xdp_filter.bpf.o */
	const char *prog;   /* E1K_PROG_* */
	struct bpf_object *o;
	int fd;
};

static struct obj o_filter = { "xdp_filter.bpf.o", E1K_PROG_FILTER, NULL, -1 };
static struct obj o_echo = { "xdp_icmp_echo.bpf.o", E1K_PROG_ICMP_ECHO, NULL, -1 };
static struct obj o_drop = { "xdp_drop.bpf.o", E1K_PROG_DROP, NULL, -1 };
static struct obj o_pass = { "xdp_pass.bpf.o", E1K_PROG_PASS, NULL, -1 };
static struct obj o_tx = { "xdp_tx.bpf.o", E1K_PROG_TX, NULL, -1 };
static struct obj *objs[] = { &o_filter, &o_echo, &o_drop, &o_pass, &o_tx };

static char verifier_log[1 << 20];

/* Open with pin paths cleared: the test's maps are private and empty. */
static struct bpf_object *open_unpinned(const char *file, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct bpf_object *o;
	struct bpf_map *m;

	snprintf(path, sizeof(path), "%s/%s", objdir, file);
	o = bpf_object__open_file(path, NULL);
	if (!o) {
		snprintf(err, errlen, "open %.300s: %s", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_map(m, o)
		bpf_map__set_pin_path(m, NULL);
	return o;
}

static int processed_insns(const char *log)
{
	const char *p = strstr(log, "processed ");

	return p ? atoi(p + 10) : -1;
}

static int load_obj(struct obj *ob, char *err, size_t errlen)
{
	struct bpf_program *p;
	int rc;

	ob->o = open_unpinned(ob->file, err, errlen);
	if (!ob->o)
		return -1;
	p = bpf_object__find_program_by_name(ob->o, ob->prog);
	if (!p) {
		snprintf(err, errlen, "no program %s", ob->prog);
		return -1;
	}
	/* As the loader loads the bundled programs: multi-buffer. */
	bpf_program__set_flags(p, bpf_program__flags(p) | BPF_F_XDP_HAS_FRAGS);
	/* Level 4: statistics only, to see how close to the limit we are. */
	verifier_log[0] = 0;
	bpf_program__set_log_buf(p, verifier_log, sizeof(verifier_log));
	bpf_program__set_log_level(p, 4);
	rc = bpf_object__load(ob->o);
	if (rc) {
		const char *l = verifier_log;
		size_t n = strlen(l);

		snprintf(err, errlen, "load failed (%d); verifier: %.300s", rc,
			 n > 300 ? l + n - 300 : l);
		return -1;
	}
	ob->fd = bpf_program__fd(p);
	note("%s: verifier processed %d insns", ob->file, processed_insns(verifier_log));
	return 0;
}

static int mapfd(struct obj *ob, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(ob->o, name);

	return m ? bpf_map__fd(m) : -1;
}

/* Run one frame. Returns the verdict, or -1 with *err set. */
static int run_ctx(int fd, const uint8_t *in, size_t len, uint8_t *out,
		   size_t *outlen, unsigned ifindex)
{
	static uint8_t dummy[PKT_MAX + 512];
	/* data_end must be the frame length: newer kernels put whatever lies
	 * beyond it into fragments (multi-buffer XDP). */
	struct xdp_md ctx = { .data_end = (__u32)len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = in,
		    .data_size_in = (__u32)len,
		    .data_out = out ? out : dummy,
		    .data_size_out = sizeof(dummy),
		    .repeat = 1);
	int rc;

	if (ifindex) {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	rc = bpf_prog_test_run_opts(fd, &opts);
	if (rc)
		return -1;
	if (outlen)
		*outlen = opts.data_size_out;
	return (int)opts.retval;
}

static int run(int fd, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
	return run_ctx(fd, in, len, out, outlen, 0);
}

static void zero_percpu(int fd, unsigned entries)
{
	static struct e1k_stats zero[1024];

	for (unsigned k = 0; k < entries; k++)
		bpf_map_update_elem(fd, &k, zero, BPF_ANY);
}

static struct e1k_stats read_stats(int fd, unsigned key)
{
	static struct e1k_stats v[1024];
	struct e1k_stats z = { 0, 0 };

	if (bpf_map_lookup_elem(fd, &key, v))
		return z;
	return e1k_stats_sum(v, (unsigned)ncpus);
}

/* Compare a stats map with expected per-action counts. */
static void check_stats(struct tcase *t, int fd, const struct e1k_stats *want)
{
	static const char *an[] = { "aborted", "drop", "pass", "tx", "redirect" };

	for (unsigned a = 0; a < E1K_STATS_ENTRIES; a++) {
		struct e1k_stats s = read_stats(fd, a);

		TCHECK(t, s.packets == want[a].packets && s.bytes == want[a].bytes,
		       "stats[%s] = %llu pkts/%llu bytes, want %llu/%llu", an[a],
		       (unsigned long long)s.packets, (unsigned long long)s.bytes,
		       (unsigned long long)want[a].packets,
		       (unsigned long long)want[a].bytes);
	}
}

static const char *vname(int v)
{
	switch (v) {
	case XDP_ABORTED: return "ABORTED";
	case XDP_DROP: return "DROP";
	case XDP_PASS: return "PASS";
	case XDP_TX: return "TX";
	case XDP_REDIRECT: return "REDIRECT";
	default: return "?";
	}
}

static void hexdump(char *buf, size_t cap, const uint8_t *f, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 3 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%02x", f[i]);
}

/* ------------------------------------------------------ frame fixtures */

static const uint8_t MAC_DUT[6] = { 0x52, 0x54, 0x00, 0xe1, 0x00, 0x01 };
static const uint8_t MAC_PEER[6] = { 0x52, 0x54, 0x00, 0xe1, 0x00, 0x02 };

static struct fspec spec4(uint8_t proto)
{
	struct fspec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.dmac, MAC_DUT, 6);
	memcpy(s.smac, MAC_PEER, 6);
	s.family = 4;
	set_ip4(s.src, 10, 11, 0, 2);
	set_ip4(s.dst, 10, 11, 0, 1);
	s.proto = proto;
	s.sport = 40000;
	s.dport = 80;
	s.ip_id = 0x1234;
	s.frag = 0x4000; /* DF */
	s.payload = 32;
	s.seed = 7;
	if (proto == 1) {
		s.icmp_type = 8;
		s.icmp_id = 0x77;
		s.icmp_seq = 1;
	}
	return s;
}

static struct fspec spec6(uint8_t proto)
{
	struct fspec s = spec4(proto);

	s.family = 6;
	s.frag = 0;
	set_ip6(s.src, "fd11::2");
	set_ip6(s.dst, "fd11::1");
	if (proto == 58) {
		s.icmp_type = 128;
		s.icmp_id = 0x77;
		s.icmp_seq = 1;
	}
	return s;
}

static void add_vlan(struct fspec *s, uint16_t tpid, uint16_t vid)
{
	s->tpid[s->nvlan] = tpid;
	s->tci[s->nvlan] = vid;
	s->nvlan++;
}

static void add_ext(struct fspec *s, uint8_t type, uint8_t len_field, uint16_t frag)
{
	s->ext[s->n_ext].type = type;
	s->ext[s->n_ext].len_field = len_field;
	s->ext[s->n_ext].frag = frag;
	s->n_ext++;
}

/* ------------------------------------------------------ object tests */

struct mapspec {
	const char *name;
	enum bpf_map_type type;
	unsigned key, value, max, flags;
};

#define STATS(n) { n, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, E1K_STATS_ENTRIES, 0 }
static const struct mapspec maps_filter[] = {
	STATS(E1K_MAP_FILTER_STATS),
	{ E1K_MAP_FILTER_CFG, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct e1k_filter_cfg), 1, 0 },
	{ E1K_MAP_FILTER_RULES, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct e1k_filter_rule),
	  E1K_FILTER_RULE_ENTRIES, 0 },
	{ E1K_MAP_FILTER_HITS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, E1K_FILTER_HIT_ENTRIES, 0 },
	{ E1K_MAP_FILTER_SRC4, BPF_MAP_TYPE_LPM_TRIE, 8, 16, E1K_FILTER_LPM_ENTRIES, BPF_F_NO_PREALLOC },
	{ E1K_MAP_FILTER_DST4, BPF_MAP_TYPE_LPM_TRIE, 8, 16, E1K_FILTER_LPM_ENTRIES, BPF_F_NO_PREALLOC },
	{ E1K_MAP_FILTER_SRC6, BPF_MAP_TYPE_LPM_TRIE, 20, 16, E1K_FILTER_LPM_ENTRIES, BPF_F_NO_PREALLOC },
	{ E1K_MAP_FILTER_DST6, BPF_MAP_TYPE_LPM_TRIE, 20, 16, E1K_FILTER_LPM_ENTRIES, BPF_F_NO_PREALLOC },
	{ NULL, 0, 0, 0, 0, 0 }
};
static const struct mapspec maps_echo[] = {
	STATS(E1K_MAP_ECHO_STATS),
	{ E1K_MAP_ECHO_CFG, BPF_MAP_TYPE_HASH, 4, sizeof(struct e1k_echo_cfg),
	  E1K_ECHO_CFG_ENTRIES, 0 },
	{ E1K_MAP_ECHO_ADDR4, BPF_MAP_TYPE_HASH, 8, 4, E1K_ECHO_ADDR_ENTRIES, 0 },
	{ E1K_MAP_ECHO_ADDR6, BPF_MAP_TYPE_HASH, 20, 4, E1K_ECHO_ADDR_ENTRIES, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};
static const struct mapspec maps_drop[] = { STATS(E1K_MAP_DROP_STATS), { NULL, 0, 0, 0, 0, 0 } };
static const struct mapspec maps_pass[] = { STATS(E1K_MAP_PASS_STATS), { NULL, 0, 0, 0, 0, 0 } };
static const struct mapspec maps_tx[] = { STATS(E1K_MAP_TX_STATS), { NULL, 0, 0, 0, 0, 0 } };

static const struct mapspec *maps_of(const struct obj *ob)
{
	return ob == &o_filter ? maps_filter : ob == &o_echo ? maps_echo :
	       ob == &o_drop ? maps_drop : ob == &o_pass ? maps_pass : maps_tx;
}

/*
 * The object as the loader and `ip` see it: the program under its
 * documented name in section "xdp", exactly the documented maps with the
 * documented layout, every one pinned by name under E1K_PIN_ROOT.
 */
static void t_object_layout(struct obj *ob)
{
	struct tcase t = { "" };
	char path[PATH_MAX], name[128];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = E1K_PIN_ROOT);
	const struct mapspec *ms = maps_of(ob);
	struct bpf_object *o;
	struct bpf_program *p;
	struct bpf_map *m;
	int nmaps = 0, nwant = 0, nprogs = 0;

	snprintf(name, sizeof(name), "object_layout_%s", ob->prog);
	snprintf(path, sizeof(path), "%s/%s", objdir, ob->file);
	o = bpf_object__open_file(path, &oo);
	if (!o) {
		tfail(&t, "open %s: %s", path, strerror(errno));
		tdone(name, &t);
		return;
	}
	bpf_object__for_each_program(p, o) {
		nprogs++;
		TCHECK(&t, !strcmp(bpf_program__name(p), ob->prog),
		       "program %s, want %s", bpf_program__name(p), ob->prog);
		TCHECK(&t, !strcmp(bpf_program__section_name(p), "xdp"),
		       "section %s, want xdp", bpf_program__section_name(p));
		TCHECK(&t, bpf_program__type(p) == BPF_PROG_TYPE_XDP, "not an XDP program");
	}
	TCHECK(&t, nprogs == 1, "%d programs, want 1", nprogs);
	for (; ms[nwant].name; nwant++)
		;
	bpf_object__for_each_map(m, o) {
		const char *mn = bpf_map__name(m);
		const struct mapspec *w = NULL;
		char want_pin[PATH_MAX];
		const char *pin = bpf_map__pin_path(m);

		nmaps++;
		for (int i = 0; ms[i].name; i++)
			if (!strcmp(ms[i].name, mn))
				w = &ms[i];
		if (!w) {
			tfail(&t, "unexpected map %s", mn);
			continue;
		}
		TCHECK(&t, strlen(mn) < 16, "map name %s longer than 15 chars", mn);
		TCHECK(&t, bpf_map__type(m) == w->type, "%s: type %d want %d", mn,
		       bpf_map__type(m), w->type);
		TCHECK(&t, bpf_map__key_size(m) == w->key, "%s: key size %u want %u", mn,
		       bpf_map__key_size(m), w->key);
		TCHECK(&t, bpf_map__value_size(m) == w->value, "%s: value size %u want %u",
		       mn, bpf_map__value_size(m), w->value);
		TCHECK(&t, bpf_map__max_entries(m) == w->max, "%s: max_entries %u want %u",
		       mn, bpf_map__max_entries(m), w->max);
		TCHECK(&t, bpf_map__map_flags(m) == w->flags, "%s: flags %#x want %#x", mn,
		       bpf_map__map_flags(m), w->flags);
		snprintf(want_pin, sizeof(want_pin), "%s/%s", E1K_PIN_ROOT, mn);
		TCHECK(&t, pin && !strcmp(pin, want_pin), "%s: pin path %s, want %s", mn,
		       pin ? pin : "(none: not LIBBPF_PIN_BY_NAME)", want_pin);
	}
	TCHECK(&t, nmaps == nwant, "%d maps, want %d", nmaps, nwant);
	bpf_object__close(o);
	tdone(name, &t);
}

/* Loaded (done in main); the verifier's work stays far below its limit, so
 * older verifiers (6.1) have headroom. */
static void t_object_load(struct obj *ob, const char *err, int insns)
{
	struct tcase t = { "" };
	char name[128];

	snprintf(name, sizeof(name), "object_load_%s", ob->prog);
	if (ob->fd < 0)
		tfail(&t, "%s", err);
	else
		TCHECK(&t, insns >= 0 && insns < 200000,
		       "verifier processed %d insns (budget for this test: 200000 of 1M)", insns);
	tdone(name, &t);
}

/* Two loads with the same pin root share the maps (what `ip` and the loader
 * rely on); done in a private directory of bpffs, removed afterwards. */
static void t_pin_reuse(void)
{
	struct tcase t = { "" };
	char dir[] = "/sys/fs/bpf/e1k-unit-XXXXXX", path[PATH_MAX];
	struct bpf_object *a = NULL, *b = NULL;
	struct bpf_map *m;

	if (!mkdtemp(dir)) {
		tfail(&t, "mkdtemp %s: %s (is bpffs mounted on /sys/fs/bpf?)", dir,
		      strerror(errno));
		tdone("pin_by_name_reuse", &t);
		return;
	}
	for (int i = 0; i < 2 && !t.reason[0]; i++) {
		LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = dir);
		struct bpf_object *o;

		snprintf(path, sizeof(path), "%s/%s", objdir, o_filter.file);
		o = bpf_object__open_file(path, &oo);
		if (!o || bpf_object__load(o)) {
			tfail(&t, "load %d with pin root %s failed", i, dir);
			if (o)
				bpf_object__close(o);
			break;
		}
		if (i == 0)
			a = o;
		else
			b = o;
	}
	if (a && b) {
		bpf_object__for_each_map(m, a) {
			struct bpf_map *m2 = bpf_object__find_map_by_name(b, bpf_map__name(m));
			struct bpf_map_info i1, i2;
			__u32 l1 = sizeof(i1), l2 = sizeof(i2);

			memset(&i1, 0, sizeof(i1));
			memset(&i2, 0, sizeof(i2));
			if (!m2 || bpf_obj_get_info_by_fd(bpf_map__fd(m), &i1, &l1) ||
			    bpf_obj_get_info_by_fd(bpf_map__fd(m2), &i2, &l2)) {
				tfail(&t, "%s: no info", bpf_map__name(m));
				continue;
			}
			TCHECK(&t, i1.id == i2.id, "%s: second load made a new map (%u vs %u)",
			       bpf_map__name(m), i1.id, i2.id);
			snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(m));
			TCHECK(&t, access(path, F_OK) == 0, "no pin %s", path);
		}
	}
	if (a) {
		bpf_object__unpin_maps(a, NULL);
		bpf_object__close(a);
	}
	if (b)
		bpf_object__close(b);
	if (rmdir(dir))
		tfail(&t, "rmdir %s: %s", dir, strerror(errno));
	tdone("pin_by_name_reuse", &t);
}

/* The skeletons the loader builds on: open, load (unpinned), run a frame. */
#define SKEL_TEST(sk, progname, frame_fn, want)                                 \
	static void t_skel_##sk(void)                                          \
	{                                                                      \
		struct tcase t = { "" };                                       \
		struct sk *s = sk##__open();                                   \
		struct bpf_map *m;                                             \
		uint8_t f[PKT_MAX];                                            \
		size_t len;                                                    \
		int v;                                                         \
                                                                               \
		if (!s) {                                                      \
			tfail(&t, "open failed");                              \
			tdone("skeleton_" #sk, &t);                            \
			return;                                                \
		}                                                              \
		bpf_object__for_each_map(m, s->obj)                            \
			bpf_map__set_pin_path(m, NULL);                        \
		if (sk##__load(s)) {                                           \
			tfail(&t, "load failed");                              \
		} else {                                                       \
			len = frame_fn(f);                                     \
			v = run(bpf_program__fd(s->progs.progname), f, len,    \
				NULL, NULL);                                   \
			TCHECK(&t, v == (want), "verdict %s, want %s",         \
			       vname(v), vname(want));                         \
		}                                                              \
		sk##__destroy(s);                                              \
		tdone("skeleton_" #sk, &t);                                    \
	}

static size_t frame_echo4(uint8_t *f)
{
	struct fspec s = spec4(1);

	return pkt_build(&s, f);
}

SKEL_TEST(xdp_filter, e1k_filter, frame_echo4, XDP_PASS)
/* Fresh maps list no address: the reflector leaves the request to the stack. */
SKEL_TEST(xdp_icmp_echo, e1k_icmp_echo, frame_echo4, XDP_PASS)
SKEL_TEST(xdp_drop, e1k_drop, frame_echo4, XDP_DROP)
SKEL_TEST(xdp_pass, e1k_pass, frame_echo4, XDP_PASS)
SKEL_TEST(xdp_tx, e1k_tx, frame_echo4, XDP_TX)

/* --------------------------------------------- drop / pass / tx programs */

static void t_simple(struct obj *ob, const char *statsmap, int want)
{
	struct tcase t = { "" };
	struct e1k_stats exp[E1K_STATS_ENTRIES];
	int sfd = mapfd(ob, statsmap);
	char name[64];
	size_t lens[] = { 14, 60, 99, 1514 };

	snprintf(name, sizeof(name), "prog_%s", ob->prog);
	memset(exp, 0, sizeof(exp));
	zero_percpu(sfd, E1K_STATS_ENTRIES);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t in[PKT_MAX], out[PKT_MAX + 512], want_out[PKT_MAX];
		size_t outlen = 0;
		int v;

		for (size_t k = 0; k < lens[i]; k++)
			in[k] = (uint8_t)(k * 7 + i);
		memcpy(want_out, in, lens[i]);
		if (want == XDP_TX) {
			memcpy(want_out, in + 6, 6);
			memcpy(want_out + 6, in, 6);
		}
		v = run(ob->fd, in, lens[i], out, &outlen);
		TCHECK(&t, v == want, "len %zu: verdict %s", lens[i], vname(v));
		TCHECK(&t, outlen == lens[i] && !memcmp(out, want_out, lens[i]),
		       "len %zu: output frame differs from the expected one", lens[i]);
		exp[want].packets++;
		exp[want].bytes += lens[i];
	}
	check_stats(&t, sfd, exp);
	tdone(name, &t);
}

/* ------------------------------------------------------- the reflector */

static int echo_cfg_fd, echo_a4_fd, echo_a6_fd, echo_stats_fd;
static struct e1k_echo_cfg cur_echo_cfg;
static int cur_echo_cfg_set;

/* BPF_PROG_TEST_RUN runs XDP programs as received on the loopback device,
 * whose ifindex is 1 in every namespace: the reflector's addresses are
 * listed under it. */
#define ECHO_IFINDEX 1

/* List @text/@plen as an address of interface @ifindex. */
static void echo_own(__u32 ifindex, const char *text, __u32 plen)
{
	if (strchr(text, ':')) {
		struct e1k_echo_key6 k = { .ifindex = ifindex };

		set_ip6(k.addr, text);
		bpf_map_update_elem(echo_a6_fd, &k, &plen, BPF_ANY);
	} else {
		struct e1k_echo_key4 k = { .ifindex = ifindex };

		inet_pton(AF_INET, text, k.addr);
		bpf_map_update_elem(echo_a4_fd, &k, &plen, BPF_ANY);
	}
}

/* Empty maps, counters zero, no configuration, no address listed. */
static void echo_reset_bare(void)
{
	struct e1k_echo_key4 k4;
	struct e1k_echo_key6 k6;
	__u32 next;

	while (!bpf_map_get_next_key(echo_cfg_fd, NULL, &next))
		bpf_map_delete_elem(echo_cfg_fd, &next);
	while (!bpf_map_get_next_key(echo_a4_fd, NULL, &k4))
		bpf_map_delete_elem(echo_a4_fd, &k4);
	while (!bpf_map_get_next_key(echo_a6_fd, NULL, &k6))
		bpf_map_delete_elem(echo_a6_fd, &k6);
	zero_percpu(echo_stats_fd, E1K_STATS_ENTRIES);
	cur_echo_cfg_set = 0;
	memset(&cur_echo_cfg, 0, sizeof(cur_echo_cfg));
}

/* The fixture most tests use: the DUT's addresses of spec4()/spec6()
 * listed, as the loader lists an interface's. */
static void echo_reset(void)
{
	echo_reset_bare();
	echo_own(ECHO_IFINDEX, "10.11.0.1", 24);
	echo_own(ECHO_IFINDEX, "fd11::1", 64);
}

static void echo_set_cfg(__u32 ifindex, const struct e1k_echo_cfg *c)
{
	bpf_map_update_elem(echo_cfg_fd, &ifindex, c, BPF_ANY);
	if (ifindex == 0) {
		cur_echo_cfg = *c;
		cur_echo_cfg_set = 1;
	}
}

/* The model's view of the address maps: what the program will find. */
static unsigned owned4(const uint8_t *a)
{
	struct e1k_echo_key4 k = { .ifindex = ECHO_IFINDEX };
	__u32 v;

	memcpy(k.addr, a, sizeof(k.addr));
	return bpf_map_lookup_elem(echo_a4_fd, &k, &v) ? 0 : v;
}
static unsigned owned6(const uint8_t *a)
{
	struct e1k_echo_key6 k = { .ifindex = ECHO_IFINDEX };
	__u32 v;

	memcpy(k.addr, a, sizeof(k.addr));
	return bpf_map_lookup_elem(echo_a6_fd, &k, &v) ? 0 : v;
}

/*
 * One frame through the reflector, checked against the model: the verdict,
 * and for XDP_TX the exact reply, which must only ever answer a request
 * whose checksums are right. Returns the verdict.
 */
static int echo_check(struct tcase *t, const char *what, const uint8_t *f, size_t len)
{
	uint8_t out[PKT_MAX + 512], want[PKT_MAX];
	struct oecho_cfg ec = { cur_echo_cfg_set ? &cur_echo_cfg : NULL, owned4, owned6 };
	size_t outlen = 0;
	int v, wv;

	wv = oracle_echo(f, len, &ec, want);
	v = run(o_echo.fd, f, len, out, &outlen);
	if (v != wv) {
		char hex[300];

		hexdump(hex, sizeof(hex), f, len < 120 ? len : 120);
		return tfail(t, "%s: verdict %s, want %s (frame %s)", what, vname(v),
			     vname(wv), hex), v;
	}
	if (outlen != len)
		return tfail(t, "%s: output length %zu, input %zu", what, outlen, len), v;
	if (v != XDP_TX) {
		if (memcmp(out, f, len))
			tfail(t, "%s: frame changed on %s", what, vname(v));
		return v;
	}
	{
		struct ocls c;
		size_t l3, l4, end;
		int v4, ipok, l4ok;

		oracle_classify(f, len, &c);
		l3 = c.l3;
		l4 = c.l4;
		end = c.l4 + c.l4_avail;
		v4 = c.family == 4;
		ipok = !v4 || csum_ok_ip4hdr(f, l3);
		l4ok = csum_ok_l4(f, l3, l4, end);
		if (!ipok || !l4ok)
			return tfail(t, "%s: a request with a bad checksum was answered", what), v;
		TCHECK(t, !v4 || csum_ok_ip4hdr(out, l3), "%s: reply IPv4 header checksum bad",
		       what);
		TCHECK(t, csum_ok_l4(out, l3, l4, end), "%s: reply ICMP checksum bad", what);
		if (memcmp(out, want, len)) {
			size_t i = 0;

			while (i < len && out[i] == want[i])
				i++;
			tfail(t, "%s: reply differs at byte %zu: %02x, want %02x", what, i, out[i],
			      want[i]);
		}
	}
	return v;
}

/* The reply built from scratch by the frame builder, for the fixed cases:
 * a second, independent way to the expected bytes. */
static void echo_exact(const char *name, struct fspec req, const struct e1k_echo_cfg *cfg)
{
	uint8_t ttl = cfg ? cfg->ttl : 0;
	struct tcase t = { "" };
	struct fspec rep = req;
	struct e1k_stats exp[E1K_STATS_ENTRIES];
	uint8_t f[PKT_MAX], w[PKT_MAX], out[PKT_MAX + 512];
	size_t len, wlen, outlen = 0;
	int v;

	echo_reset();
	if (cfg)
		echo_set_cfg(0, cfg);
	memcpy(rep.dmac, req.smac, 6);
	memcpy(rep.smac, req.dmac, 6);
	memcpy(rep.src, req.dst, 16);
	memcpy(rep.dst, req.src, 16);
	rep.icmp_type = req.family == 4 ? 0 : 129;
	rep.ttl = ttl ? ttl : 64;
	len = pkt_build(&req, f);
	wlen = pkt_build(&rep, w);
	v = run(o_echo.fd, f, len, out, &outlen);
	TCHECK(&t, v == XDP_TX, "verdict %s, want TX", vname(v));
	TCHECK(&t, outlen == wlen, "length %zu, want %zu", outlen, wlen);
	if (v == XDP_TX && outlen == wlen && memcmp(out, w, wlen)) {
		size_t i = 0;
		char hex[200];

		while (out[i] == w[i])
			i++;
		hexdump(hex, sizeof(hex), out + (i > 8 ? i - 8 : 0), 24);
		tfail(&t, "reply differs at byte %zu: %02x want %02x (near: %s)", i, out[i],
		      w[i], hex);
	}
	/* And independently of the builder's checksum code: */
	{
		struct ocls c;

		oracle_classify(out, outlen, &c);
		if (req.family == 4)
			TCHECK(&t, csum_ok_ip4hdr(out, c.l3), "reply IPv4 header checksum bad");
		TCHECK(&t, csum_ok_l4(out, c.l3, c.l4, c.l4 + c.l4_avail),
		       "reply ICMP checksum bad");
	}
	memset(exp, 0, sizeof(exp));
	exp[XDP_TX].packets = 1;
	exp[XDP_TX].bytes = len;
	check_stats(&t, echo_stats_fd, exp);
	tdone(name, &t);
}

static void t_echo_exact(void)
{
	struct fspec s;

	echo_exact("echo_ipv4_exact", spec4(1), NULL);
	echo_exact("echo_ipv6_exact", spec6(58), NULL);
	s = spec4(1);
	add_vlan(&s, 0x8100, 100);
	echo_exact("echo_ipv4_vlan_exact", s, NULL);
	s = spec6(58);
	add_vlan(&s, 0x8100, 5);
	echo_exact("echo_ipv6_vlan_exact", s, NULL);
	s = spec4(1);
	add_vlan(&s, 0x88a8, 10);
	add_vlan(&s, 0x8100, 20);
	echo_exact("echo_ipv4_qinq_exact", s, NULL);
	s = spec6(58);
	add_vlan(&s, 0x88a8, 10);
	add_vlan(&s, 0x8100, 20);
	echo_exact("echo_ipv6_qinq_exact", s, NULL);
	s = spec4(1);
	s.payload = 0;
	s.pad_to = 60; /* minimum frame: 18 bytes of Ethernet padding */
	echo_exact("echo_ipv4_min_frame_padding", s, NULL);
	s = spec6(58);
	s.payload = 1400;
	s.ttl = 1;
	echo_exact("echo_ipv6_large_ttl1", s, NULL);
}

/*
 * The checksum edges RFC 1624 is about: requests crafted (through the first
 * payload word) so that the reply's ICMP checksum is 0x0000, so that the
 * request's is 0x0000, the request carrying 0xffff (the other zero), and a
 * reply whose IPv4 header checksum is 0x0000. Each reply must match the one
 * computed from scratch.
 */
static void t_echo_csum_edges(void)
{
	struct tcase t = { "" };
	int cases = 0;

	echo_reset();
	for (int fam = 4; fam <= 6; fam += 2) {
		for (int target = 0; target < 3; target++) {
			uint8_t f[PKT_MAX], r[PKT_MAX], pl[8] = { 0, 0, 1, 2, 3, 4, 5, 6 };
			struct oecho_cfg ec = { NULL, owned4, owned6 };
			struct fspec s = fam == 4 ? spec4(1) : spec6(58);
			struct pkt_layout lay;
			size_t len;
			uint16_t ck, w;

			s.payload = sizeof(pl);
			s.payload_bytes = pl;
			len = pkt_build_layout(&s, f, &lay);
			if (target == 0) {
				/* reply checksum with payload word 0 */
				oracle_echo(f, len, &ec, r);
				ck = (uint16_t)(r[lay.l4 + 2] << 8 | r[lay.l4 + 3]);
			} else {
				ck = (uint16_t)(f[lay.l4 + 2] << 8 | f[lay.l4 + 3]);
			}
			/* checksum = ~sum; adding w to the sum subtracts w
			 * from the checksum: w = checksum makes it 0 */
			w = ck;
			pl[0] = w >> 8;
			pl[1] = w & 0xff;
			len = pkt_build_layout(&s, f, &lay);
			if (target == 2) {
				if (f[lay.l4 + 2] | f[lay.l4 + 3])
					continue;
				f[lay.l4 + 2] = f[lay.l4 + 3] = 0xff;
			}
			oracle_echo(f, len, &ec, r);
			if (target == 0 && (r[lay.l4 + 2] | r[lay.l4 + 3])) {
				tfail(&t, "test bug: no 0x0000 reply checksum constructed");
				continue;
			}
			if (target == 1 && (f[lay.l4 + 2] | f[lay.l4 + 3])) {
				tfail(&t, "test bug: no 0x0000 request checksum constructed");
				continue;
			}
			cases++;
			TCHECK(&t, echo_check(&t, "edge", f, len) == XDP_TX, "edge %d/%d not answered",
			       fam, target);
		}
	}
	/* IPv4 header checksum 0x0000 in the reply: search the ID. */
	for (unsigned id = 0; id < 0x10000; id++) {
		uint8_t f[PKT_MAX], r[PKT_MAX];
		struct oecho_cfg ec = { NULL, owned4, owned6 };
		struct fspec s = spec4(1);
		size_t len;

		s.ip_id = (uint16_t)id;
		len = pkt_build(&s, f);
		if (oracle_echo(f, len, &ec, r) != XDP_TX || (r[24] | r[25]))
			continue;
		cases++;
		echo_check(&t, "ip-edge", f, len);
		break;
	}
	TCHECK(&t, cases >= 6, "only %d edge cases could be constructed", cases);
	tdone("echo_checksum_edges", &t);
}

/* Requests the reflector must leave to the stack, frame untouched. */
static void t_echo_pass_cases(void)
{
	struct {
		const char *name;
		struct fspec s;
	} c[48];
	int n = 0;
	struct fspec s;

#define ADD(nm, sp) do { c[n].name = nm; c[n].s = sp; n++; } while (0)
	s = spec4(1); s.icmp_type = 0; ADD("v4_echo_reply", s);
	s = spec4(1); s.icmp_type = 3; s.icmp_code = 3; ADD("v4_dest_unreach", s);
	s = spec4(1); s.icmp_code = 1; ADD("v4_echo_code1", s);
	s = spec4(1); s.frag = 0x2000; ADD("v4_first_fragment", s);
	s = spec4(1); s.frag = 0x0010; ADD("v4_later_fragment", s);
	s = spec4(1); s.optlen = 8; ADD("v4_options", s);
	s = spec4(1); s.ah = 1; s.ah_len = 4; ADD("v4_ah", s);
	s = spec4(1); s.dmac[0] = 0x01; ADD("v4_multicast_dmac", s);
	s = spec4(1); memset(s.dmac, 0xff, 6); ADD("v4_broadcast_dmac", s);
	s = spec4(1); s.smac[0] = 0x01; ADD("v4_multicast_smac", s);
	s = spec4(1); set_ip4(s.dst, 224, 0, 0, 1); ADD("v4_dst_multicast", s);
	s = spec4(1); set_ip4(s.dst, 255, 255, 255, 255); ADD("v4_dst_broadcast", s);
	s = spec4(1); set_ip4(s.src, 0, 0, 0, 0); ADD("v4_src_zero", s);
	s = spec4(1); set_ip4(s.src, 127, 0, 0, 1); ADD("v4_src_loopback", s);
	s = spec4(1); set_ip4(s.src, 240, 1, 1, 1); ADD("v4_src_class_e", s);
	s = spec4(6); ADD("v4_tcp", s);
	s = spec4(17); ADD("v4_udp", s);
	s = spec6(58); s.icmp_type = 129; ADD("v6_echo_reply", s);
	s = spec6(58); s.icmp_type = 135; ADD("v6_neighbour_solicit", s);
	s = spec6(58); s.icmp_code = 2; ADD("v6_echo_code2", s);
	s = spec6(58); add_ext(&s, 0, 0, 0); ADD("v6_hop_by_hop", s);
	s = spec6(58); add_ext(&s, 60, 0, 0); ADD("v6_dest_opts", s);
	s = spec6(58); add_ext(&s, 44, 0, 1); ADD("v6_first_fragment", s);
	s = spec6(58); add_ext(&s, 44, 0, 0); ADD("v6_atomic_fragment", s);
	s = spec6(58); set_ip6(s.dst, "ff02::1"); s.dmac[0] = 0x33; ADD("v6_dst_all_nodes", s);
	s = spec6(58); set_ip6(s.dst, "ff02::1"); ADD("v6_dst_multicast_ucast_mac", s);
	s = spec6(58); set_ip6(s.src, "::"); ADD("v6_src_unspecified", s);
	s = spec6(58); set_ip6(s.src, "::1"); ADD("v6_src_loopback", s);
	s = spec6(58); set_ip6(s.src, "::ffff:10.0.0.1"); ADD("v6_src_v4mapped", s);
	s = spec6(6); ADD("v6_tcp", s);
	s = spec6(1); ADD("v6_proto1_not_icmpv6", s);
	s = spec4(58); ADD("v4_proto58_not_icmp", s);
	s = spec4(0); s.family = 0; s.ethertype = 0x0806; s.payload = 28; ADD("arp", s);
	s = spec4(1); add_vlan(&s, 0x8100, 1); add_vlan(&s, 0x8100, 2);
	add_vlan(&s, 0x8100, 3); ADD("v4_three_tags", s);
	/* Only for addresses of ours (10.11.0.1/24, fd11::1/64), only from
	 * sources that are not: each of these was answered once. */
	s = spec4(1); set_ip4(s.dst, 8, 8, 8, 8); ADD("v4_dst_not_ours", s);
	s = spec4(1); set_ip4(s.dst, 10, 11, 0, 9); ADD("v4_dst_neighbour", s);
	s = spec4(1); set_ip4(s.dst, 10, 11, 0, 255); ADD("v4_dst_subnet_broadcast", s);
	s = spec4(1); set_ip4(s.src, 10, 11, 0, 255); ADD("v4_src_subnet_broadcast", s);
	s = spec4(1); set_ip4(s.src, 10, 11, 0, 1); ADD("v4_src_own_address", s);
	s = spec4(1); set_ip4(s.src, 255, 255, 255, 255); ADD("v4_src_broadcast", s);
	s = spec6(58); set_ip6(s.dst, "fd11::3"); ADD("v6_dst_not_ours", s);
	s = spec6(58); set_ip6(s.src, "fd11::1"); ADD("v6_src_own_address", s);
#undef ADD
	echo_reset();
	for (int i = 0; i < n; i++) {
		struct tcase t = { "" };
		uint8_t f[PKT_MAX], out[PKT_MAX + 512];
		size_t len = pkt_build(&c[i].s, f), outlen = 0;
		char name[96];
		int v = run(o_echo.fd, f, len, out, &outlen);

		snprintf(name, sizeof(name), "echo_pass_%s", c[i].name);
		TCHECK(&t, v == XDP_PASS, "verdict %s, want PASS", vname(v));
		TCHECK(&t, outlen == len && !memcmp(out, f, len), "frame changed");
		/* the model agrees (keeps the model honest too) */
		TCHECK(&t, echo_check(&t, c[i].name, f, len) == XDP_PASS, "model disagrees");
		tdone(name, &t);
	}
}

/* Every truncation of valid requests: never TX, never changed. */
static void t_echo_truncated(void)
{
	struct tcase t = { "" };
	struct fspec sp[4];
	int ntx = 0;

	sp[0] = spec4(1);
	sp[1] = spec6(58);
	sp[2] = spec4(1);
	add_vlan(&sp[2], 0x88a8, 1);
	add_vlan(&sp[2], 0x8100, 2);
	sp[3] = spec6(58);
	add_vlan(&sp[3], 0x8100, 9);
	echo_reset();
	for (int i = 0; i < 4; i++) {
		uint8_t f[PKT_MAX];
		size_t full = pkt_build(&sp[i], f);

		for (size_t len = 14; len <= full; len++) {
			char what[64];
			int v;

			snprintf(what, sizeof(what), "spec %d len %zu/%zu", i, len, full);
			v = echo_check(&t, what, f, len);
			if (len < full)
				TCHECK(&t, v == XDP_PASS, "%s: truncated request answered", what);
			else
				ntx += v == XDP_TX;
		}
	}
	TCHECK(&t, ntx == 4, "the untruncated requests got %d replies, want 4", ntx);
	tdone("echo_truncated_every_length", &t);
}

static void t_echo_config(void)
{
	uint8_t f[PKT_MAX], out[PKT_MAX + 512];
	struct e1k_echo_cfg cfg;
	struct fspec s;
	size_t len;

	{ /* MAC */
		struct tcase t = { "" };

		echo_reset();
		memset(&cfg, 0, sizeof(cfg));
		cfg.flags = E1K_ECHO_F_MAC;
		memcpy(cfg.mac, MAC_DUT, 6);
		echo_set_cfg(0, &cfg);
		s = spec4(1);
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "own mac", f, len) == XDP_TX, "own MAC not answered");
		s.dmac[5] = 0x99;
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "other mac", f, len) == XDP_PASS, "other MAC answered");
		tdone("echo_config_mac", &t);
	}
	{ /* address lists: nothing listed (attached by plain ip), nothing
	   * answered; an address answers only on the interface it is
	   * listed under */
		struct tcase t = { "" };
		struct fspec s6 = spec6(58);
		uint8_t f6[PKT_MAX];
		size_t len6;

		echo_reset_bare();
		s = spec4(1);
		len = pkt_build(&s, f);
		len6 = pkt_build(&s6, f6);
		TCHECK(&t, echo_check(&t, "v4 nothing listed", f, len) == XDP_PASS,
		       "answered with no address listed");
		TCHECK(&t, echo_check(&t, "v6 nothing listed", f6, len6) == XDP_PASS,
		       "answered with no address listed");
		echo_own(ECHO_IFINDEX + 1, "10.11.0.1", 24);
		echo_own(ECHO_IFINDEX + 1, "fd11::1", 64);
		TCHECK(&t, run(o_echo.fd, f, len, out, NULL) == XDP_PASS,
		       "v4 answered for an address of another interface");
		TCHECK(&t, run(o_echo.fd, f6, len6, out, NULL) == XDP_PASS,
		       "v6 answered for an address of another interface");
		echo_own(ECHO_IFINDEX, "10.11.0.1", 24);
		TCHECK(&t, echo_check(&t, "v4 listed", f, len) == XDP_TX, "listed v4 not answered");
		TCHECK(&t, echo_check(&t, "v6 not listed", f6, len6) == XDP_PASS,
		       "unlisted v6 answered");
		echo_own(ECHO_IFINDEX, "fd11::1", 64);
		TCHECK(&t, echo_check(&t, "v6 listed", f6, len6) == XDP_TX, "listed v6 not answered");
		tdone("echo_config_address_lists", &t);
	}
	{ /* a /31 has no broadcast address: its other end may ping */
		struct tcase t = { "" };

		echo_reset_bare();
		echo_own(ECHO_IFINDEX, "10.11.0.0", 31);
		s = spec4(1);
		set_ip4(s.dst, 10, 11, 0, 0);
		set_ip4(s.src, 10, 11, 0, 1);
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "/31 peer", f, len) == XDP_TX, "/31 peer not answered");
		set_ip4(s.dst, 10, 11, 0, 1);
		set_ip4(s.src, 10, 11, 0, 3);
		echo_reset_bare();
		echo_own(ECHO_IFINDEX, "10.11.0.1", 30);
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "/30 broadcast", f, len) == XDP_PASS,
		       "answered the /30's broadcast address");
		tdone("echo_config_prefix_broadcast", &t);
	}
	{ /* families off */
		struct tcase t = { "" };

		echo_reset();
		memset(&cfg, 0, sizeof(cfg));
		cfg.flags = E1K_ECHO_F_NO_IPV4;
		echo_set_cfg(0, &cfg);
		s = spec4(1);
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "v4 off", f, len) == XDP_PASS, "IPv4 answered when off");
		s = spec6(58);
		len = pkt_build(&s, f);
		TCHECK(&t, echo_check(&t, "v6 on", f, len) == XDP_TX, "IPv6 not answered");
		cfg.flags = E1K_ECHO_F_NO_IPV6;
		echo_set_cfg(0, &cfg);
		TCHECK(&t, echo_check(&t, "v6 off", f, len) == XDP_PASS, "IPv6 answered when off");
		tdone("echo_config_family_off", &t);
	}
	{ /* TTL */
		struct fspec r4 = spec4(1), r6 = spec6(58);

		memset(&cfg, 0, sizeof(cfg));
		cfg.ttl = 5;
		echo_exact("echo_config_ttl_ipv4", r4, &cfg);
		echo_exact("echo_config_ttl_ipv6", r6, &cfg);
	}
	{ /* per-ifindex entry before entry 0 */
		struct tcase t = { "" };
		int v;

		echo_reset();
		memset(&cfg, 0, sizeof(cfg));
		cfg.flags = E1K_ECHO_F_NO_IPV4;
		echo_set_cfg(0, &cfg);
		s = spec4(1);
		len = pkt_build(&s, f);
		v = run_ctx(o_echo.fd, f, len, out, NULL, 1);
		TCHECK(&t, v == XDP_PASS, "ifindex 1 without own entry should use entry 0: %s",
		       vname(v));
		memset(&cfg, 0, sizeof(cfg));
		echo_set_cfg(1, &cfg);
		v = run_ctx(o_echo.fd, f, len, out, NULL, 1);
		TCHECK(&t, v == XDP_TX, "ifindex 1's own entry should win: %s", vname(v));
		tdone("echo_config_per_ifindex", &t);
	}
}

/* A request with a wrong checksum (IPv4 header, ICMP, ICMPv6, or a
 * payload byte changed under a right-looking one) goes to the stack,
 * which drops it: the reflector answered such requests once. */
static void t_echo_bad_csum(void)
{
	static const struct {
		const char *what;
		int fam;
		int at_l3; /* flip in the IP header, else in the ICMP message */
		size_t off;
	} flips[] = {
		{ "v4 header checksum", 4, 1, 10 },
		{ "v4 icmp checksum", 4, 0, 3 },
		{ "v4 icmp payload", 4, 0, 12 },
		{ "v6 icmpv6 checksum", 6, 0, 2 },
		{ "v6 icmpv6 payload", 6, 0, 9 },
	};
	struct tcase t = { "" };

	echo_reset();
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		struct fspec s = flips[i].fam == 4 ? spec4(1) : spec6(58);
		struct pkt_layout lay;
		uint8_t f[PKT_MAX], out[PKT_MAX + 512];
		size_t len, outlen = 0;
		int v;

		len = pkt_build_layout(&s, f, &lay);
		f[(flips[i].at_l3 ? lay.l3 : lay.l4) + flips[i].off] ^= 0x5a;
		v = run(o_echo.fd, f, len, out, &outlen);
		TCHECK(&t, v == XDP_PASS, "%s: verdict %s, want PASS", flips[i].what, vname(v));
		TCHECK(&t, echo_check(&t, flips[i].what, f, len) == XDP_PASS, "model disagrees");
	}
	tdone("echo_bad_checksum_to_stack", &t);
}

static void t_echo_counters(void)
{
	struct tcase t = { "" };
	struct e1k_stats exp[E1K_STATS_ENTRIES];
	struct fspec s;
	uint8_t f[PKT_MAX];
	size_t len;

	echo_reset();
	memset(exp, 0, sizeof(exp));
	for (int i = 0; i < 7; i++) {
		s = i % 2 ? spec6(58) : spec4(1);
		s.payload = (size_t)i * 10;
		if (i == 3)
			s.icmp_type = s.family == 4 ? 0 : 129; /* pass */
		len = pkt_build(&s, f);
		int v = echo_check(&t, "counter", f, len);
		exp[v].packets++;
		exp[v].bytes += len;
	}
	TCHECK(&t, exp[XDP_TX].packets == 6 && exp[XDP_PASS].packets == 1, "verdict mix");
	check_stats(&t, echo_stats_fd, exp);
	tdone("echo_counters", &t);
}

/* ---------------------------------------------------------- the filter */

static int f_cfg_fd, f_rules_fd, f_hits_fd, f_stats_fd, f_trie_fd[E1K_TRIE_COUNT];

/* A rule set as the tests write it: rules by slot (gaps allowed: only the
 * order counts), the policies. */
struct fset {
	struct e1k_filter_rule r[E1K_FILTER_MAX_RULES];
	unsigned char policy, unclass;
};

static struct e1k_filter_rule *slot(struct fset *s, int i, uint8_t action)
{
	struct e1k_filter_rule *r = &s->r[i];

	memset(r, 0, sizeof(*r));
	r->flags = E1K_RULE_ACTIVE;
	r->action = action;
	return r;
}

static void r_src(struct e1k_filter_rule *r, const char *addr, unsigned len)
{
	int v6 = strchr(addr, ':') != NULL;

	r->flags |= E1K_MATCH_SRC;
	r->family = v6 ? E1K_FAMILY_IPV6 : E1K_FAMILY_IPV4;
	inet_pton(v6 ? AF_INET6 : AF_INET, addr, r->src);
	r->src_len = (uint8_t)len;
	e1k_prefix_mask(r->src, len, 16);
}

static void r_dst(struct e1k_filter_rule *r, const char *addr, unsigned len)
{
	int v6 = strchr(addr, ':') != NULL;

	r->flags |= E1K_MATCH_DST;
	r->family = v6 ? E1K_FAMILY_IPV6 : E1K_FAMILY_IPV4;
	inet_pton(v6 ? AF_INET6 : AF_INET, addr, r->dst);
	r->dst_len = (uint8_t)len;
	e1k_prefix_mask(r->dst, len, 16);
}

static void r_proto(struct e1k_filter_rule *r, uint8_t p)
{
	r->flags |= E1K_MATCH_PROTO;
	r->proto = p;
}

static void r_dport(struct e1k_filter_rule *r, uint16_t lo, uint16_t hi)
{
	r->flags |= E1K_MATCH_DPORT;
	r->dport_min = lo;
	r->dport_max = hi;
}

static void r_sport(struct e1k_filter_rule *r, uint16_t lo, uint16_t hi)
{
	r->flags |= E1K_MATCH_SPORT;
	r->sport_min = lo;
	r->sport_max = hi;
}

/* Write the whole filter state the way the loader must (see
 * e1k_xdp_maps.h): rules inactive, tries per plan, stale entries removed,
 * then the rules. Counters zeroed. Returns 0 or fails the test. */
/* What the filter maps hold (only filter_install writes them), and the
 * counter id the last install gave each slot of the test's set. */
static struct filter_image f_img;
static int f_slot_id[E1K_FILTER_MAX_RULES];

/*
 * Install @s the way the loader does (loader/ruleset.c, ruleset_bpf.c):
 * planned against what the maps hold, built in the inactive bank, switched
 * in at once; so every install also switches banks. Counters zeroed.
 * Returns 0 or fails the test.
 */
static int filter_install(struct tcase *t, const struct fset *s)
{
	static struct filter_op ops[RULESET_MAX_OPS];
	struct ruleset_fds fds = { f_cfg_fd, f_rules_fd, f_hits_fd,
				   { f_trie_fd[0], f_trie_fd[1], f_trie_fd[2], f_trie_fd[3] } };
	struct ruleset want = { 0 };
	int slot_of[E1K_FILTER_MAX_RULES], n, err;
	char why[256];

	for (unsigned int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		f_slot_id[i] = -1;
		if (!(s->r[i].flags & E1K_RULE_ACTIVE))
			continue;
		slot_of[want.n] = (int)i;
		want.r[want.n] = s->r[i];
		want.r[want.n++].id = RULESET_NEW_ID;
	}
	want.policy = s->policy;
	want.unclass = s->unclass;
	n = ruleset_plan(&f_img, &want, ops, RULESET_MAX_OPS, why, sizeof(why));
	if (n < 0)
		return tfail(t, "test bug: plan refused: %s", why), -1;
	for (int i = 0; i < n; i++) {
		err = ruleset_write(&fds, &ops[i]);
		if (err)
			return tfail(t, "write %d of %d (kind %d): %s", i, n, ops[i].kind,
				     strerror(-err)), -1;
		filter_image_apply(&f_img, &ops[i]);
	}
	for (unsigned int k = 0; k < want.n; k++)
		f_slot_id[slot_of[k]] = want.r[k].id;
	zero_percpu(f_hits_fd, E1K_FILTER_HIT_ENTRIES);
	zero_percpu(f_stats_fd, E1K_STATS_ENTRIES);
	return 0;
}

/* The hit counter index of the model's deciding @slot (or a fixed entry). */
static unsigned int hit_index(int slot)
{
	return slot < E1K_FILTER_MAX_RULES ? (unsigned int)f_slot_id[slot] : (unsigned int)slot;
}

/* Expected counters, accumulated alongside the frames. */
struct fexp {
	struct e1k_stats hits[E1K_FILTER_HIT_ENTRIES];
	struct e1k_stats stats[E1K_STATS_ENTRIES];
	unsigned frames;
};

/* One frame: the verdict must be the model's, the frame unchanged. */
static int filter_check(struct tcase *t, const char *what, const struct fset *s,
			struct fexp *x, const uint8_t *f, size_t len)
{
	uint8_t out[PKT_MAX + 512];
	size_t outlen = 0;
	struct ocls c;
	int sl, wv, v;

	oracle_classify(f, len, &c);
	wv = oracle_filter(s->r, s->policy, s->unclass, &c, &sl);
	v = run(o_filter.fd, f, len, out, &outlen);
	if (v != wv) {
		char hex[260];

		hexdump(hex, sizeof(hex), f, len < 100 ? len : 100);
		tfail(t, "%s: verdict %s, model %s (slot %d, complete %d) frame %s", what,
		      vname(v), vname(wv), sl, c.complete, hex);
	} else if (outlen != len || memcmp(out, f, len)) {
		tfail(t, "%s: the filter changed the frame", what);
	}
	if (x) {
		x->frames++;
		if (sl >= 0) {
			x->hits[sl].packets++;
			x->hits[sl].bytes += len;
		}
		if (!c.complete) {
			x->hits[E1K_FILTER_HIT_UNCLASS].packets++;
			x->hits[E1K_FILTER_HIT_UNCLASS].bytes += len;
		}
		if (wv >= 0 && wv < E1K_STATS_ENTRIES) {
			x->stats[wv].packets++;
			x->stats[wv].bytes += len;
		}
		/* Per frame, so a disagreement names the frame: the same
		 * rule decided, and both call it (un)classifiable. */
		if (sl >= 0 && read_stats(f_hits_fd, hit_index(sl)).packets !=
				       x->hits[sl].packets)
			tfail(t, "%s: decided by another rule than the model's %d", what, sl);
		if (read_stats(f_hits_fd, E1K_FILTER_HIT_UNCLASS).packets !=
		    x->hits[E1K_FILTER_HIT_UNCLASS].packets) {
			char hex[260];

			hexdump(hex, sizeof(hex), f, len < 100 ? len : 100);
			tfail(t, "%s: model says %sclassifiable, the program disagrees (len %zu) %s",
			      what, c.complete ? "" : "un", len, hex);
			x->hits[E1K_FILTER_HIT_UNCLASS] =
				read_stats(f_hits_fd, E1K_FILTER_HIT_UNCLASS);
		}
	}
	return v;
}

/* Every counter: each rule's (by the id its slot got), the default and
 * unclassified ones, and 0 in every id no rule has. */
static void filter_check_counters(struct tcase *t, const struct fexp *x)
{
	struct e1k_stats want[E1K_FILTER_HIT_ENTRIES];

	memset(want, 0, sizeof(want));
	for (int i = 0; i < E1K_FILTER_MAX_RULES; i++)
		if (f_slot_id[i] >= 0)
			want[f_slot_id[i]] = x->hits[i];
	want[E1K_FILTER_HIT_DEFAULT] = x->hits[E1K_FILTER_HIT_DEFAULT];
	want[E1K_FILTER_HIT_UNCLASS] = x->hits[E1K_FILTER_HIT_UNCLASS];
	for (unsigned i = 0; i < E1K_FILTER_HIT_ENTRIES; i++) {
		struct e1k_stats h = read_stats(f_hits_fd, i);

		TCHECK(t, h.packets == want[i].packets && h.bytes == want[i].bytes,
		       "hits[%u] = %llu/%llu, want %llu/%llu", i,
		       (unsigned long long)h.packets, (unsigned long long)h.bytes,
		       (unsigned long long)want[i].packets,
		       (unsigned long long)want[i].bytes);
	}
	check_stats(t, f_stats_fd, x->stats);
}

/* A rule-type test: frames that must hit slot `sl` with verdict `want`, and
 * frames that must fall through to the default (pass). */
struct fcase {
	const char *name;
	struct fspec hit[4];
	int nhit;
	struct fspec miss[4];
	int nmiss;
};

static void filter_rule_test(const char *name, struct fset *s, int sl, int want,
			     const struct fcase *fc)
{
	struct tcase t = { "" };
	struct fexp x;
	uint8_t f[PKT_MAX];

	memset(&x, 0, sizeof(x));
	if (filter_install(&t, s) == 0) {
		for (int i = 0; i < fc->nhit; i++) {
			size_t len = pkt_build(&fc->hit[i], f);
			int v = filter_check(&t, "hit", s, &x, f, len);

			TCHECK(&t, v == want, "matching frame %d: %s, want %s", i, vname(v),
			       vname(want));
		}
		for (int i = 0; i < fc->nmiss; i++) {
			size_t len = pkt_build(&fc->miss[i], f);
			int v = filter_check(&t, "miss", s, &x, f, len);

			TCHECK(&t, v == XDP_PASS, "other frame %d: %s, want PASS", i, vname(v));
		}
		TCHECK(&t, x.hits[sl].packets == (unsigned)fc->nhit,
		       "model: slot %d got %llu of %d frames (test bug)", sl,
		       (unsigned long long)x.hits[sl].packets, fc->nhit);
		filter_check_counters(&t, &x);
	}
	tdone(name, &t);
}

static void t_filter_rules(void)
{
	struct fset s;
	struct fcase c;
	struct e1k_filter_rule *r;
	struct fspec a, b;

	/* source prefix, IPv4 */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 5, E1K_ACTION_DROP);
	r_src(r, "10.11.0.0", 16);
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec4(6);
	a = spec4(17); set_ip4(a.src, 10, 11, 200, 9); c.hit[c.nhit++] = a;
	a = spec4(6); set_ip4(a.src, 10, 12, 0, 2); c.miss[c.nmiss++] = a;
	c.miss[c.nmiss++] = spec6(6);
	filter_rule_test("filter_rule_src4", &s, 5, XDP_DROP, &c);

	/* destination prefix, IPv4, /32 */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 0, E1K_ACTION_DROP);
	r_dst(r, "10.11.0.1", 32);
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec4(1);
	a = spec4(6); set_ip4(a.dst, 10, 11, 0, 3); c.miss[c.nmiss++] = a;
	a = spec4(6); memcpy(a.src, a.dst, 16); set_ip4(a.dst, 8, 8, 8, 8); c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_dst4", &s, 0, XDP_DROP, &c);

	/* IPv6 prefixes */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 63, E1K_ACTION_DROP);
	r_src(r, "fd11::", 64);
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec6(58);
	a = spec6(6); set_ip6(a.src, "fd11::abcd:1"); c.hit[c.nhit++] = a;
	a = spec6(6); set_ip6(a.src, "fd11:0:0:1::2"); c.miss[c.nmiss++] = a;
	c.miss[c.nmiss++] = spec4(6);
	filter_rule_test("filter_rule_src6_slot63", &s, 63, XDP_DROP, &c);

	memset(&s, 0, sizeof(s));
	r = slot(&s, 2, E1K_ACTION_DROP);
	r_dst(r, "fd11::1", 128);
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec6(17);
	a = spec6(17); set_ip6(a.dst, "fd11::2"); c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_dst6", &s, 2, XDP_DROP, &c);

	/* L4 protocol */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 1, E1K_ACTION_DROP);
	r_proto(r, 17);
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec4(17);
	c.hit[c.nhit++] = spec6(17);
	c.miss[c.nmiss++] = spec4(6);
	c.miss[c.nmiss++] = spec6(58);
	filter_rule_test("filter_rule_proto", &s, 1, XDP_DROP, &c);

	/* destination port, exact */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 3, E1K_ACTION_DROP);
	r_proto(r, 6);
	r_dport(r, 22, 22);
	memset(&c, 0, sizeof(c));
	a = spec4(6); a.dport = 22; c.hit[c.nhit++] = a;
	a = spec6(6); a.dport = 22; c.hit[c.nhit++] = a;
	a = spec4(17); a.dport = 22; c.miss[c.nmiss++] = a;
	a = spec4(6); a.dport = 23; c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_tcp_dport", &s, 3, XDP_DROP, &c);

	/* source port range, no protocol: TCP and UDP */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 4, E1K_ACTION_DROP);
	r_sport(r, 1000, 2000);
	memset(&c, 0, sizeof(c));
	a = spec4(6); a.sport = 1000; c.hit[c.nhit++] = a;
	a = spec6(17); a.sport = 2000; c.hit[c.nhit++] = a;
	a = spec4(17); a.sport = 2001; c.miss[c.nmiss++] = a;
	a = spec4(6); a.sport = 999; c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_sport_range", &s, 4, XDP_DROP, &c);

	/* ICMP type (v4) and code */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 7, E1K_ACTION_DROP);
	r_proto(r, 1);
	r->flags |= E1K_MATCH_ICMP_TYPE;
	r->icmp_type = 8;
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec4(1);
	a = spec4(1); a.icmp_type = 0; c.miss[c.nmiss++] = a;
	c.miss[c.nmiss++] = spec6(58);
	a = spec6(58); a.icmp_type = 8; c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_icmp_type", &s, 7, XDP_DROP, &c);

	memset(&s, 0, sizeof(s));
	r = slot(&s, 8, E1K_ACTION_DROP);
	r_proto(r, 1);
	r->flags |= E1K_MATCH_ICMP_TYPE | E1K_MATCH_ICMP_CODE;
	r->icmp_type = 3;
	r->icmp_code = 4;
	memset(&c, 0, sizeof(c));
	a = spec4(1); a.icmp_type = 3; a.icmp_code = 4; c.hit[c.nhit++] = a;
	/* type and code name ICMPv4's numbers: ICMPv6 3/4 is another message */
	a = spec6(58); a.icmp_type = 3; a.icmp_code = 4; c.miss[c.nmiss++] = a;
	a = spec4(1); a.icmp_type = 3; a.icmp_code = 3; c.miss[c.nmiss++] = a;
	a = spec4(6); a.sport = 0x0304; c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_icmp_type_code", &s, 8, XDP_DROP, &c);

	/* ICMPv6 type */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 9, E1K_ACTION_DROP);
	r_proto(r, 58);
	r->flags |= E1K_MATCH_ICMP_TYPE;
	r->icmp_type = 128;
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec6(58);
	a = spec6(58); add_vlan(&a, 0x8100, 3); c.hit[c.nhit++] = a;
	a = spec6(58); a.icmp_type = 135; c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_icmpv6_type", &s, 9, XDP_DROP, &c);

	/* EtherType: ARP, and a TPID in the chain */
	memset(&s, 0, sizeof(s));
	r = slot(&s, 10, E1K_ACTION_DROP);
	r->flags |= E1K_MATCH_ETHERTYPE;
	r->ethertype = 0x0806;
	memset(&c, 0, sizeof(c));
	a = spec4(0); a.family = 0; a.ethertype = 0x0806; a.payload = 28; c.hit[c.nhit++] = a;
	b = a; add_vlan(&b, 0x8100, 7); c.hit[c.nhit++] = b;
	c.miss[c.nmiss++] = spec4(6);
	filter_rule_test("filter_rule_ethertype_arp", &s, 10, XDP_DROP, &c);

	memset(&s, 0, sizeof(s));
	r = slot(&s, 11, E1K_ACTION_DROP);
	r->flags |= E1K_MATCH_ETHERTYPE;
	r->ethertype = 0x88a8;
	memset(&c, 0, sizeof(c));
	a = spec4(6); add_vlan(&a, 0x88a8, 1); add_vlan(&a, 0x8100, 2); c.hit[c.nhit++] = a;
	a = spec6(6); add_vlan(&a, 0x8100, 1); add_vlan(&a, 0x88a8, 2); c.hit[c.nhit++] = a;
	a = spec4(6); add_vlan(&a, 0x8100, 1); c.miss[c.nmiss++] = a;
	filter_rule_test("filter_rule_ethertype_qinq_tpid", &s, 11, XDP_DROP, &c);

	memset(&s, 0, sizeof(s));
	r = slot(&s, 12, E1K_ACTION_DROP);
	r->flags |= E1K_MATCH_ETHERTYPE;
	r->ethertype = 0x86dd;
	memset(&c, 0, sizeof(c));
	c.hit[c.nhit++] = spec6(6);
	a = spec6(17); add_vlan(&a, 0x88a8, 1); add_vlan(&a, 0x8100, 2); c.hit[c.nhit++] = a;
	c.miss[c.nmiss++] = spec4(6);
	filter_rule_test("filter_rule_ethertype_ipv6_tagged", &s, 12, XDP_DROP, &c);

	/* all constraints together (allow), default drop */
	memset(&s, 0, sizeof(s));
	s.policy = E1K_ACTION_DROP;
	r = slot(&s, 0, E1K_ACTION_PASS);
	r->flags |= E1K_MATCH_ETHERTYPE;
	r->ethertype = 0x0800;
	r_src(r, "10.11.0.0", 24);
	r_dst(r, "10.11.0.1", 32);
	r_proto(r, 6);
	r_sport(r, 30000, 50000);
	r_dport(r, 80, 80);
	{
		struct tcase t = { "" };
		struct fexp x;
		uint8_t f[PKT_MAX];
		struct fspec fs[6];
		int want[6] = { XDP_PASS, XDP_DROP, XDP_DROP, XDP_DROP, XDP_DROP, XDP_DROP };

		fs[0] = spec4(6);
		fs[1] = spec4(6); fs[1].dport = 81;
		fs[2] = spec4(6); fs[2].sport = 29999;
		fs[3] = spec4(17);
		fs[4] = spec4(6); set_ip4(fs[4].src, 10, 11, 1, 2);
		fs[5] = spec4(6); set_ip4(fs[5].dst, 10, 11, 0, 9);
		memset(&x, 0, sizeof(x));
		if (!filter_install(&t, &s)) {
			for (int i = 0; i < 6; i++) {
				size_t len = pkt_build(&fs[i], f);
				int v = filter_check(&t, "combined", &s, &x, f, len);

				TCHECK(&t, v == want[i], "frame %d: %s want %s", i, vname(v),
				       vname(want[i]));
			}
			TCHECK(&t, x.hits[0].packets == 1 &&
				   x.hits[E1K_FILTER_HIT_DEFAULT].packets == 5, "model counts");
			filter_check_counters(&t, &x);
		}
		tdone("filter_rule_all_fields_allow_default_drop", &t);
	}
}

/* First match wins: nested prefixes in both orders. */
static void t_filter_order(void)
{
	for (int order = 0; order < 2; order++) {
		struct tcase t = { "" };
		struct fset s;
		struct fexp x;
		struct e1k_filter_rule *r;
		struct fspec a = spec4(6), b = spec4(6);
		uint8_t f[PKT_MAX];
		size_t len;
		int va, vb;

		memset(&s, 0, sizeof(s));
		memset(&x, 0, sizeof(x));
		r = slot(&s, order ? 6 : 2, E1K_ACTION_PASS);
		r_src(r, "10.11.0.0", 24);
		r = slot(&s, order ? 2 : 6, E1K_ACTION_DROP);
		r_src(r, "10.0.0.0", 8);
		set_ip4(b.src, 10, 99, 0, 2);
		if (!filter_install(&t, &s)) {
			len = pkt_build(&a, f);
			va = filter_check(&t, "inner", &s, &x, f, len);
			len = pkt_build(&b, f);
			vb = filter_check(&t, "outer", &s, &x, f, len);
			TCHECK(&t, vb == XDP_DROP, "10.99.0.2 must be dropped: %s", vname(vb));
			TCHECK(&t, va == (order ? XDP_DROP : XDP_PASS),
			       "10.11.0.2 with %s first: %s", order ? "deny" : "allow", vname(va));
			filter_check_counters(&t, &x);
		}
		tdone(order ? "filter_order_deny_before_allow" : "filter_order_allow_before_deny",
		      &t);
	}
}

/*
 * A deny rule cannot be bypassed by VLAN / QinQ tags, IPv4 options or AH,
 * IPv6 extension headers: each variant of a matching frame is dropped.
 */
static void t_filter_bypass(void)
{
	struct fset s;
	struct e1k_filter_rule *r;

	memset(&s, 0, sizeof(s));
	r = slot(&s, 0, E1K_ACTION_DROP);
	r_src(r, "10.11.0.0", 24);
	r = slot(&s, 1, E1K_ACTION_DROP);
	r_src(r, "fd11::", 64);
	r = slot(&s, 2, E1K_ACTION_DROP);
	r_proto(r, 6);
	r_dport(r, 22, 22);

	for (int pass = 0; pass < 2; pass++) {
		struct tcase t = { "" };
		struct fexp x;
		uint8_t f[PKT_MAX];
		struct fspec v[48];
		int n = 0;
		static const uint8_t ext_types[] = { 0, 60, 43, 44, 51, 135, 139, 140, 253, 254 };

		/* pass 0: the address rules; pass 1: the port rule only
		 * (addresses moved out of the denied prefixes). */
		for (int fam = 4; fam <= 6; fam += 2) {
			struct fspec b = fam == 4 ? spec4(6) : spec6(6);

			b.dport = 22;
			if (pass) {
				if (fam == 4)
					set_ip4(b.src, 192, 0, 2, 1);
				else
					set_ip6(b.src, "2001:db8::1");
			}
			v[n++] = b;
			v[n] = b; add_vlan(&v[n], 0x8100, 1); n++;
			v[n] = b; add_vlan(&v[n], 0x88a8, 1); add_vlan(&v[n], 0x8100, 2); n++;
			v[n] = b; add_vlan(&v[n], 0x9100, 1); add_vlan(&v[n], 0x8100, 2); n++;
			v[n] = b; add_vlan(&v[n], 0x8100, 0); add_vlan(&v[n], 0x8100, 0); n++;
			if (fam == 4) {
				for (int ol = 4; ol <= 40; ol += 12) {
					v[n] = b; v[n].optlen = ol; n++;
				}
				v[n] = b; v[n].optlen = 40; add_vlan(&v[n], 0x88a8, 1);
				add_vlan(&v[n], 0x8100, 2); n++;
				v[n] = b; v[n].ah = 1; v[n].ah_len = 4; n++;
				v[n] = b; v[n].ah = 1; v[n].ah_len = 0; v[n].optlen = 20; n++;
				v[n] = b; v[n].frag = 0x2000; n++; /* first fragment */
			} else {
				for (size_t e = 0; e < sizeof(ext_types); e++) {
					v[n] = b;
					add_ext(&v[n], ext_types[e], ext_types[e] == 51 ? 4 : 1,
						ext_types[e] == 44 ? 1 : 0);
					n++;
				}
				/* a chain of the full allowed depth, long headers */
				v[n] = b;
				add_ext(&v[n], 0, 3, 0);
				add_ext(&v[n], 60, 0, 0);
				add_ext(&v[n], 43, 2, 0);
				add_ext(&v[n], 44, 0, 1);
				add_ext(&v[n], 51, 4, 0);
				add_ext(&v[n], 60, 10, 0);
				add_ext(&v[n], 135, 0, 0);
				add_ext(&v[n], 140, 0, 0);
				add_vlan(&v[n], 0x88a8, 1);
				add_vlan(&v[n], 0x8100, 2);
				n++;
			}
		}
		memset(&x, 0, sizeof(x));
		if (!filter_install(&t, &s)) {
			for (int i = 0; i < n; i++) {
				size_t len = pkt_build(&v[i], f);
				struct ocls c;
				char what[32];
				int vd;

				snprintf(what, sizeof(what), "variant %d", i);
				oracle_classify(f, len, &c);
				TCHECK(&t, c.complete, "variant %d: test frame not classifiable", i);
				vd = filter_check(&t, what, &s, &x, f, len);
				TCHECK(&t, vd == XDP_DROP, "variant %d passed a deny rule", i);
			}
			TCHECK(&t, x.hits[pass ? 2 : 0].packets + x.hits[1].packets == (unsigned)n,
			       "model: not every variant hit the rule");
			filter_check_counters(&t, &x);
		}
		tdone(pass ? "filter_no_bypass_port_rule" : "filter_no_bypass_prefix_rules", &t);
	}
}

/* Unclassifiable frames under each policy, with named causes. */
static void t_filter_unclassified(void)
{
	struct fspec cases[16];
	const char *names[16];
	int n = 0;
	struct fspec a;

	a = spec4(6); a.dport = 22; a.frag = 0x0001; names[n] = "v4_later_fragment"; cases[n++] = a;
	a = spec6(6); a.dport = 22; add_ext(&a, 44, 0, 8); names[n] = "v6_later_fragment"; cases[n++] = a;
	a = spec4(6); a.dport = 22; a.frag = 0x2000; a.payload = 0; a.l4_cut = 8;
	names[n] = "v4_tiny_first_fragment"; cases[n++] = a;
	a = spec6(6); a.dport = 22; add_ext(&a, 44, 0, 1); a.payload = 0; a.l4_cut = 16;
	names[n] = "v6_tiny_first_fragment"; cases[n++] = a;
	a = spec6(6); a.dport = 22;
	for (int i = 0; i < 9; i++)
		add_ext(&a, 60, 0, 0);
	names[n] = "v6_ext_depth_9"; cases[n++] = a;
	a = spec4(6); a.dport = 22; add_vlan(&a, 0x8100, 1); add_vlan(&a, 0x8100, 2);
	add_vlan(&a, 0x8100, 3); names[n] = "three_vlan_tags"; cases[n++] = a;
	a = spec6(6); a.dport = 22; add_ext(&a, 60, 130, 0); names[n] = "v6_ext_beyond_parse_limit";
	cases[n++] = a;

	for (int pol = 0; pol < 4; pol++) {
		static const uint8_t pols[] = { E1K_UNCLASS_UNSET, E1K_UNCLASS_RULES,
						E1K_UNCLASS_DROP, E1K_UNCLASS_PASS };
		static const char *pn[] = { "default", "rules", "drop", "pass" };
		struct tcase t = { "" };
		struct fset s;
		struct fexp x;
		struct e1k_filter_rule *r;
		char name[80];

		memset(&s, 0, sizeof(s));
		memset(&x, 0, sizeof(x));
		s.unclass = pols[pol];
		/* deny tcp dport 22: port unknown in these frames */
		r = slot(&s, 0, E1K_ACTION_DROP);
		r_proto(r, 6);
		r_dport(r, 22, 22);
		if (!filter_install(&t, &s)) {
			for (int i = 0; i < n; i++) {
				uint8_t f[PKT_MAX];
				size_t len = pkt_build(&cases[i], f);
				struct ocls c;
				int v, want;

				oracle_classify(f, len, &c);
				TCHECK(&t, !c.complete, "%s: should be unclassifiable", names[i]);
				v = filter_check(&t, names[i], &s, &x, f, len);
				want = pol == 3 ? XDP_PASS : XDP_DROP;
				TCHECK(&t, v == want, "%s: %s, want %s", names[i], vname(v), vname(want));
			}
			/* a non-first UDP fragment cannot be tcp dport 22:
			 * the rule says no, the default decides */
			a = spec4(17);
			a.frag = 0x0004;
			{
				uint8_t f[PKT_MAX];
				size_t len = pkt_build(&a, f);
				int v = filter_check(&t, "udp fragment", &s, &x, f, len);

				TCHECK(&t, v == (pol == 2 ? XDP_DROP : XDP_PASS),
				       "UDP later fragment: %s", vname(v));
			}
			TCHECK(&t, x.hits[E1K_FILTER_HIT_UNCLASS].packets == (unsigned)n + 1,
			       "model: unclassified count");
			filter_check_counters(&t, &x);
		}
		snprintf(name, sizeof(name), "filter_unclassified_policy_%s", pn[pol]);
		tdone(name, &t);
	}
	{ /* allow rules never let an unclassifiable frame through on what
	   * they cannot see: allow tcp dport 22, default drop */
		struct tcase t = { "" };
		struct fset s;
		struct fexp x;
		struct e1k_filter_rule *r;

		memset(&s, 0, sizeof(s));
		memset(&x, 0, sizeof(x));
		s.policy = E1K_ACTION_DROP;
		r = slot(&s, 0, E1K_ACTION_PASS);
		r_proto(r, 6);
		r_dport(r, 22, 22);
		if (!filter_install(&t, &s)) {
			for (int i = 0; i < n; i++) {
				uint8_t f[PKT_MAX];
				size_t len = pkt_build(&cases[i], f);
				int v = filter_check(&t, names[i], &s, &x, f, len);

				TCHECK(&t, v == XDP_DROP, "%s: allowed by a rule it cannot match", names[i]);
			}
			filter_check_counters(&t, &x);
		}
		tdone("filter_unclassified_allow_rule_fails_closed", &t);
	}
	{ /* out-of-range policy values fail closed */
		struct tcase t = { "" };
		struct fset s;
		uint8_t f[PKT_MAX];
		size_t len;
		struct fspec b = spec4(6);

		memset(&s, 0, sizeof(s));
		s.policy = 7;
		s.unclass = 9;
		if (!filter_install(&t, &s)) {
			len = pkt_build(&b, f);
			TCHECK(&t, filter_check(&t, "bad default", &s, NULL, f, len) == XDP_DROP,
			       "default policy 7 must drop");
		}
		tdone("filter_bad_policy_values_drop", &t);
	}
}

/*
 * A rule that definitely matches an unclassifiable frame decides, whatever
 * the unclassified setting: "unclassified allow" let a UDP datagram from a
 * denied IPv6 prefix behind 9 destination options headers, and a SYN from a
 * denied IPv4 prefix in tiny fragments, reach sockets. The setting only
 * resolves what is uncertain: with "allow" a deny rule on the port of a
 * non-first fragment is passed over, and frames no rule decides pass; with
 * "deny" an allow rule whose source the frame shows still passes it.
 */
static void t_filter_unclassified_definite(void)
{
	struct fspec v6deep = spec6(17), v4tiny = spec4(6), v4later = spec4(6);
	struct {
		const char *what;
		struct fspec *f;
		int from_denied, want;
	} cases[] = {
		{ "v6 9 ext headers from the denied prefix", &v6deep, 1, XDP_DROP },
		{ "v4 tiny first fragment from the denied prefix", &v4tiny, 1, XDP_DROP },
		{ "v4 later fragment from the denied prefix", &v4later, 1, XDP_DROP },
		{ "v6 9 ext headers from elsewhere", &v6deep, 0, XDP_PASS },
		{ "v4 tiny first fragment from elsewhere", &v4tiny, 0, XDP_PASS },
		{ "v4 later fragment from elsewhere", &v4later, 0, XDP_PASS },
	};
	struct tcase t = { "" };
	struct e1k_filter_rule *r;
	struct fset s;
	struct fexp x;

	for (int i = 0; i < 9; i++)
		add_ext(&v6deep, 60, 0, 0);
	v4tiny.dport = 22;
	v4tiny.frag = 0x2000;
	v4tiny.payload = 0;
	v4tiny.l4_cut = 8;
	v4later.frag = 0x0004;

	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	s.unclass = E1K_UNCLASS_PASS;
	r = slot(&s, 0, E1K_ACTION_DROP);	/* uncertain for every case */
	r_proto(r, 6);
	r_dport(r, 22, 22);
	r = slot(&s, 1, E1K_ACTION_DROP);
	r_src(r, "10.12.0.0", 16);
	r = slot(&s, 2, E1K_ACTION_DROP);
	r_src(r, "fd12::", 16);
	if (!filter_install(&t, &s)) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct fspec a = *cases[i].f;
			uint8_t f[PKT_MAX];
			size_t len;
			struct ocls c;
			int v;

			if (cases[i].from_denied) {
				if (a.family == 6)
					set_ip6(a.src, "fd12::7");
				else
					set_ip4(a.src, 10, 12, 1, 1);
			}
			len = pkt_build(&a, f);
			oracle_classify(f, len, &c);
			TCHECK(&t, !c.complete, "%s: should be unclassifiable", cases[i].what);
			v = filter_check(&t, cases[i].what, &s, &x, f, len);
			TCHECK(&t, v == cases[i].want, "%s: %s, want %s", cases[i].what, vname(v),
			       vname(cases[i].want));
		}
		filter_check_counters(&t, &x);
	}
	tdone("filter_unclassified_allow_definite_deny_wins", &t);

	/* "deny": an allow rule the frame definitely matches still passes it */
	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	s.unclass = E1K_UNCLASS_DROP;
	r = slot(&s, 0, E1K_ACTION_PASS);
	r_src(r, "10.12.0.0", 16);
	if (!filter_install(&t, &s)) {
		struct fspec a = v4later;
		uint8_t f[PKT_MAX];
		size_t len;
		int v;

		set_ip4(a.src, 10, 12, 1, 1);
		len = pkt_build(&a, f);
		v = filter_check(&t, "allowed source, later fragment", &s, &x, f, len);
		TCHECK(&t, v == XDP_PASS, "allowed source: %s, want PASS", vname(v));
		len = pkt_build(&v4later, f);
		v = filter_check(&t, "other source, later fragment", &s, &x, f, len);
		TCHECK(&t, v == XDP_DROP, "other source: %s, want DROP", vname(v));
		filter_check_counters(&t, &x);
	}
	tdone("filter_unclassified_deny_definite_allow_wins", &t);
}

/* Every truncation of a set of rich frames, under each policy, against the
 * model; plus: conservative mode drops every truncation of a frame a deny
 * rule matches. */
static void t_filter_truncation(void)
{
	struct fspec base[6];
	int nb = 0;
	struct fspec a;

	a = spec4(6); a.dport = 22; a.optlen = 12; add_vlan(&a, 0x88a8, 1); add_vlan(&a, 0x8100, 2);
	base[nb++] = a;
	a = spec6(17); a.dport = 53; add_ext(&a, 0, 0, 0); add_ext(&a, 44, 0, 1); add_ext(&a, 51, 4, 0);
	base[nb++] = a;
	a = spec4(1); add_vlan(&a, 0x8100, 1); base[nb++] = a;
	a = spec6(58); base[nb++] = a;
	a = spec4(6); a.ah = 1; a.ah_len = 2; a.dport = 22; base[nb++] = a;
	a = spec4(0); a.family = 0; a.ethertype = 0x0806; a.payload = 28; add_vlan(&a, 0x8100, 4);
	base[nb++] = a;

	for (int pol = 0; pol < 3; pol++) {
		static const uint8_t pols[] = { E1K_UNCLASS_RULES, E1K_UNCLASS_DROP, E1K_UNCLASS_PASS };
		static const char *pn[] = { "rules", "drop", "pass" };
		struct tcase t = { "" };
		struct fset s;
		struct fexp x;
		struct e1k_filter_rule *r;
		char name[80];
		unsigned frames = 0;

		memset(&s, 0, sizeof(s));
		memset(&x, 0, sizeof(x));
		s.unclass = pols[pol];
		r = slot(&s, 0, E1K_ACTION_PASS);
		r_src(r, "10.11.0.2", 32);
		r_proto(r, 1);
		r = slot(&s, 1, E1K_ACTION_DROP);
		r_proto(r, 6);
		r_dport(r, 22, 22);
		r = slot(&s, 2, E1K_ACTION_DROP);
		r_dst(r, "fd11::1", 128);
		r_proto(r, 17);
		r = slot(&s, 3, E1K_ACTION_DROP);
		r->flags |= E1K_MATCH_ETHERTYPE;
		r->ethertype = 0x0806;
		if (!filter_install(&t, &s)) {
			for (int i = 0; i < nb; i++) {
				uint8_t f[PKT_MAX];
				size_t full = pkt_build(&base[i], f);
				struct ocls c;
				int sl, fullv;

				oracle_classify(f, full, &c);
				fullv = oracle_filter(s.r, s.policy, s.unclass, &c, &sl);
				for (size_t len = 14; len <= full; len++) {
					char what[48];
					int v;

					snprintf(what, sizeof(what), "frame %d len %zu", i, len);
					v = filter_check(&t, what, &s, &x, f, len);
					frames++;
					if (pol == 0 && fullv == XDP_DROP && sl >= 0 && sl < 64)
						TCHECK(&t, v == XDP_DROP,
						       "%s: truncation escaped deny rule %d", what, sl);
				}
			}
			filter_check_counters(&t, &x);
		}
		snprintf(name, sizeof(name), "filter_truncated_every_length_policy_%s", pn[pol]);
		tdone(name, &t);
		note("%s: %u frames", name, frames);
	}
}

/* No rules at all: everything passes (the filter breaks nothing), counted
 * by the default policy. */
static void t_filter_empty(void)
{
	struct tcase t = { "" };
	struct fset s;
	struct fexp x;
	struct fspec v[6];
	uint8_t f[PKT_MAX];

	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	v[0] = spec4(6);
	v[1] = spec6(58);
	v[2] = spec4(17); v[2].frag = 0x0010;
	v[3] = spec6(6); add_ext(&v[3], 44, 0, 16);
	v[4] = spec4(1); add_vlan(&v[4], 0x8100, 1); add_vlan(&v[4], 0x8100, 1); add_vlan(&v[4], 0x8100, 1);
	v[5] = spec4(0); v[5].family = 0; v[5].ethertype = 0x0806; v[5].payload = 28;
	if (!filter_install(&t, &s)) {
		for (int i = 0; i < 6; i++) {
			size_t len = pkt_build(&v[i], f);

			TCHECK(&t, filter_check(&t, "empty", &s, &x, f, len) == XDP_PASS,
			       "frame %d dropped without rules", i);
		}
		TCHECK(&t, x.hits[E1K_FILTER_HIT_DEFAULT].packets == 6 &&
			   x.hits[E1K_FILTER_HIT_UNCLASS].packets == 3, "model counts");
		filter_check_counters(&t, &x);
	}
	tdone("filter_no_rules_passes_everything", &t);
}

/*
 * Jumbo frames, as the loader loads the programs (xdp.frags): what exceeds
 * one page's worth of a BPF_PROG_TEST_RUN frame goes into frags, as on a
 * multi-buffer driver. The headers lie in the head; the frame is whole, not
 * truncated: the model (which sees the flat frame) and the program agree
 * on every verdict, hit and byte count, with unclassifiable frames denied.
 */
static void t_filter_jumbo(void)
{
	struct tcase t = { "" };
	struct e1k_filter_rule *r;
	struct fset s;
	struct fexp x;
	struct fspec v[4];
	uint8_t f[PKT_MAX];

	memset(&s, 0, sizeof(s));
	memset(&x, 0, sizeof(x));
	s.unclass = E1K_UNCLASS_DROP;
	r = slot(&s, 0, E1K_ACTION_DROP);
	r_src(r, "10.11.0.0", 16);
	v[0] = spec4(17);
	v[0].payload = 9014 - 14 - 20 - 8;
	v[1] = spec6(6);
	v[1].payload = 9014 - 14 - 40 - 20;
	v[2] = spec4(1);
	set_ip4(v[2].src, 10, 12, 0, 2);
	v[2].payload = 3000;
	v[3] = spec6(17);
	v[3].payload = 8000;
	if (!filter_install(&t, &s)) {
		for (int i = 0; i < 4; i++) {
			size_t len = pkt_build(&v[i], f);
			char what[32];

			snprintf(what, sizeof(what), "jumbo %d (%zu bytes)", i, len);
			filter_check(&t, what, &s, &x, f, len);
		}
		TCHECK(&t, x.hits[E1K_FILTER_HIT_UNCLASS].packets == 0,
		       "the model calls %llu jumbo frames unclassifiable",
		       (unsigned long long)x.hits[E1K_FILTER_HIT_UNCLASS].packets);
		filter_check_counters(&t, &x);
	}
	tdone("filter_jumbo_frames_whole", &t);
}

/* ------------------------------------------------------ random corpus */

static const uint8_t ip4pool[][4] = {
	{ 10, 11, 0, 1 }, { 10, 11, 0, 2 }, { 10, 1, 2, 3 }, { 10, 200, 0, 9 },
	{ 192, 168, 1, 77 }, { 172, 16, 5, 4 }, { 8, 8, 8, 8 }, { 224, 0, 0, 5 },
};
static const char *ip6pool[] = {
	"fd11::1", "fd11::2", "fd11::ab:cd", "2001:db8::1", "2001:db8:1::2",
	"fe80::1", "ff02::1", "::1",
};
static const uint16_t portpool[] = { 22, 53, 80, 443, 1024, 1025, 8080, 65535, 0, 7 };
static const uint8_t ext_pool[] = { 0, 60, 43, 44, 51, 135, 139, 140, 253, 254 };

static void rnd_addr(struct fspec *s, uint8_t *a)
{
	if (s->family == 4)
		set_ip4(a, ip4pool[rn(8)][0], ip4pool[rn(8)][1] & 0xff, ip4pool[rn(8)][2],
			ip4pool[rn(8)][3]);
	else
		set_ip6(a, ip6pool[rn(8)]);
	if (rn(4) == 0)
		memcpy(a, s->family == 4 ? ip4pool[rn(8)] : a, s->family == 4 ? 4 : 16);
}

/* A valid frame of a random kind. */
static struct fspec rnd_spec(void)
{
	static const uint8_t protos4[] = { 6, 17, 1, 1, 6, 47, 50, 132 };
	static const uint8_t protos6[] = { 6, 17, 58, 58, 6, 59, 50, 47 };
	struct fspec s;
	unsigned kind = rn(10);

	s = kind < 5 ? spec4(6) : kind < 9 ? spec6(6) : spec4(0);
	if (kind == 9) {
		s.family = 0;
		s.ethertype = rn(2) ? 0x0806 : (uint16_t)rnd();
		s.payload = rn(60);
	} else {
		s.proto = s.family == 4 ? protos4[rn(8)] : protos6[rn(8)];
		rnd_addr(&s, s.src);
		rnd_addr(&s, s.dst);
		s.sport = portpool[rn(10)];
		s.dport = rn(4) ? portpool[rn(10)] : (uint16_t)rnd();
		s.icmp_type = rn(3) ? (s.family == 4 ? 8 : 128) : (uint8_t)rn(256);
		s.icmp_code = rn(5) ? 0 : (uint8_t)rn(16);
		s.icmp_id = (uint16_t)rnd();
		s.icmp_seq = (uint16_t)rnd();
		s.ttl = (uint8_t)rnd();
		s.ip_id = (uint16_t)rnd();
		s.payload = rn(4) ? rn(64) : rn(600);
		s.seed = (uint8_t)rnd();
		if (s.family == 4) {
			s.frag = rn(8) == 0 ? (uint16_t)(rn(2) ? 0x2000 : rn(0x2000)) : 0x4000;
			if (rn(4) == 0)
				s.optlen = (int)rn(11) * 4;
			if (rn(10) == 0) {
				s.ah = 1;
				s.ah_len = (uint8_t)rn(6);
			}
		} else if (rn(3) == 0) {
			int ne = (int)rn(10);

			for (int i = 0; i < ne; i++) {
				uint8_t ty = ext_pool[rn(sizeof(ext_pool))];

				add_ext(&s, ty, ty == 51 ? (uint8_t)(1 + rn(6)) : (uint8_t)rn(3),
					ty == 44 ? (uint16_t)(rn(4) == 0 ? rn(0x10000) : rn(2)) : 0);
			}
		}
	}
	if (rn(3) == 0) {
		static const uint16_t tp[] = { 0x8100, 0x88a8, 0x9100 };
		int nv = 1 + (int)rn(rn(6) == 0 ? 3 : 2);

		for (int i = 0; i < nv; i++)
			add_vlan(&s, tp[rn(3)], (uint16_t)rn(4096));
	}
	if (rn(8) == 0)
		s.dmac[0] |= 1;
	if (rn(20) == 0)
		s.smac[0] |= 1;
	if (rn(5) == 0)
		s.pad_to = 60;
	return s;
}

/* A frame for the corpus: valid, mutated, or noise. */
static size_t rnd_frame(uint8_t *f)
{
	static const uint8_t special[] = { 0x00, 0xff, 0x81, 0x88, 0xa8, 0x91, 0x86, 0xdd,
					   0x08, 44, 51, 60, 43, 6, 17, 1, 58, 0x45, 0x4f,
					   0x60, 0x20, 0x3f };
	unsigned kind = rn(100);
	size_t len;

	if (kind < 8) { /* noise */
		len = 14 + rn(400);
		for (size_t i = 0; i < len; i++)
			f[i] = (uint8_t)rnd();
		if (rn(2)) {
			static const uint16_t et[] = { 0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806 };
			uint16_t e = et[rn(5)];

			f[12] = e >> 8;
			f[13] = e & 0xff;
		}
		return len;
	}
	{
		struct fspec s = rnd_spec();

		len = pkt_build(&s, f);
		if (!len)
			return 0;
	}
	if (kind < 40)
		return len; /* valid */
	/* mutations, one to three */
	for (int m = 1 + (int)rn(3); m > 0; m--) {
		size_t hdr = len < 120 ? len : 120;

		switch (rn(5)) {
		case 0: /* truncate */
			len = 14 + rn((unsigned)(len - 13));
			break;
		case 1: /* flip bits in the headers */
			f[rn((unsigned)hdr)] ^= (uint8_t)(1u << rn(8));
			break;
		case 2: /* a meaningful byte somewhere in the headers */
			f[12 + rn((unsigned)(hdr - 12))] = special[rn(sizeof(special))];
			break;
		case 3: /* random byte anywhere */
			f[rn((unsigned)len)] = (uint8_t)rnd();
			break;
		case 4: /* grow: garbage after the datagram */
			if (len + 64 < PKT_MAX) {
				for (int i = 0; i < 64; i++)
					f[len + (size_t)i] = (uint8_t)rnd();
				len += rn(64);
			}
			break;
		}
	}
	return len;
}

/* A random valid rule from the same pools the frames use. */
static void rnd_rule(struct e1k_filter_rule *r, int deny_only)
{
	do {
		memset(r, 0, sizeof(*r));
		r->flags = E1K_RULE_ACTIVE;
		r->action = deny_only || rn(2) ? E1K_ACTION_DROP : E1K_ACTION_PASS;
		if (rn(3) == 0) {
			int v6 = rn(2);

			r->family = v6 ? E1K_FAMILY_IPV6 : E1K_FAMILY_IPV4;
			for (int d = 0; d < 2; d++) {
				uint8_t *a = d ? r->dst : r->src;
				uint8_t *len = d ? &r->dst_len : &r->src_len;

				if (rn(2) == 0 && !(d == 1 && !(r->flags & E1K_MATCH_SRC)))
					continue;
				r->flags |= d ? E1K_MATCH_DST : E1K_MATCH_SRC;
				if (v6)
					set_ip6(a, ip6pool[rn(8)]);
				else
					set_ip4(a, ip4pool[rn(8)][0], ip4pool[rn(8)][1],
						ip4pool[rn(8)][2], ip4pool[rn(8)][3]);
				*len = (uint8_t)rn(v6 ? 129 : 33);
				e1k_prefix_mask(a, *len, 16);
			}
		}
		if (rn(3) == 0) {
			static const uint8_t pp[] = { 6, 17, 1, 58, 47, 50 };

			r->flags |= E1K_MATCH_PROTO;
			r->proto = pp[rn(6)];
		}
		if (rn(3) == 0) {
			uint16_t p = portpool[rn(10)];

			r->flags |= rn(2) ? E1K_MATCH_DPORT : E1K_MATCH_SPORT;
			if (r->flags & E1K_MATCH_DPORT) {
				r->dport_min = p;
				r->dport_max = rn(2) ? p : (uint16_t)(p + rn(2000) > 65535 ? 65535 : p + rn(2000));
			} else {
				r->sport_min = p;
				r->sport_max = p;
			}
		} else if (rn(4) == 0) {
			r->flags |= E1K_MATCH_ICMP_TYPE;
			r->icmp_type = rn(2) ? 8 : 128;
			if (rn(3) == 0)
				r->flags |= E1K_MATCH_ICMP_CODE;
		}
		if (rn(6) == 0) {
			static const uint16_t et[] = { 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x9100 };

			r->flags |= E1K_MATCH_ETHERTYPE;
			r->ethertype = et[rn(6)];
		}
	} while (e1k_rule_check(r));
}

/*
 * The corpus: rounds of (random rule set, frames). Every frame: no error
 * from the kernel, verdict equal to the model's, frame unchanged; after each
 * round the counters equal the model's. In deny-only rounds additionally
 * the plain property: a frame that some deny rule matches (or, if not fully
 * classifiable, might match) is never passed.
 */
static void t_filter_corpus(int deny_only)
{
	struct tcase t = { "" };
	unsigned done = 0, dropped = 0, unclass = 0, rounds = 0;
	char name[64];

	snprintf(name, sizeof(name), "filter_random_corpus_%s",
		 deny_only ? "deny_rules_never_pass" : "mixed_rules_vs_model");
	reseed(deny_only ? 11 : 12);
	while (done < corpus_n && !t.reason[0]) {
		struct fset s;
		struct fexp x;
		int nr = 1 + (int)rn(10);

		memset(&s, 0, sizeof(s));
		memset(&x, 0, sizeof(x));
		for (int i = 0; i < nr; i++)
			rnd_rule(&s.r[rn(E1K_FILTER_MAX_RULES)], deny_only);
		if (deny_only) {
			static const uint8_t up[] = { E1K_UNCLASS_UNSET, E1K_UNCLASS_RULES,
						      E1K_UNCLASS_DROP };

			s.unclass = up[rn(3)];
		} else {
			s.unclass = (uint8_t)rn(4);
			s.policy = (uint8_t)rn(3);
		}
		if (filter_install(&t, &s))
			break;
		rounds++;
		for (unsigned k = 0; k < 1000 && !t.reason[0]; k++) {
			uint8_t f[PKT_MAX];
			size_t len = rnd_frame(f);
			struct ocls c;
			char what[48];
			int v;

			if (!len)
				continue;
			snprintf(what, sizeof(what), "seed %llu frame %u", seed, done);
			v = filter_check(&t, what, &s, &x, f, len);
			if (v < 0)
				tfail(&t, "%s: test run failed: %s", what, strerror(errno));
			oracle_classify(f, len, &c);
			unclass += !c.complete;
			dropped += v == XDP_DROP;
			if (deny_only) {
				for (int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
					int m;

					if (!(s.r[i].flags & E1K_RULE_ACTIVE))
						continue;
					m = oracle_rule(&s.r[i], &c);
					if ((m == 1 || (m == 2 && !c.complete)) && v != XDP_DROP)
						tfail(&t, "%s: deny rule %d %s, verdict %s", what, i,
						      m == 1 ? "matches" : "may match", vname(v));
				}
			}
			done++;
		}
		filter_check_counters(&t, &x);
	}
	TCHECK(&t, done >= corpus_n, "only %u frames", done);
	/* A corpus that never exercises both outcomes proves little. */
	TCHECK(&t, dropped > done / 20 && dropped < done - done / 20,
	       "unbalanced corpus: %u of %u dropped", dropped, done);
	TCHECK(&t, unclass > done / 20, "only %u unclassifiable frames", unclass);
	note("%s: seed %llu, %u frames in %u rule sets, %u dropped, %u unclassifiable",
	     name, seed, done, rounds, dropped, unclass);
	tdone(name, &t);
}

/* Echo requests and mutations of them against the model's reply. */
static void t_echo_corpus(void)
{
	struct tcase t = { "" };
	unsigned done = 0, tx = 0;

	reseed(21);
	while (done < corpus_n && !t.reason[0]) {
		struct e1k_echo_cfg cfg;

		echo_reset();
		if (rn(4) == 0) {
			memset(&cfg, 0, sizeof(cfg));
			cfg.flags = (uint32_t)rn(E1K_ECHO_F_ALL + 1) & E1K_ECHO_F_ALL;
			memcpy(cfg.mac, MAC_DUT, 6);
			cfg.ttl = (uint8_t)rn(3);
			echo_set_cfg(0, &cfg);
		}
		for (unsigned k = 0; k < 500 && !t.reason[0]; k++) {
			uint8_t f[PKT_MAX];
			size_t len;
			char what[48];

			if (rn(3)) {
				/* an echo request, maybe mutated */
				struct fspec s = rn(2) ? spec4(1) : spec6(58);

				s.icmp_id = (uint16_t)rnd();
				s.icmp_seq = (uint16_t)rnd();
				s.payload = rn(3) ? rn(100) : rn(1400);
				s.seed = (uint8_t)rnd();
				s.ttl = (uint8_t)rnd();
				s.ip_id = (uint16_t)rnd();
				if (rn(4) == 0)
					add_vlan(&s, rn(2) ? 0x8100 : 0x88a8, (uint16_t)rn(4096));
				if (rn(6) == 0)
					add_vlan(&s, 0x8100, (uint16_t)rn(4096));
				if (rn(5) == 0)
					rnd_addr(&s, s.dst);
				if (rn(5) == 0)
					s.pad_to = 60 + rn(40);
				len = pkt_build(&s, f);
				if (rn(3) == 0) {
					size_t hdr = len < 90 ? len : 90;

					if (rn(2))
						f[rn((unsigned)hdr)] ^= (uint8_t)(1u << rn(8));
					else
						len = 14 + rn((unsigned)(len - 13));
				}
			} else {
				len = rnd_frame(f);
			}
			if (!len)
				continue;
			snprintf(what, sizeof(what), "seed %llu frame %u", seed, done);
			tx += echo_check(&t, what, f, len) == XDP_TX;
			done++;
		}
	}
	TCHECK(&t, tx > done / 10 && tx < done - done / 10, "unbalanced: %u of %u answered",
	       tx, done);
	note("echo corpus: seed %llu, %u frames, %u answered", seed, done, tx);
	tdone("echo_random_corpus_vs_model", &t);
}

/* Every program survives the corpus with a legal verdict. */
static void t_all_corpus(void)
{
	struct tcase t = { "" };
	static const int want[] = { -1, -1, XDP_DROP, XDP_PASS, XDP_TX };
	uint8_t f[PKT_MAX];

	reseed(31);
	for (unsigned k = 0; k < corpus_n && !t.reason[0]; k++) {
		size_t len = rnd_frame(f);

		if (!len)
			continue;
		for (unsigned o = 0; o < sizeof(objs) / sizeof(objs[0]); o++) {
			int v = run(objs[o]->fd, f, len, NULL, NULL);

			if (v < 0)
				tfail(&t, "%s: test run failed on frame %u: %s", objs[o]->prog, k,
				      strerror(errno));
			else if (v == XDP_ABORTED || v > XDP_TX ||
				 (want[o] >= 0 && v != want[o]))
				tfail(&t, "%s: verdict %s on frame %u", objs[o]->prog, vname(v), k);
		}
	}
	tdone("all_programs_random_corpus_no_error", &t);
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: bpf_unit_test [-v] [--seed N] [--corpus N] BPF_OBJECT_DIR\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char errs[5][600];
	int insns[5];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
			corpus_n = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage();
		else if (argv[i][0] == '-' || objdir)
			usage();
		else
			objdir = argv[i];
	}
	if (!objdir)
		usage();
	if (getenv("E1K_SEED"))
		seed = strtoull(getenv("E1K_SEED"), NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* libbpf's own warnings only with -v: the result lines stay clean */
	if (!verbose)
		libbpf_set_print(NULL);
	ncpus = libbpf_num_possible_cpus();

	run_helper_tests();

	for (unsigned i = 0; i < 5; i++) {
		errs[i][0] = 0;
		insns[i] = -1;
		if (!load_obj(objs[i], errs[i], sizeof(errs[i])))
			insns[i] = processed_insns(verifier_log);
	}
	for (unsigned i = 0; i < 5; i++) {
		t_object_load(objs[i], errs[i], insns[i]);
		t_object_layout(objs[i]);
	}
	t_pin_reuse();
	t_skel_xdp_filter();
	t_skel_xdp_icmp_echo();
	t_skel_xdp_drop();
	t_skel_xdp_pass();
	t_skel_xdp_tx();

	if (o_filter.fd < 0 || o_echo.fd < 0 || o_drop.fd < 0 || o_pass.fd < 0 ||
	    o_tx.fd < 0) {
		printf("FAIL programs: not all objects loaded, runtime tests skipped\n");
		n_failed++;
		printf("%d passed, %d failed\n", n_passed, n_failed);
		return 1;
	}

	t_simple(&o_drop, E1K_MAP_DROP_STATS, XDP_DROP);
	t_simple(&o_pass, E1K_MAP_PASS_STATS, XDP_PASS);
	t_simple(&o_tx, E1K_MAP_TX_STATS, XDP_TX);

	echo_cfg_fd = mapfd(&o_echo, E1K_MAP_ECHO_CFG);
	echo_a4_fd = mapfd(&o_echo, E1K_MAP_ECHO_ADDR4);
	echo_a6_fd = mapfd(&o_echo, E1K_MAP_ECHO_ADDR6);
	echo_stats_fd = mapfd(&o_echo, E1K_MAP_ECHO_STATS);
	t_echo_exact();
	t_echo_csum_edges();
	t_echo_pass_cases();
	t_echo_truncated();
	t_echo_config();
	t_echo_bad_csum();
	t_echo_counters();

	f_cfg_fd = mapfd(&o_filter, E1K_MAP_FILTER_CFG);
	f_rules_fd = mapfd(&o_filter, E1K_MAP_FILTER_RULES);
	f_hits_fd = mapfd(&o_filter, E1K_MAP_FILTER_HITS);
	f_stats_fd = mapfd(&o_filter, E1K_MAP_FILTER_STATS);
	for (int i = 0; i < E1K_TRIE_COUNT; i++)
		f_trie_fd[i] = mapfd(&o_filter, e1k_trie_map_name((enum e1k_trie)i));
	t_filter_empty();
	t_filter_jumbo();
	t_filter_rules();
	t_filter_order();
	t_filter_bypass();
	t_filter_unclassified();
	t_filter_unclassified_definite();
	t_filter_truncation();
	t_filter_corpus(1);
	t_filter_corpus(0);
	t_echo_corpus();
	t_all_corpus();

	printf("%d passed, %d failed\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
