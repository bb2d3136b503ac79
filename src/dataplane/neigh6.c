/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane.h"
#include "neigh6.h"
#include "sad.h"

const struct rte_ether_addr *
neigh6_lookup(const struct neigh6_learned *t, uint16_t port, const uint8_t ip[16])
{
	if (t == NULL)
		return NULL;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->e[i].port == port && memcmp(t->e[i].ip, ip, 16) == 0)
			return &t->e[i].mac;
	return NULL;
}

const struct rte_ether_addr *
neigh6_use(const struct neigh6_learned *t, uint16_t port, const uint8_t ip[16])
{
	const struct rte_ether_addr *mac = neigh6_lookup(t, port, ip);

	if (mac != NULL) {
		/* the entry holding mac: its use mark, the only byte a worker writes here */
		struct neigh6_learned_ent *e = (struct neigh6_learned_ent *)(uintptr_t)(
			(const uint8_t *)mac - offsetof(struct neigh6_learned_ent, mac));

		if (__atomic_load_n(&e->used, __ATOMIC_RELAXED) == 0)
			__atomic_store_n(&e->used, 1, __ATOMIC_RELAXED);
	}
	return mac;
}

size_t
dp_neighbor6_used(struct dp *dp, struct dp_neighbor6 *out, size_t max)
{
	struct neigh6_learned *t = __atomic_load_n(&dp->neigh6, __ATOMIC_ACQUIRE);
	size_t k = 0;

	if (t == NULL)
		return 0;
	for (uint32_t i = 0; i < t->n && k < max; i++) {
		if (__atomic_exchange_n(&t->e[i].used, 0, __ATOMIC_RELAXED) == 0)
			continue;
		out[k].iface = dp->ports[t->e[i].port].iface;
		memcpy(out[k].ip, t->e[i].ip, 16);
		memcpy(out[k].mac, t->e[i].mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		k++;
	}
	return k;
}

const struct neigh6_learned *
neigh6_current(const struct dp *dp)
{
	return __atomic_load_n(&dp->neigh6, __ATOMIC_ACQUIRE);
}

int
dp_neighbor6_set(struct dp *dp, const struct dp_neighbor6 *v, uint32_t n)
{
	struct neigh6_learned *t = NULL, *old;

	if (n != 0) {
		uint32_t k = 0;

		t = rte_zmalloc("neigh6", sizeof(*t) + n * sizeof(t->e[0]), RTE_CACHE_LINE_SIZE);
		if (t == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < n; i++) {
			int pi = dp_port_of_iface(dp, v[i].iface);

			if (pi < 0)
				continue;	/* not a port of ours (the config changed under it) */
			memcpy(t->e[k].ip, v[i].ip, 16);
			t->e[k].port = (uint16_t)pi;
			memcpy(t->e[k].mac.addr_bytes, v[i].mac, RTE_ETHER_ADDR_LEN);
			k++;
		}
		t->n = k;
	}
	old = dp->neigh6;
	__atomic_store_n(&dp->neigh6, t, __ATOMIC_RELEASE);
	/* the grace period starts after the swap: until then a worker may hold the old */
	sad_retire(dp->sad, old);
	return 0;
}

void
neigh6_destroy(struct dp *dp)
{
	rte_free(dp->neigh6);
	dp->neigh6 = NULL;
}
