/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7383 IKE fragmentation between two engines (ike_pair.h), both with
 * "fragmentation: {mtu: 256}" and twelve selector lines per entry, so that
 * IKE_AUTH needs several fragments each way:
 *
 *   gwA                                                   gwB
 *   HDR, SAi1, KEi, Ni, N(NAT-D)x2, N(FRAGMENTATION_SUPPORTED)  -->
 *           <--  HDR, SAr1, KEr, Nr, N(NAT-D)x2, N(FRAGMENTATION_SUPPORTED)
 *   HDR, SKF(1/n){IDi, ...}  HDR, SKF(2/n){...}  ...  -->
 *                        <--  HDR, SKF(1/m){IDr, ...}  ...
 *
 * What is checked: the notify is agreed only when both sides send it and
 * fragments go only then; every fragment fits the 256-byte IPv4 datagram
 * (AES-GCM and AES-CBC/SHA-512; on 4500 with the non-ESP marker counted); an
 * IKE SA rekey keeps fragmentation;
 * fragments arriving reversed and duplicated, or one with a broken ICV
 * (dropped, never kept, even when it claims a larger set), still make the
 * message; a retransmission is the whole set, answered once; and, with
 * fragments sealed here under gwA's keys, the Total Fragments rules (smaller:
 * dropped, larger: start over), the fragment and byte limits and the
 * message-ID window.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/ike/ike_build.h"
#include "../../../src/ike/ike_const.h"
#include "../../../src/ike/ike_sa.h"
#include "ike_pair.h"

#define MTU 256
#define IKE_DGRAM_MAX (MTU - 20 - 8)	/* IPv4 and UDP headers, port 500: no marker */
#define HELD_MAX 16

static struct pair P;

#define FRAG_ON "fragmentation: {mtu: 256}"
#define ACL_A \
	"{src: 10.0.0.0/24, dst: 10.0.2.0/24}, " \
	"{src: 10.0.10.0/24, dst: 10.0.12.0/24}, " \
	"{src: 10.0.20.0/24, dst: 10.0.22.0/24}, " \
	"{src: 10.0.30.0/24, dst: 10.0.32.0/24}, " \
	"{src: 10.0.40.0/24, dst: 10.0.42.0/24}, " \
	"{src: 10.0.50.0/24, dst: 10.0.52.0/24}, " \
	"{src: 10.0.60.0/24, dst: 10.0.62.0/24}, " \
	"{src: 10.0.70.0/24, dst: 10.0.72.0/24}, " \
	"{src: 10.0.80.0/24, dst: 10.0.82.0/24}, " \
	"{src: 10.0.90.0/24, dst: 10.0.92.0/24}, " \
	"{src: 10.0.100.0/24, dst: 10.0.102.0/24}, " \
	"{src: 10.0.110.0/24, dst: 10.0.112.0/24}"
#define ACL_B \
	"{src: 10.0.2.0/24, dst: 10.0.0.0/24}, " \
	"{src: 10.0.12.0/24, dst: 10.0.10.0/24}, " \
	"{src: 10.0.22.0/24, dst: 10.0.20.0/24}, " \
	"{src: 10.0.32.0/24, dst: 10.0.30.0/24}, " \
	"{src: 10.0.42.0/24, dst: 10.0.40.0/24}, " \
	"{src: 10.0.52.0/24, dst: 10.0.50.0/24}, " \
	"{src: 10.0.62.0/24, dst: 10.0.60.0/24}, " \
	"{src: 10.0.72.0/24, dst: 10.0.70.0/24}, " \
	"{src: 10.0.82.0/24, dst: 10.0.80.0/24}, " \
	"{src: 10.0.92.0/24, dst: 10.0.90.0/24}, " \
	"{src: 10.0.102.0/24, dst: 10.0.100.0/24}, " \
	"{src: 10.0.112.0/24, dst: 10.0.110.0/24}"

static const struct pair_opts on_a = {.globals = FRAG_ON, .acl0 = ACL_A};
static const struct pair_opts on_b = {.globals = FRAG_ON, .acl0 = ACL_B};
static const struct pair_opts off_a = {.acl0 = ACL_A};
static const struct pair_opts off_b = {.acl0 = ACL_B};

