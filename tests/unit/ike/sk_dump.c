/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seals messages with the production path (ike_sk_seal: random CBC IVs, the GCM IV
 * counter) under every suite of ike_vectors.h, in both directions, and prints them for
 * open_c_sealed.py and tshark_check.py, which open them with their own code and keys:
 *
 *   <suite> <from initiator 0|1> <sk_off> <sk_hdr_len> <inner hex|-> <message hex>
 *
 * The inner chain is random bytes, or with the argument "delete" one Delete payload for
 * ESP SPI 0xc0de0000 + n, n counting the messages (something a dissector can show).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/hex.h"

#include "ike_crypto.h"
#include "ike_vectors.h"

#define PER_DIRECTION 24
#define NSUITES	      (sizeof(vec_suites) / sizeof(vec_suites[0]))

static int
key(struct secret *s, const char *hex)
{
	size_t len = 0;

	s->len = 0;
	if (hex[0] == '\0')
		return 0;
	if (!hex_decode(hex, s->b, sizeof(s->b), &len))
		return -1;
	s->len = (uint8_t)len;
	return 0;
}

static void
print_hex(const uint8_t *b, size_t len)
{
	if (len == 0)
		fputc('-', stdout);
	for (size_t i = 0; i < len; i++)
		printf("%02x", b[i]);
}

/* IKE header (SPIs of the suite's vector), maybe a Notify before SK, the SK/SKF header. */
static size_t
prefix(const struct vec_suite *v, bool from_i, size_t h, bool before, uint8_t *msg)
{
	size_t len = 0, off = IKE_HDR_LEN;

	memset(msg, 0, IKE_HDR_LEN + 12 + h);
	if (!hex_decode(v->spi_i, msg, 8, &len) || !hex_decode(v->spi_r, msg + 8, 8, &len))
		return 0;
	msg[16] = before ? IKE_PL_NOTIFY : h == IKE_SK_HDR_LEN ? IKE_PL_SK : IKE_PL_SKF;
	msg[17] = IKE_VERSION;
	msg[18] = IKE_INFORMATIONAL;
	msg[19] = from_i ? IKE_FLAG_INITIATOR : IKE_FLAG_RESPONSE;
	if (before) {
		msg[off] = h == IKE_SK_HDR_LEN ? IKE_PL_SK : IKE_PL_SKF;
		msg[off + 3] = 12;
		msg[off + 6] = 0x40; /* NAT_DETECTION_SOURCE_IP, no data: shape only */
		msg[off + 7] = 0x04;
		off += 12;
	}
	msg[off] = IKE_PL_DELETE;
	if (h == IKE_SKF_HDR_LEN) {
		msg[off + 5] = 1;
		msg[off + 7] = 1;
	}
	return off;
}

/* Delete (section 3.11): ESP, 4-byte SPIs, one of them. */
static size_t
delete_payload(uint8_t *p, uint32_t spi)
{
	static const uint8_t hdr[] = {IKE_PL_NONE, 0, 0, 12, IKE_PROTO_ESP, 4, 0, 1};

	memcpy(p, hdr, sizeof(hdr));
	p[8] = (uint8_t)(spi >> 24);
	p[9] = (uint8_t)(spi >> 16);
	p[10] = (uint8_t)(spi >> 8);
	p[11] = (uint8_t)spi;
	return 12;
}

int
main(int argc, char **argv)
{
	uint8_t msg[1024], inner[512], rnd[2];
	bool deletes = argc == 2 && strcmp(argv[1], "delete") == 0;
	uint32_t count = 0;

	for (size_t s = 0; s < NSUITES; s++) {
		const struct vec_suite *v = &vec_suites[s];
		struct ike_keys k;

		memset(&k, 0, sizeof(k));
		if (key(&k.ei, v->ei) || key(&k.er, v->er) || key(&k.ai, v->ai) ||
		    key(&k.ar, v->ar))
			return 1;
		for (int from_i = 1; from_i >= 0; from_i--) {
			struct ike_sk sk;

			if (ike_sk_init(&sk, &v->suite, &k, from_i) != 0)
				return 1;
			for (int n = 0; n < PER_DIRECTION; n++) {
				size_t h = n % 3 == 2 ? IKE_SKF_HDR_LEN : IKE_SK_HDR_LEN, len = 0;
				size_t off, il;

				if (ike_random(rnd, 2) != 0)
					return 1;
				il = n == 0 ? 0 : (size_t)(rnd[0] << 8 | rnd[1]) % 400;
				if (deletes)
					il = delete_payload(inner, 0xc0de0000u + count++);
				else if (ike_random(inner, il) != 0)
					return 1;
				off = prefix(v, from_i, h, n % 5 == 4, msg);
				if (off == 0 || ike_sk_seal(&sk, msg, sizeof(msg), off, h, inner,
							    il, &len) != 0)
					return 1;
				printf("%zu %d %zu %zu ", s, from_i, off, h);
				print_hex(inner, il);
				fputc(' ', stdout);
				print_hex(msg, len);
				fputc('\n', stdout);
			}
			ike_sk_wipe(&sk);
		}
		ike_keys_wipe(&k);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
