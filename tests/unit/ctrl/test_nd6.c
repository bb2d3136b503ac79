/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nd6.c against frames scapy built (nd6_vectors.h, gen_nd6_vectors.py):
 * the NA to an NS and to a duplicate address detection NS, and the echo
 * reply, byte for byte (checksums included); then every check of RFC 4861
 * section 7.1.1 failing once, each leaving the message unanswered, and every
 * truncation of the frames read within bounds (the sanitizer build checks).
 * The gateway's own side (RFC 4861 sections 7.2.2 to 7.2.5): its NS for a
 * peer byte for byte, the peer's NAs read, each check of section 7.1.2
 * failing once, and a peer's NS giving its link-layer address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/nd6_group.h"
#include "nd6.h"
#include "nd6_vectors.h"

static const uint8_t gw_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t gw6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 2};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 1};

#define ETH 14
#define IP6 40

static size_t
answer(const uint8_t *f, size_t len, uint8_t *out, size_t cap)
{
	return nd6_answer(f, len, gw6, gw_mac, out, cap);
}

static void
test_ns_answered(void **state)
{
	uint8_t out[256];

	(void)state;
	assert_int_equal(nd6_kind_of(v_ns, sizeof(v_ns)), ND6_NS);
	assert_int_equal(answer(v_ns, sizeof(v_ns), out, sizeof(out)), sizeof(v_na));
	assert_memory_equal(out, v_na, sizeof(v_na));
}

static void
test_dad_answered_to_all_nodes(void **state)
{
	uint8_t out[256];

	(void)state;
	assert_int_equal(answer(v_dad_ns, sizeof(v_dad_ns), out, sizeof(out)), sizeof(v_dad_na));
	assert_memory_equal(out, v_dad_na, sizeof(v_dad_na));
}

static void
test_echo_answered(void **state)
{
	uint8_t out[256];

	(void)state;
	assert_int_equal(nd6_kind_of(v_echo_req, sizeof(v_echo_req)), ND6_ECHO);
	assert_int_equal(answer(v_echo_req, sizeof(v_echo_req), out, sizeof(out)),
			 sizeof(v_echo_rep));
	assert_memory_equal(out, v_echo_rep, sizeof(v_echo_rep));
}

/* f[at] = val in place, the ICMPv6 checksum fixed up for it if fix (RFC 1624, eqn. 3). */
static void
patch(uint8_t *f, size_t at, uint8_t val, int fix)
{
	uint8_t *ck = f + ETH + IP6 + 2;
	uint32_t shift = (at - ETH) % 2 == 0 ? 8 : 0;	/* the byte's place in its 16-bit word */
	uint32_t hc = (uint32_t)(ck[0] << 8 | ck[1]);
	uint32_t s = (~hc & 0xffff) + (~((uint32_t)f[at] << shift) & 0xffff) +
		     ((uint32_t)val << shift);

	f[at] = val;
	if (!fix)
		return;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	ck[0] = (uint8_t)(s >> 8);
	ck[1] = (uint8_t)s;
}

/* The 16 bytes at at set to a, checksum fixed up (an address in the pseudo-header). */
static void
patch_addr(uint8_t *f, size_t at, const uint8_t a[16])
{
	for (size_t i = 0; i < 16; i++)
		patch(f, at + i, a[i], 1);
}

static void
test_ns_checks(void **state)
{
	uint8_t f[sizeof(v_ns)], out[256];
	const size_t icmp = ETH + IP6;

	(void)state;
	/* the fix-up itself is right: a byte set to what it was still gets answered */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 8 + 15, 0x02, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), sizeof(v_na));
	/* and at even offsets: the source address rewritten with a changed byte and back */
	patch(f, ETH + 8, 0x30, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), sizeof(v_na));
	patch_addr(f, ETH + 8, v_ns + ETH + 8);
	assert_memory_equal(f, v_ns, sizeof(f));
	/* the checksum wrong */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 3, (uint8_t)(v_ns[icmp + 3] ^ 1), 0);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* hop limit not 255 (not checksummed) */
	memcpy(f, v_ns, sizeof(f));
	patch(f, ETH + 7, 254, 0);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* code not 0 */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 1, 1, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* another target: not ours */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 8 + 15, 0x03, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* an option of length 0 */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 24 + 1, 0, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* an option longer than what is left */
	memcpy(f, v_ns, sizeof(f));
	patch(f, icmp + 24 + 1, 2, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* a reply buffer too small */
	assert_int_equal(answer(v_ns, sizeof(v_ns), out, ND6_NA_LEN - 1), 0);
}

static void
test_dad_checks(void **state)
{
	static const uint8_t unspecified[16];
	uint8_t f[sizeof(v_ns)], out[256];

	(void)state;
	/* DAD (source ::) with a source link-layer address option: section 7.1.1 refuses it */
	memcpy(f, v_ns, sizeof(f));
	patch_addr(f, ETH + 8, unspecified);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* DAD not to the solicited-node group (to our unicast address) */
	memcpy(f, v_dad_ns, sizeof(v_dad_ns));
	patch_addr(f, ETH + 24, gw6);
	assert_int_equal(answer(f, sizeof(v_dad_ns), out, sizeof(out)), 0);
}

