/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dpsec/events.h"

#include "ctrl_priv.h"
#include "nd6.h"
#include "nd6_cache.h"
#include "nd6_out.h"

/* A solicitation for ip on iface: multicast, or unicast to to_mac (a probe). */
static int
send_ns(struct ctrl *c, uint32_t iface, const uint8_t ip[16], const uint8_t *to_mac)
{
	const struct cfg_interface *ifc = &c->cfg->interfaces[iface];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_mempool(c->dp));
	uint8_t mac[6];
	size_t n;

	if (m == NULL)
		return -ENOBUFS;
	dp_iface_mac(c->dp, iface, mac);
	n = nd6_build_ns_to(mac, ifc->addr6, ip, to_mac, rte_pktmbuf_mtod(m, uint8_t *),
			    rte_pktmbuf_tailroom(m));
	if (n == 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	if (dp_inject(c->dp, iface, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

/* The cache said it may: the solicitation goes out, counted under the punt kind nd6. */
static void
solicit(struct ctrl *c, uint32_t iface, const uint8_t ip[16], uint64_t now)
{
	struct view_punt_count *k = &c->punt.kind[VIEW_PUNT_ND6];

	if (!nd6_cache_want(c->nd6, iface, ip, now))
		return;
	if (send_ns(c, iface, ip, NULL) == 0)
		k->sent++;
	else
		k->send_failed++;
}

int
ctrl_nd6_resolve(struct ctrl *c, uint32_t iface, const uint8_t ip[16], uint8_t mac[6])
{
	uint64_t now = clk_mono_ns(&c->clk);
	int rc = dp_neighbor6_mac(c->dp, iface, ip, mac);

	if (rc != -EHOSTUNREACH || c->nd6 == NULL)
		return rc;	/* static neighbors6 and next_hop_mac win */
	if (!c->cfg->interfaces[iface].has_addr6)
		return -ENODEV;	/* no source address to solicit from */
	if (nd6_cache_lookup(c->nd6, iface, ip, mac, now) == 0)
		return 0;
	solicit(c, iface, ip, now);
	return -EHOSTUNREACH;
}

/*
 * The workers' use marks, once a second: the learned neighbors decrypted
 * packets went to are "used" (RFC 4861 7.3.3), a STALE one goes to DELAY.
 */
static void
take_uses(struct ctrl *c, uint64_t now)
{
	struct dp_neighbor6 v[32];
	size_t n;

	if (now - c->nd6_uses_ns < CLK_NS_PER_S)
		return;
	c->nd6_uses_ns = now;
	do {
		n = dp_neighbor6_used(c->dp, v, sizeof(v) / sizeof(v[0]));
		for (size_t i = 0; i < n; i++)
			nd6_cache_used(c->nd6, v[i].iface, v[i].ip, now);
	} while (n == sizeof(v) / sizeof(v[0]));
}

void
ctrl_nd6_probe(struct ctrl *c)
{
	struct view_punt_count *k = &c->punt.kind[VIEW_PUNT_ND6];
	uint64_t now = clk_mono_ns(&c->clk);
	uint8_t ip[16], mac[6];
	uint32_t iface;

	if (c->nd6 == NULL)
		return;
	take_uses(c, now);
	while (nd6_cache_probe(c->nd6, now, &iface, ip, mac)) {
		if (iface < c->cfg->n_interfaces && c->cfg->interfaces[iface].has_addr6 &&
		    send_ns(c, iface, ip, mac) == 0)
			k->sent++;
		else
			k->send_failed++;
	}
}

static int
neighbor6_hook(void *ctx, uint32_t iface, const uint8_t ip[16], uint8_t mac[6])
{
	return ctrl_nd6_resolve(ctx, iface, ip, mac);
}

void
ctrl_nd6_attach(struct ctrl *c)
{
	dp_set_neighbor6_hook(c->dp, neighbor6_hook, c);
}

void
ctrl_nd6_miss(struct ctrl *c, const struct dp_event *ev)
{
	uint8_t mac[6];

	if (ev->iface >= c->cfg->n_interfaces)
		return;
	if (ctrl_nd6_resolve(c, ev->iface, ev->dst, mac) == 0)
		c->nd6_published = nd6_cache_version(c->nd6) - 1;	/* raced a learning: resend */
}

void
ctrl_nd6_publish(struct ctrl *c)
{
	uint64_t now = clk_mono_ns(&c->clk);
	uint32_t n, k = 0;
	const struct nd6c_entry *e;
	struct dp_neighbor6 *v;

	if (c->nd6 == NULL || nd6_cache_version(c->nd6) == c->nd6_published)
		return;
	e = nd6_cache_entries(c->nd6, &n);
	v = calloc(n, sizeof(*v));
	if (v == NULL)
		return;	/* tried again next turn */
	for (uint32_t i = 0; i < n; i++) {
		if (!e[i].used || nd6_cache_state(c->nd6, &e[i], now) == ND6C_INCOMPLETE)
			continue;
		v[k].iface = e[i].iface;
		memcpy(v[k].ip, e[i].ip, 16);
		memcpy(v[k].mac, e[i].mac, 6);
		k++;
	}
	if (dp_neighbor6_set(c->dp, v, k) == 0)
		c->nd6_published = nd6_cache_version(c->nd6);
	free(v);
}

size_t
ctrl_nd6_list(struct ctrl *c, struct view_nd6 *out, size_t max)
{
	static const uint8_t state[] = {[ND6C_INCOMPLETE] = VIEW_ND6_INCMP,
					[ND6C_REACHABLE] = VIEW_ND6_REACH,
					[ND6C_STALE] = VIEW_ND6_STALE,
					[ND6C_DELAY] = VIEW_ND6_DELAY,
					[ND6C_PROBE] = VIEW_ND6_PROBE};
	uint64_t now = clk_mono_ns(&c->clk);
	uint32_t n;
	const struct nd6c_entry *e = nd6_cache_entries(c->nd6, &n);
	size_t k = 0;

	for (uint32_t i = 0; i < n && k < max; i++) {
		if (!e[i].used)
			continue;
		out[k] = (struct view_nd6){.iface = e[i].iface,
					   .state = state[nd6_cache_state(c->nd6, &e[i], now)],
					   .age_s = (now - e[i].updated_ns) / CLK_NS_PER_S};
		memcpy(out[k].ip, e[i].ip, 16);
		memcpy(out[k].mac, e[i].mac, 6);
		k++;
	}
	return k;
}
