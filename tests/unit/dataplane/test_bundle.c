/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AH+ESP bundles (RFC 4301 section 4.5; IOS "ah-sha256-hmac esp-gcm 256")
 * through the real worker path on net_ring ports:
 *
 *   host 10.0.2.5 --> inside0 [dpsec] outside0 --[IPv4 51][AH nh 50][ESP]--> peer 192.0.2.1
 *   host 10.0.2.5 <-- inside0 [dpsec] outside0 <--[IPv4 51][AH nh 50][ESP]-- peer 192.0.2.1
 *
 * Outbound: ESP in tunnel mode first, then AH in transport position over it;
 * the AH ICV must be OpenSSL's HMAC over this file's own zeroing of the
 * packet sent (the ESP ciphertext and ICV included), both sequence numbers
 * start at 1. Inbound: the same packet reflected (the SAs of both directions
 * are keyed alike) and its AH signed again over the swapped addresses comes
 * out as the host's packet; what is refused, and why:
 *
 *   AH ICV bad                        62 on the AH SA
 *   AH good, next header not 50       65 IN_CD_SW_IPSEC_NH_MISMATCH on the AH SA
 *   AH good, ESP SPI not the bundle's 30 IN_V4_POST_INPUT_POLICY_FAIL
 *   AH good, ESP ICV bad              62 on the ESP SA
 *   AH good, no whole ESP header      117 on the ESP SA
 *   ESP of the bundle without its AH  30, its replay window untouched
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "ah_ref.h"
#include "harness.h"
#include "ip4_cksum.h"

static struct harness H;

#define ESP_SPI 0x5001
#define AH_SPI 0x5002
#define PKT_MAX 1600

static const uint8_t ah_key[64] = {0xa5, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

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

struct bundle_xf {
	enum dp_cipher cipher;
	enum dp_auth esp_auth;
	enum dp_auth ah_auth;
	bool esn;
};

static size_t
ah_len(const struct bundle_xf *x)
{
	return (12 + dp_auth_info[x->ah_auth].icv_len + 3) & ~3u;
}

/* The ESP SA (bundled), then the AH SA around it: the AH SA's connection id. */
static int
add_bundle(enum cfg_dir dir, const struct bundle_xf *x, uint32_t esp_spi, uint32_t ah_spi)
{
	struct h_sa esp = {.dir = dir, .spi = esp_spi, .cipher = x->cipher, .auth = x->esp_auth,
			   .esn = x->esn, .replay_window = 64, .bundled = true};
	struct h_sa ah = {.dir = dir, .spi = ah_spi, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = x->ah_auth, .esn = x->esn,
			  .replay_window = 64, .akey = ah_key};
	int id = harness_add_sa(&H, &esp);

	if (id < 0)
		return id;
	ah.inner_conn_id = (uint32_t)id;
	return harness_add_sa(&H, &ah);
}

/*
 * RFC 4302 section 3.3.3.1.1.1 zeroing of a 20-byte outer header and the ICV,
 * then the HMAC over the packet (with ESN, high bits 0 appended) into icv.
 */
static void
ah_icv(const struct bundle_xf *x, const uint8_t *pkt, size_t len, uint8_t *icv)
{
	size_t n = dp_auth_info[x->ah_auth].icv_len;
	uint8_t copy[PKT_MAX + 4], want[64];
	unsigned int wlen = 0;

	assert_true(len <= PKT_MAX);
	memcpy(copy, pkt, len);
	copy[1] = 0;
	copy[6] = copy[7] = 0;
	copy[8] = 0;
	copy[10] = copy[11] = 0;
	memset(copy + 20 + 12, 0, n);
	memset(copy + len, 0, 4);
	HMAC(ah_ref_md(x->ah_auth), ah_key, dp_auth_info[x->ah_auth].key_len, copy,
	     len + (x->esn ? 4 : 0), want, &wlen);
	memcpy(icv, want, n);
}

/* The host's packets (UDP, seq in the payload) out through the bundle, copied into pkt[]. */
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
		o = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
		len[i] = out->pkt_len - RTE_ETHER_HDR_LEN;
		assert_true(len[i] <= PKT_MAX);
		memcpy(pkt[i], o, len[i]);
		rte_pktmbuf_free(out);

		/* [outer IPv4, 51][AH, next header 50, SPI, seq i + 1][ESP, its SPI, seq i + 1] */
		assert_int_equal(o[9], IPPROTO_AH);
		assert_int_equal(o[2] << 8 | o[3], len[i]);
		assert_int_equal(o[1], 0xb8); /* TOS from the inner header, back after the ICV */
		assert_int_equal(o[8], 64);
		assert_true(ip4_cksum_ok(o, 20));
		assert_int_equal(o[20], IPPROTO_ESP);
		assert_int_equal((o[21] + 2) * 4, ah_len(x));
		assert_int_equal(o[24] << 24 | o[25] << 16 | o[26] << 8 | o[27], AH_SPI);
		assert_int_equal(o[28] << 24 | o[29] << 16 | o[30] << 8 | o[31], i + 1);
		esp = o + 20 + ah_len(x);
		assert_int_equal(esp[0] << 24 | esp[1] << 16 | esp[2] << 8 | esp[3], ESP_SPI);
		assert_int_equal(esp[4] << 24 | esp[5] << 16 | esp[6] << 8 | esp[7], i + 1);
		ah_icv(x, o, len[i], icv);
		assert_memory_equal(o + 32, icv, dp_auth_info[x->ah_auth].icv_len);
	}
}

