/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "manual_sa.h"

/* The replay window of the crypto map entry or the tunnel the SA keys. */
static uint32_t
replay_window_of(const struct dpsec_config *cfg, const struct cfg_manual_sa *m)
{
	if (m->tunnel < cfg->n_tunnels)
		return cfg->tunnels[m->tunnel].replay_window;
	return cfg->crypto_maps[m->map].entries[m->entry].replay_window;
}

static void
params_of(const struct dpsec_config *cfg, const struct cfg_manual_sa *m, struct dp_sa_params *p)
{
	const struct cfg_transform_set *ts = &cfg->transform_sets[config_manual_sa_ts(cfg, m)];

	*p = (struct dp_sa_params){
		.dir = m->dir, .spi = m->spi, .map = m->map, .entry = m->entry,
		.vti = m->tunnel < cfg->n_tunnels, .tunnel = m->tunnel,
		.proto = ts->proto, .cipher = ts->cipher, .auth = ts->auth, .esn = ts->esn,
		.local = m->local, .peer = m->peer, .udp_encap = m->udp_encap,
		.local_port = m->local_port, .peer_port = m->peer_port,
		.replay_window = replay_window_of(cfg, m), .initial_seq = m->initial_sequence,
		.manual = true,
		.activate = true,
		.cipher_key = &m->cipher_key, .auth_key = &m->auth_key};
	/* IPv6 endpoints: the tunnel's source6 and destination6 (ipsec ipv6) */
	if (m->v6 && m->tunnel < cfg->n_tunnels) {
		p->family = AF_INET6;
		memcpy(p->local6, cfg->tunnels[m->tunnel].source6, 16);
		memcpy(p->peer6, cfg->tunnels[m->tunnel].destination6, 16);
		return;
	}
	/* or the interface's address6 and the entry's peer6 (config.h) */
	if (m->v6) {
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m->map];

		p->family = AF_INET6;
		memcpy(p->local6, cfg->interfaces[map->iface].addr6, 16);
		memcpy(p->peer6, map->entries[m->entry].peer6, 16);
	}
}

static int
install_err(const struct dpsec_config *cfg, const struct cfg_manual_sa *m, uint32_t spi, int rc,
	    char *err, size_t errlen)
{
	char why[256] = "";

	if (rc == -EHOSTUNREACH)
		snprintf(why, sizeof(why), " (no next-hop MAC for the peer: add neighbors or "
					   "next_hop_mac to the interface)");
	snprintf(err, errlen, "%s:%u:%u: cannot install manual SA spi 0x%X: %s%s",
		 m->from_file ? cfg->sa_file.path : cfg->path ? cfg->path : "config", m->pos.line,
		 m->pos.col, spi, strerror(-rc), why);
	return rc;
}

/*
 * An AH+ESP bundle (cfg_ts_bundle) is two SAs: its ESP SA first, marked
 * bundled, then the AH SA around it (dp_sa_params.inner_conn_id), with the
 * AH's SPI and key. If the AH SA cannot be added, neither stays.
 */
static int
install_bundle(struct dp *dp, const struct dpsec_config *cfg, const struct cfg_manual_sa *m,
	       struct dp_sa_params *p, char *err, size_t errlen)
{
	const struct cfg_transform_set *ts = &cfg->transform_sets[config_manual_sa_ts(cfg, m)];
	static const struct secret none;
	uint32_t esp_id, ah_id;
	int rc;

	p->bundled = true;
	rc = dp_sa_add(dp, p, &esp_id);
	if (rc != 0)
		return install_err(cfg, m, m->spi, rc, err, errlen);
	/* the same endpoints, either family (the AH SA is the ESP SA's outer header) */
	p->bundled = false;
	p->spi = m->ah_spi;
	p->proto = IPPROTO_AH;
	p->cipher = DP_CIPHER_NULL;
	p->auth = ts->ah_auth;
	p->inner_conn_id = esp_id;
	p->cipher_key = &none;
	p->auth_key = &m->ah_auth_key;
	rc = dp_sa_add(dp, p, &ah_id);
	if (rc != 0) {
		dp_sa_del(dp, esp_id);
		return install_err(cfg, m, m->ah_spi, rc, err, errlen);
	}
	return 0;
}

