/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The algorithm tables: lengths as the RFCs give them (RFC 3602, 4868, 5282, 5903, 8031,
 * 2404, 3526), what proposal selection may accept, and the randomness wrapper.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_crypto.h"
#include "ike_test.h"

static void
test_encr_lengths(void **state)
{
	static const struct {
		enum ike_encr encr;
		uint16_t bits;
		size_t key, iv, block;
		bool aead;
	} t[] = {
		{IKE_ENCR_AES_CBC, 128, 16, 16, 16, false}, /* RFC 3602 */
		{IKE_ENCR_AES_CBC, 256, 32, 16, 16, false},
		{IKE_ENCR_AES_GCM_16, 128, 20, 8, 1, true}, /* RFC 5282: key + 4-byte salt */
		{IKE_ENCR_AES_GCM_16, 256, 36, 8, 1, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ike_suite s = {t[i].encr, t[i].bits,
				      t[i].aead ? IKE_INTEG_NONE : IKE_INTEG_HMAC_SHA2_256_128,
				      IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256};

		assert_int_equal(ike_encr_key_len(t[i].encr, t[i].bits), t[i].key);
		assert_int_equal(ike_encr_iv_len(t[i].encr), t[i].iv);
		assert_int_equal(ike_encr_block_len(t[i].encr), t[i].block);
		assert_int_equal(ike_encr_is_aead(t[i].encr), t[i].aead);
		assert_int_equal(ike_suite_icv_len(&s), 16);
		assert_true(ike_suite_valid(&s));
		assert_true(ike_transform_supported(IKE_TF_ENCR, t[i].encr, t[i].bits));
	}
	assert_int_equal(ike_encr_key_len(IKE_ENCR_AES_CBC, 192), 0);
	assert_int_equal(ike_encr_iv_len(IKE_ENCR_3DES), 0);
	assert_int_equal(ike_encr_block_len(IKE_ENCR_CHACHA20_POLY1305), 0);
	assert_false(ike_encr_is_aead(IKE_ENCR_AES_GCM_8));
}

static void
test_hash_lengths(void **state)
{
	static const struct {
		enum ike_integ integ;
		size_t key, icv;
	} integ[] = {
		{IKE_INTEG_HMAC_SHA1_96, 20, 12},      /* RFC 2404 */
		{IKE_INTEG_HMAC_SHA2_256_128, 32, 16}, /* RFC 4868 */
		{IKE_INTEG_HMAC_SHA2_384_192, 48, 24},
		{IKE_INTEG_HMAC_SHA2_512_256, 64, 32},
	};
	static const struct {
		enum ike_prf prf;
		size_t len;
	} prf[] = {
		{IKE_PRF_HMAC_SHA1, 20},
		{IKE_PRF_HMAC_SHA2_256, 32},
		{IKE_PRF_HMAC_SHA2_384, 48},
		{IKE_PRF_HMAC_SHA2_512, 64},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(integ) / sizeof(integ[0]); i++) {
		struct ike_suite s = {IKE_ENCR_AES_CBC, 128, integ[i].integ, IKE_PRF_HMAC_SHA1,
				      IKE_DH_MODP2048};

		assert_int_equal(ike_integ_key_len(integ[i].integ), integ[i].key);
		assert_int_equal(ike_integ_icv_len(integ[i].integ), integ[i].icv);
		assert_int_equal(ike_suite_icv_len(&s), integ[i].icv);
		assert_true(ike_transform_supported(IKE_TF_INTEG, integ[i].integ, 0));
	}
	for (size_t i = 0; i < sizeof(prf) / sizeof(prf[0]); i++) {
		assert_int_equal(ike_prf_len(prf[i].prf), prf[i].len);
		assert_true(ike_transform_supported(IKE_TF_PRF, prf[i].prf, 0));
	}
	assert_int_equal(ike_integ_key_len(IKE_INTEG_NONE), 0);
	assert_int_equal(ike_integ_icv_len(IKE_INTEG_AES_XCBC_96), 0);
	assert_int_equal(ike_prf_len(IKE_PRF_AES128_XCBC), 0);
}

static void
test_dh_lengths(void **state)
{
	static const struct {
		enum ike_dh dh;
		size_t pub, shared;
	} t[] = {
		{IKE_DH_MODP2048, 256, 256}, /* RFC 3526 */
		{IKE_DH_ECP256, 64, 32},     /* RFC 5903 section 7: x | y, shared x */
		{IKE_DH_ECP384, 96, 48},     {IKE_DH_ECP521, 132, 66},
		{IKE_DH_CURVE25519, 32, 32}, /* RFC 8031 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(ike_dh_public_len(t[i].dh), t[i].pub);
		assert_int_equal(ike_dh_shared_len(t[i].dh), t[i].shared);
		assert_true(ike_transform_supported(IKE_TF_DH, t[i].dh, 0));
	}
	assert_int_equal(ike_dh_public_len(IKE_DH_MODP1024), 0);
	assert_int_equal(ike_dh_shared_len(IKE_DH_MODP3072), 0);
}

/* What proposal selection must turn down. */
static void
test_unsupported(void **state)
{
	const struct ike_suite good = {IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128,
				       IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519};
	struct ike_suite s;

	(void)state;
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_AES_CBC, 0)); /* no Key Length */
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_AES_CBC, 192));
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_AES_GCM_8, 128));
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_AES_GCM_12, 256));
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_3DES, 0));
	assert_false(ike_transform_supported(IKE_TF_ENCR, IKE_ENCR_NULL, 0));
	assert_false(ike_transform_supported(IKE_TF_PRF, IKE_PRF_HMAC_MD5, 0));
	assert_false(ike_transform_supported(IKE_TF_PRF, IKE_PRF_AES128_XCBC, 0));
	assert_false(ike_transform_supported(IKE_TF_INTEG, IKE_INTEG_HMAC_MD5_96, 0));
	assert_false(ike_transform_supported(IKE_TF_INTEG, IKE_INTEG_AES_XCBC_96, 0));
	assert_true(ike_transform_supported(IKE_TF_INTEG, IKE_INTEG_NONE, 0));
	assert_false(ike_transform_supported(IKE_TF_DH, IKE_DH_MODP1024, 0));
	assert_false(ike_transform_supported(IKE_TF_DH, IKE_DH_NONE, 0));
	assert_false(ike_transform_supported(IKE_TF_ESN, IKE_ESN_NO, 0));
	assert_false(ike_transform_supported((enum ike_transform_type)9, 1, 0));

	assert_true(ike_suite_valid(&good));
	s = good;
	s.integ = IKE_INTEG_NONE; /* CBC needs an integrity transform */
	assert_false(ike_suite_valid(&s));
	s = good;
	s.encr = IKE_ENCR_AES_GCM_16; /* GCM must come with NONE (RFC 5282 section 8) */
	assert_false(ike_suite_valid(&s));
	s.integ = IKE_INTEG_NONE;
	assert_true(ike_suite_valid(&s));
	s = good;
	s.dh = IKE_DH_MODP1536;
	assert_false(ike_suite_valid(&s));
	s = good;
	s.prf = IKE_PRF_HMAC_MD5;
	assert_false(ike_suite_valid(&s));
	s = good;
	s.encr_bits = 0;
	assert_false(ike_suite_valid(&s));
	assert_int_equal(ike_suite_icv_len(&s), 0);
}

static void
test_random(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0};

	(void)state;
	assert_int_equal(ike_random(a, sizeof(a)), 0);
	assert_int_equal(ike_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_false(all_zero(a, sizeof(a)));
	assert_int_equal(ike_random(a, 0), 0);
	assert_int_equal(ike_random(a, (size_t)INT_MAX + 1), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encr_lengths), cmocka_unit_test(test_hash_lengths),
		cmocka_unit_test(test_dh_lengths),   cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
