/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's own IP counters, as "show ip traffic" and telemetry
 * (/dpsec/ip_traffic) show them: the learned ARP table (src/ctrl/arp_table.h),
 * the IPv4 reassembly of IKE datagrams (src/ctrl/reasm4.h) and the ICMP
 * errors the gateway sends (src/ctrl/icmp_err.h), the learned IPv6 neighbor
 * cache (src/ctrl/nd6_cache.h). The lists
 * live here, once, because they cross from the control thread to the CLI:
 * X(name, "description") gives the enums, the JSON and telemetry keys, and
 * the tests' list of counters.
 */
#ifndef DPSEC_IP_TRAFFIC_H
#define DPSEC_IP_TRAFFIC_H

#include <stdint.h>

#define ARP_COUNTERS(X)                                                                            \
	X(learned, "new entry learned from an ARP packet")                                        \
	X(refreshed, "existing entry refreshed (same or changed MAC)")                             \
	X(mac_changed, "entry's MAC changed")                                                      \
	X(evicted, "oldest entry evicted: table full")                                             \
	X(aged, "entry removed: not refreshed within the age limit")                               \
	X(hits, "lookup answered from the table")                                                  \
	X(misses, "lookup found no usable entry")                                                  \
	X(req_sent, "ARP request allowed out")                                                     \
	X(req_wait, "ARP request held back: one for the address went out less than 1 s ago")       \
	X(req_rate_limited, "ARP request held back: global rate limit")                            \
	X(req_gave_up, "address unresolved after all tries: held down")                           \
	X(req_held_down, "ARP request held back: address in hold-down")                            \
	X(req_table_full, "ARP request held back: no room for a pending entry")                    \
	X(abandoned, "pending entry removed: its address not asked for again in time")             \
	X(sa_moved, "outbound SA sent on to a neighbour's new MAC")                                 \
	X(sa_move_failed, "outbound SA kept its old MAC: no memory for the new header")            \
	X(delayed, "STALE entry used: DELAY, a unicast probe in 5 s unless confirmed")            \
	X(probe_sent, "unicast Neighbor Solicitation allowed out to a DELAY/PROBE entry")         \
	X(probe_failed, "no answer to the unicast probes: entry back to INCOMPLETE")

enum arp_ctr {
#define ARP_X(name, text) ARP_##name,
	ARP_COUNTERS(ARP_X)
#undef ARP_X
	ARP__COUNT
};

/* The learned IPv6 neighbor cache (RFC 4861 section 7.3), as ARP_COUNTERS for IPv4. */
#define ND6C_COUNTERS(X)                                                                           \
	X(learned, "new entry learned from a Neighbor Advertisement or Solicitation")             \
	X(confirmed, "entry made REACHABLE by a solicited advertisement")                          \
	X(went_stale, "REACHABLE entry turned STALE: reachable time over, or told so")             \
	X(mac_changed, "entry's link-layer address changed")                                       \
	X(na_ignored, "advertisement changed nothing: unsolicited for no entry, or no override")   \
	X(evicted, "oldest entry evicted: cache full")                                             \
	X(aged, "entry removed: not refreshed within the age limit")                               \
	X(hits, "lookup answered from the cache")                                                  \
	X(misses, "lookup found no usable entry")                                                  \
	X(ns_sent, "Neighbor Solicitation allowed out")                                            \
	X(ns_wait, "solicitation held back: one for the address went out less than 1 s ago")       \
	X(ns_rate_limited, "solicitation held back: global rate limit")                            \
	X(ns_gave_up, "address unresolved after all tries: held down")                            \
	X(ns_held_down, "solicitation held back: address in hold-down")                            \
	X(abandoned, "INCOMPLETE entry removed: its address not asked for again in time")          \
	X(sa_moved, "outbound SA sent on to a neighbor's new link-layer address")                   \
	X(sa_move_failed, "outbound SA kept its old MAC: no memory for the new header")            \
	X(delayed, "STALE entry used: DELAY, a unicast probe in 5 s unless confirmed")            \
	X(probe_sent, "unicast Neighbor Solicitation allowed out to a DELAY/PROBE entry")         \
	X(probe_failed, "no answer to the unicast probes: entry back to INCOMPLETE")

enum nd6c_ctr {
#define ND6C_X(name, text) ND6C_##name,
	ND6C_COUNTERS(ND6C_X)
#undef ND6C_X
	ND6C__COUNT
};

/* What became of fragments and datagrams taken for reassembly. */
#define REASM4_COUNTERS(X)                                                                         \
	X(fragments, "fragments received")                                                       \
	X(completed, "datagrams reassembled")                                                      \
	X(duplicates, "fragment ignored: exact duplicate of bytes already held")                  \
	X(overlaps, "datagram dropped: a fragment overlaps others with different bytes")           \
	X(too_big, "datagram dropped: longer than the reassembly limit")                            \
	X(bad_length, "fragment dropped: not a multiple of 8 bytes but for the last, or empty")    \
	X(bad_last, "datagram dropped: two different last fragments, or data past the last")       \
	X(timeouts, "datagram dropped: not complete in time")                                      \
	X(evicted, "datagram dropped: its slot was needed for a newer one")                        \
	X(no_memory, "fragment dropped: no memory for its datagram")

enum reasm4_ctr {
#define REASM4_X(name, text) REASM4_##name,
	REASM4_COUNTERS(REASM4_X)
#undef REASM4_X
	REASM4__COUNT
};

/*
 * The ICMP and ICMPv6 errors workers asked for, by fate (RFC 1812 4.3.2, RFC
 * 4443 2.4); sent ones also by type.
 */
#define ICMP_ERR_COUNTERS(X)                                                                       \
	X(requested, "asked for by a worker")                                                      \
	X(sent, "sent")                                                                            \
	X(unreachable, "sent: destination unreachable (3/0 net, 3/4 fragmentation needed; v6 1/0)") \
	X(time_exceeded, "sent: time exceeded in transit (11/0; ICMPv6 3/0)")                        \
	X(packet_too_big, "sent: ICMPv6 packet too big (2/0)")                                      \
	X(suppressed, "not sent: about an ICMP error, a later fragment, or a packet from or to many") \
	X(no_address6, "not sent: ICMPv6, and the interface has no IPv6 address to send it from")   \
	X(rate_limited, "not sent: over the rate (100 a second, 50 at once)")                       \
	X(no_buffer, "not sent: no packet buffer")                                                 \
	X(inject_failed, "not sent: the worker's inject ring was full")                            \
	X(no_neighbor, "not sent: the next hop towards the host is not resolved (yet)")

enum icmp_err_ctr {
#define ICMP_ERR_X(name, text) ICMP_ERR_##name,
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
	ICMP_ERR__COUNT
};

/* A snapshot of them all, with the tables' sizes. */
struct view_ip_traffic {
	uint64_t arp[ARP__COUNT];
	uint32_t arp_entries;		/* in the learned table, incomplete ones included */
	uint32_t arp_incomplete;	/* of those, requested and not answered */
	uint64_t reasm[REASM4__COUNT];
	uint32_t reasm_pending;		/* datagrams being reassembled */
	uint64_t icmp[ICMP_ERR__COUNT];
	uint64_t nd6[ND6C__COUNT];
	uint32_t nd6_entries;		/* in the learned IPv6 neighbor cache, INCOMPLETE included */
	uint32_t nd6_incomplete;
};

#endif
