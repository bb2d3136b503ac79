/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"
#include "ctrl_ike.h"
#include "recovery.h"
#include "view_dp.h"
#include "view_ike.h"

void
view_dp_init(struct view_dp *v, struct dp *dp, struct ctrl *ctrl)
{
	memset(v, 0, sizeof(*v));
	v->dp = dp;
	v->ctrl = ctrl;
	clock_gettime(CLOCK_MONOTONIC, &v->started);
}

void
view_dp_fini(struct view_dp *v)
{
	free(v->sa_base);
	v->sa_base = NULL;
	v->n_sa_base = 0;
}

static void
drop_stats(void *ctx, struct dp_drop_stats *out)
{
	const struct view_dp *v = ctx;
	const struct dp_drop_stats *b = &v->drop_base;

	dp_drop_stats(v->dp, out);
	for (int i = 0; i < DP_IPSEC_DROP__COUNT; i++)
		out->ipsec[i] -= b->ipsec[i];
	for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
		out->global_pkts[g] -= b->global_pkts[g];
		out->global_octets[g] -= b->global_octets[g];
	}
}

static void
drop_stats_clear(void *ctx)
{
	struct view_dp *v = ctx;
	struct dp_worker_stats w[VIEW_WORKERS_MAX];
	size_t n = dp_worker_list(v->dp, w, VIEW_WORKERS_MAX);

	dp_drop_stats(v->dp, &v->drop_base);
	for (size_t i = 0; i < n; i++)
		v->handoff_base[i] = w[i].handoff_pkts;
	v->drop_cleared = true;
	clock_gettime(CLOCK_REALTIME, &v->drop_cleared_at);
}

/* The workers' figures less the baseline of the last drop_stats_clear (they show together). */
static size_t
worker_list(void *ctx, struct view_worker *out, size_t max)
{
	const struct view_dp *v = ctx;
	struct dp_worker_stats w[VIEW_WORKERS_MAX];
	size_t n = dp_worker_list(v->dp, w, max < VIEW_WORKERS_MAX ? max : VIEW_WORKERS_MAX);

	for (size_t i = 0; i < n; i++)
		out[i] = (struct view_worker){
			.id = w[i].id,
			.lcore = w[i].lcore,
			.handoff_pkts = w[i].handoff_pkts - v->handoff_base[i],
		};
	return n;
}

static bool
drop_stats_cleared_at(void *ctx, struct timespec *when)
{
	const struct view_dp *v = ctx;

	*when = v->drop_cleared_at;
	return v->drop_cleared;
}

