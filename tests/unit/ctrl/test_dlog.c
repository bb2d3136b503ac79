/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's log: the exact IOS lines (golden strings, the seed's
 * own example first), the rate limits against a fake clock, the "show
 * logging" ring buffer, and syslog on. Runs with TZ=UTC so the stamps are
 * fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dlog.h"

/* 2025-09-02 13:27:57 UTC: the seed's "Sep  2 13:27:57.707". */
#define SEED_SEC 1756819677
#define BIG_BUF (1u << 20)

struct fixture {
	struct clk_fake fc;
	struct clk clk;
	struct dlog *d;
	char buf[BIG_BUF];
};

static struct cfg_logging
defaults(void)
{
	return (struct cfg_logging){.buffer = 65536,
				    .syslog = false,
				    .invalid_spi_interval = 60,
				    .replay_interval = 30,
				    .mac_interval = 30,
				    .rate = 20};
}

static struct fixture *
setup_with(const struct cfg_logging *cfg)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const struct timespec seed = {SEED_SEC, 707000000};

	assert_non_null(f);
	clk_fake_init(&f->clk, &f->fc, &seed);
	f->d = dlog_create(cfg, &f->clk);
	assert_non_null(f->d);
	return f;
}

static void
teardown_fixture(struct fixture *f)
{
	dlog_destroy(f->d);
	free(f);
}

/* The whole buffer as one string. */
static const char *
contents(struct fixture *f)
{
	size_t n = dlog_read(f->d, f->buf, sizeof(f->buf), NULL);

	assert_true(n < sizeof(f->buf));
	return f->buf;
}

/* The newest line, without its '\n', into out. */
static const char *
last_line(struct fixture *f, char *out, size_t cap)
{
	const char *all = contents(f);
	size_t n = strlen(all);
	const char *start;

	assert_true(n > 0 && all[n - 1] == '\n');
	start = all + n - 1;
	while (start > all && start[-1] != '\n')
		start--;
	assert_true((size_t)(all + n - 1 - start) < cap);
	memcpy(out, start, (size_t)(all + n - 1 - start));
	out[all + n - 1 - start] = '\0';
	return out;
}

static const uint8_t v4_a[4] = {10, 10, 1, 2}, v4_b[4] = {10, 1, 1, 1};
/* 2001:db8::2 and 2001:db8:0:1::1 */
static const uint8_t v6_a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
static const uint8_t v6_b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 1};

/* --- golden formatting --- */

static void
test_seed_example(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);

	(void)state;
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	assert_string_equal(contents(f),
			    "Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			    "packet has invalid spi for destaddr=10.10.1.2, prot=50, "
			    "spi=0xB761863E(3076621886), srcaddr=10.1.1.1\n");
	teardown_fixture(f);
}

static void
test_format_inv_spi(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	char line[512];

	(void)state;
	/* AH, a short SPI (no leading zeros), a two-digit day, milliseconds padded. */
	f->fc.wall = (struct timespec){1766653503, 4999999};	/* 2025-12-25 09:05:03.004 */
	assert_true(dlog_inv_spi(f->d, false, v4_b, 51, 0x100, v4_a));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Dec 25 09:05:03.004: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			    "packet has invalid spi for destaddr=10.1.1.1, prot=51, "
			    "spi=0x100(256), srcaddr=10.10.1.2");
	/* IPv6, ESP. */
	assert_true(dlog_inv_spi(f->d, true, v6_a, 50, 0xFFFFFFFF, v6_b));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Dec 25 09:05:03.004: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			    "packet has invalid spi for destaddr=2001:db8::2, prot=50, "
			    "spi=0xFFFFFFFF(4294967295), srcaddr=2001:db8:0:1::1");
	/* IPv6, AH. */
	assert_true(dlog_inv_spi(f->d, true, v6_b, 51, 0xA, v6_a));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Dec 25 09:05:03.004: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			    "packet has invalid spi for destaddr=2001:db8:0:1::1, prot=51, "
			    "spi=0xA(10), srcaddr=2001:db8::2");
	teardown_fixture(f);
}

