/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH (RFC 7296 sections 1.2, 2.15), both roles, pre-shared keys:
 *
 *   initiator                                    responder
 *   HDR, SK{IDi, [N(INITIAL_CONTACT)], AUTH, SAi2, TSi, TSr}  -->
 *                         <--  HDR, SK{IDr, AUTH, SAr2, TSi, TSr}
 *                         <--  or HDR, SK{N(AUTHENTICATION_FAILED)}
 *                         <--  or HDR, SK{IDr, AUTH, N(NO_PROPOSAL_CHOSEN | TS_UNACCEPTABLE)}
 *
 * The initiator installs the first CHILD_SA's inbound half before sending
 * the request (its keys come from IKE_SA_INIT's nonces, and the one
 * proposal we offer fixes the transforms), so the responder may use its
 * outbound half as soon as it has answered. The responder installs inbound,
 * then outbound inactive, answers, and activates; the initiator installs
 * outbound at the answer and activates it (docs/IKE.md, installation order).
 * A failed CHILD_SA leaves the IKE SA up (section 1.2).
 */
#include <arpa/inet.h>
#include <string.h>

#include "ike_engine.h"

#define ID_BODY_MAX (4 + IKE_ID_DATA_MAX)

/* Our identity: the profile's, or the local address (IOS "identity local address"). */
static void
id_local(const struct ike_sa *sa, const struct cfg_ike_profile *p, struct ike_idv *v)
{
	memset(v, 0, sizeof(*v));
	switch (p->local_id.type) {
	case CFG_IKE_ID_FQDN:
		v->type = IKE_ID_FQDN;
		v->len = (uint16_t)strnlen(p->local_id.fqdn, sizeof(p->local_id.fqdn));
		memcpy(v->data, p->local_id.fqdn, v->len);
		break;
	case CFG_IKE_ID_ADDRESS:
		v->type = p->local_id.v6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
		v->len = p->local_id.v6 ? 16 : 4;
		if (p->local_id.v6)
			memcpy(v->data, p->local_id.addr6.addr, 16);
		else
			memcpy(v->data, &p->local_id.addr.addr, 4);
		break;
	default:
		v->type = sa->local.family == 6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
		v->len = sa->local.family == 6 ? 16 : 4;
		memcpy(v->data, sa->local.ip, v->len);
		break;
	}
}

/* The keyring peer for a peer at that address (either family) that sent id (or NULL). */
static const struct cfg_keyring_peer *
auth_keyring_peer(const struct cfg_keyring *kr, const struct ike_addr *peer,
		  const struct cfg_ike_id *id)
{
	if (peer->family == 6)
		return config_keyring_peer6(kr, peer->ip, id);
	return config_keyring_peer(kr, ike_addr_v4(peer), id);
}

/* ID Type | RESERVED | data: what AUTH covers (section 2.15, RestOfIDPayload). */
static size_t
id_body(const struct ike_idv *v, uint8_t out[ID_BODY_MAX])
{
	memset(out, 0, 4);
	out[0] = v->type;
	memcpy(out + 4, v->data, v->len);
	return 4 + (size_t)v->len;
}

static void
id_from_payload(const struct ike_id *id, struct ike_idv *v)
{
	memset(v, 0, sizeof(*v));
	v->type = id->type;
	v->len = (uint16_t)(id->data.len < IKE_ID_DATA_MAX ? id->data.len : IKE_ID_DATA_MAX);
	memcpy(v->data, id->data.p, v->len);
}

int
auth_cfg_id(const struct ike_idv *v, struct cfg_ike_id *id)
{
	memset(id, 0, sizeof(*id));
	if (v->type == IKE_ID_IPV4_ADDR && v->len == 4) {
		id->type = CFG_IKE_ID_ADDRESS;
		memcpy(&id->addr.addr, v->data, 4);
		id->addr.len = 32;
		return 0;
	}
	if (v->type == IKE_ID_IPV6_ADDR && v->len == 16) {
		id->type = CFG_IKE_ID_ADDRESS;
		id->v6 = true;
		memcpy(id->addr6.addr, v->data, 16);
		id->addr6.len = 128;
		return 0;
	}
	if (v->type == IKE_ID_FQDN && v->len > 0 && v->len < sizeof(id->fqdn) &&
	    memchr(v->data, '\0', v->len) == NULL) {
		id->type = CFG_IKE_ID_FQDN;
		memcpy(id->fqdn, v->data, v->len);
		return 0;
	}
	return -EINVAL;
}

