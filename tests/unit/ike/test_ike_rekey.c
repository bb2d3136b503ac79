/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA between two engines (ike_pair.h), on the fake clock:
 *
 *   CHILD_SA rekey at the soft lifetime, from either side:
 *     HDR, SK{N(REKEY_SA), SA, Ni, KEi, TSi, TSr}  -->
 *                            <--  HDR, SK{SA, Nr, KEr, TSi, TSr}
 *     HDR, SK{D(ESP, old)}   -->
 *                            <--  HDR, SK{D(ESP, old)}
 *     the old inbound halves linger delete_rekeyed_delay (5 s);
 *   the responder's switch when the DELETE does not come (5 s);
 *   both sides rekeying the same CHILD_SA at once (RFC 7296 2.8.1);
 *   IKE SA rekey at the profile's lifetime, from either side, CHILD_SAs kept;
 *   both sides rekeying the IKE SA at once; ike_recreate_child.
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

static const struct pair_opts pfs = {.entry0 = "pfs: group19, "};

/* The CHILD_SA of side i that carries traffic; asserts there is exactly one. */
static struct view_ike_child
active_child(int i)
{
	struct view_ike_child c[8], a = {0};
	size_t n = ike_child_list(P.s[i].ike, 0, c, 8);
	int found = 0;

	for (size_t k = 0; k < n; k++)
		if (c[k].active && !c[k].rekeyed) {
			a = c[k];
			found++;
		}
	assert_int_equal(found, 1);
	return a;
}

static size_t
n_children(int i)
{
	struct view_ike_child c[8];

	return ike_child_list(P.s[i].ike, 0, c, 8);
}

/* Both sides use the same pair: our inbound SPI is the peer's outbound, with the same keys. */
static void
assert_active_pair(void)
{
	struct view_ike_child a = active_child(0), b = active_child(1);
	const struct fake_sa *ai = pair_find(&P.s[0], CFG_DIR_IN, a.spi_in);
	const struct fake_sa *bo = pair_find(&P.s[1], CFG_DIR_OUT, b.spi_out);

	assert_int_equal(a.spi_in, b.spi_out);
	assert_int_equal(a.spi_out, b.spi_in);
	assert_non_null(ai);
	assert_non_null(bo);
	assert_true(bo->active);
	assert_memory_equal(ai->ck.b, bo->ck.b, ai->ck.len);
	assert_true(pair_find(&P.s[0], CFG_DIR_OUT, a.spi_out)->active);
}

static uint32_t
out_handle(int i)
{
	return active_child(i).handle_out;
}

static uint64_t
sent_seq(int from, uint8_t exchange, int nth)
{
	for (unsigned int i = 0; i < P.n_sent; i++)
		if (P.sent[i].from == from && P.sent[i].buf[18] == exchange && --nth == 0)
			return P.sent[i].seq;
	fail_msg("no such message");
	return 0;
}

/* ---- CHILD_SA rekey ---- */

static void
child_rekey_from(int i)
{
	struct view_ike_child before, after, peer;
	struct view_ike_stats st;
	const struct fake_sa *old_in, *new_out_peer, *new_in;
	uint64_t resp, del;

	pair_init(&P, &pfs, &pfs);
	P.record = true;
	pair_up(&P, 0, 0);
	before = active_child(i);
	/* the dataplane's soft lifetime on either half starts it, once */
	ike_sa_expired(P.s[i].ike, before.handle_out, false);
	ike_sa_expired(P.s[i].ike, before.handle_in, false);
	assert_int_equal(P.qn, 1);
	pair_pump(&P);

	after = active_child(i);
	peer = active_child(1 - i);
	assert_int_not_equal(after.spi_in, before.spi_in);
	assert_int_equal(after.pfs_group, IKE_DH_ECP256);
	assert_active_pair();
	/* the old pair: outbound halves gone on both sides, inbound halves lingering */
	assert_null(pair_find(&P.s[i], CFG_DIR_OUT, before.spi_out));
	assert_null(pair_find(&P.s[1 - i], CFG_DIR_OUT, before.spi_in));
	old_in = pair_find(&P.s[i], CFG_DIR_IN, before.spi_in);
	assert_non_null(old_in);
	assert_non_null(pair_find(&P.s[1 - i], CFG_DIR_IN, before.spi_out));
	assert_int_equal(n_children(0), 2);
	assert_int_equal(n_children(1), 2);

	/* the order: the responder installs before answering, switches at the DELETE */
	resp = sent_seq(1 - i, IKE_CREATE_CHILD_SA, 1);
	del = sent_seq(i, IKE_INFORMATIONAL, 1);
	new_out_peer = pair_find(&P.s[1 - i], CFG_DIR_OUT, peer.spi_out);
	new_in = pair_find(&P.s[i], CFG_DIR_IN, after.spi_in);
	assert_true(pair_find(&P.s[1 - i], CFG_DIR_IN, peer.spi_in)->seq_add < resp);
	assert_true(new_out_peer->seq_add < resp);
	assert_true(new_out_peer->seq_activate > del);
	assert_true(new_in->seq_add > resp && new_in->seq_add < del);

	ike_stats_get(P.s[i].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_RX_RES], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_TX_REQ], 1);
	assert_int_equal(st.notify[IKE_STAT_N_REKEY_SA][IKE_TX_REQ], 1);
	ike_stats_get(P.s[1 - i].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_TX_RES], 1);

	/* delete_rekeyed_delay later the old inbound halves go */
	pair_advance(&P, 4999);
	assert_false(old_in->deleted);
	pair_advance(&P, 1);
	assert_true(old_in->deleted);
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	pair_assert_matching(&P);
	assert_int_equal(P.qn, 0);
}

