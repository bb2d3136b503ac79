/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP padding (RFC 4303 section 2.4): the bytes 1, 2, 3, ... pad, written
 * outbound and checked inbound. A byte loop cost about 90 instructions a
 * 64-byte CBC packet each way (pad 14: callgrind, 2026-12-06), as much as
 * the rest of the ESP header work; here the common case (pad <= 16) is two
 * 8-byte stores outbound and two 8-byte loads and compares inbound. No DPDK,
 * so the unit test drives every pad length against the byte loop.
 */
#ifndef DPSEC_ESP_PAD_H
#define DPSEC_ESP_PAD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* esp_pad_seq[16 + j] = j + 1; esp_pad_mask[16 + j] = 0xff; both 0 below 16. */
static const uint8_t esp_pad_seq[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
static const uint8_t esp_pad_mask[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/*
 * The pad bytes at t. writable16: the caller may write 16 bytes at t (what
 * follows the padding, the pad length, next header and ICV, is written after
 * this anyway); else only pad bytes are written.
 */
static inline void
esp_pad_fill(uint8_t *t, uint32_t pad, bool writable16)
{
	if (writable16 && pad <= 16) {
		memcpy(t, esp_pad_seq + 16, 16);
		return;
	}
	for (uint32_t j = 0; j < pad; j++)
		t[j] = (uint8_t)(j + 1);
}

/*
 * Whether the pad bytes before the trailer are 1, 2, ... pad. pt: the
 * plaintext, ct_len its length, pad the trailer's pad length, already known
 * to satisfy pad + 2 <= ct_len. With pad <= 16 and ct_len >= 18 the 16 bytes
 * ending at the pad length byte are compared at once, the bytes before the
 * padding masked out.
 */
static inline bool
esp_pad_ok(const uint8_t *pt, uint32_t ct_len, uint32_t pad)
{
	if (pad <= 16 && ct_len >= 18) {
		const uint8_t *win = pt + ct_len - 18;
		uint64_t v0, v1, e0, e1, m0, m1;

		memcpy(&v0, win, 8);
		memcpy(&v1, win + 8, 8);
		memcpy(&e0, esp_pad_seq + pad, 8);
		memcpy(&e1, esp_pad_seq + pad + 8, 8);
		memcpy(&m0, esp_pad_mask + pad, 8);
		memcpy(&m1, esp_pad_mask + pad + 8, 8);
		return (((v0 ^ e0) & m0) | ((v1 ^ e1) & m1)) == 0;
	}
	for (uint32_t j = 0; j < pad; j++)
		if (pt[ct_len - 2 - pad + j] != j + 1)
			return false;
	return true;
}

#endif
