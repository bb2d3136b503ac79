/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PSK authentication (RFC 7296 section 2.15), both roles, against ike_vectors.h (Python
 * hmac from the same RealMessage, nonce, ID body and SK_p), for every PRF.
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

struct auth_case {
	uint8_t msg[512], nonce[IKE_NONCE_MAX], id[64], auth[IKE_PRF_MAX];
	size_t auth_len;
	struct secret sk_p;
	struct ike_auth_in in;
	enum ike_prf prf;
};

static void
auth_case(const struct vec_auth *v, struct auth_case *c)
{
	const struct vec_suite *s = &vec_suites[v->suite];

	memset(c, 0, sizeof(*c));
	c->prf = s->suite.prf;
	/* the initiator's AUTH uses SK_pi, the responder's SK_pr */
	secret_hex(&c->sk_p, v->initiator ? s->pi : s->pr);
	c->in.msg = c->msg;
	c->in.msg_len = unhex(v->msg, c->msg, sizeof(c->msg));
	c->in.nonce = c->nonce;
	c->in.nonce_len = unhex(v->nonce, c->nonce, sizeof(c->nonce));
	c->in.id = c->id;
	c->in.id_len = unhex(v->id, c->id, sizeof(c->id));
	c->in.sk_p = &c->sk_p;
	c->auth_len = unhex(v->auth, c->auth, sizeof(c->auth));
}

static void
test_auth_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_auth) / sizeof(vec_auth[0]); i++) {
		struct auth_case c;
		uint8_t out[IKE_PRF_MAX];

		auth_case(&vec_auth[i], &c);
		assert_int_equal(c.auth_len, ike_prf_len(c.prf));
		assert_int_equal(ike_auth_psk(c.prf, vec_psk, strlen(vec_psk), &c.in, out), 0);
		assert_memory_equal(out, c.auth, c.auth_len);
		assert_int_equal(ike_auth_psk_verify(c.prf, vec_psk, strlen(vec_psk), &c.in, c.auth,
						     c.auth_len),
				 0);
	}
}

/* Anything that differs: refused. */
static void
test_auth_verify_refuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_auth) / sizeof(vec_auth[0]); i++) {
		size_t psk_len = strlen(vec_psk);
		struct auth_case c;

		auth_case(&vec_auth[i], &c);
		for (size_t b = 0; b < c.auth_len; b++) { /* each byte of AUTH */
			c.auth[b] ^= 0x01;
			assert_int_equal(ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth,
							     c.auth_len),
					 -EACCES);
			c.auth[b] ^= 0x01;
		}
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len - 1),
			-EACCES);
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len - 1, &c.in, c.auth, c.auth_len),
			-EACCES);
		c.msg[c.in.msg_len - 1] ^= 1; /* the signed message */
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len),
			-EACCES);
		c.msg[c.in.msg_len - 1] ^= 1;
		c.nonce[0] ^= 1;
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len),
			-EACCES);
		c.nonce[0] ^= 1;
		c.id[4] ^= 1; /* the identity */
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len),
			-EACCES);
		c.id[4] ^= 1;
		c.sk_p.b[0] ^= 1; /* the other role's SK_p */
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len),
			-EACCES);
		c.sk_p.b[0] ^= 1;
		assert_int_equal(
			ike_auth_psk_verify(c.prf, vec_psk, psk_len, &c.in, c.auth, c.auth_len), 0);
	}
}

static void
test_auth_errors(void **state)
{
	struct auth_case c;
	uint8_t out[IKE_PRF_MAX];

	(void)state;
	auth_case(&vec_auth[0], &c);
	assert_int_equal(ike_auth_psk(IKE_PRF_HMAC_MD5, vec_psk, 4, &c.in, out), -ENOTSUP);
	assert_int_equal(ike_auth_psk(c.prf, vec_psk, 0, &c.in, out), -EINVAL);
	c.in.id_len = 3; /* shorter than ID Type + RESERVED */
	assert_int_equal(ike_auth_psk(c.prf, vec_psk, 4, &c.in, out), -EINVAL);
	c.in.id_len = 8;
	c.in.msg_len = IKE_HDR_LEN - 1;
	assert_int_equal(ike_auth_psk(c.prf, vec_psk, 4, &c.in, out), -EINVAL);
	assert_int_equal(ike_auth_psk_verify(c.prf, vec_psk, 4, &c.in, out, 20), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_vectors),
		cmocka_unit_test(test_auth_verify_refuses),
		cmocka_unit_test(test_auth_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
