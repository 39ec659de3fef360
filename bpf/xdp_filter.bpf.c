// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_filter: a first-match rule filter (allow / deny) on EtherType, IPv4 and
 * IPv6 source / destination prefixes, L4 protocol, TCP/UDP ports and ICMP
 * type/code, with a default policy, a policy for frames that cannot be fully
 * classified, per-rule hit counters and per-action stats. The rule encoding
 * and its exact semantics are in e1k_xdp_maps.h (filter section); this file
 * implements them.
 */
#include "xdp_parse.h"

E1K_STATS_MAP(e1k_filt_stats);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct e1k_filter_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_filt_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, E1K_FILTER_RULE_ENTRIES);
	__type(key, __u32);
	__type(value, struct e1k_filter_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_filt_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, E1K_FILTER_HIT_ENTRIES);
	__type(key, __u32);
	__type(value, struct e1k_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} e1k_filt_hits SEC(".maps");

#define E1K_LPM_MAP(name, keytype)                              \
	struct {                                                \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);            \
		__uint(max_entries, E1K_FILTER_LPM_ENTRIES);    \
		__uint(map_flags, BPF_F_NO_PREALLOC);           \
		__type(key, keytype);                           \
		__type(value, struct e1k_lpm_val);              \
		__uint(pinning, LIBBPF_PIN_BY_NAME);            \
	} name SEC(".maps")

E1K_LPM_MAP(e1k_filt_src4, struct e1k_lpm4_key);
E1K_LPM_MAP(e1k_filt_dst4, struct e1k_lpm4_key);
E1K_LPM_MAP(e1k_filt_src6, struct e1k_lpm6_key);
E1K_LPM_MAP(e1k_filt_dst6, struct e1k_lpm6_key);

/* Outcome of one rule against one frame. */
#define E1K_M_NO 0
#define E1K_M_YES 1
#define E1K_M_MAYBE 2 /* matches unless a field the frame lacks says no */

E1K_INLINE __u64 e1k_lpm_val(const struct e1k_lpm_val *v, __u32 bank)
{
	return v ? v->rules[bank & 1] : 0;
}

/* The rule bitmasks of the frame's source and destination addresses, in
 * bank @bank. */
E1K_INLINE void e1k_lookup_prefixes(const struct e1k_pkt *p, __u32 bank,
				    __u64 *srcm, __u64 *dstm)
{
	*srcm = 0;
	*dstm = 0;
	if (!(p->known & E1K_K_L3))
		return;
	if (p->family == E1K_FAMILY_IPV4) {
		const struct iphdr *iph = p->l3;
		struct e1k_lpm4_key k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, &iph->saddr, sizeof(k.addr));
		*srcm = e1k_lpm_val(bpf_map_lookup_elem(&e1k_filt_src4, &k), bank);
		__builtin_memcpy(k.addr, &iph->daddr, sizeof(k.addr));
		*dstm = e1k_lpm_val(bpf_map_lookup_elem(&e1k_filt_dst4, &k), bank);
	} else if (p->family == E1K_FAMILY_IPV6) {
		const struct ipv6hdr *ip6 = p->l3;
		struct e1k_lpm6_key k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, &ip6->saddr, sizeof(k.addr));
		*srcm = e1k_lpm_val(bpf_map_lookup_elem(&e1k_filt_src6, &k), bank);
		__builtin_memcpy(k.addr, &ip6->daddr, sizeof(k.addr));
		*dstm = e1k_lpm_val(bpf_map_lookup_elem(&e1k_filt_dst6, &k), bank);
	}
}

E1K_INLINE int e1k_in_chain(const struct e1k_pkt *p, __u16 type)
{
	int i, hit = 0;

#pragma unroll
	for (i = 0; i < E1K_VLAN_MAX + 1; i++)
		if (i < p->ntypes && p->types[i] == type)
			hit = 1;
	return hit;
}

/*
 * Every constraint must hold. A constraint on a field the frame does not
 * show (only possible for an unclassified frame) makes the result MAYBE
 * unless another constraint already says NO. A field that is known to be
 * absent (a port on ICMP, an address on ARP) is a NO, not a MAYBE.
 *
 * A global (non-static, noinline) BPF function on purpose: the verifier
 * checks it once, with unknown arguments, instead of once per loop
 * iteration times every combination of earlier branch outcomes, which
 * exceeds its budget for 64 rules. pw_a/pw_b: struct e1k_pkt_words of the
 * frame; prefix_bits: bit 0 = the rule's slot is in the source address'
 * trie entry, bit 1 = in the destination's.
 */
