/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread on the dataplane harness, with a fake clock:
 *
 *   peer 198.51.100.7 --ESP, unknown SPI--> [worker] --event--> [control] --> log, flow table
 *   host --ARP / ping to 10.0.2.1--> [worker] --punt--> [control] --inject--> reply
 *
 * What an operator sees is checked word for word: the log lines of the
 * seeds, once a minute per flow; the flow table; ARP and echo replies. And
 * where every unknown-SPI packet went: in a flow of the table, or counted
 * under a reason (rate limit, full ring, eviction, clear, still pending).
 * Each test has its own dataplane and control thread; both read one fake
 * clock that only the test moves.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cmocka.h>

#include <rte_eal.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dpsec/ip4.h"
#include "dpsec/ip6.h"

#include "ctrl.h"
#include "harness.h"
#include "nd6.h"
#include "nd6_out.h"
#include "neigh6.h"
#include "worker.h"

static struct harness H;
static struct ctrl *C;
static struct dpsec_config *CFG;

/* Sep  2 13:27:57.707 UTC (as in the seeds): the wall time both clocks start at. */
static const struct timespec SEED_WALL = {1693661277, 707000000};

/*
 * A fresh dataplane and control thread for every test; the worker and the
 * control thread read the same fake clock (H.fake), which only the tests move.
 */
