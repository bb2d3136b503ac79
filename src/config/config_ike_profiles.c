/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ikev2 keyrings and profiles: IOS "crypto ikev2 keyring NAME" with its peers
 * (address, identity, pre-shared-key), and "crypto ikev2 profile NAME" (match
 * identity remote, identity local, authentication, keyring local, dpd,
 * lifetime). Keyrings are read first: a profile names one.
 *
 * Pre-shared keys are copied into struct cfg_psk and nowhere else: inside the
 * keyring's peers, which live in secret memory (dpsec/secret.h). No message
 * here contains one: only what is wrong with it, and lengths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ike/ike_const.h"
#include "dpsec/hex.h"
#include "config_priv.h"

_Static_assert(sizeof(enum cfg_dpd_mode) == sizeof(int), "cfg_h_word writes an int");

/* ---- identities ---- */

/* RFC 1035 names, with '_' allowed (IKE IDs are not only host names): 1..63-byte labels. */
static bool
fqdn_ok(const char *s)
{
	size_t label = 0;

	if (strlen(s) >= CFG_FQDN_MAX)
		return false;
	for (;; s++) {
		if (*s == '.' || *s == '\0') {
			if (label == 0 || label > 63)
				return false;
			if (*s == '\0')
				return true;
			label = 0;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || *s == '-' || *s == '_') {
			label++;
		} else {
			return false;
		}
	}
}

static int
parse_fqdn(struct cfg_ctx *c, const struct ynode *v, struct cfg_ike_id *id)
{
	const char *s;
	int rc = cfg_str(c, v, "fqdn", &s);

	if (rc < 0)
		return rc;
	if (!fqdn_ok(s))
		return cfg_err(c, v, "'fqdn' must be a domain name of at most %d characters, "
				     "labels of letters, digits, '-' or '_' between dots (got '%s')",
			       CFG_FQDN_MAX - 1, cfg_quote(c, v));
	id->type = CFG_IKE_ID_FQDN;
	memcpy(id->fqdn, s, strlen(s) + 1);
	return 0;
}

/*
 * {address: A} or {fqdn: F}. prefix: the address may be a prefix A/LEN (a
 * match statement); otherwise it names one address (an identity).
 */
static int
parse_id(struct cfg_ctx *c, const struct ynode *v, const char *what, bool prefix,
	 struct cfg_ike_id *id)
{
	static const char *const later[] = {"email", "key-id", "dn"};
	const struct ynode *key, *val;
	int rc = cfg_expect_map(c, v, what);

	if (rc < 0)
		return rc;
	if (ynode_map_len(v) != 1)
		return cfg_err(c, v, "%s must have exactly one of: address, fqdn (got %u keys)", what,
			       ynode_map_len(v));
	key = ynode_map_key(v, 0);
	val = ynode_map_val(v, 0);
	if (strcmp(key->str, "fqdn") == 0)
		return parse_fqdn(c, val, id);
	if (strcmp(key->str, "address") == 0) {
		id->type = CFG_IKE_ID_ADDRESS;
		if (cfg_ip6_text(val)) {
			/* ID_IPV6_ADDR (RFC 7296 3.5) */
			id->v6 = true;
			id->addr6.len = 128;
			return prefix ? cfg_prefix6(c, val, "address", &id->addr6)
				      : cfg_ip6(c, val, "address", id->addr6.addr);
		}
		id->addr.len = 32;
		return prefix ? cfg_prefix(c, val, "address", &id->addr)
			      : cfg_ip4(c, val, "address", &id->addr.addr);
	}
	for (size_t i = 0; i < CFG_NKEYS(later); i++)
		if (strcmp(key->str, later[i]) == 0)
			return cfg_err(c, key, "identity type '%s' is not supported yet (expected "
					       "address or fqdn)", later[i]);
	return cfg_err(c, key, "unknown identity type '%s' in %s (expected address or fqdn)",
		       cfg_quote(c, key), what);
}

