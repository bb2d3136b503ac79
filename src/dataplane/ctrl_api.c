/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread's side of the worker links (dpsec/dp.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane.h"
#include "route.h"
#include "worker.h"

int
dp_doorbell_fd(const struct dp *dp)
{
	return dp->doorbell;
}

static bool
anything_queued(const struct dp *dp)
{
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		const struct dp_link *l = &dp->workers[i]->link;

		if (!rte_ring_empty(l->punt) || !rte_ring_empty(l->events))
			return true;
	}
	return dp->ctrl_ev_n > 0;
}

bool
dp_ctrl_sleep(struct dp *dp)
{
	__atomic_store_n(&dp->ctrl_sleeping, 1, __ATOMIC_RELAXED);
	/* pairs with the fence in link_poll(): either we see its item or it sees our flag */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (anything_queued(dp)) {
		__atomic_store_n(&dp->ctrl_sleeping, 0, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

void
dp_ctrl_wake(struct dp *dp)
{
	uint64_t v;

	__atomic_store_n(&dp->ctrl_sleeping, 0, __ATOMIC_RELAXED);
	if (read(dp->doorbell, &v, sizeof(v)) < 0) {
		/* EAGAIN: nobody rang */
	}
}

unsigned int
dp_events_poll(struct dp *dp, struct dp_event *ev, unsigned int max)
{
	unsigned int n = 0;

	for (; n < max && dp->ctrl_ev_n > 0; dp->ctrl_ev_n--) {
		ev[n++] = dp->ctrl_ev[dp->ctrl_ev_head];
		dp->ctrl_ev_head = (dp->ctrl_ev_head + 1) % DP_CTRL_EVENTS;
	}
	for (uint16_t i = 0; i < dp->n_workers && n < max; i++)
		n += rte_ring_sc_dequeue_burst_elem(dp->workers[i]->link.events, ev + n,
						    sizeof(*ev), max - n, NULL);
	return n;
}

unsigned int
dp_punt_poll(struct dp *dp, struct rte_mbuf **m, unsigned int max)
{
	unsigned int n = 0;

	for (uint16_t i = 0; i < dp->n_workers && n < max; i++)
		n += rte_ring_sc_dequeue_burst(dp->workers[i]->link.punt, (void **)(m + n),
					       max - n, NULL);
	return n;
}

/* The worker that polls the port transmits for the control thread on it. */
static struct dp_worker *
worker_of_port(const struct dp *dp, uint16_t pi)
{
	return dp->workers[dp->port_worker[pi]];
}

int
dp_inject(struct dp *dp, uint32_t iface, struct rte_mbuf *m)
{
	int pi = dp_port_of_iface(dp, iface);

	if (pi < 0)
		return -ENODEV;
	pkt_set_egress(m, (uint16_t)pi);
	if (rte_ring_sp_enqueue(worker_of_port(dp, (uint16_t)pi)->link.inject, m) != 0)
		return -ENOBUFS;
	return 0;
}

int
dp_inject_encrypt(struct dp *dp, uint32_t iface, struct rte_mbuf *m)
{
	int pi = dp_port_of_iface(dp, iface);
	const struct rte_ipv4_hdr *ip;

	if (pi < 0 || dp->ports[pi].role != CFG_ROLE_INSIDE)
		return -ENODEV;
	if (m->data_len < sizeof(struct rte_ether_hdr) + sizeof(*ip))
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	/* what classify_inside() would have set for a host's packet on that port */
	m->port = dp->ports[pi].port_id;
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = (ip->version_ihl & 0xf) * 4u;
	m->l4_len = 0;
	m->hash.usr = PKT_ENCRYPT | (uint32_t)pi;
	if (rte_ring_sp_enqueue(worker_of_port(dp, (uint16_t)pi)->link.inject, m) != 0)
		return -ENOBUFS;
	return 0;
}

void
dp_ctrl_drop(struct dp *dp, struct rte_mbuf *m, enum dp_drop code)
{
	dp_stats_drop(&dp->ctrl_stats, m, (dp_drop_t)code);
	rte_pktmbuf_free(m);
}

void
dp_ctrl_drop_count(struct dp *dp, enum dp_drop code, uint64_t packets, uint64_t octets)
{
	if (packets != 0)
		dp_stats_drop_n(&dp->ctrl_stats, (dp_drop_t)code, packets, octets);
}

uint32_t
dp_iface_of_port(const struct dp *dp, uint16_t port_id)
{
	uint8_t pi;

	if (port_id >= RTE_MAX_ETHPORTS)
		return CFG_NONE;	/* e.g. RTE_MBUF_PORT_INVALID */
	pi = dp->port_index[port_id];
	return pi < dp->n_ports ? dp->ports[pi].iface : CFG_NONE;
}

void
dp_iface_mac(const struct dp *dp, uint32_t iface, uint8_t mac[6])
{
	int pi = dp_port_of_iface(dp, iface);

	memset(mac, 0, 6);
	if (pi >= 0)
		memcpy(mac, dp->ports[pi].mac.addr_bytes, 6);
}

int
dp_neighbor_mac(const struct dp *dp, uint32_t iface, uint32_t ip, uint8_t mac[6])
{
	int pi = dp_port_of_iface(dp, iface);
	const struct rte_ether_addr *a;

	if (pi < 0)
		return -ENODEV;
	a = route_neighbor(dp->route, (uint16_t)pi, ip);
	if (a == NULL)
		return -EHOSTUNREACH;
	memcpy(mac, a->addr_bytes, RTE_ETHER_ADDR_LEN);
	return 0;
}

void
dp_set_neighbor_hook(struct dp *dp, dp_neighbor_fn fn, void *ctx)
{
	dp->neighbor_fn = fn;
	dp->neighbor_ctx = ctx;
}

int
dp_neighbor6_mac(const struct dp *dp, uint32_t iface, const uint8_t ip[16], uint8_t mac[6])
{
	int pi = dp_port_of_iface(dp, iface);
	const struct rte_ether_addr *a;

	if (pi < 0)
		return -ENODEV;
	a = route_neighbor6(dp->route, (uint16_t)pi, ip);
	if (a == NULL)
		return -EHOSTUNREACH;
	memcpy(mac, a->addr_bytes, RTE_ETHER_ADDR_LEN);
	return 0;
}

void
dp_set_neighbor6_hook(struct dp *dp, dp_neighbor6_fn fn, void *ctx)
{
	dp->neighbor6_fn = fn;
	dp->neighbor6_ctx = ctx;
}

struct rte_mempool *
dp_mempool(struct dp *dp)
{
	return dp->pool;
}

void
dp_event_stats(const struct dp *dp, struct dp_event_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		const struct link_stats *s = &dp->workers[i]->link.stats;

		out->sent += ctr_read(&s->sent);
		out->deduped += ctr_read(&s->deduped);
		out->rate_limited += ctr_read(&s->rate_limited);
		out->ring_full += ctr_read(&s->ring_full);
		out->punt_full += ctr_read(&s->punt_full);
		out->inv_sent += ctr_read(&s->inv_sent);
		out->inv_rate_limited += ctr_read(&s->inv_rate_limited);
		out->inv_ring_full += ctr_read(&s->inv_ring_full);
		out->inv_pending += ctr_read(&s->inv_pending);
		out->life_deferred += __atomic_load_n(&s->life_deferred, __ATOMIC_RELAXED);
	}
}