static int
setup(void **state)
{
	char err[256];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	if (harness_create(&H) != 0)
		return -1;
	H.fake.wall = SEED_WALL;
	CFG = &H.cfg;
	CFG->logging = (struct cfg_logging){.buffer = 65536, .syslog = false,
					    .invalid_spi_interval = 60, .replay_interval = 30,
					    .mac_interval = 30, .rate = 20};
	C = ctrl_create(H.dp, CFG, &H.clock, err, sizeof(err));
	if (C == NULL)
		harness_destroy(&H);
	return C == NULL ? -1 : 0;
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

static struct rte_mbuf *
esp_from(const char *src, uint32_t spi)
{
	return harness_esp(&H, src, spi, 1);
}

/* Run one frame through the worker, then let the control thread work. */
static uint16_t
through(struct rte_mbuf *m, uint16_t pi, struct rte_mbuf **out, uint16_t max)
{
	uint16_t n;

	m->port = H.dp->ports[pi].port_id;
	harness_rx(&H, pi, &m, 1);
	worker_flush(H.w);
	link_poll(H.w);
	while (ctrl_work(C))
		;
	worker_inject(H.w);	/* what the control thread sent */
	worker_flush(H.w);
	n = 0;
	for (uint16_t p = 0; p < H.dp->n_ports && n < max; p++)
		n += rte_eth_rx_burst(H.dp->ports[p].port_id, 0, out + n, max - n);
	return n;
}

static size_t
log_text(char *buf, size_t cap)
{
	struct view_log_stats st;
	size_t n = dlog_read(ctrl_log(C), buf, cap - 1, &st);

	buf[n] = '\0';
	return n;
}

static int
count_lines(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_invalid_spi_logged_once_a_minute(void **state)
{
	static char text[65536];
	struct rte_mbuf *out[4];
	struct view_inv_spi f[4];

	(void)state;
	through(esp_from("10.1.1.1", 0xB761863E), H_OUTSIDE, out, 4);
	log_text(text, sizeof(text));
	assert_non_null(strstr(text, "Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: "
				     "rec'd IPSEC packet has invalid spi for destaddr=192.0.2.2, "
				     "prot=50, spi=0xB761863E(3076621886), srcaddr=10.1.1.1\n"));
	assert_int_equal(inv_spi_list(ctrl_inv_spi(C), f, 4), 1);
	assert_int_equal(f[0].spi, 0xB761863E);
	assert_int_equal(f[0].pkts, 1);
	assert_false(f[0].static_peer);
	assert_int_equal(f[0].state, INV_SPI_LOGGED);
	assert_int_equal(f[0].logged_at.tv_sec, f[0].last_seen.tv_sec);
	assert_int_equal(f[0].state_at.tv_nsec, f[0].logged_at.tv_nsec);
	assert_int_equal(f[0].decided_at.tv_sec, 0);

	/* 30 s later the worker reports the flow again: no new line within the minute */
	clk_fake_advance_ms(&H.fake, 30000);
	through(esp_from("10.1.1.1", 0xB761863E), H_OUTSIDE, out, 4);
	log_text(text, sizeof(text));
	assert_int_equal(count_lines(text, "RECVD_PKT_INV_SPI"), 1);
	assert_int_equal(inv_spi_list(ctrl_inv_spi(C), f, 4), 1);
	assert_int_equal(f[0].pkts, 2);
	assert_int_equal(f[0].events, 2);

	/* a millisecond short of the minute: still nothing; past it: logged again */
	clk_fake_advance_ms(&H.fake, 29999);
	through(esp_from("10.1.1.1", 0xB761863E), H_OUTSIDE, out, 4);
	log_text(text, sizeof(text));
	assert_int_equal(count_lines(text, "RECVD_PKT_INV_SPI"), 1);
	clk_fake_advance_ms(&H.fake, 1);
	clk_fake_advance_ms(&H.fake, INV_SPI_REPORT_MS);	/* the worker's interval too */
	through(esp_from("10.1.1.1", 0xB761863E), H_OUTSIDE, out, 4);
	log_text(text, sizeof(text));
	assert_int_equal(count_lines(text, "RECVD_PKT_INV_SPI"), 2);
	/* another flow is independent, and the static peer is recognised */
	through(esp_from(H_PEER, 0x1234), H_OUTSIDE, out, 4);
	log_text(text, sizeof(text));
	assert_int_equal(count_lines(text, "RECVD_PKT_INV_SPI"), 3);
	assert_int_equal(inv_spi_list(ctrl_inv_spi(C), f, 4), 2);
	assert_int_equal(f[0].spi, 0x1234);
	assert_true(f[0].static_peer);
	assert_int_equal(f[1].pkts, 4);
}

static void
test_arp_reply(void **state)
{
	uint8_t frame[60] = {0}, mac[6];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_mbuf *out[4];
	uint32_t a;

	(void)state;
	memset(eth->dst_addr.addr_bytes, 0xff, 6);
	mac_parse(H_HOST_MAC, eth->src_addr.addr_bytes);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = eth->src_addr;
	ip4_parse("10.0.2.5", &a);
	arp->arp_data.arp_sip = a;
	ip4_parse("10.0.2.1", &a);	/* who has the gateway's inside address? */
	arp->arp_data.arp_tip = a;
	assert_int_equal(through(harness_mbuf(&H, frame, sizeof(frame)), H_INSIDE, out, 4), 1);
	eth = rte_pktmbuf_mtod(out[0], struct rte_ether_hdr *);
	arp = (struct rte_arp_hdr *)(eth + 1);
	dp_iface_mac(H.dp, H_INSIDE, mac);
	assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode), RTE_ARP_OP_REPLY);
	assert_memory_equal(arp->arp_data.arp_sha.addr_bytes, mac, 6);
	assert_int_equal(arp->arp_data.arp_sip, a);
	assert_memory_equal(eth->src_addr.addr_bytes, mac, 6);
	assert_true(mac_parse(H_HOST_MAC, mac));
	assert_memory_equal(eth->dst_addr.addr_bytes, mac, 6);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].received, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].answered, 1);
	rte_pktmbuf_free(out[0]);

	/* for someone else, from the neighbour just learned: no reply, but it refreshes it
	 * (RFC 826 merge), counted as answered */
	ip4_parse("10.0.2.9", &a);
	arp = (struct rte_arp_hdr *)(frame + sizeof(*eth));
	arp->arp_data.arp_tip = a;
	assert_int_equal(through(harness_mbuf(&H, frame, sizeof(frame)), H_INSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].received, 2);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].answered, 2);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].unhandled, 0);
	/* for someone else, from a stranger: counted, not answered, nothing learned */
	ip4_parse("10.0.2.6", &a);
	arp->arp_data.arp_sip = a;
	assert_int_equal(through(harness_mbuf(&H, frame, sizeof(frame)), H_INSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].received, 3);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].answered, 2);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ARP].unhandled, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_OTHER].received, 0);
}

/*
 * The gateway resolving an inside IPv6 host (RFC 4861 section 7.2.2):
 *
 *   [control] --NS to ff02::1:ff00:5, from 2001:db8:2::1--> host 2001:db8:2::5
 *   [control] <--NA, solicited, target link-layer address-- host
 *
 * The solicitation is nd6_build_ns's frame; the advertisement is learned
 * (REACH), answers the next lookup and reaches the workers' table.
 */
