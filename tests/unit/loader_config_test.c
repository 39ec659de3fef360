// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's files (loader/config.c): configurations that `apply` reads
 * and rule set files that `filter load` reads. A good file gives exactly
 * what it says; each kind of bad line is refused with "PATH:LINE: reason",
 * the line being the one an operator has to fix. A printed rule set reads
 * back to the same set.
 * Output: "PASS name" / "FAIL name: reason" per test, then "N passed, N failed".
 */
#include "../../loader/config.h"
#include "../../loader/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOST_SUITE "loader_config"
#include "host_result.h"

static char path[64];

/* @text into a file of its own; its path in path[]. */
static void write_file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/e1k-config-test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		perror("mkstemp");
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static struct config cfg;

/* Reading @text must fail on line @line with @reason in the message. */
static void refused(const char *name, const char *text, int line, const char *reason)
{
	char err[600], want[96], why[800];

	write_file(text);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (!config_read(path, &cfg, err, sizeof(err))) {
		result(name, 0, "accepted");
	} else if (strncmp(err, want, strlen(want)) || !strstr(err, reason)) {
		snprintf(why, sizeof(why), "said '%s', want '%s...%s'", err, want, reason);
		result(name, 0, why);
	} else {
		result(name, 1, NULL);
	}
	unlink(path);
}

static void test_good_file(void)
{
	char err[600], text[256];
	const struct config_iface *a, *b, *c;
	int ok;

	write_file("# the configuration of a test\n"
		   "\n"
		   "interface eth0   # the first port\n"
		   "\tallow icmp\n"
		   "\tprogram filter\n"
		   "\tpolicy deny\r\n"
		   "\tdeny src 10.0.0.0/8 tcp dport 22\n"
		   "\tunclassified deny\n"
		   "interface eth1\n"
		   "  program /opt/x.bpf.o prog-name my_prog section xdp/my\n"
		   "interface eth2\n"
		   "  program none\n");
	if (config_read(path, &cfg, err, sizeof(err))) {
		result("good_file", 0, err);
		unlink(path);
		return;
	}
	unlink(path);
	a = config_find(&cfg, "eth0");
	b = config_find(&cfg, "eth1");
	c = config_find(&cfg, "eth2");
	ok = cfg.n == 3 && a && b && c && !config_find(&cfg, "eth3");
	ok = ok && a->line == 3 && a->program_line == 5 && !strcmp(a->program, "filter") &&
	     !a->detach && a->rules_line == 4 && a->rules.n == 2 &&
	     a->rules.policy == E1K_ACTION_DROP && a->rules.unclass == E1K_UNCLASS_DROP &&
	     a->rules.r[0].id == RULESET_NEW_ID;
	if (ok) {
		rule_format(&a->rules.r[1], text, sizeof(text));
		ok = !strcmp(text, "deny src 10.0.0.0/8 tcp dport 22");
	}
	ok = ok && !strcmp(b->program, "/opt/x.bpf.o") && !strcmp(b->prog_name, "my_prog") &&
	     !strcmp(b->section, "xdp/my") && b->rules_line == 0 && b->rules.n == 0 &&
	     b->rules.policy == E1K_ACTION_PASS && b->rules.unclass == E1K_UNCLASS_RULES;
	ok = ok && c->detach && c->program[0] == '\0';
	result("good_file", ok, "a section not read as written");
}

static void test_empty_file(void)
{
	char err[600];

	write_file("# nothing configured yet\n\n");
	result("empty_file", !config_read(path, &cfg, err, sizeof(err)) && cfg.n == 0, err);
	unlink(path);
}

