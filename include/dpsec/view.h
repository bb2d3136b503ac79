/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the CLI may see of the running daemon: plain snapshots (no DPDK types)
 * behind a table of operations. dpsecd implements the operations over the
 * dataplane; the CLI's golden tests implement them with fixed data. No
 * snapshot carries key material.
 */
#ifndef DPSEC_VIEW_H
#define DPSEC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "counters.h"
#include "ip_traffic.h"
#include "punt_ike.h"
#include "recovery_actions.h"
#include "ts.h"

/* IKEv2 views (dpsec/ike.h); the operations below pass them by pointer. */
struct ike_addr;
struct view_ike_sa;
struct view_ike_child;
struct view_ike_stats;

enum view_sa_status {
	VIEW_SA_ACTIVE,
	VIEW_SA_DELETING,	/* removed, waiting for workers to let go */
};

struct view_sa {
	uint32_t map;		/* index into cfg->crypto_maps (not with vti) */
	uint32_t entry;		/* index into that map's entries */
	bool vti;		/* a tunnel's SA: tunnel is its index into cfg->tunnels */
	uint32_t tunnel;
	enum cfg_dir dir;
	uint32_t spi;		/* host order */
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum dp_cipher cipher;
	enum dp_auth auth;
	enum cfg_mode mode;
	bool esn;
	bool udp_encap;
	uint16_t local_port;
	uint16_t peer_port;
	uint16_t path_mtu;	/* outbound: the MTU it encapsulates to (ICMP 3/4 may lower it); 0 in */
	bool manual;		/* keyed by hand (no lifetime) */
	uint32_t conn_id;
	uint16_t worker;	/* the owner: the one worker writing its sequence numbers */
	uint32_t replay_window;	/* 0 = replay detection off */
	uint64_t kb_left;	/* remaining KB lifetime (ignored when manual) */
	uint32_t sec_left;	/* remaining seconds (ignored when manual) */
	/* No limit in bytes: IOS prints "Kilobyte Volume Rekey has been disabled". */
	bool kb_disabled;
	enum view_sa_status status;
	/*
	 * Outbound: installed but not the SA its policy encrypts with (an IKE
	 * CHILD_SA waiting for dp_sa_activate, or one replaced by a newer one).
	 */
	bool standby;
	/*
	 * One of the two SAs of an AH+ESP bundle (RFC 4301 section 4.5). Both
	 * count every packet they carry; the ESP SA's are the flow's.
	 */
	bool bundle;
	struct dp_sa_counters ctr;	/* minus the "clear crypto sa counters" baseline */
	/*
	 * The selectors the SA enforces (dp_sa_params.ts_*: ours, the peer's), as
	 * negotiated, narrowed by the peer or not; n = 0: the crypto map's ACL alone
	 * (manual SAs). "show crypto ipsec sa" shows a flow per distinct pair.
	 */
	uint8_t n_ts_local, n_ts_remote;
	struct dp_ts ts_local[DP_TS_MAX], ts_remote[DP_TS_MAX];
};

/* How many SAs, without listing them: a manual SA file may install millions. */
struct view_sa_summary {
	uint64_t inbound;
	uint64_t outbound;
	uint64_t standby;	/* outbound, not the one its policy encrypts with (view_sa) */
};

/*
 * One worker lcore's own figures. handoff_pkts: packets it received for an SA
 * another worker owns and put on that owner's handoff ring (docs/ARCHITECTURE.md,
 * "Who writes what"); what a full ring refused is the drop IpsecHandoffFull.
 */
#define VIEW_WORKERS_MAX 16	/* at least DP_WORKERS_MAX (stats.c asserts it) */
struct view_worker {
	uint16_t id;		/* 0..n_workers-1 */
	uint32_t lcore;		/* its EAL lcore */
	uint64_t handoff_pkts;
};

