/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the CLI may see of the running daemon: plain snapshots (no DPDK types)
 * behind a table of operations. dpsecd implements the operations over the
 * dataplane; the CLI's golden tests implement them with fixed data. No
 * snapshot carries key material.
 */
#ifndef DPSEC_VIEW_H
#define DPSEC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "counters.h"

enum view_sa_status {
	VIEW_SA_ACTIVE,
	VIEW_SA_DELETING,	/* removed, waiting for workers to let go */
};

struct view_sa {
	uint32_t map;		/* index into cfg->crypto_maps */
	uint32_t entry;		/* index into that map's entries */
	enum cfg_dir dir;
	uint32_t spi;		/* host order */
	enum dp_cipher cipher;
	enum dp_auth auth;
	enum cfg_mode mode;
	bool esn;
	bool udp_encap;
	uint16_t local_port;
	uint16_t peer_port;
	bool manual;		/* keyed by hand (no lifetime) */
	uint32_t conn_id;
	uint32_t replay_window;	/* 0 = replay detection off */
	uint64_t kb_left;	/* remaining KB lifetime (ignored when manual) */
	uint32_t sec_left;	/* remaining seconds (ignored when manual) */
	enum view_sa_status status;
	struct dp_sa_counters ctr;	/* minus the "clear crypto sa counters" baseline */
};

struct view_port {
	char name[CFG_NAME_MAX];	/* configured interface name */
	uint8_t mac[6];
	bool link_up;
	uint64_t ipackets, ibytes, opackets, obytes;
	uint64_t imissed, ierrors, oerrors, rx_nombuf;
};

struct view_ops {
	/* Drop statistics, summed over lcores, minus the last clear. */
	void (*drop_stats)(void *ctx, struct dp_drop_stats *out);
	/* "... drop clear": reset the shown drop statistics (a baseline, not a write). */
	void (*drop_stats_clear)(void *ctx);
	/* All SAs, in install order. Returns how many were written (at most max). */
	size_t (*sa_list)(void *ctx, struct view_sa *out, size_t max);
	/* "clear crypto sa counters" */
	void (*sa_counters_clear)(void *ctx);
	/* One entry per configured interface, in config order. */
	size_t (*port_list)(void *ctx, struct view_port *out, size_t max);
	/*
	 * Optional (NULL = never cleared): wall-clock time of the last
	 * drop_stats_clear, for "Last clearing of QFP drops statistics".
	 * Returns false if the statistics were never cleared.
	 */
	bool (*drop_stats_cleared_at)(void *ctx, struct timespec *when);
	/*
	 * Optional (NULL = clock_gettime(CLOCK_REALTIME)): the wall clock
	 * "show clock" and the "(... ago)" texts read, so tests can pin it.
	 */
	void (*wall_clock)(void *ctx, struct timespec *now);
};

struct view {
	const struct view_ops *ops;
	void *ctx;
	const struct dpsec_config *cfg;
	const char *version;		/* for "show version" */
	uint64_t uptime_sec;
};

#endif
