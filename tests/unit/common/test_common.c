/* SPDX-License-Identifier: BSD-3-Clause */
/* Address, hex, bounded-reader and table checks for src/common. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpsec/counters.h"
#include "dpsec/drops.h"
#include "dpsec/hex.h"
#include "dpsec/ip4.h"
#include "dpsec/ip6.h"
#include "dpsec/rd.h"
#include "dpsec/secret.h"
#include "dpsec/tbucket.h"
#include "dpsec/xform.h"

#include "vma.h"

static void
test_ip4_parse(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		uint32_t host;
	} cases[] = {
		{"192.0.2.1", true, 0xc0000201},
		{"0.0.0.0", true, 0},
		{"255.255.255.255", true, 0xffffffff},
		{"256.0.0.1", false, 0},
		{"1.2.3", false, 0},
		{"1.2.3.4.5", false, 0},
		{"01.2.3.4", false, 0},	/* leading zero: octal in inet_aton, refused here */
		{"1.2.3.4 ", false, 0},
		{"", false, 0},
		{"1..2.3", false, 0},
		{"1.2.3.1000", false, 0},
	};
	char buf[IP4_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t a = 0;

		assert_int_equal(ip4_parse(cases[i].s, &a), cases[i].ok);
		if (cases[i].ok) {
			assert_int_equal(__builtin_bswap32(a), cases[i].host);
			assert_string_equal(ip4_str(a, buf), cases[i].s);
		}
	}
}

static void
test_ip4_prefix(void **state)
{
	struct ip4_prefix p;
	bool host;
	uint32_t a;

	(void)state;
	assert_true(ip4_prefix_parse("10.0.0.0/24", &p, &host));
	assert_int_equal(p.len, 24);
	assert_true(ip4_parse("10.0.0.77", &a));
	assert_true(ip4_prefix_match(&p, a));
	assert_true(ip4_parse("10.0.1.1", &a));
	assert_false(ip4_prefix_match(&p, a));

	assert_true(ip4_prefix_parse("10.0.0.1", &p, &host));
	assert_int_equal(p.len, 32);
	assert_true(ip4_prefix_parse("0.0.0.0/0", &p, &host));
	assert_true(ip4_prefix_match(&p, a));

	assert_false(ip4_prefix_parse("10.0.0.1/24", &p, &host));
	assert_true(host);
	assert_false(ip4_prefix_parse("10.0.0.0/33", &p, &host));
	assert_false(host);
	assert_false(ip4_prefix_parse("10.0.0.0/", &p, &host));
	assert_false(ip4_prefix_parse("10.0.0.0/2x", &p, &host));
}

/* Parse, then print back in RFC 5952 form (section 4: lower case, longest zero run as "::"). */
static void
test_ip6_parse(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		const char *canon;
	} cases[] = {
		{"2001:db8::1", true, "2001:db8::1"},
		{"2001:DB8:0:0:0:0:0:1", true, "2001:db8::1"},
		{"2001:db8:0:0:1:0:0:1", true, "2001:db8::1:0:0:1"},	/* 5952 4.2.3: first run */
		{"2001:0db8::0001", true, "2001:db8::1"},	/* 5952 4.1: no leading 0s */
		{"2001:db8:0:1:1:1:1:1", true, "2001:db8:0:1:1:1:1:1"},	/* 4.2.2: a 0 stays */
		{"::", true, "::"},
		{"::ffff:192.0.2.1", true, "::ffff:192.0.2.1"},
		{"fe80::1%eth0", false, NULL},		/* zones are not addresses */
		{"2001:db8::1/64", false, NULL},
		{"2001:db8::1 ", false, NULL},
		{"2001:db8:::1", false, NULL},
		{"2001:db8::1::2", false, NULL},
		{"12345::", false, NULL},
		{"192.0.2.1", false, NULL},
		{"", false, NULL},
	};
	char buf[IP6_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t a[IP6_LEN];

		assert_int_equal(ip6_parse(cases[i].s, a), cases[i].ok);
		if (cases[i].ok)
			assert_string_equal(ip6_str(a, buf), cases[i].canon);
	}
}

