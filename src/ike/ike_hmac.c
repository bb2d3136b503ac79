/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC through EVP_MAC, the one keyed hash behind the PRFs (section 2.13) and the
 * truncated integrity transforms (section 3.14, RFC 4868).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "ike_crypto_int.h"

int
ike_hmac(const char *digest, const void *key, size_t key_len, const struct ike_iov *in, size_t n,
	 uint8_t *out, size_t out_len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac = NULL;
	size_t md_len = 0;
	int rc = -EIO;

	if (key == NULL || key_len == 0)
		return -EINVAL;
	/* the cached context already names its digest: only the key is set */
	ctx = ike_evp_hmac_new(digest);
	if (ctx != NULL) {
		if (EVP_MAC_init(ctx, key, key_len, NULL) != 1)
			goto out;
	} else {
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
		if (ctx == NULL)
			goto out;
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
							     (char *)digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_MAC_init(ctx, key, key_len, params) != 1)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (in[i].len != 0 && EVP_MAC_update(ctx, in[i].base, in[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, md, &md_len, sizeof(md)) != 1)
		goto out;
	if (out_len > md_len) {
		rc = -EINVAL;
		goto out;
	}
	memcpy(out, md, out_len);
	rc = 0;
out:
	mem_wipe(md, sizeof(md));
	EVP_MAC_CTX_free(ctx); /* the HMAC provider clears its key schedule */
	EVP_MAC_free(mac);
	return rc;
}
