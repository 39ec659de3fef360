/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Internet checksum (RFC 1071) for the test tools: csum_add() sums
 * big-endian 16-bit words into a 32-bit accumulator (an odd last byte is
 * the high byte of a word), csum_fold() folds the carries and complements.
 */
#ifndef E1K_CSUM_H
#define E1K_CSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
