/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An IKE-keyed ipsec ipv6 tunnel (IPv6 sVTI) on two engines (ike_pair.h, v6:
 * gwA 2001:db8::1, gwB 2001:db8::2, each with a Tunnel1 mode ipsec ipv6 to
 * the other, protection ikev2_profile PROF, beside the crypto map VPN whose
 * entries have the same IPv6 peer and IPv4 lines):
 *
 *   - ike_initiate(CFG_MAP_TUNNEL, 0) makes an IKE SA over IPv6 and a
 *     CHILD_SA that is the tunnel's on both sides: halves installed vti,
 *     tunnel 0, ESP over IPv6 between source6 and destination6, selectors
 *     ::/0 both ways (TS_IPV6_ADDR_RANGE: no IPv4 dp_ts);
 *   - the responder takes ::/0 for the tunnel before the map entries with
 *     the same peer; an entry's IPv4 lines over the same IKE SA land on the
 *     entry;
 *   - a responder without the tunnel narrows ::/0 to nothing it has (its
 *     entry's lines are IPv4): no CHILD_SA, the initiator logs the refusal;
 *   - a soft lifetime rekeys it, still the tunnel's and over IPv6;
 *   - clear of the CHILD_SA: DELETE, and on-start brings it back over the
 *     same IKE SA; ike_initiate_on_start filters by the IPv6 destination;
 *   - INVALID_SPI for the tunnel's SA: the notify over IPv6, the tunnel's
 *     CHILD_SA created again;
 *   - both ends at once (tunnel on-start, a crypto map entry): one IKE SA.
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

static const struct pair_opts vti6 = {.v6 = true, .tunnel = "ikev2_profile: PROF"};
static const struct pair_opts vti6_pfs = {
	.v6 = true, .tunnel = "ikev2_profile: PROF, pfs: group19", .entry0 = "pfs: group19, "};
static const struct pair_opts v6 = {.v6 = true};

static int
teardown(void **state)
{
	(void)state;
	pair_fini(&P);
	return 0;
}

/* The one active, not rekeyed CHILD_SA of side i for (map, entry); fails if none. */
static struct view_ike_child
child_of(int i, uint32_t map, uint32_t entry)
{
	struct view_ike_child c[8];
	size_t n = ike_child_list(P.s[i].ike, 0, c, 8);

	for (size_t j = 0; j < n; j++)
		if (c[j].map == map && c[j].entry == entry && c[j].active && !c[j].rekeyed)
			return c[j];
	fail_msg("side %d: no active CHILD_SA of map %u entry %u", i, map, entry);
	return c[0];
}

static unsigned int
n_children(int i)
{
	struct view_ike_child c[8];

	return (unsigned int)ike_child_list(P.s[i].ike, 0, c, 8);
}

/* A half of side i installed as the tunnel's: vti, tunnel 0, ESP over IPv6, no IPv4 selectors. */
static void
assert_vti6_half(int i, const struct fake_sa *h)
{
	assert_non_null(h);
	assert_true(h->p.vti);
	assert_int_equal(h->p.tunnel, 0);
	assert_int_equal(h->p.family, AF_INET6);
	assert_memory_equal(h->p.local6, i == 0 ? A6 : B6, 16);
	assert_memory_equal(h->p.peer6, i == 0 ? B6 : A6, 16);
	assert_int_equal(h->p.proto, IPPROTO_ESP);
	assert_false(h->p.udp_encap);
	/* ::/0 travels as TS_IPV6_ADDR_RANGE, which dp_ts (IPv4) does not hold */
	assert_int_equal(h->p.n_ts_local, 0);
	assert_int_equal(h->p.n_ts_remote, 0);
}

/* Both sides: the tunnel's CHILD_SA is up, both halves the tunnel's. */
static void
assert_tunnel_up(void)
{
	for (int i = 0; i < 2; i++) {
		struct view_ike_child c = child_of(i, CFG_MAP_TUNNEL, 0);

		assert_vti6_half(i, pair_find(&P.s[i], CFG_DIR_IN, c.spi_in));
		assert_vti6_half(i, pair_find(&P.s[i], CFG_DIR_OUT, c.spi_out));
	}
	pair_assert_matching(&P);
}

static void
test_tunnel6_up(void **state)
{
	struct view_ike_sa sa[2];

	(void)state;
	pair_init(&P, &vti6, &vti6);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), -EALREADY);
	/* IKE itself goes over IPv6 to the destination */
	assert_int_equal(P.qn, 1);
	assert_int_equal(P.q[P.qh].dst.family, 6);
	assert_memory_equal(P.q[P.qh].dst.ip, B6, 16);
	pair_pump(&P);
	assert_tunnel_up();
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ike_sa_list(P.s[i].ike, sa, 2), 1);
		assert_int_equal(sa[0].remote.family, 6);
	}
	assert_true(pair_logged(&P.s[0], "SA UP"));
	assert_int_equal(ike_initiate(P.s[1].ike, CFG_MAP_TUNNEL, 0), -EALREADY);
}

