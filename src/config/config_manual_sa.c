/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * manual_sas: SAs keyed by hand, the YAML form of IOS "crypto map NAME SEQ
 * ipsec-manual" with "set session-key inbound|outbound esp SPI cipher KEY
 * authenticator KEY", or of a tunnel's "tunnel protection" (tunnel: TunnelN).
 * Used by tests and benchmarks that run without IKE.
 *
 * Key material is only ever copied into struct secret; no message here prints
 * a key, only its expected and actual lengths.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "dpsec/hex.h"
#include "config_priv.h"

_Static_assert(sizeof(enum cfg_dir) == sizeof(int), "cfg_h_word writes an int");

static const struct cfg_word dirs[] = {
	{"inbound", CFG_DIR_IN},
	{"in", CFG_DIR_IN},
	{"outbound", CFG_DIR_OUT},
	{"out", CFG_DIR_OUT},
	{NULL, 0},
};

uint32_t
config_manual_sa_ts(const struct dpsec_config *cfg, const struct cfg_manual_sa *sa)
{
	if (sa->tunnel < cfg->n_tunnels)
		return cfg->tunnels[sa->tunnel].transform_set;
	return cfg->crypto_maps[sa->map].entries[sa->entry].transform_set;
}

/* The transform set of the crypto map entry or tunnel the SA keys. */
static const struct cfg_transform_set *
sa_ts(const struct cfg_ctx *c, const struct cfg_manual_sa *sa)
{
	return &c->cfg->transform_sets[config_manual_sa_ts(c->cfg, sa)];
}

static int
h_map(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct dpsec_config *cfg = c->cfg;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (sa->map = 0; sa->map < cfg->n_crypto_maps; sa->map++)
		if (strcmp(cfg->crypto_maps[sa->map].name, s) == 0)
			break;
	if (sa->map == cfg->n_crypto_maps)
		return cfg_err(c, v, "crypto map '%s' not found (defined: %s)", cfg_quote(c, v),
			       cfg_list_names(c, cfg->crypto_maps, cfg->n_crypto_maps,
					      sizeof(*cfg->crypto_maps),
					      offsetof(struct cfg_crypto_map, name)));
	if (cfg->crypto_maps[sa->map].iface == CFG_NONE)
		return cfg_err(c, v, "crypto map '%s' is not applied to any interface (a manual SA "
				     "takes its local address from the map's outside interface)", s);
	sa->local = cfg->interfaces[cfg->crypto_maps[sa->map].iface].addr;
	return 0;
}

/*
 * tunnel: Tunnel1, in place of crypto_map and seq: the SA is the tunnel's
 * ("tunnel protection"), from its source address to its destination.
 */
static int
h_tunnel(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_tunnel *t;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	sa->tunnel = cfg_tunnel_find(c->cfg, s);
	if (sa->tunnel == CFG_NONE)
		return cfg_tunnel_not_found(c, v);
	t = &c->cfg->tunnels[sa->tunnel];
	if (t->ike.ikev2_profile != CFG_NONE)
		return cfg_err(c, v,
			       "tunnel %s is negotiated by IKE (ikev2_profile '%s', tunnel "
			       "at %u:%u): a manual SA cannot key it too (remove one of them)",
			       t->name, c->cfg->ikev2.profiles[t->ike.ikev2_profile].name,
			       t->pos.line, t->pos.col);
	sa->map = CFG_NONE;
	sa->local = t->source;
	sa->peer = t->destination;
	/* ipsec ipv6: the endpoints are the tunnel's source6 and destination6 (config.h) */
	sa->v6 = t->mode == CFG_TUNNEL_IPSEC_IPV6;
	return 0;
}

/* Two owners of one entry's SAs: IKE would install its own over the hand-keyed ones. */
static int
check_not_ike(struct cfg_ctx *c, const struct ynode *v, const struct cfg_crypto_map *m,
	      const struct cfg_map_entry *e)
{
	if (e->ikev2_profile == CFG_NONE)
		return 0;
	return cfg_err(c, v, "crypto map '%s' seq %u is negotiated by IKE (ikev2_profile '%s', "
			     "entry at %u:%u): a manual SA cannot key it too (remove one of them)",
		       m->name, e->seq, c->cfg->ikev2.profiles[e->ikev2_profile].name, e->pos.line,
		       e->pos.col);
}

