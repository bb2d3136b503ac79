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
_Static_assert(sizeof(struct dpsec_config) == 576, "new top-level field: write and compare it");
_Static_assert(sizeof(struct cfg_dataplane) == 32, "new dataplane field: write and compare it");
_Static_assert(sizeof(struct cfg_cli) == 204, "new cli field: write and compare it");
_Static_assert(sizeof(struct cfg_isakmp) == 20, "new isakmp field (a psk?): write, hide, compare");
_Static_assert(sizeof(struct cfg_ipsec) == 4, "new ipsec field: write and compare it");
_Static_assert(sizeof(struct cfg_logging) == 24, "new logging field: write and compare it");
_Static_assert(sizeof(struct cfg_interface) == 648, "new interface field: write and compare it");
_Static_assert(sizeof(struct cfg_neighbor) == 12, "new neighbor field: write and compare it");
_Static_assert(sizeof(struct cfg_route) == 28, "new route field: write and compare it");
_Static_assert(sizeof(struct cfg_neighbor6) == 22, "new neighbor field: write and compare it");
_Static_assert(sizeof(struct cfg_route6) == 56, "new route field: write and compare it");
_Static_assert(sizeof(struct cfg_transform_set) == 80, "new transform set field: write it");
_Static_assert(sizeof(struct cfg_acl) == 68, "new match field: write and compare it");
_Static_assert(sizeof(struct cfg_map_entry) == 80, "new map entry field: write and compare it");
_Static_assert(sizeof(struct cfg_crypto_map) == 72, "new crypto map field: write and compare it");
_Static_assert(sizeof(struct cfg_manual_sa) == 268, "new manual SA field: write and compare it");
_Static_assert(sizeof(struct cfg_ikev2) == 88, "new ikev2 field: write and compare it");
_Static_assert(sizeof(struct cfg_ike_proposal) == 144, "new proposal field: write and compare it");
_Static_assert(sizeof(struct cfg_ike_policy) == 88, "new policy field: write and compare it");
_Static_assert(sizeof(struct cfg_ike_id) == 284, "new identity field: write and compare it");
_Static_assert(sizeof(struct cfg_psk) == 130, "new psk field: write, hide, compare it");
_Static_assert(sizeof(struct cfg_keyring_peer) == 628, "new keyring peer field: write it");
_Static_assert(sizeof(struct cfg_keyring) == 72, "new keyring field: write and compare it");
_Static_assert(sizeof(struct cfg_tunnel) == 344, "new tunnel field: write and compare it");
_Static_assert(sizeof(struct cfg_ike_profile) == 376, "new profile field: write and compare it");

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
	EQ(isakmp.recovery_packets);
	EQ(isakmp.recovery_window);
	EQ(isakmp.recovery_holddown);
	EQ(isakmp.recovery_rate);
	EQ(ipsec.fragmentation);
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
	EQ(n_neighbors6);
	for (uint32_t k = 0; k < a->n_neighbors6; k++) {
		EQ_MEM(neighbors6[k].ip, 16);
		EQ_MEM(neighbors6[k].mac, 6);
	}
	EQ(mtu);
	EQ(tcp_adjust_mss);
	EQ(tcp_adjust_mss6);
	EQ(nd_reachable_ms);
}

static void
eq_acl(const struct cfg_acl *a, const struct cfg_acl *b, const char *where)
{
	EQ(v6);
	EQ(src.addr);
	EQ(src.len);
	EQ(dst.addr);
	EQ(dst.len);
	EQ_MEM(src6.addr, 16);
	EQ(src6.len);
	EQ_MEM(dst6.addr, 16);
	EQ(dst6.len);
	EQ(proto);
	EQ(sport[0]);
	EQ(sport[1]);
	EQ(dport[0]);
	EQ(dport[1]);
	EQ(action);
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
		EQ(entries[j].peer_v6);
		EQ_MEM(entries[j].peer6, 16);
		EQ(entries[j].inner_v6);
		EQ(entries[j].transform_set);
		EQ(entries[j].lifetime_sec);
		EQ(entries[j].lifetime_kb);
		EQ(entries[j].replay_window);
		EQ(entries[j].ikev2_profile);
		EQ(entries[j].pfs_group);
		EQ(entries[j].initiate);
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
	EQ(tunnel);
	EQ(dir);
	EQ(spi);
	EQ(v6);
	EQ(cipher_key.len);
	EQ_MEM(cipher_key.b, a->cipher_key.len);
	EQ(auth_key.len);
	EQ_MEM(auth_key.b, a->auth_key.len);
	EQ(ah_spi);
	EQ(ah_auth_key.len);
	EQ_MEM(ah_auth_key.b, a->ah_auth_key.len);
	EQ(udp_encap);
	EQ(allow_unsafe_gcm);
	EQ(local_port);
	EQ(peer_port);
	EQ(initial_sequence);
	EQ(local);
	EQ(peer);
	EQ(from_file);
}

