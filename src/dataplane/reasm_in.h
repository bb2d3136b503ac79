/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound reassembly of ESP, AH and ESP-in-UDP that reached the outside port
 * as IPv4 or IPv6 fragments (RFC 4303 section 3.4.1: reassemble before processing;
 * RFC 4301 appendix D: the outer header may be fragmented on the path).
 * The whole datagram, in one new mbuf, goes back through classify and the
 * normal inbound path (SA lookup, replay, decryption).
 *
 * One table per worker, nothing shared. Bounded: REASM_IN_SLOTS datagrams
 * at once (a fragment of a new one is refused when all are taken, rather
 * than evicting a datagram that may be about to complete),
 * REASM_IN_FRAGS fragments each, REASM_IN_TIMEOUT_MS to complete, and the
 * whole must fit one mbuf. Every outcome is counted: each fragment ends as
 * part of a reassembled datagram (the port's reassembled / reasm_fragments
 * counters), punted, or dropped under one reason: 70 IN_V4_PKT_FRAG_ERR for
 * a malformed fragment, IN_REASM_* for the table's outcomes.
 *
 * UDP fragments to us are held too: which ones are ESP-in-UDP only the
 * first fragment says (the UDP header). When it turns out to be IKE or
 * anything else for the control plane, the datagram's fragments held and
 * still to come are punted as before, for src/ctrl/reasm4.c.
 *
 * Why not DPDK's rte_ip_frag: it chains the fragments' mbufs (every stage
 * here takes one segment), and it frees what it refuses on a death row
 * without saying why (overlap, too many, table full, timeout: its counters
 * are a build option, per table, not per reason), so the drops could not be
 * counted one reason each.
 *
 * The key and the overlap rules do not depend on the IP version; the header
 * walk and the rebuilt header do (add_v4 / add_v6, build_whole).
 */
#ifndef DPSEC_REASM_IN_H
#define DPSEC_REASM_IN_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane.h"

#define REASM_IN_SLOTS 32	/* datagrams per worker (IOS virtual-reassembly: 16) */
#define REASM_IN_FRAGS 16	/* fragments per datagram (IOS: 32; 16 fill one mbuf at 576) */
#define REASM_IN_TIMEOUT_MS 3000	/* IOS virtual-reassembly's default */

/*
 * classify.c marks a fragment kept for reassembly in l4_len (0 is ESP or
 * AH, 8 ESP-in-UDP): IPv4, or IPv6 with the Fragment header right after the
 * IPv6 header (RFC 8200 section 4.5; the key's id is its 32-bit
 * identification, the rebuilt datagram has no Fragment header).
 */
#define REASM_IN_MARK 1

static inline bool
reasm_in_is_fragment(const struct rte_mbuf *m)
{
	return m->l4_len == REASM_IN_MARK;
}

struct reasm_key {
	uint32_t src[4], dst[4];	/* network order; IPv4 uses [0] */
	uint32_t id;
	uint8_t proto;
	uint8_t family;			/* 4 or 6 */
	uint16_t zero;			/* compared with memcmp: no padding left undefined */
};

_Static_assert(DP_PORTS_MAX <= UINT8_MAX + 1, "a port index fits reasm_piece.pi");

struct reasm_piece {
	struct rte_mbuf *m;
	uint16_t off, len;	/* bytes of the datagram's payload it carries */
	uint16_t at;		/* where they start in the mbuf */
	uint8_t pi;		/* the port it came in by (index into dp->ports) */
};

struct reasm_dgram {
	bool used;
	bool punt;		/* not ESP-in-UDP: its fragments go to the control plane */
	uint8_t n;
	struct reasm_key key;
	uint64_t born_ns;
	uint32_t total;		/* payload bytes, known from the last fragment; 0 not yet */
	uint32_t have;		/* payload bytes held (no two pieces overlap) */
	struct reasm_piece p[REASM_IN_FRAGS];
};

struct reasm_in {
	uint16_t n_used;
	uint16_t room;		/* bytes of a new mbuf: the largest frame a whole may be */
	struct reasm_dgram d[REASM_IN_SLOTS];
};

/* A table for w (zeroed, on socket). NULL when out of memory. */
struct reasm_in *reasm_in_create(int socket, uint16_t room);
/* Frees the fragments held (not counted: the dataplane is going away). Accepts NULL. */
void reasm_in_destroy(struct reasm_in *r);
/* The table emptied the same way (the fuzzer: every input starts from nothing held). */
void reasm_in_clear(struct reasm_in *r);

/*
 * Takes the fragments out of pkts[] (n packets a classify kept, received on
 * port index pi); the others stay first, in order: their count is returned.
 * Whole datagrams rebuilt from them go to whole[] (*n_whole; at most n), as
 * frames still to classify.
 * Fragments dropped (this burst's or held ones) are counted and freed
 * through worker_drop(), punted ones through worker_punt().
 */
uint16_t reasm_in_burst(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n,
			struct rte_mbuf **whole, uint16_t *n_whole);

/* Drops the datagrams older than REASM_IN_TIMEOUT_MS at now_ns (IN_REASM_TIMEOUT). */
void reasm_in_expire(struct dp_worker *w, uint64_t now_ns);

/* Datagrams being put together (punted ones included, until they time out). */
static inline uint16_t
reasm_in_pending(const struct reasm_in *r)
{
	return r->n_used;
}

#endif
