/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tunnels: static virtual tunnel interfaces, the YAML form of IOS
 *
 *	interface Tunnel1
 *	 ip address 10.255.0.1 255.255.255.252
 *	 tunnel source GigabitEthernet1
 *	 tunnel destination 203.0.113.2
 *	 tunnel mode ipsec ipv4
 *	 tunnel protection ipsec profile P
 *
 * with the profile's transform set written beside its name, or over IPv6
 *
 *	interface Tunnel2
 *	 ipv6 address 2001:db8:ffff::1/64
 *	 tunnel source GigabitEthernet1
 *	 tunnel destination 2001:db8:1::2
 *	 tunnel mode ipsec ipv6
 *	 tunnel protection ipsec profile P
 *
 * ("address6", "mode: ipsec ipv6"), which carries IPv6 alone, as on IOS
 * (IPv4 inside would be IOS's "tunnel mode ipsec dual-overlay", not
 * supported). Parsed after the
 * interfaces (a source names an outside one) and before the routes and the
 * manual SAs, which may name a tunnel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_priv.h"

_Static_assert(sizeof(enum cfg_tunnel_mode) == sizeof(int), "cfg_h_word writes an int");

static uint32_t
tunnel_index(const struct cfg_ctx *c, const struct cfg_tunnel *t)
{
	return (uint32_t)(t - c->cfg->tunnels);
}

/* "Tunnel<N>", any capitalisation of "Tunnel" (IOS accepts "tunnel1" and shows "Tunnel1"). */
static bool
parse_tunnel_name(const char *s, uint32_t *number)
{
	uint64_t n;

	if (strncasecmp(s, "Tunnel", 6) != 0 || !cfg_parse_dec(s + 6, &n) || n > 2147483647u)
		return false;
	*number = (uint32_t)n;
	return true;
}

uint32_t
cfg_tunnel_find(const struct dpsec_config *cfg, const char *name)
{
	uint32_t number;

	if (!parse_tunnel_name(name, &number))
		return CFG_NONE;
	for (uint32_t i = 0; i < cfg->n_tunnels; i++)
		if (cfg->tunnels[i].number == number)
			return i;
	return CFG_NONE;
}

int
cfg_tunnel_not_found(struct cfg_ctx *c, const struct ynode *v)
{
	return cfg_err(c, v, "tunnel '%s' not found (defined: %s)", cfg_quote(c, v),
		       cfg_list_names(c, c->cfg->tunnels, c->cfg->n_tunnels,
				      sizeof(*c->cfg->tunnels), offsetof(struct cfg_tunnel, name)));
}

static int
h_name(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (!parse_tunnel_name(s, &t->number))
		return cfg_err(c, v,
			       "tunnel name '%s' must be Tunnel<number> (0..2147483647), as "
			       "IOS's 'interface Tunnel1'",
			       cfg_quote(c, v));
	snprintf(t->name, sizeof(t->name), "Tunnel%" PRIu32, t->number);
	for (uint32_t i = 0; i < tunnel_index(c, t); i++) {
		const struct cfg_tunnel *o = &c->cfg->tunnels[i];

		if (o->number == t->number)
			return cfg_err(c, v, "duplicate tunnel %s (first at %u:%u)", t->name,
				       o->pos.line, o->pos.col);
	}
	for (uint32_t i = 0; i < c->cfg->n_interfaces; i++)
		if (strcasecmp(c->cfg->interfaces[i].name, t->name) == 0)
			return cfg_err(c, v,
				       "tunnel %s has the name of interface '%s' (defined at "
				       "%u:%u)",
				       t->name, c->cfg->interfaces[i].name,
				       c->cfg->interfaces[i].pos.line,
				       c->cfg->interfaces[i].pos.col);
	return 0;
}

/* "10.255.0.1/30": the tunnel's own address, optional (unnumbered without). */
static int
h_address(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;

	if (t->mode == CFG_TUNNEL_IPSEC_IPV6)
		return cfg_err(c, v,
			       "'address' on %s, whose mode is 'ipsec ipv6': it carries "
			       "IPv6 only (expected 'address6')",
			       t->name);
	return cfg_addr_len(c, v, k->name, &t->addr, &t->prefix_len);
}

/* "2001:db8:ffff::1/64": IOS "ipv6 address" on the tunnel, optional; ipsec ipv6 only. */
static int
h_address6(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (t->mode != CFG_TUNNEL_IPSEC_IPV6)
		return cfg_err(c, v,
			       "'address6' on %s, whose mode is 'ipsec ipv4': it carries "
			       "IPv4 only (expected mode 'ipsec ipv6')",
			       t->name);
	if (!ip6_addr_len_parse(s, t->addr6, &t->prefix6_len) || t->prefix6_len == 0)
		return cfg_err(c, v,
			       "'address6' must be an IPv6 address with prefix length "
			       "X:X::X/1..128 (got '%s')",
			       cfg_quote(c, v));
	t->has_addr6 = true;
	return 0;
}

