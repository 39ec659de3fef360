// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only XDP programs for the native-XDP matrix (tests/vm/t_xdp.sh).
 * One source, one object per behaviour: the Makefile builds it once per
 * T_MODE. Each acts only on IPv4 UDP frames to port T_PORT (the tests'
 * traffic) and passes everything else, so ARP and ND keep working; "pass"
 * passes everything and "pass_decap" strips an outer header.
 *
 * Built with T_FRAGS (xdp_t_mb_*.bpf.o) they are multi-buffer programs,
 * SEC("xdp.frags"): a frame longer than one rx buffer comes as a head plus
 * frags, the headers in the head (direct access sees the head only), and
 * what reaches past it goes through bpf_xdp_get_buff_len, _load_bytes
 * and _store_bytes, so the matrix (tests/vm/t_xdp_mb.sh) checks those on
 * frames that span buffers.
 *
 * Frames these programs send back are valid: lengths and the IPv4 header
 * checksum are rewritten, the UDP checksum is set to 0 ("none", legal on
 * IPv4), so the peer can compare them byte for byte with what e1k-pkt build
 * produces with --udp-csum0.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifdef T_FRAGS
#define T_SEC "xdp.frags"
#else
#define T_SEC "xdp"
#endif

/* Each mode uses only some helpers: the others are unused on purpose. */
#define T_INLINE static inline __attribute__((always_inline, unused))

#define T_PORT 9999
#define T_HDRS (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
#define T_FILL 0xab
#define T_ETH_P_ENCAP 0x88b5	/* IEEE local experimental ethertype */

/* How many bytes each resizing mode adds or removes. */
#define T_HEAD_SHRINK_BY 8
#define T_HEAD_GROW_BY 16
#define T_TAIL_SHRINK_BY 8
#define T_TAIL_GROW_BY 16

/* The redirect target, set by the test with `bpftool map update name`. Not
 * pinned: the kernel adds BPF_F_RDONLY_PROG to every devmap, and libbpf 1.1
 * then refuses to reuse the pin ("parameter mismatch") on the next load. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} t_devmap SEC(".maps");

#ifdef T_MODE_REDIRECT_CPU
/* A CPU map: entry 0 (set by the test: CPU 0, with its queue size) turns
 * redirected frames into skbs for the stack on that CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} t_cpumap SEC(".maps");
#endif

#ifdef T_MODE_XSK
/* The AF_XDP sockets, by queue: e1k-xsk --map t_xsks puts its socket in
 * at its queue's index. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} t_xsks SEC(".maps");
#endif

/* Verdict counts, so a test can tell "the program ran" from "it did not". */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} t_verdicts SEC(".maps");

T_INLINE int verdict(int v)
{
	__u32 k = (__u32)v;
	__u64 *n = bpf_map_lookup_elem(&t_verdicts, &k);

	if (n)
		*n += 1;
	return v;
}

/* Our test traffic: IPv4, no options, UDP to T_PORT, headers in bounds. */
T_INLINE int is_test_udp(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)ip + sizeof(*ip);

	if ((void *)(udp + 1) > data_end)
		return 0;
	return eth->h_proto == bpf_htons(ETH_P_IP) && ip->ihl == 5 &&
	       ip->protocol == IPPROTO_UDP && udp->dest == bpf_htons(T_PORT);
}

T_INLINE void swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/* The whole frame's length: with frags, beyond data_end. */
T_INLINE __u32 frame_len(struct xdp_md *ctx)
{
#ifdef T_FRAGS
	return (__u32)bpf_xdp_get_buff_len(ctx);
#else
	return ctx->data_end - ctx->data;
#endif
}

/* Rewrite IPv4/UDP lengths for the frame's current size; UDP csum 0. */
T_INLINE int fix_lengths(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct udphdr *udp = (void *)ip + sizeof(*ip);
	__u32 ip_len = frame_len(ctx) - (__u32)sizeof(struct ethhdr);
	__u32 sum = 0;
	__u16 *w = (__u16 *)ip;

	if ((void *)(udp + 1) > data_end)
		return -1;
	ip->tot_len = bpf_htons((__u16)ip_len);
	udp->len = bpf_htons((__u16)(ip_len - sizeof(*ip)));
	udp->check = 0;
	ip->check = 0;
#pragma unroll
	for (int i = 0; i < (int)sizeof(*ip) / 2; i++)
		sum += w[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip->check = (__u16)~sum;
	return 0;
}

/* Copy the Ethernet+IPv4+UDP header block from offset @from to @to. */
T_INLINE int move_headers(struct xdp_md *ctx, const __u32 from,
					const __u32 to)
{
#ifdef T_FRAGS
	/* Through the helpers, which take any offset in the frame. */
	__u8 tmp[T_HDRS];

	if (bpf_xdp_load_bytes(ctx, from, tmp, T_HDRS))
		return -1;
	return bpf_xdp_store_bytes(ctx, to, tmp, T_HDRS) ? -1 : 0;
#else
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *src = data + from, *dst = data + to;
	__u8 tmp[T_HDRS];

	if ((void *)(src + T_HDRS) > data_end || (void *)(dst + T_HDRS) > data_end)
		return -1;
	/* Through a buffer: the two ranges overlap. */
	__builtin_memcpy(tmp, src, T_HDRS);
	__builtin_memcpy(dst, tmp, T_HDRS);
	return 0;
#endif
}

T_INLINE int tx_back(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + sizeof(struct ethhdr) > data_end || fix_lengths(ctx))
		return verdict(XDP_ABORTED);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(struct ethhdr) > data_end)
		return verdict(XDP_ABORTED);
	swap_macs(data);
	return verdict(XDP_TX);
}

