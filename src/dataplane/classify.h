/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_CLASSIFY_H
#define DPSEC_CLASSIFY_H

#include <stdint.h>

#include "dataplane.h"

struct sad_table;

/*
 * m->l4_len of AH right behind an IPv6 header, which the inbound split
 * (worker.c) tells from ESP without reading the packet: 0 is ESP, or AH
 * over IPv4; 8 ESP-in-UDP; REASM_IN_MARK (1) an IPv4 fragment.
 */
#define CLASSIFY_AH6_MARK 2

/*
 * Both stages reorder pkts[] as [kept][punted][dropped] and return the kept
 * count; *n_punt gets the punted count and reason[] holds the drop reason of
 * each dropped packet (at its new index).
 *
 * Outside port: kept = ESP, AH or ESP-in-UDP addressed to the port's address,
 * and their fragments (marked for reasm_in.h); over IPv4, those without an SA
 * in the SA table (sad_table.h) are dropped here already (ESP by SPI,
 * destination and protocol, AH by SPI), and ESP carries its SA, ESP offset and
 * length to esp_in.c (pkt_in_esp), AH and IPv6 none,
 * punted = IKE, ARP, ICMP and other traffic for the gateway.
 * Inside port: kept = valid IPv4 to be protected, punted = ARP and traffic
 * for the gateway itself.
 */
uint16_t classify_outside(const struct dp_port *in, const struct sad_table *sat,
			  struct rte_mbuf **pkts, uint16_t n, uint16_t *n_punt, dp_drop_t *reason);
uint16_t classify_inside(const struct dp_port *in, struct rte_mbuf **pkts, uint16_t n,
			 uint16_t *n_punt, dp_drop_t *reason);

#endif
