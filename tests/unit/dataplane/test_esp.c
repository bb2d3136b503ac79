/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP through the real worker path (classify -> esp_out/esp_in -> TX), on
 * net_ring ports:
 *
 *   host 10.0.2.5 --inside0--> [dpsec] --outside0--> ESP to 192.0.2.1
 *   ESP from 192.0.2.1 --outside0--> [dpsec] --inside0--> host
 *
 * Round trips for every transform (with and without ESN and UDP
 * encapsulation), and each drop reason the ESP stages decide, provoked by a
 * crafted packet with its counter checked. Tampered packets for the trailer
 * checks are signed with OpenSSL's HMAC (esp_null.h, an independent implementation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dpsec/ip4.h"

#include "esp.h"
#include "esp_null.h"
#include "harness.h"
#include "sa.h"
#include "sad.h"
#include "spd.h"

static struct harness H;

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

/* Build a plain frame from a protected host and send it through inside0. */
static struct rte_mbuf *
encap_one(const char *src, const char *dst, uint8_t ttl, size_t plen, uint16_t *port)
{
	uint8_t frame[2048], payload[1600];
	struct rte_mbuf *in, *out = NULL;
	size_t len;

	for (size_t i = 0; i < plen; i++)
		payload[i] = (uint8_t)(i * 13 + 1);
	len = harness_ipv4_frame(frame, src, dst, IPPROTO_UDP, ttl, payload, plen);
	in = harness_mbuf(&H, frame, len);
	assert_non_null(in);
	if (harness_send(&H, H_INSIDE, &in, 1, &out, 1, port) == 0)
		return NULL;
	return out;
}

static struct rte_mbuf *
decap_one(struct rte_mbuf *esp, uint16_t *port)
{
	struct rte_mbuf *out = NULL;

	if (harness_send(&H, H_OUTSIDE, &esp, 1, &out, 1, port) == 0)
		return NULL;
	return out;
}

struct xf {
	enum dp_cipher c;
	enum dp_auth a;
	bool esn, udp;
};

/*
 * Inbound, the UDP checksum is not looked at: zero (what we and RFC 3948
 * senders send), a right one, and a wrong one (a NAT that rewrote a port and
 * not the sum) all pass, since the ESP ICV protects the payload and the SA
 * lookup the addresses. Which one, by the packet size, so all three are run.
 */
static void
udp_cksum_variant(struct rte_ipv4_hdr *oip, struct rte_udp_hdr *u, size_t plen)
{
	if (plen % 3 == 1) {
		u->dgram_cksum = rte_ipv4_udptcp_cksum(oip, u);
		assert_int_not_equal(u->dgram_cksum, 0);
	} else if (plen % 3 == 2) {
		u->dgram_cksum = (uint16_t)(rte_ipv4_udptcp_cksum(oip, u) ^ 0x5555);
	}
}

