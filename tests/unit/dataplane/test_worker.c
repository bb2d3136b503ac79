/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's transmit side, on net_ring ports (a ring vdev's TX is its own
 * RX ring, so a TX queue is full when that ring is):
 *
 *   host 10.0.2.5 --inside0--> [worker] --outside0 (ring full)--> TailDrop
 *
 * What a TX queue refuses is dropped as TailDrop, counted once per packet,
 * with the octets of the frame as it would have left (encapsulated). net_pcap,
 * which the integration tests use, never refuses a burst: this is where
 * TailDrop is provoked (tests/integration/test_drops.py NOT_PROVOKABLE_HERE).
 *
 * And the per-port accounting of "show platform hardware qfp active interface
 * ... statistics": every packet a port receives is forwarded, punted or
 * dropped on input, counted once on that port with its octets as received;
 * a TailDrop belongs to the output port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "harness.h"
#include "worker.h"

static struct harness H;

/* ESP over IPv4 from an inner packet of tot bytes, AES-GCM-128 (RFC 4106): the outer frame. */
static uint32_t
gcm_frame_len(uint32_t tot)
{
	uint32_t ct = tot + 2 + ((4 - (tot + 2) % 4) % 4);

	return (uint32_t)(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr)) + 8 + 8 + ct +
	       16;
}

static int
setup(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x3003, .cipher = DP_CIPHER_AES_GCM_128};

	(void)state;
	if (harness_create(&H) != 0)
		return -1;
	return harness_add_sa(&H, &s) > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/*
 * Fill outside0's TX ring, leaving room for `room` packets, with one
 * placeholder mbuf queued over and over (net_ring only moves pointers).
 */
static struct rte_mbuf *
fill_tx_ring(unsigned int room)
{
	struct rte_mbuf *placeholder = rte_pktmbuf_alloc(H.dp->pool);
	struct rte_mbuf *burst[32];
	uint16_t port = H.dp->ports[H_OUTSIDE].port_id;
	unsigned int queued = 0;

	assert_non_null(placeholder);
	for (unsigned int i = 0; i < RTE_DIM(burst); i++)
		burst[i] = placeholder;
	while (rte_eth_tx_burst(port, 0, burst, 1) == 1)
		queued++;
	assert_true(queued > room);
	/* make room again: the ring hands back what was queued first */
	for (unsigned int i = 0; i < room; i++)
		assert_int_equal(rte_eth_rx_burst(port, 0, burst, 1), 1);
	return placeholder;
}

/* Empty outside0's ring: the placeholders (freed once) and the frames that did go out. */
static unsigned int
drain_tx_ring(struct rte_mbuf *placeholder)
{
	struct rte_mbuf *got[32];
	uint16_t port = H.dp->ports[H_OUTSIDE].port_id;
	unsigned int sent = 0;
	uint16_t n;

	while ((n = rte_eth_rx_burst(port, 0, got, RTE_DIM(got))) > 0) {
		for (uint16_t i = 0; i < n; i++) {
			if (got[i] != placeholder) {
				sent++;
				rte_pktmbuf_free(got[i]);
			}
		}
	}
	rte_pktmbuf_free(placeholder);
	return sent;
}

static uint64_t
all_drops(void)
{
	uint64_t n = 0;

	for (int c = 0; c < DP_DROP__COUNT; c++)
		n += H.w->stats.drop_pkts[c];
	return n;
}

/* n frames of an inner packet of tot bytes from a protected host, through the worker. */
static void
send_inside(unsigned int n, uint32_t tot)
{
	struct rte_mbuf *in[DP_BURST_MAX];
	uint8_t frame[2048], payload[1600] = {0};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
					tot - sizeof(struct rte_ipv4_hdr));

	assert_true(n <= DP_BURST_MAX);
	for (unsigned int i = 0; i < n; i++) {
		in[i] = harness_mbuf(&H, frame, len);
		assert_non_null(in[i]);
	}
	harness_rx(&H, H_INSIDE, in, (uint16_t)n);
	worker_flush(H.w);
}

static struct view_port
port_view(uint16_t pi)
{
	struct view_port v[2];

	assert_int_equal(dp_port_list(H.dp, v, 2), 2);
	return v[pi];
}

static uint64_t
in_drops(const struct view_port *v, uint64_t *octets)
{
	uint64_t n = 0;

	*octets = 0;
	for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
		n += v->in_drop_pkts[g];
		*octets += v->in_drop_octets[g];
	}
	return n;
}

