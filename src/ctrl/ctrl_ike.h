/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's side of IKEv2: owns the one struct ike (src/ike) and
 * maps its callbacks onto the dataplane (dp_sa_add / dp_sa_activate /
 * dp_sa_del / dp_sa_usage), the UDP send path (ctrl_udp_send) and the log.
 * ctrl.c feeds it the IKE datagrams the workers punt, the dataplane's SA
 * lifetime and acquire events, and its timers; nothing else talks to src/ike.
 */
#ifndef DPSEC_CTRL_IKE_H
#define DPSEC_CTRL_IKE_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/events.h"
#include "dpsec/ike.h"

struct ctrl;
struct ctrl_ike;

/*
 * NULL with err empty when the config has no IKEv2 profile (nothing to do);
 * NULL with err set on failure.
 */
struct ctrl_ike *ctrl_ike_create(struct ctrl *c, char *err, size_t errlen);
/* Frees every IKE SA (wiping keys); the dataplane SAs stay. Accepts NULL. */
void ctrl_ike_destroy(struct ctrl_ike *ci);
/* Bring up the entries with initiate: on-start. Call once the workers run. */
void ctrl_ike_start(struct ctrl_ike *ci);

/* An IKE datagram for one of our addresses: UDP 500, or 4500 with the non-ESP marker removed. */
void ctrl_ike_input(struct ctrl_ike *ci, const struct ike_addr *local,
		    const struct ike_addr *remote, const uint8_t *msg, size_t len);
/* DP_EV_SA_SOFT, DP_EV_SA_HARD, DP_EV_ACQUIRE. */
void ctrl_ike_event(struct ctrl_ike *ci, const struct dp_event *ev);
/* Milliseconds until ctrl_ike_run_timers has work (UINT64_MAX: none). */
uint64_t ctrl_ike_next_timeout(const struct ctrl_ike *ci);
void ctrl_ike_run_timers(struct ctrl_ike *ci);

/* The engine, for the views and operator commands; NULL-safe (returns NULL). */
struct ike *ctrl_ike_engine(struct ctrl_ike *ci);

#endif
