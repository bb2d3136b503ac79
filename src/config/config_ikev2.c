/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ikev2: IOS "crypto ikev2 proposal NAME" (encryption, integrity, prf, group)
 * and "crypto ikev2 policy NAME" (proposal, match address local), the global
 * IKEv2 settings, and the defaults IOS XE ships: a proposal pair and a policy
 * "default" offering it, in force when no policy is configured. Keyrings and
 * profiles are in config_ike_profiles.c.
 *
 * One cfg_ike_proposal is one proposal on the wire (RFC 7296 section 3.3),
 * so a proposal is either all AEAD (AES-GCM, no integrity) or all plain
 * cipher + integrity; IOS's default pair is therefore two proposals here,
 * "default" (AES-CBC) and "default-gcm" (AES-GCM).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ike/ike_const.h"
#include "config_priv.h"

#define BUILTIN_CBC "default"
#define BUILTIN_GCM "default-gcm"
#define BUILTIN_POLICY "default"
#define N_BUILTIN 2

/* Known words we refuse, each with its reason. */
struct refusal {
	const char *word;
	const char *why;
};

static const struct refusal encr_refused[] = {
	{"aes-cbc-192", "is not implemented: only 128- and 256-bit AES keys are supported (use "
			"aes-cbc-128 or aes-cbc-256)"},
	{"aes-gcm-192", "is not implemented: only 128- and 256-bit AES keys are supported (use "
			"aes-gcm-128 or aes-gcm-256)"},
	{"des", "is not supported: DES and 3DES are insecure (use aes-gcm-256 or aes-cbc-256)"},
	{"3des", "is not supported: DES and 3DES are insecure (use aes-gcm-256 or aes-cbc-256)"},
	{NULL, NULL},
};

static const struct refusal hash_refused[] = {
	{"md5", "is not supported: MD5 is insecure (use sha256, sha384 or sha512)"},
	{NULL, NULL},
};

/* One transform type of a proposal: its key, its words and the words it refuses. */
struct alg_kind {
	const char *key;
	const struct cfg_ike_word *words;
	const struct refusal *refused;
};

static const struct alg_kind encr_kind = {"encryption", cfg_ike_encr_words, encr_refused};
static const struct alg_kind integ_kind = {"integrity", cfg_ike_integ_words, hash_refused};
static const struct alg_kind prf_kind = {"prf", cfg_ike_prf_words, hash_refused};

/* ---- DH groups ---- */

const char cfg_dh_groups[] = "14, 15, 16, 19, 20, 21, 31";

static const uint16_t dh_ok[] = {
	IKE_DH_MODP2048, IKE_DH_MODP3072, IKE_DH_MODP4096, IKE_DH_ECP256,
	IKE_DH_ECP384,	 IKE_DH_ECP521,	  IKE_DH_CURVE25519,
};

/* RFC 8247 section 2.4: MODP below 2048 bits, and RFC 5114's groups 22-24. */
static const struct {
	uint16_t group;
	const char *why;
} dh_weak[] = {
	{1, "a 768-bit MODP group is too small"},
	{2, "a 1024-bit MODP group is too small"},
	{5, "a 1536-bit MODP group is too small"},
	{22, "RFC 5114's MODP groups have small subgroups and unexplained primes"},
	{23, "RFC 5114's MODP groups have small subgroups and unexplained primes"},
	{24, "RFC 5114's MODP groups have small subgroups and unexplained primes"},
};

int
cfg_dh_group(struct cfg_ctx *c, const struct ynode *v, uint64_t n, uint16_t *out)
{
	for (size_t i = 0; i < CFG_NKEYS(dh_ok); i++) {
		if (n == dh_ok[i]) {
			*out = dh_ok[i];
			return 0;
		}
	}
	for (size_t i = 0; i < CFG_NKEYS(dh_weak); i++)
		if (n == dh_weak[i].group)
			return cfg_err(c, v, "group %u is refused as weak: %s (RFC 8247 section "
					     "2.4; expected one of: %s)", dh_weak[i].group,
				       dh_weak[i].why, cfg_dh_groups);
	return cfg_err(c, v, "unsupported group %" PRIu64 " (expected one of: %s)", n,
		       cfg_dh_groups);
}

