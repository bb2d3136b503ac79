/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../../src/ike/ike_const.h"
#include "fake_view.h"

static uint32_t
ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return __builtin_bswap32((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static struct ip4_prefix
pfx(uint32_t addr_be, uint8_t len)
{
	return (struct ip4_prefix){addr_be & ip4_mask_be(len), len};
}

/* ---- view operations ---- */

static void
op_drop_stats(void *ctx, struct dp_drop_stats *out)
{
	struct fake *f = ctx;

	for (int i = 0; i < DP_IPSEC_DROP__COUNT; i++)
		out->ipsec[i] = f->drops.ipsec[i] - f->drops_base.ipsec[i];
	for (int i = 0; i < DP_GLOBAL__COUNT; i++) {
		out->global_pkts[i] = f->drops.global_pkts[i] - f->drops_base.global_pkts[i];
		out->global_octets[i] = f->drops.global_octets[i] - f->drops_base.global_octets[i];
	}
}

/* Clearing also lets 99 s pass, so the next "Last clearing" reads "(1m 39s ago)". */
static void
op_drop_stats_clear(void *ctx)
{
	struct fake *f = ctx;

	f->drops_base = f->drops;
	for (int w = 0; w < 2; w++)
		f->handoff_base[w] = f->workers[w].handoff_pkts;
	f->cleared = true;
	f->cleared_at = f->now;
	f->now.tv_sec += 99;
	f->drop_clears++;
}

static size_t
op_worker_list(void *ctx, struct view_worker *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = max < 2 ? max : 2;

	for (size_t w = 0; w < n; w++) {
		out[w] = f->workers[w];
		out[w].handoff_pkts -= f->handoff_base[w];
	}
	return n;
}

static void
op_sa_summary(void *ctx, struct view_sa_summary *out)
{
	const struct fake *f = ctx;

	*out = (struct view_sa_summary){0};
	for (size_t i = 0; i < f->n_sa; i++) {
		out->inbound += f->sa[i].dir == CFG_DIR_IN;
		out->outbound += f->sa[i].dir == CFG_DIR_OUT;
		out->standby += f->sa[i].standby;
	}
}

static size_t
op_sa_list(void *ctx, struct view_sa *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = f->n_sa < max ? f->n_sa : max;

	for (size_t i = 0; i < n; i++) {
		out[i] = f->sa[i];
		for (int k = 0; k < DP_SA_CTR__COUNT; k++)
			out[i].ctr.v[k] -= f->sa_base[i].ctr.v[k];
	}
	return n;
}

static void
op_sa_counters_clear(void *ctx)
{
	struct fake *f = ctx;

	memcpy(f->sa_base, f->sa, f->n_sa * sizeof(*f->sa));
	f->sa_clears++;
}

static size_t
op_port_list(void *ctx, struct view_port *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = max < 3 ? max : 3;

	memcpy(out, f->ports, n * sizeof(*out));
	return n;
}

static bool
op_drop_stats_cleared_at(void *ctx, struct timespec *when)
{
	struct fake *f = ctx;

	*when = f->cleared_at;
	return f->cleared;
}

static void
op_wall_clock(void *ctx, struct timespec *now)
{
	struct fake *f = ctx;

	*now = f->now;
}

static size_t
op_inv_spi_list(void *ctx, struct view_inv_spi *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = f->n_inv < max ? f->n_inv : max;

	memcpy(out, f->inv, n * sizeof(*out));
	return n;
}

static size_t
op_arp_list(void *ctx, struct view_arp *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = f->n_arp < max ? f->n_arp : max;

	memcpy(out, f->arp, n * sizeof(*out));
	return n;
}

static size_t
op_nd6_list(void *ctx, struct view_nd6 *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = f->n_nd6 < max ? f->n_nd6 : max;

	memcpy(out, f->nd6, n * sizeof(*out));
	return n;
}

static void
op_inv_spi_stats(void *ctx, struct view_inv_spi_stats *out)
{
	struct fake *f = ctx;

	*out = f->inv_stats;
}

static void
op_inv_spi_clear(void *ctx)
{
	struct fake *f = ctx;

	f->n_inv = 0;
	f->inv_stats.flows = 0;
	/* as the daemon's table does: the flows' packets are now "cleared" */
	f->inv_stats.pkts_cleared += f->inv_stats.pkts_in_flows;
	f->inv_stats.pkts_in_flows = 0;
}

/* Whole lines, oldest first, as the daemon's ring gives them. */
static size_t
op_log_read(void *ctx, char *buf, size_t cap, struct view_log_stats *st)
{
	struct fake *f = ctx;
	size_t n = f->log_len;

	while (n > cap) {
		const char *nl = memchr(f->log + f->log_len - n, '\n', n);

		n = nl != NULL ? (size_t)(f->log + f->log_len - nl - 1) : 0;
	}
	memcpy(buf, f->log + f->log_len - n, n);
	*st = f->log_stats;
	return n;
}

/* A message in the log, stamped with the fake clock as the daemon's dlog stamps it. */
static void
op_log(void *ctx, int severity, const char *tag, const char *text)
{
	struct fake *f = ctx;
	char stamp[32];
	struct tm tm;
	int n;

	(void)severity;
	gmtime_r(&f->now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(f->log + f->log_len, sizeof(f->log) - f->log_len, "%s.%03ld: %%%s: %s\n",
		     stamp, f->now.tv_nsec / 1000000, tag, text);
	if (n > 0 && (size_t)n < sizeof(f->log) - f->log_len) {
		f->log_len += (size_t)n;
		f->log_stats.logged++;
	}
}

static void
op_log_clear(void *ctx)
{
	struct fake *f = ctx;

	f->log_len = 0;
}

static bool
sa_matches(const struct fake *f, const struct view_sa *sa, const struct view_sa_filter *flt)
{
	switch (flt->kind) {
	case VIEW_SA_ALL:
		return true;
	case VIEW_SA_PEER: {
		const struct cfg_map_entry *e = &f->cfg.crypto_maps[sa->map].entries[sa->entry];

		if (e->peer_v6 != flt->peer_v6)
			return false;
		return e->peer_v6 ? memcmp(e->peer6, flt->peer6, 16) == 0 : e->peer == flt->peer;
	}
	case VIEW_SA_SPI:
		return sa->spi == flt->spi;
	}
	return false;
}

/* The SAs go: later "show crypto ipsec sa" lists what is left. */
static size_t
op_sa_clear(void *ctx, const struct view_sa_filter *flt)
{
	struct fake *f = ctx;
	size_t kept = 0, n = f->n_sa;

	f->sa_filter = *flt;
	for (size_t i = 0; i < n; i++) {
		if (sa_matches(f, &f->sa[i], flt))
			continue;
		f->sa[kept] = f->sa[i];
		f->sa_base[kept] = f->sa_base[i];
		kept++;
	}
	f->n_sa = kept;
	return n - kept;
}

/* The test aid removes the same SAs; counted apart to tell the two commands apart. */
static size_t
op_sa_forget(void *ctx, const struct view_sa_filter *flt)
{
	struct fake *f = ctx;

	f->sa_forgets++;
	return op_sa_clear(ctx, flt);
}

static bool
op_recovery_get(void *ctx)
{
	return ((struct fake *)ctx)->recovery;
}

static void
op_recovery_set(void *ctx, bool on)
{
	((struct fake *)ctx)->recovery = on;
}

static bool
op_debug_get(void *ctx)
{
	return ((struct fake *)ctx)->debug;
}

static void
op_debug_set(void *ctx, bool on)
{
	((struct fake *)ctx)->debug = on;
}

static void
op_punt_stats(void *ctx, struct view_punt_stats *out)
{
	*out = ((struct fake *)ctx)->punt;
}

static void
op_ip_traffic(void *ctx, struct view_ip_traffic *out)
{
	*out = ((struct fake *)ctx)->ip_traffic;
}

static const struct view_ops fake_ops = {
	.drop_stats = op_drop_stats,
	.drop_stats_clear = op_drop_stats_clear,
	.sa_list = op_sa_list,
	.sa_summary = op_sa_summary,
	.sa_counters_clear = op_sa_counters_clear,
	.port_list = op_port_list,
	.worker_list = op_worker_list,
	.drop_stats_cleared_at = op_drop_stats_cleared_at,
	.wall_clock = op_wall_clock,
	.inv_spi_list = op_inv_spi_list,
	.inv_spi_stats = op_inv_spi_stats,
	.inv_spi_clear = op_inv_spi_clear,
	.arp_list = op_arp_list,
	.nd6_list = op_nd6_list,
	.log_read = op_log_read,
	.log_clear = op_log_clear,
	.log = op_log,
	.sa_clear = op_sa_clear,
	.sa_forget = op_sa_forget,
	.recovery_get = op_recovery_get,
	.recovery_set = op_recovery_set,
	.debug_get = op_debug_get,
	.debug_set = op_debug_set,
	.punt_stats = op_punt_stats,
	.ip_traffic = op_ip_traffic,
	.ike_sa_list = fake_ike_sa_list,
	.ike_child_list = fake_ike_child_list,
	.ike_stats = fake_ike_stats,
	.ike_stats_clear = fake_ike_stats_clear,
	.ike_clear = fake_ike_clear,
	.ike_session_clear = fake_ike_session_clear,
	.ike_debug_get = fake_ike_debug_get,
	.ike_debug_set = fake_ike_debug_set,
};

/* ---- configuration ---- */

/* IPv6 on the inside: address6, a static neighbor and a route via a link-local next hop. */
static void
interfaces6(struct dpsec_config *c)
{
	static const uint8_t router_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x02, 0xfe};
	struct cfg_interface *in = &c->interfaces[1];
	bool host;

	in->has_addr6 = ip6_addr_len_parse("2001:db8:2::1/64", in->addr6, &in->prefix6_len);
	in->n_neighbors6 = 1;
	in->neighbors6 = calloc(1, sizeof(*in->neighbors6));
	ip6_parse("fe80::fe", in->neighbors6[0].ip);
	memcpy(in->neighbors6[0].mac, router_mac, 6);
	/* and gwA on the outside, by its IPv6 address (GigabitEthernet1 has 2001:db8:0:2::2/64) */
	c->interfaces[0].n_neighbors6 = 1;
	c->interfaces[0].neighbors6 = calloc(1, sizeof(struct cfg_neighbor6));
	ip6_parse("2001:db8:0:2::1", c->interfaces[0].neighbors6[0].ip);
	memcpy(c->interfaces[0].neighbors6[0].mac, c->interfaces[0].next_hop_mac, 6);
	c->n_routes6 = 1;
	c->routes6 = calloc(1, sizeof(*c->routes6));
	c->routes6[0] = (struct cfg_route6){.iface = 1, .tunnel = CFG_NONE, .has_via = true};
	ip6_prefix_parse("2001:db8:3::/48", &c->routes6[0].dst, &host);
	ip6_parse("fe80::fe", c->routes6[0].via);
}

static void
interfaces(struct dpsec_config *c)
{
	static const struct {
		const char *name, *dev;
		uint32_t addr;
		enum cfg_role role;
		uint32_t map;
		uint16_t mtu;
	} ifs[] = {
		{"GigabitEthernet1", "net_af_packet0,iface=veth-b-out", 0, CFG_ROLE_OUTSIDE, 0,
		 1500},
		{"GigabitEthernet2", "net_af_packet1,iface=veth-b-in", 0, CFG_ROLE_INSIDE, CFG_NONE,
		 1500},
		{"GigabitEthernet3", "net_memif0", 0, CFG_ROLE_OUTSIDE, 1, 1400},
	};
	const uint32_t addr[] = {ip(192, 0, 2, 2), ip(10, 0, 2, 1), ip(203, 0, 113, 2)};
	static const uint8_t gw_a_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};
	static const uint8_t host2_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x02, 0x02};
	static const uint8_t gi1_v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 2};

	c->n_interfaces = 3;
	c->interfaces = calloc(3, sizeof(*c->interfaces));
	for (int i = 0; i < 3; i++) {
		struct cfg_interface *x = &c->interfaces[i];

		strcpy(x->name, ifs[i].name);
		strcpy(x->device, ifs[i].dev);
		x->addr = addr[i];
		x->prefix_len = 24;
		x->role = ifs[i].role;
		x->crypto_map = ifs[i].map;
		x->mtu = ifs[i].mtu;
	}
	c->interfaces[0].has_addr6 = true;
	memcpy(c->interfaces[0].addr6, gi1_v6, 16);
	c->interfaces[0].prefix6_len = 64;
	c->interfaces[0].has_next_hop_mac = true;
	memcpy(c->interfaces[0].next_hop_mac, gw_a_mac, 6);
	c->interfaces[1].n_neighbors = 1;
	c->interfaces[1].neighbors = calloc(1, sizeof(struct cfg_neighbor));
	c->interfaces[1].neighbors[0].ip = ip(10, 0, 2, 2);
	memcpy(c->interfaces[1].neighbors[0].mac, host2_mac, 6);
	c->n_routes = 1;
	c->routes = calloc(1, sizeof(*c->routes));
	c->routes[0] = (struct cfg_route){.dst = pfx(ip(10, 0, 3, 0), 24), .iface = 1,
					  .tunnel = CFG_NONE, .via = ip(10, 0, 2, 254)};
	interfaces6(c);
}

