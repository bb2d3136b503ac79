/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP to the gateway's IPv6 address behind other extension headers (RFC 8200
 * section 4), classify_ext6:
 *
 *   host 10.0.2.5 -- inside0 [dpsec 2001:db8::2] outside0 == ESP over IPv6 == peer 2001:db8::1
 *
 * The peer's ESP (the gateway's own, reflected: the SAs of both directions
 * are keyed alike) with hop-by-hop, routing (segments left 0) and
 * destination options headers between the IPv6 header and the ESP is
 * decrypted and delivered as without them. AH behind them too: its ICV
 * covers them with the data of options that may change en route zeroed
 * (RFC 4302 3.3.3.1.2.2), checked against OpenSSL over this file's own
 * zeroing; a changed immutable option fails (62). What is refused, each counted
 * under its own reason and nothing else:
 *
 *   routing header with segments left 1     Ipv6RoutingHdr (not ours to forward)
 *   mobility header (135)                   Ipv6ExtHdrUnknown
 *   hop-by-hop not first, a header past the payload, more than 8 headers   Ipv6HdrErr
 *   fewer than 8 bytes of ESP behind them   117 IN_ESP_TRUNCATED
 *
 * UDP (IKE) behind them goes to the control plane as before.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <openssl/hmac.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "ah_ref.h"
#include "harness.h"

#define O6 40
#define PKT_MAX 512

static struct harness H;
static uint8_t esp_pkt[PKT_MAX];	/* the peer's ESP packet (IPv6 header and ESP), plain */
static size_t esp_len;

static int
setup(void **state)
{
	struct h_opts o = {.outside6 = "2001:db8::2"};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x7001, .cipher = DP_CIPHER_AES_GCM_128,
			 .family = AF_INET6};
	uint8_t payload[24] = {7, 7, 7}, frame[256], a[16];
	size_t flen;
	struct rte_mbuf *in, *out = NULL;

	(void)state;
	if (harness_create_opts(&H, &o) != 0 || harness_add_sa(&H, &s) <= 0)
		return -1;
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	if (harness_add_sa(&H, &s) <= 0)
		return -1;
	flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
				  sizeof(payload));
	mac_parse(H_INSIDE_MAC, frame);
	in = harness_mbuf(&H, frame, flen);
	if (harness_send(&H, H_INSIDE, &in, 1, &out, 1, NULL) != 1)
		return -1;
	esp_len = out->pkt_len - RTE_ETHER_HDR_LEN;
	memcpy(esp_pkt, rte_pktmbuf_mtod(out, uint8_t *) + RTE_ETHER_HDR_LEN, esp_len);
	rte_pktmbuf_free(out);
	/* as the peer sends it: the addresses swapped */
	memcpy(a, esp_pkt + 8, 16);
	memcpy(esp_pkt + 8, esp_pkt + 24, 16);
	memcpy(esp_pkt + 24, a, 16);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/*
 * The peer's packet with ext (ext_len bytes, its first header's type first_nh,
 * the last one's next header set by the caller) between the IPv6 header and
 * the rest (rest_len bytes of the ESP, or another payload); through outside0:
 * how many frames left (*out: the first).
 */
/* An IPv6 packet (len bytes) from the peer through outside0: how many frames left. */
static uint16_t
send_raw(const uint8_t *ip6, size_t len, struct rte_mbuf **out)
{
	uint8_t frame[RTE_ETHER_HDR_LEN + PKT_MAX + 256];
	struct rte_mbuf *m;

	assert_true(len <= PKT_MAX + 256);
	mac_parse(H_OUTSIDE_MAC, frame);
	mac_parse(H_PEER_MAC, frame + 6);
	frame[12] = 0x86;
	frame[13] = 0xdd;
	memcpy(frame + RTE_ETHER_HDR_LEN, ip6, len);
	m = harness_mbuf(&H, frame, RTE_ETHER_HDR_LEN + len);
	assert_non_null(m);
	return harness_send(&H, H_OUTSIDE, &m, 1, out, 1, NULL);
}

static uint16_t
send_with(uint8_t first_nh, const uint8_t *ext, size_t ext_len, const uint8_t *rest,
	  size_t rest_len, struct rte_mbuf **out)
{
	uint8_t ip6[PKT_MAX + 256];
	size_t plen = ext_len + rest_len;

	assert_true(O6 + plen <= sizeof(ip6));
	memcpy(ip6, esp_pkt, O6);
	ip6[4] = (uint8_t)(plen >> 8);
	ip6[5] = (uint8_t)plen;
	ip6[6] = first_nh;
	memcpy(ip6 + O6, ext, ext_len);
	if (rest_len != 0)
		memcpy(ip6 + O6 + ext_len, rest, rest_len);
	return send_raw(ip6, O6 + plen, out);
}

