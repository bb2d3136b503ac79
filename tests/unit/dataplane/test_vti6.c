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
 *     (IOS's ipsec ipv6 carries IPv6 only): 30 IN_V4_POST_INPUT_POLICY_FAIL;
 *   - AH over IPv6 (RFC 4302): the header padded to 64 bits, the outer
 *     traffic class, flow label and hop limit out of the ICV (changed on the
 *     way back, the packet still verifies), anything else in it covered (62),
 *     a length field not the SA's (117), an SPI no IPv6 AH SA has (12).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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
	struct h_opts o = {.outside6 = LOCAL6,
			   .inside6 = "2001:db8:2::1/64",
			   .routes6 = &tun_route,
			   .n_routes6 = 1,
			   .tunnel_v6 = true};
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
	const uint8_t *nh;
	uint16_t port;

	(void)state;
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:1::7")), 0);
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:2::5")), CFG_NONE);
	assert_int_equal(route_tunnel6(H.dp->route, a6("2001:db8:9::1")), CFG_NONE);
	/* an IPv6 route never answers an IPv4 lookup */
	assert_int_equal(route_tunnel(H.dp->route, 0), CFG_NONE);
	/* what the tunnel's route takes is not an inside destination */
	assert_int_equal(route_inside6(H.dp->route, a6("2001:db8:1::7"), &port, &mac, &nh),
			 -ENETUNREACH);
	assert_int_equal(route_inside6(H.dp->route, a6("2001:db8:2::5"), &port, &mac, &nh), 0);
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
 * An ipsec ipv6 tunnel keyed by IKE (protection ikev2_profile) without SA
 * asks IKE for one as an IPv6 crypto map entry does: 38 (IPv6 IKE start)
 * and one DP_EV_ACQUIRE a second naming the tunnel (DP_ACQUIRE_TUNNEL << 16
 * | 0) on its source interface, with the IPv6 addresses; never 112, nothing
 * sent. With its SA it is encrypted like a hand-keyed tunnel's.
 */
static void
test_ike_tunnel6_acquires(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n;

	(void)state;
	H.tunnel.ike.ikev2_profile = 0;
	for (int i = 0; i < 2; i++) {
		n = from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL);
		rte_pktmbuf_free_bulk(out, n);
		assert_int_equal(n, 0);
	}
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V6_PKT_HIT_IKE_START_SP), 2);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_IPV6_SA_NOT_FOUND), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
	assert_int_equal(H.last_event.conn_id, DP_ACQUIRE_TUNNEL << 16 | 0);
	assert_int_equal(H.last_event.iface, H_OUTSIDE);
	assert_true(H.last_event.ipv6);
	assert_int_equal(H.last_event.pkts, 1);
	assert_memory_equal(H.last_event.src, a6("2001:db8:2::5"), 16);
	assert_memory_equal(H.last_event.dst, a6("2001:db8:1::7"), 16);
	add_sa(CFG_DIR_OUT);
	n = from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 1);
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
	size_t len =
		harness_ipv4_frame(f, "203.0.113.9", "10.0.2.7", IPPROTO_UDP, 64, "abcdefgh", 8) -
		14;
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

static const uint8_t ah_key[64] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
				   0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
				   0x6a, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
				   0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
				   0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};

static void
add_ah_sa(enum cfg_dir dir, enum dp_auth auth)
{
	const struct h_sa s = {.dir = dir,
			       .akey = ah_key,
			       .spi = 0x7a06,
			       .proto = IPPROTO_AH,
			       .cipher = DP_CIPHER_NULL,
			       .auth = auth,
			       .replay_window = dir == CFG_DIR_IN ? 64 : 0,
			       .family = AF_INET6,
			       .vti = true};

	assert_true(harness_add_sa(&H, &s) > 0);
}

static void
swap6(struct rte_ipv6_hdr *ip6)
{
	uint8_t a[16];

	memcpy(a, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, a, 16);
}

/*
 * What the peer sends back of an AH frame the gateway sent: the outer and
 * the inner addresses swapped (a reply to the host), its ICV left as it was.
 */
static struct rte_mbuf *
reflect6(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *o6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	uint8_t *ah = (uint8_t *)(o6 + 1);

	swap6(o6);
	swap6((struct rte_ipv6_hdr *)(ah + (ah[1] + 2) * 4));
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0, 6);
	return m;
}

/*
 * The peer's ICV for the (reflected) AH frame in m, computed here with
 * OpenSSL as RFC 4302 3.3.3.1.2.1 says: a copy with traffic class, flow
 * label, hop limit and the ICV zeroed is what is signed.
 */
