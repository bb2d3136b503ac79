/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INFORMATIONAL (RFC 7296 sections 1.4, 1.5, 2.4): answered, and the
 * INITIAL_CONTACT a new IKE_AUTH may carry.
 */
#include <string.h>

#include "ike_engine.h"

void
info_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_out o;

	/* a liveness check, or what we do not act on: an empty answer (section 1.4) */
	out_init(ike, &o);
	out_response(ike, sa, IKE_INFORMATIONAL, -1, m->hdr.msg_id, &o);
}

void
info_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	req_clear(sa);
	sa_kick(ike, sa);
}

int
info_start(struct ike *ike, struct ike_sa *sa, const struct ike_task *t)
{
	struct ike_out o;

	out_init(ike, &o);
	switch (t->kind) {
	case TASK_DPD:
		return out_request(ike, sa, TASK_DPD, IKE_INFORMATIONAL, -1, &o);
	default:
		return -ENOTSUP;
	}
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