static void
round_trip(const struct xf *x, size_t plen)
{
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x1001, .cipher = x->c, .auth = x->a,
			   .esn = x->esn, .udp = x->udp};
	struct h_sa in = out;
	uint16_t port = 99;
	struct rte_mbuf *esp, *plain;
	struct rte_ipv4_hdr *oip;
	const struct rte_ipv4_hdr *iip;
	const uint8_t *p;
	uint32_t hdr;

	in.dir = CFG_DIR_IN;
	in.replay_window = 64;
	assert_true(harness_add_sa(&H, &out) > 0);
	assert_true(harness_add_sa(&H, &in) > 0);

	esp = encap_one("10.0.2.5", "10.0.0.7", 64, plen, &port);
	if (esp == NULL) {
		harness_dump_drops(&H);
		fail_msg("round trip %s/%s esn=%d udp=%d len=%zu: not encapsulated",
			 dp_cipher_info[x->c].ios, dp_auth_info[x->a].ios, x->esn, x->udp, plen);
	}
	assert_int_equal(port, H_OUTSIDE);
	oip = rte_pktmbuf_mtod_offset(esp, struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_raw_cksum(oip, 20), 0xffff);
	assert_int_equal(oip->next_proto_id, x->udp ? IPPROTO_UDP : IPPROTO_ESP);
	hdr = 14 + 20 + (x->udp ? 8 : 0);
	p = rte_pktmbuf_mtod_offset(esp, const uint8_t *, hdr);
	assert_int_equal(p[3], 0x01);	/* SPI 0x1001 */
	assert_int_equal(p[7], 1);	/* first sequence number */
	/* the ciphertext (payload, padding, 2 trailer bytes) fills whole cipher blocks */
	assert_int_equal((rte_be_to_cpu_16(oip->total_length) - (hdr - 14) - 8 -
			  dp_cipher_info[x->c].iv_len - dp_xform_icv_len(x->c, x->a)) %
				 dp_cipher_info[x->c].block,
			 0);
	if (x->udp) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(oip + 1);

		/* RFC 3948 section 2.1: the UDP checksum SHOULD be zero */
		assert_int_equal(u->dgram_cksum, 0);
		udp_cksum_variant(oip, u, plen);
	}

	harness_reflect(esp);
	plain = decap_one(esp, &port);
	if (plain == NULL) {
		harness_dump_drops(&H);
		fail_msg("round trip %s/%s esn=%d udp=%d len=%zu: not decapsulated",
			 dp_cipher_info[x->c].ios, dp_auth_info[x->a].ios, x->esn, x->udp, plen);
	}
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(plain->pkt_len, 14 + 20 + plen);
	iip = rte_pktmbuf_mtod_offset(plain, struct rte_ipv4_hdr *, 14);
	assert_int_equal(iip->time_to_live, 62);	/* forwarded twice */
	assert_int_equal(rte_raw_cksum(iip, 20), 0xffff);
	p = (const uint8_t *)(iip + 1);
	for (size_t i = 0; i < plen; i++)
		assert_int_equal(p[i], (uint8_t)(i * 13 + 1));
	rte_pktmbuf_free(plain);
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

static void
test_round_trips(void **state)
{
	static const struct xf xfs[] = {
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false, false},
		{DP_CIPHER_AES_GCM_256, DP_AUTH_NONE, false, false},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, true, false},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false, true},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96, false, false},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128, false, false},
		{DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA256_128, true, false},
		{DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA512_256, false, true},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, false, false},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA1_96, true, false},
	};
	/* 1380: the largest that fits a 1500 MTU with every transform (CBC + SHA-512 in UDP) */
	static const size_t sizes[] = {0, 1, 17, 64, 1380};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(xfs); i++)
		for (size_t s = 0; s < RTE_DIM(sizes); s++)
			round_trip(&xfs[i], sizes[s]);
}

/* One inbound GCM SA and its outbound twin; returns a fresh ESP packet from the peer. */
static struct rte_mbuf *
gcm_pair_and_packet(bool udp)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128,
			 .udp = udp};
	struct rte_mbuf *esp;

	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	esp = encap_one("10.0.2.5", "10.0.0.7", 64, 100, NULL);
	assert_non_null(esp);
	harness_reflect(esp);
	return esp;
}

static void
cleanup_sas(void)
{
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

static void
expect_drop(struct rte_mbuf *m, uint16_t pi, dp_drop_t code)
{
	uint64_t before = harness_drops(&H, code);
	struct rte_mbuf *out = NULL;

	assert_int_equal(harness_send(&H, pi, &m, 1, &out, 1, NULL), 0);
	if (harness_drops(&H, code) != before + 1)
		fail_msg("expected one drop as %s", dp_drop_info[code].name);
}

static void
test_unknown_spi(void **state)
{
	struct rte_mbuf *esp = gcm_pair_and_packet(false);
	uint8_t *p = rte_pktmbuf_mtod_offset(esp, uint8_t *, 34);

	(void)state;
	p[0] ^= 0xff;	/* an SPI nobody installed */
	expect_drop(esp, H_OUTSIDE, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI);
	cleanup_sas();
}

static void
test_mac_failure_and_replay(void **state)
{
	struct rte_mbuf *esp = gcm_pair_and_packet(false), *copy, *out = NULL;
	uint8_t *p;

	(void)state;
	copy = rte_pktmbuf_copy(esp, H.dp->pool, 0, UINT32_MAX);
	p = rte_pktmbuf_mtod_offset(esp, uint8_t *, esp->pkt_len - 20);
	p[0] ^= 1;	/* ciphertext bit flip */
	expect_drop(esp, H_OUTSIDE, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
	/* the forged copy did not move the window: the genuine one passes once */
	esp = rte_pktmbuf_copy(copy, H.dp->pool, 0, UINT32_MAX);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp, 1, &out, 1, NULL), 1);
	rte_pktmbuf_free(out);
	expect_drop(copy, H_OUTSIDE, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL);
	cleanup_sas();
}

