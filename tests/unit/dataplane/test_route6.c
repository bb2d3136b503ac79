/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 route table and IPv6 static neighbors (route6.c), built from the
 * config by dp_create, ahead of the IPv6 packet path:
 *
 *	outside0 192.0.2.2 (next_hop_mac H_PEER_MAC)
 *	inside0  10.0.2.1/16, 2001:db8:2::1/64 (next_hop_mac H_HOST_MAC unless turned off)
 *	           neighbors 2001:db8:2::5 -> :25, fe80::fe -> :fe
 *	routes   2001:db8:3::/48      via fe80::fe        (link-local next hop)
 *	         2001:db8:3:8000::/49 via 2001:db8:2::5  (longer: wins inside the /48)
 *	         ::/0 via fe80::fe, in the default-route case only
 *
 * Longest prefix wins, a next hop's MAC is its neighbor entry or the link's
 * next_hop_mac, and neither family's table answers for the other.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "route.h"

#define MAC25 "02:00:00:00:02:25"
#define MACFE "02:00:00:00:02:fe"

static struct cfg_neighbor6 nb[2];
static struct cfg_route6 rt[3];

static void
nb6(struct cfg_neighbor6 *n, const char *ip, const char *mac)
{
	assert_true(ip6_parse(ip, n->ip));
	assert_true(mac_parse(mac, n->mac));
}

static void
rt6(struct cfg_route6 *r, const char *prefix, const char *via)
{
	bool host;

	*r = (struct cfg_route6){.iface = H_INSIDE, .has_via = via != NULL};
	assert_true(ip6_prefix_parse(prefix, &r->dst, &host));
	if (via != NULL)
		assert_true(ip6_parse(via, r->via));
}

static int
setup_with(void **state, bool default_route, bool no_mac)
{
	static struct harness h;
	struct h_opts o = {.inside6 = "2001:db8:2::1/64", .neighbors6 = nb, .n_neighbors6 = 2,
			   .routes6 = rt, .n_routes6 = default_route ? 3 : 2,
			   .inside_no_mac = no_mac};

	nb6(&nb[0], "2001:db8:2::5", MAC25);
	nb6(&nb[1], "fe80::fe", MACFE);
	rt6(&rt[0], "2001:db8:3::/48", "fe80::fe");
	rt6(&rt[1], "2001:db8:3:8000::/49", "2001:db8:2::5");
	rt6(&rt[2], "::/0", "fe80::fe");
	if (harness_create_opts(&h, &o) != 0)
		return -1;
	*state = &h;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, false, false);
}

static int
setup_default(void **state)
{
	return setup_with(state, true, false);
}

static int
setup_no_mac(void **state)
{
	return setup_with(state, false, true);
}

static int
teardown(void **state)
{
	harness_destroy(*state);
	return 0;
}

/* route_inside6 for dst: its return, and the port and MAC it found. */
static int
lookup(const struct harness *h, const char *dst, uint16_t *port, char mac[MAC_STRLEN])
{
	const struct rte_ether_addr *m = NULL;
	const uint8_t *nh;
	uint8_t a[16];
	int rc;

	assert_true(ip6_parse(dst, a));
	*port = UINT16_MAX;
	rc = route_inside6(h->dp->route, a, port, &m, &nh);
	mac_str(m != NULL ? m->addr_bytes : (const uint8_t[6]){0}, mac);
	return rc;
}

static void
test_longest_prefix_and_neighbors(void **state)
{
	const struct harness *h = *state;
	char mac[MAC_STRLEN];
	uint16_t port;

	/* connected (address6's /64): the neighbor entry, else the link's next_hop_mac */
	assert_int_equal(lookup(h, "2001:db8:2::5", &port, mac), 0);
	assert_int_equal(port, H_INSIDE);
	assert_string_equal(mac, MAC25);
	assert_int_equal(lookup(h, "2001:db8:2::77", &port, mac), 0);
	assert_string_equal(mac, H_HOST_MAC);
	/* the /48 via the link-local next hop; inside it, the /49 via the other neighbor */
	assert_int_equal(lookup(h, "2001:db8:3::1", &port, mac), 0);
	assert_int_equal(port, H_INSIDE);
	assert_string_equal(mac, MACFE);
	assert_int_equal(lookup(h, "2001:db8:3:7fff::1", &port, mac), 0);
	assert_string_equal(mac, MACFE);
	assert_int_equal(lookup(h, "2001:db8:3:8000::1", &port, mac), 0);
	assert_string_equal(mac, MAC25);
	/* no route */
	assert_int_equal(lookup(h, "2001:db8:4::1", &port, mac), -ENETUNREACH);
	assert_int_equal(lookup(h, "2001:db8:2:1::5", &port, mac), -ENETUNREACH);
}

