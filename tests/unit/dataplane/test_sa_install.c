/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA-install API as IKE drives it, through the real worker path:
 *
 *   host 10.0.2.5 --inside0--> [policy VPN 10 -> its published outbound SA] --outside0--> ESP
 *
 *  - deferred activation: an outbound SA added without activate is installed
 *    and listed (standby), while the policy keeps encrypting with its current
 *    SA until dp_sa_activate;
 *  - deleting the published SA leaves the policy without one (drop 33), even
 *    with another SA installed: no implicit successor;
 *  - dp_sa_usage counts what the SA processed;
 *  - dp_sa_update_endpoints moves an outbound SA to a new peer / NAT-T port
 *    (the next packet carries the new headers; the old template is freed
 *    only after the workers' grace period), and switches an inbound SA
 *    between raw ESP and ESP-in-UDP;
 *  - lookup by connection id stays right while the id hash grows and SAs go.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>

#include "dpsec/ip4.h"

#include "harness.h"
#include "sa.h"
#include "sad.h"

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

/* A UDP packet with plen payload bytes from a protected host, through inside0. */
static uint16_t
send_plain(size_t plen, struct rte_mbuf **out)
{
	uint8_t frame[2048], payload[1500] = {0};
	struct rte_mbuf *in;
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
					plen);

	in = harness_mbuf(&H, frame, len);
	assert_non_null(in);
	return harness_send(&H, H_INSIDE, &in, 1, out, 1, NULL);
}

/* The SPI of an encapsulated frame (raw ESP or ESP-in-UDP), then the frame is freed. */
static uint32_t
spi_of(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	const uint8_t *esp = (const uint8_t *)(ip + 1) + (ip->next_proto_id == IPPROTO_UDP ? 8 : 0);
	uint32_t spi = (uint32_t)esp[0] << 24 | esp[1] << 16 | esp[2] << 8 | esp[3];

	rte_pktmbuf_free(m);
	return spi;
}

/* Send one packet; the SPI it left with, or 0 if it was dropped. */
static uint32_t
spi_sent(void)
{
	struct rte_mbuf *out;

	return send_plain(40, &out) == 1 ? spi_of(out) : 0;
}

static int
add_out(uint32_t spi, bool standby)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = spi, .cipher = DP_CIPHER_AES_GCM_128,
			 .standby = standby};
	int id = harness_add_sa(&H, &s);

	assert_true(id > 0);
	return id;
}

static bool
listed_standby(uint32_t conn_id)
{
	struct view_sa v[8];
	size_t n = dp_sa_list(H.dp, v, 8);

	for (size_t i = 0; i < n; i++)
		if (v[i].conn_id == conn_id)
			return v[i].standby;
	fail_msg("conn id %u not listed", conn_id);
	return false;
}

static void
test_activate_deferred(void **state)
{
	int a, b, in;
	struct h_sa ins = {.dir = CFG_DIR_IN, .spi = 0x3001, .cipher = DP_CIPHER_AES_GCM_128,
			   .replay_window = 64};

	(void)state;
	a = add_out(0x1001, false);
	assert_int_equal(spi_sent(), 0x1001);
	b = add_out(0x2002, true);	/* installed, waiting for its exchange */
	assert_int_equal(dp_sa_count(H.dp), 2);
	assert_false(listed_standby((uint32_t)a));
	assert_true(listed_standby((uint32_t)b));
	assert_int_equal(spi_sent(), 0x1001);	/* the policy keeps its current SA */

	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)b), 0);
	assert_int_equal(spi_sent(), 0x2002);
	assert_true(listed_standby((uint32_t)a));	/* still installed, no longer used */
	assert_false(listed_standby((uint32_t)b));
	assert_int_equal(dp_sa_count(H.dp), 2);

	/* back to the old one (what a failed rekey could ask for) */
	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)a), 0);
	assert_int_equal(spi_sent(), 0x1001);

	in = harness_add_sa(&H, &ins);
	assert_true(in > 0);
	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)in), -EINVAL);	/* inbound */
	assert_false(listed_standby((uint32_t)in));	/* inbound SAs are never standby */
	assert_int_equal(dp_sa_activate(H.dp, 77), -ENOENT);
	assert_int_equal(harness_drops_total(&H), 0);
}

