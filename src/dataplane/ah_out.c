/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound AH, tunnel mode, IPv4 (RFC 4302 section 3.3): esp_out.c selects
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

void
ah_out_fill(const struct sa_rt *sa, struct rte_ipv4_hdr *oip, uint32_t outer_len,
	    struct ah_out_save *save, struct cmb_op *op, uint8_t *tag)
{
	uint8_t *ah = (uint8_t *)(oip + 1);

	/* the template has no options: the four mutable fields are all (section 3.3.3.1.1.1) */
	*save = (struct ah_out_save){.tos = oip->type_of_service,
				     .ttl = oip->time_to_live,
				     .frag = oip->fragment_offset};
	oip->type_of_service = 0;
	oip->time_to_live = 0;
	oip->fragment_offset = 0;
	oip->hdr_checksum = 0;
	/* a bundle's AH carries the ESP packet (RFC 4301 section 4.5); alone, IPv4 in IPv4 */
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
	memcpy((uint8_t *)(oip + 1) + AH_FIXED, tag, sa->icv_len);
	oip->type_of_service = save->tos;
	oip->time_to_live = save->ttl;
	oip->fragment_offset = save->frag;
	ip4_cksum_set20(oip);
}
