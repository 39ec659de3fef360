// SPDX-License-Identifier: GPL-2.0
/* The layouts of our maps and the check against them (see layout.h). */
#include "layout.h"

#include <linux/bpf.h>
#include <stdio.h>

#define U32 sizeof(uint32_t)

/* Each entry mirrors a map definition in bpf/ (file named beside it). */
const struct map_layout layout_stats = {	/* xdp_parse.h E1K_STATS_MAP */
	E1K_STATS_SUFFIX, BPF_MAP_TYPE_PERCPU_ARRAY, U32, sizeof(struct e1k_stats),
	E1K_STATS_ENTRIES,
};
const struct map_layout layout_filter_cfg = {	/* xdp_filter.bpf.c */
	E1K_MAP_FILTER_CFG, BPF_MAP_TYPE_ARRAY, U32, sizeof(struct e1k_filter_cfg), 1,
};
const struct map_layout layout_filter_rules = {
	E1K_MAP_FILTER_RULES, BPF_MAP_TYPE_ARRAY, U32, sizeof(struct e1k_filter_rule),
	E1K_FILTER_RULE_ENTRIES,
};
const struct map_layout layout_filter_hits = {
	E1K_MAP_FILTER_HITS, BPF_MAP_TYPE_PERCPU_ARRAY, U32, sizeof(struct e1k_stats),
	E1K_FILTER_HIT_ENTRIES,
};
const struct map_layout layout_filter_trie[E1K_TRIE_COUNT] = {
	[E1K_TRIE_SRC4] = { E1K_MAP_FILTER_SRC4, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct e1k_lpm4_key), sizeof(struct e1k_lpm_val),
			    E1K_FILTER_LPM_ENTRIES },
	[E1K_TRIE_DST4] = { E1K_MAP_FILTER_DST4, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct e1k_lpm4_key), sizeof(struct e1k_lpm_val),
			    E1K_FILTER_LPM_ENTRIES },
	[E1K_TRIE_SRC6] = { E1K_MAP_FILTER_SRC6, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct e1k_lpm6_key), sizeof(struct e1k_lpm_val),
			    E1K_FILTER_LPM_ENTRIES },
	[E1K_TRIE_DST6] = { E1K_MAP_FILTER_DST6, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct e1k_lpm6_key), sizeof(struct e1k_lpm_val),
			    E1K_FILTER_LPM_ENTRIES },
};

const struct map_layout layout_echo_addr4 = {	/* xdp_icmp_echo.bpf.c */
	E1K_MAP_ECHO_ADDR4, BPF_MAP_TYPE_HASH, sizeof(struct e1k_echo_key4), U32,
	E1K_ECHO_ADDR_ENTRIES,
};
const struct map_layout layout_echo_addr6 = {
	E1K_MAP_ECHO_ADDR6, BPF_MAP_TYPE_HASH, sizeof(struct e1k_echo_key6), U32,
	E1K_ECHO_ADDR_ENTRIES,
};

static const char *type_name(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_LPM_TRIE: return "lpm_trie";
	default: return NULL;
	}
}

void layout_format(const struct map_layout *l, char *buf, size_t len)
{
	const char *name = type_name(l->type);

	if (name)
		snprintf(buf, len, "%s key %u value %u x %u", name, l->key_size, l->value_size,
			 l->max_entries);
	else
		snprintf(buf, len, "type %u key %u value %u x %u", l->type, l->key_size,
			 l->value_size, l->max_entries);
}

int layout_compare(const char *map_name, const struct map_layout *have,
		   const struct map_layout *want, char *err, size_t errlen)
{
	char h[96], w[96];

	if (have->type == want->type && have->key_size == want->key_size &&
	    have->value_size == want->value_size && have->max_entries == want->max_entries)
		return 0;
	layout_format(have, h, sizeof(h));
	layout_format(want, w, sizeof(w));
	snprintf(err, errlen,
		 "map %s has layout %s, expected %s: it is not ours or of another version; "
		 "rebuild the program, or remove its pins under " E1K_PIN_ROOT,
		 map_name, h, w);
	return -1;
}
