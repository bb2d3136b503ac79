/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frag6.c, IPv6 fragmentation of the gateway's outer packets (RFC 8200
 * section 4.5), on its own:
 *
 *   [Ethernet][IPv6, next header 50][ESP ..... len bytes .....]
 *     -> [Ethernet][IPv6, nh 44][Frag: nh 50, offset 0,     M=1, id][first step bytes]
 *        [Ethernet][IPv6, nh 44][Frag: nh 50, offset step,  M=1, id][next step bytes]
 *        [Ethernet][IPv6, nh 44][Frag: nh 50, offset k*step, M=0, id][the rest]
 *
 * step is the largest multiple of 8 that fits the MTU behind 48 bytes of
 * headers; every fragment fits the MTU; the pieces put together in order are
 * the original payload byte for byte; the bounds (FRAG6_MAX, an MTU with no
 * room, next headers of the unfragmentable part, a pool that runs dry) make
 * no fragment and leak nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dpsec/ip6.h"

#include "frag6.h"
#include "harness.h"

#define L2 14u

static struct harness H;
static uint8_t frame[10240];
static struct rte_mempool *big;	/* buffers for a 9000-byte packet in one segment */

static int
setup(void **state)
{
	(void)state;
	big = rte_pktmbuf_pool_create("frag6_big", 63, 0, 0, RTE_PKTMBUF_HEADROOM + 10240,
				      SOCKET_ID_ANY);
	return big != NULL ? harness_create(&H) : -1;
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	rte_mempool_free(big);
	return 0;
}

/* Ethernet + IPv6 (next header nh) + len payload bytes of a pattern; an mbuf of it. */
static struct rte_mbuf *
packet(struct rte_mempool *mp, uint8_t nh, uint32_t len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_mbuf *m;
	uint8_t *pl = (uint8_t *)(ip6 + 1);

	assert_true(L2 + 40 + len <= sizeof(frame));
	memset(frame, 0, L2 + 40);
	assert_true(mac_parse(H_PEER_MAC, eth->dst_addr.addr_bytes));
	assert_true(mac_parse(H_OUTSIDE_MAC, eth->src_addr.addr_bytes));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x6b812345);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)len);
	ip6->proto = nh;
	ip6->hop_limits = 64;
	assert_true(ip6_parse("2001:db8::2", ip6->src_addr));
	assert_true(ip6_parse(H_PEER6, ip6->dst_addr));
	for (uint32_t i = 0; i < len; i++)
		pl[i] = (uint8_t)(i * 7 + 3);
	m = rte_pktmbuf_alloc(mp);
	assert_non_null(m);
	assert_true(rte_pktmbuf_tailroom(m) >= L2 + 40 + len);
	memcpy(rte_pktmbuf_append(m, (uint16_t)(L2 + 40 + len)), frame, L2 + 40 + len);
	m->l2_len = L2;
	return m;
}

/*
 * The n fragments of the packet in frame (payload len bytes) at mtu, with id:
 * each checked field by field, and their pieces the payload in order.
 */
static void
expect_fragments(struct rte_mbuf **f, unsigned int n, uint32_t len, uint16_t mtu, uint32_t id)
{
	uint32_t step = (mtu - 48u) & ~7u, done = 0;
	const struct rte_ipv6_hdr *orig = (const struct rte_ipv6_hdr *)(frame + L2);

	assert_int_equal(n, (len + step - 1) / step);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(f[i], const uint8_t *);
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(p + L2);
		const struct rte_ipv6_fragment_ext *fh = (const void *)(ip6 + 1);
		uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
		uint32_t chunk = rte_be_to_cpu_16(ip6->payload_len) - 8u;
		bool last = i + 1 == n;

		assert_int_equal(f[i]->nb_segs, 1);
		assert_int_equal(rte_pktmbuf_pkt_len(f[i]), L2 + 48 + chunk);
		assert_true(40 + 8 + chunk <= mtu);
		assert_memory_equal(p, frame, L2);	/* the L2 header as it was */
		/* the IPv6 header as it was but for payload length and next header */
		assert_int_equal(ip6->vtc_flow, orig->vtc_flow);
		assert_int_equal(ip6->hop_limits, orig->hop_limits);
		assert_memory_equal(ip6->src_addr, orig->src_addr, 32);
		assert_int_equal(ip6->proto, IPPROTO_FRAGMENT);
		assert_int_equal(fh->next_header, IPPROTO_ESP);
		assert_int_equal(fh->reserved, 0);
		assert_int_equal(rte_be_to_cpu_32(fh->id), id);
		assert_int_equal(fd & 6, 0);		/* the reserved bits */
		assert_int_equal(fd & 1, !last);	/* M */
		assert_int_equal(fd & ~7u, done);	/* offset, in 8-byte units */
		if (!last)
			assert_int_equal(chunk, step);	/* a multiple of 8, as large as fits */
		else
			assert_true(chunk > 0 && chunk <= step);
		assert_memory_equal(fh + 1, frame + L2 + 40 + done, chunk);
		done += chunk;
	}
	assert_int_equal(done, len);
}

static void
cut(struct rte_mempool *mp, uint32_t len, uint16_t mtu)
{
	struct rte_mbuf *m = packet(mp, IPPROTO_ESP, len), *f[FRAG6_MAX];
	unsigned int n;

	assert_non_null(m);
	assert_true(frag6_fits(40 + len, mtu));
	n = frag6_split(m, mp, mtu, 0xa1b2c3d4, f);
	expect_fragments(f, n, len, mtu, 0xa1b2c3d4);
	rte_pktmbuf_free_bulk(f, n);
	rte_pktmbuf_free(m);
}