static bool
id_equal(const struct cfg_ike_id *a, const struct cfg_ike_id *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == CFG_IKE_ID_FQDN)
		return strcasecmp(a->fqdn, b->fqdn) == 0;
	if (a->v6 != b->v6)
		return false;
	if (a->v6)
		return memcmp(a->addr6.addr, b->addr6.addr, IP6_LEN) == 0 &&
		       a->addr6.len == b->addr6.len;
	return a->addr.addr == b->addr.addr && a->addr.len == b->addr.len;
}

/* "address 10.0.0.0/8", "fqdn gw.example", for messages (an FQDN is checked printable). */
static const char *
id_str(const struct cfg_ike_id *id, char *buf, size_t len)
{
	char a[IP6_STRLEN];

	if (id->type == CFG_IKE_ID_FQDN)
		snprintf(buf, len, "fqdn %s",
			 ytree_looks_secret(id->fqdn, strlen(id->fqdn)) ? "(hidden)" : id->fqdn);
	else if (id->v6 && id->addr6.len == 128)
		snprintf(buf, len, "address %s", ip6_str(id->addr6.addr, a));
	else if (id->v6)
		snprintf(buf, len, "address %s/%u", ip6_str(id->addr6.addr, a), id->addr6.len);
	else if (id->addr.len == 32)
		snprintf(buf, len, "address %s", ip4_str(id->addr.addr, a));
	else
		snprintf(buf, len, "address %s/%u", ip4_str(id->addr.addr, a), id->addr.len);
	return buf;
}

/* ---- pre-shared keys ---- */

/* "0x" and an even number of hex digits: binary keys, as strongSwan's secrets write them. */
static int
psk_hex(struct cfg_ctx *c, const struct ynode *v, const char *what, const char *s,
	struct cfg_psk *out)
{
	size_t n = strlen(s + 2), len = 0;

	if (strspn(s + 2, "0123456789abcdefABCDEF") != n)
		return cfg_err(c, v, "%s must be hex digits after 0x (got a non-hex character)",
			       what);
	if (n == 0 || n % 2 != 0 || n > 2 * CFG_PSK_MAX)
		return cfg_err(c, v, "%s must be an even number of hex digits after 0x, 2..%d "
				     "(1..%d bytes; got %zu)", what, 2 * CFG_PSK_MAX, CFG_PSK_MAX,
			       n);
	if (!hex_decode(s, out->b, sizeof(out->b), &len)) {
		mem_wipe(out, sizeof(*out));
		return cfg_err(c, v, "%s is not valid hex", what);
	}
	out->len = (uint16_t)len;
	return 0;
}

/*
 * Text of 1..128 printable ASCII characters (IOS: pre-shared-key KEY), or
 * 0x and hex. "(hidden)" is what show running-config prints for a key:
 * a pasted running-config must not start with that as the key.
 */
static int
parse_psk(struct cfg_ctx *c, const struct ynode *v, const char *what, struct cfg_psk *out)
{
	const char *s;
	size_t len;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0)
		return rc;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return psk_hex(c, v, what, s, out);
	len = strlen(s);
	if (len == 0)
		return cfg_err(c, v, "%s must not be empty (expected 1..%d printable characters, "
				     "or 0x and hex)", what, CFG_PSK_MAX);
	if (len > CFG_PSK_MAX)
		return cfg_err(c, v, "%s is too long (at most %d characters, got %zu)", what,
			       CFG_PSK_MAX, len);
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return cfg_err(c, v, "%s may only contain printable ASCII characters "
					     "(byte %zu is not)", what, i + 1);
	if (strcmp(s, "(hidden)") == 0)
		return cfg_err(c, v, "%s is \"(hidden)\", which show running-config prints in "
				     "place of a key (expected the key itself)", what);
	memcpy(out->b, s, len);
	out->len = (uint16_t)len;
	return 0;
}

static int
h_psk(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return parse_psk(c, v, k->arg, (struct cfg_psk *)((char *)obj + k->off));
}

