/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters through DPDK's rte_telemetry, so standard tooling reads them
 * (dpdk-telemetry.py --file-prefix ...: /dpsec/drops, /dpsec/global_drops,
 * /dpsec/sa/list, /dpsec/sa/info,<conn id>, /dpsec/invalid_spi).
 *
 * The callbacks run on DPDK's telemetry thread and take the control thread's
 * lock for everything but the dataplane counters. DPDK 22.11 gives telemetry
 * callbacks no context argument, hence the one file-static pointer.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "ctrl.h"

#define TEL_SA_MAX 512	/* RTE_TEL_MAX_ARRAY_ENTRIES in 22.11 */

static struct ctrl *tel_ctrl;

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_drop_stats st;

	(void)cmd;
	(void)params;
	dp_drop_stats(ctrl_dp(tel_ctrl), &st);
	rte_tel_data_start_dict(d);
	for (int i = 0; i < DP_IPSEC_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(d, dp_drop_info[i].name, st.ipsec[i]);
	return 0;
}

static int
tel_global_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_drop_stats st;

	(void)cmd;
	(void)params;
	dp_drop_stats(ctrl_dp(tel_ctrl), &st);
	rte_tel_data_start_dict(d);
	for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -1;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "packets", st.global_pkts[g]);
		rte_tel_data_add_dict_u64(c, "octets", st.global_octets[g]);
		rte_tel_data_add_dict_container(d, dp_global_cause_name[g], c, 0);
	}
	return 0;
}

static int
tel_sa_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_sa *sa = calloc(TEL_SA_MAX, sizeof(*sa));
	size_t n;

	(void)cmd;
	(void)params;
	if (sa == NULL)
		return -1;
	ctrl_lock(tel_ctrl);
	n = dp_sa_list(ctrl_dp(tel_ctrl), sa, TEL_SA_MAX);
	ctrl_unlock(tel_ctrl);
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	for (size_t i = 0; i < n; i++)
		rte_tel_data_add_array_u64(d, sa[i].conn_id);
	free(sa);
	return 0;
}

static int
tel_sa_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_sa *sa = calloc(TEL_SA_MAX, sizeof(*sa));
	unsigned long id;
	char *end;
	size_t n;
	int rc = -1;

	(void)cmd;
	if (sa == NULL || params == NULL || (id = strtoul(params, &end, 10), *end != '\0'))
		goto out;
	ctrl_lock(tel_ctrl);
	n = dp_sa_list(ctrl_dp(tel_ctrl), sa, TEL_SA_MAX);
	ctrl_unlock(tel_ctrl);
	for (size_t i = 0; i < n; i++) {
		if (sa[i].conn_id != id)
			continue;
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_u64(d, "conn_id", sa[i].conn_id);
		rte_tel_data_add_dict_u64(d, "spi", sa[i].spi);
		rte_tel_data_add_dict_string(d, "direction",
					     sa[i].dir == CFG_DIR_IN ? "inbound" : "outbound");
		rte_tel_data_add_dict_string(d, "cipher", dp_cipher_info[sa[i].cipher].ios);
		rte_tel_data_add_dict_string(d, "auth", dp_auth_info[sa[i].auth].ios);
#define DP_X(f, desc) rte_tel_data_add_dict_u64(d, #f, sa[i].ctr.v[DP_SA_CTR_##f]);
		DP_SA_COUNTERS(DP_X)
#undef DP_X
		rc = 0;
	}
out:
	free(sa);
	return rc;
}

static int
tel_invalid_spi(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct view_inv_spi_stats st;

	(void)cmd;
	(void)params;
	ctrl_lock(tel_ctrl);
	ctrl_inv_spi_stats(tel_ctrl, &st);
	ctrl_unlock(tel_ctrl);
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

int
ctrl_telemetry_register(struct ctrl *c)
{
	tel_ctrl = c;
	if (rte_telemetry_register_cmd("/dpsec/drops", tel_drops,
				       "IPsec datapath drop counters by reason. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/global_drops", tel_global_drops,
				       "Global drop causes, packets and octets. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/sa/list", tel_sa_list,
				       "Connection ids of the installed SAs. No parameters") ||
	    rte_telemetry_register_cmd("/dpsec/sa/info", tel_sa_info,
				       "One SA and its counters. Parameters: conn id") ||
	    rte_telemetry_register_cmd("/dpsec/invalid_spi", tel_invalid_spi,
				       "Unknown-SPI events, flows and log counts. No parameters"))
		return -1;
	return 0;
}
