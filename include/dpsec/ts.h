/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_TS_H
#define DPSEC_TS_H

#include <stdint.h>

/*
 * A traffic selector as the workers enforce it (RFC 7296 section 3.13.1): an IPv4
 * address range, an IP protocol (0 = any) and a port range, all inclusive, host
 * order. A port range other than 0-65535 matches only TCP/UDP first fragments.
 * Installed with an SA (dp.h) and shown with it (view.h, show crypto ipsec sa).
 */
struct dp_ts {
	uint32_t addr_start, addr_end;
	uint16_t port_start, port_end;
	uint8_t proto;
};

/*
 * The same for IPv6 (TS_IPV6_ADDR_RANGE): addresses big-endian, as on the
 * wire, compared with memcmp; ports host order.
 */
struct dp_ts6 {
	uint8_t addr_start[16], addr_end[16];
	uint16_t port_start, port_end;
	uint8_t proto;
};

#define DP_TS_MAX 16	/* selectors per side (IKE's TSi/TSr payload limit) */

#endif
