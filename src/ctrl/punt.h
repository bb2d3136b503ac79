/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets the workers hand to the control thread: ARP for our addresses and
 * ICMP echo to them are answered here (and the senders of ARP to us learned,
 * arp_table.h) (so an operator can ping the gateway), as are IPv6 neighbor
 * solicitations for an interface's address6 and ICMPv6 echo to it (nd6.h);
 * IKE datagrams to our addresses are checked and handed to IKE (the hooks of
 * ctrl.h), or counted as unhandled when there is no IKE; the rest is counted
 * as PuntUnhandled.
 */
#ifndef DPSEC_PUNT_H
#define DPSEC_PUNT_H

#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"
#include "dpsec/view.h"

struct rte_mbuf;
struct ctrl_ike_hooks;
struct arp_table;
struct reasm4;

extern const char *const punt_ike_names[PUNT_IKE__COUNT];

/*
 * Counted by kind (view.h): ARP, ICMP echo, IKE (UDP 500 or 4500 to us),
 * IPv6 neighbor solicitations, ICMPv6 echo, other. Each packet is received once and then answered, unhandled or
 * tx_failed, so the kinds' columns add up. IPv4 fragments of any kind are
 * also counted in fragments; those of UDP to our address go to reassembly
 * (answered: taken; unhandled: reassembly dropped it, reasm4.h says why),
 * and a datagram they complete to IKE like a whole one.
 */
struct punt_stats {
	struct view_punt_count kind[VIEW_PUNT__COUNT];
	uint64_t fragments;
	uint64_t ike[PUNT_IKE__COUNT];
};

/* Where punted IKE goes: hooks NULL = nowhere (counted as unhandled). */
struct punt_ike {
	const struct ctrl_ike_hooks *hooks;
	void *ctx;
};

/*
 * The control thread's tables punted packets feed: ARP to our addresses
 * teaches neighbours (table NULL: nowhere), IPv4 fragments of UDP to our
 * addresses are reassembled (reasm NULL: counted as unhandled).
 */
struct punt_ctx {
	struct arp_table *table;
	struct nd6_cache *nd6;	/* learned IPv6 neighbors; NULL: none learned */
	struct reasm4 *reasm;
	uint64_t now_ns;	/* the control thread's monotonic clock */
};

/* Takes ownership of m: answers it, learns from it, hands it to IKE, or counts and frees it. */
void punt_handle(struct dp *dp, const struct dpsec_config *cfg, struct rte_mbuf *m,
		 struct punt_stats *st, const struct punt_ike *ike, const struct punt_ctx *pc);

/* Counts the fragments reassembly has given up on since the last call (after reasm4_expire). */
void punt_reasm_drain(struct dp *dp, struct reasm4 *reasm);

#endif
