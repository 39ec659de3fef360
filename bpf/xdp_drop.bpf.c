// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_drop: drop every frame. The benchmark for the cheapest verdict: on a
 * native-XDP driver the page goes straight back to the rx ring.
 */
#include "xdp_parse.h"

E1K_STATS_MAP(e1k_drop_stats);

SEC("xdp")
int e1k_drop(struct xdp_md *ctx)
{
	return e1k_count(ctx, &e1k_drop_stats, XDP_DROP);
}

char _license[] SEC("license") = "GPL";
