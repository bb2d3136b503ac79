/* SPDX-License-Identifier: BSD-3-Clause */
/* Output filters after '|': begin, count, exclude, include, with POSIX extended regexps. */
#ifndef DPSEC_CLI_FILTER_H
#define DPSEC_CLI_FILTER_H

#include <regex.h>
#include <stdbool.h>

#include "dpsec/cli.h"
#include "lex.h"

enum cli_filter_kind {
	CLI_FILTER_BEGIN,
	CLI_FILTER_COUNT,
	CLI_FILTER_EXCLUDE,
	CLI_FILTER_INCLUDE,
	CLI_FILTER__COUNT
};

struct cli_filter {
	enum cli_filter_kind kind;
	bool has_re; /* "| count" may go without one: every line counts */
	regex_t re;
};

/*
 * Parse the filter part of a lexed line. On an error returns its status,
 * with the '^' column in *err_col (CLI_E_INVALID) or the message in o
 * (CLI_E_REGEX). On success the filter must be freed with cli_filter_free.
 */
int cli_filter_parse(const struct cli_line *l, struct cli_filter *f, size_t *err_col,
		     struct cli_out *o);
void cli_filter_free(struct cli_filter *f);
/* Filter text into o. */
void cli_filter_apply(const struct cli_filter *f, const char *text, size_t len, struct cli_out *o);
/* Help for a line whose '?' falls after the '|'. Returns a status like cli_exec. */
int cli_filter_help(const struct cli_line *l, struct cli_out *o, size_t *err_col);

#endif
