// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only object with two XDP programs, for the loader's choice of one
 * (attach --prog-name / --section; tests/vm/t_loader.sh). Without a choice
 * the loader must refuse, not take the first.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int t_pass_all(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

SEC("xdp")
int t_pass_other(struct xdp_md *ctx)
{
	/* The test only looks at which of the two got attached. */
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
