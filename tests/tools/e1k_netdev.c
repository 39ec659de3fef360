// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-netdev: read an interface's entries of the kernel's "netdev" generic
 * netlink family (6.x), for the VM tests. Debian 12 packages no ynl; this is
 * the part of it the tests need, on libmnl.
 *
 *   e1k-netdev dev IFACE         xdp-features, one flag name per line
 *   e1k-netdev qstats IFACE      the device's totals: "NAME VALUE" lines
 *   e1k-netdev qstats IFACE --queue
 *                                per queue: "rx|tx ID NAME VALUE" lines
 *   e1k-netdev page-pools IFACE  "id N napi-id N inflight N" per pool
 *   e1k-netdev queues IFACE      "rx|tx ID napi-id N" per queue
 *
 * Exit status: 0, 1 when the kernel refused the request (its error
 * printed: a kernel without the command says so), 2 for bad usage.
 * The family's numbers are its uapi (include/uapi/linux/netdev.h of 6.12),
 * defined here: Debian 12's headers are 6.1's, which lack most of them.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	NETDEV_CMD_DEV_GET = 1,
	NETDEV_CMD_PAGE_POOL_GET = 5,
	NETDEV_CMD_QUEUE_GET = 10,
	NETDEV_CMD_QSTATS_GET = 12,
};
enum { NETDEV_A_DEV_IFINDEX = 1, NETDEV_A_DEV_XDP_FEATURES = 3 };
enum {
	NETDEV_A_PAGE_POOL_ID = 1,
	NETDEV_A_PAGE_POOL_IFINDEX,
	NETDEV_A_PAGE_POOL_NAPI_ID,
	NETDEV_A_PAGE_POOL_INFLIGHT,
};
enum {
	NETDEV_A_QUEUE_ID = 1,
	NETDEV_A_QUEUE_IFINDEX,
	NETDEV_A_QUEUE_TYPE,
	NETDEV_A_QUEUE_NAPI_ID,
};
enum {
	NETDEV_A_QSTATS_IFINDEX = 1,
	NETDEV_A_QSTATS_QUEUE_TYPE,
	NETDEV_A_QSTATS_QUEUE_ID,
	NETDEV_A_QSTATS_SCOPE,
	NETDEV_A_QSTATS_FIRST_STAT = 8,
	NETDEV_A_QSTATS_MAX = 36,
};
#define NETDEV_QSTATS_SCOPE_QUEUE 1

/* The statistics' names as the family's spec has them, from attribute 8. */
static const char *const qstat_names[] = {
	"rx-packets", "rx-bytes", "tx-packets", "tx-bytes", "rx-alloc-fail",
	"rx-hw-drops", "rx-hw-drop-overruns", "rx-csum-complete",
	"rx-csum-unnecessary", "rx-csum-none", "rx-csum-bad",
	"rx-hw-gro-packets", "rx-hw-gro-bytes", "rx-hw-gro-wire-packets",
	"rx-hw-gro-wire-bytes", "rx-hw-drop-ratelimits", "tx-hw-drops",
	"tx-hw-drop-errors", "tx-csum-none", "tx-needs-csum",
	"tx-hw-gso-packets", "tx-hw-gso-bytes", "tx-hw-gso-wire-packets",
	"tx-hw-gso-wire-bytes", "tx-hw-drop-ratelimits", "tx-stop", "tx-wake",
};

static const char *const xdp_act_names[] = {
	"basic", "redirect", "ndo-xmit", "xsk-zerocopy", "hw-offload", "rx-sg",
	"ndo-xmit-sg",
};

static struct mnl_socket *nl;
static unsigned int portid;
static uint16_t family;
static uint32_t ifindex;
static const char *cmd;
static int queue_scope;

static void die(const char *what)
{
	fprintf(stderr, "e1k-netdev: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: e1k-netdev dev|qstats|page-pools|queues IFACE [--queue]\n");
	exit(2);
}

/* A request; NLM_F_DUMP for the commands that list. */
static struct nlmsghdr *request(char *buf, uint16_t type, uint8_t gcmd, uint16_t flags)
{
	static uint32_t seq;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq = (uint32_t)time(NULL) + seq + 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = gcmd;
	g->version = 1;
	return nlh;
}