static void test_refused(void)
{
	char many[64 * 40 + 64], *p;
	static char rules[200 * 40];

	refused("before_interface", "program filter\n", 1, "before the first interface line");
	refused("unknown_statement", "interface eth0\n program drop\n progam drop\n", 3,
		"unknown statement 'progam'");
	refused("second_section", "interface eth0\n program drop\n\ninterface eth0\n program pass\n",
		4, "a second section for eth0 (the first on line 1)");
	refused("second_program", "interface eth0\n program drop\n program pass\n", 3,
		"a second program for eth0 (the first on line 2)");
	refused("no_program", "interface eth0\n\ninterface eth1\n program pass\n", 1,
		"interface eth0 has no program line");
	refused("no_program_last", "interface eth0\n program pass\ninterface eth1\n", 3,
		"interface eth1 has no program line");
	refused("rules_not_filter", "interface eth0\n program drop\n policy deny\n deny udp\n", 3,
		"whose program is drop, not the filter");
	refused("rules_program_none", "interface eth0\n deny udp\n program none\n", 2,
		"whose program is none, not the filter");
	refused("bad_rule", "interface eth0\n program filter\n deny src 10.0.0.0/33\n", 3,
		"bad prefix length");
	refused("bad_policy", "interface eth0\n program filter\n policy maybe\n", 3, "maybe");
	refused("same_rule_twice", "interface eth0\n program filter\n deny udp\n allow tcp\n deny udp\n",
		5, "the same rule twice");
	refused("unknown_program", "interface eth0\n program dorp\n", 2, "unknown program 'dorp'");
	refused("program_none_extra", "interface eth0\n program none now\n", 2,
		"program none takes nothing after it");
	refused("program_no_name", "interface eth0\n program\n", 2, "program needs a name");
	refused("program_option_value", "interface eth0\n program /x.o prog-name\n", 2,
		"prog-name needs a value");
	refused("program_option_unknown", "interface eth0\n program /x.o mode skb\n", 2,
		"unknown program option 'mode'");
	refused("interface_no_name", "interface\n", 1, "interface takes one name");
	refused("interface_two_names", "interface eth0 eth1\n", 1, "interface takes one name");
	refused("interface_bad_name", "interface a/b\n", 1, "'a/b' is not an interface name");
	refused("interface_long_name", "interface abcdefghijklmnop\n", 1, "is not an interface name");

	memset(many, 'x', sizeof(many));
	memcpy(many, "interface eth0\n program pass\n # ", 32);
	many[sizeof(many) - 2] = '\n';
	many[sizeof(many) - 1] = '\0';
	refused("line_too_long", many, 3, "line longer than 1024 characters");

	p = rules;
	p += sprintf(p, "interface eth0\n program filter\n");
	for (int i = 0; i <= E1K_FILTER_MAX_RULES; i++)
		p += sprintf(p, " deny udp dport %d\n", 1000 + i);
	snprintf(many, sizeof(many), "more than %d rules", E1K_FILTER_MAX_RULES);
	refused("too_many_rules", rules, 2 + E1K_FILTER_MAX_RULES + 1, many);

	p = rules;
	for (int i = 0; i <= CONFIG_MAX_INTERFACES; i++)
		p += sprintf(p, "interface e%d\n program pass\n", i);
	refused("too_many_interfaces", rules, 2 * CONFIG_MAX_INTERFACES + 1, "more than 64 interfaces");
}

static void test_missing_file(void)
{
	char err[600];

	result("missing_file",
	       config_read("/nonexistent/e1k.conf", &cfg, err, sizeof(err)) &&
		       strstr(err, "cannot read '/nonexistent/e1k.conf'"),
	       err);
}

/* What ruleset_file_print writes, ruleset_file_read reads back the same. */
static void test_ruleset_round_trip(void)
{
	struct ruleset a, b;
	char err[600];
	FILE *f;
	int ok;

	write_file("policy deny\n"
		   "deny src 10.0.0.0/8 tcp dport 22-25\n"
		   "allow icmpv6 type echo-request\n"
		   "allow dst fd00::/64 udp sport 53\n"
		   "unclassified allow\n"
		   "deny ethertype arp\n");
	if (ruleset_file_read(path, &a, err, sizeof(err))) {
		result("ruleset_round_trip", 0, err);
		unlink(path);
		return;
	}
	f = fopen(path, "w");
	if (!f) {
		result("ruleset_round_trip", 0, "cannot rewrite the file");
		return;
	}
	ruleset_file_print(f, &a, "\t");
	fclose(f);
	ok = !ruleset_file_read(path, &b, err, sizeof(err));
	unlink(path);
	ok = ok && a.n == 4 && b.n == a.n && a.policy == E1K_ACTION_DROP &&
	     a.unclass == E1K_UNCLASS_PASS && b.policy == a.policy && b.unclass == a.unclass;
	for (unsigned int i = 0; ok && i < a.n; i++)
		ok = rule_same(&a.r[i], &b.r[i]);
	result("ruleset_round_trip", ok, "the set read back differs");
}

static void test_ruleset_refused(void)
{
	struct ruleset set;
	char err[600], want[96];

	write_file("deny udp\n# fine\n\nallow tcp dport 99999\n");
	snprintf(want, sizeof(want), "%s:4: ", path);
	result("ruleset_bad_line",
	       ruleset_file_read(path, &set, err, sizeof(err)) && !strncmp(err, want, strlen(want)),
	       err);
	unlink(path);
}

int main(void)
{
	test_good_file();
	test_empty_file();
	test_refused();
	test_missing_file();
	test_ruleset_round_trip();
	test_ruleset_refused();
	return summary();
}