static int
h_seq(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_crypto_map *m = &c->cfg->crypto_maps[sa->map];
	char seqs[256];
	size_t used = 0;
	uint64_t seq;
	int rc = cfg_uint(c, v, k->name, 1, 65535, NULL, &seq);

	if (rc < 0)
		return rc;
	for (sa->entry = 0; sa->entry < m->n_entries; sa->entry++) {
		if (m->entries[sa->entry].seq == seq) {
			sa->peer = m->entries[sa->entry].peer;
			/* IPv6 endpoints are the interface's address6 and peer6 (config.h) */
			sa->v6 = m->entries[sa->entry].peer_v6;
			if (sa->v6)
				sa->local = 0;
			return check_not_ike(c, v, m, &m->entries[sa->entry]);
		}
	}
	seqs[0] = '\0';
	for (uint32_t i = 0; i < m->n_entries && used < sizeof(seqs); i++) {
		int n = snprintf(seqs + used, sizeof(seqs) - used, "%s%u", i ? ", " : "",
				 m->entries[i].seq);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return cfg_err(c, v, "crypto map '%s' has no entry with seq %" PRIu64 " (defined: %s)",
		       m->name, seq, seqs);
}

/* RFC 4303 section 2.1 (RFC 4302 2.4 for AH): 0 is reserved for local use, 1..255 by IANA. */
static int
parse_spi(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, uint32_t *out,
	  struct cfg_pos *pos)
{
	uint64_t spi;
	int rc = cfg_uint(c, v, k->name, 0, UINT32_MAX, "256..4294967295", &spi);

	if (rc < 0)
		return rc;
	if (spi == 0)
		return cfg_err(c, v, "SPI 0 is reserved for local use (RFC 4303 section 2.1; "
				     "expected 256..4294967295)");
	if (spi < 256)
		return cfg_err(c, v, "SPI %" PRIu64 " is in 1..255, reserved by IANA (RFC 4303 "
				     "section 2.1; expected 256..4294967295)", spi);
	*out = (uint32_t)spi;
	*pos = (struct cfg_pos){v->line, v->col};
	return 0;
}

static int
h_spi(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;

	return parse_spi(c, k, v, &sa->spi, &sa->spi_pos);
}

/* A key that only an AH+ESP bundle's SA has (its AH half). */
static int
bundle_only(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
	    const struct cfg_transform_set *ts)
{
	if (cfg_ts_bundle(ts))
		return 0;
	return cfg_err(c, v, "'%s' applies to AH+ESP bundles only (transform set %s is not one: "
			     "its SAs have one SPI, 'spi', and their keys are 'cipher_key' and "
			     "'auth_key')", k->name, ts->name);
}

static int
h_ah_spi(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	int rc = bundle_only(c, k, v, sa_ts(c, sa));

	return rc < 0 ? rc : parse_spi(c, k, v, &sa->ah_spi, &sa->ah_spi_pos);
}

/*
 * Hex key of exactly need bytes into sec. what_len describes the expected
 * length for messages; the value itself is never echoed.
 */
static int
parse_key(struct cfg_ctx *c, const struct ynode *v, const char *what, size_t need,
	  const char *what_len, struct secret *sec)
{
	const char *s, *digits;
	size_t n, len = 0;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0)
		return rc;
	digits = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
	n = strlen(digits);
	if (strspn(digits, "0123456789abcdefABCDEF") != n)
		return cfg_err(c, v, "%s must be %zu hex digits (%s), got a non-hex character",
			       what, 2 * need, what_len);
	if (n != 2 * need)
		return cfg_err(c, v, "%s must be %zu hex digits (%s), got %zu", what, 2 * need,
			       what_len, n);
	if (!hex_decode(s, sec->b, sizeof(sec->b), &len) || len != need) {
		secret_wipe(sec);
		return cfg_err(c, v, "%s is not valid hex", what);
	}
	sec->len = (uint8_t)len;
	return 0;
}

