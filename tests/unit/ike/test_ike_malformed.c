/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed input: every row is a message that differs from a valid one in
 * one way, and asserts the exact error code and the payload it names. The
 * rules come from RFC 7296 sections 2.5, 3.1-3.14 and RFC 7383 section 2.5.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike_build.h"
#include "ike_hexmsg.h"
#include "ike_msg.h"
#include "vectors/strongswan_vectors.h"

struct row {
	const char *name;
	uint8_t first;		/* the header's Next Payload */
	const char *chain;	/* hex tokens, see ike_hexmsg.h */
	int want;		/* enum ike_err */
	uint8_t want_pl;	/* m.err.payload on failure */
};

/* A valid SA: one IKE proposal, one transform ENCR_AES_GCM_16 with Key Length 128. */
#define TF_GCM "000c 01 00 0014 800e 0080"
#define T4 "07 00 0010 0000 ffff c6336400 c63364ff"

static const struct row rows[] = {
	/* the chain (sections 2.5, 3.2) */
	{"empty chain", 0, "", IKE_OK, 0},
	{"next names N, nothing follows", 41, "", IKE_E_CHAIN_TRUNCATED, 41},
	{"3 bytes where a generic header belongs", 41, "00 00 00", IKE_E_CHAIN_TRUNCATED, 41},
	{"length 0", 41, "00 00 0000 00 00 4004", IKE_E_PAYLOAD_LENGTH, 41},
	{"length 3", 41, "00 00 0003 00 00 4004", IKE_E_PAYLOAD_LENGTH, 41},
	{"length 4, N needs 8", 41, "00 00 0004", IKE_E_BODY_SHORT, 41},
	{"length one more than there is", 41, "00 00 0009 00 00 4004", IKE_E_PAYLOAD_LENGTH, 41},
	{"length one less", 41, "00 00 0007 00 00 4004", IKE_E_BODY_SHORT, 41},
	{"KE one short leaves a byte", 34, "00 00 000b 0013 0000 01020304", IKE_E_TRAILING, 0},
	{"length 0xffff", 41, "00 00 ffff 00 00 4004", IKE_E_PAYLOAD_LENGTH, 41},
	{"second payload over by one", 41, "29 00 0008 00 00 4004 00 00 0009 00 00 4004",
	 IKE_E_PAYLOAD_LENGTH, 41},
	{"bytes after the last payload", 41, "00 00 0008 00 00 4004 aabbcc", IKE_E_TRAILING, 0},
	{"a byte and no payload", 0, "00", IKE_E_TRAILING, 0},

	/* the critical bit (section 2.5) */
	{"unknown, not critical: skipped", 60, "29 00 0008 01020304 00 00 0008 00 00 4004",
	 IKE_OK, 0},
	{"unknown and critical", 60, "29 80 0008 01020304 00 00 0008 00 00 4004", IKE_E_CRITICAL,
	 60},
	{"unknown type 200, critical", 200, "00 80 0004", IKE_E_CRITICAL, 200},
	{"unknown critical after a valid one", 41, "3c 00 0008 00 00 4004 00 80 0004",
	 IKE_E_CRITICAL, 60},
	{"critical bit on a known type is ignored", 41, "00 80 0008 00 00 4004", IKE_OK, 0},
	{"reserved bits on a known type are ignored", 41, "00 7f 0008 00 00 4004", IKE_OK, 0},
	{"GSPM (49) is unknown to us: critical", 49, "00 80 0004", IKE_E_CRITICAL, 49},
	{"unknown, length 3: bounds before criticality", 60, "00 00 0003", IKE_E_PAYLOAD_LENGTH,
	 60},

	/* SK and SKF (section 3.14, RFC 7383 section 2.5) */
	{"SK last", 46, "23 00 0010 z12", IKE_OK, 0},
	{"N then SK", 41, "2e 00 0008 00 00 4004 23 00 0008 z4", IKE_OK, 0},
	{"SK followed by a payload", 46, "29 00 0008 z4 00 00 0008 00 00 4004",
	 IKE_E_SK_NOT_LAST, 46},
	{"SK followed by one byte", 46, "23 00 0008 z4 00", IKE_E_SK_NOT_LAST, 46},
	{"SK length over by one", 46, "23 00 0011 z12", IKE_E_PAYLOAD_LENGTH, 46},
	{"SKF 1 of 2", 53, "23 00 000c 0001 0002 aabbccdd", IKE_OK, 0},
	{"SKF fragment 0", 53, "23 00 000c 0000 0002 aabbccdd", IKE_E_FRAGMENT, 53},
	{"SKF fragment 3 of 2", 53, "23 00 000c 0003 0002 aabbccdd", IKE_E_FRAGMENT, 53},
	{"SKF total 0", 53, "23 00 000c 0001 0000 aabbccdd", IKE_E_FRAGMENT, 53},
	{"SKF 3 bytes of fragment fields", 53, "23 00 0007 000100", IKE_E_BODY_SHORT, 53},
	{"SKF followed by a byte", 53, "23 00 000c 0001 0001 aabbccdd 00", IKE_E_SK_NOT_LAST, 53},

	/* SA (section 3.3) */
	{"SA", 33, "00 00 0018 00 00 0014 01 01 00 01 00 00 " TF_GCM, IKE_OK, 0},
	{"SA without proposals", 33, "00 00 0004", IKE_E_PROPOSAL, 33},
	{"SA with 7 bytes of proposal", 33, "00 00 000b 00 00 0007 01 01 00", IKE_E_PROPOSAL, 33},
	{"proposal length 7", 33, "00 00 000c 00 00 0007 01 01 00 00", IKE_E_PROPOSAL, 33},
	{"proposal length over by one", 33, "00 00 0018 00 00 0015 01 01 00 01 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"proposal length under by one", 33, "00 00 0018 00 00 0013 01 01 00 01 00 00 " TF_GCM,
	 IKE_E_TRANSFORM, 33},
	{"proposal last-substructure 1", 33, "00 00 0018 01 00 0014 01 01 00 01 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"proposal marked more, none follows", 33,
	 "00 00 0018 02 00 0014 01 01 00 01 00 00 " TF_GCM, IKE_E_PROPOSAL, 33},
	{"proposal marked last, another follows", 33,
	 "00 00 002c 00 00 0014 01 01 00 01 00 00 " TF_GCM " 00 00 0014 02 01 00 01 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"two proposals", 33,
	 "00 00 002c 02 00 0014 01 01 00 01 00 00 " TF_GCM " 00 00 0014 02 01 00 01 00 00 " TF_GCM,
	 IKE_OK, 0},
	{"proposals numbered 1, 3", 33,
	 "00 00 002c 02 00 0014 01 01 00 01 00 00 " TF_GCM " 00 00 0014 03 01 00 01 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"a lone proposal numbered 3 (a reply)", 33,
	 "00 00 0018 00 00 0014 03 01 00 01 00 00 " TF_GCM, IKE_OK, 0},
	{"proposal number 0", 33, "00 00 0018 00 00 0014 00 01 00 01 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"proposal protocol 0", 33, "00 00 0018 00 00 0014 01 00 00 01 00 00 " TF_GCM,
	 IKE_E_PROTOCOL, 33},
	{"IKE proposal with SPI size 4", 33,
	 "00 00 001c 00 00 0018 01 01 04 01 11223344 00 00 " TF_GCM, IKE_E_SPI_SIZE, 33},
	{"IKE proposal with SPI size 8 (rekey)", 33,
	 "00 00 0020 00 00 001c 01 01 08 01 z8 00 00 " TF_GCM, IKE_OK, 0},
	{"ESP proposal with SPI size 4", 33,
	 "00 00 001c 00 00 0018 01 03 04 01 11223344 00 00 " TF_GCM, IKE_OK, 0},
	{"ESP proposal with SPI size 0", 33, "00 00 0018 00 00 0014 01 03 00 01 00 00 " TF_GCM,
	 IKE_E_SPI_SIZE, 33},
	{"unknown protocol 9, SPI size 9", 33, "00 00 0015 00 00 0011 01 09 09 00 z9",
	 IKE_E_SPI_SIZE, 33},
	{"unknown protocol 9, SPI size 2", 33, "00 00 000e 00 00 000a 01 09 02 00 abcd", IKE_OK,
	 0},
	{"SPI beyond the proposal", 33, "00 00 000c 00 00 0008 01 03 04 00", IKE_E_PROPOSAL, 33},
	{"33 transforms", 33, "00 00 000c 00 00 0008 01 01 00 21", IKE_E_TOO_MANY, 33},
	{"2 transforms declared, 1 present", 33,
	 "00 00 0018 00 00 0014 01 01 00 02 03 00 " TF_GCM, IKE_E_TRANSFORM, 33},
	{"2 transforms declared, first marked last", 33,
	 "00 00 0020 00 00 001c 01 01 00 02 00 00 " TF_GCM " 00 00 0008 03 00 000c",
	 IKE_E_TRANSFORM, 33},
	{"1 transform declared, 2 present", 33,
	 "00 00 0020 00 00 001c 01 01 00 01 00 00 0008 03 00 000c 00 00 " TF_GCM,
	 IKE_E_PROPOSAL, 33},
	{"transform length 7", 33, "00 00 0018 00 00 0014 01 01 00 01 00 00 0007 01 00 0014 800e 0080",
	 IKE_E_TRANSFORM, 33},
	{"transform length over by one", 33,
	 "00 00 0018 00 00 0014 01 01 00 01 00 00 000d 01 00 0014 800e 0080", IKE_E_TRANSFORM, 33},
	{"last transform marked more", 33, "00 00 0018 00 00 0014 01 01 00 01 03 00 " TF_GCM,
	 IKE_E_TRANSFORM, 33},
	{"attribute cut to 2 bytes", 33,
	 "00 00 0016 00 00 0012 01 01 00 01 00 00 000a 01 00 0014 800e", IKE_E_TRANSFORM, 33},
	{"TLV attribute longer than the transform", 33,
	 "00 00 0018 00 00 0014 01 01 00 01 00 00 000c 01 00 0014 0001 0005", IKE_E_TRANSFORM, 33},
	{"unknown TV attribute: transform unusable", 33,
	 "00 00 0018 00 00 0014 01 01 00 01 00 00 000c 01 00 0014 800f 0001", IKE_OK, 0},
	{"Key Length as TLV: unusable", 33,
	 "00 00 001a 00 00 0016 01 01 00 01 00 00 000e 01 00 0014 000e 0002 0080", IKE_OK, 0},

	/* fixed parts, Nonce, ID (sections 3.4-3.9) */
	{"KE 3-byte body", 34, "00 00 0007 0013 00", IKE_E_BODY_SHORT, 34},
	{"KE without data", 34, "00 00 0008 0013 0000", IKE_OK, 0},
	{"Nonce 15 bytes", 40, "00 00 0013 z15", IKE_E_NONCE_LENGTH, 40},
	{"Nonce 16 bytes", 40, "00 00 0014 z16", IKE_OK, 0},
	{"Nonce 256 bytes", 40, "00 00 0104 z256", IKE_OK, 0},
	{"Nonce 257 bytes", 40, "00 00 0105 z257", IKE_E_NONCE_LENGTH, 40},
	{"Nonce empty", 40, "00 00 0004", IKE_E_NONCE_LENGTH, 40},
	{"IDi 3-byte body", 35, "00 00 0007 02 0000", IKE_E_BODY_SHORT, 35},
	{"IDi IPv4 of 5 bytes", 35, "00 00 000d 01 000000 c0000201 00", IKE_E_ID_LENGTH, 35},
	{"IDi IPv4", 35, "00 00 000c 01 000000 c0000201", IKE_OK, 0},
	{"IDr IPv6 of 4 bytes", 36, "00 00 000c 05 000000 c0000201", IKE_E_ID_LENGTH, 36},
	{"IDr IPv6", 36, "00 00 0018 05 000000 20010db8 z12", IKE_OK, 0},
	{"AUTH 3-byte body", 39, "00 00 0007 02 0000", IKE_E_BODY_SHORT, 39},
	{"CERT without encoding", 37, "00 00 0004", IKE_E_BODY_SHORT, 37},
	{"CERTREQ encoding only", 38, "00 00 0005 04", IKE_OK, 0},
	{"CP 3-byte body", 47, "00 00 0007 01 0000", IKE_E_BODY_SHORT, 47},
	{"EAP 3-byte body", 48, "00 00 0007 01 01 00", IKE_E_BODY_SHORT, 48},
	{"V empty", 43, "00 00 0004", IKE_OK, 0},

	/* Notify (section 3.10) */
	{"N with SPI size 3", 41, "00 00 000b 03 03 000b 112233", IKE_E_SPI_SIZE, 41},
	{"N with SPI size 8, 4 bytes left", 41, "00 00 000c 01 08 4009 11223344",
	 IKE_E_SPI_SIZE, 41},
	{"N INVALID_SPI-like with SPI size 4", 41, "00 00 000c 03 04 000b 11223344", IKE_OK, 0},

	/* Delete (section 3.11) */
	{"D IKE", 42, "00 00 0008 01 00 0000", IKE_OK, 0},
	{"D IKE with SPI size 4", 42, "00 00 000c 01 04 0001 11223344", IKE_E_SPI_SIZE, 42},
	{"D IKE with 1 SPI", 42, "00 00 0008 01 00 0001", IKE_E_COUNT, 42},
	{"D IKE with a stray byte", 42, "00 00 0009 01 00 0000 00", IKE_E_COUNT, 42},
	{"D ESP with SPI size 0", 42, "00 00 0008 03 00 0000", IKE_E_SPI_SIZE, 42},
	{"D ESP with SPI size 8", 42, "00 00 0010 03 08 0001 z8", IKE_E_SPI_SIZE, 42},
	{"D ESP count 2, one SPI", 42, "00 00 000c 03 04 0002 11223344", IKE_E_COUNT, 42},
	{"D ESP count 1, two SPIs", 42, "00 00 0010 03 04 0001 11223344 55667788", IKE_E_COUNT,
	 42},
	{"D ESP count 1, 3 bytes", 42, "00 00 000b 03 04 0001 112233", IKE_E_COUNT, 42},
	{"D AH", 42, "00 00 000c 02 04 0001 11223344", IKE_OK, 0},
	{"D protocol 0", 42, "00 00 0008 00 00 0000", IKE_E_PROTOCOL, 42},
	{"D protocol 4", 42, "00 00 000c 04 04 0001 11223344", IKE_E_PROTOCOL, 42},
	{"D 3-byte body", 42, "00 00 0007 03 04 00", IKE_E_BODY_SHORT, 42},

	/* Traffic selectors (sections 3.13, 3.13.1) */
	{"TSi IPv4", 44, "00 00 0018 01 000000 " T4, IKE_OK, 0},
	{"TSi count 0", 44, "00 00 0008 00 000000", IKE_E_COUNT, 44},
	{"TSr count 0", 45, "00 00 0008 00 000000", IKE_E_COUNT, 45},
	{"TSi count 17", 44, "00 00 0008 11 000000", IKE_E_TOO_MANY, 44},
	{"IPv4 selector length 15", 44, "00 00 0018 01 000000 07 00 000f 0000 ffff c6336400 c63364ff",
	 IKE_E_TS_LENGTH, 44},
	{"IPv4 selector length 17", 44,
	 "00 00 0019 01 000000 07 00 0011 0000 ffff c6336400 c63364ff 00", IKE_E_TS_LENGTH, 44},
	{"IPv6 selector length 16", 44, "00 00 0018 01 000000 08 00 0010 0000 ffff c6336400 c63364ff",
	 IKE_E_TS_LENGTH, 44},
	{"TSr IPv6", 45,
	 "00 00 0030 01 000000 08 00 0028 0000 ffff 20010db8 z12 20010db8 00000000 ffffffff ffffffff",
	 IKE_OK, 0},
	{"IPv6 selector cut to 32 bytes", 44,
	 "00 00 0028 01 000000 08 00 0028 0000 ffff 20010db8 z12 20010db8 z8", IKE_E_TS_LENGTH, 44},
	{"count 2, one selector", 44, "00 00 0018 02 000000 " T4, IKE_E_TS_LENGTH, 44},
	{"count 1, 4 bytes more", 44, "00 00 001c 01 000000 " T4 " aabbccdd", IKE_E_COUNT, 44},
	{"unknown selector type 9 skipped", 44, "00 00 0020 02 000000 09 00 0008 aabbccdd " T4,
	 IKE_OK, 0},
	{"unknown selector type, length 3", 44, "00 00 000c 01 000000 09 00 0003", IKE_E_TS_LENGTH,
	 44},
	{"unknown selector type, length over", 44, "00 00 000c 01 000000 09 00 0010",
	 IKE_E_TS_LENGTH, 44},
	{"TSi 3-byte body", 44, "00 00 0007 01 0000", IKE_E_BODY_SHORT, 44},

	/* duplicates (a few here, every singleton in test_duplicates) */
	{"two Nonce", 40, "28 00 0014 z16 00 00 0014 z16", IKE_E_DUPLICATE, 40},
	{"two N", 41, "29 00 0008 00 00 4004 00 00 0008 00 00 4005", IKE_OK, 0},
	{"two V", 43, "2b 00 0005 01 00 00 0005 02", IKE_OK, 0},
	{"two D", 42, "2a 00 0008 01 00 0000 00 00 000c 03 04 0001 11223344", IKE_OK, 0},
};

