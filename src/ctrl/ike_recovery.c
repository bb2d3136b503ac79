/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/config.h"

#include "ctrl.h"
#include "dlog.h"
#include "ike_recovery.h"

/* Senders that keep recovery state: the configured peers bound the table anyway. */
#define RECOVERY_PEERS_MAX 256
/* IKE SAs looked at to find one with the sender (a gateway has a handful). */
#define IKE_SAS_SCANNED 64

struct ike_recovery {
	struct ctrl *c;
	struct ike *ike;
	struct recovery *policy;
	struct view_ike_sa *sas;	/* scratch for ike_sa_list */
};

static bool
has_ike_sa_with(struct ike_recovery *r, const struct dp_event *ev)
{
	size_t n = ike_sa_list(r->ike, r->sas, IKE_SAS_SCANNED);

	for (size_t i = 0; i < n; i++) {
		const struct view_ike_sa *s = &r->sas[i];

		if (s->status == VIEW_IKE_READY && s->remote.family == (ev->ipv6 ? 6 : 4) &&
		    memcmp(s->remote.ip, ev->src, ev->ipv6 ? 16 : 4) == 0)
			return true;
	}
	return false;
}

/*
 * The IKE-negotiated crypto map entry whose static peer sent this, on the
 * outside interface it arrived at: config_ike_entry (config_ike_entry6 for
 * IPv6) by (our address, peer);
 * else the IKE-keyed tunnel between those addresses (CFG_MAP_TUNNEL).
 */
static bool
static_entry(const struct dpsec_config *cfg, const struct dp_event *ev, uint32_t *map,
	     uint32_t *entry)
{
	const struct cfg_crypto_map *m = NULL;
	const struct cfg_map_entry *e;
	uint32_t local, peer;

	if (ev->ipv6) {
		e = config_ike_entry6(cfg, ev->dst, ev->src, CFG_NONE, NULL, &m);
		if (e == NULL || m == NULL) {
			*map = CFG_MAP_TUNNEL;
			*entry = config_ike_tunnel6(cfg, ev->dst, ev->src, CFG_NONE);
			return *entry != CFG_NONE;
		}
		*map = (uint32_t)(m - cfg->crypto_maps);
		*entry = (uint32_t)(e - m->entries);
		return true;
	}
	memcpy(&local, ev->dst, 4);
	memcpy(&peer, ev->src, 4);
	e = config_ike_entry(cfg, local, peer, CFG_NONE, NULL, &m);
	if (e == NULL || m == NULL) {
		*map = CFG_MAP_TUNNEL;
		*entry = config_ike_tunnel(cfg, local, peer, CFG_NONE);
		return *entry != CFG_NONE;
	}
	*map = (uint32_t)(m - cfg->crypto_maps);
	*entry = (uint32_t)(e - m->entries);
	return true;
}

static void
act(struct ike_recovery *r, enum recovery_action a, const struct dp_event *ev, uint32_t map,
    uint32_t entry)
{
	struct ike_addr peer = {.family = ev->ipv6 ? 6 : 4};

	memcpy(peer.ip, ev->src, ev->ipv6 ? 16 : 4);
	switch (a) {
	case RECOVERY_NOTIFY:
		(void)ike_notify_invalid_spi(r->ike, &peer, ev->spi, ev->proto);
		(void)ike_recreate_child(r->ike, map, entry);
		break;
	case RECOVERY_NOTIFY_ONLY:
		(void)ike_notify_invalid_spi(r->ike, &peer, ev->spi, ev->proto);
		break;
	case RECOVERY_INITIATE:
		/* the engine sends INITIAL_CONTACT: no other IKE SA with this peer exists */
		(void)ike_initiate(r->ike, map, entry);
		break;
	default:
		break;
	}
}

static void
on_flow(void *ctx, struct ctrl *c, struct inv_spi_flow *f, const struct dp_event *ev,
	bool logged)
{
	struct ike_recovery *r = ctx;
	const struct dpsec_config *cfg = ctrl_cfg(c);
	uint32_t map = CFG_NONE, entry = CFG_NONE;
	struct recovery_in in = {
		.ipv6 = ev->ipv6,
		.spi = ev->spi,
		.pkts = ev->pkts != 0 ? ev->pkts : 1,
		.ike_sa = has_ike_sa_with(r, ev),
		.enabled = cfg->isakmp.invalid_spi_recovery,
	};
	enum recovery_action a;
	char src[INET6_ADDRSTRLEN];

	memcpy(in.src, ev->src, sizeof(in.src));
	in.static_peer = static_entry(cfg, ev, &map, &entry);
	a = recovery_decide(r->policy, &in, clk_mono_ms(ctrl_clk(c)));
	/* decided as the report arrived: the flow's last_seen is this report's time */
	inv_spi_decided(f, a, &f->last_seen);
	/*
	 * What is done is logged each time (hold-down and rate bound it). What
	 * is not done is logged only after the report's own
	 * %CRYPTO-4-RECVD_PKT_INV_SPI line, and so within that line's limits
	 * (once a minute per flow, logging.rate lines a second over all): a
	 * sender of random SPIs or spoofed sources makes a new flow of every
	 * packet, and one line each would flood the log and syslog. Every
	 * decision is counted in show crypto ipsec invalid-spi.
	 */
	if (!recovery_acts(a) && !logged)
		return;
	if (inet_ntop(ev->ipv6 ? AF_INET6 : AF_INET, ev->src, src, sizeof(src)) == NULL)
		strcpy(src, "?");
	/* WAIT is the normal first packet of a flow: only the debug log has it */
	dlog_msg(ctrl_log(c), recovery_acts(a) ? 5 : a == RECOVERY_WAIT ? 7 : 6,
		 recovery_acts(a) ? "CRYPTO-5-IKEV2_INVALID_SPI_RECOVERY"
				  : "CRYPTO-6-IKEV2_INVALID_SPI_RECOVERY",
		 "Invalid SPI recovery: peer %s, %s SPI 0x%08X: %s", src,
		 ev->proto == 51 ? "AH" : "ESP", ev->spi, recovery_action_texts[a]);
	if (recovery_acts(a))
		act(r, a, ev, map, entry);
}

struct ike_recovery *
ike_recovery_create(struct ctrl *c, struct ike *ike)
{
	const struct cfg_isakmp *k = &ctrl_cfg(c)->isakmp;
	struct recovery_bounds b = {
		.pkts = k->recovery_packets,
		.window_ms = k->recovery_window * 1000u,
		.holddown_ms = k->recovery_holddown * 1000u,
		.rate = k->recovery_rate,
	};
	struct ike_recovery *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->c = c;
	r->ike = ike;
	r->sas = calloc(IKE_SAS_SCANNED, sizeof(*r->sas));
	r->policy = recovery_create(&b, RECOVERY_PEERS_MAX, clk_mono_ms(ctrl_clk(c)));
	if (r->sas == NULL || r->policy == NULL) {
		ike_recovery_destroy(r);
		return NULL;
	}
	ctrl_set_inv_spi_hook(c, on_flow, r);
	return r;
}

void
ike_recovery_destroy(struct ike_recovery *r)
{
	if (r == NULL)
		return;
	if (r->policy != NULL)
		ctrl_set_inv_spi_hook(r->c, NULL, NULL);
	recovery_destroy(r->policy);
	free(r->sas);
	free(r);
}

void
ike_recovery_stats(const struct ike_recovery *r, struct recovery_stats *out)
{
	if (r != NULL)
		recovery_stats_get(r->policy, out);
	else
		memset(out, 0, sizeof(*out));
}