static int
h_cipher_key(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	const struct dp_cipher_info *ci = &dp_cipher_info[ts->cipher];
	char what_len[96];

	if (ci->key_len + ci->salt_len == 0) {
		if (ynode_is_null(v) || (v->type == YNODE_SCALAR && v->len == 0))
			return 0;
		return cfg_err(c, v, "%s must be empty for %s (it has no cipher key)", k->name,
			       ci->ios);
	}
	if (ci->salt_len > 0)
		snprintf(what_len, sizeof(what_len), "%u bytes: %u-byte key + %u-byte salt for %s",
			 (unsigned int)(ci->key_len + ci->salt_len), ci->key_len, ci->salt_len,
			 ci->ios);
	else
		snprintf(what_len, sizeof(what_len), "%u bytes for %s", ci->key_len, ci->ios);
	return parse_key(c, v, k->name, ci->key_len + ci->salt_len, what_len, &sa->cipher_key);
}

/* An HMAC key: as long as HMAC a takes; word names the transform in messages. */
static int
hmac_key(struct cfg_ctx *c, const struct ynode *v, const char *name, enum dp_auth a,
	 const char *word, struct secret *sec)
{
	char what_len[64];

	snprintf(what_len, sizeof(what_len), "%u bytes for %s", dp_auth_info[a].key_len, word);
	return parse_key(c, v, name, dp_auth_info[a].key_len, what_len, sec);
}

static int
h_auth_key(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	const struct dp_auth_info *ai = &dp_auth_info[ts->auth];

	if (ts->auth == DP_AUTH_NONE)
		return cfg_err(c, v, "%s is not allowed with %s (a combined-mode cipher has no "
				     "separate HMAC key%s)", k->name,
			       dp_cipher_info[ts->cipher].ios,
			       cfg_ts_bundle(ts) ? "; the AH key is 'ah_auth_key'" : "");
	return hmac_key(c, v, k->name, ts->auth, ts->proto == IPPROTO_AH ? ai->ios_ah : ai->ios,
			&sa->auth_key);
}

/* The HMAC key of a bundle's AH SA. */
static int
h_ah_auth_key(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	int rc = bundle_only(c, k, v, ts);

	if (rc < 0)
		return rc;
	return hmac_key(c, v, k->name, ts->ah_auth, dp_auth_info[ts->ah_auth].ios_ah,
			&sa->ah_auth_key);
}

/*
 * The dataplane recognises ESP-in-UDP by destination port 4500 (RFC 3948),
 * so an SA expecting another local port would never see a packet.
 */
static int
h_local_port(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	int rc = cfg_h_u16(c, k, v, obj);

	if (rc == 0 && sa->local_port != 4500)
		rc = cfg_err(c, v, "'local_port' must be 4500: the gateway receives ESP-in-UDP on "
				   "UDP port 4500 only (RFC 3948; got %u)", sa->local_port);
	return rc;
}

static const struct cfg_key udp_keys[] = {
	{"local_port", false, h_local_port, offsetof(struct cfg_manual_sa, local_port), 1, 65535,
	 NULL},
	CFG_U16("peer_port", false, struct cfg_manual_sa, peer_port, 1, 65535),
};

/* true | false | {local_port, peer_port}: ESP-in-UDP (RFC 3948). */
static int
h_udp_encap(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	int rc;

	if (v->type != YNODE_MAP)
		rc = cfg_bool(c, v, k->name, &sa->udp_encap);
	else
		rc = 0, sa->udp_encap = true;
	/* RFC 3948 encapsulates ESP only: AH's ICV covers the addresses a NAT rewrites */
	if (rc == 0 && sa->udp_encap && (ts->proto == IPPROTO_AH || cfg_ts_bundle(ts)))
		return cfg_err(c, v, "'%s' applies to ESP SAs only (transform set %s is %s, which "
				     "cannot cross a NAT: RFC 3948)", k->name, ts->name,
			       cfg_ts_bundle(ts) ? "an AH+ESP bundle" : "AH");
	if (rc < 0 || v->type != YNODE_MAP)
		return rc;
	return cfg_walk(c, v, k->name, udp_keys, CFG_NKEYS(udp_keys), sa);
}

