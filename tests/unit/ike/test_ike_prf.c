/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prf, prf+ and the key schedule (RFC 7296 sections 2.13, 2.14, 2.17, 2.18).
 *
 *   HMAC-SHA-256/384/512 as PRF   RFC 4231 section 4, test cases 1-7 (case 5: the
 *                                 truncated 128 bits the RFC gives)
 *   HMAC-SHA-1 as PRF             RFC 2202 section 3, test cases 1-7
 *   prf+, SKEYSEED, SK_*, rekey,  ike_vectors.h: computed by gen_vectors.py with Python
 *   CHILD_SA KEYMAT               hashlib/hmac from the same fixed inputs
 *
 * The RFC vectors were checked against Python's hmac when transcribed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_crypto.h"
#include "ike_test.h"
#include "ike_vectors.h"

/* ---- RFC 4231 and RFC 2202: the PRFs on their published vectors ---- */

struct hmac_kat {
	enum ike_prf prf;
	int tc;		    /* test case number in the RFC */
	const char *expect; /* case 5: only the leading 128 bits are published */
};

static const struct hmac_kat hmac_kats[] = {
	/* RFC 4231 section 4.2 - 4.8 */
	{IKE_PRF_HMAC_SHA2_256, 1,
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{IKE_PRF_HMAC_SHA2_384, 1,
	 "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
	 "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"},
	{IKE_PRF_HMAC_SHA2_512, 1,
	 "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	 "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
	{IKE_PRF_HMAC_SHA2_256, 2,
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{IKE_PRF_HMAC_SHA2_384, 2,
	 "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
	 "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"},
	{IKE_PRF_HMAC_SHA2_512, 2,
	 "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	{IKE_PRF_HMAC_SHA2_256, 3,
	 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
	{IKE_PRF_HMAC_SHA2_384, 3,
	 "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9feb"
	 "e83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27"},
	{IKE_PRF_HMAC_SHA2_512, 3,
	 "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	 "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
	{IKE_PRF_HMAC_SHA2_256, 4,
	 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
	{IKE_PRF_HMAC_SHA2_384, 4,
	 "3e8a69b7783c25851933ab6290af6ca77a9981480850009c"
	 "c5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb"},
	{IKE_PRF_HMAC_SHA2_512, 4,
	 "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	 "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
	{IKE_PRF_HMAC_SHA2_256, 5, "a3b6167473100ee06e0c796c2955552b"},
	{IKE_PRF_HMAC_SHA2_384, 5, "3abf34c3503b2a23a46efc619baef897"},
	{IKE_PRF_HMAC_SHA2_512, 5, "415fad6271580a531d4179bc891d87a6"},
	{IKE_PRF_HMAC_SHA2_256, 6,
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{IKE_PRF_HMAC_SHA2_384, 6,
	 "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f"
	 "3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"},
	{IKE_PRF_HMAC_SHA2_512, 6,
	 "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	 "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
	{IKE_PRF_HMAC_SHA2_256, 7,
	 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	{IKE_PRF_HMAC_SHA2_384, 7,
	 "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9a"
	 "dccebb82461e99c5a678cc31e799176d3860e6110c46523e"},
	{IKE_PRF_HMAC_SHA2_512, 7,
	 "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	 "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
	/* RFC 2202 section 3 */
	{IKE_PRF_HMAC_SHA1, 1, "b617318655057264e28bc0b6fb378c8ef146be00"},
	{IKE_PRF_HMAC_SHA1, 2, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{IKE_PRF_HMAC_SHA1, 3, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	{IKE_PRF_HMAC_SHA1, 4, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	{IKE_PRF_HMAC_SHA1, 5, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	{IKE_PRF_HMAC_SHA1, 6, "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{IKE_PRF_HMAC_SHA1, 7, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
};

/*
 * The keys and data of the test cases, which RFC 4231 and RFC 2202 share except for the
 * length of the large key (131 and 80 bytes of 0xaa) and the text of case 7.
 */
static size_t
hmac_kat_input(const struct hmac_kat *k, uint8_t *key, uint8_t *data, size_t *data_len)
{
	static const char *const text[] = {
		[1] = "Hi There",
		[2] = "what do ya want for nothing?",
		[5] = "Test With Truncation",
		[6] = "Test Using Larger Than Block-Size Key - Hash Key First",
	};
	static const char tc7_4231[] =
		"This is a test using a larger than block-size key and a "
		"larger than block-size data. The key needs to be hashed before being used by "
		"the HMAC algorithm.";
	static const char tc7_2202[] =
		"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
	bool sha1 = k->prf == IKE_PRF_HMAC_SHA1;
	size_t key_len;

	switch (k->tc) {
	case 1:
	case 5:
		key_len = 20;
		memset(key, k->tc == 1 ? 0x0b : 0x0c, key_len);
		break;
	case 2:
		key_len = 4;
		memcpy(key, "Jefe", 4);
		break;
	case 3:
		key_len = 20;
		memset(key, 0xaa, key_len);
		*data_len = 50;
		memset(data, 0xdd, 50);
		return key_len;
	case 4:
		key_len = 25;
		for (size_t i = 0; i < key_len; i++)
			key[i] = (uint8_t)(i + 1);
		*data_len = 50;
		memset(data, 0xcd, 50);
		return key_len;
	default:
		key_len = sha1 ? 80 : 131;
		memset(key, 0xaa, key_len);
		break;
	}
	if (k->tc == 7) {
		*data_len = strlen(sha1 ? tc7_2202 : tc7_4231);
		memcpy(data, sha1 ? tc7_2202 : tc7_4231, *data_len);
	} else {
		*data_len = strlen(text[k->tc]);
		memcpy(data, text[k->tc], *data_len);
	}
	return key_len;
}

static void
test_prf_rfc_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hmac_kats) / sizeof(hmac_kats[0]); i++) {
		const struct hmac_kat *k = &hmac_kats[i];
		uint8_t key[131], data[256], out[IKE_PRF_MAX], want[IKE_PRF_MAX];
		size_t data_len = 0, key_len = hmac_kat_input(k, key, data, &data_len);
		size_t want_len = unhex(k->expect, want, sizeof(want));
		struct ike_iov in = {data, data_len};

		assert_int_equal(ike_prf(k->prf, key, key_len, &in, 1, out), 0);
		assert_memory_equal(out, want, want_len);
		if (k->tc != 5)
			assert_int_equal(want_len, ike_prf_len(k->prf));

		/* The same input split in pieces is the same concatenation. */
		struct ike_iov parts[3] = {{data, 1}, {data + 1, 0}, {data + 1, data_len - 1}};

		memset(out, 0, sizeof(out));
		assert_int_equal(ike_prf(k->prf, key, key_len, parts, 3, out), 0);
		assert_memory_equal(out, want, want_len);
	}
}

static void
test_prf_errors(void **state)
{
	uint8_t key[4] = {1, 2, 3, 4}, out[IKE_PRF_MAX];
	struct ike_iov in[IKE_PRF_IOV_MAX + 1] = {{key, 4}};

	(void)state;
	assert_int_equal(ike_prf(IKE_PRF_HMAC_MD5, key, 4, in, 1, out), -ENOTSUP);
	assert_int_equal(ike_prf(IKE_PRF_AES128_XCBC, key, 4, in, 1, out), -ENOTSUP);
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256, key, 0, in, 1, out), -EINVAL);
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256, key, 4, in, IKE_PRF_IOV_MAX + 1, out),
			 -EINVAL);
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_MD5, key, 4, in, 1, out, 8), -ENOTSUP);
}

/* ---- prf+ against Python ---- */

static void
test_prf_plus_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_prf_plus) / sizeof(vec_prf_plus[0]); i++) {
		const struct vec_prf_plus *v = &vec_prf_plus[i];
		uint8_t key[64], seed[64], want[HEX_MAX], out[HEX_MAX];
		size_t kl = unhex(v->key, key, sizeof(key)),
		       sl = unhex(v->seed, seed, sizeof(seed));
		size_t n = unhex(v->out, want, sizeof(want));
		struct ike_iov in = {seed, sl};

		assert_int_equal(ike_prf_plus(v->prf, key, kl, &in, 1, out, n), 0);
		assert_memory_equal(out, want, n);
		/* A shorter request is a prefix: prf+ is a stream, not per-length. */
		memset(out, 0, sizeof(out));
		assert_int_equal(ike_prf_plus(v->prf, key, kl, &in, 1, out, 5), 0);
		assert_memory_equal(out, want, 5);
		assert_true(all_zero(out + 5, n - 5));
	}
}

/* Section 2.13: the counter is one octet, so 255 blocks and no more. */
static void
test_prf_plus_limit(void **state)
{
	static uint8_t out[255 * 32 + 1];
	uint8_t key[32], seed[16];
	size_t kl = unhex(vec_prf_plus_255_key, key, sizeof(key));
	struct ike_iov in = {seed, unhex(vec_prf_plus_255_seed, seed, sizeof(seed))};

	(void)state;
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, kl, &in, 1, out, 255 * 32), 0);
	assert_hex(out + 254 * 32, 32, vec_prf_plus_255_last);
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, kl, &in, 1, out, 255 * 32 + 1),
			 -EINVAL);
}