/* The published SA goes: the policy has none, whatever else is installed. */
static void
test_delete_active_no_fallback(void **state)
{
	int a, b, c;

	(void)state;
	a = add_out(0x1001, false);
	b = add_out(0x2002, true);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)a), 0);
	assert_int_equal(spi_sent(), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 1);
	assert_int_equal(harness_drops_total(&H), 1);
	assert_true(listed_standby((uint32_t)b));	/* waits for its activation */
	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)b), 0);
	assert_int_equal(spi_sent(), 0x2002);

	/* a newer SA added active takes over; deleting it does not bring back the older */
	c = add_out(0x3003, false);
	assert_int_equal(spi_sent(), 0x3003);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)c), 0);
	assert_int_equal(spi_sent(), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP), 2);

	/* deleting a standby SA leaves the published one alone */
	assert_int_equal(dp_sa_activate(H.dp, (uint32_t)b), 0);
	a = add_out(0x4004, true);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)a), 0);
	assert_int_equal(spi_sent(), 0x2002);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)a), -ENOENT);
}

static void
test_usage(void **state)
{
	struct rte_mbuf *out;
	uint64_t pkts = 99, bytes = 99;
	int a;

	(void)state;
	a = add_out(0x1001, false);
	assert_int_equal(dp_sa_usage(H.dp, (uint32_t)a, &pkts, &bytes), 0);
	assert_int_equal(pkts, 0);
	assert_int_equal(bytes, 0);
	for (size_t plen = 10; plen <= 30; plen += 10) {
		assert_int_equal(send_plain(plen, &out), 1);
		rte_pktmbuf_free(out);
	}
	assert_int_equal(dp_sa_usage(H.dp, (uint32_t)a, &pkts, &bytes), 0);
	assert_int_equal(pkts, 3);
	assert_int_equal(bytes, 3 * 20 + 10 + 20 + 30);	/* inner IPv4 packets */
	assert_int_equal(dp_sa_usage(H.dp, 12345, &pkts, &bytes), -ENOENT);
	assert_int_equal(dp_sa_del(H.dp, (uint32_t)a), 0);
	assert_int_equal(dp_sa_usage(H.dp, (uint32_t)a, &pkts, &bytes), -ENOENT);
}

/* Outer addresses and ports of the next encapsulated packet. */
static void
expect_outer(const char *dst, bool udp, uint16_t sport, uint16_t dport)
{
	struct rte_mbuf *out;
	const struct rte_ipv4_hdr *ip;
	uint32_t a;

	assert_int_equal(send_plain(40, &out), 1);
	ip = rte_pktmbuf_mtod_offset(out, struct rte_ipv4_hdr *, 14);
	ip4_parse(dst, &a);
	assert_int_equal(ip->dst_addr, a);
	ip4_parse(H_LOCAL, &a);
	assert_int_equal(ip->src_addr, a);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->next_proto_id, udp ? IPPROTO_UDP : IPPROTO_ESP);
	if (udp) {
		const struct rte_udp_hdr *u = (const struct rte_udp_hdr *)(ip + 1);

		assert_int_equal(rte_be_to_cpu_16(u->src_port), sport);
		assert_int_equal(rte_be_to_cpu_16(u->dst_port), dport);
		assert_int_equal(rte_be_to_cpu_16(u->dgram_len),
				 rte_be_to_cpu_16(ip->total_length) - 20);
	}
	rte_pktmbuf_free(out);
}

