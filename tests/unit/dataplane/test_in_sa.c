/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound SA that classification finds and carries to esp_in.c in the
 * packet with the ESP's offset and length (pkt_in_esp, dataplane.h), so
 * that the SA table is probed once and the headers read once:
 *
 *   classify_outside, ESP or ESP-in-UDP over IPv4  --> the SA of (SPI, destination, ESP, IPv4)
 *                                                      none: dropped there, 4 SA_NOT_FOUND_SPI
 *   classify_outside, ESP over IPv6                --> NULL: esp_in.c looks it up
 *   another worker's handoff, an AH bundle's ESP   --> NULL first: esp_in.c looks it up
 *   AH over IPv4                                   --> NULL: the inbound split reads its header
 *
 * What the field held before is never what decides: each packet starts with
 * it holding another SA of the same SPI (an AH SA, which would refuse the
 * packet), so a path that trusted a stale value fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "classify.h"
#include "esp.h"
#include "harness.h"
#include "sa.h"
#include "sad.h"
#include "worker.h"

static struct harness H;

#define SPI 0x2002
#define AH_ONLY_SPI 0x3003

static int
setup(void **state)
{
	struct h_opts o = {.outside6 = "2001:db8::2"};

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

static struct sa_rt *
rt_of(int conn)
{
	struct sa *sa;

	assert_true(conn > 0);
	sa = sad_find_conn(H.dp->sad, (uint32_t)conn);
	assert_non_null(sa);
	return sa->rt;
}

/* An inbound AH SA with SPI spi: the stale value each packet's field starts with. */
static struct sa_rt *
add_ah(uint32_t spi)
{
	struct h_sa ah = {.dir = CFG_DIR_IN, .spi = spi, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128,
			  .replay_window = 64};

	return rt_of(harness_add_sa(&H, &ah));
}

/* An AES-GCM SA pair with SPI (ESP-in-UDP if udp): the inbound one's sa_rt. */
static struct sa_rt *
add_gcm_pair(bool udp)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = SPI, .cipher = DP_CIPHER_AES_GCM_128,
			 .udp = udp};

	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	return rt_of(harness_add_sa(&H, &s));
}

/* A host's packet encrypted through the outbound SA and reflected: ESP from the peer. */
static struct rte_mbuf *
peer_esp(void)
{
	uint8_t frame[256], payload[64] = {1, 2, 3};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
					sizeof(payload));
	struct rte_mbuf *in = harness_mbuf(&H, frame, len), *out = NULL;
	uint16_t port = 99;

	assert_non_null(in);
	assert_int_equal(harness_send(&H, H_INSIDE, &in, 1, &out, 1, &port), 1);
	assert_int_equal(port, H_OUTSIDE);
	harness_reflect(out);
	return out;
}

/* classify_outside on one packet (to the port's MAC, as harness_rx sends it): kept or not. */
static bool
classified(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	dp_drop_t reason[1];
	uint16_t np = 99, k;

	rte_ether_addr_copy(&H.dp->ports[H_OUTSIDE].mac, &eth->dst_addr);
	k = classify_outside(&H.dp->ports[H_OUTSIDE], sad_table(H.dp->sad), &m, 1, &np, reason);
	assert_int_equal(np, 0);
	return k == 1;
}

/* The inside port sent exactly one packet (freed). */
static void
forwarded_one(void)
{
	struct rte_mbuf *out[2];
	uint16_t port = 99;

	if (harness_collect(&H, out, 2, &port) != 1) {
		harness_dump_drops(&H);
		fail_msg("not forwarded");
	}
	assert_int_equal(port, H_INSIDE);
	rte_pktmbuf_free(out[0]);
}

/* ESP and ESP-in-UDP over IPv4: classification carries the SA, whatever the field held. */
static void
test_carried_over_ipv4(void **state)
{
	(void)state;
	for (int udp = 0; udp < 2; udp++) {
		struct sa_rt *ah = add_ah(SPI), *esp = add_gcm_pair(udp);
		struct rte_mbuf *m = peer_esp(), *out = NULL;
		uint16_t port = 99;

		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		uint32_t hdrs = sizeof(*ip) + (udp ? sizeof(struct rte_udp_hdr) : 0);

		pkt_set_in_sa(m, ah);
		pkt_in_esp(m)->off = pkt_in_esp(m)->len = 0xffff;
		assert_true(classified(m));
		assert_ptr_equal(pkt_in_sa(m), esp);
		/* and where its ESP is, how long: what esp_in.c would read from the headers */
		assert_int_equal(pkt_in_esp(m)->off, RTE_ETHER_HDR_LEN + hdrs);
		assert_int_equal(pkt_in_esp(m)->len, rte_be_to_cpu_16(ip->total_length) - hdrs);
		/* and the whole path decrypts it with that SA */
		pkt_set_in_sa(m, ah);
		assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, &port), 1);
		assert_int_equal(port, H_INSIDE);
		rte_pktmbuf_free(out);
		assert_int_equal(harness_drops_total(&H), 0);
		dp_sa_del_all(H.dp);
		dp_housekeeping(H.dp);
	}
}

