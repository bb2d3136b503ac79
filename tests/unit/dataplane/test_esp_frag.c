/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound packets, DF clear, larger than the outside MTU once encapsulated
 * ("crypto ipsec fragmentation", esp_out.c):
 *
 *   host 10.0.2.5 --1488 B--> inside0 [dpsec] outside0 MTU 1500 --ESP--> peer 192.0.2.1
 *
 *   before-encryption (default): the packet is cut to the SA's inner MTU,
 *     each fragment its own ESP (or AH) packet with its own sequence number;
 *   after-encryption: one ESP packet, its outer IPv4 header fragmented.
 *
 * Whatever left is reflected back (the SAs of both directions keyed alike,
 * harness_reflect), so the gateway's own inbound path opens it: for
 * before-encryption the inner fragments come out on the inside and must
 * put back together the original; for after-encryption the outer fragments
 * are reassembled (reasm_in.c), decrypted, and the original comes out whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "esp.h"
#include "harness.h"
#include "sa.h"
#include "spd.h"

#define L3 14u
#define MAX_OUT 8
#define PLEN 1460	/* IP payload: 1480 bytes of IPv4, too big once encapsulated */
#define SPI 0x2002u

static struct harness H;

struct xf {
	uint8_t proto;		/* IPPROTO_AH, or 0: ESP */
	enum dp_cipher c;
	enum dp_auth a;
	bool udp;
};

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

/* The SA pair for x, alike both ways so the gateway opens what it sent. */
static void
sa_pair(const struct xf *x)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = SPI, .proto = x->proto, .cipher = x->c,
			 .auth = x->a, .udp = x->udp, .replay_window = 64};

	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	assert_true(harness_add_sa(&H, &s) > 0);
}

static size_t
host_frame(uint8_t *frame, size_t plen)
{
	uint8_t pl[2048];

	for (size_t i = 0; i < plen; i++)
		pl[i] = (uint8_t)(i * 13 + 1);
	return harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, plen);
}

static const struct rte_ipv4_hdr *
ip_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, L3);
}

static uint16_t
frag_off(const struct rte_mbuf *m)
{
	return rte_be_to_cpu_16(ip_of(m)->fragment_offset);
}

/* The sequence number of an ESP or AH packet the gateway sent (not a later fragment). */
static uint32_t
seq_of(const struct rte_mbuf *m, const struct xf *x)
{
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, L3 + 20 + (x->udp ? 8 : 0));

	p += x->proto == IPPROTO_AH ? 8 : 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The gateway's frames back to it, as the peer would send them; what it forwarded. */
static uint16_t
reflect_all(struct rte_mbuf **m, uint16_t n, struct rte_mbuf **out)
{
	for (uint16_t i = 0; i < n; i++)
		harness_reflect(m[i]);
	return harness_send(&H, H_OUTSIDE, m, n, out, MAX_OUT, NULL);
}

/* len bytes at offset off of the original's IP payload, as host_frame wrote it. */
static void
expect_payload(const uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)((off + i) * 13 + 1))
			fail_msg("payload byte %zu: 0x%02x", off + i, p[i]);
}

static void
before_encryption(const struct xf *x)
{
	uint8_t frame[2048];
	size_t len = host_frame(frame, PLEN);
	struct rte_mbuf *m = harness_mbuf(&H, frame, len), *out[MAX_OUT], *back[MAX_OUT];
	struct sa_rt *rt;
	uint16_t n, nb;
	size_t done = 0;

	sa_pair(x);
	rt = spd_out_sa(H.dp->spd, 0);
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	if (n != 2) {
		harness_dump_drops(&H);
		fail_msg("expected two ESP packets, got %u", n);
	}
	for (uint16_t i = 0; i < n; i++) {
		/* each a whole packet of its own, no larger than the MTU */
		assert_int_equal(frag_off(out[i]) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK),
				 0);
		assert_true(rte_be_to_cpu_16(ip_of(out[i])->total_length) <= 1500);
		assert_int_equal(seq_of(out[i], x), i + 1u);
	}
	assert_int_equal(rt->ctr.v[DP_SA_CTR_pkts], 2);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragmented, 1);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragments, 2);
	assert_int_equal(harness_drops_total(&H), 0);

	if (x->proto == IPPROTO_AH) {
		/* the ICV covers the addresses reflecting swaps: test_ah.c checks AH's ICVs */
		rte_pktmbuf_free_bulk(out, n);
		return;
	}
	/* what the peer decrypts: two fragments of the original, in order */
	nb = reflect_all(out, n, back);
	if (nb != 2) {
		harness_dump_drops(&H);
		fail_msg("expected two inner fragments back, got %u", nb);
	}
	for (uint16_t i = 0; i < nb; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(back[i]);
		size_t plen = rte_be_to_cpu_16(ip->total_length) - 20u;
		uint16_t fo = frag_off(back[i]);

		assert_int_equal(ip->packet_id, rte_cpu_to_be_16(0x1234));
		assert_int_equal((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8u, done);
		assert_int_equal(!!(fo & RTE_IPV4_HDR_MF_FLAG), i == 0);
		expect_payload((const uint8_t *)(ip + 1), done, plen);
		done += plen;
	}
	assert_int_equal(done, PLEN);
	rte_pktmbuf_free_bulk(back, nb);
}

