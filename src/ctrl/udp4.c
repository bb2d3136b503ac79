/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dpsec/inet_sum.h"
#include "dpsec/rd.h"

#include "udp4.h"

#define ETHERTYPE_IPV4 0x0800
#define PROTO_UDP 17
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define TTL 64

/* RFC 768: the pseudo header (addresses, protocol, UDP length), then the datagram. */
static uint16_t
udp_sum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t sum = inet_sum16(ip + 12, 8, 0) + PROTO_UDP + (uint32_t)ulen;

	return inet_fold(inet_sum16(udp, ulen, sum));
}

static enum udp4_verdict
ip_check(const uint8_t *ip, size_t avail, size_t *hl, size_t *tot)
{
	uint16_t frag;

	if (avail < 20 || ip[0] >> 4 != 4)
		return UDP4_BAD_IP;
	*hl = (size_t)(ip[0] & 0xf) * 4;
	*tot = (size_t)(ip[2] << 8 | ip[3]);
	if (*hl < 20 || *hl > avail || *tot < *hl || *tot > avail)
		return UDP4_BAD_IP;
	if (inet_fold(inet_sum16(ip, *hl, 0)) != 0xffff)
		return UDP4_BAD_IP;
	frag = (uint16_t)(ip[6] << 8 | ip[7]);
	if (frag & (IP_MF | IP_OFFSET))
		return UDP4_FRAGMENT;
	return ip[9] == PROTO_UDP ? UDP4_OK : UDP4_NOT_UDP;
}

enum udp4_verdict
udp4_parse(const uint8_t *frame, size_t len, struct udp4 *u)
{
	struct rd r = rd_init(frame, len), pkt, udp;
	uint16_t type, ulen, cksum;
	const uint8_t *ip;
	size_t hl = 0, tot = 0;
	enum udp4_verdict v;

	if (!rd_skip(&r, 12) || !rd_u16(&r, &type) || type != ETHERTYPE_IPV4)
		return UDP4_NOT_UDP;
	ip = r.p;
	v = ip_check(ip, r.left, &hl, &tot);
	if (v != UDP4_OK)
		return v;
	/* the IP packet: what follows it in the frame is padding */
	if (!rd_sub(&r, tot, &pkt) || !rd_skip(&pkt, hl))
		return UDP4_BAD_IP;
	udp = pkt;
	if (!rd_u16(&pkt, &u->sport) || !rd_u16(&pkt, &u->dport) || !rd_u16(&pkt, &ulen) ||
	    !rd_u16(&pkt, &cksum))
		return UDP4_BAD_UDP;
	/* the UDP length covers its header and fits the IP payload (RFC 768) */
	if (ulen < 8 || ulen > udp.left)
		return UDP4_BAD_UDP;
	if (cksum != 0 && udp_sum(ip, udp.p, ulen) != 0xffff)
		return UDP4_BAD_CKSUM;
	memcpy(&u->src, ip + 12, 4);
	memcpy(&u->dst, ip + 16, 4);
	u->payload = pkt.p;
	u->len = (size_t)ulen - 8;
	return UDP4_OK;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
udp4_build(uint8_t *buf, size_t cap, const struct udp4_out *o, const void *prefix,
	   size_t prefix_len, const void *data, size_t len)
{
	size_t plen = prefix_len + len, ulen = 8 + plen, tot = 20 + ulen;
	uint8_t *ip = buf + UDP4_ETH_LEN, *udp = ip + 20;
	uint16_t sum;

	if (plen < prefix_len || tot > 65535 || UDP4_ETH_LEN + tot > cap)
		return 0;
	memcpy(buf, o->dmac, 6);
	memcpy(buf + 6, o->smac, 6);
	put16(buf + 12, ETHERTYPE_IPV4);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, o->ip_id);
	/* flags and fragment offset 0: DF clear, so a router may fragment a large IKE message */
	ip[8] = TTL;
	ip[9] = PROTO_UDP;
	memcpy(ip + 12, &o->src, 4);
	memcpy(ip + 16, &o->dst, 4);
	put16(ip + 10, (uint16_t)~inet_fold(inet_sum16(ip, 20, 0)));

	put16(udp, o->sport);
	put16(udp + 2, o->dport);
	put16(udp + 4, (uint16_t)ulen);
	put16(udp + 6, 0);
	if (prefix_len > 0)
		memcpy(udp + 8, prefix, prefix_len);
	if (len > 0)
		memcpy(udp + 8 + prefix_len, data, len);
	sum = udp_sum(ip, udp, ulen);
	/* its complement; but 0 means "no checksum" (RFC 768): then 0xffff, the other zero */
	put16(udp + 6, sum == 0xffff ? 0xffff : (uint16_t)~sum);
	return UDP4_ETH_LEN + tot;
}