/*
 * A test aid: start an outbound SA's sequence numbers high, so that the
 * never-wrap rule (RFC 4303 section 3.3.3) can be exercised without sending
 * four billion packets. Inbound SAs have no such thing.
 */
static int
h_initial_sequence(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	int rc = cfg_h_u32(c, k, v, obj);

	if (rc == 0 && sa->dir != CFG_DIR_OUT)
		rc = cfg_err(c, v, "'initial_sequence' applies to outbound SAs only");
	return rc;
}

/*
 * An explicit "this is a test setup" for a manual AES-GCM SA (see
 * check_gcm_opt_in); meaningless, so refused, for any other transform.
 */
static int
h_allow_unsafe_gcm(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_manual_sa *sa = obj;
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	int rc = cfg_bool(c, v, k->name, &sa->allow_unsafe_gcm);

	if (rc == 0 && !dp_cipher_info[ts->cipher].aead)
		rc = cfg_err(c, v, "'%s' applies to esp-gcm SAs only (transform set %s is %s)",
			     k->name, ts->name, dp_cipher_info[ts->cipher].ios);
	return rc;
}

/*
 * Rows run in order: seq needs the map, the keys need the entry's (or the
 * tunnel's) transform set. crypto_map and seq, or tunnel: check_binding.
 */
static const struct cfg_key sa_keys[] = {
	CFG_CUSTOM("crypto_map", false, h_map),
	CFG_CUSTOM("seq", false, h_seq),
	CFG_CUSTOM("tunnel", false, h_tunnel),
	CFG_WORD("direction", true, struct cfg_manual_sa, dir, dirs),
	CFG_CUSTOM("spi", true, h_spi),
	CFG_CUSTOM("cipher_key", false, h_cipher_key),
	CFG_CUSTOM("auth_key", false, h_auth_key),
	CFG_CUSTOM("ah_spi", false, h_ah_spi),
	CFG_CUSTOM("ah_auth_key", false, h_ah_auth_key),
	CFG_CUSTOM("udp_encap", false, h_udp_encap),
	{"initial_sequence", false, h_initial_sequence, offsetof(struct cfg_manual_sa,
								initial_sequence), 0, UINT32_MAX - 1, NULL},
	CFG_CUSTOM("allow_unsafe_manual_gcm", false, h_allow_unsafe_gcm),
};

/*
 * What the SA keys, before any row runs (the key rows need its transform
 * set): a crypto map entry (crypto_map and seq) or a tunnel.
 */
static int
check_binding(struct cfg_ctx *c, const struct ynode *v)
{
	const struct ynode *tun;
	bool map, seq;

	if (v->type != YNODE_MAP)
		return 0;	/* cfg_walk says what is wrong */
	tun = ynode_map_get(v, "tunnel");
	map = ynode_map_get(v, "crypto_map") != NULL;
	seq = ynode_map_get(v, "seq") != NULL;
	if (tun != NULL && (map || seq))
		return cfg_err(c, tun, "a manual SA keys a crypto map entry or a tunnel, not both "
				       "(remove 'crypto_map' and 'seq', or 'tunnel')");
	if (tun != NULL)
		return 0;
	if (!map)
		return cfg_err(c, v,
			       "missing required key 'crypto_map' in manual SA (or 'tunnel')");
	if (!seq)
		return cfg_err(c, v, "missing required key 'seq' in manual SA");
	return 0;
}

