/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interactive session: libedit for line editing and history, and the two
 * IOS habits people type without thinking: '?' shows help for the line as it
 * stands (no Enter, the line stays), and Tab completes a unique keyword.
 * Both ask the daemon, which owns the grammar, with the line plus '?'.
 */
#include <ctype.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interactive.h"

#define TIMEOUT_MS   5000
#define HISTORY_SIZE 500

struct session {
	struct cli_conn *c;
	bool json;
	bool lost; /* the daemon went away and did not come back */
	char prompt[CFG_NAME_MAX + 2];
	EditLine *el;
	History *hist;
};

/* "gwB#" at level 15, "gwB>" at level 1, as IOS shows privileged and user EXEC. */
static void
set_prompt(struct session *s)
{
	snprintf(s->prompt, sizeof(s->prompt), "%s%c", s->c->hostname,
		 s->c->priv >= CLI_PRIV_ADMIN ? '#' : '>');
}

static char *
prompt_fn(EditLine *el)
{
	struct session *s = NULL;

	el_get(el, EL_CLIENTDATA, &s);
	return s != NULL ? s->prompt : (char *)"#";
}

/* One request; if the daemon restarted meanwhile, reconnect once and retry. */
static int
request(struct session *s, const char *line, unsigned flags, int *status, struct cli_out *text)
{
	char err[256], path[sizeof(s->c->path)];

	if (s->json)
		flags |= CLI_F_JSON;
	if (cli_conn_request(s->c, line, flags, TIMEOUT_MS, status, text, err, sizeof(err)) == 0)
		return 0;
	snprintf(path, sizeof(path), "%s", s->c->path);
	cli_conn_close(s->c);
	if (cli_conn_open(s->c, path, TIMEOUT_MS, err, sizeof(err)) == 0) {
		set_prompt(s);
		if (cli_conn_request(s->c, line, flags, TIMEOUT_MS, status, text, err,
				     sizeof(err)) == 0)
			return 0;
	}
	fprintf(stderr, "%s\n", err);
	s->lost = true;
	return -1;
}

/* The line from its start to the cursor, plus what to append; false if too long. */
static bool
line_to_cursor(EditLine *el, const char *append, char *buf, size_t size)
{
	const LineInfo *li = el_line(el);
	size_t n = (size_t)(li->cursor - li->buffer);

	if (n + strlen(append) + 1 > size)
		return false;
	memcpy(buf, li->buffer, n);
	snprintf(buf + n, size - n, "%s", append);
	return true;
}

static unsigned char
help_fn(EditLine *el, int ch)
{
	struct session *s = NULL;
	char line[CLI_LINE_MAX + 1];
	struct cli_out text;
	int status;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &s);
	if (s == NULL || !line_to_cursor(el, "?", line, sizeof(line)))
		return CC_REFRESH_BEEP;
	fputs("?\n", stdout);
	cli_out_init(&text);
	if (request(s, line, CLI_F_INDENT(strlen(s->prompt)), &status, &text) == 0)
		fwrite(text.buf != NULL ? text.buf : "", 1, text.len, stdout);
	cli_out_free(&text);
	fflush(stdout);
	return s->lost ? CC_EOF : CC_REDISPLAY;
}

/* The single completion in a partial-help reply ("crypto  \n\n"), or NULL. */
static const char *
only_word(char *text)
{
	char *w = text, *end;

	while (isspace((unsigned char)*w))
		w++;
	end = w + strcspn(w, " \t\n");
	if (end == w)
		return NULL;
	*end++ = '\0';
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && w[0] != '<' && strcmp(w, "WORD") != 0 && strcmp(w, "A.B.C.D") != 0
		       ? w
		       : NULL;
}

