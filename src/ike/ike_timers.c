/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time-driven work: retransmissions and give-ups, half-open IKE SAs that
 * never authenticate, old inbound halves lingering after a rekey, rekey
 * responders activating their outbound half, liveness checks, NAT
 * keepalives, IKE SA lifetimes. Each IKE SA knows its next due time;
 * ike_next_timeout is the earliest of them.
 */
#include <stdlib.h>

#include "ike_engine.h"

/* A responder's half-open IKE SA is forgotten after this long (strongSwan: 30 s). */
#define HALF_OPEN_TIMEOUT_MS 30000u

void
sa_timers_start(struct ike *ike, struct ike_sa *sa, const struct cfg_ike_profile *p)
{
	(void)ike;
	(void)p;
	sa->rekey_ms = 0;
	sa->dpd_ms = 0;
	sa->keepalive_ms = 0;
}

static uint64_t
earliest(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* When sa next needs the timer (absolute ms), 0 for never. */
static uint64_t
sa_due(const struct ike_sa *sa)
{
	const struct ike_child *c;
	uint64_t due = 0;

	if (sa->req.busy)
		due = sa->req.rtx_ms;
	if (sa->state == IKE_SA_HALF_OPEN)
		due = earliest(due, sa->created_ms + HALF_OPEN_TIMEOUT_MS);
	due = earliest(due, sa->rekey_ms);
	due = earliest(due, sa->dpd_ms);
	due = earliest(due, sa->keepalive_ms);
	TAILQ_FOREACH(c, &sa->children, link) {
		if (c->state == CHILD_REKEYED)
			due = earliest(due, c->linger_ms);
		if (!c->active && c->activate_ms != 0)
			due = earliest(due, c->activate_ms);
	}
	return due;
}

uint64_t
ike_next_timeout(const struct ike *ike)
{
	const struct ike_sa *sa;
	uint64_t now = ike_now(ike), due = 0;

	TAILQ_FOREACH(sa, &ike->sas, all)
		due = earliest(due, sa_due(sa));
	if (due == 0)
		return UINT64_MAX;
	return due <= now ? 0 : due - now;
}

/* CHILD_SA chores: old inbound halves leave, rekey responders switch to the new SA. */
static void
children_due(struct ike *ike, struct ike_sa *sa, uint64_t now)
{
	struct ike_child *c, *next;

	for (c = TAILQ_FIRST(&sa->children); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->state == CHILD_REKEYED && c->linger_ms != 0 && now >= c->linger_ms) {
			child_free(ike, sa, c, true);
			continue;
		}
		if (!c->active && c->activate_ms != 0 && now >= c->activate_ms) {
			c->activate_ms = 0;
			child_activate(ike, c);
		}
	}
}

/* Whatever is due on sa; the actions that may delete it come last. */
static void
sa_run(struct ike *ike, struct ike_sa *sa, uint64_t now)
{
	children_due(ike, sa, now);
	if (sa->state == IKE_SA_HALF_OPEN && now >= sa->created_ms + HALF_OPEN_TIMEOUT_MS) {
		sa_free(ike, sa, true, "half-open timeout");
		return;
	}
	if (sa->req.busy && now >= sa->req.rtx_ms)
		out_retransmit(ike, sa);
}

static struct ike_sa *
sa_by_tunnel(const struct ike *ike, uint32_t id)
{
	struct ike_sa *sa;

	TAILQ_FOREACH(sa, &ike->sas, all)
		if (sa->tunnel_id == id)
			return sa;
	return NULL;
}

void
ike_run_timers(struct ike *ike)
{
	uint64_t now = ike_now(ike);
	uint32_t *due;
	size_t n = 0;
	struct ike_sa *sa;

	/*
	 * Tunnel IDs of the SAs due, then each looked up again: running one may
	 * delete others (INITIAL_CONTACT, a rekey's half-made SA).
	 */
	due = malloc(sizeof(*due) * (ike->n_sas + 1));
	if (due == NULL)
		return;
	TAILQ_FOREACH(sa, &ike->sas, all) {
		uint64_t d = sa_due(sa);

		if (d != 0 && d <= now)
			due[n++] = sa->tunnel_id;
	}
	for (size_t i = 0; i < n; i++) {
		sa = sa_by_tunnel(ike, due[i]);
		if (sa != NULL)
			sa_run(ike, sa, now);
	}
	free(due);
}
