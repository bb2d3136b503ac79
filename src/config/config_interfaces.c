/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * interfaces (IOS "interface X" with "ip address", "crypto map", "nameif"-style
 * inside/outside role) and routes ("ip route" towards inside interfaces or tunnels).
 * Crypto maps are parsed before interfaces, so "crypto_map" resolves here and
 * each map learns the one interface it is applied to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_priv.h"

_Static_assert(sizeof(enum cfg_role) == sizeof(int), "cfg_h_word writes an int");

static const struct cfg_word roles[] = {
	{"inside", CFG_ROLE_INSIDE},
	{"outside", CFG_ROLE_OUTSIDE},
	{NULL, 0},
};

static uint32_t
iface_index(const struct cfg_ctx *c, const struct cfg_interface *ifc)
{
	return (uint32_t)(ifc - c->cfg->interfaces);
}

static bool
in_subnet(const struct cfg_interface *ifc, uint32_t ip)
{
	uint32_t mask = ip4_mask_be(ifc->prefix_len);

	return (ip & mask) == (ifc->addr & mask);
}

static const char *
subnet_str(const struct cfg_interface *ifc, char buf[IP4_STRLEN + 3])
{
	char a[IP4_STRLEN];

	snprintf(buf, IP4_STRLEN + 3, "%s/%u",
		 ip4_str(ifc->addr & ip4_mask_be(ifc->prefix_len), a), ifc->prefix_len);
	return buf;
}

static int
h_name(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	int rc = cfg_name(c, v, "interface name", "/", ifc->name);

	(void)k;
	for (uint32_t i = 0; rc == 0 && i < iface_index(c, ifc); i++) {
		const struct cfg_interface *o = &c->cfg->interfaces[i];

		if (strcmp(o->name, ifc->name) == 0)
			rc = cfg_err(c, v, "duplicate interface name '%s' (first at %u:%u)",
				     ifc->name, o->pos.line, o->pos.col);
	}
	return rc;
}

/* DPDK names the port after the text before the first ','. */
static size_t
port_name_len(const char *devargs)
{
	return strcspn(devargs, ",");
}

static int
h_device(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	const char *s;
	size_t len;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	len = port_name_len(s);
	if (len == 0)
		return cfg_err(c, v, "'device' must start with a DPDK device name (got '%s')",
			       cfg_quote(c, v));
	if (strlen(s) >= sizeof(ifc->device))
		return cfg_err(c, v, "'device' is too long (at most %zu bytes, got %zu)",
			       sizeof(ifc->device) - 1, strlen(s));
	for (const char *p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return cfg_err(c, v, "'device' must not contain spaces or control "
					     "characters (got '%s')", cfg_quote(c, v));
	for (uint32_t i = 0; i < iface_index(c, ifc); i++) {
		const struct cfg_interface *o = &c->cfg->interfaces[i];

		if (port_name_len(o->device) == len && strncmp(o->device, s, len) == 0)
			return cfg_err(c, v, "device '%.*s' is already used by interface '%s'",
				       (int)len, s, o->name);
	}
	memcpy(ifc->device, s, strlen(s) + 1);
	return 0;
}

/* An interface address keeps its host bits: "192.0.2.2/24". */
static int
h_address(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;

	return cfg_addr_len(c, v, k->name, &ifc->addr, &ifc->prefix_len);
}

/* "2001:db8::2/64": an interface's IPv6 address, host bits kept. */
static int
h_address6(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (!ip6_addr_len_parse(s, ifc->addr6, &ifc->prefix6_len) || ifc->prefix6_len == 0)
		return cfg_err(c, v, "'address6' must be an IPv6 address with prefix length "
				     "X:X::X/1..128 (got '%s')", cfg_quote(c, v));
	ifc->has_addr6 = true;
	return 0;
}

/*
 * A tunnel's local end is the interface's address of the peer's family (the
 * outer family): an IPv6 peer needs address6 on the interface the map is on.
 */
static int
check_outer_family(struct cfg_ctx *c, const struct ynode *v, const struct cfg_interface *ifc,
		   const struct cfg_crypto_map *m)
{
	for (uint32_t i = 0; i < m->n_entries; i++) {
		const struct cfg_map_entry *e = &m->entries[i];

		if (e->peer_v6 && !ifc->has_addr6) {
			char a[IP6_STRLEN];

			return cfg_err(c, v, "crypto map '%s' seq %u has IPv6 peer %s but "
					     "interface '%s' has no address6 (expected an IPv6 "
					     "address on the interface, the tunnel's local end)",
				       m->name, e->seq, ip6_str(e->peer6, a), ifc->name);
		}
	}
	return 0;
}

static int
h_crypto_map(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	struct dpsec_config *cfg = c->cfg;
	const char *s;
	uint32_t m;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (m = 0; m < cfg->n_crypto_maps; m++)
		if (strcmp(cfg->crypto_maps[m].name, s) == 0)
			break;
	if (m == cfg->n_crypto_maps)
		return cfg_err(c, v, "crypto map '%s' not found (defined: %s)", cfg_quote(c, v),
			       cfg_list_names(c, cfg->crypto_maps, cfg->n_crypto_maps,
					      sizeof(*cfg->crypto_maps),
					      offsetof(struct cfg_crypto_map, name)));
	if (ifc->role != CFG_ROLE_OUTSIDE)
		return cfg_err(c, v, "crypto map '%s' cannot be applied to inside interface '%s' "
				     "(expected an outside interface)", s, ifc->name);
	if (cfg->crypto_maps[m].iface != CFG_NONE)
		return cfg_err(c, v, "crypto map '%s' is already applied to interface '%s' "
				     "(a crypto map may be applied to one interface only)", s,
			       cfg->interfaces[cfg->crypto_maps[m].iface].name);
	cfg->crypto_maps[m].iface = iface_index(c, ifc);
	ifc->crypto_map = m;
	return check_outer_family(c, v, ifc, &cfg->crypto_maps[m]);
}

static int
parse_mac(struct cfg_ctx *c, const struct ynode *v, const char *what, uint8_t mac[6])
{
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc == 0 && !mac_parse(s, mac))
		rc = cfg_err(c, v, "'%s' must be a MAC address aa:bb:cc:dd:ee:ff (got '%s')", what,
			     cfg_quote(c, v));
	return rc;
}

