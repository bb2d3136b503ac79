/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>

#include "spd.h"

/* IPv4 lines into the return value, IPv6 lines into *n6, policies into *n_pol. */
static uint32_t
count_rules(const struct dpsec_config *cfg, uint32_t *n_pol, uint32_t *n6)
{
	uint32_t n = 0;

	*n_pol = 0;
	*n6 = 0;
	for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m];

		if (map->iface == CFG_NONE)
			continue;
		for (uint32_t e = 0; e < map->n_entries; e++) {
			if (map->entries[e].inner_v6)
				*n6 += map->entries[e].n_match;
			else
				n += map->entries[e].n_match;
			(*n_pol)++;
		}
	}
	return n;
}

void
spd_compile_l4(struct spd_l4 *l, const struct cfg_acl *a, uint32_t policy)
{
	l->proto = a->proto;
	l->sport_lo = a->sport[0];
	l->sport_hi = a->sport[1];
	l->dport_lo = a->dport[0];
	l->dport_hi = a->dport[1];
	/* the ports constrain the line unless both are the full range */
	l->ports = !(a->sport[0] == 0 && a->sport[1] == 65535 && a->dport[0] == 0 &&
		     a->dport[1] == 65535);
	l->deny = a->action == CFG_ACL_DENY;
	l->policy = policy;
}

static void
compile_rule(struct spd_rule *r, const struct cfg_acl *a, uint32_t policy)
{
	r->src = a->src.addr;
	r->smask = ip4_mask_be(a->src.len);
	r->dst = a->dst.addr;
	r->dmask = ip4_mask_be(a->dst.len);
	spd_compile_l4(&r->l4, a, policy);
}

/*
 * A tunnel's policy: one line, permit any to any (spd.h), after all the
 * crypto maps' lines, of its mode's family alone (k and k6: the next free
 * line of each table). An ipsec ipv6 tunnel has no IPv4 line, so that an
 * IPv4 packet its SA decrypts fails the policy (30), and the reverse.
 */
static void
add_tunnel(struct spd *spd, const struct cfg_tunnel *tun, uint32_t t, uint32_t p, uint32_t *k,
	   uint32_t *k6)
{
	const struct spd_l4 any = {.policy = p, .sport_hi = 65535, .dport_hi = 65535};

	spd->pol[p] = (struct spd_policy){.map = CFG_NONE, .entry = t, .first_rule = *k,
					  .first_rule6 = *k6};
	if (tun->mode == CFG_TUNNEL_IPSEC_IPV6) {
		spd->rules6[*k6] = (struct spd_rule6){.l4 = any};	/* ::/0, masks zero */
		spd->pol[p].n_rules6 = 1;
		(*k6)++;
		return;
	}
	spd->rules[*k] = (struct spd_rule){.l4 = any};
	spd->pol[p].n_rules = 1;
	(*k)++;
}

struct spd *
spd_create(const struct dpsec_config *cfg)
{
	uint32_t n_pol, n6, n_rules = count_rules(cfg, &n_pol, &n6), p = 0, k = 0, k6 = 0;
	uint32_t n_all = n_rules + cfg->n_tunnels, n_pol_all = n_pol + cfg->n_tunnels;
	uint32_t n6_all = n6 + cfg->n_tunnels;	/* room for either family's line */
	struct spd *spd = calloc(1, sizeof(*spd));

	if (spd == NULL)
		return NULL;
	spd->rules = calloc(n_all ? n_all : 1, sizeof(*spd->rules));
	spd->rules6 = calloc(n6_all ? n6_all : 1, sizeof(*spd->rules6));
	spd->pol = calloc(n_pol_all ? n_pol_all : 1, sizeof(*spd->pol));
	if (spd->rules == NULL || spd->rules6 == NULL || spd->pol == NULL) {
		spd_destroy(spd);
		return NULL;
	}
	for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m];

		if (map->iface == CFG_NONE)
			continue;
		for (uint32_t e = 0; e < map->n_entries; e++, p++) {
			const struct cfg_map_entry *ent = &map->entries[e];

			spd->pol[p] = (struct spd_policy){
				.map = m, .entry = e, .first_rule = k, .first_rule6 = k6};
			if (ent->inner_v6) {
				spd->pol[p].n_rules6 = ent->n_match;
				for (uint32_t i = 0; i < ent->n_match; i++) {
					spd_compile6(&spd->rules6[k6], &ent->match[i], p);
					spd->pol[p].ports |= spd->rules6[k6++].l4.ports;
				}
				continue;	/* spd->ports is for the IPv4 lookup */
			}
			spd->pol[p].n_rules = ent->n_match;
			for (uint32_t i = 0; i < ent->n_match; i++) {
				compile_rule(&spd->rules[k], &ent->match[i], p);
				spd->pol[p].ports |= spd->rules[k++].l4.ports;
			}
			spd->ports |= spd->pol[p].ports;
		}
	}
	spd->n_rules = n_rules;
	spd->n_rules6 = n6;
	spd->first_tunnel = n_pol;
	spd->n_tunnels = cfg->n_tunnels;
	for (uint32_t t = 0; t < cfg->n_tunnels; t++)
		add_tunnel(spd, &cfg->tunnels[t], t, p++, &k, &k6);
	spd->n_pol = n_pol_all;
	return spd;
}

void
spd_destroy(struct spd *spd)
{
	if (spd == NULL)
		return;
	free(spd->rules);
	free(spd->rules6);
	free(spd->pol);
	free(spd);
}

uint32_t
spd_policy_of_tunnel(const struct spd *spd, uint32_t tunnel)
{
	return tunnel < spd->n_tunnels ? spd->first_tunnel + tunnel : CFG_NONE;
}

uint32_t
spd_policy_of(const struct spd *spd, uint32_t map, uint32_t entry)
{
	for (uint32_t i = 0; i < spd->first_tunnel; i++) {
		if (spd->pol[i].map == map && spd->pol[i].entry == entry)
			return i;
	}
	return CFG_NONE;
}
