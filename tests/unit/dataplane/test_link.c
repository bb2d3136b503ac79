/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker <-> control thread link (ctrl_link.c, ctrl_api.c), driven
 * through the real worker path on the harness:
 *
 *   ESP for an unknown SPI --outside0--> [worker] --event ring--> control
 *   ARP on inside0         ------------> [worker] --punt ring---> control
 *   control --inject ring--> [worker] --> out of a port
 *
 * Events carry what the log and the invalid-SPI table need; a flow is
 * reported once and then at most once a second with the packets in between;
 * the per-worker rate cap and the counts of what it held back add up, to the
 * packet. Every test has a harness of its own, and the worker's clock is a
 * fake one that moves only when a test advances it (H.fake): the intervals
 * and the token bucket are tested at their exact boundaries.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "harness.h"
#include "sa.h"
#include "worker.h"

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

static struct dp_event_stats
event_stats(void)
{
	struct dp_event_stats st;

	dp_event_stats(H.dp, &st);
	return st;
}

/*
 * Every packet counted as drop 4 is in exactly one place: an event sent,
 * an event given up (rate, ring full), or a flow's pending count.
 */
static void
assert_packets_accounted(void)
{
	struct dp_event_stats st = event_stats();

	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI),
			 st.inv_sent + st.inv_rate_limited + st.inv_ring_full + st.inv_pending);
}

/* An ESP packet from src for spi, with a fake ICV: its SA does not exist anyway. */
static struct rte_mbuf *
esp_from(const char *src, uint32_t spi, uint32_t seq)
{
	uint8_t frame[256], esp[64] = {0};
	size_t len;

	esp[0] = (uint8_t)(spi >> 24);
	esp[1] = (uint8_t)(spi >> 16);
	esp[2] = (uint8_t)(spi >> 8);
	esp[3] = (uint8_t)spi;
	esp[7] = (uint8_t)seq;
	len = harness_ipv4_frame(frame, src, H_LOCAL, IPPROTO_ESP, 64, esp, sizeof(esp));
	return harness_mbuf(&H, frame, len);
}

static void
send_one(struct rte_mbuf *m, uint16_t pi)
{
	struct rte_mbuf *out[4];
	uint16_t n = harness_send(&H, pi, &m, 1, out, 4, NULL);

	rte_pktmbuf_free_bulk(out, n);
}

static void
test_invalid_spi_event(void **state)
{
	struct dp_event_stats st;
	uint32_t a;

	(void)state;
	send_one(esp_from("198.51.100.7", 0xB761863E, 1), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 1);
	assert_int_equal(H.last_event.type, DP_EV_INVALID_SPI);
	assert_int_equal(H.last_event.spi, 0xB761863E);
	assert_int_equal(H.last_event.proto, IPPROTO_ESP);
	assert_int_equal(H.last_event.ipv6, 0);
	assert_int_equal(H.last_event.udp, 0);
	assert_int_equal(H.last_event.pkts, 1);
	assert_int_equal(H.last_event.iface, H_OUTSIDE);
	assert_int_equal(H.last_event.mono_ns, H.fake.mono_ns);
	ip4_parse("198.51.100.7", &a);
	assert_memory_equal(H.last_event.src, &a, 4);
	ip4_parse(H_LOCAL, &a);
	assert_memory_equal(H.last_event.dst, &a, 4);
	/* the head is the packet from its IPv4 header on */
	assert_int_equal(H.last_event.head[0], 0x45);
	assert_true(H.last_event.head_len >= 28);

	/* a second packet soon after: folded, reported INV_SPI_SECOND_REPORT_MS after the first */
	clk_fake_advance_ms(&H.fake, 50);
	send_one(esp_from("198.51.100.7", 0xB761863E, 2), H_OUTSIDE);
	clk_fake_advance_ms(&H.fake, INV_SPI_SECOND_REPORT_MS - 50 - 1);
	link_poll(H.w);
	harness_control_plane(&H);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 1);
	clk_fake_advance_ms(&H.fake, 1);
	link_poll(H.w);
	harness_control_plane(&H);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	assert_int_equal(H.last_event.pkts, 1);

	/* from then on the same flow within the second: folded, not reported */
	for (uint32_t i = 3; i < 8; i++) {
		clk_fake_advance_ms(&H.fake, 100);
		send_one(esp_from("198.51.100.7", 0xB761863E, i), H_OUTSIDE);
	}
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	st = event_stats();
	assert_int_equal(st.deduped, 6);
	assert_int_equal(st.inv_pending, 5);
	assert_packets_accounted();
	/* the sweep one millisecond before the second is up reports nothing */
	clk_fake_advance_ms(&H.fake, INV_SPI_REPORT_MS - 500 - 1);
	link_poll(H.w);
	harness_control_plane(&H);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	/* the next sweep, a second after the report, sends the five with their count */
	clk_fake_advance_ms(&H.fake, LINK_FLUSH_MS);
	link_poll(H.w);
	harness_control_plane(&H);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 3);
	assert_int_equal(H.last_event.pkts, 5);
	assert_int_equal(H.last_event.spi, 0xB761863E);
	st = event_stats();
	assert_int_equal(st.inv_sent, 7);
	assert_int_equal(st.inv_pending, 0);
	assert_int_equal(H.inv_pkts, 7);
	/* and every packet was counted as drop 4 */
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), 7);
	assert_packets_accounted();
}

