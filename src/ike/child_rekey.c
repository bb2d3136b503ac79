/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHILD_SA rekey (RFC 7296 sections 1.3.3, 2.8, 2.8.1, 2.25.1), both roles:
 *
 *   initiator                                         responder
 *   HDR, SK{N(REKEY_SA, ESP, old SPI in), SA, Ni, [KEi], TSi, TSr}  -->
 *                [new inbound, new outbound inactive; old outbound still in use]
 *                          <--  HDR, SK{SA, Nr, [KEr], TSi, TSr}
 *   [new inbound, new outbound, activated; old outbound out, old inbound lingers]
 *   HDR, SK{D(ESP, old SPI in)}  -->
 *                [new outbound activated; old outbound out, old inbound lingers]
 *                          <--  HDR, SK{D(ESP, old SPI in)}
 *
 * The rekey responder switches to the new outbound half only when the
 * initiator deletes the old CHILD_SA (it has the new inbound half by then) or
 * after REKEY_ACTIVATE_MS. Both sides rekeying the same CHILD_SA at once
 * (2.8.1): both exchanges complete; the one holding the lowest of the four
 * nonces made a redundant CHILD_SA, which its initiator deletes; the other
 * initiator deletes the old one.
 */
#include <string.h>

#include "ike_engine.h"

/* A rekey responder activates its new outbound half by then at the latest. */
#define REKEY_ACTIVATE_MS 5000u

int
child_rekey_start(struct ike *ike, struct ike_sa *sa, uint32_t spi_in)
{
	struct ike_child *old = child_by_spi_in(sa, spi_in), *c;

	if (old == NULL || old->state != CHILD_INSTALLED || old->rekeying)
		return -EALREADY;
	c = child_new(sa, old->map, old->entry);
	if (c == NULL)
		return -ENOMEM;
	c->created_ms = ike_now(ike);
	c->spi_in = child_spi_new(ike);
	c->replaces = old->spi_in;
	/* section 2.8: the same selectors as the CHILD_SA it replaces */
	c->ts_local = old->ts_local;
	c->ts_remote = old->ts_remote;
	old->rekeying = true;
	return child_request(ike, sa, c, old, TASK_CHILD_REKEY, IKE_STAT_X_CHILD_IPSEC_REKEY);
}

/* Octet by octet; a nonce that is a prefix of the other is the lower one (2.8.1). */
int
nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

bool
child_rekey_lost(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
		 const struct ike_msg *m)
{
	struct ike_req *r = &sa->req;
	struct ike_child *theirs = child_by_spi_in(sa, r->coll_spi);
	const uint8_t *low = r->nonce;
	size_t low_len = sizeof(r->nonce);

	if (nonce_cmp(m->nonce.p, m->nonce.len, low, low_len) < 0) {
		low = m->nonce.p;
		low_len = m->nonce.len;
	}
	if (nonce_cmp(low, low_len, r->coll_nonce, r->coll_nonce_len) < 0) {
		/* our exchange holds the lowest nonce: its CHILD_SA is the redundant one */
		ike_debug(ike, "tunnel %u: CHILD_SA rekey collision lost, deleting 0x%08x",
			  sa->tunnel_id, c->spi_in);
		task_delete_child(ike, sa, c->suite.proto, c->spi_in);
		child_free(ike, sa, c, true);
		return true;
	}
	/* we won: the peer deletes the CHILD_SA its exchange made; never switch to it */
	if (theirs != NULL) {
		theirs->replaces = 0;
		theirs->activate_ms = 0;
	}
	ike_debug(ike, "tunnel %u: CHILD_SA rekey collision won", sa->tunnel_id);
	return false;
}

/* INVALID_KE_PAYLOAD (section 1.3): once more, now, with the group the peer names. */
static bool
retry_ke(struct ike *ike, struct ike_sa *sa, struct ike_child *old, uint32_t map, uint32_t entry,
	 const struct ike_msg *m)
{
	const struct ike_notify_pl *n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	struct ike_child *c;
	uint16_t g;

	if (sa->req.ke_retried || n == NULL || n->data.len != 2)
		return false;
	g = (uint16_t)(n->data.p[0] << 8 | n->data.p[1]);
	if (!ike_transform_supported(IKE_TF_DH, g, 0))
		return false;
	req_clear(sa);
	sa->req.ke_group = g;
	sa->req.ke_retried = true;
	c = child_new(sa, map, entry);
	if (c == NULL) {
		sa_kick(ike, sa);
		return true;
	}
	c->created_ms = ike_now(ike);
	c->spi_in = child_spi_new(ike);
	if (old != NULL) {
		c->replaces = old->spi_in;
		c->ts_local = old->ts_local;
		c->ts_remote = old->ts_remote;
		old->rekeying = true;
	}
	ike_debug(ike, "tunnel %u: peer wants DH group %u for the CHILD_SA, retrying",
		  sa->tunnel_id, g);
	if (child_request(ike, sa, c, old, old != NULL ? TASK_CHILD_REKEY : TASK_CHILD_CREATE,
			  old != NULL ? IKE_STAT_X_CHILD_IPSEC_REKEY : IKE_STAT_X_CHILD_IPSEC) != 0)
		sa_kick(ike, sa);
	return true;
}

