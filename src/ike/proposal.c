/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proposals (RFC 7296 sections 2.7, 3.3): the IKE SA's from the ikev2
 * policy, the CHILD_SA's from the crypto-map entry's transform set; choosing
 * one as the responder (our preference first, as IOS and strongSwan's
 * default), and checking the responder's choice as the initiator (one
 * proposal we sent, one transform of each type, each one we offered).
 * Transforms carrying an attribute we do not understand are never chosen
 * (3.3.6), nor proposals holding a transform type we do not know.
 */
#include <netinet/in.h>
#include <string.h>

#include "ike_engine.h"

/* Our proposal under construction: at most IKE_MAX_TRANSFORMS transforms. */
static int
add_tf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t key_len)
{
	if (p->n_transforms >= IKE_MAX_TRANSFORMS)
		return -E2BIG;
	p->tf[p->n_transforms++] = (struct ike_transform){.type = type, .id = id,
							   .key_len = key_len};
	return 0;
}

static bool
peer_has(const struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t key_len)
{
	for (unsigned int i = 0; i < p->n_transforms; i++) {
		const struct ike_transform *t = &p->tf[i];

		if (t->type == type && t->id == id && !t->unusable &&
		    (type != IKE_TF_ENCR || t->key_len == key_len))
			return true;
	}
	return false;
}

static bool
peer_has_type(const struct ike_proposal *p, uint8_t type)
{
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->tf[i].type == type)
			return true;
	return false;
}

/* Section 3.3.6: a transform type we do not know makes the proposal unacceptable. */
static bool
types_known(const struct ike_proposal *p, uint64_t allowed)
{
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->tf[i].type >= 64 || !(allowed >> p->tf[i].type & 1))
			return false;
	return true;
}

#define BIT(t) (1ull << (t))

/* ---- IKE SA ---- */

static int
ike_proposal_of(const struct cfg_ike_proposal *c, uint8_t num, const uint8_t *spi,
		struct ike_proposal *p)
{
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = IKE_PROTO_IKE;
	if (spi != NULL) {
		p->spi_size = IKE_SPI_LEN;
		memcpy(p->spi, spi, IKE_SPI_LEN);
	}
	for (unsigned int i = 0; i < c->n_encr; i++)
		rc |= add_tf(p, IKE_TF_ENCR, c->encr[i].id, c->encr[i].bits);
	for (unsigned int i = 0; i < c->n_prf; i++)
		rc |= add_tf(p, IKE_TF_PRF, c->prf[i], 0);
	for (unsigned int i = 0; i < c->n_integ; i++)
		rc |= add_tf(p, IKE_TF_INTEG, c->integ[i], 0);
	for (unsigned int i = 0; i < c->n_group; i++)
		rc |= add_tf(p, IKE_TF_DH, c->group[i], 0);
	return rc != 0 ? -E2BIG : 0;
}

int
prop_ike_offer(const struct cfg_ike_policy *pol, const struct dpsec_config *cfg,
	       const uint8_t *spi, struct ike_proposal *out, unsigned int *n, uint16_t *dh)
{
	unsigned int k = 0;

	for (uint32_t i = 0; i < pol->n_proposals && k < IKE_MAX_PROPOSALS; i++) {
		const struct cfg_ike_proposal *c = &cfg->ikev2.proposals[pol->proposals[i]];

		if (ike_proposal_of(c, (uint8_t)(k + 1), spi, &out[k]) != 0)
			return -E2BIG;
		if (k == 0 && c->n_group > 0)
			*dh = c->group[0];
		k++;
	}
	*n = k;
	return k > 0 ? 0 : -ENOENT;
}

