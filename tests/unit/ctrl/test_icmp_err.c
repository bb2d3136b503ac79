/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors back through the tunnel (icmp_err.c), end to end on the
 * dataplane harness with the control thread and a fake clock:
 *
 *   host 10.0.0.7 (behind the peer) --ESP, 1800 bytes, DF--> outside0 [dpsec] inside0, MTU 1500
 *        drop 25 -> DP_EV_ICMP_ERROR -> control thread builds ICMP 3/4 from 10.0.2.1
 *        -> dp_inject_encrypt(inside0) -> worker: esp_out -> ESP to the peer
 *   the test reflects that ESP back in and reads the ICMP the host would get.
 *
 * and for what hosts on the inside send (in clear, back out of inside0 to
 * the next hop towards the host, H_HOST_MAC):
 *
 *   host 10.0.2.5 --TTL 1 / DF and too big for the tunnel / no crypto map-->
 *        inside0 [dpsec]: drop -> DP_EV_ICMP_ERROR (via inside) -> 11/0, 3/4
 *        with the tunnel MTU, 3/0 from 10.0.2.1 -> dp_inject(inside0)
 *
 * The too-big packets are ESP-NULL (esp_null.h); the ICMP goes out under the
 * AES-GCM SA 0x2002, whose inbound twin (same keys) opens it again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "dpsec/ip4.h"

#include "ctrl.h"
#include "esp_null.h"
#include "harness.h"
#include "worker.h"

#define ID 0x4242
/*
 * The largest inner packet the AES-GCM SA 0x2002 carries in outside0's 1500:
 * outer IPv4 20, ESP header 8, IV 8, ICV 16, and the ciphertext (packet,
 * padding, 2 trailer bytes) a multiple of 4: 1500 - 52 = 1448, minus 2.
 */
#define TUNNEL_MTU 1446
#define BIG 1800	/* over inside0's 1500 */

static struct harness H;
static struct ctrl *C;
static uint32_t seq;

static int
setup_with(const struct h_opts *o)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128};
	char err[256];

	seq = 1;
	if (harness_create_opts(&H, o) != 0)
		return -1;
	H.cfg.logging = (struct cfg_logging){.buffer = 4096, .invalid_spi_interval = 60,
					     .replay_interval = 30, .mac_interval = 30, .rate = 20};
	C = ctrl_create(H.dp, &H.cfg, &H.clock, err, sizeof(err));
	if (C == NULL || harness_add_sa(&H, &s) <= 0)
		return -1;
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	return harness_add_sa(&H, &s) > 0 && esp_null_sa(&H) > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	static const struct h_opts dflt;

	(void)state;
	return setup_with(&dflt);
}

/*
 * inside0 a /24 with a route to 10.0.0.0/24 (where the test's remote host is
 * when its packets are reflected back in): the crypto map's 10.0.0.0/16 then
 * holds networks no route leads to.
 */
static int
setup_inside24(void **state)
{
	static const char *const routes[] = {"10.0.0.0/24"};
	static const struct h_opts o = {.inside = "10.0.2.1/24", .routes = routes, .n_routes = 1};

	(void)state;
	return setup_with(&o);
}

static int
teardown(void **state)
{
	(void)state;
	ctrl_destroy(C);
	harness_destroy(&H);
	return 0;
}

/* An inner packet 10.0.0.7 -> 10.0.2.5 of tot bytes: proto, first payload byte, flags. */
static size_t
inner(uint8_t *p, uint32_t tot, uint8_t proto, uint8_t first, uint16_t frag)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint32_t a;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->packet_id = rte_cpu_to_be_16(ID);
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip4_parse("10.0.0.7", &a);
	ip->src_addr = a;
	ip4_parse("10.0.2.5", &a);
	ip->dst_addr = a;
	for (uint32_t i = sizeof(*ip); i < tot; i++)
		p[i] = (uint8_t)(i * 5 + 1);
	p[sizeof(*ip)] = first;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return tot;
}

/*
 * The packet arrives through the tunnel; the worker, the control thread and
 * the worker again do their part; what the gateway sent is in out[].
 */
