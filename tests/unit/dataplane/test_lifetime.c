/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA lifetimes (struct dp_sa_lifetime) enforced by the dataplane, on the
 * harness's fake clock:
 *
 *   host --inside0--> [outbound SA: packets, bytes counted] --outside0--> ESP
 *   ESP (reflected) --outside0--> [inbound SA: packets, bytes counted] --inside0--> host
 *   [control thread: dp_housekeeping] -- seconds since installation
 *
 * A soft limit raises one DP_EV_SA_SOFT; a hard limit one DP_EV_SA_HARD, and
 * from then on the SA's packets are dropped (44 OUT_CD_SW_IPSEC_HARD_EXPIRY,
 * 18 IN_CD_SW_IPSEC_HARD_EXPIRY), counted. Whichever of packets, bytes and
 * seconds comes first raises the event, once; an event the worker's full
 * ring refused is delivered by the control thread, once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "harness.h"
#include "sa.h"
#include "sad.h"

static struct harness H;

static int
setup(void **state)
{
	(void)state;
	return harness_create(&H);
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

#define INNER(plen) (20 + (plen))	/* the inner IPv4 packet's bytes for a UDP payload plen */

/* n packets (payload plen) from a protected host in one burst; how many left encrypted. */
static uint16_t
send_burst(uint16_t n, size_t plen, struct rte_mbuf **out)
{
	uint8_t frame[2048], payload[1500] = {0};
	struct rte_mbuf *in[DP_BURST_MAX];
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
					plen);

	for (uint16_t i = 0; i < n; i++) {
		in[i] = harness_mbuf(&H, frame, len);
		assert_non_null(in[i]);
	}
	return harness_send(&H, H_INSIDE, in, n, out, DP_BURST_MAX, NULL);
}

/* As send_burst, the encrypted packets freed. */
static uint16_t
send_n(uint16_t n, size_t plen)
{
	struct rte_mbuf *out[DP_BURST_MAX];
	uint16_t k = send_burst(n, plen, out);

	rte_pktmbuf_free_bulk(out, k);
	return k;
}

/* The control thread's turn: deadlines due, deferred events; then drain the events. */
static void
housekeeping(void)
{
	dp_housekeeping(H.dp);
	harness_control_plane(&H);
}

static int
add_sa(enum cfg_dir dir, const struct dp_sa_lifetime *life)
{
	struct h_sa s = {.dir = dir, .spi = 0x1001, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = dir == CFG_DIR_IN ? 64 : 0, .life = *life};
	int id = harness_add_sa(&H, &s);

	assert_true(id > 0);
	return id;
}

static void
expect_events(uint64_t soft, uint64_t hard, int conn_id)
{
	assert_int_equal(H.events[DP_EV_SA_SOFT], soft);
	assert_int_equal(H.events[DP_EV_SA_HARD], hard);
	if (soft + hard > 0) {
		assert_int_equal(H.last_event.conn_id, (uint32_t)conn_id);
		assert_int_equal(H.last_event.spi, 0x1001);
		assert_int_equal(H.last_event.proto, IPPROTO_ESP);
	}
}

static uint64_t
sa_ctr(int conn_id, enum dp_sa_ctr c)
{
	return sad_find_conn(H.dp->sad, (uint32_t)conn_id)->rt->ctr.v[c];
}

/* Outbound, in packets, one packet at a time: soft at 3, hard at 5, then drops. */
static void
test_packets_outbound(void **state)
{
	const struct dp_sa_lifetime life = {.soft_pkts = 3, .hard_pkts = 5};
	int id = add_sa(CFG_DIR_OUT, &life);

	(void)state;
	assert_int_equal(send_n(1, 10), 1);
	assert_int_equal(send_n(1, 10), 1);
	expect_events(0, 0, id);
	assert_int_equal(send_n(1, 10), 1);	/* the 3rd */
	expect_events(1, 0, id);
	assert_int_equal(send_n(1, 10), 1);
	expect_events(1, 0, id);		/* once */
	assert_int_equal(send_n(1, 10), 1);	/* the 5th still goes, and reaches the limit */
	expect_events(1, 1, id);
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(send_n(2, 10), 0);
	expect_events(1, 1, id);		/* once */
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 3);
	assert_int_equal(harness_drops_total(&H), 3);
	assert_int_equal(sa_ctr(id, DP_SA_CTR_invalid_sa), 3);
	assert_int_equal(sa_ctr(id, DP_SA_CTR_pkts), 5);
	housekeeping();				/* nothing more from the control thread */
	expect_events(1, 1, id);
	/* deleted, it is an SA-less policy like any other */
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)id), 0);
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 1);
}

