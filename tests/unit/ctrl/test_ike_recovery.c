/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Invalid-SPI recovery's log lines (src/ctrl/ike_recovery.c) on the dataplane
 * harness and its fake clock, with a real IKE engine that has no SA:
 *
 *   spoofed 10.x.y.z --ESP, random SPI--> [worker] --event--> [control] --> recovery --> log
 *
 * A flood of random SPIs from spoofed sources is a new flow with every
 * packet. Each decision is counted, but the lines about what recovery did
 * not do must stay within the %CRYPTO-4-RECVD_PKT_INV_SPI line's limits
 * (once a minute per flow, logging.rate a second over all), or the flood
 * floods the log and syslog (found by tests/integration/test_recovery_abuse.py:
 * one line per packet).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>

#include "dpsec/ike.h"

#include "ctrl.h"
#include "harness.h"
#include "ike_recovery.h"
#include "inv_spi.h"
#include "worker.h"

#define LOG_RATE 20	/* logging.rate below: lines a second, a full bucket to start */

static struct harness H;
static struct ctrl *C;
static struct ike *IKE;
static struct ike_recovery *REC;

static uint64_t
op_now_ms(void *ctx)
{
	(void)ctx;
	return clk_mono_ms(&H.clock);
}

/* No IKE SA ever comes up here: nothing is sent nor installed. */
static void
op_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *msg, size_t len)
{
	(void)ctx;
	(void)local;
	(void)remote;
	(void)msg;
	(void)len;
	fail_msg("recovery sent an IKE message for a sender that is no peer");
}

static int
op_sa_add(void *ctx, const struct dp_sa_params *p, uint32_t *handle)
{
	(void)ctx;
	(void)p;
	(void)handle;
	return -ENOTSUP;
}

static int
op_sa_handle(void *ctx, uint32_t handle)
{
	(void)ctx;
	(void)handle;
	return -ENOTSUP;
}

static int
setup(void **state)
{
	struct ike_ops ops = {.now_ms = op_now_ms, .send = op_send, .sa_add = op_sa_add,
			      .sa_activate = op_sa_handle, .sa_del = op_sa_handle};
	char err[256];

	(void)state;
	if (harness_create(&H) != 0)
		return -1;
	H.cfg.logging = (struct cfg_logging){.buffer = 1 << 20, .syslog = false,
					     .invalid_spi_interval = 60, .replay_interval = 30,
					     .mac_interval = 30, .rate = LOG_RATE};
	H.cfg.isakmp.invalid_spi_recovery = true;
	H.cfg.isakmp.recovery_packets = 2;
	H.cfg.isakmp.recovery_window = 10;
	H.cfg.isakmp.recovery_holddown = 5;
	H.cfg.isakmp.recovery_rate = 5;
	C = ctrl_create(H.dp, &H.cfg, &H.clock, err, sizeof(err));
	IKE = C != NULL ? ike_create(&H.cfg, &ops, err, sizeof(err)) : NULL;
	REC = IKE != NULL ? ike_recovery_create(C, IKE) : NULL;
	if (REC == NULL)
		print_error("setup: %s\n", err);
	return REC == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	ike_recovery_destroy(REC);
	ike_destroy(IKE);
	ctrl_destroy(C);
	harness_destroy(&H);
	return 0;
}

/* One ESP frame from src with spi through the worker, then the control thread. */
static void
esp_through(const char *src, uint32_t spi)
{
	struct rte_mbuf *m = harness_esp(&H, src, spi, 1);

	m->port = H.dp->ports[H_OUTSIDE].port_id;
	harness_rx(&H, H_OUTSIDE, &m, 1);
	worker_flush(H.w);
	link_poll(H.w);
	while (ctrl_work(C))
		;
}

static int
count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static const char *
log_text(void)
{
	static char text[1 << 20];
	struct view_log_stats st;
	size_t n = dlog_read(ctrl_log(C), text, sizeof(text) - 1, &st);

	text[n] = '\0';
	return text;
}

/*
 * 2000 packets from 2000 spoofed sources, each its own SPI, 1 ms apart: every
 * one is decided NOT_PEER and counted, but no more recovery lines are written
 * than %CRYPTO-4-RECVD_PKT_INV_SPI lines, which stay within the log's rate.
 */