static void
test_nd6_resolve(void **state)
{
	struct h_opts o = {.inside6 = "2001:db8:2::1/64", .inside_no_mac = true};
	uint8_t host[16], gw6[16], mac[6], gw_mac[6], host_mac[6], want[ND6_NS_LEN], na[128];
	struct rte_mbuf *out[4];
	struct view_nd6 v[4];
	const struct rte_ether_addr *learned;
	char err[256];
	size_t n;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	CFG = &H.cfg;
	C = ctrl_create(H.dp, CFG, &H.clock, err, sizeof(err));
	assert_non_null(C);
	assert_true(ip6_parse("2001:db8:2::5", host));
	assert_true(ip6_parse("2001:db8:2::1", gw6));
	assert_true(mac_parse(H_HOST_MAC, host_mac));
	dp_iface_mac(H.dp, H_INSIDE, gw_mac);
	assert_int_equal(ctrl_nd6_resolve(C, H_INSIDE, host, mac), -EHOSTUNREACH);
	worker_inject(H.w);
	worker_flush(H.w);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_INSIDE].port_id, 0, out, 4), 1);
	assert_int_equal(nd6_build_ns(gw_mac, gw6, host, want, sizeof(want)), ND6_NS_LEN);
	assert_int_equal(rte_pktmbuf_data_len(out[0]), ND6_NS_LEN);
	assert_memory_equal(rte_pktmbuf_mtod(out[0], uint8_t *), want, ND6_NS_LEN);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ND6].sent, 1);
	rte_pktmbuf_free(out[0]);
	/* asked again at once: no second solicitation within the retransmit timer */
	assert_int_equal(ctrl_nd6_resolve(C, H_INSIDE, host, mac), -EHOSTUNREACH);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ND6].sent, 1);
	assert_int_equal(ctrl_nd6_list(C, v, 4), 1);
	assert_int_equal(v[0].state, VIEW_ND6_INCMP);
	/* the host's answer, as a node answers our solicitation (nd6_answer) */
	n = nd6_answer(want, sizeof(want), host, host_mac, na, sizeof(na));
	assert_int_equal(n, ND6_NA_LEN);
	assert_int_equal(through(harness_mbuf(&H, na, n), H_INSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ND6].answered, 1);
	assert_int_equal(ctrl_nd6_resolve(C, H_INSIDE, host, mac), 0);
	assert_memory_equal(mac, host_mac, 6);
	assert_int_equal(ctrl_nd6_list(C, v, 4), 1);
	assert_int_equal(v[0].state, VIEW_ND6_REACH);
	assert_memory_equal(v[0].mac, host_mac, 6);
	learned = neigh6_lookup(neigh6_current(H.dp), H_INSIDE, host);
	assert_non_null(learned);
	assert_memory_equal(learned->addr_bytes, host_mac, 6);
	/* an advertisement that fails section 7.1.2 (hop limit 64) teaches nothing */
	na[14 + 7] = 64;
	assert_int_equal(through(harness_mbuf(&H, na, n), H_INSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ND6].unhandled, 1);
}

static unsigned int retries;
static unsigned int retries_left;

static bool
count_retry(void *ctx)
{
	(void)ctx;
	retries++;
	return --retries_left != 0;
}

/*
 * The retry hook (manual SAs waiting for a MAC): not before CTRL_RETRY_MS
 * on the control thread's clock, at once when the learned IPv6 neighbors
 * changed (an advertisement answered a solicitation), detached when it says
 * it is done.
 */
