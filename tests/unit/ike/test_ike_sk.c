/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Encrypted payload (RFC 7296 section 3.14, RFC 5282, RFC 7383).
 *
 *   AES-128-CBC       RFC 3602 section 4, cases #5-#8 (the ESP packets' IV and ciphertext,
 *                     shared with the dataplane tests in ../dataplane/kat_vectors.h)
 *   AES-256-CBC       NIST SP 800-38A F.2.5 / F.2.6 (CBC-AES256)
 *   AES-GCM           draft-mcgrew-gcm-test-01 (the RFC 4106 vectors, kat_vectors.h): the
 *                     same nonce = salt | IV and AAD mechanics RFC 5282 uses
 *   whole messages    ike_vectors.h: sealed by Python (gen_vectors.py) for every suite; C
 *                     opens them all and reproduces the ones sealed its way byte for byte
 *   negative          every single-bit flip of a sealed message (header, IV, ciphertext,
 *                     ICV) -> bad ICV, or short when it hits a Length field, and the
 *                     message left untouched; bad Pad Length;
 *                     every truncation below the minimum; misaligned CBC ciphertext
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_crypto_int.h"
#include "ike_test.h"
#include "ike_vectors.h"

#include "../dataplane/kat_vectors.h"

#define NSUITES (sizeof(vec_suites) / sizeof(vec_suites[0]))
#define MSG_MAX 2048

/* ---- the ciphers on published vectors ---- */

static void
test_cbc_rfc3602(void **state)
{
	const struct ike_encr_alg *a = ike_encr_alg(IKE_ENCR_AES_CBC, 128);

	(void)state;
	for (size_t i = 0; i < sizeof(cbc_esp_kats) / sizeof(cbc_esp_kats[0]); i++) {
		const struct cbc_esp_kat *k = &cbc_esp_kats[i];
		uint8_t key[16], pkt[256], pre[256], buf[256];
		size_t pl = unhex(k->packet, pkt, sizeof(pkt)),
		       n = unhex(k->pre_encryption, pre, sizeof(pre));
		const uint8_t *iv = pkt + 8, *ct = pkt + 24; /* SPI, sequence number, IV */

		assert_int_equal(unhex(k->key, key, sizeof(key)), 16);
		assert_int_equal(pl - 24, n);
		memcpy(buf, ct, n);
		assert_int_equal(ike_cbc_crypt(a, key, iv, buf, n, false), 0);
		assert_memory_equal(buf, pre, n);
		assert_int_equal(ike_cbc_crypt(a, key, iv, buf, n, true), 0);
		assert_memory_equal(buf, ct, n);
	}
	assert_int_equal(ike_cbc_crypt(a, (const uint8_t *)"0123456789abcdef",
				       (const uint8_t *)"0123456789abcdef", (uint8_t[17]){0}, 17,
				       true),
			 -EINVAL);
}

static void
test_cbc_sp800_38a(void **state)
{
	const struct ike_encr_alg *a = ike_encr_alg(IKE_ENCR_AES_CBC, 256);
	uint8_t key[32], iv[16], pt[64], ct[64], buf[64];

	(void)state;
	unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	      pt, 64);
	unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	      "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
	      ct, 64);
	memcpy(buf, pt, 64);
	assert_int_equal(ike_cbc_crypt(a, key, iv, buf, 64, true), 0);
	assert_memory_equal(buf, ct, 64);
	assert_int_equal(ike_cbc_crypt(a, key, iv, buf, 64, false), 0);
	assert_memory_equal(buf, pt, 64);
}

static void
test_gcm_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gcm_kats) / sizeof(gcm_kats[0]); i++) {
		const struct gcm_kat *k = &gcm_kats[i];
		uint8_t key[32], nonce[12], aad[32], pt[256], ct[256 + 16], buf[256], tag[16];
		size_t kl = unhex(k->key, key, sizeof(key)), al = unhex(k->aad, aad, sizeof(aad));
		size_t n = unhex(k->plaintext, pt, sizeof(pt));
		const struct ike_encr_alg *a =
			ike_encr_alg(IKE_ENCR_AES_GCM_16, (uint16_t)(kl * 8));

		assert_non_null(a);
		assert_int_equal(unhex(k->nonce, nonce, sizeof(nonce)), 12);
		assert_int_equal(unhex(k->ctext_tag, ct, sizeof(ct)), n + 16);
		memcpy(buf, pt, n);
		assert_int_equal(ike_gcm_seal(a, key, nonce, aad, al, buf, n, tag), 0);
		assert_memory_equal(buf, ct, n);
		assert_memory_equal(tag, ct + n, 16);
		assert_int_equal(ike_gcm_open(a, key, nonce, aad, al, buf, n, tag), 0);
		assert_memory_equal(buf, pt, n);
		/* a changed tag or AAD byte fails the tag check */
		tag[15] ^= 1;
		memcpy(buf, ct, n);
		assert_int_equal(ike_gcm_open(a, key, nonce, aad, al, buf, n, tag), -EBADMSG);
		tag[15] ^= 1;
		aad[0] ^= 0x80;
		memcpy(buf, ct, n);
		assert_int_equal(ike_gcm_open(a, key, nonce, aad, al, buf, n, tag), -EBADMSG);
	}
}

