/* SPDX-License-Identifier: BSD-3-Clause */
/* Static VTIs added to the fake gwB (fake_view.h). */
#include <stdlib.h>
#include <string.h>

#include "fake_view.h"

static uint32_t
ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (uint32_t)a | (uint32_t)b << 8 | (uint32_t)c << 16 | (uint32_t)d << 24;
}

static void
tunnels(struct dpsec_config *c)
{
	struct cfg_tunnel *t = calloc(3, sizeof(*t));
	bool host;

	t[0] = (struct cfg_tunnel){.number = 1,
				   .addr = ip(10, 255, 0, 1),
				   .prefix_len = 30,
				   .source_iface = 0,
				   .source = ip(192, 0, 2, 2),
				   .destination = ip(198, 51, 100, 20),
				   .transform_set = 2,
				   .replay_window = 64,
				   .ike.ikev2_profile = CFG_NONE};
	strcpy(t[0].name, "Tunnel1");
	strcpy(t[0].profile, "VTI-PROF");
	t[1] = (struct cfg_tunnel){.number = 2,
				   .source_iface = 2,
				   .source = ip(203, 0, 113, 2),
				   .destination = ip(203, 0, 113, 20),
				   .transform_set = 2,
				   .replay_window = 0,
				   /* keyed by IKE (profile PROF), on-start */
				   .ike = {.peer = ip(203, 0, 113, 20),
					   .transform_set = 2,
					   .ikev2_profile = 0,
					   .initiate = CFG_INITIATE_ON_START}};
	strcpy(t[1].name, "Tunnel2");
	strcpy(t[1].profile, "LAB-PROF");
	/* ipsec ipv6 from GigabitEthernet1's address6, keyed by hand */
	t[2] = (struct cfg_tunnel){.number = 6,
				   .mode = CFG_TUNNEL_IPSEC_IPV6,
				   .source_iface = 0,
				   .has_addr6 = true,
				   .prefix6_len = 64,
				   .transform_set = 2,
				   .replay_window = 64,
				   .ike.ikev2_profile = CFG_NONE};
	memcpy(t[2].source6, c->interfaces[0].addr6, 16);
	ip6_parse("2001:db8:100::20", t[2].destination6);
	ip6_parse("2001:db8:fe::1", t[2].addr6);
	strcpy(t[2].name, "Tunnel6");
	strcpy(t[2].profile, "VTI6-PROF");
	c->tunnels = t;
	c->n_tunnels = 3;
	c->routes = realloc(c->routes, (c->n_routes + 1) * sizeof(*c->routes));
	c->routes[c->n_routes++] = (struct cfg_route){
		.dst = {.addr = ip(192, 0, 2, 128), .len = 25}, .iface = CFG_NONE, .tunnel = 0};
	/* ipv6 route 2001:db8:100::/48 Tunnel6 */
	c->routes6 = realloc(c->routes6, (c->n_routes6 + 1) * sizeof(*c->routes6));
	c->routes6[c->n_routes6] = (struct cfg_route6){.iface = CFG_NONE, .tunnel = 2};
	ip6_prefix_parse("2001:db8:100::/48", &c->routes6[c->n_routes6++].dst, &host);
}

static struct view_sa
tunnel_sa(uint32_t tunnel, enum cfg_dir dir, uint32_t spi, uint32_t conn, uint64_t pkts,
	  uint64_t bytes)
{
	struct view_sa sa = {.map = CFG_NONE,
			     .entry = CFG_NONE,
			     .vti = true,
			     .tunnel = tunnel,
			     .dir = dir,
			     .spi = spi,
			     .cipher = DP_CIPHER_AES_CBC_128,
			     .auth = DP_AUTH_HMAC_SHA1_96,
			     .mode = CFG_MODE_TUNNEL,
			     .manual = true,
			     .conn_id = conn,
			     .replay_window = dir == CFG_DIR_IN ? 64 : 0,
			     .status = VIEW_SA_ACTIVE};

	sa.ctr.v[DP_SA_CTR_pkts] = pkts;
	sa.ctr.v[DP_SA_CTR_bytes] = bytes;
	return sa;
}

void
fake_add_tunnels(struct fake *f)
{
	size_t n = f->n_sa + 4;

	tunnels(&f->cfg);
	f->sa = realloc(f->sa, n * sizeof(*f->sa));
	f->sa_base = realloc(f->sa_base, n * sizeof(*f->sa_base));
	f->sa[f->n_sa] = tunnel_sa(0, CFG_DIR_IN, 0x7001, 4001, 321, 40123);
	f->sa[f->n_sa + 1] = tunnel_sa(0, CFG_DIR_OUT, 0x7002, 4002, 123, 15432);
	f->sa[f->n_sa + 2] = tunnel_sa(2, CFG_DIR_IN, 0x7601, 4601, 66, 6600);
	f->sa[f->n_sa + 3] = tunnel_sa(2, CFG_DIR_OUT, 0x7602, 4602, 77, 7700);
	memset(&f->sa_base[f->n_sa], 0, 4 * sizeof(*f->sa_base));
	f->n_sa = n;
}