static uint16_t
arrive(const uint8_t *pkt, size_t len, struct rte_mbuf **out, uint16_t max)
{
	static uint8_t pt[ESP_NULL_MAX];
	struct rte_mbuf *m = esp_null_frame(&H, seq++, pt, esp_null_plaintext(pt, pkt, len));

	assert_non_null(m);
	harness_rx(&H, H_OUTSIDE, &m, 1);
	link_poll(H.w);
	while (ctrl_work(C))
		;
	worker_inject(H.w);
	return harness_collect(&H, out, max, NULL);
}

static void
test_frag_needed_back_through_the_tunnel(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t p[2048];
	struct rte_mbuf *out[4], *m;
	const struct rte_ipv4_hdr *ip;
	const uint8_t *icmp;
	uint32_t a;
	uint16_t port = 99;
	size_t len = inner(p, BIG, IPPROTO_UDP, 0, RTE_IPV4_HDR_DF_FLAG);

	(void)state;
	assert_int_equal(arrive(p, len, out, 4), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG), 1);
	assert_int_equal(st->requested, 1);
	assert_int_equal(st->sent, 1);
	/* ESP to the peer, under the outbound SA */
	ip = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv4_hdr *, 14);
	assert_int_equal(ip->next_proto_id, IPPROTO_ESP);
	ip4_parse(H_PEER, &a);
	assert_int_equal(ip->dst_addr, a);

	/* what the host behind the peer gets, once the peer decapsulated it */
	harness_reflect(out[0]);
	m = out[0];
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, out, 4, &port), 1);
	assert_int_equal(port, H_INSIDE);
	ip = rte_pktmbuf_mtod_offset(out[0], const struct rte_ipv4_hdr *, 14);
	icmp = (const uint8_t *)(ip + 1);
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(ip->type_of_service, 0xc0);		/* RFC 1812 4.3.2.5 */
	assert_int_equal(ip->time_to_live, 63);			/* 64, then one hop here */
	ip4_parse("10.0.2.1", &a);				/* inside0's address */
	assert_int_equal(ip->src_addr, a);
	ip4_parse("10.0.0.7", &a);				/* the packet's source */
	assert_int_equal(ip->dst_addr, a);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + DP_EVENT_HEAD);
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 4);
	assert_int_equal(rte_raw_cksum(icmp, 8 + DP_EVENT_HEAD), 0xffff);
	assert_int_equal(icmp[4] | icmp[5], 0);
	assert_int_equal(icmp[6] << 8 | icmp[7], 1500);		/* RFC 1191 */
	assert_memory_equal(icmp + 8, p, DP_EVENT_HEAD);	/* as it arrived, TTL 64 */
	rte_pktmbuf_free(out[0]);
}

/* RFC 1812 4.3.2.7: no error about an ICMP error or a later fragment; echo is answered. */
static void
test_not_about_errors_or_later_fragments(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t p[2048];
	struct rte_mbuf *out[4];
	uint16_t n;

	(void)state;
	n = arrive(p, inner(p, BIG, IPPROTO_ICMP, 3, RTE_IPV4_HDR_DF_FLAG), out, 4);
	assert_int_equal(n, 0);
	n = arrive(p, inner(p, BIG, IPPROTO_ICMP, 11, RTE_IPV4_HDR_DF_FLAG), out, 4);
	assert_int_equal(n, 0);
	n = arrive(p, inner(p, BIG, IPPROTO_UDP, 0, RTE_IPV4_HDR_DF_FLAG | 100), out, 4);
	assert_int_equal(n, 0);
	assert_int_equal(st->suppressed, 3);
	n = arrive(p, inner(p, BIG, IPPROTO_ICMP, 8, RTE_IPV4_HDR_DF_FLAG), out, 4);
	assert_int_equal(n, 1);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(st->sent, 1);
	assert_int_equal(st->requested, 4);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG), 4);
}

