/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a worker reports to the control thread besides punted packets: one
 * fixed-size record per event, through a single-producer single-consumer
 * ring per worker. Workers bound the rate (per-flow dedup, per-SA and
 * per-worker limits) and count what they hold back; they never block.
 */
#ifndef DPSEC_EVENTS_H
#define DPSEC_EVENTS_H

#include <stdint.h>

enum dp_event_type {
	DP_EV_INVALID_SPI = 1,	/* ESP/AH for an SPI with no SA (drop 4 or 12) */
	DP_EV_REPLAY,		/* anti-replay failure on an SA (drop 19 or 116) */
	DP_EV_MAC,		/* ICV verification failure on an SA (drop 62) */
	/*
	 * A packet the gateway answers with an ICMP error (RFC 792, RFC 1812
	 * 4.3.2): src, dst, proto and head are the packet's (for a decrypted
	 * one, the inner packet's). icmp_via says which way the error goes:
	 * DP_ICMP_VIA_TUNNEL, back through the tunnel it came from (conn_id is
	 * the inbound SA; iface the inside interface it was for: 3/4 with drop
	 * 25, 11/0 with Ipv4TtlExceeded); DP_ICMP_VIA_INSIDE, in clear to a host
	 * on the inside interface iface it came in on (3/4 with drop 48, 11/0
	 * with Ipv4TtlExceeded, 3/0 with Ipv4NoRoute).
	 */
	DP_EV_ICMP_ERROR,
	/*
	 * An SA reached a soft / hard limit of its dp_sa_lifetime: conn_id and
	 * spi are the SA's (proto 50, iface 0xffff, no addresses). One of each
	 * per SA at most, never rate limited nor lost to a full ring.
	 */
	DP_EV_SA_SOFT,
	DP_EV_SA_HARD,
	/*
	 * Outbound traffic matched a crypto map entry whose policy has no active
	 * SA (drop IpsecIkeIndicate): iface is the outside interface, conn_id
	 * carries map << 16 | entry, src/dst the packet's; at most one a second
	 * per entry, the rest counted. A route into an IKE-keyed tunnel without
	 * SA: the same with map DP_ACQUIRE_TUNNEL and entry the tunnel's index,
	 * iface its source interface.
	 */
	DP_EV_ACQUIRE,
	/*
	 * A decrypted IPv6 packet for an inside next hop with no MAC, static or
	 * learned (drop Ipv6NoAdj): iface is the inside interface, dst the next
	 * hop's address (ipv6 set); the control thread solicits it (RFC 4861
	 * section 7.2.2). At most one per next hop and NEIGH6_MISS_MS per worker,
	 * pkts the drops it stands for.
	 */
	DP_EV_NEIGH6_MISS,
	DP_EV__END
};

#define DP_EVENT_HEAD 64
/* DP_EV_ACQUIRE's conn_id >> 16 for a tunnel (cfg->tunnels[conn_id & 0xffff]). */
#define DP_ACQUIRE_TUNNEL 0xffffu

enum dp_icmp_via { DP_ICMP_VIA_TUNNEL = 0, DP_ICMP_VIA_INSIDE = 1 };

struct dp_event {
	uint8_t type;		/* enum dp_event_type */
	uint8_t ipv6;		/* addresses are IPv6 (else IPv4 in the first 4 bytes) */
	uint8_t proto;		/* 50 ESP, 51 AH */
	uint8_t udp;		/* arrived in UDP 4500 (RFC 3948) */
	uint16_t iface;		/* index into cfg->interfaces (ICMP_ERROR: the inside one the
				   packet was for); 0xffff if unknown */
	uint16_t sport;		/* UDP source port when udp (the peer's NAT-T port) */
	uint32_t spi;		/* host order */
	uint32_t pkts;		/* packets this event stands for (the flow's since its last event) */
	uint32_t conn_id;	/* REPLAY, MAC, ICMP_ERROR: the SA (inbound) */
	uint32_t head_len;	/* bytes in head[] */
	uint8_t icmp_type;	/* ICMP_ERROR: the message to send (RFC 792) */
	uint8_t icmp_code;
	uint16_t icmp_mtu;	/* ICMP_ERROR 3/4: the next-hop MTU (RFC 1191) */
	uint8_t icmp_via;	/* ICMP_ERROR: enum dp_icmp_via */
	uint8_t reserved[3];	/* zero: no hidden padding */
	uint64_t seq;		/* REPLAY, MAC: the packet's (inferred 64-bit) sequence number */
	uint64_t mono_ns;	/* the worker's clock (dpsec/clk.h) when it saw the packet */
	uint8_t src[16];	/* network order */
	uint8_t dst[16];
	uint8_t head[DP_EVENT_HEAD];	/* the packet from its (ICMP_ERROR: inner) IP header on */
};

_Static_assert(sizeof(struct dp_event) == 144, "events are a fixed 144 bytes");
_Static_assert(sizeof(struct dp_event) % 4 == 0, "rte_ring element size is a multiple of 4");

/* What the workers held back or lost, summed over workers. */
struct dp_event_stats {
	uint64_t sent;		/* events put on a ring */
	uint64_t deduped;	/* invalid-SPI packets folded into a pending event of their flow */
	uint64_t rate_limited;	/* events a worker did not send: over its rate */
	uint64_t ring_full;	/* events lost: the control thread's ring was full */
	uint64_t punt_full;	/* punted packets dropped: ring full (IpsecTailDrop) */
	/*
	 * The invalid-SPI packets (drops 4 and 12), each in exactly one of these:
	 * their sum is the workers' count of drops 4 and 12.
	 */
	uint64_t inv_sent;		/* in events put on a ring */
	uint64_t inv_rate_limited;	/* in events over the rate: given up */
	uint64_t inv_ring_full;		/* in events lost to a full ring */
	uint64_t inv_pending;		/* folded, waiting for their flow's next event */
	/* SA lifetime events a full ring refused, delivered by the control thread instead */
	uint64_t life_deferred;
};

#endif
