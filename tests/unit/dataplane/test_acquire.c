/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Acquires: outbound traffic matching a crypto map entry whose policy has no
 * SA is dropped (33 OUT_V4_PKT_HIT_IKE_START_SP, global IpsecIkeIndicate)
 * and asks the control thread for one (DP_EV_ACQUIRE), at most once a
 * second per entry, on the harness's fake clock:
 *
 *   host 10.0.2.5  -> 10.0.0.7 --inside0--> [VPN 10: no SA] --event--> control thread
 *   host 10.1.0.5  -> 10.9.0.7 --inside0--> [VPN 20: no SA] --event--> control thread
 *
 * The event names the entry (conn_id = map << 16 | entry), the outside
 * interface of the map, the packet's addresses and protocol, and the
 * packets it stands for (those held back since the entry's last acquire).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "dpsec/ip4.h"

#include "harness.h"

static struct harness H;

static int
setup(void **state)
{
	static const struct h_acl_line vpn10 = {"10.0.0.0/16", "10.0.0.0/16", false};
	static const struct h_acl_line vpn20 = {"10.1.0.0/16", "10.9.0.0/16", false};
	const struct h_opts o = {.acl = &vpn10, .n_acl = 1, .acl2 = &vpn20, .n_acl2 = 1};

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

/* n packets (UDP, or ICMP) from src to dst through inside0, one burst; how many got out. */
static uint16_t
send_from(const char *src, const char *dst, uint8_t proto, uint16_t n)
{
	uint8_t frame[256], payload[40];
	struct rte_mbuf *in[DP_BURST_MAX], *out[DP_BURST_MAX];
	size_t len;
	uint16_t k;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0xa0 + i);
	len = harness_ipv4_frame(frame, src, dst, proto, 64, payload, sizeof(payload));
	for (uint16_t i = 0; i < n; i++) {
		in[i] = harness_mbuf(&H, frame, len);
		assert_non_null(in[i]);
	}
	k = harness_send(&H, H_INSIDE, in, n, out, DP_BURST_MAX, NULL);
	rte_pktmbuf_free_bulk(out, k);
	return k;
}

static void
expect_acquire(uint32_t conn_id, const char *src, const char *dst, uint8_t proto, uint32_t pkts)
{
	const struct dp_event *ev = &H.last_event;
	uint32_t a;

	assert_int_equal(ev->type, DP_EV_ACQUIRE);
	assert_int_equal(ev->conn_id, conn_id);
	assert_int_equal(ev->iface, 0);		/* outside0, where crypto map VPN is applied */
	assert_int_equal(ev->ipv6, 0);
	assert_int_equal(ev->proto, proto);
	assert_int_equal(ev->pkts, pkts);
	assert_int_equal(ev->mono_ns, H.fake.mono_ns);
	ip4_parse(src, &a);
	assert_memory_equal(ev->src, &a, 4);
	ip4_parse(dst, &a);
	assert_memory_equal(ev->dst, &a, 4);
	/* the packet from its IPv4 header: 20 + 40 bytes */
	assert_int_equal(ev->head_len, 60);
	assert_int_equal(ev->head[0], 0x45);
	assert_int_equal(ev->head[20], 0xa0);
	assert_int_equal(ev->head[59], 0xa0 + 39);
}

static void
test_acquire_once_a_second(void **state)
{
	(void)state;
	assert_int_equal(send_from("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
	expect_acquire(0 << 16 | 0, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1);

	/* more within the second: counted, not sent */
	assert_int_equal(send_from("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 5), 0);
	clk_fake_advance_ns(&H.fake, 1000 * CLK_NS_PER_MS - 1);
	assert_int_equal(send_from("10.0.2.6", "10.0.0.8", IPPROTO_ICMP, 1), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 1);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 7);

	/* a second after the last one: the next packet goes, standing for all held back */
	clk_fake_advance_ns(&H.fake, 1);
	assert_int_equal(send_from("10.0.2.7", "10.0.0.9", IPPROTO_ICMP, 1), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 2);
	expect_acquire(0, "10.0.2.7", "10.0.0.9", IPPROTO_ICMP, 7);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 8);
	assert_int_equal(harness_drops_total(&H), 8);
}

/* Each entry has its own second; the event names the entry. */
static void
test_acquire_per_entry(void **state)
{
	(void)state;
	assert_int_equal(send_from("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1), 0);
	assert_int_equal(send_from("10.1.0.5", "10.9.0.7", IPPROTO_UDP, 3), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 2);
	expect_acquire(0 << 16 | 1, "10.1.0.5", "10.9.0.7", IPPROTO_UDP, 1);
	assert_int_equal(send_from("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 2);

	/* an SA for VPN 20 only: its traffic flows, VPN 10's still asks */
	clk_fake_advance_ms(&H.fake, 1000);
	assert_true(harness_add_sa(&H, &(struct h_sa){.dir = CFG_DIR_OUT, .spi = 0x2002,
						      .entry = 1,
						      .cipher = DP_CIPHER_AES_GCM_128}) > 0);
	assert_int_equal(send_from("10.1.0.5", "10.9.0.7", IPPROTO_UDP, 2), 2);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 2);
	assert_int_equal(send_from("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 1), 0);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 3);
	expect_acquire(0, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 2);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 6);
	assert_int_equal(harness_drops_total(&H), 6);
}

/* Traffic no crypto map entry matches is not an acquire. */
static void
test_no_acquire_without_entry(void **state)
{
	(void)state;
	assert_int_equal(send_from("10.2.0.5", "10.3.0.7", IPPROTO_UDP, 1), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_G_Ipv4NoRoute), 1);
	assert_int_equal(H.events[DP_EV_ACQUIRE], 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_acquire_once_a_second),
		T(test_acquire_per_entry),
		T(test_no_acquire_without_entry),
	};
#undef T

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
