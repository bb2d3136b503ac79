/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client side of proto.h. Every wait has a deadline, so a daemon that is
 * stuck or gone turns into a message, never a hang.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait for fd to be ready for ev; 0 when ready, -ETIMEDOUT or -errno otherwise. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = ev};
		int64_t left = deadline - now_ms();
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

/* 0, -ETIMEDOUT, -ECONNRESET (closed early) or -errno. */
static int
read_exact(int fd, void *buf, size_t n, int64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		int rc = wait_fd(fd, POLLIN, deadline);
		ssize_t r;

		if (rc != 0)
			return rc;
		r = recv(fd, (char *)buf + got, n - got, MSG_DONTWAIT);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (r > 0)
			got += (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const void *buf, size_t n, int64_t deadline)
{
	size_t put = 0;

	while (put < n) {
		int rc = wait_fd(fd, POLLOUT, deadline);
		ssize_t w;

		if (rc != 0)
			return rc;
		w = send(fd, (const char *)buf + put, n - put, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (w > 0)
			put += (size_t)w;
	}
	return 0;
}

/* One whole frame into *raw (malloc'd); the header's length is bounded by max before use. */
static int
read_frame(int fd, size_t max, uint8_t **raw, struct cli_frame *f, int64_t deadline)
{
	uint8_t hdr[CLI_FRAME_HDR];
	uint32_t len;
	int rc = read_exact(fd, hdr, sizeof(hdr), deadline);

	*raw = NULL;
	if (rc != 0)
		return rc;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len < 1 || len > max)
		return -EBADMSG;
	*raw = malloc(CLI_FRAME_HDR + (size_t)len);
	if (*raw == NULL)
		return -ENOMEM;
	memcpy(*raw, hdr, sizeof(hdr));
	rc = read_exact(fd, *raw + CLI_FRAME_HDR, len, deadline);
	if (rc != 0)
		return rc;
	return cli_frame_parse(*raw, CLI_FRAME_HDR + (size_t)len, max, f) == 1 ? 0 : -EBADMSG;
}

static void
io_error(const struct cli_conn *c, int rc, int timeout_ms, char *err, size_t errlen)
{
	if (rc == -ETIMEDOUT && timeout_ms % 1000 == 0)
		snprintf(err, errlen, "%% no reply from dpsecd at %s within %d s", c->path,
			 timeout_ms / 1000);
	else if (rc == -ETIMEDOUT)
		snprintf(err, errlen, "%% no reply from dpsecd at %s within %d ms", c->path,
			 timeout_ms);
	else if (rc == -ECONNRESET || rc == -EPIPE)
		snprintf(err, errlen, "%% dpsecd at %s closed the connection", c->path);
	else if (rc == -EBADMSG)
		snprintf(err, errlen, "%% malformed reply from dpsecd at %s", c->path);
	else
		snprintf(err, errlen, "%% talking to dpsecd at %s: %s", c->path, strerror(-rc));
}

int
cli_conn_open(struct cli_conn *c, const char *path, int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct cli_frame f;
	uint8_t *raw = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%% socket path too long: %s", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "%% cannot reach dpsecd at %s: %s", path, strerror(errno));
		goto fail;
	}
	rc = read_frame(c->fd, CLI_HELLO_BODY_MAX, &raw, &f, now_ms() + timeout_ms);
	if (rc == -ECONNRESET) {
		snprintf(err, errlen,
			 "%% dpsecd at %s refused the session (too many CLI sessions?)", path);
		goto fail;
	}
	if (rc != 0 || !cli_hello_decode(&f, c->hostname, sizeof(c->hostname), &c->priv)) {
		io_error(c, rc != 0 ? rc : -EBADMSG, timeout_ms, err, errlen);
		goto fail;
	}
	free(raw);
	return 0;
fail:
	free(raw);
	cli_conn_close(c);
	return -1;
}

int
cli_conn_request(struct cli_conn *c, const char *line, unsigned flags, int timeout_ms, int *status,
		 struct cli_out *text, char *err, size_t errlen)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t len = strlen(line), start;
	struct cli_out req;
	struct cli_frame f;
	uint8_t *raw = NULL;
	const char *t;
	uint32_t st;
	size_t tlen;
	int rc;

	if (len > CLI_LINE_MAX) {
		snprintf(err, errlen, "%% Command line longer than %d characters", CLI_LINE_MAX);
		return -1;
	}
	cli_out_init(&req);
	start = cli_frame_begin(&req, CLI_MSG_REQUEST);
	cli_put_u32(&req, flags);
	cli_write(&req, line, len);
	cli_frame_end(&req, start);
	rc = req.truncated ? -ENOMEM : write_all(c->fd, req.buf, req.len, deadline);
	cli_out_free(&req);
	if (rc == 0)
		rc = read_frame(c->fd, CLI_REPLY_BODY_MAX, &raw, &f, deadline);
	if (rc == 0 && !cli_reply_decode(&f, &st, &t, &tlen))
		rc = -EBADMSG;
	if (rc != 0) {
		io_error(c, rc, timeout_ms, err, errlen);
		free(raw);
		return -1;
	}
	*status = (int)st;
	cli_write(text, t, tlen);
	free(raw);
	return 0;
}

void
cli_conn_close(struct cli_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
