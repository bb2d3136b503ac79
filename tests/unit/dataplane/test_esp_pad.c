/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_pad.h against the byte loop of RFC 4303 section 2.4, for every pad
 * length a trailer can carry (0..255) and plaintext lengths around the
 * 18-byte edge of the fast compare: what is written is 1, 2, ... pad and
 * nothing past it unless allowed, and a wrong byte anywhere in the padding
 * is found while the bytes before the padding never matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "esp_pad.h"

#define BUF 320

static void
fill_writes_the_sequence(void **state)
{
	(void)state;
	for (uint32_t pad = 0; pad <= 255; pad++) {
		for (int w16 = 0; w16 <= 1; w16++) {
			uint8_t buf[BUF];
			uint32_t written = w16 && pad <= 16 ? 16 : pad;

			memset(buf, 0xee, sizeof(buf));
			esp_pad_fill(buf + 8, pad, w16);
			for (uint32_t j = 0; j < 8; j++)
				assert_int_equal(buf[j], 0xee);
			for (uint32_t j = 0; j < pad; j++)
				assert_int_equal(buf[8 + j], j + 1);
			/* nothing written past what the caller allowed */
			for (uint32_t j = 8 + written; j < BUF; j++)
				assert_int_equal(buf[j], 0xee);
		}
	}
}

/* pt of ct_len bytes: junk, then 1..pad, then pad length and next header */
static void
make_trailer(uint8_t *pt, uint32_t ct_len, uint32_t pad, uint8_t junk)
{
	memset(pt, junk, ct_len);
	for (uint32_t j = 0; j < pad; j++)
		pt[ct_len - 2 - pad + j] = (uint8_t)(j + 1);
	pt[ct_len - 2] = (uint8_t)pad;
	pt[ct_len - 1] = 4;
}

static void
check_accepts_and_finds_every_bad_byte(void **state)
{
	(void)state;
	for (uint32_t pad = 0; pad <= 255; pad++) {
		for (uint32_t extra = 0; extra <= 24; extra++) {
			uint32_t ct_len = pad + 2 + extra;
			uint8_t pt[BUF];

			/* whatever precedes the padding (0, or 17: no pad byte) must not matter */
			for (uint8_t junk = 0; junk <= 17; junk += 17) {
				make_trailer(pt, ct_len, pad, junk);
				assert_true(esp_pad_ok(pt, ct_len, pad));
			}
			for (uint32_t j = 0; j < pad; j++) {
				make_trailer(pt, ct_len, pad, 0);
				pt[ct_len - 2 - pad + j] ^= 0x80;
				assert_false(esp_pad_ok(pt, ct_len, pad));
				pt[ct_len - 2 - pad + j] ^= 0x81;	/* off by one */
				assert_false(esp_pad_ok(pt, ct_len, pad));
			}
		}
	}
}

/* A pad that claims more bytes than a short plaintext holds is the caller's check; the
 * fast compare reads only inside the plaintext: 18 bytes at least. */
static void
check_reads_inside_the_plaintext(void **state)
{
	(void)state;
	for (uint32_t ct_len = 2; ct_len <= 20; ct_len++) {
		for (uint32_t pad = 0; pad + 2 <= ct_len && pad <= 16; pad++) {
			uint8_t *pt = test_malloc(ct_len);	/* exact size: ASan sees any overread */

			make_trailer(pt, ct_len, pad, 0x5a);
			assert_true(esp_pad_ok(pt, ct_len, pad));
			test_free(pt);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fill_writes_the_sequence),
		cmocka_unit_test(check_accepts_and_finds_every_bad_byte),
		cmocka_unit_test(check_reads_inside_the_plaintext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
