/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP MSS clamping, "ip tcp adjust-mss 1360" on inside0 (tcp_mss.h):
 *
 *   - tcp_mss_adjust() on segments the test builds: a SYN's MSS above 1360 is
 *     lowered, at an even and an odd offset into the header, and its checksum
 *     is checked by recomputing it from scratch (pseudo-header and all), not
 *     by the incremental formula under test; equal or below, no MSS option,
 *     malformed options (length 0, 1, past the header, an MSS of length 3),
 *     a header longer than the packet, non-SYN, fragments, and the feature
 *     off all leave every byte as it was;
 *   - tcp_mss_adjust6() ("ipv6 tcp adjust-mss") on an IPv6 SYN the same way
 *     (checksum over the IPv6 pseudo-header recomputed), and an IPv6 SYN
 *     behind an extension header, or a non-SYN, left alone;
 *   - through the dataplane, both directions: a host's SYN from the inside
 *     leaves in ESP-NULL with its MSS lowered, a SYN-ACK decrypted from the
 *     peer reaches the inside lowered; each counted once on inside0
 *     (show interfaces --json tcp_mss_adjusted), nothing else dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "esp_null.h"
#include "harness.h"
#include "ip4_cksum.h"
#include "tcp_mss.h"

#define MSS 1360
#define SYN 0x02
#define ACK 0x10
#define OUT_SPI 0x5005u

static struct harness H;
static const struct h_acl_line acl[] = {{"10.0.0.0/16", "10.1.0.0/16", false}};

/* The TCP checksum over the pseudo-header and segment, computed from nothing (RFC 793). */
static uint16_t
tcp_cksum_ref(const uint8_t *ip)
{
	uint32_t hl = (ip[0] & 0xfu) * 4u, tot = (uint32_t)(ip[2] << 8 | ip[3]);
	uint32_t len = tot - hl, s = 0;
	const uint8_t *t = ip + hl;

	for (int i = 12; i < 20; i += 2)	/* source and destination addresses */
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	s += IPPROTO_TCP + len;
	for (uint32_t i = 0; i < len; i += 2) {
		uint32_t hi = t[i], lo = i + 1 < len ? t[i + 1] : 0;

		if (i != 16)	/* the checksum field counts as zero */
			s += hi << 8 | lo;
	}
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}

static uint16_t
tcp_cksum_field(const uint8_t *ip)
{
	const uint8_t *t = ip + (ip[0] & 0xfu) * 4u;

	return (uint16_t)(t[16] << 8 | t[17]);
}

/*
 * An IPv4 TCP segment from src to dst at p: flags, options opt (olen, a
 * multiple of 4), 10 payload bytes, the fragment field frag; both checksums
 * right. Returns its length.
 */
static size_t
segment(uint8_t *p, const char *src, const char *dst, uint8_t flags, const uint8_t *opt,
	size_t olen, uint16_t frag)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint8_t *t = p + sizeof(*ip);
	size_t doff = 20 + olen, tot = sizeof(*ip) + doff + 10;
	uint32_t a;
	uint16_t ck;

	memset(p, 0, tot);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip4_parse(src, &a);
	ip->src_addr = a;
	ip4_parse(dst, &a);
	ip->dst_addr = a;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	t[0] = 0xc3, t[1] = 0x50, t[2] = 0x00, t[3] = 0x50;	/* ports 50000 -> 80 */
	t[4] = 0x11, t[5] = 0x22, t[6] = 0x33, t[7] = 0x44;	/* sequence number */
	t[12] = (uint8_t)(doff / 4 << 4);
	t[13] = flags;
	t[14] = 0xfa, t[15] = 0xf0;				/* window */
	if (olen > 0)
		memcpy(t + 20, opt, olen);
	for (size_t i = 0; i < 10; i++)
		t[doff + i] = (uint8_t)(0xa0 + i);
	ck = tcp_cksum_ref(p);
	t[16] = (uint8_t)(ck >> 8);
	t[17] = (uint8_t)ck;
	return tot;
}

