/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_ring.h>

#include "handoff.h"

int
handoff_create(struct dp_worker *w)
{
	static unsigned int instance;
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "ho%u", instance++);
	w->handoff = rte_ring_create(name, HANDOFF_RING_SIZE,
				     (int)rte_lcore_to_socket_id(w->lcore), RING_F_SC_DEQ);
	return w->handoff == NULL ? -ENOMEM : 0;
}

void
handoff_destroy(struct dp_worker *w)
{
	struct rte_mbuf *m;

	if (w->handoff == NULL)
		return;
	while (rte_ring_sc_dequeue(w->handoff, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->handoff);
	w->handoff = NULL;
}

/* What is left to drop of a burst, in order, with the reasons. */
struct ho_drops {
	uint16_t n;
	struct rte_mbuf *m[DP_BURST_MAX];
	dp_drop_t why[DP_BURST_MAX];
};

static inline void
drops_add(struct ho_drops *d, struct rte_mbuf *m, dp_drop_t why)
{
	d->m[d->n] = m;
	d->why[d->n++] = why;
}

/*
 * A run of packets for one owner in one enqueue; what the ring refuses is
 * dropped. The owner is another worker of this dataplane: a stage marks
 * DP_HANDOFF only for an SA whose owner is not w, and sa_build.c picks owners
 * among the workers.
 */
static void
send_run(struct dp_worker *w, uint16_t owner, struct rte_mbuf **run, uint16_t n,
	 struct ho_drops *d)
{
	unsigned int q;

	if (n == 0)
		return;
	RTE_VERIFY(owner < w->dp->n_workers && owner != w->id);
	q = rte_ring_mp_enqueue_burst(w->dp->workers[owner]->handoff, (void **)run, n, NULL);
	ctr_add(&w->stats.handoff_pkts, q);	/* by the sender: what crossed (dp_bench -w) */
	for (unsigned int i = q; i < n; i++)
		drops_add(d, run[i], DP_DROP_G_IpsecHandoffFull);
}

uint16_t
handoff_send(struct dp_worker *w, struct rte_mbuf **pkts, dp_drop_t *reason, uint16_t n)
{
	struct rte_mbuf *run[DP_BURST_MAX];
	struct ho_drops d;
	uint16_t nr = 0, owner = 0;

	d.n = 0;
	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] != DP_HANDOFF) {
			drops_add(&d, pkts[i], reason[i]);
			continue;
		}
		if (nr > 0 && pkt_handoff_owner(pkts[i]) != owner) {
			send_run(w, owner, run, nr, &d);
			nr = 0;
		}
		owner = pkt_handoff_owner(pkts[i]);
		run[nr++] = pkts[i];
	}
	send_run(w, owner, run, nr, &d);
	memcpy(pkts, d.m, d.n * sizeof(d.m[0]));
	memcpy(reason, d.why, d.n * sizeof(d.why[0]));
	return d.n;
}
