/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_byteorder.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane.h"
#include "sa.h"
#include "sa_life.h"
#include "sad.h"

static inline uint64_t
limit(uint64_t v)
{
	return v != 0 ? v : UINT64_MAX;
}

void
sa_life_rt_init(struct sa_rt *rt, const struct dp_sa_lifetime *l)
{
	rt->hard_pkts = limit(l->hard_pkts);
	rt->hard_bytes = limit(l->hard_bytes);
	rt->life_next_pkts = RTE_MIN(limit(l->soft_pkts), rt->hard_pkts);
	rt->life_next_bytes = RTE_MIN(limit(l->soft_bytes), rt->hard_bytes);
}

void
sa_life_seq_limit(struct sa_rt *rt)
{
	uint64_t seqs = rt->seq_max - rt->seq;	/* sequence numbers still to use */

	rt->hard_pkts = RTE_MIN(rt->hard_pkts, seqs);
	rt->life_next_pkts = RTE_MIN(rt->life_next_pkts, seqs - seqs / 8);
}

/* The soft event is ours to raise (nobody claimed it before). */
static bool
claim_soft(struct sa_rt *rt)
{
	return !(__atomic_fetch_or(&rt->life, SA_LIFE_SOFT, __ATOMIC_ACQ_REL) & SA_LIFE_SOFT);
}

