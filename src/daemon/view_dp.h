/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's view (dpsec/view.h) over the live dataplane. "clear" commands
 * never write worker counters: they record a baseline here, and what is shown
 * is the current value minus the baseline.
 */
#ifndef DPSEC_VIEW_DP_H
#define DPSEC_VIEW_DP_H

#include <stdbool.h>
#include <time.h>

#include "dpsec/dp.h"
#include "dpsec/view.h"

struct ctrl;
struct ctrl_ike;
struct ike;

struct view_dp {
	struct dp *dp;
	struct ctrl *ctrl;		/* NULL: no control-plane views (tests) */
	struct dp_drop_stats drop_base;
	uint64_t handoff_base[VIEW_WORKERS_MAX];	/* by worker id, at the same clear */
	bool drop_cleared;
	struct timespec drop_cleared_at;
	struct timespec started;	/* CLOCK_MONOTONIC at view_dp_init */
	struct view_sa *sa_base;	/* counters at the last "clear crypto sa counters" */
	size_t n_sa_base;
	struct ctrl_ike *cike;		/* the control thread's IKEv2, or NULL */
	struct ike *ike;		/* its engine (view_ike.c), or NULL */
	bool ike_debug;			/* debug crypto ikev2 */
};

extern const struct view_ops view_dp_ops;

void view_dp_init(struct view_dp *v, struct dp *dp, struct ctrl *ctrl);
void view_dp_fini(struct view_dp *v);

#endif
