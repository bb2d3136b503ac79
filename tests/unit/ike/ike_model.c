/* SPDX-License-Identifier: BSD-3-Clause */
/* Re-encode and compare parsed IKE models (see ike_model.h). */
#include <stdio.h>
#include <string.h>

#include "ike_model.h"

#define BIT(t) (1ULL << (t))

static bool
sa_encodable(const struct ike_sa_pl *sa)
{
	for (unsigned int i = 0; i < sa->n_proposals; i++)
		for (unsigned int t = 0; t < sa->prop[i].n_transforms; t++)
			if (sa->prop[i].tf[t].unusable)
				return false;
	return true;
}

static void
encode_ts(struct ike_wr *w, const struct ike_msg *m, uint8_t pl, uint64_t *skipped)
{
	const struct ike_ts_pl *tp = pl == IKE_PL_TSI ? &m->tsi : &m->tsr;

	if (!ike_has(m, pl))
		return;
	if (tp->n_unknown != 0 || tp->n == 0)
		*skipped |= BIT(pl);
	else
		ike_wr_ts(w, pl, tp->ts, tp->n);
}

static void
encode_id(struct ike_wr *w, const struct ike_msg *m, uint8_t pl)
{
	const struct ike_id *id = pl == IKE_PL_IDI ? &m->idi : &m->idr;

	if (ike_has(m, pl))
		ike_wr_id(w, pl, id->type, id->data.p, id->data.len);
}

int
ike_model_encode(const struct ike_msg *m, bool with_hdr, uint8_t *buf, size_t cap,
		 uint64_t *skipped, uint8_t *first)
{
	struct ike_wr w;
	unsigned int i;

	*skipped = 0;
	ike_wr_init(&w, buf, cap);
	if (with_hdr)
		ike_wr_hdr(&w, &m->hdr);
	if (ike_has(m, IKE_PL_SA)) {
		if (sa_encodable(&m->sa))
			ike_wr_sa(&w, m->sa.prop, m->sa.n_proposals);
		else
			*skipped |= BIT(IKE_PL_SA);
	}
	if (ike_has(m, IKE_PL_KE))
		ike_wr_ke(&w, m->ke.group, m->ke.data.p, m->ke.data.len);
	if (ike_has(m, IKE_PL_NONCE))
		ike_wr_nonce(&w, m->nonce.p, m->nonce.len);
	encode_id(&w, m, IKE_PL_IDI);
	encode_id(&w, m, IKE_PL_IDR);
	if (ike_has(m, IKE_PL_AUTH))
		ike_wr_auth(&w, m->auth.method, m->auth.data.p, m->auth.data.len);
	for (i = 0; i < m->n_notifies; i++)
		ike_wr_notify(&w, &m->notify[i]);
	for (i = 0; i < m->n_deletes; i++)
		ike_wr_delete(&w, &m->del[i]);
	encode_ts(&w, m, IKE_PL_TSI, skipped);
	encode_ts(&w, m, IKE_PL_TSR, skipped);
	for (i = 0; i < m->n_vendors; i++)
		ike_wr_vendor(&w, m->vendor[i].p, m->vendor[i].len);
	for (i = 0; i < m->n_certs; i++)
		ike_wr_raw(&w, IKE_PL_CERT, m->cert[i].p, m->cert[i].len);
	for (i = 0; i < m->n_certreqs; i++)
		ike_wr_raw(&w, IKE_PL_CERTREQ, m->certreq[i].p, m->certreq[i].len);
	if (ike_has(m, IKE_PL_CP))
		ike_wr_raw(&w, IKE_PL_CP, m->cp.p, m->cp.len);
	if (ike_has(m, IKE_PL_EAP))
		ike_wr_raw(&w, IKE_PL_EAP, m->eap.p, m->eap.len);
	if (with_hdr && (ike_has(m, IKE_PL_SK) || ike_has(m, IKE_PL_SKF))) {
		size_t off = ike_wr_sk_begin(&w, m->sk.first, m->sk.frag_num,
					     m->sk.frag ? m->sk.frag_total : 0);

		ike_wr_bytes(&w, m->sk.body.p, m->sk.body.len);
		ike_wr_end(&w, off);
	}
	*first = ike_wr_first(&w);
	return ike_wr_finish(&w);
}