static void
test_nat_demux(void **state)
{
	struct rte_mbuf *esp;
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128,
			 .udp = true, .replay_window = 64};

	(void)state;
	/* raw ESP arrives for an SA that expects ESP-in-UDP */
	esp = gcm_pair_and_packet(false);
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
	assert_true(harness_add_sa(&H, &s) > 0);
	expect_drop(esp, H_OUTSIDE, DP_DROP_IN_NAT_DEMUX_FAIL);
	cleanup_sas();
}

static void
test_invalid_sa(void **state)
{
	struct rte_mbuf *esp = gcm_pair_and_packet(false);
	struct sa_rt *out_sa = spd_out_sa(H.dp->spd, 0);
	struct rte_mbuf *plain;
	uint8_t frame[256], pl[8] = {0};
	size_t len;

	(void)state;
	/* what a worker sees while the control thread is deleting the SAs */
	__atomic_store_n(&out_sa->state, SA_DYING, __ATOMIC_RELAXED);
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, sizeof(pl));
	plain = harness_mbuf(&H, frame, len);
	expect_drop(plain, H_INSIDE, DP_DROP_OUT_V4_PKT_HIT_INVALID_SA);
	{
		struct sa *sa;

		TAILQ_FOREACH(sa, sad_live(H.dp->sad), link)
			if (sa->dir == CFG_DIR_IN)
				__atomic_store_n(&sa->rt->state, SA_DYING, __ATOMIC_RELAXED);
	}
	expect_drop(esp, H_OUTSIDE, DP_DROP_IN_V4_PKT_HIT_INVALID_SA);
	cleanup_sas();
}

static void
test_outbound_drops(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x3003, .cipher = DP_CIPHER_AES_GCM_128};
	uint8_t frame[2048], pl[1600] = {0};
	struct sa_rt *rt;
	size_t len;

	(void)state;
	/* no SA yet for the matching entry: IKE would be asked for one */
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 8);
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP);
	assert_true(harness_add_sa(&H, &s) > 0);
	/* no crypto map line matches */
	len = harness_ipv4_frame(frame, "10.9.9.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 8);
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_G_Ipv4NoRoute);
	/* TTL would expire */
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1, pl, 8);
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_G_Ipv4TtlExceeded);
	/*
	 * too big for the 1500-byte MTU once encapsulated: DF clear, it is
	 * fragmented (test_esp_frag.c) unless its options cannot be walked
	 * (an option of length 0); DF set, dropped
	 */
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 1456);
	{
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);

		memmove(frame + 14 + 24, frame + 14 + 20, len - 14 - 20);
		memcpy(frame + 14 + 20, (const uint8_t[]){7, 0, 0, 0}, 4);
		len += 4;
		ip->version_ihl = 0x46;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_OUT_INFRA_V4_PKT_LEN_TOO_BIG);
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 1460);
	((struct rte_ipv4_hdr *)(frame + 14))->fragment_offset =
		rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	((struct rte_ipv4_hdr *)(frame + 14))->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)(frame + 14))->hdr_checksum =
		rte_ipv4_cksum((struct rte_ipv4_hdr *)(frame + 14));
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT);
	/* the sequence number never wraps (RFC 4303 section 3.3.3) */
	rt = spd_out_sa(H.dp->spd, 0);
	rt->seq = UINT32_MAX - 1;
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 8);
	{
		struct rte_mbuf *m = harness_mbuf(&H, frame, len), *out = NULL;

		assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, NULL), 1);
		rte_pktmbuf_free(out);
	}
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE,
		    DP_DROP_OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW);
	assert_int_equal(rt->ctr.v[DP_SA_CTR_seq_rollover], 1);
	cleanup_sas();
}

