/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of the programs' documented behaviour (e1k_xdp_maps.h),
 * written from that text in plain C and independently of the BPF code: a
 * frame classifier, the filter's decision, and the reflector's decision and
 * reply. The unit tests compare the programs with it frame by frame.
 */
#ifndef E1K_TEST_ORACLE_H
#define E1K_TEST_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "../../bpf/e1k_xdp_maps.h"

struct ocls {
	int complete;        /* every announced header present and sane */
	int nchain;          /* EtherTypes seen (outer, after each tag) */
	uint16_t chain[3];
	int eth_known;       /* chain complete (L3 EtherType reached) */
	int family;          /* 4 / 6 from the L3 EtherType, else 0 */
	int l3_known;        /* addresses valid */
	uint8_t src[16], dst[16];
	int proto_known;
	uint8_t proto;
	int l4_known;        /* ports / ICMP type+code valid */
	uint16_t sport, dport;
	uint8_t itype, icode;
	int later_frag;      /* non-first fragment */
	int first_frag;      /* offset 0 with more fragments */
	int extra;           /* IPv4 options / AH, IPv6 extension headers */
	size_t l3, l4, l4_avail;
};

void oracle_classify(const uint8_t *f, size_t len, struct ocls *c);

/* Filter decision for one bank's rules (rules[0..E1K_FILTER_MAX_RULES),
 * slot order) and its policies: XDP_PASS / XDP_DROP; *slot = deciding
 * rule, or E1K_FILTER_HIT_DEFAULT, or -1 when the unclassified policy
 * decided. */
int oracle_filter(const struct e1k_filter_rule *rules, unsigned char policy,
		  unsigned char unclass, const struct ocls *c, int *slot);

/* Tri-state of one rule: 0 no, 1 yes, 2 maybe. */
int oracle_rule(const struct e1k_filter_rule *r, const struct ocls *c);

/* Reflector: XDP_TX with the expected reply in out (same length), or
 * XDP_PASS. cfg NULL = defaults. The receiving interface's addresses via
 * callbacks: the prefix length listed for an address, 0 when it is not
 * one of them (a NULL callback: none are). */
struct oecho_cfg {
	const struct e1k_echo_cfg *cfg;
	unsigned (*owned4)(const uint8_t *a);
	unsigned (*owned6)(const uint8_t *a);
};
int oracle_echo(const uint8_t *f, size_t len, const struct oecho_cfg *ec,
		uint8_t *out);

#endif
