/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP transforms: one X-macro list per family, carrying the IOS transform-set
 * word, the RFC, and the sizes every other module derives from.
 */
#ifndef DPSEC_XFORM_H
#define DPSEC_XFORM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * X(ID, "ios word", key bytes, salt bytes, IV bytes, pad block, ICV bytes, aead)
 * key bytes exclude the salt; the configured/negotiated key material is
 * key || salt (RFC 4106 section 8.1).
 */
#define DP_CIPHERS(X)                                                                              \
	X(NULL, "esp-null", 0, 0, 0, 4, 0, false)           /* RFC 2410 */                         \
	X(AES_CBC_128, "esp-aes 128", 16, 0, 16, 16, 0, false) /* RFC 3602 */                      \
	X(AES_CBC_256, "esp-aes 256", 32, 0, 16, 16, 0, false)                                     \
	X(AES_GCM_128, "esp-gcm 128", 16, 4, 8, 4, 16, true) /* RFC 4106, 16-byte ICV */           \
	X(AES_GCM_256, "esp-gcm 256", 32, 4, 8, 4, 16, true)

/*
 * X(ID, "ios word", "ios AH word", key bytes, ICV bytes) -- HMAC truncated per
 * RFC 2404 / RFC 4868. The same HMAC serves ESP's integrity and AH's ICV
 * (RFC 4302): a transform set names it "esp-..." for ESP, "ah-..." for AH.
 */
#define DP_AUTHS(X)                                                                                \
	X(NONE, "", "", 0, 0)                                                                      \
	X(HMAC_SHA1_96, "esp-sha-hmac", "ah-sha-hmac", 20, 12)                                     \
	X(HMAC_SHA256_128, "esp-sha256-hmac", "ah-sha256-hmac", 32, 16)                            \
	X(HMAC_SHA384_192, "esp-sha384-hmac", "ah-sha384-hmac", 48, 24)                            \
	X(HMAC_SHA512_256, "esp-sha512-hmac", "ah-sha512-hmac", 64, 32)

enum dp_cipher {
#define DP_X(id, ios, key, salt, iv, blk, icv, aead) DP_CIPHER_##id,
	DP_CIPHERS(DP_X)
#undef DP_X
	DP_CIPHER__COUNT
};

enum dp_auth {
#define DP_X(id, ios, ah, key, icv) DP_AUTH_##id,
	DP_AUTHS(DP_X)
#undef DP_X
	DP_AUTH__COUNT
};

struct dp_cipher_info {
	const char *ios;
	uint8_t key_len;
	uint8_t salt_len;
	uint8_t iv_len;
	uint8_t block;	/* ciphertext length alignment (RFC 4303 section 2.4) */
	uint8_t icv_len;
	bool aead;
};

struct dp_auth_info {
	const char *ios;
	const char *ios_ah;
	uint8_t key_len;
	uint8_t icv_len;
};

extern const struct dp_cipher_info dp_cipher_info[DP_CIPHER__COUNT];
extern const struct dp_auth_info dp_auth_info[DP_AUTH__COUNT];

/* The largest ICV any transform produces, for on-stack copies. */
#define DP_ICV_MAX 32
/* Key material sizes: cipher key + salt, and HMAC key. */
#define DP_CIPHER_KEYMAT_MAX 36
#define DP_AUTH_KEY_MAX 64

static inline uint8_t
dp_xform_icv_len(enum dp_cipher c, enum dp_auth a)
{
	return dp_cipher_info[c].aead ? dp_cipher_info[c].icv_len : dp_auth_info[a].icv_len;
}

#endif
