/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_write: struct dpsec_config back to YAML, for "show running-config".
 *
 * What comes out is what config_parse reads: the same keys, every value
 * written (defaults included, so the text says what the daemon runs with),
 * sections in the parser's dependency order. Keys are "(hidden)" unless a
 * test asks for them (wireguard-tools prints keys the same way). Strings are
 * written plain when YAML reads them back as the same string, else in double
 * quotes; nothing here passes user text through a printf format.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <strings.h>

#include "../ike/ike_const.h"
#include "config_priv.h"

struct w {
	void (*put)(void *ctx, const char *s, size_t n);
	void *ctx;
	const struct dpsec_config *cfg;
	bool hide_keys;
};

static void
w_puts(struct w *w, const char *s)
{
	w->put(w->ctx, s, strlen(s));
}

/* Numbers and fixed words only: user text goes through w_scalar. */
__attribute__((format(printf, 2, 3))) static void
w_printf(struct w *w, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		w->put(w->ctx, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* The rest of "1e5" after the 'e': an optional sign and at least one digit. */
static bool
exponent(const char *p)
{
	p += *p == '+' || *p == '-';
	return *p != '\0' && strspn(p, "0123456789") == strlen(p);
}

/* YAML 1.1 and 1.2 would read these as a number: 512, -3, 1.5, 1_000, 0x1f, 1e3, .inf. */
static bool
looks_number(const char *s)
{
	static const char *const special[] = {".inf", ".nan"};
	bool digit = false, dot = false;
	const char *p = s + (s[0] == '+' || s[0] == '-');

	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcasecmp(p, special[i]) == 0)
			return true;
	if (p[0] == '0' && p[1] != '\0' && strchr("xXoObB", p[1]) != NULL)
		return true;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p == '.' && !dot)
			dot = true;
		else if ((*p == 'e' || *p == 'E') && digit)
			return exponent(p + 1);
		else if (*p != '_')
			return false;
	}
	return digit;
}

/*
 * Safe as a plain scalar in block and flow context, read back as this very
 * string: no indicator first, no flow or comment characters, no null or
 * boolean word, nothing that looks like a number.
 */
static bool
plain_ok(const char *s)
{
	static const char *const words[] = {"null", "~",  "true", "false", "yes",
					    "no",   "on", "off",  "y",	   "n"};
	size_t n = strlen(s);

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]) != NULL)
		return false;
	if (s[0] == '-' && (s[1] == '\0' || s[1] == ' '))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || strchr(",[]{}#:\"'\\", c) != NULL)
			return false;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	return !looks_number(s);
}

/* A YAML double-quoted scalar: '"' and '\' escaped, control bytes as \xNN. */
static void
w_quoted(struct w *w, const char *s)
{
	w_puts(w, "\"");
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};

			w->put(w->ctx, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			w_printf(w, "\\x%02x", c);
		} else {
			w->put(w->ctx, p, 1);
		}
	}
	w_puts(w, "\"");
}

static void
w_scalar(struct w *w, const char *s)
{
	if (plain_ok(s))
		w_puts(w, s);
	else
		w_quoted(w, s);
}

static void
w_key(struct w *w, int indent, const char *key)
{
	w_printf(w, "%*s", indent, "");
	w_puts(w, key);
	w_puts(w, ": ");
}

static void
w_str_line(struct w *w, int indent, const char *key, const char *v)
{
	w_key(w, indent, key);
	w_scalar(w, v);
	w_puts(w, "\n");
}

static void
w_u64_line(struct w *w, int indent, const char *key, uint64_t v)
{
	w_key(w, indent, key);
	w_printf(w, "%" PRIu64 "\n", v);
}

static void
w_bool_line(struct w *w, int indent, const char *key, bool v)
{
	w_key(w, indent, key);
	w_puts(w, v ? "true\n" : "false\n");
}

static void
w_ip(struct w *w, uint32_t addr_be)
{
	char a[IP4_STRLEN];

	w_puts(w, ip4_str(addr_be, a));
}

static void
w_prefix(struct w *w, uint32_t addr_be, uint8_t len)
{
	w_ip(w, addr_be);
	w_printf(w, "/%u", len);
}

