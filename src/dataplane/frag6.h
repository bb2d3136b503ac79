/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 fragmentation at the source (RFC 8200 section 4.5) of the gateway's
 * own outer IPv6 packets: an encrypted ESP or AH packet larger than its
 * tunnel's path MTU, with "crypto ipsec fragmentation after-encryption", or
 * carrying an IPv6 packet of at most 1280 bytes, which must get through
 * whatever the tunnel's MTU (RFC 2473 section 7.1, RFC 4459 section 3).
 * The slow path: one new single-segment mbuf per fragment, as frag4.c.
 *
 * The packets cut here are what esp_out.c builds: Ethernet, the fixed IPv6
 * header, then ESP, AH or UDP; the unfragmentable part is the fixed header
 * alone. A packet whose next header belongs to the unfragmentable part
 * (hop-by-hop, routing) or is already a fragment is refused.
 */
#ifndef DPSEC_FRAG6_H
#define DPSEC_FRAG6_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Fragments of one packet at most: a 9000-byte packet (the largest IP MTU
 * a config allows, once encapsulated) in 1280-byte fragments, the least an
 * IPv6 path carries, takes 8.
 */
#define FRAG6_MAX 8
#define FRAG6_HDR 8	/* the Fragment header */

struct rte_mbuf;
struct rte_mempool;

/*
 * Does an IPv6 packet of len bytes (its fixed header included, no extension
 * header) go in at most FRAG6_MAX fragments of at most mtu bytes each?
 */
bool frag6_fits(uint32_t len, uint16_t mtu);

/*
 * Identification of the next packet a worker fragments (RFC 8200 4.5: no
 * two fragmented packets between the same addresses may share one while
 * either may still be around; RFC 7739). *ctr: the worker's counter, its
 * start drawn at random; worker: its id, in the low 8 bits, so that two
 * workers never hand out the same one.
 */
static inline uint32_t
frag6_next_id(uint32_t *ctr, uint16_t worker)
{
	return (*ctr)++ << 8 | (uint8_t)worker;
}

/*
 * m: l2_len bytes of L2 header, an IPv6 header and its payload, ready to
 * send, larger than mtu and frag6_fits() for it. Fills out[] (FRAG6_MAX
 * entries) with its fragments, each with m's L2 header and a copy of its
 * IPv6 header (payload length and next header changed, a Fragment header
 * behind it with identification id), and returns how many; 0 when the pool
 * ran dry or m is not something this cuts (too short, an extension header of
 * the unfragmentable part, too many fragments). m is left as it is.
 */
unsigned int frag6_split(const struct rte_mbuf *m, struct rte_mempool *mp, uint16_t mtu,
			 uint32_t id, struct rte_mbuf **out);

#endif
