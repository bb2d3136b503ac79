/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI as the daemon sees it: run one IOS-style command line against a
 * view (cli_exec), and serve the `dpsec` client over a UNIX socket from the
 * control thread (cli_server_*). Plain C and POSIX; no DPDK type crosses here.
 */
#ifndef DPSEC_CLI_H
#define DPSEC_CLI_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "view.h"

/* Growable output text; never more than CLI_OUT_MAX bytes (then truncated, flagged). */
#define CLI_OUT_MAX (16u << 20)

struct cli_out {
	char *buf; /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	bool truncated; /* hit CLI_OUT_MAX or out of memory */
};

void cli_out_init(struct cli_out *o);
void cli_out_free(struct cli_out *o);
void cli_out_reset(struct cli_out *o);
void cli_write(struct cli_out *o, const void *p, size_t n);
void cli_puts(struct cli_out *o, const char *s);
void cli_printf(struct cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cli_exec flags */
#define CLI_F_JSON	   0x01u /* machine output; filters are not applied */
#define CLI_F_ECHO	   0x02u /* echo the line above the '^' of a syntax error (one-shot) */
#define CLI_F_INDENT(n)	   (((unsigned)(n)&0xffu) << 8) /* screen columns before the line */
#define CLI_F_INDENT_OF(f) (((f) >> 8) & 0xffu)
#define CLI_F_MASK	   0xff03u

#define CLI_LINE_MAX 1024 /* longest command line accepted */

/* Outcome of a command; also the status carried back to the client. */
enum cli_status {
	CLI_OK = 0,
	CLI_E_INVALID,	    /* % Invalid input detected at '^' marker. */
	CLI_E_AMBIGUOUS,    /* % Ambiguous command:  "..." */
	CLI_E_INCOMPLETE,   /* % Incomplete command. */
	CLI_E_UNRECOGNIZED, /* % Unrecognized command (help on a word nothing starts with) */
	CLI_E_TOO_LONG,	    /* line longer than CLI_LINE_MAX */
	CLI_E_REGEX,	    /* a filter's regular expression does not compile */
	CLI_E_FAILED,	    /* the command ran and could not complete */
};

/* Privilege levels, after IOS: 1 may look (show), 15 may change (clear, debug, ...). */
#define CLI_PRIV_USER  1
#define CLI_PRIV_ADMIN 15

/* Who runs a command line (the CLI server learns it from SO_PEERCRED). */
struct cli_user {
	const char *name; /* account name, or the uid in decimal: for the log */
	unsigned priv;	  /* CLI_PRIV_USER or CLI_PRIV_ADMIN */
};

/*
 * Run one command line (a trailing '?' asks for help, as on IOS) for user
 * and append its output, IOS error texts included, to out. Returns an enum
 * cli_status. Commands above the user's level do not exist for them, as on
 * IOS ("% Invalid input detected at '^' marker." under the word, not listed
 * by '?'); such an attempt is logged (%DPSEC-4-CLI_DENIED) through the
 * view's log operation, and so is every command that changes state
 * (%PARSER-5-CFGLOG_LOGGEDCMD: User:NAME  logged command:LINE).
 */
int cli_exec_as(const struct view *v, const struct cli_user *user, const char *line,
		unsigned flags, struct cli_out *out);

/* cli_exec_as for a caller in the daemon's own process: level 15, not logged. */
int cli_exec(const struct view *v, const char *line, unsigned flags, struct cli_out *out);

/* The UNIX-socket server, run by the daemon's control thread. */
#define CLI_CLIENTS_MAX	   16
#define CLI_SERVER_FDS_MAX (1 + CLI_CLIENTS_MAX)

struct cli_server;

/* cli.socket, or the default path when it is empty. */
const char *cli_socket_path(const struct cfg_cli *cfg);

/*
 * Claim the socket's path for this process, before anything else touches the
 * system (dpsecd calls it before rte_eal_init): the parent directory is
 * created and "<socket>.lock" locked exclusively (flock) for as long as the
 * returned descriptor stays open. A second daemon for the same socket gets
 * -1 and "another dpsecd (pid N) is running ..." in err, and has touched
 * neither the devices nor the first daemon's socket.
 */
int cli_server_lock(const struct cfg_cli *cfg, char *err, size_t errlen);

/*
 * Listen on v->cfg->cli.socket (parent directory created if missing, a
 * socket left by a dead daemon replaced, mode 0600 or 0660 with group
 * cli.group). Anything else found there (a live socket, a file that is no
 * socket) is refused and left as it was. The view must outlive the server.
 * NULL with a message in err on failure.
 */
struct cli_server *cli_server_create(const struct view *v, char *err, size_t errlen);
/* Close every client and the socket, and unlink it if it is still the one it made. Accepts NULL. */
void cli_server_destroy(struct cli_server *s);
/* The descriptors to poll right now (at most max, CLI_SERVER_FDS_MAX is enough). */
size_t cli_server_pollfds(struct cli_server *s, struct pollfd *fds, size_t max);
/*
 * Handle what poll() reported for the descriptors cli_server_pollfds gave.
 * Call it after every poll, even a timeout, so stalled clients are dropped.
 */
void cli_server_dispatch(struct cli_server *s, const struct pollfd *fds, size_t n);
/* pollfds + poll + dispatch. Returns poll()'s count, or -errno. */
int cli_server_poll(struct cli_server *s, int timeout_ms);

#endif