/* Payloads at MTUs that are and are not 8 + 48 aligned, to the last byte. */
static void
test_offsets_and_last_piece(void **state)
{
	static const struct {
		uint32_t len;
		uint16_t mtu;
	} c[] = {
		{1400, 1280},	/* 1232 + 168 */
		{1233, 1280},	/* 1232 + 1: a last piece of one byte */
		{2464, 1280},	/* exactly two full pieces */
		{1500, 1283},	/* (1283 - 48) & ~7 = 1232: 3 bytes of the MTU unused */
		{3000, 1300},	/* 1248 + 1248 + 504 */
		{1300, 1000},	/* an IPv6 path is never below 1280, but nothing assumes it */
		{1441, 1500},
		{8000, 9000},
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(c); i++)
		cut(big, c[i].len, c[i].mtu);
}

/* Up to FRAG6_MAX fragments and no more; an MTU with no room for 8 bytes behind the headers. */
static void
test_bounds(void **state)
{
	struct rte_mbuf *m, *f[FRAG6_MAX];
	uint32_t step = (1280 - 48) & ~7u;
	unsigned int n;

	(void)state;
	assert_true(frag6_fits(40 + FRAG6_MAX * step, 1280));
	assert_false(frag6_fits(40 + FRAG6_MAX * step + 1, 1280));
	assert_false(frag6_fits(1000, 55));	/* 48 + 7: no 8-byte piece fits */
	assert_true(frag6_fits(48, 56));
	assert_false(frag6_fits(40, 1280));	/* nothing to cut */
	assert_false(frag6_fits(30, 1280));
	/* 9 pieces at MTU 600 (552 each): refused whole */
	m = packet(big, IPPROTO_ESP, 8 * 552 + 1);
	assert_int_equal(frag6_split(m, big, 600, 1, f), 0);
	rte_pktmbuf_free(m);
	/* the largest that fits, 8 pieces; and a 9000-byte packet at 1280 */
	m = packet(big, IPPROTO_ESP, 8 * 552);
	n = frag6_split(m, big, 600, 2, f);
	expect_fragments(f, n, 8 * 552, 600, 2);
	rte_pktmbuf_free_bulk(f, n);
	rte_pktmbuf_free(m);
	cut(big, 9000 - 40, 1280);
	m = packet(big, IPPROTO_ESP, 1400);
	assert_int_equal(frag6_split(m, big, 50, 3, f), 0);
	rte_pktmbuf_free(m);
}

/* What frag6.c does not cut: headers of the unfragmentable part, a length the mbuf lacks. */
static void
test_refused(void **state)
{
	static const uint8_t nhs[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT};
	struct rte_mbuf *m, *f[FRAG6_MAX];
	unsigned int avail = rte_mempool_avail_count(big);

	(void)state;
	for (size_t i = 0; i < RTE_DIM(nhs); i++) {
		m = packet(big, nhs[i], 1400);
		assert_int_equal(frag6_split(m, big, 1280, 1, f), 0);
		rte_pktmbuf_free(m);
	}
	/* the payload length says more than the mbuf holds */
	m = packet(big, IPPROTO_ESP, 1400);
	rte_pktmbuf_trim(m, 1);
	assert_int_equal(frag6_split(m, big, 1280, 1, f), 0);
	/* shorter than an IPv6 header */
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - L2 - 39));
	assert_int_equal(frag6_split(m, big, 1280, 1, f), 0);
	rte_pktmbuf_free(m);
	/* UDP (ESP-in-UDP) and AH are cut like ESP */
	m = packet(big, IPPROTO_UDP, 1400);
	assert_int_equal(frag6_split(m, big, 1280, 1, f), 2);
	assert_int_equal(((const struct rte_ipv6_fragment_ext *)rte_pktmbuf_mtod_offset(
				  f[0], const uint8_t *, L2 + 40))->next_header, IPPROTO_UDP);
	rte_pktmbuf_free_bulk(f, 2);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(big), avail);
}

/* A pool with room for two of three fragments: none is made, none leaks. */
static void
test_pool_runs_dry(void **state)
{
	struct rte_mempool *tiny = rte_pktmbuf_pool_create("frag6_tiny", 3, 0, 0,
							   RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	struct rte_mbuf *m, *f[FRAG6_MAX];

	(void)state;
	assert_non_null(tiny);
	m = packet(tiny, IPPROTO_ESP, 1800);	/* takes one of the three */
	assert_int_equal(frag6_split(m, tiny, 700, 1, f), 0);	/* 652 * 3 pieces */
	assert_int_equal(rte_mempool_avail_count(tiny), 2);
	/* two pieces fit the two left */
	assert_int_equal(frag6_split(m, tiny, 1280, 1, f), 2);
	rte_pktmbuf_free_bulk(f, 2);
	rte_pktmbuf_free(m);
	rte_mempool_free(tiny);
}

/* Identifications: a worker's follow one another from its start; two workers never share one. */
static void
test_identification(void **state)
{
	uint32_t a = 0xfffffffeu, b = 0xfffffffeu, ia[4], ib[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		ia[i] = frag6_next_id(&a, 0);
		ib[i] = frag6_next_id(&b, 1);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(ia[i] & 0xff, 0);
		assert_int_equal(ib[i] & 0xff, 1);
		for (int j = 0; j < 4; j++) {
			assert_true(ia[i] != ib[j]);
			if (i != j)
				assert_true(ia[i] != ia[j]);
		}
	}
	assert_int_equal(a, 2);	/* the counter wraps */
	/* each worker's start drawn at random (dp.c): two dataplanes, two starts (1 in 2^32 equal) */
	assert_true(H.w->frag6_id != 0 || H.dp->n_workers == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offsets_and_last_piece, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_runs_dry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identification, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
