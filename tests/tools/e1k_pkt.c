// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-pkt: craft, send and capture raw Ethernet frames for the VM tests.
 *
 *   e1k-pkt build [options]           print a UDP frame as hex
 *   e1k-pkt send IFACE HEX [--count N] [--rate PPS]
 *   e1k-pkt recv IFACE [--count N] [--timeout MS] [--udp-port P] [--icmp-id I]
 *   e1k-pkt xchg IFACE HEX [--count N] [--timeout MS] [--udp-port P] [--icmp-id I]
 *
 *   e1k-pkt udp-recv PORT [--count N] [--timeout MS]
 *
 * build options: --dst-mac M --src-mac M --src-ip A --dst-ip A (IPv4 or
 * IPv6, both the same family) --sport P --dport P --payload N --vlan ID;
 * --icmp-echo makes it an ICMP (or ICMPv6) echo request with id --sport and
 * sequence --dport instead of UDP (both headers are 8 bytes).
 * The payload is a byte pattern (byte i is 7*(i+K)+1, K = --payload-offset),
 * so a moved or changed byte is visible; --fill-head N and --fill-tail N put
 * N bytes of 0xab before and after it, --udp-csum0 leaves the UDP checksum 0.
 * These describe what the test XDP programs (tests/bpf) make of a frame.
 *
 * udp-recv binds a UDP socket (IPv4 and IPv6) to PORT and prints the payload
 * of each datagram as hex.
 *
 * recv and xchg print one received frame per line as hex, as it was on the
 * wire (a VLAN tag the receive path stripped is put back). recv says
 * "listening" on stderr once its socket is bound; xchg opens its capture
 * socket before sending, so no reply can slip past. With --udp-port
 * only UDP frames (IPv4/IPv6, behind up to two VLAN tags) whose source or
 * destination port is P are kept; with --icmp-id only ICMP/ICMPv6 echo
 * requests and replies of that id; the frames this host sends are never kept.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e1k_csum.h"

#define MAX_FRAME 9216

struct build_opts {
	uint8_t dst_mac[6], src_mac[6];
	int family;
	uint8_t src_ip[16], dst_ip[16];
	uint16_t sport, dport;
	size_t payload, payload_offset, fill_head, fill_tail;
	bool udp_csum0;
	bool icmp_echo;
	int vlan; /* -1: untagged */
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "e1k-pkt: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v > max)
		die("bad %s", what);
	return v;
}

static void parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		die("bad MAC address '%s'", s);
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			die("bad MAC address '%s'", s);
		mac[i] = (uint8_t)b[i];
	}
}

static int parse_ip(const char *s, uint8_t addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return AF_INET6;
	die("bad IP address '%s'", s);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Build an Ethernet [+ 802.1Q] + IPv4/IPv6 + UDP (or ICMP echo request)
 * frame; returns its length. */
static size_t build_frame(const struct build_opts *o, uint8_t *f)
{
	size_t l3, l4, len;
	size_t data_len = o->fill_head + o->payload + o->fill_tail;
	size_t udp_len = 8 + data_len; /* an ICMP echo header is 8 bytes too */
	uint8_t proto = !o->icmp_echo ? IPPROTO_UDP :
			o->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	uint32_t sum;

	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, o->src_mac, 6);
	l3 = 12;
	if (o->vlan >= 0) {
		put16(f + l3, ETH_P_8021Q);
		put16(f + l3 + 2, (uint16_t)o->vlan);
		l3 += 4;
	}
	put16(f + l3, o->family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	l3 += 2;

	if (o->family == AF_INET) {
		uint8_t *ip = f + l3;

		l4 = l3 + 20;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + udp_len));
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, o->src_ip, 4);
		memcpy(ip + 16, o->dst_ip, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		/* ICMPv4 has no pseudo-header. */
		sum = proto == IPPROTO_ICMP ? 0 : csum_add(0, ip + 12, 8);
	} else {
		uint8_t *ip = f + l3;

		l4 = l3 + 40;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)udp_len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, o->src_ip, 16);
		memcpy(ip + 24, o->dst_ip, 16);
		sum = csum_add(0, ip + 8, 32);
	}
	if (proto != IPPROTO_ICMP)
		sum += proto + (uint32_t)udp_len;

	if (o->icmp_echo) {
		f[l4] = proto == IPPROTO_ICMP ? 8 : 128; /* echo request */
		f[l4 + 1] = 0;
		put16(f + l4 + 2, 0);
		put16(f + l4 + 4, o->sport); /* identifier */
		put16(f + l4 + 6, o->dport); /* sequence */
	} else {
		put16(f + l4, o->sport);
		put16(f + l4 + 2, o->dport);
		put16(f + l4 + 4, (uint16_t)udp_len);
		put16(f + l4 + 6, 0);
	}
	uint8_t *d = f + l4 + 8;

	memset(d, 0xab, o->fill_head);
	for (size_t i = 0; i < o->payload; i++)
		d[o->fill_head + i] = (uint8_t)((i + o->payload_offset) * 7 + 1);
	memset(d + o->fill_head + o->payload, 0xab, o->fill_tail);
	len = l4 + udp_len;
	if (o->icmp_echo) {
		put16(f + l4 + 2, csum_fold(csum_add(sum, f + l4, udp_len)));
	} else if (!o->udp_csum0) {
		uint16_t c = csum_fold(csum_add(sum, f + l4, udp_len));

		put16(f + l4 + 6, c ? c : 0xffff);
	}
	return len;
}

