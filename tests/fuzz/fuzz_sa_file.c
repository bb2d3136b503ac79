/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the manual SA file (config_sa_file.c): any bytes as
 * the file's text, added to a small configuration with maps of every kind of
 * transform, must give SAs that are consistent with the configuration or one
 * line of error naming the file, never a crash, a leak or UB; and a refused
 * file leaves the configuration as it was.
 * Seeds: tests/fuzz/corpus/sa_file/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char yaml[] =
	"dataplane: {sa_max: 64}\n"
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
	"  - {crypto_map: VPN, seq: 20, direction: in, spi: 0x5000, cipher_key: "
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, auth_key: "
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f}\n";

/* What the daemon and the CLI index with unchecked. */
static void
check_sas(const struct dpsec_config *cfg)
{
	if (cfg->sa_file.n_sas >= cfg->n_manual_sas || cfg->n_manual_sas > cfg->dp.sa_max)
		abort();
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *sa = &cfg->manual_sas[i];
		const struct cfg_map_entry *e;
		const struct cfg_transform_set *ts;

		if (sa->from_file != (i >= cfg->n_manual_sas - cfg->sa_file.n_sas))
			abort();
		if (sa->map >= cfg->n_crypto_maps || sa->entry >= cfg->crypto_maps[sa->map].n_entries)
			abort();
		e = &cfg->crypto_maps[sa->map].entries[sa->entry];
		ts = &cfg->transform_sets[e->transform_set];
		if (sa->spi < 256 || sa->peer != e->peer ||
		    sa->cipher_key.len != dp_cipher_info[ts->cipher].key_len +
					      dp_cipher_info[ts->cipher].salt_len ||
		    sa->auth_key.len != dp_auth_info[ts->auth].key_len)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct dpsec_config *cfg = config_parse("fuzz.yaml", yaml, sizeof(yaml) - 1, err,
						sizeof(err));
	int rc;

	if (cfg == NULL)
		abort();
	/* half the inputs opt in to manual GCM, so that GCM lines get past that check */
	rc = config_add_sa_text(cfg, "fuzz.txt", (const char *)data, size, size % 2 == 1, err,
				sizeof(err));
	if (rc != 0) {
		/* one line, naming the file (or the YAML, for a duplicate of its SA's SPI) */
		if ((strncmp(err, "fuzz.txt:", 9) != 0 && strncmp(err, "fuzz.yaml:", 10) != 0) ||
		    strchr(err, '\n') != NULL)
			abort();
		/* the key of the YAML's SA is never echoed */
		if (strstr(err, "0001020304050607") != NULL)
			abort();
		if (cfg->n_manual_sas != 1 || cfg->sa_file.n_sas != 0)
			abort();
	}
	check_sas(cfg);
	config_free(cfg);
	return 0;
}
