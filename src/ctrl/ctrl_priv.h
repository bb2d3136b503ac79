/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's state, shared by the files of src/ctrl that make up
 * the control thread (ctrl.c, udp_send.c); everyone else goes through ctrl.h.
 */
#ifndef DPSEC_CTRL_PRIV_H
#define DPSEC_CTRL_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpsec/clk.h"

#include "ctrl.h"

#define CTRL_TICK_MS 100	/* housekeeping when nothing wakes us */
#define CTRL_ARP_ENTRIES 256	/* learned neighbours, all interfaces together */
#define CTRL_ARP_AGE_S 14400	/* IOS's default ARP timeout, 4 hours */

struct ctrl {
	struct dp *dp;
	struct dpsec_config *cfg;
	struct dlog *log;
	struct inv_spi_table *inv;
	struct arp_table *arp;		/* learned neighbours (arp_table.h) */
	struct nd6_cache *nd6;		/* learned IPv6 neighbors (nd6_cache.h, nd6_out.h) */
	uint64_t nd6_published;		/* nd6_cache_version the workers' table was built from */
	uint64_t nd6_uses_ns;		/* when the workers' use marks were last taken */
	struct reasm4 *reasm;		/* IKE datagrams arriving as IPv4 fragments */
	struct punt_stats punt;
	struct icmp_err icmp;
	struct ctrl_stats stats;
	struct view_port *ports;	/* the last sample, one per interface */
	struct port_rate *rates;
	size_t n_ports;
	bool sampled;
	uint64_t sampled_ms;
	bool debug;
	ctrl_inv_spi_hook hook;
	void *hook_ctx;
	struct ctrl_ike_hooks ike_hooks;	/* a copy of what ctrl_set_ike_hooks was given */
	struct punt_ike ike;			/* hooks NULL: no IKE */
	uint16_t ip_id;		/* IPv4 identification of the datagrams we send (udp_send.c) */
	/* ctrl_set_retry_hook: when it last ran, and the learned IPv6 neighbors then */
	ctrl_retry_fn retry_fn;
	void *retry_ctx;
	uint64_t retry_ms;
	uint64_t retry_nd6;
	pthread_mutex_t lock;
	struct clk clk;
};

#endif
