// SPDX-License-Identifier: GPL-2.0
/*
 * filter add|del|list|flush: the rules of the xdp_filter program attached to
 * an interface. Map layouts and the order of updates that keeps a running
 * program from ever seeing a half-written rule set are specified in
 * bpf/e1k_xdp_maps.h ("Updating rules"); this file follows them.
 */
#include "config.h"
#include "json.h"
#include "loader.h"
#include "rules.h"
#include "ruleset.h"
#include "../bpf/e1k_filter_rules.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct filter_maps {
	const char *ifname;
	struct ruleset_fds fd;
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
		"       " PROG_NAME " filter insert IFACE SLOT RULE\n"
		"       " PROG_NAME " filter replace IFACE SLOT RULE\n"
		"       " PROG_NAME " filter del IFACE RULE|SLOT\n"
		"       " PROG_NAME " filter list IFACE [--json]\n"
		"       " PROG_NAME " filter flush IFACE\n"
		"       " PROG_NAME " filter save IFACE >FILE\n"
		"       " PROG_NAME " filter load IFACE FILE|-\n"
		"\n"
		"Manage the rules of the filter program attached to IFACE (attach it with\n"
		"`" PROG_NAME " attach IFACE filter` or `ip link set dev IFACE xdp obj\n"
		"xdp_filter.bpf.o sec xdp`). Rules are tried in order; the first match\n"
		"decides. add appends; insert puts the rule before SLOT; replace swaps\n"
		"the rule in SLOT. Every change is built aside and switched in at once: a\n"
		"frame meets the old rule set or the new one, never a mix. save prints the\n"
		"rules and settings as a file that load switches to, whole.\n"
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
	json_change_begin(&j, m->ifname, verb);
	json_key(&j, "slot");
	json_u64(&j, slot);
	json_key(&j, "rule");
	json_str(&j, text);
	json_change_end(&j);
}

void filter_fds_close(struct ruleset_fds *fd)
{
	int *fds[] = { &fd->cfg, &fd->rules, &fd->hits, &fd->trie[0], &fd->trie[1],
		       &fd->trie[2], &fd->trie[3] };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* The filter's maps, each with the layout this loader was built for. */
static const struct map_layout *filter_layout(struct ruleset_fds *fd, int i, int **slot)
{
	if (i < E1K_TRIE_COUNT) {
		*slot = &fd->trie[i];
		return &layout_filter_trie[i];
	}
	*slot = i == E1K_TRIE_COUNT ? &fd->rules : i == E1K_TRIE_COUNT + 1 ? &fd->cfg : &fd->hits;
	return i == E1K_TRIE_COUNT ? &layout_filter_rules :
	       i == E1K_TRIE_COUNT + 1 ? &layout_filter_cfg : &layout_filter_hits;
}

#define FILTER_MAPS (E1K_TRIE_COUNT + 3)

int filter_fds_of_prog(const char *cmd, const char *ifname, uint32_t prog_id,
		       struct ruleset_fds *fd)
{
	int err = 0;

	memset(fd, -1, sizeof(*fd));
	for (int i = 0; i < FILTER_MAPS && !err; i++) {
		int *slot;
		const struct map_layout *l = filter_layout(fd, i, &slot);

		*slot = attached_map_fd(cmd, prog_id, l, false);
		err = *slot < 0 ? *slot : 0;
	}
	if (err == -ENOENT)
		err_msg(cmd, "%s: the attached program (id %u) is not the e1k filter", ifname, prog_id);
	if (err)
		filter_fds_close(fd);
	return err;
}

int filter_fds_of_object(const char *cmd, struct bpf_object *obj, struct ruleset_fds *fd)
{
	int err = 0;

	memset(fd, -1, sizeof(*fd));
	for (int i = 0; i < FILTER_MAPS && !err; i++) {
		int *slot, mfd;
		const struct map_layout *l = filter_layout(fd, i, &slot);

		mfd = bpf_object__find_map_fd_by_name(obj, l->name);
		if (mfd < 0) {
			err_msg(cmd, "the object has no map %s: its program is not the e1k filter",
				l->name);
			err = -ENOENT;
			break;
		}
		/* Our own descriptor: the object's go when it is closed. */
		*slot = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
		err = *slot < 0 ? -errno : map_fd_check_layout(cmd, *slot, l);
	}
	if (err)
		filter_fds_close(fd);
	return err;
}

/* The filter's maps, from the program attached to @ifname. */
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
	return filter_fds_of_prog("filter", ifname, att.prog_id, &m->fd);
}

