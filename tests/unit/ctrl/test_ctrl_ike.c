/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control thread does for IKE, with fake IKE hooks, on the
 * dataplane harness and its fake clock:
 *
 *   peer 192.0.2.1 --UDP 500 / 4500--> outside0 [worker] --punt--> [control] --input()--> IKE
 *   host --to inside0's address--> inside0 [worker] --punt--> [control] (checked the same way)
 *   [worker: lifetimes, acquires] --events--> [control] --event()--> IKE
 *   IKE --ctrl_udp_send--> [control] --inject--> [worker] --> outside0 --> peer
 *
 * A datagram reaches input() only whole and right: IPv4 header, lengths,
 * the UDP checksum (0 allowed), the non-ESP marker on 4500 (removed); the
 * rest is counted under its reason and dropped. What ctrl_udp_send puts on
 * the wire is checked byte by byte, its checksums recomputed here. Over
 * IPv6 (outside0's address6): scapy's frames in, the marker removed, a zero
 * or wrong checksum and an extension header refused and counted, and the
 * frame sent out equal to udp6_build's.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "dpsec/ike.h"
#include "dpsec/hex.h"
#include "dpsec/ip4.h"

#include "arp_out.h"
#include "arp_table.h"
#include "ctrl.h"
#include "harness.h"
#include "reasm4.h"
#include "udp6.h"
#include "udp_send.h"
#include "worker.h"

static struct harness H;
static struct ctrl *C;

/* ---- fake IKE: records what the control thread hands it ---- */

#define MSG_MAX 2048

static struct fake_ike {
	unsigned int inputs;
	struct ike_addr local, remote;
	uint8_t msg[MSG_MAX];
	size_t len;
	unsigned int events[DP_EV__END];
	struct dp_event last_event;
	uint64_t timeout;	/* what next_timeout answers */
	unsigned int timer_runs;
} F;

static void
fake_input(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	   const uint8_t *msg, size_t len)
{
	assert_ptr_equal(ctx, &F);
	assert_true(len <= MSG_MAX);
	F.inputs++;
	F.local = *local;
	F.remote = *remote;
	memcpy(F.msg, msg, len);
	F.len = len;
}

static void
fake_event(void *ctx, const struct dp_event *ev)
{
	assert_ptr_equal(ctx, &F);
	F.events[ev->type]++;
	F.last_event = *ev;
}

static uint64_t
fake_next_timeout(void *ctx)
{
	assert_ptr_equal(ctx, &F);
	return F.timeout;
}

static void
fake_run_timers(void *ctx)
{
	assert_ptr_equal(ctx, &F);
	F.timer_runs++;
}

static const struct ctrl_ike_hooks HOOKS = {.input = fake_input, .event = fake_event,
					    .next_timeout = fake_next_timeout,
					    .run_timers = fake_run_timers};

static int
setup_opts(const struct h_opts *o)
{
	char err[256];

	memset(&F, 0, sizeof(F));
	F.timeout = UINT64_MAX;
	if (harness_create_opts(&H, o) != 0)
		return -1;
	H.cfg.logging = (struct cfg_logging){.buffer = 65536, .invalid_spi_interval = 60,
					     .replay_interval = 30, .mac_interval = 30, .rate = 20};
	C = ctrl_create(H.dp, &H.cfg, &H.clock, err, sizeof(err));
	if (C == NULL) {
		harness_destroy(&H);
		return -1;
	}
	ctrl_set_ike_hooks(C, &HOOKS, &F);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return setup_opts(NULL);
}

/* outside0 knows no MAC for any peer (no next_hop_mac, no neighbors) */
static int
setup_no_mac(void **state)
{
	const struct h_opts o = {.outside_no_mac = true};

	(void)state;
	return setup_opts(&o);
}

static int
teardown(void **state)
{
	(void)state;
	ctrl_destroy(C);
	C = NULL;
	harness_destroy(&H);
	return 0;
}

/* ---- frames ---- */

/* RFC 1071, on its own (not the code under test): 16-bit words, then folded. */
static uint16_t
sum(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i < n; i++)
		acc += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t
udp_cksum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t acc = sum(ip + 12, 8, 0) + 17 + (uint32_t)ulen;

	return (uint16_t)~sum(udp, ulen, acc);
}

/*
 * A UDP datagram from src:sport to dst:dport with payload, in a frame for
 * the port the worker receives it on; the checksum right, or as cksum says
 * (UDP_CK_RIGHT, or the value to put there).
 */
#define UDP_CK_RIGHT 0x10000

static struct rte_mbuf *
udp_frame(const char *src, const char *dst, uint16_t sport, uint16_t dport, const void *payload,
	  size_t plen, uint32_t cksum)
{
	uint8_t frame[2048], udp[1600];
	size_t len;
	uint8_t *ip, *u;

	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)((plen + 8) >> 8);
	udp[5] = (uint8_t)(plen + 8);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, payload, plen);
	len = harness_ipv4_frame(frame, src, dst, IPPROTO_UDP, 64, udp, plen + 8);
	ip = frame + 14;
	u = ip + 20;
	if (cksum == UDP_CK_RIGHT)
		cksum = udp_cksum(ip, u, plen + 8);
	u[6] = (uint8_t)(cksum >> 8);
	u[7] = (uint8_t)cksum;
	return harness_mbuf(&H, frame, len);
}

/* Run one frame through the worker on port pi, then the control thread. */
static void
through(struct rte_mbuf *m, uint16_t pi)
{
	struct rte_mbuf *out[8];
	uint16_t n;

	assert_non_null(m);
	harness_rx(&H, pi, &m, 1);
	worker_flush(H.w);
	link_poll(H.w);
	while (ctrl_work(C))
		;
	worker_inject(H.w);
	worker_flush(H.w);
	n = rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, out, 8);
	rte_pktmbuf_free_bulk(out, n);
	n = rte_eth_rx_burst(H.dp->ports[H_INSIDE].port_id, 0, out, 8);
	rte_pktmbuf_free_bulk(out, n);
}

