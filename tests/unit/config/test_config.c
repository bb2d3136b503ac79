/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configurations that load: every field and every default of a full config,
 * the example configs shipped in config/, and the properties that hold on any
 * input (keys never appear in messages, truncated input never crashes).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "dpsec/ip6.h"

#include "dpsec/config.h"

#include "vma.h"

#define KEY_CBC "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_SHA512                                                                                 \
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"                         \
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
#define KEY_GCM "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"
#define KEY_SHA1 "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3"

/* Every key set, none to its default. */
static const char full_yaml[] =
	"hostname: gw-B.lab_1\n"
	"dataplane:\n"
	"  eal: [--no-pci, -l, \"0-3\", 512]\n"
	"  burst: 64\n"
	"  mbufs: 16383\n"
	"  rx_desc: 2048\n"
	"  tx_desc: 64\n"
	"  replay_window: 0\n"
	"  sa_max: 1024\n"
	"cli:\n"
	"  socket: /tmp/x.sock\n"
	"  group: dpsec\n"
	"  admin_group: netadm\n"
	"isakmp:\n"
	"  invalid_spi_recovery: yes\n"
	"transform_sets:\n"
	"  TS-CBC:\n"
	"    transforms: [esp-sha512-hmac, esp-aes 256]\n"
	"    mode: tunnel\n"
	"    esn: true\n"
	"  TS-GCM: {transforms: [esp-gcm]}\n"
	"  TS-NULL: {transforms: [esp-null, esp-sha-hmac]}\n"
	"crypto_maps:\n"
	"  VPN:\n"
	"    - seq: 20\n"
	"      peer: 198.51.100.7\n"
	"      transform_set: TS-GCM\n"
	"      match:\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.0.0/24}\n"
	"    - seq: 10\n"
	"      peer: 192.0.2.1\n"
	"      transform_set: TS-CBC\n"
	"      match:\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.9.0/24, proto: udp, sport: 1000-2000, dport: 53}\n"
	"        - {src: 10.0.2.5, dst: 0.0.0.0/0, proto: 47}\n"
	"      lifetime: {seconds: 28800, kilobytes: 2560}\n"
	"      replay_window: 4096\n"
	"  OTHER:\n"
	"    - {seq: 5, peer: 203.0.113.9, transform_set: TS-NULL,\n"
	"       match: [{src: 10.1.0.0/16, dst: 10.9.0.0/16, proto: icmp}]}\n"
	"interfaces:\n"
	"  - name: port0/in\n"
	"    device: \"net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap\"\n"
	"    address: 10.0.2.1/24\n"
	"    role: inside\n"
	"    next_hop_mac: \"02:00:00:00:02:02\"\n"
	"    neighbors:\n"
	"      - {ip: 10.0.2.2, mac: \"02:00:00:00:02:02\"}\n"
	"      - {ip: 10.0.2.3, mac: \"AA:BB:CC:DD:EE:FF\"}\n"
	"    mtu: 9000\n"
	"    tcp_adjust_mss: 1360\n"
	"  - name: out0\n"
	"    device: net_null0\n"
	"    address: 192.0.2.2/24\n"
	"    role: outside\n"
	"    crypto_map: VPN\n"
	"  - name: out1\n"
	"    device: net_null1\n"
	"    address: 203.0.113.2/25\n"
	"    role: outside\n"
	"    crypto_map: OTHER\n"
	"routes:\n"
	"  - {prefix: 10.0.3.0/24, interface: port0/in, via: 10.0.2.254}\n"
	"  - {prefix: 0.0.0.0/0, interface: port0/in}\n"
	"manual_sas:\n"
	"  - crypto_map: VPN\n"
	"    seq: 10\n"
	"    direction: inbound\n"
	"    spi: 0x1000\n"
	"    cipher_key: 0x" KEY_CBC "\n"
	"    auth_key: \"" KEY_SHA512 "\"\n"
	"    udp_encap: {peer_port: 4501}\n"
	"  - crypto_map: VPN\n"
	"    seq: 20\n"
	"    direction: out\n"
	"    spi: 4096\n"
	"    cipher_key: " KEY_GCM "\n"
	"    udp_encap: true\n"
	"    allow_unsafe_manual_gcm: true\n"
	"  - crypto_map: OTHER\n"
	"    seq: 5\n"
	"    direction: in\n"
	"    spi: 4294967295\n"
	"    cipher_key: \"\"\n"
	"    auth_key: " KEY_SHA1 "\n"
	/* last, so the positions checked above stay put */
	"logging:\n"
	"  buffer: 16777216\n"
	"  syslog: false\n"
	"  invalid_spi_interval: 3600\n"
	"  replay_interval: 1\n"
	"  mac_interval: 45\n"
	"  rate: 10000\n";

static uint32_t
ip(const char *s)
{
	uint32_t a = 0;

	assert_true(ip4_parse(s, &a));
	return a;
}

static void
check_hex(const struct secret *s, const char *hex)
{
	char buf[2 * SECRET_MAX + 1];

	assert_int_equal(s->len, strlen(hex) / 2);
	for (size_t i = 0; i < s->len; i++)
		snprintf(buf + 2 * i, 3, "%02x", s->b[i]);
	buf[2 * s->len] = '\0';
	assert_string_equal(buf, hex);
}

