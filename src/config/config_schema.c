/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema walker and the typed value readers. Every message has the shape
 * "name:line:col: what is wrong (expected ...)", points at the offending value
 * (or at the mapping for a missing key), and echoes user text only through
 * cfg_quote, which is never applied to key material.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

__attribute__((format(printf, 5, 0))) static int
vcfg_err(struct cfg_ctx *c, const char *name, uint32_t line, uint32_t col, const char *fmt,
	 va_list ap)
{
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -EINVAL;
	if (line > 0)
		n = snprintf(c->err, c->errlen, "%s:%u:%u: ", name, line, col);
	else
		n = snprintf(c->err, c->errlen, "%s: ", name);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	return -EINVAL;
}

int
cfg_err(struct cfg_ctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vcfg_err(c, c->name, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
	return rc;
}

int
cfg_err_pos(struct cfg_ctx *c, const char *name, uint32_t line, uint32_t col, const char *fmt,
	    ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vcfg_err(c, name, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

int
cfg_nomem(struct cfg_ctx *c, const struct ynode *at)
{
	cfg_err(c, at, "out of memory");
	return -ENOMEM;
}

const char *
cfg_quote(struct cfg_ctx *c, const struct ynode *v)
{
	return ynode_quote(v, c->quote, sizeof(c->quote));
}

static size_t
allowed_keys(const struct cfg_key *keys, size_t nkeys, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nkeys && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", keys[i].name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return used;
}

static int
check_known_keys(struct cfg_ctx *c, const struct ynode *map, const char *what,
		 const struct cfg_key *keys, size_t nkeys)
{
	char allowed[512];

	for (uint32_t i = 0; i < ynode_map_len(map); i++) {
		const struct ynode *k = ynode_map_key(map, i);
		size_t r;

		for (r = 0; r < nkeys; r++)
			if (k->len == strlen(keys[r].name) && strcmp(k->str, keys[r].name) == 0)
				break;
		if (r == nkeys) {
			allowed_keys(keys, nkeys, allowed, sizeof(allowed));
			return cfg_err(c, k, "unknown key '%s' in %s (expected one of: %s)",
				       cfg_quote(c, k), what, allowed);
		}
	}
	return 0;
}

int
cfg_walk(struct cfg_ctx *c, const struct ynode *map, const char *what,
	 const struct cfg_key *keys, size_t nkeys, void *obj)
{
	int rc = cfg_expect_map(c, map, what);

	if (rc == 0)
		rc = check_known_keys(c, map, what, keys, nkeys);
	for (size_t r = 0; rc == 0 && r < nkeys; r++) {
		const struct ynode *v = ynode_map_get(map, keys[r].name);

		if (v != NULL)
			rc = keys[r].fn(c, &keys[r], v, obj);
		else if (keys[r].required)
			rc = cfg_err(c, map, "missing required key '%s' in %s", keys[r].name,
				     what);
	}
	return rc;
}

int
cfg_expect_map(struct cfg_ctx *c, const struct ynode *v, const char *what)
{
	if (v->type != YNODE_MAP)
		return cfg_err(c, v, "expected a mapping for %s (got %s)", what, ynode_kind(v));
	return 0;
}

int
cfg_expect_seq(struct cfg_ctx *c, const struct ynode *v, const char *what, bool nonempty)
{
	if (v->type != YNODE_SEQ)
		return cfg_err(c, v, "expected a list for '%s' (got %s)", what, ynode_kind(v));
	if (nonempty && v->n == 0)
		return cfg_err(c, v, "'%s' must not be empty", what);
	return 0;
}

int
cfg_str(struct cfg_ctx *c, const struct ynode *v, const char *what, const char **out)
{
	if (v->type != YNODE_SCALAR || ynode_is_null(v))
		return cfg_err(c, v, "expected a string for '%s' (got %s)", what, ynode_kind(v));
	if (strlen(v->str) != v->len)
		return cfg_err(c, v, "'%s' must not contain a NUL character", what);
	*out = v->str;
	return 0;
}

/* Digits of one base into *out; false on a bad digit or none. Overflow sets *big. */
static bool
parse_digits(const char *s, unsigned int base, uint64_t *out, bool *big)
{
	uint64_t n = 0;

	*big = false;
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (n > (UINT64_MAX - d) / base)
			*big = true;
		else
			n = n * base + d;
	}
	*out = n;
	return true;
}

bool
cfg_parse_dec(const char *s, uint64_t *out)
{
	bool big;

	if (s[0] == '0' && s[1] != '\0')
		return false;
	return parse_digits(s, 10, out, &big) && !big;
}

int
cfg_uint(struct cfg_ctx *c, const struct ynode *v, const char *what, uint64_t lo, uint64_t hi,
	 const char *range, uint64_t *out)
{
	char r[48];
	const char *s = v->str;
	bool ok = false, big = false;
	uint64_t n = 0;

	if (range == NULL) {
		snprintf(r, sizeof(r), "%" PRIu64 "..%" PRIu64, lo, hi);
		range = r;
	}
	if (v->type != YNODE_SCALAR || ynode_is_null(v))
		return cfg_err(c, v, "expected an integer for '%s' (got %s)", what, ynode_kind(v));
	/* Plain only: "32" in quotes is a string. YAML 1.1 octal (leading 0) is refused too. */
	if (v->plain && strlen(s) == v->len) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			ok = parse_digits(s + 2, 16, &n, &big);
		else if (s[0] != '0' || s[1] == '\0')
			ok = parse_digits(s, 10, &n, &big);
	}
	if (!v->plain)
		return cfg_err(c, v, "'%s' must be an unquoted integer %s (got \"%s\")", what,
			       range, cfg_quote(c, v));
	if (!ok)
		return cfg_err(c, v, "'%s' must be an integer %s (got '%s')", what, range,
			       cfg_quote(c, v));
	if (big || n < lo || n > hi)
		return cfg_err(c, v, "'%s' must be %s (got %s)", what, range, cfg_quote(c, v));
	*out = n;
	return 0;
}

int
cfg_bool(struct cfg_ctx *c, const struct ynode *v, const char *what, bool *out)
{
	static const struct cfg_word words[] = {
		{"true", 1}, {"True", 1}, {"TRUE", 1}, {"yes", 1}, {"Yes", 1}, {"YES", 1},
		{"false", 0}, {"False", 0}, {"FALSE", 0}, {"no", 0}, {"No", 0}, {"NO", 0},
	};

	if (v->type != YNODE_SCALAR || ynode_is_null(v))
		return cfg_err(c, v, "expected true or false for '%s' (got %s)", what,
			       ynode_kind(v));
	for (size_t i = 0; v->plain && i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(v->str, words[i].word) == 0 && v->len == strlen(words[i].word)) {
			*out = words[i].value != 0;
			return 0;
		}
	}
	if (!v->plain)
		return cfg_err(c, v, "'%s' must be an unquoted true or false (got \"%s\")", what,
			       cfg_quote(c, v));
	return cfg_err(c, v, "'%s' must be true or false (got '%s')", what, cfg_quote(c, v));
}

