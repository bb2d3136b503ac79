/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show ipv6 neighbors
 *
 * IOS's layout (the neighbor cache): address, age, link-layer address, state,
 * interface. The config's static IPv6 neighbors show age "-" and state
 * REACH, as IOS shows an "ipv6 neighbor" entry; what the control thread
 * learned by neighbor discovery (RFC 4861) shows its age in minutes since it
 * was learned or confirmed and its state: INCMP (solicited, no answer yet:
 * no link-layer address), REACH (confirmed within the reachable time) or
 * STALE. Sorted by address, then interface. Addresses in RFC 5952 form (IOS
 * writes them in capitals).
 *
 *	IPv6 Address                              Age Link-layer Addr State Interface
 *	2001:db8:2::2                               0 0200.0000.0202  REACH GigabitEthernet2
 *	2001:db8:2::9                               0 -               INCMP GigabitEthernet2
 *	fe80::fe                                    - 0200.0000.02fe  REACH GigabitEthernet2
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define AGE_NONE UINT64_MAX	/* a static entry */

struct nd_row {
	uint8_t ip[16];
	uint8_t mac[6];
	uint8_t state;		/* enum view_nd6_state */
	uint64_t age_min;	/* AGE_NONE: static */
	const char *ifname;
};

static const char *const state_name[] = {[VIEW_ND6_INCMP] = "INCMP",
					 [VIEW_ND6_REACH] = "REACH",
					 [VIEW_ND6_STALE] = "STALE",
					 [VIEW_ND6_DELAY] = "DELAY",
					 [VIEW_ND6_PROBE] = "PROBE"};

static int
by_address(const void *a, const void *b)
{
	const struct nd_row *x = a, *y = b;
	int d = memcmp(x->ip, y->ip, IP6_LEN);

	return d != 0 ? d : strcmp(x->ifname, y->ifname);
}

static const char *
ifname(const struct dpsec_config *cfg, uint32_t i)
{
	return i < cfg->n_interfaces ? cfg->interfaces[i].name : "-";
}

static size_t
learned_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->nd6_list(v->ctx, out, max);
}

/* The static neighbors of every interface, then the learned ones; *rows NULL for none. */
static int
collect(const struct view *v, struct nd_row **rows, size_t *n)
{
	const struct dpsec_config *cfg = v->cfg;
	struct view_nd6 *l = NULL;
	size_t k = 0, nl = 0;

	*rows = NULL;
	*n = 0;
	if (CLI_OP(v, nd6_list) != NULL &&
	    cli_fetch_all(v, learned_list, NULL, sizeof(*l), (void **)&l, &nl) != 0)
		return -1;
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		k += cfg->interfaces[i].n_neighbors6;
	if (k + nl == 0) {
		free(l);	/* cli_fetch_all's buffer, even for no entries */
		return 0;
	}
	*rows = calloc(k + nl, sizeof(**rows));
	if (*rows == NULL) {
		free(l);
		return -1;
	}
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		for (uint32_t j = 0; j < ifc->n_neighbors6; j++) {
			struct nd_row *r = &(*rows)[(*n)++];

			*r = (struct nd_row){.state = VIEW_ND6_REACH, .age_min = AGE_NONE,
					     .ifname = ifc->name};
			memcpy(r->ip, ifc->neighbors6[j].ip, 16);
			memcpy(r->mac, ifc->neighbors6[j].mac, 6);
		}
	}
	for (size_t i = 0; i < nl; i++) {
		struct nd_row *r = &(*rows)[(*n)++];

		*r = (struct nd_row){.state = l[i].state <= VIEW_ND6_PROBE ? l[i].state
									 : VIEW_ND6_STALE,
				     .age_min = l[i].age_s / 60, .ifname = ifname(cfg, l[i].iface)};
		memcpy(r->ip, l[i].ip, 16);
		memcpy(r->mac, l[i].mac, 6);
	}
	free(l);
	if (*n > 1)
		qsort(*rows, *n, sizeof(**rows), by_address);
	return 0;
}

static void
rows_text(const struct nd_row *r, size_t n, struct cli_out *o)
{
	cli_puts(o, "IPv6 Address                              Age Link-layer Addr State Interface\n");
	for (size_t i = 0; i < n; i++) {
		char ip[IP6_STRLEN], mac[CLI_MAC_DOTTED_LEN], age[24];

		if (r[i].age_min == AGE_NONE)
			snprintf(age, sizeof(age), "-");
		else
			snprintf(age, sizeof(age), "%" PRIu64, r[i].age_min);
		cli_printf(o, "%-40s%5s %-14s  %-5s %s\n", ip6_str(r[i].ip, ip), age,
			   r[i].state == VIEW_ND6_INCMP ? "-" : cli_mac_dotted(r[i].mac, mac),
			   state_name[r[i].state], r[i].ifname);
	}
}

static void
rows_json(const struct nd_row *r, size_t n, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_arr(&j, "neighbors");
	for (size_t i = 0; i < n; i++) {
		char ip[IP6_STRLEN], mac[CLI_MAC_DOTTED_LEN];

		json_obj(&j, NULL);
		json_str(&j, "address", ip6_str(r[i].ip, ip));
		if (r[i].age_min != AGE_NONE)
			json_u64(&j, "age_min", r[i].age_min);
		json_str(&j, "mac",
			 r[i].state == VIEW_ND6_INCMP ? "" : cli_mac_dotted(r[i].mac, mac));
		json_str(&j, "state", state_name[r[i].state]);
		json_str(&j, "interface", r[i].ifname);
		json_str(&j, "origin", r[i].age_min == AGE_NONE ? "static" : "dynamic");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_ipv6_neighbors(const struct cli_ctx *c, struct cli_out *o)
{
	struct nd_row *rows;
	size_t n;

	if (c->v->cfg == NULL)
		return cli_not_available(o);
	if (collect(c->v, &rows, &n) != 0) {
		cli_puts(o, "% Out of memory\n");
		return CLI_E_FAILED;
	}
	if (c->json)
		rows_json(rows, n, o);
	else
		rows_text(rows, n, o);
	free(rows);
	return CLI_OK;
}
