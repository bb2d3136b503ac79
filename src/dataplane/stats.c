/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading the workers' counters and the ports' statistics (control thread). */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ring.h>

#include "dataplane.h"

_Static_assert(DP_WORKERS_MAX <= VIEW_WORKERS_MAX, "the views list every worker");

/* The workers' blocks, then the control thread's (index n_workers). */
static const struct dp_lcore_stats *
stats_block(const struct dp *dp, uint16_t i)
{
	return i < dp->n_workers ? &dp->workers[i]->stats : &dp->ctrl_stats;
}

void
dp_drop_stats(const struct dp *dp, struct dp_drop_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint16_t w = 0; w <= dp->n_workers; w++) {
		const struct dp_lcore_stats *s = stats_block(dp, w);

		for (int c = 0; c < DP_DROP__COUNT; c++) {
			uint64_t v = ctr_read(&s->drop_pkts[c]);

			if (dp_drop_is_ipsec((dp_drop_t)c))
				out->ipsec[c] += v;
			out->global_pkts[dp_drop_cause((dp_drop_t)c)] += v;
		}
		for (int g = 0; g < DP_GLOBAL__COUNT; g++)
			out->global_octets[g] += ctr_read(&s->cause_octets[g]);
	}
}

/* What the workers did with the port's packets, summed over lcores. */
static void
port_ctr_sum(const struct dp *dp, uint16_t pi, struct view_port *v)
{
	for (uint16_t w = 0; w <= dp->n_workers; w++) {
		const struct dp_port_ctr *c = &stats_block(dp, w)->port[pi];

		v->fwd_pkts += ctr_read(&c->fwd_pkts);
		v->fwd_octets += ctr_read(&c->fwd_octets);
		v->punt_pkts += ctr_read(&c->punt_pkts);
		v->punt_octets += ctr_read(&c->punt_octets);
		for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
			v->in_drop_pkts[g] += ctr_read(&c->in_drop_pkts[g]);
			v->in_drop_octets[g] += ctr_read(&c->in_drop_octets[g]);
			v->out_drop_pkts[g] += ctr_read(&c->out_drop_pkts[g]);
			v->out_drop_octets[g] += ctr_read(&c->out_drop_octets[g]);
		}
	}
}

/* The punt ring of the first worker that polls port index pi (its queue 0, unless none). */
static void
port_punt_queue(const struct dp *dp, uint16_t pi, struct view_port *v)
{
	for (uint16_t w = 0; w < dp->n_workers; w++) {
		const struct dp_worker *wk = dp->workers[w];

		for (uint16_t r = 0; r < wk->n_rx; r++) {
			if (wk->rx_port[r] != pi || wk->link.punt == NULL)
				continue;
			v->punt_queue_size = rte_ring_count(wk->link.punt);
			v->punt_queue_max = rte_ring_get_capacity(wk->link.punt);
			return;
		}
	}
}

/*
 * The workers' counters are read before the port's: a worker counts a packet
 * after the port did, so ipackets >= fwd + punt + in_drop in every snapshot.
 */
size_t
dp_port_list(const struct dp *dp, struct view_port *out, size_t max)
{
	size_t n = 0;

	for (uint16_t i = 0; i < dp->n_ports && n < max; i++, n++) {
		const struct dp_port *p = &dp->ports[i];
		struct view_port *v = &out[n];
		struct rte_eth_stats st;
		struct rte_eth_link link;

		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", dp->cfg->interfaces[p->iface].name);
		memcpy(v->mac, p->mac.addr_bytes, sizeof(v->mac));
		v->port_id = p->port_id;
		port_ctr_sum(dp, i, v);
		port_punt_queue(dp, i, v);
		if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
			v->link_up = link.link_status == RTE_ETH_LINK_UP;
			if (link.link_speed != RTE_ETH_SPEED_NUM_NONE &&
			    link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
				v->speed_mbps = link.link_speed;
		}
		if (rte_eth_stats_get(p->port_id, &st) == 0) {
			v->ipackets = st.ipackets;
			v->ibytes = st.ibytes;
			v->opackets = st.opackets;
			v->obytes = st.obytes;
			v->imissed = st.imissed;
			v->ierrors = st.ierrors;
			v->oerrors = st.oerrors;
			v->rx_nombuf = st.rx_nombuf;
		}
		for (uint16_t w = 0; w < dp->n_workers; w++) {
			v->fragmented += ctr_read(&dp->workers[w]->stats.port[i].fragmented);
			v->fragments += ctr_read(&dp->workers[w]->stats.port[i].fragments);
			v->reassembled += ctr_read(&dp->workers[w]->stats.port[i].reassembled);
			v->reasm_fragments +=
				ctr_read(&dp->workers[w]->stats.port[i].reasm_fragments);
			v->mss_adjusted += ctr_read(&dp->workers[w]->stats.port[i].mss_adjusted);
		}
	}
	return n;
}

size_t
dp_worker_list(const struct dp *dp, struct dp_worker_stats *out, size_t max)
{
	size_t n = 0;

	for (uint16_t w = 0; w < dp->n_workers && n < max; w++, n++) {
		const struct dp_worker *wk = dp->workers[w];

		out[n] = (struct dp_worker_stats){
			.id = wk->id,
			.lcore = wk->lcore,
			.handoff_pkts = ctr_read(&wk->stats.handoff_pkts),
		};
	}
	return n;
}