static const struct ike_addr addr_a = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
static const struct ike_addr addr_b = {.family = 4, .ip = {192, 0, 2, 2}, .port = 500};

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

/* An SKF message: its fragment number and total, and its first payload (0 unless 1). */
static bool
skf(const uint8_t *buf, size_t len, uint16_t *num, uint16_t *total, uint8_t *first)
{
	static struct ike_msg m;

	assert_int_equal(ike_parse(buf, len, &m), 0);
	if (!m.sk.frag)
		return false;
	*num = m.sk.frag_num;
	*total = m.sk.frag_total;
	*first = m.sk.first;
	return true;
}

static bool
is_skf(const struct pair_msg *m)
{
	uint16_t n, t;
	uint8_t f;

	return skf(m->buf, m->len, &n, &t, &f);
}

static struct view_ike_stats
stats(int i)
{
	struct view_ike_stats st;

	ike_stats_get(P.s[i].ike, &st);
	return st;
}

static struct view_ike_sa
only_sa(int i)
{
	struct view_ike_sa v;

	assert_int_equal(ike_sa_list(P.s[i].ike, &v, 1), 1);
	return v;
}

static bool
ready(int i)
{
	return only_sa(i).status == VIEW_IKE_READY;
}

/* ---- negotiation (RFC 7383 section 2.3) ---- */

static void
test_negotiated_only_when_both(void **state)
{
	static const struct {
		const struct pair_opts *a, *b;
		bool agreed;
	} rows[] = {
		{&on_a, &on_b, true},
		{&on_a, &off_b, false},
		{&off_a, &on_b, false},
		{&off_a, &off_b, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const unsigned int n = IKE_STAT_N_IKEV2_FRAGMENTATION_SUPPORTED;
		bool a_on = rows[i].a == &on_a;
		struct view_ike_stats sa, sb;
		unsigned int skfs = 0;

		pair_init(&P, rows[i].a, rows[i].b);
		P.record = true;
		pair_up(&P, 0, 0);
		assert_int_equal(only_sa(0).fragmentation, rows[i].agreed);
		assert_int_equal(only_sa(1).fragmentation, rows[i].agreed);
		sa = stats(0);
		sb = stats(1);
		assert_int_equal(sa.notify[n][IKE_TX_REQ], a_on);
		assert_int_equal(sb.notify[n][IKE_RX_REQ], a_on);
		/* the responder answers it only when asked and enabled */
		assert_int_equal(sb.notify[n][IKE_TX_RES], rows[i].agreed);
		assert_int_equal(sa.notify[n][IKE_RX_RES], rows[i].agreed);
		for (unsigned int k = 0; k < P.n_sent; k++)
			skfs += is_skf(&P.sent[k]);
		/* IKE_AUTH is bigger than 228 bytes, yet unfragmented unless agreed */
		if (rows[i].agreed)
			assert_true(skfs >= 6);
		else
			assert_int_equal(skfs, 0);
		assert_int_equal(sa.frags_tx + sb.frags_tx, skfs);
		pair_assert_matching(&P);
		pair_fini(&P);
	}
}

/* ---- IKE_AUTH in fragments, both ways ---- */

/* The fragments side `from` sent of one exchange: numbered 1..n in order, each fitting MTU. */
static unsigned int
check_set_max(int from, uint8_t exchange, size_t max)
{
	unsigned int n = 0;
	uint16_t total = 0;

	for (unsigned int k = 0; k < P.n_sent; k++) {
		const struct pair_msg *m = &P.sent[k];
		uint16_t num, t;
		uint8_t first;

		if (m->from != from || m->buf[18] != exchange)
			continue;
		assert_true(skf(m->buf, m->len, &num, &t, &first));
		assert_true(m->len <= max);
		assert_int_equal(num, n + 1);
		if (n == 0)
			total = t;
		assert_int_equal(t, total);
		/* section 2.5: fragment 1 names the first inner payload, the others 0 */
		if (num == 1)
			assert_true(first == IKE_PL_IDI || first == IKE_PL_IDR);
		else
			assert_int_equal(first, IKE_PL_NONE);
		/* all but the last are full: within one cipher block of the limit */
		if (num < t)
			assert_true(m->len > max - 16);
		n++;
	}
	assert_int_equal(n, total);
	return n;
}

static unsigned int
check_set(int from, uint8_t exchange)
{
	return check_set_max(from, exchange, IKE_DGRAM_MAX);
}

static void
test_auth_fragmented_both_ways(void **state)
{
	struct view_ike_stats sa, sb;
	unsigned int na, nb;

	(void)state;
	pair_init(&P, &on_a, &on_b);
	P.record = true;
	pair_up(&P, 0, 0);
	na = check_set(0, IKE_AUTH);
	nb = check_set(1, IKE_AUTH);
	assert_true(na >= 3);
	assert_true(nb >= 3);
	sa = stats(0);
	sb = stats(1);
	assert_int_equal(sa.frags_tx, na);
	assert_int_equal(sb.frags_rx, na);
	assert_int_equal(sb.frags_tx, nb);
	assert_int_equal(sa.frags_rx, nb);
	assert_int_equal(sa.frag_msgs_tx, 1);
	assert_int_equal(sa.frag_msgs_rx, 1);
	assert_int_equal(sb.frag_msgs_tx, 1);
	assert_int_equal(sb.frag_msgs_rx, 1);
	/* the reassembled message counted once, as one IKE_AUTH */
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_RES], 1);
	for (int d = 0; d < IKE_DROP__COUNT; d++)
		assert_int_equal(sa.drops[d] + sb.drops[d], 0);
	/* the CHILD_SA agreed on the reassembled selectors */
	pair_assert_matching(&P);
	assert_int_equal(P.s[0].adds, 2);
	assert_int_equal(P.s[1].activates, 1);
}