static int
h_neighbor_mac(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_neighbor *nb = obj;

	return parse_mac(c, v, k->name, nb->mac);
}

static int
h_next_hop_mac(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	int rc = parse_mac(c, v, k->name, ifc->next_hop_mac);

	ifc->has_next_hop_mac = rc == 0;
	return rc;
}

static const struct cfg_key neighbor_keys[] = {
	CFG_IP4("ip", true, struct cfg_neighbor, ip),
	CFG_CUSTOM("mac", true, h_neighbor_mac),
};

/* IPv6 neighbors: ip and mac (IOS "ipv6 neighbor X:X::X INTERFACE MAC"). */
static int
h_neighbor6_ip(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_ip6(c, v, k->name, ((struct cfg_neighbor6 *)obj)->ip);
}

static int
h_neighbor6_mac(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return parse_mac(c, v, k->name, ((struct cfg_neighbor6 *)obj)->mac);
}

static const struct cfg_key neighbor6_keys[] = {
	CFG_CUSTOM("ip", true, h_neighbor6_ip),
	CFG_CUSTOM("mac", true, h_neighbor6_mac),
};

/* fe80::/10 (RFC 4291 section 2.5.6): on every link, whatever its prefix. */
static bool
link_local6(const uint8_t a[IP6_LEN])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* The network of the interface's address6. */
static struct ip6_prefix
subnet6(const struct cfg_interface *ifc)
{
	struct ip6_prefix net = {.len = ifc->prefix6_len};

	ip6_mask(ifc->addr6, ifc->prefix6_len, net.addr);
	return net;
}

/* An IPv6 next hop or neighbor is on the link: in the address6 subnet, or link-local. */
static bool
on_link6(const struct cfg_interface *ifc, const uint8_t a[IP6_LEN])
{
	struct ip6_prefix net = subnet6(ifc);

	return link_local6(a) || ip6_prefix_match(&net, a);
}

static const char *
subnet6_str(const struct cfg_interface *ifc, char buf[IP6_PREFIX_STRLEN])
{
	struct ip6_prefix net = subnet6(ifc);

	return ip6_prefix_str(&net, buf);
}

