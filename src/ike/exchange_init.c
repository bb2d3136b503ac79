/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_SA_INIT (RFC 7296 sections 1.2, 2.6, 2.10, 2.14, 2.23), both roles:
 *
 *   initiator                                    responder
 *   HDR(SPIi, 0), [N(COOKIE)], SAi1, KEi, Ni,
 *     N(NAT_DETECTION_SOURCE_IP), N(..._DESTINATION_IP)  -->
 *                         <--  HDR(SPIi, SPIr), SAr1, KEr, Nr, N(NAT-D src), N(NAT-D dst)
 *                         <--  or HDR(SPIi, 0), N(INVALID_KE_PAYLOAD | NO_PROPOSAL_CHOSEN | COOKIE)
 *
 * Both sides then hold SKEYSEED's seven keys; the nonces, the DH pair and
 * both messages stay (struct ike_setup) for IKE_AUTH's AUTH payloads.
 */
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

/* g^ir from the peer's KE, then the seven keys (section 2.14), oriented for our role. */
static int
init_keys(struct ike_sa *sa, const struct ike_view *peer_ke)
{
	struct ike_setup *s = sa->setup;
	struct ike_dh_shared gir;
	struct ike_keys k;
	struct ike_nonces n = {s->ni, s->ni_len, s->nr, s->nr_len};
	uint8_t si[IKE_SPI_LEN], sr[IKE_SPI_LEN];
	int rc;

	rc = ike_dh_key_derive(s->dh, peer_ke->p, peer_ke->len, &gir);
	if (rc != 0)
		return rc == -EMSGSIZE || rc == -EINVAL ? -EINVAL : rc;
	ike_spi_bytes(sa->spi_i, si);
	ike_spi_bytes(sa->spi_r, sr);
	memset(&k, 0, sizeof(k));
	rc = ike_keys_from_init(&sa->suite, &n, &gir, si, sr, &k);
	ike_dh_shared_wipe(&gir);
	if (rc == 0)
		rc = sa_keys_set(sa, &k);
	ike_keys_wipe(&k);
	return rc;
}

static uint8_t *
dup(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d != NULL)
		memcpy(d, p, len);
	return d;
}

/* ---- initiator ---- */

