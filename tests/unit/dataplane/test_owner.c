/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One writer per SA (handoff.h, docs/ARCHITECTURE.md "Who writes what"):
 *
 *   inside ports  --> workers 0, 1, ... in turn  \   any worker finds the SA;
 *   outside ports --> workers 1, 2, ... in turn  /   its owner writes it
 *
 * The assignment as a table; then on the dataplane harness: the debug
 * build's check stopping a worker that would write an SA it does not own.
 * (The owners chosen at install and the handoff to them: test_multicore.c.)
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
		/* two of each on two workers: one of each per worker */
		{2,
		 {{'i', "10.0.2.1"}, {'i', "10.0.3.1"}, {'o', "192.0.2.2"}, {'o', "198.51.100.2"}},
		 {0, 1, 1, 0}},
		/* outside ports sharing an address on different workers: fine now */
		{2, {{'i', "10.0.2.1"}, {'o', "192.0.2.2"}, {'o', "192.0.2.2"}}, {0, 1, 0}},
		{3,
		 {{'i', "10.0.2.1"},
		  {'o', "192.0.2.2"},
		  {'i', "10.0.3.1"},
		  {'o', "198.51.100.2"},
		  {'o', "203.0.113.2"}},
		 {0, 1, 1, 2, 0}},
		{16, {{'i', "10.0.2.1"}, {'i', "10.0.3.1"}, {'o', "192.0.2.2"}}, {0, 1, 1}},
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct cfg_interface ifs[MAX_IF];
		uint16_t got[MAX_IF];
		uint32_t n = make_ifs(cases[c].ifs, ifs);

		port_assign(ifs, n, cases[c].workers, got);
		for (uint32_t i = 0; i < n; i++)
			if (got[i] != cases[c].want[i])
				fail_msg("case %zu: interface %u on worker %u, expected %u", c, i,
					 got[i], cases[c].want[i]);
	}
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

/* One frame from the inside host to the protected network: encrypted by the outbound SA. */
static struct rte_mbuf *
inside_frame(void)
{
	uint8_t frame[128];
	size_t len = harness_ipv4_frame(frame, "10.0.2.5", "10.0.0.9", IPPROTO_UDP, 64, "hello", 5);

	return harness_mbuf(&H, frame, len);
}

/* sa_owner_check(sa, worker) in a child process; its wait status. */
static int
check_in_child(const struct sa_rt *sa, uint16_t worker)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);	/* the panic message and backtrace */
		sa_owner_check(sa, worker);
		_exit(0);
	}
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
 * The check every stage makes before it writes an SA (after the handoff
 * decision): the owner passes, any other worker stops the debug build. With
 * one worker every SA is its own, and a frame goes through both ways.
 */
static void
test_owner_checked(void **state)
{
	struct h_sa out = {.dir = CFG_DIR_OUT, .spi = 0x3101, .cipher = DP_CIPHER_AES_GCM_128};
	struct h_sa in = {.dir = CFG_DIR_IN, .spi = 0x3101, .cipher = DP_CIPHER_AES_GCM_128,
			  .replay_window = 64};
	struct rte_mbuf *m[1], *tx[4];
	struct sa_rt *o, *i;

	(void)state;
	o = rt_of(harness_add_sa(&H, &out));
	i = rt_of(harness_add_sa(&H, &in));
	assert_int_equal(o->owner, 0);
	assert_int_equal(i->owner, 0);
	m[0] = inside_frame();
	assert_int_equal(harness_send(&H, H_INSIDE, m, 1, tx, 4, NULL), 1);
	harness_reflect(tx[0]);
	assert_int_equal(harness_send(&H, H_OUTSIDE, tx, 1, tx + 1, 3, NULL), 1);
	rte_pktmbuf_free(tx[1]);
	assert_int_equal(o->ctr.v[DP_SA_CTR_pkts], 1);
	assert_int_equal(i->ctr.v[DP_SA_CTR_pkts], 1);
	assert_true(WIFEXITED(check_in_child(o, 0)));
	assert_stopped(check_in_child(o, 1));
	assert_stopped(check_in_child(i, 2));
	dp_sa_del_all(H.dp);
	dp_housekeeping(H.dp);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_assignment),
	};
	const struct CMUnitTest dp[] = {
		cmocka_unit_test(test_owner_checked),
	};
	int failed = cmocka_run_group_tests_name("assignment", pure, NULL, NULL);

	if (harness_eal_init() != 0)
		return 1;
	/* ports can be set up once per process: one harness, each test removes its SAs */
	return failed + cmocka_run_group_tests_name("dataplane", dp, setup, teardown);
}
