/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly (RFC 791 section 3.2, RFC 815) for the few datagrams the
 * control thread takes whole: IKE messages to the gateway that arrive as
 * fragments. Bounded: REASM4_SLOTS datagrams at once (the oldest evicted
 * when a new one needs room), REASM4_MAX_PAYLOAD bytes each, REASM4_TIMEOUT_MS
 * to complete. Fragments that overlap with other bytes drop the whole
 * datagram (RFC 5722's rule, used for IPv4 as Linux does: overlaps are an
 * evasion trick, never a real path's doing); an exact duplicate is ignored.
 * Every outcome is counted.
 *
 * No DPDK, no clock: the caller passes the IPv4 header fields and
 * monotonic nanoseconds, so the unit tests feed fragments in any order on a
 * fake clock.
 */
#ifndef DPSEC_REASM4_H
#define DPSEC_REASM4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/ip_traffic.h"

#define REASM4_SLOTS 16
#define REASM4_MAX_PAYLOAD 16384	/* an IKE message this large fragments itself (RFC 7383) */
#define REASM4_TIMEOUT_MS 5000

/* The counters: REASM4_COUNTERS in dpsec/ip_traffic.h. */
extern const char *const reasm4_ctr_names[REASM4__COUNT];

/* One fragment: the IPv4 header fields that matter, and its payload. */
struct reasm4_frag {
	uint32_t src, dst;	/* network order */
	uint16_t id;
	uint8_t proto;
	uint16_t offset;	/* in bytes (the header field times 8) */
	bool more;		/* MF */
	const uint8_t *data;
	size_t len;
	uint32_t wire_len;	/* the frame as received, for the drop counters */
};

struct reasm4;

struct reasm4 *reasm4_create(void);
void reasm4_destroy(struct reasm4 *r);

/*
 * Takes one fragment. Returns REASM4_DONE when it completed its datagram:
 * *out points at the whole payload (*out_len bytes), valid until the next
 * call; the datagram is forgotten. REASM4_HELD: kept for later.
 * REASM4_DROPPED: dropped (counted under its reason).
 */
enum reasm4_result { REASM4_DROPPED = -1, REASM4_HELD = 0, REASM4_DONE = 1 };

enum reasm4_result reasm4_add(struct reasm4 *r, const struct reasm4_frag *f, uint64_t now_ns,
		const uint8_t **out, size_t *out_len);

/* Drops the datagrams older than REASM4_TIMEOUT_MS (counted as timeouts). */
void reasm4_expire(struct reasm4 *r, uint64_t now_ns);

/*
 * Nothing is lost silently: every fragment taken ends in a delivered
 * datagram or here. The frames (and their wire octets) of datagrams dropped
 * for any reason, of fragments dropped alone and of ignored duplicates add
 * up until the caller takes them for its drop counters (zeroing them).
 * reasm4_lose_done() adds the frames of the datagram the last REASM4_DONE
 * completed, for a caller that could not use it.
 */
void reasm4_take_lost(struct reasm4 *r, uint64_t *frames, uint64_t *octets);
void reasm4_lose_done(struct reasm4 *r);

void reasm4_counters(const struct reasm4 *r, uint64_t out[REASM4__COUNT]);
/* Datagrams being reassembled. */
unsigned reasm4_pending(const struct reasm4 *r);

#endif
