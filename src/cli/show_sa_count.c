/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ipsec sa count
 *
 * One line for a table too large to list (a manual SA file holds millions),
 * after IOS XE's "IPsec SA total: N, active: N, ..." but with dpsec's own
 * states: by direction, and outbound SAs installed but not the one their
 * policy encrypts with (standby: an IKE rekey in progress, or one replaced),
 * and SAs removed but still draining (deleting).
 */
#include <inttypes.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

struct sa_count {
	uint64_t total, in, out, active, standby, deleting;
};

static void
count(const struct cli_sa_list *sas, struct sa_count *n)
{
	for (size_t i = 0; i < sas->n; i++) {
		const struct view_sa *sa = &sas->sa[i];

		n->total++;
		n->in += sa->dir == CFG_DIR_IN;
		n->out += sa->dir == CFG_DIR_OUT;
		if (sa->status == VIEW_SA_DELETING)
			n->deleting++;
		else if (sa->standby)
			n->standby++;
		else
			n->active++;
	}
}

int
cli_show_ipsec_sa_count(const struct cli_ctx *c, struct cli_out *o)
{
	struct cli_sa_list sas;
	struct sa_count n = {0};
	struct json j;

	if (cli_sa_fetch(c->v, &sas) != 0) {
		cli_puts(o, "% Out of memory reading the SA table\n");
		return CLI_E_FAILED;
	}
	count(&sas, &n);
	cli_sa_list_free(&sas);
	if (!c->json) {
		cli_printf(o, "IPsec SA total: %" PRIu64 ", inbound: %" PRIu64 ", outbound: %" PRIu64
			      ", active: %" PRIu64 ", standby: %" PRIu64 ", deleting: %" PRIu64 "\n",
			   n.total, n.in, n.out, n.active, n.standby, n.deleting);
		return CLI_OK;
	}
	json_begin(&j, o);
	json_u64(&j, "total", n.total);
	json_u64(&j, "inbound", n.in);
	json_u64(&j, "outbound", n.out);
	json_u64(&j, "active", n.active);
	json_u64(&j, "standby", n.standby);
	json_u64(&j, "deleting", n.deleting);
	json_end(&j);
	return CLI_OK;
}
