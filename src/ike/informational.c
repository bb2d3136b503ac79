/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INFORMATIONAL (RFC 7296 sections 1.4, 1.5, 2.4), both roles:
 *
 *   HDR, SK{D(IKE)}                -->   <--  HDR, SK{}               the IKE SA goes
 *   HDR, SK{D(ESP, SPIs in)}       -->   <--  HDR, SK{D(ESP, theirs)} CHILD_SAs go (1.4.1)
 *   HDR, SK{}                      -->   <--  HDR, SK{}               liveness check (2.4)
 *   HDR, SK{N(INVALID_SPI, SPI)}   -->   <--  HDR, SK{}               (1.5)
 *
 * A DELETE names SPIs as the sender receives them: our outbound SPIs when
 * the peer sends one, our inbound ones in ours. A CHILD_SA replaced by a
 * rekey keeps its inbound half delete_rekeyed_delay seconds for packets in
 * flight. INITIAL_CONTACT (in IKE_AUTH) is acted on here too.
 */
#include <string.h>

#include "ike_engine.h"

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One Delete payload per protocol (section 3.11): the SPIs of spis[] whose proto is proto. */
static void
write_delete_child(struct ike_out *o, uint8_t proto, const uint32_t *spis, const uint8_t *protos,
		   unsigned int n)
{
	uint8_t b[4 * IKE_MAX_DELETES * 8];
	struct ike_delete d = {.proto = proto, .spi_size = 4};

	for (unsigned int i = 0; i < n; i++)
		if (protos[i] == proto)
			put32(b + 4 * d.n_spis++, spis[i]);
	if (d.n_spis == 0)
		return;
	d.spis = (struct ike_view){b, 4 * (size_t)d.n_spis};
	ike_wr_delete(&o->w, &d);
}

static void
write_delete_ike(struct ike_out *o)
{
	struct ike_delete d = {.proto = IKE_PROTO_IKE};

	ike_wr_delete(&o->w, &d);
}

/* Take an installed outbound half out of the dataplane. */
static void
drop_outbound(struct ike *ike, struct ike_child *c)
{
	if (c->h_out != UINT32_MAX)
		ike->ops.sa_del(ike->ops.ctx, c->h_out);
	c->h_out = UINT32_MAX;
	c->active = false;
}

/* A replaced CHILD_SA: outbound gone, inbound until delete_rekeyed_delay has passed. */
void
child_retire(struct ike *ike, struct ike_child *c)
{
	drop_outbound(ike, c);
	c->state = CHILD_REKEYED;
	c->rekeying = false;
	c->linger_ms = ike_now(ike) + (uint64_t)ike->cfg->ikev2.delete_rekeyed_delay * 1000;
}

static struct ike_child *
successor(const struct ike_sa *sa, const struct ike_child *old)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, link)
		if (c != old && c->replaces == old->spi_in && c->state == CHILD_INSTALLED)
			return c;
	return NULL;
}

/*
 * The peer deletes the CHILD_SA it receives on with spi (our outbound SPI).
 * Returns our inbound SPI to name in the answer, 0 for none.
 */
static uint32_t
peer_deletes_child(struct ike *ike, struct ike_sa *on, uint8_t proto, uint32_t spi)
{
	struct ike_sa *sa;
	struct ike_child *c = child_find_out(ike, on, spi, &sa), *next;
	uint32_t in;

	/* an AH Delete does not name an ESP CHILD_SA that happens to share the SPI */
	if (c == NULL || c->suite.proto != proto)
		return 0;
	in = c->spi_in;
	switch (c->state) {
	case CHILD_DELETING:
		/* both ends deleted it at once: the answer names nothing (section 1.4.1) */
		child_free(ike, sa, c, true);
		return 0;
	case CHILD_REKEYED:
		drop_outbound(ike, c);
		return in;
	default:
		next = successor(sa, c);
		if (next != NULL) {
			/* a rekey we answered: the initiator is done with the old SA, switch now */
			child_activate(ike, next);
			next->activate_ms = 0;
			child_retire(ike, c);
		} else {
			child_free(ike, sa, c, true);
		}
		return in;
	}
}

