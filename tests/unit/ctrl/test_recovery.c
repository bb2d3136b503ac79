/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The invalid-SPI recovery policy (src/ctrl/recovery.c) on a fake clock: the
 * decision table row by row, then each bound at its exact boundary (packet
 * threshold and window, per-peer hold-down, global initiation rate, the
 * bounded peer table), and the counters that make every decision visible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "recovery.h"

#define T0 1000000 /* the fake clock's start, ms */

static struct recovery *R;

static int
setup(void **state)
{
	(void)state;
	R = recovery_create(&recovery_bounds_default, 8, T0);
	return R == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	recovery_destroy(R);
	return 0;
}

/* A report from 192.0.2.<host> for spi, pkts packets. */
static struct recovery_in
from(uint8_t host, uint32_t spi, uint64_t pkts)
{
	return (struct recovery_in){.src = {192, 0, 2, host}, .spi = spi, .pkts = pkts,
				    .static_peer = true, .enabled = true};
}

/* Each row with the threshold met at once (2 packets in the report), fresh state each. */
static void
test_decision_table(void **state)
{
	static const struct {
		bool ike_sa, static_peer, dynamic_peer, enabled;
		enum recovery_action want;
	} rows[] = {
		/* an IKE SA with the sender: notify, recovery on or off */
		{true, true, false, true, RECOVERY_NOTIFY},
		{true, true, false, false, RECOVERY_NOTIFY},
		{true, false, true, false, RECOVERY_NOTIFY_ONLY},
		{true, false, false, false, RECOVERY_NOTIFY_ONLY},
		/* none: initiate only for a static peer with recovery on */
		{false, true, false, true, RECOVERY_INITIATE},
		{false, true, false, false, RECOVERY_OFF},
		{false, false, true, true, RECOVERY_DYNAMIC_PEER},
		{false, false, true, false, RECOVERY_DYNAMIC_PEER},
		{false, false, false, true, RECOVERY_NOT_PEER},
		{false, false, false, false, RECOVERY_NOT_PEER},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct recovery *r = recovery_create(&recovery_bounds_default, 4, T0);
		struct recovery_in in = from(1, 0xB761863E, 2);
		struct recovery_stats st;
		enum recovery_action a;

		assert_non_null(r);
		in.ike_sa = rows[i].ike_sa;
		in.static_peer = rows[i].static_peer;
		in.dynamic_peer = rows[i].dynamic_peer;
		in.enabled = rows[i].enabled;
		a = recovery_decide(r, &in, T0);
		if (a != rows[i].want)
			fail_msg("row %zu: %s, want %s", i, recovery_action_names[a],
				 recovery_action_names[rows[i].want]);
		recovery_stats_get(r, &st);
		assert_int_equal(st.decisions[a], 1);
		assert_int_equal(st.pkts[a], 2);
		/* only senders that may be acted for take state */
		assert_int_equal(st.peers, recovery_acts(a) ? 1 : 0);
		recovery_destroy(r);
	}
}

/* 2 packets within 10 s: the first waits, the second acts; a later one starts over. */
static void
test_threshold_and_window(void **state)
{
	struct recovery_in one = from(1, 0x1234, 1);
	struct recovery_stats st;

	(void)state;
	assert_int_equal(recovery_decide(R, &one, T0), RECOVERY_WAIT);
	/* the window is [T0, T0 + 10 s): at its end the count starts over */
	assert_int_equal(recovery_decide(R, &one, T0 + 10000), RECOVERY_WAIT);
	assert_int_equal(recovery_decide(R, &one, T0 + 19999), RECOVERY_INITIATE);
	recovery_stats_get(R, &st);
	assert_int_equal(st.decisions[RECOVERY_WAIT], 2);
	assert_int_equal(st.pkts[RECOVERY_WAIT], 2);
	assert_int_equal(st.decisions[RECOVERY_INITIATE], 1);
}

/* Packets of another SPI from the same peer do not add up with the first's. */
static void
test_new_spi_counts_afresh(void **state)
{
	struct recovery_in a = from(1, 0x1111, 1), b = from(1, 0x2222, 1);

	(void)state;
	assert_int_equal(recovery_decide(R, &a, T0), RECOVERY_WAIT);
	assert_int_equal(recovery_decide(R, &b, T0 + 1), RECOVERY_WAIT);
	assert_int_equal(recovery_decide(R, &b, T0 + 2), RECOVERY_INITIATE);
}

