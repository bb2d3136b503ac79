/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AES-CBC and AES-GCM through EVP_CIPHER, in place. The Encrypted payload (ike_sk.c)
 * does the framing; these only run the cipher.
 */
#include <limits.h>

#include <openssl/evp.h>

#include "ike_crypto_int.h"

/* EVP takes int lengths; IKE messages are far below that (section 3.1: 32-bit Length). */
static bool
fits_int(size_t len)
{
	return len <= INT_MAX;
}

static EVP_CIPHER_CTX *
cipher_ctx(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *iv, bool encrypt)
{
	const EVP_CIPHER *cached = ike_evp_cipher(a->cipher);
	EVP_CIPHER *c = cached == NULL ? EVP_CIPHER_fetch(NULL, a->cipher, NULL) : NULL;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if ((cached == NULL && c == NULL) || ctx == NULL ||
	    EVP_CipherInit_ex2(ctx, cached != NULL ? cached : c, key, iv, encrypt ? 1 : 0,
			       NULL) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	EVP_CIPHER_free(c); /* the context holds its own reference */
	return ctx;
}

int
ike_cbc_crypt(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *iv, uint8_t *buf,
	      size_t len, bool encrypt)
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0;
	int rc = -EIO;

	if (len % IKE_AES_BLOCK != 0 || !fits_int(len))
		return -EINVAL;
	ctx = cipher_ctx(a, key, iv, encrypt);
	if (ctx == NULL)
		return -EIO;
	/* Section 3.14 padding is IKE's own; EVP must not add or strip PKCS#7 padding. */
	if (EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) == 1 &&
	    EVP_CipherFinal_ex(ctx, buf + n, &fin) == 1 && (size_t)(n + fin) == len)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx); /* clears the key schedule */
	return rc;
}

int
ike_gcm_seal(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *nonce,
	     const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0;
	int rc = -EIO;

	if (!fits_int(len) || !fits_int(aad_len))
		return -EINVAL;
	/* The default GCM IV length is 12: salt | explicit IV (RFC 5282 section 4). */
	ctx = cipher_ctx(a, key, nonce, true);
	if (ctx == NULL)
		return -EIO;
	if (EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	    EVP_EncryptUpdate(ctx, buf, &n, buf, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(ctx, buf + n, &fin) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, IKE_GCM_ICV_LEN, tag) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* Feed AAD and ciphertext; out NULL: decrypt into a scratch block and throw it away. */
static int
gcm_decrypt(EVP_CIPHER_CTX *ctx, const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
	    bool in_place)
{
	uint8_t scratch[256];
	int n = 0;
	int rc = 0;

	if (EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		return -EIO;
	if (in_place)
		return EVP_DecryptUpdate(ctx, buf, &n, buf, (int)len) == 1 ? 0 : -EIO;
	for (size_t off = 0; off < len && rc == 0; off += sizeof(scratch)) {
		size_t chunk = len - off < sizeof(scratch) ? len - off : sizeof(scratch);

		if (EVP_DecryptUpdate(ctx, scratch, &n, buf + off, (int)chunk) != 1)
			rc = -EIO;
	}
	mem_wipe(scratch, sizeof(scratch)); /* unauthenticated plaintext */
	return rc;
}

/*
 * Two passes: the first only checks the tag (OpenSSL compares it in constant time), the
 * second decrypts in place. So a forged message leaves buf as it came, as CBC does, and
 * no unauthenticated plaintext ever reaches the caller's buffer.
 */
int
ike_gcm_open(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *nonce,
	     const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	uint8_t end[IKE_AES_BLOCK];
	int fin = 0;
	int rc = -EIO;

	if (!fits_int(len) || !fits_int(aad_len))
		return -EINVAL;
	ctx = cipher_ctx(a, key, nonce, false);
	if (ctx == NULL)
		return -EIO;
	for (int pass = 0; pass < 2; pass++) {
		bool in_place = pass == 1;

		if ((in_place && EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1) ||
		    gcm_decrypt(ctx, aad, aad_len, buf, len, in_place) != 0 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, IKE_GCM_ICV_LEN, (void *)tag) !=
			    1) {
			rc = -EIO;
			break;
		}
		/* GCM is a stream mode: Final writes nothing. */
		rc = EVP_DecryptFinal_ex(ctx, end, &fin) == 1 ? 0 : -EBADMSG;
		if (rc != 0)
			break;
	}
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
