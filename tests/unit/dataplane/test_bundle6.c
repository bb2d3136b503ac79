/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AH+ESP bundles (RFC 4301 section 4.5) over an IPv6 outer header, through
 * the real worker path on net_ring ports:
 *
 *   host 10.0.2.5 --> inside0 [dpsec 2001:db8::2] outside0 --[IPv6 51][AH nh 50][ESP]--> 2001:db8::1
 *   host 10.0.2.5 <-- inside0 [dpsec 2001:db8::2] outside0 <--[IPv6 51][AH nh 50][ESP]-- 2001:db8::1
 *
 * Outbound: ESP in tunnel mode, then AH over it, its header padded to 64
 * bits (RFC 4302 section 2.6); the AH ICV must be OpenSSL's HMAC over this
 * file's own RFC 4302 3.3.3.1.2.1 zeroing (traffic class, flow label and hop
 * limit) of the packet sent. Inbound: the same packet reflected (the SAs of
 * both directions are keyed alike), its mutable fields changed on the way
 * and its AH signed again over the swapped addresses, comes out as the
 * host's packet. Refused, each under its own reason:
 *
 *   AH ICV bad                        62 on the AH SA
 *   AH good, ESP SPI not the bundle's 31 IN_V6_POST_INPUT_POLICY_FAIL
 *   ESP of the bundle without its AH  31, its replay window untouched
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "ah_ref.h"
#include "harness.h"

static struct harness H;

#define ESP_SPI 0x6001
#define AH_SPI 0x6002
#define PKT_MAX 1600
#define O6 40	/* the outer IPv6 header: AH right behind it */

static const uint8_t ah_key[64] = {0x5a, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};

struct bundle_xf {
	enum dp_cipher cipher;
	enum dp_auth esp_auth;
	enum dp_auth ah_auth;
	bool esn;
};

static int
create(void)
{
	struct h_opts o = {.outside6 = "2001:db8::2"};

	return harness_create_opts(&H, &o);
}

static int
setup(void **state)
{
	(void)state;
	return create();
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/* RFC 4302 section 2.6: a multiple of 64 bits over IPv6. */
static size_t
ah_len(const struct bundle_xf *x)
{
	return (12 + dp_auth_info[x->ah_auth].icv_len + 7) & ~7u;
}

/* The ESP SA (bundled), then the AH SA around it, both to H_PEER6: the AH SA's id. */
static int
add_bundle(enum cfg_dir dir, const struct bundle_xf *x, uint32_t esp_spi, uint32_t ah_spi)
{
	struct h_sa esp = {.dir = dir, .spi = esp_spi, .cipher = x->cipher, .auth = x->esp_auth,
			   .esn = x->esn, .replay_window = 64, .bundled = true,
			   .family = AF_INET6};
	struct h_sa ah = {.dir = dir, .spi = ah_spi, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = x->ah_auth, .esn = x->esn,
			  .replay_window = 64, .akey = ah_key, .family = AF_INET6};
	int id = harness_add_sa(&H, &esp);

	if (id < 0)
		return id;
	ah.inner_conn_id = (uint32_t)id;
	return harness_add_sa(&H, &ah);
}

/*
 * RFC 4302 section 3.3.3.1.2.1: traffic class, flow label and hop limit
 * zeroed, the ICV zeroed; the HMAC over the packet (with ESN, high bits 0
 * appended) into icv.
 */
static void
ah_icv6(const struct bundle_xf *x, const uint8_t *pkt, size_t len, uint8_t *icv)
{
	size_t n = dp_auth_info[x->ah_auth].icv_len;
	uint8_t copy[PKT_MAX + 4], want[64];
	unsigned int wlen = 0;

	assert_true(len <= PKT_MAX);
	memcpy(copy, pkt, len);
	copy[0] = 0x60;
	copy[1] = copy[2] = copy[3] = 0;
	copy[7] = 0;
	memset(copy + O6 + 12, 0, ah_len(x) - 12);
	memset(copy + len, 0, 4);
	HMAC(ah_ref_md(x->ah_auth), ah_key, dp_auth_info[x->ah_auth].key_len, copy,
	     len + (x->esn ? 4 : 0), want, &wlen);
	memcpy(icv, want, n);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The host's packets (UDP, i in the payload) out through the bundle, copied into pkt[]. */
static void
send_out(const struct bundle_xf *x, unsigned int n, uint8_t pkt[][PKT_MAX], size_t *len,
	 uint8_t *inner, size_t *inner_len)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t payload[40] = {1, 2, 3, (uint8_t)i}, frame[256], icv[64];
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + RTE_ETHER_HDR_LEN);
		struct rte_mbuf *in, *out = NULL;
		uint16_t port = 99;
		size_t flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.9.7", IPPROTO_UDP, 64,
						 payload, sizeof(payload));
		const uint8_t *o, *esp;

		ip->type_of_service = 0xb8;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		mac_parse(H_INSIDE_MAC, frame);
		if (i == 0) {
			*inner_len = flen - RTE_ETHER_HDR_LEN;
			memcpy(inner, frame + RTE_ETHER_HDR_LEN, *inner_len);
		}
		in = harness_mbuf(&H, frame, flen);
		if (harness_send(&H, H_INSIDE, &in, 1, &out, 1, &port) != 1) {
			harness_dump_drops(&H);
			fail_msg("packet %u not sent", i);
		}
		assert_int_equal(port, H_OUTSIDE);
		assert_int_equal(rte_pktmbuf_mtod(out, struct rte_ether_hdr *)->ether_type,
				 rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
		o = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
		len[i] = out->pkt_len - RTE_ETHER_HDR_LEN;
		assert_true(len[i] <= PKT_MAX);
		memcpy(pkt[i], o, len[i]);
		rte_pktmbuf_free(out);

		/* [IPv6, 51][AH, next header 50, SPI, seq i + 1][ESP, its SPI, seq i + 1] */
		assert_int_equal(be32(o), 0x60000000u | 0xb8u << 20);	/* TC back after the ICV */
		assert_int_equal(o[4] << 8 | o[5], len[i] - O6);
		assert_int_equal(o[6], IPPROTO_AH);
		assert_int_equal(o[7], 64);
		assert_int_equal(o[O6], IPPROTO_ESP);
		assert_int_equal((o[O6 + 1] + 2) * 4, ah_len(x));
		assert_int_equal(o[O6 + 2] | o[O6 + 3], 0);
		assert_int_equal(be32(o + O6 + 4), AH_SPI);
		assert_int_equal(be32(o + O6 + 8), i + 1);
		esp = o + O6 + ah_len(x);
		assert_int_equal(be32(esp), ESP_SPI);
		assert_int_equal(be32(esp + 4), i + 1);
		ah_icv6(x, o, len[i], icv);
		assert_memory_equal(o + O6 + 12, icv, dp_auth_info[x->ah_auth].icv_len);
	}
}

