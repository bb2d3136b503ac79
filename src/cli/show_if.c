/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show interfaces [NAME]
 *
 * The ports, then the tunnels (show_tunnel.c; --json: "tunnels" beside
 * "interfaces", when there are any).
 *
 * The IOS layout (genieparser iosxe ShowInterfaces, ntc-templates
 * cisco_ios_show_interfaces), with what a DPDK port and the control thread
 * know, and IOS's zero where dpsec has nothing to count:
 *
 *  - "BW" is the link speed the port reports (0 when it reports none); "DLY"
 *    is IOS's default delay of Gigabit Ethernet and faster ports, 10 usec;
 *  - "Last input/output" and the 5-minute rates come from the control
 *    thread's samples of the port counters (src/ctrl/port_rate.c);
 *  - "Input queue" is the punt ring of the worker polling the port (what waits
 *    for the control thread, its capacity, this port's packets it refused);
 *    "Total output drops" are this port's transmit-queue-full drops;
 *  - "unknown protocol drops" are frames of an Ethernet type dpsec does not
 *    handle (UnknownL2Proto) that arrived here;
 *  - DPDK's imissed (the NIC's RX queue full) is "overrun", rx_nombuf
 *    "no buffer"; runts, giants, throttles, CRC and frame errors are not
 *    reported by DPDK's generic counters and read 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"
#include "show_tunnel.h"

/* IOS's default delay (an EIGRP metric, not a measurement) of Gigabit Ethernet and faster. */
#define ETHERNET_DLY_USEC 10

/* What an interface whose port the view did not list shows: down, nothing counted. */
static const struct view_port no_port = {.last_input_sec = VIEW_NEVER,
					 .last_output_sec = VIEW_NEVER};

static void
age_text(uint64_t sec, char *buf, size_t len)
{
	if (sec == VIEW_NEVER)
		snprintf(buf, len, "never");
	else
		cli_elapsed_text(sec, buf, len);
}

static void
iface_head(const struct cfg_interface *ifc, const struct view_port *p, struct cli_out *o)
{
	const char *state = p->link_up ? "up" : "down";
	char mac[CLI_MAC_DOTTED_LEN], a[IP4_STRLEN];
	size_t dev = strcspn(ifc->device, ",");

	cli_mac_dotted(p->mac, mac);
	cli_printf(o, "%s is %s, line protocol is %s\n", ifc->name, state, state);
	cli_printf(o, "  Hardware is DPDK %.*s, address is %s (bia %s)\n", (int)dev, ifc->device,
		   mac, mac);
	cli_printf(o, "  Description: %s\n", ifc->role == CFG_ROLE_OUTSIDE ? "outside" : "inside");
	cli_printf(o, "  Internet address is %s/%u\n", ip4_str(ifc->addr, a), ifc->prefix_len);
	cli_printf(o, "  MTU %u bytes, BW %" PRIu64 " Kbit/sec, DLY %u usec,\n", ifc->mtu,
		   (uint64_t)p->speed_mbps * 1000, ETHERNET_DLY_USEC);
	cli_puts(o, "  Encapsulation ARPA, loopback not set\n");
}

static void
iface_state(const struct view_port *p, struct cli_out *o)
{
	char in[32], out[32];

	age_text(p->last_input_sec, in, sizeof(in));
	age_text(p->last_output_sec, out, sizeof(out));
	cli_printf(o,
		   "  Last input %s, output %s, output hang never\n"
		   "  Last clearing of \"show interface\" counters never\n"
		   "  Input queue: %u/%u/%" PRIu64 "/0 (size/max/drops/flushes); "
		   "Total output drops: %" PRIu64 "\n"
		   "  Queueing strategy: fifo\n"
		   "  5 minute input rate %" PRIu64 " bits/sec, %" PRIu64 " packets/sec\n"
		   "  5 minute output rate %" PRIu64 " bits/sec, %" PRIu64 " packets/sec\n",
		   in, out, p->punt_queue_size, p->punt_queue_max,
		   p->in_drop_pkts[DP_GLOBAL_IpsecTailDrop], cli_drops_sum(p->out_drop_pkts),
		   p->in_rate_bps, p->in_rate_pps, p->out_rate_bps, p->out_rate_pps);
}

