// SPDX-License-Identifier: GPL-2.0
#include "config.h"
#include "json.h"
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <linux/capability.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct global_opts g_opts;

void err_msg(const char *cmd, const char *fmt, ...)
{
	static bool json_said;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG_NAME ": %s: %s\n", cmd, msg);
	/* With --json a program reads stdout: the first error also goes there
	 * as {"error", "command"}, the one object a failed command prints. */
	if (g_opts.json && !json_said) {
		struct json j;

		json_said = true;
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "error");
		json_str(&j, msg);
		json_key(&j, "command");
		json_str(&j, cmd);
		json_obj_end(&j);
		json_finish(&j);
	}
}

/* How long a command waits for another to release the pin root lock. */
#define LOCK_WAIT_S 120

/* SIGALRM only interrupts the wait for the lock (no SA_RESTART). */
static void lock_wait_over(int sig)
{
	(void)sig;
}

/* Wait for the lock asleep in the kernel, woken when it is free or when
 * the time is up: waiters that polled it (flock LOCK_NB in a loop) ate the
 * CPU its holder needed, and 80 commands at once on a slow guest (the
 * debug kernel) took 530 s instead of the ~40 they take on the bed's
 * usual kernel, more than the wait allows. */
static int lock_wait(int fd, int op)
{
	struct sigaction sa = { .sa_handler = lock_wait_over }, old;
	int rc, saved;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old))
		return -errno;
	alarm(LOCK_WAIT_S);
	rc = flock(fd, op);
	saved = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (!rc)
		return 0;
	return saved == EINTR ? -ETIMEDOUT : -saved;
}

int pin_root_lock(const char *cmd, bool exclusive)
{
	static const char *const dirs[] = { "/sys/fs/bpf/tc", PIN_ROOT };
	int op = exclusive ? LOCK_EX : LOCK_SH;
	int fd, err;

	/* iproute2 creates the directory on its first pin; so do we. */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (mkdir(dirs[i], 0700) && errno != EEXIST) {
			err_msg(cmd, "cannot create %s: %s (is bpffs mounted on /sys/fs/bpf?)",
				dirs[i], strerror(errno));
			return -errno;
		}
	}
	fd = open(PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_msg(cmd, "cannot open %s: %s", PIN_ROOT, strerror(errno));
		return -errno;
	}
	/* Free (the usual case): no timer needed. */
	if (!flock(fd, op | LOCK_NB))
		return fd;
	err = errno == EWOULDBLOCK ? lock_wait(fd, op) : -errno;
	if (!err)
		return fd;
	if (err == -ETIMEDOUT)
		err_msg(cmd, "another command has held %s locked for %d s: giving up", PIN_ROOT,
			LOCK_WAIT_S);
	else
		err_msg(cmd, "cannot lock %s: %s", PIN_ROOT, strerror(-err));
	close(fd);
	return err == -ETIMEDOUT ? -EBUSY : err;
}

void json_change_begin(struct json *j, const char *ifname, const char *change)
{
	json_init(j, stdout);
	json_obj_begin(j);
	json_key(j, "interface");
	json_str(j, ifname);
	json_key(j, "change");
	json_str(j, change);
}

void json_change_end(struct json *j)
{
	json_obj_end(j);
	json_finish(j);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help");
}

int parse_optional_iface(const char *cmd, int argc, char **argv, const char *usage,
			 const char **ifname)
{
	*ifname = NULL;
	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (argv[i][0] == '-' || *ifname) {
			err_msg(cmd, "unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
		*ifname = argv[i];
	}
	return -1;
}

/* Is capability @cap in this process's effective set? */
static bool have_cap(const struct __user_cap_data_struct d[2], unsigned int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int require_caps(const char *cmd)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {};
	bool admin, net;

	/* What the kernel checks, not who we are: a root shell without
	 * CAP_SYS_ADMIN (a container) is refused, a capable non-root user is
	 * not. CAP_SYS_ADMIN: finding programs and maps by id; CAP_NET_ADMIN:
	 * the XDP hook. */
	if (syscall(SYS_capget, &h, d)) {
		err_msg(cmd, "cannot read this process's capabilities: %s", strerror(errno));
		return -errno;
	}
	admin = have_cap(d, CAP_SYS_ADMIN);
	net = have_cap(d, CAP_NET_ADMIN);
	if (admin && net)
		return 0;
	err_msg(cmd, "needs %s%s%s (run it as root)", admin ? "" : "CAP_SYS_ADMIN",
		!admin && !net ? " and " : "", net ? "" : "CAP_NET_ADMIN");
	return -EPERM;
}

int iface_index(const char *cmd, const char *ifname)
{
	unsigned int idx;

	if (strlen(ifname) >= IF_NAMESIZE) {
		err_msg(cmd, "interface name '%s' is too long", ifname);
		return -EINVAL;
	}
	idx = if_nametoindex(ifname);
	if (!idx) {
		err_msg(cmd, "no such interface '%s'", ifname);
		return -ENODEV;
	}
	return (int)idx;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/*
 * Resolve PROG to an object file: a path (anything with a '/' or ending in
 * .o) is taken as it is; a bundled name is looked up in $E1K_XDP_BPF_DIR,
 * then beside the loader (../bpf in the source tree and the test VM,
 * ../lib/e1k-xdp when installed).
 */
int prog_object_path(const char *cmd, const char *prog, char *path, size_t len)
{
	const char *file, *env;
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t plen = strlen(prog);

	if (strchr(prog, '/') || (plen > 2 && !strcmp(prog + plen - 2, ".o"))) {
		if (!readable(prog)) {
			err_msg(cmd, "cannot read object '%s': %s", prog, strerror(errno));
			return -ENOENT;
		}
		snprintf(path, len, "%s", prog);
		return 0;
	}
	file = bundled_object_file(prog);
	if (!file) {
		err_msg(cmd, "unknown program '%s' (bundled: filter, icmp-echo, drop, pass, tx; or a path to an object)",
			prog);
		return -EINVAL;
	}

	env = getenv("E1K_XDP_BPF_DIR");
	if (env && *env) {
		snprintf(path, len, "%s/%s", env, file);
		if (readable(path))
			return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, len, "%s/../bpf/%s", exe, file);
			if (readable(path))
				return 0;
			snprintf(path, len, "%s/../lib/e1k-xdp/%s", exe, file);
			if (readable(path))
				return 0;
		}
	}
	err_msg(cmd, "bundled program '%s' (%s) not found; set E1K_XDP_BPF_DIR or run 'make install'",
		prog, file);
	return -ENOENT;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings carry the verifier's reason for a refused
	 * program; its debug chatter only with --verbose. */
	if (level == LIBBPF_DEBUG && !g_opts.verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

const char *bpf_strerror(int err)
{
	static char buf[128];

	if (err < 0)
		err = -err;
	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	return buf;
}

void set_libbpf_logging(void)
{
	libbpf_set_print(libbpf_log);
}

int xdp_attached_query(int ifindex, struct xdp_attached *out)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query(ifindex, 0, &q);

	out->mode = XDP_MODE_NONE;
	out->prog_id = 0;
	if (err)
		return err;
	if (q.drv_prog_id) {
		out->mode = XDP_MODE_NATIVE;
		out->prog_id = q.drv_prog_id;
	} else if (q.skb_prog_id) {
		out->mode = XDP_MODE_SKB;
		out->prog_id = q.skb_prog_id;
	} else if (q.hw_prog_id) {
		out->mode = XDP_MODE_HW;
		out->prog_id = q.hw_prog_id;
	}
	return 0;
}

const char *xdp_mode_name(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "none";
	}
}