/* The daemon-wide settings, at their defaults but for the EAL line. */
static void
globals(struct dpsec_config *c)
{
	static const char *const eal[] = {"--no-pci", "--no-huge", "-m", "512", "-l", "0-1"};

	strcpy(c->hostname, "gwB");
	c->path = strdup("/etc/dpsec/gwB.yaml");
	c->dp.n_eal = sizeof(eal) / sizeof(eal[0]);
	c->dp.eal = calloc(c->dp.n_eal, sizeof(char *));
	for (uint32_t i = 0; i < c->dp.n_eal; i++)
		c->dp.eal[i] = strdup(eal[i]);
	c->dp.burst = 32;
	c->dp.mbufs = 8191;
	c->dp.rx_desc = 1024;
	c->dp.tx_desc = 1024;
	c->dp.replay_window = 64;
	c->dp.sa_max = 65536;
	strcpy(c->cli.socket, "/run/dpsec/dpsecd.sock");
	c->logging = (struct cfg_logging){65536, true, 60, 30, 30, 20};
	c->isakmp = (struct cfg_isakmp){.recovery_packets = 2, .recovery_window = 10,
				     .recovery_holddown = 5, .recovery_rate = 5};
}

static void
transform_sets(struct dpsec_config *c)
{
	c->n_transform_sets = 3;
	c->transform_sets = calloc(3, sizeof(*c->transform_sets));
	strcpy(c->transform_sets[0].name, "TS-GCM");
	c->transform_sets[0].cipher = DP_CIPHER_AES_GCM_256;
	c->transform_sets[0].auth = DP_AUTH_NONE;
	strcpy(c->transform_sets[1].name, "TS-CBC");
	c->transform_sets[1].cipher = DP_CIPHER_AES_CBC_256;
	c->transform_sets[1].auth = DP_AUTH_HMAC_SHA256_128;
	strcpy(c->transform_sets[2].name, "TS-LAB");
	c->transform_sets[2].cipher = DP_CIPHER_AES_CBC_128;
	c->transform_sets[2].auth = DP_AUTH_HMAC_SHA1_96;
	c->transform_sets[2].esn = true;
}

