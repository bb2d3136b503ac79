/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Anti-replay window, from a numbered case table (the way WireGuard's counter
 * test reads): each step is "receive sequence number S with window W; expect
 * verdict V; commit if authenticated". ESN cases follow RFC 4303 Appendix A2.2,
 * Case A (window inside one 2^32 subspace) and Case B (window spans two).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "replay.h"

enum { OK = REPLAY_OK, DUP = REPLAY_DUPLICATE, OLD = REPLAY_TOO_OLD };

struct step {
	int n;		/* case number, printed on failure */
	uint32_t seq;	/* low 32 bits as on the wire */
	int verdict;
	uint64_t full;	/* expected inferred 64-bit number (checked when verdict == OK) */
	bool commit;	/* the ICV verified: record it */
};

struct table {
	const char *name;
	uint32_t win;
	bool esn;
	uint64_t start_top;	/* T before the first step (committed, bit set) */
	const struct step *steps;
	size_t n;
};

static void
run(const struct table *t)
{
	uint64_t bmp[REPLAY_BLOCKS_MAX];
	struct replay r;

	replay_init(&r, bmp, t->win);
	if (t->start_top != 0)
		replay_commit(&r, bmp, t->start_top);
	for (size_t i = 0; i < t->n; i++) {
		const struct step *s = &t->steps[i];
		uint64_t full = 0;
		int v = replay_check(&r, bmp, s->seq, t->esn, &full);

		if (v != s->verdict || (v == OK && s->full != 0 && full != s->full))
			fail_msg("%s case %d: seq %#x -> verdict %d full %#llx, expected %d %#llx",
				 t->name, s->n, s->seq, v, (unsigned long long)full, s->verdict,
				 (unsigned long long)s->full);
		if (v == OK && s->commit)
			replay_commit(&r, bmp, full);
	}
}

#define TABLE(nm, w, e, top, arr) {nm, w, e, top, arr, sizeof(arr) / sizeof(arr[0])}

static const struct step basic[] = {
	{1, 1, OK, 1, true},
	{2, 1, DUP, 0, false},		/* replayed */
	{3, 0, OLD, 0, false},		/* 0 is never sent (RFC 4303 3.3.3) */
	{4, 2, OK, 2, false},		/* passes the check but the ICV failed: not committed */
	{5, 2, OK, 2, true},		/* so the genuine one still passes */
	{6, 100, OK, 100, true},	/* jump ahead */
	{7, 37, OK, 37, true},		/* T - 63: last slot in the window */
	{8, 37, DUP, 0, false},
	{9, 36, OLD, 0, false},		/* T - 64: left of the window */
	{10, 99, OK, 99, true},
	{11, 100, DUP, 0, false},
	{12, 164, OK, 164, true},	/* slide by exactly W */
	{13, 101, OK, 101, true},	/* bottom of the new window */
	{14, 100, OLD, 0, false},
	{15, 0xffffffffu, OK, 0xffffffffu, true},	/* last 32-bit number */
	{16, 0xffffffc0u, OK, 0, false},	/* T - 63 */
	{17, 0xffffffbfu, OLD, 0, false},	/* T - 64 */
};

/*
 * Sliding reuses bitmap blocks: after a jump, a block that held old bits must
 * read as unseen. With W = 64 there are two 64-bit blocks: 5 and 133 share a bit.
 */
static const struct step slide[] = {
	{1, 5, OK, 5, true},	  {2, 6, OK, 6, true},
	{3, 138, OK, 138, true},			/* block 2 = physical block 0 again */
	{4, 133, OK, 133, true},			/* same bit as 5: must be clear */
	{5, 134, OK, 134, true},  {6, 133, DUP, 0, false},
	{7, 74, OLD, 0, false},				/* 138 - 64 */
	{8, 75, OK, 75, false},				/* 138 - 63 */
	{9, 6543, OK, 6543, true},			/* jump of ~100 windows */
	{10, 6533, OK, 6533, true}, {11, 6533, DUP, 0, false},
	{12, 6479, OLD, 0, false},
};