/* RFC 1812 4.3.2.8: ICMP_ERR_RATE a second, ICMP_ERR_BURST at once, on the fake clock. */
static void
test_rate_limited(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t p[2048];
	struct rte_mbuf *out[4];
	size_t len = inner(p, BIG, IPPROTO_UDP, 0, RTE_IPV4_HDR_DF_FLAG);

	(void)state;
	for (int i = 0; i < ICMP_ERR_BURST + 10; i++)
		rte_pktmbuf_free_bulk(out, arrive(p, len, out, 4));
	assert_int_equal(st->sent, ICMP_ERR_BURST);
	assert_int_equal(st->rate_limited, 10);
	clk_fake_advance_ms(&H.fake, 100);	/* a tenth of a second: ICMP_ERR_RATE / 10 more */
	for (int i = 0; i < ICMP_ERR_RATE / 10 + 2; i++)
		rte_pktmbuf_free_bulk(out, arrive(p, len, out, 4));
	assert_int_equal(st->sent, ICMP_ERR_BURST + ICMP_ERR_RATE / 10);
	assert_int_equal(st->rate_limited, 12);
	assert_int_equal(st->requested, ICMP_ERR_BURST + 10 + ICMP_ERR_RATE / 10 + 2);
	/* and every packet was counted as dropped, each once */
	assert_int_equal(harness_drops(&H, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG), st->requested);
}

/* Fill the worker's inject ring; returns how many mbufs it took. */
static unsigned int
fill_inject_ring(void)
{
	struct rte_mbuf *m;
	unsigned int k = 0;

	while ((m = rte_pktmbuf_alloc(H.dp->pool)) != NULL) {
		if (rte_ring_sp_enqueue(H.w->link.inject, m) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
		k++;
	}
	return k;
}

/* A request the control thread cannot act on is counted by why. */
static void
test_requests_it_cannot_serve(void **state)
{
	static struct rte_mbuf *hoard[8192];
	struct dp_event ev = {.type = DP_EV_ICMP_ERROR, .icmp_type = 3, .icmp_code = 4,
			      .icmp_mtu = 1500, .head_len = DP_EVENT_HEAD};
	struct icmp_err ie;
	uint8_t p[2048];
	struct rte_mbuf *m;
	unsigned int k = 0;

	(void)state;
	icmp_err_init(&ie, clk_mono_ms(&H.clock));
	inner(p, BIG, IPPROTO_UDP, 0, RTE_IPV4_HDR_DF_FLAG);
	memcpy(ev.src, p + 12, 4);
	memcpy(ev.dst, p + 16, 4);
	memcpy(ev.head, p, DP_EVENT_HEAD);
	/* not an inside interface, no interface, a head too short to be IPv4, IPv6 */
	ev.iface = H_OUTSIDE;
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	ev.iface = 9;
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	ev.iface = H_INSIDE;
	ev.head_len = 19;
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	ev.head_len = DP_EVENT_HEAD;
	ev.ipv6 = 1;
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	ev.ipv6 = 0;
	assert_int_equal(ie.st.suppressed, 4);

	/* no mbuf to build it in */
	while (k < RTE_DIM(hoard) && (hoard[k] = rte_pktmbuf_alloc(H.dp->pool)) != NULL)
		k++;
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	rte_pktmbuf_free_bulk(hoard, k);
	assert_int_equal(ie.st.no_buffer, 1);

	/* the worker's inject ring full */
	assert_true(fill_inject_ring() > 0);
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	assert_int_equal(ie.st.inject_failed, 1);
	while (rte_ring_sc_dequeue(H.w->link.inject, (void **)&m) == 0)
		rte_pktmbuf_free(m);

	/* and then it goes */
	icmp_err_handle(&ie, H.dp, &H.cfg, &ev, clk_mono_ms(&H.clock));
	assert_int_equal(ie.st.sent, 1);
	assert_int_equal(ie.st.requested, 7);
	worker_inject(H.w);
	assert_int_equal(harness_collect(&H, hoard, 4, NULL), 1);
	rte_pktmbuf_free(hoard[0]);
}

/* The one ICMP error the gateway sent: checked as a router's (RFC 1812 4.3.2); its ICMP. */
static const uint8_t *
icmp_of(struct rte_mbuf *m, const char *from, const char *to)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	uint32_t a;

	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(ip->type_of_service, 0xc0);
	ip4_parse(from, &a);
	assert_int_equal(ip->src_addr, a);
	ip4_parse(to, &a);
	assert_int_equal(ip->dst_addr, a);
	assert_int_equal(rte_raw_cksum(ip + 1, rte_be_to_cpu_16(ip->total_length) - 20), 0xffff);
	return (const uint8_t *)(ip + 1);
}