static size_t parse_hex(const char *s, uint8_t *buf, size_t max)
{
	size_t n = 0, slen = strlen(s);

	if (slen % 2)
		die("odd number of hex digits in '%s'", "frame");
	for (size_t i = 0; i < slen; i += 2) {
		unsigned int b;

		if (n == max || sscanf(s + i, "%2x", &b) != 1)
			die("bad hex frame (%s)", n == max ? "too long" : "not hex");
		buf[n++] = (uint8_t)b;
	}
	if (n < 14)
		die("frame shorter than an Ethernet header (%s)", s);
	return n;
}

static void print_hex(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
	fflush(stdout);
}

static int open_socket(const char *ifname, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int fd, rcvbuf = 8 << 20;

	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex)
		die("no such interface '%s'", ifname);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET): %s (need root)", strerror(errno));
	/* Room for a burst of jumbo frames (each costs the buffer its pages,
	 * some 16 KiB): the default 208 KiB held a dozen, and on a slow (debug)
	 * kernel the socket dropped what came faster than the capture read it.
	 * Before the bind: xchg's replies may come while it is still sending.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		die("SO_RCVBUFFORCE: %s", strerror(errno));
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind: %s", strerror(errno));
	return fd;
}

/* What a capture keeps: frames of one UDP port, or ICMP echoes of one id. */
struct capture_filter {
	int udp_port;	/* -1: any */
	int icmp_id;	/* -1: any */
};

/* The IP protocol of a frame and the offset of its L4 header, behind up to
 * two VLAN tags; -1 when it is not IPv4/IPv6 or the headers are cut. */
static int l4_of(const uint8_t *f, size_t len, size_t *l4)
{
	size_t off = 12;
	uint16_t type;

	for (int tags = 0;; tags++) {
		if (off + 2 > len)
			return -1;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
		if ((type != ETH_P_8021Q && type != ETH_P_8021AD) || tags == 2)
			break;
		off += 4;
	}
	off += 2;
	if (type == ETH_P_IP) {
		if (off + 20 > len)
			return -1;
		*l4 = off + (size_t)(f[off] & 0xf) * 4;
		return f[off + 9];
	}
	if (type == ETH_P_IPV6) {
		if (off + 40 > len)
			return -1;
		*l4 = off + 40;
		return f[off + 6];
	}
	return -1;
}

