/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli_exec: lex, match against the command table, run the handler, filter
 * its output. Errors are reported in IOS words:
 *
 *	gwB#show crypto ipsek sa
 *	                       ^
 *	% Invalid input detected at '^' marker.
 *
 * The caret line is indented by the columns the caller's prompt took
 * (CLI_F_INDENT); a one-shot caller has no prompt on screen, so with
 * CLI_F_ECHO the line is printed again above the caret.
 */
#include <string.h>

#include <stdio.h>

#include "filter.h"
#include "fmt.h"
#include "grammar.h"

static void
caret(const struct cli_line *l, unsigned flags, size_t col, struct cli_out *o)
{
	size_t indent = CLI_F_INDENT_OF(flags);

	if (flags & CLI_F_ECHO) {
		cli_write(o, l->s, l->len);
		cli_puts(o, "\n");
		indent = 0;
	}
	if (col > l->len)
		col = l->len;
	for (size_t i = 0; i < indent; i++)
		cli_puts(o, " ");
	/* Keep tabs so the caret lines up on the terminal. */
	for (size_t i = 0; i < col; i++)
		cli_puts(o, l->s[i] == '\t' ? "\t" : " ");
	cli_puts(o, "^\n");
}

static int
report(const struct cli_line *l, unsigned flags, int st, size_t col, struct cli_out *o)
{
	size_t b = 0, e = l->len;

	switch (st) {
	case CLI_E_INVALID:
		caret(l, flags, col, o);
		cli_puts(o, "% Invalid input detected at '^' marker.\n\n");
		break;
	case CLI_E_AMBIGUOUS:
		while (b < e && cli_is_blank(l->s[b]))
			b++;
		while (e > b && cli_is_blank(l->s[e - 1]))
			e--;
		cli_printf(o, "%% Ambiguous command:  \"%.*s\"\n", (int)(e - b), l->s + b);
		break;
	case CLI_E_INCOMPLETE:
		cli_puts(o, "% Incomplete command.\n\n");
		break;
	case CLI_E_UNRECOGNIZED:
		cli_puts(o, "% Unrecognized command\n");
		break;
	default:
		break;
	}
	return st;
}

/* Match every command word; a line with more words than we keep is invalid at the first extra. */
static int
match_all(const struct cli_line *l, unsigned priv, struct cli_match *m)
{
	if (l->overflow) {
		memset(m, 0, sizeof(*m));
		m->err = CLI_E_INVALID;
		m->err_col = l->overflow_col;
		return m->err;
	}
	cli_match_words(l, l->n, priv, m);
	return m->err;
}

/* The command part must be a complete show command for a '|' to follow. */
static int
check_pipe(const struct cli_line *l, const struct cli_match *m, size_t *col)
{
	if (m->err != CLI_OK)
		return m->err;
	if (m->row == NULL || !m->row->show) {
		*col = l->pipe_col;
		return CLI_E_INVALID;
	}
	return CLI_OK;
}

static int
help_filter(const struct cli_line *l, unsigned priv, unsigned flags, struct cli_out *o)
{
	struct cli_match m;
	size_t col;
	int st;

	match_all(l, priv, &m);
	col = m.err_col;
	st = check_pipe(l, &m, &col);
	if (st == CLI_OK)
		st = cli_filter_help(l, o, &col);
	return report(l, flags, st, col, o);
}

static int
exec_help(const struct cli_line *l, unsigned priv, unsigned flags, struct cli_out *o)
{
	struct cli_match m;
	size_t n = l->n;

	if (l->pipe)
		return help_filter(l, priv, flags, o);
	if (l->help == CLI_HELP_PARTIAL && n > 0 && !l->overflow) {
		cli_match_words(l, n - 1, priv, &m);
		if (m.err == CLI_E_INVALID || m.err == CLI_E_AMBIGUOUS)
			return report(l, flags, m.err, m.err_col, o);
		if (!cli_help_partial(&m, n - 1, &l->w[n - 1], o))
			return report(l, flags, CLI_E_UNRECOGNIZED, 0, o);
		return CLI_OK;
	}
	match_all(l, priv, &m);
	if (m.err == CLI_E_INVALID || m.err == CLI_E_AMBIGUOUS)
		return report(l, flags, m.err, m.err_col, o);
	cli_help_next(&m, n, o);
	return CLI_OK;
}

static int
run_filtered(const struct cli_line *l, unsigned flags, const struct cli_ctx *c, cli_handler_fn fn,
	     struct cli_out *o)
{
	struct cli_filter f;
	struct cli_out tmp;
	size_t col = 0;
	int st;

