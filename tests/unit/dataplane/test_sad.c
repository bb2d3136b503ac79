/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA database and the policy database, on their own:
 *
 *  SAD: add, lookup by (SPI, destination, protocol), a duplicate refused,
 *  delete; a deleted SA freed only after every registered worker reported a
 *  quiescent state (RCU). The inbound table (sad_table.h): probe chains
 *  across tombstones, one SPI under several keys (destinations, ESP and AH,
 *  IPv4 and IPv6), tombstones reused only after the grace period, a table
 *  filled to its half and churned through rebuilds, a reader thread
 *  probing while the control thread churns, and the slot prefetch switched
 *  on and off by the number of inbound SAs.
 *
 *  SPD: first matching line wins across entries and lines; prefixes,
 *  protocols and port ranges; the inbound check is the mirror of a line.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dpsec/ip4.h"
#include "dpsec/ip6.h"

#include "harness.h"
#include "sa.h"
#include "sad.h"
#include "spd.h"

static struct rte_rcu_qsbr *qs;

/* An SA of proto (IPPROTO_ESP or IPPROTO_AH) to dst, an IPv4 or (with ':') IPv6 address. */
static struct sa *
new_sa_p(uint32_t spi, const char *dst, enum cfg_dir dir, uint8_t proto)
{
	struct sa *sa = calloc(1, sizeof(*sa));

	sa->rt = rte_zmalloc("test_rt", sizeof(*sa->rt) + 4 * 8, RTE_CACHE_LINE_SIZE);
	sa->rt->spi_be = rte_cpu_to_be_32(spi);
	sa->spi = spi;
	sa->dir = dir;
	sa->proto = proto;
	if (strchr(dst, ':') != NULL) {
		sa->v6 = true;
		assert_true(ip6_parse(dst, sa->local6));
	} else {
		assert_true(ip4_parse(dst, &sa->local));
	}
	return sa;
}

static struct sa *
new_sa(uint32_t spi, const char *dst, enum cfg_dir dir)
{
	return new_sa_p(spi, dst, dir, IPPROTO_ESP);
}

/* A refused SA is still the caller's. */
static void
drop_sa(struct sa *sa)
{
	rte_free(sa->rt);
	free(sa);
}

/* What esp_in.c and ah_in.c ask: the SA of a packet of proto with this SPI, to dst. */
static struct sa_rt *
lookup_p(struct sad *sad, uint32_t spi, const char *dst, uint8_t proto)
{
	uint32_t spi_be = rte_cpu_to_be_32(spi), dst_be;
	struct sad_key k;
	const struct sad_key *kp = &k;
	struct sa_rt *out;

	if (strchr(dst, ':') != NULL) {
		uint8_t a6[16];

		assert_true(ip6_parse(dst, a6));
		sad_key_set(&k, (const uint8_t *)&spi_be, sad_fold6(a6), proto | SAD_V6);
	} else {
		assert_true(ip4_parse(dst, &dst_be));
		sad_key_set(&k, (const uint8_t *)&spi_be, dst_be, proto);
	}
	sad_lookup_bulk(sad, &kp, 1, &out);
	return out;
}

static struct sa_rt *
lookup(struct sad *sad, uint32_t spi, const char *dst)
{
	return lookup_p(sad, spi, dst, IPPROTO_ESP);
}

/* What classify.c asks: does any SA have this SPI? */
static bool
spi_absent(struct sad *sad, uint32_t spi)
{
	return sad_table_spi_absent(sad_table(sad), rte_cpu_to_be_32(spi));
}

/* The next SPI after `after` whose home slot is spi's. */
static uint32_t
spi_sharing_home(struct sad *sad, uint32_t spi, uint32_t after)
{
	uint32_t home = sad_spi_slot(sad, rte_cpu_to_be_32(spi));

	after++;
	while (sad_spi_slot(sad, rte_cpu_to_be_32(after)) != home)
		after++;
	return after;
}

