/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHILD_SAs of protocol AH (RFC 7296 section 3.3, RFC 4302) negotiated by IKE:
 *
 *   - the proposal an AH transform set offers: protocol 2, a 4-byte SPI,
 *     integrity and ESN transforms and no encryption transform (3.3.3);
 *   - the responder's choice: an AH transform set picks the peer's AH
 *     proposal, never an ESP one, and refuses an AH proposal carrying an
 *     encryption transform; the initiator refuses an answer of the other
 *     protocol;
 *   - two engines (ike_pair.h): the CHILD_SA comes up as AH on both sides
 *     (the fake dataplane gets IPPROTO_AH, no cipher key, the HMAC key of
 *     the transform), AH against ESP gets no CHILD_SA, a DELETE names the
 *     AH SPI and takes both halves, and behind a NAT the AH SA is refused
 *     with a log line that says why.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/ike/ike_engine.h"
#include "ike_pair.h"

static struct pair P;

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

static const struct cfg_transform_set ah_sha256 = {
	.name = "AH", .proto = IPPROTO_AH, .cipher = DP_CIPHER_NULL,
	.auth = DP_AUTH_HMAC_SHA256_128,
};

static const struct ike_transform *
find_tf(const struct ike_proposal *p, uint8_t type)
{
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->tf[i].type == type)
			return &p->tf[i];
	return NULL;
}

/* ---- proposals ---- */

static void
test_ah_offer(void **state)
{
	struct ike_proposal p;

	(void)state;
	prop_child_offer(&ah_sha256, 0x11223344, 0, &p);
	assert_int_equal(p.proto, IKE_PROTO_AH);
	assert_int_equal(p.spi_size, 4);
	assert_memory_equal(p.spi, "\x11\x22\x33\x44", 4);
	assert_null(find_tf(&p, IKE_TF_ENCR));
	assert_non_null(find_tf(&p, IKE_TF_INTEG));
	assert_int_equal(find_tf(&p, IKE_TF_INTEG)->id, IKE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(find_tf(&p, IKE_TF_ESN)->id, IKE_ESN_NO);
	assert_null(find_tf(&p, IKE_TF_DH));
	assert_int_equal(p.n_transforms, 2);
}

static void
put_tf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t key_len)
{
	p->tf[p->n_transforms++] = (struct ike_transform){.type = type, .id = id, .key_len = key_len};
}