/* Our preferred transform of each type that the peer's proposal p also offers. */
static bool
choose_ike(const struct cfg_ike_proposal *c, const struct ike_proposal *p, uint16_t ke_group,
	   struct ike_suite *s)
{
	bool found = false;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < c->n_encr && !found; i++)
		if (peer_has(p, IKE_TF_ENCR, c->encr[i].id, c->encr[i].bits) &&
		    ike_transform_supported(IKE_TF_ENCR, c->encr[i].id, c->encr[i].bits)) {
			s->encr = c->encr[i].id;
			s->encr_bits = c->encr[i].bits;
			found = true;
		}
	if (!found)
		return false;
	for (unsigned int i = 0; i < c->n_prf && s->prf == 0; i++)
		if (peer_has(p, IKE_TF_PRF, c->prf[i], 0))
			s->prf = c->prf[i];
	/* RFC 5282 section 8: with an AEAD cipher no integrity transform is used */
	for (unsigned int i = 0; i < c->n_integ && !ike_encr_is_aead(s->encr) && s->integ == 0; i++)
		if (peer_has(p, IKE_TF_INTEG, c->integ[i], 0))
			s->integ = c->integ[i];
	for (unsigned int i = 0; i < c->n_group; i++)
		if (c->group[i] == ke_group && peer_has(p, IKE_TF_DH, ke_group, 0))
			s->dh = ke_group;
	for (unsigned int i = 0; i < c->n_group && s->dh == 0; i++)
		if (peer_has(p, IKE_TF_DH, c->group[i], 0))
			s->dh = c->group[i];
	return ike_suite_valid(s);
}

int
prop_ike_select(const struct cfg_ike_policy *pol, const struct dpsec_config *cfg,
		const struct ike_sa_pl *peer, uint16_t ke_group, struct ike_suite *s,
		struct ike_proposal *answer)
{
	const uint64_t known = BIT(IKE_TF_ENCR) | BIT(IKE_TF_PRF) | BIT(IKE_TF_INTEG) | BIT(IKE_TF_DH);

	for (uint32_t i = 0; i < pol->n_proposals; i++) {
		const struct cfg_ike_proposal *c = &cfg->ikev2.proposals[pol->proposals[i]];

		for (unsigned int j = 0; j < peer->n_proposals; j++) {
			const struct ike_proposal *p = &peer->prop[j];

			if (p->proto != IKE_PROTO_IKE || !types_known(p, known) ||
			    !choose_ike(c, p, ke_group, s))
				continue;
			memset(answer, 0, sizeof(*answer));
			answer->num = p->num;
			answer->proto = IKE_PROTO_IKE;
			add_tf(answer, IKE_TF_ENCR, s->encr, s->encr_bits);
			add_tf(answer, IKE_TF_PRF, s->prf, 0);
			if (s->integ != IKE_INTEG_NONE)
				add_tf(answer, IKE_TF_INTEG, s->integ, 0);
			add_tf(answer, IKE_TF_DH, s->dh, 0);
			return 0;
		}
	}
	return -ENOENT;
}

/* The one transform of a type in the answer, which must be one we offered. */
static int
one_of(const struct ike_proposal *got, const struct ike_proposal *offered, uint8_t type,
       uint16_t *id, uint16_t *key_len)
{
	int n = 0;

	for (unsigned int i = 0; i < got->n_transforms; i++) {
		const struct ike_transform *t = &got->tf[i];

		if (t->type != type)
			continue;
		if (n++ != 0 || t->unusable || !peer_has(offered, type, t->id, t->key_len))
			return -EINVAL;
		*id = t->id;
		if (key_len != NULL)
			*key_len = t->key_len;
	}
	return n == 1 ? 0 : -ENOENT;
}

int
prop_ike_check(const struct ike_proposal *offered, unsigned int n, const struct ike_sa_pl *got,
	       struct ike_suite *s)
{
	const uint64_t known = BIT(IKE_TF_ENCR) | BIT(IKE_TF_PRF) | BIT(IKE_TF_INTEG) | BIT(IKE_TF_DH);
	const struct ike_proposal *g = &got->prop[0], *o = NULL;
	uint16_t encr = 0, bits = 0, prf = 0, integ = 0, dh = 0;