/* ---- proposals ---- */

static bool
is_aead(uint16_t encr_id)
{
	return encr_id == IKE_ENCR_AES_GCM_16;
}

static const char *
word_list(const struct cfg_ike_word *w, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; w->word != NULL && used < len; w++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", w->word);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static int
refuse_word(struct cfg_ctx *c, const struct ynode *v, const struct alg_kind *kind, const char *s)
{
	char known[128];

	for (const struct refusal *r = kind->refused; r->word != NULL; r++)
		if (strcmp(s, r->word) == 0)
			return cfg_err(c, v, "%s %s %s", kind->key, r->word, r->why);
	return cfg_err(c, v, "unknown %s '%s' (expected one of: %s)", kind->key, cfg_quote(c, v),
		       word_list(kind->words, known, sizeof(known)));
}

static int
too_many(struct cfg_ctx *c, const struct ynode *v, const char *key)
{
	return cfg_err(c, v, "'%s' lists %u entries (at most %d)", key, v->n, CFG_IKE_ALGS_MAX);
}

static int
duplicate(struct cfg_ctx *c, const struct ynode *v, const struct ynode *first, const char *key,
	  const struct cfg_ike_proposal *p)
{
	return cfg_err(c, v, "duplicate %s %s in proposal '%s' (first at %u:%u)", key,
		       cfg_quote(c, v), p->name, first->line, first->col);
}

/* A list of algorithm words, each known and listed once, into out[] (rows of kind->words). */
static int
alg_list(struct cfg_ctx *c, const struct ynode *v, const struct alg_kind *kind,
	 const struct cfg_ike_proposal *p, const struct cfg_ike_word *out[CFG_IKE_ALGS_MAX],
	 uint8_t *n)
{
	int rc = cfg_expect_seq(c, v, kind->key, true);

	if (rc == 0 && v->n > CFG_IKE_ALGS_MAX)
		rc = too_many(c, v, kind->key);
	for (uint32_t i = 0; rc == 0 && i < v->n; i++) {
		const struct cfg_ike_word *w = kind->words;
		const char *s;

		rc = cfg_str(c, v->kids[i], kind->key, &s);
		if (rc < 0)
			break;
		while (w->word != NULL && strcmp(w->word, s) != 0)
			w++;
		if (w->word == NULL)
			return refuse_word(c, v->kids[i], kind, s);
		for (uint32_t j = 0; j < i; j++)
			if (out[j] == w)
				return duplicate(c, v->kids[i], v->kids[j], kind->key, p);
		out[i] = w;
	}
	if (rc == 0)
		*n = (uint8_t)v->n;
	return rc;
}

/* RFC 7296 section 3.3: an AEAD proposal has no integrity transform, so both kinds cannot mix. */
static int
h_encryption(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_proposal *p = obj;
	const struct cfg_ike_word *w[CFG_IKE_ALGS_MAX];
	int rc = alg_list(c, v, &encr_kind, p, w, &p->n_encr);

	(void)k;
	for (uint8_t i = 0; rc == 0 && i < p->n_encr; i++) {
		p->encr[i] = (struct cfg_ike_encr){w[i]->id, w[i]->bits};
		if (is_aead(w[i]->id) != is_aead(w[0]->id))
			rc = cfg_err(c, v->kids[i], "proposal '%s' mixes AEAD and non-AEAD "
						    "encryption (%s and %s): one IKEv2 proposal "
						    "cannot hold both (RFC 7296 section 3.3; write "
						    "two proposals)", p->name, w[0]->word,
				     w[i]->word);
	}
	return rc;
}

static int
h_integrity(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_proposal *p = obj;
	const struct cfg_ike_word *w[CFG_IKE_ALGS_MAX];
	int rc = alg_list(c, v, &integ_kind, p, w, &p->n_integ);

	(void)k;
	for (uint8_t i = 0; rc == 0 && i < p->n_integ; i++)
		p->integ[i] = w[i]->id;
	if (rc == 0 && is_aead(p->encr[0].id))
		rc = cfg_err(c, v, "proposal '%s' has AEAD encryption (%s), which takes no "
				   "integrity: the cipher authenticates (RFC 7296 section 3.3; "
				   "remove 'integrity')", p->name,
			     cfg_ike_word_of(cfg_ike_encr_words, p->encr[0].id, p->encr[0].bits));
	return rc;
}

static int
h_prf(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_proposal *p = obj;
	const struct cfg_ike_word *w[CFG_IKE_ALGS_MAX];
	int rc = alg_list(c, v, &prf_kind, p, w, &p->n_prf);

	(void)k;
	for (uint8_t i = 0; rc == 0 && i < p->n_prf; i++)
		p->prf[i] = w[i]->id;
	return rc;
}

static int
h_group(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_proposal *p = obj;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc == 0 && v->n > CFG_IKE_ALGS_MAX)
		rc = too_many(c, v, k->name);
	for (uint32_t i = 0; rc == 0 && i < v->n; i++) {
		const struct ynode *x = v->kids[i];
		const char *s;
		uint64_t n;

		rc = cfg_str(c, x, k->name, &s);
		if (rc == 0 && (!x->plain || !cfg_parse_dec(s, &n)))
			rc = cfg_err(c, x, "'%s' must be an unquoted group number, one of: %s (got "
					   "'%s')", k->name, cfg_dh_groups, cfg_quote(c, x));
		if (rc == 0)
			rc = cfg_dh_group(c, x, n, &p->group[i]);
		for (uint32_t j = 0; rc == 0 && j < i; j++)
			if (p->group[j] == p->group[i])
				rc = duplicate(c, v->kids[i], v->kids[j], k->name, p);
	}
	if (rc == 0)
		p->n_group = (uint8_t)v->n;
	return rc;
}

