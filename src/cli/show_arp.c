/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show arp, show ip arp
 *
 * IOS's layout: the gateway's own addresses and the config's static
 * neighbors with age "-", what the control thread learned by ARP with its
 * age in minutes, an address requested but not answered as "Incomplete"
 * with no interface. Sorted by address, as IOS does.
 *
 *	Protocol  Address          Age (min)  Hardware Addr   Type   Interface
 *	Internet  192.0.2.1               3   0200.0000.0a01  ARPA   GigabitEthernet1
 *	Internet  192.0.2.2               -   0200.0000.0001  ARPA   GigabitEthernet1
 *	Internet  192.0.2.9               0   Incomplete      ARPA
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/ip4.h"

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define ROW "%-10s%-17s%8s   %-16s%-7s%s\n"
#define ROW_NO_IF "%-10s%-17s%8s   %-16sARPA\n"
#define AGE_NONE UINT64_MAX	/* own address or static: "-" */

struct arp_row {
	uint32_t ip;		/* network order */
	const char *ifname;	/* "" for an incomplete entry */
	uint8_t mac[6];
	bool incomplete;
	uint64_t age_min;	/* AGE_NONE: not learned */
	const char *origin;	/* JSON: interface, static, dynamic */
};

struct arp_rows {
	struct arp_row *r;
	size_t n, cap;
};

static int
add(struct arp_rows *l, const struct arp_row *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct arp_row *p = realloc(l->r, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		l->r = p;
		l->cap = cap;
	}
	l->r[l->n++] = *r;
	return 0;
}

static const char *
ifname(const struct view *v, uint32_t i)
{
	return v->cfg != NULL && i < v->cfg->n_interfaces ? v->cfg->interfaces[i].name : "-";
}

/* The interfaces' own addresses (MAC from the ports) and their static neighbors. */
static int
add_config(const struct view *v, const struct cli_port_list *ports, struct arp_rows *l)
{
	int rc = 0;

	for (uint32_t i = 0; v->cfg != NULL && i < v->cfg->n_interfaces && rc == 0; i++) {
		const struct cfg_interface *ifc = &v->cfg->interfaces[i];
		const struct view_port *p = cli_port_find(ports, ifc->name);
		struct arp_row r = {.ip = ifc->addr, .ifname = ifc->name, .age_min = AGE_NONE,
				    .origin = "interface"};

		if (p != NULL)
			memcpy(r.mac, p->mac, 6);
		if (ifc->addr != 0)
			rc = add(l, &r);
		for (uint32_t k = 0; k < ifc->n_neighbors && rc == 0; k++) {
			r.ip = ifc->neighbors[k].ip;
			memcpy(r.mac, ifc->neighbors[k].mac, 6);
			r.origin = "static";
			rc = add(l, &r);
		}
	}
	return rc;
}

static size_t
learned_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->arp_list(v->ctx, out, max);
}

static int
add_learned(const struct view *v, struct arp_rows *l)
{
	struct view_arp *a = NULL;
	size_t n = 0;
	int rc = CLI_OP(v, arp_list) == NULL ? 0 : cli_fetch_all(v, learned_list, NULL, sizeof(*a),
							      (void **)&a, &n);

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct arp_row r = {.ip = a[i].ip, .ifname = ifname(v, a[i].iface),
				    .incomplete = a[i].incomplete, .age_min = a[i].age_s / 60,
				    .origin = "dynamic"};

		memcpy(r.mac, a[i].mac, 6);
		if (r.incomplete)
			r.ifname = "";
		rc = add(l, &r);
	}
	free(a);
	return rc;
}

static int
by_address(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct arp_row *)a)->ip);
	uint32_t y = ntohl(((const struct arp_row *)b)->ip);

	return x < y ? -1 : x > y;
}

static void
rows_text(const struct arp_rows *l, struct cli_out *o)
{
	cli_puts(o, "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct arp_row *r = &l->r[i];
		char ip[16], age[24], mac[CLI_MAC_DOTTED_LEN];

		if (r->age_min == AGE_NONE)
			snprintf(age, sizeof(age), "-");
		else
			snprintf(age, sizeof(age), "%" PRIu64, r->age_min);
		if (r->ifname[0] == '\0')	/* IOS writes no interface, and no blanks for it */
			cli_printf(o, ROW_NO_IF, "Internet", ip4_str(r->ip, ip), age,
				   r->incomplete ? "Incomplete" : cli_mac_dotted(r->mac, mac));
		else
			cli_printf(o, ROW, "Internet", ip4_str(r->ip, ip), age,
				   r->incomplete ? "Incomplete" : cli_mac_dotted(r->mac, mac), "ARPA",
				   r->ifname);
	}
}

static void
rows_json(const struct arp_rows *l, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_arr(&j, "arp");
	for (size_t i = 0; i < l->n; i++) {
		const struct arp_row *r = &l->r[i];
		char mac[CLI_MAC_DOTTED_LEN];

		json_obj(&j, NULL);
		json_ip(&j, "address", r->ip);
		if (r->age_min != AGE_NONE)
			json_u64(&j, "age_min", r->age_min);
		json_str(&j, "mac", r->incomplete ? "" : cli_mac_dotted(r->mac, mac));
		json_bool(&j, "incomplete", r->incomplete);
		json_str(&j, "type", "ARPA");
		json_str(&j, "interface", r->ifname);
		json_str(&j, "origin", r->origin);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_arp(const struct cli_ctx *c, struct cli_out *o)
{
	struct cli_port_list ports = {0};
	struct arp_rows l = {0};
	int rc = cli_port_fetch(c->v, &ports);

	if (rc == 0)
		rc = add_config(c->v, &ports, &l);
	if (rc == 0)
		rc = add_learned(c->v, &l);
	if (rc == 0) {
		if (l.n > 1)	/* qsort() wants a real array even for none (C11 7.22.5) */
			qsort(l.r, l.n, sizeof(*l.r), by_address);
		if (c->json)
			rows_json(&l, o);
		else
			rows_text(&l, o);
	}
	cli_port_list_free(&ports);
	free(l.r);
	if (rc != 0) {
		cli_printf(o, "%% Out of memory\n");
		return CLI_E_FAILED;
	}
	return CLI_OK;
}
