/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * transform_sets: IOS "crypto ipsec transform-set NAME <transforms>" with
 * "mode tunnel". Transform words are looked up in the dp_cipher_info and
 * dp_auth_info tables (xform.h), so the config accepts exactly what the
 * dataplane implements; everything else gets a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "config_priv.h"

_Static_assert(sizeof(enum cfg_mode) == sizeof(int), "cfg_h_word writes an int");

#define XF_WORD_MAX 32

/* IOS defaults the key size when it is left out. */
static const struct {
	const char *word;
	const char *full;
} xf_defaults[] = {
	{"esp-gcm", "esp-gcm 128"},
	{"esp-aes", "esp-aes 128"},
};

/* Known transforms we refuse, each with its reason. prefix: matches "ah-..." too. */
static const struct {
	const char *word;
	bool prefix;
	const char *why;
} xf_refused[] = {
	{"esp-des", false, "is not supported: DES and 3DES are insecure (use esp-gcm 128/256 or "
			   "esp-aes 128/256 with esp-sha256-hmac)"},
	{"esp-3des", false, "is not supported: DES and 3DES are insecure (use esp-gcm 128/256 or "
			    "esp-aes 128/256 with esp-sha256-hmac)"},
	{"esp-md5-hmac", false, "is not supported: HMAC-MD5 is insecure (use esp-sha256-hmac or "
				"esp-sha512-hmac)"},
	{"esp-aes 192", false, "is not supported: only 128- and 256-bit AES keys are implemented "
			       "(use esp-aes 128 or esp-aes 256)"},
	{"esp-gcm 192", false, "is not supported: only 128- and 256-bit AES keys are implemented "
			       "(use esp-gcm 128 or esp-gcm 256)"},
	{"ah-md5-hmac", false, "is not supported: HMAC-MD5 is insecure (use ah-sha256-hmac or "
			       "ah-sha512-hmac)"},
};

struct xf {
	int cipher;	/* enum dp_cipher, or -1 */
	int auth;	/* enum dp_auth, or -1 */
	int ah;		/* enum dp_auth of an AH transform, or -1 */
};

/*
 * "esp-aes   256" -> "esp-aes 256"; false if more than two words or too long.
 * Unprintable bytes become '?' so the word can go into a one-line message.
 */
static bool
normalize(const char *s, char out[XF_WORD_MAX])
{
	size_t n = 0;
	int words = 0;

	while (*s != '\0') {
		size_t len;

		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (len == 0)
			break;
		if (++words > 2 || n + len + 2 > XF_WORD_MAX)
			return false;
		if (n > 0)
			out[n++] = ' ';
		for (size_t i = 0; i < len; i++)
			out[n++] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '?';
		s += len;
	}
	out[n] = '\0';
	return n > 0;
}

