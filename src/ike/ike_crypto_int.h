/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the IKE crypto files and their tests: the algorithm tables, the HMAC and
 * cipher primitives the RFC vectors exercise directly, and the deterministic variants
 * (fixed IV, fixed private value) that known-answer tests need. Exchange code uses
 * ike_crypto.h only.
 */
#ifndef DPSEC_IKE_CRYPTO_INT_H
#define DPSEC_IKE_CRYPTO_INT_H

#include <openssl/evp.h>

#include "ike_crypto.h"

#define IKE_AES_BLOCK	  16
#define IKE_GCM_NONCE_LEN 12 /* salt | explicit IV (RFC 5282 section 4) */
#define IKE_GCM_ICV_LEN	  16

/* ---- algorithm tables (ike_suite.c) ---- */

struct ike_encr_alg {
	enum ike_encr id;
	uint16_t bits;
	const char *cipher; /* OpenSSL name */
	uint8_t key_len;    /* AES key only */
	uint8_t salt_len;
	uint8_t iv_len;
	uint8_t block_len;
	uint8_t icv_len; /* AEAD tag; 0 when integrity is a separate transform */
};

/* An HMAC used as PRF (out_len = key_len) or as integrity (out_len = truncation). */
struct ike_hmac_alg {
	uint16_t id;
	const char *digest; /* OpenSSL name */
	uint8_t key_len;
	uint8_t out_len;
};

enum ike_dh_kind {
	IKE_DH_MODP,
	IKE_DH_ECP,
	IKE_DH_X25519,
};

struct ike_dh_alg {
	enum ike_dh id;
	enum ike_dh_kind kind;
	const char *name; /* OpenSSL group name (MODP, ECP) or key type (X25519) */
	uint16_t pub_len;
	uint16_t shared_len;
};

const struct ike_encr_alg *ike_encr_alg(enum ike_encr encr, uint16_t bits);
const struct ike_hmac_alg *ike_integ_alg(enum ike_integ integ);
const struct ike_hmac_alg *ike_prf_alg(enum ike_prf prf);
const struct ike_dh_alg *ike_dh_alg(enum ike_dh group);

/* ---- primitives (ike_hmac.c, ike_cipher.c) ---- */

/*
 * A run of HMACs under one key: ike_hmac_keyed makes the context (NULL on failure, the
 * caller frees it), ike_hmac_run MACs in[0..n) into out like ike_hmac (restart = true
 * from the second MAC on).
 */
EVP_MAC_CTX *ike_hmac_keyed(const char *digest, const void *key, size_t key_len);
int ike_hmac_run(EVP_MAC_CTX *ctx, bool restart, const struct ike_iov *in, size_t n, uint8_t *out,
		 size_t out_len);
/* HMAC over the concatenation in[0..n), first out_len bytes of the digest into out. */
int ike_hmac(const char *digest, const void *key, size_t key_len, const struct ike_iov *in,
	     size_t n, uint8_t *out, size_t out_len);
/* AES-CBC in place without padding; len a multiple of the block. */
int ike_cbc_crypt(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *iv, uint8_t *buf,
		  size_t len, bool encrypt);
/* AES-GCM in place with a 12-byte nonce and a 16-byte tag. open: -EBADMSG on a bad tag. */
int ike_gcm_seal(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *nonce,
		 const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag);
int ike_gcm_open(const struct ike_encr_alg *a, const uint8_t *key, const uint8_t *nonce,
		 const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag);

/* ---- algorithm objects fetched once per process (ike_evp.c) ---- */

/*
 * A new HMAC context for digest (an OpenSSL name, as in the tables), to be keyed with
 * EVP_MAC_init(ctx, key, len, NULL) and freed with EVP_MAC_CTX_free; NULL if the digest
 * is not cached (fetch it then).
 */
EVP_MAC_CTX *ike_evp_hmac_new(const char *digest);
/* The cipher of that OpenSSL name, owned by the cache; NULL if not cached. */
const EVP_CIPHER *ike_evp_cipher(const char *name);

/* ---- deterministic variants, for known-answer tests only ---- */

/* ike_sk_seal with the caller's IV (iv_len bytes) instead of a random or counter one. */
int ike_sk_seal_iv(const struct ike_sk *sk, uint8_t *msg, size_t cap, size_t sk_off,
		   size_t sk_hdr_len, const uint8_t *inner, size_t inner_len, const uint8_t *iv,
		   size_t *msg_len);
/* A key pair from a known private value (big-endian; X25519: the 32 raw bytes). */
struct ike_dh_key *ike_dh_key_from_private(enum ike_dh group, const uint8_t *priv, size_t len);

#ifdef IKE_FUZZ_DETERMINISTIC
/*
 * Fuzz builds only (ike_random.c): ike_random and new DH keys come from
 * reproducible streams; `use` selects the stream later draws come from, so a
 * harness running two peers in one process keeps each peer's draws apart.
 */
void ike_random_fuzz_seed(unsigned int stream, uint64_t seed);
void ike_random_fuzz_use(unsigned int stream);
#endif

#endif
