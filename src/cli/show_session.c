/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto session [detail]
 *
 * IOS XE's layout: one session per crypto-map entry (its static peer), on the
 * interface the map is applied to, with the IKE SA that serves it and one
 * "IPSEC FLOW" per permit line of the entry's ACL; then one per tunnel
 * (static VTI):
 *
 *	Interface: GigabitEthernet1
 *	Profile: PROF
 *	Session status: UP-ACTIVE
 *	Peer: 192.0.2.1 port 4500
 *	  Session ID: 1
 *	  IKEv2 SA: local 192.0.2.2/4500 remote 192.0.2.1/4500 Active
 *	  IPSEC FLOW: permit ip 10.0.2.0/255.255.255.0 10.0.1.0/255.255.255.0
 *	        Active SAs: 2, origin: crypto map
 *
 * Session status as IOS words it: UP-ACTIVE (IKE SA up and IPsec SAs),
 * UP-IDLE (IKE SA, no IPsec SA), UP-NO-IKE (IPsec SAs without an IKE SA:
 * manual keys, or the IKE SA is gone), DOWN-NEGOTIATING, DOWN. "detail" adds
 * the packet counters and remaining lifetimes of the flow's SAs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "ike_fmt.h"
#include "json.h"

struct session {
	const struct dpsec_config *cfg;
	uint32_t map, entry;
	bool vti;		/* a tunnel's session: its SAs are tunnel's, e stands in */
	uint32_t tunnel;
	const struct cfg_map_entry *e;
	const struct view_ike_sa *ike; /* the IKE SA with the peer, READY preferred; or NULL */
	uint32_t active_sas;
	uint64_t enc, dec, enc_drop, dec_drop, kb_left;
	uint32_t sec_left;
	uint16_t peer_port;
};

/* Is the IKE SA with the entry's static peer (IPv4 peer, or peer6)? */
static bool
ike_is_with(const struct view_ike_sa *sa, const struct cfg_map_entry *e)
{
	if (e->peer_v6)
		return sa->remote.family == 6 && memcmp(sa->remote.ip, e->peer6, 16) == 0;
	return sa->remote.family == 4 && memcmp(sa->remote.ip, &e->peer, 4) == 0;
}

static void
session_find_ike(struct session *s, const struct cli_ike_list *ikes)
{
	for (size_t i = 0; i < ikes->n; i++) {
		const struct view_ike_sa *sa = &ikes->sa[i];

		if (!ike_is_with(sa, s->e))
			continue;
		if (s->ike == NULL || (s->ike->status != VIEW_IKE_READY &&
				       sa->status == VIEW_IKE_READY))
			s->ike = sa;
	}
}

static void
session_sum_sas(struct session *s, const struct cli_sa_list *sas)
{
	bool first = true;

	s->peer_port = s->ike != NULL ? s->ike->remote.port : 500;
	for (size_t i = 0; i < sas->n; i++) {
		const struct view_sa *sa = &sas->sa[i];

		if (sa->vti != s->vti || sa->status != VIEW_SA_ACTIVE ||
		    (s->vti ? sa->tunnel != s->tunnel : sa->map != s->map || sa->entry != s->entry))
			continue;
		s->active_sas++;
		if (sa->udp_encap)
			s->peer_port = sa->peer_port;
		if (sa->dir == CFG_DIR_IN) {
			s->dec += sa->ctr.v[DP_SA_CTR_pkts];
			s->dec_drop += sa->ctr.v[DP_SA_CTR_decaps_failed] +
				       sa->ctr.v[DP_SA_CTR_verify_failed] +
				       sa->ctr.v[DP_SA_CTR_replay_failed];
		} else {
			s->enc += sa->ctr.v[DP_SA_CTR_pkts];
			s->enc_drop += sa->ctr.v[DP_SA_CTR_encaps_failed];
		}
		if (!sa->manual && (first || sa->sec_left < s->sec_left)) {
			s->sec_left = sa->sec_left;
			s->kb_left = sa->kb_left;
			first = false;
		}
	}
}

