// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_icmp_echo: answer ICMPv4 / ICMPv6 echo requests from XDP with XDP_TX,
 * so the stack never sees them. Behaviour and configuration: see the
 * reflector section of e1k_xdp_maps.h. In short: MACs and IP addresses are
 * swapped, the type becomes echo reply, TTL / hop limit are reset, checksums
 * are updated incrementally (RFC 1624), VLAN tags stay. It answers only a
 * valid request to an address of the receiving interface (listed in the
 * address maps); anything else goes to the stack untouched.
 */
#include "xdp_parse.h"

E1K_STATS_MAP(e1k_echo_stats);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, E1K_ECHO_CFG_ENTRIES);
	__type(key, __u32); /* ifindex; 0 = any interface */
	__type(value, struct e1k_echo_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_echo_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, E1K_ECHO_ADDR_ENTRIES);
	__type(key, struct e1k_echo_key4);
	__type(value, __u32); /* prefix length */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_echo_addr4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, E1K_ECHO_ADDR_ENTRIES);
	__type(key, struct e1k_echo_key6);
	__type(value, __u32); /* prefix length */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_echo_addr6 SEC(".maps");

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word m changed to
 * m'. Works on the words as stored in the packet: a one's complement sum is
 * the same in either byte order, so nothing is swapped.
 */
E1K_INLINE __u16 e1k_csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u32)(__u16)~check + (__u16)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * The 32-bit one's complement sum of the @len bytes at @off in the frame (an
 * odd last byte padded with zero), or -1 when they are not all in the frame
 * or @len exceeds E1K_ECHO_MAX_MSG. Words are summed as stored: the sum's
 * byte order does not matter for the "folds to 0xffff" test.
 *
 * A global function, so the verifier walks its loop once, with unknown
 * arguments, rather than once per parser outcome of the caller.
 */
#define E1K_SUM_OFF_MASK 0xfff
_Static_assert(E1K_PARSE_MAX_OFF + 64 + E1K_ECHO_MAX_MSG <= E1K_SUM_OFF_MASK,
	       "the checksummed bytes lie below the offset mask");

__attribute__((noinline)) int e1k_sum_bytes(struct xdp_md *ctx, __u32 off,
					    __u32 len)
{
	void *data, *end;
	__u32 sum = 0, i, o;
	__u8 *b;

	if (!ctx || len > E1K_ECHO_MAX_MSG || off > E1K_PARSE_MAX_OFF + 64)
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	for (i = 0; i < E1K_ECHO_MAX_MSG / 2; i++) {
		if (2 * i + 2 > len)
			break;
		/* The verifier needs the offset's bound in the register; hide
		 * the range from the compiler so the mask stays (it changes
		 * nothing: off + len is far below it). */
		o = off + 2 * i;
		asm volatile("" : "+r"(o));
		b = data + (o & E1K_SUM_OFF_MASK);
		if ((void *)(b + 2) > end)
			return -1;
		sum += *(__u16 *)b;
	}
	if (len & 1) {
		o = off + len - 1;
		asm volatile("" : "+r"(o));
		b = data + (o & E1K_SUM_OFF_MASK);
		if ((void *)(b + 1) > end)
			return -1;
		sum += *b; /* the byte first in memory is the low one of a load */
	}
	return (int)sum;
}

E1K_INLINE int e1k_sum_is_ok(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* An address we may answer from and to: not 0/8, 127/8, multicast, class E
 * or broadcast (the kernel drops or handles those itself). */
E1K_INLINE int e1k_ip4_unicast(__be32 a)
{
	__u8 top = bpf_ntohl(a) >> 24;

	return top != 0 && top != 127 && top < 224;
}

/* Not multicast, ::, ::1 or IPv4-mapped (ipv6_rcv drops mapped sources). */
E1K_INLINE int e1k_ip6_unicast(const struct in6_addr *a)
{
	if (a->s6_addr[0] == 0xff)
		return 0;
	if (a->s6_addr32[0] | a->s6_addr32[1] | a->s6_addr16[4])
		return 1;
	if (a->s6_addr16[5] == 0xffff)
		return 0;
	if (a->s6_addr16[5])
		return 1; /* IPv4-compatible: deprecated but unicast */
	return a->s6_addr32[3] != 0 && a->s6_addr32[3] != bpf_htonl(1);
}

E1K_INLINE int e1k_mac_eq(const __u8 *a, const __u8 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
		 (a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5]));
}

