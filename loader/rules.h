/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter's rule grammar, pure C with no BPF calls, so it is unit tested
 * on its own (tests/unit/loader_rules_test.c).
 *
 *   RULE   := ACTION MATCH...
 *   ACTION := allow | pass | accept | deny | drop
 *   MATCH  := src PREFIX | dst PREFIX          (CIDR, IPv4 or IPv6)
 *           | tcp | udp | icmp | icmpv6 | proto NAME|NUMBER
 *           | sport PORT[-PORT] | dport PORT[-PORT]
 *           | type ICMPTYPE | code NUMBER       (after icmp or icmpv6)
 *           | ethertype ipv4|ipv6|arp|vlan|qinq|NUMBER
 *   NUMBER, PORT, LEN: decimal (a leading zero is not octal); an EtherType
 *   NUMBER may also be 0x-hex.
 *   and the two settings:
 *           policy allow|deny                   (frames no rule matches)
 *           unclassified rules|allow|deny       (frames the parser cannot
 *                                                fully classify)
 */
#ifndef E1K_RULES_H
#define E1K_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "../bpf/e1k_xdp_maps.h"

enum rule_kind { RULE_MATCH, RULE_POLICY, RULE_UNCLASSIFIED };

struct parsed_rule {
	enum rule_kind kind;
	struct e1k_filter_rule rule;	/* RULE_MATCH; flags without ACTIVE */
	unsigned char setting;		/* RULE_POLICY: E1K_ACTION_*;
					 * RULE_UNCLASSIFIED: E1K_UNCLASS_* */
};

/* Parse the words of one rule. Returns 0, or -1 with a message in @err. */
int rule_parse(int argc, char *const argv[], struct parsed_rule *out,
	       char *err, size_t errlen);

/* Can @word start what rule_parse() reads (an action or a setting)? */
bool rule_first_word(const char *word);

/* The canonical text of a rule, which rule_parse() reads back to the same
 * rule. */
void rule_format(const struct e1k_filter_rule *r, char *buf, size_t len);

/* Same match and action (ignoring E1K_RULE_ACTIVE and the counter id)? */
bool rule_same(const struct e1k_filter_rule *a, const struct e1k_filter_rule *b);

/* A decimal number of at most @max (no sign, no leading blanks; a leading
 * zero is not octal): 0, or -1 when @s is not one. The loader's one parser
 * of the numbers people type (rules, slots, prefix lengths). */
int parse_decimal(const char *s, unsigned long max, unsigned long *out);

const char *policy_name(unsigned char action);
const char *unclass_name(unsigned char policy);

#endif
