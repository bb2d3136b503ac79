/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Selectors from crypto-map lines and the responder's narrowing
 * (src/ike/ts.c, RFC 7296 sections 2.9, 3.13.1) with both address families:
 * an IPv4 entry never takes an IPv6 range (a proposal with nothing IPv4 in it
 * leaves nothing, TS_UNACCEPTABLE; a mixed one keeps its IPv4 part), an IPv6
 * entry offers TS_IPV6_ADDR_RANGE (type 8) and never takes an IPv4 range,
 * and a range whose start is above its end is never chosen.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_engine.h"

/* permit 10.0.2.0/24 -> 10.0.0.0/24, any protocol (addresses in network order) */
static struct cfg_acl line = {.src = {.addr = 0x0002000a, .len = 24},
			      .dst = {.addr = 0x0000000a, .len = 24},
			      .sport = {0, 65535}, .dport = {0, 65535},
			      .action = CFG_ACL_PERMIT};
static const struct cfg_map_entry entry = {.seq = 10, .match = &line, .n_match = 1};

static struct ike_ts
v4(uint8_t c, uint8_t first, uint8_t last)
{
	struct ike_ts t = {.type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535,
			   .start = {10, 0, c, first}, .end = {10, 0, c, last}};

	return t;
}

/* 2001:db8:N::/48 */
static struct ike_ts
v6(uint8_t n)
{
	struct ike_ts t = {.type = IKE_TS_IPV6_ADDR_RANGE, .end_port = 65535,
			   .start = {0x20, 0x01, 0x0d, 0xb8, 0, n},
			   .end = {0x20, 0x01, 0x0d, 0xb8, 0, n}};

	memset(t.end + 6, 0xff, 10);
	return t;
}

static void
ipv6_only_refused(void **state)
{
	struct ike_ts_pl peer_local = {.n = 1, .ts = {v6(0)}}, peer_remote = {.n = 1, .ts = {v6(2)}};
	struct ts_set local, remote;

	(void)state;
	assert_int_equal(ts_narrow(&entry, &peer_local, &peer_remote, &local, &remote), -ENOENT);
	assert_int_equal(local.n + remote.n, 0);
}

static void
mixed_keeps_ipv4(void **state)
{
	struct ike_ts_pl peer_local = {.n = 2, .ts = {v6(0), v4(0, 0, 255)}};
	struct ike_ts_pl peer_remote = {.n = 2, .ts = {v4(2, 0, 127), v6(2)}};
	struct ts_set local, remote;

	(void)state;
	assert_int_equal(ts_narrow(&entry, &peer_local, &peer_remote, &local, &remote), 0);
	assert_int_equal(local.n, 1);
	assert_int_equal(remote.n, 1);
	/* ours narrowed to what the peer asked (10.0.2.0/25), theirs the ACL's /24 */
	assert_int_equal(local.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);
	assert_memory_equal(local.ts[0].start, ((uint8_t[]){10, 0, 2, 0}), 4);
	assert_memory_equal(local.ts[0].end, ((uint8_t[]){10, 0, 2, 127}), 4);
	assert_int_equal(remote.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);
	assert_memory_equal(remote.ts[0].start, ((uint8_t[]){10, 0, 0, 0}), 4);
	assert_memory_equal(remote.ts[0].end, ((uint8_t[]){10, 0, 0, 255}), 4);
}

/* permit 2001:db8:2::/48 -> 2001:db8:0::/48, any protocol */
static struct cfg_acl line6 = {.v6 = true, .src6 = {.addr = {0x20, 0x01, 0x0d, 0xb8, 0, 2}, .len = 48},
			       .dst6 = {.addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0}, .len = 48},
			       .sport = {0, 65535}, .dport = {0, 65535},
			       .action = CFG_ACL_PERMIT};
static const struct cfg_map_entry entry6 = {.seq = 20, .match = &line6, .n_match = 1,
					    .inner_v6 = true};

/*
 * An IPv6 line's IPv4 fields are zero, 0.0.0.0/0: read as IPv4 it would offer
 * and accept everything. Neither offering nor narrowing may take an IPv4 range for it.
 */
static void
ipv6_line_takes_no_ipv4(void **state)
{
	struct ike_ts_pl peer_local = {.n = 1, .ts = {v4(0, 0, 255)}};
	struct ike_ts_pl peer_remote = {.n = 1, .ts = {v4(2, 0, 255)}};
	struct ts_set local, remote;

	(void)state;
	assert_int_equal(ts_narrow(&entry6, &peer_local, &peer_remote, &local, &remote), -ENOENT);
	assert_int_equal(local.n + remote.n, 0);
}