static const struct cfg_key proposal_keys[] = {
	CFG_CUSTOM("encryption", true, h_encryption),
	CFG_CUSTOM("integrity", false, h_integrity),
	CFG_CUSTOM("prf", false, h_prf),
	CFG_CUSTOM("group", true, h_group),
};

/* The PRF of the same hash as an integrity algorithm (IOS's default when prf is left out). */
static uint16_t
prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return IKE_PRF_HMAC_SHA1;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IKE_PRF_HMAC_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IKE_PRF_HMAC_SHA2_384;
	default:
		return IKE_PRF_HMAC_SHA2_512;
	}
}

/* An AEAD proposal without prf offers the SHA-2 PRFs, strongest first, like IOS's default. */
static const uint16_t aead_prfs[] = {IKE_PRF_HMAC_SHA2_512, IKE_PRF_HMAC_SHA2_384,
				     IKE_PRF_HMAC_SHA2_256};

static int
finish_proposal(struct cfg_ctx *c, const struct ynode *v, struct cfg_ike_proposal *p)
{
	bool aead = is_aead(p->encr[0].id);

	if (!aead && p->n_integ == 0)
		return cfg_err(c, v, "proposal '%s' has no integrity for %s (expected "
				     "'integrity', e.g. [sha256]: only AEAD ciphers go without)",
			       p->name,
			       cfg_ike_word_of(cfg_ike_encr_words, p->encr[0].id, p->encr[0].bits));
	if (p->n_prf > 0)
		return 0;
	if (aead) {
		memcpy(p->prf, aead_prfs, sizeof(aead_prfs));
		p->n_prf = CFG_NKEYS(aead_prfs);
	} else {
		for (uint8_t i = 0; i < p->n_integ; i++)
			p->prf[i] = prf_of_integ(p->integ[i]);
		p->n_prf = p->n_integ;
	}
	return 0;
}