/* After acting, nothing for the peer for 5 s, then the threshold again. */
static void
test_holddown(void **state)
{
	struct recovery_in two = from(1, 0x1234, 2);
	struct recovery_in other = from(2, 0x1234, 2);

	(void)state;
	assert_int_equal(recovery_decide(R, &two, T0), RECOVERY_INITIATE);
	assert_int_equal(recovery_decide(R, &two, T0 + 4999), RECOVERY_HELD_DOWN);
	/* another peer is not held */
	assert_int_equal(recovery_decide(R, &other, T0 + 4999), RECOVERY_INITIATE);
	assert_int_equal(recovery_decide(R, &two, T0 + 5000), RECOVERY_INITIATE);
	/* the notify path is held down too: no storm of notifies over the IKE SA */
	two.ike_sa = true;
	assert_int_equal(recovery_decide(R, &two, T0 + 5001), RECOVERY_HELD_DOWN);
	assert_int_equal(recovery_decide(R, &two, T0 + 10000), RECOVERY_NOTIFY);
}

/* 5 initiations a second for all peers; notifies over IKE SAs are not initiations. */
static void
test_global_rate(void **state)
{
	struct recovery_in in;

	(void)state;
	for (uint8_t p = 1; p <= 5; p++) {
		in = from(p, 0x1234, 2);
		assert_int_equal(recovery_decide(R, &in, T0), RECOVERY_INITIATE);
	}
	in = from(6, 0x1234, 2);
	assert_int_equal(recovery_decide(R, &in, T0), RECOVERY_RATE_LIMITED);
	in.ike_sa = true;
	in.src[3] = 7;
	assert_int_equal(recovery_decide(R, &in, T0), RECOVERY_NOTIFY);
	/* a fifth of a second brings one token: peer 6 acts, its packets still counted */
	in = from(6, 0x1234, 1);
	assert_int_equal(recovery_decide(R, &in, T0 + 199), RECOVERY_RATE_LIMITED);
	assert_int_equal(recovery_decide(R, &in, T0 + 200), RECOVERY_INITIATE);
}

/* peers_max senders keep state; the least recently seen makes room, counted. */
static void
test_peer_table_bounded(void **state)
{
	struct recovery *r = recovery_create(&recovery_bounds_default, 2, T0);
	struct recovery_in in;
	struct recovery_stats st;

	(void)state;
	assert_non_null(r);
	for (uint8_t p = 1; p <= 3; p++) {
		in = from(p, 0x1234, 1);
		assert_int_equal(recovery_decide(r, &in, T0 + p), RECOVERY_WAIT);
	}
	recovery_stats_get(r, &st);
	assert_int_equal(st.peers, 2);
	assert_int_equal(st.peers_evicted, 1);
	/* peer 1 was evicted: its second packet starts a new count; peer 3's completes */
	in = from(1, 0x1234, 1);
	assert_int_equal(recovery_decide(r, &in, T0 + 10), RECOVERY_WAIT);
	in = from(3, 0x1234, 1);
	assert_int_equal(recovery_decide(r, &in, T0 + 11), RECOVERY_INITIATE);
	recovery_destroy(r);
	assert_null(recovery_create(&recovery_bounds_default, 0, T0));
}

/* reset forgets windows and hold-downs (the operator cleared the SAs), not counters. */
static void
test_reset(void **state)
{
	struct recovery_in two = from(1, 0x1234, 2);
	struct recovery_stats st;

	(void)state;
	assert_int_equal(recovery_decide(R, &two, T0), RECOVERY_INITIATE);
	recovery_reset(R);
	assert_int_equal(recovery_decide(R, &two, T0 + 1), RECOVERY_INITIATE);
	recovery_stats_get(R, &st);
	assert_int_equal(st.decisions[RECOVERY_INITIATE], 2);
	assert_int_equal(st.peers, 1);
}

/* Every action has a name and a text; the IPv6 sender is keyed on all 16 bytes. */
static void
test_names_and_ipv6(void **state)
{
	struct recovery_in a = {.ipv6 = true, .src = {0x20, 0x01, 0x0d, 0xb8}, .spi = 9, .pkts = 1,
				.static_peer = true, .enabled = true};
	struct recovery_in b = a;

	(void)state;
	for (int i = 0; i < RECOVERY__COUNT; i++) {
		assert_non_null(recovery_action_names[i]);
		assert_true(strlen(recovery_action_texts[i]) > 0);
	}
	b.src[15] = 1;
	assert_int_equal(recovery_decide(R, &a, T0), RECOVERY_WAIT);
	assert_int_equal(recovery_decide(R, &b, T0), RECOVERY_WAIT); /* another sender */
	assert_int_equal(recovery_decide(R, &a, T0), RECOVERY_INITIATE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test_setup_teardown(test_threshold_and_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_spi_counts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holddown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_rate, setup, teardown),
		cmocka_unit_test(test_peer_table_bounded),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_ipv6, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