static void
check_globals(const struct dpsec_config *cfg)
{
	assert_string_equal(cfg->path, "full.yaml");
	assert_string_equal(cfg->hostname, "gw-B.lab_1");
	assert_int_equal(cfg->dp.n_eal, 4);
	assert_string_equal(cfg->dp.eal[0], "--no-pci");
	assert_string_equal(cfg->dp.eal[1], "-l");
	assert_string_equal(cfg->dp.eal[2], "0-3");
	assert_string_equal(cfg->dp.eal[3], "512");
	assert_int_equal(cfg->dp.burst, 64);
	assert_int_equal(cfg->dp.mbufs, 16383);
	assert_int_equal(cfg->dp.rx_desc, 2048);
	assert_int_equal(cfg->dp.tx_desc, 64);
	assert_int_equal(cfg->dp.replay_window, 0);
	assert_int_equal(cfg->dp.sa_max, 1024);
	assert_string_equal(cfg->cli.socket, "/tmp/x.sock");
	assert_string_equal(cfg->cli.group, "dpsec");
	assert_string_equal(cfg->cli.admin_group, "netadm");
	assert_true(cfg->isakmp.invalid_spi_recovery);
	assert_int_equal(cfg->logging.buffer, 16777216);
	assert_false(cfg->logging.syslog);
	assert_int_equal(cfg->logging.invalid_spi_interval, 3600);
	assert_int_equal(cfg->logging.replay_interval, 1);
	assert_int_equal(cfg->logging.mac_interval, 45);
	assert_int_equal(cfg->logging.rate, 10000);
}

static void
check_interfaces(const struct dpsec_config *cfg)
{
	const struct cfg_interface *in = &cfg->interfaces[0], *o0 = &cfg->interfaces[1];
	const struct cfg_interface *o1 = &cfg->interfaces[2];
	static const uint8_t mac2[6] = {2, 0, 0, 0, 2, 2}, macf[6] = {0xaa, 0xbb, 0xcc, 0xdd,
								      0xee, 0xff};

	assert_int_equal(cfg->n_interfaces, 3);
	assert_string_equal(in->name, "port0/in");
	assert_string_equal(in->device, "net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap");
	assert_int_equal(in->addr, ip("10.0.2.1"));
	assert_int_equal(in->prefix_len, 24);
	assert_int_equal(in->role, CFG_ROLE_INSIDE);
	assert_int_equal(in->crypto_map, CFG_NONE);
	assert_true(in->has_next_hop_mac);
	assert_memory_equal(in->next_hop_mac, mac2, 6);
	assert_int_equal(in->n_neighbors, 2);
	assert_int_equal(in->neighbors[0].ip, ip("10.0.2.2"));
	assert_memory_equal(in->neighbors[0].mac, mac2, 6);
	assert_int_equal(in->neighbors[1].ip, ip("10.0.2.3"));
	assert_memory_equal(in->neighbors[1].mac, macf, 6);
	assert_int_equal(in->mtu, 9000);
	assert_int_equal(in->tcp_adjust_mss, 1360);
	assert_int_equal(in->pos.line, 42);
	assert_int_equal(in->pos.col, 5);

	assert_string_equal(o0->name, "out0");
	assert_int_equal(o0->role, CFG_ROLE_OUTSIDE);
	assert_int_equal(o0->crypto_map, 0);
	assert_false(o0->has_next_hop_mac);
	assert_int_equal(o0->n_neighbors, 0);
	assert_null(o0->neighbors);
	assert_int_equal(o0->mtu, 1500);
	assert_int_equal(o0->tcp_adjust_mss, 0);	/* off unless set, as IOS */
	assert_int_equal(o1->addr, ip("203.0.113.2"));
	assert_int_equal(o1->prefix_len, 25);
	assert_int_equal(o1->crypto_map, 1);

	assert_int_equal(cfg->n_routes, 2);
	assert_int_equal(cfg->routes[0].dst.addr, ip("10.0.3.0"));
	assert_int_equal(cfg->routes[0].dst.len, 24);
	assert_int_equal(cfg->routes[0].iface, 0);
	assert_int_equal(cfg->routes[0].via, ip("10.0.2.254"));
	assert_int_equal(cfg->routes[1].dst.addr, 0);
	assert_int_equal(cfg->routes[1].dst.len, 0);
	assert_int_equal(cfg->routes[1].via, 0);
}

static void
check_transform_sets(const struct dpsec_config *cfg)
{
	const struct cfg_transform_set *ts = cfg->transform_sets;

	assert_int_equal(cfg->n_transform_sets, 3);
	assert_string_equal(ts[0].name, "TS-CBC");
	assert_int_equal(ts[0].cipher, DP_CIPHER_AES_CBC_256);
	assert_int_equal(ts[0].auth, DP_AUTH_HMAC_SHA512_256);
	assert_int_equal(ts[0].mode, CFG_MODE_TUNNEL);
	assert_true(ts[0].esn);
	assert_int_equal(ts[0].pos.line, 17);
	assert_int_equal(ts[0].pos.col, 3);
	assert_string_equal(ts[1].name, "TS-GCM");
	assert_int_equal(ts[1].cipher, DP_CIPHER_AES_GCM_128);	/* "esp-gcm" defaults to 128 */
	assert_int_equal(ts[1].auth, DP_AUTH_NONE);
	assert_false(ts[1].esn);
	assert_int_equal(ts[2].cipher, DP_CIPHER_NULL);
	assert_int_equal(ts[2].auth, DP_AUTH_HMAC_SHA1_96);
}

