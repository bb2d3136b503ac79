/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ike_sample DIR: write messages built with the writer into DIR (one raw IKE
 * message per file) for tshark_check.py to dissect with tshark. Together
 * they hold every payload the writer has a helper for, SK and SKF.
 */
#include <stdio.h>
#include <string.h>

#include "ike_build.h"

static uint8_t buf[4096];

static int
save(const char *dir, const char *name, struct ike_wr *w)
{
	char path[512];
	int len = ike_wr_finish(w);
	FILE *f;

	if (len < 0) {
		fprintf(stderr, "ike_sample: %s: writer error %d\n", name, len);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return 1;
	}
	return fclose(f) != 0;
}

/* CREATE_CHILD_SA-like: HDR, N(REKEY_SA), SA, Ni, KEi, TSi, TSr, then the rest. */
static void
every(struct ike_wr *w)
{
	static const uint8_t spi[4] = {0xc0, 0xff, 0xee, 0x01}, data[24] = {1, 2, 3};
	static const uint8_t v6a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x10};
	static const struct ike_proposal p[2] = {
		{.num = 1, .proto = IKE_PROTO_ESP, .spi_size = 4, .spi = {0xc0, 0xff, 0xee, 0x02},
		 .n_transforms = 4,
		 .tf = {{IKE_TF_ENCR, IKE_ENCR_AES_CBC, 256, false},
			{IKE_TF_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, false},
			{IKE_TF_DH, IKE_DH_ECP384, 0, false},
			{IKE_TF_ESN, IKE_ESN_YES, 0, false}}},
		{.num = 2, .proto = IKE_PROTO_AH, .spi_size = 4, .spi = {0xc0, 0xff, 0xee, 0x03},
		 .n_transforms = 1, .tf = {{IKE_TF_INTEG, IKE_INTEG_HMAC_SHA1_96, 0, false}}},
	};
	struct ike_ts ts[2] = {
		{.type = IKE_TS_IPV4_ADDR_RANGE, .ip_proto = 6, .start_port = 443, .end_port = 443,
		 .start = {192, 0, 2, 10}, .end = {192, 0, 2, 20}},
		{.type = IKE_TS_IPV6_ADDR_RANGE, .ip_proto = 0, .start_port = 0, .end_port = 65535},
	};
	struct ike_hdr h = {.spi_i = 0xfedcba9876543210ULL, .spi_r = 0x0123456789abcdefULL,
			    .version = IKE_VERSION, .exchange = IKE_CREATE_CHILD_SA,
			    .flags = IKE_FLAG_INITIATOR, .msg_id = 7};

	memcpy(ts[1].start, v6a, 16);
	memcpy(ts[1].end, v6a, 16);
	ts[1].end[15] = 0xff;
	ike_wr_init(w, buf, sizeof(buf));
	ike_wr_hdr(w, &h);
	ike_wr_notify(w, &(struct ike_notify_pl){.proto = IKE_PROTO_ESP, .type = IKE_N_REKEY_SA,
						 .spi = {spi, 4}});
	ike_wr_sa(w, p, 2);
	ike_wr_nonce(w, data, 24);
	ike_wr_ke(w, IKE_DH_ECP384, data, 24);
	ike_wr_ts(w, IKE_PL_TSI, ts, 2);
	ike_wr_ts(w, IKE_PL_TSR, &ts[1], 1);
	ike_wr_id(w, IKE_PL_IDI, IKE_ID_IPV4_ADDR, ts[0].start, 4);
	ike_wr_id(w, IKE_PL_IDR, IKE_ID_RFC822_ADDR, (const uint8_t *)"peer@example.org", 16);
	ike_wr_auth(w, IKE_AUTH_SHARED_KEY_MIC, data, 20);
	ike_wr_vendor(w, data, 16);
	ike_wr_raw(w, IKE_PL_CERTREQ, (const uint8_t *)"\x04\x00\x11\x22", 4);
	ike_wr_raw(w, IKE_PL_CERT, (const uint8_t *)"\x04\x30\x03\x02\x01\x00", 6);
	ike_wr_raw(w, IKE_PL_CP, (const uint8_t *)"\x01\0\0\0\0\x01\0\0", 8);
	ike_wr_notify(w, &(struct ike_notify_pl){.type = IKE_N_USE_TRANSPORT_MODE});
}

/* The invalid-SPI recovery messages (RFC 7296 sections 1.4.1, 1.5, 3.11). */
static void
informational(struct ike_wr *w)
{
	static const uint8_t spis[8] = {0xc0, 0, 0, 1, 0xc0, 0, 0, 2}, spi[4] = {0xde, 0xad, 0, 1};
	struct ike_hdr h = {.spi_i = 1, .spi_r = 2, .version = IKE_VERSION,
			    .exchange = IKE_INFORMATIONAL, .flags = IKE_FLAG_RESPONSE, .msg_id = 3};

	ike_wr_init(w, buf, sizeof(buf));
	ike_wr_hdr(w, &h);
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_ESP, .spi_size = 4, .n_spis = 2,
					      .spis = {spis, 8}});
	ike_wr_delete(w, &(struct ike_delete){.proto = IKE_PROTO_IKE});
	ike_wr_notify(w, &(struct ike_notify_pl){.type = IKE_N_INVALID_SPI, .data = {spi, 4}});
	ike_wr_notify(w, &(struct ike_notify_pl){.type = IKE_N_INITIAL_CONTACT});
	ike_wr_raw(w, IKE_PL_EAP, (const uint8_t *)"\x03\x09\x00\x04", 4);
}

static void
encrypted(struct ike_wr *w, uint16_t frag_num, uint16_t frag_total)
{
	struct ike_hdr h = {.spi_i = 0x1111, .spi_r = 0x2222, .version = IKE_VERSION,
			    .exchange = IKE_AUTH, .flags = IKE_FLAG_INITIATOR, .msg_id = 1};
	size_t off;
	uint8_t *p;

	ike_wr_init(w, buf, sizeof(buf));
	ike_wr_hdr(w, &h);
	off = ike_wr_sk_begin(w, IKE_PL_IDI, frag_num, frag_total);
	p = ike_wr_reserve(w, 8 + 64 + 16);	/* IV | ciphertext | ICV */
	if (p != NULL)
		memset(p, 0x5a, 8 + 64 + 16);
	ike_wr_end(w, off);
}

int
main(int argc, char **argv)
{
	struct ike_wr w;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: ike_sample DIR\n");
		return 2;
	}
	every(&w);
	bad |= save(argv[1], "every", &w);
	informational(&w);
	bad |= save(argv[1], "informational", &w);
	encrypted(&w, 0, 0);
	bad |= save(argv[1], "sk", &w);
	encrypted(&w, 2, 3);
	bad |= save(argv[1], "skf", &w);
	return bad;
}
