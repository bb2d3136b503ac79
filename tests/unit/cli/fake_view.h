/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fixed gateway for the CLI tests: the seed scenario's gwB, built in C.
 *
 *   host2 --- Gi2 10.0.2.1 [gwB] Gi1 192.0.2.2 ==== 192.0.2.1 gwA (map VPN 10)
 *                                     |       ==== 198.51.100.7   (map VPN 20, no SA yet)
 *                                Gi3 203.0.113.2 ==== 203.0.113.9 (map LAB 10, manual SAs,
 *                                                                  ESP-in-UDP, ESN)
 *
 * Counters, drops and the clock are fixed numbers, so outputs are golden.
 * They add up as the daemon's do: per port, packets input = forwarded +
 * punted + input drops; the punted packets by kind are the control thread's,
 * and what it did not answer is the global PuntUnhandled.
 * The manual SAs carry keys made of FAKE_KEY_BYTE, and map VPN 10 is IKEv2 with
 * the pre-shared key FAKE_PSK: no output may show either.
 *
 * The control plane: five unknown-SPI flows (IPv4 ESP from gwA's stale SA,
 * IPv4 AH, IPv4 ESP-in-UDP from a stranger, IPv6 ESP and AH), a log buffer
 * with their %CRYPTO-4-RECVD_PKT_INV_SPI lines, the recovery and debug flags.
 * Every operation of view.h is implemented; clears really clear.
 */
#ifndef DPSEC_TEST_FAKE_VIEW_H
#define DPSEC_TEST_FAKE_VIEW_H

#include "dpsec/ike.h"
#include "dpsec/view.h"

#define FAKE_KEY_BYTE 0xA5
#define FAKE_PSK      "fake-psk-of-gwA" /* keyring KR, peer gwA: no output may show it */
#define FAKE_NOW      1687764554 /* Mon Jun 26 07:29:14 2023 UTC */
#define FAKE_INV_MAX  5

struct fake {
	struct dpsec_config cfg;
	struct view view;
	struct view_sa *sa;
	size_t n_sa;
	struct view_sa *sa_base; /* "clear crypto sa counters" baseline */
	struct dp_drop_stats drops;
	struct dp_drop_stats drops_base;
	struct view_worker workers[2];
	uint64_t handoff_base[2];	/* at the last drop clear, as the daemon's view */
	struct view_port ports[3];
	struct view_punt_stats punt;
	struct timespec now;
	struct timespec cleared_at;
	bool cleared;
	unsigned drop_clears;
	unsigned sa_clears;
	unsigned sa_forgets;		/* test crypto ipsec sa forget */
	struct view_sa_filter sa_filter;	/* the last clear or forget's */
	unsigned session_clears;	/* clear crypto session */
	struct view_inv_spi inv[FAKE_INV_MAX];
	size_t n_inv;
	struct view_inv_spi_stats inv_stats;
	struct view_arp arp[3];	/* learned neighbours */
	size_t n_arp;
	struct view_nd6 nd6[5];	/* learned IPv6 neighbors */
	size_t n_nd6;
	struct view_ip_traffic ip_traffic;	/* ARP table and IKE reassembly counters */
	char log[16384];
	size_t log_len;
	struct view_log_stats log_stats;
	bool recovery;
	bool debug;
	/* IKEv2 (fake_ike.c) */
	struct view_ike_sa ike[4];
	size_t n_ike;
	struct view_ike_child child[4];
	size_t n_child;
	struct view_ike_stats ike_stats;
	bool ike_debug;
};

/* extra_sa: that many more inbound SAs on VPN 10 (for large outputs). */
struct fake *fake_new(size_t extra_sa);
void fake_free(struct fake *f);

/*
 * fake_tunnel.c: gwB with two static VTIs besides (a golden file's "!! fake:
 * tunnels" line asks for it): Tunnel1 from Gi1 to 198.51.100.20, keyed, with
 * traffic and "ip route 192.0.2.128 255.255.255.128 Tunnel1"; Tunnel2,
 * unnumbered, from Gi3 to 203.0.113.20, no SA (line protocol down).
 */
void fake_add_tunnels(struct fake *f);

/* fake_ike.c: the IKEv2 state and the view operations over it */
void fake_ike_init(struct fake *f);
size_t fake_ike_sa_list(void *ctx, struct view_ike_sa *out, size_t max);
size_t fake_ike_child_list(void *ctx, uint32_t tunnel_id, struct view_ike_child *out, size_t max);
void fake_ike_stats(void *ctx, struct view_ike_stats *out);
void fake_ike_stats_clear(void *ctx);
unsigned int fake_ike_clear(void *ctx, const struct ike_addr *peer);
unsigned int fake_ike_session_clear(void *ctx, const struct ike_addr *peer);
bool fake_ike_debug_get(void *ctx);
void fake_ike_debug_set(void *ctx, bool on);

#endif