/* IPv6 text is always quoted: a plain "::" or "a::b" in a flow mapping is not portable YAML. */
static void
w_ip6(struct w *w, const uint8_t a[IP6_LEN])
{
	char buf[IP6_STRLEN];

	w_quoted(w, ip6_str(a, buf));
}

static void
w_prefix6(struct w *w, const struct ip6_prefix *p)
{
	char buf[IP6_PREFIX_STRLEN];

	w_quoted(w, ip6_prefix_str(p, buf));
}

static void
w_mac(struct w *w, const uint8_t mac[6])
{
	char m[MAC_STRLEN];

	w_quoted(w, mac_str(mac, m));
}

/* ---- global sections ---- */

static void
dataplane(struct w *w)
{
	const struct cfg_dataplane *dp = &w->cfg->dp;

	w_puts(w, "dataplane:\n");
	w_key(w, 2, "eal");
	w_puts(w, "[");
	for (uint32_t i = 0; i < dp->n_eal; i++) {
		w_puts(w, i > 0 ? ", " : "");
		w_scalar(w, dp->eal[i] != NULL ? dp->eal[i] : "");
	}
	w_puts(w, "]\n");
	w_u64_line(w, 2, "burst", dp->burst);
	w_u64_line(w, 2, "mbufs", dp->mbufs);
	w_u64_line(w, 2, "rx_desc", dp->rx_desc);
	w_u64_line(w, 2, "tx_desc", dp->tx_desc);
	w_u64_line(w, 2, "replay_window", dp->replay_window);
	w_u64_line(w, 2, "sa_max", dp->sa_max);
}

static void
cli(struct w *w)
{
	w_puts(w, "cli:\n");
	w_str_line(w, 2, "socket", w->cfg->cli.socket);
	w_str_line(w, 2, "group", w->cfg->cli.group);
	w_str_line(w, 2, "admin_group", w->cfg->cli.admin_group);
}

static void
isakmp(struct w *w, const struct cfg_write_opts *opts)
{
	bool on = opts->set_recovery ? opts->invalid_spi_recovery
				     : w->cfg->isakmp.invalid_spi_recovery;

	w_puts(w, "isakmp:\n");
	w_bool_line(w, 2, "invalid_spi_recovery", on);
	w_u64_line(w, 2, "recovery_packets", w->cfg->isakmp.recovery_packets);
	w_u64_line(w, 2, "recovery_window", w->cfg->isakmp.recovery_window);
	w_u64_line(w, 2, "recovery_holddown", w->cfg->isakmp.recovery_holddown);
	w_u64_line(w, 2, "recovery_rate", w->cfg->isakmp.recovery_rate);
}

static void
ipsec(struct w *w)
{
	w_puts(w, "ipsec:\n");
	w_str_line(w, 2, "fragmentation",
		   w->cfg->ipsec.fragmentation == CFG_FRAG_AFTER ? "after-encryption"
								 : "before-encryption");
}

/* A zero buffer size is out of range: the configuration was loaded without this section. */
static void
logging(struct w *w)
{
	const struct cfg_logging *l = &w->cfg->logging;

	if (l->buffer == 0)
		return;
	w_puts(w, "logging:\n");
	w_u64_line(w, 2, "buffer", l->buffer);
	w_bool_line(w, 2, "syslog", l->syslog);
	w_u64_line(w, 2, "invalid_spi_interval", l->invalid_spi_interval);
	w_u64_line(w, 2, "replay_interval", l->replay_interval);
	w_u64_line(w, 2, "mac_interval", l->mac_interval);
	w_u64_line(w, 2, "rate", l->rate);
}

/* ---- ikev2 ---- */

/* "NAME:" opening a named object of a section. */
static void
w_name(struct w *w, int indent, const char *name)
{
	w_printf(w, "%*s", indent, "");
	w_scalar(w, name);
	w_puts(w, ":\n");
}

/* A flow list of algorithm words: [aes-gcm-256, aes-gcm-128]. */
static void
w_words(struct w *w, int indent, const char *key, const struct cfg_ike_word *tbl,
	const uint16_t *ids, uint8_t n)
{
	w_key(w, indent, key);
	w_puts(w, "[");
	for (uint8_t i = 0; i < n; i++) {
		const char *word = cfg_ike_word_of(tbl, ids[i], 0);

		w_puts(w, i > 0 ? ", " : "");
		w_puts(w, word != NULL ? word : "?");
	}
	w_puts(w, "]\n");
}

