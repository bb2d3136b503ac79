/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ikev2 stats, show crypto ikev2 stats exchange,
 * clear crypto ikev2 stats
 *
 * "exchange" has IOS XE's sections and columns (genieparser
 * ShowCryptoIkev2StatsExchange): EXCHANGES, ERROR NOTIFY, OTHER NOTIFY,
 * OTHER COUNTERS, each row sent requests, sent responses, received requests,
 * received responses. Without "exchange", the SA counts and dpsec's reasons
 * for every IKE message it did not process (counted where decided), so an
 * operator sees why a peer gets no answer.
 */
#include <inttypes.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "ike_fmt.h"
#include "json.h"

#define RULE "--------------------------------------------------------------------------------\n"
#define XROW "%-35s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n"

/* From ike.h's lists, so the CLI needs no symbol of the IKE library. */
static const char *const exchange_names[IKE_STAT_X__COUNT] = {
#define IKE_X(id, name) name,
	IKE_STAT_EXCHANGES(IKE_X)
#undef IKE_X
};

static const char *const notify_names[IKE_STAT_N__COUNT] = {
#define IKE_X(id, name, type, err) name,
	IKE_STAT_NOTIFIES(IKE_X)
#undef IKE_X
};

static const bool notify_is_error[IKE_STAT_N__COUNT] = {
#define IKE_X(id, name, type, err) err,
	IKE_STAT_NOTIFIES(IKE_X)
#undef IKE_X
};

static const char *const drop_names[IKE_DROP__COUNT] = {
#define IKE_X(id, text) #id,
	IKE_DROPS(IKE_X)
#undef IKE_X
};

static const char *const drop_texts[IKE_DROP__COUNT] = {
#define IKE_X(id, text) text,
	IKE_DROPS(IKE_X)
#undef IKE_X
};

static void
exchange_text(const struct view_ike_stats *s, struct cli_out *o)
{
	cli_puts(o, "                      Crypto IKEv2 Exchange/Notify Stats\n" RULE);
	cli_printf(o, "%-35s %10s %10s %10s %10s\n" RULE, "EXCHANGE/NOTIFY", "TX(REQ)", "TX(RES)",
		   "RX(REQ)", "RX(RES)");
	cli_puts(o, "EXCHANGES\n");
	for (int x = 0; x < IKE_STAT_X__COUNT; x++)
		cli_printf(o, XROW, exchange_names[x], s->exchange[x][IKE_TX_REQ],
			   s->exchange[x][IKE_TX_RES], s->exchange[x][IKE_RX_REQ],
			   s->exchange[x][IKE_RX_RES]);
	for (int pass = 0; pass < 2; pass++) {
		cli_puts(o, pass == 0 ? "\nERROR NOTIFY\n" : "\nOTHER NOTIFY\n");
		for (int n = 0; n < IKE_STAT_N__COUNT; n++)
			if (notify_is_error[n] == (pass == 0))
				cli_printf(o, XROW, notify_names[n],
					   s->notify[n][IKE_TX_REQ], s->notify[n][IKE_TX_RES],
					   s->notify[n][IKE_RX_REQ], s->notify[n][IKE_RX_RES]);
	}
	cli_puts(o, "\nOTHER COUNTERS\n");
	cli_printf(o, "%-35s %10" PRIu64 "\n", "NAT_INSIDE", s->nat_inside);
	cli_printf(o, "%-35s %10" PRIu64 "\n", "NAT_OUTSIDE", s->nat_outside);
	cli_printf(o, "%-35s %10" PRIu64 "\n", "NO_NAT", s->no_nat);
	/* RFC 7383, as the rows above: sent (requests and responses), received */
	cli_printf(o, "%-35s %10" PRIu64 " %10s %10" PRIu64 "\n", "FRAGMENTS", s->frags_tx, "",
		   s->frags_rx);
	cli_printf(o, "%-35s %10" PRIu64 " %10s %10" PRIu64 "\n", "FRAGMENTED_MESSAGES",
		   s->frag_msgs_tx, "", s->frag_msgs_rx);
}

static void
dir_json(struct json *j, const char *key, const uint64_t v[IKE_STAT_DIRS])
{
	json_obj(j, key);
	json_u64(j, "transmit_request", v[IKE_TX_REQ]);
	json_u64(j, "transmit_response", v[IKE_TX_RES]);
	json_u64(j, "received_request", v[IKE_RX_REQ]);
	json_u64(j, "received_response", v[IKE_RX_RES]);
	json_obj_end(j);
}

