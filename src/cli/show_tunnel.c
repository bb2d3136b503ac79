/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show interfaces TunnelN: a static VTI (cfg->tunnels) as IOS XE shows one
 * ("Tunnel1 is up, line protocol is up ... Tunnel protocol/transport
 * IPSEC/IP ... Tunnel protection via IPSec (profile "P")"), with what dpsec
 * knows of it:
 *
 *  - the line protocol is up while the tunnel has an outbound SA in force
 *    (as IOS's, which follows the IPsec SA), down otherwise: then what the
 *    routes send into it is dropped (111 OUT_IPV4_SA_NOT_FOUND);
 *  - packets and bytes input are what its inbound SAs decrypted, output what
 *    its outbound SAs encrypted (inner IPv4 bytes, the SAs' counters, so
 *    "clear crypto sa counters" clears them too);
 *  - "Tunnel transport MTU" is the plaintext MTU of its transform set over
 *    the source interface's MTU;
 *  - a tunnel keyed by IKE names its ikev2 profile on the protection line;
 *  - an ipsec ipv6 tunnel shows IPv6 endpoints, transport IPSEC/IPV6, a
 *    transport MTU 20 bytes smaller (its outer header is 40 bytes), and no
 *    IPv4 address line (IOS shows its ipv6 address in "show ipv6 interface").
 */
#include <inttypes.h>
#include <stdio.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"
#include "show_tunnel.h"

struct tun_sum {
	uint64_t ipkts, ibytes, opkts, obytes;
	bool sa_up; /* an outbound SA carries its traffic */
};

static void
tun_sum(uint32_t t, const struct cli_sa_list *sas, struct tun_sum *s)
{
	*s = (struct tun_sum){0};
	for (size_t i = 0; i < sas->n; i++) {
		const struct view_sa *sa = &sas->sa[i];

		if (!sa->vti || sa->tunnel != t)
			continue;
		if (sa->dir == CFG_DIR_IN) {
			s->ipkts += sa->ctr.v[DP_SA_CTR_pkts];
			s->ibytes += sa->ctr.v[DP_SA_CTR_bytes];
		} else {
			s->opkts += sa->ctr.v[DP_SA_CTR_pkts];
			s->obytes += sa->ctr.v[DP_SA_CTR_bytes];
			s->sa_up |= sa->status == VIEW_SA_ACTIVE && !sa->standby;
		}
	}
}

bool
cli_tunnel_selected(const struct cli_ctx *c, const struct cfg_tunnel *t)
{
	const struct cli_arg *n = &c->opt[CLI_OPT_IFNAME];

	return !n->set || cli_name_eq(n->s, n->len, t->name);
}

static bool
is_v6(const struct cfg_tunnel *t)
{
	return t->mode == CFG_TUNNEL_IPSEC_IPV6;
}

/* cli_plaintext_mtu counts a 20-byte IPv4 outer header; IPv6's is 20 bytes longer. */
static unsigned
transport_mtu(const struct dpsec_config *cfg, const struct cfg_tunnel *t)
{
	const struct cfg_transform_set *ts = &cfg->transform_sets[t->transform_set];

	return cli_plaintext_mtu(cfg->interfaces[t->source_iface].mtu - (is_v6(t) ? 20u : 0u),
				 ts->proto, ts->cipher, ts->auth, false);
}

/* The tunnel's source and destination as text, of its family. */
static void
endpoints(const struct cfg_tunnel *t, char src[IP6_STRLEN], char dst[IP6_STRLEN])
{
	if (is_v6(t)) {
		ip6_str(t->source6, src);
		ip6_str(t->destination6, dst);
	} else {
		ip4_str(t->source, src);
		ip4_str(t->destination, dst);
	}
}

static void
tunnel_text(const struct dpsec_config *cfg, const struct cfg_tunnel *t, const struct tun_sum *s,
	    struct cli_out *o)
{
	char a[IP6_STRLEN], d[IP6_STRLEN];

	cli_printf(o, "%s is up, line protocol is %s\n  Hardware is Tunnel\n", t->name,
		   s->sa_up ? "up" : "down");
	if (t->addr != 0)
		cli_printf(o, "  Internet address is %s/%u\n", ip4_str(t->addr, a), t->prefix_len);
	else if (!is_v6(t))
		cli_puts(o, "  Interface is unnumbered\n");
	endpoints(t, a, d);
	cli_printf(o,
		   "  MTU %u bytes, BW 100 Kbit/sec, DLY 50000 usec,\n"
		   "  Encapsulation TUNNEL, loopback not set\n"
		   "  Keepalive not set\n"
		   "  Tunnel linestate evaluation %s\n"
		   "  Tunnel source %s (%s), destination %s\n"
		   "  Tunnel protocol/transport IPSEC/%s\n"
		   "  Tunnel TTL 255\n"
		   "  Tunnel transport MTU %u bytes\n"
		   "  Tunnel protection via IPSec (profile \"%s\"",
		   transport_mtu(cfg, t), s->sa_up ? "up" : "down", a,
		   cfg->interfaces[t->source_iface].name, d, is_v6(t) ? "IPV6" : "IP",
		   transport_mtu(cfg, t), t->profile);
	/* IOS XE names the ikev2 profile of an IKE-keyed tunnel on the same line */
	if (t->ike.ikev2_profile < cfg->ikev2.n_profiles)
		cli_printf(o, ", ikev2 profile \"%s\"",
			   cfg->ikev2.profiles[t->ike.ikev2_profile].name);
	cli_puts(o, ")\n");
	cli_printf(o,
		   "  Last clearing of \"show interface\" counters never\n"
		   "     %" PRIu64 " packets input, %" PRIu64 " bytes, 0 no buffer\n"
		   "     %" PRIu64 " packets output, %" PRIu64 " bytes, 0 underruns\n",
		   s->ipkts, s->ibytes, s->opkts, s->obytes);
}

static void
tunnel_json(struct json *j, const struct dpsec_config *cfg, const struct cfg_tunnel *t,
	    const struct tun_sum *s)
{
	json_obj(j, NULL);
	json_str(j, "name", t->name);
	json_bool(j, "line_protocol_up", s->sa_up);
	json_ip(j, "addr", t->addr);
	json_u64(j, "prefix_len", t->prefix_len);
	json_str(j, "role", "tunnel");
	if (is_v6(t)) {
		char a[IP6_STRLEN], d[IP6_STRLEN];

		endpoints(t, a, d);
		json_str(j, "source", a);
		json_str(j, "source_interface", cfg->interfaces[t->source_iface].name);
		json_str(j, "destination", d);
		json_str(j, "mode", "ipsec ipv6");
		json_str(j, "addr6", t->has_addr6 ? ip6_str(t->addr6, a) : "");
		json_u64(j, "prefix6_len", t->prefix6_len);
	} else {
		json_ip(j, "source", t->source);
		json_str(j, "source_interface", cfg->interfaces[t->source_iface].name);
		json_ip(j, "destination", t->destination);
		json_str(j, "mode", "ipsec ipv4");
	}
	json_str(j, "profile", t->profile);
	json_str(j, "transform_set", cfg->transform_sets[t->transform_set].name);
	json_str(j, "ikev2_profile", t->ike.ikev2_profile < cfg->ikev2.n_profiles
					     ? cfg->ikev2.profiles[t->ike.ikev2_profile].name
					     : "");
	json_u64(j, "transport_mtu", transport_mtu(cfg, t));
	json_u64(j, "ipackets", s->ipkts);
	json_u64(j, "ibytes", s->ibytes);
	json_u64(j, "opackets", s->opkts);
	json_u64(j, "obytes", s->obytes);
	json_obj_end(j);
}

int
cli_show_tunnels(const struct cli_ctx *c, struct cli_out *o, struct json *j)
{
	const struct dpsec_config *cfg = c->v->cfg;
	struct cli_sa_list sas = {0};
	bool any = false;

	for (uint32_t i = 0; cfg != NULL && i < cfg->n_tunnels; i++)
		any |= cli_tunnel_selected(c, &cfg->tunnels[i]);
	if (!any)
		return CLI_OK;
	if (cli_sa_fetch(c->v, &sas) != 0) {
		cli_puts(o, "% Out of memory reading the SA table\n");
		return CLI_E_FAILED;
	}
	for (uint32_t i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];
		struct tun_sum s;

		if (!cli_tunnel_selected(c, t))
			continue;
		tun_sum(i, &sas, &s);
		if (j != NULL)
			tunnel_json(j, cfg, t, &s);
		else
			tunnel_text(cfg, t, &s, o);
	}
	cli_sa_list_free(&sas);
	return CLI_OK;
}
