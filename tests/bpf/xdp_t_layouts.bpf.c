// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only XDP program whose maps carry our names but other layouts: an
 * ARRAY "rx_stats" (ours are per-CPU "*_stats" of struct e1k_stats) and the
 * filter's seven maps with a rule 8 bytes longer, as a filter built from a
 * newer header would have. The loader must refuse them by layout before it
 * reads or writes a byte (tests/vm/t_loader.sh). It passes every frame, and
 * looks each map up only so that the maps belong to the program.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../bpf/e1k_xdp_maps.h"

struct big_value {
	__u64 words[64];
};

struct newer_rule {
	struct e1k_filter_rule rule;
	__u64 added_field;
};

#define T_MAP(_name, _type, _entries, _key, _value, _flags) \
	struct {                                            \
		__uint(type, _type);                        \
		__uint(max_entries, _entries);              \
		__uint(map_flags, _flags);                  \
		__type(key, _key);                          \
		__type(value, _value);                      \
	} _name SEC(".maps")

T_MAP(rx_stats, BPF_MAP_TYPE_ARRAY, E1K_STATS_ENTRIES, __u32, struct big_value, 0);
T_MAP(e1k_filt_cfg, BPF_MAP_TYPE_ARRAY, 1, __u32, struct e1k_filter_cfg, 0);
T_MAP(e1k_filt_rules, BPF_MAP_TYPE_ARRAY, E1K_FILTER_MAX_RULES, __u32, struct newer_rule, 0);
T_MAP(e1k_filt_hits, BPF_MAP_TYPE_PERCPU_ARRAY, E1K_FILTER_HIT_ENTRIES, __u32,
      struct e1k_stats, 0);
T_MAP(e1k_filt_src4, BPF_MAP_TYPE_LPM_TRIE, E1K_FILTER_LPM_ENTRIES, struct e1k_lpm4_key,
      struct e1k_lpm_val, BPF_F_NO_PREALLOC);
T_MAP(e1k_filt_dst4, BPF_MAP_TYPE_LPM_TRIE, E1K_FILTER_LPM_ENTRIES, struct e1k_lpm4_key,
      struct e1k_lpm_val, BPF_F_NO_PREALLOC);
T_MAP(e1k_filt_src6, BPF_MAP_TYPE_LPM_TRIE, E1K_FILTER_LPM_ENTRIES, struct e1k_lpm6_key,
      struct e1k_lpm_val, BPF_F_NO_PREALLOC);
T_MAP(e1k_filt_dst6, BPF_MAP_TYPE_LPM_TRIE, E1K_FILTER_LPM_ENTRIES, struct e1k_lpm6_key,
      struct e1k_lpm_val, BPF_F_NO_PREALLOC);

SEC("xdp")
int xdp_t_layouts(struct xdp_md *ctx)
{
	struct e1k_lpm4_key k4 = { .prefixlen = 32 };
	struct e1k_lpm6_key k6 = { .prefixlen = 128 };
	__u32 zero = 0;
	__u64 seen = 0;

	(void)ctx;
	seen += bpf_map_lookup_elem(&rx_stats, &zero) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_cfg, &zero) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_rules, &zero) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_hits, &zero) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_src4, &k4) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_dst4, &k4) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_src6, &k6) != 0;
	seen += bpf_map_lookup_elem(&e1k_filt_dst6, &k6) != 0;
	return seen > 100 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
