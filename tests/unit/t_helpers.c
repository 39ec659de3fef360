// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the pure C helpers the loader shares (bpf/e1k_filter_rules.h):
 * prefix arithmetic, rule validation, the trie plan. The plan is also
 * checked against a brute-force model over random rule tables: a longest-
 * prefix match over the planned entries must give exactly the set of active
 * rules whose prefix contains the address.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../bpf/e1k_filter_rules.h"

static struct e1k_filter_rule rule4(int slot_flags, const char *src, unsigned slen)
{
	struct e1k_filter_rule r;

	memset(&r, 0, sizeof(r));
	r.flags = E1K_RULE_ACTIVE | E1K_MATCH_SRC | (unsigned)slot_flags;
	r.action = E1K_ACTION_DROP;
	r.family = E1K_FAMILY_IPV4;
	r.src_len = (uint8_t)slen;
	inet_pton(AF_INET, src, r.src);
	return r;
}

static void t_prefix(void)
{
	struct tcase t = { "" };
	uint8_t a[16] = { 10, 1, 2, 3 }, b[16] = { 10, 1, 0, 0 };
	uint8_t m[16];

	TCHECK(&t, e1k_prefix_contains(b, 16, a, 32), "10.1/16 should contain 10.1.2.3/32");
	TCHECK(&t, !e1k_prefix_contains(a, 32, b, 16), "a /32 cannot contain a /16");
	TCHECK(&t, e1k_prefix_contains(b, 0, a, 32), "/0 contains everything");
	TCHECK(&t, e1k_prefix_contains(b, 14, a, 24), "10.1/14 contains 10.1.2/24");
	b[1] = 5; /* 10.5: differs from 10.1 in bit 13 (0x04 of byte 1) */
	TCHECK(&t, e1k_prefix_contains(b, 13, a, 32), "10.5/13 contains 10.1.2.3");
	TCHECK(&t, !e1k_prefix_contains(b, 14, a, 32), "10.5/14 must not contain 10.1.2.3");
	memset(m, 0xff, 16);
	e1k_prefix_mask(m, 13, 16);
	TCHECK(&t, m[0] == 0xff && m[1] == 0xf8 && m[2] == 0 && m[15] == 0,
	       "mask /13 gave %02x %02x %02x", m[0], m[1], m[2]);
	memset(m, 0xff, 16);
	e1k_prefix_mask(m, 128, 16);
	TCHECK(&t, m[15] == 0xff, "mask /128 must keep everything");
	memset(m, 0xff, 16);
	e1k_prefix_mask(m, 0, 16);
	TCHECK(&t, m[0] == 0 && m[15] == 0, "mask /0 must clear everything");
	tdone("helper_prefix", &t);
}

static void t_rule_check(void)
{
	struct tcase t = { "" };
	struct e1k_filter_rule r = rule4(0, "10.0.0.0", 8), z;

	memset(&z, 0, sizeof(z));
	TCHECK(&t, !e1k_rule_check(&z), "empty slot must be valid");
	TCHECK(&t, !e1k_rule_check(&r), "deny src 10/8: %s", e1k_rule_check(&r));
	r.src[1] = 1;
	TCHECK(&t, e1k_rule_check(&r), "host bits set must be rejected");
	r = rule4(0, "10.0.0.0", 33);
	TCHECK(&t, e1k_rule_check(&r), "/33 for IPv4 must be rejected");
	r = rule4(0, "10.0.0.0", 8);
	r.family = 0;
	TCHECK(&t, e1k_rule_check(&r), "prefix without family must be rejected");
	r = rule4(0, "10.0.0.0", 8);
	r.action = 0;
	TCHECK(&t, e1k_rule_check(&r), "action 0 must be rejected");
	r = rule4(E1K_MATCH_DPORT | E1K_MATCH_PROTO, "10.0.0.0", 8);
	r.proto = 17;
	r.dport_min = 53;
	r.dport_max = 53;
	TCHECK(&t, !e1k_rule_check(&r), "udp dport 53 src 10/8: %s", e1k_rule_check(&r));
	r.proto = 1;
	TCHECK(&t, e1k_rule_check(&r), "ports with icmp must be rejected");
	r.proto = 17;
	r.dport_min = 54;
	TCHECK(&t, e1k_rule_check(&r), "empty port range must be rejected");
	r = rule4(0, "10.0.0.0", 8);
	r.sport_min = 1;
	TCHECK(&t, e1k_rule_check(&r), "port without flag must be rejected");
	r = rule4(0, "10.0.0.0", 8);
	r.flags |= 1u << 20;
	TCHECK(&t, e1k_rule_check(&r), "unknown flag must be rejected");
	memset(&r, 0, sizeof(r));
	r.flags = E1K_RULE_ACTIVE | E1K_MATCH_ICMP_TYPE | E1K_MATCH_PROTO;
	r.action = E1K_ACTION_PASS;
	r.proto = 58;
	r.icmp_type = 128;
	TCHECK(&t, !e1k_rule_check(&r), "allow icmpv6 type 128: %s", e1k_rule_check(&r));
	r.flags |= E1K_MATCH_SPORT;
	r.sport_max = 5;
	TCHECK(&t, e1k_rule_check(&r), "icmp type with ports must be rejected");
	r.flags &= ~(E1K_MATCH_SPORT | E1K_MATCH_PROTO);
	r.sport_max = 0;
	r.proto = 0;
	TCHECK(&t, e1k_rule_check(&r), "ICMP type without a protocol must be rejected");
	r = rule4(E1K_MATCH_PROTO, "10.0.0.0", 8);
	r.proto = IPPROTO_ICMPV6;
	TCHECK(&t, e1k_rule_check(&r), "icmpv6 with an IPv4 prefix must be rejected");
	memset(&r, 0, sizeof(r));
	r.flags = E1K_RULE_ACTIVE | E1K_MATCH_DST;
	r.action = E1K_ACTION_DROP;
	r.family = E1K_FAMILY_IPV6;
	r.dst_len = 64;
	inet_pton(AF_INET6, "fd11::", r.dst);
	TCHECK(&t, !e1k_rule_check(&r), "deny dst fd11::/64: %s", e1k_rule_check(&r));
	r.dst[9] = 1;
	TCHECK(&t, e1k_rule_check(&r), "IPv6 host bits must be rejected");
	tdone("helper_rule_check", &t);
}