int
cfg_ip4(struct cfg_ctx *c, const struct ynode *v, const char *what, uint32_t *out)
{
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc == 0 && !ip4_parse(s, out))
		rc = cfg_err(c, v, "'%s' must be an IPv4 address A.B.C.D (got '%s')", what,
			     cfg_quote(c, v));
	return rc;
}

bool
cfg_parse_addr_len(const char *s, uint32_t *addr, uint8_t *len)
{
	const char *slash = strchr(s, '/');
	char a[IP4_STRLEN];
	uint64_t n = 0;
	bool big;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	if (!ip4_parse(a, addr) || (slash[1] == '0' && slash[2] != '\0'))
		return false;
	if (!parse_digits(slash + 1, 10, &n, &big) || big || n > 32)
		return false;
	*len = (uint8_t)n;
	return true;
}

int
cfg_addr_len(struct cfg_ctx *c, const struct ynode *v, const char *what, uint32_t *addr,
	     uint8_t *len)
{
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0)
		return rc;
	if (!cfg_parse_addr_len(s, addr, len) || *len == 0)
		return cfg_err(c, v, "'%s' must be an IPv4 address with prefix length "
				     "A.B.C.D/1..32 (got '%s')", what, cfg_quote(c, v));
	return 0;
}

int
cfg_prefix(struct cfg_ctx *c, const struct ynode *v, const char *what, struct ip4_prefix *out)
{
	char net[IP4_STRLEN];
	bool host_bits;
	uint32_t addr;
	uint8_t len;
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0 || ip4_prefix_parse(s, out, &host_bits))
		return rc;
	if (!host_bits || !cfg_parse_addr_len(s, &addr, &len))
		return cfg_err(c, v, "'%s' must be an IPv4 prefix A.B.C.D/LEN (got '%s')", what,
			       cfg_quote(c, v));
	return cfg_err(c, v, "'%s' %s has host bits set (expected %s/%u)", what, cfg_quote(c, v),
		       ip4_str(addr & ip4_mask_be(len), net), len);
}

