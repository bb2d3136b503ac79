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
#include "dpsec/view.h"

struct rte_mbuf;

/*
 * Counted by kind (view.h): ARP, ICMP echo, IKE (UDP 500 or 4500 to us),
 * other. Each packet is received once and then answered, unhandled or
 * tx_failed, so the kinds' columns add up.
 */
struct punt_stats {
	struct view_punt_count kind[VIEW_PUNT__COUNT];
};

/* Takes ownership of m: answers it, or counts and frees it. */
void punt_handle(struct dp *dp, const struct dpsec_config *cfg, struct rte_mbuf *m,
		 struct punt_stats *st);

#endif
