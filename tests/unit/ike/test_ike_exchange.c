/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_SA_INIT and IKE_AUTH between two engines (ike_pair.h), both running
 * dpsec's IKEv2, with a fake clock and fake dataplanes:
 *
 *   gwA (initiator)                                   gwB (responder)
 *   HDR, SAi1, KEi, Ni, N(NAT-D src), N(NAT-D dst)  -->
 *                    <--  HDR, SAr1, KEr, Nr, N(NAT-D src), N(NAT-D dst)
 *   [inbound CHILD half installed]
 *   HDR, SK{IDi, N(INITIAL_CONTACT), AUTH, SAi2, TSi, TSr}  -->
 *                              [inbound, outbound inactive installed]
 *                    <--  HDR, SK{IDr, AUTH, SAr2, TSi, TSr}
 *                              [outbound activated]
 *   [outbound installed, activated]
 *
 * What is checked: both sides install CHILD_SA halves that pair up (our
 * inbound SPI and keys are the peer's outbound ones), in the order that
 * loses no packet; the views say READY; counters move; NAT detection moves
 * IKE to 4500 and encapsulates ESP; a lost response is answered from the
 * cache; an unanswered request is retransmitted with backoff, then given up;
 * narrowing and a refused CHILD_SA; a second CHILD_SA by CREATE_CHILD_SA
 * with PFS; no secret in any log line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

static const struct view_ike_sa *
only_sa(const struct side *s, struct view_ike_sa *v)
{
	assert_int_equal(ike_sa_list(s->ike, v, 4), 1);
	return v;
}

/* ---- the basic exchange ---- */

static void
test_setup_gcm(void **state)
{
	struct view_ike_sa va, vb;
	struct view_ike_child c[4];
	struct view_ike_stats st;
	const struct fake_sa *out[4];

	(void)state;
	pair_init(&P, NULL, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), -EALREADY);
	pair_pump(&P);
	assert_int_equal(P.delivered, 4);

	only_sa(&P.s[0], &va);
	only_sa(&P.s[1], &vb);
	assert_int_equal(va.status, VIEW_IKE_READY);
	assert_int_equal(vb.status, VIEW_IKE_READY);
	assert_true(va.initiator);
	assert_false(vb.initiator);
	assert_true(va.spi_local == vb.spi_remote && va.spi_remote == vb.spi_local);
	assert_int_equal(va.encr, IKE_ENCR_AES_GCM_16);
	assert_int_equal(va.encr_bits, 256);
	assert_int_equal(va.integ, IKE_INTEG_NONE);
	assert_int_equal(va.prf, IKE_PRF_HMAC_SHA2_384);
	assert_int_equal(va.dh, IKE_DH_ECP256);
	assert_int_equal(vb.auth_remote, IKE_AUTH_SHARED_KEY_MIC);
	assert_string_equal(va.local_id, "192.0.2.1");
	assert_string_equal(va.remote_id, "192.0.2.2");
	assert_string_equal(vb.remote_id, "192.0.2.1");
	assert_string_equal(vb.profile, "PROF");
	assert_int_equal(va.msgid_tx, 2);
	assert_int_equal(vb.msgid_rx, 2);
	assert_int_equal(va.n_children, 1);
	assert_false(va.nat_local || va.nat_remote || vb.nat_local || vb.nat_remote);
	assert_int_equal(va.local.port, 500);

	/* one CHILD_SA each side, both halves in, outbound active */
	assert_int_equal(P.s[0].adds, 2);
	assert_int_equal(P.s[1].adds, 2);
	assert_int_equal(P.s[0].activates, 1);
	assert_int_equal(P.s[1].activates, 1);
	pair_assert_matching(&P);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_OUT, out, 4), 1);
	assert_true(out[0]->active);
	assert_int_equal(out[0]->p.cipher, DP_CIPHER_AES_GCM_256);
	assert_int_equal(out[0]->ck.len, 36);	/* key | salt (RFC 4106 8.1) */
	assert_false(out[0]->p.udp_encap);
	assert_false(out[0]->p.manual);
	assert_int_equal(out[0]->p.map, 0);
	assert_int_equal(out[0]->p.entry, 0);
	/* lifetimes: hard = the entry's, soft 85..90 % */
	assert_int_equal(out[0]->p.life.hard_sec, 3600);
	assert_in_range(out[0]->p.life.soft_sec, 3060, 3240);
	assert_int_equal(out[0]->p.life.hard_bytes, 4608000ull * 1024);
	assert_true(out[0]->p.life.soft_bytes <= 4608000ull * 1024 * 9 / 10);
	assert_true(out[0]->p.life.soft_bytes >= 4608000ull * 1024 * 85 / 100);

	assert_int_equal(ike_child_list(P.s[1].ike, vb.tunnel_id, c, 4), 1);
	assert_true(c[0].active);
	assert_int_equal(c[0].pfs_group, 0);
	assert_int_equal(c[0].spi_out, pair_live(&P.s[1], CFG_DIR_OUT, out, 4) ? out[0]->p.spi : 0);

	ike_stats_get(P.s[0].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_RX_RES], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_AUTH][IKE_TX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_RES], 1);
	assert_int_equal(st.notify[IKE_STAT_N_NAT_DETECTION_SOURCE_IP][IKE_TX_REQ], 1);
	assert_int_equal(st.notify[IKE_STAT_N_NAT_DETECTION_SOURCE_IP][IKE_RX_RES], 1);
	assert_int_equal(st.notify[IKE_STAT_N_INITIAL_CONTACT][IKE_TX_REQ], 1);
	assert_int_equal(st.sa_up, 1);
	assert_int_equal(st.no_nat, 1);
	ike_stats_get(P.s[1].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_TX_RES], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_AUTH][IKE_TX_RES], 1);
	assert_int_equal(st.notify[IKE_STAT_N_INITIAL_CONTACT][IKE_RX_REQ], 1);
	assert_int_equal(st.sa_up, 1);
	assert_int_equal(st.half_open, 0);
	for (int i = 0; i < IKE_DROP__COUNT; i++)
		assert_int_equal(st.drops[i], 0);

	assert_true(pair_logged(&P.s[0], "%IKEV2-5-SA_UP: SA UP: local 192.0.2.1:500 remote "
					 "192.0.2.2:500"));
	assert_true(pair_logged(&P.s[1], "remote 192.0.2.1:500"));
	assert_true(ike_mem_bytes(P.s[0].ike) > 0);
	/* nothing more to do until the IKE SA's rekey: 90..100 % of the profile's lifetime */
	assert_in_range(ike_next_timeout(P.s[0].ike), 86400 * 900, 86400 * 1000);
	assert_in_range(ike_next_timeout(P.s[1].ike), 86400 * 900, 86400 * 1000);

	ike_stats_clear(P.s[1].ike);
	ike_stats_get(P.s[1].ike, &st);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 0);
	assert_int_equal(st.sa_up, 0);
}

