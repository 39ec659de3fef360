/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layouts of the maps the loader reads and writes, as our BPF programs
 * declare them, and the check that a map found by name has one. Reading a
 * map into a buffer sized for our layout when the map is of another (a
 * foreign program's "rx_stats", a filter built from a newer header) would
 * write past the buffer, so every map is checked before its first use.
 * Pure C with no BPF calls: unit tested on its own
 * (tests/unit/loader_layout_test.c).
 */
#ifndef E1K_LAYOUT_H
#define E1K_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/e1k_filter_rules.h"

struct map_layout {
	const char *name;	/* the map's name, or the end of it (stats) */
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;	/* per CPU for the per-CPU types */
	uint32_t max_entries;
};

extern const struct map_layout layout_stats;
extern const struct map_layout layout_filter_cfg;
extern const struct map_layout layout_filter_rules;
extern const struct map_layout layout_filter_hits;
extern const struct map_layout layout_filter_trie[E1K_TRIE_COUNT];
extern const struct map_layout layout_echo_addr4;
extern const struct map_layout layout_echo_addr6;

/* "array key 4 value 60 x 64" */
void layout_format(const struct map_layout *l, char *buf, size_t len);

/* 0 when @have (a map's type and sizes; its name is not compared) is
 * @want's layout; else -1 with the sentence an operator acts on in @err. */
int layout_compare(const char *map_name, const struct map_layout *have,
		   const struct map_layout *want, char *err, size_t errlen);

#endif
