/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 inside an IPv4 tunnel (issue 10 item 2, step 1):
 *
 *   hosts 2001:db8::/33 -- inside0 2001:db8:2::1/64 [dpsec] outside0 192.0.2.2 -- peer 192.0.2.1
 *
 *   crypto map VPN 10, IPv6 lines (first match wins):
 *     deny   2001:db8:dead::/48 -> 2001:db8::/32
 *     permit 2001:db8::/32 <-> 2001:db8::/32 udp, destination port 4789
 *   route 2001:db8::/33 out of inside0 (next_hop_mac); nothing else
 *
 * Outbound: an inside IPv6 packet is matched on its upper-layer protocol and
 * port after its extension headers, encrypted with next header 41, its hop
 * limit one lower. Inbound: next header 41 is checked against the mirrored
 * lines, routed and forwarded with an IPv6 Ethernet header. Each drop on the
 * way is counted under its reason, and no other counter moves. Next hops
 * without a static MAC take what neighbor discovery learned: inside ones from
 * the published table (neigh6.h), IPv6 peers through the neighbor hook.
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
#include <rte_udp.h>

#include "dpsec/inet_sum.h"
#include "dpsec/ip6.h"

#include "esp_null.h"
#include "ctrl_link.h"
#include "harness.h"
#include "reasm_in.h"
#include "sa.h"
#include "spd.h"

#define PORT 4789
#define HOPS 64
#define MAX_OUT 4

static struct harness H;
static uint32_t seq;

static const struct h_acl_line lines[] = {
	{"2001:db8:dead::/48", "2001:db8::/32", true},
	{"2001:db8::/32", "2001:db8::/32", false},	/* UDP to PORT only (h_opts) */
};
static struct cfg_route6 route;

static int
setup(void **state)
{
	struct h_opts o = {.acl = lines, .n_acl = 2, .inside6 = "2001:db8:2::1/64",
			   .routes6 = &route, .n_routes6 = 1, .inside_mtu = 1400,
			   .acl_proto = IPPROTO_UDP, .acl_dport = PORT};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1001, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128};
	bool host;

	(void)state;
	route = (struct cfg_route6){.iface = H_INSIDE};
	if (!ip6_prefix_parse("2001:db8::/33", &route.dst, &host))
		return -1;
	seq = 1;
	if (harness_create_opts(&H, &o) != 0 || esp_null_sa(&H) <= 0)
		return -1;
	return harness_add_sa(&H, &s) > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/*
 * Ethernet + IPv6 from src to dst with the extension headers ext (ext_len
 * bytes, chained by the caller, the first one's type in nh) and then UDP to
 * dport with plen payload bytes. Returns the frame length.
 */
static size_t
ipv6_frame(uint8_t *buf, const char *src, const char *dst, uint8_t hops, uint8_t nh,
	   const uint8_t *ext, size_t ext_len, uint16_t dport, size_t plen)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	uint8_t *udp = (uint8_t *)(ip6 + 1) + ext_len;
	size_t ulen = 8 + plen;

	memset(buf, 0, sizeof(*eth) + sizeof(*ip6) + ext_len + ulen);
	assert_true(mac_parse(H_HOST_MAC, eth->src_addr.addr_bytes));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x6b812345);	/* traffic class 0xb8: DSCP 46 */
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(ext_len + ulen));
	ip6->proto = ext_len ? nh : IPPROTO_UDP;
	ip6->hop_limits = hops;
	assert_true(ip6_parse(src, ip6->src_addr));
	assert_true(ip6_parse(dst, ip6->dst_addr));
	if (ext_len != 0)
		memcpy(ip6 + 1, ext, ext_len);
	udp[0] = 0x30;
	udp[1] = 0x39;	/* source port 12345 */
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	for (size_t i = 0; i < plen; i++)
		udp[8 + i] = (uint8_t)i;
	return sizeof(*eth) + sizeof(*ip6) + ext_len + ulen;
}

/* One frame in on port pi; returns what came out (or NULL), *port where. */
static struct rte_mbuf *
send_one(uint16_t pi, const uint8_t *frame, size_t len, uint16_t *port)
{
	struct rte_mbuf *in = harness_mbuf(&H, frame, len), *out[MAX_OUT];
	uint16_t n = harness_send(&H, pi, &in, 1, out, MAX_OUT, port);

	for (uint16_t i = 1; i < n; i++)
		rte_pktmbuf_free(out[i]);
	return n > 0 ? out[0] : NULL;
}

/* Exactly one packet dropped, for why. */
static void
dropped_for(const uint8_t *frame, size_t len, uint16_t pi, dp_drop_t why)
{
	uint64_t before = harness_drops(&H, why), total = harness_drops_total(&H);
	uint16_t port;
	struct rte_mbuf *m = send_one(pi, frame, len, &port);

	if (m != NULL) {
		rte_pktmbuf_free(m);
		fail_msg("forwarded, expected drop %d", (int)why);
	}
	if (harness_drops(&H, why) != before + 1) {
		harness_dump_drops(&H);
		fail_msg("not counted as %d", (int)why);
	}
	assert_int_equal(harness_drops_total(&H), total + 1);
}

/*
 * An inbound ESP-NULL frame carrying inner (IPv6: next header 41), its UDP
 * ports swapped (a reply: from PORT) when inner is IPv6 without extension
 * headers.
 */
