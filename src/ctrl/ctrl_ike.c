/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's IKE: one struct ike whose callbacks land on the
 * dataplane's SA-install API, the gateway's UDP send path and the log, and
 * which ctrl.c drives through the hooks registered here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/config.h"
#include "dpsec/ike.h"

#include "ctrl.h"
#include "ctrl_ike.h"
#include "dlog.h"
#include "ike_recovery.h"
#include "udp_send.h"

#define IKE_NAT_T_PORT 4500
#define NON_ESP_MARKER_LEN 4	/* RFC 3948 2.2: four zero bytes before an IKE message */

struct ctrl_ike {
	struct ctrl *c;
	struct ike *ike;
	struct ike_recovery *recovery;	/* the invalid-SPI hook */
};

static uint64_t
op_now_ms(void *ctx)
{
	const struct ctrl_ike *ci = ctx;

	return clk_mono_ms(ctrl_clk(ci->c));
}

static void
op_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *msg, size_t len)
{
	static const uint8_t marker[NON_ESP_MARKER_LEN];
	struct ctrl_ike *ci = ctx;
	bool nat_t = local->port == IKE_NAT_T_PORT || remote->port == IKE_NAT_T_PORT;

	/* a failure is counted by ctrl_udp_send; IKE retransmits */
	(void)ctrl_udp_send(ci->c, local, remote, nat_t ? marker : NULL,
			    nat_t ? sizeof(marker) : 0, msg, len);
}

static void
op_send_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	static const uint8_t keepalive = 0xff;	/* RFC 3948 2.3 */
	struct ctrl_ike *ci = ctx;

	(void)ctrl_udp_send(ci->c, local, remote, NULL, 0, &keepalive, 1);
}

static int
op_sa_add(void *ctx, const struct dp_sa_params *p, uint32_t *handle)
{
	struct ctrl_ike *ci = ctx;

	return dp_sa_add(ctrl_dp(ci->c), p, handle);
}

static int
op_sa_activate(void *ctx, uint32_t handle)
{
	struct ctrl_ike *ci = ctx;

	return dp_sa_activate(ctrl_dp(ci->c), handle);
}

static int
op_sa_del(void *ctx, uint32_t handle)
{
	struct ctrl_ike *ci = ctx;

	return dp_sa_del(ctrl_dp(ci->c), handle);
}

int
ctrl_ike_sa_moved(struct ctrl *c, uint32_t handle, const struct ike_addr *remote, bool udp_encap)
{
	uint32_t peer;

	if (remote->family == 6)	/* a NAT66 mapping moved (ESP-in-UDP over IPv6) */
		return dp_sa_update_endpoints6(ctrl_dp(c), handle, remote->ip, remote->port,
					       udp_encap);
	if (remote->family != 4)
		return -EAFNOSUPPORT;
	memcpy(&peer, remote->ip, sizeof(peer));
	return dp_sa_update_endpoints(ctrl_dp(c), handle, peer, remote->port, udp_encap);
}

static int
op_sa_update_endpoints(void *ctx, uint32_t handle, const struct ike_addr *remote, bool udp_encap)
{
	struct ctrl_ike *ci = ctx;

	return ctrl_ike_sa_moved(ci->c, handle, remote, udp_encap);
}

static int
op_sa_usage(void *ctx, uint32_t handle, struct ike_sa_usage *u)
{
	struct ctrl_ike *ci = ctx;

	return dp_sa_usage(ctrl_dp(ci->c), handle, &u->pkts, &u->bytes);
}

static void
op_log(void *ctx, int severity, const char *tag, const char *msg)
{
	struct ctrl_ike *ci = ctx;

	dlog_msg(ctrl_log(ci->c), severity, tag, "%s", msg);
}

static void
hook_input(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	   const uint8_t *msg, size_t len)
{
	struct ctrl_ike *ci = ctx;

	ike_input(ci->ike, local, remote, msg, len);
}

