/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane as the control thread drives it. Everything here is called
 * from the control thread only (after rte_eal_init); workers run on their own
 * lcores between dp_start() and dp_stop().
 *
 * The SA-install API (dp_sa_add / dp_sa_del) is the one way SAs enter and
 * leave the fast path: manual SAs from the config today, IKE tomorrow.
 */
#ifndef DPSEC_DP_H
#define DPSEC_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clk.h"
#include "config.h"
#include "counters.h"
#include "events.h"
#include "secret.h"
#include "view.h"
#include "xform.h"

struct dp;
struct rte_mbuf;
struct rte_mempool;

/*
 * Limits of an installed SA, enforced by the workers (0 = no such limit).
 * Soft limits raise one DP_EV_SA_SOFT (the control thread rekeys); hard
 * limits raise one DP_EV_SA_HARD, and from then on the SA drops what it
 * would process (counted) until the control thread deletes it. Seconds run
 * from installation.
 */
struct dp_sa_lifetime {
	uint64_t soft_bytes, hard_bytes;	/* ESP payload bytes processed */
	uint64_t soft_pkts, hard_pkts;
	uint32_t soft_sec, hard_sec;
};

/* struct dp_ts, DP_TS_MAX: dpsec/ts.h (through view.h: the CLI shows them). */

struct dp_sa_params {
	enum cfg_dir dir;
	uint32_t spi;			/* host order */
	uint32_t map;			/* crypto map entry the SA protects (without vti) */
	uint32_t entry;
	/*
	 * A tunnel's SA (static VTI, "tunnel protection"): tunnel indexes
	 * cfg->tunnels and map, entry are ignored. It carries whatever the
	 * routes send into the tunnel, selectors 0.0.0.0/0 both ways.
	 */
	bool vti;
	uint32_t tunnel;
	/*
	 * IPPROTO_ESP (0 means ESP too), or IPPROTO_AH (RFC 4302): then auth is
	 * AH's HMAC, cipher DP_CIPHER_NULL and there is no UDP encapsulation.
	 */
	uint8_t proto;
	enum dp_cipher cipher;
	enum dp_auth auth;
	bool esn;
	/*
	 * Tunnel endpoints. family AF_INET (0 means AF_INET too): local/peer, network
	 * order. AF_INET6: local6/peer6 (local6 an outside interface's address6),
	 * ESP only: AH, ESP-in-UDP and bundles over IPv6 are refused with
	 * -EAFNOSUPPORT (issue 10).
	 */
	int family;
	uint32_t local;
	uint32_t peer;
	uint8_t local6[16], peer6[16];
	bool udp_encap;
	uint16_t local_port;
	uint16_t peer_port;
	uint32_t replay_window;		/* inbound; 0 = off */
	uint64_t initial_seq;		/* outbound: the first packet sent carries this + 1 */
	bool manual;
	/*
	 * Outbound: carry the policy's traffic at once (manual SAs), or wait
	 * for dp_sa_activate (an IKE CHILD_SA until its exchange completes).
	 * Ignored inbound: an inbound SA takes traffic as soon as it is added.
	 */
	bool activate;
	struct dp_sa_lifetime life;
	/*
	 * Traffic selectors negotiated for the SA, enforced on top of the crypto map's
	 * ACL: ts_local is our protected side (inner source outbound, destination
	 * inbound), ts_remote the peer's. A packet is the SA's when its address on each
	 * side (and that side's port) is inside one selector of that side. n = 0 for a
	 * side: the ACL alone decides it (manual SAs). ts6_*: the same for IPv6
	 * packets (an entry's lines are one family, so an SA has one kind or none).
	 */
	uint8_t n_ts_local, n_ts_remote;
	struct dp_ts ts_local[DP_TS_MAX], ts_remote[DP_TS_MAX];
	uint8_t n_ts6_local, n_ts6_remote;
	struct dp_ts6 ts6_local[DP_TS_MAX], ts6_remote[DP_TS_MAX];
	/*
	 * AH+ESP bundle (RFC 4301 section 4.5: ESP inside, AH outside). Its ESP
	 * SA is added first with bundled (never encrypting alone, whatever
	 * activate says; an ESP packet for it without the AH is refused), then
	 * its AH SA with inner_conn_id, the ESP SA's connection id (same
	 * direction and crypto map entry; 0: not a bundle). The AH SA is the one
	 * the policy encrypts with; deleting either deletes both.
	 */
	bool bundled;
	uint32_t inner_conn_id;
	const struct secret *cipher_key;	/* key || salt; copied into expanded keys */
	const struct secret *auth_key;
};