static void
test_retry_hook(void **state)
{
	struct h_opts o = {.inside6 = "2001:db8:2::1/64", .inside_no_mac = true};
	uint8_t host[16], mac[6], host_mac[6], ns[ND6_NS_LEN], na[128];
	struct rte_mbuf *out[4];
	char err[256];
	size_t n;

	(void)state;
	teardown(NULL);
	assert_int_equal(harness_create_opts(&H, &o), 0);
	CFG = &H.cfg;
	C = ctrl_create(H.dp, CFG, &H.clock, err, sizeof(err));
	assert_non_null(C);
	retries = 0;
	retries_left = 2;
	ctrl_set_retry_hook(C, count_retry, NULL);
	(void)ctrl_work(C);
	assert_int_equal(retries, 0);
	clk_fake_advance_ms(&H.fake, CTRL_RETRY_MS - 1);
	(void)ctrl_work(C);
	assert_int_equal(retries, 0);
	clk_fake_advance_ms(&H.fake, 1);
	(void)ctrl_work(C);
	assert_int_equal(retries, 1);
	(void)ctrl_work(C);
	assert_int_equal(retries, 1);
	/* a solicitation goes, the host answers: the hook runs on the next round, not a second later */
	assert_true(ip6_parse("2001:db8:2::5", host));
	assert_true(mac_parse(H_HOST_MAC, host_mac));
	assert_int_equal(ctrl_nd6_resolve(C, H_INSIDE, host, mac), -EHOSTUNREACH);
	worker_inject(H.w);
	worker_flush(H.w);
	assert_int_equal(rte_eth_rx_burst(H.dp->ports[H_INSIDE].port_id, 0, out, 4), 1);
	assert_int_equal(rte_pktmbuf_data_len(out[0]), ND6_NS_LEN);
	memcpy(ns, rte_pktmbuf_mtod(out[0], uint8_t *), ND6_NS_LEN);
	rte_pktmbuf_free(out[0]);
	(void)ctrl_work(C);
	assert_int_equal(retries, 1);	/* nothing usable yet (INCOMPLETE) */
	n = nd6_answer(ns, sizeof(ns), host, host_mac, na, sizeof(na));
	assert_int_equal(through(harness_mbuf(&H, na, n), H_INSIDE, out, 4), 0);
	assert_int_equal(retries, 2);	/* through() ran ctrl_work: learned, so at once */
	/* it said it was done: detached, never again */
	clk_fake_advance_ms(&H.fake, 10 * CTRL_RETRY_MS);
	(void)ctrl_work(C);
	assert_int_equal(retries, 2);
}

static void
test_echo_reply(void **state)
{
	uint8_t frame[128], icmp[36] = {RTE_IP_ICMP_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1};
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *out[4];
	uint16_t ck;
	size_t len;

	(void)state;
	for (size_t i = 8; i < sizeof(icmp); i++)
		icmp[i] = (uint8_t)i;
	ck = rte_raw_cksum(icmp, sizeof(icmp));
	ck = (uint16_t)~ck;
	memcpy(icmp + 2, &ck, 2);
	len = harness_ipv4_frame(frame, "198.51.100.20", H_LOCAL, IPPROTO_ICMP, 64, icmp,
				 sizeof(icmp));
	assert_int_equal(through(harness_mbuf(&H, frame, len), H_OUTSIDE, out, 4), 1);
	ip = rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *, 14);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_string_equal(ip4_str(ip->dst_addr, (char[IP4_STRLEN]){0}), "198.51.100.20");
	assert_string_equal(ip4_str(ip->src_addr, (char[IP4_STRLEN]){0}), H_LOCAL);
	assert_int_equal(((uint8_t *)(ip + 1))[0], RTE_IP_ICMP_ECHO_REPLY);
	/* the ICMP checksum still verifies over the whole message */
	assert_int_equal(rte_raw_cksum(ip + 1, sizeof(icmp)), 0xffff);
	assert_memory_equal((uint8_t *)(ip + 1) + 4, icmp + 4, sizeof(icmp) - 4);
	assert_int_equal(out[0]->pkt_len, 14 + 20 + sizeof(icmp));
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ICMP_ECHO].received, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_ICMP_ECHO].answered, 1);
	rte_pktmbuf_free(out[0]);
}

static void
test_ike_counted(void **state)
{
	uint8_t frame[128], udp[8 + 28] = {0x01, 0xf4, 0x01, 0xf4, 0, 36};
	struct rte_mbuf *out[4];
	size_t len;

	(void)state;
	len = harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_UDP, 64, udp, sizeof(udp));
	assert_int_equal(through(harness_mbuf(&H, frame, len), H_OUTSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_IKE].received, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_IKE].unhandled, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_IKE].answered, 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 1);

	/* DNS to the gateway: another kind, also unhandled */
	udp[2] = 0;
	udp[3] = 53;
	len = harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_UDP, 64, udp, sizeof(udp));
	assert_int_equal(through(harness_mbuf(&H, frame, len), H_OUTSIDE, out, 4), 0);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_OTHER].received, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_OTHER].unhandled, 1);
	assert_int_equal(ctrl_punt_stats(C)->kind[VIEW_PUNT_IKE].received, 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_PuntUnhandled), 2);
}

