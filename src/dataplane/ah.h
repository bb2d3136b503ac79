/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AH (RFC 4302), tunnel mode, IPv4 outer header: the header layout and the
 * ICV input both directions build. The ICV covers the outer IPv4 header with
 * its mutable fields zeroed (section 3.3.3.1.1), the AH header with its ICV
 * zeroed, the inner packet, and with ESN the high 32 bits of the sequence
 * number appended (section 3.3.3.2.1, as RFC 4303 section 2.2.1 does for ESP).
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
 * 32 bits, as IPv4 requires (RFC 4302 section 2.6). Every HMAC here has a
 * 32-bit multiple ICV (12, 16, 24, 32), so the padding is there for the rule.
 */
static inline uint32_t
ah_hdr_len(const struct sa_rt *sa)
{
	return (AH_FIXED + sa->icv_len + 3u) & ~3u;
}

/* The payload length field: the header in 32-bit words, minus 2 (section 2.2). */
static inline uint8_t
ah_len_field(const struct sa_rt *sa)
{
	return (uint8_t)(ah_hdr_len(sa) / 4 - 2);
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
 * packet are written: the caller made sure they are there.
 */
void ah_out_fill(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, uint32_t outer_len,
		 struct ah_out_save *save, struct cmb_op *op, uint8_t *tag);
/* After the HMAC: the ICV into the header, the mutable fields back, the checksum. */
void ah_out_finish(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, const struct ah_out_save *save,
		   const uint8_t *tag);

uint16_t ah_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason);

#endif