/* The seq stamp of side i's n-th message of an exchange (1-based). */
static uint64_t
sent_seq(int from, uint8_t exchange, int nth)
{
	for (unsigned int i = 0; i < P.n_sent; i++)
		if (P.sent[i].from == from && P.sent[i].buf[18] == exchange && --nth == 0)
			return P.sent[i].seq;
	fail_msg("no such message");
	return 0;
}

static void
test_installation_order(void **state)
{
	const struct fake_sa *a_in[2], *a_out[2], *b_in[2], *b_out[2];
	uint64_t a_auth, b_auth;

	(void)state;
	pair_init(&P, NULL, NULL);
	P.record = true;
	pair_up(&P, 0, 0);
	a_auth = sent_seq(0, IKE_AUTH, 1);
	b_auth = sent_seq(1, IKE_AUTH, 1);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_IN, a_in, 2), 1);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_OUT, a_out, 2), 1);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, b_in, 2), 1);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_OUT, b_out, 2), 1);
	/* initiator: inbound before the request that lets the peer use it */
	assert_true(a_in[0]->seq_add < a_auth);
	/* initiator: outbound installed inactive at the answer, then activated */
	assert_true(a_out[0]->seq_add > b_auth);
	assert_false(a_out[0]->p.activate);
	assert_true(a_out[0]->seq_activate > a_out[0]->seq_add);
	/* responder: inbound and outbound (inactive) before the answer, activated after it */
	assert_true(b_in[0]->seq_add < b_auth);
	assert_true(b_out[0]->seq_add < b_auth);
	assert_false(b_out[0]->p.activate);
	assert_true(b_out[0]->seq_activate > b_auth);
}