static size_t
inbound_frame(uint8_t *frame, uint8_t *inner, size_t inner_len)
{
	static uint8_t pt[ESP_NULL_MAX];
	size_t n;
	struct rte_mbuf *m;

	if ((inner[0] >> 4) == 6 && inner[6] == IPPROTO_UDP) {
		uint8_t p[2] = {inner[40], inner[41]};

		memcpy(inner + 40, inner + 42, 2);
		memcpy(inner + 42, p, 2);
	}
	n = esp_null_plaintext(pt, inner, inner_len);

	pt[n - 1] = IPPROTO_IPV6;
	m = esp_null_frame(&H, seq++, pt, n);
	assert_non_null(m);
	n = rte_pktmbuf_data_len(m);
	memcpy(frame, rte_pktmbuf_mtod(m, void *), n);
	rte_pktmbuf_free(m);
	return n;
}

/*
 * Out: ESP from 192.0.2.2 to the peer, the inner packet whole behind it with
 * its hop limit one lower, next header 41 (ESP-NULL: readable), the DSCP in
 * the outer header. In: the same packet from the peer is forwarded inside.
 */
static void
test_round_trip(void **state)
{
	static uint8_t f[2048], pt[2048];
	uint16_t port;
	size_t len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 100);
	size_t inner_len = len - 14, n;
	struct rte_mbuf *m = send_one(H_INSIDE, f, len, &port);
	const struct rte_ipv4_hdr *oip;
	const uint8_t *esp;
	struct rte_ether_hdr *eth;

	(void)state;
	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not encapsulated");
	}
	assert_int_equal(port, H_OUTSIDE);
	oip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(oip->next_proto_id, IPPROTO_ESP);
	assert_int_equal(oip->type_of_service, 0xb8);
	assert_int_equal(oip->fragment_offset, 0);	/* DF clear for an IPv6 packet */
	assert_int_equal(rte_be_to_cpu_16(oip->total_length),
			 20 + 8 + inner_len + 2 + (4 - (inner_len + 2) % 4) % 4 + 16);
	esp = (const uint8_t *)(oip + 1);
	assert_int_equal(esp[3], 0x01);	/* SPI 0x1001 */
	assert_int_equal(esp[7], 1);
	f[14 + 7] = HOPS - 1;	/* what the peer gets: the hop limit spent here */
	assert_memory_equal(esp + 8, f + 14, inner_len);
	assert_int_equal(esp[rte_be_to_cpu_16(oip->total_length) - 20 - 16 - 1], IPPROTO_IPV6);
	rte_pktmbuf_free(m);

	/* back from the peer (inbound SA 0x4004, keyed independently) to a host inside */
	n = inbound_frame(pt, f + 14, inner_len);
	m = send_one(H_OUTSIDE, pt, n, &port);
	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not decapsulated");
	}
	assert_int_equal(port, H_INSIDE);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	assert_int_equal(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + inner_len);
	f[14 + 7] = HOPS - 2;
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, uint8_t *, 14), f + 14, inner_len);
	rte_pktmbuf_free(m);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* Hop-by-hop, destination options and a first fragment before UDP: its port is found. */
static void
test_extension_headers_walked(void **state)
{
	static uint8_t f[2048];
	/* HBH (8 bytes, next: dst opts), dst opts (16 bytes, next: fragment), fragment (next UDP) */
	static const uint8_t ext[] = {60, 0, 1, 4, 0, 0, 0, 0,
				      44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				      17, 0, 0, 1, 0, 0, 0, 7};
	uint16_t port;
	size_t len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, ext, sizeof(ext),
				PORT, 40);
	struct rte_mbuf *m = send_one(H_INSIDE, f, len, &port);

	(void)state;
	assert_non_null(m);
	assert_int_equal(port, H_OUTSIDE);
	rte_pktmbuf_free(m);
	/* the same to another port: no line fits */
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, ext, sizeof(ext), 53, 40);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
}

/* A later fragment has no ports: it fits no port-specific line. */
static void
test_later_fragment_has_no_ports(void **state)
{
	static uint8_t f[2048];
	static const uint8_t ext[] = {17, 0, 0, 8, 0, 0, 0, 7};	/* offset 1 (8 bytes) */
	size_t len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 44, ext, sizeof(ext),
				PORT, 40);

	(void)state;
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
}

/* Malformed chains: hop-by-hop not first, a header past the payload. */
static void
test_malformed_extension_headers(void **state)
{
	static uint8_t f[2048];
	static const uint8_t hbh_second[] = {0, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t too_long[] = {17, 200, 1, 4, 0, 0, 0, 0};
	size_t len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 60, hbh_second,
				sizeof(hbh_second), PORT, 40);

	(void)state;
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6HdrErr);
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 60, too_long,
			 sizeof(too_long), PORT, 40);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6HdrErr);
}