/* N(INVALID_SPI): the peer got ESP for our outbound SPI and knows nothing of it. */
static void
peer_invalid_spi(struct ike *ike, struct ike_sa *sa, const struct ike_notify_pl *n)
{
	char label[IKE_LABEL_LEN];
	const uint8_t *p = n->spi.len == 4 ? n->spi.p : n->data.len == 4 ? n->data.p : NULL;
	struct ike_child *c;
	uint32_t spi, map, entry, in;
	uint8_t proto;

	if (p == NULL)
		return;
	spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	c = child_by_spi_out(sa, spi);
	if (c == NULL || c->state != CHILD_INSTALLED)
		return;
	map = c->map;
	entry = c->entry;
	in = c->spi_in;
	proto = c->suite.proto;
	ike_log(ike, 4, "IKEV2-4-INVALID_SPI",
		"peer does not know our outbound SPI 0x%08x (%s): CHILD_SA re-created, tunnel %u",
		spi, ike_entry_label(ike, map, entry, label), sa->tunnel_id);
	child_free(ike, sa, c, true);
	/* whatever half the peer still has goes too, then a new pair (the entries are static) */
	task_delete_child(ike, sa, proto, in);
	task_add(ike, sa, TASK_CHILD_CREATE, map, entry, 0);
}

void
info_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	uint32_t ours[IKE_MAX_DELETES * 8];
	uint8_t protos[IKE_MAX_DELETES * 8];
	unsigned int n = 0;
	struct ike_out o;

	if (ike_msg_notify(m, IKE_N_AUTHENTICATION_FAILED) != NULL) {
		/* the initiator refused our AUTH after all (section 2.21.2) */
		out_init(ike, &o);
		out_response(ike, sa, IKE_INFORMATIONAL, -1, m->hdr.msg_id, &o);
		ike_drop(ike, IKE_DROP_AUTH_FAILED, "peer sent AUTHENTICATION_FAILED");
		ike_log(ike, 3, "IKEV2-3-AUTH_FAILED", "peer refused our authentication, tunnel %u",
			sa->tunnel_id);
		sa_free(ike, sa, true, "authentication refused by the peer");
		return;
	}
	for (unsigned int i = 0; i < m->n_deletes; i++) {
		const struct ike_delete *d = &m->del[i];

		if (d->proto == IKE_PROTO_IKE) {
			/* the whole IKE SA: an empty answer, then everything goes (section 1.4.1) */
			out_init(ike, &o);
			out_response(ike, sa, IKE_INFORMATIONAL, -1, m->hdr.msg_id, &o);
			sa_free(ike, sa, true, "deleted by the peer");
			return;
		}
	}
	for (unsigned int i = 0; i < m->n_deletes; i++) {
		const struct ike_delete *d = &m->del[i];

		if (d->proto != IKE_PROTO_ESP && d->proto != IKE_PROTO_AH)
			continue;
		for (uint16_t k = 0; k < d->n_spis; k++) {
			uint32_t in = peer_deletes_child(ike, sa, d->proto, ike_delete_spi(d, k));

			if (in != 0 && n < sizeof(ours) / sizeof(ours[0])) {
				protos[n] = d->proto;
				ours[n++] = in;
			}
		}
	}
	out_init(ike, &o);
	write_delete_child(&o, IKE_PROTO_ESP, ours, protos, n);
	write_delete_child(&o, IKE_PROTO_AH, ours, protos, n);
	out_response(ike, sa, IKE_INFORMATIONAL, -1, m->hdr.msg_id, &o);
	for (unsigned int i = 0; i < m->n_notifies; i++)
		if (m->notify[i].type == IKE_N_INVALID_SPI)
			peer_invalid_spi(ike, sa, &m->notify[i]);
}