static struct cfg_acl *
acl(struct ip4_prefix src, struct ip4_prefix dst, uint8_t proto, uint16_t s0, uint16_t s1,
    uint16_t d0, uint16_t d1)
{
	struct cfg_acl *a = calloc(1, sizeof(*a));

	*a = (struct cfg_acl){.src = src, .dst = dst, .proto = proto, .sport = {s0, s1},
			       .dport = {d0, d1}, .action = CFG_ACL_PERMIT};
	return a;
}

/* The same, by value, for an entry of several lines. */
static struct cfg_acl *
acl_tmp(struct ip4_prefix src, struct ip4_prefix dst, uint8_t proto, uint16_t s0, uint16_t s1,
	uint16_t d0, uint16_t d1)
{
	static struct cfg_acl a;

	a = (struct cfg_acl){.src = src, .dst = dst, .proto = proto, .sport = {s0, s1},
			       .dport = {d0, d1}, .action = CFG_ACL_PERMIT};
	return &a;
}

/* VPN 30: IPv6 over IPv6 to gwA's 2001:db8::1, a deny line, a permit, an ICMPv6 host line. */
static void
entry6(struct cfg_map_entry *e)
{
	static const char *const lines[][3] = {
		{"2001:db8:2::9/128", "::/0", "deny"},
		{"2001:db8:2::/48", "2001:db8:1::/48", NULL},
		{"2001:db8:2::1/128", "2001:db8:1::/64", "icmp"},
	};
	bool host;

	*e = (struct cfg_map_entry){.seq = 30,
				    .peer_v6 = true,
				    .inner_v6 = true,
				    .transform_set = 1,
				    .lifetime_sec = 3600,
				    .lifetime_kb = 4608000,
				    .replay_window = 64,
				    .ikev2_profile = CFG_NONE,	/* no IKE over IPv6 yet */
				    .n_match = 3};
	ip6_parse("2001:db8::1", e->peer6);
	e->match = calloc(3, sizeof(*e->match));
	for (int i = 0; i < 3; i++) {
		struct cfg_acl *a = &e->match[i];

		*a = (struct cfg_acl){.v6 = true, .sport = {0, 65535}, .dport = {0, 65535}};
		ip6_prefix_parse(lines[i][0], &a->src6, &host);
		ip6_prefix_parse(lines[i][1], &a->dst6, &host);
		if (lines[i][2] != NULL && strcmp(lines[i][2], "deny") == 0)
			a->action = CFG_ACL_DENY;
		if (lines[i][2] != NULL && strcmp(lines[i][2], "icmp") == 0)
			a->proto = 58;
	}
}

