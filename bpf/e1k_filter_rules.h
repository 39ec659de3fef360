/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1k_filter_rules.h: pure C11 helpers for the user-space side of the
 * filter (the loader, tests). Header-only (static inline), no libbpf: they
 * check a struct e1k_filter_rule and compute what the four LPM tries must
 * hold for a rule table. How to apply a plan without a frame ever seeing a
 * half-updated rule set is described in e1k_xdp_maps.h ("Updating rules").
 *
 * Canonical encoding (what e1k_rule_check accepts): every field that no flag
 * uses is zero, prefixes have their host bits clear, so two rules that mean
 * the same thing compare equal with memcmp (handy for "filter del RULE").
 */
#ifndef E1K_FILTER_RULES_H
#define E1K_FILTER_RULES_H

#ifdef __bpf__
#error "e1k_filter_rules.h is for user space"
#endif

#include <stddef.h>
#include <string.h>
#include <netinet/in.h>

#include "e1k_xdp_maps.h"

enum e1k_trie {
	E1K_TRIE_SRC4,
	E1K_TRIE_DST4,
	E1K_TRIE_SRC6,
	E1K_TRIE_DST6,
	E1K_TRIE_COUNT
};

static inline const char *e1k_trie_map_name(enum e1k_trie t)
{
	switch (t) {
	case E1K_TRIE_SRC4: return E1K_MAP_FILTER_SRC4;
	case E1K_TRIE_DST4: return E1K_MAP_FILTER_DST4;
	case E1K_TRIE_SRC6: return E1K_MAP_FILTER_SRC6;
	case E1K_TRIE_DST6: return E1K_MAP_FILTER_DST6;
	default: return NULL;
	}
}

/* Address bytes of a family (4 or 16), 0 for anything else. */
static inline unsigned e1k_family_bytes(unsigned family)
{
	return family == E1K_FAMILY_IPV4 ? 4 : family == E1K_FAMILY_IPV6 ? 16 : 0;
}

/* Clear the host bits of addr (nbytes long) beyond prefix length len. */
static inline void e1k_prefix_mask(__u8 *addr, unsigned len, unsigned nbytes)
{
	for (unsigned i = 0; i < nbytes; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;

		if (bits < 8)
			addr[i] &= (__u8)(0xff00u >> bits);
	}
}

/* Whether prefix outer/olen contains prefix inner/ilen (equal included). */
static inline int e1k_prefix_contains(const __u8 *outer, unsigned olen,
				      const __u8 *inner, unsigned ilen)
{
	unsigned full = olen / 8, rest = olen % 8;

	if (olen > ilen)
		return 0;
	if (memcmp(outer, inner, full))
		return 0;
	if (rest) {
		__u8 m = (__u8)(0xff00u >> rest);

		if ((outer[full] ^ inner[full]) & m)
			return 0;
	}
	return 1;
}

