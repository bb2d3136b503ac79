/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet Too Big about our own ESP over IPv6 (pmtu_icmp6.h), read from
 * messages scapy built (icmp6_vectors.h): the SA named, the MTU as said;
 * and what is not ours to act on: a bad checksum, a quote cut before the
 * SPI, someone else's packet, not ESP, not Packet Too Big, not to us.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "icmp6_vectors.h"
#include "pmtu_icmp6.h"

/* 2001:db8:ff::1 and 2001:db8:ff::2 (gen_icmp6_vectors.py OUR6, PEER6) */
static const uint8_t our6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t peer6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static void
test_ptb_about_our_esp(void **state)
{
	struct pmtu_icmp6 p;

	(void)state;
	assert_true(pmtu_icmp6_parse(v_ptb_esp, sizeof(v_ptb_esp), our6, &p));
	assert_memory_equal(p.peer, peer6, 16);
	assert_int_equal(p.spi, 0x1234abcd);
	assert_int_equal(p.mtu, 1400);
	/* the IPv6 header and the SPI are enough; a lower MTU is passed on as said */
	assert_true(pmtu_icmp6_parse(v_ptb_esp_short, sizeof(v_ptb_esp_short), our6, &p));
	assert_int_equal(p.spi, 0x1234abcd);
	assert_true(pmtu_icmp6_parse(v_ptb_esp_600, sizeof(v_ptb_esp_600), our6, &p));
	assert_int_equal(p.mtu, 600);
}

static void
test_not_ours_to_act_on(void **state)
{
	struct pmtu_icmp6 p;
	uint8_t other[16];

	(void)state;
	assert_false(pmtu_icmp6_parse(v_ptb_esp_cut, sizeof(v_ptb_esp_cut), our6, &p));
	assert_false(pmtu_icmp6_parse(v_ptb_esp_bad_cksum, sizeof(v_ptb_esp_bad_cksum), our6, &p));
	assert_false(pmtu_icmp6_parse(v_ptb_not_ours, sizeof(v_ptb_not_ours), our6, &p));
	assert_false(pmtu_icmp6_parse(v_ptb_udp, sizeof(v_ptb_udp), our6, &p));
	assert_false(pmtu_icmp6_parse(v_te_esp, sizeof(v_te_esp), our6, &p));
	memcpy(other, our6, 16);
	other[15] = 9;
	assert_false(pmtu_icmp6_parse(v_ptb_esp, sizeof(v_ptb_esp), other, &p));
	/* every truncation of a good one is refused, never read past */
	for (size_t n = 0; n < 40 + 8 + 40 + 4; n++)
		assert_false(pmtu_icmp6_parse(v_ptb_esp, n, our6, &p));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ptb_about_our_esp),
		cmocka_unit_test(test_not_ours_to_act_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
