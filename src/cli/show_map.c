/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto map
 * show crypto ipsec transform-set
 *
 * From the configuration only, in the IOS layouts:
 *
 *	Crypto Map IPv4 "VPN" 10 ipsec-isakmp
 *	        Peer = 10.1.1.1
 *	        Access-List SS dynamic: False
 *	        Extended IP access list 100
 *	            access-list 100 permit ip host 10.0.2.2 host 10.0.0.1
 *	        ...
 *	Transform set TS-GCM: { esp-gcm 256  }
 *	   will negotiate = { Tunnel,  },
 *
 * IOS XE's lines as genieparser's ShowCryptoMap reads them: "Access-List SS
 * dynamic" is in its schema (required), the access list is a number (p5
 * takes digits only), "Dualstack (Y/N)" and its blank line follow the
 * lifetime. The YAML match list has no name, so it gets an extended ACL
 * number: 100 + its position among all map entries in config order, then
 * 2000 on (IOS's two extended ranges); past those, the name MAP-SEQ.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

/* Whether any manual SA is keyed for this entry (IOS: "ipsec-manual" instead of "ipsec-isakmp"). */
static bool
entry_manual(const struct dpsec_config *cfg, uint32_t map, uint32_t entry)
{
	for (uint32_t i = 0; i < cfg->n_manual_sas; i++)
		if (cfg->manual_sas[i].map == map && cfg->manual_sas[i].entry == entry)
			return true;
	return false;
}

/* "host A", "any" or "A W" (wildcard), then " eq P" / " range P Q" for TCP and UDP. */
static void
acl_side(const struct ip4_prefix *p, const uint16_t port[2], bool ports, struct cli_out *o)
{
	char a[IP4_STRLEN], w[IP4_STRLEN];

	if (p->len == 0)
		cli_puts(o, " any");
	else if (p->len == 32)
		cli_printf(o, " host %s", ip4_str(p->addr, a));
	else
		cli_printf(o, " %s %s", ip4_str(p->addr, a), cli_wildcard_str(p->len, w));
	if (!ports || (port[0] == 0 && port[1] == 65535))
		return;
	if (port[0] == port[1])
		cli_printf(o, " eq %u", port[0]);
	else
		cli_printf(o, " range %u %u", port[0], port[1]);
}

static void
acl_text(const char *acl, const struct cfg_acl *m, struct cli_out *o)
{
	bool ports = m->proto == 6 || m->proto == 17;
	char pb[8];

	cli_printf(o, "            access-list %s %s %s", acl,
		   m->action == CFG_ACL_DENY ? "deny" : "permit", cli_proto_name(m->proto, pb));
	acl_side(&m->src, m->sport, ports, o);
	acl_side(&m->dst, m->dport, ports, o);
	cli_puts(o, "\n");
}

#define ACL_STD_FIRST 100	/* IOS extended IP ACLs: 100-199, then 2000-2699 */
#define ACL_STD_COUNT 100
#define ACL_EXP_FIRST 2000
#define ACL_EXP_COUNT 700

/* The access list an entry's match lines are shown as: a number, as IOS numbers them. */
static void
acl_name(const struct dpsec_config *cfg, uint32_t mi, uint32_t ei, char *buf, size_t len)
{
	uint32_t k = ei;

	for (uint32_t i = 0; i < mi; i++)
		k += cfg->crypto_maps[i].n_entries;
	if (k < ACL_STD_COUNT)
		snprintf(buf, len, "%u", ACL_STD_FIRST + k);
	else if (k - ACL_STD_COUNT < ACL_EXP_COUNT)
		snprintf(buf, len, "%u", ACL_EXP_FIRST + k - ACL_STD_COUNT);
	else
		snprintf(buf, len, "%s-%u", cfg->crypto_maps[mi].name,
			 cfg->crypto_maps[mi].entries[ei].seq);
}

static void
entry_text(const struct dpsec_config *cfg, uint32_t mi, uint32_t ei, struct cli_out *o)
{
	const struct cfg_crypto_map *m = &cfg->crypto_maps[mi];
	const struct cfg_map_entry *e = &m->entries[ei];
	const struct cfg_transform_set *ts = &cfg->transform_sets[e->transform_set];
	char acl[CFG_NAME_MAX + 16], peer[IP4_STRLEN], xf[64];

	acl_name(cfg, mi, ei, acl, sizeof(acl));
	cli_ts_text(ts, xf, sizeof(xf));
	cli_printf(o, "Crypto Map IPv4 \"%s\" %u %s\n", m->name, e->seq,
		   entry_manual(cfg, mi, ei) ? "ipsec-manual" : "ipsec-isakmp");
	cli_printf(o,
		   "        Peer = %s\n"
		   "        Access-List SS dynamic: False\n"
		   "        Extended IP access list %s\n",
		   ip4_str(e->peer, peer), acl);
	for (uint32_t k = 0; k < e->n_match; k++)
		acl_text(acl, &e->match[k], o);
	cli_printf(o,
		   "        Current peer: %s\n"
		   "        Security association lifetime: %u kilobytes/%u seconds\n"
		   "        Dualstack (Y/N): N\n"
		   "\n"
		   "        Responder-Only (Y/N): N\n"
		   "        PFS (Y/N): N\n"
		   "        Mixed-mode : Disabled\n"
		   "        Transform sets={\n"
		   "                %s:  { %s  } ,\n"
		   "        }\n",
		   peer, e->lifetime_kb, e->lifetime_sec, ts->name, xf);
}

static void
map_text(const struct dpsec_config *cfg, uint32_t mi, struct cli_out *o)
{
	const struct cfg_crypto_map *m = &cfg->crypto_maps[mi];

	for (uint32_t e = 0; e < m->n_entries; e++)
		entry_text(cfg, mi, e, o);
	cli_printf(o, "        Interfaces using crypto map %s:\n", m->name);
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].crypto_map == mi)
			cli_printf(o, "                %s\n", cfg->interfaces[i].name);
	cli_puts(o, "\n");
}

