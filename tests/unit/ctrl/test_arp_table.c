/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The learned ARP table on a fake clock: learning and refreshing, the size
 * bound, aging, and the ARP request decisions (per-address retry, tries and
 * hold-down, the global rate) at their exact boundaries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/clk.h"

#include "arp_table.h"

#define MS CLK_NS_PER_MS
#define S CLK_NS_PER_S
#define AGE_S 240
#define IP(d) ((uint32_t)(0x0a0000u + (d)) << 8 | 0xc0u)	/* any distinct non-zero values */

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};

struct fix {
	struct arp_table *t;
	uint64_t now;
	uint64_t c[ARP__COUNT];
};

static int
setup(void **state)
{
	static struct fix f;

	memset(&f, 0, sizeof(f));
	f.now = CLK_FAKE_MONO0;
	f.t = arp_table_create(4, AGE_S, f.now);
	*state = &f;
	return f.t == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	arp_table_destroy(f->t);
	return 0;
}

static uint64_t
ctr(struct fix *f, enum arp_ctr k)
{
	arp_table_counters(f->t, f->c);
	return f->c[k];
}

static void
bad_arguments_refused(void **state)
{
	(void)state;
	assert_null(arp_table_create(0, AGE_S, 0));
	assert_null(arp_table_create(4, 0, 0));
	arp_table_destroy(NULL);
}

static void
learn_then_lookup(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now), -ENOENT);
	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now), 0);
	assert_memory_equal(mac, MAC_A, 6);
	/* the same address on another interface is another neighbour */
	assert_int_equal(arp_table_lookup(f->t, 1, IP(1), mac, f->now), -ENOENT);
	assert_int_equal(ctr(f, ARP_learned), 1);
	assert_int_equal(ctr(f, ARP_hits), 1);
	assert_int_equal(ctr(f, ARP_misses), 2);
	assert_int_equal(arp_table_count(f->t), 1);
}

static void
probe_sender_not_learned(void **state)
{
	struct fix *f = *state;

	/* RFC 5227 probe: sender IP 0 */
	assert_false(arp_table_learn(f->t, 0, 0, MAC_A, f->now));
	assert_false(arp_table_has(f->t, 0, 0));
	assert_int_equal(arp_table_count(f->t), 0);
	assert_int_equal(ctr(f, ARP_learned), 0);
}

static void
refresh_and_mac_change(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	/* learn says whether senders by the old MAC must follow: new, or another MAC */
	assert_false(arp_table_has(f->t, 0, IP(1)));
	assert_true(arp_table_learn(f->t, 0, IP(1), MAC_A, f->now));
	assert_true(arp_table_has(f->t, 0, IP(1)));
	assert_false(arp_table_has(f->t, 1, IP(1)));
	assert_false(arp_table_learn(f->t, 0, IP(1), MAC_A, f->now + S));
	assert_int_equal(ctr(f, ARP_refreshed), 1);
	assert_int_equal(ctr(f, ARP_mac_changed), 0);
	assert_true(arp_table_learn(f->t, 0, IP(1), MAC_B, f->now + 2 * S));
	assert_int_equal(ctr(f, ARP_mac_changed), 1);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now + 2 * S), 0);
	assert_memory_equal(mac, MAC_B, 6);
	assert_int_equal(arp_table_count(f->t), 1);
}

/* Usable for AGE_S after the last refresh, not a nanosecond longer; expire removes it. */
static void
ages_at_the_boundary(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now);
	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now + 100 * S);
	f->now += 100 * S;
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now + AGE_S * S - 1), 0);
	arp_table_expire(f->t, f->now + AGE_S * S - 1);
	assert_int_equal(arp_table_count(f->t), 1);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now + AGE_S * S), -ENOENT);
	arp_table_expire(f->t, f->now + AGE_S * S);
	assert_int_equal(arp_table_count(f->t), 0);
	assert_int_equal(ctr(f, ARP_aged), 1);
}

/* A full table makes room by evicting the least recently refreshed entry, counted. */
static void
bounded_evicts_oldest(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	for (uint32_t i = 1; i <= 4; i++)
		arp_table_learn(f->t, 0, IP(i), MAC_A, f->now + i * S);
	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now + 10 * S);	/* 2 is now the oldest */
	arp_table_learn(f->t, 0, IP(5), MAC_B, f->now + 11 * S);
	assert_int_equal(arp_table_count(f->t), 4);
	assert_int_equal(ctr(f, ARP_evicted), 1);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(2), mac, f->now + 11 * S), -ENOENT);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now + 11 * S), 0);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(5), mac, f->now + 11 * S), 0);
	assert_memory_equal(mac, MAC_B, 6);
}

/* One request per address per ARP_RETRY_MS, ARP_TRIES of them, then hold-down, then again. */
static void
requests_retry_give_up_hold_down(void **state)
{
	struct fix *f = *state;
	uint64_t t0 = f->now;

	assert_true(arp_table_want(f->t, 0, IP(1), t0));
	assert_false(arp_table_want(f->t, 0, IP(1), t0 + ARP_RETRY_MS * MS - 1));
	assert_int_equal(ctr(f, ARP_req_wait), 1);
	assert_true(arp_table_want(f->t, 0, IP(1), t0 + ARP_RETRY_MS * MS));
	assert_true(arp_table_want(f->t, 0, IP(1), t0 + 2 * ARP_RETRY_MS * MS));
	assert_int_equal(ctr(f, ARP_req_sent), ARP_TRIES);
	/* the last try had its second: given up, once, then held down */
	assert_false(arp_table_want(f->t, 0, IP(1), t0 + 3 * ARP_RETRY_MS * MS));
	assert_false(arp_table_want(f->t, 0, IP(1), t0 + 4 * ARP_RETRY_MS * MS));
	assert_int_equal(ctr(f, ARP_req_gave_up), 1);
	assert_int_equal(ctr(f, ARP_req_held_down), 2);
	/* hold-down counts from the last request */
	assert_false(arp_table_want(f->t, 0, IP(1),
				    t0 + (2 * ARP_RETRY_MS + ARP_HOLDDOWN_MS) * MS - 1));
	assert_true(arp_table_want(f->t, 0, IP(1), t0 + (2 * ARP_RETRY_MS + ARP_HOLDDOWN_MS) * MS));
	assert_int_equal(ctr(f, ARP_req_sent), ARP_TRIES + 1);
}