static void
test_rows(void **state)
{
	static uint8_t buf[2048];
	static struct ike_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		size_t len = hexmsg_msg(r->first, r->chain, buf, sizeof(buf));
		int rc;

		if (len < IKE_HDR_LEN)
			fail_msg("row \"%s\": bad hex", r->name);
		rc = ike_parse(buf, len, &m);
		if (rc != -r->want || (r->want != IKE_OK && m.err.payload != r->want_pl))
			fail_msg("row \"%s\": got %s (payload %u: %s), want %s (payload %u)",
				 r->name, ike_err_name(rc), m.err.payload, m.err.detail,
				 ike_err_name(r->want), r->want_pl);
		if (r->want != IKE_OK)
			assert_true(strlen(m.err.detail) > 0);
	}
}

static int
parse_hex(uint8_t first, const char *hex, struct ike_msg *m)
{
	static uint8_t buf[2048];
	size_t len = hexmsg_msg(first, hex, buf, sizeof(buf));

	assert_true(len >= IKE_HDR_LEN);
	return ike_parse(buf, len, m);
}

/* The details an operator reads in a debug log carry the numbers. */
static void
test_details(void **state)
{
	static struct ike_msg m;

	(void)state;
	assert_int_equal(parse_hex(41, "00 00 0003 00 00 4004", &m), -IKE_E_PAYLOAD_LENGTH);
	assert_string_equal(m.err.detail, "payload 41 (N) length 3 < 4");
	assert_int_equal(parse_hex(33, "00 00 0050 z48", &m), -IKE_E_PAYLOAD_LENGTH);
	assert_string_equal(m.err.detail, "payload 33 (SA) declared 80 > 52 remaining");
	assert_int_equal(parse_hex(60, "00 80 0004", &m), -IKE_E_CRITICAL);
	assert_string_equal(m.err.detail, "payload 60 (?) unknown and critical (0 bytes)");
	assert_int_equal(ike_err_notify(-IKE_E_CRITICAL), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(parse_hex(40, "00 00 0013 z15", &m), -IKE_E_NONCE_LENGTH);
	assert_string_equal(m.err.detail, "payload 40 (Nx) nonce 15 bytes, not 16..256");
	assert_int_equal(parse_hex(42, "00 00 000c 03 04 0002 11223344", &m), -IKE_E_COUNT);
	assert_string_equal(m.err.detail, "payload 42 (D) protocol 3 with 2 SPIs in 4 bytes");
	assert_int_equal(parse_hex(41, "00 00 0008 00 00 4004 aabbcc", &m), -IKE_E_TRAILING);
	assert_string_equal(m.err.detail, "3 bytes after the last payload");
	assert_string_equal(ike_err_name(-IKE_E_SK_NOT_LAST), "SK_NOT_LAST");
	assert_string_equal(ike_err_name(IKE_ERR_NUM), "?");
	assert_string_equal(ike_err_text(-IKE_E_MAJOR_VERSION), "major version is not 2");
	assert_int_equal(ike_err_notify(-IKE_E_MAJOR_VERSION), IKE_N_INVALID_MAJOR_VERSION);
	assert_int_equal(ike_err_notify(-IKE_E_DUPLICATE), IKE_N_INVALID_SYNTAX);
}

/* Flags the tolerated oddities leave behind. */
static void
test_tolerated(void **state)
{
	static struct ike_msg m;

	(void)state;
	assert_int_equal(parse_hex(33, "00 00 0018 00 00 0014 01 01 00 01 00 00 000c 01 00 0014 800f 0001",
				   &m), 0);
	assert_true(m.sa.prop[0].tf[0].unusable);
	assert_int_equal(m.sa.prop[0].tf[0].key_len, 0);
	assert_int_equal(parse_hex(33, "00 00 001c 00 00 0018 01 01 00 01 00 00 0010 01 00 0014 "
				   "800e 0080 800e 0100", &m), 0);
	assert_true(m.sa.prop[0].tf[0].unusable);	/* two Key Lengths: which one? */
	assert_int_equal(parse_hex(33, "00 00 0018 00 00 0014 01 01 00 01 00 00 000c 01 00 0014 800e 0000",
				   &m), 0);
	assert_true(m.sa.prop[0].tf[0].unusable);	/* Key Length 0 */
	assert_int_equal(parse_hex(33, "00 00 0018 00 00 0014 01 01 00 01 00 00 " TF_GCM, &m), 0);
	assert_false(m.sa.prop[0].tf[0].unusable);
	assert_int_equal(m.sa.prop[0].tf[0].key_len, 128);

	assert_int_equal(parse_hex(44, "00 00 0020 02 000000 09 00 0008 aabbccdd " T4, &m), 0);
	assert_int_equal(m.tsi.n, 1);
	assert_int_equal(m.tsi.n_unknown, 1);
	assert_int_equal(m.tsi.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);

	/* an unknown payload names another unknown one, and nothing follows */
	assert_int_equal(parse_hex(60, "3d 00 0008 01020304", &m), -IKE_E_CHAIN_TRUNCATED);
	assert_int_equal(m.err.payload, 61);
	assert_int_equal(parse_hex(60, "29 00 0008 01020304 00 00 0008 00 00 4004", &m), 0);
	assert_int_equal(m.n_unknown, 1);
	assert_int_equal(m.n_notifies, 1);
	assert_false(ike_has(&m, 60));
}

/* Every payload that may appear once, twice (section 3: one SA, one KE, ...). */
static void
test_duplicates(void **state)
{
	static const struct {
		uint8_t type;
		const char *body;	/* a valid body */
	} once[] = {
		{33, "00 00 0014 01 01 00 01 00 00 " TF_GCM},
		{34, "0013 0000 01020304"},
		{35, "02 000000 61626364"},
		{36, "02 000000 61626364"},
		{39, "02 000000 01020304"},
		{40, "z16"},
		{44, "01 000000 " T4},
		{45, "01 000000 " T4},
		{47, "01 000000"},
		{48, "01 01 0004"},
	};
	static struct ike_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		uint8_t body[64];
		size_t n = hexmsg_chain(once[i].body, body, sizeof(body));
		char hex[512];
		int k = 0;

		/* generic header, body, generic header, body */
		for (int copy = 0; copy < 2; copy++) {
			k += snprintf(hex + k, sizeof(hex) - (size_t)k, "%02x 00 %04zx",
				      copy == 0 ? once[i].type : 0, n + 4);
			for (size_t b = 0; b < n; b++)
				k += snprintf(hex + k, sizeof(hex) - (size_t)k, " %02x", body[b]);
			k += snprintf(hex + k, sizeof(hex) - (size_t)k, " ");
		}
		assert_int_equal(parse_hex(once[i].type, hex, &m), -IKE_E_DUPLICATE);
		assert_int_equal(m.err.payload, once[i].type);
	}
}

