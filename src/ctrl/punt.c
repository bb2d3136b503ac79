/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dpsec/ike.h"

#include "arp_table.h"
#include "ctrl.h"
#include "nd6.h"
#include "nd6_cache.h"
#include "pmtu_icmp.h"
#include "reasm4.h"
#include "punt.h"
#include "udp4.h"

#define IKE_PORT 500
#define NATT_PORT 4500
#define NON_ESP_MARKER_LEN 4	/* RFC 3948 section 2.2 */

const char *const punt_ike_names[PUNT_IKE__COUNT] = {
#define PUNT_X(name, text) [PUNT_IKE_##name] = #name,
	PUNT_IKE_COUNTERS(PUNT_X)
#undef PUNT_X
};

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

/* An Ethernet/IPv4 ARP packet, or NULL. */
static struct rte_arp_hdr *
arp_of(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	if (m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != 6 || arp->arp_plen != 4)
		return NULL;
	return arp;
}

/*
 * A neighbour learned afresh or at a new MAC: outbound SAs that send to it
 * by a MAC learned earlier move to this one (a failover to a standby router
 * answers with its own MAC; without this their ESP would go to the old one
 * until the SAs are rekeyed).
 */
static void
follow_mac(struct dp *dp, struct arp_table *t, uint32_t iface, const struct rte_arp_hdr *arp)
{
	int n = dp_neighbor_update(dp, iface, arp->arp_data.arp_sip,
				   arp->arp_data.arp_sha.addr_bytes);

	if (n >= 0)
		arp_table_add(t, ARP_sa_moved, (uint64_t)n);
	else
		arp_table_add(t, ARP_sa_move_failed, 1);
}

/*
 * RFC 826: the sender of a request or reply to our address is learned; a
 * packet for someone else only updates a neighbour already in the table (the
 * "merge" step: so a gratuitous ARP after a failover moves us to the new MAC,
 * while a flood of others' ARP cannot fill the table), counted as answered
 * when it did. A request to us becomes the reply, in place; a reply is
 * consumed (counted as answered: it was for us, and it is done).
 */
static bool
arp_in(struct dp *dp, const struct cfg_interface *ifc, uint32_t iface, struct rte_mbuf *m,
       struct view_punt_count *k, const struct punt_ctx *pa)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = arp_of(m);
	struct arp_table *t = pa != NULL ? pa->table : NULL;
	uint8_t mac[6];
	uint32_t sip;
	bool to_us;

	if (arp == NULL)
		return false;
	sip = arp->arp_data.arp_sip;
	to_us = arp->arp_data.arp_tip == ifc->addr;
	if (!to_us && (t == NULL || !arp_table_has(t, iface, sip)))
		return false;	/* someone else's, from someone we do not know: nothing to learn */
	if (t != NULL && arp_table_learn(t, iface, sip, arp->arp_data.arp_sha.addr_bytes,
					 pa->now_ns))
		follow_mac(dp, t, iface, arp);
	if (!to_us || arp->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY)) {
		k->answered++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST))
		return false;
	dp_iface_mac(dp, iface, mac);
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

/* An IPv6 neighbor learned afresh or at a new MAC: outbound SAs to it follow (as follow_mac). */
static void
follow_mac6(struct dp *dp, struct nd6_cache *t, uint32_t iface, const uint8_t ip[16],
	    const uint8_t mac[6])
{
	int n = dp_neighbor6_update(dp, iface, ip, mac);

	if (n >= 0)
		nd6_cache_add(t, ND6C_sa_moved, (uint64_t)n);
	else
		nd6_cache_add(t, ND6C_sa_move_failed, 1);
}

/*
 * RFC 4861 section 7.2.5: a Neighbor Advertisement to us updates the cache
 * and is consumed (counted as answered: it was for us, and it is done; one
 * that fails section 7.1.2's checks is unhandled). Section 7.2.3: the sender
 * of a solicitation for our address6 with a source link-layer address is
 * recorded, and the solicitation goes on to be answered (false).
 */