static void
eq_ike_id(const struct cfg_ike_id *a, const struct cfg_ike_id *b, const char *where)
{
	EQ(type);
	EQ(addr.addr);
	EQ(addr.len);
	EQ(v6);
	EQ_MEM(addr6.addr, sizeof(a->addr6.addr));
	EQ(addr6.len);
	EQ_STR(fqdn);
}

static void
eq_ike_proposal(const struct cfg_ike_proposal *a, const struct cfg_ike_proposal *b,
		const char *where)
{
	EQ_STR(name);
	EQ(n_encr);
	for (uint8_t i = 0; i < a->n_encr; i++) {
		EQ(encr[i].id);
		EQ(encr[i].bits);
	}
	EQ(n_integ);
	EQ_MEM(integ, a->n_integ * sizeof(a->integ[0]));
	EQ(n_prf);
	EQ_MEM(prf, a->n_prf * sizeof(a->prf[0]));
	EQ(n_group);
	EQ_MEM(group, a->n_group * sizeof(a->group[0]));
}

static void
eq_ike_policy(const struct cfg_ike_policy *a, const struct cfg_ike_policy *b, const char *where)
{
	EQ_STR(name);
	EQ(n_proposals);
	for (uint32_t i = 0; i < a->n_proposals; i++)
		EQ(proposals[i]);
	EQ(n_match_local);
	for (uint32_t i = 0; i < a->n_match_local; i++)
		EQ(match_local[i]);
}

static void
eq_keyring(const struct cfg_keyring *a, const struct cfg_keyring *b, const char *where)
{
	EQ_STR(name);
	EQ(n_peers);
	for (uint32_t i = 0; i < a->n_peers; i++) {
		EQ_STR(peers[i].name);
		EQ(peers[i].has_addr);
		EQ(peers[i].addr.addr);
		EQ(peers[i].addr.len);
		EQ(peers[i].addr_v6);
		EQ_MEM(peers[i].addr6.addr, sizeof(a->peers[i].addr6.addr));
		EQ(peers[i].addr6.len);
		eq_ike_id(&a->peers[i].identity, &b->peers[i].identity, where);
		EQ(peers[i].psk_local.len);
		EQ_MEM(peers[i].psk_local.b, a->peers[i].psk_local.len);
		EQ(peers[i].psk_remote.len);
		EQ_MEM(peers[i].psk_remote.b, a->peers[i].psk_remote.len);
	}
}

static void
eq_ike_profile(const struct cfg_ike_profile *a, const struct cfg_ike_profile *b,
	       const char *where)
{
	EQ_STR(name);
	EQ(n_match_remote);
	for (uint32_t i = 0; i < a->n_match_remote; i++)
		eq_ike_id(&a->match_remote[i], &b->match_remote[i], where);
	eq_ike_id(&a->local_id, &b->local_id, where);
	EQ(auth_local);
	EQ(auth_remote);
	EQ(keyring);
	EQ(dpd_interval);
	EQ(dpd_retry);
	EQ(dpd_mode);
	EQ(lifetime_sec);
}

static void
eq_ikev2(const struct cfg_ikev2 *a, const struct cfg_ikev2 *b, const char *where)
{
	EQ(n_proposals);
	for (uint32_t i = 0; i < a->n_proposals; i++)
		eq_ike_proposal(&a->proposals[i], &b->proposals[i], where);
	EQ(n_policies);
	for (uint32_t i = 0; i < a->n_policies; i++)
		eq_ike_policy(&a->policies[i], &b->policies[i], where);
	EQ(n_keyrings);
	for (uint32_t i = 0; i < a->n_keyrings; i++)
		eq_keyring(&a->keyrings[i], &b->keyrings[i], where);
	EQ(n_profiles);
	for (uint32_t i = 0; i < a->n_profiles; i++)
		eq_ike_profile(&a->profiles[i], &b->profiles[i], where);
	EQ(retransmit_ms);
	EQ(retransmit_tries);
	EQ(cookie_threshold);
	EQ(half_open_max);
	EQ(nat_keepalive);
	EQ(delete_rekeyed_delay);
	EQ(frag_mtu);
}

