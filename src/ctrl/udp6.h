/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 UDP datagrams in Ethernet frames, as the control thread reads (IKE
 * punted to it) and writes them (ctrl_udp_send over IPv6): a bounded parser
 * that checks every length and the UDP checksum before anything is used, and
 * the builder of the same frame. Only a UDP header right behind the IPv6
 * header is taken: IKE needs no extension headers, and a datagram that has
 * them (a fragment among them) is counted, not walked. Plain C on bytes, no
 * DPDK, so the fuzzer runs it alone.
 */
#ifndef DPSEC_UDP6_H
#define DPSEC_UDP6_H

#include <stddef.h>
#include <stdint.h>

#define UDP6_ETH_LEN 14
#define UDP6_IP_LEN 40
#define UDP6_HDR_LEN (UDP6_ETH_LEN + UDP6_IP_LEN + 8)	/* Ethernet + IPv6 + UDP */
#define UDP6_HOP_LIMIT 64

/* X(ID, "description"): what udp6_parse makes of a frame. */
#define UDP6_VERDICTS(X)                                                                           \
	X(OK, "a whole IPv6 UDP datagram, checksum right")                                        \
	X(NOT_UDP, "not IPv6, or its next header is not UDP")                                      \
	X(EXT_HDR, "IPv6 with extension headers (a fragment header included): not walked")        \
	X(BAD_IP, "IPv6 header wrong: version or payload length")                                  \
	X(BAD_UDP, "UDP header missing or its length wrong")                                       \
	X(BAD_CKSUM, "UDP checksum wrong, or zero (mandatory over IPv6, RFC 8200 8.1)")

enum udp6_verdict {
#define UDP6_X(id, text) UDP6_##id,
	UDP6_VERDICTS(UDP6_X)
#undef UDP6_X
	UDP6__COUNT
};

struct udp6 {
	uint8_t src[16], dst[16];	/* network order */
	uint16_t sport, dport;		/* host order */
	const uint8_t *payload;		/* into the frame */
	size_t len;
};

/*
 * frame: len bytes from the Ethernet header on. On UDP6_OK, *u describes
 * the datagram; bytes after the IPv6 packet (Ethernet padding) are ignored.
 */
enum udp6_verdict udp6_parse(const uint8_t *frame, size_t len, struct udp6 *u);

struct udp6_out {
	uint8_t dmac[6], smac[6];
	uint8_t src[16], dst[16];
	uint16_t sport, dport;		/* host order */
};

/*
 * Ethernet + IPv6 (traffic class and flow label 0, hop limit 64, next header
 * UDP) + UDP (checksum, never 0) around prefix || data, into buf. Returns the
 * frame length, or 0 if it does not fit cap or one IPv6 packet.
 */
size_t udp6_build(uint8_t *buf, size_t cap, const struct udp6_out *o, const void *prefix,
		  size_t prefix_len, const void *data, size_t len);

#endif
