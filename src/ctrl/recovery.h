/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invalid-SPI recovery: what the control thread does about ESP or AH that
 * arrived with an SPI the dataplane does not know (QFP drops 4/7/12), as
 * IOS's "crypto isakmp invalid-spi-recovery" and RFC 7296 section 1.5 have it:
 *
 *   IKE SA with the sender          -> INVALID_SPI notify over it (whether
 *                                      recovery is on or not, as IOS), and the
 *                                      CHILD_SA re-created if the sender is
 *                                      the static peer of a crypto-map entry
 *                                      (strongSwan ignores the notify);
 *   no IKE SA, recovery on, static  -> IKE_SA_INIT + IKE_AUTH with
 *   peer of a crypto-map entry         INITIAL_CONTACT and the entry's CHILD_SA;
 *   anything else                   -> counted and logged only.
 *
 * Recovery is off by default because a spoofed packet from a configured
 * peer's address makes the gateway send IKE: acting is bounded by a packet
 * threshold per (peer, SPI) within a window, a hold-down per peer after
 * acting, and a global rate of initiations. Every decision, taken or
 * suppressed, is counted with its packets. Only configured peers (or
 * senders with an IKE SA) take state here, so the table is bounded by the
 * configuration, not by what an attacker sends.
 *
 * Pure policy: no DPDK, no IKE calls; the caller (ctrl) acts on the answer.
 * Time is the caller's (milliseconds), so tests move a fake clock.
 */
#ifndef DPSEC_RECOVERY_H
#define DPSEC_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/recovery_actions.h"

extern const char *const recovery_action_names[RECOVERY__COUNT]; /* "NOTIFY" */
extern const char *const recovery_action_texts[RECOVERY__COUNT];

/* True for the answers on which the caller sends something. */
static inline bool
recovery_acts(enum recovery_action a)
{
	return a == RECOVERY_NOTIFY || a == RECOVERY_NOTIFY_ONLY || a == RECOVERY_INITIATE;
}

struct recovery_bounds {
	uint32_t pkts;		/* act on the pkts-th packet of one (peer, SPI) ... (>= 1) */
	uint32_t window_ms;	/* ... within this long of the first */
	uint32_t holddown_ms;	/* after acting for a peer, nothing for it this long */
	uint32_t rate;		/* IKE initiations a second, all peers together (>= 1) */
};

/* The defaults: 2 packets within 10 s, 5 s hold-down, 5 initiations a second. */
extern const struct recovery_bounds recovery_bounds_default;

/* One unknown-SPI report, and what the control thread knows about its sender. */
struct recovery_in {
	bool ipv6;
	uint8_t src[16];	/* the sender (IPv4 in the first 4 bytes), network order */
	uint32_t spi;
	uint64_t pkts;		/* packets the report stands for (>= 1) */
	bool ike_sa;		/* an established IKE SA with the sender */
	bool static_peer;	/* the static peer of a crypto-map entry with an IKEv2 profile */
	bool dynamic_peer;	/* matched by a dynamic crypto map only */
	bool enabled;		/* crypto isakmp invalid-spi-recovery */
};

struct recovery_stats {
	uint64_t decisions[RECOVERY__COUNT];
	uint64_t pkts[RECOVERY__COUNT];	/* the packets behind them */
	uint64_t peers;			/* peers with state now */
	uint64_t peers_evicted;		/* state pushed out of the full table */
};

struct recovery;

/* peers_max: how many senders keep state (>= 1); NULL when out of memory. */
struct recovery *recovery_create(const struct recovery_bounds *b, size_t peers_max,
				 uint64_t now_ms);
void recovery_destroy(struct recovery *r);

/* The decision for one report, counted. */
enum recovery_action recovery_decide(struct recovery *r, const struct recovery_in *in,
				     uint64_t now_ms);

void recovery_stats_get(const struct recovery *r, struct recovery_stats *out);
/* Forget the per-peer state (windows and hold-downs), keep the counters. */
void recovery_reset(struct recovery *r);

#endif
