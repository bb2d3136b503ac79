/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "sa.h"
#include "sad.h"
#include "sa_build.h"

/* Memory a worker may still read, freed after its grace period (sad_retire). */
struct retired {
	struct retired *next;
	void *p;
	uint64_t rcu_token;
};

#define CONN_BUCKETS_MIN 64

struct sad {
	struct sad_table *tab;	/* published with release, read with acquire (sad_table.h) */
	uint32_t capacity;
	uint32_t rebuilds;
	struct rte_rcu_qsbr *qs;
	struct sa_list live;
	struct sa_list dying;
	struct retired *retired, **retired_tail;	/* FIFO: tokens grow in queue order */
	size_t n_live;
	uint32_t next_conn_id;
	/*
	 * Live SAs by connection id: chained, a power of two of buckets, doubled
	 * when the SAs outnumber them. Ids are handed out in sequence, so the low
	 * bits spread them evenly. Control thread only.
	 */
	struct sa **conn;
	uint32_t conn_mask;
};

static void
sa_key_of(const struct sa *sa, struct sad_key *k)
{
	k->spi_be = rte_cpu_to_be_32(sa->spi);
	k->dst_be = sa->v6 ? sad_fold6(sa->local6) : sa->local;
	k->proto = (sa->proto == IPPROTO_AH ? IPPROTO_AH : IPPROTO_ESP) | (sa->v6 ? SAD_V6 : 0);
}

struct sad *
sad_create(uint32_t capacity, struct rte_rcu_qsbr *qs)
{
	struct sad *sad = calloc(1, sizeof(*sad));

	if (sad == NULL)
		return NULL;
	sad->tab = sad_table_create(capacity, 0);
	sad->conn = calloc(CONN_BUCKETS_MIN, sizeof(*sad->conn));
	if (sad->tab == NULL || sad->conn == NULL) {
		sad_table_free(sad->tab);
		free(sad->conn);
		free(sad);
		return NULL;
	}
	sad->capacity = capacity;
	sad->conn_mask = CONN_BUCKETS_MIN - 1;
	sad->qs = qs;
	TAILQ_INIT(&sad->live);
	TAILQ_INIT(&sad->dying);
	sad->retired_tail = &sad->retired;
	sad->next_conn_id = 2001;	/* IOS-like connection ids */
	return sad;
}

static void
sa_free(struct sad *sad, struct sa *sa)
{
	/* its tombstone is reusable, unless a rebuild left it behind in an older table */
	if (sa->slot >= 0 && sa->slot_gen == sad->tab->gen)
		sad_table_release(sad->tab, (uint32_t)sa->slot);
	sa_rt_free(sa->rt);
	free(sa);
}

void
sad_destroy(struct sad *sad)
{
	struct retired *r;
	struct sa *sa;

	if (sad == NULL)
		return;
	while ((sa = TAILQ_FIRST(&sad->live)) != NULL) {
		TAILQ_REMOVE(&sad->live, sa, link);
		sa->slot = -1;	/* the whole table goes below */
		sa_free(sad, sa);
	}
	while ((sa = TAILQ_FIRST(&sad->dying)) != NULL) {
		TAILQ_REMOVE(&sad->dying, sa, link);
		sa->slot = -1;
		sa_free(sad, sa);
	}
	while ((r = sad->retired) != NULL) {
		sad->retired = r->next;
		rte_free(r->p);
		free(r);
	}
	sad_table_free(sad->tab);
	free(sad->conn);
	free(sad);
}

static struct sa **
conn_bucket(const struct sad *sad, uint32_t conn_id)
{
	return &sad->conn[conn_id & sad->conn_mask];
}

/* Twice the buckets, when the SAs outnumber them; on no memory, longer chains. */
static void
conn_grow(struct sad *sad)
{
	uint32_t n = (sad->conn_mask + 1) * 2;
	struct sa **old = sad->conn, **nb = calloc(n, sizeof(*nb));
	uint32_t old_n = sad->conn_mask + 1;

	if (nb == NULL)
		return;
	sad->conn = nb;
	sad->conn_mask = n - 1;
	for (uint32_t i = 0; i < old_n; i++) {
		struct sa *sa = old[i], *next;

		for (; sa != NULL; sa = next) {
			struct sa **b = conn_bucket(sad, sa->conn_id);

			next = sa->conn_next;
			sa->conn_next = *b;
			*b = sa;
		}
	}
	free(old);
}

static void
conn_insert(struct sad *sad, struct sa *sa)
{
	struct sa **b;

	if (sad->n_live > sad->conn_mask)
		conn_grow(sad);
	b = conn_bucket(sad, sa->conn_id);
	sa->conn_next = *b;
	*b = sa;
}

static void
conn_remove(struct sad *sad, const struct sa *sa)
{
	struct sa **pp = conn_bucket(sad, sa->conn_id);

	while (*pp != NULL && *pp != sa)
		pp = &(*pp)->conn_next;
	if (*pp != NULL)
		*pp = sa->conn_next;
}

uint32_t
sad_spi_slot(const struct sad *sad, uint32_t spi_be)
{
	return sad_table_home(sad->tab, spi_be);
}

uint32_t
sad_rebuilds(const struct sad *sad)
{
	return sad->rebuilds;
}

const struct sad_table *
sad_table(const struct sad *sad)
{
	return __atomic_load_n(&sad->tab, __ATOMIC_ACQUIRE);
}

static int
table_insert(struct sad_table *t, struct sa *sa)
{
	struct sad_key k;
	int pos;

	sa_key_of(sa, &k);
	pos = sad_table_insert(t, k.spi_be, k.dst_be, sad_table_tag(k.proto), sa->rt);
	if (pos >= 0) {
		sa->slot = pos;
		sa->slot_gen = t->gen;
	}
	return pos;
}