/* Ports, mempool, SA database, policies, routes and workers from the config. */
struct dp *dp_create(const struct dpsec_config *cfg, char *err, size_t errlen);
/*
 * The workers' clock (copied; clk->ctx must outlive dp), for their rate
 * limits and report intervals. Default: the TSC. Call before dp_start().
 */
void dp_set_clock(struct dp *dp, const struct clk *clk);
/* Start the ports and launch one worker per worker lcore. */
int dp_start(struct dp *dp, char *err, size_t errlen);
/* Ask workers to stop and wait for them. */
void dp_stop(struct dp *dp);
/* Frees everything (wiping SA keys); accepts NULL. Call after dp_stop(). */
void dp_destroy(struct dp *dp);
/*
 * The same when rte_eal_cleanup follows (the process is exiting), except that
 * the route tables' DPDK memory is left to it (dp.c says why).
 */
void dp_destroy_at_exit(struct dp *dp);
/* Control-thread chores: frees SAs whose RCU grace period has passed. */
void dp_housekeeping(struct dp *dp);
/* Worker lcores in use. */
unsigned int dp_worker_count(const struct dp *dp);

/*
 * Returns 0 and the SA's connection id, or -errno (EEXIST: SPI in use,
 * EAFNOSUPPORT: IPv6 endpoints, EINVAL: a bad SPI or selector).
 */
int dp_sa_add(struct dp *dp, const struct dp_sa_params *p, uint32_t *conn_id);
/*
 * Make an installed outbound SA the one its policy encrypts with (the
 * previous one stays installed until deleted). 0, -ENOENT, or -EINVAL for an
 * inbound SA.
 */
int dp_sa_activate(struct dp *dp, uint32_t conn_id);
/*
 * Packets and bytes (inner IPv4 bytes, what the ESP payload carried) an SA
 * has processed so far. 0 or -ENOENT.
 */
int dp_sa_usage(const struct dp *dp, uint32_t conn_id, uint64_t *pkts, uint64_t *bytes);
/*
 * The peer of an IKE SA moved (NAT port floating, RFC 7296 2.23): new
 * endpoints for an installed SA, taking effect for the next packet (workers
 * still encapsulating with the old ones finish with them). 0, -ENOENT, or for
 * an outbound SA -EHOSTUNREACH (no next-hop MAC for the new peer) or -ENOMEM,
 * the SA then unchanged. -EAFNOSUPPORT: an SA with IPv6 endpoints (the
 * IPv6 twin below takes those, and only those).
 */
int dp_sa_update_endpoints(struct dp *dp, uint32_t conn_id, uint32_t peer, uint16_t peer_port,
			   bool udp_encap);
int dp_sa_update_endpoints6(struct dp *dp, uint32_t conn_id, const uint8_t peer6[16],
			    uint16_t peer_port, bool udp_encap);
/*
 * ICMP "fragmentation needed" (3/4, RFC 1191) about one of our packets of the
 * outbound SA (local -> peer, proto ESP or AH, spi host order; the quoted
 * header says which) with next-hop MTU mtu: the SA encapsulates to that MTU
 * from the next packet on, never below DP_PMTU_MIN, never raised by a
 * message; after DP_PMTU_AGE_S (IOS: 10 minutes) dp_housekeeping puts the
 * interface's back. 0 (lowered, or nothing to lower), -ENOENT (no such SA),
 * -EINVAL (mtu 0: the router did not say), -ENOMEM. Control thread.
 */
#define DP_PMTU_MIN 576
#define DP_PMTU_AGE_S 600
int dp_sa_path_mtu(struct dp *dp, uint32_t local, uint32_t peer, uint8_t proto, uint32_t spi,
		   uint16_t mtu);
/*
 * The same for an ESP SA with IPv6 endpoints (local -> peer, 16 bytes each)
 * from an ICMPv6 Packet Too Big (RFC 8201): never below DP_PMTU6_MIN.
 */
