/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "inv_spi.h"

struct inv_spi_table {
	size_t cap;
	size_t n;
	struct inv_spi_counts counts;	/* .flows is n */
	uint32_t mask;			/* buckets - 1 */
	struct inv_spi_flow **bucket;
	struct inv_spi_flow *newest, *oldest;
	struct inv_spi_flow *flows;	/* cap entries, allocated once: noting a flow never fails */
	struct inv_spi_flow *free;	/* unused entries, linked by hnext */
};

struct inv_spi_table *
inv_spi_create(size_t cap)
{
	struct inv_spi_table *t = calloc(1, sizeof(*t));
	uint32_t buckets = 1;

	if (t == NULL)
		return NULL;
	while (buckets < 2 * cap)
		buckets <<= 1;
	t->bucket = calloc(buckets, sizeof(*t->bucket));
	t->flows = calloc(cap, sizeof(*t->flows));
	if (t->bucket == NULL || t->flows == NULL || cap == 0) {
		inv_spi_destroy(t);
		return NULL;
	}
	t->cap = cap;
	t->mask = buckets - 1;
	for (size_t i = 0; i < cap; i++) {
		t->flows[i].hnext = t->free;
		t->free = &t->flows[i];
	}
	return t;
}

void
inv_spi_destroy(struct inv_spi_table *t)
{
	if (t == NULL)
		return;
	free(t->bucket);
	free(t->flows);
	free(t);
}

static uint32_t
key_hash(const struct dp_event *ev)
{
	uint32_t h = ev->spi ^ ((uint32_t)ev->proto << 24), w;

	for (int i = 0; i < 16; i += 4) {
		memcpy(&w, ev->src + i, 4);
		h = (h ^ w) * 2654435761u;
		memcpy(&w, ev->dst + i, 4);
		h = (h ^ w) * 2654435761u;
	}
	return h ^ (h >> 15);
}

static bool
same(const struct inv_spi_flow *f, const struct dp_event *ev)
{
	return f->spi == ev->spi && f->proto == ev->proto && f->ipv6 == ev->ipv6 &&
	       f->iface == ev->iface && memcmp(f->src, ev->src, 16) == 0 &&
	       memcmp(f->dst, ev->dst, 16) == 0;
}

static void
lru_unlink(struct inv_spi_table *t, struct inv_spi_flow *f)
{
	if (f->newer)
		f->newer->older = f->older;
	else
		t->newest = f->older;
	if (f->older)
		f->older->newer = f->newer;
	else
		t->oldest = f->newer;
	f->newer = f->older = NULL;
}

static void
lru_push(struct inv_spi_table *t, struct inv_spi_flow *f)
{
	f->older = t->newest;
	f->newer = NULL;
	if (t->newest)
		t->newest->newer = f;
	t->newest = f;
	if (t->oldest == NULL)
		t->oldest = f;
}

static void
hash_unlink(struct inv_spi_table *t, struct inv_spi_flow *f)
{
	for (struct inv_spi_flow **p = &t->bucket[f->hash & t->mask]; *p != NULL; p = &(*p)->hnext) {
		if (*p == f) {
			*p = f->hnext;
			return;
		}
	}
}

static void
release(struct inv_spi_table *t, struct inv_spi_flow *f)
{
	t->counts.pkts -= f->pkts;
	t->n--;
	f->hnext = t->free;
	t->free = f;
}

static void
evict_oldest(struct inv_spi_table *t)
{
	struct inv_spi_flow *f = t->oldest;

	lru_unlink(t, f);
	hash_unlink(t, f);
	t->counts.flows_evicted++;
	t->counts.pkts_evicted += f->pkts;
	release(t, f);
}

struct inv_spi_flow *
inv_spi_note(struct inv_spi_table *t, const struct dp_event *ev, const struct timespec *now)
{
	uint32_t h = key_hash(ev), b = h & t->mask;
	struct inv_spi_flow *f;

	for (f = t->bucket[b]; f != NULL; f = f->hnext)
		if (f->hash == h && same(f, ev))
			break;
	if (f == NULL) {
		if (t->n == t->cap)
			evict_oldest(t);
		f = t->free;
		t->free = f->hnext;
		memset(f, 0, sizeof(*f));
		f->ipv6 = ev->ipv6;
		f->proto = ev->proto;
		f->iface = ev->iface;
		f->spi = ev->spi;
		memcpy(f->src, ev->src, 16);
		memcpy(f->dst, ev->dst, 16);
		f->hash = h;
		f->first_seen = *now;
		f->state = INV_SPI_NONE;
		f->state_at = *now;
		f->hnext = t->bucket[b];
		t->bucket[b] = f;
		t->n++;
	} else {
		lru_unlink(t, f);
	}
	lru_push(t, f);
	f->udp = ev->udp;
	f->sport = ev->sport;
	f->pkts += ev->pkts;
	t->counts.pkts += ev->pkts;
	f->events++;
	f->last_seen = *now;
	return f;
}

void
inv_spi_logged(struct inv_spi_flow *f, const struct timespec *now)
{
	f->state = INV_SPI_LOGGED;
	f->state_at = *now;
	f->logged_at = *now;
}

void
inv_spi_decided(struct inv_spi_flow *f, enum recovery_action a, const struct timespec *now)
{
	f->state = INV_SPI_DECIDED;
	f->decision = a;
	f->state_at = *now;
	f->decided_at = *now;
}

size_t
inv_spi_list(const struct inv_spi_table *t, struct view_inv_spi *out, size_t max)
{
	size_t n = 0;

	for (const struct inv_spi_flow *f = t->newest; f != NULL && n < max; f = f->older, n++) {
		struct view_inv_spi *v = &out[n];

		*v = (struct view_inv_spi){
			.ipv6 = f->ipv6, .spi = f->spi, .proto = f->proto, .udp = f->udp,
			.iface = f->iface, .pkts = f->pkts, .events = f->events,
			.first_seen = f->first_seen, .last_seen = f->last_seen,
			.static_peer = f->static_peer, .state = f->state, .decision = f->decision,
			.state_at = f->state_at, .logged_at = f->logged_at,
			.decided_at = f->decided_at};
		memcpy(v->src, f->src, 16);
		memcpy(v->dst, f->dst, 16);
	}
	return n;
}

void
inv_spi_counts(const struct inv_spi_table *t, struct inv_spi_counts *out)
{
	*out = t->counts;
	out->flows = t->n;
}

void
inv_spi_clear(struct inv_spi_table *t)
{
	while (t->oldest != NULL) {
		struct inv_spi_flow *f = t->oldest;

		lru_unlink(t, f);
		t->counts.pkts_cleared += f->pkts;
		release(t, f);
	}
	memset(t->bucket, 0, (t->mask + 1) * sizeof(*t->bucket));
}
