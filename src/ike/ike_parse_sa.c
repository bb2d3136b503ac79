/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA payload (RFC 7296 section 3.3): proposals, their transforms and the
 * transforms' attributes, decoded into struct ike_proposal (the type ike_wr_sa
 * writes back). Substructure lengths, the last/more markers and the declared
 * counts must agree exactly; an attribute we do not understand makes its
 * transform unusable (section 3.3.6), not the message invalid.
 */
#include "ike_parse_priv.h"
#include "ike_rules.h"

#define PROP_HDR_LEN 8
#define TF_HDR_LEN 8
#define PROP_LAST 0
#define PROP_MORE 2	/* section 3.3.1 */
#define TF_LAST 0
#define TF_MORE 3	/* section 3.3.2 */

/* Section 3.3.5: Key Length is the only attribute, once, in TV form. */
static int
tf_attrs(struct ike_msg *m, struct ike_transform *t, struct rd a, unsigned int pi,
	 unsigned int ti)
{
	while (a.left != 0) {
		uint16_t type, val;
		struct rd skip;

		if (!rd_u16(&a, &type) || !rd_u16(&a, &val))
			return ike_fail(&m->err, IKE_E_TRANSFORM, IKE_PL_SA,
					"proposal #%u transform #%u: attribute needs 4 bytes, %zu left",
					pi, ti, a.left);
		if (type & IKE_ATTR_AF) {
			if ((type & ~IKE_ATTR_AF) == IKE_ATTR_KEY_LENGTH && t->key_len == 0 &&
			    val != 0)
				t->key_len = val;
			else
				t->unusable = true;
			continue;
		}
		/* TLV: val is the value's length */
		if (!rd_sub(&a, val, &skip))
			return ike_fail(&m->err, IKE_E_TRANSFORM, IKE_PL_SA,
					"proposal #%u transform #%u: attribute %u length %u > %zu left",
					pi, ti, type, val, a.left);
		t->unusable = true;
	}
	return 0;
}

static int
transforms(struct ike_msg *m, struct ike_proposal *p, struct rd *b, unsigned int pi)
{
	for (unsigned int i = 0; i < p->n_transforms; i++) {
		struct ike_transform *t = &p->tf[i];
		uint8_t last = 0, type = 0;
		uint16_t len = 0, id = 0;
		struct rd body = {0};
		int rc;

		if (b->left < TF_HDR_LEN)
			return ike_fail(&m->err, IKE_E_TRANSFORM, IKE_PL_SA,
					"proposal #%u transform #%u of %u: %zu bytes left < %d", pi,
					i + 1, p->n_transforms, b->left, TF_HDR_LEN);
		rd_u8(b, &last);
		rd_skip(b, 1);
		rd_u16(b, &len);
		if (len < TF_HDR_LEN || (size_t)len - 4 > b->left)
			return ike_fail(&m->err, IKE_E_TRANSFORM, IKE_PL_SA,
					"proposal #%u transform #%u: length %u, %zu left", pi, i + 1,
					len, b->left + 4);
		rd_sub(b, len - 4, &body);
		if (last != (i + 1 == p->n_transforms ? TF_LAST : TF_MORE))
			return ike_fail(&m->err, IKE_E_TRANSFORM, IKE_PL_SA,
					"proposal #%u transform #%u of %u: last-substructure %u", pi,
					i + 1, p->n_transforms, last);
		rd_u8(&body, &type);
		rd_skip(&body, 1);
		rd_u16(&body, &id);
		*t = (struct ike_transform){.type = type, .id = id};
		rc = tf_attrs(m, t, body, pi, i + 1);
		if (rc != 0)
			return rc;
	}
	if (b->left != 0)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: %zu bytes after its %u transforms", pi, b->left,
				p->n_transforms);
	return 0;
}

static int
proposal(struct ike_msg *m, struct ike_proposal *p, uint8_t *last, struct rd *b, unsigned int pi,
	 uint8_t prev_num)
{
	uint16_t len;
	struct rd body = {0};

	if (b->left < PROP_HDR_LEN)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: %zu bytes left < %d", pi, b->left, PROP_HDR_LEN);
	rd_u8(b, last);
	rd_skip(b, 1);
	rd_u16(b, &len);
	if (len < PROP_HDR_LEN || (size_t)len - 4 > b->left)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: length %u, %zu left", pi, len, b->left + 4);
	rd_sub(b, len - 4, &body);
	rd_u8(&body, &p->num);
	rd_u8(&body, &p->proto);
	rd_u8(&body, &p->spi_size);
	rd_u8(&body, &p->n_transforms);
	if (*last != PROP_LAST && *last != PROP_MORE)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: last-substructure %u", pi, *last);
	/* Section 3.3.1: numbered from 1 up, one more each (a reply's one proposal
	 * carries the number it accepts). */
	if (p->num == 0 || (pi > 1 && p->num != prev_num + 1))
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: number %u after %u", pi, p->num, prev_num);
	if (p->proto == IKE_PROTO_NONE)
		return ike_fail(&m->err, IKE_E_PROTOCOL, IKE_PL_SA, "proposal #%u: protocol 0",
				pi);
	if (!ike_rule_proposal_spi(p->proto, p->spi_size))
		return ike_fail(&m->err, IKE_E_SPI_SIZE, IKE_PL_SA,
				"proposal #%u: protocol %u SPI size %u", pi, p->proto,
				p->spi_size);
	if (p->n_transforms > IKE_MAX_TRANSFORMS)
		return ike_fail(&m->err, IKE_E_TOO_MANY, IKE_PL_SA,
				"proposal #%u: %u transforms > %d", pi, p->n_transforms,
				IKE_MAX_TRANSFORMS);
	if (!rd_bytes(&body, p->spi, p->spi_size))
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u: SPI size %u > %zu left", pi, p->spi_size, body.left);
	return transforms(m, p, &body, pi);
}

int
ike_pl_sa(struct ike_msg *m, struct rd b)
{
	struct ike_sa_pl *sa = &m->sa;
	uint8_t last = PROP_MORE;

	if (b.left == 0)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA, "no proposals");
	while (b.left != 0) {
		unsigned int pi = sa->n_proposals + 1u;
		uint8_t prev = pi > 1 ? sa->prop[pi - 2].num : 0;
		int rc;

		if (last == PROP_LAST)
			return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
					"%zu bytes after the proposal marked last", b.left);
		if (sa->n_proposals == IKE_MAX_PROPOSALS)
			return ike_fail(&m->err, IKE_E_TOO_MANY, IKE_PL_SA,
					"more than %d proposals", IKE_MAX_PROPOSALS);
		rc = proposal(m, &sa->prop[sa->n_proposals], &last, &b, pi, prev);
		if (rc != 0)
			return rc;
		sa->n_proposals++;
	}
	if (last != PROP_LAST)
		return ike_fail(&m->err, IKE_E_PROPOSAL, IKE_PL_SA,
				"proposal #%u marked more, none follows", sa->n_proposals);
	return 0;
}
