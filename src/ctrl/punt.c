/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "punt.h"

#define IKE_PORT 500
#define NATT_PORT 4500

static void
send_back(struct dp *dp, uint32_t iface, struct rte_mbuf *m, struct view_punt_count *k)
{
	if (dp_inject(dp, iface, m) == 0) {
		k->answered++;
		return;
	}
	k->tx_failed++;
	dp_ctrl_drop(dp, m, DP_DROP_G_PuntUnhandled);
}

static void
unhandled(struct dp *dp, struct rte_mbuf *m, struct view_punt_count *k)
{
	k->unhandled++;
	dp_ctrl_drop(dp, m, DP_DROP_G_PuntUnhandled);
}

/* RFC 826: a request for our address becomes the reply, in place. */
static bool
arp_reply(struct dp *dp, const struct cfg_interface *ifc, uint32_t iface, struct rte_mbuf *m,
	  struct view_punt_count *k)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	uint8_t mac[6];
	uint32_t sip;

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != 6 || arp->arp_plen != 4 ||
	    arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    arp->arp_data.arp_tip != ifc->addr)
		return false;
	dp_iface_mac(dp, iface, mac);
	sip = arp->arp_data.arp_sip;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = sip;
	memcpy(arp->arp_data.arp_sha.addr_bytes, mac, 6);
	arp->arp_data.arp_sip = ifc->addr;
	eth->dst_addr = eth->src_addr;
	memcpy(eth->src_addr.addr_bytes, mac, 6);
	send_back(dp, iface, m, k);
	return true;
}

/* An echo request to our address becomes the reply, in place (RFC 792). */
static bool
echo_reply(struct dp *dp, const struct cfg_interface *ifc, uint32_t iface, struct rte_mbuf *m,
	   struct view_punt_count *k)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t hl = (ip->version_ihl & 0xf) * 4u, tot = rte_be_to_cpu_16(ip->total_length);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hl);
	struct rte_ether_addr a;
	uint32_t sum;

	/* the worker checked the IPv4 header and that it fits the frame */
	if (ip->next_proto_id != IPPROTO_ICMP || ip->dst_addr != ifc->addr ||
	    tot < hl + sizeof(*icmp) || icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST ||
	    icmp->icmp_code != 0 ||
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	/* type 8 -> 0 lowers its 16-bit word by 0x0800: the checksum rises by as much */
	sum = icmp->icmp_cksum + (uint32_t)rte_cpu_to_be_16(0x0800);
	icmp->icmp_cksum = (uint16_t)(sum + (sum >> 16));
	ip->dst_addr = ip->src_addr;
	ip->src_addr = ifc->addr;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	a = eth->src_addr;
	eth->src_addr = eth->dst_addr;
	eth->dst_addr = a;
	dp_iface_mac(dp, iface, eth->src_addr.addr_bytes);
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - sizeof(*eth) - tot));
	send_back(dp, iface, m, k);
	return true;
}

/* Which kind a punted packet is; the worker checked that an IPv4 header fits the frame. */
static enum view_punt_kind
kind_of(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const uint8_t *l4;
	uint32_t hl, tot;

	if (m->data_len < sizeof(*eth))
		return VIEW_PUNT_OTHER;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return VIEW_PUNT_ARP;
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return VIEW_PUNT_OTHER;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	l4 = (const uint8_t *)ip + hl;
	if (ip->next_proto_id == IPPROTO_ICMP && tot >= hl + sizeof(struct rte_icmp_hdr) &&
	    l4[0] == RTE_IP_ICMP_ECHO_REQUEST)
		return VIEW_PUNT_ICMP_ECHO;
	if (ip->next_proto_id == IPPROTO_UDP && tot >= hl + sizeof(struct rte_udp_hdr)) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)l4;

		if (udp->dst_port == rte_cpu_to_be_16(IKE_PORT) ||
		    udp->dst_port == rte_cpu_to_be_16(NATT_PORT))
			return VIEW_PUNT_IKE;
	}
	return VIEW_PUNT_OTHER;
}

void
punt_handle(struct dp *dp, const struct dpsec_config *cfg, struct rte_mbuf *m,
	    struct punt_stats *st)
{
	uint32_t iface = dp_iface_of_port(dp, m->port);
	enum view_punt_kind kind = kind_of(m);
	struct view_punt_count *k = &st->kind[kind];

	k->received++;
	if (iface != CFG_NONE) {
		const struct cfg_interface *ifc = &cfg->interfaces[iface];

		if (kind == VIEW_PUNT_ARP && arp_reply(dp, ifc, iface, m, k))
			return;
		if (kind == VIEW_PUNT_ICMP_ECHO && echo_reply(dp, ifc, iface, m, k))
			return;
	}
	/* not ours to answer; IKE too, until IKEv2 lands */
	unhandled(dp, m, k);
}
