/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Handing packets to the worker that owns their SA.
 *
 * Every SA has one owner worker, chosen when it is installed (sa_build.c),
 * and only the owner writes its sequence number, replay window and counters:
 * no atomics on the per-packet path, and no two packets ever get one
 * sequence number (the AES-GCM nonce). Ports are spread over all workers, so
 * a worker often receives a packet of an SA it does not own: the stage that
 * finds the SA (esp_out, esp_in, ah_in) marks the packet DP_HANDOFF with the
 * owner (pkt_set_handoff) before it touches the SA, and the worker puts it on
 * the owner's handoff ring. The owner drains its ring once per loop and runs
 * the packets through the same stage as its own (worker_handoff_drain).
 *
 * One ring per worker, many producers (any worker) and one consumer (its
 * owner): rte_ring MP/SC. A full ring drops the packet, counted by the
 * sender as IpsecHandoffFull on the port it came in on; a worker never waits.
 * Packets of one SA from one receiving worker keep their order (FIFO).
 */
#ifndef DPSEC_HANDOFF_H
#define DPSEC_HANDOFF_H

#include <stdint.h>

#include "dataplane.h"

#define HANDOFF_RING_SIZE 1024	/* packets; a power of two (rte_ring), usable: size - 1 */

/* The worker's ring, on its lcore's socket. 0 or -ENOMEM. */
int handoff_create(struct dp_worker *w);
/* The ring and any packet still on it (no worker runs). Accepts a worker without one. */
void handoff_destroy(struct dp_worker *w);

/*
 * The rejected part of a burst after a stage: those marked DP_HANDOFF go to
 * their owners' rings; a ring that refuses one turns it into a drop
 * (IpsecHandoffFull). The packets left to drop come first in pkts[] with
 * their reasons; returns how many.
 */
uint16_t handoff_send(struct dp_worker *w, struct rte_mbuf **pkts, dp_drop_t *reason,
		      uint16_t n);

/* Up to max packets handed to w, oldest first; how many. */
static inline uint16_t
handoff_take(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t max)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(w->handoff, (void **)pkts, max, NULL);
}

#endif
