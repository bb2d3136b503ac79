/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv2 writer (see ike_build.h): bounded primitives, payload chaining
 * (RFC 7296 section 3.2) and one helper per payload. Each helper checks the
 * same rules the parser enforces before it writes anything.
 */
#include <errno.h>
#include <string.h>

#include "ike_build.h"
#include "ike_rules.h"

#define HDR_NEXT_OFF 16		/* Next Payload byte in the header (section 3.1) */
#define HDR_LEN_OFF 24
#define PL_MAX_LEN 0xffff

static void
wr_fail(struct ike_wr *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static bool
room(struct ike_wr *w, size_t n)
{
	if (w->err != 0)
		return false;
	if (n > w->cap - w->len) {
		wr_fail(w, -ENOSPC);
		return false;
	}
	return true;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

void
ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap)
{
	*w = (struct ike_wr){.buf = buf, .cap = cap};
}

uint8_t *
ike_wr_reserve(struct ike_wr *w, size_t n)
{
	uint8_t *p;

	if (!room(w, n))
		return NULL;
	p = w->buf + w->len;
	memset(p, 0, n);
	w->len += n;
	return p;
}

void
ike_wr_bytes(struct ike_wr *w, const void *p, size_t n)
{
	uint8_t *d = ike_wr_reserve(w, n);

	if (d != NULL && n != 0)
		memcpy(d, p, n);
}

void
ike_wr_u8(struct ike_wr *w, uint8_t v)
{
	ike_wr_bytes(w, &v, 1);
}

void
ike_wr_u16(struct ike_wr *w, uint16_t v)
{
	uint8_t *d = ike_wr_reserve(w, 2);

	if (d != NULL)
		put16(d, v);
}

void
ike_wr_u32(struct ike_wr *w, uint32_t v)
{
	uint8_t *d = ike_wr_reserve(w, 4);

	if (d != NULL)
		put32(d, v);
}

void
ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h)
{
	if (w->len != 0) {
		wr_fail(w, -EINVAL);
		return;
	}
	ike_wr_u32(w, (uint32_t)(h->spi_i >> 32));
	ike_wr_u32(w, (uint32_t)h->spi_i);
	ike_wr_u32(w, (uint32_t)(h->spi_r >> 32));
	ike_wr_u32(w, (uint32_t)h->spi_r);
	ike_wr_u8(w, IKE_PL_NONE);
	ike_wr_u8(w, h->version);
	ike_wr_u8(w, h->exchange);
	ike_wr_u8(w, h->flags);
	ike_wr_u32(w, h->msg_id);
	ike_wr_u32(w, IKE_HDR_LEN);
	if (w->err == 0) {
		w->chain = HDR_NEXT_OFF;
		w->has_chain = true;
		w->has_hdr = true;
	}
}

size_t
ike_wr_begin(struct ike_wr *w, uint8_t type, bool critical)
{
	size_t start = w->len;

	if (w->closed)
		wr_fail(w, -EINVAL);
	if (!room(w, IKE_GENERIC_HDR_LEN))
		return start;
	if (w->has_chain)
		w->buf[w->chain] = type;
	else
		w->first = type;
	w->chain = start;
	w->has_chain = true;
	ike_wr_u8(w, IKE_PL_NONE);
	ike_wr_u8(w, critical ? IKE_CRITICAL : 0);
	ike_wr_u16(w, IKE_GENERIC_HDR_LEN);
	return start;
}

void
ike_wr_end(struct ike_wr *w, size_t start)
{
	if (w->err != 0)
		return;
	if (start > w->len || w->len - start < IKE_GENERIC_HDR_LEN) {
		wr_fail(w, -EINVAL);
		return;
	}
	if (w->len - start > PL_MAX_LEN) {
		wr_fail(w, -EMSGSIZE);
		return;
	}
	put16(w->buf + start + 2, (uint16_t)(w->len - start));
}

uint8_t
ike_wr_first(const struct ike_wr *w)
{
	return w->first;
}

