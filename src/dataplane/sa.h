/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An SA as the fast path sees it: struct sa_rt, cache-aligned, holding only
 * what a packet needs. Names, keys as configured, lifetimes and list links
 * stay in the control thread's struct sa (sad.c).
 *
 * Ownership: the control thread creates an sa_rt, publishes it, marks it
 * SA_DYING and frees it after an RCU grace period. Everything else in it
 * (sequence number, replay window, counters) is written by exactly one worker,
 * `owner`, chosen at install (sa_build.c); a worker that receives a packet of
 * an SA it does not own hands it to the owner before touching the SA
 * (handoff.h; docs/ARCHITECTURE.md, "Who writes what"); debug builds check it
 * on every packet (sa_owner_check).
 */
#ifndef DPSEC_DP_SA_H
#define DPSEC_DP_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "dpsec/counters.h"
#include "dpsec/dp.h"
#include "replay.h"

struct cmb_keys;

/*
 * An SA's negotiated traffic selectors (dp_sa_params.ts_*, ts6_*); n = 0:
 * that side unchecked for that family. The IPv4 ones first: the IPv4 path
 * reads only the first lines.
 */
struct sa_ts {
	uint8_t n_local, n_remote;
	struct dp_ts local[DP_TS_MAX], remote[DP_TS_MAX];
	uint8_t n_local6, n_remote6;
	struct dp_ts6 local6[DP_TS_MAX], remote6[DP_TS_MAX];
};

#define SA_F_INBOUND 0x01
#define SA_F_ESN 0x02
#define SA_F_AH 0x04		/* AH (RFC 4302): icv_len is AH's, no cipher */
#define SA_F_AEAD 0x08		/* AES-GCM (RFC 4106): the SA_GCM_* sizes below */
#define SA_F_NARROW 0x10	/* sa_rt.ts: negotiated selectors checked per packet */
/*
 * AH+ESP bundle (RFC 4301 section 4.5; dp_sa_params.bundled, inner_conn_id):
 * the ESP SA is only ever used inside its AH SA (an ESP packet without the
 * AH is refused, and the policy never encrypts with it alone); the AH SA
 * wraps it, sa_rt.inner. Both have the same owner, so the worker that holds
 * the AH SA may write the ESP SA too.
 */
#define SA_F_BUNDLED 0x20	/* ESP, inside an AH */
#define SA_F_AH_ESP 0x40	/* AH around sa_rt.inner */
#define SA_F_V6 0x80		/* IPv6 endpoints (AH: its header padded to 64 bits) */

/*
 * Every AEAD transform is AES-GCM with a 16-byte ICV (dpsec/xform.h):
 * sa_rt_build refuses an AEAD SA of other sizes, so that esp_out.c's
 * instance for AES-GCM tunnels builds packets with these as constants.
 */
#define SA_GCM_IV 8
#define SA_GCM_ICV 16
#define SA_GCM_PAD_BLOCK 4

enum sa_state {
	SA_LIVE,
	SA_DYING,	/* unpublished; packets still holding it are dropped as invalid SA */
	SA_EXPIRED,	/* past its hard lifetime: packets dropped (18, 44) until it is deleted */
};

/*
 * sa_rt.life: the SA's lifetime events, claimed and delivered exactly once
 * whichever side sees a limit first (the owner worker: packets and bytes;
 * the control thread: seconds). Atomic read-modify-writes, all off the
 * per-packet path.
 */
#define SA_LIFE_SOFT 0x01		/* the soft limit was reached: DP_EV_SA_SOFT is claimed */
#define SA_LIFE_SOFT_UNSENT 0x02	/* ... but the event ring refused it: the control */
#define SA_LIFE_HARD_UNSENT 0x04	/* thread delivers it (sa_life_collect) */

/* Ethernet + IPv4 (+ UDP) or Ethernet + IPv6 (+ UDP): the outbound header template. */
#define SA_HDR_MAX 64

/*
 * Where an outbound SA's packets go: the outer headers (template) and the
 * port. Immutable once published: dp_sa_update_endpoints() builds a new one,
 * swaps the SA's pointer and frees the old one after an RCU grace period, so
 * a worker reads a whole template, the old or the new, never half of each.
 *
 * Two cache lines: the small fields first, then the template at offset 8.
 * esp_out.c copies it as two overlapping 32-byte pieces, [0, 32) and
 * [len - 32, len): IPv4 ESP (34 bytes), IPv4 ESP-in-UDP (42) and IPv6 ESP
 * (54) end by byte 62 and read only line 0; only IPv6 ESP-in-UDP (62 bytes,
 * up to byte 70) reaches into line 1. An IPv4 template's checksum field
 * holds the sum of its bytes that never change (ip4_cksum_fixed), which a
 * packet's checksum starts from.
 */