static void
test_child_rekey_initiator(void **state)
{
	(void)state;
	child_rekey_from(0);
}

static void
test_child_rekey_responder(void **state)
{
	(void)state;
	child_rekey_from(1);
}

static bool hold_info;

static bool
hold_info_from_b(struct pair *p, const struct pair_msg *m)
{
	(void)p;
	return !(hold_info && m->from == 1 && m->buf[18] == IKE_INFORMATIONAL);
}

/* The initiator's DELETE does not arrive: the responder switches on its own after 5 s. */
static void
test_child_rekey_switch_without_delete(void **state)
{
	struct view_ike_child b_old, a_new;
	struct view_ike_child c[4];
	size_t n;
	bool inactive = false;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	b_old = active_child(1);
	hold_info = true;
	P.filter = hold_info_from_b;
	ike_sa_expired(P.s[1].ike, b_old.handle_in, false);
	pair_pump(&P);
	/* gwA answered and installed the new pair, outbound not yet in use */
	n = ike_child_list(P.s[0].ike, 0, c, 4);
	assert_int_equal(n, 2);
	for (size_t k = 0; k < n; k++)
		inactive |= !c[k].active && c[k].handle_out != UINT32_MAX;
	assert_true(inactive);
	pair_advance(&P, 999);		/* gwB's DELETE is retransmitted, and held */
	pair_pump(&P);
	pair_advance(&P, 4000);
	pair_pump(&P);
	assert_int_equal(active_child(0).spi_out, b_old.spi_in);
	pair_advance(&P, 1);
	a_new = active_child(0);
	assert_int_not_equal(a_new.spi_out, b_old.spi_in);
	/* the DELETE gets through at last: the old pair goes */
	hold_info = false;
	pair_advance(&P, 10000);
	pair_pump(&P);
	pair_advance(&P, 5000);
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	pair_assert_matching(&P);
}

static void
test_child_rekey_collision(void **state)
{
	struct view_ike_stats sa, sb;
	struct view_ike_child a0, b0;

	(void)state;
	pair_init(&P, &pfs, &pfs);
	pair_up(&P, 0, 0);
	a0 = active_child(0);
	b0 = active_child(1);
	ike_set_debug(P.s[0].ike, true);
	ike_set_debug(P.s[1].ike, true);
	/* both soft lifetimes at once: two REKEY_SA requests cross */
	ike_sa_expired(P.s[0].ike, a0.handle_out, false);
	ike_sa_expired(P.s[1].ike, b0.handle_out, false);
	assert_int_equal(P.qn, 2);
	pair_pump(&P);
	/* the four nonces decide, the same way on both sides */
	assert_true(pair_logged(&P.s[0], "collision lost") != pair_logged(&P.s[1], "collision lost"));
	assert_true(pair_logged(&P.s[0], "collision won") != pair_logged(&P.s[1], "collision won"));
	pair_advance(&P, 5000);
	pair_pump(&P);
	/* one new pair survives, on both sides the same; the redundant one and the old are gone */
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	assert_active_pair();
	assert_int_not_equal(active_child(0).spi_in, a0.spi_in);
	pair_assert_matching(&P);
	ike_stats_get(P.s[0].ike, &sa);
	ike_stats_get(P.s[1].ike, &sb);
	assert_int_equal(sa.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_TX_REQ], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_TX_REQ], 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_RX_REQ], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_RX_REQ], 1);
	/* two DELETEs: the old CHILD_SA by the winner, the redundant one by the loser */
	assert_int_equal(sa.exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_REQ] +
				 sb.exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_REQ],
			 2);
}