static void
check_crypto_maps(const struct dpsec_config *cfg)
{
	const struct cfg_crypto_map *vpn = &cfg->crypto_maps[0], *other = &cfg->crypto_maps[1];
	const struct cfg_map_entry *e10 = &vpn->entries[0], *e20 = &vpn->entries[1];
	const struct cfg_acl *udp = &e10->match[0], *gre = &e10->match[1];

	assert_int_equal(cfg->n_crypto_maps, 2);
	assert_string_equal(vpn->name, "VPN");
	assert_int_equal(vpn->iface, 1);
	assert_int_equal(other->iface, 2);
	/* Written 20 then 10: stored sorted by seq. */
	assert_int_equal(vpn->n_entries, 2);
	assert_int_equal(e10->seq, 10);
	assert_int_equal(e10->peer, ip("192.0.2.1"));
	assert_int_equal(e10->transform_set, 0);
	assert_int_equal(e10->lifetime_sec, 28800);
	assert_int_equal(e10->lifetime_kb, 2560);
	assert_int_equal(e10->replay_window, 4096);
	assert_int_equal(e10->pos.line, 30);
	assert_int_equal(e10->n_match, 2);
	assert_int_equal(udp->src.addr, ip("10.0.2.0"));
	assert_int_equal(udp->src.len, 24);
	assert_int_equal(udp->dst.addr, ip("10.0.9.0"));
	assert_int_equal(udp->proto, 17);
	assert_int_equal(udp->sport[0], 1000);
	assert_int_equal(udp->sport[1], 2000);
	assert_int_equal(udp->dport[0], 53);
	assert_int_equal(udp->dport[1], 53);
	assert_int_equal(gre->src.addr, ip("10.0.2.5"));
	assert_int_equal(gre->src.len, 32);
	assert_int_equal(gre->dst.len, 0);
	assert_int_equal(gre->proto, 47);
	assert_int_equal(gre->sport[0], 0);
	assert_int_equal(gre->sport[1], 65535);
	assert_int_equal(gre->dport[1], 65535);

	assert_int_equal(e20->seq, 20);
	assert_int_equal(e20->transform_set, 1);
	assert_int_equal(e20->lifetime_sec, 3600);
	assert_int_equal(e20->lifetime_kb, 4608000);
	assert_int_equal(e20->replay_window, 0);	/* dataplane.replay_window */
	assert_int_equal(e20->match[0].proto, 0);
	assert_int_equal(other->entries[0].match[0].proto, 1);
}

static void
check_manual_sas(const struct dpsec_config *cfg)
{
	const struct cfg_manual_sa *sa = cfg->manual_sas;

	assert_int_equal(cfg->n_manual_sas, 3);
	assert_int_equal(sa[0].map, 0);
	assert_int_equal(sa[0].entry, 0);
	assert_int_equal(sa[0].dir, CFG_DIR_IN);
	assert_int_equal(sa[0].spi, 0x1000);
	check_hex(&sa[0].cipher_key, KEY_CBC);
	check_hex(&sa[0].auth_key, KEY_SHA512);
	assert_true(sa[0].udp_encap);
	assert_int_equal(sa[0].local_port, 4500);
	assert_int_equal(sa[0].peer_port, 4501);
	assert_int_equal(sa[0].local, ip("192.0.2.2"));
	assert_int_equal(sa[0].peer, ip("192.0.2.1"));

	assert_int_equal(sa[1].entry, 1);
	assert_int_equal(sa[1].dir, CFG_DIR_OUT);
	assert_int_equal(sa[1].spi, 4096);
	check_hex(&sa[1].cipher_key, KEY_GCM);
	assert_true(sa[1].allow_unsafe_gcm);
	assert_false(sa[0].allow_unsafe_gcm);
	assert_int_equal(sa[1].auth_key.len, 0);
	assert_true(sa[1].udp_encap);
	assert_int_equal(sa[1].local_port, 4500);
	assert_int_equal(sa[1].peer, ip("198.51.100.7"));

	assert_int_equal(sa[2].map, 1);
	assert_int_equal(sa[2].spi, 0xffffffffu);
	assert_int_equal(sa[2].cipher_key.len, 0);
	check_hex(&sa[2].auth_key, KEY_SHA1);
	assert_false(sa[2].udp_encap);
	assert_int_equal(sa[2].local, ip("203.0.113.2"));
	assert_int_equal(sa[2].peer, ip("203.0.113.9"));
	/* the keys are in memory a core dump leaves out (MADV_DONTDUMP) */
	assert_int_equal(vma_dontdump(&sa[0].cipher_key), 1);
	assert_int_equal(vma_dontdump(&sa[2].auth_key), 1);
}

static void
test_full(void **state)
{
	char err[512] = "";
	struct dpsec_config *cfg = config_parse("full.yaml", full_yaml, strlen(full_yaml), err,
						sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(err, "");
	check_globals(cfg);
	check_interfaces(cfg);
	check_transform_sets(cfg);
	check_crypto_maps(cfg);
	check_manual_sas(cfg);
	config_free(cfg);
}

/* Only what is required: everything else takes the documented default. */
static const char min_yaml[] =
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside}\n";