/*
 * IOS XE's defaults without group 5: AES-CBC-256 with SHA-512/384/256, and
 * AES-GCM-256/128; PRFs SHA-512/384/256; groups 19, 20, 21, 14, 31.
 */
static void
builtin_proposal(struct cfg_ike_proposal *p, const char *name)
{
	static const uint16_t groups[] = {IKE_DH_ECP256, IKE_DH_ECP384, IKE_DH_ECP521,
					  IKE_DH_MODP2048, IKE_DH_CURVE25519};
	static const uint16_t integ[] = {IKE_INTEG_HMAC_SHA2_512_256, IKE_INTEG_HMAC_SHA2_384_192,
					 IKE_INTEG_HMAC_SHA2_256_128};

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (strcmp(name, BUILTIN_CBC) == 0) {
		p->encr[p->n_encr++] = (struct cfg_ike_encr){IKE_ENCR_AES_CBC, 256};
		memcpy(p->integ, integ, sizeof(integ));
		p->n_integ = CFG_NKEYS(integ);
	} else {
		p->encr[p->n_encr++] = (struct cfg_ike_encr){IKE_ENCR_AES_GCM_16, 256};
		p->encr[p->n_encr++] = (struct cfg_ike_encr){IKE_ENCR_AES_GCM_16, 128};
	}
	memcpy(p->prf, aead_prfs, sizeof(aead_prfs));
	p->n_prf = CFG_NKEYS(aead_prfs);
	memcpy(p->group, groups, sizeof(groups));
	p->n_group = CFG_NKEYS(groups);
}

/*
 * The index of proposal name. "default" and "default-gcm", unless the file
 * defines them (as IOS lets one redefine "crypto ikev2 proposal default"),
 * are the built-ins, added on first use; the array always has room for them.
 * *idx is CFG_NONE for any other unknown name.
 */
static int
proposal_index(struct cfg_ctx *c, const struct ynode *at, const char *name, uint32_t *idx)
{
	struct cfg_ikev2 *ik = &c->cfg->ikev2;

	for (*idx = 0; *idx < ik->n_proposals; (*idx)++)
		if (strcmp(ik->proposals[*idx].name, name) == 0)
			return 0;
	*idx = CFG_NONE;
	if (strcmp(name, BUILTIN_CBC) != 0 && strcmp(name, BUILTIN_GCM) != 0)
		return 0;
	if (ik->proposals == NULL &&
	    (ik->proposals = calloc(N_BUILTIN, sizeof(*ik->proposals))) == NULL)
		return cfg_nomem(c, at);
	builtin_proposal(&ik->proposals[ik->n_proposals], name);
	*idx = ik->n_proposals++;
	return 0;
}

static int
h_proposals(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ikev2 *ik = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	ik->proposals = calloc(n + N_BUILTIN, sizeof(*ik->proposals));
	if (ik->proposals == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		struct cfg_ike_proposal *p = &ik->proposals[i];
		const struct ynode *key = ynode_map_key(v, i), *val = ynode_map_val(v, i);

		ik->n_proposals++;
		p->pos = (struct cfg_pos){key->line, key->col};
		rc = cfg_name(c, key, "ikev2 proposal name", "", p->name);
		if (rc == 0)
			rc = cfg_walk(c, val, "ikev2 proposal", proposal_keys,
				      CFG_NKEYS(proposal_keys), p);
		if (rc == 0)
			rc = finish_proposal(c, val, p);
	}
	return rc;
}

/* ---- policies ---- */

