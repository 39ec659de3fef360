// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model. Written against the rules in bpf/e1k_xdp_maps.h,
 * byte offsets into the frame, no shared code with bpf/xdp_parse.h.
 */
#include "oracle.h"

#include <linux/bpf.h>
#include <string.h>

#include "pkt.h"

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int tpid(unsigned t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* IANA's IPv6 extension header numbers, minus ESP (opaque payload). */
static int v6_ext(unsigned nh)
{
	static const uint8_t ext[] = { 0, 43, 44, 51, 60, 135, 139, 140, 253, 254 };

	for (size_t i = 0; i < sizeof(ext); i++)
		if (ext[i] == nh)
			return 1;
	return 0;
}

/* Upper layer at off with avail datagram bytes. */
static void l4(const uint8_t *f, size_t len, size_t off, size_t avail,
	       struct ocls *c)
{
	size_t need;

	c->l4 = off;
	c->l4_avail = avail;
	if (c->proto == 6)
		need = 20;
	else if (c->proto == 17)
		need = 8;
	else if ((c->family == 4 && c->proto == 1) || (c->family == 6 && c->proto == 58))
		need = 8;
	else
		return; /* nothing to see: complete as far as it goes */
	if (avail < need || off > E1K_PARSE_MAX_OFF || off + need > len) {
		c->complete = 0;
		return;
	}
	c->l4_known = 1;
	if (c->proto == 6 || c->proto == 17) {
		c->sport = be16(f + off);
		c->dport = be16(f + off + 2);
	} else {
		c->itype = f[off];
		c->icode = f[off + 1];
	}
}

static void ipv4(const uint8_t *f, size_t len, size_t o, struct ocls *c)
{
	size_t ihl, tot, frag;

	if (o + 20 > len || (f[o] >> 4) != 4 || (f[o] & 0xf) < 5) {
		c->complete = 0;
		return;
	}
	c->l3 = o;
	c->l3_known = 1;
	memcpy(c->src, f + o + 12, 4);
	memcpy(c->dst, f + o + 16, 4);
	c->proto_known = 1;
	c->proto = f[o + 9];
	ihl = (size_t)(f[o] & 0xf) * 4;
	tot = be16(f + o + 2);
	if (tot < ihl) {
		c->complete = 0;
		return;
	}
	if (ihl > 20)
		c->extra = 1;
	if (o + tot > len)
		c->complete = 0; /* short datagram: keep looking, never complete */
	if (o + ihl > len) {
		c->complete = 0;
		return;
	}
	frag = be16(f + o + 6);
	if (frag & 0x1fff) {
		c->later_frag = 1;
		c->complete = 0;
		return;
	}
	if (frag & 0x2000)
		c->first_frag = 1;
	o += ihl;
	tot -= ihl;
	if (c->proto == 51) {
		size_t alen;

		if (o > E1K_PARSE_MAX_OFF) {
			c->complete = 0;
			return;
		}
		if (o + 8 > len || tot < 8) {
			c->proto_known = 0;
			c->complete = 0;
			return;
		}
		alen = ((size_t)f[o + 1] + 2) * 4;
		if (tot < alen) {
			c->proto_known = 0;
			c->complete = 0;
			return;
		}
		c->proto = f[o];
		c->extra = 1;
		o += alen;
		tot -= alen;
		if (c->proto == 51) {
			c->proto_known = 0;
			c->complete = 0;
			return;
		}
	}
	l4(f, len, o, tot, c);
}

static void ipv6(const uint8_t *f, size_t len, size_t o, struct ocls *c)
{
	size_t avail;
	unsigned nh;
	int n;

	if (o + 40 > len || (f[o] >> 4) != 6) {
		c->complete = 0;
		return;
	}
	c->l3 = o;
	c->l3_known = 1;
	memcpy(c->src, f + o + 8, 16);
	memcpy(c->dst, f + o + 24, 16);
	avail = be16(f + o + 4);
	nh = f[o + 6];
	o += 40;
	if (o + avail > len)
		c->complete = 0;
	for (n = 0; n < E1K_IPV6_MAX_EXT && v6_ext(nh); n++) {
		size_t hl;

		if (o > E1K_PARSE_MAX_OFF || o + 8 > len || avail < 8) {
			c->complete = 0;
			return;
		}
		if (nh == 44) {
			if (be16(f + o + 2) >> 3) {
				c->later_frag = 1;
				c->extra = 1;
				if (!v6_ext(f[o])) {
					c->proto_known = 1;
					c->proto = f[o];
				}
				c->complete = 0;
				return;
			}
			if (f[o + 3] & 1)
				c->first_frag = 1;
			hl = 8;
		} else if (nh == 51) {
			hl = ((size_t)f[o + 1] + 2) * 4;
		} else {
			hl = ((size_t)f[o + 1] + 1) * 8;
		}
		if (avail < hl) {
			c->complete = 0;
			return;
		}
		c->extra = 1;
		nh = f[o];
		o += hl;
		avail -= hl;
	}
	if (v6_ext(nh)) {
		c->complete = 0; /* deeper than we walk */
		return;
	}
	c->proto_known = 1;
	c->proto = (uint8_t)nh;
	l4(f, len, o, avail, c);
}

void oracle_classify(const uint8_t *f, size_t len, struct ocls *c)
{
	size_t o = 12;
	unsigned t;

	memset(c, 0, sizeof(*c));
	c->complete = 1;
	if (len < 14) {
		c->complete = 0;
		return;
	}
	for (;;) {
		if (o + 2 > len) {
			c->complete = 0;
			return;
		}
		t = be16(f + o);
		c->chain[c->nchain++] = (uint16_t)t;
		if (!tpid(t))
			break;
		if (c->nchain == E1K_VLAN_MAX + 1) {
			c->complete = 0; /* a third tag */
			return;
		}
		/* tag: TPID (already read), TCI, then the next EtherType */
		if (o + 6 > len) {
			c->complete = 0;
			return;
		}
		o += 4;
	}
	o += 2;
	c->eth_known = 1;
	if (t == 0x0800) {
		c->family = 4;
		ipv4(f, len, o, c);
	} else if (t == 0x86dd) {
		c->family = 6;
		ipv6(f, len, o, c);
	}
}

/* Whether prefix p/plen contains address a, bit by bit. */
static int contains(const uint8_t *p, unsigned plen, const uint8_t *a)
{
	for (unsigned b = 0; b < plen; b++) {
		unsigned m = 0x80u >> (b % 8);

		if ((p[b / 8] & m) != (a[b / 8] & m))
			return 0;
	}
	return 1;
}

enum { NO = 0, YES = 1, MAYBE = 2 };

/* Combine: NO beats everything, then MAYBE. */
static int both(int a, int b)
{
	if (a == NO || b == NO)
		return NO;
	return a == MAYBE || b == MAYBE ? MAYBE : YES;
}

int oracle_rule(const struct e1k_filter_rule *r, const struct ocls *c)
{
	int res = YES, non_ip = c->eth_known && c->family == 0;
	uint32_t fl = r->flags;

	if (fl & E1K_MATCH_ETHERTYPE) {
		int in = 0;

		for (int i = 0; i < c->nchain; i++)
			in |= c->chain[i] == r->ethertype;
		res = both(res, in ? YES : c->eth_known ? NO : MAYBE);
	}
	if (fl & (E1K_MATCH_SRC | E1K_MATCH_DST)) {
		int v;

		if (non_ip || (c->eth_known && c->family != r->family))
			v = NO;
		else if (!c->l3_known)
			v = MAYBE;
		else
			v = (!(fl & E1K_MATCH_SRC) || contains(r->src, r->src_len, c->src)) &&
			    (!(fl & E1K_MATCH_DST) || contains(r->dst, r->dst_len, c->dst)) ?
				    YES : NO;
		res = both(res, v);
	}
	if (fl & E1K_MATCH_PROTO)
		res = both(res, non_ip ? NO : !c->proto_known ? MAYBE :
				c->proto == r->proto ? YES : NO);
	if (fl & (E1K_MATCH_SPORT | E1K_MATCH_DPORT)) {
		int v;

		if (non_ip)
			v = NO;
		else if (!c->proto_known)
			v = MAYBE;
		else if (c->proto != 6 && c->proto != 17)
			v = NO;
		else if (!c->l4_known)
			v = MAYBE;
		else
			v = (!(fl & E1K_MATCH_SPORT) ||
			     (c->sport >= r->sport_min && c->sport <= r->sport_max)) &&
			    (!(fl & E1K_MATCH_DPORT) ||
			     (c->dport >= r->dport_min && c->dport <= r->dport_max)) ?
				    YES : NO;
		res = both(res, v);
	}
	if (fl & (E1K_MATCH_ICMP_TYPE | E1K_MATCH_ICMP_CODE)) {
		int v, icmp = (c->family == 4 && c->proto == 1) ||
			      (c->family == 6 && c->proto == 58);

		if (non_ip)
			v = NO;
		else if (!c->proto_known)
			v = MAYBE;
		else if (!icmp)
			v = NO;
		else if (!c->l4_known)
			v = MAYBE;
		else
			v = (!(fl & E1K_MATCH_ICMP_TYPE) || c->itype == r->icmp_type) &&
			    (!(fl & E1K_MATCH_ICMP_CODE) || c->icode == r->icmp_code) ?
				    YES : NO;
		res = both(res, v);
	}
	return res;
}

int oracle_filter(const struct e1k_filter_rule *rules, unsigned char policy,
		  unsigned char unclass, const struct ocls *c, int *slot)
{
	unsigned dp = policy;
	unsigned up = unclass;

	/* Only an unclassifiable frame gives MAYBE; "allow" resolves it in
	 * favour of pass rules, every other setting in favour of drop rules. */
	int maybe_action = !c->complete && up == E1K_UNCLASS_PASS ? E1K_ACTION_PASS :
								       E1K_ACTION_DROP;

	for (int i = 0; i < E1K_FILTER_MAX_RULES; i++) {
		const struct e1k_filter_rule *r = &rules[i];
		int m;

		if (!(r->flags & E1K_RULE_ACTIVE))
			continue;
		m = oracle_rule(r, c);
		if (m == NO || (m == MAYBE && r->action != maybe_action))
			continue;
		*slot = i;
		return r->action == E1K_ACTION_PASS ? XDP_PASS : XDP_DROP;
	}
	if (!c->complete && up == E1K_UNCLASS_PASS) {
		*slot = -1;
		return XDP_PASS;
	}
	if (!c->complete && up == E1K_UNCLASS_DROP) {
		*slot = -1;
		return XDP_DROP;
	}
	*slot = E1K_FILTER_HIT_DEFAULT;
	return dp == E1K_ACTION_UNSET || dp == E1K_ACTION_PASS ? XDP_PASS : XDP_DROP;
}

static int uni4(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

static int uni6(const uint8_t *a)
{
	static const uint8_t zero[16], one[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (a[0] == 0xff)
		return 0;
	if (!memcmp(a, zero, 16) || !memcmp(a, one, 16))
		return 0;
	return memcmp(a, mapped, 12) != 0;
}

int oracle_echo(const uint8_t *f, size_t len, const struct oecho_cfg *ec,
		uint8_t *out)
{
	struct e1k_echo_cfg none = { 0 };
	const struct e1k_echo_cfg *cfg = ec && ec->cfg ? ec->cfg : &none;
	struct ocls c;
	uint8_t ttl = cfg->ttl ? cfg->ttl : E1K_ECHO_DEFAULT_TTL;
	size_t l3, l4, end;

	oracle_classify(f, len, &c);
	if (!c.complete || !c.l4_known || c.first_frag || c.later_frag || c.extra)
		return XDP_PASS;
	if (f[6] & 1)
		return XDP_PASS; /* group source MAC */
	if (cfg->flags & E1K_ECHO_F_MAC) {
		if (memcmp(f, cfg->mac, 6))
			return XDP_PASS;
	} else if (f[0] & 1) {
		return XDP_PASS;
	}
	l3 = c.l3;
	l4 = c.l4;
	end = l4 + c.l4_avail;
	if (end - l4 > E1K_ECHO_MAX_MSG || !csum_ok_l4(f, l3, l4, end))
		return XDP_PASS;
	if (c.family == 4) {
		unsigned plen = ec && ec->owned4 ? ec->owned4(c.dst) : 0;
		uint32_t s4 = (uint32_t)c.src[0] << 24 | c.src[1] << 16 | c.src[2] << 8 | c.src[3];
		uint32_t d4 = (uint32_t)c.dst[0] << 24 | c.dst[1] << 16 | c.dst[2] << 8 | c.dst[3];

		if ((cfg->flags & E1K_ECHO_F_NO_IPV4) || c.proto != 1 ||
		    c.itype != 8 || c.icode != 0 || !uni4(c.src) || !uni4(c.dst))
			return XDP_PASS;
		if (!plen || plen > 32 || ec->owned4(c.src) || !csum_ok_ip4hdr(f, l3))
			return XDP_PASS;
		if (plen < 31 && s4 == (d4 | (0xffffffffu >> plen)))
			return XDP_PASS; /* from our subnet's broadcast address */
	} else if (c.family == 6) {
		if ((cfg->flags & E1K_ECHO_F_NO_IPV6) || c.proto != 58 ||
		    c.itype != 128 || c.icode != 0 || !uni6(c.src) || !uni6(c.dst))
			return XDP_PASS;
		if (!(ec && ec->owned6 && ec->owned6(c.dst)) || ec->owned6(c.src))
			return XDP_PASS;
	} else {
		return XDP_PASS;
	}

	/* The reply, checksums computed from scratch. */
	memcpy(out, f, len);
	memcpy(out, f + 6, 6);
	memcpy(out + 6, f, 6);
	if (c.family == 4) {
		uint16_t ck;

		memcpy(out + l3 + 12, f + l3 + 16, 4);
		memcpy(out + l3 + 16, f + l3 + 12, 4);
		out[l3 + 8] = ttl;
		out[l3 + 10] = out[l3 + 11] = 0;
		ck = (uint16_t)~csum_fold(csum_add(0, out + l3, 20));
		out[l3 + 10] = ck >> 8;
		out[l3 + 11] = ck & 0xff;
		out[l4] = 0;
		out[l4 + 2] = out[l4 + 3] = 0;
		ck = (uint16_t)~csum_fold(csum_add(0, out + l4, end - l4));
		out[l4 + 2] = ck >> 8;
		out[l4 + 3] = ck & 0xff;
	} else {
		uint32_t acc;
		uint16_t ck;
		size_t seg = end - l4;

		memcpy(out + l3 + 8, f + l3 + 24, 16);
		memcpy(out + l3 + 24, f + l3 + 8, 16);
		out[l3 + 7] = ttl;
		out[l4] = 129;
		out[l4 + 2] = out[l4 + 3] = 0;
		acc = csum_add(0, out + l3 + 8, 32);
		acc += (uint32_t)(seg >> 16) + (uint32_t)(seg & 0xffff) + 58;
		acc = csum_add(acc, out + l4, seg);
		ck = (uint16_t)~csum_fold(acc);
		out[l4 + 2] = ck >> 8;
		out[l4 + 3] = ck & 0xff;
	}
	return XDP_TX;
}
