/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for udp4_parse (src/ctrl/udp4.c), the check every IKE
 * datagram punted to the control thread passes before IKE sees it: any bytes
 * as an Ethernet frame. What it accepts must lie inside the frame, and a
 * datagram built from what it read must parse again to the same fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "udp4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[UDP4_HDR_LEN + 65536];
	struct udp4 u, again;
	struct udp4_out o = {.ip_id = 1};
	size_t n;

	if (udp4_parse(data, size, &u) != UDP4_OK)
		return 0;
	if (u.payload < data + UDP4_HDR_LEN || u.payload + u.len > data + size)
		abort();
	o.src = u.src;
	o.dst = u.dst;
	o.sport = u.sport;
	o.dport = u.dport;
	n = udp4_build(buf, sizeof(buf), &o, NULL, 0, u.payload, u.len);
	if (n == 0 || udp4_parse(buf, n, &again) != UDP4_OK || again.src != u.src ||
	    again.dst != u.dst || again.sport != u.sport || again.dport != u.dport ||
	    again.len != u.len || memcmp(again.payload, u.payload, u.len) != 0)
		abort();
	return 0;
}
