/* SPDX-License-Identifier: BSD-3-Clause */
/* Turning SA parameters into the fast path's struct sa_rt, and freeing it. */
#ifndef DPSEC_SA_BUILD_H
#define DPSEC_SA_BUILD_H

#include <stdint.h>

#include "dpsec/dp.h"

struct sa_rt;

/*
 * Expand keys, precompute the outbound header template (the egress port and
 * next-hop MAC are resolved now, not per packet) or size the replay window.
 * Returns NULL and sets *err to -errno: -EINVAL bad parameters,
 * -EHOSTUNREACH no port or next-hop MAC for the tunnel, -ENOMEM.
 */
struct sa_rt *sa_rt_build(struct dp *dp, const struct dp_sa_params *p, uint32_t policy,
			  uint32_t conn_id, int *err);
/* Wipes the keys; accepts NULL. */
void sa_rt_free(struct sa_rt *rt);

#endif
