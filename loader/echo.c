// SPDX-License-Identifier: GPL-2.0
/*
 * echo list|add|del|sync: the addresses the ICMP echo reflector answers for.
 * The reflector answers only requests to an address listed for the
 * receiving interface (bpf/e1k_xdp_maps.h, reflector section); `attach IFACE
 * icmp-echo` lists the interface's own addresses, `detach` removes them.
 */
#include "json.h"
#include "loader.h"
#include "rules.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An interface's addresses, as the maps hold them. */
struct echo_addr {
	int family;		/* AF_INET or AF_INET6 */
	__u8 addr[16];
	__u32 plen;
};

#define ECHO_MAX_ADDRS E1K_ECHO_ADDR_ENTRIES
#define ECHO_MAX_DEVS 16	/* the interface and the devices stacked on it */

static void echo_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG_NAME " echo list IFACE [--json]\n"
		"       " PROG_NAME " echo sync IFACE\n"
		"       " PROG_NAME " echo add IFACE ADDR[/LEN]\n"
		"       " PROG_NAME " echo del IFACE ADDR\n"
		"\n"
		"The addresses the ICMP echo reflector attached to IFACE answers for.\n"
		"It answers only echo requests to one of them (from a unicast source that\n"
		"is not one of them nor their subnet's broadcast, checksums correct);\n"
		"everything else goes to the kernel. `attach IFACE icmp-echo` lists\n"
		"IFACE's own addresses and those of the devices stacked on it (VLANs);\n"
		"`detach` removes them. With none listed (attached by `ip`) the kernel\n"
		"answers every request.\n"
		"\n"
		"  list  the listed addresses\n"
		"  sync  list the interface's current addresses, and only those\n"
		"  add   list ADDR (LEN: its subnet's prefix length; default /32 or /128)\n"
		"  del   stop answering for ADDR\n");
}

/* Parse ADDR[/LEN] (host bits allowed: an interface address). */
static int parse_addr(const char *s, bool want_len, struct echo_addr *a)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;

	if (alen == 0 || alen >= sizeof(buf) || (slash && !want_len))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -1;
	plen = a->family == AF_INET ? 32 : 128;
	if (slash && (parse_decimal(slash + 1, plen, &plen) || plen == 0))
		return -1;
	a->plen = (__u32)plen;
	return 0;
}

static void format_addr(const struct echo_addr *a, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->addr, text, sizeof(text));
	snprintf(buf, len, "%s/%u", text, a->plen);
}

/* The map of @family's addresses. */
static int map_of(const struct echo_maps *m, int family)
{
	return family == AF_INET ? m->a4 : m->a6;
}

static int write_addr(const struct echo_maps *m, int ifindex, const struct echo_addr *a)
{
	int err;

	if (a->family == AF_INET) {
		struct e1k_echo_key4 k = { .ifindex = (__u32)ifindex };

		memcpy(k.addr, a->addr, sizeof(k.addr));
		err = bpf_map_update_elem(m->a4, &k, &a->plen, BPF_ANY);
	} else {
		struct e1k_echo_key6 k = { .ifindex = (__u32)ifindex };

		memcpy(k.addr, a->addr, sizeof(k.addr));
		err = bpf_map_update_elem(m->a6, &k, &a->plen, BPF_ANY);
	}
	return err ? -errno : 0;
}

static int delete_addr(const struct echo_maps *m, int ifindex, const struct echo_addr *a)
{
	struct e1k_echo_key6 k6 = { .ifindex = (__u32)ifindex };
	struct e1k_echo_key4 k4 = { .ifindex = (__u32)ifindex };
	void *key = a->family == AF_INET ? (void *)&k4 : (void *)&k6;

	memcpy(a->family == AF_INET ? k4.addr : k6.addr, a->addr,
	       a->family == AF_INET ? sizeof(k4.addr) : sizeof(k6.addr));
	return bpf_map_delete_elem(map_of(m, a->family), key) ? -errno : 0;
}