int
cfg_name(struct cfg_ctx *c, const struct ynode *v, const char *what, const char *extra,
	 char out[CFG_NAME_MAX])
{
	const char *s;
	size_t len;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0)
		return rc;
	len = strlen(s);
	if (len == 0)
		return cfg_err(c, v, "%s must not be empty", what);
	if (len >= CFG_NAME_MAX)
		return cfg_err(c, v, "%s is too long (at most %d characters, got %zu)", what,
			       CFG_NAME_MAX - 1, len);
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
		    (ch != '\0' && strchr(extra, ch) != NULL))
			continue;
		return cfg_err(c, v, "%s '%s' may only contain letters, digits and '._-%s'", what,
			       cfg_quote(c, v), extra);
	}
	memcpy(out, s, len + 1);
	return 0;
}

int
cfg_h_u16(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, k->lo, k->hi, NULL, &n);

	if (rc == 0)
		*(uint16_t *)((char *)obj + k->off) = (uint16_t)n;
	return rc;
}

int
cfg_h_u32(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, k->lo, k->hi, NULL, &n);

	if (rc == 0)
		*(uint32_t *)((char *)obj + k->off) = (uint32_t)n;
	return rc;
}

int
cfg_h_bool(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_bool(c, v, k->name, (bool *)((char *)obj + k->off));
}

int
cfg_h_ip4(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_ip4(c, v, k->name, (uint32_t *)((char *)obj + k->off));
}

int
cfg_h_prefix(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	return cfg_prefix(c, v, k->name, (struct ip4_prefix *)((char *)obj + k->off));
}

/* Enum fields are int-sized (checked where the tables are defined); written with memcpy. */
int
cfg_h_word(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	const struct cfg_word *w = k->arg;
	char allowed[256];
	size_t used = 0;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	for (; w->word != NULL; w++) {
		if (strcmp(s, w->word) == 0) {
			memcpy((char *)obj + k->off, &w->value, sizeof(w->value));
			return 0;
		}
	}
	allowed[0] = '\0';
	for (w = k->arg; w->word != NULL && used < sizeof(allowed); w++) {
		int n = snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
				 w == k->arg ? "" : ", ", w->word);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return cfg_err(c, v, "'%s' must be one of: %s (got '%s')", k->name, allowed,
		       cfg_quote(c, v));
}

static int
dupkey_cmp(const void *a, const void *b)
{
	const struct cfg_dupkey *x = a, *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->ext != y->ext)
		return x->ext < y->ext ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

bool
cfg_find_dup(struct cfg_dupkey *keys, uint32_t n, uint32_t *first, uint32_t *dup)
{
	*dup = UINT32_MAX;
	if (n < 2)
		return false;
	qsort(keys, n, sizeof(*keys), dupkey_cmp);
	for (uint32_t i = 1; i < n; i++) {
		/* Equal keys sort by index, so keys[i - 1] is the earlier occurrence. */
		if (keys[i].hi == keys[i - 1].hi && keys[i].lo == keys[i - 1].lo &&
		    keys[i].ext == keys[i - 1].ext && keys[i].idx < *dup) {
			*dup = keys[i].idx;
			*first = keys[i - 1].idx;
		}
	}
	return *dup != UINT32_MAX;
}

const char *
cfg_list_names(struct cfg_ctx *c, const void *base, size_t n, size_t stride, size_t name_off)
{
	size_t used = 0;

	snprintf(c->list, sizeof(c->list), "none");
	for (size_t i = 0; i < n && used < sizeof(c->list); i++) {
		const char *name = (const char *)base + i * stride + name_off;
		int w = snprintf(c->list + used, sizeof(c->list) - used, "%s%s", i ? ", " : "",
				 name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return c->list;
}