/*
 * A negotiated outbound SA whose sequence numbers run out: soft with an
 * eighth of them left, hard at the last one (then drops, 44), as a packet
 * lifetime would; a manual SA in the same place only stops at the end.
 */
static void
test_sequence_exhaustion(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1001, .cipher = DP_CIPHER_AES_GCM_128,
			 .negotiated = true, .initial_seq = UINT32_MAX - 16};
	int id = harness_add_sa(&H, &s);

	(void)state;
	assert_true(id > 0);
	assert_int_equal(send_n(13, 10), 13);
	expect_events(0, 0, id);
	assert_int_equal(send_n(1, 10), 1);	/* the 14th: 16 - 16/8 */
	expect_events(1, 0, id);
	assert_int_equal(send_n(2, 10), 2);
	expect_events(1, 1, id);		/* the 16th was the last number */
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 1);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)id), 0);

	/* manual: no lifetime events, the sequence check alone */
	s.negotiated = false;
	s.spi = 0x1002;
	id = harness_add_sa(&H, &s);
	assert_true(id > 0);
	assert_int_equal(send_n(16, 10), 16);
	assert_int_equal(H.events[DP_EV_SA_SOFT], 1);
	assert_int_equal(H.events[DP_EV_SA_HARD], 1);
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 1);
}

/*
 * Limits are checked where the run of packets of a burst is counted: a
 * burst that crosses both is all sent, raises only the hard event, and the
 * next packet is dropped.
 */
static void
test_burst_crosses_both(void **state)
{
	const struct dp_sa_lifetime life = {.soft_pkts = 3, .hard_pkts = 5};
	int id = add_sa(CFG_DIR_OUT, &life);

	(void)state;
	assert_int_equal(send_n(8, 10), 8);
	expect_events(0, 1, id);
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 1);
}

/* Outbound in bytes (the inner packets'): the soft limit is reached exactly, then the hard. */
static void
test_bytes_outbound(void **state)
{
	const struct dp_sa_lifetime life = {.soft_bytes = 3 * INNER(100),
					    .hard_bytes = 4 * INNER(100) + 1};
	int id = add_sa(CFG_DIR_OUT, &life);

	(void)state;
	assert_int_equal(send_n(2, 100), 2);
	assert_int_equal(send_n(1, 99), 1);
	expect_events(0, 0, id);		/* one byte short */
	assert_int_equal(send_n(1, 1), 1);	/* 380 */
	expect_events(1, 0, id);
	assert_int_equal(send_n(1, 80), 1);	/* 480: one byte short of hard */
	expect_events(1, 0, id);
	assert_int_equal(send_n(1, 0), 1);	/* a bare IPv4 header: 500 */
	expect_events(1, 1, id);
	assert_int_equal(send_n(1, 0), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 1);
}

/* Inbound: packets the peer sends (reflected ESP) count against the inbound SA. */
static void
test_inbound(void **state)
{
	const struct dp_sa_lifetime none = {0};
	const struct dp_sa_lifetime life = {.soft_pkts = 2, .hard_bytes = 3 * INNER(50)};
	struct rte_mbuf *esp[DP_BURST_MAX], *plain[DP_BURST_MAX];
	uint16_t k;
	int in;

	(void)state;
	add_sa(CFG_DIR_OUT, &none);
	in = add_sa(CFG_DIR_IN, &life);
	assert_int_equal(send_burst(5, 50, esp), 5);
	for (int i = 0; i < 5; i++)
		harness_reflect(esp[i]);
	for (int i = 0; i < 3; i++) {
		k = harness_send(&H, H_OUTSIDE, &esp[i], 1, plain, DP_BURST_MAX, NULL);
		assert_int_equal(k, 1);
		rte_pktmbuf_free(plain[0]);
		expect_events(i >= 1, i >= 2, in);
	}
	k = harness_send(&H, H_OUTSIDE, &esp[3], 2, plain, DP_BURST_MAX, NULL);
	assert_int_equal(k, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_HARD_EXPIRY), 2);
	assert_int_equal(harness_drops_total(&H), 2);
	assert_int_equal(sa_ctr(in, DP_SA_CTR_invalid_sa), 2);
	expect_events(1, 1, in);
}

