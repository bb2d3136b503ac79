/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP "fragmentation needed" (type 3 code 4, RFC 1191) about one of our own
 * ESP, AH or ESP-in-UDP packets, read from the ICMP message a router on the
 * path sent to the outside address: which SA (the quoted header: our address
 * to the peer, the SPI) and the next-hop MTU. No DPDK: bytes in, fields out.
 */
#ifndef DPSEC_PMTU_ICMP_H
#define DPSEC_PMTU_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pmtu_icmp {
	uint32_t peer;		/* the quoted destination, network order */
	uint8_t proto;		/* IPPROTO_ESP (raw or in UDP 4500) or IPPROTO_AH */
	uint32_t spi;		/* host order */
	uint16_t mtu;		/* next-hop MTU as the router said it (0: it did not) */
};

/*
 * ip: an IPv4 packet of len bytes (its header checked by the worker) to
 * our_addr (network order). True when it is ICMP 3/4, unfragmented, quoting
 * an ESP, AH or ESP-in-UDP packet from our_addr with enough of it to read
 * the SPI (RFC 792: the header and 64 bits; ESP-in-UDP needs 96), *out set.
 */
bool pmtu_icmp_parse(const uint8_t *ip, size_t len, uint32_t our_addr, struct pmtu_icmp *out);

#endif