static void
ike_proposal(struct w *w, const struct cfg_ike_proposal *p)
{
	w_name(w, 4, p->name);
	w_key(w, 6, "encryption");
	w_puts(w, "[");
	for (uint8_t i = 0; i < p->n_encr; i++) {
		const char *word = cfg_ike_word_of(cfg_ike_encr_words, p->encr[i].id,
						   p->encr[i].bits);

		w_puts(w, i > 0 ? ", " : "");
		w_puts(w, word != NULL ? word : "?");
	}
	w_puts(w, "]\n");
	if (p->n_integ > 0)
		w_words(w, 6, "integrity", cfg_ike_integ_words, p->integ, p->n_integ);
	w_words(w, 6, "prf", cfg_ike_prf_words, p->prf, p->n_prf);
	w_key(w, 6, "group");
	w_puts(w, "[");
	for (uint8_t i = 0; i < p->n_group; i++)
		w_printf(w, "%s%u", i > 0 ? ", " : "", p->group[i]);
	w_puts(w, "]\n");
}

static void
ike_policy(struct w *w, const struct cfg_ike_policy *pol)
{
	const struct cfg_ikev2 *ik = &w->cfg->ikev2;

	w_name(w, 4, pol->name);
	w_key(w, 6, "proposals");
	w_puts(w, "[");
	for (uint32_t i = 0; i < pol->n_proposals; i++) {
		w_puts(w, i > 0 ? ", " : "");
		if (pol->proposals[i] < ik->n_proposals)
			w_scalar(w, ik->proposals[pol->proposals[i]].name);
	}
	w_puts(w, "]\n");
	if (pol->n_match_local == 0)
		return;
	w_key(w, 6, "match_local");
	w_puts(w, "[");
	for (uint32_t i = 0; i < pol->n_match_local; i++) {
		w_puts(w, i > 0 ? ", " : "");
		w_ip(w, pol->match_local[i]);
	}
	w_puts(w, "]\n");
}

/* An IPv6 address, quoted, with "/LEN" inside the quotes unless a /128. */
static void
w_addr6_len(struct w *w, const struct ip6_prefix *p)
{
	char a[IP6_STRLEN], buf[IP6_STRLEN + 4];

	if (p->len == 128)
		snprintf(buf, sizeof(buf), "%s", ip6_str(p->addr, a));
	else
		snprintf(buf, sizeof(buf), "%s/%u", ip6_str(p->addr, a), p->len);
	w_quoted(w, buf);
}

/* {address: A}, {address: A/LEN} or {fqdn: F}. */
static void
ike_id(struct w *w, const struct cfg_ike_id *id)
{
	if (id->type == CFG_IKE_ID_FQDN) {
		w_puts(w, "{fqdn: ");
		w_scalar(w, id->fqdn);
	} else if (id->v6) {
		w_puts(w, "{address: ");
		w_addr6_len(w, &id->addr6);
	} else {
		w_puts(w, "{address: ");
		w_ip(w, id->addr.addr);
		if (id->addr.len != 32)
			w_printf(w, "/%u", id->addr.len);
	}
	w_puts(w, "}");
}

/*
 * Whether a key goes out as text: printable, and not what the parser reads
 * otherwise (0x starts hex; "(hidden)" is refused).
 */
static bool
psk_is_text(const struct cfg_psk *k, char buf[CFG_PSK_MAX + 1])
{
	if (k->len == 0 || k->len > CFG_PSK_MAX)
		return false;
	for (uint16_t i = 0; i < k->len; i++)
		if (k->b[i] < 0x20 || k->b[i] > 0x7e)
			return false;
	memcpy(buf, k->b, k->len);
	buf[k->len] = '\0';
	return strncasecmp(buf, "0x", 2) != 0 && strcmp(buf, "(hidden)") != 0;
}

/* The key as the parser reads it back: quoted text, or "0x" and hex. */
static void
psk(struct w *w, const struct cfg_psk *k)
{
	char buf[CFG_PSK_MAX + 1];

	if (w->hide_keys) {
		w_puts(w, "(hidden)");
		return;
	}
	if (psk_is_text(k, buf)) {
		w_quoted(w, buf);
	} else {
		w_puts(w, "\"0x");
		for (size_t i = 0; i < k->len && i < CFG_PSK_MAX; i++)
			w_printf(w, "%02x", k->b[i]);
		w_puts(w, "\"");
	}
	mem_wipe(buf, sizeof(buf));
}

