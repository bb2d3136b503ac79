/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_PUNT_IKE_H
#define DPSEC_PUNT_IKE_H

/*
 * What became of IKE datagrams (UDP 500, or 4500 with the non-ESP marker,
 * RFC 3948 2.2) punted to the control thread, and of those it sent:
 * X(name, "description"). Each punted one is in exactly one of the first
 * ten; delivered is the IKE row's answered, the rest its unhandled.
 */
#define PUNT_IKE_COUNTERS(X)                                                                       \
	X(delivered, "handed to IKE")                                                              \
	X(no_ike, "well formed, but no IKE in this daemon")                                        \
	X(not_ours, "not to the address of the interface it came in on")                           \
	X(bad_ip, "IP header, length or checksum wrong")                                           \
	X(bad_udp, "UDP header or length wrong")                                                   \
	X(bad_cksum, "UDP checksum wrong")                                                         \
	X(no_marker, "UDP 4500 without the non-ESP marker")                                        \
	X(empty, "no IKE message after the headers")                                               \
	X(keepalive, "NAT keepalive (RFC 3948 2.3): nothing to do with it")                        \
	X(fragment, "an IPv4 fragment of UDP to us, taken for reassembly")                                  \
	X(ext_hdr, "IPv6 to us with extension headers: not walked (IKE needs none)")               \
	X(sent, "datagrams sent (ctrl_udp_send)")                                                  \
	X(send_failed, "datagrams not sent: no interface, MAC or buffer, too big, ring full")

enum punt_ike_ctr {
#define PUNT_X(name, text) PUNT_IKE_##name,
	PUNT_IKE_COUNTERS(PUNT_X)
#undef PUNT_X
	PUNT_IKE__COUNT
};

#endif
