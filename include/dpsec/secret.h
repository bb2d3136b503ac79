/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key material. Every secret in dpsec lives in this type so that there is one
 * place that wipes it; it has no print function on purpose.
 */
#ifndef DPSEC_SECRET_H
#define DPSEC_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_MAX 64

struct secret {
	uint8_t len;
	uint8_t b[SECRET_MAX];
};

/* Wipe in a way the compiler may not elide (explicit_bzero). */
void secret_wipe(struct secret *s);
void mem_wipe(void *p, size_t len);

/* Constant-time equality of two equal-length buffers (ICV, AUTH). */
static inline int
ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

#endif
