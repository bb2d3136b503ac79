/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outbound policy memo (out_policy.h): within a burst, a packet with
 * the last looked-up packet's addresses and protocol gets that packet's
 * policy without a lookup. Each test sends one burst that mixes flows, so
 * that the memo is hit, missed and replaced, and checks that every packet
 * met the policy a lookup of its own would have given it, in order:
 *
 *   hosts 10.0.0.0/16 -- inside0 [dpsec] outside0 192.0.2.2 ===> peer 192.0.2.1
 *     crypto map VPN 10: deny 10.0.2.9 -> 10.0.0.0/16, permit 10.0.0.0/16 <-> 10.0.0.0/16
 *     crypto map VPN 20: permit 10.0.0.0/16 -> 10.1.0.0/16
 *     (or, per test: permit lines for one protocol, or one port; a tunnel route)
 *
 * The SAs are ESP-NULL with HMAC, so that the inner packet can be read in
 * what goes out, right after the ESP header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "harness.h"

#define SPI_VPN10 0x5010u
#define SPI_VPN20 0x5020u
#define SPI_VTI 0x5030u
#define ESP_OFF (14 + 20)	/* the ESP header in what goes out */
#define INNER_OFF (ESP_OFF + 8)	/* ESP-NULL: the inner packet right behind it */
#define MAX_PKTS 16

static struct harness H;

/* What should become of one packet of the burst. */
struct fate {
	const char *src, *dst;
	uint8_t proto;
	uint16_t dport;
	uint32_t spi;		/* sent in ESP with this SPI; 0: dropped */
	dp_drop_t why;		/* when dropped */
};

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

static void
add_out_sa(uint32_t spi, uint32_t entry, bool vti)
{
	const struct h_sa s = {.dir = CFG_DIR_OUT, .spi = spi, .cipher = DP_CIPHER_NULL,
			       .auth = DP_AUTH_HMAC_SHA256_128, .entry = entry, .vti = vti};

	assert_true(harness_add_sa(&H, &s) > 0);
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The burst f[0..n) from hosts on inside0 in one worker_process(): the ESP
 * that comes out names, in order, the SPI and inner addresses of each packet
 * meant to go, and each drop is counted under its reason, nothing else.
 */
static void
send_burst(const struct fate *f, uint16_t n)
{
	struct rte_mbuf *in[MAX_PKTS], *out[MAX_PKTS];
	uint64_t before[MAX_PKTS], total = harness_drops_total(&H);
	uint16_t got, k = 0, dropped = 0;

	assert_true(n <= MAX_PKTS);
	for (uint16_t i = 0; i < n; i++) {
		uint8_t frame[128], l4[16] = {0x30, 0x39};	/* source port 12345 */
		size_t len;

		l4[2] = (uint8_t)(f[i].dport >> 8);
		l4[3] = (uint8_t)f[i].dport;
		l4[5] = sizeof(l4);	/* UDP length */
		len = harness_ipv4_frame(frame, f[i].src, f[i].dst, f[i].proto, 64, l4, sizeof(l4));
		in[i] = harness_mbuf(&H, frame, len);
		assert_non_null(in[i]);
		before[i] = harness_drops(&H, f[i].why);
	}
	got = harness_send(&H, H_INSIDE, in, n, out, MAX_PKTS, NULL);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *p;
		uint32_t a;

		if (f[i].spi == 0) {
			dropped++;
			continue;
		}
		if (k == got)
			fail_msg("packet %u (%s -> %s) was not sent", i, f[i].src, f[i].dst);
		p = rte_pktmbuf_mtod(out[k], const uint8_t *);
		k++;
		assert_int_equal(p[14 + 9], IPPROTO_ESP);
		assert_int_equal(be32_at(p + ESP_OFF), f[i].spi);
		ip4_parse(f[i].src, &a);
		assert_memory_equal(p + INNER_OFF + 12, &a, 4);
		ip4_parse(f[i].dst, &a);
		assert_memory_equal(p + INNER_OFF + 16, &a, 4);
	}
	assert_int_equal(got, k);
	rte_pktmbuf_free_bulk(out, got);
	/* each reason moved by as many packets as it was expected for */
	for (uint16_t i = 0; i < n; i++) {
		uint64_t want = before[i];

		if (f[i].spi != 0)
			continue;
		for (uint16_t j = 0; j < n; j++)
			want += f[j].spi == 0 && f[j].why == f[i].why;
		assert_int_equal(harness_drops(&H, f[i].why), want);
	}
	assert_int_equal(harness_drops_total(&H), total + dropped);
}

/*
 * Two crypto map entries and a deny line, flows interleaved: the memo is
 * replaced at every change of flow and each packet goes by its own line:
 * VPN 10's SA, VPN 20's SA, the deny line (35), or no line at all (Ipv4NoRoute).
 */
