/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The views (dpsec/ike.h): plain copies of the state for the CLI, never a
 * key, a nonce or a pre-shared key.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike_engine.h"

static void
id_str(const struct ike_idv *v, char out[VIEW_IKE_ID_MAX])
{
	out[0] = '\0';
	if (v->type == IKE_ID_IPV4_ADDR && v->len == 4) {
		inet_ntop(AF_INET, v->data, out, VIEW_IKE_ID_MAX);
	} else if (v->type == IKE_ID_IPV6_ADDR && v->len == 16) {
		inet_ntop(AF_INET6, v->data, out, VIEW_IKE_ID_MAX);
	} else if (v->type == IKE_ID_FQDN) {
		size_t n = v->len;

		if (n > VIEW_IKE_ID_MAX - 1)
			n = VIEW_IKE_ID_MAX - 1;

		/* the peer chose these bytes: printable ones only */
		for (size_t i = 0; i < n; i++)
			out[i] = v->data[i] >= 0x20 && v->data[i] < 0x7f ? (char)v->data[i] : '?';
		out[n] = '\0';
	} else if (v->type != 0) {
		snprintf(out, VIEW_IKE_ID_MAX, "(type %u)", v->type);
	}
}

static enum view_ike_status
status(const struct ike_sa *sa)
{
	switch (sa->state) {
	case IKE_SA_ESTABLISHED:
		return VIEW_IKE_READY;
	case IKE_SA_DELETING:
		return VIEW_IKE_DELETING;
	default:
		return VIEW_IKE_NEGOTIATING;
	}
}

static void
sa_view(const struct ike *ike, const struct ike_sa *sa, struct view_ike_sa *v)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	const struct ike_child *c;
	uint64_t now = ike_now(ike);

	memset(v, 0, sizeof(*v));
	v->tunnel_id = sa->tunnel_id;
	v->local = sa->local;
	v->remote = sa->remote;
	v->status = status(sa);
	v->initiator = sa->initiator;
	v->spi_local = sa_spi_local(sa);
	v->spi_remote = sa_spi_remote(sa);
	v->encr = (uint16_t)sa->suite.encr;
	v->encr_bits = sa->suite.encr_bits;
	v->integ = (uint16_t)sa->suite.integ;
	v->prf = (uint16_t)sa->suite.prf;
	v->dh = (uint16_t)sa->suite.dh;
	if (p != NULL && sa->state != IKE_SA_HALF_OPEN) {
		v->auth_local = p->auth_local;
		v->auth_remote = p->auth_remote;
		v->lifetime_sec = p->lifetime_sec;
		v->dpd_interval = p->dpd_interval;
		v->dpd_retry = p->dpd_retry;
		snprintf(v->profile, sizeof(v->profile), "%s", p->name);
	}
	v->active_sec = sa->was_up ? (now - sa->up_ms) / 1000 : 0;
	id_str(&sa->id_local, v->local_id);
	id_str(&sa->id_remote, v->remote_id);
	v->msgid_tx = sa->msgid_tx;
	v->msgid_rx = sa->msgid_rx;
	v->window = 1;
	v->nat_local = sa->nat_local;
	v->nat_remote = sa->nat_remote;
	v->fragmentation = sa->frag;
	TAILQ_FOREACH(c, &sa->children, link)
		if (c->state == CHILD_INSTALLED || c->state == CHILD_CREATING)
			v->n_children++;
}

size_t
ike_sa_list(const struct ike *ike, struct view_ike_sa *out, size_t max)
{
	const struct ike_sa *sa;
	size_t n = 0;

	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (n == max)
			break;
		sa_view(ike, sa, &out[n++]);
	}
	return n;
}

size_t
ike_child_list(const struct ike *ike, uint32_t tunnel_id, struct view_ike_child *out,
	       size_t max)
{
	const struct ike_sa *sa;
	const struct ike_child *c;
	uint64_t now = ike_now(ike);
	size_t n = 0;

	TAILQ_FOREACH(sa, &ike->sas, all) {
		if (tunnel_id != 0 && sa->tunnel_id != tunnel_id)
			continue;
		TAILQ_FOREACH(c, &sa->children, link) {
			if (n == max)
				return n;
			out[n++] = (struct view_ike_child){
				.tunnel_id = sa->tunnel_id,
				.map = c->map,
				.entry = c->entry,
				.spi_in = c->spi_in,
				.spi_out = c->spi_out,
				.handle_in = c->h_in,
				.handle_out = c->h_out,
				.active = c->active,
				.rekeyed = c->state == CHILD_REKEYED,
				.pfs_group = c->suite.dh,
				.age_sec = (now - c->created_ms) / 1000,
			};
		}
	}
	return n;
}

size_t
ike_mem_bytes(const struct ike *ike)
{
	const struct ike_sa *sa;
	size_t n = 0;

	TAILQ_FOREACH(sa, &ike->sas, all)
		n += sa_mem(sa);
	return n;
}
