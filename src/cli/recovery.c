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
#include <inttypes.h>

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

static const char *const recovery_names[RECOVERY__COUNT] = {
#define REC_X(id, text) #id,
	RECOVERY_ACTIONS(REC_X)
#undef REC_X
};

const char *
cli_recovery_name(enum recovery_action a)
{
	return (unsigned int)a < RECOVERY__COUNT ? recovery_names[a] : "?";
}

void
cli_recovery_decisions_text(const struct view_inv_spi_stats *st, struct cli_out *o)
{
	const char *sep = " ";

	cli_puts(o, "Recovery decisions:");
	for (unsigned int a = 0; a < RECOVERY__COUNT; a++) {
		if (st->recovery[a] == 0)
			continue;
		cli_printf(o, "%s%s %" PRIu64 " (%" PRIu64 " pkt%s)", sep, recovery_names[a],
			   st->recovery[a], st->recovery_pkts[a], st->recovery_pkts[a] == 1 ? "" : "s");
		sep = ", ";
	}
	cli_puts(o, sep[0] == ' ' ? " none\n" : "\n");
}

void
cli_recovery_decisions_json(struct json *j, const struct view_inv_spi_stats *st)
{
	json_obj(j, "recovery");
	for (unsigned int a = 0; a < RECOVERY__COUNT; a++) {
		json_obj(j, recovery_names[a]);
		json_u64(j, "decisions", st->recovery[a]);
		json_u64(j, "pkts", st->recovery_pkts[a]);
		json_obj_end(j);
	}
	json_obj_end(j);
}