/* The header (section 3.1): length, major version (2.5), minor version ignored. */
static void
test_header(void **state)
{
	static uint8_t buf[64];
	static struct ike_msg m;
	struct ike_hdr h;
	size_t len = hexmsg_msg(41, "00 00 0008 00 00 4004", buf, sizeof(buf));

	(void)state;
	assert_int_equal(len, 36);
	for (size_t n = 0; n < IKE_HDR_LEN; n++) {
		assert_int_equal(ike_parse(buf, n, &m), -IKE_E_TRUNCATED);
		assert_int_equal(ike_parse_hdr(buf, n, &h), -IKE_E_TRUNCATED);
	}
	assert_int_equal(ike_parse_hdr(buf, len, &h), 0);
	assert_int_equal(h.spi_i, 0x0102030405060708ULL);
	assert_int_equal(h.next, 41);
	assert_int_equal(h.length, 36);

	buf[27] = 37;	/* length field one more than the datagram */
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_LENGTH);
	assert_string_equal(m.err.detail, "length field 37 != datagram 36");
	buf[27] = 35;	/* one less */
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_LENGTH);
	buf[27] = 27;	/* shorter than a header */
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_LENGTH);
	buf[26] = 1;	/* 256 + 36 */
	buf[27] = 36;
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_LENGTH);
	buf[26] = 0;
	assert_int_equal(ike_parse(buf, len, &m), 0);

	buf[17] = 0x30;
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_MAJOR_VERSION);
	assert_int_equal(ike_parse_hdr(buf, len, &h), -IKE_E_MAJOR_VERSION);
	assert_int_equal(m.err.payload, 0);
	buf[17] = 0x10;
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_MAJOR_VERSION);
	buf[17] = 0x00;
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_MAJOR_VERSION);
	buf[17] = 0x2f;	/* minor 15: ignored */
	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(m.hdr.version, 0x2f);
	/* a major version 3 message with a wrong length is still a version error */
	buf[17] = 0x30;
	buf[27] = 99;
	assert_int_equal(ike_parse(buf, len, &m), -IKE_E_MAJOR_VERSION);
}

