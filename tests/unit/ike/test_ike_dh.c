/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diffie-Hellman for the KE payload.
 *
 *   Curve25519      RFC 7748 section 6.1 (Alice and Bob)
 *   ECP 256/384/521 RFC 5903 section 8.1-8.3: i, g^i, r, g^r, g^ir (x only, section 7)
 *   MODP 2048       ike_vectors.h: g^x and g^xy by Python pow() with p from RFC 3526's
 *                   formula; a shared secret with a leading zero byte (MODP and ECP)
 *   invalid peers   MODP 0, 1, p-1, p, 2^2048-1 (RFC 6989 section 2.2); ECP off-curve,
 *                   x = p, all-zero (section 2.3); X25519 inputs of small order whose
 *                   result is all zero (RFC 8031 section 2.3)
 *
 * The RFC vectors were checked against python3-cryptography when transcribed.
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

struct dh_kat {
	const char *name;
	enum ike_dh group;
	const char *i, *gi, *r, *gr, *gir;
};

static const struct dh_kat dh_kats[] = {
	{"RFC 7748 6.1", IKE_DH_CURVE25519,
	 "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	 "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	 "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	 "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	 "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
	{"RFC 5903 8.1", IKE_DH_ECP256,
	 "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	 "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	 "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	 "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	 "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	 "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	 "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
	{"RFC 5903 8.2", IKE_DH_ECP384,
	 "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	 "E35B538041E649EE3FAEF896783AB194",
	 "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	 "DE3AC808ACB4BDB4C88732AEE95F41AA"
	 "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	 "EB9FCFF3C2C947DAE69B4C634573A81C",
	 "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	 "E0308312916B8ED2960E4BD55A7448FC",
	 "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	 "0D1AC43A0336DEF96FDA41D0774A3571"
	 "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
	 "F83FA40142209DFF5EAAD96DB9E6386C",
	 "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	 "D603135569B9E9D09CF5D4A270F59746"},
	{"RFC 5903 8.3", IKE_DH_ECP521,
	 "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
	 "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
	 "4A52",
	 "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
	 "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
	 "ED3E"
	 "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
	 "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
	 "9582",
	 "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E"
	 "9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB15168"
	 "5EB9",
	 "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
	 "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
	 "460F"
	 "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
	 "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
	 "C56A",
	 "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
	 "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
	 "DDEA"},
};

static const enum ike_dh groups[] = {
	IKE_DH_MODP2048, IKE_DH_ECP256, IKE_DH_ECP384, IKE_DH_ECP521, IKE_DH_CURVE25519,
};

/* A key pair from a hex private value; its public value must be pub_hex. */
static struct ike_dh_key *
kat_key(enum ike_dh group, const char *priv_hex, const char *pub_hex)
{
	uint8_t priv[IKE_DH_PUB_MAX], pub[IKE_DH_PUB_MAX];
	size_t n = unhex(priv_hex, priv, sizeof(priv));
	struct ike_dh_key *k = ike_dh_key_from_private(group, priv, n);

	assert_non_null(k);
	assert_int_equal(ike_dh_key_group(k), group);
	assert_int_equal(ike_dh_key_public(k, pub, ike_dh_public_len(group)), 0);
	assert_hex(pub, ike_dh_public_len(group), pub_hex);
	return k;
}

static void
assert_derive(const struct ike_dh_key *k, const char *peer_hex, const char *want_hex)
{
	uint8_t peer[IKE_DH_PUB_MAX];
	size_t n = unhex(peer_hex, peer, sizeof(peer));
	struct ike_dh_shared s;

	assert_int_equal(ike_dh_key_derive(k, peer, n, &s), 0);
	assert_int_equal(s.len, ike_dh_shared_len(ike_dh_key_group(k)));
	assert_hex(s.b, s.len, want_hex);
	ike_dh_shared_wipe(&s);
}

static void
test_rfc_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dh_kats) / sizeof(dh_kats[0]); i++) {
		const struct dh_kat *v = &dh_kats[i];
		struct ike_dh_key *ki = kat_key(v->group, v->i, v->gi);
		struct ike_dh_key *kr = kat_key(v->group, v->r, v->gr);

		assert_derive(ki, v->gr, v->gir);
		assert_derive(kr, v->gi, v->gir);
		ike_dh_key_free(ki);
		ike_dh_key_free(kr);
	}
}