/* Each fragment its own ESP packet: AES-GCM, CBC + HMAC in UDP, NULL + HMAC, and AH. */
static void
test_before_encryption(void **state)
{
	static const struct xf xfs[] = {
		{0, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false},
		{0, DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA512_256, true},
		{0, DP_CIPHER_NULL, DP_AUTH_HMAC_SHA1_96, false},
		{IPPROTO_AH, DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, false},
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(xfs); i++) {
		before_encryption(&xfs[i]);
		harness_destroy(&H);
		assert_int_equal(harness_create(&H), 0);
	}
}

/* The largest packet that fits whole is sent whole; one byte more, in two. */
static void
test_boundary(void **state)
{
	static const struct xf x = {0, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false};
	uint8_t frame[2048];
	struct rte_mbuf *m, *out[MAX_OUT];
	uint16_t n;
	/* 1500 - 20 - 8 (ESP) - 8 (IV) - 16 (ICV) = 1448: 1446 bytes + 2 of trailer, GCM pads to 4 */
	size_t fits = 1446 - 20;

	(void)state;
	sa_pair(&x);
	m = harness_mbuf(&H, frame, host_frame(frame, fits));
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	assert_int_equal(n, 1);
	rte_pktmbuf_free_bulk(out, n);
	m = harness_mbuf(&H, frame, host_frame(frame, fits + 1));
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	assert_int_equal(n, 2);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* after-encryption: one ESP packet in two outer fragments; reassembled, it decrypts whole. */
static void
test_after_encryption(void **state)
{
	static const struct xf x = {0, DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128, false};
	uint8_t frame[2048];
	size_t len = host_frame(frame, PLEN);
	struct rte_mbuf *m, *out[MAX_OUT], *back[MAX_OUT];
	struct sa_rt *rt;
	uint16_t n, nb;

	(void)state;
	H.cfg.ipsec.fragmentation = CFG_FRAG_AFTER;
	sa_pair(&x);
	rt = spd_out_sa(H.dp->spd, 0);
	m = harness_mbuf(&H, frame, len);
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	if (n != 2) {
		harness_dump_drops(&H);
		fail_msg("expected two outer fragments, got %u", n);
	}
	assert_int_equal(frag_off(out[0]), RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(seq_of(out[0], &x), 1);
	assert_true(frag_off(out[1]) > 0 && !(frag_off(out[1]) & RTE_IPV4_HDR_MF_FLAG));
	assert_int_equal(ip_of(out[0])->packet_id, ip_of(out[1])->packet_id);
	assert_int_equal(ip_of(out[0])->next_proto_id, IPPROTO_ESP);
	assert_int_equal(rt->ctr.v[DP_SA_CTR_pkts], 1);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragmented, 1);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].fragments, 2);

	/* the peer reassembles before decrypting (here: the gateway's own reasm_in) */
	nb = reflect_all(out, n, back);
	if (nb != 1) {
		harness_dump_drops(&H);
		fail_msg("expected the original back whole, got %u", nb);
	}
	assert_int_equal(rte_be_to_cpu_16(ip_of(back[0])->total_length), 20 + PLEN);
	assert_int_equal(frag_off(back[0]), 0);
	expect_payload((const uint8_t *)(ip_of(back[0]) + 1), 0, PLEN);
	rte_pktmbuf_free_bulk(back, nb);
	assert_int_equal(H.w->stats.port[H_OUTSIDE].reassembled, 1);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* DF set: neither mode fragments (48, and ICMP 3/4 asked for: test_esp.c, test_drops.py). */
static void
test_df_set_never_fragmented(void **state)
{
	static const struct xf x = {0, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false};
	uint8_t frame[2048];
	size_t len = host_frame(frame, PLEN);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + L3);
	struct rte_mbuf *m, *out[MAX_OUT];

	(void)state;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	sa_pair(&x);
	for (int mode = 0; mode < 2; mode++) {
		H.cfg.ipsec.fragmentation = mode ? CFG_FRAG_AFTER : CFG_FRAG_BEFORE;
		m = harness_mbuf(&H, frame, len);
		assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL), 0);
	}
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT), 2);
	assert_int_equal(harness_drops_total(&H), 2);
}

/*
 * The sequence numbers run out between the fragments: the first goes, the
 * second is dropped as 46 (never a wrap, RFC 4303 section 3.3.3).
 */
static void
test_sequence_runs_out_mid_packet(void **state)
{
	static const struct xf x = {0, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, false};
	uint8_t frame[2048];
	struct rte_mbuf *m, *out[MAX_OUT];
	struct sa_rt *rt;
	uint16_t n;

	(void)state;
	sa_pair(&x);
	rt = spd_out_sa(H.dp->spd, 0);
	rt->seq = rt->seq_max - 1;
	m = harness_mbuf(&H, frame, host_frame(frame, PLEN));
	n = harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(seq_of(out[0], &x), (uint32_t)rt->seq_max);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CD_SW_IPSEC_DETECT_SEQ_OVEFLOW), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_before_encryption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_encryption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_df_set_never_fragmented, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_runs_out_mid_packet, setup,
						teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
