// SPDX-License-Identifier: GPL-2.0
/* Planning the switch from one rule set to the next (see ruleset.h). */
#include "ruleset.h"
#include "rules.h"

#include <stdio.h>
#include <string.h>

unsigned int filter_active_bank(const struct filter_image *img)
{
	/* As the program reads it: anything but 0 is bank 1. */
	return img->cfg.bank ? 1 : 0;
}

void ruleset_active(const struct filter_image *img, struct ruleset *out)
{
	unsigned int b = filter_active_bank(img);

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		const struct e1k_filter_rule *r = &img->rules[b * E1K_FILTER_MAX_RULES + i];

		if (r->flags & E1K_RULE_ACTIVE)
			out->r[out->n++] = *r;
	}
	out->policy = img->cfg.default_policy[b];
	out->unclass = img->cfg.unclass_policy[b];
}

/* Give every rule of @want an id: its own when the active set holds it
 * under that id and no earlier rule took it, else the lowest one neither
 * the active set nor @want uses. */
static int assign_ids(const struct ruleset *active, struct ruleset *want)
{
	bool used[E1K_FILTER_MAX_IDS] = { false }, taken[E1K_FILTER_MAX_IDS] = { false };

	for (unsigned int i = 0; i < active->n; i++)
		if (active->r[i].id < E1K_FILTER_MAX_IDS)
			used[active->r[i].id] = true;
	for (unsigned int i = 0; i < want->n; i++) {
		unsigned int id = want->r[i].id;

		if (id < E1K_FILTER_MAX_IDS && used[id] && !taken[id])
			taken[id] = true;
		else
			want->r[i].id = RULESET_NEW_ID;
	}
	for (unsigned int i = 0, next = 0; i < want->n; i++) {
		if (want->r[i].id != RULESET_NEW_ID)
			continue;
		while (next < E1K_FILTER_MAX_IDS && (used[next] || taken[next]))
			next++;
		if (next == E1K_FILTER_MAX_IDS)
			return -1; /* cannot happen: 64 active + 64 new */
		want->r[i].id = (__u16)next;
		taken[next] = true;
	}
	return 0;
}

