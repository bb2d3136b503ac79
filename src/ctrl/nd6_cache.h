/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's learned IPv6 neighbor cache (RFC 4861 section 7.3),
 * the IPv6 twin of arp_table.h: IPv6 address -> MAC per interface, learned
 * from Neighbor Advertisements and from Neighbor Solicitations that carry a
 * source link-layer address, bounded, aged, every event counted. The states
 * a router sending to its next hops needs:
 *
 *   INCOMPLETE  a solicitation went out, no advertisement yet
 *   REACHABLE   confirmed by a solicited advertisement less than the
 *               interface's ReachableTime ago (nd6_cache_set_reachable;
 *               ND6_REACHABLE_MS unless configured)
 *   STALE       known but unconfirmed (learned from a solicitation or an
 *               unsolicited advertisement, or REACHABLE for too long); still
 *               used to send (section 7.3.3), removed after max_age_s
 *   DELAY       a STALE entry was used (nd6_cache_lookup): still used; if no
 *               solicited advertisement confirms it within
 *               ND6_DELAY_FIRST_PROBE_MS, it goes to
 *   PROBE       unicast solicitations to the cached MAC, one every
 *               ND6_RETRANS_MS (nd6_cache_probe says when); still used; after
 *               ND6_UNICAST_TRIES unanswered ones it is INCOMPLETE again
 *               (no longer used: the next use solicits by multicast)
 *
 * "Used" is what the control thread looks up (SA install, its own sends),
 * and what the workers sent to by the learned table (neigh6.h: a use mark
 * per entry, taken once a second, nd6_cache_used). Solicitations are decided as ARP requests are:
 * per address one every ND6_RETRANS_MS, ND6_TRIES times (section 10:
 * RETRANS_TIMER, MAX_MULTICAST_SOLICIT), then a hold-down, and a global token
 * bucket.
 *
 * No DPDK, no clock of its own (monotonic nanoseconds from the caller), so
 * that the unit tests run on a fake clock. Static neighbors6 and next_hop_mac
 * are not in here: they win and are looked up first by the caller.
 */
#ifndef DPSEC_ND6_CACHE_H
#define DPSEC_ND6_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/ip_traffic.h"

#define ND6_REACHABLE_MS 30000	/* RFC 4861 section 10 REACHABLE_TIME, IOS's default */
#define ND6_REACHABLE_MAX_MS 3600000	/* IOS "ipv6 nd reachable-time" takes 0..3,600,000 */
#define ND6_IFACES_MAX 32	/* interfaces with a ReachableTime of their own */
#define ND6_RETRANS_MS 1000	/* RETRANS_TIMER: between solicitations for one address */
#define ND6_TRIES 3		/* MAX_MULTICAST_SOLICIT */
#define ND6_HOLDDOWN_MS 20000	/* after giving up, no solicitation for the address this long */
#define ND6_DELAY_FIRST_PROBE_MS 5000	/* DELAY_FIRST_PROBE_TIME */
#define ND6_UNICAST_TRIES 3	/* MAX_UNICAST_SOLICIT */
#define ND6_NS_RATE 10		/* solicitations a second, all addresses together */
#define ND6_NS_BURST 10

extern const char *const nd6c_ctr_names[ND6C__COUNT];

enum nd6c_state {
	ND6C_INCOMPLETE,
	ND6C_REACHABLE,
	ND6C_STALE,
	ND6C_DELAY,
	ND6C_PROBE,
};

struct nd6c_entry {
	uint8_t ip[16];
	uint32_t iface;
	uint8_t used;		/* 0 = free slot */
	uint8_t state;		/* enum nd6c_state as stored (see nd6_cache_state) */
	uint8_t tries;		/* solicitations sent while INCOMPLETE, or PROBE */
	uint8_t mac[6];
	uint64_t updated_ns;	/* learned or confirmed; created (INCOMPLETE) */
	uint64_t last_req_ns;	/* the last solicitation (0 = none); DELAY: since when */
};

struct nd6_cache;

