// SPDX-License-Identifier: GPL-2.0
/*
 * The filter's rule set switch (loader/ruleset.c), against a model of the
 * maps and of the program that reads them. Random edits (add, insert,
 * replace, delete, flush, load, policies) of random rule sets are planned;
 * the writes are performed one at a time on the model, and after every
 * single one a set of probe frames is evaluated the way the program does
 * (active bank, LPM tries, slot order, hit ids). Each frame must meet the
 * old rule set, whole, until the last write and the new one after it: the
 * interleavings of the data path with a change, all of them. Also: kept
 * rules keep their counter ids, new ones get ids the old set did not use.
 * Output: "PASS name" / "FAIL name: reason" per test, then "N passed, N failed".
 */
#include "../../loader/rules.h"
#include "../../loader/ruleset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_SUITE "loader_ruleset"
#include "host_result.h"

static unsigned long long rng = 88172645463325252ull;

static unsigned int rn(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* Nested and overlapping prefixes, so that containment is exercised. */
static const char *const prefixes4[] = {
	"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32",
	"10.2.0.0/16", "192.168.0.0/16", "192.168.7.0/24",
};
static const char *const prefixes6[] = {
	"::/0", "fd00::/8", "fd00:1::/32", "fd00:1::/64", "fd00:1::5/128", "fd00:2::/32",
};
static const char *const hosts4[] = {
	"10.1.2.3", "10.1.2.9", "10.1.9.9", "10.2.0.1", "10.9.9.9", "192.168.7.7",
	"192.168.9.9", "172.16.0.1",
};
static const char *const hosts6[] = {
	"fd00:1::5", "fd00:1::6", "fd00:1:0:1::1", "fd00:2::1", "fd00:9::1", "2001:db8::1",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A random valid rule, through the loader's own grammar. */
static void random_rule(struct e1k_filter_rule *r)
{
	char text[256], err[256], *words[32], *save = NULL;
	struct parsed_rule p;
	int v6 = rn(3) == 0, n = 0;

	snprintf(text, sizeof(text), "%s", rn(2) ? "deny" : "allow");
	if (rn(3))
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " src %s",
			 v6 ? prefixes6[rn(COUNT(prefixes6))] : prefixes4[rn(COUNT(prefixes4))]);
	if (rn(3) == 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " dst %s",
			 v6 ? prefixes6[rn(COUNT(prefixes6))] : prefixes4[rn(COUNT(prefixes4))]);
	if (rn(2))
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s",
			 rn(2) ? "tcp" : "udp");
	if (rn(3) == 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " dport %s",
			 rn(2) ? "22" : "1000-2000");
	for (char *w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	if (rule_parse(n, words, &p, err, sizeof(err))) {
		fprintf(stderr, "test bug: random rule refused: %s\n", err);
		exit(2);
	}
	*r = p.rule;
	r->flags |= E1K_RULE_ACTIVE;
	r->id = RULESET_NEW_ID;
}

struct probe {
	unsigned char family;
	unsigned char src[16], dst[16];
	unsigned char proto;
	unsigned short dport;
};

static struct probe probes[256];
static unsigned int nprobes;

static void make_probes(void)
{
	static const unsigned char protos[] = { 6, 17, 1 };
	static const unsigned short ports[] = { 22, 80, 1500 };

	for (unsigned int i = 0; i < COUNT(hosts4) * 2 && nprobes < COUNT(probes); i++) {
		for (unsigned int k = 0; k < COUNT(protos); k++) {
			struct probe *p = &probes[nprobes++];

			memset(p, 0, sizeof(*p));
			p->family = E1K_FAMILY_IPV4;
			inet_pton(AF_INET, hosts4[i % COUNT(hosts4)], p->src);
			inet_pton(AF_INET, hosts4[(i * 3 + k) % COUNT(hosts4)], p->dst);
			p->proto = protos[k];
			p->dport = ports[(i + k) % COUNT(ports)];
		}
	}
	for (unsigned int i = 0; i < COUNT(hosts6) * 2 && nprobes < COUNT(probes); i++) {
		for (unsigned int k = 0; k < COUNT(protos); k++) {
			struct probe *p = &probes[nprobes++];

			memset(p, 0, sizeof(*p));
			p->family = E1K_FAMILY_IPV6;
			inet_pton(AF_INET6, hosts6[i % COUNT(hosts6)], p->src);
			inet_pton(AF_INET6, hosts6[(i * 5 + k) % COUNT(hosts6)], p->dst);
			p->proto = k == 2 ? 58 : protos[k];
			p->dport = ports[(i + k) % COUNT(ports)];
		}
	}
}

/* Every constraint but the prefixes; those come as yes/no. */
static int rule_matches(const struct e1k_filter_rule *r, const struct probe *p, int src_in,
			int dst_in)
{
	unsigned int f = r->flags;

	if ((f & (E1K_MATCH_SRC | E1K_MATCH_DST)) && r->family != p->family)
		return 0;
	if (((f & E1K_MATCH_SRC) && !src_in) || ((f & E1K_MATCH_DST) && !dst_in))
		return 0;
	if ((f & E1K_MATCH_PROTO) && r->proto != p->proto)
		return 0;
	if (f & E1K_MATCH_DPORT) {
		if (p->proto != 6 && p->proto != 17)
			return 0;
		if (p->dport < r->dport_min || p->dport > r->dport_max)
			return 0;
	}
	return 1;
}

/* A verdict: the deciding rule's id (or -1: the default policy) and the
 * action taken. */
struct verdict {
	int id;
	int action;
};

static int policy_action(unsigned char policy)
{
	return policy == E1K_ACTION_DROP ? E1K_ACTION_DROP : E1K_ACTION_PASS;
}

/* The rule set as an operator reads it: first match, prefixes by containment. */
static struct verdict eval_set(const struct ruleset *set, const struct probe *p)
{
	unsigned int alen = p->family == E1K_FAMILY_IPV4 ? 32 : 128;

	for (unsigned int i = 0; i < set->n; i++) {
		const struct e1k_filter_rule *r = &set->r[i];
		int s = e1k_prefix_contains(r->src, r->src_len, p->src, alen);
		int d = e1k_prefix_contains(r->dst, r->dst_len, p->dst, alen);

		if (rule_matches(r, p, s, d))
			return (struct verdict){ r->id, r->action };
	}
	return (struct verdict){ -1, policy_action(set->policy) };
}

/* The longest prefix of trie t containing @addr: its bank word, 0 if none. */
static __u64 lpm(const struct filter_image *img, enum e1k_trie t, const unsigned char *addr,
		 unsigned int alen, unsigned int bank)
{
	int best = -1;

	for (unsigned int i = 0; i < img->ntrie[t]; i++) {
		const struct e1k_trie_entry *e = &img->trie[t][i];

		if (e1k_prefix_contains(e->addr, e->prefixlen, addr, alen) &&
		    (best < 0 || e->prefixlen > img->trie[t][best].prefixlen))
			best = (int)i;
	}
	return best < 0 ? 0 : img->trie[t][best].rules[bank];
}

/* The maps as the program reads them. */
static struct verdict eval_image(const struct filter_image *img, const struct probe *p)
{
	unsigned int bank = filter_active_bank(img), v4 = p->family == E1K_FAMILY_IPV4;
	unsigned int alen = v4 ? 32 : 128;
	__u64 srcm = lpm(img, v4 ? E1K_TRIE_SRC4 : E1K_TRIE_SRC6, p->src, alen, bank);
	__u64 dstm = lpm(img, v4 ? E1K_TRIE_DST4 : E1K_TRIE_DST6, p->dst, alen, bank);

	for (unsigned int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		const struct e1k_filter_rule *r = &img->rules[bank * E1K_FILTER_MAX_RULES + i];

		if (!(r->flags & E1K_RULE_ACTIVE))
			continue;
		if (rule_matches(r, p, (srcm >> i) & 1, (dstm >> i) & 1))
			return (struct verdict){ r->id, r->action };
	}
	return (struct verdict){ -1, policy_action(img->cfg.default_policy[bank]) };
}

static int find(const struct ruleset *set, const struct e1k_filter_rule *r)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (rule_same(&set->r[i], r))
			return (int)i;
	return -1;
}