struct view_port {
	char name[CFG_NAME_MAX];	/* configured interface name */
	uint16_t port_id;	/* the DPDK port ("Platform Handle") */
	uint8_t mac[6];
	bool link_up;
	uint32_t speed_mbps;	/* link speed the port reports; 0 = unknown */
	/* The punt ring of the worker that polls the port: packets waiting, capacity. */
	uint32_t punt_queue_size, punt_queue_max;
	uint64_t ipackets, ibytes, opackets, obytes;	/* the port's own counters */
	uint64_t imissed, ierrors, oerrors, rx_nombuf;
	/*
	 * What the workers did with each packet the port received: forwarded
	 * (queued for an output port), punted (handed to the control thread) or
	 * dropped (by global cause). Per port, ipackets = fwd + punt + in_drop +
	 * reasm_fragments - reassembled (fragments became one packet).
	 */
	uint64_t fwd_pkts, fwd_octets;
	uint64_t punt_pkts, punt_octets;
	uint64_t in_drop_pkts[DP_GLOBAL__COUNT], in_drop_octets[DP_GLOBAL__COUNT];
	/* Packets queued for this port and dropped there (TailDrop), by global cause. */
	uint64_t out_drop_pkts[DP_GLOBAL__COUNT], out_drop_octets[DP_GLOBAL__COUNT];
	/* From the control thread's samples of the port counters (src/ctrl/port_rate.c). */
	uint64_t last_input_sec;	/* since ipackets last moved; VIEW_NEVER: not yet */
	uint64_t last_output_sec;	/* since opackets last moved */
	uint64_t in_rate_bps, in_rate_pps;	/* 5-minute exponentially-decayed averages */
	uint64_t out_rate_bps, out_rate_pps;
	uint64_t fragmented;	/* packets sent as IPv4 fragments (QFP FragmentedIpv4) */
	uint64_t fragments;	/* the fragments (QFP FragmentsIpv4) */
	uint64_t reassembled;	/* ESP/AH datagrams reassembled from fragments received (QFP ReassIpv4) */
	uint64_t reasm_fragments;	/* the fragments they took */
	uint64_t mss_adjusted;	/* TCP SYNs whose MSS "ip tcp adjust-mss" lowered */
};

#define VIEW_NEVER UINT64_MAX

/*
 * What the control thread did with punted packets, by kind. received =
 * answered + unhandled + tx_failed: a reply sent on (IKE: the datagram
 * handed to IKE), a packet dropped as PuntUnhandled (not ours to answer, a
 * malformed or fragmented IKE datagram, a NAT keepalive, IKE without IKE in
 * the daemon), or a reply the inject ring refused (also dropped as
 * PuntUnhandled). sent and send_failed count what the control thread
 * originated of the kind (IKE datagrams), apart from the above.
 */
#define VIEW_PUNT_KINDS(X)                                                                         \
	X(ARP, "arp")                                                                              \
	X(ICMP_ECHO, "icmp_echo")                                                                  \
	X(IKE, "ike")                                                                              \
	X(ND6, "nd6")                                                                              \
	X(ICMP6_ECHO, "icmp6_echo")                                                                \
	X(OTHER, "other")

enum view_punt_kind {
#define VIEW_X(k, key) VIEW_PUNT_##k,
	VIEW_PUNT_KINDS(VIEW_X)
#undef VIEW_X
	VIEW_PUNT__COUNT
};

/* The kind's key in JSON and telemetry ("arp", "icmp_echo", "ike", "nd6", "icmp6_echo", "other"). */
static inline const char *
view_punt_key(enum view_punt_kind k)
{
	static const char *const key[VIEW_PUNT__COUNT] = {
#define VIEW_X(kind, name) [VIEW_PUNT_##kind] = name,
		VIEW_PUNT_KINDS(VIEW_X)
#undef VIEW_X
	};

	return key[k];
}