/*
 * The packet as the peer would send it back: addresses swapped, the
 * mutable fields changed by the path (not covered), AH signed again.
 */
static void
reflect(const struct bundle_xf *x, uint8_t *pkt, size_t len)
{
	uint8_t a[16];

	memcpy(a, pkt + 8, 16);
	memcpy(pkt + 8, pkt + 24, 16);
	memcpy(pkt + 24, a, 16);
	ah_icv6(x, pkt, len, pkt + O6 + 12);
	pkt[1] ^= 0x4c;	/* traffic class and flow label */
	pkt[3] = 0x77;
	pkt[7] = 17;	/* hop limit */
}

/* One packet from the peer through outside0: 1 if it came out of inside0 as *out. */
static uint16_t
send_in(const uint8_t *pkt, size_t len, struct rte_mbuf **out)
{
	uint8_t frame[PKT_MAX + RTE_ETHER_HDR_LEN];
	struct rte_mbuf *m;
	uint16_t port = 99, n;

	mac_parse(H_OUTSIDE_MAC, frame);
	mac_parse(H_PEER_MAC, frame + 6);
	frame[12] = 0x86;
	frame[13] = 0xdd;
	memcpy(frame + RTE_ETHER_HDR_LEN, pkt, len);
	m = harness_mbuf(&H, frame, len + RTE_ETHER_HDR_LEN);
	assert_non_null(m);
	n = harness_send(&H, H_OUTSIDE, &m, 1, out, 1, &port);
	if (n == 1)
		assert_int_equal(port, H_INSIDE);
	return n;
}

static uint64_t
sa_ctr(enum cfg_dir dir, uint8_t proto, enum dp_sa_ctr c)
{
	struct view_sa v[8];
	size_t n = dp_sa_list(H.dp, v, 8);

	for (size_t i = 0; i < n; i++)
		if (v[i].dir == dir && v[i].proto == proto)
			return v[i].ctr.v[c];
	fail_msg("no such SA");
	return 0;
}

