/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A decrypted packet on its way to the inside, as a router forwards it, and
 * the gateway's own packets on their way into a tunnel:
 *
 *   peer 192.0.2.1 --ESP--> outside0 [dpsec] inside0 10.0.2.1/16, MTU 576 --> hosts
 *                                      ^ dp_inject_encrypt(inside0): the gateway's own packet
 *
 *   - broadcasts are not forwarded (RFC 1812 section 5.3.5);
 *   - larger than the inside MTU with DF set: dropped as 25
 *     IN_INFRA_V4_PKT_LEN_TOO_BIG, and the control thread is asked for an ICMP
 *     3/4 carrying the MTU (RFC 1191) with the packet's head;
 *   - DF clear: fragmented (RFC 791), each fragment one segment; checked
 *     field by field here, and reassembled by scapy in test_drops.py;
 *   - a packet injected to be encrypted goes through the outbound path
 *     without its TTL being touched.
 *
 * The ESP is ESP-NULL written by the test (esp_null.h), so the inner packet
 * is exactly what the test chooses. The crypto map line is 0.0.0.0/0 (local)
 * <-> 10.0.0.0/16, so that any destination passes the inbound policy check.
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

#include "dpsec/ip4.h"

#include "esp_null.h"
#include "harness.h"
#include "sa.h"
#include "sad.h"
#include "spd.h"
#include "worker.h"

#define MTU 576
#define ID 0x4242
#define TTL 64
#define MAX_OUT 16

static struct harness H;
static uint32_t seq;	/* the next ESP sequence number (fresh SA per test) */

static const struct h_acl_line any_local = {"0.0.0.0/0", "10.0.0.0/16", false};

static int
setup_with(const char *inside)
{
	const struct h_opts o = {.acl = &any_local, .n_acl = 1, .inside = inside,
				 .inside_mtu = MTU};

	seq = 1;
	if (harness_create_opts(&H, &o) != 0)
		return -1;
	return esp_null_sa(&H) > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	return setup_with("10.0.2.1/16");
}

/* inside0 on a point-to-point /31 (RFC 3021): no network or broadcast address. */
static int
setup_31(void **state)
{
	(void)state;
	return setup_with("10.0.2.1/31");
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/*
 * An inner UDP packet from a host behind the peer: tot bytes in all, IPv4
 * options opt (olen, a multiple of 4), the flags and offset field frag, TTL
 * 64, payload bytes (i * 7 + 3).
 */
static size_t
inner(uint8_t *p, const char *dst, uint32_t tot, uint16_t frag, const uint8_t *opt,
      uint32_t olen)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint32_t hl = sizeof(*ip) + olen, a;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = (uint8_t)(0x40 | hl / 4);
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->packet_id = rte_cpu_to_be_16(ID);
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = TTL;
	ip->next_proto_id = IPPROTO_UDP;
	ip4_parse("10.0.0.7", &a);
	ip->src_addr = a;
	ip4_parse(dst, &a);
	ip->dst_addr = a;
	if (olen > 0)
		memcpy(p + sizeof(*ip), opt, olen);
	for (uint32_t i = hl; i < tot; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return tot;
}

/* The inner packet through ESP from the peer; what came out (any port) into out[]. */
static uint16_t
send_inner(const uint8_t *pkt, size_t len, struct rte_mbuf **out)
{
	static uint8_t pt[ESP_NULL_MAX];
	struct rte_mbuf *m = esp_null_frame(&H, seq++, pt, esp_null_plaintext(pt, pkt, len));

	assert_non_null(m);
	return harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, NULL);
}

/* The packet is dropped as code and nothing else moves. */
static void
expect_drop(const uint8_t *pkt, size_t len, dp_drop_t code)
{
	uint64_t before = harness_drops(&H, code), total = harness_drops_total(&H);
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n = send_inner(pkt, len, out);

	rte_pktmbuf_free_bulk(out, n);
	if (n != 0 || harness_drops(&H, code) != before + 1 ||
	    harness_drops_total(&H) != total + 1) {
		harness_dump_drops(&H);
		fail_msg("expected one drop as %s, got %u frames out", dp_drop_info[code].name, n);
	}
}

