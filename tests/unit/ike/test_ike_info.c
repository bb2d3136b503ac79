/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INFORMATIONAL between two engines (ike_pair.h), on the fake clock:
 *
 *   DELETE of a CHILD_SA (a hard lifetime), either side first:
 *     HDR, SK{D(ESP, our inbound SPI)}  -->  <--  HDR, SK{D(ESP, its inbound SPI)}
 *   DELETE of the IKE SA (clear crypto ikev2 sa):
 *     HDR, SK{D(IKE)}  -->  <--  HDR, SK{}
 *   liveness checks, periodic and on-demand, answered and not (peer dead);
 *   INITIAL_CONTACT after a restart; INVALID_SPI (RFC 7296 section 1.5) after
 *   one side lost its CHILD_SA; NAT keepalives; the local-only deletion;
 *   the operator's clear crypto sa (DELETE of the CHILD_SA, a new one if the
 *   entry is initiate: on-start) and clear crypto session; the NAT in front
 *   of gwA changing its mapping after IKE_AUTH (section 2.23).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/ike/ike_const.h"
#include "ike_pair.h"

static struct pair P;

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

static unsigned int
live(const struct side *s)
{
	const struct fake_sa *x[PAIR_SAS];

	return pair_live(s, CFG_DIR_IN, x, PAIR_SAS) + pair_live(s, CFG_DIR_OUT, x, PAIR_SAS);
}

static const struct fake_sa *
live_one(const struct side *s, enum cfg_dir dir)
{
	const struct fake_sa *x[PAIR_SAS];

	assert_int_equal(pair_live(s, dir, x, PAIR_SAS), 1);
	return x[0];
}

static uint32_t
handle_of(const struct side *s, const struct fake_sa *f)
{
	return (uint32_t)(f - s->sa);
}

static void
stats(int i, struct view_ike_stats *st)
{
	ike_stats_get(P.s[i].ike, st);
}

static size_t
n_sas(int i)
{
	struct view_ike_sa v[4];

	return ike_sa_list(P.s[i].ike, v, 4);
}

static size_t
n_children(int i)
{
	struct view_ike_child c[8];

	return ike_child_list(P.s[i].ike, 0, c, 8);
}

/* ---- DELETE ---- */

static void
child_delete_from(int i)
{
	const struct fake_sa *out, *in;
	struct view_ike_stats st;
	uint64_t before;

	pair_init(&P, NULL, NULL);
	P.record = true;
	pair_up(&P, 0, 0);
	out = live_one(&P.s[i], CFG_DIR_OUT);
	in = live_one(&P.s[i], CFG_DIR_IN);
	before = P.seq;
	/* the dataplane reports the hard lifetime of the outbound half */
	ike_sa_expired(P.s[i].ike, handle_of(&P.s[i], out), true);
	assert_int_equal(P.qn, 1);
	/* we stop sending on it at once; the inbound half waits for the answer */
	assert_true(out->deleted);
	assert_false(in->deleted);
	pair_pump(&P);
	assert_true(in->deleted);
	assert_true(in->seq_del > before + 1);
	assert_int_equal(live(&P.s[0]), 0);
	assert_int_equal(live(&P.s[1]), 0);
	assert_int_equal(n_children(0), 0);
	assert_int_equal(n_children(1), 0);
	/* the IKE SA stays */
	assert_int_equal(n_sas(0), 1);
	assert_int_equal(n_sas(1), 1);
	stats(i, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_RES], 1);
	stats(1 - i, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_RES], 1);
	/* a new CHILD_SA for the entry can come over the same IKE SA */
	pair_up(&P, i, 0);
	pair_assert_matching(&P);
	assert_int_equal(n_sas(0), 1);
}

static void
test_child_delete_initiator(void **state)
{
	(void)state;
	child_delete_from(0);
}

static void
test_child_delete_responder(void **state)
{
	(void)state;
	child_delete_from(1);
}

