/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The algorithms an IKE SA can use and their lengths: one table per transform type, so
 * proposal selection, the key schedule and the Encrypted payload read the same numbers.
 */
#include "ike_crypto_int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * AES-CBC (RFC 3602) with a 16-byte random IV; AES-GCM with a 16-byte ICV (RFC 5282:
 * 8-byte explicit IV, 4-byte salt after the key in SK_e*, no alignment so no padding).
 */
static const struct ike_encr_alg encr_algs[] = {
	{IKE_ENCR_AES_CBC, 128, "AES-128-CBC", 16, 0, 16, 16, 0},
	{IKE_ENCR_AES_CBC, 256, "AES-256-CBC", 32, 0, 16, 16, 0},
	{IKE_ENCR_AES_GCM_16, 128, "AES-128-GCM", 16, IKE_GCM_SALT_LEN, 8, 1, 16},
	{IKE_ENCR_AES_GCM_16, 256, "AES-256-GCM", 32, IKE_GCM_SALT_LEN, 8, 1, 16},
};

/* RFC 2404 (SHA-1-96) and RFC 4868 (SHA-2): the key is the digest length. */
static const struct ike_hmac_alg integ_algs[] = {
	{IKE_INTEG_HMAC_SHA1_96, "SHA1", 20, 12},
	{IKE_INTEG_HMAC_SHA2_256_128, "SHA256", 32, 16},
	{IKE_INTEG_HMAC_SHA2_384_192, "SHA384", 48, 24},
	{IKE_INTEG_HMAC_SHA2_512_256, "SHA512", 64, 32},
};

/* RFC 2104 / RFC 4868 section 2.1.2: HMAC PRFs, preferred key length = output length. */
static const struct ike_hmac_alg prf_algs[] = {
	{IKE_PRF_HMAC_SHA1, "SHA1", 20, 20},
	{IKE_PRF_HMAC_SHA2_256, "SHA256", 32, 32},
	{IKE_PRF_HMAC_SHA2_384, "SHA384", 48, 48},
	{IKE_PRF_HMAC_SHA2_512, "SHA512", 64, 64},
};

/* RFC 3526 group 14; RFC 5903 x | y, shared = x; RFC 8031 32-byte u. */
static const struct ike_dh_alg dh_algs[] = {
	{IKE_DH_MODP2048, IKE_DH_MODP, "modp_2048", 256, 256},
	{IKE_DH_ECP256, IKE_DH_ECP, "P-256", 64, 32},
	{IKE_DH_ECP384, IKE_DH_ECP, "P-384", 96, 48},
	{IKE_DH_ECP521, IKE_DH_ECP, "P-521", 132, 66},
	{IKE_DH_CURVE25519, IKE_DH_X25519, "X25519", 32, 32},
};

_Static_assert(IKE_DH_PUB_MAX >= 256 && IKE_DH_SHARED_MAX >= 256, "MODP 2048 fits");
_Static_assert(SECRET_MAX >= 32 + IKE_GCM_SALT_LEN, "AES-256-GCM key and salt fit");
_Static_assert(SECRET_MAX >= IKE_PRF_MAX, "SK_d, SK_p and SK_a fit");

const struct ike_encr_alg *
ike_encr_alg(enum ike_encr encr, uint16_t bits)
{
	for (size_t i = 0; i < ARRAY_LEN(encr_algs); i++)
		if (encr_algs[i].id == encr && encr_algs[i].bits == bits)
			return &encr_algs[i];
	return NULL;
}

/* The IV, block and ICV do not depend on the key length: any row of the algorithm. */
static const struct ike_encr_alg *
encr_any(enum ike_encr encr)
{
	for (size_t i = 0; i < ARRAY_LEN(encr_algs); i++)
		if (encr_algs[i].id == encr)
			return &encr_algs[i];
	return NULL;
}

