/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters through DPDK's rte_telemetry, so standard tooling reads them
 * (dpdk-telemetry.py --file-prefix ...: /dpsec/drops, /dpsec/global_drops,
 * /dpsec/sa/list, /dpsec/sa/info,<conn id>, /dpsec/invalid_spi, /dpsec/punt,
 * /dpsec/ip_traffic, /dpsec/ike/sa, /dpsec/workers).
 *
 * The callbacks run on DPDK's telemetry threads, at any time until the
 * process exits: DPDK 22.11 can neither unregister a command nor stop those
 * threads (rte_eal_cleanup leaves them running), and gives callbacks no
 * context argument. So the control thread is reached through one gated
 * pointer: ctrl_telemetry_register sets it, ctrl_telemetry_unregister clears
 * it (dpsecd: once the workers have stopped, before anything is freed), and a
 * callback that finds it cleared answers null. Every callback holds the gate
 * and the control thread's lock while it reads; lock order: gate, then ctrl.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "ctrl.h"
#include "dpsec/ike.h"

#define TEL_SA_MAX 512	/* RTE_TEL_MAX_ARRAY_ENTRIES in 22.11 */

static pthread_mutex_t tel_gate = PTHREAD_MUTEX_INITIALIZER;
static struct ctrl *tel_ctrl;		/* guarded by tel_gate */
static bool tel_registered;		/* guarded by tel_gate: commands are registered once */

/* The control thread, locked; NULL (nothing held) once the daemon stopped serving. */
static struct ctrl *
tel_enter(void)
{
	pthread_mutex_lock(&tel_gate);
	if (tel_ctrl == NULL) {
		pthread_mutex_unlock(&tel_gate);
		return NULL;
	}
	ctrl_lock(tel_ctrl);
	return tel_ctrl;
}

static void
tel_leave(struct ctrl *c)
{
	ctrl_unlock(c);
	pthread_mutex_unlock(&tel_gate);
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_drop_stats st;
	struct ctrl *c = tel_enter();

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	dp_drop_stats(ctrl_dp(c), &st);
	tel_leave(c);
	rte_tel_data_start_dict(d);
	for (int i = 0; i < DP_IPSEC_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(d, dp_drop_info[i].name, st.ipsec[i]);
	return 0;
}

static int
tel_global_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_drop_stats st;
	struct ctrl *c = tel_enter();

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	dp_drop_stats(ctrl_dp(c), &st);
	tel_leave(c);
	rte_tel_data_start_dict(d);
	for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
		struct rte_tel_data *e = rte_tel_data_alloc();

		if (e == NULL)
			return -1;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_u64(e, "packets", st.global_pkts[g]);
		rte_tel_data_add_dict_u64(e, "octets", st.global_octets[g]);
		rte_tel_data_add_dict_container(d, dp_global_cause_name[g], e, 0);
	}
	return 0;
}

/* The installed SAs (at most TEL_SA_MAX); -1 if the daemon is gone or memory is short. */
static ssize_t
tel_sas(struct view_sa **out)
{
	struct view_sa *sa = calloc(TEL_SA_MAX, sizeof(*sa));
	struct ctrl *c;
	size_t n;

	*out = sa;
	if (sa == NULL || (c = tel_enter()) == NULL)
		return -1;
	n = dp_sa_list(ctrl_dp(c), sa, TEL_SA_MAX);
	tel_leave(c);
	return (ssize_t)n;
}

static int
tel_sa_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_sa *sa;
	ssize_t n = tel_sas(&sa);

	(void)cmd;
	(void)params;
	if (n >= 0) {
		rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
		for (ssize_t i = 0; i < n; i++)
			rte_tel_data_add_array_u64(d, sa[i].conn_id);
	}
	free(sa);
	return n >= 0 ? 0 : -1;
}

