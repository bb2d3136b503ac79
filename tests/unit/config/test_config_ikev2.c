/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ikev2 section: what loads (every field of a full section, the IANA
 * numbers behind the IOS words, the defaults IOS XE would apply), the lookups
 * the IKE code asks (policy, profile, keyring peer, map entries), and that
 * pre-shared keys are wiped before their memory is freed and never appear in
 * a message. The errors are rows of test_config_errors.c.
 *
 * Linked with -Wl,--wrap=free,--wrap=munmap: every free() of the config
 * module, and every munmap() of the secret memory that holds the keyrings'
 * peers (src/common/secret_mem.c), passes through the wrappers below, which
 * can look for key bytes in the block.
 */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include <cmocka.h>

#include "../../../src/ike/ike_const.h"
#include "dpsec/config.h"
#include "vma.h"

/* Interfaces with maps VPN and LAB applied (IFS), or none (IFS0). */
#define IF_IN "  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
#define IF_OUT0 "  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside"
#define IF_OUT1 "  - {name: out1, device: net_null2, address: 198.51.100.2/24, role: outside"
#define IFS "interfaces:\n" IF_IN IF_OUT0 ", crypto_map: VPN}\n" IF_OUT1 ", crypto_map: LAB}\n"
#define IFS0 "interfaces:\n" IF_IN IF_OUT0 "}\n" IF_OUT1 "}\n"
#define TS "transform_sets: {TS: {transforms: [esp-gcm 256]}}\n"

/* The example of the job, as the lead wrote it (comments dropped), plus what it needs. */
static const char brief_yaml[] =
	"ikev2:\n"
	"  proposals:\n"
	"    PROP-GCM:\n"
	"      encryption: [aes-gcm-256, aes-gcm-128]\n"
	"      prf: [sha256, sha384]\n"
	"      group: [19, 14, 31]\n"
	"    PROP-CBC:\n"
	"      encryption: [aes-cbc-256, aes-cbc-128]\n"
	"      integrity: [sha256, sha512]\n"
	"      group: [14]\n"
	"  policies:\n"
	"    POL:\n"
	"      proposals: [PROP-GCM, PROP-CBC]\n"
	"      match_local: [192.0.2.2]\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - name: gwA\n"
	"        address: 192.0.2.1\n"
	"        identity: {fqdn: gwa.example}\n"
	"        pre_shared_key: \"a secret\"\n"
	"      - name: lab\n"
	"        address: 198.51.100.0/24\n"
	"        pre_shared_key: {local: \"mine\", remote: \"0x00010203\"}\n"
	"  profiles:\n"
	"    PROF:\n"
	"      match_identity_remote: [{address: 192.0.2.1}, {fqdn: gwa.example}]\n"
	"      identity_local: {address: 192.0.2.2}\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"      dpd: {interval: 10, retry: 2, mode: on-demand}\n"
	"      lifetime: 86400\n"
	"    LABP:\n"
	"      match_identity_remote: [{address: 198.51.100.0/24}]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"  retransmit: {interval_ms: 1000, tries: 5}\n"
	"  cookie_threshold: 64\n"
	"  half_open_max: 1024\n"
	"  nat_keepalive: 20\n"
	"  delete_rekeyed_delay: 5\n" TS
	"crypto_maps:\n"
	"  VPN:\n"
	"    - seq: 10\n"
	"      peer: 192.0.2.1\n"
	"      transform_set: TS\n"
	"      ikev2_profile: PROF\n"
	"      pfs: group19\n"
	"      initiate: on-traffic\n"
	"      lifetime: {seconds: 3600, kilobytes: 4608000}\n"
	"      match: [{src: 10.0.2.0/24, dst: 10.0.0.0/24}]\n"
	"    - {seq: 20, peer: 192.0.2.7, transform_set: TS, match: [{src: 10.0.2.0/24, dst: "
	"10.0.7.0/24}]}\n"
	"    - {seq: 30, peer: 192.0.2.1, transform_set: TS, ikev2_profile: PROF, initiate: "
	"on-start, match: [{src: 10.0.2.0/24, dst: 10.0.1.0/24}]}\n"
	"    - {seq: 40, peer: 198.51.100.9, transform_set: TS, ikev2_profile: LABP, match: "
	"[{src: 10.0.2.0/24, dst: 10.0.2.0/24}]}\n"
	"  LAB:\n"
	"    - {seq: 5, peer: 198.51.100.9, transform_set: TS, ikev2_profile: LABP, pfs: none, "
	"match: [{src: 10.0.2.0/24, dst: 10.9.0.0/16}]}\n" IFS;

