/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA lifetimes (struct dp_sa_lifetime): soft and hard limits in packets,
 * bytes and seconds, enforced by the dataplane.
 *
 *   packets, bytes  the owner worker compares its own counters when it
 *                   flushes a run of packets (sa_acc_flush, sa.h): one
 *                   compare each, no division, nothing per packet;
 *   seconds         the control thread, in dp_housekeeping, on the workers'
 *                   clock (dp->clk) from the SA's installation, so that an
 *                   idle SA expires too.
 *
 * At a soft limit, DP_EV_SA_SOFT (IKE rekeys); at a hard limit the SA moves
 * from SA_LIVE to SA_EXPIRED, its packets are dropped from then on (18
 * IN_CD_SW_IPSEC_HARD_EXPIRY, 44 OUT_CD_SW_IPSEC_HARD_EXPIRY) and
 * DP_EV_SA_HARD is raised (IKE deletes it). Whichever side reaches a limit
 * first claims it with an atomic operation on the SA, so each event is
 * raised once. Lifetime events bypass the workers' event rate limit (there
 * are at most two per SA); if a worker's event ring is full, the worker
 * marks the SA and the control thread delivers the event: none is lost.
 */
#ifndef DPSEC_SA_LIFE_H
#define DPSEC_SA_LIFE_H

#include <stdint.h>

#include "dpsec/dp.h"
#include "dpsec/view.h"

struct sa;
struct sa_rt;

/* The packet and byte limits into a new sa_rt, before it is published. */
void sa_life_rt_init(struct sa_rt *rt, const struct dp_sa_lifetime *l);
/*
 * A negotiated outbound SA's sequence numbers run out (RFC 4303 3.3.3: they
 * never wrap) like a packet lifetime: hard when the last one is used, soft
 * when an eighth of them is left, so that IKE rekeys in time. Manual SAs
 * keep only the sequence check (nobody could rekey them).
 */
void sa_life_seq_limit(struct sa_rt *rt);
/* The second limits of a newly added SA (control thread): deadlines from now. */
void sa_life_install(struct dp *dp, struct sa *sa, uint64_t now);
/* Control thread: deadlines due, and events the workers could not send. */
void sa_life_housekeeping(struct dp *dp);
/* What is left of the SA's lifetime at now, for "show crypto ipsec sa". */
void sa_life_left(const struct sa *sa, uint64_t now, struct view_sa *v);

#endif