/* ---- other suites, identities, NAT ---- */

static void
test_setup_cbc_fqdn(void **state)
{
	static const char prop[] =
		"{encryption: [aes-cbc-128, aes-cbc-256], integrity: [sha256], group: [14]}";
	static const struct pair_opts a = {
		.proposal = prop,
		.transforms = "esp-aes 256, esp-sha256-hmac",
		.id_local = "identity_local: {fqdn: gwa.example}",
		.match_remote = "{fqdn: GWB.example}",
	};
	static const struct pair_opts b = {
		.proposal = "{encryption: [aes-cbc-256, aes-cbc-128], integrity: [sha512, sha256], "
			    "group: [19, 14]}",
		.transforms = "esp-aes 256, esp-sha256-hmac",
		.id_local = "identity_local: {fqdn: gwb.example}",
		.match_remote = "{fqdn: gwa.example}",
	};
	struct view_ike_sa va, vb;
	const struct fake_sa *out[2];

	(void)state;
	pair_init(&P, &a, &b);
	pair_up(&P, 0, 0);
	only_sa(&P.s[0], &va);
	only_sa(&P.s[1], &vb);
	/* the responder's preference wins (aes-cbc-256 first) within what was offered */
	assert_int_equal(va.encr, IKE_ENCR_AES_CBC);
	assert_int_equal(va.encr_bits, 256);
	assert_int_equal(va.integ, IKE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(va.prf, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(va.dh, IKE_DH_MODP2048);
	assert_string_equal(va.local_id, "gwa.example");
	assert_string_equal(va.remote_id, "gwb.example");
	assert_string_equal(vb.remote_id, "gwa.example");
	pair_assert_matching(&P);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_OUT, out, 2), 1);
	assert_int_equal(out[0]->p.cipher, DP_CIPHER_AES_CBC_256);
	assert_int_equal(out[0]->p.auth, DP_AUTH_HMAC_SHA256_128);
	assert_int_equal(out[0]->ak.len, 32);
}

/* esp-sha384-hmac: the CHILD_SA negotiates integrity 13 (RFC 4868) with a 48-byte key. */
static void
test_child_sha384(void **state)
{
	static const struct pair_opts a = {.transforms = "esp-aes 128, esp-sha384-hmac"};
	const struct fake_sa *out[2], *in[2];

	(void)state;
	pair_init(&P, &a, &a);
	pair_up(&P, 0, 0);
	pair_assert_matching(&P);
	for (int side = 0; side < 2; side++) {
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_OUT, out, 2), 1);
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_IN, in, 2), 1);
		assert_int_equal(out[0]->p.cipher, DP_CIPHER_AES_CBC_128);
		assert_int_equal(out[0]->p.auth, DP_AUTH_HMAC_SHA384_192);
		assert_int_equal(out[0]->ak.len, 48);
		assert_int_equal(in[0]->ak.len, 48);
	}
}

static void
test_setup_nat(void **state)
{
	struct view_ike_sa va, vb;
	struct view_ike_stats st;
	const struct fake_sa *a_out[2], *b_out[2], *b_in[2];

	(void)state;
	pair_init(&P, NULL, NULL);
	P.nat = true;
	pair_up(&P, 0, 0);
	only_sa(&P.s[0], &va);
	only_sa(&P.s[1], &vb);
	/* gwA learns it is behind a NAT from gwB's destination hash, gwB from gwA's source hash */
	assert_true(va.nat_local);
	assert_false(va.nat_remote);
	assert_true(vb.nat_remote);
	assert_false(vb.nat_local);
	/* IKE moved to 4500 (section 2.23); gwB sees the NAT's port */
	assert_int_equal(va.local.port, 4500);
	assert_int_equal(va.remote.port, 4500);
	assert_int_equal(vb.local.port, 4500);
	assert_int_equal(vb.remote.port, 44500);
	pair_assert_matching(&P);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_OUT, a_out, 2), 1);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_OUT, b_out, 2), 1);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, b_in, 2), 1);
	assert_true(a_out[0]->p.udp_encap);
	assert_int_equal(a_out[0]->p.local_port, 4500);
	assert_int_equal(a_out[0]->p.peer_port, 4500);
	assert_true(b_out[0]->p.udp_encap);
	assert_int_equal(b_out[0]->p.local_port, 4500);
	assert_int_equal(b_out[0]->p.peer_port, 44500);
	assert_true(b_in[0]->p.udp_encap);
	ike_stats_get(P.s[0].ike, &st);
	assert_int_equal(st.nat_inside, 1);
	assert_int_equal(st.no_nat, 0);
	ike_stats_get(P.s[1].ike, &st);
	assert_int_equal(st.nat_outside, 1);
	assert_true(pair_logged(&P.s[0], "NAT-T"));
}

