/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer: every payload built and parsed back field by field, the SK
 * flow the crypto layer follows, the bounds (no byte past the capacity, at
 * any capacity) and the values the writer must refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_build.h"
#include "ike_model.h"
#include "ike_msg.h"

static const uint8_t ke_data[32] = {0x11, 0x22, 0x33};
static const uint8_t nonce[16] = {0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xbb};
static const uint8_t auth[32] = {0xa0, 0xa1};
static const uint8_t esp_spis[12] = {0xc0, 0, 0, 1, 0xc0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff};
static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t cert[5] = {4, 0x30, 0x82, 0x01, 0x0a};	/* X.509, start of DER */
static const uint8_t cp[8] = {1, 0, 0, 0, 0, 1, 0, 0};		/* CFG_REQUEST, INTERNAL_IP4_ADDRESS */
static const uint8_t eap[5] = {1, 7, 0, 5, 1};			/* Request, Identity */
static const uint8_t spi4[4] = {0x12, 0x34, 0x56, 0x78};
static const uint8_t spi8[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static const struct ike_proposal props[3] = {
	{.num = 1, .proto = IKE_PROTO_IKE, .n_transforms = 4,
	 .tf = {{IKE_TF_ENCR, IKE_ENCR_AES_CBC, 256, false},
		{IKE_TF_PRF, IKE_PRF_HMAC_SHA2_256, 0, false},
		{IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, false},
		{IKE_TF_DH, IKE_DH_MODP2048, 0, false}}},
	{.num = 2, .proto = IKE_PROTO_ESP, .spi_size = 4, .spi = {0xc0, 1, 2, 3},
	 .n_transforms = 2,
	 .tf = {{IKE_TF_ENCR, IKE_ENCR_AES_GCM_16, 128, false}, {IKE_TF_ESN, IKE_ESN_NO, 0, false}}},
	{.num = 3, .proto = IKE_PROTO_IKE, .spi_size = 8, .spi = {1, 2, 3, 4, 5, 6, 7, 8},
	 .n_transforms = 0},
};

static const struct ike_ts tsi[2] = {
	{.type = IKE_TS_IPV4_ADDR_RANGE, .ip_proto = 17, .start_port = 500, .end_port = 4500,
	 .start = {198, 51, 100, 0}, .end = {198, 51, 100, 255}},
	{.type = IKE_TS_IPV6_ADDR_RANGE, .start_port = 0, .end_port = 65535,
	 .start = {0x20, 0x01, 0x0d, 0xb8}, .end = {0x20, 0x01, 0x0d, 0xb8, [4] = 0xff, [15] = 0xff}},
};
static const struct ike_ts tsr[1] = {
	{.type = IKE_TS_IPV4_ADDR_RANGE, .start_port = 65535, .end_port = 0,	/* OPAQUE */
	 .start = {203, 0, 113, 0}, .end = {203, 0, 113, 255}},
};

static const struct ike_hdr hdr = {
	.spi_i = 0x0011223344556677ULL, .spi_r = 0x8899aabbccddeeffULL, .version = IKE_VERSION,
	.exchange = IKE_CREATE_CHILD_SA, .flags = IKE_FLAG_RESPONSE, .msg_id = 0x01020304,
};

struct fixture {
	uint8_t buf[4096];
	struct ike_msg m;
	struct ike_wr w;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	*state = &f;
	return 0;
}

/* Every payload the writer has a helper for (all but SK), into w. */
static void
write_all(struct ike_wr *w)
{
	ike_wr_sa(w, props, 3);
	ike_wr_ke(w, IKE_DH_CURVE25519, ke_data, sizeof(ke_data));
	ike_wr_nonce(w, nonce, sizeof(nonce));
	ike_wr_id(w, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"gw-a.example", 12);
	ike_wr_id(w, IKE_PL_IDR, IKE_ID_IPV6_ADDR, ip6, sizeof(ip6));
	ike_wr_auth(w, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_wr_notify(w, &(struct ike_notify_pl){.proto = IKE_PROTO_ESP, .type = IKE_N_REKEY_SA,
						 .spi = {spi4, 4}});
	ike_wr_notify(w, &(struct ike_notify_pl){.type = IKE_N_INVALID_SPI, .data = {spi4, 4}});
	ike_wr_notify(w, &(struct ike_notify_pl){.proto = IKE_PROTO_IKE, .type = IKE_N_COOKIE,
						 .spi = {spi8, 8}, .data = {nonce, 16}});
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_IKE});
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_ESP, .spi_size = 4, .n_spis = 3,
					      .spis = {esp_spis, 12}});
	ike_wr_ts(w, IKE_PL_TSI, tsi, 2);
	ike_wr_ts(w, IKE_PL_TSR, tsr, 1);
	ike_wr_vendor(w, (const uint8_t *)"dpsec", 5);
	ike_wr_vendor(w, nonce, 16);
	ike_wr_raw(w, IKE_PL_CERT, cert, sizeof(cert));
	ike_wr_raw(w, IKE_PL_CERTREQ, cert, 1);
	ike_wr_raw(w, IKE_PL_CP, cp, sizeof(cp));
	ike_wr_raw(w, IKE_PL_EAP, eap, sizeof(eap));
}

