/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound reassembly before decryption (reasm_in.h): ESP from the peer that
 * the path fragmented, put together and then decrypted like any other:
 *
 *   peer 192.0.2.1 --ESP, in fragments--> outside0 [reasm -> esp_in] inside0 --> 10.0.2.5
 *
 * Each test cuts one ESP-NULL frame (esp_null.h: the test chooses the inner
 * packet) into IPv4 fragments itself and sends them in some order, with
 * duplicates, overlaps or pieces missing, and checks what came out on the
 * inside and which counter moved (and that no other did). Time is the
 * harness's fake clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dpsec/ip4.h"

#include "esp.h"
#include "esp_null.h"
#include "harness.h"
#include "reasm_in.h"
#include "worker.h"

#define MAX_OUT 8
#define FRAME_MAX 4096
#define L3 ((size_t)sizeof(struct rte_ether_hdr))
#define HL 20u

static struct harness H;
static uint32_t seq;
static uint16_t ip_id;

/* One ESP frame from the peer, as the test keeps it to cut. */
struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
	uint8_t inner[FRAME_MAX];
	size_t inner_len;
};

static int
setup_sa(bool udp)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = ESP_NULL_SPI, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .replay_window = 64,
			 .akey = esp_null_akey, .udp = udp};

	seq = 1;
	ip_id = 0x100;
	if (harness_create(&H) != 0)
		return -1;
	return harness_add_sa(&H, &s) > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	return setup_sa(false);
}

static int
setup_udp(void **state)
{
	(void)state;
	return setup_sa(true);
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

static struct rte_ipv4_hdr *
ip_of(uint8_t *frame)
{
	return (struct rte_ipv4_hdr *)(frame + L3);
}

/* A UDP packet 10.0.0.7 -> 10.0.2.5 of tot bytes (payload i * 13 + salt). */
static size_t
inner_udp(uint8_t *p, size_t tot, uint8_t salt)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint32_t a;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip4_parse("10.0.0.7", &a);
	ip->src_addr = a;
	ip4_parse("10.0.2.5", &a);
	ip->dst_addr = a;
	for (size_t i = sizeof(*ip); i < tot; i++)
		p[i] = (uint8_t)(i * 13 + salt);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return tot;
}

/*
 * The next ESP frame carrying an inner packet of inner_tot bytes; with udp,
 * as ESP-in-UDP to 4500 (RFC 3948). Its IP ID is new for each frame.
 */
static void
make_frame(struct frame *f, size_t inner_tot, bool udp)
{
	static uint8_t pt[ESP_NULL_MAX];
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	f->inner_len = inner_udp(f->inner, inner_tot, (uint8_t)seq);
	m = esp_null_frame(&H, seq++, pt, esp_null_plaintext(pt, f->inner, f->inner_len));
	assert_non_null(m);
	f->len = rte_pktmbuf_data_len(m);
	memcpy(f->b, rte_pktmbuf_mtod(m, void *), f->len);
	rte_pktmbuf_free(m);
	ip = ip_of(f->b);
	if (udp) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(f->b + L3 + HL);

		assert_true(f->len + sizeof(*u) <= FRAME_MAX);
		memmove((uint8_t *)(u + 1), u, f->len - L3 - HL);
		f->len += sizeof(*u);
		u->src_port = u->dst_port = rte_cpu_to_be_16(4500);
		u->dgram_len = rte_cpu_to_be_16((uint16_t)(f->len - L3 - HL));
		u->dgram_cksum = 0;
		ip->next_proto_id = IPPROTO_UDP;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(f->len - L3));
	}
	ip->packet_id = rte_cpu_to_be_16(ip_id++);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Payload bytes of the frame's IP datagram. */
static size_t
payload_len(const struct frame *f)
{
	return f->len - L3 - HL;
}

/*
 * The fragment carrying payload bytes [off, off + len) of f, MF as more; with
 * flip, one of its bytes changed (an overlap that disagrees).
 */
