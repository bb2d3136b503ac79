/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's next-hop MAC: a static neighbor or next_hop_mac from
 * the config first (they win), then the learned ARP table (arp_table.h);
 * with neither, an ARP request goes out when the table allows one (retry,
 * hold-down, rate limit) and the caller is told -EHOSTUNREACH: it tries
 * again later (IKE retransmits; the SA install waits for the reply).
 */
#ifndef DPSEC_ARP_OUT_H
#define DPSEC_ARP_OUT_H

#include <stdint.h>

struct ctrl;

/* 0 and mac, or -EHOSTUNREACH (request sent or held back), -ENODEV (no such port). */
int ctrl_arp_resolve(struct ctrl *c, uint32_t iface, uint32_t ip, uint8_t mac[6]);

/* Outbound SAs installed from now on take their next-hop MAC from here too. */
void ctrl_arp_attach(struct ctrl *c);

#endif
