/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the YAML configuration: any bytes into config_parse
 * must give a config or one line of error, never a crash, a leak or UB.
 * Seeds: tests/fuzz/corpus/config/ (the example configs).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct dpsec_config *cfg = config_parse("fuzz.yaml", (const char *)data, size, err,
						sizeof(err));

	if (cfg == NULL) {
		/* The contract the daemon's logging relies on. */
		if (strncmp(err, "fuzz.yaml:", 10) != 0 || strchr(err, '\n') != NULL)
			abort();
		return 0;
	}
	/* Resolved indices are in range: consumers index with them unchecked. */
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++) {
		const struct cfg_manual_sa *sa = &cfg->manual_sas[i];

		if (sa->map >= cfg->n_crypto_maps || sa->entry >= cfg->crypto_maps[sa->map].n_entries)
			abort();
	}
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].crypto_map != CFG_NONE &&
		    cfg->interfaces[i].crypto_map >= cfg->n_crypto_maps)
			abort();
	config_free(cfg);
	return 0;
}