static int
h_policy_proposals(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_policy *pol = obj;
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc < 0)
		return rc;
	pol->proposals = calloc(v->n, sizeof(*pol->proposals));
	if (pol->proposals == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		const char *s;
		uint32_t idx;

		rc = cfg_str(c, v->kids[i], "proposals", &s);
		if (rc == 0)
			rc = proposal_index(c, v->kids[i], s, &idx);
		if (rc == 0 && idx == CFG_NONE)
			return cfg_err(c, v->kids[i], "ikev2 proposal '%s' not found (defined: %s; "
						      "built in: %s, %s)", cfg_quote(c, v->kids[i]),
				       cfg_list_names(c, ik->proposals, ik->n_proposals,
						      sizeof(*ik->proposals),
						      offsetof(struct cfg_ike_proposal, name)),
				       BUILTIN_CBC, BUILTIN_GCM);
		for (uint32_t j = 0; rc == 0 && j < i; j++)
			if (pol->proposals[j] == idx)
				rc = cfg_err(c, v->kids[i], "proposal '%s' is listed twice in policy "
							    "'%s' (first at %u:%u)", s, pol->name,
					     v->kids[j]->line, v->kids[j]->col);
		if (rc == 0)
			pol->proposals[pol->n_proposals++] = idx;
	}
	return rc;
}

/* A local address belongs to one policy at most, so the policy for an IKE SA is never in doubt. */
static int
h_match_local(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ike_policy *pol = obj;
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;
	int rc = cfg_expect_seq(c, v, k->name, true);

	if (rc < 0)
		return rc;
	pol->match_local = calloc(v->n, sizeof(*pol->match_local));
	if (pol->match_local == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		char a[IP4_STRLEN];
		uint32_t addr;

		rc = cfg_ip4(c, v->kids[i], k->name, &addr);
		for (uint32_t j = 0; rc == 0 && j < i; j++)
			if (pol->match_local[j] == addr)
				rc = cfg_err(c, v->kids[i], "duplicate match_local %s in policy '%s' "
							    "(first at %u:%u)", ip4_str(addr, a),
					     pol->name, v->kids[j]->line, v->kids[j]->col);
		for (const struct cfg_ike_policy *o = ik->policies; rc == 0 && o < pol; o++)
			for (uint32_t j = 0; rc == 0 && j < o->n_match_local; j++)
				if (o->match_local[j] == addr)
					rc = cfg_err(c, v->kids[i], "local address %s is already "
								    "matched by policy '%s' (at %u:%u)",
						     ip4_str(addr, a), o->name, o->pos.line,
						     o->pos.col);
		if (rc == 0)
			pol->match_local[pol->n_match_local++] = addr;
	}
	return rc;
}

static const struct cfg_key policy_keys[] = {
	CFG_CUSTOM("proposals", true, h_policy_proposals),
	CFG_CUSTOM("match_local", false, h_match_local),
};

/* At most one policy matches any local address: the fallback must be unique too. */
static int
check_catch_all(struct cfg_ctx *c, const struct ynode *key, const struct cfg_ike_policy *pol)
{
	const struct cfg_ikev2 *ik = &c->cfg->ikev2;

	if (pol->n_match_local > 0)
		return 0;
	for (const struct cfg_ike_policy *o = ik->policies; o < pol; o++)
		if (o->n_match_local == 0)
			return cfg_err(c, key, "policies '%s' (at %u:%u) and '%s' both match any "
					       "local address (expected match_local on all but "
					       "one)", o->name, o->pos.line, o->pos.col, pol->name);
	return 0;
}

static int
h_policies(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ikev2 *ik = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	ik->policies = calloc(n, sizeof(*ik->policies));
	if (ik->policies == NULL)
		return cfg_nomem(c, v);
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		struct cfg_ike_policy *pol = &ik->policies[i];
		const struct ynode *key = ynode_map_key(v, i);

		ik->n_policies++;
		pol->pos = (struct cfg_pos){key->line, key->col};
		rc = cfg_name(c, key, "ikev2 policy name", "", pol->name);
		if (rc == 0)
			rc = cfg_walk(c, ynode_map_val(v, i), "ikev2 policy", policy_keys,
				      CFG_NKEYS(policy_keys), pol);
		if (rc == 0)
			rc = check_catch_all(c, key, pol);
	}
	return rc;
}

