/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 UDP datagrams in Ethernet frames, as the control thread reads (IKE
 * punted to it) and writes them (ctrl_udp_send): a bounded parser that checks
 * every length and both checksums before anything is used, and the builder
 * of the same frame. Plain C on bytes, no DPDK, so the fuzzer runs it alone.
 */
#ifndef DPSEC_UDP4_H
#define DPSEC_UDP4_H

#include <stddef.h>
#include <stdint.h>

#define UDP4_ETH_LEN 14
#define UDP4_HDR_LEN (UDP4_ETH_LEN + 20 + 8)	/* Ethernet + IPv4 without options + UDP */

/* X(ID, "description"): what udp4_parse makes of a frame. */
#define UDP4_VERDICTS(X)                                                                           \
	X(OK, "a whole IPv4 UDP datagram, checksums right")                                       \
	X(NOT_UDP, "not IPv4, or not UDP")                                                         \
	X(FRAGMENT, "an IPv4 fragment (no reassembly)")                                            \
	X(BAD_IP, "IPv4 header wrong: version, header length, total length or checksum")          \
	X(BAD_UDP, "UDP header missing or its length wrong")                                       \
	X(BAD_CKSUM, "UDP checksum wrong")

enum udp4_verdict {
#define UDP4_X(id, text) UDP4_##id,
	UDP4_VERDICTS(UDP4_X)
#undef UDP4_X
	UDP4__COUNT
};

struct udp4 {
	uint32_t src, dst;		/* network order */
	uint16_t sport, dport;		/* host order */
	const uint8_t *payload;		/* into the frame */
	size_t len;
};

/*
 * frame: len bytes from the Ethernet header on. On UDP4_OK, *u describes
 * the datagram; bytes after the IP packet (Ethernet padding) are ignored.
 * A zero UDP checksum means none (RFC 768; allowed over IPv4).
 */
enum udp4_verdict udp4_parse(const uint8_t *frame, size_t len, struct udp4 *u);

struct udp4_out {
	uint8_t dmac[6], smac[6];
	uint32_t src, dst;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint16_t ip_id;			/* host order */
};

/*
 * Ethernet + IPv4 (no options, TTL 64, DF clear, header checksum) + UDP
 * (checksum) around prefix || data, into buf. Returns the frame length, or 0
 * if it does not fit cap or in one IPv4 packet.
 */
size_t udp4_build(uint8_t *buf, size_t cap, const struct udp4_out *o, const void *prefix,
		  size_t prefix_len, const void *data, size_t len);

#endif