struct sa_ep {
	uint8_t hdr_len;	/* template bytes in hdr[] */
	uint8_t udp;		/* ESP-in-UDP (RFC 3948) */
	uint8_t v6;		/* the template is Ethernet + IPv6 */
	uint8_t pad_;
	uint16_t tx_port;	/* egress port index */
	uint16_t mtu;		/* IP MTU of the egress interface */
	uint8_t hdr[SA_HDR_MAX];
} __rte_cache_aligned;

_Static_assert(offsetof(struct sa_ep, hdr) == 8, "the small fields come first");
_Static_assert(offsetof(struct sa_ep, hdr) + 14 + 20 + 8 <= RTE_CACHE_LINE_SIZE &&
		       offsetof(struct sa_ep, hdr) + 14 + 40 <= RTE_CACHE_LINE_SIZE,
	       "IPv4 (in UDP too) and IPv6 ESP templates sit in the first cache line");
_Static_assert(sizeof(struct sa_ep) == 2 * RTE_CACHE_LINE_SIZE,
	       "a template is two cache lines; only IPv6 ESP-in-UDP reads the second");

struct sa_rt {
	/*
	 * Cache line 0: read for every packet, written by the control thread
	 * (and state, life by atomics at the lifetime limits: sa_life.c).
	 */
	uint32_t spi_be;
	uint8_t state;		/* enum sa_state; relaxed atomic */
	uint8_t flags;		/* SA_F_*; fixed at install */
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t pad_block;	/* ESP padding alignment (4 or 16) */
	/*
	 * Inbound: ESP-in-UDP is expected (RFC 3948); relaxed atomic, as
	 * dp_sa_update_endpoints may change it while workers read it.
	 */
	uint8_t udp;
	uint16_t owner;		/* the one worker writing the state below (sa_owner_check) */
	uint8_t life;		/* SA_LIFE_*; atomic */
	uint8_t aes_key_len;	/* keys->aes_key_len here, so that AES-GCM reads no line of keys but the key data */
	uint8_t esp_ovh;	/* ESP header, IV and ICV bytes: 8 + iv_len + icv_len */
	uint32_t salt;		/* GCM: nonce salt, in wire order */
	uint32_t policy;	/* index of the crypto map entry in the SPD */
	uint32_t conn_id;
	uint32_t replay_blocks;
	const struct cmb_keys *keys;
	const struct sa_ep *ep;	/* outbound: published with release, read with acquire */
	uint64_t seq;		/* outbound: last sequence number sent */
	uint64_t seq_max;	/* outbound: last usable number (2^32-1, or 2^64-1 with ESN) */

	/*
	 * Cache line 1-2: counters, written per packet by the owner, and the
	 * lifetime in packets and bytes they are checked against: when the
	 * owner flushes a run of packets (sa_acc_flush), one compare each
	 * against the next limit to cross, soft then hard (UINT64_MAX: none
	 * left). So a limit is noticed at the end of the run of packets that
	 * crossed it, at most a burst late. The limits come first so that they
	 * share line 1 with the packet and byte counters (a packet of a cold
	 * SA touches one line here, not two).
	 */
	uint64_t life_next_pkts __rte_cache_aligned;	/* written by the owner */
	uint64_t life_next_bytes;
	struct dp_sa_counters ctr;
	uint64_t hard_pkts, hard_bytes;			/* fixed at install; UINT64_MAX: none */
	/* with SA_F_NARROW; immutable, swapped whole by dp_sa_update_ts (release/acquire) */
	const struct sa_ts *ts;
	/*
	 * SA_F_AH_ESP: the bundle's ESP SA, fixed at install (read only for
	 * bundles, so off the first cache line); removed and freed with this one.
	 */
	struct sa_rt *inner;

	/*
	 * Cache line 3: replay [0] and ICV [1] failure reports to the control
	 * thread (ctrl_link.c), then the inbound replay state and its bitmap
	 * (replay_blocks 64-bit blocks) right behind it: up to a 64-packet
	 * window (2 blocks) state and bitmap share this line, so a packet of a
	 * cold SA fetches one line for anti-replay, not two.
	 */
	uint64_t ev_ns[2] __rte_cache_aligned;	/* last report, link clock; 0: none yet */
	uint32_t ev_pending[2];
	struct replay replay;
	uint64_t replay_bmp[];
};