static void
keyring_peer(struct w *w, const struct cfg_keyring_peer *p)
{
	bool same = p->psk_local.len == p->psk_remote.len &&
		    memcmp(p->psk_local.b, p->psk_remote.b, p->psk_local.len) == 0;

	w_puts(w, "      - ");
	w_str_line(w, 0, "name", p->name);
	if (p->has_addr && p->addr_v6) {
		w_key(w, 8, "address");
		w_addr6_len(w, &p->addr6);
		w_puts(w, "\n");
	} else if (p->has_addr) {
		w_key(w, 8, "address");
		w_ip(w, p->addr.addr);
		if (p->addr.len != 32)
			w_printf(w, "/%u", p->addr.len);
		w_puts(w, "\n");
	}
	if (p->identity.type != CFG_IKE_ID_NONE) {
		w_key(w, 8, "identity");
		ike_id(w, &p->identity);
		w_puts(w, "\n");
	}
	w_key(w, 8, "pre_shared_key");
	if (same) {
		psk(w, &p->psk_local);
	} else {
		w_puts(w, "{local: ");
		psk(w, &p->psk_local);
		w_puts(w, ", remote: ");
		psk(w, &p->psk_remote);
		w_puts(w, "}");
	}
	w_puts(w, "\n");
}

static const char *
auth_word(uint8_t method)
{
	return method == IKE_AUTH_SHARED_KEY_MIC ? "pre-share" : "?";
}

static void
ike_profile(struct w *w, const struct cfg_ike_profile *p)
{
	const struct cfg_ikev2 *ik = &w->cfg->ikev2;

	w_name(w, 4, p->name);
	w_key(w, 6, "match_identity_remote");
	w_puts(w, "[");
	for (uint32_t i = 0; i < p->n_match_remote; i++) {
		w_puts(w, i > 0 ? ", " : "");
		ike_id(w, &p->match_remote[i]);
	}
	w_puts(w, "]\n");
	if (p->local_id.type != CFG_IKE_ID_NONE) {
		w_key(w, 6, "identity_local");
		ike_id(w, &p->local_id);
		w_puts(w, "\n");
	}
	w_printf(w, "      authentication: {local: %s, remote: %s}\n", auth_word(p->auth_local),
		 auth_word(p->auth_remote));
	if (p->keyring < ik->n_keyrings)
		w_str_line(w, 6, "keyring", ik->keyrings[p->keyring].name);
	if (p->dpd_interval != 0)
		w_printf(w, "      dpd: {interval: %u, retry: %u, mode: %s}\n", p->dpd_interval,
			 p->dpd_retry, p->dpd_mode == CFG_DPD_PERIODIC ? "periodic" : "on-demand");
	w_u64_line(w, 6, "lifetime", p->lifetime_sec);
}

/* A zero retransmit interval is out of range: the configuration did not come from config_parse. */
static void
ikev2(struct w *w)
{
	const struct cfg_ikev2 *ik = &w->cfg->ikev2;

	if (ik->retransmit_ms == 0)
		return;
	w_puts(w, "ikev2:\n");
	if (ik->n_proposals > 0)
		w_puts(w, "  proposals:\n");
	for (uint32_t i = 0; i < ik->n_proposals; i++)
		ike_proposal(w, &ik->proposals[i]);
	if (ik->n_policies > 0)
		w_puts(w, "  policies:\n");
	for (uint32_t i = 0; i < ik->n_policies; i++)
		ike_policy(w, &ik->policies[i]);
	if (ik->n_keyrings > 0)
		w_puts(w, "  keyrings:\n");
	for (uint32_t i = 0; i < ik->n_keyrings; i++) {
		w_name(w, 4, ik->keyrings[i].name);
		for (uint32_t j = 0; j < ik->keyrings[i].n_peers; j++)
			keyring_peer(w, &ik->keyrings[i].peers[j]);
	}
	if (ik->n_profiles > 0)
		w_puts(w, "  profiles:\n");
	for (uint32_t i = 0; i < ik->n_profiles; i++)
		ike_profile(w, &ik->profiles[i]);
	w_printf(w, "  retransmit: {interval_ms: %u, tries: %u}\n", ik->retransmit_ms,
		 ik->retransmit_tries);
	w_u64_line(w, 2, "cookie_threshold", ik->cookie_threshold);
	w_u64_line(w, 2, "half_open_max", ik->half_open_max);
	w_u64_line(w, 2, "nat_keepalive", ik->nat_keepalive);
	w_u64_line(w, 2, "delete_rekeyed_delay", ik->delete_rekeyed_delay);
	if (ik->frag_mtu != 0)
		w_printf(w, "  fragmentation: {mtu: %u}\n", ik->frag_mtu);
}

