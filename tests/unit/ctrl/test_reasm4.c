/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly of IKE datagrams on a fake clock: a 100-byte datagram in
 * four fragments, fed in all 24 orders; duplicates, overlaps (same and
 * different bytes), a missing piece timing out at the exact boundary, bad
 * lengths, inconsistent last fragments, the size limit and the slot bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/clk.h"

#include "reasm4.h"

#define LEN 100
#define MS CLK_NS_PER_MS

/* [0,24) [24,48) [48,72) [72,100): three multiples of 8, and the last */
static const uint16_t OFF[4] = {0, 24, 48, 72};
static const uint16_t FLEN[4] = {24, 24, 24, 28};

struct fix {
	struct reasm4 *r;
	uint8_t dgram[LEN];
	uint64_t now;
	uint64_t c[REASM4__COUNT];
};

static int
setup(void **state)
{
	static struct fix f;

	memset(&f, 0, sizeof(f));
	for (int i = 0; i < LEN; i++)
		f.dgram[i] = (uint8_t)(7 * i + 3);
	f.now = CLK_FAKE_MONO0;
	f.r = reasm4_create();
	*state = &f;
	return f.r == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	reasm4_destroy(f->r);
	return 0;
}

static uint64_t
ctr(struct fix *f, enum reasm4_ctr k)
{
	reasm4_counters(f->r, f->c);
	return f->c[k];
}

static struct reasm4_frag
piece(const struct fix *f, int k, uint16_t id)
{
	return (struct reasm4_frag){.src = 0x010200c0, .dst = 0x020200c0, .id = id, .proto = 17,
				    .offset = OFF[k], .more = k != 3, .data = f->dgram + OFF[k],
				    .len = FLEN[k]};
}

/* Feeds piece k; true when that completed the datagram, which must then be whole and right. */
static bool
feed(struct fix *f, const struct reasm4_frag *p)
{
	const uint8_t *out = NULL;
	size_t n = 0;
	bool done = reasm4_add(f->r, p, f->now, &out, &n) == REASM4_DONE;

	if (done) {
		assert_int_equal(n, LEN);
		assert_memory_equal(out, f->dgram, LEN);
	}
	return done;
}

static bool
feed_k(struct fix *f, int k)
{
	struct reasm4_frag p = piece(f, k, 0x1234);

	return feed(f, &p);
}

static void
every_order(void **state)
{
	struct fix *f = *state;
	int perm[4], done = 0;

	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			for (int c = 0; c < 4; c++)
				for (int d = 0; d < 4; d++) {
					if (a == b || a == c || a == d || b == c || b == d || c == d)
						continue;
					perm[0] = a, perm[1] = b, perm[2] = c, perm[3] = d;
					for (int i = 0; i < 3; i++)
						assert_false(feed_k(f, perm[i]));
					assert_true(feed_k(f, perm[3]));
					assert_int_equal(reasm4_pending(f->r), 0);
					done++;
				}
	assert_int_equal(done, 24);
	assert_int_equal(ctr(f, REASM4_completed), 24);
	assert_int_equal(ctr(f, REASM4_fragments), 96);
}

/* Two datagrams with their fragments interleaved: told apart by their ID. */
static void
interleaved(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p;

	for (int k = 0; k < 4; k++) {
		p = piece(f, k, 1);
		assert_int_equal(feed(f, &p), k == 3);
		p = piece(f, 3 - k, 2);
		assert_int_equal(feed(f, &p), k == 3);
	}
	assert_int_equal(ctr(f, REASM4_completed), 2);
}

static void
duplicate_ignored(void **state)
{
	struct fix *f = *state;

	assert_false(feed_k(f, 1));
	assert_false(feed_k(f, 1));
	assert_false(feed_k(f, 3));
	assert_false(feed_k(f, 3));
	assert_false(feed_k(f, 0));
	assert_true(feed_k(f, 2));
	assert_int_equal(ctr(f, REASM4_duplicates), 2);
}

/* A fragment reaching into held bytes, even with the same bytes: the datagram goes. */
static void
overlap_drops_datagram(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p = piece(f, 1, 0x1234);

	assert_false(feed_k(f, 0));
	p.offset = 16;	/* [16,40): 8 bytes over piece 0, the same bytes */
	p.data = f->dgram + 16;
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_overlaps), 1);
	assert_int_equal(reasm4_pending(f->r), 0);
	/* what follows starts a new datagram, which the rest cannot complete */
	assert_false(feed_k(f, 1));
	assert_false(feed_k(f, 2));
	assert_false(feed_k(f, 3));
	assert_int_equal(reasm4_pending(f->r), 1);
}

/* Same place, other bytes (a rewrite attempt): the datagram goes. */
static void
conflicting_duplicate_drops(void **state)
{
	struct fix *f = *state;
	uint8_t other[24];
	struct reasm4_frag p = piece(f, 0, 0x1234);

	memset(other, 0xee, sizeof(other));
	assert_false(feed_k(f, 0));
	p.data = other;
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_overlaps), 1);
	assert_int_equal(ctr(f, REASM4_duplicates), 0);
}

/* A missing piece: held until REASM4_TIMEOUT_MS after the first fragment, then dropped. */
static void
missing_piece_times_out(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = f->now;

	assert_false(feed_k(f, 0));
	f->now += 1000 * MS;
	assert_false(feed_k(f, 3));
	reasm4_expire(f->r, t0 + REASM4_TIMEOUT_MS * MS - 1);
	assert_int_equal(reasm4_pending(f->r), 1);
	reasm4_expire(f->r, t0 + REASM4_TIMEOUT_MS * MS);
	assert_int_equal(reasm4_pending(f->r), 0);
	assert_int_equal(ctr(f, REASM4_timeouts), 1);
	/* the late pieces start over and do not complete */
	f->now = t0 + REASM4_TIMEOUT_MS * MS;
	assert_false(feed_k(f, 1));
	assert_false(feed_k(f, 2));
	assert_int_equal(ctr(f, REASM4_completed), 0);
}

