/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Published ESP packets received by the gateway through the real inbound
 * path (classify -> esp_in -> route -> TX), on net_ring ports:
 *
 *   vector's ESP (SPI .. ICV)
 *   behind IPv4 192.0.2.1 -> 192.0.2.2 --outside0--> [dpsec] --inside0--> inner packet
 *
 * The outer IPv4 header is ours: ESP's ICV covers the ESP header, payload and
 * trailer, never the IP header in front of it (RFC 4303 section 2), so any
 * outer header carries the vector unchanged.
 *
 * draft-mcgrew-gcm-test-01 section 4 (the RFC 4106 vectors): each is
 * installed as an inbound SA with its key, salt (the first 4 nonce bytes),
 * SPI and, for the 8-byte sequence numbers, ESN with the receive window just
 * below the vector's number (RFC 4303 Appendix A2 infers the high half from
 * it). None of them can be forwarded as printed: every trailer says next
 * header 1, which in a tunnel-mode SA is not an inner IPv4 packet. So:
 *
 *  - as printed, each must authenticate and decrypt, and then be dropped as
 *    IN_CD_SW_IPSEC_NH_MISMATCH; that counter (rather than the ICV, padding
 *    or length ones) moves only if the tag matched and the trailer decrypted
 *    to the vector's padding, pad length and next header;
 *  - the vectors whose payload is one whole IPv4 packet (#2, #3, #5, #8, #10,
 *    #14, #16) are also sent with next header 4: GCM is a stream mode, so
 *    only that ciphertext byte changes (checked), and OpenSSL computes the new
 *    tag; the forwarded packet must be the vector's plaintext byte for byte,
 *    less padding and trailer, with the TTL decremented and the header
 *    checksum recomputed here from scratch;
 *  - one flipped ciphertext bit and one flipped ICV bit are each dropped as
 *    IN_CD_SW_IPSEC_MAC_EXCEPTION, after which the genuine packet still
 *    authenticates (the forgeries did not move the replay window).
 * Vector #4 has SPI 0, which no SA may have (RFC 4303 section 2.1): its SA is
 * refused, and the vector is checked at the crypto level only
 * (test_crypto_kat.c), like #11, #12, #13 and #17, whose payloads are not
 * IPv4 packets (transport-mode payloads or filler) and which are only run
 * here as printed.
 *
 * RFC 3602 section 4 cases #5-#8 (AES-128-CBC ESP, no integrity): dpsec has
 * no ESP without an ICV, so an HMAC-SHA-1-96 ICV (RFC 2404) is appended by
 * OpenSSL over the RFC's packet. #7/#8 are tunnel mode and must come out as
 * the RFC's inner packet; #5/#6 are transport mode (next header 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/hex.h"
#include "dpsec/ip4.h"

#include "harness.h"
#include "kat_vectors.h"
#include "sa.h"
#include "sad.h"

#define NH_IPV4 4

static struct harness H;

/*
 * Crypto map VPN 10 protects each forwarded vector's inner flow (local =
 * the inner destination); the inner destinations are routed out of inside0.
 */
static const struct h_acl_line kat_acl[] = {
	{"192.168.1.1/32", "192.168.1.2/32", false},		/* gcm-test #2 */
	{"147.137.21.94/32", "192.168.1.2/32", false},		/* #3 */
	{"1.1.1.1/32", "64.103.147.24/32", false},		/* #5 */
	{"194.177.211.38/32", "195.251.29.16/32", false},	/* #8, #10 */
	{"192.168.0.1/32", "192.168.0.5/32", false},		/* #14, #16 */
	{"192.168.123.200/32", "192.168.123.3/32", false},	/* RFC 3602 #7, #8 */
};
static const char *const kat_routes[] = {"192.168.0.0/16", "147.137.21.94/32", "1.1.1.1/32",
					 "194.177.211.38/32"};

static int
setup(void **state)
{
	const struct h_opts o = {.acl = kat_acl, .n_acl = RTE_DIM(kat_acl),
				 .routes = kat_routes, .n_routes = RTE_DIM(kat_routes)};

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

static void
cleanup_sas(void)
{
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t len = 0;

	if (!hex_decode(s, out, max, &len))
		fail_msg("bad hex in a test vector: %.40s...", s);
	return len;
}

/* ---- the gateway's side ---- */

static struct rte_mbuf *
esp_from_peer(const uint8_t *esp, size_t len)
{
	uint8_t frame[256];
	struct rte_mbuf *m;

	assert_true(len + 34 <= sizeof(frame));
	m = harness_mbuf(&H, frame,
			 harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_ESP, 64, esp, len));
	assert_non_null(m);
	return m;
}

/* Not forwarded, and counted once as code, with no other counter moving. */
static void
expect_drop(const char *what, const uint8_t *esp, size_t len, dp_drop_t code)
{
	uint64_t before = harness_drops(&H, code), total = harness_drops_total(&H);
	struct rte_mbuf *m = esp_from_peer(esp, len), *out = NULL;

	if (harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, NULL) != 0) {
		rte_pktmbuf_free(out);
		fail_msg("%s: forwarded, expected a drop as %s", what, dp_drop_info[code].name);
	}
	if (harness_drops(&H, code) != before + 1 || harness_drops_total(&H) != total + 1) {
		harness_dump_drops(&H);
		fail_msg("%s: expected exactly one drop, as %s", what, dp_drop_info[code].name);
	}
}