/* The peer's packet for a real SA: encrypted by the outbound twin, reflected. */
static struct rte_mbuf *
peer_esp(void)
{
	uint8_t frame[128], pl[16] = {0};
	struct rte_mbuf *out[4];
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl,
					sizeof(pl));

	assert_int_equal(through(harness_mbuf(&H, frame, len), H_INSIDE, out, 4), 1);
	harness_reflect(out[0]);
	return out[0];
}

/* Replay and ICV failures on an SA, as the IOS messages name them. */
static void
test_replay_and_mac_logged(void **state)
{
	static char text[65536];
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x5005, .cipher = DP_CIPHER_AES_GCM_128};
	struct rte_mbuf *esp, *copy, *out[4];
	char want[256];
	int conn;

	(void)state;
	assert_true(harness_add_sa(&H, &s) > 0);
	s.dir = CFG_DIR_IN;
	s.replay_window = 64;
	conn = harness_add_sa(&H, &s);
	esp = peer_esp();
	copy = rte_pktmbuf_copy(esp, H.dp->pool, 0, UINT32_MAX);
	rte_pktmbuf_free_bulk(out, through(esp, H_OUTSIDE, out, 4));
	rte_pktmbuf_free_bulk(out, through(copy, H_OUTSIDE, out, 4));	/* replayed */
	esp = peer_esp();
	rte_pktmbuf_mtod_offset(esp, uint8_t *, esp->pkt_len - 1)[0] ^= 1;	/* ICV damaged */
	rte_pktmbuf_free_bulk(out, through(esp, H_OUTSIDE, out, 4));
	log_text(text, sizeof(text));
	snprintf(want, sizeof(want),
		 "%%IPSEC-3-REPLAY_ERROR: IPSec SA receives anti-replay error, DP Handle %d, "
		 "src_addr 192.0.2.1, dest_addr 192.0.2.2, SPI 0x5005\n", conn);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want),
		 "%%CRYPTO-4-RECVD_PKT_MAC_ERR: decrypt: mac verify failed for connection id=%d "
		 "local=192.0.2.2 remote=192.0.2.1 spi=00005005 seqno=00000002\n", conn);
	assert_non_null(strstr(text, want));
}

static void
test_debug_and_recovery_flags(void **state)
{
	static char text[65536];
	struct rte_mbuf *out[4];

	(void)state;
	ctrl_set_debug(C, true);
	through(esp_from("10.9.9.9", 0xDEAD00), H_OUTSIDE, out, 4);
	ctrl_set_debug(C, false);
	ctrl_set_recovery(C, true);
	assert_true(CFG->isakmp.invalid_spi_recovery);
	ctrl_set_recovery(C, false);
	log_text(text, sizeof(text));
	assert_non_null(strstr(text, "IPSEC(event): invalid SPI, src 10.9.9.9, dst 192.0.2.2, "
				     "prot 50, spi 0xDEAD00, 1 packet(s)"));
	assert_non_null(strstr(text, "invalid-spi-recovery enabled"));
	assert_non_null(strstr(text, "invalid-spi-recovery disabled"));
}

/* A client of this process's DPDK telemetry socket; the greeting is read. */
static int
tel_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval guard = {.tv_sec = 10};
	char hello[1024];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard));
	assert_true(recv(fd, hello, sizeof(hello), 0) > 0);
	return fd;
}

static void
tel_reply(int fd, char *out, size_t len)
{
	ssize_t n = recv(fd, out, len - 1, 0);

	assert_true(n > 0);
	out[n] = '\0';
}

