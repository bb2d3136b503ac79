/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crypto_maps: IOS "crypto map NAME SEQ ipsec-isakmp" entries with "set peer",
 * "set transform-set", "match address" (the ACL's permit and deny lines inline),
 * "set security-association lifetime" and "set security-association
 * replay window-size", and for IKEv2 "set ikev2-profile" and "set pfs".
 * Entries end up sorted by seq, as IOS evaluates them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "config_priv.h"

_Static_assert(sizeof(enum cfg_acl_action) == sizeof(int), "cfg_h_word writes an int");

static const struct cfg_word actions[] = {
	{"permit", CFG_ACL_PERMIT},
	{"deny", CFG_ACL_DENY},
	{NULL, 0},
};

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/*
 * "src"/"dst": an IPv4 or an IPv6 prefix; the line takes the family of src,
 * and dst (the row after it) must agree: one line matches one IP version.
 */
static int
h_acl_prefix(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_acl *acl = obj;
	bool is_src = strcmp(k->name, "src") == 0, v6 = cfg_ip6_text(v);

	if (is_src)
		acl->v6 = v6;
	else if (v6 != acl->v6)
		return cfg_err(c, v, "'dst' %s is %s but 'src' is %s (a line matches one IP "
				     "version: write the other as a line of its own entry)",
			       cfg_quote(c, v), v6 ? "IPv6" : "IPv4", acl->v6 ? "IPv6" : "IPv4");
	if (v6)
		return cfg_prefix6(c, v, k->name, is_src ? &acl->src6 : &acl->dst6);
	return cfg_prefix(c, v, k->name, is_src ? &acl->src : &acl->dst);
}

static int
h_entry_ts(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_map_entry *e = obj;
	const struct dpsec_config *cfg = c->cfg;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < cfg->n_transform_sets; i++) {
		if (strcmp(cfg->transform_sets[i].name, s) == 0) {
			e->transform_set = i;
			return 0;
		}
	}
	return cfg_err(c, v, "transform set '%s' not found (defined: %s)", cfg_quote(c, v),
		       cfg_list_names(c, cfg->transform_sets, cfg->n_transform_sets,
				      sizeof(*cfg->transform_sets),
				      offsetof(struct cfg_transform_set, name)));
}

static int
h_proto(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const struct cfg_word protos[] = {
		{"ip", 0}, {"any", 0}, {"icmp", PROTO_ICMP}, {"tcp", PROTO_TCP}, {"udp", PROTO_UDP},
	};
	struct cfg_acl *acl = obj;
	uint64_t n;

	if (v->type == YNODE_SCALAR && v->plain && cfg_parse_dec(v->str, &n)) {
		int rc = cfg_uint(c, v, k->name, 0, 255, NULL, &n);

		if (rc == 0)
			acl->proto = (uint8_t)n;
		return rc;
	}
	for (size_t i = 0; v->type == YNODE_SCALAR && i < CFG_NKEYS(protos); i++) {
		if (strcmp(v->str, protos[i].word) == 0 && v->len == strlen(protos[i].word)) {
			acl->proto = (uint8_t)protos[i].value;
			/* IOS "ipv6 access-list": permit icmp is ICMPv6 */
			if (acl->v6 && acl->proto == PROTO_ICMP)
				acl->proto = PROTO_ICMPV6;
			return 0;
		}
	}
	return cfg_err(c, v, "'proto' must be one of: ip, any, icmp, tcp, udp, 0..255 (got '%s')",
		       cfg_quote(c, v));
}

