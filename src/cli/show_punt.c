/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show platform hardware qfp active infrastructure punt statistics type per-cause
 *
 * What the workers handed to the control thread and what it did with it, in
 * IOS XE's layout (genieparser iosxe
 * ShowPlatformHardwareQfpActiveInfrastructurePuntStatisticsTypePerCauseClear):
 *
 *	Per Punt Cause Statistics	Received: taken off the punt rings;
 *					Transmitted: answered (a reply went out);
 *	Per Inject Cause Statistics	Received: replies the control thread built;
 *					Transmitted: replies a worker's inject ring took;
 *
 * then, in dpsec's words, what was not answered (dropped as PuntUnhandled).
 * The counter ids are dpsec's own (IOS numbers its causes per platform); every
 * cause is listed, zero or not.
 */
#include <inttypes.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define DASHES_48 "------------------------------------------------"
#define DASHES_96 DASHES_48 DASHES_48

static const char *const punt_name[VIEW_PUNT__COUNT] = {
	[VIEW_PUNT_ARP] = "ARP request or response",
	[VIEW_PUNT_ICMP_ECHO] = "ICMP echo request",
	[VIEW_PUNT_IKE] = "IKE (UDP 500 and 4500)",
	[VIEW_PUNT_ND6] = "IPv6 neighbor solicitation",
	[VIEW_PUNT_ICMP6_ECHO] = "ICMPv6 echo request",
	[VIEW_PUNT_OTHER] = "Other",
};

/* The kinds the control thread answers, and the name of their replies. */
static const char *const inject_name[VIEW_PUNT__COUNT] = {
	[VIEW_PUNT_ARP] = "ARP reply",
	[VIEW_PUNT_ICMP_ECHO] = "ICMP echo reply",
	[VIEW_PUNT_ND6] = "IPv6 neighbor advertisement",
	[VIEW_PUNT_ICMP6_ECHO] = "ICMPv6 echo reply",
};

static void
table_head(const char *what, struct cli_out *o)
{
	cli_printf(o,
		   "                                                        Packets               "
		   "Packets\n"
		   "  Counter ID  %-42sReceived              Transmitted\n"
		   "  " DASHES_96 "\n",
		   what);
}

/* Id at column 3, name at 15, received at 57, transmitted at 79 (IOS's columns). */
static void
table_row(unsigned id, const char *name, uint64_t rx, uint64_t tx, struct cli_out *o)
{
	cli_printf(o, "  %03u         %-42s%-22" PRIu64 "%" PRIu64 "\n", id, name, rx, tx);
}

static const char *const ike_key[PUNT_IKE__COUNT] = {
#define PUNT_X(name, text) #name,
	PUNT_IKE_COUNTERS(PUNT_X)
#undef PUNT_X
};

static const char *const ike_text_of[PUNT_IKE__COUNT] = {
#define PUNT_X(name, text) text,
	PUNT_IKE_COUNTERS(PUNT_X)
#undef PUNT_X
};

/* Why IKE datagrams were or were not handed to IKE (a bad checksum, say): the non-zero ones. */
static void
ike_text(const struct view_punt_stats *st, struct cli_out *o)
{
	bool any = false;

	cli_puts(o, "\n  IKE datagrams by outcome:\n");
	for (int r = 0; r < PUNT_IKE__COUNT; r++) {
		if (st->ike[r] == 0)
			continue;
		cli_printf(o, "    %s: %" PRIu64 "\n", ike_text_of[r], st->ike[r]);
		any = true;
	}
	if (!any)
		cli_puts(o, "    none\n");
}

static void
punt_text(const struct view_punt_stats *st, struct cli_out *o)
{
	unsigned n_inject = 0, id = 0;

	for (int k = 0; k < VIEW_PUNT__COUNT; k++)
		n_inject += inject_name[k] != NULL;
	cli_printf(o,
		   "Global Per Cause Statistics\n\n"
		   "  Number of punt causes = %6u\n\n"
		   "  Per Punt Cause Statistics\n",
		   (unsigned)VIEW_PUNT__COUNT);
	table_head("Punt Cause Name", o);
	for (int k = 0; k < VIEW_PUNT__COUNT; k++)
		table_row((unsigned)k + 1, punt_name[k], st->kind[k].received, st->kind[k].answered,
			  o);
	cli_printf(o, "\n\n  Number of inject causes = %u\n\n  Per Inject Cause Statistics\n",
		   n_inject);
	table_head("Inject Cause Name", o);
	for (int k = 0; k < VIEW_PUNT__COUNT; k++) {
		const struct view_punt_count *n = &st->kind[k];

		if (inject_name[k] != NULL)
			table_row(++id, inject_name[k], n->answered + n->tx_failed, n->answered, o);
	}
	cli_puts(o, "\n  Not answered (dropped as PuntUnhandled):\n");
	for (int k = 0; k < VIEW_PUNT__COUNT; k++)
		cli_printf(o, "    %s: %" PRIu64 " unhandled, %" PRIu64 " inject refused\n",
			   punt_name[k], st->kind[k].unhandled, st->kind[k].tx_failed);
	ike_text(st, o);
}

static void
punt_json(const struct view_punt_stats *st, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_obj(&j, "punt");
	for (int k = 0; k < VIEW_PUNT__COUNT; k++) {
		json_obj(&j, view_punt_key((enum view_punt_kind)k));
		json_u64(&j, "received", st->kind[k].received);
		json_u64(&j, "answered", st->kind[k].answered);
		json_u64(&j, "unhandled", st->kind[k].unhandled);
		json_u64(&j, "tx_failed", st->kind[k].tx_failed);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj(&j, "ike_outcomes");
	for (int r = 0; r < PUNT_IKE__COUNT; r++)
		json_u64(&j, ike_key[r], st->ike[r]);
	json_obj_end(&j);
	json_end(&j);
}

int
cli_show_qfp_punt(const struct cli_ctx *c, struct cli_out *o)
{
	void (*get)(void *, struct view_punt_stats *) = CLI_OP(c->v, punt_stats);
	struct view_punt_stats st = {0};

	if (get == NULL)
		return cli_not_available(o);
	get(c->v->ctx, &st);
	if (c->json)
		punt_json(&st, o);
	else
		punt_text(&st, o);
	return CLI_OK;
}