static void
test_defaults(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_parse("min.yaml", min_yaml, strlen(min_yaml), err,
						sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->hostname, "dpsec");
	assert_int_equal(cfg->dp.n_eal, 0);
	assert_null(cfg->dp.eal);
	assert_int_equal(cfg->dp.burst, 32);
	assert_int_equal(cfg->dp.mbufs, 8191);
	assert_int_equal(cfg->dp.rx_desc, 1024);
	assert_int_equal(cfg->dp.tx_desc, 1024);
	assert_int_equal(cfg->dp.replay_window, 64);
	assert_int_equal(cfg->dp.sa_max, 65536);
	assert_string_equal(cfg->cli.socket, "/run/dpsec/dpsecd.sock");
	assert_string_equal(cfg->cli.group, "");
	assert_string_equal(cfg->cli.admin_group, "");
	assert_false(cfg->isakmp.invalid_spi_recovery);
	assert_int_equal(cfg->isakmp.recovery_packets, 2);
	assert_int_equal(cfg->isakmp.recovery_window, 10);
	assert_int_equal(cfg->isakmp.recovery_holddown, 5);
	assert_int_equal(cfg->isakmp.recovery_rate, 5);
	assert_int_equal(cfg->logging.buffer, 65536);
	assert_true(cfg->logging.syslog);
	assert_int_equal(cfg->logging.invalid_spi_interval, 60);
	assert_int_equal(cfg->logging.replay_interval, 30);
	assert_int_equal(cfg->logging.mac_interval, 30);
	assert_int_equal(cfg->logging.rate, 20);
	assert_int_equal(cfg->interfaces[1].crypto_map, CFG_NONE);
	assert_int_equal(cfg->interfaces[1].mtu, 1500);
	assert_int_equal(cfg->n_routes + cfg->n_transform_sets + cfg->n_crypto_maps +
				 cfg->n_manual_sas,
			 0);
	config_free(cfg);
}