static void
test_ike_delete_clear(void **state)
{
	struct ike_addr other = {.family = 4, .ip = {198, 51, 100, 7}, .port = 500};
	struct ike_addr peer = {.family = 4, .ip = {192, 0, 2, 2}, .port = 4500};
	struct view_ike_stats st;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	assert_int_equal(ike_clear(P.s[0].ike, &other), 0);
	assert_int_equal(n_sas(0), 1);
	/* the port does not matter */
	assert_int_equal(ike_clear(P.s[0].ike, &peer), 1);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(live(&P.s[0]), 0);
	assert_int_equal(P.s[0].dels, 2);
	assert_true(pair_logged(&P.s[0], "SA_DOWN: SA DOWN: local 192.0.2.1:500 remote "
					 "192.0.2.2:500, tunnel 1: cleared by the operator"));
	/* the peer follows the DELETE; its answer finds nothing any more */
	pair_pump(&P);
	assert_int_equal(n_sas(1), 0);
	assert_int_equal(live(&P.s[1]), 0);
	assert_true(pair_logged(&P.s[1], "deleted by the peer"));
	stats(1, &st);
	assert_int_equal(st.sa_down, 1);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_REQ], 1);
	stats(0, &st);
	assert_int_equal(st.sa_down, 1);
	assert_int_equal(st.drops[IKE_DROP_UNKNOWN_SPI], 1);
	assert_int_equal(ike_mem_bytes(P.s[0].ike), 0);
	assert_int_equal(ike_mem_bytes(P.s[1].ike), 0);
	/* and everything can start again */
	pair_up(&P, 1, 0);
}

/* ---- liveness ---- */

static bool
lose_all(struct pair *p, const struct pair_msg *m)
{
	(void)p;
	(void)m;
	return false;
}

static void
test_dpd_periodic(void **state)
{
	static const struct pair_opts a = {.profile = "dpd: {interval: 10, retry: 2, "
						      "mode: periodic}"};
	struct view_ike_stats st;
	struct view_ike_sa v;

	(void)state;
	pair_init(&P, &a, NULL);
	pair_up(&P, 0, 0);
	assert_int_equal(ike_sa_list(P.s[0].ike, &v, 1), 1);
	assert_int_equal(v.dpd_interval, 10);
	assert_int_equal(v.dpd_retry, 2);
	assert_int_equal(ike_next_timeout(P.s[0].ike), 10000);
	/*
	 * gwA                     gwB
	 * HDR, SK{}  -->
	 *          <--  HDR, SK{}
	 */
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 1);
	pair_pump(&P);
	stats(0, &st);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_TX_REQ], 1);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_RX_RES], 1);
	stats(1, &st);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_RX_REQ], 1);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_TX_RES], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_RES], 1);

	/* the peer goes silent: a probe every 2 s, then it is declared dead */
	P.filter = lose_all;
	pair_advance(&P, 10000);
	assert_int_equal(pair_pump(&P), 1);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ike_next_timeout(P.s[0].ike), 2000);
		pair_advance(&P, 2000);
		assert_int_equal(pair_pump(&P), 1);
	}
	assert_int_equal(n_sas(0), 1);
	pair_advance(&P, 2000);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(live(&P.s[0]), 0);
	assert_true(pair_logged(&P.s[0], "peer declared dead"));
	assert_true(pair_logged(&P.s[0], "SA_DOWN"));
	stats(0, &st);
	assert_int_equal(st.give_ups, 1);
	assert_int_equal(st.retransmits, 5);
	assert_int_equal(st.sa_down, 1);
}

static void
test_dpd_on_demand(void **state)
{
	static const struct pair_opts a = {.profile = "dpd: {interval: 10, retry: 2}"};
	struct side *s;
	struct fake_sa *out, *in;
	struct view_ike_stats st;

	(void)state;
	pair_init(&P, &a, NULL);
	pair_up(&P, 0, 0);
	s = &P.s[0];
	out = (struct fake_sa *)live_one(s, CFG_DIR_OUT);
	in = (struct fake_sa *)live_one(s, CFG_DIR_IN);
	/* idle both ways: on-demand does not probe */
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 0);
	/* traffic both ways: the peer is alive */
	out->pkts = 10;
	in->pkts = 10;
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 0);
	/* we send, nothing comes back for an interval: probe */
	out->pkts = 20;
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 1);
	pair_pump(&P);
	stats(0, &st);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_TX_REQ], 1);
	assert_int_equal(st.notify[IKE_STAT_N_DPD][IKE_RX_RES], 1);
	/* ESP from the peer is enough: no probe while some arrives */
	out->pkts = 30;
	in->pkts = 11;
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 0);
	/* sending into silence again: probe again */
	out->pkts = 40;
	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 1);
}

/* ---- restarts and lost SAs ---- */

