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
	uint64_t now = ike_now(ike);
	uint32_t ka = ike->cfg->ikev2.nat_keepalive;

	/* docs/IKE.md: the profile's lifetime minus a random jitter of up to 10 % */
	sa->rekey_ms = p != NULL && p->lifetime_sec != 0
			       ? now + (uint64_t)p->lifetime_sec * 1000 -
					 ike_rand_below(p->lifetime_sec * 100 + 1)
			       : 0;
	sa->dpd_ms = p != NULL && p->dpd_interval != 0 ? now + (uint64_t)p->dpd_interval * 1000 : 0;
	sa->dpd_in_pkts = 0;
	sa->dpd_out_pkts = 0;
	/* RFC 3948 section 2.3: only the side behind the NAT keeps its mapping open */
	sa->keepalive_ms = sa->nat_local && ka != 0 && ike->ops.send_keepalive != NULL
				   ? sa->tx_ms + (uint64_t)ka * 1000
				   : 0;
	sa->ka_out_pkts = 0;
}

/* Packets through the CHILD_SAs of sa so far (as the dataplane counts them). */
static void
traffic(const struct ike *ike, const struct ike_sa *sa, uint64_t *in, uint64_t *out)
{
	const struct ike_child *c;
	struct ike_sa_usage u;

	*in = 0;
	*out = 0;
	if (ike->ops.sa_usage == NULL)
		return;
	TAILQ_FOREACH(c, &sa->children, link) {
		if (c->h_in != UINT32_MAX && ike->ops.sa_usage(ike->ops.ctx, c->h_in, &u) == 0)
			*in += u.pkts;
		if (c->h_out != UINT32_MAX && ike->ops.sa_usage(ike->ops.ctx, c->h_out, &u) == 0)
			*out += u.pkts;
	}
}

/*
 * Liveness (section 2.4, IOS "dpd interval retry on-demand|periodic"): every
 * interval, look at what came from the peer (IKE messages, ESP on its
 * CHILD_SAs) since the last look. Nothing came: periodic probes; on-demand
 * probes only if we sent ESP meanwhile. The probe's retransmissions (every
 * retry seconds) and their give-up declare the peer dead.
 */
static void
dpd_due(struct ike *ike, struct ike_sa *sa, uint64_t now)
{
	const struct cfg_ike_profile *p = ike_profile(ike, sa->profile);
	uint64_t in, out, interval;
	bool heard, sent;

	if (p == NULL || p->dpd_interval == 0) {
		sa->dpd_ms = 0;
		return;
	}
	interval = (uint64_t)p->dpd_interval * 1000;
	traffic(ike, sa, &in, &out);
	heard = in != sa->dpd_in_pkts || now - sa->rx_ms < interval;
	sent = out != sa->dpd_out_pkts;
	sa->dpd_in_pkts = in;
	sa->dpd_out_pkts = out;
	sa->dpd_ms = now + interval;
	if (heard || sa->req.busy || task_queued(sa, TASK_DPD, 0, 0, 0))
		return;
	if (p->dpd_mode == CFG_DPD_PERIODIC || sent)
		task_add(ike, sa, TASK_DPD, 0, 0, 0);
}

/* RFC 3948 section 2.3: a 0xFF byte to the peer's 4500 when we have sent nothing for a while. */
static void
keepalive_due(struct ike *ike, struct ike_sa *sa, uint64_t now)
{
	uint64_t interval = (uint64_t)ike->cfg->ikev2.nat_keepalive * 1000, in, out;

	traffic(ike, sa, &in, &out);
	if (out != sa->ka_out_pkts) {
		sa->ka_out_pkts = out;
		sa->tx_ms = now;	/* ESP went out: the mapping is fresh */
	} else if (now - sa->tx_ms >= interval) {
		ike->ops.send_keepalive(ike->ops.ctx, &sa->local, &sa->remote);
		ike->st.keepalives++;
		sa->tx_ms = now;
	}
	sa->keepalive_ms = sa->tx_ms + interval;
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
	due = earliest(due, sa->expire_ms);
	if (sa->state == IKE_SA_HALF_OPEN)
		due = earliest(due, sa->created_ms + HALF_OPEN_TIMEOUT_MS);
	if (sa->state == IKE_SA_ESTABLISHED) {
		due = earliest(due, sa->rekey_ms);
		due = earliest(due, sa->dpd_ms);
		due = earliest(due, sa->keepalive_ms);
	}
	TAILQ_FOREACH(c, &sa->children, link) {
		if (c->state == CHILD_REKEYED)
			due = earliest(due, c->linger_ms);
		if (!c->active && c->activate_ms != 0)
			due = earliest(due, c->activate_ms);
		if (c->retry_ms != 0 && sa->state == IKE_SA_ESTABLISHED)
			due = earliest(due, c->retry_ms);
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
			struct ike_child *old = c->replaces ? child_by_spi_in(sa, c->replaces) : NULL;

			/* a rekey responder whose DELETE never came: switch anyway */
			c->activate_ms = 0;
			if (child_activate(ike, c) == 0 && old != NULL)
				old->active = false;
		}
		if (c->retry_ms != 0 && now >= c->retry_ms && sa->state == IKE_SA_ESTABLISHED) {
			c->retry_ms = 0;
			task_add(ike, sa, TASK_CHILD_REKEY, 0, 0, c->spi_in);
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
	if (sa->expire_ms != 0 && now >= sa->expire_ms) {
		sa_free(ike, sa, true, "replaced by a rekey");
		return;
	}
	if (sa->state == IKE_SA_ESTABLISHED && sa->rekey_ms != 0 && now >= sa->rekey_ms) {
		sa->rekey_ms = 0;
		task_add(ike, sa, TASK_IKE_REKEY, 0, 0, 0);
	}
	if (sa->state == IKE_SA_ESTABLISHED && sa->dpd_ms != 0 && now >= sa->dpd_ms)
		dpd_due(ike, sa, now);
	if (sa->state == IKE_SA_ESTABLISHED && sa->keepalive_ms != 0 && now >= sa->keepalive_ms)
		keepalive_due(ike, sa, now);
	if (sa->req.busy && now >= sa->req.rtx_ms)
		out_retransmit(ike, sa);
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