/* The packet as the peer would send it back: addresses swapped, AH signed over them again. */
static void
reflect(const struct bundle_xf *x, uint8_t *pkt, size_t len)
{
	uint8_t a[4];

	memcpy(a, pkt + 12, 4);
	memcpy(pkt + 12, pkt + 16, 4);
	memcpy(pkt + 16, a, 4);
	ah_icv(x, pkt, len, pkt + 32);
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
	frame[12] = 0x08;
	frame[13] = 0x00;
	memcpy(frame + RTE_ETHER_HDR_LEN, pkt, len);
	m = harness_mbuf(&H, frame, len + RTE_ETHER_HDR_LEN);
	assert_non_null(m);
	n = harness_send(&H, H_OUTSIDE, &m, 1, out, 1, &port);
	if (n == 1)
		assert_int_equal(port, H_INSIDE);
	return n;
}

static uint64_t
sa_pkts(enum cfg_dir dir, uint8_t proto)
{
	struct view_sa v[8];
	size_t n = dp_sa_list(H.dp, v, 8);

	for (size_t i = 0; i < n; i++)
		if (v[i].dir == dir && v[i].proto == proto)
			return v[i].ctr.v[DP_SA_CTR_pkts];
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
	assert_int_equal(sa_pkts(CFG_DIR_OUT, IPPROTO_AH), 2);
	assert_int_equal(sa_pkts(CFG_DIR_OUT, IPPROTO_ESP), 2);

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
			assert_true(ip4_cksum_ok(got, 20));
		}
		rte_pktmbuf_free(out);
	}
	assert_int_equal(sa_pkts(CFG_DIR_IN, IPPROTO_AH), 2);
	assert_int_equal(sa_pkts(CFG_DIR_IN, IPPROTO_ESP), 2);
	/* replayed whole: the AH window refuses it before the ESP is looked at */
	assert_int_equal(send_in(pkt[1], len[1], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

static void
test_round_trip(void **state)
{
	static const struct bundle_xf xs[] = {
		{DP_CIPHER_AES_GCM_256, DP_AUTH_NONE, DP_AUTH_HMAC_SHA256_128, false},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96, DP_AUTH_HMAC_SHA1_96, false},
		{DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA512_256, DP_AUTH_HMAC_SHA384_192, true},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, DP_AUTH_HMAC_SHA512_256, true},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, DP_AUTH_HMAC_SHA256_128, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		if (i > 0)
			assert_int_equal(harness_create(&H), 0);
		check_round_trip(&xs[i]);
		harness_destroy(&H);
	}
	assert_int_equal(harness_create(&H), 0);
}

