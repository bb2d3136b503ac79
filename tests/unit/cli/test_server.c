/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI socket server, in-process: a thread runs cli_server_poll the way
 * dpsecd's control thread does, the test is the clients.
 *
 *   client B (cli_conn) ---\
 *   client A (raw, stalls) --> /tmp/dpsec-cli-XXXXXX/run/dpsec/dpsecd.sock
 *   clients C.. (bad frames)/          [server thread] -> fake gwB view
 *
 * A never reads a multi-megabyte reply; B must still be served at once. A
 * bad frame closes its own connection and nobody else's.
 *
 * No test sleeps: after every turn the server thread publishes what it is
 * waiting for (how many clients, how many with a reply their socket would not
 * take), and a test waits for the situation it is about; the deadline only
 * turns a hang into a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "client.h"
#include "dpsec/cli.h"
#include "fake_view.h"
#include "peer.h"

#define WAIT_MS 30000	/* guards only: a reply that has not come by then never will */
#define GUARD_S 60	/* a condition that has not happened by then never will */

/* What the server thread saw after its last turn. */
struct seen {
	size_t clients;		/* connections it serves */
	size_t blocked;		/* ... with a reply waiting for room in their socket */
};

struct srv {
	struct fake *f;
	struct cli_server *s;
	pthread_t th;
	int stop;		/* atomic */
	pthread_mutex_t mu;	/* protects seen */
	pthread_cond_t cv;	/* broadcast after every turn */
	struct seen seen;
	char dir[64];
	char path[108];
};

static void *
serve(void *arg)
{
	struct srv *t = arg;
	struct pollfd fds[CLI_SERVER_FDS_MAX];

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		struct seen now = {0};
		size_t n;

		cli_server_poll(t->s, 20);
		/* the listening socket comes first; a client waits for POLLOUT when it is full */
		n = cli_server_pollfds(t->s, fds, CLI_SERVER_FDS_MAX);
		for (size_t i = 1; i < n; i++) {
			now.clients++;
			now.blocked += (fds[i].events & POLLOUT) != 0;
		}
		pthread_mutex_lock(&t->mu);
		t->seen = now;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
	}
	return NULL;
}

/* Wait until the server thread has seen what cond says (or fail at the guard). */
static void
srv_wait(struct srv *t, bool (*cond)(const struct seen *, size_t), size_t arg, const char *what)
{
	struct timespec guard;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &guard);
	guard.tv_sec += GUARD_S;
	pthread_mutex_lock(&t->mu);
	while (!cond(&t->seen, arg) && rc == 0)
		rc = pthread_cond_timedwait(&t->cv, &t->mu, &guard);
	pthread_mutex_unlock(&t->mu);
	if (rc != 0)
		fail_msg("the server never got to: %s", what);
}

static bool
some_blocked(const struct seen *s, size_t n)
{
	return s->blocked >= n;
}

static bool
clients_are(const struct seen *s, size_t n)
{
	return s->clients == n;
}

/*
 * extra SAs make "show crypto ipsec sa" several MB, more than any socket
 * buffer holds; admin: cli.admin_group; peer: the credentials seam (NULL:
 * the kernel's, SO_PEERCRED).
 */
static struct srv *
srv_start_as(size_t extra_sa, const char *group, const char *admin,
	     int (*peer)(int fd, struct cli_peer *p))
{
	struct srv *t = calloc(1, sizeof(*t));
	char err[256] = "";

	strcpy(t->dir, "/tmp/dpsec-cli-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/run/dpsec/dpsecd.sock", t->dir);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->f = fake_new(extra_sa);
	snprintf(t->f->cfg.cli.socket, sizeof(t->f->cfg.cli.socket), "%s", t->path);
	snprintf(t->f->cfg.cli.group, sizeof(t->f->cfg.cli.group), "%s", group);
	snprintf(t->f->cfg.cli.admin_group, sizeof(t->f->cfg.cli.admin_group), "%s", admin);
	t->s = cli_server_create(&t->f->view, err, sizeof(err));
	if (t->s == NULL)
		fail_msg("cli_server_create: %s", err);
	cli_server_set_peer_reader(t->s, peer);
	assert_int_equal(pthread_create(&t->th, NULL, serve, t), 0);
	return t;
}

static struct srv *
srv_start(size_t extra_sa, const char *group)
{
	return srv_start_as(extra_sa, group, "", NULL);
}