	if (got->n_proposals != 1 || g->proto != IKE_PROTO_IKE || !types_known(g, known))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (offered[i].num == g->num)
			o = &offered[i];
	if (o == NULL || one_of(g, o, IKE_TF_ENCR, &encr, &bits) != 0 ||
	    one_of(g, o, IKE_TF_PRF, &prf, NULL) != 0 || one_of(g, o, IKE_TF_DH, &dh, NULL) != 0)
		return -EINVAL;
	switch (one_of(g, o, IKE_TF_INTEG, &integ, NULL)) {
	case 0:
	case -ENOENT:
		break;
	default:
		return -EINVAL;
	}
	*s = (struct ike_suite){.encr = encr, .encr_bits = bits, .integ = integ, .prf = prf,
				.dh = dh};
	return ike_suite_valid(s) ? 0 : -EINVAL;
}

/* ---- CHILD_SA (ESP or AH) ---- */

static void
esp_encr(enum dp_cipher c, uint16_t *id, uint16_t *bits)
{
	static const struct {
		uint16_t id, bits;
	} map[DP_CIPHER__COUNT] = {
		[DP_CIPHER_NULL] = {IKE_ENCR_NULL, 0},
		[DP_CIPHER_AES_CBC_128] = {IKE_ENCR_AES_CBC, 128},
		[DP_CIPHER_AES_CBC_256] = {IKE_ENCR_AES_CBC, 256},
		[DP_CIPHER_AES_GCM_128] = {IKE_ENCR_AES_GCM_16, 128},
		[DP_CIPHER_AES_GCM_256] = {IKE_ENCR_AES_GCM_16, 256},
	};

	*id = map[c].id;
	*bits = map[c].bits;
}

static uint16_t
esp_integ(enum dp_auth a)
{
	static const uint16_t map[DP_AUTH__COUNT] = {
		[DP_AUTH_NONE] = IKE_INTEG_NONE,
		[DP_AUTH_HMAC_SHA1_96] = IKE_INTEG_HMAC_SHA1_96,
		[DP_AUTH_HMAC_SHA256_128] = IKE_INTEG_HMAC_SHA2_256_128,
		[DP_AUTH_HMAC_SHA384_192] = IKE_INTEG_HMAC_SHA2_384_192,
		[DP_AUTH_HMAC_SHA512_256] = IKE_INTEG_HMAC_SHA2_512_256,
	};

	return map[a];
}

static void
put_spi(uint8_t *p, uint32_t spi)
{
	p[0] = (uint8_t)(spi >> 24);
	p[1] = (uint8_t)(spi >> 16);
	p[2] = (uint8_t)(spi >> 8);
	p[3] = (uint8_t)spi;
}

static uint32_t
get_spi(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void
prop_set_spi(struct ike_proposal *p, uint32_t spi)
{
	put_spi(p->spi, spi);
}

/* The CHILD_SA protocol of a transform set: AH for an ah-* set, else ESP. */
static uint8_t
child_proto(const struct cfg_transform_set *tset)
{
	return tset->proto == IPPROTO_AH ? IKE_PROTO_AH : IKE_PROTO_ESP;
}

void
prop_child_suite(const struct cfg_transform_set *tset, uint16_t dh, struct child_suite *cs)
{
	*cs = (struct child_suite){.proto = child_proto(tset), .cipher = tset->cipher,
				   .auth = tset->auth, .esn = tset->esn, .dh = dh};
}

static void
child_answer(const struct child_suite *cs, uint8_t num, uint32_t spi, struct ike_proposal *p)
{
	uint16_t id, bits;

	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = cs->proto;
	p->spi_size = 4;
	put_spi(p->spi, spi);
	/* section 3.3: an AH proposal has integrity, DH and ESN transforms, no encryption */
	if (cs->proto != IKE_PROTO_AH) {
		esp_encr(cs->cipher, &id, &bits);
		add_tf(p, IKE_TF_ENCR, id, bits);
	}
	if (cs->auth != DP_AUTH_NONE)
		add_tf(p, IKE_TF_INTEG, esp_integ(cs->auth), 0);
	if (cs->dh != 0)
		add_tf(p, IKE_TF_DH, cs->dh, 0);
	add_tf(p, IKE_TF_ESN, cs->esn ? IKE_ESN_YES : IKE_ESN_NO, 0);
}

void
prop_child_offer(const struct cfg_transform_set *tset, uint32_t spi, uint16_t dh,
		 struct ike_proposal *out)
{
	struct child_suite cs;

	prop_child_suite(tset, dh, &cs);
	child_answer(&cs, 1, spi, out);
}

/* The DH group of a CHILD proposal: ours if set (required), else whatever the peer wants. */
static bool
child_dh(const struct ike_proposal *p, uint16_t pfs, uint16_t *dh)
{
	*dh = 0;
	if (pfs != 0) {
		*dh = pfs;
		return peer_has(p, IKE_TF_DH, pfs, 0);
	}
	if (!peer_has_type(p, IKE_TF_DH) || peer_has(p, IKE_TF_DH, IKE_DH_NONE, 0))
		return true;
	/* IOS "set pfs": without a group of its own, a responder accepts the peer's */
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->tf[i].type == IKE_TF_DH && !p->tf[i].unusable &&
		    ike_transform_supported(IKE_TF_DH, p->tf[i].id, 0)) {
			*dh = p->tf[i].id;
			return true;
		}
	return false;
}

