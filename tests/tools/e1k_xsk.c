// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-xsk: one AF_XDP socket on libxdp's xsk API, for the VM tests and the
 * bench.
 *
 *   e1k-xsk rxdrop IFACE [options]       receive frames, count and drop them
 *   e1k-xsk txpush IFACE HEX [options]   send the frame HEX --count times
 *                    (its UMEM also feeds the queue's rx ring, for the
 *                    stack's frames in zero-copy mode)
 *   e1k-xsk l2fwd IFACE [options]        send every frame back, MACs swapped
 *
 * Options:
 *   --queue Q        the queue to bind to (0)
 *   --zc | --copy    bind with XDP_ZEROCOPY or XDP_COPY; neither: the
 *                    kernel's choice (zero-copy where the driver has it)
 *   --wakeup | --no-wakeup  bind with XDP_USE_NEED_WAKEUP (the default:
 *                    the socket wakes the driver when it has work) or
 *                    without (the driver polls for the socket by itself)
 *   --frame-size N   UMEM chunk size (4096); --frames N, UMEM frames (4096)
 *   --map NAME       put the socket, at index Q, into the XSKMAP NAME of the
 *                    XDP program attached to IFACE (rxdrop, l2fwd)
 *   --count N        frames to receive, send or forward (0: until the
 *                    timeout or SIGTERM, and then it succeeds; txpush and
 *                    l2fwd once every frame they sent has completed,
 *                    within 1 s)
 *   --timeout MS     give up after MS milliseconds (10000)
 *   --expect HEX     rxdrop, l2fwd: every frame received must be HEX
 *   --seq-offset O   txpush: frame i carries i (32 bits, big-endian) at byte
 *                    O; rxdrop: the frames must come in that order
 *   --rate PPS       txpush: at most PPS frames a second
 *   --batch N        ring operations per call (64)
 *   --control        txpush: send in windows on command, the socket bound
 *                    across them. Each line on stdin "send RATE MS" sends
 *                    for MS milliseconds at RATE pps (0: flat out), waits
 *                    up to 1 s for the last completions and prints that
 *                    window's counts; end of input ends the tool. (The
 *                    bench's DUT CPU per frame is then the sending's
 *                    alone, not the socket's setup and teardown.)
 *
 * On stderr, once the socket is bound: "bound IFACE queue Q zerocopy" (or
 * "copy"). On stdout at the end: "rx N tx N bad N secs S dropped D
 * rx_ring_full F fill_empty E" (tx: frames sent and completed; the last
 * three: the socket's XDP_STATISTICS since it was bound, frames the kernel
 * dropped for it, of them for its rx ring being full, and the times the
 * driver found its fill ring empty), and on SIGUSR1 the same so far (with
 * --control: after each window, that window's, the statistics still since
 * the bind; "?" for each of the three, the reason on stderr, where the
 * kernel will not give them). Exit 0 when --count frames were received,
 * sent (and completed) or forwarded, each as expected, and the statistics
 * were read; 1 otherwise; 2 on bad usage or a socket that cannot be set up
 * (the reason on stderr).
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#define MAX_FRAME 4096
/* txpush: UMEM frames for the fill ring, at most (one default rx ring). */
#define TXPUSH_RX_FRAMES 256

/* SIGUSR1: print the counts so far; SIGTERM, SIGINT: stop and report. */
static volatile sig_atomic_t want_counts, want_stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_counts = 1;
	else
		want_stop = 1;
}

/* Without SA_RESTART: a signal ends a blocking read (--control's stdin)
 * as it does poll(2) and nanosleep(2), so it is seen at once.
 */
static void signals_on(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGUSR1, SIGTERM, SIGINT };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

enum mode { RXDROP, TXPUSH, L2FWD };

struct opts {
	enum mode mode;
	const char *ifname;
	uint32_t queue;
	uint16_t bind_flags;
	uint32_t frame_size, frames;
	const char *map;
	unsigned long count;
	long timeout_ms;
	uint8_t frame[MAX_FRAME];	/* txpush's frame, or --expect's */
	size_t frame_len;
	bool expect;
	long seq_offset;		/* -1: none */
	unsigned long rate;
	uint32_t batch;
	bool control;
};

