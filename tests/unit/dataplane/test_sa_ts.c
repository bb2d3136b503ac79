/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An SA's negotiated traffic selectors, narrower than the crypto map's ACL
 * (default 10.0.0.0/16 <-> 10.0.0.0/16), enforced by the workers:
 *
 *   host 10.0.2.5 --+                          +-- 10.0.1.0/24 (the peer's side)
 *   host 10.0.3.7 --+-- inside0 [ gwB ] outside0 == ESP == peer 192.0.2.1
 *
 *   outbound  the SA covers 10.0.2.0/24 -> 10.0.1.0/24: 10.0.3.7's packet (in
 *             the ACL, outside the selectors) is dropped, 56 OUT_V4_POST_OUTPUT_POLICY_FAIL
 *   inbound   a decrypted packet whose inner source is outside the SA's remote
 *             selectors is dropped, 30 IN_V4_POST_INPUT_POLICY_FAIL (RFC 4301 5.2),
 *             also after dp_sa_update_ts narrowed an installed SA
 *
 * The peer is played by harness_reflect (outer addresses swapped, inner
 * unchanged), so the inbound SA's selectors are the outbound ones mirrored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "harness.h"

#define NET(a, b, c) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8)

static const struct dp_ts NET_2 = {NET(10, 0, 2), NET(10, 0, 2) | 255, 0, UINT16_MAX, 0};
static const struct dp_ts NET_1 = {NET(10, 0, 1), NET(10, 0, 1) | 255, 0, UINT16_MAX, 0};
/* UDP to port 53 only */
static const struct dp_ts NET_1_DNS = {NET(10, 0, 1), NET(10, 0, 1) | 255, 53, 53, IPPROTO_UDP};

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

/* A UDP packet src -> dst (ports 1024 -> dport) from the inside: how many frames left. */
static uint16_t
send_inside(const char *src, const char *dst, uint16_t dport, struct rte_mbuf **out)
{
	uint8_t frame[256], udp[48] = {0x04, 0x00, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 48};
	struct rte_mbuf *in;
	size_t len = harness_ipv4_frame(frame, src, dst, IPPROTO_UDP, 64, udp, sizeof(udp));

	in = harness_mbuf(&H, frame, len);
	assert_non_null(in);
	return harness_send(&H, H_INSIDE, &in, 1, out, 1, NULL);
}

static struct view_sa
sa_view(int conn_id)
{
	struct view_sa v[8];
	size_t n = dp_sa_list(H.dp, v, 8);

	for (size_t i = 0; i < n; i++)
		if (v[i].conn_id == (uint32_t)conn_id)
			return v[i];
	fail_msg("no SA %d", conn_id);
	return v[0];
}

/* OUTBOUND: 10.0.2.0/24 -> 10.0.1.0/24 only, though the ACL says 10.0.0.0/16 both ways. */
static void
test_outbound_narrowed(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2001, .cipher = DP_CIPHER_AES_GCM_128,
			 .negotiated = true, .ts_local = &NET_2, .n_ts_local = 1,
			 .ts_remote = &NET_1, .n_ts_remote = 1};
	struct rte_mbuf *out;
	int id;

	(void)state;
	id = harness_add_sa(&H, &s);
	assert_true(id > 0);
	assert_int_equal(send_inside("10.0.2.5", "10.0.1.9", 7, &out), 1);	/* covered */
	rte_pktmbuf_free(out);
	assert_int_equal(send_inside("10.0.3.7", "10.0.1.9", 7, &out), 0);	/* source outside */
	assert_int_equal(send_inside("10.0.2.5", "10.0.0.7", 7, &out), 0);	/* destination */
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_POST_OUTPUT_POLICY_FAIL), 2);
	assert_int_equal(harness_drops_total(&H), 2);
	assert_int_equal(sa_view(id).ctr.v[DP_SA_CTR_encaps_failed], 2);
}