/*
 * strongSwan's IKE_SA_INIT request cut at every byte. With the length field
 * left alone every prefix is IKE_E_LENGTH; with the length field made to fit,
 * a cut inside a payload is PAYLOAD_LENGTH and a cut less than 4 bytes after
 * a payload boundary is CHAIN_TRUNCATED.
 */
static void
test_truncated_everywhere(void **state)
{
	/* where the payloads of sswan_init_req start: SA KE Nx N N N N N V, end */
	static const size_t starts[] = {28, 144, 216, 252, 280, 308, 316, 332, 340, 360};
	static uint8_t buf[sizeof(sswan_init_req)];
	static struct ike_msg m;
	size_t n_starts = sizeof(starts) / sizeof(starts[0]);

	(void)state;
	assert_int_equal(starts[n_starts - 1], sizeof(sswan_init_req));
	assert_int_equal(ike_parse(sswan_init_req, sizeof(sswan_init_req), &m), 0);
	for (size_t len = 0; len < sizeof(sswan_init_req); len++) {
		size_t p = 0;
		int want;

		memcpy(buf, sswan_init_req, sizeof(buf));
		if (len < IKE_HDR_LEN) {
			assert_int_equal(ike_parse(buf, len, &m), -IKE_E_TRUNCATED);
			continue;
		}
		assert_int_equal(ike_parse(buf, len, &m), -IKE_E_LENGTH);
		buf[24] = (uint8_t)(len >> 24);
		buf[25] = (uint8_t)(len >> 16);
		buf[26] = (uint8_t)(len >> 8);
		buf[27] = (uint8_t)len;
		while (p + 1 < n_starts && starts[p + 1] <= len)
			p++;
		want = len - starts[p] < 4 ? IKE_E_CHAIN_TRUNCATED : IKE_E_PAYLOAD_LENGTH;
		if (ike_parse(buf, len, &m) != -want)
			fail_msg("cut at %zu: %s, want %s", len, m.err.detail, ike_err_name(want));
	}
}

