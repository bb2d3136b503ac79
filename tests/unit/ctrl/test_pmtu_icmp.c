/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmtu_icmp_parse: ICMP "fragmentation needed" from a router on the path,
 * quoting one of our ESP, AH or ESP-in-UDP packets (RFC 1191, RFC 792):
 *
 *   router 198.51.100.9 --ICMP 3/4 mtu 1400 [ 192.0.2.2 -> 192.0.2.1 ESP spi ... ]--> 192.0.2.2
 *
 * The fields read out for each kind, and every way it is not ours: another
 * type or code, to another address, a fragment, quoting someone else's
 * packet or a later fragment, other protocols, and every truncation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "pmtu_icmp.h"

#define OURS "192.0.2.2"
#define PEER "192.0.2.1"

static uint32_t
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* IPv4 header (no options, checksum not looked at) at p. */
static void
ip4(uint8_t *p, uint16_t tot, uint8_t proto, const char *src, const char *dst, uint16_t frag)
{
	uint32_t s = a4(src), d = a4(dst);

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
}

/*
 * The ICMP message to OURS: 3/4 with mtu, quoting a packet from qsrc to PEER
 * of protocol qproto whose first bytes are q (qlen). Returns its length.
 */
static size_t
msg(uint8_t *p, uint8_t type, uint8_t code, uint16_t mtu, const char *qsrc, uint8_t qproto,
    const uint8_t *q, size_t qlen)
{
	size_t len = 20 + 8 + 20 + qlen;

	ip4(p, (uint16_t)len, IPPROTO_ICMP, "198.51.100.9", OURS, 0);
	memset(p + 20, 0, 8);
	p[20] = type;
	p[21] = code;
	p[26] = (uint8_t)(mtu >> 8);
	p[27] = (uint8_t)mtu;
	ip4(p + 28, 1500, qproto, qsrc, PEER, 0x4000);	/* DF: what we send is often DF */
	memcpy(p + 48, q, qlen);
	return len;
}

static const uint8_t esp[8] = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 7};
static const uint8_t ah[8] = {4, 4, 0, 0, 0xc0, 0xff, 0xee, 0x02};
static const uint8_t natt[12] = {0x11, 0x94, 0x11, 0x94, 0x05, 0xc0, 0, 0,
				 0xc0, 0xff, 0xee, 0x03};

static void
test_esp_ah_natt(void **state)
{
	uint8_t p[128];
	struct pmtu_icmp r;

	(void)state;
	assert_true(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8), a4(OURS),
				    &r));
	assert_int_equal(r.peer, a4(PEER));
	assert_int_equal(r.proto, IPPROTO_ESP);
	assert_int_equal(r.spi, 0xc0ffee01);
	assert_int_equal(r.mtu, 1400);
	assert_true(pmtu_icmp_parse(p, msg(p, 3, 4, 1280, OURS, IPPROTO_AH, ah, 8), a4(OURS), &r));
	assert_int_equal(r.proto, IPPROTO_AH);
	assert_int_equal(r.spi, 0xc0ffee02);
	assert_int_equal(r.mtu, 1280);
	assert_true(pmtu_icmp_parse(p, msg(p, 3, 4, 0, OURS, IPPROTO_UDP, natt, 12), a4(OURS),
				    &r));
	assert_int_equal(r.proto, IPPROTO_ESP);
	assert_int_equal(r.spi, 0xc0ffee03);
	assert_int_equal(r.mtu, 0);	/* the router did not say: for the caller to refuse */
}

static void
test_not_ours(void **state)
{
	uint8_t p[128], q[12];
	struct pmtu_icmp r;
	size_t len;

	(void)state;
	/* another type or code */
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 3, 1400, OURS, IPPROTO_ESP, esp, 8), a4(OURS),
				     &r));
	assert_false(pmtu_icmp_parse(p, msg(p, 11, 0, 1400, OURS, IPPROTO_ESP, esp, 8), a4(OURS),
				     &r));
	/* to another address of ours, or quoting a packet we did not send */
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8),
				     a4("192.0.2.3"), &r));
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, "192.0.2.7", IPPROTO_ESP, esp, 8),
				     a4(OURS), &r));
	/* other protocols; UDP not from 4500; ESP-in-UDP with a zero marker (IKE) */
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, OURS, IPPROTO_TCP, esp, 8), a4(OURS),
				     &r));
	memcpy(q, natt, sizeof(q));
	q[1] = 0xf4;	/* source port 500 */
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, OURS, IPPROTO_UDP, q, 12), a4(OURS),
				     &r));
	memcpy(q, natt, sizeof(q));
	memset(q + 8, 0, 4);
	assert_false(pmtu_icmp_parse(p, msg(p, 3, 4, 1400, OURS, IPPROTO_UDP, q, 12), a4(OURS),
				     &r));
	/* the message a fragment; the quoted packet a later fragment (no SPI in it) */
	len = msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8);
	p[6] = 0x20;
	assert_false(pmtu_icmp_parse(p, len, a4(OURS), &r));
	len = msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8);
	p[28 + 7] = 0x10;
	assert_false(pmtu_icmp_parse(p, len, a4(OURS), &r));
	/* not IPv4, or a header length below 20, in either header */
	len = msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8);
	p[28] = 0x44;
	assert_false(pmtu_icmp_parse(p, len, a4(OURS), &r));
	len = msg(p, 3, 4, 1400, OURS, IPPROTO_ESP, esp, 8);
	p[0] = 0x65;
	assert_false(pmtu_icmp_parse(p, len, a4(OURS), &r));
}

/* Every length short of the whole message: false, nothing read past it (ASan). */
static void
test_every_truncation(void **state)
{
	static const struct {
		uint8_t proto;
		const uint8_t *q;
		size_t qlen;
	} k[] = {{IPPROTO_ESP, esp, 4}, {IPPROTO_AH, ah, 8}, {IPPROTO_UDP, natt, 12}};
	struct pmtu_icmp r;

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint8_t p[128];
		size_t len = msg(p, 3, 4, 1400, OURS, k[i].proto, k[i].q, k[i].qlen);

		for (size_t n = 0; n < len; n++) {
			uint8_t *cut = test_malloc(n + 1);	/* ASan sees a read past n */

			memcpy(cut, p, n);
			assert_false(pmtu_icmp_parse(cut, n, a4(OURS), &r));
			test_free(cut);
		}
		assert_true(pmtu_icmp_parse(p, len, a4(OURS), &r));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esp_ah_natt),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
