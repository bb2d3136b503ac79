/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dpsec/cli.h"

#include <rte_random.h>

#include "arp_out.h"
#include "arp_table.h"
#include "ctrl.h"
#include "ctrl_priv.h"
#include "nd6_cache.h"
#include "nd6_out.h"
#include "reasm4.h"

#define WORK_EVENTS 2048	/* per turn, so CLI clients are served under a flood */
#define WORK_PUNTS 256

/* ICMP errors to inside hosts find their next hop the way every packet of ours does. */
static int
icmp_resolve(void *ctx, uint32_t iface, uint32_t ip, uint8_t mac[6])
{
	return ctrl_arp_resolve(ctx, iface, ip, mac);
}

/* IPv6: the next hop towards the host, resolved as the gateway's own IPv6 packets are. */
static int
icmp_resolve6(void *ctx, uint32_t iface, const uint8_t ip6[16], uint8_t mac[6])
{
	struct ctrl *c = ctx;
	uint8_t nh[16];

	dp_next_hop6(c->dp, iface, ip6, nh);
	return ctrl_nd6_resolve(c, iface, nh, mac);
}

struct ctrl *
ctrl_create(struct dp *dp, struct dpsec_config *cfg, const struct clk *clk, char *err,
	    size_t errlen)
{
	struct ctrl *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory for the control thread");
		return NULL;
	}
	c->dp = dp;
	c->cfg = cfg;
	c->clk = clk != NULL ? *clk : clk_system;
	c->ip_id = (uint16_t)rte_rand();	/* not guessable from the start (RFC 6864 4.1) */
	pthread_mutex_init(&c->lock, NULL);
	icmp_err_init(&c->icmp, clk_mono_ms(&c->clk));
	c->icmp.resolve = icmp_resolve;
	c->icmp.resolve6 = icmp_resolve6;
	c->icmp.resolve_ctx = c;
	c->log = dlog_create(&cfg->logging, &c->clk);
	c->inv = inv_spi_create(INV_SPI_FLOWS_MAX);
	c->arp = arp_table_create(CTRL_ARP_ENTRIES, CTRL_ARP_AGE_S, clk_mono_ns(&c->clk));
	c->nd6 = nd6_cache_create(CTRL_ND6_ENTRIES, CTRL_ND6_AGE_S, clk_mono_ns(&c->clk));
	c->reasm = reasm4_create();
	c->n_ports = cfg->n_interfaces;
	c->ports = calloc(c->n_ports ? c->n_ports : 1, sizeof(*c->ports));
	c->rates = calloc(c->n_ports ? c->n_ports : 1, sizeof(*c->rates));
	if (c->log == NULL || c->inv == NULL || c->arp == NULL || c->nd6 == NULL ||
	    c->reasm == NULL ||
	    c->ports == NULL || c->rates == NULL) {
		snprintf(err, errlen, "out of memory for the control thread's log and tables");
		ctrl_destroy(c);
		return NULL;
	}
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		/* the config allows no more interfaces nor a longer time than the cache takes */
		if (nd6_cache_set_reachable(c->nd6, i, cfg->interfaces[i].nd_reachable_ms) != 0) {
			snprintf(err, errlen, "interface %s: nd_reachable_time %u ms not taken by "
					      "the neighbor cache", cfg->interfaces[i].name,
				 cfg->interfaces[i].nd_reachable_ms);
			ctrl_destroy(c);
			return NULL;
		}
	}
	ctrl_arp_attach(c);
	ctrl_nd6_attach(c);
	return c;
}

