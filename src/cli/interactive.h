/* SPDX-License-Identifier: BSD-3-Clause */
/* The `dpsec` session modes: interactive (libedit) and lines from a pipe. */
#ifndef DPSEC_CLI_INTERACTIVE_H
#define DPSEC_CLI_INTERACTIVE_H

#include <stdbool.h>

#include "client.h"

/* Prompt "HOSTNAME#", history, '?' help as typed, Tab completion. Returns the exit status. */
int cli_interactive(struct cli_conn *c, bool json);
/* Commands read from a non-terminal stdin, one per line. Returns the exit status. */
int cli_batch(struct cli_conn *c, bool json);

#endif