static inline int e1k_all_zero(const void *p, size_t n)
{
	const __u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/*
 * NULL if r is a valid, canonical rule (active or not), else why not, in
 * words an operator can act on. A rule with flags == 0 (an empty slot) is
 * valid. The one validator: the loader's parser ends with it and the loader
 * calls it before every write of a rule.
 */
static inline const char *e1k_rule_check(const struct e1k_filter_rule *r)
{
	__u32 f = r->flags;
	unsigned nb = e1k_family_bytes(r->family);

	if (f == 0)
		return e1k_all_zero(r, sizeof(*r)) ? NULL :
		       "empty slot (flags 0) with other fields set";
	if (f & ~E1K_RULE_FLAGS_ALL)
		return "unknown flag bits";
	if (r->action != E1K_ACTION_PASS && r->action != E1K_ACTION_DROP)
		return "action must be pass or drop";
	if (r->pad)
		return "padding not zero";
	if (r->id >= E1K_FILTER_MAX_IDS)
		return "hit counter id out of range";

	if (f & (E1K_MATCH_SRC | E1K_MATCH_DST)) {
		if (!nb)
			return "an address prefix needs family 4 or 6";
	} else if (r->family) {
		return "family set without an address prefix";
	}
	if (f & E1K_MATCH_SRC) {
		__u8 tmp[16];

		if (r->src_len > nb * 8)
			return "source prefix length too long for the family";
		memcpy(tmp, r->src, 16);
		e1k_prefix_mask(tmp, r->src_len, 16);
		if (memcmp(tmp, r->src, 16))
			return "source prefix has host bits set";
	} else if (r->src_len || !e1k_all_zero(r->src, 16)) {
		return "source prefix set without E1K_MATCH_SRC";
	}
	if (f & E1K_MATCH_DST) {
		__u8 tmp[16];

		if (r->dst_len > nb * 8)
			return "destination prefix length too long for the family";
		memcpy(tmp, r->dst, 16);
		e1k_prefix_mask(tmp, r->dst_len, 16);
		if (memcmp(tmp, r->dst, 16))
			return "destination prefix has host bits set";
	} else if (r->dst_len || !e1k_all_zero(r->dst, 16)) {
		return "destination prefix set without E1K_MATCH_DST";
	}

	if (!(f & E1K_MATCH_ETHERTYPE) && r->ethertype)
		return "ethertype set without E1K_MATCH_ETHERTYPE";
	if (!(f & E1K_MATCH_PROTO) && r->proto)
		return "protocol set without E1K_MATCH_PROTO";
	if (f & E1K_MATCH_SPORT) {
		if (r->sport_min > r->sport_max)
			return "source port range is empty";
	} else if (r->sport_min || r->sport_max) {
		return "source port set without E1K_MATCH_SPORT";
	}
	if (f & E1K_MATCH_DPORT) {
		if (r->dport_min > r->dport_max)
			return "destination port range is empty";
	} else if (r->dport_min || r->dport_max) {
		return "destination port set without E1K_MATCH_DPORT";
	}
	if (!(f & E1K_MATCH_ICMP_TYPE) && r->icmp_type)
		return "ICMP type set without E1K_MATCH_ICMP_TYPE";
	if (!(f & E1K_MATCH_ICMP_CODE) && r->icmp_code)
		return "ICMP code set without E1K_MATCH_ICMP_CODE";

	/* Combinations that could never match, or that would match something
	 * else than they say, are mistakes, not rules. */
	if ((f & (E1K_MATCH_SPORT | E1K_MATCH_DPORT)) && (f & E1K_MATCH_PROTO) &&
	    r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return "ports need tcp or udp (or no protocol: both)";
	if ((f & (E1K_MATCH_ICMP_TYPE | E1K_MATCH_ICMP_CODE)) &&
	    (!(f & E1K_MATCH_PROTO) ||
	     (r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6)))
		return "'type' and 'code' need icmp or icmpv6 first";
	if ((f & (E1K_MATCH_SPORT | E1K_MATCH_DPORT)) &&
	    (f & (E1K_MATCH_ICMP_TYPE | E1K_MATCH_ICMP_CODE)))
		return "ports and ICMP type/code exclude each other";
	if ((f & E1K_MATCH_PROTO) && r->proto == IPPROTO_ICMP &&
	    r->family == E1K_FAMILY_IPV6)
		return "icmp is IPv4's; use icmpv6 with IPv6 prefixes";
	if ((f & E1K_MATCH_PROTO) && r->proto == IPPROTO_ICMPV6 &&
	    r->family == E1K_FAMILY_IPV4)
		return "icmpv6 is IPv6's; use icmp with IPv4 prefixes";
	return NULL;
}

/* One entry of an LPM trie: the key (prefixlen, addr) and its value. */
struct e1k_trie_entry {
	__u32 prefixlen;
	__u8 addr[16]; /* first 4 bytes for the IPv4 tries */
	__u64 rules[E1K_FILTER_BANKS]; /* struct e1k_lpm_val.rules */
};

/* The prefix a rule contributes to trie t, if any. */
static inline int e1k_rule_prefix(const struct e1k_filter_rule *r,
				  enum e1k_trie t, const __u8 **addr,
				  unsigned *len)
{
	int dst = t == E1K_TRIE_DST4 || t == E1K_TRIE_DST6;
	unsigned fam = t <= E1K_TRIE_DST4 ? E1K_FAMILY_IPV4 : E1K_FAMILY_IPV6;

	if (!(r->flags & E1K_RULE_ACTIVE) || r->family != fam)
		return 0;
	if (!(r->flags & (dst ? E1K_MATCH_DST : E1K_MATCH_SRC)))
		return 0;
	*addr = dst ? r->dst : r->src;
	*len = dst ? r->dst_len : r->src_len;
	return 1;
}

/*
 * The complete contents of trie t for the rules map (rules[bank *
 * E1K_FILTER_MAX_RULES + slot], both banks; only rules with
 * E1K_RULE_ACTIVE count): one entry per distinct prefix of an active rule
 * of either bank, whose rules[b] has bit i set for every active rule in
 * slot i of bank b whose prefix contains the entry's. Both banks' prefixes
 * are in one set: each entry is right for both banks, so an entry made or
 * removed for one never changes what the other matches. Writes at most max
 * entries to out and returns how many there are, or -1 if t is out of
 * range or out is too small (E1K_FILTER_LPM_ENTRIES always suffice).
 */
static inline int e1k_trie_plan(const struct e1k_filter_rule *rules,
				enum e1k_trie t, struct e1k_trie_entry *out,
				unsigned max)
{
	unsigned count = 0;

	if (t >= E1K_TRIE_COUNT)
		return -1;
	for (unsigned i = 0; i < E1K_FILTER_RULE_ENTRIES; i++) {
		const __u8 *a;
		unsigned len, k;

		if (!e1k_rule_prefix(&rules[i], t, &a, &len))
			continue;
		for (k = 0; k < count; k++)
			if (out[k].prefixlen == len && !memcmp(out[k].addr, a, 16))
				break;
		if (k < count)
			continue; /* already planned through an earlier rule */
		if (count == max)
			return -1;
		memset(&out[count], 0, sizeof(out[count]));
		out[count].prefixlen = len;
		memcpy(out[count].addr, a, 16);
		for (unsigned j = 0; j < E1K_FILTER_RULE_ENTRIES; j++) {
			const __u8 *b;
			unsigned blen;

			if (e1k_rule_prefix(&rules[j], t, &b, &blen) &&
			    e1k_prefix_contains(b, blen, a, len))
				out[count].rules[j / E1K_FILTER_MAX_RULES] |=
					(__u64)1 << (j % E1K_FILTER_MAX_RULES);
		}
		count++;
	}
	return (int)count;
}

static inline void e1k_trie_key4(const struct e1k_trie_entry *e,
				 struct e1k_lpm4_key *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = e->prefixlen;
	memcpy(k->addr, e->addr, sizeof(k->addr));
}

static inline void e1k_trie_key6(const struct e1k_trie_entry *e,
				 struct e1k_lpm6_key *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = e->prefixlen;
	memcpy(k->addr, e->addr, sizeof(k->addr));
}

/* Sum per-CPU stats values (as bpf_map_lookup_elem returns them). */
static inline struct e1k_stats e1k_stats_sum(const struct e1k_stats *percpu,
					     unsigned ncpus)
{
	struct e1k_stats s = { 0, 0 };

	for (unsigned i = 0; i < ncpus; i++) {
		s.packets += percpu[i].packets;
		s.bytes += percpu[i].bytes;
	}
	return s;
}

#endif /* E1K_FILTER_RULES_H */
