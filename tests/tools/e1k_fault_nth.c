// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-fault-nth: one control-plane operation with the kernel's N-th fault
 * injection point on its path made to fail (/proc/thread-self/fail-nth),
 * for tests/vm/t_faults.sh on a kernel with fault injection (make
 * check-debug).
 *
 *   e1k-fault-nth N up IFACE            bring IFACE up (SIOCSIFFLAGS)
 *   e1k-fault-nth N rings IFACE RX TX   set ring sizes (ETHTOOL_SRINGPARAM)
 *   e1k-fault-nth N bind DRIVER PCI     bind device PCI to DRIVER (probe)
 *   e1k-fault-nth N xdp IFACE           attach an XDP_PASS program in
 *                                       driver mode (netlink), then detach
 *                                       whatever is attached (not counted)
 *
 * Only the operation's one system call runs with the count armed: every
 * file, socket and program it needs is set up before, so the points
 * counted are those of the operation (and, with the stack filter of
 * failslab / fail_page_alloc set, only those under the driver's code).
 * Prints one line:
 *   nth=N injected=yes|no result=0|ERRNO_NAME (message)
 * "injected=no" means the operation has fewer than N points: the caller
 * has tried them all. Exits 0 when the line was printed, 1 when the setup
 * failed, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *usage =
	"usage: e1k-fault-nth N up IFACE | rings IFACE RX TX | bind DRIVER PCI | xdp IFACE\n";

static int fail_nth_fd = -1;
/* Whether the armed point was reached (disarm()). */
static int injected = -1;

static void die(const char *what)
{
	fprintf(stderr, "e1k-fault-nth: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned int parse_uint(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v == 0 || v > 1000000) {
		fprintf(stderr, "e1k-fault-nth: %s must be a number from 1 to 1000000, not '%s'\n",
			what, s);
		exit(2);
	}
	return (unsigned int)v;
}

static void arm(unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	if (pwrite(fail_nth_fd, buf, (size_t)len, 0) != len)
		die("writing /proc/thread-self/fail-nth");
}

/*
 * Right after the operation's system call: whether the armed point was
 * reached; disarms what is left either way, so that nothing after the
 * operation can fail.
 */
static void disarm(void)
{
	char buf[16] = "";
	ssize_t n = pread(fail_nth_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		die("reading /proc/thread-self/fail-nth");
	if (pwrite(fail_nth_fd, "0", 1, 0) != 1)
		die("disarming /proc/thread-self/fail-nth");
	injected = atoi(buf) == 0;
}

static int ifreq_socket(const char *ifname, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(ifr, 0, sizeof(*ifr));
	if (strlen(ifname) >= sizeof(ifr->ifr_name)) {
		fprintf(stderr, "e1k-fault-nth: interface name too long: %s\n", ifname);
		exit(2);
	}
	strcpy(ifr->ifr_name, ifname);
	return fd;
}

static int op_up(unsigned int nth, const char *ifname)
{
	struct ifreq ifr;
	int fd = ifreq_socket(ifname, &ifr);
	int rc;

	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die(ifname);
	ifr.ifr_flags |= IFF_UP;
	arm(nth);
	rc = ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? errno : 0;
	disarm();
	close(fd);
	return rc;
}

static int op_rings(unsigned int nth, const char *ifname, unsigned int rx,
		    unsigned int tx)
{
	struct ethtool_ringparam ring = { .cmd = ETHTOOL_GRINGPARAM };
	struct ifreq ifr;
	int fd = ifreq_socket(ifname, &ifr);
	int rc;

	ifr.ifr_data = (void *)&ring;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		die("ETHTOOL_GRINGPARAM");
	ring.cmd = ETHTOOL_SRINGPARAM;
	ring.rx_pending = rx;
	ring.tx_pending = tx;
	arm(nth);
	rc = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? errno : 0;
	disarm();
	close(fd);
	return rc;
}

static int op_bind(unsigned int nth, const char *driver, const char *pci)
{
	char path[256];
	ssize_t len = (ssize_t)strlen(pci);
	int fd, rc;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", driver);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	arm(nth);
	rc = write(fd, pci, (size_t)len) == len ? 0 : errno;
	disarm();
	close(fd);
	return rc;
}

/* r0 = XDP_PASS; exit */
static int load_xdp_pass(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		die("loading an XDP program");
	return fd;
}

/* RTM_SETLINK with IFLA_XDP { FD, FLAGS=DRV_MODE }; the kernel's answer. */
static int set_xdp(int nl, unsigned int ifindex, int prog_fd, unsigned int nth)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req;
	struct rtattr *xdp, *rta;
	char reply[4096];
	struct nlmsgerr *err;
	ssize_t n;
	int rc;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = (int)ifindex;
	xdp = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	xdp->rta_type = NLA_F_NESTED | IFLA_XDP;
	xdp->rta_len = RTA_LENGTH(0);
	rta = (struct rtattr *)((char *)xdp + RTA_ALIGN(xdp->rta_len));
	rta->rta_type = IFLA_XDP_FD;
	rta->rta_len = RTA_LENGTH(sizeof(int));
	memcpy(RTA_DATA(rta), &prog_fd, sizeof(int));
	xdp->rta_len += RTA_ALIGN(rta->rta_len);
	rta = (struct rtattr *)((char *)xdp + RTA_ALIGN(xdp->rta_len));
	rta->rta_type = IFLA_XDP_FLAGS;
	rta->rta_len = RTA_LENGTH(sizeof(__u32));
	*(__u32 *)RTA_DATA(rta) = XDP_FLAGS_DRV_MODE;
	xdp->rta_len += RTA_ALIGN(rta->rta_len);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(xdp->rta_len);

	if (nth)
		arm(nth);
	rc = send(nl, &req, req.nh.nlmsg_len, 0) < 0 ? errno : 0;
	if (!rc) {
		n = recv(nl, reply, sizeof(reply), 0);
		if (n < 0)
			rc = errno;
	}
	if (nth)
		disarm();
	if (rc)
		return rc;
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*err)))
		return EPROTO;
	err = NLMSG_DATA((struct nlmsghdr *)reply);
	return -err->error;
}