static void
rmdirs(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/run/dpsec", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/run", dir);
	rmdir(p);
	rmdir(dir);
}

static void
srv_stop(struct srv *t)
{
	struct stat st;

	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	pthread_join(t->th, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	cli_server_destroy(t->s);
	assert_int_not_equal(lstat(t->path, &st), 0); /* the socket is gone */
	rmdirs(t->dir);
	fake_free(t->f);
	free(t);
}

/* A raw connection that has read its HELLO. */
static int
raw_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t hello[64];
	struct timeval tv = {.tv_sec = WAIT_MS / 1000};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ssize_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, hello, 4 + 3 + 3, MSG_WAITALL); /* len, type, version, level, "gwB" */
	assert_int_equal(n, 10);
	assert_int_equal(hello[4], CLI_MSG_HELLO);
	return fd;
}

static void
send_request(int fd, const char *line)
{
	struct cli_out o;
	size_t start;

	cli_out_init(&o);
	start = cli_frame_begin(&o, CLI_MSG_REQUEST);
	cli_put_u32(&o, 0);
	cli_puts(&o, line);
	cli_frame_end(&o, start);
	assert_int_equal(send(fd, o.buf, o.len, MSG_NOSIGNAL), (ssize_t)o.len);
	cli_out_free(&o);
}

/* The server closed this connection: reads drain to EOF, not to the timeout. */
static void
assert_closed(int fd)
{
	char buf[4096];
	ssize_t n;

	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n > 0);
	assert_int_equal(n, 0);
}