static void
expect_forwarded(const uint8_t *pkt, size_t len)
{
	struct rte_mbuf *out[MAX_OUT];
	uint16_t n = send_inner(pkt, len, out);

	rte_pktmbuf_free_bulk(out, n);
	if (n != 1) {
		harness_dump_drops(&H);
		fail_msg("expected the packet forwarded whole, got %u frames", n);
	}
}

/* RFC 1812 5.3.5: the subnet's broadcast, its network address, the limited broadcast. */
static void
test_broadcasts_not_forwarded(void **state)
{
	static const char *const bcast[] = {"10.0.255.255", "10.0.0.0", "255.255.255.255"};
	uint8_t p[128];

	(void)state;
	for (size_t i = 0; i < RTE_DIM(bcast); i++)
		expect_drop(p, inner(p, bcast[i], 60, 0, NULL, 0), DP_DROP_G_Ipv4DirectedBcast);
	/* the hosts next to them are forwarded */
	expect_forwarded(p, inner(p, "10.0.255.254", 60, 0, NULL, 0));
	expect_forwarded(p, inner(p, "10.0.0.1", 60, 0, NULL, 0));
}

/* A /31 has no broadcast: the other end's address is a host like any other. */
static void
test_broadcast_on_a_31(void **state)
{
	uint8_t p[128];

	(void)state;
	expect_forwarded(p, inner(p, "10.0.2.0", 60, 0, NULL, 0));
	expect_drop(p, inner(p, "255.255.255.255", 60, 0, NULL, 0), DP_DROP_G_Ipv4DirectedBcast);
}

/* 577 bytes and DF at MTU 576: dropped as 25, counted against the SA, and reported. */
static void
test_df_too_big_dropped_and_reported(void **state)
{
	struct sa_rt *in = NULL;
	struct sa *sa;
	uint8_t p[2048];
	size_t len;

	(void)state;
	TAILQ_FOREACH(sa, sad_live(H.dp->sad), link)
		in = sa->rt;
	expect_forwarded(p, inner(p, "10.0.2.5", MTU, RTE_IPV4_HDR_DF_FLAG, NULL, 0));
	len = inner(p, "10.0.2.5", MTU + 1, RTE_IPV4_HDR_DF_FLAG, NULL, 0);
	expect_drop(p, len, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG);
	assert_int_equal(in->ctr.v[DP_SA_CTR_decaps_failed], 1);
	assert_int_equal(H.events[DP_EV_ICMP_ERROR], 1);
	assert_int_equal(H.last_event.type, DP_EV_ICMP_ERROR);
	assert_int_equal(H.last_event.icmp_type, 3);
	assert_int_equal(H.last_event.icmp_code, 4);
	assert_int_equal(H.last_event.icmp_mtu, MTU);
	assert_int_equal(H.last_event.iface, H_INSIDE);
	assert_int_equal(H.last_event.conn_id, in->conn_id);
	assert_int_equal(H.last_event.spi, ESP_NULL_SPI);
	assert_int_equal(H.last_event.proto, IPPROTO_UDP);
	assert_memory_equal(H.last_event.src, p + 12, 4);
	assert_memory_equal(H.last_event.dst, p + 16, 4);
	/* the head as it arrived, TTL not yet decremented */
	assert_int_equal(H.last_event.head_len, DP_EVENT_HEAD);
	assert_memory_equal(H.last_event.head, p, DP_EVENT_HEAD);
	/* 1800 bytes too */
	expect_drop(p, inner(p, "10.0.2.5", 1800, RTE_IPV4_HDR_DF_FLAG, NULL, 0),
		    DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG);
	assert_int_equal(H.events[DP_EV_ICMP_ERROR], 2);
}

