// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-hostgen: the benchmark's traffic source and sink on the host. It talks
 * to a guest NIC through a QEMU datagram netdev (-netdev dgram on the
 * loopback address: one UDP datagram is one Ethernet frame without FCS), so
 * generating and counting costs the guest no CPU at all.
 *
 *   e1k-hostgen run   --bind PORT --peer PORT [frame options] [run options]
 *   e1k-hostgen count --bind PORT --peer PORT --seconds S [--dump]
 *   e1k-hostgen reflect --bind PORT --peer PORT --seconds S
 *
 * --bind is the port this tool listens on (QEMU's remote.port), --peer the
 * port QEMU listens on (its local.port), both on 127.0.0.1.
 *
 * run sends frames for --seconds S (or exactly --count N frames), unpaced
 * (--rate 0, the default: as fast as sendmmsg goes) or paced at --rate PPS,
 * and counts the frames that come back on the same link: every built frame
 * carries a tag (magic, sequence number, send time) right after its
 * UDP/ICMP header, which a MAC swap (XDP_TX) or an echo reply (the kernel's
 * or the reflector's) keeps, so the round-trip time of each returned frame
 * is known. SIGINT or SIGTERM ends the sending early (the report follows as
 * usual). Frame options: --dst-mac M (default the DUT, 52:54:00:e1:00:01)
 * --src-mac M (default 52:54:00:e1:00:10) --src-ip A --dst-ip A (IPv4,
 * default 10.11.0.100 -> 10.11.0.1) --dport P (default 9999) --size N (the
 * frame without FCS, 60..9000, default 60) --icmp (an ICMP echo request
 * instead of UDP), or --frames FILE: frames as hex, one per line (what
 * `e1k-pkt build` prints), sent in turn, untagged. Run options: --batch N
 * (frames per sendmmsg, default 32), --linger-ms MS (how long to keep
 * counting returned frames after the last send, default 300).
 *
 * count only receives, for --seconds S, and counts frames, and among them
 * the tagged ones `run` sent after count started (--dump prints each as
 * hex); a run's "back" likewise counts only the frames it sent itself; reflect sends back what it receives: ICMP echo requests as
 * echo replies, everything else with its MACs swapped (for the tests of
 * this tool, and as a peer that costs no guest CPU).
 *
 * Output: one line of key=value pairs on stdout (see print_run()).
 * host_drops is how many datagrams the host's UDP layer dropped for want of
 * receive buffer meanwhile (/proc/net/snmp RcvbufErrors, the whole host):
 * frames QEMU did not read in time, i.e. offered beyond what the device
 * model takes. peer_backlog_bytes is what the peer's socket on this host
 * (QEMU's, bound to 127.0.0.1:--peer) still held unread when the sending
 * stopped (/proc/net/udp rx_queue, in bytes of receive buffer): a receiver
 * that keeps up leaves a passing backlog, one that does not leaves one that
 * grew over the whole run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
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
#define MAX_BATCH 256
#define MAX_FILE_FRAMES 1024
#define TAG_MAGIC 0xe1c0ffeeU
#define TAG_OFF (14 + 20 + 8) /* after Ethernet, IPv4, UDP/ICMP header */
#define TAG_LEN 16 /* magic (4), sequence (4), send time in ns (8): fits a 60-byte frame */
#define MAX_RTT_SAMPLES (1 << 22)
#define ICMP_ID 0xe1c0

struct opts {
	int bind_port, peer_port;
	uint8_t dst_mac[6], src_mac[6];
	uint32_t src_ip, dst_ip; /* network order */
	int dport;
	size_t size;
	bool icmp;
	const char *frames_file;
	double rate, seconds;
	long count; /* -1: run for --seconds */
	int batch, linger_ms;
	bool dump;
};

struct frame {
	uint8_t data[MAX_FRAME];
	size_t len;
	bool tagged;
	uint32_t icmp_base; /* ICMP checksum of everything but the tag */
};

struct counts {
	uint64_t sent, back, back_bytes, other, send_errors;
	uint64_t *rtt_ns;
	size_t rtt_n;
};

/* SIGINT or SIGTERM: stop sending, count what comes back, report. */
static volatile sig_atomic_t stop_sending;

static void on_stop(int sig)
{
	(void)sig;
	stop_sending = 1;
}

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "e1k-hostgen: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		die(what, s);
	return v;
}

static void parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		die("not a MAC address", s);
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			die("not a MAC address", s);
		mac[i] = (uint8_t)b[i];
	}
}