static const struct cfg_key psk_keys[] = {
	{"local", true, h_psk, offsetof(struct cfg_keyring_peer, psk_local), 0, 0,
	 "pre_shared_key local"},
	{"remote", true, h_psk, offsetof(struct cfg_keyring_peer, psk_remote), 0, 0,
	 "pre_shared_key remote"},
};

/* IOS: "pre-shared-key K" (both directions) or "pre-shared-key local K" + "remote K". */
static int
h_pre_shared_key(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_keyring_peer *p = obj;
	int rc;

	if (v->type == YNODE_MAP)
		return cfg_walk(c, v, k->name, psk_keys, CFG_NKEYS(psk_keys), p);
	rc = parse_psk(c, v, k->name, &p->psk_local);
	if (rc == 0)
		p->psk_remote = p->psk_local;
	return rc;
}

/* ---- keyrings ---- */

static int
h_peer_name(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_keyring_peer *p = obj;

	(void)k;
	return cfg_name(c, v, "keyring peer name", "", p->name);
}

static int
h_peer_address(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_keyring_peer *p = obj;
	int rc;

	p->addr_v6 = cfg_ip6_text(v);
	rc = p->addr_v6 ? cfg_prefix6(c, v, k->name, &p->addr6) : cfg_prefix(c, v, k->name, &p->addr);
	p->has_addr = rc == 0;
	return rc;
}

static int
h_peer_identity(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_keyring_peer *p = obj;

	return parse_id(c, v, k->name, false, &p->identity);
}

static const struct cfg_key peer_keys[] = {
	CFG_CUSTOM("name", true, h_peer_name),
	CFG_CUSTOM("address", false, h_peer_address),
	CFG_CUSTOM("identity", false, h_peer_identity),
	CFG_CUSTOM("pre_shared_key", true, h_pre_shared_key),
};

/* Peer p (node v) against peer o (node w): two peers with one address or identity are a typo. */
static int
check_peer_pair(struct cfg_ctx *c, const struct cfg_keyring *kr, const struct cfg_keyring_peer *p,
		const struct ynode *v, const struct cfg_keyring_peer *o, const struct ynode *w)
{
	char what[CFG_FQDN_MAX + 16];
	const char *key;

	if (strcmp(o->name, p->name) == 0) {
		w = ynode_map_get(w, "name");
		return cfg_err(c, ynode_map_get(v, "name"), "duplicate peer name '%s' in keyring "
				"'%s' (first at %u:%u)", p->name, kr->name, w->line, w->col);
	}
	if (p->has_addr && o->has_addr &&
	    id_equal(&(struct cfg_ike_id){.type = CFG_IKE_ID_ADDRESS, .addr = p->addr,
					  .v6 = p->addr_v6, .addr6 = p->addr6},
		     &(struct cfg_ike_id){.type = CFG_IKE_ID_ADDRESS, .addr = o->addr,
					  .v6 = o->addr_v6, .addr6 = o->addr6})) {
		key = "address";
		id_str(&(struct cfg_ike_id){.type = CFG_IKE_ID_ADDRESS, .addr = p->addr,
					    .v6 = p->addr_v6, .addr6 = p->addr6},
		       what, sizeof(what));
	} else if (p->identity.type != CFG_IKE_ID_NONE && id_equal(&p->identity, &o->identity)) {
		key = "identity";
		memcpy(what, "identity ", 9);
		id_str(&p->identity, what + 9, sizeof(what) - 9);
	} else {
		return 0;
	}
	w = ynode_map_get(w, key);
	return cfg_err(c, ynode_map_get(v, key), "peer '%s' has the same %s as peer '%s' in "
			"keyring '%s' (at %u:%u): whose key to use would be ambiguous", p->name,
		       what, o->name, kr->name, w->line, w->col);
}

