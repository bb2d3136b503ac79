/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's side of IKEv2: owns the one struct ike (src/ike) and
 * maps its callbacks onto the dataplane (dp_sa_add / dp_sa_activate /
 * dp_sa_del / dp_sa_usage / dp_sa_update_endpoints), the UDP send path
 * (ctrl_udp_send) and the log.
 * It registers itself with ctrl_set_ike_hooks, through which ctrl.c feeds
 * it the IKE datagrams the workers punt, the dataplane's SA lifetime and
 * acquire events, and its timers; nothing else talks to src/ike.
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
 * Creates the engine and registers the hooks. NULL with err empty when the
 * config has no IKEv2 profile (nothing to do); NULL with err set on failure.
 */
struct ctrl_ike *ctrl_ike_create(struct ctrl *c, char *err, size_t errlen);
/* Detaches the hooks, frees every IKE SA (wiping keys); dataplane SAs stay. Accepts NULL. */
void ctrl_ike_destroy(struct ctrl_ike *ci);
/* Bring up the entries with initiate: on-start. Call once the workers run. */
void ctrl_ike_start(struct ctrl_ike *ci);

/*
 * The engine's sa_update_endpoints: the peer of an IKE SA moved behind its
 * NAT (RFC 7296 section 2.23), the dataplane SA half `handle` follows it.
 * 0; -EAFNOSUPPORT for an endpoint of the other family than the SA's;
 * otherwise dp_sa_update_endpoints(6)' error (the SA then unchanged).
 */
int ctrl_ike_sa_moved(struct ctrl *c, uint32_t handle, const struct ike_addr *remote,
		      bool udp_encap);

/* The engine, for the views and operator commands; NULL-safe (returns NULL). */
struct ike *ctrl_ike_engine(struct ctrl_ike *ci);
/* Invalid-SPI recovery's decisions so far (zeros when ci is NULL). */
struct recovery_stats;
void ctrl_ike_recovery_stats(const struct ctrl_ike *ci, struct recovery_stats *out);

#endif
