/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show platform hardware qfp active feature ipsec datapath drops [all] [clear]
 *   (also spelled "... feature ipsec data drop", as IOS XE 16+ and genieparser do)
 * show platform hardware qfp active statistics drop [all] [clear]
 *
 * Both tables come straight from the X-macro lists in drops.h, laid out as
 * the QFP prints them (genieparser fixtures, reference b1/b2): without "all"
 * only rows that moved; "clear" shows first, then resets the view's baseline.
 *
 * Under the global table, lines of dpsec's own that no IOS command has (the
 * QFP does not hand packets between its threads): per worker, the packets it
 * put on the ring of the worker owning their SA, whose failure is the global
 * cause IpsecHandoffFull. Worded so that genieparser's "cause packets octets"
 * rows cannot match them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define DASHES_72 "------------------------------------------------------------------------"
#define DASHES_73 DASHES_72 "-"

static void
read_stats(const struct view *v, struct dp_drop_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (v->ops != NULL && v->ops->drop_stats != NULL)
		v->ops->drop_stats(v->ctx, st);
}

static void
clear_stats(const struct view *v)
{
	if (v->ops != NULL && v->ops->drop_stats_clear != NULL)
		v->ops->drop_stats_clear(v->ctx);
}

static void
ipsec_drops_text(const struct dp_drop_stats *st, bool all, struct cli_out *o)
{
	cli_puts(o, DASHES_72
		 "\n"
		 "Drop Type  Name                                     Packets\n" DASHES_72 "\n");
	for (int d = 0; d < DP_IPSEC_DROP__COUNT; d++) {
		if (!all && st->ipsec[d] == 0)
			continue;
		/* 9 + 2 + 40 + 21 = 72 columns, as on the QFP. */
		cli_printf(o, "%9u  %-40s%21" PRIu64 "\n", dp_drop_info[d].qfp_number,
			   dp_drop_info[d].name, st->ipsec[d]);
	}
}