static void
crypto_maps(struct dpsec_config *c)
{
	struct cfg_map_entry *e;

	c->n_crypto_maps = 2;
	c->crypto_maps = calloc(2, sizeof(*c->crypto_maps));
	strcpy(c->crypto_maps[0].name, "VPN");
	c->crypto_maps[0].iface = 0;
	c->crypto_maps[0].n_entries = 3;
	c->crypto_maps[0].entries = e = calloc(3, sizeof(*e));
	e[0] = (struct cfg_map_entry){.seq = 10,
				      .peer = ip(192, 0, 2, 1),
				      .transform_set = 0,
				      .lifetime_sec = 3600,
				      .lifetime_kb = 4608000,
				      .replay_window = 64,
				      .n_match = 2};
	/* a deny line first: the view shows it as such, the flow's idents come from the permit */
	e[0].match = calloc(2, sizeof(*e[0].match));
	e[0].match[0] = *acl_tmp(pfx(ip(10, 0, 2, 9), 32), pfx(ip(10, 0, 0, 0), 24), 0, 0, 65535, 0,
				 65535);
	e[0].match[0].action = CFG_ACL_DENY;
	e[0].match[1] = *acl_tmp(pfx(ip(10, 0, 2, 0), 24), pfx(ip(10, 0, 0, 0), 24), 0, 0, 65535, 0,
				 65535);
	e[1] = (struct cfg_map_entry){.seq = 20,
				      .peer = ip(198, 51, 100, 7),
				      .transform_set = 1,
				      .lifetime_sec = 28800,
				      .lifetime_kb = 4608000,
				      .replay_window = 64,
				      .n_match = 1};
	e[1].match = acl(pfx(ip(10, 0, 2, 2), 32), pfx(ip(10, 9, 0, 0), 16), 6, 0, 65535, 443, 443);
	entry6(&e[2]);
	strcpy(c->crypto_maps[1].name, "LAB");
	c->crypto_maps[1].iface = 2;
	c->crypto_maps[1].n_entries = 1;
	c->crypto_maps[1].entries = e = calloc(1, sizeof(*e));
	e[0] = (struct cfg_map_entry){.seq = 10,
				      .peer = ip(203, 0, 113, 9),
				      .transform_set = 2,
				      .lifetime_sec = 3600,
				      .lifetime_kb = 4608000,
				      .replay_window = 1024,
				      .n_match = 1};
	e[0].match =
		acl(pfx(ip(10, 0, 3, 0), 24), pfx(ip(10, 3, 0, 0), 16), 17, 5000, 5999, 53, 53);
}

/* map VPN 10 is negotiated by IKEv2 with gwA, with a pre-shared key no output may show. */
static void
ikev2(struct dpsec_config *c)
{
	struct cfg_ikev2 *k = &c->ikev2;
	struct cfg_ike_proposal *p;
	struct cfg_keyring_peer *peer;
	struct cfg_ike_profile *prof;

	*k = (struct cfg_ikev2){.retransmit_ms = 1000,
				.retransmit_tries = 5,
				.cookie_threshold = 64,
				.half_open_max = 1024,
				.nat_keepalive = 20,
				.delete_rekeyed_delay = 5};
	k->n_proposals = 1;
	k->proposals = p = calloc(1, sizeof(*p));
	strcpy(p->name, "PROP-GCM");
	p->encr[p->n_encr++] = (struct cfg_ike_encr){IKE_ENCR_AES_GCM_16, 256};
	p->prf[p->n_prf++] = IKE_PRF_HMAC_SHA2_384;
	p->group[p->n_group++] = IKE_DH_ECP256;
	k->n_policies = 1;
	k->policies = calloc(1, sizeof(*k->policies));
	strcpy(k->policies[0].name, "POL");
	k->policies[0].n_proposals = 1;
	k->policies[0].proposals = calloc(1, sizeof(uint32_t));
	k->policies[0].n_match_local = 1;
	k->policies[0].match_local = calloc(1, sizeof(uint32_t));
	k->policies[0].match_local[0] = ip(192, 0, 2, 2);
	k->n_keyrings = 1;
	k->keyrings = calloc(1, sizeof(*k->keyrings));
	strcpy(k->keyrings[0].name, "KR");
	k->keyrings[0].n_peers = 1;
	k->keyrings[0].peers = peer = calloc(1, sizeof(*peer));
	strcpy(peer->name, "gwA");
	peer->has_addr = true;
	peer->addr = pfx(ip(192, 0, 2, 1), 32);
	peer->psk_local.len = (uint16_t)strlen(FAKE_PSK);
	memcpy(peer->psk_local.b, FAKE_PSK, peer->psk_local.len);
	peer->psk_remote = peer->psk_local;
	k->n_profiles = 1;
	k->profiles = prof = calloc(1, sizeof(*prof));
	strcpy(prof->name, "PROF");
	prof->n_match_remote = 1;
	prof->match_remote = calloc(1, sizeof(*prof->match_remote));
	prof->match_remote[0].type = CFG_IKE_ID_ADDRESS;
	prof->match_remote[0].addr = pfx(ip(192, 0, 2, 1), 32);
	prof->auth_local = prof->auth_remote = IKE_AUTH_SHARED_KEY_MIC;
	prof->dpd_interval = 10;
	prof->dpd_retry = 2;
	prof->lifetime_sec = 86400;
	c->crypto_maps[0].entries[0].ikev2_profile = 0;
	c->crypto_maps[0].entries[0].pfs_group = IKE_DH_ECP256;
	c->crypto_maps[0].entries[1].ikev2_profile = CFG_NONE;
	c->crypto_maps[1].entries[0].ikev2_profile = CFG_NONE;
}

static void
ikev2_free(struct cfg_ikev2 *k)
{
	free(k->proposals);
	free(k->policies[0].proposals);
	free(k->policies[0].match_local);
	free(k->policies);
	free(k->keyrings[0].peers);
	free(k->keyrings);
	free(k->profiles[0].match_remote);
	free(k->profiles);
}

