/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * First look at a received burst: Ethernet and IPv4 header sanity, then
 * "is it ESP or AH for us, something for the control plane, or a drop". Header
 * lengths found here are left in m->l2_len / l3_len / l4_len for the next
 * stage (l4_len = 8 marks ESP-in-UDP).
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "dpsec/nd6_group.h"

#include "classify.h"
#include "ip4_cksum.h"
#include "reasm_in.h"
#include "sad.h"
#include "udp6_cksum.h"

#define CL_PUNT ((dp_drop_t)0xfe)
_Static_assert(DP_DROP__COUNT < CL_PUNT, "CL_PUNT is not a drop code");
/* classify_frame: an IPv6 packet to keep (inside: to forward; outside: ESP to us) */
#define CL_KEEP6 ((dp_drop_t)0xfd)
_Static_assert(DP_DROP__COUNT < CL_KEEP6, "CL_KEEP6 is not a drop code");

#define NATT_PORT 4500
#define IKE_PORT 500

/* Version, header length, total length against what was received, checksum. */
static __rte_always_inline dp_drop_t
ipv4_check(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t avail)
{
	uint32_t hl, tot;
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (avail < sizeof(*ip))
		return DP_DROP_G_L2HdrErr;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) || hl > avail || tot < hl ||
	    tot > avail)
		return DP_DROP_G_Ipv4HdrErr;
	if (ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD && !ip4_cksum_ok(ip, hl)))
		return DP_DROP_G_BadIpChecksum;
	return DP_KEEP;
}

static inline bool
ipv4_is_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset &
		rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/*
 * UDP to us (ip_payload = bytes after the IP header; a bad UDP header is
 * the IP version's header error). On 4500 (RFC 3948): a
 * 1-byte 0xFF payload is a NAT keepalive (the length matters: an ESP SPI may
 * start with 0xFF), a zero 4-byte non-ESP marker is IKE, anything else is
 * ESP-in-UDP. (Fragments never come here: reasm_in.c puts them together
 * first.)
 */
static dp_drop_t
classify_udp(struct rte_mbuf *m, const void *l4, uint32_t ip_payload, dp_drop_t hdr_err)
{
	const struct rte_udp_hdr *udp = l4;
	const uint8_t *data = (const uint8_t *)(udp + 1);
	uint32_t ulen, payload;

	if (ip_payload < sizeof(*udp))
		return hdr_err;
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > ip_payload)
		return hdr_err;
	payload = ulen - sizeof(*udp);
	if (udp->dst_port != rte_cpu_to_be_16(NATT_PORT))
		return CL_PUNT;	/* IKE on 500, or anything else for the control plane */
	if (payload == 1 && data[0] == 0xff)
		return DP_DROP_G_IpsecNattKeepalive;
	if (payload >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 0)
		return CL_PUNT;	/* non-ESP marker: IKE (RFC 3948 section 2.2) */
	if (payload < 8)
		return DP_DROP_IN_ESP_TRUNCATED;
	m->l4_len = sizeof(*udp);
	return DP_KEEP;
}

/*
 * An inside IPv6 packet the outbound path may take: not multicast (ff00::/8),
 * neither address link-local (fe80::/10, RFC 4291 section 2.5.6: never
 * forwarded), nor from the unspecified address.
 */
static inline bool
ipv6_forwardable(const struct rte_ipv6_hdr *ip6)
{
	static const uint8_t any[16];

	return ip6->dst_addr[0] != 0xff &&
	       !(ip6->dst_addr[0] == 0xfe && (ip6->dst_addr[1] & 0xc0) == 0x80) &&
	       !(ip6->src_addr[0] == 0xfe && (ip6->src_addr[1] & 0xc0) == 0x80) &&
	       memcmp(ip6->src_addr, any, sizeof(any)) != 0;
}

/*
 * A Neighbor Advertisement to all-nodes (ff02::1): a neighbor announcing a
 * new link-layer address unsolicited (RFC 4861 section 7.2.6), which updates
 * an entry we have (7.2.5; never creates one). Other ICMPv6 to all-nodes
 * (router advertisements) is not ours: a router does not take it.
 */
