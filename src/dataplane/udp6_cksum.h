/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UDP checksum of ESP-in-UDP over IPv6 (RFC 3948 over RFC 8200), which
 * unlike IPv4's may not be zero (RFC 8200 section 8.1; the zero-checksum
 * exception of RFC 6935/6936 needs an agreement per tunnel that nothing
 * negotiates here). Summed over the UDP length, not the IPv6 payload length,
 * so that the two disagreeing cannot make a wrong datagram look right.
 * Native-order words (DPDK's raw sum): the pseudo-header's length and next
 * header are added as the big-endian words they are on the wire.
 */
#ifndef DPSEC_DP_UDP6_CKSUM_H
#define DPSEC_DP_UDP6_CKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* The folded one's complement sum of the pseudo-header and the ulen bytes at udp. */
static inline uint16_t
udp6_sum(const struct rte_ipv6_hdr *ip6, const struct rte_udp_hdr *udp, uint32_t ulen)
{
	uint32_t sum = __rte_raw_cksum(ip6->src_addr, 32, 0);

	/* ulen < 65536: the upper half of the pseudo-header's 32-bit length is zero */
	sum += rte_cpu_to_be_16((uint16_t)ulen) + rte_cpu_to_be_16(IPPROTO_UDP);
	return __rte_raw_cksum_reduce(__rte_raw_cksum(udp, ulen, sum));
}

/* Is the datagram's checksum there (non-zero) and right? */
static inline bool
udp6_cksum_ok(const struct rte_ipv6_hdr *ip6, const struct rte_udp_hdr *udp)
{
	return udp->dgram_cksum != 0 &&
	       udp6_sum(ip6, udp, rte_be_to_cpu_16(udp->dgram_len)) == 0xffff;
}

/* The checksum field written over a finished datagram (0 comes out as 0xffff: RFC 768). */
static inline void
udp6_cksum_set(const struct rte_ipv6_hdr *ip6, struct rte_udp_hdr *udp)
{
	uint16_t sum;

	udp->dgram_cksum = 0;
	sum = udp6_sum(ip6, udp, rte_be_to_cpu_16(udp->dgram_len));
	udp->dgram_cksum = sum == 0xffff ? 0xffff : (uint16_t)~sum;
}

#endif