static bool filter_matches(const uint8_t *f, size_t len,
			   const struct capture_filter *cf)
{
	size_t l4 = 0;
	int proto = l4_of(f, len, &l4);

	if (cf->udp_port >= 0) {
		if (proto != IPPROTO_UDP || l4 + 8 > len)
			return false;
		if ((f[l4] << 8 | f[l4 + 1]) != cf->udp_port &&
		    (f[l4 + 2] << 8 | f[l4 + 3]) != cf->udp_port)
			return false;
	}
	if (cf->icmp_id >= 0) {
		bool echo4 = proto == IPPROTO_ICMP && l4 + 8 <= len &&
			     (f[l4] == 8 || f[l4] == 0);
		bool echo6 = proto == IPPROTO_ICMPV6 && l4 + 8 <= len &&
			     (f[l4] == 128 || f[l4] == 129);

		if ((!echo4 && !echo6) || (f[l4 + 4] << 8 | f[l4 + 5]) != cf->icmp_id)
			return false;
	}
	return true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Print up to @count frames received within @timeout_ms; returns how many.
 * Frames are printed as they were on the wire: a VLAN tag that the receive
 * path took out of the frame (the kernel does, before packet sockets see
 * it) is put back from the packet's auxiliary data.
 */
static unsigned long capture(int fd, unsigned long count, long timeout_ms,
			     const struct capture_filter *cf)
{
	static uint8_t buf[MAX_FRAME + 4];
	long deadline = now_ms() + timeout_ms;
	unsigned long got = 0;
	int on = 1;
	struct tpacket_stats st;
	socklen_t stlen = sizeof(st);

	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) < 0)
		die("PACKET_AUXDATA: %s", strerror(errno));
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct sockaddr_ll from;
		struct iovec iov = { .iov_base = buf + 4, .iov_len = MAX_FRAME };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		long left = deadline - now_ms();
		uint8_t *f = buf + 4;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			die("recv: %s", strerror(errno));
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (!(aux.tp_status & TP_STATUS_VLAN_VALID) || n < 12)
				continue;
			uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ?
					aux.tp_vlan_tpid : ETH_P_8021Q;
			memmove(buf, f, 12);
			f = buf;
			f[12] = (uint8_t)(tpid >> 8);
			f[13] = (uint8_t)tpid;
			f[14] = (uint8_t)(aux.tp_vlan_tci >> 8);
			f[15] = (uint8_t)aux.tp_vlan_tci;
			n += 4;
		}
		if (!filter_matches(f, (size_t)n, cf))
			continue;
		print_hex(f, (size_t)n);
		got++;
	}
	/* A frame lost here is the capture's, not the path's: say so. */
	if (!getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stlen) && st.tp_drops)
		fprintf(stderr, "e1k-pkt: %u frames dropped by the capture socket (buffer full)\n",
			st.tp_drops);
	return got;
}

/* Unpaced: up to 64 frames per sendmmsg(), a fraction of the cost of one
 * send() per frame (under emulation the system call dominates). */
static void send_batched(int fd, const uint8_t *f, size_t len, unsigned long count)
{
	struct iovec iov = { .iov_base = (void *)f, .iov_len = len };
	struct mmsghdr msgs[64];

	memset(msgs, 0, sizeof(msgs));
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (count) {
		unsigned int n = count < 64 ? (unsigned int)count : 64;
		int sent = sendmmsg(fd, msgs, n, 0);

		if (sent < 0) {
			if (errno != ENOBUFS && errno != EAGAIN)
				die("sendmmsg: %s", strerror(errno));
			usleep(50); /* the qdisc is full: wait, never drop */
			continue;
		}
		count -= (unsigned long)sent;
	}
}

static void send_frames(int fd, const uint8_t *f, size_t len,
			unsigned long count, unsigned long rate)
{
	struct timespec start, t;

	if (!rate) {
		send_batched(fd, f, len, count);
		return;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned long i = 0; i < count; i++) {
		/* Pace against the start time, not per frame, so that sleep
		 * overshoot does not accumulate. */
		double due = (double)i / (double)rate;

		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			double el = (double)(t.tv_sec - start.tv_sec) +
				    (double)(t.tv_nsec - start.tv_nsec) / 1e9;
			if (el >= due)
				break;
			if (due - el > 0.0002) {
				struct timespec ts = { 0, 100000 };

				nanosleep(&ts, NULL);
			}
		}
		while (send(fd, f, len, 0) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN)
				die("send: %s", strerror(errno));
			/* The qdisc is full: wait for room, never drop. */
			usleep(50);
		}
	}
}

/* Print the payload of up to @count UDP datagrams to @port. */
static int udp_recv(uint16_t port, unsigned long count, long timeout_ms)
{
	static uint8_t buf[65536];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	long deadline = now_ms() + timeout_ms;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;
	unsigned long got = 0;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	/* One socket for both families: IPv4 arrives as ::ffff:a.b.c.d. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind: %s", strerror(errno));
	/* Tell a waiting test that the socket is ready. */
	fprintf(stderr, "listening\n");
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv: %s", strerror(errno));
		print_hex(buf, (size_t)n);
		got++;
	}
	close(fd);
	return 0;
}

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: e1k-pkt build --dst-mac M --src-mac M --src-ip A --dst-ip A\n"
		"                     [--sport P] [--dport P] [--payload N] [--vlan ID]\n"
		"       e1k-pkt send IFACE HEX [--count N] [--rate PPS]\n"
		"       e1k-pkt recv IFACE [--count N] [--timeout MS] [--udp-port P] [--icmp-id I]\n"
		"       e1k-pkt xchg IFACE HEX [--count N] [--timeout MS] [--udp-port P] [--icmp-id I]\n"
		"       e1k-pkt udp-recv PORT [--count N] [--timeout MS]\n"
		"build also takes --payload-offset K --fill-head N --fill-tail N --udp-csum0\n"
		"--icmp-echo\n");
	return rc;
}