static void
assert_served(const char *path, const char *line, const char *want)
{
	struct cli_conn c;
	struct cli_out text;
	char err[256];
	int st = -1;

	cli_out_init(&text);
	if (cli_conn_open(&c, path, WAIT_MS, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.hostname, "gwB");
	if (cli_conn_request(&c, line, 0, WAIT_MS, &st, &text, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(st, CLI_OK);
	assert_non_null(strstr(text.buf, want));
	cli_conn_close(&c);
	cli_out_free(&text);
}

static void
test_socket_mode(void **state)
{
	struct srv *t = srv_start(0, "");
	struct stat st;

	(void)state;
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	srv_stop(t);
	/* With a group: 0660 and that group (root is the one every system has). */
	t = srv_start(0, "root");
	assert_int_equal(lstat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, 0);
	srv_stop(t);
}

static void
test_request_reply(void **state)
{
	struct srv *t = srv_start(0, "");
	struct cli_conn c;
	struct cli_out text;
	char err[256];
	int st;

	(void)state;
	assert_served(t->path, "show version", "gwB uptime is 1 day, 2 hours, 3 minutes");
	cli_out_init(&text);
	assert_int_equal(cli_conn_open(&c, t->path, WAIT_MS, err, sizeof(err)), 0);
	assert_int_equal(cli_conn_request(&c, "show crypto ipsek sa", CLI_F_ECHO, WAIT_MS, &st,
					  &text, err, sizeof(err)),
			 0);
	assert_int_equal(st, CLI_E_INVALID);
	assert_string_equal(text.buf, "show crypto ipsek sa\n                ^\n"
				      "% Invalid input detected at '^' marker.\n\n");
	cli_out_reset(&text);
	assert_int_equal(cli_conn_request(&c, "show version", CLI_F_JSON, WAIT_MS, &st, &text, err,
					  sizeof(err)),
			 0);
	assert_non_null(strstr(text.buf, "\"hostname\":\"gwB\""));
	cli_conn_close(&c);
	cli_out_free(&text);
	srv_stop(t);
}

/* A never reads its multi-megabyte reply; B is served meanwhile, many times over. */
static void
test_stalled_client(void **state)
{
	struct srv *t = srv_start(20000, "");
	int a = raw_connect(t->path);

	(void)state;
	send_request(a, "show crypto ipsec sa detail");
	send_request(a, "show crypto ipsec sa detail");
	/* the server has built A's reply and filled A's socket with it */
	srv_wait(t, some_blocked, 1, "A's socket full");
	for (int i = 0; i < 20; i++)
		assert_served(t->path, "show version", "uptime is");
	/* A resumes reading: both replies arrive whole, in order, megabytes each. */
	for (int i = 0; i < 2; i++) {
		uint8_t hdr[9];
		uint32_t len;
		char *body;

		assert_int_equal(recv(a, hdr, sizeof(hdr), MSG_WAITALL), (ssize_t)sizeof(hdr));
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
		      hdr[3];
		assert_true(len > (4u << 20));
		body = malloc(len);
		assert_int_equal(recv(a, body, len - 5, MSG_WAITALL), (ssize_t)(len - 5));
		assert_memory_equal(body + len - 5 - 19, "outbound pcp sas:\n\n", 19);
		free(body);
	}
	close(a);
	assert_served(t->path, "show clock", "2023");
	srv_stop(t);
}

/* Two requests in one write get two replies, in order. */
static void
test_pipelined(void **state)
{
	struct srv *t = srv_start(0, "");
	int fd = raw_connect(t->path);
	uint8_t hdr[9];
	char body[4096];

	(void)state;
	send_request(fd, "show clock");
	send_request(fd, "show crypto");
	for (int i = 0; i < 2; i++) {
		uint32_t len, st;

		assert_int_equal(recv(fd, hdr, sizeof(hdr), MSG_WAITALL), (ssize_t)sizeof(hdr));
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
		      hdr[3];
		st = (uint32_t)hdr[5] << 24 | (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 8 |
		     hdr[8];
		assert_int_equal(hdr[4], CLI_MSG_REPLY);
		assert_true(len - 5 < sizeof(body));
		assert_int_equal(recv(fd, body, len - 5, MSG_WAITALL), (ssize_t)(len - 5));
		assert_int_equal(st, i == 0 ? CLI_OK : CLI_E_INCOMPLETE);
	}
	close(fd);
	srv_stop(t);
}

static void
test_bad_frames(void **state)
{
	static const struct {
		const char *what;
		uint8_t b[16];
		size_t n;
		bool half_close;
	} bad[] = {
		{"length over the request maximum", {0xff, 0xff, 0xff, 0xff, 2}, 5, false},
		{"length zero", {0, 0, 0, 0}, 4, false},
		{"hello sent to the server", {0, 0, 0, 2, 1, 1}, 6, false},
		{"request shorter than its flags", {0, 0, 0, 3, 2, 0, 0}, 7, false},
		{"NUL in the command", {0, 0, 0, 7, 2, 0, 0, 0, 0, 'a', 0}, 11, false},
		{"truncated, then EOF", {0, 0, 0, 100, 2, 0, 0, 0, 0, 's', 'h'}, 11, true},
	};
	struct srv *t = srv_start(0, "");
	int keep = raw_connect(t->path);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = raw_connect(t->path);

		assert_int_equal(send(fd, bad[i].b, bad[i].n, MSG_NOSIGNAL), (ssize_t)bad[i].n);
		if (bad[i].half_close)
			shutdown(fd, SHUT_WR);
		assert_closed(fd);
		close(fd);
		assert_served(t->path, "show version", "uptime is");
	}
	/* The idle connection opened first is still there and still works. */
	send_request(keep, "show version");
	{
		char buf[16];

		assert_int_equal(recv(keep, buf, 9, MSG_WAITALL), 9);
		assert_int_equal(buf[4], CLI_MSG_REPLY);
	}
	close(keep);
	srv_stop(t);
}

static void
test_too_many_clients(void **state)
{
	struct srv *t = srv_start(0, "");
	struct cli_conn c[CLI_CLIENTS_MAX], extra;
	char err[256];

	(void)state;
	for (int i = 0; i < CLI_CLIENTS_MAX; i++)
		assert_int_equal(cli_conn_open(&c[i], t->path, WAIT_MS, err, sizeof(err)), 0);
	assert_int_equal(cli_conn_open(&extra, t->path, WAIT_MS, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "refused the session"));
	srv_wait(t, clients_are, CLI_CLIENTS_MAX, "all sessions counted");
	cli_conn_close(&c[0]);
	srv_wait(t, clients_are, CLI_CLIENTS_MAX - 1, "the closed session's slot freed");
	assert_served(t->path, "show version", "uptime is");
	for (int i = 1; i < CLI_CLIENTS_MAX; i++)
		cli_conn_close(&c[i]);
	srv_stop(t);
}

static bool
connectable(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
assert_file_is(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, text);
}

/*
 * A dead daemon's socket is replaced. A live one, or a file that is no
 * socket, is refused and left exactly as it was (both used to be unlinked
 * by the refusing server's cleanup); a file put in place of ours after we
 * bound is not ours to unlink either.
 */
static void
test_stale_socket(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct fake *f = fake_new(0);
	struct cli_server *s, *s2;
	char dir[] = "/tmp/dpsec-cli-XXXXXX", err[256];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/d.sock", dir);
	snprintf(f->cfg.cli.socket, sizeof(f->cfg.cli.socket), "%s", sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd); /* a socket file nobody listens on */
	s = cli_server_create(&f->view, err, sizeof(err));
	assert_non_null(s);
	s2 = cli_server_create(&f->view, err, sizeof(err));
	assert_null(s2);
	assert_non_null(strstr(err, "another dpsecd is listening there"));
	assert_int_equal(lstat(sa.sun_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_true(connectable(sa.sun_path)); /* the first server's socket survived */
	cli_server_destroy(s);
	cli_server_destroy(NULL);
	assert_int_not_equal(lstat(sa.sun_path, &st), 0);

	write_file(sa.sun_path, "keep me\n");
	assert_null(cli_server_create(&f->view, err, sizeof(err)));
	assert_non_null(strstr(err, "exists and is not a socket"));
	assert_file_is(sa.sun_path, "keep me\n");
	unlink(sa.sun_path);

	s = cli_server_create(&f->view, err, sizeof(err));
	assert_non_null(s);
	unlink(sa.sun_path);
	write_file(sa.sun_path, "not yours\n");
	cli_server_destroy(s);
	assert_file_is(sa.sun_path, "not yours\n");
	unlink(sa.sun_path);
	rmdir(dir);
	fake_free(f);
}

/* One daemon per socket: the lock is taken before anything else, the second is told who holds it.
 */
static void
test_instance_lock(void **state)
{
	struct cfg_cli cfg = {.group = ""};
	char dir[] = "/tmp/dpsec-cli-XXXXXX", err[512], want[512], lock[160];
	int a, b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cfg.socket, sizeof(cfg.socket), "%s/run/d.sock", dir);
	a = cli_server_lock(&cfg, err, sizeof(err));
	assert_true(a >= 0);
	b = cli_server_lock(&cfg, err, sizeof(err));
	assert_int_equal(b, -1);
	snprintf(lock, sizeof(lock), "%s.lock", cfg.socket);
	snprintf(want, sizeof(want),
		 "another dpsecd (pid %ld) is running with CLI socket %s (it holds %s)",
		 (long)getpid(), cfg.socket, lock);
	assert_string_equal(err, want);
	close(a); /* released: the next one gets it */
	b = cli_server_lock(&cfg, err, sizeof(err));
	assert_true(b >= 0);
	close(b);
	unlink(lock);
	snprintf(lock, sizeof(lock), "%s/run", dir);
	rmdir(lock);
	rmdir(dir);
}

static void
test_unreachable(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/dpsec-cli-XXXXXX", err[256], want[256];
	struct cli_conn c;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/none.sock", dir);
	assert_int_equal(cli_conn_open(&c, sa.sun_path, WAIT_MS, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%% cannot reach dpsecd at %s: No such file or directory",
		 sa.sun_path);
	assert_string_equal(err, want);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(cli_conn_open(&c, sa.sun_path, WAIT_MS, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%% cannot reach dpsecd at %s: Connection refused",
		 sa.sun_path);
	assert_string_equal(err, want);
	/* Listening but never answering: a deadline, not a hang. */
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(cli_conn_open(&c, sa.sun_path, 300, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%% no reply from dpsecd at %s within 300 ms", sa.sun_path);
	assert_string_equal(err, want);
	close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
}

/* The credentials the seam hands the server for the next connection. */
static struct cli_peer next_peer;
static int next_peer_rc;

static int
fake_peer(int fd, struct cli_peer *p)
{
	(void)fd;
	*p = next_peer;
	return next_peer_rc;
}

/* One command on a fresh connection as next_peer; the level the HELLO announced. */
static unsigned
run_as(const struct srv *t, const char *line, int *st, struct cli_out *text)
{
	struct cli_conn c;
	char err[256];
	unsigned priv;

	cli_out_reset(text);
	if (cli_conn_open(&c, t->path, WAIT_MS, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	priv = c.priv;
	assert_int_equal(cli_conn_request(&c, line, 0, WAIT_MS, st, text, err, sizeof(err)), 0);
	cli_conn_close(&c);
	return priv;
}

/*
 * Who may change the gateway: root and cli.admin_group (here "root", gid 0,
 * met as a supplementary group) get level 15; others who may connect level
 * 1, which can show but not clear; both are logged by name. A peer whose
 * credentials cannot be read is not served.
 */
static void
test_peer_privilege(void **state)
{
	struct srv *t = srv_start_as(0, "", "root", fake_peer);
	struct cli_conn c;
	struct cli_out text;
	char err[256];
	int st;

	(void)state;
	cli_out_init(&text);
	next_peer =
		(struct cli_peer){.uid = 65534, .gid = 65534, .groups = {27, 100}, .n_groups = 2};
	assert_int_equal(run_as(t, "show version", &st, &text), CLI_PRIV_USER);
	assert_int_equal(st, CLI_OK);
	assert_int_equal(run_as(t, "clear crypto sa", &st, &text), CLI_PRIV_USER);
	assert_int_equal(st, CLI_E_INVALID);
	assert_string_equal(text.buf, "^\n% Invalid input detected at '^' marker.\n\n");
	assert_int_equal(t->f->n_sa, 5);	/* nothing cleared */
	assert_non_null(strstr(t->f->log, "%DPSEC-4-CLI_DENIED: User:nobody  denied command:clear "
					  "crypto sa (privilege level 1, the command needs 15)\n"));

	next_peer.groups[1] = 0;	/* now in the admin group */
	assert_int_equal(run_as(t, "clear crypto sa", &st, &text), CLI_PRIV_ADMIN);
	assert_int_equal(st, CLI_OK);
	assert_int_equal(t->f->n_sa, 0);
	assert_non_null(strstr(t->f->log, "%PARSER-5-CFGLOG_LOGGEDCMD: User:nobody  logged "
					  "command:clear crypto sa\n"));
	next_peer = (struct cli_peer){.uid = 0, .gid = 0};
	assert_int_equal(run_as(t, "debug crypto ipsec", &st, &text), CLI_PRIV_ADMIN);
	assert_int_equal(st, CLI_OK);
	assert_non_null(strstr(t->f->log, "%PARSER-5-CFGLOG_LOGGEDCMD: User:root  logged "
					  "command:debug crypto ipsec\n"));
	next_peer = (struct cli_peer){.uid = 4242, .gid = 4242};	/* no account: its uid */
	assert_int_equal(run_as(t, "undebug all", &st, &text), CLI_PRIV_USER);
	assert_non_null(strstr(t->f->log, "User:4242  denied command:undebug all"));
	next_peer_rc = -EINVAL;
	assert_int_equal(cli_conn_open(&c, t->path, WAIT_MS, err, sizeof(err)), -1);
	next_peer_rc = 0;
	cli_out_free(&text);
	srv_stop(t);
}

/* The kernel's credentials: this test's own uid, root in CI; a missing admin group is refused. */
static void
test_peer_credentials(void **state)
{
	struct srv *t = srv_start_as(0, "", "", NULL);
	struct cli_out text;
	struct fake *f = fake_new(0);
	char err[256];
	int st;

	(void)state;
	cli_out_init(&text);
	assert_int_equal(run_as(t, "show version", &st, &text),
			 getuid() == 0 ? CLI_PRIV_ADMIN : CLI_PRIV_USER);
	cli_out_free(&text);
	srv_stop(t);
	snprintf(f->cfg.cli.socket, sizeof(f->cfg.cli.socket), "/tmp/dpsec-no-such-dir/x.sock");
	snprintf(f->cfg.cli.admin_group, sizeof(f->cfg.cli.admin_group), "no-such-group-4242");
	assert_null(cli_server_create(&f->view, err, sizeof(err)));
	assert_string_equal(err, "cli admin_group no-such-group-4242: no such group");
	fake_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_mode),    cmocka_unit_test(test_request_reply),
		cmocka_unit_test(test_stalled_client), cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_bad_frames),     cmocka_unit_test(test_too_many_clients),
		cmocka_unit_test(test_stale_socket),   cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_instance_lock),  cmocka_unit_test(test_peer_privilege),
		cmocka_unit_test(test_peer_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