static void
test_sad_add_lookup_delete(void **state)
{
	struct sad *sad = sad_create(64, qs);
	struct sa *a = new_sa(0x1001, "192.0.2.2", CFG_DIR_IN);
	struct sa *dup = new_sa(0x1001, "192.0.2.2", CFG_DIR_IN);
	struct sa *other_dst = new_sa(0x1001, "198.51.100.2", CFG_DIR_IN);
	struct sa *out = new_sa(0x1001, "192.0.2.2", CFG_DIR_OUT);

	(void)state;
	assert_int_equal(sad_add(sad, a), 0);
	assert_int_equal(sad_add(sad, dup), -EEXIST);	/* same SPI, destination, protocol */
	assert_int_equal(sad_add(sad, other_dst), 0);	/* another local address: another key */
	assert_int_equal(sad_add(sad, out), 0);		/* outbound SAs are not looked up by SPI */
	assert_int_equal(sad_count(sad), 3);
	assert_ptr_equal(lookup(sad, 0x1001, "192.0.2.2"), a->rt);
	assert_ptr_equal(lookup(sad, 0x1001, "198.51.100.2"), other_dst->rt);
	assert_null(lookup(sad, 0x1002, "192.0.2.2"));
	assert_null(lookup(sad, 0x1001, "203.0.113.2"));
	assert_true(spi_absent(sad, 0x1002));
	assert_false(spi_absent(sad, 0x1001));

	/* deleted: gone from lookups at once */
	sad_remove(sad, a);
	assert_int_equal(a->rt->state, SA_DYING);
	assert_null(lookup(sad, 0x1001, "192.0.2.2"));
	assert_ptr_equal(lookup(sad, 0x1001, "198.51.100.2"), other_dst->rt);
	assert_int_equal(sad_count(sad), 2);
	/* no worker registered: the grace period is over immediately */
	assert_int_equal(sad_reclaim(sad), 1);
	drop_sa(dup);
	sad_destroy(sad);
}

/* A registered worker that has not passed a quiescent state holds the SA. */
static void
test_sad_rcu_grace_period(void **state)
{
	struct sad *sad = sad_create(64, qs);
	struct sa *a = new_sa(0x2002, "192.0.2.2", CFG_DIR_IN);

	(void)state;
	assert_int_equal(sad_add(sad, a), 0);
	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	/* the "worker" looked the SA up and still holds the pointer */
	assert_ptr_equal(lookup(sad, 0x2002, "192.0.2.2"), a->rt);
	sad_remove(sad, a);
	assert_int_equal(sad_reclaim(sad), 0);	/* not freed: the worker may still use it */
	assert_int_equal(a->rt->state, SA_DYING);	/* ... and would see it dying */
	rte_rcu_qsbr_quiescent(qs, 0);		/* the worker's loop turns */
	assert_int_equal(sad_reclaim(sad), 1);
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	sad_destroy(sad);
}

/*
 * A new SA with the key of a deleted one, while a worker may still hold the
 * old: the lookup finds the new one, in another slot (the old slot is a
 * tombstone until the grace period ends). Once it has ended, the slot is
 * reused by the next insert on its chain, but only after the whole chain
 * was searched for a duplicate.
 */
static void
test_sad_reinsert_after_remove(void **state)
{
	struct sad *sad = sad_create(64, qs);
	struct sa *a = new_sa(0x3003, "192.0.2.2", CFG_DIR_IN);
	struct sa *b = new_sa(0x3003, "192.0.2.2", CFG_DIR_IN);
	struct sa *dup = new_sa(0x3003, "192.0.2.2", CFG_DIR_IN);
	struct sa *c = new_sa(0x3003, "192.0.2.2", CFG_DIR_IN);
	int32_t a_slot;

	(void)state;
	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	assert_int_equal(sad_add(sad, a), 0);
	a_slot = a->slot;
	assert_ptr_equal(lookup(sad, 0x3003, "192.0.2.2"), a->rt);
	sad_remove(sad, a);
	assert_int_equal(sad_add(sad, b), 0);
	assert_int_not_equal(b->slot, a_slot);	/* a's slot is not reusable yet */
	assert_ptr_equal(lookup(sad, 0x3003, "192.0.2.2"), b->rt);
	assert_int_equal(sad_reclaim(sad), 0);
	rte_rcu_qsbr_quiescent(qs, 0);
	assert_int_equal(sad_reclaim(sad), 1);	/* a freed: its slot is reusable */
	/* b, further along the chain, is still found as a duplicate */
	assert_int_equal(sad_add(sad, dup), -EEXIST);
	sad_remove(sad, b);
	rte_rcu_qsbr_quiescent(qs, 0);
	assert_int_equal(sad_reclaim(sad), 1);
	assert_null(lookup(sad, 0x3003, "192.0.2.2"));
	assert_true(spi_absent(sad, 0x3003));
	assert_int_equal(sad_add(sad, c), 0);
	assert_int_equal(c->slot, a_slot);	/* the first reusable slot on the chain */
	assert_ptr_equal(lookup(sad, 0x3003, "192.0.2.2"), c->rt);
	assert_false(spi_absent(sad, 0x3003));
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	drop_sa(dup);
	sad_destroy(sad);
}

/*
 * Three SPIs with one home slot: the second SA sits behind the first on the
 * chain; the first removed, its tombstone does not end the chain: the
 * second is still found, and the third SPI, which no SA has, is still
 * proven absent (by the lookup and by classification's SPI-only probe).
 */