static void
test_outbound_drops(void **state)
{
	static uint8_t f[2048];
	size_t len;

	(void)state;
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", 1, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6HopLimitExceeded);
	len = ipv6_frame(f, "2001:db8:dead::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_V6_PKT_HIT_DENY_DROP_SP);
	/* 1500 on the outside: 20 + 8 + 1460 + trailer + ICV does not fit */
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 1412);
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_INFRA_V6_PKT_LEN_TOO_BIG);
	/* not forwarded: multicast, link-local */
	len = ipv6_frame(f, "2001:db8:2::5", "ff0e::1", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
	len = ipv6_frame(f, "fe80::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
	len = ipv6_frame(f, "2001:db8:2::5", "fe80::7", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
	len = ipv6_frame(f, "::", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
	/* to the gateway's own address6 (not ICMPv6): not for a tunnel */
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:2::1", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
	/* a payload length past the frame */
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);
	f[14 + 5] += 1;
	dropped_for(f, len, H_INSIDE, DP_DROP_G_Ipv6NoRoute);
}

/*
 * The entry has no outbound SA: 38, and one acquire for IKE with the IPv6
 * addresses (IKE negotiates IPv6 selectors); a second packet right after is
 * counted too but raises no second event (ACQUIRE_MS).
 */
static void
test_no_outbound_sa(void **state)
{
	static uint8_t f[2048];
	size_t len;

	(void)state;
	teardown(NULL);
	{
		struct h_opts o = {.acl = lines, .n_acl = 2, .inside6 = "2001:db8:2::1/64",
				   .acl_proto = IPPROTO_UDP, .acl_dport = PORT};

		assert_int_equal(harness_create_opts(&H, &o), 0);
	}
	len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_V6_PKT_HIT_IKE_START_SP);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
	assert_int_equal(H.last_event.type, DP_EV_ACQUIRE);
	assert_true(H.last_event.ipv6);
	assert_int_equal(H.last_event.proto, IPPROTO_UDP);
	assert_int_equal(H.last_event.conn_id, 0);	/* map 0, entry 0 */
	assert_int_equal(H.last_event.src[0], 0x20);
	assert_int_equal(H.last_event.src[15], 5);
	assert_int_equal(H.last_event.dst[15], 7);
	assert_int_equal(H.last_event.head[0] >> 4, 6);
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_V6_PKT_HIT_IKE_START_SP);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
}

static void
test_inbound_drops(void **state)
{
	static uint8_t f[2048], pt[2048];
	size_t len, n;

	(void)state;
	/* the mirrored deny line: from the peer's side to 2001:db8:dead::/48 */
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:dead::5", HOPS, 0, NULL, 0, PORT, 10);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL);
	/* inside the policy, outside the routes (2001:db8::/33) */
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:8000::5", HOPS, 0, NULL, 0, PORT, 10);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoRoute);
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::5", 1, 0, NULL, 0, PORT, 10);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6HopLimitExceeded);
	/* inside MTU 1400: a 1401-byte IPv6 packet is not fragmented on the way */
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::5", HOPS, 0, NULL, 0, PORT, 1353);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_IN_INFRA_V6_PKT_LEN_TOO_BIG);
	/* 1400 exactly goes */
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::5", HOPS, 0, NULL, 0, PORT, 1352);
	n = inbound_frame(pt, f + 14, len - 14);
	{
		uint16_t port;
		struct rte_mbuf *m = send_one(H_OUTSIDE, pt, n, &port);

		assert_non_null(m);
		assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 1400);
		rte_pktmbuf_free(m);
	}
	/* a payload length past what was decrypted */
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::5", HOPS, 0, NULL, 0, PORT, 10);
	f[14 + 5] += 8;
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_IN_PKT_IPVER_INVALID);
	/* next header 41 and an IPv4 packet behind it */
	len = harness_ipv4_frame(f, "10.0.0.7", "10.0.2.5", HOPS, IPPROTO_UDP, "x", 1);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_IN_PKT_IPVER_INVALID);
}

/* What a worker sees while the control thread deletes the outbound SA: 37, for IPv6. */
static void
test_invalid_sa(void **state)
{
	static uint8_t f[2048];
	struct sa_rt *out_sa = spd_out_sa(H.dp->spd, 0);
	size_t len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 10);

	(void)state;
	__atomic_store_n(&out_sa->state, SA_DYING, __ATOMIC_RELAXED);
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_V6_PKT_HIT_INVALID_SA);
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

/* Routed, but the link has no MAC for the host; to the gateway's own address6: not sent. */
static void
test_no_adjacency_and_own_address(void **state)
{
	static uint8_t f[2048], pt[2048];
	struct h_opts o = {.acl = lines, .n_acl = 2, .inside6 = "2001:db8:2::1/64",
			   .inside_no_mac = true, .acl_proto = IPPROTO_UDP, .acl_dport = PORT};
	size_t len, n;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(esp_null_sa(&H) > 0);
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::5", HOPS, 0, NULL, 0, PORT, 10);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	len = ipv6_frame(f, "2001:db8:1::7", "2001:db8:2::1", HOPS, 0, NULL, 0, PORT, 10);
	n = inbound_frame(pt, f + 14, len - 14);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_PuntUnhandled);
}

/*
 * Neighbor discovery's part (src/dataplane/neigh6.h): a next hop with no MAC
 * is dropped (Ipv6NoAdj) and reported to the control thread once per
 * NEIGH6_MISS_MS (DP_EV_NEIGH6_MISS, with the drops it stands for); what the
 * control thread learned and published is used; a new set replaces the old.
 */
