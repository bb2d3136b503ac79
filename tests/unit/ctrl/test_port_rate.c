/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rates and ages of "show interfaces", from samples on a fake clock:
 * IOS's decayed average has a closed form for a steady rate R sampled every
 * dt from zero, R * (1 - exp(-t / 300)), and decays from R as R * exp(-t / 300).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "port_rate.h"

struct traffic {
	struct port_rate r;
	struct view_port p;
	uint64_t now_ms;
};

static int
setup(void **state)
{
	static struct traffic t;

	memset(&t, 0, sizeof(t));
	t.now_ms = 1000000;	/* the monotonic clock does not start at zero */
	*state = &t;
	return 0;
}

/* dt_ms later, pps packets a second of len bytes have come in and half as many went out. */
static void
run(struct traffic *t, unsigned samples, uint64_t dt_ms, uint64_t pps, uint64_t len)
{
	for (unsigned i = 0; i < samples; i++) {
		uint64_t n = pps * dt_ms / 1000;

		t->now_ms += dt_ms;
		t->p.ipackets += n;
		t->p.ibytes += n * len;
		t->p.opackets += n / 2;
		t->p.obytes += n / 2 * len;
		port_rate_sample(&t->r, t->now_ms, &t->p);
	}
}

static struct view_port
shown(const struct traffic *t, uint64_t later_ms)
{
	struct view_port v = {0};

	port_rate_fill(&t->r, t->now_ms + later_ms, &v);
	return v;
}

static void
test_never_until_moved(void **state)
{
	struct traffic *t = *state;
	struct view_port v = shown(t, 0);

	assert_true(v.last_input_sec == VIEW_NEVER);	/* not even sampled */
	assert_true(v.last_output_sec == VIEW_NEVER);
	run(t, 10, 1000, 0, 0);
	v = shown(t, 0);
	assert_true(v.last_input_sec == VIEW_NEVER);
	assert_int_equal(v.in_rate_bps, 0);
	assert_int_equal(v.in_rate_pps, 0);
}

/* 1000 pkt/s of 100 bytes from zero: after one load interval, 1 - 1/e of it. */
static void
test_steady_rate_one_interval(void **state)
{
	struct traffic *t = *state;
	struct view_port v;

	port_rate_sample(&t->r, t->now_ms, &t->p);
	run(t, PORT_RATE_INTERVAL_S, 1000, 1000, 100);
	v = shown(t, 0);
	assert_int_equal(v.in_rate_pps, llround(1000 * (1 - exp(-1.0))));	/* 632 */
	assert_int_equal(v.in_rate_bps, llround(800000 * (1 - exp(-1.0))));	/* 505696 */
	assert_int_equal(v.out_rate_pps, llround(500 * (1 - exp(-1.0))));
	assert_int_equal(v.last_input_sec, 0);
	assert_int_equal(shown(t, 2999).last_input_sec, 2);
	/* long enough, and the average is the rate */
	run(t, 20 * PORT_RATE_INTERVAL_S, 1000, 1000, 100);
	v = shown(t, 0);
	assert_int_equal(v.in_rate_pps, 1000);
	assert_int_equal(v.in_rate_bps, 800000);
}

/* Traffic stops: the average decays by 1/e per load interval; "Last input" ages. */
static void
test_decay_after_stop(void **state)
{
	struct traffic *t = *state;
	struct view_port v;

	port_rate_sample(&t->r, t->now_ms, &t->p);
	run(t, 20 * PORT_RATE_INTERVAL_S, 1000, 1000, 100);
	run(t, PORT_RATE_INTERVAL_S, 1000, 0, 0);
	v = shown(t, 0);
	assert_int_equal(v.in_rate_pps, llround(1000 * exp(-1.0)));	/* 368 */
	assert_int_equal(v.last_input_sec, PORT_RATE_INTERVAL_S);
	assert_int_equal(v.last_output_sec, PORT_RATE_INTERVAL_S);
}

/* The sampling period does not change the result: 60 samples 5 s apart = 300 a second apart. */
static void
test_sample_period_independent(void **state)
{
	struct traffic *t = *state, u = *t;

	port_rate_sample(&t->r, t->now_ms, &t->p);
	port_rate_sample(&u.r, u.now_ms, &u.p);
	run(t, 300, 1000, 2000, 64);
	run(&u, 60, 5000, 2000, 64);
	assert_true(fabs(t->r.in_pps - u.r.in_pps) < 1e-6);
	assert_true(fabs(t->r.in_bps - u.r.in_bps) < 1e-6);
}

/* Counts from before the first sample moved "now"; a reset port is no traffic, not 2^64. */
static void
test_first_sample_and_reset(void **state)
{
	struct traffic *t = *state;
	struct view_port v;

	t->p.ipackets = 5;
	t->p.ibytes = 500;
	port_rate_sample(&t->r, t->now_ms, &t->p);
	v = shown(t, 7000);
	assert_int_equal(v.last_input_sec, 7);
	assert_true(v.last_output_sec == VIEW_NEVER);
	t->p.ipackets = 1;	/* the port was reset */
	t->p.ibytes = 60;
	t->now_ms += 1000;
	port_rate_sample(&t->r, t->now_ms, &t->p);
	v = shown(t, 0);
	assert_int_equal(v.in_rate_pps, 0);
	assert_int_equal(v.in_rate_bps, 0);
	assert_int_equal(v.last_input_sec, 0);	/* it did change */
	/* a sample at the same instant is ignored */
	t->p.ipackets = 1000;
	port_rate_sample(&t->r, t->now_ms, &t->p);
	assert_int_equal(t->r.ipackets, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_never_until_moved, setup),
		cmocka_unit_test_setup(test_steady_rate_one_interval, setup),
		cmocka_unit_test_setup(test_decay_after_stop, setup),
		cmocka_unit_test_setup(test_sample_period_independent, setup),
		cmocka_unit_test_setup(test_first_sample_and_reset, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