/* INBOUND: what the peer sends must come from its selectors, to ours. */
static void
test_inbound_narrowed(void **state)
{
	/* the frames are made by an outbound SA without selectors, with the same key */
	struct h_sa o = {.dir = CFG_DIR_OUT, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa i = {.dir = CFG_DIR_IN, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64, .negotiated = true, .ts_local = &NET_1,
			 .n_ts_local = 1, .ts_remote = &NET_2, .n_ts_remote = 1};
	struct rte_mbuf *esp[2], *plain;
	int id;

	(void)state;
	assert_true(harness_add_sa(&H, &o) > 0);
	id = harness_add_sa(&H, &i);
	assert_true(id > 0);
	assert_int_equal(send_inside("10.0.2.5", "10.0.1.9", 7, &esp[0]), 1);
	assert_int_equal(send_inside("10.0.3.7", "10.0.1.9", 7, &esp[1]), 1);
	harness_reflect(esp[0]);
	harness_reflect(esp[1]);
	/* control: inner 10.0.2.5 -> 10.0.1.9 is inside the mirrored selectors */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[0], 1, &plain, 1, NULL), 1);
	rte_pktmbuf_free(plain);
	/* inner source 10.0.3.7: in the ACL, not in what was negotiated */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[1], 1, &plain, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(sa_view(id).ctr.v[DP_SA_CTR_decaps_failed], 1);
}

/*
 * An IKE initiator's inbound half: installed with what it proposed (the whole
 * /16 on the peer's side), narrowed by dp_sa_update_ts once the peer answered.
 */
static void
test_inbound_update(void **state)
{
	static const struct dp_ts wide = {NET(10, 0, 0), NET(10, 0, 255) | 255, 0, UINT16_MAX, 0};
	struct h_sa o = {.dir = CFG_DIR_OUT, .spi = 0x2005, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa i = {.dir = CFG_DIR_IN, .spi = 0x2005, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64, .negotiated = true, .ts_remote = &wide,
			 .n_ts_remote = 1};
	struct dp_sa_params narrow = {.n_ts_remote = 1, .ts_remote = {NET_2}};
	struct rte_mbuf *esp[2], *plain;
	int plain_id, id;

	(void)state;
	plain_id = harness_add_sa(&H, &o);
	id = harness_add_sa(&H, &i);
	assert_true(plain_id > 0 && id > 0);
	assert_int_equal(send_inside("10.0.3.7", "10.0.1.9", 7, &esp[0]), 1);
	assert_int_equal(send_inside("10.0.3.7", "10.0.1.9", 7, &esp[1]), 1);
	harness_reflect(esp[0]);
	harness_reflect(esp[1]);
	/* before: 10.0.3.7 is inside the proposed /16 */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[0], 1, &plain, 1, NULL), 1);
	rte_pktmbuf_free(plain);
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)id, &narrow), 0);
	/* after: only 10.0.2.0/24 */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[1], 1, &plain, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	/* refused: an SA installed without selectors, an unknown one, a bad range */
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)plain_id, &narrow), -EINVAL);
	assert_int_equal(dp_sa_update_ts(H.dp, 999999, &narrow), -ENOENT);
	narrow.ts_remote[0].port_start = 2;
	narrow.ts_remote[0].port_end = 1;
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)id, &narrow), -EINVAL);
}

/* The SA whose conn id is id, as dp_sa_list shows it to the CLI. */
static struct view_sa
listed(int id)
{
	struct view_sa v[8];
	size_t n = dp_sa_list(H.dp, v, 8);

	for (size_t k = 0; k < n; k++)
		if (v[k].conn_id == (uint32_t)id)
			return v[k];
	fail_msg("conn id %d not listed", id);
	return v[0];
}

static void
assert_ts_equal(const struct dp_ts *a, const struct dp_ts *b)
{
	assert_int_equal(a->addr_start, b->addr_start);
	assert_int_equal(a->addr_end, b->addr_end);
	assert_int_equal(a->port_start, b->port_start);
	assert_int_equal(a->port_end, b->port_end);
	assert_int_equal(a->proto, b->proto);
}

/*
 * "show crypto ipsec sa" shows the selectors an SA enforces: dp_sa_list
 * reports them as installed, the narrowed ones after dp_sa_update_ts, and
 * none for an SA installed without (the ACL's idents are shown for it).
 */