/* Keys the transform needs but the entry left out. */
static int
check_keys_present(struct cfg_ctx *c, const struct ynode *v, const struct cfg_manual_sa *sa)
{
	const struct cfg_transform_set *ts = sa_ts(c, sa);
	const struct dp_cipher_info *ci = &dp_cipher_info[ts->cipher];
	const struct dp_auth_info *ai = &dp_auth_info[ts->auth];

	if (ci->key_len + ci->salt_len > 0 && ynode_map_get(v, "cipher_key") == NULL)
		return cfg_err(c, v, "missing required key 'cipher_key' in manual SA (%s needs "
				     "%u bytes)", ci->ios, (unsigned int)(ci->key_len + ci->salt_len));
	if (ts->auth != DP_AUTH_NONE && ynode_map_get(v, "auth_key") == NULL)
		return cfg_err(c, v, "missing required key 'auth_key' in manual SA (%s needs "
				     "%u bytes)", ts->proto == IPPROTO_AH ? ai->ios_ah : ai->ios,
			       ai->key_len);
	if (cfg_ts_bundle(ts) && ynode_map_get(v, "ah_spi") == NULL)
		return cfg_err(c, v, "missing required key 'ah_spi' in manual SA (transform set %s "
				     "is an AH+ESP bundle: 'spi' is its ESP SA's, 'ah_spi' its AH "
				     "SA's)", ts->name);
	if (cfg_ts_bundle(ts) && ynode_map_get(v, "ah_auth_key") == NULL)
		return cfg_err(c, v, "missing required key 'ah_auth_key' in manual SA (%s needs "
				     "%u bytes)", dp_auth_info[ts->ah_auth].ios_ah,
			       dp_auth_info[ts->ah_auth].key_len);
	return 0;
}

const char *
cfg_sa_src(const struct cfg_ctx *c, const struct cfg_manual_sa *sa)
{
	if (!sa->from_file)
		return c->name;
	return c->sa_name != NULL ? c->sa_name : c->cfg->sa_file.path;
}

/* The interface an IPv6 SA starts at: its crypto map's, or its tunnel's source. */
static uint32_t
v6_iface(const struct dpsec_config *cfg, const struct cfg_manual_sa *sa)
{
	if (sa->tunnel < cfg->n_tunnels)
		return cfg->tunnels[sa->tunnel].source_iface;
	return cfg->crypto_maps[sa->map].iface;
}

/* An IPv6 SA's local address: that interface's address6. */
static const uint8_t *
v6_local(const struct dpsec_config *cfg, const struct cfg_manual_sa *sa)
{
	return cfg->interfaces[v6_iface(cfg, sa)].addr6;
}

/* The k-th SPI of sas[] (two a bundle SA: its ESP one, then its AH one) for cfg_check_spis. */
struct spi_ref {
	uint32_t spi;
	uint8_t proto;
	struct cfg_pos pos;
};

static struct spi_ref
spi_ref(const struct cfg_ctx *c, const struct cfg_manual_sa *sa, bool ah_of_bundle)
{
	if (ah_of_bundle)
		return (struct spi_ref){sa->ah_spi, IPPROTO_AH, sa->ah_spi_pos};
	return (struct spi_ref){sa->spi, sa_ts(c, sa)->proto, sa->spi_pos};
}

/*
 * ESP and AH SPIs are separate spaces (RFC 4301 section 4.1, and the SAD's
 * key): a duplicate is the same SPI, protocol, direction and local address.
 */