static const struct bundle_xf cbc = {DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA256_128,
				     DP_AUTH_HMAC_SHA256_128, false};

/* A 20-byte IPv4 header's total length, and its checksum again. */
static void
set_length(uint8_t *ip, size_t len)
{
	uint16_t ck;

	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[10] = ip[11] = 0;
	ck = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
	memcpy(ip + 10, &ck, 2);
}

/* Each refused packet moves its own reason only; the genuine one after it still passes. */
static void
test_refused(void **state)
{
	enum { N = 6 };
	uint8_t pkt[N][PKT_MAX], inner[128], bad[PKT_MAX];
	size_t len[N], inner_len, ah = ah_len(&cbc);
	struct rte_mbuf *out = NULL;
	uint64_t total = 0;

	(void)state;
	assert_true(add_bundle(CFG_DIR_OUT, &cbc, ESP_SPI, AH_SPI) > 0);
	assert_true(add_bundle(CFG_DIR_IN, &cbc, ESP_SPI, AH_SPI) > 0);
	send_out(&cbc, N, pkt, len, inner, &inner_len);
	for (int i = 0; i < N; i++)
		reflect(&cbc, pkt[i], len[i]);

	/* AH ICV bad (signed with the real key, then one bit flipped): 62, no window moved */
	memcpy(bad, pkt[0], len[0]);
	bad[32] ^= 0x80;
	assert_int_equal(send_in(bad, len[0], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
	total++;

	/* AH good, next header IPv4 instead of ESP: 65 */
	memcpy(bad, pkt[0], len[0]);
	bad[20] = 4;
	ah_icv(&cbc, bad, len[0], bad + 32);
	assert_int_equal(send_in(bad, len[0], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH), 1);
	total++;

	/* AH good, ESP SPI of no bundle of ours: 30 */
	memcpy(bad, pkt[1], len[1]);
	bad[20 + ah + 3] ^= 0x02;
	ah_icv(&cbc, bad, len[1], bad + 32);
	assert_int_equal(send_in(bad, len[1], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 1);
	total++;

	/* AH good, ESP ICV bad: 62 (the ESP SA's) */
	memcpy(bad, pkt[2], len[2]);
	bad[len[2] - 1] ^= 0x01;
	ah_icv(&cbc, bad, len[2], bad + 32);
	assert_int_equal(send_in(bad, len[2], &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 2);
	total++;

	/* AH good (a number of its own), 4 bytes of ESP under it: 117, the ESP SA's */
	memcpy(bad, pkt[1], 20 + ah + 4);
	bad[31] = 10;
	set_length(bad, 20 + ah + 4);
	ah_icv(&cbc, bad, 20 + ah + 4, bad + 32);
	assert_int_equal(send_in(bad, 20 + ah + 4, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_ESP_TRUNCATED), 1);
	total++;

	/* the bundle's ESP alone, without its AH: 30, and its window does not move */
	memcpy(bad, pkt[3], 20);
	memcpy(bad + 20, pkt[3] + 20 + ah, len[3] - 20 - ah);
	bad[9] = IPPROTO_ESP;
	set_length(bad, len[3] - ah);
	assert_int_equal(send_in(bad, len[3] - ah, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL), 2);
	total++;
	assert_int_equal(harness_drops_total(&H), total);

	/* packets 3 (its ESP seen alone above), 4 and 5 as sent: all through */
	for (int i = 3; i < N; i++) {
		if (send_in(pkt[i], len[i], &out) != 1) {
			harness_dump_drops(&H);
			fail_msg("packet %d refused", i);
		}
		rte_pktmbuf_free(out);
	}
	assert_int_equal(harness_drops_total(&H), total);
}

/*
 * crypto ipsec fragmentation before-encryption (the default): a host's packet,
 * DF clear, too big for the tunnel once in ESP and AH, goes out as fragments,
 * each its own bundle packet (sequence numbers 1 and 2 in both headers, each
 * AH ICV right), no larger than the MTU; reflected, they come back out of
 * inside0 as the two fragments.
 */
static void
test_fragmented(void **state)
{
	uint8_t frame[1600], payload[1452] = {0}, pkt[2][PKT_MAX];
	struct rte_mbuf *in, *out[4];
	size_t flen, len[2], ah = ah_len(&cbc);
	uint16_t n;

	(void)state;
	assert_true(add_bundle(CFG_DIR_OUT, &cbc, ESP_SPI, AH_SPI) > 0);
	assert_true(add_bundle(CFG_DIR_IN, &cbc, ESP_SPI, AH_SPI) > 0);
	flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.9.7", IPPROTO_UDP, 64, payload,
				  sizeof(payload));
	mac_parse(H_INSIDE_MAC, frame);
	in = harness_mbuf(&H, frame, flen);
	n = harness_send(&H, H_INSIDE, &in, 1, out, 4, NULL);
	if (n != 2) {
		harness_dump_drops(&H);
		fail_msg("%u packets out, expected 2 fragments", n);
	}
	for (uint16_t i = 0; i < 2; i++) {
		const uint8_t *o = rte_pktmbuf_mtod(out[i], const uint8_t *) + RTE_ETHER_HDR_LEN;
		uint8_t icv[64];

		len[i] = out[i]->pkt_len - RTE_ETHER_HDR_LEN;
		assert_true(len[i] <= 1500 && len[i] <= sizeof(pkt[i]));
		assert_int_equal(o[9], IPPROTO_AH);
		assert_int_equal(o[20], IPPROTO_ESP);
		assert_int_equal(o[31], i + 1);		/* AH sequence number */
		assert_int_equal(o[20 + ah + 7], i + 1);	/* ESP sequence number */
		ah_icv(&cbc, o, len[i], icv);
		assert_memory_equal(o + 32, icv, dp_auth_info[cbc.ah_auth].icv_len);
		memcpy(pkt[i], o, len[i]);
		rte_pktmbuf_free(out[i]);
	}
	for (uint16_t i = 0; i < 2; i++) {
		struct rte_mbuf *back = NULL;
		const uint8_t *ip;

		reflect(&cbc, pkt[i], len[i]);
		assert_int_equal(send_in(pkt[i], len[i], &back), 1);
		ip = rte_pktmbuf_mtod(back, const uint8_t *) + RTE_ETHER_HDR_LEN;
		/* the first fragment says more follow, the second is the last */
		assert_int_equal(ip[6] & 0x20, i == 0 ? 0x20 : 0);
		rte_pktmbuf_free(back);
	}
	assert_int_equal(harness_drops_total(&H), 0);
}

/* A host's UDP packet of tot bytes (DF set or not) out through inside0; how many frames left. */
static uint16_t
send_host(uint16_t tot, bool df, struct rte_mbuf **out)
{
	static uint8_t payload[1600];
	uint8_t frame[1700];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + RTE_ETHER_HDR_LEN);
	size_t flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.9.7", IPPROTO_UDP, 64, payload,
					 tot - 20u);
	struct rte_mbuf *m;

	if (df) {
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	mac_parse(H_INSIDE_MAC, frame);
	m = harness_mbuf(&H, frame, flen);
	assert_non_null(m);
	return harness_send(&H, H_INSIDE, &m, 1, out, 4, NULL);
}

/*
 * The largest inner packet in the cbc bundle at MTU mtu: outer IPv4 20, AH 28, ESP header 8
 * and IV 16, the ciphertext (packet, pad length, next header) a multiple of 16, ICV 16.
 */
static uint16_t
cbc_bundle_plaintext(uint16_t mtu)
{
	return (uint16_t)(((mtu - 88u) & ~15u) - 2);
}

/*
 * Path MTU (RFC 1191): an ICMP 3/4 quoting the bundle's outer header names the AH
 * SA's SPI (protocol 51), and lowers the MTU the bundle encapsulates to; a host
 * sending DF is told the inner MTU under both headers, and the largest packet
 * that fits goes whole at exactly the new MTU.
 */
static void
test_path_mtu(void **state)
{
	struct rte_mbuf *out[4];
	uint32_t local, peer;
	uint16_t n;

	(void)state;
	assert_true(add_bundle(CFG_DIR_OUT, &cbc, ESP_SPI, AH_SPI) > 0);
	ip4_parse(H_LOCAL, &local);
	ip4_parse(H_PEER, &peer);
	/* at 1500 the largest inner packet goes whole */
	n = send_host(cbc_bundle_plaintext(1500), true, out);
	assert_int_equal(n, 1);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_AH, AH_SPI, 1400), 0);
	assert_int_equal(send_host(cbc_bundle_plaintext(1500), true, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT), 1);
	assert_int_equal(H.last_event.icmp_mtu, cbc_bundle_plaintext(1400));
	n = send_host(cbc_bundle_plaintext(1400), true, out);
	assert_int_equal(n, 1);
	assert_int_equal(rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *,
								  RTE_ETHER_HDR_LEN)->total_length),
			 1400);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(harness_drops_total(&H), 1);
}

