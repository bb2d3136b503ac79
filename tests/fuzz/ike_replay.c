/* SPDX-License-Identifier: BSD-3-Clause */
/* A responder fed recorded records (ike_replay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto_int.h"
#include "ike_replay.h"

#ifndef IKE_FUZZ_DETERMINISTIC
#error "ike_replay.c needs the deterministic randomness of fuzz builds"
#endif

static const char yaml_b[] =
	"hostname: gwB\n"
	"ikev2:\n"
	"  proposals:\n"
	"    GCM: {encryption: [aes-gcm-256, aes-gcm-128], prf: [sha384, sha256], "
	"group: [19, 31, 14]}\n"
	"    CBC: {encryption: [aes-cbc-256], integrity: [sha256], group: [19, 14]}\n"
	"  policies:\n"
	"    POL: {proposals: [GCM, CBC]}\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - {name: gwA, address: 192.0.2.1, pre_shared_key: \"fuzz-psk\"}\n"
	"  profiles:\n"
	"    PROF:\n"
	"      match_identity_remote: [{address: 192.0.2.1}, {fqdn: gwa.example}]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"      dpd: {interval: 10, retry: 2, mode: periodic}\n"
	"  cookie_threshold: 3\n"
	"  half_open_max: 16\n"
	"  retransmit: {interval_ms: 500, tries: 3}\n"
	"  fragmentation: {mtu: 256}\n"
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: 10.0.2.1/24, role: inside}\n"
	"  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
	"crypto_map: VPN}\n"
	"transform_sets:\n"
	"  GCM: {transforms: [esp-gcm 256]}\n"
	"  CBC: {transforms: [esp-aes 128, esp-sha256-hmac]}\n"
	"crypto_maps:\n"
	"  VPN:\n"
	"    - {seq: 10, peer: 192.0.2.1, transform_set: GCM, ikev2_profile: PROF, "
	"match: [{src: 10.0.2.0/24, dst: 10.0.0.0/24}]}\n"
	"    - {seq: 20, peer: 192.0.2.1, transform_set: CBC, ikev2_profile: PROF, pfs: group19, "
	"match: [{src: 10.0.3.0/24, dst: 10.0.1.0/24, proto: udp, dport: 53}]}\n";

struct dpsec_config *
ike_replay_config(void)
{
	char err[256];
	struct dpsec_config *cfg = config_parse("gwB", yaml_b, sizeof(yaml_b) - 1, err,
						sizeof(err));

	if (cfg == NULL) {
		fprintf(stderr, "ike_replay: %s\n", err);
		abort();
	}
	return cfg;
}

static uint64_t
cb_now(void *ctx)
{
	return ((const struct ike_replay *)ctx)->now_ms;
}

static void
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *msg, size_t len)
{
	struct ike_replay *r = ctx;

	r->sent++;
	if (r->on_send != NULL)
		r->on_send(r->ctx, local, remote, msg, len);
}

static int
cb_sa_add(void *ctx, const struct dp_sa_params *p, uint32_t *h)
{
	struct ike_replay *r = ctx;

	if (p->cipher_key == NULL || (p->auth != DP_AUTH_NONE && p->auth_key == NULL))
		abort();	/* the engine must always hand over keys */
	*h = r->handles++;
	return 0;
}

static int
cb_sa_ok(void *ctx, uint32_t h)
{
	const struct ike_replay *r = ctx;

	if (h >= r->handles)
		abort();	/* a handle the dataplane never gave out */
	return 0;
}

static int
cb_usage(void *ctx, uint32_t h, struct ike_sa_usage *u)
{
	(void)ctx;
	u->pkts = h;	/* something that moves with the handle */
	u->bytes = 0;
	return 0;
}

static void
cb_log(void *ctx, int severity, const char *tag, const char *msg)
{
	(void)ctx;
	if (severity < 0 || severity > 7 || tag == NULL || msg == NULL || strlen(msg) > 4096)
		abort();
}

