/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 neighbors the control thread learned by neighbor discovery
 * (src/ctrl/nd6_cache.h), as the workers read them: where a decrypted IPv6
 * packet goes when its inside next hop has no static neighbors6 entry (the
 * statics win: route_inside6 looks there first).
 *
 * An immutable snapshot (but for each entry's use mark): the control thread builds a new table whenever what
 * it learned changes, publishes it with one atomic store and retires the old
 * one after the workers' grace period (sad_retire), so a worker reads without
 * locks. A linear scan: the table is as small as the learned cache (a few
 * next hops per inside link) and read only for IPv6 packets whose next hop
 * has no static MAC; the IPv4 path never reads it.
 */
#ifndef DPSEC_NEIGH6_H
#define DPSEC_NEIGH6_H

#include <stdint.h>

#include <rte_ether.h>

struct dp;

struct neigh6_learned_ent {
	uint8_t ip[16];
	uint16_t port;			/* index into dp->ports */
	struct rte_ether_addr mac;
	/*
	 * The one mutable byte: set (relaxed) by a worker that sent to it,
	 * cleared by the control thread (dp_neighbor6_used). A worker writes
	 * it only when it reads 0, so a busy entry's line is not written per
	 * packet.
	 */
	uint8_t used;
};

struct neigh6_learned {
	uint32_t n;
	struct neigh6_learned_ent e[];
};

/* The MAC of ip on port in the published table t (may be NULL), or NULL. */
const struct rte_ether_addr *neigh6_lookup(const struct neigh6_learned *t, uint16_t port,
					   const uint8_t ip[16]);

/* neigh6_lookup that also marks the entry used (a worker sending to it). */
const struct rte_ether_addr *neigh6_use(const struct neigh6_learned *t, uint16_t port,
					const uint8_t ip[16]);

/* The table the workers read now (acquire). */
const struct neigh6_learned *neigh6_current(const struct dp *dp);

/* Frees the published table (dp_destroy, workers stopped). */
void neigh6_destroy(struct dp *dp);

#endif
