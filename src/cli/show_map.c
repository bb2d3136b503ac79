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

/* " eq P" / " range P Q" after a side of a TCP or UDP line; nothing for any port. */
static void
acl_ports(const uint16_t port[2], bool ports, struct cli_out *o)
{
	if (!ports || (port[0] == 0 && port[1] == 65535))
		return;
	if (port[0] == port[1])
		cli_printf(o, " eq %u", port[0]);
	else
		cli_printf(o, " range %u %u", port[0], port[1]);
}

/* "host A", "any" or "A W" (wildcard), then the ports. */
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
	acl_ports(port, ports, o);
}

/* An IPv6 line's side: "any", "host X" or "X/LEN", then the ports as for IPv4. */
static void
acl6_side(const struct ip6_prefix *p, const uint16_t port[2], bool ports, struct cli_out *o)
{
	char a[IP6_PREFIX_STRLEN];

	if (p->len == 0)
		cli_puts(o, " any");
	else if (p->len == 128)
		cli_printf(o, " host %s", ip6_str(p->addr, a));
	else
		cli_printf(o, " %s", ip6_prefix_str(p, a));
	acl_ports(port, ports, o);
}

/* IOS "show ipv6 access-list" lines: named lists, numbered by sequence 10, 20, ... */
static void
acl6_text(const struct cfg_acl *m, uint32_t k, struct cli_out *o)
{
	bool ports = m->proto == 6 || m->proto == 17;
	char pb[8];

	cli_printf(o, "            %s %s", m->action == CFG_ACL_DENY ? "deny" : "permit",
		   cli_proto6_name(m->proto, pb));
	acl6_side(&m->src6, m->sport, ports, o);
	acl6_side(&m->dst6, m->dport, ports, o);
	cli_printf(o, " sequence %u\n", (k + 1) * 10);
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

/* IPv4 entries before entry ei of map mi, in config order: the ACL numbers taken. */
static uint32_t
acl4_before(const struct dpsec_config *cfg, uint32_t mi, uint32_t ei)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i <= mi; i++)
		for (uint32_t e = 0; e < (i < mi ? cfg->crypto_maps[i].n_entries : ei); e++)
			k += !cfg->crypto_maps[i].entries[e].inner_v6;
	return k;
}

/*
 * The access list an entry's match lines are shown as: a number, as IOS
 * numbers them; IPv6 lists have names only (IOS), MAP-SEQ, and take no number.
 */
static void
acl_name(const struct dpsec_config *cfg, uint32_t mi, uint32_t ei, char *buf, size_t len)
{
	uint32_t k = acl4_before(cfg, mi, ei);

	if (cfg->crypto_maps[mi].entries[ei].inner_v6) {
		snprintf(buf, len, "%s-%u", cfg->crypto_maps[mi].name,
			 cfg->crypto_maps[mi].entries[ei].seq);
		return;
	}
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
	char acl[CFG_NAME_MAX + 16], peer[IP6_STRLEN], xf[64];

	acl_name(cfg, mi, ei, acl, sizeof(acl));
	cli_ts_text(ts, xf, sizeof(xf));
	/* the map's family on IOS is the outer one: an IPv6 peer makes an IPv6 entry */
	cli_printf(o, "Crypto Map IPv%c \"%s\" %u %s\n", e->peer_v6 ? '6' : '4', m->name, e->seq,
		   entry_manual(cfg, mi, ei) ? "ipsec-manual" : "ipsec-isakmp");
	cli_printf(o,
		   "        Peer = %s\n"
		   "        Access-List SS dynamic: False\n"
		   "        %s access list %s\n",
		   cli_entry_peer(e, peer), e->inner_v6 ? "IPv6" : "Extended IP", acl);
	for (uint32_t k = 0; k < e->n_match; k++) {
		if (e->inner_v6)
			acl6_text(&e->match[k], k, o);
		else
			acl_text(acl, &e->match[k], o);
	}
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

/* IPv4: address and mask; IPv6: address and prefix length. */
static void
acl_json_sides(struct json *j, const struct cfg_acl *m)
{
	char w[IP6_STRLEN];

	if (m->v6) {
		json_str(j, "src", ip6_str(m->src6.addr, w));
		json_u64(j, "src_len", m->src6.len);
		json_str(j, "dst", ip6_str(m->dst6.addr, w));
		json_u64(j, "dst_len", m->dst6.len);
		return;
	}
	json_ip(j, "src", m->src.addr);
	json_str(j, "src_mask", cli_mask_str(m->src.len, w));
	json_ip(j, "dst", m->dst.addr);
	json_str(j, "dst_mask", cli_mask_str(m->dst.len, w));
}

static void
acl_json(struct json *j, const struct cfg_acl *m)
{
	json_obj(j, NULL);
	json_str(j, "action", m->action == CFG_ACL_DENY ? "deny" : "permit");
	json_str(j, "family", m->v6 ? "ipv6" : "ipv4");
	acl_json_sides(j, m);
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
	char acl[CFG_NAME_MAX + 16], peer[IP6_STRLEN];

	json_obj(j, NULL);
	json_u64(j, "seq", e->seq);
	json_str(j, "type", entry_manual(cfg, mi, ei) ? "ipsec-manual" : "ipsec-isakmp");
	json_str(j, "peer", cli_entry_peer(e, peer));
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