static struct rte_mbuf *
frag(const struct frame *f, size_t off, size_t len, bool more, bool flip)
{
	uint8_t b[FRAME_MAX];
	struct rte_ipv4_hdr *ip = ip_of(b);

	assert_true(off + len <= payload_len(f));
	memcpy(b, f->b, L3 + HL);
	memcpy(b + L3 + HL, f->b + L3 + HL + off, len);
	if (flip)
		b[L3 + HL + len - 1] ^= 0x5a;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(HL + len));
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(off / 8 | (more ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return harness_mbuf(&H, b, L3 + HL + len);
}

/* Fragments of f cut every step bytes (a multiple of 8), into fr[]; returns how many. */
static unsigned int
cut(const struct frame *f, size_t step, struct rte_mbuf **fr)
{
	size_t total = payload_len(f);
	unsigned int n = 0;

	for (size_t off = 0; off < total; off += step) {
		size_t len = off + step < total ? step : total - off;

		fr[n++] = frag(f, off, len, off + len < total, false);
	}
	return n;
}

/* Send these frames one burst each; the frames that came out. */
static uint16_t
send_each(struct rte_mbuf **in, unsigned int n, struct rte_mbuf **out)
{
	uint16_t got = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t port;

		got += harness_send(&H, H_OUTSIDE, &in[i], 1, out + got, MAX_OUT - got, &port);
	}
	return got;
}

/* Exactly one frame came out, on the inside, and it carries f's inner packet. */
static void
expect_inner(const struct frame *f, struct rte_mbuf **out, uint16_t n)
{
	const uint8_t *p;

	if (n != 1) {
		harness_dump_drops(&H);
		fail_msg("expected the inner packet, got %u frames", n);
	}
	assert_int_equal(rte_pktmbuf_data_len(out[0]), L3 + f->inner_len);
	p = rte_pktmbuf_mtod_offset(out[0], const uint8_t *, L3);
	/* TTL one lower and the checksum with it; the rest as sent */
	assert_int_equal(p[8], f->inner[8] - 1);
	assert_memory_equal(p + 12, f->inner + 12, f->inner_len - 12);
	rte_pktmbuf_free_bulk(out, n);
}

static const struct dp_port_ctr *
outside_ctr(void)
{
	return &H.w->stats.port[H_OUTSIDE];
}