/* The interface named s, or whose address (of the tunnel's family) s is; n_interfaces if none. */
static uint32_t
source_iface(const struct dpsec_config *cfg, const char *s, bool v6, bool *is_addr)
{
	uint8_t a6[IP6_LEN];
	uint32_t ip = 0, i;

	*is_addr = false;
	for (i = 0; i < cfg->n_interfaces; i++)
		if (strcmp(cfg->interfaces[i].name, s) == 0)
			return i;
	if (v6 ? !ip6_parse(s, a6) : !ip4_parse(s, &ip))
		return cfg->n_interfaces;
	*is_addr = true;
	for (i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *f = &cfg->interfaces[i];

		if (v6 ? f->has_addr6 && memcmp(f->addr6, a6, IP6_LEN) == 0 : f->addr == ip)
			break;
	}
	return i;
}

/*
 * "tunnel source": an outside interface, by name or by its address; an
 * ipsec ipv6 tunnel starts at the interface's address6.
 */
static int
h_source(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	const struct dpsec_config *cfg = c->cfg;
	bool v6 = t->mode == CFG_TUNNEL_IPSEC_IPV6, is_addr;
	uint32_t i, ip4 = 0;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	i = source_iface(cfg, s, v6, &is_addr);
	/* an address of the other family: the mode, not the address, is likely wrong */
	if (i == cfg->n_interfaces && !is_addr && (v6 ? ip4_parse(s, &ip4) : cfg_ip6_text(v)))
		return cfg_err(c, v,
			       "tunnel source %s is %s, but the mode is 'ipsec %s' (expected "
			       "an outside interface or its %s address)",
			       s, v6 ? "IPv4" : "IPv6", v6 ? "ipv6" : "ipv4", v6 ? "IPv6" : "IPv4");
	if (i == cfg->n_interfaces && is_addr)
		return cfg_err(c, v,
			       "tunnel source %s is not the %saddress of an interface "
			       "(expected an outside interface or its %saddress)",
			       s, v6 ? "IPv6 " : "", v6 ? "IPv6 " : "");
	if (i == cfg->n_interfaces)
		return cfg_err(c, v,
			       "tunnel source '%s' not found (expected an outside "
			       "interface or its address; defined: %s)",
			       cfg_quote(c, v),
			       cfg_list_names(c, cfg->interfaces, cfg->n_interfaces,
					      sizeof(*cfg->interfaces),
					      offsetof(struct cfg_interface, name)));
	if (cfg->interfaces[i].role != CFG_ROLE_OUTSIDE)
		return cfg_err(c, v,
			       "tunnel source '%s' is inside interface '%s' (expected an "
			       "outside interface: the tunnel's packets leave by it)",
			       cfg_quote(c, v), cfg->interfaces[i].name);
	if (v6 && !cfg->interfaces[i].has_addr6)
		return cfg_err(c, v,
			       "tunnel source '%s' has no address6 (an 'ipsec ipv6' tunnel starts "
			       "at the interface's IPv6 address)",
			       cfg->interfaces[i].name);
	t->source_iface = i;
	if (v6)
		memcpy(t->source6, cfg->interfaces[i].addr6, IP6_LEN);
	else
		t->source = cfg->interfaces[i].addr;
	return 0;
}

/* An ipsec ipv6 tunnel's destination: a unicast IPv6 address, not the source's own. */
static int
destination6(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
	     struct cfg_tunnel *t)
{
	static const uint8_t zero[IP6_LEN];
	int rc;

	if (!cfg_ip6_text(v))
		return cfg_err(c, v,
			       "tunnel destination '%s' is not IPv6, but the mode is 'ipsec "
			       "ipv6' (an IPv4 transport is mode 'ipsec ipv4')",
			       cfg_quote(c, v));
	rc = cfg_ip6(c, v, k->name, t->destination6);
	if (rc == 0 && (memcmp(t->destination6, zero, IP6_LEN) == 0 || t->destination6[0] == 0xff))
		rc = cfg_err(c, v, "tunnel destination must be a unicast address (got '%s')",
			     cfg_quote(c, v));
	if (rc == 0 && memcmp(t->destination6, t->source6, IP6_LEN) == 0)
		rc = cfg_err(c, v, "tunnel destination %s is the tunnel source's own address",
			     cfg_quote(c, v));
	return rc;
}

