/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dpsec/inet_sum.h"
#include "dpsec/rd.h"

#include "udp6.h"

#define ETHERTYPE_IPV6 0x86dd
#define PROTO_UDP 17

/*
 * Next header values that are extension headers (RFC 8200 section 4, RFC 7045):
 * Hop-by-Hop, Routing, Fragment, Destination Options, Mobility, HIP, Shim6.
 * ESP and AH are protocols of their own here (not UDP: NOT_UDP).
 */
static int
is_ext_hdr(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 135 || nh == 139 || nh == 140;
}

/* RFC 8200 8.1: the pseudo header (addresses, upper-layer length, next header), then UDP. */
static uint16_t
udp_sum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	return inet_fold(inet_sum16(udp, ulen, inet6_pseudo_sum(ip, ulen, PROTO_UDP)));
}

enum udp6_verdict
udp6_parse(const uint8_t *frame, size_t len, struct udp6 *u)
{
	struct rd r = rd_init(frame, len), pkt, udp;
	uint16_t type, plen, ulen, cksum;
	const uint8_t *ip;
	uint8_t nh;

	if (!rd_skip(&r, 12) || !rd_u16(&r, &type) || type != ETHERTYPE_IPV6)
		return UDP6_NOT_UDP;
	ip = r.p;
	if (r.left < UDP6_IP_LEN || ip[0] >> 4 != 6)
		return UDP6_BAD_IP;
	plen = (uint16_t)(ip[4] << 8 | ip[5]);
	nh = ip[6];
	/* the IPv6 packet: what follows it in the frame is padding (a jumbogram has plen 0) */
	if (plen == 0 || !rd_sub(&r, (size_t)UDP6_IP_LEN + plen, &pkt) ||
	    !rd_skip(&pkt, UDP6_IP_LEN))
		return UDP6_BAD_IP;
	if (is_ext_hdr(nh))
		return UDP6_EXT_HDR;
	if (nh != PROTO_UDP)
		return UDP6_NOT_UDP;
	udp = pkt;
	if (!rd_u16(&pkt, &u->sport) || !rd_u16(&pkt, &u->dport) || !rd_u16(&pkt, &ulen) ||
	    !rd_u16(&pkt, &cksum))
		return UDP6_BAD_UDP;
	/* the UDP length covers its header and fits the IPv6 payload (RFC 768) */
	if (ulen < 8 || ulen > udp.left)
		return UDP6_BAD_UDP;
	/* RFC 8200 8.1: a zero checksum is not "none" over IPv6; the datagram is discarded */
	if (cksum == 0 || udp_sum(ip, udp.p, ulen) != 0xffff)
		return UDP6_BAD_CKSUM;
	memcpy(u->src, ip + 8, 16);
	memcpy(u->dst, ip + 24, 16);
	u->payload = pkt.p;
	u->len = (size_t)ulen - 8;
	return UDP6_OK;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
udp6_build(uint8_t *buf, size_t cap, const struct udp6_out *o, const void *prefix,
	   size_t prefix_len, const void *data, size_t len)
{
	size_t plen = prefix_len + len, ulen = 8 + plen;
	uint8_t *ip = buf + UDP6_ETH_LEN, *udp = ip + UDP6_IP_LEN;
	uint16_t sum;

	if (plen < prefix_len || ulen > 65535 || UDP6_ETH_LEN + UDP6_IP_LEN + ulen > cap)
		return 0;
	memcpy(buf, o->dmac, 6);
	memcpy(buf + 6, o->smac, 6);
	put16(buf + 12, ETHERTYPE_IPV6);

	memset(ip, 0, UDP6_IP_LEN);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)ulen);
	ip[6] = PROTO_UDP;
	ip[7] = UDP6_HOP_LIMIT;
	memcpy(ip + 8, o->src, 16);
	memcpy(ip + 24, o->dst, 16);

	put16(udp, o->sport);
	put16(udp + 2, o->dport);
	put16(udp + 4, (uint16_t)ulen);
	put16(udp + 6, 0);
	if (prefix_len > 0)
		memcpy(udp + 8, prefix, prefix_len);
	if (len > 0)
		memcpy(udp + 8 + prefix_len, data, len);
	sum = udp_sum(ip, udp, ulen);
	/* its complement; a computed 0 goes out as 0xffff (RFC 8200 8.1, as RFC 768) */
	put16(udp + 6, sum == 0xffff ? 0xffff : (uint16_t)~sum);
	return UDP6_ETH_LEN + UDP6_IP_LEN + ulen;
}