/* ESP from the peer (setup's SA) carrying UDP from 2001:db8:1::7 to dst, into pt. */
static size_t
decrypted_for(const char *dst, uint8_t *pt)
{
	static uint8_t f[2048];
	size_t len = ipv6_frame(f, "2001:db8:1::7", dst, HOPS, 0, NULL, 0, PORT, 10);

	return inbound_frame(pt, f + 14, len - 14);
}

static void
test_learned_neighbor(void **state)
{
	static uint8_t pt[2048];
	struct h_opts o = {.acl = lines, .n_acl = 2, .inside6 = "2001:db8:2::1/64",
			   .inside_no_mac = true, .acl_proto = IPPROTO_UDP, .acl_dport = PORT};
	struct dp_neighbor6 nb = {.iface = H_INSIDE, .mac = {0x02, 0, 0, 0, 0x0b, 0x05}};
	const struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	uint8_t host[16];
	uint16_t port;
	size_t n;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(esp_null_sa(&H) > 0);
	assert_true(ip6_parse("2001:db8:2::5", host));
	n = decrypted_for("2001:db8:2::5", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	assert_int_equal(H.events[DP_EV_NEIGH6_MISS], 1);
	assert_int_equal(H.last_event.iface, H_INSIDE);
	assert_true(H.last_event.ipv6);
	assert_memory_equal(H.last_event.dst, host, 16);
	assert_int_equal(H.last_event.pkts, 1);
	/* again within NEIGH6_MISS_MS: counted, carried by the next report */
	n = decrypted_for("2001:db8:2::5", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	assert_int_equal(H.events[DP_EV_NEIGH6_MISS], 1);
	clk_fake_advance_ms(&H.fake, NEIGH6_MISS_MS);
	n = decrypted_for("2001:db8:2::5", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	assert_int_equal(H.events[DP_EV_NEIGH6_MISS], 2);
	assert_int_equal(H.last_event.pkts, 2);
	/* learned and published: forwarded to that MAC */
	memcpy(nb.ip, host, 16);
	assert_int_equal(dp_neighbor6_set(H.dp, &nb, 1), 0);
	n = decrypted_for("2001:db8:2::5", pt);
	m = send_one(H_OUTSIDE, pt, n, &port);
	assert_non_null(m);
	assert_int_equal(port, H_INSIDE);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	assert_memory_equal(eth->dst_addr.addr_bytes, nb.mac, 6);
	rte_pktmbuf_free(m);
	/* the worker marked it used (RFC 4861 7.3.3 NUD): reported once, then cleared */
	{
		struct dp_neighbor6 used[4];

		assert_int_equal(dp_neighbor6_used(H.dp, used, 4), 1);
		assert_int_equal(used[0].iface, H_INSIDE);
		assert_memory_equal(used[0].ip, host, 16);
		assert_memory_equal(used[0].mac, nb.mac, 6);
		assert_int_equal(dp_neighbor6_used(H.dp, used, 4), 0);
	}
	/* another host on the link is still unknown */
	n = decrypted_for("2001:db8:2::6", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	assert_int_equal(H.events[DP_EV_NEIGH6_MISS], 3);
	/* the set emptied (aged out): dropped again */
	assert_int_equal(dp_neighbor6_set(H.dp, NULL, 0), 0);
	n = decrypted_for("2001:db8:2::5", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
	/* a neighbor on an interface that is no port is left out */
	nb.iface = 99;
	assert_int_equal(dp_neighbor6_set(H.dp, &nb, 1), 0);
	n = decrypted_for("2001:db8:2::5", pt);
	dropped_for(pt, n, H_OUTSIDE, DP_DROP_G_Ipv6NoAdj);
}

static const uint8_t learned_mac[6] = {0x02, 0, 0, 0, 0x0a, 0x06};

/* The control thread's cache as the neighbor hook sees it: the peer only, and who asked. */
static int hook_calls;

static int
peer6_hook(void *ctx, uint32_t iface, const uint8_t ip[16], uint8_t mac[6])
{
	uint8_t peer[16];

	(void)ctx;
	hook_calls++;
	assert_true(ip6_parse(H_PEER6, peer));
	if (iface != H_OUTSIDE || memcmp(ip, peer, 16) != 0)
		return -EHOSTUNREACH;
	memcpy(mac, learned_mac, 6);
	return 0;
}

/* The destination MAC of what an inside packet to the IPv6 peer's network leaves with. */
static void
sent_to(const uint8_t mac[6])
{
	static uint8_t f[2048];
	size_t len = harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, HOPS, "abcdefgh", 8);
	uint16_t port;
	struct rte_mbuf *m = send_one(H_INSIDE, f, len, &port);

	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not encapsulated");
	}
	assert_int_equal(port, H_OUTSIDE);
	assert_memory_equal(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr.addr_bytes,
			    mac, 6);
	rte_pktmbuf_free(m);
}

/*
 * An SA to an IPv6 peer with no static MAC (no neighbors6, no next_hop_mac):
 * refused without the neighbor hook or while it knows nothing; installed with
 * what it learned; moved by dp_neighbor6_update to a new MAC, only once, and
 * only for its own peer and interface.
 */
static void
test_outer6_learned_peer(void **state)
{
	static const uint8_t moved[6] = {0x02, 0, 0, 0, 0x0a, 0x07};
	struct h_opts o = {.outside6 = "2001:db8::2", .outside_no_mac = true};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1009, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .family = AF_INET6};
	uint8_t peer[16], other[16];

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) <= 0);	/* nobody to ask */
	hook_calls = 0;
	dp_set_neighbor6_hook(H.dp, peer6_hook, NULL);
	assert_true(harness_add_sa(&H, &s) > 0);
	assert_int_equal(hook_calls, 1);
	sent_to(learned_mac);
	assert_true(ip6_parse(H_PEER6, peer));
	assert_true(ip6_parse("2001:db8::9", other));
	assert_int_equal(dp_neighbor6_update(H.dp, H_OUTSIDE, other, moved), 0);
	assert_int_equal(dp_neighbor6_update(H.dp, H_INSIDE, peer, moved), 0);
	assert_int_equal(dp_neighbor6_update(H.dp, H_OUTSIDE, peer, learned_mac), 0);
	assert_int_equal(dp_neighbor6_update(H.dp, H_OUTSIDE, peer, moved), 1);
	sent_to(moved);
	dp_set_neighbor6_hook(H.dp, NULL, NULL);
}

