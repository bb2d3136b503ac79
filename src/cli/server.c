/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI server: a non-blocking UNIX stream socket served from the daemon's
 * control thread, so commands run one at a time against the view.
 *
 * Nothing a client does may block the daemon or another client: sockets are
 * non-blocking, each client has its own bounded input buffer and one reply
 * in flight (its next request is read only after that reply is written), a
 * frame with a bad length closes that client only, and a client that stops
 * reading (or leaves a frame half-sent) for CLI_STALL_MS is dropped.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"
#include "proto.h"
#include "sockpath.h"

#define IN_MAX (CLI_FRAME_HDR + CLI_REQ_BODY_MAX)
/* Give a finished reply's memory back if it grew past this. */
#define OUT_KEEP (1u << 20)

struct cli_client {
	int fd; /* -1: free slot */
	unsigned priv;			/* CLI_PRIV_*, from the peer's credentials */
	char user[CLI_USER_NAME_MAX];	/* its account name, for the log */
	uint8_t in[IN_MAX];
	size_t in_len;
	uint64_t in_since;  /* when the partial frame in `in` started (ms) */
	struct cli_out out; /* framed replies not yet written */
	size_t out_off;
	uint64_t out_progress; /* last time a write made progress (ms) */
};

struct cli_server {
	const struct view *v;
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* "" until bind() made it */
	dev_t dev;	/* the socket file we made: only that is unlinked at the end */
	ino_t ino;
	bool has_admin;		/* cli.admin_group is set: its members get level 15 */
	gid_t admin_gid;
	int (*peer_read)(int fd, struct cli_peer *p);
	struct cli_client c[CLI_CLIENTS_MAX];
};

static uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---- socket setup ---- */

/* 0600, or 0660 owned by the configured group. Done before listen(), so no client sees it open. */
static int
group_gid(const char *group, const char *what, gid_t *gid, char *err, size_t errlen)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (getgrnam_r(group, &gr, buf, sizeof(buf), &res) != 0 || res == NULL) {
		snprintf(err, errlen, "cli %s %s: no such group", what, group);
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

static int
set_mode(const char *path, const char *group, char *err, size_t errlen)
{
	gid_t gid;

	if (group[0] == '\0') {
		if (chmod(path, 0600) == 0)
			return 0;
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		return -1;
	}
	if (group_gid(group, "group", &gid, err, errlen) != 0)
		return -1;
	if (chown(path, (uid_t)-1, gid) != 0 || chmod(path, 0660) != 0) {
		snprintf(err, errlen, "cannot give %s to group %s: %s", path, group,
			 strerror(errno));
		return -1;
	}
	return 0;
}

const char *
cli_socket_path(const struct cfg_cli *cfg)
{
	return cfg->socket[0] != '\0' ? cfg->socket : CLI_DEFAULT_SOCKET;
}

int
cli_server_lock(const struct cfg_cli *cfg, char *err, size_t errlen)
{
	return sockpath_lock(cli_socket_path(cfg), err, errlen);
}

/*
 * s->path is set only once bind() has created the socket file: the failure
 * paths before it (a file that is no socket, another daemon's live socket)
 * must leave what is there alone, and cli_server_destroy unlinks s->path.
 */
static int
listen_on(struct cli_server *s, const struct cfg_cli *cfg, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = cli_socket_path(cfg);
	struct stat st;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (sockpath_mkdirs(path, err, errlen) != 0 ||
	    sockpath_clear_stale(path, err, errlen) != 0)
		return -1;
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
		return -1;
	}
	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (set_mode(s->path, cfg->group, err, errlen) != 0)
		return -1;
	if (listen(s->lfd, CLI_CLIENTS_MAX) != 0) {
		snprintf(err, errlen, "listen %s: %s", s->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct cli_server *
cli_server_create(const struct view *v, char *err, size_t errlen)
{
	struct cli_server *s;

	if (v == NULL || v->cfg == NULL) {
		snprintf(err, errlen, "cli: no configuration");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "cli: out of memory");
		return NULL;
	}
	s->v = v;
	s->lfd = -1;
	s->peer_read = cli_peer_read;
	for (size_t i = 0; i < CLI_CLIENTS_MAX; i++)
		s->c[i].fd = -1;
	s->has_admin = v->cfg->cli.admin_group[0] != '\0';
	if (s->has_admin &&
	    group_gid(v->cfg->cli.admin_group, "admin_group", &s->admin_gid, err, errlen) != 0)
		goto fail;
	if (listen_on(s, &v->cfg->cli, err, errlen) != 0)
		goto fail;
	return s;
fail:
	cli_server_destroy(s);
	return NULL;
}

static void
drop(struct cli_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in_len = 0;
	c->out_off = 0;
	cli_out_free(&c->out);
}

void
cli_server_destroy(struct cli_server *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < CLI_CLIENTS_MAX; i++)
		drop(&s->c[i]);
	if (s->lfd >= 0)
		close(s->lfd);
	sockpath_unlink_own(s->path, s->dev, s->ino);
	free(s);
}

/* ---- per client ---- */

static bool
out_pending(const struct cli_client *c)
{
	return c->out_off < c->out.len;
}

static void
flush(struct cli_client *c)
{
	while (out_pending(c)) {
		ssize_t n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			c->out_off += (size_t)n;
			c->out_progress = now_ms();
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			drop(c);
			return;
		}
	}
	c->out_off = 0;
	if (c->out.cap > OUT_KEEP)
		cli_out_free(&c->out);
	else
		cli_out_reset(&c->out);
}