static void
test_format_replay(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	char line[512];

	(void)state;
	assert_true(dlog_replay_error(f->d, 349, false, v4_b, v4_a, 0x50A0FB1C));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %IPSEC-3-REPLAY_ERROR: IPSec SA receives "
			    "anti-replay error, DP Handle 349, src_addr 10.1.1.1, dest_addr "
			    "10.10.1.2, SPI 0x50A0FB1C");
	assert_true(dlog_replay_error(f->d, 0, true, v6_b, v6_a, 0));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %IPSEC-3-REPLAY_ERROR: IPSec SA receives "
			    "anti-replay error, DP Handle 0, src_addr 2001:db8:0:1::1, dest_addr "
			    "2001:db8::2, SPI 0x0");
	teardown_fixture(f);
}

static void
test_format_mac(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	char line[512];

	(void)state;
	/* Tech note 116085's numbers. */
	assert_true(dlog_mac_error(f->d, 2989, false, v4_a, v4_b, 0x999CD43B, 0x71328));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_MAC_ERR: decrypt: mac verify "
			    "failed for connection id=2989 local=10.10.1.2 remote=10.1.1.1 "
			    "spi=999CD43B seqno=00071328");
	/* ESN: only the low 32 bits of the 64-bit sequence number; 8 digits each. */
	assert_true(dlog_mac_error(f->d, 7, true, v6_a, v6_b, 0x1000, 0x100000005ull));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_MAC_ERR: decrypt: mac verify "
			    "failed for connection id=7 local=2001:db8::2 remote=2001:db8:0:1::1 "
			    "spi=00001000 seqno=00000005");
	teardown_fixture(f);
}

/* RFC 5952 sections 4 and 5, through the destaddr of an INV_SPI line. */
static void
test_format_ipv6_rfc5952(void **state)
{
	static const struct {
		uint8_t a[16];
		const char *text;
	} cases[] = {
		{{0}, "::"},
		{{[15] = 1}, "::1"},
		{{0x20, 0x01, 0x0d, 0xb8, [15] = 1}, "2001:db8::1"},
		/* 4.2.2: one zero field is not "::" */
		{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
		 "2001:db8:0:1:1:1:1:1"},
		/* 4.2.3: the longest run */
		{{0x20, 0x01, 0, 0, 0, 0, 0, 1, [15] = 1}, "2001:0:0:1::1"},
		/* 4.2.3: of equal runs, the first */
		{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, "2001:db8::1:0:0:1"},
		/* 4.3: lowercase; 4.1: no leading zeros */
		{{0x20, 0x01, 0x0d, 0xb8, [12] = 0x0a, 0xbc, 0x00, 0x0f}, "2001:db8::abc:f"},
		{{0xfe, 0x80}, "fe80::"},
		{{0xfe, 0x80, [8] = 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55},
		 "fe80::211:22ff:fe33:4455"},
		/* 5: IPv4-mapped in mixed notation */
		{{[10] = 0xff, 0xff, 192, 0, 2, 1}, "::ffff:192.0.2.1"},
		{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff},
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
	};
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	char line[512], want[128];

	(void)state;
	cfg.rate = 10000;
	f = setup_with(&cfg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(dlog_inv_spi(f->d, true, cases[i].a, 50, (uint32_t)(0x1000 + i), v6_a));
		snprintf(want, sizeof(want), "destaddr=%s, prot=50", cases[i].text);
		if (strstr(last_line(f, line, sizeof(line)), want) == NULL)
			fail_msg("case %zu: want '%s' in\n  %s", i, want, line);
	}
	teardown_fixture(f);
}