int
ike_wr_finish(struct ike_wr *w)
{
	if (w->err == 0 && w->len > INT32_MAX)
		wr_fail(w, -EMSGSIZE);
	if (w->err != 0)
		return w->err;
	if (w->has_hdr)
		put32(w->buf + HDR_LEN_OFF, (uint32_t)w->len);
	return (int)w->len;
}

size_t
ike_wr_sk_begin(struct ike_wr *w, uint8_t first_inner, uint16_t frag_num, uint16_t frag_total)
{
	bool frag = frag_total != 0;
	size_t start;

	if (frag && (frag_num == 0 || frag_num > frag_total))
		wr_fail(w, -EINVAL);
	start = ike_wr_begin(w, frag ? IKE_PL_SKF : IKE_PL_SK, false);
	if (w->err != 0)
		return start;
	w->buf[start] = first_inner;
	if (frag) {
		ike_wr_u16(w, frag_num);
		ike_wr_u16(w, frag_total);
	}
	w->closed = true;
	return start;
}

/* A payload whose body is one fixed word and a variable part: KE, ID, AUTH (section 3). */
static void
wr_word_data(struct ike_wr *w, uint8_t type, uint32_t word, const uint8_t *data, size_t len)
{
	size_t start = ike_wr_begin(w, type, false);

	ike_wr_u32(w, word);
	ike_wr_bytes(w, data, len);
	ike_wr_end(w, start);
}

void
ike_wr_raw(struct ike_wr *w, uint8_t type, const uint8_t *body, size_t len)
{
	size_t start = ike_wr_begin(w, type, false);

	ike_wr_bytes(w, body, len);
	ike_wr_end(w, start);
}

void
ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *data, size_t len)
{
	wr_word_data(w, IKE_PL_KE, (uint32_t)group << 16, data, len);
}

void
ike_wr_nonce(struct ike_wr *w, const uint8_t *nonce, size_t len)
{
	if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		wr_fail(w, -EINVAL);
	ike_wr_raw(w, IKE_PL_NONCE, nonce, len);
}

void
ike_wr_id(struct ike_wr *w, uint8_t pl, uint8_t id_type, const uint8_t *data, size_t len)
{
	if ((pl != IKE_PL_IDI && pl != IKE_PL_IDR) ||
	    (ike_rule_id_len(id_type) != 0 && len != ike_rule_id_len(id_type)))
		wr_fail(w, -EINVAL);
	wr_word_data(w, pl, (uint32_t)id_type << 24, data, len);
}

void
ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *data, size_t len)
{
	wr_word_data(w, IKE_PL_AUTH, (uint32_t)method << 24, data, len);
}

void
ike_wr_vendor(struct ike_wr *w, const uint8_t *vid, size_t len)
{
	ike_wr_raw(w, IKE_PL_VENDOR, vid, len);
}

void
ike_wr_notify(struct ike_wr *w, const struct ike_notify_pl *n)
{
	size_t start;

	if (!ike_rule_notify_spi(n->spi.len))
		wr_fail(w, -EINVAL);
	start = ike_wr_begin(w, IKE_PL_NOTIFY, false);
	ike_wr_u8(w, n->proto);
	ike_wr_u8(w, (uint8_t)n->spi.len);
	ike_wr_u16(w, n->type);
	ike_wr_bytes(w, n->spi.p, n->spi.len);
	ike_wr_bytes(w, n->data.p, n->data.len);
	ike_wr_end(w, start);
}

void
ike_wr_delete(struct ike_wr *w, const struct ike_delete *d)
{
	size_t start;

	if (ike_rule_delete(d->proto, d->spi_size, d->n_spis, d->spis.len) != 0)
		wr_fail(w, -EINVAL);
	start = ike_wr_begin(w, IKE_PL_DELETE, false);
	ike_wr_u8(w, d->proto);
	ike_wr_u8(w, d->spi_size);
	ike_wr_u16(w, d->n_spis);
	ike_wr_bytes(w, d->spis.p, d->spis.len);
	ike_wr_end(w, start);
}

