/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A configuration file that holds keys should be readable by its owner
 * only: anyone who can read it can decrypt the tunnels' traffic, and anyone
 * who can change it chooses the keys at the next start.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "dpsec/config.h"

bool
config_has_keys(const struct dpsec_config *cfg)
{
	if (cfg->n_manual_sas > 0)
		return true;
	/* every keyring peer has a pre-shared key (the parser requires one) */
	for (uint32_t i = 0; i < cfg->ikev2.n_keyrings; i++)
		if (cfg->ikev2.keyrings[i].n_peers > 0)
			return true;
	return false;
}

bool
config_keys_exposed(const struct dpsec_config *cfg, unsigned int mode, char *msg, size_t len)
{
	static const char *const who[] = {"", "others", "its group", "its group and others"};
	static const char *const what[] = {"", "change", "read", "read and change"};
	unsigned int w = ((mode & (S_IRGRP | S_IWGRP)) ? 2u : 0u) |
			 ((mode & (S_IROTH | S_IWOTH)) ? 1u : 0u);
	unsigned int r = ((mode & (S_IRGRP | S_IROTH)) ? 2u : 0u) |
			 ((mode & (S_IWGRP | S_IWOTH)) ? 1u : 0u);

	if (!config_has_keys(cfg) || r == 0)
		return false;
	snprintf(msg, len, "%s holds keys and %s can %s it (mode %04o): chmod 600 it",
		 cfg->path != NULL ? cfg->path : "the configuration", who[w], what[r],
		 mode & 07777);
	return true;
}
