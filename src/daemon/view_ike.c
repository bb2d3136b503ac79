/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "view_dp.h"
#include "view_ike.h"

size_t
view_ike_sa_list(void *ctx, struct view_ike_sa *out, size_t max)
{
	const struct view_dp *v = ctx;

	return v->ike != NULL ? ike_sa_list(v->ike, out, max) : 0;
}

size_t
view_ike_child_list(void *ctx, uint32_t tunnel_id, struct view_ike_child *out, size_t max)
{
	const struct view_dp *v = ctx;

	return v->ike != NULL ? ike_child_list(v->ike, tunnel_id, out, max) : 0;
}

void
view_ike_stats(void *ctx, struct view_ike_stats *out)
{
	const struct view_dp *v = ctx;

	if (v->ike != NULL)
		ike_stats_get(v->ike, out);
	else
		memset(out, 0, sizeof(*out));
}

void
view_ike_stats_clear(void *ctx)
{
	struct view_dp *v = ctx;

	if (v->ike != NULL)
		ike_stats_clear(v->ike);
}

unsigned int
view_ike_clear(void *ctx, const struct ike_addr *peer)
{
	struct view_dp *v = ctx;

	return v->ike != NULL ? ike_clear(v->ike, peer) : 0;
}

unsigned int
view_ike_session_clear(void *ctx, const struct ike_addr *peer)
{
	struct view_dp *v = ctx;

	return v->ike != NULL ? ike_clear_session(v->ike, peer) : 0;
}

bool
view_ike_debug_get(void *ctx)
{
	const struct view_dp *v = ctx;

	return v->ike_debug;
}

void
view_ike_debug_set(void *ctx, bool on)
{
	struct view_dp *v = ctx;

	v->ike_debug = on;
	if (v->ike != NULL)
		ike_set_debug(v->ike, on);
}
