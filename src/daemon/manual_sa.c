/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "manual_sa.h"

static void
params_of(const struct dpsec_config *cfg, const struct cfg_manual_sa *m, struct dp_sa_params *p)
{
	const struct cfg_map_entry *e = &cfg->crypto_maps[m->map].entries[m->entry];
	const struct cfg_transform_set *ts = &cfg->transform_sets[e->transform_set];

	*p = (struct dp_sa_params){
		.dir = m->dir, .spi = m->spi, .map = m->map, .entry = m->entry,
		.proto = ts->proto, .cipher = ts->cipher, .auth = ts->auth, .esn = ts->esn,
		.local = m->local, .peer = m->peer, .udp_encap = m->udp_encap,
		.local_port = m->local_port, .peer_port = m->peer_port,
		.replay_window = e->replay_window, .initial_seq = m->initial_sequence, .manual = true,
		.activate = true,
		.cipher_key = &m->cipher_key, .auth_key = &m->auth_key};
}

static int
install_err(const struct dpsec_config *cfg, const struct cfg_manual_sa *m, uint32_t spi, int rc,
	    char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%u:%u: cannot install manual SA spi 0x%X: %s%s",
		 m->from_file ? cfg->sa_file.path : cfg->path ? cfg->path : "config", m->pos.line,
		 m->pos.col, spi, strerror(-rc),
		 rc == -EHOSTUNREACH ? " (no next-hop MAC for the peer: add neighbors or "
				       "next_hop_mac to the interface)"
				     : "");
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
	const struct cfg_map_entry *e = &cfg->crypto_maps[m->map].entries[m->entry];
	const struct cfg_transform_set *ts = &cfg->transform_sets[e->transform_set];
	static const struct secret none;
	uint32_t esp_id, ah_id;
	int rc;

	p->bundled = true;
	rc = dp_sa_add(dp, p, &esp_id);
	if (rc != 0)
		return install_err(cfg, m, m->spi, rc, err, errlen);
	*p = (struct dp_sa_params){
		.dir = m->dir, .spi = m->ah_spi, .map = m->map, .entry = m->entry,
		.proto = IPPROTO_AH, .cipher = DP_CIPHER_NULL, .auth = ts->ah_auth,
		.esn = ts->esn, .local = m->local, .peer = m->peer,
		.replay_window = e->replay_window, .initial_seq = m->initial_sequence,
		.manual = true, .activate = true, .inner_conn_id = esp_id,
		.cipher_key = &none, .auth_key = &m->ah_auth_key};
	rc = dp_sa_add(dp, p, &ah_id);
	if (rc != 0) {
		dp_sa_del(dp, esp_id);
		return install_err(cfg, m, m->ah_spi, rc, err, errlen);
	}
	return 0;
}

int
manual_sa_install(struct dp *dp, const struct dpsec_config *cfg, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *m = &cfg->manual_sas[i];
		struct dp_sa_params p;
		uint32_t conn_id;
		int rc;

		params_of(cfg, m, &p);
		if (m->ah_spi != 0) {
			rc = install_bundle(dp, cfg, m, &p, err, errlen);
			if (rc != 0)
				return rc;
			continue;
		}
		rc = dp_sa_add(dp, &p, &conn_id);
		if (rc != 0)
			return install_err(cfg, m, m->spi, rc, err, errlen);
	}
	return 0;
}

/* One line for the whole manual SA file, not one per SA (it may hold millions). */
static void
warn_file(const struct dpsec_config *cfg, struct dlog *log)
{
	uint32_t n = 0;
	char text[256];

	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *m = &cfg->manual_sas[i];
		const struct cfg_map_entry *e = &cfg->crypto_maps[m->map].entries[m->entry];

		n += m->from_file && dp_cipher_info[cfg->transform_sets[e->transform_set].cipher].aead;
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
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m->map];
		const struct cfg_map_entry *e = &map->entries[m->entry];
		const struct cfg_transform_set *ts = &cfg->transform_sets[e->transform_set];
		char text[256];

		if (!m->allow_unsafe_gcm || m->from_file)
			continue;
		snprintf(text, sizeof(text),
			 "manual SA spi 0x%X (crypto map %s %u, %s) uses %s with a static key: its "
			 "nonces repeat after every restart (RFC 4106 section 8); "
			 "allow_unsafe_manual_gcm is set, for testing only",
			 m->spi, map->name, e->seq, m->dir == CFG_DIR_IN ? "inbound" : "outbound",
			 dp_cipher_info[ts->cipher].ios);
		fprintf(stderr, "dpsecd: warning: %s\n", text);
		dlog_msg(log, 4, "CRYPTO-4-UNSAFE_MANUAL_GCM", "%s", text);
	}
}
