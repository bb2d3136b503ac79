/* SPDX-License-Identifier: BSD-3-Clause */
#include <netinet/in.h>
#include <string.h>

#include "dpsec/rd.h"

#include "pmtu_icmp.h"

#define ICMP_UNREACH 3
#define ICMP_NEEDFRAG 4
#define NATT_PORT 4500
#define IP_MF_OFFSET 0x3fff	/* MF and the offset: a fragment */

/* An IPv4 header at r: its protocol, source, destination; r left after it (options too). */
static bool
ipv4_hdr(struct rd *r, uint8_t *proto, uint32_t *src, uint32_t *dst, uint16_t *frag)
{
	uint8_t vhl, ttl;
	uint16_t tot, id, ck;

	if (!rd_u8(r, &vhl) || (vhl >> 4) != 4 || (vhl & 0xf) < 5 || !rd_skip(r, 1) ||
	    !rd_u16(r, &tot) || !rd_u16(r, &id) || !rd_u16(r, frag) || !rd_u8(r, &ttl) ||
	    !rd_u8(r, proto) || !rd_u16(r, &ck) || !rd_bytes(r, src, 4) || !rd_bytes(r, dst, 4))
		return false;
	return rd_skip(r, (size_t)((vhl & 0xf) - 5) * 4);
}

bool
pmtu_icmp_parse(const uint8_t *ip, size_t len, uint32_t our_addr, struct pmtu_icmp *out)
{
	struct rd r = rd_init(ip, len);
	uint32_t src, dst, qsrc;
	uint16_t frag, qfrag, sport;
	uint8_t proto, qproto, type, code;

	if (!ipv4_hdr(&r, &proto, &src, &dst, &frag) || proto != IPPROTO_ICMP ||
	    dst != our_addr || (frag & IP_MF_OFFSET) != 0)
		return false;
	/* type, code, checksum, unused, next-hop MTU (RFC 1191 section 4) */
	if (!rd_u8(&r, &type) || !rd_u8(&r, &code) || type != ICMP_UNREACH ||
	    code != ICMP_NEEDFRAG || !rd_skip(&r, 4) || !rd_u16(&r, &out->mtu))
		return false;
	/* the quoted header: ours, to the peer, not a later fragment (no SPI in it) */
	if (!ipv4_hdr(&r, &qproto, &qsrc, &out->peer, &qfrag) || qsrc != our_addr ||
	    (qfrag & 0x1fff) != 0)
		return false;
	switch (qproto) {
	case IPPROTO_ESP:
		out->proto = IPPROTO_ESP;
		return rd_u32(&r, &out->spi);
	case IPPROTO_AH:
		out->proto = IPPROTO_AH;
		return rd_skip(&r, 4) && rd_u32(&r, &out->spi);
	case IPPROTO_UDP:
		/* ESP-in-UDP (RFC 3948): our 4500 to the peer's, then the SPI (never 0) */
		out->proto = IPPROTO_ESP;
		return rd_u16(&r, &sport) && sport == NATT_PORT && rd_skip(&r, 6) &&
		       rd_u32(&r, &out->spi) && out->spi != 0;
	default:
		return false;
	}
}
