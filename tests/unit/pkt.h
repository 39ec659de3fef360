/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frames: a builder for Ethernet / VLAN / IPv4 (options, AH) / IPv6
 * (extension headers) / TCP / UDP / ICMP / ICMPv6 frames with correct
 * checksums, and checksum verification written separately from the
 * builder's checksum code (a different summing scheme), so the two cannot
 * share a mistake with each other or with the BPF programs' incremental
 * updates.
 */
#ifndef E1K_TEST_PKT_H
#define E1K_TEST_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 9216	/* MTU 9000, tagged */

/* One IPv6 extension header. */
struct ext6 {
	uint8_t type;      /* 0, 43, 44, 51, 60, 135, ... */
	uint8_t len_field; /* the raw Hdr Ext Len byte (ignored for 44) */
	uint16_t frag;     /* 44 only: offset << 3 | M */
};

struct fspec {
	uint8_t dmac[6], smac[6];
	int nvlan;              /* tags before the L3 EtherType */
	uint16_t tpid[4];       /* 0 = 0x8100 */
	uint16_t tci[4];
	uint16_t ethertype;     /* 0 = from family (0x0800 / 0x86dd) */
	int family;             /* 4, 6, or 0: raw payload after EtherType */
	uint8_t src[16], dst[16];
	uint8_t ttl;            /* 0 = 64 */
	uint8_t tos;
	uint16_t ip_id;
	uint16_t frag;          /* IPv4 flags | offset field, host order */
	int optlen;             /* IPv4 option bytes, multiple of 4, <= 40 */
	int ah;                 /* IPv4: an AH header before L4 (ah_len field) */
	uint8_t ah_len;
	int n_ext;              /* IPv6 extension headers, in order */
	struct ext6 ext[12];
	uint8_t proto;          /* 6, 17, 1, 58 or anything */
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	size_t payload;         /* bytes after the L4 header */
	uint8_t seed;           /* payload pattern: seed + i */
	const uint8_t *payload_bytes; /* explicit payload (payload bytes) */
	size_t pad_to;          /* zero-pad the frame to at least this */
	size_t l4_cut;          /* if set: the datagram (and frame) ends this
				 * many bytes into the L4 header */
};

/* Build the frame into out (PKT_MAX bytes); returns its length. */
size_t pkt_build(const struct fspec *s, uint8_t *out);

/* Offsets the builder used, for tests that poke at fields. */
struct pkt_layout {
	size_t l3, l4, end; /* end: end of the IP datagram */
};
size_t pkt_build_layout(const struct fspec *s, uint8_t *out,
			struct pkt_layout *lay);

void set_ip4(uint8_t *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3);
int set_ip6(uint8_t *a, const char *text); /* inet_pton; 0 on success */

/*
 * Independent verification: 1 if the checksum is right.
 *  - csum_ok_ip4hdr: the IPv4 header at l3 (IHL from the header)
 *  - csum_ok_l4: the upper-layer message of an IPv4 (ICMP: no pseudo
 *    header; TCP/UDP: with) or IPv6 (always with; no extension headers)
 *    datagram whose IP header is at l3, L4 header at l4, end at end.
 * csum_residual_l4 returns the folded one's complement sum that
 * csum_ok_l4 compares with 0xffff.
 */
int csum_ok_ip4hdr(const uint8_t *f, size_t l3);
int csum_ok_l4(const uint8_t *f, size_t l3, size_t l4, size_t end);
uint16_t csum_residual_l4(const uint8_t *f, size_t l3, size_t l4, size_t end);
uint16_t csum_residual_ip4hdr(const uint8_t *f, size_t l3);

/* The builder's own checksum (RFC 1071 over 16-bit words), exported for
 * crafting edge cases. */
uint32_t csum_add(uint32_t acc, const uint8_t *p, size_t n);
uint16_t csum_fold(uint32_t acc);

#endif