struct sock {
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	void *area;
	int fd;
	uint64_t *free_addrs;	/* frames neither posted nor in flight */
	uint32_t nfree;
	unsigned long rx_n, tx_n, done_n, bad;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: e1k-xsk rxdrop IFACE [options]\n"
		"       e1k-xsk txpush IFACE HEX [options]\n"
		"       e1k-xsk l2fwd IFACE [options]\n"
		"options: --queue Q --zc|--copy --wakeup|--no-wakeup --frame-size N --frames N\n"
		"         --map NAME --count N --timeout MS --expect HEX --seq-offset O\n"
		"         --rate PPS --batch N --control\n");
}

static unsigned long parse_num(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s ? s : "", &end, 0);
	if (!s || !*s || *end || errno || v > max) {
		fprintf(stderr, "e1k-xsk: bad %s: %s (0..%lu)\n", what, s ? s : "(none)", max);
		exit(2);
	}
	return v;
}

static size_t parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > max || !n) {
		fprintf(stderr, "e1k-xsk: bad frame: an even number of hex digits, at most %zu bytes\n",
			max);
		exit(2);
	}
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1) {
			fprintf(stderr, "e1k-xsk: bad frame: not hex at %zu\n", 2 * i);
			exit(2);
		}
		out[i] = (uint8_t)b;
	}
	return n / 2;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i = 3;

	if (argc < 3) {
		usage(stderr);
		exit(2);
	}
	if (!strcmp(argv[1], "rxdrop"))
		o->mode = RXDROP;
	else if (!strcmp(argv[1], "txpush"))
		o->mode = TXPUSH;
	else if (!strcmp(argv[1], "l2fwd"))
		o->mode = L2FWD;
	else {
		fprintf(stderr, "e1k-xsk: unknown mode %s\n", argv[1]);
		usage(stderr);
		exit(2);
	}
	o->ifname = argv[2];
	if (o->mode == TXPUSH) {
		if (argc < 4) {
			fprintf(stderr, "e1k-xsk: txpush needs the frame (hex)\n");
			exit(2);
		}
		o->frame_len = parse_hex(argv[3], o->frame, sizeof(o->frame));
		i = 4;
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--zc")) {
			o->bind_flags |= XDP_ZEROCOPY;
			continue;
		}
		if (!strcmp(a, "--copy")) {
			o->bind_flags |= XDP_COPY;
			continue;
		}
		if (!strcmp(a, "--wakeup")) {
			o->bind_flags |= XDP_USE_NEED_WAKEUP;
			continue;
		}
		if (!strcmp(a, "--control")) {
			o->control = true;
			continue;
		}
		if (!strcmp(a, "--no-wakeup")) {
			o->bind_flags &= (uint16_t)~XDP_USE_NEED_WAKEUP;
			continue;
		}
		if (!strcmp(a, "--queue"))
			o->queue = (uint32_t)parse_num(v, 255, a);
		else if (!strcmp(a, "--frame-size"))
			o->frame_size = (uint32_t)parse_num(v, 65536, a);
		else if (!strcmp(a, "--frames"))
			o->frames = (uint32_t)parse_num(v, 1 << 20, a);
		else if (!strcmp(a, "--map"))
			o->map = v;
		else if (!strcmp(a, "--count"))
			o->count = parse_num(v, 1UL << 40, a);
		else if (!strcmp(a, "--timeout"))
			o->timeout_ms = (long)parse_num(v, 3600000, a);
		else if (!strcmp(a, "--expect")) {
			if (o->mode == TXPUSH || !v) {
				fprintf(stderr, "e1k-xsk: --expect HEX is for rxdrop and l2fwd\n");
				exit(2);
			}
			o->frame_len = parse_hex(v, o->frame, sizeof(o->frame));
			o->expect = true;
		} else if (!strcmp(a, "--seq-offset"))
			o->seq_offset = (long)parse_num(v, MAX_FRAME - 4, a);
		else if (!strcmp(a, "--rate"))
			o->rate = parse_num(v, 100000000, a);
		else if (!strcmp(a, "--batch"))
			o->batch = (uint32_t)parse_num(v, 4096, a);
		else {
			fprintf(stderr, "e1k-xsk: unknown option %s\n", a);
			usage(stderr);
			exit(2);
		}
		if (!v) {
			fprintf(stderr, "e1k-xsk: %s needs a value\n", a);
			exit(2);
		}
		i++;
	}
	if (!o->batch || o->frames < 2 * o->batch) {
		fprintf(stderr, "e1k-xsk: --frames must be at least twice --batch (and --batch > 0)\n");
		exit(2);
	}
	if (o->seq_offset >= 0 && o->frame_len &&
	    (size_t)o->seq_offset + 4 > o->frame_len) {
		fprintf(stderr, "e1k-xsk: --seq-offset past the frame's end\n");
		exit(2);
	}
	if (o->control && o->mode != TXPUSH) {
		fprintf(stderr, "e1k-xsk: --control is for txpush\n");
		exit(2);
	}
	if (o->map && o->mode == TXPUSH) {
		fprintf(stderr, "e1k-xsk: txpush receives nothing: no --map\n");
		exit(2);
	}
}

