/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread: runs on the main lcore, sleeps in poll() until a
 * worker rings (events, punted packets), a CLI client talks, or the
 * housekeeping tick comes, and never busy-polls. It logs (dlog), tracks
 * unknown-SPI flows (inv_spi), answers ARP and ping (punt), sends ICMP
 * errors back through the tunnels (icmp_err), hands IKE its datagrams,
 * events and timers (the hooks below) and sends what IKE sends (udp_send),
 * serves the CLI and rte_telemetry, and reclaims deleted SAs.
 */
#ifndef DPSEC_CTRL_H
#define DPSEC_CTRL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"
#include "dpsec/view.h"

#include "dlog.h"
#include "icmp_err.h"
#include "inv_spi.h"
#include "port_rate.h"
#include "punt.h"

struct cli_server;
struct ctrl;

/*
 * The hook where invalid-SPI recovery decides what to do about a flow
 * (issue: IKEv2 and recovery). Called for every report of an unknown-SPI
 * flow, after the table and the log were updated; it may set flow->action.
 * logged: this report's %CRYPTO-4-RECVD_PKT_INV_SPI line was written (its
 * rate limits let it through), so that the hook's own lines about what is
 * not done can ride on those limits.
 */
typedef void (*ctrl_inv_spi_hook)(void *ctx, struct ctrl *c, struct inv_spi_flow *flow,
				  const struct dp_event *ev, bool logged);

/*
 * Where IKE plugs in (src/ctrl/ctrl_ike.c registers these; tests register
 * fakes), so that the control thread itself does not depend on src/ike:
 *   input         an IKE datagram to one of our addresses (UDP 500, or 4500
 *                 with the non-ESP marker removed), checksums verified
 *   event         DP_EV_SA_SOFT, DP_EV_SA_HARD, DP_EV_ACQUIRE
 *   next_timeout  ms until run_timers has work (UINT64_MAX: none); poll()
 *                 sleeps no longer than that
 *   run_timers    called when that time has come
 *   sa_list       optional: the IKE SAs for /dpsec/ike/sa (ike_sa_list)
 */
struct ike_addr;
struct view_ike_sa;
struct ctrl_ike_hooks {
	void (*input)(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
		      const uint8_t *msg, size_t len);
	void (*event)(void *ctx, const struct dp_event *ev);
	uint64_t (*next_timeout)(void *ctx);
	void (*run_timers)(void *ctx);
	size_t (*sa_list)(void *ctx, struct view_ike_sa *out, size_t max);
};

struct ctrl_stats {
	uint64_t events[DP_EV__END];	/* received, by enum dp_event_type */
	uint64_t inv_spi_pkts;	/* packets the invalid-SPI events received stand for */
	uint64_t wakeups;	/* returns from poll() */
	uint64_t loops;
};

/* clk: the log's and the flow table's clock (copied); NULL = clk_system. */
struct ctrl *ctrl_create(struct dp *dp, struct dpsec_config *cfg, const struct clk *clk,
			 char *err, size_t errlen);
void ctrl_destroy(struct ctrl *c);
void ctrl_set_inv_spi_hook(struct ctrl *c, ctrl_inv_spi_hook hook, void *ctx);
/*
 * Work to try again until it is done, on the control thread: manual SAs whose
 * peer had no MAC yet (daemon/manual_sa.c). fn runs at most every
 * CTRL_RETRY_MS, and at once when the learned IPv6 neighbors changed; it
 * returns true while something is left, false to be detached. fn NULL
 * detaches.
 */
typedef bool (*ctrl_retry_fn)(void *ctx);
#define CTRL_RETRY_MS 1000
void ctrl_set_retry_hook(struct ctrl *c, ctrl_retry_fn fn, void *ctx);
/* h == NULL detaches: IKE datagrams are then counted as unhandled, as before IKE. */
void ctrl_set_ike_hooks(struct ctrl *c, const struct ctrl_ike_hooks *h, void *ctx);
/* The IKE SAs through the hooks (0 without IKE), for telemetry. */
size_t ctrl_ike_sa_list(struct ctrl *c, struct view_ike_sa *out, size_t max);

/* Run until *quit; srv may be NULL (tests). */
void ctrl_run(struct ctrl *c, struct cli_server *srv, const volatile sig_atomic_t *quit);
/*
 * Handle what is queued, at most a bounded amount, and IKE's timers if due
 * (next_timeout() == 0); returns true if more is waiting.
 */
bool ctrl_work(struct ctrl *c);
/* How long ctrl_run may sleep in poll(): the housekeeping tick, or less if IKE's timers say so. */
int ctrl_poll_timeout_ms(const struct ctrl *c);

/* State the daemon's view reads (control thread only). */
struct dlog *ctrl_log(struct ctrl *c);
struct inv_spi_table *ctrl_inv_spi(struct ctrl *c);
/*
 * "show crypto ipsec invalid-spi" and /dpsec/invalid_spi: the event path's
 * counters, and where every packet counted as drop 4 or 12 went:
 *   pkts_counted == pkts_in_flows + rate_limited + ring_full + evicted + cleared + pending
 * (exactly when nothing moves; a read while workers count can be off by what
 * they counted meanwhile).
 */
void ctrl_inv_spi_stats(struct ctrl *c, struct view_inv_spi_stats *out);
const struct punt_stats *ctrl_punt_stats(const struct ctrl *c);
/* The learned ARP table as the CLI shows it (arp_out.c): at most max, returns how many. */
size_t ctrl_arp_list(struct ctrl *c, struct view_arp *out, size_t max);
/* The learned IPv6 neighbor cache as the CLI shows it (nd6_out.c): at most max. */
size_t ctrl_nd6_list(struct ctrl *c, struct view_nd6 *out, size_t max);
/* "show ip traffic" and /dpsec/ip_traffic: the ARP table's and IKE reassembly's counters. */
void ctrl_ip_traffic(const struct ctrl *c, struct view_ip_traffic *out);
/* The ports' rates and "last input/output" ages, from the control thread's samples. */
void ctrl_port_rates(const struct ctrl *c, struct view_port *p, size_t n);
const struct icmp_err_stats *ctrl_icmp_stats(const struct ctrl *c);
const struct ctrl_stats *ctrl_stats(const struct ctrl *c);
bool ctrl_debug(const struct ctrl *c);
void ctrl_set_debug(struct ctrl *c, bool on);
void ctrl_set_recovery(struct ctrl *c, bool on);
/*
 * Is addr (IPv4, network order, in the first 4 bytes) a crypto map entry's
 * peer or a tunnel's destination?
 */
bool ctrl_is_static_peer(const struct ctrl *c, bool ipv6, const uint8_t *addr);

/*
 * rte_telemetry commands (/dpsec/...); the callbacks take the control
 * thread's lock. Registered once per process; register points them at c.
 * Unregister detaches c (waiting for a callback in progress): from then on
 * they answer null, so nothing they read may be freed before it. dpsecd
 * calls it once the workers have stopped; ctrl_destroy calls it too.
 * Accepts NULL.
 */
int ctrl_telemetry_register(struct ctrl *c);
void ctrl_telemetry_unregister(const struct ctrl *c);
void ctrl_lock(struct ctrl *c);
void ctrl_unlock(struct ctrl *c);
struct dp *ctrl_dp(struct ctrl *c);
const struct dpsec_config *ctrl_cfg(const struct ctrl *c);
/* The control thread's clock (the one given to ctrl_create). */
const struct clk *ctrl_clk(const struct ctrl *c);

#endif