static bool
nd6_learn(struct dp *dp, const struct cfg_interface *ifc, uint32_t iface, struct rte_mbuf *m,
	  struct view_punt_count *k, const struct punt_ctx *pc)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	struct nd6_cache *t = pc != NULL ? pc->nd6 : NULL;
	struct nd6_na na;

	if (t == NULL || !ifc->has_addr6 || m->nb_segs != 1)
		return false;
	if (nd6_kind_of(f, m->data_len) == ND6_NS) {
		uint8_t src[16], lla[6];

		if (nd6_ns_sender(f, m->data_len, ifc->addr6, src, lla) &&
		    nd6_cache_solicit(t, iface, src, lla, pc->now_ns))
			follow_mac6(dp, t, iface, src, lla);
		return false;
	}
	if (!nd6_parse_na(f, m->data_len, &na))
		return false;
	if (nd6_cache_advert(t, iface, na.target, na.has_lla ? na.lla : NULL, na.solicited,
			     na.override, pc->now_ns))
		follow_mac6(dp, t, iface, na.target, na.lla);
	k->answered++;
	rte_pktmbuf_free(m);
	return true;
}

/*
 * A Neighbor Solicitation for, or an echo request to, the interface's
 * address6 (nd6.h): the reply goes out in a new buffer, the request is freed.
 */
static bool
nd6_in(struct dp *dp, const struct cfg_interface *ifc, uint32_t iface, struct rte_mbuf *m,
       struct view_punt_count *k)
{
	struct rte_mbuf *r;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	size_t n;

	if (!ifc->has_addr6 || m->nb_segs != 1)
		return false;
	r = rte_pktmbuf_alloc(dp_mempool(dp));
	if (r == NULL)
		return false;
	dp_iface_mac(dp, iface, mac);
	n = nd6_answer(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, ifc->addr6, mac,
		       rte_pktmbuf_mtod(r, uint8_t *), rte_pktmbuf_tailroom(r));
	if (n == 0) {
		rte_pktmbuf_free(r);
		return false;
	}
	r->data_len = (uint16_t)n;
	r->pkt_len = (uint32_t)n;
	r->port = m->port;
	rte_pktmbuf_free(m);
	send_back(dp, iface, r, k);
	return true;
}

/*
 * ICMP "fragmentation needed" about one of our outbound SAs' packets: that
 * SA's path MTU is lowered (dp_sa_path_mtu); consumed, counted as answered.
 * Anything else, an SA we do not have included, is not ours to act on.
 */
static bool
pmtu_in(struct dp *dp, const struct cfg_interface *ifc, struct rte_mbuf *m,
	struct view_punt_count *k)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct pmtu_icmp p;

	if (m->data_len < sizeof(*eth) ||
	    !pmtu_icmp_parse((const uint8_t *)(eth + 1), m->data_len - sizeof(*eth), ifc->addr,
			     &p) ||
	    dp_sa_path_mtu(dp, ifc->addr, p.peer, p.proto, p.spi, p.mtu) != 0)
		return false;
	k->answered++;
	rte_pktmbuf_free(m);
	return true;
}

/*
 * Is a UDP datagram to the interface's address an IKE message? On 4500 the
 * non-ESP marker goes (RFC 3948 2.2), and a lone 0xFF is a NAT keepalive
 * (2.3). *msg, *len: the IKE message.
 */
static enum punt_ike_ctr
ike_check(const struct cfg_interface *ifc, const struct udp4 *u, const uint8_t **msg,
	  size_t *len)
{
	static const uint8_t marker[NON_ESP_MARKER_LEN];

	*msg = u->payload;
	*len = u->len;
	if (ifc == NULL || u->dst != ifc->addr)
		return PUNT_IKE_not_ours;
	if (u->dport == NATT_PORT) {
		if (u->len == 1 && u->payload[0] == 0xff)
			return PUNT_IKE_keepalive;
		if (u->len < NON_ESP_MARKER_LEN || memcmp(u->payload, marker, sizeof(marker)) != 0)
			return PUNT_IKE_no_marker;
		*msg += NON_ESP_MARKER_LEN;
		*len -= NON_ESP_MARKER_LEN;
	}
	return *len == 0 ? PUNT_IKE_empty : PUNT_IKE_delivered;
}

static enum punt_ike_ctr
ike_of_udp4(enum udp4_verdict v)
{
	switch (v) {
	case UDP4_OK:
		return PUNT_IKE_delivered;
	case UDP4_FRAGMENT:
		return PUNT_IKE_fragment;
	case UDP4_BAD_UDP:
		return PUNT_IKE_bad_udp;
	case UDP4_BAD_CKSUM:
		return PUNT_IKE_bad_cksum;
	default:
		return PUNT_IKE_bad_ip;
	}
}

