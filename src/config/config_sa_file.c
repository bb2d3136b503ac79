/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * manual_sa_file: manual SAs in bulk, one a line, for benchmarks and setups
 * larger than the YAML reader holds (a YAML SA costs about 20 tree nodes of
 * YTREE_MAX_NODES). The same SAs as manual_sas, the same checks, the same
 * "file:line:col: message" errors (docs/CONFIG.md, "Manual SA file"):
 *
 *   # direction spi        peer      crypto-map seq transform-set cipher-key [auth-key] [udp]
 *   inbound    0x00010000 192.0.2.1 VPN        10  TS-GCM        00112233...
 *
 * Every line is checked against a length bound before anything is read from
 * it; the file against a size, a line count and dataplane.sa_max. Key
 * material is copied only into struct secret (in secret memory), and the line
 * buffer that held it is wiped; no message prints a key, only lengths.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/hex.h"
#include "config_priv.h"

#define FIELDS "direction spi peer crypto-map seq transform-set cipher-key [auth-key] [udp]"
#define MAX_TOKENS 16	/* more is an error: the longest valid line has 9 */

struct tok {
	char *s;		/* NUL-terminated, inside the line buffer */
	uint32_t col;		/* 1-based */
};

/* One line split into tokens, and where the line ends (for "missing" messages). */
struct line {
	uint32_t no;
	uint32_t end_col;
	struct tok t[MAX_TOKENS];
	uint32_t n;
};

/* The crypto map entry of the previous line: bulk files use a handful of them. */
struct sf {
	struct cfg_ctx *c;
	bool allow_gcm;
	uint32_t map, entry;	/* CFG_NONE before the first SA */
};

static int
line_err(struct sf *f, const struct line *l, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
line_err(struct sf *f, const struct line *l, uint32_t col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_err_pos(f->c, f->c->sa_name, l->no, col, "%s", msg);
}

/* A token made safe to echo: printable, cut, "(hidden)" if it may be a key. */
static const char *
tok_quote(struct sf *f, const struct tok *t)
{
	size_t n = strlen(t->s);

	if (ytree_looks_secret(t->s, n))
		return "(hidden)";
	if (n < sizeof(f->c->quote)) {
		memcpy(f->c->quote, t->s, n + 1);
	} else {
		memcpy(f->c->quote, t->s, sizeof(f->c->quote) - 4);
		memcpy(f->c->quote + sizeof(f->c->quote) - 4, "...", 4);
	}
	return f->c->quote;
}

/*
 * Split buf (len bytes, no newline) into tokens in place. Only printable
 * ASCII, blanks between tokens; "#" starts a comment.
 */
static int
split(struct sf *f, struct line *l, char *buf, size_t len)
{
	size_t i = 0;

	l->n = 0;
	l->end_col = (uint32_t)len + 1;
	while (i < len) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == ' ' || ch == '\t') {
			buf[i++] = '\0';
			continue;
		}
		if (ch == '#') {
			l->end_col = (uint32_t)i + 1;
			break;
		}
		if (ch < 0x21 || ch > 0x7e)
			return line_err(f, l, (uint32_t)i + 1, "unexpected byte 0x%02x (a line holds "
							       "printable ASCII words separated by "
							       "blanks)", ch);
		if (l->n == MAX_TOKENS)
			return line_err(f, l, (uint32_t)i + 1, "too many fields (at most %u; expected: "
							       FIELDS ")", MAX_TOKENS);
		l->t[l->n++] = (struct tok){buf + i, (uint32_t)i + 1};
		while (i < len && buf[i] > 0x20 && buf[i] < 0x7f && buf[i] != '#')
			i++;
	}
	buf[i < len ? i : len] = '\0';
	return 0;
}

static int
missing(struct sf *f, const struct line *l, const char *what)
{
	return line_err(f, l, l->end_col, "missing %s (expected: " FIELDS ")", what);
}

