/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outer IPv6 fragmentation through the dataplane (esp_out.c decides,
 * worker.c cuts with frag6.c), opened again by the gateway's own inbound
 * path (reasm_in.c reassembles, esp_in.c decrypts):
 *
 *   host 10.0.2.5 / 2001:db8:2::5 -> inside0 [dpsec] outside0 2001:db8::2, MTU m
 *                                        ==ESP over IPv6==> peer 2001:db8::1
 *
 *   after-encryption: an IPv4 packet, DF clear, or an IPv6 packet too big
 *     once encapsulated goes as one ESP packet in outer IPv6 fragments;
 *   either mode: an IPv6 packet of at most 1280 bytes that the tunnel cannot
 *     carry whole goes the same way (RFC 8200 section 5, RFC 2473 7.1);
 *     one byte more gets Packet Too Big (52), before-encryption;
 *   more than FRAG6_MAX fragments: dropped under the inner family's reason.
 *
 * What left is reflected (outer addresses swapped; the SAs of both
 * directions keyed alike), so the original must come back whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/dp.h"
#include "dpsec/ip6.h"

#include "frag6.h"
#include "harness.h"
#include "sa.h"
#include "spd.h"

#define L3 14u
#define MAX_OUT 16
#define SPI 0x6006u

static struct harness H;

static const struct h_acl_line lines6[] = {
	{"2001:db8::/32", "2001:db8::/32", false},
};
static struct cfg_route6 route;

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

/* A gateway whose outside0 (MTU mtu) has 2001:db8::2; an IPv6 entry when inner6; an SA pair. */
static void
gateway(bool inner6, uint16_t mtu, enum cfg_frag mode, enum dp_cipher c, enum dp_auth a)
{
	struct h_opts o = {.outside6 = "2001:db8::2", .outside_mtu = mtu};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = SPI, .cipher = c, .auth = a,
			 .family = AF_INET6};
	bool host;

	if (inner6) {
		route = (struct cfg_route6){.iface = H_INSIDE};
		assert_true(ip6_prefix_parse("2001:db8::/33", &route.dst, &host));
		o.acl = lines6;
		o.n_acl = 1;
		o.inside6 = "2001:db8:2::1/64";
		o.routes6 = &route;
		o.n_routes6 = 1;
	}
	harness_destroy(&H);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	H.cfg.ipsec.fragmentation = mode;
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
}

/* An IPv4 (UDP, DF clear) or IPv6 (UDP) packet of tot bytes from the host; its frame length. */
static size_t
host_frame(uint8_t *f, bool inner6, size_t tot)
{
	static uint8_t pl[4096];
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + L3);

	for (size_t i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 13 + 1);
	if (!inner6)
		return harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, tot - 20);
	memset(f, 0, L3);
	assert_true(mac_parse(H_HOST_MAC, ((struct rte_ether_hdr *)f)->src_addr.addr_bytes));
	((struct rte_ether_hdr *)f)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	memset(ip6, 0, sizeof(*ip6));
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(tot - 40));
	ip6->proto = IPPROTO_NONE;	/* no next header: the payload is opaque */
	ip6->hop_limits = 64;
	assert_true(ip6_parse("2001:db8:2::5", ip6->src_addr));
	assert_true(ip6_parse("2001:db8:1::7", ip6->dst_addr));
	memcpy(ip6 + 1, pl, tot - 40);
	return L3 + tot;
}

static const struct rte_ipv6_hdr *
ip6_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, L3);
}

/*
 * The n frames out are the outer IPv6 fragments of one ESP packet, none
 * larger than mtu: offsets in order, M on all but the last, one
 * identification, the first piece starting with our SPI and sequence 1.
 */
