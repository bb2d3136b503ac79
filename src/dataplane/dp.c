/* SPDX-License-Identifier: BSD-3-Clause */
/* Building, starting and tearing down the dataplane (dpsec/dp.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "dpsec/secret.h"

#include "dataplane.h"
#include "handoff.h"
#include "neigh6.h"
#include "port.h"
#include "port_assign.h"
#include "reasm_in.h"
#include "route.h"
#include "sa_life.h"
#include "sa_pmtu.h"
#include "sad.h"
#include "spd.h"
#include "worker.h"

#define MBUF_CACHE 256

int dp_in_esp_off = -1;	/* pkt_in_esp() (dataplane.h) */

/* The mbuf field classification carries an inbound SA in (the same offset for every dp). */
static int
register_in_sa_field(char *err, size_t errlen)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "dpsec_in_esp",
		.size = sizeof(struct pkt_in_esp),
		.align = __alignof__(struct pkt_in_esp),
	};
	int off = rte_mbuf_dynfield_register(&desc);

	if (off < 0) {
		snprintf(err, errlen, "cannot register the mbuf field for inbound SAs: %s",
			 rte_strerror(rte_errno));
		return -ENOSPC;
	}
	dp_in_esp_off = off;
	return 0;
}

static int
create_workers(struct dp *dp, char *err, size_t errlen)
{
	unsigned int lcore;
	uint16_t id = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct dp_worker *w;

		if (id == DP_WORKERS_MAX)
			break;
		w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcore));
		if (w == NULL)
			goto nomem;
		dp->workers[id] = w;
		w->dp = dp;
		w->id = id;
		w->lcore = lcore;
		w->frag6_id = (uint32_t)rte_rand();	/* RFC 7739: not from a known start */
		w->mb = cmb_mgr_create();
		w->reasm = reasm_in_create((int)rte_lcore_to_socket_id(lcore),
					   (uint16_t)(rte_pktmbuf_data_room_size(dp->pool) -
						      RTE_PKTMBUF_HEADROOM));
		if (w->mb == NULL || w->reasm == NULL || cmb_ivgen_init(w->mb, &w->iv) != 0 ||
		    link_create(dp, w) != 0 || handoff_create(w) != 0)
			goto nomem;
		id++;
	}
	dp->n_workers = id;
	if (id == 0) {
		snprintf(err, errlen,
			 "no worker lcore: give EAL at least two lcores (e.g. -l 0-1); the "
			 "first runs the control thread");
		return -EINVAL;
	}
	return 0;
nomem:
	dp->n_workers = id + 1;	/* so dp_destroy frees the partial one */
	snprintf(err, errlen, "out of memory for worker %u", id);
	return -ENOMEM;
}

/* Each port is polled by exactly one worker (port_assign.h). */
static int
assign_ports(struct dp *dp, char *err, size_t errlen)
{
	const struct dpsec_config *cfg = dp->cfg;

	if (cfg->n_interfaces > DP_PORTS_MAX) {
		snprintf(err, errlen, "at most %d interfaces (got %u)", DP_PORTS_MAX,
			 cfg->n_interfaces);
		return -EINVAL;
	}
	port_assign(cfg->interfaces, cfg->n_interfaces, dp->n_workers, dp->port_worker);
	return 0;
}

/*
 * The ports' RX queues, once set up, onto the lists their workers poll: queue
 * q of a port to the q-th worker after the one port_assign chose, so a port's
 * queues are on different workers (n_rxq <= n_workers: one entry per port).
 */
static void
poll_lists(struct dp *dp)
{
	for (uint16_t i = 0; i < dp->n_ports; i++) {
		for (uint16_t q = 0; q < dp->ports[i].n_rxq; q++) {
			struct dp_worker *w =
				dp->workers[(dp->port_worker[i] + q) % dp->n_workers];

			w->rx_port[w->n_rx] = i;
			w->rx_queue[w->n_rx++] = q;
		}
	}
}

static int
create_rcu(struct dp *dp, char *err, size_t errlen)
{
	size_t sz = rte_rcu_qsbr_get_memsize(dp->n_workers);

	dp->qs = rte_zmalloc("dp_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qs == NULL || rte_rcu_qsbr_init(dp->qs, dp->n_workers) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers", dp->n_workers);
		return -ENOMEM;
	}
	return 0;
}