static void
test_modp_vectors(void **state)
{
	struct ike_dh_key *ki = kat_key(IKE_DH_MODP2048, vec_modp.xi, vec_modp.pub_i);
	struct ike_dh_key *kr = kat_key(IKE_DH_MODP2048, vec_modp.xr, vec_modp.pub_r);

	(void)state;
	assert_derive(ki, vec_modp.pub_r, vec_modp.shared);
	assert_derive(kr, vec_modp.pub_i, vec_modp.shared);
	ike_dh_key_free(kr);
	ike_dh_key_free(ki);
}

/* Section 2.14 / RFC 5903 section 7: a g^ir starting with 0x00 keeps its full length. */
static void
test_leading_zero(void **state)
{
	struct ike_dh_key *m = kat_key(IKE_DH_MODP2048, vec_modp.xi, vec_modp.pub_i);
	uint8_t d[32];
	struct ike_dh_key *e;

	(void)state;
	assert_derive(m, vec_lz.modp_pub_r, vec_lz.modp_shared);
	e = ike_dh_key_from_private(IKE_DH_ECP256, d, unhex(vec_lz.ecp_d, d, sizeof(d)));
	assert_non_null(e);
	assert_derive(e, vec_lz.ecp_peer, vec_lz.ecp_shared);
	assert_true(vec_lz.modp_shared[0] == '0' && vec_lz.modp_shared[1] == '0');
	assert_true(vec_lz.ecp_shared[0] == '0' && vec_lz.ecp_shared[1] == '0');
	ike_dh_key_free(e);
	ike_dh_key_free(m);
}

/* Two fresh key pairs of every group agree, with the lengths the group defines. */
static void
test_fresh_agreement(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct ike_dh_key *a = ike_dh_key_new(groups[i]), *b = ike_dh_key_new(groups[i]);
		uint8_t pa[IKE_DH_PUB_MAX], pb[IKE_DH_PUB_MAX];
		size_t len = ike_dh_public_len(groups[i]);
		struct ike_dh_shared sa, sb;

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(ike_dh_key_public(a, pa, len), 0);
		assert_int_equal(ike_dh_key_public(b, pb, len), 0);
		assert_memory_not_equal(pa, pb, len);
		assert_int_equal(ike_dh_key_public(a, pa, len - 1), -EMSGSIZE);
		assert_int_equal(ike_dh_key_derive(a, pb, len, &sa), 0);
		assert_int_equal(ike_dh_key_derive(b, pa, len, &sb), 0);
		assert_int_equal(sa.len, ike_dh_shared_len(groups[i]));
		assert_int_equal(sa.len, sb.len);
		assert_memory_equal(sa.b, sb.b, sa.len);
		assert_false(all_zero(sa.b, sa.len));
		ike_dh_shared_wipe(&sa);
		ike_dh_shared_wipe(&sb);
		ike_dh_key_free(a);
		ike_dh_key_free(b);
	}
	assert_null(ike_dh_key_new(IKE_DH_MODP1024));
	assert_null(ike_dh_key_new(IKE_DH_NONE));
	ike_dh_key_free(NULL);
}

/* A refused value leaves *out wiped, whatever it held. */
static void
assert_refused(const struct ike_dh_key *k, const uint8_t *peer, size_t len, int want)
{
	struct ike_dh_shared s;

	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(ike_dh_key_derive(k, peer, len, &s), want);
	assert_true(all_zero(&s, sizeof(s)));
}

