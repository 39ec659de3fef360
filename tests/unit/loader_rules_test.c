// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the loader's rule grammar (loader/rules.c): every word, the
 * canonical text round trip, and the errors bad input must give.
 * Output: "PASS name" / "FAIL name: reason" per test, then "N passed, N failed".
 */
#include "../../loader/rules.h"
#include "../../bpf/e1k_filter_rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define HOST_SUITE "loader_rules"
#include "host_result.h"

/* Split @text into words (in place) and parse them. */
static int parse_text(const char *text, struct parsed_rule *out, char *err, size_t errlen)
{
	static char buf[512];
	char *words[64];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *w = strtok(buf, " "); w && n < 64; w = strtok(NULL, " "))
		words[n++] = w;
	return rule_parse(n, words, out, err, errlen);
}

/* @text parses, and formats back to @canonical (which parses to the same). */
static void expect_rule(const char *name, const char *text, const char *canonical)
{
	struct parsed_rule a, b;
	char err[256], fmt[256], why[600];

	if (parse_text(text, &a, err, sizeof(err))) {
		snprintf(why, sizeof(why), "'%s' refused: %s", text, err);
		result(name, 0, why);
		return;
	}
	if (a.kind != RULE_MATCH) {
		result(name, 0, "not parsed as a match rule");
		return;
	}
	rule_format(&a.rule, fmt, sizeof(fmt));
	if (strcmp(fmt, canonical)) {
		snprintf(why, sizeof(why), "'%s' formats as '%s', want '%s'", text, fmt, canonical);
		result(name, 0, why);
		return;
	}
	if (parse_text(fmt, &b, err, sizeof(err)) || !rule_same(&a.rule, &b.rule)) {
		snprintf(why, sizeof(why), "'%s' does not read back to the same rule", fmt);
		result(name, 0, why);
		return;
	}
	result(name, 1, NULL);
}

/* @text is refused with a message containing @needle. */
static void expect_error(const char *name, const char *text, const char *needle)
{
	struct parsed_rule r;
	char err[256] = "", why[600];

	if (!parse_text(text, &r, err, sizeof(err))) {
		snprintf(why, sizeof(why), "'%s' was accepted", text);
		result(name, 0, why);
	} else if (!strstr(err, needle)) {
		snprintf(why, sizeof(why), "'%s': message '%s' lacks '%s'", text, err, needle);
		result(name, 0, why);
	} else {
		result(name, 1, NULL);
	}
}