/* The one just parsed (the last of neighbors6): on the link of the interface's address6. */
static int
check_neighbor6(struct cfg_ctx *c, const struct ynode *v, struct cfg_interface *ifc)
{
	const uint8_t *ip = ifc->neighbors6[ifc->n_neighbors6].ip;
	char a[IP6_STRLEN];

	if (!ifc->has_addr6)
		return cfg_err(c, v, "IPv6 neighbor %s on interface '%s', which has no address6 "
				     "(expected address6 on the interface first)", ip6_str(ip, a),
			       ifc->name);
	if (!on_link6(ifc, ip)) {
		char net[IP6_PREFIX_STRLEN];

		return cfg_err(c, v, "neighbor %s is not in interface '%s' subnet %s (nor "
				     "link-local fe80::/10)", ip6_str(ip, a), ifc->name,
			       subnet6_str(ifc, net));
	}
	ifc->n_neighbors6++;
	return 0;
}

/* Is an item of the neighbors list an IPv6 one? Its ip says (a bad item fails in cfg_walk). */
static bool
neighbor_is_v6(const struct ynode *item)
{
	const struct ynode *ip = item->type == YNODE_MAP ? ynode_map_get(item, "ip") : NULL;

	return ip != NULL && cfg_ip6_text(ip);
}

/* Duplicate IPv6 neighbors; the keys carry the item's index in the list for messages. */
static int
check_neighbors6(struct cfg_ctx *c, const struct ynode *v, const struct cfg_interface *ifc)
{
	struct cfg_dupkey *keys;
	uint32_t first, dup, n = 0;
	int rc = 0;

	if (ifc->n_neighbors6 < 2)
		return 0;
	keys = calloc(ifc->n_neighbors6, sizeof(*keys));
	if (keys == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < v->n; i++)
		if (neighbor_is_v6(v->kids[i]))
			keys[n] = cfg_dupkey6(ifc->neighbors6[n].ip, 128, i), n++;
	if (cfg_find_dup(keys, n, &first, &dup)) {
		const struct ynode *f = ynode_map_get(v->kids[first], "ip");
		const struct ynode *d = ynode_map_get(v->kids[dup], "ip");
		uint8_t ip[IP6_LEN];
		char a[IP6_STRLEN];

		(void)ip6_parse(d->str, ip);	/* parsed before: the canonical text */
		rc = cfg_err(c, d, "duplicate neighbor %s on interface '%s' (first at %u:%u)",
			     ip6_str(ip, a), ifc->name, f->line, f->col);
	}
	free(keys);
	return rc;
}

static int
check_neighbors(struct cfg_ctx *c, const struct ynode *v, const struct cfg_interface *ifc)
{
	char a[IP4_STRLEN], net[IP4_STRLEN + 3];
	struct cfg_dupkey *keys;
	uint32_t first, dup;
	int rc = 0;

	for (uint32_t i = 0; i < ifc->n_neighbors; i++)
		if (!in_subnet(ifc, ifc->neighbors[i].ip))
			return cfg_err(c, ynode_map_get(v->kids[i], "ip"),
				       "neighbor %s is not in interface '%s' subnet %s",
				       ip4_str(ifc->neighbors[i].ip, a), ifc->name,
				       subnet_str(ifc, net));
	keys = calloc(ifc->n_neighbors, sizeof(*keys));
	if (keys == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < ifc->n_neighbors; i++)
		keys[i] = (struct cfg_dupkey){0, ifc->neighbors[i].ip, i, 0};
	if (cfg_find_dup(keys, ifc->n_neighbors, &first, &dup)) {
		const struct ynode *f = ynode_map_get(v->kids[first], "ip");

		rc = cfg_err(c, ynode_map_get(v->kids[dup], "ip"),
			     "duplicate neighbor %s on interface '%s' (first at %u:%u)",
			     ip4_str(ifc->neighbors[dup].ip, a), ifc->name, f->line, f->col);
	}
	free(keys);
	return rc;
}

/*
 * The list's items go to neighbors or neighbors6 by the family of their ip;
 * kid[] remembers each one's item for messages. check_neighbors sees the
 * IPv4 ones as if they were the whole list.
 */