/* Seconds, on the control thread, for an idle SA too; at the exact boundary. */
static void
test_seconds(void **state)
{
	const struct dp_sa_lifetime life = {.soft_sec = 10, .hard_sec = 20};
	int id;

	(void)state;
	clk_fake_advance_ms(&H.fake, 1234);	/* seconds run from installation */
	id = add_sa(CFG_DIR_OUT, &life);
	clk_fake_advance_ns(&H.fake, 10 * CLK_NS_PER_S - 1);
	housekeeping();
	expect_events(0, 0, id);
	clk_fake_advance_ns(&H.fake, 1);
	housekeeping();
	expect_events(1, 0, id);
	assert_int_equal(H.last_event.mono_ns, H.fake.mono_ns);
	housekeeping();
	expect_events(1, 0, id);
	assert_int_equal(send_n(1, 10), 1);	/* soft: still carrying traffic */
	clk_fake_advance_ns(&H.fake, 10 * CLK_NS_PER_S - 1);
	housekeeping();
	assert_int_equal(send_n(1, 10), 1);
	expect_events(1, 0, id);
	clk_fake_advance_ns(&H.fake, 1);
	housekeeping();
	expect_events(1, 1, id);
	assert_int_equal(send_n(1, 10), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_HARD_EXPIRY), 1);
	clk_fake_advance_ms(&H.fake, 60000);
	housekeeping();
	expect_events(1, 1, id);
}

/* Soft by packets, then the soft deadline passes: one soft event; and the other way round. */
static void
test_one_soft_whoever_first(void **state)
{
	const struct dp_sa_lifetime life = {.soft_pkts = 2, .soft_sec = 5, .hard_sec = 100};
	int a, b, c;

	(void)state;
	a = add_sa(CFG_DIR_OUT, &life);
	assert_int_equal(send_n(2, 10), 2);
	expect_events(1, 0, a);
	clk_fake_advance_ms(&H.fake, 5000);
	housekeeping();
	expect_events(1, 0, a);

	/* a second SA (another SPI): time first, then packets */
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)a), 0);
	b = add_sa(CFG_DIR_OUT, &life);
	clk_fake_advance_ms(&H.fake, 5000);
	housekeeping();
	expect_events(2, 0, b);
	assert_int_equal(send_n(2, 10), 2);
	expect_events(2, 0, b);
	/* a deleted SA's deadline raises nothing */
	clk_fake_advance_ms(&H.fake, 100000);
	housekeeping();
	expect_events(2, 1, b);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)b), 0);
	c = add_sa(CFG_DIR_OUT, &life);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)c), 0);
	clk_fake_advance_ms(&H.fake, 200000);
	housekeeping();
	expect_events(2, 1, b);
}

/*
 * The worker's event ring is full when the soft limit is reached: the
 * event waits on the SA and the control thread delivers it, once.
 */
