/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Golden transcripts: every tests/golden/cli/NAME.txt is a session against
 * the fake gwB (fake_view.h), replayed through cli_exec and compared byte for
 * byte, errors, blank lines and trailing blanks included.
 *
 *	gwB#show crypto ipsec sa          an interactive line: the prompt took 4
 *	...                               columns, so a '^' is indented by 4;
 *	                                  user "admin", privilege level 15
 *	gwB>show crypto ipsec sa          the same as user "guest", level 1
 *	$ dpsec show crypto ipsec sa      one-shot: CLI_F_ECHO, no prompt, as "root"
 *	$ dpsec --json show version       one-shot with --json
 *	!! a comment                      ignored (no command output starts "!!")
 *	!! fake: tunnels                  this file's gwB has static VTIs too
 *	                                  (fake_add_tunnels; before its first command)
 *
 * Everything else up to the next command line is that command's output.
 * Each file starts from a fresh fake view; commands in a file share it, so
 * a "clear" shows in what follows. DPSEC_GOLDEN_UPDATE=1 rewrites the files
 * from the current output, for review with git diff.
 *
 * Whatever a transcript runs, its output must not hold the fake's key bytes
 * (the manual SAs' keys, in hex of either case or raw, and the pre-shared
 * key): checked on every run, updates included.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dpsec/cli.h"
#include "fake_view.h"

#define PROMPT	 "gwB#"
#define PROMPT_USER "gwB>"
#define ONESHOT	 "$ dpsec "
#define JSON_OPT "--json "
#define FAKE_TUNNELS "!! fake: tunnels"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const struct cli_user admin = {.name = "admin", .priv = CLI_PRIV_ADMIN};
static const struct cli_user guest = {.name = "guest", .priv = CLI_PRIV_USER};
static const struct cli_user root = {.name = "root", .priv = CLI_PRIV_ADMIN};

/* A command line of the transcript: who runs it, its flags and the command text. */
static bool
command_of(const char *line, size_t len, const struct cli_user **u, unsigned *flags,
	   const char **cmd, size_t *cmdlen)
{
	size_t p = strlen(PROMPT), o = strlen(ONESHOT), j = strlen(JSON_OPT);

	if (len >= p && (strncmp(line, PROMPT, p) == 0 || strncmp(line, PROMPT_USER, p) == 0)) {
		*u = line[p - 1] == '#' ? &admin : &guest;
		*flags = CLI_F_INDENT(p);
		*cmd = line + p;
		*cmdlen = len - p;
		return true;
	}
	if (len < o || strncmp(line, ONESHOT, o) != 0)
		return false;
	*u = &root;
	*flags = CLI_F_ECHO;
	*cmd = line + o;
	*cmdlen = len - o;
	if (*cmdlen >= j && strncmp(*cmd, JSON_OPT, j) == 0) {
		*flags |= CLI_F_JSON;
		*cmd += j;
		*cmdlen -= j;
	}
	return true;
}

/*
 * Replay the transcript: command lines and comments are copied, outputs are
 * regenerated. The result equals the file iff every output is as recorded.
 */
static void
replay(const char *text, size_t len, struct cli_out *actual)
{
	struct fake *f = fake_new(0);
	size_t pos = 0;

	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
		const struct cli_user *u;
		const char *cmd;
		size_t cmdlen;
		unsigned flags;

		pos += n + (nl != NULL);
		if (n >= 2 && strncmp(line, "!!", 2) == 0) {
			if (n == strlen(FAKE_TUNNELS) && memcmp(line, FAKE_TUNNELS, n) == 0)
				fake_add_tunnels(f);
			cli_write(actual, line, n);
			cli_puts(actual, "\n");
		} else if (command_of(line, n, &u, &flags, &cmd, &cmdlen)) {
			char buf[CLI_LINE_MAX * 2];

			snprintf(buf, sizeof(buf), "%.*s", (int)cmdlen, cmd);
			cli_write(actual, line, n);
			cli_puts(actual, "\n");
			cli_exec_as(&f->view, u, buf, flags, actual);
		}
	}
	fake_free(f);
}

static void
report(const char *path, const char *want, const char *got)
{
	size_t line = 1, i = 0;

	while (want[i] != '\0' && want[i] == got[i]) {
		line += want[i] == '\n';
		i++;
	}
	fprintf(stderr,
		"%s:%zu: output differs\n--- expected from here:\n%.300s\n"
		"--- got:\n%.300s\n",
		path, line, want + i, got + i);
}

/* The first bytes of a key (all of a short one) in lower and upper hex, and raw. */
static bool
leaks(const char *out, size_t n, const struct secret *k)
{
	char lo[2 * 8 + 1], up[2 * 8 + 1];
	size_t len = k->len < 8 ? k->len : 8;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		snprintf(lo + 2 * i, 3, "%02x", k->b[i]);
		snprintf(up + 2 * i, 3, "%02X", k->b[i]);
	}
	return memmem(out, n, lo, 2 * len) != NULL || memmem(out, n, up, 2 * len) != NULL ||
	       memmem(out, n, k->b, len) != NULL;
}

static void
check_no_key(const char *path, const struct cli_out *actual)
{
	struct fake *f = fake_new(0);

	for (uint32_t i = 0; i < f->cfg.n_manual_sas; i++) {
		const struct cfg_manual_sa *sa = &f->cfg.manual_sas[i];

		if (leaks(actual->buf, actual->len, &sa->cipher_key) ||
		    leaks(actual->buf, actual->len, &sa->auth_key))
			fail_msg("%s: an output shows key bytes of manual SA %u", path, i);
	}
	if (memmem(actual->buf, actual->len, FAKE_PSK, strlen(FAKE_PSK)) != NULL)
		fail_msg("%s: an output shows the pre-shared key", path);
	fake_free(f);
}

static void
test_golden(void **state)
{
	const char *path = *state;
	struct cli_out actual;
	size_t len = 0;
	char *want = slurp(path, &len);

	assert_non_null(want);
	cli_out_init(&actual);
	replay(want, len, &actual);
	assert_false(actual.truncated);
	check_no_key(path, &actual);
	if (getenv("DPSEC_GOLDEN_UPDATE") != NULL) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fwrite(actual.buf, 1, actual.len, f);
		fclose(f);
	} else if (actual.len != len || memcmp(actual.buf, want, len) != 0) {
		report(path, want, actual.buf != NULL ? actual.buf : "");
		fail();
	}
	cli_out_free(&actual);
	free(want);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	char **paths = NULL;
	size_t n = 0;
	struct dirent *d;
	DIR *dir;
	int rc;

	/* The "Last clearing" dates are local time: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	if (argc < 2 || (dir = opendir(argv[1])) == NULL) {
		fprintf(stderr, "usage: %s GOLDEN_DIR\n", argv[0]);
		return 1;
	}
	while ((d = readdir(dir)) != NULL) {
		size_t l = strlen(d->d_name);

		if (l < 5 || strcmp(d->d_name + l - 4, ".txt") != 0)
			continue;
		paths = realloc(paths, (n + 1) * sizeof(*paths));
		paths[n] = malloc(strlen(argv[1]) + l + 2);
		sprintf(paths[n++], "%s/%s", argv[1], d->d_name);
	}
	closedir(dir);
	qsort(paths, n, sizeof(*paths), by_name);
	tests = calloc(n, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = strrchr(paths[i], '/') + 1;
		tests[i].test_func = test_golden;
		tests[i].initial_state = paths[i];
	}
	rc = _cmocka_run_group_tests("cli_golden", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return n == 0 ? 1 : rc;
}