/*
 * dp_sa_add: a bundle is an ESP SA added bundled, then one AH SA around it,
 * same direction and entry; a bundle's ESP SA never encrypts alone; deleting
 * either SA deletes both.
 */
static void
test_install(void **state)
{
	struct h_sa esp = {.dir = CFG_DIR_OUT, .spi = 0x6001, .cipher = DP_CIPHER_AES_GCM_128,
			   .replay_window = 64, .bundled = true};
	struct h_sa plain = {.dir = CFG_DIR_OUT, .spi = 0x6002, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa ah = {.dir = CFG_DIR_OUT, .spi = 0x6003, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128};
	uint8_t frame[128], payload[8] = {0};
	struct rte_mbuf *m, *out = NULL;
	int esp_id, plain_id, ah_id;
	struct h_sa s;
	size_t flen;

	(void)state;
	esp_id = harness_add_sa(&H, &esp);
	assert_true(esp_id > 0);
	plain_id = harness_add_sa(&H, &plain);
	assert_true(plain_id > 0);
	/* the plain SA took the policy (activate); the bundled one never does */
	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)esp_id), -EINVAL);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)plain_id), 0);
	/* the bundle's ESP SA alone: the policy has no SA to encrypt with (an acquire) */
	flen = harness_ipv4_frame(frame, "10.0.2.5", "10.0.9.7", IPPROTO_UDP, 64, payload,
				  sizeof(payload));
	mac_parse(H_INSIDE_MAC, frame);
	m = harness_mbuf(&H, frame, flen);
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 1);

	/* refused: around a plain ESP SA, around nothing, another direction, ESP around ESP */
	plain_id = harness_add_sa(&H, &plain);
	s = ah;
	s.inner_conn_id = (uint32_t)plain_id;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	s.inner_conn_id = 99999;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	s.inner_conn_id = (uint32_t)esp_id;
	s.dir = CFG_DIR_IN;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	s = plain;
	s.spi = 0x6004;
	s.inner_conn_id = (uint32_t)esp_id;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	/* a bundled AH, a bundled ESP in UDP: refused */
	s = ah;
	s.bundled = true;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	s = esp;
	s.spi = 0x6005;
	s.udp = true;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	assert_int_equal(dp_sa_count(H.dp), 2);

	/* the AH around it; a second AH around the same ESP SA is refused */
	s = ah;
	s.inner_conn_id = (uint32_t)esp_id;
	ah_id = harness_add_sa(&H, &s);
	assert_true(ah_id > 0);
	s.spi = 0x6006;
	assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	assert_int_equal(dp_sa_count(H.dp), 3);

	/* deleting the ESP SA takes its AH SA with it, and the other way round */
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)esp_id), 0);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)ah_id), -ENOENT);
	assert_int_equal(dp_sa_count(H.dp), 1);
	esp_id = harness_add_sa(&H, &esp);
	s = ah;
	s.inner_conn_id = (uint32_t)esp_id;
	ah_id = harness_add_sa(&H, &s);
	assert_true(ah_id > 0);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)ah_id), 0);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)esp_id), -ENOENT);
	assert_int_equal(dp_sa_count(H.dp), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmented, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