/*
 * A packet of a known flow goes out at once INV_SPI_SECOND_REPORT_MS after
 * its first report, and INV_SPI_REPORT_MS after any later one.
 */
static void
test_invalid_spi_interval_boundary(void **state)
{
	(void)state;
	send_one(esp_from("198.51.100.8", 0x1234, 1), H_OUTSIDE);
	clk_fake_advance_ms(&H.fake, INV_SPI_SECOND_REPORT_MS - 1);
	send_one(esp_from("198.51.100.8", 0x1234, 2), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 1);
	clk_fake_advance_ms(&H.fake, 1);
	send_one(esp_from("198.51.100.8", 0x1234, 3), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	assert_int_equal(H.last_event.pkts, 2);
	clk_fake_advance_ms(&H.fake, INV_SPI_REPORT_MS - 1);
	send_one(esp_from("198.51.100.8", 0x1234, 4), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 2);
	clk_fake_advance_ms(&H.fake, 1);
	send_one(esp_from("198.51.100.8", 0x1234, 5), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], 3);
	assert_int_equal(H.last_event.pkts, 2);
	assert_packets_accounted();
}

/* n packets of distinct flows (one each: SPIs first..first+n-1) in bursts of 32. */
static void
flood(uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 32) {
		struct rte_mbuf *m[32];
		uint16_t k = (uint16_t)RTE_MIN(32u, n - i);

		for (uint16_t j = 0; j < k; j++)
			m[j] = esp_from("203.0.113.9", first + i + j, 1);
		harness_rx(&H, H_OUTSIDE, m, k);
		worker_flush(H.w);
		harness_control_plane(&H);
	}
}

/*
 * A flood of distinct flows, each one event attempt (a flow's slot holds no
 * pending packet when the next flow takes it). With the clock standing still
 * exactly EVENT_BURST go out; then EVENT_RATE a second of clock time.
 */
static void
test_event_rate_cap(void **state)
{
	struct dp_event_stats st;

	(void)state;
	flood(0x10000, 2000);
	st = event_stats();
	assert_int_equal(st.sent, EVENT_BURST);
	assert_int_equal(st.rate_limited, 2000 - EVENT_BURST);
	assert_int_equal(st.ring_full, 0);
	assert_int_equal(st.inv_rate_limited, 2000 - EVENT_BURST);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], EVENT_BURST);
	assert_packets_accounted();

	/* 10 ms: 100 tokens */
	clk_fake_advance_ms(&H.fake, 10);
	flood(0x20000, 300);
	st = event_stats();
	assert_int_equal(st.sent, EVENT_BURST + 100);
	assert_int_equal(st.rate_limited, 2000 - EVENT_BURST + 200);

	/* a long pause refills no more than the bucket holds (and does not overflow it) */
	clk_fake_advance_ms(&H.fake, 30ull * 24 * 3600 * 1000);
	flood(0x30000, 300);
	st = event_stats();
	assert_int_equal(st.sent, 2 * EVENT_BURST + 100);
	assert_int_equal(st.rate_limited, 2000 - EVENT_BURST + 200 + 300 - EVENT_BURST);
	assert_int_equal(H.inv_pkts, st.inv_sent);
	assert_packets_accounted();
}