/*
 * IPv6 outer (issue 10 item 2, step 2): outside0 2001:db8::2 <-> the peer
 * 2001:db8::1, ESP-NULL both ways keyed alike, so that what the gateway
 * sends, its outer addresses swapped, comes back in. inner6: the
 * IPv6 lines and route of setup() (else crypto map VPN 10's IPv4 line).
 * udp: ESP-in-UDP (RFC 3948) 4500 <-> 4500, its UDP checksum there and
 * right (RFC 8200 section 8.1: summed here byte-wise by inet_sum.h, apart
 * from the dataplane's sum); the same packet back with a zero or a wrong
 * checksum, or without its UDP header, is dropped.
 */
static uint16_t
udp6_expected(const struct rte_ipv6_hdr *o6)
{
	const uint8_t *ip = (const uint8_t *)o6;
	size_t ulen = rte_be_to_cpu_16(o6->payload_len);
	uint8_t copy[2048];
	uint16_t ck;

	memcpy(copy, ip + 40, ulen);
	copy[6] = copy[7] = 0;
	ck = (uint16_t)~inet_fold(inet_sum16(copy, ulen, inet6_pseudo_sum(ip, ulen, IPPROTO_UDP)));
	return ck == 0 ? 0xffff : ck;
}

/* The frame f of len bytes again from the outside: dropped as why, nothing else. */
static void
outer6_dropped(const uint8_t *f, size_t len, dp_drop_t why)
{
	uint64_t before = harness_drops(&H, why), all = harness_drops_total(&H);
	uint16_t port;
	struct rte_mbuf *m = send_one(H_OUTSIDE, f, len, &port);

	assert_null(m);
	assert_int_equal(harness_drops(&H, why), before + 1);
	assert_int_equal(harness_drops_total(&H), all + 1);
}

