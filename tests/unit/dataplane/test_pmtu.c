/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path MTU of an outbound SA (sa_pmtu.c, dp_sa_path_mtu): what an ICMP
 * "fragmentation needed" from the path changes, and its ageing:
 *
 *   host 10.0.2.5 --> inside0 [dpsec] outside0 MTU 1500 --ESP--> router (MTU 1400) --> peer
 *
 *   - lowered: a DF packet that fits 1500 but not 1400 once encapsulated is
 *     dropped (48) and the host is told the plaintext MTU for 1400; without
 *     DF it goes in fragments no larger than 1400;
 *   - never below DP_PMTU_MIN, never raised by a message, never for an SA
 *     we do not have or an MTU of 0;
 *   - back to the interface's 1500 after DP_PMTU_AGE_S, not a nanosecond
 *     before (fake clock, dp_housekeeping).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <rte_ip.h>

#include "dpsec/ip4.h"
#include "dpsec/view.h"

#include "harness.h"

#define SPI 0x2002u
#define MAX_OUT 8

static struct harness H;
static uint32_t local, peer;

static int
setup(void **state)
{
	struct h_sa s = {.dir = CFG_DIR_OUT, .spi = SPI, .cipher = DP_CIPHER_AES_GCM_128};

	(void)state;
	ip4_parse(H_LOCAL, &local);
	ip4_parse(H_PEER, &peer);
	if (harness_create(&H) != 0 || harness_add_sa(&H, &s) <= 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	harness_destroy(&H);
	return 0;
}

/* The outbound SA's path MTU, as show crypto ipsec sa reads it. */
static uint16_t
path_mtu(void)
{
	struct view_sa v[4];
	size_t n = dp_sa_list(H.dp, v, 4);

	for (size_t i = 0; i < n; i++)
		if (v[i].dir == CFG_DIR_OUT)
			return v[i].path_mtu;
	fail_msg("no outbound SA");
	return 0;
}

/* A host's UDP packet of tot bytes, DF as asked; how many frames went out. */
static uint16_t
send_host(size_t tot, bool df, struct rte_mbuf **out)
{
	uint8_t frame[2048], pl[2048] = {0};
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.7", IPPROTO_UDP, 64, pl,
					tot - 20);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);
	struct rte_mbuf *m;

	if (df) {
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	m = harness_mbuf(&H, frame, len);
	return harness_send(&H, H_INSIDE, &m, 1, out, MAX_OUT, NULL);
}

/* GCM-128: 20 + 8 + 8 + 16 bytes around the packet, padded to 4 with its 2 trailer bytes */
static uint16_t
gcm_plaintext(uint16_t mtu)
{
	return (uint16_t)(((mtu - 52u) & ~3u) - 2);
}

static void
test_lowered_df_and_fragments(void **state)
{
	struct rte_mbuf *out[MAX_OUT];
	uint64_t icmp;
	uint16_t n;

	(void)state;
	assert_int_equal(path_mtu(), 1500);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 1400), 0);
	assert_int_equal(path_mtu(), 1400);
	/* DF, fits 1500 but not 1400: 48, and the host is told the plaintext MTU for 1400 */
	icmp = H.events[DP_EV_ICMP_ERROR];
	assert_int_equal(send_host(gcm_plaintext(1500), true, out), 0);
	assert_int_equal(harness_drops(&H, DP_DROP_OUT_CANNOT_FRAG_DF_SET_PKT), 1);
	assert_int_equal(H.events[DP_EV_ICMP_ERROR], icmp + 1);
	assert_int_equal(H.last_event.icmp_mtu, gcm_plaintext(1400));
	/* the largest that fits 1400 goes whole */
	n = send_host(gcm_plaintext(1400), true, out);
	assert_int_equal(n, 1);
	assert_int_equal(rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *,
								  14)->total_length), 1400);
	rte_pktmbuf_free_bulk(out, n);
	/* DF clear: in fragments, each ESP packet within 1400 */
	n = send_host(1480, false, out);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++)
		assert_true(rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(
				    out[i], struct rte_ipv4_hdr *, 14)->total_length) <= 1400);
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(harness_drops_total(&H), 1);
}

static void
test_bounds(void **state)
{
	(void)state;
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI + 1, 1400), -ENOENT);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_AH, SPI, 1400), -ENOENT);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, local, IPPROTO_ESP, SPI, 1400), -ENOENT);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 0), -EINVAL);
	assert_int_equal(path_mtu(), 1500);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 1600), 0);
	assert_int_equal(path_mtu(), 1500);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 300), 0);
	assert_int_equal(path_mtu(), DP_PMTU_MIN);
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 1400), 0);
	assert_int_equal(path_mtu(), DP_PMTU_MIN);	/* never raised by a message */
}

static void
test_ages_back(void **state)
{
	(void)state;
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 1400), 0);
	clk_fake_advance_ns(&H.fake, DP_PMTU_AGE_S * CLK_NS_PER_S - 1);
	dp_housekeeping(H.dp);
	assert_int_equal(path_mtu(), 1400);
	clk_fake_advance_ns(&H.fake, 1);
	dp_housekeeping(H.dp);
	assert_int_equal(path_mtu(), 1500);
	/* and can be lowered again */
	assert_int_equal(dp_sa_path_mtu(H.dp, local, peer, IPPROTO_ESP, SPI, 1300), 0);
	assert_int_equal(path_mtu(), 1300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lowered_df_and_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ages_back, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
