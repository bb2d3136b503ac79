/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "view_dp.h"

void
view_dp_init(struct view_dp *v, struct dp *dp)
{
	memset(v, 0, sizeof(*v));
	v->dp = dp;
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

	dp_drop_stats(v->dp, &v->drop_base);
	v->drop_cleared = true;
	clock_gettime(CLOCK_REALTIME, &v->drop_cleared_at);
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

	return dp_port_list(v->dp, out, max);
}

const struct view_ops view_dp_ops = {
	.drop_stats = drop_stats,
	.drop_stats_clear = drop_stats_clear,
	.sa_list = sa_list,
	.sa_counters_clear = sa_counters_clear,
	.port_list = port_list,
	.drop_stats_cleared_at = drop_stats_cleared_at,
};
