/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clear crypto sa [peer A.B.C.D | X:X::X | spi N | counters]; the test aid
 * test crypto ipsec sa forget [peer A.B.C.D | X:X::X]; exit / quit (the client acts on
 * them, the daemon has nothing to do).
 *
 * IOS deletes the SAs and prints nothing; so do we. The JSON form says how
 * many SAs went, which the text form has no IOS place for.
 */
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

/* clear (IKE tells the peer) or forget (nobody is told) the SAs the options select */
static int
sa_remove(const struct cli_ctx *c, struct cli_out *o,
	  size_t (*sa_clear)(void *, const struct view_sa_filter *), const char *what)
{
	const struct cli_arg *peer = &c->opt[CLI_OPT_PEER];
	struct view_sa_filter f = {.kind = VIEW_SA_ALL};
	struct json j;
	size_t n;

	if (sa_clear == NULL)
		return cli_not_available(o);
	if (peer->set) {
		f.kind = VIEW_SA_PEER;
		f.peer_v6 = peer->v6;
		if (peer->v6)
			memcpy(f.peer6, peer->ip6, sizeof(f.peer6));
		else
			f.peer = peer->ip;
	} else if (c->opt[CLI_OPT_SPI].set) {
		f.kind = VIEW_SA_SPI;
		f.spi = (uint32_t)c->opt[CLI_OPT_SPI].u;
	}
	n = sa_clear(c->v->ctx, &f);
	if (c->json) {
		json_begin(&j, o);
		json_str(&j, what, "sa");
		if (f.kind == VIEW_SA_PEER && f.peer_v6) {
			char a[IP6_STRLEN];

			json_str(&j, "peer", ip6_str(f.peer6, a));
		} else if (f.kind == VIEW_SA_PEER)
			json_ip(&j, "peer", f.peer);
		if (f.kind == VIEW_SA_SPI)
			json_u64(&j, "spi", f.spi);
		json_u64(&j, "sas", n);
		json_end(&j);
	}
	return CLI_OK;
}

int
cli_clear_sa(const struct cli_ctx *c, struct cli_out *o)
{
	return sa_remove(c, o, CLI_OP(c->v, sa_clear), "cleared");
}

int
cli_test_sa_forget(const struct cli_ctx *c, struct cli_out *o)
{
	return sa_remove(c, o, CLI_OP(c->v, sa_forget), "forgotten");
}

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
