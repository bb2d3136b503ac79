/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's IPv6 next hops, as arp_out.h is for IPv4: a static
 * neighbors6 entry or next_hop_mac first (they win), then the learned
 * neighbor cache (nd6_cache.h); with neither, a Neighbor Solicitation goes
 * out when the cache allows one (RFC 4861 section 7.2.2, retransmit timer,
 * hold-down, rate limit) and the caller is told -EHOSTUNREACH.
 *
 * What the cache learns reaches the dataplane two ways: outbound SAs to an
 * IPv6 peer take a new MAC (dp_neighbor6_update, from punt.c), and the
 * workers' table of inside next hops for decrypted IPv6 is republished
 * whenever the usable set changed (dp_neighbor6_set). A worker that drops a
 * decrypted IPv6 packet for want of a MAC asks for a solicitation
 * (DP_EV_NEIGH6_MISS, ctrl_nd6_miss).
 */
#ifndef DPSEC_ND6_OUT_H
#define DPSEC_ND6_OUT_H

#include <stddef.h>
#include <stdint.h>

struct ctrl;
struct dp_event;

#define CTRL_ND6_ENTRIES 256	/* learned IPv6 neighbors, all interfaces together */
#define CTRL_ND6_AGE_S 14400	/* IOS's "ipv6 nd cache expire" default: STALE kept 4 hours */

/* 0 and mac, or -EHOSTUNREACH (solicited or held back), -ENODEV (no such port or address6). */
int ctrl_nd6_resolve(struct ctrl *c, uint32_t iface, const uint8_t ip[16], uint8_t mac[6]);

/* Outbound IPv6 SAs installed from now on take their next-hop MAC from here too. */
void ctrl_nd6_attach(struct ctrl *c);

/* A worker's DP_EV_NEIGH6_MISS: solicit the next hop (or republish, if it is known by now). */
void ctrl_nd6_miss(struct ctrl *c, const struct dp_event *ev);

/* Republishes the workers' table if the cache changed since the last time. */
void ctrl_nd6_publish(struct ctrl *c);
/*
 * Unicast solicitations the cache says are due (DELAY/PROBE, RFC 4861
 * 7.3.3), counted under the punt kind nd6 as the multicast ones.
 */
void ctrl_nd6_probe(struct ctrl *c);

#endif
