/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message parser: the fixed header (RFC 7296 section 3.1), the payload
 * chain (sections 2.5 and 3.2) and the payloads with a fixed part only. Every
 * length is checked against what remains before anything is read (iked's
 * validate-then-decode); nothing asserts on input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_parse_priv.h"
#include "ike_rules.h"

/* What the chain walker needs to know about a payload type it understands. */
struct pl_rule {
	bool known;
	bool single;		/* at most once per message, SK body included */
	uint8_t min;		/* fixed part of the body, after the generic header */
};

static const struct pl_rule rules[64] = {
	[IKE_PL_SA] = {true, true, 0},		/* "no proposals" is the SA decoder's error */
	[IKE_PL_KE] = {true, true, 4},		/* group, reserved */
	[IKE_PL_IDI] = {true, true, 4},		/* type, reserved(3) */
	[IKE_PL_IDR] = {true, true, 4},
	[IKE_PL_CERT] = {true, false, 1},	/* encoding */
	[IKE_PL_CERTREQ] = {true, false, 1},
	[IKE_PL_AUTH] = {true, true, 4},	/* method, reserved(3) */
	[IKE_PL_NONCE] = {true, true, 0},	/* the nonce decoder checks 16..256 */
	[IKE_PL_NOTIFY] = {true, false, 4},	/* protocol, SPI size, type */
	[IKE_PL_DELETE] = {true, false, 4},	/* protocol, SPI size, count */
	[IKE_PL_VENDOR] = {true, false, 0},
	[IKE_PL_TSI] = {true, true, 4},		/* count, reserved(3) */
	[IKE_PL_TSR] = {true, true, 4},
	[IKE_PL_SK] = {true, true, 0},
	[IKE_PL_CP] = {true, true, 4},		/* CFG type, reserved(3) */
	[IKE_PL_EAP] = {true, true, 4},		/* code, identifier, length */
	[IKE_PL_SKF] = {true, true, 4},		/* fragment number, total fragments */
};

int
ike_fail(struct ike_perr *e, int code, uint8_t type, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	e->payload = type;
	if (type != 0)
		n = snprintf(e->detail, sizeof(e->detail), "payload %u (%s) ", type,
			     ike_payload_name(type));
	va_start(ap, fmt);
	vsnprintf(e->detail + n, sizeof(e->detail) - (size_t)n, fmt, ap);
	va_end(ap);
	return -code;
}

static int
parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr *h, struct ike_perr *e)
{
	struct rd r = rd_init(buf, len);

	if (len < IKE_HDR_LEN)
		return ike_fail(e, IKE_E_TRUNCATED, 0, "datagram %zu < %d header bytes", len,
				IKE_HDR_LEN);
	rd_u64(&r, &h->spi_i);
	rd_u64(&r, &h->spi_r);
	rd_u8(&r, &h->next);
	rd_u8(&r, &h->version);
	rd_u8(&r, &h->exchange);
	rd_u8(&r, &h->flags);
	rd_u32(&r, &h->msg_id);
	rd_u32(&r, &h->length);
	/* Section 2.5: a major version we do not speak gets INVALID_MAJOR_VERSION. */
	if (h->version >> 4 != IKE_VERSION >> 4)
		return ike_fail(e, IKE_E_MAJOR_VERSION, 0, "version 0x%02x: major %u != 2",
				h->version, h->version >> 4);
	if (h->length != len)
		return ike_fail(e, IKE_E_LENGTH, 0, "length field %u != datagram %zu", h->length,
				len);
	return 0;
}

int
ike_parse_hdr(const uint8_t *buf, size_t len, struct ike_hdr *h)
{
	struct ike_perr e;

	return parse_hdr(buf, len, h, &e);
}

/* Section 3.9: at least 128 bits, at most 256 octets. */
static int
pl_nonce(struct ike_msg *m, struct rd b)
{
	if (b.left < IKE_NONCE_MIN || b.left > IKE_NONCE_MAX)
		return ike_fail(&m->err, IKE_E_NONCE_LENGTH, IKE_PL_NONCE,
				"nonce %zu bytes, not %d..%d", b.left, IKE_NONCE_MIN,
				IKE_NONCE_MAX);
	m->nonce = ike_view_rest(&b);
	return 0;
}

/* Section 3.5; the address types have fixed sizes. */
static int
pl_id(struct ike_msg *m, uint8_t type, struct rd b)
{
	struct ike_id *id = type == IKE_PL_IDI ? &m->idi : &m->idr;
	size_t want;

	id->body = ike_view_rest(&b);
	rd_u8(&b, &id->type);
	rd_skip(&b, 3);
	id->data = ike_view_rest(&b);
	want = ike_rule_id_len(id->type);
	if (want != 0 && id->data.len != want)
		return ike_fail(&m->err, IKE_E_ID_LENGTH, type, "ID type %u with %zu bytes != %zu",
				id->type, id->data.len, want);
	return 0;
}

/* Append a raw body to a list of at most max entries. */
static int
pl_list(struct ike_msg *m, uint8_t type, struct ike_view *list, uint8_t *n, uint8_t max,
	struct rd b)
{
	if (*n == max)
		return ike_fail(&m->err, IKE_E_TOO_MANY, type, "more than %u in one message", max);
	list[(*n)++] = ike_view_rest(&b);
	return 0;
}

/* Section 3.14 and RFC 7383 section 2.5; what follows it is checked by the chain walker. */
static int
pl_sk(struct ike_msg *m, uint8_t type, uint8_t first, size_t off, struct rd b)
{
	struct ike_sk_pl *sk = &m->sk;

	sk->frag = type == IKE_PL_SKF;
	sk->first = first;
	sk->off = off;
	if (sk->frag) {
		rd_u16(&b, &sk->frag_num);
		rd_u16(&b, &sk->frag_total);
		if (sk->frag_num == 0 || sk->frag_num > sk->frag_total)
			return ike_fail(&m->err, IKE_E_FRAGMENT, type, "fragment %u of %u",
					sk->frag_num, sk->frag_total);
	}
	sk->body = ike_view_rest(&b);
	return 0;
}

