/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "| include RE" and friends. As on IOS there is one filter per line, its
 * keyword may be abbreviated ("| i"), and the regular expression is the rest
 * of the line, blanks and '|' included ("| i peer|Status" is an alternation).
 * IOS regexps are case-sensitive; so are these (POSIX ERE).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "grammar.h"

static const struct cli_help_item filter_kw[CLI_FILTER__COUNT] = {
	[CLI_FILTER_BEGIN] = {"begin", "Begin with the line that matches"},
	[CLI_FILTER_COUNT] = {"count", "Count number of lines which match regexp"},
	[CLI_FILTER_EXCLUDE] = {"exclude", "Exclude lines that match"},
	[CLI_FILTER_INCLUDE] = {"include", "Include lines that match"},
};

/* The filter keyword w names, or -1 (none; *best = longest common prefix) or -2 (ambiguous). */
static int
filter_kind(const struct cli_word *w, size_t *best)
{
	int found = -1;

	*best = 0;
	for (int k = 0; k < CLI_FILTER__COUNT; k++) {
		size_t c = cli_common_prefix(w, filter_kw[k].name);

		if (c > *best)
			*best = c;
		if (c != w->len)
			continue;
		if (strlen(filter_kw[k].name) == w->len)
			return k;
		found = found == -1 ? k : -2;
	}
	return found;
}

/*
 * glibc compiles a regexp into a tree in which "x{n,m}" holds m copies of x
 * and "x+" two, so stacked or nested repetitions grow it exponentially
 * ("p++++...", "((a{99}){99}){99}"): a few dozen typed characters can take
 * gigabytes on the daemon's control thread. Estimate that size first and
 * refuse what passes a budget; refuse back-references too (IOS regexps have
 * none, and they make matching exponential in time).
 */
#define REGEX_BUDGET 4096
#define REGEX_DEPTH  32

struct re_cost {
	uint64_t sum[REGEX_DEPTH];  /* size of the current group so far */
	uint64_t last[REGEX_DEPTH]; /* size of the last atom, which a repetition copies */
	int depth;
};

static void
re_atom(struct re_cost *r, uint64_t size)
{
	if (size > REGEX_BUDGET)
		size = REGEX_BUDGET + 1;
	r->last[r->depth] = size;
	r->sum[r->depth] += size;
}

static void
re_repeat(struct re_cost *r, uint64_t copies)
{
	uint64_t *last = &r->last[r->depth];

	if (copies > REGEX_BUDGET)
		copies = REGEX_BUDGET + 1;
	r->sum[r->depth] += *last * (copies - 1);
	*last *= copies;
}

/* The largest count in "{n}", "{n,}" or "{n,m}" starting at p[*i]; *i left on the '}'. */
static uint64_t
brace_count(const char *p, size_t n, size_t *i)
{
	uint64_t v = 0, max = 0;

	for ((*i)++; *i < n && p[*i] != '}'; (*i)++) {
		if (p[*i] >= '0' && p[*i] <= '9')
			v = v > REGEX_BUDGET ? v : v * 10 + (uint64_t)(p[*i] - '0');
		else
			v = 0;
		if (v > max)
			max = v;
	}
	return max + 1;
}

/* Index of the ']' closing the bracket expression that opens at p[i] ("[]a]", "[[:digit:]]"). */
static size_t
bracket_end(const char *p, size_t n, size_t i)
{
	i++;
	if (i < n && p[i] == '^')
		i++;
	if (i < n && p[i] == ']')
		i++;
	while (i < n && p[i] != ']') {
		char k = i + 1 < n ? p[i + 1] : '\0';

		if (p[i] == '[' && (k == ':' || k == '.' || k == '=')) {
			for (i += 2; i + 1 < n && !(p[i] == k && p[i + 1] == ']'); i++)
				;
			i += 2;
			continue;
		}
		i++;
	}
	return i;
}

static bool
re_too_costly(const char *p, size_t n)
{
	struct re_cost r;
	bool prev_rep = false;

	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < n; i++) {
		bool rep = p[i] == '*' || p[i] == '?' || p[i] == '+' || p[i] == '{';

		/*
		 * A repetition of a repetition ("a**", "b++", "c+{2}") adds nothing a
		 * filter needs, and glibc's regcomp takes minutes on a few of them in a
		 * row: the control thread would stop. Refused, whatever the budget says.
		 */
		if (rep && i > 0 && prev_rep)
			return true;
		prev_rep = rep;
		switch (p[i]) {
		case '\\':
			if (i + 1 < n && p[i + 1] >= '1' && p[i + 1] <= '9')
				return true;
			i++;
			re_atom(&r, 1);
			break;
		case '[':
			i = bracket_end(p, n, i);
			re_atom(&r, 1);
			break;
		case '(':
			if (++r.depth == REGEX_DEPTH)
				return true;
			r.sum[r.depth] = r.last[r.depth] = 0;
			break;
		case ')':
			if (r.depth == 0) {
				re_atom(&r, 1);
				break;
			}
			r.depth--;
			re_atom(&r, r.sum[r.depth + 1] + 1);
			break;
		case '|':
			r.last[r.depth] = 0;
			break;
		case '*':
		case '?':
			re_repeat(&r, 2);
			break;
		case '+':
			re_repeat(&r, 3);
			break;
		case '{':
			re_repeat(&r, brace_count(p, n, &i));
			break;
		default:
			re_atom(&r, 1);
		}
		if (r.sum[r.depth] > REGEX_BUDGET)
			return true;
	}
	return false;
}