/* A host's frame in a fresh mbuf whose data starts at data_off (the buffer's room around it). */
static struct rte_mbuf *
frame_at(const uint8_t *frame, size_t len, uint16_t data_off)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(H.dp->pool);

	assert_non_null(m);
	m->data_off = data_off;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return m;
}

/*
 * The room ESP is built in, for AES-GCM (its own instance of the outbound
 * code) and CBC + HMAC: no headroom for the outer headers, or no tailroom
 * for the trailer, is 110 PKT_BUFFER_UNAVAILABLE and takes no sequence
 * number; bytes after the IP packet (a short frame's Ethernet padding) are
 * room for the trailer and do not go out; a chained mbuf (classify drops
 * those from ports: handed to the stage itself here) is 110 too, as ESP is
 * made in place in one segment.
 */
static void
test_outbound_buffer_room(void **state)
{
	static const struct xf xfs[] = {{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false, false},
					{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128, false,
					 false}};
	uint16_t room = rte_pktmbuf_data_room_size(H.dp->pool);
	uint8_t frame[256], pl[64] = {1};

	(void)state;
	for (size_t x = 0; x < RTE_DIM(xfs); x++) {
		struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x3100, .cipher = xfs[x].c,
				 .auth = xfs[x].a};
		uint32_t iv = dp_cipher_info[xfs[x].c].iv_len;
		uint32_t icv = dp_xform_icv_len(xfs[x].c, xfs[x].a);
		uint32_t blk = dp_cipher_info[xfs[x].c].block, tot = 20 + sizeof(pl);
		uint32_t pad = (blk - (tot + 2) % blk) % blk;
		size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl,
						sizeof(pl));
		struct rte_mbuf *m, *tail, *out = NULL;
		dp_drop_t why = DP_KEEP;
		struct sa_rt *rt;

		mac_parse(H_INSIDE_MAC, frame);
		assert_true(harness_add_sa(&H, &s) > 0);
		rt = spd_out_sa(H.dp->spd, 0);
		expect_drop(frame_at(frame, len, 0), H_INSIDE, DP_DROP_PKT_BUFFER_UNAVAILABLE);
		expect_drop(frame_at(frame, len, (uint16_t)(room - len)), H_INSIDE,
			    DP_DROP_PKT_BUFFER_UNAVAILABLE);
		assert_int_equal(rt->seq, 0);
		/* 20 bytes of padding after the IP packet: room, trimmed */
		memset(frame + len, 0xee, 20);
		m = frame_at(frame, len + 20, RTE_PKTMBUF_HEADROOM);
		assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, NULL), 1);
		assert_int_equal(out->pkt_len, 14 + 20 + 8 + iv + tot + pad + 2 + icv);
		assert_int_equal(out->data_len, out->pkt_len);
		rte_pktmbuf_free(out);
		assert_int_equal(rt->seq, 1);
		/* two segments, straight into the stage */
		m = frame_at(frame, len - 8, RTE_PKTMBUF_HEADROOM);
		tail = frame_at(frame + len - 8, 8, RTE_PKTMBUF_HEADROOM);
		assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 20;
		assert_int_equal(esp_out_burst(H.w, &m, 1, &why), 0);
		assert_int_equal(why, DP_DROP_PKT_BUFFER_UNAVAILABLE);
		rte_pktmbuf_free(m);
		assert_int_equal(rt->seq, 1);
		cleanup_sas();
	}
}

/* ESP-NULL + HMAC-SHA-256 (esp_null.h), to hit the checks that run after authentication. */
static struct rte_mbuf *
null_esp(uint32_t seq, const uint8_t *pt, size_t pt_len)
{
	struct rte_mbuf *m = esp_null_frame(&H, seq, pt, pt_len);

	assert_non_null(m);
	return m;
}

