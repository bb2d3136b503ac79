/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manual SA file (config_sa_file.c): good lines read field by field, every
 * malformed field and every limit as a table of (text, exact message), keys
 * never in a message, the configuration unchanged by a refused file, and the
 * manual_sa_file key of the YAML (relative paths, sizes, permissions).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpsec/config.h"

#define K20 "00112233445566778899aabbccddeeff01234567"
#define K32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define K20B "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"

/* YAML lines 1-17; its one manual SA (line 17) has SPI 0x5000 at column 52. */
static const char yaml[] =
	"dataplane: {sa_max: 16}\n"
	"transform_sets:\n"
	"  TS-GCM: {transforms: [esp-gcm 128]}\n"
	"  TS-CBC: {transforms: [esp-aes 256, esp-sha256-hmac]}\n"
	"  TS-NULL: {transforms: [esp-null, esp-sha-hmac]}\n"
	"crypto_maps:\n"
	"  VPN:\n"
	"    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, match: [{src: 10.0.2.0/24, dst: "
	"10.0.0.0/24}]}\n"
	"    - {seq: 20, peer: 192.0.2.9, transform_set: TS-CBC, match: [{src: 10.0.2.0/24, dst: "
	"10.0.9.0/24}]}\n"
	"    - {seq: 30, peer: 192.0.2.7, transform_set: TS-NULL, match: [{src: 10.0.2.0/24, dst: "
	"10.0.7.0/24}]}\n"
	"  SPARE:\n"
	"    - {seq: 1, peer: 198.51.100.1, transform_set: TS-GCM, match: [{src: 10.0.2.0/24, "
	"dst: 10.0.5.0/24}]}\n"
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, crypto_map: VPN}\n"
	"manual_sas:\n"
	"  - {crypto_map: VPN, seq: 20, direction: in, spi: 0x5000, cipher_key: " K32
	", auth_key: " K32 "}\n";

static struct dpsec_config *
base(void)
{
	char err[512];
	struct dpsec_config *cfg = config_parse("t.yaml", yaml, strlen(yaml), err, sizeof(err));

	if (cfg == NULL)
		fail_msg("base config: %s", err);
	return cfg;
}

static uint32_t
ip(const char *s)
{
	uint32_t a;

	assert_true(ip4_parse(s, &a));
	return a;
}

static void
check_key(const struct secret *s, const char *hex)
{
	assert_int_equal(s->len, strlen(hex) / 2);
	for (size_t i = 0; i < s->len; i++) {
		unsigned int b;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		assert_int_equal(s->b[i], b);
	}
}

static void
test_good_lines(void **state)
{
	static const char text[] =
		"# direction spi peer crypto-map seq transform-set cipher-key [auth-key] [udp]\n"
		"\n"
		"inbound 0x00010000 192.0.2.1 VPN 10 TS-GCM " K20 "\n"
		"  out\t65537   192.0.2.1\tVPN 10 TS-GCM 0x" K20B " udp   # a comment\r\n"
		"   # an indented comment\n"
		"in 4096 192.0.2.9 VPN 20 TS-CBC " K32 " " K32 "\n"
		"outbound 0x100 192.0.2.7 VPN 30 TS-NULL - " K20;	/* no final newline */
	struct dpsec_config *cfg = base();
	const struct cfg_manual_sa *sa;
	char err[512];

	(void)state;
	assert_int_equal(config_add_sa_text(cfg, "s.txt", text, strlen(text), true, err,
					    sizeof(err)), 0);
	assert_int_equal(cfg->n_manual_sas, 5);
	assert_int_equal(cfg->sa_file.n_sas, 4);
	assert_false(cfg->manual_sas[0].from_file);
	assert_int_equal(cfg->manual_sas[0].spi, 0x5000);

	sa = &cfg->manual_sas[1];
	assert_true(sa->from_file);
	assert_int_equal(sa->dir, CFG_DIR_IN);
	assert_int_equal(sa->spi, 0x10000);
	assert_int_equal(sa->map, 0);
	assert_int_equal(sa->entry, 0);
	assert_int_equal(sa->peer, ip("192.0.2.1"));
	assert_int_equal(sa->local, ip("192.0.2.2"));
	check_key(&sa->cipher_key, K20);
	assert_int_equal(sa->auth_key.len, 0);
	assert_false(sa->udp_encap);
	assert_true(sa->allow_unsafe_gcm);
	assert_int_equal(sa->pos.line, 3);
	assert_int_equal(sa->pos.col, 1);
	assert_int_equal(sa->spi_pos.col, 9);

	sa = &cfg->manual_sas[2];
	assert_int_equal(sa->dir, CFG_DIR_OUT);
	assert_int_equal(sa->spi, 65537);
	check_key(&sa->cipher_key, K20B);
	assert_true(sa->udp_encap);
	assert_int_equal(sa->local_port, 4500);
	assert_int_equal(sa->peer_port, 4500);
	assert_int_equal(sa->pos.line, 4);
	assert_int_equal(sa->pos.col, 3);

	sa = &cfg->manual_sas[3];
	assert_int_equal(sa->entry, 1);
	assert_int_equal(sa->peer, ip("192.0.2.9"));
	check_key(&sa->cipher_key, K32);
	check_key(&sa->auth_key, K32);
	assert_int_equal(sa->pos.line, 6);

	sa = &cfg->manual_sas[4];
	assert_int_equal(sa->entry, 2);
	assert_int_equal(sa->spi, 256);
	assert_int_equal(sa->cipher_key.len, 0);
	check_key(&sa->auth_key, K20);
	assert_int_equal(sa->pos.line, 7);
	config_free(cfg);
}