/* A frame holding one whole UDP datagram, checked, to the hooks; the outcome counted. */
static enum punt_ike_ctr
ike_deliver(const struct cfg_interface *ifc, const uint8_t *frame, size_t flen,
	    struct punt_stats *st, const struct punt_ike *ike)
{
	struct udp4 u;
	const uint8_t *msg = NULL;
	size_t len = 0;
	enum punt_ike_ctr why = ike_of_udp4(udp4_parse(frame, flen, &u));
	struct ike_addr local = {.family = 4}, remote = {.family = 4};

	if (why == PUNT_IKE_delivered)
		why = ike_check(ifc, &u, &msg, &len);
	if (why == PUNT_IKE_delivered &&
	    (ike == NULL || ike->hooks == NULL || ike->hooks->input == NULL))
		why = PUNT_IKE_no_ike;
	st->ike[why]++;
	if (why != PUNT_IKE_delivered)
		return why;
	memcpy(local.ip, &u.dst, 4);
	local.port = u.dport;
	memcpy(remote.ip, &u.src, 4);
	remote.port = u.sport;
	ike->hooks->input(ike->ctx, &local, &remote, msg, len);
	return why;
}

/* An IKE datagram to the hooks, or counted as unhandled (the reason is in st->ike). */
static void
ike_in(struct dp *dp, const struct cfg_interface *ifc, struct rte_mbuf *m,
       struct view_punt_count *k, struct punt_stats *st, const struct punt_ike *ike)
{
	if (ike_deliver(ifc, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, st, ike) !=
	    PUNT_IKE_delivered) {
		/* a keepalive too: unhandled is PuntUnhandled (view.h) */
		unhandled(dp, m, k);
		return;
	}
	k->answered++;
	rte_pktmbuf_free(m);	/* the message pointed into it: after input() */
}

/*
 * The reassembled datagram in a frame of its own (Ethernet and the IPv4
 * header of the fragment that completed it, offset and MF cleared, length
 * and checksum new), through the same checks as a whole one.
 */
static enum punt_ike_ctr
reassembled(const struct cfg_interface *ifc, const uint8_t *frame, uint32_t hl,
	    const uint8_t *payload, size_t len, struct punt_stats *st, const struct punt_ike *ike)
{
	size_t head = sizeof(struct rte_ether_hdr) + hl;
	uint8_t *f = malloc(head + len);
	struct rte_ipv4_hdr *ip;
	enum punt_ike_ctr why;

	if (f == NULL) {
		st->ike[PUNT_IKE_bad_ip]++;
		return PUNT_IKE_bad_ip;
	}
	memcpy(f, frame, head);
	memcpy(f + head, payload, len);
	ip = (struct rte_ipv4_hdr *)(f + sizeof(struct rte_ether_hdr));
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + len));
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	why = ike_deliver(ifc, f, head + len, st, ike);
	free(f);
	return why;
}

/* Fragments reassembly took earlier and has now given up on: PuntUnhandled. */
void
punt_reasm_drain(struct dp *dp, struct reasm4 *reasm)
{
	uint64_t frames, octets;

	reasm4_take_lost(reasm, &frames, &octets);
	dp_ctrl_drop_count(dp, DP_DROP_G_PuntUnhandled, frames, octets);
}

/*
 * An IPv4 fragment of UDP to our address: into reassembly, completed
 * datagrams to IKE. A fragment held is counted as answered (taken); one that
 * is dropped, or whose datagram is, or whose completed datagram IKE does not
 * take, ends as PuntUnhandled with every fragment of it (punt_reasm_drain).
 * false: not such a fragment; m is still the caller's.
 */