struct view_punt_count {
	uint64_t received;	/* taken off the punt rings by the control thread */
	uint64_t answered;	/* a reply built and handed to a worker (ARP: or a reply to us learned) */
	uint64_t unhandled;	/* dropped: not for us to answer */
	uint64_t tx_failed;	/* a reply built, but the inject ring was full */
	uint64_t sent;		/* originated (not replies): handed to a worker to send */
	uint64_t send_failed;	/* originated, not sent: no interface, MAC or buffer, too big */
};

struct view_punt_stats {
	struct view_punt_count kind[VIEW_PUNT__COUNT];
	uint64_t ike[PUNT_IKE__COUNT];	/* what became of IKE datagrams, by outcome (punt_ike.h) */
};

/*
 * What was last done about an unknown-SPI flow. The CLI prints it as one
 * word: "none", "logged", or the recovery decision's name ("NOTIFY", "WAIT").
 */
enum inv_spi_state {
	INV_SPI_NONE,		/* noted, nothing done yet */
	INV_SPI_LOGGED,		/* its %CRYPTO-4-RECVD_PKT_INV_SPI line was written */
	INV_SPI_DECIDED,	/* invalid-SPI recovery decided (the decision) */
};

/* An unknown-SPI flow as the control thread tracks it ("show crypto ipsec invalid-spi"). */
struct view_inv_spi {
	bool ipv6;
	uint8_t src[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
	uint32_t spi;		/* host order */
	uint8_t proto;		/* 50 ESP, 51 AH */
	bool udp;		/* arrived in UDP 4500 */
	uint32_t iface;		/* index into cfg->interfaces */
	uint64_t pkts;		/* packets the workers counted for this flow */
	uint64_t events;	/* reports received */
	struct timespec first_seen;	/* wall clock */
	struct timespec last_seen;
	bool static_peer;	/* src is a statically configured crypto map peer */
	enum inv_spi_state state;	/* what was last done about it */
	enum recovery_action decision;	/* the last decision, with INV_SPI_DECIDED */
	struct timespec state_at;	/* wall clock: when state last changed (first_seen at first) */
	struct timespec logged_at;	/* its last RECVD_PKT_INV_SPI line; zero: never */
	struct timespec decided_at;	/* recovery's last decision about it; zero: never */
};

struct view_inv_spi_stats {
	uint64_t events;	/* received by the control thread */
	uint64_t deduped;	/* packets folded by workers into an earlier event of the same flow */
	uint64_t rate_limited;	/* events workers held back: over their rate */
	uint64_t ring_full;	/* events lost: the ring to the control thread was full */
	uint64_t flows;		/* tracked now */
	uint64_t flows_evicted;	/* dropped from a full table */
	uint64_t logged;	/* %CRYPTO-4-RECVD_PKT_INV_SPI lines logged */
	uint64_t log_suppressed;	/* ... held back by the rate limits */
	/*
	 * Every packet counted as drop 4 or 12 since the start (no "clear"
	 * baseline) is in a flow or in exactly one of the not-attributed counts:
	 * pkts_counted == pkts_in_flows + pkts_rate_limited + pkts_ring_full +
	 *                 pkts_evicted + pkts_cleared + pkts_pending
	 */
	uint64_t pkts_counted;
	uint64_t pkts_in_flows;		/* in the tracked flows */
	uint64_t pkts_rate_limited;	/* in events workers gave up, over their rate */
	uint64_t pkts_ring_full;	/* in events lost to a full ring */
	uint64_t pkts_evicted;		/* in flows evicted from the full table */
	uint64_t pkts_cleared;		/* in flows "clear crypto ipsec invalid-spi" forgot */
	uint64_t pkts_pending;		/* not reported yet (a worker folds them, or on the ring) */
	/* Invalid-SPI recovery's decisions (recovery_actions.h) and the packets behind them. */
	uint64_t recovery[RECOVERY__COUNT];
	uint64_t recovery_pkts[RECOVERY__COUNT];
};

/* The packets of drops 4 and 12 that are in no flow of the table, whatever the reason. */
static inline uint64_t
view_inv_spi_not_attributed(const struct view_inv_spi_stats *s)
{
	return s->pkts_rate_limited + s->pkts_ring_full + s->pkts_evicted + s->pkts_cleared +
	       s->pkts_pending;
}

struct view_log_stats {
	uint64_t logged;	/* messages accepted into the log */
	uint64_t rate_limited;	/* messages held back by rate limits */
	uint64_t overwritten;	/* messages pushed out of the full buffer */
	size_t buffer_size;	/* bytes */
	bool syslog;		/* also sent to syslog(3) */
};

enum view_sa_filter_kind {
	VIEW_SA_ALL,
	VIEW_SA_PEER,
	VIEW_SA_SPI,
};

struct view_sa_filter {
	enum view_sa_filter_kind kind;
	uint32_t peer;		/* VIEW_SA_PEER, IPv4: network order */
	bool peer_v6;		/* VIEW_SA_PEER: the peer is peer6, not peer */
	uint8_t peer6[16];
	uint32_t spi;		/* VIEW_SA_SPI: host order, inbound or outbound */
};

/* A neighbour the control thread learned by ARP ("show ip arp"; static ones come from the config). */
struct view_arp {
	uint32_t ip;		/* network order */
	uint32_t iface;		/* index into cfg->interfaces */
	uint8_t mac[6];
	bool incomplete;	/* requested, not answered: no MAC yet */
	uint64_t age_s;		/* since learned or last refreshed */
};

/* An IPv6 neighbor the control thread learned by neighbor discovery ("show ipv6 neighbors"). */
enum view_nd6_state { VIEW_ND6_INCMP, VIEW_ND6_REACH, VIEW_ND6_STALE, VIEW_ND6_DELAY, VIEW_ND6_PROBE };
struct view_nd6 {
	uint8_t ip[16];
	uint32_t iface;		/* index into cfg->interfaces */
	uint8_t mac[6];		/* none when INCMP */
	uint8_t state;		/* enum view_nd6_state */
	uint64_t age_s;		/* since learned or last confirmed (INCMP: since solicited) */
};

struct view_ops {
	/* Drop statistics, summed over lcores, minus the last clear. */
	void (*drop_stats)(void *ctx, struct dp_drop_stats *out);
	/* "... drop clear": reset the shown drop statistics (a baseline, not a write). */
	void (*drop_stats_clear)(void *ctx);
	/* All SAs, in install order. Returns how many were written (at most max). */
	size_t (*sa_list)(void *ctx, struct view_sa *out, size_t max);
	/* The SA table counted (show crypto ipsec sa count). */
	void (*sa_summary)(void *ctx, struct view_sa_summary *out);
	/* "clear crypto sa counters" */
	void (*sa_counters_clear)(void *ctx);
	/* One entry per configured interface, in config order. */
	size_t (*port_list)(void *ctx, struct view_port *out, size_t max);
	/*
	 * Optional (NULL = no worker figures): one entry per worker in id order,
	 * counted since the last drop_stats_clear; returns how many were written.
	 */
	size_t (*worker_list)(void *ctx, struct view_worker *out, size_t max);
	/*
	 * Optional (NULL = never cleared): wall-clock time of the last
	 * drop_stats_clear, for "Last clearing of QFP drops statistics".
	 * Returns false if the statistics were never cleared.
	 */
	bool (*drop_stats_cleared_at)(void *ctx, struct timespec *when);
	/*
	 * Optional (NULL = clock_gettime(CLOCK_REALTIME)): the wall clock
	 * "show clock" and the "(... ago)" texts read, so tests can pin it.
	 */
	void (*wall_clock)(void *ctx, struct timespec *now);