static struct dpsec_config *
parse(const char *text)
{
	char err[512];
	struct dpsec_config *cfg = config_parse("t.yaml", text, strlen(text), err, sizeof(err));

	if (cfg == NULL)
		fail_msg("%s", err);
	return cfg;
}

static uint32_t
ip(const char *s)
{
	uint32_t a = 0;

	assert_true(ip4_parse(s, &a));
	return a;
}

static void
check_ids(const uint16_t *got, uint8_t n, const uint16_t *want, uint8_t n_want)
{
	assert_int_equal(n, n_want);
	for (uint8_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

#define CHECK_IDS(got, n, ...)                                                                     \
	do {                                                                                       \
		static const uint16_t want_[] = {__VA_ARGS__};                                     \
		check_ids(got, n, want_, sizeof(want_) / sizeof(want_[0]));                        \
	} while (0)

/* A policy offering two proposals, by index. */
static void
check_policy(const struct cfg_ike_policy *pol, const char *name, uint32_t first, uint32_t second)
{
	assert_string_equal(pol->name, name);
	assert_int_equal(pol->n_proposals, 2);
	assert_int_equal(pol->proposals[0], first);
	assert_int_equal(pol->proposals[1], second);
}

/* encryption: [aes-gcm-256, aes-gcm-128], and so no integrity. */
static void
check_gcm_256_128(const struct cfg_ike_proposal *p)
{
	assert_int_equal(p->n_encr, 2);
	assert_int_equal(p->encr[0].id, IKE_ENCR_AES_GCM_16);
	assert_int_equal(p->encr[0].bits, 256);
	assert_int_equal(p->encr[1].id, IKE_ENCR_AES_GCM_16);
	assert_int_equal(p->encr[1].bits, 128);
	assert_int_equal(p->n_integ, 0);
}

static void
check_brief_proposals(const struct cfg_ikev2 *ik)
{
	const struct cfg_ike_proposal *gcm = &ik->proposals[0], *cbc = &ik->proposals[1];

	assert_int_equal(ik->n_proposals, 2);	/* no built-in: the policy names none */
	assert_string_equal(gcm->name, "PROP-GCM");
	check_gcm_256_128(gcm);
	CHECK_IDS(gcm->prf, gcm->n_prf, IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384);
	CHECK_IDS(gcm->group, gcm->n_group, IKE_DH_ECP256, IKE_DH_MODP2048, IKE_DH_CURVE25519);
	assert_int_equal(gcm->pos.line, 3);
	assert_string_equal(cbc->name, "PROP-CBC");
	assert_int_equal(cbc->n_encr, 2);
	assert_int_equal(cbc->encr[0].id, IKE_ENCR_AES_CBC);
	assert_int_equal(cbc->encr[0].bits, 256);
	assert_int_equal(cbc->encr[1].id, IKE_ENCR_AES_CBC);
	assert_int_equal(cbc->encr[1].bits, 128);
	CHECK_IDS(cbc->integ, cbc->n_integ, IKE_INTEG_HMAC_SHA2_256_128,
		  IKE_INTEG_HMAC_SHA2_512_256);
	/* prf left out: the PRF of each integrity's hash, in the same order. */
	CHECK_IDS(cbc->prf, cbc->n_prf, IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_512);
	CHECK_IDS(cbc->group, cbc->n_group, IKE_DH_MODP2048);

	assert_int_equal(ik->n_policies, 1);
	check_policy(&ik->policies[0], "POL", 0, 1);
	assert_int_equal(ik->policies[0].n_match_local, 1);
	assert_int_equal(ik->policies[0].match_local[0], ip("192.0.2.2"));
}

static void
check_brief_keyrings(const struct cfg_ikev2 *ik)
{
	const struct cfg_keyring *kr = &ik->keyrings[0];
	const struct cfg_keyring_peer *a = &kr->peers[0], *lab = &kr->peers[1];
	static const uint8_t bin[4] = {0, 1, 2, 3};

	assert_int_equal(ik->n_keyrings, 1);
	assert_string_equal(kr->name, "KR");
	assert_int_equal(kr->n_peers, 2);
	assert_string_equal(a->name, "gwA");
	assert_true(a->has_addr);
	assert_int_equal(a->addr.addr, ip("192.0.2.1"));
	assert_int_equal(a->addr.len, 32);
	assert_int_equal(a->identity.type, CFG_IKE_ID_FQDN);
	assert_string_equal(a->identity.fqdn, "gwa.example");
	assert_int_equal(a->psk_local.len, 8);
	assert_memory_equal(a->psk_local.b, "a secret", 8);
	assert_int_equal(a->psk_remote.len, 8);
	assert_memory_equal(a->psk_remote.b, "a secret", 8);
	assert_int_equal(lab->addr.len, 24);
	assert_int_equal(lab->identity.type, CFG_IKE_ID_NONE);
	assert_int_equal(lab->psk_local.len, 4);
	assert_memory_equal(lab->psk_local.b, "mine", 4);
	assert_int_equal(lab->psk_remote.len, 4);
	assert_memory_equal(lab->psk_remote.b, bin, 4);
}

static void
check_brief_profiles(const struct cfg_ikev2 *ik)
{
	const struct cfg_ike_profile *p = &ik->profiles[0], *lab = &ik->profiles[1];

	assert_int_equal(ik->n_profiles, 2);
	assert_string_equal(p->name, "PROF");
	assert_int_equal(p->n_match_remote, 2);
	assert_int_equal(p->match_remote[0].type, CFG_IKE_ID_ADDRESS);
	assert_int_equal(p->match_remote[0].addr.addr, ip("192.0.2.1"));
	assert_int_equal(p->match_remote[0].addr.len, 32);
	assert_int_equal(p->match_remote[1].type, CFG_IKE_ID_FQDN);
	assert_string_equal(p->match_remote[1].fqdn, "gwa.example");
	assert_int_equal(p->local_id.type, CFG_IKE_ID_ADDRESS);
	assert_int_equal(p->local_id.addr.addr, ip("192.0.2.2"));
	assert_int_equal(p->auth_local, IKE_AUTH_SHARED_KEY_MIC);
	assert_int_equal(p->auth_remote, IKE_AUTH_SHARED_KEY_MIC);
	assert_int_equal(p->keyring, 0);
	assert_int_equal(p->dpd_interval, 10);
	assert_int_equal(p->dpd_retry, 2);
	assert_int_equal(p->dpd_mode, CFG_DPD_ON_DEMAND);
	assert_int_equal(p->lifetime_sec, 86400);
	/* Defaults: identity local = the local address, no DPD, 86400 s. */
	assert_int_equal(lab->local_id.type, CFG_IKE_ID_NONE);
	assert_int_equal(lab->dpd_interval, 0);
	assert_int_equal(lab->lifetime_sec, 86400);
	assert_int_equal(lab->match_remote[0].addr.len, 24);
}

static void
test_brief(void **state)
{
	struct dpsec_config *cfg = parse(brief_yaml);
	const struct cfg_ikev2 *ik = &cfg->ikev2;
	const struct cfg_map_entry *e = cfg->crypto_maps[0].entries;

	(void)state;
	check_brief_proposals(ik);
	check_brief_keyrings(ik);
	check_brief_profiles(ik);
	assert_int_equal(ik->retransmit_ms, 1000);
	assert_int_equal(ik->retransmit_tries, 5);
	assert_int_equal(ik->cookie_threshold, 64);
	assert_int_equal(ik->half_open_max, 1024);
	assert_int_equal(ik->nat_keepalive, 20);
	assert_int_equal(ik->delete_rekeyed_delay, 5);
	assert_int_equal(e[0].ikev2_profile, 0);
	assert_int_equal(e[0].pfs_group, IKE_DH_ECP256);
	assert_int_equal(e[0].initiate, CFG_INITIATE_ON_TRAFFIC);
	assert_int_equal(e[0].lifetime_sec, 3600);
	/* No ikev2_profile: not negotiated by IKE, no PFS, on traffic. */
	assert_int_equal(e[1].ikev2_profile, CFG_NONE);
	assert_int_equal(e[1].pfs_group, 0);
	assert_int_equal(e[1].initiate, CFG_INITIATE_ON_TRAFFIC);
	assert_int_equal(e[2].initiate, CFG_INITIATE_ON_START);
	assert_int_equal(e[2].pfs_group, 0);
	assert_int_equal(cfg->crypto_maps[1].entries[0].ikev2_profile, 1);
	assert_int_equal(cfg->crypto_maps[1].entries[0].pfs_group, 0);
	config_free(cfg);
}

/* IOS XE's default proposal pair (without group 5) and policy, when nothing is configured. */
static void
check_builtin_cbc(const struct cfg_ike_proposal *p)
{
	assert_string_equal(p->name, "default");
	assert_int_equal(p->n_encr, 1);
	assert_int_equal(p->encr[0].id, IKE_ENCR_AES_CBC);
	assert_int_equal(p->encr[0].bits, 256);
	CHECK_IDS(p->integ, p->n_integ, IKE_INTEG_HMAC_SHA2_512_256, IKE_INTEG_HMAC_SHA2_384_192,
		  IKE_INTEG_HMAC_SHA2_256_128);
	CHECK_IDS(p->prf, p->n_prf, IKE_PRF_HMAC_SHA2_512, IKE_PRF_HMAC_SHA2_384,
		  IKE_PRF_HMAC_SHA2_256);
	CHECK_IDS(p->group, p->n_group, 19, 20, 21, 14, 31);
}

static void
check_builtin_gcm(const struct cfg_ike_proposal *p)
{
	assert_string_equal(p->name, "default-gcm");
	check_gcm_256_128(p);
	CHECK_IDS(p->prf, p->n_prf, IKE_PRF_HMAC_SHA2_512, IKE_PRF_HMAC_SHA2_384,
		  IKE_PRF_HMAC_SHA2_256);
	CHECK_IDS(p->group, p->n_group, 19, 20, 21, 14, 31);
}

static void
test_defaults(void **state)
{
	static const char *const texts[] = {
		TS "crypto_maps: {VPN: [{seq: 1, peer: 192.0.2.1, transform_set: TS, match: [{src: "
		   "10.0.2.0/24, dst: 10.0.0.0/24}]}], LAB: [{seq: 1, peer: 198.51.100.1, "
		   "transform_set: TS, match: [{src: 10.0.2.0/24, dst: 10.0.1.0/24}]}]}\n" IFS,
		"ikev2: {proposals: {}, policies: {}}\n" TS
		"crypto_maps: {VPN: [{seq: 1, peer: 192.0.2.1, transform_set: TS, match: [{src: "
		"10.0.2.0/24, dst: 10.0.0.0/24}]}], LAB: [{seq: 1, peer: 198.51.100.1, "
		"transform_set: TS, match: [{src: 10.0.2.0/24, dst: 10.0.1.0/24}]}]}\n" IFS,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct dpsec_config *cfg = parse(texts[i]);
		const struct cfg_ikev2 *ik = &cfg->ikev2;

		assert_int_equal(ik->n_proposals, 2);
		check_builtin_cbc(&ik->proposals[0]);
		check_builtin_gcm(&ik->proposals[1]);
		assert_int_equal(ik->n_policies, 1);
		check_policy(&ik->policies[0], "default", 0, 1);
		assert_int_equal(ik->policies[0].n_match_local, 0);
		assert_int_equal(ik->n_keyrings + ik->n_profiles, 0);
		assert_int_equal(ik->retransmit_ms, 1000);
		assert_int_equal(ik->retransmit_tries, 5);
		assert_int_equal(ik->cookie_threshold, 64);
		assert_int_equal(ik->half_open_max, 1024);
		assert_int_equal(ik->nat_keepalive, 20);
		assert_int_equal(ik->delete_rekeyed_delay, 5);
		assert_int_equal(ik->frag_mtu, 0);	/* RFC 7383 off, as IOS */
		assert_int_equal(cfg->crypto_maps[0].entries[0].ikev2_profile, CFG_NONE);
		config_free(cfg);
	}
}

/* crypto ikev2 fragmentation [mtu N]: on with the key, IOS's 576 unless mtu says. */
static void
test_fragmentation(void **state)
{
	static const char maps[] =
		TS "crypto_maps: {VPN: [{seq: 1, peer: 192.0.2.1, transform_set: TS, match: [{src: "
		   "10.0.2.0/24, dst: 10.0.0.0/24}]}], LAB: [{seq: 1, peer: 198.51.100.1, "
		   "transform_set: TS, match: [{src: 10.0.2.0/24, dst: 10.0.1.0/24}]}]}\n" IFS;
	static const struct {
		const char *ikev2;
		uint32_t mtu;
	} rows[] = {
		{"ikev2: {fragmentation: {}}\n", 576},
		{"ikev2: {fragmentation: {mtu: 1280}}\n", 1280},
		{"ikev2: {fragmentation: {mtu: 256}}\n", 256},
		{"ikev2: {retransmit: {tries: 2}}\n", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[2048];
		struct dpsec_config *cfg;

		snprintf(text, sizeof(text), "%s%s", rows[i].ikev2, maps);
		cfg = parse(text);
		assert_int_equal(cfg->ikev2.frag_mtu, rows[i].mtu);
		config_free(cfg);
	}
}

/*
 * Proposals but no policy: the default policy, offering the built-ins (the
 * configured proposal is unused, as on IOS). A configured "default" takes
 * the built-in's place, as "crypto ikev2 proposal default" does on IOS.
 */
static void
test_default_policy(void **state)
{
	struct dpsec_config *cfg = parse(
		"ikev2: {proposals: {P: {encryption: [aes-cbc-128], integrity: [sha1, sha384], "
		"group: [14]}}}\n" IFS0);
	const struct cfg_ikev2 *ik = &cfg->ikev2;

	(void)state;
	assert_int_equal(ik->n_proposals, 3);
	CHECK_IDS(ik->proposals[0].prf, ik->proposals[0].n_prf, IKE_PRF_HMAC_SHA1,
		  IKE_PRF_HMAC_SHA2_384);
	check_builtin_cbc(&ik->proposals[1]);
	check_builtin_gcm(&ik->proposals[2]);
	check_policy(&ik->policies[0], "default", 1, 2);
	config_free(cfg);

	cfg = parse("ikev2: {proposals: {default: {encryption: [aes-gcm-128], group: [19]}}}\n"
		    IFS0);
	ik = &cfg->ikev2;
	assert_int_equal(ik->n_proposals, 2);
	assert_int_equal(ik->proposals[0].encr[0].bits, 128);
	CHECK_IDS(ik->proposals[0].prf, ik->proposals[0].n_prf, IKE_PRF_HMAC_SHA2_512,
		  IKE_PRF_HMAC_SHA2_384, IKE_PRF_HMAC_SHA2_256);
	check_builtin_gcm(&ik->proposals[1]);
	check_policy(&ik->policies[0], "default", 0, 1);
	config_free(cfg);
}

/* ---- lookups ---- */

static const char lookup_yaml[] =
	"ikev2:\n"
	"  policies:\n"
	"    ANY: {proposals: [default-gcm]}\n"
	"    OUT0: {proposals: [default], match_local: [192.0.2.2]}\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - {name: net, address: 192.0.2.0/24, pre_shared_key: net}\n"
	"      - {name: host, address: 192.0.2.1, pre_shared_key: host}\n"
	"      - {name: byname, identity: {fqdn: gw.example}, pre_shared_key: byname}\n"
	"      - {name: byip, identity: {address: 203.0.113.5}, pre_shared_key: byip}\n"
	"      - {name: all, address: 0.0.0.0/0, pre_shared_key: all}\n"
	"  profiles:\n"
	"    WIDE: {match_identity_remote: [{address: 0.0.0.0/0}], authentication: {local: "
	"pre-share, remote: pre-share}, keyring: KR}\n"
	"    NET: {match_identity_remote: [{address: 192.0.2.0/24}], authentication: {local: "
	"pre-share, remote: pre-share}, keyring: KR}\n"
	"    HOST: {match_identity_remote: [{address: 192.0.2.1}], authentication: {local: "
	"pre-share, remote: pre-share}, keyring: KR}\n"
	"    NAME: {match_identity_remote: [{fqdn: GW.example}], authentication: {local: "
	"pre-share, remote: pre-share}, keyring: KR}\n" TS
	"crypto_maps:\n"
	"  VPN:\n"
	"    - {seq: 30, peer: 192.0.2.1, transform_set: TS, ikev2_profile: HOST, match: [{src: "
	"10.0.2.0/24, dst: 10.3.0.0/16}]}\n"
	"    - {seq: 10, peer: 192.0.2.1, transform_set: TS, ikev2_profile: NET, match: [{src: "
	"10.0.2.0/24, dst: 10.1.0.0/16}]}\n"
	"    - {seq: 20, peer: 192.0.2.1, transform_set: TS, match: [{src: 10.0.2.0/24, dst: "
	"10.2.0.0/16}]}\n"
	"    - {seq: 40, peer: 192.0.2.9, transform_set: TS, ikev2_profile: HOST, match: [{src: "
	"10.0.2.0/24, dst: 10.4.0.0/16}]}\n"
	"  LAB:\n"
	"    - {seq: 1, peer: 192.0.2.1, transform_set: TS, ikev2_profile: HOST, match: [{src: "
	"10.0.2.0/24, dst: 10.5.0.0/16}]}\n" IFS;

static struct cfg_ike_id
addr_id(const char *s)
{
	struct cfg_ike_id id = {.type = CFG_IKE_ID_ADDRESS, .addr = {ip(s), 32}};

	return id;
}

static struct cfg_ike_id
fqdn_id(const char *s)
{
	struct cfg_ike_id id = {.type = CFG_IKE_ID_FQDN};

	snprintf(id.fqdn, sizeof(id.fqdn), "%s", s);
	return id;
}

static void
test_lookup_policy(void **state)
{
	struct dpsec_config *cfg = parse(lookup_yaml);

	(void)state;
	assert_string_equal(config_ike_policy(cfg, ip("192.0.2.2"))->name, "OUT0");
	assert_string_equal(config_ike_policy(cfg, ip("198.51.100.2"))->name, "ANY");
	config_free(cfg);
	/* Only policies for some addresses: none for the others. */
	cfg = parse("ikev2: {policies: {P: {proposals: [default], match_local: [192.0.2.2]}}}\n"
		    IFS0);
	assert_non_null(config_ike_policy(cfg, ip("192.0.2.2")));
	assert_null(config_ike_policy(cfg, ip("198.51.100.2")));
	config_free(cfg);
}

static void
test_lookup_id_match(void **state)
{
	struct cfg_ike_id net = {.type = CFG_IKE_ID_ADDRESS, .addr = {ip("192.0.2.0"), 24}};
	struct cfg_ike_id none = {.type = CFG_IKE_ID_NONE};
	struct cfg_ike_id a = addr_id("192.0.2.77"), other = addr_id("192.0.3.1");
	struct cfg_ike_id f = fqdn_id("Gw.Example"), g = fqdn_id("gw.example"),
			  h = fqdn_id("gw.example.org");
	struct cfg_ike_id wide = net;

	(void)state;
	wide.addr.len = 16;
	assert_true(config_ike_id_match(&net, &a));
	assert_false(config_ike_id_match(&net, &other));
	assert_false(config_ike_id_match(&net, &wide));	/* a received ID is one address */
	assert_true(config_ike_id_match(&f, &g));	/* RFC 4343: case-insensitive */
	assert_false(config_ike_id_match(&g, &h));
	assert_false(config_ike_id_match(&net, &g));
	assert_false(config_ike_id_match(&g, &a));
	assert_false(config_ike_id_match(&none, &none));
}

static void
test_lookup_profile(void **state)
{
	struct dpsec_config *cfg = parse(lookup_yaml);
	struct cfg_ike_id host = addr_id("192.0.2.1"), net = addr_id("192.0.2.200"),
			  far = addr_id("203.0.113.1"), name = fqdn_id("gw.EXAMPLE"),
			  unknown = fqdn_id("other.example");

	(void)state;
	/* The most specific statement wins, whatever the order of the profiles. */
	assert_string_equal(config_ike_profile_match(cfg, &host)->name, "HOST");
	assert_string_equal(config_ike_profile_match(cfg, &net)->name, "NET");
	assert_string_equal(config_ike_profile_match(cfg, &far)->name, "WIDE");
	assert_string_equal(config_ike_profile_match(cfg, &name)->name, "NAME");
	assert_null(config_ike_profile_match(cfg, &unknown));
	config_free(cfg);
}

static void
test_lookup_keyring_peer(void **state)
{
	struct dpsec_config *cfg = parse(lookup_yaml);
	const struct cfg_keyring *kr = &cfg->ikev2.keyrings[0];
	struct cfg_ike_id name = fqdn_id("GW.example"), byip = addr_id("203.0.113.5"),
			  unknown = fqdn_id("x.example");

	(void)state;
	assert_string_equal(config_keyring_peer(kr, ip("192.0.2.1"), NULL)->name, "host");
	assert_string_equal(config_keyring_peer(kr, ip("192.0.2.3"), NULL)->name, "net");
	assert_string_equal(config_keyring_peer(kr, ip("203.0.113.5"), NULL)->name, "all");
	/* A received identity comes first; without a match, the address decides. */
	assert_string_equal(config_keyring_peer(kr, ip("192.0.2.1"), &name)->name, "byname");
	assert_string_equal(config_keyring_peer(kr, ip("192.0.2.1"), &byip)->name, "byip");
	assert_string_equal(config_keyring_peer(kr, ip("192.0.2.1"), &unknown)->name, "host");
	config_free(cfg);
	cfg = parse(lookup_yaml);
	cfg->ikev2.keyrings[0].n_peers = 4;	/* without "all" */
	assert_null(config_keyring_peer(&cfg->ikev2.keyrings[0], ip("203.0.113.5"), NULL));
	cfg->ikev2.keyrings[0].n_peers = 5;
	config_free(cfg);
}

static void
test_lookup_entries(void **state)
{
	struct dpsec_config *cfg = parse(lookup_yaml);
	const struct cfg_crypto_map *m = NULL;
	const struct cfg_map_entry *e;
	const uint32_t host = 2, net = 1;

	(void)state;
	/* Seq order, IKE entries only (seq 20 has no profile), this peer only (not 40). */
	e = config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE, NULL, &m);
	assert_non_null(e);
	assert_string_equal(m->name, "VPN");
	assert_int_equal(e->seq, 10);
	e = config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE, e, &m);
	assert_int_equal(e->seq, 30);
	assert_null(config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE, e, &m));
	/* One profile's entries. */
	e = config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), host, NULL, NULL);
	assert_int_equal(e->seq, 30);
	e = config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), net, NULL, NULL);
	assert_int_equal(e->seq, 10);
	assert_null(config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), net, e, NULL));
	/* The other interface's map; an address with no map; an entry of another map. */
	e = config_ike_entry(cfg, ip("198.51.100.2"), ip("192.0.2.1"), CFG_NONE, NULL, &m);
	assert_string_equal(m->name, "LAB");
	assert_int_equal(e->seq, 1);
	assert_null(config_ike_entry(cfg, ip("10.0.2.1"), ip("192.0.2.1"), CFG_NONE, NULL, &m));
	assert_null(config_ike_entry(cfg, ip("192.0.2.2"), ip("192.0.2.1"), CFG_NONE, e, &m));
	config_free(cfg);
}

