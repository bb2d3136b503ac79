/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diffie-Hellman for the KE payload (RFC 7296 section 1.2, 3.4): MODP group 14 (RFC 3526),
 * ECP groups 19-21 (RFC 5903) and Curve25519 (RFC 8031), on EVP_PKEY.
 *
 * Wire formats: MODP y is big-endian, padded to the modulus (256 bytes); ECP is x | y,
 * each padded to the field size, and g^ir is x alone (RFC 5903 section 7); Curve25519 is
 * the 32-byte u coordinate both ways (RFC 8031 section 2).
 *
 * Peer values are validated here, not by OpenSSL's full public-key check: RFC 6989
 * section 2.2 needs only 1 < y < p-1 for the safe-prime MODP groups (the y^q check costs
 * a full-size exponentiation per received KE), and section 2.3 needs the point on the
 * curve for ECP, which OpenSSL checks when the point is imported.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "ike_crypto_int.h"

#define ECP_POINT_UNCOMPRESSED 0x04 /* SEC 1 section 2.3.3 prefix OpenSSL imports */

struct ike_dh_key {
	const struct ike_dh_alg *alg;
	EVP_PKEY *pkey;
};

static const char *
key_type(const struct ike_dh_alg *a)
{
	switch (a->kind) {
	case IKE_DH_MODP:
		return "DH";
	case IKE_DH_ECP:
		return "EC";
	case IKE_DH_X25519:
		break;
	}
	return "X25519";
}

static struct ike_dh_key *
key_wrap(const struct ike_dh_alg *a, EVP_PKEY *pkey)
{
	struct ike_dh_key *k;

	if (pkey == NULL)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k->alg = a;
	k->pkey = pkey;
	return k;
}

static EVP_PKEY *pkey_fromdata(const struct ike_dh_alg *a, int selection, const BIGNUM *priv,
			       const BIGNUM *pub_bn, const uint8_t *pub_oct, size_t pub_oct_len);

/*
 * The domain parameters of the MODP and ECP groups, built once per process. Building
 * them from the group name costs more than the key generation itself (OpenSSL 3.0 sets
 * up the curve's Montgomery constants, a modular inversion, for every new EC_GROUP);
 * a context made from these copies them instead. Public values, never freed.
 */
#define DH_CACHED 4
static const enum ike_dh cached_groups[DH_CACHED] = {IKE_DH_MODP2048, IKE_DH_ECP256,
						     IKE_DH_ECP384, IKE_DH_ECP521};
static EVP_PKEY *group_params[DH_CACHED];
static pthread_once_t params_once = PTHREAD_ONCE_INIT;

static void
params_build(void)
{
	for (size_t i = 0; i < DH_CACHED; i++)
		group_params[i] = pkey_fromdata(ike_dh_alg(cached_groups[i]),
						EVP_PKEY_KEY_PARAMETERS, NULL, NULL, NULL, 0);
}

/* NULL for X25519 (no parameters) or if building them failed: go by name then. */
static EVP_PKEY *
params_of(const struct ike_dh_alg *a)
{
	if (a->kind == IKE_DH_X25519 || pthread_once(&params_once, params_build) != 0)
		return NULL;
	for (size_t i = 0; i < DH_CACHED; i++)
		if (cached_groups[i] == a->id)
			return group_params[i];
	return NULL;
}

struct ike_dh_key *
ike_dh_key_new(enum ike_dh group)
{
	const struct ike_dh_alg *a = ike_dh_alg(group);
#ifdef IKE_FUZZ_DETERMINISTIC
	/* fuzz builds: the private value from ike_random's reproducible stream */
	uint8_t priv[66];
	size_t plen = group == IKE_DH_ECP384 ? 48 : group == IKE_DH_ECP521 ? 66 : 32;

	struct ike_dh_key *k;

	if (a == NULL || ike_random(priv, plen) != 0)
		return NULL;
	priv[0] &= a->kind == IKE_DH_X25519 ? 0xff : group == IKE_DH_ECP521 ? 0x00 : 0x7f;
	k = ike_dh_key_from_private(group, priv, plen);
	mem_wipe(priv, sizeof(priv));
	return k;
#else
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL, *tmpl;
	OSSL_PARAM params[2];

	if (a == NULL)
		return NULL;
	tmpl = params_of(a);
	ctx = tmpl != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, tmpl, NULL)
			   : EVP_PKEY_CTX_new_from_name(NULL, key_type(a), NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1)
		goto out;
	if (tmpl == NULL && a->kind != IKE_DH_X25519) {
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							     (char *)a->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1)
			goto out;
	}
	if (EVP_PKEY_keygen(ctx, &pkey) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	return key_wrap(a, pkey);
#endif
}

