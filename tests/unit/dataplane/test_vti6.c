/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static VTI over IPv6 ("tunnel mode ipsec ipv6") in the dataplane:
 *
 *   hosts 2001:db8:2::/64 -- inside0 [dpsec] outside0 2001:db8::2 ==Tunnel1==> peer 2001:db8::1
 *                                        ipv6 route 2001:db8:1::/48 Tunnel1
 *
 *   - the IPv6 route lookup finds the tunnel, and no inside egress for its
 *     prefix; ::/0 into the tunnel leaves the inside's connected prefix inside;
 *   - a host's IPv6 packet routed into the tunnel is ESP over IPv6 with the
 *     tunnel's SA to the tunnel destination, whatever its addresses; with no
 *     SA it is dropped as 112 OUT_IPV6_SA_NOT_FOUND, nothing sent;
 *   - the tunnel's inbound SA takes any inner IPv6 source (::/0 selectors)
 *     and routes it inside; an inner IPv4 packet is not the tunnel's family
 *     (IOS's ipsec ipv6 carries IPv6 only): 30 IN_V4_POST_INPUT_POLICY_FAIL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip6.h"

#include "esp_null.h"
#include "harness.h"
#include "route.h"

#define MAX_OUT	     8
#define VTI6_SPI_OUT 0x7006u
#define LOCAL6	     "2001:db8::2"
#define HOPS	     64

static struct harness H;
static struct cfg_route6 tun_route;

static int
make(const char *prefix)
{
	struct h_opts o = {.outside6 = LOCAL6, .inside6 = "2001:db8:2::1/64",
			   .routes6 = &tun_route, .n_routes6 = 1, .tunnel_v6 = true};
	bool host;

	tun_route = (struct cfg_route6){.iface = CFG_NONE, .tunnel = 0};
	if (!ip6_prefix_parse(prefix, &tun_route.dst, &host))
		return -1;
	return harness_create_opts(&H, &o);
}

static int
setup(void **state)
{
	(void)state;
	return make("2001:db8:1::/48");
}

/* ipv6 route ::/0 Tunnel1: the default route (kept beside rte_lpm6) leads into it. */
static int
setup_default(void **state)
{
	(void)state;
	return make("::/0");
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

static const uint8_t *
a6(const char *s)
{
	static uint8_t a[4][16];
	static unsigned int k;
	uint8_t *p = a[k++ % 4];

	assert_true(ip6_parse(s, p));
	return p;
}

/* Ethernet + IPv6 + UDP (12345 -> 53) with 24 payload bytes from src to dst. */
static size_t
ipv6_frame(uint8_t *buf, const char *src, const char *dst)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	uint8_t *udp = (uint8_t *)(ip6 + 1);

	memset(buf, 0, sizeof(*eth) + sizeof(*ip6) + 32);
	assert_true(mac_parse(H_HOST_MAC, eth->src_addr.addr_bytes));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16(32);
	ip6->proto = IPPROTO_UDP;
	ip6->hop_limits = HOPS;
	memcpy(ip6->src_addr, a6(src), 16);
	memcpy(ip6->dst_addr, a6(dst), 16);
	udp[0] = 0x30;
	udp[1] = 0x39;
	udp[3] = 53;
	udp[5] = 32;
	return sizeof(*eth) + sizeof(*ip6) + 32;
}

/* A host's IPv6 packet on inside0; what the worker sent into out[]. */
static uint16_t
from_host(const char *src, const char *dst, struct rte_mbuf **out, uint16_t *port)
{
	uint8_t frame[128];
	size_t len = ipv6_frame(frame, src, dst);
	struct rte_mbuf *m = harness_mbuf(&H, frame, len);

	assert_non_null(m);
	return harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, port);
}