#define DP_PMTU6_MIN 1280
int dp_sa_path_mtu6(struct dp *dp, const uint8_t local[16], const uint8_t peer[16], uint32_t spi,
		    uint32_t mtu);
/*
 * Replace an installed SA's traffic selectors by p's (n_ts_*, ts_*; the rest
 * of p is ignored), for the next packet: an IKE initiator installs its
 * inbound half before the responder narrows (RFC 7296 section 2.9). Only for
 * an SA installed with selectors. 0, -ENOENT, -EINVAL or -ENOMEM (the SA then
 * unchanged).
 */
int dp_sa_update_ts(struct dp *dp, uint32_t conn_id, const struct dp_sa_params *p);
/*
 * Unpublish an SA; it is freed once no worker can hold it. If it was the
 * outbound SA its policy encrypts with, the policy has none afterwards (no
 * other installed SA takes over by itself: dp_sa_activate one). 0 or -ENOENT.
 */
int dp_sa_del(struct dp *dp, uint32_t conn_id);
/* Delete every SA; returns how many. */
unsigned int dp_sa_del_all(struct dp *dp);
/* SAs in install order (view.h); at most max. Counters are raw (no baseline). */
size_t dp_sa_list(const struct dp *dp, struct view_sa *out, size_t max);
/* The same SAs counted, in one pass that reads no counters. */
void dp_sa_summary(const struct dp *dp, struct view_sa_summary *out);
size_t dp_sa_count(const struct dp *dp);

/*
 * The control thread's side of the workers' links (events, punted packets,
 * packets to send) and of the doorbell that lets it sleep.
 */
int dp_doorbell_fd(const struct dp *dp);
/* About to sleep in poll(): returns false if something is already queued (don't sleep). */
bool dp_ctrl_sleep(struct dp *dp);
/* Back from poll(): lower the flag and drain the doorbell. */
void dp_ctrl_wake(struct dp *dp);
/* Up to max queued events / punted packets, from all workers. m->port is the input port. */
unsigned int dp_events_poll(struct dp *dp, struct dp_event *ev, unsigned int max);
unsigned int dp_punt_poll(struct dp *dp, struct rte_mbuf **m, unsigned int max);
/* Send m out of the interface with this config index; on failure the caller still owns m. */
int dp_inject(struct dp *dp, uint32_t iface, struct rte_mbuf *m);
/*
 * Send m, an IPv4 packet of the gateway's own in an Ethernet frame, into the
 * tunnel its addresses select, as if a host had sent it on inside interface
 * iface: the worker polling that interface encrypts it with the outbound SA
 * of the crypto map entry that matches (or drops it, counted, like a host's
 * packet). -ENODEV (not an inside interface), -EINVAL (too short for IPv4) or
 * -ENOBUFS: the caller still owns m.
 */
int dp_inject_encrypt(struct dp *dp, uint32_t iface, struct rte_mbuf *m);
/* A packet the control thread gives up on, counted like a worker's drop. Frees m. */
void dp_ctrl_drop(struct dp *dp, struct rte_mbuf *m, enum dp_drop code);
/*
 * Packets the control thread took and freed earlier, now known to be lost
 * (fragments of a datagram that never completed): counted like drops.
 */
void dp_ctrl_drop_count(struct dp *dp, enum dp_drop code, uint64_t packets, uint64_t octets);
/* The config index of the interface a DPDK port belongs to, or CFG_NONE. */
uint32_t dp_iface_of_port(const struct dp *dp, uint16_t port_id);
/* An interface's MAC address (for replies the control thread builds). */
void dp_iface_mac(const struct dp *dp, uint32_t iface, uint8_t mac[6]);
/*
 * The MAC of ip (network order) on an interface's link, from its static
 * neighbors or else its next_hop_mac, as the outbound SAs resolve a peer:
 * 0, -ENODEV (no such interface) or -EHOSTUNREACH (no MAC for ip).
 */
int dp_neighbor_mac(const struct dp *dp, uint32_t iface, uint32_t ip, uint8_t mac[6]);
/*
 * The IPv6 next hop towards ip out of an interface: the via of the IPv6 route
 * to ip when that route leaves by the interface, else ip itself (on the link).
 */
