/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RFC 7296 rules that both the parser and the writer enforce, in one
 * place, so that what the writer accepts is exactly what the parser accepts.
 * Module-private.
 */
#ifndef DPSEC_IKE_RULES_H
#define DPSEC_IKE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"

/* Section 3.3.1: IKE has no SPI in IKE_SA_INIT and 8 bytes when rekeyed; ESP and AH 4.
 * Unknown protocols (the selector refuses them) only have to fit the model. */
static inline bool
ike_rule_proposal_spi(uint8_t proto, uint8_t spi_size)
{
	switch (proto) {
	case IKE_PROTO_IKE:
		return spi_size == 0 || spi_size == 8;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return spi_size == 4;
	default:
		return spi_size <= IKE_MAX_PROPOSAL_SPI;
	}
}

/* Section 3.10: no SA (0), ESP/AH (4) or IKE (8). */
static inline bool
ike_rule_notify_spi(size_t spi_size)
{
	return spi_size == 0 || spi_size == 4 || spi_size == 8;
}

/*
 * Section 3.11: IKE is deleted with SPI size 0 and no SPIs (the header names
 * it), ESP and AH with 4-byte SPIs that fill the payload exactly. Returns 0
 * or the enum ike_err that names the broken rule.
 */
static inline int
ike_rule_delete(uint8_t proto, uint8_t spi_size, uint16_t n_spis, size_t spi_bytes)
{
	bool ike = proto == IKE_PROTO_IKE;

	if (!ike && proto != IKE_PROTO_ESP && proto != IKE_PROTO_AH)
		return IKE_E_PROTOCOL;
	if (spi_size != (ike ? 0 : 4))
		return IKE_E_SPI_SIZE;
	if (ike ? n_spis != 0 || spi_bytes != 0 : (size_t)n_spis * 4 != spi_bytes)
		return IKE_E_COUNT;
	return 0;
}

/* Section 3.5: the address identities have one size; 0 = any length. */
static inline size_t
ike_rule_id_len(uint8_t id_type)
{
	return id_type == IKE_ID_IPV4_ADDR ? 4 : id_type == IKE_ID_IPV6_ADDR ? 16 : 0;
}

/* Section 3.13.1: address size of a range selector type; 0 = a type we do not decode. */
static inline size_t
ike_rule_ts_addr_len(uint8_t ts_type)
{
	return ts_type == IKE_TS_IPV4_ADDR_RANGE ? 4 : ts_type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 0;
}

#endif