/* Fixed maxima: the last one that fits parses, one more is TOO_MANY, never truncated. */
static void
test_too_many(void **state)
{
	static uint8_t buf[16384];
	static struct ike_msg m;
	static const uint8_t spi[4] = {1, 2, 3, 4};
	struct ike_hdr h = {.version = IKE_VERSION, .exchange = IKE_INFORMATIONAL};
	const struct {
		uint8_t type;
		unsigned int max;
	} lists[] = {
		{IKE_PL_NOTIFY, IKE_MAX_NOTIFIES}, {IKE_PL_DELETE, IKE_MAX_DELETES},
		{IKE_PL_VENDOR, IKE_MAX_VENDORS},  {IKE_PL_CERT, IKE_MAX_CERTS},
		{IKE_PL_CERTREQ, IKE_MAX_CERTS},
	};

	(void)state;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (unsigned int extra = 0; extra < 2; extra++) {
			struct ike_wr w;
			int len;

			ike_wr_init(&w, buf, sizeof(buf));
			ike_wr_hdr(&w, &h);
			for (unsigned int i = 0; i < lists[l].max + extra; i++) {
				if (lists[l].type == IKE_PL_NOTIFY)
					ike_wr_notify(&w, &(struct ike_notify_pl){
								  .type = IKE_N_COOKIE,
								  .data = {spi, sizeof(spi)}});
				else if (lists[l].type == IKE_PL_DELETE)
					ike_wr_delete(&w, &(struct ike_delete){
								  .proto = IKE_PROTO_ESP, .spi_size = 4,
								  .n_spis = 1, .spis = {spi, 4}});
				else
					ike_wr_raw(&w, lists[l].type, spi, sizeof(spi));
			}
			len = ike_wr_finish(&w);
			assert_true(len > 0);
			assert_int_equal(ike_parse(buf, (size_t)len, &m),
					 extra ? -IKE_E_TOO_MANY : 0);
			if (extra)
				assert_int_equal(m.err.payload, lists[l].type);
		}
	}
}