void
ike_wr_ts(struct ike_wr *w, uint8_t pl, const struct ike_ts *ts, unsigned int n)
{
	size_t start;

	if ((pl != IKE_PL_TSI && pl != IKE_PL_TSR) || n == 0 || n > IKE_MAX_TS)
		wr_fail(w, -EINVAL);
	start = ike_wr_begin(w, pl, false);
	ike_wr_u32(w, n << 24);
	for (unsigned int i = 0; i < n && w->err == 0; i++) {
		const struct ike_ts *t = &ts[i];
		size_t alen = ike_rule_ts_addr_len(t->type);

		if (alen == 0)
			wr_fail(w, -EINVAL);
		ike_wr_u8(w, t->type);
		ike_wr_u8(w, t->ip_proto);
		ike_wr_u16(w, (uint16_t)(8 + 2 * alen));
		ike_wr_u16(w, t->start_port);
		ike_wr_u16(w, t->end_port);
		ike_wr_bytes(w, t->start, alen);
		ike_wr_bytes(w, t->end, alen);
	}
	ike_wr_end(w, start);
}

/* Section 3.3.1 rules the parser enforces: numbering, SPI size for the protocol, counts. */
static bool
proposal_ok(const struct ike_proposal *p, unsigned int i, uint8_t prev_num)
{
	if (p->num == 0 || (i > 0 && p->num != prev_num + 1) || p->proto == IKE_PROTO_NONE ||
	    p->n_transforms > IKE_MAX_TRANSFORMS || !ike_rule_proposal_spi(p->proto, p->spi_size))
		return false;
	for (unsigned int t = 0; t < p->n_transforms; t++)
		if (p->tf[t].unusable)
			return false;
	return true;
}

/* Sections 3.3.1, 3.3.2, 3.3.5: last/more markers 0/2 and 0/3, Key Length as TV. */
static void
wr_proposal(struct ike_wr *w, const struct ike_proposal *p, bool last)
{
	size_t start = w->len;

	ike_wr_u8(w, last ? 0 : 2);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, 0);	/* length, below */
	ike_wr_u8(w, p->num);
	ike_wr_u8(w, p->proto);
	ike_wr_u8(w, p->spi_size);
	ike_wr_u8(w, p->n_transforms);
	ike_wr_bytes(w, p->spi, p->spi_size);
	for (unsigned int i = 0; i < p->n_transforms; i++) {
		const struct ike_transform *t = &p->tf[i];

		ike_wr_u8(w, i + 1 == p->n_transforms ? 0 : 3);
		ike_wr_u8(w, 0);
		ike_wr_u16(w, t->key_len != 0 ? 12 : 8);
		ike_wr_u8(w, t->type);
		ike_wr_u8(w, 0);
		ike_wr_u16(w, t->id);
		if (t->key_len != 0) {
			ike_wr_u16(w, IKE_ATTR_AF | IKE_ATTR_KEY_LENGTH);
			ike_wr_u16(w, t->key_len);
		}
	}
	if (w->err == 0)
		put16(w->buf + start + 2, (uint16_t)(w->len - start));
}

void
ike_wr_sa(struct ike_wr *w, const struct ike_proposal *p, unsigned int n)
{
	size_t start;

	if (n == 0 || n > IKE_MAX_PROPOSALS)
		wr_fail(w, -EINVAL);
	for (unsigned int i = 0; i < n && w->err == 0; i++)
		if (!proposal_ok(&p[i], i, i > 0 ? p[i - 1].num : 0))
			wr_fail(w, -EINVAL);
	start = ike_wr_begin(w, IKE_PL_SA, false);
	for (unsigned int i = 0; i < n && w->err == 0; i++)
		wr_proposal(w, &p[i], i + 1 == n);
	ike_wr_end(w, start);
}
