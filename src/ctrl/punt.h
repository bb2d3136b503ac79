/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets the workers hand to the control thread: ARP for our addresses and
 * ICMP echo to them are answered here (so an operator can ping the gateway);
 * IKE is counted until IKEv2 lands; the rest is counted as PuntUnhandled.
 */
#ifndef DPSEC_PUNT_H
#define DPSEC_PUNT_H

#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"

struct rte_mbuf;

struct punt_stats {
	uint64_t arp_replies;
	uint64_t echo_replies;
	uint64_t ike;			/* IKE received (UDP 500, 4500 with the non-ESP marker) */
	uint64_t unhandled;		/* everything else (counted as PuntUnhandled) */
	uint64_t tx_failed;		/* replies the inject ring refused */
};

/* Takes ownership of m: answers it, or counts and frees it. */
void punt_handle(struct dp *dp, const struct dpsec_config *cfg, struct rte_mbuf *m,
		 struct punt_stats *st);

#endif