static void
test_sad_probe_across_tombstone(void **state)
{
	struct sad *sad = sad_create(64, qs);
	uint32_t spi = 0x4004, twin = spi_sharing_home(sad, spi, spi);
	uint32_t third = spi_sharing_home(sad, spi, twin);
	struct sa *a = new_sa(spi, "192.0.2.2", CFG_DIR_IN);
	struct sa *b = new_sa(twin, "192.0.2.2", CFG_DIR_IN);

	(void)state;
	assert_int_equal(sad_add(sad, a), 0);
	assert_int_equal(sad_add(sad, b), 0);
	assert_int_equal(b->slot, (a->slot + 1) % 128);	/* 64 SAs: 128 slots */
	assert_false(spi_absent(sad, twin));
	assert_true(spi_absent(sad, third));
	sad_remove(sad, a);
	assert_null(lookup(sad, spi, "192.0.2.2"));
	assert_true(spi_absent(sad, spi));
	assert_ptr_equal(lookup(sad, twin, "192.0.2.2"), b->rt);
	assert_false(spi_absent(sad, twin));
	assert_null(lookup(sad, third, "192.0.2.2"));
	assert_true(spi_absent(sad, third));
	sad_remove(sad, b);
	assert_null(lookup(sad, twin, "192.0.2.2"));
	assert_true(spi_absent(sad, twin));
	assert_int_equal(sad_reclaim(sad), 2);
	sad_destroy(sad);
}

/*
 * One SPI, six keys: ESP to two IPv4 destinations, AH to one of them, ESP
 * and AH over IPv6 to an address whose fold is that IPv4 destination's
 * value (so only the family tells them apart), and ESP to another IPv6
 * address. Every key finds its own SA, the combinations no SA has find
 * none, and removing one leaves the others.
 */
static void
test_sad_one_spi_many_keys(void **state)
{
	/* 192.0.2.2 as the first 32 bits, the rest zero: folds to 192.0.2.2 */
	static const char v6_like_v4[] = "c000:202::";
	struct sad *sad = sad_create(64, qs);
	struct sa *sas[] = {
		new_sa_p(0x5005, "192.0.2.2", CFG_DIR_IN, IPPROTO_ESP),
		new_sa_p(0x5005, "198.51.100.2", CFG_DIR_IN, IPPROTO_ESP),
		new_sa_p(0x5005, "192.0.2.2", CFG_DIR_IN, IPPROTO_AH),
		new_sa_p(0x5005, v6_like_v4, CFG_DIR_IN, IPPROTO_ESP),
		new_sa_p(0x5005, v6_like_v4, CFG_DIR_IN, IPPROTO_AH),
		new_sa_p(0x5005, "2001:db8::2", CFG_DIR_IN, IPPROTO_ESP),
	};
	struct {
		const char *dst;
		uint8_t proto;
	} keys[] = {
		{"192.0.2.2", IPPROTO_ESP}, {"198.51.100.2", IPPROTO_ESP}, {"192.0.2.2", IPPROTO_AH},
		{v6_like_v4, IPPROTO_ESP},  {v6_like_v4, IPPROTO_AH},	    {"2001:db8::2", IPPROTO_ESP},
	};

	(void)state;
	assert_int_equal(sad_fold6(sas[3]->local6), sas[0]->local);
	for (size_t i = 0; i < RTE_DIM(sas); i++)
		assert_int_equal(sad_add(sad, sas[i]), 0);
	for (size_t i = 0; i < RTE_DIM(sas); i++)
		assert_ptr_equal(lookup_p(sad, 0x5005, keys[i].dst, keys[i].proto), sas[i]->rt);
	assert_null(lookup_p(sad, 0x5005, "198.51.100.2", IPPROTO_AH));
	assert_null(lookup_p(sad, 0x5005, "2001:db8::2", IPPROTO_AH));
	assert_null(lookup_p(sad, 0x5005, "203.0.113.2", IPPROTO_ESP));
	sad_remove(sad, sas[0]);
	assert_null(lookup_p(sad, 0x5005, "192.0.2.2", IPPROTO_ESP));
	for (size_t i = 1; i < RTE_DIM(sas); i++)
		assert_ptr_equal(lookup_p(sad, 0x5005, keys[i].dst, keys[i].proto), sas[i]->rt);
	for (size_t i = 1; i < RTE_DIM(sas); i++) {
		assert_false(spi_absent(sad, 0x5005));
		sad_remove(sad, sas[i]);
	}
	assert_true(spi_absent(sad, 0x5005));
	assert_int_equal(sad_reclaim(sad), RTE_DIM(sas));
	sad_destroy(sad);
}

