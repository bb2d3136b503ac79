/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recent unknown-SPI flows (source, destination, SPI, protocol, interface),
 * as the workers report them: first and last seen, packets, reports. A
 * bounded table, allocated once: when full, the least recently seen flow
 * goes. Every packet reported stays accounted for: in a flow, or counted as
 * evicted or cleared with its flow.
 * This is where invalid-SPI recovery will decide, per flow, what to do.
 */
#ifndef DPSEC_INV_SPI_H
#define DPSEC_INV_SPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dpsec/events.h"
#include "dpsec/view.h"

#define INV_SPI_FLOWS_MAX 1024

struct inv_spi_flow {
	bool ipv6;
	uint8_t proto;
	bool udp;
	uint16_t iface;
	uint16_t sport;
	uint32_t spi;
	uint8_t src[16];
	uint8_t dst[16];
	uint64_t pkts;
	uint64_t events;
	struct timespec first_seen;
	struct timespec last_seen;
	bool static_peer;
	enum inv_spi_state state;	/* what was last done (view.h), with its times */
	enum recovery_action decision;
	struct timespec state_at, logged_at, decided_at;
	/* table links */
	uint32_t hash;
	struct inv_spi_flow *hnext;
	struct inv_spi_flow *newer, *older;
};

struct inv_spi_table;

/* Packets noted == pkts + pkts_evicted + pkts_cleared. */
struct inv_spi_counts {
	uint64_t flows;		/* tracked now */
	uint64_t flows_evicted;	/* pushed out of the full table */
	uint64_t pkts;		/* in the tracked flows */
	uint64_t pkts_evicted;	/* in the evicted flows */
	uint64_t pkts_cleared;	/* in the flows inv_spi_clear() forgot */
};

/* NULL if out of memory (or cap is 0). */
struct inv_spi_table *inv_spi_create(size_t cap);
void inv_spi_destroy(struct inv_spi_table *t);
/* Record an event; returns the flow (new or updated), now the most recent. Never NULL. */
struct inv_spi_flow *inv_spi_note(struct inv_spi_table *t, const struct dp_event *ev,
				  const struct timespec *now);
/* Its report's %CRYPTO-4-RECVD_PKT_INV_SPI line was written at now. */
void inv_spi_logged(struct inv_spi_flow *f, const struct timespec *now);
/* Invalid-SPI recovery decided a about it at now. */
void inv_spi_decided(struct inv_spi_flow *f, enum recovery_action a, const struct timespec *now);
/* Most recent first; at most max. */
size_t inv_spi_list(const struct inv_spi_table *t, struct view_inv_spi *out, size_t max);
void inv_spi_counts(const struct inv_spi_table *t, struct inv_spi_counts *out);
/* Forget every flow (their packets move to pkts_cleared). */
void inv_spi_clear(struct inv_spi_table *t);

#endif