static void
tel_ask(int fd, const char *cmd, char *out, size_t len)
{
	assert_int_equal(send(fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
	tel_reply(fd, out, len);
}

/* An answer with data for the command: {"/dpsec/x":{...}} or {"/dpsec/x":[...]}. */
static void
assert_answered(const char *cmd, const char *reply)
{
	char head[64];
	size_t n = strcspn(cmd, ",");

	snprintf(head, sizeof(head), "{\"%.*s\":", (int)n, cmd);
	if (strncmp(reply, head, strlen(head)) != 0 ||
	    (reply[strlen(head)] != '{' && reply[strlen(head)] != '['))
		fail_msg("%s: %s", cmd, reply);
}

/*
 * Every /dpsec/ command DPDK lists under "/" ({"/":["/","/dpsec/drops",...]})
 * is one of the n in cmds (compared up to their ',' parameters), and there
 * are n: a command registered in telemetry.c and missing here fails.
 */
static void
assert_all_dpsec_cmds(int fd, char (*cmds)[48], int n)
{
	char r[16384];
	int found = 0;

	tel_ask(fd, "/", r, sizeof(r));
	for (const char *p = strstr(r, "\"/dpsec/"); p != NULL; p = strstr(p + 1, "\"/dpsec/")) {
		size_t len = strcspn(p + 1, "\"");
		bool known = false;

		for (int i = 0; i < n && !known; i++)
			known = strcspn(cmds[i], ",") == len && strncmp(cmds[i], p + 1, len) == 0;
		if (!known)
			fail_msg("%.*s is registered but not in the test's list", (int)len, p + 1);
		found++;
	}
	assert_int_equal(found, n);
}

/* /dpsec/workers: every worker under its id, with its lcore and handoff count (none here). */
static void
assert_workers_answer(int fd)
{
	struct dp_worker_stats w[VIEW_WORKERS_MAX];
	size_t n = dp_worker_list(H.dp, w, RTE_DIM(w));
	char r[4096], want[4096];
	int len = snprintf(want, sizeof(want), "{\"/dpsec/workers\":{");

	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		len += snprintf(want + len, sizeof(want) - (size_t)len,
				"%s\"%u\":{\"lcore\":%u,\"handoff_pkts\":0}", i ? "," : "",
				(unsigned int)w[i].id, (unsigned int)w[i].lcore);
	snprintf(want + len, sizeof(want) - (size_t)len, "}}");
	tel_ask(fd, "/dpsec/workers", r, sizeof(r));
	assert_string_equal(r, want);
}

/*
 * The telemetry callbacks run on DPDK's threads: each takes the control
 * thread's lock (a query sent while the test holds it is answered only after
 * it is released), and once unregistered they answer null, so that dpsecd
 * can free what they read.
 */
static void
test_telemetry_gate(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = 0x7007, .cipher = DP_CIPHER_AES_GCM_128};
	enum { NCMDS = 9 };
	char cmds[NCMDS][48], r[16384], want[64];
	struct pollfd pfd;
	int fd, conn;

	(void)state;
	conn = harness_add_sa(&H, &s);
	assert_true(conn > 0);
	snprintf(cmds[0], sizeof(cmds[0]), "/dpsec/drops");
	snprintf(cmds[1], sizeof(cmds[1]), "/dpsec/global_drops");
	snprintf(cmds[2], sizeof(cmds[2]), "/dpsec/sa/list");
	snprintf(cmds[3], sizeof(cmds[3]), "/dpsec/sa/info,%d", conn);
	snprintf(cmds[4], sizeof(cmds[4]), "/dpsec/invalid_spi");
	snprintf(cmds[5], sizeof(cmds[5]), "/dpsec/punt");
	snprintf(cmds[6], sizeof(cmds[6]), "/dpsec/ike/sa");
	snprintf(cmds[7], sizeof(cmds[7]), "/dpsec/ip_traffic");
	snprintf(cmds[8], sizeof(cmds[8]), "/dpsec/workers");
	assert_int_equal(ctrl_telemetry_register(C), 0);
	assert_int_equal(ctrl_telemetry_register(C), 0);	/* the commands exist once */
	fd = tel_connect();
	assert_all_dpsec_cmds(fd, cmds, NCMDS);
	for (int i = 0; i < NCMDS; i++) {
		tel_ask(fd, cmds[i], r, sizeof(r));
		assert_answered(cmds[i], r);
	}
	/* every counter of dpsec/ip_traffic.h under its own key ("show ip traffic"'s JSON keys) */
	tel_ask(fd, "/dpsec/ip_traffic", r, sizeof(r));
#define KEY_X(name, text) assert_non_null(strstr(r, "\"" #name "\":0"));
	ARP_COUNTERS(KEY_X)
	REASM4_COUNTERS(KEY_X)
	ICMP_ERR_COUNTERS(KEY_X)
	ND6C_COUNTERS(KEY_X)
#undef KEY_X
	assert_non_null(strstr(r, "\"entries\":0"));
	assert_non_null(strstr(r, "\"pending\":0"));
	assert_workers_answer(fd);
	/* Not answered while the control thread holds its lock (a slow machine only weakens this).
	 */
	for (int i = 0; i < NCMDS; i++) {
		ctrl_lock(C);
		assert_int_equal(send(fd, cmds[i], strlen(cmds[i]), 0), (ssize_t)strlen(cmds[i]));
		pfd = (struct pollfd){.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 200) != 0)
			fail_msg("%s answered without the control thread's lock", cmds[i]);
		ctrl_unlock(C);
		tel_reply(fd, r, sizeof(r));
		assert_answered(cmds[i], r);
	}
	ctrl_telemetry_unregister(C);
	ctrl_telemetry_unregister(NULL);
	for (int i = 0; i < NCMDS; i++) {
		tel_ask(fd, cmds[i], r, sizeof(r));
		snprintf(want, sizeof(want), "{\"%.*s\":null}", (int)strcspn(cmds[i], ","),
			 cmds[i]);
		assert_string_equal(r, want);
	}
	assert_int_equal(ctrl_telemetry_register(C), 0);
	tel_ask(fd, cmds[0], r, sizeof(r));
	assert_answered(cmds[0], r);
	close(fd);
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

/* ---- where the packets of drops 4 and 12 go ---- */

/* ESP from 203.0.113.(1 + flow % 250) for SPI 0xA0000 + flow. */
static struct rte_mbuf *
flow_pkt(uint32_t flow)
{
	char src[IP4_STRLEN];

	snprintf(src, sizeof(src), "203.0.113.%u", 1 + flow % 250);
	return esp_from(src, 0xA0000 + flow);
}

/* pkts[i] of flow flows[i], through the worker in bursts of 32, nobody draining. */
static void
burst(const uint32_t *flows, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 32) {
		struct rte_mbuf *m[32];
		uint16_t k = (uint16_t)RTE_MIN(32u, n - i);

		for (uint16_t j = 0; j < k; j++)
			m[j] = flow_pkt(flows[i + j]);
		harness_rx(&H, H_OUTSIDE, m, k);
	}
	worker_flush(H.w);
}