/* ---- transform sets, crypto maps ---- */

static void
transform_sets(struct w *w)
{
	const struct dpsec_config *cfg = w->cfg;

	if (cfg->n_transform_sets == 0)
		return;
	w_puts(w, "transform_sets:\n");
	for (uint32_t i = 0; i < cfg->n_transform_sets; i++) {
		const struct cfg_transform_set *ts = &cfg->transform_sets[i];

		w_printf(w, "  ");
		w_scalar(w, ts->name);
		w_puts(w, ":\n");
		w_key(w, 4, "transforms");
		w_puts(w, "[");
		if (cfg_ts_bundle(ts)) {	/* AH first, as IOS writes "ah-sha-hmac esp-aes" */
			w_scalar(w, dp_auth_info[ts->ah_auth].ios_ah);
			w_puts(w, ", ");
		}
		if (ts->proto == IPPROTO_AH)
			w_scalar(w, dp_auth_info[ts->auth].ios_ah);
		else
			w_scalar(w, dp_cipher_info[ts->cipher].ios);
		if (ts->proto != IPPROTO_AH && ts->auth != DP_AUTH_NONE) {
			w_puts(w, ", ");
			w_scalar(w, dp_auth_info[ts->auth].ios);
		}
		w_puts(w, "]\n");
		w_str_line(w, 4, "mode", "tunnel");
		w_bool_line(w, 4, "esn", ts->esn);
	}
}

static const char *
proto_word(uint8_t proto, bool v6)
{
	/* the parser reads "icmp" on an IPv6 line as ICMPv6 (58) */
	switch (proto) {
	case 1:
		return v6 ? NULL : "icmp";
	case 58:
		return v6 ? "icmp" : NULL;
	case 6:
		return "tcp";
	case 17:
		return "udp";
	default:
		return NULL;
	}
}

/* "53" or "1000-2000" (the parser reads both as text); nothing for any port. */
static void
ports(struct w *w, const char *key, const uint16_t p[2])
{
	if (p[0] == 0 && p[1] == 65535)
		return;
	if (p[0] == p[1])
		w_printf(w, ", %s: %u", key, p[0]);
	else
		w_printf(w, ", %s: %u-%u", key, p[0], p[1]);
}

/*
 * One line, flow style as in the examples: {src: A/N, dst: B/M, proto: udp, dport: 53};
 * a deny line starts with "action: deny" (permit, the default, is not written).
 */
static void
acl_line(struct w *w, const struct cfg_acl *a)
{
	const char *word = proto_word(a->proto, a->v6);

	w_puts(w, "        - {");
	if (a->action == CFG_ACL_DENY)
		w_puts(w, "action: deny, ");
	w_puts(w, "src: ");
	if (a->v6)
		w_prefix6(w, &a->src6);
	else
		w_prefix(w, a->src.addr, a->src.len);
	w_puts(w, ", dst: ");
	if (a->v6)
		w_prefix6(w, &a->dst6);
	else
		w_prefix(w, a->dst.addr, a->dst.len);
	if (word != NULL)
		w_printf(w, ", proto: %s", word);
	else if (a->proto != 0)
		w_printf(w, ", proto: %u", a->proto);
	ports(w, "sport", a->sport);
	ports(w, "dport", a->dport);
	w_puts(w, "}\n");
}

