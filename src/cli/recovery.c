/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [no] crypto isakmp invalid-spi-recovery
 *
 * On IOS a global configuration command (configure terminal first). The dpsec
 * CLI has one flat exec level, so it is typed at the exec prompt; like IOS in
 * configuration mode it prints nothing. The change lasts until dpsecd
 * restarts (the YAML file is not written); show running-config and show
 * crypto ipsec invalid-spi show the state in force.
 */
#include "fmt.h"
#include "handlers.h"
#include "json.h"

bool
cli_recovery_state(const struct view *v)
{
	bool (*get)(void *) = CLI_OP(v, recovery_get);

	if (get != NULL)
		return get(v->ctx);
	return v->cfg != NULL && v->cfg->isakmp.invalid_spi_recovery;
}

static int
recovery_set(const struct cli_ctx *c, bool on, struct cli_out *o)
{
	void (*set)(void *, bool) = CLI_OP(c->v, recovery_set);
	struct json j;

	if (set == NULL)
		return cli_not_available(o);
	set(c->v->ctx, on);
	if (c->json) {
		json_begin(&j, o);
		json_bool(&j, "invalid_spi_recovery", cli_recovery_state(c->v));
		json_end(&j);
	}
	return CLI_OK;
}

int
cli_recovery_on(const struct cli_ctx *c, struct cli_out *o)
{
	return recovery_set(c, true, o);
}

int
cli_recovery_off(const struct cli_ctx *c, struct cli_out *o)
{
	return recovery_set(c, false, o);
}