/* Nothing but comments and blank lines: no SA, nothing changed. */
static void
test_empty(void **state)
{
	static const char text[] = "# nothing\n\n   \n";
	struct dpsec_config *cfg = base();
	char err[64];

	(void)state;
	assert_int_equal(config_add_sa_text(cfg, "s.txt", text, strlen(text), false, err,
					    sizeof(err)), 0);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", NULL, 0, false, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_manual_sas, 1);
	assert_int_equal(cfg->sa_file.n_sas, 0);
	config_free(cfg);
}

struct err_case {
	const char *name;
	const char *text;
	const char *err;
};

#define GCM "inbound 0x1000 192.0.2.1 VPN 10 TS-GCM "
#define CBC "in 0x2000 192.0.2.9 VPN 20 TS-CBC "
#define FIELDS "(expected: direction spi peer crypto-map seq transform-set cipher-key [auth-key] [udp])"

static const struct err_case cases[] = {
	{"direction", "sideways 0x1000 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:1: direction must be one of: inbound, in, outbound, out (got 'sideways')"},
	{"key in the direction's place", K32 " 0x1000\n",
	 "s.txt:1:1: direction must be one of: inbound, in, outbound, out (got '(hidden)')"},
	{"spi: not a number", "in 0x10g0 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: spi must be a number in 256..4294967295, decimal or 0x and up to 8 hex digits "
	 "(got '0x10g0')"},
	{"spi: 9 hex digits", "in 0x100000000 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: spi must be a number in 256..4294967295, decimal or 0x and up to 8 hex digits "
	 "(got '0x100000000')"},
	{"spi: decimal overflow", "in 4294967296 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: spi must be a number in 256..4294967295, decimal or 0x and up to 8 hex digits "
	 "(got '4294967296')"},
	{"spi: bare 0x", "in 0x 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: spi must be a number in 256..4294967295, decimal or 0x and up to 8 hex digits "
	 "(got '0x')"},
	{"spi: leading zero", "in 0256 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: spi must be a number in 256..4294967295, decimal or 0x and up to 8 hex digits "
	 "(got '0256')"},
	{"spi 0", "in 0 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: SPI 0 is reserved for local use (RFC 4303 section 2.1; expected "
	 "256..4294967295)"},
	{"spi 255", "in 0xff 192.0.2.1 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:4: SPI 255 is in 1..255, reserved by IANA (RFC 4303 section 2.1; expected "
	 "256..4294967295)"},
	{"peer: not an address", "in 0x1000 192.0.2 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:11: peer must be an IPv4 address A.B.C.D or an IPv6 address X:X::X (got "
	 "'192.0.2')"},
	{"peer: not the entry's", "in 0x1000 192.0.2.9 VPN 10 TS-GCM " K20 "\n",
	 "s.txt:1:11: peer 192.0.2.9 is not the peer of crypto map 'VPN' seq 10 (192.0.2.1)"},
	{"map: unknown", "in 0x1000 192.0.2.1 NOPE 10 TS-GCM " K20 "\n",
	 "s.txt:1:21: crypto map 'NOPE' not found (defined: VPN, SPARE)"},
	{"map: not applied", "in 0x1000 198.51.100.1 SPARE 1 TS-GCM " K20 "\n",
	 "s.txt:1:24: crypto map 'SPARE' is not applied to any interface (a manual SA takes its "
	 "local address from the map's outside interface)"},
	{"seq: not a number", "in 0x1000 192.0.2.1 VPN ten TS-GCM " K20 "\n",
	 "s.txt:1:25: seq must be a number in 1..65535 (got 'ten')"},
	{"seq: out of range", "in 0x1000 192.0.2.1 VPN 65536 TS-GCM " K20 "\n",
	 "s.txt:1:25: seq must be a number in 1..65535 (got '65536')"},
	{"seq: no entry", "in 0x1000 192.0.2.1 VPN 11 TS-GCM " K20 "\n",
	 "s.txt:1:25: crypto map 'VPN' has no entry with seq 11"},
	{"transform set: not the entry's", "in 0x1000 192.0.2.1 VPN 10 TS-CBC " K20 "\n",
	 "s.txt:1:28: transform set 'TS-CBC' is not the one of crypto map 'VPN' seq 10 (TS-GCM)"},
	{"cipher key: missing", GCM "\n", "s.txt:1:40: missing cipher-key " FIELDS},
	{"cipher key: short", GCM "00112233\n",
	 "s.txt:1:40: cipher-key must be 40 hex digits (20 bytes: 16-byte key + 4-byte salt for "
	 "esp-gcm 128), got 8"},
	{"cipher key: long", GCM K32 "\n",
	 "s.txt:1:40: cipher-key must be 40 hex digits (20 bytes: 16-byte key + 4-byte salt for "
	 "esp-gcm 128), got 64"},
	{"cipher key: not hex", GCM "00112233445566778899aabbccddeeff0123456z\n",
	 "s.txt:1:40: cipher-key must be 40 hex digits (20 bytes: 16-byte key + 4-byte salt for "
	 "esp-gcm 128), got a non-hex character"},
	{"cipher key: esp-null takes '-'", "out 0x100 192.0.2.7 VPN 30 TS-NULL " K20 " " K20 "\n",
	 "s.txt:1:36: cipher-key must be '-' for esp-null (it has no cipher key)"},
	{"auth key: missing", CBC K32 "\n",
	 "s.txt:1:99: missing auth-key (esp-sha256-hmac needs 32 bytes)"},
	{"auth key: short", CBC K32 " " K20 "\n",
	 "s.txt:1:100: auth-key must be 64 hex digits (32 bytes for esp-sha256-hmac), got 40"},
	{"auth key with GCM", GCM K20 " " K20 "\n",
	 "s.txt:1:81: no auth-key with esp-gcm 128 (a combined-mode cipher has no separate HMAC "
	 "key)"},
	{"unknown option", GCM K20 " tcp\n",
	 "s.txt:1:81: unexpected 'tcp' after the keys (the only option is 'udp', once)"},
	{"udp twice", GCM K20 " udp udp\n",
	 "s.txt:1:85: unexpected 'udp' after the keys (the only option is 'udp', once)"},
	{"missing: all but direction", "inbound\n", "s.txt:1:8: missing spi " FIELDS},
	{"missing: transform set", "in 0x1000 192.0.2.1 VPN 10 # no more\n",
	 "s.txt:1:28: missing transform-set " FIELDS},
	{"control byte", "in 0x1000\x01 192.0.2.1\n",
	 "s.txt:1:10: unexpected byte 0x01 (a line holds printable ASCII words separated by "
	 "blanks)"},
	{"NUL byte", "in 0x1000 \0", "s.txt:1:11: unexpected byte 0x00 (a line holds printable "
					 "ASCII words separated by blanks)"},
	{"lone CR", "in\r0x1000\n", "s.txt:1:3: unexpected byte 0x0d (a line holds printable "
				       "ASCII words separated by blanks)"},
	{"too many fields", "a b c d e f g h i j k l m n o p q\n",
	 "s.txt:1:33: too many fields (at most 16; expected: direction spi peer crypto-map seq "
	 "transform-set cipher-key [auth-key] [udp])"},
	{"duplicate in the file", "\n" GCM K20 "\n" GCM K20B "\n",
	 "s.txt:3:9: duplicate inbound SPI 0x00001000 for local address 192.0.2.2 (first at 2:9)"},
	{"duplicate of the YAML's", "in 0x5000 192.0.2.9 VPN 20 TS-CBC " K32 " " K32 "\n",
	 "s.txt:1:4: duplicate inbound SPI 0x00005000 for local address 192.0.2.2 (first at "
	 "t.yaml:17:52)"},
};