static void
test_msg(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	char line[DLOG_LINE_MAX + 1], big[2 * DLOG_LINE_MAX];

	(void)state;
	dlog_msg(f->d, 5, "DPSEC-5-STARTED", "dpsecd %s started, %u workers", "0.1.0", 2u);
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %DPSEC-5-STARTED: dpsecd 0.1.0 started, "
			    "2 workers");
	dlog_msg(f->d, 6, "CRYPTO-6-ISAKMP_ON_OFF", "ISAKMP is %s", "ON");
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %CRYPTO-6-ISAKMP_ON_OFF: ISAKMP is ON");
	/* One message, one line: a newline in the text does not start another. */
	dlog_msg(f->d, 99, "DPSEC-7-DEBUG", "a\nb\tc\x7f");
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:27:57.707: %DPSEC-7-DEBUG: a?b?c?");
	/* Longer than a line: cut, still one '\n'-terminated line. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dlog_msg(f->d, -1, "DPSEC-0-LONG", "%s", big);
	assert_int_equal(strlen(last_line(f, line, sizeof(line))), DLOG_LINE_MAX - 1);
	assert_int_equal(strncmp(line, "Sep  2 13:27:57.707: %DPSEC-0-LONG: xxx", 39), 0);
	teardown_fixture(f);
}

/* --- rate limits --- */

static void
test_inv_spi_once_a_minute(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	uint64_t logged, suppressed;
	char line[512];

	(void)state;
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	for (int i = 0; i < 100; i++)
		assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	clk_fake_advance_ms(&f->fc, 59999);
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	clk_fake_advance_ms(&f->fc, 1);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	assert_string_equal(last_line(f, line, sizeof(line)),
			    "Sep  2 13:28:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			    "packet has invalid spi for destaddr=10.10.1.2, prot=50, "
			    "spi=0xB761863E(3076621886), srcaddr=10.1.1.1");
	/* The interval restarts at the second line, not at the first. */
	clk_fake_advance_ms(&f->fc, 59999);
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));
	clk_fake_advance_ms(&f->fc, 1);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xB761863E, v4_b));

	dlog_inv_spi_counts(f->d, &logged, &suppressed);
	assert_int_equal(logged, 3);
	assert_int_equal(suppressed, 102);
	teardown_fixture(f);
}

/* A flow is (src, dst, SPI, protocol, address family): changing any one makes another flow. */
static void
test_flows_independent(void **state)
{
	static const uint8_t v4_c[4] = {10, 1, 1, 9};
	/* IPv6 addresses whose first four bytes are v4_a / v4_b. */
	static const uint8_t v6_a4[16] = {10, 10, 1, 2}, v6_b4[16] = {10, 1, 1, 1};
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	struct view_log_stats st;
	uint64_t logged, suppressed;

	(void)state;
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, v4_b));
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0x1001, v4_b));	/* SPI */
	assert_true(dlog_inv_spi(f->d, false, v4_a, 51, 0x1000, v4_b));	/* protocol */
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, v4_c));	/* source */
	assert_true(dlog_inv_spi(f->d, false, v4_c, 50, 0x1000, v4_b));	/* destination */
	assert_true(dlog_inv_spi(f->d, true, v6_a4, 50, 0x1000, v6_b4));	/* family */
	/* Each is now held back on its own. */
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, v4_b));
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0x1001, v4_b));
	assert_false(dlog_inv_spi(f->d, false, v4_a, 51, 0x1000, v4_b));
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, v4_c));
	assert_false(dlog_inv_spi(f->d, false, v4_c, 50, 0x1000, v4_b));
	assert_false(dlog_inv_spi(f->d, true, v6_a4, 50, 0x1000, v6_b4));
	/* A flow first seen later has its own minute. */
	clk_fake_advance_ms(&f->fc, 30000);
	assert_true(dlog_inv_spi(f->d, false, v4_c, 51, 0x1000, v4_c));
	clk_fake_advance_ms(&f->fc, 30000);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, v4_b));
	assert_false(dlog_inv_spi(f->d, false, v4_c, 51, 0x1000, v4_c));

	dlog_inv_spi_counts(f->d, &logged, &suppressed);
	assert_int_equal(logged, 8);
	assert_int_equal(suppressed, 7);
	dlog_read(f->d, f->buf, sizeof(f->buf), &st);
	assert_int_equal(st.logged, 8);
	assert_int_equal(st.rate_limited, 7);
	teardown_fixture(f);
}

