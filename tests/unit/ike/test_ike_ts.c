/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's narrowing (src/ike/ts.c, RFC 7296 section 2.9) against
 * selectors of both address families: the crypto maps are IPv4 until issue
 * 10, so an IPv6 range a peer proposes is never chosen. A proposal with
 * nothing IPv4 in it leaves nothing (TS_UNACCEPTABLE); a mixed one keeps its
 * IPv4 part only. docs/CONFIG.md ("IPv6: what is accepted") says so.
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

/*
 * An IPv6 line's IPv4 fields are zero, 0.0.0.0/0: read as IPv4 it would offer
 * and accept everything. Neither offering nor narrowing may take it.
 */
static void
ipv6_line_never_taken(void **state)
{
	struct cfg_acl l6 = {.v6 = true, .sport = {0, 65535}, .dport = {0, 65535},
			     .action = CFG_ACL_PERMIT};
	const struct cfg_map_entry e6 = {.seq = 20, .match = &l6, .n_match = 1, .inner_v6 = true};
	struct ike_ts_pl peer_local = {.n = 1, .ts = {v4(0, 0, 255)}};
	struct ike_ts_pl peer_remote = {.n = 1, .ts = {v4(2, 0, 255)}};
	struct ts_set local, remote;

	(void)state;
	assert_int_equal(ts_narrow(&e6, &peer_local, &peer_remote, &local, &remote), -ENOENT);
	assert_int_equal(ts_from_entry(&e6, &local, &remote), -ENOENT);
	assert_int_equal(local.n + remote.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_only_refused),
		cmocka_unit_test(mixed_keeps_ipv4),
		cmocka_unit_test(ipv6_line_never_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
