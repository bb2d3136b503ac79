/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/clk.h"
#include "dpsec/tbucket.h"

#include "nd6_cache.h"

const char *const nd6c_ctr_names[ND6C__COUNT] = {
#define ND6C_X(name, text) [ND6C_##name] = #name,
	ND6C_COUNTERS(ND6C_X)
#undef ND6C_X
};

struct nd6_cache {
	struct nd6c_entry *e;
	uint32_t cap;
	uint32_t n;		/* slots in use */
	uint64_t max_age_ns;
	uint64_t reachable_ns[ND6_IFACES_MAX];	/* per interface (nd6_cache_set_reachable) */
	struct tbucket req;	/* milliseconds */
	uint64_t ctr[ND6C__COUNT];
	uint64_t version;	/* bumped whenever an address may have gained, changed or lost its MAC */
};

struct nd6_cache *
nd6_cache_create(uint32_t cap, uint32_t max_age_s, uint64_t now_ns)
{
	struct nd6_cache *t;

	if (cap == 0 || max_age_s == 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->e = calloc(cap, sizeof(*t->e));
	if (t->e == NULL) {
		free(t);
		return NULL;
	}
	t->cap = cap;
	t->max_age_ns = max_age_s * CLK_NS_PER_S;
	for (uint32_t i = 0; i < ND6_IFACES_MAX; i++)
		t->reachable_ns[i] = ND6_REACHABLE_MS * CLK_NS_PER_MS;
	tbucket_init(&t->req, ND6_NS_RATE, ND6_NS_BURST, 1000, now_ns / CLK_NS_PER_MS);
	return t;
}

void
nd6_cache_destroy(struct nd6_cache *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

int
nd6_cache_set_reachable(struct nd6_cache *t, uint32_t iface, uint32_t ms)
{
	if (iface >= ND6_IFACES_MAX || ms > ND6_REACHABLE_MAX_MS)
		return -EINVAL;
	t->reachable_ns[iface] = (ms != 0 ? ms : ND6_REACHABLE_MS) * CLK_NS_PER_MS;
	return 0;
}

/* An interface beyond the table (none is configured so) has the default. */
static uint64_t
reachable_ns(const struct nd6_cache *t, uint32_t iface)
{
	return iface < ND6_IFACES_MAX ? t->reachable_ns[iface] : ND6_REACHABLE_MS * CLK_NS_PER_MS;
}

enum nd6c_state
nd6_cache_state(const struct nd6_cache *t, const struct nd6c_entry *e, uint64_t now_ns)
{
	if (e->state == ND6C_REACHABLE && now_ns - e->updated_ns >= reachable_ns(t, e->iface))
		return ND6C_STALE;	/* section 7.3.3: ReachableTime passed */
	return e->state;
}

/* The entry's state brought up to now: REACHABLE past its time becomes STALE (counted). */
static enum nd6c_state
settle(struct nd6_cache *t, struct nd6c_entry *e, uint64_t now_ns)
{
	enum nd6c_state s = nd6_cache_state(t, e, now_ns);

	if (s != e->state) {
		t->ctr[ND6C_went_stale]++;
		e->state = (uint8_t)s;
	}
	return s;
}

static struct nd6c_entry *
find(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16])
{
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->e[i].used && t->e[i].iface == iface && memcmp(t->e[i].ip, ip, 16) == 0)
			return &t->e[i];
	return NULL;
}

static void
drop(struct nd6_cache *t, struct nd6c_entry *e)
{
	memset(e, 0, sizeof(*e));
	t->n--;
	t->version++;
}

/* A free slot; when there is none the least recently updated entry goes (counted). */
static struct nd6c_entry *
slot_for_new(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint64_t now_ns)
{
	struct nd6c_entry *e = NULL, *oldest = &t->e[0];

	for (uint32_t i = 0; i < t->cap && e == NULL; i++) {
		if (!t->e[i].used)
			e = &t->e[i];
		else if (t->e[i].updated_ns < oldest->updated_ns)
			oldest = &t->e[i];
	}
	if (e == NULL) {
		t->ctr[ND6C_evicted]++;
		drop(t, oldest);
		e = oldest;
	}
	*e = (struct nd6c_entry){.iface = iface, .used = 1, .state = ND6C_INCOMPLETE,
				 .updated_ns = now_ns};
	memcpy(e->ip, ip, 16);
	t->n++;
	return e;
}

/* e takes lla in state s; true if the MAC to send to changed (or there was none). */
static bool
set_lla(struct nd6_cache *t, struct nd6c_entry *e, const uint8_t lla[6], enum nd6c_state s,
	uint64_t now_ns)
{
	bool changed = e->state == ND6C_INCOMPLETE || memcmp(e->mac, lla, 6) != 0;

	if (e->state != ND6C_INCOMPLETE && changed)
		t->ctr[ND6C_mac_changed]++;
	if (s == ND6C_REACHABLE)
		t->ctr[ND6C_confirmed]++;
	memcpy(e->mac, lla, 6);
	e->state = (uint8_t)s;
	e->tries = 0;
	t->version += changed;
	e->updated_ns = now_ns;
	return changed;
}

