/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The invalid-SPI recovery policy (recovery.h). Per sender: the SPI being
 * counted, when its window opened, its packets, and the end of its
 * hold-down; a small array searched linearly (as many slots as the
 * configuration has peers, a few hundred at most), the least recently used
 * slot taken when full. A token bucket bounds initiations for all peers.
 */
#include <stdlib.h>
#include <string.h>

#include "dpsec/tbucket.h"

#include "recovery.h"

const char *const recovery_action_names[RECOVERY__COUNT] = {
#define REC_X(id, text) #id,
	RECOVERY_ACTIONS(REC_X)
#undef REC_X
};

const char *const recovery_action_texts[RECOVERY__COUNT] = {
#define REC_X(id, text) text,
	RECOVERY_ACTIONS(REC_X)
#undef REC_X
};

const struct recovery_bounds recovery_bounds_default = {
	.pkts = 2, .window_ms = 10000, .holddown_ms = 5000, .rate = 5};

struct peer_slot {
	bool used;
	bool ipv6;
	uint8_t src[16];
	uint32_t spi;
	uint64_t window_start;
	uint64_t pkts;		/* of spi, since window_start */
	uint64_t holddown_end;	/* 0: none */
	uint64_t last_ms;	/* for the LRU choice */
};

struct recovery {
	struct recovery_bounds b;
	struct tbucket initiations;
	struct recovery_stats st;
	size_t n_slots;
	struct peer_slot slot[];
};

struct recovery *
recovery_create(const struct recovery_bounds *b, size_t peers_max, uint64_t now_ms)
{
	struct recovery *r;

	if (peers_max == 0)
		return NULL;
	r = calloc(1, sizeof(*r) + peers_max * sizeof(r->slot[0]));
	if (r == NULL)
		return NULL;
	r->b = *b;
	if (r->b.pkts == 0)
		r->b.pkts = 1;
	if (r->b.rate == 0)
		r->b.rate = 1;
	tbucket_init(&r->initiations, r->b.rate, r->b.rate, 1000, now_ms);
	r->n_slots = peers_max;
	return r;
}

void
recovery_destroy(struct recovery *r)
{
	free(r);
}

static bool
same_sender(const struct peer_slot *s, const struct recovery_in *in)
{
	return s->ipv6 == in->ipv6 && memcmp(s->src, in->src, in->ipv6 ? 16 : 4) == 0;
}

/* The sender's slot, or a free one, or the least recently used one (evicted). */
static struct peer_slot *
slot_of(struct recovery *r, const struct recovery_in *in)
{
	struct peer_slot *lru = &r->slot[0];	/* recovery_create refuses zero slots */

	for (size_t i = 0; i < r->n_slots; i++) {
		struct peer_slot *s = &r->slot[i];

		if (s->used && same_sender(s, in))
			return s;
		/* a free slot beats any used one; among used ones the oldest loses */
		if (lru->used && (!s->used || s->last_ms < lru->last_ms))
			lru = s;
	}
	if (lru->used)
		r->st.peers_evicted++;
	else
		r->st.peers++;
	*lru = (struct peer_slot){.used = true, .ipv6 = in->ipv6};
	memcpy(lru->src, in->src, in->ipv6 ? 16 : 4);
	return lru;
}

/* The answer once the bounds have let the report through. */
static enum recovery_action
acting(const struct recovery_in *in)
{
	if (in->ike_sa)
		return in->static_peer ? RECOVERY_NOTIFY : RECOVERY_NOTIFY_ONLY;
	return RECOVERY_INITIATE;
}

static enum recovery_action
bounded(struct recovery *r, const struct recovery_in *in, uint64_t now)
{
	struct peer_slot *s = slot_of(r, in);

	s->last_ms = now;
	/* a new SPI, or the window of the old one is over: count afresh */
	if (s->pkts == 0 || s->spi != in->spi || now - s->window_start >= r->b.window_ms) {
		s->spi = in->spi;
		s->window_start = now;
		s->pkts = 0;
	}
	s->pkts += in->pkts;
	if (s->pkts < r->b.pkts)
		return RECOVERY_WAIT;
	if (s->holddown_end != 0 && now < s->holddown_end)
		return RECOVERY_HELD_DOWN;
	if (!in->ike_sa && !tbucket_take(&r->initiations, now))
		return RECOVERY_RATE_LIMITED;
	s->holddown_end = now + r->b.holddown_ms;
	s->pkts = 0;
	return acting(in);
}

enum recovery_action
recovery_decide(struct recovery *r, const struct recovery_in *in, uint64_t now_ms)
{
	enum recovery_action a;

	if (in->ike_sa || (in->static_peer && in->enabled))
		a = bounded(r, in, now_ms);
	else if (in->static_peer)
		a = RECOVERY_OFF;
	else if (in->dynamic_peer)
		a = RECOVERY_DYNAMIC_PEER;
	else
		a = RECOVERY_NOT_PEER;
	r->st.decisions[a]++;
	r->st.pkts[a] += in->pkts;
	return a;
}

void
recovery_stats_get(const struct recovery *r, struct recovery_stats *out)
{
	*out = r->st;
}

void
recovery_reset(struct recovery *r)
{
	memset(r->slot, 0, r->n_slots * sizeof(r->slot[0]));
	r->st.peers = 0;
}