static const struct step big_window[] = {
	{1, 5000, OK, 5000, true},
	{2, 905, OK, 905, true},	/* 5000 - 4095 */
	{3, 904, OLD, 0, false},	/* 5000 - 4096 */
	{4, 905, DUP, 0, false},	{5, 4999, OK, 4999, true},
};

static const struct step disabled[] = {
	{1, 5, OK, 5, true},	{2, 5, OK, 5, true},	/* replay checking off: duplicates pass */
	{3, 1, OK, 1, true},	{4, 0, OLD, 0, false},	/* 0 is still never valid */
};

/* RFC 4303 A2.2 Case A: T = 0x1_00000100, W = 64, Bl = 0xC1. */
static const struct step esn_case_a[] = {
	{1, 0xc5, OK, 0x1000000c5ull, true},	/* Seq >= Bl: Seqh = Th */
	{2, 0xc5, DUP, 0, false},
	/*
	 * Left of the window, but Seq < Bl infers the next subspace (Th + 1): a
	 * genuinely old packet is then rejected by its ICV, not by the window.
	 */
	{3, 0xc0, OK, 0x2000000c0ull, false},
};

/* Same start, Seq < Bl means the next subspace: a new, higher number. */
static const struct step esn_case_a_next[] = {
	{1, 0x10, OK, 0x200000010ull, true},
	{2, 0x10, DUP, 0, false},
	/* the window now sits at 0x2_00000010; 0x1_000000f0 is far behind */
	{3, 0xf0, OK, 0x2000000f0ull, false},
};

/* Case B: T = 0x1_00000010, W = 64, Bl = 0xFFFFFFD1 (window spans two subspaces). */
static const struct step esn_case_b[] = {
	{1, 0xffffffe0u, OK, 0x0ffffffe0ull, true},	/* Seq >= Bl: Seqh = Th - 1 */
	{2, 0xffffffe0u, DUP, 0, false},
	{3, 0xffffffd1u, OK, 0x0ffffffd1ull, true},	/* T - 63 */
	{4, 0x20, OK, 0x100000020ull, true},		/* Seq < Bl: Seqh = Th */
	{5, 0x0f, OK, 0x10000000full, true},
	{6, 0x0f, DUP, 0, false},
};

/* Case B at the very start: nothing below 0 exists. */
static const struct step esn_case_b_start[] = {
	{1, 0xfffffff0u, OLD, 0, false},
	{2, 0x11, OK, 0x11, true},
};

/* Two copies of one packet in a burst both pass the first check; the re-check catches it. */
static void
test_recheck_after_auth(void **state)
{
	uint64_t bmp[REPLAY_BLOCKS_MAX], a, b;
	struct replay r;

	(void)state;
	replay_init(&r, bmp, 64);
	assert_int_equal(replay_check(&r, bmp, 7, false, &a), OK);
	assert_int_equal(replay_check(&r, bmp, 7, false, &b), OK);
	assert_int_equal(replay_check_full(&r, bmp, a), OK);
	replay_commit(&r, bmp, a);
	assert_int_equal(replay_check_full(&r, bmp, b), DUP);
}

static void
test_blocks(void **state)
{
	(void)state;
	assert_int_equal(replay_blocks(32), 2);
	assert_int_equal(replay_blocks(64), 2);
	assert_int_equal(replay_blocks(65), 4);
	assert_int_equal(replay_blocks(1024), 32);
	assert_int_equal(replay_blocks(REPLAY_WINDOW_MAX), REPLAY_BLOCKS_MAX);
}

static void
test_tables(void **state)
{
	const struct table tables[] = {
		TABLE("basic", 64, false, 0, basic),
		TABLE("slide", 64, false, 0, slide),
		TABLE("big_window", 4096, false, 0, big_window),
		TABLE("disabled", 0, false, 0, disabled),
		TABLE("esn_case_a", 64, true, 0x100000100ull, esn_case_a),
		TABLE("esn_case_a_next", 64, true, 0x100000100ull, esn_case_a_next),
		TABLE("esn_case_b", 64, true, 0x100000010ull, esn_case_b),
		TABLE("esn_case_b_start", 64, true, 0x10, esn_case_b_start),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		run(&tables[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_recheck_after_auth),
		cmocka_unit_test(test_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