/* RFC 1071, computed whole (the gateway patches it incrementally, RFC 1141). */
static uint16_t
ip_cksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * What a host on inside0 receives: Ethernet to the inside next hop, then the
 * inner packet as decrypted, forwarded once (TTL - 1, checksum recomputed).
 */
static size_t
expected_frame(const uint8_t *inner, size_t tot, uint8_t *out)
{
	uint8_t *ip = out + RTE_ETHER_HDR_LEN;
	size_t hl = (inner[0] & 0xf) * 4u;
	uint16_t ck;

	mac_parse(H_HOST_MAC, out);
	memcpy(out + 6, H.dp->ports[H_INSIDE].mac.addr_bytes, 6);
	out[12] = 0x08;
	out[13] = 0x00;
	memcpy(ip, inner, tot);
	ip[8]--;		/* TTL */
	ip[10] = ip[11] = 0;	/* header checksum */
	ck = ip_cksum(ip, hl);
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;
	return RTE_ETHER_HDR_LEN + tot;
}

static void
expect_forward(const char *what, const uint8_t *esp, size_t len, const uint8_t *inner, size_t tot)
{
	uint64_t total = harness_drops_total(&H);
	struct rte_mbuf *m = esp_from_peer(esp, len), *out = NULL;
	uint8_t want[256];
	size_t wlen = expected_frame(inner, tot, want);
	uint16_t port = 99;

	if (harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, &port) != 1) {
		harness_dump_drops(&H);
		fail_msg("%s: not forwarded", what);
	}
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops_total(&H), total);
	assert_int_equal(out->nb_segs, 1);
	if (out->pkt_len != wlen || memcmp(rte_pktmbuf_mtod(out, uint8_t *), want, wlen) != 0) {
		rte_pktmbuf_free(out);
		fail_msg("%s: forwarded frame differs from the vector's inner packet", what);
	}
	rte_pktmbuf_free(out);
}

/* The SA's receive state, as if it had already accepted every number below top + 1. */
static void
set_replay_top(uint32_t spi, uint64_t top)
{
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(H.dp->sad), link) {
		if (sa->dir == CFG_DIR_IN && sa->spi == spi) {
			sa->rt->replay.top = top;
			return;
		}
	}
	fail_msg("no inbound SA %#x", spi);
}

/* ---- draft-mcgrew-gcm-test-01 ---- */

struct gcm_case {
	const char *name;
	uint8_t key[36];	/* key || salt */
	size_t key_len;		/* AES key bytes */
	uint8_t nonce[12], aad[12], pt[128], pkt[160];
	size_t aad_len, pt_len, pkt_len;
	uint32_t spi;
	uint64_t seq;
	bool esn;
};

