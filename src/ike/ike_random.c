/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one source of randomness for IKE: SPIs, nonces (section 2.10), CBC IVs (section
 * 3.14: unpredictable). DH private values are drawn by OpenSSL from the same DRBG.
 */
#include <limits.h>

#include <openssl/rand.h>

#include "ike_crypto.h"

int
ike_random(void *buf, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}