/*
 * While a flood holds the bucket empty, a flow's packets are given up as
 * they come (counted with their packets: nothing pending, no slot taken); once
 * tokens are back, the flow's next packet is reported.
 */
static void
test_over_rate_no_flow_work(void **state)
{
	struct dp_event_stats before, st;

	(void)state;
	flood(0x60000, EVENT_BURST);	/* the clock stands still: every token used */
	before = event_stats();
	assert_int_equal(before.sent, EVENT_BURST);
	for (uint32_t seq = 1; seq <= 3; seq++)
		send_one(esp_from("192.0.2.77", 0x70000, seq), H_OUTSIDE);
	st = event_stats();
	assert_int_equal(st.sent, before.sent);
	assert_int_equal(st.rate_limited, before.rate_limited + 3);
	assert_int_equal(st.inv_rate_limited, before.inv_rate_limited + 3);
	assert_int_equal(st.inv_pending, 0);
	assert_int_equal(st.deduped, before.deduped);
	for (uint32_t i = 0; i < INV_SPI_DEDUP_SLOTS; i++)
		assert_false(H.w->link.dedup[i].used && H.w->link.dedup[i].spi == 0x70000);
	assert_packets_accounted();

	clk_fake_advance_ns(&H.fake, CLK_NS_PER_S / EVENT_RATE);	/* one token */
	send_one(esp_from("192.0.2.77", 0x70000, 4), H_OUTSIDE);
	st = event_stats();
	assert_int_equal(st.sent, before.sent + 1);
	assert_int_equal(st.inv_sent, before.inv_sent + 1);
	assert_packets_accounted();
}

/*
 * One burst of unknown-SPI packets is counted as one run (worker.c): with one
 * token in the bucket, its first flow is reported and the rest of the run
 * given up at once, each counted once.
 */
static void
test_over_rate_within_a_burst(void **state)
{
	struct dp_event_stats before, st;
	uint64_t drops;

	(void)state;
	flood(0x80000, EVENT_BURST);	/* the clock stands still: every token used */
	clk_fake_advance_ns(&H.fake, CLK_NS_PER_S / EVENT_RATE);	/* one token */
	before = event_stats();
	drops = harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI);
	flood(0x90000, 5);	/* five new flows in one burst */
	st = event_stats();
	assert_int_equal(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), drops + 5);
	assert_int_equal(st.inv_sent, before.inv_sent + 1);
	assert_int_equal(st.inv_rate_limited, before.inv_rate_limited + 4);
	assert_int_equal(st.rate_limited, before.rate_limited + 4);
	assert_packets_accounted();
}

/*
 * The control thread does not drain: the event ring takes LINK_EVENT_SIZE - 1
 * events, the rest are lost and counted, with their packets.
 */
static void
test_event_ring_full(void **state)
{
	const uint32_t rounds = 5;
	struct dp_event_stats st;

	(void)state;
	for (uint32_t r = 0; r < rounds; r++) {
		struct rte_mbuf *m[32];

		for (uint32_t i = 0; i < EVENT_BURST; i += 32) {
			for (uint32_t j = 0; j < 32; j++)
				m[j] = esp_from("203.0.113.10", 0x40000 + r * EVENT_BURST + i + j, 1);
			harness_rx(&H, H_OUTSIDE, m, 32);	/* nobody drains the event ring */
		}
		clk_fake_advance_ms(&H.fake, EVENT_BURST * 1000 / EVENT_RATE + 1);	/* refilled */
	}
	st = event_stats();
	assert_int_equal(st.rate_limited, 0);
	assert_int_equal(st.sent, LINK_EVENT_SIZE - 1);
	assert_int_equal(st.ring_full, rounds * EVENT_BURST - (LINK_EVENT_SIZE - 1));
	assert_int_equal(st.inv_ring_full, rounds * EVENT_BURST - (LINK_EVENT_SIZE - 1));
	assert_packets_accounted();
	harness_control_plane(&H);
	assert_int_equal(H.inv_pkts, LINK_EVENT_SIZE - 1);
}

/*
 * Two flows that share a dedup slot: the newcomer takes it, and the packets
 * the old flow had pending go out in an event of their own first.
 */
