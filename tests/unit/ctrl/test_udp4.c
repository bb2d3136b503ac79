/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's IPv4/UDP frames (udp4.c), without DPDK:
 *
 *  - udp4_build's frame, every byte checked, both checksums recomputed here
 *    with a sum of our own (32-bit accumulation, not udp4.c's);
 *  - udp4_parse on the same frames, and on a numbered table of malformed
 *    ones, each refused with its verdict (a frame is cut or altered in one
 *    place, so the verdict can only come from that place).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "udp4.h"

static const uint8_t DMAC[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t SMAC[6] = {0x02, 0, 0, 0, 0, 0x02};
#define SRC "\xc0\x00\x02\x02"	/* 192.0.2.2 */
#define DST "\xc0\x00\x02\x01"	/* 192.0.2.1 */

/* RFC 1071, written differently from udp4.c: 32-bit words first, then folded. */
static uint16_t
ref_sum(const uint8_t *p, size_t n, uint64_t acc)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		acc += ((uint64_t)p[i] << 24 | (uint64_t)p[i + 1] << 16 | (uint64_t)p[i + 2] << 8 |
			p[i + 3]);
	for (; i < n; i++)
		acc += (uint64_t)p[i] << ((3 - (i & 3)) * 8);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t
ref_udp_cksum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint8_t pseudo[12];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = (uint8_t)(ulen >> 8);
	pseudo[11] = (uint8_t)ulen;
	return (uint16_t)~ref_sum(udp, ulen, ref_sum(pseudo, 12, 0));
}

static size_t
build(uint8_t *buf, size_t cap, uint16_t id, const void *prefix, size_t plen, const void *data,
      size_t len)
{
	struct udp4_out o = {.sport = 4500, .dport = 4501, .ip_id = id};

	memcpy(o.dmac, DMAC, 6);
	memcpy(o.smac, SMAC, 6);
	memcpy(&o.src, SRC, 4);
	memcpy(&o.dst, DST, 4);
	return udp4_build(buf, cap, &o, prefix, plen, data, len);
}

static void
test_build_bytes(void **state)
{
	static const uint8_t marker[4];
	uint8_t data[37], buf[256], *ip = buf + 14, *udp = buf + 34, saved[2];
	size_t n;
	struct udp4 u;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x80 + 3 * i);
	n = build(buf, sizeof(buf), 0xbeef, marker, 4, data, sizeof(data));
	assert_int_equal(n, 14 + 20 + 8 + 4 + 37);
	assert_memory_equal(buf, DMAC, 6);
	assert_memory_equal(buf + 6, SMAC, 6);
	assert_memory_equal(buf + 12, "\x08\x00", 2);
	/* IPv4: version 4, IHL 5, TOS 0, total, id, DF clear, TTL 64, UDP */
	assert_memory_equal(ip, "\x45\x00\x00\x45\xbe\xef\x00\x00\x40\x11", 10);
	assert_memory_equal(ip + 12, SRC DST, 8);
	assert_int_equal(ref_sum(ip, 20, 0), 0xffff);	/* the header checksum is right */
	memcpy(saved, ip + 10, 2);
	memset(ip + 10, 0, 2);
	assert_int_equal(saved[0] << 8 | saved[1], (uint16_t)~ref_sum(ip, 20, 0));
	memcpy(ip + 10, saved, 2);
	/* UDP: ports, length, checksum over an odd number of bytes */
	assert_memory_equal(udp, "\x11\x94\x11\x95\x00\x31", 6);
	memcpy(saved, udp + 6, 2);
	memset(udp + 6, 0, 2);
	assert_int_equal(saved[0] << 8 | saved[1], ref_udp_cksum(ip, udp, 49));
	memcpy(udp + 6, saved, 2);
	assert_memory_equal(udp + 8, marker, 4);
	assert_memory_equal(udp + 12, data, sizeof(data));

	/* and it parses back */
	assert_int_equal(udp4_parse(buf, n, &u), UDP4_OK);
	assert_memory_equal(&u.src, SRC, 4);
	assert_memory_equal(&u.dst, DST, 4);
	assert_int_equal(u.sport, 4500);
	assert_int_equal(u.dport, 4501);
	assert_int_equal(u.len, 41);
	assert_ptr_equal(u.payload, udp + 8);

	/* no prefix, no data: an empty datagram */
	n = build(buf, sizeof(buf), 1, NULL, 0, NULL, 0);
	assert_int_equal(n, 42);
	assert_int_equal(udp4_parse(buf, n, &u), UDP4_OK);
	assert_int_equal(u.len, 0);
}

