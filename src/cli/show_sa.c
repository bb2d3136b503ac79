/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ipsec sa [peer A.B.C.D | interface NAME] [detail]
 *
 * IOS XE layout (genieparser ShowCryptoIpsecSa / ShowCryptoIpsecSaDetail
 * fixtures and device transcripts): one block per outside interface with a
 * crypto map and one per tunnel (static VTI, "interface: Tunnel1"), one
 * "flow" per map entry and pair of traffic selectors, the flow's SAs listed
 * under it. SAs without selectors of their own (manual
 * ones) and entries without SAs show the ACL's first permit line as idents;
 * an IKE CHILD_SA shows the selectors it enforces (narrowed by the peer or
 * not, RFC 7296 section 2.9), one flow per distinct pair, as IOS does. The
 * flow counters are the sums over its SAs: encaps = encrypt = digest are the
 * outbound SAs' packets, decaps = decrypt = verify the inbound ones'.
 *
 *	#send errors = outbound encaps failed + replay rollover + no sa
 *	#recv errors = inbound invalid sa + decaps failed + invalid prot +
 *	               verify failed + invalid len + replay failed
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

/* One crypto map entry on one interface and one pair of selectors, with its SAs summed. */
struct flow {
	const struct dpsec_config *cfg;
	const struct cfg_interface *ifc;
	const struct cfg_crypto_map *map;
	const struct cfg_map_entry *e;
	uint32_t map_idx;
	uint32_t entry_idx;
	bool vti;		/* a tunnel's flow: its SAs are tunnel's, map and e stand in */
	uint32_t tunnel;
	const struct cli_sa_list *sas;
	const struct view_sa *ts;	/* the flow's selectors; NULL: the ACL's (no SA has any) */
	uint64_t in[DP_SA_CTR__COUNT];
	uint64_t out[DP_SA_CTR__COUNT];
	const struct view_sa *cur_out; /* newest active outbound SA */
	bool udp_encap;
	uint16_t peer_port;
};

#define CTR(dir, name) (f->dir[DP_SA_CTR_##name])

static bool
ts_eq(const struct dp_ts *a, const struct dp_ts *b, uint8_t n)
{
	for (uint8_t i = 0; i < n; i++)
		if (a[i].addr_start != b[i].addr_start || a[i].addr_end != b[i].addr_end ||
		    a[i].port_start != b[i].port_start || a[i].port_end != b[i].port_end ||
		    a[i].proto != b[i].proto)
			return false;
	return true;
}

/* Do two SAs enforce the same selectors (a NULL one: none)? */
static bool
same_ts(const struct view_sa *a, const struct view_sa *b)
{
	uint8_t al = a != NULL ? a->n_ts_local : 0, ar = a != NULL ? a->n_ts_remote : 0;

	if (al != b->n_ts_local || ar != b->n_ts_remote)
		return false;
	return a == NULL || (ts_eq(a->ts_local, b->ts_local, al) &&
			     ts_eq(a->ts_remote, b->ts_remote, ar));
}

static bool
sa_of_entry(const struct flow *f, const struct view_sa *sa)
{
	if (f->vti || sa->vti)
		return f->vti && sa->vti && sa->tunnel == f->tunnel;
	return sa->map == f->map_idx && sa->entry == f->entry_idx;
}

static bool
sa_of(const struct flow *f, const struct view_sa *sa)
{
	return sa_of_entry(f, sa) && same_ts(f->ts, sa);
}

static void
flow_sum(struct flow *f)
{
	f->peer_port = 500;
	for (size_t i = 0; i < f->sas->n; i++) {
		const struct view_sa *sa = &f->sas->sa[i];
		uint64_t *dst = sa->dir == CFG_DIR_IN ? f->in : f->out;

		if (!sa_of(f, sa))
			continue;
		for (int k = 0; k < DP_SA_CTR__COUNT; k++) {
			/* a bundle's packets once: its ESP SA's (its AH SA's errors do add) */
			if (sa->bundle && sa->proto == IPPROTO_AH &&
			    (k == DP_SA_CTR_pkts || k == DP_SA_CTR_bytes))
				continue;
			dst[k] += sa->ctr.v[k];
		}
		if (sa->udp_encap) {
			f->udp_encap = true;
			f->peer_port = sa->peer_port;
		}
		/* a bundle's current SA is its AH SA: the outer header, its path MTU, its SPI */
		if (sa->dir == CFG_DIR_OUT && sa->status == VIEW_SA_ACTIVE &&
		    !(sa->bundle && sa->proto != IPPROTO_AH))
			f->cur_out = sa;
	}
}