static uint32_t parse_ip4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("not an IPv4 address", s);
	return a.s_addr;
}

static void usage(void)
{
	fputs("usage: e1k-hostgen run|count|reflect --bind PORT --peer PORT [options]\n"
	      "  (the options are described at the top of tests/tools/e1k_hostgen.c)\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	parse_mac("52:54:00:e1:00:01", o->dst_mac);
	parse_mac("52:54:00:e1:00:10", o->src_mac);
	o->src_ip = parse_ip4("10.11.0.100");
	o->dst_ip = parse_ip4("10.11.0.1");
	o->dport = 9999;
	o->size = 60;
	o->count = -1;
	o->batch = 32;
	o->linger_ms = 300;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--icmp")) {
			o->icmp = true;
			continue;
		}
		if (!strcmp(a, "--dump")) {
			o->dump = true;
			continue;
		}
		if (!v)
			die("option needs a value", a);
		i++;
		if (!strcmp(a, "--bind"))
			o->bind_port = (int)parse_num(v, "bad --bind", 1, 65535);
		else if (!strcmp(a, "--peer"))
			o->peer_port = (int)parse_num(v, "bad --peer", 1, 65535);
		else if (!strcmp(a, "--dst-mac"))
			parse_mac(v, o->dst_mac);
		else if (!strcmp(a, "--src-mac"))
			parse_mac(v, o->src_mac);
		else if (!strcmp(a, "--src-ip"))
			o->src_ip = parse_ip4(v);
		else if (!strcmp(a, "--dst-ip"))
			o->dst_ip = parse_ip4(v);
		else if (!strcmp(a, "--dport"))
			o->dport = (int)parse_num(v, "bad --dport", 1, 65535);
		else if (!strcmp(a, "--size"))
			o->size = (size_t)parse_num(v, "bad --size (60..9000)", 60, 9000);
		else if (!strcmp(a, "--frames"))
			o->frames_file = v;
		else if (!strcmp(a, "--rate"))
			o->rate = (double)parse_num(v, "bad --rate", 0, 100000000);
		else if (!strcmp(a, "--seconds"))
			o->seconds = (double)parse_num(v, "bad --seconds", 1, 86400);
		else if (!strcmp(a, "--count"))
			o->count = parse_num(v, "bad --count", 1, 1000000000);
		else if (!strcmp(a, "--batch"))
			o->batch = (int)parse_num(v, "bad --batch", 1, MAX_BATCH);
		else if (!strcmp(a, "--linger-ms"))
			o->linger_ms = (int)parse_num(v, "bad --linger-ms", 0, 60000);
		else
			die("unknown option", a);
	}
	if (!o->bind_port || !o->peer_port)
		die("--bind and --peer are required", NULL);
	if (o->count < 0 && o->seconds <= 0)
		die("--seconds or --count is required", NULL);
}