/* A port "53" or an inclusive range "1000-2000". */
static int
h_ports(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, uint16_t range[2])
{
	char lo[8];
	uint64_t a, b;
	const char *s, *dash;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	dash = strchr(s, '-');
	if (dash == NULL) {
		if (!cfg_parse_dec(s, &a) || a > 65535)
			goto bad;
		range[0] = range[1] = (uint16_t)a;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(lo))
		goto bad;
	memcpy(lo, s, (size_t)(dash - s));
	lo[dash - s] = '\0';
	if (!cfg_parse_dec(lo, &a) || !cfg_parse_dec(dash + 1, &b) || a > 65535 || b > 65535)
		goto bad;
	if (a > b)
		return cfg_err(c, v, "'%s' range %s is reversed (expected LO-HI with LO <= HI)",
			       k->name, cfg_quote(c, v));
	range[0] = (uint16_t)a;
	range[1] = (uint16_t)b;
	return 0;
bad:
	return cfg_err(c, v, "'%s' must be a port 0..65535 or a range LO-HI (got '%s')", k->name,
		       cfg_quote(c, v));
}

static int
h_sport(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return h_ports(c, k, v, ((struct cfg_acl *)obj)->sport);
}

static int
h_dport(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return h_ports(c, k, v, ((struct cfg_acl *)obj)->dport);
}

static const struct cfg_key acl_keys[] = {
	CFG_WORD("action", false, struct cfg_acl, action, actions),
	CFG_CUSTOM("src", true, h_acl_prefix),
	CFG_CUSTOM("dst", true, h_acl_prefix),
	CFG_CUSTOM("proto", false, h_proto),
	CFG_CUSTOM("sport", false, h_sport),
	CFG_CUSTOM("dport", false, h_dport),
};

static int
parse_acl(struct cfg_ctx *c, const struct ynode *v, struct cfg_acl *acl)
{
	static const char *const ports[] = {"sport", "dport"};
	int rc;

	acl->sport[1] = acl->dport[1] = 65535;
	rc = cfg_walk(c, v, "match entry", acl_keys, CFG_NKEYS(acl_keys), acl);
	for (size_t i = 0; rc == 0 && i < CFG_NKEYS(ports); i++) {
		const struct ynode *p = ynode_map_get(v, ports[i]);

		if (p != NULL && acl->proto != PROTO_TCP && acl->proto != PROTO_UDP)
			rc = cfg_err(c, p, "'%s' needs proto tcp or udp (got proto %u)", ports[i],
				     acl->proto);
	}
	return rc;
}

static int
h_match(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_map_entry *e = obj;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc < 0)
		return rc;
	e->match = calloc(v->n, sizeof(*e->match));
	if (e->match == NULL)
		return cfg_nomem(c, v);
	e->n_match = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		rc = parse_acl(c, v->kids[i], &e->match[i]);
		/*
		 * IOS matches an entry against one "ip" or one "ipv6" access list,
		 * and an SA carries the selectors of one family: an entry is one.
		 */
		if (rc == 0 && i > 0 && e->match[i].v6 != e->match[0].v6)
			rc = cfg_err(c, ynode_map_get(v->kids[i], "src"),
				     "match line %u is %s but line 1 is %s (an entry protects one "
				     "IP version: put the %s lines in an entry of their own)",
				     i + 1, e->match[i].v6 ? "IPv6" : "IPv4",
				     e->match[0].v6 ? "IPv6" : "IPv4",
				     e->match[i].v6 ? "IPv6" : "IPv4");
	}
	e->inner_v6 = e->match[0].v6;
	for (uint32_t i = 0; rc == 0; i++) {
		if (i == v->n)
			return cfg_err(c, v,
				       "'match' has no permit line: the entry would protect "
				       "nothing (deny lines only say what it does not protect)");
		if (e->match[i].action == CFG_ACL_PERMIT)
			break;
	}
	return rc;
}

static const struct cfg_key lifetime_keys[] = {
	CFG_U32("seconds", false, struct cfg_map_entry, lifetime_sec, 120, 86400),
	CFG_U32("kilobytes", false, struct cfg_map_entry, lifetime_kb, 2560, 4294967295u),
};

static int
h_lifetime(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_walk(c, v, k->name, lifetime_keys, CFG_NKEYS(lifetime_keys), obj);
}

/*
 * set ikev2-profile NAME: the entry is negotiated by IKEv2 (ipsec-isakmp). The
 * profile's keyring must hold a key for the peer, or IKE could never
 * authenticate it (IOS only finds out when the tunnel fails to come up).
 */