/*
 * AES-CBC with HMAC-SHA-512 (16-byte IV, 32-byte ICV, padding to the block):
 * the same sizing, the same result.
 */
static void
test_auth_fragmented_cbc(void **state)
{
	static const struct pair_opts a = {
		.globals = FRAG_ON, .acl0 = ACL_A,
		.proposal = "{encryption: [aes-cbc-256], integrity: [sha512], prf: [sha512], "
			    "group: [19]}"};
	static const struct pair_opts b = {
		.globals = FRAG_ON, .acl0 = ACL_B,
		.proposal = "{encryption: [aes-cbc-256], integrity: [sha512], prf: [sha512], "
			    "group: [19]}"};

	(void)state;
	pair_init(&P, &a, &b);
	P.record = true;
	pair_up(&P, 0, 0);
	assert_int_equal(only_sa(0).encr, IKE_ENCR_AES_CBC);
	assert_true(check_set(0, IKE_AUTH) >= 3);
	assert_true(check_set(1, IKE_AUTH) >= 3);
	pair_assert_matching(&P);
}

/*
 * Behind a NAT IKE_AUTH goes on 4500, where the non-ESP marker takes 4 bytes of
 * the datagram (section 2.5.1); an IKE SA rekey keeps fragmentation, and a
 * CREATE_CHILD_SA over the new IKE SA goes in fragments.
 */