/* The tunnel's ::/0 first (gwB initiates), then entry 0's IPv4 lines over the same IKE SA. */
static void
test_map_entry_beside_tunnel6(void **state)
{
	const struct fake_sa *in;
	struct view_ike_child c;

	(void)state;
	pair_init(&P, &vti6, &vti6);
	assert_int_equal(ike_initiate(P.s[1].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	assert_tunnel_up();
	pair_up(&P, 0, 0);
	for (int i = 0; i < 2; i++) {
		c = child_of(i, 0, 0);
		in = pair_find(&P.s[i], CFG_DIR_IN, c.spi_in);
		assert_non_null(in);
		assert_false(in->p.vti);
		assert_int_equal(in->p.family, AF_INET6);
		assert_int_equal(in->p.n_ts_local, 1);
		assert_int_equal(in->p.ts_local[0].addr_start, i == 0 ? 0x0a000000u : 0x0a000200u);
	}
	assert_int_equal(n_children(0), 2);
	assert_int_equal(n_children(1), 2);
	pair_assert_matching(&P);
}

/* gwB has no tunnel, its entries have IPv4 lines: ::/0 meets nothing there, no CHILD_SA. */
static void
test_no_tunnel_at_peer(void **state)
{
	const struct fake_sa *x[8];

	(void)state;
	pair_init(&P, &vti6, &v6);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	assert_int_equal(n_children(0), 0);
	assert_int_equal(n_children(1), 0);
	assert_true(pair_logged(&P.s[0], "CHILD_SA of Tunnel1 refused by the peer"));
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_IN, x, 8), 0);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, x, 8), 0);
}

static void
test_rekey6(void **state)
{
	struct view_ike_child before, after;

	(void)state;
	pair_init(&P, &vti6_pfs, &vti6_pfs);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	before = child_of(0, CFG_MAP_TUNNEL, 0);
	ike_sa_expired(P.s[0].ike, before.handle_out, false);
	pair_pump(&P);
	after = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_not_equal(after.spi_in, before.spi_in);
	assert_int_equal(after.pfs_group, 19);
	assert_int_equal(child_of(1, CFG_MAP_TUNNEL, 0).spi_out, after.spi_in);
	assert_vti6_half(0, pair_find(&P.s[0], CFG_DIR_OUT, after.spi_out));
	assert_vti6_half(1, pair_find(&P.s[1], CFG_DIR_OUT, after.spi_in));
}

