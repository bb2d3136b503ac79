/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static VTI (route-based tunnels) in the dataplane:
 *
 *   hosts 10.0.0.0/16 -- inside0 [dpsec] outside0 192.0.2.2 ==Tunnel1==> peer 192.0.2.1
 *                                  ip route 198.51.100.0/24 Tunnel1
 *                                  crypto map VPN 10: 10.0.0.0/16 <-> 10.0.0.0/16
 *
 *   - the route lookup finds the tunnel, and no inside egress for its prefix;
 *   - a host's packet routed into the tunnel is encrypted with the tunnel's
 *     SA whatever its addresses (no ACL), and with no SA it is dropped as 111
 *     OUT_IPV4_SA_NOT_FOUND, nothing sent;
 *   - traffic not routed into the tunnel still goes by the crypto map;
 *   - the tunnel's inbound SA accepts any inner source (0/0 selectors) and the
 *     packet is routed to the inside; one for a prefix routed into the tunnel
 *     has no inside route (no hairpin).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "esp_null.h"
#include "harness.h"
#include "route.h"
#include "worker.h"

#define MAX_OUT	    8
#define VTI_SPI_OUT 0x7001u

static struct harness H;
static const char *const tunnel_routes[] = {"198.51.100.0/24"};

static int
setup(void **state)
{
	const struct h_opts o = {.tunnel_routes = tunnel_routes, .n_tunnel_routes = 1};

	(void)state;
	return harness_create_opts(&H, &o);
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

static uint32_t
ip(const char *s)
{
	uint32_t a = 0;

	ip4_parse(s, &a);
	return a;
}

/* A host's UDP packet on inside0; what the worker sent (any port) into out[]. */
static uint16_t
from_host(const char *src, const char *dst, struct rte_mbuf **out, uint16_t *port)
{
	static const uint8_t udp[32] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x20};
	uint8_t frame[128];
	size_t len = harness_ipv4_frame(frame, src, dst, IPPROTO_UDP, 64, udp, sizeof(udp));
	struct rte_mbuf *m = harness_mbuf(&H, frame, len);

	assert_non_null(m);
	return harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, port);
}

static void
add_out_sa(void)
{
	const struct h_sa s = {.dir = CFG_DIR_OUT,
			       .spi = VTI_SPI_OUT,
			       .cipher = DP_CIPHER_NULL,
			       .auth = DP_AUTH_HMAC_SHA256_128,
			       .vti = true};

	assert_true(harness_add_sa(&H, &s) > 0);
}

static void
test_route_lookup(void **state)
{
	const struct rte_ether_addr *mac;
	uint16_t port;

	(void)state;
	assert_int_equal(route_tunnel(H.dp->route, ip("198.51.100.7")), 0);
	assert_int_equal(route_tunnel(H.dp->route, ip("10.0.5.5")), CFG_NONE);
	assert_int_equal(route_tunnel(H.dp->route, ip("203.0.113.1")), CFG_NONE);
	/* what the tunnel's route takes is not an inside destination */
	assert_int_equal(route_inside(H.dp->route, ip("198.51.100.7"), &port, &mac),
			 DP_DROP_G_Ipv4NoRoute);
	assert_int_equal(route_inside(H.dp->route, ip("10.0.5.5"), &port, &mac), DP_KEEP);
	assert_int_equal(port, H_INSIDE);
}

/* A tunnel with no SA: counted as 111, never sent (in clear or otherwise). */
static void
test_no_sa_dropped(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint64_t total = harness_drops_total(&H);
	uint16_t n;

	(void)state;
	n = from_host("10.0.0.7", "198.51.100.7", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV4_SA_NOT_FOUND), 1);
	assert_int_equal(harness_drops_total(&H), total + 1);
	/* the SA deleted again: the same */
	add_out_sa();
	dp_sa_del_all(H.dp);
	n = from_host("10.0.0.7", "198.51.100.8", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV4_SA_NOT_FOUND), 2);
}

/*
 * A tunnel keyed by IKE (protection ikev2_profile) without SA asks IKE for
 * one, as a crypto map entry does: 33 IpsecIkeIndicate and DP_EV_ACQUIRE
 * naming the tunnel (DP_ACQUIRE_TUNNEL << 16 | 0) on its source interface,
 * once a second; never 111, nothing sent.
 */
static void
test_ike_tunnel_acquires(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n;

	(void)state;
	H.tunnel.ike.ikev2_profile = 0;
	for (int i = 0; i < 2; i++) {
		n = from_host("10.0.0.7", "198.51.100.7", out, NULL);
		rte_pktmbuf_free_bulk(out, n);
		assert_int_equal(n, 0);
	}
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 2);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV4_SA_NOT_FOUND), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
	assert_int_equal(H.last_event.conn_id, DP_ACQUIRE_TUNNEL << 16 | 0);
	assert_int_equal(H.last_event.iface, H_OUTSIDE);
	assert_int_equal(H.last_event.pkts, 1);
	/* with its SA, it is encrypted like a hand-keyed tunnel's */
	add_out_sa();
	n = from_host("10.0.0.7", "198.51.100.7", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 1);
}

