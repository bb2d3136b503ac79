/* SPDX-License-Identifier: BSD-3-Clause */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"

/*
 * xform.h keeps the transform-set configuration words ("esp-aes 256"); IOS XE
 * shows them differently once configured: the default 128-bit key size is
 * dropped ("esp-aes", "esp-gcm") and AES-CBC moves the size into the word
 * ("esp-256-aes"), while GCM keeps it apart ("esp-gcm 256").
 */
static void
cipher_word(enum dp_cipher c, char *buf, size_t len)
{
	const char *ios = dp_cipher_info[c].ios;
	const char *sp = strchr(ios, ' ');
	int base = sp != NULL ? (int)(sp - ios) : (int)strlen(ios);

	if (sp == NULL || strcmp(sp + 1, "128") == 0)
		snprintf(buf, len, "%.*s", base, ios);
	else if (strncmp(ios, "esp-aes", (size_t)base) == 0)
		snprintf(buf, len, "esp-%s-aes", sp + 1);
	else
		snprintf(buf, len, "%s", ios);
}

void
cli_xform_text(uint8_t proto, enum dp_cipher c, enum dp_auth a, char *buf, size_t len)
{
	char cw[32];

	if (proto == IPPROTO_AH) {
		snprintf(buf, len, "%s", dp_auth_info[a].ios_ah);
		return;
	}
	cipher_word(c, cw, sizeof(cw));
	if (a == DP_AUTH_NONE)
		snprintf(buf, len, "%s", cw);
	else
		snprintf(buf, len, "%s %s", cw, dp_auth_info[a].ios);
}

void
cli_ts_text(const struct cfg_transform_set *ts, char *buf, size_t len)
{
	char esp[64];

	if (!cfg_ts_bundle(ts)) {
		cli_xform_text(ts->proto, ts->cipher, ts->auth, buf, len);
		return;
	}
	cli_xform_text(IPPROTO_ESP, ts->cipher, ts->auth, esp, sizeof(esp));
	snprintf(buf, len, "%s %s", dp_auth_info[ts->ah_auth].ios_ah, esp);
}

/*
 * Outer IPv4 header, optional UDP (RFC 3948), SPI and sequence number, IV and
 * ICV take their bytes; the ciphertext (inner packet, pad length, next
 * header) must be a multiple of the cipher block (RFC 4303 section 2.4).
 * This is what IOS XE prints: 1438 for esp-256-aes esp-sha256-hmac on 1500.
 */
unsigned
cli_plaintext_mtu(unsigned mtu, uint8_t proto, enum dp_cipher c, enum dp_auth a, bool udp_encap)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[c];
	unsigned over = 20 + (udp_encap ? 8u : 0u) + 8 + ci->iv_len + dp_xform_icv_len(c, a);
	unsigned blk = ci->block ? ci->block : 4;
	unsigned room;

	if (proto == IPPROTO_AH) {
		/* outer IPv4 and the AH header, its ICV padded to 32 bits (RFC 4302 2.6) */
		over = 20 + ((12u + dp_auth_info[a].icv_len + 3u) & ~3u);
		return mtu > over ? mtu - over : 0;
	}
	if (mtu <= over)
		return 0;
	room = (mtu - over) / blk * blk;
	return room >= 2 ? room - 2 : 0;
}

unsigned
cli_bundle_plaintext_mtu(unsigned mtu, enum dp_auth ah, enum dp_cipher c, enum dp_auth a)
{
	/* the AH header between the outer IPv4 header and the ESP (RFC 4301 section 4.5) */
	unsigned over = (12u + dp_auth_info[ah].icv_len + 3u) & ~3u;

	return mtu > over ? cli_plaintext_mtu(mtu - over, IPPROTO_ESP, c, a, false) : 0;
}

static int
plural(char *buf, size_t len, const char *sep, uint64_t n, const char *unit)
{
	return snprintf(buf, len, "%s%llu %s%s", sep, (unsigned long long)n, unit,
			n == 1 ? "" : "s");
}

void
cli_uptime_text(uint64_t sec, char *buf, size_t len)
{
	static const struct {
		uint64_t sec;
		const char *unit;
	} units[] = {
		{365 * 86400, "year"}, {7 * 86400, "week"}, {86400, "day"},
		{3600, "hour"},	       {60, "minute"},
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && off < len; i++) {
		uint64_t n = sec / units[i].sec;
		int w;

		sec %= units[i].sec;
		if (n == 0)
			continue;
		w = plural(buf + off, len - off, off ? ", " : "", n, units[i].unit);
		off += w > 0 ? (size_t)w : 0;
	}
	if (off == 0)
		snprintf(buf, len, "0 minutes");
}

