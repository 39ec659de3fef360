// SPDX-License-Identifier: GPL-2.0
/* The filter's rule grammar: words <-> struct e1k_filter_rule (see rules.h). */
#include "rules.h"
#include "../bpf/e1k_filter_rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct name_num {
	const char *name;
	unsigned int num;
};

static const struct name_num protocols[] = {
	{ "icmp", IPPROTO_ICMP }, { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "sctp", 132 },
};

static const struct name_num ethertypes[] = {
	{ "ipv4", 0x0800 }, { "arp", 0x0806 }, { "vlan", 0x8100 },
	{ "ipv6", 0x86dd }, { "qinq", 0x88a8 },
};

static const struct name_num icmp4_types[] = {
	{ "echo-reply", 0 }, { "dest-unreachable", 3 }, { "redirect", 5 },
	{ "echo-request", 8 }, { "router-advertisement", 9 },
	{ "router-solicitation", 10 }, { "time-exceeded", 11 },
	{ "parameter-problem", 12 }, { "timestamp-request", 13 },
	{ "timestamp-reply", 14 },
};

static const struct name_num icmp6_types[] = {
	{ "dest-unreachable", 1 }, { "packet-too-big", 2 },
	{ "time-exceeded", 3 }, { "parameter-problem", 4 },
	{ "echo-request", 128 }, { "echo-reply", 129 },
	{ "router-solicitation", 133 }, { "router-advertisement", 134 },
	{ "neighbour-solicitation", 135 }, { "neighbour-advertisement", 136 },
	{ "redirect", 137 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *name_of(const struct name_num *t, size_t n, unsigned int num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

/* Which numbers a word may be: ports, prefix lengths, protocols and ICMP
 * numbers are decimal (a leading zero is not octal: "dport 022" is port 22);
 * only EtherTypes, which are written in hex everywhere, may also be 0x-hex. */
enum num_base { NUM_DECIMAL = 10, NUM_DECIMAL_OR_HEX = 0 };

/* A number no larger than @max, of the bases @base allows. */
static int parse_uint_base(const char *s, enum num_base base, unsigned long max,
			   unsigned long *out)
{
	bool hex = base == NUM_DECIMAL_OR_HEX && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *end;

	if (!(hex ? isxdigit((unsigned char)digits[0]) : isdigit((unsigned char)digits[0])))
		return -1;
	errno = 0;
	*out = strtoul(digits, &end, hex ? 16 : 10);
	return (errno || *end || *out > max) ? -1 : 0;
}

int parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
	return parse_uint_base(s, NUM_DECIMAL, max, out);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	return parse_decimal(s, max, out);
}

static int lookup(const struct name_num *t, size_t n, const char *s, enum num_base base,
		  unsigned long max, unsigned long *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, s)) {
			*out = t[i].num;
			return 0;
		}
	}
	return parse_uint_base(s, base, max, out);
}

/* PREFIX: ADDR[/LEN]; host bits must be zero so the rule means one thing. */
static int parse_prefix(const char *s, unsigned char *family, unsigned char addr[16],
			unsigned char *len, char *err, size_t errlen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen, max;
	int fam;

	if (alen == 0 || alen >= sizeof(buf))
		return fail(err, errlen, "bad address '%s'", s);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		fam = E1K_FAMILY_IPV4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		fam = E1K_FAMILY_IPV6;
		max = 128;
	} else {
		return fail(err, errlen, "bad address '%s' (want IPv4 or IPv6, e.g. 10.0.0.0/8)", buf);
	}
	plen = max;
	if (slash && parse_uint(slash + 1, max, &plen))
		return fail(err, errlen, "bad prefix length in '%s' (0 to %lu)", s, max);
	for (unsigned long bit = plen; bit < max; bit++) {
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return fail(err, errlen, "'%s' has host bits set beyond /%lu", s, plen);
	}
	if (*family != E1K_FAMILY_NONE && *family != fam)
		return fail(err, errlen, "src and dst must be of one family (IPv4 or IPv6)");
	*family = (unsigned char)fam;
	*len = (unsigned char)plen;
	return 0;
}

static int parse_ports(const char *s, unsigned short *lo, unsigned short *hi)
{
	char buf[32];
	const char *dash = strchr(s, '-');
	unsigned long a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	if (!dash) {
		if (parse_uint(s, 65535, &a))
			return -1;
		b = a;
	} else {
		memcpy(buf, s, (size_t)(dash - s));
		buf[dash - s] = '\0';
		if (parse_uint(buf, 65535, &a) || parse_uint(dash + 1, 65535, &b) || a > b)
			return -1;
	}
	*lo = (unsigned short)a;
	*hi = (unsigned short)b;
	return 0;
}

