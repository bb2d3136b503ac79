/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_lpm6.h>

#include "dataplane.h"
#include "route6.h"

#define ROUTE6_NH_MAX 256

/*
 * A port's static IPv6 neighbors, searched in order: a gateway has a handful
 * (its peers and next hops). Neighbors learned by neighbor discovery are in
 * a table of their own that the control thread replaces (neigh6.h).
 */
struct neigh6 {
	uint8_t ip[16];
	struct rte_ether_addr mac;
};

struct neigh6_tab {
	struct neigh6 *nb;
	uint32_t n;
};

struct next_hop6 {
	uint16_t port;
	bool has_via;
	uint8_t via[16];
	uint32_t tunnel; /* a route into cfg->tunnels[tunnel] (ipsec ipv6); CFG_NONE: to port */
};

struct route6 {
	struct rte_lpm6 *lpm;
	struct next_hop6 nh[ROUTE6_NH_MAX];
	uint32_t n_nh;
	uint32_t dflt;		/* next hop of ::/0 (rte_lpm6 can't hold it), or UINT32_MAX */
	struct neigh6_tab nt[DP_PORTS_MAX];
};

static int
add_route6(struct route6 *r, const uint8_t prefix[16], uint8_t len, uint16_t port,
	   const uint8_t *via, uint32_t tunnel)
{
	struct next_hop6 *nh = &r->nh[r->n_nh];

	if (r->n_nh == ROUTE6_NH_MAX)
		return -ENOSPC;
	*nh = (struct next_hop6){.port = port, .has_via = via != NULL, .tunnel = tunnel};
	if (via != NULL)
		memcpy(nh->via, via, 16);
	/* rte_lpm6 takes depths 1..128: the default route is kept beside it */
	if (len == 0)
		r->dflt = r->n_nh;
	else if (rte_lpm6_add(r->lpm, prefix, len, r->n_nh) < 0)
		return -ENOSPC;
	r->n_nh++;
	return 0;
}

static int
neigh6_build(struct neigh6_tab *t, const struct cfg_interface *ifc)
{
	if (ifc->n_neighbors6 == 0)
		return 0;
	t->nb = calloc(ifc->n_neighbors6, sizeof(*t->nb));
	if (t->nb == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < ifc->n_neighbors6; i++) {
		memcpy(t->nb[i].ip, ifc->neighbors6[i].ip, 16);
		memcpy(t->nb[i].mac.addr_bytes, ifc->neighbors6[i].mac, RTE_ETHER_ADDR_LEN);
	}
	t->n = ifc->n_neighbors6;
	return 0;
}

/* Connected prefixes of the inside interfaces with address6, then the static routes. */
static int
fill(struct route6 *r, const struct dp *dp)
{
	const struct dpsec_config *cfg = dp->cfg;
	int rc = 0;

	for (uint16_t i = 0; i < dp->n_ports && rc == 0; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[dp->ports[i].iface];
		uint8_t net[16];

		rc = neigh6_build(&r->nt[i], ifc);
		if (rc != 0)
			break;
		if (dp->ports[i].role != CFG_ROLE_INSIDE || !ifc->has_addr6)
			continue;
		ip6_mask(ifc->addr6, ifc->prefix6_len, net);
		rc = add_route6(r, net, ifc->prefix6_len, i, NULL, CFG_NONE);
	}
	for (uint32_t i = 0; i < cfg->n_routes6 && rc == 0; i++) {
		const struct cfg_route6 *rt = &cfg->routes6[i];
		bool tunnel = rt->tunnel < cfg->n_tunnels;
		int port = tunnel ? 0 : dp_port_of_iface(dp, rt->iface);

		rc = port < 0 ? -ENODEV
			      : add_route6(r, rt->dst.addr, rt->dst.len, (uint16_t)port,
					   rt->has_via ? rt->via : NULL,
					   tunnel ? rt->tunnel : CFG_NONE);
	}
	return rc;
}

struct route6 *
route6_create(const struct dp *dp, char *err, size_t errlen)
{
	static unsigned int instance;
	struct rte_lpm6_config lc = {.max_rules = ROUTE6_NH_MAX, .number_tbl8s = 1024};
	struct route6 *r = calloc(1, sizeof(*r));
	char name[32];
	int rc;

	if (r == NULL) {
		snprintf(err, errlen, "out of memory for IPv6 routes");
		return NULL;
	}
	r->dflt = UINT32_MAX;
	snprintf(name, sizeof(name), "dpsec_rt6_%u", instance++);
	r->lpm = rte_lpm6_create(name, (int)rte_socket_id(), &lc);
	if (r->lpm == NULL) {
		snprintf(err, errlen, "cannot create IPv6 route table: %s",
			 rte_strerror(rte_errno));
		free(r);
		return NULL;
	}
	rc = fill(r, dp);
	if (rc != 0) {
		snprintf(err, errlen, "cannot build IPv6 routes: %s", strerror(-rc));
		route6_destroy(r, false);
		return NULL;
	}
	return r;
}

void
route6_destroy(struct route6 *r, bool keep_lpm)
{
	if (r == NULL)
		return;
	for (int i = 0; i < DP_PORTS_MAX; i++)
		free(r->nt[i].nb);
	if (!keep_lpm)
		rte_lpm6_free(r->lpm);
	free(r);
}

const struct rte_ether_addr *
route6_neighbor(const struct route6 *r, uint16_t port, const uint8_t ip[16])
{
	const struct neigh6_tab *t = &r->nt[port];

	for (uint32_t i = 0; i < t->n; i++)
		if (memcmp(t->nb[i].ip, ip, 16) == 0)
			return &t->nb[i].mac;
	return NULL;
}

/* The best route's next hop for dst (::/0 beside rte_lpm6), or NULL. */
static const struct next_hop6 *
best6(const struct route6 *r, const uint8_t dst[16])
{
	uint32_t idx;

	if (rte_lpm6_lookup(r->lpm, dst, &idx) != 0) {
		if (r->dflt == UINT32_MAX)
			return NULL;
		idx = r->dflt;
	}
	return &r->nh[idx];
}

uint32_t
route6_tunnel(const struct route6 *r, const uint8_t dst[16])
{
	const struct next_hop6 *nh = best6(r, dst);

	return nh != NULL ? nh->tunnel : CFG_NONE;
}

int
route6_lookup(const struct route6 *r, const uint8_t dst[16], uint16_t *port, const uint8_t **via)
{
	const struct next_hop6 *nh = best6(r, dst);

	/* from one tunnel into another (or the same): no hairpin between tunnels */
	if (nh == NULL || nh->tunnel != CFG_NONE)
		return -ENETUNREACH;
	*port = nh->port;
	*via = nh->has_via ? nh->via : dst;
	return 0;
}
