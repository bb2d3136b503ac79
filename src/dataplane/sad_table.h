/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound SA table: open addressing keyed by SPI. A 16-byte slot holds
 * the SPI, the destination (an IPv6 one folded, sad.h) and the SA pointer
 * with the protocol in its low bits (sa_rt is cache-aligned, so they are
 * free), four slots a cache line, linear probing, at most half the slots
 * live. A packet's SA is one probe, usually one line; and since every SA
 * with one SPI sits on that SPI's probe chain, the same probe proves an SPI
 * unknown (classify.c asks that first: the unknown-SPI flood's defence).
 *
 * One writer (the control thread, sad.c), lock-free readers (workers):
 *  - an SA is published last: its slot's key is written, then its tagged
 *    pointer with release; a reader loads the pointer with acquire and only
 *    then reads the key beside it;
 *  - removal turns the pointer into a tombstone (SAD_SLOT_DYING), which
 *    probes step over; it becomes reusable (SAD_SLOT_FREE) only after the
 *    SA's RCU grace period, so no reader that loaded the old pointer can see
 *    a new key beside it;
 *  - tombstones count towards the load: when live slots and tombstones would
 *    pass 5/8 of the table, the writer builds a fresh table from the live SAs
 *    and publishes it; the old one is freed after a grace period. A reader
 *    loads the table pointer once a burst (sad_table(), sad_lookup_bulk).
 * At least 3/8 of the slots stay empty, so every probe ends.
 */
#ifndef DPSEC_DP_SAD_TABLE_H
#define DPSEC_DP_SAD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include <rte_common.h>

struct sa_rt;

/*
 * Slot values: a live SA is its pointer | SAD_T_LIVE | protocol bits; the
 * other values have no pointer part. A tombstone never matches a live tag
 * and is not 0, so probes step over it.
 */
#define SAD_SLOT_EMPTY ((uintptr_t)0)
#define SAD_SLOT_DYING ((uintptr_t)0x10)	/* removed, grace period open */
#define SAD_SLOT_FREE ((uintptr_t)0x20)		/* removed, reusable by an insert */
#define SAD_T_AH ((uintptr_t)0x1)
#define SAD_T_V6 ((uintptr_t)0x2)
#define SAD_T_LIVE ((uintptr_t)0x4)
#define SAD_T_BITS ((uintptr_t)0x3f)		/* below the cache-line alignment of sa_rt */

_Static_assert(RTE_CACHE_LINE_SIZE > SAD_T_BITS, "the tag fits under an aligned pointer");

struct sad_slot {
	uint32_t spi_be;
	uint32_t dst_be;
	uintptr_t sa;	/* atomic: tagged sa_rt pointer, or SAD_SLOT_* */
};

_Static_assert(sizeof(struct sad_slot) == 16, "four slots a cache line");

/*
 * Live SAs from which classification prefetches a burst's table slots
 * (classify.c): below it, the slots of all SAs (a line for four) fit in L1
 * many times over and the prefetches would be instructions for nothing.
 */
#define SAD_PREFETCH_MIN 64

struct sad_table {
	uint32_t shift;		/* home slot: the SPI's top bits after a multiply */
	uint32_t mask;		/* slots - 1 */
	uint32_t gen;		/* which table an SA's slot number is in (sad.c) */
	/*
	 * n_live >= SAD_PREFETCH_MIN; relaxed atomic, written only when the
	 * count crosses it, so readers' copies of this line stay valid.
	 */
	uint32_t prefetch;
	/* the writer's own counts, on a line readers do not read */
	uint32_t n_live __rte_cache_aligned;
	uint32_t n_used;	/* live and tombstones */
	uint32_t n_free;	/* SAD_SLOT_FREE tombstones */
	struct sad_slot slot[] __rte_cache_aligned;
};

/*
 * The tag of a protocol as sad.h keys it (IPPROTO_ESP or IPPROTO_AH, SAD_V6
 * or'ed in), without a branch: AH is ESP's number plus one, SAD_V6 is bit 7.
 */
_Static_assert(IPPROTO_AH == (IPPROTO_ESP | 1), "ESP is even, AH odd");

static inline uintptr_t
sad_table_tag(uint8_t proto)
{
	return SAD_T_LIVE | (proto & SAD_T_AH) | ((uintptr_t)(proto >> 6) & SAD_T_V6);
}

/*
 * Fibonacci hashing (Knuth): the top bits of the SPI times 2^32 / phi, in
 * 32 bits so that it is one multiply by an immediate. Classification asks
 * it for every ESP and AH packet: what it costs, a flood packet costs.
 */
static inline uint32_t
sad_table_home(const struct sad_table *t, uint32_t spi_be)
{
	return (spi_be * 0x9e3779b1u) >> t->shift;
}

/* The rest of a probe chain, past its first slot (sad_table.c). */
struct sa_rt *sad_table_find_on(const struct sad_table *t, const struct sad_slot *s,
				uint32_t spi_be, uint32_t dst_be, uintptr_t tag);
bool sad_table_spi_absent_on(const struct sad_table *t, const struct sad_slot *s,
			     uint32_t spi_be);

/*
 * The first slot is checked inline, the rest of the chain out of line: at
 * the load a table is sized for, most probes end in the home slot, and the
 * first slot's code is what every ESP and AH packet runs (a flood's too).
 */

/* The live SA of (SPI, destination, tag), or NULL. */
static inline struct sa_rt *
sad_table_find(const struct sad_table *t, uint32_t spi_be, uint32_t dst_be, uintptr_t tag)
{
	const struct sad_slot *s = &t->slot[sad_table_home(t, spi_be)];
	uintptr_t v = __atomic_load_n(&s->sa, __ATOMIC_ACQUIRE);

	if ((v & SAD_T_BITS) == tag && s->spi_be == spi_be && s->dst_be == dst_be)
		return (struct sa_rt *)(v & ~SAD_T_BITS);
	if (v == SAD_SLOT_EMPTY)
		return NULL;
	return sad_table_find_on(t, s, spi_be, dst_be, tag);
}

/* No live SA (ESP or AH, any destination, either family) has this SPI. */
static inline bool
sad_table_spi_absent(const struct sad_table *t, uint32_t spi_be)
{
	const struct sad_slot *s = &t->slot[sad_table_home(t, spi_be)];
	uintptr_t v = __atomic_load_n(&s->sa, __ATOMIC_ACQUIRE);

	if (v == SAD_SLOT_EMPTY)
		return true;
	if ((v & SAD_T_LIVE) && s->spi_be == spi_be)
		return false;
	return sad_table_spi_absent_on(t, s, spi_be);
}

/* Writer side (sad_table.c), the control thread only. */

/* A table for up to capacity live SAs (at most half its slots); gen names it. */
struct sad_table *sad_table_create(uint32_t capacity, uint32_t gen);
void sad_table_free(struct sad_table *t);

/*
 * Publish rt under its key: its slot number (>= 0), -EEXIST if a live SA
 * has the key, -ENOSPC if half the slots are live, -ENOBUFS if tombstones
 * leave no room (build a new table).
 */
int sad_table_insert(struct sad_table *t, uint32_t spi_be, uint32_t dst_be, uintptr_t tag,
		     struct sa_rt *rt);
/* The slot of a live SA's key, or -1. */
int sad_table_slot_of(const struct sad_table *t, uint32_t spi_be, uint32_t dst_be, uintptr_t tag);
/* Unpublish the SA in slot pos: a tombstone, not yet reusable. */
void sad_table_kill(struct sad_table *t, uint32_t pos);
/* The grace period of the SA killed in pos is over: its slot may be reused. */
void sad_table_release(struct sad_table *t, uint32_t pos);

#endif