static inline bool
ipv6_all_nodes_na(const struct rte_ipv6_hdr *ip6)
{
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

	return memcmp(ip6->dst_addr, all_nodes, 16) == 0 &&
	       *(const uint8_t *)(ip6 + 1) == 136;	/* ND_NEIGHBOR_ADVERT */
}

/*
 * ESP, AH or UDP to us behind an IPv6 Fragment header (RFC 8200 section
 * 4.5), right after the IPv6 header: reassembled before anything else (RFC
 * 4303 section 3.4.1; which UDP ones are ESP-in-UDP the first fragment
 * tells, as for IPv4), the whole classified again (reasm_in.c), its UDP
 * checksum checked then. Atomic fragments (offset 0, M clear: RFC 6946)
 * take the same way and complete at once. Fragments of anything else go to
 * the control plane, as before.
 */
static dp_drop_t
classify_frag6(struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6, uint32_t plen)
{
	const struct rte_ipv6_fragment_ext *fh = (const struct rte_ipv6_fragment_ext *)(ip6 + 1);

	if (plen < sizeof(*fh))
		return DP_DROP_G_Ipv6FragErr;
	if (fh->next_header != IPPROTO_ESP && fh->next_header != IPPROTO_AH &&
	    fh->next_header != IPPROTO_UDP)
		return CL_PUNT;
	m->l4_len = REASM_IN_MARK;
	return CL_KEEP6;
}

#define EH_HOPOPTS 0
#define EH_ROUTING 43
#define EH_DSTOPTS 60
#define EH_MAX 8	/* as spd_flow6_of: more than any sane packet has */

/* Extension headers RFC 7045 lists that are not walked here (RFC 8200 4.8's format or not). */
static inline bool
ext6_unknown(uint8_t nh)
{
	return nh == 135 || nh == 139 || nh == 140 || nh == 253 || nh == 254;
}

/*
 * ESP to us behind hop-by-hop, routing (segments left 0) or destination
 * options headers (RFC 8200 section 4): the chain walked with every read
 * bounded by the payload length; l3_len then covers them, so that esp_in.c
 * finds the ESP behind them (tunnel mode: the outer header goes after
 * decryption and ESP does not cover it). The frame is left as received, so
 * a drop later counts it as it came. AH behind them the same way: ah_in.c
 * hashes them with their mutable options zeroed (RFC 4302 3.3.3.1.2). A
 * routing header with segments left names a next destination: not ours to
 * forward (RFC 8200 4.4), dropped. A fragment header, IKE or ICMPv6 behind
 * them: the control plane's, as before. Only packets whose next header is
 * one of these three come here; the plain case costs nothing more.
 */
static __rte_noinline dp_drop_t
classify_ext6(struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6, uint32_t plen)
{
	const uint8_t *p = (const uint8_t *)(ip6 + 1);
	uint32_t off = 0;
	uint8_t nh = ip6->proto;

	for (int n = 0; nh == EH_HOPOPTS || nh == EH_ROUTING || nh == EH_DSTOPTS; n++) {
		uint32_t hl;

		if (n == EH_MAX || plen - off < 8 || (nh == EH_HOPOPTS && n != 0))
			return DP_DROP_G_Ipv6HdrErr;
		hl = (p[off + 1] + 1u) * 8u;
		if (plen - off < hl)
			return DP_DROP_G_Ipv6HdrErr;
		if (nh == EH_ROUTING && p[off + 3] != 0)
			return DP_DROP_G_Ipv6RoutingHdr;	/* segments left */
		nh = p[off];
		off += hl;
	}
	if (ext6_unknown(nh))
		return DP_DROP_G_Ipv6ExtHdrUnknown;
	if (nh == IPPROTO_AH) {	/* ah_in.c hashes the headers, mutable options zeroed */
		if (plen - off < 12)
			return DP_DROP_IN_ESP_TRUNCATED;
		m->l3_len = (uint16_t)(sizeof(*ip6) + off);
		m->l4_len = CLASSIFY_AH6_MARK;
		return CL_KEEP6;
	}
	if (nh != IPPROTO_ESP)
		return CL_PUNT;
	if (plen - off < 8)
		return DP_DROP_IN_ESP_TRUNCATED;
	m->l3_len = (uint16_t)(sizeof(*ip6) + off);	/* the ESP starts after them (esp_in.c) */
	return CL_KEEP6;
}