static unsigned char
complete_fn(EditLine *el, int ch)
{
	struct session *s = NULL;
	char line[CLI_LINE_MAX + 1];
	const char *partial;
	size_t plen;
	struct cli_out text;
	unsigned char rc = CC_REFRESH_BEEP;
	int status;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &s);
	if (s == NULL || !line_to_cursor(el, "", line, sizeof(line)))
		return CC_REFRESH_BEEP;
	partial = strrchr(line, ' ');
	partial = partial != NULL ? partial + 1 : line;
	if (*partial == '\0' || strlen(line) + 1 >= sizeof(line))
		return CC_REFRESH_BEEP;
	plen = strlen(partial);
	strcat(line, "?");
	cli_out_init(&text);
	if (request(s, line, 0, &status, &text) == 0 && status == CLI_OK && text.buf != NULL) {
		const char *word = only_word(text.buf);

		if (word != NULL && strncasecmp(word, partial, plen) == 0) {
			el_insertstr(el, word + plen);
			el_insertstr(el, " ");
			rc = CC_REFRESH;
		}
	}
	cli_out_free(&text);
	return s->lost ? CC_EOF : rc;
}

/* "exit" / "quit", however abbreviated, once the daemon has accepted the line. */
static bool
is_exit(const char *line)
{
	size_t b = strspn(line, " \t"), n = strcspn(line + b, " \t");
	const char *rest = line + b + n;

	if (n == 0 || rest[strspn(rest, " \t")] != '\0')
		return false;
	return strncasecmp(line + b, "exit", n) == 0 || strncasecmp(line + b, "quit", n) == 0;
}

static int
run_line(struct session *s, const char *line, unsigned flags, bool *leave)
{
	struct cli_out text;
	int status = CLI_OK;

	cli_out_init(&text);
	if (request(s, line, flags, &status, &text) != 0) {
		*leave = true;
		cli_out_free(&text);
		return 1;
	}
	fwrite(text.buf != NULL ? text.buf : "", 1, text.len, stdout);
	fflush(stdout);
	cli_out_free(&text);
	*leave = status == CLI_OK && is_exit(line);
	return status == CLI_OK ? 0 : 1;
}

static void
setup(struct session *s)
{
	HistEvent ev;

	s->el = el_init("dpsec", stdin, stdout, stderr);
	s->hist = history_init();
	history(s->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(s->hist, &ev, H_SETUNIQUE, 1);
	el_set(s->el, EL_CLIENTDATA, s);
	el_set(s->el, EL_EDITOR, "emacs");
	el_set(s->el, EL_SIGNAL, 1);
	el_set(s->el, EL_PROMPT, prompt_fn);
	el_set(s->el, EL_HIST, history, s->hist);
	el_set(s->el, EL_ADDFN, "dpsec-help", "IOS context help", help_fn);
	el_set(s->el, EL_BIND, "?", "dpsec-help", NULL);
	el_set(s->el, EL_ADDFN, "dpsec-complete", "Complete the keyword", complete_fn);
	el_set(s->el, EL_BIND, "^I", "dpsec-complete", NULL);
	el_source(s->el, NULL); /* ~/.editrc, as any libedit program */
}

static void
strip(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
}

int
cli_interactive(struct cli_conn *c, bool json)
{
	struct session s = {.c = c, .json = json};
	const char *got;
	int count, rc = 0;
	bool leave = false;
	HistEvent ev;

	set_prompt(&s);
	setup(&s);
	while (!leave && !s.lost && (got = el_gets(s.el, &count)) != NULL) {
		char line[CLI_LINE_MAX + 2];

		snprintf(line, sizeof(line), "%s", got);
		strip(line);
		if (line[strspn(line, " \t")] == '\0')
			continue;
		history(s.hist, &ev, H_ENTER, line);
		run_line(&s, line, CLI_F_INDENT(strlen(s.prompt)), &leave);
	}
	if (!leave && !s.lost)
		fputs("\n", stdout); /* Ctrl-D */
	rc = s.lost ? 1 : 0;
	history_end(s.hist);
	el_end(s.el);
	return rc;
}

int
cli_batch(struct cli_conn *c, bool json)
{
	struct session s = {.c = c, .json = json};
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	bool leave = false;

	set_prompt(&s);
	while (!leave && getline(&line, &cap, stdin) >= 0) {
		strip(line);
		if (line[strspn(line, " \t")] == '\0')
			continue;
		rc |= run_line(&s, line, CLI_F_ECHO, &leave);
	}
	free(line);
	return rc;
}