static int
pl_body(struct ike_msg *m, uint8_t type, struct rd b)
{
	switch (type) {
	case IKE_PL_SA:
		return ike_pl_sa(m, b);
	case IKE_PL_KE:
		rd_u16(&b, &m->ke.group);
		rd_skip(&b, 2);
		m->ke.data = ike_view_rest(&b);
		return 0;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		return pl_id(m, type, b);
	case IKE_PL_AUTH:
		rd_u8(&b, &m->auth.method);
		rd_skip(&b, 3);
		m->auth.data = ike_view_rest(&b);
		return 0;
	case IKE_PL_NONCE:
		return pl_nonce(m, b);
	case IKE_PL_NOTIFY:
		return ike_pl_notify(m, b);
	case IKE_PL_DELETE:
		return ike_pl_delete(m, b);
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		return ike_pl_ts(m, type, b);
	case IKE_PL_VENDOR:
		return pl_list(m, type, m->vendor, &m->n_vendors, IKE_MAX_VENDORS, b);
	case IKE_PL_CERT:
		return pl_list(m, type, m->cert, &m->n_certs, IKE_MAX_CERTS, b);
	case IKE_PL_CERTREQ:
		return pl_list(m, type, m->certreq, &m->n_certreqs, IKE_MAX_CERTS, b);
	case IKE_PL_CP:
		m->cp = ike_view_rest(&b);
		return 0;
	case IKE_PL_EAP:
		m->eap = ike_view_rest(&b);
		return 0;
	default:	/* SK, SKF: pl_sk decodes them, it needs the chain position */
		return 0;
	}
}

/*
 * One payload of a known or unknown type whose generic header said it has
 * this body. Section 2.5: the critical bit is ignored on types we know, and
 * an unknown type is skipped unless it is critical.
 */
static int
pl_one(struct ike_msg *m, uint8_t type, uint8_t crit, struct rd b, bool inner)
{
	const struct pl_rule *rule = type < 64 ? &rules[type] : NULL;

	if (rule == NULL || !rule->known) {
		if (crit & IKE_CRITICAL)
			return ike_fail(&m->err, IKE_E_CRITICAL, type,
					"unknown and critical (%zu bytes)", b.left);
		m->n_unknown++;
		return 0;
	}
	if (rule->single && ike_has(m, type))
		return ike_fail(&m->err, IKE_E_DUPLICATE, type, "seen twice%s",
				inner && !(m->present_inner >> type & 1) ? " (outside and inside SK)"
									  : "");
	if (b.left < rule->min)
		return ike_fail(&m->err, IKE_E_BODY_SHORT, type, "length %zu < %u",
				b.left + IKE_GENERIC_HDR_LEN, rule->min + IKE_GENERIC_HDR_LEN);
	m->present |= 1ULL << type;
	if (inner)
		m->present_inner |= 1ULL << type;
	return pl_body(m, type, b);
}

/*
 * Walk a payload chain that starts with type next and must fill r exactly
 * (section 3.2). In the outer chain an SK or SKF payload ends the walk: its
 * Next Payload names the first inner payload, and it must be the last one
 * (section 3.14). Inside a decrypted body it is an error.
 */
static int
parse_chain(struct ike_msg *m, uint8_t next, struct rd r, bool inner)
{
	while (next != IKE_PL_NONE) {
		const uint8_t *start = r.p;
		uint8_t type = next, crit;
		uint16_t len;
		struct rd body = {0};
		int rc;

		if (!rd_u8(&r, &next) || !rd_u8(&r, &crit) || !rd_u16(&r, &len))
			return ike_fail(&m->err, IKE_E_CHAIN_TRUNCATED, type,
					"header needs 4 bytes, %zu remaining",
					r.left + (size_t)(r.p - start));
		if (len < IKE_GENERIC_HDR_LEN)
			return ike_fail(&m->err, IKE_E_PAYLOAD_LENGTH, type, "length %u < 4", len);
		if (!rd_sub(&r, len - IKE_GENERIC_HDR_LEN, &body))
			return ike_fail(&m->err, IKE_E_PAYLOAD_LENGTH, type,
					"declared %u > %zu remaining", len,
					r.left + IKE_GENERIC_HDR_LEN);
		if (type == IKE_PL_SK || type == IKE_PL_SKF) {
			if (inner)
				return ike_fail(&m->err, IKE_E_SK_NESTED, type,
						"inside the decrypted body");
			if (r.left != 0)
				return ike_fail(&m->err, IKE_E_SK_NOT_LAST, type,
						"followed by %zu bytes", r.left);
		}
		rc = pl_one(m, type, crit, body, inner);
		if (rc != 0)
			return rc;
		if (type == IKE_PL_SK || type == IKE_PL_SKF)
			return pl_sk(m, type, next, (size_t)(start - m->buf), body);
	}
	if (r.left != 0)
		return ike_fail(&m->err, IKE_E_TRAILING, 0, "%zu bytes after the last payload",
				r.left);
	return 0;
}

int
ike_parse(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	rc = parse_hdr(buf, len, &m->hdr, &m->err);
	if (rc != 0)
		return rc;
	return parse_chain(m, m->hdr.next, rd_init(buf + IKE_HDR_LEN, len - IKE_HDR_LEN), false);
}

int
ike_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *plain, size_t len)
{
	return parse_chain(m, first, rd_init(plain, len), true);
}