__attribute__((noinline)) int e1k_rule_match(const struct e1k_filter_rule *r,
					     __u64 pw_a, __u64 pw_b,
					     __u64 prefix_bits)
{
	struct e1k_pkt pkt, *p = &pkt;
	__u32 f;
	int eth_known, not_ip, maybe = 0;

	if (!r)
		return E1K_M_NO;
	e1k_pkt_unpack(p, pw_a, pw_b);
	f = r->flags;
	eth_known = p->known & E1K_K_ETH;
	not_ip = eth_known && p->family == E1K_FAMILY_NONE;

	if (f & E1K_MATCH_ETHERTYPE) {
		if (!e1k_in_chain(p, r->ethertype)) {
			if (eth_known)
				return E1K_M_NO;
			maybe = 1;
		}
	}
	if (f & (E1K_MATCH_SRC | E1K_MATCH_DST)) {
		if (not_ip || (eth_known && p->family != r->family))
			return E1K_M_NO;
		if (p->known & E1K_K_L3) {
			if ((f & E1K_MATCH_SRC) && !(prefix_bits & 1))
				return E1K_M_NO;
			if ((f & E1K_MATCH_DST) && !(prefix_bits & 2))
				return E1K_M_NO;
		} else {
			maybe = 1;
		}
	}
	if (f & E1K_MATCH_PROTO) {
		if (not_ip)
			return E1K_M_NO;
		if (p->known & E1K_K_PROTO) {
			if (p->proto != r->proto)
				return E1K_M_NO;
		} else {
			maybe = 1;
		}
	}
	if (f & (E1K_MATCH_SPORT | E1K_MATCH_DPORT)) {
		if (not_ip)
			return E1K_M_NO;
		if (p->known & E1K_K_PROTO) {
			if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
				return E1K_M_NO;
			if (p->known & E1K_K_L4) {
				if ((f & E1K_MATCH_SPORT) &&
				    (p->sport < r->sport_min || p->sport > r->sport_max))
					return E1K_M_NO;
				if ((f & E1K_MATCH_DPORT) &&
				    (p->dport < r->dport_min || p->dport > r->dport_max))
					return E1K_M_NO;
			} else {
				maybe = 1;
			}
		} else {
			maybe = 1;
		}
	}
	if (f & (E1K_MATCH_ICMP_TYPE | E1K_MATCH_ICMP_CODE)) {
		if (not_ip)
			return E1K_M_NO;
		if (p->known & E1K_K_PROTO) {
			int icmp = (p->family == E1K_FAMILY_IPV4 &&
				    p->proto == IPPROTO_ICMP) ||
				   (p->family == E1K_FAMILY_IPV6 &&
				    p->proto == IPPROTO_ICMPV6);

			if (!icmp)
				return E1K_M_NO;
			if (p->known & E1K_K_L4) {
				if ((f & E1K_MATCH_ICMP_TYPE) &&
				    p->icmp_type != r->icmp_type)
					return E1K_M_NO;
				if ((f & E1K_MATCH_ICMP_CODE) &&
				    p->icmp_code != r->icmp_code)
					return E1K_M_NO;
			} else {
				maybe = 1;
			}
		} else {
			maybe = 1;
		}
	}
	return maybe ? E1K_M_MAYBE : E1K_M_YES;
}

E1K_INLINE void e1k_hit(__u32 idx, __u32 len)
{
	struct e1k_stats *s = bpf_map_lookup_elem(&e1k_filt_hits, &idx);

	if (s) {
		s->packets++;
		s->bytes += len;
	}
}

/*
 * The rule walk over bank (how & E1K_WALK_BANK1 ? 1 : 0): slot order is
 * priority order; the first rule that matches decides. Returns the deciding
 * rule's .id with E1K_WALK_PASS set for a pass rule, or -1 when no rule
 * decided (the default policy applies). E1K_WALK_MAYBE_PASSES: how a MAYBE
 * is resolved (below). Both in one argument: a global function takes five.
 *
 * Also a global function, for the same reason as e1k_rule_match: verified
 * once with unknown inputs. Inlined into the program, the 64 iterations
 * were verified once per parser outcome, which cost 6.1's verifier ~290k
 * instructions (under 30k like this).
 */
#define E1K_WALK_PASS 0x100
#define E1K_WALK_MAYBE_PASSES 1
#define E1K_WALK_BANK1 2
_Static_assert((E1K_FILTER_MAX_IDS & (E1K_FILTER_MAX_IDS - 1)) == 0 &&
		       E1K_FILTER_MAX_IDS <= E1K_WALK_PASS,
	       "the walk's result packs the id below E1K_WALK_PASS");