static bool
view_eq(struct ike_view a, struct ike_view b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static bool
proposal_eq(const struct ike_proposal *a, const struct ike_proposal *b)
{
	if (a->num != b->num || a->proto != b->proto || a->spi_size != b->spi_size ||
	    a->n_transforms != b->n_transforms || memcmp(a->spi, b->spi, a->spi_size) != 0)
		return false;
	for (unsigned int t = 0; t < a->n_transforms; t++) {
		const struct ike_transform *x = &a->tf[t], *y = &b->tf[t];

		if (x->type != y->type || x->id != y->id || x->key_len != y->key_len ||
		    x->unusable != y->unusable)
			return false;
	}
	return true;
}

static bool
ts_eq(const struct ike_ts_pl *a, const struct ike_ts_pl *b)
{
	if (a->n != b->n || a->n_unknown != b->n_unknown)
		return false;
	for (unsigned int i = 0; i < a->n; i++) {
		const struct ike_ts *x = &a->ts[i], *y = &b->ts[i];
		size_t alen = x->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;

		if (x->type != y->type || x->ip_proto != y->ip_proto ||
		    x->start_port != y->start_port || x->end_port != y->end_port ||
		    memcmp(x->start, y->start, alen) != 0 || memcmp(x->end, y->end, alen) != 0)
			return false;
	}
	return true;
}

/*
 * The body is the ID payload as received, RESERVED bytes included (AUTH is
 * computed over it, section 2.15); the writer sends them as zero, so only its
 * length and its type byte are compared.
 */
static bool
id_eq(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && view_eq(a->data, b->data) && a->body.len == b->body.len &&
	       (a->body.len == 0 || a->body.p[0] == b->body.p[0]);
}

static bool
lists_eq(const struct ike_msg *a, const struct ike_msg *b, const char **what)
{
	unsigned int i;

	*what = "notify";
	if (a->n_notifies != b->n_notifies)
		return false;
	for (i = 0; i < a->n_notifies; i++)
		if (a->notify[i].proto != b->notify[i].proto ||
		    a->notify[i].type != b->notify[i].type ||
		    !view_eq(a->notify[i].spi, b->notify[i].spi) ||
		    !view_eq(a->notify[i].data, b->notify[i].data))
			return false;
	*what = "delete";
	if (a->n_deletes != b->n_deletes)
		return false;
	for (i = 0; i < a->n_deletes; i++)
		if (a->del[i].proto != b->del[i].proto || a->del[i].spi_size != b->del[i].spi_size ||
		    a->del[i].n_spis != b->del[i].n_spis || !view_eq(a->del[i].spis, b->del[i].spis))
			return false;
	*what = "vendor/cert/certreq";
	if (a->n_vendors != b->n_vendors || a->n_certs != b->n_certs ||
	    a->n_certreqs != b->n_certreqs)
		return false;
	for (i = 0; i < a->n_vendors; i++)
		if (!view_eq(a->vendor[i], b->vendor[i]))
			return false;
	for (i = 0; i < a->n_certs; i++)
		if (!view_eq(a->cert[i], b->cert[i]))
			return false;
	for (i = 0; i < a->n_certreqs; i++)
		if (!view_eq(a->certreq[i], b->certreq[i]))
			return false;
	return true;
}

static bool
singles_eq(const struct ike_msg *a, const struct ike_msg *b, uint64_t skip, const char **what)
{
	*what = "SA";
	if (!(skip & BIT(IKE_PL_SA))) {
		if (a->sa.n_proposals != b->sa.n_proposals)
			return false;
		for (unsigned int i = 0; i < a->sa.n_proposals; i++)
			if (!proposal_eq(&a->sa.prop[i], &b->sa.prop[i]))
				return false;
	}
	*what = "KE/Nonce/AUTH/CP/EAP";
	if (a->ke.group != b->ke.group || !view_eq(a->ke.data, b->ke.data) ||
	    !view_eq(a->nonce, b->nonce) || a->auth.method != b->auth.method ||
	    !view_eq(a->auth.data, b->auth.data) || !view_eq(a->cp, b->cp) ||
	    !view_eq(a->eap, b->eap))
		return false;
	*what = "IDi/IDr";
	if (!id_eq(&a->idi, &b->idi) || !id_eq(&a->idr, &b->idr))
		return false;
	*what = "TSi/TSr";
	if ((!(skip & BIT(IKE_PL_TSI)) && !ts_eq(&a->tsi, &b->tsi)) ||
	    (!(skip & BIT(IKE_PL_TSR)) && !ts_eq(&a->tsr, &b->tsr)))
		return false;
	*what = "SK";
	return a->sk.frag == b->sk.frag && a->sk.first == b->sk.first &&
	       a->sk.frag_num == b->sk.frag_num && a->sk.frag_total == b->sk.frag_total &&
	       view_eq(a->sk.body, b->sk.body);
}

bool
ike_model_equal(const struct ike_msg *a, const struct ike_msg *b, uint64_t skip, char *why,
		size_t n)
{
	const char *what = "header";

	if (a->hdr.spi_i != b->hdr.spi_i || a->hdr.spi_r != b->hdr.spi_r ||
	    a->hdr.version != b->hdr.version || a->hdr.exchange != b->hdr.exchange ||
	    a->hdr.flags != b->hdr.flags || a->hdr.msg_id != b->hdr.msg_id)
		goto differ;
	what = "present";
	if ((a->present & ~skip) != (b->present & ~skip))
		goto differ;
	if (!singles_eq(a, b, skip, &what) || !lists_eq(a, b, &what))
		goto differ;
	return true;
differ:
	snprintf(why, n, "%s differs (present %#llx / %#llx)", what,
		 (unsigned long long)a->present, (unsigned long long)b->present);
	return false;
}