static void
check_round_trip(const struct bundle_xf *x)
{
	uint8_t pkt[2][PKT_MAX], inner[128];
	size_t len[2], inner_len;
	struct rte_mbuf *out = NULL;
	const uint8_t *got;

	assert_true(add_bundle(CFG_DIR_OUT, x, ESP_SPI, AH_SPI) > 0);
	assert_true(add_bundle(CFG_DIR_IN, x, ESP_SPI, AH_SPI) > 0);
	send_out(x, 2, pkt, len, inner, &inner_len);
	assert_int_equal(sa_ctr(CFG_DIR_OUT, IPPROTO_AH, DP_SA_CTR_pkts), 2);
	assert_int_equal(sa_ctr(CFG_DIR_OUT, IPPROTO_ESP, DP_SA_CTR_pkts), 2);

	for (int i = 0; i < 2; i++) {
		reflect(x, pkt[i], len[i]);
		if (send_in(pkt[i], len[i], &out) != 1) {
			harness_dump_drops(&H);
			fail_msg("packet %d not decapsulated", i);
		}
		got = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
		assert_int_equal(out->pkt_len, RTE_ETHER_HDR_LEN + inner_len);
		if (i == 0) {
			/* the host's packet, its TTL spent once each way */
			assert_memory_equal(got, inner, 8);
			assert_int_equal(got[8], inner[8] - 2);
			assert_memory_equal(got + 12, inner + 12, inner_len - 12);
		}
		rte_pktmbuf_free(out);
	}
	assert_int_equal(sa_ctr(CFG_DIR_IN, IPPROTO_AH, DP_SA_CTR_pkts), 2);
	assert_int_equal(sa_ctr(CFG_DIR_IN, IPPROTO_ESP, DP_SA_CTR_pkts), 2);
	/* replayed whole: the AH window refuses it before the ESP is looked at */
	assert_int_equal(send_in(pkt[1], len[1], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

/* AES-GCM and CBC, AH ICVs of 12 (no padding), 16, 24 (4 bytes of it) and 32 bytes, ESN. */
static void
test_round_trip(void **state)
{
	static const struct bundle_xf xs[] = {
		{DP_CIPHER_AES_GCM_256, DP_AUTH_NONE, DP_AUTH_HMAC_SHA256_128, false},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96, DP_AUTH_HMAC_SHA1_96, false},
		{DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA512_256, DP_AUTH_HMAC_SHA384_192, true},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, DP_AUTH_HMAC_SHA512_256, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		if (i > 0)
			assert_int_equal(create(), 0);
		check_round_trip(&xs[i]);
		harness_destroy(&H);
	}
	assert_int_equal(create(), 0);
}

/* Each refused packet moves its own reason only; the genuine one after them still passes. */
static void
test_refused(void **state)
{
	static const struct bundle_xf x = {DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA256_128,
					   DP_AUTH_HMAC_SHA256_128, false};
	uint8_t pkt[4][PKT_MAX], inner[128], bare[PKT_MAX];
	size_t len[4], inner_len, n;
	struct rte_mbuf *out = NULL;
	uint64_t before;

	(void)state;
	assert_true(add_bundle(CFG_DIR_OUT, &x, ESP_SPI, AH_SPI) > 0);
	assert_true(add_bundle(CFG_DIR_IN, &x, ESP_SPI, AH_SPI) > 0);
	send_out(&x, 4, pkt, len, inner, &inner_len);
	for (int i = 0; i < 4; i++)
		reflect(&x, pkt[i], len[i]);

	/* AH ICV bad: 62 on the AH SA */
	pkt[0][O6 + 12] ^= 1;
	assert_int_equal(send_in(pkt[0], len[0], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
	assert_int_equal(sa_ctr(CFG_DIR_IN, IPPROTO_AH, DP_SA_CTR_verify_failed), 1);

	/* AH good around another SPI's ESP: 31 */
	pkt[1][O6 + ah_len(&x) + 3] ^= 0x40;
	ah_icv6(&x, pkt[1], len[1], pkt[1] + O6 + 12);
	assert_int_equal(send_in(pkt[1], len[1], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL), 1);

	/* the bundle's ESP without its AH: 31, and its number still usable under the AH */
	n = len[2] - ah_len(&x);
	memcpy(bare, pkt[2], O6);
	memcpy(bare + O6, pkt[2] + O6 + ah_len(&x), n - O6);
	bare[6] = IPPROTO_ESP;
	bare[4] = (uint8_t)((n - O6) >> 8);
	bare[5] = (uint8_t)(n - O6);
	assert_int_equal(send_in(bare, n, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL), 2);
	assert_int_equal(harness_drops_total(&H), 3);
	before = sa_ctr(CFG_DIR_IN, IPPROTO_ESP, DP_SA_CTR_pkts);
	assert_int_equal(send_in(pkt[2], len[2], &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(send_in(pkt[3], len[3], &out), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(sa_ctr(CFG_DIR_IN, IPPROTO_ESP, DP_SA_CTR_pkts), before + 2);
	assert_int_equal(harness_drops_total(&H), 3);
}

/* The ESP SA and its AH SA must share the outer family: mixed, the AH SA is refused. */
static void
test_mixed_family_refused(void **state)
{
	struct h_sa esp = {.dir = CFG_DIR_OUT, .spi = ESP_SPI, .cipher = DP_CIPHER_AES_GCM_128,
			   .bundled = true, .family = AF_INET6};
	struct h_sa ah = {.dir = CFG_DIR_OUT, .spi = AH_SPI, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128};
	int id;

	(void)state;
	id = harness_add_sa(&H, &esp);
	assert_true(id > 0);
	ah.inner_conn_id = (uint32_t)id;
	assert_int_equal(harness_add_sa(&H, &ah), -EINVAL);
	ah.family = AF_INET6;
	assert_true(harness_add_sa(&H, &ah) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_family_refused, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
