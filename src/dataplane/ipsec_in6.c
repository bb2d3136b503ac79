/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Delivery of a decrypted IPv6 packet (ESP next header 41, RFC 4303
 * section 2.6), out of line: the IPv4 path (ipsec_in_fast.h) pays nothing
 * for it. The same steps as IPv4: a whole IPv6 header, the SA's policy
 * (the mirrored IPv6 lines, extension headers walked with bounds) and its
 * negotiated IPv6 selectors (sa_ts.h), the
 * inside route and neighbor, hop limit, MTU (IPv6 is never fragmented on
 * the way, RFC 8200 section 5: too big is dropped), the new Ethernet header.
 * A next hop with no static MAC is looked up in what the control thread
 * learned by neighbor discovery (neigh6.h); with none there the packet is
 * dropped (Ipv6NoAdj, as IOS drops while its entry is INCOMPLETE) and the
 * control thread asked to solicit it.
 */
#include <errno.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "ctrl_link.h"
#include "ipsec_in.h"
#include "neigh6.h"
#include "route.h"
#include "sa_ts.h"
#include "spd.h"
#include "tcp_mss.h"

/*
 * No route for a decrypted IPv6 packet: ICMPv6 1/0 back through the tunnel,
 * from the address6 of the first inside interface the SA's policy would
 * carry back to the source (in_unreachable's reasoning: an error from an
 * address the tunnel does not carry could not reach it; none, no error).
 */
static void
in_unreachable6(struct dp_worker *w, const struct sa_rt *sa, const struct rte_ipv6_hdr *ip6)
{
	const struct dp *dp = w->dp;
	struct spd_flow6 back = {.src = ip6->src_addr, .proto = IPPROTO_ICMPV6};

	for (uint16_t pi = 0; pi < dp->n_ports; pi++) {
		const struct dp_port *p = &dp->ports[pi];

		if (p->role != CFG_ROLE_INSIDE || !p->has_addr6)
			continue;
		back.dst = p->addr6;	/* as it would come back in: source to us */
		if (spd_check_in6(dp->spd, sa->policy, &back)) {
			link_icmp6_error(w, sa, ip6, p->iface, ICMP6_DST_UNREACH, ICMP6_UNREACH_NOROUTE,
					 0);
			return;
		}
	}
}

dp_drop_t
in_deliver6(struct dp_worker *w, struct sa_rt *sa, struct rte_mbuf *m, uint8_t *pt,
	    uint32_t inner_len, struct sa_acc *acc)
{
	const struct dp *dp = w->dp;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)pt;
	const struct rte_ether_addr *mac;
	struct rte_ether_hdr *eth;
	struct spd_flow6 f;
	const uint8_t *nh;
	uint32_t tot;
	uint16_t port;
	int rc;

	/* a whole IPv6 packet; TFC padding after it is allowed, as for IPv4 */
	if (inner_len < sizeof(*ip6) || (pt[0] >> 4) != 6 ||
	    sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len) > inner_len)
		return sa_drop(sa, DP_DROP_IN_PKT_IPVER_INVALID);
	tot = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
	if (!spd_flow6_of(ip6, &f))
		return DP_DROP_G_Ipv6HdrErr;
	if (!spd_check_in6(dp->spd, sa->policy, &f) || !sa_ts_covers6(sa, &f, true))
		return sa_drop(sa, DP_DROP_IN_V6_POST_INPUT_POLICY_FAIL);
	rc = route_inside6(dp->route, ip6->dst_addr, &port, &mac, &nh);
	if (rc == -ENETUNREACH) {
		in_unreachable6(w, sa, ip6);
		return DP_DROP_G_Ipv6NoRoute;
	}
	if (dp->ports[port].has_addr6 &&
	    memcmp(ip6->dst_addr, dp->ports[port].addr6, sizeof(ip6->dst_addr)) == 0)
		return DP_DROP_G_PuntUnhandled;	/* for the gateway itself: as IPv4 (in_route) */
	if (rc != 0) {
		mac = neigh6_use(neigh6_current(dp), port, nh);	/* marks it used: NUD */
		if (mac == NULL) {
			link_neigh6_miss(w, port, nh);
			return DP_DROP_G_Ipv6NoAdj;
		}
	}
	if (ip6->hop_limits <= 1) {
		link_icmp6_error(w, sa, ip6, dp->ports[port].iface, ICMP6_TIME_EXCEEDED,
				 ICMP6_HOPLIMIT_EXCEEDED, 0);
		return DP_DROP_G_Ipv6HopLimitExceeded;
	}
	if (tot > dp->ports[port].mtu) {
		link_icmp6_error(w, sa, ip6, dp->ports[port].iface, ICMP6_PACKET_TOO_BIG, 0,
				 dp->ports[port].mtu);
		return sa_drop(sa, DP_DROP_IN_INFRA_V6_PKT_LEN_TOO_BIG);
	}

	/* "ipv6 tcp adjust-mss" of the inside interface it leaves by (SYNs and SYN-ACKs) */
	if (tcp_mss_adjust6(ip6, tot, dp->ports[port].tcp_mss6))
		ctr_add(&w->stats.port[port].mss_adjusted, 1);
	ip6->hop_limits--;
	eth = (struct rte_ether_hdr *)(pt - sizeof(*eth));
	rte_ether_addr_copy(mac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	m->data_off = (uint16_t)((uint8_t *)eth - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(sizeof(*eth) + tot);
	m->pkt_len = m->data_len;
	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip6);
	m->l4_len = 0;
	pkt_set_egress(m, port);
	sa_acc_add(w, acc, sa, tot);
	return DP_KEEP;
}