/*
 * A table for 64 SAs (128 slots) holds 64 and refuses the 65th; then SAs
 * are replaced one by one, 2,000 times, half of the removed ones reclaimed
 * at once and half left waiting: tombstones pile up, the table is rebuilt
 * from the live SAs, and after every step each live SA is found and each
 * removed SPI proven absent.
 */
#define FULL_N 64

static void
test_sad_full_and_churned(void **state)
{
	struct sad *sad = sad_create(FULL_N, qs);
	struct sa *live[FULL_N], *extra;
	uint32_t next = 0x60000;

	(void)state;
	for (int i = 0; i < FULL_N; i++) {
		live[i] = new_sa(next++, "192.0.2.2", CFG_DIR_IN);
		assert_int_equal(sad_add(sad, live[i]), 0);
	}
	extra = new_sa(next++, "192.0.2.2", CFG_DIR_IN);
	assert_int_equal(sad_add(sad, extra), -ENOSPC);
	drop_sa(extra);
	extra = new_sa(next++, "192.0.2.2", CFG_DIR_OUT);	/* outbound: not in the table */
	assert_int_equal(sad_add(sad, extra), 0);
	for (int i = 0; i < FULL_N; i++)
		assert_ptr_equal(lookup(sad, live[i]->spi, "192.0.2.2"), live[i]->rt);

	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	for (int r = 0; r < 2000; r++) {
		int i = r % FULL_N;
		uint32_t gone = live[i]->spi;

		sad_remove(sad, live[i]);
		if (r % 2 == 0)
			rte_rcu_qsbr_quiescent(qs, 0);
		sad_reclaim(sad);
		live[i] = new_sa(next++, "192.0.2.2", CFG_DIR_IN);
		assert_int_equal(sad_add(sad, live[i]), 0);
		assert_null(lookup(sad, gone, "192.0.2.2"));
		assert_true(spi_absent(sad, gone));
		for (int j = 0; j < FULL_N; j++)
			assert_ptr_equal(lookup(sad, live[j]->spi, "192.0.2.2"), live[j]->rt);
	}
	assert_true(sad_rebuilds(sad) > 0);
	rte_rcu_qsbr_quiescent(qs, 0);
	sad_reclaim(sad);
	assert_int_equal(sad_waiting(sad), 0);
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	sad_destroy(sad);
}

/*
 * The SA-table slot prefetch (classify_outside) runs from SAD_PREFETCH_MIN
 * live inbound SAs on: outbound SAs do not count, removing one below the
 * mark turns it off, and a rebuilt table (tombstones cleared) carries it on.
 */
static bool
prefetching(struct sad *sad)
{
	return __atomic_load_n(&sad_table(sad)->prefetch, __ATOMIC_RELAXED) != 0;
}

static void
test_sad_prefetch_from_many(void **state)
{
	struct sad *sad = sad_create(2 * SAD_PREFETCH_MIN, qs);
	struct sa *in[SAD_PREFETCH_MIN], *out = new_sa(0x7000, "192.0.2.2", CFG_DIR_OUT);
	uint32_t rebuilds = sad_rebuilds(sad), next = 0x8000;

	(void)state;
	assert_int_equal(sad_add(sad, out), 0);
	for (int i = 0; i < SAD_PREFETCH_MIN; i++) {
		assert_false(prefetching(sad));
		in[i] = new_sa(next++, "192.0.2.2", CFG_DIR_IN);
		in[i]->rt->flags = SA_F_INBOUND;
		assert_int_equal(sad_add(sad, in[i]), 0);
	}
	assert_true(prefetching(sad));
	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	/* churn one SA until tombstones force rebuilds: each time one below the mark, then back */
	while (sad_rebuilds(sad) < rebuilds + 2) {
		sad_remove(sad, in[0]);
		assert_false(prefetching(sad));
		rte_rcu_qsbr_quiescent(qs, 0);
		sad_reclaim(sad);
		in[0] = new_sa(next++, "192.0.2.2", CFG_DIR_IN);
		assert_int_equal(sad_add(sad, in[0]), 0);
		assert_true(prefetching(sad));
	}
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	sad_destroy(sad);
}

/*
 * A worker thread probes while the control thread churns SAs through the
 * table (inserts into reused tombstones, rebuilds). The worker must always
 * find the SAs that stay, and for the churned SPIs either nothing or an SA
 * of exactly that SPI: never another SA's pointer beside a key (what
 * reusing a slot before the grace period would give).
 */
#define STAY_N 32
#define CHURN_LIVE 48
#define CHURN_ROUNDS 20000
#define CHURN_SPI0 0x100000u

struct reader {
	struct sad *sad;
	uint32_t dst_be;	/* 192.0.2.2 */
	uint32_t stop;		/* atomic */
	uint32_t churned;	/* atomic: SPIs below CHURN_SPI0 + churned were installed */
	uint64_t rounds, missing, wrong;
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;