/* One random edit of @set, as the loader's commands make them. */
static const char *random_edit(struct ruleset *set)
{
	struct e1k_filter_rule r;
	unsigned int pos;

	switch (rn(9)) {
	case 0:
	case 1:
	case 2: /* add */
		random_rule(&r);
		if (set->n == E1K_FILTER_MAX_RULES || find(set, &r) >= 0)
			return "nothing";
		set->r[set->n++] = r;
		return "add";
	case 3: /* insert */
		random_rule(&r);
		if (set->n == E1K_FILTER_MAX_RULES || find(set, &r) >= 0)
			return "nothing";
		pos = rn(set->n + 1);
		memmove(&set->r[pos + 1], &set->r[pos], (set->n - pos) * sizeof(r));
		set->r[pos] = r;
		set->n++;
		return "insert";
	case 4: /* replace */
		random_rule(&r);
		if (!set->n || find(set, &r) >= 0)
			return "nothing";
		set->r[rn(set->n)] = r;
		return "replace";
	case 5: /* delete */
		if (!set->n)
			return "nothing";
		pos = rn(set->n);
		memmove(&set->r[pos], &set->r[pos + 1], (set->n - pos - 1) * sizeof(r));
		set->n--;
		return "delete";
	case 6: /* policies */
		set->policy = rn(2) ? E1K_ACTION_DROP : E1K_ACTION_PASS;
		set->unclass = (unsigned char)(1 + rn(3));
		return "policy";
	case 7: /* load: some rules kept (with their ids), the rest new */
		for (unsigned int i = 0; i < set->n;) {
			if (rn(2)) {
				memmove(&set->r[i], &set->r[i + 1], (set->n - i - 1) * sizeof(r));
				set->n--;
			} else {
				i++;
			}
		}
		for (unsigned int k = rn(40); k > 0 && set->n < E1K_FILTER_MAX_RULES; k--) {
			random_rule(&r);
			if (find(set, &r) < 0)
				set->r[set->n++] = r;
		}
		return "load";
	default: /* flush, now and then */
		if (rn(4))
			return "nothing";
		set->n = 0;
		return "flush";
	}
}

