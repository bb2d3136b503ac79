/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The matching engine. Every row of the command table is a candidate at
 * first; each word narrows the set. At a position, an exact keyword wins,
 * then a keyword the word is a unique prefix of, then a typed argument (most
 * specific type first). A word that several different keywords start with is
 * ambiguous; a word nothing accepts is invalid, and the '^' goes under its
 * first character no keyword continues with, as IOS does ("ipsek": under 'k').
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/ip4.h"
#include "dpsec/ip6.h"
#include "grammar.h"

static int
lower(char c)
{
	return tolower((unsigned char)c);
}

size_t
cli_common_prefix(const struct cli_word *w, const char *kw)
{
	size_t i = 0;

	while (i < w->len && kw[i] != '\0' && lower(w->s[i]) == lower(kw[i]))
		i++;
	return i;
}

bool
cli_word_prefix(const struct cli_word *w, const char *kw)
{
	return w->len > 0 && cli_common_prefix(w, kw) == w->len;
}

static bool
word_is(const struct cli_word *w, const char *kw)
{
	return strlen(kw) == w->len && cli_word_prefix(w, kw);
}

/* The typed word is the keyword, or its other spelling. */
static bool
tok_is(const struct cli_word *w, const struct cli_tok *t)
{
	return word_is(w, t->word) || (t->alias != NULL && word_is(w, t->alias));
}

/* How far the typed word follows the keyword (or its other spelling, if further). */
static size_t
tok_common(const struct cli_word *w, const struct cli_tok *t)
{
	size_t a = cli_common_prefix(w, t->word);
	size_t b = t->alias != NULL ? cli_common_prefix(w, t->alias) : 0;

	return a > b ? a : b;
}

static const struct cli_tok *
row_tok(size_t row, size_t k)
{
	return k < cli_rows[row].n ? cli_rows[row].toks[k] : NULL;
}

/* Two tokens at the same position mean the same thing. */
static bool
tok_same(const struct cli_tok *a, const struct cli_tok *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind != CLI_TK_KEYWORD || strcmp(a->word, b->word) == 0;
}

static bool
parse_ipv4(const struct cli_word *w, struct cli_arg *a)
{
	char buf[IP4_STRLEN];

	if (w->len >= sizeof(buf))
		return false;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	return ip4_parse(buf, &a->ip);
}

/* An IPv6 address as inet_pton reads it; it holds a ':', so never an IPv4 or a number. */
static bool
parse_ipv6(const struct cli_word *w, struct cli_arg *a)
{
	char buf[IP6_STRLEN];

	if (w->len >= sizeof(buf) || memchr(w->s, ':', w->len) == NULL)
		return false;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	a->v6 = inet_pton(AF_INET6, buf, a->ip6) == 1;
	return a->v6;
}

/* Decimal or 0x-prefixed hex, at most 32 bits (an SPI). */
static bool
parse_uint(const struct cli_word *w, struct cli_arg *a)
{
	size_t i = 0, base = 10;
	uint64_t v = 0;

	if (w->len > 2 && w->s[0] == '0' && lower(w->s[1]) == 'x') {
		base = 16;
		i = 2;
	}
	if (i == w->len)
		return false;
	for (; i < w->len; i++) {
		int c = lower(w->s[i]);
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		v = v * base + d;
		if (v > UINT32_MAX)
			return false;
	}
	a->u = v;
	return true;
}

bool
cli_parse_arg(enum cli_tok_kind kind, const struct cli_word *w, struct cli_arg *a)
{
	memset(a, 0, sizeof(*a));
	a->s = w->s;
	a->len = w->len;
	switch (kind) {
	case CLI_TK_IPV4:
		return parse_ipv4(w, a);
	case CLI_TK_IPV6:
		return parse_ipv6(w, a);
	case CLI_TK_UINT:
		return parse_uint(w, a);
	case CLI_TK_WORD:
		return w->len <= CLI_LINE_MAX;
	case CLI_TK_KEYWORD:
		break;
	}
	return false;
}