static void
test_nat_marker_and_ike_rekey(void **state)
{
	static const struct pair_opts a = {
		.globals = FRAG_ON, .acl0 = ACL_A, .profile = "lifetime: 120"};
	struct view_ike_sa v;
	uint64_t before_a, before_b;

	(void)state;
	pair_init(&P, &a, &on_b);
	P.nat = true;
	P.record = true;
	pair_up(&P, 0, 0);
	assert_int_equal(only_sa(0).local.port, 4500);
	assert_true(check_set_max(0, IKE_AUTH, IKE_DGRAM_MAX - 4) >= 3);
	assert_true(check_set_max(1, IKE_AUTH, IKE_DGRAM_MAX - 4) >= 3);
	pair_advance(&P, 120000);	/* gwA rekeys the IKE SA */
	pair_pump(&P);
	for (int i = 0; i < 2; i++) {
		v = only_sa(i);
		assert_int_equal(v.status, VIEW_IKE_READY);
		assert_true(pair_logged(&P.s[i], "SA_REKEYED"));
		assert_true(v.fragmentation);
	}
	before_a = stats(0).frag_msgs_tx;
	before_b = stats(1).frag_msgs_rx;
	assert_int_equal(ike_recreate_child(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	pair_advance(&P, 6000);
	assert_true(stats(0).frag_msgs_tx > before_a);	/* twelve selector pairs each way */
	assert_true(stats(1).frag_msgs_rx > before_b);
	assert_int_equal(stats(1).drops[IKE_DROP_FRAGMENT], 0);
	pair_assert_matching(&P);
}

/* ---- out of order, duplicates, a broken ICV ---- */

static struct pair_msg held[HELD_MAX];
static unsigned int n_held;

/* Keep gwA's fragments out of the queue, for the test to deliver. */
static bool
hold_a_fragments(struct pair *p, const struct pair_msg *m)
{
	(void)p;
	if (m->from != 0 || !is_skf(m))
		return true;
	assert_true(n_held < HELD_MAX);
	held[n_held++] = *m;
	return false;
}

static void
to_b(const struct pair_msg *m)
{
	ike_input(P.s[1].ike, &m->dst, &m->src, m->buf, m->len);
}

static void
start_held(void)
{
	pair_init(&P, &on_a, &on_b);
	n_held = 0;
	P.filter = hold_a_fragments;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_true(n_held >= 3);
	assert_int_equal(P.qn, 0);
	P.filter = NULL;
}

static void
test_reversed_and_duplicated(void **state)
{
	struct view_ike_stats sb;

	(void)state;
	start_held();
	for (unsigned int i = n_held; i > 1; i--) {
		to_b(&held[i - 1]);
		if (i == n_held)
			to_b(&held[i - 1]);	/* the same fragment twice */
		assert_int_equal(P.qn, 0);	/* nothing answered before the set is whole */
	}
	sb = stats(1);
	assert_int_equal(sb.frags_rx, n_held - 1);
	assert_int_equal(sb.drops[IKE_DROP_FRAGMENT], 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 0);
	to_b(&held[0]);
	assert_true(P.qn >= 3);		/* the answer, in fragments */
	sb = stats(1);
	assert_int_equal(sb.frag_msgs_rx, 1);
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 1);
	pair_pump(&P);
	assert_true(ready(0) && ready(1));
	pair_assert_matching(&P);
}

static void
test_bad_icv_dropped_not_kept(void **state)
{
	struct pair_msg bad;
	struct view_ike_stats sb;

	(void)state;
	start_held();
	for (unsigned int i = 0; i < n_held; i++)
		if (i != 1)
			to_b(&held[i]);
	/* fragment 2 with its last ICV byte flipped */
	bad = held[1];
	bad.buf[bad.len - 1] ^= 0x01;
	to_b(&bad);
	/* fragment 2 again, claiming a larger set: the header is authenticated too */
	bad = held[1];
	bad.buf[28 + 7] = (uint8_t)(n_held + 1);	/* Total Fragments, low byte */
	to_b(&bad);
	sb = stats(1);
	assert_int_equal(sb.drops[IKE_DROP_ICV], 2);
	assert_int_equal(sb.frags_rx, n_held - 1);
	assert_int_equal(P.qn, 0);
	/* neither was kept, nor restarted the set: the real fragment 2 completes it */
	to_b(&held[1]);
	sb = stats(1);
	assert_int_equal(sb.frag_msgs_rx, 1);
	assert_int_equal(sb.drops[IKE_DROP_FRAGMENT], 0);
	pair_pump(&P);
	assert_true(ready(0) && ready(1));
}

/* ---- retransmission: the whole set (section 2.6.1) ---- */

static int lose_from = -1;
static int lose_num;		/* that fragment number; 0: all of the side's fragments */
static unsigned int lost;

static bool
lose_once(struct pair *p, const struct pair_msg *m)
{
	uint16_t num, total;
	uint8_t first;

	(void)p;
	if (m->from != lose_from || !skf(m->buf, m->len, &num, &total, &first))
		return true;
	if (lose_num != 0 && num != lose_num)
		return true;
	lost++;
	if (lose_num != 0 || num == total)
		lose_from = -1;		/* once */
	return false;
}

static void
test_retransmit_resends_all_fragments(void **state)
{
	struct view_ike_stats sa, sb;
	unsigned int na;

	(void)state;
	/* gwA's fragment 2 is lost: gwB holds the rest and answers nothing */
	pair_init(&P, &on_a, &on_b);
	lose_from = 0;
	lose_num = 2;
	lost = 0;
	P.filter = lose_once;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_int_equal(lost, 1);
	assert_false(ready(0));
	na = (unsigned int)stats(0).frags_tx;
	assert_true(na >= 3);
	pair_advance(&P, 1000);
	assert_int_equal(P.qn, na);	/* every fragment again, not only the lost one */
	pair_pump(&P);
	assert_true(ready(0) && ready(1));
	sa = stats(0);
	sb = stats(1);
	assert_int_equal(sa.retransmits, 1);
	assert_int_equal(sa.frags_tx, 2 * na);
	assert_int_equal(sa.frag_msgs_tx, 1);	/* sealed once, sent twice */
	assert_int_equal(sb.drops[IKE_DROP_FRAGMENT], na - 1);	/* the ones it had */
	assert_int_equal(sb.frag_msgs_rx, 1);
	pair_assert_matching(&P);
	pair_fini(&P);

	/* all of gwB's answer is lost: gwA's whole set again; only fragment 1 asks for the answer */
	pair_init(&P, &on_a, &on_b);
	lose_from = 1;
	lose_num = 0;
	lost = 0;
	P.filter = lose_once;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_true(lost >= 3);
	assert_true(ready(1) && !ready(0));
	pair_advance(&P, 1000);
	pair_pump(&P);
	assert_true(ready(0));
	sa = stats(0);
	sb = stats(1);
	assert_int_equal(sb.drops[IKE_DROP_RETRANSMIT], 1);
	assert_int_equal(sb.drops[IKE_DROP_FRAGMENT], sa.frags_tx / 2 - 1);
	assert_int_equal(sb.frags_tx, 2 * lost);	/* the cached answer: the whole set */
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ], 1);
	assert_int_equal(P.s[1].adds, 2);	/* processed once */
	pair_assert_matching(&P);
}

