/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What inbound ESP (esp_in.c) and AH (ah_in.c) share once a packet's SA is
 * known: the types of the per-packet steps (inline in ipsec_in_fast.h: the
 * anti-replay verdict in the packet's turn, and everything after
 * authentication), and their rare branches, out of line in ipsec_in.c (the
 * drops that report to the control thread, a new route, a packet too big).
 */
#ifndef DPSEC_IPSEC_IN_H
#define DPSEC_IPSEC_IN_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane.h"
#include "replay.h"
#include "sa.h"

/* Where a batch-verified (HMAC) packet stands before its turn. */
enum in_auth {
	IN_UNVERIFIED,	   /* refused by the first replay check: no HMAC run */
	IN_ICV_BAD,	   /* the ICV did not verify (or the library could not compute it) */
	IN_DECRYPT_FAILED, /* verified; the library failed the decryption */
	IN_PLAIN,	   /* verified (and, ESP, decrypted) */
};

/*
 * Verify one packet again on its own with the 64-bit number *seq (ESN: the
 * window moved within the burst), leaving its enum in_auth in *auth.
 */
typedef void (*in_verify_fn)(struct dp_worker *w, struct sa_rt *sa, void *pkt, uint64_t seq,
			     uint8_t *auth);

/*
 * The last destination of this burst that in_deliver() let through, with
 * where it goes (mac == NULL: none yet): the packets of a flow share it.
 */
struct route_memo {
	uint32_t dst;
	uint16_t port;
	uint16_t mtu;
	const struct rte_ether_addr *mac;
};

/* Anti-replay failure: counted on the SA (19 or 116) and reported, rate-limited. */
dp_drop_t in_replay_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
			 enum replay_verdict v, uint64_t seq);
/* ICV failure: counted on the SA (62) and reported, rate-limited. */
dp_drop_t in_mac_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
		      uint64_t seq);

/* Where a decrypted packet for dst goes: an inside port and the next hop's MAC. */
dp_drop_t in_route(const struct dp *dp, uint32_t dst, uint16_t *port,
		   const struct rte_ether_addr **mac);

/*
 * A decrypted packet no route leads to: the control thread is asked for a
 * "host unreachable" back through the tunnel, if an inside address the SA
 * carries back to the source can send it.
 */
void in_unreachable(struct dp_worker *w, struct sa_rt *sa, const struct rte_ipv4_hdr *ip);

/*
 * A decrypted packet larger than the inside egress MTU of out: DP_KEEP to
 * fragment it (DF clear, and the header allows it), else why it is dropped.
 */
dp_drop_t in_too_big(struct dp_worker *w, struct sa_rt *sa, const struct rte_ipv4_hdr *ip,
		     const struct dp_port *out);

/*
 * ipsec_in6.c: a decrypted IPv6 packet (next header 41) at pt, inner_len
 * bytes available, checked against the SA's policy, routed (route_inside6)
 * and given its Ethernet header in place, as in_deliver() does for IPv4.
 */
dp_drop_t in_deliver6(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, uint8_t *pt,
		      uint32_t inner_len, struct sa_acc *acc);

#endif