/* Keep the candidates whose token at k is t, and record what it carries. */
static void
keep(struct cli_match *m, size_t k, const struct cli_tok *t, const struct cli_arg *a)
{
	for (size_t i = 0; i < cli_n_rows; i++) {
		const struct cli_tok *rt = row_tok(i, k);

		m->cand[i] = m->cand[i] && rt != NULL && tok_same(rt, t);
	}
	if (t->opt != CLI_OPT_NONE) {
		m->opt[t->opt] = *a;
		m->opt[t->opt].set = true;
	}
}

/* Keywords at position k: exact, unique prefix, or ambiguous. */
static enum cli_kw_result
match_keyword(const struct cli_match *m, size_t k, const struct cli_word *w,
	      const struct cli_tok **out, size_t *best)
{
	const struct cli_tok *prefix = NULL;
	bool ambiguous = false;

	*best = 0;
	for (size_t i = 0; i < cli_n_rows; i++) {
		const struct cli_tok *t = row_tok(i, k);
		size_t c;

		if (!m->cand[i] || t == NULL || t->kind != CLI_TK_KEYWORD)
			continue;
		if (tok_is(w, t)) {
			*out = t;
			return CLI_KW_UNIQUE;
		}
		c = tok_common(w, t);
		if (c > *best)
			*best = c;
		if (c != w->len)
			continue;
		if (prefix != NULL && strcmp(prefix->word, t->word) != 0)
			ambiguous = true;
		prefix = t;
	}
	*out = prefix;
	if (ambiguous)
		return CLI_KW_AMBIGUOUS;
	return prefix != NULL ? CLI_KW_UNIQUE : CLI_KW_NONE;
}

/* Typed arguments at position k, most specific type first. */
static const struct cli_tok *
match_arg(const struct cli_match *m, size_t k, const struct cli_word *w, struct cli_arg *a)
{
	static const enum cli_tok_kind order[] = {CLI_TK_IPV4, CLI_TK_IPV6, CLI_TK_UINT,
						  CLI_TK_WORD};

	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		for (size_t i = 0; i < cli_n_rows; i++) {
			const struct cli_tok *t = row_tok(i, k);

			if (m->cand[i] && t != NULL && t->kind == order[o] &&
			    cli_parse_arg(t->kind, w, a))
				return t;
		}
	}
	return NULL;
}

static void
match_word(struct cli_match *m, size_t k, const struct cli_word *w)
{
	const struct cli_tok *t = NULL;
	struct cli_arg a;
	size_t best;

	memset(&a, 0, sizeof(a));
	switch (match_keyword(m, k, w, &t, &best)) {
	case CLI_KW_UNIQUE:
		keep(m, k, t, &a);
		return;
	case CLI_KW_AMBIGUOUS:
		m->err = CLI_E_AMBIGUOUS;
		return;
	case CLI_KW_NONE:
		break;
	}
	t = match_arg(m, k, w, &a);
	if (t != NULL) {
		keep(m, k, t, &a);
		return;
	}
	m->err = CLI_E_INVALID;
	m->err_col = w->col + best;
}

void
cli_match_words(const struct cli_line *l, size_t n, unsigned priv, struct cli_match *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < cli_n_rows; i++)
		m->cand[i] = cli_rows[i].priv <= priv;
	for (size_t k = 0; k < n; k++) {
		match_word(m, k, &l->w[k]);
		if (m->err != CLI_OK)
			return;
	}
	for (size_t i = 0; i < cli_n_rows; i++) {
		if (m->cand[i] && cli_rows[i].n == n) {
			m->row = &cli_rows[i];
			return;
		}
	}
	if (n > 0)
		m->err = CLI_E_INCOMPLETE;
}

/* ---- help ---- */

struct help_set {
	struct cli_help_item item[CLI_ROWS_MAX + 2];
	const struct cli_tok *tok[CLI_ROWS_MAX];
	size_t n;
};