static int
p_dir(struct sf *f, const struct line *l, const struct tok *t, struct cfg_manual_sa *sa)
{
	if (strcmp(t->s, "inbound") == 0 || strcmp(t->s, "in") == 0)
		sa->dir = CFG_DIR_IN;
	else if (strcmp(t->s, "outbound") == 0 || strcmp(t->s, "out") == 0)
		sa->dir = CFG_DIR_OUT;
	else
		return line_err(f, l, t->col, "direction must be one of: inbound, in, outbound, out "
					      "(got '%s')", tok_quote(f, t));
	return 0;
}

/* Decimal, or 0x and 1..8 hex digits. RFC 4303 section 2.1 as in manual_sas. */
static int
p_spi(struct sf *f, const struct line *l, const struct tok *t, struct cfg_manual_sa *sa)
{
	const char *s = t->s;
	uint64_t spi = 0;
	bool ok;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		size_t n = strlen(s + 2);

		ok = n >= 1 && n <= 8 && strspn(s + 2, "0123456789abcdefABCDEF") == n;
		for (size_t i = 0; ok && i < n; i++)
			spi = spi << 4 | (uint64_t)hex_digit(s[2 + i]);
	} else {
		ok = cfg_parse_dec(s, &spi) && spi <= UINT32_MAX;
	}
	if (!ok)
		return line_err(f, l, t->col, "spi must be a number in 256..4294967295, decimal or "
					      "0x and up to 8 hex digits (got '%s')", tok_quote(f, t));
	if (spi == 0)
		return line_err(f, l, t->col, "SPI 0 is reserved for local use (RFC 4303 section "
					      "2.1; expected 256..4294967295)");
	if (spi < 256)
		return line_err(f, l, t->col, "SPI %" PRIu64 " is in 1..255, reserved by IANA (RFC "
					      "4303 section 2.1; expected 256..4294967295)", spi);
	sa->spi = (uint32_t)spi;
	sa->spi_pos = (struct cfg_pos){l->no, t->col};
	return 0;
}