static uint64_t
send_errors(const struct flow *f)
{
	return CTR(out, encaps_failed) + CTR(out, seq_rollover) + CTR(out, invalid_sa);
}

static uint64_t
recv_errors(const struct flow *f)
{
	return CTR(in, invalid_sa) + CTR(in, decaps_failed) + CTR(in, invalid_prot) +
	       CTR(in, verify_failed) + CTR(in, invalid_len) + CTR(in, replay_failed);
}

/*
 * The entry's first permit line (the config requires one): local ident is
 * its source, remote ident its destination.
 */
static const struct cfg_acl *
flow_acl(const struct flow *f)
{
	static const struct cfg_acl any;

	for (uint32_t k = 0; k < f->e->n_match; k++)
		if (f->e->match[k].action == CFG_ACL_PERMIT)
			return &f->e->match[k];
	return &any;
}

static unsigned
acl_port(const uint16_t port[2])
{
	return port[0] == port[1] ? port[0] : 0;
}

/*
 * The MTU the current outbound SA encapsulates to: the interface's "ip mtu",
 * or lower while an ICMP "fragmentation needed" from the path holds
 * (dp_sa_path_mtu; IOS's "path mtu").
 */
static unsigned
flow_path_mtu(const struct flow *f)
{
	if (f->cur_out != NULL && f->cur_out->path_mtu != 0)
		return f->cur_out->path_mtu;
	return f->ifc->mtu;
}

/* An IPv6 tunnel's outer header is 20 bytes longer than IPv4's, which cli_plaintext_mtu takes. */
static unsigned
flow_plaintext_mtu(const struct flow *f)
{
	const struct cfg_transform_set *ts = &f->cfg->transform_sets[f->e->transform_set];
	unsigned v6 = f->e->peer_v6 ? 20 : 0;

	/* a bundle's SAs have the set's transforms (manual SAs: IKE does not negotiate one) */
	if (cfg_ts_bundle(ts))
		return cli_bundle_plaintext_mtu(flow_path_mtu(f) - v6, ts->ah_auth, ts->cipher,
						ts->auth);
	if (f->cur_out != NULL)
		return cli_plaintext_mtu(flow_path_mtu(f) - v6, f->cur_out->proto,
					 f->cur_out->cipher, f->cur_out->auth, f->udp_encap);
	return cli_plaintext_mtu(f->ifc->mtu - v6, ts->proto, ts->cipher, ts->auth, f->udp_encap);
}

static const char *
mode_word(enum cfg_mode m)
{
	switch (m) {
	case CFG_MODE_TUNNEL:
		return "Tunnel";
	}
	return "Transport";
}

static const char *
status_word(enum view_sa_status s)
{
	switch (s) {
	case VIEW_SA_ACTIVE:
		return "ACTIVE(ACTIVE)";
	case VIEW_SA_DELETING:
		return "DELETING(DELETING)";
	}
	return "UNKNOWN";
}

/* ---- text ---- */

/* An IPv6 line's side, as IOS shows an IPv6 ident: address/prefix length. */
static void
ident6_text(const char *label, const struct ip6_prefix *p, uint8_t proto, const uint16_t port[2],
	    struct cli_out *o)
{
	char a[IP6_STRLEN];

	cli_printf(o, "   %s (addr/prefixlen/prot/port): (%s/%u/%u/%u)\n", label,
		   ip6_str(p->addr, a), p->len, proto, acl_port(port));
}

static void
ident_text(const char *label, const struct ip4_prefix *p, uint8_t proto, const uint16_t port[2],
	   struct cli_out *o)
{
	char a[IP4_STRLEN], m[IP4_STRLEN];

	cli_printf(o, "   %s (addr/mask/prot/port): (%s/%s/%u/%u)\n", label, ip4_str(p->addr, a),
		   cli_mask_str(p->len, m), proto, acl_port(port));
}

/*
 * A selector as IOS shows an ident: a range that is a prefix as address and
 * mask, any other range as "first-last" in the address's place (no mask fits
 * it); the port when the range is one port, else 0.
 */