int main(int argc, char **argv)
{
	static uint8_t frame[MAX_FRAME];
	struct build_opts bo = { .sport = 9999, .dport = 9999, .vlan = -1 };
	unsigned long count = 1, rate = 0;
	long timeout_ms = 1000;
	struct capture_filter cf = { .udp_port = -1, .icmp_id = -1 };
	int have_src = 0, have_dst = 0, src_family = 0;
	const char *cmd, *pos[2] = { NULL, NULL };
	int npos = 0;

	if (argc < 2)
		return usage(2);
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return usage(0);

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-' || a[1] != '-') {
			if (npos == 2)
				die("unexpected argument '%s'", a);
			pos[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--udp-csum0")) {
			bo.udp_csum0 = true;
			continue;
		}
		if (!strcmp(a, "--icmp-echo")) {
			bo.icmp_echo = true;
			continue;
		}
		if (!v)
			die("%s needs a value", a);
		i++;
		if (!strcmp(a, "--count"))
			count = parse_num(v, 100000000UL, "--count");
		else if (!strcmp(a, "--rate"))
			rate = parse_num(v, 100000000UL, "--rate");
		else if (!strcmp(a, "--timeout"))
			timeout_ms = (long)parse_num(v, 3600000UL, "--timeout");
		else if (!strcmp(a, "--udp-port"))
			cf.udp_port = (int)parse_num(v, 65535, "--udp-port");
		else if (!strcmp(a, "--icmp-id"))
			cf.icmp_id = (int)parse_num(v, 65535, "--icmp-id");
		else if (!strcmp(a, "--dst-mac"))
			parse_mac(v, bo.dst_mac);
		else if (!strcmp(a, "--src-mac"))
			parse_mac(v, bo.src_mac);
		else if (!strcmp(a, "--src-ip"))
			src_family = parse_ip(v, bo.src_ip), have_src = 1;
		else if (!strcmp(a, "--dst-ip"))
			bo.family = parse_ip(v, bo.dst_ip), have_dst = 1;
		else if (!strcmp(a, "--sport"))
			bo.sport = (uint16_t)parse_num(v, 65535, "--sport");
		else if (!strcmp(a, "--dport"))
			bo.dport = (uint16_t)parse_num(v, 65535, "--dport");
		else if (!strcmp(a, "--payload"))
			bo.payload = parse_num(v, MAX_FRAME - 66, "--payload");
		else if (!strcmp(a, "--payload-offset"))
			bo.payload_offset = parse_num(v, 65535, "--payload-offset");
		else if (!strcmp(a, "--fill-head"))
			bo.fill_head = parse_num(v, 256, "--fill-head");
		else if (!strcmp(a, "--fill-tail"))
			bo.fill_tail = parse_num(v, 256, "--fill-tail");
		else if (!strcmp(a, "--vlan"))
			bo.vlan = (int)parse_num(v, 4095, "--vlan");
		else
			die("unknown option '%s'", a);
	}

	if (!strcmp(cmd, "build")) {
		if (!have_src || !have_dst || src_family != bo.family)
			die("build needs --src-ip and --dst-ip of one family%s", "");
		if (bo.fill_head + bo.payload + bo.fill_tail > MAX_FRAME - 66)
			die("frame too long%s", "");
		print_hex(frame, build_frame(&bo, frame));
		return 0;
	}
	if (!strcmp(cmd, "udp-recv")) {
		if (!pos[0])
			return usage(2);
		return udp_recv((uint16_t)parse_num(pos[0], 65535, "port"), count,
				timeout_ms);
	}
	if (!strcmp(cmd, "send") || !strcmp(cmd, "recv") || !strcmp(cmd, "xchg")) {
		int ifindex, fd;
		size_t len = 0;
		bool sends = strcmp(cmd, "recv") != 0;

		if (!pos[0] || (sends && !pos[1]))
			return usage(2);
		if (sends)
			len = parse_hex(pos[1], frame, sizeof(frame));
		fd = open_socket(pos[0], &ifindex);
		if (!sends) {
			/* Tell a waiting test that the capture is in place. */
			fprintf(stderr, "listening\n");
		}
		if (!strcmp(cmd, "send")) {
			send_frames(fd, frame, len, count, rate);
			return 0;
		}
		if (!strcmp(cmd, "xchg"))
			send_frames(fd, frame, len, count, rate);
		capture(fd, count, timeout_ms, &cf);
		close(fd);
		return 0;
	}
	return usage(2);
}
