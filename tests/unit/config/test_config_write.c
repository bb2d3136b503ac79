/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_write round trip: parse -> write (keys shown, a test-only setting)
 * -> parse again must give the same structure, field by field, for every
 * example in config/ and for a configuration that uses every key. Writing
 * the re-parsed structure must give the same text again. With keys hidden
 * (what the CLI does) no key byte may appear in the text.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/config.h"

/*
 * A new field must be written by config_write and compared below (and, if it
 * is a secret, hidden). These sizes make adding one without that a build error.
 */
_Static_assert(sizeof(struct dpsec_config) == 400, "new top-level field: write and compare it");
_Static_assert(sizeof(struct cfg_dataplane) == 32, "new dataplane field: write and compare it");
_Static_assert(sizeof(struct cfg_cli) == 204, "new cli field: write and compare it");
_Static_assert(sizeof(struct cfg_isakmp) == 1, "new isakmp field (a psk?): write, hide, compare");
_Static_assert(sizeof(struct cfg_logging) == 24, "new logging field: write and compare it");
_Static_assert(sizeof(struct cfg_interface) == 624, "new interface field: write and compare it");
_Static_assert(sizeof(struct cfg_neighbor) == 12, "new neighbor field: write and compare it");
_Static_assert(sizeof(struct cfg_route) == 24, "new route field: write and compare it");
_Static_assert(sizeof(struct cfg_transform_set) == 72, "new transform set field: write it");
_Static_assert(sizeof(struct cfg_acl) == 28, "new match field: write and compare it");
_Static_assert(sizeof(struct cfg_map_entry) == 48, "new map entry field: write and compare it");
_Static_assert(sizeof(struct cfg_crypto_map) == 72, "new crypto map field: write and compare it");
_Static_assert(sizeof(struct cfg_manual_sa) == 172, "new manual SA field: write and compare it");

struct text {
	char *s;
	size_t len;
};