static void
outer6_round_trip(bool inner6, bool udp)
{
	static uint8_t f[2048];
	static const char *const peer6 = H_PEER6;
	struct h_opts o = {.outside6 = "2001:db8::2", .inside6 = "2001:db8:2::1/64",
			   .routes6 = &route, .n_routes6 = 1};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1006, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .family = AF_INET6, .udp = udp};
	struct rte_ipv6_hdr *o6;
	struct rte_mbuf *m;
	uint8_t addr[16], *esp;
	size_t len, inner_len, u = udp ? 8 : 0;
	uint16_t port;

	if (inner6) {	/* any protocol: the reply comes back with its ports as they went */
		o.acl = lines;
		o.n_acl = 2;
	}
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	if (inner6)
		len = ipv6_frame(f, "2001:db8:2::5", "2001:db8:1::7", HOPS, 0, NULL, 0, PORT, 100);
	else
		len = harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, HOPS, "abcdefgh", 8);
	inner_len = len - 14;
	f[15] = inner6 ? f[15] : 0xb8;	/* IPv4: DSCP 46 (the checksum is not checked here) */
	if (!inner6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	m = send_one(H_INSIDE, f, len, &port);
	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not encapsulated");
	}
	assert_int_equal(port, H_OUTSIDE);
	assert_int_equal(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type,
			 rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
	o6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	assert_int_equal(rte_be_to_cpu_32(o6->vtc_flow), 0x60000000u | 0xb8u << 20);
	assert_int_equal(o6->proto, udp ? IPPROTO_UDP : IPPROTO_ESP);
	assert_int_equal(o6->hop_limits, 64);
	if (udp) {
		const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)(o6 + 1);

		assert_int_equal(uh->src_port, rte_cpu_to_be_16(4500));
		assert_int_equal(uh->dst_port, rte_cpu_to_be_16(4500));
		assert_int_equal(uh->dgram_len, o6->payload_len);
		assert_int_not_equal(uh->dgram_cksum, 0);
		assert_int_equal(rte_be_to_cpu_16(uh->dgram_cksum), udp6_expected(o6));
	}
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 40 + rte_be_to_cpu_16(o6->payload_len));
	assert_true(ip6_parse("2001:db8::2", addr));
	assert_memory_equal(o6->src_addr, addr, 16);
	assert_true(ip6_parse(peer6, addr));
	assert_memory_equal(o6->dst_addr, addr, 16);
	esp = (uint8_t *)(o6 + 1) + u;
	assert_int_equal(esp[3], 0x06);	/* SPI 0x1006 */
	if (inner6)
		f[14 + 7] = HOPS - 1;
	else
		f[14 + 8] = HOPS - 1;	/* (checksum not compared: skip it) */
	assert_memory_equal(esp + 8 + (inner6 ? 0 : 12), f + 14 + (inner6 ? 0 : 12),
			    inner_len - (inner6 ? 0 : 12));
	assert_int_equal(esp[rte_be_to_cpu_16(o6->payload_len) - u - 16 - 1],
			 inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP);

	/* back from the peer: the outer addresses swapped; an inner IPv6 reply's ports too */
	memcpy(addr, o6->src_addr, 16);
	memcpy(o6->src_addr, o6->dst_addr, 16);
	memcpy(o6->dst_addr, addr, 16);
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0, 6);
	len = rte_pktmbuf_pkt_len(m);
	memcpy(f, rte_pktmbuf_mtod(m, void *), len);
	rte_pktmbuf_free(m);
	if (udp) {	/* the same ports both ways; the sum does not see the swap */
		static uint8_t bad[2048];

		memcpy(bad, f, len);
		bad[14 + 40 + 6] = bad[14 + 40 + 7] = 0;
		outer6_dropped(bad, len, DP_DROP_G_Ipv6UdpCksumErr);
		memcpy(bad, f, len);
		bad[14 + 40 + 7] ^= 0x01;
		outer6_dropped(bad, len, DP_DROP_G_Ipv6UdpCksumErr);
		/* the SA takes ESP in UDP only (RFC 3948 section 3.1.2): raw ESP is 50 */
		memcpy(bad, f, 14 + 40);
		memcpy(bad + 14 + 40, f + 14 + 40 + 8, len - 14 - 40 - 8);
		bad[14 + 6] = IPPROTO_ESP;
		bad[14 + 4] = (uint8_t)((len - 14 - 40 - 8) >> 8);
		bad[14 + 5] = (uint8_t)(len - 14 - 40 - 8);
		outer6_dropped(bad, len - 8, DP_DROP_IN_NAT_DEMUX_FAIL);
	}
	m = send_one(H_OUTSIDE, f, len, &port);
	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not decapsulated");
	}
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + inner_len);
	if (inner6)
		f[14 + 40 + u + 8 + 7] = HOPS - 2;	/* the inner hop limit, once more */
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + (inner6 ? 0 : 12)),
			    f + 14 + 40 + u + 8 + (inner6 ? 0 : 12), inner_len - (inner6 ? 0 : 12));
	rte_pktmbuf_free(m);
	assert_int_equal(harness_drops_total(&H), udp ? 3 : 0);
}

static void
test_ipv4_over_ipv6(void **state)
{
	(void)state;
	outer6_round_trip(false, false);
}

static void
test_ipv6_over_ipv6(void **state)
{
	(void)state;
	outer6_round_trip(true, false);
}

/* The UDP destination port an inside IPv4 packet leaves with (ESP-in-UDP over IPv6), its sum checked. */
static uint16_t
udp6_sent_port(void)
{
	static uint8_t f[2048];
	size_t len = harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, HOPS, "abcdefgh", 8);
	uint16_t port, dport;
	struct rte_mbuf *m = send_one(H_INSIDE, f, len, &port);
	const struct rte_ipv6_hdr *o6;
	const struct rte_udp_hdr *uh;

	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not encapsulated");
	}
	o6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, 14);
	uh = (const struct rte_udp_hdr *)(o6 + 1);
	assert_int_equal(o6->proto, IPPROTO_UDP);
	assert_int_equal(rte_be_to_cpu_16(uh->dgram_cksum), udp6_expected(o6));
	dport = rte_be_to_cpu_16(uh->dst_port);
	rte_pktmbuf_free(m);
	return dport;
}

/*
 * A peer behind a NAT66 whose mapping moved (RFC 7296 2.23, natd_follow):
 * dp_sa_update_endpoints6 sends the next packet to the new port, from a new
 * template; the IPv4 call refuses it (the IPv6 one refusing an IPv4 SA:
 * test_ctrl_ike_nat).
 */
static void
test_update_endpoints6(void **state)
{
	struct h_opts o = {.outside6 = "2001:db8::2"};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1006, .cipher = DP_CIPHER_AES_GCM_128,
			 .family = AF_INET6, .udp = true};
	uint8_t peer[16];
	int h;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	h = harness_add_sa(&H, &s);
	assert_true(h > 0);
	assert_int_equal(udp6_sent_port(), 4500);
	assert_true(ip6_parse(H_PEER6, peer));
	assert_int_equal(dp_sa_update_endpoints6(H.dp, (uint32_t)h, peer, 44500, true), 0);
	assert_int_equal(udp6_sent_port(), 44500);
	assert_int_equal(dp_sa_update_endpoints(H.dp, (uint32_t)h, 0x01020304, 4500, true),
			 -EAFNOSUPPORT);
	assert_int_equal(dp_sa_update_endpoints6(H.dp, 4242, peer, 4500, true), -ENOENT);
	assert_int_equal(udp6_sent_port(), 44500);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_ipv4_over_ipv6_udp(void **state)
{
	(void)state;
	outer6_round_trip(false, true);
}