static void
manual_sas(struct dpsec_config *c)
{
	c->n_manual_sas = 2;
	c->manual_sas = calloc(2, sizeof(*c->manual_sas));
	for (int i = 0; i < 2; i++) {
		struct cfg_manual_sa *m = &c->manual_sas[i];

		m->map = 1;
		m->entry = 0;
		m->tunnel = CFG_NONE;
		m->dir = i == 0 ? CFG_DIR_IN : CFG_DIR_OUT;
		m->spi = i == 0 ? 0x1001 : 0x2002;
		m->cipher_key.len = 16;
		memset(m->cipher_key.b, FAKE_KEY_BYTE, 16);
		m->auth_key.len = 20;
		memset(m->auth_key.b, FAKE_KEY_BYTE, 20);
		m->udp_encap = true;
		m->local_port = 4500;
		m->peer_port = 4500;
		m->local = ip(203, 0, 113, 2);
		m->peer = ip(203, 0, 113, 9);
	}
}

/* ---- state ---- */

/*
 * VPN 10's CHILD_SAs enforce what the exchange settled: gwA narrowed the
 * ACL's 10.0.2.0/24 on our side to 10.0.2.0/25 (RFC 7296 section 2.9), and
 * took 10.0.0.0/24 on its own as proposed.
 */
static struct view_sa
ike_sa(enum cfg_dir dir, uint32_t spi, uint32_t conn, uint64_t kb, uint32_t sec)
{
	return (struct view_sa){.map = 0,
				.n_ts_local = 1,
				.ts_local = {{.addr_start = 0x0A000200, .addr_end = 0x0A00027F,
					      .port_end = UINT16_MAX}},
				.n_ts_remote = 1,
				.ts_remote = {{.addr_start = 0x0A000000, .addr_end = 0x0A0000FF,
					       .port_end = UINT16_MAX}},
				.entry = 0,
				.dir = dir,
				.spi = spi,
				.cipher = DP_CIPHER_AES_GCM_256,
				.auth = DP_AUTH_NONE,
				.mode = CFG_MODE_TUNNEL,
				.conn_id = conn,
				/* only the receiver keeps a window, as the dataplane reports it */
				.replay_window = dir == CFG_DIR_IN ? 64 : 0,
				.kb_left = kb,
				.sec_left = sec,
				.status = VIEW_SA_ACTIVE};
}

static struct view_sa
manual_sa(enum cfg_dir dir, uint32_t spi, uint32_t conn)
{
	return (struct view_sa){.map = 1,
				.entry = 0,
				.dir = dir,
				.spi = spi,
				.cipher = DP_CIPHER_AES_CBC_128,
				.auth = DP_AUTH_HMAC_SHA1_96,
				.mode = CFG_MODE_TUNNEL,
				.esn = true,
				.udp_encap = true,
				.local_port = 4500,
				.peer_port = 4500,
				.manual = true,
				.conn_id = conn,
				.replay_window = dir == CFG_DIR_IN ? 1024 : 0,
				.status = VIEW_SA_ACTIVE};
}

#define SET(sa, name, val) ((sa).ctr.v[DP_SA_CTR_##name] = (val))

static void
sas(struct fake *f, size_t extra)
{
	struct view_sa *s;

	f->n_sa = 5 + extra;
	f->sa = s = calloc(f->n_sa, sizeof(*s));
	f->sa_base = calloc(f->n_sa, sizeof(*s));
	/* VPN 10: an old inbound SA still draining after a rekey, and the current pair. */
	s[0] = ike_sa(CFG_DIR_IN, 0x658F7C11, 2076, 4607999, 12);
	s[0].status = VIEW_SA_DELETING;
	SET(s[0], pkts, 1200);
	SET(s[0], bytes, 98000);
	s[1] = ike_sa(CFG_DIR_IN, 0xB761863E, 2077, 4607990, 3237);
	SET(s[1], pkts, 1500);
	SET(s[1], bytes, 120000);
	SET(s[1], replay_failed, 3);
	SET(s[1], verify_failed, 2);
	SET(s[1], invalid_len, 1);
	s[2] = ike_sa(CFG_DIR_OUT, 0x397C36EE, 2078, 4607980, 3237);
	SET(s[2], pkts, 2711);
	SET(s[2], bytes, 216880);
	/* LAB 10: keyed by hand, ESP-in-UDP, ESN, a 1024 replay window. */
	s[3] = manual_sa(CFG_DIR_IN, 0x1001, 3001);
	SET(s[3], pkts, 10);
	SET(s[3], invalid_prot, 1);
	SET(s[3], decaps_failed, 4);
	SET(s[3], invalid_sa, 2);
	s[4] = manual_sa(CFG_DIR_OUT, 0x2002, 3002);
	SET(s[4], pkts, 9);
	SET(s[4], encaps_failed, 7);
	SET(s[4], invalid_sa, 1);
	for (size_t i = 0; i < extra; i++)
		s[5 + i] = ike_sa(CFG_DIR_IN, 0x10000 + (uint32_t)i, 5000 + (uint32_t)i, 4608000,
				  3600);
}

static void
drops(struct fake *f)
{
	f->drops.ipsec[DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI] = 67643;
	f->drops.ipsec[DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL] = 3;
	f->drops.ipsec[DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION] = 2;
	f->drops.ipsec[DP_DROP_OUT_V4_PKT_HIT_IKE_START_SP] = 5;
	f->drops.global_pkts[DP_GLOBAL_IpsecInput] = 67648;
	f->drops.global_octets[DP_GLOBAL_IpsecInput] = 9471720;
	f->drops.global_pkts[DP_GLOBAL_IpsecIkeIndicate] = 5;
	f->drops.global_octets[DP_GLOBAL_IpsecIkeIndicate] = 420;
	f->drops.global_pkts[DP_GLOBAL_Ipv4NoRoute] = 41;
	f->drops.global_octets[DP_GLOBAL_Ipv4NoRoute] = 1968;
	/* what the control thread did not answer (punt below) and Gi2's full TX queue */
	f->drops.global_pkts[DP_GLOBAL_PuntUnhandled] = 49;
	f->drops.global_octets[DP_GLOBAL_PuntUnhandled] = 4130;
	f->drops.global_pkts[DP_GLOBAL_TailDrop] = 3;
	f->drops.global_octets[DP_GLOBAL_TailDrop] = 246;
	/*
	 * Two workers: Gi1 (outside) is polled by worker 1 and every SA is worker
	 * 0's, so the 2700 packets Gi1 forwarded crossed to worker 0's ring.
	 */
	f->workers[0] = (struct view_worker){.id = 0, .lcore = 1, .handoff_pkts = 0};
	f->workers[1] = (struct view_worker){.id = 1, .lcore = 2, .handoff_pkts = 2700};
}

