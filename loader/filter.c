// SPDX-License-Identifier: GPL-2.0
/*
 * filter add|del|list|flush: the rules of the xdp_filter program attached to
 * an interface. Map layouts and the order of updates that keeps a running
 * program from ever seeing a half-written rule set are specified in
 * bpf/e1k_xdp_maps.h ("Updating rules"); this file follows them.
 */
#include "json.h"
#include "loader.h"
#include "rules.h"
#include "../bpf/e1k_filter_rules.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct filter_maps {
	const char *ifname;
	int cfg, rules, hits;
	int trie[E1K_TRIE_COUNT];
};

/* A key of either trie family, as the map stores it. */
union lpm_key {
	struct e1k_lpm4_key v4;
	struct e1k_lpm6_key v6;
};

static void filter_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG_NAME " filter add IFACE RULE\n"
		"       " PROG_NAME " filter del IFACE RULE|SLOT\n"
		"       " PROG_NAME " filter list IFACE [--json]\n"
		"       " PROG_NAME " filter flush IFACE\n"
		"\n"
		"Manage the rules of the filter program attached to IFACE (attach it with\n"
		"`" PROG_NAME " attach IFACE filter` or `ip link set dev IFACE xdp obj\n"
		"xdp_filter.bpf.o sec xdp`). Rules are tried in order; the first match\n"
		"decides; new rules go after the last one.\n"
		"\n"
		"  RULE := allow|deny MATCH...\n"
		"  MATCH := src PREFIX | dst PREFIX | tcp | udp | icmp | icmpv6\n"
		"         | proto NAME|NUMBER | sport PORT[-PORT] | dport PORT[-PORT]\n"
		"         | type ICMPTYPE | code N | ethertype ipv4|ipv6|arp|vlan|qinq|N\n"
		"  settings (with add): policy allow|deny        frames no rule matches\n"
		"                       unclassified rules|allow|deny\n"
		"                                   frames the parser cannot fully classify\n"
		"\n"
		"examples: deny src 10.0.0.0/8 | deny udp dport 53 |\n"
		"          allow icmp type echo-request | policy deny\n");
}

/* What a command changed: "VERB rule SLOT: RULE", or with --json
 * {"interface", "change": VERB, "slot", "rule"}. */
static void say_rule(const struct filter_maps *m, const char *verb, uint32_t slot,
		     const char *text)
{
	struct json j;

	if (!g_opts.json) {
		printf("%s rule %u: %s\n", verb, slot, text);
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "interface");
	json_str(&j, m->ifname);
	json_key(&j, "change");
	json_str(&j, verb);
	json_key(&j, "slot");
	json_u64(&j, slot);
	json_key(&j, "rule");
	json_str(&j, text);
	json_obj_end(&j);
	json_finish(&j);
}

