/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP MSS clamping, IOS "ip tcp adjust-mss N" (RFC 879, RFC 6691): the MSS
 * option of a SYN or SYN-ACK carried through a tunnel is lowered to N when it
 * is larger (never raised), so that neither end sends segments that only fit
 * the path after fragmentation. The TCP checksum is updated incrementally
 * (RFC 1624 eqn. 3), never recomputed over the segment. IPv4, and IPv6
 * with its own setting (IOS "ipv6 tcp adjust-mss"): a TCP header right
 * behind the IPv6 header (a SYN with extension headers is left alone).
 *
 * The inline part decides with a few loads whether the packet can be a SYN at
 * all, so that other traffic pays next to nothing; only SYNs walk the options.
 */
#ifndef DPSEC_TCP_MSS_H
#define DPSEC_TCP_MSS_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#define TCP_MSS_HDR 20		/* TCP header without options */
#define TCP_MSS_FLAGS_OFF 13	/* the byte with SYN, ACK, ... */
#define TCP_MSS_SYN 0x02

/*
 * Walk the options of the TCP header at tcp (hdr bytes: its data offset, already
 * known to fit) and lower every MSS option above mss to mss, fixing the
 * checksum. Returns how many options were lowered. A malformed option (length
 * 0 or 1, or running past the header) ends the walk: what follows it is not
 * an option any receiver reads either.
 */
unsigned int tcp_mss_clamp_opts(uint8_t *tcp, uint32_t hdr, uint16_t mss);

/*
 * The IPv4 packet at ip, avail bytes of it contiguous (the mbuf's first
 * segment), with mss the interface's setting (0: off): if it is a whole
 * (unfragmented) TCP SYN or SYN-ACK whose TCP header is all there, clamp its
 * MSS. The IPv4 header is assumed checked (version, IHL, total length).
 * Returns true when the packet was changed.
 */
static inline bool
tcp_mss_adjust(struct rte_ipv4_hdr *ip, uint32_t avail, uint16_t mss)
{
	uint32_t hl, len, doff;
	uint8_t *tcp;

	if (mss == 0 || ip->next_proto_id != IPPROTO_TCP)
		return false;
	/* a fragment: the first holds the header, but a SYN is never worth it (and its
	 * pieces are checked by the receiver as one) */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return false;
	hl = (ip->version_ihl & 0xfu) * 4u;
	len = rte_be_to_cpu_16(ip->total_length);
	if (len > avail)
		len = avail;
	if (len < hl + TCP_MSS_HDR)
		return false;
	tcp = (uint8_t *)ip + hl;
	if (!(tcp[TCP_MSS_FLAGS_OFF] & TCP_MSS_SYN))
		return false;
	doff = (tcp[12] >> 4) * 4u;
	if (doff <= TCP_MSS_HDR || doff > len - hl)
		return false;	/* no options, or a header longer than the packet */
	return tcp_mss_clamp_opts(tcp, doff, mss) > 0;
}

/*
 * The same for the IPv6 packet at ip6 (payload length checked), avail bytes
 * of it contiguous. The pseudo-header is not touched: the checksum update
 * is the same as for IPv4.
 */
static inline bool
tcp_mss_adjust6(struct rte_ipv6_hdr *ip6, uint32_t avail, uint16_t mss)
{
	uint32_t len, doff;
	uint8_t *tcp;

	if (mss == 0 || ip6->proto != IPPROTO_TCP)
		return false;
	len = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
	if (len > avail)
		len = avail;
	if (len < sizeof(*ip6) + TCP_MSS_HDR)
		return false;
	tcp = (uint8_t *)(ip6 + 1);
	if (!(tcp[TCP_MSS_FLAGS_OFF] & TCP_MSS_SYN))
		return false;
	doff = (tcp[12] >> 4) * 4u;
	if (doff <= TCP_MSS_HDR || doff > len - sizeof(*ip6))
		return false;
	return tcp_mss_clamp_opts(tcp, doff, mss) > 0;
}

#endif