static void
flow_addr(uint32_t i, uint8_t src[4])
{
	src[0] = 198;
	src[1] = (uint8_t)(i >> 16);
	src[2] = (uint8_t)(i >> 8);
	src[3] = (uint8_t)i;
}

/* A flood of random sources and SPIs: exactly `rate` lines, everything else counted. */
static void
test_global_cap_flood(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	struct view_log_stats st;
	uint64_t logged, suppressed;
	uint32_t got = 0;
	uint8_t src[4];

	(void)state;
	for (uint32_t i = 0; i < 10000; i++) {
		flow_addr(i, src);
		got += dlog_inv_spi(f->d, false, v4_a, 50, 0x80000000u + i * 7919u, src);
	}
	assert_int_equal(got, 20);
	dlog_inv_spi_counts(f->d, &logged, &suppressed);
	assert_int_equal(logged, 20);
	assert_int_equal(suppressed, 9980);
	/* The other kinds share the bucket. */
	assert_false(dlog_replay_error(f->d, 1, false, v4_b, v4_a, 0x1000));
	assert_false(dlog_mac_error(f->d, 1, false, v4_a, v4_b, 0x1000, 1));
	/* Operator messages do not take from it and are never held back. */
	dlog_msg(f->d, 5, "DPSEC-5-TEST", "still here");
	dlog_read(f->d, f->buf, sizeof(f->buf), &st);
	assert_int_equal(st.logged, 21);
	assert_int_equal(st.rate_limited, 9982);

	/*
	 * Then a flood at one new flow a millisecond for 10 s: the bucket was
	 * refilled by the idle second (20 tokens) and gains one token every 50 ms,
	 * 20 + floor(9999 * 20 / 1000) = 219 lines.
	 */
	clk_fake_advance_ms(&f->fc, 1000);
	got = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		flow_addr(100000 + i, src);
		got += dlog_inv_spi(f->d, false, v4_a, 50, 0x1000, src);
		clk_fake_advance_ms(&f->fc, 1);
	}
	assert_int_equal(got, 219);
	dlog_inv_spi_counts(f->d, &logged, &suppressed);
	assert_int_equal(logged, 239);
	assert_int_equal(suppressed, 9980 + 10000 - 219);
	teardown_fixture(f);
}

/* A flow the bucket held back did not log, so its interval has not started. */
static void
test_cap_does_not_start_interval(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	uint8_t src[4];

	(void)state;
	cfg.rate = 1;
	f = setup_with(&cfg);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 1, v4_b));
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 2, v4_b));	/* bucket empty */
	clk_fake_advance_ms(&f->fc, 999);
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 2, v4_b));
	clk_fake_advance_ms(&f->fc, 1);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 2, v4_b));
	/* A held-back flow takes no token: flow 1 repeating does not starve flow 3. */
	clk_fake_advance_ms(&f->fc, 1000);
	for (int i = 0; i < 50; i++)
		assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 1, v4_b));
	flow_addr(3, src);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 3, src));
	teardown_fixture(f);
}

