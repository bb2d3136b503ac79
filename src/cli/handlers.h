/* SPDX-License-Identifier: BSD-3-Clause */
/* The command handlers the table in commands.c points at, one file per family. */
#ifndef DPSEC_CLI_HANDLERS_H
#define DPSEC_CLI_HANDLERS_H

#include "grammar.h"

/* show_drops.c */
int cli_show_ipsec_drops(const struct cli_ctx *c, struct cli_out *o);
int cli_show_qfp_drops(const struct cli_ctx *c, struct cli_out *o);
/* show_sa.c */
int cli_show_ipsec_sa(const struct cli_ctx *c, struct cli_out *o);
/* show_map.c */
int cli_show_crypto_map(const struct cli_ctx *c, struct cli_out *o);
int cli_show_transform_sets(const struct cli_ctx *c, struct cli_out *o);
/* show_if.c */
int cli_show_interfaces(const struct cli_ctx *c, struct cli_out *o);
/* show_version.c */
int cli_show_version(const struct cli_ctx *c, struct cli_out *o);
int cli_show_clock(const struct cli_ctx *c, struct cli_out *o);
/* clear.c */
int cli_clear_sa_counters(const struct cli_ctx *c, struct cli_out *o);
int cli_exit(const struct cli_ctx *c, struct cli_out *o);

#endif