/* ---- SKEYSEED and the seven keys (section 2.14) ---- */

static void
suite_in(const struct vec_suite *v, struct kx *in)
{
	kx_hex(in, v->ni, v->nr, v->spi_i, v->spi_r, v->gir);
}

static void
assert_keys(const struct ike_keys *k, const char *d, const char *ai, const char *ar, const char *ei,
	    const char *er, const char *pi, const char *pr)
{
	assert_secret_hex(&k->d, d);
	assert_secret_hex(&k->ai, ai);
	assert_secret_hex(&k->ar, ar);
	assert_secret_hex(&k->ei, ei);
	assert_secret_hex(&k->er, er);
	assert_secret_hex(&k->pi, pi);
	assert_secret_hex(&k->pr, pr);
}

static void
test_ike_sa_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_suites) / sizeof(vec_suites[0]); i++) {
		const struct vec_suite *v = &vec_suites[i];
		struct secret seed;
		struct ike_keys k;
		struct kx in;

		suite_in(v, &in);
		assert_true(ike_suite_valid(&v->suite));
		assert_int_equal(ike_skeyseed(v->suite.prf, &in.n, &in.gir, &seed), 0);
		assert_secret_hex(&seed, v->skeyseed);
		assert_int_equal(ike_keys_derive(&v->suite, &seed, &in.n, in.spi_i, in.spi_r, &k),
				 0);
		assert_keys(&k, v->d, v->ai, v->ar, v->ei, v->er, v->pi, v->pr);

		ike_keys_wipe(&k);
		assert_int_equal(
			ike_keys_from_init(&v->suite, &in.n, &in.gir, in.spi_i, in.spi_r, &k), 0);
		assert_keys(&k, v->d, v->ai, v->ar, v->ei, v->er, v->pi, v->pr);
		ike_keys_wipe(&k);
	}
}

