/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show ip traffic
 *
 * Where an IOS user looks for fragment reassembly and ARP counters: IOS's
 * "IP statistics" block has a "Frags:" line and its "ARP statistics" block
 * "Rcvd:" and "Sent:" lines. dpsec keeps those lines' shape for what the
 * control thread does itself (the workers forward traffic without
 * reassembling it, and their drops are in "show platform hardware qfp
 * active statistics drop"):
 *
 *	IP statistics:
 *	  Frags: <completed> reassembled, <timeouts> timeouts, <other drops> couldn't reassemble
 *	         <fragments> fragments received, <duplicates> duplicates ignored, <n> in progress
 *	ARP statistics:
 *	  Rcvd: <punted ARP> total, <answered or learned> answered, <rest> not for us
 *	  Sent: <requests originated> requests, <not sent> request failures
 *	ICMP statistics:
 *	  Sent: <n> unreachable, <n> time exceeded      (IOS's "Sent:" words)
 *	IPv6 ND statistics:
 *	  Rcvd: <punted NS/NA> total, <answered or learned> answered, <rest> not for us
 *	  Sent: <solicitations originated> solicitations, <not sent> failures
 *
 * then, in dpsec's words, every counter of the reassembly, of the learned
 * ARP table, of the ICMP errors and of the learned IPv6 neighbor cache
 * (dpsec/ip_traffic.h), zero or not, so that none can hide.
 */
#include <inttypes.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

static const char *const reasm_key[REASM4__COUNT] = {
#define REASM4_X(name, text) #name,
	REASM4_COUNTERS(REASM4_X)
#undef REASM4_X
};

static const char *const reasm_text[REASM4__COUNT] = {
#define REASM4_X(name, text) text,
	REASM4_COUNTERS(REASM4_X)
#undef REASM4_X
};

static const char *const arp_key[ARP__COUNT] = {
#define ARP_X(name, text) #name,
	ARP_COUNTERS(ARP_X)
#undef ARP_X
};

static const char *const arp_text[ARP__COUNT] = {
#define ARP_X(name, text) text,
	ARP_COUNTERS(ARP_X)
#undef ARP_X
};

static const char *const nd6_key[ND6C__COUNT] = {
#define ND6C_X(name, text) #name,
	ND6C_COUNTERS(ND6C_X)
#undef ND6C_X
};

static const char *const nd6_text[ND6C__COUNT] = {
#define ND6C_X(name, text) text,
	ND6C_COUNTERS(ND6C_X)
#undef ND6C_X
};

static const char *const icmp_key[ICMP_ERR__COUNT] = {
#define ICMP_ERR_X(name, text) #name,
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
};

static const char *const icmp_text[ICMP_ERR__COUNT] = {
#define ICMP_ERR_X(name, text) text,
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
};

/* Datagrams given up on for any reason but time (IOS's "couldn't reassemble"). */
static uint64_t
not_reassembled(const struct view_ip_traffic *t)
{
	return t->reasm[REASM4_overlaps] + t->reasm[REASM4_too_big] +
	       t->reasm[REASM4_bad_length] + t->reasm[REASM4_bad_last] +
	       t->reasm[REASM4_evicted] + t->reasm[REASM4_no_memory];
}

static void
ip_text(const struct view_ip_traffic *t, struct cli_out *o)
{
	cli_printf(o,
		   "IP statistics:\n"
		   "  Frags: %" PRIu64 " reassembled, %" PRIu64 " timeouts, %" PRIu64
		   " couldn't reassemble\n"
		   "         %" PRIu64 " fragments received, %" PRIu64
		   " duplicates ignored, %" PRIu32 " in progress\n"
		   "  Reassembly of IKE datagrams to the gateway, by outcome:\n",
		   t->reasm[REASM4_completed], t->reasm[REASM4_timeouts], not_reassembled(t),
		   t->reasm[REASM4_fragments], t->reasm[REASM4_duplicates], t->reasm_pending);
	for (int i = 0; i < REASM4__COUNT; i++)
		cli_printf(o, "    %s: %" PRIu64 "\n", reasm_text[i], t->reasm[i]);
}

static void
arp_text_block(const struct view_ip_traffic *t, const struct view_punt_count *p,
	       struct cli_out *o)
{
	cli_printf(o,
		   "\nARP statistics:\n"
		   "  Rcvd: %" PRIu64 " total, %" PRIu64 " answered or learned, %" PRIu64
		   " not for us\n"
		   "  Sent: %" PRIu64 " requests, %" PRIu64 " request failures\n"
		   "  Learned table: %" PRIu32 " entries, %" PRIu32 " incomplete\n"
		   "  Learned table, by event:\n",
		   p->received, p->answered, p->unhandled + p->tx_failed, p->sent, p->send_failed,
		   t->arp_entries, t->arp_incomplete);
	for (int i = 0; i < ARP__COUNT; i++)
		cli_printf(o, "    %s: %" PRIu64 "\n", arp_text[i], t->arp[i]);
}

static void
icmp_text_block(const struct view_ip_traffic *t, struct cli_out *o)
{
	cli_printf(o,
		   "\nICMP statistics:\n"
		   "  Sent: %" PRIu64 " unreachable, %" PRIu64 " time exceeded\n"
		   "  Errors the gateway was asked to send, by outcome:\n",
		   t->icmp[ICMP_ERR_unreachable], t->icmp[ICMP_ERR_time_exceeded]);
	for (int i = 0; i < ICMP_ERR__COUNT; i++)
		cli_printf(o, "    %s: %" PRIu64 "\n", icmp_text[i], t->icmp[i]);
}

static void
nd6_text_block(const struct view_ip_traffic *t, const struct view_punt_count *p,
	       struct cli_out *o)
{
	cli_printf(o,
		   "\nIPv6 ND statistics:\n"
		   "  Rcvd: %" PRIu64 " total, %" PRIu64 " answered or learned, %" PRIu64
		   " not for us\n"
		   "  Sent: %" PRIu64 " solicitations, %" PRIu64 " solicitation failures\n"
		   "  Neighbor cache: %" PRIu32 " entries, %" PRIu32 " incomplete\n"
		   "  Neighbor cache, by event:\n",
		   p->received, p->answered, p->unhandled + p->tx_failed, p->sent, p->send_failed,
		   t->nd6_entries, t->nd6_incomplete);
	for (int i = 0; i < ND6C__COUNT; i++)
		cli_printf(o, "    %s: %" PRIu64 "\n", nd6_text[i], t->nd6[i]);
}

static void
nd6_json(struct json *j, const struct view_ip_traffic *t, const struct view_punt_count *p)
{
	json_obj(j, "nd6");
	json_u64(j, "received", p->received);
	json_u64(j, "answered", p->answered);
	json_u64(j, "not_for_us", p->unhandled + p->tx_failed);
	json_u64(j, "solicitations_sent", p->sent);
	json_u64(j, "solicitations_failed", p->send_failed);
	json_u64(j, "entries", t->nd6_entries);
	json_u64(j, "incomplete", t->nd6_incomplete);
	for (int i = 0; i < ND6C__COUNT; i++)
		json_u64(j, nd6_key[i], t->nd6[i]);
	json_obj_end(j);
}

static void
traffic_json(const struct view_ip_traffic *t, const struct view_punt_stats *ps, struct cli_out *o)
{
	const struct view_punt_count *p = &ps->kind[VIEW_PUNT_ARP];
	struct json j;

	json_begin(&j, o);
	json_obj(&j, "reassembly");
	json_u64(&j, "pending", t->reasm_pending);
	for (int i = 0; i < REASM4__COUNT; i++)
		json_u64(&j, reasm_key[i], t->reasm[i]);
	json_obj_end(&j);
	json_obj(&j, "arp");
	json_u64(&j, "received", p->received);
	json_u64(&j, "answered", p->answered);
	json_u64(&j, "not_for_us", p->unhandled + p->tx_failed);
	json_u64(&j, "requests_sent", p->sent);
	json_u64(&j, "requests_failed", p->send_failed);
	json_u64(&j, "entries", t->arp_entries);
	json_u64(&j, "incomplete", t->arp_incomplete);
	for (int i = 0; i < ARP__COUNT; i++)
		json_u64(&j, arp_key[i], t->arp[i]);
	json_obj_end(&j);
	json_obj(&j, "icmp_errors");
	for (int i = 0; i < ICMP_ERR__COUNT; i++)
		json_u64(&j, icmp_key[i], t->icmp[i]);
	json_obj_end(&j);
	nd6_json(&j, t, &ps->kind[VIEW_PUNT_ND6]);
	json_end(&j);
}

int
cli_show_ip_traffic(const struct cli_ctx *c, struct cli_out *o)
{
	void (*get)(void *, struct view_ip_traffic *) = CLI_OP(c->v, ip_traffic);
	void (*punt)(void *, struct view_punt_stats *) = CLI_OP(c->v, punt_stats);
	struct view_punt_stats ps = {0};
	struct view_ip_traffic t = {0};

	if (get == NULL)
		return cli_not_available(o);
	get(c->v->ctx, &t);
	if (punt != NULL)
		punt(c->v->ctx, &ps);
	if (c->json) {
		traffic_json(&t, &ps, o);
	} else {
		ip_text(&t, o);
		arp_text_block(&t, &ps.kind[VIEW_PUNT_ARP], o);
		icmp_text_block(&t, o);
		nd6_text_block(&t, &ps.kind[VIEW_PUNT_ND6], o);
	}
	return CLI_OK;
}
