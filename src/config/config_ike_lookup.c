/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The questions the IKE code asks the configuration, answered the way IOS
 * does: which policy for a local address, which profile for a peer's
 * identity, which keyring peer (and so which pre-shared keys) for a peer,
 * which crypto map entries (or IKE-keyed tunnel) for a peer. Linear scans over a few entries each;
 * config_parse has refused every configuration for which an answer would
 * depend on order (two policies for one address, two profiles with one match
 * statement, two keyring peers with one address or identity).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "dpsec/config.h"

const struct cfg_ike_policy *
config_ike_policy(const struct dpsec_config *cfg, uint32_t local)
{
	const struct cfg_ike_policy *any = NULL;

	for (uint32_t i = 0; i < cfg->ikev2.n_policies; i++) {
		const struct cfg_ike_policy *pol = &cfg->ikev2.policies[i];

		if (pol->n_match_local == 0)
			any = pol;
		for (uint32_t j = 0; j < pol->n_match_local; j++)
			if (pol->match_local[j] == local)
				return pol;
	}
	return any;
}

bool
config_ike_id_match(const struct cfg_ike_id *pattern, const struct cfg_ike_id *id)
{
	if (pattern->type != id->type)
		return false;
	switch (pattern->type) {
	case CFG_IKE_ID_ADDRESS:
		if (pattern->v6 != id->v6)
			return false;
		if (id->v6)
			return id->addr6.len == 128 && ip6_prefix_match(&pattern->addr6, id->addr6.addr);
		return id->addr.len == 32 && ip4_prefix_match(&pattern->addr, id->addr.addr);
	case CFG_IKE_ID_FQDN:
		return strcasecmp(pattern->fqdn, id->fqdn) == 0;
	default:
		return false;
	}
}

/*
 * How specific a matching statement is: any FQDN beats any prefix, longer
 * prefixes win (an IPv4 and an IPv6 prefix never both match one identity).
 */
static int
specificity(const struct cfg_ike_id *pattern)
{
	if (pattern->type == CFG_IKE_ID_FQDN)
		return 129;
	return pattern->v6 ? pattern->addr6.len : pattern->addr.len;
}

const struct cfg_ike_profile *
config_ike_profile_match(const struct dpsec_config *cfg, const struct cfg_ike_id *remote_id)
{
	const struct cfg_ike_profile *best = NULL;
	int best_spec = -1;

	for (uint32_t i = 0; i < cfg->ikev2.n_profiles; i++) {
		const struct cfg_ike_profile *p = &cfg->ikev2.profiles[i];

		for (uint32_t j = 0; j < p->n_match_remote; j++) {
			int spec = specificity(&p->match_remote[j]);

			if (spec > best_spec && config_ike_id_match(&p->match_remote[j], remote_id)) {
				best = p;
				best_spec = spec;
			}
		}
	}
	return best;
}

const struct cfg_keyring_peer *
config_keyring_peer(const struct cfg_keyring *kr, uint32_t addr, const struct cfg_ike_id *id)
{
	const struct cfg_keyring_peer *best = NULL;

	for (uint32_t i = 0; id != NULL && i < kr->n_peers; i++)
		if (kr->peers[i].identity.type != CFG_IKE_ID_NONE &&
		    config_ike_id_match(&kr->peers[i].identity, id))
			return &kr->peers[i];
	for (uint32_t i = 0; i < kr->n_peers; i++) {
		const struct cfg_keyring_peer *p = &kr->peers[i];

		if (p->has_addr && !p->addr_v6 && ip4_prefix_match(&p->addr, addr) &&
		    (best == NULL || p->addr.len > best->addr.len))
			best = p;
	}
	return best;
}

/* An identity match first, as for IPv4; then the longest IPv6 prefix. */
const struct cfg_keyring_peer *
config_keyring_peer6(const struct cfg_keyring *kr, const uint8_t addr6[IP6_LEN],
		     const struct cfg_ike_id *id)
{
	const struct cfg_keyring_peer *best = NULL;

	for (uint32_t i = 0; id != NULL && i < kr->n_peers; i++)
		if (kr->peers[i].identity.type != CFG_IKE_ID_NONE &&
		    config_ike_id_match(&kr->peers[i].identity, id))
			return &kr->peers[i];
	for (uint32_t i = 0; i < kr->n_peers; i++) {
		const struct cfg_keyring_peer *p = &kr->peers[i];

		if (p->has_addr && p->addr_v6 && ip6_prefix_match(&p->addr6, addr6) &&
		    (best == NULL || p->addr6.len > best->addr6.len))
			best = p;
	}
	return best;
}