static void
test_errors(void **state)
{
	char err[512];
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct err_case *t = &cases[i];
		/* the NUL case's text has a byte past its strlen */
		size_t len = strcmp(t->name, "NUL byte") == 0 ? 11 : strlen(t->text);
		struct dpsec_config *cfg = base();
		int rc = config_add_sa_text(cfg, "s.txt", t->text, len, true, err, sizeof(err));

		if (rc != -EINVAL) {
			print_error("case '%s': rc %d, expected\n  %s\n", t->name, rc, t->err);
			failed++;
		} else if (strcmp(err, t->err) != 0) {
			print_error("case '%s':\n  got      %s\n  expected %s\n", t->name, err,
				    t->err);
			failed++;
		}
		/* no key, or a piece of one, in any message */
		if (strstr(err, "00112233445566") || strstr(err, "000102030405") ||
		    strstr(err, "a0a1a2a3a4a5")) {
			print_error("case '%s': a key in the message: %s\n", t->name, err);
			failed++;
		}
		/* refused: the configuration is as it was */
		assert_int_equal(cfg->n_manual_sas, 1);
		assert_int_equal(cfg->sa_file.n_sas, 0);
		assert_int_equal(cfg->manual_sas[0].spi, 0x5000);
		config_free(cfg);
	}
	assert_int_equal(failed, 0);
}

