// SPDX-License-Identifier: GPL-2.0
/*
 * The e1k_xdp driver's own counters of what became of the XDP verdicts
 * (ethtool -S): a program's XDP_TX count is verdicts, not frames sent; the
 * driver knows how many it queued and how many it dropped on a full ring.
 */
#include "loader.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define E1K_DRIVER_NAME "e1k_xdp"

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

/* Copy the named counters out of the driver's table (@names, @vals: n). */
static void pick(const char *names, const __u64 *vals, uint32_t n, struct driver_xdp *out)
{
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
		{ "xdp_tx", offsetof(struct driver_xdp, xdp_tx) },
		{ "xdp_tx_full", offsetof(struct driver_xdp, xdp_tx_full) },
		{ "xdp_redirect_err", offsetof(struct driver_xdp, xdp_redirect_err) },
	};

	for (uint32_t i = 0; i < n; i++) {
		const char *name = names + (size_t)i * ETH_GSTRING_LEN;

		for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++)
			if (!strncmp(name, wanted[w].name, ETH_GSTRING_LEN))
				*(uint64_t *)((char *)out + wanted[w].off) = vals[i];
	}
}

int driver_xdp_counters(const char *ifname, struct driver_xdp *out)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_gstrings *strs = NULL;
	struct ethtool_stats *st = NULL;
	int fd, err;

	memset(out, 0, sizeof(*out));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = ethtool_ioctl(fd, ifname, &info);
	if (err || strcmp(info.driver, E1K_DRIVER_NAME) || !info.n_stats) {
		err = err ? err : -EOPNOTSUPP;	/* not our driver: nothing to add */
		goto out;
	}
	strs = calloc(1, sizeof(*strs) + (size_t)info.n_stats * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)info.n_stats * sizeof(uint64_t));
	if (!strs || !st) {
		err = -ENOMEM;
		goto out;
	}
	strs->cmd = ETHTOOL_GSTRINGS;
	strs->string_set = ETH_SS_STATS;
	strs->len = info.n_stats;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = info.n_stats;
	err = ethtool_ioctl(fd, ifname, strs);
	if (!err)
		err = ethtool_ioctl(fd, ifname, st);
	if (!err) {
		pick((const char *)strs->data, st->data, st->n_stats < strs->len ? st->n_stats :
			strs->len, out);
		out->ours = true;
	}
out:
	free(strs);
	free(st);
	close(fd);
	return err;
}