bool
nd6_cache_advert(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], const uint8_t *lla,
		 bool solicited, bool override, uint64_t now_ns)
{
	struct nd6c_entry *e = find(t, iface, ip);
	enum nd6c_state s;

	/* section 7.2.5: no entry, nothing to learn (an unsolicited NA creates none) */
	if (e == NULL || (e->state == ND6C_INCOMPLETE && lla == NULL)) {
		t->ctr[ND6C_na_ignored]++;
		return false;
	}
	if (e->state == ND6C_INCOMPLETE) {
		t->ctr[ND6C_learned]++;
		return set_lla(t, e, lla, solicited ? ND6C_REACHABLE : ND6C_STALE, now_ns);
	}
	s = settle(t, e, now_ns);
	if (!override && lla != NULL && memcmp(e->mac, lla, 6) != 0) {
		/* not allowed to override: a REACHABLE entry only becomes STALE */
		if (s == ND6C_REACHABLE) {
			e->state = ND6C_STALE;
			t->ctr[ND6C_went_stale]++;
		} else {
			t->ctr[ND6C_na_ignored]++;
		}
		return false;
	}
	if (lla != NULL && memcmp(e->mac, lla, 6) != 0)
		return set_lla(t, e, lla, solicited ? ND6C_REACHABLE : ND6C_STALE, now_ns);
	if (solicited) {
		t->ctr[ND6C_confirmed]++;
		e->state = ND6C_REACHABLE;	/* also ends DELAY and PROBE (section 7.3.3) */
		e->tries = 0;
		e->updated_ns = now_ns;
	} else {
		t->ctr[ND6C_na_ignored]++;
	}
	return false;
}

bool
nd6_cache_solicit(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], const uint8_t lla[6],
		  uint64_t now_ns)
{
	struct nd6c_entry *e = find(t, iface, ip);

	if (e == NULL) {
		e = slot_for_new(t, iface, ip, now_ns);
		t->ctr[ND6C_learned]++;
		return set_lla(t, e, lla, ND6C_STALE, now_ns);
	}
	if (e->state == ND6C_INCOMPLETE) {
		t->ctr[ND6C_learned]++;
		return set_lla(t, e, lla, ND6C_STALE, now_ns);
	}
	settle(t, e, now_ns);
	if (memcmp(e->mac, lla, 6) != 0)
		return set_lla(t, e, lla, ND6C_STALE, now_ns);
	return false;	/* the same address: the state stays (section 7.2.3) */
}

/* Usable to send to: REACHABLE, or STALE within the age limit. */
static bool
usable(const struct nd6_cache *t, const struct nd6c_entry *e, uint64_t now_ns)
{
	return e->state != ND6C_INCOMPLETE && now_ns - e->updated_ns < t->max_age_ns;
}

/* Section 7.3.3: a packet sent to a STALE neighbor starts the delay. */
static void
mark_used(struct nd6_cache *t, struct nd6c_entry *e, uint64_t now_ns)
{
	if (settle(t, e, now_ns) != ND6C_STALE)
		return;
	t->ctr[ND6C_delayed]++;
	e->state = ND6C_DELAY;
	e->tries = 0;
	e->last_req_ns = now_ns;
}

void
nd6_cache_used(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint64_t now_ns)
{
	struct nd6c_entry *e = find(t, iface, ip);

	if (e != NULL && usable(t, e, now_ns))
		mark_used(t, e, now_ns);
}

int
nd6_cache_lookup(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint8_t mac[6],
		 uint64_t now_ns)
{
	struct nd6c_entry *e = find(t, iface, ip);

	if (e == NULL || !usable(t, e, now_ns)) {
		t->ctr[ND6C_misses]++;
		return -ENOENT;
	}
	mark_used(t, e, now_ns);
	t->ctr[ND6C_hits]++;
	memcpy(mac, e->mac, 6);
	return 0;
}

/* Is e due a unicast probe now? A PROBE entry out of tries goes back to INCOMPLETE. */
static bool
probe_due(struct nd6_cache *t, struct nd6c_entry *e, uint64_t now_ns)
{
	uint64_t since = now_ns - e->last_req_ns;

	if (e->state == ND6C_DELAY)
		return since >= ND6_DELAY_FIRST_PROBE_MS * CLK_NS_PER_MS;
	if (e->state != ND6C_PROBE || since < ND6_RETRANS_MS * CLK_NS_PER_MS)
		return false;
	if (e->tries < ND6_UNICAST_TRIES)
		return true;
	/* unanswered: no longer used to send; the next use solicits by multicast */
	t->ctr[ND6C_probe_failed]++;
	t->version++;
	e->state = ND6C_INCOMPLETE;
	e->tries = 0;
	e->last_req_ns = 0;
	e->updated_ns = now_ns;
	return false;
}