static const struct ike_hmac_alg *
hmac_find(const struct ike_hmac_alg *t, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

const struct ike_hmac_alg *
ike_integ_alg(enum ike_integ integ)
{
	return hmac_find(integ_algs, ARRAY_LEN(integ_algs), integ);
}

const struct ike_hmac_alg *
ike_prf_alg(enum ike_prf prf)
{
	return hmac_find(prf_algs, ARRAY_LEN(prf_algs), prf);
}

const struct ike_dh_alg *
ike_dh_alg(enum ike_dh group)
{
	for (size_t i = 0; i < ARRAY_LEN(dh_algs); i++)
		if (dh_algs[i].id == group)
			return &dh_algs[i];
	return NULL;
}

bool
ike_transform_supported(enum ike_transform_type type, uint16_t id, uint16_t key_bits)
{
	switch (type) {
	case IKE_TF_ENCR:
		return ike_encr_alg(id, key_bits) != NULL;
	case IKE_TF_PRF:
		return ike_prf_alg(id) != NULL;
	case IKE_TF_INTEG:
		return id == IKE_INTEG_NONE || ike_integ_alg(id) != NULL;
	case IKE_TF_DH:
		return ike_dh_alg(id) != NULL;
	case IKE_TF_ESN:
		break;
	}
	return false;
}

bool
ike_suite_valid(const struct ike_suite *s)
{
	const struct ike_encr_alg *e = ike_encr_alg(s->encr, s->encr_bits);

	if (e == NULL || ike_prf_alg(s->prf) == NULL || ike_dh_alg(s->dh) == NULL)
		return false;
	/* RFC 5282 section 8: an AEAD cipher comes with integrity NONE, and only it does. */
	if (e->icv_len != 0)
		return s->integ == IKE_INTEG_NONE;
	return ike_integ_alg(s->integ) != NULL;
}

size_t
ike_encr_key_len(enum ike_encr encr, uint16_t bits)
{
	const struct ike_encr_alg *e = ike_encr_alg(encr, bits);

	return e != NULL ? (size_t)e->key_len + e->salt_len : 0;
}

size_t
ike_encr_iv_len(enum ike_encr encr)
{
	const struct ike_encr_alg *e = encr_any(encr);

	return e != NULL ? e->iv_len : 0;
}

size_t
ike_encr_block_len(enum ike_encr encr)
{
	const struct ike_encr_alg *e = encr_any(encr);

	return e != NULL ? e->block_len : 0;
}

bool
ike_encr_is_aead(enum ike_encr encr)
{
	const struct ike_encr_alg *e = encr_any(encr);

	return e != NULL && e->icv_len != 0;
}

size_t
ike_integ_key_len(enum ike_integ integ)
{
	const struct ike_hmac_alg *a = ike_integ_alg(integ);

	return a != NULL ? a->key_len : 0;
}

size_t
ike_integ_icv_len(enum ike_integ integ)
{
	const struct ike_hmac_alg *a = ike_integ_alg(integ);

	return a != NULL ? a->out_len : 0;
}

size_t
ike_prf_len(enum ike_prf prf)
{
	const struct ike_hmac_alg *a = ike_prf_alg(prf);

	return a != NULL ? a->out_len : 0;
}

size_t
ike_dh_public_len(enum ike_dh group)
{
	const struct ike_dh_alg *d = ike_dh_alg(group);

	return d != NULL ? d->pub_len : 0;
}

size_t
ike_dh_shared_len(enum ike_dh group)
{
	const struct ike_dh_alg *d = ike_dh_alg(group);

	return d != NULL ? d->shared_len : 0;
}

size_t
ike_suite_icv_len(const struct ike_suite *s)
{
	const struct ike_encr_alg *e = ike_encr_alg(s->encr, s->encr_bits);

	if (e == NULL)
		return 0;
	return e->icv_len != 0 ? e->icv_len : ike_integ_icv_len(s->integ);
}
