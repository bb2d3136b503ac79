/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's side of its link with the control thread: three
 * single-producer single-consumer rings per worker and a doorbell.
 *
 *   punt   worker -> control  packets for the gateway (IKE, ARP, ICMP, ...)
 *   events worker -> control  struct dp_event records (events.h)
 *   inject control -> worker  packets the control thread sends (replies, IKE)
 *
 * Workers never block on them: a full ring is counted and the item dropped.
 *
 * Time is read through the link's clock (dpsec/clk.h, set by dp_set_clock):
 * only on the event paths and once per loop in link_poll(), never per valid
 * packet.
 * The control thread sleeps in poll(); before it does, it raises a flag, and a
 * worker that queued something while the flag is up writes the eventfd
 * (at most once per sleep), so nobody busy-polls.
 */
#ifndef DPSEC_CTRL_LINK_H
#define DPSEC_CTRL_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dpsec/clk.h"
#include "dpsec/events.h"

struct dp;
struct dp_worker;

#define LINK_PUNT_SIZE 1024
#define LINK_EVENT_SIZE 1024
#define LINK_INJECT_SIZE 512

/* Invalid-SPI flow dedup: per worker, direct-mapped. */
#define INV_SPI_DEDUP_SLOTS 256
#define INV_SPI_REPORT_MS 1000	/* a persistent flow is reported at most this often */
/*
 * ... except its second report, which may follow the first this soon: invalid-SPI
 * recovery acts on the second packet of a flow (recovery_packets), and the seeds'
 * outage must end well under a second, not at the flow's second report.
 */
#define INV_SPI_SECOND_REPORT_MS 100
#define EVENT_RATE 10000	/* events per second per worker (token bucket) */
#define EVENT_BURST 256
#define SA_EVENT_MS 1000	/* replay/MAC events: at most one per SA and kind per second */
#define LINK_FLUSH_MS 100	/* link_poll sweeps the dedup slots for due flows this often */
#define ACQUIRE_MS 1000		/* acquires: at most one per crypto map entry this often */
#define NEIGH6_MISS_SLOTS 16	/* IPv6 next hops without MAC a worker remembers (direct-mapped) */
#define NEIGH6_MISS_MS 1000	/* and reports at most this often each (the NS retransmit timer) */

struct neigh6_miss_slot {
	uint8_t ip[16];
	uint16_t port;
	uint32_t pending;	/* drops since the last report */
	uint64_t ns;		/* last report; 0 = none */
};

struct inv_spi_slot {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t spi;
	uint8_t proto;
	uint8_t ipv6;
	uint8_t udp;
	uint8_t used;
	uint16_t iface;
	uint16_t sport;
	uint32_t pending;	/* packets seen since the last event of this flow */
	uint64_t last_ns;	/* when the last event of this flow was sent (link clock) */
	uint8_t head[DP_EVENT_HEAD];
	uint32_t head_len;
	uint32_t reports;	/* events sent for this flow (saturates) */
};

/* What dp_event_stats() sums (events.h says what each means). */
struct link_stats {
	uint64_t sent;
	uint64_t deduped;
	uint64_t rate_limited;
	uint64_t ring_full;
	uint64_t punt_full;
	/* Invalid-SPI packets (drops 4, 12) by where they went; each is in exactly one. */
	uint64_t inv_sent;
	uint64_t inv_rate_limited;
	uint64_t inv_ring_full;
	uint64_t inv_pending;	/* a gauge: waiting in a dedup slot for their flow's next event */
	/* SA lifetime events the ring refused, left on their SA for the control thread */
	uint64_t life_deferred;
};

struct dp_link {
	struct rte_ring *punt;
	struct rte_ring *events;
	struct rte_ring *inject;
	struct clk clk;
	uint64_t tokens;	/* event token bucket, in token-nanoseconds (1 token = 1e9) */
	uint64_t bucket_ns;	/* last refill */
	uint64_t flush_ns;	/* last sweep of pending dedup counts */
	bool rang;		/* something was queued in this loop: ring the doorbell */
	struct link_stats stats;	/* written by the worker only (counters.h) */
	struct inv_spi_slot dedup[INV_SPI_DEDUP_SLOTS];
	struct neigh6_miss_slot miss6[NEIGH6_MISS_SLOTS];
};

/* The worker's rings, and its clock: dp->clk. */
int link_create(struct dp *dp, struct dp_worker *w);
void link_destroy(struct dp_worker *w);
/* Read time from clk from now on (before the worker runs): a full bucket, fresh intervals. */
void link_set_clock(struct dp_worker *w, const struct clk *clk);