static void
test_spoofed_flood_log_bounded(void **state)
{
	const int n = 2000, ms = 1;
	struct recovery_stats st;
	const char *text;
	char src[16];
	int recv_lines, rec_lines, allowed;

	(void)state;
	for (int i = 0; i < n; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.%d", 1 + i / 65536, (i / 256) % 256,
			 1 + i % 250);
		esp_through(src, 0x10000u + (uint32_t)i * 7919u);
		clk_fake_advance_ms(&H.fake, ms);
	}
	ike_recovery_stats(REC, &st);
	assert_int_equal(st.decisions[RECOVERY_NOT_PEER], n);
	assert_int_equal(st.pkts[RECOVERY_NOT_PEER], n);
	assert_int_equal(st.peers, 0);	/* spoofed senders take no recovery state */
	text = log_text();
	recv_lines = count(text, "%CRYPTO-4-RECVD_PKT_INV_SPI");
	rec_lines = count(text, "IKEV2_INVALID_SPI_RECOVERY");
	allowed = LOG_RATE + LOG_RATE * n * ms / 1000;
	print_message("%d packets: %d RECVD_PKT_INV_SPI lines, %d recovery lines, allowed %d\n",
		      n, recv_lines, rec_lines, allowed);
	assert_true(recv_lines >= 1 && recv_lines <= allowed);
	/* each line about a decision follows that report's RECVD_PKT_INV_SPI line */
	assert_int_equal(rec_lines, recv_lines);
	assert_non_null(strstr(text, "%CRYPTO-6-IKEV2_INVALID_SPI_RECOVERY: Invalid SPI recovery: "
				     "peer 10.1.0.1, ESP SPI 0x00010000: "));
}

/*
 * A flow that keeps coming: its decision is logged with its RECVD_PKT_INV_SPI
 * line, once a minute, not with every report.
 */
static void
test_persistent_flow_logged_once_a_minute(void **state)
{
	const char *text;

	(void)state;
	for (int s = 0; s < 130; s++) {
		esp_through("10.9.9.9", 0xC0FFEE);
		clk_fake_advance_ms(&H.fake, 1000);
	}
	text = log_text();
	/* at 0 s, 60 s and 120 s */
	assert_int_equal(count(text, "%CRYPTO-4-RECVD_PKT_INV_SPI"), 3);
	assert_int_equal(count(text, "IKEV2_INVALID_SPI_RECOVERY: Invalid SPI recovery: peer "
				     "10.9.9.9"), 3);
}

/*
 * The flow's state is what was last done, with when: the first report is
 * logged and decided at once; 5 s later the decision is taken again (and
 * stamped) but not logged (once a minute), so logged_at stays.
 */
static void
test_flow_state_and_times(void **state)
{
	struct view_inv_spi f[2];
	struct timespec t0;

	(void)state;
	esp_through("10.9.9.9", 0xC0FFEE);
	assert_int_equal(inv_spi_list(ctrl_inv_spi(C), f, 2), 1);
	t0 = f[0].first_seen;
	assert_int_equal(f[0].state, INV_SPI_DECIDED);
	assert_int_equal(f[0].decision, RECOVERY_NOT_PEER);
	assert_int_equal(f[0].logged_at.tv_sec, t0.tv_sec);
	assert_int_equal(f[0].decided_at.tv_sec, t0.tv_sec);
	assert_int_equal(f[0].state_at.tv_sec, t0.tv_sec);
	clk_fake_advance_ms(&H.fake, 5000);
	esp_through("10.9.9.9", 0xC0FFEE);
	assert_int_equal(inv_spi_list(ctrl_inv_spi(C), f, 2), 1);
	assert_int_equal(f[0].state, INV_SPI_DECIDED);
	assert_int_equal(f[0].logged_at.tv_sec, t0.tv_sec);
	assert_int_equal(f[0].decided_at.tv_sec, t0.tv_sec + 5);
	assert_int_equal(f[0].state_at.tv_sec, t0.tv_sec + 5);
	assert_int_equal(f[0].last_seen.tv_sec, t0.tv_sec + 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spoofed_flood_log_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistent_flow_logged_once_a_minute, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flow_state_and_times, setup, teardown),
	};

	return harness_eal_init() != 0 ? 1 : cmocka_run_group_tests(tests, NULL, NULL);
}
