/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_IP4_CKSUM_H
#define DPSEC_IP4_CKSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Is an IPv4 header checksum right? One's-complement sum of the header in
 * 32-bit words (RFC 1071: the sum is independent of word size and byte
 * order), folded to 16 bits: a correct header sums to 0xffff. hl is the
 * header length in bytes, a multiple of 4 (the IHL field). Headers sit
 * 2 bytes past a 4-byte boundary behind Ethernet, hence memcpy loads.
 */
static inline uint64_t
ip4_sum_words(const uint8_t *p, uint32_t hl)
{
	uint64_t s = 0;

	for (uint32_t i = 0; i < hl; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		s += w;
	}
	return s;
}

static inline uint16_t
ip4_fold(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

static inline bool
ip4_cksum_ok(const void *hdr, uint32_t hl)
{
	/* the usual header, without options, as straight-line code */
	return ip4_fold(hl == 20 ? ip4_sum_words(hdr, 20) : ip4_sum_words(hdr, hl)) == 0xffff;
}

/*
 * Fill in the checksum of a 20-byte IPv4 header (no options): the same sum,
 * with the checksum field zero, complemented. In network order as stored.
 */
static inline void
ip4_cksum_set20(void *hdr)
{
	uint8_t *p = hdr;
	uint16_t ck;

	memset(p + 10, 0, 2);
	ck = (uint16_t)~ip4_fold(ip4_sum_words(p, 20));
	memcpy(p + 10, &ck, 2);
}

/*
 * An outer header from a template (sa_build.c, esp_out.c): bytes 8 to 19
 * (TTL, protocol, addresses) are the same for every packet, so their sum
 * is taken once, at install, and kept in the template's checksum field;
 * per packet only the first 8 bytes (version and TOS, total length, id,
 * fragment field) are added to it. ip4_cksum_fixed: the sum of a header
 * whose checksum field is zero, for the template's checksum field.
 */
static inline uint16_t
ip4_cksum_fixed(const void *hdr)
{
	return ip4_fold(ip4_sum_words((const uint8_t *)hdr + 8, 12));
}

/* The checksum of a 20-byte header whose checksum field holds ip4_cksum_fixed's sum. */
static inline void
ip4_cksum_set_from_fixed(void *hdr)
{
	uint8_t *p = hdr;
	uint16_t fixed, ck;

	memcpy(&fixed, p + 10, 2);
	ck = (uint16_t)~ip4_fold(fixed + ip4_sum_words(p, 8));
	memcpy(p + 10, &ck, 2);
}

#endif