/* An inner IPv4 packet 10.0.0.7 -> 10.0.2.5 with 8 bytes of payload, then the trailer. */
static size_t
inner_with_trailer(uint8_t *pt, uint8_t pad, uint8_t nh, bool bad_pad_byte)
{
	uint8_t frame[64], pl[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	size_t n = harness_ipv4_frame(frame, "10.0.0.7", "10.0.2.5", IPPROTO_UDP, 64, pl, 8) - 14;

	memcpy(pt, frame + 14, n);
	for (uint8_t i = 0; i < pad; i++)
		pt[n + i] = (uint8_t)(i + 1);
	if (bad_pad_byte && pad > 0)
		pt[n + pad - 1] ^= 0x80;
	pt[n + pad] = pad;
	pt[n + pad + 1] = nh;
	return n + pad + 2;
}

static void
test_trailer_checks(void **state)
{
	uint8_t pt[256];
	size_t n;
	struct rte_mbuf *m, *out = NULL;

	(void)state;
	assert_true(esp_null_sa(&H) > 0);

	/* control: a well-formed packet is forwarded */
	n = inner_with_trailer(pt, 2, 4, false);
	m = null_esp(1, pt, n);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, NULL), 1);
	rte_pktmbuf_free(out);

	n = inner_with_trailer(pt, 2, 4, true);
	expect_drop(null_esp(2, pt, n), H_OUTSIDE, DP_DROP_CD_SW_PAD_MISMATCH);
	n = inner_with_trailer(pt, 2, 4, false);
	pt[n - 2] = 200;	/* pad length beyond the payload */
	expect_drop(null_esp(3, pt, n), H_OUTSIDE, DP_DROP_IN_PKT_HEADPAD_LEN_ERR);
	n = inner_with_trailer(pt, 2, 6, false);	/* TCP: transport mode, not this tunnel */
	expect_drop(null_esp(4, pt, n), H_OUTSIDE, DP_DROP_IN_CD_SW_IPSEC_NH_MISMATCH);
	n = inner_with_trailer(pt, 2, 59, false);	/* dummy packet: consumed */
	expect_drop(null_esp(5, pt, n), H_OUTSIDE, DP_DROP_G_IpsecDummyPacket);
	n = inner_with_trailer(pt, 2, 4, false);
	pt[0] = 0x65;	/* version 6 in an IPv4 next header */
	expect_drop(null_esp(6, pt, n), H_OUTSIDE, DP_DROP_IN_PKT_IPVER_INVALID);
	n = inner_with_trailer(pt, 2, 4, false);
	pt[12] = 10;
	pt[13] = 9;
	pt[14] = 0;	/* inner source 10.9.0.7: outside the SA's selectors */
	((struct rte_ipv4_hdr *)pt)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)pt)->hdr_checksum = rte_ipv4_cksum((struct rte_ipv4_hdr *)pt);
	expect_drop(null_esp(7, pt, n), H_OUTSIDE, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	/* for the gateway's own inside address: not forwarded to the LAN */
	n = inner_with_trailer(pt, 2, 4, false);
	pt[19] = 1;	/* inner destination 10.0.2.1 */
	((struct rte_ipv4_hdr *)pt)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)pt)->hdr_checksum = rte_ipv4_cksum((struct rte_ipv4_hdr *)pt);
	expect_drop(null_esp(10, pt, n), H_OUTSIDE, DP_DROP_G_PuntUnhandled);
	/* lengths: ciphertext not 4-aligned, and too short to hold a trailer */
	n = inner_with_trailer(pt, 1, 4, false);
	expect_drop(null_esp(8, pt, n), H_OUTSIDE, DP_DROP_IN_ESP_BAD_BLOCK_LEN);
	expect_drop(null_esp(9, pt, 1), H_OUTSIDE, DP_DROP_IN_ESP_TRUNCATED);
	/* sequence number far left of the window after the ones above */
	n = inner_with_trailer(pt, 2, 4, false);
	m = null_esp(1000, pt, n);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, NULL), 1);
	rte_pktmbuf_free(out);
	expect_drop(null_esp(900, pt, n), H_OUTSIDE, DP_DROP_CD_IN_PKT_OUT_OF_WINDOW);
	cleanup_sas();
}

