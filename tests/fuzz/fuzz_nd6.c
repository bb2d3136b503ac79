/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for nd6_answer (src/ctrl/nd6.c), which reads the IPv6
 * neighbor solicitations and ICMPv6 echo requests punted to the control
 * thread: any bytes as the Ethernet frame, for 2001:db8:0:1::2. What it
 * answers is an NS for that address (an NA of ND6_NA_LEN bytes carrying it
 * as the target) or an echo request to it (a reply as long as the request).
 * The same bytes go through what the gateway learns its neighbors from:
 * nd6_parse_na (a Neighbor Advertisement, section 7.1.2's checks) and
 * nd6_ns_sender (a solicitation's sender and link-layer address).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ours[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 2};
static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x02};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	enum nd6_kind k = nd6_kind_of(data, size);
	size_t n = nd6_answer(data, size, ours, mac, out, sizeof(out));
	struct nd6_na na;
	uint8_t src[16], lla[6];

	/* an NA accepted has a unicast target and, sent to a group, S clear */
	if (nd6_parse_na(data, size, &na) &&
	    (k != ND6_NA || na.target[0] == 0xff || (data[38] == 0xff && na.solicited)))
		abort();
	/* a sender learned from an NS is a unicast address, from an NS we answer */
	if (nd6_ns_sender(data, size, ours, src, lla) && (k != ND6_NS || src[0] == 0xff || n == 0))
		abort();
	if (n == 0)
		return 0;
	if (k == ND6_NS) {
		/* an NA (136) about our address, from it */
		if (n != ND6_NA_LEN || out[54] != 136 || memcmp(out + 62, ours, 16) != 0 ||
		    memcmp(out + 22, ours, 16) != 0)
			abort();
	} else if (k == ND6_ECHO) {
		if (n != 14 + 40 + (size_t)(data[18] << 8 | data[19]) || out[54] != 129)
			abort();
	} else {
		abort();	/* nothing else is answered */
	}
	return 0;
}
