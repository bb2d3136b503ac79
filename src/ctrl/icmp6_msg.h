/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 error messages (RFC 4443) as bytes: whether a packet may be
 * answered with one (section 2.4 (e)), the message itself (IPv6 header,
 * ICMPv6 header, as much of the invoking packet as fits the minimum MTU,
 * section 2.4 (c)), and the checksum (section 2.3). No DPDK: the control
 * thread's icmp6_err.c sends what this builds; unit tests and scapy read it.
 */
#ifndef DPSEC_ICMP6_MSG_H
#define DPSEC_ICMP6_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/events.h"	/* the types and codes, ICMP6_MIN_MTU */

#define ICMP6_IP6_HDR 40
#define ICMP6_HDR 8		/* type, code, checksum, 4 bytes the type defines */
#define ICMP6_ERR_HOP_LIMIT 64

/*
 * May an error of this type be sent about the IPv6 packet pkt (len bytes,
 * from its IPv6 header on)? Not (RFC 4443 section 2.4 (e)) about an ICMPv6
 * error or a redirect (the extension headers walked, bounded, to find out;
 * a packet cut before its ICMPv6 type is not answered either), nor about a
 * packet sent to a multicast address (but for Packet Too Big and parameter
 * problem code 2, e.3), nor from an address that is not one node's
 * (unspecified, multicast, loopback: e.6).
 */
bool icmp6_err_answerable(const uint8_t *pkt, size_t len, uint8_t type);

/*
 * An IPv6 packet from src to the invoking packet's source: ICMPv6 type,
 * code, the 32-bit word the type defines (Packet Too Big: the MTU; section
 * 3.2), then the first bytes of pkt, as many as keep the whole within
 * ICMP6_MIN_MTU (section 2.4 (c)). Written to out (cap bytes); returns its
 * length, or 0 (len < 40, or no room for header and quote).
 */
size_t icmp6_err_build(uint8_t *out, size_t cap, const uint8_t src[16], uint8_t type, uint8_t code,
		       uint32_t param, const uint8_t *pkt, size_t len);

/* The checksum of the ICMPv6 message icmp[0..len) in the IPv6 packet ip6 (RFC 8200 8.1). */
uint16_t icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t len);

#endif