static void
hook_event(void *ctx, const struct dp_event *ev)
{
	struct ctrl_ike *ci = ctx;

	switch (ev->type) {
	case DP_EV_SA_SOFT:
	case DP_EV_SA_HARD:
		ike_sa_expired(ci->ike, ev->conn_id, ev->type == DP_EV_SA_HARD);
		break;
	case DP_EV_ACQUIRE:
		/* -EALREADY (up or under way) and -ENOENT (manual entry) need nothing */
		(void)ike_initiate(ci->ike,
				   ev->conn_id >> 16 == DP_ACQUIRE_TUNNEL ? CFG_MAP_TUNNEL
									  : ev->conn_id >> 16,
				   ev->conn_id & 0xffff);
		break;
	default:
		break;
	}
}

static uint64_t
hook_next_timeout(void *ctx)
{
	const struct ctrl_ike *ci = ctx;

	return ike_next_timeout(ci->ike);
}

static void
hook_run_timers(void *ctx)
{
	struct ctrl_ike *ci = ctx;

	ike_run_timers(ci->ike);
}

static size_t
hook_sa_list(void *ctx, struct view_ike_sa *out, size_t max)
{
	const struct ctrl_ike *ci = ctx;

	return ike_sa_list(ci->ike, out, max);
}

static const struct ctrl_ike_hooks hooks = {
	.input = hook_input,
	.event = hook_event,
	.next_timeout = hook_next_timeout,
	.run_timers = hook_run_timers,
	.sa_list = hook_sa_list,
};

static int
op_sa_set_ts(void *ctx, uint32_t handle, const struct dp_sa_params *p)
{
	struct ctrl_ike *ci = ctx;

	return dp_sa_update_ts(ctrl_dp(ci->c), handle, p);
}

struct ctrl_ike *
ctrl_ike_create(struct ctrl *c, char *err, size_t errlen)
{
	const struct dpsec_config *cfg = ctrl_cfg(c);
	struct ctrl_ike *ci;
	struct ike_ops ops = {
		.now_ms = op_now_ms,
		.send = op_send,
		.sa_add = op_sa_add,
		.sa_activate = op_sa_activate,
		.sa_del = op_sa_del,
		.sa_set_ts = op_sa_set_ts,
		.sa_usage = op_sa_usage,
		.sa_update_endpoints = op_sa_update_endpoints,
		.log = op_log,
		.send_keepalive = op_send_keepalive,
	};

	err[0] = '\0';
	if (cfg->ikev2.n_profiles == 0)
		return NULL;
	ci = calloc(1, sizeof(*ci));
	if (ci == NULL) {
		snprintf(err, errlen, "IKEv2: out of memory");
		return NULL;
	}
	ci->c = c;
	ops.ctx = ci;
	ci->ike = ike_create(cfg, &ops, err, errlen);
	if (ci->ike == NULL) {
		free(ci);
		return NULL;
	}
	ci->recovery = ike_recovery_create(c, ci->ike);
	if (ci->recovery == NULL) {
		snprintf(err, errlen, "IKEv2: out of memory");
		ike_destroy(ci->ike);
		free(ci);
		return NULL;
	}
	ctrl_set_ike_hooks(c, &hooks, ci);
	return ci;
}

void
ctrl_ike_destroy(struct ctrl_ike *ci)
{
	if (ci == NULL)
		return;
	ctrl_set_ike_hooks(ci->c, NULL, NULL);
	ike_recovery_destroy(ci->recovery);
	ike_destroy(ci->ike);
	free(ci);
}

void
ctrl_ike_start(struct ctrl_ike *ci)
{
	if (ci == NULL)
		return;
	ike_initiate_on_start(ci->ike, NULL);
}

struct ike *
ctrl_ike_engine(struct ctrl_ike *ci)
{
	return ci != NULL ? ci->ike : NULL;
}

void
ctrl_ike_recovery_stats(const struct ctrl_ike *ci, struct recovery_stats *out)
{
	ike_recovery_stats(ci != NULL ? ci->recovery : NULL, out);
}