static void
test_slot_taken_reports_pending(void **state)
{
	uint32_t spi_a = 0x50000, spi_b;
	struct dp_event_stats st;
	struct inv_spi_slot f;
	uint32_t slot;

	(void)state;
	send_one(esp_from("192.0.2.50", spi_a, 1), H_OUTSIDE);
	send_one(esp_from("192.0.2.50", spi_a, 2), H_OUTSIDE);	/* pending: 1 */
	for (slot = 0; slot < INV_SPI_DEDUP_SLOTS && H.w->link.dedup[slot].spi != spi_a; slot++)
		;
	assert_true(slot < INV_SPI_DEDUP_SLOTS);
	f = H.w->link.dedup[slot];
	assert_int_equal(f.pending, 1);
	/* other SPIs from the same source until one lands in that slot; 100 us apart, the
	 * time one token takes, so that no event is held back */
	spi_b = spi_a;
	do {
		spi_b++;
		assert_true(spi_b < spi_a + 5000);
		clk_fake_advance_ns(&H.fake, CLK_NS_PER_S / EVENT_RATE);
		send_one(esp_from("192.0.2.50", spi_b, 1), H_OUTSIDE);
	} while (H.w->link.dedup[slot].spi != spi_b);
	/* the slot changed hands within A's second: A's pending packet was reported */
	assert_true(H.fake.mono_ns - f.last_ns < INV_SPI_REPORT_MS * CLK_NS_PER_MS);
	st = event_stats();
	assert_int_equal(st.rate_limited, 0);
	assert_int_equal(st.inv_pending, 0);
	assert_packets_accounted();
	assert_int_equal(H.inv_pkts, harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI));
}

/* A packet from the inside encrypted by the outbound SA, then reflected as if the peer sent it. */
static struct rte_mbuf *
peer_esp(uint8_t *frame, const uint8_t *pl, size_t plen)
{
	struct rte_mbuf *m = harness_mbuf(&H, frame,
					  harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7",
							     IPPROTO_UDP, 64, pl, plen));
	struct rte_mbuf *esp = NULL;

	assert_int_equal(harness_send(&H, H_INSIDE, &m, 1, &esp, 1, NULL), 1);
	harness_reflect(esp);
	return esp;
}