	st = cli_filter_parse(l, &f, &col, o);
	if (st != CLI_OK)
		return report(l, flags, st, col, o);
	if (c->json) {
		/* JSON is for machines: the filter is checked, not applied. */
		cli_filter_free(&f);
		return fn(c, o);
	}
	cli_out_init(&tmp);
	st = fn(c, &tmp);
	cli_filter_apply(&f, tmp.buf != NULL ? tmp.buf : "", tmp.len, o);
	o->truncated = o->truncated || tmp.truncated;
	cli_out_free(&tmp);
	cli_filter_free(&f);
	return st;
}

/*
 * "User:NAME  VERB:LINE EXTRA" into the log, the line as typed without the
 * blanks around it (IOS: "%PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged
 * command:...", two blanks before "logged").
 */
static void
log_line(const struct view *v, int severity, const char *tag, const char *verb,
	 const struct cli_user *u, const struct cli_line *l, const char *extra)
{
	void (*log)(void *, int, const char *, const char *) = CLI_OP(v, log);
	char text[CLI_LINE_MAX + 160];
	size_t b = 0, e = l->len;

	if (log == NULL || u == NULL)
		return;
	while (b < e && cli_is_blank(l->s[b]))
		b++;
	while (e > b && cli_is_blank(l->s[e - 1]))
		e--;
	snprintf(text, sizeof(text), "User:%s  %s:%.*s%s", u->name, verb, (int)(e - b), l->s + b,
		 extra);
	log(v->ctx, severity, tag, text);
}

/*
 * A line the user's level does not match but level 15 does: a command above
 * the user's privilege. The user sees what IOS shows a level-1 user (the
 * command does not exist for them); the log records the attempt.
 */
static void
note_denied(const struct view *v, const struct cli_user *u, const struct cli_line *l)
{
	struct cli_match m;
	char why[64];

	if (u == NULL || u->priv >= CLI_PRIV_ADMIN)
		return;
	if (match_all(l, CLI_PRIV_ADMIN, &m) != CLI_OK || m.row == NULL)
		return;
	snprintf(why, sizeof(why), " (privilege level %u, the command needs %u)", u->priv,
		 (unsigned)m.row->priv);
	log_line(v, 4, "DPSEC-4-CLI_DENIED", "denied command", u, l, why);
}

static int
exec_command(const struct view *v, const struct cli_user *u, const struct cli_line *l,
	     unsigned flags, struct cli_out *o)
{
	struct cli_match m;
	struct cli_ctx c;
	size_t col;
	int st;

	if (match_all(l, u != NULL ? u->priv : CLI_PRIV_ADMIN, &m) != CLI_OK) {
		note_denied(v, u, l);
		return report(l, flags, m.err, m.err_col, o);
	}
	if (m.row == NULL && !l->pipe)
		return CLI_OK; /* an empty line */
	memset(&c, 0, sizeof(c));
	c.v = v;
	c.json = (flags & CLI_F_JSON) != 0;
	memcpy(c.opt, m.opt, sizeof(c.opt));
	if (!l->pipe) {
		st = m.row->fn(&c, o);
	} else {
		col = 0;
		st = check_pipe(l, &m, &col);
		if (st != CLI_OK)
			return report(l, flags, st, col, o);
		st = run_filtered(l, flags, &c, m.row->fn, o);
	}
	/* IOS logs a command once it has been accepted (archive log config) */
	if (m.row->changes)
		log_line(v, 5, "PARSER-5-CFGLOG_LOGGEDCMD", "logged command", u, l, "");
	return st;
}

int
cli_exec_as(const struct view *v, const struct cli_user *user, const char *line,
	    unsigned flags, struct cli_out *out)
{
	struct cli_line l;
	size_t len;

	if (line == NULL)
		line = "";
	len = strnlen(line, CLI_LINE_MAX + 1);
	if (len > CLI_LINE_MAX) {
		cli_printf(out, "%% Command line longer than %d characters\n", CLI_LINE_MAX);
		return CLI_E_TOO_LONG;
	}
	cli_lex(line, len, &l);
	if (l.help != CLI_HELP_NONE)
		return exec_help(&l, user != NULL ? user->priv : CLI_PRIV_ADMIN, flags, out);
	return exec_command(v, user, &l, flags, out);
}

int
cli_exec(const struct view *v, const char *line, unsigned flags, struct cli_out *out)
{
	return cli_exec_as(v, NULL, line, flags, out);
}