static int
tel_sa_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_sa *sa = NULL;
	unsigned long id;
	char *end;
	ssize_t n = -1;
	int rc = -1;

	(void)cmd;
	if (params != NULL && (id = strtoul(params, &end, 10), *end == '\0'))
		n = tel_sas(&sa);
	for (ssize_t i = 0; i < n; i++) {
		bool ah = sa[i].proto == IPPROTO_AH;

		if (sa[i].conn_id != id)
			continue;
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_u64(d, "conn_id", sa[i].conn_id);
		rte_tel_data_add_dict_u64(d, "spi", sa[i].spi);
		rte_tel_data_add_dict_string(d, "direction",
					     sa[i].dir == CFG_DIR_IN ? "inbound" : "outbound");
		rte_tel_data_add_dict_string(d, "cipher", dp_cipher_info[sa[i].cipher].ios);
		rte_tel_data_add_dict_string(d, "protocol", ah ? "ah" : "esp");
		rte_tel_data_add_dict_string(d, "auth", ah ? dp_auth_info[sa[i].auth].ios_ah
							    : dp_auth_info[sa[i].auth].ios);
#define DP_X(f, desc) rte_tel_data_add_dict_u64(d, #f, sa[i].ctr.v[DP_SA_CTR_##f]);
		DP_SA_COUNTERS(DP_X)
#undef DP_X
		rc = 0;
	}
	free(sa);
	return rc;
}

static int
tel_invalid_spi(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_inv_spi_stats st;
	struct ctrl *c = tel_enter();

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	ctrl_inv_spi_stats(c, &st);
	tel_leave(c);
	rte_tel_data_start_dict(d);
#define TEL_U64(f) rte_tel_data_add_dict_u64(d, #f, st.f)
	TEL_U64(events);
	TEL_U64(flows);
	TEL_U64(flows_evicted);
	TEL_U64(deduped);
	TEL_U64(rate_limited);
	TEL_U64(ring_full);
	TEL_U64(logged);
	TEL_U64(log_suppressed);
	TEL_U64(pkts_counted);
	TEL_U64(pkts_in_flows);
	rte_tel_data_add_dict_u64(d, "pkts_not_attributed", view_inv_spi_not_attributed(&st));
	TEL_U64(pkts_rate_limited);
	TEL_U64(pkts_ring_full);
	TEL_U64(pkts_evicted);
	TEL_U64(pkts_cleared);
	TEL_U64(pkts_pending);
#undef TEL_U64
	return 0;
}

/* The control thread's punt counters by kind, as the CLI's per-cause view has them. */
static int
tel_punt(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct punt_stats st;
	struct rte_tel_data *ike;
	struct ctrl *c = tel_enter();

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	st = *ctrl_punt_stats(c);
	tel_leave(c);
	rte_tel_data_start_dict(d);
	for (int k = 0; k < VIEW_PUNT__COUNT; k++) {
		struct rte_tel_data *kind = rte_tel_data_alloc();

		if (kind == NULL)
			return -1;
		rte_tel_data_start_dict(kind);
		rte_tel_data_add_dict_u64(kind, "received", st.kind[k].received);
		rte_tel_data_add_dict_u64(kind, "answered", st.kind[k].answered);
		rte_tel_data_add_dict_u64(kind, "unhandled", st.kind[k].unhandled);
		rte_tel_data_add_dict_u64(kind, "tx_failed", st.kind[k].tx_failed);
		rte_tel_data_add_dict_container(d, view_punt_key((enum view_punt_kind)k), kind, 0);
	}
	ike = rte_tel_data_alloc();
	if (ike == NULL)
		return -1;
	rte_tel_data_start_dict(ike);
	for (int r = 0; r < PUNT_IKE__COUNT; r++)
		rte_tel_data_add_dict_u64(ike, punt_ike_names[r], st.ike[r]);
	rte_tel_data_add_dict_container(d, "ike_outcomes", ike, 0);
	return 0;
}

static const char *const tel_arp_key[ARP__COUNT] = {
#define ARP_X(name, text) #name,
	ARP_COUNTERS(ARP_X)
#undef ARP_X
};

static const char *const tel_reasm_key[REASM4__COUNT] = {
#define REASM4_X(name, text) #name,
	REASM4_COUNTERS(REASM4_X)
#undef REASM4_X
};

static const char *const tel_icmp_key[ICMP_ERR__COUNT] = {
#define ICMP_ERR_X(name, text) #name,
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
};

static const char *const tel_nd6_key[ND6C__COUNT] = {
#define ND6C_X(name, text) #name,
	ND6C_COUNTERS(ND6C_X)
#undef ND6C_X
};