static void test_fields(void)
{
	struct parsed_rule r;
	char err[256];
	unsigned char want[16] = { 10 };
	int ok;

	ok = !parse_text("deny src 10.0.0.0/8", &r, err, sizeof(err)) &&
	     r.rule.action == E1K_ACTION_DROP && r.rule.flags == E1K_MATCH_SRC &&
	     r.rule.family == E1K_FAMILY_IPV4 && r.rule.src_len == 8 &&
	     !memcmp(r.rule.src, want, 16);
	result("src_prefix_fields", ok, "deny src 10.0.0.0/8 not encoded as expected");

	ok = !parse_text("allow udp dport 53", &r, err, sizeof(err)) &&
	     r.rule.action == E1K_ACTION_PASS &&
	     r.rule.flags == (E1K_MATCH_PROTO | E1K_MATCH_DPORT) &&
	     r.rule.proto == 17 && r.rule.dport_min == 53 && r.rule.dport_max == 53;
	result("udp_dport_fields", ok, "allow udp dport 53 not encoded as expected");

	ok = !parse_text("allow icmp type echo-request", &r, err, sizeof(err)) &&
	     r.rule.proto == 1 && r.rule.icmp_type == 8 &&
	     r.rule.flags == (E1K_MATCH_PROTO | E1K_MATCH_ICMP_TYPE);
	result("icmp_type_fields", ok, "icmp echo-request is not type 8");

	ok = !parse_text("deny icmpv6 type echo-request", &r, err, sizeof(err)) &&
	     r.rule.proto == 58 && r.rule.icmp_type == 128;
	result("icmpv6_type_fields", ok, "icmpv6 echo-request is not type 128");

	ok = !parse_text("deny tcp sport 1000-2000", &r, err, sizeof(err)) &&
	     r.rule.sport_min == 1000 && r.rule.sport_max == 2000;
	result("port_range_fields", ok, "port range not encoded");

	ok = !parse_text("deny ethertype 0x88b5", &r, err, sizeof(err)) &&
	     r.rule.ethertype == 0x88b5 && r.rule.flags == E1K_MATCH_ETHERTYPE;
	result("ethertype_fields", ok, "ethertype not encoded in host order");

	ok = !parse_text("deny dst 2001:db8::/32", &r, err, sizeof(err)) &&
	     r.rule.family == E1K_FAMILY_IPV6 && r.rule.dst_len == 32 &&
	     r.rule.dst[0] == 0x20 && r.rule.dst[1] == 0x01 && r.rule.dst[2] == 0x0d &&
	     r.rule.dst[3] == 0xb8 && r.rule.dst[4] == 0;
	result("ipv6_prefix_fields", ok, "IPv6 prefix not in network order");

	ok = !parse_text("policy deny", &r, err, sizeof(err)) && r.kind == RULE_POLICY &&
	     r.setting == E1K_ACTION_DROP;
	ok = ok && !parse_text("policy allow", &r, err, sizeof(err)) &&
	     r.setting == E1K_ACTION_PASS;
	result("policy", ok, "policy allow/deny not parsed");

	ok = !parse_text("unclassified deny", &r, err, sizeof(err)) &&
	     r.kind == RULE_UNCLASSIFIED && r.setting == E1K_UNCLASS_DROP;
	ok = ok && !parse_text("unclassified rules", &r, err, sizeof(err)) &&
	     r.setting == E1K_UNCLASS_RULES;
	ok = ok && !parse_text("unclassified allow", &r, err, sizeof(err)) &&
	     r.setting == E1K_UNCLASS_PASS;
	result("unclassified", ok, "unclassified rules/allow/deny not parsed");
}

/* A parsed plan (e1k_trie_plan's output) and its length. */
struct plan {
	int n;
	struct e1k_trie_entry e[E1K_FILTER_LPM_ENTRIES];
};

/* @rules: the whole rules map, both banks. */
static void plan_build(const struct e1k_filter_rule *rules, enum e1k_trie t, struct plan *p)
{
	p->n = e1k_trie_plan(rules, t, p->e, E1K_FILTER_LPM_ENTRIES);
}

static const struct e1k_trie_entry *plan_find(const struct plan *p, const char *addr,
					      unsigned len)
{
	unsigned char a[16] = { 0 };

	if (inet_pton(AF_INET, addr, a) != 1)
		inet_pton(AF_INET6, addr, a);
	for (int i = 0; i < p->n; i++)
		if (p->e[i].prefixlen == len && !memcmp(p->e[i].addr, a, 16))
			return &p->e[i];
	return NULL;
}

static void set_rule(struct e1k_filter_rule *r, const char *text, int active)
{
	struct parsed_rule p;
	char err[256];

	if (parse_text(text, &p, err, sizeof(err)))
		fprintf(stderr, "bad test rule '%s': %s\n", text, err);
	*r = p.rule;
	if (active)
		r->flags |= E1K_RULE_ACTIVE;
}

/* Rules as the grammar encodes them, planned by the shared planner the
 * loader uses: each prefix maps to every rule whose prefix contains it. */