static void
eq_config(const struct dpsec_config *a, const struct dpsec_config *b, const char *where)
{
	eq_globals(a, b, where);
	eq_ikev2(&a->ikev2, &b->ikev2, where);
	EQ(n_interfaces);
	for (uint32_t i = 0; i < a->n_interfaces; i++)
		eq_interface(&a->interfaces[i], &b->interfaces[i], where);
	EQ(n_routes);
	for (uint32_t i = 0; i < a->n_routes; i++) {
		EQ(routes[i].dst.addr);
		EQ(routes[i].dst.len);
		EQ(routes[i].iface);
		EQ(routes[i].tunnel);
		EQ(routes[i].via);
	}
	EQ(n_tunnels);
	for (uint32_t i = 0; i < a->n_tunnels; i++) {
		EQ_STR(tunnels[i].name);
		EQ(tunnels[i].number);
		EQ(tunnels[i].addr);
		EQ(tunnels[i].prefix_len);
		EQ(tunnels[i].source_iface);
		EQ(tunnels[i].source);
		EQ(tunnels[i].destination);
		EQ(tunnels[i].mode);
		EQ_MEM(tunnels[i].source6, 16);
		EQ_MEM(tunnels[i].destination6, 16);
		EQ(tunnels[i].has_addr6);
		EQ_MEM(tunnels[i].addr6, 16);
		EQ(tunnels[i].prefix6_len);
		EQ_STR(tunnels[i].profile);
		EQ(tunnels[i].transform_set);
		EQ(tunnels[i].replay_window);
		EQ(tunnels[i].ike.peer);
		EQ(tunnels[i].ike.peer_v6);
		EQ_MEM(tunnels[i].ike.peer6, 16);
		EQ(tunnels[i].ike.inner_v6);
		EQ(tunnels[i].ike_any.v6);
		EQ(tunnels[i].ike.transform_set);
		EQ(tunnels[i].ike.replay_window);
		EQ(tunnels[i].ike.ikev2_profile);
		EQ(tunnels[i].ike.pfs_group);
		EQ(tunnels[i].ike.initiate);
		EQ(tunnels[i].ike.lifetime_sec);
		EQ(tunnels[i].ike.n_match);
	}
	EQ(n_routes6);
	for (uint32_t i = 0; i < a->n_routes6; i++) {
		EQ_MEM(routes6[i].dst.addr, 16);
		EQ(routes6[i].dst.len);
		EQ(routes6[i].iface);
		EQ(routes6[i].tunnel);
		EQ(routes6[i].has_via);
		EQ_MEM(routes6[i].via, 16);
	}
	EQ(n_transform_sets);
	for (uint32_t i = 0; i < a->n_transform_sets; i++) {
		EQ_STR(transform_sets[i].name);
		EQ(transform_sets[i].proto);
		EQ(transform_sets[i].cipher);
		EQ(transform_sets[i].auth);
		EQ(transform_sets[i].ah_auth);
		EQ(transform_sets[i].mode);
		EQ(transform_sets[i].esn);
	}
	EQ(n_crypto_maps);
	for (uint32_t i = 0; i < a->n_crypto_maps; i++)
		eq_map(&a->crypto_maps[i], &b->crypto_maps[i], where);
	EQ(n_manual_sas);
	for (uint32_t i = 0; i < a->n_manual_sas; i++)
		eq_manual_sa(&a->manual_sas[i], &b->manual_sas[i], where);
	EQ(sa_file.n_sas);
	EQ(sa_file.allow_unsafe_gcm);
	assert_true((a->sa_file.name == NULL) == (b->sa_file.name == NULL));
	if (a->sa_file.name != NULL)
		EQ_STR(sa_file.name);
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
	"  invalid_spi_recovery: true\n"
	"  recovery_packets: 1000\n"
	"  recovery_window: 1\n"
	"  recovery_holddown: 0\n"
	"  recovery_rate: 7\n"
	"ipsec:\n"
	"  fragmentation: after-encryption\n";

/* logging goes here, when the parser has it */

/* 128 bytes (the most a pre-shared key may have), as hex: not text, so written as hex too. */
#define PSK32 "ab01ab02ab03ab04ab05ab06ab07ab08ab09ab0aab0bab0cab0dab0eab0fab10"
#define PSK128 PSK32 PSK32 PSK32 PSK32

static const char full_tail[] =
	"ikev2:\n"
	"  proposals:\n"
	"    \"yes\": {encryption: [aes-gcm-128], group: [31]}\n"
	"    P-CBC:\n"
	"      encryption: [aes-cbc-128, aes-cbc-256]\n"
	"      integrity: [sha1, sha384]\n"
	"      prf: [sha512]\n"
	"      group: [14, 15, 16, 19, 20, 21, 31]\n"
	"    P-GCM: {encryption: [aes-gcm-256], prf: [sha1, sha256], group: [21]}\n"
	"    default: {encryption: [aes-cbc-256], integrity: [sha512], group: [20]}\n"
	"  policies:\n"
	"    POL-A: {proposals: [P-CBC, \"yes\"], match_local: [192.0.2.2, 198.51.100.2]}\n"
	"    POL-ANY: {proposals: [default-gcm, default, P-GCM]}\n"
	"  keyrings:\n"
	"    KR1:\n"
	"      - name: lab\n"
	"        address: 203.0.113.0/24\n"
	"        pre_shared_key: \"q\\\"uote \\\\ back  # hash: colon\"\n"
	"      - name: gw7\n"
	"        address: 203.0.113.7\n"
	"        identity: {fqdn: \"123\"}\n"
	"        pre_shared_key: {local: \"0x00ff10\", remote: \"0X3078616263\"}\n"
	"    \"true\":\n"
	"      - {name: fq, identity: {fqdn: gw.Example.org}, pre_shared_key: \"(Hidden)\"}\n"
	"      - {name: ip, identity: {address: 198.51.100.9}, pre_shared_key: {local: l, "
	"remote: r}}\n"
	"      - {name: any, address: 0.0.0.0/0, pre_shared_key: \"0x" PSK128 "\"}\n"
	"      - {name: v6net, address: \"2001:db8:5::/48\", pre_shared_key: k6}\n"
	"      - {name: v6id, identity: {address: \"2001:db8::9\"}, pre_shared_key: k6}\n"
	"  profiles:\n"
	"    P1:\n"
	"      match_identity_remote: [{address: 203.0.113.0/24}, {fqdn: gw7.example}]\n"
	"      identity_local: {fqdn: gwb.example}\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR1\n"
	"      dpd: {interval: 3600, retry: 60, mode: periodic}\n"
	"      lifetime: 120\n"
	"    \"null\":\n"
	"      match_identity_remote: [{address: 203.0.113.7}, {address: 0.0.0.0/0}, "
	"{address: \"2001:db8:7::/64\"}, {address: \"2001:db8::7\"}]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: \"true\"\n"
	"      dpd: {interval: 10, retry: 2}\n"
	"  retransmit: {interval_ms: 100, tries: 0}\n"
	"  cookie_threshold: 0\n"
	"  half_open_max: 1\n"
	"  nat_keepalive: 0\n"
	"  delete_rekeyed_delay: 300\n"
	"  fragmentation: {mtu: 1200}\n"
	"transform_sets:\n"
	"  \"no\": {transforms: [esp-gcm]}\n"
	"  TS-GCM256: {transforms: [esp-gcm 256], esn: true}\n"
	"  TS-CBC128: {transforms: [esp-aes, esp-sha-hmac], mode: tunnel}\n"
	"  TS-CBC256: {transforms: [esp-aes 256, esp-sha512-hmac]}\n"
	"  TS-NULL: {transforms: [esp-sha256-hmac, esp-null]}\n"
	"  TS-BUNDLE: {transforms: [esp-aes 256, ah-sha384-hmac, esp-sha256-hmac]}\n"
	"crypto_maps:\n"
	"  MAP-A:\n"
	"    - seq: 20\n"
	"      peer: 192.0.2.1\n"
	"      transform_set: \"no\"\n"
	"      match:\n"
	"        - {action: deny, src: 10.0.2.9/32, dst: 10.0.0.0/24}\n"
	"        - {src: 10.0.2.0/24, dst: 10.0.0.0/24, action: permit}\n"
	"        - {action: deny, src: 10.0.2.0/24, dst: 10.0.9.0/24, proto: udp, dport: 123}\n"
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
	"    - seq: 30\n"
	"      peer: 2001:DB8:0::1\n"
	"      transform_set: TS-CBC256\n"
	"      match:\n"
	"        - {action: deny, src: \"2001:db8:2::9/128\", dst: \"::/0\"}\n"
	"        - {src: 2001:db8:2::/48, dst: 2001:db8:1::/48}\n"
	"        - {src: \"::/0\", dst: 2001:db8:8000::/33, proto: icmp}\n"
	"        - {src: 2001:db8:2::1, dst: 2001:db8:7::/64, proto: 1}\n"
	"        - {src: 2001:db8:2::/64, dst: 2001:db8:9::/64, proto: udp, sport: 1000-2000, "
	"dport: 53}\n"
	"    - seq: 40\n"
	"      peer: 192.0.2.1\n"
	"      transform_set: TS-CBC256\n"
	"      match: [{src: 2001:db8:2::/48, dst: 2001:db8:4::/48}]\n"
	"    - seq: 50\n"
	"      peer: 192.0.2.9\n"
	"      transform_set: TS-BUNDLE\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.9.0.0/16}]\n"
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
	"      ikev2_profile: P1\n"
	"      pfs: group31\n"
	"      initiate: on-start\n"
	"    - seq: 7\n"
	"      peer: 203.0.113.7\n"
	"      transform_set: TS-CBC128\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.8.0.0/16}]\n"
	"      ikev2_profile: \"null\"\n"
	"interfaces:\n"
	"  - name: inside0/1\n"
	"    device: \"net_pcap0,rx_pcap=/tmp/a.pcap,tx_pcap=/tmp/b.pcap\"\n"
	"    address: 10.0.2.1/24\n"
	"    address6: 2001:db8:2::1/64\n"
	"    role: inside\n"
	"    neighbors:\n"
	"      - {ip: \"fe80::2\", mac: \"02:00:00:00:02:06\"}\n"
	"      - {ip: 10.0.2.2, mac: \"02:00:00:00:02:02\"}\n"
	"      - {ip: 2001:db8:2::254, mac: \"02:00:00:00:02:fe\"}\n"
	"      - {ip: 10.0.2.254, mac: \"AA:BB:CC:DD:EE:FF\"}\n"
	"    mtu: 9000\n"
	"    tcp_adjust_mss: 1360\n"
	"    tcp_adjust_mss6: 1340\n"
	"    nd_reachable_time: 3600000\n"
	"  - name: outside0\n"
	"    device: \"0000:00:08.0\"\n"
	"    address: 192.0.2.2/24\n"
	"    address6: 2001:db8::2/64\n"
	"    role: outside\n"
	"    crypto_map: MAP-A\n"
	"    next_hop_mac: \"02:00:00:00:0a:01\"\n"
	"    mtu: 576\n"
	"    nd_reachable_time: 0\n"
	"  - name: \"null\"\n"
	"    device: net_null0\n"
	"    address: 198.51.100.2/31\n"
	"    address6: \"fe80::1/128\"\n"
	"    role: outside\n"
	"    crypto_map: \"true\"\n"
	"tunnels:\n"
	"  - name: tunnel7\n"
	"    address: 10.255.0.1/30\n"
	"    source: 198.51.100.2\n"
	"    destination: 203.0.113.2\n"
	"    mode: ipsec ipv4\n"
	"    protection: {profile: \"true\", transform_set: TS-CBC128, replay_window: 1024}\n"
	"  - {name: Tunnel0, source: outside0, destination: 192.0.2.9,\n"
	"     protection: {profile: P, transform_set: \"no\", ikev2_profile: \"null\",\n"
	"                  pfs: group14}}\n"
	"  - {name: Tunnel6, mode: ipsec ipv6, address6: \"2001:db8:ffff::1/64\",\n"
	"     source: \"fe80::1\", destination: \"2001:db8:9::2\",\n"
	"     protection: {profile: P6, transform_set: TS-CBC128}}\n"
	"  - {name: Tunnel8, mode: ipsec ipv6, source: outside0, destination: \"2001:db8:5::8\",\n"
	"     protection: {profile: P8, transform_set: TS-CBC128, ikev2_profile: \"null\",\n"
	"                  initiate: on-traffic}}\n"
	"routes:\n"
	"  - {prefix: 10.0.3.0/24, interface: inside0/1, via: 10.0.2.254}\n"
	"  - {prefix: 2001:db8:3::/48, interface: inside0/1, via: 2001:db8:2::254}\n"
	"  - {prefix: \"::/0\", interface: inside0/1, via: \"fe80::2\"}\n"
	"  - {prefix: 0.0.0.0/0, interface: inside0/1}\n"
	"  - {prefix: 192.0.2.128/25, interface: Tunnel7}\n"
	"  - {prefix: 10.9.0.0/16, interface: Tunnel0, via: 0.0.0.0}\n"
	"  - {prefix: 2001:db8:5::/48, interface: inside0/1}\n"
	"  - {prefix: 2001:db8:6::/48, interface: tunnel6}\n"
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
	"    initial_sequence: 0\n"
	"  - {tunnel: Tunnel7, direction: out, spi: 0x7001,\n"
	"     cipher_key: \"000102030405060708090a0b0c0d0e0f\",\n"
	"     auth_key: \"1011121314151617181920212223242526272829\"}\n"
	"  - {tunnel: Tunnel6, direction: in, spi: 0x6001,\n"
	"     cipher_key: \"000102030405060708090a0b0c0d0e0f\",\n"
	"     auth_key: \"1011121314151617181920212223242526272829\"}\n"
	"  - {crypto_map: MAP-A, seq: 30, direction: in, spi: 0x3001,\n"
	"     cipher_key: \"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f\",\n"
	"     auth_key: \"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f\"}\n"
	"  - {crypto_map: MAP-A, seq: 50, direction: out, spi: 0x5001, ah_spi: 0x5002,\n"
	"     cipher_key: \"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf\",\n"
	"     auth_key: \"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\",\n"
	"     ah_auth_key: \"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f\"}\n";

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
	assert_int_equal(cfg->ipsec.fragmentation, CFG_FRAG_AFTER);
	assert_string_equal(cfg->dp.eal[5], "tab\there");
	assert_string_equal(cfg->dp.eal[17], "\xc3\xbcn\xc3\xaf");
	assert_string_equal(cfg->transform_sets[0].name, "no");
	assert_int_equal(cfg->crypto_maps[0].entries[0].seq, 10);
	assert_int_equal(cfg->n_manual_sas, 8);
	/* ipsec ipv6: endpoints from the source interface's address6 and destination6 */
	assert_int_equal(cfg->tunnels[2].mode, CFG_TUNNEL_IPSEC_IPV6);
	assert_int_equal(cfg->tunnels[2].source_iface, 2);
	assert_int_equal(cfg->tunnels[2].source6[0], 0xfe);
	assert_int_equal(cfg->tunnels[2].destination6[15], 2);
	assert_int_equal(cfg->tunnels[2].prefix6_len, 64);
	/* the IKE entry names the destination whether or not IKE keys the tunnel, as for IPv4 */
	assert_true(cfg->tunnels[2].ike.peer_v6);
	/* an IKE-keyed ipsec ipv6 tunnel: IPv6 peer, one IPv6 permit-any (::/0) line */
	assert_int_equal(cfg->tunnels[3].mode, CFG_TUNNEL_IPSEC_IPV6);
	assert_int_equal(cfg->tunnels[3].ike.ikev2_profile, 1);
	assert_true(cfg->tunnels[3].ike.peer_v6);
	assert_int_equal(cfg->tunnels[3].ike.peer, 0);
	assert_memory_equal(cfg->tunnels[3].ike.peer6, cfg->tunnels[3].destination6, 16);
	assert_int_equal(cfg->tunnels[3].ike.peer6[15], 8);
	assert_true(cfg->tunnels[3].ike.inner_v6);
	assert_int_equal(cfg->tunnels[3].ike.n_match, 1);
	assert_true(cfg->tunnels[3].ike.match[0].v6);
	assert_int_equal(cfg->tunnels[3].ike.match[0].src6.len, 0);
	assert_int_equal(cfg->tunnels[3].ike.match[0].dst6.len, 0);
	assert_int_equal(cfg->tunnels[3].ike.initiate, CFG_INITIATE_ON_TRAFFIC);
	assert_true(cfg->manual_sas[5].v6);
	assert_int_equal(cfg->manual_sas[5].tunnel, 2);
	assert_int_equal(cfg->routes6[3].tunnel, 2);
	assert_int_equal(cfg->routes6[3].iface, CFG_NONE);
	assert_int_equal(cfg->manual_sas[4].tunnel, 0);
	assert_int_equal(cfg->manual_sas[4].map, CFG_NONE);
	assert_string_equal(cfg->tunnels[0].name, "Tunnel7");
	assert_int_equal(cfg->routes[2].tunnel, 0);
	assert_int_equal(cfg->routes[3].tunnel, 1);
	/* IPv6: the same inbound SPI as manual SA 2, but another local address (address6) */
	assert_true(cfg->manual_sas[6].v6);
	assert_int_equal(cfg->manual_sas[6].local, 0);
	assert_true(cfg->crypto_maps[0].entries[2].peer_v6);
	assert_true(cfg->crypto_maps[0].entries[2].inner_v6);
	assert_int_equal(cfg->crypto_maps[0].entries[2].peer6[15], 1);
	assert_int_equal(cfg->crypto_maps[0].entries[2].match[2].proto, 58);	/* ICMPv6 */
	assert_int_equal(cfg->crypto_maps[0].entries[2].match[3].proto, 1);
	assert_int_equal(cfg->crypto_maps[0].entries[2].match[3].src6.len, 128);
	assert_int_equal(cfg->crypto_maps[0].entries[2].match[2].dst6.len, 33);
	assert_int_equal(cfg->crypto_maps[0].entries[2].match[2].dst6.addr[4], 0x80);
	assert_false(cfg->crypto_maps[0].entries[3].peer_v6);
	assert_true(cfg->crypto_maps[0].entries[3].inner_v6);
	assert_int_equal(cfg->interfaces[0].n_neighbors, 2);
	assert_int_equal(cfg->interfaces[0].n_neighbors6, 2);
	assert_int_equal(cfg->interfaces[0].neighbors6[0].ip[0], 0xfe);
	assert_int_equal(cfg->interfaces[0].neighbors6[1].mac[5], 0xfe);
	assert_int_equal(cfg->n_routes, 4);
	assert_int_equal(cfg->n_routes6, 4);
	assert_true(cfg->routes6[1].has_via);
	assert_int_equal(cfg->routes6[1].dst.len, 0);
	assert_false(cfg->routes6[2].has_via);
	assert_int_equal(cfg->manual_sas[7].ah_spi, 0x5002);
	assert_int_equal(cfg->transform_sets[5].ah_auth, DP_AUTH_HMAC_SHA384_192);
	assert_int_equal(cfg->manual_sas[1].initial_sequence, 4294967294u);
	assert_int_equal(cfg->manual_sas[3].cipher_key.len, 0);
	/* Four proposals written, and the built-in default-gcm that POL-ANY names. */
	assert_int_equal(cfg->ikev2.n_proposals, 5);
	assert_string_equal(cfg->ikev2.proposals[4].name, "default-gcm");
	assert_int_equal(cfg->ikev2.keyrings[0].peers[1].psk_local.len, 3);
	assert_int_equal(cfg->ikev2.keyrings[0].peers[1].psk_local.b[1], 0xff);
	assert_memory_equal(cfg->ikev2.keyrings[0].peers[1].psk_remote.b, "0xabc", 5);
	assert_int_equal(cfg->ikev2.keyrings[1].peers[2].psk_local.len, 128);
	assert_int_equal(cfg->crypto_maps[2].entries[1].ikev2_profile, 0);
	assert_int_equal(cfg->crypto_maps[2].entries[1].pfs_group, 31);
	assert_int_equal(cfg->crypto_maps[2].entries[1].initiate, CFG_INITIATE_ON_START);
	assert_int_equal(cfg->crypto_maps[2].entries[0].ikev2_profile, 1);
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
		assert_false(has_hex(t.s, &cfg->manual_sas[i].ah_auth_key));
		assert_true(cfg->manual_sas[i].cipher_key.len == 0 ||
			    has_hex(shown.s, &cfg->manual_sas[i].cipher_key));
	}
	for (const char *p = t.s; (p = strstr(p, ": (hidden)\n")) != NULL; p++)
		hidden++;
	/*
	 * 7 cipher keys (esp-null has none), 6 auth keys, 1 AH key of a bundle,
	 * 5 pre-shared keys for both directions
	 */
	assert_int_equal(hidden, 19);
	/* Hidden keys do not load: a pasted running-config cannot start with fake keys. */
	assert_null(config_parse("hidden", t.s, t.len, NULL, 0));
	config_write(cfg, NULL, put, &shown); /* NULL opts: hidden too */
	assert_non_null(strstr(shown.s + shown_len, "(hidden)"));
	free(t.s);
	free(shown.s);
	config_free(cfg);
}