void
ctrl_destroy(struct ctrl *c)
{
	if (c == NULL)
		return;
	ctrl_telemetry_unregister(c);
	dp_set_neighbor_hook(c->dp, NULL, NULL);	/* c->arp goes below */
	dp_set_neighbor6_hook(c->dp, NULL, NULL);	/* and c->nd6 */
	dlog_destroy(c->log);
	inv_spi_destroy(c->inv);
	arp_table_destroy(c->arp);
	nd6_cache_destroy(c->nd6);
	reasm4_destroy(c->reasm);
	free(c->ports);
	free(c->rates);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
ctrl_set_retry_hook(struct ctrl *c, ctrl_retry_fn fn, void *ctx)
{
	c->retry_fn = fn;
	c->retry_ctx = ctx;
	c->retry_ms = clk_mono_ms(&c->clk);
	c->retry_nd6 = nd6_cache_version(c->nd6);
}

/*
 * The retry hook when due: once a second (ARP and neighbor discovery pace
 * their own requests, so each call may solicit again), and as soon as the
 * learned IPv6 neighbors moved (an advertisement answered us).
 */
static void
retry_due(struct ctrl *c)
{
	uint64_t now = clk_mono_ms(&c->clk), v = nd6_cache_version(c->nd6);

	if (c->retry_fn == NULL || (now - c->retry_ms < CTRL_RETRY_MS && v == c->retry_nd6))
		return;
	c->retry_ms = now;
	c->retry_nd6 = v;
	if (!c->retry_fn(c->retry_ctx))
		c->retry_fn = NULL;
}

void
ctrl_set_ike_hooks(struct ctrl *c, const struct ctrl_ike_hooks *h, void *ctx)
{
	if (h == NULL) {
		c->ike = (struct punt_ike){0};
		return;
	}
	c->ike_hooks = *h;
	c->ike = (struct punt_ike){.hooks = &c->ike_hooks, .ctx = ctx};
}

size_t
ctrl_ike_sa_list(struct ctrl *c, struct view_ike_sa *out, size_t max)
{
	if (c->ike.hooks == NULL || c->ike.hooks->sa_list == NULL)
		return 0;
	return c->ike.hooks->sa_list(c->ike.ctx, out, max);
}

void
ctrl_set_inv_spi_hook(struct ctrl *c, ctrl_inv_spi_hook hook, void *ctx)
{
	c->hook = hook;
	c->hook_ctx = ctx;
}

bool
ctrl_is_static_peer(const struct ctrl *c, bool ipv6, const uint8_t *addr)
{
	const struct dpsec_config *cfg = c->cfg;
	uint32_t a;

	if (ipv6) {
		for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
			const struct cfg_crypto_map *map = &cfg->crypto_maps[m];

			for (uint32_t e = 0; map->iface != CFG_NONE && e < map->n_entries; e++)
				if (map->entries[e].peer_v6 &&
				    memcmp(map->entries[e].peer6, addr, 16) == 0)
					return true;
		}
		for (uint32_t t = 0; t < cfg->n_tunnels; t++)
			if (cfg->tunnels[t].mode == CFG_TUNNEL_IPSEC_IPV6 &&
			    memcmp(cfg->tunnels[t].destination6, addr, 16) == 0)
				return true;
		return false;
	}
	memcpy(&a, addr, 4);
	for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m];

		/* only applied maps have tunnels; all entries are static (no dynamic maps yet) */
		for (uint32_t e = 0; map->iface != CFG_NONE && e < map->n_entries; e++)
			if (!map->entries[e].peer_v6 && map->entries[e].peer == a)
				return true;
	}
	/* a tunnel's destination is as static a peer as a map entry's */
	for (uint32_t t = 0; t < cfg->n_tunnels; t++)
		if (cfg->tunnels[t].mode == CFG_TUNNEL_IPSEC_IPV4 && cfg->tunnels[t].destination == a)
			return true;
	return false;
}