static void
test_initial_contact(void **state)
{
	struct view_ike_sa v[2];
	struct view_ike_stats st;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	/* gwA crashes and comes back: gwB still has the old IKE SA and CHILD_SA */
	pair_restart(&P, 0);
	assert_int_equal(n_sas(1), 1);
	pair_up(&P, 0, 0);
	/* INITIAL_CONTACT made gwB drop the stale ones: one IKE SA, one CHILD_SA pair */
	assert_int_equal(ike_sa_list(P.s[1].ike, v, 2), 1);
	assert_int_equal(v[0].tunnel_id, 2);
	assert_int_equal(n_children(1), 1);
	assert_int_equal(P.s[1].dels, 2);
	assert_true(pair_logged(&P.s[1], "INITIAL_CONTACT from the peer"));
	pair_assert_matching(&P);
	stats(1, &st);
	assert_int_equal(st.notify[IKE_STAT_N_INITIAL_CONTACT][IKE_RX_REQ], 2);
	assert_int_equal(st.sa_down, 1);
}

static void
test_invalid_spi(void **state)
{
	struct ike_addr a = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
	struct ike_addr nobody = {.family = 4, .ip = {203, 0, 113, 9}, .port = 500};
	struct view_ike_stats st;
	uint32_t lost_spi;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	lost_spi = live_one(&P.s[0], CFG_DIR_OUT)->p.spi;
	/* gwB forgets its CHILD_SA (the test command), gwA keeps sending on it */
	assert_int_equal(ike_delete_child_local(P.s[1].ike, 0, 0), 1);
	assert_int_equal(live(&P.s[1]), 0);
	assert_int_equal(P.qn, 0);
	assert_true(pair_logged(&P.s[1], "CHILD_FORGOTTEN"));
	assert_int_equal(ike_delete_child_local(P.s[1].ike, 0, 0), 0);
	/* ESP arrives at gwB for lost_spi: the control thread tells the peer */
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &nobody, lost_spi, 50), -ENOENT);
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &a, lost_spi, 50), 0);
	/*
	 * gwB                                 gwA
	 * HDR, SK{N(INVALID_SPI, SPI)}  -->
	 *                          <--  HDR, SK{}
	 *                          <--  HDR, SK{D(ESP, gwA's old inbound SPI)}
	 * HDR, SK{}                     -->
	 *                          <--  HDR, SK{SA, Ni, TSi, TSr}    (a new CHILD_SA)
	 * HDR, SK{SA, Nr, TSi, TSr}     -->
	 */
	pair_pump(&P);
	assert_null(pair_find(&P.s[0], CFG_DIR_OUT, lost_spi));
	assert_int_equal(live(&P.s[0]), 2);
	assert_int_equal(live(&P.s[1]), 2);
	pair_assert_matching(&P);
	assert_true(pair_logged(&P.s[0], "INVALID_SPI"));
	stats(1, &st);
	assert_int_equal(st.notify[IKE_STAT_N_INVALID_SPI][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_RX_REQ], 1);
	stats(0, &st);
	assert_int_equal(st.notify[IKE_STAT_N_INVALID_SPI][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_TX_REQ], 1);
	/* an INVALID_SPI naming an SPI gwA does not send on changes nothing */
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &a, 0x12345678, 50), 0);
	pair_pump(&P);
	assert_int_equal(live(&P.s[0]), 2);
}

/* ---- clear crypto sa / clear crypto session ---- */

static const struct pair_opts on_start = {.entry0 = "initiate: on-start, "};

/*
 * clear crypto sa on gwB, entry on-traffic: the CHILD_SA goes on both sides,
 * the IKE SA stays.
 *   gwB  HDR, SK{D(ESP, gwB's inbound SPI)}  -->
 *                    <--  HDR, SK{D(ESP, gwA's inbound SPI)}
 */
static void
test_clear_child(void **state)
{
	const struct fake_sa *out;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	out = live_one(&P.s[1], CFG_DIR_OUT);
	assert_int_equal(ike_clear_child(P.s[1].ike, 999), -ENOENT);	/* a manual SA's */
	assert_int_equal(ike_clear_child(P.s[1].ike, handle_of(&P.s[1], out)), 0);
	/* the outbound half stops at once; the other half asked for is on its way out */
	assert_true(out->deleted);
	assert_int_equal(ike_clear_child(P.s[1].ike, handle_of(&P.s[1],
							live_one(&P.s[1], CFG_DIR_IN))), 0);
	assert_true(pair_logged(&P.s[1], "IKEV2-5-CHILD_CLEARED"));
	pair_pump(&P);
	assert_int_equal(live(&P.s[0]), 0);
	assert_int_equal(live(&P.s[1]), 0);
	assert_int_equal(n_sas(0), 1);
	assert_int_equal(n_sas(1), 1);
	assert_int_equal(n_children(0), 0);
	assert_int_equal(n_children(1), 0);
}

