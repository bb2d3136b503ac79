/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 errors to inside hosts (icmp6_err.c), end to end on the dataplane
 * harness with the control thread and a fake clock:
 *
 *   host 2001:db8:2::5 --hop limit 1 / too big for the tunnel / no crypto map line-->
 *        inside0 [dpsec]: drop -> DP_EV_ICMP_ERROR with a copy of the packet
 *        -> control thread: 3/0, 2/0 with the tunnel MTU, 1/0 from 2001:db8:2::1
 *        -> dp_inject(inside0) to the host's IPv6 neighbor entry
 *
 * Each message is checked whole: addresses, hop limit, checksum over the
 * pseudo-header, the quote (all of a small packet; of a large one exactly as
 * much as keeps the message at 1280 bytes). Never about an ICMPv6 error;
 * nothing without an address6 to send from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "ctrl.h"
#include "harness.h"
#include "icmp6_msg.h"
#include "worker.h"

/* GCM-128 under a 1500-byte IPv4 outer: 1500 - 20 - 8 - 8 - 16 = 1448, less the trailer's 2 */
#define TUNNEL_MTU 1446

static struct harness H;
static struct ctrl *C;
static const struct h_acl_line lines[] = {{"2001:db8:2::/64", "2001:db8:1::/64", false}};
static struct cfg_neighbor6 host;

static int
setup_with(bool with_addr6)
{
	struct h_opts o = {.acl = lines, .n_acl = 1,
			   .inside6 = with_addr6 ? "2001:db8:2::1/64" : NULL,
			   .neighbors6 = &host, .n_neighbors6 = with_addr6 ? 1 : 0};
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x2002, .cipher = DP_CIPHER_AES_GCM_128};
	char err[256];

	inet_pton(AF_INET6, "2001:db8:2::5", host.ip);
	mac_parse(H_HOST_MAC, host.mac);
	if (harness_create_opts(&H, &o) != 0)
		return -1;
	C = ctrl_create(H.dp, &H.cfg, &H.clock, err, sizeof(err));
	return C != NULL && harness_add_sa(&H, &s) > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	return setup_with(true);
}

static int
setup_no_addr6(void **state)
{
	(void)state;
	return setup_with(false);
}

static int
teardown(void **state)
{
	(void)state;
	ctrl_destroy(C);
	harness_destroy(&H);
	return 0;
}

/* Ethernet + IPv6 host -> dst, hop limit hl, UDP (or an ICMPv6 error), tot bytes of IPv6. */
static size_t
frame(uint8_t *f, const char *dst, uint8_t hl, uint32_t tot, bool icmp_error)
{
	uint8_t *ip6 = f + 14;

	memset(f, 0, 14 + tot);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip6[0] = 0x60;
	ip6[4] = (uint8_t)((tot - 40) >> 8);
	ip6[5] = (uint8_t)(tot - 40);
	ip6[6] = icmp_error ? 58 : 17;
	ip6[7] = hl;
	inet_pton(AF_INET6, "2001:db8:2::5", ip6 + 8);
	inet_pton(AF_INET6, dst, ip6 + 24);
	for (uint32_t i = 40; i < tot; i++)
		ip6[i] = (uint8_t)(i * 7 + 3);
	if (icmp_error)
		ip6[40] = 1;	/* destination unreachable */
	mac_parse(H_HOST_MAC, f + 6);
	return 14 + tot;
}

static uint16_t
from_host(const uint8_t *f, size_t len, struct rte_mbuf **out, uint16_t *port)
{
	struct rte_mbuf *m = harness_mbuf(&H, f, len);

	assert_non_null(m);
	harness_rx(&H, H_INSIDE, &m, 1);
	link_poll(H.w);
	while (ctrl_work(C))
		;
	worker_inject(H.w);
	return harness_collect(&H, out, 4, port);
}