/* The fd of the map NAME used by the XDP program attached to IFINDEX. */
static int find_map(int ifindex, const char *name)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), prog_id = 0, ids[64], i;
	int prog_fd, fd;

	if (bpf_xdp_query_id(ifindex, 0, &prog_id) || !prog_id) {
		fprintf(stderr, "e1k-xsk: no XDP program on the interface\n");
		return -1;
	}
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0) {
		fprintf(stderr, "e1k-xsk: XDP program %u: %s\n", prog_id, strerror(errno));
		return -1;
	}
	info.nr_map_ids = 64;
	info.map_ids = (uint64_t)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		fprintf(stderr, "e1k-xsk: XDP program %u: %s\n", prog_id, strerror(errno));
		close(prog_fd);
		return -1;
	}
	close(prog_fd);
	for (i = 0; i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info mi = {};
		uint32_t mlen = sizeof(mi);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, name))
			return fd;
		close(fd);
	}
	fprintf(stderr, "e1k-xsk: the XDP program has no map %s\n", name);
	return -1;
}

static int sock_setup(struct sock *s, const struct opts *o)
{
	struct xsk_umem_config uc = {
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = o->frame_size,
		.frame_headroom = 0,
	};
	struct xsk_socket_config sc = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		/* The tests attach their own program (tests/bpf, mode xsk). */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = o->bind_flags,
	};
	uint64_t size = (uint64_t)o->frame_size * o->frames;
	uint32_t i;
	int err;

	s->area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		fprintf(stderr, "e1k-xsk: UMEM of %llu bytes: %s\n",
			(unsigned long long)size, strerror(errno));
		return -1;
	}
	err = xsk_umem__create(&s->umem, s->area, size, &s->fq, &s->cq, &uc);
	if (err) {
		fprintf(stderr, "e1k-xsk: UMEM (%u frames of %u bytes): %s\n",
			o->frames, o->frame_size, strerror(-err));
		return -1;
	}
	err = xsk_socket__create(&s->xsk, o->ifname, o->queue, s->umem, &s->rx,
				 &s->tx, &sc);
	if (err) {
		fprintf(stderr, "e1k-xsk: bind %s queue %u: %s\n", o->ifname,
			o->queue, strerror(-err));
		return -1;
	}
	s->fd = xsk_socket__fd(s->xsk);
	s->free_addrs = calloc(o->frames, sizeof(*s->free_addrs));
	if (!s->free_addrs) {
		fprintf(stderr, "e1k-xsk: out of memory\n");
		return -1;
	}
	for (i = 0; i < o->frames; i++)
		s->free_addrs[s->nfree++] = (uint64_t)i * o->frame_size;
	return 0;
}

static void sock_teardown(struct sock *s)
{
	if (s->xsk)
		xsk_socket__delete(s->xsk);
	if (s->umem)
		xsk_umem__delete(s->umem);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Tell the kernel there is work (tx frames, or fill ring entries). */
static void kick(struct sock *s)
{
	if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
	    errno != ENETDOWN && errno != EINTR) {
		fprintf(stderr, "e1k-xsk: sendto: %s\n", strerror(errno));
		exit(1);
	}
}

/* Post free frames on the fill ring, up to @max. */
static void fill(struct sock *s, uint32_t max)
{
	uint32_t n = s->nfree < max ? s->nfree : max, idx, i;

	if (!n)
		return;
	n = xsk_ring_prod__reserve(&s->fq, n, &idx);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fq, idx + i) = s->free_addrs[--s->nfree];
	xsk_ring_prod__submit(&s->fq, n);
}