/* A datagram whose sum comes out 0 is sent with 0xffff: 0 means "no checksum" (RFC 768). */
static void
test_build_zero_sum(void **state)
{
	uint8_t buf[128], data[2] = {0, 0};
	struct udp4 u;
	uint16_t ck;

	(void)state;
	build(buf, sizeof(buf), 7, NULL, 0, data, 2);
	ck = (uint16_t)(buf[40] << 8 | buf[41]);
	/* adding ck to the data adds ~sum: the new sum is 0xffff, its complement 0 */
	data[0] = (uint8_t)(ck >> 8);
	data[1] = (uint8_t)ck;
	build(buf, sizeof(buf), 7, NULL, 0, data, 2);
	assert_int_equal(buf[40] << 8 | buf[41], 0xffff);
	assert_int_equal(udp4_parse(buf, 44, &u), UDP4_OK);
}

static void
test_build_limits(void **state)
{
	static uint8_t big[65536], out[70000];
	uint8_t buf[64];
	struct udp4 u;

	(void)state;
	assert_int_equal(build(buf, sizeof(buf), 1, NULL, 0, big, 22), 64);
	assert_int_equal(build(buf, sizeof(buf), 1, NULL, 0, big, 23), 0);	/* cap */
	/* the largest IPv4 packet, and one byte more */
	assert_int_equal(build(out, sizeof(out), 1, "ab", 2, big, 65535 - 28 - 2), 14 + 65535);
	assert_int_equal(udp4_parse(out, 14 + 65535, &u), UDP4_OK);
	assert_int_equal(build(out, sizeof(out), 1, "ab", 2, big, 65535 - 28 - 1), 0);
}

/* One well-formed frame with 10 payload bytes, then the malformed ones made from it. */
static size_t
good(uint8_t *buf)
{
	return build(buf, 128, 0x1234, NULL, 0, "0123456789", 10);
}

/* Recompute the IPv4 header checksum after an edit. */
static void
fix_ip(uint8_t *buf)
{
	uint16_t ck;

	buf[24] = buf[25] = 0;
	ck = (uint16_t)~ref_sum(buf + 14, (size_t)(buf[14] & 0xf) * 4, 0);

	buf[24] = (uint8_t)(ck >> 8);
	buf[25] = (uint8_t)ck;
}