/* ---- keys ---- */

#define MARK "psk-MARK-5b2e9f"	/* text pre-shared key */
#define MARK_HEX "7a17e0c99e3d4b1f"	/* binary pre-shared key, as hex */

void *__real_free(void *p);
void __wrap_free(void *p);
int __real_munmap(void *p, size_t len);
int __wrap_munmap(void *p, size_t len);

/* volatile: the compiler takes free() for libc's, which reads neither. */
static volatile bool scanning;
static volatile int blocks_with_key;
static void *volatile last_unmapped;	/* the start of the last block munmap()ed while scanning */

static bool
holds_key(const void *p, size_t n)
{
	static const uint8_t bin[] = {0x7a, 0x17, 0xe0, 0xc9, 0x9e, 0x3d, 0x4b, 0x1f};

	return memmem(p, n, MARK, strlen(MARK)) != NULL || memmem(p, n, bin, sizeof(bin)) != NULL;
}

/* Every block freed while scanning is searched for key bytes before it is released. */
void
__wrap_free(void *p)
{
	if (scanning && p != NULL && holds_key(p, malloc_usable_size(p)))
		blocks_with_key++;
	__real_free(p);
}

/* The same for secret memory: its pages are searched before they are unmapped. */
int
__wrap_munmap(void *p, size_t len)
{
	if (scanning) {
		last_unmapped = p;
		if (holds_key(p, len))
			blocks_with_key++;
	}
	return __real_munmap(p, len);
}

