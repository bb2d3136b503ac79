/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The solicited-node multicast group of an IPv6 address (RFC 4291 section
 * 2.7.1): where a Neighbor Solicitation for it is sent. The workers punt
 * ICMPv6 to it; the control thread answers (src/ctrl/nd6.h).
 */
#ifndef DPSEC_ND6_GROUP_H
#define DPSEC_ND6_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ff02::1:ffXX:XXXX, XX:XXXX the address's low 24 bits */
static inline bool
nd6_is_solicited_node(const uint8_t dst[16], const uint8_t addr[16])
{
	static const uint8_t head[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	return memcmp(dst, head, sizeof(head)) == 0 && memcmp(dst + 13, addr + 13, 3) == 0;
}

#endif