/* A hard lifetime on the old inbound half while it lingers: it just goes. */
static void
test_hard_expiry_lingering(void **state)
{
	struct view_ike_child a0;

	(void)state;
	pair_init(&P, NULL, NULL);
	pair_up(&P, 0, 0);
	a0 = active_child(0);
	ike_sa_expired(P.s[0].ike, a0.handle_out, false);
	pair_pump(&P);
	assert_int_equal(n_children(0), 2);
	ike_sa_expired(P.s[0].ike, a0.handle_in, true);
	assert_int_equal(P.qn, 0);
	assert_int_equal(n_children(0), 1);
	assert_null(pair_find(&P.s[0], CFG_DIR_IN, a0.spi_in));
	/* and a hard lifetime of the one in use deletes it at the peer too */
	ike_sa_expired(P.s[0].ike, out_handle(0), true);
	pair_pump(&P);
	assert_int_equal(n_children(0), 0);
	assert_int_equal(n_children(1), 1);	/* gwB's old one still lingers */
	pair_advance(&P, 5000);
	assert_int_equal(n_children(1), 0);
}

/* ---- IKE SA rekey ---- */

static void
ike_rekey_from(int i)
{
	struct pair_opts o = {.profile = "lifetime: 120"};
	struct view_ike_sa before[2], after[2];
	struct view_ike_child a0;
	struct view_ike_stats st;

	pair_init(&P, i == 0 ? &o : NULL, i == 1 ? &o : NULL);
	pair_up(&P, 0, 0);
	a0 = active_child(0);
	assert_int_equal(ike_sa_list(P.s[0].ike, &before[0], 1), 1);
	assert_int_equal(ike_sa_list(P.s[1].ike, &before[1], 1), 1);
	assert_in_range(ike_next_timeout(P.s[i].ike), 108000, 120000);
	/*
	 * rekeyer                                other
	 * HDR, SK{SA(IKE, SPIi'), Ni, KEi}  -->
	 *                  <--  HDR, SK{SA(IKE, SPIr'), Nr, KEr}
	 * HDR, SK{D(IKE)} (old SA)          -->
	 *                  <--  HDR, SK{}
	 */
	pair_advance(&P, 120000);
	assert_int_equal(P.qn, 1);
	pair_pump(&P);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(ike_sa_list(P.s[k].ike, &after[k], 2), 1);
		assert_int_equal(after[k].status, VIEW_IKE_READY);
		assert_int_not_equal(after[k].tunnel_id, before[k].tunnel_id);
		assert_true(after[k].spi_local != before[k].spi_local);
		assert_int_equal(after[k].n_children, 1);
		assert_string_equal(after[k].remote_id, before[k].remote_id);
		assert_int_equal(after[k].msgid_tx, 0);
		assert_false(pair_logged(&P.s[k], "SA_DOWN"));
		assert_true(pair_logged(&P.s[k], "SA_REKEYED"));
	}
	assert_true(after[0].spi_local == after[1].spi_remote);
	/* the rekey's initiator is the new IKE SA's original initiator */
	assert_true(after[i].initiator);
	assert_false(after[1 - i].initiator);
	/* the CHILD_SAs did not move in the dataplane */
	assert_int_equal(active_child(0).spi_in, a0.spi_in);
	assert_int_equal(P.s[0].adds, 2);
	assert_int_equal(P.s[0].dels, 0);
	ike_stats_get(P.s[i].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_RX_RES], 1);
	ike_stats_get(P.s[1 - i].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_TX_RES], 1);
	assert_int_equal(st.sa_down, 0);
	/* the new IKE SA's keys work both ways: a CHILD_SA rekey over it, from each side */
	ike_sa_expired(P.s[0].ike, out_handle(0), false);
	pair_pump(&P);
	ike_sa_expired(P.s[1].ike, out_handle(1), false);
	pair_pump(&P);
	pair_advance(&P, 5000);
	assert_active_pair();
	assert_int_equal(n_children(0), 1);
	ike_stats_get(P.s[0].ike, &st);
	assert_int_equal(st.drops[IKE_DROP_ICV], 0);
	assert_int_equal(st.drops[IKE_DROP_UNKNOWN_SPI], 0);
}