static void close_maps(struct filter_maps *m)
{
	int *fds[] = { &m->cfg, &m->rules, &m->hits, &m->trie[0], &m->trie[1],
		       &m->trie[2], &m->trie[3] };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int open_map(uint32_t prog_id, const struct map_layout *want, int *fd)
{
	*fd = attached_map_fd("filter", prog_id, want, false);
	return *fd < 0 ? *fd : 0;
}

/* The filter's maps, from the program attached to @ifname, each of the
 * layout this loader was built for. */
static int open_maps(const char *ifname, struct filter_maps *m)
{
	struct xdp_attached att;
	int ifindex, err;

	memset(m, -1, sizeof(*m));
	m->ifname = ifname;
	ifindex = iface_index("filter", ifname);
	if (ifindex < 0)
		return ifindex;
	err = xdp_attached_query(ifindex, &att);
	if (err) {
		err_msg("filter", "%s: cannot query XDP: %s", ifname, strerror(-err));
		return err;
	}
	if (att.mode == XDP_MODE_NONE) {
		err_msg("filter", "%s has no XDP program attached (attach the filter first: " PROG_NAME
			" attach %s filter)", ifname, ifname);
		return -ENOENT;
	}
	err = open_map(att.prog_id, &layout_filter_rules, &m->rules);
	if (!err)
		err = open_map(att.prog_id, &layout_filter_cfg, &m->cfg);
	if (!err)
		err = open_map(att.prog_id, &layout_filter_hits, &m->hits);
	for (int t = 0; t < E1K_TRIE_COUNT && !err; t++)
		err = open_map(att.prog_id, &layout_filter_trie[t], &m->trie[t]);
	if (err == -ENOENT)
		err_msg("filter", "%s: the attached program (id %u) is not the e1k filter", ifname,
			att.prog_id);
	if (err)
		close_maps(m);
	return err;
}

static int read_rules(const struct filter_maps *m, struct e1k_filter_rule *rules)
{
	for (uint32_t i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		if (bpf_map_lookup_elem(m->rules, &i, &rules[i])) {
			err_msg("filter", "reading rule %u: %s", i, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Sum the per-CPU hit counters of one slot. */
static int read_hits(const struct filter_maps *m, uint32_t slot, struct e1k_stats *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct e1k_stats *v;

	memset(sum, 0, sizeof(*sum));
	if (ncpus <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->hits, &slot, v)) {
		free(v);
		return -errno;
	}
	for (int c = 0; c < ncpus; c++) {
		sum->packets += v[c].packets;
		sum->bytes += v[c].bytes;
	}
	free(v);
	return 0;
}

static int zero_hits(const struct filter_maps *m, uint32_t slot)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	struct e1k_stats *v;

	if (ncpus <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_update_elem(m->hits, &slot, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

static bool trie_is_v4(enum e1k_trie t)
{
	return t == E1K_TRIE_SRC4 || t == E1K_TRIE_DST4;
}

/* The size of trie t's keys: struct e1k_lpm4_key or e1k_lpm6_key. */
static size_t trie_key_size(enum e1k_trie t)
{
	return trie_is_v4(t) ? sizeof(struct e1k_lpm4_key) : sizeof(struct e1k_lpm6_key);
}

/* Plan entry e as a key of trie t; returns the key's size. */
static size_t trie_key(enum e1k_trie t, const struct e1k_trie_entry *e, union lpm_key *key)
{
	memset(key, 0, sizeof(*key));
	if (trie_is_v4(t))
		e1k_trie_key4(e, &key->v4);
	else
		e1k_trie_key6(e, &key->v6);
	return trie_key_size(t);
}

static bool plan_has(enum e1k_trie t, const struct e1k_trie_entry *plan, int n,
		     const union lpm_key *key)
{
	union lpm_key mine;

	for (int i = 0; i < n; i++) {
		size_t ksize = trie_key(t, &plan[i], &mine);

		if (!memcmp(&mine, key, ksize))
			return true;
	}
	return false;
}

/* Make the tries hold exactly the plan for @rules: update every planned
 * entry first, then delete the entries the plan no longer has. */
static int sync_tries(const struct filter_maps *m, const struct e1k_filter_rule *rules)
{
	struct e1k_trie_entry plan[E1K_FILTER_MAX_RULES];

	for (int t = 0; t < E1K_TRIE_COUNT; t++) {
		const char *name = e1k_trie_map_name(t);
		union lpm_key key, next;
		size_t ksize = trie_key_size(t);
		bool have_key = false;
		int n;

		n = e1k_trie_plan(rules, E1K_FILTER_MAX_RULES, t, plan, E1K_FILTER_MAX_RULES);
		if (n < 0) {
			err_msg("filter", "planning %s: rule table out of range", name);
			return -EINVAL;
		}
		for (int i = 0; i < n; i++) {
			struct e1k_lpm_val val = { .rules = plan[i].rules };

			trie_key(t, &plan[i], &key);
			if (bpf_map_update_elem(m->trie[t], &key, &val, BPF_ANY)) {
				err_msg("filter", "updating %s: %s", name, strerror(errno));
				return -errno;
			}
		}
		/* Walk the trie and drop what the plan does not hold. Restart
		 * after each delete: the iteration order may change. */
		while (!bpf_map_get_next_key(m->trie[t], have_key ? &key : NULL, &next)) {
			memset(&key, 0, sizeof(key));
			memcpy(&key, &next, ksize);
			have_key = true;
			if (plan_has(t, plan, n, &key))
				continue;
			if (bpf_map_delete_elem(m->trie[t], &key) && errno != ENOENT) {
				err_msg("filter", "pruning %s: %s", name, strerror(errno));
				return -errno;
			}
			have_key = false;
		}
	}
	return 0;
}

static int write_rule(const struct filter_maps *m, uint32_t slot, const struct e1k_filter_rule *r)
{
	const char *why = e1k_rule_check(r);

	/* The one validator, before every write: whatever path built @r. */
	if (why) {
		err_msg("filter", "refusing to write rule %u: %s", slot, why);
		return -EINVAL;
	}
	if (bpf_map_update_elem(m->rules, &slot, r, BPF_ANY)) {
		err_msg("filter", "writing rule %u: %s", slot, strerror(errno));
		return -errno;
	}
	return 0;
}

static int set_setting(const struct filter_maps *m, const struct parsed_rule *p)
{
	struct e1k_filter_cfg cfg = {};
	const char *what, *value;
	uint32_t zero = 0;
	struct json j;

	if (bpf_map_lookup_elem(m->cfg, &zero, &cfg))
		return -errno;
	if (p->kind == RULE_POLICY)
		cfg.default_policy = p->setting;
	else
		cfg.unclass_policy = p->setting;
	if (bpf_map_update_elem(m->cfg, &zero, &cfg, BPF_ANY)) {
		err_msg("filter", "writing the configuration: %s", strerror(errno));
		return -errno;
	}
	what = p->kind == RULE_POLICY ? "policy" : "unclassified";
	value = p->kind == RULE_POLICY ? policy_name(p->setting) : unclass_name(p->setting);
	if (!g_opts.json) {
		printf("%s %s\n", what, value);
		return 0;
	}
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "interface");
	json_str(&j, m->ifname);
	json_key(&j, "change");
	json_str(&j, "set");
	json_key(&j, what);
	json_str(&j, value);
	json_obj_end(&j);
	json_finish(&j);
	return 0;
}

static int filter_add(const struct filter_maps *m, const struct parsed_rule *p)
{
	struct e1k_filter_rule rules[E1K_FILTER_MAX_RULES], r = p->rule;
	char text[256];
	int last = -1, err;
	uint32_t slot;

	if (p->kind != RULE_MATCH)
		return set_setting(m, p);
	err = read_rules(m, rules);
	if (err)
		return err;
	for (int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		if (!(rules[i].flags & E1K_RULE_ACTIVE))
			continue;
		last = i;
		if (rule_same(&rules[i], &r)) {
			rule_format(&r, text, sizeof(text));
			err_msg("filter", "'%s' is already rule %d", text, i);
			return -EEXIST;
		}
	}
	if (last + 1 >= E1K_FILTER_MAX_RULES) {
		err_msg("filter", "no slot after the last rule (%d rules at most): delete or flush rules",
			E1K_FILTER_MAX_RULES);
		return -ENOSPC;
	}
	slot = (uint32_t)(last + 1);

	/* Inactive first, counters zeroed, tries planned with the rule in,
	 * and only then the rule switched on. */
	r.flags &= ~E1K_RULE_ACTIVE;
	err = write_rule(m, slot, &r);
	if (!err)
		err = zero_hits(m, slot);
	rules[slot] = r;
	rules[slot].flags |= E1K_RULE_ACTIVE;
	if (!err)
		err = sync_tries(m, rules);
	if (!err)
		err = write_rule(m, slot, &rules[slot]);
	if (err) {
		/* Leave no half-added rule behind. */
		struct e1k_filter_rule off = {};

		write_rule(m, slot, &off);
		rules[slot] = off;
		sync_tries(m, rules);
		return err;
	}
	rule_format(&r, text, sizeof(text));
	say_rule(m, "added", slot, text);
	return 0;
}

static int filter_del(const struct filter_maps *m, int argc, char **argv)
{
	struct e1k_filter_rule rules[E1K_FILTER_MAX_RULES], off = {};
	struct parsed_rule p;
	char err_text[256], text[256];
	int slot = -1, err;

	err = read_rules(m, rules);
	if (err)
		return err;
	if (argc == 1 && argv[0][0] >= '0' && argv[0][0] <= '9') {
		unsigned long v;

		if (parse_decimal(argv[0], E1K_FILTER_MAX_RULES - 1, &v)) {
			err_msg("filter", "bad slot '%s' (0 to %d)", argv[0], E1K_FILTER_MAX_RULES - 1);
			return -EINVAL;
		}
		slot = (int)v;
		if (!(rules[slot].flags & E1K_RULE_ACTIVE)) {
			err_msg("filter", "slot %d holds no rule", slot);
			return -ENOENT;
		}
	} else {
		if (rule_parse(argc, argv, &p, err_text, sizeof(err_text))) {
			err_msg("filter", "%s", err_text);
			return -EINVAL;
		}
		if (p.kind != RULE_MATCH) {
			err_msg("filter", "del takes a rule or a slot; settings are changed with add");
			return -EINVAL;
		}
		for (int i = 0; i < E1K_FILTER_MAX_RULES && slot < 0; i++)
			if ((rules[i].flags & E1K_RULE_ACTIVE) && rule_same(&rules[i], &p.rule))
				slot = i;
		if (slot < 0) {
			rule_format(&p.rule, text, sizeof(text));
			err_msg("filter", "no rule '%s'", text);
			return -ENOENT;
		}
	}
	rule_format(&rules[slot], text, sizeof(text));
	err = write_rule(m, (uint32_t)slot, &off);
	rules[slot] = off;
	if (!err)
		err = sync_tries(m, rules);
	if (!err)
		say_rule(m, "deleted", (uint32_t)slot, text);
	return err;
}

static int filter_flush(const struct filter_maps *m)
{
	struct e1k_filter_rule rules[E1K_FILTER_MAX_RULES], off = {};
	struct json j;
	int n = 0, err;

	err = read_rules(m, rules);
	if (err)
		return err;
	for (uint32_t i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		if (!(rules[i].flags & E1K_RULE_ACTIVE))
			continue;
		err = write_rule(m, i, &off);
		if (err)
			return err;
		rules[i] = off;
		n++;
	}
	err = sync_tries(m, rules);
	if (err)
		return err;
	if (!g_opts.json) {
		printf("flushed %d rules\n", n);
		return 0;
	}
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "interface");
	json_str(&j, m->ifname);
	json_key(&j, "change");
	json_str(&j, "flushed");
	json_key(&j, "rules");
	json_u64(&j, (uint64_t)n);
	json_obj_end(&j);
	json_finish(&j);
	return 0;
}

static void json_hits(struct json *j, const struct e1k_stats *h)
{
	json_key(j, "packets");
	json_u64(j, h->packets);
	json_key(j, "bytes");
	json_u64(j, h->bytes);
}

static int filter_list(const struct filter_maps *m, const char *ifname)
{
	struct e1k_filter_rule rules[E1K_FILTER_MAX_RULES];
	struct e1k_filter_cfg cfg = {};
	struct e1k_stats hits, dflt, unclass;
	uint32_t zero = 0;
	char text[256];
	struct json j;
	int err;

	err = read_rules(m, rules);
	if (err)
		return err;
	if (bpf_map_lookup_elem(m->cfg, &zero, &cfg)) {
		err_msg("filter", "reading the configuration: %s", strerror(errno));
		return -errno;
	}
	read_hits(m, E1K_FILTER_HIT_DEFAULT, &dflt);
	read_hits(m, E1K_FILTER_HIT_UNCLASS, &unclass);

	if (g_opts.json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "interface");
		json_str(&j, ifname);
		json_key(&j, "policy");
		json_str(&j, policy_name(cfg.default_policy));
		json_key(&j, "unclassified");
		json_str(&j, unclass_name(cfg.unclass_policy));
		json_key(&j, "default_hits");
		json_obj_begin(&j);
		json_hits(&j, &dflt);
		json_obj_end(&j);
		json_key(&j, "unclassified_hits");
		json_obj_begin(&j);
		json_hits(&j, &unclass);
		json_obj_end(&j);
		json_key(&j, "rules");
		json_arr_begin(&j);
	} else {
		printf("%s: policy %s, unclassified %s\n", ifname, policy_name(cfg.default_policy),
		       unclass_name(cfg.unclass_policy));
		printf("  %-4s %-48s %12s %14s\n", "slot", "rule", "packets", "bytes");
	}
	for (uint32_t i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		if (!(rules[i].flags & E1K_RULE_ACTIVE))
			continue;
		read_hits(m, i, &hits);
		rule_format(&rules[i], text, sizeof(text));
		if (g_opts.json) {
			json_obj_begin(&j);
			json_key(&j, "slot");
			json_u64(&j, i);
			json_key(&j, "rule");
			json_str(&j, text);
			json_key(&j, "action");
			json_str(&j, policy_name(rules[i].action));
			json_hits(&j, &hits);
			json_obj_end(&j);
		} else {
			printf("  %-4u %-48s %12llu %14llu\n", i, text,
			       (unsigned long long)hits.packets, (unsigned long long)hits.bytes);
		}
	}
	if (g_opts.json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("  %-4s %-48s %12llu %14llu\n", "-", "(default policy)",
		       (unsigned long long)dflt.packets, (unsigned long long)dflt.bytes);
		printf("  %-4s %-48s %12llu %14llu\n", "-", "(unclassified frames)",
		       (unsigned long long)unclass.packets, (unsigned long long)unclass.bytes);
	}
	return 0;
}

int cmd_filter(int argc, char **argv)
{
	struct filter_maps m;
	struct parsed_rule p;
	char err_text[256];
	const char *sub, *ifname;
	int err, lock;

	if (argc < 1 || is_help(argv[0])) {
		filter_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			filter_usage(stdout);
			return EXIT_OK;
		}
	}
	sub = argv[0];
	if (strcmp(sub, "add") && strcmp(sub, "del") && strcmp(sub, "list") &&
	    strcmp(sub, "flush")) {
		err_msg("filter", "unknown subcommand '%s' (add, del, list, flush)", sub);
		return EXIT_USAGE;
	}
	if (argc < 2) {
		err_msg("filter", "%s needs an interface", sub);
		return EXIT_USAGE;
	}
	ifname = argv[1];
	argc -= 2;
	argv += 2;
	/* Check the words before touching anything. */
	if (!strcmp(sub, "add") && rule_parse(argc, argv, &p, err_text, sizeof(err_text))) {
		err_msg("filter", "%s", err_text);
		return EXIT_USAGE;
	}
	if ((!strcmp(sub, "del") && argc < 1) ||
	    ((!strcmp(sub, "list") || !strcmp(sub, "flush")) && argc > 0)) {
		err_msg("filter", "%s: wrong number of arguments (see filter --help)", sub);
		return EXIT_USAGE;
	}
	if (require_caps("filter"))
		return EXIT_FAIL;
	/* Each mutation reads the whole rule table, plans and writes: without
	 * the lock two at once lose rules, or leave a listed deny rule whose
	 * trie bits the other removed. */
	lock = pin_root_lock("filter", strcmp(sub, "list") != 0);
	if (lock < 0)
		return EXIT_FAIL;
	if (open_maps(ifname, &m)) {
		close(lock);
		return EXIT_FAIL;
	}
	if (!strcmp(sub, "add"))
		err = filter_add(&m, &p);
	else if (!strcmp(sub, "del"))
		err = filter_del(&m, argc, argv);
	else if (!strcmp(sub, "flush"))
		err = filter_flush(&m);
	else
		err = filter_list(&m, ifname);
	close_maps(&m);
	close(lock);
	if (err == -EINVAL)
		return EXIT_USAGE;
	return err ? EXIT_FAIL : EXIT_OK;
}
