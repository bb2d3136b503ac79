/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dataplane in a test process: EAL without hugepages or PCI, two net_ring
 * ports (a ring vdev loops its TX back to its own RX), a config built in C,
 * and one worker structure driven from the test thread (no lcore is launched):
 *
 *   inside0  net_ring1  10.0.2.1/16  <- hosts 10.0.0.0/16
 *   outside0 net_ring0  192.0.2.2/24 <- peer 192.0.2.1
 *   crypto map VPN 10: 10.0.0.0/16 <-> 10.0.0.0/16 (symmetric, so a packet the
 *   worker encrypted can be reflected back as if the peer had sent it);
 *   VPN 20 only when a test gives it lines
 *
 * harness_send() runs a frame through worker_process() on a port and returns
 * what the worker transmitted (on whichever port) after worker_flush().
 *
 * Each harness is new: its own ports, dataplane and worker, so a cmocka test
 * that creates one in its setup starts from nothing another test left. The
 * worker reads a fake clock (h->fake) that moves only when the test says so.
 *
 * harness_create_opts() changes what a test needs of that picture (the crypto
 * map's permit lines, the inside prefix, extra inside routes), e.g. for RFC
 * test vectors whose inner addresses are not in 10.0.0.0/16.
 */
#ifndef DPSEC_TEST_HARNESS_H
#define DPSEC_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/clk.h"
#include "dpsec/config.h"
#include "dpsec/dp.h"

#include "dataplane.h"

struct rte_ring;

#define H_OUTSIDE 0	/* port indices in dp->ports */
#define H_INSIDE 1

#define H_LOCAL "192.0.2.2"
#define H_PEER "192.0.2.1"
#define H_PEER6 "2001:db8::1"	/* the peer of SAs with h_sa.family AF_INET6 */
#define H_PEER_MAC "02:00:00:00:00:01"
#define H_HOST_MAC "02:00:00:00:02:05"
#define H_OUTSIDE_MAC "02:00:00:00:00:02"	/* the gateway's ports */
#define H_INSIDE_MAC "02:00:00:00:02:01"

struct h_sa {
	enum cfg_dir dir;
	uint32_t spi;
	uint8_t proto;		/* IPPROTO_AH, or 0: ESP */
	enum dp_cipher cipher;
	enum dp_auth auth;
	bool esn;
	bool udp;
	uint32_t replay_window;
	uint32_t entry;		/* of crypto map VPN: 0 (VPN 10) or 1 (VPN 20) */
	bool standby;		/* outbound: installed, not carrying traffic until dp_sa_activate */
	struct dp_sa_lifetime life;	/* zero: none */
	bool negotiated;	/* an IKE SA (dp_sa_params.manual false); default manual */
	uint64_t initial_seq;	/* outbound: the last sequence number "already sent" */
	const uint8_t *ckey;	/* key || salt; NULL = a fixed test pattern */
	const uint8_t *akey;
	/* negotiated traffic selectors (dp_sa_params.ts_*); n = 0: none */
	const struct dp_ts *ts_local, *ts_remote;
	uint8_t n_ts_local, n_ts_remote;
	const struct dp_ts6 *ts6_local, *ts6_remote;	/* the same for IPv6 packets */
	uint8_t n_ts6_local, n_ts6_remote;
	int family;		/* dp_sa_params.family; 0: IPv4; AF_INET6: outside6 <-> H_PEER6 */
	bool vti;		/* Tunnel1's SA (h_opts.tunnel_routes), not crypto map VPN's */
	bool bundled;		/* dp_sa_params.bundled: the ESP SA of an AH+ESP bundle */
	uint32_t inner_conn_id;	/* dp_sa_params.inner_conn_id: an AH SA around that ESP SA */
};

#define H_RING_SIZE 1024	/* frames a port holds: TX fails when its ring is full */
#define H_ACL_MAX 16
#define H_ROUTE_MAX 16

/*
 * One line of crypto map VPN 10, written from the local side (like cfg_acl).
 * IPv6 prefixes ("2001:db8::/32") make an IPv6 line; an entry's lines are
 * all one family.
 */
struct h_acl_line {
	const char *local;	/* protected prefix, "a.b.c.d/len" */
	const char *remote;	/* the peer's protected prefix */
	bool deny;		/* a deny line (not protected) */
};

/* What a test changes of the default topology; a zero field keeps the default. */
struct h_opts {
	const struct h_acl_line *acl;	/* default: one line 10.0.0.0/16 <-> 10.0.0.0/16 */
	uint32_t n_acl;
	const struct h_acl_line *acl2;	/* a second entry, VPN 20 (same peer); default none */
	uint32_t n_acl2;
	const char *inside;		/* inside0 address/prefix; default "10.0.2.1/16" */
	uint16_t inside_mtu;		/* inside0 IP MTU; default 1500 */
	uint16_t outside_mtu;		/* outside0 IP MTU; default 1500 */
	uint16_t inside_mss;		/* inside0 tcp_adjust_mss; default 0 (off) */
	const char *outside6;		/* outside0 IPv6 address (/64); default none */
	bool outside_no_mac;		/* outside0 without next_hop_mac: no MAC for any peer */
	const char *const *routes; /* extra prefixes routed out of inside0 (directly connected) */
	uint32_t n_routes;
	/* prefixes routed into Tunnel1 (outside0 -> the peer, static VTI); none: no tunnel */
	const char *const *tunnel_routes;
	uint32_t n_tunnel_routes;
	const char *inside6;		/* inside0 address6 "X:X::X/LEN"; default none */
	const struct cfg_route6 *routes6;	/* IPv6 routes (iface: H_INSIDE or H_OUTSIDE) */
	/* Tunnel1 is 'ipsec ipv6', outside6 -> H_PEER6 (routes6 with tunnel 0 lead into it) */
	bool tunnel_v6;
	uint32_t n_routes6;
	const struct cfg_neighbor6 *neighbors6;	/* inside0's IPv6 static neighbors */
	uint32_t n_neighbors6;
	bool inside_no_mac;		/* inside0 without next_hop_mac */
	uint8_t acl_proto;		/* VPN 10's permit lines: this protocol only; 0 any */
	uint16_t acl_dport;		/* and this destination port only; 0 any */
};

struct harness {
	char vdev[2][24];		/* the ports' net_ring devices, new in each harness */
	struct rte_ring *ring[2];	/* and their rings */
	struct dpsec_config cfg;
	struct cfg_interface ifs[2];
	struct cfg_transform_set ts;
	struct cfg_crypto_map map;
	struct cfg_map_entry entry[2];	/* VPN 10, and VPN 20 if asked for (h_opts.acl2) */
	struct cfg_acl acl[H_ACL_MAX];
	struct cfg_acl acl2[H_ACL_MAX];
	struct cfg_route routes[H_ROUTE_MAX];
	struct cfg_tunnel tunnel;	/* Tunnel1, with h_opts.tunnel_routes */
	struct dp *dp;
	struct dp_worker *w;
	struct clk_fake fake;		/* the worker's time: clk_fake_advance_ms(&h->fake, ms) */
	struct clk clock;
	uint64_t punted;		/* packets the worker handed to the control thread */
	uint64_t events[DP_EV__END];	/* events received, by enum dp_event_type */
	uint64_t inv_pkts;		/* packets the invalid-SPI events received stand for */
	struct dp_event last_event;
};

/* Once per process. Returns 0 or -1 (and prints why). */
int harness_eal_init(void);
/* Removes this process's EAL runtime directory (atexit after an EAL init of one's own). */
void harness_remove_runtime_dir(void);

/* The default topology above; h must not move while it is in use (the clock points into it). */
int harness_create(struct harness *h);
/* The same with a test's changes; -1 (and why, on stderr) on a bad option. */
int harness_create_opts(struct harness *h, const struct h_opts *o);
/* SAs deleted and reclaimed, the dataplane and its ports gone. */
void harness_destroy(struct harness *h);

/* Install an SA between H_LOCAL and H_PEER for the crypto map entry. Returns conn id or -errno. */
int harness_add_sa(struct harness *h, const struct h_sa *s);

/* A frame in a fresh mbuf. */
struct rte_mbuf *harness_mbuf(struct harness *h, const void *frame, size_t len);

/*
 * Frames received on port pi, through worker_process(). A frame whose
 * Ethernet destination is 00:00:00:00:00:00 (what the frame builders below
 * leave there) gets the port's MAC first, as a host that resolved the gateway
 * would have addressed it.
 */
void harness_rx(struct harness *h, uint16_t pi, struct rte_mbuf **in, uint16_t n);

/*
 * Transmit what the worker queued, play the control plane (below), and
 * collect up to max transmitted frames (on whichever port; *out_port: the
 * last port that sent any) into out[] (caller frees); returns how many.
 */
uint16_t harness_collect(struct harness *h, struct rte_mbuf **out, uint16_t max,
			 uint16_t *out_port);

/* harness_rx(), then harness_collect(). */
uint16_t harness_send(struct harness *h, uint16_t pi, struct rte_mbuf **in, uint16_t n,
		      struct rte_mbuf **out, uint16_t max, uint16_t *out_port);

/*
 * What the peer would send back of an ESP frame the gateway sent: the outer
 * addresses swapped, addressed to the gateway. With the SAs of both
 * directions keyed alike, it decapsulates.
 */
void harness_reflect(struct rte_mbuf *m);

/*
 * ESP from src to H_LOCAL: SPI, sequence number (low 32 bits) and 56 zero
 * bytes, which no SA decrypts (for lookups, unknown SPIs, who handles it).
 */
struct rte_mbuf *harness_esp(struct harness *h, const char *src, uint32_t spi, uint32_t seq);

/* Build Ethernet + IPv4 (+ payload) test frames. Returns the frame length. */
size_t harness_ipv4_frame(uint8_t *buf, const char *src, const char *dst, uint8_t proto,
			  uint8_t ttl, const void *payload, size_t plen);

/* Worker drop counters for one code (packets). */
uint64_t harness_drops(const struct harness *h, dp_drop_t code);
/* All of them added up: with harness_drops(), "this counter moved and no other". */
uint64_t harness_drops_total(const struct harness *h);

/* Drain what the worker handed to the control thread (harness_send does it). */
void harness_control_plane(struct harness *h);

/* Print every non-zero drop counter (to explain a failing test). */
void harness_dump_drops(const struct harness *h);

#endif