static void
test_flows_interleaved(void **state)
{
	static const struct h_acl_line vpn10[] = {{"10.0.2.9/32", "10.0.0.0/16", true},
						  {"10.0.0.0/16", "10.0.0.0/16", false}};
	static const struct h_acl_line vpn20[] = {{"10.0.0.0/16", "10.1.0.0/16", false}};
	const struct h_opts o = {.acl = vpn10, .n_acl = 2, .acl2 = vpn20, .n_acl2 = 1};
	const dp_drop_t deny = DP_DROP_OUT_V4_PKT_HIT_DENY_DROP_SP, none = DP_DROP_G_Ipv4NoRoute;
	const struct fate f[] = {
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.9", "10.0.0.7", IPPROTO_UDP, 53, 0, deny},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.1.0.7", IPPROTO_UDP, 53, SPI_VPN20, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.9.0.7", IPPROTO_UDP, 53, 0, none},
		{"10.0.2.8", "10.9.0.7", IPPROTO_UDP, 53, 0, none},
		{"10.0.2.8", "10.1.0.7", IPPROTO_UDP, 53, SPI_VPN20, 0},
		{"10.0.2.9", "10.0.0.7", IPPROTO_UDP, 53, 0, deny},
		{"10.0.2.9", "10.0.0.7", IPPROTO_UDP, 53, 0, deny},
		{"10.0.2.9", "10.1.0.7", IPPROTO_UDP, 53, SPI_VPN20, 0},
	};

	(void)state;
	assert_int_equal(harness_create_opts(&H, &o), 0);
	add_out_sa(SPI_VPN10, 0, false);
	add_out_sa(SPI_VPN20, 1, false);
	send_burst(f, RTE_DIM(f));
}

/*
 * Permit lines for UDP alone: the protocol is part of what the memo keys
 * on, so ICMP between the same hosts right after a UDP packet matches no line.
 */
static void
test_protocol_in_the_key(void **state)
{
	const struct h_opts o = {.acl_proto = IPPROTO_UDP};
	const dp_drop_t none = DP_DROP_G_Ipv4NoRoute;
	const struct fate f[] = {
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_ICMP, 0, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_TCP, 53, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_TCP, 53, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
	};

	(void)state;
	assert_int_equal(harness_create_opts(&H, &o), 0);
	add_out_sa(SPI_VPN10, 0, false);
	send_burst(f, RTE_DIM(f));
}

/*
 * A line that constrains ports turns the memo off: packets between the same
 * hosts with the same protocol differ by their ports alone, and each is
 * looked up (UDP to port 53 is permitted, to 80 matches no line).
 */
static void
test_ports_turn_it_off(void **state)
{
	const struct h_opts o = {.acl_proto = IPPROTO_UDP, .acl_dport = 53};
	const dp_drop_t none = DP_DROP_G_Ipv4NoRoute;
	const struct fate f[] = {
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 80, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 80, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 80, 0, none},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
	};

	(void)state;
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(H.dp->spd->ports);
	add_out_sa(SPI_VPN10, 0, false);
	send_burst(f, RTE_DIM(f));
}

/*
 * A route into a tunnel decides before the crypto maps: the memo remembers
 * the route's answer too. Tunnel1 (198.51.100.0/24) first without an SA
 * (111: nothing leaves in clear), then with one, beside crypto map traffic.
 */
static void
test_tunnel_route(void **state)
{
	static const char *const tunnel_routes[] = {"198.51.100.0/24"};
	const struct h_opts o = {.tunnel_routes = tunnel_routes, .n_tunnel_routes = 1};
	const dp_drop_t no_sa = DP_DROP_OUT_IPV4_SA_NOT_FOUND;
	const struct fate without[] = {
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, 0, no_sa},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, 0, no_sa},
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, 0, no_sa},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
	};
	const struct fate with[] = {
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, SPI_VTI, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, SPI_VTI, 0},
		{"10.0.2.8", "198.51.100.7", IPPROTO_UDP, 53, SPI_VTI, 0},
		{"10.0.2.8", "10.0.0.7", IPPROTO_UDP, 53, SPI_VPN10, 0},
	};

	(void)state;
	assert_int_equal(harness_create_opts(&H, &o), 0);
	add_out_sa(SPI_VPN10, 0, false);
	send_burst(without, RTE_DIM(without));
	add_out_sa(SPI_VTI, 0, true);
	send_burst(with, RTE_DIM(with));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_flows_interleaved, teardown),
		cmocka_unit_test_teardown(test_protocol_in_the_key, teardown),
		cmocka_unit_test_teardown(test_ports_turn_it_off, teardown),
		cmocka_unit_test_teardown(test_tunnel_route, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
