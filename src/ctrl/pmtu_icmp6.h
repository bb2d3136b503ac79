/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 Packet Too Big (type 2, RFC 4443 section 3.2, RFC 8201) about one
 * of our own ESP-over-IPv6 packets, read from the message a router on the
 * path sent to the outside interface's address6: which SA (the quoted
 * header: our address6 to the peer, ESP right behind it as we send it, the
 * SPI) and the MTU. pmtu_icmp.h's IPv6 twin. No DPDK: bytes in, fields out.
 */
#ifndef DPSEC_PMTU_ICMP6_H
#define DPSEC_PMTU_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pmtu_icmp6 {
	uint8_t peer[16];	/* the quoted destination */
	uint32_t spi;		/* host order */
	uint32_t mtu;		/* the MTU as the router said it */
};

/*
 * ip6: an IPv6 packet of len bytes to our_addr6. True when it is an ICMPv6
 * Packet Too Big (next header 58 right after the IPv6 header, its checksum
 * right: RFC 4443 section 2.3; a forged one must still name a live SPI)
 * quoting an ESP packet from our_addr6 with enough of it to read the SPI;
 * *out set.
 */
bool pmtu_icmp6_parse(const uint8_t *ip6, size_t len, const uint8_t our_addr6[16],
		      struct pmtu_icmp6 *out);

#endif