/* The prefix length listed for address @a of interface @ifindex, 0 if it
 * is not one of the interface's. */
E1K_INLINE __u32 e1k_owned4(__u32 ifindex, __be32 a)
{
	struct e1k_echo_key4 k = { .ifindex = ifindex };
	__u32 *plen;

	__builtin_memcpy(k.addr, &a, sizeof(k.addr));
	plen = bpf_map_lookup_elem(&e1k_echo_addr4, &k);
	return plen ? *plen : 0;
}

E1K_INLINE __u32 e1k_owned6(__u32 ifindex, const struct in6_addr *a)
{
	struct e1k_echo_key6 k = { .ifindex = ifindex };
	__u32 *plen;

	__builtin_memcpy(k.addr, a, sizeof(k.addr));
	plen = bpf_map_lookup_elem(&e1k_echo_addr6, &k);
	return plen ? *plen : 0;
}

/* A request we may answer: to an address of ours, from a unicast source
 * that is neither ours nor our subnet's broadcast, checksums correct. */
E1K_INLINE int e1k_echo4_valid(struct xdp_md *ctx, struct e1k_pkt *p)
{
	struct iphdr *iph = p->l3;
	__u32 plen, mask;
	int sum;

	if (!e1k_ip4_unicast(iph->saddr) || !e1k_ip4_unicast(iph->daddr))
		return 0;
	plen = e1k_owned4(ctx->ingress_ifindex, iph->daddr);
	if (!plen || plen > 32 || e1k_owned4(ctx->ingress_ifindex, iph->saddr))
		return 0;
	/* A /31 or /32 has no broadcast address (RFC 3021). */
	mask = plen >= 31 ? 0xffffffff : ~(0xffffffffu >> plen);
	if (plen < 31 && bpf_ntohl(iph->saddr) == (bpf_ntohl(iph->daddr) | ~mask))
		return 0;
	sum = e1k_sum_bytes(ctx, p->l3_off, sizeof(*iph));
	if (sum < 0 || !e1k_sum_is_ok((__u32)sum))
		return 0;
	sum = e1k_sum_bytes(ctx, (__u32)((void *)p->l4 - (void *)(long)ctx->data), p->l4_len);
	return sum >= 0 && e1k_sum_is_ok((__u32)sum);
}

E1K_INLINE int e1k_echo6_valid(struct xdp_md *ctx, struct e1k_pkt *p)
{
	struct ipv6hdr *ip6 = p->l3;
	int addrs, msg;

	if (!e1k_ip6_unicast(&ip6->saddr) || !e1k_ip6_unicast(&ip6->daddr))
		return 0;
	if (!e1k_owned6(ctx->ingress_ifindex, &ip6->daddr) ||
	    e1k_owned6(ctx->ingress_ifindex, &ip6->saddr))
		return 0;
	/* Pseudo-header: both addresses, the length, next header 58. */
	addrs = e1k_sum_bytes(ctx, p->l3_off + 8, 32);
	msg = e1k_sum_bytes(ctx, (__u32)((void *)p->l4 - (void *)(long)ctx->data), p->l4_len);
	if (addrs < 0 || msg < 0)
		return 0;
	return e1k_sum_is_ok((__u32)addrs + (__u32)msg + bpf_htons(p->l4_len) +
			     bpf_htons(IPPROTO_ICMPV6));
}