static const uint8_t MARKER[4];

/* An IKE message as IKE would see it: a header-sized run of recognisable bytes, odd length. */
static void
ike_msg(uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m[i] = (uint8_t)(0x21 + 7 * i);
}

static const struct punt_stats *
P(void)
{
	return ctrl_punt_stats(C);
}

static void
expect_addr(const struct ike_addr *a, const char *ip, uint16_t port)
{
	uint32_t v;

	ip4_parse(ip, &v);
	assert_int_equal(a->family, 4);
	assert_memory_equal(a->ip, &v, 4);
	assert_int_equal(a->port, port);
}

/* ---- IKE in ---- */

static void
test_ike_500_delivered(void **state)
{
	uint8_t msg[101];

	(void)state;
	ike_msg(msg, sizeof(msg));
	through(udp_frame(H_PEER, H_LOCAL, 500, 500, msg, sizeof(msg), UDP_CK_RIGHT), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	expect_addr(&F.local, H_LOCAL, 500);
	expect_addr(&F.remote, H_PEER, 500);
	assert_int_equal(F.len, sizeof(msg));
	assert_memory_equal(F.msg, msg, sizeof(msg));
	assert_int_equal(P()->ike[PUNT_IKE_delivered], 1);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].received, 1);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].answered, 1);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].unhandled, 0);
	assert_int_equal(harness_drops_total(&H), 0);

	/* no UDP checksum (0): allowed over IPv4 */
	through(udp_frame(H_PEER, H_LOCAL, 500, 500, msg, 40, 0), H_OUTSIDE);
	assert_int_equal(F.inputs, 2);
	assert_int_equal(F.len, 40);
}

static void
test_ike_4500_marker_removed(void **state)
{
	uint8_t msg[60], dgram[64];

	(void)state;
	ike_msg(msg, sizeof(msg));
	memcpy(dgram, MARKER, 4);
	memcpy(dgram + 4, msg, sizeof(msg));
	/* the peer behind a NAT: its source port is not 4500 */
	through(udp_frame(H_PEER, H_LOCAL, 61000, 4500, dgram, sizeof(dgram), UDP_CK_RIGHT),
		H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	expect_addr(&F.local, H_LOCAL, 4500);
	expect_addr(&F.remote, H_PEER, 61000);
	assert_int_equal(F.len, sizeof(msg));
	assert_memory_equal(F.msg, msg, sizeof(msg));
	assert_int_equal(harness_drops_total(&H), 0);
}

/* IKE to the inside interface's address is the inside interface's: local is that address. */
static void
test_ike_to_inside_address(void **state)
{
	uint8_t msg[30];

	(void)state;
	ike_msg(msg, sizeof(msg));
	through(udp_frame("10.0.2.5", "10.0.2.1", 500, 500, msg, sizeof(msg), UDP_CK_RIGHT),
		H_INSIDE);
	assert_int_equal(F.inputs, 1);
	expect_addr(&F.local, "10.0.2.1", 500);
	expect_addr(&F.remote, "10.0.2.5", 500);
}

/* Each malformed datagram: its counter, and nothing for IKE. */
static void
test_ike_refused(void **state)
{
	uint8_t msg[40], dgram[44], frame[256];
	struct rte_mbuf *m;
	struct punt_ike ike = {.hooks = &HOOKS, .ctx = &F};
	struct punt_stats st = {0};
	size_t len;

	(void)state;
	ike_msg(msg, sizeof(msg));
	/* a wrong UDP checksum (the worker does not look at it) */
	through(udp_frame(H_PEER, H_LOCAL, 500, 500, msg, sizeof(msg), 0x1234), H_OUTSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_bad_cksum], 1);
	/* 4500 with only the marker: no message */
	through(udp_frame(H_PEER, H_LOCAL, 4500, 4500, MARKER, 4, UDP_CK_RIGHT), H_OUTSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_empty], 1);
	/*
	 * To the inside address the worker punts all UDP unchecked: 4500 without
	 * the marker, a NAT keepalive, a UDP length past the packet.
	 */
	through(udp_frame("10.0.2.5", "10.0.2.1", 4500, 4500, msg, 7, UDP_CK_RIGHT), H_INSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_no_marker], 1);
	through(udp_frame("10.0.2.5", "10.0.2.1", 4500, 4500, "\xff", 1, UDP_CK_RIGHT), H_INSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_keepalive], 1);
	m = udp_frame("10.0.2.5", "10.0.2.1", 500, 500, msg, sizeof(msg), UDP_CK_RIGHT);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20 + 5)[0] += 1;	/* UDP length + 1 */
	through(m, H_INSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_bad_udp], 1);
	/* the first fragment of an IKE datagram: taken for reassembly (test_fragments_*) */
	m = udp_frame(H_PEER, H_LOCAL, 500, 500, msg, sizeof(msg), UDP_CK_RIGHT);
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);

		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	through(m, H_OUTSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_fragment], 1);
	assert_int_equal(P()->fragments, 1);

	assert_int_equal(F.inputs, 0);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].received, 6);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].unhandled, 5);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].answered, 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 5);
	assert_int_equal(harness_drops_total(&H), 5);

	/*
	 * Two that no worker punts, given to punt_handle directly: a frame from
	 * no port of ours (not ours), and a wrong IPv4 header checksum.
	 */
	dgram[0] = 0x01;
	dgram[1] = 0xf4;
	dgram[2] = 0x01;
	dgram[3] = 0xf4;
	dgram[4] = 0;
	dgram[5] = sizeof(dgram);
	dgram[6] = dgram[7] = 0;
	memcpy(dgram + 8, msg, sizeof(dgram) - 8);
	len = harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_UDP, 64, dgram, sizeof(dgram));
	m = harness_mbuf(&H, frame, len);
	m->port = RTE_MBUF_PORT_INVALID;
	punt_handle(H.dp, &H.cfg, m, &st, &ike, NULL);
	assert_int_equal(st.ike[PUNT_IKE_not_ours], 1);
	frame[14 + 10] ^= 0x40;
	m = harness_mbuf(&H, frame, len);
	m->port = H.dp->ports[H_OUTSIDE].port_id;
	punt_handle(H.dp, &H.cfg, m, &st, &ike, NULL);
	assert_int_equal(st.ike[PUNT_IKE_bad_ip], 1);
	assert_int_equal(st.kind[VIEW_PUNT_IKE].unhandled, 2);
	assert_int_equal(F.inputs, 0);
}

