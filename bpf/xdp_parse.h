/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdp_parse.h: the one frame parser of all e1k XDP programs. Every bounds
 * check against data_end lives here; the programs only dereference pointers
 * this parser handed out, for the sizes it checked.
 *
 * e1k_parse() walks Ethernet -> up to E1K_VLAN_MAX VLAN tags -> IPv4 (options
 * skipped) or IPv6 (extension headers walked) -> TCP/UDP/ICMP/ICMPv6, and
 * records what it learned in struct e1k_pkt. It never gives up silently: a
 * frame it cannot fully parse gets a non-zero .unclass reason, and .known
 * says which fields it did see (the filter's conservative mode uses those).
 *
 * Two kinds of limits are checked at every step:
 *  - memory safety: the header lies inside [data, data_end) (verifier);
 *  - consistency: the header lies inside the IP datagram as its length
 *    fields describe it (scalar arithmetic on offsets). A header that the
 *    frame has but the datagram does not is what the kernel would ignore, so
 *    classifying on it would be wrong.
 *
 * Multi-buffer frames (programs loaded with xdp.frags, on a driver that
 * gives a long frame as a head plus frags): direct access reaches the head
 * only, and every header the parser reads must lie in it (e1k_xdp's head is
 * the frame's first 2044 bytes or more, far beyond E1K_PARSE_MAX_OFF); the
 * lengths it checks the headers against are the whole frame's, so a jumbo
 * datagram is complete, not truncated. Headers past the head make the frame
 * unclassified (truncated), as a short frame would.
 */
#ifndef E1K_XDP_PARSE_H
#define E1K_XDP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "e1k_xdp_maps.h"

#define E1K_INLINE static __always_inline

/* e1k_pkt.known: which fields the parser saw. */
#define E1K_K_ETH (1u << 0)   /* the whole EtherType chain (after the tags) */
#define E1K_K_L3 (1u << 1)    /* IP header complete: addresses valid */
#define E1K_K_PROTO (1u << 2) /* upper-layer protocol */
#define E1K_K_L4 (1u << 3)    /* ports (TCP/UDP) or type/code (ICMP/ICMPv6) */

/* e1k_pkt.unclass: why a frame is not fully classified (first reason). */
#define E1K_UC_NONE 0
#define E1K_UC_TRUNC_ETH 1
#define E1K_UC_TRUNC_VLAN 2
#define E1K_UC_VLAN_DEPTH 3
#define E1K_UC_TRUNC_L3 4
#define E1K_UC_BAD_L3 5
#define E1K_UC_FRAG 6
#define E1K_UC_EXT_DEPTH 7
#define E1K_UC_TRUNC_EXT 8
#define E1K_UC_TRUNC_L4 9

/* e1k_pkt.frag */
#define E1K_FRAG_NONE 0
#define E1K_FRAG_FIRST 1 /* offset 0, more fragments follow */
#define E1K_FRAG_LATER 2 /* offset != 0: no L4 header here */

#define E1K_ETH_P_8021Q 0x8100
#define E1K_ETH_P_8021AD 0x88a8
#define E1K_ETH_P_QINQ_OLD 0x9100 /* pre-802.1ad QinQ, still seen */

/* IPv6 extension headers per IANA's list (RFC 7045): everything else after
 * the fixed header is an upper-layer protocol. */
#define E1K_NH_HOP 0
#define E1K_NH_ROUTING 43
#define E1K_NH_FRAGMENT 44
#define E1K_NH_ESP 50
#define E1K_NH_AH 51
#define E1K_NH_NONE 59
#define E1K_NH_DSTOPTS 60
#define E1K_NH_MOBILITY 135
#define E1K_NH_HIP 139
#define E1K_NH_SHIM6 140
#define E1K_NH_EXP1 253
#define E1K_NH_EXP2 254

/* ICMPv4 types used here (linux/icmp.h drags in libc's socket headers). */
#define E1K_ICMP_ECHOREPLY 0
#define E1K_ICMP_ECHO 8

/* The common 4 bytes of ICMP and ICMPv6, then the echo id/sequence. */
struct e1k_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};

struct e1k_vlan_hdr {
	__be16 tci;
	__be16 proto; /* EtherType of what follows the tag */
};

struct e1k_pkt {
	struct ethhdr *eth;      /* set when the Ethernet header is complete */
	void *l3;                /* struct iphdr * / struct ipv6hdr *, with E1K_K_L3 */
	void *l4;                /* upper-layer header, with E1K_K_L4 */
	__u32 len;               /* frame length, frags included */
	__u16 types[E1K_VLAN_MAX + 1]; /* EtherType chain, host order */
	__u8 ntypes;             /* valid entries in types[] */
	__u8 nvlan;              /* VLAN tags walked */
	__u8 family;             /* E1K_FAMILY_* from the L3 EtherType */
	__u8 proto;              /* with E1K_K_PROTO */
	__u8 known;              /* E1K_K_* */
	__u8 unclass;            /* E1K_UC_*; 0 = fully classified */
	__u8 frag;               /* E1K_FRAG_* */
	__u8 l3_extra;           /* IPv4 options / IPv6 extension headers seen */
	__u8 icmp_type;          /* with E1K_K_L4 and proto ICMP / ICMPv6 */
	__u8 icmp_code;
	__u16 sport;             /* host order, with E1K_K_L4 and TCP/UDP */
	__u16 dport;
	__u16 l3_off;            /* offset of the IP header in the frame */
	__u16 l4_len;            /* datagram bytes from the L4 header on */
};

E1K_INLINE int e1k_is_vlan_tpid(__u16 type)
{
	return type == E1K_ETH_P_8021Q || type == E1K_ETH_P_8021AD ||
	       type == E1K_ETH_P_QINQ_OLD;
}

/* IPv6 extension headers e1k_parse walks. ESP and "no next header" end the
 * chain (nothing parseable follows), so they count as upper layers. */
E1K_INLINE int e1k_is_ipv6_ext(__u8 nh)
{
	switch (nh) {
	case E1K_NH_HOP:
	case E1K_NH_ROUTING:
	case E1K_NH_FRAGMENT:
	case E1K_NH_AH:
	case E1K_NH_DSTOPTS:
	case E1K_NH_MOBILITY:
	case E1K_NH_HIP:
	case E1K_NH_SHIM6:
	case E1K_NH_EXP1:
	case E1K_NH_EXP2:
		return 1;
	}
	return 0;
}

E1K_INLINE int e1k_unclass(struct e1k_pkt *p, __u8 why)
{
	if (!p->unclass)
		p->unclass = why;
	return p->unclass;
}

/*
 * e1k_opaque(x) returns x, but the verifier cannot see that: it is a global
 * (non-static, noinline) BPF function, which the verifier checks on its own
 * with unknown arguments and whose result it treats as unknown. That is how
 * we keep verification linear on 6.1: a value that is a known constant on one
 * path and a range on another (the offset after a fixed 8-byte fragment
 * header vs. after a variable-length option header) makes the verifier's
 * states incomparable, and the walk then grows exponentially with the
 * number of headers. Laundered values have the same shape on every path, so
 * state pruning works. The asm keeps the compiler from seeing through it
 * (LLVM would otherwise infer that the result is the argument).
 *
 * Defined here, in a header, so every program has it; weak, so that two
 * units linked into one object (bpftool gen object) share one copy instead
 * of clashing. Weak is still global to the verifier (BTF linkage global).
 */
__attribute__((noinline, weak)) __u64 e1k_opaque(__u64 x)
{
	asm volatile("" : "+r"(x));
	return x;
}

/*
 * Headers must start below E1K_PARSE_MAX_OFF: bounds off (laundered as
 * above) so the pointer data + off has a bounded variable offset.
 */
#define E1K_BOUND_OFF(p, off)                                          \
	do {                                                           \
		(off) = e1k_opaque(off);                               \
		if ((off) > E1K_PARSE_MAX_OFF)                         \
			return e1k_unclass((p), E1K_UC_EXT_DEPTH);     \
	} while (0)

/*
 * The upper-layer header at frame offset off, of protocol p->proto, with
 * avail datagram bytes from off on. Records ports or ICMP type/code.
 */
E1K_INLINE int e1k_parse_l4(struct e1k_pkt *p, void *data, void *data_end,
			    __u32 off, __u32 avail)
{
	__u32 need;

	if (p->proto == IPPROTO_TCP)
		need = sizeof(struct tcphdr);
	else if (p->proto == IPPROTO_UDP)
		need = sizeof(struct udphdr);
	else if ((p->proto == IPPROTO_ICMP && p->family == E1K_FAMILY_IPV4) ||
		 (p->proto == IPPROTO_ICMPV6 && p->family == E1K_FAMILY_IPV6))
		need = 8; /* type, code, checksum, 4 bytes of body: the minimum
			   * the kernel's icmp_rcv/icmpv6_rcv accept */
	else
		return p->unclass; /* no L4 fields for this protocol */

	/* A first fragment must carry the whole L4 header (RFC 1858: tiny
	 * fragments are an attack); a short datagram fails this check too. */
	if (avail < need)
		return e1k_unclass(p, E1K_UC_TRUNC_L4);
	E1K_BOUND_OFF(p, off);
	{
		__u8 *l4 = data + off;

		/* Constant sizes from the same pointer, so the verifier's
		 * range applies to the loads below. */
		if ((void *)(l4 + 8) > data_end)
			return e1k_unclass(p, E1K_UC_TRUNC_L4);
		if (p->proto == IPPROTO_TCP &&
		    (void *)(l4 + sizeof(struct tcphdr)) > data_end)
			return e1k_unclass(p, E1K_UC_TRUNC_L4);
		p->l4 = l4;
		if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
			/* TCP and UDP both start with the two ports. */
			p->sport = ((__u16)l4[0] << 8) | l4[1];
			p->dport = ((__u16)l4[2] << 8) | l4[3];
		} else {
			p->icmp_type = l4[0];
			p->icmp_code = l4[1];
		}
		p->known |= E1K_K_L4;
	}
	return p->unclass;
}

