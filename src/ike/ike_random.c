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
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_crypto_int.h"

#ifndef IKE_FUZZ_DETERMINISTIC

/*
 * Small draws (SPIs, 32-byte nonces, IVs, jitter: ~16 per handshake) are served from a
 * per-thread pool refilled by one RAND_bytes call. Each RAND_bytes costs a DRBG lock
 * round trip and a getpid() system call (OpenSSL 3.0's fork check), which on the KVM
 * guests we measure on was ~5% of a whole group-19 handshake. Served bytes are wiped
 * from the pool at once, so nothing handed out stays behind; a forked child wipes its
 * copy of the pool (pthread_atfork) so parent and child never hand out the same bytes.
 * Large draws go straight to RAND_bytes.
 */
#define POOL_SIZE 512

static _Thread_local uint8_t pool[POOL_SIZE];
static _Thread_local size_t pool_left; /* unused bytes at the end of pool[] */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static bool atfork_ok;

/* In the child after fork: only the thread that forked exists, and its pool is a copy. */
static void
pool_forget(void)
{
	OPENSSL_cleanse(pool, sizeof(pool));
	pool_left = 0;
}

static void
atfork_register(void)
{
	atfork_ok = pthread_atfork(NULL, NULL, pool_forget) == 0;
}

int
ike_random(void *buf, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len > POOL_SIZE / 4 || pthread_once(&atfork_once, atfork_register) != 0 || !atfork_ok)
		return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
	if (pool_left < len) {
		if (RAND_bytes(pool, POOL_SIZE) != 1) {
			pool_forget();
			return -EIO;
		}
		pool_left = POOL_SIZE;
	}
	pool_left -= len;
	memcpy(buf, pool + pool_left, len);
	OPENSSL_cleanse(pool + pool_left, len);
	return 0;
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