void
ike_dh_key_free(struct ike_dh_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey); /* private BIGNUMs are BN_clear_free'd, X25519 cleansed */
	mem_wipe(k, sizeof(*k));
	free(k);
}

enum ike_dh
ike_dh_key_group(const struct ike_dh_key *k)
{
	return k->alg->id;
}

int
ike_dh_key_public(const struct ike_dh_key *k, uint8_t *out, size_t len)
{
	uint8_t point[1 + IKE_DH_PUB_MAX];
	BIGNUM *y = NULL;
	size_t n = 0;
	int rc = -EIO;

	if (len != k->alg->pub_len)
		return -EMSGSIZE;
	switch (k->alg->kind) {
	case IKE_DH_MODP:
		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, &y) == 1 &&
		    BN_bn2binpad(y, out, (int)len) == (int)len)
			rc = 0;
		BN_free(y);
		break;
	case IKE_DH_ECP:
		/* OpenSSL gives 04 | x | y, both padded; the KE payload drops the 04. */
		if (EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						    point, sizeof(point), &n) == 1 &&
		    n == len + 1 && point[0] == ECP_POINT_UNCOMPRESSED) {
			memcpy(out, point + 1, len);
			rc = 0;
		}
		break;
	case IKE_DH_X25519:
		n = len;
		if (EVP_PKEY_get_raw_public_key(k->pkey, out, &n) == 1 && n == len)
			rc = 0;
		break;
	}
	return rc;
}

/*
 * An EVP_PKEY of the key's group from parts: priv and pub_bn are BIGNUMs (MODP private
 * and public, ECP private), pub_oct an encoded point. NULL parts are left out.
 */
static EVP_PKEY *
pkey_fromdata(const struct ike_dh_alg *a, int selection, const BIGNUM *priv, const BIGNUM *pub_bn,
	      const uint8_t *pub_oct, size_t pub_oct_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (bld == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0) ||
	    (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)) ||
	    (pub_bn != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_bn)) ||
	    (pub_oct != NULL &&
	     !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_oct, pub_oct_len)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, key_type(a), NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params); /* clears what came from a BN_secure_new private value */
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* RFC 6989 section 2.2: 1 < y < p-1, i.e. neither 0, 1, p-1 nor anything >= p. */
static int
modp_check(const struct ike_dh_key *k, const BIGNUM *y)
{
	BIGNUM *p = NULL;
	int rc = -EINVAL;

	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_FFC_P, &p) != 1)
		return -EIO;
	if (BN_sub_word(p, 1) != 1)
		rc = -EIO;
	else if (BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, p) < 0)
		rc = 0;
	BN_free(p);
	return rc;
}

/*
 * The peer's point on a copy of the cached group parameters (by name if there are none).
 * Import rejects coordinates >= p and points off the curve either way.
 */
static EVP_PKEY *
ecp_peer(const struct ike_dh_alg *a, const uint8_t *point, size_t len)
{
	EVP_PKEY *tmpl = params_of(a), *pkey;

	if (tmpl == NULL)
		return pkey_fromdata(a, EVP_PKEY_PUBLIC_KEY, NULL, NULL, point, len);
	pkey = EVP_PKEY_dup(tmpl);
	if (pkey != NULL && EVP_PKEY_set1_encoded_public_key(pkey, point, len) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* The peer's KE data as an EVP_PKEY, or NULL with *rc set. */
static EVP_PKEY *
peer_key(const struct ike_dh_key *k, const uint8_t *peer, size_t len, int *rc)
{
	uint8_t point[1 + IKE_DH_PUB_MAX];
	EVP_PKEY *pkey = NULL;
	BIGNUM *y;

	*rc = -EINVAL;
	switch (k->alg->kind) {
	case IKE_DH_MODP:
		y = BN_bin2bn(peer, (int)len, NULL);
		if (y == NULL) {
			*rc = -ENOMEM;
			return NULL;
		}
		*rc = modp_check(k, y);
		if (*rc == 0)
			pkey = pkey_fromdata(k->alg, EVP_PKEY_PUBLIC_KEY, NULL, y, NULL, 0);
		BN_free(y);
		break;
	case IKE_DH_ECP:
		/*
		 * Import rejects coordinates >= p and points off the curve (EC_POINT_oct2point
		 * checks both), and an uncompressed encoding cannot name the point at
		 * infinity: a separate EVP_PKEY_public_check_quick would repeat the curve check
		 * and cost a context set-up (test_ike_dh's test_ecp_invalid covers the cases).
		 */
		point[0] = ECP_POINT_UNCOMPRESSED;
		memcpy(point + 1, peer, len);
		pkey = ecp_peer(k->alg, point, len + 1);
		break;
	case IKE_DH_X25519:
		/* Every u is a valid input (RFC 7748 section 5); the result is checked. */
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, len);
		break;
	}
	if (pkey != NULL)
		*rc = 0;
	else if (*rc == 0)
		*rc = -EINVAL;
	return pkey;
}

static bool
all_zero(const uint8_t *b, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= b[i];
	return acc == 0;
}

int
ike_dh_key_derive(const struct ike_dh_key *k, const uint8_t *peer, size_t peer_len,
		  struct ike_dh_shared *out)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey;
	unsigned int pad = 1;
	OSSL_PARAM params[2];
	size_t len = 0;
	int rc;

	ike_dh_shared_wipe(out);
	if (peer_len != k->alg->pub_len)
		return -EMSGSIZE;
	pkey = peer_key(k, peer, peer_len, &rc);
	if (pkey == NULL)
		return rc;
	rc = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, pkey, 0) != 1)
		goto out;
	if (k->alg->kind == IKE_DH_MODP) {
		/* Section 2.14: g^ir is padded with zeros to the length of the modulus. */
		params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1)
			goto out;
	}
	len = sizeof(out->b);
	if (EVP_PKEY_derive(ctx, out->b, &len) != 1) {
		/* OpenSSL refuses an all-zero X25519 result itself (RFC 7748 section 6.1). */
		rc = k->alg->kind == IKE_DH_X25519 ? -EINVAL : -EIO;
		goto out;
	}
	if (len != k->alg->shared_len)
		goto out;
	/* RFC 8031 section 2.3: MUST check the result is not all zero. */
	if (k->alg->kind == IKE_DH_X25519 && all_zero(out->b, len)) {
		rc = -EINVAL;
		goto out;
	}
	out->len = (uint16_t)len;
	rc = 0;