static void
assert_view(struct ike_view v, const void *p, size_t len)
{
	assert_int_equal(v.len, len);
	if (len != 0)
		assert_memory_equal(v.p, p, len);
}

static void
assert_ts(const struct ike_ts *a, const struct ike_ts *b)
{
	size_t alen = b->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;

	assert_int_equal(a->type, b->type);
	assert_int_equal(a->ip_proto, b->ip_proto);
	assert_int_equal(a->start_port, b->start_port);
	assert_int_equal(a->end_port, b->end_port);
	assert_memory_equal(a->start, b->start, alen);
	assert_memory_equal(a->end, b->end, alen);
}

static void
check_all(const struct ike_msg *m)
{
	assert_int_equal(m->sa.n_proposals, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct ike_proposal *p = &m->sa.prop[i], *q = &props[i];

		assert_int_equal(p->num, q->num);
		assert_int_equal(p->proto, q->proto);
		assert_int_equal(p->spi_size, q->spi_size);
		assert_memory_equal(p->spi, q->spi, q->spi_size);
		assert_int_equal(p->n_transforms, q->n_transforms);
		for (unsigned int t = 0; t < q->n_transforms; t++) {
			assert_int_equal(p->tf[t].type, q->tf[t].type);
			assert_int_equal(p->tf[t].id, q->tf[t].id);
			assert_int_equal(p->tf[t].key_len, q->tf[t].key_len);
			assert_false(p->tf[t].unusable);
		}
	}
	assert_int_equal(m->ke.group, IKE_DH_CURVE25519);
	assert_view(m->ke.data, ke_data, sizeof(ke_data));
	assert_view(m->nonce, nonce, sizeof(nonce));
	assert_int_equal(m->idi.type, IKE_ID_FQDN);
	assert_view(m->idi.data, "gw-a.example", 12);
	assert_view(m->idi.body, "\x02\0\0\0gw-a.example", 16);
	assert_int_equal(m->idr.type, IKE_ID_IPV6_ADDR);
	assert_view(m->idr.data, ip6, 16);
	assert_int_equal(m->auth.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_view(m->auth.data, auth, sizeof(auth));

	assert_int_equal(m->n_notifies, 3);
	assert_int_equal(m->notify[0].proto, IKE_PROTO_ESP);
	assert_int_equal(m->notify[0].type, IKE_N_REKEY_SA);
	assert_view(m->notify[0].spi, spi4, 4);
	assert_view(m->notify[0].data, NULL, 0);
	assert_int_equal(m->notify[1].type, IKE_N_INVALID_SPI);
	assert_view(m->notify[1].spi, NULL, 0);
	assert_view(m->notify[1].data, spi4, 4);
	assert_int_equal(m->notify[2].proto, IKE_PROTO_IKE);
	assert_view(m->notify[2].spi, spi8, 8);
	assert_view(m->notify[2].data, nonce, 16);

	assert_int_equal(m->n_deletes, 2);
	assert_int_equal(m->del[0].proto, IKE_PROTO_IKE);
	assert_int_equal(m->del[0].spi_size, 0);
	assert_int_equal(m->del[0].n_spis, 0);
	assert_int_equal(m->del[1].proto, IKE_PROTO_ESP);
	assert_int_equal(m->del[1].n_spis, 3);
	assert_view(m->del[1].spis, esp_spis, 12);
	assert_int_equal(ike_delete_spi(&m->del[1], 0), 0xc0000001);
	assert_int_equal(ike_delete_spi(&m->del[1], 2), 0xffffffff);
	assert_int_equal(ike_delete_spi(&m->del[1], 3), 0);	/* out of range */
	assert_int_equal(ike_delete_spi(&m->del[0], 0), 0);	/* IKE: no SPIs */

	assert_int_equal(m->tsi.n, 2);
	assert_int_equal(m->tsi.n_unknown, 0);
	assert_ts(&m->tsi.ts[0], &tsi[0]);
	assert_ts(&m->tsi.ts[1], &tsi[1]);
	assert_int_equal(m->tsr.n, 1);
	assert_ts(&m->tsr.ts[0], &tsr[0]);

	assert_int_equal(m->n_vendors, 2);
	assert_view(m->vendor[0], "dpsec", 5);
	assert_view(m->vendor[1], nonce, 16);
	assert_int_equal(m->n_certs, 1);
	assert_view(m->cert[0], cert, sizeof(cert));
	assert_int_equal(m->n_certreqs, 1);
	assert_view(m->certreq[0], cert, 1);
	assert_view(m->cp, cp, sizeof(cp));
	assert_view(m->eap, eap, sizeof(eap));
}

static void
test_every_payload(void **state)
{
	struct fixture *f = *state;
	int len;

	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	ike_wr_hdr(&f->w, &hdr);
	write_all(&f->w);
	len = ike_wr_finish(&f->w);
	assert_true(len > IKE_HDR_LEN);
	assert_int_equal(ike_parse(f->buf, (size_t)len, &f->m), 0);
	assert_int_equal(f->m.hdr.spi_i, hdr.spi_i);
	assert_int_equal(f->m.hdr.spi_r, hdr.spi_r);
	assert_int_equal(f->m.hdr.next, IKE_PL_SA);
	assert_int_equal(f->m.hdr.version, IKE_VERSION);
	assert_int_equal(f->m.hdr.exchange, IKE_CREATE_CHILD_SA);
	assert_int_equal(f->m.hdr.flags, IKE_FLAG_RESPONSE);
	assert_int_equal(f->m.hdr.msg_id, 0x01020304);
	assert_int_equal(f->m.hdr.length, len);
	check_all(&f->m);
	assert_int_equal(f->m.present_inner, 0);
	assert_false(ike_has(&f->m, IKE_PL_SK));
}

/* A parsed SA is the writer's input: a responder echoes the chosen proposal (section 3.3). */
static void
test_sa_reencode(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf2[512];
	static struct ike_msg m2;
	struct ike_wr w;
	int len;

	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	ike_wr_sa(&f->w, props, 3);
	len = ike_wr_finish(&f->w);
	assert_int_equal(ike_parse_inner(&f->m, ike_wr_first(&f->w), f->buf, (size_t)len), 0);
	ike_wr_init(&w, buf2, sizeof(buf2));
	ike_wr_sa(&w, &f->m.sa.prop[1], 1);	/* the ESP proposal, number 2, alone */
	len = ike_wr_finish(&w);
	assert_true(len > 0);
	assert_int_equal(ike_parse_inner(&m2, IKE_PL_SA, buf2, (size_t)len), 0);
	assert_int_equal(m2.sa.n_proposals, 1);
	assert_int_equal(m2.sa.prop[0].num, 2);
	assert_memory_equal(m2.sa.prop[0].spi, props[1].spi, 4);
	assert_int_equal(m2.sa.prop[0].tf[0].key_len, 128);
}

/*
 * The crypto layer's path (section 3.14): the inner chain written without a
 * header, then HDR, SK{...} with room reserved for IV | ciphertext | ICV and
 * every length final before encryption. Here "encryption" copies the plaintext
 * behind a 8-byte IV and before a 16-byte ICV, so the body can be parsed back.
 */
static void
test_sk_flow(void **state)
{
	struct fixture *f = *state;
	static uint8_t plain[2048];
	static struct ike_msg inner;
	struct ike_wr in;
	size_t off;
	uint8_t *body;
	int plen, len;

	ike_wr_init(&in, plain, sizeof(plain));
	assert_int_equal(ike_wr_first(&in), IKE_PL_NONE);
	write_all(&in);
	plen = ike_wr_finish(&in);
	assert_true(plen > 0);
	assert_int_equal(ike_wr_first(&in), IKE_PL_SA);

	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	ike_wr_hdr(&f->w, &hdr);
	off = ike_wr_begin(&f->w, 60, false);	/* an unknown payload outside: skipped */
	ike_wr_bytes(&f->w, spi8, 8);
	ike_wr_end(&f->w, off);
	off = ike_wr_sk_begin(&f->w, ike_wr_first(&in), 0, 0);
	assert_int_equal(off, IKE_HDR_LEN + 12);
	body = ike_wr_reserve(&f->w, 8 + (size_t)plen + 16);
	assert_non_null(body);
	ike_wr_end(&f->w, off);
	len = ike_wr_finish(&f->w);
	assert_int_equal(len, IKE_HDR_LEN + 12 + 4 + 8 + plen + 16);
	/* lengths are final before the body is filled: the AAD is buf[0 .. body) */
	assert_int_equal(f->buf[off + 2] << 8 | f->buf[off + 3], 4 + 8 + plen + 16);
	assert_int_equal(f->buf[27] | f->buf[26] << 8, len);
	memcpy(body + 8, plain, (size_t)plen);
	ike_wr_notify(&f->w, &(struct ike_notify_pl){.type = IKE_N_COOKIE});	/* after SK: no */
	assert_int_equal(ike_wr_finish(&f->w), -EINVAL);

	assert_int_equal(ike_parse(f->buf, (size_t)len, &f->m), 0);
	assert_int_equal(f->m.hdr.next, 60);
	assert_int_equal(f->m.n_unknown, 1);
	assert_false(f->m.sk.frag);
	assert_int_equal(f->m.sk.first, IKE_PL_SA);
	assert_int_equal(f->m.sk.off, off);
	assert_ptr_equal(f->m.sk.body.p, body);
	assert_int_equal(f->m.sk.body.len, 8 + (size_t)plen + 16);
	assert_int_equal(ike_parse_inner(&f->m, f->m.sk.first, f->m.sk.body.p + 8, (size_t)plen), 0);
	check_all(&f->m);
	assert_int_equal(f->m.present_inner, f->m.present & ~(1ULL << IKE_PL_SK));
	assert_int_equal(ike_parse_inner(&inner, IKE_PL_SA, plain, (size_t)plen), 0);
	check_all(&inner);
}

/* RFC 7383 section 2.5: SKF carries Fragment Number and Total Fragments before the IV. */
static void
test_skf(void **state)
{
	struct fixture *f = *state;
	size_t off;
	int len;

	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	ike_wr_hdr(&f->w, &hdr);
	off = ike_wr_sk_begin(&f->w, IKE_PL_IDI, 2, 3);
	ike_wr_bytes(&f->w, auth, 20);
	ike_wr_end(&f->w, off);
	len = ike_wr_finish(&f->w);
	assert_int_equal(len, IKE_HDR_LEN + 8 + 20);
	assert_int_equal(ike_parse(f->buf, (size_t)len, &f->m), 0);
	assert_true(ike_has(&f->m, IKE_PL_SKF));
	assert_true(f->m.sk.frag);
	assert_int_equal(f->m.sk.frag_num, 2);
	assert_int_equal(f->m.sk.frag_total, 3);
	assert_int_equal(f->m.sk.first, IKE_PL_IDI);
	assert_int_equal(f->m.sk.off, IKE_HDR_LEN);
	assert_ptr_equal(f->m.sk.body.p, f->buf + IKE_HDR_LEN + 8);
	assert_int_equal(f->m.sk.body.len, 20);
}

/* At every capacity short of the message: -ENOSPC, and not one byte written past it. */
static void
test_every_capacity(void **state)
{
	struct fixture *f = *state;
	static uint8_t full[4096], buf[4096 + 64];
	int need;

	ike_wr_init(&f->w, full, sizeof(full));
	ike_wr_hdr(&f->w, &hdr);
	write_all(&f->w);
	need = ike_wr_finish(&f->w);
	assert_true(need > 0);
	for (size_t cap = 0; cap <= (size_t)need; cap++) {
		struct ike_wr w;

		memset(buf, 0xa5, sizeof(buf));
		ike_wr_init(&w, buf, cap);
		ike_wr_hdr(&w, &hdr);
		write_all(&w);
		if (cap < (size_t)need) {
			assert_int_equal(ike_wr_finish(&w), -ENOSPC);
			assert_true(w.len <= cap);
		} else {
			assert_int_equal(ike_wr_finish(&w), need);
			assert_memory_equal(buf, full, (size_t)need);
		}
		for (size_t i = cap; i < sizeof(buf); i++)
			if (buf[i] != 0xa5)
				fail_msg("capacity %zu: byte %zu written", cap, i);
	}
}

typedef void (*bad_fn)(struct ike_wr *w);

static void bad_nonce_short(struct ike_wr *w) { ike_wr_nonce(w, nonce, 15); }
static void bad_nonce_long(struct ike_wr *w) { static uint8_t n[257]; ike_wr_nonce(w, n, 257); }
static void bad_id_v4(struct ike_wr *w) { ike_wr_id(w, IKE_PL_IDI, IKE_ID_IPV4_ADDR, ip6, 5); }
static void bad_id_v6(struct ike_wr *w) { ike_wr_id(w, IKE_PL_IDR, IKE_ID_IPV6_ADDR, ip6, 4); }
static void bad_id_pl(struct ike_wr *w) { ike_wr_id(w, IKE_PL_AUTH, IKE_ID_FQDN, ip6, 4); }
static void
bad_notify_spi(struct ike_wr *w)
{
	ike_wr_notify(w, &(struct ike_notify_pl){.type = IKE_N_REKEY_SA, .spi = {spi4, 3}});
}
static void
bad_delete_ike_spi(struct ike_wr *w)
{
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_IKE, .spi_size = 4, .n_spis = 1,
					      .spis = {spi4, 4}});
}
static void
bad_delete_esp_size(struct ike_wr *w)
{
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_ESP, .spi_size = 8, .n_spis = 1,
					      .spis = {spi8, 8}});
}
static void
bad_delete_count(struct ike_wr *w)
{
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_ESP, .spi_size = 4, .n_spis = 2,
					      .spis = {spi4, 4}});
}
static void
bad_delete_proto(struct ike_wr *w)
{
	ike_wr_delete(w, &(struct ike_delete){.proto = 0});
}
static void bad_ts_none(struct ike_wr *w) { ike_wr_ts(w, IKE_PL_TSI, tsi, 0); }
static void
bad_ts_many(struct ike_wr *w)
{
	static struct ike_ts ts[IKE_MAX_TS + 1];

	for (unsigned int i = 0; i < IKE_MAX_TS + 1; i++)
		ts[i].type = IKE_TS_IPV4_ADDR_RANGE;
	ike_wr_ts(w, IKE_PL_TSR, ts, IKE_MAX_TS + 1);
}
static void
bad_ts_type(struct ike_wr *w)
{
	struct ike_ts ts = {.type = 9};

	ike_wr_ts(w, IKE_PL_TSI, &ts, 1);
}
static void bad_ts_pl(struct ike_wr *w) { ike_wr_ts(w, IKE_PL_SA, tsi, 1); }
static void bad_sa_none(struct ike_wr *w) { ike_wr_sa(w, props, 0); }
static void
bad_sa_many(struct ike_wr *w)
{
	static struct ike_proposal p[IKE_MAX_PROPOSALS + 1];

	for (unsigned int i = 0; i < IKE_MAX_PROPOSALS + 1; i++)
		p[i] = (struct ike_proposal){.num = (uint8_t)(i + 1), .proto = IKE_PROTO_IKE};
	ike_wr_sa(w, p, IKE_MAX_PROPOSALS + 1);
}
static void bad_sa_numbering(struct ike_wr *w) { ike_wr_sa(w, &props[1], 2); }	/* 2, 3 is fine */
static void
bad_sa_unusable(struct ike_wr *w)
{
	struct ike_proposal p = props[0];

	p.tf[1].unusable = true;
	ike_wr_sa(w, &p, 1);
}
static void
bad_sa_spi(struct ike_wr *w)
{
	struct ike_proposal p = props[1];

	p.spi_size = 8;
	ike_wr_sa(w, &p, 1);
}
static void
bad_sa_transforms(struct ike_wr *w)
{
	struct ike_proposal p = props[0];

	p.n_transforms = IKE_MAX_TRANSFORMS + 1;
	ike_wr_sa(w, &p, 1);
}
static void
bad_sa_num0(struct ike_wr *w)
{
	struct ike_proposal p = props[0];

	p.num = 0;
	ike_wr_sa(w, &p, 1);
}
static void bad_hdr_twice(struct ike_wr *w) { ike_wr_hdr(w, &hdr); }
static void bad_skf_zero(struct ike_wr *w) { ike_wr_sk_begin(w, 0, 0, 2); }
static void bad_skf_over(struct ike_wr *w) { ike_wr_sk_begin(w, 0, 3, 2); }
static void
bad_after_sk(struct ike_wr *w)
{
	ike_wr_sk_begin(w, IKE_PL_IDI, 0, 0);
	ike_wr_vendor(w, nonce, 4);
}
static void bad_end_start(struct ike_wr *w) { ike_wr_end(w, w->len + 1); }
static void bad_end_short(struct ike_wr *w) { ike_wr_end(w, w->len - 2); }
static void
big_payload(struct ike_wr *w)
{
	static uint8_t big[65536];

	ike_wr_vendor(w, big, 65532);	/* 65536 with its header: too long for the length field */
}