/* Baselines are kept in install order, so conn ids are ascending: binary search. */
static const struct view_sa *
sa_base_of(const struct view_dp *v, uint32_t conn_id)
{
	size_t lo = 0, hi = v->n_sa_base;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->sa_base[mid].conn_id == conn_id)
			return &v->sa_base[mid];
		if (v->sa_base[mid].conn_id < conn_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t
sa_list(void *ctx, struct view_sa *out, size_t max)
{
	const struct view_dp *v = ctx;
	size_t n = dp_sa_list(v->dp, out, max);

	for (size_t i = 0; i < n; i++) {
		const struct view_sa *b = sa_base_of(v, out[i].conn_id);

		for (int c = 0; b != NULL && c < DP_SA_CTR__COUNT; c++)
			out[i].ctr.v[c] -= b->ctr.v[c];
	}
	return n;
}

static void
sa_summary(void *ctx, struct view_sa_summary *out)
{
	const struct view_dp *v = ctx;

	dp_sa_summary(v->dp, out);
}

static void
sa_counters_clear(void *ctx)
{
	struct view_dp *v = ctx;
	size_t cap = dp_sa_count(v->dp);
	struct view_sa *base = calloc(cap ? cap : 1, sizeof(*base));

	if (base == NULL)
		return;	/* keep the old baseline rather than lose counts */
	free(v->sa_base);
	v->sa_base = base;
	v->n_sa_base = dp_sa_list(v->dp, base, cap);
}

static size_t
port_list(void *ctx, struct view_port *out, size_t max)
{
	const struct view_dp *v = ctx;
	size_t n = dp_port_list(v->dp, out, max);

	if (v->ctrl != NULL)
		ctrl_port_rates(v->ctrl, out, n);
	else
		for (size_t i = 0; i < n; i++)
			out[i].last_input_sec = out[i].last_output_sec = VIEW_NEVER;
	return n;
}

static void
punt_stats_op(void *ctx, struct view_punt_stats *out)
{
	const struct view_dp *v = ctx;

	const struct punt_stats *st = ctrl_punt_stats(v->ctrl);

	memcpy(out->kind, st->kind, sizeof(out->kind));
	memcpy(out->ike, st->ike, sizeof(out->ike));
}

static void
ip_traffic_op(void *ctx, struct view_ip_traffic *out)
{
	const struct view_dp *v = ctx;

	ctrl_ip_traffic(v->ctrl, out);
}

static size_t
inv_spi_list_op(void *ctx, struct view_inv_spi *out, size_t max)
{
	struct view_dp *v = ctx;

	return inv_spi_list(ctrl_inv_spi(v->ctrl), out, max);
}

static void
inv_spi_stats_op(void *ctx, struct view_inv_spi_stats *out)
{
	struct view_dp *v = ctx;

	struct recovery_stats r;

	ctrl_inv_spi_stats(v->ctrl, out);
	ctrl_ike_recovery_stats(v->cike, &r);
	memcpy(out->recovery, r.decisions, sizeof(out->recovery));
	memcpy(out->recovery_pkts, r.pkts, sizeof(out->recovery_pkts));
}

static void
inv_spi_clear_op(void *ctx)
{
	struct view_dp *v = ctx;

	inv_spi_clear(ctrl_inv_spi(v->ctrl));
}

static size_t
arp_list_op(void *ctx, struct view_arp *out, size_t max)
{
	struct view_dp *v = ctx;

	return ctrl_arp_list(v->ctrl, out, max);
}

static size_t
nd6_list_op(void *ctx, struct view_nd6 *out, size_t max)
{
	struct view_dp *v = ctx;

	return ctrl_nd6_list(v->ctrl, out, max);
}

static size_t
log_read_op(void *ctx, char *buf, size_t cap, struct view_log_stats *st)
{
	struct view_dp *v = ctx;

	return dlog_read(ctrl_log(v->ctrl), buf, cap, st);
}

static void
log_clear_op(void *ctx)
{
	struct view_dp *v = ctx;

	dlog_clear(ctrl_log(v->ctrl));
}

/* The SA's peer is the filter's, in the filter's family (an IPv6 peer's IPv4 field is 0). */
static bool
sa_peer_is(const struct dpsec_config *cfg, const struct view_sa *sa,
	   const struct view_sa_filter *f)
{
	const struct cfg_tunnel *t = sa->vti ? &cfg->tunnels[sa->tunnel] : NULL;
	const struct cfg_map_entry *e =
		sa->vti ? NULL : &cfg->crypto_maps[sa->map].entries[sa->entry];
	bool v6 = t != NULL ? t->mode == CFG_TUNNEL_IPSEC_IPV6 : e->peer_v6;

	if (v6 != f->peer_v6)
		return false;
	if (!v6)
		return (t != NULL ? t->destination : e->peer) == f->peer;
	return memcmp(t != NULL ? t->destination6 : e->peer6, f->peer6, sizeof(f->peer6)) == 0;
}

static bool
sa_matches(const struct dpsec_config *cfg, const struct view_sa *sa,
	   const struct view_sa_filter *f)
{
	switch (f->kind) {
	case VIEW_SA_PEER:
		return sa_peer_is(cfg, sa, f);
	case VIEW_SA_SPI:
		return sa->spi == f->spi;
	default:
		return true;
	}
}

/*
 * Delete the dataplane SAs matching f: through IKE (a DELETE to the peer)
 * when with_ike and IKE negotiated the SA, else from the dataplane alone.
 * Manual SAs are not put back: traffic for them then counts as unknown SPI
 * until the daemon restarts.
 */
static size_t
sa_delete_matching(struct view_dp *v, const struct view_sa_filter *f, bool with_ike)
{
	size_t cap = dp_sa_count(v->dp), n, done = 0;
	struct view_sa *sa = calloc(cap ? cap : 1, sizeof(*sa));

	if (sa == NULL)
		return 0;
	n = dp_sa_list(v->dp, sa, cap);
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!sa_matches(ctrl_cfg(v->ctrl), &sa[i], f))
			continue;
		if (with_ike && v->ike != NULL && ike_clear_child(v->ike, sa[i].conn_id) == 0) {
			done++;
			continue;
		}
		/*
		 * -ENOENT: IKE took this half out with its other one earlier in this
		 * loop (the outbound half stops as the DELETE goes). Only this thread
		 * deletes SAs, so it was in when the command started: it counts.
		 */
		rc = dp_sa_del(v->dp, sa[i].conn_id);
		if (rc == 0 || rc == -ENOENT)
			done++;
	}
	free(sa);
	return done;
}