/*
 * Any source into the tunnel (no ACL decides): ESP with the tunnel's SPI to
 * the tunnel destination, on outside0. Traffic the route does not send into
 * the tunnel still takes the crypto map (which has no SA here: 33).
 */
static void
test_encrypts_with_tunnel_sa(void **state)
{
	static const char *const srcs[] = {"10.0.0.7", "172.16.9.9"};
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n, port = UINT16_MAX;

	(void)state;
	add_out_sa();
	for (size_t i = 0; i < RTE_DIM(srcs); i++) {
		const struct rte_ipv4_hdr *oip;
		const uint8_t *esp;

		n = from_host(srcs[i], "198.51.100.7", out, &port);
		if (n != 1)
			harness_dump_drops(&H);
		assert_int_equal(n, 1);
		assert_int_equal(port, H_OUTSIDE);
		oip = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv4_hdr *,
					      sizeof(struct rte_ether_hdr));
		esp = (const uint8_t *)(oip + 1);
		assert_int_equal(oip->next_proto_id, IPPROTO_ESP);
		assert_int_equal(oip->src_addr, ip(H_LOCAL));
		assert_int_equal(oip->dst_addr, ip(H_PEER));
		assert_int_equal((uint32_t)esp[0] << 24 | esp[1] << 16 | esp[2] << 8 | esp[3],
				 VTI_SPI_OUT);
		rte_pktmbuf_free_bulk(out, n);
	}
	n = from_host("10.0.0.7", "10.0.5.5", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV4_SA_NOT_FOUND), 0);
}

/* An inner packet from src to dst, ESP-NULL from the peer under the tunnel's inbound SA. */
static uint16_t
from_tunnel(uint32_t seq, const char *src, const char *dst, struct rte_mbuf **out, uint16_t *port)
{
	static uint8_t pt[ESP_NULL_MAX];
	uint8_t frame[128], inner[64];
	size_t len = harness_ipv4_frame(frame, src, dst, IPPROTO_UDP, 64, "abcdefgh", 8);
	struct rte_mbuf *m;

	len -= sizeof(struct rte_ether_hdr);
	memcpy(inner, frame + sizeof(struct rte_ether_hdr), len);
	m = esp_null_frame(&H, seq, pt, esp_null_plaintext(pt, inner, len));
	assert_non_null(m);
	return harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, port);
}

static void
test_inbound_any_inner(void **state)
{
	const struct h_sa s = {.dir = CFG_DIR_IN,
			       .spi = ESP_NULL_SPI,
			       .cipher = DP_CIPHER_NULL,
			       .auth = DP_AUTH_HMAC_SHA256_128,
			       .replay_window = 64,
			       .akey = esp_null_akey,
			       .vti = true};
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n, port = UINT16_MAX;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	/* a source no crypto map line names: the tunnel's SA has 0/0 selectors */
	n = from_tunnel(1, "203.0.113.9", "10.0.0.7", out, &port);
	if (n != 1)
		harness_dump_drops(&H);
	assert_int_equal(n, 1);
	assert_int_equal(port, H_INSIDE);
	rte_pktmbuf_free_bulk(out, n);
	/* for a prefix routed into the tunnel: no inside route, no hairpin */
	n = from_tunnel(2, "203.0.113.9", "198.51.100.7", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 0);
}

/* ip route 0.0.0.0 0.0.0.0 Tunnel1: the default route (kept beside rte_lpm) leads into it. */
static int
setup_default(void **state)
{
	static const char *const dflt[] = {"0.0.0.0/0"};
	const struct h_opts o = {.tunnel_routes = dflt, .n_tunnel_routes = 1};

	(void)state;
	return harness_create_opts(&H, &o);
}

static void
test_default_route_into_tunnel(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	const struct rte_ether_addr *mac;
	uint16_t port, n;

	(void)state;
	assert_int_equal(route_tunnel(H.dp->route, ip("203.0.113.1")), 0);
	assert_int_equal(route_tunnel(H.dp->route, ip("198.51.100.7")), 0);
	/* the inside's connected prefix is longer: still the inside */
	assert_int_equal(route_tunnel(H.dp->route, ip("10.0.5.5")), CFG_NONE);
	assert_int_equal(route_inside(H.dp->route, ip("10.0.5.5"), &port, &mac), DP_KEEP);
	assert_int_equal(route_inside(H.dp->route, ip("203.0.113.1"), &port, &mac),
			 DP_DROP_G_Ipv4NoRoute);
	/* and a packet to anywhere takes the tunnel: 111 without an SA, ESP with one */
	n = from_host("10.0.0.7", "203.0.113.1", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV4_SA_NOT_FOUND), 1);
	add_out_sa();
	n = from_host("10.0.0.7", "203.0.113.1", out, &port);
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
		cmocka_unit_test_setup_teardown(test_ike_tunnel_acquires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypts_with_tunnel_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_any_inner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route_into_tunnel, setup_default,
						teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
