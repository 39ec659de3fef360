// SPDX-License-Identifier: GPL-2.0
#include "pkt.h"

#include <arpa/inet.h>
#include <string.h>

uint32_t csum_add(uint32_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

uint16_t csum_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void set_ip4(uint8_t *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3)
{
	memset(a, 0, 16);
	a[0] = b0;
	a[1] = b1;
	a[2] = b2;
	a[3] = b3;
}

int set_ip6(uint8_t *a, const char *text)
{
	return inet_pton(AF_INET6, text, a) == 1 ? 0 : -1;
}

/* The pseudo-header sum of RFC 768 / RFC 8200 section 8.1. */
static uint32_t pseudo(int family, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, size_t len)
{
	uint32_t acc = 0;

	acc = csum_add(acc, src, family == 4 ? 4 : 16);
	acc = csum_add(acc, dst, family == 4 ? 4 : 16);
	acc += proto;
	acc += (uint32_t)(len >> 16);
	acc += (uint32_t)(len & 0xffff);
	return acc;
}

static size_t ext6_len(const struct ext6 *e)
{
	if (e->type == 44)
		return 8;
	if (e->type == 51)
		return ((size_t)e->len_field + 2) * 4;
	return ((size_t)e->len_field + 1) * 8;
}

size_t pkt_build_layout(const struct fspec *s, uint8_t *out,
			struct pkt_layout *lay)
{
	size_t off = 12, l3, l4, l4len, end, hlen = 0, i;
	uint16_t etype = s->ethertype;
	uint8_t proto = s->proto;

	memset(out, 0, PKT_MAX);
	memcpy(out, s->dmac, 6);
	memcpy(out + 6, s->smac, 6);
	for (int t = 0; t < s->nvlan; t++) {
		put16(out + off, s->tpid[t] ? s->tpid[t] : 0x8100);
		put16(out + off + 2, s->tci[t]);
		off += 4;
	}
	if (!etype)
		etype = s->family == 4 ? 0x0800 : s->family == 6 ? 0x86dd : 0x88b5;
	put16(out + off, etype);
	off += 2;
	l3 = off;

	/* L4 header size by protocol. */
	switch (proto) {
	case 6: l4len = 20; break;
	case 17: l4len = 8; break;
	case 1: case 58: l4len = 8; break;
	default: l4len = 0; break;
	}

	if (s->family == 4) {
		hlen = 20 + (size_t)s->optlen;
		l4 = l3 + hlen;
		if (s->ah)
			l4 += ((size_t)s->ah_len + 2) * 4;
	} else if (s->family == 6) {
		l4 = l3 + 40;
		for (i = 0; i < (size_t)s->n_ext; i++)
			l4 += ext6_len(&s->ext[i]);
	} else {
		l4 = l3;
		l4len = 0;
	}
	end = l4 + l4len + s->payload;
	if (end > PKT_MAX)
		return 0;

	/* Payload first: the L4 checksum covers it. */
	for (i = 0; i < s->payload; i++)
		out[l4 + l4len + i] = s->payload_bytes ? s->payload_bytes[i] :
							 (uint8_t)(s->seed + i);

	if (s->family == 4) {
		uint8_t *ip = out + l3;

		ip[0] = 0x40 | (uint8_t)(hlen / 4);
		ip[1] = s->tos;
		put16(ip + 2, (uint16_t)(end - l3));
		put16(ip + 4, s->ip_id);
		put16(ip + 6, s->frag);
		ip[8] = s->ttl ? s->ttl : 64;
		ip[9] = s->ah ? 51 : proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		/* Options: NOPs, then one End of Options List. */
		for (i = 20; i < hlen; i++)
			ip[i] = 1;
		if (hlen > 20)
			ip[hlen - 1] = 0;
		if (s->ah) {
			uint8_t *ah = ip + hlen;

			ah[0] = proto;
			ah[1] = s->ah_len;
			put16(ah + 4, 0x1234); /* SPI (part) */
		}
		put16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, hlen)));
	} else if (s->family == 6) {
		uint8_t *ip = out + l3;
		size_t eo = l3 + 40;
		uint8_t nh;

		ip[0] = 0x60 | (s->tos >> 4);
		ip[1] = (uint8_t)(s->tos << 4);
		put16(ip + 4, (uint16_t)(end - l3 - 40));
		ip[7] = s->ttl ? s->ttl : 64;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		nh = s->n_ext ? s->ext[0].type : proto;
		ip[6] = nh;
		for (i = 0; i < (size_t)s->n_ext; i++) {
			const struct ext6 *e = &s->ext[i];
			uint8_t *h = out + eo;
			size_t el = ext6_len(e);

			h[0] = i + 1 < (size_t)s->n_ext ? s->ext[i + 1].type : proto;
			if (e->type == 44) {
				put16(h + 2, e->frag);
				put16(h + 6, 0x4242); /* identification (part) */
			} else {
				h[1] = e->len_field;
				if ((e->type == 0 || e->type == 60) && el >= 8) {
					/* PadN filling the rest of the header */
					h[2] = 1;
					h[3] = (uint8_t)(el - 4);
				}
			}
			eo += el;
		}
	}

	if (l4len) {
		uint8_t *h = out + l4;
		size_t seg = end - l4;
		uint32_t acc = 0;

		if (proto == 6) {
			put16(h, s->sport);
			put16(h + 2, s->dport);
			h[12] = 5 << 4; /* data offset */
			h[13] = 0x02;   /* SYN */
			put16(h + 14, 1024);
		} else if (proto == 17) {
			put16(h, s->sport);
			put16(h + 2, s->dport);
			put16(h + 4, (uint16_t)seg);
		} else {
			h[0] = s->icmp_type;
			h[1] = s->icmp_code;
			put16(h + 4, s->icmp_id);
			put16(h + 6, s->icmp_seq);
		}
		if (s->family == 6 || proto != 1)
			acc = pseudo(s->family, s->src, s->dst, proto, seg);
		if (s->family != 4 && s->family != 6)
			acc = 0;
		acc = csum_add(acc, h, seg);
		{
			uint16_t c = (uint16_t)~csum_fold(acc);

			/* UDP: a computed 0 is sent as 0xffff (0 = none). */
			if (proto == 17 && c == 0)
				c = 0xffff;
			put16(h + (proto == 6 ? 16 : proto == 17 ? 6 : 2), c);
		}
	}

	if (s->l4_cut && s->l4_cut < end - l4) {
		/* A datagram that stops inside its L4 header (tiny first
		 * fragments): shorten the length fields and the frame. */
		end = l4 + s->l4_cut;
		memset(out + end, 0, PKT_MAX - end);
		if (s->family == 4) {
			put16(out + l3 + 2, (uint16_t)(end - l3));
			put16(out + l3 + 10, 0);
			put16(out + l3 + 10, (uint16_t)~csum_fold(csum_add(0, out + l3, hlen)));
		} else if (s->family == 6) {
			put16(out + l3 + 4, (uint16_t)(end - l3 - 40));
		}
	}

	if (lay) {
		lay->l3 = l3;
		lay->l4 = l4;
		lay->end = end;
	}
	if (s->pad_to > end && s->pad_to <= PKT_MAX)
		return s->pad_to;
	return end;
}

