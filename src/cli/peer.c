/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "peer.h"

int
cli_peer_read(int fd, struct cli_peer *p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return -errno;
	p->uid = cred.uid;
	p->gid = cred.gid;
	len = sizeof(p->groups);
	/* ERANGE (more groups than we keep) writes none: then only the primary group counts */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0)
		p->n_groups = len / sizeof(gid_t);
	return 0;
}

unsigned
cli_peer_priv(const struct cli_peer *p, bool has_admin, gid_t admin_gid)
{
	if (p->uid == 0)
		return CLI_PRIV_ADMIN;
	if (!has_admin)
		return CLI_PRIV_USER;
	if (p->gid == admin_gid)
		return CLI_PRIV_ADMIN;
	for (size_t i = 0; i < p->n_groups && i < CLI_PEER_GROUPS_MAX; i++)
		if (p->groups[i] == admin_gid)
			return CLI_PRIV_ADMIN;
	return CLI_PRIV_USER;
}

void
cli_peer_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
}
