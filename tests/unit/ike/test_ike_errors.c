/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What goes wrong, between two engines (ike_pair.h) and from a stranger:
 *
 *   INVALID_KE_PAYLOAD and the retry with the group asked for (section 1.2)
 *   NO_PROPOSAL_CHOSEN for the IKE SA and for a CHILD_SA
 *   AUTHENTICATION_FAILED, found by the responder and by the initiator (2.21.2)
 *   COOKIE above cookie_threshold (2.6), half_open_max, the unauthenticated
 *   answers' rate limit
 *   one crafted message per drop reason, each counted exactly under its
 *   reason and nothing else, the IKE SA unharmed; then random bytes, every
 *   one of them counted once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike_build.h"
#include "ike_msg.h"
#include "ike_pair.h"

static struct pair P;

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

static void
stats(int i, struct view_ike_stats *st)
{
	ike_stats_get(P.s[i].ike, st);
}

static size_t
n_sas(int i)
{
	struct view_ike_sa v[8];

	return ike_sa_list(P.s[i].ike, v, 8);
}

static const struct pair_msg *
recorded(int from, uint8_t exchange, int nth)
{
	for (unsigned int i = 0; i < P.n_sent; i++)
		if (P.sent[i].from == from && P.sent[i].buf[18] == exchange && --nth == 0)
			return &P.sent[i];
	fail_msg("no such message");
	return NULL;
}

static const struct ike_addr addr_a = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
static const struct ike_addr addr_b = {.family = 4, .ip = {192, 0, 2, 2}, .port = 500};

/* ---- negotiation errors ---- */

static void
test_invalid_ke_retry(void **state)
{
	static const struct pair_opts a = {
		.proposal = "{encryption: [aes-gcm-256], prf: [sha256], group: [19, 14]}"};
	static const struct pair_opts b = {
		.proposal = "{encryption: [aes-gcm-256], prf: [sha256], group: [14]}"};
	struct view_ike_stats sa, sb;
	struct view_ike_sa v;

	(void)state;
	pair_init(&P, &a, &b);
	/*
	 * gwA                              gwB
	 * HDR, SAi1, KEi(19), Ni  -->
	 *                 <--  HDR, N(INVALID_KE_PAYLOAD, 14)
	 * HDR, SAi1, KEi(14), Ni  -->
	 *                 <--  HDR, SAr1, KEr(14), Nr
	 */
	pair_up(&P, 0, 0);
	assert_int_equal(ike_sa_list(P.s[0].ike, &v, 1), 1);
	assert_int_equal(v.dh, 14);
	stats(0, &sa);
	stats(1, &sb);
	assert_int_equal(sb.drops[IKE_DROP_INVALID_KE], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_INVALID_KE_PAYLOAD][IKE_TX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_INVALID_KE_PAYLOAD][IKE_RX_RES], 1);
	assert_int_equal(sa.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_TX_REQ], 2);
	assert_int_equal(sb.exchange[IKE_STAT_X_IKE_SA_INIT][IKE_RX_REQ], 2);
	/* nothing was kept for the first one */
	assert_int_equal(n_sas(1), 1);
	pair_assert_matching(&P);
}

static void
test_no_proposal_ike(void **state)
{
	static const struct pair_opts a = {
		.proposal = "{encryption: [aes-cbc-256], integrity: [sha256], group: [14]}"};
	struct view_ike_stats sa, sb;

	(void)state;
	pair_init(&P, &a, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(n_sas(1), 0);
	stats(0, &sa);
	stats(1, &sb);
	assert_int_equal(sb.drops[IKE_DROP_NO_PROPOSAL], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_NO_PROPOSAL_CHOSEN][IKE_TX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_NO_PROPOSAL_CHOSEN][IKE_RX_RES], 1);
	assert_true(pair_logged(&P.s[0], "NEG_FAILED"));
	assert_int_equal(P.s[0].adds + P.s[1].adds, 0);
}

static void
test_no_proposal_child(void **state)
{
	static const struct pair_opts a = {.transforms = "esp-aes 256, esp-sha256-hmac"};
	struct view_ike_stats sb;
	struct view_ike_child c[2];

	(void)state;
	pair_init(&P, &a, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	/* the IKE SA is up, the CHILD_SA refused */
	assert_int_equal(n_sas(0), 1);
	assert_int_equal(n_sas(1), 1);
	assert_int_equal(ike_child_list(P.s[0].ike, 0, c, 2), 0);
	stats(1, &sb);
	assert_int_equal(sb.drops[IKE_DROP_NO_PROPOSAL], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_NO_PROPOSAL_CHOSEN][IKE_TX_RES], 1);
	assert_int_equal(P.s[0].adds, 1);
	assert_int_equal(P.s[0].dels, 1);
	assert_int_equal(P.s[1].adds, 0);
}