/* Without next_hop_mac, a next hop that is no neighbor has no MAC; the route gives the port. */
static void
test_no_adjacency(void **state)
{
	const struct harness *h = *state;
	char mac[MAC_STRLEN];
	uint16_t port;

	assert_int_equal(lookup(h, "2001:db8:2::77", &port, mac), -EHOSTUNREACH);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(lookup(h, "2001:db8:2::5", &port, mac), 0);
	assert_string_equal(mac, MAC25);
}

/* An IPv6 default route answers IPv6 only; the IPv4 table does not answer IPv6 either. */
static void
test_families_apart(void **state)
{
	const struct harness *h = *state;
	const struct rte_ether_addr *m;
	char mac[MAC_STRLEN];
	uint16_t port;
	uint32_t a;

	assert_int_equal(lookup(h, "2001:db8:99::1", &port, mac), 0);	/* ::/0 */
	assert_string_equal(mac, MACFE);
	assert_true(ip4_parse("192.0.2.77", &a));
	assert_int_equal(route_inside(h->dp->route, a, &port, &m), DP_DROP_G_Ipv4NoRoute);
	assert_true(ip4_parse("10.0.2.5", &a));
	assert_int_equal(route_inside(h->dp->route, a, &port, &m), DP_KEEP);
	/* the IPv4-mapped form of a connected IPv4 address takes the IPv6 table's ::/0 */
	assert_int_equal(lookup(h, "::ffff:10.0.2.5", &port, mac), 0);
	assert_string_equal(mac, MACFE);
}

static void
test_ipv4_mapped_not_routed(void **state)
{
	const struct harness *h = *state;
	char mac[MAC_STRLEN];
	uint16_t port;

	assert_int_equal(lookup(h, "::ffff:10.0.2.5", &port, mac), -ENETUNREACH);
	assert_int_equal(lookup(h, "::", &port, mac), -ENETUNREACH);
}

/* The outside link: no IPv6 neighbor configured, its next_hop_mac answers for any address. */
static void
test_neighbor6_fallback(void **state)
{
	const struct harness *h = *state;
	const struct rte_ether_addr *m;
	char mac[MAC_STRLEN];
	uint8_t a[16];

	assert_true(ip6_parse("2001:db8::1", a));
	m = route_neighbor6(h->dp->route, H_OUTSIDE, a);
	assert_non_null(m);
	assert_string_equal(mac_str(m->addr_bytes, mac), H_PEER_MAC);
	assert_true(ip6_parse("fe80::fe", a));
	m = route_neighbor6(h->dp->route, H_INSIDE, a);
	assert_string_equal(mac_str(m->addr_bytes, mac), MACFE);
}

/*
 * IPv4 beside it: a 0.0.0.0/0 route (which rte_lpm, like rte_lpm6, cannot
 * hold at depth 0) answers IPv4, and the IPv6 table stays without a default.
 */
static void
test_ipv4_default_route(void **state)
{
	static const char *const r4[] = {"0.0.0.0/0"};
	const struct h_opts o = {.inside6 = "2001:db8:2::1/64", .routes = r4, .n_routes = 1};
	const struct rte_ether_addr *m;
	struct harness h;
	char mac[MAC_STRLEN];
	uint16_t port;
	uint32_t a;

	(void)state;
	assert_int_equal(harness_create_opts(&h, &o), 0);
	assert_true(ip4_parse("198.51.100.7", &a));
	assert_int_equal(route_inside(h.dp->route, a, &port, &m), DP_KEEP);
	assert_int_equal(port, H_INSIDE);
	assert_int_equal(lookup(&h, "2001:db8:99::1", &port, mac), -ENETUNREACH);
	assert_int_equal(lookup(&h, "::ffff:198.51.100.7", &port, mac), -ENETUNREACH);
	harness_destroy(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_longest_prefix_and_neighbors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_adjacency, setup_no_mac, teardown),
		cmocka_unit_test_setup_teardown(test_families_apart, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_mapped_not_routed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbor6_fallback, setup, teardown),
		cmocka_unit_test(test_ipv4_default_route),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