static int
h_destination(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	int rc;

	if (t->mode == CFG_TUNNEL_IPSEC_IPV6)
		return destination6(c, k, v, t);
	if (cfg_ip6_text(v))
		return cfg_err(c, v,
			       "tunnel destination '%s' is IPv6, but the mode is 'ipsec ipv4' "
			       "(expected mode 'ipsec ipv6' for an IPv6 transport)",
			       cfg_quote(c, v));
	rc = cfg_ip4(c, v, k->name, &t->destination);

	if (rc == 0 && (t->destination == 0 || t->destination == UINT32_MAX))
		rc = cfg_err(c, v, "tunnel destination must be a host address (got '%s')",
			     cfg_quote(c, v));
	if (rc == 0 && t->destination == t->source)
		rc = cfg_err(c, v, "tunnel destination %s is the tunnel source's own address",
			     cfg_quote(c, v));
	return rc;
}

/*
 * IPsec over IPv4 or over IPv6, each carrying its own family: GRE and the
 * overlays (IOS "ipsec ipv4 v6-overlay", "ipsec ipv6 v4-overlay",
 * "ipsec dual-overlay") are other features.
 */
static int
h_mode(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (strcmp(s, "ipsec ipv4") == 0) {
		t->mode = CFG_TUNNEL_IPSEC_IPV4;
		return 0;
	}
	if (strcmp(s, "ipsec ipv6") == 0) {
		t->mode = CFG_TUNNEL_IPSEC_IPV6;
		return 0;
	}
	if (strcmp(s, "ipsec dual-overlay") == 0 || strstr(s, "overlay") != NULL)
		return cfg_err(c, v,
			       "tunnel mode '%s' is not supported (an IPv4 tunnel carries "
			       "IPv4, an IPv6 one IPv6: expected 'ipsec ipv4' or 'ipsec ipv6')",
			       cfg_quote(c, v));
	return cfg_err(c, v, "unknown tunnel mode '%s' (expected 'ipsec ipv4' or 'ipsec ipv6')",
		       cfg_quote(c, v));
}

static int
h_profile(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;

	return cfg_name(c, v, k->name, "", t->profile);
}

static int
h_transform_set(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	const struct dpsec_config *cfg = c->cfg;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (t->transform_set = 0; t->transform_set < cfg->n_transform_sets; t->transform_set++) {
		if (strcmp(cfg->transform_sets[t->transform_set].name, s) != 0)
			continue;
		/* a bundle is two SAs each way; a tunnel's protection is one */
		if (cfg_ts_bundle(&cfg->transform_sets[t->transform_set]))
			return cfg_err(c, v, "transform set '%s' is an AH+ESP bundle, which tunnel "
					     "protection does not support yet (use an ESP or AH "
					     "transform set, or a crypto map)", s);
		return 0;
	}
	return cfg_err(c, v, "transform set '%s' not found (defined: %s)", cfg_quote(c, v),
		       cfg_list_names(c, cfg->transform_sets, cfg->n_transform_sets,
				      sizeof(*cfg->transform_sets),
				      offsetof(struct cfg_transform_set, name)));
}

/*
 * The tunnel's IKE entry's peer is its destination. An ipsec ipv6 tunnel's
 * entry has an IPv6 peer and one IPv6 permit-any line: IKE over IPv6 to the
 * destination from source6, selectors ::/0 both ways (IOS IPv6 sVTI).
 */
static void
ike_peer(struct cfg_tunnel *t)
{
	if (t->mode != CFG_TUNNEL_IPSEC_IPV6) {
		t->ike.peer = t->destination;
		return;
	}
	t->ike.peer = 0;
	t->ike.peer_v6 = true;
	memcpy(t->ike.peer6, t->destination6, IP6_LEN);
	t->ike.inner_v6 = true;
	t->ike_any.v6 = true;	/* src6, dst6 zero: ::/0 */
}

/*
 * The profile's "set ikev2-profile", "set pfs" and "initiate": what a crypto
 * map entry accepts, with the same checks (the keyring covers the peer), on
 * the tunnel's IKE entry whose peer is the destination.
 */
static int
h_ike_profile(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;

	ike_peer(t);
	return cfg_h_entry_profile(c, k, v, &t->ike);
}

static int
h_ike_pfs(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_h_entry_pfs(c, k, v, &((struct cfg_tunnel *)obj)->ike);
}

static int
h_ike_initiate(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_h_entry_initiate(c, k, v, &((struct cfg_tunnel *)obj)->ike);
}

/* Rows run in order: pfs and initiate need ikev2_profile. */
static const struct cfg_key protection_keys[] = {
	CFG_CUSTOM("profile", true, h_profile),
	CFG_CUSTOM("transform_set", true, h_transform_set),
	{"replay_window", false, cfg_h_replay_window, offsetof(struct cfg_tunnel, replay_window), 0,
	 0, NULL},
	CFG_CUSTOM("ikev2_profile", false, h_ike_profile),
	CFG_CUSTOM("pfs", false, h_ike_pfs),
	CFG_CUSTOM("initiate", false, h_ike_initiate),
};