static void
test_echo_checks(void **state)
{
	uint8_t f[sizeof(v_echo_req)], out[256];

	(void)state;
	/* to another address (with the checksum made right for it): no reply */
	memcpy(f, v_echo_req, sizeof(f));
	patch(f, ETH + 24 + 15, 0x09, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* code not 0 */
	memcpy(f, v_echo_req, sizeof(f));
	patch(f, ETH + IP6 + 1, 1, 1);
	assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	/* the reply would not fit */
	assert_int_equal(answer(v_echo_req, sizeof(v_echo_req), out, sizeof(v_echo_req) - 1), 0);
	/* an echo reply is not answered, nor classified as a request */
	assert_int_equal(nd6_kind_of(v_echo_rep, sizeof(v_echo_rep)), ND6_OTHER);
	assert_int_equal(answer(v_echo_rep, sizeof(v_echo_rep), out, sizeof(out)), 0);
}

static void
test_truncated(void **state)
{
	const struct {
		const uint8_t *f;
		size_t len;
	} v[] = {{v_ns, sizeof(v_ns)}, {v_dad_ns, sizeof(v_dad_ns)},
		 {v_echo_req, sizeof(v_echo_req)}};
	uint8_t out[256];

	(void)state;
	/* every frame cut short of its IPv6 payload length: nothing read past it, no answer */
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		for (size_t len = 0; len < v[k].len; len++) {
			assert_int_equal(answer(v[k].f, len, out, sizeof(out)), 0);
			assert_true(len >= ETH + IP6 + 4 || nd6_kind_of(v[k].f, len) == ND6_NONE);
		}
	/* not IPv6 / not ICMPv6 */
	{
		uint8_t f[sizeof(v_ns)];

		memcpy(f, v_ns, sizeof(f));
		f[12] = 0x08;
		f[13] = 0x00;
		assert_int_equal(nd6_kind_of(f, sizeof(f)), ND6_NONE);
		memcpy(f, v_ns, sizeof(f));
		f[ETH + 6] = 0;	/* hop-by-hop options first: not walked */
		assert_int_equal(nd6_kind_of(f, sizeof(f)), ND6_NONE);
		assert_int_equal(answer(f, sizeof(f), out, sizeof(out)), 0);
	}
}

static void
test_solicited_node(void **state)
{
	uint8_t g[16] = {0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0x02};

	(void)state;
	assert_true(nd6_is_solicited_node(g, gw6));
	g[15] = 3;
	assert_false(nd6_is_solicited_node(g, gw6));
	g[15] = 2;
	g[12] = 0xfe;
	assert_false(nd6_is_solicited_node(g, gw6));
	assert_false(nd6_is_solicited_node(gw6, gw6));
}

static void
test_ns_built(void **state)
{
	uint8_t out[256];

	(void)state;
	assert_int_equal(nd6_build_ns(gw_mac, gw6, peer6, out, sizeof(out)), sizeof(v_ns_out));
	assert_int_equal(ND6_NS_LEN, sizeof(v_ns_out));
	assert_memory_equal(out, v_ns_out, sizeof(v_ns_out));
	assert_int_equal(nd6_build_ns(gw_mac, gw6, peer6, out, ND6_NS_LEN - 1), 0);
	/* the unicast probe (section 7.3.3): to the peer itself at its MAC */
	assert_int_equal(nd6_build_ns_to(gw_mac, gw6, peer6, peer_mac, out, sizeof(out)),
			 sizeof(v_ns_probe));
	assert_memory_equal(out, v_ns_probe, sizeof(v_ns_probe));
	assert_int_equal(nd6_build_ns_to(gw_mac, gw6, peer6, peer_mac, out, ND6_NS_LEN - 1), 0);
	assert_int_equal(nd6_build_ns(gw_mac, gw6, peer6, out, sizeof(out)), sizeof(v_ns_out));
	/* what we send is what we would answer, were we the target */
	assert_int_equal(nd6_kind_of(out, ND6_NS_LEN), ND6_NS);
	assert_int_equal(nd6_answer(out, ND6_NS_LEN, peer6, peer_mac, out + 128, 128), ND6_NA_LEN);
}

static void
test_na_parsed(void **state)
{
	struct nd6_na na;

	(void)state;
	assert_int_equal(nd6_kind_of(v_peer_na, sizeof(v_peer_na)), ND6_NA);
	assert_true(nd6_parse_na(v_peer_na, sizeof(v_peer_na), &na));
	assert_memory_equal(na.target, peer6, 16);
	assert_true(na.has_lla);
	assert_memory_equal(na.lla, peer_mac, 6);
	assert_false(na.router);
	assert_true(na.solicited);
	assert_true(na.override);
	assert_true(nd6_parse_na(v_peer_una, sizeof(v_peer_una), &na));
	assert_true(na.router && !na.solicited && na.override && na.has_lla);
	assert_true(nd6_parse_na(v_peer_na_bare, sizeof(v_peer_na_bare), &na));
	assert_true(na.solicited && !na.override && !na.has_lla);
	/* our own NA (to the NS) reads back as what we meant */
	assert_true(nd6_parse_na(v_na, sizeof(v_na), &na));
	assert_true(na.router && na.solicited && na.override);
	assert_memory_equal(na.lla, gw_mac, 6);
	/* not an NA */
	assert_false(nd6_parse_na(v_ns, sizeof(v_ns), &na));
	assert_false(nd6_parse_na(v_echo_req, sizeof(v_echo_req), &na));
}

/* Section 7.1.2, each check failing once: the NA is discarded. */
static void
test_na_checks(void **state)
{
	static const uint8_t group[16] = {0xff, 0x02, [15] = 0x01};
	uint8_t f[sizeof(v_peer_na)];
	const size_t icmp = ETH + IP6;
	struct nd6_na na;

	(void)state;
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, icmp + 8 + 15, 0x01, 1);	/* the fix-up with no change: still valid */
	assert_true(nd6_parse_na(f, sizeof(f), &na));
	/* the checksum wrong */
	patch(f, icmp + 3, (uint8_t)(f[icmp + 3] ^ 1), 0);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	/* hop limit not 255 */
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, ETH + 7, 64, 0);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	/* code not 0 */
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, icmp + 1, 1, 1);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	/* a multicast target */
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, icmp + 8, 0xff, 1);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	/* solicited, to a multicast destination */
	memcpy(f, v_peer_na, sizeof(f));
	patch_addr(f, ETH + 24, group);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	patch(f, icmp + 4, 0x20, 1);	/* the same with S clear: valid */
	assert_true(nd6_parse_na(f, sizeof(f), &na));
	/* an option of length 0, one past the end */
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, icmp + 24 + 1, 0, 1);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	patch(f, icmp + 24 + 1, 2, 1);
	assert_false(nd6_parse_na(f, sizeof(f), &na));
	/* an unknown option is skipped; a link-layer option of another size is not one */
	memcpy(f, v_peer_na, sizeof(f));
	patch(f, icmp + 24, 9, 1);
	assert_true(nd6_parse_na(f, sizeof(f), &na));
	assert_false(na.has_lla);
	/* shorter than 24 bytes of ICMPv6 (the payload length says so) */
	memcpy(f, v_peer_na_bare, sizeof(v_peer_na_bare));
	f[ETH + 5] = 23;
	assert_false(nd6_parse_na(f, sizeof(v_peer_na_bare), &na));
	/* every truncation */
	for (size_t len = 0; len < sizeof(v_peer_na); len++)
		assert_false(nd6_parse_na(v_peer_na, len, &na));
}

