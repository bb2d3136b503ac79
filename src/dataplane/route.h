/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where decrypted packets go, and which MAC address a next hop has:
 * an rte_lpm over the inside interfaces' connected prefixes and the static
 * routes, and per-port static neighbor tables (with the interface's
 * next_hop_mac as the fallback). Built once from the config; read-only after.
 * A static route may lead into a tunnel (static VTI): one lookup gives an
 * inside port or a tunnel, the longest prefix winning between them.
 *
 * IPv6 has tables of its own (route6.c): an rte_lpm6 over the inside
 * interfaces' address6 prefixes and the IPv6 static routes, and per-port
 * IPv6 static neighbors. An IPv6 route never answers an IPv4 lookup, nor the
 * reverse. An IPv6 route may lead into an ipsec ipv6 tunnel (route_tunnel6).
 */
#ifndef DPSEC_ROUTE_H
#define DPSEC_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include <rte_ether.h>

#include "dpsec/drops.h"

struct dp;
struct route;

struct route *route_create(const struct dp *dp, char *err, size_t errlen);
/*
 * Frees the table. keep_lpm: its LPM tables (64 MB level-one arrays, IPv4 and
 * IPv6) stay in DPDK's heap for rte_eal_cleanup to release at exit (dp_destroy).
 */
void route_destroy(struct route *rt, bool keep_lpm);

/* MAC of ip on the port's link: a static neighbor, else next_hop_mac, else NULL. */
const struct rte_ether_addr *route_neighbor(const struct route *rt, uint16_t port, uint32_t ip_be);

/*
 * Inside egress for dst: the port index and next-hop MAC. Returns DP_KEEP,
 * DP_DROP_G_Ipv4NoRoute, or DP_DROP_G_Ipv4NoAdj (with *port set: the route
 * exists, its link has no MAC for the next hop).
 */
dp_drop_t route_inside(const struct route *rt, uint32_t dst_be, uint16_t *port,
		       const struct rte_ether_addr **mac);

/*
 * The tunnel (index into cfg->tunnels) the best route for dst leads into,
 * or CFG_NONE: no route, or a route to an inside interface. A destination
 * routed into a tunnel is no inside destination: route_inside says
 * Ipv4NoRoute for it.
 */
uint32_t route_tunnel(const struct route *rt, uint32_t dst_be);

/* route_tunnel for IPv6: "ipv6 route 2001:db8:2::/48 Tunnel2" (an ipsec ipv6 tunnel). */
uint32_t route_tunnel6(const struct route *rt, const uint8_t dst[16]);

/* MAC of an IPv6 ip (16 bytes) on the port's link: a static neighbor, else next_hop_mac. */
const struct rte_ether_addr *route_neighbor6(const struct route *rt, uint16_t port,
					     const uint8_t ip[16]);

/*
 * Inside egress for an IPv6 dst: 0 with the port and next-hop MAC,
 * -ENETUNREACH (no route), or -EHOSTUNREACH with *port and *nh set (the route
 * exists, its link has no static MAC for the next hop nh: the route's via, or
 * dst itself on a connected prefix; the caller looks at what neighbor
 * discovery learned, neigh6.h). Errnos, not drop reasons: the caller
 * (in_deliver6) adds them (Ipv6NoRoute, Ipv6NoAdj).
 */
int route_inside6(const struct route *rt, const uint8_t dst[16], uint16_t *port,
		  const struct rte_ether_addr **mac, const uint8_t **nh);

#endif