/* Without IKE hooks, IKE is counted as unhandled, as before IKE. */
static void
test_ike_without_hooks(void **state)
{
	uint8_t msg[40];

	(void)state;
	ctrl_set_ike_hooks(C, NULL, NULL);
	ike_msg(msg, sizeof(msg));
	through(udp_frame(H_PEER, H_LOCAL, 500, 500, msg, sizeof(msg), UDP_CK_RIGHT), H_OUTSIDE);
	assert_int_equal(F.inputs, 0);
	assert_int_equal(P()->ike[PUNT_IKE_no_ike], 1);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].unhandled, 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 1);
	/* and back */
	ctrl_set_ike_hooks(C, &HOOKS, &F);
	through(udp_frame(H_PEER, H_LOCAL, 500, 500, msg, sizeof(msg), UDP_CK_RIGHT), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
}

/*
 * One IPv4 fragment of a UDP datagram from H_PEER to us: bytes [off, off +
 * len) of dgram (UDP header included), MF as more, IP ID id.
 */
static struct rte_mbuf *
ip_fragment(const uint8_t *dgram, size_t off, size_t len, bool more, uint16_t id)
{
	uint8_t frame[2048];
	size_t flen = harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_UDP, 64, dgram + off, len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);

	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(off / 8 | (more ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return harness_mbuf(&H, frame, flen);
}

/* A UDP datagram sport -> dport (checksum right) around prefix || msg, into dgram. */
static size_t
udp_dgram(uint8_t *dgram, uint16_t port, const uint8_t *prefix, size_t plen, const uint8_t *msg,
	  size_t mlen)
{
	uint8_t payload[1024];
	size_t n = plen + mlen + 8;
	struct rte_mbuf *m;

	if (plen != 0)
		memcpy(payload, prefix, plen);
	memcpy(payload + plen, msg, mlen);
	m = udp_frame(H_PEER, H_LOCAL, port, port, payload, plen + mlen, UDP_CK_RIGHT);
	memcpy(dgram, rte_pktmbuf_mtod_offset(m, const uint8_t *, 14 + 20), n);
	rte_pktmbuf_free(m);
	return n;
}

/*
 * An IKE message of 300 bytes on UDP 500 in three IPv4 fragments [0,104)
 * [104,208) [208,308), fed last first: IKE gets it once, whole; each fragment
 * counted as taken.
 */
static void
test_fragments_reassembled(void **state)
{
	uint8_t msg[300], dgram[4096];
	size_t n;

	(void)state;
	ike_msg(msg, sizeof(msg));
	n = udp_dgram(dgram, 500, NULL, 0, msg, sizeof(msg));
	through(ip_fragment(dgram, 208, n - 208, false, 7), H_OUTSIDE);
	through(ip_fragment(dgram, 104, 104, true, 7), H_OUTSIDE);
	assert_int_equal(F.inputs, 0);
	through(ip_fragment(dgram, 0, 104, true, 7), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	assert_int_equal(F.len, sizeof(msg));
	assert_memory_equal(F.msg, msg, sizeof(msg));
	expect_addr(&F.remote, H_PEER, 500);
	assert_int_equal(P()->fragments, 3);
	assert_int_equal(P()->ike[PUNT_IKE_fragment], 3);
	assert_int_equal(P()->ike[PUNT_IKE_delivered], 1);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* On UDP 4500 the worker punts a first fragment that starts with the non-ESP marker. */
static void
test_fragments_reassembled_4500(void **state)
{
	uint8_t msg[200], dgram[4096];
	size_t n;

	(void)state;
	ike_msg(msg, sizeof(msg));
	n = udp_dgram(dgram, 4500, MARKER, 4, msg, sizeof(msg));
	through(ip_fragment(dgram, 0, 96, true, 9), H_OUTSIDE);
	through(ip_fragment(dgram, 96, n - 96, false, 9), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	assert_int_equal(F.len, sizeof(msg));
	assert_memory_equal(F.msg, msg, sizeof(msg));
	expect_addr(&F.local, H_LOCAL, 4500);
	assert_int_equal(harness_drops_total(&H), 0);
}

/*
 * A fragment overlapping another with different bytes: the datagram is
 * dropped, that fragment counted as unhandled, and the two fragments held
 * for it join it in PuntUnhandled (nothing taken is lost silently); the rest
 * cannot complete it.
 */
static void
test_fragment_overlap_dropped(void **state)
{
	uint8_t msg[300], dgram[4096], evil[4096];
	size_t n;

	(void)state;
	ike_msg(msg, sizeof(msg));
	n = udp_dgram(dgram, 500, NULL, 0, msg, sizeof(msg));
	memcpy(evil, dgram, n);
	memset(evil + 104, 0xee, 104);
	through(ip_fragment(dgram, 0, 104, true, 11), H_OUTSIDE);
	through(ip_fragment(dgram, 104, 104, true, 11), H_OUTSIDE);
	through(ip_fragment(evil, 104, 104, true, 11), H_OUTSIDE);
	assert_int_equal(P()->kind[VIEW_PUNT_OTHER].unhandled, 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 3);
	through(ip_fragment(dgram, 208, n - 208, false, 11), H_OUTSIDE);
	assert_int_equal(F.inputs, 0);
}

/*
 * "show ip traffic" reads reassembly's counters through ctrl_ip_traffic: each
 * outcome provoked once (twice for fragments of a complete datagram) moves
 * its own counter and no other; the datagram left incomplete is "pending"
 * until it times out.
 */
static void
test_ip_traffic_reasm(void **state)
{
	uint8_t msg[300], dgram[4096], evil[4096];
	struct view_ip_traffic t;
	uint64_t want[REASM4__COUNT] = {0};
	size_t n;

	(void)state;
	ike_msg(msg, sizeof(msg));
	n = udp_dgram(dgram, 500, NULL, 0, msg, sizeof(msg));
	memcpy(evil, dgram, n);
	memset(evil + 104, 0xee, 104);
	/*
	 * datagram 21 completes; 22 is left pending, its first fragment sent
	 * twice; 23 overlaps. The dataplane holds UDP fragments until the first
	 * one says they are IKE (reasm_in.h), so 23's first goes first here.
	 */
	through(ip_fragment(dgram, 0, 208, true, 21), H_OUTSIDE);
	through(ip_fragment(dgram, 208, n - 208, false, 21), H_OUTSIDE);
	through(ip_fragment(dgram, 0, 104, true, 22), H_OUTSIDE);
	through(ip_fragment(dgram, 0, 104, true, 22), H_OUTSIDE);
	through(ip_fragment(dgram, 0, 104, true, 23), H_OUTSIDE);
	through(ip_fragment(dgram, 104, 104, true, 23), H_OUTSIDE);
	through(ip_fragment(evil, 104, 104, true, 23), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	want[REASM4_fragments] = 7;
	want[REASM4_completed] = 1;
	want[REASM4_duplicates] = 1;
	want[REASM4_overlaps] = 1;
	ctrl_ip_traffic(C, &t);
	assert_memory_equal(t.reasm, want, sizeof(want));
	assert_int_equal(t.reasm_pending, 1);
	clk_fake_advance_ms(&H.fake, REASM4_TIMEOUT_MS);
	while (ctrl_work(C))
		;
	want[REASM4_timeouts] = 1;
	ctrl_ip_traffic(C, &t);
	assert_memory_equal(t.reasm, want, sizeof(want));
	assert_int_equal(t.reasm_pending, 0);
}

/* ---- events and timers ---- */

static void
test_events_to_ike(void **state)
{
	uint8_t frame[128], pl[20] = {0};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x4004, .cipher = DP_CIPHER_AES_GCM_128,
			 .life = {.soft_pkts = 1, .hard_sec = 30}};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl,
					sizeof(pl));
	int id;

	(void)state;
	/* no SA: an acquire */
	through(harness_mbuf(&H, frame, len), H_INSIDE);
	assert_int_equal(F.events[DP_EV_ACQUIRE], 1);
	assert_int_equal(F.last_event.conn_id, 0);
	/* an SA: its soft limit at the first packet, its hard one after 30 s */
	id = harness_add_sa(&H, &s);
	assert_true(id > 0);
	through(harness_mbuf(&H, frame, len), H_INSIDE);
	assert_int_equal(F.events[DP_EV_SA_SOFT], 1);
	assert_int_equal(F.last_event.conn_id, (uint32_t)id);
	clk_fake_advance_ms(&H.fake, 30000);
	while (ctrl_work(C))
		;
	assert_int_equal(F.events[DP_EV_SA_HARD], 1);
	assert_int_equal(F.last_event.conn_id, (uint32_t)id);
	assert_int_equal(ctrl_stats(C)->events[DP_EV_SA_HARD], 1);
	/* other events are not IKE's */
	through(harness_esp(&H, "198.51.100.7", 0xdead, 1), H_OUTSIDE);
	assert_int_equal(ctrl_stats(C)->events[DP_EV_INVALID_SPI], 1);
	assert_int_equal(F.events[DP_EV_INVALID_SPI], 0);
}

static void
test_timers(void **state)
{
	(void)state;
	F.timeout = UINT64_MAX;	/* no timer */
	assert_int_equal(ctrl_poll_timeout_ms(C), 100);
	ctrl_work(C);
	assert_int_equal(F.timer_runs, 0);
	F.timeout = 100;
	assert_int_equal(ctrl_poll_timeout_ms(C), 100);
	F.timeout = 37;
	assert_int_equal(ctrl_poll_timeout_ms(C), 37);	/* poll() sleeps no longer */
	ctrl_work(C);
	assert_int_equal(F.timer_runs, 0);
	F.timeout = 0;
	assert_int_equal(ctrl_poll_timeout_ms(C), 0);
	ctrl_work(C);
	assert_int_equal(F.timer_runs, 1);
	ctrl_set_ike_hooks(C, NULL, NULL);
	assert_int_equal(ctrl_poll_timeout_ms(C), 100);
	ctrl_work(C);
	assert_int_equal(F.timer_runs, 1);
}

/* ---- ctrl_udp_send ---- */

static struct ike_addr
addr(const char *ip, uint16_t port)
{
	struct ike_addr a = {.family = 4, .port = port};
	uint32_t v;

	ip4_parse(ip, &v);
	memcpy(a.ip, &v, 4);
	return a;
}

/* What the worker sent out of outside0 for the control thread: one frame. */
static struct rte_mbuf *
sent_frame(void)
{
	struct rte_mbuf *out[4];
	uint16_t n;

	worker_inject(H.w);
	worker_flush(H.w);
	n = rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, out, 4);
	assert_int_equal(n, 1);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_INSIDE].port_id, 0, out + 1, 3), 0);
	return out[0];
}