static void
test_ip6_prefix(void **state)
{
	struct ip6_prefix p;
	char buf[IP6_PREFIX_STRLEN];
	uint8_t a[IP6_LEN], len;
	bool host;

	(void)state;
	assert_true(ip6_prefix_parse("2001:db8:1::/48", &p, &host));
	assert_int_equal(p.len, 48);
	assert_string_equal(ip6_prefix_str(&p, buf), "2001:db8:1::/48");
	assert_true(ip6_parse("2001:db8:1:ffff::7", a));
	assert_true(ip6_prefix_match(&p, a));
	assert_true(ip6_parse("2001:db8:2::7", a));
	assert_false(ip6_prefix_match(&p, a));

	/* a length that is not a multiple of 8: the partial byte decides */
	assert_true(ip6_prefix_parse("2001:db8:8000::/33", &p, &host));
	assert_true(ip6_parse("2001:db8:ffff::1", a));
	assert_true(ip6_prefix_match(&p, a));
	assert_true(ip6_parse("2001:db8:7fff::1", a));
	assert_false(ip6_prefix_match(&p, a));

	assert_true(ip6_prefix_parse("2001:db8::1", &p, &host));
	assert_int_equal(p.len, 128);
	assert_false(ip6_prefix_match(&p, a));
	assert_true(ip6_prefix_parse("::/0", &p, &host));
	assert_true(ip6_prefix_match(&p, a));

	assert_false(ip6_prefix_parse("2001:db8::1/64", &p, &host));
	assert_true(host);
	assert_false(ip6_prefix_parse("2001:db8::/129", &p, &host));
	assert_false(host);
	assert_false(ip6_prefix_parse("2001:db8::/", &p, &host));
	assert_false(ip6_prefix_parse("2001:db8::/032", &p, &host));
	assert_false(ip6_prefix_parse("2001:db8::/3x", &p, &host));
	assert_false(ip6_prefix_parse("10.0.0.0/8", &p, &host));

	/* an interface address keeps its host bits */
	assert_true(ip6_addr_len_parse("2001:db8::2/64", a, &len));
	assert_int_equal(len, 64);
	assert_int_equal(a[15], 2);
	assert_false(ip6_addr_len_parse("2001:db8::2", a, &len));
	assert_false(ip6_addr_len_parse("2001:db8::2/1280", a, &len));
	ip6_mask(a, 63, a);
	assert_true(ip6_parse("2001:db8::", p.addr));
	assert_memory_equal(a, p.addr, IP6_LEN);
}

static void
test_mac(void **state)
{
	uint8_t m[6];
	char buf[MAC_STRLEN];

	(void)state;
	assert_true(mac_parse("02:00:5E:10:00:0a", m));
	assert_string_equal(mac_str(m, buf), "02:00:5e:10:00:0a");
	assert_false(mac_parse("02:00:5e:10:00", m));
	assert_false(mac_parse("02-00-5e-10-00-0a", m));
	assert_false(mac_parse("02:00:5e:10:00:0g", m));
	assert_false(mac_parse(" 2:00:5e:10:00:0a", m));
}

static void
test_hex(void **state)
{
	uint8_t b[4];
	size_t n;

	(void)state;
	assert_true(hex_decode("0xDEADbeef", b, sizeof(b), &n));
	assert_int_equal(n, 4);
	assert_int_equal(b[0], 0xde);
	assert_int_equal(b[3], 0xef);
	assert_false(hex_decode("abc", b, sizeof(b), &n));	   /* odd */
	assert_false(hex_decode("0011223344", b, sizeof(b), &n)); /* too long */
	assert_false(hex_decode("zz", b, sizeof(b), &n));
	assert_false(hex_decode("", b, sizeof(b), &n));
}

