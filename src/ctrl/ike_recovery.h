/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invalid-SPI recovery in action: the control thread's invalid-SPI hook
 * asks the policy (recovery.h) what to do about an unknown-SPI flow, and
 * does it with the IKE engine: an INVALID_SPI notify over the IKE SA with
 * the sender and the CHILD_SA re-created, or a new IKE SA (with
 * INITIAL_CONTACT) to a static peer. Each decision is logged in IOS style,
 * counted, and named in the flow's "action" (show crypto ipsec invalid-spi).
 */
#ifndef DPSEC_IKE_RECOVERY_H
#define DPSEC_IKE_RECOVERY_H

#include "dpsec/ike.h"

#include "recovery.h"

struct ctrl;
struct ike_recovery;

/* Registers the invalid-SPI hook; NULL when out of memory. */
struct ike_recovery *ike_recovery_create(struct ctrl *c, struct ike *ike);
/* Detaches the hook. Accepts NULL. */
void ike_recovery_destroy(struct ike_recovery *r);
void ike_recovery_stats(const struct ike_recovery *r, struct recovery_stats *out);

#endif