static void
gcm_decode(const struct gcm_kat *v, struct gcm_case *c)
{
	uint8_t seq[8];
	size_t seq_len;

	c->name = v->name;
	c->key_len = unhex(v->key, c->key, 32);
	unhex(v->nonce, c->nonce, sizeof(c->nonce));
	memcpy(c->key + c->key_len, c->nonce, 4);
	c->aad_len = unhex(v->aad, c->aad, sizeof(c->aad));
	c->pt_len = unhex(v->plaintext, c->pt, sizeof(c->pt));
	c->pkt_len = unhex(v->packet, c->pkt, sizeof(c->pkt));
	c->spi = (uint32_t)c->pkt[0] << 24 | c->pkt[1] << 16 | c->pkt[2] << 8 | c->pkt[3];
	seq_len = unhex(v->seq, seq, sizeof(seq));
	c->esn = seq_len == 8;
	c->seq = 0;
	for (size_t i = 0; i < seq_len; i++)
		c->seq = c->seq << 8 | seq[i];
}

/* The vector's inbound SA; ESN vectors get the window just below their number. */
static int
gcm_install(const struct gcm_case *c)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = c->spi, .esn = c->esn, .replay_window = 64,
			 .cipher = c->key_len == 16 ? DP_CIPHER_AES_GCM_128 : DP_CIPHER_AES_GCM_256,
			 .ckey = c->key};
	int rc = harness_add_sa(&H, &s);

	if (rc > 0 && c->esn)
		set_replay_top(c->spi, c->seq - 1);
	return rc;
}

/* Is the payload one whole IPv4 packet (total length = payload less padding and trailer)? */
static bool
whole_ipv4(const uint8_t *pt, size_t len, size_t *tot)
{
	size_t n = len - 2 - pt[len - 2];

	if (len < 2u + pt[len - 2] || n < 20 || pt[0] >> 4 != 4)
		return false;
	*tot = (size_t)(pt[2] << 8 | pt[3]);
	return *tot == n && ip_cksum(pt, (pt[0] & 0xf) * 4u) == 0;
}

static void
test_gcm_vectors_authenticate_then_next_header_1(void **state)
{
	unsigned int ran = 0;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(gcm_kats); i++) {
		struct gcm_case c;
		int rc;

		gcm_decode(&gcm_kats[i], &c);
		assert_int_equal(c.pt[c.pt_len - 1], 1);	/* next header 1, as printed */
		rc = gcm_install(&c);
		if (c.spi < 256) {
			/* #4: SPI 0 is reserved for local use (RFC 4303 section 2.1) */
			assert_int_equal(rc, -EINVAL);
			continue;
		}
		assert_true(rc > 0);
		expect_drop(c.name, c.pkt, c.pkt_len, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
		cleanup_sas();
		ran++;
	}
	assert_int_equal(ran, RTE_DIM(gcm_kats) - 1);
}

/* OpenSSL's AES-GCM (the independent implementation) over a changed plaintext. */
static void
openssl_gcm(const struct gcm_case *c, const uint8_t *pt, uint8_t *ct, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, c->key_len == 16 ? EVP_aes_128_gcm()
								   : EVP_aes_256_gcm(),
					    NULL, c->key, c->nonce),
			 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n, c->aad, (int)c->aad_len), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, ct, &n, pt, (int)c->pt_len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, ct + n, &n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* The vector's packet with next header 4: one ciphertext byte and the tag change. */
static void
gcm_packet_nh4(const struct gcm_case *c, uint8_t *pkt)
{
	uint8_t pt[128], ct[128], tag[16];
	const uint8_t *vct = c->pkt + 16;

	memcpy(pt, c->pt, c->pt_len);
	pt[c->pt_len - 1] = NH_IPV4;
	openssl_gcm(c, pt, ct, tag);
	for (size_t i = 0; i < c->pt_len; i++) {
		uint8_t want = i == c->pt_len - 1 ? vct[i] ^ (1 ^ NH_IPV4) : vct[i];

		if (ct[i] != want)
			fail_msg("%s: byte %zu of the re-encrypted payload is not the vector's",
				 c->name, i);
	}
	memcpy(pkt, c->pkt, 16);	/* SPI, sequence number, IV */
	memcpy(pkt + 16, ct, c->pt_len);
	memcpy(pkt + 16 + c->pt_len, tag, 16);
}

