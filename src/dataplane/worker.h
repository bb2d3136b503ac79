/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_WORKER_H
#define DPSEC_WORKER_H

#include "dataplane.h"

/* Count one drop in a per-lcore block (a worker's, or the control thread's). */
void dp_stats_drop(struct dp_lcore_stats *st, const struct rte_mbuf *m, dp_drop_t code);
/* pkts packets of octets bytes in all, no longer at hand (freed earlier), dropped under code. */
void dp_stats_drop_n(struct dp_lcore_stats *st, dp_drop_t code, uint64_t pkts, uint64_t octets);

/* lcore entry point: poll this worker's ports until dp->stop. */
int worker_main(void *arg);

/* Count and free dropped packets (exported for the unit tests and the benchmark). */
void worker_drop(struct dp_worker *w, struct rte_mbuf **pkts, const dp_drop_t *reason,
		 uint16_t n);
/* Hand packets received on port index pi to the control thread (counted as punted there). */
void worker_punt(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n);
/* Process one received burst from port index pi: classify, ESP, queue for TX. */
void worker_process(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n);
/* Transmit what is queued; what the queue refuses is dropped as TailDrop. */
void worker_flush(struct dp_worker *w);
/* Queue for transmit what the control thread injected. */
void worker_inject(struct dp_worker *w);
/* Process one burst of what other workers handed to this one (handoff.h). */
void worker_handoff_drain(struct dp_worker *w);

#endif