/* The YAML 1.1 spellings we accept, and the map entry's replay window default. */
static void
test_spellings(void **state)
{
	static const char yaml[] =
		"isakmp: {invalid_spi_recovery: True}\n"
		"dataplane: {replay_window: 32, burst: 0x10}\n"
		"logging: {syslog: No, rate: 0x14, buffer: 4096}\n"
		"transform_sets:\n"
		"  T: {transforms: [\"esp-aes  256\", \" esp-sha256-hmac\"], esn: NO}\n"
		"crypto_maps:\n"
		"  M: [{seq: 1, peer: 192.0.2.1, transform_set: T, match: [{src: 10.0.0.0/8, "
		"dst: 0.0.0.0/0, proto: any}, {src: 10.0.0.0/8, dst: 0.0.0.0/0, proto: tcp, "
		"dport: 0-65535}]}]\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
		"crypto_map: M, address6: \"2001:DB8::2/64\"}\n"
		"manual_sas:\n"
		"  - {crypto_map: M, seq: 1, direction: outbound, spi: 256, cipher_key: " KEY_CBC
		", auth_key: \"0X" KEY_CBC "\", udp_encap: false, initial_sequence: 0xfffffff0}\n";
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	char err[512];
	struct dpsec_config *cfg = config_parse("s.yaml", yaml, strlen(yaml), err, sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(cfg->isakmp.invalid_spi_recovery);
	assert_int_equal(cfg->dp.burst, 16);
	assert_false(cfg->logging.syslog);
	assert_int_equal(cfg->logging.rate, 20);
	assert_int_equal(cfg->logging.buffer, 4096);
	assert_int_equal(cfg->logging.invalid_spi_interval, 60);	/* the rest: defaults */
	assert_int_equal(cfg->transform_sets[0].cipher, DP_CIPHER_AES_CBC_256);
	assert_int_equal(cfg->transform_sets[0].auth, DP_AUTH_HMAC_SHA256_128);
	assert_false(cfg->transform_sets[0].esn);
	assert_int_equal(cfg->crypto_maps[0].entries[0].replay_window, 32);
	assert_int_equal(cfg->manual_sas[0].spi, 256);
	check_hex(&cfg->manual_sas[0].auth_key, KEY_CBC);
	assert_false(cfg->manual_sas[0].udp_encap);
	assert_int_equal(cfg->manual_sas[0].initial_sequence, 0xfffffff0u);
	assert_false(cfg->interfaces[0].has_addr6);
	assert_true(cfg->interfaces[1].has_addr6);
	assert_memory_equal(cfg->interfaces[1].addr6, v6, 16);
	assert_int_equal(cfg->interfaces[1].prefix6_len, 64);
	config_free(cfg);
}

/* Every *.yaml in config/ loads: examples that rot are worse than none. */
static void
test_examples(void **state)
{
	DIR *d = opendir(DPSEC_EXAMPLES_DIR);
	struct dirent *de;
	int loaded = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char path[1024], err[512];
		struct dpsec_config *cfg;

		if (n < 5 || strcmp(de->d_name + n - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", DPSEC_EXAMPLES_DIR, de->d_name);
		cfg = config_load(path, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s", err);
		assert_string_equal(cfg->path, path);
		assert_string_equal(cfg->hostname, "gwB");
		/* gwB of the seed: SAs keyed by hand, or by IKE (crypto map or tunnel). */
		if (cfg->n_manual_sas > 0 && cfg->manual_sas[0].v6) {
			/* over IPv6 (gwB-vti6.yaml): test_example_vti6 checks the endpoints */
			assert_int_equal(cfg->n_manual_sas, 2);
		} else if (cfg->n_manual_sas > 0) {
			assert_int_equal(cfg->n_manual_sas, 2);
			assert_int_equal(cfg->manual_sas[0].local, ip("192.0.2.2"));
			assert_int_equal(cfg->manual_sas[0].peer, ip("192.0.2.1"));
		} else if (cfg->n_crypto_maps == 0) {
			/* an IKE-keyed tunnel in place of the crypto map */
			assert_int_not_equal(cfg->tunnels[0].ike.ikev2_profile, CFG_NONE);
			/* over IPv6 (gwB-vti6-ike.yaml): test_example_vti6_ike checks the peer */
			if (!cfg->tunnels[0].ike.peer_v6)
				assert_int_equal(cfg->tunnels[0].ike.peer, ip("192.0.2.1"));
		} else {
			assert_int_not_equal(cfg->crypto_maps[0].entries[0].ikev2_profile, CFG_NONE);
			assert_int_equal(cfg->crypto_maps[0].entries[0].peer, ip("192.0.2.1"));
		}
		config_free(cfg);
		loaded++;
	}
	closedir(d);
	assert_true(loaded >= 2);
}

/* gwB-ipv6.yaml: IPv6 beside IPv4, each entry of one family inside and one outside. */
static void
test_example_ipv6(void **state)
{
	char err[512];
	struct dpsec_config *cfg =
		config_load(DPSEC_EXAMPLES_DIR "/gwB-ipv6.yaml", err, sizeof(err));
	const struct cfg_map_entry *e;
	uint8_t a[IP6_LEN];

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	e = cfg->crypto_maps[0].entries;
	assert_false(e[0].peer_v6 || e[0].inner_v6);
	assert_true(e[1].peer_v6 && e[1].inner_v6);
	assert_int_equal(e[1].peer, 0);
	assert_true(ip6_parse("2001:db8::1", a));
	assert_memory_equal(e[1].peer6, a, IP6_LEN);
	assert_true(e[1].match[0].v6);
	assert_int_equal(e[1].match[0].action, CFG_ACL_DENY);
	assert_int_equal(e[1].match[0].dst6.len, 48);
	assert_false(e[2].peer_v6);
	assert_true(e[2].inner_v6);
	assert_int_equal(e[2].match[0].proto, 58);	/* icmp on an IPv6 line is ICMPv6 */
	assert_int_equal(cfg->interfaces[0].n_neighbors, 1);
	assert_int_equal(cfg->interfaces[0].n_neighbors6, 2);
	assert_int_equal(cfg->interfaces[1].n_neighbors6, 1);
	assert_int_equal(cfg->n_routes, 0);
	assert_int_equal(cfg->n_routes6, 1);
	assert_true(ip6_parse("fe80::fe", a));
	assert_memory_equal(cfg->routes6[0].via, a, IP6_LEN);
	assert_false(cfg->manual_sas[0].v6);
	config_free(cfg);
}

/* gwB-ah.yaml: an AH transform set (RFC 4302) and its hand-keyed SAs, HMAC key only. */
/* gwB-ah-esp.yaml: an AH+ESP bundle, each manual SA with its ESP and its AH SPI and keys. */
static void
test_example_ah_esp(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-ah-esp.yaml", err,
					       sizeof(err));
	const struct cfg_manual_sa *sa;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->transform_sets[0].proto, IPPROTO_ESP);
	assert_int_equal(cfg->transform_sets[0].cipher, DP_CIPHER_AES_CBC_256);
	assert_int_equal(cfg->transform_sets[0].auth, DP_AUTH_HMAC_SHA256_128);
	assert_int_equal(cfg->transform_sets[0].ah_auth, DP_AUTH_HMAC_SHA256_128);
	assert_true(cfg_ts_bundle(&cfg->transform_sets[0]));
	assert_int_equal(cfg->n_manual_sas, 2);
	sa = &cfg->manual_sas[1];
	assert_int_equal(sa->spi, 0x4001);
	assert_int_equal(sa->ah_spi, 0x4002);
	assert_int_equal(sa->cipher_key.len, 32);
	assert_int_equal(sa->auth_key.b[0], 0xa0);
	assert_int_equal(sa->ah_auth_key.len, 32);
	assert_int_equal(sa->ah_auth_key.b[0], 0xc0);
	config_free(cfg);
}

static void
test_example_ah(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-ah.yaml", err, sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->n_transform_sets, 1);
	assert_int_equal(cfg->transform_sets[0].proto, IPPROTO_AH);
	assert_int_equal(cfg->transform_sets[0].cipher, DP_CIPHER_NULL);
	assert_int_equal(cfg->transform_sets[0].auth, DP_AUTH_HMAC_SHA256_128);
	assert_true(cfg->transform_sets[0].esn);
	assert_int_equal(cfg->n_manual_sas, 2);
	assert_int_equal(cfg->manual_sas[0].cipher_key.len, 0);
	assert_int_equal(cfg->manual_sas[0].auth_key.len, 32);
	assert_int_equal(cfg->manual_sas[0].auth_key.b[0], 0x60);
	assert_false(cfg->manual_sas[0].udp_encap);
	config_free(cfg);
}

/* gwB-vti6.yaml: an ipsec ipv6 tunnel, an IPv6 route into it, its SAs between IPv6 ends. */
static void
test_example_vti6(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-vti6.yaml", err,
					       sizeof(err));
	const struct cfg_tunnel *t;
	uint8_t a[16];

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->n_tunnels, 1);
	t = &cfg->tunnels[0];
	assert_string_equal(t->name, "Tunnel6");
	assert_int_equal(t->mode, CFG_TUNNEL_IPSEC_IPV6);
	assert_int_equal(t->source_iface, 1);
	assert_int_equal(t->source, 0);
	assert_int_equal(t->destination, 0);
	assert_true(ip6_parse("2001:db8::2", a));
	assert_memory_equal(t->source6, a, 16);
	assert_true(ip6_parse("2001:db8::1", a));
	assert_memory_equal(t->destination6, a, 16);
	assert_true(t->has_addr6);
	assert_int_equal(t->prefix6_len, 64);
	assert_int_equal(t->addr, 0);
	assert_int_equal(cfg->n_routes, 0);
	assert_int_equal(cfg->n_routes6, 1);
	assert_int_equal(cfg->routes6[0].tunnel, 0);
	assert_int_equal(cfg->routes6[0].iface, CFG_NONE);
	assert_false(cfg->routes6[0].has_via);
	assert_int_equal(cfg->n_manual_sas, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(cfg->manual_sas[i].tunnel, 0);
		assert_true(cfg->manual_sas[i].v6);
		assert_int_equal(cfg->manual_sas[i].local, 0);
		assert_int_equal(cfg->manual_sas[i].peer, 0);
	}
	assert_int_equal(t->ike.ikev2_profile, CFG_NONE);
	config_free(cfg);
}