/* The line as type 8 ranges: /48 start is the prefix, end the prefix and 80 one bits. */
static void
ipv6_line_offered(void **state)
{
	struct ts_set local, remote;
	struct ike_ts want_l = v6(2), want_r = v6(0);

	(void)state;
	assert_int_equal(ts_from_entry(&entry6, &local, &remote), 0);
	assert_int_equal(local.n, 1);
	assert_int_equal(remote.n, 1);
	assert_int_equal(local.ts[0].type, IKE_TS_IPV6_ADDR_RANGE);
	assert_memory_equal(local.ts[0].start, want_l.start, 16);
	assert_memory_equal(local.ts[0].end, want_l.end, 16);
	assert_int_equal(local.ts[0].end_port, 65535);
	assert_memory_equal(remote.ts[0].start, want_r.start, 16);
	assert_memory_equal(remote.ts[0].end, want_r.end, 16);
}

/* A prefix length that is not a multiple of 8: 2001:db8:2::/47 ends at 2001:db8:3:ffff:... */
static void
ipv6_odd_prefix(void **state)
{
	struct cfg_acl l = line6;
	const struct cfg_map_entry e = {.seq = 30, .match = &l, .n_match = 1, .inner_v6 = true};
	struct ts_set local, remote;

	(void)state;
	l.src6.len = 47;
	assert_int_equal(ts_from_entry(&e, &local, &remote), 0);
	assert_int_equal(local.ts[0].end[5], 3);
	assert_int_equal(local.ts[0].end[6], 0xff);
	assert_int_equal(local.ts[0].start[5], 2);
}

/* The peer asks for a /64 inside our /48 (and an IPv4 range): it gets the /64, IPv6 only. */
static void
ipv6_narrowed(void **state)
{
	struct ike_ts half = v6(2);
	struct ike_ts_pl peer_local = {.n = 2, .ts = {v4(0, 0, 255), v6(0)}};
	struct ike_ts_pl peer_remote = {.n = 1};
	struct ts_set local, remote;

	(void)state;
	memset(half.end + 6, 0, 2);	/* 2001:db8:2::/64 */
	peer_remote.ts[0] = half;
	assert_int_equal(ts_narrow(&entry6, &peer_local, &peer_remote, &local, &remote), 0);
	assert_int_equal(local.n, 1);
	assert_int_equal(remote.n, 1);
	assert_int_equal(local.ts[0].type, IKE_TS_IPV6_ADDR_RANGE);
	assert_memory_equal(local.ts[0].end, half.end, 16);
	assert_int_equal(remote.ts[0].type, IKE_TS_IPV6_ADDR_RANGE);
}

/* start > end is an empty range: never narrowed to, never accepted as an answer. */
static void
ipv6_start_above_end(void **state)
{
	struct ike_ts bad = v6(2);
	struct ike_ts_pl peer_local = {.n = 1, .ts = {v6(0)}};
	struct ike_ts_pl peer_remote = {.n = 1};
	struct ts_set local, remote;

	(void)state;
	bad.start[15] = 9;
	memset(bad.end + 6, 0, 10);	/* start 2001:db8:2::9, end 2001:db8:2:: */
	peer_remote.ts[0] = bad;
	assert_int_equal(ts_narrow(&entry6, &peer_local, &peer_remote, &local, &remote), -ENOENT);
	/* as the initiator: an answer with it is not inside what we proposed */
	assert_int_equal(ts_from_entry(&entry6, &local, &remote), 0);
	assert_false(ts_within(&peer_remote, &local));
	peer_remote.ts[0] = v6(2);
	assert_true(ts_within(&peer_remote, &local));
	/* an IPv4 answer to an IPv6 proposal is not inside it either */
	peer_remote.ts[0] = v4(2, 0, 255);
	assert_false(ts_within(&peer_remote, &local));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_only_refused),
		cmocka_unit_test(mixed_keeps_ipv4),
		cmocka_unit_test(ipv6_line_takes_no_ipv4),
		cmocka_unit_test(ipv6_line_offered),
		cmocka_unit_test(ipv6_odd_prefix),
		cmocka_unit_test(ipv6_narrowed),
		cmocka_unit_test(ipv6_start_above_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
