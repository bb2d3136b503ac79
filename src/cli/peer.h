/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who is on the other end of a CLI connection, as the kernel says
 * (SO_PEERCRED, SO_PEERGROUPS: the credentials at connect time, which the
 * client cannot forge), and what it may do: root and members of
 * cli.admin_group get privilege level 15, everyone else who may connect
 * (cli.group) level 1.
 */
#ifndef DPSEC_CLI_PEER_H
#define DPSEC_CLI_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dpsec/cli.h"

#define CLI_PEER_GROUPS_MAX 1024	/* more: only the primary group counts (fails closed) */
#define CLI_USER_NAME_MAX 64

struct cli_peer {
	uid_t uid;
	gid_t gid;
	gid_t groups[CLI_PEER_GROUPS_MAX]; /* supplementary groups */
	size_t n_groups;
};

/* The connected peer's credentials. 0 or -errno. */
int cli_peer_read(int fd, struct cli_peer *p);

/* CLI_PRIV_ADMIN for uid 0 or a member of admin_gid (when has_admin), else CLI_PRIV_USER. */
unsigned cli_peer_priv(const struct cli_peer *p, bool has_admin, gid_t admin_gid);

/* The account name of uid, or the uid in decimal if it has none. */
void cli_peer_name(uid_t uid, char *buf, size_t len);

struct cli_server;
/* Tests: read credentials with fn instead of cli_peer_read. */
void cli_server_set_peer_reader(struct cli_server *s, int (*fn)(int fd, struct cli_peer *p));

#endif