static void
acl_json(struct json *j, const struct cfg_acl *m)
{
	char w[IP4_STRLEN];

	json_obj(j, NULL);
	json_str(j, "action", m->action == CFG_ACL_DENY ? "deny" : "permit");
	json_ip(j, "src", m->src.addr);
	json_str(j, "src_mask", cli_mask_str(m->src.len, w));
	json_ip(j, "dst", m->dst.addr);
	json_str(j, "dst_mask", cli_mask_str(m->dst.len, w));
	json_u64(j, "proto", m->proto);
	json_u64(j, "sport_min", m->sport[0]);
	json_u64(j, "sport_max", m->sport[1]);
	json_u64(j, "dport_min", m->dport[0]);
	json_u64(j, "dport_max", m->dport[1]);
	json_obj_end(j);
}

static void
entry_json(struct json *j, const struct dpsec_config *cfg, uint32_t mi, uint32_t ei)
{
	const struct cfg_map_entry *e = &cfg->crypto_maps[mi].entries[ei];
	char acl[CFG_NAME_MAX + 16];

	json_obj(j, NULL);
	json_u64(j, "seq", e->seq);
	json_str(j, "type", entry_manual(cfg, mi, ei) ? "ipsec-manual" : "ipsec-isakmp");
	json_ip(j, "peer", e->peer);
	json_str(j, "transform_set", cfg->transform_sets[e->transform_set].name);
	acl_name(cfg, mi, ei, acl, sizeof(acl));
	json_str(j, "access_list", acl);
	json_u64(j, "lifetime_kb", e->lifetime_kb);
	json_u64(j, "lifetime_sec", e->lifetime_sec);
	json_u64(j, "replay_window", e->replay_window);
	json_arr(j, "match");
	for (uint32_t k = 0; k < e->n_match; k++)
		acl_json(j, &e->match[k]);
	json_arr_end(j);
	json_obj_end(j);
}

static void
map_json(struct json *j, const struct dpsec_config *cfg, uint32_t mi)
{
	const struct cfg_crypto_map *m = &cfg->crypto_maps[mi];

	json_obj(j, NULL);
	json_str(j, "name", m->name);
	json_arr(j, "entries");
	for (uint32_t e = 0; e < m->n_entries; e++)
		entry_json(j, cfg, mi, e);
	json_arr_end(j);
	json_arr(j, "interfaces");
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].crypto_map == mi)
			json_str(j, NULL, cfg->interfaces[i].name);
	json_arr_end(j);
	json_obj_end(j);
}

int
cli_show_crypto_map(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	uint32_t n = cfg != NULL ? cfg->n_crypto_maps : 0;
	struct json j;

	if (c->json) {
		json_begin(&j, o);
		json_arr(&j, "crypto_maps");
		for (uint32_t m = 0; m < n; m++)
			map_json(&j, cfg, m);
		json_arr_end(&j);
		json_end(&j);
		return CLI_OK;
	}
	for (uint32_t m = 0; m < n; m++)
		map_text(cfg, m, o);
	return CLI_OK;
}

int
cli_show_transform_sets(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	uint32_t n = cfg != NULL ? cfg->n_transform_sets : 0;
	struct json j;
	char xf[64];

	if (c->json) {
		json_begin(&j, o);
		json_arr(&j, "transform_sets");
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct cfg_transform_set *ts = &cfg->transform_sets[i];

		cli_ts_text(ts, xf, sizeof(xf));
		if (!c->json) {
			cli_printf(
				o, "Transform set %s: { %s  }\n   will negotiate = { %s,  },\n\n",
				ts->name, xf, ts->mode == CFG_MODE_TUNNEL ? "Tunnel" : "Transport");
			continue;
		}
		json_obj(&j, NULL);
		json_str(&j, "name", ts->name);
		json_str(&j, "transforms", xf);
		json_str(&j, "mode", ts->mode == CFG_MODE_TUNNEL ? "tunnel" : "transport");
		json_bool(&j, "esn", ts->esn);
		json_obj_end(&j);
	}
	if (c->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	return CLI_OK;
}