static int
install_one(struct dp *dp, const struct dpsec_config *cfg, const struct cfg_manual_sa *m,
	    char *err, size_t errlen)
{
	struct dp_sa_params p;
	uint32_t conn_id;
	int rc;

	params_of(cfg, m, &p);
	if (m->ah_spi != 0)
		return install_bundle(dp, cfg, m, &p, err, errlen);
	rc = dp_sa_add(dp, &p, &conn_id);
	return rc != 0 ? install_err(cfg, m, m->spi, rc, err, errlen) : 0;
}

static int
wait_add(struct manual_sa_wait *w, uint32_t i)
{
	if (w->n == w->cap) {
		uint32_t cap = w->cap != 0 ? w->cap * 2 : 16;
		uint32_t *idx = realloc(w->idx, cap * sizeof(*idx));

		if (idx == NULL)
			return -ENOMEM;
		w->idx = idx;
		w->cap = cap;
	}
	w->idx[w->n++] = i;
	return 0;
}

int
manual_sa_install(struct dp *dp, const struct dpsec_config *cfg, struct manual_sa_wait *w,
		  char *err, size_t errlen)
{
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *m = &cfg->manual_sas[i];
		int rc = install_one(dp, cfg, m, err, errlen);

		/* only an outbound SA needs the peer's MAC (its header template) */
		if (rc == -EHOSTUNREACH && w != NULL && m->dir == CFG_DIR_OUT) {
			err[0] = '\0';
			rc = wait_add(w, i);
			if (rc != 0)
				snprintf(err, errlen, "out of memory for the SAs waiting for a MAC");
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The SA's peer as text (IPv4, or IPv6 from the tunnel or the crypto map entry). */
static const char *
peer_str(const struct dpsec_config *cfg, const struct cfg_manual_sa *m, char *buf, size_t len)
{
	struct dp_sa_params p;

	params_of(cfg, m, &p);
	if (p.family == AF_INET6)
		return inet_ntop(AF_INET6, p.peer6, buf, (socklen_t)len) ? buf : "?";
	return inet_ntop(AF_INET, &p.peer, buf, (socklen_t)len) ? buf : "?";
}

void
manual_sa_wait_log(const struct manual_sa_wait *w, struct dlog *log)
{
	char a[INET6_ADDRSTRLEN];
	const struct cfg_manual_sa *m;

	if (w->n == 0)
		return;
	m = &w->cfg->manual_sas[w->idx[0]];
	dlog_msg(log, 4, "DPSEC-4-SA_WAIT_MAC",
		 "%u outbound manual SA(s) wait for their peer's MAC address (no static "
		 "neighbor or next_hop_mac; resolving by ARP or neighbor discovery), the first "
		 "spi 0x%X to %s: their traffic is dropped until then",
		 w->n, m->spi, peer_str(w->cfg, m, a, sizeof(a)));
}

/* The same peer (family and address) as an SA that failed this round. */
static bool
peer_failed(const struct dp_sa_params *failed, uint32_t n, const struct dp_sa_params *p)
{
	for (uint32_t i = 0; i < n; i++) {
		if (failed[i].family != p->family)
			continue;
		if (p->family == AF_INET6 ? memcmp(failed[i].peer6, p->peer6, 16) == 0
					  : failed[i].peer == p->peer)
			return true;
	}
	return false;
}

#define WAIT_PEERS_MAX 64	/* peers remembered as failed in one round */

bool
manual_sa_retry(void *ctx)
{
	static struct dp_sa_params failed[WAIT_PEERS_MAX];
	struct manual_sa_wait *w = ctx;
	uint32_t kept = 0, n_failed = 0, done = 0, first_done = UINT32_MAX;
	char err[512];

	for (uint32_t k = 0; k < w->n; k++) {
		const struct cfg_manual_sa *m = &w->cfg->manual_sas[w->idx[k]];
		struct dp_sa_params p;
		int rc = -EHOSTUNREACH;

		params_of(w->cfg, m, &p);
		if (!peer_failed(failed, n_failed, &p))
			rc = install_one(w->dp, w->cfg, m, err, sizeof(err));
		if (rc == -EHOSTUNREACH) {
			if (n_failed < WAIT_PEERS_MAX && !peer_failed(failed, n_failed, &p))
				failed[n_failed++] = p;
			w->idx[kept++] = w->idx[k];
			continue;
		}
		if (rc != 0 && w->log != NULL)
			dlog_msg(w->log, 3, "DPSEC-3-SA_INSTALL", "%s", err);
		if (rc == 0 && done++ == 0)
			first_done = w->idx[k];
	}
	w->n = kept;
	if (done != 0 && w->log != NULL) {
		const struct cfg_manual_sa *m = &w->cfg->manual_sas[first_done];
		char a[INET6_ADDRSTRLEN];

		dlog_msg(w->log, 5, "DPSEC-5-SA_MAC_LEARNED",
			 "%u outbound manual SA(s) installed now that their peer's MAC is known, "
			 "the first spi 0x%X to %s; %u still wait", done, m->spi,
			 peer_str(w->cfg, m, a, sizeof(a)), w->n);
	}
	return w->n != 0;
}

void
manual_sa_wait_free(struct manual_sa_wait *w)
{
	free(w->idx);
	*w = (struct manual_sa_wait){0};
}

/* One line for the whole manual SA file, not one per SA (it may hold millions). */
static void
warn_file(const struct dpsec_config *cfg, struct dlog *log)
{
	uint32_t n = 0;
	char text[256];

	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *m = &cfg->manual_sas[i];

		n += m->from_file &&
		     dp_cipher_info[cfg->transform_sets[config_manual_sa_ts(cfg, m)].cipher].aead;
	}
	if (n == 0)
		return;
	snprintf(text, sizeof(text),
		 "manual SA file %s: %u SAs use AES-GCM with a static key: their nonces repeat "
		 "after every restart (RFC 4106 section 8); allow_unsafe_manual_gcm is set, for "
		 "testing only", cfg->sa_file.path, n);
	fprintf(stderr, "dpsecd: warning: %s\n", text);
	dlog_msg(log, 4, "CRYPTO-4-UNSAFE_MANUAL_GCM", "%s", text);
}

void
manual_sa_warn(const struct dpsec_config *cfg, struct dlog *log)
{
	warn_file(cfg, log);
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *m = &cfg->manual_sas[i];
		uint32_t ts_idx = config_manual_sa_ts(cfg, m);
		const struct cfg_transform_set *ts = &cfg->transform_sets[ts_idx];
		char text[256], of[CFG_NAME_MAX + 32];

		if (!m->allow_unsafe_gcm || m->from_file)
			continue;
		if (m->tunnel < cfg->n_tunnels)
			snprintf(of, sizeof(of), "%s", cfg->tunnels[m->tunnel].name);
		else
			snprintf(of, sizeof(of), "crypto map %s %u", cfg->crypto_maps[m->map].name,
				 cfg->crypto_maps[m->map].entries[m->entry].seq);
		snprintf(text, sizeof(text),
			 "manual SA spi 0x%X (%s, %s) uses %s with a static key: its "
			 "nonces repeat after every restart (RFC 4106 section 8); "
			 "allow_unsafe_manual_gcm is set, for testing only",
			 m->spi, of, m->dir == CFG_DIR_IN ? "inbound" : "outbound",
			 dp_cipher_info[ts->cipher].ios);
		fprintf(stderr, "dpsecd: warning: %s\n", text);
		dlog_msg(log, 4, "CRYPTO-4-UNSAFE_MANUAL_GCM", "%s", text);
	}
}
