/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gateway's own IPv6 address (an interface's address6), answered like
 * ARP and ping are for IPv4: a Neighbor Solicitation for it gets a Neighbor
 * Advertisement (RFC 4861 sections 7.1.1 and 7.2.4), an ICMPv6 Echo Request
 * to it an Echo Reply (RFC 4443 section 4.2). Everything is checked before
 * it is read; a message that fails a check RFC 4861 names is not answered
 * (the caller counts it as unhandled). Pure functions over a frame's bytes,
 * so that they are tested without DPDK.
 */
#ifndef DPSEC_ND6_H
#define DPSEC_ND6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a punted Ethernet frame is, as far as this module goes. */
enum nd6_kind {
	ND6_NONE,	/* not ICMPv6 in IPv6 without extension headers */
	ND6_NS,		/* ICMPv6 type 135 */
	ND6_NA,		/* ICMPv6 type 136 */
	ND6_ECHO,	/* ICMPv6 type 128 */
	ND6_OTHER,	/* any other ICMPv6 */
};

enum nd6_kind nd6_kind_of(const uint8_t *frame, size_t len);

/* The smallest reply buffer nd6_answer needs: the request's length or an NA, whichever is larger. */
#define ND6_NA_LEN (14 + 40 + 24 + 8)

/*
 * The reply to frame (an NS for addr6, or an echo request to addr6) written
 * to out, from mac and addr6; its length, or 0 if there is nothing to
 * answer (not ours, malformed, or out_cap too small).
 */
size_t nd6_answer(const uint8_t *frame, size_t len, const uint8_t addr6[16], const uint8_t mac[6],
		  uint8_t *out, size_t out_cap);

/* A Neighbor Advertisement that passed section 7.1.2's checks. */
struct nd6_na {
	uint8_t target[16];
	uint8_t lla[6];		/* the target link-layer address option's, if has_lla */
	bool has_lla;
	bool router;		/* R, S, O flags (section 4.4) */
	bool solicited;
	bool override;
};

/*
 * Validates an NA as section 7.1.2 says (hop limit 255, checksum, code 0,
 * at least 24 bytes, target not multicast, S clear if sent to a group, every
 * option of non-zero length and within the message) and reads it into *na.
 * false: not an NA, or one to be silently discarded.
 */
bool nd6_parse_na(const uint8_t *frame, size_t len, struct nd6_na *na);

/*
 * An NS for addr6 that passes section 7.1.1's checks and carries a source
 * link-layer address (so its sender is not doing duplicate address
 * detection): true with the sender's address and link-layer address, what
 * section 7.2.3 has the receiver record. false otherwise.
 */
bool nd6_ns_sender(const uint8_t *frame, size_t len, const uint8_t addr6[16], uint8_t src[16],
		   uint8_t lla[6]);

/* The length of the frame nd6_build_ns writes. */
#define ND6_NS_LEN (14 + 40 + 24 + 8)

/*
 * Our Neighbor Solicitation for target (section 7.2.2): from mac and addr6
 * to target's solicited-node group (ff02::1:ffXX:XXXX, Ethernet
 * 33:33:ff:XX:XX:XX), hop limit 255, with our source link-layer address.
 * ND6_NS_LEN, or 0 if out_cap is too small.
 */
size_t nd6_build_ns(const uint8_t mac[6], const uint8_t addr6[16], const uint8_t target[16],
		    uint8_t *out, size_t out_cap);
/*
 * The same, to_mac non-NULL: a unicast probe of a DELAY/PROBE entry
 * (section 7.3.3), to target itself at to_mac; NULL: nd6_build_ns.
 */
size_t nd6_build_ns_to(const uint8_t mac[6], const uint8_t addr6[16], const uint8_t target[16],
		       const uint8_t *to_mac, uint8_t *out, size_t out_cap);

#endif
