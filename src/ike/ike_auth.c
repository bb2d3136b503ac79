/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pre-shared key authentication (RFC 7296 section 2.15):
 *
 *   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets> )
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)
 *   ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload)
 *
 * One computation serves both sides; struct ike_auth_in says whose octets they are.
 */
#include <openssl/crypto.h>

#include "ike_crypto_int.h"

/* 17 ASCII characters, no terminating NUL (section 2.15). */
static const char key_pad[] = "Key Pad for IKEv2";
#define KEY_PAD_LEN (sizeof(key_pad) - 1)

#define ID_BODY_MIN 4 /* ID Type and 3 reserved bytes (section 3.5) */

int
ike_auth_psk(enum ike_prf prf, const void *psk, size_t psk_len, const struct ike_auth_in *in,
	     uint8_t *out)
{
	uint8_t pad_key[IKE_PRF_MAX], maced_id[IKE_PRF_MAX];
	const struct ike_iov pad = {key_pad, KEY_PAD_LEN};
	const struct ike_iov id = {in->id, in->id_len};
	size_t p = ike_prf_len(prf);
	int rc;

	if (p == 0)
		return -ENOTSUP;
	if (psk_len == 0 || in->msg_len < IKE_HDR_LEN || in->nonce_len == 0 ||
	    in->id_len < ID_BODY_MIN || in->sk_p->len == 0)
		return -EINVAL;
	rc = ike_prf(prf, psk, psk_len, &pad, 1, pad_key);
	if (rc == 0)
		rc = ike_prf(prf, in->sk_p->b, in->sk_p->len, &id, 1, maced_id);
	if (rc == 0) {
		const struct ike_iov signed_octets[] = {
			{in->msg, in->msg_len},
			{in->nonce, in->nonce_len},
			{maced_id, p},
		};

		rc = ike_prf(prf, pad_key, p, signed_octets, 3, out);
	}
	mem_wipe(pad_key, sizeof(pad_key));
	mem_wipe(maced_id, sizeof(maced_id));
	return rc;
}

int
ike_auth_psk_verify(enum ike_prf prf, const void *psk, size_t psk_len, const struct ike_auth_in *in,
		    const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKE_PRF_MAX];
	int rc;

	rc = ike_auth_psk(prf, psk, psk_len, in, want);
	if (rc == 0 && (auth_len != ike_prf_len(prf) || CRYPTO_memcmp(want, auth, auth_len) != 0))
		rc = -EACCES;
	mem_wipe(want, sizeof(want));
	return rc;
}
