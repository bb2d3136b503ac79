/* SPDX-License-Identifier: BSD-3-Clause */
/* The inbound SA table's writer side: sizing, insert, tombstones (sad_table.h). */
#include <errno.h>
#include <stddef.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "sad_table.h"

#define SLOTS_MIN 64u

static inline const struct sad_slot *
next_slot(const struct sad_table *t, const struct sad_slot *s)
{
	return s == &t->slot[t->mask] ? t->slot : s + 1;
}

/* Past s, which did not end the chain; the same tests as sad_table_find's on the first slot. */
struct sa_rt *
sad_table_find_on(const struct sad_table *t, const struct sad_slot *s, uint32_t spi_be,
		  uint32_t dst_be, uintptr_t tag)
{
	for (;;) {
		uintptr_t v;

		s = next_slot(t, s);
		v = __atomic_load_n(&s->sa, __ATOMIC_ACQUIRE);
		if ((v & SAD_T_BITS) == tag && s->spi_be == spi_be && s->dst_be == dst_be)
			return (struct sa_rt *)(v & ~SAD_T_BITS);
		if (v == SAD_SLOT_EMPTY)
			return NULL;
	}
}

bool
sad_table_spi_absent_on(const struct sad_table *t, const struct sad_slot *s, uint32_t spi_be)
{
	for (;;) {
		uintptr_t v;

		s = next_slot(t, s);
		v = __atomic_load_n(&s->sa, __ATOMIC_ACQUIRE);
		if (v == SAD_SLOT_EMPTY)
			return true;
		if ((v & SAD_T_LIVE) && s->spi_be == spi_be)
			return false;
	}
}

struct sad_table *
sad_table_create(uint32_t capacity, uint32_t gen)
{
	uint64_t slots = SLOTS_MIN;
	uint32_t bits = 6;
	struct sad_table *t;

	_Static_assert(SLOTS_MIN == 1u << 6, "bits is log2(slots)");
	while (slots < 2ull * capacity) {
		slots *= 2;
		bits++;
	}
	t = rte_zmalloc_socket("dpsec_sad_table",
			       offsetof(struct sad_table, slot) + slots * sizeof(struct sad_slot),
			       RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (t == NULL)
		return NULL;
	t->shift = 32 - bits;
	t->mask = (uint32_t)(slots - 1);
	t->gen = gen;
	return t;
}

void
sad_table_free(struct sad_table *t)
{
	rte_free(t);
}

/*
 * Live slots and tombstones may fill 5/8 of the table: a miss then probes
 * (1 + 1 / (1 - 5/8)^2) / 2 = 4 slots on average (Knuth), 2.5 at half full,
 * one or two cache lines.
 */
static bool
room_for_one_more(const struct sad_table *t)
{
	uint64_t slots = (uint64_t)t->mask + 1;

	return (uint64_t)(t->n_used + 1) * 8 <= slots * 5;
}

int
sad_table_insert(struct sad_table *t, uint32_t spi_be, uint32_t dst_be, uintptr_t tag,
		 struct sa_rt *rt)
{
	uint32_t i = sad_table_home(t, spi_be), reuse = UINT32_MAX;
	struct sad_slot *s;

	RTE_ASSERT(((uintptr_t)rt & SAD_T_BITS) == 0);
	if ((uint64_t)(t->n_live + 1) * 2 > (uint64_t)t->mask + 1)
		return -ENOSPC;
	/* the whole chain: a live SA of this key anywhere on it is a duplicate */
	for (;; i = (i + 1) & t->mask) {
		s = &t->slot[i];
		if (s->sa == SAD_SLOT_EMPTY)
			break;
		if (s->sa == SAD_SLOT_FREE && reuse == UINT32_MAX)
			reuse = i;
		if ((s->sa & SAD_T_BITS) == tag && s->spi_be == spi_be && s->dst_be == dst_be)
			return -EEXIST;
	}
	if (reuse != UINT32_MAX) {
		i = reuse;
		t->n_free--;
	} else if (!room_for_one_more(t)) {
		return -ENOBUFS;
	} else {
		t->n_used++;
	}
	s = &t->slot[i];
	/* a reader reads the key only after loading a live pointer: key first, pointer last */
	s->spi_be = spi_be;
	s->dst_be = dst_be;
	__atomic_store_n(&s->sa, (uintptr_t)rt | tag, __ATOMIC_RELEASE);
	if (++t->n_live == SAD_PREFETCH_MIN)
		__atomic_store_n(&t->prefetch, 1, __ATOMIC_RELAXED);
	return (int)i;
}

int
sad_table_slot_of(const struct sad_table *t, uint32_t spi_be, uint32_t dst_be, uintptr_t tag)
{
	for (uint32_t i = sad_table_home(t, spi_be);; i = (i + 1) & t->mask) {
		const struct sad_slot *s = &t->slot[i];

		if ((s->sa & SAD_T_BITS) == tag && s->spi_be == spi_be && s->dst_be == dst_be)
			return (int)i;
		if (s->sa == SAD_SLOT_EMPTY)
			return -1;
	}
}

void
sad_table_kill(struct sad_table *t, uint32_t pos)
{
	__atomic_store_n(&t->slot[pos].sa, SAD_SLOT_DYING, __ATOMIC_RELEASE);
	if (t->n_live-- == SAD_PREFETCH_MIN)
		__atomic_store_n(&t->prefetch, 0, __ATOMIC_RELAXED);
}

void
sad_table_release(struct sad_table *t, uint32_t pos)
{
	/* readers treat both tombstones alike: only inserts tell them apart */
	__atomic_store_n(&t->slot[pos].sa, SAD_SLOT_FREE, __ATOMIC_RELAXED);
	t->n_free++;
}