/* Every address listed for @ifindex, into @out (at most @max). */
static int listed_addrs(const struct echo_maps *m, int ifindex, struct echo_addr *out, int max)
{
	int n = 0;

	for (int fam = 0; fam < 2; fam++) {
		int fd = fam ? m->a6 : m->a4;
		size_t alen = fam ? 16 : 4;
		struct e1k_echo_key6 key, next;
		bool have = false;

		/* Both key layouts start with the ifindex; the IPv6 key is the
		 * larger, so it holds either. */
		while (!bpf_map_get_next_key(fd, have ? &key : NULL, &next)) {
			__u32 plen;

			key = next;
			have = true;
			if (key.ifindex != (__u32)ifindex || bpf_map_lookup_elem(fd, &key, &plen))
				continue;
			if (n == max)
				return -ENOSPC;
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = fam ? AF_INET6 : AF_INET;
			memcpy(out[n].addr, key.addr, alen);
			out[n].plen = plen;
			n++;
		}
	}
	return n;
}

/* @name and the devices stacked on it (VLANs, bonds, bridges), whose
 * frames arrive through @name's XDP hook. */
static int stacked_devices(const char *name, char devs[][IF_NAMESIZE], int n)
{
	char path[64 + IF_NAMESIZE];
	struct dirent *e;
	DIR *d;

	for (int i = 0; i < n; i++)
		if (!strcmp(devs[i], name))
			return n;
	if (n == ECHO_MAX_DEVS)
		return n;
	snprintf(devs[n++], IF_NAMESIZE, "%s", name);
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	d = opendir(path);
	if (!d)
		return n;
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, "upper_", 6) && strlen(e->d_name + 6) < IF_NAMESIZE)
			n = stacked_devices(e->d_name + 6, devs, n);
	}
	closedir(d);
	return n;
}