/* ---- the section ---- */

static const struct cfg_key retransmit_keys[] = {
	CFG_U32("interval_ms", false, struct cfg_ikev2, retransmit_ms, 100, 60000),
	CFG_U32("tries", false, struct cfg_ikev2, retransmit_tries, 0, 10),
};

static int
h_retransmit(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_walk(c, v, k->name, retransmit_keys, CFG_NKEYS(retransmit_keys), obj);
}

/* IOS "crypto isakmp nat keepalive 5..3600"; 0 turns keepalives off. */
static int
h_nat_keepalive(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const char range[] = "0 or 5..3600";
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, 0, 3600, range, &n);

	if (rc == 0 && n > 0 && n < 5)
		rc = cfg_err(c, v, "'%s' must be %s (got %s)", k->name, range, v->str);
	if (rc == 0)
		*(uint32_t *)((char *)obj + k->off) = (uint32_t)n;
	return rc;
}

/*
 * IOS "crypto ikev2 fragmentation [mtu N]": present turns RFC 7383 fragmentation on, mtu
 * defaults to IOS's 576 (RFC 7383 section 2.5.1 for IPv4). IOS takes 68..1500; below 256
 * an IPv4 fragment has no room for payload once the headers, IV and ICV are counted, and
 * jumbo frames may want more than 1500.
 */
#define FRAG_MTU_DEFAULT 576

static const struct cfg_key frag_keys[] = {
	CFG_U32("mtu", false, struct cfg_ikev2, frag_mtu, 256, 9000),
};

static int
h_fragmentation(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_ikev2 *ik = obj;

	ik->frag_mtu = FRAG_MTU_DEFAULT;
	return cfg_walk(c, v, k->name, frag_keys, CFG_NKEYS(frag_keys), obj);
}

/* Table order is resolution order: policies name proposals, profiles name keyrings. */
static const struct cfg_key ikev2_keys[] = {
	CFG_CUSTOM("proposals", false, h_proposals),
	CFG_CUSTOM("policies", false, h_policies),
	CFG_CUSTOM("keyrings", false, cfg_h_keyrings),
	CFG_CUSTOM("profiles", false, cfg_h_profiles),
	CFG_CUSTOM("retransmit", false, h_retransmit),
	CFG_U32("cookie_threshold", false, struct cfg_ikev2, cookie_threshold, 0, 1000000),
	CFG_U32("half_open_max", false, struct cfg_ikev2, half_open_max, 1, 1000000),
	{"nat_keepalive", false, h_nat_keepalive, offsetof(struct cfg_ikev2, nat_keepalive), 0, 0,
	 NULL},
	CFG_U32("delete_rekeyed_delay", false, struct cfg_ikev2, delete_rekeyed_delay, 0, 300),
	CFG_CUSTOM("fragmentation", false, h_fragmentation),
};

int
cfg_h_ikev2(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, ikev2_keys, CFG_NKEYS(ikev2_keys), &cfg->ikev2);
}

void
cfg_ikev2_defaults(struct cfg_ikev2 *k)
{
	k->retransmit_ms = 1000;
	k->retransmit_tries = 5;
	k->cookie_threshold = 64;
	k->half_open_max = 1024;
	k->nat_keepalive = 20;
	k->delete_rekeyed_delay = 5;
}

