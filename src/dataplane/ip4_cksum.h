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
static inline bool
ip4_cksum_ok(const void *hdr, uint32_t hl)
{
	const uint8_t *p = hdr;
	uint64_t s = 0;

	for (uint32_t i = 0; i < hl; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		s += w;
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s == 0xffff;
}

#endif
