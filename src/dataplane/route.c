/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_lcore.h>
#include <rte_lpm.h>

#include "dataplane.h"
#include "route.h"
#include "route6.h"

#define ROUTE_NH_MAX 256

struct neigh_slot {
	uint32_t ip;	/* network order; 0 = empty */
	struct rte_ether_addr mac;
};

/* Open addressing, linear probing; built once, never resized. */
struct neigh_tab {
	uint32_t mask;
	struct neigh_slot *slot;
	bool has_default;
	struct rte_ether_addr dflt;
};

struct next_hop {
	uint16_t port;
	uint32_t via;	/* network order; 0 = the destination itself */
	uint32_t tunnel;	/* a route into cfg->tunnels[tunnel]; CFG_NONE: to port */
};

struct route {
	struct rte_lpm *lpm;
	struct next_hop nh[ROUTE_NH_MAX];
	uint32_t n_nh;
	uint32_t dflt;		/* next hop of 0.0.0.0/0 (rte_lpm can't hold it), or UINT32_MAX */
	struct neigh_tab nt[DP_PORTS_MAX];
	struct route6 *v6;	/* the IPv6 tables (route6.c) */
};

static inline uint32_t
neigh_hash(uint32_t ip)
{
	return (ip * 2654435761u) >> 8;
}

static int
neigh_build(struct neigh_tab *t, const struct cfg_interface *ifc)
{
	uint32_t size = 1;

	t->has_default = ifc->has_next_hop_mac;
	memcpy(t->dflt.addr_bytes, ifc->next_hop_mac, RTE_ETHER_ADDR_LEN);
	if (ifc->n_neighbors == 0)
		return 0;
	while (size < 2 * ifc->n_neighbors)
		size <<= 1;
	t->slot = calloc(size, sizeof(*t->slot));
	if (t->slot == NULL)
		return -ENOMEM;
	t->mask = size - 1;
	for (uint32_t i = 0; i < ifc->n_neighbors; i++) {
		uint32_t h = neigh_hash(ifc->neighbors[i].ip) & t->mask;

		while (t->slot[h].ip != 0)
			h = (h + 1) & t->mask;
		t->slot[h].ip = ifc->neighbors[i].ip;
		memcpy(t->slot[h].mac.addr_bytes, ifc->neighbors[i].mac, RTE_ETHER_ADDR_LEN);
	}
	return 0;
}

const struct rte_ether_addr *
route_neighbor(const struct route *rt, uint16_t port, uint32_t ip_be)
{
	const struct neigh_tab *t = &rt->nt[port];

	if (t->slot != NULL) {
		for (uint32_t h = neigh_hash(ip_be) & t->mask;; h = (h + 1) & t->mask) {
			if (t->slot[h].ip == ip_be)
				return &t->slot[h].mac;
			if (t->slot[h].ip == 0)
				break;
		}
	}
	return t->has_default ? &t->dflt : NULL;
}

static int
add_route(struct route *rt, uint32_t prefix_be, uint8_t len, uint16_t port, uint32_t via,
	  uint32_t tunnel)
{
	if (rt->n_nh == ROUTE_NH_MAX)
		return -ENOSPC;
	rt->nh[rt->n_nh] = (struct next_hop){.port = port, .via = via, .tunnel = tunnel};
	/* rte_lpm takes depths 1..32: the default route is kept beside it */
	if (len == 0)
		rt->dflt = rt->n_nh;
	else if (rte_lpm_add(rt->lpm, rte_be_to_cpu_32(prefix_be), len, rt->n_nh) < 0)
		return -ENOSPC;
	rt->n_nh++;
	return 0;
}

static int
fill_routes(struct route *rt, const struct dp *dp)
{
	const struct dpsec_config *cfg = dp->cfg;
	int rc = 0;

	for (uint16_t i = 0; i < dp->n_ports && rc == 0; i++) {
		const struct dp_port *p = &dp->ports[i];
		const struct cfg_interface *ifc = &cfg->interfaces[p->iface];

		rc = neigh_build(&rt->nt[i], ifc);
		if (rc == 0 && p->role == CFG_ROLE_INSIDE)
			rc = add_route(rt, p->addr & ip4_mask_be(ifc->prefix_len), ifc->prefix_len, i,
				       0, CFG_NONE);
	}
	for (uint32_t i = 0; i < cfg->n_routes && rc == 0; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		bool tunnel = r->tunnel < cfg->n_tunnels;
		int port = tunnel ? 0 : dp_port_of_iface(dp, r->iface);

		rc = port < 0 ? -ENODEV
			      : add_route(rt, r->dst.addr, r->dst.len, (uint16_t)port, r->via,
					  tunnel ? r->tunnel : CFG_NONE);
	}
	return rc;
}