/* A reply ends the pending state: the next lookup hits, no further request is wanted. */
static void
reply_resolves_pending(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(arp_table_want(f->t, 0, IP(1), f->now));
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now), -ENOENT);
	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now + MS);
	assert_int_equal(arp_table_lookup(f->t, 0, IP(1), mac, f->now + MS), 0);
	assert_memory_equal(mac, MAC_A, 6);
	assert_int_equal(ctr(f, ARP_learned), 1);
	assert_int_equal(arp_table_count(f->t), 1);
}

/* An aged entry is resolved afresh: a request goes out at once. */
static void
aged_entry_requested_again(void **state)
{
	struct fix *f = *state;

	arp_table_learn(f->t, 0, IP(1), MAC_A, f->now);
	assert_true(arp_table_want(f->t, 0, IP(1), f->now + AGE_S * S));
	assert_int_equal(arp_table_count(f->t), 1);
}

/* ARP_REQ_BURST requests at once over many addresses, then ARP_REQ_RATE a second. */
static void
global_rate_limit(void **state)
{
	struct fix *f = *state;
	struct arp_table *big = arp_table_create(64, AGE_S, f->now);
	uint64_t c[ARP__COUNT];
	uint32_t ok = 0;

	assert_non_null(big);
	for (uint32_t i = 1; i <= ARP_REQ_BURST + 5; i++)
		ok += arp_table_want(big, 0, IP(i), f->now);
	assert_int_equal(ok, ARP_REQ_BURST);
	arp_table_counters(big, c);
	assert_int_equal(c[ARP_req_rate_limited], 5);
	/* one token every 1000 / ARP_REQ_RATE ms */
	assert_false(arp_table_want(big, 0, IP(40), f->now + (1000 / ARP_REQ_RATE - 1) * MS));
	assert_true(arp_table_want(big, 0, IP(41), f->now + (1000 / ARP_REQ_RATE) * MS));
	arp_table_destroy(big);
}

/* A pending entry that gave up is removed after its hold-down; the table does not fill. */
static void
expire_removes_given_up(void **state)
{
	struct fix *f = *state;
	uint64_t t = f->now;

	for (int i = 0; i < ARP_TRIES; i++)
		assert_true(arp_table_want(f->t, 0, IP(1), t + (uint64_t)i * ARP_RETRY_MS * MS));
	t += (ARP_TRIES - 1) * ARP_RETRY_MS * MS;
	arp_table_expire(f->t, t + ARP_HOLDDOWN_MS * MS - 1);
	assert_int_equal(arp_table_count(f->t), 1);
	arp_table_expire(f->t, t + ARP_HOLDDOWN_MS * MS);
	assert_int_equal(arp_table_count(f->t), 0);
}

/*
 * A pending entry nobody asks about again (fewer than ARP_TRIES requests: the
 * caller went quiet) is removed ARP_HOLDDOWN_MS after its last request,
 * counted as abandoned; one still being asked for stays.
 */
static void
expire_removes_abandoned(void **state)
{
	struct fix *f = *state;
	uint64_t t = f->now;

	assert_true(arp_table_want(f->t, 0, IP(1), t));
	assert_true(arp_table_want(f->t, 0, IP(2), t));
	/* IP(2) asked again a second later: its clock starts then */
	assert_true(arp_table_want(f->t, 0, IP(2), t + ARP_RETRY_MS * MS));
	arp_table_expire(f->t, t + ARP_HOLDDOWN_MS * MS - 1);
	assert_int_equal(arp_table_count(f->t), 2);
	arp_table_expire(f->t, t + ARP_HOLDDOWN_MS * MS);
	assert_int_equal(arp_table_count(f->t), 1);
	assert_true(arp_table_has(f->t, 0, IP(2)));
	assert_int_equal(ctr(f, ARP_abandoned), 1);
	arp_table_expire(f->t, t + (ARP_RETRY_MS + ARP_HOLDDOWN_MS) * MS);
	assert_int_equal(arp_table_count(f->t), 0);
	assert_int_equal(ctr(f, ARP_abandoned), 2);
	assert_int_equal(ctr(f, ARP_aged), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_arguments_refused),
		cmocka_unit_test_setup_teardown(learn_then_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(probe_sender_not_learned, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_and_mac_change, setup, teardown),
		cmocka_unit_test_setup_teardown(ages_at_the_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded_evicts_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(requests_retry_give_up_hold_down, setup, teardown),
		cmocka_unit_test_setup_teardown(reply_resolves_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(aged_entry_requested_again, setup, teardown),
		cmocka_unit_test_setup_teardown(global_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(expire_removes_given_up, setup, teardown),
		cmocka_unit_test_setup_teardown(expire_removes_abandoned, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