/* RFC 4106 section 8: a manual GCM SA only with the file's opt-in. */
static void
test_gcm_opt_in(void **state)
{
	static const char text[] = "\n" GCM K20 "\n";
	struct dpsec_config *cfg = base();
	char err[512];

	(void)state;
	assert_int_equal(config_add_sa_text(cfg, "s.txt", text, strlen(text), false, err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "s.txt:2:1: manual SA spi 0x1000 uses esp-gcm 128: with a manual "
				 "key the sequence numbers, which are the GCM nonces, start at 1 "
				 "again each time dpsecd starts, and a repeated nonce breaks AES-GCM "
				 "(RFC 4106 section 8: automated keying only); for a test setup, "
				 "write manual_sa_file as {path: ..., allow_unsafe_manual_gcm: true}");
	/* CBC needs no opt-in */
	assert_int_equal(config_add_sa_text(cfg, "s.txt", CBC K32 " " K32 "\n",
					    strlen(CBC K32 " " K32 "\n"), false, err, sizeof(err)),
			 0);
	assert_false(cfg->manual_sas[1].allow_unsafe_gcm);
	config_free(cfg);
}

/* An entry negotiated by IKE has no manual SAs, from the file either. */
static void
test_ike_entry(void **state)
{
	static const char ike_yaml[] =
		"ikev2:\n"
		"  keyrings: {KR: [{name: gwA, address: 192.0.2.0/28, pre_shared_key: k}]}\n"
		"  profiles:\n"
		"    PROF: {match_identity_remote: [{address: 192.0.2.1}], authentication: {local: "
		"pre-share, remote: pre-share}, keyring: KR}\n"
		"transform_sets:\n  TS-GCM: {transforms: [esp-gcm 256]}\n"
		"crypto_maps:\n  VPN:\n"
		"    - {seq: 10, peer: 192.0.2.1, transform_set: TS-GCM, ikev2_profile: PROF, match: "
		"[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
		"crypto_map: VPN}\n";
	static const char text[] = "in 0x1000 192.0.2.1 VPN 10 TS-GCM " K32 "0a0b0c0d\n";
	char err[512];
	struct dpsec_config *cfg = config_parse("t.yaml", ike_yaml, strlen(ike_yaml), err,
						sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", text, strlen(text), true, err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "s.txt:1:25: crypto map 'VPN' seq 10 is negotiated by IKE "
				 "(ikev2_profile 'PROF'): a manual SA cannot key it too");
	assert_int_equal(cfg->n_manual_sas, 0);
	config_free(cfg);
}

/*
 * An IPv6 entry (VPN 40, peer 2001:db8::1): its lines name the IPv6 peer, in
 * any spelling of it; an IPv4 peer there is not its peer. Its SAs' local
 * address is out0's address6, so an SPI an IPv4 SA of out0 has is free for
 * it, but not one another IPv6 SA of out0 has.
 */
static void
test_ipv6_entry(void **state)
{
	static const char v6_yaml[] =
		"transform_sets:\n  TS-CBC: {transforms: [esp-aes 256, esp-sha256-hmac]}\n"
		"crypto_maps:\n  VPN:\n"
		"    - {seq: 20, peer: 192.0.2.9, transform_set: TS-CBC, match: "
		"[{src: 10.0.2.0/24, dst: 10.0.9.0/24}]}\n"
		"    - {seq: 40, peer: 2001:db8::1, transform_set: TS-CBC, match: "
		"[{src: 2001:db8:2::/48, dst: 2001:db8:1::/48}]}\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, address6: "
		"2001:db8::2/64, role: outside, crypto_map: VPN}\n";
	static const struct {
		const char *text;
		const char *err;	/* NULL: accepted */
	} v6_cases[] = {
		{"in 0x1000 2001:DB8:0::1 VPN 40 TS-CBC " K32 " " K32 "\n"
		 "in 0x1000 192.0.2.9 VPN 20 TS-CBC " K32 " " K32 "\n", NULL},
		{"in 0x1000 192.0.2.1 VPN 40 TS-CBC " K32 " " K32 "\n",
		 "s.txt:1:11: peer 192.0.2.1 is not the peer of crypto map 'VPN' seq 40 "
		 "(2001:db8::1)"},
		{"in 0x1000 2001:db8::9 VPN 20 TS-CBC " K32 " " K32 "\n",
		 "s.txt:1:11: peer 2001:db8::9 is not the peer of crypto map 'VPN' seq 20 "
		 "(192.0.2.9)"},
		{"in 0x1000 2001:db8::g VPN 40 TS-CBC " K32 " " K32 "\n",
		 "s.txt:1:11: peer must be an IPv4 address A.B.C.D or an IPv6 address X:X::X "
		 "(got '2001:db8::g')"},
		{"in 0x1000 2001:db8::1 VPN 40 TS-CBC " K32 " " K32 "\n"
		 "in 0x1000 2001:db8::1 VPN 40 TS-CBC " K32 " " K32 "\n",
		 "s.txt:2:4: duplicate inbound SPI 0x00001000 for local address 2001:db8::2 (first "
		 "at 1:4)"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v6_cases) / sizeof(v6_cases[0]); i++) {
		char err[512] = "";
		struct dpsec_config *cfg = config_parse("t.yaml", v6_yaml, strlen(v6_yaml), err,
							sizeof(err));
		int rc;

		if (cfg == NULL)
			fail_msg("%s", err);
		rc = config_add_sa_text(cfg, "s.txt", v6_cases[i].text, strlen(v6_cases[i].text), false,
					err, sizeof(err));
		if (v6_cases[i].err == NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err);
			assert_int_equal(cfg->n_manual_sas, 2);
			assert_true(cfg->manual_sas[0].v6);
			assert_int_equal(cfg->manual_sas[0].local, 0);
			assert_false(cfg->manual_sas[1].v6);
			assert_int_equal(cfg->manual_sas[1].local, ip("192.0.2.2"));
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_string_equal(err, v6_cases[i].err);
		}
		config_free(cfg);
	}
}