static inline const struct sa_ep *
sa_rt_ep(const struct sa_rt *sa)
{
	return __atomic_load_n(&sa->ep, __ATOMIC_ACQUIRE);
}

static inline bool
sa_rt_udp(const struct sa_rt *sa)
{
	return __atomic_load_n(&sa->udp, __ATOMIC_RELAXED) != 0;
}

_Static_assert(offsetof(struct sa_rt, life_next_pkts) == RTE_CACHE_LINE_SIZE,
	       "per-packet read fields fit one cache line");
_Static_assert(offsetof(struct sa_rt, ctr.v[DP_SA_CTR_bytes]) + sizeof(uint64_t) <=
		       2 * RTE_CACHE_LINE_SIZE,
	       "the limits and the packet and byte counters share a cache line");
_Static_assert(offsetof(struct sa_rt, replay_bmp) % RTE_CACHE_LINE_SIZE + 2 * sizeof(uint64_t) <=
		       RTE_CACHE_LINE_SIZE,
	       "a 64-packet window's bitmap shares the replay state's cache line");
_Static_assert(offsetof(struct sa_rt, hard_bytes) + sizeof(uint64_t) <=
		       3 * RTE_CACHE_LINE_SIZE,
	       "SA counters and the limits compared with them span at most two cache lines");

static inline enum sa_state
sa_rt_state(const struct sa_rt *sa)
{
	return (enum sa_state)__atomic_load_n(&sa->state, __ATOMIC_RELAXED);
}

/*
 * A worker about to write the SA's state is its owner. A violation is a bug
 * (a stage that missed the handoff), not bad input: debug builds stop (with
 * a backtrace) rather than repeat a nonce or race the replay window; release
 * builds (NDEBUG) do not pay for the check.
 */
static inline void
sa_owner_check(const struct sa_rt *sa, uint16_t worker)
{
#ifndef NDEBUG
	RTE_VERIFY(sa->owner == worker);
#else
	RTE_SET_USED(sa);
	RTE_SET_USED(worker);
#endif
}

/* Bump an SA counter; only the owner worker calls this. */
static inline void
sa_ctr_add(struct sa_rt *sa, enum dp_sa_ctr c, uint64_t v)
{
	ctr_add(&sa->ctr.v[c], v);
}

struct dp_worker;

/*
 * A run of packets took the SA's counters to or past life_next_pkts or
 * life_next_bytes (sa_life.c): raise DP_EV_SA_SOFT, or mark the SA expired
 * and raise DP_EV_SA_HARD. The owner only.
 */
void sa_life_cross(struct dp_worker *w, struct sa_rt *sa);

/*
 * Packet and byte counts accumulated while consecutive packets of a burst
 * share an SA, written once per run instead of once per packet; the run's
 * end is also where the lifetime in packets and bytes is checked.
 */
struct sa_acc {
	struct sa_rt *sa;
	uint64_t pkts;
	uint64_t bytes;
};

static inline void
sa_acc_flush(struct dp_worker *w, struct sa_acc *a)
{
	struct sa_rt *sa = a->sa;

	if (sa != NULL) {
		sa_ctr_add(sa, DP_SA_CTR_pkts, a->pkts);
		sa_ctr_add(sa, DP_SA_CTR_bytes, a->bytes);
		if (sa->ctr.v[DP_SA_CTR_pkts] >= sa->life_next_pkts ||
		    sa->ctr.v[DP_SA_CTR_bytes] >= sa->life_next_bytes)
			sa_life_cross(w, sa);
	}
	*a = (struct sa_acc){0};
}

static inline void
sa_acc_add(struct dp_worker *w, struct sa_acc *a, struct sa_rt *sa, uint32_t bytes)
{
	if (a->sa != sa) {
		sa_acc_flush(w, a);
		a->sa = sa;
	}
	a->pkts++;
	a->bytes += bytes;
}

/* A drop decided with the SA at hand also moves the SA's counter for it, if any. */
static inline dp_drop_t
sa_drop(struct sa_rt *sa, dp_drop_t why)
{
	if (dp_drop_sa_ctr[why] < DP_SA_CTR__COUNT)
		sa_ctr_add(sa, (enum dp_sa_ctr)dp_drop_sa_ctr[why], 1);
	return why;
}

#endif