/*
 * Fragments of pkt (len bytes, header hl bytes) as RFC 791 section 3.2 makes
 * them at MTU: same ID and TTL - 1, checksums right, every fragment within
 * the MTU and one segment, each but the last a multiple of 8 bytes with MF,
 * offsets in order from the original's, the last with the original's MF;
 * the first carries all options, the others later_opt. The data put back
 * together is the original's.
 */
static void
check_fragments(struct rte_mbuf **f, uint16_t n, const uint8_t *pkt, size_t len,
		const uint8_t *later_opt, uint32_t later_len)
{
	const struct rte_ipv4_hdr *orig = (const struct rte_ipv4_hdr *)pkt;
	uint32_t hl = (orig->version_ihl & 0xf) * 4u, done = 0;
	uint16_t off0 = rte_be_to_cpu_16(orig->fragment_offset);

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(f[i], const struct rte_ipv4_hdr *, 14);
		uint32_t fhl = (ip->version_ihl & 0xf) * 4u;
		uint32_t tot = rte_be_to_cpu_16(ip->total_length);
		uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
		bool last = i == n - 1;

		assert_int_equal(f[i]->nb_segs, 1);
		assert_int_equal(f[i]->pkt_len, 14 + tot);
		assert_true(tot <= MTU);
		assert_int_equal(rte_raw_cksum(ip, fhl), 0xffff);
		assert_int_equal(rte_be_to_cpu_16(ip->packet_id), ID);
		assert_int_equal(ip->time_to_live, TTL - 1);
		assert_int_equal(ip->src_addr, orig->src_addr);
		assert_int_equal(ip->dst_addr, orig->dst_addr);
		assert_int_equal(ip->next_proto_id, orig->next_proto_id);
		assert_int_equal(fo & RTE_IPV4_HDR_DF_FLAG, 0);
		assert_int_equal((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8,
				 (off0 & RTE_IPV4_HDR_OFFSET_MASK) * 8 + done);
		assert_int_equal(!!(fo & RTE_IPV4_HDR_MF_FLAG),
				 !last || (off0 & RTE_IPV4_HDR_MF_FLAG));
		if (!last)
			assert_int_equal((tot - fhl) % 8, 0);
		if (i == 0) {
			assert_int_equal(fhl, hl);
			assert_memory_equal(ip + 1, orig + 1, hl - sizeof(*ip));
		} else {
			assert_int_equal(fhl, sizeof(*ip) + later_len);
			assert_memory_equal(ip + 1, later_opt, later_len);
		}
		assert_true(hl + done + tot - fhl <= len);
		assert_memory_equal((const uint8_t *)ip + fhl, pkt + hl + done, tot - fhl);
		done += tot - fhl;
	}
	assert_int_equal(hl + done, len);
}

static void
fragment_case(const uint8_t *pkt, size_t len, uint16_t want, const uint8_t *later_opt,
	      uint32_t later_len)
{
	struct rte_mbuf *out[MAX_OUT];
	uint64_t total = harness_drops_total(&H);
	uint16_t n = send_inner(pkt, len, out);

	if (n != want) {
		harness_dump_drops(&H);
		fail_msg("%zu bytes at MTU %u: %u fragments, expected %u", len, MTU, n, want);
	}
	assert_int_equal(harness_drops_total(&H), total);
	check_fragments(out, n, pkt, len, later_opt, later_len);
	rte_pktmbuf_free_bulk(out, n);
}

