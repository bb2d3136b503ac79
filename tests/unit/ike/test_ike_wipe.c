/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secrets do not outlive their owners.
 *
 * 1. The wipe functions zero the whole object (struct ike_keys, ike_sk, ike_dh_shared,
 *    ike_keymat) and failed calls leave their outputs zeroed.
 * 2. OpenSSL's allocator is replaced (CRYPTO_set_mem_functions, before OpenSSL allocates
 *    anything) by one that, when a block is freed or reallocated, searches it for the
 *    secrets this test knows: DH private values (big-endian, and byte-reversed as BIGNUM
 *    limbs hold them on this little-endian machine), g^ir, SK_*, the PSK, KEYMAT. A DH key
 *    freed with its private value intact, an HMAC or cipher context freed with its key, or
 *    any temporary we pass to OpenSSL and forget, makes the test fail. At the end, blocks
 *    still allocated (OpenSSL's caches) are searched too.
 *
 * One lapse is OpenSSL's own and is let through, by name: OpenSSL 3.0's x86-64 P-256 code
 * (crypto/ec/ecp_nistz256.c, ecp_nistz256_windowed_mul) copies the scalar into a heap
 * buffer (p_str) that it frees with OPENSSL_free, not OPENSSL_clear_free, on every ECDH.
 * Only that file, and only the P-256 private value, is excused; the count is printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "ike_crypto_int.h"
#include "ike_test.h"
#include "ike_vectors.h"

/* ---- a tracking allocator for OpenSSL ---- */

struct blk {
	struct blk *prev, *next;
	size_t size;
	max_align_t align; /* the user's bytes start after this header, aligned */
};

#define NEEDLE_MAX 64

static struct blk live = {&live, &live, 0, {0}};
static struct {
	uint8_t b[IKE_DH_SHARED_MAX];
	size_t len;
	const char *what;
} needles[NEEDLE_MAX];
static size_t n_needles;
static const char *found; /* the first secret seen in memory that should not hold it */
static size_t scanned, excused;

#define ECP256_PRIVATE "ECP-256 private"

/* OpenSSL's known lapse (see above), recognised by the file that frees the block. */
static bool
openssl_nistz256_lapse(const char *file, const char *what)
{
	return file != NULL && strstr(file, "crypto/ec/ecp_nistz256.c") != NULL &&
	       strcmp(what, ECP256_PRIVATE) == 0;
}

static void
scan(const struct blk *h, const char *file)
{
	const uint8_t *p = (const uint8_t *)(h + 1);

	scanned++;
	for (size_t i = 0; i < n_needles && found == NULL; i++) {
		if (memmem(p, h->size, needles[i].b, needles[i].len) == NULL)
			continue;
		if (openssl_nistz256_lapse(file, needles[i].what))
			excused++;
		else
			found = needles[i].what;
	}
}

static void *
t_malloc(size_t n, const char *file, int line)
{
	struct blk *h = malloc(sizeof(*h) + n);

	(void)file;
	(void)line;
	if (h == NULL)
		return NULL;
	h->size = n;
	h->next = live.next;
	h->prev = &live;
	live.next->prev = h;
	live.next = h;
	return h + 1;
}

static void
t_free(void *p, const char *file, int line)
{
	struct blk *h;

	(void)file;
	(void)line;
	if (p == NULL)
		return;
	h = (struct blk *)p - 1;
	scan(h, file);
	h->prev->next = h->next;
	h->next->prev = h->prev;
	free(h);
}

static void *
t_realloc(void *p, size_t n, const char *file, int line)
{
	void *q;

	if (p == NULL)
		return t_malloc(n, file, line);
	q = t_malloc(n, file, line);
	if (q != NULL) {
		size_t old = ((struct blk *)p - 1)->size;

		memcpy(q, p, old < n ? old : n);
		t_free(p, file, line); /* the old block is scanned as it goes */
	}
	return q;
}

static void
needle(const char *what, const uint8_t *b, size_t len, bool reversed_too)
{
	assert_true(n_needles + 2 <= NEEDLE_MAX && len <= sizeof(needles[0].b) && len >= 16);
	memcpy(needles[n_needles].b, b, len);
	needles[n_needles].len = len;
	needles[n_needles++].what = what;
	if (!reversed_too)
		return;
	for (size_t i = 0; i < len; i++)
		needles[n_needles].b[i] = b[len - 1 - i];
	needles[n_needles].len = len;
	needles[n_needles++].what = what;
}

static void
needle_hex(const char *what, const char *hex, bool reversed_too)
{
	uint8_t b[IKE_DH_SHARED_MAX];

	needle(what, b, unhex(hex, b, sizeof(b)), reversed_too);
}

/* ---- 1. the wipe functions ---- */

static void
test_wipe_functions(void **state)
{
	const struct vec_suite *v = &vec_suites[1];
	struct ike_keymat km;
	struct ike_keys k;
	struct ike_sk sk;
	struct kx x;

	(void)state;
	kx_hex(&x, v->ni, v->nr, v->spi_i, v->spi_r, v->gir);
	assert_int_equal(ike_keys_from_init(&v->suite, &x.n, &x.gir, x.spi_i, x.spi_r, &k), 0);
	assert_false(all_zero(&k.d, sizeof(k.d)));
	assert_int_equal(ike_sk_init(&sk, &v->suite, &k, true), 0);
	assert_int_equal(ike_child_keymat(v->suite.prf, &k.d, &x.gir, &x.n, 128, &km), 0);
	assert_false(all_zero(km.b, km.len));

	ike_keymat_wipe(&km);
	assert_true(all_zero(&km, sizeof(km)));
	ike_sk_wipe(&sk);
	assert_true(all_zero(&sk, sizeof(sk)));
	ike_keys_wipe(&k);
	assert_true(all_zero(&k, sizeof(k)));
	ike_dh_shared_wipe(&x.gir);
	assert_true(all_zero(&x.gir, sizeof(x.gir)));
	ike_keymat_wipe(NULL); /* mem_wipe accepts NULL */
}

/* ---- 2. nothing OpenSSL frees (or still holds) contains a secret ---- */

static void
dh_pair(enum ike_dh group, const char *xi, const char *xr, const char *pub_r, const char *shared)
{
	uint8_t a[IKE_DH_PUB_MAX], b[IKE_DH_PUB_MAX];
	struct ike_dh_key *ki, *kr;
	struct ike_dh_shared s;

	ki = ike_dh_key_from_private(group, a, unhex(xi, a, sizeof(a)));
	kr = ike_dh_key_from_private(group, b, unhex(xr, b, sizeof(b)));
	assert_non_null(ki);
	assert_non_null(kr);
	assert_int_equal(ike_dh_key_derive(ki, b, unhex(pub_r, b, sizeof(b)), &s), 0);
	assert_hex(s.b, s.len, shared);
	ike_dh_shared_wipe(&s);
	ike_dh_key_free(ki);
	ike_dh_key_free(kr);
}

static void
key_schedule_and_use(size_t si)
{
	const struct vec_suite *v = &vec_suites[si];
	uint8_t msg[512], inner[40] = {1}, *got;
	uint8_t auth[IKE_PRF_MAX], id[8] = {1, 0, 0, 0, 192, 0, 2, 1};
	struct ike_sk tx, rx;
	struct ike_keymat km;
	struct ike_keys k;
	size_t len, il;
	struct kx x;

	kx_hex(&x, v->ni, v->nr, v->spi_i, v->spi_r, v->gir);
	assert_int_equal(ike_keys_from_init(&v->suite, &x.n, &x.gir, x.spi_i, x.spi_r, &k), 0);
	assert_int_equal(ike_sk_init(&tx, &v->suite, &k, true), 0);
	assert_int_equal(ike_sk_init(&rx, &v->suite, &k, false), 0);
	memset(msg, 0, IKE_HDR_LEN + IKE_SK_HDR_LEN);
	assert_int_equal(ike_sk_seal(&tx, msg, sizeof(msg), IKE_HDR_LEN, IKE_SK_HDR_LEN, inner,
				     sizeof(inner), &len),
			 0);
	assert_int_equal(ike_sk_open(&rx, msg, len, IKE_HDR_LEN, IKE_SK_HDR_LEN, &got, &il), 0);
	{
		const struct ike_auth_in in = {msg, len, x.nr, x.n.r_len, id, sizeof(id), &k.pi};

		assert_int_equal(ike_auth_psk(v->suite.prf, vec_psk, strlen(vec_psk), &in, auth),
				 0);
		assert_int_equal(ike_auth_psk_verify(v->suite.prf, vec_psk, strlen(vec_psk), &in,
						     auth, ike_prf_len(v->suite.prf)),
				 0);
	}
	assert_int_equal(ike_child_keymat(v->suite.prf, &k.d, &x.gir, &x.n, 128, &km), 0);
	ike_keymat_wipe(&km);
	ike_sk_wipe(&tx);
	ike_sk_wipe(&rx);
	ike_keys_wipe(&k);
	ike_dh_shared_wipe(&x.gir);
}

static void
test_no_secret_left_in_heap(void **state)
{
	(void)state;
	/* RFC 7748 6.1 and RFC 5903 8.1 private values and results; MODP from Python */
	needle_hex("X25519 private",
		   "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", false);
	needle_hex("X25519 g^ir",
		   "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", false);
	needle_hex(ECP256_PRIVATE,
		   "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433", true);
	needle_hex("ECP-256 g^ir",
		   "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE", true);
	needle_hex("MODP private", vec_modp.xi, true);
	needle_hex("MODP g^ir", vec_modp.shared, true);
	for (size_t s = 1; s < 6; s += 3) { /* a CBC suite and a GCM suite */
		needle_hex("SK_d", vec_suites[s].d, false);
		needle_hex("SK_ei", vec_suites[s].ei, false);
		needle_hex("SK_er", vec_suites[s].er, false);
		needle_hex("SK_pi", vec_suites[s].pi, false);
		if (vec_suites[s].ai[0] != '\0')
			needle_hex("SK_ai", vec_suites[s].ai, false);
	}
	needle("PSK", (const uint8_t *)vec_psk, strlen(vec_psk), false);

	dh_pair(IKE_DH_CURVE25519,
		"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
		"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	dh_pair(IKE_DH_ECP256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
		"C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
		"D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
		"56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
		"D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
	dh_pair(IKE_DH_MODP2048, vec_modp.xi, vec_modp.xr, vec_modp.pub_r, vec_modp.shared);
	key_schedule_and_use(1);
	key_schedule_and_use(4);

	assert_true(scanned > 100); /* the allocator really is OpenSSL's */
	if (found != NULL)
		fail_msg("a freed OpenSSL block still held %s", found);
	print_message("%zu OpenSSL blocks searched; %zu freed by ecp_nistz256.c with the P-256 "
		      "scalar in them (OpenSSL's, excused)\n",
		      scanned, excused);
	for (const struct blk *h = live.next; h != &live; h = h->next)
		scan(h, NULL);
	if (found != NULL)
		fail_msg("a live OpenSSL block holds %s", found);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wipe_functions),
		cmocka_unit_test(test_no_secret_left_in_heap),
	};

	/* Before anything makes OpenSSL allocate, or the call is refused. */
	if (!CRYPTO_set_mem_functions(t_malloc, t_realloc, t_free))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