int
cfg_h_entry_profile(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_map_entry *e = obj;
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;
	const struct cfg_ike_profile *p;
	const struct cfg_keyring *kr;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (e->ikev2_profile = 0; e->ikev2_profile < ik->n_profiles; e->ikev2_profile++)
		if (strcmp(ik->profiles[e->ikev2_profile].name, s) == 0)
			break;
	if (e->ikev2_profile == ik->n_profiles) {
		e->ikev2_profile = CFG_NONE;
		return cfg_err(c, v, "ikev2 profile '%s' not found (defined: %s)", cfg_quote(c, v),
			       cfg_list_names(c, ik->profiles, ik->n_profiles,
					      sizeof(*ik->profiles),
					      offsetof(struct cfg_ike_profile, name)));
	}
	p = &ik->profiles[e->ikev2_profile];
	if (cfg_ts_bundle(&c->cfg->transform_sets[e->transform_set]))
		/* RFC 7296 3.3: each proposal holds one protocol; IKEv1's bundles are gone */
		return cfg_err(c, v, "transform set '%s' is an AH+ESP bundle, which IKEv2 cannot "
				     "negotiate (one protocol per CHILD_SA; key bundles with "
				     "manual_sas, or use an ESP or AH transform set)",
			       c->cfg->transform_sets[e->transform_set].name);
	kr = &ik->keyrings[p->keyring];
	if (e->peer_v6 ? config_keyring_peer6(kr, e->peer6, NULL) == NULL
		       : config_keyring_peer(kr, e->peer, NULL) == NULL) {
		char a[IP6_STRLEN];

		return cfg_err(c, v, "ikev2 profile '%s' uses keyring '%s', which has no peer whose "
				     "address covers %s (expected a peer with that address or a "
				     "prefix holding it, for the pre-shared key)", p->name,
			       kr->name, e->peer_v6 ? ip6_str(e->peer6, a) : ip4_str(e->peer, a));
	}
	return 0;
}

/* set peer: IPv4, or IPv6 (the outer family: the interface needs address6, see interfaces). */
static int
h_entry_peer(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_map_entry *e = obj;

	e->peer_v6 = cfg_ip6_text(v);
	if (e->peer_v6)
		return cfg_ip6(c, v, k->name, e->peer6);
	return cfg_ip4(c, v, k->name, &e->peer);
}

/* set pfs groupN | none (IOS default: no PFS). */
int
cfg_h_entry_pfs(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_map_entry *e = obj;
	const char *s;
	uint64_t n;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0 || strcmp(s, "none") == 0)
		return rc;
	if (strncmp(s, "group", 5) != 0 || !cfg_parse_dec(s + 5, &n) || n > UINT16_MAX)
		return cfg_err(c, v, "'%s' must be none or groupN with N one of: %s (got '%s')",
			       k->name, cfg_dh_groups, cfg_quote(c, v));
	rc = cfg_dh_group(c, v, n, &e->pfs_group);
	if (rc == 0 && e->ikev2_profile == CFG_NONE)
		rc = cfg_err(c, v, "'pfs' needs 'ikev2_profile' (PFS is negotiated by IKE)");
	return rc;
}

int
cfg_h_entry_initiate(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const struct cfg_word words[] = {
		{"on-traffic", CFG_INITIATE_ON_TRAFFIC},
		{"on-start", CFG_INITIATE_ON_START},
		{NULL, 0},
	};
	const struct cfg_key row = CFG_WORD("initiate", false, struct cfg_map_entry, initiate,
					    words);
	struct cfg_map_entry *e = obj;
	int rc = cfg_h_word(c, &row, v, obj);

	(void)k;
	if (rc == 0 && e->initiate == CFG_INITIATE_ON_START && e->ikev2_profile == CFG_NONE)
		rc = cfg_err(c, v, "'initiate: on-start' needs 'ikev2_profile' (only IKE brings a "
				   "tunnel up)");
	return rc;
}