/* The same with initiate: on-start: DELETE, then a new CHILD_SA over the same IKE SA. */
static void
test_clear_child_on_start(void **state)
{
	const struct fake_sa *out;
	uint32_t old;

	(void)state;
	pair_init(&P, NULL, &on_start);
	pair_up(&P, 0, 0);
	out = live_one(&P.s[1], CFG_DIR_OUT);
	old = out->p.spi;
	assert_int_equal(ike_clear_child(P.s[1].ike, handle_of(&P.s[1], out)), 0);
	pair_pump(&P);
	assert_int_equal(n_sas(1), 1);
	assert_int_equal(n_children(1), 1);
	assert_int_not_equal(live_one(&P.s[1], CFG_DIR_OUT)->p.spi, old);
	pair_assert_matching(&P);
}

/* clear crypto session: the IKE SA goes on both sides; on-start brings a new one up. */
static void
test_clear_session(void **state)
{
	struct ike_addr a = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
	struct ike_addr nobody = {.family = 4, .ip = {203, 0, 113, 9}, .port = 500};
	struct view_ike_sa v[2];

	(void)state;
	pair_init(&P, NULL, &on_start);
	pair_up(&P, 0, 0);
	assert_int_equal(ike_clear_session(P.s[1].ike, &nobody), 0);
	assert_int_equal(ike_clear_session(P.s[1].ike, &a), 1);
	pair_pump(&P);
	assert_int_equal(ike_sa_list(P.s[1].ike, v, 2), 1);
	assert_int_equal(v[0].status, VIEW_IKE_READY);
	assert_true(v[0].initiator);
	assert_int_equal(n_sas(0), 1);
	assert_int_equal(live(&P.s[0]), 2);
	pair_assert_matching(&P);
	/* gwA's entry is on-traffic: after its clear, nothing comes back */
	assert_int_equal(ike_clear_session(P.s[0].ike, NULL), 1);
	pair_pump(&P);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(n_sas(1), 0);
	assert_int_equal(live(&P.s[0]), 0);
	assert_int_equal(live(&P.s[1]), 0);
}

/* ---- a NAT mapping that changes (section 2.23) ---- */

static const struct pair_opts dpd10 = {.profile = "dpd: {interval: 10, retry: 2, mode: periodic}"};

/* gwA's next liveness check, taken off the queue (not delivered). */
static struct pair_msg
next_probe(void)
{
	struct pair_msg m;

	pair_advance(&P, 10000);
	assert_int_equal(P.qn, 1);
	m = P.q[P.qh];
	assert_int_equal(m.from, 0);
	return m;
}

/*
 * gwA behind a NAT that maps 4500 to 44500, then (say after a reboot of the
 * NAT) to 54500. gwA's liveness check arrives from the new port:
 *   gwA:4500 -> NAT -> gwB:4500 from 54500   HDR, SK{}       (authenticated)
 *   gwB follows: IKE SA and both CHILD_SA halves to 54500; the answer gets through
 *   gwB:4500 -> NAT 54500 -> gwA:4500        HDR, SK{}
 * Before that, a message with a broken ICV from yet another port moves nothing.
 */
static void
test_nat_mapping_change(void **state)
{
	const struct fake_sa *in, *out;
	struct ike_addr gwb = {.family = 4, .ip = {192, 0, 2, 2}, .port = 4500};
	struct ike_addr from = {.family = 4, .ip = {192, 0, 2, 1}, .port = 61000};
	struct view_ike_sa v;
	struct pair_msg m;

	(void)state;
	pair_init(&P, &dpd10, NULL);
	P.nat = true;
	pair_up(&P, 0, 0);
	out = live_one(&P.s[1], CFG_DIR_OUT);
	in = live_one(&P.s[1], CFG_DIR_IN);
	assert_int_equal(out->p.peer_port, 44500);
	/* junk with gwA's SPIs from another port: the ICV fails, nothing follows it */
	m = next_probe();
	m.buf[m.len - 1] ^= 0x01;
	ike_input(P.s[1].ike, &gwb, &from, m.buf, m.len);
	assert_int_equal(out->moves, 0);
	assert_int_equal(ike_sa_list(P.s[1].ike, &v, 1), 1);
	assert_int_equal(v.remote.port, 44500);
	/* the NAT's mapping changes; the real probe comes through it */
	P.nat_offset = 50000;
	pair_pump(&P);
	assert_int_equal(ike_sa_list(P.s[1].ike, &v, 1), 1);
	assert_int_equal(v.remote.port, 54500);
	assert_int_equal(out->moves, 1);
	assert_int_equal(in->moves, 1);
	assert_int_equal(out->p.peer_port, 54500);
	assert_true(out->p.udp_encap);
	assert_true(pair_logged(&P.s[1], "IKEV2-5-PEER_MOVED"));
	assert_true(pair_logged(&P.s[1], "192.0.2.1:44500 now at 192.0.2.1:54500"));
	/* the answer reached gwA through the new mapping: its IKE SA is alive, nothing waits */
	assert_int_equal(P.dropped, 0);
	assert_int_equal(n_sas(0), 1);
	assert_int_equal(ike_next_timeout(P.s[0].ike), 10000);
	/* the next probe from the same port moves nothing again */
	pair_advance(&P, 10000);
	pair_pump(&P);
	assert_int_equal(out->moves, 1);
}