static bool same_key(const struct e1k_trie_entry *a, const struct e1k_trie_entry *b)
{
	return a->prefixlen == b->prefixlen && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static const struct e1k_trie_entry *find_entry(const struct e1k_trie_entry *set, unsigned int n,
					       const struct e1k_trie_entry *e)
{
	for (unsigned int i = 0; i < n; i++)
		if (same_key(&set[i], e))
			return &set[i];
	return NULL;
}

struct op_list {
	struct filter_op *ops;
	int n, max;
};

static struct filter_op *push(struct op_list *l, enum filter_op_kind kind)
{
	struct filter_op *op;

	if (l->n >= l->max)
		return NULL;
	op = &l->ops[l->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	return op;
}

/* Deletes first, then updates: no plan of two banks needs more entries
 * than the trie holds, and each write keeps every entry right for the
 * active bank (e1k_xdp_maps.h, "Prefix encoding"). */
static int plan_trie(const struct filter_image *img, const struct e1k_filter_rule *rules,
		     enum e1k_trie t, struct op_list *l)
{
	struct e1k_trie_entry plan[E1K_FILTER_LPM_ENTRIES];
	int n = e1k_trie_plan(rules, t, plan, E1K_FILTER_LPM_ENTRIES);
	struct filter_op *op;

	if (n < 0)
		return -1;
	for (unsigned int i = 0; i < img->ntrie[t]; i++) {
		if (find_entry(plan, (unsigned int)n, &img->trie[t][i]))
			continue;
		op = push(l, FOP_TRIE_DELETE);
		if (!op)
			return -1;
		op->trie = t;
		op->entry = img->trie[t][i];
	}
	for (int i = 0; i < n; i++) {
		const struct e1k_trie_entry *have = find_entry(img->trie[t], img->ntrie[t], &plan[i]);

		if (have && !memcmp(have->rules, plan[i].rules, sizeof(have->rules)))
			continue;
		op = push(l, FOP_TRIE_UPDATE);
		if (!op)
			return -1;
		op->trie = t;
		op->entry = plan[i];
	}
	return 0;
}

int ruleset_plan(const struct filter_image *img, struct ruleset *want,
		 struct filter_op *ops, int max, char *err, size_t errlen)
{
	unsigned int b = filter_active_bank(img), nb = 1 - b;
	struct e1k_filter_rule rules[E1K_FILTER_RULE_ENTRIES];
	struct op_list l = { ops, 0, max };
	struct ruleset active;
	struct filter_op *op;
	struct e1k_filter_cfg cfg;

	if (want->n > E1K_FILTER_MAX_RULES) {
		snprintf(err, errlen, "%u rules: the filter holds %d", want->n, E1K_FILTER_MAX_RULES);
		return -1;
	}
	ruleset_active(img, &active);
	if (assign_ids(&active, want)) {
		snprintf(err, errlen, "no free hit counter");
		return -1;
	}

	/* 1. The new set in the inactive bank; the counters of new ids zeroed
	 * before any rule can count on them. */
	memcpy(rules, img->rules, sizeof(rules));
	for (unsigned int i = 0; i < want->n; i++) {
		bool kept = false;
		const char *why;

		want->r[i].flags |= E1K_RULE_ACTIVE;
		why = e1k_rule_check(&want->r[i]);
		if (why) {
			snprintf(err, errlen, "rule %u: %s", i, why);
			return -1;
		}
		for (unsigned int j = 0; j < active.n && !kept; j++)
			kept = active.r[j].id == want->r[i].id;
		if (!kept) {
			op = push(&l, FOP_ZERO_HITS);
			if (!op)
				goto full;
			op->key = want->r[i].id;
		}
	}
	for (unsigned int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		struct e1k_filter_rule r = { 0 };
		unsigned int key = nb * E1K_FILTER_MAX_RULES + i;

		if (i < want->n)
			r = want->r[i];
		rules[key] = r;
		if (!memcmp(&img->rules[key], &r, sizeof(r)))
			continue;
		op = push(&l, FOP_RULE);
		if (!op)
			goto full;
		op->key = key;
		op->rule = r;
	}

	/* 2. The tries, for both banks. */
	for (int t = 0; t < E1K_TRIE_COUNT; t++)
		if (plan_trie(img, rules, (enum e1k_trie)t, &l))
			goto full;

	/* 3. The new bank's policies, then the bank itself. */
	cfg = img->cfg;
	cfg.default_policy[nb] = want->policy;
	cfg.unclass_policy[nb] = want->unclass;
	if (memcmp(&cfg, &img->cfg, sizeof(cfg))) {
		op = push(&l, FOP_CFG);
		if (!op)
			goto full;
		op->cfg = cfg;
	}
	cfg.bank = (__u8)nb;
	op = push(&l, FOP_CFG);
	if (!op)
		goto full;
	op->cfg = cfg;
	return l.n;
full:
	snprintf(err, errlen, "plan larger than %d writes", max);
	return -1;
}

void filter_image_apply(struct filter_image *img, const struct filter_op *op)
{
	unsigned int *n = &img->ntrie[op->trie];
	struct e1k_trie_entry *set = img->trie[op->trie];

	switch (op->kind) {
	case FOP_ZERO_HITS:
		break;	/* counters are not part of the image */
	case FOP_RULE:
		img->rules[op->key] = op->rule;
		break;
	case FOP_CFG:
		img->cfg = op->cfg;
		break;
	case FOP_TRIE_DELETE:
		for (unsigned int i = 0; i < *n; i++) {
			if (same_key(&set[i], &op->entry)) {
				set[i] = set[--*n];
				break;
			}
		}
		break;
	case FOP_TRIE_UPDATE:
		for (unsigned int i = 0; i < *n; i++) {
			if (same_key(&set[i], &op->entry)) {
				set[i] = op->entry;
				return;
			}
		}
		if (*n < E1K_FILTER_LPM_ENTRIES)
			set[(*n)++] = op->entry;
		break;
	}
}

void ruleset_init(struct ruleset *set)
{
	memset(set, 0, sizeof(*set));
	set->policy = E1K_ACTION_PASS;
	set->unclass = E1K_UNCLASS_RULES;
}

int ruleset_find(const struct ruleset *set, const struct e1k_filter_rule *r)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (rule_same(&set->r[i], r))
			return (int)i;
	return -1;
}

void ruleset_inherit_ids(struct ruleset *want, const struct ruleset *active)
{
	for (unsigned int i = 0; i < want->n; i++) {
		int k = ruleset_find(active, &want->r[i]);

		if (k >= 0)
			want->r[i].id = active->r[k].id;
	}
}