static const char *
session_status(const struct session *s)
{
	if (s->ike != NULL && s->ike->status == VIEW_IKE_READY)
		return s->active_sas > 0 ? "UP-ACTIVE" : "UP-IDLE";
	if (s->active_sas > 0)
		return "UP-NO-IKE";
	if (s->ike != NULL && s->ike->status == VIEW_IKE_NEGOTIATING)
		return "DOWN-NEGOTIATING";
	return "DOWN";
}

/* IOS: "permit ip 10.0.2.0/255.255.255.0 ..." or "permit ipv6 2001:db8:2::/48 ..." */
static void
flow_line(const struct cfg_acl *a, struct cli_out *o)
{
	char p[8];

	if (a->v6) {
		char sa[IP6_PREFIX_STRLEN], da[IP6_PREFIX_STRLEN];

		cli_printf(o, "  IPSEC FLOW: permit %s %s %s\n", cli_proto6_name(a->proto, p),
			   ip6_prefix_str(&a->src6, sa), ip6_prefix_str(&a->dst6, da));
	} else {
		char sa[IP4_STRLEN], sm[IP4_STRLEN], da[IP4_STRLEN], dm[IP4_STRLEN];

		cli_printf(o, "  IPSEC FLOW: permit %s %s/%s %s/%s\n", cli_proto_name(a->proto, p),
			   ip4_str(a->src.addr, sa), cli_mask_str(a->src.len, sm),
			   ip4_str(a->dst.addr, da), cli_mask_str(a->dst.len, dm));
	}
}

static void
flows_text(const struct session *s, bool detail, struct cli_out *o)
{
	for (uint32_t k = 0; k < s->e->n_match; k++) {
		const struct cfg_acl *a = &s->e->match[k];

		if (a->action != CFG_ACL_PERMIT)
			continue;
		flow_line(a, o);
		cli_printf(o, "        Active SAs: %" PRIu32 ", origin: crypto map\n",
			   s->active_sas);
		if (!detail)
			continue;
		cli_printf(o,
			   "        Inbound:  #pkts dec'ed %" PRIu64 " drop %" PRIu64
			   " life (KB/Sec) %" PRIu64 "/%" PRIu32 "\n",
			   s->dec, s->dec_drop, s->kb_left, s->sec_left);
		cli_printf(o,
			   "        Outbound: #pkts enc'ed %" PRIu64 " drop %" PRIu64
			   " life (KB/Sec) %" PRIu64 "/%" PRIu32 "\n",
			   s->enc, s->enc_drop, s->kb_left, s->sec_left);
	}
}

static void
session_text(const struct session *s, const char *ifname, bool detail, struct cli_out *o)
{
	char peer[IP6_STRLEN];

	cli_printf(o, "Interface: %s\n", ifname);
	if (s->e->ikev2_profile != CFG_NONE)
		cli_printf(o, "Profile: %s\n", s->cfg->ikev2.profiles[s->e->ikev2_profile].name);
	cli_printf(o, "Session status: %s\n", session_status(s));
	cli_printf(o, "Peer: %s port %u\n", cli_entry_peer(s->e, peer), s->peer_port);
	if (s->ike != NULL) {
		char l[CLI_IKE_ADDR_LEN], r[CLI_IKE_ADDR_LEN];

		cli_printf(o, "  Session ID: %" PRIu32 "\n", s->ike->tunnel_id);
		cli_printf(o, "  IKEv2 SA: local %s remote %s %s\n",
			   cli_ike_addr_port(&s->ike->local, l),
			   cli_ike_addr_port(&s->ike->remote, r),
			   s->ike->status == VIEW_IKE_READY ? "Active" : "Inactive");
	}
	flows_text(s, detail, o);
	cli_puts(o, "\n");
}