/* Values the parser would refuse are refused, sticky: nothing after them is written. */
static void
test_refused(void **state)
{
	static const struct {
		const char *name;
		bad_fn fn;
		int err;
	} cases[] = {
		{"nonce 15", bad_nonce_short, -EINVAL},
		{"nonce 257", bad_nonce_long, -EINVAL},
		{"IPv4 ID of 5 bytes", bad_id_v4, -EINVAL},
		{"IPv6 ID of 4 bytes", bad_id_v6, -EINVAL},
		{"ID as AUTH", bad_id_pl, -EINVAL},
		{"notify SPI of 3", bad_notify_spi, -EINVAL},
		{"IKE delete with an SPI", bad_delete_ike_spi, -EINVAL},
		{"ESP delete SPI size 8", bad_delete_esp_size, -EINVAL},
		{"delete count and bytes differ", bad_delete_count, -EINVAL},
		{"delete protocol 0", bad_delete_proto, -EINVAL},
		{"no selectors", bad_ts_none, -EINVAL},
		{"17 selectors", bad_ts_many, -EINVAL},
		{"selector type 9", bad_ts_type, -EINVAL},
		{"TS as SA", bad_ts_pl, -EINVAL},
		{"SA without proposals", bad_sa_none, -EINVAL},
		{"17 proposals", bad_sa_many, -EINVAL},
		{"proposal with an unusable transform", bad_sa_unusable, -EINVAL},
		{"ESP proposal SPI size 8", bad_sa_spi, -EINVAL},
		{"33 transforms", bad_sa_transforms, -EINVAL},
		{"proposal number 0", bad_sa_num0, -EINVAL},
		{"header after a payload", bad_hdr_twice, -EINVAL},
		{"SKF fragment 0", bad_skf_zero, -EINVAL},
		{"SKF 3 of 2", bad_skf_over, -EINVAL},
		{"payload after SK", bad_after_sk, -EINVAL},
		{"end of a payload past the end", bad_end_start, -EINVAL},
		{"end inside a generic header", bad_end_short, -EINVAL},
		{"payload over 65535 bytes", big_payload, -EMSGSIZE},
	};
	struct fixture *f = *state;
	static uint8_t buf[70000];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ike_wr w;
		size_t len;

		ike_wr_init(&w, buf, sizeof(buf));
		ike_wr_hdr(&w, &hdr);
		ike_wr_nonce(&w, nonce, sizeof(nonce));
		cases[i].fn(&w);
		len = w.len;
		ike_wr_vendor(&w, nonce, 4);	/* sticky: ignored */
		ike_wr_u32(&w, 0);
		assert_null(ike_wr_reserve(&w, 1));
		if (w.len != len || ike_wr_finish(&w) != cases[i].err)
			fail_msg("\"%s\": finish %d, want %d", cases[i].name, ike_wr_finish(&w),
				 cases[i].err);
	}
	/* a valid pair, 2 and 3, for contrast with bad_sa_numbering's neighbours */
	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	bad_sa_numbering(&f->w);
	assert_true(ike_wr_finish(&f->w) > 0);
	/* the first error wins */
	ike_wr_init(&f->w, f->buf, 40);
	ike_wr_nonce(&f->w, nonce, 3);
	ike_wr_bytes(&f->w, buf, 100);
	assert_int_equal(ike_wr_finish(&f->w), -EINVAL);
}