/* ---- loss: the cache and retransmission ---- */

static int lost;

static bool
lose_first_auth_response(struct pair *p, const struct pair_msg *m)
{
	(void)p;
	if (m->from == 1 && m->buf[18] == IKE_AUTH && lost == 0) {
		lost++;
		return false;
	}
	return true;
}

static void
test_lost_response_cached(void **state)
{
	struct view_ike_stats sa, sb;
	struct view_ike_sa v;

	(void)state;
	pair_init(&P, NULL, NULL);
	lost = 0;
	P.filter = lose_first_auth_response;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_int_equal(lost, 1);
	only_sa(&P.s[0], &v);
	assert_int_equal(v.status, VIEW_IKE_NEGOTIATING);
	assert_int_equal(ike_next_timeout(P.s[0].ike), 1000);
	pair_advance(&P, 999);
	assert_int_equal(P.qn, 0);
	pair_advance(&P, 1);
	assert_int_equal(P.qn, 1);	/* the IKE_AUTH request again */
	pair_pump(&P);
	only_sa(&P.s[0], &v);
	assert_int_equal(v.status, VIEW_IKE_READY);
	ike_stats_get(P.s[0].ike, &sa);
	ike_stats_get(P.s[1].ike, &sb);
	assert_int_equal(sa.retransmits, 1);
	/* gwB answered from its cache: nothing installed twice, the request counted once */
	assert_int_equal(sb.drops[IKE_DROP_RETRANSMIT], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 1);
	assert_int_equal(P.s[1].adds, 2);
	pair_assert_matching(&P);
}

static bool
lose_all(struct pair *p, const struct pair_msg *m)
{
	(void)p;
	(void)m;
	return false;
}

static void
test_give_up(void **state)
{
	static const uint64_t gaps[] = {1000, 2000, 4000, 8000, 16000};
	struct view_ike_stats st;
	struct view_ike_sa v[2];

	(void)state;
	pair_init(&P, NULL, NULL);
	P.filter = lose_all;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	/* section 2.1: the same request again after 1, 2, 4, 8, 16 s; given up 32 s later */
	for (unsigned int i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		assert_int_equal(ike_next_timeout(P.s[0].ike), gaps[i]);
		pair_advance(&P, gaps[i]);
		assert_int_equal(pair_pump(&P), 1);
	}
	assert_int_equal(ike_next_timeout(P.s[0].ike), 32000);
	pair_advance(&P, 31999);
	assert_int_equal(ike_sa_list(P.s[0].ike, v, 2), 1);
	pair_advance(&P, 1);
	assert_int_equal(pair_pump(&P), 0);
	assert_int_equal(ike_sa_list(P.s[0].ike, v, 2), 0);
	ike_stats_get(P.s[0].ike, &st);
	assert_int_equal(st.retransmits, 5);
	assert_int_equal(st.give_ups, 1);
	assert_int_equal(st.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_TX_REQ], 1);
	assert_true(pair_logged(&P.s[0], "RETRANSMIT_GIVEUP"));
	assert_int_equal(ike_next_timeout(P.s[0].ike), UINT64_MAX);
	assert_int_equal(ike_mem_bytes(P.s[0].ike), 0);
	/* and a new attempt may start */
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
}

/* ---- CHILD_SA selection ---- */