static void
test_replay_and_mac_events(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x5005, .cipher = DP_CIPHER_AES_GCM_128};
	uint8_t frame[256], pl[16] = {0};
	struct rte_mbuf *esp, *copy, *replay, *replay2, *out[4];
	int conn;
	uint16_t n;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	conn = harness_add_sa(&H, &s);
	assert_true(conn > 0);
	esp = peer_esp(frame, pl, sizeof(pl));
	copy = rte_pktmbuf_copy(esp, H.dp->pool, 0, UINT32_MAX);
	n = harness_send(&H, H_OUTSIDE, &esp, 1, out, 4, NULL);
	rte_pktmbuf_free_bulk(out, n);
	replay = rte_pktmbuf_copy(copy, H.dp->pool, 0, UINT32_MAX);
	replay2 = rte_pktmbuf_copy(copy, H.dp->pool, 0, UINT32_MAX);
	n = harness_send(&H, H_OUTSIDE, &copy, 1, out, 4, NULL);	/* replayed */
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(H.events[DP_EV_REPLAY], 1);
	assert_int_equal(H.last_event.type, DP_EV_REPLAY);
	assert_int_equal(H.last_event.conn_id, (uint32_t)conn);
	assert_int_equal(H.last_event.spi, 0x5005);
	assert_int_equal(H.last_event.seq, 1);
	assert_int_equal(H.last_event.pkts, 1);
	/* within the SA's second: counted into its next event, not reported */
	clk_fake_advance_ms(&H.fake, SA_EVENT_MS - 1);
	n = harness_send(&H, H_OUTSIDE, &replay, 1, out, 4, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(H.events[DP_EV_REPLAY], 1);
	clk_fake_advance_ms(&H.fake, 1);
	n = harness_send(&H, H_OUTSIDE, &replay2, 1, out, 4, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(H.events[DP_EV_REPLAY], 2);
	assert_int_equal(H.last_event.pkts, 2);

	/* the next packet with its ICV damaged in transit */
	esp = peer_esp(frame, pl, sizeof(pl));
	rte_pktmbuf_mtod_offset(esp, uint8_t *, esp->pkt_len - 1)[0] ^= 0x01;
	n = harness_send(&H, H_OUTSIDE, &esp, 1, out, 4, NULL);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(H.events[DP_EV_MAC], 1);
	assert_int_equal(H.last_event.type, DP_EV_MAC);
	assert_int_equal(H.last_event.conn_id, (uint32_t)conn);
	assert_int_equal(H.last_event.seq, 2);
	assert_int_equal(H.last_event.pkts, 1);
	assert_int_equal(event_stats().rate_limited, 0);
}

/* ARP arrives on inside0: the worker hands it to the control thread. */
static void
test_punt(void **state)
{
	uint8_t frame[64] = {0};
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;

	(void)state;
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	send_one(harness_mbuf(&H, frame, 60), H_INSIDE);
	assert_int_equal(H.punted, 1);
}

/*
 * No control thread draining the punt ring: once it holds LINK_PUNT_SIZE - 1
 * packets (an rte_ring keeps one slot free), the next punted packets are
 * dropped as IpsecTailDrop and counted; the worker never waits.
 */
static void
test_punt_ring_full(void **state)
{
	uint8_t frame[60] = {0};
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct dp_event_stats st;
	unsigned int sent = 0;

	(void)state;
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	while (sent < LINK_PUNT_SIZE + 40) {
		struct rte_mbuf *m[32];

		for (int j = 0; j < 32; j++)
			m[j] = harness_mbuf(&H, frame, sizeof(frame));
		harness_rx(&H, H_INSIDE, m, 32);	/* nobody drains the punt ring */
		sent += 32;
	}
	st = event_stats();
	assert_int_equal(harness_drops(&H, DP_DROP_G_IpsecTailDrop), sent - (LINK_PUNT_SIZE - 1));
	assert_int_equal(st.punt_full, sent - (LINK_PUNT_SIZE - 1));
	harness_control_plane(&H);	/* the queued ones are still there */
	assert_int_equal(H.punted, LINK_PUNT_SIZE - 1);
}

/* The control thread sends a frame through the worker polling the interface. */
static void
test_inject(void **state)
{
	uint8_t frame[64] = {0x02, 0, 0, 0, 0, 0x99};
	struct rte_mbuf *m = harness_mbuf(&H, frame, sizeof(frame)), *out[4];
	uint16_t n;

	(void)state;
	assert_int_equal(dp_inject(H.dp, H_OUTSIDE, m), 0);
	worker_inject(H.w);
	worker_flush(H.w);
	n = rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, out, 4);	/* ring loopback */
	assert_int_equal(n, 1);
	assert_int_equal(rte_pktmbuf_mtod(out[0], uint8_t *)[5], 0x99);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(dp_inject(H.dp, 99, harness_mbuf(&H, frame, 60)), -ENODEV);
}

/* The doorbell rings only when the control thread announced it sleeps and work arrived. */
static void
test_doorbell(void **state)
{
	struct pollfd p = {.fd = dp_doorbell_fd(H.dp), .events = POLLIN};

	(void)state;
	harness_control_plane(&H);
	assert_true(dp_ctrl_sleep(H.dp));	/* nothing queued: may sleep */
	assert_int_equal(poll(&p, 1, 0), 0);
	/* a worker queues an event while the flag is up: it rings */
	harness_rx(&H, H_OUTSIDE, (struct rte_mbuf *[]){esp_from("192.0.2.77", 0xabc00, 1)},
		       1);
	link_poll(H.w);
	assert_int_equal(poll(&p, 1, 0), 1);
	dp_ctrl_wake(H.dp);
	assert_int_equal(poll(&p, 1, 0), 0);
	/* something queued already: the control thread must not sleep */
	assert_false(dp_ctrl_sleep(H.dp));
	harness_control_plane(&H);
	assert_true(dp_ctrl_sleep(H.dp));
	dp_ctrl_wake(H.dp);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_invalid_spi_event), T(test_invalid_spi_interval_boundary),
		T(test_event_rate_cap), T(test_over_rate_no_flow_work),
		T(test_over_rate_within_a_burst), T(test_event_ring_full),
		T(test_slot_taken_reports_pending),
		T(test_replay_and_mac_events), T(test_punt), T(test_punt_ring_full), T(test_inject),
		T(test_doorbell),
	};
#undef T

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
