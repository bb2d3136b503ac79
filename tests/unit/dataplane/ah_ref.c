/* SPDX-License-Identifier: BSD-3-Clause */
#include "ah_ref.h"

const EVP_MD *
ah_ref_md(enum dp_auth a)
{
	switch (a) {
	case DP_AUTH_HMAC_SHA1_96:
		return EVP_sha1();
	case DP_AUTH_HMAC_SHA256_128:
		return EVP_sha256();
	case DP_AUTH_HMAC_SHA384_192:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}