/* AUTH over the octets of the side that signs (section 2.15). */
static int
auth_compute(const struct ike_sa *sa, bool initiator_side, const struct ike_idv *id,
	     const struct cfg_psk *psk, const uint8_t *check, size_t check_len, uint8_t *out)
{
	const struct ike_setup *s = sa->setup;
	uint8_t body[ID_BODY_MAX];
	struct ike_auth_in in = {
		.msg = initiator_side ? s->msg1 : s->msg2,
		.msg_len = initiator_side ? s->msg1_len : s->msg2_len,
		.nonce = initiator_side ? s->nr : s->ni,
		.nonce_len = initiator_side ? s->nr_len : s->ni_len,
		.id = body,
		.id_len = id_body(id, body),
		.sk_p = initiator_side ? &sa->keys->pi : &sa->keys->pr,
	};

	if (check != NULL)
		return ike_auth_psk_verify(sa->suite.prf, psk->b, psk->len, &in, check, check_len);
	return ike_auth_psk(sa->suite.prf, psk->b, psk->len, &in, out);
}

static void
write_id_auth(struct ike_out *o, const struct ike_sa *sa, uint8_t pl, const uint8_t *auth)
{
	ike_wr_id(&o->w, pl, sa->id_local.type, sa->id_local.data, sa->id_local.len);
	ike_wr_auth(&o->w, IKE_AUTH_SHARED_KEY_MIC, auth, ike_prf_len(sa->suite.prf));
}

/* INITIAL_CONTACT: only when no other IKE SA with this peer exists (section 2.4). */
static bool
first_contact(const struct ike *ike, const struct ike_sa *sa)
{
	struct ike_sa *o = NULL;

	while ((o = sa_next_by_peer(ike, &sa->remote, o)) != NULL)
		if (o != sa)
			return false;
	return true;
}

/* ---- initiator ---- */

/* The first CHILD_SA: our SPI, its inbound half in the dataplane, the SA and TS payloads. */
static int
auth_child(struct ike *ike, struct ike_sa *sa, struct ike_out *o)
{
	struct ike_setup *s = sa->setup;
	struct ike_child *c = child_new(sa, s->map, s->entry);
	struct ike_nonces n = {s->ni, s->ni_len, s->nr, s->nr_len};
	struct ike_proposal offered;
	struct child_keys k;
	int rc;

	if (c == NULL)
		return -ENOMEM;
	c->created_ms = ike_now(ike);
	c->spi_in = child_spi_new(ike);
	rc = c->spi_in != 0 ? child_offer(ike, c, 0, &offered) : -EIO;
	if (rc == 0)
		rc = child_keys(sa, &c->suite, NULL, &n, &k);
	if (rc == 0) {
		rc = child_install(ike, sa, c, CFG_DIR_IN, &k.ek_ri, &k.ak_ri, false);
		child_keys_wipe(&k);
	}
	if (rc != 0) {
		child_free(ike, sa, c, true);
		return rc;
	}
	s->child_spi = c->spi_in;
	ike_wr_sa(&o->w, &offered, 1);
	child_write_ts(o, c, true);
	return 0;
}

int
auth_start(struct ike *ike, struct ike_sa *sa)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	uint8_t auth[IKE_PRF_MAX];
	struct ike_out o;
	int rc;

	if (p == NULL)
		return -ENOENT;
	sa->kpeer = auth_keyring_peer(&ike->cfg->ikev2.keyrings[p->keyring], &sa->remote, NULL);
	if (sa->kpeer == NULL)
		return -ENOENT;
	id_local(sa, p, &sa->id_local);
	rc = auth_compute(sa, true, &sa->id_local, &sa->kpeer->psk_local, NULL, 0, auth);
	if (rc != 0)
		return rc;
	out_init(ike, &o);
	ike_wr_id(&o.w, IKE_PL_IDI, sa->id_local.type, sa->id_local.data, sa->id_local.len);
	if (first_contact(ike, sa))
		out_notify(&o, IKE_N_INITIAL_CONTACT, 0, NULL, 0, NULL, 0);
	ike_wr_auth(&o.w, IKE_AUTH_SHARED_KEY_MIC, auth, ike_prf_len(sa->suite.prf));
	mem_wipe(auth, sizeof(auth));
	rc = auth_child(ike, sa, &o);
	if (rc == 0)
		rc = out_request(ike, sa, TASK_AUTH, IKE_AUTH, -1, &o);
	return rc;
}