/* Plan, then perform the writes one at a time, evaluating every probe
 * after each. Returns 0, or -1 with the reason in @why. */
static int switch_and_check(struct filter_image *img, struct ruleset *want, struct filter_op *ops,
			    char *why, size_t len, unsigned int *nops)
{
	struct ruleset old, now;
	char err[256];
	int n = ruleset_plan(img, want, ops, RULESET_MAX_OPS, err, sizeof(err));

	if (n < 0) {
		snprintf(why, len, "plan refused: %s", err);
		return -1;
	}
	ruleset_active(img, &old);
	for (int k = 0; k <= n; k++) {
		const struct ruleset *expect = k == n ? want : &old;

		if (k > 0)
			filter_image_apply(img, &ops[k - 1]);
		for (unsigned int i = 0; i < nprobes; i++) {
			struct verdict a = eval_image(img, &probes[i]);
			struct verdict b = eval_set(expect, &probes[i]);

			if (a.id != b.id || a.action != b.action) {
				snprintf(why, len,
					 "after write %d of %d (kind %d), probe %u met rule id %d (action %d), the %s set says id %d (action %d)",
					 k, n, k ? (int)ops[k - 1].kind : -1, i, a.id, a.action,
					 k == n ? "new" : "old", b.id, b.action);
				return -1;
			}
		}
	}
	ruleset_active(img, &now);
	if (now.n != want->n || memcmp(now.r, want->r, want->n * sizeof(want->r[0])) ||
	    now.policy != want->policy || now.unclass != want->unclass) {
		snprintf(why, len, "the active set after the switch is not the one planned");
		return -1;
	}
	/* Kept rules keep their counters; new ones take ids the old set
	 * did not use. */
	for (unsigned int i = 0; i < want->n; i++) {
		int k = find(&old, &want->r[i]);

		for (unsigned int j = 0; k < 0 && j < old.n; j++) {
			if (old.r[j].id == want->r[i].id) {
				snprintf(why, len, "a new rule took id %u of a rule of the old set",
					 want->r[i].id);
				return -1;
			}
		}
	}
	*nops += (unsigned int)n;
	return 0;
}