/* The map applied to the outside interface whose address is local, or NULL. */
static const struct cfg_crypto_map *
map_on(const struct dpsec_config *cfg, uint32_t local)
{
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		if (ifc->role == CFG_ROLE_OUTSIDE && ifc->addr == local &&
		    ifc->crypto_map < cfg->n_crypto_maps)
			return &cfg->crypto_maps[ifc->crypto_map];
	}
	return NULL;
}

const struct cfg_map_entry *
config_ike_entry(const struct dpsec_config *cfg, uint32_t local, uint32_t peer, uint32_t profile,
		 const struct cfg_map_entry *after, const struct cfg_crypto_map **map)
{
	const struct cfg_crypto_map *m = map_on(cfg, local);
	uint32_t i = 0;

	if (m == NULL)
		return NULL;
	if (after != NULL) {
		/* Equality only: after may point into another map's array. */
		while (i < m->n_entries && &m->entries[i] != after)
			i++;
		if (i++ == m->n_entries)
			return NULL;
	}
	for (; i < m->n_entries; i++) {
		const struct cfg_map_entry *e = &m->entries[i];

		if (e->ikev2_profile == CFG_NONE || e->peer != peer ||
		    (profile != CFG_NONE && e->ikev2_profile != profile))
			continue;
		if (map != NULL)
			*map = m;
		return e;
	}
	return NULL;
}

/* The map applied to the outside interface whose address6 is local6, or NULL. */
static const struct cfg_crypto_map *
map_on6(const struct dpsec_config *cfg, const uint8_t local6[IP6_LEN])
{
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		if (ifc->role == CFG_ROLE_OUTSIDE && ifc->has_addr6 &&
		    memcmp(ifc->addr6, local6, IP6_LEN) == 0 && ifc->crypto_map < cfg->n_crypto_maps)
			return &cfg->crypto_maps[ifc->crypto_map];
	}
	return NULL;
}

const struct cfg_map_entry *
config_ike_entry6(const struct dpsec_config *cfg, const uint8_t local6[IP6_LEN],
		  const uint8_t peer6[IP6_LEN], uint32_t profile,
		  const struct cfg_map_entry *after, const struct cfg_crypto_map **map)
{
	const struct cfg_crypto_map *m = map_on6(cfg, local6);
	uint32_t i = 0;

	if (m == NULL)
		return NULL;
	if (after != NULL) {
		while (i < m->n_entries && &m->entries[i] != after)
			i++;
		if (i++ == m->n_entries)
			return NULL;
	}
	for (; i < m->n_entries; i++) {
		const struct cfg_map_entry *e = &m->entries[i];

		if (e->ikev2_profile == CFG_NONE || !e->peer_v6 ||
		    memcmp(e->peer6, peer6, IP6_LEN) != 0 ||
		    (profile != CFG_NONE && e->ikev2_profile != profile))
			continue;
		if (map != NULL)
			*map = m;
		return e;
	}
	return NULL;
}

uint32_t
config_ike_tunnel(const struct dpsec_config *cfg, uint32_t local, uint32_t peer, uint32_t profile)
{
	for (uint32_t i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];

		if (t->ike.ikev2_profile != CFG_NONE && t->source == local &&
		    t->destination == peer &&
		    (profile == CFG_NONE || t->ike.ikev2_profile == profile))
			return i;
	}
	return CFG_NONE;
}

uint32_t
config_ike_tunnel6(const struct dpsec_config *cfg, const uint8_t local6[IP6_LEN],
		   const uint8_t peer6[IP6_LEN], uint32_t profile)
{
	for (uint32_t i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];

		if (t->ike.ikev2_profile != CFG_NONE && t->mode == CFG_TUNNEL_IPSEC_IPV6 &&
		    memcmp(t->source6, local6, IP6_LEN) == 0 &&
		    memcmp(t->destination6, peer6, IP6_LEN) == 0 &&
		    (profile == CFG_NONE || t->ike.ikev2_profile == profile))
			return i;
	}
	return CFG_NONE;
}