/* The CHILD_SA part of the answer: install the outbound half, or drop the CHILD_SA. */
static void
auth_child_done(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m)
{
	char label[IKE_LABEL_LEN];
	struct ike_setup *s = sa->setup;
	struct ike_child *c = child_by_spi_in(sa, s->child_spi);
	struct ike_nonces n = {s->ni, s->ni_len, s->nr, s->nr_len};
	const struct ike_notify_pl *err = NULL;
	struct ike_proposal offered;
	struct child_keys k;

	if (c == NULL)
		return;
	for (unsigned int i = 0; i < m->n_notifies && err == NULL; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			err = &m->notify[i];
	if (err != NULL || !ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_TSI) ||
	    !ike_has(m, IKE_PL_TSR)) {
		ike_log(ike, 4, "IKEV2-4-CHILD_FAILED",
			"CHILD_SA of %s refused by the peer (notify %u), tunnel %u",
			ike_entry_label(ike, c->map, c->entry, label), err != NULL ? err->type : 0,
			sa->tunnel_id);
		child_free(ike, sa, c, true);
		return;
	}
	if (child_offer(ike, c, 0, &offered) != 0 ||
	    prop_child_check(&offered, &m->sa, &c->spi_out) != 0 ||
	    !child_ts_answer_ok(ike, c, m)) {
		/* the peer installed it: DELETE it (section 1.4.1) once the IKE SA is up */
		uint32_t spi = c->spi_in;
		uint8_t proto = c->suite.proto;

		ike_log(ike, 4, "IKEV2-4-CHILD_FAILED",
			"CHILD_SA of %s: the peer's answer is not what we proposed, tunnel %u",
			ike_entry_label(ike, c->map, c->entry, label), sa->tunnel_id);
		child_free(ike, sa, c, true);
		task_delete_child(ike, sa, proto, spi);
		return;
	}
	ts_copy(&c->ts_local, &m->tsi);
	ts_copy(&c->ts_remote, &m->tsr);
	child_narrow_inbound(ike, c);
	if (child_keys(sa, &c->suite, NULL, &n, &k) != 0 ||
	    child_install_pair(ike, sa, c, true, &k) != 0 || child_activate(ike, c) != 0) {
		child_keys_wipe(&k);
		child_free(ike, sa, c, true);
		return;
	}
	child_keys_wipe(&k);
	c->state = CHILD_INSTALLED;
	child_up(ike, sa, c);
}

/*
 * Section 2.21.2: an initiator that refuses the responder's AUTH may say so in
 * an INFORMATIONAL; the responder believes the IKE SA is up until then.
 */
static void
auth_notify_failed(struct ike *ike, struct ike_sa *sa)
{
	struct ike_out o;

	out_init(ike, &o);
	out_notify(&o, IKE_N_AUTHENTICATION_FAILED, 0, NULL, 0, NULL, 0);
	out_request_once(ike, sa, IKE_INFORMATIONAL, &o);
}

static void
auth_fail(struct ike *ike, struct ike_sa *sa, const char *why)
{
	char a[IKE_ADDR_STRLEN];

	ike_log(ike, 3, "IKEV2-3-AUTH_FAILED", "IKE_AUTH with %s failed: %s, tunnel %u",
		ike_addr_str(&sa->remote, a), why, sa->tunnel_id);
	sa_free(ike, sa, true, why);
}

void
auth_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	struct cfg_ike_id id;
	bool match = false;

	if (sa->state != IKE_SA_AUTH_SENT || sa->setup == NULL || p == NULL) {
		ike_drop(ike, IKE_DROP_UNEXPECTED, "IKE_AUTH response out of state");
		return;
	}
	if (ike_msg_notify(m, IKE_N_AUTHENTICATION_FAILED) != NULL) {
		ike_drop(ike, IKE_DROP_AUTH_FAILED, "peer sent AUTHENTICATION_FAILED");
		auth_fail(ike, sa, "the peer refused our authentication");
		return;
	}
	if (!ike_has(m, IKE_PL_IDR) || !ike_has(m, IKE_PL_AUTH)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "IKE_AUTH response without IDr or AUTH");
		auth_fail(ike, sa, "IKE_AUTH response without IDr or AUTH");
		return;
	}
	id_from_payload(&m->idr, &sa->id_remote);
	for (uint32_t i = 0; auth_cfg_id(&sa->id_remote, &id) == 0 && i < p->n_match_remote; i++)
		match |= config_ike_id_match(&p->match_remote[i], &id);
	if (!match || m->auth.method != IKE_AUTH_SHARED_KEY_MIC ||
	    auth_compute(sa, false, &sa->id_remote, &sa->kpeer->psk_remote, m->auth.data.p,
			 m->auth.data.len, NULL) != 0) {
		ike_drop(ike, IKE_DROP_AUTH_FAILED, "responder's identity or AUTH refused");
		auth_notify_failed(ike, sa);
		auth_fail(ike, sa, match ? "the peer's AUTH does not verify"
					 : "the peer's identity matches no profile statement");
		return;
	}
	auth_child_done(ike, sa, m);
	req_clear(sa);
	auth_established(ike, sa);
}