/* ESP-in-UDP over IPv6 (classify_udp checked its lengths): the port's verdict, or the sum. */
static bool
udp6_rx_ok(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip6 + 1);
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (udp->dgram_cksum == 0 || ck == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	return ck == RTE_MBUF_F_RX_L4_CKSUM_GOOD || udp6_cksum_ok(ip6, udp);
}

/*
 * IPv6. ICMPv6 to the port's address6 or to its solicited-node group
 * (neighbor discovery, echo), and advertisements to all-nodes, go to the control thread on either side
 * (src/ctrl/nd6.h). On the inside, anything else to our address is
 * dropped, and a packet to elsewhere is kept (CL_KEEP6) for
 * the outbound path, which walks its extension headers (spd_flow6_of). On
 * the outside, ESP, AH and ESP-in-UDP addressed to our IPv6 address right
 * behind the IPv6 header are kept for esp_in.c and ah_in.c (IKE on 500 and
 * behind the non-ESP marker on 4500 goes to the control plane, a NAT
 * keepalive is counted, as over IPv4: classify_udp). ESP-in-UDP must carry a
 * right UDP checksum: zero is allowed over IPv6 only by an agreement per
 * tunnel (RFC 6935, RFC 6936) that nothing negotiates here, so it is
 * dropped like a wrong one (RFC 8200 section 8.1), counted as
 * Ipv6UdpCksumErr; summing the packet costs only this path, and nothing
 * when the port verified it. ESP and AH behind other extension headers:
 * classify_ext6; behind a Fragment header: reassembled.
 */
static __rte_noinline dp_drop_t
classify_ipv6(const struct dp_port *in, struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6,
	      uint32_t avail, bool outside)
{
	uint32_t plen;
	dp_drop_t v;
	bool ours;

	if (avail < sizeof(*ip6))
		return outside ? DP_DROP_G_L2HdrErr : DP_DROP_G_Ipv6NoRoute;
	plen = rte_be_to_cpu_16(ip6->payload_len);
	if ((ip6->vtc_flow & rte_cpu_to_be_32(0xf0000000)) != rte_cpu_to_be_32(0x60000000) ||
	    sizeof(*ip6) + plen > avail)
		return outside ? DP_DROP_G_Ipv6HdrErr : DP_DROP_G_Ipv6NoRoute;
	ours = in->has_addr6 && memcmp(ip6->dst_addr, in->addr6, sizeof(in->addr6)) == 0;
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = sizeof(*ip6);
	m->l4_len = 0;
	if (ip6->proto == IPPROTO_ICMPV6 && in->has_addr6 &&
	    (ours || nd6_is_solicited_node(ip6->dst_addr, in->addr6) ||
	     (plen >= 1 && ipv6_all_nodes_na(ip6))))
		return CL_PUNT;
	if (!outside)
		return !ours && ipv6_forwardable(ip6) ? CL_KEEP6 : DP_DROP_G_Ipv6NoRoute;
	if (!ours)
		return DP_DROP_G_Ipv6NoRoute;
	switch (ip6->proto) {
	case IPPROTO_FRAGMENT:
		return classify_frag6(m, ip6, plen);
	case IPPROTO_ESP:	/* for esp_in.c, which looks its SPI up among the IPv6 SAs */
		return plen < 8 ? DP_DROP_IN_ESP_TRUNCATED : CL_KEEP6;
	case IPPROTO_AH:	/* for ah_in.c, the same way, marked for worker.c */
		if (plen < 12)
			return DP_DROP_IN_ESP_TRUNCATED;
		m->l4_len = CLASSIFY_AH6_MARK;
		return CL_KEEP6;
	case IPPROTO_UDP:
		v = classify_udp(m, ip6 + 1, plen, DP_DROP_G_Ipv6HdrErr);
		if (v != DP_KEEP)
			return v;
		return udp6_rx_ok(m, ip6) ? CL_KEEP6 : DP_DROP_G_Ipv6UdpCksumErr;
	case EH_HOPOPTS:
	case EH_ROUTING:
	case EH_DSTOPTS:
		return classify_ext6(m, ip6, plen);
	default:
		return CL_PUNT;
	}
}