/*
 * A pre-shared key in text, if long enough to be told apart from other text:
 * as hex, or as text, raw or with YAML's escapes.
 */
static bool
has_psk(const char *text, const struct cfg_psk *k)
{
	char raw[CFG_PSK_MAX + 1], esc[2 * CFG_PSK_MAX + 1], hex[2 * CFG_PSK_MAX + 1];
	size_t n = 0;

	for (size_t i = 0; i < k->len; i++) {
		snprintf(hex + 2 * i, 3, "%02x", k->b[i]);
		if (k->b[i] == '"' || k->b[i] == '\\')
			esc[n++] = '\\';
		esc[n++] = (char)k->b[i];
	}
	esc[n] = '\0';
	memcpy(raw, k->b, k->len);
	raw[k->len] = '\0';
	return (k->len >= 3 && strstr(text, hex) != NULL) ||
	       (k->len >= 4 && (strstr(text, raw) != NULL || strstr(text, esc) != NULL));
}

/* Pre-shared keys, text or binary, one or two per peer: never in the CLI's text. */
static void
test_psk_hidden(void **state)
{
	struct dpsec_config *cfg = full();
	struct text t = write_cfg(cfg, true), shown = write_cfg(cfg, false);
	const struct cfg_ikev2 *ik = &cfg->ikev2;
	size_t hidden = 0, n_psk = 0;
	char err[512];

	(void)state;
	for (uint32_t i = 0; i < ik->n_keyrings; i++) {
		for (uint32_t j = 0; j < ik->keyrings[i].n_peers; j++) {
			const struct cfg_keyring_peer *p = &ik->keyrings[i].peers[j];

			assert_false(has_psk(t.s, &p->psk_local));
			assert_false(has_psk(t.s, &p->psk_remote));
			assert_true(p->psk_local.len < 3 || has_psk(shown.s, &p->psk_local));
			n_psk += 1 + (p->psk_local.len != p->psk_remote.len ||
				      memcmp(p->psk_local.b, p->psk_remote.b, p->psk_local.len));
		}
	}
	assert_int_equal(n_psk, 9);	/* lab, gw7 (2), fq, ip (2), any, v6net, v6id */
	for (const char *p = t.s; (p = strstr(p, "(hidden)")) != NULL; p++)
		hidden++;
	assert_int_equal(hidden, 14 + n_psk);	/* 7 cipher, 6 auth and 1 AH key, the PSKs */
	free(t.s);
	free(shown.s);
	config_free(cfg);

	/* A running-config whose only keys are pre-shared keys does not load either. */
	cfg = config_load(DPSEC_EXAMPLES_DIR "/gwB-ikev2.yaml", err, sizeof(err));
	assert_non_null(cfg);
	t = write_cfg(cfg, true);
	assert_null(config_parse("hidden", t.s, t.len, err, sizeof(err)));
	assert_non_null(strstr(err, "pre_shared_key is \"(hidden)\", which show running-config "
				    "prints in place of a key"));
	free(t.s);
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
	assert_non_null(strstr(t.s, "isakmp:\n  invalid_spi_recovery: false\n  recovery_packets: 1000\n"));
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
		cmocka_unit_test(test_psk_hidden),
		cmocka_unit_test(test_recovery_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