/* ---- responder ---- */

/* Who is it? The profile and the keyring peer for IDi, AUTH verified. */
static const char *
auth_check(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m)
{
	const struct cfg_ike_profile *p;
	struct cfg_ike_id id;

	id_from_payload(&m->idi, &sa->id_remote);
	if (auth_cfg_id(&sa->id_remote, &id) != 0)
		return "identity of a type we do not match";
	p = config_ike_profile_match(ike->cfg, &id);
	if (p == NULL)
		return "no profile matches the identity";
	sa->profile = (uint32_t)(p - ike->cfg->ikev2.profiles);
	sa->kpeer = auth_keyring_peer(&ike->cfg->ikev2.keyrings[p->keyring], &sa->remote, &id);
	if (sa->kpeer == NULL)
		return "no keyring peer for it";
	if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC || p->auth_remote != IKE_AUTH_SHARED_KEY_MIC)
		return "authentication method not pre-share";
	if (auth_compute(sa, true, &sa->id_remote, &sa->kpeer->psk_remote, m->auth.data.p,
			 m->auth.data.len, NULL) != 0)
		return "AUTH does not verify (pre-shared key mismatch?)";
	id_local(sa, p, &sa->id_local);
	return NULL;
}

void
auth_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_setup *s = sa->setup;
	uint8_t auth[IKE_PRF_MAX];
	struct ike_child *c = NULL;
	struct ike_proposal answer;
	uint16_t err = 0;
	const char *why;
	struct ike_out o;

	if (!ike_has(m, IKE_PL_IDI) || !ike_has(m, IKE_PL_AUTH)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "IKE_AUTH request without IDi or AUTH");
		sa_free(ike, sa, false, "IKE_AUTH request without IDi or AUTH");
		return;
	}
	why = auth_check(ike, sa, m);
	out_init(ike, &o);
	if (why != NULL) {
		/* section 2.21.2: say so, encrypted, and forget the IKE SA */
		ike_drop(ike, IKE_DROP_AUTH_FAILED, why);
		out_notify(&o, IKE_N_AUTHENTICATION_FAILED, 0, NULL, 0, NULL, 0);
		out_response(ike, sa, IKE_AUTH, -1, m->hdr.msg_id, &o);
		auth_fail(ike, sa, why);
		return;
	}
	if (auth_compute(sa, false, &sa->id_local, &sa->kpeer->psk_local, NULL, 0, auth) != 0) {
		sa_free(ike, sa, false, "AUTH could not be computed");
		return;
	}
	write_id_auth(&o, sa, IKE_PL_IDR, auth);
	mem_wipe(auth, sizeof(auth));
	if (ike_msg_notify(m, IKE_N_INITIAL_CONTACT) != NULL)
		initial_contact(ike, sa);
	if (ike_has(m, IKE_PL_SA))
		c = child_respond(ike, sa, m, false, NULL, &answer, &err);
	if (c != NULL) {
		struct ike_nonces n = {s->ni, s->ni_len, s->nr, s->nr_len};
		struct child_keys k;

		if (child_keys(sa, &c->suite, NULL, &n, &k) != 0 ||
		    child_install_pair(ike, sa, c, false, &k) != 0) {
			child_free(ike, sa, c, true);
			c = NULL;
			err = IKE_N_NO_PROPOSAL_CHOSEN;
		}
		child_keys_wipe(&k);
	}
	if (c != NULL) {
		ike_wr_sa(&o.w, &answer, 1);
		child_write_ts(&o, c, false);
	} else if (err != 0) {
		out_notify(&o, err, 0, NULL, 0, NULL, 0);
	}
	if (out_response(ike, sa, IKE_AUTH, -1, m->hdr.msg_id, &o) != 0) {
		sa_free(ike, sa, true, "IKE_AUTH could not be answered");
		return;
	}
	if (c != NULL && child_activate(ike, c) == 0) {
		c->state = CHILD_INSTALLED;
		child_up(ike, sa, c);
	}
	auth_established(ike, sa);
}