/* A port's MAC as one 32-bit and one 16-bit word, read once per burst. */
struct l2_self {
	uint32_t w4;
	uint16_t w2;
};

static inline struct l2_self
l2_self_of(const struct dp_port *in)
{
	struct l2_self me;

	memcpy(&me.w4, in->mac.addr_bytes, 4);
	memcpy(&me.w2, in->mac.addr_bytes + 4, 2);
	return me;
}

/*
 * Is the frame addressed to this port? Its own MAC (two compares), broadcast
 * (ARP), or an IPv6 multicast group 33:33:xx (RFC 2464 section 7: neighbor
 * discovery, which IPv6 on the outside needs). Anything else reaches us only
 * through a promiscuous virtual device or a switch flooding unknown unicast,
 * and is another host's: forwarding it would duplicate that host's traffic
 * (decrypted, or encrypted into a tunnel). No other multicast group is used
 * here (no IPv4 multicast, STP or LLDP).
 */
static inline bool
l2_for_port(struct l2_self me, const struct rte_ether_hdr *eth)
{
	uint32_t d4;
	uint16_t d2;

	memcpy(&d4, eth->dst_addr.addr_bytes, 4);
	memcpy(&d2, eth->dst_addr.addr_bytes + 4, 2);
	if (((d4 ^ me.w4) | (uint32_t)(d2 ^ me.w2)) == 0)
		return true;
	/* 0x3333: the first two bytes, whatever the byte order */
	return (d4 == UINT32_MAX && d2 == UINT16_MAX) || (d4 & 0xffff) == 0x3333;
}

/*
 * What both sides check first: one segment, the Ethernet destination and
 * type, the IPv4 header. DP_KEEP means valid IPv4 at *ipp; ARP is punted;
 * IPv6 is classify_ipv6's.
 */
static __rte_always_inline dp_drop_t
classify_frame(const struct dp_port *in, struct l2_self me, struct rte_mbuf *m, bool outside,
	       const struct rte_ipv4_hdr **ipp)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (m->nb_segs != 1)
		return DP_DROP_G_MultiSegUnsupported;
	if (m->data_len < sizeof(*eth))
		return DP_DROP_G_L2HdrErr;
	if (!l2_for_port(me, eth))
		return DP_DROP_G_L2DstMacMismatch;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return CL_PUNT;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		return classify_ipv6(in, m, (const struct rte_ipv6_hdr *)(eth + 1),
				     m->data_len - sizeof(*eth), outside);
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return DP_DROP_G_UnknownL2Proto;
	*ipp = (const struct rte_ipv4_hdr *)(eth + 1);
	return ipv4_check(m, *ipp, m->data_len - sizeof(*eth));
}

/*
 * AH (spi_at: its SPI) over IPv4 to us whose SPI no SA has: dropped here
 * for the reason ah_in.c would give (ESP: esp_sa_gate, below), and reported by
 * worker_drop like theirs, without going through the inbound stage: what an
 * unknown-SPI flood costs the tunnels beside it is mostly what each of its
 * packets costs a worker (docs/PERFORMANCE.md).
 */
static __rte_always_inline dp_drop_t
spi_gate(const struct sad_table *sat, const uint8_t *spi_at)
{
	uint32_t spi_be;

	memcpy(&spi_be, spi_at, sizeof(spi_be));
	return sad_table_spi_absent(sat, spi_be) ? DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI : DP_KEEP;
}

/*
 * With many SAs, before the burst is classified: start fetching the table
 * slot of the SPI where ESP over IPv4 without options has it (byte 34 of the
 * frame), so that the gate's probes wait for one slot miss a burst instead
 * of one a packet. (Prefetching the SA lines and AES-GCM key lines the
 * slots lead to, after the lookup, measured slower: docs/PERFORMANCE.md.)
 * Other packets prefetch a slot for nothing, which costs less than
 * telling them apart; the 4 bytes are inside the mbuf's data room whatever
 * the frame's length.
 */
