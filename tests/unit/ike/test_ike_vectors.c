/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A real exchange between two strongSwan 5.9.8 charons (vectors/, produced by
 * vectors/capture_strongswan.sh):
 *
 *	INITIATOR: HDR, SAi1, KEi, Ni, N(NATD_S), N(NATD_D), N(FRAG), N(SHA), N(REDIR), V -->
 *	       <-- HDR, SAr1, KEr, Nr, N(NATD_S), N(NATD_D), N(FRAG), N(SHA), N(CHILDLESS),
 *	           N(MULTI_AUTH), V  :RESPONDER
 *	INITIATOR: HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, N(...), SAi2, TSi, TSr, ...} -->
 *	       <-- HDR, SK {IDr, AUTH, SAr2, TSi, TSr}  :RESPONDER
 *
 * Parsed field by field; the IKE_SA_INIT request rebuilt with the writer from
 * a model written here by hand must equal strongSwan's bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_build.h"
#include "ike_model.h"
#include "ike_msg.h"
#include "vectors/strongswan_vectors.h"

static struct ike_msg m, m2;
static uint8_t out[2048];

static int
setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&m2, 0, sizeof(m2));
	memset(out, 0, sizeof(out));
	return 0;
}

static void
assert_in(const uint8_t *buf, size_t len, struct ike_view v)
{
	/* zero copy: every view points into the parsed buffer */
	assert_true(v.p >= buf && v.p + v.len <= buf + len);
}

static void
assert_tf(const struct ike_transform *t, uint8_t type, uint16_t id, uint16_t key_len)
{
	assert_int_equal(t->type, type);
	assert_int_equal(t->id, id);
	assert_int_equal(t->key_len, key_len);
	assert_false(t->unusable);
}