struct ts_ident {
	char addr[2 * IP4_STRLEN];
	char mask[IP4_STRLEN];
	bool prefix;
	unsigned port;
};

static void
ts_ident(const struct dp_ts *t, struct ts_ident *id)
{
	/* a prefix: the range's size is a power of two and its start aligned to it */
	uint32_t span = t->addr_end - t->addr_start;
	char a[IP4_STRLEN];

	id->prefix = t->addr_end >= t->addr_start && (span & (span + 1)) == 0 &&
		     (t->addr_start & span) == 0;
	id->port = t->port_start == t->port_end ? t->port_start : 0;
	ip4_str(htonl(t->addr_start), a);
	if (id->prefix) {
		snprintf(id->addr, sizeof(id->addr), "%s", a);
		cli_mask_str((uint8_t)(32 - __builtin_popcount(span)), id->mask);
	} else {
		char b[IP4_STRLEN];

		snprintf(id->addr, sizeof(id->addr), "%s-%s", a, ip4_str(htonl(t->addr_end), b));
		id->mask[0] = '\0';
	}
}

/* A side with no selectors of its own (the other side has some): anything. */
static const struct dp_ts ts_any = {.addr_end = UINT32_MAX, .port_end = UINT16_MAX};

/* One ident line per selector (IKE allows several a side; IOS shows one flow per pair). */
static void
ts_text(const char *label, const struct dp_ts *t, uint8_t n, struct cli_out *o)
{
	if (n == 0) {
		t = &ts_any;
		n = 1;
	}
	for (uint8_t i = 0; i < n; i++) {
		struct ts_ident id;

		ts_ident(&t[i], &id);
		if (id.prefix)
			cli_printf(o, "   %s (addr/mask/prot/port): (%s/%s/%u/%u)\n", label, id.addr,
				   id.mask, t[i].proto, id.port);
		else
			cli_printf(o, "   %s (addr/mask/prot/port): (%s/%u/%u)\n", label, id.addr,
				   t[i].proto, id.port);
	}
}

static void
counters_text(const struct flow *f, bool detail, struct cli_out *o)
{
	uint64_t enc = CTR(out, pkts), dec = CTR(in, pkts);

	cli_printf(o,
		   "    #pkts encaps: %" PRIu64 ", #pkts encrypt: %" PRIu64
		   ", #pkts digest: %" PRIu64 "\n"
		   "    #pkts decaps: %" PRIu64 ", #pkts decrypt: %" PRIu64
		   ", #pkts verify: %" PRIu64 "\n",
		   enc, enc, enc, dec, dec, dec);
	cli_puts(o, "    #pkts compressed: 0, #pkts decompressed: 0\n"
		    "    #pkts not compressed: 0, #pkts compr. failed: 0\n"
		    "    #pkts not decompressed: 0, #pkts decompress failed: 0\n");
	if (!detail) {
		cli_printf(o, "    #send errors %" PRIu64 ", #recv errors %" PRIu64 "\n",
			   send_errors(f), recv_errors(f));
		return;
	}
	cli_printf(o,
		   "    #pkts no sa (send) %" PRIu64 ", #pkts invalid sa (rcv) %" PRIu64 "\n"
		   "    #pkts encaps failed (send) %" PRIu64 ", #pkts decaps failed (rcv) %" PRIu64
		   "\n"
		   "    #pkts invalid prot (recv) %" PRIu64 ", #pkts verify failed: %" PRIu64 "\n"
		   "    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) %" PRIu64 "\n"
		   "    #pkts replay rollover (send): %" PRIu64 ", #pkts replay rollover (rcv) 0\n"
		   "    ##pkts replay failed (rcv): %" PRIu64 "\n",
		   CTR(out, invalid_sa), CTR(in, invalid_sa), CTR(out, encaps_failed),
		   CTR(in, decaps_failed), CTR(in, invalid_prot), CTR(in, verify_failed),
		   CTR(in, invalid_len), CTR(out, seq_rollover), CTR(in, replay_failed));
	cli_puts(o, "    #pkts tagged (send): 0, #pkts untagged (rcv): 0\n"
		    "    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0\n"
		    "    #pkts internal err (send): 0, #pkts internal err (recv) 0\n");
}

