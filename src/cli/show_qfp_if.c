/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show platform hardware qfp active interface if-name NAME statistics
 *
 * IOS XE's per-interface QFP statistics (genieparser iosxe
 * ShowPlatformHardwareQfpInterfaceIfnameStatistics: "Platform Handle N", then
 * four sections of "Name  Packets  Octets" rows), with dpsec's rows:
 *
 *	Receive Stats		Forwarded, Punted, Dropped: what became of every
 *				packet the port received (octets as received), so
 *				their sum is "packets input" of show interfaces;
 *	Transmit Stats		Total: what the port sent (its own counters);
 *	Input Drop Stats	the dropped packets by global cause;
 *	Output Drop Stats	packets queued for this port and dropped (TailDrop).
 *
 * The platform handle is the DPDK port id.
 */
#include <inttypes.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define DASHES_64 "----------------------------------------------------------------"

static void
section(const char *name, struct cli_out *o)
{
	cli_printf(o, DASHES_64 "\n%-42sPackets        Octets\n" DASHES_64 "\n", name);
}

/* Name at column 3; packets end at column 46, octets at 62 (the QFP's columns). */
static void
row(const char *name, uint64_t pkts, uint64_t octets, struct cli_out *o)
{
	cli_printf(o, "  %-30s%14" PRIu64 "%16" PRIu64 "\n", name, pkts, octets);
}

static void
drop_rows(const uint64_t *pkts, const uint64_t *octets, struct cli_out *o)
{
	for (int g = 0; g < DP_GLOBAL__COUNT; g++)
		if (pkts[g] != 0)
			row(dp_global_cause_name[g], pkts[g], octets[g], o);
}

static void
qfp_if_text(const struct view_port *p, struct cli_out *o)
{
	cli_printf(o, "Platform Handle %u\n", p->port_id);
	section("Receive Stats", o);
	row("Forwarded", p->fwd_pkts, p->fwd_octets, o);
	row("Punted", p->punt_pkts, p->punt_octets, o);
	row("Dropped", cli_drops_sum(p->in_drop_pkts), cli_drops_sum(p->in_drop_octets), o);
	cli_puts(o, "\n");
	section("Transmit Stats", o);
	row("Total", p->opackets, p->obytes, o);
	cli_puts(o, "\n");
	section("Input Drop Stats", o);
	drop_rows(p->in_drop_pkts, p->in_drop_octets, o);
	cli_puts(o, "\n");
	section("Output Drop Stats", o);
	drop_rows(p->out_drop_pkts, p->out_drop_octets, o);
}

static void
drops_json(struct json *j, const char *key, const uint64_t *pkts, const uint64_t *octets)
{
	json_arr(j, key);
	for (int g = 0; g < DP_GLOBAL__COUNT; g++) {
		if (pkts[g] == 0)
			continue;
		json_obj(j, NULL);
		json_str(j, "name", dp_global_cause_name[g]);
		json_u64(j, "packets", pkts[g]);
		json_u64(j, "octets", octets[g]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
qfp_if_json(const struct view_port *p, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_str(&j, "interface", p->name);
	json_u64(&j, "platform_handle", p->port_id);
	json_u64(&j, "ipackets", p->ipackets);
	json_u64(&j, "ibytes", p->ibytes);
	json_u64(&j, "forwarded_packets", p->fwd_pkts);
	json_u64(&j, "forwarded_octets", p->fwd_octets);
	json_u64(&j, "punted_packets", p->punt_pkts);
	json_u64(&j, "punted_octets", p->punt_octets);
	json_u64(&j, "opackets", p->opackets);
	json_u64(&j, "obytes", p->obytes);
	drops_json(&j, "input_drops", p->in_drop_pkts, p->in_drop_octets);
	drops_json(&j, "output_drops", p->out_drop_pkts, p->out_drop_octets);
	json_end(&j);
}

int
cli_show_qfp_interface(const struct cli_ctx *c, struct cli_out *o)
{
	const struct cli_arg *n = &c->opt[CLI_OPT_IFNAME];
	const struct dpsec_config *cfg = c->v->cfg;
	const struct view_port *p = NULL;
	struct cli_port_list pl;

	if (cli_port_fetch(c->v, &pl) != 0) {
		cli_puts(o, "% Out of memory reading the ports\n");
		return CLI_E_FAILED;
	}
	for (uint32_t i = 0; cfg != NULL && i < cfg->n_interfaces && p == NULL; i++)
		if (cli_name_eq(n->s, n->len, cfg->interfaces[i].name))
			p = cli_port_find(&pl, cfg->interfaces[i].name);
	if (p == NULL) {
		cli_printf(o, "%% No interface named %.*s\n", (int)n->len, n->s);
		cli_port_list_free(&pl);
		return CLI_E_FAILED;
	}
	if (c->json)
		qfp_if_json(p, o);
	else
		qfp_if_text(p, o);
	cli_port_list_free(&pl);
	return CLI_OK;
}
