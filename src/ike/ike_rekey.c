/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE SA rekey (RFC 7296 sections 1.3.2, 2.18, 2.25.2), both roles:
 *
 *   initiator                                    responder
 *   HDR, SK{SA(IKE, new SPIi), Ni, KEi}  -->
 *                    <--  HDR, SK{SA(IKE, new SPIr), Nr, KEr}
 *   [new IKE SA, the CHILD_SAs move to it]       [the same]
 *   HDR, SK{D(IKE)}  (on the old IKE SA)  -->
 *                    <--  HDR, SK{}
 *
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old PRF, the keys
 * then with the new SPIs; whoever initiates the rekey is the new IKE SA's
 * original initiator. strongSwan rekeys at its IKE lifetime, so the
 * responder side is what runs first against it; ours starts at the profile's
 * lifetime minus up to 10 %.
 *
 * Both sides rekeying at once (2.8.2) and a rekey request while one of our
 * CREATE_CHILD_SA exchanges is open are answered with TEMPORARY_FAILURE; the
 * refused side tries again after a random delay, so one of them goes first.
 */
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

/* The rekey responder's old IKE SA goes after this long if the peer never deletes it. */
#define OLD_SA_EXPIRE_MS 30000u
/* A refused rekey is tried again after 2..10 s. */
#define RETRY_MIN_MS 2000u
#define RETRY_SPREAD_MS 8000u

/* The new IKE SA takes over: identities, NAT state, CHILD_SAs and queued work. */
static void
adopt(struct ike *ike, struct ike_sa *old, struct ike_sa *n)
{
	const struct cfg_ike_profile *p = ike_profile(ike, old->profile);
	char b[IKE_ADDR_STRLEN];
	struct ike_child *c;
	struct ike_task *t;

	n->profile = old->profile;
	n->kpeer = old->kpeer;
	n->id_local = old->id_local;
	n->id_remote = old->id_remote;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	/* RFC 7383 is agreed in IKE_SA_INIT only; a rekeyed IKE SA keeps it (as strongSwan) */
	n->frag = old->frag;
	n->state = IKE_SA_ESTABLISHED;
	n->was_up = true;
	n->up_ms = ike_now(ike);
	n->rx_ms = n->up_ms;
	n->tx_ms = old->tx_ms;
	while ((c = TAILQ_FIRST(&old->children)) != NULL) {
		TAILQ_REMOVE(&old->children, c, link);
		TAILQ_INSERT_TAIL(&n->children, c, link);
	}
	while ((t = TAILQ_FIRST(&old->tasks)) != NULL) {
		TAILQ_REMOVE(&old->tasks, t, link);
		if (t->kind == TASK_DPD || t->kind == TASK_IKE_REKEY || t->kind == TASK_IKE_DELETE)
			free(t);
		else
			TAILQ_INSERT_TAIL(&n->tasks, t, link);
	}
	/* it lives on as n: no SA_DOWN for the old one, and nothing more to time */
	old->was_up = false;
	old->successor = n->tunnel_id;
	old->rekey_ms = 0;
	old->dpd_ms = 0;
	old->keepalive_ms = 0;
	sa_timers_start(ike, n, p);
	ike_log(ike, 5, "IKEV2-5-SA_REKEYED", "IKE SA with %s rekeyed: tunnel %u replaced by %u",
		ike_addr_str(&n->remote, b), old->tunnel_id, n->tunnel_id);
}

static uint64_t
spi_of(const struct ike_proposal *p)
{
	uint64_t v = 0;

	for (int i = 0; i < IKE_SPI_LEN; i++)
		v = v << 8 | p->spi[i];
	return v;
}

/* Keys of the new IKE SA n from the old one's SK_d and this exchange (section 2.18). */
static int
rekey_keys(const struct ike_sa *old, struct ike_sa *n, const struct ike_dh_key *dh,
	   const struct ike_view *peer_ke, const struct ike_nonces *nn)
{
	uint8_t si[IKE_SPI_LEN], sr[IKE_SPI_LEN];
	struct ike_dh_shared gir;
	struct ike_keys k;
	int rc;

	if (ike_dh_key_derive(dh, peer_ke->p, peer_ke->len, &gir) != 0)
		return -EINVAL;
	ike_spi_bytes(n->spi_i, si);
	ike_spi_bytes(n->spi_r, sr);
	memset(&k, 0, sizeof(k));
	rc = ike_keys_from_rekey(old->suite.prf, &old->keys->d, &n->suite, nn, &gir, si, sr, &k);
	ike_dh_shared_wipe(&gir);
	if (rc == 0)
		rc = sa_keys_set(n, &k);
	ike_keys_wipe(&k);
	return rc;
}