	rte_rcu_qsbr_thread_register(qs, 0);
	rte_rcu_qsbr_thread_online(qs, 0);
	do {
		const struct sad_key *kp[STAY_N + CHURN_LIVE];
		struct sad_key k[STAY_N + CHURN_LIVE];
		struct sa_rt *out[STAY_N + CHURN_LIVE];
		uint32_t top = CHURN_SPI0 + __atomic_load_n(&r->churned, __ATOMIC_ACQUIRE);

		for (uint32_t i = 0; i < RTE_DIM(k); i++) {
			uint32_t spi = i < STAY_N ? 0x7000 + i : top - (i - STAY_N);
			uint32_t spi_be = rte_cpu_to_be_32(spi);

			sad_key_set(&k[i], (const uint8_t *)&spi_be, r->dst_be, IPPROTO_ESP);
			kp[i] = &k[i];
		}
		sad_lookup_bulk(r->sad, kp, RTE_DIM(k), out);
		for (uint32_t i = 0; i < RTE_DIM(k); i++) {
			if (out[i] == NULL)
				r->missing += i < STAY_N;
			else if (out[i]->spi_be != k[i].spi_be)
				r->wrong++;
		}
		__atomic_store_n(&r->rounds, r->rounds + 1, __ATOMIC_RELEASE);
		rte_rcu_qsbr_quiescent(qs, 0);
	} while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE));
	rte_rcu_qsbr_thread_offline(qs, 0);
	rte_rcu_qsbr_thread_unregister(qs, 0);
	return NULL;
}

static void
test_sad_concurrent_reader(void **state)
{
	struct reader r = {.sad = sad_create(STAY_N + CHURN_LIVE, qs)};
	struct sa *churn[CHURN_LIVE] = {NULL};
	uint64_t seen = 0;
	pthread_t th;

	(void)state;
	assert_true(ip4_parse("192.0.2.2", &r.dst_be));
	for (int i = 0; i < STAY_N; i++)
		assert_int_equal(sad_add(r.sad, new_sa(0x7000 + i, "192.0.2.2", CFG_DIR_IN)), 0);
	assert_int_equal(pthread_create(&th, NULL, reader_main, &r), 0);
	for (uint32_t n = 0; n < CHURN_ROUNDS; n++) {
		struct sa **slot = &churn[n % CHURN_LIVE];

		if (*slot != NULL)
			sad_remove(r.sad, *slot);
		sad_reclaim(r.sad);
		*slot = new_sa(CHURN_SPI0 + n, "192.0.2.2", CFG_DIR_IN);
		assert_int_equal(sad_add(r.sad, *slot), 0);
		__atomic_store_n(&r.churned, n + 1, __ATOMIC_RELEASE);
		/* every 256 changes, let the reader probe at least once: they interleave */
		if (n % 256 == 0) {
			while (__atomic_load_n(&r.rounds, __ATOMIC_ACQUIRE) == seen)
				sched_yield();
			seen = __atomic_load_n(&r.rounds, __ATOMIC_ACQUIRE);
		}
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	sad_reclaim(r.sad);
	assert_int_equal(sad_waiting(r.sad), 0);
	print_message("reader: %" PRIu64 " bursts, %u table rebuilds\n", r.rounds,
		      sad_rebuilds(r.sad));
	assert_true(r.rounds >= CHURN_ROUNDS / 256);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.wrong, 0);
	sad_destroy(r.sad);
}