static bool trie_is_v4(enum e1k_trie t)
{
	return t == E1K_TRIE_SRC4 || t == E1K_TRIE_DST4;
}

/* Everything a plan depends on, read from the maps. */
static int read_image(const char *cmd, const struct ruleset_fds *fd, struct filter_image *img)
{
	uint32_t zero = 0;

	memset(img, 0, sizeof(*img));
	if (bpf_map_lookup_elem(fd->cfg, &zero, &img->cfg)) {
		err_msg(cmd, "reading the configuration: %s", strerror(errno));
		return -errno;
	}
	for (uint32_t i = 0; i < E1K_FILTER_RULE_ENTRIES; i++) {
		if (bpf_map_lookup_elem(fd->rules, &i, &img->rules[i])) {
			err_msg(cmd, "reading rule %u: %s", i, strerror(errno));
			return -errno;
		}
	}
	for (int t = 0; t < E1K_TRIE_COUNT; t++) {
		union lpm_key key, next;
		bool have_key = false;

		while (!bpf_map_get_next_key(fd->trie[t], have_key ? &key : NULL, &next)) {
			struct e1k_trie_entry *e = &img->trie[t][img->ntrie[t]];
			struct e1k_lpm_val val;

			key = next;
			have_key = true;
			if (bpf_map_lookup_elem(fd->trie[t], &key, &val))
				continue;	/* deleted meanwhile: only ip's users */
			if (img->ntrie[t] == E1K_FILTER_LPM_ENTRIES) {
				err_msg(cmd, "%s holds more entries than it can", e1k_trie_map_name(t));
				return -EOVERFLOW;
			}
			memset(e, 0, sizeof(*e));
			if (trie_is_v4((enum e1k_trie)t)) {
				e->prefixlen = key.v4.prefixlen;
				memcpy(e->addr, key.v4.addr, sizeof(key.v4.addr));
			} else {
				e->prefixlen = key.v6.prefixlen;
				memcpy(e->addr, key.v6.addr, sizeof(key.v6.addr));
			}
			memcpy(e->rules, val.rules, sizeof(e->rules));
			img->ntrie[t]++;
		}
	}
	return 0;
}

/* Sum the per-CPU counters of one hit entry. */
static int read_hits(const struct filter_maps *m, uint32_t idx, struct e1k_stats *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct e1k_stats *v;

	memset(sum, 0, sizeof(*sum));
	if (ncpus <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->fd.hits, &idx, v)) {
		free(v);
		return -errno;
	}
	*sum = e1k_stats_sum(v, (unsigned int)ncpus);
	free(v);
	return 0;
}

int filter_read_active(const char *cmd, const struct ruleset_fds *fd, struct ruleset *out)
{
	struct filter_image *img = calloc(1, sizeof(*img));
	int err;

	if (!img) {
		err_msg(cmd, "out of memory");
		return -ENOMEM;
	}
	err = read_image(cmd, fd, img);
	if (!err)
		ruleset_active(img, out);
	free(img);
	return err;
}

struct filter_switch {
	struct filter_image img;
	struct filter_op ops[RULESET_MAX_OPS];
	int n;
};

int filter_switch_plan(const char *cmd, const struct ruleset_fds *fd, struct ruleset *want,
		       bool keep_counters, struct filter_switch **out)
{
	struct filter_switch *sw = calloc(1, sizeof(*sw));
	struct ruleset active;
	char why[256];
	int err;

	*out = NULL;
	if (!sw) {
		err_msg(cmd, "out of memory");
		return -ENOMEM;
	}
	err = read_image(cmd, fd, &sw->img);
	if (err)
		goto fail;
	if (keep_counters) {
		ruleset_active(&sw->img, &active);
		ruleset_inherit_ids(want, &active);
	}
	sw->n = ruleset_plan(&sw->img, want, sw->ops, RULESET_MAX_OPS, why, sizeof(why));
	if (sw->n < 0) {
		err_msg(cmd, "%s", why);
		err = -EINVAL;
		goto fail;
	}
	*out = sw;
	return 0;
fail:
	free(sw);
	return err;
}