/*
 * A deny line of the crypto map: the packet is not protected, and with no
 * cleartext path it is dropped as 35 OUT_V4_PKT_HIT_DENY_DROP_SP (global
 * IpsecDenyDrop). The first matching line decides; the SA counts nothing.
 */
static void
test_deny_line(void **state)
{
	static const struct h_acl_line lines[] = {{"10.0.2.9/32", "10.0.0.0/16", true},
						  {"10.0.0.0/16", "10.0.0.0/16", false}};
	const struct h_opts o = {.acl = lines, .n_acl = 2};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x3003, .cipher = DP_CIPHER_AES_GCM_128};
	struct rte_mbuf *m, *out = NULL;
	uint8_t frame[128], pl[8] = {0};
	struct dp_drop_stats st;
	size_t len;

	(void)state;
	harness_destroy(&H);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	assert_true(harness_add_sa(&H, &s) > 0);
	len = harness_ipv4_frame(frame, "10.0.2.9", "10.0.0.7", IPPROTO_UDP, 64, pl, sizeof(pl));
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_OUT_V4_PKT_HIT_DENY_DROP_SP);
	assert_int_equal(harness_drops_total(&H), 1);
	dp_drop_stats(H.dp, &st);
	assert_int_equal(st.global_pkts[DP_GLOBAL_IpsecDenyDrop], 1);
	assert_int_equal(st.global_octets[DP_GLOBAL_IpsecDenyDrop], len);
	/* its neighbour is protected by the permit line after it */
	len = harness_ipv4_frame(frame, "10.0.2.8", "10.0.0.7", IPPROTO_UDP, 64, pl, sizeof(pl));
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &out, 1, NULL), 1);
	rte_pktmbuf_free(out);
	assert_int_equal(spd_out_sa(H.dp->spd, 0)->ctr.v[DP_SA_CTR_pkts], 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

/*
 * One rule for the replay reasons, whatever the cipher and wherever in a burst
 * the packet is: a number already received inside the window is 19
 * IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL, one left of the window (as it stands when
 * the packet's turn comes, after the packets before it in the burst) is 116
 * CD_IN_PKT_OUT_OF_WINDOW. AES-GCM and CBC/HMAC reach the window by different
 * paths (esp_in.c), so each stream below runs for both, with ESN off and on.
 * A stream is a list of bursts; every packet is genuine.
 */
#define R_FWD 0		/* forwarded */
#define R_DUP 19
#define R_OLD 116
#define R_END (-1)	/* end of the stream */
#define BURST_END 0xffffffffu
#define END {0, R_END}

struct rp {
	uint64_t seq;	/* BURST_END closes a burst */
	int fate;
};

struct replay_stream {
	const char *name;
	bool esn_only;	/* numbers past 2^32 */
	struct rp p[24];
};

static const struct replay_stream replay_streams[] = {
	/* 5 was received and is in the window when the burst starts; 100 comes first */
	{"jump then old, next burst", false, {{1, 0}, {2, 0}, {5, 0}, {BURST_END, 0},
				       {100, R_FWD}, {5, R_OLD}, {BURST_END, 0}, END}},
	{"old then jump, next burst", false, {{1, 0}, {5, 0}, {BURST_END, 0},
				       {5, R_DUP}, {100, R_FWD}, {BURST_END, 0}, END}},
	{"jump then old, same burst", false,
	 {{1, 0}, {5, 0}, {100, R_FWD}, {5, R_OLD}, {BURST_END, 0}, END}},
	{"duplicate, same burst", false, {{1, 0}, {5, 0}, {5, R_DUP}, {BURST_END, 0}, END}},
	{"new number twice", false,
	 {{1, 0}, {BURST_END, 0}, {20, R_FWD}, {20, R_DUP}, {BURST_END, 0}, END}},
	/* with T = 60 (after the first packet of the burst), 5 is still inside (T - 63 < 5) */
	{"small jump keeps it inside", false, {{1, 0}, {5, 0}, {BURST_END, 0},
					{60, R_FWD}, {5, R_DUP}, {BURST_END, 0}, END}},
	/* T = 70: 7 is the last number inside the window, 6 the first left of it */
	{"edge of the window", false, {{1, 0}, {6, 0}, {7, 0}, {BURST_END, 0},
				{70, R_FWD}, {6, R_OLD}, {7, R_DUP}, {BURST_END, 0}, END}},
	{"zero", false, {{1, 0}, {BURST_END, 0}, {0, R_OLD}, {2, R_FWD}, {BURST_END, 0}, END}},
	/*
	 * ESN, T = 100 at the start of the burst: 50 reads as 0x0_00000032, inside
	 * the window. After 200 it reads as 0x1_00000032 (RFC 4303 A2.2, Case A):
	 * a sender that really jumped there is accepted, a replayed 50 fails its ICV.
	 */
	{"high bits change within the burst", true,
	 {{1, 0}, {100, 0}, {BURST_END, 0}, {200, R_FWD}, {0x100000032ull, R_FWD}, {BURST_END, 0},
	  END}},
	{"old number after the high bits changed", true,
	 {{1, 0}, {100, 0}, {BURST_END, 0}, {200, R_FWD}, {50, R_OLD}, {BURST_END, 0}, END}},
};

/*
 * A genuine packet from the peer with sequence number seq, through the
 * outbound twin SA; 0, which no sender uses, is written over a 1 (the window
 * refuses it before any ICV is looked at).
 */
static struct rte_mbuf *
esp_with_seq(struct sa_rt *out, uint64_t seq)
{
	struct rte_mbuf *m;

	out->seq = seq == 0 ? 0 : seq - 1;
	m = encap_one("10.0.2.5", "10.0.0.7", 64, 40, NULL);
	assert_non_null(m);
	harness_reflect(m);
	if (seq == 0)
		memset(rte_pktmbuf_mtod_offset(m, uint8_t *,
					       34 + (out->ep->udp ? 8 : 0) + 4),
		       0, 4);
	return m;
}

struct replay_counts {
	unsigned int fwd, dup, old, mac;
};

static struct replay_counts
replay_counts_now(unsigned int fwd)
{
	return (struct replay_counts){
		.fwd = fwd,
		.dup = (unsigned int)harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL),
		.old = (unsigned int)harness_drops(&H, DP_DROP_CD_IN_PKT_OUT_OF_WINDOW),
		.mac = (unsigned int)harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION)};
}