/* Without a NAT in front of gwA, an authenticated message from another port is not followed. */
static void
test_no_nat_not_followed(void **state)
{
	const struct fake_sa *out;
	struct ike_addr gwb = {.family = 4, .ip = {192, 0, 2, 2}, .port = 500};
	struct ike_addr from = {.family = 4, .ip = {192, 0, 2, 1}, .port = 61000};
	struct view_ike_sa v;
	struct pair_msg m;
	uint32_t msgid;

	(void)state;
	pair_init(&P, &dpd10, NULL);
	pair_up(&P, 0, 0);
	out = live_one(&P.s[1], CFG_DIR_OUT);
	m = next_probe();
	P.qn = 0;
	assert_int_equal(ike_sa_list(P.s[1].ike, &v, 1), 1);
	msgid = v.msgid_rx;
	ike_input(P.s[1].ike, &gwb, &from, m.buf, m.len);
	assert_int_equal(out->moves, 0);
	assert_int_equal(ike_sa_list(P.s[1].ike, &v, 1), 1);
	assert_int_equal(v.remote.port, 500);
	assert_int_equal(v.msgid_rx, msgid + 1);	/* it was processed all the same */
	assert_false(pair_logged(&P.s[1], "PEER_MOVED"));
}

/* ---- NAT keepalives ---- */

static void
test_keepalive(void **state)
{
	struct view_ike_stats st;
	struct fake_sa *out;

	(void)state;
	pair_init(&P, NULL, NULL);
	P.nat = true;
	pair_up(&P, 0, 0);
	out = (struct fake_sa *)live_one(&P.s[0], CFG_DIR_OUT);
	/* only gwA is behind the NAT; nat_keepalive defaults to 20 s */
	assert_int_equal(ike_next_timeout(P.s[0].ike), 20000);
	assert_true(ike_next_timeout(P.s[1].ike) > 20000);	/* its IKE SA rekey */
	pair_advance(&P, 19999);
	assert_int_equal(P.s[0].keepalives, 0);
	pair_advance(&P, 1);
	assert_int_equal(P.s[0].keepalives, 1);
	pair_advance(&P, 20000);
	assert_int_equal(P.s[0].keepalives, 2);
	/* ESP going out keeps the mapping: no keepalive needed */
	out->pkts = 100;
	pair_advance(&P, 20000);
	assert_int_equal(P.s[0].keepalives, 2);
	pair_advance(&P, 20000);
	assert_int_equal(P.s[0].keepalives, 3);
	assert_int_equal(P.s[1].keepalives, 0);
	stats(0, &st);
	assert_int_equal(st.keepalives, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_child_delete_initiator, teardown),
		cmocka_unit_test_teardown(test_child_delete_responder, teardown),
		cmocka_unit_test_teardown(test_ike_delete_clear, teardown),
		cmocka_unit_test_teardown(test_dpd_periodic, teardown),
		cmocka_unit_test_teardown(test_dpd_on_demand, teardown),
		cmocka_unit_test_teardown(test_initial_contact, teardown),
		cmocka_unit_test_teardown(test_invalid_spi, teardown),
		cmocka_unit_test_teardown(test_keepalive, teardown),
		cmocka_unit_test_teardown(test_clear_child, teardown),
		cmocka_unit_test_teardown(test_clear_child_on_start, teardown),
		cmocka_unit_test_teardown(test_clear_session, teardown),
		cmocka_unit_test_teardown(test_nat_mapping_change, teardown),
		cmocka_unit_test_teardown(test_no_nat_not_followed, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