static const struct e1k_trie_entry *find(const struct e1k_trie_entry *e, int n,
					 unsigned len, const char *addr)
{
	uint8_t a[16] = { 0 };

	inet_pton(strchr(addr, ':') ? AF_INET6 : AF_INET, addr, a);
	for (int i = 0; i < n; i++)
		if (e[i].prefixlen == len && !memcmp(e[i].addr, a, 16))
			return &e[i];
	return NULL;
}

static void t_plan_nested(void)
{
	struct tcase t = { "" };
	static struct e1k_filter_rule rules[E1K_FILTER_RULE_ENTRIES];
	struct e1k_trie_entry e[E1K_FILTER_LPM_ENTRIES];
	const struct e1k_trie_entry *x;
	int n;

	memset(rules, 0, sizeof(rules));
	rules[0] = rule4(0, "10.1.0.0", 16);
	rules[1] = rule4(0, "10.0.0.0", 8);
	rules[2] = rule4(0, "10.1.2.0", 24);
	rules[3] = rule4(0, "10.0.0.0", 8); /* duplicate prefix */
	n = e1k_trie_plan(rules, E1K_TRIE_SRC4, e, E1K_FILTER_LPM_ENTRIES);
	TCHECK(&t, n == 3, "want 3 distinct prefixes, got %d", n);
	x = find(e, n, 8, "10.0.0.0");
	TCHECK(&t, x && x->rules[0] == 0xa && !x->rules[1], "10/8 should hold rules 1,3: %llx",
	       x ? (unsigned long long)x->rules[0] : 0ull);
	x = find(e, n, 16, "10.1.0.0");
	TCHECK(&t, x && x->rules[0] == 0xb, "10.1/16 should hold rules 0,1,3");
	x = find(e, n, 24, "10.1.2.0");
	TCHECK(&t, x && x->rules[0] == 0xf, "10.1.2/24 should hold all four");
	n = e1k_trie_plan(rules, E1K_TRIE_DST4, e, E1K_FILTER_LPM_ENTRIES);
	TCHECK(&t, n == 0, "no dst prefixes: got %d entries", n);
	n = e1k_trie_plan(rules, E1K_TRIE_SRC6, e, E1K_FILTER_LPM_ENTRIES);
	TCHECK(&t, n == 0, "IPv4 rules in the IPv6 trie: %d entries", n);
	rules[1].flags &= ~E1K_RULE_ACTIVE;
	n = e1k_trie_plan(rules, E1K_TRIE_SRC4, e, E1K_FILTER_LPM_ENTRIES);
	x = find(e, n, 24, "10.1.2.0");
	TCHECK(&t, n == 3 && x && x->rules[0] == 0xd, "inactive rule 1 must vanish");
	n = e1k_trie_plan(rules, E1K_TRIE_SRC4, e, 2);
	TCHECK(&t, n == -1, "too small an output must fail, got %d", n);
	n = e1k_trie_plan(rules, E1K_TRIE_COUNT, e, E1K_FILTER_LPM_ENTRIES);
	TCHECK(&t, n == -1, "a trie out of range must fail");
	/* A rule in bank 1 shares the entries: its bits in rules[1]. */
	rules[E1K_FILTER_MAX_RULES + 2] = rule4(0, "10.0.0.0", 8);
	n = e1k_trie_plan(rules, E1K_TRIE_SRC4, e, E1K_FILTER_LPM_ENTRIES);
	x = find(e, n, 24, "10.1.2.0");
	TCHECK(&t, n == 3 && x && x->rules[0] == 0xd && x->rules[1] == 0x4,
	       "bank 1's rule in slot 2 must show in rules[1] only");
	tdone("helper_trie_plan_nested", &t);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random tables: the planned trie answers like the definition. */
static void t_plan_random(void)
{
	struct tcase t = { "" };
	static struct e1k_filter_rule rules[E1K_FILTER_RULE_ENTRIES];
	struct e1k_trie_entry e[E1K_FILTER_LPM_ENTRIES];

	for (int round = 0; round < 300 && !t.reason[0]; round++) {
		int v6 = round & 1, nb = v6 ? 16 : 4, n;
		enum e1k_trie tr = v6 ? E1K_TRIE_DST6 : E1K_TRIE_DST4;

		memset(rules, 0, sizeof(rules));
		for (int i = 0; i < E1K_FILTER_RULE_ENTRIES; i++) {
			struct e1k_filter_rule *r = &rules[i];

			if (rnd() % 3 == 0)
				continue;
			r->flags = E1K_MATCH_DST | (rnd() % 5 ? E1K_RULE_ACTIVE : 0);
			r->action = E1K_ACTION_DROP;
			r->family = v6 ? E1K_FAMILY_IPV6 : E1K_FAMILY_IPV4;
			r->dst_len = (uint8_t)(rnd() % (nb * 8 + 1));
			/* few distinct high bits, so prefixes nest often */
			for (int k = 0; k < nb; k++)
				r->dst[k] = (uint8_t)(rnd() % 4 == 0 ? rnd() : (uint64_t)k * 17);
			e1k_prefix_mask(r->dst, r->dst_len, 16);
		}
		n = e1k_trie_plan(rules, tr, e, E1K_FILTER_LPM_ENTRIES);
		if (n < 0) {
			tfail(&t, "plan failed in round %d", round);
			break;
		}
		/* Each bank's frames: the longest match gives exactly that
		 * bank's rules whose prefix contains the address. */
		for (int q = 0; q < 400; q++) {
			uint8_t a[16] = { 0 };
			uint64_t want = 0, got = 0;
			int best = -1, bank = q & 1;

			for (int k = 0; k < nb; k++)
				a[k] = (uint8_t)(rnd() % 2 ? (uint64_t)k * 17 : rnd());
			for (int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
				const struct e1k_filter_rule *r =
					&rules[bank * E1K_FILTER_MAX_RULES + i];

				if ((r->flags & E1K_RULE_ACTIVE) &&
				    e1k_prefix_contains(r->dst, r->dst_len, a, nb * 8))
					want |= 1ull << i;
			}
			for (int i = 0; i < n; i++)
				if (e1k_prefix_contains(e[i].addr, e[i].prefixlen, a, nb * 8) &&
				    (best < 0 || e[i].prefixlen > e[best].prefixlen))
					best = i;
			if (best >= 0)
				got = e[best].rules[bank];
			if (got != want) {
				tfail(&t, "round %d bank %d: LPM gives %llx, rules containing the address %llx",
				      round, bank, (unsigned long long)got, (unsigned long long)want);
				break;
			}
		}
	}
	tdone("helper_trie_plan_random", &t);
}

static void t_misc(void)
{
	struct tcase t = { "" };
	struct e1k_stats pc[3] = { { 1, 100 }, { 2, 200 }, { 0, 0 } };
	struct e1k_stats s = e1k_stats_sum(pc, 3);
	struct e1k_trie_entry en = { .prefixlen = 12, .addr = { 1, 2, 3, 4, 5 } };
	struct e1k_lpm4_key k4;
	struct e1k_lpm6_key k6;

	TCHECK(&t, s.packets == 3 && s.bytes == 300, "stats sum %llu/%llu",
	       (unsigned long long)s.packets, (unsigned long long)s.bytes);
	e1k_trie_key4(&en, &k4);
	e1k_trie_key6(&en, &k6);
	TCHECK(&t, k4.prefixlen == 12 && k4.addr[3] == 4, "key4 wrong");
	TCHECK(&t, k6.prefixlen == 12 && k6.addr[4] == 5, "key6 wrong");
	TCHECK(&t, !strcmp(e1k_trie_map_name(E1K_TRIE_SRC6), E1K_MAP_FILTER_SRC6),
	       "trie map name");
	TCHECK(&t, sizeof(struct e1k_filter_rule) == 56 &&
		   sizeof(struct e1k_filter_cfg) == 8 &&
		   sizeof(struct e1k_echo_cfg) == 12 &&
		   sizeof(struct e1k_lpm4_key) == 8 &&
		   sizeof(struct e1k_lpm6_key) == 20 &&
		   sizeof(struct e1k_lpm_val) == 16 &&
		   sizeof(struct e1k_echo_key4) == 8 &&
		   sizeof(struct e1k_echo_key6) == 20 &&
		   sizeof(struct e1k_stats) == 16,
	       "a shared struct changed size (layout is ABI with pinned maps)");
	tdone("helper_misc_layout", &t);
}

void run_helper_tests(void)
{
	t_prefix();
	t_rule_check();
	t_plan_nested();
	t_plan_random();
	t_misc();
}