/* Section 7.2.3: a valid NS for us with a source link-layer address names its sender. */
static void
test_ns_sender(void **state)
{
	static const uint8_t unspecified[16];
	uint8_t f[sizeof(v_ns)], src[16], lla[6];

	(void)state;
	assert_true(nd6_ns_sender(v_ns, sizeof(v_ns), gw6, src, lla));
	assert_memory_equal(src, peer6, 16);
	assert_memory_equal(lla, peer_mac, 6);
	/* no option (DAD), not for us, hop limit, checksum: nothing learned */
	assert_false(nd6_ns_sender(v_dad_ns, sizeof(v_dad_ns), gw6, src, lla));
	assert_false(nd6_ns_sender(v_ns, sizeof(v_ns), peer6, src, lla));
	memcpy(f, v_ns, sizeof(f));
	patch(f, ETH + 7, 64, 0);
	assert_false(nd6_ns_sender(f, sizeof(f), gw6, src, lla));
	memcpy(f, v_ns, sizeof(f));
	patch(f, ETH + IP6 + 3, (uint8_t)(f[ETH + IP6 + 3] ^ 1), 0);
	assert_false(nd6_ns_sender(f, sizeof(f), gw6, src, lla));
	/* from :: with the option (refused by 7.1.1 anyway) */
	memcpy(f, v_ns, sizeof(f));
	patch_addr(f, ETH + 8, unspecified);
	assert_false(nd6_ns_sender(f, sizeof(f), gw6, src, lla));
	for (size_t len = 0; len < sizeof(v_ns); len++)
		assert_false(nd6_ns_sender(v_ns, len, gw6, src, lla));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_answered),
		cmocka_unit_test(test_dad_answered_to_all_nodes),
		cmocka_unit_test(test_echo_answered),
		cmocka_unit_test(test_ns_checks),
		cmocka_unit_test(test_dad_checks),
		cmocka_unit_test(test_echo_checks),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_solicited_node),
		cmocka_unit_test(test_ns_built),
		cmocka_unit_test(test_na_parsed),
		cmocka_unit_test(test_na_checks),
		cmocka_unit_test(test_ns_sender),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