/* LIVE -> EXPIRED: the hard event is ours to raise. A dying SA stays dying. */
static bool
claim_hard(struct sa_rt *rt)
{
	uint8_t live = SA_LIVE;

	return __atomic_compare_exchange_n(&rt->state, &live, SA_EXPIRED, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static void
life_event(const struct sa_rt *rt, enum dp_event_type type, uint64_t now, struct dp_event *ev)
{
	*ev = (struct dp_event){.type = (uint8_t)type, .proto = IPPROTO_ESP, .iface = UINT16_MAX,
				.spi = rte_be_to_cpu_32(rt->spi_be), .pkts = 1,
				.conn_id = rt->conn_id, .mono_ns = now};
}

/* ---- the owner worker ---- */

static void
worker_send(struct dp_worker *w, struct sa_rt *sa, enum dp_event_type type)
{
	struct dp_link *l = &w->link;
	struct dp_event ev;

	life_event(sa, type, clk_mono_ns(&l->clk), &ev);
	l->rang = true;
	if (rte_ring_sp_enqueue_elem(l->events, &ev, sizeof(ev)) == 0) {
		ctr_add(&l->stats.sent, 1);
		return;
	}
	/* the ring is full: the control thread delivers it (collect_deferred) */
	__atomic_fetch_or(&sa->life,
			  type == DP_EV_SA_SOFT ? SA_LIFE_SOFT_UNSENT : SA_LIFE_HARD_UNSENT,
			  __ATOMIC_ACQ_REL);
	__atomic_store_n(&l->stats.life_deferred, l->stats.life_deferred + 1, __ATOMIC_RELEASE);
}

void
sa_life_cross(struct dp_worker *w, struct sa_rt *sa)
{
	uint64_t pkts = sa->ctr.v[DP_SA_CTR_pkts], bytes = sa->ctr.v[DP_SA_CTR_bytes];

	if (pkts >= sa->hard_pkts || bytes >= sa->hard_bytes) {
		sa->life_next_pkts = sa->life_next_bytes = UINT64_MAX;
		if (claim_hard(sa))
			worker_send(w, sa, DP_EV_SA_HARD);
		return;
	}
	/* a soft limit: from now on only the hard ones are of interest */
	sa->life_next_pkts = sa->hard_pkts;
	sa->life_next_bytes = sa->hard_bytes;
	/* not for an SA being deleted (its last packets in flight) */
	if (sa_rt_state(sa) == SA_LIVE && claim_soft(sa))
		worker_send(w, sa, DP_EV_SA_SOFT);
}

/* ---- the control thread ---- */

static uint64_t
deadline(uint64_t now, uint32_t sec)
{
	return sec != 0 ? now + sec * CLK_NS_PER_S : 0;
}

void
sa_life_install(struct dp *dp, struct sa *sa, uint64_t now)
{
	sa->installed_ns = now;
	sa->soft_ns = deadline(now, sa->life.soft_sec);
	sa->hard_ns = deadline(now, sa->life.hard_sec);
	if (sa->soft_ns != 0 && sa->hard_ns != 0 && sa->soft_ns >= sa->hard_ns)
		sa->soft_ns = 0;	/* the hard limit comes first: no soft event */
	if (sa->soft_ns != 0)
		dp->life_due_ns = RTE_MIN(dp->life_due_ns, sa->soft_ns);
	if (sa->hard_ns != 0)
		dp->life_due_ns = RTE_MIN(dp->life_due_ns, sa->hard_ns);
}

/*
 * Raise what is due for one SA. false: the control thread's event queue is
 * full; what is left stays due for the next turn.
 */
static bool
tick_one(struct dp *dp, struct sa *sa, uint64_t now)
{
	struct dp_event ev;

	if (sa->soft_ns != 0 && now >= sa->soft_ns) {
		if (!dp_ctrl_event_room(dp))
			return false;
		sa->soft_ns = 0;
		/* not after the hard limit, reached first by bytes or packets */
		if (sa_rt_state(sa->rt) == SA_LIVE && claim_soft(sa->rt)) {
			life_event(sa->rt, DP_EV_SA_SOFT, now, &ev);
			dp_ctrl_event_push(dp, &ev);
		}
	}
	if (sa->hard_ns != 0 && now >= sa->hard_ns) {
		if (!dp_ctrl_event_room(dp))
			return false;
		sa->hard_ns = 0;
		if (claim_hard(sa->rt)) {
			life_event(sa->rt, DP_EV_SA_HARD, now, &ev);
			dp_ctrl_event_push(dp, &ev);
		}
	}
	return true;
}

/* Every live SA's due deadlines; then the earliest one left. */
static void
tick(struct dp *dp, uint64_t now)
{
	uint64_t due = UINT64_MAX;
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (!tick_one(dp, sa, now)) {
			due = now;	/* queue full: come back */
			break;
		}
		if (sa->soft_ns != 0)
			due = RTE_MIN(due, sa->soft_ns);
		if (sa->hard_ns != 0)
			due = RTE_MIN(due, sa->hard_ns);
	}
	dp->life_due_ns = due;
}

/* Deliver one event a worker could not put on its ring; false if the queue is full. */
static bool
deliver_unsent(struct dp *dp, struct sa_rt *rt, uint8_t bit, enum dp_event_type type,
	       uint64_t now)
{
	struct dp_event ev;

	if (!(__atomic_load_n(&rt->life, __ATOMIC_ACQUIRE) & bit))
		return true;
	if (!dp_ctrl_event_room(dp))
		return false;
	life_event(rt, type, now, &ev);
	dp_ctrl_event_push(dp, &ev);
	__atomic_fetch_and(&rt->life, (uint8_t)~bit, __ATOMIC_ACQ_REL);
	return true;
}

/*
 * Events the workers' full rings refused, marked on their SAs. The scan runs
 * only when a worker has deferred one since the last scan (rare: a ring full).
 */
static void
collect_deferred(struct dp *dp, uint64_t now)
{
	uint64_t total = 0;
	struct sa *sa;

	for (uint16_t i = 0; i < dp->n_workers; i++)
		total += __atomic_load_n(&dp->workers[i]->link.stats.life_deferred,
					 __ATOMIC_ACQUIRE);
	if (total == dp->life_deferred_seen)
		return;
	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (!deliver_unsent(dp, sa->rt, SA_LIFE_SOFT_UNSENT, DP_EV_SA_SOFT, now) ||
		    !deliver_unsent(dp, sa->rt, SA_LIFE_HARD_UNSENT, DP_EV_SA_HARD, now))
			return;	/* queue full: scan again next turn */
	}
	/* what was deferred after total was read makes the next turn scan again */
	dp->life_deferred_seen = total;
}

void
sa_life_housekeeping(struct dp *dp)
{
	uint64_t now = clk_mono_ns(&dp->clk);

	collect_deferred(dp, now);
	if (now >= dp->life_due_ns)
		tick(dp, now);
}

static uint64_t
left(uint64_t lim, uint64_t used)
{
	return used < lim ? lim - used : 0;
}

/*
 * IOS shows what is left until the SA must go: the hard limits when there
 * are any, else the soft ones.
 */
void
sa_life_left(const struct sa *sa, uint64_t now, struct view_sa *v)
{
	const struct dp_sa_lifetime *l = &sa->life;
	uint64_t bytes = ctr_read(&sa->rt->ctr.v[DP_SA_CTR_bytes]);
	uint64_t kb = l->hard_bytes != 0 ? l->hard_bytes : l->soft_bytes;
	uint32_t sec = l->hard_sec != 0 ? l->hard_sec : l->soft_sec;
	uint64_t age = (now - sa->installed_ns) / CLK_NS_PER_S;

	v->kb_disabled = kb == 0;
	v->kb_left = left(kb, bytes) / 1024;
	v->sec_left = (uint32_t)left(sec, age);
}