void
cli_ago_text(uint64_t sec, char *buf, size_t len)
{
	static const struct {
		uint64_t sec;
		char unit;
	} units[] = {{7 * 86400, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && off < len; i++) {
		uint64_t n = sec / units[i].sec;
		int w;

		sec %= units[i].sec;
		/* Leading zero units are left out, later ones kept: "1h 0m 5s". */
		if (n == 0 && off == 0 && units[i].unit != 's')
			continue;
		w = snprintf(buf + off, len - off, "%s%llu%c", off ? " " : "",
			     (unsigned long long)n, units[i].unit);
		off += w > 0 ? (size_t)w : 0;
	}
}

void
cli_elapsed_text(uint64_t sec, char *buf, size_t len)
{
	uint64_t d = sec / 86400, h = sec / 3600 % 24;

	if (d == 0)
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(sec / 3600),
			 (unsigned)(sec / 60 % 60), (unsigned)(sec % 60));
	else if (d < 7)
		snprintf(buf, len, "%ud%02uh", (unsigned)d, (unsigned)h);
	else if (d < 365)
		snprintf(buf, len, "%uw%ud", (unsigned)(d / 7), (unsigned)(d % 7));
	else
		snprintf(buf, len, "%lluy%uw", (unsigned long long)(d / 365),
			 (unsigned)(d % 365 / 7));
}

void
cli_date_text(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	time_t s = t->tv_sec;

	if (localtime_r(&s, &tm) == NULL || strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)s);
}

void
cli_now(const struct view *v, struct timespec *t)
{
	if (v->ops != NULL && v->ops->wall_clock != NULL)
		v->ops->wall_clock(v->ctx, t);
	else
		clock_gettime(CLOCK_REALTIME, t);
}

const char *
cli_mask_str(uint8_t len, char buf[IP4_STRLEN])
{
	return ip4_str(ip4_mask_be(len), buf);
}

const char *
cli_wildcard_str(uint8_t len, char buf[IP4_STRLEN])
{
	return ip4_str(~ip4_mask_be(len), buf);
}

const char *
cli_mac_dotted(const uint8_t mac[6], char buf[CLI_MAC_DOTTED_LEN])
{
	snprintf(buf, CLI_MAC_DOTTED_LEN, "%02x%02x.%02x%02x.%02x%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

int
cli_not_available(struct cli_out *o)
{
	cli_puts(o, "% Not available\n");
	return CLI_E_FAILED;
}

/*
 * The list operations say how many they wrote, not how many exist: grow the
 * buffer until there is room to spare.
 */
int
cli_fetch_all(const struct view *v, cli_list_fn list, const void *arg, size_t elem,
	      void **out, size_t *n)
{
	size_t cap = 256;
	void *buf = NULL;

	*out = NULL;
	*n = 0;
	for (;;) {
		void *p = realloc(buf, cap * elem);
		size_t got;

		if (p == NULL) {
			free(buf);
			return -1;
		}
		buf = p;
		memset(buf, 0, cap * elem);
		got = list(v, arg, buf, cap);
		if (got < cap || cap >= CLI_FETCH_MAX) {
			*out = buf;
			*n = got < cap ? got : cap;
			return 0;
		}
		cap *= 2;
	}
}

static size_t
sa_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->sa_list(v->ctx, out, max);
}

int
cli_sa_fetch(const struct view *v, struct cli_sa_list *l)
{
	void *p;
	int rc;

	memset(l, 0, sizeof(*l));
	if (CLI_OP(v, sa_list) == NULL)
		return 0;
	rc = cli_fetch_all(v, sa_list, NULL, sizeof(*l->sa), &p, &l->n);
	l->sa = p;
	return rc;
}

void
cli_sa_list_free(struct cli_sa_list *l)
{
	free(l->sa);
	memset(l, 0, sizeof(*l));
}

int
cli_port_fetch(const struct view *v, struct cli_port_list *l)
{
	size_t cap = v->cfg != NULL ? v->cfg->n_interfaces : 0;

	memset(l, 0, sizeof(*l));
	if (v->ops == NULL || v->ops->port_list == NULL || cap == 0)
		return 0;
	l->port = calloc(cap, sizeof(*l->port));
	if (l->port == NULL)
		return -1;
	l->n = v->ops->port_list(v->ctx, l->port, cap);
	if (l->n > cap)
		l->n = cap;
	return 0;
}

void
cli_port_list_free(struct cli_port_list *l)
{
	free(l->port);
	memset(l, 0, sizeof(*l));
}

const struct view_port *
cli_port_find(const struct cli_port_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->port[i].name, name, sizeof(l->port[i].name)) == 0)
			return &l->port[i];
	return NULL;
}

uint64_t
cli_drops_sum(const uint64_t *per_cause)
{
	uint64_t n = 0;

	for (int g = 0; g < DP_GLOBAL__COUNT; g++)
		n += per_cause[g];
	return n;
}

bool
cli_name_eq(const char *typed, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(typed, name, len) == 0;
}

const char *
cli_proto6_name(uint8_t p, char buf[8])
{
	/* IOS "ipv6 access-list" words: ipv6 for any, icmp for ICMPv6 */
	if (p == 0)
		return "ipv6";
	if (p == 58)
		return "icmp";
	if (p == 1)
		return "1";	/* ICMP for IPv4 inside IPv6: a number, as IOS has no word for it */
	return cli_proto_name(p, buf);
}

const char *
cli_entry_peer(const struct cfg_map_entry *e, char buf[IP6_STRLEN])
{
	return e->peer_v6 ? ip6_str(e->peer6, buf) : ip4_str(e->peer, buf);
}

const char *
cli_proto_name(uint8_t p, char buf[8])
{
	switch (p) {
	case 0:
		return "ip";
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	case 51:
		return "ahp";
	default:
		snprintf(buf, 8, "%u", p);
		return buf;
	}
}
