/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors the gateway sends (RFC 792, RFC 1191, RFC 1812 section
 * 4.3.2), asked for by a worker (DP_EV_ICMP_ERROR, with the packet's head):
 *  - about a decrypted packet, whose source sits behind the peer: the error
 *    goes back through the tunnel, from the address of the inside interface
 *    the packet was for, handed to the worker that encrypts that interface's
 *    traffic (dp_inject_encrypt): 3/4 "fragmentation needed" with the inside
 *    MTU, 11/0 "time exceeded";
 *  - about a packet a host sent into an inside interface: in clear, from
 *    that interface's address, out of it to the next hop towards the host
 *    (resolved like any of the control thread's own packets: static
 *    neighbor, next_hop_mac, or ARP): 3/4 with the tunnel's MTU for a DF
 *    packet too big once encapsulated, 11/0, and 3/0 "net unreachable" when
 *    no crypto map entry takes it (there is no clear path out).
 *
 * Rate-limited (RFC 1812 section 4.3.2.8) by a token bucket, and never about
 * what RFC 1812 section 4.3.2.7 forbids; every request is counted by its fate.
 *
 * The same for IPv6 packets (ev->ipv6, icmp6_err.c, RFC 4443): 2/0 packet too
 * big where IPv4 says 3/4 (but for every packet: IPv6 is never fragmented on
 * the way), 3/0 hop limit exceeded, 1/0 no route; from the interface's
 * address6, quoting as much of the packet as fits 1280 bytes (ev->pkt holds
 * it whole), under the same bucket (RFC 4443 section 2.4 (f)).
 */
#ifndef DPSEC_ICMP_ERR_H
#define DPSEC_ICMP_ERR_H

#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"
#include "dpsec/events.h"
#include "dpsec/ip_traffic.h"
#include "dpsec/tbucket.h"

#define ICMP_ERR_RATE 100	/* messages a second */
#define ICMP_ERR_BURST 50

/* One field per ICMP_ERR_COUNTERS entry (dpsec/ip_traffic.h), "show ip traffic" shows them. */
struct icmp_err_stats {
#define ICMP_ERR_X(name, text) uint64_t name;
	ICMP_ERR_COUNTERS(ICMP_ERR_X)
#undef ICMP_ERR_X
};

/* The next hop's MAC towards ip (network order) on iface: 0, or a negative errno. */
typedef int (*icmp_err_resolve_fn)(void *ctx, uint32_t iface, uint32_t ip, uint8_t mac[6]);
/* The same towards an IPv6 address. */
typedef int (*icmp_err_resolve6_fn)(void *ctx, uint32_t iface, const uint8_t ip6[16],
				    uint8_t mac[6]);

struct icmp_err {
	struct tbucket bucket;	/* milliseconds */
	icmp_err_resolve_fn resolve;	/* for DP_ICMP_VIA_INSIDE; NULL: none can be sent */
	void *resolve_ctx;
	icmp_err_resolve6_fn resolve6;	/* the same for IPv6; same ctx */
	uint16_t ip_id;
	struct icmp_err_stats st;
};

/* now_ms: the control thread's monotonic clock. */
void icmp_err_init(struct icmp_err *ie, uint64_t now_ms);
void icmp_err_handle(struct icmp_err *ie, struct dp *dp, const struct dpsec_config *cfg,
		     const struct dp_event *ev, uint64_t now_ms);
/* icmp_err_handle's IPv6 half (icmp6_err.c); requested already counted. */
void icmp6_err_handle(struct icmp_err *ie, struct dp *dp, const struct dpsec_config *cfg,
		      const struct dp_event *ev, uint64_t now_ms);

#endif
