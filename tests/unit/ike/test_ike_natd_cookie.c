/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT detection hashes (RFC 7296 section 2.23) and COOKIEs (section 2.6) against
 * ike_vectors.h (Python hashlib), IPv4 and IPv6; cookie secret rotation.
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

static void
test_natd_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_natd) / sizeof(vec_natd[0]); i++) {
		const struct vec_natd *v = &vec_natd[i];
		uint8_t spi_i[8], spi_r[8], addr[16], out[IKE_NATD_LEN], want[IKE_NATD_LEN];
		size_t al = unhex(v->addr, addr, sizeof(addr));

		unhex(v->spi_i, spi_i, 8);
		unhex(v->spi_r, spi_r, 8);
		assert_int_equal(ike_natd_hash(spi_i, spi_r, addr, al, v->port, out), 0);
		unhex(v->hash, want, sizeof(want));
		assert_memory_equal(out, want, sizeof(want));
		/* the port is hashed in network order: its byte-swapped value differs */
		assert_int_equal(ike_natd_hash(spi_i, spi_r, addr, al,
					       (uint16_t)(v->port << 8 | v->port >> 8), out),
				 0);
		assert_memory_not_equal(out, want, sizeof(want));
		assert_int_equal(ike_natd_hash(spi_i, spi_r, addr, 5, v->port, out), -EINVAL);
	}
}

struct cookie_case {
	struct ike_cookie_secret sec;
	uint8_t ni[64], ip[16], spi[8], cookie[IKE_COOKIE_LEN];
	size_t ni_len, ip_len;
};

static void
cookie_case(const struct vec_cookie *v, struct cookie_case *c)
{
	memset(c, 0, sizeof(*c));
	c->sec.version = v->version;
	secret_hex(&c->sec.key, v->secret);
	c->ni_len = unhex(v->ni, c->ni, sizeof(c->ni));
	c->ip_len = unhex(v->ip, c->ip, sizeof(c->ip));
	unhex(v->spi_i, c->spi, 8);
	assert_int_equal(unhex(v->cookie, c->cookie, sizeof(c->cookie)), IKE_COOKIE_LEN);
}

static int
check(const struct cookie_case *c, const struct ike_cookie_secret *cur,
      const struct ike_cookie_secret *prev, const uint8_t *cookie, size_t len)
{
	return ike_cookie_check(cur, prev, c->ni, c->ni_len, c->ip, c->ip_len, c->spi, cookie, len);
}

static void
test_cookie_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vec_cookie) / sizeof(vec_cookie[0]); i++) {
		struct cookie_case c;
		uint8_t out[IKE_COOKIE_LEN];

		cookie_case(&vec_cookie[i], &c);
		assert_int_equal(
			ike_cookie_make(&c.sec, c.ni, c.ni_len, c.ip, c.ip_len, c.spi, out), 0);
		assert_memory_equal(out, c.cookie, IKE_COOKIE_LEN);
		assert_int_equal(out[0], c.sec.version);
		assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), 0);
	}
}

/* A new secret; cookies of the previous one still pass, older ones are stale. */
static void
test_cookie_rotation(void **state)
{
	struct cookie_case c;
	struct ike_cookie_secret next;
	uint8_t fresh[IKE_COOKIE_LEN];

	(void)state;
	cookie_case(&vec_cookie[0], &c);
	next.version = (uint8_t)(c.sec.version + 1);
	secret_hex(&next.key, vec_cookie[1].secret);
	assert_int_equal(check(&c, &next, &c.sec, c.cookie, IKE_COOKIE_LEN), 0);
	assert_int_equal(check(&c, &next, NULL, c.cookie, IKE_COOKIE_LEN), -ESTALE);
	assert_int_equal(ike_cookie_make(&next, c.ni, c.ni_len, c.ip, c.ip_len, c.spi, fresh), 0);
	assert_int_equal(check(&c, &next, &c.sec, fresh, IKE_COOKIE_LEN), 0);
	assert_memory_not_equal(fresh + 1, c.cookie + 1, IKE_COOKIE_LEN - 1);
	/* the right version byte on a hash made with another secret */
	fresh[0] = c.sec.version;
	assert_int_equal(check(&c, &next, &c.sec, fresh, IKE_COOKIE_LEN), -EACCES);
}

static void
test_cookie_refuses(void **state)
{
	struct cookie_case c;

	(void)state;
	cookie_case(&vec_cookie[1], &c);
	for (size_t b = 1; b < IKE_COOKIE_LEN; b++) {
		c.cookie[b] ^= 0x40;
		assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), -EACCES);
		c.cookie[b] ^= 0x40;
	}
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN - 1), -EACCES);
	/* bound to Ni, the initiator's address and SPIi */
	c.ni[0] ^= 1;
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), -EACCES);
	c.ni[0] ^= 1;
	c.ip[15] ^= 1;
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), -EACCES);
	c.ip[15] ^= 1;
	c.spi[7] ^= 1;
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), -EACCES);
	c.spi[7] ^= 1;
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), 0);
	c.sec.key.len = 0;
	assert_int_equal(check(&c, &c.sec, NULL, c.cookie, IKE_COOKIE_LEN), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_natd_vectors),
		cmocka_unit_test(test_cookie_vectors),
		cmocka_unit_test(test_cookie_rotation),
		cmocka_unit_test(test_cookie_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