/* Three fragments in each of their six orders: every one decrypts to the inner packet. */
static void
test_every_order(void **state)
{
	static const unsigned int order[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
						 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	struct rte_mbuf *fr[3], *in[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	for (unsigned int o = 0; o < 6; o++) {
		make_frame(&f, 1000, false);
		assert_int_equal(cut(&f, 400, fr), 3);
		for (unsigned int i = 0; i < 3; i++)
			in[i] = fr[order[o][i]];
		expect_inner(&f, out, send_each(in, 3, out));
	}
	assert_int_equal(harness_drops_total(&H), 0);
	assert_int_equal(outside_ctr()->reassembled, 6);
	assert_int_equal(outside_ctr()->reasm_fragments, 18);
	assert_int_equal(outside_ctr()->fwd_pkts, 6);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
}

/* All fragments of two datagrams, interleaved, in one burst. */
static void
test_one_burst_two_datagrams(void **state)
{
	struct rte_mbuf *a[4], *b[4], *in[8], *out[MAX_OUT];
	struct frame fa, fb;
	uint16_t n;

	(void)state;
	make_frame(&fa, 600, false);
	make_frame(&fb, 700, false);
	assert_int_equal(cut(&fa, 200, a), 4);
	assert_int_equal(cut(&fb, 248, b), 3);
	in[0] = b[2], in[1] = a[3], in[2] = a[0], in[3] = b[0];
	in[4] = a[2], in[5] = b[1], in[6] = a[1];
	n = harness_send(&H, H_OUTSIDE, in, 7, out, MAX_OUT, NULL);
	assert_int_equal(n, 2);
	/* in the order they completed: b, then a */
	expect_inner(&fb, out, 1);
	expect_inner(&fa, out + 1, 1);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* An exact duplicate is dropped alone; the datagram completes without it. */
static void
test_duplicate(void **state)
{
	struct rte_mbuf *fr[3], *in[4], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	cut(&f, 400, fr);
	in[0] = fr[1];
	in[1] = frag(&f, 400, 400, true, false);	/* the same again */
	in[2] = fr[0];
	in[3] = fr[2];
	expect_inner(&f, out, send_each(in, 4, out));
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_DUPLICATE), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(outside_ctr()->reasm_fragments, 3);
}

/*
 * Overlaps (RFC 5722's rule): the same place with other bytes, or a piece
 * straddling one held, drops the datagram and every fragment of it held.
 */
static void
test_overlaps(void **state)
{
	struct rte_mbuf *in[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	in[0] = frag(&f, 0, 400, true, false);
	in[1] = frag(&f, 400, 400, true, false);
	in[2] = frag(&f, 400, 400, true, true);	/* same place, a byte differs */
	assert_int_equal(send_each(in, 3, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_OVERLAP), 3);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);

	/* the same bytes, cut differently: still an overlap */
	make_frame(&f, 1000, false);
	in[0] = frag(&f, 0, 400, true, false);
	in[1] = frag(&f, 392, 16, true, false);
	assert_int_equal(send_each(in, 2, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_OVERLAP), 5);
	assert_int_equal(harness_drops_total(&H), 5);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
}

/* A piece missing: nothing comes out; at the timeout, not before, the held ones are dropped. */
static void
test_missing_piece_times_out(void **state)
{
	struct rte_mbuf *fr[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	cut(&f, 400, fr);
	rte_pktmbuf_free(fr[1]);
	fr[1] = fr[2];
	assert_int_equal(send_each(fr, 2, out), 0);
	assert_int_equal(reasm_in_pending(H.w->reasm), 1);
	clk_fake_advance_ms(&H.fake, REASM_IN_TIMEOUT_MS - 1);
	reasm_in_expire(H.w, clk_mono_ns(&H.clock));
	assert_int_equal(harness_drops_total(&H), 0);
	clk_fake_advance_ms(&H.fake, 1);
	reasm_in_expire(H.w, clk_mono_ns(&H.clock));
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_TIMEOUT), 2);
	assert_int_equal(harness_drops_total(&H), 2);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
}

/* The missing piece after the timeout starts a datagram of its own (expired on the next burst). */
static void
test_late_piece_after_timeout(void **state)
{
	struct rte_mbuf *fr[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	cut(&f, 400, fr);
	assert_int_equal(send_each(fr, 2, out), 0);
	clk_fake_advance_ms(&H.fake, REASM_IN_TIMEOUT_MS);
	assert_int_equal(send_each(fr + 2, 1, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_TIMEOUT), 2);
	assert_int_equal(reasm_in_pending(H.w->reasm), 1);
}

/* REASM_IN_SLOTS datagrams at once; a fragment of one more is refused, none evicted. */
static void
test_table_full(void **state)
{
	struct rte_mbuf *m, *out[MAX_OUT];
	struct frame f;

	(void)state;
	for (unsigned int i = 0; i <= REASM_IN_SLOTS; i++) {
		make_frame(&f, 600, false);
		m = frag(&f, 0, 200, true, false);
		assert_int_equal(send_each(&m, 1, out), 0);
	}
	assert_int_equal(reasm_in_pending(H.w->reasm), REASM_IN_SLOTS);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_TABLE_FULL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
}

/* REASM_IN_FRAGS pieces at most: the next one drops them all. */
static void
test_too_many_fragments(void **state)
{
	struct rte_mbuf *m, *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	for (unsigned int i = 0; i <= REASM_IN_FRAGS; i++) {
		m = frag(&f, i * 8, 8, true, false);
		assert_int_equal(send_each(&m, 1, out), 0);
	}
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_TOO_MANY_FRAGS), REASM_IN_FRAGS + 1);
	assert_int_equal(harness_drops_total(&H), REASM_IN_FRAGS + 1);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
}

/* Whole, it would not fit one mbuf: both fragments dropped as too big. */
static void
test_too_big(void **state)
{
	struct rte_mbuf *fr[2], *out[MAX_OUT];
	struct frame f;

	(void)state;
	/* a datagram that never was one frame: ESP header, then anything */
	make_frame(&f, 1000, false);
	f.len = L3 + HL + H.w->reasm->room;
	assert_true(f.len <= FRAME_MAX);
	assert_true(L3 + HL + payload_len(&f) > H.w->reasm->room);
	fr[0] = frag(&f, 0, 1200, true, false);
	fr[1] = frag(&f, 1200, payload_len(&f) - 1200, false, false);
	assert_int_equal(send_each(fr, 2, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_TOO_BIG), 2);
	assert_int_equal(harness_drops_total(&H), 2);
}

/* No mbuf left for the whole: the fragments are dropped as such. */
static void
test_no_buffer(void **state)
{
	struct rte_mbuf *fr[3], *out[MAX_OUT], **hog;
	unsigned int nh = 0, cap = 8192;
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	cut(&f, 400, fr);
	assert_int_equal(send_each(fr, 2, out), 0);
	hog = calloc(cap, sizeof(*hog));
	assert_non_null(hog);
	while (nh < cap && (hog[nh] = rte_pktmbuf_alloc(H.dp->pool)) != NULL)
		nh++;
	assert_int_equal(send_each(fr + 2, 1, out), 0);
	rte_pktmbuf_free_bulk(hog, nh);
	free(hog);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_REASM_NO_BUFFER), 3);
	assert_int_equal(harness_drops_total(&H), 3);
}

