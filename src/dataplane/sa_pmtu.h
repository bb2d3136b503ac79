/* SPDX-License-Identifier: BSD-3-Clause */
/* Path MTU of outbound SAs (sa_pmtu.c); dp_sa_path_mtu is in dpsec/dp.h. */
#ifndef DPSEC_SA_PMTU_H
#define DPSEC_SA_PMTU_H

#include <stdint.h>

struct dp;
struct sa;

/* Control thread, from dp_housekeeping: path MTUs lowered DP_PMTU_AGE_S ago go back up. */
void sa_pmtu_housekeeping(struct dp *dp);
/* The MTU an outbound SA encapsulates to (its interface's, or lower); 0 for inbound. */
uint16_t sa_path_mtu(const struct sa *sa);

#endif