static int
h_neighbors(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;
	struct ynode seq4;
	int rc = cfg_expect_seq(c, v, k->name, false);

	if (rc < 0 || v->n == 0)
		return rc;
	ifc->neighbors = calloc(v->n, sizeof(*ifc->neighbors));
	ifc->neighbors6 = calloc(v->n, sizeof(*ifc->neighbors6));
	seq4 = *v;
	seq4.kids = calloc(v->n, sizeof(*seq4.kids));
	if (ifc->neighbors == NULL || ifc->neighbors6 == NULL || seq4.kids == NULL) {
		rc = cfg_nomem(c, v);
		goto out;
	}
	seq4.n = 0;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		if (neighbor_is_v6(v->kids[i])) {
			rc = cfg_walk(c, v->kids[i], "neighbor", neighbor6_keys,
				      CFG_NKEYS(neighbor6_keys),
				      &ifc->neighbors6[ifc->n_neighbors6]);
			if (rc == 0)
				rc = check_neighbor6(c, ynode_map_get(v->kids[i], "ip"), ifc);
			continue;
		}
		seq4.kids[seq4.n++] = v->kids[i];
		rc = cfg_walk(c, v->kids[i], "neighbor", neighbor_keys, CFG_NKEYS(neighbor_keys),
			      &ifc->neighbors[ifc->n_neighbors++]);
	}
	if (rc == 0 && ifc->n_neighbors > 0)	/* calloc(0) may be NULL: no "out of memory" */
		rc = check_neighbors(c, &seq4, ifc);
	if (rc == 0)
		rc = check_neighbors6(c, v, ifc);
out:
	free(seq4.kids);
	return rc;
}

/*
 * IOS "ip tcp adjust-mss N" (500..1460 there): SYNs through the interface in
 * either direction. Only an inside interface sees TCP in the clear; on the
 * outside everything tunnelled is ESP or AH. "ipv6 tcp adjust-mss N" is a
 * setting of its own, as in IOS: an IPv6 header is 20 bytes longer, so the
 * same link takes an MSS 20 lower (500..1440 here: 1500 - 40 - 20 at most).
 */
static int
tcp_mss_key(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
	    struct cfg_interface *ifc, uint64_t max, uint16_t *out)
{
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, 500, max, NULL, &n);

	if (rc < 0)
		return rc;
	if (ifc->role != CFG_ROLE_INSIDE)
		return cfg_err(c, v, "'%s' cannot be set on outside interface '%s' "
				     "(expected an inside interface: the outside carries only "
				     "ESP and AH)", k->name, ifc->name);
	*out = (uint16_t)n;
	return 0;
}

static int
h_tcp_adjust_mss(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;

	return tcp_mss_key(c, k, v, ifc, 1460, &ifc->tcp_adjust_mss);
}

static int
h_tcp_adjust_mss6(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_interface *ifc = obj;

	return tcp_mss_key(c, k, v, ifc, 1440, &ifc->tcp_adjust_mss6);
}

/*
 * IOS "ipv6 nd reachable-time MS" (0..3,600,000 there): how long a confirmed
 * neighbor stays REACHABLE (RFC 4861 section 6.3.2's ReachableTime). 0 is
 * "unspecified", which IOS takes as its default, 30,000: so does dpsecd. The
 * neighbor discovery it shapes runs from the interface's address6.
 */
static int
h_nd_reachable_time(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const char range[] = "0..3600000 ms, 0 for the default 30000";
	struct cfg_interface *ifc = obj;
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, 0, 3600000, range, &n);

	if (rc < 0)
		return rc;
	if (!ifc->has_addr6)
		return cfg_err(c, v, "'%s' on interface '%s', which has no address6 (expected "
				     "address6 on the interface: neighbor discovery runs from it)",
			       k->name, ifc->name);
	ifc->nd_reachable_ms = (uint32_t)n;
	return 0;
}

/*
 * Rows run in this order: crypto_map and tcp_adjust_mss need role, neighbors need address,
 * nd_reachable_time address6.
 */
static const struct cfg_key iface_keys[] = {
	CFG_CUSTOM("name", true, h_name),
	CFG_CUSTOM("device", true, h_device),
	CFG_CUSTOM("address", true, h_address),
	CFG_CUSTOM("address6", false, h_address6),
	CFG_WORD("role", true, struct cfg_interface, role, roles),
	CFG_CUSTOM("crypto_map", false, h_crypto_map),
	CFG_CUSTOM("next_hop_mac", false, h_next_hop_mac),
	CFG_CUSTOM("neighbors", false, h_neighbors),
	CFG_U16("mtu", false, struct cfg_interface, mtu, 576, 9000),
	CFG_CUSTOM("tcp_adjust_mss", false, h_tcp_adjust_mss),
	CFG_CUSTOM("tcp_adjust_mss6", false, h_tcp_adjust_mss6),
	CFG_CUSTOM("nd_reachable_time", false, h_nd_reachable_time),
};