static void
test_ike_rekey_by_initiator(void **state)
{
	(void)state;
	ike_rekey_from(0);
}

static void
test_ike_rekey_by_responder(void **state)
{
	(void)state;
	ike_rekey_from(1);
}

static void
test_ike_rekey_collision(void **state)
{
	static const struct pair_opts o = {.profile = "lifetime: 120"};
	struct view_ike_sa v[2];
	struct view_ike_stats sa, sb;

	(void)state;
	pair_init(&P, &o, &o);
	pair_up(&P, 0, 0);
	/* both lifetimes end before anything is delivered: the requests cross */
	pair_advance(&P, 120000);
	assert_int_equal(P.qn, 2);
	pair_pump(&P);
	/* both refused with TEMPORARY_FAILURE; each tries again after 2..10 s, one first */
	for (int k = 0; k < 2000; k++) {
		pair_advance(&P, 10);
		pair_pump(&P);
	}
	assert_int_equal(ike_sa_list(P.s[0].ike, v, 2), 1);
	assert_int_equal(v[0].status, VIEW_IKE_READY);
	assert_int_equal(ike_sa_list(P.s[1].ike, v, 2), 1);
	assert_int_equal(v[0].status, VIEW_IKE_READY);
	ike_stats_get(P.s[0].ike, &sa);
	ike_stats_get(P.s[1].ike, &sb);
	assert_true(sa.notify[IKE_STAT_N_TEMPORARY_FAILURE][IKE_TX_RES] >= 1);
	assert_true(sb.notify[IKE_STAT_N_TEMPORARY_FAILURE][IKE_TX_RES] >= 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_RX_RES] +
				 sb.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_RX_RES],
			 sa.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_TX_REQ] +
				 sb.exchange[IKE_STAT_X_CHILD_IKE_REKEY][IKE_TX_REQ]);
	assert_int_equal(n_children(0), 1);
	assert_active_pair();
}

/* ---- ike_recreate_child ---- */

static void
test_recreate_child(void **state)
{
	struct view_ike_child a0;
	struct view_ike_sa v;

	(void)state;
	pair_init(&P, NULL, NULL);
	/* no IKE SA: a new one, as ike_initiate would */
	assert_int_equal(ike_recreate_child(P.s[0].ike, 0, 0), 0);
	assert_int_equal(ike_recreate_child(P.s[0].ike, 0, 0), -EALREADY);
	assert_int_equal(ike_recreate_child(P.s[0].ike, 3, 0), -EINVAL);
	pair_pump(&P);
	a0 = active_child(0);
	/* over the IKE SA: a new CHILD_SA, then the old one is deleted */
	assert_int_equal(ike_recreate_child(P.s[0].ike, 0, 0), 0);
	assert_int_equal(ike_recreate_child(P.s[0].ike, 0, 0), -EALREADY);
	pair_pump(&P);
	assert_int_not_equal(active_child(0).spi_in, a0.spi_in);
	assert_active_pair();
	assert_null(pair_find(&P.s[1], CFG_DIR_OUT, a0.spi_in));
	pair_advance(&P, 5000);
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	pair_assert_matching(&P);
	assert_int_equal(ike_sa_list(P.s[0].ike, &v, 1), 1);
	assert_int_equal(v.tunnel_id, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_child_rekey_initiator, teardown),
		cmocka_unit_test_teardown(test_child_rekey_responder, teardown),
		cmocka_unit_test_teardown(test_child_rekey_switch_without_delete, teardown),
		cmocka_unit_test_teardown(test_child_rekey_collision, teardown),
		cmocka_unit_test_teardown(test_hard_expiry_lingering, teardown),
		cmocka_unit_test_teardown(test_ike_rekey_by_initiator, teardown),
		cmocka_unit_test_teardown(test_ike_rekey_by_responder, teardown),
		cmocka_unit_test_teardown(test_ike_rekey_collision, teardown),
		cmocka_unit_test_teardown(test_recreate_child, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