/* Swapping Ni and Nr, or the SPIs, changes every key: the order is part of the spec. */
static void
test_ike_sa_keys_order(void **state)
{
	const struct vec_suite *v = &vec_suites[1];
	uint8_t want[IKE_PRF_MAX];
	struct ike_nonces swapped;
	struct kx in;
	struct ike_keys k;

	(void)state;
	suite_in(v, &in);
	unhex(v->d, want, sizeof(want));
	swapped = (struct ike_nonces){in.nr, in.n.r_len, in.ni, in.n.i_len};
	assert_int_equal(ike_keys_from_init(&v->suite, &swapped, &in.gir, in.spi_i, in.spi_r, &k),
			 0);
	assert_memory_not_equal(k.d.b, want, k.d.len);
	assert_int_equal(ike_keys_from_init(&v->suite, &in.n, &in.gir, in.spi_r, in.spi_i, &k), 0);
	assert_memory_not_equal(k.d.b, want, k.d.len);
	ike_keys_wipe(&k);
}

static void
test_ike_sa_keys_errors(void **state)
{
	const struct vec_suite *v = &vec_suites[4];
	struct ike_suite bad = v->suite;
	struct ike_nonces n;
	struct ike_keys k;
	struct secret seed;
	struct kx in;

	(void)state;
	suite_in(v, &in);
	/* Section 2.10: nonces of at least 16 bytes, at most 256. */
	n = in.n;
	n.i_len = IKE_NONCE_MIN - 1;
	assert_int_equal(ike_skeyseed(v->suite.prf, &n, &in.gir, &seed), -EINVAL);
	assert_int_equal(seed.len, 0);
	n = in.n;
	n.r_len = IKE_NONCE_MAX + 1;
	assert_int_equal(ike_keys_from_init(&v->suite, &n, &in.gir, in.spi_i, in.spi_r, &k),
			 -EINVAL);
	assert_true(all_zero(&k, sizeof(k)));
	/* AES-GCM with an integrity transform is not a valid IKE suite (RFC 5282 section 8). */
	bad.integ = IKE_INTEG_HMAC_SHA2_256_128;
	assert_int_equal(ike_keys_from_init(&bad, &in.n, &in.gir, in.spi_i, in.spi_r, &k), -EINVAL);
	bad = v->suite;
	bad.prf = IKE_PRF_HMAC_MD5;
	assert_int_equal(ike_keys_from_init(&bad, &in.n, &in.gir, in.spi_i, in.spi_r, &k), -EINVAL);
	in.gir.len = 0;
	assert_int_equal(ike_skeyseed(v->suite.prf, &in.n, &in.gir, &seed), -EINVAL);
}

/* ---- IKE SA rekey (section 2.18) ---- */