static void
expect_frame(const struct rte_mbuf *m, uint16_t id, const uint8_t *payload, size_t plen)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *ip = f + 14, *udp = ip + 20;
	uint8_t want_ip[20] = {0x45, 0, (uint8_t)((28 + plen) >> 8), (uint8_t)(28 + plen),
			       (uint8_t)(id >> 8), (uint8_t)id, 0, 0, 64, 17, 0, 0,
			       192, 0, 2, 2, 192, 0, 2, 1};
	uint8_t want_udp[8] = {0x11, 0x94, 0xc3, 0x50, (uint8_t)((8 + plen) >> 8),
			       (uint8_t)(8 + plen), 0, 0};
	uint8_t mac[6];
	uint16_t ck;

	assert_int_equal(m->pkt_len, 14 + 28 + plen);
	mac_parse(H_PEER_MAC, mac);
	assert_memory_equal(f, mac, 6);
	mac_parse(H_OUTSIDE_MAC, mac);
	assert_memory_equal(f + 6, mac, 6);
	assert_memory_equal(f + 12, "\x08\x00", 2);
	ck = (uint16_t)~sum(want_ip, 20, 0);
	want_ip[10] = (uint8_t)(ck >> 8);
	want_ip[11] = (uint8_t)ck;
	assert_memory_equal(ip, want_ip, 20);
	assert_memory_equal(udp + 8, payload, plen);
	/* the checksum over what was sent, with the field zeroed, computed here */
	{
		uint8_t copy[2048];

		memcpy(copy, udp, 8 + plen);
		copy[6] = copy[7] = 0;
		ck = udp_cksum(ip, copy, 8 + plen);
		if (ck == 0)
			ck = 0xffff;
	}
	want_udp[6] = (uint8_t)(ck >> 8);
	want_udp[7] = (uint8_t)ck;
	assert_memory_equal(udp, want_udp, 8);
}