/* An entry's (or a tunnel's protection's) IKE keys, at indent 6; none without a profile. */
static void
entry_ike(struct w *w, const struct cfg_map_entry *e)
{
	const struct dpsec_config *cfg = w->cfg;

	if (e->ikev2_profile >= cfg->ikev2.n_profiles)
		return;
	w_str_line(w, 6, "ikev2_profile", cfg->ikev2.profiles[e->ikev2_profile].name);
	if (e->pfs_group != 0)
		w_printf(w, "      pfs: group%u\n", e->pfs_group);
	else
		w_puts(w, "      pfs: none\n");
	w_str_line(w, 6, "initiate",
		   e->initiate == CFG_INITIATE_ON_START ? "on-start" : "on-traffic");
}

static void
map_entry(struct w *w, const struct cfg_map_entry *e)
{
	const struct dpsec_config *cfg = w->cfg;

	w_printf(w, "    - seq: %u\n", e->seq);
	w_key(w, 6, "peer");
	if (e->peer_v6)
		w_ip6(w, e->peer6);
	else
		w_ip(w, e->peer);
	w_puts(w, "\n");
	if (e->transform_set < cfg->n_transform_sets)
		w_str_line(w, 6, "transform_set", cfg->transform_sets[e->transform_set].name);
	w_puts(w, "      match:\n");
	for (uint32_t k = 0; k < e->n_match; k++)
		acl_line(w, &e->match[k]);
	w_printf(w, "      lifetime: {seconds: %u, kilobytes: %u}\n", e->lifetime_sec,
		 e->lifetime_kb);
	w_u64_line(w, 6, "replay_window", e->replay_window);
	entry_ike(w, e);
}

static void
crypto_maps(struct w *w)
{
	const struct dpsec_config *cfg = w->cfg;

	if (cfg->n_crypto_maps == 0)
		return;
	w_puts(w, "crypto_maps:\n");
	for (uint32_t i = 0; i < cfg->n_crypto_maps; i++) {
		const struct cfg_crypto_map *m = &cfg->crypto_maps[i];

		w_printf(w, "  ");
		w_scalar(w, m->name);
		w_puts(w, ":\n");
		for (uint32_t j = 0; j < m->n_entries; j++)
			map_entry(w, &m->entries[j]);
	}
}

/* ---- interfaces, routes ---- */

static void
address6(struct w *w, const struct cfg_interface *ifc)
{
	char a[IP6_STRLEN], buf[IP6_PREFIX_STRLEN];

	snprintf(buf, sizeof(buf), "%s/%u", ip6_str(ifc->addr6, a), ifc->prefix6_len);
	w_str_line(w, 4, "address6", buf);
}

static void
neighbors(struct w *w, const struct cfg_interface *ifc)
{
	if (ifc->n_neighbors == 0 && ifc->n_neighbors6 == 0)
		return;
	/* one list, as written: the IPv4 entries, then the IPv6 ones */
	w_puts(w, "    neighbors:\n");
	for (uint32_t k = 0; k < ifc->n_neighbors; k++) {
		w_puts(w, "      - {ip: ");
		w_ip(w, ifc->neighbors[k].ip);
		w_puts(w, ", mac: ");
		w_mac(w, ifc->neighbors[k].mac);
		w_puts(w, "}\n");
	}
	for (uint32_t k = 0; k < ifc->n_neighbors6; k++) {
		w_puts(w, "      - {ip: ");
		w_ip6(w, ifc->neighbors6[k].ip);
		w_puts(w, ", mac: ");
		w_mac(w, ifc->neighbors6[k].mac);
		w_puts(w, "}\n");
	}
}

static void
interface(struct w *w, const struct cfg_interface *ifc)
{
	const struct dpsec_config *cfg = w->cfg;

	w_puts(w, "  - ");
	w_str_line(w, 0, "name", ifc->name);
	w_str_line(w, 4, "device", ifc->device);
	w_key(w, 4, "address");
	w_prefix(w, ifc->addr, ifc->prefix_len);
	w_puts(w, "\n");
	if (ifc->has_addr6)
		address6(w, ifc);
	w_str_line(w, 4, "role", ifc->role == CFG_ROLE_OUTSIDE ? "outside" : "inside");
	if (ifc->crypto_map < cfg->n_crypto_maps)
		w_str_line(w, 4, "crypto_map", cfg->crypto_maps[ifc->crypto_map].name);
	if (ifc->has_next_hop_mac) {
		w_key(w, 4, "next_hop_mac");
		w_mac(w, ifc->next_hop_mac);
		w_puts(w, "\n");
	}
	neighbors(w, ifc);
	w_u64_line(w, 4, "mtu", ifc->mtu);
	if (ifc->tcp_adjust_mss != 0)
		w_u64_line(w, 4, "tcp_adjust_mss", ifc->tcp_adjust_mss);
	if (ifc->tcp_adjust_mss6 != 0)
		w_u64_line(w, 4, "tcp_adjust_mss6", ifc->tcp_adjust_mss6);
	if (ifc->nd_reachable_ms != 0)
		w_u64_line(w, 4, "nd_reachable_time", ifc->nd_reachable_ms);
}

