/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 errors (icmp6_msg.h) against what scapy builds (icmp6_vectors.h,
 * gen_icmp6_vectors.py): the whole message byte for byte (header, checksum,
 * quote cut at 1280 bytes), and RFC 4443 section 2.4 (e)'s packets that are
 * never answered, next to ones that are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "icmp6_msg.h"
#include "icmp6_vectors.h"

static const uint8_t gw[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};

static void
check_build(const uint8_t *pkt, size_t len, uint8_t type, uint8_t code, uint32_t param,
	    const uint8_t *want, size_t want_len)
{
	uint8_t out[1600];
	size_t n = icmp6_err_build(out, sizeof(out), gw, type, code, param, pkt, len);

	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
	/* the checksum over the message with its own field is 0 (RFC 1071) */
	assert_int_equal(icmp6_cksum(out, out + ICMP6_IP6_HDR, n - ICMP6_IP6_HDR), 0);
}

/* A 1596-byte packet: 1232 bytes of it quoted, the whole error exactly 1280 (2.4 c). */
static void
test_packet_too_big(void **state)
{
	(void)state;
	check_build(v_big, sizeof(v_big), ICMP6_PACKET_TOO_BIG, 0, 1400, v_ptb, sizeof(v_ptb));
	assert_int_equal(sizeof(v_ptb), ICMP6_MIN_MTU);
	assert_true(icmp6_err_answerable(v_big, sizeof(v_big), ICMP6_PACKET_TOO_BIG));
}

static void
test_time_exceeded_and_unreachable(void **state)
{
	(void)state;
	check_build(v_small, sizeof(v_small), ICMP6_TIME_EXCEEDED, ICMP6_HOPLIMIT_EXCEEDED, 0, v_te,
		    sizeof(v_te));
	check_build(v_small, sizeof(v_small), ICMP6_DST_UNREACH, ICMP6_UNREACH_NOROUTE, 0,
		    v_unreach, sizeof(v_unreach));
	/* an echo request is informational: answered (ping -t 1, traceroute) */
	assert_true(icmp6_err_answerable(v_ping, sizeof(v_ping), ICMP6_TIME_EXCEEDED));
	check_build(v_ping, sizeof(v_ping), ICMP6_TIME_EXCEEDED, 0, 0, v_te_ping,
		    sizeof(v_te_ping));
}

static void
test_no_room(void **state)
{
	uint8_t out[1280];

	(void)state;
	assert_int_equal(icmp6_err_build(out, sizeof(out) - 1, gw, 2, 0, 1280, v_big,
					 sizeof(v_big)), 0);
	assert_int_equal(icmp6_err_build(out, sizeof(out), gw, 3, 0, 0, v_small, 39), 0);
}

/* RFC 4443 2.4 (e): never about an error, a redirect, from no one or many, to many. */
static void
test_not_answered(void **state)
{
	(void)state;
	assert_false(icmp6_err_answerable(v_an_error, sizeof(v_an_error), 3));
	assert_false(icmp6_err_answerable(v_an_error_ext, sizeof(v_an_error_ext), 3));
	assert_false(icmp6_err_answerable(v_redirect, sizeof(v_redirect), 3));
	assert_false(icmp6_err_answerable(v_to_group, sizeof(v_to_group), 3));
	assert_false(icmp6_err_answerable(v_to_group, sizeof(v_to_group), 1));
	assert_false(icmp6_err_answerable(v_from_any, sizeof(v_from_any), 2));
	assert_false(icmp6_err_answerable(v_from_group, sizeof(v_from_group), 3));
	/* cut before the ICMPv6 type, or before an extension header ends: not known, not answered */
	assert_false(icmp6_err_answerable(v_an_error_ext, 40 + 8 + 4, 3));
	assert_false(icmp6_err_answerable(v_an_error, 40, 3));
	assert_false(icmp6_err_answerable(v_small, 39, 3));
}

/* e.3's exception: a group's sender must learn its path MTU; and what is answered. */
static void
test_answered(void **state)
{
	(void)state;
	assert_true(icmp6_err_answerable(v_to_group, sizeof(v_to_group), ICMP6_PACKET_TOO_BIG));
	assert_true(icmp6_err_answerable(v_small, sizeof(v_small), 3));
	assert_true(icmp6_err_answerable(v_echo_frag, sizeof(v_echo_frag), 3));
	/* a later fragment has no ICMPv6 type to go by: answered, as by Linux */
	assert_true(icmp6_err_answerable(v_later_frag, sizeof(v_later_frag), 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_too_big),
		cmocka_unit_test(test_time_exceeded_and_unreachable),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_not_answered),
		cmocka_unit_test(test_answered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