static void
add_sa(enum cfg_dir dir)
{
	const struct h_sa s = {.dir = dir,
			       .spi = dir == CFG_DIR_OUT ? VTI6_SPI_OUT : ESP_NULL_SPI,
			       .cipher = DP_CIPHER_NULL,
			       .auth = DP_AUTH_HMAC_SHA256_128,
			       .replay_window = dir == CFG_DIR_IN ? 64 : 0,
			       .akey = dir == CFG_DIR_IN ? esp_null_akey : NULL,
			       .family = AF_INET6,
			       .vti = true};

	assert_true(harness_add_sa(&H, &s) > 0);
}

static void
test_route_lookup(void **state)
{
	const struct rte_ether_addr *mac;
	uint16_t port;

	(void)state;
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:1::7")), 0);
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:2::5")), CFG_NONE);
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:9::1")), CFG_NONE);
	/* an IPv6 route never answers an IPv4 lookup */
	assert_int_equal(route_tunnel(H.dp->route, 0), CFG_NONE);
	/* what the tunnel's route takes is not an inside destination */
	assert_int_equal(route_inside6(H.dp->route, a6("2001:db8:1::7"), &port, &mac),
			 -ENETUNREACH);
	assert_int_equal(route_inside6(H.dp->route, a6("2001:db8:2::5"), &port, &mac), 0);
	assert_int_equal(port, H_INSIDE);
}

/* A tunnel with no SA: counted as 112, never sent (in clear or otherwise). */
static void
test_no_sa_dropped(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint64_t total = harness_drops_total(&H);
	uint16_t n;

	(void)state;
	n = from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV6_SA_NOT_FOUND), 1);
	assert_int_equal(harness_drops_total(&H), total + 1);
	/* the SA deleted again: the same */
	add_sa(CFG_DIR_OUT);
	dp_sa_del_all(H.dp);
	n = from_host("2001:db8:2::5", "2001:db8:1::8", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV6_SA_NOT_FOUND), 2);
	/* not routed into the tunnel, no crypto map line: no route, not 112 */
	n = from_host("2001:db8:2::5", "2001:db8:9::1", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6NoRoute), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV6_SA_NOT_FOUND), 2);
}

/*
 * Any source into the tunnel (no ACL decides): ESP over IPv6 with the
 * tunnel's SPI from the tunnel source to its destination on outside0, the
 * inner packet whole behind it (ESP-NULL), its hop limit one lower, next
 * header 41.
 */
static void
test_encrypts_with_tunnel_sa(void **state)
{
	static const char *const srcs[] = {"2001:db8:2::5", "2001:db8:77::9"};
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n, port = UINT16_MAX;
	uint8_t inner[128];

	(void)state;
	add_sa(CFG_DIR_OUT);
	for (size_t i = 0; i < RTE_DIM(srcs); i++) {
		const struct rte_ipv6_hdr *o6;
		const uint8_t *esp;
		size_t len = ipv6_frame(inner, srcs[i], "2001:db8:1::7") - 14;

		n = from_host(srcs[i], "2001:db8:1::7", out, &port);
		if (n != 1)
			harness_dump_drops(&H);
		assert_int_equal(n, 1);
		assert_int_equal(port, H_OUTSIDE);
		o6 = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv6_hdr *,
					     sizeof(struct rte_ether_hdr));
		esp = (const uint8_t *)(o6 + 1);
		assert_int_equal(o6->proto, IPPROTO_ESP);
		assert_memory_equal(o6->src_addr, a6(LOCAL6), 16);
		assert_memory_equal(o6->dst_addr, a6(H_PEER6), 16);
		assert_int_equal((uint32_t)esp[0] << 24 | esp[1] << 16 | esp[2] << 8 | esp[3],
				 VTI6_SPI_OUT);
		inner[14 + 7] = HOPS - 1;
		assert_memory_equal(esp + 8, inner + 14, len);
		/* ICV 16, next header, pad length, padding to 4: 80 + 2 -> 2 bytes of padding */
		assert_int_equal(esp[8 + len + 2 + 1], IPPROTO_IPV6);
		rte_pktmbuf_free_bulk(out, n);
	}
	assert_int_equal(harness_drops_total(&H), 0);
}

