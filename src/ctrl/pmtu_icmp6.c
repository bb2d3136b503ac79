/* SPDX-License-Identifier: BSD-3-Clause */
#include <netinet/in.h>
#include <string.h>

#include "dpsec/rd.h"

#include "icmp6_msg.h"
#include "pmtu_icmp6.h"

#define IP6_HDR 40

/* An IPv6 header at r: version 6, its payload length, next header, source, destination. */
static bool
ipv6_hdr(struct rd *r, uint16_t *plen, uint8_t *nh, uint8_t src[16], uint8_t dst[16])
{
	uint8_t vtf;

	return rd_u8(r, &vtf) && (vtf >> 4) == 6 && rd_skip(r, 3) && rd_u16(r, plen) &&
	       rd_u8(r, nh) && rd_skip(r, 1) && rd_bytes(r, src, 16) && rd_bytes(r, dst, 16);
}

bool
pmtu_icmp6_parse(const uint8_t *ip6, size_t len, const uint8_t our_addr6[16],
		 struct pmtu_icmp6 *out)
{
	struct rd r = rd_init(ip6, len);
	uint8_t src[16], dst[16], qsrc[16], nh, qnh, type, code;
	uint16_t plen, qplen;

	if (!ipv6_hdr(&r, &plen, &nh, src, dst) || nh != IPPROTO_ICMPV6 ||
	    memcmp(dst, our_addr6, 16) != 0 || plen > r.left || plen < ICMP6_HDR + IP6_HDR + 4)
		return false;
	/* the checksum over the message as it says it is long (RFC 4443 2.3) */
	if (icmp6_cksum(ip6, ip6 + IP6_HDR, plen) != 0)
		return false;
	r.left = plen;	/* Ethernet padding is not the message's */
	if (!rd_u8(&r, &type) || !rd_u8(&r, &code) || type != ICMP6_PACKET_TOO_BIG || code != 0 ||
	    !rd_skip(&r, 2) || !rd_u32(&r, &out->mtu))
		return false;
	/* the quoted header: ours, to the peer, ESP right behind it (we send no extension) */
	if (!ipv6_hdr(&r, &qplen, &qnh, qsrc, out->peer) || memcmp(qsrc, our_addr6, 16) != 0 ||
	    qnh != IPPROTO_ESP)
		return false;
	return rd_u32(&r, &out->spi) && out->spi != 0;
}