static void
test_replay_and_mac_per_sa(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	uint64_t logged, suppressed;
	struct view_log_stats st;

	(void)state;
	cfg.mac_interval = 10;
	f = setup_with(&cfg);
	assert_true(dlog_replay_error(f->d, 1, false, v4_b, v4_a, 0x1000));
	/* Per SA: another packet, even with other addresses, is the same SA. */
	assert_false(dlog_replay_error(f->d, 1, false, v4_a, v4_b, 0x1000));
	assert_true(dlog_replay_error(f->d, 2, false, v4_b, v4_a, 0x2000));
	/* MAC errors are limited on their own, with their own interval. */
	assert_true(dlog_mac_error(f->d, 1, false, v4_a, v4_b, 0x1000, 5));
	assert_false(dlog_mac_error(f->d, 1, false, v4_a, v4_b, 0x1000, 6));
	assert_true(dlog_mac_error(f->d, 2, true, v6_a, v6_b, 0x2000, 5));

	clk_fake_advance_ms(&f->fc, 9999);
	assert_false(dlog_mac_error(f->d, 1, false, v4_a, v4_b, 0x1000, 7));
	clk_fake_advance_ms(&f->fc, 1);
	assert_true(dlog_mac_error(f->d, 1, false, v4_a, v4_b, 0x1000, 8));
	assert_false(dlog_replay_error(f->d, 1, false, v4_b, v4_a, 0x1000));
	clk_fake_advance_ms(&f->fc, 19999);
	assert_false(dlog_replay_error(f->d, 1, false, v4_b, v4_a, 0x1000));
	clk_fake_advance_ms(&f->fc, 1);
	assert_true(dlog_replay_error(f->d, 1, false, v4_b, v4_a, 0x1000));
	assert_true(dlog_replay_error(f->d, 2, false, v4_b, v4_a, 0x2000));

	dlog_kind_counts(f->d, DLOG_REPLAY, &logged, &suppressed);
	assert_int_equal(logged, 4);
	assert_int_equal(suppressed, 3);
	dlog_kind_counts(f->d, DLOG_MAC, &logged, &suppressed);
	assert_int_equal(logged, 3);
	assert_int_equal(suppressed, 2);
	dlog_inv_spi_counts(f->d, &logged, &suppressed);
	assert_int_equal(logged + suppressed, 0);
	dlog_read(f->d, f->buf, sizeof(f->buf), &st);
	assert_int_equal(st.logged, 7);
	assert_int_equal(st.rate_limited, 5);
	teardown_fixture(f);
}

/*
 * The per-flow table is bounded: after far more than DLOG_TABLE_SIZE flows
 * logged within the interval, the first one has been forgotten and logs again
 * early (the documented trade-off); a recent one is still held back.
 */
static void
test_table_bounded(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	uint8_t src[4];

	(void)state;
	cfg.rate = 10000;
	cfg.invalid_spi_interval = 3600;
	cfg.buffer = 4096;
	f = setup_with(&cfg);
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xAAAA, v4_b));
	for (uint32_t s = 0; s < 8; s++) {
		clk_fake_advance_ms(&f->fc, 1000);
		for (uint32_t i = 0; i < DLOG_TABLE_SIZE; i++) {
			flow_addr(s * DLOG_TABLE_SIZE + i, src);
			assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xBBBB, src));
		}
	}
	assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0xAAAA, v4_b));
	/*
	 * What goes is the least recently logged entry of a set: the last 256
	 * flows (about half a flow per set came after each of them, never the
	 * 8 it takes to push one out) are all still remembered.
	 */
	for (uint32_t i = 8 * DLOG_TABLE_SIZE - 256; i < 8 * DLOG_TABLE_SIZE; i++) {
		flow_addr(i, src);
		assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0xBBBB, src));
	}
	teardown_fixture(f);
}

/* --- the buffer --- */

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Lines of equal length: the ring keeps floor(size / length) of them, the newest. */
static void
test_buffer_wrap_equal_lines(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	struct view_log_stats st;
	char want[512];
	size_t len, keep, n;
	const uint32_t total = 100;

	(void)state;
	cfg.buffer = 4096;
	cfg.rate = 10000;
	f = setup_with(&cfg);
	for (uint32_t i = 0; i < total; i++)
		assert_true(dlog_inv_spi(f->d, false, v4_a, 50, 0x10000000u + i, v4_b));
	n = dlog_read(f->d, f->buf, sizeof(f->buf), &st);
	len = strchr(f->buf, '\n') - f->buf + 1;
	keep = 4096 / len;
	assert_int_equal(n, keep * len);
	assert_int_equal(count_lines(f->buf), keep);
	assert_int_equal(st.logged, total);
	assert_int_equal(st.overwritten, total - keep);
	assert_int_equal(st.buffer_size, 4096);
	assert_false(st.syslog);
	/* Oldest first, and the oldest kept is total - keep. */
	for (size_t k = 0; k < keep; k++) {
		uint32_t spi = 0x10000000u + (uint32_t)(total - keep + k);

		snprintf(want, sizeof(want),
			 "Sep  2 13:27:57.707: %%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
			 "packet has invalid spi for destaddr=10.10.1.2, prot=50, spi=0x%X(%u), "
			 "srcaddr=10.1.1.1\n",
			 spi, spi);
		assert_int_equal(strlen(want), len);
		assert_memory_equal(f->buf + k * len, want, len);
	}
	teardown_fixture(f);
}

