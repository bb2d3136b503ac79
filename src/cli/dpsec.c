/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpsec: the operator's CLI.
 *
 *	dpsec [-s SOCKET] [--json] [command ...]
 *
 * With a command: run it once, print the reply, exit 0 on success and 1 on
 * any error. Without: an IOS-like session on a terminal, or one command per
 * line from a pipe. The socket is -s, else $DPSEC_SOCKET, else
 * /run/dpsec/dpsecd.sock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "interactive.h"

#define TIMEOUT_MS 5000

struct opts {
	const char *socket;
	bool json;
	int first; /* argv index of the first command word */
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: dpsec [-s SOCKET] [--json] [command ...]\n"
		"  -s, --socket SOCKET  dpsecd's CLI socket (default $DPSEC_SOCKET or %s)\n"
		"  --json               machine-readable output for show commands\n"
		"  without a command    interactive session (or one command per input line)\n",
		CLI_DEFAULT_SOCKET);
}

/* Options come before the command; the command's own words are never taken as options. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i = 1;

	o->socket = getenv("DPSEC_SOCKET");
	o->json = false;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) &&
			   i + 1 < argc) {
			o->socket = argv[++i];
		} else if (strncmp(argv[i], "--socket=", 9) == 0) {
			o->socket = argv[i] + 9;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			return -1;
		}
	}
	if (o->socket == NULL || o->socket[0] == '\0')
		o->socket = CLI_DEFAULT_SOCKET;
	o->first = i;
	return 0;
}

/* The command words joined by single blanks, bounded by the protocol's line limit. */
static int
join(int argc, char **argv, int first, char *line, size_t size)
{
	size_t len = 0;

	line[0] = '\0';
	for (int i = first; i < argc; i++) {
		int n = snprintf(line + len, size - len, "%s%s", i > first ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += (size_t)n;
	}
	return 0;
}

static int
one_shot(struct cli_conn *c, const char *line, bool json)
{
	struct cli_out text;
	char err[256];
	int status, rc = 1;

	cli_out_init(&text);
	if (cli_conn_request(c, line, CLI_F_ECHO | (json ? CLI_F_JSON : 0), TIMEOUT_MS, &status,
			     &text, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	fwrite(text.buf != NULL ? text.buf : "", 1, text.len, status == CLI_OK ? stdout : stderr);
	rc = status == CLI_OK ? 0 : 1;
out:
	cli_out_free(&text);
	return rc;
}

int
main(int argc, char **argv)
{
	char line[CLI_LINE_MAX + 1], err[256];
	struct cli_conn c;
	struct opts o;
	int rc;

	if (parse_opts(argc, argv, &o) != 0)
		return 1;
	if (join(argc, argv, o.first, line, sizeof(line)) != 0) {
		fprintf(stderr, "%% Command line longer than %d characters\n", CLI_LINE_MAX);
		return 1;
	}
	if (cli_conn_open(&c, o.socket, TIMEOUT_MS, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.first < argc)
		rc = one_shot(&c, line, o.json);
	else if (isatty(STDIN_FILENO))
		rc = cli_interactive(&c, o.json);
	else
		rc = cli_batch(&c, o.json);
	cli_conn_close(&c);
	return rc;
}