/* "clear crypto sa [peer | spi]": as IOS with IKE SAs, the peer is told. */
static size_t
sa_clear_op(void *ctx, const struct view_sa_filter *f)
{
	return sa_delete_matching(ctx, f, true);
}

/* "test crypto ipsec sa forget [peer]": silently, to make a peer's SPI unknown here. */
static size_t
sa_forget_op(void *ctx, const struct view_sa_filter *f)
{
	return sa_delete_matching(ctx, f, false);
}

static bool
recovery_get_op(void *ctx)
{
	struct view_dp *v = ctx;

	return ctrl_cfg(v->ctrl)->isakmp.invalid_spi_recovery;
}

static void
recovery_set_op(void *ctx, bool on)
{
	struct view_dp *v = ctx;

	ctrl_set_recovery(v->ctrl, on);
}

static bool
debug_get_op(void *ctx)
{
	struct view_dp *v = ctx;

	return ctrl_debug(v->ctrl);
}

static void
debug_set_op(void *ctx, bool on)
{
	struct view_dp *v = ctx;

	ctrl_set_debug(v->ctrl, on);
}

static uint64_t
uptime_op(void *ctx)
{
	const struct view_dp *v = ctx;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - v->started.tv_sec);
}

/* The CLI's record of who changed what goes to the daemon's log (and syslog). */
static void
log_op(void *ctx, int severity, const char *tag, const char *text)
{
	struct view_dp *v = ctx;

	dlog_msg(ctrl_log(v->ctrl), severity, tag, "%s", text);
}

const struct view_ops view_dp_ops = {
	.drop_stats = drop_stats,
	.drop_stats_clear = drop_stats_clear,
	.sa_list = sa_list,
	.sa_summary = sa_summary,
	.sa_counters_clear = sa_counters_clear,
	.port_list = port_list,
	.worker_list = worker_list,
	.drop_stats_cleared_at = drop_stats_cleared_at,
	.inv_spi_list = inv_spi_list_op,
	.inv_spi_stats = inv_spi_stats_op,
	.inv_spi_clear = inv_spi_clear_op,
	.arp_list = arp_list_op,
	.nd6_list = nd6_list_op,
	.log_read = log_read_op,
	.log_clear = log_clear_op,
	.sa_clear = sa_clear_op,
	.sa_forget = sa_forget_op,
	.recovery_get = recovery_get_op,
	.recovery_set = recovery_set_op,
	.debug_get = debug_get_op,
	.debug_set = debug_set_op,
	.uptime = uptime_op,
	.punt_stats = punt_stats_op,
	.ip_traffic = ip_traffic_op,
	.log = log_op,
	.ike_sa_list = view_ike_sa_list,
	.ike_child_list = view_ike_child_list,
	.ike_stats = view_ike_stats,
	.ike_stats_clear = view_ike_stats_clear,
	.ike_clear = view_ike_clear,
	.ike_session_clear = view_ike_session_clear,
	.ike_debug_get = view_ike_debug_get,
	.ike_debug_set = view_ike_debug_set,
};