static void test_trie_plan(void)
{
	struct e1k_filter_rule rules[E1K_FILTER_RULE_ENTRIES] = { 0 };
	struct plan p;
	const struct e1k_trie_entry *e8, *e16, *e24, *h;
	struct e1k_lpm4_key key;
	int ok;

	set_rule(&rules[0], "deny src 10.0.0.0/8", 1);
	set_rule(&rules[1], "allow src 10.1.0.0/16 udp", 1);
	set_rule(&rules[2], "deny src 10.1.2.0/24 dst 192.168.0.0/16", 1);
	set_rule(&rules[3], "deny src 10.2.0.0/16", 0);	/* inactive */
	set_rule(&rules[5], "deny src fd00::/8", 1);
	set_rule(&rules[6], "deny src 10.0.0.0/8 tcp", 1);	/* same prefix as 0 */

	plan_build(rules, E1K_TRIE_SRC4, &p);
	e8 = plan_find(&p, "10.0.0.0", 8);
	e16 = plan_find(&p, "10.1.0.0", 16);
	e24 = plan_find(&p, "10.1.2.0", 24);
	ok = p.n == 3 && e8 && e16 && e24 && e8->rules[0] == (1u << 0 | 1u << 6) &&
	     e16->rules[0] == (1u << 0 | 1u << 1 | 1u << 6) &&
	     e24->rules[0] == (1u << 0 | 1u << 1 | 1u << 2 | 1u << 6) &&
	     !plan_find(&p, "10.2.0.0", 16);
	result("trie_plan_src4_containment", ok, "IPv4 source plan wrong");

	plan_build(rules, E1K_TRIE_DST4, &p);
	ok = p.n == 1 && (h = plan_find(&p, "192.168.0.0", 16)) && h->rules[0] == 1u << 2;
	result("trie_plan_dst4", ok, "IPv4 destination plan wrong");

	plan_build(rules, E1K_TRIE_SRC6, &p);
	ok = p.n == 1 && (h = plan_find(&p, "fd00::", 8)) && h->rules[0] == 1u << 5;
	result("trie_plan_src6_family", ok, "IPv6 plan mixes families");

	plan_build(rules, E1K_TRIE_SRC4, &p);
	e16 = plan_find(&p, "10.1.0.0", 16);
	ok = e16 != NULL;
	if (ok) {
		e1k_trie_key4(e16, &key);
		ok = sizeof(key) == 8 && key.prefixlen == 16 && key.addr[0] == 10 &&
		     key.addr[1] == 1 && key.addr[2] == 0;
	}
	result("trie_key_encoding", ok, "LPM key not {prefixlen, address}");

	memset(rules, 0, sizeof(rules));
	plan_build(rules, E1K_TRIE_SRC4, &p);
	result("trie_plan_empty", p.n == 0, "plan of no rules is not empty");

	/* Both banks in one set of entries, each right for both: bank 1's
	 * 10.1/16 entry carries bank 0's 10/8 rule, which contains it, or
	 * creating it would hide that rule from bank 0's frames. */
	set_rule(&rules[0], "deny src 10.0.0.0/8", 1);
	set_rule(&rules[E1K_FILTER_MAX_RULES + 3], "allow src 10.1.0.0/16", 1);
	plan_build(rules, E1K_TRIE_SRC4, &p);
	e8 = plan_find(&p, "10.0.0.0", 8);
	e16 = plan_find(&p, "10.1.0.0", 16);
	ok = p.n == 2 && e8 && e16 && e8->rules[0] == 1u && e8->rules[1] == 0 &&
	     e16->rules[0] == 1u && e16->rules[1] == 1u << 3;
	result("trie_plan_two_banks", ok, "entries not right for both banks");

	/* A rule typed again (del RULE, a duplicate add, load) is the same rule
	 * whatever counter id the filter gave it. */
	set_rule(&rules[0], "deny src 10.66.0.0/16", 1);
	set_rule(&rules[1], "deny src 10.66.0.0/16", 0);
	rules[0].id = 17;
	result("rule_same_ignores_id", rule_same(&rules[0], &rules[1]),
	       "a rule with a counter id is not the same as the rule typed again");
}