static int
init_send(struct ike *ike, struct ike_sa *sa, bool again)
{
	struct ike_setup *s = sa->setup;
	const struct cfg_ike_policy *pol = config_ike_policy(ike->cfg, ike_addr_v4(&sa->local));
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	uint8_t pub[IKE_DH_PUB_MAX];
	unsigned int n = 0;
	uint16_t first = 0;
	size_t publen;
	struct ike_out o;
	int rc;

	if (pol == NULL || prop_ike_offer(pol, ike->cfg, NULL, props, &n, &first) != 0)
		return -ENOENT;
	if (s->ke_group == 0)
		s->ke_group = first;
	if (s->dh == NULL || ike_dh_key_group(s->dh) != s->ke_group) {
		ike_dh_key_free(s->dh);
		s->dh = ike_dh_key_new(s->ke_group);
		if (s->dh == NULL)
			return -ENOTSUP;
	}
	publen = ike_dh_public_len(s->ke_group);
	if (ike_dh_key_public(s->dh, pub, publen) != 0)
		return -EIO;
	out_init(ike, &o);
	/* section 2.6: the COOKIE is the first payload of the repeated request */
	if (s->cookie_len != 0)
		out_notify(&o, IKE_N_COOKIE, 0, NULL, 0, s->cookie, s->cookie_len);
	ike_wr_sa(&o.w, props, n);
	ike_wr_ke(&o.w, s->ke_group, pub, publen);
	ike_wr_nonce(&o.w, s->ni, s->ni_len);
	rc = natd_add(&o, sa->spi_i, 0, &sa->local, &sa->remote);
	/* RFC 7383 section 2.3 */
	if (ike->cfg->ikev2.frag_mtu != 0)
		out_notify(&o, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
	if (rc == 0)
		rc = again ? out_request_again(ike, sa, &o)
			   : out_request(ike, sa, TASK_INIT, IKE_SA_INIT, -1, &o);
	if (rc != 0)
		return rc;
	free(s->msg1);
	s->msg1 = dup(sa->req.msg, sa->req.len);
	s->msg1_len = sa->req.len;
	return s->msg1 != NULL ? 0 : -ENOMEM;
}

int
init_start(struct ike *ike, struct ike_sa *sa)
{
	struct ike_setup *s = sa->setup;

	s->ni_len = IKE_NONCE_LEN;
	if (ike_rand(s->ni, s->ni_len) != 0)
		return -EIO;
	sa->state = IKE_SA_INIT_SENT;
	return init_send(ike, sa, false);
}

/* The answer was an error notify or a COOKIE: try again, or give up. */
static bool
init_retry(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_setup *s = sa->setup;
	const struct ike_notify_pl *n;

	n = ike_msg_notify(m, IKE_N_COOKIE);
	if (n != NULL) {
		/* section 2.6: send it back; a responder asking again and again is not followed */
		if (n->data.len == 0 || n->data.len > sizeof(s->cookie) || s->cookie_tries++ >= 3)
			return false;
		memcpy(s->cookie, n->data.p, n->data.len);
		s->cookie_len = (uint16_t)n->data.len;
		return init_send(ike, sa, true) == 0;
	}
	n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	if (n != NULL) {
		const struct cfg_ike_policy *pol =
			config_ike_policy(ike->cfg, ike_addr_v4(&sa->local));
		uint16_t g = n->data.len == 2 ? (uint16_t)(n->data.p[0] << 8 | n->data.p[1]) : 0;
		bool ours = false;

		/* section 1.2: once, and only with a group we offered */
		for (uint32_t i = 0; pol != NULL && i < pol->n_proposals; i++) {
			const struct cfg_ike_proposal *c = &ike->cfg->ikev2.proposals[pol->proposals[i]];

			for (unsigned int j = 0; j < c->n_group; j++)
				ours |= c->group[j] == g;
		}
		if (s->ke_retried || !ours || g == s->ke_group)
			return false;
		ike_debug(ike, "tunnel %u: peer wants DH group %u, retrying", sa->tunnel_id, g);
		s->ke_retried = true;
		s->ke_group = g;
		return init_send(ike, sa, true) == 0;
	}
	return false;
}

static void
init_fail(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, const char *why)
{
	char a[IKE_ADDR_STRLEN];
	uint16_t type = 0;

	for (unsigned int i = 0; i < m->n_notifies && type == 0; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			type = m->notify[i].type;
	ike_log(ike, 4, "IKEV2-4-NEG_FAILED", "IKE_SA_INIT with %s failed: %s (notify %u)",
		ike_addr_str(&sa->remote, a), why, type);
	sa_free(ike, sa, true, why);
}

void
init_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_setup *s = sa->setup;
	const struct cfg_ike_policy *pol = config_ike_policy(ike->cfg, ike_addr_v4(&sa->local));
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	unsigned int n = 0;
	uint16_t first;

	if (sa->state != IKE_SA_INIT_SENT || s == NULL) {
		ike_drop(ike, IKE_DROP_UNEXPECTED, "IKE_SA_INIT response out of state");
		return;
	}
	if (ike_msg_notify(m, IKE_N_COOKIE) != NULL ||
	    ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD) != NULL) {
		if (!init_retry(ike, sa, m))
			init_fail(ike, sa, m, "retry refused");
		return;
	}
	if (!ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_KE) || !ike_has(m, IKE_PL_NONCE) ||
	    m->hdr.spi_r == 0) {
		init_fail(ike, sa, m, ike_has(m, IKE_PL_NOTIFY) ? "refused by the peer"
								: "response incomplete");
		return;
	}
	if (pol == NULL || prop_ike_offer(pol, ike->cfg, NULL, props, &n, &first) != 0 ||
	    prop_ike_check(props, n, &m->sa, &sa->suite) != 0 || sa->suite.dh != s->ke_group ||
	    m->ke.group != s->ke_group) {
		init_fail(ike, sa, m, "the peer chose a proposal we did not offer");
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	s->nr_len = (uint16_t)m->nonce.len;
	memcpy(s->nr, m->nonce.p, m->nonce.len);
	if (init_keys(sa, &m->ke.data) != 0) {
		ike_drop(ike, IKE_DROP_BAD_KE, "KE data invalid for its group");
		init_fail(ike, sa, m, "invalid KE data");
		return;
	}
	s->msg2 = dup(m->buf, m->len);
	s->msg2_len = m->len;
	if (s->msg2 == NULL) {
		sa_free(ike, sa, true, "out of memory");
		return;
	}
	natd_check(sa, m);
	natd_float(sa);
	/* fragments only if both sides said so (RFC 7383 section 2.3) */
	sa->frag = ike->cfg->ikev2.frag_mtu != 0 &&
		   ike_msg_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	req_clear(sa);
	sa->state = IKE_SA_AUTH_SENT;
	if (auth_start(ike, sa) != 0)
		sa_free(ike, sa, true, "IKE_AUTH could not be sent");
}