/* One selector per side: 10.0.0.0/24 on gwA's side, 10.0.2.0/24 on gwB's, any protocol. */
static void
assert_ts_24(const struct dp_sa_params *p, bool gwa)
{
	const uint32_t net_a = 0x0a000000, net_b = 0x0a000200;
	const struct dp_ts *a = gwa ? &p->ts_local[0] : &p->ts_remote[0];
	const struct dp_ts *b = gwa ? &p->ts_remote[0] : &p->ts_local[0];

	assert_int_equal(p->n_ts_local, 1);
	assert_int_equal(p->n_ts_remote, 1);
	assert_int_equal(a->addr_start, net_a);
	assert_int_equal(a->addr_end, net_a | 0xff);
	assert_int_equal(b->addr_start, net_b);
	assert_int_equal(b->addr_end, net_b | 0xff);
	assert_int_equal(a->proto, 0);
	assert_int_equal(a->port_start, 0);
	assert_int_equal(a->port_end, 65535);
}

static void
test_narrowing(void **state)
{
	/* gwA asks for a /16 on its side; gwB's ACL only allows the /24 */
	static const struct pair_opts a = {.acl0 = "{src: 10.0.0.0/16, dst: 10.0.2.0/24}"};

	(void)state;
	pair_init(&P, &a, NULL);
	pair_up(&P, 0, 0);
	pair_assert_matching(&P);
	/*
	 * The dataplane gets the narrowed selectors to enforce, not gwA's ACL:
	 * 10.0.0.0/24 <-> 10.0.2.0/24 (gwA's side local to gwA, remote to gwB) on
	 * all four halves. gwA installed its inbound half before sending IKE_AUTH,
	 * with the /16 it proposed: it is narrowed once the response is in.
	 */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(P.s[i].n_sa, 2);
		for (unsigned int k = 0; k < 2; k++)
			assert_ts_24(&P.s[i].sa[k].p, i == 0);
	}
	assert_int_equal(P.s[0].sa[0].p.dir, CFG_DIR_IN);
	assert_int_equal(P.s[0].ts_updates, 1);
	assert_int_equal(P.s[1].ts_updates, 0);
}

static void
test_ts_unacceptable(void **state)
{
	static const struct pair_opts a = {.acl0 = "{src: 10.9.0.0/24, dst: 10.0.2.0/24}"};
	struct view_ike_stats sa, sb;
	struct view_ike_sa v;
	struct view_ike_child c[2];

	(void)state;
	pair_init(&P, &a, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	/* the IKE SA is up (section 1.2), the CHILD_SA is not */
	only_sa(&P.s[0], &v);
	assert_int_equal(v.status, VIEW_IKE_READY);
	assert_int_equal(v.n_children, 0);
	assert_int_equal(ike_child_list(P.s[0].ike, 0, c, 2), 0);
	assert_int_equal(ike_child_list(P.s[1].ike, 0, c, 2), 0);
	/* gwA had installed its inbound half before asking: it is gone again */
	assert_int_equal(P.s[0].adds, 1);
	assert_int_equal(P.s[0].dels, 1);
	assert_int_equal(P.s[1].adds, 0);
	ike_stats_get(P.s[0].ike, &sa);
	ike_stats_get(P.s[1].ike, &sb);
	assert_int_equal(sb.drops[IKE_DROP_TS_UNACCEPTABLE], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_TS_UNACCEPTABLE][IKE_TX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_TS_UNACCEPTABLE][IKE_RX_RES], 1);
	assert_true(pair_logged(&P.s[0], "CHILD_FAILED"));
	/* the entry can be tried again, over the same IKE SA */
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	ike_stats_get(P.s[1].ike, &sb);
	assert_int_equal(sb.exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_RX_REQ], 1);
	assert_int_equal(sb.drops[IKE_DROP_TS_UNACCEPTABLE], 2);
}

