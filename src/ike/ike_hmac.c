/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC through EVP_MAC, the one keyed hash behind the PRFs (section 2.13) and the
 * truncated integrity transforms (section 3.14, RFC 4868).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "ike_crypto_int.h"

/* An HMAC context for digest keyed with key, or NULL. */
EVP_MAC_CTX *
ike_hmac_keyed(const char *digest, const void *key, size_t key_len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;

	if (key == NULL || key_len == 0)
		return NULL;
	/* the cached context already names its digest: only the key is set */
	ctx = ike_evp_hmac_new(digest);
	if (ctx != NULL) {
		if (EVP_MAC_init(ctx, key, key_len, NULL) == 1)
			return ctx;
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, key_len, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * One MAC over in[0..n) with a keyed context; restart says the context was used before.
 * EVP_MAC_init without a key restarts from the inner pad state saved when it was keyed
 * (OpenSSL's HMAC_Init_ex with a NULL key), so a run of MACs under one key (prf+) hashes
 * the padded key once instead of once per block.
 */
int
ike_hmac_run(EVP_MAC_CTX *ctx, bool restart, const struct ike_iov *in, size_t n, uint8_t *out,
	     size_t out_len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t md_len = 0;
	int rc = -EIO;

	if (restart && EVP_MAC_init(ctx, NULL, 0, NULL) != 1)
		goto out;
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
	return rc;
}

int
ike_hmac(const char *digest, const void *key, size_t key_len, const struct ike_iov *in, size_t n,
	 uint8_t *out, size_t out_len)
{
	EVP_MAC_CTX *ctx;
	int rc;

	if (key == NULL || key_len == 0)
		return -EINVAL;
	ctx = ike_hmac_keyed(digest, key, key_len);
	if (ctx == NULL)
		return -EIO;
	rc = ike_hmac_run(ctx, false, in, n, out, out_len);
	EVP_MAC_CTX_free(ctx); /* the HMAC provider clears its key schedule */
	return rc;
}