/* ---- responder ---- */

static void
answer_error(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	     const struct ike_msg *m, uint16_t type, const void *data, size_t len)
{
	struct ike_out o;

	if (!unauth_answer_allowed(ike))
		return;
	out_init(ike, &o);
	out_notify(&o, type, 0, NULL, 0, data, len);
	out_init_error(ike, local, remote, &m->hdr, &o);
}

/* A new IKE SA for the request: keys, NAT detection, the response (cached). */
static void
init_accept(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	    struct ike_msg *m, const struct ike_suite *suite, struct ike_proposal *answer)
{
	struct ike_sa *sa = sa_new(ike, false, local, remote);
	struct ike_setup *s;
	uint8_t pub[IKE_DH_PUB_MAX];
	size_t publen = ike_dh_public_len(suite->dh);
	struct ike_out o;

	if (sa == NULL)
		return;
	sa->spi_i = m->hdr.spi_i;
	sa->suite = *suite;
	sa->state = IKE_SA_HALF_OPEN;
	sa_set_half_open(ike, sa, true);
	s = sa->setup = calloc(1, sizeof(*sa->setup));
	if (s == NULL)
		goto fail;
	s->ni_len = (uint16_t)m->nonce.len;
	memcpy(s->ni, m->nonce.p, m->nonce.len);
	s->nr_len = IKE_NONCE_LEN;
	s->ke_group = suite->dh;
	s->dh = ike_dh_key_new(suite->dh);
	if (s->dh == NULL || ike_rand(s->nr, s->nr_len) != 0 ||
	    ike_dh_key_public(s->dh, pub, publen) != 0)
		goto fail;
	if (init_keys(sa, &m->ke.data) != 0) {
		ike_drop(ike, IKE_DROP_BAD_KE, "KE data invalid for its group");
		sa_free(ike, sa, false, "invalid KE data");
		return;
	}
	s->msg1 = dup(m->buf, m->len);
	s->msg1_len = m->len;
	natd_check(sa, m);
	out_init(ike, &o);
	ike_wr_sa(&o.w, answer, 1);
	ike_wr_ke(&o.w, suite->dh, pub, publen);
	ike_wr_nonce(&o.w, s->nr, s->nr_len);
	/* RFC 7383 section 2.3: answered only when asked, and then agreed */
	sa->frag = ike->cfg->ikev2.frag_mtu != 0 &&
		   ike_msg_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	if (s->msg1 == NULL || natd_add(&o, sa->spi_i, sa->spi_r, &sa->local, &sa->remote) != 0)
		goto fail;
	if (sa->frag)
		out_notify(&o, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
	if (out_response(ike, sa, IKE_SA_INIT, -1, 0, &o) != 0)
		goto fail;
	sa->msgid_rx = 1;
	s->msg2 = dup(sa->resp, sa->resp_len);
	s->msg2_len = sa->resp_len;
	if (s->msg2 == NULL)
		goto fail;
	return;
fail:
	sa_free(ike, sa, false, "IKE_SA_INIT could not be answered");
}

void
init_request(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	     struct ike_msg *m)
{
	const struct cfg_ike_policy *pol = config_ike_policy(ike->cfg, ike_addr_v4(local));
	struct ike_proposal answer;
	struct ike_suite suite;

	if (!ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_KE) || !ike_has(m, IKE_PL_NONCE)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "IKE_SA_INIT without SA, KE or Ni");
		return;
	}
	if (ike->half_open >= ike->cfg->ikev2.half_open_max) {
		ike_drop(ike, IKE_DROP_HALF_OPEN_LIMIT, "IKE_SA_INIT over half_open_max");
		return;
	}
	if (cookie_demanded(ike, local, remote, m))
		return;
	/* an IPv6 local address takes the policy without match_local (policies name IPv4) */
	if (pol == NULL ||
	    prop_ike_select(pol, ike->cfg, &m->sa, m->ke.group, &suite, &answer) != 0) {
		ike_drop(ike, IKE_DROP_NO_PROPOSAL, "no IKE proposal of the peer acceptable");
		answer_error(ike, local, remote, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (suite.dh != m->ke.group) {
		uint8_t g[2] = {(uint8_t)(suite.dh >> 8), (uint8_t)suite.dh};

		/* section 1.2: name the group we want; no state is kept */
		ike_drop(ike, IKE_DROP_INVALID_KE, "KE of another group than the chosen one");
		answer_error(ike, local, remote, m, IKE_N_INVALID_KE_PAYLOAD, g, sizeof(g));
		return;
	}
	init_accept(ike, local, remote, m, &suite, &answer);
}