/* ---- the rules, with fragments sealed here under gwA's keys ---- */

static struct ike_sa *
sa_of_a(void)
{
	struct ike_sa *sa = sa_by_spi(P.s[0].ike, only_sa(0).spi_local);

	assert_non_null(sa);
	assert_non_null(sa->keys);
	return sa;
}

static uint8_t inner[70000];
static size_t inner_len;
static uint8_t first_pl;

/* An INFORMATIONAL request's payloads: one status Notify carrying data_len bytes. */
static void
make_inner(size_t data_len)
{
	static uint8_t data[70000];
	struct ike_notify_pl n = {.type = 40001, .data = {data, data_len}};
	struct ike_wr w;
	int len;

	memset(data, 0xa5, data_len);
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_notify(&w, &n);
	first_pl = ike_wr_first(&w);
	len = ike_wr_finish(&w);
	assert_true(len > 0);
	inner_len = (size_t)len;
}

/* Piece num of total of inner (equal cuts of piece bytes), sealed, delivered to gwB. */
static void
send_piece(uint32_t msg_id, uint16_t num, uint16_t total, size_t piece)
{
	static uint8_t buf[4096];
	struct ike_sa *sa = sa_of_a();
	struct ike_hdr h = {.spi_i = sa->spi_i, .spi_r = sa->spi_r, .version = IKE_VERSION,
			    .exchange = IKE_INFORMATIONAL, .flags = IKE_FLAG_INITIATOR,
			    .msg_id = msg_id};
	size_t at = (size_t)(num - 1) * piece, len, off;
	size_t part = at >= inner_len ? 0 : inner_len - at < piece ? inner_len - at : piece;
	struct ike_wr w;

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	off = ike_wr_sk_begin(&w, num == 1 ? first_pl : IKE_PL_NONE, num, total);
	assert_int_equal(w.err, 0);
	assert_int_equal(ike_sk_seal(&sa->keys->sk, buf, sizeof(buf), off, IKE_SKF_HDR_LEN,
				     inner + at, part, &len), 0);
	ike_input(P.s[1].ike, &addr_b, &addr_a, buf, len);
}