static bool
child_esn_ok(const struct ike_proposal *p, bool esn)
{
	if (!peer_has_type(p, IKE_TF_ESN))
		return !esn;
	return peer_has(p, IKE_TF_ESN, esn ? IKE_ESN_YES : IKE_ESN_NO, 0);
}

int
prop_child_select(const struct cfg_transform_set *tset, uint16_t pfs, bool with_dh,
		  const struct ike_sa_pl *peer, struct child_suite *cs, uint32_t *peer_spi,
		  struct ike_proposal *answer)
{
	const uint8_t proto = child_proto(tset);
	/* an AH proposal carrying an encryption transform is not one we know (section 3.3.3) */
	const uint64_t known = (proto == IKE_PROTO_AH ? 0 : BIT(IKE_TF_ENCR)) | BIT(IKE_TF_INTEG) |
			       BIT(IKE_TF_DH) | BIT(IKE_TF_ESN);
	uint16_t id, bits, dh = 0;

	esp_encr(tset->cipher, &id, &bits);
	for (unsigned int j = 0; j < peer->n_proposals; j++) {
		const struct ike_proposal *p = &peer->prop[j];

		if (p->proto != proto || p->spi_size != 4 || !types_known(p, known) ||
		    (proto == IKE_PROTO_ESP && !peer_has(p, IKE_TF_ENCR, id, bits)) ||
		    !child_esn_ok(p, tset->esn))
			continue;
		/* AEAD: an integrity transform next to it is ignored (RFC 5282 section 8) */
		if (tset->auth != DP_AUTH_NONE &&
		    !peer_has(p, IKE_TF_INTEG, esp_integ(tset->auth), 0))
			continue;
		if (with_dh && !child_dh(p, pfs, &dh))
			continue;
		prop_child_suite(tset, with_dh ? dh : 0, cs);
		*peer_spi = get_spi(p->spi);
		child_answer(cs, p->num, 0, answer);
		return 0;
	}
	return -ENOENT;
}

int
prop_child_check(const struct ike_proposal *offered, const struct ike_sa_pl *got,
		 uint32_t *peer_spi)
{
	const uint64_t known = BIT(IKE_TF_ENCR) | BIT(IKE_TF_INTEG) | BIT(IKE_TF_DH) | BIT(IKE_TF_ESN);
	const struct ike_proposal *g = &got->prop[0];
	uint16_t id, bits;

	/* the protocol we offered (ESP or AH); a transform we did not offer fails below */
	if (got->n_proposals != 1 || g->proto != offered->proto || g->spi_size != 4 ||
	    !types_known(g, known) || g->num != offered->num)
		return -EINVAL;
	for (uint8_t type = IKE_TF_ENCR; type <= IKE_TF_ESN; type++) {
		int rc;

		if (type == IKE_TF_PRF)
			continue;
		rc = one_of(g, offered, type, &id, &bits);
		/* what we offered must come back, one of each (DH/INTEG only if offered) */
		if (rc == -ENOENT && !peer_has_type(offered, type))
			continue;
		if (rc != 0)
			return -EINVAL;
	}
	*peer_spi = get_spi(g->spi);
	return *peer_spi >= 256 ? 0 : -EINVAL;
}
