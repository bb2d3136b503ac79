/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one source of randomness for IKE: SPIs, nonces (section 2.10), CBC IVs (section
 * 3.14: unpredictable). DH private values are drawn by OpenSSL from the same DRBG.
 *
 * IKE_FUZZ_DETERMINISTIC (defined only by the fuzz targets' build, tests/fuzz/meson.build)
 * replaces the DRBG by reproducible streams, so that libFuzzer's runs repeat and a
 * recorded exchange replays with the same keys. Never in a daemon build.
 */
#include <limits.h>

#include <openssl/rand.h>

#include "ike_crypto_int.h"

#ifndef IKE_FUZZ_DETERMINISTIC

int
ike_random(void *buf, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

#else /* IKE_FUZZ_DETERMINISTIC */

#define FUZZ_STREAMS 2

static uint64_t streams[FUZZ_STREAMS];
static unsigned int current;

void
ike_random_fuzz_seed(unsigned int stream, uint64_t seed)
{
	streams[stream % FUZZ_STREAMS] = seed;
}

void
ike_random_fuzz_use(unsigned int stream)
{
	current = stream % FUZZ_STREAMS;
}

/* splitmix64: statistically fine, trivially reproducible, not a secret in any way */
static uint64_t
next(void)
{
	uint64_t z = (streams[current] += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

int
ike_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			uint64_t v = next();

			for (size_t k = 0; k < 8 && i + k < len; k++)
				p[i + k] = (uint8_t)(v >> (8 * k));
		}
	}
	return 0;
}

#endif