/* Peer i against the peers before it: names, addresses and identities pick one peer each. */
static int
check_peer(struct cfg_ctx *c, const struct ynode *v, const struct cfg_keyring *kr, uint32_t i)
{
	const struct cfg_keyring_peer *p = &kr->peers[i];
	int rc = 0;

	if (!p->has_addr && p->identity.type == CFG_IKE_ID_NONE)
		return cfg_err(c, v->kids[i], "keyring peer '%s' needs 'address' or 'identity' "
					      "(expected at least one, to find the peer by)", p->name);
	for (uint32_t j = 0; j < i && rc == 0; j++)
		rc = check_peer_pair(c, kr, p, v->kids[i], &kr->peers[j], v->kids[j]);
	return rc;
}

static int
parse_keyring(struct cfg_ctx *c, const struct ynode *v, struct cfg_keyring *kr)
{
	int rc = cfg_expect_seq(c, v, kr->name, false);

	if (rc == 0 && v->n == 0)
		rc = cfg_err(c, v, "keyring '%s' has no peers (expected a list of peers with name, "
				   "address or identity, and pre_shared_key)", kr->name);
	if (rc < 0)
		return rc;
	/* The peers hold the pre-shared keys: memory a core dump leaves out, wiped when freed. */
	kr->peers = secret_mem_alloc(v->n * sizeof(*kr->peers));
	if (kr->peers == NULL)
		return cfg_nomem(c, v);
	kr->n_peers = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		kr->peers[i].pos = (struct cfg_pos){v->kids[i]->line, v->kids[i]->col};
		rc = cfg_walk(c, v->kids[i], "keyring peer", peer_keys, CFG_NKEYS(peer_keys),
			      &kr->peers[i]);
		if (rc == 0)
			rc = check_peer(c, v, kr, i);
	}
	return rc;
}

int
cfg_h_keyrings(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ikev2 *ik = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	ik->keyrings = calloc(n, sizeof(*ik->keyrings));
	if (ik->keyrings == NULL)
		return cfg_nomem(c, v);
	ik->n_keyrings = n;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		struct cfg_keyring *kr = &ik->keyrings[i];
		const struct ynode *key = ynode_map_key(v, i);

		kr->pos = (struct cfg_pos){key->line, key->col};
		rc = cfg_name(c, key, "keyring name", "", kr->name);
		if (rc == 0)
			rc = parse_keyring(c, ynode_map_val(v, i), kr);
	}
	return rc;
}

/* ---- profiles ---- */

/*
 * Statement i of profile p (list v) against the ones before it: one matching
 * the same identities as another profile's would make the profile of a peer
 * a coin toss (IOS: the first one configured).
 */
static int
check_match_unique(struct cfg_ctx *c, const struct ynode *v, const struct cfg_ike_profile *p,
		   uint32_t i)
{
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;
	const struct cfg_ike_id *id = &p->match_remote[i];
	char s[CFG_FQDN_MAX + 16];

	for (uint32_t j = 0; j < i; j++)
		if (id_equal(&p->match_remote[j], id))
			return cfg_err(c, v->kids[i], "duplicate match_identity_remote %s in profile "
						      "'%s' (first at %u:%u)",
				       id_str(id, s, sizeof(s)), p->name, v->kids[j]->line,
				       v->kids[j]->col);
	for (const struct cfg_ike_profile *o = ik->profiles; o < p; o++)
		for (uint32_t j = 0; j < o->n_match_remote; j++)
			if (id_equal(&o->match_remote[j], id))
				return cfg_err(c, v->kids[i], "match_identity_remote %s is already in "
							      "profile '%s' (at %u:%u): the profile of "
							      "a peer would be ambiguous",
					       id_str(id, s, sizeof(s)), o->name, o->pos.line,
					       o->pos.col);
	return 0;
}

static int
h_match_remote(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_profile *p = obj;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc < 0)
		return rc;
	p->match_remote = calloc(v->n, sizeof(*p->match_remote));
	if (p->match_remote == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		rc = parse_id(c, v->kids[i], k->name, true, &p->match_remote[i]);
		if (rc == 0)
			rc = check_match_unique(c, v, p, i);
		if (rc == 0)
			p->n_match_remote++;
	}
	return rc;
}