/* Three entries; lines with prefixes, protocols and ports. */
static void
test_spd_match(void **state)
{
	struct cfg_acl l10[2], l20[1], l30[1];
	struct cfg_map_entry e[3];
	struct cfg_crypto_map map = {.entries = e, .n_entries = 3, .iface = 0};
	struct dpsec_config cfg = {.crypto_maps = &map, .n_crypto_maps = 1};
	struct rte_ipv4_hdr ip;
	uint8_t pkt[64] = {0};
	struct spd *spd;
	bool host;

#define ACL(a, s, d, p, sp0, sp1, dp0, dp1)                                                        \
	do {                                                                                       \
		(a) = (struct cfg_acl){.proto = (p), .sport = {sp0, sp1}, .dport = {dp0, dp1}};   \
		ip4_prefix_parse(s, &(a).src, &host);                                              \
		ip4_prefix_parse(d, &(a).dst, &host);                                              \
	} while (0)
	(void)state;
	ACL(l10[0], "10.0.2.0/24", "10.0.0.0/24", 0, 0, 65535, 0, 65535);
	ACL(l10[1], "10.0.2.0/24", "10.0.9.0/24", IPPROTO_UDP, 0, 65535, 53, 53);
	ACL(l20[0], "10.0.2.0/23", "10.0.0.0/16", IPPROTO_TCP, 1000, 2000, 0, 65535);
	ACL(l30[0], "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535, 0, 65535);
	e[0] = (struct cfg_map_entry){.seq = 10, .match = l10, .n_match = 2};
	e[1] = (struct cfg_map_entry){.seq = 20, .match = l20, .n_match = 1};
	e[2] = (struct cfg_map_entry){.seq = 30, .match = l30, .n_match = 1};
	spd = spd_create(&cfg);
	assert_non_null(spd);
	assert_int_equal(spd->n_pol, 3);
	assert_true(spd->pol[0].ports);		/* line 2 of entry 10 has ports */
	assert_false(spd->pol[2].ports);
	assert_true(spd->ports);

#define PKT(s, d, proto, sp, dpt)                                                                  \
	do {                                                                                       \
		uint32_t a_;                                                                       \
		memset(&ip, 0, sizeof(ip));                                                        \
		ip.version_ihl = 0x45;                                                             \
		ip.total_length = rte_cpu_to_be_16(40);                                            \
		ip.next_proto_id = (proto);                                                        \
		ip4_parse(s, &a_);                                                                 \
		ip.src_addr = a_;                                                                  \
		ip4_parse(d, &a_);                                                                 \
		ip.dst_addr = a_;                                                                  \
		memcpy(pkt, &ip, sizeof(ip));                                                      \
		pkt[20] = (uint8_t)((sp) >> 8);                                                    \
		pkt[21] = (uint8_t)(sp);                                                           \
		pkt[22] = (uint8_t)((dpt) >> 8);                                                   \
		pkt[23] = (uint8_t)(dpt);                                                          \
	} while (0)
	/* entry 10, line 1: any protocol */
	PKT("10.0.2.5", "10.0.0.7", IPPROTO_ICMP, 0, 0);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 0);
	/* entry 10, line 2: UDP to port 53 only; else falls through to entry 30 */
	PKT("10.0.2.5", "10.0.9.7", IPPROTO_UDP, 5555, 53);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 0);
	PKT("10.0.2.5", "10.0.9.7", IPPROTO_UDP, 5555, 54);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);
	/* entry 20: TCP from ports 1000-2000, the /23 source */
	PKT("10.0.3.5", "10.0.77.7", IPPROTO_TCP, 1500, 80);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 1);
	PKT("10.0.3.5", "10.0.77.7", IPPROTO_TCP, 2001, 80);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);
	/* a later fragment has no ports: only port-less lines can match it */
	PKT("10.0.3.5", "10.0.77.7", IPPROTO_TCP, 1500, 80);
	((struct rte_ipv4_hdr *)pkt)->fragment_offset = rte_cpu_to_be_16(10);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);

	/* inbound: the mirror of a line of the SA's policy */
	PKT("10.0.0.7", "10.0.2.5", IPPROTO_ICMP, 0, 0);
	assert_true(spd_check_in(spd, 0, (void *)pkt));
	PKT("10.0.9.7", "10.0.2.5", IPPROTO_UDP, 53, 5555);
	assert_true(spd_check_in(spd, 0, (void *)pkt));
	PKT("10.0.9.7", "10.0.2.5", IPPROTO_UDP, 54, 5555);
	assert_false(spd_check_in(spd, 0, (void *)pkt));
	PKT("10.0.2.5", "10.0.0.7", IPPROTO_ICMP, 0, 0);	/* not mirrored */
	assert_false(spd_check_in(spd, 0, (void *)pkt));
	assert_int_equal(spd_policy_of(spd, 0, 1), 1);
	spd_destroy(spd);

	/*
	 * Deny lines: entry 10 leaves 10.0.2.9 and its UDP 123 out, entry 30 takes
	 * the rest of 10.0.2.0/24. The first matching line decides, deny or permit.
	 */
	ACL(l10[0], "10.0.2.9/32", "0.0.0.0/0", 0, 0, 65535, 0, 65535);
	l10[0].action = CFG_ACL_DENY;
	ACL(l10[1], "10.0.2.0/24", "10.0.0.0/24", IPPROTO_UDP, 0, 65535, 123, 123);
	l10[1].action = CFG_ACL_DENY;
	e[0].n_match = 2;
	e[1].n_match = 0;
	ACL(l30[0], "10.0.2.0/24", "10.0.0.0/16", 0, 0, 65535, 0, 65535);
	spd = spd_create(&cfg);
	assert_non_null(spd);
	PKT("10.0.2.9", "10.0.0.7", IPPROTO_ICMP, 0, 0);
	assert_int_equal(spd_match_out(spd, (void *)pkt), SPD_DENY);
	PKT("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 5000, 123);
	assert_int_equal(spd_match_out(spd, (void *)pkt), SPD_DENY);
	PKT("10.0.2.5", "10.0.0.7", IPPROTO_UDP, 5000, 124);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);
	PKT("10.0.2.5", "10.0.0.7", IPPROTO_ICMP, 0, 0);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);
	PKT("10.0.2.5", "10.0.77.7", IPPROTO_ICMP, 0, 0);
	assert_int_equal(spd_match_out(spd, (void *)pkt), 2);
	PKT("10.0.3.5", "10.0.0.7", IPPROTO_ICMP, 0, 0);
	assert_int_equal(spd_match_out(spd, (void *)pkt), CFG_NONE);
	/* inbound: a deny line of the SA's own policy that fits the mirror refuses it */
	e[0].n_match = 3;
	spd_destroy(spd);
	{
		struct cfg_acl l10b[3] = {l10[0], l10[1]};

		ACL(l10b[2], "10.0.2.0/24", "10.0.0.0/16", 0, 0, 65535, 0, 65535);
		e[0].match = l10b;
		spd = spd_create(&cfg);
		assert_non_null(spd);
		PKT("10.0.0.7", "10.0.2.9", IPPROTO_ICMP, 0, 0);
		assert_false(spd_check_in(spd, 0, (void *)pkt));
		PKT("10.0.0.7", "10.0.2.5", IPPROTO_UDP, 123, 5000);
		assert_false(spd_check_in(spd, 0, (void *)pkt));
		PKT("10.0.0.7", "10.0.2.5", IPPROTO_UDP, 124, 5000);
		assert_true(spd_check_in(spd, 0, (void *)pkt));
		PKT("10.0.0.7", "10.0.2.5", IPPROTO_ICMP, 0, 0);
		assert_true(spd_check_in(spd, 0, (void *)pkt));
		spd_destroy(spd);
	}