bool attached_prog_named(uint32_t prog_id, const char *name)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool same;

	if (fd < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name);
	close(fd);
	return same;
}

bool prog_uses_map_id(uint32_t prog_id, uint32_t map_id)
{
	struct bpf_prog_info pinfo = {};
	uint32_t plen = sizeof(pinfo), ids[64];
	int pfd = bpf_prog_get_fd_by_id(prog_id);
	bool found = false;

	if (pfd < 0)
		return false;
	pinfo.nr_map_ids = 64;
	pinfo.map_ids = (uint64_t)(uintptr_t)ids;
	if (!bpf_obj_get_info_by_fd(pfd, &pinfo, &plen))
		for (uint32_t i = 0; i < pinfo.nr_map_ids && i < 64; i++)
			found |= ids[i] == map_id;
	close(pfd);
	return found;
}

/* Does map @map_fd belong to program @prog_id? */
static bool prog_uses_map(uint32_t prog_id, int map_fd)
{
	struct bpf_map_info minfo = {};
	uint32_t mlen = sizeof(minfo);

	return !bpf_obj_get_info_by_fd(map_fd, &minfo, &mlen) &&
	       prog_uses_map_id(prog_id, minfo.id);
}

static bool name_matches(const char *name, const char *want, bool suffix)
{
	size_t n = strlen(name), w = strlen(want);

	if (!suffix)
		return !strcmp(name, want);
	return n >= w && !strcmp(name + n - w, want);
}

/* Find the map; no layout check yet. */
static int find_attached_map(uint32_t prog_id, const char *map_name, bool suffix)
{
	struct bpf_prog_info pinfo = {};
	uint32_t plen = sizeof(pinfo), ids[64];
	char pin[PATH_MAX];
	int fd, pfd, err = -ENOENT;

	if (!suffix) {
		snprintf(pin, sizeof(pin), PIN_ROOT "/%s", map_name);
		fd = bpf_obj_get(pin);
		if (fd >= 0) {
			if (prog_uses_map(prog_id, fd))
				return fd;
			close(fd);
		}
	}

	pfd = bpf_prog_get_fd_by_id(prog_id);
	if (pfd < 0)
		return -errno;
	pinfo.nr_map_ids = 64;
	pinfo.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(pfd, &pinfo, &plen)) {
		err = -errno;
		goto out;
	}
	for (uint32_t i = 0; i < pinfo.nr_map_ids && i < 64; i++) {
		struct bpf_map_info minfo = {};
		uint32_t mlen = sizeof(minfo);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &minfo, &mlen) &&
		    name_matches(minfo.name, map_name, suffix)) {
			err = fd;
			goto out;
		}
		close(fd);
	}
out:
	close(pfd);
	return err;
}

int map_fd_check_layout(const char *cmd, int fd, const struct map_layout *want)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	struct map_layout have;
	char why[512];

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		int err = -errno;

		err_msg(cmd, "map %s: %s", want->name, strerror(-err));
		return err;
	}
	have = (struct map_layout){ info.name, info.type, info.key_size, info.value_size,
				    info.max_entries };
	if (layout_compare(info.name, &have, want, why, sizeof(why))) {
		err_msg(cmd, "%s", why);
		return -EPROTO;
	}
	return 0;
}

int attached_map_fd(const char *cmd, uint32_t prog_id, const struct map_layout *want,
		    bool suffix)
{
	int fd = find_attached_map(prog_id, want->name, suffix), err;

	if (fd < 0) {
		/* Not there is for the caller to word; anything else
		 * (EPERM above all) is not "not one of ours". */
		if (fd != -ENOENT)
			err_msg(cmd, "reading program %u's maps: %s", prog_id, strerror(-fd));
		return fd;
	}
	err = map_fd_check_layout(cmd, fd, want);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