/* ---- initiator ---- */

static bool
group_offered(const struct ike_proposal *props, unsigned int n, uint16_t g)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < props[i].n_transforms; j++)
			if (props[i].tf[j].type == IKE_TF_DH && props[i].tf[j].id == g)
				return true;
	return false;
}

static int
offer(const struct ike *ike, const struct ike_sa *sa, const struct ike_sa *n,
      struct ike_proposal *props, unsigned int *np, uint16_t *first)
{
	const struct cfg_ike_policy *pol = config_ike_policy(ike->cfg, ike_addr_v4(&sa->local));
	uint8_t spi[IKE_SPI_LEN];

	ike_spi_bytes(n->spi_i, spi);
	if (pol == NULL)
		return -ENOENT;
	return prop_ike_offer(pol, ike->cfg, spi, props, np, first);
}

int
ike_rekey_start(struct ike *ike, struct ike_sa *sa)
{
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_req *r = &sa->req;
	uint8_t pub[IKE_DH_PUB_MAX];
	unsigned int np = 0;
	uint16_t first = 0, group;
	struct ike_sa *n;
	struct ike_out o;
	size_t publen = 0;
	int rc;

	if (r->busy)
		return -EBUSY;
	n = sa_new(ike, true, &sa->local, &sa->remote);
	if (n == NULL)
		return -ENOMEM;
	n->profile = sa->profile;
	rc = offer(ike, sa, n, props, &np, &first);
	/* the group in use, unless the peer asked for another (or it is not offered any more) */
	group = r->ke_group != 0 ? r->ke_group : sa->suite.dh;
	if (rc == 0 && !group_offered(props, np, group))
		group = first;
	if (rc == 0)
		rc = ike_rand(r->nonce, sizeof(r->nonce));
	if (rc == 0) {
		r->dh = ike_dh_key_new(group);
		publen = ike_dh_public_len(group);
		rc = r->dh != NULL ? ike_dh_key_public(r->dh, pub, publen) : -ENOTSUP;
	}
	if (rc == 0) {
		out_init(ike, &o);
		ike_wr_sa(&o.w, props, np);
		ike_wr_nonce(&o.w, r->nonce, sizeof(r->nonce));
		ike_wr_ke(&o.w, group, pub, publen);
		rc = out_request(ike, sa, TASK_IKE_REKEY, IKE_CREATE_CHILD_SA,
				 IKE_STAT_X_CHILD_IKE_REKEY, &o);
	}
	if (rc != 0) {
		sa_free(ike, n, false, "IKE SA rekey not sent");
		req_clear(sa);
		return rc;
	}
	r->new_sa = n;
	r->ke_group = group;
	return 0;
}

/* The rekey failed: forget the new SA; maybe again later, maybe with another group now. */
static void
rekey_failed(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, uint16_t err)
{
	struct ike_req *r = &sa->req;
	const struct ike_notify_pl *n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	bool retried = r->ke_retried;
	uint16_t g = 0;

	if (r->new_sa != NULL) {
		struct ike_sa *dead = r->new_sa;

		r->new_sa = NULL;
		sa_free(ike, dead, false, "IKE SA rekey failed");
	}
	if (err == IKE_N_INVALID_KE_PAYLOAD && n != NULL && n->data.len == 2)
		g = (uint16_t)(n->data.p[0] << 8 | n->data.p[1]);
	req_clear(sa);
	if (g != 0 && !retried && ike_transform_supported(IKE_TF_DH, g, 0)) {
		/* section 1.3: once, at once, with the group the peer wants */
		sa->req.ke_group = g;
		sa->req.ke_retried = true;
		if (ike_rekey_start(ike, sa) == 0)
			return;
	}
	ike_log(ike, 4, "IKEV2-4-REKEY_FAILED", "IKE SA rekey refused (notify %u), tunnel %u", err,
		sa->tunnel_id);
	if (err == IKE_N_TEMPORARY_FAILURE || err == 0)
		sa->rekey_ms = ike_now(ike) + RETRY_MIN_MS + ike_rand_below(RETRY_SPREAD_MS);
	sa_kick(ike, sa);
}

