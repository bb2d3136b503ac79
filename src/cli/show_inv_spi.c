/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ipsec invalid-spi, clear crypto ipsec invalid-spi
 *
 * dpsec's own command (IOS has no view of the flows behind
 * %CRYPTO-4-RECVD_PKT_INV_SPI), laid out like "show crypto isakmp sa": a
 * lower-case column header, IPv4 flows one per line, IPv6 flows as blocks
 * starting "dst:" / "src:" because the addresses do not fit a column. The
 * SPI is written as in the syslog message, 0xHEX(DEC); first/last seen in
 * IOS's elapsed-time style. A summary of the event path comes first:
 *
 *	Invalid SPI recovery: disabled
 *	Invalid SPI events: 1307 received, 66338 folded by workers, 12 rate-limited, 0 lost ...
 *	Flows: 5 tracked, 1 evicted
 *	Packets (drops 4, 12): 67672 counted, 67657 in flows, 15 not attributed: 12 rate-limited, ...
 *	%CRYPTO-4-RECVD_PKT_INV_SPI: 3 logged, 9 suppressed
 *	Recovery decisions: NOTIFY 1 (2 pkts), WAIT 1 (1 pkt)
 *
 * The "Packets" line accounts for every packet counted as drop 4 or 12: in a
 * flow below, or not attributed to one, with the reason.
 *
 *	IPv4 Invalid SPI flows
 *	dst             src             prot    spi                     interface        ...
 *	192.0.2.2       192.0.2.1       ESP     0xC1D2E3F4(3251823604)  GigabitEthernet1 ...
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

/* One IPv4 flow; the header goes through the same format so the columns agree. */
#define ROW4 "%-15s %-15s %-7s %-23s %-16s %10s %-8s %-8s %-6s %s\n"

struct flows {
	struct view_inv_spi *f;
	size_t n;
};

static size_t
flows_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->inv_spi_list(v->ctx, out, max);
}

static int
flows_fetch(const struct view *v, struct flows *l)
{
	void *p;
	int rc = cli_fetch_all(v, flows_list, NULL, sizeof(*l->f), &p, &l->n);

	l->f = p;
	return rc;
}

static const char *
addr_str(const struct view_inv_spi *f, const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
	if (inet_ntop(f->ipv6 ? AF_INET6 : AF_INET, a, buf, INET6_ADDRSTRLEN) == NULL)
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

/* "ESP", "AH", "ESP-UDP" (arrived in UDP 4500, RFC 3948), or the number. */
static const char *
prot_str(const struct view_inv_spi *f, char buf[12])
{
	const char *name = f->proto == 50 ? "ESP" : f->proto == 51 ? "AH" : NULL;

	if (name != NULL)
		snprintf(buf, 12, "%s%s", name, f->udp ? "-UDP" : "");
	else
		snprintf(buf, 12, "%u%s", f->proto, f->udp ? "-UDP" : "");
	return buf;
}

static const char *
iface_name(const struct view *v, uint32_t i)
{
	return v->cfg != NULL && i < v->cfg->n_interfaces ? v->cfg->interfaces[i].name : "-";
}

/* The flow's state in the one word the views have always printed. */
static const char *
action_str(const struct view_inv_spi *f)
{
	switch (f->state) {
	case INV_SPI_NONE:
		return "none";
	case INV_SPI_LOGGED:
		return "logged";
	case INV_SPI_DECIDED:
		return cli_recovery_name(f->decision);
	}
	return "-";
}

static uint64_t
age(const struct timespec *now, const struct timespec *t)
{
	return now->tv_sec > t->tv_sec ? (uint64_t)(now->tv_sec - t->tv_sec) : 0;
}

static void
stats_text(const struct view *v, const struct view_inv_spi_stats *st, struct cli_out *o)
{
	cli_printf(o, "Invalid SPI recovery: %s\n", cli_recovery_state(v) ? "enabled" : "disabled");
	cli_printf(o,
		   "Invalid SPI events: %" PRIu64 " received, %" PRIu64
		   " folded by workers, %" PRIu64 " rate-limited, %" PRIu64 " lost (ring full)\n",
		   st->events, st->deduped, st->rate_limited, st->ring_full);
	cli_printf(o, "Flows: %" PRIu64 " tracked, %" PRIu64 " evicted\n", st->flows,
		   st->flows_evicted);
	cli_printf(o,
		   "Packets (drops 4, 12): %" PRIu64 " counted, %" PRIu64 " in flows, %" PRIu64
		   " not attributed: %" PRIu64 " rate-limited, %" PRIu64 " lost (ring full), %" PRIu64
		   " evicted, %" PRIu64 " cleared, %" PRIu64 " pending\n",
		   st->pkts_counted, st->pkts_in_flows, view_inv_spi_not_attributed(st),
		   st->pkts_rate_limited, st->pkts_ring_full, st->pkts_evicted, st->pkts_cleared,
		   st->pkts_pending);
	cli_printf(o, "%%CRYPTO-4-RECVD_PKT_INV_SPI: %" PRIu64 " logged, %" PRIu64 " suppressed\n",
		   st->logged, st->log_suppressed);
	cli_recovery_decisions_text(st, o);
}

static void
flow4_text(const struct view *v, const struct view_inv_spi *f, const struct timespec *now,
	   struct cli_out *o)
{
	char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], prot[12], spi[24], pkts[24];
	char first[16], last[16];

	snprintf(spi, sizeof(spi), "0x%X(%u)", f->spi, f->spi);
	snprintf(pkts, sizeof(pkts), "%" PRIu64, f->pkts);
	cli_elapsed_text(age(now, &f->first_seen), first, sizeof(first));
	cli_elapsed_text(age(now, &f->last_seen), last, sizeof(last));
	cli_printf(o, ROW4, addr_str(f, f->dst, dst), addr_str(f, f->src, src), prot_str(f, prot),
		   spi, iface_name(v, f->iface), pkts, first, last, f->static_peer ? "yes" : "no",
		   action_str(f));
}