#define SPI_AT (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr))

static inline void
spi_slots_prefetch(const struct sad_table *sat, struct rte_mbuf *const *pkts, uint16_t n)
{
	if (!__atomic_load_n(&sat->prefetch, __ATOMIC_RELAXED))
		return;
	for (uint16_t i = 0; i < n; i++) {
		uint32_t spi_be;

		memcpy(&spi_be, rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *, SPI_AT), 4);
		rte_prefetch0(&sat->slot[sad_table_home(sat, spi_be)]);
	}
}

/*
 * ESP or ESP-in-UDP over IPv4 to us at esp, off bytes into the frame, len
 * bytes long: its SA, by (SPI, destination, ESP over IPv4) as esp_in.c would look
 * it up, found by the same probe that proves an SPI unknown and carried in
 * the packet with off and len (pkt_in_esp) so that esp_in.c neither probes
 * nor reads the headers again. No SA: dropped here for the reason esp_in.c
 * would give (an SPI only an AH SA or an IPv6 SA has included), as spi_gate's.
 */
static __rte_always_inline dp_drop_t
esp_sa_gate(const struct sad_table *sat, struct rte_mbuf *m, uint32_t dst_be, const uint8_t *esp,
	    uint32_t off, uint32_t len)
{
	struct pkt_in_esp *c;
	uint32_t spi_be;
	struct sa_rt *sa;

	memcpy(&spi_be, esp, sizeof(spi_be));
	sa = sad_table_find(sat, spi_be, dst_be, sad_table_tag(IPPROTO_ESP));
	if (sa == NULL)
		return DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI;	/* dropped: no SA to carry */
	c = pkt_in_esp(m);
	c->sa = sa;
	c->off = (uint16_t)off;
	c->len = (uint16_t)len;
	return DP_KEEP;
}

static dp_drop_t
classify_out_one(const struct dp_port *in, struct l2_self me, const struct sad_table *sat,
		 struct rte_mbuf *m)
{
	const uint8_t *l4;
	dp_drop_t u;
	const struct rte_ipv4_hdr *ip = NULL;
	dp_drop_t v = classify_frame(in, me, m, true, &ip);
	uint32_t hl, tot;

	if (v != DP_KEEP) {
		if (v != CL_KEEP6)
			return v;
		pkt_set_in_sa(m, NULL);	/* IPv6 ESP to us (lengths set): esp_in.c looks */
		return DP_KEEP;
	}
	if (ip->dst_addr != in->addr)
		return DP_DROP_G_Ipv4NoRoute;	/* the outside carries only our tunnels */
	hl = (ip->version_ihl & 0xf) * 4u;
	/* l2_len, l3_len, l4_len 0 in one store, not three bit-field updates */
	m->tx_offload = rte_mbuf_tx_offload(sizeof(struct rte_ether_hdr), hl, 0, 0, 0, 0, 0);
	/*
	 * ESP, AH and UDP fragments are reassembled before anything else
	 * (RFC 4303 section 3.4.1, RFC 4302 section 3.4.1); which UDP ones are
	 * ESP-in-UDP, and which are IKE for the control plane, the first
	 * fragment tells (reasm_in.c). The whole is classified again.
	 */
	if (ipv4_is_fragment(ip) &&
	    (ip->next_proto_id == IPPROTO_ESP || ip->next_proto_id == IPPROTO_AH ||
	     ip->next_proto_id == IPPROTO_UDP)) {
		m->l4_len = REASM_IN_MARK;
		return DP_KEEP;
	}
	l4 = (const uint8_t *)ip + hl;
	switch (ip->next_proto_id) {
	case IPPROTO_ESP:
		tot = rte_be_to_cpu_16(ip->total_length);
		return tot - hl < 8 ? DP_DROP_IN_ESP_TRUNCATED
				    : esp_sa_gate(sat, m, ip->dst_addr, l4,
						  sizeof(struct rte_ether_hdr) + hl, tot - hl);
	case IPPROTO_AH:
		/* kept for ah_in.c, which checks the rest against the SA (RFC 4302 3.4.1) */
		if (rte_be_to_cpu_16(ip->total_length) - hl < 12)
			return DP_DROP_IN_ESP_TRUNCATED;
		u = spi_gate(sat, l4 + 4);
		if (u == DP_KEEP)	/* no ESP SA: the inbound split (worker.c) reads it */
			pkt_set_in_sa(m, NULL);
		return u;
	case IPPROTO_UDP:
		u = classify_udp(m, l4, rte_be_to_cpu_16(ip->total_length) - hl,
				 DP_DROP_G_Ipv4HdrErr);
		/* ESP-in-UDP: the SPI follows the UDP header (classify_udp checked 8 bytes) */
		if (u != DP_KEEP)
			return u;
		/* classify_udp checked the UDP length against the IP length */
		tot = rte_be_to_cpu_16(((const struct rte_udp_hdr *)l4)->dgram_len);
		return esp_sa_gate(sat, m, ip->dst_addr, l4 + sizeof(struct rte_udp_hdr),
				   sizeof(struct rte_ether_hdr) + hl + sizeof(struct rte_udp_hdr),
				   tot - sizeof(struct rte_udp_hdr));
	default:
		return CL_PUNT;	/* ICMP and the like, for the control plane */
	}
}