static int
check_roles(struct cfg_ctx *c, const struct ynode *v)
{
	uint32_t n[2] = {0, 0};

	for (uint32_t i = 0; i < c->cfg->n_interfaces; i++)
		n[c->cfg->interfaces[i].role == CFG_ROLE_OUTSIDE]++;
	if (n[0] == 0)
		return cfg_err(c, v, "at least one inside interface is required (expected an "
				     "interface with role: inside)");
	if (n[1] == 0)
		return cfg_err(c, v, "at least one outside interface is required (expected an "
				     "interface with role: outside)");
	return 0;
}

int
cfg_h_interfaces(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc < 0)
		return rc;
	if (v->n > CFG_MAX_INTERFACES)
		return cfg_err(c, v, "at most %d interfaces are supported (got %u)",
			       CFG_MAX_INTERFACES, v->n);
	cfg->interfaces = calloc(v->n, sizeof(*cfg->interfaces));
	if (cfg->interfaces == NULL)
		return cfg_nomem(c, v);
	cfg->n_interfaces = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		struct cfg_interface *ifc = &cfg->interfaces[i];

		ifc->crypto_map = CFG_NONE;
		ifc->mtu = 1500;
		ifc->pos = (struct cfg_pos){v->kids[i]->line, v->kids[i]->col};
		rc = cfg_walk(c, v->kids[i], "interface", iface_keys, CFG_NKEYS(iface_keys), ifc);
	}
	return rc < 0 ? rc : check_roles(c, v);
}

/*
 * A tunnel carries its mode's family alone: "ip route ... Tunnel1" into an
 * ipsec ipv4 tunnel, "ipv6 route ... Tunnel2" into an ipsec ipv6 one. IOS
 * takes the other (the interface has no address of that family) and keeps
 * the route inactive, which would silently drop the traffic: refused here.
 */
static int
route_family(struct cfg_ctx *c, const struct ynode *v, uint32_t t, bool route_v6)
{
	const struct cfg_tunnel *tun = &c->cfg->tunnels[t];

	if ((tun->mode == CFG_TUNNEL_IPSEC_IPV6) == route_v6)
		return 0;
	return cfg_err(c, v,
		       "%s route into %s, whose mode is 'ipsec %s': it carries %s only "
		       "(expected an %s prefix, or a tunnel with mode 'ipsec %s')",
		       route_v6 ? "IPv6" : "IPv4", tun->name, route_v6 ? "ipv4" : "ipv6",
		       route_v6 ? "IPv4" : "IPv6", route_v6 ? "IPv4" : "IPv6",
		       route_v6 ? "ipv6" : "ipv4");
}

/*
 * An inside interface, or a tunnel ("ip route 192.0.2.128 255.255.255.128
 * Tunnel1", "ipv6 route 2001:db8:2::/48 Tunnel2") of the route's family.
 */
static int
route_iface(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, uint32_t *out,
	    uint32_t *tunnel, bool route_v6)
{
	const struct dpsec_config *cfg = c->cfg;
	const char *s;
	uint32_t i;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (i = 0; i < cfg->n_interfaces; i++)
		if (strcmp(cfg->interfaces[i].name, s) == 0)
			break;
	if (i == cfg->n_interfaces) {
		uint32_t t = cfg_tunnel_find(cfg, s);

		if (t != CFG_NONE) {
			rc = route_family(c, v, t, route_v6);
			if (rc == 0)
				*tunnel = t;
			return rc;
		}
		if (strncasecmp(s, "Tunnel", 6) == 0)
			return cfg_tunnel_not_found(c, v);
		return cfg_err(c, v, "interface '%s' not found (defined: %s)", cfg_quote(c, v),
			       cfg_list_names(c, cfg->interfaces, cfg->n_interfaces,
					      sizeof(*cfg->interfaces),
					      offsetof(struct cfg_interface, name)));
	}
	if (cfg->interfaces[i].role != CFG_ROLE_INSIDE)
		return cfg_err(c, v, "route to outside interface '%s' is not allowed (expected an "
				     "inside interface or a tunnel: routes carry decrypted "
				     "traffic, or traffic to encrypt)", s);
	*out = i;
	return 0;
}

