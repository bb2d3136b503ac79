/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv2 operations of the daemon's CLI view (view.h), over the control
 * thread's engine (view_dp.ike; NULL when no IKEv2 profile is configured:
 * empty lists, zero counters).
 */
#ifndef DPSEC_VIEW_IKE_H
#define DPSEC_VIEW_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/ike.h"

size_t view_ike_sa_list(void *ctx, struct view_ike_sa *out, size_t max);
size_t view_ike_child_list(void *ctx, uint32_t tunnel_id, struct view_ike_child *out,
			   size_t max);
void view_ike_stats(void *ctx, struct view_ike_stats *out);
void view_ike_stats_clear(void *ctx);
unsigned int view_ike_clear(void *ctx, const struct ike_addr *peer);
unsigned int view_ike_session_clear(void *ctx, const struct ike_addr *peer);
bool view_ike_debug_get(void *ctx);
void view_ike_debug_set(void *ctx, bool on);

#endif