/* The message out of inside0 to the host: checked whole; its ICMPv6 header. */
static const uint8_t *
to_host(struct rte_mbuf *m, const uint8_t *f, size_t len, uint8_t type, uint8_t code)
{
	const uint8_t *e = rte_pktmbuf_mtod(m, const uint8_t *), *ip6 = e + 14;
	size_t quote = RTE_MIN(len - 14, (size_t)ICMP6_MIN_MTU - 48);
	uint8_t a[16], mac[6];

	mac_parse(H_HOST_MAC, mac);
	assert_memory_equal(e, mac, 6);
	mac_parse(H_INSIDE_MAC, mac);
	assert_memory_equal(e + 6, mac, 6);
	assert_int_equal(e[12] << 8 | e[13], 0x86dd);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 48 + quote);
	assert_int_equal(ip6[0], 0x60);
	assert_int_equal(ip6[4] << 8 | ip6[5], 8 + quote);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 64);
	inet_pton(AF_INET6, "2001:db8:2::1", a);	/* inside0's address6 */
	assert_memory_equal(ip6 + 8, a, 16);
	assert_memory_equal(ip6 + 24, f + 14 + 8, 16);	/* the packet's source */
	assert_int_equal(icmp6_cksum(ip6, ip6 + 40, 8 + quote), 0);
	assert_int_equal(ip6[40], type);
	assert_int_equal(ip6[41], code);
	assert_memory_equal(ip6 + 48, f + 14, quote);	/* as it arrived */
	return ip6 + 40;
}

static void
test_inside_host_errors(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	static uint8_t f[2048];
	struct rte_mbuf *out[4];
	const uint8_t *icmp;
	uint16_t port = 99;
	size_t len;

	(void)state;
	len = frame(f, "2001:db8:1::7", 1, 100, false);
	assert_int_equal(from_host(f, len, out, &port), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6HopLimitExceeded), 1);
	to_host(out[0], f, len, ICMP6_TIME_EXCEEDED, 0);
	rte_pktmbuf_free(out[0]);

	/* one byte over the tunnel: 2/0 with the MTU, 1232 bytes of it quoted */
	len = frame(f, "2001:db8:1::7", 64, TUNNEL_MTU + 1, false);
	assert_int_equal(from_host(f, len, out, &port), 1);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_INFRA_V6_PKT_LEN_TOO_BIG), 1);
	icmp = to_host(out[0], f, len, ICMP6_PACKET_TOO_BIG, 0);
	assert_int_equal(icmp[4] << 24 | icmp[5] << 16 | icmp[6] << 8 | icmp[7], TUNNEL_MTU);
	assert_int_equal(rte_pktmbuf_pkt_len(out[0]), 14 + 1280);
	rte_pktmbuf_free(out[0]);
	/* the MTU it said is the truth: that size goes through, as ESP in 1500 bytes */
	len = frame(f, "2001:db8:1::7", 64, TUNNEL_MTU, false);
	assert_int_equal(from_host(f, len, out, &port), 1);
	assert_int_equal(port, H_OUTSIDE);
	assert_int_equal(rte_pktmbuf_pkt_len(out[0]), 14 + 1500);
	rte_pktmbuf_free(out[0]);

	/* no crypto map line takes it: 1/0 */
	len = frame(f, "2001:db8:77::7", 64, 80, false);
	assert_int_equal(from_host(f, len, out, &port), 1);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6NoRoute), 1);
	to_host(out[0], f, len, ICMP6_DST_UNREACH, ICMP6_UNREACH_NOROUTE);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(st->requested, 3);
	assert_int_equal(st->sent, 3);
	assert_int_equal(st->packet_too_big, 1);
	assert_int_equal(st->time_exceeded, 1);
	assert_int_equal(st->unreachable, 1);
}

/* RFC 4443 2.4 (e.1): an ICMPv6 error is never answered; its drop is still counted. */
static void
test_not_about_errors(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	static uint8_t f[256];
	struct rte_mbuf *out[4];
	uint16_t port = 99;
	size_t len = frame(f, "2001:db8:1::7", 1, 100, true);

	(void)state;
	assert_int_equal(from_host(f, len, out, &port), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6HopLimitExceeded), 1);
	assert_int_equal(st->requested, 1);
	assert_int_equal(st->suppressed, 1);
	assert_int_equal(st->sent, 0);
}

/* An inside interface without address6 has nothing to send an ICMPv6 error from. */
static void
test_no_address6(void **state)
{
	const struct icmp_err_stats *st = ctrl_icmp_stats(C);
	static uint8_t f[256];
	struct rte_mbuf *out[4];
	uint16_t port = 99;
	size_t len = frame(f, "2001:db8:1::7", 1, 100, false);

	(void)state;
	assert_int_equal(from_host(f, len, out, &port), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv6HopLimitExceeded), 1);
	assert_int_equal(st->requested, 1);
	assert_int_equal(st->no_address6, 1);
	assert_int_equal(st->sent, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inside_host_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_about_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_address6, setup_no_addr6, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