static void
test_fragments(void **state)
{
	struct view_port vp[2];
	uint8_t p[2048];

	(void)state;
	/* (576 - 20) & ~7 = 552 data bytes a fragment */
	fragment_case(p, inner(p, "10.0.2.5", 1000, 0, NULL, 0), 2, NULL, 0);
	fragment_case(p, inner(p, "10.0.2.5", MTU + 1, 0, NULL, 0), 2, NULL, 0);
	fragment_case(p, inner(p, "10.0.2.5", 20 + 3 * 552, 0, NULL, 0), 3, NULL, 0);
	fragment_case(p, inner(p, "10.0.2.5", 20 + 3 * 552 + 1, 0, NULL, 0), 4, NULL, 0);
	fragment_case(p, inner(p, "10.0.2.5", 1980, 0, NULL, 0), 4, NULL, 0);
	expect_forwarded(p, inner(p, "10.0.2.5", MTU, 0, NULL, 0));
	/* counted per egress port: packets fragmented, fragments sent */
	assert_int_equal(dp_port_list(H.dp, vp, 2), 2);
	assert_int_equal(vp[H_INSIDE].fragmented, 5);
	assert_int_equal(vp[H_INSIDE].fragments, 2 + 2 + 3 + 4 + 4);
	assert_int_equal(vp[H_OUTSIDE].fragmented, 0);
}

/*
 * RFC 791 3.1: Router Alert (0x94, copied flag set) goes into every fragment,
 * Record Route (7, not copied) and the NOP only into the first; the later
 * fragments' options are padded to 4 bytes with End of Option List.
 */
static void
test_fragments_copy_options(void **state)
{
	static const uint8_t opt[12] = {0x94, 4, 0, 0, 0x01, 0x07, 7, 4, 0, 0, 0, 0};
	static const uint8_t later[4] = {0x94, 4, 0, 0};
	static const uint8_t opt2[8] = {0x07, 3, 4, 0x83, 3, 4, 0, 0};	/* RR, then LSRR stub */
	static const uint8_t later2[4] = {0x83, 3, 4, 0};
	uint8_t p[2048];

	(void)state;
	/* (576 - 32) & ~7 = 544 in the first, (576 - 24) & ~7 = 552 after */
	fragment_case(p, inner(p, "10.0.2.5", 1200, 0, opt, sizeof(opt)), 3, later, sizeof(later));
	fragment_case(p, inner(p, "10.0.2.5", 1200, 0, opt2, sizeof(opt2)), 3, later2,
		      sizeof(later2));
}

/* A fragment fragmented again: offsets continue from its own, MF stays on its last piece. */
static void
test_fragment_of_a_fragment(void **state)
{
	uint8_t p[2048];

	(void)state;
	fragment_case(p, inner(p, "10.0.2.5", 1000, RTE_IPV4_HDR_MF_FLAG | 100, NULL, 0), 2, NULL,
		      0);
	fragment_case(p, inner(p, "10.0.2.5", 1000, 200, NULL, 0), 2, NULL, 0);
}

/* Options that cannot be walked cannot be copied: a malformed header, counted as such. */
static void
test_fragment_bad_options(void **state)
{
	static const uint8_t zero_len[4] = {0x94, 0, 0, 0};
	static const uint8_t too_long[4] = {0x07, 9, 4, 0};
	static const uint8_t cut[4] = {0x01, 0x01, 0x01, 0x94};
	uint8_t p[2048];

	(void)state;
	expect_drop(p, inner(p, "10.0.2.5", 1000, 0, zero_len, 4), DP_DROP_G_Ipv4HdrErr);
	expect_drop(p, inner(p, "10.0.2.5", 1000, 0, too_long, 4), DP_DROP_G_Ipv4HdrErr);
	expect_drop(p, inner(p, "10.0.2.5", 1000, 0, cut, 4), DP_DROP_G_Ipv4HdrErr);
	/* the same options in a packet that fits are not looked at (forwarded as they are) */
	expect_forwarded(p, inner(p, "10.0.2.5", 100, 0, cut, 4));
	/* an offset that would carry the fragments past 65535 bytes */
	expect_drop(p, inner(p, "10.0.2.5", 1000, 8100, NULL, 0), DP_DROP_G_Ipv4HdrErr);
}