/*
 * An SA with a lifetime shows what is left of it, "(k/sec): (4607999/3567)".
 * A manually keyed SA has none: IOS XE shows such an SA (genieparser fixture
 * ShowCryptoIpsecSaInterface, manual-key SAs) as it shows any SA without a
 * kilobyte limit, "(sec): 0" and "Kilobyte Volume Rekey has been disabled".
 */
static void
sa_timing_text(const struct view_sa *sa, struct cli_out *o)
{
	if (sa->manual)
		cli_puts(o, "        sa timing: remaining key lifetime (sec): 0\n"
			    "        Kilobyte Volume Rekey has been disabled\n");
	else
		cli_printf(o,
			   "        sa timing: remaining key lifetime (k/sec): (%" PRIu64 "/%u)\n",
			   sa->kb_left, sa->sec_left);
}

/*
 * Replay detection belongs to the SA pair on IOS: the outbound SA shows the
 * setting its inbound twin checks with (the crypto map entry's window), though
 * only the receiver keeps a window (RFC 4303 3.4.3).
 */
static uint32_t
replay_window(const struct flow *f, const struct view_sa *sa)
{
	return sa->dir == CFG_DIR_IN ? sa->replay_window : f->e->replay_window;
}

static void
replay_text(uint32_t window, struct cli_out *o)
{
	if (window == 0)
		cli_puts(o, "        replay detection support: N\n");
	else if (window == 64)
		cli_puts(o, "        replay detection support: Y\n");
	else
		cli_printf(o, "        replay detection support: Y  replay window size: %u\n",
			   window);
}

/*
 * A manual AES-GCM SA exists only with allow_unsafe_manual_gcm (the config
 * refuses it otherwise): its nonces repeat across restarts, RFC 4106 s. 8.
 */
static bool
unsafe_gcm(const struct view_sa *sa)
{
	return sa->manual && dp_cipher_info[sa->cipher].aead;
}

static void
unsafe_gcm_text(const struct view_sa *sa, struct cli_out *o)
{
	if (unsafe_gcm(sa))
		cli_puts(o, "        WARNING: manual AES-GCM key: nonces repeat after a restart "
			    "(RFC 4106 section 8); for testing only\n");
}

static void
sa_text(const struct flow *f, const struct view_sa *sa, struct cli_out *o)
{
	char xf[64];

	cli_xform_text(sa->proto, sa->cipher, sa->auth, xf, sizeof(xf));
	cli_printf(o,
		   "      spi: 0x%X(%u)\n"
		   "        transform: %s ,\n"
		   "        in use settings ={%s%s, %s}\n"
		   "        conn id: %u, flow_id: SW:%u, sibling_flags 80000040, crypto map: %s\n",
		   sa->spi, sa->spi, xf, mode_word(sa->mode), sa->udp_encap ? " UDP-Encaps" : "",
		   sa->esn ? "esn" : "", sa->conn_id, sa->conn_id, f->map->name);
	sa_timing_text(sa, o);
	if (sa->proto != IPPROTO_AH)	/* IOS prints no IV line for AH (no cipher) */
		cli_printf(o, "        IV size: %u bytes\n", dp_cipher_info[sa->cipher].iv_len);
	replay_text(replay_window(f, sa), o);
	cli_printf(o, "        Status: %s\n", status_word(sa->status));
	unsafe_gcm_text(sa, o);
}

static void
sas_of_proto(const struct flow *f, enum cfg_dir dir, uint8_t proto, struct cli_out *o)
{
	for (size_t i = 0; i < f->sas->n; i++) {
		const struct view_sa *sa = &f->sas->sa[i];

		if (sa_of(f, sa) && sa->dir == dir &&
		    (sa->proto == IPPROTO_AH) == (proto == IPPROTO_AH))
			sa_text(f, sa, o);
	}
}

static void
sas_text(const struct flow *f, enum cfg_dir dir, struct cli_out *o)
{
	const char *d = dir == CFG_DIR_IN ? "inbound" : "outbound";

	cli_printf(o, "     %s esp sas:\n", d);
	sas_of_proto(f, dir, IPPROTO_ESP, o);
	cli_printf(o, "\n     %s ah sas:\n", d);
	sas_of_proto(f, dir, IPPROTO_AH, o);
	cli_printf(o, "\n     %s pcp sas:\n", d);
}

