/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragmentation (RFC 791 sections 2.3 and 3.2, RFC 1812 section
 * 5.2.6) of a decrypted packet larger than its inside egress MTU, DF clear.
 * The slow path of forwarding: it allocates, one mbuf per fragment, each a
 * single segment (not every PMD transmits chains).
 */
#ifndef DPSEC_FRAG4_H
#define DPSEC_FRAG4_H

#include <stdint.h>

#include "dataplane.h"

/*
 * Fragments of the largest packet one mbuf holds, at the smallest MTU a
 * config allows (576: 512 data bytes a fragment behind 60 bytes of header).
 */
#define FRAG4_MAX 8

struct rte_mempool;

/*
 * Can this IPv4 header (checked by the caller: version, lengths, checksum)
 * be fragmented to mtu? DP_KEEP, or Ipv4HdrErr for options that cannot be
 * walked or an offset past 65535 bytes, IpFragErr for more than FRAG4_MAX
 * fragments.
 */
dp_drop_t frag4_check(const struct rte_ipv4_hdr *ip, uint16_t mtu);

/*
 * m: Ethernet + IPv4 ready to send (TTL already decremented), its header
 * passed frag4_check() for mtu and its total length larger than mtu. Fills
 * out[] (FRAG4_MAX entries) with the fragments, each with m's Ethernet
 * header, and returns how many, or 0 when the pool ran dry. m is left as it
 * is (the caller frees it).
 */
unsigned int frag4_split(const struct rte_mbuf *m, struct rte_mempool *mp, uint16_t mtu,
			 struct rte_mbuf **out);

#endif
