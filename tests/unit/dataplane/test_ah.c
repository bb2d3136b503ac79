/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AH (RFC 4302), tunnel mode, IPv4, through the real worker path on net_ring
 * ports:
 *
 *   peer 192.0.2.1 --AH--> outside0 [dpsec] inside0 --> host 10.0.2.5
 *   peer 192.0.2.1 <--AH-- outside0 [dpsec] inside0 <-- host 10.0.2.5
 *
 * Inbound: known answers from gen_ah_vectors.py (Python's hmac and its own
 * reading of section 3.3.3.1: an outer header with TOS, DF and TTL set, one
 * mutable and one immutable option; ESN high bits appended) must decapsulate
 * to the vector's inner packet; one flipped ICV bit is 62 and moves nothing,
 * the genuine packet again is 19. Outbound: the ICV the gateway writes must be
 * OpenSSL's HMAC over this file's own zeroing of the packet it sent, and the
 * mutable fields it zeroed for the ICV must be back (TOS, DF, TTL, checksum).
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

#include "dpsec/hex.h"
#include "dpsec/ip4.h"

#include "ah.h"
#include "ah_ref.h"
#include "ah_vectors.h"
#include "esp_null.h"
#include "harness.h"
#include "ip4_cksum.h"

static struct harness H;

/* Crypto map VPN 10 protects the vectors' flow: 10.0.0.0/16 (inside) <-> 10.1.0.0/16. */
static const struct h_acl_line ah_acl[] = {{"10.0.0.0/16", "10.1.0.0/16", false}};

static int
hcreate(void)
{
	const struct h_opts o = {.acl = ah_acl, .n_acl = 1};

	return harness_create_opts(&H, &o);
}

static int
setup(void **state)
{
	(void)state;
	return hcreate();
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/* An Ethernet frame from the peer around an IPv4 packet. */
static size_t
from_peer(const uint8_t *ip, size_t len, uint8_t *frame)
{
	mac_parse(H_OUTSIDE_MAC, frame);
	mac_parse(H_PEER_MAC, frame + 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memcpy(frame + RTE_ETHER_HDR_LEN, ip, len);
	return RTE_ETHER_HDR_LEN + len;
}

/* One frame through outside0: 1 if it came out of inside0 as *out (caller frees). */
static uint16_t
send_outside(const uint8_t *frame, size_t len, struct rte_mbuf **out)
{
	struct rte_mbuf *m = harness_mbuf(&H, frame, len);
	uint16_t port = 99, n;

	assert_non_null(m);
	n = harness_send(&H, H_OUTSIDE, &m, 1, out, 1, &port);
	if (n == 1)
		assert_int_equal(port, H_INSIDE);
	return n;
}

static int
add_ah(enum cfg_dir dir, uint32_t spi, enum dp_auth a, bool esn, const uint8_t *key)
{
	struct h_sa s = {.dir = dir,
			 .spi = spi,
			 .proto = IPPROTO_AH,
			 .cipher = DP_CIPHER_NULL,
			 .auth = a,
			 .esn = esn,
			 .replay_window = 64,
			 .akey = key};

	return harness_add_sa(&H, &s);
}

static void
test_inbound_kats(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(ah_kats) / sizeof(ah_kats[0]); v++) {
		const struct ah_kat *k = &ah_kats[v];
		uint8_t key[64], pkt[512], frame[600], icv[32];
		size_t klen, plen, ilen, flen, hlen;
		const uint8_t *inner;
		struct rte_mbuf *out = NULL;

		assert_true(v == 0 || hcreate() == 0);
		assert_true(hex_decode(k->key, key, sizeof(key), &klen));
		assert_true(hex_decode(k->packet, pkt, sizeof(pkt), &plen));
		assert_true(hex_decode(k->icv, icv, sizeof(icv), &ilen));
		assert_int_equal(klen, dp_auth_info[k->auth].key_len);
		assert_true(add_ah(CFG_DIR_IN, k->spi, k->auth, k->esn, key) > 0);
		hlen = (12 + ilen + 3) & ~3u;
		inner = pkt + k->outer_hl + hlen;

		/* a forgery first: dropped as 62, and it moves no window */
		pkt[k->outer_hl + 12] ^= 0x01;
		flen = from_peer(pkt, plen, frame);
		assert_int_equal(send_outside(frame, flen, &out), 0);
		assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
		pkt[k->outer_hl + 12] ^= 0x01;

		flen = from_peer(pkt, plen, frame);
		if (send_outside(frame, flen, &out) != 1) {
			harness_dump_drops(&H);
			fail_msg("%s: not forwarded", k->name);
		}
		/* the inner packet, TTL one lower, checksum patched */
		assert_int_equal(out->pkt_len, RTE_ETHER_HDR_LEN + (plen - k->outer_hl - hlen));
		{
			const uint8_t *got =
				rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;

			assert_memory_equal(got, inner, 8);
			assert_int_equal(got[8], inner[8] - 1);
			assert_memory_equal(got + 12, inner + 12, plen - k->outer_hl - hlen - 12);
			assert_true(ip4_cksum_ok(got, 20));
		}
		rte_pktmbuf_free(out);

		flen = from_peer(pkt, plen, frame);
		assert_int_equal(send_outside(frame, flen, &out), 0);
		assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL), 1);
		assert_int_equal(harness_drops_total(&H), 2);
		harness_destroy(&H);
	}
	assert_int_equal(hcreate(), 0); /* for teardown */
}