/* gwB-vti.yaml: a static VTI, a route into it, and its hand-keyed SAs. */
static void
test_example_vti(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-vti.yaml", err,
					       sizeof(err));
	const struct cfg_tunnel *t;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->n_crypto_maps, 0);
	assert_int_equal(cfg->n_tunnels, 1);
	t = &cfg->tunnels[0];
	assert_string_equal(t->name, "Tunnel1");
	assert_int_equal(t->number, 1);
	assert_int_equal(t->addr, ip("10.255.0.2"));
	assert_int_equal(t->prefix_len, 30);
	assert_int_equal(t->source_iface, 1);
	assert_int_equal(t->source, ip("192.0.2.2"));
	assert_int_equal(t->destination, ip("192.0.2.1"));
	assert_int_equal(t->mode, CFG_TUNNEL_IPSEC_IPV4);
	assert_string_equal(t->profile, "VTI-PROF");
	assert_int_equal(t->transform_set, 0);
	assert_int_equal(t->replay_window, 64);	/* the dataplane default */
	assert_int_equal(cfg->n_routes, 1);
	assert_int_equal(cfg->routes[0].tunnel, 0);
	assert_int_equal(cfg->routes[0].iface, CFG_NONE);
	assert_int_equal(cfg->routes[0].via, 0);
	assert_int_equal(cfg->n_manual_sas, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(cfg->manual_sas[i].tunnel, 0);
		assert_int_equal(cfg->manual_sas[i].map, CFG_NONE);
		assert_int_equal(cfg->manual_sas[i].local, ip("192.0.2.2"));
		assert_int_equal(cfg->manual_sas[i].peer, ip("192.0.2.1"));
		assert_int_equal(config_manual_sa_ts(cfg, &cfg->manual_sas[i]), 0);
	}
	assert_int_equal(cfg->manual_sas[1].auth_key.b[0], 0xa0);
	/* keyed by hand: no IKE for it, and none of the IKE lookups finds it */
	assert_int_equal(t->ike.ikev2_profile, CFG_NONE);
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE),
			 CFG_NONE);
	config_free(cfg);
}

/*
 * gwB-vti-ike.yaml: the tunnel keyed by IKEv2; its IKE entry has the
 * destination as peer, the protection's transform set, profile, PFS and
 * initiate, and one permit-any line (the 0/0 selectors).
 */
static void
test_example_vti_ike(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-vti-ike.yaml", err,
					       sizeof(err));
	const struct cfg_map_entry *e;
	const struct cfg_acl *a;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->n_crypto_maps, 0);
	assert_int_equal(cfg->n_tunnels, 1);
	assert_int_equal(cfg->n_manual_sas, 0);
	e = &cfg->tunnels[0].ike;
	assert_int_equal(e->peer, ip("192.0.2.1"));
	assert_int_equal(e->transform_set, 0);
	assert_int_equal(e->ikev2_profile, 0);
	assert_int_equal(e->pfs_group, 19);
	assert_int_equal(e->initiate, CFG_INITIATE_ON_START);
	assert_int_equal(e->replay_window, 64);
	assert_int_equal(e->lifetime_sec, 3600);
	assert_int_equal(e->n_match, 1);
	a = &e->match[0];
	assert_int_equal(a->action, CFG_ACL_PERMIT);
	assert_int_equal(a->src.len, 0);
	assert_int_equal(a->dst.len, 0);
	assert_int_equal(a->proto, 0);
	assert_int_equal(a->sport[1], 65535);
	assert_int_equal(a->dport[1], 65535);
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE), 0);
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.2"), ip("192.0.2.1"), 0), 0);
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.2"), ip("192.0.2.1"), 1), CFG_NONE);
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.3"), ip("192.0.2.1"), CFG_NONE),
			 CFG_NONE);
	config_free(cfg);
}

/*
 * gwB-vti6-ike.yaml: an ipsec ipv6 tunnel keyed by IKEv2 over IPv6: its IKE
 * entry's peer is the IPv6 destination, its one line IPv6 permit-any (::/0),
 * found by config_ike_tunnel6 from source6 to destination6 only.
 */
static void
test_example_vti6_ike(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-vti6-ike.yaml", err,
					       sizeof(err));
	uint8_t me[16], peer[16], other[16];
	const struct cfg_map_entry *e;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(ip6_parse("2001:db8::2", me));
	assert_true(ip6_parse("2001:db8::1", peer));
	assert_true(ip6_parse("2001:db8::3", other));
	assert_int_equal(cfg->n_tunnels, 1);
	assert_int_equal(cfg->tunnels[0].mode, CFG_TUNNEL_IPSEC_IPV6);
	e = &cfg->tunnels[0].ike;
	assert_true(e->peer_v6);
	assert_memory_equal(e->peer6, peer, 16);
	assert_true(e->inner_v6);
	assert_int_equal(e->ikev2_profile, 0);
	assert_int_equal(e->n_match, 1);
	assert_true(e->match[0].v6);
	assert_int_equal(e->match[0].src6.len, 0);
	assert_int_equal(e->match[0].dst6.len, 0);
	assert_int_equal(e->match[0].proto, 0);
	assert_int_equal(config_ike_tunnel6(cfg, me, peer, CFG_NONE), 0);
	assert_int_equal(config_ike_tunnel6(cfg, me, peer, 0), 0);
	assert_int_equal(config_ike_tunnel6(cfg, me, peer, 1), CFG_NONE);
	assert_int_equal(config_ike_tunnel6(cfg, me, other, CFG_NONE), CFG_NONE);
	assert_int_equal(config_ike_tunnel6(cfg, peer, me, CFG_NONE), CFG_NONE);
	/* not an IPv4 tunnel, and no crypto map entry has that peer */
	assert_int_equal(config_ike_tunnel(cfg, ip("192.0.2.2"), 0, CFG_NONE), CFG_NONE);
	assert_null(config_ike_entry6(cfg, me, peer, CFG_NONE, NULL, NULL));
	config_free(cfg);
}