static void
test_udp_send_frame(void **state)
{
	struct ike_addr local = addr(H_LOCAL, 4500), remote = addr(H_PEER, 50000);
	uint8_t msg[77], want[81];
	struct rte_mbuf *m;
	uint16_t id;

	(void)state;
	ike_msg(msg, sizeof(msg));
	memcpy(want, MARKER, 4);
	memcpy(want + 4, msg, sizeof(msg));
	assert_int_equal(ctrl_udp_send(C, &local, &remote, MARKER, 4, msg, sizeof(msg)), 0);
	m = sent_frame();
	id = rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->packet_id);
	expect_frame(m, id, want, sizeof(want));
	rte_pktmbuf_free(m);
	/* the next one: the next identification; a keepalive, one 0xff byte, no marker */
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "\xff", 1), 0);
	m = sent_frame();
	expect_frame(m, (uint16_t)(id + 1), (const uint8_t *)"\xff", 1);
	rte_pktmbuf_free(m);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].sent, 2);
	assert_int_equal(P()->ike[PUNT_IKE_sent], 2);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].received, 0);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_udp_send_refused(void **state)
{
	struct ike_addr local = addr(H_LOCAL, 500), remote = addr(H_PEER, 500);
	struct ike_addr other = addr("198.51.100.1", 500), six = {.family = 6, .port = 500};
	static uint8_t big[1500];
	unsigned int queued = 0;

	(void)state;
	assert_int_equal(ctrl_udp_send(C, &six, &remote, NULL, 0, big, 10), -EAFNOSUPPORT);
	assert_int_equal(ctrl_udp_send(C, &local, &six, NULL, 0, big, 10), -EAFNOSUPPORT);
	assert_int_equal(ctrl_udp_send(C, &other, &remote, NULL, 0, big, 10), -EADDRNOTAVAIL);
	/* the interface's IP MTU (1500): 1472 bytes of UDP payload fit, 1473 do not */
	assert_int_equal(ctrl_udp_send(C, &local, &remote, MARKER, 4, big, 1468), 0);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, MARKER, 4, big, 1469), -EMSGSIZE);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].send_failed, 4);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].sent, 1);
	rte_pktmbuf_free(sent_frame());
	/* the worker's inject ring full: -ENOBUFS, and the buffer is not lost */
	while (ctrl_udp_send(C, &local, &remote, NULL, 0, big, 10) == 0)
		queued++;
	assert_int_equal(queued, rte_ring_get_capacity(H.w->link.inject));
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, big, 10), -ENOBUFS);
	assert_int_equal(P()->ike[PUNT_IKE_send_failed], 6);
	worker_inject(H.w);	/* and the worker sends them */
	worker_flush(H.w);
	{
		struct rte_mbuf *out[64];
		unsigned int got = 0;
		uint16_t n;

		while ((n = rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, out, 64)) > 0) {
			got += n;
			rte_pktmbuf_free_bulk(out, n);
		}
		assert_true(got > 0);
	}
}

#define NH "192.0.2.77"			/* a next hop with no static MAC */
#define NH_MAC "02:00:00:00:00:77"

/* The ARP request for NH that the control thread sent (RFC 826): broadcast, from us. */
static void
expect_arp_request(void)
{
	struct rte_mbuf *m = sent_frame();
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t want[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* to everyone */
				2, 0, 0, 0, 0, 2, 0x08, 0x06,		/* from outside0, ARP */
				0, 1, 0x08, 0, 6, 4, 0, 1,		/* Ethernet/IPv4, request */
				2, 0, 0, 0, 0, 2, 192, 0, 2, 2,		/* sender: us */
				0, 0, 0, 0, 0, 0, 192, 0, 2, 77};	/* target: NH */

	assert_int_equal(m->pkt_len, sizeof(want));
	assert_memory_equal(f, want, sizeof(want));
	rte_pktmbuf_free(m);
}

/* NH's ARP reply to us, received on outside0 and punted by the worker. */
static struct rte_mbuf *
arp_reply_from_nh(void)
{
	uint8_t f[42] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0x77, 0x08, 0x06,
			 0, 1, 0x08, 0, 6, 4, 0, 2,
			 2, 0, 0, 0, 0, 0x77, 192, 0, 2, 77,
			 2, 0, 0, 0, 0, 2, 192, 0, 2, 2};

	return harness_mbuf(&H, f, sizeof(f));
}

/*
 * No static MAC for NH: the send fails, an ARP request goes out (one a
 * second, not one per attempt); NH's reply is learned and the next send
 * reaches NH's MAC.
 */