void dp_next_hop6(const struct dp *dp, uint32_t iface, const uint8_t ip[16], uint8_t nh[16]);
/*
 * Where an outbound SA's next-hop MAC comes from when the config has no
 * static one (dp_neighbor_mac failed): the control thread's learned ARP
 * table. Called on the control thread only, from dp_sa_add and
 * dp_sa_update_endpoints; returns 0 and mac, or -EHOSTUNREACH (then the
 * install fails with it and is tried again when IKE retries). fn NULL: none.
 */
typedef int (*dp_neighbor_fn)(void *ctx, uint32_t iface, uint32_t ip, uint8_t mac[6]);
void dp_set_neighbor_hook(struct dp *dp, dp_neighbor_fn fn, void *ctx);
/*
 * The learned neighbour ip (network order) on iface is now at mac (it was
 * learned afresh, or answered with another MAC: a failover, a replaced
 * router). Every installed outbound SA whose next hop it is takes mac from
 * its next packet: its header template is rebuilt and swapped as
 * dp_sa_update_endpoints does. SAs whose next hop has a static MAC (the
 * config's neighbors or next_hop_mac, which win) are left alone, as are those
 * already sending to mac. Returns how many SAs changed; -ENOMEM (some may
 * have changed, the rest keep the old MAC until the next call).
 */
int dp_neighbor_update(struct dp *dp, uint32_t iface, uint32_t ip, const uint8_t mac[6]);
/*
 * IPv6 twins of the three above, for address6 next hops (an outbound SA to an
 * IPv6 peer): the static neighbors6 or next_hop_mac; the control thread's
 * learned IPv6 neighbor cache as the hook (RFC 4861); and an IPv6 neighbor
 * learned afresh or at a new MAC moving the outbound SAs that send to it.
 */
int dp_neighbor6_mac(const struct dp *dp, uint32_t iface, const uint8_t ip[16], uint8_t mac[6]);
typedef int (*dp_neighbor6_fn)(void *ctx, uint32_t iface, const uint8_t ip[16], uint8_t mac[6]);
void dp_set_neighbor6_hook(struct dp *dp, dp_neighbor6_fn fn, void *ctx);
int dp_neighbor6_update(struct dp *dp, uint32_t iface, const uint8_t ip[16], const uint8_t mac[6]);
/*
 * The learned IPv6 neighbors the workers may send decrypted packets to (the
 * control thread's usable REACHABLE and STALE entries, statics not among
 * them: they win anyway): replaces the whole set, published atomically, the
 * old one freed after the workers' grace period. 0 or -ENOMEM (the old set
 * stays). Control thread only.
 */
struct dp_neighbor6 {
	uint32_t iface;
	uint8_t ip[16];
	uint8_t mac[6];
};
int dp_neighbor6_set(struct dp *dp, const struct dp_neighbor6 *v, uint32_t n);
/*
 * The learned neighbors the workers sent to since the last call (up to max
 * into out, iface and ip set), their marks cleared: what RFC 4861 7.3.3
 * calls a use of the entry, for the control thread's DELAY/PROBE. Control
 * thread only.
 */
size_t dp_neighbor6_used(struct dp *dp, struct dp_neighbor6 *out, size_t max);
struct rte_mempool *dp_mempool(struct dp *dp);
/* What workers held back or lost on the way to the control thread, summed. */
void dp_event_stats(const struct dp *dp, struct dp_event_stats *out);

/* Drop counters summed over workers (raw; the caller keeps any baseline). */
void dp_drop_stats(const struct dp *dp, struct dp_drop_stats *out);
/* One entry per configured interface. */
size_t dp_port_list(const struct dp *dp, struct view_port *out, size_t max);

/* A worker's figures that belong to no port and no drop reason (raw, as counted). */
struct dp_worker_stats {
	uint16_t id;		/* 0..n_workers-1 */
	uint32_t lcore;		/* its EAL lcore */
	uint64_t handoff_pkts;	/* put on other workers' handoff rings (handoff.c) */
};
/* One entry per worker, in id order; returns how many were written (at most max). */
size_t dp_worker_list(const struct dp *dp, struct dp_worker_stats *out, size_t max);

#endif