#undef PKT
#undef ACL
}

/*
 * IPv6 lines: an entry of IPv4 lines and two of IPv6 lines in one map. The
 * IPv6 lookups see only the IPv6 lines, in order; the IPv4 lookup never
 * meets an IPv6 line (a ::/0 line must not turn into 0.0.0.0/0).
 */
static void
test_spd_match6(void **state)
{
	struct cfg_acl l10[1], l20[3], l30[1];
	struct cfg_map_entry e[3];
	struct cfg_crypto_map map = {.entries = e, .n_entries = 3, .iface = 0};
	struct dpsec_config cfg = {.crypto_maps = &map, .n_crypto_maps = 1};
	uint8_t src[16], dst[16], pkt[64] = {0};
	struct spd_flow6 f = {.src = src, .dst = dst};
	struct spd *spd;
	bool host;

#define ACL6(a, act, s, d, p, sp0, sp1, dp0, dp1)                                                 \
	do {                                                                                       \
		(a) = (struct cfg_acl){.proto = (p), .sport = {sp0, sp1}, .dport = {dp0, dp1},    \
				       .action = (act), .v6 = true};                               \
		assert_true(ip6_prefix_parse(s, &(a).src6, &host));                                \
		assert_true(ip6_prefix_parse(d, &(a).dst6, &host));                                \
	} while (0)
#define FLOW(s, d, p, sp, dpt)                                                                     \
	do {                                                                                       \
		assert_true(ip6_parse(s, src));                                                    \
		assert_true(ip6_parse(d, dst));                                                    \
		f.proto = (uint8_t)(p);                                                            \
		f.has_ports = f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP;                    \
		f.sport = (sp);                                                                    \
		f.dport = (dpt);                                                                   \
	} while (0)
	(void)state;
	l10[0] = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535}};
	assert_true(ip4_prefix_parse("10.0.2.0/24", &l10[0].src, &host));
	assert_true(ip4_prefix_parse("10.0.0.0/24", &l10[0].dst, &host));
	ACL6(l20[0], CFG_ACL_DENY, "2001:db8:2::/48", "2001:db8:0:1::/64", IPPROTO_UDP, 0, 65535,
	     123, 123);
	ACL6(l20[1], CFG_ACL_PERMIT, "2001:db8:2::/48", "2001:db8::/33", 0, 0, 65535, 0, 65535);
	ACL6(l20[2], CFG_ACL_PERMIT, "2001:db8:2::/48", "2001:db8:ff00::/40", IPPROTO_TCP, 0,
	     65535, 443, 443);
	ACL6(l30[0], CFG_ACL_PERMIT, "::/0", "::/0", 58, 0, 65535, 0, 65535);
	e[0] = (struct cfg_map_entry){.seq = 10, .match = l10, .n_match = 1};
	e[1] = (struct cfg_map_entry){.seq = 20, .match = l20, .n_match = 3, .inner_v6 = true};
	e[2] = (struct cfg_map_entry){.seq = 30, .match = l30, .n_match = 1, .inner_v6 = true};
	spd = spd_create(&cfg);
	assert_non_null(spd);
	assert_int_equal(spd->n_rules, 1);
	assert_int_equal(spd->n_rules6, 4);
	assert_true(spd->pol[1].ports);
	assert_false(spd->ports);	/* IPv6 ports do not make IPv4 lookups parse theirs */

	/* entry 20: the /33 keeps the half of 2001:db8::/32 whose bit 33 is 0 */
	FLOW("2001:db8:2::5", "2001:db8:7fff::1", IPPROTO_ICMPV6, 0, 0);
	assert_int_equal(spd_match_out6(spd, &f), 1);
	/* bit 33 set: not the /33; TCP 443 to the /40 is line 3 */
	FLOW("2001:db8:2::5", "2001:db8:ff00::1", IPPROTO_TCP, 40000, 443);
	assert_int_equal(spd_match_out6(spd, &f), 1);
	/* anything else there: only entry 30's ICMPv6 line is left */
	FLOW("2001:db8:2::5", "2001:db8:ff00::1", IPPROTO_TCP, 40000, 80);
	assert_int_equal(spd_match_out6(spd, &f), CFG_NONE);
	FLOW("2001:db8:2::5", "2001:db8:ff00::1", IPPROTO_ICMPV6, 0, 0);
	assert_int_equal(spd_match_out6(spd, &f), 2);
	/* the deny line comes first: NTP to 2001:db8:0:1::/64 is not protected */
	FLOW("2001:db8:2::5", "2001:db8:0:1::9", IPPROTO_UDP, 5000, 123);
	assert_int_equal(spd_match_out6(spd, &f), SPD_DENY);
	FLOW("2001:db8:2::5", "2001:db8:0:1::9", IPPROTO_UDP, 5000, 124);
	assert_int_equal(spd_match_out6(spd, &f), 1);
	/* no ports known (a later fragment): a port line cannot match it */
	FLOW("2001:db8:2::5", "2001:db8:ff00::1", IPPROTO_TCP, 40000, 443);
	f.has_ports = false;
	assert_int_equal(spd_match_out6(spd, &f), CFG_NONE);
	/* a source outside every line */
	FLOW("2001:db8:3::5", "2001:db8:7fff::1", IPPROTO_UDP, 1, 2);
	assert_int_equal(spd_match_out6(spd, &f), CFG_NONE);

	/* inbound: the mirror of the policy's lines, a deny first refusing */
	FLOW("2001:db8:7fff::1", "2001:db8:2::5", IPPROTO_ICMPV6, 0, 0);
	assert_true(spd_check_in6(spd, 1, &f));
	assert_false(spd_check_in6(spd, 0, &f));	/* the IPv4 entry has no IPv6 line */
	FLOW("2001:db8:2::5", "2001:db8:7fff::1", IPPROTO_ICMPV6, 0, 0);	/* not mirrored */
	assert_false(spd_check_in6(spd, 1, &f));
	FLOW("2001:db8:0:1::9", "2001:db8:2::5", IPPROTO_UDP, 123, 5000);
	assert_false(spd_check_in6(spd, 1, &f));
	FLOW("2001:db8:ff00::1", "2001:db8:2::5", IPPROTO_TCP, 443, 40000);
	assert_true(spd_check_in6(spd, 1, &f));

	/* IPv4: only entry 10's line; ::/0 did not become 0.0.0.0/0 */
	{
		struct rte_ipv4_hdr *ip = (void *)pkt;
		uint32_t a4;

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(40);
		ip->next_proto_id = 58;
		assert_true(ip4_parse("10.0.2.5", &a4));
		ip->src_addr = a4;
		assert_true(ip4_parse("10.0.0.7", &a4));
		ip->dst_addr = a4;
		assert_int_equal(spd_match_out(spd, ip), 0);
		assert_true(ip4_parse("10.0.1.7", &a4));
		ip->dst_addr = a4;
		assert_int_equal(spd_match_out(spd, ip), CFG_NONE);
	}
	spd_destroy(spd);
#undef FLOW
#undef ACL6
}

static int
setup(void **state)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);

	(void)state;
	qs = rte_zmalloc("test_rcu", sz, RTE_CACHE_LINE_SIZE);
	return qs == NULL || rte_rcu_qsbr_init(qs, 1) != 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rte_free(qs);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sad_add_lookup_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_rcu_grace_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_reinsert_after_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_probe_across_tombstone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_one_spi_many_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_full_and_churned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_concurrent_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sad_prefetch_from_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spd_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spd_match6, setup, teardown),
	};

	if (harness_eal_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
