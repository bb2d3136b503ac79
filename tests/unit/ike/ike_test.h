/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the IKE crypto tests: hex vectors into bytes and secrets, and the
 * comparison every known-answer test ends in. Include after <cmocka.h>.
 */
#ifndef DPSEC_TEST_IKE_TEST_H
#define DPSEC_TEST_IKE_TEST_H

#include <stdint.h>
#include <string.h>

#include "dpsec/hex.h"
#include "dpsec/secret.h"

#include "ike_crypto.h"

#define HEX_MAX 4096

/* Decode a vector; "" is the empty string (no PFS, no SK_a). */
static inline size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t len = 0;

	if (s[0] == '\0')
		return 0;
	assert_true(hex_decode(s, out, max, &len));
	return len;
}

static inline void
assert_hex(const uint8_t *got, size_t got_len, const char *want_hex)
{
	uint8_t want[HEX_MAX];
	size_t n = unhex(want_hex, want, sizeof(want));

	assert_int_equal(got_len, n);
	assert_memory_equal(got, want, n);
}

static inline void
assert_secret_hex(const struct secret *s, const char *want_hex)
{
	assert_hex(s->b, s->len, want_hex);
}

static inline void
secret_hex(struct secret *s, const char *hex)
{
	s->len = (uint8_t)unhex(hex, s->b, sizeof(s->b));
}

/* What a key derivation takes from an exchange, decoded from hex ("" for none). */
struct kx {
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX], spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	struct ike_nonces n;
	struct ike_dh_shared gir;
};

static inline void
kx_hex(struct kx *x, const char *ni, const char *nr, const char *spi_i, const char *spi_r,
       const char *gir)
{
	memset(x, 0, sizeof(*x));
	x->n = (struct ike_nonces){x->ni, unhex(ni, x->ni, sizeof(x->ni)), x->nr,
				   unhex(nr, x->nr, sizeof(x->nr))};
	unhex(spi_i, x->spi_i, sizeof(x->spi_i));
	unhex(spi_r, x->spi_r, sizeof(x->spi_r));
	x->gir.len = (uint16_t)unhex(gir, x->gir.b, sizeof(x->gir.b));
}

static inline int
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

#endif