static void
test_auth_failed_at_responder(void **state)
{
	static const struct pair_opts b = {.psk = "\"another-key\""};
	struct view_ike_stats sa, sb;

	(void)state;
	pair_init(&P, NULL, &b);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(n_sas(1), 0);
	stats(0, &sa);
	stats(1, &sb);
	assert_int_equal(sb.drops[IKE_DROP_AUTH_FAILED], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_AUTHENTICATION_FAILED][IKE_TX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_AUTHENTICATION_FAILED][IKE_RX_RES], 1);
	assert_int_equal(sa.drops[IKE_DROP_AUTH_FAILED], 1);
	assert_int_equal(sb.sa_up, 0);
	assert_true(pair_logged(&P.s[1], "AUTH_FAILED"));
	assert_true(pair_logged(&P.s[0], "AUTH_FAILED"));
	/* gwA had put its inbound half in before asking; it is gone */
	assert_int_equal(P.s[0].adds, 1);
	assert_int_equal(P.s[0].dels, 1);
	assert_int_equal(P.s[1].adds, 0);
	for (int i = 0; i < 2; i++) {
		assert_false(pair_logged(&P.s[i], "test-psk"));
		assert_false(pair_logged(&P.s[i], "another-key"));
	}
}

static void
test_auth_failed_at_initiator(void **state)
{
	/* gwB signs with a key gwA does not expect; gwA's own AUTH is fine */
	static const struct pair_opts a = {.psk = "{local: \"k-a\", remote: \"k-b\"}"};
	static const struct pair_opts b = {.psk = "{local: \"k-wrong\", remote: \"k-a\"}"};
	struct view_ike_stats sa, sb;

	(void)state;
	pair_init(&P, &a, &b);
	/*
	 * gwA                                 gwB
	 * HDR, SK{IDi, AUTH, SAi2, TSi, TSr}  -->
	 *                 <--  HDR, SK{IDr, AUTH, SAr2, TSi, TSr}    (gwB: up)
	 * HDR, SK{N(AUTHENTICATION_FAILED)}   -->                    (gwB: gone)
	 */
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	assert_int_equal(n_sas(0), 0);
	assert_int_equal(n_sas(1), 0);
	assert_int_equal(P.s[1].adds, 2);
	assert_int_equal(P.s[1].dels, 2);
	assert_int_equal(P.s[0].dels, P.s[0].adds);
	stats(0, &sa);
	stats(1, &sb);
	assert_int_equal(sa.drops[IKE_DROP_AUTH_FAILED], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_AUTHENTICATION_FAILED][IKE_TX_REQ], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_AUTHENTICATION_FAILED][IKE_RX_REQ], 1);
	assert_int_equal(sb.drops[IKE_DROP_AUTH_FAILED], 1);
	assert_true(pair_logged(&P.s[1], "refused our authentication"));
}

/* ---- what strangers cost ---- */

static void
test_cookie(void **state)
{
	static const struct pair_opts b = {.globals = "cookie_threshold: 0"};
	struct view_ike_stats sa, sb;

	(void)state;
	pair_init(&P, NULL, &b);
	/*
	 * gwA                              gwB
	 * HDR, SAi1, KEi, Ni  -->
	 *                 <--  HDR, N(COOKIE)
	 * HDR, N(COOKIE), SAi1, KEi, Ni  -->
	 *                 <--  HDR, SAr1, KEr, Nr
	 */
	pair_up(&P, 0, 0);
	stats(0, &sa);
	stats(1, &sb);
	assert_int_equal(sb.drops[IKE_DROP_COOKIE_SENT], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_COOKIE][IKE_TX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_COOKIE][IKE_RX_RES], 1);
	assert_int_equal(sa.notify[IKE_STAT_N_COOKIE][IKE_TX_REQ], 1);
	assert_int_equal(sb.notify[IKE_STAT_N_COOKIE][IKE_RX_REQ], 1);
	pair_assert_matching(&P);
}