static void
test_gcm_vectors_forwarded_with_next_header_4(void **state)
{
	unsigned int ran = 0;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(gcm_kats); i++) {
		struct gcm_case c;
		uint8_t pkt[160];
		size_t tot;

		gcm_decode(&gcm_kats[i], &c);
		if (c.spi < 256 || !whole_ipv4(c.pt, c.pt_len, &tot))
			continue;
		gcm_packet_nh4(&c, pkt);
		assert_true(gcm_install(&c) > 0);
		expect_forward(c.name, pkt, c.pkt_len, c.pt, tot);
		cleanup_sas();
		ran++;
	}
	assert_int_equal(ran, 7);	/* #2, #3, #5, #8, #10, #14, #16 */
}

static void
test_gcm_vectors_bit_flips(void **state)
{
	(void)state;
	for (size_t i = 0; i < RTE_DIM(gcm_kats); i++) {
		struct gcm_case c;
		uint8_t bad[160];
		char what[96];

		gcm_decode(&gcm_kats[i], &c);
		if (c.spi < 256)
			continue;
		assert_true(gcm_install(&c) > 0);
		memcpy(bad, c.pkt, c.pkt_len);
		bad[16] ^= 0x01;	/* first ciphertext byte */
		snprintf(what, sizeof(what), "%s, ciphertext bit flipped", c.name);
		expect_drop(what, bad, c.pkt_len, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
		memcpy(bad, c.pkt, c.pkt_len);
		bad[c.pkt_len - 1] ^= 0x80;	/* last ICV byte */
		snprintf(what, sizeof(what), "%s, ICV bit flipped", c.name);
		expect_drop(what, bad, c.pkt_len, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
		/* the forgeries moved nothing: the genuine packet still authenticates */
		expect_drop(c.name, c.pkt, c.pkt_len, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
		cleanup_sas();
	}
}

/* ---- RFC 3602 ---- */

/* The ICV this test's SAs use (RFC 2404); RFC 3602's packets carry none. */
static const uint8_t sha1_key[20] = {0x33, 0x36, 0x30, 0x32, 0x2d, 0x6b, 0x61, 0x74, 0x2d, 0x69,
				     0x63, 0x76, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x30, 0x30, 0x31};

static void
test_rfc3602_esp_packets(void **state)
{
	(void)state;
	for (size_t i = 0; i < RTE_DIM(cbc_esp_kats); i++) {
		const struct cbc_esp_kat *v = &cbc_esp_kats[i];
		uint8_t key[16], pkt[200], pre[160], md[20];
		size_t len = unhex(v->packet, pkt, sizeof(pkt));
		size_t pre_len = unhex(v->pre_encryption, pre, sizeof(pre));
		uint8_t nh = pre[pre_len - 1];
		unsigned int mdlen = 0;
		struct h_sa s = {.dir = CFG_DIR_IN, .cipher = DP_CIPHER_AES_CBC_128,
				 .auth = DP_AUTH_HMAC_SHA1_96, .replay_window = 64, .ckey = key,
				 .akey = sha1_key};
		size_t tot;

		unhex(v->key, key, sizeof(key));
		s.spi = (uint32_t)pkt[2] << 8 | pkt[3];
		assert_non_null(HMAC(EVP_sha1(), sha1_key, sizeof(sha1_key), pkt, len, md, &mdlen));
		memcpy(pkt + len, md, 12);
		assert_true(harness_add_sa(&H, &s) > 0);
		/* a flipped ciphertext bit first: the genuine packet after it is no replay */
		pkt[len - 1] ^= 0x01;
		expect_drop(v->name, pkt, len + 12, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
		pkt[len - 1] ^= 0x01;
		if (nh == NH_IPV4) {
			assert_true(whole_ipv4(pre, pre_len, &tot));
			expect_forward(v->name, pkt, len + 12, pre, tot);
		} else {
			expect_drop(v->name, pkt, len + 12, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
		}
		cleanup_sas();
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gcm_vectors_authenticate_then_next_header_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcm_vectors_forwarded_with_next_header_4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcm_vectors_bit_flips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc3602_esp_packets, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