/*
 * Lines of varying length, so they wrap across the end of the ring at every
 * offset: after each line the buffer holds exactly the longest run of newest
 * lines that fits, and the rest are counted as overwritten.
 */
static void
test_buffer_wrap_model(void **state)
{
	enum { N = 400, SIZE = 4099 };
	static char lines[N][DLOG_LINE_MAX];
	static char want[SIZE + 1];
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	struct view_log_stats st;
	uint32_t rnd = 12345;
	char ys[400];

	(void)state;
	memset(ys, 'y', sizeof(ys));
	cfg.buffer = SIZE;
	f = setup_with(&cfg);
	for (int i = 0; i < N; i++) {
		size_t have = 0;
		int first = i + 1;
		int pad;

		rnd = rnd * 1103515245u + 12345u;
		pad = (int)((rnd >> 16) % 400);
		dlog_msg(f->d, 6, "DPSEC-6-T", "%d %.*s", i, pad, ys);
		snprintf(lines[i], sizeof(lines[i]), "%s%%DPSEC-6-T: %d %.*s\n",
			 "Sep  2 13:27:57.707: ", i, pad, ys);
		/* The model: the longest suffix of lines[0..i] that fits in SIZE bytes. */
		while (first > 0 && have + strlen(lines[first - 1]) <= SIZE)
			have += strlen(lines[--first]);
		want[0] = '\0';
		for (int k = first; k <= i; k++)
			strcat(want, lines[k]);
		dlog_read(f->d, f->buf, sizeof(f->buf), &st);
		if (strcmp(f->buf, want) != 0)
			fail_msg("after line %d: buffer differs from the model", i);
		assert_int_equal(st.overwritten, (uint64_t)first);
		assert_int_equal(st.logged, (uint64_t)i + 1);
	}
	teardown_fixture(f);
}

/* dlog_read with a small cap: the newest whole lines that fit, never a part of one. */
static void
test_read_small_cap(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f = setup_with(&cfg);
	char small[256];
	size_t n;

	(void)state;
	/* 35, 36 and 36 bytes with the stamp and the '\n' */
	dlog_msg(f->d, 6, "T-6-A", "first");
	dlog_msg(f->d, 6, "T-6-B", "second");
	dlog_msg(f->d, 6, "T-6-C", "third!");
	assert_int_equal(dlog_read(f->d, small, sizeof(small), NULL), 35 + 36 + 36);

	memset(small, 'Z', sizeof(small));
	n = dlog_read(f->d, small, 35 + 36 + 36 - 1, NULL);	/* one byte short of all */
	assert_int_equal(n, 72);
	assert_memory_equal(small,
			    "Sep  2 13:27:57.707: %T-6-B: second\n"
			    "Sep  2 13:27:57.707: %T-6-C: third!\n",
			    72);
	assert_int_equal(small[72], '\0');

	memset(small, 'Z', sizeof(small));
	n = dlog_read(f->d, small, 72, NULL);	/* exactly two lines: no room for a NUL */
	assert_int_equal(n, 72);
	assert_int_equal(small[72], 'Z');
	n = dlog_read(f->d, small, 71, NULL);
	assert_int_equal(n, 36);
	assert_memory_equal(small, "Sep  2 13:27:57.707: %T-6-C: third!\n", 36);
	memset(small, 'Z', sizeof(small));
	assert_int_equal(dlog_read(f->d, small, 35, NULL), 0);	/* not even the newest fits */
	assert_int_equal(small[0], '\0');
	memset(small, 'Z', sizeof(small));
	assert_int_equal(dlog_read(f->d, small, 0, NULL), 0);
	assert_int_equal(small[0], 'Z');	/* cap 0: nothing written at all */
	teardown_fixture(f);
}