/* 16 proposals parse, 17 do not; 32 transforms parse; 16 selectors parse. */
static void
test_too_many_sa_ts(void **state)
{
	static uint8_t buf[16384];
	static struct ike_msg m;
	static struct ike_proposal p[IKE_MAX_PROPOSALS];
	static struct ike_ts ts[IKE_MAX_TS];
	struct ike_hdr h = {.version = IKE_VERSION, .exchange = IKE_SA_INIT};
	struct ike_wr w;
	char hex[1024];
	int len, k;

	(void)state;
	for (unsigned int i = 0; i < IKE_MAX_PROPOSALS; i++) {
		p[i] = (struct ike_proposal){.num = (uint8_t)(i + 1), .proto = IKE_PROTO_IKE,
					     .n_transforms = IKE_MAX_TRANSFORMS};
		for (unsigned int t = 0; t < IKE_MAX_TRANSFORMS; t++)
			p[i].tf[t] = (struct ike_transform){.type = IKE_TF_DH, .id = (uint16_t)t};
	}
	for (unsigned int i = 0; i < IKE_MAX_TS; i++)
		ts[i] = (struct ike_ts){.type = IKE_TS_IPV4_ADDR_RANGE, .end_port = 65535};
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, p, IKE_MAX_PROPOSALS);
	ike_wr_ts(&w, IKE_PL_TSI, ts, IKE_MAX_TS);
	len = ike_wr_finish(&w);
	assert_true(len > 0);
	assert_int_equal(ike_parse(buf, (size_t)len, &m), 0);
	assert_int_equal(m.sa.n_proposals, IKE_MAX_PROPOSALS);
	assert_int_equal(m.sa.prop[15].n_transforms, IKE_MAX_TRANSFORMS);
	assert_int_equal(m.sa.prop[15].tf[31].id, 31);
	assert_int_equal(m.tsi.n, IKE_MAX_TS);

	/* 17 empty proposals by hand: the writer refuses to make them */
	k = snprintf(hex, sizeof(hex), "00 00 %04x", 4 + 17 * 8);
	for (unsigned int i = 1; i <= 17; i++)
		k += snprintf(hex + k, sizeof(hex) - (size_t)k, " %02x 00 0008 %02x 01 00 00",
			      i == 17 ? 0 : 2, i);
	assert_int_equal(parse_hex(33, hex, &m), -IKE_E_TOO_MANY);
	assert_string_equal(m.err.detail, "payload 33 (SA) more than 16 proposals");
}