static void
bad_lengths(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p = piece(f, 0, 0x1234);

	p.len = 20;	/* not the last, not a multiple of 8 */
	assert_false(feed(f, &p));
	p.len = 0;
	p.more = false;
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_bad_length), 2);
	assert_int_equal(reasm4_pending(f->r), 0);
}

/* Two last fragments that disagree, or data past the last: the datagram goes. */
static void
inconsistent_last(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p = piece(f, 3, 0x1234);

	assert_false(feed_k(f, 3));
	p.len = 20;	/* another end */
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_bad_last), 1);
	/* data past a last fragment seen first */
	assert_false(feed_k(f, 2));
	p = piece(f, 1, 0x1234);
	p.more = false;	/* says the datagram ends at 48, but [48,72) is held */
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_bad_last), 2);
	assert_int_equal(reasm4_pending(f->r), 0);
}

static void
too_big(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p = piece(f, 0, 0x1234);

	assert_false(feed(f, &p));
	p.offset = REASM4_MAX_PAYLOAD - 16;	/* [.., MAX + 8) */
	assert_false(feed(f, &p));
	assert_int_equal(ctr(f, REASM4_too_big), 1);
	assert_int_equal(reasm4_pending(f->r), 0);
	p.offset = REASM4_MAX_PAYLOAD - 24;	/* ends exactly at the limit: held */
	assert_false(feed(f, &p));
	assert_int_equal(reasm4_pending(f->r), 1);
}

/* REASM4_SLOTS datagrams at once; one more evicts the oldest, counted. */
static void
bounded_slots(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p;

	for (uint16_t id = 0; id <= REASM4_SLOTS; id++) {
		p = piece(f, 0, id);
		assert_false(feed(f, &p));
		f->now += MS;
	}
	assert_int_equal(reasm4_pending(f->r), REASM4_SLOTS);
	assert_int_equal(ctr(f, REASM4_evicted), 1);
	/* id 0 was the oldest: its rest no longer completes it; id 1's does */
	for (int k = 1; k < 4; k++) {
		p = piece(f, k, 0);
		assert_false(feed(f, &p));
	}
	assert_int_equal(ctr(f, REASM4_evicted), 2);	/* id 0 anew took id 1's slot */
	for (int k = 1; k < 4; k++) {
		p = piece(f, k, 2);
		assert_int_equal(feed(f, &p), k == 3);
	}
}

/* The frames (and wire octets) reassembly gave up on, taken (and so zeroed). */
static void
assert_lost(struct fix *f, uint64_t frames, uint64_t octets)
{
	uint64_t n, o;

	reasm4_take_lost(f->r, &n, &o);
	assert_int_equal(n, frames);
	assert_int_equal(o, octets);
	reasm4_take_lost(f->r, &n, &o);
	assert_int_equal(n, 0);
	assert_int_equal(o, 0);
}

static bool
feed_wire(struct fix *f, int k, uint16_t id, uint32_t wire_len)
{
	struct reasm4_frag p = piece(f, k, id);

	p.wire_len = wire_len;
	return feed(f, &p);
}

/*
 * Nothing lost silently: every fragment taken ends in a completed datagram
 * or in the lost count, with its own wire length: timed out (all it held),
 * evicted, dropped with its datagram (overlap: the held ones and itself), a
 * duplicate, a bad fragment alone, and a completed datagram nobody wanted.
 */
static void
lost_frames_accounted(void **state)
{
	struct fix *f = *state;
	struct reasm4_frag p;

	assert_false(feed_wire(f, 0, 1, 100));
	assert_false(feed_wire(f, 3, 1, 130));
	assert_lost(f, 0, 0);
	reasm4_expire(f->r, f->now + REASM4_TIMEOUT_MS * MS);
	assert_lost(f, 2, 230);

	assert_false(feed_wire(f, 0, 2, 100));
	assert_false(feed_wire(f, 0, 2, 101));	/* duplicate */
	assert_lost(f, 1, 101);
	p = piece(f, 0, 2);
	p.data = f->dgram + 1;			/* same place, other bytes */
	p.wire_len = 102;
	assert_false(feed(f, &p));
	assert_lost(f, 2, 202);			/* the held one and itself */

	p = piece(f, 0, 3);
	p.len = 20;				/* bad length: itself only */
	p.wire_len = 60;
	assert_false(feed(f, &p));
	assert_lost(f, 1, 60);

	for (int k = 0; k < 4; k++)
		assert_int_equal(feed_wire(f, k, 4, 50 + (uint32_t)k), k == 3);
	assert_lost(f, 0, 0);			/* delivered: nothing lost */
	reasm4_lose_done(f->r);
	assert_lost(f, 4, 50 + 51 + 52 + 53);
	reasm4_lose_done(f->r);			/* once only */
	assert_lost(f, 0, 0);

	for (uint16_t id = 10; id <= 10 + REASM4_SLOTS; id++) {
		assert_false(feed_wire(f, 0, id, 70));
		f->now += MS;
	}
	assert_lost(f, 1, 70);			/* the oldest, evicted */
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(every_order),	      T(interleaved),	    T(duplicate_ignored),
		T(overlap_drops_datagram), T(conflicting_duplicate_drops),
		T(missing_piece_times_out), T(bad_lengths),	    T(inconsistent_last),
		T(too_big),	      T(bounded_slots),	    T(lost_frames_accounted),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
