// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_tx: send every frame back out of the port it came in on, with source
 * and destination MAC swapped (so a peer sees it as coming from us). The
 * benchmark for the XDP_TX path. Nothing else is changed: IP addresses and
 * checksums stay as they were.
 *
 * A frame shorter than an Ethernet header cannot be swapped and has nothing
 * for the stack either: XDP_DROP (counted).
 */
#include "xdp_parse.h"

E1K_STATS_MAP(e1k_tx_stats);

SEC("xdp")
int e1k_tx(struct xdp_md *ctx)
{
	struct ethhdr *eth = e1k_parse_eth_only(ctx);

	if (!eth)
		return e1k_count(ctx, &e1k_tx_stats, XDP_DROP);
	e1k_swap_mac(eth);
	return e1k_count(ctx, &e1k_tx_stats, XDP_TX);
}

char _license[] SEC("license") = "GPL";
