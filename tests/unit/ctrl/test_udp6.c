/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's IPv6/UDP frames (udp6.c), without DPDK:
 *
 *  - udp6_build's frames equal, byte for byte, the ones scapy 2.5 builds
 *    from the same fields (Ether()/IPv6(hlim=64)/UDP()/Raw(), generated
 *    once and pasted here: the checksum is scapy's, not ours);
 *  - udp6_parse takes them back, and refuses a table of malformed ones,
 *    each altered in one place so the verdict can only come from there:
 *    a zero UDP checksum (mandatory over IPv6, RFC 8200 8.1), extension
 *    headers, lengths over the frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/hex.h"

#include "udp6.h"

static const uint8_t DMAC[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t SMAC[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t SRC[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};	/* 2001:db8::2 */
static const uint8_t DST[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};	/* 2001:db8::1 */

/* marker 00000000 then 5 bytes (i * 7 + 5), 4500 -> 4500 */
static const char SCAPY_NATT[] =
	"02000000000102000000000286dd600000000011114020010db800000000000000000000000220010db8"
	"000000000000000000000001119411940011480900000000050c131a21";
/* bytes 0..32, 500 -> 500 */
static const char SCAPY_IKE[] =
	"02000000000102000000000286dd600000000029114020010db800000000000000000000000220010db8"
	"00000000000000000000000101f401f400298f3e000102030405060708090a0b0c0d0e0f10111213141516"
	"1718191a1b1c1d1e1f20";

static size_t
unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;

	assert_true(hex_decode(h, out, cap, &n));
	return n;
}

static size_t
build(uint8_t *buf, size_t cap, uint16_t port, const void *prefix, size_t plen,
      const void *data, size_t len)
{
	struct udp6_out o = {.sport = port, .dport = port};

	memcpy(o.dmac, DMAC, 6);
	memcpy(o.smac, SMAC, 6);
	memcpy(o.src, SRC, 16);
	memcpy(o.dst, DST, 16);
	return udp6_build(buf, cap, &o, prefix, plen, data, len);
}

static void
test_build_as_scapy(void **state)
{
	static const uint8_t marker[4];
	uint8_t want[256], got[256], data[33];
	size_t wn, n;
	struct udp6 u;

	(void)state;
	for (int i = 0; i < 5; i++)
		data[i] = (uint8_t)(i * 7 + 5);
	wn = unhex(SCAPY_NATT, want, sizeof(want));
	n = build(got, sizeof(got), 4500, marker, 4, data, 5);
	assert_int_equal(n, wn);
	assert_memory_equal(got, want, n);
	assert_int_equal(udp6_parse(got, n, &u), UDP6_OK);
	assert_int_equal(u.sport, 4500);
	assert_int_equal(u.len, 9);
	assert_memory_equal(u.src, SRC, 16);
	assert_memory_equal(u.dst, DST, 16);

	for (int i = 0; i < 33; i++)
		data[i] = (uint8_t)i;
	wn = unhex(SCAPY_IKE, want, sizeof(want));
	n = build(got, sizeof(got), 500, NULL, 0, data, 33);
	assert_int_equal(n, wn);
	assert_memory_equal(got, want, n);
	assert_int_equal(udp6_parse(got, n, &u), UDP6_OK);
	assert_int_equal(u.len, 33);
	assert_memory_equal(u.payload, data, 33);
	/* too small a buffer: nothing */
	assert_int_equal(build(got, wn - 1, 500, NULL, 0, data, 33), 0);
}

/* One alteration of the scapy IKE frame and the verdict it must get. */
struct bad {
	const char *name;
	size_t off;		/* byte to set (SIZE_MAX: none) */
	uint8_t val;
	size_t cut;		/* frame length (0: whole) */
	enum udp6_verdict want;
};

static void
test_parse_refusals(void **state)
{
	static const struct bad t[] = {
		{"ethertype IPv4", 12, 0x08, 0, UDP6_NOT_UDP},
		{"frame of 13 bytes", SIZE_MAX, 0, 13, UDP6_NOT_UDP},
		{"IPv6 header cut", SIZE_MAX, 0, 14 + 39, UDP6_BAD_IP},
		{"version 4", 14, 0x40, 0, UDP6_BAD_IP},
		{"payload length over the frame", 14 + 5, 0x2a, 0, UDP6_BAD_IP},
		{"payload length 0 (jumbogram)", 14 + 5, 0x00, 0, UDP6_BAD_IP},
		{"hop-by-hop header", 14 + 6, 0, 0, UDP6_EXT_HDR},
		{"fragment header", 14 + 6, 44, 0, UDP6_EXT_HDR},
		{"destination options", 14 + 6, 60, 0, UDP6_EXT_HDR},
		{"TCP", 14 + 6, 6, 0, UDP6_NOT_UDP},
		{"ESP", 14 + 6, 50, 0, UDP6_NOT_UDP},
		{"UDP length 7", 14 + 40 + 5, 7, 0, UDP6_BAD_UDP},
		{"UDP length over the payload", 14 + 40 + 5, 0x2a, 0, UDP6_BAD_UDP},
		{"UDP checksum zero", 14 + 40 + 6, 0, 0, UDP6_BAD_CKSUM},
		{"UDP checksum off by one", 14 + 40 + 7, 0x3f, 0, UDP6_BAD_CKSUM},
		{"payload byte changed", 14 + 40 + 8, 0xaa, 0, UDP6_BAD_CKSUM},
		{"source address changed", 14 + 8 + 15, 3, 0, UDP6_BAD_CKSUM},
	};
	uint8_t f[256];
	size_t n = unhex(SCAPY_IKE, f, sizeof(f));
	struct udp6 u;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t g[256];

		memcpy(g, f, n);
		if (t[i].off != SIZE_MAX) {
			g[t[i].off] = t[i].val;
			if (t[i].off == 14 + 40 + 6)
				g[t[i].off + 1] = 0;	/* both bytes of the checksum */
		}
		if (udp6_parse(g, t[i].cut != 0 ? t[i].cut : n, &u) != t[i].want)
			fail_msg("case '%s': verdict %d, expected %d", t[i].name,
				 udp6_parse(g, t[i].cut != 0 ? t[i].cut : n, &u), t[i].want);
	}
	/* Ethernet padding after the packet is not the datagram's */
	memset(f + n, 0xee, 8);
	assert_int_equal(udp6_parse(f, n + 8, &u), UDP6_OK);
	assert_int_equal(u.len, 33);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_as_scapy),
		cmocka_unit_test(test_parse_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