/* The queue is full: the one encrypted packet is dropped as TailDrop, its octets as sent. */
static void
test_tx_ring_full(void **state)
{
	struct rte_mbuf *placeholder = fill_tx_ring(0);
	struct view_port in0 = port_view(H_INSIDE), out0 = port_view(H_OUTSIDE), in1, out1;

	(void)state;
	send_inside(1, 100);
	assert_int_equal(H.w->stats.drop_pkts[DP_DROP_G_TailDrop], 1);
	assert_int_equal(H.w->stats.cause_octets[DP_GLOBAL_TailDrop], gcm_frame_len(100));
	assert_int_equal(all_drops(), 1);
	assert_int_equal(drain_tx_ring(placeholder), 0);
	/* forwarded on input (inside0, as received), dropped on output (outside0, as sent) */
	in1 = port_view(H_INSIDE);
	out1 = port_view(H_OUTSIDE);
	assert_int_equal(in1.fwd_pkts - in0.fwd_pkts, 1);
	assert_int_equal(in1.fwd_octets - in0.fwd_octets, 14 + 100);
	assert_int_equal(out1.out_drop_pkts[DP_GLOBAL_TailDrop] -
				 out0.out_drop_pkts[DP_GLOBAL_TailDrop], 1);
	assert_int_equal(out1.out_drop_octets[DP_GLOBAL_TailDrop] -
				 out0.out_drop_octets[DP_GLOBAL_TailDrop], gcm_frame_len(100));
	assert_int_equal(in1.in_drop_pkts[DP_GLOBAL_TailDrop], 0);
}

/*
 * One burst on inside0: 3 for the tunnel, 2 with no route, 1 ARP for the
 * gateway, 1 of an unknown Ethernet type. Each counted once, on inside0.
 */
static void
test_port_accounting(void **state)
{
	uint8_t tunnel[128], noroute[128], arp[60] = {0}, other[60] = {0}, pl[40] = {0};
	size_t lt = harness_ipv4_frame(tunnel, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl, 40);
	size_t ln = harness_ipv4_frame(noroute, "10.0.2.5", "172.16.0.1", IPPROTO_UDP, 64, pl, 20);
	struct view_port v0 = port_view(H_INSIDE), v1;
	struct rte_mbuf *in[7];
	uint64_t d0, d1, o0, o1;

	(void)state;
	memset(arp, 0xff, 6);	/* broadcast ARP: punted to the control thread */
	arp[12] = 0x08;
	arp[13] = 0x06;
	memset(other, 0xff, 6);
	other[12] = 0x88;	/* 0x88b5, IEEE 802 local experimental: UnknownL2Proto */
	other[13] = 0xb5;
	for (int i = 0; i < 3; i++)
		in[i] = harness_mbuf(&H, tunnel, lt);
	in[3] = harness_mbuf(&H, noroute, ln);
	in[4] = harness_mbuf(&H, noroute, ln);
	in[5] = harness_mbuf(&H, arp, sizeof(arp));
	in[6] = harness_mbuf(&H, other, sizeof(other));
	d0 = in_drops(&v0, &o0);
	harness_rx(&H, H_INSIDE, in, 7);	/* from the port, to its MAC (zero dst) */
	worker_flush(H.w);
	harness_control_plane(&H);
	v1 = port_view(H_INSIDE);
	d1 = in_drops(&v1, &o1);
	assert_int_equal(v1.fwd_pkts - v0.fwd_pkts, 3);
	assert_int_equal(v1.fwd_octets - v0.fwd_octets, 3 * lt);	/* before encryption */
	assert_int_equal(v1.punt_pkts - v0.punt_pkts, 1);
	assert_int_equal(v1.punt_octets - v0.punt_octets, sizeof(arp));
	assert_int_equal(d1 - d0, 3);
	assert_int_equal(o1 - o0, 2 * ln + sizeof(other));
	assert_int_equal(v1.in_drop_pkts[DP_GLOBAL_Ipv4NoRoute] -
				 v0.in_drop_pkts[DP_GLOBAL_Ipv4NoRoute], 2);
	assert_int_equal(v1.in_drop_pkts[DP_GLOBAL_UnknownL2Proto] -
				 v0.in_drop_pkts[DP_GLOBAL_UnknownL2Proto], 1);
	/* nothing moved on the other port's input side */
	assert_int_equal(port_view(H_OUTSIDE).fwd_pkts, 0);
	drain_tx_ring(rte_pktmbuf_alloc(H.dp->pool));
}

/* Room for 3 of a burst of 5: the first 3 go out, the last 2 are TailDrop. */
static void
test_tx_ring_partly_full(void **state)
{
	struct rte_mbuf *placeholder = fill_tx_ring(3);
	uint64_t before = H.w->stats.drop_pkts[DP_DROP_G_TailDrop];
	uint64_t octets = H.w->stats.cause_octets[DP_GLOBAL_TailDrop];

	(void)state;
	send_inside(5, 60);
	assert_int_equal(H.w->stats.drop_pkts[DP_DROP_G_TailDrop] - before, 2);
	assert_int_equal(H.w->stats.cause_octets[DP_GLOBAL_TailDrop] - octets,
			 2 * gcm_frame_len(60));
	assert_int_equal(drain_tx_ring(placeholder), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tx_ring_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_ring_partly_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_accounting, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
