/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA database: every SA the dataplane knows, in install order, and the
 * inbound lookup by (SPI, destination, protocol) in one open-addressed table
 * keyed by SPI (sad_table.h), read by workers without locks. Only the control
 * thread writes. A deleted SA is marked dying, unpublished, and freed after
 * an RCU (QSBR) grace period, so a worker that still holds it is safe.
 * The control thread finds an SA by connection id through a hash of its own.
 */
#ifndef DPSEC_SAD_H
#define DPSEC_SAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/queue.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"
#include "dpsec/xform.h"
#include "sad_table.h"

struct rte_rcu_qsbr;
struct sa_rt;

/* Inbound lookup key: the SPI as on the wire, the destination, the protocol. */
struct sad_key {
	uint32_t spi_be;
	uint32_t dst_be;
	uint8_t proto;	/* IPPROTO_ESP or IPPROTO_AH, SAD_V6 or'ed in */
	uint8_t tag;	/* sad_table_tag(proto): set by sad_key_set, where proto is a constant */
};

/*
 * An SA with IPv6 endpoints is keyed by its local address folded to 32 bits
 * and its protocol with SAD_V6 set: never the key of an IPv4 packet.
 */
#define SAD_V6 0x80

static inline uint32_t
sad_fold6(const uint8_t a[16])
{
	uint32_t w[4];

	memcpy(w, a, sizeof(w));
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/* The key of a received packet: its SPI as on the wire (4 bytes at spi), destination, protocol. */
static inline void
sad_key_set(struct sad_key *k, const uint8_t *spi, uint32_t dst_be, uint8_t proto)
{
	memcpy(&k->spi_be, spi, 4);
	k->dst_be = dst_be;
	k->proto = proto;
	k->tag = (uint8_t)sad_table_tag(proto);
}

/* The control thread's view of one SA. */
struct sa {
	TAILQ_ENTRY(sa) link;
	struct sa *conn_next;	/* the conn_id hash chain (live SAs) */
	struct sa_rt *rt;
	enum cfg_dir dir;
	uint32_t spi;
	uint32_t map, entry;	/* CFG_NONE for a tunnel's SA */
	uint32_t tunnel;	/* a tunnel's SA: index into cfg->tunnels; else CFG_NONE */
	uint32_t policy;
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum dp_cipher cipher;
	enum dp_auth auth;
	bool esn;
	bool udp_encap;
	uint16_t local_port, peer_port;
	uint32_t local, peer;
	bool v6;			/* IPv6 endpoints: local6/peer6 (local, peer 0) */
	uint8_t local6[16], peer6[16];
	uint32_t replay_window;
	bool manual;
	uint32_t conn_id;
	struct dp_sa_lifetime life;	/* as installed */
	uint64_t installed_ns;		/* the workers' clock (dp->clk) */
	uint64_t soft_ns, hard_ns;	/* second limits still to come, same clock; 0: none */
	int32_t slot;		/* inbound: its slot in table slot_gen, released after the grace period */
	uint32_t slot_gen;
	uint64_t rcu_token;	/* when dying: the grace period to wait for */
	uint64_t pmtu_ns;	/* outbound: when ICMP lowered its path MTU (dp->clk); 0: not */
	uint32_t bundle_conn;	/* AH+ESP bundle: the other SA's connection id; 0: none */
};

TAILQ_HEAD(sa_list, sa);

struct sad;

struct sad *sad_create(uint32_t capacity, struct rte_rcu_qsbr *qs);
/* Frees every SA immediately: workers must be stopped. Accepts NULL. */
void sad_destroy(struct sad *sad);

/* Takes ownership of sa (and sa->rt). Inbound SAs are published for lookup. */
int sad_add(struct sad *sad, struct sa *sa);
/* Unpublish and queue for freeing after the grace period. */
void sad_remove(struct sad *sad, struct sa *sa);
/* Free what no worker can still see; returns how many SAs were freed. */
unsigned int sad_reclaim(struct sad *sad);

/*
 * Free p (rte_malloc'd, e.g. a replaced outbound template) once no worker
 * can still hold it: after the grace period that starts now, so call it
 * after p was unpublished. Accepts NULL.
 */
void sad_retire(struct sad *sad, void *p);

/* A live SA by connection id, in O(1) (a hash of the live SAs). */
struct sa *sad_find_conn(const struct sad *sad, uint32_t conn_id);
const struct sa_list *sad_live(const struct sad *sad);
size_t sad_count(const struct sad *sad);
/* SAs and retired memory waiting for their grace period (for tests and leak checks). */
size_t sad_waiting(const struct sad *sad);
uint32_t sad_next_conn_id(struct sad *sad);

/*
 * The table as it is now, for a burst: the pointer stays valid until the
 * worker's next quiescent state (a rebuilt table replaces it, the old one is
 * freed after a grace period).
 */
const struct sad_table *sad_table(const struct sad *sad);

/* The home slot of an SPI in the current table, for tests, which need SPIs that share one. */
uint32_t sad_spi_slot(const struct sad *sad, uint32_t spi_be);
/* How many times the table was rebuilt to clear tombstones (tests). */
uint32_t sad_rebuilds(const struct sad *sad);

/* Fast path: one lookup per packet of the burst; out[i] is NULL on a miss. */
void sad_lookup_bulk(const struct sad *sad, const struct sad_key **keys, unsigned int n,
		     struct sa_rt **out);

#endif