void
info_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_req *r = &sa->req;
	struct ike_sa *owner;
	struct ike_child *c;

	(void)m;
	switch (r->kind) {
	case TASK_IKE_DELETE:
		sa_free(ike, sa, true, "deleted");
		return;
	case TASK_CHILD_DELETE:
		/* the peer closed its halves: ours go, unless a replaced one still lingers */
		c = child_find_in(ike, sa, r->spi, &owner);
		if (c != NULL && c->state == CHILD_DELETING)
			child_free(ike, owner, c, true);
		break;
	default:
		break;
	}
	req_clear(sa);
	sa_kick(ike, sa);
}

int
info_start(struct ike *ike, struct ike_sa *sa, const struct ike_task *t)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	struct ike_child *c;
	struct ike_out o;
	uint8_t spi[4], proto;
	int rc;

	out_init(ike, &o);
	switch (t->kind) {
	case TASK_DPD:
		rc = out_request(ike, sa, TASK_DPD, IKE_INFORMATIONAL, -1, &o);
		if (rc == 0 && p != NULL && p->dpd_retry != 0) {
			/* unanswered probes are repeated every `retry` seconds (IOS dpd N R) */
			sa->req.rtx_fixed_ms = p->dpd_retry * 1000;
			sa->req.rtx_ms = ike_now(ike) + sa->req.rtx_fixed_ms;
		}
		return rc;
	case TASK_CHILD_DELETE:
		c = child_by_spi_in(sa, t->spi);
		if (c != NULL && c->state != CHILD_REKEYED) {
			/* stop sending on it now; the inbound half goes with the answer */
			drop_outbound(ike, c);
			c->state = CHILD_DELETING;
		}
		proto = (uint8_t)t->map;
		write_delete_child(&o, proto, &t->spi, &proto, 1);
		rc = out_request(ike, sa, TASK_CHILD_DELETE, IKE_INFORMATIONAL, -1, &o);
		sa->req.spi = t->spi;
		return rc;
	case TASK_IKE_DELETE:
		write_delete_ike(&o);
		sa->state = IKE_SA_DELETING;
		return out_request(ike, sa, TASK_IKE_DELETE, IKE_INFORMATIONAL, -1, &o);
	case TASK_INVALID_SPI:
		/* section 1.5: protocol 0, no SPI field, the SPI as the data */
		put32(spi, t->spi);
		out_notify(&o, IKE_N_INVALID_SPI, 0, NULL, 0, spi, sizeof(spi));
		return out_request(ike, sa, TASK_INVALID_SPI, IKE_INFORMATIONAL, -1, &o);
	default:
		return -EINVAL;
	}
}

void
info_delete_now(struct ike *ike, struct ike_sa *sa, const char *why)
{
	struct ike_out o;

	if (sa->state == IKE_SA_ESTABLISHED && sa->keys != NULL) {
		out_init(ike, &o);
		write_delete_ike(&o);
		out_request_once(ike, sa, IKE_INFORMATIONAL, &o);
	}
	sa_free(ike, sa, true, why);
}

static bool
same_identity(const struct ike_idv *a, const struct ike_idv *b)
{
	return a->type == b->type && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

void
initial_contact(struct ike *ike, struct ike_sa *sa)
{
	struct ike_sa *o;

	/*
	 * Section 2.4: the peer has no memory of earlier IKE SAs; ours with it
	 * are stale. Scan again after each deletion: one may take another along
	 * (an IKE SA being made by its rekey).
	 */
again:
	TAILQ_FOREACH(o, &ike->sas, all) {
		if (o == sa || !o->was_up || !same_identity(&o->id_remote, &sa->id_remote))
			continue;
		sa_free(ike, o, true, "INITIAL_CONTACT from the peer");
		goto again;
	}
}