static const char *
addr_str(bool ipv6, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void
debug_event(struct ctrl *c, const struct dp_event *ev)
{
	static const char *const kind[] = {[DP_EV_INVALID_SPI] = "invalid SPI",
					   [DP_EV_REPLAY] = "anti-replay failure",
					   [DP_EV_MAC] = "ICV failure",
					   [DP_EV_ICMP_ERROR] = "ICMP error to send",
					   [DP_EV_SA_SOFT] = "soft lifetime reached",
					   [DP_EV_SA_HARD] = "hard lifetime reached",
					   [DP_EV_ACQUIRE] = "no SA for outbound traffic",
					   [DP_EV_NEIGH6_MISS] = "IPv6 next hop without MAC"};
	char s[48], d[48];

	dlog_msg(c->log, 7, "CRYPTO-7-IPSEC",
		 "IPSEC(event): %s, src %s, dst %s, prot %u%s, spi 0x%X, %u packet(s), conn id %u",
		 kind[ev->type], addr_str(ev->ipv6, ev->src, s, sizeof(s)),
		 addr_str(ev->ipv6, ev->dst, d, sizeof(d)), ev->proto, ev->udp ? " in UDP" : "",
		 ev->spi, ev->pkts, ev->conn_id);
}

static void
on_event(struct ctrl *c, const struct dp_event *ev)
{
	struct timespec now;

	if (ev->type < 1 || ev->type >= DP_EV__END)
		return;
	c->stats.events[ev->type]++;
	if (c->debug)
		debug_event(c, ev);
	switch (ev->type) {
	case DP_EV_INVALID_SPI: {
		struct inv_spi_flow *f;
		bool logged;

		c->stats.inv_spi_pkts += ev->pkts;
		clk_wall(&c->clk, &now);
		f = inv_spi_note(c->inv, ev, &now);
		logged = dlog_inv_spi(c->log, ev->ipv6, ev->dst, ev->proto, ev->spi, ev->src);
		if (logged)
			inv_spi_logged(f, &now);
		f->static_peer = ctrl_is_static_peer(c, ev->ipv6, ev->src);
		if (c->hook != NULL)
			c->hook(c->hook_ctx, c, f, ev, logged);
		break;
	}
	case DP_EV_REPLAY:
		dlog_replay_error(c->log, ev->conn_id, ev->ipv6, ev->src, ev->dst, ev->spi);
		break;
	case DP_EV_MAC:
		/* local = where it arrived, remote = who sent it */
		dlog_mac_error(c->log, ev->conn_id, ev->ipv6, ev->dst, ev->src, ev->spi, ev->seq);
		break;
	case DP_EV_ICMP_ERROR:
		icmp_err_handle(&c->icmp, c->dp, c->cfg, ev, clk_mono_ms(&c->clk));
		if (ev->ipv6)
			rte_pktmbuf_free(ev->pkt);	/* the worker's copy of the packet (events.h) */
		break;
	case DP_EV_NEIGH6_MISS:
		ctrl_nd6_miss(c, ev);
		break;
	case DP_EV_SA_SOFT:
	case DP_EV_SA_HARD:
	case DP_EV_ACQUIRE:
		/* IKE's to act on (rekey, delete, initiate); without IKE, counted above */
		if (c->ike.hooks != NULL && c->ike.hooks->event != NULL)
			c->ike.hooks->event(c->ike.ctx, ev);
		break;
	}
}

/* Once a PORT_RATE_SAMPLE_MS: the ports' counters, for rates and "Last input". */
static void
sample_ports(struct ctrl *c)
{
	uint64_t now = clk_mono_ms(&c->clk);
	size_t n;

	if (c->sampled && now - c->sampled_ms < PORT_RATE_SAMPLE_MS)
		return;
	c->sampled = true;
	c->sampled_ms = now;
	n = dp_port_list(c->dp, c->ports, c->n_ports);
	for (size_t i = 0; i < n; i++)
		port_rate_sample(&c->rates[i], now, &c->ports[i]);
}

void
ctrl_port_rates(const struct ctrl *c, struct view_port *p, size_t n)
{
	uint64_t now = clk_mono_ms(&c->clk);

	for (size_t i = 0; i < n && i < c->n_ports; i++)
		port_rate_fill(&c->rates[i], now, &p[i]);
}

/* IKE's retransmissions, DPD, rekeys: whatever is due now. */
static void
ike_timers(struct ctrl *c)
{
	const struct ctrl_ike_hooks *h = c->ike.hooks;

	if (h != NULL && h->next_timeout != NULL && h->run_timers != NULL &&
	    h->next_timeout(c->ike.ctx) == 0)
		h->run_timers(c->ike.ctx);
}

int
ctrl_poll_timeout_ms(const struct ctrl *c)
{
	const struct ctrl_ike_hooks *h = c->ike.hooks;
	uint64_t t = CTRL_TICK_MS;

	if (h != NULL && h->next_timeout != NULL)
		t = RTE_MIN(t, h->next_timeout(c->ike.ctx));
	return (int)t;
}

bool
ctrl_work(struct ctrl *c)
{
	static struct dp_event ev[256];
	struct rte_mbuf *m[64];
	unsigned int n, done = 0, punts = 0;

	/* first: it reclaims SAs and raises the lifetime events that are due, polled below */
	dp_housekeeping(c->dp);
	while (done < WORK_EVENTS && (n = dp_events_poll(c->dp, ev, RTE_DIM(ev))) > 0) {
		for (unsigned int i = 0; i < n; i++)
			on_event(c, &ev[i]);
		done += n;
	}
	while (punts < WORK_PUNTS && (n = dp_punt_poll(c->dp, m, RTE_DIM(m))) > 0) {
		struct punt_ctx pc = {.table = c->arp, .nd6 = c->nd6, .reasm = c->reasm,
				      .now_ns = clk_mono_ns(&c->clk)};

		for (unsigned int i = 0; i < n; i++)
			punt_handle(c->dp, c->cfg, m[i], &c->punt, &c->ike, &pc);
		punts += n;
	}
	arp_table_expire(c->arp, clk_mono_ns(&c->clk));
	ctrl_nd6_probe(c);	/* DELAY/PROBE entries due a unicast solicitation */
	nd6_cache_expire(c->nd6, clk_mono_ns(&c->clk));
	ctrl_nd6_publish(c);
	retry_due(c);
	reasm4_expire(c->reasm, clk_mono_ns(&c->clk));
	punt_reasm_drain(c->dp, c->reasm);
	sample_ports(c);
	ike_timers(c);
	return done >= WORK_EVENTS || punts >= WORK_PUNTS;
}

void
ctrl_run(struct ctrl *c, struct cli_server *srv, const volatile sig_atomic_t *quit)
{
	struct pollfd fds[CLI_SERVER_FDS_MAX + 1];
	bool more = false;

	pthread_mutex_lock(&c->lock);
	while (!*quit) {
		size_t n = srv ? cli_server_pollfds(srv, fds, CLI_SERVER_FDS_MAX) : 0;
		int timeout = !more && dp_ctrl_sleep(c->dp) ? ctrl_poll_timeout_ms(c) : 0;

		fds[n] = (struct pollfd){.fd = dp_doorbell_fd(c->dp), .events = POLLIN};
		pthread_mutex_unlock(&c->lock);	/* telemetry may read while we sleep */
		if (poll(fds, n + 1, timeout) < 0 && errno != EINTR)
			perror("dpsecd: poll");
		pthread_mutex_lock(&c->lock);
		c->stats.wakeups++;
		dp_ctrl_wake(c->dp);
		more = ctrl_work(c);
		if (srv != NULL)
			cli_server_dispatch(srv, fds, n);
		c->stats.loops++;
	}
	pthread_mutex_unlock(&c->lock);
}

struct dlog *
ctrl_log(struct ctrl *c)
{
	return c->log;
}

struct inv_spi_table *
ctrl_inv_spi(struct ctrl *c)
{
	return c->inv;
}

void
ctrl_inv_spi_stats(struct ctrl *c, struct view_inv_spi_stats *out)
{
	struct inv_spi_counts t;
	struct dp_event_stats es;
	struct dp_drop_stats ds;
	uint64_t received = c->stats.inv_spi_pkts;

	/* Not a snapshot: at rest the sides agree exactly; while workers count, they can
	 * differ by what was counted between these reads. */
	inv_spi_counts(c->inv, &t);
	dp_event_stats(c->dp, &es);
	dp_drop_stats(c->dp, &ds);
	*out = (struct view_inv_spi_stats){
		.events = c->stats.events[DP_EV_INVALID_SPI], .deduped = es.deduped,
		.rate_limited = es.rate_limited, .ring_full = es.ring_full, .flows = t.flows,
		.flows_evicted = t.flows_evicted,
		.pkts_counted = ds.ipsec[DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI] +
				ds.ipsec[DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI],
		.pkts_in_flows = t.pkts, .pkts_rate_limited = es.inv_rate_limited,
		.pkts_ring_full = es.inv_ring_full, .pkts_evicted = t.pkts_evicted,
		.pkts_cleared = t.pkts_cleared,
		/* folded in a worker, or on the ring (sent, not received yet) */
		.pkts_pending = es.inv_pending + (es.inv_sent > received ? es.inv_sent - received : 0)};
	dlog_inv_spi_counts(c->log, &out->logged, &out->log_suppressed);
}

const struct punt_stats *
ctrl_punt_stats(const struct ctrl *c)
{
	return &c->punt;
}

static uint32_t
nd6_incomplete(const struct nd6_cache *t)
{
	uint32_t n, k = 0;
	const struct nd6c_entry *e = nd6_cache_entries(t, &n);

	for (uint32_t i = 0; i < n; i++)
		k += e[i].used && e[i].state == ND6C_INCOMPLETE;
	return k;
}

void
ctrl_ip_traffic(const struct ctrl *c, struct view_ip_traffic *out)
{
	uint32_t n;
	const struct arp_entry *e = arp_table_entries(c->arp, &n);

	*out = (struct view_ip_traffic){.arp_entries = arp_table_count(c->arp),
					.reasm_pending = reasm4_pending(c->reasm)};
	arp_table_counters(c->arp, out->arp);
	nd6_cache_counters(c->nd6, out->nd6);
	out->nd6_entries = nd6_cache_count(c->nd6);
	out->nd6_incomplete = nd6_incomplete(c->nd6);
	for (uint32_t i = 0; i < n; i++)
		out->arp_incomplete += e[i].ip != 0 && e[i].state != ARP_REACHABLE;
	reasm4_counters(c->reasm, out->reasm);
#define ICMP_ERR_X(name, text) out->icmp[ICMP_ERR_##name] = c->icmp.st.name;
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
}

const struct icmp_err_stats *
ctrl_icmp_stats(const struct ctrl *c)
{
	return &c->icmp.st;
}

const struct ctrl_stats *
ctrl_stats(const struct ctrl *c)
{
	return &c->stats;
}

bool
ctrl_debug(const struct ctrl *c)
{
	return c->debug;
}

void
ctrl_set_debug(struct ctrl *c, bool on)
{
	c->debug = on;
}

void
ctrl_set_recovery(struct ctrl *c, bool on)
{
	if (c->cfg->isakmp.invalid_spi_recovery == on)
		return;
	c->cfg->isakmp.invalid_spi_recovery = on;
	dlog_msg(c->log, 5, "CRYPTO-5-IPSEC_SETUP_CONFIG",
		 "invalid-spi-recovery %s", on ? "enabled" : "disabled");
}

void
ctrl_lock(struct ctrl *c)
{
	pthread_mutex_lock(&c->lock);
}

void
ctrl_unlock(struct ctrl *c)
{
	pthread_mutex_unlock(&c->lock);
}

struct dp *
ctrl_dp(struct ctrl *c)
{
	return c->dp;
}

const struct dpsec_config *
ctrl_cfg(const struct ctrl *c)
{
	return c->cfg;
}

const struct clk *
ctrl_clk(const struct ctrl *c)
{
	return &c->clk;
}