static void
interfaces(struct w *w)
{
	w_puts(w, "interfaces:\n");
	for (uint32_t i = 0; i < w->cfg->n_interfaces; i++)
		interface(w, &w->cfg->interfaces[i]);
}

/* Tunnel source by interface name, as "tunnel source GigabitEthernet1". */
static void
tunnel(struct w *w, const struct cfg_tunnel *t)
{
	const struct dpsec_config *cfg = w->cfg;

	w_puts(w, "  - ");
	w_str_line(w, 0, "name", t->name);
	if (t->addr != 0) {
		w_key(w, 4, "address");
		w_prefix(w, t->addr, t->prefix_len);
		w_puts(w, "\n");
	}
	if (t->has_addr6) {
		struct ip6_prefix p = {.len = t->prefix6_len};

		memcpy(p.addr, t->addr6, IP6_LEN);
		w_key(w, 4, "address6");
		w_prefix6(w, &p);
		w_puts(w, "\n");
	}
	if (t->source_iface < cfg->n_interfaces)
		w_str_line(w, 4, "source", cfg->interfaces[t->source_iface].name);
	w_key(w, 4, "destination");
	if (t->mode == CFG_TUNNEL_IPSEC_IPV6)
		w_ip6(w, t->destination6);
	else
		w_ip(w, t->destination);
	w_puts(w, "\n");
	w_str_line(w, 4, "mode", t->mode == CFG_TUNNEL_IPSEC_IPV6 ? "ipsec ipv6" : "ipsec ipv4");
	w_puts(w, "    protection:\n");
	w_str_line(w, 6, "profile", t->profile);
	if (t->transform_set < cfg->n_transform_sets)
		w_str_line(w, 6, "transform_set", cfg->transform_sets[t->transform_set].name);
	w_u64_line(w, 6, "replay_window", t->replay_window);
	entry_ike(w, &t->ike);
}

static void
tunnels(struct w *w)
{
	if (w->cfg->n_tunnels == 0)
		return;
	w_puts(w, "tunnels:\n");
	for (uint32_t i = 0; i < w->cfg->n_tunnels; i++)
		tunnel(w, &w->cfg->tunnels[i]);
}

/* The IPv6 routes follow the IPv4 ones in the one routes list. */
static void
routes6(struct w *w)
{
	const struct dpsec_config *cfg = w->cfg;

	for (uint32_t i = 0; i < cfg->n_routes6; i++) {
		const struct cfg_route6 *r = &cfg->routes6[i];

		w_puts(w, "  - {prefix: ");
		w_prefix6(w, &r->dst);
		if (r->iface < cfg->n_interfaces) {
			w_puts(w, ", interface: ");
			w_scalar(w, cfg->interfaces[r->iface].name);
		} else if (r->tunnel < cfg->n_tunnels) {
			w_puts(w, ", interface: ");
			w_scalar(w, cfg->tunnels[r->tunnel].name);
		}
		if (r->has_via) {
			w_puts(w, ", via: ");
			w_ip6(w, r->via);
		}
		w_puts(w, "}\n");
	}
}

static void
routes(struct w *w)
{
	const struct dpsec_config *cfg = w->cfg;

	if (cfg->n_routes == 0 && cfg->n_routes6 == 0)
		return;
	w_puts(w, "routes:\n");
	for (uint32_t i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];

		w_puts(w, "  - {prefix: ");
		w_prefix(w, r->dst.addr, r->dst.len);
		if (r->iface < cfg->n_interfaces) {
			w_puts(w, ", interface: ");
			w_scalar(w, cfg->interfaces[r->iface].name);
		} else if (r->tunnel < cfg->n_tunnels) {
			w_puts(w, ", interface: ");
			w_scalar(w, cfg->tunnels[r->tunnel].name);
		}
		if (r->via != 0) {
			w_puts(w, ", via: ");
			w_ip(w, r->via);
		}
		w_puts(w, "}\n");
	}
	routes6(w);
}