/* The packet after tcp_mss_adjust() is byte for byte what it was. */
static void
expect_untouched(const uint8_t *opt, size_t olen, uint8_t flags, uint16_t frag, uint16_t mss)
{
	uint8_t p[128], before[128];
	size_t len = segment(p, "10.0.2.5", "10.1.0.7", flags, opt, olen, frag);

	memcpy(before, p, len);
	assert_false(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, mss));
	assert_memory_equal(p, before, len);
}

/* Clamped: the MSS value at offset at of the TCP header reads want, the rest as it was. */
static void
expect_clamped(const uint8_t *opt, size_t olen, uint8_t flags, size_t at, uint16_t want)
{
	uint8_t p[128], before[128];
	size_t len = segment(p, "10.0.2.5", "10.1.0.7", flags, opt, olen, 0);
	uint8_t *t = p + 20;

	memcpy(before, p, len);
	assert_true(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, MSS));
	assert_int_equal(t[at] << 8 | t[at + 1], want);
	assert_int_equal(tcp_cksum_field(p), tcp_cksum_ref(p));
	assert_int_not_equal(tcp_cksum_field(p), tcp_cksum_field(before));
	/* only the MSS value and the checksum moved */
	memcpy(before + 20 + at, t + at, 2);
	memcpy(before + 20 + 16, t + 16, 2);
	assert_memory_equal(p, before, len);
}

static void
test_syn_clamped_even_offset(void **state)
{
	/* MSS 1460 first, as Linux and Windows send it, then SACK-permitted and NOPs */
	static const uint8_t opt[] = {2, 4, 0x05, 0xb4, 4, 2, 1, 1};

	(void)state;
	expect_clamped(opt, sizeof(opt), SYN, 22, MSS);
	expect_clamped(opt, sizeof(opt), SYN | ACK, 22, MSS);	/* a SYN-ACK too */
}

/* After one NOP the value sits at an odd offset and straddles two checksum words. */
static void
test_syn_clamped_odd_offset(void **state)
{
	static const uint8_t opt[] = {1, 2, 4, 0xff, 0xff, 1, 1, 0};
	static const uint8_t opt2[] = {1, 1, 1, 2, 4, 0x23, 0x28, 0};	/* 9000 */

	(void)state;
	expect_clamped(opt, sizeof(opt), SYN, 23, MSS);
	expect_clamped(opt2, sizeof(opt2), SYN, 25, MSS);
}

/* RFC 6691: lowered only, never raised; equal is left alone. */
static void
test_syn_mss_below_untouched(void **state)
{
	static const uint8_t below[] = {2, 4, 0x05, 0x00, 1, 1, 1, 0};	/* 1280 */
	static const uint8_t equal[] = {2, 4, MSS >> 8, MSS & 0xff, 0, 0, 0, 0};

	(void)state;
	expect_untouched(below, sizeof(below), SYN, 0, MSS);
	expect_untouched(equal, sizeof(equal), SYN, 0, MSS);
}

static void
test_syn_without_mss_untouched(void **state)
{
	/* window scale, SACK-permitted, timestamps: no MSS */
	static const uint8_t opt[] = {1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};

	(void)state;
	expect_untouched(opt, sizeof(opt), SYN, 0, MSS);
	expect_untouched(NULL, 0, SYN, 0, MSS);	/* no options at all */
}