/*
 * Switch the filter from its active set to the planned one (ruleset.h):
 * every write before the last leaves frames meeting the old set, the last
 * switches them to the new one. A write that fails leaves the old set in
 * force.
 */
int filter_switch_write(const char *cmd, const struct ruleset_fds *fd, struct filter_switch *sw)
{
	for (int i = 0; i < sw->n; i++) {
		int err = ruleset_write(fd, &sw->ops[i]);

		if (err) {
			err_msg(cmd, "writing the new rule set (step %d of %d): %s; the old one is still in force",
				i + 1, sw->n, strerror(-err));
			return err;
		}
	}
	return 0;
}

void filter_switch_free(struct filter_switch *sw)
{
	free(sw);
}

/* Plan and write: the rule set of a filter command. */
static int apply(const struct filter_maps *m, struct ruleset *want, bool keep_counters)
{
	struct filter_switch *sw;
	int err = filter_switch_plan("filter", &m->fd, want, keep_counters, &sw);

	if (err)
		return err;
	err = filter_switch_write("filter", &m->fd, sw);
	filter_switch_free(sw);
	return err;
}

static int filter_setting(const struct filter_maps *m, struct ruleset *want,
			  const struct parsed_rule *p)
{
	const char *what = p->kind == RULE_POLICY ? "policy" : "unclassified";
	const char *value;
	struct json j;
	int err;

	if (p->kind == RULE_POLICY)
		want->policy = p->setting;
	else
		want->unclass = p->setting;
	err = apply(m, want, false);
	if (err)
		return err;
	value = p->kind == RULE_POLICY ? policy_name(p->setting) : unclass_name(p->setting);
	if (!g_opts.json) {
		printf("%s %s\n", what, value);
		return 0;
	}
	json_change_begin(&j, m->ifname, "set");
	json_key(&j, what);
	json_str(&j, value);
	json_change_end(&j);
	return 0;
}

/* add (pos < 0: after the last rule), insert at pos, or replace pos. */
static int filter_put(const struct filter_maps *m, struct ruleset *want,
		      const struct parsed_rule *p, int pos, bool replace)
{
	struct e1k_filter_rule r = p->rule;
	char text[256];
	int dup, err;

	if (p->kind != RULE_MATCH)
		return filter_setting(m, want, p);
	rule_format(&r, text, sizeof(text));
	dup = ruleset_find(want, &r);
	if (dup >= 0 && !(replace && dup == pos)) {
		err_msg("filter", "'%s' is already rule %d", text, dup);
		return -EEXIST;
	}
	if (pos < 0)
		pos = (int)want->n;
	if (pos > (int)want->n - (replace ? 1 : 0)) {
		err_msg("filter", "no rule %d to %s (%u rules)", pos, replace ? "replace" : "insert before",
			want->n);
		return -ENOENT;
	}
	if (!replace && want->n == E1K_FILTER_MAX_RULES) {
		err_msg("filter", "%d rules already, the most the filter holds: delete one first",
			E1K_FILTER_MAX_RULES);
		return -ENOSPC;
	}
	r.id = RULESET_NEW_ID;
	if (!replace) {
		memmove(&want->r[pos + 1], &want->r[pos], (want->n - (unsigned int)pos) * sizeof(r));
		want->n++;
	}
	want->r[pos] = r;
	err = apply(m, want, false);
	if (!err)
		say_rule(m, replace ? "replaced" : "added", (uint32_t)pos, text);
	return err;
}