static bool
fragment_in(struct dp *dp, const struct cfg_interface *ifc, struct rte_mbuf *m,
	    struct view_punt_count *k, struct punt_stats *st, const struct punt_ike *ike,
	    const struct punt_ctx *pc)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(frame + 14);
	/* the worker checked the IPv4 header and that it fits the frame */
	uint32_t hl = (ip->version_ihl & 0xf) * 4u, tot = rte_be_to_cpu_16(ip->total_length);
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	struct reasm4_frag f = {.src = ip->src_addr, .dst = ip->dst_addr, .id = ip->packet_id,
				.proto = ip->next_proto_id,
				.offset = (uint16_t)((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8u),
				.more = (fo & RTE_IPV4_HDR_MF_FLAG) != 0, .data = (const uint8_t *)ip + hl,
				.len = tot > hl ? tot - hl : 0, .wire_len = m->pkt_len};
	const uint8_t *out;
	size_t out_len;
	bool taken = true;

	if (pc == NULL || pc->reasm == NULL || ip->next_proto_id != IPPROTO_UDP ||
	    ip->dst_addr != ifc->addr || tot < hl)
		return false;
	st->ike[PUNT_IKE_fragment]++;
	switch (reasm4_add(pc->reasm, &f, pc->now_ns, &out, &out_len)) {
	case REASM4_DROPPED:
		taken = false;
		break;
	case REASM4_HELD:
		break;
	case REASM4_DONE:
		if (reassembled(ifc, frame, hl, out, out_len, st, ike) != PUNT_IKE_delivered) {
			reasm4_lose_done(pc->reasm);
			taken = false;
		}
		break;
	}
	if (taken)
		k->answered++;
	else
		k->unhandled++;
	rte_pktmbuf_free(m);
	punt_reasm_drain(dp, pc->reasm);
	return true;
}

static bool
is_ipv4_fragment(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

	return m->data_len >= sizeof(*eth) + sizeof(*ip) &&
	       eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) &&
	       (ip->fragment_offset &
		rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
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
	switch (nd6_kind_of(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len)) {
	case ND6_NS:
	case ND6_NA:
		return VIEW_PUNT_ND6;
	case ND6_ECHO:
		return VIEW_PUNT_ICMP6_ECHO;
	default:
		break;
	}
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return VIEW_PUNT_OTHER;
	hl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	l4 = (const uint8_t *)ip + hl;
	if (ip->next_proto_id == IPPROTO_ICMP && tot >= hl + sizeof(struct rte_icmp_hdr) &&
	    l4[0] == RTE_IP_ICMP_ECHO_REQUEST)
		return VIEW_PUNT_ICMP_ECHO;
	/* a later fragment starts inside the datagram: no UDP header to go by */
	if (ip->next_proto_id == IPPROTO_UDP && tot >= hl + sizeof(struct rte_udp_hdr) &&
	    !(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)l4;

		if (udp->dst_port == rte_cpu_to_be_16(IKE_PORT) ||
		    udp->dst_port == rte_cpu_to_be_16(NATT_PORT))
			return VIEW_PUNT_IKE;
	}
	return VIEW_PUNT_OTHER;
}

void
punt_handle(struct dp *dp, const struct dpsec_config *cfg, struct rte_mbuf *m,
	    struct punt_stats *st, const struct punt_ike *ike, const struct punt_ctx *pc)
{
	uint32_t iface = dp_iface_of_port(dp, m->port);
	const struct cfg_interface *ifc = iface != CFG_NONE ? &cfg->interfaces[iface] : NULL;
	enum view_punt_kind kind = kind_of(m);
	struct view_punt_count *k = &st->kind[kind];

	k->received++;
	if (is_ipv4_fragment(m)) {
		st->fragments++;
		if (ifc != NULL && fragment_in(dp, ifc, m, k, st, ike, pc))
			return;
		unhandled(dp, m, k);
		return;
	}
	if (kind == VIEW_PUNT_IKE) {
		ike_in(dp, ifc, m, k, st, ike);
		return;
	}
	if (ifc != NULL) {
		if (kind == VIEW_PUNT_ARP && arp_in(dp, ifc, iface, m, k, pc))
			return;
		if (kind == VIEW_PUNT_ICMP_ECHO && echo_reply(dp, ifc, iface, m, k))
			return;
		if (kind == VIEW_PUNT_ND6 && nd6_learn(dp, ifc, iface, m, k, pc))
			return;
		if ((kind == VIEW_PUNT_ND6 || kind == VIEW_PUNT_ICMP6_ECHO) &&
		    nd6_in(dp, ifc, iface, m, k))
			return;
		if (kind == VIEW_PUNT_OTHER && ifc->role == CFG_ROLE_OUTSIDE && pmtu_in(dp, ifc, m, k))
			return;
	}
	unhandled(dp, m, k);	/* not ours to answer */
}
