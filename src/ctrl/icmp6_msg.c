/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dpsec/inet_sum.h"
#include "dpsec/rd.h"

#include "icmp6_msg.h"

#define NH_HOPOPT 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_ICMPV6 58
#define NH_DSTOPTS 60
#define ICMP6_REDIRECT 137
#define ICMP6_INFO_MIN 128	/* types below are errors (section 2.1) */

static bool
is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool
is_unspecified_or_loopback(const uint8_t a[16])
{
	static const uint8_t zero[15];

	return memcmp(a, zero, sizeof(zero)) == 0 && (a[15] == 0 || a[15] == 1);
}

/*
 * The upper-layer protocol of the packet at r (after the fixed header, nh its
 * Next Header): extension headers skipped with their lengths checked. A
 * fragment other than the first has no upper-layer header: *upper is then
 * the fragment header's next header and *later true. False: cut short.
 */
static bool
upper_layer(struct rd *r, uint8_t nh, uint8_t *upper, bool *later)
{
	*later = false;
	for (int hops = 0; hops < 16; hops++) {
		uint8_t next, hlen;
		uint16_t off;

		switch (nh) {
		case NH_HOPOPT:
		case NH_ROUTING:
		case NH_DSTOPTS:
			if (!rd_u8(r, &next) || !rd_u8(r, &hlen) || !rd_skip(r, 6 + 8u * hlen))
				return false;
			nh = next;
			break;
		case NH_FRAGMENT:
			if (!rd_u8(r, &next) || !rd_skip(r, 1) || !rd_u16(r, &off) || !rd_skip(r, 4))
				return false;
			nh = next;
			if ((off & 0xfff8) != 0) {
				*later = true;
				*upper = nh;
				return true;
			}
			break;
		default:
			*upper = nh;
			return true;
		}
	}
	return false;	/* a chain that long is not walked further */
}

bool
icmp6_err_answerable(const uint8_t *pkt, size_t len, uint8_t type)
{
	struct rd r = rd_init(pkt, len);
	uint8_t vtf, nh, upper, itype;
	bool later;

	if (len < ICMP6_IP6_HDR || !rd_u8(&r, &vtf) || (vtf >> 4) != 6)
		return false;
	/* e.6: the source must be one node's */
	if (is_multicast(pkt + 8) || is_unspecified_or_loopback(pkt + 8))
		return false;
	/* e.3: not to a group, but that a sender must learn a group's path MTU */
	if (is_multicast(pkt + 24) && type != ICMP6_PACKET_TOO_BIG && type != ICMP6_PARAM_PROB)
		return false;
	nh = pkt[6];
	r = rd_init(pkt + ICMP6_IP6_HDR, len - ICMP6_IP6_HDR);
	if (!upper_layer(&r, nh, &upper, &later))
		return false;
	if (upper != NH_ICMPV6 || later)
		return true;
	/* e.1, e.2: an ICMPv6 error or redirect is never answered */
	return rd_u8(&r, &itype) && itype >= ICMP6_INFO_MIN && itype != ICMP6_REDIRECT;
}

uint16_t
icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	return (uint16_t)~inet_fold(inet_sum16(icmp, len, inet6_pseudo_sum(ip6, len, NH_ICMPV6)));
}

size_t
icmp6_err_build(uint8_t *out, size_t cap, const uint8_t src[16], uint8_t type, uint8_t code,
		uint32_t param, const uint8_t *pkt, size_t len)
{
	size_t quote = len, tot, plen;
	uint8_t *icmp = out + ICMP6_IP6_HDR;
	uint16_t ck;

	if (len < ICMP6_IP6_HDR)
		return 0;
	if (quote > ICMP6_MIN_MTU - ICMP6_IP6_HDR - ICMP6_HDR)
		quote = ICMP6_MIN_MTU - ICMP6_IP6_HDR - ICMP6_HDR;
	plen = ICMP6_HDR + quote;
	tot = ICMP6_IP6_HDR + plen;
	if (cap < tot)
		return 0;
	memset(out, 0, ICMP6_IP6_HDR + ICMP6_HDR);
	out[0] = 0x60;	/* version 6, traffic class and flow label 0 */
	out[4] = (uint8_t)(plen >> 8);
	out[5] = (uint8_t)plen;
	out[6] = NH_ICMPV6;
	out[7] = ICMP6_ERR_HOP_LIMIT;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, pkt + 8, 16);	/* back to the invoking packet's source */
	icmp[0] = type;
	icmp[1] = code;
	icmp[4] = (uint8_t)(param >> 24);
	icmp[5] = (uint8_t)(param >> 16);
	icmp[6] = (uint8_t)(param >> 8);
	icmp[7] = (uint8_t)param;
	memcpy(icmp + ICMP6_HDR, pkt, quote);
	ck = icmp6_cksum(out, icmp, plen);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	return tot;
}