/* A decrypted packet whose TTL ends here: 11/0 back through the tunnel, quoting it. */
static void
test_ttl_exceeded_back_through_the_tunnel(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t p[2048];
	struct rte_mbuf *out[4], *m;
	const uint8_t *icmp;
	uint16_t port = 99;
	size_t len = inner(p, 200, IPPROTO_UDP, 0, 0);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

	(void)state;
	ip->time_to_live = 1;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	assert_int_equal(arrive(p, len, out, 4), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4TtlExceeded), 1);
	assert_int_equal(st->sent, 1);
	harness_reflect(out[0]);
	m = out[0];
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, out, 4, &port), 1);
	assert_int_equal(port, H_INSIDE);
	icmp = icmp_of(out[0], "10.0.2.1", "10.0.0.7");
	assert_int_equal(icmp[0], 11);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[4] | icmp[5] | icmp[6] | icmp[7], 0);
	assert_memory_equal(icmp + 8, p, DP_EVENT_HEAD);	/* TTL 1, as it arrived */
	rte_pktmbuf_free(out[0]);
}

/*
 * Decrypted for 10.0.77.5, inside the crypto map's 10.0.0.0/16 but on no
 * interface and no route: dropped (Ipv4NoRoute), and the source is told
 * "host unreachable" (3/1, as IOS for a missing route) back through the
 * tunnel from inside0's 10.0.2.1, an address the tunnel carries.
 */
static void
test_unreachable_back_through_the_tunnel(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t p[2048];
	struct rte_mbuf *out[4], *m;
	const uint8_t *icmp;
	uint16_t port = 99;
	size_t len = inner(p, 200, IPPROTO_UDP, 0, 0);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint64_t unreachable = st->unreachable;
	uint32_t dst;

	(void)state;
	ip4_parse("10.0.77.5", &dst);
	ip->dst_addr = dst;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	assert_int_equal(arrive(p, len, out, 4), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);
	assert_int_equal(st->unreachable, unreachable + 1);
	harness_reflect(out[0]);
	m = out[0];
	assert_int_equal(harness_send(&H, H_OUTSIDE, &m, 1, out, 4, &port), 1);
	assert_int_equal(port, H_INSIDE);
	icmp = icmp_of(out[0], "10.0.2.1", "10.0.0.7");
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 1);
	assert_int_equal(icmp[4] | icmp[5] | icmp[6] | icmp[7], 0);
	assert_memory_equal(icmp + 8, p, DP_EVENT_HEAD);
	rte_pktmbuf_free(out[0]);
}

/* A host's packet into inside0; what the gateway sent, with the port it left by. */
static uint16_t
from_host(const char *dst, uint8_t ttl, uint32_t tot, bool df, struct rte_mbuf **out,
	  uint16_t max, uint16_t *port, uint8_t *quoted)
{
	uint8_t frame[2048], pl[2048] = {0};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", dst, IPPROTO_UDP, ttl, pl, tot - 20);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);
	struct rte_mbuf *m;

	if (df) {
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	memcpy(quoted, ip, DP_EVENT_HEAD);
	m = harness_mbuf(&H, frame, len);
	assert_non_null(m);
	harness_rx(&H, H_INSIDE, &m, 1);
	link_poll(H.w);
	while (ctrl_work(C))
		;
	worker_inject(H.w);
	return harness_collect(&H, out, max, port);
}

/* The ICMP error came out of inside0, addressed to the host's next hop from inside0's MAC. */
static const uint8_t *
to_host(struct rte_mbuf *m, const uint8_t *quoted, uint8_t type, uint8_t code)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_ether_addr mac;
	const uint8_t *icmp = icmp_of(m, "10.0.2.1", "10.0.2.5");

	mac_parse(H_HOST_MAC, mac.addr_bytes);
	assert_memory_equal(&eth->dst_addr, &mac, 6);
	mac_parse(H_INSIDE_MAC, mac.addr_bytes);
	assert_memory_equal(&eth->src_addr, &mac, 6);
	assert_int_equal(icmp[0], type);
	assert_int_equal(icmp[1], code);
	assert_memory_equal(icmp + 8, quoted, DP_EVENT_HEAD);
	return icmp;
}