_Static_assert(sizeof(enum cfg_initiate) == sizeof(int), "cfg_h_word writes an int");

/* Rows run in order: ikev2_profile needs peer; pfs and initiate need ikev2_profile. */
static const struct cfg_key entry_keys[] = {
	CFG_U32("seq", true, struct cfg_map_entry, seq, 1, 65535),
	CFG_CUSTOM("peer", true, h_entry_peer),
	CFG_CUSTOM("transform_set", true, h_entry_ts),
	CFG_CUSTOM("match", true, h_match),
	CFG_CUSTOM("lifetime", false, h_lifetime),
	{"replay_window", false, cfg_h_replay_window, offsetof(struct cfg_map_entry, replay_window),
	 0, 0, NULL},
	CFG_CUSTOM("ikev2_profile", false, cfg_h_entry_profile),
	CFG_CUSTOM("pfs", false, cfg_h_entry_pfs),
	CFG_CUSTOM("initiate", false, cfg_h_entry_initiate),
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct cfg_map_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* seq is unique within a map; then sort, as IOS walks entries in seq order. */
static int
sort_entries(struct cfg_ctx *c, const struct ynode *v, struct cfg_crypto_map *m)
{
	struct cfg_dupkey *keys = calloc(m->n_entries, sizeof(*keys));
	uint32_t first, dup;
	int rc = 0;

	if (keys == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < m->n_entries; i++)
		keys[i] = (struct cfg_dupkey){0, m->entries[i].seq, i, 0};
	if (cfg_find_dup(keys, m->n_entries, &first, &dup)) {
		const struct ynode *f = ynode_map_get(v->kids[first], "seq");

		rc = cfg_err(c, ynode_map_get(v->kids[dup], "seq"),
			     "duplicate seq %u in crypto map '%s' (first at %u:%u)",
			     m->entries[dup].seq, m->name, f->line, f->col);
	}
	free(keys);
	if (rc == 0)
		qsort(m->entries, m->n_entries, sizeof(*m->entries), entry_cmp);
	return rc;
}

static int
parse_map(struct cfg_ctx *c, const struct ynode *key, const struct ynode *v,
	  struct cfg_crypto_map *m)
{
	int rc = cfg_name(c, key, "crypto map name", "", m->name);

	if (rc == 0)
		rc = cfg_expect_seq(c, v, m->name, false);
	if (rc == 0 && v->n == 0)
		rc = cfg_err(c, v, "crypto map '%s' has no entries (expected a list of entries "
				   "with seq, peer, transform_set and match)", m->name);
	if (rc < 0)
		return rc;
	m->entries = calloc(v->n, sizeof(*m->entries));
	if (m->entries == NULL)
		return cfg_nomem(c, v);
	m->n_entries = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		struct cfg_map_entry *e = &m->entries[i];

		e->pos = (struct cfg_pos){v->kids[i]->line, v->kids[i]->col};
		e->lifetime_sec = 3600;
		e->lifetime_kb = 4608000;
		e->replay_window = c->cfg->dp.replay_window;
		e->ikev2_profile = CFG_NONE;
		rc = cfg_walk(c, v->kids[i], "crypto map entry", entry_keys, CFG_NKEYS(entry_keys),
			      e);
	}
	return rc < 0 ? rc : sort_entries(c, v, m);
}

int
cfg_h_crypto_maps(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	cfg->crypto_maps = calloc(n, sizeof(*cfg->crypto_maps));
	if (cfg->crypto_maps == NULL)
		return cfg_nomem(c, v);
	cfg->n_crypto_maps = n;
	for (uint32_t i = 0; i < n; i++)
		cfg->crypto_maps[i].iface = CFG_NONE;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		const struct ynode *key = ynode_map_key(v, i);

		cfg->crypto_maps[i].pos = (struct cfg_pos){key->line, key->col};
		rc = parse_map(c, key, ynode_map_val(v, i), &cfg->crypto_maps[i]);
	}
	return rc;
}
