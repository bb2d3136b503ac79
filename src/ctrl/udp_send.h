/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP datagrams of the gateway's own (IKE on 500/4500, NAT keepalives):
 * built as Ethernet + IPv4 + UDP with both checksums (or Ethernet + IPv6 +
 * UDP with its checksum), and sent out of the interface that owns the
 * source address (address or address6), to the MAC of the destination (or
 * next hop) from the interface's static neighbors / neighbors6 /
 * next_hop_mac (IPv4: and the learned ARP table).
 */
#ifndef DPSEC_UDP_SEND_H
#define DPSEC_UDP_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/ike.h"

struct ctrl;

/*
 * One datagram whose payload is prefix (may be NULL/0: e.g. the 4-byte
 * non-ESP marker of RFC 3948 2.2) followed by data, over IPv4 or
 * IPv6 (local's family; both must be one). 0, or -EAFNOSUPPORT, -EADDRNOTAVAIL (no interface has local's address),
 * -EHOSTUNREACH (no MAC for remote), -EMSGSIZE (over the interface MTU),
 * -ENOBUFS. Counted in the punt statistics' IKE row either way.
 */
int ctrl_udp_send(struct ctrl *c, const struct ike_addr *local, const struct ike_addr *remote,
		  const void *prefix, size_t prefix_len, const void *data, size_t len);

#endif