int
cfg_check_spis(struct cfg_ctx *c, const struct cfg_manual_sa *sas, uint32_t n)
{
	uint32_t first, dup, nk = 0, nb = 0;
	struct cfg_dupkey *keys;
	int rc = 0;

	for (uint32_t i = 0; i < n; i++)
		nb += sas[i].ah_spi != 0;
	keys = calloc((size_t)n + nb, sizeof(*keys));	/* the file may hold millions */
	if (keys == NULL)
		return cfg_nomem(c, NULL);
	/* an IPv6 SA's local address is its interface's address6: the interface stands for it */
	for (uint32_t i = 0; i < 2 * n; i++) {
		const struct cfg_manual_sa *sa = &sas[i / 2];
		uint32_t v6i = sa->v6 ? 1 + v6_iface(c->cfg, sa) : 0;
		struct spi_ref r;

		if ((i & 1) && sa->ah_spi == 0)
			continue;
		r = spi_ref(c, sa, i & 1);
		keys[nk++] = (struct cfg_dupkey){(uint64_t)r.proto << 8 | sa->dir,
						 (uint64_t)r.spi << 32 | sa->local, i, v6i};
	}
	if (cfg_find_dup(keys, nk, &first, &dup)) {
		const struct cfg_manual_sa *sa = &sas[dup / 2], *f = &sas[first / 2];
		struct spi_ref rs = spi_ref(c, sa, dup & 1), rf = spi_ref(c, f, first & 1);
		char a[IP6_STRLEN], at[CFG_PATH_MAX + 32];

		/* the first one's file is named only when it is not the one in the message */
		snprintf(at, sizeof(at), "%s%s%u:%u", f->from_file != sa->from_file ? cfg_sa_src(c, f)
						      : "", f->from_file != sa->from_file ? ":" : "",
			 rf.pos.line, rf.pos.col);
		rc = cfg_err_pos(c, cfg_sa_src(c, sa), rs.pos.line, rs.pos.col,
				 "duplicate %s %sSPI 0x%08x for local address %s (first at %s)",
				 sa->dir == CFG_DIR_IN ? "inbound" : "outbound",
				 rs.proto == IPPROTO_AH ? "AH " : "", rs.spi,
				 sa->v6 ? ip6_str(v6_local(c->cfg, sa), a) : ip4_str(sa->local, a), at);
	}
	free(keys);
	return rc;
}

/*
 * RFC 4106 section 8: AES-GCM MUST NOT be used with manual keying. The
 * sequence number is the nonce, and a manual SA starts it at 1 again every
 * time dpsecd starts, under the same key: nonces repeat, which gives away
 * the authentication key and the XOR of plaintexts. Only a configuration
 * that says it is a test (allow_unsafe_manual_gcm: true) may do it.
 */
static int
check_gcm_opt_in(struct cfg_ctx *c, const struct ynode *v)
{
	const struct dpsec_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *sa = &cfg->manual_sas[i];
		const struct cfg_transform_set *ts = sa_ts(c, sa);

		if (!dp_cipher_info[ts->cipher].aead || sa->allow_unsafe_gcm)
			continue;
		return cfg_err(c, v->kids[i],
			       "manual SA spi 0x%X uses %s: with a manual key the sequence "
			       "numbers, which are the GCM nonces, start at 1 again each time "
			       "dpsecd starts, and a repeated nonce breaks AES-GCM (RFC 4106 "
			       "section 8: automated keying only); for a test setup, add "
			       "'allow_unsafe_manual_gcm: true' to this SA",
			       sa->spi, dp_cipher_info[ts->cipher].ios);
	}
	return 0;
}

int
cfg_h_manual_sas(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;
	int rc = cfg_expect_seq(c, v, k->name, false);

	if (rc < 0 || v->n == 0)
		return rc;
	if (v->n > cfg->dp.sa_max)
		return cfg_err(c, v, "too many SAs: %u, more than dataplane.sa_max (%u; at most "
				     "4194304)", v->n, cfg->dp.sa_max);
	/* Keys: in memory no core dump holds (config_free wipes and unmaps it). */
	cfg->manual_sas = secret_mem_alloc(v->n * sizeof(*cfg->manual_sas));
	if (cfg->manual_sas == NULL)
		return cfg_nomem(c, v);
	cfg->n_manual_sas = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		struct cfg_manual_sa *sa = &cfg->manual_sas[i];

		sa->pos = (struct cfg_pos){v->kids[i]->line, v->kids[i]->col};
		sa->local_port = sa->peer_port = 4500;
		sa->tunnel = CFG_NONE;
		rc = check_binding(c, v->kids[i]);
		if (rc == 0)
			rc = cfg_walk(c, v->kids[i], "manual SA", sa_keys, CFG_NKEYS(sa_keys),
				      sa);
		if (rc == 0)
			rc = check_keys_present(c, v->kids[i], sa);
	}
	if (rc == 0)
		rc = cfg_check_spis(c, cfg->manual_sas, cfg->n_manual_sas);
	return rc < 0 ? rc : check_gcm_opt_in(c, v);
}
