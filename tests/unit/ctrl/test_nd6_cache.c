/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The learned IPv6 neighbor cache on a fake clock: RFC 4861 section 7.2.5's
 * advertisement rules case by case, section 7.2.3's learning from a
 * solicitation, REACHABLE turning STALE, the size bound, aging, and the
 * solicitation decisions (retransmit timer, tries and hold-down, the global
 * rate) at their exact boundaries; section 7.3.3's DELAY and PROBE (a
 * STALE entry in use re-confirmed by unicast solicitations, INCOMPLETE again
 * when they go unanswered); ReachableTime per interface.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/clk.h"

#include "nd6_cache.h"

#define MS CLK_NS_PER_MS
#define S CLK_NS_PER_S
#define AGE_S 240

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};

struct fix {
	struct nd6_cache *t;
	uint64_t now;
	uint64_t c[ND6C__COUNT];
	uint8_t ip[8][16];
};

static int
setup(void **state)
{
	static struct fix f;

	memset(&f, 0, sizeof(f));
	f.now = CLK_FAKE_MONO0;
	f.t = nd6_cache_create(4, AGE_S, f.now);
	for (int i = 0; i < 8; i++) {
		f.ip[i][0] = 0x20;
		f.ip[i][1] = 0x01;
		f.ip[i][2] = 0x0d;
		f.ip[i][3] = 0xb8;
		f.ip[i][15] = (uint8_t)(i + 1);
	}
	*state = &f;
	return f.t == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	nd6_cache_destroy(f->t);
	return 0;
}

static uint64_t
ctr(struct fix *f, enum nd6c_ctr k)
{
	nd6_cache_counters(f->t, f->c);
	return f->c[k];
}

static const struct nd6c_entry *
entry(struct fix *f, int i)
{
	uint32_t n;
	const struct nd6c_entry *e = nd6_cache_entries(f->t, &n);

	for (uint32_t k = 0; k < n; k++)
		if (e[k].used && memcmp(e[k].ip, f->ip[i], 16) == 0)
			return &e[k];
	return NULL;
}

static int
look(struct fix *f, int i, uint8_t mac[6])
{
	return nd6_cache_lookup(f->t, 1, f->ip[i], mac, f->now);
}

static void
test_create_bad_args(void **state)
{
	(void)state;
	assert_null(nd6_cache_create(0, 1, 0));
	assert_null(nd6_cache_create(1, 0, 0));
	nd6_cache_destroy(NULL);
}

/* Solicit, solicited advertisement: REACHABLE; 30 s later STALE, still used. */
static void
test_resolve_reachable_then_stale(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_int_equal(look(f, 0, mac), -ENOENT);
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_INCOMPLETE);
	assert_int_equal(look(f, 0, mac), -ENOENT);	/* INCOMPLETE: nothing to send to */
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_int_equal(look(f, 0, mac), 0);
	assert_memory_equal(mac, MAC_A, 6);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
	assert_int_equal(ctr(f, ND6C_learned), 1);
	assert_int_equal(ctr(f, ND6C_confirmed), 1);
	f->now += ND6_REACHABLE_MS * MS - 1;
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
	f->now += 1;
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
	assert_int_equal(look(f, 0, mac), 0);	/* section 7.3.3: STALE is still used */
	assert_int_equal(ctr(f, ND6C_went_stale), 1);
	assert_int_equal(ctr(f, ND6C_hits), 2);
	assert_int_equal(ctr(f, ND6C_misses), 2);
}

/* Section 7.2.5: an advertisement for no entry creates none. */
static void
test_unsolicited_for_no_entry_ignored(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, false, true, f->now));
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_int_equal(nd6_cache_count(f->t), 0);
	assert_int_equal(look(f, 0, mac), -ENOENT);
	assert_int_equal(ctr(f, ND6C_na_ignored), 2);
}

/* INCOMPLETE and an advertisement without a target link-layer address: nothing learned. */
static void
test_incomplete_needs_lla(void **state)
{
	struct fix *f = *state;

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], NULL, true, true, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_INCOMPLETE);
	assert_int_equal(ctr(f, ND6C_na_ignored), 1);
	/* unsolicited with one: learned, STALE */
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, false, false, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
}

/* O clear and another address: REACHABLE goes STALE keeping its MAC; STALE stays. */
static void
test_no_override(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, true, false, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
	assert_int_equal(look(f, 0, mac), 0);
	assert_memory_equal(mac, MAC_A, 6);
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, true, false, f->now));
	assert_memory_equal(entry(f, 0)->mac, MAC_A, 6);
	assert_int_equal(ctr(f, ND6C_went_stale), 1);
	assert_int_equal(ctr(f, ND6C_na_ignored), 1);
	assert_int_equal(ctr(f, ND6C_mac_changed), 0);
}