static int filter_del(const struct filter_maps *m, struct ruleset *want, int argc, char **argv)
{
	struct parsed_rule p;
	char err_text[256], text[256];
	int pos = -1, err;

	if (argc == 1 && argv[0][0] >= '0' && argv[0][0] <= '9') {
		unsigned long v;

		if (parse_decimal(argv[0], E1K_FILTER_MAX_RULES - 1, &v)) {
			err_msg("filter", "bad slot '%s' (0 to %d)", argv[0], E1K_FILTER_MAX_RULES - 1);
			return -EINVAL;
		}
		if (v >= want->n) {
			err_msg("filter", "slot %lu holds no rule (%u rules)", v, want->n);
			return -ENOENT;
		}
		pos = (int)v;
	} else {
		if (rule_parse(argc, argv, &p, err_text, sizeof(err_text))) {
			err_msg("filter", "%s", err_text);
			return -EINVAL;
		}
		if (p.kind != RULE_MATCH) {
			err_msg("filter", "del takes a rule or a slot; settings are changed with add");
			return -EINVAL;
		}
		pos = ruleset_find(want, &p.rule);
		if (pos < 0) {
			rule_format(&p.rule, text, sizeof(text));
			err_msg("filter", "no rule '%s'", text);
			return -ENOENT;
		}
	}
	rule_format(&want->r[pos], text, sizeof(text));
	memmove(&want->r[pos], &want->r[pos + 1], (want->n - (unsigned int)pos - 1) * sizeof(want->r[0]));
	want->n--;
	err = apply(m, want, false);
	if (!err)
		say_rule(m, "deleted", (uint32_t)pos, text);
	return err;
}

static int filter_flush(const struct filter_maps *m, struct ruleset *want)
{
	unsigned int n = want->n;
	struct json j;
	int err;

	want->n = 0;
	err = apply(m, want, false);
	if (err)
		return err;
	if (!g_opts.json) {
		printf("flushed %u rules\n", n);
		return 0;
	}
	json_change_begin(&j, m->ifname, "flushed");
	json_key(&j, "rules");
	json_u64(&j, n);
	json_change_end(&j);
	return 0;
}

static void json_hits(struct json *j, const struct e1k_stats *h)
{
	json_key(j, "packets");
	json_u64(j, h->packets);
	json_key(j, "bytes");
	json_u64(j, h->bytes);
}

