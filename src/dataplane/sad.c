/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
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
	struct rte_hash *h;
	struct rte_rcu_qsbr *qs;
	struct sa_list live;
	struct sa_list dying;
	struct retired *retired, **retired_tail;	/* FIFO: tokens grow in queue order */
	size_t n_live;
	uint32_t next_conn_id;
	uint64_t gen;		/* bumped on every removal (sad_cache) */
	/*
	 * Live SAs by connection id: chained, a power of two of buckets, doubled
	 * when the SAs outnumber them. Ids are handed out in sequence, so the low
	 * bits spread them evenly. Control thread only.
	 */
	struct sa **conn;
	uint32_t conn_mask;
	struct sad_spi_filter spi;	/* sad.h; written by the control thread */
};

/* At least 4 slots per SA (few false "maybe"s), at most 4M slots (8 MiB). */
#define SPI_SLOTS_MIN 4096u
#define SPI_SLOTS_MAX (4u << 20)

static inline uint32_t
spi_slot(const struct sad *sad, uint32_t spi_be)
{
	return sad_spi_filter_slot(&sad->spi, spi_be);
}

static void
sa_key_of(const struct sa *sa, struct sad_key *k)
{
	memset(k, 0, sizeof(*k));
	k->spi_be = rte_cpu_to_be_32(sa->spi);
	k->dst_be = sa->v6 ? sad_fold6(sa->local6) : sa->local;
	k->proto = (sa->proto == IPPROTO_AH ? IPPROTO_AH : IPPROTO_ESP) | (sa->v6 ? SAD_V6 : 0);
}

struct sad *
sad_create(uint32_t capacity, struct rte_rcu_qsbr *qs)
{
	static unsigned int instance;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = capacity,
		.key_len = sizeof(struct sad_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		/* workers read while the control thread writes, without locks */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct sad *sad = calloc(1, sizeof(*sad));

	if (sad == NULL)
		return NULL;
	snprintf(name, sizeof(name), "dpsec_sad%u", instance++);
	hp.name = name;
	sad->h = rte_hash_create(&hp);
	if (sad->h == NULL) {
		free(sad);
		return NULL;
	}
	sad->conn = calloc(CONN_BUCKETS_MIN, sizeof(*sad->conn));
	if (sad->conn == NULL) {
		rte_hash_free(sad->h);
		free(sad);
		return NULL;
	}
	sad->conn_mask = CONN_BUCKETS_MIN - 1;
	sad->spi.mask = SPI_SLOTS_MIN;
	while (sad->spi.mask < SPI_SLOTS_MAX && sad->spi.mask / 4 < capacity)
		sad->spi.mask *= 2;
	sad->spi.count = rte_zmalloc_socket("dpsec_sad_spi", sad->spi.mask * sizeof(uint16_t),
					    RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (sad->spi.count == NULL) {
		free(sad->conn);
		rte_hash_free(sad->h);
		free(sad);
		return NULL;
	}
	sad->spi.mask--;
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
	if (sa->key_pos >= 0)
		rte_hash_free_key_with_position(sad->h, sa->key_pos);
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
		sa->key_pos = -1;	/* the whole table goes below */
		sa_free(sad, sa);
	}
	while ((sa = TAILQ_FIRST(&sad->dying)) != NULL) {
		TAILQ_REMOVE(&sad->dying, sa, link);
		sa->key_pos = -1;
		sa_free(sad, sa);
	}
	while ((r = sad->retired) != NULL) {
		sad->retired = r->next;
		rte_free(r->p);
		free(r);
	}
	rte_hash_free(sad->h);
	rte_free(sad->spi.count);
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
	return spi_slot(sad, spi_be);
}

const struct sad_spi_filter *
sad_spi_filter(const struct sad *sad)
{
	return &sad->spi;
}

/* Control thread: one more (+1) or one fewer (-1) SA with this SPI; a full slot stays full. */
static void
spi_count_add(struct sad *sad, uint32_t spi_be, int d)
{
	uint16_t *c = &sad->spi.count[spi_slot(sad, spi_be)];

	if (*c == UINT16_MAX)
		return;
	__atomic_store_n(c, (uint16_t)(*c + d), __ATOMIC_RELEASE);
}

int
sad_add(struct sad *sad, struct sa *sa)
{
	sa->key_pos = -1;
	if (sa->dir == CFG_DIR_IN) {
		struct sad_key k;
		int rc;

		sa_key_of(sa, &k);
		if (rte_hash_lookup(sad->h, &k) >= 0)
			return -EEXIST;
		/* counted before it can be found: a worker never misses a live SA */
		spi_count_add(sad, k.spi_be, 1);
		rc = rte_hash_add_key_data(sad->h, &k, sa->rt);
		if (rc < 0) {
			spi_count_add(sad, k.spi_be, -1);
			return rc;
		}
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
	if (sa->dir == CFG_DIR_IN) {
		struct sad_key k;

		sa_key_of(sa, &k);
		sa->key_pos = rte_hash_del_key(sad->h, &k);
		spi_count_add(sad, k.spi_be, -1);
	}
	TAILQ_REMOVE(&sad->live, sa, link);
	conn_remove(sad, sa);
	sad->n_live--;
	/* before the grace period starts: see struct sad_cache */
	__atomic_add_fetch(&sad->gen, 1, __ATOMIC_RELEASE);
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
sad_cache_init(struct sad_cache *c)
{
	memset(c, 0, sizeof(*c));
}

static inline uint32_t
cache_slot(uint32_t spi_be)
{
	return (rte_be_to_cpu_32(spi_be) * 2654435761u) >> (32 - 8);
}
_Static_assert(SAD_CACHE_SIZE == 1 << 8, "cache_slot() yields 8 bits");

void
sad_lookup_bulk(const struct sad *sad, struct sad_cache *c, const struct sad_key **keys,
		unsigned int n, struct sa_rt **out)
{
	const struct sad_key *miss[RTE_HASH_LOOKUP_BULK_MAX];
	struct sa_rt *found[RTE_HASH_LOOKUP_BULK_MAX];
	uint16_t at[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t gen = __atomic_load_n(&sad->gen, __ATOMIC_ACQUIRE), hits = 0;
	unsigned int nm = 0;

	if (gen != c->gen) {
		sad_cache_init(c);
		c->gen = gen;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct sad_key *k = keys[i];
		uint32_t slot = cache_slot(k->spi_be);

		if (c->e[slot].sa != NULL && c->e[slot].spi_be == k->spi_be &&
		    c->e[slot].dst_be == k->dst_be && c->e[slot].proto == k->proto) {
			out[i] = c->e[slot].sa;
		} else if (sad_spi_absent(&sad->spi, k->spi_be)) {
			out[i] = NULL;	/* no SA has this SPI: not worth a hash lookup */
		} else {
			miss[nm] = k;
			at[nm++] = (uint16_t)i;
		}
	}
	if (nm == 0)
		return;
	rte_hash_lookup_bulk_data(sad->h, (const void **)miss, nm, &hits, (void **)found);
	for (unsigned int j = 0; j < nm; j++) {
		uint32_t slot;

		if (!(hits & (1ull << j))) {
			out[at[j]] = NULL;
			continue;
		}
		out[at[j]] = found[j];
		slot = cache_slot(miss[j]->spi_be);
		c->e[slot].spi_be = miss[j]->spi_be;
		c->e[slot].dst_be = miss[j]->dst_be;
		c->e[slot].proto = miss[j]->proto;
		c->e[slot].sa = found[j];
	}
}