/*
 * ESP-NULL over IPv6 from the peer (H_PEER6) to outside0's address6, under
 * the tunnel's inbound SA: esp_null_frame's ESP moved behind an IPv6 header.
 */
static uint16_t
from_tunnel(uint32_t seq, const uint8_t *inner, size_t len, uint8_t nh, struct rte_mbuf **out,
	    uint16_t *port)
{
	static uint8_t pt[ESP_NULL_MAX], frame[ESP_NULL_MAX + 128];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	size_t n = esp_null_plaintext(pt, inner, len), esp_len;
	struct rte_mbuf *m;

	pt[n - 1] = nh;
	m = esp_null_frame(&H, seq, pt, n);
	assert_non_null(m);
	esp_len = rte_pktmbuf_data_len(m) - 14 - 20;
	memset(frame, 0, 14 + 40);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)esp_len);
	ip6->proto = IPPROTO_ESP;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, a6(H_PEER6), 16);
	memcpy(ip6->dst_addr, a6(LOCAL6), 16);
	memcpy(ip6 + 1, rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20), esp_len);
	rte_pktmbuf_free(m);
	m = harness_mbuf(&H, frame, 14 + 40 + esp_len);
	assert_non_null(m);
	return harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, port);
}

static void
test_inbound_any_inner(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n, port = UINT16_MAX;
	uint8_t f[128];
	size_t len;

	(void)state;
	add_sa(CFG_DIR_IN);
	/* a source no crypto map line names: the tunnel's SA has ::/0 selectors */
	len = ipv6_frame(f, "2001:db8:77::9", "2001:db8:2::5") - 14;
	n = from_tunnel(1, f + 14, len, IPPROTO_IPV6, out, &port);
	if (n != 1)
		harness_dump_drops(&H);
	assert_int_equal(n, 1);
	assert_int_equal(port, H_INSIDE);
	f[14 + 7] = HOPS - 1;
	assert_int_equal(rte_pktmbuf_pkt_len(out[0]), 14 + len);
	assert_memory_equal(rte_pktmbuf_mtod_offset(out[0], uint8_t *, 14), f + 14, len);
	rte_pktmbuf_free_bulk(out, n);
	/* for a prefix routed into the tunnel: no inside route, no hairpin */
	len = ipv6_frame(f, "2001:db8:77::9", "2001:db8:1::7") - 14;
	n = from_tunnel(2, f + 14, len, IPPROTO_IPV6, out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6NoRoute), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL), 0);
	assert_int_equal(harness_drops_total(&H), 1);
}

/* IPv4 inside an ipsec ipv6 tunnel: not its family, the policy refuses it (30). */
static void
test_inbound_ipv4_refused(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint8_t f[128];
	size_t len = harness_ipv4_frame(f, "203.0.113.9", "10.0.2.7", IPPROTO_UDP, 64, "abcdefgh",
					8) - 14;
	uint16_t n;

	(void)state;
	add_sa(CFG_DIR_IN);
	n = from_tunnel(1, f + 14, len, IPPROTO_IPIP, out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

static void
test_default_route_into_tunnel(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n, port;

	(void)state;
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:9::1")), 0);
	/* the inside's connected prefix is longer: still the inside */
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:2::5")), CFG_NONE);
	n = from_host("2001:db8:2::5", "2001:db8:9::1", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV6_SA_NOT_FOUND), 1);
	add_sa(CFG_DIR_OUT);
	n = from_host("2001:db8:2::5", "2001:db8:9::1", out, &port);
	assert_int_equal(n, 1);
	assert_int_equal(port, H_OUTSIDE);
	rte_pktmbuf_free_bulk(out, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_route_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sa_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypts_with_tunnel_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_any_inner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_ipv4_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route_into_tunnel, setup_default,
						teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