/* A's first IKE_SA_INIT again with another SPIi: a new stranger each time. */
static void
stranger(uint64_t spi)
{
	const struct pair_msg *m = recorded(0, 34, 1);
	uint8_t buf[PAIR_MSG_MAX];

	memcpy(buf, m->buf, m->len);
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(spi >> (56 - 8 * i));
	ike_input(P.s[1].ike, &addr_b, &addr_a, buf, m->len);
}

static void
test_half_open_limit(void **state)
{
	static const struct pair_opts b = {.globals = "half_open_max: 2"};
	struct view_ike_stats st;

	(void)state;
	pair_init(&P, NULL, &b);
	P.record = true;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_flush(&P);
	stranger(1);
	stranger(2);
	stranger(3);
	stats(1, &st);
	assert_int_equal(st.half_open, 2);
	assert_int_equal(st.drops[IKE_DROP_HALF_OPEN_LIMIT], 1);
	assert_int_equal(n_sas(1), 2);
	/* a retransmission of one of them is not a new one */
	stranger(2);
	stats(1, &st);
	assert_int_equal(st.drops[IKE_DROP_RETRANSMIT], 1);
	assert_int_equal(st.drops[IKE_DROP_HALF_OPEN_LIMIT], 1);
	/* they never authenticate: gone after 30 s, room again */
	pair_advance(&P, 30000);
	stats(1, &st);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(n_sas(1), 0);
	stranger(4);
	assert_int_equal(n_sas(1), 1);
}

static void
test_cookie_threshold_and_rate(void **state)
{
	static const struct pair_opts b = {.globals = "cookie_threshold: 1"};
	struct view_ike_stats st;
	unsigned int sent;

	(void)state;
	pair_init(&P, NULL, &b);
	P.record = true;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_flush(&P);
	/* the first stranger is below the threshold; then every one without a COOKIE gets one */
	stranger(1);
	assert_int_equal(n_sas(1), 1);
	pair_flush(&P);
	for (uint64_t i = 0; i < 150; i++)
		stranger(100 + i);
	sent = P.qn;
	pair_flush(&P);
	stats(1, &st);
	assert_int_equal(n_sas(1), 1);
	assert_int_equal(st.drops[IKE_DROP_COOKIE_SENT], 150);
	/* 100 answers a second at most */
	assert_int_equal(sent, 100);
	assert_int_equal(st.notify[IKE_STAT_N_COOKIE][IKE_TX_RES], 100);
	assert_int_equal(st.drops[IKE_DROP_RATE_LIMITED], 50);
	pair_advance(&P, 1000);
	stranger(999);
	stats(1, &st);
	assert_int_equal(st.notify[IKE_STAT_N_COOKIE][IKE_TX_RES], 101);
	/* and the real peer gets through with its COOKIE */
	pair_flush(&P);
	P.record = false;
	pair_restart(&P, 0);
	pair_up(&P, 0, 0);
}

/* ---- one crafted message per reason ---- */

struct hdr_args {
	uint64_t spi_i, spi_r;
	uint8_t exchange, flags;
	uint32_t msg_id;
};