static void
test_udp_send_no_mac(void **state)
{
	struct ike_addr local = addr(H_LOCAL, 500), remote = addr(NH, 500);
	struct rte_mbuf *m;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), -EHOSTUNREACH);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].send_failed, 1);
	expect_arp_request();
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), -EHOSTUNREACH);
	worker_inject(H.w);
	worker_flush(H.w);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, &m, 1), 0);
	clk_fake_advance_ms(&H.fake, ARP_RETRY_MS);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), -EHOSTUNREACH);
	expect_arp_request();
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].sent, 2);

	through(arp_reply_from_nh(), H_OUTSIDE);
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].answered, 1);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), 0);
	m = sent_frame();
	mac_parse(NH_MAC, mac);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), mac, 6);
	rte_pktmbuf_free(m);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* ARP to someone else teaches nothing; a request to us teaches its sender. */
static void
test_arp_request_to_us_learned(void **state)
{
	struct ike_addr local = addr(H_LOCAL, 500), remote = addr(NH, 500);
	uint8_t f[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x77, 0x08, 0x06,
			 0, 1, 0x08, 0, 6, 4, 0, 1,
			 2, 0, 0, 0, 0, 0x77, 192, 0, 2, 77,
			 0, 0, 0, 0, 0, 0, 192, 0, 2, 99};

	(void)state;
	through(harness_mbuf(&H, f, sizeof(f)), H_OUTSIDE);	/* who has .99? not us */
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].unhandled, 1);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), -EHOSTUNREACH);
	expect_arp_request();
	f[41] = 2;						/* who has .2? us */
	through(harness_mbuf(&H, f, sizeof(f)), H_OUTSIDE);
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].answered, 1);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, "x", 1), 0);
	rte_pktmbuf_free(sent_frame());
}

/*
 * "show ip traffic" reads the learned ARP table through ctrl_ip_traffic: a
 * miss that sends a request, a miss held back a moment later, the reply
 * learned, a hit, the reply again with a new MAC, and the entry aging out
 * after IOS's 4 hours. Each moves its own counter and no other.
 */
static void
test_ip_traffic_arp(void **state)
{
	struct view_ip_traffic t;
	uint64_t want[ARP__COUNT] = {0};
	uint8_t mac[6];
	uint32_t nh;
	struct rte_mbuf *m;

	(void)state;
	ip4_parse(NH, &nh);
	assert_int_equal(ctrl_arp_resolve(C, H_OUTSIDE, nh, mac), -EHOSTUNREACH);
	expect_arp_request();
	assert_int_equal(ctrl_arp_resolve(C, H_OUTSIDE, nh, mac), -EHOSTUNREACH);
	ctrl_ip_traffic(C, &t);
	assert_int_equal(t.arp_entries, 1);
	assert_int_equal(t.arp_incomplete, 1);
	through(arp_reply_from_nh(), H_OUTSIDE);
	assert_int_equal(ctrl_arp_resolve(C, H_OUTSIDE, nh, mac), 0);
	m = arp_reply_from_nh();
	rte_pktmbuf_mtod_offset(m, uint8_t *, 22 + 5)[0] = 0x78;	/* sender MAC ...:78 */
	through(m, H_OUTSIDE);
	want[ARP_misses] = 2;
	want[ARP_req_sent] = 1;
	want[ARP_req_wait] = 1;
	want[ARP_learned] = 1;
	want[ARP_hits] = 1;
	want[ARP_refreshed] = 1;
	want[ARP_mac_changed] = 1;
	ctrl_ip_traffic(C, &t);
	assert_memory_equal(t.arp, want, sizeof(want));
	assert_int_equal(t.arp_entries, 1);
	assert_int_equal(t.arp_incomplete, 0);
	clk_fake_advance_ms(&H.fake, 4ull * 3600 * 1000);
	while (ctrl_work(C))
		;
	want[ARP_aged] = 1;
	ctrl_ip_traffic(C, &t);
	assert_memory_equal(t.arp, want, sizeof(want));
	assert_int_equal(t.arp_entries, 0);
}

/*
 * An outbound SA to a peer with no static MAC: refused while unresolved (an
 * ARP request for the peer goes out), installed with the learned MAC once the
 * peer answered, and the ESP it sends goes to that MAC.
 */
static void
test_sa_install_learned_mac(void **state)
{
	const struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3003, .cipher = DP_CIPHER_AES_GCM_128};
	uint8_t reply[42] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
			     0, 1, 0x08, 0, 6, 4, 0, 2,
			     2, 0, 0, 0, 0, 1, 192, 0, 2, 1,	/* H_PEER is at H_PEER_MAC */
			     2, 0, 0, 0, 0, 2, 192, 0, 2, 2};
	uint8_t frame[128], body[8] = {0}, mac[6];
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	assert_int_equal(harness_add_sa(&H, &out), -EHOSTUNREACH);
	m = sent_frame();
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, const uint8_t *, 38), "\xc0\x00\x02\x01", 4);
	rte_pktmbuf_free(m);
	through(harness_mbuf(&H, reply, sizeof(reply)), H_OUTSIDE);
	assert_true(harness_add_sa(&H, &out) > 0);

	len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, body, sizeof(body));
	m = harness_mbuf(&H, frame, len);
	harness_rx(&H, H_INSIDE, &m, 1);
	worker_flush(H.w);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, &m, 1), 1);
	mac_parse(H_PEER_MAC, mac);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), mac, 6);
	rte_pktmbuf_free(m);
}

/* A plaintext packet from the inside through the outbound SA: the ESP frame's destination MAC. */
static void
esp_dst_mac(uint8_t mac[6])
{
	uint8_t frame[128], body[8] = {0};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, body,
					sizeof(body));
	struct rte_mbuf *m = harness_mbuf(&H, frame, len);

	harness_rx(&H, H_INSIDE, &m, 1);
	worker_flush(H.w);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_OUTSIDE].port_id, 0, &m, 1), 1);
	assert_int_equal(rte_pktmbuf_mtod_offset(m, const uint8_t *, 14 + 9)[0], IPPROTO_ESP);
	memcpy(mac, rte_pktmbuf_mtod(m, const uint8_t *), 6);
	rte_pktmbuf_free(m);
}