static void
test_ipv6_over_ipv6_udp(void **state)
{
	(void)state;
	outer6_round_trip(true, true);
}

/*
 * An IPv4 packet too big for the IPv6 tunnel, DF clear: fragmented before
 * encryption (the IOS default), each fragment its own ESP in IPv6; DF set:
 * dropped as 48.
 */
static void
test_ipv4_over_ipv6_too_big(void **state)
{
	static uint8_t f[2048], pl[1460];
	struct h_opts o = {.outside6 = "2001:db8::2"};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1008, .cipher = DP_CIPHER_AES_GCM_128,
			 .family = AF_INET6};
	struct rte_mbuf *in, *out[MAX_OUT];
	size_t len;
	uint16_t n, port;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) > 0);
	len = harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, HOPS, pl, sizeof(pl));
	in = harness_mbuf(&H, f, len);
	n = harness_send(&H, H_INSIDE, &in, 1, out, MAX_OUT, &port);
	if (n != 2) {
		harness_dump_drops(&H);
		fail_msg("%u frames out, expected 2 fragments", n);
	}
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ipv6_hdr *o6 =
			rte_pktmbuf_mtod_offset(out[i], const struct rte_ipv6_hdr *, 14);

		assert_int_equal(o6->proto, IPPROTO_ESP);
		assert_true(40 + rte_be_to_cpu_16(o6->payload_len) <= 1500);
		rte_pktmbuf_free(out[i]);
	}
	((struct rte_ipv4_hdr *)(f + 14))->fragment_offset =
		rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	((struct rte_ipv4_hdr *)(f + 14))->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)(f + 14))->hdr_checksum =
		rte_ipv4_cksum((struct rte_ipv4_hdr *)(f + 14));
	dropped_for(f, len, H_INSIDE, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT);
}

/* ESP to outside0's address6 with an SPI no IPv6 SA has (an IPv4 SA's included): 12. */
static void
test_unknown_spi_over_ipv6(void **state)
{
	static uint8_t f[256];
	struct h_opts o = {.outside6 = "2001:db8::2"};
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = 0x1007, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .replay_window = 64};
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + 14);

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) > 0);	/* IPv4 endpoints, SPI 0x1007 */
	memset(f, 0, sizeof(f));
	((struct rte_ether_hdr *)f)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16(64);
	ip6->proto = IPPROTO_ESP;
	ip6->hop_limits = 64;
	assert_true(ip6_parse(H_PEER6, ip6->src_addr));
	assert_true(ip6_parse("2001:db8::2", ip6->dst_addr));
	f[14 + 40 + 2] = 0x10;
	f[14 + 40 + 3] = 0x07;
	f[14 + 40 + 7] = 1;
	dropped_for(f, 14 + 40 + 64, H_OUTSIDE, DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI);
}

/*
 * ESP over IPv6 that the path fragmented (RFC 8200 section 4.5): an ESP
 * frame from H_PEER6 (made by the outbound SA, its addresses swapped), its
 * ESP cut into fragments with a Fragment header; reassembled before
 * decryption (reasm_in.c), in any order; the malformed, overlapping and
 * non-ESP ones counted or punted.
 */
static uint8_t esp6[2048];
static size_t esp6_len, esp6_inner_len;

static void
esp6_setup(void)
{
	static uint8_t f[2048], pl[900];
	struct h_opts o = {.outside6 = "2001:db8::2"};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1009, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .family = AF_INET6};
	struct rte_ipv6_hdr *o6;
	struct rte_mbuf *m;
	uint8_t addr[16];
	uint16_t port;

	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	for (size_t i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 7);
	esp6_inner_len = harness_ipv4_frame(f, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, HOPS, pl,
					    sizeof(pl)) - 14;
	m = send_one(H_INSIDE, f, 14 + esp6_inner_len, &port);
	assert_non_null(m);
	o6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	memcpy(addr, o6->src_addr, 16);
	memcpy(o6->src_addr, o6->dst_addr, 16);
	memcpy(o6->dst_addr, addr, 16);
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0, 6);
	esp6_len = rte_pktmbuf_pkt_len(m);
	memcpy(esp6, rte_pktmbuf_mtod(m, void *), esp6_len);
	rte_pktmbuf_free(m);
}

/*
 * The fragment of esp6's ESP bytes [off, off + len), M as more, next header
 * nh, identification id, into b (at least 2048 bytes).
 */
static size_t
frag6(uint8_t *b, size_t off, size_t len, bool more, uint8_t nh, uint32_t id)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(b + 14);
	struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ip6 + 1);

	assert_true(len <= sizeof(esp6) - 14 - 40 - sizeof(*fh));
	memcpy(b, esp6, 14 + 40);
	/* bounded by esp6[] itself too, which lets the compiler see it (-O3 -Warray-bounds) */
	if (off + len <= esp6_len - 14 - 40 && off + len <= sizeof(esp6) - 14 - 40)
		memcpy(fh + 1, esp6 + 14 + 40 + off, len);
	else	/* past the ESP frame (a malformed offset): any bytes */
		memset(fh + 1, 0xa5, len);
	ip6->proto = IPPROTO_FRAGMENT;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*fh) + len));
	fh->next_header = nh;
	fh->reserved = 0;
	fh->frag_data = rte_cpu_to_be_16((uint16_t)(off | (more ? 1 : 0)));
	fh->id = rte_cpu_to_be_32(id);
	return 14 + 40 + sizeof(*fh) + len;
}