int main(void)
{
	expect_rule("deny_src", "deny src 10.0.0.0/8", "deny src 10.0.0.0/8");
	expect_rule("host_address", "drop dst 192.168.1.1", "deny dst 192.168.1.1/32");
	expect_rule("udp_dport", "deny udp dport 53", "deny udp dport 53");
	expect_rule("icmp_echo", "allow icmp type echo-request", "allow icmp type echo-request");
	expect_rule("icmp_numeric_type", "accept icmp type 13 code 0",
		    "allow icmp type timestamp-request code 0");
	expect_rule("icmpv6_echo", "deny icmpv6 type 128", "deny icmpv6 type echo-request");
	expect_rule("proto_name", "deny proto gre", "deny proto gre");
	expect_rule("proto_number", "deny proto 99", "deny proto 99");
	expect_rule("proto_tcp_word", "deny proto tcp", "deny tcp");
	expect_rule("ports_both_l4", "deny dport 22", "deny dport 22");
	expect_rule("ranges", "pass tcp sport 1024-65535 dport 80", "allow tcp sport 1024-65535 dport 80");
	expect_rule("ethertype_names", "deny ethertype arp", "deny ethertype arp");
	expect_rule("ethertype_number", "deny ethertype 0x88cc", "deny ethertype 0x88cc");
	expect_rule("ethertype_ipv6_number", "deny ethertype 34525", "deny ethertype ipv6");
	expect_rule("ipv6_both", "deny src fd00::/8 dst fd11::1 udp",
		    "deny src fd00::/8 dst fd11::1/128 udp");
	expect_rule("match_all", "deny", "deny");
	expect_rule("zero_prefix", "allow src 0.0.0.0/0", "allow src 0.0.0.0/0");
	/* Numbers are decimal: a leading zero is not octal (022 was port 18). */
	expect_rule("decimal_port_leading_zero", "deny udp dport 022", "deny udp dport 22");
	expect_rule("decimal_prefix_leading_zero", "deny src 10.0.0.0/010",
		    "deny src 10.0.0.0/10");
	expect_rule("decimal_proto_leading_zero", "deny proto 017", "deny udp");
	expect_rule("decimal_code_leading_zero", "deny icmp code 010", "deny icmp code 10");
	test_fields();
	test_trie_plan();

	expect_error("bad_action", "block src 10.0.0.0/8", "starts with allow or deny");
	expect_error("empty", "", "empty");
	expect_error("host_bits", "deny src 10.0.0.1/8", "host bits");
	expect_error("bad_prefix_len", "deny src 10.0.0.0/33", "prefix length");
	expect_error("bad_v6_prefix_len", "deny src fd00::/129", "prefix length");
	expect_error("bad_address", "deny src 10.0.0/8x", "bad address");
	expect_error("mixed_families", "deny src 10.0.0.0/8 dst fd00::/8", "one family");
	expect_error("missing_value", "deny src", "needs a value");
	expect_error("bad_port", "deny udp dport 70000", "bad port");
	expect_error("reversed_range", "deny udp dport 90-80", "bad port");
	expect_error("port_not_number", "deny udp dport dns", "bad port");
	expect_error("port_not_hex", "deny udp dport 0x16", "bad port");
	expect_error("prefix_len_not_hex", "deny src 10.0.0.0/0x8", "prefix length");
	expect_error("code_not_hex", "deny icmp code 0x1", "bad ICMP code");
	expect_error("ports_need_tcp_udp", "deny icmp dport 80", "ports need tcp or udp");
	expect_error("type_needs_icmp", "deny type echo-request", "need");
	expect_error("code_needs_icmp", "deny code 3", "need icmp or icmpv6");
	expect_error("code_needs_icmp_not_udp", "deny udp code 3", "need icmp or icmpv6");
	expect_error("type_unknown", "deny icmp type ping", "unknown ICMP type");
	expect_error("code_range", "deny icmp code 256", "bad ICMP code");
	expect_error("icmp_with_v6", "deny icmp src fd00::/8", "icmpv6");
	expect_error("icmpv6_with_v4", "deny icmpv6 dst 10.0.0.0/8", "icmp with IPv4");
	expect_error("duplicate", "deny udp dport 1 dport 2", "twice");
	expect_error("unknown_word", "deny from 10.0.0.0/8", "unknown word");
	expect_error("unknown_proto", "deny proto foo", "unknown protocol");
	expect_error("proto_too_big", "deny proto 256", "unknown protocol");
	expect_error("unknown_ethertype", "deny ethertype mpls", "unknown ethertype");
	expect_error("policy_word", "policy maybe", "allow or deny");
	expect_error("policy_arity", "policy", "one word");
	expect_error("unclassified_word", "unclassified sometimes", "or rules");

	return summary();
}