/* An AH+ESP bundle's SA has two SPIs and keys, which a line does not carry. */
static void
test_bundle_entry(void **state)
{
	static const char b_yaml[] =
		"transform_sets:\n  TS-B: {transforms: [ah-sha256-hmac, esp-aes 256, "
		"esp-sha256-hmac]}\n"
		"crypto_maps:\n  VPN:\n"
		"    - {seq: 10, peer: 192.0.2.1, transform_set: TS-B, match: "
		"[{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
		"crypto_map: VPN}\n";
	static const char text[] = "in 0x1000 192.0.2.1 VPN 10 TS-B " K32 " " K32 "\n";
	char err[512];
	struct dpsec_config *cfg = config_parse("t.yaml", b_yaml, strlen(b_yaml), err,
						sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", text, strlen(text), true, err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "s.txt:1:28: transform set 'TS-B' is an AH+ESP bundle, which the "
				 "manual SA file does not carry (put its SAs in manual_sas)");
	assert_int_equal(cfg->n_manual_sas, 0);
	config_free(cfg);
}

/* SA n on line n, SPI 0x1000 + n. */
static char *
sa_lines(uint32_t n, size_t *len)
{
	char *t = malloc((size_t)n * 256 + 1);
	size_t used = 0;

	assert_non_null(t);
	for (uint32_t i = 1; i <= n; i++)
		used += (size_t)sprintf(t + used, "in 0x%x 192.0.2.9 VPN 20 TS-CBC %s %s\n",
					0x1000 + i, K32, K32);
	*len = used;
	return t;
}

