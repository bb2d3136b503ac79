/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Static VTI keyed by IKEv2 (issue 10 item 3), on two engines (ike_pair.h)
 * whose configurations both hold the crypto map VPN and a Tunnel1 towards
 * the other gateway with protection ikev2_profile PROF:
 *
 *   - ike_initiate(CFG_MAP_TUNNEL, 0) brings the tunnel up: the CHILD_SA is
 *     the tunnel's on both sides (map CFG_MAP_TUNNEL entry 0), its halves
 *     installed with vti set, tunnel 0, selectors 0.0.0.0/0 both ways;
 *   - the responder prefers the tunnel only for a 0/0 proposal: a crypto map
 *     entry's narrower selectors, over the same IKE SA, still land on the
 *     entry (vti clear);
 *   - a responder without the tunnel narrows 0/0 to a map entry's
 *     selectors; the initiator refuses that for a tunnel (a tunnel's SA
 *     carries everything routed into it), and the peer's halves are deleted;
 *   - a soft lifetime rekeys the tunnel's CHILD_SA, still a tunnel's;
 *   - clear of the CHILD_SA: DELETE, then (initiate: on-start, the tunnel
 *     default) a new one over the same IKE SA; ike_initiate_on_start brings
 *     it up from nothing;
 *   - both ends on-start at once: the crossing IKE SAs settle to one, the
 *     redundant one (lowest nonce) deleted by its initiator.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ike_msg.h"
#include "ike_pair.h"

static struct pair P;

static const struct pair_opts vti = {.tunnel = "ikev2_profile: PROF"};
static const struct pair_opts vti_pfs = {.tunnel = "ikev2_profile: PROF, pfs: group19",
					 .entry0 = "pfs: group19, "};

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

/* A half installed as the tunnel's: vti, tunnel 0, one 0.0.0.0/0 all-protocols selector a side. */
static void
assert_vti_half(const struct fake_sa *h)
{
	assert_non_null(h);
	assert_true(h->p.vti);
	assert_int_equal(h->p.tunnel, 0);
	assert_int_equal(h->p.n_ts_local, 1);
	assert_int_equal(h->p.n_ts_remote, 1);
	assert_int_equal(h->p.ts_local[0].addr_start, 0);
	assert_int_equal(h->p.ts_local[0].addr_end, UINT32_MAX);
	assert_int_equal(h->p.ts_remote[0].addr_start, 0);
	assert_int_equal(h->p.ts_remote[0].addr_end, UINT32_MAX);
	assert_int_equal(h->p.ts_local[0].proto, 0);
	assert_int_equal(h->p.ts_local[0].port_end, 65535);
}

/* Both sides: the tunnel's CHILD_SA is up, both halves as the tunnel's. */
static void
assert_tunnel_up(void)
{
	for (int i = 0; i < 2; i++) {
		struct view_ike_child c = child_of(i, CFG_MAP_TUNNEL, 0);

		assert_vti_half(pair_find(&P.s[i], CFG_DIR_IN, c.spi_in));
		assert_vti_half(pair_find(&P.s[i], CFG_DIR_OUT, c.spi_out));
	}
	pair_assert_matching(&P);
}

static void
test_tunnel_up(void **state)
{
	(void)state;
	pair_init(&P, &vti, &vti);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), -EALREADY);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 1), -EINVAL);
	pair_pump(&P);
	assert_tunnel_up();
	assert_int_equal(n_children(0), 1);
	assert_int_equal(n_children(1), 1);
	assert_int_equal(ike_initiate(P.s[1].ike, CFG_MAP_TUNNEL, 0), -EALREADY);
}