	/* --- control plane (issue 3); all optional: NULL = not available --- */
	/* Unknown-SPI flows, most recent first; returns how many were written. */
	size_t (*inv_spi_list)(void *ctx, struct view_inv_spi *out, size_t max);
	void (*inv_spi_stats)(void *ctx, struct view_inv_spi_stats *out);
	/* "clear crypto ipsec invalid-spi": forget the tracked flows. */
	void (*inv_spi_clear)(void *ctx);
	/* The learned ARP table, in no particular order; returns how many were written. */
	size_t (*arp_list)(void *ctx, struct view_arp *out, size_t max);
	/* The learned IPv6 neighbor cache, in no particular order; returns how many. */
	size_t (*nd6_list)(void *ctx, struct view_nd6 *out, size_t max);
	/*
	 * The log buffer, oldest line first, each line '\n'-terminated, into buf
	 * (at most cap bytes, whole lines only); returns the bytes written.
	 */
	size_t (*log_read)(void *ctx, char *buf, size_t cap, struct view_log_stats *st);
	/* "clear logging" */
	void (*log_clear)(void *ctx);
	/*
	 * "clear crypto sa [peer A | spi N]": delete the matching SAs, a negotiated
	 * CHILD_SA with a DELETE to its peer; returns how many SA halves.
	 */
	size_t (*sa_clear)(void *ctx, const struct view_sa_filter *f);
	/*
	 * "test crypto ipsec sa forget [peer A]" (a test aid): remove the matching
	 * SAs from the dataplane only, telling neither IKE nor the peer.
	 */
	size_t (*sa_forget)(void *ctx, const struct view_sa_filter *f);
	/* "[no] crypto isakmp invalid-spi-recovery" at run time */
	bool (*recovery_get)(void *ctx);
	void (*recovery_set)(void *ctx, bool on);
	/* "[no] debug crypto ipsec" */
	bool (*debug_get)(void *ctx);
	void (*debug_set)(void *ctx, bool on);
	/* Seconds since the daemon started; optional (NULL = struct view's uptime_sec). */
	uint64_t (*uptime)(void *ctx);
	/* The control thread's punt counters ("... infrastructure punt statistics"). */
	void (*punt_stats)(void *ctx, struct view_punt_stats *out);
	/* Optional: the control thread's ARP table and IKE reassembly counters ("show ip traffic"). */
	void (*ip_traffic)(void *ctx, struct view_ip_traffic *out);
	/*
	 * Optional: an IOS-style message into the daemon's log ("%TAG: text",
	 * severity 0..7): the CLI's record of who changed what, and of refusals.
	 */
	void (*log)(void *ctx, int severity, const char *tag, const char *text);