static void
test_limits(void **state)
{
	struct dpsec_config *cfg = base();
	char err[512], *t, line[CFG_SA_FILE_MAX_LINE + 2];
	size_t len;

	(void)state;
	/* sa_max 16, one SA in manual_sas: 15 fit, the 16th of the file does not */
	t = sa_lines(15, &len);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", t, len, false, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_manual_sas, 16);
	config_free(cfg);
	free(t);
	cfg = base();
	t = sa_lines(16, &len);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", t, len, false, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "s.txt:16:1: too many SAs: this is SA 16 of the file, and with "
				 "the 1 of manual_sas that is more than dataplane.sa_max (16; at "
				 "most 4194304)");
	free(t);

	/* a line of exactly the limit is read (and refused for what it says), one more is not */
	memset(line, 'x', sizeof(line));
	line[CFG_SA_FILE_MAX_LINE] = '\n';
	assert_int_equal(config_add_sa_text(cfg, "s.txt", line, CFG_SA_FILE_MAX_LINE + 1, false,
					    err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "s.txt:1:1: direction must be one of: inbound, in, outbound, out "
				 "(got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...')");
	line[CFG_SA_FILE_MAX_LINE] = 'x';
	assert_int_equal(config_add_sa_text(cfg, "s.txt", line, CFG_SA_FILE_MAX_LINE + 1, false,
					    err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "s.txt:1:513: line is too long: 513 bytes, the limit is 512");

	/* lines: blank ones count */
	len = CFG_SA_FILE_MAX_LINES + 1;
	t = malloc(len);
	assert_non_null(t);
	memset(t, '\n', len);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", t, len - 1, false, err, sizeof(err)), 0);
	assert_int_equal(config_add_sa_text(cfg, "s.txt", t, len, false, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "s.txt:8388609:1: too many lines: the limit of a manual SA file "
				 "is 8388608");
	free(t);
	assert_int_equal(cfg->n_manual_sas, 1);
	config_free(cfg);
}

/* The YAML's own manual_sas count against sa_max too. */
static void
test_yaml_sa_max(void **state)
{
	const size_t cap = sizeof(yaml) + 16 * 400;	/* a line is ~210 bytes */
	char err[512], *text = malloc(cap);
	size_t n = strlen(yaml);
	struct dpsec_config *cfg;

	(void)state;
	assert_non_null(text);
	memcpy(text, yaml, n);
	for (int i = 0; i < 16; i++)	/* 17 with the one in yaml */
		n += (size_t)snprintf(text + n, cap - n, "  - {crypto_map: VPN, seq: 20, direction: out, "
						"spi: %d, cipher_key: " K32 ", auth_key: " K32 "}\n",
				      0x6000 + i);
	assert_true(n < cap);
	cfg = config_parse("t.yaml", text, n, err, sizeof(err));
	assert_null(cfg);
	assert_string_equal(err, "t.yaml:17:3: too many SAs: 17, more than dataplane.sa_max (16; "
				 "at most 4194304)");
	free(text);
}

/* ---- manual_sa_file in the YAML ---- */

static char dir[] = "/tmp/dpsec-sa-file-XXXXXX";

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static struct dpsec_config *
load_with(const char *key, char *err, size_t errlen)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gw.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%smanual_sa_file: %s\n", yaml, key);
	fclose(f);
	chmod(path, 0600);
	return config_load(path, err, errlen);
}

static void
test_yaml_key(void **state)
{
	char err[512], want[512], key[300];
	struct dpsec_config *cfg;

	(void)state;
	write_file("sas.txt", CBC K32 " " K32 "\n" GCM K20 "\n", 0600);
	/* relative: next to the YAML; GCM refused without the opt-in */
	assert_null(load_with("sas.txt", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/sas.txt:2:1: manual SA spi 0x1000 uses esp-gcm 128", dir);
	assert_memory_equal(err, want, strlen(want));
	cfg = load_with("{path: sas.txt, allow_unsafe_manual_gcm: true}", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->n_manual_sas, 3);
	assert_int_equal(cfg->sa_file.n_sas, 2);
	assert_string_equal(cfg->sa_file.name, "sas.txt");
	snprintf(want, sizeof(want), "%s/sas.txt", dir);
	assert_string_equal(cfg->sa_file.path, want);
	assert_true(cfg->manual_sas[2].allow_unsafe_gcm);
	/* the YAML holds a key (its own manual SA), the file is 0600 */
	assert_false(config_sa_file_exposed(cfg, err, sizeof(err)));
	config_free(cfg);

	/* an absolute path; a file others can read is a warning */
	write_file("cbc.txt", CBC K32 " " K32 "\n", 0644);
	snprintf(key, sizeof(key), "%s/cbc.txt", dir);
	cfg = load_with(key, err, sizeof(err));
	assert_non_null(cfg);
	assert_true(config_sa_file_exposed(cfg, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/cbc.txt holds keys and its group and others can read it "
		 "(mode 0644): chmod 600 it", dir);
	assert_string_equal(err, want);
	config_free(cfg);

	assert_null(load_with("nope.txt", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/gw.yaml:18:17: manual_sa_file: %s/nope.txt: cannot open: "
		 "No such file or directory", dir, dir);
	assert_string_equal(err, want);
	assert_null(load_with("\"\"", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/gw.yaml:18:17: 'manual_sa_file' must be a file name of "
		 "1..107 bytes (got 0)", dir);
	assert_string_equal(err, want);
	assert_null(load_with("/", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/gw.yaml:18:17: manual_sa_file: /: not a regular file (a "
		 "manual SA file must be one)", dir);
	assert_string_equal(err, want);
}

/* Sizes: checked on the file's size before a byte is read (sparse files). */
static void
test_file_sizes(void **state)
{
	char err[512], want[512], path[256];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)CFG_SA_FILE_MAX_BYTES + 1), 0);
	close(fd);
	assert_null(load_with("big.txt", err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/gw.yaml:18:17: manual_sa_file: %s: manual SA file is too "
		 "large: 1073741825 bytes, the limit is 1073741824", dir, path);
	assert_string_equal(err, want);
	unlink(path);

	/* the YAML itself: 16 MiB */
	snprintf(path, sizeof(path), "%s/huge.yaml", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	assert_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: configuration is too large: 16777217 bytes, the limit is "
		 "16777216", path);
	assert_string_equal(err, want);
	unlink(path);
}

/* The file's SAs stay in the file when the config is written back. */
static void
put(void *ctx, const char *s, size_t n)
{
	FILE *f = ctx;

	fwrite(s, 1, n, f);
}

static void
test_write_back(void **state)
{
	char err[512], *text = NULL;
	size_t len = 0;
	struct dpsec_config *cfg, *back;
	const struct cfg_write_opts opts = {.hide_keys = false};
	FILE *f;

	(void)state;
	write_file("sas.txt", CBC K32 " " K32 "\n" GCM K20 "\n", 0600);
	cfg = load_with("{path: sas.txt, allow_unsafe_manual_gcm: true}", err, sizeof(err));
	assert_non_null(cfg);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	config_write(cfg, &opts, put, f);
	fclose(f);
	assert_non_null(strstr(text, "manual_sa_file:\n  path: sas.txt\n  "
				     "allow_unsafe_manual_gcm: true\n"));
	assert_null(strstr(text, "0x00001000"));	/* the file's SA is not inlined */
	assert_non_null(strstr(text, "0x00005000"));	/* the YAML's is */
	/* read back from the same directory, it is the same configuration */
	back = config_parse(cfg->path, text, len, err, sizeof(err));
	if (back == NULL)
		fail_msg("%s", err);
	assert_int_equal(back->n_manual_sas, 3);
	assert_int_equal(back->sa_file.n_sas, 2);
	assert_int_equal(back->manual_sas[2].spi, 0x1000);
	config_free(back);
	config_free(cfg);
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = {"sas.txt", "cbc.txt", "gw.yaml"};
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_gcm_opt_in),
		cmocka_unit_test(test_ike_entry),
		cmocka_unit_test(test_ipv6_entry),
		cmocka_unit_test(test_bundle_entry),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_yaml_sa_max),
		cmocka_unit_test(test_yaml_key),
		cmocka_unit_test(test_file_sizes),
		cmocka_unit_test(test_write_back),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