/* A header and one payload of any type with any body (no checks: junk on purpose). */
static size_t
craft(uint8_t *buf, size_t cap, const struct hdr_args *a, uint8_t type, const uint8_t *body,
      size_t len)
{
	struct ike_hdr h = {.spi_i = a->spi_i, .spi_r = a->spi_r, .version = 0x20,
			    .exchange = a->exchange, .flags = a->flags, .msg_id = a->msg_id};
	struct ike_wr w;
	int n;

	ike_wr_init(&w, buf, cap);
	ike_wr_hdr(&w, &h);
	if (type != 0) {
		size_t off = ike_wr_begin(&w, type, false);

		ike_wr_bytes(&w, body, len);
		ike_wr_end(&w, off);
	}
	n = ike_wr_finish(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static uint64_t
drops_total(const struct view_ike_stats *st)
{
	uint64_t n = 0;

	for (int i = 0; i < IKE_DROP__COUNT; i++)
		n += st->drops[i];
	return n;
}

/* Feed one message to side `to` and check it is counted under `why` and nothing else. */
static void
expect_drop(int to, const uint8_t *msg, size_t len, enum ike_drop why, const char *what)
{
	struct view_ike_stats before, after;
	const struct ike_addr *src = to == 1 ? &addr_a : &addr_b, *dst = to == 1 ? &addr_b : &addr_a;

	stats(to, &before);
	ike_input(P.s[to].ike, dst, src, msg, len);
	stats(to, &after);
	if (after.drops[why] != before.drops[why] + 1 ||
	    drops_total(&after) != drops_total(&before) + 1)
		fail_msg("%s: not counted once as %s", what, ike_drop_names[why]);
	pair_flush(&P);
}

static void
test_each_drop_reason(void **state)
{
	struct view_ike_sa va;
	struct hdr_args h;
	uint8_t buf[PAIR_MSG_MAX], body[64];
	const struct pair_msg *m;
	size_t n;

	(void)state;
	pair_init(&P, NULL, NULL);
	P.record = true;
	pair_up(&P, 0, 0);
	assert_int_equal(ike_sa_list(P.s[0].ike, &va, 1), 1);
	memset(body, 0x5a, sizeof(body));
	/* what gwA would send as its next request */
	h = (struct hdr_args){va.spi_local, va.spi_remote, 37, 0x08, 2};

	expect_drop(1, body, 10, IKE_DROP_MALFORMED, "shorter than a header");
	n = craft(buf, sizeof(buf), &h, 0, NULL, 0);
	buf[27]++;	/* length field one more than the datagram */
	expect_drop(1, buf, n, IKE_DROP_MALFORMED, "length mismatch");
	n = craft(buf, sizeof(buf), &h, 41, body, 1);	/* a 5-byte Notify */
	expect_drop(1, buf, n, IKE_DROP_MALFORMED, "payload shorter than its fixed part");
	n = craft(buf, sizeof(buf), &h, 0, NULL, 0);
	buf[17] = 0x10;
	expect_drop(1, buf, n, IKE_DROP_NOT_IKEV2, "IKEv1");
	h.spi_r ^= 1;
	n = craft(buf, sizeof(buf), &h, 46, body, 40);
	expect_drop(1, buf, n, IKE_DROP_UNKNOWN_SPI, "unknown SPI");
	h.spi_r ^= 1;
	h.msg_id = 77;
	n = craft(buf, sizeof(buf), &h, 46, body, 40);
	expect_drop(1, buf, n, IKE_DROP_BAD_MSGID, "message ID ahead");
	h.msg_id = 0;
	n = craft(buf, sizeof(buf), &h, 46, body, 40);
	expect_drop(1, buf, n, IKE_DROP_BAD_MSGID, "message ID behind, not cached");
	m = recorded(0, 35, 1);
	expect_drop(1, m->buf, m->len, IKE_DROP_RETRANSMIT, "IKE_AUTH request again");
	m = recorded(1, 35, 1);
	expect_drop(0, m->buf, m->len, IKE_DROP_UNEXPECTED_RESPONSE, "IKE_AUTH response again");
	h.msg_id = 2;
	h.exchange = 35;
	n = craft(buf, sizeof(buf), &h, 46, body, 40);
	expect_drop(1, buf, n, IKE_DROP_UNEXPECTED, "IKE_AUTH on an established SA");
	h.exchange = 37;
	n = craft(buf, sizeof(buf), &h, 46, body, 40);
	expect_drop(1, buf, n, IKE_DROP_ICV, "forged Encrypted payload");
	n = craft(buf, sizeof(buf), &h, 46, body, 3);
	expect_drop(1, buf, n, IKE_DROP_DECRYPT, "Encrypted payload too short");
	n = craft(buf, sizeof(buf), &h, 0, NULL, 0);
	expect_drop(1, buf, n, IKE_DROP_MISSING_PAYLOAD, "no Encrypted payload");
	body[0] = 0;
	body[1] = 1;	/* fragment 1 */
	body[2] = 0;
	body[3] = 2;	/* of 2 */
	n = craft(buf, sizeof(buf), &h, 53, body, 40);
	expect_drop(1, buf, n, IKE_DROP_FRAGMENT, "IKE fragment");
	memset(body, 0x5a, sizeof(body));
	/* a stranger's IKE_SA_INIT without KE */
	h = (struct hdr_args){0x1122334455667788ull, 0, 34, 0x08, 0};
	n = craft(buf, sizeof(buf), &h, 40, body, 32);
	expect_drop(1, buf, n, IKE_DROP_MISSING_PAYLOAD, "IKE_SA_INIT with only a nonce");
	h.spi_r = 5;
	n = craft(buf, sizeof(buf), &h, 40, body, 32);
	expect_drop(1, buf, n, IKE_DROP_MALFORMED, "IKE_SA_INIT request with SPIr");
	/* gwA's IKE_SA_INIT with its public value zeroed: not a point on the curve */
	m = recorded(0, 34, 1);
	memcpy(buf, m->buf, m->len);
	buf[0] ^= 0xff;
	{
		struct ike_msg pm;

		assert_int_equal(ike_parse(buf, m->len, &pm), 0);
		memset((uint8_t *)pm.ke.data.p, 0, pm.ke.data.len);
	}
	expect_drop(1, buf, m->len, IKE_DROP_BAD_KE, "KE not on the curve");
	assert_int_equal(n_sas(1), 1);

	/* none of it hurt the IKE SA: a CHILD_SA rekey over it works */
	{
		struct view_ike_child c;

		assert_int_equal(ike_child_list(P.s[0].ike, 0, &c, 1), 1);
		ike_sa_expired(P.s[0].ike, c.handle_out, false);
		pair_pump(&P);
		pair_advance(&P, 5000);
		pair_assert_matching(&P);
		assert_int_equal(ike_child_list(P.s[0].ike, 0, &c, 1), 1);
	}
}

/* xorshift64*: the same junk every run */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void
test_random_junk(void **state)
{
	struct view_ike_stats before, after;
	struct view_ike_sa va;
	uint8_t buf[1024];
	uint64_t seed = 0x9E3779B97F4A7C15ull, rx = 0;
	const int rounds = 3000;

	(void)state;
	pair_init(&P, NULL, NULL);
	P.record = true;
	pair_up(&P, 0, 0);
	assert_int_equal(ike_sa_list(P.s[0].ike, &va, 1), 1);
	stats(1, &before);
	for (int i = 0; i < rounds; i++) {
		const struct pair_msg *m = &P.sent[rnd(&seed) % P.n_sent];
		size_t len = rnd(&seed) % sizeof(buf);

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rnd(&seed);
		switch (i % 4) {
		case 0:		/* a real message with some bytes flipped */
			len = m->len;
			memcpy(buf, m->buf, len);
			for (int k = 0; k < 3; k++)
				buf[rnd(&seed) % len] ^= (uint8_t)(1 + rnd(&seed) % 255);
			break;
		case 1:		/* a valid header for the SA, junk after it */
			if (len >= 28) {
				memcpy(buf, m->buf, 24);
				buf[24] = (uint8_t)(len >> 24);
				buf[25] = (uint8_t)(len >> 16);
				buf[26] = (uint8_t)(len >> 8);
				buf[27] = (uint8_t)len;
			}
			break;
		case 2:		/* a real message cut short */
			len = m->len - 1 - rnd(&seed) % m->len;
			memcpy(buf, m->buf, len);
			break;
		default:	/* anything */
			break;
		}
		ike_input(P.s[1].ike, &addr_b, &addr_a, buf, len);
		pair_flush(&P);
	}
	stats(1, &after);
	for (int x = 0; x < IKE_STAT_X__COUNT; x++)
		rx += after.exchange[x][IKE_RX_REQ] + after.exchange[x][IKE_RX_RES] -
		      before.exchange[x][IKE_RX_REQ] - before.exchange[x][IKE_RX_RES];
	/*
	 * every message counted: as dropped, or as received (an IKE_SA_INIT is
	 * counted received before it may be refused, so some are both)
	 */
	assert_true(drops_total(&after) - drops_total(&before) + rx >= (uint64_t)rounds);
	assert_true(drops_total(&after) - drops_total(&before) <= (uint64_t)rounds);
	assert_true(drops_total(&after) - drops_total(&before) > rounds * 9 / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_invalid_ke_retry, teardown),
		cmocka_unit_test_teardown(test_no_proposal_ike, teardown),
		cmocka_unit_test_teardown(test_no_proposal_child, teardown),
		cmocka_unit_test_teardown(test_auth_failed_at_responder, teardown),
		cmocka_unit_test_teardown(test_auth_failed_at_initiator, teardown),
		cmocka_unit_test_teardown(test_cookie, teardown),
		cmocka_unit_test_teardown(test_half_open_limit, teardown),
		cmocka_unit_test_teardown(test_cookie_threshold_and_rate, teardown),
		cmocka_unit_test_teardown(test_each_drop_reason, teardown),
		cmocka_unit_test_teardown(test_random_junk, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
