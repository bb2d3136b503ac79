/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071) the control thread's packet builders and
 * parsers share (udp4.c, udp6.c, nd6.c, icmp6_msg.c): the 16-bit one's
 * complement sum of big-endian words, an odd last byte padded with zero, and
 * the IPv6 pseudo-header (RFC 8200 section 8.1). No DPDK. Sums of up to
 * 64 KiB fit the 32-bit accumulator before folding.
 */
#ifndef DPSEC_INET_SUM_H
#define DPSEC_INET_SUM_H

#include <stddef.h>
#include <stdint.h>

/* sum plus the words of p[0..len), not yet folded. */
static inline uint32_t
inet_sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len != 0)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The carries folded back in: the 16-bit sum (not yet complemented). */
static inline uint16_t
inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The IPv6 pseudo-header of an upper-layer packet of len bytes, next header
 * nh, under the IPv6 header ip6 (source and destination at bytes 8..39).
 */
static inline uint32_t
inet6_pseudo_sum(const uint8_t *ip6, size_t len, uint8_t nh)
{
	return inet_sum16(ip6 + 8, 32, 0) + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
}

#endif
