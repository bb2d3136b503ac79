/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show ipv6 neighbors
 *
 * IOS's layout (the neighbor cache): address, age, link-layer address, state,
 * interface. There is no neighbor discovery yet (issue 10), so the cache is
 * the config's static IPv6 neighbors: age "-" and state REACH, as IOS shows
 * an "ipv6 neighbor" entry. Sorted by address, then interface. Addresses in
 * RFC 5952 form (IOS writes them in capitals).
 *
 *	IPv6 Address                              Age Link-layer Addr State Interface
 *	2001:db8:2::2                               - 0200.0000.0202  REACH GigabitEthernet2
 *	fe80::fe                                    - 0200.0000.02fe  REACH GigabitEthernet2
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

struct nd_row {
	const uint8_t *ip;	/* 16 bytes, in the config */
	const uint8_t *mac;
	const char *ifname;
};

static int
by_address(const void *a, const void *b)
{
	const struct nd_row *x = a, *y = b;
	int d = memcmp(x->ip, y->ip, IP6_LEN);

	return d != 0 ? d : strcmp(x->ifname, y->ifname);
}

/* The static neighbors of every interface; *rows NULL when there are none. */
static int
collect(const struct dpsec_config *cfg, struct nd_row **rows, size_t *n)
{
	size_t k = 0;

	*rows = NULL;
	*n = 0;
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		k += cfg->interfaces[i].n_neighbors6;
	if (k == 0)
		return 0;
	*rows = calloc(k, sizeof(**rows));
	if (*rows == NULL)
		return -1;
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		for (uint32_t j = 0; j < ifc->n_neighbors6; j++)
			(*rows)[(*n)++] = (struct nd_row){ifc->neighbors6[j].ip,
							  ifc->neighbors6[j].mac, ifc->name};
	}
	qsort(*rows, *n, sizeof(**rows), by_address);
	return 0;
}

static void
rows_text(const struct nd_row *r, size_t n, struct cli_out *o)
{
	cli_puts(o, "IPv6 Address                              Age Link-layer Addr State Interface\n");
	for (size_t i = 0; i < n; i++) {
		char ip[IP6_STRLEN], mac[CLI_MAC_DOTTED_LEN];

		cli_printf(o, "%-40s%5s %-14s  %-5s %s\n", ip6_str(r[i].ip, ip), "-",
			   cli_mac_dotted(r[i].mac, mac), "REACH", r[i].ifname);
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
		json_str(&j, "mac", cli_mac_dotted(r[i].mac, mac));
		json_str(&j, "state", "REACH");
		json_str(&j, "interface", r[i].ifname);
		json_str(&j, "origin", "static");
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
	if (collect(c->v->cfg, &rows, &n) != 0) {
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