out:
	if (rc != 0)
		ike_dh_shared_wipe(out);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

void
ike_dh_shared_wipe(struct ike_dh_shared *s)
{
	mem_wipe(s, sizeof(*s));
}

/* ---- known-answer tests: a key pair from a given private value ---- */

/* MODP public value g^x mod p, the group's p and g taken from OpenSSL's named group. */
static BIGNUM *
modp_public(const struct ike_dh_alg *a, const BIGNUM *x)
{
	EVP_PKEY *params = pkey_fromdata(a, EVP_PKEY_KEY_PARAMETERS, NULL, NULL, NULL, 0);
	BIGNUM *p = NULL, *g = NULL, *y = BN_new();
	BN_CTX *bn = BN_CTX_new();

	if (params == NULL || y == NULL || bn == NULL ||
	    EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) != 1 ||
	    EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &g) != 1 ||
	    BN_mod_exp(y, g, x, p, bn) != 1) {
		BN_free(y);
		y = NULL;
	}
	BN_CTX_free(bn);
	BN_free(g);
	BN_free(p);
	EVP_PKEY_free(params);
	return y;
}

/* ECP public point x * G, encoded 04 | x | y into point (1 + pub_len bytes). */
static int
ecp_public(const struct ike_dh_alg *a, const BIGNUM *x, uint8_t *point)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(a->name));
	EC_POINT *q = g != NULL ? EC_POINT_new(g) : NULL;
	BN_CTX *bn = BN_CTX_new();
	size_t len = (size_t)a->pub_len + 1;
	int rc = -EIO;

	if (q != NULL && bn != NULL && EC_POINT_mul(g, q, x, NULL, NULL, bn) == 1 &&
	    EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, point, len, bn) == len)
		rc = 0;
	BN_CTX_free(bn);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	return rc;
}

struct ike_dh_key *
ike_dh_key_from_private(enum ike_dh group, const uint8_t *priv, size_t len)
{
	const struct ike_dh_alg *a = ike_dh_alg(group);
	uint8_t point[1 + IKE_DH_PUB_MAX];
	EVP_PKEY *pkey = NULL;
	BIGNUM *x, *y = NULL;

	if (a == NULL)
		return NULL;
	if (a->kind == IKE_DH_X25519)
		return key_wrap(a, EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, len));
	x = BN_secure_new();
	if (x == NULL || BN_bin2bn(priv, (int)len, x) == NULL) {
		BN_clear_free(x);
		return NULL;
	}
	BN_set_flags(x, BN_FLG_CONSTTIME); /* a secret exponent, even in tests */
	if (a->kind == IKE_DH_MODP) {
		y = modp_public(a, x);
		if (y != NULL)
			pkey = pkey_fromdata(a, EVP_PKEY_KEYPAIR, x, y, NULL, 0);
	} else if (ecp_public(a, x, point) == 0) {
		pkey = pkey_fromdata(a, EVP_PKEY_KEYPAIR, x, NULL, point, (size_t)a->pub_len + 1);
	}
	BN_free(y);
	BN_clear_free(x);
	return key_wrap(a, pkey);
}
