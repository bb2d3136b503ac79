/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AH (RFC 4302), tunnel mode, IPv4 or IPv6 outer header: the header layout
 * and the ICV input both directions build. The ICV covers the outer header
 * with its mutable fields zeroed (IPv4: section 3.3.3.1.1; IPv6: section
 * 3.3.3.1.2, traffic class, flow label and hop limit; no extension headers
 * are sent, and received ones are not walked: classify keeps only AH right
 * behind the IPv6 header), the AH header with its ICV zeroed, the inner
 * packet, and with ESN the high 32 bits of the sequence number appended
 * (section 3.3.3.2.1, as RFC 4303 section 2.2.1 does for ESP).
 */
#ifndef DPSEC_AH_H
#define DPSEC_AH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

#include "dataplane.h"
#include "sa.h"

/* Next header, payload length, reserved, SPI, sequence number; then the ICV. */
#define AH_FIXED 12

/*
 * AH header bytes for an SA: the ICV padded so the header is a multiple of
 * 32 bits over IPv4, 64 bits over IPv6 (RFC 4302 section 2.6). Every HMAC
 * here has a 32-bit multiple ICV (12, 16, 24, 32): over IPv4 the padding is
 * there for the rule; over IPv6 all but HMAC-SHA1-96 take 4 bytes of it.
 */
static inline uint32_t
ah_hdr_len(const struct sa_rt *sa)
{
	uint32_t align = sa->flags & SA_F_V6 ? 7u : 3u;

	return (AH_FIXED + sa->icv_len + align) & ~align;
}

/* The payload length field: the header in 32-bit words, minus 2 (section 2.2). */
static inline uint8_t
ah_len_field(const struct sa_rt *sa)
{
	return (uint8_t)(ah_hdr_len(sa) / 4 - 2);
}

/*
 * IPv6 (section 3.3.3.1.2.1): traffic class, flow label and hop limit
 * zeroed; version, payload length, next header and the addresses hashed.
 */
static inline void
ah_zero_mutable6(struct rte_ipv6_hdr *ip6)
{
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->hop_limits = 0;
}

/*
 * Zero what may change in transit (section 3.3.3.1.1.1): TOS, flags and
 * fragment offset, TTL, header checksum; options that are not immutable are
 * zeroed whole (section 3.3.3.1.1.2, appendix A.1). false: an option's
 * length runs past the header or is below 2 (then nothing is hashed).
 * The destination, "mutable but predictable" under source routing, is used
 * as it stands: the gateway is the packet's final destination (classify
 * keeps only packets addressed to it), where it holds the predicted value.
 */
bool ah_zero_mutable(struct rte_ipv4_hdr *ip);

/* The outer header's mutable fields, set aside while the ICV is computed. */
struct ah_out_save {
	uint8_t tos, ttl;
	rte_be16_t frag;
};

/*
 * Outbound, after the outer IPv4 header (no options, outer_len bytes with
 * the AH header room and the inner packet) is written: the AH header, the
 * ICV input and the HMAC operation (into tag). With ESN, 4 bytes past the
 * packet are written: the caller made sure they are there. oip may be an
 * IPv6 header (its version says; no extension headers): the AH header
 * follows its 40 bytes, the traffic class and hop limit are what is saved
 * (the flow label we send is 0).
 */
void ah_out_fill(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, uint32_t outer_len,
		 struct ah_out_save *save, struct cmb_op *op, uint8_t *tag);
/* After the HMAC: the ICV into the header, the mutable fields back, the checksum. */
void ah_out_finish(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, const struct ah_out_save *save,
		   const uint8_t *tag);

uint16_t ah_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason);

#endif