/* Fill @n bytes at offset @off with T_FILL (n a compile-time constant). */
T_INLINE int fill(struct xdp_md *ctx, __u32 off, const int n)
{
#ifdef T_FRAGS
	/* Wherever @off is, head or a frag: bpf_xdp_store_bytes. */
	__u8 buf[n];

	__builtin_memset(buf, T_FILL, n);
	return bpf_xdp_store_bytes(ctx, off, buf, n) ? -1 : 0;
#else
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p;

	off &= 0x3fff;	/* bounded for the verifier; frames are < 16 KiB */
	p = data + off;
	if ((void *)(p + n) > data_end)
		return -1;
#pragma unroll
	for (int i = 0; i < n; i++)
		p[i] = T_FILL;
	return 0;
#endif
}

SEC(T_SEC)
int xdp_t(struct xdp_md *ctx)
{
#if defined(T_MODE_PASS)
	return verdict(XDP_PASS);
}
#else
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

#if defined(T_MODE_PASS_DECAP)
	/* A frame with an outer header [eth type 0x88b5] in front of a whole
	 * inner frame: strip the outer 14 bytes and let the stack have it. */
	struct ethhdr *outer = data;

	if ((void *)(outer + 1) > data_end ||
	    outer->h_proto != bpf_htons(T_ETH_P_ENCAP))
		return verdict(XDP_PASS);
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(*outer)))
		return verdict(XDP_ABORTED);
	return verdict(XDP_PASS);
#else
	if (!is_test_udp(data, data_end))
		return verdict(XDP_PASS);
#endif

#if defined(T_MODE_DROP)
	return verdict(XDP_DROP);
#elif defined(T_MODE_ABORTED)
	return verdict(XDP_ABORTED);
#elif defined(T_MODE_TX)
	/* Only the MACs change: the frame goes back byte for byte otherwise,
	 * Ethernet padding included. */
	swap_macs(data);
	return verdict(XDP_TX);
#elif defined(T_MODE_REDIRECT)
	return verdict(bpf_redirect_map(&t_devmap, 0, 0));
#elif defined(T_MODE_XSK)
	/* To the queue's socket; with none there, to the stack. */
	return verdict(bpf_redirect_map(&t_xsks, ctx->rx_queue_index, XDP_PASS));
#elif defined(T_MODE_REDIRECT_CPU)
	return verdict(bpf_redirect_map(&t_cpumap, 0, 0));
#elif defined(T_MODE_HEAD_SHRINK)
	/* Drop the first bytes of the UDP payload: the headers move down over
	 * them, then the frame start moves to where the headers now begin. */
	if (move_headers(ctx, 0, T_HEAD_SHRINK_BY) ||
	    bpf_xdp_adjust_head(ctx, T_HEAD_SHRINK_BY))
		return verdict(XDP_ABORTED);
	return tx_back(ctx);
#elif defined(T_MODE_HEAD_GROW)
	/* Insert T_HEAD_GROW_BY fill bytes in front of the UDP payload. */
	if (bpf_xdp_adjust_head(ctx, -T_HEAD_GROW_BY) ||
	    move_headers(ctx, T_HEAD_GROW_BY, 0) ||
	    fill(ctx, T_HDRS, T_HEAD_GROW_BY))
		return verdict(XDP_ABORTED);
	return tx_back(ctx);
#elif defined(T_MODE_TAIL_SHRINK)
	if (bpf_xdp_adjust_tail(ctx, -T_TAIL_SHRINK_BY))
		return verdict(XDP_ABORTED);
	return tx_back(ctx);
#elif defined(T_MODE_TAIL_GROW) || defined(T_MODE_PASS_TAIL_GROW)
	__u32 len = frame_len(ctx);

	if (bpf_xdp_adjust_tail(ctx, T_TAIL_GROW_BY) ||
	    fill(ctx, len, T_TAIL_GROW_BY))
		return verdict(XDP_ABORTED);
#if defined(T_MODE_TAIL_GROW)
	return tx_back(ctx);
#else
	if (fix_lengths(ctx))
		return verdict(XDP_ABORTED);
	return verdict(XDP_PASS);
#endif
#elif !defined(T_MODE_PASS_DECAP)
#error "define one T_MODE_*"
#endif
}
#endif

char _license[] SEC("license") = "GPL";