static void
expect_b(uint64_t frags_rx, uint64_t frag_drops, uint64_t msgs)
{
	struct view_ike_stats sb = stats(1);

	assert_int_equal(sb.frags_rx, frags_rx);
	assert_int_equal(sb.drops[IKE_DROP_FRAGMENT], frag_drops);
	assert_int_equal(sb.frag_msgs_rx, msgs);
}

static void
test_total_fragments_rules(void **state)
{
	struct view_ike_stats sb;
	uint64_t rx0, base;

	(void)state;
	pair_init(&P, &on_a, &on_b);
	pair_up(&P, 0, 0);
	pair_flush(&P);
	make_inner(300);		/* 308 bytes: 3 pieces of 120, or 4 of 80 */
	rx0 = stats(1).frags_rx;
	base = stats(1).exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_REQ];
	send_piece(2, 1, 3, 120);
	send_piece(2, 2, 3, 120);
	expect_b(rx0 + 2, 0, 1);
	/* smaller Total Fragments than the set's: a stale fragment, dropped */
	send_piece(2, 2, 2, 120);
	expect_b(rx0 + 2, 1, 1);
	/* more than IKE_FRAG_MAX: dropped, the set untouched */
	send_piece(2, 1, IKE_FRAG_MAX + 1, 120);
	expect_b(rx0 + 2, 2, 1);
	/* a message ID the window does not expect: not kept */
	send_piece(7, 3, 3, 120);
	expect_b(rx0 + 2, 2, 1);
	assert_int_equal(stats(1).drops[IKE_DROP_BAD_MSGID], 1);
	/* a larger total: section 2.6, start over with it */
	send_piece(2, 3, 4, 80);
	send_piece(2, 3, 3, 120);	/* the old set's last piece is now stale */
	expect_b(rx0 + 3, 3, 1);
	send_piece(2, 1, 4, 80);
	send_piece(2, 2, 4, 80);
	assert_int_equal(P.qn, 0);
	send_piece(2, 4, 4, 80);
	expect_b(rx0 + 6, 3, 2);
	sb = stats(1);
	assert_int_equal(sb.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_REQ], base + 1);
	assert_int_equal(P.qn, 1);	/* answered: an empty INFORMATIONAL response */
	assert_int_equal(only_sa(1).msgid_rx, 3);
	pair_flush(&P);
}

static void
test_byte_limit(void **state)
{
	const size_t piece = 1100;	/* 59 pieces: 64,900 bytes; the 60th passes 65,535 */
	uint64_t rx0;
	size_t mem;

	(void)state;
	pair_init(&P, &on_a, &on_b);
	pair_up(&P, 0, 0);
	pair_flush(&P);
	/* the pieces need not make payloads: the set never completes */
	memset(inner, 0x3c, 60 * piece);
	inner_len = 60 * piece;
	first_pl = IKE_PL_NOTIFY;
	rx0 = stats(1).frags_rx;
	mem = ike_mem_bytes(P.s[1].ike);
	for (uint16_t i = 1; i <= 59; i++)
		send_piece(2, i, 60, piece);
	expect_b(rx0 + 59, 0, 1);	/* 1: IKE_AUTH */
	/* what a set holds is counted in the IKE SA's memory */
	assert_true(ike_mem_bytes(P.s[1].ike) >= mem + 59 * piece);
	send_piece(2, 60, 60, piece);
	expect_b(rx0 + 59, 1, 1);
	/* the set went with it: fragment 1 is new again, not a duplicate */
	assert_true(ike_mem_bytes(P.s[1].ike) < mem + piece);
	send_piece(2, 1, 60, piece);
	expect_b(rx0 + 60, 1, 1);
	assert_int_equal(P.qn, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiated_only_when_both),
		cmocka_unit_test_teardown(test_auth_fragmented_both_ways, teardown),
		cmocka_unit_test_teardown(test_auth_fragmented_cbc, teardown),
		cmocka_unit_test_teardown(test_nat_marker_and_ike_rekey, teardown),
		cmocka_unit_test_teardown(test_reversed_and_duplicated, teardown),
		cmocka_unit_test_teardown(test_bad_icv_dropped_not_kept, teardown),
		cmocka_unit_test_teardown(test_retransmit_resends_all_fragments, teardown),
		cmocka_unit_test_teardown(test_total_fragments_rules, teardown),
		cmocka_unit_test_teardown(test_byte_limit, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