/* This file's own RFC 4302 section 3.3.3.1.1.1 zeroing of a 20-byte header. */
static void
zero_for_icv(uint8_t *ip, size_t icv_len)
{
	ip[1] = 0;
	ip[6] = ip[7] = 0;
	ip[8] = 0;
	ip[10] = ip[11] = 0;
	memset(ip + 20 + 12, 0, icv_len);
}

static void
check_outbound(enum dp_auth a, bool esn)
{
	static const uint8_t key[64] = {0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	size_t icv_len = dp_auth_info[a].icv_len;
	uint8_t frame[256], copy[300], want[64];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + RTE_ETHER_HDR_LEN);
	struct rte_mbuf *in, *out = NULL;
	unsigned int wlen = 0;
	uint16_t port = 99;
	size_t len, olen;
	const uint8_t *o;

	assert_true(add_ah(CFG_DIR_OUT, 0x3000, a, esn, key) > 0);
	static const uint8_t payload[40] = {1, 2, 3, 4, 5, 6, 7, 8};

	len = harness_ipv4_frame(frame, "10.0.2.5", "10.1.0.7", IPPROTO_UDP, 64, payload,
				 sizeof(payload));
	ip->type_of_service = 0xb9;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	mac_parse(H_INSIDE_MAC, frame);
	in = harness_mbuf(&H, frame, len);
	assert_int_equal(harness_send(&H, H_INSIDE, &in, 1, &out, 1, &port), 1);
	assert_int_equal(port, H_OUTSIDE);

	o = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
	olen = out->pkt_len - RTE_ETHER_HDR_LEN;
	assert_int_equal(olen, 20 + 12 + icv_len + (len - RTE_ETHER_HDR_LEN));
	assert_int_equal(o[9], IPPROTO_AH);
	assert_int_equal(o[1], 0xb9);	     /* TOS copied from the inner header */
	assert_int_equal(o[6] & 0x40, 0x40); /* DF copied */
	assert_int_equal(o[8], 64);	     /* TTL */
	assert_true(ip4_cksum_ok(o, 20));
	assert_int_equal(o[20], 4); /* next header: IPv4 */
	assert_int_equal((o[21] + 2) * 4, 12 + icv_len);
	assert_int_equal(o[22] | o[23], 0);
	assert_int_equal(o[24] << 24 | o[25] << 16 | o[26] << 8 | o[27], 0x3000);
	assert_int_equal(o[31], 1); /* the first sequence number */
	assert_memory_equal(o + 20 + 12 + icv_len, frame + RTE_ETHER_HDR_LEN, 8);

	memcpy(copy, o, olen);
	zero_for_icv(copy, icv_len);
	if (esn)
		memset(copy + olen, 0, 4); /* high bits of sequence number 1 */
	HMAC(ah_ref_md(a), key, dp_auth_info[a].key_len, copy, olen + (esn ? 4 : 0), want, &wlen);
	assert_memory_equal(o + 20 + 12, want, icv_len);
	rte_pktmbuf_free(out);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_outbound(void **state)
{
	static const enum dp_auth auths[] = {DP_AUTH_HMAC_SHA1_96, DP_AUTH_HMAC_SHA256_128,
					     DP_AUTH_HMAC_SHA384_192, DP_AUTH_HMAC_SHA512_256};

	(void)state;
	for (size_t i = 0; i < 8; i++) {
		if (i > 0)
			assert_int_equal(hcreate(), 0);
		check_outbound(auths[i / 2], i % 2);
		harness_destroy(&H);
	}
	assert_int_equal(hcreate(), 0);
}

/* ah_zero_mutable: RFC 4302 appendix A.1, options as units, bad lengths refused. */
static void
test_zero_mutable(void **state)
{
	static const struct {
		const char *name;
		uint8_t opts[12];
		uint8_t n;
		bool ok;
		uint8_t want[12];
	} cases[] = {
		{"rr zeroed, ra kept, nop kept",
		 {1, 7, 7, 4, 1, 2, 3, 4, 148, 4, 0, 0},
		 12,
		 true,
		 {1, 0, 0, 0, 0, 0, 0, 0, 148, 4, 0, 0}},
		{"security kept, timestamp zeroed",
		 {130, 3, 9, 68, 5, 1, 2, 3, 0, 0, 0, 0},
		 12,
		 true,
		 {130, 3, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"after end of list: as it is",
		 {0, 7, 7, 4, 0, 0, 0, 0},
		 8,
		 true,
		 {0, 7, 7, 4, 0, 0, 0, 0}},
		{"length 1", {68, 1, 0, 0}, 4, false, {0}},
		{"length past the header", {7, 9, 0, 0}, 4, false, {0}},
		{"type in the last byte", {1, 1, 1, 7}, 4, false, {0}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[32] = {0};
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->version_ihl = (uint8_t)(0x40 | (20 + cases[i].n) / 4);
		ip->type_of_service = 0xfc;
		ip->fragment_offset = rte_cpu_to_be_16(0x4000 | 12);
		ip->time_to_live = 9;
		ip->hdr_checksum = 0xbeef;
		ip->src_addr = 0x01020304;
		memcpy(b + 20, cases[i].opts, cases[i].n);
		if (ah_zero_mutable(ip) != cases[i].ok)
			fail_msg("%s: verdict", cases[i].name);
		if (!cases[i].ok)
			continue;
		assert_int_equal(ip->type_of_service | ip->fragment_offset | ip->time_to_live |
					 ip->hdr_checksum,
				 0);
		assert_int_equal(ip->src_addr, 0x01020304); /* immutable */
		if (memcmp(b + 20, cases[i].want, cases[i].n) != 0)
			fail_msg("%s: options", cases[i].name);
	}
}

/*
 * With ESN the ICV input has the high bits appended past the packet: a frame
 * that ends at its buffer's end has no room, and is dropped (20) rather than
 * hashed over whatever follows. The same packet with room passes.
 */
static void
test_esn_no_room(void **state)
{
	const struct ah_kat *k = &ah_kats[4]; /* sha256, ESN */
	uint8_t key[64], pkt[512], frame[600];
	size_t klen, plen, flen;
	struct rte_mbuf *m, *out = NULL;
	uint16_t port = 99;

	(void)state;
	assert_true(k->esn);
	assert_true(hex_decode(k->key, key, sizeof(key), &klen));
	assert_true(hex_decode(k->packet, pkt, sizeof(pkt), &plen));
	assert_true(add_ah(CFG_DIR_IN, k->spi, k->auth, true, key) > 0);
	flen = from_peer(pkt, plen, frame);
	m = rte_pktmbuf_alloc(H.dp->pool);
	assert_non_null(m);
	m->data_off = (uint16_t)(m->buf_len - flen);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, flen);
	m->data_len = (uint16_t)flen;
	m->pkt_len = (uint32_t)flen;
	assert_int_equal(rte_pktmbuf_tailroom(m), 0);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, &port), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION), 1);
	assert_int_equal(send_outside(frame, flen, &out), 1);
	rte_pktmbuf_free(out);
}

