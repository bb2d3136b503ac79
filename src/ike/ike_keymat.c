/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key schedule: SKEYSEED and the seven IKE SA keys (RFC 7296 section 2.14), their
 * rekeyed successors (section 2.18) and CHILD_SA KEYMAT (section 2.17). Every
 * intermediate buffer is wiped before return, on every path.
 */
#include <string.h>

#include "ike_crypto_int.h"

/* SK_d, SK_ai/ar, SK_ei/er, SK_pi/pr at their largest: 3 * 64 + 2 * 64 + 2 * 36. */
#define IKE_SA_KEYMAT_MAX (3 * IKE_PRF_MAX + 2 * IKE_PRF_MAX + 2 * SECRET_MAX)

static int
nonces_check(const struct ike_nonces *n)
{
	/* Section 2.10: at least 128 bits; section 3.9: at most 256 bytes. */
	if (n->i_len < IKE_NONCE_MIN || n->i_len > IKE_NONCE_MAX || n->r_len < IKE_NONCE_MIN ||
	    n->r_len > IKE_NONCE_MAX)
		return -EINVAL;
	return 0;
}

static bool
gir_ok(const struct ike_dh_shared *gir)
{
	return gir->len != 0 && gir->len <= sizeof(gir->b);
}

int
ike_skeyseed(enum ike_prf prf, const struct ike_nonces *n, const struct ike_dh_shared *gir,
	     struct secret *skeyseed)
{
	uint8_t key[2 * IKE_NONCE_MAX];
	const struct ike_iov in = {gir->b, gir->len};
	int rc;

	secret_wipe(skeyseed);
	if (nonces_check(n) != 0 || !gir_ok(gir))
		return -EINVAL;
	/* The HMAC PRFs take Ni | Nr whole as the key (only fixed-key PRFs truncate). */
	memcpy(key, n->i, n->i_len);
	memcpy(key + n->i_len, n->r, n->r_len);
	rc = ike_prf(prf, key, n->i_len + n->r_len, &in, 1, skeyseed->b);
	if (rc == 0)
		skeyseed->len = (uint8_t)ike_prf_len(prf);
	mem_wipe(key, sizeof(key));
	return rc;
}

int
ike_skeyseed_rekey(enum ike_prf old_prf, const struct secret *old_sk_d,
		   const struct ike_dh_shared *gir, const struct ike_nonces *n,
		   struct secret *skeyseed)
{
	const struct ike_iov in[] = {{gir->b, gir->len}, {n->i, n->i_len}, {n->r, n->r_len}};
	int rc;

	secret_wipe(skeyseed);
	if (nonces_check(n) != 0 || !gir_ok(gir) || old_sk_d->len == 0)
		return -EINVAL;
	rc = ike_prf(old_prf, old_sk_d->b, old_sk_d->len, in, 3, skeyseed->b);
	if (rc == 0)
		skeyseed->len = (uint8_t)ike_prf_len(old_prf);
	return rc;
}

static void
take(struct secret *s, const uint8_t **p, size_t len)
{
	memcpy(s->b, *p, len);
	s->len = (uint8_t)len;
	*p += len;
}

int
ike_keys_derive(const struct ike_suite *s, const struct secret *skeyseed,
		const struct ike_nonces *n, const uint8_t spi_i[IKE_SPI_LEN],
		const uint8_t spi_r[IKE_SPI_LEN], struct ike_keys *out)
{
	const struct ike_iov in[] = {
		{n->i, n->i_len},
		{n->r, n->r_len},
		{spi_i, IKE_SPI_LEN},
		{spi_r, IKE_SPI_LEN},
	};
	uint8_t km[IKE_SA_KEYMAT_MAX];
	size_t p, a, e;
	const uint8_t *q = km;
	int rc;

	ike_keys_wipe(out);
	if (!ike_suite_valid(s) || nonces_check(n) != 0 || skeyseed->len == 0)
		return -EINVAL;
	p = ike_prf_len(s->prf);
	a = ike_integ_key_len(s->integ); /* 0 with AES-GCM: no SK_a */
	e = ike_encr_key_len(s->encr, s->encr_bits);
	rc = ike_prf_plus(s->prf, skeyseed->b, skeyseed->len, in, 4, km, 3 * p + 2 * a + 2 * e);
	if (rc == 0) {
		/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}, in this order. */
		take(&out->d, &q, p);
		take(&out->ai, &q, a);
		take(&out->ar, &q, a);
		take(&out->ei, &q, e);
		take(&out->er, &q, e);
		take(&out->pi, &q, p);
		take(&out->pr, &q, p);
	}
	mem_wipe(km, sizeof(km));
	return rc;
}

