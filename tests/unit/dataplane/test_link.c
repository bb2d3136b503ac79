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
 * the per-worker rate cap and the counts of what it held back add up.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

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
	uint64_t before = H.events[DP_EV_INVALID_SPI];
	struct dp_event_stats st0, st1;
	uint32_t a;

	(void)state;
	dp_event_stats(H.dp, &st0);
	send_one(esp_from("198.51.100.7", 0xB761863E, 1), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], before + 1);
	assert_int_equal(H.last_event.type, DP_EV_INVALID_SPI);
	assert_int_equal(H.last_event.spi, 0xB761863E);
	assert_int_equal(H.last_event.proto, IPPROTO_ESP);
	assert_int_equal(H.last_event.ipv6, 0);
	assert_int_equal(H.last_event.udp, 0);
	assert_int_equal(H.last_event.pkts, 1);
	assert_int_equal(H.last_event.iface, H_OUTSIDE);
	ip4_parse("198.51.100.7", &a);
	assert_memory_equal(H.last_event.src, &a, 4);
	ip4_parse(H_LOCAL, &a);
	assert_memory_equal(H.last_event.dst, &a, 4);
	/* the head is the packet from its IPv4 header on */
	assert_int_equal(H.last_event.head[0], 0x45);
	assert_true(H.last_event.head_len >= 28);

	/* the same flow again within the second: folded, not reported */
	for (uint32_t i = 2; i < 7; i++)
		send_one(esp_from("198.51.100.7", 0xB761863E, i), H_OUTSIDE);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], before + 1);
	dp_event_stats(H.dp, &st1);
	assert_int_equal(st1.deduped - st0.deduped, 5);
	/* a second later the worker reports the five with their count */
	usleep(1100 * 1000);
	link_poll(H.w);
	harness_control_plane(&H);
	assert_int_equal(H.events[DP_EV_INVALID_SPI], before + 2);
	assert_int_equal(H.last_event.pkts, 5);
	assert_int_equal(H.last_event.spi, 0xB761863E);
	/* and every packet was counted as drop 4 regardless */
	assert_true(harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI) >= 6);
}

/* A flood of distinct flows: each is one event attempt, sent, rate-limited or lost. */
static void
test_event_rate_cap(void **state)
{
	struct dp_event_stats st0, st1;
	uint64_t attempts;
	const uint32_t n = 2000;

	(void)state;
	dp_event_stats(H.dp, &st0);
	for (uint32_t i = 0; i < n; i += 32) {
		struct rte_mbuf *m[32];

		for (uint32_t j = 0; j < 32; j++)
			m[j] = esp_from("203.0.113.9", 0x10000 + i + j, 1);
		harness_rx(&H, H_OUTSIDE, m, 32);
		worker_flush(H.w);
		harness_control_plane(&H);
	}
	dp_event_stats(H.dp, &st1);
	attempts = (st1.sent - st0.sent) + (st1.rate_limited - st0.rate_limited) +
		   (st1.ring_full - st0.ring_full);
	/* evicted slots with pending packets are reported too, hence >= */
	assert_true(attempts >= n);
	/* the cap: the saved-up burst plus what accrues during the test at EVENT_RATE/s */
	assert_true(st1.sent - st0.sent <= EVENT_BURST + 1000);
	assert_true(st1.rate_limited - st0.rate_limited > 0);
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
	struct rte_mbuf *esp, *copy, *out[4];
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
	n = harness_send(&H, H_OUTSIDE, &copy, 1, out, 4, NULL);	/* replayed */
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(H.events[DP_EV_REPLAY], 1);
	assert_int_equal(H.last_event.type, DP_EV_REPLAY);
	assert_int_equal(H.last_event.conn_id, (uint32_t)conn);
	assert_int_equal(H.last_event.spi, 0x5005);
	assert_int_equal(H.last_event.seq, 1);

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
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

/* ARP arrives on inside0: the worker hands it to the control thread. */
static void
test_punt(void **state)
{
	uint8_t frame[64] = {0};
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	uint64_t before = H.punted;

	(void)state;
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	send_one(harness_mbuf(&H, frame, 60), H_INSIDE);
	assert_int_equal(H.punted, before + 1);
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
	uint64_t drops0 = harness_drops(&H, DP_DROP_G_IpsecTailDrop);
	struct dp_event_stats st0, st1;
	unsigned int sent = 0;

	(void)state;
	harness_control_plane(&H);
	dp_event_stats(H.dp, &st0);
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	while (sent < LINK_PUNT_SIZE + 40) {
		struct rte_mbuf *m[32];

		for (int j = 0; j < 32; j++)
			m[j] = harness_mbuf(&H, frame, sizeof(frame));
		harness_rx(&H, H_INSIDE, m, 32);	/* nobody drains the punt ring */
		sent += 32;
	}
	dp_event_stats(H.dp, &st1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_IpsecTailDrop) - drops0,
			 sent - (LINK_PUNT_SIZE - 1));
	assert_int_equal(st1.punt_full - st0.punt_full, sent - (LINK_PUNT_SIZE - 1));
	harness_control_plane(&H);	/* the queued ones are still there, and counted */
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_spi_event), cmocka_unit_test(test_event_rate_cap),
		cmocka_unit_test(test_replay_and_mac_events), cmocka_unit_test(test_punt),
		cmocka_unit_test(test_punt_ring_full),
		cmocka_unit_test(test_inject),		cmocka_unit_test(test_doorbell),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
