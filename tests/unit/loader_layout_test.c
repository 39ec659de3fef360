// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the loader's map layout check (loader/layout.c): a map of
 * another layout is refused with a sentence that names it, and the layouts
 * the loader expects are the ones our BPF objects declare (read from the
 * objects with libbpf; opening an object needs no privilege).
 *   loader_layout_test BPF_OBJECT_DIR
 * Output: "PASS name" / "FAIL name: reason" per test, then "N passed, N failed".
 */
#include "../../loader/layout.h"

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#define HOST_SUITE "loader_layout"
#include "host_result.h"

static void test_compare(void)
{
	struct map_layout have = layout_filter_rules;
	char err[512] = "", why[700], want_have[128], want_exp[128];
	int ok;

	ok = !layout_compare("e1k_filt_rules", &have, &layout_filter_rules, err, sizeof(err));
	result("same_layout_accepted", ok, err);

	have.value_size += 8;	/* a filter built from a newer header */
	snprintf(want_have, sizeof(want_have), "map e1k_filt_rules has layout array key 4 value %u x %u",
		 have.value_size, E1K_FILTER_RULE_ENTRIES);
	snprintf(want_exp, sizeof(want_exp), "expected array key 4 value %zu x %u",
		 sizeof(struct e1k_filter_rule), E1K_FILTER_RULE_ENTRIES);
	ok = layout_compare("e1k_filt_rules", &have, &layout_filter_rules, err, sizeof(err)) &&
	     strstr(err, want_have) && strstr(err, want_exp) && strstr(err, "remove its pins");
	snprintf(why, sizeof(why), "message: %s", err);
	result("value_size_refused", ok, why);

	/* The foreign map of the bug report: an ARRAY named rx_stats. */
	have = (struct map_layout){ "rx_stats", BPF_MAP_TYPE_ARRAY, 4, 16, 5 };
	ok = layout_compare("rx_stats", &have, &layout_stats, err, sizeof(err)) &&
	     strstr(err, "array key 4 value 16 x 5") && strstr(err, "expected percpu_array");
	snprintf(why, sizeof(why), "message: %s", err);
	result("type_refused", ok, why);

	have = layout_stats;
	have.key_size = 8;
	ok = layout_compare("x_stats", &have, &layout_stats, err, sizeof(err)) != 0;
	result("key_size_refused", ok, "a key of 8 bytes was accepted");

	have = layout_filter_hits;
	have.max_entries = E1K_FILTER_HIT_ENTRIES - 1;
	ok = layout_compare("e1k_filt_hits", &have, &layout_filter_hits, err, sizeof(err)) != 0;
	result("entries_refused", ok, "one entry fewer was accepted");

	have = (struct map_layout){ "odd", 9999, 4, 4, 1 };
	ok = layout_compare("odd", &have, &layout_stats, err, sizeof(err)) &&
	     strstr(err, "type 9999 key 4");
	result("unknown_type_named", ok, "an unknown map type was not shown by number");
}

/* Every map of @obj_name whose name is @want's (or ends with it, for stats)
 * has @want's layout; returns how many maps were compared, -1 on a
 * mismatch or an object that does not open. */
static int object_maps_match(const char *dir, const char *obj_name,
			     const struct map_layout *want, int suffix, char *why, size_t len)
{
	char path[512], err[512];
	struct bpf_object *obj;
	struct bpf_map *map;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, obj_name);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		snprintf(why, len, "cannot open %s", path);
		return -1;
	}
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t nl = strlen(name), wl = strlen(want->name);
		struct map_layout have;

		if (suffix ? nl < wl || strcmp(name + nl - wl, want->name) : strcmp(name, want->name))
			continue;
		have = (struct map_layout){ name, bpf_map__type(map), bpf_map__key_size(map),
					    bpf_map__value_size(map), bpf_map__max_entries(map) };
		if (layout_compare(name, &have, want, err, sizeof(err))) {
			snprintf(why, len, "%s: %s", obj_name, err);
			n = -1;
			break;
		}
		n++;
	}
	bpf_object__close(obj);
	if (n == 0)
		snprintf(why, len, "%s has no map %s%s", obj_name, suffix ? "*" : "", want->name);
	return n;
}

static void test_objects(const char *dir)
{
	static const char *const progs[] = { "xdp_filter.bpf.o", "xdp_icmp_echo.bpf.o",
					     "xdp_drop.bpf.o", "xdp_pass.bpf.o", "xdp_tx.bpf.o" };
	const struct map_layout *filter[3 + E1K_TRIE_COUNT] = {
		&layout_filter_cfg, &layout_filter_rules, &layout_filter_hits,
	};
	char why[700] = "";
	int ok = 1;

	libbpf_set_print(NULL);
	for (int t = 0; t < E1K_TRIE_COUNT; t++)
		filter[3 + t] = &layout_filter_trie[t];
	for (size_t i = 0; i < sizeof(filter) / sizeof(filter[0]) && ok; i++)
		ok = object_maps_match(dir, "xdp_filter.bpf.o", filter[i], 0, why, sizeof(why)) == 1;
	result("filter_maps_as_declared", ok, why);

	ok = object_maps_match(dir, "xdp_icmp_echo.bpf.o", &layout_echo_addr4, 0, why,
			       sizeof(why)) == 1 &&
	     object_maps_match(dir, "xdp_icmp_echo.bpf.o", &layout_echo_addr6, 0, why,
			       sizeof(why)) == 1;
	result("echo_maps_as_declared", ok, why);

	ok = 1;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]) && ok; i++)
		ok = object_maps_match(dir, progs[i], &layout_stats, 1, why, sizeof(why)) == 1;
	result("stats_maps_as_declared", ok, why);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: loader_layout_test BPF_OBJECT_DIR\n");
		return 2;
	}
	test_compare();
	test_objects(argv[1]);
	return summary();
}