int
ike_keys_from_init(const struct ike_suite *s, const struct ike_nonces *n,
		   const struct ike_dh_shared *gir, const uint8_t spi_i[IKE_SPI_LEN],
		   const uint8_t spi_r[IKE_SPI_LEN], struct ike_keys *out)
{
	struct secret skeyseed;
	int rc;

	ike_keys_wipe(out);
	if (!ike_suite_valid(s))
		return -EINVAL;
	rc = ike_skeyseed(s->prf, n, gir, &skeyseed);
	if (rc == 0)
		rc = ike_keys_derive(s, &skeyseed, n, spi_i, spi_r, out);
	secret_wipe(&skeyseed);
	return rc;
}

int
ike_keys_from_rekey(enum ike_prf old_prf, const struct secret *old_sk_d, const struct ike_suite *s,
		    const struct ike_nonces *n, const struct ike_dh_shared *gir,
		    const uint8_t spi_i[IKE_SPI_LEN], const uint8_t spi_r[IKE_SPI_LEN],
		    struct ike_keys *out)
{
	struct secret skeyseed;
	int rc;

	ike_keys_wipe(out);
	if (!ike_suite_valid(s) || ike_prf_len(old_prf) == 0)
		return -EINVAL;
	/* Section 2.18: the old SA's PRF makes SKEYSEED, the new SA's PRF expands it. */
	rc = ike_skeyseed_rekey(old_prf, old_sk_d, gir, n, &skeyseed);
	if (rc == 0)
		rc = ike_keys_derive(s, &skeyseed, n, spi_i, spi_r, out);
	secret_wipe(&skeyseed);
	return rc;
}

void
ike_keys_wipe(struct ike_keys *k)
{
	mem_wipe(k, sizeof(*k));
}

int
ike_child_keymat(enum ike_prf prf, const struct secret *sk_d, const struct ike_dh_shared *gir,
		 const struct ike_nonces *n, size_t len, struct ike_keymat *out)
{
	struct ike_iov in[3];
	size_t cnt = 0;
	int rc;

	ike_keymat_wipe(out);
	if (nonces_check(n) != 0 || sk_d->len == 0 || len > sizeof(out->b) ||
	    (gir != NULL && !gir_ok(gir)))
		return -EINVAL;
	if (gir != NULL) /* PFS: g^ir (new) | Ni | Nr */
		in[cnt++] = (struct ike_iov){gir->b, gir->len};
	in[cnt++] = (struct ike_iov){n->i, n->i_len};
	in[cnt++] = (struct ike_iov){n->r, n->r_len};
	rc = ike_prf_plus(prf, sk_d->b, sk_d->len, in, cnt, out->b, len);
	if (rc == 0)
		out->len = len;
	return rc;
}

int
ike_keymat_take(struct ike_keymat *km, size_t len, struct secret *out)
{
	secret_wipe(out);
	if (len > sizeof(out->b))
		return -EINVAL;
	if (len > km->len - km->off)
		return -ENOSPC;
	memcpy(out->b, km->b + km->off, len);
	out->len = (uint8_t)len;
	km->off += len;
	return 0;
}

void
ike_keymat_wipe(struct ike_keymat *km)
{
	mem_wipe(km, sizeof(*km));
}