/* The control thread's turn, as after the doorbell. */
static void
control_turn(void)
{
	link_poll(H.w);
	while (ctrl_work(C))
		;
}

/*
 * The invariant, read the way the CLI reads it: every packet counted as drop
 * 4 is in a flow of the table (summed here over the table's own list) or in
 * exactly one of the not-attributed counts.
 */
static struct view_inv_spi_stats
accounted(void)
{
	static struct view_inv_spi f[INV_SPI_FLOWS_MAX + 1];
	struct view_inv_spi_stats st;
	uint64_t in_flows = 0;
	size_t n;

	ctrl_inv_spi_stats(C, &st);
	n = inv_spi_list(ctrl_inv_spi(C), f, RTE_DIM(f));
	for (size_t i = 0; i < n; i++)
		in_flows += f[i].pkts;
	assert_int_equal(n, st.flows);
	assert_int_equal(in_flows, st.pkts_in_flows);
	assert_int_equal(st.pkts_counted,
			 harness_drops(&H, DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI));
	assert_int_equal(st.pkts_counted,
			 st.pkts_in_flows + st.pkts_rate_limited + st.pkts_ring_full +
				 st.pkts_evicted + st.pkts_cleared + st.pkts_pending);
	assert_int_equal(view_inv_spi_not_attributed(&st),
			 st.pkts_counted - st.pkts_in_flows);
	return st;
}

/* A second later the workers' sweep has reported every folded packet. */
static struct view_inv_spi_stats
settled(void)
{
	struct view_inv_spi_stats st;

	clk_fake_advance_ms(&H.fake, INV_SPI_REPORT_MS);
	control_turn();
	st = accounted();
	assert_int_equal(st.pkts_pending, 0);
	return st;
}

/*
 * 600 unknown-SPI packets over 120 flows in one burst, five rounds of the
 * 120 (the case: 600 counted, 585 in the table, the rest nowhere).
 * Flows that share a dedup slot take it from each other on every packet, so
 * events outnumber the bucket's 256 tokens: the packets of the events held
 * back are counted as rate-limited, and all others reach the table.
 */