/* Frames the kernel is done sending: free again. */
static void complete(struct sock *s, uint32_t batch)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&s->cq, batch, &idx);
	for (i = 0; i < n; i++)
		s->free_addrs[s->nfree++] =
			xsk_umem__extract_addr(*xsk_ring_cons__comp_addr(&s->cq, idx + i));
	xsk_ring_cons__release(&s->cq, n);
	s->done_n += n;
}

static void put_seq(uint8_t *p, uint32_t seq)
{
	p[0] = (uint8_t)(seq >> 24);
	p[1] = (uint8_t)(seq >> 16);
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
}

/* Is frame @p of @len the expected one (number @seq, if numbered)? */
static bool frame_ok(const struct opts *o, const uint8_t *p, uint32_t len,
		     unsigned long seq)
{
	uint8_t want[4];

	if (o->seq_offset >= 0) {
		if (len < (uint32_t)o->seq_offset + 4)
			return false;
		put_seq(want, (uint32_t)seq);
		if (memcmp(p + o->seq_offset, want, 4))
			return false;
	}
	if (!o->expect)
		return true;
	if (len != o->frame_len)
		return false;
	if (o->seq_offset < 0)
		return !memcmp(p, o->frame, len);
	return !memcmp(p, o->frame, (size_t)o->seq_offset) &&
	       !memcmp(p + o->seq_offset + 4, o->frame + o->seq_offset + 4,
		       len - (size_t)o->seq_offset - 4);
}

/*
 * The counts, and the socket's own account of what it lost
 * (XDP_STATISTICS): frames the kernel dropped for it (its rx ring full, or
 * otherwise) and the times the driver found its fill ring empty. A kernel
 * that will not say gets "?" there, not zeros, and the reason on stderr:
 * a loss nobody could count must not read as none. False then.
 */
static bool print_counts(const struct sock *s, const struct opts *o, double secs)
{
	struct xdp_statistics st = {};
	socklen_t len = sizeof(st);
	bool known = !getsockopt(s->fd, SOL_XDP, XDP_STATISTICS, &st, &len);

	if (!known)
		fprintf(stderr, "e1k-xsk: XDP_STATISTICS: %s\n", strerror(errno));
	printf("rx %lu tx %lu bad %lu secs %.3f ", s->rx_n,
	       o->mode == TXPUSH ? s->done_n : s->tx_n, s->bad, secs);
	if (known)
		printf("dropped %llu rx_ring_full %llu fill_empty %llu\n",
		       (unsigned long long)st.rx_dropped,
		       (unsigned long long)st.rx_ring_full,
		       (unsigned long long)st.rx_fill_ring_empty_descs);
	else
		printf("dropped ? rx_ring_full ? fill_empty ?\n");
	fflush(stdout);
	return known;
}

/* Between batches: the signals' requests. True: stop now. */
static bool signalled(const struct sock *s, const struct opts *o, double start)
{
	if (want_counts) {
		want_counts = 0;
		print_counts(s, o, now_s() - start);
	}
	return want_stop;
}

static void swap_macs(uint8_t *p)
{
	uint8_t tmp[6];

	memcpy(tmp, p, 6);
	memcpy(p, p + 6, 6);
	memcpy(p + 6, tmp, 6);
}

/* The frames in flight: completed, within 1 s (a run's end, a window's). */
static void drain_tx(struct sock *s, const struct opts *o)
{
	double deadline = now_s() + 1;

	while (s->done_n < s->tx_n && now_s() < deadline) {
		complete(s, o->batch);
		kick(s);
	}
}

/*
 * txpush and l2fwd, at their end: what they sent may still be in flight
 * (stopped by a signal or the timeout, or the last frames forwarded just
 * now). It must complete within 1 s, or the port lost it.
 */
static bool tx_all_done(struct sock *s, const struct opts *o)
{
	drain_tx(s, o);
	if (s->done_n == s->tx_n)
		return true;
	fprintf(stderr, "e1k-xsk: %lu frames sent, %lu completed\n", s->tx_n,
		s->done_n);
	return false;
}

