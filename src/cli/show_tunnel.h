/* SPDX-License-Identifier: BSD-3-Clause */
/* show interfaces TunnelN (show_tunnel.c), called by show interfaces (show_if.c). */
#ifndef DPSEC_CLI_SHOW_TUNNEL_H
#define DPSEC_CLI_SHOW_TUNNEL_H

#include <stdbool.h>

#include "handlers.h"
#include "json.h"

/* Does "show interfaces [NAME]" name the tunnel (or no interface at all)? */
bool cli_tunnel_selected(const struct cli_ctx *c, const struct cfg_tunnel *t);
/* The selected tunnels, as text into o, or (j not NULL) as objects of j's open array. */
int cli_show_tunnels(const struct cli_ctx *c, struct cli_out *o, struct json *j);

#endif