static void
put(void *ctx, const char *s, size_t n)
{
	struct text *t = ctx;

	t->s = realloc(t->s, t->len + n + 1);
	assert_non_null(t->s);
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static struct text
write_cfg(const struct dpsec_config *cfg, bool hide_keys)
{
	const struct cfg_write_opts opts = {.hide_keys = hide_keys};
	struct text t = {NULL, 0};

	config_write(cfg, &opts, put, &t);
	assert_non_null(t.s);
	return t;
}

static struct dpsec_config *
parse(const char *name, const char *text)
{
	char err[512];
	struct dpsec_config *cfg = config_parse(name, text, strlen(text), err, sizeof(err));

	if (cfg == NULL)
		fail_msg("%s: %s\n--- text:\n%s", name, err, text);
	return cfg;
}

/* ---- field by field ---- */

#define EQ(field)                                                                                  \
	do {                                                                                       \
		if ((a)->field != (b)->field)                                                      \
			fail_msg("%s: %s differs: %llu != %llu", where, #field,                    \
				 (unsigned long long)(a)->field, (unsigned long long)(b)->field);  \
	} while (0)
#define EQ_STR(field)                                                                              \
	do {                                                                                       \
		if (strcmp((a)->field, (b)->field) != 0)                                           \
			fail_msg("%s: %s differs: '%s' != '%s'", where, #field, (a)->field,        \
				 (b)->field);                                                      \
	} while (0)
#define EQ_MEM(field, n)                                                                           \
	do {                                                                                       \
		if (memcmp((a)->field, (b)->field, n) != 0)                                        \
			fail_msg("%s: %s differs", where, #field);                                 \
	} while (0)

static void
eq_globals(const struct dpsec_config *a, const struct dpsec_config *b, const char *where)
{
	EQ_STR(hostname);
	EQ(dp.n_eal);
	for (uint32_t i = 0; i < a->dp.n_eal; i++)
		EQ_STR(dp.eal[i]);
	EQ(dp.burst);
	EQ(dp.mbufs);
	EQ(dp.rx_desc);
	EQ(dp.tx_desc);
	EQ(dp.replay_window);
	EQ(dp.sa_max);
	EQ_STR(cli.socket);
	EQ_STR(cli.group);
	EQ_STR(cli.admin_group);
	EQ(isakmp.invalid_spi_recovery);
	EQ(logging.buffer);
	EQ(logging.syslog);
	EQ(logging.invalid_spi_interval);
	EQ(logging.replay_interval);
	EQ(logging.mac_interval);
	EQ(logging.rate);
}

static void
eq_interface(const struct cfg_interface *a, const struct cfg_interface *b, const char *where)
{
	EQ_STR(name);
	EQ_STR(device);
	EQ(addr);
	EQ(prefix_len);
	EQ(has_addr6);
	EQ_MEM(addr6, 16);
	EQ(prefix6_len);
	EQ(role);
	EQ(crypto_map);
	EQ(has_next_hop_mac);
	EQ_MEM(next_hop_mac, 6);
	EQ(n_neighbors);
	for (uint32_t k = 0; k < a->n_neighbors; k++) {
		EQ(neighbors[k].ip);
		EQ_MEM(neighbors[k].mac, 6);
	}
	EQ(mtu);
}

static void
eq_acl(const struct cfg_acl *a, const struct cfg_acl *b, const char *where)
{
	EQ(src.addr);
	EQ(src.len);
	EQ(dst.addr);
	EQ(dst.len);
	EQ(proto);
	EQ(sport[0]);
	EQ(sport[1]);
	EQ(dport[0]);
	EQ(dport[1]);
}

static void
eq_map(const struct cfg_crypto_map *a, const struct cfg_crypto_map *b, const char *where)
{
	EQ_STR(name);
	EQ(iface);
	EQ(n_entries);
	for (uint32_t j = 0; j < a->n_entries; j++) {
		EQ(entries[j].seq);
		EQ(entries[j].peer);
		EQ(entries[j].transform_set);
		EQ(entries[j].lifetime_sec);
		EQ(entries[j].lifetime_kb);
		EQ(entries[j].replay_window);
		EQ(entries[j].n_match);
		for (uint32_t k = 0; k < a->entries[j].n_match; k++)
			eq_acl(&a->entries[j].match[k], &b->entries[j].match[k], where);
	}
}

static void
eq_manual_sa(const struct cfg_manual_sa *a, const struct cfg_manual_sa *b, const char *where)
{
	EQ(map);
	EQ(entry);
	EQ(dir);
	EQ(spi);
	EQ(cipher_key.len);
	EQ_MEM(cipher_key.b, a->cipher_key.len);
	EQ(auth_key.len);
	EQ_MEM(auth_key.b, a->auth_key.len);
	EQ(udp_encap);
	EQ(allow_unsafe_gcm);
	EQ(local_port);
	EQ(peer_port);
	EQ(initial_sequence);
	EQ(local);
	EQ(peer);
}

static void
eq_config(const struct dpsec_config *a, const struct dpsec_config *b, const char *where)
{
	eq_globals(a, b, where);
	EQ(n_interfaces);
	for (uint32_t i = 0; i < a->n_interfaces; i++)
		eq_interface(&a->interfaces[i], &b->interfaces[i], where);
	EQ(n_routes);
	for (uint32_t i = 0; i < a->n_routes; i++) {
		EQ(routes[i].dst.addr);
		EQ(routes[i].dst.len);
		EQ(routes[i].iface);
		EQ(routes[i].via);
	}
	EQ(n_transform_sets);
	for (uint32_t i = 0; i < a->n_transform_sets; i++) {
		EQ_STR(transform_sets[i].name);
		EQ(transform_sets[i].cipher);
		EQ(transform_sets[i].auth);
		EQ(transform_sets[i].mode);
		EQ(transform_sets[i].esn);
	}
	EQ(n_crypto_maps);
	for (uint32_t i = 0; i < a->n_crypto_maps; i++)
		eq_map(&a->crypto_maps[i], &b->crypto_maps[i], where);
	EQ(n_manual_sas);
	for (uint32_t i = 0; i < a->n_manual_sas; i++)
		eq_manual_sa(&a->manual_sas[i], &b->manual_sas[i], where);
}

/* parse(write(cfg)) == cfg, and write of that == the same text. */
static void
round_trip(const struct dpsec_config *cfg, const char *where)
{
	struct text t = write_cfg(cfg, false), t2;
	struct dpsec_config *back = parse(where, t.s);

	eq_config(cfg, back, where);
	t2 = write_cfg(back, false);
	assert_string_equal(t.s, t2.s);
	config_free(back);
	free(t.s);
	free(t2.s);
}

static void
test_examples(void **state)
{
	DIR *d = opendir(DPSEC_EXAMPLES_DIR);
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[512], err[512];
		struct dpsec_config *cfg;

		if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", DPSEC_EXAMPLES_DIR, de->d_name);
		cfg = config_load(path, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		round_trip(cfg, path);
		config_free(cfg);
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
}

/*
 * Every key of docs/CONFIG.md, values off their defaults where they have
 * one, and strings YAML would misread if written plain.
 */
static const char full_head[] =
	"hostname: \"123\"\n"
	"dataplane:\n"
	"  eal: [--no-pci, --vdev=net_null0, \"a b\", \"q\\\"uote\", \"back\\\\slash\", "
	"\"tab\\there\", \"#hash\", \"colon: x\", \"- dash\", \"-\", \"\", \"true\", \"~\", "
	"\"512\", \"0x1f\", \"1.5\", \"1e3\", \"\\u00fcn\\u00ef\", \"[x]\", \"{y}\", \"a,b\", "
	"\"'s'\", \"%p\", \"*alias\", \"&anchor\", \"!tag\", \"|\", \">\", \"@\", \"`\", "
	"\"ctl\\x01\", \"trail \"]\n"
	"  burst: 64\n"
	"  mbufs: 1023\n"
	"  rx_desc: 64\n"
	"  tx_desc: 4096\n"
	"  replay_window: 0\n"
	"  sa_max: 16\n"
	"cli:\n"
	"  socket: \"/tmp/dpsec full: test.sock\"\n"
	"  group: wheel\n"
	"  admin_group: \"adm\"\n"
	"isakmp:\n"
	"  invalid_spi_recovery: true\n";

/* logging goes here, when the parser has it */

static const char full_tail[] =
	"transform_sets:\n"
	"  \"no\": {transforms: [esp-gcm]}\n"
	"  TS-GCM256: {transforms: [esp-gcm 256], esn: true}\n"
	"  TS-CBC128: {transforms: [esp-aes, esp-sha-hmac], mode: tunnel}\n"
	"  TS-CBC256: {transforms: [esp-aes 256, esp-sha512-hmac]}\n"
	"  TS-NULL: {transforms: [esp-sha256-hmac, esp-null]}\n"
	"crypto_maps:\n"
	"  MAP-A:\n"
	"    - seq: 20\n"
	"      peer: 192.0.2.1\n"
	"      transform_set: \"no\"\n"
	"      match:\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.0.0/24}\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.9.0/24, proto: udp, sport: 1000-2000, dport: 53}\n"
	"        - {src: 0.0.0.0/0, dst: 10.1.0.0/16, proto: tcp, sport: 22}\n"
	"        - {src: 10.0.2.1/32, dst: 10.0.8.0/24, proto: icmp}\n"
	"        - {src: 10.0.2.1, dst: 10.0.7.0/24, proto: 47}\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.6.0/24, proto: any}\n"
	"      lifetime: {seconds: 120, kilobytes: 2560}\n"
	"      replay_window: 4096\n"
	"    - seq: 10\n"
	"      peer: 192.0.2.5\n"
	"      transform_set: TS-CBC256\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.5.0.0/16}]\n"
	"      lifetime: {seconds: 86400}\n"
	"  \"true\":\n"
	"    - seq: 1\n"
	"      peer: 198.51.100.1\n"
	"      transform_set: TS-NULL\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.6.0.0/16}]\n"
	"      lifetime: {kilobytes: 4294967295}\n"
	"  UNUSED:\n"
	"    - seq: 65535\n"
	"      peer: 203.0.113.1\n"
	"      transform_set: TS-GCM256\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.7.0.0/16}]\n"
	"      replay_window: 32\n"
	"    - seq: 7\n"
	"      peer: 203.0.113.7\n"
	"      transform_set: TS-CBC128\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.8.0.0/16}]\n"
	"interfaces:\n"
	"  - name: inside0/1\n"
	"    device: \"net_pcap0,rx_pcap=/tmp/a.pcap,tx_pcap=/tmp/b.pcap\"\n"
	"    address: 10.0.2.1/24\n"
	"    role: inside\n"
	"    neighbors:\n"
	"      - {ip: 10.0.2.2, mac: \"02:00:00:00:02:02\"}\n"
	"      - {ip: 10.0.2.254, mac: \"AA:BB:CC:DD:EE:FF\"}\n"
	"    mtu: 9000\n"
	"  - name: outside0\n"
	"    device: \"0000:00:08.0\"\n"
	"    address: 192.0.2.2/24\n"
	"    address6: 2001:db8::2/64\n"
	"    role: outside\n"
	"    crypto_map: MAP-A\n"
	"    next_hop_mac: \"02:00:00:00:0a:01\"\n"
	"    mtu: 576\n"
	"  - name: \"null\"\n"
	"    device: net_null0\n"
	"    address: 198.51.100.2/31\n"
	"    address6: \"fe80::1/128\"\n"
	"    role: outside\n"
	"    crypto_map: \"true\"\n"
	"routes:\n"
	"  - {prefix: 10.0.3.0/24, interface: inside0/1, via: 10.0.2.254}\n"
	"  - {prefix: 0.0.0.0/0, interface: inside0/1}\n"
	"manual_sas:\n"
	"  - {crypto_map: MAP-A, seq: 20, direction: in, spi: 256,\n"
	"     cipher_key: \"000102030405060708090a0b0c0d0e0f10111213\", allow_unsafe_manual_gcm: "
	"yes}\n"
	"  - {crypto_map: MAP-A, seq: 20, direction: out, spi: 0xffffffff, udp_encap: true,\n"
	"     cipher_key: \"0x202122232425262728292A2B2C2D2E2F30313233\",\n"
	"     initial_sequence: 4294967294, allow_unsafe_manual_gcm: true}\n"
	"  - crypto_map: MAP-A\n"
	"    seq: 10\n"
	"    direction: inbound\n"
	"    spi: 0x3001\n"
	"    cipher_key: \"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f\"\n"
	"    auth_key: \"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f\"\n"
	"    udp_encap: {local_port: 4500, peer_port: 1}\n"
	"  - crypto_map: \"true\"\n"
	"    seq: 1\n"
	"    direction: outbound\n"
	"    spi: 0x4001\n"
	"    cipher_key: \"\"\n"
	"    auth_key: \"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\"\n"
	"    udp_encap: false\n"
	"    initial_sequence: 0\n";

static const char logging_section[] = "logging: {buffer: 4096, syslog: false, "
				      "invalid_spi_interval: 1, replay_interval: 3600, "
				      "mac_interval: 7, rate: 10000}\n";

/* The logging section arrived in the parser after config_write; cover it once it is there. */
static bool
parser_has_logging(void)
{
	static const char probe[] =
		"logging: {buffer: 4096}\n"
		"interfaces:\n"
		"  - {name: a, device: net_null0, address: 10.0.0.1/24, role: inside}\n"
		"  - {name: b, device: net_null1, address: 10.0.1.1/24, role: outside}\n";
	struct dpsec_config *cfg = config_parse("probe", probe, strlen(probe), NULL, 0);
	bool ok = cfg != NULL;

	config_free(cfg);
	return ok;
}

static struct dpsec_config *
full(void)
{
	static char text[sizeof(full_head) + sizeof(logging_section) + sizeof(full_tail)];
	bool logging = parser_has_logging();

	if (!logging)
		print_message("config_parse has no 'logging' section yet: left out\n");
	snprintf(text, sizeof(text), "%s%s%s", full_head, logging ? logging_section : "",
		 full_tail);
	return parse("full", text);
}

static void
test_full(void **state)
{
	struct dpsec_config *cfg = full();

	(void)state;
	/* The YAML above means what it says, so the round trip checks something. */
	assert_int_equal(cfg->dp.n_eal, 32);
	assert_string_equal(cfg->dp.eal[5], "tab\there");
	assert_string_equal(cfg->dp.eal[17], "\xc3\xbcn\xc3\xaf");
	assert_string_equal(cfg->transform_sets[0].name, "no");
	assert_int_equal(cfg->crypto_maps[0].entries[0].seq, 10);
	assert_int_equal(cfg->n_manual_sas, 4);
	assert_int_equal(cfg->manual_sas[1].initial_sequence, 4294967294u);
	assert_int_equal(cfg->manual_sas[3].cipher_key.len, 0);
	assert_true(cfg->manual_sas[0].allow_unsafe_gcm);
	assert_true(cfg->manual_sas[1].allow_unsafe_gcm);
	assert_false(cfg->manual_sas[2].allow_unsafe_gcm);
	round_trip(cfg, "full");
	config_free(cfg);
}

static bool
has_hex(const char *text, const struct secret *s)
{
	char lo[2 * SECRET_MAX + 1], up[2 * SECRET_MAX + 1];
	size_t n = s->len < 8 ? s->len : 8;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		snprintf(lo + 2 * i, 3, "%02x", s->b[i]);
		snprintf(up + 2 * i, 3, "%02X", s->b[i]);
	}
	return strstr(text, lo) != NULL || strstr(text, up) != NULL;
}

/* What the CLI writes: no key, in any case, anywhere; "(hidden)" in its place. */
static void
test_keys_hidden(void **state)
{
	struct dpsec_config *cfg = full();
	struct text t = write_cfg(cfg, true), shown = write_cfg(cfg, false);
	size_t hidden = 0, shown_len = shown.len;

	(void)state;
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		assert_false(has_hex(t.s, &cfg->manual_sas[i].cipher_key));
		assert_false(has_hex(t.s, &cfg->manual_sas[i].auth_key));
		assert_true(cfg->manual_sas[i].cipher_key.len == 0 ||
			    has_hex(shown.s, &cfg->manual_sas[i].cipher_key));
	}
	for (const char *p = t.s; (p = strstr(p, ": (hidden)\n")) != NULL; p++)
		hidden++;
	assert_int_equal(hidden, 5); /* 3 cipher keys (esp-null has none), 2 auth keys */
	/* Hidden keys do not load: a pasted running-config cannot start with fake keys. */
	assert_null(config_parse("hidden", t.s, t.len, NULL, 0));
	config_write(cfg, NULL, put, &shown); /* NULL opts: hidden too */
	assert_non_null(strstr(shown.s + shown_len, "(hidden)"));
	free(t.s);
	free(shown.s);
	config_free(cfg);
}

static void
test_recovery_override(void **state)
{
	struct dpsec_config *cfg = full();
	struct cfg_write_opts opts = {.hide_keys = true, .set_recovery = true};
	struct text t = {NULL, 0};

	(void)state;
	assert_true(cfg->isakmp.invalid_spi_recovery);
	config_write(cfg, &opts, put, &t);
	assert_non_null(strstr(t.s, "isakmp:\n  invalid_spi_recovery: false\n"));
	free(t.s);
	t = (struct text){NULL, 0};
	opts.set_recovery = false;
	config_write(cfg, &opts, put, &t);
	assert_non_null(strstr(t.s, "isakmp:\n  invalid_spi_recovery: true\n"));
	free(t.s);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_keys_hidden),
		cmocka_unit_test(test_recovery_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