static void
flow_text(const struct flow *f, bool detail, struct cli_out *o)
{
	const struct cfg_acl *acl = flow_acl(f);
	char l6[IP6_STRLEN], p6[IP6_STRLEN];
	uint32_t spi = f->cur_out != NULL ? f->cur_out->spi : 0;

	cli_puts(o, "\n   protected vrf: (none)\n");
	if (f->ts != NULL) {
		ts_text("local  ident", f->ts->ts_local, f->ts->n_ts_local, o);
		ts_text("remote ident", f->ts->ts_remote, f->ts->n_ts_remote, o);
	} else if (acl->v6) {
		ident6_text("local  ident", &acl->src6, acl->proto, acl->sport, o);
		ident6_text("remote ident", &acl->dst6, acl->proto, acl->dport, o);
	} else {
		ident_text("local  ident", &acl->src, acl->proto, acl->sport, o);
		ident_text("remote ident", &acl->dst, acl->proto, acl->dport, o);
	}
	if (f->e->peer_v6) {	/* an IPv6 tunnel: the interface's address6 to the peer */
		ip6_str(f->e->peer6, p6);
		ip6_str(f->ifc->addr6, l6);
	} else {
		char l[IP4_STRLEN], p[IP4_STRLEN];

		snprintf(p6, sizeof(p6), "%s", ip4_str(f->e->peer, p));
		snprintf(l6, sizeof(l6), "%s", ip4_str(f->ifc->addr, l));
	}
	cli_printf(o, "   current_peer %s port %u\n     PERMIT, flags={origin_is_acl,}\n", p6,
		   f->peer_port);
	counters_text(f, detail, o);
	cli_printf(o,
		   "\n     local crypto endpt.: %s, remote crypto endpt.: %s\n"
		   "     plaintext mtu %u, path mtu %u, ip mtu %u, ip mtu idb %s\n"
		   "     current outbound spi: 0x%X(%u)\n"
		   "     PFS (Y/N): N, DH group: none\n\n",
		   l6, p6, flow_plaintext_mtu(f), flow_path_mtu(f), f->ifc->mtu,
		   f->ifc->name, spi, spi);
	sas_text(f, CFG_DIR_IN, o);
	cli_puts(o, "\n");
	sas_text(f, CFG_DIR_OUT, o);
}

/* ---- JSON ---- */

static void
counters_json(struct json *j, const char *key, const uint64_t *v)
{
	static const char *const names[DP_SA_CTR__COUNT] = {
#define DP_X(f, d) [DP_SA_CTR_##f] = #f,
		DP_SA_COUNTERS(DP_X)
#undef DP_X
	};

	json_obj(j, key);
	for (int k = 0; k < DP_SA_CTR__COUNT; k++)
		json_u64(j, names[k], v[k]);
	json_obj_end(j);
}

static void
ident_json(struct json *j, const char *key, const struct ip4_prefix *p, uint8_t proto,
	   const uint16_t port[2])
{
	char m[IP4_STRLEN];

	json_obj(j, key);
	json_ip(j, "addr", p->addr);
	json_str(j, "mask", cli_mask_str(p->len, m));
	json_u64(j, "prot", proto);
	json_u64(j, "port", acl_port(port));
	json_obj_end(j);
}

static void
ident6_json(struct json *j, const char *key, const struct ip6_prefix *p, uint8_t proto,
	    const uint16_t port[2])
{
	char a[IP6_STRLEN];

	json_obj(j, key);
	json_str(j, "addr", ip6_str(p->addr, a));
	json_u64(j, "prefixlen", p->len);
	json_u64(j, "prot", proto);
	json_u64(j, "port", acl_port(port));
	json_obj_end(j);
}

