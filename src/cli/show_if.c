/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show interfaces [NAME]
 *
 * The IOS layout, cut down to what a DPDK port knows: state, MAC, address,
 * MTU and the packet counters. DPDK's imissed (dropped by the NIC, RX queue
 * full) is shown as "overrun", rx_nombuf as "no buffer".
 */
#include <inttypes.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

static const struct view_port *
port_of(const struct cli_port_list *pl, const struct cfg_interface *ifc)
{
	for (size_t i = 0; i < pl->n; i++)
		if (strncmp(pl->port[i].name, ifc->name, sizeof(pl->port[i].name)) == 0)
			return &pl->port[i];
	return NULL;
}

static void
iface_text(const struct cfg_interface *ifc, const struct view_port *p, struct cli_out *o)
{
	static const struct view_port down;
	const char *state = p != NULL && p->link_up ? "up" : "down";
	char mac[CLI_MAC_DOTTED_LEN], a[IP4_STRLEN];
	size_t dev = strcspn(ifc->device, ",");

	if (p == NULL)
		p = &down;
	cli_mac_dotted(p->mac, mac);
	cli_printf(o, "%s is %s, line protocol is %s\n", ifc->name, state, state);
	cli_printf(o, "  Hardware is DPDK %.*s, address is %s (bia %s)\n", (int)dev, ifc->device,
		   mac, mac);
	cli_printf(o, "  Description: %s\n", ifc->role == CFG_ROLE_OUTSIDE ? "outside" : "inside");
	cli_printf(o, "  Internet address is %s/%u\n  MTU %u bytes\n", ip4_str(ifc->addr, a),
		   ifc->prefix_len, ifc->mtu);
	cli_printf(o,
		   "     %" PRIu64 " packets input, %" PRIu64 " bytes, %" PRIu64 " no buffer\n"
		   "     %" PRIu64 " input errors, 0 CRC, 0 frame, %" PRIu64 " overrun, 0 ignored\n"
		   "     %" PRIu64 " packets output, %" PRIu64 " bytes, 0 underruns\n"
		   "     %" PRIu64 " output errors, 0 collisions, 0 interface resets\n",
		   p->ipackets, p->ibytes, p->rx_nombuf, p->ierrors, p->imissed, p->opackets,
		   p->obytes, p->oerrors);
}

static void
iface_json(struct json *j, const struct cfg_interface *ifc, const struct view_port *p)
{
	static const struct view_port down;
	char mac[MAC_STRLEN];

	if (p == NULL)
		p = &down;
	json_obj(j, NULL);
	json_str(j, "name", ifc->name);
	json_bool(j, "link_up", p->link_up);
	json_str(j, "mac", mac_str(p->mac, mac));
	json_ip(j, "addr", ifc->addr);
	json_u64(j, "prefix_len", ifc->prefix_len);
	json_u64(j, "mtu", ifc->mtu);
	json_str(j, "role", ifc->role == CFG_ROLE_OUTSIDE ? "outside" : "inside");
	json_u64(j, "ipackets", p->ipackets);
	json_u64(j, "ibytes", p->ibytes);
	json_u64(j, "opackets", p->opackets);
	json_u64(j, "obytes", p->obytes);
	json_u64(j, "imissed", p->imissed);
	json_u64(j, "ierrors", p->ierrors);
	json_u64(j, "oerrors", p->oerrors);
	json_u64(j, "rx_nombuf", p->rx_nombuf);
	json_u64(j, "fragmented", p->fragmented);
	json_u64(j, "fragments", p->fragments);
	json_obj_end(j);
}

static bool
selected(const struct cli_ctx *c, const struct cfg_interface *ifc)
{
	const struct cli_arg *n = &c->opt[CLI_OPT_IFNAME];

	return !n->set || cli_name_eq(n->s, n->len, ifc->name);
}

static bool
any_selected(const struct cli_ctx *c)
{
	const struct dpsec_config *cfg = c->v->cfg;

	for (uint32_t i = 0; cfg != NULL && i < cfg->n_interfaces; i++)
		if (selected(c, &cfg->interfaces[i]))
			return true;
	return false;
}

int
cli_show_interfaces(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	struct cli_port_list pl;
	struct json j;

	if (!any_selected(c) && c->opt[CLI_OPT_IFNAME].set) {
		cli_printf(o, "%% No interface named %.*s\n", (int)c->opt[CLI_OPT_IFNAME].len,
			   c->opt[CLI_OPT_IFNAME].s);
		return CLI_E_FAILED;
	}
	if (cli_port_fetch(c->v, &pl) != 0) {
		cli_puts(o, "% Out of memory reading the ports\n");
		return CLI_E_FAILED;
	}
	if (c->json) {
		json_begin(&j, o);
		json_arr(&j, "interfaces");
	}
	for (uint32_t i = 0; cfg != NULL && i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		if (!selected(c, ifc))
			continue;
		if (c->json)
			iface_json(&j, ifc, port_of(&pl, ifc));
		else
			iface_text(ifc, port_of(&pl, ifc), o);
	}
	if (c->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	cli_port_list_free(&pl);
	return CLI_OK;
}