static void
resign(struct rte_mbuf *m, enum dp_auth auth)
{
	const EVP_MD *md = auth == DP_AUTH_HMAC_SHA1_96	     ? EVP_sha1()
			   : auth == DP_AUTH_HMAC_SHA256_128 ? EVP_sha256()
							     : EVP_sha384();
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14), copy[256], mac[64];
	size_t len = rte_pktmbuf_pkt_len(m) - 14, icv = dp_auth_info[auth].icv_len;
	unsigned int mac_len = 0;

	assert_true(len <= sizeof(copy));
	memcpy(copy, ip, len);
	memcpy(copy, "\x60\0\0\0", 4);
	copy[7] = 0;
	memset(copy + 40 + 12, 0, (copy[41] + 2u) * 4 - 12);
	assert_non_null(
		HMAC(md, ah_key, (int)dp_auth_info[auth].key_len, copy, len, mac, &mac_len));
	memcpy(ip + 40 + 12, mac, icv);
}

static uint16_t
send_back(struct rte_mbuf *m, struct rte_mbuf **out)
{
	return harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, NULL);
}

static void
ah_round_trip(enum dp_auth auth, uint8_t ah_len)
{
	struct rte_mbuf *out[MAX_OUT], *m;
	const struct rte_ipv6_hdr *o6;
	struct rte_ipv6_hdr *r6;
	uint8_t *ah;
	uint16_t n;

	add_ah_sa(CFG_DIR_OUT, auth);
	add_ah_sa(CFG_DIR_IN, auth);
	n = from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL);
	if (n != 1)
		harness_dump_drops(&H);
	assert_int_equal(n, 1);
	o6 = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv6_hdr *, 14);
	ah = (uint8_t *)(o6 + 1);
	assert_int_equal(o6->proto, IPPROTO_AH);
	assert_int_equal(ah[0], IPPROTO_IPV6);
	assert_int_equal((ah[1] + 2) * 4, ah_len); /* a multiple of 8 (RFC 4302 2.6) */
	assert_int_equal(rte_be_to_cpu_16(o6->payload_len), ah_len + 40 + 32);
	/* back, signed by the peer, its mutable fields changed on the way: still verifies */
	m = reflect6(out[0]);
	resign(m, auth);
	r6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	r6->vtc_flow = rte_cpu_to_be_32(0x6b812345);
	r6->hop_limits = 3;
	n = send_back(m, out);
	if (n != 1)
		harness_dump_drops(&H);
	assert_int_equal(n, 1);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_ah_sha1(void **state)
{
	(void)state;
	ah_round_trip(DP_AUTH_HMAC_SHA1_96, 24);
}

static void
test_ah_sha256(void **state)
{
	(void)state;
	ah_round_trip(DP_AUTH_HMAC_SHA256_128, 32); /* 28 padded to 32 */
}

static void
test_ah_sha384(void **state)
{
	(void)state;
	ah_round_trip(DP_AUTH_HMAC_SHA384_192, 40); /* 36 padded to 40 */
}

/* The drops of AH over IPv6, each counted once under its reason, nothing delivered. */
static void
test_ah_drops(void **state)
{
	struct rte_mbuf *out[MAX_OUT], *m;
	struct rte_ipv6_hdr *o6;
	uint8_t *ah;
	uint16_t n;

	(void)state;
	add_ah_sa(CFG_DIR_OUT, DP_AUTH_HMAC_SHA256_128);
	add_ah_sa(CFG_DIR_IN, DP_AUTH_HMAC_SHA256_128);
	/* a byte of the inner packet (immutable): 62 */
	assert_int_equal(from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL), 1);
	m = reflect6(out[0]);
	resign(m, DP_AUTH_HMAC_SHA256_128);
	*rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 40 + 32 + 40 + 8) ^= 1;
	n = send_back(m, out);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
	/* the AH length field not this SA's: 117 */
	assert_int_equal(from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL), 1);
	m = reflect6(out[0]);
	o6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	ah = (uint8_t *)(o6 + 1);
	ah[1] = 5; /* 28 bytes: SHA-256's ICV unpadded, as over IPv4 */
	n = send_back(m, out);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_ESP_TRUNCATED), 1);
	/* an SPI no IPv6 AH SA has: 12 */
	assert_int_equal(from_host("2001:db8:2::5", "2001:db8:1::7", out, NULL), 1);
	m = reflect6(out[0]);
	o6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	ah = (uint8_t *)(o6 + 1);
	ah[7] ^= 0x10;
	n = send_back(m, out);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI), 1);
	assert_int_equal(harness_drops_total(&H), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_route_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sa_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ike_tunnel6_acquires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypts_with_tunnel_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_any_inner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_ipv4_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_route_into_tunnel, setup_default,
						teardown),
		cmocka_unit_test_setup_teardown(test_ah_sha1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ah_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ah_sha384, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ah_drops, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