/* Keys are wiped before the memory holding them goes back to malloc. */
static void
test_psk_wiped(void **state)
{
	static const char yaml[] =
		"ikev2:\n"
		"  keyrings:\n"
		"    KR:\n"
		"      - {name: a, address: 192.0.2.1, pre_shared_key: \"" MARK "\"}\n"
		"      - {name: b, address: 192.0.2.9, pre_shared_key: {local: \"0x" MARK_HEX "\", "
		"remote: \"" MARK "\"}}\n" IFS0;
	static void *volatile control;	/* volatile: the compiler may not drop malloc/free */
	struct dpsec_config *cfg;
	void *peers;

	(void)state;
	/* The check can fail: a block with the key in it is seen, freed or unmapped. */
	control = malloc(64);
	assert_non_null(control);
	snprintf(control, 64, "x" MARK "y");
	blocks_with_key = 0;
	scanning = true;
	free(control);
	scanning = false;
	assert_int_equal(blocks_with_key, 1);
	control = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(control != MAP_FAILED);
	snprintf((char *)control + 100, 64, "x" MARK "y");
	blocks_with_key = 0;
	scanning = true;
	munmap(control, 4096);
	scanning = false;
	assert_int_equal(blocks_with_key, 1);

	blocks_with_key = 0;
	scanning = true;
	cfg = config_parse("t.yaml", yaml, strlen(yaml), NULL, 0);
	scanning = false;
	assert_non_null(cfg);
	assert_int_equal(cfg->ikev2.keyrings[0].peers[1].psk_local.len, 8);
	assert_int_equal(blocks_with_key, 0);	/* the parse tree's copies */
	peers = cfg->ikev2.keyrings[0].peers;
	last_unmapped = NULL;
	scanning = true;
	config_free(cfg);
	scanning = false;
	assert_int_equal(blocks_with_key, 0);
	assert_ptr_equal(last_unmapped, peers);	/* the keys' pages were searched too */
}