/*
 * The peer's MAC changes after its outbound SA was installed (a failover):
 * its gratuitous ARP (RFC 5227 announcement: a broadcast request for its own
 * address, to nobody in particular) moves the SA to the new MAC from the next
 * packet, counted as sa_moved. An ARP from the peer at the MAC the SA already
 * uses moves nothing.
 */
static void
test_sa_follows_new_mac(void **state)
{
	const struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3004, .cipher = DP_CIPHER_AES_GCM_128};
	uint8_t reply[42] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
			     0, 1, 0x08, 0, 6, 4, 0, 2,
			     2, 0, 0, 0, 0, 1, 192, 0, 2, 1,	/* H_PEER is at H_PEER_MAC */
			     2, 0, 0, 0, 0, 2, 192, 0, 2, 2};
	uint8_t garp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x99, 0x08, 0x06,
			    0, 1, 0x08, 0, 6, 4, 0, 1,
			    2, 0, 0, 0, 0, 0x99, 192, 0, 2, 1,	/* H_PEER is now at ...:99 */
			    0, 0, 0, 0, 0, 0, 192, 0, 2, 1};
	const uint8_t moved[6] = {2, 0, 0, 0, 0, 0x99};
	struct view_ip_traffic t;
	uint8_t mac[6], peer_mac[6];

	(void)state;
	mac_parse(H_PEER_MAC, peer_mac);
	assert_int_equal(harness_add_sa(&H, &out), -EHOSTUNREACH);
	rte_pktmbuf_free(sent_frame());	/* the ARP request for the peer */
	through(harness_mbuf(&H, reply, sizeof(reply)), H_OUTSIDE);
	assert_true(harness_add_sa(&H, &out) > 0);
	esp_dst_mac(mac);
	assert_memory_equal(mac, peer_mac, 6);
	/* the same MAC again: nothing to move */
	through(harness_mbuf(&H, reply, sizeof(reply)), H_OUTSIDE);
	ctrl_ip_traffic(C, &t);
	assert_int_equal(t.arp[ARP_sa_moved], 0);
	/* the failover's announcement */
	through(harness_mbuf(&H, garp, sizeof(garp)), H_OUTSIDE);
	ctrl_ip_traffic(C, &t);
	assert_int_equal(t.arp[ARP_sa_moved], 1);
	assert_int_equal(t.arp[ARP_mac_changed], 1);
	assert_int_equal(t.arp[ARP_sa_move_failed], 0);
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].answered, 3);
	assert_int_equal(P()->kind[VIEW_PUNT_ARP].unhandled, 0);
	esp_dst_mac(mac);
	assert_memory_equal(mac, moved, 6);
	assert_int_equal(harness_drops_total(&H), 0);
}

/*
 * A static MAC wins over what ARP says: an outbound SA to a peer with one
 * (the default harness: next_hop_mac on outside0) is never moved, and an SA
 * already sending to the MAC is not rebuilt.
 */
static void
test_static_mac_not_moved(void **state)
{
	const struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3005, .cipher = DP_CIPHER_AES_GCM_128};
	const uint8_t other[6] = {2, 0, 0, 0, 0, 0x99};
	uint8_t mac[6], peer_mac[6];
	uint32_t peer;

	(void)state;
	mac_parse(H_PEER_MAC, peer_mac);
	ip4_parse(H_PEER, &peer);
	assert_true(harness_add_sa(&H, &out) > 0);
	assert_int_equal(dp_neighbor_update(H.dp, H.dp->ports[H_OUTSIDE].iface, peer, other), 0);
	esp_dst_mac(mac);
	assert_memory_equal(mac, peer_mac, 6);
}

/* ---- IKE over IPv6: outside0 has address6 2001:db8::2, the peer is H_PEER6 ---- */

#define LOCAL6 "2001:db8::2"

static int
setup_v6(void **state)
{
	const struct h_opts o = {.outside6 = LOCAL6};

	(void)state;
	return setup_opts(&o);
}

/*
 * scapy 2.5's frames (Ether()/IPv6(hlim=64)/UDP()/Raw(), as in test_udp6.c),
 * 2001:db8::2 -> 2001:db8::1; here the addresses are swapped (the peer sends
 * to us), which leaves the UDP checksum right: the pseudo header sums them.
 * 4500 -> 4500: the marker, then 5 bytes (i * 7 + 5); 500 -> 500: bytes 0..32.
 */
static const char SCAPY_NATT6[] =
	"02000000000102000000000286dd600000000011114020010db800000000000000000000000220010db8"
	"000000000000000000000001119411940011480900000000050c131a21";
static const char SCAPY_IKE6[] =
	"02000000000102000000000286dd600000000029114020010db800000000000000000000000220010db8"
	"00000000000000000000000101f401f400298f3e000102030405060708090a0b0c0d0e0f10111213141516"
	"1718191a1b1c1d1e1f20";

/* The scapy frame as the peer's to us, on outside0; change: a byte to set (or SIZE_MAX). */
static struct rte_mbuf *
frame6(const char *hex, size_t change, uint8_t val)
{
	uint8_t f[256], tmp[16];
	size_t n = 0;

	assert_true(hex_decode(hex, f, sizeof(f), &n));
	dp_iface_mac(H.dp, H.dp->ports[H_OUTSIDE].iface, f);
	memcpy(tmp, f + 14 + 8, 16);
	memcpy(f + 14 + 8, f + 14 + 24, 16);
	memcpy(f + 14 + 24, tmp, 16);
	if (change != SIZE_MAX)
		f[change] = val;
	return harness_mbuf(&H, f, n);
}

static void
expect_addr6(const struct ike_addr *a, const char *ip, uint16_t port)
{
	uint8_t v[16];

	assert_int_equal(inet_pton(AF_INET6, ip, v), 1);
	assert_int_equal(a->family, 6);
	assert_memory_equal(a->ip, v, 16);
	assert_int_equal(a->port, port);
}

