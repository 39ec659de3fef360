/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter's rule sets and the map writes that switch frames from one to
 * the next, whole (the two banks of bpf/e1k_xdp_maps.h, "Updating rules").
 * Pure C with no BPF calls: filter.c reads the maps into a filter_image,
 * edits the active set, asks ruleset_plan() for the writes and performs
 * them in order; tests/unit/loader_ruleset_test.c performs them on a model
 * and evaluates frames after each one.
 */
#ifndef E1K_RULESET_H
#define E1K_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "../bpf/e1k_filter_rules.h"

/* A rule that is not in the active set yet has no counter: the plan gives
 * it an id no active rule uses, and zeroes that counter first. */
#define RULESET_NEW_ID 0xffff

/* What an operator sees and edits: rules in priority order, the policies. */
struct ruleset {
	unsigned int n;
	struct e1k_filter_rule r[E1K_FILTER_MAX_RULES]; /* E1K_RULE_ACTIVE set */
	unsigned char policy;	/* E1K_ACTION_* */
	unsigned char unclass;	/* E1K_UNCLASS_* */
};

/* The maps' contents, as far as a plan depends on them. */
struct filter_image {
	struct e1k_filter_cfg cfg;
	struct e1k_filter_rule rules[E1K_FILTER_RULE_ENTRIES];
	unsigned int ntrie[E1K_TRIE_COUNT];
	struct e1k_trie_entry trie[E1K_TRIE_COUNT][E1K_FILTER_LPM_ENTRIES];
};

enum filter_op_kind {
	FOP_ZERO_HITS,		/* hits[key] = 0 on every CPU */
	FOP_RULE,		/* rules[key] = rule */
	FOP_TRIE_DELETE,	/* trie: delete entry's key */
	FOP_TRIE_UPDATE,	/* trie: entry's key = entry's rules */
	FOP_CFG,		/* cfg[0] = cfg */
};

struct filter_op {
	enum filter_op_kind kind;
	unsigned int key;
	enum e1k_trie trie;
	struct e1k_filter_rule rule;
	struct e1k_trie_entry entry;
	struct e1k_filter_cfg cfg;
};

/* Enough for any plan: every id zeroed, a bank of rules, every trie entry
 * deleted and written, two cfg writes. */
#define RULESET_MAX_OPS (E1K_FILTER_MAX_IDS + E1K_FILTER_MAX_RULES + \
			 2 * E1K_TRIE_COUNT * E1K_FILTER_LPM_ENTRIES + 2)

/* The active bank (0 or 1) and its rule set, ids included. */
unsigned int filter_active_bank(const struct filter_image *img);
void ruleset_active(const struct filter_image *img, struct ruleset *out);

/*
 * The writes that switch @img's frames from its active set to @want: the
 * new set in the inactive bank, the tries brought to the plan of both
 * banks, the new bank's policies, then the bank. Every write but the last
 * leaves what the active bank's frames meet unchanged. Rules of @want with
 * .id RULESET_NEW_ID, or an id the active set does not hold or that an
 * earlier rule of @want already has, get a free id (written back into
 * @want). Returns the number of writes, or -1 with the reason in @err (a
 * rule the validator refuses, a full table).
 */
int ruleset_plan(const struct filter_image *img, struct ruleset *want,
		 struct filter_op *ops, int max, char *err, size_t errlen);

/* An empty rule set: no rules, policy allow, unclassified frames by the
 * rules (the filter's state before its first change). */
void ruleset_init(struct ruleset *set);

/* The index of a rule of @set with @r's match and action, or -1. */
int ruleset_find(const struct ruleset *set, const struct e1k_filter_rule *r);

/* Rules of @want that @active holds too (same match and action) take
 * their counter ids: a rule set loaded again keeps its counts. */
void ruleset_inherit_ids(struct ruleset *want, const struct ruleset *active);

/* Perform one write on an image: the test's model of the maps. */
void filter_image_apply(struct filter_image *img, const struct filter_op *op);

/* Perform one write on the maps themselves (ruleset_bpf.c, libbpf): 0 or a
 * negative errno; -EINVAL for a rule the validator refuses. */
struct ruleset_fds {
	int cfg, rules, hits;
	int trie[E1K_TRIE_COUNT];
};
int ruleset_write(const struct ruleset_fds *fds, const struct filter_op *op);

#endif