static int filter_list(const struct filter_maps *m, const struct ruleset *set)
{
	struct e1k_stats hits, dflt, unclass;
	char text[256];
	struct json j;

	read_hits(m, E1K_FILTER_HIT_DEFAULT, &dflt);
	read_hits(m, E1K_FILTER_HIT_UNCLASS, &unclass);
	if (g_opts.json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "interface");
		json_str(&j, m->ifname);
		json_key(&j, "policy");
		json_str(&j, policy_name(set->policy));
		json_key(&j, "unclassified");
		json_str(&j, unclass_name(set->unclass));
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
		printf("%s: policy %s, unclassified %s\n", m->ifname, policy_name(set->policy),
		       unclass_name(set->unclass));
		printf("  %-4s %-48s %12s %14s\n", "slot", "rule", "packets", "bytes");
	}
	for (unsigned int i = 0; i < set->n; i++) {
		read_hits(m, set->r[i].id, &hits);
		rule_format(&set->r[i], text, sizeof(text));
		if (g_opts.json) {
			json_obj_begin(&j);
			json_key(&j, "slot");
			json_u64(&j, i);
			json_key(&j, "rule");
			json_str(&j, text);
			json_key(&j, "action");
			json_str(&j, policy_name(set->r[i].action));
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

/* Switch to @file's set at once; rules the active set has too keep their
 * counters. */
static int filter_load(const struct filter_maps *m, struct ruleset *file)
{
	struct json j;
	int err;

	err = apply(m, file, true);
	if (err)
		return err;
	if (!g_opts.json) {
		printf("loaded %u rules, policy %s, unclassified %s\n", file->n,
		       policy_name(file->policy), unclass_name(file->unclass));
		return 0;
	}
	json_change_begin(&j, m->ifname, "loaded");
	json_key(&j, "rules");
	json_u64(&j, file->n);
	json_change_end(&j);
	return 0;
}

/* The words of a subcommand, checked before anything is touched. */
struct filter_cmd {
	const char *sub, *ifname;
	int argc;
	char **argv;
	struct parsed_rule rule;	/* add, insert, replace */
	int pos;			/* insert, replace */
	struct ruleset file;		/* load */
};

static int parse_filter_cmd(int argc, char **argv, struct filter_cmd *c)
{
	static const char *const subs[] = { "add", "insert", "replace", "del", "list",
					    "flush", "save", "load" };
	char err_text[256];
	bool known = false, positional;
	unsigned long v;

	c->sub = argv[0];
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		known |= !strcmp(c->sub, subs[i]);
	if (!known) {
		err_msg("filter", "unknown subcommand '%s' (add, insert, replace, del, list, flush, save, load)",
			c->sub);
		return -EINVAL;
	}
	if (argc < 2) {
		err_msg("filter", "%s needs an interface", c->sub);
		return -EINVAL;
	}
	c->ifname = argv[1];
	c->argc = argc - 2;
	c->argv = argv + 2;
	c->pos = -1;
	positional = !strcmp(c->sub, "insert") || !strcmp(c->sub, "replace");
	if (positional) {
		if (c->argc < 1 || parse_decimal(c->argv[0], E1K_FILTER_MAX_RULES - 1, &v)) {
			err_msg("filter", "%s IFACE POS RULE: POS is a slot, 0 to %d", c->sub,
				E1K_FILTER_MAX_RULES - 1);
			return -EINVAL;
		}
		c->pos = (int)v;
		c->argc--;
		c->argv++;
	}
	if (!strcmp(c->sub, "add") || positional) {
		if (rule_parse(c->argc, c->argv, &c->rule, err_text, sizeof(err_text))) {
			err_msg("filter", "%s", err_text);
			return -EINVAL;
		}
		if (positional && c->rule.kind != RULE_MATCH) {
			err_msg("filter", "%s takes a rule; settings are changed with add", c->sub);
			return -EINVAL;
		}
		return 0;
	}
	if ((!strcmp(c->sub, "del") && c->argc < 1) ||
	    (!strcmp(c->sub, "load") && c->argc != 1) ||
	    ((!strcmp(c->sub, "list") || !strcmp(c->sub, "flush") || !strcmp(c->sub, "save")) &&
	     c->argc > 0)) {
		err_msg("filter", "%s: wrong number of arguments (see filter --help)", c->sub);
		return -EINVAL;
	}
	if (!strcmp(c->sub, "load") &&
	    ruleset_file_read(c->argv[0], &c->file, err_text, sizeof(err_text))) {
		err_msg("filter", "%s", err_text);
		return -EINVAL;
	}
	return 0;
}

static int run_filter_cmd(const struct filter_maps *m, struct filter_cmd *c)
{
	struct filter_image *img = calloc(1, sizeof(*img));
	struct ruleset active, want;
	const char *sub = c->sub;
	int err;

	if (!img) {
		err_msg("filter", "out of memory");
		return -ENOMEM;
	}
	err = read_image("filter", &m->fd, img);
	if (err)
		goto out;
	ruleset_active(img, &active);
	want = active;
	if (!strcmp(sub, "list"))
		err = filter_list(m, &active);
	else if (!strcmp(sub, "save"))
		ruleset_file_print(stdout, &active, "");
	else if (!strcmp(sub, "add"))
		err = filter_put(m, &want, &c->rule, -1, false);
	else if (!strcmp(sub, "insert"))
		err = filter_put(m, &want, &c->rule, c->pos, false);
	else if (!strcmp(sub, "replace"))
		err = filter_put(m, &want, &c->rule, c->pos, true);
	else if (!strcmp(sub, "del"))
		err = filter_del(m, &want, c->argc, c->argv);
	else if (!strcmp(sub, "flush"))
		err = filter_flush(m, &want);
	else
		err = filter_load(m, &c->file);
out:
	free(img);
	return err;
}

int cmd_filter(int argc, char **argv)
{
	struct filter_cmd *c;
	struct filter_maps m;
	bool reading;
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
	c = calloc(1, sizeof(*c));
	if (!c)
		return EXIT_FAIL;
	/* Check the words (and a file to load) before touching anything. */
	if (parse_filter_cmd(argc, argv, c)) {
		free(c);
		return EXIT_USAGE;
	}
	err = require_caps("filter");
	if (err)
		goto out;
	/* Each change reads the whole filter, plans and writes: without the
	 * lock two at once would plan from the same state and the second
	 * would undo the first. */
	reading = !strcmp(c->sub, "list") || !strcmp(c->sub, "save");
	lock = pin_root_lock("filter", !reading);
	if (lock < 0) {
		err = lock;
		goto out;
	}
	err = open_maps(c->ifname, &m);
	if (!err) {
		err = run_filter_cmd(&m, c);
		filter_fds_close(&m.fd);
	}
	close(lock);
out:
	free(c);
	if (err == -EINVAL)
		return EXIT_USAGE;
	return err ? EXIT_FAIL : EXIT_OK;
}