static int parse_action(const char *s, unsigned char *action)
{
	if (!strcmp(s, "allow") || !strcmp(s, "pass") || !strcmp(s, "accept"))
		*action = E1K_ACTION_PASS;
	else if (!strcmp(s, "deny") || !strcmp(s, "drop"))
		*action = E1K_ACTION_DROP;
	else
		return -1;
	return 0;
}

bool rule_first_word(const char *word)
{
	unsigned char action;

	return !parse_action(word, &action) || !strcmp(word, "policy") ||
	       !strcmp(word, "unclassified");
}

static int parse_setting(int argc, char *const argv[], struct parsed_rule *out,
			 char *err, size_t errlen)
{
	const char *what = argv[0];

	if (argc != 2)
		return fail(err, errlen, "'%s' takes one word: %s", what,
			    out->kind == RULE_POLICY ? "allow or deny" : "rules, allow or deny");
	if (out->kind == RULE_UNCLASSIFIED && !strcmp(argv[1], "rules")) {
		out->setting = E1K_UNCLASS_RULES;
		return 0;
	}
	if (parse_action(argv[1], &out->setting))
		return fail(err, errlen, "'%s %s': want allow or deny%s", what, argv[1],
			    out->kind == RULE_UNCLASSIFIED ? " or rules" : "");
	if (out->kind == RULE_UNCLASSIFIED)
		out->setting = out->setting == E1K_ACTION_PASS ? E1K_UNCLASS_PASS :
								 E1K_UNCLASS_DROP;
	return 0;
}

int rule_parse(int argc, char *const argv[], struct parsed_rule *out,
	       char *err, size_t errlen)
{
	struct e1k_filter_rule *r = &out->rule, active;
	const char *why;
	unsigned long v;

	memset(out, 0, sizeof(*out));
	if (argc < 1)
		return fail(err, errlen, "empty rule");
	if (!strcmp(argv[0], "policy")) {
		out->kind = RULE_POLICY;
		return parse_setting(argc, argv, out, err, errlen);
	}
	if (!strcmp(argv[0], "unclassified")) {
		out->kind = RULE_UNCLASSIFIED;
		return parse_setting(argc, argv, out, err, errlen);
	}
	out->kind = RULE_MATCH;
	if (parse_action(argv[0], &r->action))
		return fail(err, errlen, "a rule starts with allow or deny (or: policy, unclassified), not '%s'",
			    argv[0]);

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned int flag = 0;

		if (!strcmp(w, "tcp") || !strcmp(w, "udp") || !strcmp(w, "icmp") ||
		    !strcmp(w, "icmpv6")) {
			lookup(protocols, COUNT(protocols), w, NUM_DECIMAL, 255, &v);
			flag = E1K_MATCH_PROTO;
			r->proto = (unsigned char)v;
		} else if (!arg) {
			return fail(err, errlen, "'%s' needs a value", w);
		} else if (!strcmp(w, "src") || !strcmp(w, "dst")) {
			bool src = w[0] == 's';

			flag = src ? E1K_MATCH_SRC : E1K_MATCH_DST;
			if (parse_prefix(arg, &r->family, src ? r->src : r->dst,
					 src ? &r->src_len : &r->dst_len, err, errlen))
				return -1;
			i++;
		} else if (!strcmp(w, "proto")) {
			flag = E1K_MATCH_PROTO;
			if (lookup(protocols, COUNT(protocols), arg, NUM_DECIMAL, 255, &v))
				return fail(err, errlen, "unknown protocol '%s'", arg);
			r->proto = (unsigned char)v;
			i++;
		} else if (!strcmp(w, "sport") || !strcmp(w, "dport")) {
			bool s = w[0] == 's';

			flag = s ? E1K_MATCH_SPORT : E1K_MATCH_DPORT;
			if (parse_ports(arg, s ? &r->sport_min : &r->dport_min,
					s ? &r->sport_max : &r->dport_max))
				return fail(err, errlen, "bad port or range '%s' (0-65535, LOW-HIGH)", arg);
			i++;
		} else if (!strcmp(w, "type")) {
			flag = E1K_MATCH_ICMP_TYPE;
			if (!(r->flags & E1K_MATCH_PROTO))
				return fail(err, errlen, "'type' needs icmp or icmpv6 first");
			if (r->proto == IPPROTO_ICMPV6 ?
				    lookup(icmp6_types, COUNT(icmp6_types), arg, NUM_DECIMAL, 255, &v) :
				    lookup(icmp4_types, COUNT(icmp4_types), arg, NUM_DECIMAL, 255, &v))
				return fail(err, errlen, "unknown ICMP type '%s'", arg);
			r->icmp_type = (unsigned char)v;
			i++;
		} else if (!strcmp(w, "code")) {
			flag = E1K_MATCH_ICMP_CODE;
			if (parse_uint(arg, 255, &v))
				return fail(err, errlen, "bad ICMP code '%s' (0-255)", arg);
			r->icmp_code = (unsigned char)v;
			i++;
		} else if (!strcmp(w, "ethertype")) {
			flag = E1K_MATCH_ETHERTYPE;
			if (lookup(ethertypes, COUNT(ethertypes), arg, NUM_DECIMAL_OR_HEX, 0xffff, &v))
				return fail(err, errlen, "unknown ethertype '%s'", arg);
			r->ethertype = (unsigned short)v;
			i++;
		} else {
			return fail(err, errlen, "unknown word '%s' in rule", w);
		}
		if (r->flags & flag)
			return fail(err, errlen, "'%s' given twice", w);
		r->flags |= flag;
	}
	/* Once every word is read: the combinations that cannot mean anything,
	 * judged by the validator every write goes through. */
	active = *r;
	active.flags |= E1K_RULE_ACTIVE;
	why = e1k_rule_check(&active);
	return why ? fail(err, errlen, "%s", why) : 0;
}

