/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/clk.h"
#include "dpsec/tbucket.h"

#include "arp_table.h"

const char *const arp_ctr_names[ARP__COUNT] = {
#define ARP_X(name, text) [ARP_##name] = #name,
	ARP_COUNTERS(ARP_X)
#undef ARP_X
};

struct arp_table {
	struct arp_entry *e;
	uint32_t cap;
	uint32_t n;		/* slots in use */
	uint64_t max_age_ns;
	struct tbucket req;	/* milliseconds */
	uint64_t ctr[ARP__COUNT];
};

struct arp_table *
arp_table_create(uint32_t cap, uint32_t max_age_s, uint64_t now_ns)
{
	struct arp_table *t;

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
	tbucket_init(&t->req, ARP_REQ_RATE, ARP_REQ_BURST, 1000, now_ns / CLK_NS_PER_MS);
	return t;
}

void
arp_table_destroy(struct arp_table *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static struct arp_entry *
find(struct arp_table *t, uint32_t iface, uint32_t ip)
{
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->e[i].ip == ip && t->e[i].iface == iface)
			return &t->e[i];
	return NULL;
}

static void
drop(struct arp_table *t, struct arp_entry *e)
{
	memset(e, 0, sizeof(*e));
	t->n--;
}

/* A free slot; when there is none the least recently updated entry goes (counted). */
static struct arp_entry *
slot_for_new(struct arp_table *t, uint32_t iface, uint32_t ip, uint64_t now_ns)
{
	struct arp_entry *e = NULL, *oldest = &t->e[0];

	for (uint32_t i = 0; i < t->cap && e == NULL; i++) {
		if (t->e[i].ip == 0)
			e = &t->e[i];
		else if (t->e[i].updated_ns < oldest->updated_ns)
			oldest = &t->e[i];
	}
	if (e == NULL) {
		t->ctr[ARP_evicted]++;
		drop(t, oldest);
		e = oldest;
	}
	*e = (struct arp_entry){.iface = iface, .ip = ip, .state = ARP_PENDING, .updated_ns = now_ns};
	t->n++;
	return e;
}

bool
arp_table_learn(struct arp_table *t, uint32_t iface, uint32_t ip, const uint8_t mac[6],
		uint64_t now_ns)
{
	struct arp_entry *e = find(t, iface, ip);
	bool changed = true;

	if (ip == 0)
		return false;	/* an ARP probe (RFC 5227): the sender has no address yet */
	if (e != NULL && e->state == ARP_REACHABLE) {
		t->ctr[ARP_refreshed]++;
		changed = memcmp(e->mac, mac, 6) != 0;
		if (changed)
			t->ctr[ARP_mac_changed]++;
	} else {
		t->ctr[ARP_learned]++;
		if (e == NULL)
			e = slot_for_new(t, iface, ip, now_ns);
	}
	memcpy(e->mac, mac, 6);
	e->state = ARP_REACHABLE;
	e->tries = 0;
	e->updated_ns = now_ns;
	return changed;
}

bool
arp_table_has(const struct arp_table *t, uint32_t iface, uint32_t ip)
{
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->e[i].ip == ip && ip != 0 && t->e[i].iface == iface)
			return true;
	return false;
}

void
arp_table_add(struct arp_table *t, enum arp_ctr c, uint64_t n)
{
	t->ctr[c] += n;
}

static bool
fresh(const struct arp_table *t, const struct arp_entry *e, uint64_t now_ns)
{
	return e->state == ARP_REACHABLE && now_ns - e->updated_ns < t->max_age_ns;
}

int
arp_table_lookup(struct arp_table *t, uint32_t iface, uint32_t ip, uint8_t mac[6],
		 uint64_t now_ns)
{
	const struct arp_entry *e = find(t, iface, ip);

	if (ip == 0 || e == NULL || !fresh(t, e, now_ns)) {
		t->ctr[ARP_misses]++;
		return -ENOENT;
	}
	t->ctr[ARP_hits]++;
	memcpy(mac, e->mac, 6);
	return 0;
}

/* A pending entry out of tries: still in hold-down? Counts the giving up once. */
static bool
held_down(struct arp_table *t, struct arp_entry *e, uint64_t now_ns)
{
	uint64_t since = now_ns - e->last_req_ns;

	if (e->tries < ARP_TRIES || since < ARP_RETRY_MS * CLK_NS_PER_MS)
		return false;
	if (since >= ARP_HOLDDOWN_MS * CLK_NS_PER_MS) {
		e->tries = 0;	/* hold-down over: a new round of tries */
		return false;
	}
	if (e->tries == ARP_TRIES) {
		t->ctr[ARP_req_gave_up]++;
		e->tries++;	/* marks "given up" so that it is counted once */
	}
	return true;
}

bool
arp_table_want(struct arp_table *t, uint32_t iface, uint32_t ip, uint64_t now_ns)
{
	struct arp_entry *e = find(t, iface, ip);

	if (ip == 0)
		return false;
	if (e == NULL) {
		e = slot_for_new(t, iface, ip, now_ns);
	} else if (e->state == ARP_REACHABLE) {
		/* aged (or the caller's static lookup failed): resolve afresh */
		e->state = ARP_PENDING;
		e->tries = 0;
		e->last_req_ns = 0;
		e->updated_ns = now_ns;
	}
	if (held_down(t, e, now_ns)) {
		t->ctr[ARP_req_held_down]++;
		return false;
	}
	if (e->tries >= ARP_TRIES ||
	    (e->last_req_ns != 0 && now_ns - e->last_req_ns < ARP_RETRY_MS * CLK_NS_PER_MS)) {
		t->ctr[ARP_req_wait]++;
		return false;
	}
	if (!tbucket_take(&t->req, now_ns / CLK_NS_PER_MS)) {
		t->ctr[ARP_req_rate_limited]++;
		return false;
	}
	e->tries++;
	e->last_req_ns = now_ns;
	t->ctr[ARP_req_sent]++;
	return true;
}

void
arp_table_expire(struct arp_table *t, uint64_t now_ns)
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct arp_entry *e = &t->e[i];

		if (e->ip == 0)
			continue;
		if (e->state == ARP_REACHABLE && !fresh(t, e, now_ns)) {
			t->ctr[ARP_aged]++;
			drop(t, e);
		} else if (e->state == ARP_PENDING && e->tries >= ARP_TRIES &&
			   now_ns - e->last_req_ns >= ARP_HOLDDOWN_MS * CLK_NS_PER_MS) {
			drop(t, e);	/* counted when it gave up */
		} else if (e->state == ARP_PENDING && e->tries < ARP_TRIES &&
			   now_ns - (e->last_req_ns != 0 ? e->last_req_ns : e->updated_ns) >=
				   ARP_HOLDDOWN_MS * CLK_NS_PER_MS) {
			/* nobody asked again (an IKE peer gone quiet): no "Incomplete" for ever */
			t->ctr[ARP_abandoned]++;
			drop(t, e);
		}
	}
}

const struct arp_entry *
arp_table_entries(const struct arp_table *t, uint32_t *n)
{
	*n = t->cap;
	return t->e;
}

uint32_t
arp_table_count(const struct arp_table *t)
{
	return t->n;
}

void
arp_table_counters(const struct arp_table *t, uint64_t out[ARP__COUNT])
{
	memcpy(out, t->ctr, sizeof(t->ctr));
}