static void
send_hello(const struct cli_server *s, struct cli_client *c)
{
	const char *host = s->v->cfg->hostname[0] != '\0' ? s->v->cfg->hostname : "dpsec";
	size_t start = cli_frame_begin(&c->out, CLI_MSG_HELLO);
	uint8_t ver = CLI_PROTO_VERSION, priv = (uint8_t)c->priv;

	cli_write(&c->out, &ver, 1);
	cli_write(&c->out, &priv, 1);
	cli_write(&c->out, host, strnlen(host, CFG_NAME_MAX - 1));
	cli_frame_end(&c->out, start);
	c->out_progress = now_ms();
	flush(c);
}

/* Run one request; the reply is framed straight into the client's output. */
static void
run(const struct cli_server *s, struct cli_client *c, uint32_t flags, const char *line, size_t len)
{
	char buf[CLI_LINE_MAX + 1];
	size_t start, status_at;
	int st;

	memcpy(buf, line, len);
	buf[len] = '\0';
	start = cli_frame_begin(&c->out, CLI_MSG_REPLY);
	status_at = c->out.len;
	cli_put_u32(&c->out, 0);
	if (c->out.truncated) {
		drop(c); /* no memory even for the header */
		return;
	}
	st = cli_exec_as(s->v, &(struct cli_user){.name = c->user, .priv = c->priv}, buf,
			 flags & CLI_F_MASK, &c->out);
	if (c->out.truncated) {
		/* Over CLI_OUT_MAX: say so rather than send a reply cut anywhere. */
		c->out.truncated = false;
		c->out.len = status_at + 4;
		cli_puts(&c->out, "% Output larger than the CLI can send\n");
		st = CLI_E_FAILED;
	}
	for (int i = 0; i < 4; i++)
		c->out.buf[status_at + (size_t)i] = (char)((uint32_t)st >> (24 - 8 * i));
	cli_frame_end(&c->out, start);
	c->out_progress = now_ms();
}

/* Handle the complete requests in the input buffer, one reply at a time. */
static void
process(const struct cli_server *s, struct cli_client *c)
{
	while (c->fd >= 0 && !out_pending(c)) {
		struct cli_frame f;
		const char *line;
		uint32_t flags;
		size_t len;
		int rc = cli_frame_parse(c->in, c->in_len, CLI_REQ_BODY_MAX, &f);

		if (rc == 0)
			return;
		if (rc < 0 || !cli_request_decode(&f, &flags, &line, &len)) {
			drop(c);
			return;
		}
		run(s, c, flags, line, len);
		if (c->fd < 0)
			return;
		memmove(c->in, c->in + f.total, c->in_len - f.total);
		c->in_len -= f.total;
		c->in_since = now_ms();
		flush(c);
	}
}