/* ---- whole messages ---- */

/* The keys of suite i, as the IKE SA's initiator (or responder) holds them. */
static void
suite_sk(size_t i, bool initiator, struct ike_sk *sk)
{
	const struct vec_suite *v = &vec_suites[i];
	struct ike_keys k;

	memset(&k, 0, sizeof(k));
	secret_hex(&k.ei, v->ei);
	secret_hex(&k.er, v->er);
	secret_hex(&k.ai, v->ai);
	secret_hex(&k.ar, v->ar);
	assert_int_equal(ike_sk_init(sk, &v->suite, &k, initiator), 0);
	ike_keys_wipe(&k);
}

/* Python sealed it; C opens it, and reproduces it when it was sealed C's way. */
static void
test_python_sealed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_sk) / sizeof(vec_sk[0]); i++) {
		const struct vec_sk *v = &vec_sk[i];
		uint8_t msg[MSG_MAX], buf[MSG_MAX], want_inner[MSG_MAX], iv[IKE_IV_MAX];
		size_t n = unhex(v->msg, msg, sizeof(msg));
		size_t il = unhex(v->inner, want_inner, sizeof(want_inner)), out_len = 0, len;
		struct ike_sk tx, rx;
		uint8_t *inner;

		suite_sk((size_t)v->suite, v->from_initiator, &tx);
		suite_sk((size_t)v->suite, !v->from_initiator, &rx);
		unhex(v->iv, iv, sizeof(iv));

		memcpy(buf, msg, n);
		if (v->bad_pad) {
			assert_int_equal(ike_sk_open(&rx, buf, n, v->sk_off, v->sk_hdr_len, &inner,
						     &out_len),
					 IKE_SK_ERR_PAD);
			continue;
		}
		assert_int_equal(
			ike_sk_open(&rx, buf, n, v->sk_off, v->sk_hdr_len, &inner, &out_len), 0);
		assert_int_equal(out_len, il);
		assert_memory_equal(inner, want_inner, il);
		assert_ptr_equal(inner, buf + v->sk_off + v->sk_hdr_len +
						ike_encr_iv_len(vec_suites[v->suite].suite.encr));

		/* The sender's own keys open nothing: directions have their own keys. */
		memcpy(buf, msg, n);
		assert_int_equal(
			ike_sk_open(&tx, buf, n, v->sk_off, v->sk_hdr_len, &inner, &out_len),
			IKE_SK_ERR_ICV);
		if (!v->c_form)
			continue;

		/* Headers as the codec leaves them: both Length fields still unset. */
		memset(buf, 0xee, sizeof(buf));
		memcpy(buf, msg, v->sk_off + v->sk_hdr_len);
		memset(buf + 24, 0, 4);
		memset(buf + v->sk_off + 2, 0, 2);
		assert_int_equal(ike_sk_seal_iv(&tx, buf, sizeof(buf), v->sk_off, v->sk_hdr_len,
						want_inner, il, iv, &len),
				 0);
		assert_int_equal(len, n);
		assert_memory_equal(buf, msg, n);
		assert_int_equal(ike_sk_payload_len(&tx, v->sk_hdr_len, il), n - v->sk_off);

		/* The inner chain already in place after the IV gives the same bytes. */
		memset(buf + v->sk_off + v->sk_hdr_len, 0, n - v->sk_off - v->sk_hdr_len);
		inner = buf + v->sk_off + v->sk_hdr_len + ike_encr_iv_len(tx.encr);
		memcpy(inner, want_inner, il);
		assert_int_equal(
			ike_sk_seal_iv(&tx, buf, n, v->sk_off, v->sk_hdr_len, inner, il, iv, &len),
			0);
		assert_memory_equal(buf, msg, n);
		ike_sk_wipe(&tx);
		ike_sk_wipe(&rx);
	}
}