static void
test_listed(void **state)
{
	static const struct dp_ts wide = {NET(10, 0, 0), NET(10, 0, 255) | 255, 0, UINT16_MAX, 0};
	struct h_sa o = {.dir = CFG_DIR_OUT, .spi = 0x2006, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa i = {.dir = CFG_DIR_IN, .spi = 0x2006, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64, .negotiated = true, .ts_remote = &wide,
			 .n_ts_remote = 1};
	struct dp_sa_params narrow = {.n_ts_local = 1, .ts_local = {NET_1_DNS},
				      .n_ts_remote = 2, .ts_remote = {NET_2, NET_1_DNS}};
	struct view_sa v;
	int plain_id, id;

	(void)state;
	plain_id = harness_add_sa(&H, &o);
	id = harness_add_sa(&H, &i);
	assert_true(plain_id > 0 && id > 0);
	v = listed(plain_id);
	assert_int_equal(v.n_ts_local + v.n_ts_remote, 0);
	v = listed(id);
	assert_int_equal(v.n_ts_local, 0);
	assert_int_equal(v.n_ts_remote, 1);
	assert_ts_equal(&v.ts_remote[0], &wide);
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)id, &narrow), 0);
	v = listed(id);
	assert_int_equal(v.n_ts_local, 1);
	assert_ts_equal(&v.ts_local[0], &NET_1_DNS);
	assert_int_equal(v.n_ts_remote, 2);
	assert_ts_equal(&v.ts_remote[0], &NET_2);
	assert_ts_equal(&v.ts_remote[1], &NET_1_DNS);
}

/* A selector with a protocol and a port: UDP to 53 only. */
static void
test_outbound_port(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2003, .cipher = DP_CIPHER_AES_GCM_128,
			 .negotiated = true, .ts_remote = &NET_1_DNS, .n_ts_remote = 1};
	struct rte_mbuf *out;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	assert_int_equal(send_inside("10.0.2.5", "10.0.1.9", 53, &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(send_inside("10.0.2.5", "10.0.1.9", 54, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_POST_OUTPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

/*
 * What dp_sa_add refuses: IPv6 endpoints no outside interface has,
 * selectors that are no range. AH, AH+ESP and ESP-in-UDP over IPv6 are
 * taken (then, here, no outside address6 for them).
 */
static void
test_refused(void **state)
{
	struct dp_ts backwards = NET_1, ports = NET_1, many[DP_TS_MAX + 1];
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2004, .cipher = DP_CIPHER_AES_GCM_128,
			 .family = AF_INET6};

	(void)state;
	assert_int_equal(harness_add_sa(&H, &s), -EHOSTUNREACH);	/* no outside address6 */
	s.udp = true;
	assert_int_equal(harness_add_sa(&H, &s), -EHOSTUNREACH);
	s.udp = false;
	s.bundled = true;	/* AH+ESP over IPv6 is taken: no outside address6 for it here */
	assert_int_equal(harness_add_sa(&H, &s), -EHOSTUNREACH);
	s.bundled = false;
	s.proto = IPPROTO_AH;
	s.cipher = DP_CIPHER_NULL;
	s.auth = DP_AUTH_HMAC_SHA256_128;
	assert_int_equal(harness_add_sa(&H, &s), -EHOSTUNREACH);
	s = (struct h_sa){.dir = CFG_DIR_OUT, .spi = 0x2004, .cipher = DP_CIPHER_AES_GCM_128};
	s.family = AF_INET;
	backwards.addr_start = NET_1.addr_end;
	backwards.addr_end = NET_1.addr_start;
	s.ts_local = &backwards;
	s.n_ts_local = 1;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	ports.port_start = 80;
	ports.port_end = 79;
	s.ts_local = &ports;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	for (size_t k = 0; k < DP_TS_MAX + 1; k++)
		many[k] = NET_2;
	s.ts_local = many;
	s.n_ts_local = DP_TS_MAX + 1;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	assert_int_equal(dp_sa_count(H.dp), 0);
	s.n_ts_local = 1;	/* the same SA, well formed, is taken */
	assert_true(harness_add_sa(&H, &s) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbound_narrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_narrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
