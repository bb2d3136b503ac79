/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's shared internal types: the context every module hangs off
 * (struct dp), its ports, and the worker with its per-lcore counters. Module
 * internals (SAD, SPD, routes) stay opaque behind their own headers.
 */
#ifndef DPSEC_DATAPLANE_H
#define DPSEC_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "dpsec/config.h"
#include "dpsec/counters.h"
#include "dpsec/dp.h"

#include "crypto_mb.h"
#include "ctrl_link.h"
#include "sad.h"
#include "spd.h"
#include "tsc_clk.h"

#define DP_BURST_MAX 64
#define DP_PORTS_MAX 16
#define DP_WORKERS_MAX 16
_Static_assert(DP_WORKERS_MAX == SPD_WORKERS_MAX, "a policy's acquire state per worker");
#define DP_CTRL_EVENTS 256	/* events the control thread's side raises (sa_life.c) */

_Static_assert(DP_BURST_MAX <= CMB_BURST_MAX, "one crypto burst per packet burst");

/* Marks a packet a stage keeps: any code below DP_DROP__COUNT is a drop. */
#define DP_KEEP ((dp_drop_t)0xff)
_Static_assert(DP_DROP__COUNT < DP_KEEP, "DP_KEEP is not a drop code");
/*
 * Marks a packet a stage neither kept nor dropped: its SA belongs to another
 * worker, to which the packet goes (handoff.h; pkt_set_handoff says which).
 */
#define DP_HANDOFF ((dp_drop_t)0xfe)
_Static_assert(DP_DROP__COUNT < DP_HANDOFF, "DP_HANDOFF is not a drop code");

struct spd;
struct reasm_in;
struct route;
struct rte_rcu_qsbr;
struct rte_mempool;

struct dp_port {
	uint16_t port_id;	/* DPDK port */
	enum cfg_role role;
	uint32_t addr;		/* network order */
	uint32_t net;		/* its subnet's network and broadcast addresses (network order); */
	uint32_t bcast;		/* 255.255.255.255 for a /31 or /32, which have neither */
	bool has_addr6;
	uint8_t addr6[16];
	uint16_t mtu;
	uint16_t tcp_mss;	/* inside: clamp SYNs through it to this MSS (tcp_mss.h); 0 off */
	uint16_t tcp_mss6;	/* the same for IPv6 SYNs (tcp_adjust_mss6) */
	uint32_t iface;		/* index into cfg->interfaces */
	struct rte_ether_addr mac;
	uint16_t n_txq;
	uint16_t n_rxq;		/* queue q polled by worker (port_worker + q) % n_workers */
};

/*
 * What became of the packets one port received (input side: forwarded,
 * punted or dropped, octets as received), and the packets dropped on their
 * way out of it. Per port: ipackets = fwd + punt + every in_drop.
 */
struct dp_port_ctr {
	uint64_t fwd_pkts, fwd_octets;
	uint64_t punt_pkts, punt_octets;
	uint64_t in_drop_pkts[DP_GLOBAL__COUNT], in_drop_octets[DP_GLOBAL__COUNT];
	uint64_t out_drop_pkts[DP_GLOBAL__COUNT], out_drop_octets[DP_GLOBAL__COUNT];
	uint64_t fragmented;	/* packets sent out of this port as fragments */
	uint64_t fragments;	/* the fragments */
	/*
	 * Outside: ESP/AH datagrams reassembled from fragments received on it
	 * (reasm_in.h), and the fragments they took. Per port, ipackets = fwd +
	 * punt + in_drop + reasm_fragments - reassembled (+ fragments still held).
	 */
	uint64_t reassembled, reasm_fragments;
	uint64_t mss_adjusted;	/* inside: SYNs in or out of it whose MSS was lowered */
};

/* Per-lcore counters; written only by their worker (counters.h). */
struct dp_lcore_stats {
	uint64_t drop_pkts[DP_DROP__COUNT];
	uint64_t cause_octets[DP_GLOBAL__COUNT];
	struct dp_port_ctr port[DP_PORTS_MAX];	/* by index into dp->ports */
	uint64_t handoff_pkts;	/* put on other workers' handoff rings (handoff.c) */
} __rte_cache_aligned;

struct dp_txbuf {
	uint16_t n;
	struct rte_mbuf *m[2 * DP_BURST_MAX];
};