static void
test_invalid_spi_burst_accounted(void **state)
{
	static uint32_t flows[600];
	struct view_inv_spi_stats st;
	struct dp_event_stats es;

	(void)state;
	for (uint32_t i = 0; i < RTE_DIM(flows); i++)
		flows[i] = i % 120;
	burst(flows, RTE_DIM(flows));
	control_turn();
	st = accounted();
	assert_int_equal(st.pkts_counted, 600);
	assert_int_equal(st.flows, 120);
	assert_true(st.pkts_pending > 0);	/* folded, their flows' second not up yet */
	dp_event_stats(H.dp, &es);
	assert_true(es.rate_limited > 0);
	assert_int_equal(es.sent, EVENT_BURST);	/* the clock stood still: the bucket only */
	st = settled();
	assert_int_equal(st.pkts_ring_full + st.pkts_evicted + st.pkts_cleared, 0);
	assert_int_equal(st.pkts_in_flows + st.pkts_rate_limited, 600);
	assert_true(st.pkts_rate_limited > 0);
}

/*
 * Five times the table (twenty times the dedup slots) in distinct flows,
 * faster than the bucket refills: slots taken over, events held back, flows
 * evicted from the table, then the table cleared: every packet still
 * accounted for.
 */
static void
test_invalid_spi_overflow_accounted(void **state)
{
	static uint32_t flows[64];
	struct view_inv_spi_stats st;
	uint32_t next = 0;

	(void)state;
	for (uint32_t round = 0; round < 5 * INV_SPI_FLOWS_MAX / 32; round++) {
		/* each flow twice in the burst: one reported, one folded (or held back) */
		for (uint32_t i = 0; i < 64; i++)
			flows[i] = next + i % 32;
		next += 32;
		burst(flows, 64);
		clk_fake_advance_ms(&H.fake, 2);	/* 20 tokens */
		control_turn();
		accounted();
	}
	st = settled();
	assert_int_equal(st.pkts_counted, 5 * INV_SPI_FLOWS_MAX * 2);
	assert_int_equal(st.flows, INV_SPI_FLOWS_MAX);
	assert_true(st.flows_evicted > 0);
	assert_true(st.pkts_evicted > 0);
	assert_true(st.pkts_rate_limited > 0);
	assert_int_equal(st.pkts_ring_full, 0);

	inv_spi_clear(ctrl_inv_spi(C));
	st = accounted();
	assert_int_equal(st.flows, 0);
	assert_int_equal(st.pkts_in_flows, 0);
	assert_true(st.pkts_cleared > 0);
}

/* The control thread falls behind: what the full event ring refused is counted, to the packet. */
static void
test_invalid_spi_ring_full_accounted(void **state)
{
	static uint32_t flows[EVENT_BURST];
	struct view_inv_spi_stats st;

	(void)state;
	for (uint32_t round = 0; round < 5; round++) {
		for (uint32_t i = 0; i < EVENT_BURST; i++)
			flows[i] = round * EVENT_BURST + i;
		burst(flows, EVENT_BURST);	/* no control turn: the ring fills */
		clk_fake_advance_ms(&H.fake, EVENT_BURST * 1000 / EVENT_RATE + 1);
	}
	control_turn();
	st = accounted();
	assert_int_equal(st.pkts_ring_full, 5 * EVENT_BURST - (LINK_EVENT_SIZE - 1));
	assert_int_equal(st.pkts_rate_limited, 0);
	assert_int_equal(st.pkts_in_flows, LINK_EVENT_SIZE - 1);
	st = settled();
	assert_int_equal(st.pkts_in_flows + st.pkts_ring_full, 5 * EVENT_BURST);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_invalid_spi_logged_once_a_minute),
		T(test_arp_reply),
		T(test_nd6_resolve),
		T(test_retry_hook),
		T(test_echo_reply),
		T(test_ike_counted),
		T(test_replay_and_mac_logged),
		T(test_debug_and_recovery_flags),
		T(test_invalid_spi_burst_accounted),
		T(test_invalid_spi_overflow_accounted),
		T(test_invalid_spi_ring_full_accounted),
		T(test_telemetry_gate),
	};
#undef T

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