static const char *
known_words(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	/* ciphers, then the ESP HMACs, then the AH ones */
	for (int i = 0; i < DP_CIPHER__COUNT + 2 * DP_AUTH__COUNT && used < len; i++) {
		int a = (i - DP_CIPHER__COUNT) % DP_AUTH__COUNT;
		const char *w = i < DP_CIPHER__COUNT			   ? dp_cipher_info[i].ios
				: i < DP_CIPHER__COUNT + DP_AUTH__COUNT ? dp_auth_info[a].ios
									: dp_auth_info[a].ios_ah;
		int n;

		if (w[0] == '\0')
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", w);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static int
classify(struct cfg_ctx *c, const struct ynode *v, struct xf *x)
{
	char w[XF_WORD_MAX], known[384];
	const char *s;
	int rc = cfg_str(c, v, "transforms", &s);

	if (rc < 0)
		return rc;
	x->cipher = x->auth = x->ah = -1;
	if (!normalize(s, w))
		goto unknown;
	for (size_t i = 0; i < CFG_NKEYS(xf_defaults); i++)
		if (strcmp(w, xf_defaults[i].word) == 0)
			snprintf(w, sizeof(w), "%s", xf_defaults[i].full);
	for (int i = 0; i < DP_CIPHER__COUNT; i++)
		if (strcmp(w, dp_cipher_info[i].ios) == 0)
			x->cipher = i;
	for (int i = 1; i < DP_AUTH__COUNT; i++)
		if (strcmp(w, dp_auth_info[i].ios) == 0)
			x->auth = i;
		else if (strcmp(w, dp_auth_info[i].ios_ah) == 0)
			x->ah = i;
	if (x->cipher >= 0 || x->auth >= 0 || x->ah >= 0)
		return 0;
	for (size_t i = 0; i < CFG_NKEYS(xf_refused); i++) {
		size_t len = strlen(xf_refused[i].word);

		if (strncmp(w, xf_refused[i].word, len) == 0 &&
		    (xf_refused[i].prefix || w[len] == '\0'))
			return cfg_err(c, v, "%s %s",
				       ytree_looks_secret(w, strlen(w)) ? "(hidden)" : w,
				       xf_refused[i].why);
	}
unknown:
	return cfg_err(c, v, "unknown transform '%s' (expected one of: %s)", cfg_quote(c, v),
		       known_words(known, sizeof(known)));
}

/* A second AH transform: one HMAC per AH header. */
static int
ah_twice(struct cfg_ctx *c, const struct ynode *v, const struct cfg_transform_set *ts, int a,
	 int b)
{
	return cfg_err(c, v, "transform set '%s' has more than one AH transform (%s and %s)",
		       ts->name, dp_auth_info[a].ios_ah, dp_auth_info[b].ios_ah);
}

/* AH alone: its HMAC is the set's, no cipher (RFC 4302: integrity only). */
static void
ah_alone(struct cfg_transform_set *ts, int ah)
{
	ts->proto = IPPROTO_AH;
	ts->cipher = DP_CIPHER_NULL;
	ts->auth = (enum dp_auth)ah;
}

/* The ESP transforms, alone or inside an AH (a bundle): the same rules either way. */
static int
esp_rules(struct cfg_ctx *c, const struct ynode *v, const struct cfg_transform_set *ts,
	  const struct ynode *cnode, const struct ynode *anode, bool bundle)
{
	if (cnode == NULL)
		return cfg_err(c, v, "transform set '%s' has no encryption transform (expected "
				     "esp-gcm, esp-aes or esp-null)", ts->name);
	if (dp_cipher_info[ts->cipher].aead && anode != NULL)
		return cfg_err(c, anode, "esp-gcm is a combined-mode cipher; remove %s",
			       dp_auth_info[ts->auth].ios);
	/* inside AH too: IOS would take "ah-sha-hmac esp-aes", we keep ESP's own ICV */
	if (!dp_cipher_info[ts->cipher].aead && anode == NULL)
		return cfg_err(c, v, "%s needs an HMAC: confidentiality-only ESP is refused%s "
				     "(add esp-sha256-hmac)", dp_cipher_info[ts->cipher].ios,
			       bundle ? ", inside AH too" : "");
	return 0;
}

/*
 * Exactly one encryption transform; esp-gcm carries its own ICV (RFC 4106) so
 * takes no HMAC; esp-aes and esp-null need exactly one, because ESP without
 * integrity is open to active attacks that recover plaintext. Or one AH
 * transform alone (RFC 4302), or one AH transform beside those ESP transforms:
 * an AH+ESP bundle (RFC 4301 section 4.5, ESP inside, AH outside), in any
 * order, as IOS takes "ah-sha256-hmac esp-gcm 256".
 */
static int
h_transforms(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_transform_set *ts = obj;
	const struct ynode *cnode = NULL, *anode = NULL;
	int rc = cfg_expect_seq(c, v, k->name, true), ah = -1;

	for (uint32_t i = 0; rc == 0 && i < v->n; i++) {
		struct xf x;

		rc = classify(c, v->kids[i], &x);
		if (rc == 0 && x.ah >= 0 && ah >= 0)
			rc = ah_twice(c, v->kids[i], ts, ah, x.ah);
		if (rc == 0 && x.cipher >= 0 && cnode != NULL)
			rc = cfg_err(c, v->kids[i], "transform set '%s' has more than one "
						    "encryption transform (%s and %s)", ts->name,
				     dp_cipher_info[ts->cipher].ios, dp_cipher_info[x.cipher].ios);
		if (rc == 0 && x.auth >= 0 && anode != NULL)
			rc = cfg_err(c, v->kids[i], "transform set '%s' has more than one HMAC "
						    "(%s and %s)", ts->name,
				     dp_auth_info[ts->auth].ios, dp_auth_info[x.auth].ios);
		if (rc == 0 && x.ah >= 0)
			ah = x.ah;
		if (rc == 0 && x.cipher >= 0) {
			ts->cipher = (enum dp_cipher)x.cipher;
			cnode = v->kids[i];
		}
		if (rc == 0 && x.auth >= 0) {
			ts->auth = (enum dp_auth)x.auth;
			anode = v->kids[i];
		}
	}
	if (rc < 0)
		return rc;
	if (ah >= 0 && cnode == NULL && anode == NULL) {
		ah_alone(ts, ah);
		return 0;
	}
	if (ah >= 0 && cnode == NULL)
		return cfg_err(c, v, "transform set '%s': %s beside %s makes an AH+ESP bundle, "
				     "which needs an encryption transform (expected esp-gcm, "
				     "esp-aes or esp-null)", ts->name, dp_auth_info[ah].ios_ah,
			       dp_auth_info[ts->auth].ios);
	rc = esp_rules(c, v, ts, cnode, anode, ah >= 0);
	if (rc == 0 && ah >= 0)
		ts->ah_auth = (enum dp_auth)ah;
	return rc;
}

static int
h_mode(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const struct cfg_word modes[] = {{"tunnel", CFG_MODE_TUNNEL}, {NULL, 0}};
	const struct cfg_key row = CFG_WORD("mode", false, struct cfg_transform_set, mode, modes);

	(void)k;
	if (v->type == YNODE_SCALAR && strcmp(v->str, "transport") == 0)
		return cfg_err(c, v, "transport mode is not supported yet (expected tunnel)");
	return cfg_h_word(c, &row, v, obj);
}

static const struct cfg_key ts_keys[] = {
	CFG_CUSTOM("transforms", true, h_transforms),
	CFG_CUSTOM("mode", false, h_mode),
	CFG_BOOL("esn", false, struct cfg_transform_set, esn),
};

int
cfg_h_transform_sets(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
		     void *obj)
{
	struct dpsec_config *cfg = obj;
	int rc = cfg_expect_map(c, v, k->name);
	uint32_t n;

	if (rc < 0 || (n = ynode_map_len(v)) == 0)
		return rc;
	cfg->transform_sets = calloc(n, sizeof(*cfg->transform_sets));
	if (cfg->transform_sets == NULL)
		return cfg_nomem(c, v);
	cfg->n_transform_sets = n;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		struct cfg_transform_set *ts = &cfg->transform_sets[i];
		const struct ynode *key = ynode_map_key(v, i);

		ts->pos = (struct cfg_pos){key->line, key->col};
		ts->proto = IPPROTO_ESP;
		ts->auth = DP_AUTH_NONE;
		ts->ah_auth = DP_AUTH_NONE;
		ts->mode = CFG_MODE_TUNNEL;
		rc = cfg_name(c, key, "transform set name", "", ts->name);
		if (rc == 0)
			rc = cfg_walk(c, ynode_map_val(v, i), "transform set", ts_keys,
				      CFG_NKEYS(ts_keys), ts);
	}
	return rc;
}