/* The 866 punted packets of Gi1 and Gi2, by kind. */
static void
punt(struct fake *f)
{
	f->punt.kind[VIEW_PUNT_ARP] = (struct view_punt_count){
		.received = 420, .answered = 418, .unhandled = 2, .sent = 12, .send_failed = 1};
	f->punt.kind[VIEW_PUNT_ICMP_ECHO] =
		(struct view_punt_count){.received = 400, .answered = 399, .tx_failed = 1};
	f->punt.kind[VIEW_PUNT_IKE] = (struct view_punt_count){.received = 40, .unhandled = 40};
	/* the fake has no IKE: what arrived was well formed, or a checksum was bad, or a keepalive */
	f->punt.ike[PUNT_IKE_no_ike] = 36;
	f->punt.ike[PUNT_IKE_bad_cksum] = 3;
	f->punt.ike[PUNT_IKE_keepalive] = 1;
	f->punt.kind[VIEW_PUNT_OTHER] = (struct view_punt_count){.received = 6, .unhandled = 6};
}

static void
inv_flow4(struct view_inv_spi *v, uint32_t src, uint32_t dst)
{
	memcpy(v->src, &src, 4);
	memcpy(v->dst, &dst, 4);
}

static void
inv_flow6(struct view_inv_spi *v, uint8_t src_last, uint16_t src_net)
{
	static const uint8_t base[16] = {0x20, 0x01, 0x0d, 0xb8};

	v->ipv6 = true;
	memcpy(v->src, base, 16);
	memcpy(v->dst, base, 16);
	v->src[7] = (uint8_t)src_net;
	v->src[15] = src_last;
	v->dst[7] = 2;
	v->dst[15] = 2;
}

/* Most recent first, as the daemon lists them. */
static void
inv_spi(struct fake *f)
{
	static const struct {
		uint32_t spi;
		uint8_t proto;
		bool udp;
		uint32_t iface;
		uint64_t pkts, events;
		uint32_t first_ago, last_ago;
		bool static_peer;
		enum inv_spi_state state;
	} flows[FAKE_INV_MAX] = {
		/* gwA keeps using the SA gwB lost (the seed scenario) */
		{0xC1D2E3F4, 50, false, 0, 67000, 1200, 725, 2, true, INV_SPI_LOGGED},
		{0x0BADCAFE, 50, false, 0, 12, 5, 100, 10, false, INV_SPI_LOGGED},
		/* a stranger on NAT-T; an SPI starting 0xFF is ESP, not a keepalive */
		{0xFF00ABCD, 50, true, 2, 43, 20, 8 * 86400 + 5 * 3600, 45, false, INV_SPI_NONE},
		{0x00004E21, 51, false, 0, 600, 80, 300, 60, true, INV_SPI_LOGGED},
		{0x00000101, 51, false, 0, 2, 2, 400 * 86400, 86399, false, INV_SPI_NONE},
	};

	for (size_t i = 0; i < FAKE_INV_MAX; i++) {
		struct view_inv_spi *v = &f->inv[i];

		v->spi = flows[i].spi;
		v->proto = flows[i].proto;
		v->udp = flows[i].udp;
		v->iface = flows[i].iface;
		v->pkts = flows[i].pkts;
		v->events = flows[i].events;
		v->first_seen.tv_sec = FAKE_NOW - flows[i].first_ago;
		v->last_seen.tv_sec = FAKE_NOW - flows[i].last_ago;
		v->static_peer = flows[i].static_peer;
		v->state = flows[i].state;
	}
	inv_flow4(&f->inv[0], ip(192, 0, 2, 1), ip(192, 0, 2, 2));
	inv_flow6(&f->inv[1], 1, 1);
	inv_flow4(&f->inv[2], ip(198, 51, 100, 99), ip(203, 0, 113, 2));
	inv_flow4(&f->inv[3], ip(198, 51, 100, 7), ip(192, 0, 2, 2));
	inv_flow6(&f->inv[4], 5, 1);
	f->n_inv = FAKE_INV_MAX;
	/*
	 * 67672 packets counted: 67657 in the five flows above, 12 in events over
	 * the workers' rate (1307 events sent, 66338 packets folded), 3 in a flow
	 * evicted from the table.
	 */
	f->inv_stats = (struct view_inv_spi_stats){.events = 1307,
						   .deduped = 66338,
						   .rate_limited = 12,
						   .ring_full = 0,
						   .flows = FAKE_INV_MAX,
						   .flows_evicted = 1,
						   .logged = 3,
						   .log_suppressed = 9,
						   .pkts_counted = 67672,
						   .pkts_in_flows = 67657,
						   .pkts_rate_limited = 12,
						   .pkts_evicted = 3};
	/* recovery is off in the fake: the static peer's flow waited, then was counted only */
	f->inv_stats.recovery[RECOVERY_WAIT] = 1;
	f->inv_stats.recovery_pkts[RECOVERY_WAIT] = 1;
	f->inv_stats.recovery[RECOVERY_OFF] = 4;
	f->inv_stats.recovery_pkts[RECOVERY_OFF] = 67650;
	f->inv_stats.recovery[RECOVERY_NOT_PEER] = 2;
	f->inv_stats.recovery_pkts[RECOVERY_NOT_PEER] = 6;
}