static void
expect_outer_fragments(struct rte_mbuf **out, uint16_t n, uint16_t mtu)
{
	uint32_t done = 0, id = 0;

	assert_true(n >= 2);
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ipv6_hdr *o6 = ip6_of(out[i]);
		const struct rte_ipv6_fragment_ext *fh = (const void *)(o6 + 1);
		uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
		uint32_t len = rte_be_to_cpu_16(o6->payload_len) - 8u;

		assert_int_equal(rte_pktmbuf_pkt_len(out[i]), L3 + 40 + 8 + len);
		assert_true(40 + 8 + len <= mtu);
		assert_int_equal(o6->proto, IPPROTO_FRAGMENT);
		assert_int_equal(fh->next_header, IPPROTO_ESP);
		assert_int_equal(fd & ~7u, done);
		assert_int_equal(fd & 1, i + 1 < n);
		if (i == 0)
			id = fh->id;
		assert_int_equal(fh->id, id);
		assert_true(i + 1 == n || len % 8 == 0);
		done += len;
	}
	{
		const uint8_t *esp = (const uint8_t *)(ip6_of(out[0]) + 1) + 8;

		assert_int_equal(esp[2] << 8 | esp[3], SPI);
		assert_int_equal(esp[7], 1);	/* sequence number 1: encrypted once, whole */
	}
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragmented, 1);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragments, n);
	assert_int_equal(spd_out_sa(H.dp->spd, 0)->ctr.v[DP_SA_CTR_pkts], 1);
}

/* The fragments back as the peer sends them: outer addresses swapped; what came out. */
static uint16_t
reflect6(struct rte_mbuf **m, uint16_t n, struct rte_mbuf **back)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_ipv6_hdr *o6 = rte_pktmbuf_mtod_offset(m[i], struct rte_ipv6_hdr *, L3);
		uint8_t a[16];

		memcpy(a, o6->src_addr, 16);
		memcpy(o6->src_addr, o6->dst_addr, 16);
		memcpy(o6->dst_addr, a, 16);
		memset(rte_pktmbuf_mtod(m[i], uint8_t *), 0, 6);
	}
	return harness_send(&H, H_OUTSIDE, m, n, back, MAX_OUT, NULL);
}

/*
 * Host packet of tot bytes in, outer fragments out at mtu, reflected: the
 * original (its TTL or hop limit spent twice) back on the inside, whole.
 */
static void
round_trip(const uint8_t *f, size_t len, bool inner6, uint16_t mtu)
{
	struct rte_mbuf *m = harness_mbuf(&H, f, len), *out[MAX_OUT], *back[MAX_OUT];
	uint16_t n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL), nb;
	size_t skip = inner6 ? 40 : 20;	/* the headers whose hop count changed */

	if (n < 2) {
		harness_dump_drops(&H);
		fail_msg("%u frames out, expected outer fragments", n);
	}
	expect_outer_fragments(out, n, mtu);
	nb = reflect6(out, n, back);
	if (nb != 1) {
		harness_dump_drops(&H);
		fail_msg("%u frames back, expected the original whole", nb);
	}
	assert_int_equal(rte_pktmbuf_pkt_len(back[0]), len);
	assert_memory_equal(rte_pktmbuf_mtod_offset(back[0], uint8_t *, L3 + skip), f + L3 + skip,
			    len - L3 - skip);
	rte_pktmbuf_free(back[0]);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].reassembled, 1);
	assert_int_equal(harness_drops_total(&H), 0);
	assert_int_equal(H.events[DP_EV_ICMP_ERROR], 0);
}

