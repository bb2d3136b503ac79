/* SPDX-License-Identifier: BSD-3-Clause */
/* Turning SA parameters into the fast path's struct sa_rt, and freeing it. */
#ifndef DPSEC_SA_BUILD_H
#define DPSEC_SA_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "dpsec/dp.h"

struct sa_ep;
struct sa_rt;

/* The tunnel's outer addresses and encapsulation (network order addresses, host order ports). */
struct sa_endpoints {
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	uint32_t local, peer;
	bool v6;		/* IPv6 endpoints local6/peer6 instead (ESP, ESP in UDP, AH) */
	uint8_t local6[16], peer6[16];
	bool udp_encap;
	uint16_t local_port, peer_port;
};

/*
 * Expand keys, precompute the outbound header template (the egress port and
 * next-hop MAC are resolved now, not per packet) or size the replay window.
 * Returns NULL and sets *err to -errno: -EINVAL bad parameters,
 * -EHOSTUNREACH no port or next-hop MAC for the tunnel, -ENOMEM.
 */
struct sa_rt *sa_rt_build(struct dp *dp, const struct dp_sa_params *p, uint32_t policy,
			  uint32_t conn_id, int *err);
/* Wipes the keys, frees the template; accepts NULL. */
void sa_rt_free(struct sa_rt *rt);

/*
 * The outbound header template for these endpoints: egress port by local
 * address, next-hop MAC for peer from the port's static neighbors, else from
 * the neighbor hook (dp_set_neighbor_hook: learned by ARP). NULL and *err:
 * -EHOSTUNREACH (no such port or MAC) or -ENOMEM.
 */
struct sa_ep *sa_ep_build(const struct dp *dp, const struct sa_endpoints *e, int *err);
/* p's selectors for sa_rt.ts (rte_free / sad_retire), or NULL without memory. */
const struct sa_ts *sa_ts_build(const struct dp_sa_params *p);
void sa_ep_free(struct sa_ep *ep);

#endif