/* The decrypted body: the same rules, plus no SK inside and duplicates across the two chains. */
static void
test_inner(void **state)
{
	static uint8_t buf[512], plain[512];
	static struct ike_msg m;
	size_t len = hexmsg_msg(40, "2e 00 0014 z16 28 00 0008 z4", buf, sizeof(buf));
	size_t n;

	(void)state;
	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(m.sk.first, IKE_PL_NONCE);
	assert_int_equal(m.sk.off, 48);
	n = hexmsg_chain("00 00 0014 z16", plain, sizeof(plain));
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NONCE, plain, n), -IKE_E_DUPLICATE);
	assert_string_equal(m.err.detail, "payload 40 (Nx) seen twice (outside and inside SK)");

	len = hexmsg_msg(46, "29 00 0008 z4", buf, sizeof(buf));
	assert_int_equal(ike_parse(buf, len, &m), 0);
	n = hexmsg_chain("2e 00 0008 00 00 4004 00 00 0008 z4", plain, sizeof(plain));
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NOTIFY, plain, n), -IKE_E_SK_NESTED);
	assert_int_equal(m.err.payload, IKE_PL_SK);
	n = hexmsg_chain("00 00 000c 0001 0001 z4", plain, sizeof(plain));
	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(ike_parse_inner(&m, IKE_PL_SKF, plain, n), -IKE_E_SK_NESTED);

	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NONE, plain, 0), 0);	/* empty: a DPD */
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NONE, plain, 1), -IKE_E_TRAILING);
	n = hexmsg_chain("00 80 0004", plain, sizeof(plain));
	assert_int_equal(ike_parse_inner(&m, 60, plain, n), -IKE_E_CRITICAL);
	assert_int_equal(m.err.payload, 60);
	n = hexmsg_chain("00 00 0008 00 00 4004", plain, sizeof(plain));
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NOTIFY, plain, n - 1), -IKE_E_PAYLOAD_LENGTH);
	assert_int_equal(ike_parse(buf, len, &m), 0);
	assert_int_equal(ike_parse_inner(&m, IKE_PL_NOTIFY, plain, n), 0);
	assert_true(ike_has(&m, IKE_PL_NOTIFY));
	assert_true(m.present_inner & 1ULL << IKE_PL_NOTIFY);
	assert_false(m.present_inner & 1ULL << IKE_PL_SK);
	assert_true(ike_has(&m, IKE_PL_SK));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_too_many_sa_ts),
		cmocka_unit_test(test_inner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