/* RFC 6989 section 2.2: 1 < y < p-1. */
static void
test_modp_invalid(void **state)
{
	struct ike_dh_key *k = ike_dh_key_new(IKE_DH_MODP2048);
	uint8_t p[256], y[257];
	struct ike_dh_shared s;

	(void)state;
	assert_non_null(k);
	assert_int_equal(unhex(vec_modp.p, p, sizeof(p)), 256);
	assert_int_equal(p[255] & 1, 1);

	memset(y, 0, 256);
	assert_refused(k, y, 256, -EINVAL); /* 0 */
	y[255] = 1;
	assert_refused(k, y, 256, -EINVAL); /* 1 */
	y[255] = 2;
	assert_int_equal(ike_dh_key_derive(k, y, 256, &s), 0); /* 2 = g: the least valid */
	memcpy(y, p, 256);
	assert_refused(k, y, 256, -EINVAL); /* p */
	y[255] -= 1;
	assert_refused(k, y, 256, -EINVAL); /* p - 1 */
	y[255] -= 1;
	assert_int_equal(ike_dh_key_derive(k, y, 256, &s), 0); /* p - 2: the largest valid */
	memcpy(y, p, 256);
	for (int i = 255; i >= 0 && ++y[i] == 0; i--) /* p ends in ff..ff: carry */
		;
	assert_refused(k, y, 256, -EINVAL); /* p + 1 */
	memset(y, 0xff, 256);
	assert_refused(k, y, 256, -EINVAL); /* 2^2048 - 1 */
	/* Section 3.4: the KE data length is the group's. */
	assert_refused(k, y, 255, -EMSGSIZE);
	assert_refused(k, y, 257, -EMSGSIZE);
	ike_dh_shared_wipe(&s);
	ike_dh_key_free(k);
}

/* RFC 6989 section 2.3: the point must be on the curve. */
static void
test_ecp_invalid(void **state)
{
	/* the P-256 field prime (FIPS 186-4 D.1.2.3), and RFC 5903 8.1's g^r */
	static const char p256[] =
		"FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";
	struct ike_dh_key *k = ike_dh_key_new(IKE_DH_ECP256);
	uint8_t pt[64], good[64];

	(void)state;
	assert_non_null(k);
	unhex(dh_kats[1].gr, good, sizeof(good));
	memcpy(pt, good, 64);
	pt[31] ^= 1; /* x off by one bit: (x, y) is not on the curve */
	assert_refused(k, pt, 64, -EINVAL);
	memcpy(pt, good, 64);
	pt[63] ^= 0x80;
	assert_refused(k, pt, 64, -EINVAL);
	memset(pt, 0, 64); /* (0, 0): the infinity encoding some stacks use */
	assert_refused(k, pt, 64, -EINVAL);
	unhex(p256, pt, 32); /* x = p, which is 0 mod p: out of range */
	memcpy(pt + 32, good + 32, 32);
	assert_refused(k, pt, 64, -EINVAL);
	assert_refused(k, good, 63, -EMSGSIZE);
	assert_refused(k, good, 65, -EMSGSIZE);
	/* The point of another group's size is refused by length, not misread. */
	ike_dh_key_free(k);
	k = ike_dh_key_new(IKE_DH_ECP384);
	assert_refused(k, good, 64, -EMSGSIZE);
	ike_dh_key_free(k);
}

/*
 * RFC 8031 section 2.3: an all-zero result MUST be refused. u = 0, u = 1 (order 4) and
 * u = p = 2^255 - 19 (non-canonical 0) all give it, whatever the private value.
 */
static void
test_x25519_zero(void **state)
{
	struct ike_dh_key *k = ike_dh_key_new(IKE_DH_CURVE25519);
	uint8_t u[32];

	(void)state;
	assert_non_null(k);
	memset(u, 0, 32);
	assert_refused(k, u, 32, -EINVAL);
	u[0] = 1; /* little-endian u = 1 */
	assert_refused(k, u, 32, -EINVAL);
	memset(u, 0xff, 32);
	u[0] = 0xed;
	u[31] = 0x7f; /* 2^255 - 19 */
	assert_refused(k, u, 32, -EINVAL);
	assert_refused(k, u, 31, -EMSGSIZE);
	ike_dh_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_vectors),  cmocka_unit_test(test_modp_vectors),
		cmocka_unit_test(test_leading_zero), cmocka_unit_test(test_fresh_agreement),
		cmocka_unit_test(test_modp_invalid), cmocka_unit_test(test_ecp_invalid),
		cmocka_unit_test(test_x25519_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