/* No buffer for the second fragment: nothing is sent, the packet counted as IpFragErr. */
static void
test_fragment_no_buffer(void **state)
{
	static struct rte_mbuf *hoard[8192];
	static uint8_t pt[ESP_NULL_MAX];
	struct rte_mbuf *m, *out[MAX_OUT];
	uint8_t p[2048];
	uint64_t before = harness_drops(&H, DP_DROP_G_IpFragErr);
	unsigned int k = 0;
	uint16_t n;

	(void)state;
	m = esp_null_frame(&H, seq++, pt,
			   esp_null_plaintext(pt, p, inner(p, "10.0.2.5", 1000, 0, NULL, 0)));
	assert_non_null(m);
	while (k < RTE_DIM(hoard) && (hoard[k] = rte_pktmbuf_alloc(H.dp->pool)) != NULL)
		k++;
	assert_true(k > 0 && k < RTE_DIM(hoard));
	rte_pktmbuf_free(hoard[--k]);	/* room for one fragment of two */
	n = harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, NULL);
	rte_pktmbuf_free_bulk(hoard, k);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(n, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_IpFragErr), before + 1);
	/* and with buffers back, the same size goes out in two */
	fragment_case(p, inner(p, "10.0.2.5", 1000, 0, NULL, 0), 2, NULL, 0);
}

/*
 * The gateway's own packet into the tunnel: the outbound SA of the entry its
 * addresses match, the TTL as the gateway set it (the peer's copy, reflected
 * and decapsulated here, shows one less: that decrement is the forwarding's).
 */
static void
test_inject_encrypt(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128};
	struct rte_mbuf *m, *out[MAX_OUT];
	uint8_t frame[256], pl[24];
	const struct rte_ipv4_hdr *ip;
	struct sa_rt *osa;
	uint16_t port = 99, n;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i + 0x30);
	len = harness_ipv4_frame(frame, "10.0.2.1", "10.0.0.7", IPPROTO_ICMP, 64, pl, sizeof(pl));

	/* no SA yet for the entry: counted like a host's packet (IKE would be asked) */
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(dp_inject_encrypt(H.dp, H_INSIDE, m), 0);
	worker_inject(H.w);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 1);

	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	assert_true(harness_add_sa(&H, &s) > 0);
	osa = spd_out_sa(H.dp->spd, 0);
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(dp_inject_encrypt(H.dp, H_INSIDE, m), 0);
	worker_inject(H.w);
	n = harness_collect(&H, out, MAX_OUT, &port);
	assert_int_equal(n, 1);
	assert_int_equal(port, H_OUTSIDE);
	assert_int_equal(osa->ctr.v[DP_SA_CTR_pkts], 1);
	assert_int_equal(rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *, 14)->next_proto_id,
			 IPPROTO_ESP);

	harness_reflect(out[0]);
	m = out[0];
	n = harness_send(&H, H_OUTSIDE, &m, 1, out, MAX_OUT, &port);
	assert_int_equal(n, 1);
	assert_int_equal(port, H_INSIDE);
	ip = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv4_hdr *, 14);
	assert_int_equal(ip->time_to_live, 63);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), len - 14);
	assert_memory_equal(ip + 1, pl, sizeof(pl));
	rte_pktmbuf_free(out[0]);

	/* no crypto map line for it: counted as a host's would be */
	len = harness_ipv4_frame(frame, "10.0.2.1", "172.16.0.9", IPPROTO_ICMP, 64, pl, 8);
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(dp_inject_encrypt(H.dp, H_INSIDE, m), 0);
	worker_inject(H.w);
	worker_flush(H.w);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);

	/* only inside interfaces name a tunnel's entrance */
	m = harness_mbuf(&H, frame, len);
	assert_int_equal(dp_inject_encrypt(H.dp, H_OUTSIDE, m), -ENODEV);
	assert_int_equal(dp_inject_encrypt(H.dp, 7, m), -ENODEV);
	rte_pktmbuf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_broadcasts_not_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_on_a_31, setup_31, teardown),
		cmocka_unit_test_setup_teardown(test_df_too_big_dropped_and_reported, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragments_copy_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_of_a_fragment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_bad_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_no_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inject_encrypt, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