static void
receive(struct cli_client *c)
{
	ssize_t n;

	if (c->in_len == sizeof(c->in))
		return; /* a whole frame is waiting for process() */
	do
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* Closed (a half-sent frame dies with it) or failed. */
		drop(c);
		return;
	}
	if (c->in_len == 0)
		c->in_since = now_ms();
	c->in_len += (size_t)n;
}

/* The client on fd, or with fd == -1 a free slot. */
static struct cli_client *
client_of(struct cli_server *s, int fd)
{
	for (size_t i = 0; i < CLI_CLIENTS_MAX; i++)
		if (s->c[i].fd == fd)
			return &s->c[i];
	return NULL;
}

static void
accept_all(struct cli_server *s)
{
	struct cli_peer peer;

	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct cli_client *c;

		if (fd < 0)
			return; /* EAGAIN, or nothing we can do about it now */
		c = client_of(s, -1);
		if (c == NULL) {
			close(fd); /* CLI_CLIENTS_MAX sessions already */
			continue;
		}
		memset(c, 0, sizeof(*c));
		if (s->peer_read(fd, &peer) != 0) {
			close(fd); /* nobody to attribute its commands to */
			c->fd = -1;
			continue;
		}
		c->fd = fd;
		c->priv = cli_peer_priv(&peer, s->has_admin, s->admin_gid);
		cli_peer_name(peer.uid, c->user, sizeof(c->user));
		send_hello(s, c);
	}
}

static void
expire(struct cli_server *s)
{
	uint64_t now = now_ms();

	for (size_t i = 0; i < CLI_CLIENTS_MAX; i++) {
		struct cli_client *c = &s->c[i];

		if (c->fd < 0)
			continue;
		if ((out_pending(c) && now - c->out_progress > CLI_STALL_MS) ||
		    (c->in_len > 0 && !out_pending(c) && now - c->in_since > CLI_STALL_MS))
			drop(c);
	}
}

size_t
cli_server_pollfds(struct cli_server *s, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (max > 0 && s->lfd >= 0)
		fds[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
	for (size_t i = 0; i < CLI_CLIENTS_MAX && n < max; i++) {
		const struct cli_client *c = &s->c[i];

		if (c->fd >= 0)
			fds[n++] = (struct pollfd){.fd = c->fd,
						   .events = out_pending(c) ? POLLOUT : POLLIN};
	}
	return n;
}

void
cli_server_dispatch(struct cli_server *s, const struct pollfd *fds, size_t n)
{
	bool listen_ready = false;

	for (size_t i = 0; i < n; i++) {
		struct cli_client *c;

		if (fds[i].fd == s->lfd) {
			listen_ready = fds[i].revents & POLLIN;
			continue;
		}
		c = fds[i].fd >= 0 ? client_of(s, fds[i].fd) : NULL;
		if (c == NULL || fds[i].revents == 0)
			continue;
		if (fds[i].revents & (POLLERR | POLLNVAL)) {
			drop(c);
			continue;
		}
		if (fds[i].revents & POLLOUT)
			flush(c);
		if (c->fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP)) && !out_pending(c))
			receive(c);
		if (c->fd >= 0)
			process(s, c);
	}
	/* After the clients, so a reused descriptor never meets a stale revents. */
	if (listen_ready)
		accept_all(s);
	expire(s);
}

int
cli_server_poll(struct cli_server *s, int timeout_ms)
{
	struct pollfd fds[CLI_SERVER_FDS_MAX];
	size_t n = cli_server_pollfds(s, fds, CLI_SERVER_FDS_MAX);
	int rc = poll(fds, n, timeout_ms);

	if (rc < 0) {
		if (errno != EINTR)
			return -errno;
		rc = 0;
		for (size_t i = 0; i < n; i++)
			fds[i].revents = 0;
	}
	cli_server_dispatch(s, fds, n);
	return rc;
}

void
cli_server_set_peer_reader(struct cli_server *s, int (*fn)(int fd, struct cli_peer *p))
{
	s->peer_read = fn != NULL ? fn : cli_peer_read;
}
