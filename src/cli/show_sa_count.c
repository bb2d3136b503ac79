/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ipsec sa count
 *
 * One line for a table too large to list (a manual SA file installs
 * millions), after IOS XE's "IPsec SA total: N, active: N, ..." but with
 * dpsec's own states: by direction, and the outbound SAs installed but not
 * the one their policy encrypts with (standby: an IKE rekey in progress, one
 * replaced, or all but the last of a manual SA file's outbound SAs for one
 * crypto map entry). Counted by the view in one pass, never listed.
 */
#include <inttypes.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

int
cli_show_ipsec_sa_count(const struct cli_ctx *c, struct cli_out *o)
{
	struct view_sa_summary n = {0};
	uint64_t total;
	struct json j;

	if (CLI_OP(c->v, sa_summary) != NULL)
		c->v->ops->sa_summary(c->v->ctx, &n);
	total = n.inbound + n.outbound;
	if (!c->json) {
		cli_printf(o, "IPsec SA total: %" PRIu64 ", inbound: %" PRIu64 ", outbound: %" PRIu64
			      ", active: %" PRIu64 ", standby: %" PRIu64 "\n",
			   total, n.inbound, n.outbound, total - n.standby, n.standby);
		return CLI_OK;
	}
	json_begin(&j, o);
	json_u64(&j, "total", total);
	json_u64(&j, "inbound", n.inbound);
	json_u64(&j, "outbound", n.outbound);
	json_u64(&j, "active", total - n.standby);
	json_u64(&j, "standby", n.standby);
	json_end(&j);
	return CLI_OK;
}