/* The same written otherwise: source by address, "tunnel7", unnumbered, mode left out. */
static void
test_tunnel_spellings(void **state)
{
	static const char y[] =
		"transform_sets: {TS: {transforms: [esp-null, esp-sha-hmac]}}\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside}\n"
		"tunnels:\n"
		"  - {name: tunnel7, source: 192.0.2.2, destination: 203.0.113.2,\n"
		"     protection: {profile: P, transform_set: TS, replay_window: 0}}\n"
		"routes:\n"
		"  - {prefix: 0.0.0.0/0, interface: TUNNEL7}\n"
		"  - {prefix: 10.0.3.0/24, interface: in0}\n";
	char err[256];
	struct dpsec_config *cfg = config_parse("t.yaml", y, strlen(y), err, sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->tunnels[0].name, "Tunnel7");
	assert_int_equal(cfg->tunnels[0].source_iface, 1);
	assert_int_equal(cfg->tunnels[0].addr, 0);
	assert_int_equal(cfg->tunnels[0].replay_window, 0);
	assert_int_equal(cfg->routes[0].tunnel, 0);
	assert_int_equal(cfg->routes[1].tunnel, CFG_NONE);
	assert_int_equal(cfg->routes[1].iface, 0);
	config_free(cfg);
}

static void
test_example_demo(void **state)
{
	char err[512];
	struct dpsec_config *cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-demo.yaml", err,
					       sizeof(err));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->transform_sets[0].cipher, DP_CIPHER_AES_GCM_128);
	assert_int_equal(cfg->interfaces[0].role, CFG_ROLE_INSIDE);
	assert_int_equal(cfg->interfaces[0].addr, ip("10.0.2.1"));
	assert_int_equal(cfg->interfaces[1].role, CFG_ROLE_OUTSIDE);
	assert_int_equal(cfg->interfaces[1].crypto_map, 0);
	assert_int_equal(cfg->crypto_maps[0].entries[0].match[0].src.addr, ip("10.0.2.0"));
	assert_int_equal(cfg->crypto_maps[0].entries[0].match[0].dst.addr, ip("10.0.0.0"));
	assert_int_equal(cfg->manual_sas[0].dir, CFG_DIR_IN);
	assert_int_equal(cfg->manual_sas[1].dir, CFG_DIR_OUT);
	assert_int_equal(cfg->manual_sas[0].cipher_key.len, 20);
	config_free(cfg);

	cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-cbc.yaml", err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->transform_sets[0].cipher, DP_CIPHER_AES_CBC_256);
	assert_int_equal(cfg->transform_sets[0].auth, DP_AUTH_HMAC_SHA256_128);
	assert_true(cfg->manual_sas[0].udp_encap);
	assert_true(cfg->manual_sas[1].udp_encap);
	assert_int_equal(cfg->manual_sas[0].auth_key.len, 32);
	config_free(cfg);
}

static void
test_load_errors(void **state)
{
	char err[512], tiny[12];
	static const char bad[] = "hostname: [\n";

	(void)state;
	assert_null(config_load("/nonexistent/dpsec.yaml", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/dpsec.yaml: cannot open: No such file or directory");
	assert_null(config_load("/", err, sizeof(err)));
	assert_non_null(strstr(err, "/: not a regular file"));
	/* Short and missing buffers: truncated, terminated, no crash. */
	assert_null(config_parse("t.yaml", bad, strlen(bad), tiny, sizeof(tiny)));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_null(config_parse("t.yaml", bad, strlen(bad), NULL, 0));
	assert_null(config_parse("t.yaml", NULL, 0, err, sizeof(err)));
	config_free(NULL);
}

/* Keys of IKEv2 alone: a keyring peer's pre-shared key, no manual SA. */
static const char psk_only_yaml[] =
	"ikev2:\n"
	"  keyrings:\n"
	"    KR: [{name: gwA, address: 192.0.2.1, pre_shared_key: \"a secret\"}]\n"
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside}\n";

/*
 * A file with keys (manual SA keys, or IKEv2 pre-shared keys only) that others
 * may read or change gets a warning; one without keys never.
 */
static void
test_keys_exposed(void **state)
{
	static const struct {
		unsigned int mode;
		const char *warn;	/* NULL: none */
	} cases[] = {
		{0100600, NULL},
		{0100400, NULL},
		{0100700, NULL},
		{0100610, NULL},	/* execute alone reads nothing */
		{0100640, "its group can read"},
		{0100620, "its group can change"},
		{0100604, "others can read"},
		{0100602, "others can change"},
		{0100644, "its group and others can read"},
		{0100666, "its group and others can read and change"},
		{0100624, "its group and others can read and change"},
	};
	char err[512] = "", msg[256], want[256];
	struct dpsec_config *cfg = config_parse("/etc/dpsec/gw.yaml", full_yaml, strlen(full_yaml),
						err, sizeof(err));
	struct dpsec_config *nokeys = config_parse("/etc/dpsec/nokeys.yaml", min_yaml,
						   strlen(min_yaml), err, sizeof(err));
	struct dpsec_config *psk = config_parse("/etc/dpsec/psk.yaml", psk_only_yaml,
						strlen(psk_only_yaml), err, sizeof(err));
	const struct dpsec_config *const with_keys[] = {cfg, psk};

	(void)state;
	assert_non_null(cfg);
	assert_non_null(nokeys);
	assert_non_null(psk);
	assert_int_equal(psk->n_manual_sas, 0);
	assert_true(config_has_keys(cfg));
	assert_true(config_has_keys(psk));
	assert_false(config_has_keys(nokeys));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_false(config_keys_exposed(nokeys, cases[i].mode, msg, sizeof(msg)));
		for (size_t k = 0; k < 2; k++) {
			bool exposed = config_keys_exposed(with_keys[k], cases[i].mode, msg,
							   sizeof(msg));

			if (cases[i].warn == NULL) {
				assert_false(exposed);
				continue;
			}
			assert_true(exposed);
			snprintf(want, sizeof(want), "%s holds keys and %s it (mode %04o): "
				 "chmod 600 it", with_keys[k]->path, cases[i].warn,
				 cases[i].mode & 07777);
			assert_string_equal(msg, want);
		}
	}
	config_free(cfg);
	config_free(nokeys);
	config_free(psk);
}