bool
child_retry(struct ike *ike, struct ike_sa *sa, struct ike_child *old, uint32_t map,
	    uint32_t entry, const struct ike_msg *m, uint16_t err)
{
	if (err == IKE_N_INVALID_KE_PAYLOAD)
		return retry_ke(ike, sa, old, map, entry, m);
	if (old == NULL)
		return false;
	old->rekeying = false;
	switch (err) {
	case IKE_N_TEMPORARY_FAILURE:
		/* section 2.25: try again after a random delay */
		old->retry_ms = ike_now(ike) + 2000 + ike_rand_below(3000);
		break;
	case IKE_N_CHILD_SA_NOT_FOUND:
		/* the peer has lost it: a new CHILD_SA instead (section 2.25.1) */
		child_free(ike, sa, old, true);
		task_add(ike, sa, TASK_CHILD_CREATE, map, entry, 0);
		break;
	default:
		break;
	}
	return false;
}

void
child_rekey_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m,
		    const struct ike_notify_pl *n)
{
	const int sub = IKE_STAT_X_CHILD_IPSEC_REKEY;
	struct ike_req *r = &sa->req;
	uint8_t nr[IKE_NONCE_LEN];
	struct ike_proposal answer;
	struct ike_child *old, *c;
	uint16_t err = 0;
	struct ike_out o;
	uint32_t spi;
	bool collision;

	if (n->spi.len != 4) {
		child_refuse(ike, sa, m, sub, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	spi = (uint32_t)n->spi.p[0] << 24 | (uint32_t)n->spi.p[1] << 16 |
	      (uint32_t)n->spi.p[2] << 8 | n->spi.p[3];
	/* the SPI the peer receives on: our outbound one */
	old = child_by_spi_out(sa, spi);
	if (old == NULL || old->suite.proto != n->proto) {
		out_init(ike, &o);
		out_notify(&o, IKE_N_CHILD_SA_NOT_FOUND, n->proto, n->spi.p, 4, NULL, 0);
		out_response(ike, sa, IKE_CREATE_CHILD_SA, sub, m->hdr.msg_id, &o);
		return;
	}
	collision = old->rekeying && r->busy && r->kind == TASK_CHILD_REKEY &&
		    r->spi == old->spi_in && !r->collided;
	if (old->state != CHILD_INSTALLED || (old->rekeying && !collision)) {
		/* being deleted or replaced already (section 2.25.1) */
		child_refuse(ike, sa, m, sub, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	c = child_respond(ike, sa, m, true, old, &answer, &err);
	if (c == NULL) {
		child_refuse(ike, sa, m, sub, err, NULL, 0);
		return;
	}
	out_init(ike, &o);
	err = child_accept(ike, sa, c, m, &answer, &o, nr);
	if (err != 0) {
		uint16_t group = c->suite.dh;

		child_free(ike, sa, c, true);
		child_refuse_with(ike, sa, m, sub, err, group);
		mem_wipe(nr, sizeof(nr));
		return;
	}
	c->replaces = old->spi_in;
	old->rekeying = true;
	if (out_response(ike, sa, IKE_CREATE_CHILD_SA, sub, m->hdr.msg_id, &o) != 0) {
		child_free(ike, sa, c, true);
		old->rekeying = collision;
		mem_wipe(nr, sizeof(nr));
		return;
	}
	/* installed, not yet used: the initiator's DELETE of the old one switches us over */
	c->state = CHILD_INSTALLED;
	c->activate_ms = ike_now(ike) + REKEY_ACTIVATE_MS;
	child_up(ike, sa, c);
	if (collision) {
		const uint8_t *low = nr;
		size_t low_len = sizeof(nr);

		if (nonce_cmp(m->nonce.p, m->nonce.len, nr, sizeof(nr)) < 0) {
			low = m->nonce.p;
			low_len = m->nonce.len;
		}
		r->collided = true;
		r->coll_spi = c->spi_in;
		memcpy(r->coll_nonce, low, low_len);
		r->coll_nonce_len = (uint16_t)low_len;
	}
	mem_wipe(nr, sizeof(nr));
}
