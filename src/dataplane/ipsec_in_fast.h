/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-packet inbound steps ESP (esp_in.c) and AH (ah_in.c) share: a
 * batch-verified packet's turn at the replay window, and delivery of the
 * authenticated inner packet (checked, routed, given its Ethernet header).
 * Inline in both callers: as calls across files (seven and eight arguments,
 * some on the stack) they cost 25 to 65 instructions a packet, 3-5% of
 * inbound at 64 bytes (docs/PERFORMANCE.md). The rare branches (drops that
 * report, a new destination, a packet too big) stay calls in ipsec_in.c.
 */
#ifndef DPSEC_IPSEC_IN_FAST_H
#define DPSEC_IPSEC_IN_FAST_H

#include <rte_ether.h>
#include <rte_ip.h>

#include "esp.h"
#include "ip4_cksum.h"
#include "ipsec_in.h"
#include "sa_ts.h"
#include "spd.h"
#include "tcp_mss.h"

/*
 * A batch-verified (HMAC) packet's turn (RFC 4303 section 3.4.3, RFC 4302
 * section 3.4.3): the replay verdict on seq32 against the window as the
 * packets before it left it, then its ICV (verified again through verify
 * when it was refused earlier or ESN now infers other high bits), then the
 * commit. *seq holds the number the batch verified with, and on return the
 * one used.
 */
static inline dp_drop_t
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
static inline bool
inner_ipv4_ok(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t hl, tot;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && tot >= hl && tot <= len && ip4_cksum_ok(ip, hl);
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
 * After authentication: the inner IPv4 packet at pt, inner_len bytes
 * available, is checked, routed and given its Ethernet header in place
 * (the outer headers before it are dropped). DP_KEEP: m is ready to send.
 */
static inline dp_drop_t
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
	if (why != DP_KEEP) {
		if (why == DP_DROP_G_Ipv4NoRoute)
			in_unreachable(w, sa, ip);
		return why;
	}
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
	/* l2_len, l3_len, l4_len 0 in one store (nothing past them is used on the way out) */
	m->tx_offload =
		rte_mbuf_tx_offload(sizeof(*eth), (ip->version_ihl & 0xf) * 4u, 0, 0, 0, 0, 0);
	m->hash.usr = egress | memo->port; /* pkt_set_egress(), and whether to fragment */
	sa_acc_add(w, acc, sa, tot);
	return DP_KEEP;
}

#endif