static void
log_lines(struct fake *f)
{
	static const char text[] =
		"Jun 26 07:17:09.123: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
		"has invalid spi for destaddr=192.0.2.2, prot=50, spi=0xC1D2E3F4(3251823604), "
		"srcaddr=192.0.2.1, input interface=GigabitEthernet1\n"
		"Jun 26 07:20:31.004: %IPSEC-3-REPLAY_ERROR: IPSec SA receives anti-replay error, "
		"DP Handle 2077, src_addr 192.0.2.1, dest_addr 192.0.2.2, SPI 0xB761863E\n"
		"Jun 26 07:24:14.500: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
		"has invalid spi for destaddr=192.0.2.2, prot=51, spi=0x4E21(20001), "
		"srcaddr=198.51.100.7, input interface=GigabitEthernet1\n"
		"Jun 26 07:27:34.250: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
		"has invalid spi for destaddr=2001:db8:0:2::2, prot=50, spi=0xBADCAFE(195939070), "
		"srcaddr=2001:db8:0:1::1, input interface=GigabitEthernet1\n"
		"Jun 26 07:28:02.917: %CRYPTO-4-RECVD_PKT_MAC_ERR: decrypt: mac verify failed for "
		"connection id=2077 local=192.0.2.2 remote=192.0.2.1 spi=B761863E seqno=00071328\n";

	_Static_assert(sizeof(text) <= sizeof(f->log), "the fake log holds its lines");
	memcpy(f->log, text, sizeof(text) - 1);
	f->log_len = sizeof(text) - 1;
	f->log_stats = (struct view_log_stats){.logged = 5,
					       .rate_limited = 9,
					       .overwritten = 0,
					       .buffer_size = 65536,
					       .syslog = true};
}