static void
ts_json(struct json *j, const char *key, const struct dp_ts *t, uint8_t n)
{
	json_arr(j, key);
	for (uint8_t i = 0; i < n; i++) {
		struct ts_ident id;

		ts_ident(&t[i], &id);
		json_obj(j, NULL);
		json_ip(j, "addr", htonl(t[i].addr_start));
		json_ip(j, "addr_end", htonl(t[i].addr_end));
		json_str(j, "mask", id.mask);
		json_u64(j, "prot", t[i].proto);
		json_u64(j, "port", id.port);
		json_u64(j, "port_start", t[i].port_start);
		json_u64(j, "port_end", t[i].port_end);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
ts_ident_json(struct json *j, const char *key, const struct dp_ts *t, uint8_t n)
{
	struct ts_ident id;

	if (n == 0)
		t = &ts_any;
	ts_ident(t, &id);
	json_obj(j, key);
	json_ip(j, "addr", htonl(t->addr_start));
	json_str(j, "mask", id.mask);
	json_u64(j, "prot", t->proto);
	json_u64(j, "port", id.port);
	json_obj_end(j);
}

/*
 * A flow's idents: the ACL's, or its first selectors in the same keys (mask
 * "" for a range that is not a prefix), and then all of its selectors.
 */
static void
idents_json(struct json *j, const struct flow *f)
{
	const struct cfg_acl *acl = flow_acl(f);

	if (f->ts == NULL && acl->v6) {
		ident6_json(j, "local_ident", &acl->src6, acl->proto, acl->sport);
		ident6_json(j, "remote_ident", &acl->dst6, acl->proto, acl->dport);
		json_bool(j, "negotiated_ts", false);
		return;
	}
	if (f->ts == NULL) {
		ident_json(j, "local_ident", &acl->src, acl->proto, acl->sport);
		ident_json(j, "remote_ident", &acl->dst, acl->proto, acl->dport);
		json_bool(j, "negotiated_ts", false);
		return;
	}
	ts_ident_json(j, "local_ident", f->ts->ts_local, f->ts->n_ts_local);
	ts_ident_json(j, "remote_ident", f->ts->ts_remote, f->ts->n_ts_remote);
	json_bool(j, "negotiated_ts", true);
	ts_json(j, "local_selectors", f->ts->ts_local, f->ts->n_ts_local);
	ts_json(j, "remote_selectors", f->ts->ts_remote, f->ts->n_ts_remote);
}

static void
sa_json(struct json *j, const struct flow *f, const struct view_sa *sa)
{
	char xf[64];

	cli_xform_text(sa->proto, sa->cipher, sa->auth, xf, sizeof(xf));
	json_obj(j, NULL);
	json_str(j, "direction", sa->dir == CFG_DIR_IN ? "in" : "out");
	json_u64(j, "spi", sa->spi);
	json_str(j, "protocol", sa->proto == IPPROTO_AH ? "ah" : "esp");
	json_str(j, "transform", xf);
	json_str(j, "mode", sa->mode == CFG_MODE_TUNNEL ? "tunnel" : "transport");
	json_bool(j, "esn", sa->esn);
	json_bool(j, "udp_encap", sa->udp_encap);
	if (sa->udp_encap) {
		json_u64(j, "local_port", sa->local_port);
		json_u64(j, "peer_port", sa->peer_port);
	}
	json_u64(j, "conn_id", sa->conn_id);
	json_u64(j, "worker", sa->worker);
	json_bool(j, "manual", sa->manual);
	/* one of an AH+ESP bundle's SAs: its packets are counted once in the flow */
	if (sa->bundle)
		json_bool(j, "bundle", true);
	if (unsafe_gcm(sa))
		json_bool(j, "unsafe_manual_gcm", true);
	if (!sa->manual) {
		json_u64(j, "kb_left", sa->kb_left);
		json_u64(j, "sec_left", sa->sec_left);
	}
	json_u64(j, "iv_size", dp_cipher_info[sa->cipher].iv_len);
	json_u64(j, "replay_window", replay_window(f, sa));
	json_str(j, "status", sa->status == VIEW_SA_ACTIVE ? "ACTIVE" : "DELETING");
	counters_json(j, "counters", sa->ctr.v);
	json_obj_end(j);
}

static void
flow_json(struct json *j, const struct flow *f)
{
	json_obj(j, NULL);
	json_u64(j, "seq", f->e->seq);
	idents_json(j, f);
	if (f->e->peer_v6) {
		char a[IP6_STRLEN];

		json_str(j, "peer", ip6_str(f->e->peer6, a));
	} else {
		json_ip(j, "peer", f->e->peer);
	}
	json_u64(j, "peer_port", f->peer_port);
	counters_json(j, "inbound", f->in);
	counters_json(j, "outbound", f->out);
	json_u64(j, "send_errors", send_errors(f));
	json_u64(j, "recv_errors", recv_errors(f));
	json_u64(j, "plaintext_mtu", flow_plaintext_mtu(f));
	json_u64(j, "path_mtu", flow_path_mtu(f));
	json_u64(j, "current_outbound_spi", f->cur_out != NULL ? f->cur_out->spi : 0);
	json_arr(j, "sas");
	for (size_t i = 0; i < f->sas->n; i++)
		if (sa_of(f, &f->sas->sa[i]))
			sa_json(j, f, &f->sas->sa[i]);
	json_arr_end(j);
	json_obj_end(j);
}

/* ---- walking interfaces and entries ---- */

struct sa_walk {
	const struct cli_ctx *c;
	const struct cli_sa_list *sas;
	struct cli_out *o;
	struct json j;
};

static bool
entry_selected(const struct cli_ctx *c, const struct cfg_map_entry *e)
{
	if (e->peer_v6)	/* "peer A.B.C.D" names an IPv4 peer */
		return !c->opt[CLI_OPT_PEER].set;
	return !c->opt[CLI_OPT_PEER].set || c->opt[CLI_OPT_PEER].ip == e->peer;
}

static bool
iface_selected(const struct cli_ctx *c, const struct cfg_interface *ifc)
{
	const struct cli_arg *n = &c->opt[CLI_OPT_IFNAME];
	const struct dpsec_config *cfg = c->v->cfg;

	if (ifc->crypto_map == CFG_NONE || ifc->crypto_map >= cfg->n_crypto_maps)
		return false;
	return !n->set || cli_name_eq(n->s, n->len, ifc->name);
}

/* addr6 not NULL: an ipsec ipv6 tunnel's, whose local address is its source's address6. */
static void
iface_begin(struct sa_walk *w, const char *ifname, const struct cfg_crypto_map *m, uint32_t addr,
	    const uint8_t *addr6)
{
	char a[IP6_STRLEN];

	if (addr6 != NULL)
		ip6_str(addr6, a);
	else
		ip4_str(addr, a);
	if (w->c->json) {
		json_obj(&w->j, NULL);
		json_str(&w->j, "interface", ifname);
		json_str(&w->j, "crypto_map", m->name);
		if (addr6 != NULL)
			json_str(&w->j, "local_addr", a);
		else
			json_ip(&w->j, "local_addr", addr);
		json_arr(&w->j, "flows");
		return;
	}
	cli_printf(w->o, "\ninterface: %s\n    Crypto map tag: %s, local addr %s\n", ifname,
		   m->name, a);
}

static void
iface_end(struct sa_walk *w)
{
	if (w->c->json) {
		json_arr_end(&w->j);
		json_obj_end(&w->j);
	}
}

/* The flow of base's entry with selectors ts (NULL: the ACL's), summed afresh. */
static void
show_flow(struct sa_walk *w, const struct flow *base, const struct view_sa *ts)
{
	struct flow f = *base;

	f.ts = ts;
	flow_sum(&f);
	if (w->c->json)
		flow_json(&w->j, &f);
	else
		flow_text(&f, w->c->opt[CLI_OPT_DETAIL].set, w->o);
}

/*
 * The entry's flows: the ACL's when an SA has no selectors or there is no
 * SA with any, then one per distinct pair of selectors, in install order.
 */
static void
walk_entry(struct sa_walk *w, const struct flow *f)
{
	const struct cli_sa_list *l = w->sas;
	bool plain = false, narrow = false;

	for (size_t i = 0; i < l->n; i++) {
		if (!sa_of_entry(f, &l->sa[i]))
			continue;
		if (same_ts(NULL, &l->sa[i]))
			plain = true;
		else
			narrow = true;
	}
	if (plain || !narrow)
		show_flow(w, f, NULL);
	for (size_t i = 0; i < l->n; i++) {
		bool seen = false;

		if (!sa_of_entry(f, &l->sa[i]) || same_ts(NULL, &l->sa[i]))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = sa_of_entry(f, &l->sa[k]) && same_ts(&l->sa[k], &l->sa[i]);
		if (!seen)
			show_flow(w, f, &l->sa[i]);
	}
}

/*
 * The interface's entries whose peer is of one family, under a block whose
 * local address is the interface's address of that family (its address6 for
 * IPv6 peers: the outer source of their SAs), as IOS keeps IPv4 and IPv6
 * crypto maps apart.
 */
static void
walk_iface_family(struct sa_walk *w, const struct cfg_interface *ifc, bool v6)
{
	const struct dpsec_config *cfg = w->c->v->cfg;
	const struct cfg_crypto_map *m = &cfg->crypto_maps[ifc->crypto_map];
	bool begun = false;

	for (uint32_t e = 0; e < m->n_entries; e++) {
		struct flow f = {.cfg = cfg,
				 .ifc = ifc,
				 .tunnel = CFG_NONE,
				 .map = m,
				 .e = &m->entries[e],
				 .map_idx = ifc->crypto_map,
				 .entry_idx = e,
				 .sas = w->sas};

		if (f.e->peer_v6 != v6 || !entry_selected(w->c, f.e))
			continue;
		if (!begun)
			iface_begin(w, ifc->name, m, ifc->addr,
				    v6 && ifc->has_addr6 ? ifc->addr6 : NULL);
		begun = true;
		walk_entry(w, &f);
	}
	if (begun)
		iface_end(w);
}

static void
walk_iface(struct sa_walk *w, const struct cfg_interface *ifc)
{
	walk_iface_family(w, ifc, false);
	walk_iface_family(w, ifc, true);
}

/*
 * A tunnel's block, as IOS shows a static VTI: "interface: Tunnel1", crypto
 * map tag "Tunnel1-head-0" (the map IOS makes for the tunnel), one flow with
 * idents 0.0.0.0/0 both ways (its SAs carry whatever the routes send in),
 * from the tunnel source to its destination.
 */
static void
walk_tunnel(struct sa_walk *w, uint32_t t)
{
	const struct dpsec_config *cfg = w->c->v->cfg;
	const struct cfg_tunnel *tun = &cfg->tunnels[t];
	const struct cli_arg *n = &w->c->opt[CLI_OPT_IFNAME];
	/* ipsec ipv6: idents ::/0 both ways, from its source6 to its destination6 */
	bool v6 = tun->mode == CFG_TUNNEL_IPSEC_IPV6;
	struct cfg_acl any = {.sport = {0, 65535}, .dport = {0, 65535}, .v6 = v6};
	struct cfg_map_entry e = {.peer = tun->destination, .transform_set = tun->transform_set,
				  .match = &any, .n_match = 1, .replay_window = tun->replay_window};
	struct cfg_crypto_map m = {.iface = tun->source_iface};
	struct flow f = {.cfg = cfg, .ifc = &cfg->interfaces[tun->source_iface], .map = &m,
			 .e = &e, .map_idx = CFG_NONE, .entry_idx = CFG_NONE, .vti = true,
			 .tunnel = t, .sas = w->sas};

	if (v6) {
		e.peer_v6 = e.inner_v6 = true;
		memcpy(e.peer6, tun->destination6, IP6_LEN);
	}
	if ((n->set && !cli_name_eq(n->s, n->len, tun->name)) || !entry_selected(w->c, &e))
		return;
	/* a name is "Tunnel" and at most 10 digits */
	snprintf(m.name, sizeof(m.name), "%.40s-head-0", tun->name);
	iface_begin(w, tun->name, &m, tun->source, v6 ? tun->source6 : NULL);
	walk_entry(w, &f);
	iface_end(w);
}

int
cli_show_ipsec_sa(const struct cli_ctx *c, struct cli_out *o)
{
	const struct dpsec_config *cfg = c->v->cfg;
	struct cli_sa_list sas;
	struct sa_walk w = {.c = c, .sas = &sas, .o = o};
	size_t before = o->len;

	if (cli_sa_fetch(c->v, &sas) != 0) {
		cli_puts(o, "% Out of memory reading the SA table\n");
		return CLI_E_FAILED;
	}
	if (c->json) {
		json_begin(&w.j, o);
		json_arr(&w.j, "interfaces");
	}
	for (uint32_t i = 0; cfg != NULL && i < cfg->n_interfaces; i++)
		if (iface_selected(c, &cfg->interfaces[i]))
			walk_iface(&w, &cfg->interfaces[i]);
	for (uint32_t i = 0; cfg != NULL && i < cfg->n_tunnels; i++)
		walk_tunnel(&w, i);
	if (c->json) {
		json_arr_end(&w.j);
		json_end(&w.j);
	} else if (o->len != before) {
		cli_puts(o, "\n"); /* IOS ends the table with a blank line */
	}
	cli_sa_list_free(&sas);
	return CLI_OK;
}
