/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An SA's negotiated IPv6 traffic selectors (dp_ts6, TS_IPV6_ADDR_RANGE),
 * narrower than the crypto map's IPv6 line (2001:db8::/32 <-> 2001:db8::/32),
 * enforced by the workers as the IPv4 ones are (test_sa_ts.c):
 *
 *   host 2001:db8:2::5 --+                         +-- 2001:db8:1::/64 (the peer's side)
 *   host 2001:db8:3::7 --+-- inside0 [ gwB ] outside0 == ESP == peer 192.0.2.1
 *
 *   outbound  the SA covers 2001:db8:2::/64 -> 2001:db8:1::/64: 2001:db8:3::7's
 *             packet (in the ACL, outside the selectors) is dropped,
 *             57 OUT_V6_POST_OUTPUT_POLICY_FAIL; a port selector is matched
 *             behind extension headers
 *   inbound   a decrypted packet whose inner source is outside the SA's remote
 *             selectors is dropped, 31 IN_V6_POST_INPUT_POLICY_FAIL (RFC 4301
 *             5.2), also after dp_sa_update_ts narrowed an installed SA
 *
 * The peer is played by harness_reflect (outer addresses swapped, inner
 * unchanged), so the inbound SA's selectors are the outbound ones mirrored.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip6.h"

#include "harness.h"

#define HOPS 64

static struct harness H;
static struct cfg_route6 route;

static const struct h_acl_line lines[] = {
	{"2001:db8::/32", "2001:db8::/32", false},
};

/* 2001:db8:N::/64 */
static struct dp_ts6
net64(uint8_t n)
{
	struct dp_ts6 t = {.port_end = UINT16_MAX};
	static const uint8_t p[6] = {0x20, 0x01, 0x0d, 0xb8, 0, 0};

	memcpy(t.addr_start, p, 6);
	t.addr_start[5] = n;
	memcpy(t.addr_end, t.addr_start, 8);
	memset(t.addr_end + 8, 0xff, 8);
	return t;
}

static int
setup(void **state)
{
	struct h_opts o = {.acl = lines, .n_acl = 1, .inside6 = "2001:db8:2::1/64",
			   .routes6 = &route, .n_routes6 = 1};
	bool host;

	(void)state;
	route = (struct cfg_route6){.iface = H_INSIDE};
	if (!ip6_prefix_parse("2001:db8::/33", &route.dst, &host))
		return -1;
	return harness_create_opts(&H, &o);
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/*
 * Ethernet + IPv6 src -> dst, a destination options header first when dopt,
 * then UDP 1024 -> dport with 32 payload bytes. Returns the frame length.
 */
static size_t
udp6_frame(uint8_t *buf, const char *src, const char *dst, uint16_t dport, bool dopt)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	size_t ext = dopt ? 8 : 0, ulen = 8 + 32;
	uint8_t *l4 = (uint8_t *)(ip6 + 1);

	memset(buf, 0, sizeof(*eth) + sizeof(*ip6) + ext + ulen);
	assert_true(mac_parse(H_HOST_MAC, eth->src_addr.addr_bytes));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(ext + ulen));
	ip6->proto = dopt ? 60 : IPPROTO_UDP;
	ip6->hop_limits = HOPS;
	assert_true(ip6_parse(src, ip6->src_addr));
	assert_true(ip6_parse(dst, ip6->dst_addr));
	if (dopt) {
		l4[0] = IPPROTO_UDP;	/* next header; length 0 (8 bytes); PadN of 4 */
		l4[2] = 1;
		l4[3] = 4;
		l4 += 8;
	}
	l4[0] = 0x04;	/* source port 1024 */
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[5] = (uint8_t)ulen;
	return sizeof(*eth) + sizeof(*ip6) + ext + ulen;
}