/*
 * IPv4 at frame offset off. Options are skipped (IHL), AH (proto 51) is
 * walked like an IPv6 extension header so it cannot hide the real protocol.
 */
E1K_INLINE int e1k_parse_ipv4(struct e1k_pkt *p, void *data, void *data_end,
			      __u32 off)
{
	struct iphdr *iph = data + off;
	__u32 hlen, tot, frag;

	if ((void *)(iph + 1) > data_end)
		return e1k_unclass(p, E1K_UC_TRUNC_L3);
	if (iph->version != 4 || iph->ihl < 5)
		return e1k_unclass(p, E1K_UC_BAD_L3);
	p->l3 = iph;
	p->l3_off = off;
	p->known |= E1K_K_L3;
	p->proto = iph->protocol;
	p->known |= E1K_K_PROTO;

	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen)
		return e1k_unclass(p, E1K_UC_BAD_L3);
	if (hlen > sizeof(*iph))
		p->l3_extra = 1;
	/* The datagram must be in the frame (Ethernet padding may follow). */
	if (off + tot > p->len)
		e1k_unclass(p, E1K_UC_TRUNC_L3);
	if (off + hlen > p->len)
		return e1k_unclass(p, E1K_UC_TRUNC_L3);

	frag = bpf_ntohs(iph->frag_off);
	if (frag & 0x1fff) {
		p->frag = E1K_FRAG_LATER;
		return e1k_unclass(p, E1K_UC_FRAG);
	}
	if (frag & 0x2000)
		p->frag = E1K_FRAG_FIRST;

	off += hlen;
	tot -= hlen;
	/* At most one AH in transport mode; a second one counts as too deep. */
	if (p->proto == E1K_NH_AH) {
		__u8 *ah;
		__u32 alen;

		E1K_BOUND_OFF(p, off);
		ah = data + off;
		if ((void *)(ah + 8) > data_end || tot < 8) {
			p->known &= ~E1K_K_PROTO;
			return e1k_unclass(p, E1K_UC_TRUNC_EXT);
		}
		alen = ((__u32)ah[1] + 2) * 4;
		if (tot < alen) {
			p->known &= ~E1K_K_PROTO;
			return e1k_unclass(p, E1K_UC_TRUNC_EXT);
		}
		p->proto = ah[0];
		p->l3_extra = 1;
		off += alen;
		tot -= alen;
		if (p->proto == E1K_NH_AH) {
			p->known &= ~E1K_K_PROTO;
			return e1k_unclass(p, E1K_UC_EXT_DEPTH);
		}
	}
	p->l4_len = tot;
	return e1k_parse_l4(p, data, data_end, off, tot);
}