/* rxdrop and l2fwd: until --count frames or the timeout. */
static bool run_rx(struct sock *s, const struct opts *o, double start,
		   double deadline)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	fill(s, XSK_RING_PROD__DEFAULT_NUM_DESCS);
	while (!o->count || s->rx_n < o->count) {
		uint32_t idx_rx, idx_tx = 0, n, i;

		if (signalled(s, o, start))
			break;

		if (o->mode == L2FWD)
			complete(s, o->batch);
		fill(s, o->batch);
		n = xsk_ring_cons__peek(&s->rx, o->batch, &idx_rx);
		if (!n) {
			if (now_s() > deadline)
				break;
			/* Sleeps until frames come; with need-wakeup, also
			 * wakes the driver (to fill the rx ring, to send).
			 */
			poll(&pfd, 1, 10);
			continue;
		}
		if (o->mode == L2FWD) {
			while (xsk_ring_prod__reserve(&s->tx, n, &idx_tx) != n) {
				complete(s, o->batch);
				kick(s);
				if (now_s() > deadline)
					return false;
			}
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx_rx + i);
			uint64_t addr = xsk_umem__add_offset_to_addr(d->addr);
			uint8_t *p = xsk_umem__get_data(s->area, addr);

			if (!frame_ok(o, p, d->len, s->rx_n))
				s->bad++;
			s->rx_n++;
			if (o->mode == L2FWD) {
				struct xdp_desc *t = xsk_ring_prod__tx_desc(&s->tx, idx_tx + i);

				swap_macs(p);
				t->addr = d->addr;
				t->len = d->len;
			} else {
				s->free_addrs[s->nfree++] = xsk_umem__extract_addr(d->addr);
			}
		}
		xsk_ring_cons__release(&s->rx, n);
		if (o->mode == L2FWD) {
			xsk_ring_prod__submit(&s->tx, n);
			s->tx_n += n;
			if (!(o->bind_flags & XDP_USE_NEED_WAKEUP) ||
			    xsk_ring_prod__needs_wakeup(&s->tx))
				kick(s);
		}
	}
	/* l2fwd: what was forwarded must also have left. */
	if (o->mode == L2FWD && !tx_all_done(s, o))
		return false;
	return !o->count || s->rx_n >= o->count;
}

/* txpush: --count frames, each completed. */
static bool run_tx(struct sock *s, const struct opts *o, double start,
		   double deadline)
{
	unsigned long left;
	uint32_t i;

	while (!o->count || s->done_n < o->count) {
		uint32_t n = o->batch, idx;

		complete(s, o->batch);
		if (signalled(s, o, start) || now_s() > deadline)
			return !o->count;
		left = o->count ? o->count - s->tx_n : o->batch;
		if (o->rate) {
			/* Frames due by now, at --rate: frame i at i / rate. */
			double due = (now_s() - start) * (double)o->rate + 1;

			if ((double)s->tx_n + 1 > due) {
				/* Sleep to the next frame's time (at most 0.1 s,
				 * for the signals): a paced run leaves the CPU
				 * idle between frames.
				 */
				double wait = ((double)s->tx_n + 1 - due) / (double)o->rate;
				struct timespec ts = { 0, (long)((wait < 0.1 ? wait : 0.1) * 1e9) };

				nanosleep(&ts, NULL);
				continue;
			}
			if ((double)s->tx_n + n > due)
				n = (uint32_t)(due - (double)s->tx_n);
		}
		if (n > left)
			n = (uint32_t)left;
		if (n > s->nfree)
			n = s->nfree;
		if (n)
			n = xsk_ring_prod__reserve(&s->tx, n, &idx);
		for (i = 0; i < n; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx + i);
			uint64_t addr = s->free_addrs[--s->nfree];
			uint8_t *p = xsk_umem__get_data(s->area, addr);

			memcpy(p, o->frame, o->frame_len);
			if (o->seq_offset >= 0)
				put_seq(p + o->seq_offset, (uint32_t)(s->tx_n + i));
			d->addr = addr;
			d->len = (uint32_t)o->frame_len;
		}
		if (n) {
			xsk_ring_prod__submit(&s->tx, n);
			s->tx_n += n;
		} else if (s->tx_n == s->done_n) {
			continue;	/* nothing queued, nothing in flight */
		}
		/* Copy mode sends only during a kick; zero-copy asks for one
		 * when its NAPI will not come by itself.
		 */
		if (!(o->bind_flags & XDP_USE_NEED_WAKEUP) ||
		    xsk_ring_prod__needs_wakeup(&s->tx))
			kick(s);
	}
	return true;
}

