/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 half of route.h's tables, owned by struct route: an rte_lpm6 of
 * the inside interfaces' address6 prefixes and the IPv6 static routes, and
 * per-port IPv6 static neighbors. route.c builds and wraps it.
 */
#ifndef DPSEC_ROUTE6_H
#define DPSEC_ROUTE6_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include <rte_ether.h>

struct dp;
struct route6;

struct route6 *route6_create(const struct dp *dp, char *err, size_t errlen);
/* Frees the table; keep_lpm as route_destroy. */
void route6_destroy(struct route6 *r, bool keep_lpm);
/* A static IPv6 neighbor's MAC on the port, or NULL (route.c falls back to next_hop_mac). */
const struct rte_ether_addr *route6_neighbor(const struct route6 *r, uint16_t port,
					     const uint8_t ip[16]);
/*
 * The route for dst: 0 with *port and *via (the next hop, or dst itself), or
 * -ENETUNREACH (no route, or a route into a tunnel: no inside destination).
 */
int route6_lookup(const struct route6 *r, const uint8_t dst[16], uint16_t *port,
		  const uint8_t **via);

/* The tunnel (index into cfg->tunnels) the best route for dst leads into, or CFG_NONE. */
uint32_t route6_tunnel(const struct route6 *r, const uint8_t dst[16]);

#endif