/*
 * IPv6 at frame offset off: the fixed header, then up to E1K_IPV6_MAX_EXT
 * extension headers, then the upper layer.
 */
E1K_INLINE int e1k_parse_ipv6(struct e1k_pkt *p, void *data, void *data_end,
			      __u32 off)
{
	struct ipv6hdr *ip6 = data + off;
	__u32 avail, i;
	__u8 nh;

	if ((void *)(ip6 + 1) > data_end)
		return e1k_unclass(p, E1K_UC_TRUNC_L3);
	if (ip6->version != 6)
		return e1k_unclass(p, E1K_UC_BAD_L3);
	p->l3 = ip6;
	p->l3_off = off;
	p->known |= E1K_K_L3;

	avail = bpf_ntohs(ip6->payload_len);
	off += sizeof(*ip6);
	if (off + avail > p->len)
		e1k_unclass(p, E1K_UC_TRUNC_L3);
	nh = ip6->nexthdr;

	for (i = 0; i < E1K_IPV6_MAX_EXT; i++) {
		__u8 *h;
		__u32 hlen;

		if (!e1k_is_ipv6_ext(nh))
			break;
		E1K_BOUND_OFF(p, off);
		h = data + off;
		/* Every extension header is at least 8 bytes. */
		if ((void *)(h + 8) > data_end || avail < 8)
			return e1k_unclass(p, E1K_UC_TRUNC_EXT);
		if (nh == E1K_NH_FRAGMENT) {
			__u16 fo = ((__u16)h[2] << 8) | h[3];

			hlen = 8;
			if (fo & 0xfff8) {
				/* Later fragment: the protocol is known only
				 * if no further extension header follows. */
				p->frag = E1K_FRAG_LATER;
				p->l3_extra = 1;
				if (!e1k_is_ipv6_ext(h[0])) {
					p->proto = h[0];
					p->known |= E1K_K_PROTO;
				}
				return e1k_unclass(p, E1K_UC_FRAG);
			}
			/* Without a branch: FIRST (1) or NONE (0). */
			p->frag |= fo & 1;
		} else if (nh == E1K_NH_AH) {
			hlen = ((__u32)h[1] + 2) * 4;
		} else {
			hlen = ((__u32)h[1] + 1) * 8;
		}
		if (avail < hlen)
			return e1k_unclass(p, E1K_UC_TRUNC_EXT);
		p->l3_extra = 1;
		nh = h[0];
		off += hlen;
		avail -= hlen;
	}
	if (e1k_is_ipv6_ext(nh))
		return e1k_unclass(p, E1K_UC_EXT_DEPTH);
	p->proto = nh;
	p->known |= E1K_K_PROTO;
	p->l4_len = avail;
	return e1k_parse_l4(p, data, data_end, off, avail);
}