/* txpush --control: a window a "send RATE MS" line, until end of input. */
static bool run_control(struct sock *s, struct opts *o)
{
	char line[128];

	for (;;) {
		unsigned long rate, ms;
		double start, secs;

		if (!fgets(line, sizeof(line), stdin)) {
			/* A signal (no SA_RESTART) interrupts the read. */
			if (ferror(stdin) && errno == EINTR && !want_stop) {
				clearerr(stdin);
				signalled(s, o, now_s());
				continue;
			}
			return !ferror(stdin);
		}
		if (sscanf(line, "send %lu %lu", &rate, &ms) != 2 ||
		    rate > 100000000 || ms > 3600000) {
			fprintf(stderr, "e1k-xsk: bad command (send RATE MS): %s", line);
			return false;
		}
		o->rate = rate;
		s->tx_n = 0;
		s->done_n = 0;
		start = now_s();
		run_tx(s, o, start, start + (double)ms / 1e3);
		secs = now_s() - start;
		drain_tx(s, o);
		if (!print_counts(s, o, secs))
			return false;
		if (want_stop)
			return true;
	}
}

int main(int argc, char **argv)
{
	struct opts o = {
		.bind_flags = XDP_USE_NEED_WAKEUP,
		.frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE,
		.frames = 4096,
		.timeout_ms = 10000,
		.seq_offset = -1,
		.batch = 64,
	};
	struct xdp_options xo = {};
	socklen_t xol = sizeof(xo);
	struct sock s = {};
	double start;
	bool ok;
	int ifindex;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	parse_args(argc, argv, &o);
	/* Before "bound" is printed: whoever waits for that line may signal
	 * at once (the bench asks for counts with SIGUSR1). A stop asked for
	 * during the setup is seen by the first batch.
	 */
	signals_on();
	if ((o.bind_flags & XDP_ZEROCOPY) && (o.bind_flags & XDP_COPY)) {
		fprintf(stderr, "e1k-xsk: --zc or --copy, not both\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "e1k-xsk: no interface %s\n", o.ifname);
		return 2;
	}
	if (sock_setup(&s, &o))
		goto fail;
	if (o.map) {
		int map_fd = find_map(ifindex, o.map);
		int err;

		if (map_fd < 0)
			goto fail;
		err = xsk_socket__update_xskmap(s.xsk, map_fd);
		if (err) {
			fprintf(stderr, "e1k-xsk: socket into map %s: %s\n", o.map,
				strerror(-err));
			goto fail;
		}
	}
	if (getsockopt(s.fd, SOL_XDP, XDP_OPTIONS, &xo, &xol)) {
		fprintf(stderr, "e1k-xsk: XDP_OPTIONS: %s\n", strerror(errno));
		goto fail;
	}
	/* txpush receives nothing itself, but in zero-copy mode its UMEM is
	 * what the queue receives into: with an empty fill ring the port
	 * would take no frame, for the stack either, while the socket is
	 * bound. Frames the stack gets are copied out, and their UMEM frames
	 * go back to the pool, so a ring's worth keeps reception going.
	 */
	if (o.mode == TXPUSH)
		fill(&s, o.frames / 4 < TXPUSH_RX_FRAMES ? o.frames / 4 : TXPUSH_RX_FRAMES);
	fprintf(stderr, "bound %s queue %u %s\n", o.ifname, o.queue,
		xo.flags & XDP_OPTIONS_ZEROCOPY ? "zerocopy" : "copy");
	start = now_s();
	if (o.control) {
		ok = run_control(&s, &o);
		sock_teardown(&s);
		return ok && !s.bad ? 0 : 1;
	}
	ok = o.mode == TXPUSH ?
		run_tx(&s, &o, start, start + (double)o.timeout_ms / 1e3) &&
		tx_all_done(&s, &o) :
		run_rx(&s, &o, start, start + (double)o.timeout_ms / 1e3);
	if (!print_counts(&s, &o, now_s() - start))
		ok = false;
	sock_teardown(&s);
	return ok && !s.bad ? 0 : 1;
fail:
	sock_teardown(&s);
	return 2;
}
