/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL algorithm objects fetched once per process instead of once per call.
 *
 * OpenSSL 3.0 looks an algorithm up by name on every EVP_*_fetch (and the HMAC provider
 * fetches its digest again on every EVP_MAC_init that names it): a string compare and
 * lock round trip that cost more than the SHA-2 work of a short HMAC. A handshake makes
 * about forty HMACs and a few ciphers, so they fetch here, once, under pthread_once.
 *
 * What is kept is immutable and holds no secret: EVP_CIPHERs, and for each digest an
 * HMAC context keyed with a fixed all-zero key, which callers duplicate and re-key
 * (EVP_MAC_init with their key replaces the zero key in the duplicate). The objects live
 * until the process exits. A name not in the tables, or a failed fetch, returns NULL and
 * the caller fetches the slow way.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "ike_crypto_int.h"

static const char *const digests[] = {"SHA1", "SHA256", "SHA384", "SHA512"};
static const char *const ciphers[] = {"AES-128-CBC", "AES-256-CBC", "AES-128-GCM",
				      "AES-256-GCM"};

#define N_DIGESTS (sizeof(digests) / sizeof(digests[0]))
#define N_CIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

static EVP_MAC_CTX *hmac_tmpl[N_DIGESTS];
static EVP_CIPHER *cipher_obj[N_CIPHERS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static EVP_MAC_CTX *
hmac_template(EVP_MAC *mac, const char *digest)
{
	static const uint8_t zero_key[1];
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_MAC_init(ctx, zero_key, sizeof(zero_key), params) == 1)
		return ctx;
	EVP_MAC_CTX_free(ctx);
	return NULL;
}

static void
fetch_all(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

	for (size_t i = 0; mac != NULL && i < N_DIGESTS; i++)
		hmac_tmpl[i] = hmac_template(mac, digests[i]);
	EVP_MAC_free(mac); /* the contexts hold their own references */
	for (size_t i = 0; i < N_CIPHERS; i++)
		cipher_obj[i] = EVP_CIPHER_fetch(NULL, ciphers[i], NULL);
}

EVP_MAC_CTX *
ike_evp_hmac_new(const char *digest)
{
	if (pthread_once(&once, fetch_all) != 0)
		return NULL;
	for (size_t i = 0; i < N_DIGESTS; i++)
		if (hmac_tmpl[i] != NULL && strcmp(digests[i], digest) == 0)
			return EVP_MAC_CTX_dup(hmac_tmpl[i]);
	return NULL;
}

const EVP_CIPHER *
ike_evp_cipher(const char *name)
{
	if (pthread_once(&once, fetch_all) != 0)
		return NULL;
	for (size_t i = 0; i < N_CIPHERS; i++)
		if (strcmp(ciphers[i], name) == 0)
			return cipher_obj[i];
	return NULL;
}