/* after-encryption: an IPv4 packet (DF clear) in outer IPv6 fragments; CBC and GCM. */
static void
test_ipv4_after_encryption(void **state)
{
	static uint8_t f[2048];

	(void)state;
	gateway(false, 1500, CFG_FRAG_AFTER, DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128);
	round_trip(f, host_frame(f, false, 1480), false, 1500);
	gateway(false, 1280, CFG_FRAG_AFTER, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	round_trip(f, host_frame(f, false, 1480), false, 1280);
}

/* before-encryption stays as it was: inner IPv4 fragments, each its own whole ESP packet. */
static void
test_ipv4_before_encryption_unchanged(void **state)
{
	static uint8_t f[2048];
	struct rte_mbuf *m, *out[MAX_OUT];
	uint16_t n;

	(void)state;
	gateway(false, 1500, CFG_FRAG_BEFORE, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	m = harness_mbuf(&H, f, host_frame(f, false, 1480));
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++)
		assert_int_equal(ip6_of(out[i])->proto, IPPROTO_ESP);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(spd_out_sa(H.dp->spd, 0)->ctr.v[DP_SA_CTR_pkts], 2);
}

/*
 * An IPv6 packet of 1280 bytes through an IPv6 tunnel whose path is 1280:
 * it must get through (RFC 8200 section 5), so in outer fragments, in
 * either mode; 1281 bytes gets Packet Too Big 1280 and is dropped (52)
 * before-encryption, and goes in fragments after-encryption.
 */
static void
test_ipv6_1280_always_through(void **state)
{
	static uint8_t f[2048];
	struct rte_mbuf *m, *out[MAX_OUT];

	(void)state;
	for (int mode = 0; mode < 2; mode++) {
		gateway(true, 1280, mode ? CFG_FRAG_AFTER : CFG_FRAG_BEFORE, DP_CIPHER_AES_GCM_128,
			DP_AUTH_NONE);
		round_trip(f, host_frame(f, true, 1280), true, 1280);
	}
	gateway(true, 1280, CFG_FRAG_BEFORE, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	m = harness_mbuf(&H, f, host_frame(f, true, 1281));
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_INFRA_V6_PKT_LEN_TOO_BIG), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(H.events[DP_EV_ICMP_ERROR], 1);
	assert_int_equal(H.last_event.icmp_mtu, 1280);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragmented, 0);
	gateway(true, 1280, CFG_FRAG_AFTER, DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128);
	round_trip(f, host_frame(f, true, 1281), true, 1280);
	gateway(true, 1500, CFG_FRAG_AFTER, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	round_trip(f, host_frame(f, true, 1500), true, 1500);
}

/*
 * A Packet Too Big from the path lowered the SA's MTU below the port's
 * (sa_pmtu.c): the outer fragments are cut to the SA's 1300, not the port's
 * 1500 (esp_out.c hands the worker the SA's MTU in the mbuf).
 */
static void
test_cut_to_the_path_mtu(void **state)
{
	static uint8_t f[2048];
	uint8_t local[16], peer[16];

	(void)state;
	gateway(false, 1500, CFG_FRAG_AFTER, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	assert_true(ip6_parse("2001:db8::2", local));
	assert_true(ip6_parse(H_PEER6, peer));
	assert_int_equal(dp_sa_path_mtu6(H.dp, local, peer, SPI, 1300), 0);
	/* fits 1500 once encrypted, not 1300 */
	round_trip(f, host_frame(f, false, 1400), false, 1300);
}

/*
 * Past FRAG6_MAX fragments (an outside MTU of 300: 248 bytes a piece, 8
 * pieces carry 1984): dropped under the inner family's too-big reason, and
 * nothing sent.
 */
static void
test_too_many_fragments(void **state)
{
	static uint8_t f[2048];
	struct rte_mbuf *m, *out[MAX_OUT];

	(void)state;
	gateway(false, 300, CFG_FRAG_AFTER, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE);
	m = harness_mbuf(&H, f, host_frame(f, false, 1960));
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG), 1);
	/* 1900 bytes fit in 8 */
	m = harness_mbuf(&H, f, host_frame(f, false, 1900));
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL), FRAG6_MAX);
	rte_pktmbuf_free_bulk(out, FRAG6_MAX);
	assert_int_equal(harness_drops_total(&H), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ipv4_after_encryption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_before_encryption_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_1280_always_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_to_the_path_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fragments, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