/* O set and another address: the MAC moves (true); S decides REACHABLE or STALE. */
static void
test_override_moves(void **state)
{
	struct fix *f = *state;

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, false, true, f->now));
	assert_memory_equal(entry(f, 0)->mac, MAC_B, 6);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
	assert_int_equal(ctr(f, ND6C_mac_changed), 2);
	/* the same address, solicited: confirmed, nothing for senders to follow */
	f->now += 40 * S;
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, false, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
	/* the same address, unsolicited: nothing changes */
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, false, true, f->now));
	assert_int_equal(ctr(f, ND6C_confirmed), 3);
}

/* Section 7.2.3: a solicitation with a source address creates a STALE entry. */
static void
test_solicitation_learns_stale(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
	assert_int_equal(look(f, 0, mac), 0);
	assert_false(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_B, f->now));
	assert_int_equal(ctr(f, ND6C_learned), 1);
	assert_int_equal(ctr(f, ND6C_mac_changed), 1);
	/* another interface is another neighbor */
	assert_int_equal(nd6_cache_lookup(f->t, 2, f->ip[0], mac, f->now), -ENOENT);
	/* a REACHABLE one keeps its state when the solicitation repeats its address */
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, true, true, f->now));
	assert_false(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_B, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
}

/* A STALE entry is used up to its age, and removed at it. */
static void
test_aging(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	f->now += AGE_S * S - 1;
	nd6_cache_expire(f->t, f->now);
	assert_int_equal(look(f, 0, mac), 0);
	f->now += 1;
	assert_int_equal(look(f, 0, mac), -ENOENT);
	nd6_cache_expire(f->t, f->now);
	assert_int_equal(nd6_cache_count(f->t), 0);
	assert_int_equal(ctr(f, ND6C_aged), 1);
}

/* Full: the least recently updated entry goes, counted. */
static void
test_bound_evicts_oldest(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	for (int i = 0; i < 5; i++) {
		assert_true(nd6_cache_solicit(f->t, 1, f->ip[i], MAC_A, f->now));
		f->now += S;
	}
	assert_int_equal(nd6_cache_count(f->t), 4);
	assert_int_equal(ctr(f, ND6C_evicted), 1);
	assert_int_equal(look(f, 0, mac), -ENOENT);
	assert_int_equal(look(f, 4, mac), 0);
}