/* A malformed option ends the walk; an MSS behind it is never read, nor written. */
static void
test_malformed_options_untouched(void **state)
{
	static const uint8_t len0[] = {8, 0, 2, 4, 0x05, 0xb4, 0, 0};
	static const uint8_t len1[] = {8, 1, 2, 4, 0x05, 0xb4, 0, 0};
	static const uint8_t past[] = {1, 1, 1, 1, 8, 5, 0, 0};	/* 5 bytes from 4 of 8 */
	static const uint8_t mss_past[] = {1, 1, 1, 1, 1, 1, 2, 4};	/* value past the end */
	static const uint8_t mss_len3[] = {2, 3, 0x05, 1, 1, 1, 1, 0};
	static const uint8_t after_end[] = {0, 0, 0, 0, 2, 4, 0x05, 0xb4};
	static const uint8_t kind_last[] = {1, 1, 1, 1, 1, 1, 1, 8};	/* no length byte */

	(void)state;
	expect_untouched(len0, sizeof(len0), SYN, 0, MSS);
	expect_untouched(len1, sizeof(len1), SYN, 0, MSS);
	expect_untouched(past, sizeof(past), SYN, 0, MSS);
	expect_untouched(mss_past, sizeof(mss_past), SYN, 0, MSS);
	expect_untouched(mss_len3, sizeof(mss_len3), SYN, 0, MSS);
	expect_untouched(after_end, sizeof(after_end), SYN, 0, MSS);
	expect_untouched(kind_last, sizeof(kind_last), SYN, 0, MSS);
}

/* A data offset past the packet, or under 5 words: nothing read beyond what is there. */
static void
test_header_longer_than_packet_untouched(void **state)
{
	static const uint8_t opt[] = {2, 4, 0x05, 0xb4};
	uint8_t p[128], before[128];
	size_t len = segment(p, "10.0.2.5", "10.1.0.7", SYN, opt, sizeof(opt), 0);

	(void)state;
	p[20 + 12] = 0xf0;	/* 60-byte header in a 54-byte segment */
	memcpy(before, p, len);
	assert_false(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, MSS));
	assert_memory_equal(p, before, len);
	p[20 + 12] = 0x40;	/* 16 bytes: less than the fixed header */
	memcpy(before, p, len);
	assert_false(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, MSS));
	assert_memory_equal(p, before, len);
	/* the segment cut short of its options by what is available in the buffer */
	p[20 + 12] = 0x60;
	assert_false(tcp_mss_adjust((struct rte_ipv4_hdr *)p, 20 + 22, MSS));
	assert_true(tcp_mss_adjust((struct rte_ipv4_hdr *)p, 20 + 24, MSS));
}

static void
test_non_syn_untouched(void **state)
{
	static const uint8_t opt[] = {2, 4, 0x05, 0xb4};

	(void)state;
	expect_untouched(opt, sizeof(opt), ACK, 0, MSS);
	expect_untouched(opt, sizeof(opt), ACK | 0x08, 0, MSS);	/* PSH ACK */
	expect_untouched(opt, sizeof(opt), 0x04, 0, MSS);	/* RST */
}

static void
test_fragment_untouched(void **state)
{
	static const uint8_t opt[] = {2, 4, 0x05, 0xb4};

	(void)state;
	expect_untouched(opt, sizeof(opt), SYN, RTE_IPV4_HDR_MF_FLAG, MSS);	/* first piece */
	expect_untouched(opt, sizeof(opt), SYN, 3, MSS);			/* a later one */
	expect_untouched(opt, sizeof(opt), SYN, RTE_IPV4_HDR_MF_FLAG | 3, MSS);
	/* DF alone is no fragment */
	{
		uint8_t p[128];
		size_t len = segment(p, "10.0.2.5", "10.1.0.7", SYN, opt, sizeof(opt),
				     RTE_IPV4_HDR_DF_FLAG);

		assert_true(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, MSS));
	}
}

static void
test_off_or_not_tcp_untouched(void **state)
{
	static const uint8_t opt[] = {2, 4, 0x05, 0xb4};
	uint8_t p[128], before[128];
	size_t len = segment(p, "10.0.2.5", "10.1.0.7", SYN, opt, sizeof(opt), 0);

	(void)state;
	expect_untouched(opt, sizeof(opt), SYN, 0, 0);	/* not configured */
	p[9] = IPPROTO_UDP;
	memcpy(before, p, len);
	assert_false(tcp_mss_adjust((struct rte_ipv4_hdr *)p, (uint32_t)len, MSS));
	assert_memory_equal(p, before, len);
}

/* ---- through the dataplane ---- */

