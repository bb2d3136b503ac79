/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the YAML configuration: any bytes into config_parse
 * must give a config or one line of error, never a crash, a leak or UB; and
 * a config that loads, written back by config_write, must load again.
 * Seeds: tests/fuzz/corpus/config/ (the example configs).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* IKEv2 indices in range, and the default policy there: the IKE code relies on both. */
static void
check_ikev2(const struct dpsec_config *cfg)
{
	const struct cfg_ikev2 *ik = &cfg->ikev2;

	if (ik->n_policies == 0)
		abort();
	for (uint32_t i = 0; i < ik->n_policies; i++)
		for (uint32_t j = 0; j < ik->policies[i].n_proposals; j++)
			if (ik->policies[i].proposals[j] >= ik->n_proposals)
				abort();
	for (uint32_t i = 0; i < ik->n_profiles; i++)
		if (ik->profiles[i].keyring >= ik->n_keyrings)
			abort();
	for (uint32_t i = 0; i < cfg->n_crypto_maps; i++)
		for (uint32_t j = 0; j < cfg->crypto_maps[i].n_entries; j++)
			if (cfg->crypto_maps[i].entries[j].ikev2_profile != CFG_NONE &&
			    cfg->crypto_maps[i].entries[j].ikev2_profile >= ik->n_profiles)
				abort();
}

struct text {
	char *s;
	size_t len;
};

static void
put(void *ctx, const char *s, size_t n)
{
	struct text *t = ctx;
	char *p = realloc(t->s, t->len + n + 1);

	if (p == NULL)
		abort();
	memcpy(p + t->len, s, n);
	t->s = p;
	t->len += n;
	t->s[t->len] = '\0';
}

/* What loads can be written (keys shown) and loaded again: show running-config is a config. */
static void
check_rewrite(const struct dpsec_config *cfg)
{
	const struct cfg_write_opts opts = {.hide_keys = false};
	struct text t = {NULL, 0};
	struct dpsec_config *back;
	char err[512];

	config_write(cfg, &opts, put, &t);
	back = config_parse("fuzz.yaml", t.s, t.len, err, sizeof(err));
	if (back == NULL) {
		fprintf(stderr, "written config does not load: %s\n", err);
		abort();
	}
	config_free(back);
	free(t.s);
}

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

		/* a tunnel's SA (static VTI) names its tunnel and no crypto map entry */
		if (sa->tunnel < cfg->n_tunnels) {
			if (sa->map != CFG_NONE)
				abort();
			continue;
		}
		if (sa->map >= cfg->n_crypto_maps || sa->entry >= cfg->crypto_maps[sa->map].n_entries)
			abort();
	}
	/* an IPv6 route leads to an inside interface or into an ipsec ipv6 tunnel, not both */
	for (uint32_t i = 0; i < cfg->n_routes6; i++) {
		const struct cfg_route6 *r = &cfg->routes6[i];

		if ((r->iface < cfg->n_interfaces) == (r->tunnel < cfg->n_tunnels) ||
		    (r->tunnel < cfg->n_tunnels &&
		     cfg->tunnels[r->tunnel].mode != CFG_TUNNEL_IPSEC_IPV6))
			abort();
	}
	for (uint32_t i = 0; i < cfg->n_routes; i++)
		if (cfg->routes[i].tunnel < cfg->n_tunnels &&
		    cfg->tunnels[cfg->routes[i].tunnel].mode != CFG_TUNNEL_IPSEC_IPV4)
			abort();
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].crypto_map != CFG_NONE &&
		    cfg->interfaces[i].crypto_map >= cfg->n_crypto_maps)
			abort();
	check_ikev2(cfg);
	check_rewrite(cfg);
	config_free(cfg);
	return 0;
}