/* One solicitation a second, three of them, then hold-down; the entry goes after it. */
static void
test_retransmit_tries_holddown(void **state)
{
	struct fix *f = *state;

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	f->now += ND6_RETRANS_MS * MS - 1;
	assert_false(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_int_equal(ctr(f, ND6C_ns_wait), 1);
	f->now += 1;
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	f->now += ND6_RETRANS_MS * MS;
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	f->now += ND6_RETRANS_MS * MS;
	assert_false(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_false(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_int_equal(ctr(f, ND6C_ns_sent), 3);
	assert_int_equal(ctr(f, ND6C_ns_gave_up), 1);
	assert_int_equal(ctr(f, ND6C_ns_held_down), 2);
	assert_int_equal(entry(f, 0)->state, ND6C_INCOMPLETE);
	/* hold-down counts from the last solicitation */
	f->now += (ND6_HOLDDOWN_MS - ND6_RETRANS_MS) * MS - 1;
	nd6_cache_expire(f->t, f->now);
	assert_non_null(entry(f, 0));
	f->now += 1;
	nd6_cache_expire(f->t, f->now);
	assert_null(entry(f, 0));
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
}

/* An INCOMPLETE entry nobody asks about again goes after the hold-down, counted. */
static void
test_abandoned(void **state)
{
	struct fix *f = *state;

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	f->now += ND6_HOLDDOWN_MS * MS - 1;
	nd6_cache_expire(f->t, f->now);
	assert_non_null(entry(f, 0));
	f->now += 1;
	nd6_cache_expire(f->t, f->now);
	assert_null(entry(f, 0));
	assert_int_equal(ctr(f, ND6C_abandoned), 1);
}

/* The global bucket: a burst of ND6_NS_BURST, then one per 1/ND6_NS_RATE s. */
static void
test_global_rate(void **state)
{
	struct fix *f = *state;
	struct nd6_cache *t = nd6_cache_create(64, AGE_S, f->now);
	uint8_t ip[16] = {0x20, 0x01, 0x0d, 0xb8};
	int sent = 0;

	assert_non_null(t);
	for (int i = 0; i < ND6_NS_BURST + 5; i++) {
		ip[15] = (uint8_t)i;
		sent += nd6_cache_want(t, 1, ip, f->now);
	}
	assert_int_equal(sent, ND6_NS_BURST);
	ip[15] = 200;
	f->now += 1000 / ND6_NS_RATE * MS;
	assert_true(nd6_cache_want(t, 1, ip, f->now));
	nd6_cache_counters(t, f->c);
	assert_int_equal(f->c[ND6C_ns_rate_limited], 5);
	nd6_cache_destroy(t);
}

/* A REACHABLE entry that aged out is resolved afresh by the next want. */
static void
test_want_after_age(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	f->now += AGE_S * S;
	assert_int_equal(look(f, 0, mac), -ENOENT);
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_int_equal(entry(f, 0)->state, ND6C_INCOMPLETE);
}

/* The version moves whenever what senders may use moved, and only then. */
static void
test_version(void **state)
{
	struct fix *f = *state;
	uint64_t v = nd6_cache_version(f->t);

	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_true(nd6_cache_version(f->t) > v);
	v = nd6_cache_version(f->t);
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_int_equal(nd6_cache_version(f->t), v);
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, true, true, f->now));
	assert_true(nd6_cache_version(f->t) > v);
	v = nd6_cache_version(f->t);
	f->now += AGE_S * S;
	nd6_cache_expire(f->t, f->now);
	assert_true(nd6_cache_version(f->t) > v);
}

/* nd6_cache_probe: nothing due, or the entry i at MAC_A. */
static bool
probe(struct fix *f, int i)
{
	uint8_t ip[16], mac[6];
	uint32_t iface = 0;

	if (!nd6_cache_probe(f->t, f->now, &iface, ip, mac))
		return false;
	assert_int_equal(iface, 1);
	assert_memory_equal(ip, f->ip[i], 16);
	assert_memory_equal(mac, MAC_A, 6);
	return true;
}

/*
 * A STALE entry used: DELAY (still used), the first unicast probe 5 s later
 * (PROBE), none again within 1 s; a solicited advertisement with the same
 * address confirms it (REACHABLE) and the probing stops.
 */
static void
test_delay_probe_confirmed(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	assert_false(probe(f, 0));	/* STALE and unused: never probed */
	assert_int_equal(look(f, 0, mac), 0);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_DELAY);
	assert_int_equal(ctr(f, ND6C_delayed), 1);
	assert_int_equal(look(f, 0, mac), 0);	/* used in DELAY: no second delay */
	assert_int_equal(ctr(f, ND6C_delayed), 1);
	f->now += ND6_DELAY_FIRST_PROBE_MS * MS - 1;
	assert_false(probe(f, 0));
	f->now += 1;
	assert_true(probe(f, 0));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_PROBE);
	assert_int_equal(look(f, 0, mac), 0);	/* still used while probed */
	assert_memory_equal(mac, MAC_A, 6);
	f->now += ND6_RETRANS_MS * MS - 1;
	assert_false(probe(f, 0));
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, false, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
	f->now += 10 * S;
	assert_false(probe(f, 0));
	assert_int_equal(ctr(f, ND6C_probe_sent), 1);
	assert_int_equal(ctr(f, ND6C_probe_failed), 0);
	assert_int_equal(ctr(f, ND6C_confirmed), 1);
}

/*
 * PROBE unanswered: three unicast solicitations RETRANS_TIMER apart
 * (MAX_UNICAST_SOLICIT), then INCOMPLETE: no longer used (the version moves
 * so the workers drop it), and the next use solicits by multicast.
 */
static void
test_probe_unanswered(void **state)
{
	struct fix *f = *state;
	uint64_t v;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	assert_int_equal(look(f, 0, mac), 0);
	f->now += ND6_DELAY_FIRST_PROBE_MS * MS;
	for (int k = 0; k < ND6_UNICAST_TRIES; k++) {
		assert_true(probe(f, 0));
		assert_false(probe(f, 0));
		f->now += ND6_RETRANS_MS * MS;
	}
	v = nd6_cache_version(f->t);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now - 1), ND6C_PROBE);
	assert_false(probe(f, 0));	/* out of tries: INCOMPLETE on the way */
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_INCOMPLETE);
	assert_true(nd6_cache_version(f->t) != v);
	assert_int_equal(look(f, 0, mac), -ENOENT);
	assert_int_equal(ctr(f, ND6C_probe_sent), ND6_UNICAST_TRIES);
	assert_int_equal(ctr(f, ND6C_probe_failed), 1);
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));	/* multicast now */
	f->now += 60 * S;
	assert_false(probe(f, 0));
	/* its solicited answer: learned again */
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_REACHABLE);
}

/*
 * DELAY, then the neighbor announces another address (unsolicited, O set,
 * to all-nodes: section 7.2.6): the entry takes it, STALE, and is not
 * probed (it was not used since).
 */