static void
ports(struct fake *f)
{
	static const uint8_t mac[3][6] = {
		{0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
		{0x52, 0x54, 0x00, 0x12, 0x34, 0x57},
		{0x02, 0xfe, 0x00, 0x00, 0x00, 0x03},
	};

	/* Gi1: 2700 decapsulated, 860 punted (ARP, ping, IKE), 67648 dropped on input */
	f->ports[0] = (struct view_port){.port_id = 0,
					 .link_up = true,
					 .speed_mbps = 10000,
					 .punt_queue_max = 1023,
					 .ipackets = 71208,
					 .ibytes = 10334511,
					 .opackets = 2725,
					 .obytes = 381500,
					 .imissed = 17,
					 .ierrors = 1,
					 .rx_nombuf = 2,
					 .fwd_pkts = 2700,
					 .fwd_octets = 802591,
					 .punt_pkts = 860,
					 .punt_octets = 60200,
					 .last_input_sec = 0,
					 .last_output_sec = 1,
					 .in_rate_bps = 1962000,
					 .in_rate_pps = 1642,
					 .out_rate_bps = 5000,
					 .out_rate_pps = 4,
					 .fragmented = 3,
					 .fragments = 7,
					 .mss_adjusted = 5};
	f->ports[0].in_drop_pkts[DP_GLOBAL_IpsecInput] = 67648;
	f->ports[0].in_drop_octets[DP_GLOBAL_IpsecInput] = 9471720;
	/* Gi2: 2711 encapsulated, 6 punted, 46 dropped (no SA yet, no route), 3 stuck on output */
	f->ports[1] = (struct view_port){.port_id = 1,
					 .link_up = true,
					 .speed_mbps = 10000,
					 .punt_queue_max = 1023,
					 .ipackets = 2763,
					 .ibytes = 219628,
					 .opackets = 2700,
					 .obytes = 218000,
					 .fwd_pkts = 2711,
					 .fwd_octets = 216880,
					 .punt_pkts = 6,
					 .punt_octets = 360,
					 .last_input_sec = 2,
					 .last_output_sec = 3,
					 .in_rate_bps = 4000,
					 .in_rate_pps = 5,
					 .out_rate_bps = 4000,
					 .out_rate_pps = 5};
	f->ports[1].in_drop_pkts[DP_GLOBAL_IpsecIkeIndicate] = 5;
	f->ports[1].in_drop_octets[DP_GLOBAL_IpsecIkeIndicate] = 420;
	f->ports[1].in_drop_pkts[DP_GLOBAL_Ipv4NoRoute] = 41;
	f->ports[1].in_drop_octets[DP_GLOBAL_Ipv4NoRoute] = 1968;
	f->ports[1].out_drop_pkts[DP_GLOBAL_TailDrop] = 3;
	f->ports[1].out_drop_octets[DP_GLOBAL_TailDrop] = 246;
	/* Gi3: link down since start */
	f->ports[2] = (struct view_port){.port_id = 2,
					 .punt_queue_max = 1023,
					 .last_input_sec = VIEW_NEVER,
					 .last_output_sec = VIEW_NEVER};
	for (int i = 0; i < 3; i++) {
		strcpy(f->ports[i].name, f->cfg.interfaces[i].name);
		memcpy(f->ports[i].mac, mac[i], 6);
	}
}

/* gwA learned 3 min 5 s ago on Gi1, a peer on Gi3 just now, one address asked for in vain. */
static void
arp(struct fake *f)
{
	static const uint8_t gw_a[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};
	static const uint8_t peer3[6] = {0x02, 0x00, 0x00, 0x00, 0x0c, 0x01};

	f->arp[0] = (struct view_arp){.ip = ip(203, 0, 113, 1), .iface = 2, .age_s = 30};
	memcpy(f->arp[0].mac, peer3, 6);
	f->arp[1] = (struct view_arp){.ip = ip(192, 0, 2, 1), .iface = 0, .age_s = 185};
	memcpy(f->arp[1].mac, gw_a, 6);
	f->arp[2] = (struct view_arp){.ip = ip(192, 0, 2, 9), .iface = 0, .incomplete = true};
	f->n_arp = 3;
}

/*
 * Learned by neighbor discovery: an inside host confirmed 20 s ago, an outside
 * peer last confirmed 3 min 5 s ago (STALE), an inside address solicited in vain.
 */
static void
nd6(struct fake *f)
{
	static const uint8_t host[6] = {0x02, 0x00, 0x00, 0x00, 0x0b, 0x02};
	static const uint8_t peer[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};

	f->nd6[0] = (struct view_nd6){.iface = 1, .state = VIEW_ND6_REACH, .age_s = 20};
	ip6_parse("2001:db8:2::5", f->nd6[0].ip);
	memcpy(f->nd6[0].mac, host, 6);
	f->nd6[1] = (struct view_nd6){.iface = 0, .state = VIEW_ND6_STALE, .age_s = 185};
	ip6_parse("2001:db8:0:1::1", f->nd6[1].ip);
	memcpy(f->nd6[1].mac, peer, 6);
	f->nd6[2] = (struct view_nd6){.iface = 1, .state = VIEW_ND6_INCMP, .age_s = 1};
	ip6_parse("2001:db8:2::9", f->nd6[2].ip);
	/* RFC 4861 7.3.3: a STALE entry used (DELAY), one being probed by unicast (PROBE) */
	f->nd6[3] = (struct view_nd6){.iface = 1, .state = VIEW_ND6_DELAY, .age_s = 300};
	ip6_parse("2001:db8:2::7", f->nd6[3].ip);
	memcpy(f->nd6[3].mac, host, 6);
	f->nd6[3].mac[5] = 0x07;
	f->nd6[4] = (struct view_nd6){.iface = 0, .state = VIEW_ND6_PROBE, .age_s = 61};
	ip6_parse("2001:db8:0:1::2", f->nd6[4].ip);
	memcpy(f->nd6[4].mac, peer, 6);
	f->nd6[4].mac[5] = 0x02;
	f->n_nd6 = 5;
}

/*
 * "show ip traffic": every counter a different number, so a counter shown
 * under another's name shows in the golden transcript.
 */
static void
ip_traffic(struct fake *f)
{
	static const uint64_t arp_ctr[ARP__COUNT] = {
		[ARP_learned] = 9,	   [ARP_refreshed] = 31,   [ARP_mac_changed] = 2,
		[ARP_evicted] = 1,	   [ARP_aged] = 4,	   [ARP_hits] = 120,
		[ARP_misses] = 11,	   [ARP_req_sent] = 13,	   [ARP_req_wait] = 6,
		[ARP_req_rate_limited] = 3, [ARP_req_gave_up] = 5, [ARP_req_held_down] = 7,
		[ARP_req_table_full] = 8, [ARP_abandoned] = 28, [ARP_sa_moved] = 10, [ARP_sa_move_failed] = 12};
	static const uint64_t reasm_ctr[REASM4__COUNT] = {
		[REASM4_fragments] = 140, [REASM4_completed] = 41, [REASM4_duplicates] = 17,
		[REASM4_overlaps] = 15,	  [REASM4_too_big] = 16,   [REASM4_bad_length] = 18,
		[REASM4_bad_last] = 19,	  [REASM4_timeouts] = 21, [REASM4_evicted] = 22,
		[REASM4_no_memory] = 23};

	static const uint64_t icmp_ctr[ICMP_ERR__COUNT] = {
		[ICMP_ERR_requested] = 70, [ICMP_ERR_sent] = 44,	  [ICMP_ERR_unreachable] = 25,
		[ICMP_ERR_time_exceeded] = 20, [ICMP_ERR_suppressed] = 14, [ICMP_ERR_rate_limited] = 24,
		[ICMP_ERR_no_buffer] = 26, [ICMP_ERR_inject_failed] = 27, [ICMP_ERR_no_neighbor] = 29};

	memcpy(f->ip_traffic.icmp, icmp_ctr, sizeof(icmp_ctr));
	memcpy(f->ip_traffic.arp, arp_ctr, sizeof(arp_ctr));
	memcpy(f->ip_traffic.reasm, reasm_ctr, sizeof(reasm_ctr));
	for (int i = 0; i < ND6C__COUNT; i++)
		f->ip_traffic.nd6[i] = 50 + (uint64_t)i;	/* each row its own value */
	f->ip_traffic.nd6_entries = (uint32_t)f->n_nd6;
	f->ip_traffic.nd6_incomplete = 1;
	f->ip_traffic.arp_entries = (uint32_t)f->n_arp;
	f->ip_traffic.arp_incomplete = 1;
	f->ip_traffic.reasm_pending = 2;
}

struct fake *
fake_new(size_t extra_sa)
{
	struct fake *f = calloc(1, sizeof(*f));

	globals(&f->cfg);
	interfaces(&f->cfg);
	transform_sets(&f->cfg);
	crypto_maps(&f->cfg);
	ikev2(&f->cfg);
	manual_sas(&f->cfg);
	sas(f, extra_sa);
	drops(f);
	punt(f);
	ports(f);
	inv_spi(f);
	arp(f);
	nd6(f);
	ip_traffic(f);
	log_lines(f);
	fake_ike_init(f);
	f->now.tv_sec = FAKE_NOW;
	f->now.tv_nsec = 123000000;
	f->view = (struct view){.ops = &fake_ops,
				.ctx = f,
				.cfg = &f->cfg,
				.version = "0.1.0",
				.build = "v0.1.0-42-g9f934ff0a1b2",
				.image = "X86_64_LINUX_DPDK-DPSECD",
				.uptime_sec = 93784};
	return f;
}

void
fake_free(struct fake *f)
{
	if (f == NULL)
		return;
	for (uint32_t m = 0; m < f->cfg.n_crypto_maps; m++) {
		for (uint32_t e = 0; e < f->cfg.crypto_maps[m].n_entries; e++)
			free(f->cfg.crypto_maps[m].entries[e].match);
		free(f->cfg.crypto_maps[m].entries);
	}
	free(f->cfg.crypto_maps);
	for (uint32_t i = 0; i < f->cfg.n_interfaces; i++) {
		free(f->cfg.interfaces[i].neighbors);
		free(f->cfg.interfaces[i].neighbors6);
	}
	free(f->cfg.interfaces);
	free(f->cfg.routes);
	free(f->cfg.routes6);
	free(f->cfg.tunnels);
	for (uint32_t i = 0; i < f->cfg.dp.n_eal; i++)
		free(f->cfg.dp.eal[i]);
	free(f->cfg.dp.eal);
	free(f->cfg.transform_sets);
	free(f->cfg.manual_sas);
	ikev2_free(&f->cfg.ikev2);
	free(f->cfg.path);
	free(f->sa);
	free(f->sa_base);
	free(f);
}