/*
 * Parse the frame in ctx into *p. Returns p->unclass: 0 when every header
 * the frame announces was present and consistent.
 */
E1K_INLINE int e1k_parse(struct xdp_md *ctx, struct e1k_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__u16 type;
	int i;

	__builtin_memset(p, 0, sizeof(*p));
	p->len = (__u32)bpf_xdp_get_buff_len(ctx);
	if ((void *)(eth + 1) > data_end)
		return e1k_unclass(p, E1K_UC_TRUNC_ETH);
	p->eth = eth;
	type = bpf_ntohs(eth->h_proto);
	p->types[0] = type;
	p->ntypes = 1;

#pragma unroll
	for (i = 0; i < E1K_VLAN_MAX; i++) {
		struct e1k_vlan_hdr *vh;

		if (!e1k_is_vlan_tpid(type))
			break;
		vh = data + off;
		if ((void *)(vh + 1) > data_end)
			return e1k_unclass(p, E1K_UC_TRUNC_VLAN);
		type = bpf_ntohs(vh->proto);
		p->types[i + 1] = type;
		p->ntypes = i + 2;
		p->nvlan = i + 1;
		off += sizeof(*vh);
	}
	if (e1k_is_vlan_tpid(type))
		return e1k_unclass(p, E1K_UC_VLAN_DEPTH);
	p->known |= E1K_K_ETH;

	if (type == ETH_P_IP) {
		p->family = E1K_FAMILY_IPV4;
		return e1k_parse_ipv4(p, data, data_end, off);
	}
	if (type == ETH_P_IPV6) {
		p->family = E1K_FAMILY_IPV6;
		return e1k_parse_ipv6(p, data, data_end, off);
	}
	return 0; /* ARP or anything else: classified by its EtherType */
}

