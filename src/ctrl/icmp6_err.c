/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 errors the gateway sends (icmp_err.h says which and when; RFC
 * 4443): the message built by icmp6_msg.c in an Ethernet frame, sent in clear
 * to the host on the inside interface the packet came in on, or back through
 * the tunnel the packet came from (dp_inject_encrypt), from the address6 of
 * the inside interface concerned (RFC 4443 section 2.2: an address of the
 * interface the packet arrived on, or, for one that came through the
 * tunnel, of the interface it was for: the one the tunnel's policy carries).
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "icmp6_msg.h"
#include "icmp_err.h"

/* The invoking packet: the worker's copy of it, or (no buffer then) the event's head. */
static const uint8_t *
invoking(const struct dp_event *ev, size_t *len)
{
	if (ev->pkt != NULL) {
		*len = rte_pktmbuf_data_len(ev->pkt);
		return rte_pktmbuf_mtod(ev->pkt, const uint8_t *);
	}
	*len = ev->head_len <= DP_EVENT_HEAD ? ev->head_len : 0;
	return ev->head;
}

/* Ethernet (addresses filled by the caller or rewritten by the encapsulation) + the message. */
static struct rte_mbuf *
build(struct rte_mempool *mp, const uint8_t src[16], const struct dp_event *ev,
      const uint8_t *pkt, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	size_t room, n;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	room = rte_pktmbuf_tailroom(m);
	if (room < sizeof(struct rte_ether_hdr)) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	n = icmp6_err_build(p + sizeof(struct rte_ether_hdr), room - sizeof(struct rte_ether_hdr),
			    src, ev->icmp_type, ev->icmp_code, ev->icmp_mtu, pkt, len);
	if (n == 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, sizeof(struct rte_ether_hdr));
	((struct rte_ether_hdr *)p)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	rte_pktmbuf_append(m, (uint16_t)(sizeof(struct rte_ether_hdr) + n));
	return m;
}

/* In clear to the next hop towards the packet's source, out of iface. NULL, or what failed. */
static uint64_t *
send_inside(struct icmp_err *ie, struct dp *dp, uint32_t iface, struct rte_mbuf *m,
	    const uint8_t *pkt)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (ie->resolve6 == NULL ||
	    ie->resolve6(ie->resolve_ctx, iface, pkt + 8, eth->dst_addr.addr_bytes) != 0)
		return &ie->st.no_neighbor;
	dp_iface_mac(dp, iface, eth->src_addr.addr_bytes);
	return dp_inject(dp, iface, m) == 0 ? NULL : &ie->st.inject_failed;
}

void
icmp6_err_handle(struct icmp_err *ie, struct dp *dp, const struct dpsec_config *cfg,
		 const struct dp_event *ev, uint64_t now_ms)
{
	const struct cfg_interface *ifc;
	struct rte_mbuf *m;
	const uint8_t *pkt;
	uint64_t *fail;
	size_t len;

	pkt = invoking(ev, &len);
	if (ev->iface >= cfg->n_interfaces || cfg->interfaces[ev->iface].role != CFG_ROLE_INSIDE ||
	    ev->icmp_via > DP_ICMP_VIA_INSIDE || !icmp6_err_answerable(pkt, len, ev->icmp_type)) {
		ie->st.suppressed++;
		return;
	}
	ifc = &cfg->interfaces[ev->iface];
	if (!ifc->has_addr6) {
		ie->st.no_address6++;
		return;
	}
	if (!tbucket_take(&ie->bucket, now_ms)) {
		ie->st.rate_limited++;
		return;
	}
	m = build(dp_mempool(dp), ifc->addr6, ev, pkt, len);
	if (m == NULL) {
		ie->st.no_buffer++;
		return;
	}
	if (ev->icmp_via == DP_ICMP_VIA_INSIDE)
		fail = send_inside(ie, dp, ev->iface, m, pkt);
	else
		fail = dp_inject_encrypt(dp, ev->iface, m) == 0 ? NULL : &ie->st.inject_failed;
	if (fail != NULL) {
		(*fail)++;
		rte_pktmbuf_free(m);
		return;
	}
	ie->st.sent++;
	if (ev->icmp_type == ICMP6_DST_UNREACH)
		ie->st.unreachable++;
	else if (ev->icmp_type == ICMP6_TIME_EXCEEDED)
		ie->st.time_exceeded++;
	else if (ev->icmp_type == ICMP6_PACKET_TOO_BIG)
		ie->st.packet_too_big++;
}