/* The pre-shared keys live in memory a core dump leaves out (MADV_DONTDUMP), as SA keys do. */
static void
test_psk_dontdump(void **state)
{
	static const char yaml[] =
		"ikev2:\n"
		"  keyrings:\n"
		"    KR: [{name: a, address: 192.0.2.1, pre_shared_key: \"" MARK "\"}]\n"
		"    KR2:\n"
		"      - {name: b, address: 192.0.2.9, pre_shared_key: {local: \"0x" MARK_HEX "\", "
		"remote: \"" MARK "\"}}\n" IFS0;
	struct dpsec_config *cfg = config_parse("t.yaml", yaml, strlen(yaml), NULL, 0);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->ikev2.n_keyrings, 2);
	for (uint32_t i = 0; i < cfg->ikev2.n_keyrings; i++) {
		const struct cfg_keyring_peer *p = &cfg->ikev2.keyrings[i].peers[0];

		assert_int_equal(vma_dontdump(&p->psk_local), 1);
		assert_int_equal(vma_dontdump(&p->psk_remote.b[CFG_PSK_MAX - 1]), 1);
	}
	config_free(cfg);
}

/* Whatever is wrong around a key, the message does not contain it. */
static void
test_no_psk_in_errors(void **state)
{
	static const char *const peers[] = {
		"{name: a, address: 192.0.2.1, pre_shared_key: \"" MARK "\", bogus: 1}",
		"{name: a, address: 192.0.2.1, pre_shared_key: [\"" MARK "\"]}",
		"{name: a, address: 192.0.2.1, pre_shared_key: {local: \"" MARK "\"}}",
		"{name: a, address: 192.0.2.1, pre_shared_key: {local: \"" MARK "\", remote: \"" MARK
		"\\x01\"}}",
		"{name: a, address: 192.0.2.1, pre_shared_key: \"0x" MARK_HEX "0\"}",
		"{name: a, address: 192.0.2.1, pre_shared_key: \"0x" MARK_HEX "zz\"}",
		"{name: a, address: 192.0.2.1, pre_shared_key: \"" MARK MARK MARK MARK MARK MARK MARK
		MARK MARK "\"}",
		"{name: a, pre_shared_key: \"" MARK "\"}",
		"{name: a, address: 192.0.2.1, pre_shared_key: \"" MARK "\"}\n"
		"      - {name: a, address: 192.0.2.2, pre_shared_key: \"" MARK "\"}",
	};
	char yaml[1024], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		snprintf(yaml, sizeof(yaml), "ikev2:\n  keyrings:\n    KR:\n      - %s\n%s", peers[i],
			 IFS0);
		assert_null(config_parse("t.yaml", yaml, strlen(yaml), err, sizeof(err)));
		assert_int_equal(strncmp(err, "t.yaml:", 7), 0);
		if (strstr(err, "MARK") != NULL || strstr(err, "7a17e0") != NULL)
			fail_msg("case %zu: key in: %s", i, err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brief),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_lookup_policy),
		cmocka_unit_test(test_lookup_id_match),
		cmocka_unit_test(test_lookup_profile),
		cmocka_unit_test(test_lookup_keyring_peer),
		cmocka_unit_test(test_lookup_entries),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_psk_wiped),
		cmocka_unit_test(test_psk_dontdump),
		cmocka_unit_test(test_no_psk_in_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