static void
test_delay_then_unsolicited_override(void **state)
{
	struct fix *f = *state;
	uint8_t mac[6];

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	assert_int_equal(look(f, 0, mac), 0);
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_B, false, true, f->now));
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_STALE);
	assert_memory_equal(entry(f, 0)->mac, MAC_B, 6);
	f->now += 60 * S;
	assert_false(probe(f, 0));
	assert_int_equal(ctr(f, ND6C_mac_changed), 1);
	/* O clear and yet another address in DELAY: ignored, the entry keeps MAC_B */
	assert_int_equal(look(f, 0, mac), 0);
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, false, false, f->now));
	assert_memory_equal(entry(f, 0)->mac, MAC_B, 6);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_DELAY);
}

/*
 * The workers' use (nd6_cache_used): a STALE entry goes to DELAY and is
 * probed 5 s later; a REACHABLE one, or one in DELAY already, is left as it
 * is; an address with no entry gets none.
 */
static void
test_worker_use_delays(void **state)
{
	struct fix *f = *state;

	assert_true(nd6_cache_solicit(f->t, 1, f->ip[0], MAC_A, f->now));
	nd6_cache_used(f->t, 1, f->ip[0], f->now);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 0), f->now), ND6C_DELAY);
	f->now += S;
	nd6_cache_used(f->t, 1, f->ip[0], f->now);	/* still DELAY, from the first use */
	f->now += ND6_DELAY_FIRST_PROBE_MS * MS - S;
	assert_true(probe(f, 0));
	assert_int_equal(ctr(f, ND6C_delayed), 1);
	nd6_cache_used(f->t, 1, f->ip[1], f->now);
	assert_null(entry(f, 1));
	assert_true(nd6_cache_want(f->t, 1, f->ip[2], f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[2], MAC_A, true, true, f->now));
	nd6_cache_used(f->t, 1, f->ip[2], f->now);
	assert_int_equal(nd6_cache_state(f->t, entry(f, 2), f->now), ND6C_REACHABLE);
	assert_int_equal(nd6_cache_count(f->t), 2);
}

/*
 * RFC 4861 section 6.3.2: ReachableTime is the interface's (IOS "ipv6 nd
 * reachable-time"). Interface 1 at 2.5 s goes STALE then, interface 2 keeps
 * the default 30 s; 0 is "unspecified", the default again; a time beyond IOS's
 * 3,600,000 ms or an interface beyond the table is refused and changes nothing.
 */
static void
test_reachable_time_per_interface(void **state)
{
	struct fix *f = *state;
	const struct nd6c_entry *a, *b;

	assert_int_equal(nd6_cache_set_reachable(f->t, 1, 2500), 0);
	assert_int_equal(nd6_cache_set_reachable(f->t, 1, ND6_REACHABLE_MAX_MS + 1), -EINVAL);
	assert_int_equal(nd6_cache_set_reachable(f->t, ND6_IFACES_MAX, 2500), -EINVAL);
	assert_true(nd6_cache_want(f->t, 1, f->ip[0], f->now));
	assert_true(nd6_cache_want(f->t, 2, f->ip[1], f->now));
	assert_true(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	assert_true(nd6_cache_advert(f->t, 2, f->ip[1], MAC_B, true, true, f->now));
	a = entry(f, 0);
	b = entry(f, 1);
	f->now += 2500 * MS - 1;
	assert_int_equal(nd6_cache_state(f->t, a, f->now), ND6C_REACHABLE);
	f->now += 1;
	assert_int_equal(nd6_cache_state(f->t, a, f->now), ND6C_STALE);
	assert_int_equal(nd6_cache_state(f->t, b, f->now), ND6C_REACHABLE);
	nd6_cache_expire(f->t, f->now);		/* settles: counted once, stored */
	assert_int_equal(a->state, ND6C_STALE);
	assert_int_equal(ctr(f, ND6C_went_stale), 1);
	f->now += ND6_REACHABLE_MS * MS - 2500 * MS - 1;
	assert_int_equal(nd6_cache_state(f->t, b, f->now), ND6C_REACHABLE);
	f->now += 1;
	assert_int_equal(nd6_cache_state(f->t, b, f->now), ND6C_STALE);
	/* 0: back to the default, also for an entry confirmed under the short time */
	assert_int_equal(nd6_cache_set_reachable(f->t, 1, 0), 0);
	assert_false(nd6_cache_advert(f->t, 1, f->ip[0], MAC_A, true, true, f->now));
	f->now += ND6_REACHABLE_MS * MS - 1;
	assert_int_equal(nd6_cache_state(f->t, a, f->now), ND6C_REACHABLE);
	f->now += 1;
	assert_int_equal(nd6_cache_state(f->t, a, f->now), ND6C_STALE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_bad_args),
		cmocka_unit_test_setup_teardown(test_resolve_reachable_then_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsolicited_for_no_entry_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_incomplete_needs_lla, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_solicitation_learns_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_evicts_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_tries_holddown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_want_after_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay_probe_confirmed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay_then_unsolicited_override, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_worker_use_delays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reachable_time_per_interface, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
