/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "lex.h"

/* Next word at or after *pos within [0, end); false at the end of the text. */
static bool
next_word(const char *s, size_t end, size_t *pos, struct cli_word *w)
{
	size_t i = *pos;

	while (i < end && cli_is_blank(s[i]))
		i++;
	if (i >= end)
		return false;
	w->s = s + i;
	w->col = i;
	while (i < end && !cli_is_blank(s[i]))
		i++;
	w->len = i - w->col;
	*pos = i;
	return true;
}

static void
lex_words(struct cli_line *l, size_t end)
{
	struct cli_word w;
	size_t pos = 0;

	while (next_word(l->s, end, &pos, &w)) {
		if (l->n == CLI_WORDS_MAX) {
			l->overflow = true;
			l->overflow_col = w.col;
			return;
		}
		l->w[l->n++] = w;
	}
}

/*
 * After '|': one filter keyword, then the regular expression, which runs to
 * the end of the line and may hold blanks and further '|' (IOS takes it whole).
 */
static void
lex_filter(struct cli_line *l)
{
	size_t pos = l->pipe_col + 1;

	if (!next_word(l->s, l->len, &pos, &l->fkw))
		return;
	l->has_fkw = true;
	while (pos < l->len && cli_is_blank(l->s[pos]))
		pos++;
	if (pos < l->len) {
		l->has_regex = true;
		l->regex.s = l->s + pos;
		l->regex.col = pos;
		l->regex.len = l->len - pos;
	}
}

void
cli_lex(const char *line, size_t len, struct cli_line *l)
{
	const char *bar;

	memset(l, 0, sizeof(*l));
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > 0 && line[len - 1] == '?') {
		len--;
		l->help = (len == 0 || cli_is_blank(line[len - 1])) ? CLI_HELP_NEXT
								    : CLI_HELP_PARTIAL;
	}
	l->s = line;
	l->len = len;
	bar = memchr(line, '|', len);
	if (bar != NULL) {
		l->pipe = true;
		l->pipe_col = (size_t)(bar - line);
		lex_words(l, l->pipe_col);
		lex_filter(l);
	} else {
		lex_words(l, len);
	}
}