/* The ESP packet behind ext, delivered to the host (sequence 1, once). */
static void
delivered(uint8_t first_nh, const uint8_t *ext, size_t ext_len)
{
	struct rte_mbuf *out = NULL;
	uint64_t total = harness_drops_total(&H);

	if (send_with(first_nh, ext, ext_len, esp_pkt + O6, esp_len - O6, &out) != 1) {
		harness_dump_drops(&H);
		fail_msg("not decapsulated behind %zu bytes of extension headers", ext_len);
	}
	assert_int_equal(out->pkt_len, RTE_ETHER_HDR_LEN + 20 + 24);	/* the host's packet */
	assert_int_equal(rte_pktmbuf_mtod(out, uint8_t *)[RTE_ETHER_HDR_LEN + 9], IPPROTO_UDP);
	rte_pktmbuf_free(out);
	assert_int_equal(harness_drops_total(&H), total);
}

/* Hop-by-hop (PadN), routing (type 4, segments left 0), destination options, then ESP. */
static void
test_chain_taken(void **state)
{
	static const uint8_t ext[] = {
		43, 0, 1, 4, 0, 0, 0, 0,				/* hop-by-hop -> routing */
		60, 2, 4, 0, 0, 0, 0, 0,				/* routing, 24 bytes */
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
		50, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* dest opts -> ESP */
	};

	(void)state;
	delivered(0, ext, sizeof(ext));
}

/* One destination options header alone: taken as well. */
static void
test_dstopts_taken(void **state)
{
	static const uint8_t ext[] = {50, 0, 1, 4, 0, 0, 0, 0};

	(void)state;
	delivered(60, ext, sizeof(ext));
}

/* One packet refused, counted under why and nothing else. */
static void
refused(uint8_t first_nh, const uint8_t *ext, size_t ext_len, const uint8_t *rest,
	size_t rest_len, dp_drop_t why)
{
	uint64_t before = harness_drops(&H, why), total = harness_drops_total(&H);
	struct rte_mbuf *out = NULL;

	assert_int_equal(send_with(first_nh, ext, ext_len, rest, rest_len, &out), 0);
	if (harness_drops(&H, why) != before + 1) {
		harness_dump_drops(&H);
		fail_msg("not counted as %d", (int)why);
	}
	assert_int_equal(harness_drops_total(&H), total + 1);
}