static void
test_rekey(void **state)
{
	const struct vec_suite *old = &vec_suites[1], *new = &vec_suites[3];
	struct secret old_d, seed;
	struct ike_keys k;
	struct kx x;

	(void)state;
	kx_hex(&x, vec_rekey.ni, vec_rekey.nr, vec_rekey.spi_i, vec_rekey.spi_r, vec_rekey.gir);
	secret_hex(&old_d, old->d);
	assert_int_not_equal(old->suite.prf, new->suite.prf);

	assert_int_equal(ike_skeyseed_rekey(old->suite.prf, &old_d, &x.gir, &x.n, &seed), 0);
	assert_secret_hex(&seed, vec_rekey.skeyseed);
	/* With the new SA's PRF instead the result differs (and has its length). */
	{
		struct secret wrong;

		assert_int_equal(ike_skeyseed_rekey(new->suite.prf, &old_d, &x.gir, &x.n, &wrong),
				 0);
		assert_int_not_equal(wrong.len, seed.len);
	}
	assert_int_equal(ike_keys_from_rekey(old->suite.prf, &old_d, &new->suite, &x.n, &x.gir,
					     x.spi_i, x.spi_r, &k),
			 0);
	assert_keys(&k, vec_rekey.d, vec_rekey.ai, vec_rekey.ar, vec_rekey.ei, vec_rekey.er,
		    vec_rekey.pi, vec_rekey.pr);
	old_d.len = 0;
	assert_int_equal(ike_skeyseed_rekey(old->suite.prf, &old_d, &x.gir, &x.n, &seed), -EINVAL);
	ike_keys_wipe(&k);
	secret_wipe(&seed);
}

/* ---- CHILD_SA KEYMAT (section 2.17) ---- */

static void
test_child_keymat(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_child) / sizeof(vec_child[0]); i++) {
		const struct vec_child *v = &vec_child[i];
		const struct vec_suite *s = &vec_suites[v->suite];
		uint8_t want[IKE_KEYMAT_MAX];
		struct ike_keymat km;
		struct secret sk_d, a, b;
		size_t want_len = unhex(v->keymat, want, sizeof(want));
		struct kx x;

		kx_hex(&x, v->ni, v->nr, "", "", v->gir);
		secret_hex(&sk_d, s->d);
		assert_int_equal(ike_child_keymat(s->suite.prf, &sk_d, x.gir.len ? &x.gir : NULL,
						  &x.n, want_len, &km),
				 0);
		assert_int_equal(km.len, want_len);
		assert_memory_equal(km.b, want, want_len);

		/* Taken in order: the first key, then the next bytes. */
		assert_int_equal(ike_keymat_take(&km, 20, &a), 0);
		assert_int_equal(ike_keymat_take(&km, 16, &b), 0);
		assert_memory_equal(a.b, want, 20);
		assert_memory_equal(b.b, want + 20, 16);
		for (size_t off = 36; off < want_len; off += a.len) {
			size_t take = want_len - off < SECRET_MAX ? want_len - off : SECRET_MAX;

			assert_int_equal(ike_keymat_take(&km, take, &a), 0);
			assert_memory_equal(a.b, want + off, take);
		}
		assert_int_equal(ike_keymat_take(&km, 1, &a), -ENOSPC);
		assert_int_equal(a.len, 0);
		assert_int_equal(ike_keymat_take(&km, SECRET_MAX + 1, &a), -EINVAL);
		ike_keymat_wipe(&km);
	}
}

static void
test_child_keymat_errors(void **state)
{
	const struct vec_suite *s = &vec_suites[1];
	uint8_t ni[16] = {1}, nr[16] = {2};
	struct ike_nonces n = {ni, sizeof(ni), nr, sizeof(nr)};
	struct ike_keymat km;
	struct secret sk_d;

	(void)state;
	secret_hex(&sk_d, s->d);
	assert_int_equal(ike_child_keymat(s->suite.prf, &sk_d, NULL, &n, IKE_KEYMAT_MAX + 1, &km),
			 -EINVAL);
	n.i_len = 8;
	assert_int_equal(ike_child_keymat(s->suite.prf, &sk_d, NULL, &n, 64, &km), -EINVAL);
	assert_int_equal(km.len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_rfc_vectors),
		cmocka_unit_test(test_prf_errors),
		cmocka_unit_test(test_prf_plus_vectors),
		cmocka_unit_test(test_prf_plus_limit),
		cmocka_unit_test(test_ike_sa_keys),
		cmocka_unit_test(test_ike_sa_keys_order),
		cmocka_unit_test(test_ike_sa_keys_errors),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_child_keymat),
		cmocka_unit_test(test_child_keymat_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