/* The distinct tokens at position k of the candidates, in table order. */
static void
collect(const struct cli_match *m, size_t k, struct help_set *h)
{
	h->n = 0;
	for (size_t i = 0; i < cli_n_rows; i++) {
		const struct cli_tok *t = row_tok(i, k);
		bool seen = false;

		if (!m->cand[i] || t == NULL || cli_rows[i].hidden)
			continue;
		for (size_t j = 0; j < h->n && !seen; j++)
			seen = tok_same(h->tok[j], t);
		if (!seen)
			h->tok[h->n++] = t;
	}
}

/* IOS lists arguments first, then keywords alphabetically. */
static int
tok_order(const void *a, const void *b)
{
	const struct cli_tok *x = *(const struct cli_tok *const *)a;
	const struct cli_tok *y = *(const struct cli_tok *const *)b;
	int kx = x->kind == CLI_TK_KEYWORD, ky = y->kind == CLI_TK_KEYWORD;

	if (kx != ky)
		return kx - ky;
	return strcmp(x->word, y->word);
}

void
cli_help_print(const struct cli_help_item *items, size_t n, struct cli_out *o)
{
	int width = 0;

	for (size_t i = 0; i < n; i++) {
		int l = (int)strlen(items[i].name);

		if (l > width)
			width = l;
	}
	for (size_t i = 0; i < n; i++)
		cli_printf(o, "  %-*s  %s\n", width, items[i].name, items[i].help);
	cli_puts(o, "\n");
}

void
cli_help_print_words(const char *const *names, size_t n, struct cli_out *o)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);

		if (col > 0 && col + l > 79) {
			cli_puts(o, "\n");
			col = 0;
		}
		cli_printf(o, "%s  ", names[i]);
		col += l + 2;
	}
	cli_puts(o, "\n\n");
}

void
cli_help_next(const struct cli_match *m, size_t n, struct cli_out *o)
{
	struct help_set h;
	size_t k = 0;

	collect(m, n, &h);
	qsort(h.tok, h.n, sizeof(h.tok[0]), tok_order);
	for (; k < h.n; k++)
		h.item[k] = (struct cli_help_item){h.tok[k]->word, h.tok[k]->help};
	if (m->row != NULL && m->row->show)
		h.item[k++] = (struct cli_help_item){"|", "Output modifiers"};
	if (m->row != NULL)
		h.item[k++] = (struct cli_help_item){"<cr>", "<cr>"};
	cli_help_print(h.item, k, o);
}

/* Could the partial word p still become a valid argument of this kind? */
static bool
arg_could_start(enum cli_tok_kind kind, const struct cli_word *p)
{
	for (size_t i = 0; i < p->len; i++) {
		char c = p->s[i];

		if (kind == CLI_TK_IPV4 && !(c == '.' || (c >= '0' && c <= '9')))
			return false;
		if (kind == CLI_TK_IPV6 && !(c == ':' || c == '.' || isxdigit((unsigned char)c)))
			return false;
		if (kind == CLI_TK_UINT && !isxdigit((unsigned char)c) &&
		    !(i == 1 && lower(c) == 'x'))
			return false;
	}
	return kind != CLI_TK_KEYWORD;
}

bool
cli_help_partial(const struct cli_match *m, size_t n, const struct cli_word *p, struct cli_out *o)
{
	const char *names[CLI_ROWS_MAX];
	struct help_set h;
	size_t k = 0;

	collect(m, n, &h);
	qsort(h.tok, h.n, sizeof(h.tok[0]), tok_order);
	for (size_t i = 0; i < h.n; i++) {
		const struct cli_tok *t = h.tok[i];

		if (t->kind != CLI_TK_KEYWORD ? arg_could_start(t->kind, p)
					      : cli_word_prefix(p, t->word))
			names[k++] = t->word;
		else if (t->alias != NULL && cli_word_prefix(p, t->alias))
			names[k++] = t->alias;
	}
	if (k == 0)
		return false;
	cli_help_print_words(names, k, o);
	return true;
}