E1K_INLINE int e1k_echo4(struct xdp_md *ctx, struct e1k_pkt *p, __u32 flags, __u8 ttl)
{
	struct iphdr *iph = p->l3;
	struct e1k_icmphdr *icmp = p->l4;
	__be32 addr;
	__u16 old;

	if (flags & E1K_ECHO_F_NO_IPV4)
		return XDP_PASS;
	if (p->proto != IPPROTO_ICMP || icmp->type != E1K_ICMP_ECHO || icmp->code)
		return XDP_PASS;
	if (!e1k_echo4_valid(ctx, p))
		return XDP_PASS;

	e1k_swap_mac(p->eth);
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	/* The header checksum covers TTL (with protocol, one word); swapping
	 * the addresses does not change a one's complement sum. */
	old = *(__u16 *)&iph->ttl;
	iph->ttl = ttl;
	iph->check = e1k_csum_replace16(iph->check, old, *(__u16 *)&iph->ttl);
	/* ICMP has no pseudo-header: only the type/code word changes. */
	old = *(__u16 *)icmp;
	icmp->type = E1K_ICMP_ECHOREPLY;
	icmp->checksum = e1k_csum_replace16(icmp->checksum, old, *(__u16 *)icmp);
	return XDP_TX;
}

E1K_INLINE int e1k_echo6(struct xdp_md *ctx, struct e1k_pkt *p, __u32 flags, __u8 ttl)
{
	struct ipv6hdr *ip6 = p->l3;
	struct icmp6hdr *icmp6 = p->l4;
	struct in6_addr addr;
	__u16 old;

	if (flags & E1K_ECHO_F_NO_IPV6)
		return XDP_PASS;
	if (p->proto != IPPROTO_ICMPV6 ||
	    icmp6->icmp6_type != ICMPV6_ECHO_REQUEST || icmp6->icmp6_code)
		return XDP_PASS;
	if (!e1k_echo6_valid(ctx, p))
		return XDP_PASS;

	e1k_swap_mac(p->eth);
	/* The pseudo-header holds both addresses: swapping them leaves the
	 * ICMPv6 checksum as it is. No IPv6 header checksum exists. */
	__builtin_memcpy(&addr, &ip6->saddr, sizeof(addr));
	__builtin_memcpy(&ip6->saddr, &ip6->daddr, sizeof(addr));
	__builtin_memcpy(&ip6->daddr, &addr, sizeof(addr));
	ip6->hop_limit = ttl;
	old = *(__u16 *)icmp6;
	icmp6->icmp6_type = ICMPV6_ECHO_REPLY;
	icmp6->icmp6_cksum = e1k_csum_replace16(icmp6->icmp6_cksum, old,
						*(__u16 *)icmp6);
	return XDP_TX;
}

SEC("xdp")
int e1k_icmp_echo(struct xdp_md *ctx)
{
	const struct e1k_echo_cfg *cfg;
	struct e1k_pkt p;
	__u32 key, flags = 0;
	__u8 ttl = E1K_ECHO_DEFAULT_TTL;
	__u8 mac[ETH_ALEN] = {};
	int act = XDP_PASS;

	/* Only complete, unfragmented frames without IPv4 options or IPv6
	 * extension headers, with their ICMP header present. */
	if (e1k_parse(ctx, &p) || !(p.known & E1K_K_L4) || p.frag ||
	    p.l3_extra)
		goto out;

	key = ctx->ingress_ifindex;
	cfg = bpf_map_lookup_elem(&e1k_echo_cfg, &key);
	if (!cfg) {
		key = 0;
		cfg = bpf_map_lookup_elem(&e1k_echo_cfg, &key);
	}
	if (cfg) {
		flags = cfg->flags;
		__builtin_memcpy(mac, cfg->mac, ETH_ALEN);
		if (cfg->ttl)
			ttl = cfg->ttl;
	}

	/* Never answer to a group address, and only answer frames sent to us:
	 * the configured MAC, or by default any unicast destination (the NIC
	 * filtered those to ours unless it is promiscuous). */
	if (p.eth->h_source[0] & 1)
		goto out;
	if (flags & E1K_ECHO_F_MAC) {
		if (!e1k_mac_eq(p.eth->h_dest, mac))
			goto out;
	} else if (p.eth->h_dest[0] & 1) {
		goto out;
	}

	if (p.family == E1K_FAMILY_IPV4)
		act = e1k_echo4(ctx, &p, flags, ttl);
	else if (p.family == E1K_FAMILY_IPV6)
		act = e1k_echo6(ctx, &p, flags, ttl);
out:
	return e1k_count(ctx, &e1k_echo_stats, act);
}

char _license[] SEC("license") = "GPL";
