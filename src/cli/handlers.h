/* SPDX-License-Identifier: BSD-3-Clause */
/* The command handlers the table in commands.c points at, one file per family. */
#ifndef DPSEC_CLI_HANDLERS_H
#define DPSEC_CLI_HANDLERS_H

#include "grammar.h"

/* show_drops.c */
int cli_show_ipsec_drops(const struct cli_ctx *c, struct cli_out *o);
int cli_show_qfp_drops(const struct cli_ctx *c, struct cli_out *o);
/* show_qfp_if.c */
int cli_show_qfp_interface(const struct cli_ctx *c, struct cli_out *o);
/* show_punt.c */
int cli_show_qfp_punt(const struct cli_ctx *c, struct cli_out *o);
/* show_sa.c */
int cli_show_ipsec_sa(const struct cli_ctx *c, struct cli_out *o);
int cli_show_ipsec_sa_count(const struct cli_ctx *c, struct cli_out *o);
/* show_map.c */
int cli_show_crypto_map(const struct cli_ctx *c, struct cli_out *o);
int cli_show_transform_sets(const struct cli_ctx *c, struct cli_out *o);
/* show_if.c */
int cli_show_interfaces(const struct cli_ctx *c, struct cli_out *o);
/* show_version.c */
int cli_show_version(const struct cli_ctx *c, struct cli_out *o);
int cli_show_clock(const struct cli_ctx *c, struct cli_out *o);
/* show_arp.c */
int cli_show_arp(const struct cli_ctx *c, struct cli_out *o);
/* show_nd.c */
int cli_show_ipv6_neighbors(const struct cli_ctx *c, struct cli_out *o);
/* show_ip_traffic.c */
int cli_show_ip_traffic(const struct cli_ctx *c, struct cli_out *o);

/* show_inv_spi.c */
int cli_show_inv_spi(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_inv_spi(const struct cli_ctx *c, struct cli_out *o);
/* show_logging.c */
int cli_show_logging(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_logging(const struct cli_ctx *c, struct cli_out *o);
/* show_run.c */
int cli_show_running_config(const struct cli_ctx *c, struct cli_out *o);
/* recovery.c */
int cli_recovery_on(const struct cli_ctx *c, struct cli_out *o);
int cli_recovery_off(const struct cli_ctx *c, struct cli_out *o);
bool cli_recovery_state(const struct view *v);
/*
 * "Recovery decisions: INITIATE 1 (2 pkts), WAIT 1 (1 pkt)" (only what
 * happened; "none"), and the JSON object "recovery": {NAME: {decisions, pkts}}.
 */
struct json;
/* A decision's one-word name ("NOTIFY", "WAIT"); "?" out of range. */
const char *cli_recovery_name(enum recovery_action a);
void cli_recovery_decisions_text(const struct view_inv_spi_stats *st, struct cli_out *o);
void cli_recovery_decisions_json(struct json *j, const struct view_inv_spi_stats *st);
/* debug.c */
int cli_debug_on(const struct cli_ctx *c, struct cli_out *o);
int cli_debug_off(const struct cli_ctx *c, struct cli_out *o);
int cli_debug_ikev2_on(const struct cli_ctx *c, struct cli_out *o);
int cli_debug_ikev2_off(const struct cli_ctx *c, struct cli_out *o);
int cli_debug_all_off(const struct cli_ctx *c, struct cli_out *o);
int cli_show_debugging(const struct cli_ctx *c, struct cli_out *o);
/* show_ikev2.c */
int cli_show_ikev2_sa(const struct cli_ctx *c, struct cli_out *o);
int cli_show_isakmp_sa(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_ikev2_sa(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_crypto_session(const struct cli_ctx *c, struct cli_out *o);
/* show_ikev2_stats.c */
int cli_show_ikev2_stats(const struct cli_ctx *c, struct cli_out *o);
int cli_show_ikev2_stats_exchange(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_ikev2_stats(const struct cli_ctx *c, struct cli_out *o);
/* show_session.c */
int cli_show_crypto_session(const struct cli_ctx *c, struct cli_out *o);
/* clear.c */
int cli_clear_sa(const struct cli_ctx *c, struct cli_out *o);
int cli_test_sa_forget(const struct cli_ctx *c, struct cli_out *o);
int cli_clear_sa_counters(const struct cli_ctx *c, struct cli_out *o);
int cli_exit(const struct cli_ctx *c, struct cli_out *o);

#endif