static void
cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	(void)ctx;
	(void)local;
	(void)remote;
}

void
ike_replay_start(struct ike_replay *r, const struct dpsec_config *cfg)
{
	struct ike_ops ops = {
		.ctx = r, .now_ms = cb_now, .send = cb_send, .sa_add = cb_sa_add,
		.sa_activate = cb_sa_ok, .sa_del = cb_sa_ok, .sa_usage = cb_usage,
		.log = cb_log, .send_keepalive = cb_keepalive,
	};
	char err[128];

	r->now_ms = 1000000;
	r->handles = 0;
	r->sent = 0;
	ike_random_fuzz_seed(0, REPLAY_SEED_B);
	ike_random_fuzz_use(0);
	r->ike = ike_create(cfg, &ops, err, sizeof(err));
	if (r->ike == NULL)
		abort();
}

static void
run_due(struct ike_replay *r)
{
	for (int k = 0; k < 64 && ike_next_timeout(r->ike) == 0; k++)
		ike_run_timers(r->ike);
}

static void
command(struct ike_replay *r, const uint8_t *d, size_t len)
{
	struct ike_addr peer = {.family = 4, .ip = {192, 0, 2, 1}, .port = 500};
	uint32_t spi = 0;

	if (len < 1)
		return;
	if (len >= 5)
		spi = (uint32_t)d[1] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 8 | d[4];
	switch (d[0] % 5) {
	case 0:
		ike_clear(r->ike, len > 1 && d[1] ? &peer : NULL);
		break;
	case 1:
		ike_initiate(r->ike, 0, len > 1 ? d[1] & 1 : 0);
		break;
	case 2:
		ike_notify_invalid_spi(r->ike, &peer, spi, 50);
		break;
	case 3:
		ike_recreate_child(r->ike, 0, len > 1 ? d[1] & 1 : 0);
		break;
	default:
		ike_delete_child_local(r->ike, 0, len > 1 ? d[1] & 1 : 0);
		break;
	}
}

void
ike_replay_record(struct ike_replay *r, uint8_t time, uint8_t flags, const uint8_t *data,
		  size_t len)
{
	static const uint16_t ports[4] = {500, 4500, 40500, 44500};
	struct ike_addr local = {.family = 4, .ip = {192, 0, 2, 2}};
	struct ike_addr remote = {.family = 4, .ip = {192, 0, 2, 1}};

	ike_random_fuzz_use(0);
	if (time != 0) {
		r->now_ms += (uint64_t)time * REPLAY_TICK_MS;
		run_due(r);
	}
	if (flags & REPLAY_F_EVENT) {
		if (len >= 1)
			ike_sa_expired(r->ike, data[0], flags & REPLAY_F_HARD);
	} else if (flags & REPLAY_F_CMD) {
		command(r, data, len);
	} else if (len != 0) {
		remote.port = ports[flags & REPLAY_F_PORT];
		local.port = remote.port == 500 ? 500 : 4500;
		ike_input(r->ike, &local, &remote, data, len);
	}
	run_due(r);
}

void
ike_replay_run(struct ike_replay *r, const uint8_t *data, size_t size)
{
	while (size >= REPLAY_REC_HDR) {
		size_t len = (size_t)data[2] << 8 | data[3];
		uint8_t time = data[0], flags = data[1];

		data += REPLAY_REC_HDR;
		size -= REPLAY_REC_HDR;
		if (len > size)
			len = size;
		ike_replay_record(r, time, flags, data, len);
		data += len;
		size -= len;
	}
}

void
ike_replay_finish(struct ike_replay *r)
{
	struct view_ike_sa v[8];
	struct view_ike_child c[16];
	struct view_ike_stats st;

	ike_sa_list(r->ike, v, 8);
	ike_child_list(r->ike, 0, c, 16);
	ike_stats_get(r->ike, &st);
	(void)ike_mem_bytes(r->ike);
	ike_destroy(r->ike);
	r->ike = NULL;
}