size_t pkt_build(const struct fspec *s, uint8_t *out)
{
	return pkt_build_layout(s, out, NULL);
}

/*
 * Verification: sum 32-bit big-endian words into 64 bits (not the
 * builder's 16-bit loop), then fold. Equivalent arithmetic, different code.
 */
static uint64_t vsum(uint64_t acc, const uint8_t *p, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		acc += (uint64_t)p[i] << 24 | (uint64_t)p[i + 1] << 16 |
		       (uint64_t)p[i + 2] << 8 | p[i + 3];
	for (; i + 2 <= n; i += 2)
		acc += (uint64_t)p[i] << 8 | p[i + 1];
	if (i < n)
		acc += (uint64_t)p[i] << 8;
	return acc;
}

static uint16_t vfold(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t csum_residual_ip4hdr(const uint8_t *f, size_t l3)
{
	return vfold(vsum(0, f + l3, (size_t)(f[l3] & 0xf) * 4));
}

int csum_ok_ip4hdr(const uint8_t *f, size_t l3)
{
	return csum_residual_ip4hdr(f, l3) == 0xffff;
}

uint16_t csum_residual_l4(const uint8_t *f, size_t l3, size_t l4, size_t end)
{
	int v6 = (f[l3] >> 4) == 6;
	uint8_t proto;
	uint64_t acc = 0;
	size_t seg = end - l4;

	if (v6) {
		/* Only for datagrams without extension headers (the
		 * reflector's): the protocol is the fixed header's. */
		proto = f[l3 + 6];
		acc = vsum(acc, f + l3 + 8, 32);
	} else {
		proto = f[l3 + 9];
		if (proto != 1)
			acc = vsum(acc, f + l3 + 12, 8);
	}
	if (v6 || proto != 1) {
		uint8_t ph[8] = { 0, 0, (uint8_t)(seg >> 8), (uint8_t)seg,
				  0, 0, 0, proto };

		acc = vsum(acc, ph, 8);
	}
	acc = vsum(acc, f + l4, seg);
	return vfold(acc);
}

int csum_ok_l4(const uint8_t *f, size_t l3, size_t l4, size_t end)
{
	return csum_residual_l4(f, l3, l4, end) == 0xffff;
}
