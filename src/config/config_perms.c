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
	if (cfg->n_manual_sas > cfg->sa_file.n_sas)
		return true;	/* the rest are in the manual SA file: config_sa_file_exposed */
	/* every keyring peer has a pre-shared key (the parser requires one) */
	for (uint32_t i = 0; i < cfg->ikev2.n_keyrings; i++)
		if (cfg->ikev2.keyrings[i].n_peers > 0)
			return true;
	return false;
}

static bool
exposed(const char *path, unsigned int mode, char *msg, size_t len)
{
	static const char *const who[] = {"", "others", "its group", "its group and others"};
	static const char *const what[] = {"", "change", "read", "read and change"};
	unsigned int w = ((mode & (S_IRGRP | S_IWGRP)) ? 2u : 0u) |
			 ((mode & (S_IROTH | S_IWOTH)) ? 1u : 0u);
	unsigned int r = ((mode & (S_IRGRP | S_IROTH)) ? 2u : 0u) |
			 ((mode & (S_IWGRP | S_IWOTH)) ? 1u : 0u);

	if (r == 0)
		return false;
	snprintf(msg, len, "%s holds keys and %s can %s it (mode %04o): chmod 600 it", path,
		 who[w], what[r], mode & 07777);
	return true;
}

bool
config_keys_exposed(const struct dpsec_config *cfg, unsigned int mode, char *msg, size_t len)
{
	return config_has_keys(cfg) &&
	       exposed(cfg->path != NULL ? cfg->path : "the configuration", mode, msg, len);
}

bool
config_sa_file_exposed(const struct dpsec_config *cfg, char *msg, size_t len)
{
	return cfg->sa_file.n_sas > 0 && exposed(cfg->sa_file.path, cfg->sa_file.mode, msg, len);
}