/* on-start with a peer filter: an IPv4 address or another IPv6 one does not start it. */
static void
test_clear_comes_back6(void **state)
{
	struct ike_addr other = {.family = 6, .port = 500}, b4 = {.family = 4, .port = 500};
	struct ike_addr b = {.family = 6, .port = 500};
	struct view_ike_child before, after;
	struct view_ike_sa sa[2];

	(void)state;
	memcpy(other.ip, B6, 16);
	other.ip[15] = 3;
	memcpy(b4.ip, (uint8_t[]){192, 0, 2, 2}, 4);
	memcpy(b.ip, B6, 16);
	pair_init(&P, &vti6, &vti6);
	ike_initiate_on_start(P.s[0].ike, &other);
	ike_initiate_on_start(P.s[0].ike, &b4);
	assert_int_equal(P.qn, 0);
	ike_initiate_on_start(P.s[0].ike, &b);
	assert_int_equal(P.qn, 1);
	pair_pump(&P);
	assert_tunnel_up();
	before = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_equal(ike_clear_child(P.s[0].ike, before.handle_out), 0);
	pair_pump(&P);
	after = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_not_equal(after.spi_in, before.spi_in);
	assert_int_equal(after.tunnel_id, before.tunnel_id);
	assert_int_equal(ike_sa_list(P.s[0].ike, sa, 2), 1);
	assert_null(pair_find(&P.s[0], CFG_DIR_IN, before.spi_in));
	assert_tunnel_up();
	/* clear crypto session remote 2001:db8::2: the IKE SA goes, on-start brings all back */
	assert_int_equal(ike_clear_session(P.s[0].ike, &b), 1);
	pair_pump(&P);
	assert_int_equal(ike_sa_list(P.s[0].ike, sa, 2), 1);
	assert_int_equal(ike_sa_list(P.s[1].ike, sa, 2), 1);
	assert_tunnel_up();
}

/* gwB lost the tunnel's SA: gwA's INVALID_SPI over IPv6, gwB creates the tunnel's again. */
static void
test_invalid_spi_tunnel6(void **state)
{
	struct ike_addr a = {.family = 6, .port = 500};
	uint32_t lost_spi;

	(void)state;
	memcpy(a.ip, A6, 16);
	pair_init(&P, &vti6, &vti6);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	lost_spi = child_of(0, CFG_MAP_TUNNEL, 0).spi_out;
	assert_int_equal(ike_delete_child_local(P.s[1].ike, CFG_MAP_TUNNEL, 0), 1);
	assert_int_equal(ike_notify_invalid_spi(P.s[1].ike, &a, lost_spi, 50), 0);
	assert_int_equal(ike_recreate_child(P.s[1].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	assert_null(pair_find(&P.s[0], CFG_DIR_OUT, lost_spi));
	assert_tunnel_up();
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
}

/*
 * Both ends at once, over IPv6: the tunnel on-start on both sides, and
 * entry 0 initiated by both: the crossing IKE SAs settle to one each side
 * (the redundant one deleted by its initiator), carrying the tunnel's and
 * the entry's CHILD_SAs, every half live on one side matched on the other.
 */
static void
test_both_start6(void **state)
{
	struct view_ike_sa sa[2][4];

	(void)state;
	pair_init(&P, &vti6, &vti6);
	ike_initiate_on_start(P.s[0].ike, NULL);
	ike_initiate_on_start(P.s[1].ike, NULL);
	pair_pump(&P);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ike_sa_list(P.s[i].ike, sa[i], 4), 1);
	assert_int_equal(sa[0][0].spi_local, sa[1][0].spi_remote);
	assert_true(pair_logged(&P.s[0], "IKEV2-5-SA_COLLISION") !=
		    pair_logged(&P.s[1], "IKEV2-5-SA_COLLISION"));
	assert_tunnel_up();
	assert_int_equal(n_children(0), 1);
	/* both restarted, a crypto map entry started by both ends at once: the same */
	pair_restart(&P, 0);
	pair_restart(&P, 1);
	assert_int_equal(ike_initiate(P.s[0].ike, 0, 0), 0);
	assert_int_equal(ike_initiate(P.s[1].ike, 0, 0), 0);
	pair_pump(&P);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ike_sa_list(P.s[i].ike, sa[i], 4), 1);
		(void)child_of(i, 0, 0);
		assert_int_equal(n_children(i), 1);
	}
	pair_assert_matching(&P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tunnel6_up, teardown),
		cmocka_unit_test_teardown(test_map_entry_beside_tunnel6, teardown),
		cmocka_unit_test_teardown(test_no_tunnel_at_peer, teardown),
		cmocka_unit_test_teardown(test_rekey6, teardown),
		cmocka_unit_test_teardown(test_clear_comes_back6, teardown),
		cmocka_unit_test_teardown(test_invalid_spi_tunnel6, teardown),
		cmocka_unit_test_teardown(test_both_start6, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
