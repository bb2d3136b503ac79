/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound steps ESP and AH share (ipsec_in.h): the replay verdict in a
 * packet's turn and everything after authentication.
 */
#include <rte_ether.h>
#include <rte_ip.h>

#include "esp.h"
#include "frag4.h"
#include "ip4_cksum.h"
#include "ipsec_in.h"
#include "route.h"
#include "sa_ts.h"
#include "spd.h"
#include "tcp_mss.h"


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

dp_drop_t
in_turn(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m, uint32_t seq32,
	uint64_t *seq, uint8_t *auth, in_verify_fn verify, void *pkt)
{
	uint64_t s;
	enum replay_verdict v =
		replay_check(&sa->replay, sa->replay_bmp, seq32, sa->flags & SA_F_ESN, &s);

	if (v != REPLAY_OK)
		return in_replay_drop(w, sa, m, v, s);
	if (*auth == IN_UNVERIFIED || s != *seq) {
		/*
		 * Refused in the first check, or (ESN) the window has moved so
		 * far within the burst that the number now reads with other high
		 * bits. An ICV that verified over other high bits cannot verify
		 * over these (and an ESP ciphertext is gone); otherwise check it
		 * with these.
		 */
		bool again = *auth == IN_UNVERIFIED || *auth == IN_ICV_BAD;

		*seq = s;
		if (again)
			verify(w, sa, pkt, s, auth);
		else
			*auth = IN_ICV_BAD;
	}
	if (*auth == IN_ICV_BAD)
		return in_mac_drop(w, sa, m, s);
	if (*auth == IN_DECRYPT_FAILED)
		return sa_drop(sa, DP_DROP_IN_UNEXP_CD_SW_IPSEC_EXCEPTION);
	replay_commit(&sa->replay, sa->replay_bmp, s);
	return DP_KEEP;
}

/* The decrypted packet must be whole IPv4; TFC padding after it is allowed. */
static bool
inner_ipv4_ok(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t hl, tot;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && tot >= hl && tot <= len && ip4_cksum_ok(ip, hl);
}

/* Where a decrypted packet for dst goes: an inside port and the next hop's MAC. */
static dp_drop_t
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

/* in_route() for dst, unless it is the burst's last destination; *r then holds the way. */
static inline dp_drop_t
in_egress(const struct dp *dp, struct route_memo *r, uint32_t dst)
{
	const struct rte_ether_addr *mac;
	uint16_t port;
	dp_drop_t why;

	if (r->mac != NULL && r->dst == dst)
		return DP_KEEP;
	why = in_route(dp, dst, &port, &mac);
	if (why == DP_KEEP)
		*r = (struct route_memo){
			.dst = dst, .port = port, .mtu = dp->ports[port].mtu, .mac = mac};
	return why;
}

/*
 * Larger than the inside egress MTU (RFC 1812 section 5.2.6). DF set: dropped,
 * and the control thread is asked to send ICMP 3/4 with the MTU (RFC 1191)
 * back to the source, through the tunnel. DF clear: fragmented on the way
 * out (worker.c), if the header allows it.
 */
static dp_drop_t
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

dp_drop_t
in_deliver(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, uint8_t *pt,
	   uint32_t inner_len, struct sa_acc *acc, struct route_memo *memo)
{
	const struct dp *dp = w->dp;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)pt;
	struct rte_ether_hdr *eth;
	uint32_t tot, egress = 0;
	dp_drop_t why;

	if (!inner_ipv4_ok(ip, inner_len))
		return sa_drop(sa, DP_DROP_IN_PKT_IPVER_INVALID);
	if (!spd_check_in(dp->spd, sa->policy, ip) || !sa_ts_covers(sa, ip, true))
		return sa_drop(sa, DP_DROP_IN_V4_POST_INPUT_POLICY_FAIL);
	why = in_egress(dp, memo, ip->dst_addr);
	if (why != DP_KEEP)
		return why;
	if (ip->time_to_live <= 1) {
		/* RFC 1812 5.3.1: time exceeded, back through the tunnel from the way it was going */
		link_icmp_error(w, sa, ip, dp->ports[memo->port].iface, ICMP4_TIME_EXCEEDED,
				ICMP4_TTL_EXCEEDED, 0);
		return DP_DROP_G_Ipv4TtlExceeded;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot > memo->mtu) {
		why = in_too_big(w, sa, ip, &dp->ports[memo->port]);
		if (why != DP_KEEP)
			return why;
		egress |= PKT_FRAGMENT;
	}

	/* "ip tcp adjust-mss" of the inside interface it leaves by (SYNs and SYN-ACKs) */
	if (tcp_mss_adjust(ip, tot, dp->ports[memo->port].tcp_mss))
		ctr_add(&w->stats.port[memo->port].mss_adjusted, 1);
	esp_ttl_dec(ip);
	eth = (struct rte_ether_hdr *)(pt - sizeof(*eth));
	rte_ether_addr_copy(memo->mac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[memo->port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->data_off = (uint16_t)((uint8_t *)eth - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(sizeof(*eth) + tot);
	m->pkt_len = m->data_len;
	m->l2_len = sizeof(*eth);
	m->l3_len = (ip->version_ihl & 0xf) * 4u;
	m->l4_len = 0;
	m->hash.usr = egress | memo->port; /* pkt_set_egress(), and whether to fragment */
	sa_acc_add(w, acc, sa, tot);
	return DP_KEEP;
}