static void
test_clear(void **state)
{
	struct cfg_logging cfg = defaults();
	struct fixture *f;
	struct view_log_stats st;
	uint32_t spi = 0x100;

	(void)state;
	cfg.buffer = 4096;
	cfg.rate = 10000;
	f = setup_with(&cfg);
	/* Wrap first, so the clear happens with the oldest line mid-buffer. */
	do {
		assert_true(dlog_inv_spi(f->d, false, v4_a, 50, spi++, v4_b));
		dlog_read(f->d, f->buf, sizeof(f->buf), &st);
	} while (st.overwritten < 3);
	dlog_clear(f->d);
	assert_int_equal(dlog_read(f->d, f->buf, sizeof(f->buf), &st), 0);
	assert_string_equal(f->buf, "");
	assert_int_equal(st.overwritten, 3);	/* counters are not reset */
	assert_int_equal(st.logged, spi - 0x100);
	/* Rate-limit state is not reset either: clearing the log does not re-log flows. */
	assert_false(dlog_inv_spi(f->d, false, v4_a, 50, 0x100, v4_b));
	dlog_msg(f->d, 6, "T-6-A", "after");
	assert_string_equal(contents(f), "Sep  2 13:27:57.707: %T-6-A: after\n");
	teardown_fixture(f);
}

/* --- syslog and the real clocks --- */

static void
test_syslog_on(void **state)
{
	struct cfg_logging cfg = defaults();
	struct view_log_stats st;
	char buf[4096];

	(void)state;
	cfg.syslog = true;
	/*
	 * Twice: openlog/closelog pair up. No syslog daemon is needed; without
	 * one, libc drops the records.
	 */
	for (int i = 0; i < 2; i++) {
		struct dlog *d = dlog_create(&cfg, NULL);	/* the real clocks */

		assert_non_null(d);
		assert_true(dlog_inv_spi(d, false, v4_a, 50, 0xB761863E, v4_b));
		assert_true(dlog_replay_error(d, 1, false, v4_b, v4_a, 0x1000));
		assert_true(dlog_mac_error(d, 1, true, v6_a, v6_b, 0x1000, 1));
		dlog_msg(d, 5, "DPSEC-5-TEST", "syslog test %d (ignore)", i);
		assert_false(dlog_inv_spi(d, false, v4_a, 50, 0xB761863E, v4_b));
		assert_true(dlog_read(d, buf, sizeof(buf), &st) > 0);
		assert_true(st.syslog);
		assert_int_equal(st.logged, 4);
		assert_int_equal(count_lines(buf), 4);
		/* "Mon dd hh:mm:ss.mmm: %" from the real wall clock. */
		assert_int_equal(buf[3], ' ');
		assert_int_equal(buf[6], ' ');
		assert_int_equal(buf[15], '.');
		assert_memory_equal(buf + 19, ": %CRYPTO-4-RECVD_PKT_INV_SPI: ", 31);
		dlog_destroy(d);
	}
	dlog_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_example),
		cmocka_unit_test(test_format_inv_spi),
		cmocka_unit_test(test_format_replay),
		cmocka_unit_test(test_format_mac),
		cmocka_unit_test(test_format_ipv6_rfc5952),
		cmocka_unit_test(test_msg),
		cmocka_unit_test(test_inv_spi_once_a_minute),
		cmocka_unit_test(test_flows_independent),
		cmocka_unit_test(test_global_cap_flood),
		cmocka_unit_test(test_cap_does_not_start_interval),
		cmocka_unit_test(test_replay_and_mac_per_sa),
		cmocka_unit_test(test_table_bounded),
		cmocka_unit_test(test_buffer_wrap_equal_lines),
		cmocka_unit_test(test_buffer_wrap_model),
		cmocka_unit_test(test_read_small_cap),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_syslog_on),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
