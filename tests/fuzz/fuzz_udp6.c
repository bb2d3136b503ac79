/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for udp6_parse (src/ctrl/udp6.c), the check every IKE
 * datagram punted over IPv6 passes before IKE sees it: any bytes as an
 * Ethernet frame. What it accepts must lie inside the frame, and a datagram
 * built from what it read must parse again to the same fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "udp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[UDP6_HDR_LEN + 65536];
	struct udp6 u, again;
	struct udp6_out o = {0};
	size_t n;

	if (udp6_parse(data, size, &u) != UDP6_OK)
		return 0;
	if (u.payload < data + UDP6_HDR_LEN || u.payload + u.len > data + size)
		abort();
	memcpy(o.src, u.src, 16);
	memcpy(o.dst, u.dst, 16);
	o.sport = u.sport;
	o.dport = u.dport;
	n = udp6_build(buf, sizeof(buf), &o, NULL, 0, u.payload, u.len);
	if (n == 0 || udp6_parse(buf, n, &again) != UDP6_OK ||
	    memcmp(again.src, u.src, 16) != 0 || memcmp(again.dst, u.dst, 16) != 0 ||
	    again.sport != u.sport || again.dport != u.dport || again.len != u.len ||
	    memcmp(again.payload, u.payload, u.len) != 0)
		abort();
	return 0;
}
