/* SPDX-License-Identifier: BSD-3-Clause */
/* clear crypto sa counters; exit / quit (the client acts on them, the daemon has nothing to do). */
#include "handlers.h"
#include "json.h"

int
cli_clear_sa_counters(const struct cli_ctx *c, struct cli_out *o)
{
	struct json j;

	if (c->v->ops != NULL && c->v->ops->sa_counters_clear != NULL)
		c->v->ops->sa_counters_clear(c->v->ctx);
	if (c->json) {
		json_begin(&j, o);
		json_str(&j, "cleared", "sa_counters");
		json_end(&j);
	}
	return CLI_OK;
}

int
cli_exit(const struct cli_ctx *c, struct cli_out *o)
{
	(void)c;
	(void)o;
	return CLI_OK;
}