	/* --- IKEv2 (issue 7); optional: NULL = no IKE in this daemon --- */
	/* IKE SAs in creation order; returns how many were written (at most max). */
	size_t (*ike_sa_list)(void *ctx, struct view_ike_sa *out, size_t max);
	/* CHILD_SAs of one IKE SA (tunnel_id), or of all (0). */
	size_t (*ike_child_list)(void *ctx, uint32_t tunnel_id, struct view_ike_child *out,
				 size_t max);
	void (*ike_stats)(void *ctx, struct view_ike_stats *out);
	/* "clear crypto ikev2 stats" */
	void (*ike_stats_clear)(void *ctx);
	/* "clear crypto ikev2 sa [remote A]": peer NULL = all; returns how many IKE SAs went. */
	unsigned int (*ike_clear)(void *ctx, const struct ike_addr *peer);
	/* "clear crypto session [remote A]": ike_clear, then on-start entries come up again. */
	unsigned int (*ike_session_clear)(void *ctx, const struct ike_addr *peer);
	/* "[no] debug crypto ikev2" */
	bool (*ike_debug_get)(void *ctx);
	void (*ike_debug_set)(void *ctx, bool on);
};

struct view {
	const struct view_ops *ops;
	void *ctx;
	const struct dpsec_config *cfg;
	const char *version;		/* for "show version" */
	const char *build;		/* the build's id (git describe), in "show version" */
	const char *image;		/* IOS-style image name, e.g. "X86_64_LINUX_DPDK-DPSECD" */
	uint64_t uptime_sec;		/* fixed uptime when ops->uptime is NULL (tests) */
};

#endif