/* Bare chains and hand-made payloads: ike_wr_begin's critical bit, chaining, first type. */
static void
test_chain(void **state)
{
	struct fixture *f = *state;
	size_t start;
	int len;

	ike_wr_init(&f->w, f->buf, sizeof(f->buf));
	assert_int_equal(ike_wr_finish(&f->w), 0);	/* empty chain */
	assert_int_equal(ike_wr_first(&f->w), IKE_PL_NONE);
	start = ike_wr_begin(&f->w, 60, false);	/* a type we do not know, not critical */
	ike_wr_u32(&f->w, 0xdeadbeef);
	ike_wr_end(&f->w, start);
	ike_wr_notify(&f->w, &(struct ike_notify_pl){.type = IKE_N_INITIAL_CONTACT});
	start = ike_wr_begin(&f->w, 61, true);
	ike_wr_end(&f->w, start);
	len = ike_wr_finish(&f->w);
	assert_int_equal(len, 8 + 8 + 4);
	assert_int_equal(ike_wr_first(&f->w), 60);
	assert_memory_equal(f->buf, "\x29\x00\x00\x08\xde\xad\xbe\xef\x3d\x00\x00\x08\x00\x00\x40\x00"
				    "\x00\x80\x00\x04", 20);
	assert_int_equal(ike_parse_inner(&f->m, 60, f->buf, (size_t)len), -IKE_E_CRITICAL);
	assert_int_equal(f->m.err.payload, 61);
	memset(&f->m, 0, sizeof(f->m));
	f->buf[8] = IKE_PL_NONE;	/* end the chain at the notify */
	assert_int_equal(ike_parse_inner(&f->m, 60, f->buf, 16), 0);
	assert_int_equal(f->m.n_unknown, 1);
	assert_int_equal(f->m.notify[0].type, IKE_N_INITIAL_CONTACT);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_payload_name(IKE_PL_SA), "SA");
	assert_string_equal(ike_payload_name(IKE_PL_SKF), "SKF");
	assert_string_equal(ike_payload_name(IKE_PL_TSR), "TSr");
	assert_string_equal(ike_payload_name(0), "?");
	assert_string_equal(ike_payload_name(49), "?");
	assert_string_equal(ike_payload_name(255), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_payload, setup),
		cmocka_unit_test_setup(test_sa_reencode, setup),
		cmocka_unit_test_setup(test_sk_flow, setup),
		cmocka_unit_test_setup(test_skf, setup),
		cmocka_unit_test_setup(test_every_capacity, setup),
		cmocka_unit_test_setup(test_refused, setup),
		cmocka_unit_test_setup(test_chain, setup),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