static void
test_parse_table(void **state)
{
	enum { CUT, SET, SET_FIX, FLIP };
	static const struct {
		int line;
		int how;	/* CUT: len = at; SET: buf[at] = val (SET_FIX: and the IP checksum);
				   FLIP: buf[at] ^= val */
		size_t at;
		uint8_t val;
		enum udp4_verdict want;
	} t[] = {
		{__LINE__, CUT, 0, 0, UDP4_NOT_UDP},
		{__LINE__, CUT, 13, 0, UDP4_NOT_UDP},		/* no EtherType */
		{__LINE__, SET, 12, 0x86, UDP4_NOT_UDP},	/* not IPv4 */
		{__LINE__, CUT, 14 + 19, 0, UDP4_BAD_IP},	/* no whole header */
		{__LINE__, SET_FIX, 14, 0x65, UDP4_BAD_IP},	/* version 6 */
		{__LINE__, SET_FIX, 14, 0x44, UDP4_BAD_IP},	/* IHL 4 */
		{__LINE__, SET_FIX, 14, 0x4f, UDP4_BAD_IP},	/* IHL 15: past the packet */
		{__LINE__, SET_FIX, 17, 19, UDP4_BAD_IP},	/* total length < header */
		{__LINE__, SET_FIX, 17, 53, UDP4_BAD_IP},	/* total length > frame */
		{__LINE__, CUT, 51, 0, UDP4_BAD_IP},		/* frame cut inside the packet */
		{__LINE__, FLIP, 25, 0x01, UDP4_BAD_IP},	/* header checksum */
		{__LINE__, SET_FIX, 20, 0x20, UDP4_FRAGMENT},	/* MF */
		{__LINE__, SET_FIX, 21, 0x01, UDP4_FRAGMENT},	/* offset 8 */
		{__LINE__, SET_FIX, 20, 0x40, UDP4_OK},		/* DF is fine */
		{__LINE__, SET_FIX, 23, 6, UDP4_NOT_UDP},	/* TCP */
		{__LINE__, SET_FIX, 17, 27, UDP4_BAD_UDP},	/* 7 bytes of UDP header */
		{__LINE__, SET, 39, 7, UDP4_BAD_UDP},		/* UDP length < 8 */
		{__LINE__, SET, 39, 19, UDP4_BAD_UDP},		/* UDP length > IP payload */
		{__LINE__, SET, 39, 17, UDP4_BAD_CKSUM},	/* shorter: sum over less */
		{__LINE__, FLIP, 41, 0x01, UDP4_BAD_CKSUM},	/* checksum */
		{__LINE__, SET, 45, 'X', UDP4_BAD_CKSUM},	/* payload */
		{__LINE__, SET_FIX, 27, 0x03, UDP4_BAD_CKSUM},	/* source address (pseudo header) */
	};
	uint8_t buf[128];
	struct udp4 u;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = good(buf);
		enum udp4_verdict v;

		if (t[i].how == CUT) {
			n = t[i].at;
		} else if (t[i].how == FLIP) {
			buf[t[i].at] ^= t[i].val;
		} else {
			if (buf[t[i].at] == t[i].val)
				buf[t[i].at] ^= 0xff;	/* make sure it changes */
			else
				buf[t[i].at] = t[i].val;
			if (t[i].how == SET_FIX)
				fix_ip(buf);
		}
		v = udp4_parse(buf, n, &u);
		if (v != t[i].want)
			fail_msg("case at line %d: verdict %d, want %d", t[i].line, v, t[i].want);
	}
}

/* What the parser accepts besides the plain frame: padding, options, no checksum. */
static void
test_parse_accepts(void **state)
{
	uint8_t buf[128], opt[128];
	size_t n = good(buf);
	struct udp4 u;

	(void)state;
	/* Ethernet padding after the IP packet: not part of the datagram */
	memset(buf + n, 0xee, 18);
	assert_int_equal(udp4_parse(buf, n + 18, &u), UDP4_OK);
	assert_int_equal(u.len, 10);
	assert_memory_equal(u.payload, "0123456789", 10);
	/* no checksum (0) over IPv4 */
	buf[40] = buf[41] = 0;
	assert_int_equal(udp4_parse(buf, n, &u), UDP4_OK);
	/* IPv4 options (IHL 6, a NOP word): the UDP header follows them */
	n = good(buf);
	memcpy(opt, buf, 34);
	memcpy(opt + 38, buf + 34, n - 34);
	memset(opt + 34, 1, 4);
	opt[14] = 0x46;
	opt[17] = (uint8_t)(buf[17] + 4);
	fix_ip(opt);
	assert_int_equal(udp4_parse(opt, n + 4, &u), UDP4_OK);	/* the UDP sum is the same */
	assert_int_equal(u.sport, 4500);
	assert_memory_equal(u.payload, "0123456789", 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_bytes),
		cmocka_unit_test(test_build_zero_sum),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_accepts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
