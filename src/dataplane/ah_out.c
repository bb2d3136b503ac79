/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound AH, tunnel mode, IPv4 or IPv6 outer (RFC 4302 section 3.3): esp_out.c selects
 * the SA, checks sizes and builds the outer IPv4 header around the inner
 * packet with room for the AH header; here the AH header is written and the
 * ICV input prepared in place (mutable fields zeroed, saved aside; ESN high
 * bits past the end), and after the HMAC burst the header is made whole.
 */
#include <rte_ip.h>

#include "ah.h"
#include "esp.h"
#include "ip4_cksum.h"

#define NH_IPV4 4

static inline bool
outer_is_v6(const struct rte_ipv4_hdr *oip)
{
	return (oip->version_ihl >> 4) == 6;
}

/*
 * The outer header's mutable fields saved and zeroed (IPv4: section
 * 3.3.3.1.1.1, the template has no options; IPv6: section 3.3.3.1.2.1).
 * Returns where the AH header starts.
 */
static uint8_t *
zero_outer(struct rte_ipv4_hdr *oip, struct ah_out_save *save)
{
	if (unlikely(outer_is_v6(oip))) {
		struct rte_ipv6_hdr *o6 = (struct rte_ipv6_hdr *)oip;

		*save = (struct ah_out_save){
			.tos = (uint8_t)(rte_be_to_cpu_32(o6->vtc_flow) >> 20),
			.ttl = o6->hop_limits};
		ah_zero_mutable6(o6);
		return (uint8_t *)(o6 + 1);
	}
	*save = (struct ah_out_save){.tos = oip->type_of_service,
				     .ttl = oip->time_to_live,
				     .frag = oip->fragment_offset};
	oip->type_of_service = 0;
	oip->time_to_live = 0;
	oip->fragment_offset = 0;
	oip->hdr_checksum = 0;
	return (uint8_t *)(oip + 1);
}

void
ah_out_fill(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, uint32_t outer_len,
	    struct ah_out_save *save, struct cmb_op *op, uint8_t *tag)
{
	uint8_t *ah = zero_outer(oip, save);

	/* a bundle's AH carries the ESP packet (RFC 4301 section 4.5); alone, IPv4 inside */
	ah[0] = sa->flags & SA_F_AH_ESP ? IPPROTO_ESP : NH_IPV4;
	ah[1] = ah_len_field(sa);
	ah[2] = ah[3] = 0; /* reserved */
	memcpy(ah + 4, &sa->spi_be, 4);
	esp_put_be32(ah + 8, (uint32_t)sa->seq);
	memset(ah + AH_FIXED, 0, ah_hdr_len(sa) - AH_FIXED); /* ICV (and padding) zero */
	*op = (struct cmb_op){
		.buf = (uint8_t *)oip, .k = sa->keys, .hash_len = outer_len, .tag = tag};
	if (sa->flags & SA_F_ESN) {
		/* past the packet's end, in the tailroom the caller checked */
		esp_put_be32((uint8_t *)oip + outer_len, (uint32_t)(sa->seq >> 32));
		op->hash_len += 4;
	}
}

void
ah_out_finish(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, const struct ah_out_save *save,
	      const uint8_t *tag)
{
	if (unlikely(outer_is_v6(oip))) {
		struct rte_ipv6_hdr *o6 = (struct rte_ipv6_hdr *)oip;

		memcpy((uint8_t *)(o6 + 1) + AH_FIXED, tag, sa->icv_len);
		o6->vtc_flow = rte_cpu_to_be_32(0x60000000u | (uint32_t)save->tos << 20);
		o6->hop_limits = save->ttl;
		return;
	}
	memcpy((uint8_t *)(oip + 1) + AH_FIXED, tag, sa->icv_len);
	oip->type_of_service = save->tos;
	oip->time_to_live = save->ttl;
	oip->fragment_offset = save->frag;
	ip4_cksum_set20(oip);
}
