/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound steps ESP and AH share (ipsec_in.h), out of line: the drops that
 * report to the control thread and the rare branches of delivery. The
 * per-packet steps are inline (ipsec_in_fast.h).
 */
#include <rte_ether.h>
#include <rte_ip.h>

#include "esp.h"
#include "frag4.h"
#include "ipsec_in.h"
#include "route.h"
#include "sa_ts.h"
#include "spd.h"

/*
 * Anti-replay and ICV failures are counted against the SA and, rate-limited
 * per SA, reported to the control thread (%IPSEC-3-REPLAY_ERROR,
 * %CRYPTO-4-RECVD_PKT_MAC_ERR), side by side.
 */
dp_drop_t
in_replay_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
	       enum replay_verdict v, uint64_t seq)
{
	link_sa_event(w, sa, m, DP_EV_REPLAY, seq);
	return sa_drop(sa, v == REPLAY_DUPLICATE ? DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL
						 : DP_DROP_CD_IN_PKT_OUT_OF_WINDOW);
}

dp_drop_t
in_mac_drop(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, uint64_t seq)
{
	link_sa_event(w, sa, m, DP_EV_MAC, seq);
	return sa_drop(sa, DP_DROP_IN_CD_SW_IPSEC_MAC_EXCEPTION);
}

/*
 * RFC 1812 section 4.3.3.1 (and 5.2.7.1): a router that cannot forward a packet
 * for want of a route tells the source, destination unreachable; code 1, host
 * unreachable, is what IOS sends for a missing route. It goes back through the
 * tunnel from an inside interface's address, as TTL exceeded does: the first
 * one the SA's policy (and negotiated selectors) would carry to the source. An
 * error from an address the tunnel does not carry could not reach the source,
 * so with none there is no error (the drop is counted either way).
 */
void
in_unreachable(struct dp_worker *w, struct sa_rt *sa, const struct rte_ipv4_hdr *ip)
{
	const struct dp *dp = w->dp;
	struct rte_ipv4_hdr back = {.version_ihl = RTE_IPV4_VHL_DEF,
				    .next_proto_id = IPPROTO_ICMP,
				    .src_addr = ip->src_addr};

	for (uint16_t pi = 0; pi < dp->n_ports; pi++) {
		const struct dp_port *p = &dp->ports[pi];

		if (p->role != CFG_ROLE_INSIDE || p->addr == 0)
			continue;
		back.dst_addr = p->addr;	/* as it would come back in: source to us */
		if (spd_check_in(dp->spd, sa->policy, &back) && sa_ts_covers(sa, &back, true)) {
			link_icmp_error(w, sa, ip, p->iface, ICMP4_UNREACH, ICMP4_UNREACH_HOST, 0);
			return;
		}
	}
}

/* Where a decrypted packet for dst goes: an inside port and the next hop's MAC. */
dp_drop_t
in_route(const struct dp *dp, uint32_t dst, uint16_t *port, const struct rte_ether_addr **mac)
{
	dp_drop_t why;

	if (dst == UINT32_MAX)
		return DP_DROP_G_Ipv4DirectedBcast; /* limited broadcast: never routed */
	why = route_inside(dp->route, dst, port, mac);
	if (why == DP_DROP_G_Ipv4NoRoute)
		return why;
	/* a broadcast is refused whether its link has an adjacency or not */
	if (dp_port_is_bcast(&dp->ports[*port], dst))
		return DP_DROP_G_Ipv4DirectedBcast;
	if (why != DP_KEEP)
		return why;
	/*
	 * For the gateway itself through the tunnel (e.g. a ping of its inside
	 * address from the remote site): the control thread cannot answer back
	 * through the tunnel yet (dp_inject_encrypt is the way it will), so it is
	 * counted, not sent out to the LAN.
	 */
	return dst == dp->ports[*port].addr ? DP_DROP_G_PuntUnhandled : DP_KEEP;
}

/*
 * Larger than the inside egress MTU (RFC 1812 section 5.2.6). DF set: dropped,
 * and the control thread is asked to send ICMP 3/4 with the MTU (RFC 1191)
 * back to the source, through the tunnel. DF clear: fragmented on the way
 * out (worker.c), if the header allows it.
 */
dp_drop_t
in_too_big(struct dp_worker *w, struct sa_rt *sa, const struct rte_ipv4_hdr *ip,
	   const struct dp_port *out)
{
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
		link_icmp_error(w, sa, ip, out->iface, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG,
				out->mtu);
		return sa_drop(sa, DP_DROP_IN_INFRA_V4_PKT_LEN_TOO_BIG);
	}
	return frag4_check(ip, out->mtu);
}
