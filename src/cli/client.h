/* SPDX-License-Identifier: BSD-3-Clause */
/* The client end of the CLI socket (used by `dpsec` and the server tests). */
#ifndef DPSEC_CLI_CLIENT_H
#define DPSEC_CLI_CLIENT_H

#include <stddef.h>

#include "proto.h"

struct cli_conn {
	int fd;
	char path[108];
	char hostname[CFG_NAME_MAX];
	unsigned priv; /* the daemon's verdict on our credentials: CLI_PRIV_USER or _ADMIN */
};

/*
 * Connect and read the HELLO. On failure -1 with an IOS-style message in err
 * ("% cannot reach dpsecd at PATH: Connection refused").
 */
int cli_conn_open(struct cli_conn *c, const char *path, int timeout_ms, char *err, size_t errlen);
/* Send one line and wait for its reply; text gets the reply text, *status its status. */
int cli_conn_request(struct cli_conn *c, const char *line, unsigned flags, int timeout_ms,
		     int *status, struct cli_out *text, char *err, size_t errlen);
void cli_conn_close(struct cli_conn *c);

#endif