/* What came out of the last fragment: esp6's inner packet on the inside, its TTL spent. */
static void
expect_esp6_inner(struct rte_mbuf *m, uint16_t port)
{
	if (m == NULL) {
		harness_dump_drops(&H);
		fail_msg("not reassembled and decapsulated");
	}
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + esp6_inner_len);
	/* the UDP payload as it was sent (the IPv4 header's TTL and checksum changed) */
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20),
			    esp6 + 14 + 40 + 8 + 20, esp6_inner_len - 20);
	rte_pktmbuf_free(m);
}

static void
test_ipv6_fragments_reassembled(void **state)
{
	static uint8_t b[3][2048];
	size_t len[3], esp_len;
	struct rte_mbuf *m;
	uint16_t port;

	(void)state;
	esp6_setup();
	esp_len = esp6_len - 14 - 40;
	assert_true(esp_len > 800);
	/* three pieces (400, 400, the rest), last first */
	len[0] = frag6(b[0], 0, 400, true, IPPROTO_ESP, 7);
	len[1] = frag6(b[1], 400, 400, true, IPPROTO_ESP, 7);
	len[2] = frag6(b[2], 800, esp_len - 800, false, IPPROTO_ESP, 7);
	assert_null(send_one(H_OUTSIDE, b[2], len[2], &port));
	assert_null(send_one(H_OUTSIDE, b[0], len[0], &port));
	m = send_one(H_OUTSIDE, b[1], len[1], &port);
	expect_esp6_inner(m, port);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].reassembled, 1);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].reasm_fragments, 3);
	assert_int_equal(harness_drops_total(&H), 0);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);

	/* an atomic fragment (RFC 6946: offset 0, M clear) is the whole datagram */
	esp6_setup();
	len[0] = frag6(b[0], 0, esp6_len - 14 - 40, false, IPPROTO_ESP, 8);
	m = send_one(H_OUTSIDE, b[0], len[0], &port);
	expect_esp6_inner(m, port);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_ipv6_fragment_errors(void **state)
{
	static uint8_t b[2][2048];
	size_t len[2];
	uint16_t port;

	(void)state;
	esp6_setup();
	/* not the last, and not a multiple of 8 bytes */
	len[0] = frag6(b[0], 0, 401, true, IPPROTO_ESP, 9);
	dropped_for(b[0], len[0], H_OUTSIDE, DP_DROP_G_Ipv6FragErr);
	/* too short for a Fragment header */
	len[0] = frag6(b[0], 0, 0, false, IPPROTO_ESP, 9);
	((struct rte_ipv6_hdr *)(b[0] + 14))->payload_len = rte_cpu_to_be_16(4);
	dropped_for(b[0], 14 + 40 + 4, H_OUTSIDE, DP_DROP_G_Ipv6FragErr);
	/* past 65535 bytes once reassembled (RFC 8200 4.5) */
	len[0] = frag6(b[0], 65528, 16, false, IPPROTO_ESP, 9);
	dropped_for(b[0], len[0], H_OUTSIDE, DP_DROP_G_Ipv6FragErr);
	/* two pieces that overlap with different bytes: the datagram dropped (RFC 5722) */
	len[0] = frag6(b[0], 0, 400, true, IPPROTO_ESP, 10);
	len[1] = frag6(b[1], 392, 400, true, IPPROTO_ESP, 10);
	assert_null(send_one(H_OUTSIDE, b[0], len[0], &port));
	assert_int_equal(reasm_in_pending(H.w->reasm), 1);
	assert_null(send_one(H_OUTSIDE, b[1], len[1], &port));
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_OVERLAP), 2);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
	/* fragments of anything but ESP, AH and UDP are the control plane's, as before */
	len[0] = frag6(b[0], 0, 400, true, IPPROTO_ICMPV6, 11);
	assert_null(send_one(H_OUTSIDE, b[0], len[0], &port));
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].punt_pkts, 1);
	/*
	 * UDP is held like IPv4's until its first fragment tells (reasm_in.c
	 * udp_first): one not to 4500 is the control plane's, and so are the
	 * datagram's later pieces (the entry stays to say so)
	 */
	len[0] = frag6(b[0], 0, 400, true, IPPROTO_UDP, 12);
	assert_null(send_one(H_OUTSIDE, b[0], len[0], &port));
	assert_int_equal(H.w->stats.port[H_OUTSIDE].punt_pkts, 2);
	assert_int_equal(reasm_in_pending(H.w->reasm), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_fragments_reassembled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_fragment_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extension_headers_walked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_fragment_has_no_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_extension_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_outbound_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_adjacency_and_own_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learned_neighbor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outer6_learned_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_over_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_over_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_over_ipv6_udp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_over_ipv6_udp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_endpoints6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_spi_over_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_over_ipv6_too_big, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