static void appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void append_prefix(char *buf, size_t len, const char *word, unsigned char family,
			  const unsigned char *addr, unsigned char plen)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(family == E1K_FAMILY_IPV4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
	appendf(buf, len, " %s %s/%u", word, text, plen);
}

static void append_ports(char *buf, size_t len, const char *word, unsigned short lo,
			 unsigned short hi)
{
	if (lo == hi)
		appendf(buf, len, " %s %u", word, lo);
	else
		appendf(buf, len, " %s %u-%u", word, lo, hi);
}

void rule_format(const struct e1k_filter_rule *r, char *buf, size_t len)
{
	const char *name;

	if (!len)
		return;
	buf[0] = '\0';
	appendf(buf, len, "%s", r->action == E1K_ACTION_PASS ? "allow" : "deny");
	if (r->flags & E1K_MATCH_ETHERTYPE) {
		name = name_of(ethertypes, COUNT(ethertypes), r->ethertype);
		if (name)
			appendf(buf, len, " ethertype %s", name);
		else
			appendf(buf, len, " ethertype 0x%04x", r->ethertype);
	}
	if (r->flags & E1K_MATCH_SRC)
		append_prefix(buf, len, "src", r->family, r->src, r->src_len);
	if (r->flags & E1K_MATCH_DST)
		append_prefix(buf, len, "dst", r->family, r->dst, r->dst_len);
	if (r->flags & E1K_MATCH_PROTO) {
		name = name_of(protocols, COUNT(protocols), r->proto);
		if (name && (!strcmp(name, "tcp") || !strcmp(name, "udp") ||
			     !strcmp(name, "icmp") || !strcmp(name, "icmpv6")))
			appendf(buf, len, " %s", name);
		else if (name)
			appendf(buf, len, " proto %s", name);
		else
			appendf(buf, len, " proto %u", r->proto);
	}
	if (r->flags & E1K_MATCH_SPORT)
		append_ports(buf, len, "sport", r->sport_min, r->sport_max);
	if (r->flags & E1K_MATCH_DPORT)
		append_ports(buf, len, "dport", r->dport_min, r->dport_max);
	if (r->flags & E1K_MATCH_ICMP_TYPE) {
		name = r->proto == IPPROTO_ICMPV6 ?
			       name_of(icmp6_types, COUNT(icmp6_types), r->icmp_type) :
			       name_of(icmp4_types, COUNT(icmp4_types), r->icmp_type);
		if (name)
			appendf(buf, len, " type %s", name);
		else
			appendf(buf, len, " type %u", r->icmp_type);
	}
	if (r->flags & E1K_MATCH_ICMP_CODE)
		appendf(buf, len, " code %u", r->icmp_code);
}

bool rule_same(const struct e1k_filter_rule *a, const struct e1k_filter_rule *b)
{
	struct e1k_filter_rule x = *a, y = *b;

	/* What the rule means: not whether it is switched on, nor which
	 * counter it has (a rule typed again has none yet). */
	x.flags &= ~E1K_RULE_ACTIVE;
	y.flags &= ~E1K_RULE_ACTIVE;
	x.id = 0;
	y.id = 0;
	return !memcmp(&x, &y, sizeof(x));
}

const char *policy_name(unsigned char action)
{
	return action == E1K_ACTION_DROP ? "deny" : "allow";
}

const char *unclass_name(unsigned char policy)
{
	switch (policy) {
	case E1K_UNCLASS_PASS: return "allow";
	case E1K_UNCLASS_DROP: return "deny";
	default: return "rules";
	}
}
