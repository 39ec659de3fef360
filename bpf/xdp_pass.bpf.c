// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pass: every frame to the stack. The benchmark baseline for "a program
 * is attached" (the cost of running XDP at all), with the usual stats.
 */
#include "xdp_parse.h"

E1K_STATS_MAP(e1k_pass_stats);

SEC("xdp")
int e1k_pass(struct xdp_md *ctx)
{
	return e1k_count(ctx, &e1k_pass_stats, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