__attribute__((noinline)) int e1k_rule_walk(__u64 pw_a, __u64 pw_b, __u64 srcm,
					    __u64 dstm, __u64 how)
{
	__u32 base = how & E1K_WALK_BANK1 ? E1K_FILTER_MAX_RULES : 0;
	__u64 maybe_passes = how & E1K_WALK_MAYBE_PASSES;
	__u32 i;

	/* Not unrolled: 64 copies of the body would only make the object
	 * bigger; 6.1's verifier walks a bounded loop fine. */
#pragma clang loop unroll(disable)
	for (i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		const struct e1k_filter_rule *r;
		__u32 key = base + i;
		int m;

		r = bpf_map_lookup_elem(&e1k_filt_rules, &key);
		if (!r)
			break;
		if (!(r->flags & E1K_RULE_ACTIVE))
			continue;
		m = e1k_rule_match(r, pw_a, pw_b,
				   ((srcm >> i) & 1) | ((dstm >> i) & 1) << 1);
		if (m == E1K_M_NO)
			continue;
		/* MAYBE (only for an unclassifiable frame): the unclassified
		 * setting resolves it. Fail closed (rules, deny): a deny that
		 * might apply applies, an allow that might not does not.
		 * "allow" (maybe_passes): the reverse. A rule that definitely
		 * matches (YES) decides whatever the setting. */
		if (m == E1K_M_MAYBE &&
		    (r->action == E1K_ACTION_PASS) != (maybe_passes != 0))
			continue;
		return (int)(r->id & (E1K_FILTER_MAX_IDS - 1)) |
		       (r->action == E1K_ACTION_PASS ? E1K_WALK_PASS : 0);
	}
	return -1;
}

/*
 * Parse the frame and reduce it to what the rule walk needs: the packed
 * scalar fields and the two prefix bitmasks. Returns the parser's unclass
 * reason (0 = fully classified).
 *
 * A global function for the verifier's sake, like the two above: it is
 * verified once on its own, and the caller then sees *out as unknown
 * scalars, so the hundreds of distinct parser outcomes (EtherType chains,
 * header lengths, fragment states) collapse into one state at the call
 * instead of each carrying its own copy of the rest of the program through
 * verification. On 6.1 that is the difference between ~285k and ~60k
 * processed instructions.
 */
struct e1k_filter_frame {
	struct e1k_pkt_words w;
	__u64 srcm, dstm;
};

__attribute__((noinline)) int e1k_filter_classify(struct xdp_md *ctx,
						  struct e1k_filter_frame *out,
						  __u32 bank)
{
	struct e1k_pkt p;
	int uc;

	if (!out)
		return E1K_UC_TRUNC_ETH;
	uc = e1k_parse(ctx, &p);
	e1k_lookup_prefixes(&p, bank, &out->srcm, &out->dstm);
	e1k_pkt_pack(&p, &out->w);
	return uc;
}

SEC("xdp")
int e1k_filter(struct xdp_md *ctx)
{
	__u32 len = (__u32)bpf_xdp_get_buff_len(ctx);	/* frags included */
	const struct e1k_filter_cfg *cfg;
	__u8 def_policy = E1K_ACTION_UNSET, uc_policy = E1K_UNCLASS_UNSET;
	struct e1k_filter_frame f = {};
	__u32 zero = 0, bank = 0;
	int act, res, unclass;

	/* One read of the bank: this frame meets one rule set, whole. */
	cfg = bpf_map_lookup_elem(&e1k_filt_cfg, &zero);
	if (cfg) {
		bank = cfg->bank ? 1 : 0;
		def_policy = cfg->default_policy[bank];
		uc_policy = cfg->unclass_policy[bank];
	}

	/* An unclassifiable frame still meets the rules first: a rule that
	 * definitely matches it (a denied source address behind nine IPv6
	 * extension headers) decides; the unclassified setting only resolves
	 * what is uncertain, in the walk and when no rule decided. */
	unclass = e1k_filter_classify(ctx, &f, bank) != 0;
	if (unclass)
		e1k_hit(E1K_FILTER_HIT_UNCLASS, len);

	res = e1k_rule_walk(f.w.a, f.w.b, f.srcm, f.dstm,
			    (unclass && uc_policy == E1K_UNCLASS_PASS ? E1K_WALK_MAYBE_PASSES : 0) |
			    (bank ? E1K_WALK_BANK1 : 0));
	if (res >= 0) {
		e1k_hit(res & (E1K_FILTER_MAX_IDS - 1), len);
		act = (res & E1K_WALK_PASS) ? XDP_PASS : XDP_DROP;
		goto out;
	}
	if (unclass && uc_policy == E1K_UNCLASS_PASS) {
		act = XDP_PASS;
		goto out;
	}
	if (unclass && uc_policy == E1K_UNCLASS_DROP) {
		act = XDP_DROP;
		goto out;
	}

	e1k_hit(E1K_FILTER_HIT_DEFAULT, len);
	act = (def_policy == E1K_ACTION_UNSET || def_policy == E1K_ACTION_PASS) ?
		      XDP_PASS : XDP_DROP;
out:
	return e1k_count(ctx, &e1k_filt_stats, act);
}

char _license[] SEC("license") = "GPL";
