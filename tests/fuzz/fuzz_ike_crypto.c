/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the IKE crypto inputs a peer controls: the Encrypted payload
 * (ike_sk_open) and KE data (ike_dh_key_derive). The first byte selects what the rest is:
 *
 *   bits 0-2  suite (AES-CBC-128/SHA1-96, CBC-128/SHA2-256, CBC-256/SHA2-384,
 *             CBC-256/SHA2-512, GCM-128, GCM-256), or the DH group in mode 2
 *   bit 3     SK (4-byte header) or SKF (8)
 *   bits 4-5  mode: 0 open the bytes as a received message; 1 seal them as an inner chain,
 *             open that, and require the same bytes back, then require a flipped bit
 *             (second byte) to be refused; 2 the bytes are the peer's KE data
 *
 * Never a crash, a leak or UB; a seal/open round trip that differs aborts.
 * Seeds: tests/fuzz/corpus/ike_crypto/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSUITES 6
#define MSG_MAX 4096

static const struct ike_suite suites[NSUITES] = {
	{IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1, IKE_DH_MODP2048},
	{IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256},
	{IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP384},
	{IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512, IKE_DH_ECP521},
	{IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519},
	{IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_512, IKE_DH_MODP2048},
};

static const enum ike_dh groups[] = {
	IKE_DH_MODP2048, IKE_DH_ECP256, IKE_DH_ECP384, IKE_DH_ECP521, IKE_DH_CURVE25519,
};

static struct ike_sk tx[NSUITES], rx[NSUITES];
static struct ike_dh_key *dh[sizeof(groups) / sizeof(groups[0])];

static void
fill(struct secret *s, size_t len, uint8_t seed)
{
	s->len = (uint8_t)len;
	for (size_t i = 0; i < len; i++)
		s->b[i] = (uint8_t)(seed + i * 13);
}

/* Fixed keys: the fuzzer explores framing, not key search. */
static void
init(void)
{
	for (size_t i = 0; i < NSUITES; i++) {
		const struct ike_suite *s = &suites[i];
		size_t e = ike_encr_key_len(s->encr, s->encr_bits), a = ike_integ_key_len(s->integ);
		struct ike_keys k;

		memset(&k, 0, sizeof(k));
		fill(&k.ei, e, 1);
		fill(&k.er, e, 2);
		fill(&k.ai, a, 3);
		fill(&k.ar, a, 4);
		if (ike_sk_init(&tx[i], s, &k, true) != 0 || ike_sk_init(&rx[i], s, &k, false) != 0)
			abort();
		ike_keys_wipe(&k);
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if ((dh[i] = ike_dh_key_new(groups[i])) == NULL)
			abort();
}

static void
open_received(size_t s, size_t h, const uint8_t *data, size_t size)
{
	static uint8_t msg[MSG_MAX];
	uint8_t *inner;
	size_t il;

	if (size > sizeof(msg))
		return;
	memcpy(msg, data, size);
	if (ike_sk_open(&rx[s], msg, size, IKE_HDR_LEN, h, &inner, &il) == 0 &&
	    (inner < msg || inner + il > msg + size))
		abort();
}

static void
round_trip(size_t s, size_t h, const uint8_t *data, size_t size)
{
	static uint8_t msg[MSG_MAX];
	size_t len, il, flip;
	uint8_t *inner;

	if (size < 1 || size > 1024)
		return;
	flip = data[0];
	memset(msg, 0, IKE_HDR_LEN + h);
	msg[IKE_HDR_LEN] = IKE_PL_DELETE;
	if (ike_sk_seal(&tx[s], msg, sizeof(msg), IKE_HDR_LEN, h, data + 1, size - 1, &len) != 0)
		abort();
	if (ike_sk_open(&rx[s], msg, len, IKE_HDR_LEN, h, &inner, &il) != 0 || il != size - 1 ||
	    memcmp(inner, data + 1, il) != 0)
		abort();
	if (ike_sk_seal(&tx[s], msg, sizeof(msg), IKE_HDR_LEN, h, data + 1, size - 1, &len) != 0)
		abort();
	msg[flip * 7 % len] ^= (uint8_t)(1u << (flip % 8));
	if (ike_sk_open(&rx[s], msg, len, IKE_HDR_LEN, h, &inner, &il) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct ike_dh_shared out;
	size_t s, h;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	s = (size_t)(data[0] & 7) % NSUITES;
	h = data[0] & 8 ? IKE_SKF_HDR_LEN : IKE_SK_HDR_LEN;
	switch ((data[0] >> 4) & 3) {
	case 0:
		open_received(s, h, data + 1, size - 1);
		break;
	case 1:
		round_trip(s, h, data + 1, size - 1);
		break;
	default:
		s = (size_t)(data[0] & 7) % (sizeof(groups) / sizeof(groups[0]));
		if (ike_dh_key_derive(dh[s], data + 1, size - 1, &out) == 0 &&
		    out.len != ike_dh_shared_len(groups[s]))
			abort();
		ike_dh_shared_wipe(&out);
		break;
	}
	return 0;
}