static void
flow6_text(const struct view *v, const struct view_inv_spi *f, const struct timespec *now,
	   struct cli_out *o)
{
	char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], prot[12], first[16], last[16];

	cli_elapsed_text(age(now, &f->first_seen), first, sizeof(first));
	cli_elapsed_text(age(now, &f->last_seen), last, sizeof(last));
	cli_printf(o, "dst: %s\nsrc: %s\n", addr_str(f, f->dst, dst), addr_str(f, f->src, src));
	cli_printf(o, "prot: %s  spi: 0x%X(%u)  interface: %s\n", prot_str(f, prot), f->spi, f->spi,
		   iface_name(v, f->iface));
	cli_printf(o, "packets: %" PRIu64 "  first: %s  last: %s  static: %s  action: %s\n\n",
		   f->pkts, first, last, f->static_peer ? "yes" : "no", action_str(f));
}

static void
inv_spi_text(const struct view *v, const struct view_inv_spi_stats *st, const struct flows *l,
	     struct cli_out *o)
{
	struct timespec now;

	cli_now(v, &now);
	stats_text(v, st, o);
	cli_puts(o, "\nIPv4 Invalid SPI flows\n");
	cli_printf(o, ROW4, "dst", "src", "prot", "spi", "interface", "packets", "first", "last",
		   "static", "action");
	for (size_t i = 0; i < l->n; i++)
		if (!l->f[i].ipv6)
			flow4_text(v, &l->f[i], &now, o);
	cli_puts(o, "\nIPv6 Invalid SPI flows\n");
	for (size_t i = 0; i < l->n; i++)
		if (l->f[i].ipv6)
			flow6_text(v, &l->f[i], &now, o);
}

static void
flow_json(struct json *j, const struct view *v, const struct view_inv_spi *f)
{
	char a[INET6_ADDRSTRLEN];

	json_obj(j, NULL);
	json_bool(j, "ipv6", f->ipv6);
	json_str(j, "src", addr_str(f, f->src, a));
	json_str(j, "dst", addr_str(f, f->dst, a));
	json_u64(j, "proto", f->proto);
	json_bool(j, "udp", f->udp);
	json_u64(j, "spi", f->spi);
	json_str(j, "interface", iface_name(v, f->iface));
	json_u64(j, "packets", f->pkts);
	json_u64(j, "events", f->events);
	json_u64(j, "first_seen", (uint64_t)f->first_seen.tv_sec);
	json_u64(j, "last_seen", (uint64_t)f->last_seen.tv_sec);
	json_bool(j, "static_peer", f->static_peer);
	json_str(j, "action", action_str(f));
	json_obj_end(j);
}

static void
inv_spi_json(const struct view *v, const struct view_inv_spi_stats *st, const struct flows *l,
	     struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_bool(&j, "invalid_spi_recovery", cli_recovery_state(v));
	json_obj(&j, "stats");
	json_u64(&j, "events", st->events);
	json_u64(&j, "deduped", st->deduped);
	json_u64(&j, "rate_limited", st->rate_limited);
	json_u64(&j, "ring_full", st->ring_full);
	json_u64(&j, "flows", st->flows);
	json_u64(&j, "flows_evicted", st->flows_evicted);
	json_u64(&j, "logged", st->logged);
	json_u64(&j, "log_suppressed", st->log_suppressed);
	json_u64(&j, "pkts_counted", st->pkts_counted);
	json_u64(&j, "pkts_in_flows", st->pkts_in_flows);
	json_u64(&j, "pkts_not_attributed", view_inv_spi_not_attributed(st));
	json_u64(&j, "pkts_rate_limited", st->pkts_rate_limited);
	json_u64(&j, "pkts_ring_full", st->pkts_ring_full);
	json_u64(&j, "pkts_evicted", st->pkts_evicted);
	json_u64(&j, "pkts_cleared", st->pkts_cleared);
	json_u64(&j, "pkts_pending", st->pkts_pending);
	cli_recovery_decisions_json(&j, st);
	json_obj_end(&j);
	json_arr(&j, "flows");
	for (size_t i = 0; i < l->n; i++)
		flow_json(&j, v, &l->f[i]);
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_inv_spi(const struct cli_ctx *c, struct cli_out *o)
{
	void (*stats)(void *, struct view_inv_spi_stats *) = CLI_OP(c->v, inv_spi_stats);
	struct view_inv_spi_stats st;
	struct flows l;

	if (CLI_OP(c->v, inv_spi_list) == NULL)
		return cli_not_available(o);
	memset(&st, 0, sizeof(st));
	if (stats != NULL)
		stats(c->v->ctx, &st);
	if (flows_fetch(c->v, &l) < 0) {
		free(l.f);
		cli_puts(o, "% Out of memory\n");
		return CLI_E_FAILED;
	}
	if (c->json)
		inv_spi_json(c->v, &st, &l, o);
	else
		inv_spi_text(c->v, &st, &l, o);
	free(l.f);
	return CLI_OK;
}

int
cli_clear_inv_spi(const struct cli_ctx *c, struct cli_out *o)
{
	void (*clear)(void *) = CLI_OP(c->v, inv_spi_clear);
	struct json j;

	if (clear == NULL)
		return cli_not_available(o);
	clear(c->v->ctx);
	if (c->json) {
		json_begin(&j, o);
		json_str(&j, "cleared", "invalid_spi");
		json_end(&j);
	}
	return CLI_OK;
}