static dp_drop_t
classify_in_one(const struct dp_port *in, struct l2_self me, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = NULL;
	dp_drop_t v = classify_frame(in, me, m, false, &ip);

	if (v != DP_KEEP)
		return v == CL_KEEP6 ? DP_KEEP : v;	/* IPv6: l2/l3 lengths set */
	if (ip->dst_addr == in->addr)
		return CL_PUNT;	/* for the gateway itself */
	if (dp_port_is_bcast(in, ip->dst_addr))
		return DP_DROP_G_Ipv4DirectedBcast;	/* the LAN's own: not for a tunnel */
	/* l2_len, l3_len and l4_len 0 in one store, not three read-modify-writes of bit-fields */
	m->tx_offload = rte_mbuf_tx_offload(sizeof(struct rte_ether_hdr),
					    (ip->version_ihl & 0xf) * 4u, 0, 0, 0, 0, 0);
	return DP_KEEP;
}

/*
 * Three-way stable partition: kept, then punted, then dropped (with reasons),
 * in one pass. Kept packets move down in place; the others wait in side
 * arrays of their kind (under a flood, half a burst is dropped).
 */
static uint16_t
partition(struct rte_mbuf **pkts, dp_drop_t *v, uint16_t n, uint16_t *n_punt)
{
	struct rte_mbuf *punt[DP_BURST_MAX], *drop[DP_BURST_MAX];
	dp_drop_t why[DP_BURST_MAX];
	uint16_t k = 0, p = 0, d = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (likely(v[i] == DP_KEEP)) {
			pkts[k++] = pkts[i];
		} else if (v[i] == CL_PUNT) {
			punt[p++] = pkts[i];
		} else {
			drop[d] = pkts[i];
			why[d++] = v[i];
		}
	}
	*n_punt = p;
	if (k == n)
		return k;
	memcpy(pkts + k, punt, p * sizeof(punt[0]));
	memcpy(pkts + k + p, drop, d * sizeof(drop[0]));
	memcpy(v + k + p, why, d * sizeof(why[0]));
	return k;
}

uint16_t
classify_outside(const struct dp_port *in, const struct sad_table *sat,
		 struct rte_mbuf **pkts, uint16_t n, uint16_t *n_punt, dp_drop_t *reason)
{
	const struct l2_self me = l2_self_of(in);

	spi_slots_prefetch(sat, pkts, n);
	for (uint16_t i = 0; i < n; i++)
		reason[i] = classify_out_one(in, me, sat, pkts[i]);
	return partition(pkts, reason, n, n_punt);
}

uint16_t
classify_inside(const struct dp_port *in, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *n_punt, dp_drop_t *reason)
{
	const struct l2_self me = l2_self_of(in);

	for (uint16_t i = 0; i < n; i++)
		reason[i] = classify_in_one(in, me, pkts[i]);
	return partition(pkts, reason, n, n_punt);
}
