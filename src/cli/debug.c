/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [no | un]debug crypto {ipsec | ikev2}, undebug all, no debug all,
 * show debugging
 *
 * The answers are IOS's ("Crypto IPSEC debugging is on", "IKEv2 default
 * debugging is on", "All possible debugging has been turned off"), and so is
 * show debugging's layout:
 *
 *	Cryptographic Subsystem:
 *	  Crypto IPSEC debugging is on
 *	  IKEv2 default debugging is on
 *
 * (nothing at all when no debugging is on). "all" is both flags.
 */
#include "fmt.h"
#include "handlers.h"
#include "json.h"

enum debug_flag {
	DEBUG_IPSEC,
	DEBUG_IKEV2,
};

static bool
flag_get(const struct view *v, enum debug_flag f)
{
	bool (*get)(void *) = f == DEBUG_IPSEC ? CLI_OP(v, debug_get) : CLI_OP(v, ike_debug_get);

	return get != NULL && get(v->ctx);
}

static void
debug_json(const struct view *v, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_obj(&j, "debug");
	json_bool(&j, "crypto_ipsec", flag_get(v, DEBUG_IPSEC));
	json_bool(&j, "crypto_ikev2", flag_get(v, DEBUG_IKEV2));
	json_obj_end(&j);
	json_end(&j);
}

static int
debug_set(const struct cli_ctx *c, enum debug_flag f, bool on, const char *text,
	  struct cli_out *o)
{
	void (*set)(void *, bool) =
		f == DEBUG_IPSEC ? CLI_OP(c->v, debug_set) : CLI_OP(c->v, ike_debug_set);

	if (set == NULL)
		return cli_not_available(o);
	set(c->v->ctx, on);
	if (c->json)
		debug_json(c->v, o);
	else
		cli_puts(o, text);
	return CLI_OK;
}

int
cli_debug_on(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, DEBUG_IPSEC, true, "Crypto IPSEC debugging is on\n", o);
}

int
cli_debug_off(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, DEBUG_IPSEC, false, "Crypto IPSEC debugging is off\n", o);
}

int
cli_debug_ikev2_on(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, DEBUG_IKEV2, true, "IKEv2 default debugging is on\n", o);
}

int
cli_debug_ikev2_off(const struct cli_ctx *c, struct cli_out *o)
{
	return debug_set(c, DEBUG_IKEV2, false, "IKEv2 default debugging is off\n", o);
}

/* Every flag the daemon has; IKEv2's only where there is IKE. */
int
cli_debug_all_off(const struct cli_ctx *c, struct cli_out *o)
{
	void (*ike_set)(void *, bool) = CLI_OP(c->v, ike_debug_set);

	if (ike_set != NULL)
		ike_set(c->v->ctx, false);
	return debug_set(c, DEBUG_IPSEC, false, "All possible debugging has been turned off\n", o);
}

int
cli_show_debugging(const struct cli_ctx *c, struct cli_out *o)
{
	bool ipsec = flag_get(c->v, DEBUG_IPSEC), ikev2 = flag_get(c->v, DEBUG_IKEV2);

	if (CLI_OP(c->v, debug_get) == NULL)
		return cli_not_available(o);
	if (c->json) {
		debug_json(c->v, o);
		return CLI_OK;
	}
	if (ipsec || ikev2)
		cli_puts(o, "Cryptographic Subsystem:\n");
	if (ipsec)
		cli_puts(o, "  Crypto IPSEC debugging is on\n");
	if (ikev2)
		cli_puts(o, "  IKEv2 default debugging is on\n");
	return CLI_OK;
}