static void
test_ike6_delivered(void **state)
{
	uint8_t want[33];

	(void)state;
	for (int i = 0; i < 33; i++)
		want[i] = (uint8_t)i;
	through(frame6(SCAPY_IKE6, SIZE_MAX, 0), H_OUTSIDE);
	assert_int_equal(F.inputs, 1);
	expect_addr6(&F.local, LOCAL6, 500);
	expect_addr6(&F.remote, H_PEER6, 500);
	assert_int_equal(F.len, 33);
	assert_memory_equal(F.msg, want, 33);
	/* on 4500 the non-ESP marker goes */
	through(frame6(SCAPY_NATT6, SIZE_MAX, 0), H_OUTSIDE);
	assert_int_equal(F.inputs, 2);
	expect_addr6(&F.local, LOCAL6, 4500);
	assert_int_equal(F.len, 5);
	assert_int_equal(F.msg[0], 5);
	assert_int_equal(P()->ike[PUNT_IKE_delivered], 2);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].answered, 2);
	assert_int_equal(harness_drops_total(&H), 0);
}

static void
test_ike6_refused(void **state)
{
	(void)state;
	/* a wrong UDP checksum (its first byte changed) */
	through(frame6(SCAPY_IKE6, 14 + 40 + 6, 0), H_OUTSIDE);
	assert_int_equal(P()->ike[PUNT_IKE_bad_cksum], 1);
	/* a zero one: "none" over IPv4, refused over IPv6 (RFC 8200 8.1) */
	{
		struct rte_mbuf *m = frame6(SCAPY_IKE6, 14 + 40 + 6, 0);

		rte_pktmbuf_mtod(m, uint8_t *)[14 + 40 + 7] = 0;
		through(m, H_OUTSIDE);
	}
	/* a fragment header in front of UDP: not walked, counted */
	through(frame6(SCAPY_IKE6, 14 + 6, 44), H_OUTSIDE);
	/* to another address of the link: not ours (the worker drops it before) */
	through(frame6(SCAPY_IKE6, 14 + 24 + 15, 9), H_OUTSIDE);
	assert_int_equal(F.inputs, 0);
	assert_int_equal(P()->ike[PUNT_IKE_bad_cksum], 2);
	assert_int_equal(P()->ike[PUNT_IKE_ext_hdr], 1);
	assert_int_equal(P()->kind[VIEW_PUNT_OTHER].unhandled, 1);
	assert_int_equal(P()->kind[VIEW_PUNT_IKE].unhandled, 2);
}

/* IKE over IPv6 out: the frame udp6_build makes (test_udp6.c holds it against scapy). */
static void
test_udp6_send_frame(void **state)
{
	struct ike_addr local = {.family = 6, .port = 500}, remote = {.family = 6, .port = 500};
	struct ike_addr v4 = addr(H_LOCAL, 500);
	struct udp6_out o = {.sport = 500, .dport = 500};
	uint8_t msg[33], want[256];
	struct rte_mbuf *m;
	size_t n;

	(void)state;
	for (int i = 0; i < 33; i++)
		msg[i] = (uint8_t)i;
	inet_pton(AF_INET6, LOCAL6, local.ip);
	inet_pton(AF_INET6, H_PEER6, remote.ip);
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, msg, sizeof(msg)), 0);
	m = sent_frame();
	mac_parse(H_PEER_MAC, o.dmac);	/* next_hop_mac: no IPv6 neighbor configured */
	dp_iface_mac(H.dp, H.dp->ports[H_OUTSIDE].iface, o.smac);
	memcpy(o.src, local.ip, 16);
	memcpy(o.dst, remote.ip, 16);
	n = udp6_build(want, sizeof(want), &o, NULL, 0, msg, sizeof(msg));
	assert_int_equal(m->pkt_len, n);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), want, n);
	assert_int_equal(rte_pktmbuf_mtod(m, const uint8_t *)[14 + 7], 64);	/* hop limit */
	rte_pktmbuf_free(m);
	/* mixed families, or an address6 nobody has: refused */
	assert_int_equal(ctrl_udp_send(C, &v4, &remote, NULL, 0, msg, 1), -EAFNOSUPPORT);
	remote.ip[15] = 7;
	local.ip[15] = 7;
	assert_int_equal(ctrl_udp_send(C, &local, &remote, NULL, 0, msg, 1), -EADDRNOTAVAIL);
	assert_int_equal(P()->ike[PUNT_IKE_sent], 1);
	assert_int_equal(P()->ike[PUNT_IKE_send_failed], 2);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ike_500_delivered),
		T(test_ike_4500_marker_removed),
		T(test_ike_to_inside_address),
		T(test_ike_refused),
		T(test_ike_without_hooks),
		T(test_fragments_reassembled),
		T(test_fragments_reassembled_4500),
		T(test_fragment_overlap_dropped),
		T(test_ip_traffic_reasm),
		T(test_events_to_ike),
		T(test_timers),
		T(test_udp_send_frame),
		T(test_udp_send_refused),
		cmocka_unit_test_setup_teardown(test_udp_send_no_mac, setup_no_mac, teardown),
		cmocka_unit_test_setup_teardown(test_arp_request_to_us_learned, setup_no_mac, teardown),
		cmocka_unit_test_setup_teardown(test_ip_traffic_arp, setup_no_mac, teardown),
		cmocka_unit_test_setup_teardown(test_sa_follows_new_mac, setup_no_mac, teardown),
		T(test_static_mac_not_moved),
		cmocka_unit_test_setup_teardown(test_sa_install_learned_mac, setup_no_mac, teardown),
		cmocka_unit_test_setup_teardown(test_ike6_delivered, setup_v6, teardown),
		cmocka_unit_test_setup_teardown(test_ike6_refused, setup_v6, teardown),
		cmocka_unit_test_setup_teardown(test_udp6_send_frame, setup_v6, teardown),
	};
#undef T

	setenv("TZ", "UTC", 1);
	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
