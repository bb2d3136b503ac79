/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's learned ARP table (RFC 826): IPv4 address -> MAC per
 * interface, learned from ARP replies and requests addressed to the gateway,
 * bounded in size, aged, and every event counted. It also decides when an
 * ARP request may go out for an address with no entry: per address at most
 * one every ARP_RETRY_MS, ARP_TRIES times before it gives up for
 * ARP_HOLDDOWN_MS, and globally through a token bucket.
 *
 * No DPDK, no clock of its own: the caller passes monotonic nanoseconds
 * (dpsec/clk.h), so the unit tests run on a fake clock. Static neighbors and
 * next_hop_mac from the config are not in here: they win, and are looked up
 * first by the caller (dp_neighbor_mac).
 *
 * A linear array: the table is small (a gateway has few next hops on its
 * outside links) and only the control thread touches it.
 */
#ifndef DPSEC_ARP_TABLE_H
#define DPSEC_ARP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/ip_traffic.h"

#define ARP_RETRY_MS 1000	/* between requests for one address */
#define ARP_TRIES 3		/* requests before giving up for a while */
#define ARP_HOLDDOWN_MS 20000	/* after giving up, no request for the address this long */
#define ARP_REQ_RATE 10		/* requests a second, all addresses together */
#define ARP_REQ_BURST 10

/* The counters: ARP_COUNTERS in dpsec/ip_traffic.h. */
extern const char *const arp_ctr_names[ARP__COUNT];

enum arp_state {
	ARP_PENDING,	/* requested, no answer yet */
	ARP_REACHABLE,	/* MAC known */
};

struct arp_entry {
	uint32_t iface;
	uint32_t ip;		/* network order; 0 = free slot */
	uint8_t mac[6];
	uint8_t state;		/* enum arp_state */
	uint8_t tries;		/* requests sent while pending */
	uint64_t updated_ns;	/* learned or refreshed (reachable), created (pending) */
	uint64_t last_req_ns;	/* the last request that went out; 0 = none */
};

struct arp_table;

/* cap >= 1 entries, max_age_s >= 1; NULL when out of memory or a bad argument. */
struct arp_table *arp_table_create(uint32_t cap, uint32_t max_age_s, uint64_t now_ns);
void arp_table_destroy(struct arp_table *t);

/*
 * ip is at mac on iface (an ARP reply or request to us said so). true: the
 * table had no usable MAC for it, or another one; whatever sends to ip by a
 * MAC learned earlier must follow (dp_neighbor_update).
 */
bool arp_table_learn(struct arp_table *t, uint32_t iface, uint32_t ip, const uint8_t mac[6],
		     uint64_t now_ns);

/* Has the table an entry for ip on iface (reachable or pending)? Counts nothing. */
bool arp_table_has(const struct arp_table *t, uint32_t iface, uint32_t ip);

/* Adds n to counter c: what the caller did with what the table taught it (ARP_sa_moved). */
void arp_table_add(struct arp_table *t, enum arp_ctr c, uint64_t n);

/* 0 and *mac: a reachable entry within its age. -ENOENT: none (counted as a miss). */
int arp_table_lookup(struct arp_table *t, uint32_t iface, uint32_t ip, uint8_t mac[6],
		     uint64_t now_ns);

/*
 * The caller has no MAC for ip: may it send an ARP request now? true: yes,
 * and it is recorded as sent. false: held back (counted under the reason).
 */
bool arp_table_want(struct arp_table *t, uint32_t iface, uint32_t ip, uint64_t now_ns);

/* Removes aged reachable entries and pending ones out of tries and hold-down. */
void arp_table_expire(struct arp_table *t, uint64_t now_ns);

/* The entries in slot order (n of them, free ones skipped by the caller: ip == 0). */
const struct arp_entry *arp_table_entries(const struct arp_table *t, uint32_t *n);
uint32_t arp_table_count(const struct arp_table *t);
void arp_table_counters(const struct arp_table *t, uint64_t out[ARP__COUNT]);

#endif