struct dp_worker {
	struct dp *dp;
	uint16_t id;		/* 0..n_workers-1; also the RCU thread id and TX queue */
	unsigned int lcore;
	IMB_MGR *mb;
	struct cmb_ivgen iv;
	uint16_t ip_id;		/* outer IPv4 identification */
	uint32_t frag6_id;	/* outer IPv6 fragments' identification counter (frag6.h) */
	uint16_t n_rx;		/* RX queues polled: one per port at most (n_rxq <= workers) */
	uint16_t rx_port[DP_PORTS_MAX];	/* indices into dp->ports */
	uint16_t rx_queue[DP_PORTS_MAX];	/* and the queue of each */
	struct dp_lcore_stats stats;
	struct reasm_in *reasm;	/* fragments of inbound ESP/AH being reassembled */
	struct dp_link link;
	/*
	 * Packets of SAs this worker owns, from the workers that received them
	 * (multi-producer, single-consumer: handoff.h).
	 */
	struct rte_ring *handoff;
	struct dp_txbuf tx[DP_PORTS_MAX];
} __rte_cache_aligned;

struct dp {
	const struct dpsec_config *cfg;
	struct rte_mempool *pool;
	struct dp_port ports[DP_PORTS_MAX];
	uint16_t n_ports;
	uint8_t port_index[RTE_MAX_ETHPORTS];	/* DPDK port id -> index into ports */
	struct sad *sad;
	struct spd *spd;
	struct route *route;
	dp_neighbor_fn neighbor_fn;	/* learned next-hop MACs (dp_set_neighbor_hook) */
	void *neighbor_ctx;
	struct neigh6_learned *neigh6;	/* learned IPv6 next hops the workers read (neigh6.h) */
	dp_neighbor6_fn neighbor6_fn;	/* learned IPv6 next hops (dp_set_neighbor6_hook) */
	void *neighbor6_ctx;
	struct rte_rcu_qsbr *qs;
	IMB_MGR *mb;			/* control thread's, for key expansion */
	struct dp_worker *workers[DP_WORKERS_MAX];
	uint16_t n_workers;
	uint16_t port_worker[DP_PORTS_MAX];	/* polls each port's queue 0 (port_assign.h) */
	uint16_t burst;
	int doorbell;			/* eventfd: workers wake the sleeping control thread */
	uint32_t ctrl_sleeping;		/* the control thread is (about to be) in poll() */
	struct dp_lcore_stats ctrl_stats;	/* drops decided by the control thread */
	struct tsc_clk tsc;
	struct clk clk;			/* the workers' (dp_set_clock); default: tsc */
	/*
	 * Events raised on the control thread's side of the dataplane (SA
	 * lifetimes in seconds, lifetime events a worker's ring refused): a FIFO
	 * that dp_events_poll drains before the workers' rings. Control thread only.
	 */
	struct dp_event ctrl_ev[DP_CTRL_EVENTS];
	uint16_t ctrl_ev_head, ctrl_ev_n;
	uint64_t life_due_ns;		/* earliest second limit of a live SA; UINT64_MAX: none */
	uint64_t life_deferred_seen;	/* the workers' life_deferred, summed, at the last scan */
	bool running;
	bool stop;		/* read by workers with a relaxed atomic load */
};

/* The port index of a config interface, or -1 (an interface without a port). */
static inline int
dp_port_of_iface(const struct dp *dp, uint32_t iface)
{
	for (uint16_t i = 0; i < dp->n_ports; i++)
		if (dp->ports[i].iface == iface)
			return i;
	return -1;
}

/* The control thread's event FIFO (struct dp): room for one more, and queue one. */
static inline bool
dp_ctrl_event_room(const struct dp *dp)
{
	return dp->ctrl_ev_n < DP_CTRL_EVENTS;
}

static inline void
dp_ctrl_event_push(struct dp *dp, const struct dp_event *ev)
{
	dp->ctrl_ev[(dp->ctrl_ev_head + dp->ctrl_ev_n++) % DP_CTRL_EVENTS] = *ev;
}

/*
 * A broadcast a router does not forward (RFC 1812 section 5.3.5): the
 * limited broadcast, or the directed broadcast of the port's own subnet and
 * its network address (the old all-zeros broadcast, RFC 1812 section
 * 4.2.3.1); IOS "no ip directed-broadcast".
 */
static inline bool
dp_port_is_bcast(const struct dp_port *p, uint32_t dst_be)
{
	return dst_be == UINT32_MAX || dst_be == p->bcast || dst_be == p->net;
}

/*
 * The egress port a stage chose for a packet it keeps (hash.usr is free
 * after RX), and what is still to be done to it on the way out.
 */