/*
 * ESP whose SPI only an AH SA has: not found by (SPI, destination, ESP),
 * dropped in classification for the reason the ESP stage gives, counted once.
 */
static void
test_spi_of_another_protocol(void **state)
{
	struct rte_mbuf *m, *out = NULL;
	uint64_t before = harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI);

	(void)state;
	add_ah(AH_ONLY_SPI);
	m = harness_esp(&H, H_PEER, AH_ONLY_SPI, 1);
	assert_non_null(m);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), before + 1);
	assert_int_equal(harness_drops_total(&H), before + 1);
}

/* ESP over IPv6 to the port: classification carries NULL, not what the field held. */
static void
test_ipv6_carries_none(void **state)
{
	uint8_t f[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) + 16] = {0};
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	static const uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t us[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	struct rte_mbuf *m;

	(void)state;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16(16);
	ip6->proto = IPPROTO_ESP;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, peer, 16);
	memcpy(ip6->dst_addr, us, 16);
	((uint8_t *)(ip6 + 1))[2] = 0x42;	/* SPI 0x4242 */
	((uint8_t *)(ip6 + 1))[3] = 0x42;
	m = harness_mbuf(&H, f, sizeof(f));
	assert_non_null(m);
	pkt_set_in_sa(m, add_ah(0x4242));
	assert_true(classified(m));
	assert_null(pkt_in_sa(m));
	rte_pktmbuf_free(m);
}

/*
 * A packet on the handoff ring (another worker classified it, under its own
 * RCU read side): its SA is looked up again by the owner.
 */
static void
test_handoff_looked_up_again(void **state)
{
	struct sa_rt *ah = add_ah(SPI);
	struct rte_mbuf *m;

	(void)state;
	add_gcm_pair(false);
	m = peer_esp();
	assert_true(classified(m));	/* lengths as the receiving worker left them */
	pkt_set_rx_len(m);
	pkt_set_in_sa(m, ah);
	pkt_set_handoff(m, H.w->id, PKT_HO_IN);
	assert_int_equal(rte_ring_enqueue(H.w->handoff, m), 0);
	worker_handoff_drain(H.w);
	forwarded_one();
	assert_int_equal(harness_drops_total(&H), 0);
}

/*
 * An AH bundle's ESP (ah_in.c hands it over with the AH's classification):
 * esp_in_bundled_burst looks its SA up. Looked up, the bundle's ESP SA takes
 * it and its ICV (the packet is zeros) fails; the AH SA the field held would
 * have refused it as not a bundle's.
 */
static void
test_bundle_looked_up_again(void **state)
{
	struct h_sa esp = {.dir = CFG_DIR_IN, .spi = SPI, .cipher = DP_CIPHER_AES_GCM_128,
			   .replay_window = 64, .bundled = true};
	struct sa_rt *ah;
	struct rte_mbuf *m;
	dp_drop_t reason[1];

	(void)state;
	assert_true(harness_add_sa(&H, &esp) > 0);
	ah = add_ah(SPI);
	m = harness_esp(&H, H_PEER, SPI, 1);
	assert_non_null(m);
	assert_true(classified(m));
	pkt_set_in_sa(m, ah);
	assert_int_equal(esp_in_bundled_burst(H.w, &m, 1, reason), 0);
	assert_int_equal(reason[0], DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
	rte_pktmbuf_free(m);
}

/*
 * An AH packet whose field holds the ESP SA of its SPI: the inbound split
 * (worker.c, which trusts a carried SA to mean ESP) still sends it to the
 * AH stage, since classification stamps AH packets with none. Its ICV (zeros)
 * fails there, on the AH SA.
 */
static void
test_ah_not_taken_for_esp(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = SPI, .cipher = DP_CIPHER_AES_GCM_128,
			 .replay_window = 64};
	struct sa_rt *esp = rt_of(harness_add_sa(&H, &s)), *ah = add_ah(SPI);
	/* next header IPv4, length (12 + 16) / 4 - 2, SPI, sequence number 1, ICV, payload */
	uint8_t f[128], hdr[12 + 16 + 20] = {4, 5, 0, 0, 0, 0, SPI >> 8, SPI & 0xff, 0, 0, 0, 1};
	struct rte_mbuf *m, *out = NULL;
	unsigned int mac = dp_drop_sa_ctr[DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION];

	(void)state;
	m = harness_mbuf(&H, f,
			 harness_ipv4_frame(f, H_PEER, H_LOCAL, IPPROTO_AH, 64, hdr, sizeof(hdr)));
	assert_non_null(m);
	pkt_set_in_sa(m, esp);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, &out, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_int_equal(ah->ctr.v[mac], 1);
	assert_int_equal(esp->ctr.v[mac], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_carried_over_ipv4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_of_another_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_carries_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handoff_looked_up_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_looked_up_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ah_not_taken_for_esp, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