/*
 * Keys never reach a message: each config below fails at, or after, a key it
 * contains, and no 8-digit piece of any key may show up in the error.
 */
static void
test_no_key_in_errors(void **state)
{
	static const char *const keys[] = {KEY_CBC, KEY_SHA512, KEY_GCM, KEY_SHA1};
	static const char head[] =
		"transform_sets:\n"
		"  G: {transforms: [esp-gcm 128]}\n"
		"  C: {transforms: [esp-aes 256, esp-sha512-hmac]}\n"
		"  N: {transforms: [esp-null, esp-sha-hmac]}\n"
		"crypto_maps:\n"
		"  M:\n"
		"    - {seq: 1, peer: 192.0.2.1, transform_set: G, match: [{src: 10.0.0.0/8, dst: "
		"0.0.0.0/0}]}\n"
		"    - {seq: 2, peer: 192.0.2.1, transform_set: C, match: [{src: 10.0.0.0/8, dst: "
		"0.0.0.0/0}]}\n"
		"    - {seq: 3, peer: 192.0.2.1, transform_set: N, match: [{src: 10.0.0.0/8, dst: "
		"0.0.0.0/0}]}\n"
		"interfaces:\n"
		"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
		"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
		"crypto_map: M}\n"
		"manual_sas:\n";
	static const char *const sas[] = {
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_CBC "}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_GCM "z}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: \"" KEY_GCM
		"\\0\"}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_GCM
		", auth_key: " KEY_SHA512 "}\n",
		"  - {crypto_map: M, seq: 2, direction: in, spi: 256, cipher_key: " KEY_CBC
		", auth_key: " KEY_SHA1 "}\n",
		"  - {crypto_map: M, seq: 2, direction: in, spi: 256, cipher_key: " KEY_SHA512
		", auth_key: " KEY_SHA512 "}\n",
		"  - {crypto_map: M, seq: 3, direction: in, spi: 256, cipher_key: " KEY_CBC
		", auth_key: " KEY_SHA1 "}\n",
		"  - {crypto_map: M, seq: 2, direction: in, spi: 256, cipher_key: " KEY_CBC
		", auth_key: " KEY_SHA512 ", udp_encap: {local_port: 0}}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_GCM "}\n"
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_GCM "}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: " KEY_GCM
		", " KEY_SHA1 ": 1}\n",
		"  - {crypto_map: M, seq: 1, direction: in, spi: 256, cipher_key: [" KEY_GCM "]}\n",
	};
	char yaml[2048], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(sas) / sizeof(sas[0]); i++) {
		snprintf(yaml, sizeof(yaml), "%s%s", head, sas[i]);
		assert_null(config_parse("t.yaml", yaml, strlen(yaml), err, sizeof(err)));
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			for (size_t off = 0; off + 8 <= strlen(keys[k]); off += 2) {
				if (memmem(err, strlen(err), keys[k] + off, 8) != NULL)
					fail_msg("sa %zu: key bytes in: %s", i, err);
			}
		}
	}
}

/* Every prefix of a valid config either loads or fails cleanly (ASan checks the rest). */
static void
test_truncated(void **state)
{
	char err[512];

	(void)state;
	for (size_t len = 0; len <= strlen(full_yaml); len++) {
		struct dpsec_config *cfg = config_parse("t.yaml", full_yaml, len, err, sizeof(err));

		if (cfg == NULL)
			assert_int_equal(strncmp(err, "t.yaml:", 7), 0);
		config_free(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_example_demo),
		cmocka_unit_test(test_example_ah),
		cmocka_unit_test(test_example_vti),
		cmocka_unit_test(test_example_vti6),
		cmocka_unit_test(test_example_vti_ike),
		cmocka_unit_test(test_example_vti6_ike),
		cmocka_unit_test(test_tunnel_spellings),
		cmocka_unit_test(test_example_ipv6),
		cmocka_unit_test(test_example_ah_esp),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_keys_exposed),
		cmocka_unit_test(test_no_key_in_errors),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