struct route *
route_create(const struct dp *dp, char *err, size_t errlen)
{
	static unsigned int instance;
	struct rte_lpm_config lc = {
		.max_rules = ROUTE_NH_MAX,
		.number_tbl8s = 256,
	};
	char name[32];
	struct route *rt = calloc(1, sizeof(*rt));
	int rc;

	if (rt == NULL) {
		snprintf(err, errlen, "out of memory for routes");
		return NULL;
	}
	rt->dflt = UINT32_MAX;
	snprintf(name, sizeof(name), "dpsec_rt%u", instance++);
	rt->lpm = rte_lpm_create(name, (int)rte_socket_id(), &lc);
	if (rt->lpm == NULL) {
		snprintf(err, errlen, "cannot create route table: %s", rte_strerror(rte_errno));
		free(rt);
		return NULL;
	}
	rc = fill_routes(rt, dp);
	if (rc != 0) {
		snprintf(err, errlen, "cannot build routes: %s", strerror(-rc));
		route_destroy(rt, false);
		return NULL;
	}
	rt->v6 = route6_create(dp, err, errlen);
	if (rt->v6 == NULL) {
		route_destroy(rt, false);
		return NULL;
	}
	return rt;
}

void
route_destroy(struct route *rt, bool keep_lpm)
{
	if (rt == NULL)
		return;
	for (int i = 0; i < DP_PORTS_MAX; i++)
		free(rt->nt[i].slot);
	if (!keep_lpm)
		rte_lpm_free(rt->lpm);
	route6_destroy(rt->v6, keep_lpm);
	free(rt);
}

dp_drop_t
route_inside(const struct route *rt, uint32_t dst_be, uint16_t *port,
	     const struct rte_ether_addr **mac)
{
	uint32_t idx;
	const struct next_hop *nh;

	if (rte_lpm_lookup(rt->lpm, rte_be_to_cpu_32(dst_be), &idx) != 0) {
		if (rt->dflt == UINT32_MAX)
			return DP_DROP_G_Ipv4NoRoute;
		idx = rt->dflt;
	}
	nh = &rt->nh[idx];
	/* from one tunnel into another (or the same): no hairpin between tunnels */
	if (nh->tunnel != CFG_NONE)
		return DP_DROP_G_Ipv4NoRoute;
	*port = nh->port;
	*mac = route_neighbor(rt, nh->port, nh->via != 0 ? nh->via : dst_be);
	return *mac != NULL ? DP_KEEP : DP_DROP_G_Ipv4NoAdj;
}

uint32_t
route_tunnel(const struct route *rt, uint32_t dst_be)
{
	uint32_t idx;

	if (rte_lpm_lookup(rt->lpm, rte_be_to_cpu_32(dst_be), &idx) != 0) {
		if (rt->dflt == UINT32_MAX)
			return CFG_NONE;
		idx = rt->dflt;	/* ip route 0.0.0.0 0.0.0.0 Tunnel1 */
	}
	return rt->nh[idx].tunnel;
}

uint32_t
route_tunnel6(const struct route *rt, const uint8_t dst[16])
{
	return route6_tunnel(rt->v6, dst);
}

const struct rte_ether_addr *
route_neighbor6(const struct route *rt, uint16_t port, const uint8_t ip[16])
{
	const struct rte_ether_addr *mac = route6_neighbor(rt->v6, port, ip);
	const struct neigh_tab *t = &rt->nt[port];

	/* next_hop_mac is the link's default L2 destination, whatever the family */
	return mac != NULL ? mac : t->has_default ? &t->dflt : NULL;
}

int
route_inside6(const struct route *rt, const uint8_t dst[16], uint16_t *port,
	      const struct rte_ether_addr **mac, const uint8_t **nh)
{
	const uint8_t *via;
	int rc = route6_lookup(rt->v6, dst, port, &via);

	if (rc != 0)
		return rc;
	*nh = via;
	*mac = route_neighbor6(rt, *port, via);
	return *mac != NULL ? 0 : -EHOSTUNREACH;
}