/* IOS: "the default IKEv2 policy is used in the absence of any user-configured policy". */
static int
default_policy(struct cfg_ctx *c)
{
	static const char *const names[N_BUILTIN] = {BUILTIN_CBC, BUILTIN_GCM};
	struct cfg_ikev2 *ik = &c->cfg->ikev2;
	struct cfg_ike_policy *pol;
	int rc = 0;

	ik->policies = calloc(1, sizeof(*ik->policies));
	if (ik->policies == NULL)
		return cfg_nomem(c, NULL);
	pol = &ik->policies[0];
	ik->n_policies = 1;
	snprintf(pol->name, sizeof(pol->name), BUILTIN_POLICY);
	pol->proposals = calloc(N_BUILTIN, sizeof(*pol->proposals));
	if (pol->proposals == NULL)
		return cfg_nomem(c, NULL);
	for (uint32_t i = 0; i < N_BUILTIN && rc == 0; i++)
		rc = proposal_index(c, NULL, names[i], &pol->proposals[pol->n_proposals++]);
	return rc;
}

static bool
is_outside_addr(const struct dpsec_config *cfg, uint32_t addr)
{
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].role == CFG_ROLE_OUTSIDE && cfg->interfaces[i].addr == addr)
			return true;
	return false;
}

/* The node of match_local[j] of the i-th configured policy, for the message. */
static const struct ynode *
match_local_node(const struct ynode *root, uint32_t i, uint32_t j)
{
	const struct ynode *v = ynode_map_get(root, "ikev2");

	v = v != NULL ? ynode_map_get(v, "policies") : NULL;
	v = v != NULL && i < ynode_map_len(v) ? ynode_map_get(ynode_map_val(v, i), "match_local")
					      : NULL;
	return v != NULL && j < v->n ? v->kids[j] : NULL;
}

/* "192.0.2.2, 198.51.100.2" into c->list, for the message. */
static const char *
outside_addrs(struct cfg_ctx *c)
{
	const struct dpsec_config *cfg = c->cfg;
	size_t used = 0;

	snprintf(c->list, sizeof(c->list), "none");
	for (uint32_t i = 0; i < cfg->n_interfaces && used < sizeof(c->list); i++) {
		char a[IP4_STRLEN];
		int n;

		if (cfg->interfaces[i].role != CFG_ROLE_OUTSIDE)
			continue;
		n = snprintf(c->list + used, sizeof(c->list) - used, "%s%s", used ? ", " : "",
			     ip4_str(cfg->interfaces[i].addr, a));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return c->list;
}

/* A policy for an address no outside interface has would never be used: a typo. */
static int
check_match_local(struct cfg_ctx *c, const struct ynode *root)
{
	const struct dpsec_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->ikev2.n_policies; i++) {
		const struct cfg_ike_policy *pol = &cfg->ikev2.policies[i];

		for (uint32_t j = 0; j < pol->n_match_local; j++) {
			char a[IP4_STRLEN];

			if (is_outside_addr(cfg, pol->match_local[j]))
				continue;
			return cfg_err(c, match_local_node(root, i, j),
				       "match_local %s of policy '%s' is not the address of an "
				       "outside interface (outside: %s)",
				       ip4_str(pol->match_local[j], a), pol->name, outside_addrs(c));
		}
	}
	return 0;
}

int
cfg_ikev2_finish(struct cfg_ctx *c, const struct ynode *root)
{
	int rc = 0;

	if (c->cfg->ikev2.n_policies == 0)
		rc = default_policy(c);
	return rc < 0 ? rc : check_match_local(c, root);
}

void
cfg_ikev2_free(struct cfg_ikev2 *k)
{
	free(k->proposals);
	for (uint32_t i = 0; i < k->n_policies; i++) {
		free(k->policies[i].proposals);
		free(k->policies[i].match_local);
	}
	free(k->policies);
	/* wipes the pre-shared keys */
	for (uint32_t i = 0; i < k->n_keyrings; i++)
		secret_mem_free(k->keyrings[i].peers,
				k->keyrings[i].n_peers * sizeof(*k->keyrings[i].peers));
	free(k->keyrings);
	for (uint32_t i = 0; i < k->n_profiles; i++)
		free(k->profiles[i].match_remote);
	free(k->profiles);
}