static int
create_tables(struct dp *dp, char *err, size_t errlen)
{
	dp->sad = sad_create(dp->cfg->dp.sa_max, dp->qs);
	if (dp->sad == NULL) {
		snprintf(err, errlen, "cannot create the SA database (%u entries): %s",
			 dp->cfg->dp.sa_max, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	dp->spd = spd_create(dp->cfg);
	if (dp->spd == NULL) {
		snprintf(err, errlen, "cannot create the security policy database");
		return -ENOMEM;
	}
	dp->route = route_create(dp, err, errlen);
	return dp->route == NULL ? -ENOMEM : 0;
}

struct dp *
dp_create(const struct dpsec_config *cfg, char *err, size_t errlen)
{
	struct dp *dp = calloc(1, sizeof(*dp));

	if (dp == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dp->doorbell = -1;
	dp->cfg = cfg;
	dp->burst = cfg->dp.burst;
	dp->life_due_ns = UINT64_MAX;
	tsc_clk_init(&dp->tsc, &dp->clk);
	dp->doorbell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp->doorbell < 0) {
		snprintf(err, errlen, "cannot create the control thread's doorbell: %s",
			 strerror(errno));
		goto fail;
	}
	dp->mb = cmb_mgr_create();
	if (dp->mb == NULL) {
		snprintf(err, errlen, "cannot initialise libipsec-mb");
		goto fail;
	}
	if (register_in_sa_field(err, errlen) != 0)
		goto fail;
	dp->pool = rte_pktmbuf_pool_create("dpsec_mbufs", cfg->dp.mbufs, MBUF_CACHE, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp->pool == NULL) {
		snprintf(err, errlen, "cannot create %u mbufs: %s", cfg->dp.mbufs,
			 rte_strerror(rte_errno));
		goto fail;
	}
	if (create_workers(dp, err, errlen) != 0 || assign_ports(dp, err, errlen) != 0 ||
	    create_rcu(dp, err, errlen) != 0 || port_setup_all(dp, err, errlen) != 0 ||
	    create_tables(dp, err, errlen) != 0)
		goto fail;
	poll_lists(dp);
	return dp;
fail:
	dp_destroy(dp);
	return NULL;
}

void
dp_set_clock(struct dp *dp, const struct clk *clk)
{
	dp->clk = *clk;
	for (uint16_t i = 0; i < dp->n_workers; i++)
		link_set_clock(dp->workers[i], clk);
}

int
dp_start(struct dp *dp, char *err, size_t errlen)
{
	int rc = port_start_all(dp, err, errlen);

	if (rc != 0)
		return rc;
	dp->stop = false;
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		rc = rte_eal_remote_launch(worker_main, dp->workers[i], dp->workers[i]->lcore);
		if (rc != 0) {
			snprintf(err, errlen, "cannot launch worker on lcore %u: %s",
				 dp->workers[i]->lcore, strerror(-rc));
			dp_stop(dp);
			return rc;
		}
	}
	dp->running = true;
	return 0;
}

void
dp_stop(struct dp *dp)
{
	__atomic_store_n(&dp->stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	if (dp->running) {
		port_stop_all(dp);
		dp->running = false;
	}
}

static void
destroy(struct dp *dp, bool at_exit)
{
	if (dp == NULL)
		return;
	sad_destroy(dp->sad);	/* wipes every key */
	spd_destroy(dp->spd);
	route_destroy(dp->route, at_exit);
	neigh6_destroy(dp);
	port_close_all(dp);
	for (uint16_t i = 0; i < dp->n_workers; i++) {
		if (dp->workers[i] == NULL)
			continue;
		link_destroy(dp->workers[i]);
		reasm_in_destroy(dp->workers[i]->reasm);
		handoff_destroy(dp->workers[i]);
		cmb_mgr_free(dp->workers[i]->mb);
		mem_wipe(&dp->workers[i]->iv, sizeof(dp->workers[i]->iv));
		rte_free(dp->workers[i]);
	}
	rte_free(dp->qs);
	rte_mempool_free(dp->pool);
	cmb_mgr_free(dp->mb);
	if (dp->doorbell >= 0)
		close(dp->doorbell);
	free(dp);
}

void
dp_destroy(struct dp *dp)
{
	destroy(dp, false);
}

/*
 * rte_free zeroes what it frees, so that rte_zmalloc need not: freeing the
 * route tables' two 64 MB LPM arrays, mostly never touched, faults in and
 * zeroes 32,768 pages of memory about to be unmapped anyway (without
 * hugepages: over a second on a VM, every dpsecd exit in the tests).
 */
void
dp_destroy_at_exit(struct dp *dp)
{
	destroy(dp, true);
}

void
dp_housekeeping(struct dp *dp)
{
	sad_reclaim(dp->sad);
	sa_life_housekeeping(dp);
	sa_pmtu_housekeeping(dp);
}

unsigned int
dp_worker_count(const struct dp *dp)
{
	return dp->n_workers;
}