static void test_random_switches(void)
{
	struct filter_image *img = calloc(1, sizeof(*img));
	struct filter_op *ops = calloc(RULESET_MAX_OPS, sizeof(*ops));
	unsigned int rounds = 0, nops = 0, maxn = 0;
	char why[512] = "";
	int ok = img && ops;

	for (unsigned int round = 0; ok && round < 1500; round++) {
		struct ruleset cur, want;
		const char *what;

		ruleset_active(img, &cur);
		want = cur;
		what = random_edit(&want);
		if (!strcmp(what, "nothing"))
			continue;
		/* the loader keeps ids of kept rules: edits above copied them */
		ok = !switch_and_check(img, &want, ops, why, sizeof(why), &nops);
		if (!ok)
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " (round %u: %s)",
				 round, what);
		rounds++;
		maxn = want.n > maxn ? want.n : maxn;
	}
	if (ok && maxn < 40) {
		snprintf(why, sizeof(why), "the sets never grew past %u rules", maxn);
		ok = 0;
	}
	result("every_write_old_or_new_set", ok, why);
	printf("# %u switches, %u writes, %u probes after each, sets of up to %u rules\n", rounds,
	       nops, nprobes, maxn);
	free(img);
	free(ops);
}

/* A hand-made case the random one may miss: a new, longer prefix in the
 * new bank inside an old rule's prefix. Its entry must carry the old
 * rule's bit for the active bank, or the old rule stops matching there
 * before the switch. */
static void test_new_prefix_inside_old(void)
{
	struct filter_image *img = calloc(1, sizeof(*img));
	struct filter_op *ops = calloc(RULESET_MAX_OPS, sizeof(*ops));
	char *outer[] = { "deny", "src", "10.0.0.0/8" };
	char *inner[] = { "allow", "src", "10.1.2.0/24" };
	struct ruleset want = { 0 };
	char err[256], why[512] = "";
	struct parsed_rule p;
	unsigned int nops = 0;
	int ok = img && ops;

	want.policy = E1K_ACTION_PASS;
	for (int step = 0; ok && step < 2; step++) {
		ok = !rule_parse(3, step ? inner : outer, &p, err, sizeof(err));
		want.r[want.n] = p.rule;
		want.r[want.n++].id = RULESET_NEW_ID;
		ok = ok && !switch_and_check(img, &want, ops, why, sizeof(why), &nops);
	}
	result("new_prefix_inside_old_rule", ok, why);
	free(img);
	free(ops);
}

static void test_refusals(void)
{
	struct filter_image *img = calloc(1, sizeof(*img));
	struct filter_op *ops = calloc(RULESET_MAX_OPS, sizeof(*ops));
	struct ruleset want = { 0 };
	char err[256] = "";
	int ok;

	random_rule(&want.r[0]);
	want.r[0].pad = 1; /* not canonical: the validator must refuse it */
	want.n = 1;
	ok = img && ops && ruleset_plan(img, &want, ops, RULESET_MAX_OPS, err, sizeof(err)) < 0 &&
	     strstr(err, "padding");
	result("invalid_rule_refused", ok, err[0] ? err : "accepted");
	want.r[0].pad = 0;
	ok = img && ops && ruleset_plan(img, &want, ops, 3, err, sizeof(err)) < 0;
	result("too_small_op_buffer_refused", ok, "a plan overflowed its buffer");
	free(img);
	free(ops);
}

int main(void)
{
	make_probes();
	test_random_switches();
	test_new_prefix_inside_old();
	test_refusals();
	return summary();
}
