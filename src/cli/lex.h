/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Splitting a command line into words, remembering the column each word
 * started at (the '^' of an error points there), the IOS help '?', and the
 * output filter after '|'.
 */
#ifndef DPSEC_CLI_LEX_H
#define DPSEC_CLI_LEX_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_WORDS_MAX 32

struct cli_word {
	const char *s; /* not NUL-terminated */
	size_t len;
	size_t col; /* offset in the line */
};

enum cli_help {
	CLI_HELP_NONE,
	CLI_HELP_NEXT,	  /* "show ?": what may follow */
	CLI_HELP_PARTIAL, /* "show cr?": what the last word may complete to */
};

struct cli_line {
	const char *s; /* the line without the help '?' and line ending */
	size_t len;
	enum cli_help help;
	struct cli_word w[CLI_WORDS_MAX]; /* words before the '|' */
	size_t n;
	bool overflow; /* more words than CLI_WORDS_MAX; the first extra one is at: */
	size_t overflow_col;
	bool pipe; /* an output filter follows */
	size_t pipe_col;
	bool has_fkw; /* the filter keyword ("include", "i", ...) */
	struct cli_word fkw;
	bool has_regex; /* everything after the filter keyword and its blanks */
	struct cli_word regex;
};

void cli_lex(const char *line, size_t len, struct cli_line *l);

static inline bool
cli_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

#endif