static void
test_init_request(void **state)
{
	static const uint16_t notifies[] = {
		IKE_N_NAT_DETECTION_SOURCE_IP, IKE_N_NAT_DETECTION_DESTINATION_IP,
		IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, IKE_N_SIGNATURE_HASH_ALGORITHMS,
		IKE_N_REDIRECT_SUPPORTED,
	};
	const struct ike_proposal *p;

	(void)state;
	assert_int_equal(ike_parse(sswan_init_req, sizeof(sswan_init_req), &m), 0);
	assert_int_equal(m.hdr.spi_r, 0);
	assert_int_equal(m.hdr.next, IKE_PL_SA);
	assert_int_equal(m.hdr.version, IKE_VERSION);
	assert_int_equal(m.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(m.hdr.msg_id, 0);
	assert_int_equal(m.hdr.length, sizeof(sswan_init_req));

	assert_int_equal(m.sa.n_proposals, 2);
	p = &m.sa.prop[0];
	assert_int_equal(p->num, 1);
	assert_int_equal(p->proto, IKE_PROTO_IKE);
	assert_int_equal(p->spi_size, 0);
	assert_int_equal(p->n_transforms, 5);
	assert_tf(&p->tf[0], IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 256);
	assert_tf(&p->tf[1], IKE_TF_PRF, IKE_PRF_HMAC_SHA2_384, 0);
	assert_tf(&p->tf[2], IKE_TF_DH, IKE_DH_ECP256, 0);
	assert_tf(&p->tf[3], IKE_TF_DH, IKE_DH_MODP2048, 0);
	assert_tf(&p->tf[4], IKE_TF_DH, IKE_DH_CURVE25519, 0);
	p = &m.sa.prop[1];
	assert_int_equal(p->num, 2);
	assert_int_equal(p->n_transforms, 6);
	assert_tf(&p->tf[0], IKE_TF_ENCR, IKE_ENCR_AES_CBC, 128);
	assert_tf(&p->tf[1], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	assert_tf(&p->tf[2], IKE_TF_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	assert_tf(&p->tf[5], IKE_TF_DH, IKE_DH_CURVE25519, 0);

	assert_int_equal(m.ke.group, IKE_DH_ECP256);
	assert_int_equal(m.ke.data.len, 64);	/* x | y of P-256 (RFC 5903) */
	assert_ptr_equal(m.ke.data.p, sswan_init_req + 152);
	assert_int_equal(m.nonce.len, 32);
	assert_ptr_equal(m.nonce.p, sswan_init_req + 220);

	assert_int_equal(m.n_notifies, 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(m.notify[i].type, notifies[i]);
		assert_int_equal(m.notify[i].proto, 0);
		assert_int_equal(m.notify[i].spi.len, 0);
		assert_in(sswan_init_req, sizeof(sswan_init_req), m.notify[i].data);
	}
	assert_int_equal(m.notify[0].data.len, 20);	/* SHA-1 (section 2.23) */
	assert_int_equal(m.notify[1].data.len, 20);
	assert_int_equal(m.notify[2].data.len, 0);
	/* RFC 7427: SHA2-256, SHA2-384, SHA2-512, Identity */
	assert_int_equal(m.notify[3].data.len, 8);
	assert_memory_equal(m.notify[3].data.p, "\x00\x02\x00\x03\x00\x04\x00\x05", 8);
	assert_ptr_equal(ike_msg_notify(&m, IKE_N_NAT_DETECTION_DESTINATION_IP), &m.notify[1]);
	assert_null(ike_msg_notify(&m, IKE_N_COOKIE));
	assert_int_equal(m.n_vendors, 1);
	assert_int_equal(m.vendor[0].len, 16);	/* MD5("strongSwan") */
	assert_memory_equal(m.vendor[0].p,
			    "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb", 16);
	assert_int_equal(m.present, 1ULL << IKE_PL_SA | 1ULL << IKE_PL_KE |
					    1ULL << IKE_PL_NONCE | 1ULL << IKE_PL_NOTIFY |
					    1ULL << IKE_PL_VENDOR);
	assert_int_equal(m.n_unknown, 0);
}

/* The writer, from a model made here, reproduces strongSwan's bytes. */
static void
test_init_request_built(void **state)
{
	const uint8_t *v = sswan_init_req;
	struct ike_proposal props[2] = {
		{.num = 1, .proto = IKE_PROTO_IKE, .n_transforms = 5,
		 .tf = {{IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 256, false},
			{IKE_TF_PRF, IKE_PRF_HMAC_SHA2_384, 0, false},
			{IKE_TF_DH, IKE_DH_ECP256, 0, false},
			{IKE_TF_DH, IKE_DH_MODP2048, 0, false},
			{IKE_TF_DH, IKE_DH_CURVE25519, 0, false}}},
		{.num = 2, .proto = IKE_PROTO_IKE, .n_transforms = 6,
		 .tf = {{IKE_TF_ENCR, IKE_ENCR_AES_CBC, 128, false},
			{IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, false},
			{IKE_TF_PRF, IKE_PRF_HMAC_SHA2_256, 0, false},
			{IKE_TF_DH, IKE_DH_ECP256, 0, false},
			{IKE_TF_DH, IKE_DH_MODP2048, 0, false},
			{IKE_TF_DH, IKE_DH_CURVE25519, 0, false}}},
	};
	static const uint8_t sha[] = {0, 2, 0, 3, 0, 4, 0, 5};
	static const uint8_t vid[] = {0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
				      0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb};
	struct ike_hdr h = {.version = 0x20, .exchange = 34, .flags = 0x08};
	struct ike_wr w;

	(void)state;
	/* the random parts (SPI, KE, nonce, NAT-D hashes) are taken from the capture */
	for (int i = 0; i < 8; i++)
		h.spi_i = h.spi_i << 8 | v[i];
	ike_wr_init(&w, out, sizeof(out));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, props, 2);
	ike_wr_ke(&w, IKE_DH_ECP256, v + 152, 64);
	ike_wr_nonce(&w, v + 220, 32);
	ike_wr_notify(&w, &(struct ike_notify_pl){.type = IKE_N_NAT_DETECTION_SOURCE_IP,
						  .data = {v + 260, 20}});
	ike_wr_notify(&w, &(struct ike_notify_pl){.type = IKE_N_NAT_DETECTION_DESTINATION_IP,
						  .data = {v + 288, 20}});
	ike_wr_notify(&w, &(struct ike_notify_pl){.type = IKE_N_IKEV2_FRAGMENTATION_SUPPORTED});
	ike_wr_notify(&w, &(struct ike_notify_pl){.type = IKE_N_SIGNATURE_HASH_ALGORITHMS,
						  .data = {sha, sizeof(sha)}});
	ike_wr_notify(&w, &(struct ike_notify_pl){.type = IKE_N_REDIRECT_SUPPORTED});
	ike_wr_vendor(&w, vid, sizeof(vid));
	assert_int_equal(ike_wr_finish(&w), sizeof(sswan_init_req));
	assert_memory_equal(out, sswan_init_req, sizeof(sswan_init_req));
}

static void
test_init_response(void **state)
{
	uint64_t skipped;
	uint8_t first;
	int len;

	(void)state;
	assert_int_equal(ike_parse(sswan_init_resp, sizeof(sswan_init_resp), &m), 0);
	assert_int_equal(m.hdr.flags, IKE_FLAG_RESPONSE);
	assert_true(m.hdr.spi_r != 0);
	assert_int_equal(m.sa.n_proposals, 1);
	assert_int_equal(m.sa.prop[0].num, 1);
	assert_int_equal(m.sa.prop[0].n_transforms, 3);
	assert_tf(&m.sa.prop[0].tf[0], IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 256);
	assert_tf(&m.sa.prop[0].tf[2], IKE_TF_DH, IKE_DH_ECP256, 0);
	assert_int_equal(m.ke.group, IKE_DH_ECP256);
	assert_int_equal(m.n_notifies, 6);
	assert_non_null(ike_msg_notify(&m, IKE_N_CHILDLESS_IKEV2_SUPPORTED));
	assert_non_null(ike_msg_notify(&m, IKE_N_MULTIPLE_AUTH_SUPPORTED));
	assert_int_equal(m.n_vendors, 1);

	/* the parsed model written back is the same message, byte for byte */
	len = ike_model_encode(&m, true, out, sizeof(out), &skipped, &first);
	assert_int_equal(skipped, 0);
	assert_int_equal(len, sizeof(sswan_init_resp));
	assert_memory_equal(out, sswan_init_resp, sizeof(sswan_init_resp));
}

static void
check_sk(const uint8_t *buf, size_t len, uint8_t first)
{
	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_int_equal(m.hdr.msg_id, 1);
	assert_int_equal(m.hdr.next, IKE_PL_SK);
	assert_int_equal(m.present, 1ULL << IKE_PL_SK);
	assert_false(m.sk.frag);
	assert_int_equal(m.sk.first, first);
	assert_int_equal(m.sk.off, IKE_HDR_LEN);
	/* AES-GCM (RFC 5282): 8-byte IV | ciphertext | 16-byte ICV, to the end */
	assert_ptr_equal(m.sk.body.p, buf + IKE_HDR_LEN + IKE_GENERIC_HDR_LEN);
	assert_int_equal(m.sk.body.len, len - IKE_HDR_LEN - IKE_GENERIC_HDR_LEN);
}

static void
test_auth_request(void **state)
{
	const uint8_t *pl = sswan_auth_req_plain;
	size_t n = sizeof(sswan_auth_req_plain);

	(void)state;
	check_sk(sswan_auth_req, sizeof(sswan_auth_req), IKE_PL_IDI);
	assert_int_equal(ike_parse_inner(&m, m.sk.first, pl, n), 0);
	assert_int_equal(m.present_inner, m.present & ~(1ULL << IKE_PL_SK));
	assert_int_equal(m.idi.type, IKE_ID_FQDN);
	assert_int_equal(m.idi.data.len, 12);
	assert_memory_equal(m.idi.data.p, "gw-a.example", 12);
	/* the RestOfInitIDPayload for AUTH (section 2.15): right after IDi's generic header */
	assert_ptr_equal(m.idi.body.p, pl + IKE_GENERIC_HDR_LEN);
	assert_int_equal(m.idi.body.len, 16);
	assert_memory_equal(m.idr.data.p, "gw-b.example", 12);
	assert_int_equal(m.auth.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_int_equal(m.auth.data.len, 48);	/* PRF_HMAC_SHA2_384 output */
	assert_in(pl, n, m.auth.data);

	assert_int_equal(m.sa.n_proposals, 2);
	assert_int_equal(m.sa.prop[0].proto, IKE_PROTO_ESP);
	assert_int_equal(m.sa.prop[0].spi_size, 4);
	assert_tf(&m.sa.prop[0].tf[0], IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 128);
	assert_tf(&m.sa.prop[0].tf[1], IKE_TF_ESN, IKE_ESN_NO, 0);
	assert_int_equal(m.sa.prop[1].n_transforms, 3);
	assert_tf(&m.sa.prop[1].tf[1], IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);

	assert_int_equal(m.tsi.n, 1);
	assert_int_equal(m.tsi.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);
	assert_int_equal(m.tsi.ts[0].ip_proto, 0);
	assert_int_equal(m.tsi.ts[0].start_port, 0);
	assert_int_equal(m.tsi.ts[0].end_port, 65535);
	assert_memory_equal(m.tsi.ts[0].start, "\xc6\x33\x64\x00", 4);	/* 198.51.100.0 */
	assert_memory_equal(m.tsi.ts[0].end, "\xc6\x33\x64\xff", 4);
	assert_memory_equal(m.tsr.ts[0].start, "\xcb\x00\x71\x00", 4);	/* 203.0.113.0 */
	assert_non_null(ike_msg_notify(&m, IKE_N_INITIAL_CONTACT));
	assert_int_equal(m.n_notifies, 4);
}

static void
test_auth_response(void **state)
{
	uint64_t skipped;
	uint8_t first;
	char why[128];
	int len;

	(void)state;
	check_sk(sswan_auth_resp, sizeof(sswan_auth_resp), IKE_PL_IDR);
	assert_int_equal(ike_parse_inner(&m, m.sk.first, sswan_auth_resp_plain,
					 sizeof(sswan_auth_resp_plain)), 0);
	assert_false(ike_has(&m, IKE_PL_IDI));
	assert_memory_equal(m.idr.data.p, "gw-b.example", 12);
	assert_int_equal(m.sa.n_proposals, 1);
	assert_int_equal(m.sa.prop[0].num, 1);
	assert_int_equal(m.tsi.n, 1);
	assert_int_equal(m.tsr.n, 1);
	assert_int_equal(m.n_notifies, 0);

	/* the decrypted body written back as a bare chain parses to the same model */
	memset(&m2, 0, sizeof(m2));
	assert_int_equal(ike_parse_inner(&m2, IKE_PL_IDR, sswan_auth_resp_plain,
					 sizeof(sswan_auth_resp_plain)), 0);
	len = ike_model_encode(&m2, false, out, sizeof(out), &skipped, &first);
	assert_int_equal(len, sizeof(sswan_auth_resp_plain));
	assert_int_equal(first, IKE_PL_SA);
	memset(&m, 0, sizeof(m));
	assert_int_equal(ike_parse_inner(&m, first, out, (size_t)len), 0);
	if (!ike_model_equal(&m2, &m, 0, why, sizeof(why)))
		fail_msg("%s", why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_request, setup),
		cmocka_unit_test_setup(test_init_request_built, setup),
		cmocka_unit_test_setup(test_init_response, setup),
		cmocka_unit_test_setup(test_auth_request, setup),
		cmocka_unit_test_setup(test_auth_response, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