static int
h_route_iface(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_route *r = obj;

	return route_iface(c, k, v, &r->iface, &r->tunnel, false);
}

/* A next hop of the other family than the prefix: named, whichever it is. */
static int
via_family(struct cfg_ctx *c, const struct ynode *v, bool route_v6)
{
	if (cfg_ip6_text(v) == route_v6)
		return 0;
	return cfg_err(c, v, "'via' %s is %s but 'prefix' is %s (a route and its next hop are "
			     "one IP version)", cfg_quote(c, v), route_v6 ? "IPv4" : "IPv6",
		       route_v6 ? "IPv6" : "IPv4");
}

static int
h_route_via(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_route *r = obj;
	const struct cfg_interface *ifc;
	int rc = via_family(c, v, false);

	if (rc == 0)
		rc = cfg_ip4(c, v, k->name, &r->via);

	if (rc == 0 && r->via != 0 && r->tunnel != CFG_NONE)
		return cfg_err(c, v, "'via' is not allowed on a route into %s (a tunnel is "
				     "point-to-point: its peer is the tunnel destination)",
			       c->cfg->tunnels[r->tunnel].name);
	if (rc < 0 || r->tunnel != CFG_NONE)
		return rc;
	ifc = &c->cfg->interfaces[r->iface];
	if (r->via != 0 && !in_subnet(ifc, r->via)) {
		char a[IP4_STRLEN], net[IP4_STRLEN + 3];

		rc = cfg_err(c, v, "'via' %s is not in interface '%s' subnet %s",
			     ip4_str(r->via, a), ifc->name, subnet_str(ifc, net));
	}
	return rc;
}

static const struct cfg_key route_keys[] = {
	CFG_PREFIX("prefix", true, struct cfg_route, dst),
	CFG_CUSTOM("interface", true, h_route_iface),
	CFG_CUSTOM("via", false, h_route_via),
};

/* ---- IPv6 routes (IOS "ipv6 route X:X::/LEN INTERFACE [NEXT-HOP]") ---- */

static int
h_route6_prefix(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_prefix6(c, v, k->name, &((struct cfg_route6 *)obj)->dst);
}

static int
h_route6_iface(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_route6 *r = obj;
	int rc = route_iface(c, k, v, &r->iface, &r->tunnel, true);

	if (rc == 0 && r->tunnel == CFG_NONE && !c->cfg->interfaces[r->iface].has_addr6)
		rc = cfg_err(c, v, "IPv6 route to interface '%s', which has no address6 (expected "
				   "address6 on the interface)", c->cfg->interfaces[r->iface].name);
	return rc;
}

static int
h_route6_via(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_route6 *r = obj;
	const struct cfg_interface *ifc;
	int rc = via_family(c, v, true);

	if (rc == 0)
		rc = cfg_ip6(c, v, k->name, r->via);
	if (rc == 0 && r->tunnel != CFG_NONE)
		return cfg_err(c, v,
			       "'via' is not allowed on a route into %s (a tunnel is "
			       "point-to-point: its peer is the tunnel destination)",
			       c->cfg->tunnels[r->tunnel].name);
	ifc = rc == 0 ? &c->cfg->interfaces[r->iface] : NULL;
	if (rc == 0 && !on_link6(ifc, r->via)) {
		char a[IP6_STRLEN], net[IP6_PREFIX_STRLEN];

		rc = cfg_err(c, v, "'via' %s is not in interface '%s' subnet %s (nor link-local "
				   "fe80::/10)", ip6_str(r->via, a), ifc->name,
			     subnet6_str(ifc, net));
	}
	r->has_via = rc == 0;
	return rc;
}

static const struct cfg_key route6_keys[] = {
	CFG_CUSTOM("prefix", true, h_route6_prefix),
	CFG_CUSTOM("interface", true, h_route6_iface),
	CFG_CUSTOM("via", false, h_route6_via),
};

/* Is an item of the routes list an IPv6 route? Its prefix says. */
static bool
route_is_v6(const struct ynode *item)
{
	const struct ynode *p = item->type == YNODE_MAP ? ynode_map_get(item, "prefix") : NULL;

	return p != NULL && cfg_ip6_text(p);
}