/*
 * The scalar results of e1k_parse packed into two words, for passing to a
 * global BPF function (which takes at most five scalar or pointer
 * arguments), and unpacked again inside it. Only scalars: the pointers in
 * e1k_pkt are not valid outside the function that parsed.
 */
_Static_assert(E1K_VLAN_MAX == 2, "e1k_pkt_pack packs three EtherTypes");

struct e1k_pkt_words {
	__u64 a, b;
};

E1K_INLINE void e1k_pkt_pack(const struct e1k_pkt *p, struct e1k_pkt_words *w)
{
	w->a = (__u64)p->types[0] | (__u64)p->types[1] << 16 |
	       (__u64)p->types[2] << 32 | (__u64)p->ntypes << 48 |
	       (__u64)p->known << 56;
	w->b = (__u64)p->sport | (__u64)p->dport << 16 |
	       (__u64)p->icmp_type << 32 | (__u64)p->icmp_code << 40 |
	       (__u64)p->family << 48 | (__u64)p->proto << 56;
}

/* Only the scalar fields of q are set (no pointers, lengths, offsets). */
E1K_INLINE void e1k_pkt_unpack(struct e1k_pkt *q, __u64 a, __u64 b)
{
	q->types[0] = a;
	q->types[1] = a >> 16;
	q->types[2] = a >> 32;
	q->ntypes = a >> 48;
	q->known = a >> 56;
	q->sport = b;
	q->dport = b >> 16;
	q->icmp_type = b >> 32;
	q->icmp_code = b >> 40;
	q->family = b >> 48;
	q->proto = b >> 56;
}

/* Just the Ethernet header (for programs that need nothing else). */
E1K_INLINE struct ethhdr *e1k_parse_eth_only(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return 0;
	return eth;
}

/* Swap source and destination MAC: a frame sent back where it came from. */
E1K_INLINE void e1k_swap_mac(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
}

/* Per-CPU stats by action, shared shape for every program. */
#define E1K_STATS_MAP(name)                                     \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);        \
		__uint(max_entries, E1K_STATS_ENTRIES);         \
		__type(key, __u32);                             \
		__type(value, struct e1k_stats);                \
		__uint(pinning, LIBBPF_PIN_BY_NAME);            \
	} name SEC(".maps")

/* Count the frame under @action and return @action. Its bytes are the
 * whole frame's, frags included. */
E1K_INLINE int e1k_count(struct xdp_md *ctx, void *map, __u32 action)
{
	struct e1k_stats *s = bpf_map_lookup_elem(map, &action);

	if (s) {
		/* Per-CPU slot, and XDP does not migrate mid-program: plain
		 * adds are enough. */
		s->packets++;
		s->bytes += bpf_xdp_get_buff_len(ctx);
	}
	return action;
}

#endif /* E1K_XDP_PARSE_H */