/* A UDP packet src -> dst from the inside: how many frames left (*out: the first). */
static uint16_t
send_inside(const char *src, const char *dst, uint16_t dport, bool dopt, struct rte_mbuf **out)
{
	uint8_t frame[256];
	size_t len = udp6_frame(frame, src, dst, dport, dopt);
	struct rte_mbuf *in = harness_mbuf(&H, frame, len);

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

/* OUTBOUND: 2001:db8:2::/64 -> 2001:db8:1::/64 only, though the line says 2001:db8::/32. */
static void
test_outbound_narrowed(void **state)
{
	struct dp_ts6 l = net64(2), r = net64(1);
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2101, .cipher = DP_CIPHER_AES_GCM_128,
			 .negotiated = true, .ts6_local = &l, .n_ts6_local = 1,
			 .ts6_remote = &r, .n_ts6_remote = 1};
	struct rte_mbuf *out;
	int id;

	(void)state;
	id = harness_add_sa(&H, &s);
	assert_true(id > 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:1::9", 7, false, &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(harness_drops_total(&H), 0);
	/* the source outside, the destination outside: each one 57 and nothing else */
	assert_int_equal(send_inside("2001:db8:3::7", "2001:db8:1::9", 7, false, &out), 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:0:ffff::7", 7, false, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V6_POST_OUTPUT_POLICY_FAIL), 2);
	assert_int_equal(harness_drops_total(&H), 2);
	assert_int_equal(sa_view(id).ctr.v[DP_SA_CTR_encaps_failed], 2);
}

/*
 * A selector with a protocol and a port (UDP to 53), found behind a
 * destination options header; an address range that is no prefix.
 */
static void
test_outbound_port_and_range(void **state)
{
	struct dp_ts6 dns = net64(1), hosts = net64(2);
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2102, .cipher = DP_CIPHER_AES_GCM_128,
			 .negotiated = true, .ts6_remote = &dns, .n_ts6_remote = 1,
			 .ts6_local = &hosts, .n_ts6_local = 1};
	struct rte_mbuf *out;

	(void)state;
	dns.proto = IPPROTO_UDP;
	dns.port_start = dns.port_end = 53;
	hosts.addr_end[15] = 0x10;	/* 2001:db8:2::0 - 2001:db8:2::10 */
	memset(hosts.addr_end + 8, 0, 7);
	assert_true(harness_add_sa(&H, &s) > 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:1::9", 53, false, &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(send_inside("2001:db8:2::10", "2001:db8:1::9", 53, true, &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(harness_drops_total(&H), 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:1::9", 54, false, &out), 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:1::9", 54, true, &out), 0);
	assert_int_equal(send_inside("2001:db8:2::11", "2001:db8:1::9", 53, false, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V6_POST_OUTPUT_POLICY_FAIL), 3);
	assert_int_equal(harness_drops_total(&H), 3);
}

/* INBOUND: what the peer sends must come from its selectors, to ours. */
static void
test_inbound_narrowed(void **state)
{
	struct dp_ts6 l = net64(1), r = net64(2);
	/* the frames are made by an outbound SA without selectors, with the same key */
	struct h_sa o = {.dir = CFG_DIR_OUT, .spi = 0x2103, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa i = {.dir = CFG_DIR_IN, .spi = 0x2103, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64, .negotiated = true, .ts6_local = &l,
			 .n_ts6_local = 1, .ts6_remote = &r, .n_ts6_remote = 1};
	struct rte_mbuf *esp[2], *plain;
	int id;

	(void)state;
	assert_true(harness_add_sa(&H, &o) > 0);
	id = harness_add_sa(&H, &i);
	assert_true(id > 0);
	assert_int_equal(send_inside("2001:db8:2::5", "2001:db8:1::9", 7, false, &esp[0]), 1);
	assert_int_equal(send_inside("2001:db8:3::7", "2001:db8:1::9", 7, false, &esp[1]), 1);
	harness_reflect(esp[0]);
	harness_reflect(esp[1]);
	/* control: inner 2001:db8:2::5 -> 2001:db8:1::9 is inside the mirrored selectors */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[0], 1, &plain, 1, NULL), 1);
	rte_pktmbuf_free(plain);
	assert_int_equal(harness_drops_total(&H), 0);
	/* inner source 2001:db8:3::7: in the ACL, not in what was negotiated */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[1], 1, &plain, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(sa_view(id).ctr.v[DP_SA_CTR_decaps_failed], 1);
}

/*
 * An IKE initiator's inbound half: installed with what it proposed (the
 * whole /32 on the peer's side), narrowed by dp_sa_update_ts once the peer
 * answered; IPv6 selectors that are no range are refused.
 */
static void
test_inbound_update(void **state)
{
	struct dp_ts6 wide = net64(0);
	struct h_sa o = {.dir = CFG_DIR_OUT, .spi = 0x2104, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa i = {.dir = CFG_DIR_IN, .spi = 0x2104, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64, .negotiated = true, .ts6_remote = &wide,
			 .n_ts6_remote = 1};
	struct dp_sa_params narrow = {.n_ts6_remote = 1, .ts6_remote = {net64(2)}};
	struct rte_mbuf *esp[2], *plain;
	int id;

	(void)state;
	memset(wide.addr_end + 4, 0xff, 12);	/* 2001:db8::/32 */
	assert_true(harness_add_sa(&H, &o) > 0);
	id = harness_add_sa(&H, &i);
	assert_true(id > 0);
	assert_int_equal(send_inside("2001:db8:3::7", "2001:db8:1::9", 7, false, &esp[0]), 1);
	assert_int_equal(send_inside("2001:db8:3::7", "2001:db8:1::9", 7, false, &esp[1]), 1);
	harness_reflect(esp[0]);
	harness_reflect(esp[1]);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[0], 1, &plain, 1, NULL), 1);
	rte_pktmbuf_free(plain);
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)id, &narrow), 0);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp[1], 1, &plain, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	/* start after end: refused at update and at install */
	memcpy(narrow.ts6_remote[0].addr_start, wide.addr_end, 16);
	assert_int_equal(dp_sa_update_ts(H.dp, (uint32_t)id, &narrow), -EINVAL);
	i.spi = 0x2105;
	memcpy(wide.addr_start, narrow.ts6_remote[0].addr_start, 16);
	wide.addr_end[15] = 0xfe;
	assert_int_equal(harness_add_sa(&H, &i), -EINVAL);
	wide.addr_end[15] = 0xff;	/* start == end: one address, taken */
	assert_true(harness_add_sa(&H, &i) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbound_narrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_port_and_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_narrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_update, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