/*
 * "tunnel protection ipsec profile P": {profile: P, transform_set: TS[,
 * replay_window, ikev2_profile, pfs, initiate]}. Then the IKE entry takes
 * the rest of the protection: IKE proposes what the profile says.
 */
static int
h_protection(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_tunnel *t = obj;
	int rc = cfg_walk(c, v, k->name, protection_keys, CFG_NKEYS(protection_keys), obj);

	ike_peer(t);
	t->ike.transform_set = t->transform_set;
	t->ike.replay_window = t->replay_window;
	return rc;
}

/*
 * Rows run in order: the mode decides the family of what follows, the
 * destination is checked against the source.
 */
static const struct cfg_key tunnel_keys[] = {
	CFG_CUSTOM("name", true, h_name),
	CFG_CUSTOM("mode", false, h_mode),
	CFG_CUSTOM("address", false, h_address),
	CFG_CUSTOM("address6", false, h_address6),
	CFG_CUSTOM("source", true, h_source),
	CFG_CUSTOM("destination", true, h_destination),
	CFG_CUSTOM("protection", true, h_protection),
};

/*
 * Two tunnels between the same two addresses: IOS refuses the second ("has
 * the same source, destination and mode"); the peer could not tell which
 * one a packet is for but by SPI, and neither could its operator.
 */
static int
check_endpoints(struct cfg_ctx *c, const struct ynode *v)
{
	const struct dpsec_config *cfg = c->cfg;
	struct cfg_dupkey *keys = calloc(cfg->n_tunnels, sizeof(*keys));
	uint32_t first, dup;
	int rc = 0;

	if (keys == NULL)
		return cfg_nomem(c, v);
	/*
	 * IPv4: (source, destination). IPv6: the destination's 128 bits and the
	 * source interface (whose one address6 is the source), ext 1 + iface.
	 */
	for (uint32_t i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];

		keys[i] = t->mode == CFG_TUNNEL_IPSEC_IPV6
				  ? cfg_dupkey6(t->destination6, 128, i)
				  : (struct cfg_dupkey){t->source, t->destination, i, 0};
		if (t->mode == CFG_TUNNEL_IPSEC_IPV6)
			keys[i].ext = 1 + t->source_iface;
	}
	if (cfg_find_dup(keys, cfg->n_tunnels, &first, &dup)) {
		const struct cfg_tunnel *a = &cfg->tunnels[first], *b = &cfg->tunnels[dup];
		char s[IP6_STRLEN], d[IP6_STRLEN];
		bool v6 = b->mode == CFG_TUNNEL_IPSEC_IPV6;

		rc = cfg_err(c, ynode_map_get(v->kids[dup], "destination"),
			     "%s has the same source %s and destination %s as %s (at %u:%u)",
			     b->name, v6 ? ip6_str(b->source6, s) : ip4_str(b->source, s),
			     v6 ? ip6_str(b->destination6, d) : ip4_str(b->destination, d), a->name,
			     a->pos.line, a->pos.col);
	}
	free(keys);
	return rc;
}

int
cfg_h_tunnels(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;
	int rc = cfg_expect_seq(c, v, k->name, false);

	if (rc < 0 || v->n == 0)
		return rc;
	if (v->n > CFG_MAX_TUNNELS)
		return cfg_err(c, v, "at most %d tunnels are supported (got %u)", CFG_MAX_TUNNELS,
			       v->n);
	cfg->tunnels = calloc(v->n, sizeof(*cfg->tunnels));
	if (cfg->tunnels == NULL)
		return cfg_nomem(c, v);
	cfg->n_tunnels = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		struct cfg_tunnel *t = &cfg->tunnels[i];

		t->pos = (struct cfg_pos){v->kids[i]->line, v->kids[i]->col};
		t->mode = CFG_TUNNEL_IPSEC_IPV4;
		t->replay_window = cfg->dp.replay_window;
		t->source_iface = CFG_NONE;
		t->ike.ikev2_profile = CFG_NONE;
		t->ike.lifetime_sec = 3600;
		t->ike.lifetime_kb = 4608000;
		/* IOS brings an sVTI up with its interface, not on a first packet */
		t->ike.initiate = CFG_INITIATE_ON_START;
		t->ike.pos = t->pos;
		/* permit ip any any: the selectors are 0.0.0.0/0 both ways, all protocols */
		t->ike_any = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535}};
		t->ike.match = &t->ike_any;
		t->ike.n_match = 1;
		rc = cfg_walk(c, v->kids[i], "tunnel", tunnel_keys, CFG_NKEYS(tunnel_keys), t);
	}
	return rc < 0 ? rc : check_endpoints(c, v);
}