static void
test_rd(void **state)
{
	static const uint8_t buf[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct rd r = rd_init(buf, sizeof(buf)), sub;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	assert_true(rd_u8(&r, &u8));
	assert_int_equal(u8, 1);
	assert_true(rd_u16(&r, &u16));
	assert_int_equal(u16, 0x0203);
	assert_true(rd_u32(&r, &u32));
	assert_int_equal(u32, 0x04050607);
	/* two bytes left: a u32 or u64 read fails and consumes nothing */
	assert_false(rd_u32(&r, &u32));
	assert_false(rd_u64(&r, &u64));
	assert_int_equal(r.left, 2);
	assert_false(rd_sub(&r, 3, &sub));
	assert_true(rd_sub(&r, 2, &sub));
	assert_int_equal(sub.left, 2);
	assert_int_equal(r.left, 0);
	assert_false(rd_skip(&r, 1));
}

static void
test_ct_equal_and_wipe(void **state)
{
	struct secret s = {.len = 3, .b = {1, 2, 3}};
	static const uint8_t zero[sizeof(s)];

	(void)state;
	assert_true(ct_equal("abcd", "abcd", 4));
	assert_false(ct_equal("abcd", "abce", 4));
	secret_wipe(&s);
	assert_memory_equal(&s, zero, sizeof(s));
}

/* Key memory is left out of core dumps; ordinary heap memory is the control that it can tell. */
static void
test_secret_mem(void **state)
{
	static const uint8_t zero[5000];
	uint8_t *p = secret_mem_alloc(5000), *heap = malloc(64);

	(void)state;
	assert_non_null(p);
	assert_int_equal(vma_dontdump(p), 1);
	assert_int_equal(vma_dontdump(p + 4999), 1);
	assert_int_equal(vma_dontdump(heap), 0);
	assert_memory_equal(p, zero, sizeof(zero));
	memset(p, 0xA5, 5000);
	secret_mem_free(p, 5000);
	assert_int_equal(vma_dontdump(p), -1);	/* unmapped */
	secret_mem_free(NULL, 0);
	free(heap);
}

/* Slab objects: aligned, in dont-dump pages, zeroed when handed out again after use. */
static void
test_secret_slab(void **state)
{
	static struct secret_slab slab = SECRET_SLAB_INIT(1000);
	static const uint8_t zero[1000];
	uint8_t *o[200], *again;

	(void)state;
	for (int i = 0; i < 200; i++) {	/* 200 KB: more than one 64 KiB chunk */
		o[i] = secret_slab_get(&slab);
		assert_non_null(o[i]);
		assert_int_equal((uintptr_t)o[i] % 64, 0);
		assert_int_equal(vma_dontdump(o[i]), 1);
		assert_memory_equal(o[i], zero, sizeof(zero));
		for (int j = 0; j < i; j++)
			assert_true(o[j] + 1000 <= o[i] || o[i] + 1000 <= o[j]); /* no overlap */
		memset(o[i], 0x5A, 1000);
	}
	secret_slab_put(&slab, o[7]);
	again = secret_slab_get(&slab);
	assert_ptr_equal(again, o[7]);
	assert_memory_equal(again, zero, sizeof(zero));
	secret_slab_put(&slab, NULL);
	for (int i = 0; i < 200; i++)
		secret_slab_put(&slab, o[i]);
}

/*
 * A slab that keeps growing gets 2 MiB chunks on 2 MiB boundaries, advised
 * for transparent huge pages ("hg") and still out of core dumps; its first
 * chunks stay small (a daemon with a few SAs does not pay 2 MiB for them).
 */
static void
test_secret_slab_huge_chunks(void **state)
{
	enum { OBJ = 1088, N = 4 * 1024 * 1024 / OBJ };	/* the dataplane's expanded keys */
	static struct secret_slab slab = SECRET_SLAB_INIT(OBJ);
	static uint8_t *o[N];
	int huge = 0;

	(void)state;
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0)
		skip();	/* a kernel without THP: madvise refuses, 4 KiB pages */
	for (int i = 0; i < N; i++) {
		o[i] = secret_slab_get(&slab);
		assert_non_null(o[i]);
		assert_int_equal((uintptr_t)o[i] % 64, 0);
		/*
		 * past the small chunks (under 2 MiB in all), a huge chunk hands
		 * out its objects from its 2 MiB boundary on
		 */
		if (i >= N / 2 && (uintptr_t)o[i] % (2u << 20) == 0) {
			assert_int_equal(vma_flag(o[i], "hg"), 1);
			assert_int_equal(vma_dontdump(o[i]), 1);
			huge++;
		}
	}
	assert_int_equal(vma_dontdump(o[0]), 1);
	assert_int_equal(vma_flag(o[0], "hg"), 0);	/* the first chunk: 64 KiB */
	assert_true(huge >= 1);
	for (int i = 0; i < N; i++)
		secret_slab_put(&slab, o[i]);
}

