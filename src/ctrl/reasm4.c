/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "dpsec/clk.h"

#include "reasm4.h"

const char *const reasm4_ctr_names[REASM4__COUNT] = {
#define REASM4_X(name, text) [REASM4_##name] = #name,
	REASM4_COUNTERS(REASM4_X)
#undef REASM4_X
};

/* One datagram being put together. */
struct slot {
	bool used;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint64_t created_ns;
	size_t total;		/* known from the last fragment; 0 = not yet */
	size_t have_bytes;	/* bytes held, each once */
	uint32_t frames;	/* fragments taken into it, and their wire octets */
	uint64_t octets;
	uint8_t *buf;		/* REASM4_MAX_PAYLOAD bytes */
	uint8_t have[REASM4_MAX_PAYLOAD / 8];	/* one bit per byte held */
};

struct reasm4 {
	struct slot s[REASM4_SLOTS];
	uint8_t out[REASM4_MAX_PAYLOAD];
	uint64_t ctr[REASM4__COUNT];
	uint64_t lost_frames, lost_octets;	/* see reasm4_take_lost() */
	uint32_t done_frames;			/* the datagram the last REASM4_DONE completed */
	uint64_t done_octets;
};

struct reasm4 *
reasm4_create(void)
{
	return calloc(1, sizeof(struct reasm4));
}

static void
forget(struct slot *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

void
reasm4_destroy(struct reasm4 *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < REASM4_SLOTS; i++)
		forget(&r->s[i]);
	free(r);
}

static bool
has(const struct slot *s, size_t i)
{
	return s->have[i / 8] & (1u << (i % 8));
}

/* The datagram's slot; a new one (evicting the oldest if all are taken) when none. */
static struct slot *
slot_of(struct reasm4 *r, const struct reasm4_frag *f, uint64_t now_ns)
{
	struct slot *free_slot = NULL, *oldest = NULL;

	for (int i = 0; i < REASM4_SLOTS; i++) {
		struct slot *s = &r->s[i];

		if (!s->used) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (s->src == f->src && s->dst == f->dst && s->id == f->id && s->proto == f->proto)
			return s;
		if (oldest == NULL || s->created_ns < oldest->created_ns)
			oldest = s;
	}
	if (free_slot == NULL) {
		r->ctr[REASM4_evicted]++;
		r->lost_frames += oldest->frames;
		r->lost_octets += oldest->octets;
		forget(oldest);
		free_slot = oldest;
	}
	free_slot->buf = malloc(REASM4_MAX_PAYLOAD);
	if (free_slot->buf == NULL)
		return NULL;
	free_slot->used = true;
	free_slot->src = f->src;
	free_slot->dst = f->dst;
	free_slot->id = f->id;
	free_slot->proto = f->proto;
	free_slot->created_ns = now_ns;
	return free_slot;
}

/*
 * Where the fragment's bytes meet bytes already held: none (0), all of them
 * and equal (a duplicate, 1), or anything else (an overlap, -1).
 */
static int
overlap(const struct slot *s, const struct reasm4_frag *f)
{
	size_t seen = 0;

	for (size_t i = 0; i < f->len; i++) {
		if (!has(s, f->offset + i))
			continue;
		if (s->buf[f->offset + i] != f->data[i])
			return -1;
		seen++;
	}
	if (seen == 0)
		return 0;
	return seen == f->len ? 1 : -1;
}

/* Is the fragment consistent with the last one (if seen), and it with what is held? */
static bool
fits_last(const struct slot *s, const struct reasm4_frag *f)
{
	size_t end = f->offset + f->len;

	if (f->more)
		return s->total == 0 || end <= s->total;
	if (s->total != 0)
		return end == s->total;
	for (size_t i = end; i < REASM4_MAX_PAYLOAD; i++)
		if (has(s, i))
			return false;
	return true;
}

/* The fragment f (if any) and the datagram s (if any) dropped, counted under why. */
static enum reasm4_result
drop(struct reasm4 *r, struct slot *s, const struct reasm4_frag *f, enum reasm4_ctr why)
{
	r->ctr[why]++;
	if (f != NULL) {
		r->lost_frames++;
		r->lost_octets += f->wire_len;
	}
	if (s != NULL) {
		r->lost_frames += s->frames;
		r->lost_octets += s->octets;
		forget(s);
	}
	return REASM4_DROPPED;
}

enum reasm4_result
reasm4_add(struct reasm4 *r, const struct reasm4_frag *f, uint64_t now_ns,
	   const uint8_t **out, size_t *out_len)
{
	struct slot *s;
	int o;

	r->ctr[REASM4_fragments]++;
	reasm4_expire(r, now_ns);
	/* RFC 791: every fragment but the last carries a multiple of 8 bytes */
	if (f->len == 0 || (f->more && f->len % 8 != 0))
		return drop(r, NULL, f, REASM4_bad_length);
	s = slot_of(r, f, now_ns);
	if (s == NULL)
		return drop(r, NULL, f, REASM4_no_memory);
	if ((size_t)f->offset + f->len > REASM4_MAX_PAYLOAD)
		return drop(r, s, f, REASM4_too_big);
	if (!fits_last(s, f))
		return drop(r, s, f, REASM4_bad_last);
	o = overlap(s, f);
	if (o < 0)
		return drop(r, s, f, REASM4_overlaps);
	if (o > 0) {
		r->ctr[REASM4_duplicates]++;
		r->lost_frames++;	/* taken, and of no use */
		r->lost_octets += f->wire_len;
		return REASM4_HELD;
	}
	memcpy(s->buf + f->offset, f->data, f->len);
	for (size_t i = f->offset; i < f->offset + f->len; i++)
		s->have[i / 8] |= (uint8_t)(1u << (i % 8));
	s->have_bytes += f->len;
	s->frames++;
	s->octets += f->wire_len;
	if (!f->more)
		s->total = f->offset + f->len;
	if (s->total == 0 || s->have_bytes != s->total)
		return REASM4_HELD;
	memcpy(r->out, s->buf, s->total);
	*out = r->out;
	*out_len = s->total;
	r->ctr[REASM4_completed]++;
	r->done_frames = s->frames;
	r->done_octets = s->octets;
	forget(s);
	return REASM4_DONE;
}

void
reasm4_expire(struct reasm4 *r, uint64_t now_ns)
{
	for (int i = 0; i < REASM4_SLOTS; i++) {
		struct slot *s = &r->s[i];

		if (s->used && now_ns - s->created_ns >= REASM4_TIMEOUT_MS * CLK_NS_PER_MS)
			(void)drop(r, s, NULL, REASM4_timeouts);
	}
}

void
reasm4_take_lost(struct reasm4 *r, uint64_t *frames, uint64_t *octets)
{
	*frames = r->lost_frames;
	*octets = r->lost_octets;
	r->lost_frames = 0;
	r->lost_octets = 0;
}

void
reasm4_lose_done(struct reasm4 *r)
{
	r->lost_frames += r->done_frames;
	r->lost_octets += r->done_octets;
	r->done_frames = 0;
	r->done_octets = 0;
}

void
reasm4_counters(const struct reasm4 *r, uint64_t out[REASM4__COUNT])
{
	memcpy(out, r->ctr, sizeof(r->ctr));
}

unsigned
reasm4_pending(const struct reasm4 *r)
{
	unsigned n = 0;

	for (int i = 0; i < REASM4_SLOTS; i++)
		n += r->s[i].used;
	return n;
}