static int
setup_dp(uint16_t mss)
{
	const struct h_opts o = {.acl = acl, .n_acl = 1, .inside_mss = mss};
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = OUT_SPI, .cipher = DP_CIPHER_NULL,
			   .auth = DP_AUTH_HMAC_SHA256_128, .replay_window = 64};

	if (harness_create_opts(&H, &o) != 0)
		return -1;
	return harness_add_sa(&H, &out) > 0 && esp_null_sa(&H) > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	return setup_dp(MSS);
}

static int
setup_off(void **state)
{
	(void)state;
	return setup_dp(0);
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

static uint64_t
adjusted(void)
{
	return H.w->stats.port[H_INSIDE].mss_adjusted;
}

/* A host's SYN out through the tunnel: the inner packet read back out of the ESP-NULL. */
static void
syn_out(uint16_t want)
{
	static const uint8_t opt[] = {1, 2, 4, 0x05, 0xb4, 1, 1, 0};
	uint8_t frame[256], seg[128];
	size_t len = segment(seg, "10.0.2.5", "10.1.0.7", SYN, opt, sizeof(opt), 0);
	uint64_t drops = harness_drops_total(&H);
	struct rte_mbuf *in, *out = NULL;
	const uint8_t *inner;
	uint16_t port = 99;

	/* the builder's Ethernet header, then the segment in place of its IPv4 packet */
	(void)harness_ipv4_frame(frame, "10.0.2.5", "10.1.0.7", IPPROTO_TCP, 64, NULL, 0);
	memcpy(frame + RTE_ETHER_HDR_LEN, seg, len);
	in = harness_mbuf(&H, frame, RTE_ETHER_HDR_LEN + len);
	assert_int_equal(harness_send(&H, H_INSIDE, &in, 1, &out, 1, &port), 1);
	assert_int_equal(port, H_OUTSIDE);
	assert_int_equal(harness_drops_total(&H), drops);
	/* Ethernet, outer IPv4, ESP header (NULL: no IV), the inner packet */
	inner = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN + 20 + 8;
	assert_int_equal(inner[9], IPPROTO_TCP);
	assert_int_equal(inner[8], 63);	/* forwarded: TTL one lower */
	assert_int_equal(inner[20 + 23] << 8 | inner[20 + 24], want);
	assert_int_equal(tcp_cksum_field(inner), tcp_cksum_ref(inner));
	rte_pktmbuf_free(out);
}

/* A SYN-ACK from the far side, decrypted and delivered to the inside host. */
static void
synack_in(uint16_t want)
{
	static const uint8_t opt[] = {2, 4, 0x23, 0x28, 4, 2, 1, 0};	/* 9000 */
	static uint8_t pt[ESP_NULL_MAX];
	uint8_t seg[128];
	size_t len = segment(seg, "10.1.0.7", "10.0.2.5", SYN | ACK, opt, sizeof(opt), 0);
	struct rte_mbuf *m = esp_null_frame(&H, 1, pt, esp_null_plaintext(pt, seg, len));
	uint64_t drops = harness_drops_total(&H);
	struct rte_mbuf *out = NULL;
	const uint8_t *ip;
	uint16_t port = 99;

	assert_non_null(m);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, &port), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops_total(&H), drops);
	ip = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
	assert_int_equal(out->pkt_len, RTE_ETHER_HDR_LEN + len);
	assert_int_equal(ip[20 + 22] << 8 | ip[20 + 23], want);
	assert_int_equal(tcp_cksum_field(ip), tcp_cksum_ref(ip));
	assert_true(ip4_cksum_ok(ip, 20));
	rte_pktmbuf_free(out);
}

static void
test_dp_outbound_syn_clamped(void **state)
{
	(void)state;
	syn_out(MSS);
	assert_int_equal(adjusted(), 1);
}

static void
test_dp_inbound_synack_clamped(void **state)
{
	(void)state;
	synack_in(MSS);
	assert_int_equal(adjusted(), 1);
}

static void
test_dp_off_untouched(void **state)
{
	(void)state;
	syn_out(1460);
	synack_in(9000);
	assert_int_equal(adjusted(), 0);
}