/*
 * Hosts on the inside get the errors a router sends, in clear: TTL 1 towards
 * the tunnel (11/0), DF and too big for the tunnel (3/4 with the tunnel MTU,
 * which is exactly the largest packet that goes through), and a destination
 * no crypto map entry takes (3/0: there is no clear path out).
 */
static void
test_inside_host_errors(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	struct view_ip_traffic t;
	uint8_t q[DP_EVENT_HEAD];
	struct rte_mbuf *out[4];
	const uint8_t *icmp;
	uint16_t port = 99;

	(void)state;
	assert_int_equal(from_host("10.0.0.7", 1, 100, false, out, 4, &port, q), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4TtlExceeded), 1);
	to_host(out[0], q, 11, 0);
	rte_pktmbuf_free(out[0]);

	assert_int_equal(from_host("10.0.0.7", 64, TUNNEL_MTU + 1, true, out, 4, &port, q), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT), 1);
	icmp = to_host(out[0], q, 3, 4);
	assert_int_equal(icmp[6] << 8 | icmp[7], TUNNEL_MTU);	/* RFC 1191 */
	rte_pktmbuf_free(out[0]);
	/* the MTU it said is the truth: that size goes through, as ESP */
	assert_int_equal(from_host("10.0.0.7", 64, TUNNEL_MTU, true, out, 4, &port, q), 1);
	assert_int_equal(port, H_OUTSIDE);
	assert_int_equal(rte_pktmbuf_pkt_len(out[0]), 14 + 1500);
	rte_pktmbuf_free(out[0]);

	assert_int_equal(from_host("198.51.100.7", 64, 100, false, out, 4, &port, q), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);
	to_host(out[0], q, 3, 0);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(st->sent, 3);
	assert_int_equal(st->requested, 3);
	/* and "show ip traffic" reads them where they are kept, by type */
	ctrl_ip_traffic(C, &t);
	assert_int_equal(t.icmp[ICMP_ERR_requested], 3);
	assert_int_equal(t.icmp[ICMP_ERR_sent], 3);
	assert_int_equal(t.icmp[ICMP_ERR_unreachable], 2);
	assert_int_equal(t.icmp[ICMP_ERR_time_exceeded], 1);
	assert_int_equal(t.icmp[ICMP_ERR_suppressed] + t.icmp[ICMP_ERR_no_neighbor], 0);
}

/* Never about a packet sent to many (RFC 1812 4.3.2.7): multicast, or inside0's broadcast. */
static void
test_inside_not_about_broadcasts(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	uint8_t q[DP_EVENT_HEAD];
	struct rte_mbuf *out[4];
	uint16_t port = 99;

	(void)state;
	assert_int_equal(from_host("239.1.2.3", 64, 100, false, out, 4, &port, q), 0);
	assert_int_equal(from_host("10.0.255.255", 1, 100, false, out, 4, &port, q), 0);
	/* the multicast one was asked about (no crypto map takes it) and refused here */
	assert_int_equal(st->requested, 1);
	assert_int_equal(st->suppressed, 1);
	assert_int_equal(st->sent, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);
	/* the broadcast never reached the TTL check: a worker refuses it first */
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4DirectedBcast), 1);
	assert_int_equal(harness_drops_total(&H), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frag_needed_back_through_the_tunnel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_about_errors_or_later_fragments, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rate_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_it_cannot_serve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_back_through_the_tunnel,
						setup_inside24, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_exceeded_back_through_the_tunnel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inside_host_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside_not_about_broadcasts, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