/* cap >= 1 entries, max_age_s >= 1 (how long a STALE entry is kept); NULL on error. */
struct nd6_cache *nd6_cache_create(uint32_t cap, uint32_t max_age_s, uint64_t now_ns);
void nd6_cache_destroy(struct nd6_cache *t);

/*
 * The ReachableTime of iface (RFC 4861 section 6.3.2: a per-interface
 * variable; IOS "ipv6 nd reachable-time"): how long a confirmation keeps an
 * entry REACHABLE. 0 is "unspecified", as on IOS: ND6_REACHABLE_MS, which
 * every interface has until set. -EINVAL: iface >= ND6_IFACES_MAX or ms above
 * ND6_REACHABLE_MAX_MS (nothing changed). Entries already REACHABLE are
 * judged by the new time from now on.
 */
int nd6_cache_set_reachable(struct nd6_cache *t, uint32_t iface, uint32_t ms);

/*
 * A Neighbor Advertisement for ip on iface, validated (nd6_parse_na), with
 * its target link-layer address (NULL: none) and S and O flags, as section
 * 7.2.5 says. true: the MAC to send to ip is now lla and was not before
 * (senders by an earlier MAC must follow: dp_neighbor6_update).
 */
bool nd6_cache_advert(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16],
		      const uint8_t *lla, bool solicited, bool override, uint64_t now_ns);

/*
 * A Neighbor Solicitation from ip on iface with a source link-layer address
 * (section 7.2.3): a new entry, or a changed address, is STALE. true as
 * nd6_cache_advert.
 */
bool nd6_cache_solicit(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16],
		       const uint8_t lla[6], uint64_t now_ns);

/*
 * 0 and *mac: REACHABLE, STALE, DELAY or PROBE within its age; a STALE entry
 * goes to DELAY (section 7.3.3: used). -ENOENT: none (counted as a miss).
 */
int nd6_cache_lookup(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint8_t mac[6],
		     uint64_t now_ns);

/*
 * Packets went to ip on iface by its cached MAC (the workers' use marks,
 * dp_neighbor6_used): a STALE entry goes to DELAY as in nd6_cache_lookup;
 * nothing else changes, and no entry is made.
 */
void nd6_cache_used(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint64_t now_ns);

/* The caller has no MAC for ip: may a solicitation go out now? true: yes, recorded as sent. */
bool nd6_cache_want(struct nd6_cache *t, uint32_t iface, const uint8_t ip[16], uint64_t now_ns);

/*
 * The next entry due a unicast Neighbor Solicitation now (DELAY past its
 * delay, PROBE past its retransmit time, within the global rate): true with
 * *iface, ip and mac (where to send it), recorded as sent. A PROBE entry out
 * of tries becomes INCOMPLETE on the way (counted). Call until false.
 */
bool nd6_cache_probe(struct nd6_cache *t, uint64_t now_ns, uint32_t *iface, uint8_t ip[16],
		     uint8_t mac[6]);

/* Removes aged STALE entries and INCOMPLETE ones out of tries and hold-down. */
void nd6_cache_expire(struct nd6_cache *t, uint64_t now_ns);

/* Adds n to counter c: what the caller did with what the cache taught it. */
void nd6_cache_add(struct nd6_cache *t, enum nd6c_ctr c, uint64_t n);

/* An entry's state now: REACHABLE past its interface's ReachableTime is STALE. */
enum nd6c_state nd6_cache_state(const struct nd6_cache *t, const struct nd6c_entry *e,
				uint64_t now_ns);

/* The entries in slot order (n of them, free ones have used == 0). */
const struct nd6c_entry *nd6_cache_entries(const struct nd6_cache *t, uint32_t *n);
uint32_t nd6_cache_count(const struct nd6_cache *t);
/*
 * Changes whenever an address may have gained, changed or lost its MAC: the
 * caller republishes what it derived (dp_neighbor6_set) when it moved.
 */
uint64_t nd6_cache_version(const struct nd6_cache *t);
void nd6_cache_counters(const struct nd6_cache *t, uint64_t out[ND6C__COUNT]);

#endif