/* The TCP checksum of an IPv6 segment (RFC 8200 8.1 pseudo-header), from nothing. */
static uint16_t
tcp6_cksum_ref(const uint8_t *ip6)
{
	uint32_t len = (uint32_t)(ip6[4] << 8 | ip6[5]), s = 0;
	const uint8_t *t = ip6 + 40;

	for (int i = 8; i < 40; i += 2)
		s += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	s += IPPROTO_TCP + len;
	for (uint32_t i = 0; i < len; i += 2)
		if (i != 16)
			s += (uint32_t)t[i] << 8 | (i + 1 < len ? t[i + 1] : 0u);
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}

/* An IPv6 SYN 2001:db8:2::5 -> 2001:db8:1::9, options NOP, MSS 1440, NOP x3; checksum right. */
static size_t
segment6(uint8_t *p, uint8_t flags)
{
	static const uint8_t opt[] = {1, 2, 4, 0x05, 0xa0, 1, 1, 1};
	uint8_t *t = p + 40;
	uint16_t ck;

	memset(p, 0, 40 + 20 + sizeof(opt) + 6);
	p[0] = 0x60;
	p[5] = 20 + sizeof(opt) + 6;
	p[6] = IPPROTO_TCP;
	p[7] = 64;
	p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[13] = 2, p[23] = 5;
	p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[29] = 1, p[39] = 9;
	t[0] = 0x9c, t[1] = 0x40, t[3] = 80;
	t[12] = (uint8_t)((20 + sizeof(opt)) / 4) << 4;
	t[13] = flags;
	memcpy(t + 20, opt, sizeof(opt));
	memcpy(t + 20 + sizeof(opt), "dpsec6", 6);
	ck = tcp6_cksum_ref(p);
	t[16] = (uint8_t)(ck >> 8);
	t[17] = (uint8_t)ck;
	return 40 + 20 + sizeof(opt) + 6;
}

static void
test_syn6_clamped(void **state)
{
	uint8_t p[128], before[128];
	size_t n = segment6(p, 0x02);

	(void)state;
	assert_true(tcp_mss_adjust6((struct rte_ipv6_hdr *)p, (uint32_t)n, 1340));
	assert_int_equal(p[40 + 20 + 3] << 8 | p[40 + 20 + 4], 1340);	/* at an odd offset */
	assert_int_equal(p[40 + 16] << 8 | p[40 + 17], tcp6_cksum_ref(p));
	/* a SYN-ACK too; a lower MSS, a non-SYN, the setting off, an extension header: untouched */
	n = segment6(p, 0x12);
	assert_true(tcp_mss_adjust6((struct rte_ipv6_hdr *)p, (uint32_t)n, 1340));
	assert_int_equal(p[40 + 16] << 8 | p[40 + 17], tcp6_cksum_ref(p));
	for (int c = 0; c < 4; c++) {
		n = segment6(p, c == 1 ? 0x10 : 0x02);
		if (c == 3)
			p[6] = 60;	/* destination options first: not walked */
		memcpy(before, p, n);
		assert_false(tcp_mss_adjust6((struct rte_ipv6_hdr *)p, (uint32_t)n,
					     c == 0 ? 1500 : c == 2 ? 0 : 1340));
		assert_memory_equal(p, before, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn6_clamped),
		cmocka_unit_test(test_syn_clamped_even_offset),
		cmocka_unit_test(test_syn_clamped_odd_offset),
		cmocka_unit_test(test_syn_mss_below_untouched),
		cmocka_unit_test(test_syn_without_mss_untouched),
		cmocka_unit_test(test_malformed_options_untouched),
		cmocka_unit_test(test_header_longer_than_packet_untouched),
		cmocka_unit_test(test_non_syn_untouched),
		cmocka_unit_test(test_fragment_untouched),
		cmocka_unit_test(test_off_or_not_tcp_untouched),
		cmocka_unit_test_setup_teardown(test_dp_outbound_syn_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dp_inbound_synack_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dp_off_untouched, setup_off, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