bool
nd6_cache_probe(struct nd6_cache *t, uint64_t now_ns, uint32_t *iface, uint8_t ip[16],
		uint8_t mac[6])
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct nd6c_entry *e = &t->e[i];

		if (!e->used || !probe_due(t, e, now_ns))
			continue;
		if (!tbucket_take(&t->req, now_ns / CLK_NS_PER_MS)) {
			t->ctr[ND6C_ns_rate_limited]++;
			return false;	/* the rest next time */
		}
		if (e->state == ND6C_DELAY) {
			e->state = ND6C_PROBE;
			e->tries = 0;
		}
		e->tries++;
		e->last_req_ns = now_ns;
		t->ctr[ND6C_probe_sent]++;
		*iface = e->iface;
		memcpy(ip, e->ip, 16);
		memcpy(mac, e->mac, 6);
		return true;
	}
	return false;
}

/* An INCOMPLETE entry out of tries: still in hold-down? Counts the giving up once. */
static bool
held_down(struct nd6_cache *t, struct nd6c_entry *e, uint64_t now_ns)
{
	uint64_t since = now_ns - e->last_req_ns;

	if (e->tries < ND6_TRIES || since < ND6_RETRANS_MS * CLK_NS_PER_MS)
		return false;
	if (since >= ND6_HOLDDOWN_MS * CLK_NS_PER_MS) {
		e->tries = 0;	/* hold-down over: a new round of tries */
		return false;
	}
	if (e->tries == ND6_TRIES) {
		t->ctr[ND6C_ns_gave_up]++;
		e->tries++;	/* marks "given up" so that it is counted once */
	}
	return true;
}

bool
nd6_cache_want(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint64_t now_ns)
{
	struct nd6c_entry *e = find(t, iface, ip);

	if (e == NULL) {
		e = slot_for_new(t, iface, ip, now_ns);
	} else if (e->state != ND6C_INCOMPLETE) {
		/* aged: resolve afresh */
		t->version++;
		e->state = ND6C_INCOMPLETE;
		e->tries = 0;
		e->last_req_ns = 0;
		e->updated_ns = now_ns;
	}
	if (held_down(t, e, now_ns)) {
		t->ctr[ND6C_ns_held_down]++;
		return false;
	}
	if (e->tries >= ND6_TRIES ||
	    (e->last_req_ns != 0 && now_ns - e->last_req_ns < ND6_RETRANS_MS * CLK_NS_PER_MS)) {
		t->ctr[ND6C_ns_wait]++;
		return false;
	}
	if (!tbucket_take(&t->req, now_ns / CLK_NS_PER_MS)) {
		t->ctr[ND6C_ns_rate_limited]++;
		return false;
	}
	e->tries++;
	e->last_req_ns = now_ns;
	t->ctr[ND6C_ns_sent]++;
	return true;
}

void
nd6_cache_expire(struct nd6_cache *t, uint64_t now_ns)
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct nd6c_entry *e = &t->e[i];

		if (!e->used)
			continue;
		if (e->state != ND6C_INCOMPLETE) {
			settle(t, e, now_ns);
			if (!usable(t, e, now_ns)) {
				t->ctr[ND6C_aged]++;
				drop(t, e);
			}
		} else if (e->tries >= ND6_TRIES &&
			   now_ns - e->last_req_ns >= ND6_HOLDDOWN_MS * CLK_NS_PER_MS) {
			drop(t, e);	/* counted when it gave up */
		} else if (e->tries < ND6_TRIES &&
			   now_ns - (e->last_req_ns != 0 ? e->last_req_ns : e->updated_ns) >=
				   ND6_HOLDDOWN_MS * CLK_NS_PER_MS) {
			t->ctr[ND6C_abandoned]++;	/* nobody asked again: no INCMP for ever */
			drop(t, e);
		}
	}
}

void
nd6_cache_add(struct nd6_cache *t, enum nd6c_ctr c, uint64_t n)
{
	t->ctr[c] += n;
}

const struct nd6c_entry *
nd6_cache_entries(const struct nd6_cache *t, uint32_t *n)
{
	*n = t->cap;
	return t->e;
}

uint64_t
nd6_cache_version(const struct nd6_cache *t)
{
	return t->version;
}

uint32_t
nd6_cache_count(const struct nd6_cache *t)
{
	return t->n;
}

void
nd6_cache_counters(const struct nd6_cache *t, uint64_t out[ND6C__COUNT])
{
	memcpy(out, t->ctr, sizeof(t->ctr));
}
