/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI socket's place in the filesystem: its parent directories, the
 * instance lock next to it, and the one case where a file there may be
 * removed (a socket left by a daemon that died). Nothing here unlinks a
 * path this process did not create, except that stale socket.
 */
#ifndef DPSEC_CLI_SOCKPATH_H
#define DPSEC_CLI_SOCKPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p of the directory the socket goes in (mode 0755). 0 or -1 and err. */
int sockpath_mkdirs(const char *sock, char *err, size_t errlen);

/*
 * Exclusive, non-blocking flock(2) on "<sock>.lock" (created 0600, never
 * removed: unlinking a lock file races with the next holder). The holder's
 * pid is written into it for the message a second instance prints. Returns
 * the descriptor (close it to release) or -1 and err.
 */
int sockpath_lock(const char *sock, char *err, size_t errlen);

/*
 * Is the path free to bind? Nothing there: yes. A socket nobody accepts on
 * (its daemon died): it is removed. A live socket, or any other kind of file:
 * no, and it is left alone. 0 or -1 and err.
 */
int sockpath_clear_stale(const char *sock, char *err, size_t errlen);

/* The file at path is still the one (dev, ino) identifies: then it is unlinked. */
void sockpath_unlink_own(const char *path, dev_t dev, ino_t ino);

#endif