/* "show ip traffic": ARP table, IKE reassembly, ICMP error and IPv6 ND counters, as its JSON. */
static int
tel_ip_traffic(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_ip_traffic t;
	struct rte_tel_data *arp, *reasm, *icmp, *nd6;
	struct ctrl *c = tel_enter();

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	ctrl_ip_traffic(c, &t);
	tel_leave(c);
	arp = rte_tel_data_alloc();
	reasm = rte_tel_data_alloc();
	icmp = rte_tel_data_alloc();
	nd6 = rte_tel_data_alloc();
	if (arp == NULL || reasm == NULL || icmp == NULL || nd6 == NULL) {
		rte_tel_data_free(arp);
		rte_tel_data_free(reasm);
		rte_tel_data_free(icmp);
		rte_tel_data_free(nd6);
		return -1;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_start_dict(reasm);
	rte_tel_data_add_dict_u64(reasm, "pending", t.reasm_pending);
	for (int i = 0; i < REASM4__COUNT; i++)
		rte_tel_data_add_dict_u64(reasm, tel_reasm_key[i], t.reasm[i]);
	rte_tel_data_add_dict_container(d, "reassembly", reasm, 0);
	rte_tel_data_start_dict(arp);
	rte_tel_data_add_dict_u64(arp, "entries", t.arp_entries);
	rte_tel_data_add_dict_u64(arp, "incomplete", t.arp_incomplete);
	for (int i = 0; i < ARP__COUNT; i++)
		rte_tel_data_add_dict_u64(arp, tel_arp_key[i], t.arp[i]);
	rte_tel_data_add_dict_container(d, "arp", arp, 0);
	rte_tel_data_start_dict(icmp);
	for (int i = 0; i < ICMP_ERR__COUNT; i++)
		rte_tel_data_add_dict_u64(icmp, tel_icmp_key[i], t.icmp[i]);
	rte_tel_data_add_dict_container(d, "icmp_errors", icmp, 0);
	rte_tel_data_start_dict(nd6);
	rte_tel_data_add_dict_u64(nd6, "entries", t.nd6_entries);
	rte_tel_data_add_dict_u64(nd6, "incomplete", t.nd6_incomplete);
	for (int i = 0; i < ND6C__COUNT; i++)
		rte_tel_data_add_dict_u64(nd6, tel_nd6_key[i], t.nd6[i]);
	rte_tel_data_add_dict_container(d, "nd6", nd6, 0);
	return 0;
}

#define TEL_IKE_SA_MAX 256	/* IKE SAs listed; a site-to-site gateway has a handful */

static void
tel_ike_addr(struct rte_tel_data *d, const char *key, const struct ike_addr *a)
{
	char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	if (inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip)) == NULL)
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, sizeof(buf), "%s/%u", ip, a->port);
	rte_tel_data_add_dict_string(d, key, buf);
}

/*
 * The IKE SAs as "show crypto ikev2 sa" lists them, by tunnel id: addresses,
 * state, SPIs, algorithms; no keys.
 */
static int
tel_ike_sa(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static const char *const status[] = {[VIEW_IKE_NEGOTIATING] = "IN-NEG",
					     [VIEW_IKE_READY] = "READY",
					     [VIEW_IKE_DELETING] = "DELETE"};
	struct view_ike_sa *sa = calloc(TEL_IKE_SA_MAX, sizeof(*sa));
	struct ctrl *c;
	size_t n = 0;

	(void)cmd;
	(void)params;
	if (sa == NULL)
		return -1;
	c = tel_enter();
	if (c == NULL) {
		free(sa);
		return -1;
	}
	n = ctrl_ike_sa_list(c, sa, TEL_IKE_SA_MAX);
	tel_leave(c);
	/* keyed by tunnel id: DPDK 22.11 nests dictionaries in dictionaries, not in arrays */
	rte_tel_data_start_dict(d);
	for (size_t i = 0; i < n; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();
		char spi[20], id[12];

		if (e == NULL)
			break;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_u64(e, "tunnel_id", sa[i].tunnel_id);
		tel_ike_addr(e, "local", &sa[i].local);
		tel_ike_addr(e, "remote", &sa[i].remote);
		rte_tel_data_add_dict_string(e, "status", status[sa[i].status]);
		rte_tel_data_add_dict_string(e, "initiator", sa[i].initiator ? "yes" : "no");
		snprintf(spi, sizeof(spi), "%016" PRIx64, sa[i].spi_local);
		rte_tel_data_add_dict_string(e, "spi_local", spi);
		snprintf(spi, sizeof(spi), "%016" PRIx64, sa[i].spi_remote);
		rte_tel_data_add_dict_string(e, "spi_remote", spi);
		rte_tel_data_add_dict_u64(e, "encr", sa[i].encr);
		rte_tel_data_add_dict_u64(e, "encr_bits", sa[i].encr_bits);
		rte_tel_data_add_dict_u64(e, "integ", sa[i].integ);
		rte_tel_data_add_dict_u64(e, "prf", sa[i].prf);
		rte_tel_data_add_dict_u64(e, "dh", sa[i].dh);
		rte_tel_data_add_dict_u64(e, "active_sec", sa[i].active_sec);
		rte_tel_data_add_dict_u64(e, "children", sa[i].n_children);
		rte_tel_data_add_dict_string(e, "nat", sa[i].nat_local	   ? "inside"
						       : sa[i].nat_remote ? "outside"
									  : "none");
		snprintf(id, sizeof(id), "%" PRIu32, sa[i].tunnel_id);
		if (rte_tel_data_add_dict_container(d, id, e, 0) != 0) {
			rte_tel_data_free(e);
			break;
		}
	}
	free(sa);
	return 0;
}