/*
 * Outbound with ESN, the high bits go past the packet's end for the HMAC: a
 * host's frame that ends at its buffer's end leaves no room and is dropped
 * (110, no buffer room), not hashed over what follows; with room it goes.
 */
static void
test_esn_no_room_outbound(void **state)
{
	static const uint8_t key[32] = {7};
	static const uint8_t payload[100] = {1};
	uint8_t frame[256];
	struct rte_mbuf *m, *out = NULL;
	uint16_t port = 99;
	size_t len;

	(void)state;
	assert_true(add_ah(CFG_DIR_OUT, 0x3000, DP_AUTH_HMAC_SHA1_96, true, key) > 0);
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.1.0.7", IPPROTO_UDP, 64, payload,
				 sizeof(payload));
	mac_parse(H_INSIDE_MAC, frame);
	m = rte_pktmbuf_alloc(H.dp->pool);
	assert_non_null(m);
	m->data_off = (uint16_t)(m->buf_len - len);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, &port), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_PKT_BUFFER_UNAVAILABLE), 1);
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, &port), 1);
	assert_int_equal(port, H_OUTSIDE);
	/* the first packet to leave: the dropped one took no sequence number */
	assert_int_equal(rte_pktmbuf_mtod(out, uint8_t *)[RTE_ETHER_HDR_LEN + 20 + 11], 1);
	rte_pktmbuf_free(out);
}

/* dp_sa_add refuses an AH SA with a cipher, without an HMAC, in UDP, or another protocol. */
static void
test_install_refusals(void **state)
{
	static const struct {
		uint8_t proto;
		enum dp_cipher c;
		enum dp_auth a;
		bool udp;
	} bad[] = {
		{IPPROTO_AH, DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96, false},
		{IPPROTO_AH, DP_CIPHER_NULL, DP_AUTH_NONE, false},
		{IPPROTO_AH, DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, true},
		{IPPROTO_UDP, DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, false},
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		struct h_sa s = {.dir = CFG_DIR_IN, .spi = 0x5000 + (uint32_t)i,
				 .proto = bad[i].proto, .cipher = bad[i].c, .auth = bad[i].a,
				 .udp = bad[i].udp, .replay_window = 64};

		assert_int_equal(harness_add_sa(&H, &s), -EINVAL);
	}
	assert_int_equal(dp_sa_count(H.dp), 0);
}