static void
stats_json(const struct view_ike_stats *s, size_t n_sa, size_t n_ready,
	   const struct view_inv_spi_stats *inv, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_u64(&j, "ike_sas", n_sa);
	json_u64(&j, "active", n_ready);
	json_u64(&j, "half_open", s->half_open);
	json_u64(&j, "established", s->sa_up);
	json_u64(&j, "deleted", s->sa_down);
	json_u64(&j, "collisions", s->collisions);
	json_u64(&j, "collisions_deleted", s->collisions_deleted);
	json_u64(&j, "retransmits", s->retransmits);
	json_u64(&j, "give_ups", s->give_ups);
	json_u64(&j, "nat_keepalives", s->keepalives);
	json_u64(&j, "fragments_sent", s->frags_tx);
	json_u64(&j, "fragments_received", s->frags_rx);
	json_u64(&j, "fragmented_messages_sent", s->frag_msgs_tx);
	json_u64(&j, "reassembled_messages", s->frag_msgs_rx);
	json_obj(&j, "exchanges");
	for (int x = 0; x < IKE_STAT_X__COUNT; x++)
		dir_json(&j, exchange_names[x], s->exchange[x]);
	json_obj_end(&j);
	json_obj(&j, "notifies");
	for (int n = 0; n < IKE_STAT_N__COUNT; n++)
		dir_json(&j, notify_names[n], s->notify[n]);
	json_obj_end(&j);
	json_obj(&j, "drops");
	for (int d = 0; d < IKE_DROP__COUNT; d++)
		json_u64(&j, drop_names[d], s->drops[d]);
	json_obj_end(&j);
	json_u64(&j, "nat_inside", s->nat_inside);
	json_u64(&j, "nat_outside", s->nat_outside);
	json_u64(&j, "no_nat", s->no_nat);
	if (inv != NULL)
		cli_recovery_decisions_json(&j, inv);
	json_end(&j);
}

static void
summary_text(const struct view_ike_stats *s, size_t n_sa, size_t n_ready,
	     const struct view_inv_spi_stats *inv, struct cli_out *o)
{
	uint64_t dropped = 0;

	for (int d = 0; d < IKE_DROP__COUNT; d++)
		dropped += s->drops[d];
	cli_puts(o, RULE "                           Crypto IKEv2 SA Statistics\n" RULE);
	cli_printf(o, "Total IKEv2 SA Count: %-8zu active: %-8zu negotiating: %zu\n", n_sa, n_ready,
		   n_sa - n_ready);
	cli_printf(o, "Half-open IKEv2 SAs: %" PRIu64 "\n", s->half_open);
	cli_printf(o, "IKEv2 SAs established: %-8" PRIu64 " deleted: %" PRIu64 "\n", s->sa_up,
		   s->sa_down);
	/* both ends started at once: the redundant IKE SA is deleted by the end that made it */
	cli_printf(o, "IKEv2 SA collisions: %-8" PRIu64 " redundant SAs deleted here: %" PRIu64 "\n",
		   s->collisions, s->collisions_deleted);
	cli_printf(o, "Requests retransmitted: %-8" PRIu64 " exchanges given up: %" PRIu64 "\n",
		   s->retransmits, s->give_ups);
	cli_printf(o, "NAT keepalives sent: %" PRIu64 "\n", s->keepalives);
	cli_printf(o, "IKE fragments sent: %-8" PRIu64 " received: %-8" PRIu64
		   " messages fragmented: %-8" PRIu64 " reassembled: %" PRIu64 "\n",
		   s->frags_tx, s->frags_rx, s->frag_msgs_tx, s->frag_msgs_rx);
	cli_printf(o, "IKEv2 packets not processed: %" PRIu64 "\n", dropped);
	for (int d = 0; d < IKE_DROP__COUNT; d++)
		if (s->drops[d] != 0)
			cli_printf(o, "  %-56s %10" PRIu64 "\n", drop_texts[d], s->drops[d]);
	if (inv != NULL)	/* what invalid-SPI recovery did with IKE, and held back */
		cli_recovery_decisions_text(inv, o);
}

static int
stats_show(const struct cli_ctx *c, struct cli_out *o, bool exchange)
{
	void (*get)(void *, struct view_ike_stats *) = CLI_OP(c->v, ike_stats);
	void (*inv_get)(void *, struct view_inv_spi_stats *) = CLI_OP(c->v, inv_spi_stats);
	struct view_inv_spi_stats inv;
	struct view_ike_stats s;
	struct cli_ike_list l;
	size_t ready = 0;

	if (get == NULL)
		return cli_not_available(o);
	memset(&s, 0, sizeof(s));
	get(c->v->ctx, &s);
	memset(&inv, 0, sizeof(inv));
	if (inv_get != NULL)
		inv_get(c->v->ctx, &inv);
	if (cli_ike_fetch(c->v, &l) < 0) {
		cli_puts(o, "% Out of memory\n");
		return CLI_E_FAILED;
	}
	for (size_t i = 0; i < l.n; i++)
		ready += l.sa[i].status == VIEW_IKE_READY;
	if (c->json)
		stats_json(&s, l.n, ready, inv_get != NULL ? &inv : NULL, o);
	else if (exchange)
		exchange_text(&s, o);
	else
		summary_text(&s, l.n, ready, inv_get != NULL ? &inv : NULL, o);
	cli_ike_list_free(&l);
	return CLI_OK;
}

int
cli_show_ikev2_stats(const struct cli_ctx *c, struct cli_out *o)
{
	return stats_show(c, o, false);
}

int
cli_show_ikev2_stats_exchange(const struct cli_ctx *c, struct cli_out *o)
{
	return stats_show(c, o, true);
}

int
cli_clear_ikev2_stats(const struct cli_ctx *c, struct cli_out *o)
{
	void (*clear)(void *) = CLI_OP(c->v, ike_stats_clear);

	if (clear == NULL)
		return cli_not_available(o);
	clear(c->v->ctx);
	if (c->json) {
		struct json j;

		json_begin(&j, o);
		json_bool(&j, "cleared", true);
		json_end(&j);
	}
	return CLI_OK;
}