static int
check_routes6(struct cfg_ctx *c, const struct ynode *v)
{
	const struct dpsec_config *cfg = c->cfg;
	struct cfg_dupkey *keys = calloc(cfg->n_routes6 ? cfg->n_routes6 : 1, sizeof(*keys));
	uint32_t first, dup, n = 0;
	int rc = 0;

	if (keys == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < v->n; i++)
		if (route_is_v6(v->kids[i]))
			keys[n] = cfg_dupkey6(cfg->routes6[n].dst.addr, cfg->routes6[n].dst.len, i),
			n++;
	if (cfg_find_dup(keys, n, &first, &dup)) {
		const struct ynode *f = ynode_map_get(v->kids[first], "prefix");
		const struct ynode *d = ynode_map_get(v->kids[dup], "prefix");
		struct ip6_prefix p;
		char a[IP6_PREFIX_STRLEN];
		bool host;

		(void)ip6_prefix_parse(d->str, &p, &host);	/* parsed before: canonical text */
		rc = cfg_err(c, d, "duplicate route %s (first at %u:%u)", ip6_prefix_str(&p, a),
			     f->line, f->col);
	}
	free(keys);
	return rc;
}

static int
check_routes(struct cfg_ctx *c, const struct ynode *v)
{
	const struct dpsec_config *cfg = c->cfg;
	struct cfg_dupkey *keys = calloc(cfg->n_routes, sizeof(*keys));
	uint32_t first, dup;
	int rc = 0;

	if (keys == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < cfg->n_routes; i++)
		keys[i] = (struct cfg_dupkey){cfg->routes[i].dst.len, cfg->routes[i].dst.addr, i,
					      0};
	if (cfg_find_dup(keys, cfg->n_routes, &first, &dup)) {
		const struct ynode *f = ynode_map_get(v->kids[first], "prefix");
		char a[IP4_STRLEN];

		rc = cfg_err(c, ynode_map_get(v->kids[dup], "prefix"),
			     "duplicate route %s/%u (first at %u:%u)",
			     ip4_str(cfg->routes[dup].dst.addr, a), cfg->routes[dup].dst.len,
			     f->line, f->col);
	}
	free(keys);
	return rc;
}

int
cfg_h_routes(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;
	struct ynode seq4;
	int rc = cfg_expect_seq(c, v, k->name, false);

	if (rc < 0 || v->n == 0)
		return rc;
	/* one list, two tables: the family of each item's prefix decides (see h_neighbors) */
	cfg->routes = calloc(v->n, sizeof(*cfg->routes));
	cfg->routes6 = calloc(v->n, sizeof(*cfg->routes6));
	seq4 = *v;
	seq4.kids = calloc(v->n, sizeof(*seq4.kids));
	if (cfg->routes == NULL || cfg->routes6 == NULL || seq4.kids == NULL) {
		rc = cfg_nomem(c, v);
		goto out;
	}
	seq4.n = 0;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		const struct cfg_pos pos = {v->kids[i]->line, v->kids[i]->col};

		if (route_is_v6(v->kids[i])) {
			cfg->routes6[cfg->n_routes6].pos = pos;
			cfg->routes6[cfg->n_routes6].iface = CFG_NONE;
			cfg->routes6[cfg->n_routes6].tunnel = CFG_NONE;
			rc = cfg_walk(c, v->kids[i], "route", route6_keys, CFG_NKEYS(route6_keys),
				      &cfg->routes6[cfg->n_routes6++]);
			continue;
		}
		seq4.kids[seq4.n++] = v->kids[i];
		cfg->routes[cfg->n_routes].pos = pos;
		cfg->routes[cfg->n_routes].iface = cfg->routes[cfg->n_routes].tunnel = CFG_NONE;
		rc = cfg_walk(c, v->kids[i], "route", route_keys, CFG_NKEYS(route_keys),
			      &cfg->routes[cfg->n_routes++]);
	}
	if (rc == 0 && cfg->n_routes > 0)	/* calloc(0) may be NULL: no "out of memory" */
		rc = check_routes(c, &seq4);
	if (rc == 0)
		rc = check_routes6(c, v);
out:
	free(seq4.kids);
	return rc;
}