static void
test_second_child_pfs(void **state)
{
	static const struct pair_opts o = {.entry1 = "pfs: group14, "};
	struct view_ike_stats sa, sb;
	struct view_ike_child c[4];
	struct view_ike_sa v;
	size_t n;

	(void)state;
	pair_init(&P, &o, &o);
	pair_up(&P, 0, 0);
	/*
	 * gwA                                        gwB
	 * HDR, SK{SA, Ni, KEi(14), TSi, TSr}  -->
	 *                    <--  HDR, SK{SA, Nr, KEr(14), TSi, TSr}
	 */
	pair_up(&P, 0, 1);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 1), -EALREADY);
	only_sa(&P.s[0], &v);
	assert_int_equal(v.n_children, 2);
	assert_int_equal(v.msgid_tx, 3);
	pair_assert_matching(&P);
	n = ike_child_list(P.s[1].ike, 0, c, 4);
	assert_int_equal(n, 2);
	assert_int_equal(c[1].entry, 1);
	assert_int_equal(c[1].pfs_group, IKE_DH_MODP2048);
	assert_true(c[1].active);
	ike_stats_get(P.s[0].ike, &sa);
	ike_stats_get(P.s[1].ike, &sb);
	assert_int_equal(sa.exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_TX_REQ], 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_TX_REQ], 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_RX_RES], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_RX_REQ], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_CHILD_IPSEC][IKE_TX_RES], 1);
	assert_int_equal(P.s[0].adds, 4);
	assert_int_equal(P.s[1].adds, 4);
}

/* The entry's CHILD_SA is queued behind IKE_AUTH when asked for during it. */
static void
test_second_child_queued(void **state)
{
	struct view_ike_sa v;

	(void)state;
	pair_init(&P, NULL, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 1), 0);
	pair_pump(&P);
	only_sa(&P.s[0], &v);
	assert_int_equal(v.n_children, 2);
	pair_assert_matching(&P);
}

static void
test_initiate_errors(void **state)
{
	(void)state;
	pair_init(&P, NULL, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 1, 0), -EINVAL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 2), -EINVAL);
	pair_up(&P, 0, 0);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), -EALREADY);
	/* the responder has it up too: no second tunnel from that side either */
	assert_int_equal(ike_initiate(P.s[1].ike, 0, 0), -EALREADY);
}

/* ---- secrets ---- */

static bool
bytes_in_logs(const struct side *s, const uint8_t *b, size_t n)
{
	char hex[2 * SECRET_MAX + 1];

	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	for (unsigned int i = 0; i < s->n_log; i++)
		if (memmem(s->log[i], strlen(s->log[i]), b, n) != NULL ||
		    strcasestr(s->log[i], hex) != NULL)
			return true;
	return false;
}

static void
test_no_secrets_logged(void **state)
{
	(void)state;
	pair_init(&P, NULL, NULL);
	ike_set_debug(P.s[0].ike, true);
	ike_set_debug(P.s[1].ike, true);
	pair_up(&P, 0, 0);
	for (int i = 0; i < 2; i++) {
		const struct side *s = &P.s[i];

		assert_true(s->n_log > 4);	/* the debug trace ran */
		assert_true(pair_logged(s, "IKEV2-7-DEBUG"));
		assert_false(pair_logged(s, "test-psk"));
		for (unsigned int k = 0; k < s->n_sa; k++) {
			assert_false(bytes_in_logs(&P.s[0], s->sa[k].ck.b, s->sa[k].ck.len));
			assert_false(bytes_in_logs(&P.s[1], s->sa[k].ck.b, s->sa[k].ck.len));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_setup_gcm, teardown),
		cmocka_unit_test_teardown(test_installation_order, teardown),
		cmocka_unit_test_teardown(test_setup_cbc_fqdn, teardown),
		cmocka_unit_test_teardown(test_child_sha384, teardown),
		cmocka_unit_test_teardown(test_setup_nat, teardown),
		cmocka_unit_test_teardown(test_lost_response_cached, teardown),
		cmocka_unit_test_teardown(test_give_up, teardown),
		cmocka_unit_test_teardown(test_narrowing, teardown),
		cmocka_unit_test_teardown(test_ts_unacceptable, teardown),
		cmocka_unit_test_teardown(test_second_child_pfs, teardown),
		cmocka_unit_test_teardown(test_second_child_queued, teardown),
		cmocka_unit_test_teardown(test_initiate_errors, teardown),
		cmocka_unit_test_teardown(test_no_secrets_logged, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
