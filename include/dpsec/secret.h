/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key material. Every secret in dpsec lives in this type so that there is one
 * place that wipes it; it has no print function on purpose.
 */
#ifndef DPSEC_SECRET_H
#define DPSEC_SECRET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SECRET_MAX 64

struct secret {
	uint8_t len;
	uint8_t b[SECRET_MAX];
};

/* Wipe in a way the compiler may not elide (explicit_bzero). */
void secret_wipe(struct secret *s);
void mem_wipe(void *p, size_t len);

/*
 * Constant-time equality of two equal-length buffers (ICV, AUTH): every byte
 * is read whatever the data, and the accumulator passes through an empty asm
 * so the compiler cannot turn the loop into an early-exit comparison.
 * Word-wide, because it runs once per received packet.
 */
static inline int
ct_equal(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;
	uint64_t d = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t u, v;

		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		d |= u ^ v;
		__asm__("" : "+r"(d));
	}
	for (; i < len; i++) {
		d |= (uint64_t)(x[i] ^ y[i]);
		__asm__("" : "+r"(d));
	}
	return d == 0;
}

#endif