/* Every drop code has a name, a cause and a description; QFP numbers are unique and sorted. */
static void
test_drop_tables(void **state)
{
	(void)state;
	for (int i = 0; i < DP_DROP__COUNT; i++) {
		assert_non_null(dp_drop_info[i].name);
		assert_non_null(dp_drop_info[i].desc);
		assert_true(dp_drop_info[i].cause < DP_GLOBAL__COUNT);
		assert_true(dp_drop_sa_ctr[i] <= DP_SA_CTR__COUNT);
		if (i < DP_IPSEC_DROP__COUNT) {
			assert_true(dp_drop_info[i].qfp_number > 0);
			if (i > 0)
				assert_true(dp_drop_info[i].qfp_number >
					    dp_drop_info[i - 1].qfp_number);
		} else {
			assert_int_equal(dp_drop_info[i].qfp_number, 0);
			assert_int_equal(dp_drop_info[i].cause, i - DP_IPSEC_DROP__COUNT);
			assert_int_equal(dp_drop_sa_ctr[i], DP_SA_CTR__COUNT);
		}
	}
	assert_string_equal(dp_drop_info[DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI].name,
			    "IN_US_V4_PKT_SA_NOT_FOUND_SPI");
	assert_int_equal(dp_drop_info[DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI].qfp_number, 4);
	assert_int_equal(dp_drop_cause(DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI), DP_GLOBAL_IpsecInput);
	assert_int_equal(dp_drop_info[DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI].qfp_number, 12);
	assert_string_equal(dp_global_cause_name[DP_GLOBAL_IpsecInput], "IpsecInput");
}

static void
test_xform_tables(void **state)
{
	(void)state;
	assert_int_equal(dp_xform_icv_len(DP_CIPHER_AES_GCM_128, DP_AUTH_NONE), 16);
	assert_int_equal(dp_xform_icv_len(DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96), 12);
	assert_int_equal(dp_xform_icv_len(DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA256_128), 16);
	assert_int_equal(dp_xform_icv_len(DP_CIPHER_NULL, DP_AUTH_HMAC_SHA512_256), 32);
	for (int i = 0; i < DP_CIPHER__COUNT; i++) {
		assert_true(dp_cipher_info[i].key_len + dp_cipher_info[i].salt_len <=
			    DP_CIPHER_KEYMAT_MAX);
		assert_true(dp_cipher_info[i].icv_len <= DP_ICV_MAX);
	}
	for (int i = 0; i < DP_AUTH__COUNT; i++)
		assert_true(dp_auth_info[i].key_len <= DP_AUTH_KEY_MAX);
}

/* tbucket.h: a burst, then rate a second, on a clock the test turns (here milliseconds). */
static void
test_tbucket(void **state)
{
	struct tbucket b;
	int n = 0;

	(void)state;
	tbucket_init(&b, 100, 5, 1000, 7000);
	while (tbucket_take(&b, 7000))
		n++;
	assert_int_equal(n, 5);			/* starts full */
	assert_false(tbucket_take(&b, 7009));	/* 9 ms: 0.9 of a token */
	assert_true(tbucket_take(&b, 7010));	/* 10 ms at 100/s: one */
	assert_false(tbucket_take(&b, 7010));
	assert_false(tbucket_take(&b, 7005));	/* a clock that goes back refills nothing */
	assert_true(tbucket_take(&b, 7030));	/* 20 ms: two (one taken now) */
	assert_true(tbucket_take(&b, 7030));
	assert_false(tbucket_take(&b, 7030));
	/* a long idle time refills to the burst, not beyond, and does not overflow */
	n = 0;
	while (tbucket_take(&b, UINT64_MAX / 2))
		n++;
	assert_int_equal(n, 5);
	/* TSC-scaled: 10,000 a second at 2.1 GHz, 256 at once */
	tbucket_init(&b, 10000, 256, 2100000000ull, 0);
	for (n = 0; tbucket_take(&b, 0); n++)
		;
	assert_int_equal(n, 256);
	assert_true(tbucket_take(&b, 210000));	/* 0.1 ms: one */
	assert_false(tbucket_take(&b, 210000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4_parse),	  cmocka_unit_test(test_ip4_prefix),
		cmocka_unit_test(test_ip6_parse),	  cmocka_unit_test(test_ip6_prefix),
		cmocka_unit_test(test_mac),		  cmocka_unit_test(test_hex),
		cmocka_unit_test(test_rd),		  cmocka_unit_test(test_ct_equal_and_wipe),
		cmocka_unit_test(test_drop_tables),	  cmocka_unit_test(test_xform_tables),
		cmocka_unit_test(test_tbucket),
		cmocka_unit_test(test_secret_mem),	  cmocka_unit_test(test_secret_slab),
		cmocka_unit_test(test_secret_slab_huge_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