void
ike_rekey_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_req *r = &sa->req;
	struct ike_sa *n = r->new_sa;
	struct ike_nonces nn = {r->nonce, sizeof(r->nonce), m->nonce.p, m->nonce.len};
	uint16_t err = ike_error_notify(m), first;
	struct ike_suite suite;
	unsigned int np = 0;

	if (n == NULL || err != 0) {
		rekey_failed(ike, sa, m, err);
		return;
	}
	if (!ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_NONCE) || !ike_has(m, IKE_PL_KE) ||
	    offer(ike, sa, n, props, &np, &first) != 0 ||
	    prop_ike_check(props, np, &m->sa, &suite) != 0 || m->sa.prop[0].spi_size != 8 ||
	    spi_of(&m->sa.prop[0]) == 0 || suite.dh != r->ke_group || m->ke.group != suite.dh) {
		rekey_failed(ike, sa, m, 0);
		return;
	}
	n->spi_r = spi_of(&m->sa.prop[0]);
	n->suite = suite;
	if (rekey_keys(sa, n, r->dh, &m->ke.data, &nn) != 0) {
		ike_drop(ike, IKE_DROP_BAD_KE, "IKE rekey KE data invalid");
		rekey_failed(ike, sa, m, 0);
		return;
	}
	r->new_sa = NULL;
	adopt(ike, sa, n);
	req_clear(sa);
	/* the old IKE SA goes; its DELETE is the first thing in its window */
	task_add(ike, sa, TASK_IKE_DELETE, 0, 0, 0);
	sa_kick(ike, n);
}

/* ---- responder ---- */

void
ike_rekey_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	const int sub = IKE_STAT_X_CHILD_IKE_REKEY;
	const struct cfg_ike_policy *pol = config_ike_policy(ike->cfg, ike_addr_v4(&sa->local));
	struct ike_proposal answer;
	const struct ike_proposal *chosen = NULL;
	uint8_t nr[IKE_NONCE_LEN], pub[IKE_DH_PUB_MAX];
	struct ike_nonces nn = {m->nonce.p, m->nonce.len, nr, sizeof(nr)};
	struct ike_dh_key *dh = NULL;
	struct ike_suite suite;
	struct ike_sa *n;
	struct ike_out o;
	size_t publen;

	if (sa->req.busy && sa->req.exchange == IKE_CREATE_CHILD_SA) {
		child_refuse(ike, sa, m, sub, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (pol == NULL || prop_ike_select(pol, ike->cfg, &m->sa, m->ke.group, &suite, &answer) != 0) {
		ike_drop(ike, IKE_DROP_NO_PROPOSAL, "no IKE rekey proposal acceptable");
		child_refuse(ike, sa, m, sub, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	for (unsigned int i = 0; i < m->sa.n_proposals; i++)
		if (m->sa.prop[i].num == answer.num && m->sa.prop[i].proto == IKE_PROTO_IKE)
			chosen = &m->sa.prop[i];
	if (chosen == NULL || chosen->spi_size != 8 || spi_of(chosen) == 0 ||
	    !ike_has(m, IKE_PL_NONCE) || !ike_has(m, IKE_PL_KE)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "IKE rekey without SPI, Ni or KEi");
		child_refuse(ike, sa, m, sub, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (suite.dh != m->ke.group) {
		ike_drop(ike, IKE_DROP_INVALID_KE, "IKE rekey KE of another group");
		child_refuse_with(ike, sa, m, sub, IKE_N_INVALID_KE_PAYLOAD, suite.dh);
		return;
	}
	n = sa_new(ike, false, &sa->local, &sa->remote);
	if (n == NULL) {
		child_refuse(ike, sa, m, sub, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	n->spi_i = spi_of(chosen);
	n->suite = suite;
	publen = ike_dh_public_len(suite.dh);
	dh = ike_dh_key_new(suite.dh);
	if (dh == NULL || ike_dh_key_public(dh, pub, publen) != 0 ||
	    ike_rand(nr, sizeof(nr)) != 0 || rekey_keys(sa, n, dh, &m->ke.data, &nn) != 0) {
		ike_dh_key_free(dh);
		sa_free(ike, n, false, "IKE SA rekey refused");
		ike_drop(ike, IKE_DROP_BAD_KE, "IKE rekey KE data invalid");
		child_refuse(ike, sa, m, sub, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	ike_dh_key_free(dh);
	answer.spi_size = IKE_SPI_LEN;
	ike_spi_bytes(n->spi_r, answer.spi);
	out_init(ike, &o);
	ike_wr_sa(&o.w, &answer, 1);
	ike_wr_nonce(&o.w, nr, sizeof(nr));
	ike_wr_ke(&o.w, suite.dh, pub, publen);
	mem_wipe(nr, sizeof(nr));
	if (out_response(ike, sa, IKE_CREATE_CHILD_SA, sub, m->hdr.msg_id, &o) != 0) {
		sa_free(ike, n, false, "IKE SA rekey not answered");
		return;
	}
	adopt(ike, sa, n);
	/* the initiator deletes the old IKE SA; until then it only answers */
	sa->state = IKE_SA_DELETING;
	sa->expire_ms = ike_now(ike) + OLD_SA_EXPIRE_MS;
	sa_kick(ike, n);
}
