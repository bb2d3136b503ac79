/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 over IPv6 (issue 10 item 2) on two engines (ike_pair.h, v6: gwA
 * 2001:db8::1, gwB 2001:db8::2 on out0):
 *
 *   - an IKE SA between IPv6 addresses, identities ID_IPV6_ADDR (type 5,
 *     the profile matching the peer's with an IPv6 address statement), NAT
 *     detection over 16-byte addresses finding no NAT, the CHILD_SA of an
 *     IPv4 entry installed as ESP over IPv6 (family AF_INET6, both IPv6
 *     endpoints, no UDP encapsulation) with IPv4 selectors;
 *   - IPv6 match lines over it: TS_IPV6_ADDR_RANGE both ways, the halves
 *     installed with no IPv4 selectors (the entry's IPv6 lines hold them);
 *   - IPv6 match lines inside an IPv4 IKE SA;
 *   - a NAT detected over IPv6 (gwA behind a port-translating NAT66): IKE
 *     moves to 4500 and the CHILD_SA is ESP-in-UDP over IPv6 (RFC 3948),
 *     each side's outbound half to the port the other is seen at;
 *   - INVALID_SPI to an IPv6 peer: the notify goes over IPv6 and the lost
 *     CHILD_SA comes back;
 *   - a restart: the initiator's new IKE SA over IPv6 carries INITIAL_CONTACT
 *     and the stale SAs go.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_pair.h"

static struct pair P;

static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static const struct pair_opts v6 = {.v6 = true};
/* gwA's side: IPv6 lines 2001:db8:a::/64 <-> 2001:db8:b::/64 (entry 0) */
static const uint8_t A_NET[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0a};
static const uint8_t A_NET_END64[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, 0, 0,
					0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t B_NET[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0b};
static const uint8_t B_NET_END80[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, 0, 0, 0, 0,
					0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const struct pair_opts v6_in6_a = {
	.v6 = true, .acl0 = "{src: \"2001:db8:a::/64\", dst: \"2001:db8:b::/64\"}"};
static const struct pair_opts v6_in6_b = {
	.v6 = true, .acl0 = "{src: \"2001:db8:b::/64\", dst: \"2001:db8:a::/64\"}"};
/* B protects only 2001:db8:b::/80 of A's 2001:db8:b::/64: it narrows A's offer (RFC 7296 2.9) */
static const struct pair_opts v6_narrow_b = {
	.v6 = true, .acl0 = "{src: \"2001:db8:b::/80\", dst: \"2001:db8:a::/64\"}"};
static const struct pair_opts v4_in6_a = {
	.acl0 = "{src: \"2001:db8:a::/64\", dst: \"2001:db8:b::/64\"}"};
static const struct pair_opts v4_in6_b = {
	.acl0 = "{src: \"2001:db8:b::/64\", dst: \"2001:db8:a::/64\"}"};

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

static unsigned int
live(const struct side *s)
{
	const struct fake_sa *x[PAIR_SAS];

	return pair_live(s, CFG_DIR_IN, x, PAIR_SAS) + pair_live(s, CFG_DIR_OUT, x, PAIR_SAS);
}

static const struct fake_sa *
live_one(const struct side *s, enum cfg_dir dir)
{
	const struct fake_sa *x[PAIR_SAS];

	assert_int_equal(pair_live(s, dir, x, PAIR_SAS), 1);
	return x[0];
}

/* Both halves of side i: ESP over IPv6 between its address and the peer's. */
static void
assert_esp6(int i)
{
	const uint8_t *me = i == 0 ? A6 : B6, *peer = i == 0 ? B6 : A6;

	for (int d = 0; d < 2; d++) {
		const struct fake_sa *h = live_one(&P.s[i], d == 0 ? CFG_DIR_IN : CFG_DIR_OUT);

		assert_int_equal(h->p.family, AF_INET6);
		assert_memory_equal(h->p.local6, me, 16);
		assert_memory_equal(h->p.peer6, peer, 16);
		assert_false(h->p.udp_encap);
		assert_int_equal(h->p.proto, IPPROTO_ESP);
	}
}

static void
test_up_over_ipv6(void **state)
{
	struct view_ike_sa v[2];
	const struct fake_sa *out;

	(void)state;
	pair_init(&P, &v6, &v6);
	pair_up(&P, 0, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ike_sa_list(P.s[i].ike, v, 2), 1);
		assert_int_equal(v[0].local.family, 6);
		assert_int_equal(v[0].remote.family, 6);
		assert_memory_equal(v[0].local.ip, i == 0 ? A6 : B6, 16);
		assert_memory_equal(v[0].remote.ip, i == 0 ? B6 : A6, 16);
		assert_int_equal(v[0].remote.port, 500);	/* no NAT: no move to 4500 */
		assert_false(v[0].nat_local);
		assert_false(v[0].nat_remote);
		/* ID_IPV6_ADDR both ways, shown as IPv6 text */
		assert_string_equal(v[0].local_id, i == 0 ? "2001:db8::1" : "2001:db8::2");
		assert_string_equal(v[0].remote_id, i == 0 ? "2001:db8::2" : "2001:db8::1");
		assert_string_equal(v[0].profile, "PROF");
		assert_esp6(i);
	}
	pair_assert_matching(&P);
	/* the entry's IPv4 lines travel as IPv4 selectors inside the IPv6 IKE SA */
	out = live_one(&P.s[0], CFG_DIR_OUT);
	assert_int_equal(out->p.n_ts_local, 1);
	assert_int_equal(out->p.ts_local[0].addr_start, 0x0a000000);
	assert_int_equal(out->p.ts_remote[0].addr_end, 0x0a0002ff);
}

static void
test_ipv6_selectors(void **state)
{
	const struct fake_sa *out;

	(void)state;
	pair_init(&P, &v6_in6_a, &v6_in6_b);
	pair_up(&P, 0, 0);
	assert_esp6(0);
	assert_esp6(1);
	pair_assert_matching(&P);
	/* type 8 selectors reach the dataplane as dp_ts6, none as dp_ts */
	out = live_one(&P.s[1], CFG_DIR_OUT);
	assert_int_equal(out->p.n_ts_local, 0);
	assert_int_equal(out->p.n_ts_remote, 0);
	assert_int_equal(out->p.n_ts6_local, 1);
	assert_int_equal(out->p.n_ts6_remote, 1);
	assert_memory_equal(out->p.ts6_local[0].addr_start, B_NET, 16);
	assert_memory_equal(out->p.ts6_remote[0].addr_start, A_NET, 16);
	assert_memory_equal(out->p.ts6_remote[0].addr_end, A_NET_END64, 16);
	assert_int_equal(out->p.ts6_remote[0].port_end, UINT16_MAX);
}

/*
 * B narrows A's IPv6 offer (its line is b::/80 of A's b::/64): A's outbound
 * SA is installed with the narrowed selector, its inbound SA (installed
 * before the response with what A proposed) is narrowed by sa_set_ts.
 */
static void
test_ipv6_selectors_narrowed(void **state)
{
	const struct fake_sa *out, *in;

	(void)state;
	pair_init(&P, &v6_in6_a, &v6_narrow_b);
	pair_up(&P, 0, 0);
	pair_assert_matching(&P);
	out = live_one(&P.s[0], CFG_DIR_OUT);
	in = live_one(&P.s[0], CFG_DIR_IN);
	assert_int_equal(out->p.n_ts6_remote, 1);
	assert_memory_equal(out->p.ts6_remote[0].addr_start, B_NET, 16);
	assert_memory_equal(out->p.ts6_remote[0].addr_end, B_NET_END80, 16);
	assert_int_equal(in->p.n_ts6_remote, 1);
	assert_memory_equal(in->p.ts6_remote[0].addr_end, B_NET_END80, 16);
	assert_int_equal(P.s[0].ts_updates, 1);
}

static void
test_ipv6_selectors_in_ipv4_sa(void **state)
{
	const struct fake_sa *out;

	(void)state;
	pair_init(&P, &v4_in6_a, &v4_in6_b);
	pair_up(&P, 1, 0);
	out = live_one(&P.s[0], CFG_DIR_OUT);
	assert_int_not_equal(out->p.family, AF_INET6);
	assert_memory_equal(&out->p.peer, ((uint8_t[]){192, 0, 2, 2}), 4);
	assert_int_equal(out->p.n_ts_local, 0);
	pair_assert_matching(&P);
}

static void
test_nat_over_ipv6_udp_encap(void **state)
{
	struct view_ike_sa v[2];

	(void)state;
	pair_init(&P, &v6, &v6);
	P.nat = true;
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	pair_pump(&P);
	for (int i = 0; i < 2; i++) {
		const uint8_t *me = i == 0 ? A6 : B6, *peer = i == 0 ? B6 : A6;

		assert_int_equal(ike_sa_list(P.s[i].ike, v, 2), 1);
		assert_int_equal(v[0].remote.family, 6);
		assert_true(i == 0 ? v[0].nat_local : v[0].nat_remote);
		/* gwB sees gwA's 4500 through the NAT; gwA talks to gwB's own 4500 */
		assert_int_equal(v[0].remote.port, i == 0 ? 4500 : 4500 + 40000);
		for (int d = 0; d < 2; d++) {
			const struct fake_sa *h =
				live_one(&P.s[i], d == 0 ? CFG_DIR_IN : CFG_DIR_OUT);

			assert_int_equal(h->p.family, AF_INET6);
			assert_memory_equal(h->p.local6, me, 16);
			assert_memory_equal(h->p.peer6, peer, 16);
			assert_true(h->p.udp_encap);
			assert_int_equal(h->p.proto, IPPROTO_ESP);
			assert_int_equal(h->p.local_port, 4500);
			assert_int_equal(h->p.peer_port, v[0].remote.port);
		}
	}
	pair_assert_matching(&P);
	assert_false(pair_logged(&P.s[0], "not installed"));
}

static void
test_invalid_spi_ipv6(void **state)
{
	struct ike_addr a = {.family = 6, .port = 500};
	struct ike_addr a4 = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
	uint32_t lost_spi;

	(void)state;
	memcpy(a.ip, A6, 16);
	pair_init(&P, &v6, &v6);
	pair_up(&P, 0, 0);
	lost_spi = live_one(&P.s[0], CFG_DIR_OUT)->p.spi;
	assert_int_equal(ike_delete_child_local(P.s[1].ike, 0, 0), 1);
	/* the IPv4 address of the same gateway is another peer */
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &a4, lost_spi, 50), -ENOENT);
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &a, lost_spi, 50), 0);
	assert_int_equal(P.qn, 1);
	assert_int_equal(P.q[P.qh].dst.family, 6);
	assert_memory_equal(P.q[P.qh].dst.ip, A6, 16);
	pair_pump(&P);
	assert_null(pair_find(&P.s[0], CFG_DIR_OUT, lost_spi));
	assert_int_equal(live(&P.s[0]), 2);
	assert_int_equal(live(&P.s[1]), 2);
	assert_esp6(0);
	assert_esp6(1);
	pair_assert_matching(&P);
}

static void
test_restart_initial_contact(void **state)
{
	struct view_ike_sa v[2];

	(void)state;
	pair_init(&P, &v6, &v6);
	pair_up(&P, 0, 0);
	pair_restart(&P, 0);
	pair_up(&P, 0, 0);
	assert_int_equal(ike_sa_list(P.s[1].ike, v, 2), 1);
	assert_true(pair_logged(&P.s[1], "INITIAL_CONTACT from the peer"));
	assert_int_equal(live(&P.s[1]), 2);
	assert_esp6(1);
	pair_assert_matching(&P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_up_over_ipv6, teardown),
		cmocka_unit_test_teardown(test_ipv6_selectors, teardown),
		cmocka_unit_test_teardown(test_ipv6_selectors_narrowed, teardown),
		cmocka_unit_test_teardown(test_ipv6_selectors_in_ipv4_sa, teardown),
		cmocka_unit_test_teardown(test_nat_over_ipv6_udp_encap, teardown),
		cmocka_unit_test_teardown(test_invalid_spi_ipv6, teardown),
		cmocka_unit_test_teardown(test_restart_initial_contact, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