/* ---- manual SAs ---- */

static void
key_line(struct w *w, const char *key, const struct secret *s)
{
	if (s->len == 0)
		return;
	w_key(w, 4, key);
	if (w->hide_keys) {
		w_puts(w, "(hidden)\n");
		return;
	}
	w_puts(w, "\"");
	for (size_t i = 0; i < s->len && i < sizeof(s->b); i++)
		w_printf(w, "%02x", s->b[i]);
	w_puts(w, "\"\n");
}

static void
manual_sa(struct w *w, const struct cfg_manual_sa *sa)
{
	const struct dpsec_config *cfg = w->cfg;
	const struct cfg_crypto_map *m;

	if (sa->tunnel < cfg->n_tunnels) {
		w_puts(w, "  - ");
		w_str_line(w, 0, "tunnel", cfg->tunnels[sa->tunnel].name);
	} else if (sa->map < cfg->n_crypto_maps &&
		   sa->entry < cfg->crypto_maps[sa->map].n_entries) {
		m = &cfg->crypto_maps[sa->map];
		w_puts(w, "  - ");
		w_str_line(w, 0, "crypto_map", m->name);
		w_u64_line(w, 4, "seq", m->entries[sa->entry].seq);
	} else {
		return;
	}
	w_str_line(w, 4, "direction", sa->dir == CFG_DIR_IN ? "inbound" : "outbound");
	w_key(w, 4, "spi");
	w_printf(w, "0x%08" PRIx32 "\n", sa->spi);
	key_line(w, "cipher_key", &sa->cipher_key);
	key_line(w, "auth_key", &sa->auth_key);
	if (sa->ah_spi != 0) {
		w_key(w, 4, "ah_spi");
		w_printf(w, "0x%08" PRIx32 "\n", sa->ah_spi);
		key_line(w, "ah_auth_key", &sa->ah_auth_key);
	}
	if (sa->udp_encap)
		w_printf(w, "    udp_encap: {local_port: %u, peer_port: %u}\n", sa->local_port,
			 sa->peer_port);
	if (sa->dir == CFG_DIR_OUT && sa->initial_sequence != 0)
		w_u64_line(w, 4, "initial_sequence", sa->initial_sequence);
	if (sa->allow_unsafe_gcm)
		w_bool_line(w, 4, "allow_unsafe_manual_gcm", true);
}

/* The file's SAs stay in the file: the config names it, as it was written. */
static void
manual_sas(struct w *w)
{
	const struct cfg_sa_file *sf = &w->cfg->sa_file;
	uint32_t n_yaml = w->cfg->n_manual_sas - sf->n_sas;

	if (n_yaml > 0)
		w_puts(w, "manual_sas:\n");
	for (uint32_t i = 0; i < n_yaml; i++)
		manual_sa(w, &w->cfg->manual_sas[i]);
	if (sf->name == NULL)
		return;
	w_puts(w, "manual_sa_file:\n");
	w_str_line(w, 2, "path", sf->name);
	if (sf->allow_unsafe_gcm)
		w_bool_line(w, 2, "allow_unsafe_manual_gcm", true);
}

void
config_write(const struct dpsec_config *cfg, const struct cfg_write_opts *opts,
	     void (*put)(void *ctx, const char *s, size_t n), void *ctx)
{
	static const struct cfg_write_opts hidden = {.hide_keys = true};
	struct w w = {put, ctx, cfg, true};

	if (cfg == NULL || put == NULL)
		return;
	if (opts == NULL)
		opts = &hidden;
	w.hide_keys = opts->hide_keys;
	w_str_line(&w, 0, "hostname", cfg->hostname);
	dataplane(&w);
	cli(&w);
	isakmp(&w, opts);
	ipsec(&w);
	logging(&w);
	ikev2(&w);
	transform_sets(&w);
	crypto_maps(&w);
	interfaces(&w);
	tunnels(&w);
	routes(&w);
	manual_sas(&w);
}
