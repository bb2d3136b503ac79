/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's half of following a peer behind a NAT whose mapping
 * changed (RFC 7296 section 2.23): the engine (tests/unit/ike/test_ike_info.c,
 * test_nat_mapping_change) calls ike_ops.sa_update_endpoints for each CHILD_SA
 * half, which ctrl_ike maps onto dp_sa_update_endpoints. Here, on the real
 * dataplane harness:
 *
 *   host --plain--> inside0 [worker, outbound SA] --ESP-in-UDP--> outside0 --> peer
 *                                   ^ ctrl_ike_sa_moved(192.0.2.1:4600)
 *
 * the next packet leaves for the new port; an IPv6 endpoint for this IPv4 SA
 * (dp_sa_update_endpoints6 refuses it) and unknown handles are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "dpsec/ike.h"
#include "dpsec/ip4.h"

#include "ctrl.h"
#include "ctrl_ike.h"
#include "harness.h"

static struct harness H;
static struct ctrl *C;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (harness_create(&H) != 0)
		return -1;
	C = ctrl_create(H.dp, &H.cfg, &H.clock, err, sizeof(err));
	if (C == NULL)
		harness_destroy(&H);
	return C == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	ctrl_destroy(C);
	harness_destroy(&H);
	return 0;
}

/* One plain packet from the inside host out through the SA: its outer UDP destination port. */
static uint16_t
sent_to_port(uint32_t *dst)
{
	uint8_t frame[256], payload[40] = {0};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, payload,
					sizeof(payload));
	struct rte_mbuf *in = harness_mbuf(&H, frame, len), *out;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *u;
	uint16_t port;

	assert_non_null(in);
	assert_int_equal(harness_send(&H, H_INSIDE, &in, 1, &out, 1, NULL), 1);
	ip = rte_pktmbuf_mtod_offset(out, const struct rte_ipv4_hdr *, 14);
	assert_int_equal(ip->next_proto_id, IPPROTO_UDP);
	u = (const struct rte_udp_hdr *)(ip + 1);
	port = rte_be_to_cpu_16(u->dst_port);
	*dst = ip->dst_addr;
	rte_pktmbuf_free(out);
	return port;
}

static void
test_sa_follows_peer(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = 0x1001, .cipher = DP_CIPHER_AES_GCM_128,
			 .udp = true, .negotiated = true};
	struct ike_addr moved = {.family = 4, .port = 4600};
	struct ike_addr v6 = {.family = 6, .ip = {0x20, 0x01, 0x0d, 0xb8}, .port = 4600};
	uint32_t peer, dst;
	int h;

	(void)state;
	h = harness_add_sa(&H, &s);
	assert_true(h > 0);
	ip4_parse(H_PEER, &peer);
	memcpy(moved.ip, &peer, 4);
	assert_int_equal(sent_to_port(&dst), 4500);
	assert_int_equal(ctrl_ike_sa_moved(C, (uint32_t)h, &moved, true), 0);
	assert_int_equal(sent_to_port(&dst), 4600);
	assert_int_equal(dst, peer);
	/* refused, and the SA keeps what it had */
	assert_int_equal(ctrl_ike_sa_moved(C, (uint32_t)h, &v6, true), -EAFNOSUPPORT);
	assert_int_equal(ctrl_ike_sa_moved(C, 4242, &moved, true), -ENOENT);
	assert_int_equal(sent_to_port(&dst), 4600);
	assert_int_equal(harness_drops_total(&H), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sa_follows_peer, setup, teardown),
	};

	return harness_eal_init() != 0 ? 1 : cmocka_run_group_tests(tests, NULL, NULL);
}
