/* SPDX-License-Identifier: BSD-3-Clause */
/* TCP MSS clamping (tcp_mss.h): the option walk and the checksum update. */
#include <string.h>

#include "tcp_mss.h"

#define OPT_END 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_MSS_LEN 4
#define TCP_CKSUM_OFF 16

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), one's-complement arithmetic on
 * 16-bit words. A value at an odd offset from the header's start straddles
 * two checksum words; its bytes count swapped in the sum (RFC 1071 section
 * 2(B), byte order independence), so the old and new values are swapped.
 */
static void
cksum_replace(uint8_t *tcp, uint32_t off, uint16_t old, uint16_t new)
{
	uint32_t s;

	if (off & 1u) {
		old = swap16(old);
		new = swap16(new);
	}
	s = (uint16_t)~get_be16(tcp + TCP_CKSUM_OFF);
	s += (uint16_t)~old;
	s += new;
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	put_be16(tcp + TCP_CKSUM_OFF, (uint16_t)~s);
}

unsigned int
tcp_mss_clamp_opts(uint8_t *tcp, uint32_t hdr, uint16_t mss)
{
	unsigned int n = 0;
	uint32_t o = 20;

	while (o < hdr) {
		uint8_t kind = tcp[o];
		uint32_t olen;

		if (kind == OPT_END)
			break;
		if (kind == OPT_NOP) {
			o++;
			continue;
		}
		if (hdr - o < 2)
			break;	/* no room for the length byte */
		olen = tcp[o + 1];
		if (olen < 2 || olen > hdr - o)
			break;
		if (kind == OPT_MSS && olen == OPT_MSS_LEN) {
			uint16_t old = get_be16(tcp + o + 2);

			if (old > mss) {
				put_be16(tcp + o + 2, mss);
				cksum_replace(tcp, o + 2, old, mss);
				n++;
			}
		}
		o += olen;
	}
	return n;
}