static void
test_update_endpoints_outbound(void **state)
{
	const struct sa *sa;
	const struct sa_ep *old;
	uint32_t peer;
	int a;

	(void)state;
	a = add_out(0x1001, false);
	expect_outer(H_PEER, false, 0, 0);

	/*
	 * A worker is inside its loop and holds the template (registered with
	 * RCU, no quiescent state reported yet): the old one must outlive the swap.
	 */
	sa = sad_find_conn(H.dp->sad, (uint32_t)a);
	old = sa->rt->ep;
	rte_rcu_qsbr_thread_register(H.dp->qs, 0);
	rte_rcu_qsbr_thread_online(H.dp->qs, 0);
	ip4_parse("198.51.100.9", &peer);
	assert_int_equal(dp_sa_update_endpoints(H.dp, (uint32_t)a, peer, 4501, true), 0);
	assert_ptr_not_equal(sa->rt->ep, old);
	dp_housekeeping(H.dp);
	assert_int_equal(sad_waiting(H.dp->sad), 1);	/* the old template, not freed yet */
	assert_int_equal(old->hdr_len, 34);		/* ... and intact */
	rte_rcu_qsbr_quiescent(H.dp->qs, 0);
	dp_housekeeping(H.dp);
	assert_int_equal(sad_waiting(H.dp->sad), 0);
	rte_rcu_qsbr_thread_offline(H.dp->qs, 0);
	rte_rcu_qsbr_thread_unregister(H.dp->qs, 0);

	expect_outer("198.51.100.9", true, 4500, 4501);
	/* the control thread's record follows (show crypto ipsec sa) */
	assert_int_equal(sa->peer, peer);
	assert_int_equal(sa->peer_port, 4501);
	assert_true(sa->udp_encap);

	/* and back to raw ESP */
	ip4_parse(H_PEER, &peer);
	assert_int_equal(dp_sa_update_endpoints(H.dp, (uint32_t)a, peer, 500, false), 0);
	expect_outer(H_PEER, false, 0, 0);
	assert_int_equal(dp_sa_update_endpoints(H.dp, 4242, peer, 500, false), -ENOENT);
	assert_int_equal(harness_drops_total(&H), 0);
}

/*
 * Inbound: what changes is the encapsulation the SA accepts; ESP in the
 * other one is counted as 63 IN_NAT_DEMUX_FAIL.
 */
static void
test_update_endpoints_inbound(void **state)
{
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x1001, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa in = {.dir = CFG_DIR_IN, .spi = 0x1001, .cipher = DP_CIPHER_AES_GCM_128,
			  .replay_window = 64};
	struct rte_mbuf *esp, *plain;
	uint32_t peer;
	int o, i;

	(void)state;
	o = harness_add_sa(&H, &out);
	i = harness_add_sa(&H, &in);
	assert_true(o > 0 && i > 0);
	ip4_parse(H_PEER, &peer);

	/* the peer went behind a NAT: both halves move to UDP */
	assert_int_equal(dp_sa_update_endpoints(H.dp, (uint32_t)o, peer, 4500, true), 0);
	assert_int_equal(send_plain(40, &esp), 1);
	harness_reflect(esp);
	/* still raw ESP inbound: the UDP packet is the wrong encapsulation */
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp, 1, &plain, 1, NULL), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_IN_NAT_DEMUX_FAIL), 1);

	assert_int_equal(dp_sa_update_endpoints(H.dp, (uint32_t)i, peer, 4500, true), 0);
	assert_int_equal(send_plain(40, &esp), 1);
	harness_reflect(esp);
	assert_int_equal(harness_send(&H, H_OUTSIDE, &esp, 1, &plain, 1, NULL), 1);
	rte_pktmbuf_free(plain);
	assert_int_equal(harness_drops_total(&H), 1);
}

/* Many SAs: the id hash grows past its first size; every id still finds its SA. */
static void
test_conn_lookup_many(void **state)
{
	enum { N = 300 };
	uint32_t id[N];
	uint64_t p, b;

	(void)state;
	for (int i = 0; i < N; i++)
		id[i] = (uint32_t)add_out(0x10000 + (uint32_t)i, true);
	for (int i = 0; i < N; i += 3)
		assert_int_equal(dp_sa_del(H.dp, id[i]), 0);
	for (int i = 0; i < N; i++) {
		const struct sa *sa = sad_find_conn(H.dp->sad, id[i]);

		if (i % 3 == 0) {
			assert_null(sa);
			assert_int_equal(dp_sa_usage(H.dp, id[i], &p, &b), -ENOENT);
		} else {
			assert_non_null(sa);
			assert_int_equal(sa->spi, 0x10000 + (uint32_t)i);
			assert_int_equal(dp_sa_usage(H.dp, id[i], &p, &b), 0);
		}
	}
	assert_int_equal(dp_sa_count(H.dp), N - (N + 2) / 3);
	assert_int_equal(dp_sa_del_all(H.dp), N - (N + 2) / 3);
	for (int i = 0; i < N; i++)
		assert_null(sad_find_conn(H.dp->sad, id[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_activate_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_active_no_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_endpoints_outbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_endpoints_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_lookup_many, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