static int op_xdp(unsigned int nth, const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);
	int prog_fd, nl, rc;

	if (!ifindex)
		die(ifname);
	prog_fd = load_xdp_pass();
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0)
		die("netlink socket");
	rc = set_xdp(nl, ifindex, prog_fd, nth);
	/*
	 * Detach whatever the result: one of the points is the allocation of
	 * netlink's acknowledgement, after the attach took effect, which the
	 * caller sees as ENOBUFS with the program attached. Detaching nothing
	 * succeeds.
	 */
	if (set_xdp(nl, ifindex, -1, 0) != 0)
		die("detaching the XDP program");
	close(nl);
	close(prog_fd);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int nth;
	int rc;

	if (argc < 4) {
		fputs(usage, stderr);
		return 2;
	}
	nth = parse_uint(argv[1], "N");
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fail_nth_fd < 0)
		die("/proc/thread-self/fail-nth (a kernel with CONFIG_FAULT_INJECTION)");

	if (!strcmp(argv[2], "up") && argc == 4)
		rc = op_up(nth, argv[3]);
	else if (!strcmp(argv[2], "rings") && argc == 6)
		rc = op_rings(nth, argv[3], parse_uint(argv[4], "RX"), parse_uint(argv[5], "TX"));
	else if (!strcmp(argv[2], "bind") && argc == 5)
		rc = op_bind(nth, argv[3], argv[4]);
	else if (!strcmp(argv[2], "xdp") && argc == 4)
		rc = op_xdp(nth, argv[3]);
	else {
		fputs(usage, stderr);
		return 2;
	}
	printf("nth=%u injected=%s result=%s%s%s%s\n", nth, injected ? "yes" : "no",
	       rc ? strerrorname_np(rc) : "0", rc ? " (" : "", rc ? strerror(rc) : "",
	       rc ? ")" : "");
	return 0;
}