/* 70 for what is malformed: two different ends, or data past the end. */
static void
test_bad_lengths(void **state)
{
	struct rte_mbuf *in[2], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	in[0] = frag(&f, 400, 400, false, false);	/* "the last" ends at 800 */
	in[1] = frag(&f, 800, 8, true, false);	/* then bytes past it */
	assert_int_equal(send_each(in, 2, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_PKT_FRAG_ERR), 2);

	make_frame(&f, 1000, false);
	in[0] = frag(&f, 400, 400, false, false);
	in[1] = frag(&f, 96, 200, false, false);	/* a second, different, last */
	assert_int_equal(send_each(in, 2, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_PKT_FRAG_ERR), 4);
	assert_int_equal(harness_drops_total(&H), 4);
	assert_int_equal(reasm_in_pending(H.w->reasm), 0);
}

/*
 * The whole goes through the normal inbound path: the same datagram's
 * fragments again (a retransmission, or a replay) reassemble, and anti-replay
 * drops the second copy.
 */
static void
test_reassembled_then_replay_checked(void **state)
{
	struct rte_mbuf *fr[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, false);
	cut(&f, 400, fr);
	expect_inner(&f, out, send_each(fr, 3, out));
	cut(&f, 400, fr);
	assert_int_equal(send_each(fr, 3, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(outside_ctr()->reassembled, 2);
}

/* ESP-in-UDP (RFC 3948): the first fragment, whenever it comes, says it is ESP. */
static void
test_esp_in_udp(void **state)
{
	struct rte_mbuf *fr[3], *in[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, true);
	assert_int_equal(cut(&f, 400, fr), 3);
	in[0] = fr[2], in[1] = fr[0], in[2] = fr[1];
	expect_inner(&f, out, send_each(in, 3, out));
	assert_int_equal(harness_drops_total(&H), 0);
	assert_int_equal(H.punted, 0);
}

/*
 * IKE on 500 (and on 4500 behind the zero marker) in fragments: held until
 * the first comes, then all of them, and those still to come, are the
 * control plane's (src/ctrl/reasm4.c), as before.
 */
static void
test_ike_fragments_punted(void **state)
{
	static const uint16_t port[2] = {500, 4500};
	struct rte_mbuf *fr[3], *out[MAX_OUT];
	struct frame f;

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct rte_udp_hdr *u;
		uint64_t punted = H.punted;

		make_frame(&f, 1000, true);
		u = (struct rte_udp_hdr *)(f.b + L3 + HL);
		u->dst_port = rte_cpu_to_be_16(port[i]);
		memset(u + 1, 0, 4);	/* the non-ESP marker; an IKE SPI on 500 */
		cut(&f, 400, fr);
		assert_int_equal(send_each(fr + 1, 1, out), 0);
		assert_int_equal(H.punted, punted);
		assert_int_equal(send_each(fr, 1, out), 0);
		assert_int_equal(H.punted, punted + 2);
		assert_int_equal(send_each(fr + 2, 1, out), 0);
		assert_int_equal(H.punted, punted + 3);
	}
	/* the control plane drops them, not reassembly */
	assert_int_equal(harness_drops_total(&H), harness_drops(&H, DP_DROP_G_PuntUnhandled));
}

/* A first UDP fragment too short for the UDP header and marker: 70 for the datagram. */
static void
test_udp_tiny_first_fragment(void **state)
{
	struct rte_mbuf *in[2], *out[MAX_OUT];
	struct frame f;

	(void)state;
	make_frame(&f, 1000, true);
	in[0] = frag(&f, 400, 400, true, false);
	in[1] = frag(&f, 0, 8, true, false);	/* the UDP header alone */
	assert_int_equal(send_each(in, 2, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_V4_PKT_FRAG_ERR), 2);
	assert_int_equal(harness_drops_total(&H), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_burst_two_datagrams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_piece_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_piece_after_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassembled_then_replay_checked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_esp_in_udp, setup_udp, teardown),
		cmocka_unit_test_setup_teardown(test_ike_fragments_punted, setup_udp, teardown),
		cmocka_unit_test_setup_teardown(test_udp_tiny_first_fragment, setup_udp, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