/* Worker side. Returns how many were queued (the rest are dropped as IpsecTailDrop). */
uint16_t link_punt(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n);
/* n SA-less ESP/AH packets (drop 4 or 12), received by now: dedup, rate limit, report. */
void link_invalid_spi(struct dp_worker *w, struct rte_mbuf *const *pkts, uint16_t n,
		      uint64_t now);
/* An anti-replay (DP_EV_REPLAY) or ICV (DP_EV_MAC) failure on an SA. */
struct sa_rt;
void link_sa_event(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
		   enum dp_event_type type, uint64_t seq);
/*
 * Outbound traffic for the policy at index policy (a crypto map entry, or an
 * IKE-keyed tunnel) that has no SA (drop 33): DP_EV_ACQUIRE, at most one per
 * entry and ACQUIRE_MS,
 * with the packets held back since the last one. m is the packet (l2_len
 * set), ip its IPv4 header.
 */
struct rte_ipv4_hdr;
void link_acquire(struct dp_worker *w, uint32_t policy, const struct rte_mbuf *m,
		  const struct rte_ipv4_hdr *ip);
/* The same for an IPv6 packet (drop 38) of an entry with IPv6 lines; ip6 its IPv6 header. */
struct rte_ipv6_hdr;
void link_acquire6(struct dp_worker *w, uint32_t policy, const struct rte_mbuf *m,
		   const struct rte_ipv6_hdr *ip6);
/*
 * A decrypted IPv6 packet dropped (Ipv6NoAdj) for the next hop ip on port:
 * DP_EV_NEIGH6_MISS, at most one per next hop and NEIGH6_MISS_MS.
 */
void link_neigh6_miss(struct dp_worker *w, uint16_t port, const uint8_t ip[16]);
/*
 * Ask the control thread for an ICMP error about a decrypted packet ip (inner
 * IPv4, header checked), which arrived through sa and was for inside
 * interface iface; mtu for type 3 code 4 (RFC 1191), else 0.
 */
struct rte_ipv4_hdr;
/* ICMP errors a router sends (RFC 792, RFC 1191, RFC 1812 section 4.3.2) */
enum {
	ICMP4_UNREACH = 3,
	ICMP4_UNREACH_NET = 0,
	ICMP4_UNREACH_HOST = 1,
	ICMP4_UNREACH_NEEDFRAG = 4,	/* fragmentation needed and DF set */
	ICMP4_TIME_EXCEEDED = 11,
	ICMP4_TTL_EXCEEDED = 0,		/* in transit */
};
void link_icmp_error(struct dp_worker *w, const struct sa_rt *sa, const struct rte_ipv4_hdr *ip,
		     uint32_t iface, uint8_t type, uint8_t code, uint16_t mtu);
/*
 * The same about a packet m (l2_len set, IPv4 header ip checked) that a host
 * sent into an inside port: the error goes back to it in clear, out of that
 * port. Not for what the host sent to a link-layer broadcast or multicast
 * address (RFC 1812 section 4.3.2.7; the control thread checks the rest).
 */
void link_icmp_inside(struct dp_worker *w, const struct rte_mbuf *m,
		      const struct rte_ipv4_hdr *ip, uint8_t type, uint8_t code, uint16_t mtu);
/*
 * ICMPv6 errors (RFC 4443), the IPv6 twins of link_icmp_error and
 * link_icmp_inside: about a decrypted packet ip6 (payload length checked)
 * that came through sa and was for inside interface iface, or about a
 * host's packet m on an inside port. param is the Packet Too Big MTU, else
 * 0. The event carries a copy of the packet, as much as the error quotes
 * (dp_event.pkt), when a buffer is to be had. Types and codes: events.h.
 */
struct rte_ipv6_hdr;
void link_icmp6_error(struct dp_worker *w, const struct sa_rt *sa,
		      const struct rte_ipv6_hdr *ip6, uint32_t iface, uint8_t type, uint8_t code,
		      uint16_t param);
void link_icmp6_inside(struct dp_worker *w, const struct rte_mbuf *m,
		       const struct rte_ipv6_hdr *ip6, uint8_t type, uint8_t code, uint16_t param);
/* Once per loop: transmit what the control thread injected, flush old dedup
 * counts, ring the doorbell if anything was queued. */
void link_poll(struct dp_worker *w);

#endif