static void
session_json(struct json *j, const struct session *s, const char *ifname)
{
	char peer[IP6_STRLEN];

	json_obj(j, NULL);
	json_str(j, "interface", ifname);
	json_str(j, "profile",
		 s->e->ikev2_profile != CFG_NONE ? s->cfg->ikev2.profiles[s->e->ikev2_profile].name
						 : "");
	json_str(j, "status", session_status(s));
	json_str(j, "peer", cli_entry_peer(s->e, peer));
	json_u64(j, "peer_port", s->peer_port);
	if (s->ike != NULL) {
		char buf[CLI_IKE_ADDR_LEN];

		json_u64(j, "session_id", s->ike->tunnel_id);
		json_str(j, "ike_local", cli_ike_addr_port(&s->ike->local, buf));
		json_str(j, "ike_remote", cli_ike_addr_port(&s->ike->remote, buf));
		json_bool(j, "ike_active", s->ike->status == VIEW_IKE_READY);
	}
	json_u64(j, "active_sas", s->active_sas);
	json_u64(j, "pkts_decrypted", s->dec);
	json_u64(j, "pkts_encrypted", s->enc);
	json_obj_end(j);
}

static void
session_out(const struct cli_ctx *c, struct json *j, const struct session *s, const char *ifname,
	    struct cli_out *o)
{
	if (c->json)
		session_json(j, s, ifname);
	else
		session_text(s, ifname, c->opt[CLI_OPT_DETAIL].set, o);
}

/*
 * A tunnel's session, as IOS shows a static VTI's: "Interface: Tunnel1", the
 * tunnel destination as peer, one flow permit ip any any (its SAs' 0/0
 * selectors; permit ipv6 ::/0 ::/0 for an ipsec ipv6 tunnel). Keyed by
 * hand: UP-NO-IKE with SAs, DOWN without; keyed by IKE (ikev2_profile): its
 * profile and the IKE SA with the destination, as a crypto map entry's.
 */
static void
tunnel_sessions(const struct cli_ctx *c, struct json *j, const struct cli_ike_list *ikes,
		const struct cli_sa_list *sas, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;

	for (uint32_t t = 0; t < cfg->n_tunnels; t++) {
		bool v6 = cfg->tunnels[t].mode == CFG_TUNNEL_IPSEC_IPV6;
		struct cfg_acl any = {.sport = {0, 65535}, .dport = {0, 65535}, .v6 = v6};
		struct cfg_map_entry e = {.peer = cfg->tunnels[t].destination, .match = &any,
					  .n_match = 1,
					  .ikev2_profile = cfg->tunnels[t].ike.ikev2_profile};
		struct session s = {.cfg = cfg, .vti = true, .tunnel = t, .e = &e};

		/* ipsec ipv6: "permit ipv6 ::/0 ::/0" to its IPv6 destination */
		if (v6) {
			e.peer_v6 = e.inner_v6 = true;
			memcpy(e.peer6, cfg->tunnels[t].destination6, IP6_LEN);
		}
		if (e.ikev2_profile != CFG_NONE)
			session_find_ike(&s, ikes);
		session_sum_sas(&s, sas);
		session_out(c, j, &s, cfg->tunnels[t].name, o);
	}
}

int
cli_show_crypto_session(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	struct cli_ike_list ikes;
	struct cli_sa_list sas;
	struct json j;

	if (cfg == NULL)
		return cli_not_available(o);
	if (cli_ike_fetch(c->v, &ikes) < 0 || cli_sa_fetch(c->v, &sas) < 0) {
		cli_ike_list_free(&ikes);
		cli_puts(o, "% Out of memory\n");
		return CLI_E_FAILED;
	}
	if (c->json) {
		json_begin(&j, o);
		json_arr(&j, "sessions");
	} else {
		cli_puts(o, "Crypto session current status\n\n");
	}
	for (uint32_t m = 0; m < cfg->n_crypto_maps; m++) {
		const struct cfg_crypto_map *map = &cfg->crypto_maps[m];
		const char *ifname;

		if (map->iface == CFG_NONE)
			continue;
		ifname = cfg->interfaces[map->iface].name;
		for (uint32_t e = 0; e < map->n_entries; e++) {
			struct session s = {.cfg = cfg, .map = m, .entry = e,
					    .e = &map->entries[e]};

			session_find_ike(&s, &ikes);
			session_sum_sas(&s, &sas);
			session_out(c, &j, &s, ifname, o);
		}
	}
	tunnel_sessions(c, &j, &ikes, &sas, o);
	if (c->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	cli_sa_list_free(&sas);
	cli_ike_list_free(&ikes);
	return CLI_OK;
}