/*
 * With ESN a number left of the window is read as one of the next 2^32
 * (RFC 4303 A2.2, Case A), so it is the ICV that refuses it (62), for every
 * cipher alike; 0 stays left of everything.
 */
static void
replay_expect(struct replay_counts *want, const struct xf *x, const struct rp *p)
{
	want->fwd += p->fate == R_FWD;
	want->dup += p->fate == R_DUP;
	want->old += p->fate == R_OLD && !(x->esn && p->seq != 0);
	want->mac += p->fate == R_OLD && x->esn && p->seq != 0;
}

static void
replay_stream_run(const struct xf *x, const struct replay_stream *rs)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x7007, .cipher = x->c, .auth = x->a,
			 .esn = x->esn};
	struct rte_mbuf *in[24], *out[24];
	struct replay_counts want = {0}, c0 = replay_counts_now(0);
	struct sa_rt *osa;
	uint64_t total0 = harness_drops_total(&H);
	uint16_t n = 0;

	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	osa = spd_out_sa(H.dp->spd, 0);
	for (const struct rp *p = rs->p; p->fate != R_END; p++) {
		struct replay_counts c;
		uint16_t got;

		if (p->seq != BURST_END) {
			in[n++] = esp_with_seq(osa, p->seq);
			replay_expect(&want, x, p);
			continue;
		}
		got = harness_send(&H, H_OUTSIDE, in, n, out, RTE_DIM(out), NULL);
		rte_pktmbuf_free_bulk(out, got);
		c = replay_counts_now(got);
		if (c.fwd != want.fwd || c.dup - c0.dup != want.dup || c.old - c0.old != want.old ||
		    c.mac - c0.mac != want.mac ||
		    harness_drops_total(&H) - total0 != want.dup + want.old + want.mac) {
			harness_dump_drops(&H);
			fail_msg("%s/%s esn=%d, '%s': forwarded %u, 19: %u, 116: %u, 62: %u; "
				 "expected %u, %u, %u, %u", dp_cipher_info[x->c].ios,
				 dp_auth_info[x->a].ios, x->esn, rs->name, c.fwd, c.dup - c0.dup,
				 c.old - c0.old, c.mac - c0.mac, want.fwd, want.dup, want.old,
				 want.mac);
		}
		c0 = replay_counts_now(0);
		total0 = harness_drops_total(&H);
		want = (struct replay_counts){0};
		n = 0;
	}
	cleanup_sas();
}