static void
test_ah_select(void **state)
{
	struct ike_sa_pl peer = {.n_proposals = 3};
	struct ike_proposal answer;
	struct child_suite cs;
	uint32_t spi = 0;

	(void)state;
	/* 1: ESP with the same integrity; 2: AH with an encryption transform; 3: plain AH */
	peer.prop[0] = (struct ike_proposal){.num = 1, .proto = IKE_PROTO_ESP, .spi_size = 4,
					     .spi = {0, 0, 1, 1}};
	put_tf(&peer.prop[0], IKE_TF_ENCR, IKE_ENCR_AES_CBC, 128);
	put_tf(&peer.prop[0], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	put_tf(&peer.prop[0], IKE_TF_ESN, IKE_ESN_NO, 0);
	peer.prop[1] = (struct ike_proposal){.num = 2, .proto = IKE_PROTO_AH, .spi_size = 4,
					     .spi = {0, 0, 2, 2}};
	put_tf(&peer.prop[1], IKE_TF_ENCR, IKE_ENCR_NULL, 0);
	put_tf(&peer.prop[1], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	put_tf(&peer.prop[1], IKE_TF_ESN, IKE_ESN_NO, 0);
	peer.prop[2] = (struct ike_proposal){.num = 3, .proto = IKE_PROTO_AH, .spi_size = 4,
					     .spi = {0, 0, 3, 3}};
	put_tf(&peer.prop[2], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA1_96, 0);
	put_tf(&peer.prop[2], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	put_tf(&peer.prop[2], IKE_TF_ESN, IKE_ESN_NO, 0);

	assert_int_equal(prop_child_select(&ah_sha256, 0, false, &peer, &cs, &spi, &answer), 0);
	assert_int_equal(spi, 0x0303);
	assert_int_equal(answer.num, 3);
	assert_int_equal(answer.proto, IKE_PROTO_AH);
	assert_null(find_tf(&answer, IKE_TF_ENCR));
	assert_int_equal(find_tf(&answer, IKE_TF_INTEG)->id, IKE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(cs.proto, IKE_PROTO_AH);
	assert_int_equal(cs.cipher, DP_CIPHER_NULL);
	assert_int_equal(cs.auth, DP_AUTH_HMAC_SHA256_128);

	/* without the plain AH proposal nothing fits */
	peer.n_proposals = 2;
	assert_int_equal(prop_child_select(&ah_sha256, 0, false, &peer, &cs, &spi, &answer),
			 -ENOENT);
}

static void
test_ah_check_other_protocol(void **state)
{
	struct ike_proposal offered;
	struct ike_sa_pl got = {.n_proposals = 1};
	uint32_t spi;

	(void)state;
	prop_child_offer(&ah_sha256, 0x1000, 0, &offered);
	got.prop[0] = offered;
	got.prop[0].spi[2] = 0x20;	/* the responder's SPI 0x2000 */
	assert_int_equal(prop_child_check(&offered, &got, &spi), 0);
	assert_int_equal(spi, 0x2000);
	got.prop[0].proto = IKE_PROTO_ESP;
	assert_int_equal(prop_child_check(&offered, &got, &spi), -EINVAL);
	/* an AH answer with an encryption transform we never offered */
	got.prop[0] = offered;
	got.prop[0].spi[2] = 0x20;
	put_tf(&got.prop[0], IKE_TF_ENCR, IKE_ENCR_NULL, 0);
	assert_int_equal(prop_child_check(&offered, &got, &spi), -EINVAL);
}

/* ---- two engines ---- */

static const struct pair_opts ah = {.transforms = "ah-sha256-hmac"};
static const struct pair_opts esp = {.transforms = "esp-gcm 256"};

static void
test_ah_child_up(void **state)
{
	const struct fake_sa *x[2];

	(void)state;
	pair_init(&P, &ah, &ah);
	pair_up(&P, 0, 0);
	pair_assert_matching(&P);
	for (int side = 0; side < 2; side++)
		for (int dir = 0; dir < 2; dir++) {
			enum cfg_dir d = dir ? CFG_DIR_OUT : CFG_DIR_IN;

			assert_int_equal(pair_live(&P.s[side], d, x, 2), 1);
			assert_int_equal(x[0]->p.proto, IPPROTO_AH);
			assert_int_equal(x[0]->p.cipher, DP_CIPHER_NULL);
			assert_int_equal(x[0]->p.auth, DP_AUTH_HMAC_SHA256_128);
			assert_int_equal(x[0]->ck.len, 0);
			assert_int_equal(x[0]->ak.len, 32);
			assert_false(x[0]->p.udp_encap);
		}
	/* the two directions have different keys (section 2.17: i->r first, then r->i) */
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_IN, x, 2), 1);
	{
		const struct fake_sa *out[2];

		assert_int_equal(pair_live(&P.s[0], CFG_DIR_OUT, out, 2), 1);
		assert_memory_not_equal(x[0]->ak.b, out[0]->ak.b, 32);
	}
}

static void
test_ah_against_esp(void **state)
{
	const struct fake_sa *x[2];
	struct view_ike_stats st;

	(void)state;
	pair_init(&P, &ah, &esp);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	for (int side = 0; side < 2; side++) {
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_OUT, x, 2), 0);
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_IN, x, 2), 0);
	}
	ike_stats_get(P.s[1].ike, &st);
	assert_int_equal(st.notify[IKE_STAT_N_NO_PROPOSAL_CHOSEN][IKE_TX_RES], 1);
}

static void
test_ah_delete(void **state)
{
	const struct fake_sa *out[2], *in[2];

	(void)state;
	pair_init(&P, &ah, &ah);
	pair_up(&P, 0, 0);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_OUT, out, 2), 1);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, in, 2), 1);
	/* gwA's outbound half reaches its hard lifetime: D(AH, gwA's inbound SPI) */
	ike_sa_expired(P.s[0].ike, (uint32_t)(out[0] - P.s[0].sa), true);
	pair_pump(&P);
	/* gwB took its halves on the AH Delete (an ESP one would not have named them) */
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_IN, in, 2), 0);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, in, 2), 0);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_OUT, out, 2), 0);
	/* and a new AH CHILD_SA comes over the same IKE SA */
	pair_up(&P, 0, 0);
	pair_assert_matching(&P);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_OUT, out, 2), 1);
	assert_int_equal(out[0]->p.proto, IPPROTO_AH);
}

static void
test_ah_behind_nat_refused(void **state)
{
	const struct fake_sa *x[2];

	(void)state;
	pair_init(&P, &ah, &ah);
	P.nat = true;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	for (int side = 0; side < 2; side++) {
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_OUT, x, 2), 0);
		assert_int_equal(pair_live(&P.s[side], CFG_DIR_IN, x, 2), 0);
	}
	/* the initiator, which learns of the NAT first (IKE_SA_INIT), says why */
	assert_true(pair_logged(&P.s[0], "a NAT was detected, and AH cannot cross one"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ah_offer),
		cmocka_unit_test(test_ah_select),
		cmocka_unit_test(test_ah_check_other_protocol),
		cmocka_unit_test_teardown(test_ah_child_up, teardown),
		cmocka_unit_test_teardown(test_ah_against_esp, teardown),
		cmocka_unit_test_teardown(test_ah_delete, teardown),
		cmocka_unit_test_teardown(test_ah_behind_nat_refused, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