/* ---- both ---- */

/*
 * Both ends started at once (two on-start tunnels or entries, or each side's
 * traffic): an IKE SA we initiated and one we answered, with the same peer
 * and profile, both made by IKE_AUTH and never rekeyed, up within
 * COLLISION_MS of each other. Not "their exchanges overlapped": each end
 * sees other times (a retransmitted IKE_SA_INIT arrives after the other SA
 * is up here, while it overlapped there), and both ends must judge the same
 * pair. An IKE SA up for longer (a peer's make-before-break
 * reauthentication) is left alone. RFC 7296 allows both, but each
 * carries a CHILD_SA for the same traffic. As section 2.8.1 settles a CHILD_SA
 * rekey collision, and as strongSwan does for IKE SAs: the one whose
 * IKE_SA_INIT holds the lowest of the four nonces is redundant, and the end
 * that initiated it deletes it (both ends compute the same; the other end
 * waits for the DELETE). Its CHILD_SAs go with it; the kept IKE SA's
 * CHILD_SAs take over their policies (child_free).
 */
#define COLLISION_MS 30000	/* IKE SAs up this close together were started at once */

static void
auth_collision(struct ike *ike, struct ike_sa *sa)
{
	struct ike_sa *o = NULL, *lost;
	char a[IKE_ADDR_STRLEN];

	while ((o = sa_next_by_peer(ike, &sa->remote, o)) != NULL)
		if (o != sa && o->state == IKE_SA_ESTABLISHED && o->via_auth &&
		    o->successor == 0 && o->initiator != sa->initiator &&
		    o->profile == sa->profile && sa->up_ms - o->up_ms <= COLLISION_MS)
			break;
	if (o == NULL)
		return;
	ike->st.collisions++;
	lost = nonce_cmp(sa->low_nonce, sa->low_nonce_len, o->low_nonce, o->low_nonce_len) < 0
		       ? sa
		       : o;
	if (!lost->initiator) {
		ike_debug(ike, "IKE SAs %u and %u with %s made at once: the peer deletes %u",
			  sa->tunnel_id, o->tunnel_id, ike_addr_str(&sa->remote, a),
			  lost->tunnel_id);
		return;
	}
	ike->st.collisions_deleted++;
	ike_log(ike, 5, "IKEV2-5-SA_COLLISION",
		"IKE SAs %u and %u with %s were made at once: deleting %u, ours, whose nonce "
		"is the lowest (%u is kept)", sa->tunnel_id, o->tunnel_id,
		ike_addr_str(&sa->remote, a), lost->tunnel_id, (lost == sa ? o : sa)->tunnel_id);
	info_delete_now(ike, lost, "simultaneous start, the redundant IKE SA");
}

void
auth_established(struct ike *ike, struct ike_sa *sa)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	char a[IKE_ADDR_STRLEN], b[IKE_ADDR_STRLEN];
	uint64_t now = ike_now(ike);

	sa->state = IKE_SA_ESTABLISHED;
	sa->was_up = true;
	sa->up_ms = now;
	sa->rx_ms = now;
	sa->via_auth = true;
	if (sa->setup != NULL) {
		const struct ike_setup *s = sa->setup;
		bool ni = nonce_cmp(s->ni, s->ni_len, s->nr, s->nr_len) < 0;

		sa->low_nonce_len = ni ? s->ni_len : s->nr_len;
		memcpy(sa->low_nonce, ni ? s->ni : s->nr, sa->low_nonce_len);
	}
	sa_set_half_open(ike, sa, false);
	sa_setup_free(sa);
	ike->st.sa_up++;
	if (sa->nat_local)
		ike->st.nat_inside++;
	if (sa->nat_remote)
		ike->st.nat_outside++;
	if (!natd_any(sa))
		ike->st.no_nat++;
	sa_timers_start(ike, sa, p);
	ike_log(ike, 5, "IKEV2-5-SA_UP", "SA UP: local %s remote %s, tunnel %u%s",
		ike_addr_str(&sa->local, a), ike_addr_str(&sa->remote, b), sa->tunnel_id,
		natd_any(sa) ? ", NAT-T" : "");
	sa_kick(ike, sa);
	auth_collision(ike, sa);
}
