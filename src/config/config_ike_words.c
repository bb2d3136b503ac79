/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOS words of "crypto ikev2 proposal" (encryption, integrity, prf) and
 * the IANA IKEv2 transform IDs they stand for (RFC 7296 section 3.3.2, RFC
 * 4868 for the SHA-2 HMACs, RFC 5282 for AES-GCM in IKEv2). The parser reads
 * words with these tables and config_write writes them back with them, so the
 * two cannot disagree. Kept apart from the parser because config_write is also
 * compiled alone into the CLI's fuzz target.
 */
#include <stddef.h>

#include "../ike/ike_const.h"
#include "config_priv.h"

/* AES-GCM with a 16-octet ICV, the only GCM IOS offers for IKEv2. */
const struct cfg_ike_word cfg_ike_encr_words[] = {
	{"aes-cbc-128", IKE_ENCR_AES_CBC, 128},
	{"aes-cbc-256", IKE_ENCR_AES_CBC, 256},
	{"aes-gcm-128", IKE_ENCR_AES_GCM_16, 128},
	{"aes-gcm-256", IKE_ENCR_AES_GCM_16, 256},
	{NULL, 0, 0},
};

/* sha1 is HMAC-SHA1-96; the SHA-2 HMACs are truncated to half their output (RFC 4868). */
const struct cfg_ike_word cfg_ike_integ_words[] = {
	{"sha1", IKE_INTEG_HMAC_SHA1_96, 0},
	{"sha256", IKE_INTEG_HMAC_SHA2_256_128, 0},
	{"sha384", IKE_INTEG_HMAC_SHA2_384_192, 0},
	{"sha512", IKE_INTEG_HMAC_SHA2_512_256, 0},
	{NULL, 0, 0},
};

const struct cfg_ike_word cfg_ike_prf_words[] = {
	{"sha1", IKE_PRF_HMAC_SHA1, 0},
	{"sha256", IKE_PRF_HMAC_SHA2_256, 0},
	{"sha384", IKE_PRF_HMAC_SHA2_384, 0},
	{"sha512", IKE_PRF_HMAC_SHA2_512, 0},
	{NULL, 0, 0},
};

const char *
cfg_ike_word_of(const struct cfg_ike_word *tbl, uint16_t id, uint16_t bits)
{
	for (; tbl->word != NULL; tbl++)
		if (tbl->id == id && tbl->bits == bits)
			return tbl->word;
	return NULL;
}
