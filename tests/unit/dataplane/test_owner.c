/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One writer per SA (port_assign.h, docs/ARCHITECTURE.md "Who writes what"):
 *
 *   inside ports  --> worker 0 ------> outbound SAs (sequence numbers = GCM nonces)
 *   outside ports --> workers 1..n-1 -> inbound SAs of their address (replay windows)
 *
 * The assignment and the refusal of what would still give an SA two writers
 * (outside interfaces sharing an address on different workers), as tables;
 * then on the dataplane harness: the owner recorded at install, and the
 * debug build's check stopping a worker that is not the owner.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpsec/ip4.h"

#include "harness.h"
#include "port_assign.h"
#include "sa.h"
#include "sad.h"

#define MAX_IF 8

/* "i" inside, "o" outside; addr: the outside address (inside ones differ). */
struct if_spec {
	char role;
	const char *addr;
};

static uint32_t
make_ifs(const struct if_spec *spec, struct cfg_interface *ifs)
{
	uint32_t n = 0;

	for (; n < MAX_IF && spec[n].role != 0; n++) {
		ifs[n] = (struct cfg_interface){
			.role = spec[n].role == 'i' ? CFG_ROLE_INSIDE : CFG_ROLE_OUTSIDE};
		snprintf(ifs[n].name, sizeof(ifs[n].name), "%s%u",
			 spec[n].role == 'i' ? "inside" : "outside", n);
		assert_true(ip4_parse(spec[n].addr, &ifs[n].addr));
	}
	return n;
}

static void
test_assignment(void **state)
{
	static const struct {
		uint16_t workers;
		struct if_spec ifs[MAX_IF];
		uint16_t want[MAX_IF];
	} cases[] = {
		{1, {{'i', "10.0.2.1"}, {'o', "192.0.2.2"}}, {0, 0}},
		{1, {{'o', "192.0.2.2"}, {'o', "192.0.2.2"}, {'i', "10.0.2.1"}}, {0, 0, 0}},
		{2, {{'o', "192.0.2.2"}, {'i', "10.0.2.1"}}, {1, 0}},
		/* two inside ports, two workers: both inside ports on one worker */
		{2,
		 {{'i', "10.0.2.1"}, {'i', "10.0.3.1"}, {'o', "192.0.2.2"}, {'o', "198.51.100.2"}},
		 {0, 0, 1, 1}},
		{3,
		 {{'i', "10.0.2.1"},
		  {'o', "192.0.2.2"},
		  {'i', "10.0.3.1"},
		  {'o', "198.51.100.2"},
		  {'o', "203.0.113.2"}},
		 {0, 1, 0, 2, 1}},
		{16, {{'i', "10.0.2.1"}, {'i', "10.0.3.1"}, {'o', "192.0.2.2"}}, {0, 0, 1}},
	};
	const unsigned int lcore[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct cfg_interface ifs[MAX_IF];
		uint16_t got[MAX_IF];
		uint32_t n = make_ifs(cases[c].ifs, ifs);
		char err[512] = "";

		port_assign(ifs, n, cases[c].workers, got);
		for (uint32_t i = 0; i < n; i++)
			if (got[i] != cases[c].want[i])
				fail_msg("case %zu: interface %u on worker %u, expected %u", c, i,
					 got[i], cases[c].want[i]);
		if (port_check_writers(ifs, n, got, lcore, err, sizeof(err)) != 0)
			fail_msg("case %zu refused: %s", c, err);
	}
}