static void
iface_counters(const struct view_port *p, struct cli_out *o)
{
	cli_printf(o,
		   "     %" PRIu64 " packets input, %" PRIu64 " bytes, %" PRIu64 " no buffer\n"
		   "     0 runts, 0 giants, 0 throttles\n"
		   "     %" PRIu64 " input errors, 0 CRC, 0 frame, %" PRIu64 " overrun, 0 ignored\n"
		   "     %" PRIu64 " packets output, %" PRIu64 " bytes, 0 underruns\n"
		   "     %" PRIu64 " output errors, 0 collisions, 0 interface resets\n"
		   "     %" PRIu64 " unknown protocol drops\n",
		   p->ipackets, p->ibytes, p->rx_nombuf, p->ierrors, p->imissed, p->opackets,
		   p->obytes, p->oerrors, p->in_drop_pkts[DP_GLOBAL_UnknownL2Proto]);
}

static void
iface_text(const struct cfg_interface *ifc, const struct view_port *p, struct cli_out *o)
{
	if (p == NULL)
		p = &no_port;
	iface_head(ifc, p, o);
	iface_state(p, o);
	iface_counters(p, o);
}

static void
iface_json(struct json *j, const struct cfg_interface *ifc, const struct view_port *p)
{
	char mac[MAC_STRLEN];

	if (p == NULL)
		p = &no_port;
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
	json_u64(j, "speed_mbps", p->speed_mbps);
	json_u64(j, "forwarded", p->fwd_pkts);
	json_u64(j, "punted", p->punt_pkts);
	json_u64(j, "input_drops", cli_drops_sum(p->in_drop_pkts));
	json_u64(j, "output_drops", cli_drops_sum(p->out_drop_pkts));
	if (p->last_input_sec != VIEW_NEVER)
		json_u64(j, "last_input_sec", p->last_input_sec);
	if (p->last_output_sec != VIEW_NEVER)
		json_u64(j, "last_output_sec", p->last_output_sec);
	json_u64(j, "in_rate_bps", p->in_rate_bps);
	json_u64(j, "in_rate_pps", p->in_rate_pps);
	json_u64(j, "out_rate_bps", p->out_rate_bps);
	json_u64(j, "out_rate_pps", p->out_rate_pps);
	json_u64(j, "fragmented", p->fragmented);
	json_u64(j, "fragments", p->fragments);
	json_u64(j, "reassembled", p->reassembled);
	json_u64(j, "reassembly_fragments", p->reasm_fragments);
	json_u64(j, "tcp_mss_adjusted", p->mss_adjusted);
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
	for (uint32_t i = 0; cfg != NULL && i < cfg->n_tunnels; i++)
		if (cli_tunnel_selected(c, &cfg->tunnels[i]))
			return true;
	return false;
}

int
cli_show_interfaces(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	struct cli_port_list pl;
	struct json j;
	int rc;

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
			iface_json(&j, ifc, cli_port_find(&pl, ifc->name));
		else
			iface_text(ifc, cli_port_find(&pl, ifc->name), o);
	}
	cli_port_list_free(&pl);
	if (c->json)
		json_arr_end(&j);
	/* --json: the tunnels in an array of their own ("interfaces" are ports) */
	if (c->json && cfg != NULL && cfg->n_tunnels > 0)
		json_arr(&j, "tunnels");
	rc = cli_show_tunnels(c, o, c->json ? &j : NULL);
	if (c->json && cfg != NULL && cfg->n_tunnels > 0)
		json_arr_end(&j);
	if (c->json)
		json_end(&j);
	return rc;
}