static void
test_replay_reason_same_for_every_cipher(void **state)
{
	static const struct xf xfs[] = {
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false, false},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, true, false},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128, false, false},
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128, true, false},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA1_96, false, true},
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(xfs); i++)
		for (size_t j = 0; j < RTE_DIM(replay_streams); j++)
			if (xfs[i].esn || !replay_streams[j].esn_only)
				replay_stream_run(&xfs[i], &replay_streams[j]);
}

/*
 * libipsec-mb refusing a job must never let a packet through: outbound it is
 * dropped as 45 OUT_UNEXP_CD_SW_IPSEC_EXCEPTION, inbound (a decryption after
 * the ICV verified) as 20 IN_UNEXP_CD_SW_IPSEC_EXCEPTION. The faults are
 * injected by corrupting the SAs' expanded keys: a hash algorithm the burst
 * API rejects; an AES key length the crypto layer cannot hand to it.
 */
static void
test_crypto_library_failure(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x6006, .cipher = DP_CIPHER_AES_CBC_128,
			 .auth = DP_AUTH_HMAC_SHA256_128};
	struct sa_rt *out_rt, *in_rt = NULL;
	struct cmb_keys *k;
	struct rte_mbuf *esp;
	struct sa *sa;
	IMB_HASH_ALG alg;
	uint8_t frame[256], pl[32] = {0};
	size_t len;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	TAILQ_FOREACH(sa, sad_live(H.dp->sad), link)
		if (sa->dir == CFG_DIR_IN)
			in_rt = sa->rt;
	out_rt = spd_out_sa(H.dp->spd, 0);

	/* a good packet first, to feed the inbound half */
	esp = encap_one("10.0.2.5", "10.0.0.7", 64, 20, NULL);
	assert_non_null(esp);
	harness_reflect(esp);

	k = (struct cmb_keys *)(uintptr_t)out_rt->keys;
	alg = k->hash_alg;
	k->hash_alg = IMB_AUTH_NULL;	/* the hash burst is refused */
	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, sizeof(pl));
	expect_drop(harness_mbuf(&H, frame, len), H_INSIDE, DP_DROP_OUT_UNEXP_CD_SW_IPSEC_EXCEPTION);
	assert_int_equal(out_rt->ctr.v[DP_SA_CTR_encaps_failed], 1);
	assert_int_equal(out_rt->ctr.v[DP_SA_CTR_pkts], 1);	/* only the good one */
	k->hash_alg = alg;

	k = (struct cmb_keys *)(uintptr_t)in_rt->keys;
	k->aes_key_len = 24;	/* the ICV verifies, then the decryption is refused */
	expect_drop(esp, H_OUTSIDE, DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION);
	assert_int_equal(in_rt->ctr.v[DP_SA_CTR_decaps_failed], 1);
	k->aes_key_len = 16;
	cleanup_sas();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_spi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac_failure_and_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_demux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_buffer_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailer_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_library_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_reason_same_for_every_cipher, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deny_line, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
