/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * debug crypto ipsec, no debug crypto ipsec, undebug crypto ipsec,
 * undebug all, no debug all, show debugging
 *
 * The answers are IOS's ("Crypto IPSEC debugging is on", "All possible
 * debugging has been turned off"), and so is show debugging's layout:
 *
 *	Cryptographic Subsystem:
 *	  Crypto IPSEC debugging is on
 *
 * (nothing at all when no debugging is on). The daemon has one debug flag,
 * so "all" is that flag.
 */
#include "fmt.h"
#include "handlers.h"
#include "json.h"

static void
debug_json(bool on, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_obj(&j, "debug");
	json_bool(&j, "crypto_ipsec", on);
	json_obj_end(&j);
	json_end(&j);
}

static int
debug_set(const struct cli_ctx *c, bool on, const char *text, struct cli_out *o)
{
	void (*set)(void *, bool) = CLI_OP(c->v, debug_set);
	bool (*get)(void *) = CLI_OP(c->v, debug_get);

	if (set == NULL)
		return cli_not_available(o);
	set(c->v->ctx, on);
	if (c->json)
		debug_json(get != NULL ? get(c->v->ctx) : on, o);
	else
		cli_puts(o, text);
	return CLI_OK;
}

int
cli_debug_on(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, true, "Crypto IPSEC debugging is on\n", o);
}

int
cli_debug_off(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, false, "Crypto IPSEC debugging is off\n", o);
}

int
cli_debug_all_off(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, false, "All possible debugging has been turned off\n", o);
}

int
cli_show_debugging(const struct cli_ctx *c, struct cli_out *o)
{
	bool (*get)(void *) = CLI_OP(c->v, debug_get);
	bool on;

	if (get == NULL)
		return cli_not_available(o);
	on = get(c->v->ctx);
	if (c->json)
		debug_json(on, o);
	else if (on)
		cli_puts(o, "Cryptographic Subsystem:\n"
			    "  Crypto IPSEC debugging is on\n");
	return CLI_OK;
}