static int open_link(const struct opts *o)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)o->bind_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in qemu = me;
	int buf = 8 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	qemu.sin_port = htons((uint16_t)o->peer_port);
	if (fd < 0)
		die("socket", strerror(errno));
	/* Large buffers: a burst that comes back must not be lost here. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)))
		die("bind", strerror(errno));
	if (connect(fd, (struct sockaddr *)&qemu, sizeof(qemu)))
		die("connect", strerror(errno));
	return fd;
}

/* The built frame: Ethernet, IPv4, UDP (checksum 0) or ICMP echo, tag, zeros. */
static void build_frame(const struct opts *o, struct frame *f)
{
	uint8_t *p = f->data, *ip = p + 14, *l4 = ip + 20;
	size_t ip_len = o->size - 14;

	memset(p, 0, MAX_FRAME);
	memcpy(p, o->dst_mac, 6);
	memcpy(p + 6, o->src_mac, 6);
	put16(p + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)ip_len);
	ip[8] = 64;
	ip[9] = o->icmp ? 1 : 17;
	memcpy(ip + 12, &o->src_ip, 4);
	memcpy(ip + 16, &o->dst_ip, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	if (o->icmp) {
		l4[0] = 8; /* echo request */
		put16(l4 + 4, ICMP_ID);
		f->icmp_base = csum_add(0, l4, ip_len - 20);
	} else {
		put16(l4, 40000);
		put16(l4 + 2, (uint16_t)o->dport);
		put16(l4 + 4, (uint16_t)(ip_len - 20));
	}
	f->len = o->size;
	f->tagged = true;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Stamp a tagged frame with its sequence number and send time. */
static void stamp(struct frame *f, bool icmp, uint64_t seq, uint64_t t)
{
	uint8_t *tag = f->data + TAG_OFF, *l4 = f->data + 14 + 20;

	put_be(tag, TAG_MAGIC, 4);
	put_be(tag + 4, seq, 4);
	put_be(tag + 8, t, 8);
	if (icmp) {
		put16(l4 + 6, (uint16_t)seq);
		put16(l4 + 2, 0);
		/* The base sum saw zeros where the tag and sequence are. */
		put16(l4 + 2, csum_fold(f->icmp_base + csum_add(0, tag, TAG_LEN) +
					(uint16_t)seq));
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t load_frames(const char *path, struct frame *frames)
{
	static char line[2 * MAX_FRAME + 16];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (!fp)
		die("cannot open the frame file", path);
	while (fgets(line, sizeof(line), fp)) {
		struct frame *f = &frames[n];
		size_t len = 0;
		int hi = -1;

		for (char *c = line; *c && *c != '\n'; c++) {
			int v = hexval((unsigned char)*c);

			if (*c == ' ' || *c == '\r')
				continue;
			if (v < 0 || len >= MAX_FRAME)
				die("the frame file has a line that is not a frame in hex", path);
			if (hi < 0) {
				hi = v;
			} else {
				f->data[len++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
		if (!len)
			continue;
		if (hi >= 0 || len < 14)
			die("the frame file has a line that is not a frame in hex", path);
		f->len = len;
		f->tagged = false;
		if (++n == MAX_FILE_FRAMES)
			break;
	}
	fclose(fp);
	if (!n)
		die("the frame file holds no frame", path);
	return n;
}

/* RcvbufErrors of the host's UDP layer (the fifth value of the "Udp:" line). */
static uint64_t udp_rcvbuf_errors(void)
{
	char head[512], vals[512];
	unsigned long long v[8] = { 0 };
	FILE *fp = fopen("/proc/net/snmp", "r");

	if (!fp)
		return 0;
	while (fgets(head, sizeof(head), fp) && fgets(vals, sizeof(vals), fp)) {
		if (!strncmp(head, "Udp: ", 5) &&
		    sscanf(vals, "Udp: %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5]) == 6)
			break;
	}
	fclose(fp);
	return v[4];
}

/* Bytes queued unread on the UDP socket bound to 127.0.0.1:PORT, if any. */
static uint64_t udp_rx_queue(int port)
{
	char line[512];
	unsigned int laddr, lport, txq, rxq;
	uint64_t queued = 0;
	FILE *fp = fopen("/proc/net/udp", "r");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		/* "sl: local rem st tx_queue:rx_queue ...", addresses as the
		 * kernel prints them (127.0.0.1 is 0100007F here).
		 */
		if (sscanf(line, " %*u: %x:%x %*x:%*x %*x %x:%x", &laddr, &lport, &txq,
			   &rxq) == 4 && laddr == htonl(INADDR_LOOPBACK) &&
		    lport == (unsigned int)port)
			queued += rxq;
	}
	fclose(fp);
	return queued;
}

/*
 * A frame of this run: tagged, and stamped no earlier than the run began
 * (frames of an earlier run that come late, out of QEMU's socket buffer or
 * the NIC's ring, are not this run's).
 */
static bool is_ours(const uint8_t *p, size_t len, uint64_t since)
{
	return len >= TAG_OFF + TAG_LEN && get_be(p + TAG_OFF, 4) == TAG_MAGIC &&
	       get_be(p + TAG_OFF + 8, 8) >= since;
}

/* Receive everything waiting; returned tagged frames give an RTT each. */
static void drain(int fd, const struct opts *o, uint64_t since, struct counts *c)
{
	static uint8_t bufs[MAX_BATCH][MAX_FRAME];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	int n;

	/*
	 * Once: this runs after every batch sent, and recvmmsg() changes only
	 * msg_len and msg_flags (there is no msg_name), so the vectors stay set.
	 */
	if (!iov[0].iov_base) {
		for (int i = 0; i < MAX_BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], MAX_FRAME };
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
	}
	while ((n = recvmmsg(fd, msgs, MAX_BATCH, MSG_DONTWAIT, NULL)) > 0) {
		uint64_t t = now_ns();

		for (int i = 0; i < n; i++) {
			const uint8_t *p = bufs[i];
			size_t len = msgs[i].msg_len;

			if (o->dump) {
				for (size_t j = 0; j < len; j++)
					printf("%02x", p[j]);
				putchar('\n');
			}
			if (memcmp(p, o->src_mac, 6) || !is_ours(p, len, since)) {
				c->other++;
				continue;
			}
			c->back++;
			c->back_bytes += len;
			if (c->rtt_n < MAX_RTT_SAMPLES)
				c->rtt_ns[c->rtt_n++] = t - get_be(p + TAG_OFF + 8, 8);
		}
	}
}

static void wait_readable(int fd, uint64_t until)
{
	uint64_t t = now_ns();
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts;

	if (t >= until)
		return;
	ts.tv_sec = (time_t)((until - t) / 1000000000ULL);
	ts.tv_nsec = (long)((until - t) % 1000000000ULL);
	ppoll(&pfd, 1, &ts, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(const struct counts *c, double p)
{
	if (!c->rtt_n)
		return 0;
	return (double)c->rtt_ns[(size_t)(p * (double)(c->rtt_n - 1))] / 1000.0;
}

static void print_run(const struct counts *c, double send_s, uint64_t drops,
		      uint64_t backlog)
{
	qsort(c->rtt_ns, c->rtt_n, sizeof(uint64_t), cmp_u64);
	printf("sent=%llu send_seconds=%.3f offered_pps=%.0f back=%llu back_bytes=%llu "
	       "back_pps=%.0f other=%llu send_errors=%llu host_drops=%llu "
	       "peer_backlog_bytes=%llu rtt_p50_us=%.1f rtt_p99_us=%.1f rtt_max_us=%.1f\n",
	       (unsigned long long)c->sent, send_s,
	       send_s > 0 ? (double)c->sent / send_s : 0, (unsigned long long)c->back,
	       (unsigned long long)c->back_bytes,
	       send_s > 0 ? (double)c->back / send_s : 0, (unsigned long long)c->other,
	       (unsigned long long)c->send_errors, (unsigned long long)drops,
	       (unsigned long long)backlog, pct_us(c, 0.5), pct_us(c, 0.99), pct_us(c, 1.0));
}

/* How many frames are due by time t: all of them unpaced, else rate * t. */
static uint64_t due_by(const struct opts *o, uint64_t start, uint64_t t,
		       uint64_t limit)
{
	uint64_t due;

	if (o->rate <= 0)
		return limit;
	due = (uint64_t)(o->rate * (double)(t - start) / 1e9) + 1;
	return due < limit ? due : limit;
}

static int cmd_run(const struct opts *o)
{
	static struct frame frames[MAX_FILE_FRAMES];
	static struct frame batch[MAX_BATCH];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct counts c = { .rtt_ns = calloc(MAX_RTT_SAMPLES, sizeof(uint64_t)) };
	size_t nframes = 1;
	uint64_t drops0 = udp_rcvbuf_errors(), start, end, limit, last = 0, backlog;
	int fd = open_link(o);

	if (!c.rtt_ns)
		die("out of memory", NULL);
	if (o->frames_file)
		nframes = load_frames(o->frames_file, frames);
	else
		build_frame(o, &frames[0]);
	limit = o->count > 0 ? (uint64_t)o->count : UINT64_MAX;
	start = now_ns();
	end = o->count > 0 ? UINT64_MAX : start + (uint64_t)(o->seconds * 1e9);
	while (!stop_sending && c.sent < limit && (last = now_ns()) < end) {
		uint64_t due = due_by(o, start, last, limit);
		int n = (int)(due - c.sent < (uint64_t)o->batch ? due - c.sent : (uint64_t)o->batch);
		int done;

		drain(fd, o, start, &c);
		if (n <= 0) {
			/* Paced and ahead: wait for the next frame's time. */
			uint64_t next = start + (uint64_t)((double)c.sent * 1e9 / o->rate);

			wait_readable(fd, next < end ? next : end);
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct frame *f = &frames[(c.sent + (uint64_t)i) % nframes];

			batch[i].len = f->len;
			batch[i].icmp_base = f->icmp_base;
			memcpy(batch[i].data, f->data, f->len);
			if (f->tagged)
				stamp(&batch[i], o->icmp, c.sent + (uint64_t)i, last);
			iov[i] = (struct iovec){ batch[i].data, batch[i].len };
			msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
								 .msg_iovlen = 1 } };
		}
		done = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (done < 0) {
			if (errno != EAGAIN && errno != ENOBUFS)
				die("sendmmsg", strerror(errno));
			c.send_errors++;
			wait_readable(fd, now_ns() + 100000);
			continue;
		}
		c.sent += (uint64_t)done;
	}
	last = now_ns();
	backlog = udp_rx_queue(o->peer_port);
	for (uint64_t stop = last + (uint64_t)o->linger_ms * 1000000ULL; now_ns() < stop;) {
		drain(fd, o, start, &c);
		wait_readable(fd, stop);
	}
	drain(fd, o, start, &c);
	print_run(&c, (double)(last - start) / 1e9, udp_rcvbuf_errors() - drops0, backlog);
	free(c.rtt_ns);
	close(fd);
	return 0;
}

/* An echo request becomes a reply (same id, sequence, payload). */
static bool make_echo_reply(uint8_t *p, size_t len)
{
	uint8_t *ip = p + 14, *l4;
	size_t ihl;
	uint8_t a[4];

	if (len < 14 + 20 + 8 || get_be(p + 12, 2) != 0x0800 || ip[9] != 1)
		return false;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	l4 = ip + ihl;
	if (ihl < 20 || len < 14 + ihl + 8 || l4[0] != 8)
		return false;
	memcpy(a, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, a, 4);
	l4[0] = 0;
	put16(l4 + 2, 0);
	put16(l4 + 2, csum_fold(csum_add(0, l4, get_be(ip + 2, 2) - ihl)));
	return true;
}

static int cmd_reflect_or_count(const struct opts *o, bool reflect)
{
	static uint8_t buf[MAX_FRAME];
	uint64_t frames = 0, bytes = 0, tagged = 0, reflected = 0;
	uint64_t start = now_ns(), end = start + (uint64_t)(o->seconds * 1e9);
	int fd = open_link(o);

	while (now_ns() < end) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		uint8_t mac[6];

		if (len < 0) {
			wait_readable(fd, end);
			continue;
		}
		frames++;
		bytes += (uint64_t)len;
		if (is_ours(buf, (size_t)len, start))
			tagged++;
		if (o->dump) {
			for (ssize_t j = 0; j < len; j++)
				printf("%02x", buf[j]);
			putchar('\n');
		}
		if (!reflect || len < 14)
			continue;
		make_echo_reply(buf, (size_t)len);
		memcpy(mac, buf, 6);
		memcpy(buf, buf + 6, 6);
		memcpy(buf + 6, mac, 6);
		if (send(fd, buf, (size_t)len, 0) == len)
			reflected++;
	}
	printf("frames=%llu bytes=%llu tagged=%llu reflected=%llu\n",
	       (unsigned long long)frames, (unsigned long long)bytes,
	       (unsigned long long)tagged, (unsigned long long)reflected);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };

	if (argc < 2)
		usage();
	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	if (!strcmp(argv[1], "run"))
		return cmd_run(&o);
	if (!strcmp(argv[1], "count"))
		return cmd_reflect_or_count(&o, false);
	if (!strcmp(argv[1], "reflect"))
		return cmd_reflect_or_count(&o, true);
	usage();
	return 2;
}
