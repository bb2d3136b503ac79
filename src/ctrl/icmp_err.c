/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "icmp_err.h"

#define ICMP_HDR 8		/* type, code, checksum, 4 bytes the type defines */
#define TOS_INTERNETWORK 0xc0	/* precedence 6: RFC 1812 section 4.3.2.5 */

void
icmp_err_init(struct icmp_err *ie, uint64_t now_ms)
{
	memset(ie, 0, sizeof(*ie));
	tbucket_init(&ie->bucket, ICMP_ERR_RATE, ICMP_ERR_BURST, 1000, now_ms);
}

static bool
is_icmp_error(uint8_t type)
{
	/* destination unreachable, source quench, redirect, time exceeded, parameter problem */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/*
 * RFC 1812 section 4.3.2.7: no ICMP error about an ICMP error, a fragment
 * other than the first, a packet whose source is not one host (0/8, 127/8,
 * multicast, class E, limited broadcast) or that was sent to many (multicast,
 * class E, limited broadcast; a subnet's broadcast: the caller, which knows
 * the interface). The head is an IPv4 header the worker checked; the caller
 * checked head_len >= 20.
 */
static bool
answerable(const struct dp_event *ev)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)ev->head;
	uint32_t hl = (ip->version_ihl & 0xf) * 4u;
	uint8_t first = ev->head[12];	/* the source address's first byte */

	uint8_t to = ev->head[16];	/* the destination's */

	if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return false;
	if (first == 0 || first == 127 || first >= 224)
		return false;
	/* nor about a packet to a multicast, class E or limited broadcast address */
	if (to >= 224)
		return false;
	if (ip->next_proto_id != IPPROTO_ICMP)
		return true;
	/* an ICMP message whose type is not in the head is not answered either */
	return hl < ev->head_len && !is_icmp_error(ev->head[hl]);
}

/* Ethernet (rewritten by the encapsulation) + IPv4 + ICMP + the quoted head. */
static struct rte_mbuf *
build(struct icmp_err *ie, struct rte_mempool *mp, uint32_t src_be, const struct dp_event *ev)
{
	uint32_t quote = ev->head_len, tot = sizeof(struct rte_ipv4_hdr) + ICMP_HDR + quote;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *ip;
	uint8_t *p, *icmp;
	uint16_t ck;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(sizeof(struct rte_ether_hdr) + tot));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, sizeof(struct rte_ether_hdr));
	((struct rte_ether_hdr *)p)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(p + sizeof(struct rte_ether_hdr));
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF, .type_of_service = TOS_INTERNETWORK,
		.total_length = rte_cpu_to_be_16((uint16_t)tot),
		.packet_id = rte_cpu_to_be_16(ie->ip_id++), .time_to_live = 64,
		.next_proto_id = IPPROTO_ICMP, .src_addr = src_be};
	memcpy(&ip->dst_addr, ev->src, 4);	/* back to the packet's source */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = ev->icmp_type;
	icmp[1] = ev->icmp_code;
	memset(icmp + 2, 0, 4);
	/* RFC 1191 section 4: the next-hop MTU in the low 16 bits of the second word */
	icmp[6] = (uint8_t)(ev->icmp_mtu >> 8);
	icmp[7] = (uint8_t)ev->icmp_mtu;
	memcpy(icmp + ICMP_HDR, ev->head, quote);
	ck = (uint16_t)~rte_raw_cksum(icmp, ICMP_HDR + quote);
	memcpy(icmp + 2, &ck, 2);
	return m;
}

/* The broadcast address of the interface's subnet (network order), or 0 for /31 and /32. */
static uint32_t
subnet_bcast(const struct cfg_interface *ifc)
{
	uint32_t host = ifc->prefix_len >= 31 ? 0 : UINT32_MAX >> ifc->prefix_len;

	return host == 0 ? 0 : (ifc->addr | rte_cpu_to_be_32(host));
}

/*
 * In clear to the host: Ethernet addressed to the next hop towards it, out
 * of the inside interface the packet came in on. 0, or the counter it fails.
 */
static uint64_t *
send_inside(struct icmp_err *ie, struct dp *dp, uint32_t iface, struct rte_mbuf *m,
	    const struct dp_event *ev)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint32_t host;

	memcpy(&host, ev->src, 4);
	if (ie->resolve == NULL ||
	    ie->resolve(ie->resolve_ctx, iface, host, eth->dst_addr.addr_bytes) != 0)
		return &ie->st.no_neighbor;
	dp_iface_mac(dp, iface, eth->src_addr.addr_bytes);
	return dp_inject(dp, iface, m) == 0 ? NULL : &ie->st.inject_failed;
}

void
icmp_err_handle(struct icmp_err *ie, struct dp *dp, const struct dpsec_config *cfg,
		const struct dp_event *ev, uint64_t now_ms)
{
	const struct cfg_interface *ifc;
	struct rte_mbuf *m;
	uint64_t *fail;
	uint32_t dst;

	ie->st.requested++;
	if (ev->ipv6) {
		icmp6_err_handle(ie, dp, cfg, ev, now_ms);
		return;
	}
	if (ev->iface >= cfg->n_interfaces ||
	    cfg->interfaces[ev->iface].role != CFG_ROLE_INSIDE ||
	    ev->head_len < sizeof(struct rte_ipv4_hdr) || ev->head_len > DP_EVENT_HEAD ||
	    ev->icmp_via > DP_ICMP_VIA_INSIDE || !answerable(ev)) {
		ie->st.suppressed++;
		return;
	}
	ifc = &cfg->interfaces[ev->iface];
	memcpy(&dst, ev->head + 16, 4);
	if (ev->icmp_via == DP_ICMP_VIA_INSIDE && dst != 0 && dst == subnet_bcast(ifc)) {
		ie->st.suppressed++;	/* a host's directed broadcast to its own LAN */
		return;
	}
	if (!tbucket_take(&ie->bucket, now_ms)) {
		ie->st.rate_limited++;
		return;
	}
	m = build(ie, dp_mempool(dp), ifc->addr, ev);
	if (m == NULL) {
		ie->st.no_buffer++;
		return;
	}
	if (ev->icmp_via == DP_ICMP_VIA_INSIDE)
		fail = send_inside(ie, dp, ev->iface, m, ev);
	else
		fail = dp_inject_encrypt(dp, ev->iface, m) == 0 ? NULL : &ie->st.inject_failed;
	if (fail != NULL) {
		(*fail)++;
		rte_pktmbuf_free(m);
		return;
	}
	ie->st.sent++;
	if (ev->icmp_type == 3)
		ie->st.unreachable++;
	else if (ev->icmp_type == 11)
		ie->st.time_exceeded++;
}