static void
test_refused(void **state)
{
	static const uint8_t rh_left[] = {50, 2, 4, 1, 0, 0, 0, 0,
					  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					  0, 0, 0, 0, 0, 0, 0, 0x09};
	static const uint8_t to_ah[] = {51, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t to_mob[] = {135, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t hbh_second[] = {0, 0, 1, 4, 0, 0, 0, 0, 50, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t too_long[] = {50, 1, 1, 4, 0, 0, 0, 0};
	static const uint8_t to_esp[] = {50, 0, 1, 4, 0, 0, 0, 0};
	uint8_t nine[9 * 8] = {0}, ah[12] = {50, 4};

	(void)state;
	refused(43, rh_left, sizeof(rh_left), esp_pkt + O6, esp_len - O6,
		DP_DROP_G_Ipv6RoutingHdr);
	refused(60, to_ah, sizeof(to_ah), ah, 11, DP_DROP_IN_ESP_TRUNCATED);	/* < 12 bytes */
	refused(60, to_mob, sizeof(to_mob), esp_pkt + O6, esp_len - O6,
		DP_DROP_G_Ipv6ExtHdrUnknown);
	refused(60, hbh_second, sizeof(hbh_second), esp_pkt + O6, esp_len - O6,
		DP_DROP_G_Ipv6HdrErr);
	/* a 16-byte header with only 8 bytes of payload behind the IPv6 header */
	refused(60, too_long, sizeof(too_long), NULL, 0, DP_DROP_G_Ipv6HdrErr);
	/* nine destination options headers */
	for (int k = 0; k < 9; k++) {
		nine[k * 8] = k < 8 ? 60 : 50;
		nine[k * 8 + 2] = 1;
		nine[k * 8 + 3] = 4;
	}
	refused(60, nine, sizeof(nine), esp_pkt + O6, esp_len - O6, DP_DROP_G_Ipv6HdrErr);
	refused(60, to_esp, sizeof(to_esp), esp_pkt + O6, 7, DP_DROP_IN_ESP_TRUNCATED);
	/* the genuine packet after all of them */
	delivered(60, to_esp, sizeof(to_esp));
}

/* IKE behind a destination options header: the control plane's, as before. */
static void
test_udp_punted(void **state)
{
	static const uint8_t to_udp[] = {17, 0, 1, 4, 0, 0, 0, 0};
	static const uint8_t udp[16] = {0x01, 0xf4, 0x01, 0xf4, 0, 16};
	uint64_t punted = H.punted;
	struct rte_mbuf *out = NULL;

	(void)state;
	assert_int_equal(send_with(60, to_udp, sizeof(to_udp), udp, sizeof(udp), &out), 0);
	assert_int_equal(H.punted, punted + 1);
	/* the stand-in control plane answers no IKE: its own drop, not the worker's */
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

static const uint8_t ah_key[32] = {0x61, 0x68, 0x36, 0x65, 0x78, 0x74, 7, 8, 9};

/*
 * The AH ICV over pkt (len bytes: IPv6 header, ext_len bytes of hop-by-hop
 * then destination options headers, the 32-byte AH of HMAC-SHA-256-128)
 * as RFC 4302 3.3.3.1.2 has it: traffic class, flow label and hop limit
 * zeroed, the data of options with the change-en-route bit (0x20) zeroed,
 * the ICV zeroed. Written into the packet's ICV field.
 */
static void
ah6_sign(uint8_t *pkt, size_t len, size_t ext_len)
{
	uint8_t copy[PKT_MAX + 64], md[64];
	unsigned int mdlen = 0;

	assert_true(len <= sizeof(copy));
	memcpy(copy, pkt, len);
	copy[0] = 0x60;
	copy[1] = copy[2] = copy[3] = 0;
	copy[7] = 0;
	for (size_t off = 0; off < ext_len;) {
		uint8_t *h = copy + O6 + off;
		size_t hl = (h[1] + 1u) * 8u;

		for (size_t i = 2; i < hl;) {
			if (h[i] == 0) {
				i++;
				continue;
			}
			if (h[i] & 0x20)
				memset(h + i + 2, 0, h[i + 1]);
			i += 2u + h[i + 1];
		}
		off += hl;
	}
	memset(copy + O6 + ext_len + 12, 0, 20);
	HMAC(ah_ref_md(DP_AUTH_HMAC_SHA256_128), ah_key, sizeof(ah_key), copy, len, md, &mdlen);
	memcpy(pkt + O6 + ext_len + 12, md, 16);
}

/*
 * AH over IPv6 behind hop-by-hop (an option that may change en route, 0x3e)
 * and destination options (PadN): verified and delivered, also after the
 * path changed the mutable option's data and the hop limit; a changed
 * immutable option (the PadN's data) fails the ICV, 62.
 */
static void
test_ah_behind_ext_headers(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x7002, .proto = IPPROTO_AH,
			 .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128,
			 .akey = ah_key, .family = AF_INET6};
	static const uint8_t ext[16] = {60, 0, 0x3e, 4, 0xaa, 0xbb, 0xcc, 0xdd,	/* hop-by-hop */
					51, 0, 1, 4, 0, 0, 0, 0};		/* dest opts */
	uint8_t payload[24] = {9, 9}, frame[256], pkt[PKT_MAX + 64];
	struct rte_mbuf *out = NULL;
	size_t flen, len, alen = 12 + 16 + 4;	/* HMAC-SHA-256-128, padded to 64 bits */
	uint64_t bad;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
				  sizeof(payload));
	/* the peer's packet: [IPv6, hop-by-hop][dest opts][AH nh 4, SPI 0x7002, seq 1][IPv4] */
	len = O6 + sizeof(ext) + alen + (flen - RTE_ETHER_HDR_LEN);
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, esp_pkt, O6);	/* the IPv6 header from the peer to us */
	pkt[4] = (uint8_t)((len - O6) >> 8);
	pkt[5] = (uint8_t)(len - O6);
	pkt[6] = 0;
	memcpy(pkt + O6, ext, sizeof(ext));
	pkt[O6 + 16] = 4;
	pkt[O6 + 17] = (uint8_t)(alen / 4 - 2);
	pkt[O6 + 22] = 0x70;
	pkt[O6 + 23] = 0x02;
	pkt[O6 + 27] = 1;
	memcpy(pkt + O6 + 16 + alen, frame + RTE_ETHER_HDR_LEN, flen - RTE_ETHER_HDR_LEN);
	ah6_sign(pkt, len, sizeof(ext));
	/* on the way: hop limit, traffic class and the mutable option's data change */
	pkt[7] = 3;
	pkt[1] |= 0x50;
	pkt[O6 + 4] = 0x11;
	if (send_raw(pkt, len, &out) != 1) {
		harness_dump_drops(&H);
		fail_msg("AH behind extension headers not verified");
	}
	assert_int_equal(out->pkt_len, flen);	/* the host's packet */
	rte_pktmbuf_free(out);
	assert_int_equal(harness_drops_total(&H), 0);
	/* the immutable option (PadN) changed: the ICV fails */
	pkt[O6 + 27] = 2;
	ah6_sign(pkt, len, sizeof(ext));
	pkt[O6 + 12] = 1;
	bad = harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
	assert_int_equal(send_raw(pkt, len, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), bad + 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dstopts_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_punted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ah_behind_ext_headers, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