#define PKT_EGRESS_PORT 0xffffu
/*
 * Larger than the egress MTU, DF clear: send its fragments. An outer IPv6
 * packet (esp_out.c) carries the MTU to cut it to in tso_segsz (its SA's
 * path MTU, which may be below the port's; no TSO is ever asked for).
 */
#define PKT_FRAGMENT (1u << 16)
#define PKT_ENCRYPT (1u << 17)	/* injected by the control thread: through esp_out first */
#define PKT_SPLIT (1u << 18)	/* outbound, DF clear, too big once encrypted: esp_out_split */
/*
 * On a handoff ring (handoff.h): the owner worker in the low 16 bits (no
 * egress is chosen yet), and which stage the packet goes through there.
 */
#define PKT_HO_IN (1u << 19)	/* inbound ESP or AH, classified */
#define PKT_HO_OUT (1u << 20)	/* a host's packet from an inside port, classified */
#define PKT_HO_LOCAL (1u << 21)	/* the control thread's packet into a tunnel (PKT_ENCRYPT) */
#define PKT_HO_KIND (PKT_HO_IN | PKT_HO_OUT | PKT_HO_LOCAL)

static inline void
pkt_set_handoff(struct rte_mbuf *m, uint16_t owner, uint32_t kind)
{
	m->hash.usr = kind | owner;
}

static inline uint16_t
pkt_handoff_owner(const struct rte_mbuf *m)
{
	return (uint16_t)(m->hash.usr & PKT_EGRESS_PORT);
}

static inline void
pkt_set_egress(struct rte_mbuf *m, uint16_t port_index)
{
	m->hash.usr = port_index;
}

static inline uint16_t
pkt_egress(const struct rte_mbuf *m)
{
	return (uint16_t)(m->hash.usr & PKT_EGRESS_PORT);
}

/*
 * The frame's length as received, kept for the per-port octet counters while
 * the stages change pkt_len (hash.fdir.hi is the other free half of hash).
 */
static inline void
pkt_set_rx_len(struct rte_mbuf *m)
{
	m->hash.fdir.hi = m->pkt_len;
}

static inline uint32_t
pkt_rx_len(const struct rte_mbuf *m)
{
	return m->hash.fdir.hi;
}

/*
 * What classify_outside() found of an ESP packet over IPv4, carried to
 * esp_in.c, which then neither probes the SA table again nor reads the
 * headers again: its SA (found with the probe that also proves an SPI
 * unknown), where the ESP header starts in the frame and how many ESP bytes
 * there are (the IP or UDP length less the headers, as classification checked
 * them). A dynamic mbuf field (the fixed fields a received packet leaves free
 * are 32 bits wide), registered by dp_create(), its offset global as DPDK's
 * own dynamic fields' are. The SA pointer was loaded with acquire from the SA
 * table in the worker loop iteration that uses it, so it is valid until the
 * worker's next quiescent report (sad_table.h): only a packet classified in
 * this worker_process() call may be read with it. Every packet that reaches
 * esp_in.c some other way (another worker's handoff, an AH bundle's ESP) or
 * that classification does not look up (IPv6) carries sa NULL: esp_in.c
 * looks it up and reads its headers itself.
 */
struct pkt_in_esp {
	struct sa_rt *sa;
	uint16_t off;	/* the ESP header, from the start of the frame */
	uint16_t len;	/* ESP bytes: header, payload, trailer and ICV */
};

extern int dp_in_esp_off;

static inline struct pkt_in_esp *
pkt_in_esp(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_in_esp_off, struct pkt_in_esp *);
}

static inline void
pkt_set_in_sa(struct rte_mbuf *m, struct sa_rt *sa)
{
	pkt_in_esp(m)->sa = sa;
}

static inline struct sa_rt *
pkt_in_sa(struct rte_mbuf *m)
{
	return pkt_in_esp(m)->sa;
}

/*
 * Stable partition after a stage: packets marked DP_KEEP first, in order,
 * then the dropped ones with their reasons moved alongside. Returns the kept count.
 */
static inline uint16_t
dp_burst_compact(struct rte_mbuf **pkts, dp_drop_t *reason, uint16_t n)
{
	struct rte_mbuf *bad[DP_BURST_MAX];
	dp_drop_t why[DP_BURST_MAX];
	uint16_t k = 0, b = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (reason[i] == DP_KEEP) {
			pkts[k++] = pkts[i];
		} else {
			bad[b] = pkts[i];
			why[b++] = reason[i];
		}
	}
	for (uint16_t i = 0; i < b; i++) {
		pkts[k + i] = bad[i];
		reason[k + i] = why[i];
	}
	return k;
}

#endif