/*
 * Each worker's own figures by worker id: its lcore and the packets it put on
 * other workers' handoff rings (raw, as counted; the CLI's "Handoff" lines
 * under show platform hardware qfp active statistics drop are since clear).
 */
static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_worker_stats w[VIEW_WORKERS_MAX];
	struct ctrl *c = tel_enter();
	size_t n;

	(void)cmd;
	(void)params;
	if (c == NULL)
		return -1;
	n = dp_worker_list(ctrl_dp(c), w, RTE_DIM(w));
	tel_leave(c);
	/* keyed by id: DPDK 22.11 nests dictionaries in dictionaries, not in arrays */
	rte_tel_data_start_dict(d);
	for (size_t i = 0; i < n; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();
		char id[8];

		if (e == NULL)
			return -1;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_u64(e, "lcore", w[i].lcore);
		rte_tel_data_add_dict_u64(e, "handoff_pkts", w[i].handoff_pkts);
		snprintf(id, sizeof(id), "%u", (unsigned int)w[i].id);
		if (rte_tel_data_add_dict_container(d, id, e, 0) != 0) {
			rte_tel_data_free(e);
			return -1;
		}
	}
	return 0;
}

static int
register_commands(void)
{
	if (rte_telemetry_register_cmd("/dpsec/drops", tel_drops,
				       "IPsec datapath drop counters by reason. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/global_drops", tel_global_drops,
				       "Global drop causes, packets and octets. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/sa/list", tel_sa_list,
				       "Connection ids of the installed SAs. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/sa/info", tel_sa_info,
				       "One SA and its counters. Parameters: conn id") ||
	    rte_telemetry_register_cmd("/dpsec/invalid_spi", tel_invalid_spi,
				       "Unknown-SPI events, flows and log counts. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/punt", tel_punt,
				       "Punted packets by kind: received, answered, unhandled, "
				       "tx_failed. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/ip_traffic", tel_ip_traffic,
				       "ARP table and IKE reassembly counters. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/ike/sa", tel_ike_sa,
				       "IKE SAs: endpoints, state, SPIs, algorithms. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/workers", tel_workers,
				       "Per worker: lcore, packets handed to other workers. "
				       "No parameters"))
		return -1;
	return 0;
}

int
ctrl_telemetry_register(struct ctrl *c)
{
	int rc = 0;

	pthread_mutex_lock(&tel_gate);
	if (!tel_registered) {
		rc = register_commands();
		tel_registered = rc == 0;
	}
	if (rc == 0)
		tel_ctrl = c;
	pthread_mutex_unlock(&tel_gate);
	return rc;
}

void
ctrl_telemetry_unregister(const struct ctrl *c)
{
	/* Waits for a callback in progress: it holds the gate until it is done. */
	pthread_mutex_lock(&tel_gate);
	if (c != NULL && tel_ctrl == c)
		tel_ctrl = NULL;
	pthread_mutex_unlock(&tel_gate);
}