/* The tunnel's 0/0 proposal first, then a map entry's over the same IKE SA: each its own. */
static void
test_map_entry_beside_tunnel(void **state)
{
	const struct fake_sa *in;
	struct view_ike_child c;

	(void)state;
	pair_init(&P, &vti, &vti);
	assert_int_equal(ike_initiate(P.s[1].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	assert_tunnel_up();
	pair_up(&P, 0, 0);
	for (int i = 0; i < 2; i++) {
		c = child_of(i, 0, 0);
		in = pair_find(&P.s[i], CFG_DIR_IN, c.spi_in);
		assert_non_null(in);
		assert_false(in->p.vti);
		assert_int_equal(in->p.ts_local[0].addr_start, i == 0 ? 0x0a000000u : 0x0a000200u);
	}
	assert_int_equal(n_children(0), 2);
	assert_int_equal(n_children(1), 2);
	pair_assert_matching(&P);
}

/* gwB has no tunnel: its map entry narrows 0/0; gwA will not take that for its tunnel. */
static void
test_narrowed_answer_refused(void **state)
{
	const struct fake_sa *x[8];

	(void)state;
	pair_init(&P, &vti, NULL);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	assert_int_equal(n_children(0), 0);
	/* the log line names the tunnel, not a map index */
	assert_true(pair_logged(&P.s[0], "CHILD_SA of Tunnel1: the peer's answer is not what we "
					 "proposed"));
	/* gwB had installed the narrowed CHILD_SA: the DELETE took it */
	assert_int_equal(n_children(1), 0);
	assert_int_equal(pair_live(&P.s[1], CFG_DIR_IN, x, 8), 0);
	assert_int_equal(pair_live(&P.s[0], CFG_DIR_IN, x, 8), 0);
}

static void
test_rekey(void **state)
{
	struct view_ike_child before, after;

	(void)state;
	pair_init(&P, &vti_pfs, &vti_pfs);
	assert_int_equal(ike_initiate(P.s[0].ike, CFG_MAP_TUNNEL, 0), 0);
	pair_pump(&P);
	before = child_of(0, CFG_MAP_TUNNEL, 0);
	ike_sa_expired(P.s[0].ike, before.handle_out, false);
	pair_pump(&P);
	after = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_not_equal(after.spi_in, before.spi_in);
	assert_int_equal(after.pfs_group, 19);
	assert_int_equal(child_of(1, CFG_MAP_TUNNEL, 0).spi_out, after.spi_in);
	assert_vti_half(pair_find(&P.s[0], CFG_DIR_OUT, after.spi_out));
	assert_vti_half(pair_find(&P.s[1], CFG_DIR_OUT, after.spi_in));
}

/* Cleared: DELETE, and the tunnel (on-start by default) comes back over the same IKE SA. */
static void
test_clear_comes_back(void **state)
{
	struct view_ike_child before, after;
	struct view_ike_sa sa[2];

	(void)state;
	pair_init(&P, &vti, &vti);
	/* at start, as ctrl_ike_start does: the tunnel is on-start, the map entries are not */
	ike_initiate_on_start(P.s[0].ike, NULL);
	pair_pump(&P);
	assert_tunnel_up();
	assert_int_equal(n_children(0), 1);
	before = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_equal(ike_clear_child(P.s[0].ike, before.handle_out), 0);
	pair_pump(&P);
	after = child_of(0, CFG_MAP_TUNNEL, 0);
	assert_int_not_equal(after.spi_in, before.spi_in);
	assert_int_equal(after.tunnel_id, before.tunnel_id);
	assert_int_equal(ike_sa_list(P.s[0].ike, sa, 2), 1);
	assert_null(pair_find(&P.s[0], CFG_DIR_IN, before.spi_in));
	assert_tunnel_up();
}

/* The lower nonce of the IKE_SA_INIT whose initiator SPI is spi_i, from the recorded messages. */
static void
init_low_nonce(uint64_t spi_i, uint8_t *low, size_t *low_len)
{
	static struct ike_msg m;
	const uint8_t *n[2] = {NULL, NULL};
	size_t len[2] = {0, 0};

	for (unsigned int i = 0; i < P.n_sent; i++) {
		const struct pair_msg *pm = &P.sent[i];
		int r;

		if (ike_parse(pm->buf, pm->len, &m) != 0 || m.hdr.exchange != IKE_SA_INIT ||
		    m.hdr.spi_i != spi_i || m.nonce.len == 0)
			continue;
		r = (m.hdr.flags & IKE_FLAG_RESPONSE) != 0;
		n[r] = m.nonce.p;
		len[r] = m.nonce.len;
	}
	assert_non_null(n[0]);
	assert_non_null(n[1]);
	/* octet by octet, a prefix is lower (section 2.8.1) */
	{
		size_t k = len[0] < len[1] ? len[0] : len[1];
		int c = memcmp(n[0], n[1], k);
		int lo = c < 0 || (c == 0 && len[0] < len[1]) ? 0 : 1;

		memcpy(low, n[lo], len[lo]);
		*low_len = len[lo];
	}
}

static int
cmp_low(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c != 0 ? c : alen < blen ? -1 : alen > blen ? 1 : 0;
}

/*
 * Both ends on-start at once (sVTI on both sides): the IKE SAs cross. The
 * one whose IKE_SA_INIT holds the lowest nonce (checked here from the
 * recorded messages) is deleted by the side that initiated it, which logs
 * IKEV2-5-SA_COLLISION; each side ends with one IKE SA, the same one, and
 * one tunnel CHILD_SA whose outbound half was made the policy's again after
 * the redundant one's went (seq_activate after the last seq_del).
 */
static void
test_both_start(void **state)
{
	const struct fake_sa *x[8];
	struct view_ike_sa v[2][4];
	uint8_t lo0[IKE_NONCE_MAX], lo1[IKE_NONCE_MAX];
	size_t lo0_len, lo1_len;
	uint64_t spi0 = 0, spi1 = 0;
	struct view_ike_stats st;
	int deleter = -1;

	(void)state;
	pair_init(&P, &vti, &vti);
	P.record = true;
	ike_initiate_on_start(P.s[0].ike, NULL);
	ike_initiate_on_start(P.s[1].ike, NULL);
	/* each side's initiator SPI, before the crossing */
	for (unsigned int i = 0; i < P.n_sent; i++) {
		static struct ike_msg m;

		assert_int_equal(ike_parse(P.sent[i].buf, P.sent[i].len, &m), 0);
		if (P.sent[i].from == 0)
			spi0 = m.hdr.spi_i;
		else
			spi1 = m.hdr.spi_i;
	}
	assert_true(spi0 != 0 && spi1 != 0);
	pair_pump(&P);
	init_low_nonce(spi0, lo0, &lo0_len);
	init_low_nonce(spi1, lo1, &lo1_len);
	/* the side whose IKE SA holds the lower nonce deletes it */
	deleter = cmp_low(lo0, lo0_len, lo1, lo1_len) < 0 ? 0 : 1;
	for (int i = 0; i < 2; i++) {
		uint64_t last_del = 0;
		const struct fake_sa *out;

		assert_int_equal(ike_sa_list(P.s[i].ike, v[i], 4), 1);
		assert_int_equal(pair_live(&P.s[i], CFG_DIR_OUT, x, 8), 1);
		out = x[0];
		assert_vti_half(out);
		assert_int_equal(pair_live(&P.s[i], CFG_DIR_IN, x, 8), 1);
		assert_vti_half(x[0]);
		(void)child_of(i, CFG_MAP_TUNNEL, 0);
		assert_int_equal(pair_logged(&P.s[i], "IKEV2-5-SA_COLLISION"), i == deleter);
		/* show crypto ikev2 stats: both ends found the pair, the deleter deleted */
		ike_stats_get(P.s[i].ike, &st);
		assert_int_equal(st.collisions, 1);
		assert_int_equal(st.collisions_deleted, i == deleter);
		for (unsigned int k = 0; k < P.s[i].n_sa; k++)
			if (P.s[i].sa[k].deleted && P.s[i].sa[k].p.dir == CFG_DIR_OUT &&
			    P.s[i].sa[k].seq_del > last_del)
				last_del = P.s[i].sa[k].seq_del;
		assert_true(last_del != 0);
		assert_true(out->active);
		assert_true(out->seq_activate > last_del);
	}
	/* the kept IKE SA is the one the other side initiated: its SPIs on both sides */
	assert_int_equal(v[0][0].spi_local, v[1][0].spi_remote);
	assert_int_equal(v[0][0].spi_remote, v[1][0].spi_local);
	assert_int_equal(v[deleter][0].initiator, false);
	assert_int_equal(v[1 - deleter][0].initiator, true);
	pair_assert_matching(&P);
}

/* Drops the first message gwB sends (its IKE_SA_INIT request): it goes again later. */
static bool
drop_first_of_b(struct pair *p, const struct pair_msg *m)
{
	bool *dropped = p->filter_ctx;

	if (m->from != 1 || *dropped)
		return true;
	*dropped = true;
	return false;
}

/*
 * The crossing both ends judge differently by time: gwB's IKE_SA_INIT is
 * lost, gwA's IKE SA comes up, then gwB's retransmission arrives and gwA
 * answers it. For gwA that IKE SA began after its own was up; for gwB both
 * were under way at once. Both still settle to one IKE SA (the window is
 * fixed, the pair the same at both ends), and the tunnel carries on.
 */
static void
test_both_start_retransmitted(void **state)
{
	struct view_ike_sa v[2][4];
	struct view_ike_stats st[2];
	bool dropped = false;

	(void)state;
	pair_init(&P, &vti, &vti);
	P.filter = drop_first_of_b;
	P.filter_ctx = &dropped;
	ike_initiate_on_start(P.s[1].ike, NULL);
	ike_initiate_on_start(P.s[0].ike, NULL);
	pair_pump(&P);
	assert_true(dropped);
	/* gwA's is up; gwB's first request was lost and goes again */
	assert_int_equal(ike_sa_list(P.s[0].ike, v[0], 4), 1);
	pair_advance(&P, 5000);
	pair_pump(&P);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ike_sa_list(P.s[i].ike, v[i], 4), 1);
	assert_int_equal(v[0][0].spi_local, v[1][0].spi_remote);
	assert_true(pair_logged(&P.s[0], "IKEV2-5-SA_COLLISION") !=
		    pair_logged(&P.s[1], "IKEV2-5-SA_COLLISION"));
	for (int i = 0; i < 2; i++) {
		ike_stats_get(P.s[i].ike, &st[i]);
		assert_int_equal(st[i].collisions, 1);
	}
	assert_int_equal(st[0].collisions_deleted + st[1].collisions_deleted, 1);
	assert_tunnel_up();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tunnel_up, teardown),
		cmocka_unit_test_teardown(test_map_entry_beside_tunnel, teardown),
		cmocka_unit_test_teardown(test_narrowed_answer_refused, teardown),
		cmocka_unit_test_teardown(test_rekey, teardown),
		cmocka_unit_test_teardown(test_clear_comes_back, teardown),
		cmocka_unit_test_teardown(test_both_start, teardown),
		cmocka_unit_test_teardown(test_both_start_retransmitted, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