static __u32 mask_len(const struct sockaddr *mask, int family)
{
	const __u8 *b = family == AF_INET ?
		(const __u8 *)&((const struct sockaddr_in *)mask)->sin_addr :
		(const __u8 *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
	size_t n = family == AF_INET ? 4 : 16;
	__u32 len = 0;

	for (size_t i = 0; i < n; i++)
		len += (__u32)__builtin_popcount(b[i]);
	return len;
}

/* The current addresses of @ifname and of the devices stacked on it. */
static int interface_addrs(const char *ifname, struct echo_addr *out, int max)
{
	char devs[ECHO_MAX_DEVS][IF_NAMESIZE];
	int ndev = stacked_devices(ifname, devs, 0), n = 0;
	struct ifaddrs *all, *ifa;

	if (getifaddrs(&all))
		return -errno;
	for (ifa = all; ifa; ifa = ifa->ifa_next) {
		int fam = ifa->ifa_addr ? ifa->ifa_addr->sa_family : AF_UNSPEC;
		bool ours = false;

		if (fam != AF_INET && fam != AF_INET6)
			continue;
		for (int i = 0; i < ndev; i++)
			ours |= !strcmp(ifa->ifa_name, devs[i]);
		if (!ours)
			continue;
		if (n == max) {
			freeifaddrs(all);
			return -ENOSPC;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = fam;
		if (fam == AF_INET)
			memcpy(out[n].addr, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr, 4);
		else
			memcpy(out[n].addr, &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, 16);
		out[n].plen = ifa->ifa_netmask ? mask_len(ifa->ifa_netmask, fam) :
						 (fam == AF_INET ? 32 : 128);
		if (!out[n].plen)
			out[n].plen = fam == AF_INET ? 32 : 128;
		n++;
	}
	freeifaddrs(all);
	return n;
}

static bool same_addr(const struct echo_addr *a, const struct echo_addr *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, 16);
}

int echo_sync(const char *cmd, const struct echo_maps *m, const char *ifname, int ifindex)
{
	struct echo_addr want[ECHO_MAX_ADDRS], have[ECHO_MAX_ADDRS];
	int nwant, nhave, err;

	nwant = interface_addrs(ifname, want, ECHO_MAX_ADDRS);
	if (nwant < 0) {
		err_msg(cmd, "%s: reading its addresses: %s", ifname, strerror(-nwant));
		return nwant;
	}
	nhave = listed_addrs(m, ifindex, have, ECHO_MAX_ADDRS);
	if (nhave < 0) {
		err_msg(cmd, "%s: reading the listed addresses: %s", ifname, strerror(-nhave));
		return nhave;
	}
	/* Every current address first, then the stale ones out: an address
	 * the interface keeps is never missing in between. */
	for (int i = 0; i < nwant; i++) {
		err = write_addr(m, ifindex, &want[i]);
		if (err) {
			err_msg(cmd, "%s: listing an address: %s", ifname, strerror(-err));
			return err;
		}
	}
	for (int i = 0; i < nhave; i++) {
		bool keep = false;

		for (int j = 0; j < nwant && !keep; j++)
			keep = same_addr(&have[i], &want[j]);
		if (!keep && (err = delete_addr(m, ifindex, &have[i])) && err != -ENOENT) {
			err_msg(cmd, "%s: removing a stale address: %s", ifname, strerror(-err));
			return err;
		}
	}
	return nwant;
}

int echo_listed_count(const char *cmd, const struct echo_maps *m, const char *ifname,
		      int ifindex)
{
	struct echo_addr have[ECHO_MAX_ADDRS];
	int n = listed_addrs(m, ifindex, have, ECHO_MAX_ADDRS);

	if (n < 0)
		err_msg(cmd, "%s: reading the listed addresses: %s", ifname, strerror(-n));
	return n;
}

int echo_forget(const char *cmd, const struct echo_maps *m, const char *ifname, int ifindex)
{
	struct echo_addr have[ECHO_MAX_ADDRS];
	int n = listed_addrs(m, ifindex, have, ECHO_MAX_ADDRS), err;

	if (n < 0) {
		err_msg(cmd, "%s: reading the listed addresses: %s", ifname, strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++) {
		err = delete_addr(m, ifindex, &have[i]);
		if (err && err != -ENOENT) {
			err_msg(cmd, "%s: removing an address: %s", ifname, strerror(-err));
			return err;
		}
	}
	return n;
}

/* The reflector's address maps, from the program attached to @ifname. */
static int open_echo_maps(const char *ifname, int ifindex, struct echo_maps *m)
{
	struct xdp_attached att;
	int err = xdp_attached_query(ifindex, &att);

	m->a4 = m->a6 = -1;
	if (err) {
		err_msg("echo", "%s: cannot query XDP: %s", ifname, strerror(-err));
		return err;
	}
	if (att.mode == XDP_MODE_NONE) {
		err_msg("echo", "%s has no XDP program attached (attach the reflector first: "
			PROG_NAME " attach %s icmp-echo)", ifname, ifname);
		return -ENOENT;
	}
	m->a4 = attached_map_fd("echo", att.prog_id, &layout_echo_addr4, false);
	if (m->a4 >= 0)
		m->a6 = attached_map_fd("echo", att.prog_id, &layout_echo_addr6, false);
	if (m->a4 == -ENOENT || m->a6 == -ENOENT)
		err_msg("echo", "%s: the attached program (id %u) is not the ICMP echo reflector",
			ifname, att.prog_id);
	if (m->a4 < 0 || m->a6 < 0) {
		err = m->a4 < 0 ? m->a4 : m->a6;
		if (m->a4 >= 0)
			close(m->a4);
		m->a4 = m->a6 = -1;
		return err;
	}
	return 0;
}

static int echo_list(const struct echo_maps *m, const char *ifname, int ifindex)
{
	struct echo_addr have[ECHO_MAX_ADDRS];
	int n = listed_addrs(m, ifindex, have, ECHO_MAX_ADDRS);
	char text[INET6_ADDRSTRLEN + 8];
	struct json j;

	if (n < 0) {
		err_msg("echo", "%s: reading the listed addresses: %s", ifname, strerror(-n));
		return n;
	}
	if (g_opts.json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "interface");
		json_str(&j, ifname);
		json_key(&j, "addresses");
		json_arr_begin(&j);
	} else {
		printf("%s: the reflector answers for %d address%s%s\n", ifname, n,
		       n == 1 ? "" : "es", n ? ":" : " (the kernel answers every request)");
	}
	for (int i = 0; i < n; i++) {
		format_addr(&have[i], text, sizeof(text));
		if (g_opts.json)
			json_str(&j, text);
		else
			printf("  %s\n", text);
	}
	if (g_opts.json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
	}
	return 0;
}

/* What echo add/del changed: a line, or with --json
 * {"interface", "change": VERB, "address"}. */
static void say_addr(const char *ifname, const char *verb, const char *text, const char *line)
{
	struct json j;

	if (!g_opts.json) {
		printf("%s: %s %s\n", ifname, line, text);
		return;
	}
	json_change_begin(&j, ifname, verb);
	json_key(&j, "address");
	json_str(&j, text);
	json_change_end(&j);
}

/* A single address the reflector may answer for: unicast. */
static bool addr_unicast(const struct echo_addr *a)
{
	if (a->family == AF_INET)
		return a->addr[0] != 0 && a->addr[0] != 127 && a->addr[0] < 224;
	return a->addr[0] != 0xff && memcmp(a->addr, &in6addr_any, 16) &&
	       memcmp(a->addr, &in6addr_loopback, 16);
}

int cmd_echo(int argc, char **argv)
{
	const char *sub, *ifname;
	struct echo_addr a = { 0 };
	struct echo_maps m;
	char text[INET6_ADDRSTRLEN + 8];
	int ifindex, lock, err;
	bool list, sync, add, del;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			echo_usage(stdout);
			return EXIT_OK;
		}
	}
	if (argc < 2) {
		echo_usage(stderr);
		return EXIT_USAGE;
	}
	sub = argv[0];
	ifname = argv[1];
	list = !strcmp(sub, "list");
	sync = !strcmp(sub, "sync");
	add = !strcmp(sub, "add");
	del = !strcmp(sub, "del");
	if (!list && !sync && !add && !del) {
		err_msg("echo", "unknown subcommand '%s' (list, sync, add, del)", sub);
		return EXIT_USAGE;
	}
	if (argc != ((add || del) ? 3 : 2)) {
		err_msg("echo", "%s: wrong number of arguments (see echo --help)", sub);
		return EXIT_USAGE;
	}
	if ((add || del) && parse_addr(argv[2], add, &a)) {
		err_msg("echo", "bad address '%s' (want IPv4 or IPv6%s)", argv[2],
			add ? ", with /LEN up to 32 or 128" : ", without a length");
		return EXIT_USAGE;
	}
	if (add && !addr_unicast(&a)) {
		err_msg("echo", "'%s' is not a unicast address: the reflector never answers for it",
			argv[2]);
		return EXIT_USAGE;
	}
	if (require_caps("echo"))
		return EXIT_FAIL;
	ifindex = iface_index("echo", ifname);
	if (ifindex < 0)
		return EXIT_FAIL;
	lock = pin_root_lock("echo", !list);
	if (lock < 0)
		return EXIT_FAIL;
	err = open_echo_maps(ifname, ifindex, &m);
	if (err)
		goto unlock;
	if (list) {
		err = echo_list(&m, ifname, ifindex);
	} else if (sync) {
		err = echo_sync("echo", &m, ifname, ifindex);
		err = err < 0 ? err : echo_list(&m, ifname, ifindex);
	} else if (add) {
		err = write_addr(&m, ifindex, &a);
		format_addr(&a, text, sizeof(text));
		if (err)
			err_msg("echo", "%s: listing %s: %s", ifname, text, strerror(-err));
		else
			say_addr(ifname, "added", text, "answering for");
	} else {
		err = delete_addr(&m, ifindex, &a);
		inet_ntop(a.family, a.addr, text, sizeof(text));
		if (err == -ENOENT)
			err_msg("echo", "%s: %s is not listed", ifname, text);
		else if (err)
			err_msg("echo", "%s: removing %s: %s", ifname, text, strerror(-err));
		else
			say_addr(ifname, "deleted", text, "no longer answering for");
	}
	close(m.a4);
	close(m.a6);
unlock:
	close(lock);
	return err ? EXIT_FAIL : EXIT_OK;
}