/* Send @nlh and feed every answer to @cb until the kernel is done. */
static void exchange(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send");
	do {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			die("receive");
		ret = mnl_cb_run(buf, (size_t)ret, seq, portid, cb, NULL);
	} while (ret > 0);
	if (ret < 0) {
		fprintf(stderr, "e1k-netdev: %s: the kernel refused it: %s\n", cmd, strerror(errno));
		exit(1);
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static void resolve_family(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "netdev");
	exchange(nlh, family_cb);
	if (!family) {
		fprintf(stderr, "e1k-netdev: this kernel has no netdev family\n");
		exit(1);
	}
}

/* An attribute's value, of whichever integer width it came in. */
static uint64_t attr_uint(const struct nlattr *a)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		return mnl_attr_get_u8(a);
	case 2:
		return mnl_attr_get_u16(a);
	case 4:
		return mnl_attr_get_u32(a);
	default:
		return mnl_attr_get_u64(a);
	}
}

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint64_t v;

		if (mnl_attr_get_type(a) != NETDEV_A_DEV_XDP_FEATURES)
			continue;
		v = attr_uint(a);
		for (size_t i = 0; i < sizeof(xdp_act_names) / sizeof(xdp_act_names[0]); i++)
			if (v & (1ull << i))
				printf("%s\n", xdp_act_names[i]);
	}
	return MNL_CB_OK;
}

static int qstats_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t type = 0, id = 0, ifi = 0;
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NETDEV_A_QSTATS_IFINDEX:
			ifi = attr_uint(a);
			break;
		case NETDEV_A_QSTATS_QUEUE_TYPE:
			type = attr_uint(a);
			break;
		case NETDEV_A_QSTATS_QUEUE_ID:
			id = attr_uint(a);
			break;
		}
	}
	if (ifi != ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		unsigned int t = mnl_attr_get_type(a);

		if (t < NETDEV_A_QSTATS_FIRST_STAT || t > NETDEV_A_QSTATS_MAX)
			continue;
		if (queue_scope)
			printf("%s %llu ", type ? "tx" : "rx", (unsigned long long)id);
		printf("%s %llu\n", qstat_names[t - NETDEV_A_QSTATS_FIRST_STAT],
		       (unsigned long long)attr_uint(a));
	}
	return MNL_CB_OK;
}

static int page_pool_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t id = 0, napi = 0, inflight = 0, ifi = 0;
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NETDEV_A_PAGE_POOL_ID:
			id = attr_uint(a);
			break;
		case NETDEV_A_PAGE_POOL_IFINDEX:
			ifi = attr_uint(a);
			break;
		case NETDEV_A_PAGE_POOL_NAPI_ID:
			napi = attr_uint(a);
			break;
		case NETDEV_A_PAGE_POOL_INFLIGHT:
			inflight = attr_uint(a);
			break;
		}
	}
	if (ifi == ifindex)
		printf("id %llu napi-id %llu inflight %llu\n", (unsigned long long)id,
		       (unsigned long long)napi, (unsigned long long)inflight);
	return MNL_CB_OK;
}

static int queue_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t id = 0, type = 0, napi = 0;
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NETDEV_A_QUEUE_ID:
			id = attr_uint(a);
			break;
		case NETDEV_A_QUEUE_TYPE:
			type = attr_uint(a);
			break;
		case NETDEV_A_QUEUE_NAPI_ID:
			napi = attr_uint(a);
			break;
		}
	}
	printf("%s %llu napi-id %llu\n", type ? "tx" : "rx", (unsigned long long)id,
	       (unsigned long long)napi);
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc < 3 || argc > 4)
		usage();
	cmd = argv[1];
	queue_scope = argc == 4 && !strcmp(argv[3], "--queue");
	if (argc == 4 && (!queue_scope || strcmp(cmd, "qstats")))
		usage();
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "e1k-netdev: no such interface: %s\n", argv[2]);
		return 1;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	portid = mnl_socket_get_portid(nl);
	resolve_family();

	if (!strcmp(cmd, "dev")) {
		nlh = request(buf, family, NETDEV_CMD_DEV_GET, NLM_F_ACK);
		mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX, ifindex);
		exchange(nlh, dev_cb);
	} else if (!strcmp(cmd, "qstats")) {
		nlh = request(buf, family, NETDEV_CMD_QSTATS_GET, NLM_F_DUMP);
		mnl_attr_put_u32(nlh, NETDEV_A_QSTATS_IFINDEX, ifindex);
		if (queue_scope)
			mnl_attr_put_u32(nlh, NETDEV_A_QSTATS_SCOPE, NETDEV_QSTATS_SCOPE_QUEUE);
		exchange(nlh, qstats_cb);
	} else if (!strcmp(cmd, "page-pools")) {
		nlh = request(buf, family, NETDEV_CMD_PAGE_POOL_GET, NLM_F_DUMP);
		exchange(nlh, page_pool_cb);
	} else if (!strcmp(cmd, "queues")) {
		nlh = request(buf, family, NETDEV_CMD_QUEUE_GET, NLM_F_DUMP);
		mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_IFINDEX, ifindex);
		exchange(nlh, queue_cb);
	} else {
		usage();
	}
	mnl_socket_close(nl);
	return 0;
}
