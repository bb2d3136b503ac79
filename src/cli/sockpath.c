/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockpath.h"

int
sockpath_mkdirs(const char *sock, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", sock);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
	return -1;
}

/* The pid the current holder wrote, or 0 if it cannot be read. */
static long
holder_pid(int fd)
{
	char buf[24];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Who holds the lock, for the second instance's message. */
static void
held(int fd, const char *sock, const char *path, char *err, size_t errlen)
{
	char pid[32] = "";
	long n = holder_pid(fd);

	if (n > 0)
		snprintf(pid, sizeof(pid), " (pid %ld)", n);
	snprintf(err, errlen, "another dpsecd%s is running with CLI socket %s (it holds %s)", pid,
		 sock, path);
}

int
sockpath_lock(const char *sock, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s.lock", sock) >= sizeof(path)) {
		snprintf(err, errlen, "%s.lock: path too long", sock);
		return -1;
	}
	if (sockpath_mkdirs(sock, err, errlen) != 0)
		return -1;
	/* O_NOFOLLOW: a symlink planted there does not make us create or truncate its target */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			held(fd, sock, path, err, errlen);
		else
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) != 0 || dprintf(fd, "%ld\n", (long)getpid()) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Does anyone accept connections on the socket at path? */
static bool
listening(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return true;	/* cannot tell: assume it is alive, remove nothing */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (const struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0 || errno != ECONNREFUSED;
}

int
sockpath_clear_stale(const char *sock, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(sock, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", sock, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket (left alone)", sock);
		return -1;
	}
	if (listening(sock)) {
		snprintf(err, errlen, "%s: another dpsecd is listening there", sock);
		return -1;
	}
	if (unlink(sock) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", sock, strerror(errno));
		return -1;
	}
	return 0;
}

void
sockpath_unlink_own(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	if (path[0] != '\0' && lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
		unlink(path);
}