/* Outside interfaces sharing an address: fine on one worker, refused on two. */
static void
test_shared_address_refused(void **state)
{
	static const struct if_spec spec[] = {{'i', "10.0.2.1"},
					      {'o', "192.0.2.2"},
					      {'o', "198.51.100.2"},
					      {'o', "192.0.2.2"},
					      {0, 0}};
	const unsigned int lcore[] = {4, 5, 6};
	struct cfg_interface ifs[MAX_IF];
	uint32_t n = make_ifs(spec, ifs);
	uint16_t w[MAX_IF];
	char err[512];

	(void)state;
	port_assign(ifs, n, 2, w);	/* all outside ports on worker 1 */
	assert_int_equal(port_check_writers(ifs, n, w, lcore, err, sizeof(err)), 0);
	port_assign(ifs, n, 3, w);	/* outside1 -> 1, outside2 -> 2, outside3 -> 1 */
	assert_int_equal(port_check_writers(ifs, n, w, lcore, err, sizeof(err)), 0);
	ifs[2].addr = ifs[1].addr;	/* outside1 and outside2 now share 192.0.2.2 */
	assert_int_equal(port_check_writers(ifs, n, w, lcore, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "outside interfaces outside1 and outside2 share the address "
			    "192.0.2.2 but are polled by different workers (worker 1 on lcore "
			    "5, worker 2 on lcore 6): an inbound SA for 192.0.2.2 would have two "
			    "writers of its replay window; give each outside interface its own "
			    "address, or run fewer worker lcores");
}

/* The check also guards the inside rule, should the assignment ever break it. */
static void
test_inside_split_refused(void **state)
{
	static const struct if_spec spec[] = {
		{'i', "10.0.2.1"}, {'o', "192.0.2.2"}, {'i', "10.0.3.1"}, {0, 0}};
	const uint16_t w[] = {0, 1, 1};
	const unsigned int lcore[] = {1, 2};
	struct cfg_interface ifs[MAX_IF];
	uint32_t n = make_ifs(spec, ifs);
	char err[512];

	(void)state;
	assert_int_equal(port_check_writers(ifs, n, w, lcore, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "inside interfaces inside0 and inside2 are polled by different "
			    "workers (worker 0 on lcore 1, worker 1 on lcore 2): an outbound SA "
			    "would have two writers of its sequence numbers, which repeats GCM "
			    "nonces");
}

/* ---- on the dataplane ---- */

static struct harness H;

static int
setup(void **state)
{
	(void)state;
	return harness_create(&H);
}

static int
teardown(void **state)
{
	(void)state;
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
	harness_destroy(&H);
	return 0;
}

static struct sa_rt *
rt_of(int conn)
{
	struct sa *sa = sad_find_conn(H.dp->sad, (uint32_t)conn);

	assert_non_null(sa);
	return sa->rt;
}

/* Outbound: the inside ports' worker; inbound: the worker of the port with its address. */
static void
test_owner_at_install(void **state)
{
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3001, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa in = {.dir = CFG_DIR_IN, .spi = 0x3002, .cipher = DP_CIPHER_AES_GCM_128};
	uint32_t local = H.dp->ports[H_OUTSIDE].addr;

	(void)state;
	assert_int_equal(rt_of(harness_add_sa(&H, &out))->owner, 0);
	assert_int_equal(rt_of(harness_add_sa(&H, &in))->owner, 0);
	/* As if the ports were polled by other workers (the harness runs one). */
	H.dp->port_worker[H_INSIDE] = 3;
	H.dp->port_worker[H_OUTSIDE] = 2;
	out.spi = 0x3003;
	in.spi = 0x3004;
	assert_int_equal(rt_of(harness_add_sa(&H, &out))->owner, 3);
	assert_int_equal(rt_of(harness_add_sa(&H, &in))->owner, 2);
	/* An inbound SA for an address no port has: no worker will ever write it. */
	ip4_parse("198.51.100.99", &H.dp->ports[H_OUTSIDE].addr);
	in.spi = 0x3005;
	assert_int_equal(rt_of(harness_add_sa(&H, &in))->owner, SA_OWNER_NONE);
	H.dp->ports[H_OUTSIDE].addr = local;
	H.dp->port_worker[H_INSIDE] = 0;
	H.dp->port_worker[H_OUTSIDE] = 0;
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

/* One frame from the inside host to the protected network: encrypted by the outbound SA. */
static struct rte_mbuf *
inside_frame(void)
{
	uint8_t frame[128];
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.9", IPPROTO_UDP, 64, "hello", 5);

	return harness_mbuf(&H, frame, len);
}

/* Run the frame through the worker in a child process; its wait status. */
static int
in_child(uint16_t port, struct rte_mbuf *m)
{
	struct rte_mbuf *tx[4];
	uint16_t out;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);	/* the panic message and backtrace */
		harness_send(&H, port, &m, 1, tx, 4, &out);
		_exit(0);
	}
	rte_pktmbuf_free(m);	/* the parent's copy */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
assert_stopped(int status)
{
#ifndef NDEBUG
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
#else
	/* release build: no check in the fast path */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

/*
 * A worker that is not the SA's owner, outbound and inbound: the debug build
 * stops (in a child process) before it writes the SA; the owner itself runs.
 */
static void
test_owner_checked(void **state)
{
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3101, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa in = {.dir = CFG_DIR_IN, .spi = 0x3102, .cipher = DP_CIPHER_AES_GCM_128,
			  .replay_window = 64};
	struct sa_rt *o, *i;

	(void)state;
	o = rt_of(harness_add_sa(&H, &out));
	i = rt_of(harness_add_sa(&H, &in));
	assert_true(WIFEXITED(in_child(H_INSIDE, inside_frame())));
	assert_true(WIFEXITED(in_child(H_OUTSIDE, harness_esp(&H, H_PEER, in.spi, 1))));
	o->owner = 1;	/* other workers' SAs */
	i->owner = 1;
	assert_stopped(in_child(H_INSIDE, inside_frame()));
	assert_stopped(in_child(H_OUTSIDE, harness_esp(&H, H_PEER, in.spi, 1)));
	o->owner = 0;
	i->owner = 0;
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_shared_address_refused),
		cmocka_unit_test(test_inside_split_refused),
	};
	const struct CMUnitTest dp[] = {
		cmocka_unit_test(test_owner_at_install),
		cmocka_unit_test(test_owner_checked),
	};
	int failed = cmocka_run_group_tests_name("assignment", pure, NULL, NULL);

	if (harness_eal_init() != 0)
		return 1;
	/* ports can be set up once per process: one harness, each test removes its SAs */
	return failed + cmocka_run_group_tests_name("dataplane", dp, setup, teardown);
}