static int
h_identity_local(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_profile *p = obj;

	return parse_id(c, v, k->name, false, &p->local_id);
}

/* IOS: authentication local|remote pre-share|rsa-sig|ecdsa-sig|eap. */
static int
h_auth_method(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const char *const later[] = {"rsa-sig", "ecdsa-sig", "eap"};
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (strcmp(s, "pre-share") == 0) {
		*((uint8_t *)obj + k->off) = IKE_AUTH_SHARED_KEY_MIC;
		return 0;
	}
	for (size_t i = 0; i < CFG_NKEYS(later); i++)
		if (strcmp(s, later[i]) == 0)
			return cfg_err(c, v, "authentication %s %s is not supported yet (expected "
					     "pre-share)", k->name, later[i]);
	return cfg_err(c, v, "'%s' must be one of: pre-share (got '%s')", k->name,
		       cfg_quote(c, v));
}

static const struct cfg_key auth_keys[] = {
	{"local", true, h_auth_method, offsetof(struct cfg_ike_profile, auth_local), 0, 0, NULL},
	{"remote", true, h_auth_method, offsetof(struct cfg_ike_profile, auth_remote), 0, 0, NULL},
};

static int
h_authentication(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_walk(c, v, k->name, auth_keys, CFG_NKEYS(auth_keys), obj);
}

static int
h_profile_keyring(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_profile *p = obj;
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (p->keyring = 0; p->keyring < ik->n_keyrings; p->keyring++)
		if (strcmp(ik->keyrings[p->keyring].name, s) == 0)
			return 0;
	p->keyring = CFG_NONE;
	return cfg_err(c, v, "keyring '%s' not found (defined: %s)", cfg_quote(c, v),
		       cfg_list_names(c, ik->keyrings, ik->n_keyrings, sizeof(*ik->keyrings),
				      offsetof(struct cfg_keyring, name)));
}

static const struct cfg_word dpd_modes[] = {
	{"on-demand", CFG_DPD_ON_DEMAND},
	{"periodic", CFG_DPD_PERIODIC},
	{NULL, 0},
};

/* IOS: dpd <10-3600> <2-60> on-demand|periodic. */
static const struct cfg_key dpd_keys[] = {
	CFG_U32("interval", true, struct cfg_ike_profile, dpd_interval, 10, 3600),
	CFG_U32("retry", true, struct cfg_ike_profile, dpd_retry, 2, 60),
	CFG_WORD("mode", false, struct cfg_ike_profile, dpd_mode, dpd_modes),
};

static int
h_dpd(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_walk(c, v, k->name, dpd_keys, CFG_NKEYS(dpd_keys), obj);
}

static const struct cfg_key profile_keys[] = {
	CFG_CUSTOM("match_identity_remote", true, h_match_remote),
	CFG_CUSTOM("identity_local", false, h_identity_local),
	CFG_CUSTOM("authentication", true, h_authentication),
	CFG_CUSTOM("keyring", true, h_profile_keyring),
	CFG_CUSTOM("dpd", false, h_dpd),
	CFG_U32("lifetime", false, struct cfg_ike_profile, lifetime_sec, 120, 86400),
};

int
cfg_h_profiles(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ikev2 *ik = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	ik->profiles = calloc(n, sizeof(*ik->profiles));
	if (ik->profiles == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		struct cfg_ike_profile *p = &ik->profiles[i];
		const struct ynode *key = ynode_map_key(v, i);

		ik->n_profiles++;
		p->pos = (struct cfg_pos){key->line, key->col};
		p->keyring = CFG_NONE;
		p->lifetime_sec = 86400;
		p->dpd_mode = CFG_DPD_ON_DEMAND;
		rc = cfg_name(c, key, "ikev2 profile name", "", p->name);
		if (rc == 0)
			rc = cfg_walk(c, ynode_map_val(v, i), "ikev2 profile", profile_keys,
				      CFG_NKEYS(profile_keys), p);
	}
	return rc;
}