/* ESP and AH SPIs are separate (RFC 4301 4.1): an AH SA's SPI in ESP is unknown, and back. */
static void
test_spi_spaces(void **state)
{
	const struct ah_kat *k = &ah_kats[1];
	uint8_t key[64], pkt[512], frame[600];
	size_t klen, plen, flen;
	struct rte_mbuf *m, *out = NULL;
	uint16_t port;
	struct h_sa esp = {.dir = CFG_DIR_IN,
			   .spi = 0x7777,
			   .cipher = DP_CIPHER_AES_GCM_128,
			   .replay_window = 64};

	(void)state;
	assert_true(hex_decode(k->key, key, sizeof(key), &klen));
	assert_true(hex_decode(k->packet, pkt, sizeof(pkt), &plen));
	assert_true(add_ah(CFG_DIR_IN, k->spi, k->auth, false, key) > 0);
	assert_true(harness_add_sa(&H, &esp) > 0);
	m = harness_esp(&H, H_PEER, k->spi, 1);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, &port), 0);
	pkt[24] = 0; /* the AH SPI becomes 0x7777, the ESP SA's */
	pkt[25] = 0;
	pkt[26] = 0x77;
	pkt[27] = 0x77;
	flen = from_peer(pkt, plen, frame);
	assert_int_equal(send_outside(frame, flen, &out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), 2);
	assert_int_equal(harness_drops_total(&H), 2);
	/* the invalid-SPI event, raised where 4 is counted, names AH (prot=51) and its SPI */
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	assert_int_equal(H.last_event.type, DP_EV_INVALID_SPI);
	assert_int_equal(H.last_event.proto, IPPROTO_AH);
	assert_int_equal(H.last_event.spi, 0x7777);
}

/*
 * ESP and AH in one burst (worker.c splits it for esp_in_burst and
 * ah_in_burst): the good packets of both come out, each bad one is counted
 * once under its own reason, and every mbuf is either sent or freed.
 */
static void
test_mixed_burst(void **state)
{
	const struct ah_kat *k = &ah_kats[1];	/* sha256, inner 10.1.0.7 -> 10.0.2.5 */
	uint8_t key[64], pkt[512], frame[600], pt[256];
	size_t klen, plen, flen, ptlen;
	struct rte_mbuf *in[6], *out[8];
	unsigned int avail = rte_mempool_avail_count(H.dp->pool);
	uint16_t n;

	(void)state;
	assert_true(hex_decode(k->key, key, sizeof(key), &klen));
	assert_true(hex_decode(k->packet, pkt, sizeof(pkt), &plen));
	assert_true(add_ah(CFG_DIR_IN, k->spi, k->auth, false, key) > 0);
	assert_true(esp_null_sa(&H) > 0);
	/* the AH vector's inner packet, carried by ESP too */
	ptlen = esp_null_plaintext(pt, pkt + k->outer_hl + 12 + 16, plen - k->outer_hl - 28);
	flen = from_peer(pkt, plen, frame);
	in[0] = esp_null_frame(&H, 1, pt, ptlen);		/* ESP, good */
	in[1] = harness_mbuf(&H, frame, flen);			/* AH, good */
	in[2] = harness_esp(&H, H_PEER, 0xdead, 1);		/* ESP, unknown SPI: 4 */
	frame[RTE_ETHER_HDR_LEN + k->outer_hl + 11] = 9;
	in[3] = harness_mbuf(&H, frame, flen);			/* AH, seq 7 -> 9: ICV wrong, 62 */
	in[4] = esp_null_frame(&H, 1, pt, ptlen);		/* ESP, replayed: 19 */
	frame[RTE_ETHER_HDR_LEN + k->outer_hl + 11] = 7;
	in[5] = harness_mbuf(&H, frame, flen);			/* AH, replayed: 19 */
	for (int i = 0; i < 6; i++)
		assert_non_null(in[i]);
	n = harness_send(&H, H_OUTSIDE, in, 6, out, RTE_DIM(out), NULL);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL), 2);
	assert_int_equal(harness_drops_total(&H), 4);
	assert_int_equal(rte_mempool_avail_count(H.dp->pool), avail);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inbound_kats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound, setup, teardown),
		cmocka_unit_test(test_zero_mutable),
		cmocka_unit_test_setup_teardown(test_esn_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esn_no_room_outbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_burst, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
