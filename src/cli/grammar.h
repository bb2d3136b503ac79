/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Commands as data. A command is one row of tokens (keywords and typed
 * arguments, each with its help text) and a handler; an optional part of a
 * command is spelled out as one more row. The engine matches a line against
 * every row at once, IOS style: keywords by unique prefix, case-insensitive.
 */
#ifndef DPSEC_CLI_GRAMMAR_H
#define DPSEC_CLI_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/cli.h"
#include "lex.h"

enum cli_tok_kind {
	CLI_TK_KEYWORD,
	CLI_TK_IPV4, /* dotted quad */
	CLI_TK_IPV6, /* X:X::X (inet_pton's forms) */
	CLI_TK_UINT, /* decimal or 0x hex, up to 32 bits (SPIs, sequence numbers) */
	CLI_TK_WORD, /* anything without blanks (interface names) */
};

/* What a handler may ask about the line it was called for. */
enum cli_opt {
	CLI_OPT_NONE,
	CLI_OPT_ALL,
	CLI_OPT_CLEAR,
	CLI_OPT_DETAIL,
	CLI_OPT_PEER,
	CLI_OPT_IFNAME,
	CLI_OPT_SPI,
	CLI_OPT__COUNT
};

struct cli_tok {
	enum cli_tok_kind kind;
	const char *word; /* the keyword, or what help shows for an argument ("A.B.C.D") */
	const char *help;
	enum cli_opt opt; /* recorded for the handler when this token matched */
	/*
	 * A second spelling of the same keyword (IOS XE releases spell some
	 * commands two ways: "datapath drops" and "data drop"). It matches like
	 * the word, and a prefix of both is not ambiguous: it is one token.
	 */
	const char *alias;
};

struct cli_arg {
	bool set;
	const char *s; /* the word as typed (not NUL-terminated) */
	size_t len;
	uint32_t ip; /* CLI_TK_IPV4, network order */
	bool v6;     /* CLI_TK_IPV6: the address is ip6, not ip */
	uint8_t ip6[16];
	uint64_t u;  /* CLI_TK_UINT */
};

struct cli_ctx {
	const struct view *v;
	bool json;
	struct cli_arg opt[CLI_OPT__COUNT];
};

typedef int (*cli_handler_fn)(const struct cli_ctx *c, struct cli_out *o);

struct cli_row {
	const struct cli_tok *const *toks;
	size_t n;
	bool show; /* takes "| include ..." and has a JSON form */
	cli_handler_fn fn;
	uint8_t priv; /* CLI_PRIV_USER or CLI_PRIV_ADMIN: the least level that sees the row */
	bool changes; /* changes the gateway's state: logged with who ran it */
	bool hidden;  /* a test aid: runs, but "?" does not list it (IOS hidden commands) */
};

#define CLI_ROWS_MAX 80

/* The command table (commands.c). */
extern const struct cli_row cli_rows[];
extern const size_t cli_n_rows;

struct cli_match {
	bool cand[CLI_ROWS_MAX];   /* rows that still match every word seen */
	const struct cli_row *row; /* the row the words complete, if any */
	struct cli_arg opt[CLI_OPT__COUNT];
	enum cli_status err; /* CLI_OK, INVALID, AMBIGUOUS or INCOMPLETE */
	size_t err_col;	     /* column of the '^' for CLI_E_INVALID */
};

/*
 * Match the first n words of l against the rows a user of privilege level
 * priv sees; rows above it do not exist for that user (IOS privilege levels).
 */
void cli_match_words(const struct cli_line *l, size_t n, unsigned priv, struct cli_match *m);

/* "?" after a blank: what may follow the n matched words. */
void cli_help_next(const struct cli_match *m, size_t n, struct cli_out *o);
/* "?" right after a word: the tokens at position n that the partial word p starts. */
bool cli_help_partial(const struct cli_match *m, size_t n, const struct cli_word *p,
		      struct cli_out *o);

/* Keyword matching shared with the filter parser. */
enum cli_kw_result {
	CLI_KW_NONE,
	CLI_KW_UNIQUE,
	CLI_KW_AMBIGUOUS,
};

bool cli_word_prefix(const struct cli_word *w, const char *kw);
/* A typed argument: IPv4 dotted quad, 32-bit decimal or 0x hex, or any word. */
bool cli_parse_arg(enum cli_tok_kind kind, const struct cli_word *w, struct cli_arg *a);
size_t cli_common_prefix(const struct cli_word *w, const char *kw);

/* Help listing: "  name  help" rows, names padded to the widest, IOS style. */
struct cli_help_item {
	const char *name;
	const char *help;
};

void cli_help_print(const struct cli_help_item *items, size_t n, struct cli_out *o);
/* Partial-word completions: names separated by two blanks, wrapped at 80 columns. */
void cli_help_print_words(const char *const *names, size_t n, struct cli_out *o);

#endif