/* The entry of (map, seq): entries are sorted by seq (config_crypto_maps.c). */
static uint32_t
entry_of(const struct cfg_crypto_map *m, uint64_t seq)
{
	uint32_t lo = 0, hi = m->n_entries;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (m->entries[mid].seq == seq)
			return mid;
		if (m->entries[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CFG_NONE;
}

static int
p_map(struct sf *f, const struct line *l, const struct tok *tm, const struct tok *tq)
{
	const struct dpsec_config *cfg = f->c->cfg;
	const struct cfg_crypto_map *m;
	const struct cfg_map_entry *e;
	uint32_t map;
	uint64_t seq;

	if (f->map != CFG_NONE && strcmp(cfg->crypto_maps[f->map].name, tm->s) == 0)
		map = f->map;
	else
		for (map = 0; map < cfg->n_crypto_maps; map++)
			if (strcmp(cfg->crypto_maps[map].name, tm->s) == 0)
				break;
	if (map == cfg->n_crypto_maps)
		return line_err(f, l, tm->col, "crypto map '%s' not found (defined: %s)",
				tok_quote(f, tm),
				cfg_list_names(f->c, cfg->crypto_maps, cfg->n_crypto_maps,
					       sizeof(*cfg->crypto_maps),
					       offsetof(struct cfg_crypto_map, name)));
	m = &cfg->crypto_maps[map];
	if (m->iface == CFG_NONE)
		return line_err(f, l, tm->col, "crypto map '%s' is not applied to any interface (a "
					       "manual SA takes its local address from the map's "
					       "outside interface)", m->name);
	if (!cfg_parse_dec(tq->s, &seq) || seq < 1 || seq > 65535)
		return line_err(f, l, tq->col, "seq must be a number in 1..65535 (got '%s')",
				tok_quote(f, tq));
	f->map = map;
	f->entry = entry_of(m, seq);
	if (f->entry == CFG_NONE)
		return line_err(f, l, tq->col, "crypto map '%s' has no entry with seq %" PRIu64,
				m->name, seq);
	e = &m->entries[f->entry];
	if (e->ikev2_profile != CFG_NONE)
		return line_err(f, l, tq->col, "crypto map '%s' seq %u is negotiated by IKE "
					       "(ikev2_profile '%s'): a manual SA cannot key it too",
				m->name, e->seq, cfg->ikev2.profiles[e->ikev2_profile].name);
	return 0;
}

/* The entry's peer as text, either family. */
static const char *
entry_peer_str(const struct cfg_map_entry *e, char buf[IP6_STRLEN])
{
	return e->peer_v6 ? ip6_str(e->peer6, buf) : ip4_str(e->peer, buf);
}

/* The line's peer is the entry's: same family, same address. */
static bool
peer_is(const struct cfg_map_entry *e, const char *s, bool *parsed)
{
	uint32_t a4;

	if (ip6_looks_v6(s)) {
		uint8_t a6[IP6_LEN];

		*parsed = ip6_parse(s, a6);
		return *parsed && e->peer_v6 && memcmp(a6, e->peer6, IP6_LEN) == 0;
	}
	*parsed = ip4_parse(s, &a4);
	return *parsed && !e->peer_v6 && a4 == e->peer;
}

/* The line says the peer and the transform set, so that it reads alone; they must agree. */
static int
p_peer_ts(struct sf *f, const struct line *l, const struct tok *tp, const struct tok *tt,
	  struct cfg_manual_sa *sa)
{
	const struct dpsec_config *cfg = f->c->cfg;
	const struct cfg_crypto_map *m = &cfg->crypto_maps[f->map];
	const struct cfg_map_entry *e = &m->entries[f->entry];
	const char *ts = cfg->transform_sets[e->transform_set].name;
	bool parsed;

	if (!peer_is(e, tp->s, &parsed)) {
		char b[IP6_STRLEN];

		if (!parsed)
			return line_err(f, l, tp->col, "peer must be an IPv4 address A.B.C.D or an "
						       "IPv6 address X:X::X (got '%s')",
					tok_quote(f, tp));
		return line_err(f, l, tp->col, "peer %s is not the peer of crypto map '%s' seq %u "
					       "(%s)", tok_quote(f, tp), m->name, e->seq,
				entry_peer_str(e, b));
	}
	if (strcmp(tt->s, ts) != 0)
		return line_err(f, l, tt->col, "transform set '%s' is not the one of crypto map '%s' "
					       "seq %u (%s)", tok_quote(f, tt), m->name, e->seq, ts);
	/* a line holds one SPI and one set of keys; a bundle SA has two of each */
	if (cfg_ts_bundle(&cfg->transform_sets[e->transform_set]))
		return line_err(f, l, tt->col, "transform set '%s' is an AH+ESP bundle, which the "
					       "manual SA file does not carry (put its SAs in "
					       "manual_sas)", ts);
	sa->map = f->map;
	sa->entry = f->entry;
	/* IPv6 endpoints are the interface's address6 and the entry's peer6 (config.h) */
	sa->v6 = e->peer_v6;
	sa->peer = e->peer;
	sa->local = sa->v6 ? 0 : cfg->interfaces[m->iface].addr;
	return 0;
}

/* Exactly need bytes of hex (0x allowed) into sec; the value is never echoed. */
static int
p_key(struct sf *f, const struct line *l, const struct tok *t, const char *what, size_t need,
      const char *what_len, struct secret *sec)
{
	const char *digits = t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X') ? t->s + 2 : t->s;
	size_t n = strlen(digits), len = 0;

	if (strspn(digits, "0123456789abcdefABCDEF") != n)
		return line_err(f, l, t->col, "%s must be %zu hex digits (%s), got a non-hex "
					      "character", what, 2 * need, what_len);
	if (n != 2 * need)
		return line_err(f, l, t->col, "%s must be %zu hex digits (%s), got %zu", what,
				2 * need, what_len, n);
	if (!hex_decode(t->s, sec->b, sizeof(sec->b), &len) || len != need) {
		secret_wipe(sec);
		return line_err(f, l, t->col, "%s is not valid hex", what);
	}
	sec->len = (uint8_t)len;
	return 0;
}

static bool
all_hex(const char *s)
{
	return s[strspn(s, "0123456789abcdefABCDEFx")] == '\0';
}

/* Fields 7.. of a line: the keys the transform needs, then options. */
static int
p_keys(struct sf *f, const struct line *l, struct cfg_manual_sa *sa)
{
	const struct dpsec_config *cfg = f->c->cfg;
	const struct cfg_map_entry *e = &cfg->crypto_maps[sa->map].entries[sa->entry];
	const struct cfg_transform_set *ts = &cfg->transform_sets[e->transform_set];
	const struct dp_cipher_info *ci = &dp_cipher_info[ts->cipher];
	const struct dp_auth_info *ai = &dp_auth_info[ts->auth];
	uint32_t i = 6;
	char what_len[96];
	int rc;

	if (i == l->n)
		return missing(f, l, "cipher-key");
	if (ci->key_len + ci->salt_len == 0) {
		if (strcmp(l->t[i].s, "-") != 0)
			return line_err(f, l, l->t[i].col, "cipher-key must be '-' for %s (it has no "
							   "cipher key)", ci->ios);
	} else {
		if (ci->salt_len > 0)
			snprintf(what_len, sizeof(what_len), "%u bytes: %u-byte key + %u-byte salt "
				 "for %s", (unsigned int)(ci->key_len + ci->salt_len),
				 ci->key_len, ci->salt_len, ci->ios);
		else
			snprintf(what_len, sizeof(what_len), "%u bytes for %s", ci->key_len,
				 ci->ios);
		rc = p_key(f, l, &l->t[i], "cipher-key", ci->key_len + ci->salt_len, what_len,
			   &sa->cipher_key);
		if (rc < 0)
			return rc;
	}
	i++;
	if (ts->auth != DP_AUTH_NONE) {
		if (i == l->n)
			return line_err(f, l, l->end_col, "missing auth-key (%s needs %u bytes)",
					ai->ios, ai->key_len);
		snprintf(what_len, sizeof(what_len), "%u bytes for %s", ai->key_len, ai->ios);
		rc = p_key(f, l, &l->t[i], "auth-key", ai->key_len, what_len, &sa->auth_key);
		if (rc < 0)
			return rc;
		i++;
	}
	for (; i < l->n; i++) {
		if (strcmp(l->t[i].s, "udp") == 0 && !sa->udp_encap) {
			sa->udp_encap = true;
			continue;
		}
		if (ts->auth == DP_AUTH_NONE && i == 7 && all_hex(l->t[i].s))
			return line_err(f, l, l->t[i].col, "no auth-key with %s (a combined-mode "
							   "cipher has no separate HMAC key)", ci->ios);
		return line_err(f, l, l->t[i].col, "unexpected '%s' after the keys (the only option "
						   "is 'udp', once)", tok_quote(f, &l->t[i]));
	}
	return 0;
}

/* RFC 4106 section 8, as check_gcm_opt_in in config_manual_sa.c, for the whole file. */
static int
check_gcm(struct sf *f, const struct line *l, const struct cfg_manual_sa *sa)
{
	const struct dpsec_config *cfg = f->c->cfg;
	const struct cfg_map_entry *e = &cfg->crypto_maps[sa->map].entries[sa->entry];
	const struct dp_cipher_info *ci = &dp_cipher_info[cfg->transform_sets[e->transform_set].cipher];

	if (!ci->aead || f->allow_gcm)
		return 0;
	return line_err(f, l, 1, "manual SA spi 0x%X uses %s: with a manual key the sequence "
				 "numbers, which are the GCM nonces, start at 1 again each time dpsecd "
				 "starts, and a repeated nonce breaks AES-GCM (RFC 4106 section 8: "
				 "automated keying only); for a test setup, write manual_sa_file as "
				 "{path: ..., allow_unsafe_manual_gcm: true}", sa->spi, ci->ios);
}

static int
parse_sa(struct sf *f, const struct line *l, struct cfg_manual_sa *sa)
{
	static const char *const names[] = {"direction", "spi", "peer", "crypto-map", "seq",
					    "transform-set"};
	int rc;

	*sa = (struct cfg_manual_sa){.local_port = 4500, .peer_port = 4500, .from_file = true,
				     .tunnel = CFG_NONE,
				     .allow_unsafe_gcm = f->allow_gcm,
				     .pos = {l->no, l->t[0].col}};
	/* field by field, so that the first wrong one is named even on a short line */
	rc = p_dir(f, l, &l->t[0], sa);
	if (rc == 0 && l->n < 2)
		rc = missing(f, l, names[l->n]);
	if (rc == 0)
		rc = p_spi(f, l, &l->t[1], sa);
	if (rc == 0 && l->n < 6)
		rc = missing(f, l, names[l->n]);
	if (rc == 0)
		rc = p_map(f, l, &l->t[3], &l->t[4]);
	if (rc == 0)
		rc = p_peer_ts(f, l, &l->t[2], &l->t[5], sa);
	if (rc == 0)
		rc = p_keys(f, l, sa);
	if (rc == 0)
		rc = check_gcm(f, l, sa);
	return rc;
}

/* A line that holds an SA: not blank, not a comment. */
static bool
is_sa_line(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < len && p[i] != '#';
}

/* Bytes of the line at p (up to the newline, a trailing CR dropped). */
static size_t
line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

/*
 * First pass: the limits, before anything is allocated. *n_sas gets the
 * number of SA lines, which fits in room.
 */
static int
check_limits(struct sf *f, const char *text, size_t len, uint32_t room, uint32_t *n_sas)
{
	const char *p = text, *end = text + len, *next;
	struct line l = {.no = 0};
	uint32_t n = 0;

	if (len > CFG_SA_FILE_MAX_BYTES)
		return cfg_err_pos(f->c, f->c->sa_name, 0, 0, "manual SA file is too large: %zu "
				   "bytes, the limit is %u", len, CFG_SA_FILE_MAX_BYTES);
	while (p < end) {
		size_t ll = line_len(p, end, &next);

		l.no++;
		if (l.no > CFG_SA_FILE_MAX_LINES)
			return line_err(f, &l, 1, "too many lines: the limit of a manual SA file is "
						  "%u", CFG_SA_FILE_MAX_LINES);
		if (ll > CFG_SA_FILE_MAX_LINE)
			return line_err(f, &l, CFG_SA_FILE_MAX_LINE + 1, "line is too long: %zu "
					"bytes, the limit is %u", ll, CFG_SA_FILE_MAX_LINE);
		if (is_sa_line(p, ll) && n++ == room)
			return line_err(f, &l, 1, "too many SAs: this is SA %u of the file, and with "
						  "the %u of manual_sas that is more than "
						  "dataplane.sa_max (%u; at most 4194304)", n,
					f->c->cfg->n_manual_sas - f->c->cfg->sa_file.n_sas,
					f->c->cfg->dp.sa_max);
		p = next;
	}
	*n_sas = n;
	return 0;
}

/* Second pass: each SA line into sas[], the line buffer wiped after each. */
static int
parse_all(struct sf *f, const char *text, size_t len, struct cfg_manual_sa *sas)
{
	char buf[CFG_SA_FILE_MAX_LINE + 1];
	const char *p = text, *end = text + len, *next;
	struct line l = {.no = 0};
	uint32_t k = 0;
	int rc = 0;

	while (p < end && rc == 0) {
		size_t ll = line_len(p, end, &next);

		l.no++;
		if (is_sa_line(p, ll)) {
			memcpy(buf, p, ll);	/* ll <= CFG_SA_FILE_MAX_LINE: check_limits */
			rc = split(f, &l, buf, ll);
			if (rc == 0 && l.n > 0)
				rc = parse_sa(f, &l, &sas[k++]);
			mem_wipe(buf, ll + 1);
		}
		p = next;
	}
	return rc;
}

int
config_add_sa_text(struct dpsec_config *cfg, const char *name, const char *text, size_t len,
		   bool allow_unsafe_gcm, char *err, size_t errlen)
{
	struct cfg_ctx c = {.name = cfg->path ? cfg->path : "config", .sa_name = name,
			    .err = err, .errlen = err ? errlen : 0, .cfg = cfg};
	struct sf f = {.c = &c, .allow_gcm = allow_unsafe_gcm, .map = CFG_NONE};
	uint32_t n_old = cfg->n_manual_sas, n_new = 0;
	uint32_t room = cfg->dp.sa_max > n_old ? cfg->dp.sa_max - n_old : 0;
	struct cfg_manual_sa *sas = NULL;
	size_t size;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL)
		len = 0;
	rc = check_limits(&f, text, len, room, &n_new);
	if (rc < 0 || n_new == 0)
		return rc;
	size = ((size_t)n_old + n_new) * sizeof(*sas);
	sas = secret_mem_alloc(size);
	if (sas == NULL) {
		cfg_err_pos(&c, name, 0, 0, "out of memory for %u SAs", n_new);
		return -ENOMEM;
	}
	if (n_old > 0)
		memcpy(sas, cfg->manual_sas, (size_t)n_old * sizeof(*sas));
	rc = parse_all(&f, text, len, sas + n_old);
	if (rc == 0)
		rc = cfg_check_spis(&c, sas, n_old + n_new);
	if (rc < 0) {
		secret_mem_free(sas, size);
		return rc;
	}
	secret_mem_free(cfg->manual_sas, (size_t)n_old * sizeof(*sas));
	cfg->manual_sas = sas;
	cfg->n_manual_sas = n_old + n_new;
	cfg->sa_file.n_sas += n_new;
	return 0;
}

/* ---- the YAML key ---- */

static int
h_path(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_sa_file *sf = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (s[0] == '\0' || strlen(s) >= CFG_PATH_MAX)
		return cfg_err(c, v, "'%s' must be a file name of 1..%u bytes (got %zu)", k->name,
			       CFG_PATH_MAX - 1, strlen(s));
	sf->name = strdup(s);
	return sf->name == NULL ? cfg_nomem(c, v) : 0;
}

static const struct cfg_key file_keys[] = {
	CFG_CUSTOM("path", true, h_path),
	CFG_BOOL("allow_unsafe_manual_gcm", false, struct cfg_sa_file, allow_unsafe_gcm),
};

/* A relative name is taken from the YAML file's directory, as an include would be. */
static char *
resolve(const char *yaml, const char *name)
{
	const char *slash = strrchr(yaml, '/');
	size_t dir = slash ? (size_t)(slash - yaml) + 1 : 0;
	char *p;

	if (name[0] == '/' || dir == 0)
		return strdup(name);
	p = malloc(dir + strlen(name) + 1);
	if (p != NULL) {
		memcpy(p, yaml, dir);
		memcpy(p + dir, name, strlen(name) + 1);
	}
	return p;
}

int
cfg_h_manual_sa_file(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
		     void *obj)
{
	struct dpsec_config *cfg = obj;
	struct cfg_sa_file *sf = &cfg->sa_file;
	char why[CFG_PATH_MAX + 128];
	unsigned int mode = 0;
	size_t len = 0;
	char *text;
	int rc;

	if (v->type == YNODE_MAP)
		rc = cfg_walk(c, v, k->name, file_keys, CFG_NKEYS(file_keys), sf);
	else
		rc = h_path(c, k, v, sf);
	if (rc < 0)
		return rc;
	sf->path = resolve(c->name, sf->name);
	if (sf->path == NULL)
		return cfg_nomem(c, v);
	text = cfg_read_file(sf->path, CFG_SA_FILE_MAX_BYTES, "manual SA file", &len, &mode, why,
			     sizeof(why));
	if (text == NULL)
		return cfg_err(c, v, "%s: %s", k->name, why);
	sf->mode = mode;
	rc = config_add_sa_text(cfg, sf->path, text, len, sf->allow_unsafe_gcm, c->err, c->errlen);
	mem_wipe(text, len);
	free(text);
	return rc;
}
