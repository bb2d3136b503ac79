/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters. Each counter has exactly one writer (a worker lcore, for its own
 * per-lcore block or for an SA it owns), so the fast path never uses an atomic
 * read-modify-write: ctr_add() is a plain add published with a relaxed store,
 * which the control thread reads with a relaxed load. "clear" never writes a
 * worker's counters: the reader keeps a baseline and shows the difference.
 */
#ifndef DPSEC_COUNTERS_H
#define DPSEC_COUNTERS_H

#include <stdint.h>

#include "drops.h"

static inline void
ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/* A gauge (e.g. packets waiting to be reported) goes down too; still one writer. */
static inline void
ctr_sub(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c - v, __ATOMIC_RELAXED);
}

static inline uint64_t
ctr_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/*
 * Per-SA counters, as "show crypto ipsec sa" reports them.
 * X(field, "description")
 */
#define DP_SA_COUNTERS(X)                                                                          \
	X(pkts, "packets encapsulated (outbound) or decapsulated (inbound)")                       \
	X(bytes, "inner bytes of those packets")                                                   \
	X(replay_failed, "anti-replay failures (duplicate or left of the window)")                 \
	X(verify_failed, "ICV verification failures")                                              \
	X(invalid_len, "ESP length, block or padding errors")                                      \
	X(decaps_failed, "decrypted but not forwardable (next header, inner header, policy)")      \
	X(invalid_prot, "wrong encapsulation for the SA (ESP-in-UDP vs raw ESP)")                  \
	X(encaps_failed, "could not be encapsulated (no room, too big, selectors)")                           \
	X(seq_rollover, "outbound sequence number exhausted")                                      \
	X(invalid_sa, "hit the SA while it was being deleted, or past its hard lifetime")

enum dp_sa_ctr {
#define DP_X(f, d) DP_SA_CTR_##f,
	DP_SA_COUNTERS(DP_X)
#undef DP_X
	DP_SA_CTR__COUNT
};

struct dp_sa_counters {
	uint64_t v[DP_SA_CTR__COUNT];
};

/* The SA counter a drop reason also moves, or DP_SA_CTR__COUNT for none. */
extern const uint8_t dp_drop_sa_ctr[DP_DROP__COUNT];

/* Drop statistics, summed over lcores (and minus the baseline when shown). */
struct dp_drop_stats {
	uint64_t ipsec[DP_IPSEC_DROP__COUNT];
	uint64_t global_pkts[DP_GLOBAL__COUNT];
	uint64_t global_octets[DP_GLOBAL__COUNT];
};

#endif