/*
 * Too many tombstones: a new table with the live inbound SAs only, published
 * whole; workers still probing the old one finish their burst in it (an SA
 * removed since is marked dying there too), and it is freed after their
 * grace period. The dying SAs' slots stay behind in it. The SAs learn their
 * new slots only once every one has fitted, so a failure leaves all as it was
 * (it should not happen: the same number of slots, no tombstones).
 */
static int
table_rebuild(struct sad *sad)
{
	struct sad_table *old = sad->tab, *t = sad_table_create(sad->capacity, old->gen + 1);
	struct sad_key k;
	struct sa *sa;

	if (t == NULL)
		return -ENOMEM;
	TAILQ_FOREACH(sa, &sad->live, link) {
		if (sa->dir != CFG_DIR_IN)
			continue;
		sa_key_of(sa, &k);
		if (sad_table_insert(t, k.spi_be, k.dst_be, sad_table_tag(k.proto), sa->rt) < 0) {
			sad_table_free(t);
			return -ENOSPC;
		}
	}
	TAILQ_FOREACH(sa, &sad->live, link) {
		if (sa->dir != CFG_DIR_IN)
			continue;
		sa_key_of(sa, &k);
		sa->slot = sad_table_slot_of(t, k.spi_be, k.dst_be, sad_table_tag(k.proto));
		sa->slot_gen = t->gen;
	}
	__atomic_store_n(&sad->tab, t, __ATOMIC_RELEASE);
	sad_retire(sad, old);
	sad->rebuilds++;
	return 0;
}

int
sad_add(struct sad *sad, struct sa *sa)
{
	sa->slot = -1;
	if (sa->dir == CFG_DIR_IN) {
		int rc = table_insert(sad->tab, sa);

		if (rc == -ENOBUFS) {
			rc = table_rebuild(sad);
			if (rc == 0)
				rc = table_insert(sad->tab, sa);
		}
		if (rc < 0)
			return rc;
	}
	TAILQ_INSERT_TAIL(&sad->live, sa, link);
	conn_insert(sad, sa);
	sad->n_live++;
	return 0;
}

void
sad_remove(struct sad *sad, struct sa *sa)
{
	/* Packets that already hold the SA see it dying and count it invalid. */
	__atomic_store_n(&sa->rt->state, SA_DYING, __ATOMIC_RELEASE);
	/* always in the current table: a rebuild moves every live SA */
	if (sa->slot >= 0)
		sad_table_kill(sad->tab, (uint32_t)sa->slot);
	TAILQ_REMOVE(&sad->live, sa, link);
	conn_remove(sad, sa);
	sad->n_live--;
	sa->rcu_token = rte_rcu_qsbr_start(sad->qs);
	TAILQ_INSERT_TAIL(&sad->dying, sa, link);
}

void
sad_retire(struct sad *sad, void *p)
{
	struct retired *r;

	if (p == NULL)
		return;
	r = malloc(sizeof(*r));
	if (r == NULL) {
		/* no memory to queue it: wait for the workers here instead (a rare stall) */
		rte_rcu_qsbr_synchronize(sad->qs, RTE_QSBR_THRID_INVALID);
		rte_free(p);
		return;
	}
	r->next = NULL;
	r->p = p;
	r->rcu_token = rte_rcu_qsbr_start(sad->qs);
	*sad->retired_tail = r;
	sad->retired_tail = &r->next;
}

unsigned int
sad_reclaim(struct sad *sad)
{
	struct retired *r;
	struct sa *sa;
	unsigned int n = 0;

	while ((r = sad->retired) != NULL) {
		if (rte_rcu_qsbr_check(sad->qs, r->rcu_token, false) != 1)
			break;
		sad->retired = r->next;
		if (sad->retired == NULL)
			sad->retired_tail = &sad->retired;
		rte_free(r->p);
		free(r);
	}

	/* Tokens grow in queue order: stop at the first grace period still open. */
	while ((sa = TAILQ_FIRST(&sad->dying)) != NULL) {
		if (rte_rcu_qsbr_check(sad->qs, sa->rcu_token, false) != 1)
			break;
		TAILQ_REMOVE(&sad->dying, sa, link);
		sa_free(sad, sa);
		n++;
	}
	return n;
}

struct sa *
sad_find_conn(const struct sad *sad, uint32_t conn_id)
{
	struct sa *sa = *conn_bucket(sad, conn_id);

	while (sa != NULL && sa->conn_id != conn_id)
		sa = sa->conn_next;
	return sa;
}

const struct sa_list *
sad_live(const struct sad *sad)
{
	return &sad->live;
}

size_t
sad_count(const struct sad *sad)
{
	return sad->n_live;
}

size_t
sad_waiting(const struct sad *sad)
{
	const struct retired *r;
	const struct sa *sa;
	size_t n = 0;

	TAILQ_FOREACH(sa, &sad->dying, link)
		n++;
	for (r = sad->retired; r != NULL; r = r->next)
		n++;
	return n;
}

uint32_t
sad_next_conn_id(struct sad *sad)
{
	return sad->next_conn_id++;
}

void
sad_lookup_bulk(const struct sad *sad, const struct sad_key **keys, unsigned int n,
		struct sa_rt **out)
{
	const struct sad_table *t = sad_table(sad);

	for (unsigned int i = 0; i < n; i++) {
		const struct sad_key *k = keys[i];

		out[i] = sad_table_find(t, k->spi_be, k->dst_be, k->tag);
	}
}