static void
ipsec_drops_json(const struct dp_drop_stats *st, bool all, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_arr(&j, "drops");
	for (int d = 0; d < DP_IPSEC_DROP__COUNT; d++) {
		if (!all && st->ipsec[d] == 0)
			continue;
		json_obj(&j, NULL);
		json_u64(&j, "type", dp_drop_info[d].qfp_number);
		json_str(&j, "name", dp_drop_info[d].name);
		json_u64(&j, "packets", st->ipsec[d]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_ipsec_drops(const struct cli_ctx *c, struct cli_out *o)
{
	struct dp_drop_stats st;
	bool all = c->opt[CLI_OPT_ALL].set;

	read_stats(c->v, &st);
	if (c->json)
		ipsec_drops_json(&st, all, o);
	else
		ipsec_drops_text(&st, all, o);
	if (c->opt[CLI_OPT_CLEAR].set)
		clear_stats(c->v);
	return CLI_OK;
}

/* The QFP lists global causes alphabetically, whatever order they were added in. */
static int
cause_order(const void *a, const void *b)
{
	return strcmp(dp_global_cause_name[*(const int *)a], dp_global_cause_name[*(const int *)b]);
}

static void
sorted_causes(int idx[DP_GLOBAL__COUNT])
{
	for (int i = 0; i < DP_GLOBAL__COUNT; i++)
		idx[i] = i;
	qsort(idx, DP_GLOBAL__COUNT, sizeof(idx[0]), cause_order);
}

static bool
last_clear(const struct view *v, struct timespec *when)
{
	return v->ops != NULL && v->ops->drop_stats_cleared_at != NULL &&
	       v->ops->drop_stats_cleared_at(v->ctx, when);
}

/* "Last clearing of QFP drops statistics : never", or the date and " (1m 39s ago)". */
static void
last_clear_text(const struct view *v, struct cli_out *o)
{
	struct timespec when, now;
	char date[64], ago[64];

	if (!last_clear(v, &when)) {
		cli_puts(o, "Last clearing of QFP drops statistics : never\n\n");
		return;
	}
	cli_now(v, &now);
	cli_date_text(&when, date, sizeof(date));
	cli_ago_text(now.tv_sec > when.tv_sec ? (uint64_t)(now.tv_sec - when.tv_sec) : 0, ago,
		     sizeof(ago));
	cli_printf(o, "Last clearing of QFP drops statistics : %s\n (%s ago)\n\n", date, ago);
}

/* The workers' figures (none if the view has none); their count, at most VIEW_WORKERS_MAX. */
static size_t
read_workers(const struct view *v, struct view_worker w[VIEW_WORKERS_MAX])
{
	if (v->ops == NULL || v->ops->worker_list == NULL)
		return 0;
	return v->ops->worker_list(v->ctx, w, VIEW_WORKERS_MAX);
}

#define HANDOFF_HEAD "Handed off to the SA's owner worker (dpsec, not a QFP figure):"

/* "  worker 1 (lcore 2): 2700 packets", as the table: without "all" only those that moved. */
static void
handoff_text(const struct view *v, bool all, struct cli_out *o)
{
	struct view_worker w[VIEW_WORKERS_MAX];
	size_t n = read_workers(v, w);
	bool head = false;

	for (size_t i = 0; i < n; i++) {
		if (!all && w[i].handoff_pkts == 0)
			continue;
		if (!head)
			cli_puts(o, "\n" HANDOFF_HEAD "\n");
		head = true;
		cli_printf(o, "  worker %u (lcore %u): %" PRIu64 " packets\n", (unsigned)w[i].id,
			   (unsigned)w[i].lcore, w[i].handoff_pkts);
	}
}

static void
handoff_json(const struct view *v, bool all, struct json *j)
{
	struct view_worker w[VIEW_WORKERS_MAX];
	size_t n = read_workers(v, w);

	json_arr(j, "handoff");
	for (size_t i = 0; i < n; i++) {
		if (!all && w[i].handoff_pkts == 0)
			continue;
		json_obj(j, NULL);
		json_u64(j, "worker", w[i].id);
		json_u64(j, "lcore", w[i].lcore);
		json_u64(j, "packets", w[i].handoff_pkts);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
qfp_drops_text(const struct view *v, const struct dp_drop_stats *st, bool all, struct cli_out *o)
{
	int idx[DP_GLOBAL__COUNT], rows = 0;

	last_clear_text(v, o);
	cli_puts(o, DASHES_73 "\n"
			      "Global Drop Stats                         Packets                  "
			      "Octets  \n" DASHES_73 "\n");
	sorted_causes(idx);
	for (int i = 0; i < DP_GLOBAL__COUNT; i++) {
		int g = idx[i];

		if (!all && st->global_pkts[g] == 0)
			continue;
		/* Packets end at column 49, octets at 73, then two blanks. */
		cli_printf(o, "%-32s %16" PRIu64 " %23" PRIu64 "  \n", dp_global_cause_name[g],
			   st->global_pkts[g], st->global_octets[g]);
		rows++;
	}
	/* IOS's line for an empty table (genieparser ShowPlatformHardwareQfpStatisticsDrop p2) */
	if (rows == 0)
		cli_puts(o, "   The Global drop stats were all zero\n");
	handoff_text(v, all, o);
}

static void
qfp_drops_json(const struct view *v, const struct dp_drop_stats *st, bool all, struct cli_out *o)
{
	int idx[DP_GLOBAL__COUNT];
	struct timespec when;
	struct json j;

	json_begin(&j, o);
	json_u64(&j, "last_clearing", last_clear(v, &when) ? (uint64_t)when.tv_sec : 0);
	json_arr(&j, "drops");
	sorted_causes(idx);
	for (int i = 0; i < DP_GLOBAL__COUNT; i++) {
		int g = idx[i];

		if (!all && st->global_pkts[g] == 0)
			continue;
		json_obj(&j, NULL);
		json_str(&j, "name", dp_global_cause_name[g]);
		json_u64(&j, "packets", st->global_pkts[g]);
		json_u64(&j, "octets", st->global_octets[g]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	handoff_json(v, all, &j);
	json_end(&j);
}

int
cli_show_qfp_drops(const struct cli_ctx *c, struct cli_out *o)
{
	struct dp_drop_stats st;
	bool all = c->opt[CLI_OPT_ALL].set;

	read_stats(c->v, &st);
	if (c->json)
		qfp_drops_json(c->v, &st, all, o);
	else
		qfp_drops_text(c->v, &st, all, o);
	if (c->opt[CLI_OPT_CLEAR].set)
		clear_stats(c->v);
	return CLI_OK;
}
