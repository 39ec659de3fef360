// SPDX-License-Identifier: GPL-2.0
/* Performing a plan's writes on the filter's maps (see ruleset.h). The
 * loader and the BPF unit tests write through this one function. */
#include "ruleset.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int zero_hits(int fd, __u32 idx)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	struct e1k_stats *v;

	if (ncpus <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &idx, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

int ruleset_write(const struct ruleset_fds *fds, const struct filter_op *op)
{
	union {
		struct e1k_lpm4_key v4;
		struct e1k_lpm6_key v6;
	} key;
	struct e1k_lpm_val val;
	int v4 = op->trie == E1K_TRIE_SRC4 || op->trie == E1K_TRIE_DST4;
	__u32 zero = 0;

	memset(&key, 0, sizeof(key));
	if (v4)
		e1k_trie_key4(&op->entry, &key.v4);
	else
		e1k_trie_key6(&op->entry, &key.v6);
	switch (op->kind) {
	case FOP_ZERO_HITS:
		return zero_hits(fds->hits, op->key);
	case FOP_RULE:
		/* The one validator, on what reaches the map. */
		if (e1k_rule_check(&op->rule))
			return -EINVAL;
		return bpf_map_update_elem(fds->rules, &op->key, &op->rule, BPF_ANY) ? -errno : 0;
	case FOP_TRIE_DELETE:
		if (bpf_map_delete_elem(fds->trie[op->trie], &key) && errno != ENOENT)
			return -errno;
		return 0;
	case FOP_TRIE_UPDATE:
		memcpy(val.rules, op->entry.rules, sizeof(val.rules));
		return bpf_map_update_elem(fds->trie[op->trie], &key, &val, BPF_ANY) ? -errno : 0;
	case FOP_CFG:
		return bpf_map_update_elem(fds->cfg, &zero, &op->cfg, BPF_ANY) ? -errno : 0;
	}
	return -EINVAL;
}