static int
compile(struct cli_filter *f, const struct cli_word *re, struct cli_out *o)
{
	char pat[CLI_LINE_MAX + 1];
	int rc;

	memcpy(pat, re->s, re->len);
	pat[re->len] = '\0';
	if (re_too_costly(pat, re->len)) {
		cli_puts(o, "% Regular expression too complex (nested repetition or "
			    "back-reference)\n\n");
		return CLI_E_REGEX;
	}
	rc = regcomp(&f->re, pat, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];

		regerror(rc, &f->re, msg, sizeof(msg));
		regfree(&f->re);
		cli_printf(o, "%% Invalid regular expression \"%s\": %s\n\n", pat, msg);
		return CLI_E_REGEX;
	}
	f->has_re = true;
	return CLI_OK;
}

int
cli_filter_parse(const struct cli_line *l, struct cli_filter *f, size_t *err_col, struct cli_out *o)
{
	size_t best;
	int k;

	memset(f, 0, sizeof(*f));
	if (!l->has_fkw)
		return CLI_E_INCOMPLETE;
	k = filter_kind(&l->fkw, &best);
	if (k == -2)
		return CLI_E_AMBIGUOUS;
	if (k < 0) {
		*err_col = l->fkw.col + best;
		return CLI_E_INVALID;
	}
	f->kind = (enum cli_filter_kind)k;
	if (!l->has_regex)
		return f->kind == CLI_FILTER_COUNT ? CLI_OK : CLI_E_INCOMPLETE;
	return compile(f, &l->regex, o);
}

void
cli_filter_free(struct cli_filter *f)
{
	if (f->has_re)
		regfree(&f->re);
	f->has_re = false;
}

static bool
line_matches(const struct cli_filter *f, const char *line)
{
	return !f->has_re || regexec(&f->re, line, 0, NULL, 0) == 0;
}

void
cli_filter_apply(const struct cli_filter *f, const char *text, size_t len, struct cli_out *o)
{
	char *copy = malloc(len + 1);
	size_t count = 0, start = 0;
	bool begun = false;

	if (copy == NULL) {
		o->truncated = true;
		return;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	while (start < len) {
		char *line = copy + start, *nl = strchr(line, '\n');
		size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
		bool m;

		line[n] = '\0';
		m = line_matches(f, line);
		begun = begun || m;
		if (f->kind == CLI_FILTER_COUNT)
			count += m;
		else if ((f->kind == CLI_FILTER_INCLUDE && m) ||
			 (f->kind == CLI_FILTER_EXCLUDE && !m) ||
			 (f->kind == CLI_FILTER_BEGIN && begun))
			cli_printf(o, "%s\n", line);
		start += n + 1;
	}
	if (f->kind == CLI_FILTER_COUNT)
		cli_printf(o, "Number of lines which match regexp = %zu\n", count);
	free(copy);
}

static int
help_regex(enum cli_filter_kind k, struct cli_out *o)
{
	static const struct cli_help_item line = {"LINE", "Regular Expression"};
	static const struct cli_help_item cr = {"<cr>", "<cr>"};
	struct cli_help_item items[2] = {line, cr};

	cli_help_print(items, k == CLI_FILTER_COUNT ? 2 : 1, o);
	return CLI_OK;
}

/* "| i?": the filter keywords the partial word starts. */
static int
help_partial(const struct cli_word *w, struct cli_out *o)
{
	const char *names[CLI_FILTER__COUNT];
	size_t n = 0;

	for (int i = 0; i < CLI_FILTER__COUNT; i++)
		if (cli_word_prefix(w, filter_kw[i].name))
			names[n++] = filter_kw[i].name;
	if (n == 0)
		return CLI_E_UNRECOGNIZED;
	cli_help_print_words(names, n, o);
	return CLI_OK;
}

int
cli_filter_help(const struct cli_line *l, struct cli_out *o, size_t *err_col)
{
	size_t best;
	int k;

	if (!l->has_fkw) {
		cli_help_print(filter_kw, CLI_FILTER__COUNT, o);
		return CLI_OK;
	}
	if (l->help == CLI_HELP_PARTIAL && !l->has_regex)
		return help_partial(&l->fkw, o);
	k = filter_kind(&l->fkw, &best);
	if (k == -2)
		return CLI_E_AMBIGUOUS;
	if (k < 0) {
		*err_col = l->fkw.col + best;
		return CLI_E_INVALID;
	}
	return help_regex((enum cli_filter_kind)k, o);
}