static void
test_ring_full_deferred(void **state)
{
	const struct dp_sa_lifetime life = {.soft_pkts = 1, .hard_pkts = 2};
	struct dp_event filler = {.type = DP_EV_REPLAY};
	struct dp_event_stats st;
	unsigned int filled = 0;
	int id;

	(void)state;
	id = add_sa(CFG_DIR_OUT, &life);
	while (rte_ring_sp_enqueue_elem(H.w->link.events, &filler, sizeof(filler)) == 0)
		filled++;
	assert_int_equal(send_n(1, 10), 1);	/* the soft limit; harness_send drained the ring */
	assert_int_equal(H.events[DP_EV_REPLAY], filled);
	expect_events(0, 0, id);
	dp_event_stats(H.dp, &st);
	assert_int_equal(st.life_deferred, 1);
	assert_int_equal(st.ring_full, 0);	/* not lost */
	housekeeping();
	expect_events(1, 0, id);
	housekeeping();
	expect_events(1, 0, id);		/* once */

	/* the hard one the same way */
	while (rte_ring_sp_enqueue_elem(H.w->link.events, &filler, sizeof(filler)) == 0)
		;
	assert_int_equal(send_n(1, 10), 1);
	assert_int_equal(H.events[DP_EV_SA_HARD], 0);	/* not on the ring: behind the fillers */
	housekeeping();
	expect_events(1, 1, id);
	dp_event_stats(H.dp, &st);
	assert_int_equal(st.life_deferred, 2);
	assert_int_equal(send_n(1, 10), 0);
}

/* Many SAs due at once: more than the control thread's event queue holds, none lost. */
static void
test_many_due_at_once(void **state)
{
	enum { N = DP_CTRL_EVENTS + 44 };
	const struct dp_sa_lifetime life = {.soft_sec = 1};
	uint64_t seen = 0;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2000 + i,
				 .cipher = DP_CIPHER_AES_GCM_128, .standby = true, .life = life};

		assert_true(harness_add_sa(&H, &s) > 0);
	}
	clk_fake_advance_ms(&H.fake, 1000);
	for (int turn = 0; turn < 4; turn++) {
		dp_housekeeping(H.dp);
		harness_control_plane(&H);
		seen = H.events[DP_EV_SA_SOFT];
		if (turn == 0)	/* a queue full, the rest next turn */
			assert_int_equal(seen, DP_CTRL_EVENTS);
	}
	assert_int_equal(seen, N);
}

static const struct view_sa *
view_of(int conn_id, struct view_sa *v, size_t max)
{
	size_t n = dp_sa_list(H.dp, v, max);

	for (size_t i = 0; i < n; i++)
		if (v[i].conn_id == (uint32_t)conn_id)
			return &v[i];
	fail_msg("conn id %d not listed", conn_id);
	return NULL;
}

/* What "show crypto ipsec sa" prints as the remaining key lifetime (k/sec). */
static void
test_remaining_in_view(void **state)
{
	const struct dp_sa_lifetime life = {.soft_bytes = 4000 * 1024,
					    .hard_bytes = 4608000ull * 1024,
					    .soft_sec = 3240, .hard_sec = 3600};
	const struct dp_sa_lifetime secs = {.hard_sec = 100};
	struct view_sa v[4];
	const struct view_sa *s;
	int id, id2;

	(void)state;
	id = add_sa(CFG_DIR_OUT, &life);
	s = view_of(id, v, 4);
	assert_int_equal(s->kb_left, 4608000);
	assert_int_equal(s->sec_left, 3600);
	assert_false(s->kb_disabled);
	assert_int_equal(send_n(4, 1004), 4);	/* 4 KiB of inner packets */
	clk_fake_advance_ms(&H.fake, 33500);
	s = view_of(id, v, 4);
	assert_int_equal(s->kb_left, 4608000 - 4);
	assert_int_equal(s->sec_left, 3600 - 33);
	clk_fake_advance_ms(&H.fake, 4000 * 1000);
	s = view_of(id, v, 4);
	assert_int_equal(s->sec_left, 0);	/* never below zero */

	id2 = harness_add_sa(&H, &(struct h_sa){.dir = CFG_DIR_IN, .spi = 0x3003,
						 .cipher = DP_CIPHER_AES_GCM_128,
						 .replay_window = 64, .life = secs});
	assert_true(id2 > 0);
	s = view_of(id2, v, 4);
	assert_true(s->kb_disabled);		/* no limit in bytes */
	assert_int_equal(s->kb_left, 0);
	assert_int_equal(s->sec_left, 100);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_packets_outbound), T(test_burst_crosses_both), T(test_bytes_outbound),
		T(test_inbound), T(test_seconds), T(test_one_soft_whoever_first),
		T(test_ring_full_deferred), T(test_many_due_at_once), T(test_remaining_in_view),
		T(test_sequence_exhaustion),
	};
#undef T

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