static uint8_t
pattern(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* A fresh IKE_AUTH-like message: header, SK header (or SKF), then sealed. */
static size_t
seal_msg(struct ike_sk *tx, uint8_t *msg, size_t cap, size_t sk_hdr_len, size_t inner_len)
{
	uint8_t inner[MSG_MAX];
	size_t len = 0;

	memset(msg, 0, IKE_HDR_LEN + sk_hdr_len);
	for (size_t i = 0; i < 16; i++)
		msg[i] = pattern(i); /* SPIs */
	msg[16] = sk_hdr_len == IKE_SK_HDR_LEN ? IKE_PL_SK : IKE_PL_SKF;
	msg[17] = IKE_VERSION;
	msg[18] = IKE_AUTH;
	msg[19] = IKE_FLAG_INITIATOR;
	msg[23] = 1; /* message ID */
	msg[IKE_HDR_LEN] = IKE_PL_IDI;
	if (sk_hdr_len == IKE_SKF_HDR_LEN) {
		msg[IKE_HDR_LEN + 5] = 1;
		msg[IKE_HDR_LEN + 7] = 1;
	}
	for (size_t i = 0; i < inner_len; i++)
		inner[i] = pattern(i + 100);
	assert_int_equal(ike_sk_seal(tx, msg, cap, IKE_HDR_LEN, sk_hdr_len, inner, inner_len, &len),
			 0);
	return len;
}

/* ike_sk_seal (random or counter IV) and ike_sk_open agree, for every inner length. */
static void
test_roundtrip(void **state)
{
	(void)state;
	for (size_t s = 0; s < NSUITES; s++) {
		struct ike_sk tx, rx;
		bool aead = ike_encr_is_aead(vec_suites[s].suite.encr);
		uint8_t prev_iv[IKE_IV_MAX] = {0};

		suite_sk(s, true, &tx);
		suite_sk(s, false, &rx);
		for (size_t n = 0; n <= 70; n++) {
			uint8_t msg[MSG_MAX], *inner;
			size_t h = n % 2 ? IKE_SKF_HDR_LEN : IKE_SK_HDR_LEN, il = 0;
			size_t len = seal_msg(&tx, msg, sizeof(msg), h, n);
			const uint8_t *iv = msg + IKE_HDR_LEN + h;

			if (aead) { /* RFC 5282 section 3.1: the counter, big-endian */
				uint8_t want[8] = {0, 0, 0, 0, 0, 0, 0, (uint8_t)n};

				assert_memory_equal(iv, want, 8);
			} else { /* random: two IVs in a row are not equal */
				assert_memory_not_equal(iv, prev_iv, 16);
				memcpy(prev_iv, iv, 16);
			}
			assert_int_equal(ike_sk_open(&rx, msg, len, IKE_HDR_LEN, h, &inner, &il),
					 0);
			assert_int_equal(il, n);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(inner[i], pattern(i + 100));
		}
		assert_int_equal(tx.out.next_iv, aead ? 71 : 0);
		ike_sk_wipe(&tx);
		ike_sk_wipe(&rx);
	}
}

/* One bit flipped anywhere: the ICV fails, or a Length field no longer matches. */
static void
test_bit_flips(void **state)
{
	(void)state;
	for (size_t s = 0; s < NSUITES; s++) {
		uint8_t msg[MSG_MAX], buf[MSG_MAX], *inner;
		struct ike_sk tx, rx;
		size_t len, il;

		suite_sk(s, true, &tx);
		suite_sk(s, false, &rx);
		len = seal_msg(&tx, msg, sizeof(msg), IKE_SK_HDR_LEN, 37);
		for (size_t bit = 0; bit < len * 8; bit++) {
			size_t byte = bit / 8;
			bool length_field = (byte >= 24 && byte < 28) || byte == IKE_HDR_LEN + 2 ||
					    byte == IKE_HDR_LEN + 3;

			memcpy(buf, msg, len);
			buf[byte] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(ike_sk_open(&rx, buf, len, IKE_HDR_LEN, IKE_SK_HDR_LEN,
						     &inner, &il),
					 length_field ? IKE_SK_ERR_SHORT : IKE_SK_ERR_ICV);
			/* refused messages are left as they came (GCM too: tag first) */
			buf[byte] ^= (uint8_t)(1u << (bit % 8));
			assert_memory_equal(buf, msg, len);
		}
		memcpy(buf, msg, len);
		assert_int_equal(
			ike_sk_open(&rx, buf, len, IKE_HDR_LEN, IKE_SK_HDR_LEN, &inner, &il), 0);
		ike_sk_wipe(&tx);
		ike_sk_wipe(&rx);
	}
}

/* Write both Length fields for a message of total bytes (what a peer could send). */
static void
set_lengths(uint8_t *msg, size_t sk_off, size_t total)
{
	msg[24] = (uint8_t)(total >> 24);
	msg[25] = (uint8_t)(total >> 16);
	msg[26] = (uint8_t)(total >> 8);
	msg[27] = (uint8_t)total;
	msg[sk_off + 2] = (uint8_t)((total - sk_off) >> 8);
	msg[sk_off + 3] = (uint8_t)(total - sk_off);
}

/*
 * Shorter than IV + one block (CBC) or the Pad Length byte (GCM) + ICV, with consistent
 * Length fields: refused as short before any crypto. So are inconsistent Length fields
 * and CBC ciphertext that is not a whole number of blocks.
 */
static void
test_short(void **state)
{
	(void)state;
	for (size_t s = 0; s < NSUITES; s++) {
		const struct ike_suite *su = &vec_suites[s].suite;
		size_t iv = ike_encr_iv_len(su->encr), icv = ike_suite_icv_len(su);
		size_t min = iv + (ike_encr_is_aead(su->encr) ? 1 : 16) + icv;
		size_t sk = IKE_HDR_LEN, h = IKE_SK_HDR_LEN, il;
		uint8_t msg[MSG_MAX] = {0}, *inner;
		struct ike_sk rx;

		suite_sk(s, false, &rx);
		for (size_t body = 0; body < min; body++) {
			set_lengths(msg, sk, sk + h + body);
			assert_int_equal(ike_sk_open(&rx, msg, sk + h + body, sk, h, &inner, &il),
					 IKE_SK_ERR_SHORT);
		}
		for (size_t len = 0; len < sk + h; len++)
			assert_int_equal(ike_sk_open(&rx, msg, len, sk, h, &inner, &il),
					 IKE_SK_ERR_SHORT);
		if (!ike_encr_is_aead(su->encr)) {
			set_lengths(msg, sk, sk + h + min + 1);
			assert_int_equal(
				ike_sk_open(&rx, msg, sk + h + min + 1, sk, h, &inner, &il),
				IKE_SK_ERR_SHORT);
		}
		/* An authentic message cut short, or with trailing bytes, is refused as short. */
		{
			struct ike_sk tx;
			size_t len;

			suite_sk(s, true, &tx);
			len = seal_msg(&tx, msg, sizeof(msg), h, 20);
			assert_int_equal(ike_sk_open(&rx, msg, len - 1, sk, h, &inner, &il),
					 IKE_SK_ERR_SHORT);
			assert_int_equal(ike_sk_open(&rx, msg, len + 1, sk, h, &inner, &il),
					 IKE_SK_ERR_SHORT);
			/* Read as SKF: CBC is then misaligned, the GCM AAD is another one. */
			assert_int_equal(
				ike_sk_open(&rx, msg, len, sk, IKE_SKF_HDR_LEN, &inner, &il),
				ike_encr_is_aead(su->encr) ? IKE_SK_ERR_ICV : IKE_SK_ERR_SHORT);
			assert_int_equal(ike_sk_open(&rx, msg, len, sk, h, &inner, &il), 0);
			ike_sk_wipe(&tx);
		}
		/* arguments, not input */
		assert_int_equal(ike_sk_open(&rx, msg, 200, sk, 5, &inner, &il), -EINVAL);
		assert_int_equal(ike_sk_open(&rx, msg, 200, IKE_HDR_LEN - 1, h, &inner, &il),
				 -EINVAL);
		ike_sk_wipe(&rx);
	}
}

static void
test_seal_errors(void **state)
{
	static uint8_t big[70000];
	uint8_t msg[MSG_MAX] = {0};
	struct ike_sk tx;
	size_t len = 0, need;

	(void)state;
	for (size_t s = 0; s < NSUITES; s++) {
		suite_sk(s, true, &tx);
		need = IKE_HDR_LEN + ike_sk_payload_len(&tx, IKE_SK_HDR_LEN, 100);
		assert_int_equal(ike_sk_seal(&tx, msg, need - 1, IKE_HDR_LEN, IKE_SK_HDR_LEN, big,
					     100, &len),
				 -ENOSPC);
		assert_int_equal(
			ike_sk_seal(&tx, msg, need, IKE_HDR_LEN, IKE_SK_HDR_LEN, big, 100, &len),
			0);
		assert_int_equal(len, need);
		assert_int_equal(ike_sk_seal(&tx, big, sizeof(big), IKE_HDR_LEN, IKE_SK_HDR_LEN,
					     big, 65530, &len),
				 -EMSGSIZE); /* Payload Length is 16 bits */
		assert_int_equal(ike_sk_seal(&tx, msg, sizeof(msg), IKE_HDR_LEN, 6, big, 1, &len),
				 -EINVAL);
		assert_int_equal(
			ike_sk_seal(&tx, msg, sizeof(msg), 20, IKE_SK_HDR_LEN, big, 1, &len),
			-EINVAL);
		ike_sk_wipe(&tx);
	}
}

/* RFC 5282 section 3.1: refuse to seal rather than let the IV counter wrap. */
static void
test_gcm_iv_exhausted(void **state)
{
	uint8_t msg[MSG_MAX] = {0}, inner[4] = {1, 2, 3, 4}, *got;
	struct ike_sk tx, rx;
	size_t len = 0, il;

	(void)state;
	suite_sk(4, true, &tx);
	suite_sk(4, false, &rx);
	tx.out.next_iv = UINT64_MAX - 1;
	assert_int_equal(
		ike_sk_seal(&tx, msg, sizeof(msg), IKE_HDR_LEN, IKE_SK_HDR_LEN, inner, 4, &len), 0);
	assert_memory_equal(msg + IKE_HDR_LEN + IKE_SK_HDR_LEN,
			    ((uint8_t[8]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}), 8);
	assert_int_equal(ike_sk_open(&rx, msg, len, IKE_HDR_LEN, IKE_SK_HDR_LEN, &got, &il), 0);
	assert_int_equal(
		ike_sk_seal(&tx, msg, sizeof(msg), IKE_HDR_LEN, IKE_SK_HDR_LEN, inner, 4, &len),
		-EOVERFLOW);
	assert_int_equal(tx.out.next_iv, UINT64_MAX);
	ike_sk_wipe(&tx);
	ike_sk_wipe(&rx);
}

/* RFC 7383 sizing: the largest inner chain that fits a budget, and not one byte more. */
static void
test_sizing(void **state)
{
	(void)state;
	for (size_t s = 0; s < NSUITES; s++) {
		struct ike_sk tx;

		suite_sk(s, true, &tx);
		for (size_t budget = 80; budget < 400; budget++) {
			size_t m = ike_sk_max_inner(&tx, IKE_SKF_HDR_LEN, budget);

			assert_true(ike_sk_payload_len(&tx, IKE_SKF_HDR_LEN, m) <= budget);
			assert_true(ike_sk_payload_len(&tx, IKE_SKF_HDR_LEN, m + 1) > budget);
		}
		assert_int_equal(ike_sk_max_inner(&tx, IKE_SK_HDR_LEN, 20), 0);
		ike_sk_wipe(&tx);
	}
}

static void
test_init_errors(void **state)
{
	const struct vec_suite *v = &vec_suites[1];
	struct ike_suite gcm_integ = vec_suites[4].suite;
	struct ike_keys k;
	struct ike_sk sk;

	(void)state;
	memset(&k, 0, sizeof(k));
	secret_hex(&k.ei, v->ei);
	secret_hex(&k.er, v->er);
	secret_hex(&k.ai, v->ai);
	secret_hex(&k.ar, v->ar);
	k.ar.len--; /* a key of the wrong length for the suite */
	memset(&sk, 0xa5, sizeof(sk));
	assert_int_equal(ike_sk_init(&sk, &v->suite, &k, true), -EINVAL);
	assert_true(all_zero(&sk, sizeof(sk)));
	gcm_integ.integ = IKE_INTEG_HMAC_SHA2_256_128;
	assert_int_equal(ike_sk_init(&sk, &gcm_integ, &k, true), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbc_rfc3602),
		cmocka_unit_test(test_cbc_sp800_38a),
		cmocka_unit_test(test_gcm_vectors),
		cmocka_unit_test(test_python_sealed),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_seal_errors),
		cmocka_unit_test(test_gcm_iv_exhausted),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_init_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
