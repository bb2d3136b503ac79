/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHILD_SAs (RFC 7296 sections 1.3, 2.9, 2.17): negotiation and installation
 * shared by IKE_AUTH and CREATE_CHILD_SA, and CREATE_CHILD_SA for a new
 * CHILD_SA of a crypto-map entry:
 *
 *   initiator                                    responder
 *   HDR, SK{SA, Ni, [KEi], TSi, TSr}  -->
 *                         <--  HDR, SK{SA, Nr, [KEr], TSi, TSr}
 *                         <--  or HDR, SK{N(NO_PROPOSAL_CHOSEN | TS_UNACCEPTABLE | INVALID_KE_PAYLOAD)}
 *
 * KEs only with the entry's `pfs` group. The responder installs inbound,
 * then outbound inactive, answers, then activates (there is no older SA whose
 * traffic it could take over early); the initiator installs both at the
 * answer and activates.
 */
#include <netinet/in.h>
#include <string.h>

#include "ike_engine.h"

/* ---- keys and the dataplane ---- */

int
child_keys(const struct ike_sa *sa, const struct child_suite *cs,
	   const struct ike_dh_shared *gir, const struct ike_nonces *n, struct child_keys *k)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[cs->cipher];
	size_t ek = (size_t)ci->key_len + ci->salt_len, ak = dp_auth_info[cs->auth].key_len;
	struct ike_keymat km;
	int rc;

	memset(k, 0, sizeof(*k));
	if (sa->keys == NULL)
		return -EINVAL;
	/* section 2.17: i->r encryption, i->r integrity, then r->i (GCM keys carry the salt) */
	rc = ike_child_keymat(sa->suite.prf, &sa->keys->d, gir, n, 2 * (ek + ak), &km);
	if (rc == 0)
		rc = ike_keymat_take(&km, ek, &k->ek_ir);
	if (rc == 0)
		rc = ike_keymat_take(&km, ak, &k->ak_ir);
	if (rc == 0)
		rc = ike_keymat_take(&km, ek, &k->ek_ri);
	if (rc == 0)
		rc = ike_keymat_take(&km, ak, &k->ak_ri);
	ike_keymat_wipe(&km);
	if (rc != 0)
		child_keys_wipe(k);
	return rc;
}

void
child_keys_wipe(struct child_keys *k)
{
	mem_wipe(k, sizeof(*k));
}

/* Hard limits are the entry's; soft ones ~90% minus up to 5% jitter, so two peers differ. */
static void
lifetime(const struct cfg_map_entry *e, struct dp_sa_lifetime *l)
{
	uint64_t hb = (uint64_t)e->lifetime_kb * 1024;
	uint32_t hs = e->lifetime_sec;

	memset(l, 0, sizeof(*l));
	l->hard_sec = hs;
	l->soft_sec = hs - hs / 10 - ike_rand_below(hs / 20 + 1);
	l->hard_bytes = hb;
	l->soft_bytes = hb - hb / 10 - hb / 20 / 1000 * ike_rand_below(1001);
}

_Static_assert(IKE_MAX_TS <= DP_TS_MAX, "every negotiated selector reaches the dataplane");

static uint32_t
ts_addr(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * The negotiated selectors (narrowed by either side, section 2.9) for the
 * dataplane to enforce: the IPv4 ranges here, the IPv6 ones in ts6_to_dp.
 */
static uint8_t
ts_to_dp(const struct ts_set *set, struct dp_ts *out)
{
	uint8_t n = 0;

	for (uint8_t i = 0; i < set->n; i++) {
		const struct ike_ts *t = &set->ts[i];

		if (t->type != IKE_TS_IPV4_ADDR_RANGE)
			continue;
		out[n++] = (struct dp_ts){.addr_start = ts_addr(t->start),
					  .addr_end = ts_addr(t->end),
					  .port_start = t->start_port,
					  .port_end = t->end_port,
					  .proto = t->ip_proto};
	}
	return n;
}

/* ts_to_dp for the IPv6 ranges (TS_IPV6_ADDR_RANGE): addresses stay big-endian. */
static uint8_t
ts6_to_dp(const struct ts_set *set, struct dp_ts6 *out)
{
	uint8_t n = 0;

	for (uint8_t i = 0; i < set->n; i++) {
		const struct ike_ts *t = &set->ts[i];

		if (t->type != IKE_TS_IPV6_ADDR_RANGE)
			continue;
		out[n] = (struct dp_ts6){.port_start = t->start_port,
					 .port_end = t->end_port,
					 .proto = t->ip_proto};
		memcpy(out[n].addr_start, t->start, 16);
		memcpy(out[n].addr_end, t->end, 16);
		n++;
	}
	return n;
}

/* Both families' selectors of c into p. */
static void
child_ts_to_dp(const struct ike_child *c, struct dp_sa_params *p)
{
	p->n_ts_local = ts_to_dp(&c->ts_local, p->ts_local);
	p->n_ts_remote = ts_to_dp(&c->ts_remote, p->ts_remote);
	p->n_ts6_local = ts6_to_dp(&c->ts_local, p->ts6_local);
	p->n_ts6_remote = ts6_to_dp(&c->ts_remote, p->ts6_remote);
}

int
child_install(struct ike *ike, struct ike_sa *sa, struct ike_child *c, enum cfg_dir dir,
	      const struct secret *ek, const struct secret *ak, bool activate)
{
	char label[IKE_LABEL_LEN];
	const struct cfg_map_entry *e = ike_entry(ike, c->map, c->entry);
	bool encap = natd_any(sa);
	struct dp_sa_params p = {
		.dir = dir,
		.spi = dir == CFG_DIR_IN ? c->spi_in : c->spi_out,
		.map = c->map,
		.entry = c->entry,
		/* a tunnel's CHILD_SA: the dataplane binds it to the tunnel, not to a map */
		.vti = c->map == CFG_MAP_TUNNEL,
		.tunnel = c->map == CFG_MAP_TUNNEL ? c->entry : CFG_NONE,
		.proto = c->suite.proto == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP,
		.cipher = c->suite.cipher,
		.auth = c->suite.auth,
		.esn = c->suite.esn,
		.family = sa->remote.family == 6 ? AF_INET6 : AF_INET,
		.local = ike_addr_v4(&sa->local),
		.peer = ike_addr_v4(&sa->remote),
		.udp_encap = encap,
		.local_port = encap ? sa->local.port : 0,
		.peer_port = encap ? sa->remote.port : 0,
		.activate = activate,
		.cipher_key = ek,
		.auth_key = ak,
	};
	uint32_t h;
	int rc;

	if (e == NULL)
		return -ENOENT;
	if (p.family == AF_INET6) {
		memcpy(p.local6, sa->local.ip, 16);
		memcpy(p.peer6, sa->remote.ip, 16);
	}
	if (encap && p.proto == IPPROTO_AH) {
		/* AH authenticates the outer addresses a NAT rewrites; RFC 3948 is ESP only */
		ike_log(ike, 3, "IKEV2-3-SA_INSTALL",
			"AH SA spi 0x%08x of %s not installed: a NAT was detected, and AH cannot "
			"cross one (use an ESP transform set)", p.spi,
			ike_entry_label(ike, c->map, c->entry, label));
		return -EPROTONOSUPPORT;
	}
	p.replay_window = dir == CFG_DIR_IN ? e->replay_window : 0;
	lifetime(e, &p.life);
	child_ts_to_dp(c, &p);
	rc = ike->ops.sa_add(ike->ops.ctx, &p, &h);
	if (rc != 0) {
		ike_log(ike, 3, "IKEV2-3-SA_INSTALL",
			"dataplane refused %s SA spi 0x%08x of %s: error %d",
			dir == CFG_DIR_IN ? "inbound" : "outbound", p.spi,
			ike_entry_label(ike, c->map, c->entry, label), rc);
		return rc;
	}
	if (dir == CFG_DIR_IN)
		c->h_in = h;
	else
		c->h_out = h;
	c->active = dir == CFG_DIR_OUT && activate;
	return 0;
}

/*
 * Initiator, after the response: the inbound half went in before the request
 * with the selectors we proposed; give it the ones the responder narrowed to
 * (section 2.9). Failing leaves it with the wider ones, logged.
 */
void
child_narrow_inbound(struct ike *ike, struct ike_child *c)
{
	struct dp_sa_params p = {.dir = CFG_DIR_IN, .spi = c->spi_in};
	int rc;

	if (c->h_in == UINT32_MAX || ike->ops.sa_set_ts == NULL)
		return;
	child_ts_to_dp(c, &p);
	if (p.n_ts_local == 0 && p.n_ts_remote == 0 && p.n_ts6_local == 0 && p.n_ts6_remote == 0)
		return;	/* nothing the dataplane could narrow */
	rc = ike->ops.sa_set_ts(ike->ops.ctx, c->h_in, &p);
	if (rc != 0) {
		char label[IKE_LABEL_LEN];

		ike_log(ike, 4, "IKEV2-4-SA_INSTALL",
			"inbound SA spi 0x%08x of %s keeps its proposed selectors: error %d",
			c->spi_in, ike_entry_label(ike, c->map, c->entry, label), rc);
	}
}

int
child_activate(struct ike *ike, struct ike_child *c)
{
	int rc;

	if (c->h_out == UINT32_MAX)
		return -ENOENT;
	if (c->active)
		return 0;
	rc = ike->ops.sa_activate(ike->ops.ctx, c->h_out);
	if (rc == 0)
		c->active = true;
	return rc;
}

int
child_install_pair(struct ike *ike, struct ike_sa *sa, struct ike_child *c, bool initiator,
		   struct child_keys *k)
{
	int rc = 0;

	/* inbound first: the peer may use it as soon as it has our message */
	if (c->h_in == UINT32_MAX)
		rc = child_install(ike, sa, c, CFG_DIR_IN, initiator ? &k->ek_ri : &k->ek_ir,
				   initiator ? &k->ak_ri : &k->ak_ir, false);
	if (rc == 0)
		rc = child_install(ike, sa, c, CFG_DIR_OUT, initiator ? &k->ek_ir : &k->ek_ri,
				   initiator ? &k->ak_ir : &k->ak_ri, false);
	return rc;
}

void
child_up(struct ike *ike, struct ike_sa *sa, struct ike_child *c)
{
	char label[IKE_LABEL_LEN];

	ike_debug(ike, "CHILD_SA up: %s spi in 0x%08x out 0x%08x, tunnel %u",
		  ike_entry_label(ike, c->map, c->entry, label), c->spi_in, c->spi_out,
		  sa->tunnel_id);
}

/* ---- payloads ---- */

int
child_offer(struct ike *ike, struct ike_child *c, uint16_t dh, struct ike_proposal *offered)
{
	const struct cfg_map_entry *e = ike_entry(ike, c->map, c->entry);
	const struct cfg_transform_set *tset;

	if (e == NULL)
		return -ENOENT;
	tset = &ike->cfg->transform_sets[e->transform_set];
	prop_child_suite(tset, dh, &c->suite);
	prop_child_offer(tset, c->spi_in, dh, offered);
	if (c->ts_local.n == 0 || c->ts_remote.n == 0)
		return ts_from_entry(e, &c->ts_local, &c->ts_remote);
	return 0;
}

bool
child_ts_answer_ok(const struct ike *ike, const struct ike_child *c, const struct ike_msg *m)
{
	const struct cfg_map_entry *e = ike_entry(ike, c->map, c->entry);

	/* a tunnel's SA carries all that is routed into it: narrowed, it would drop some */
	if (c->map == CFG_MAP_TUNNEL &&
	    (e == NULL || !ts_is_any(&m->tsi, e->inner_v6) || !ts_is_any(&m->tsr, e->inner_v6)))
		return false;
	return ts_within(&m->tsi, &c->ts_local) && ts_within(&m->tsr, &c->ts_remote);
}

void
child_write_ts(struct ike_out *o, const struct ike_child *c, bool initiator)
{
	/* TSi is the initiator's side of the exchange, TSr the responder's */
	const struct ts_set *i = initiator ? &c->ts_local : &c->ts_remote;
	const struct ts_set *r = initiator ? &c->ts_remote : &c->ts_local;

	ike_wr_ts(&o->w, IKE_PL_TSI, i->ts, i->n);
	ike_wr_ts(&o->w, IKE_PL_TSR, r->ts, r->n);
}

/* Where child_candidate is in its walk: the tunnel, then the map's entries. */
struct candidate {
	bool in_map;
	const struct cfg_map_entry *e;
};

/*
 * Responder: the entries that may take the peer's CHILD_SA, in order. When
 * the peer proposes 0.0.0.0/0 both ways (IOS sVTI; ::/0 over IPv6), first
 * the IKE-keyed tunnel from our address to the peer whose ikev2_profile is
 * the IKE SA's;
 * then, whatever the selectors, the crypto map entries of config_ike_entry.
 * A narrower proposal never lands on a tunnel: a tunnel's SA carries all that
 * is routed into it.
 */
static bool
child_candidate(const struct ike *ike, const struct ike_sa *sa, const struct ike_msg *m,
		struct candidate *cand, uint32_t *map, uint32_t *entry)
{
	uint32_t local = ike_addr_v4(&sa->local), peer = ike_addr_v4(&sa->remote);
	const struct cfg_crypto_map *cm = NULL;

	if (sa->remote.family == 6) {
		/* an ipsec ipv6 tunnel for ::/0 both ways, then the IPv6-peer entries */
		if (!cand->in_map) {
			cand->in_map = true;
			*entry = config_ike_tunnel6(ike->cfg, sa->local.ip, sa->remote.ip,
						    sa->profile);
			if (*entry != CFG_NONE && ts_is_any(&m->tsi, true) &&
			    ts_is_any(&m->tsr, true)) {
				*map = CFG_MAP_TUNNEL;
				return true;
			}
		}
		cand->e = config_ike_entry6(ike->cfg, sa->local.ip, sa->remote.ip, sa->profile,
					    cand->e, &cm);
		if (cand->e == NULL)
			return false;
		ike_entry_index(ike, cm, cand->e, map, entry);
		return true;
	}
	if (!cand->in_map) {
		cand->in_map = true;
		*entry = config_ike_tunnel(ike->cfg, local, peer, sa->profile);
		if (*entry != CFG_NONE && ts_is_any(&m->tsi, false) && ts_is_any(&m->tsr, false)) {
			*map = CFG_MAP_TUNNEL;
			return true;
		}
	}
	cand->e = config_ike_entry(ike->cfg, local, peer, sa->profile, cand->e, &cm);
	if (cand->e == NULL)
		return false;
	ike_entry_index(ike, cm, cand->e, map, entry);
	return true;
}

struct ike_child *
child_respond(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, bool with_dh,
	      const struct ike_child *old, struct ike_proposal *answer, uint16_t *err)
{
	struct candidate cand = {0};
	uint32_t map, entry;
	struct ts_set l, r;
	bool ts_ok = false;

	*err = IKE_N_TS_UNACCEPTABLE;
	if (!ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_TSI) || !ike_has(m, IKE_PL_TSR)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "CHILD_SA request without SA, TSi or TSr");
		*err = IKE_N_INVALID_SYNTAX;
		return NULL;
	}
	while (child_candidate(ike, sa, m, &cand, &map, &entry)) {
		const struct cfg_map_entry *e = ike_entry(ike, map, entry);
		const struct cfg_transform_set *tset = &ike->cfg->transform_sets[e->transform_set];
		struct child_suite cs;
		struct ike_child *c;
		uint32_t peer_spi;

		/* a rekey replaces the CHILD_SA of one entry (section 2.8: same selectors) */
		if (old != NULL && (old->map != map || old->entry != entry))
			continue;
		if (ts_narrow(e, &m->tsi, &m->tsr, &l, &r) != 0)
			continue;
		ts_ok = true;
		if (prop_child_select(tset, e->pfs_group, with_dh, &m->sa, &cs, &peer_spi,
				      answer) != 0)
			continue;
		c = child_new(sa, map, entry);
		if (c == NULL)
			break;
		c->created_ms = ike_now(ike);
		c->suite = cs;
		c->spi_out = peer_spi;
		c->spi_in = child_spi_new(ike);
		c->ts_local = l;
		c->ts_remote = r;
		prop_set_spi(answer, c->spi_in);
		if (c->spi_in == 0 || peer_spi < 256) {
			child_free(ike, sa, c, false);
			break;
		}
		return c;
	}
	if (ts_ok) {
		ike_drop(ike, IKE_DROP_NO_PROPOSAL, "no CHILD_SA proposal of the peer acceptable");
		*err = IKE_N_NO_PROPOSAL_CHOSEN;
	} else {
		ike_drop(ike, IKE_DROP_TS_UNACCEPTABLE, "selectors match no crypto map entry");
	}
	return NULL;
}

/* ---- CREATE_CHILD_SA for a new CHILD_SA ---- */

int
child_dh_public(uint16_t group, struct ike_dh_key **key, uint8_t *pub, size_t *len)
{
	*len = 0;
	*key = NULL;
	if (group == 0)
		return 0;
	*key = ike_dh_key_new(group);
	if (*key == NULL)
		return -ENOTSUP;
	*len = ike_dh_public_len(group);
	return ike_dh_key_public(*key, pub, *len);
}

int
child_create_start(struct ike *ike, struct ike_sa *sa, uint32_t map, uint32_t entry,
		   bool replace)
{
	const struct cfg_map_entry *e = ike_entry(ike, map, entry);
	struct ike_child *c, *old = child_of_entry(ike, map, entry, NULL);

	if (e == NULL)
		return -ENOENT;
	if (old != NULL && (!replace || old->state != CHILD_INSTALLED || old->rekeying))
		return -EALREADY;
	c = child_new(sa, map, entry);
	if (c == NULL)
		return -ENOMEM;
	c->created_ms = ike_now(ike);
	c->spi_in = child_spi_new(ike);
	if (old != NULL && child_by_spi_in(sa, old->spi_in) == old) {
		/* recreated over the same IKE SA: the old one goes once the new one is up */
		c->replaces = old->spi_in;
		old->rekeying = true;
	}
	return child_request(ike, sa, c, NULL, TASK_CHILD_CREATE, IKE_STAT_X_CHILD_IPSEC);
}

int
child_request(struct ike *ike, struct ike_sa *sa, struct ike_child *c,
	      const struct ike_child *rekeyed, enum ike_task_kind kind, int sub)
{
	const struct cfg_map_entry *e = ike_entry(ike, c->map, c->entry);
	struct ike_req *r = &sa->req;
	struct ike_proposal offered;
	uint8_t pub[IKE_DH_PUB_MAX];
	uint16_t group = r->ke_group != 0 ? r->ke_group : e != NULL ? e->pfs_group : 0;
	struct ike_out o;
	size_t publen = 0;
	int rc;

	rc = e == NULL ? -ENOENT : c->spi_in != 0 ? child_offer(ike, c, group, &offered) : -EIO;
	if (rc == 0)
		rc = ike_rand(r->nonce, sizeof(r->nonce));
	if (rc == 0)
		rc = child_dh_public(group, &r->dh, pub, &publen);
	if (rc == 0) {
		out_init(ike, &o);
		if (rekeyed != NULL) {
			uint8_t spi[4];

			/* section 1.3.3: the SPI we receive the old CHILD_SA's packets on */
			spi[0] = (uint8_t)(rekeyed->spi_in >> 24);
			spi[1] = (uint8_t)(rekeyed->spi_in >> 16);
			spi[2] = (uint8_t)(rekeyed->spi_in >> 8);
			spi[3] = (uint8_t)rekeyed->spi_in;
			out_notify(&o, IKE_N_REKEY_SA, rekeyed->suite.proto, spi, sizeof(spi), NULL, 0);
		}
		ike_wr_sa(&o.w, &offered, 1);
		ike_wr_nonce(&o.w, r->nonce, sizeof(r->nonce));
		if (publen != 0)
			ike_wr_ke(&o.w, group, pub, publen);
		child_write_ts(&o, c, true);
		rc = out_request(ike, sa, kind, IKE_CREATE_CHILD_SA, sub, &o);
	}
	if (rc != 0) {
		struct ike_child *old = c->replaces ? child_by_spi_in(sa, c->replaces) : NULL;

		if (old != NULL)
			old->rekeying = false;
		child_free(ike, sa, c, false);
		req_clear(sa);
		return rc;
	}
	r->map = c->map;
	r->entry = c->entry;
	r->spi = c->replaces;
	r->new_spi = c->spi_in;
	r->ke_group = group;
	return 0;
}

int
child_complete(struct ike *ike, struct ike_sa *sa, struct ike_child *c, const struct ike_msg *m,
	       const uint8_t *nonce_i, struct ike_dh_key *dh)
{
	struct ike_nonces n = {nonce_i, IKE_NONCE_LEN, m->nonce.p, m->nonce.len};
	struct ike_proposal offered;
	struct ike_dh_shared gir;
	struct child_keys k;
	int rc;

	if (!ike_has(m, IKE_PL_SA) || !ike_has(m, IKE_PL_NONCE) || !ike_has(m, IKE_PL_TSI) ||
	    !ike_has(m, IKE_PL_TSR) || (dh != NULL && !ike_has(m, IKE_PL_KE)))
		return -EINVAL;
	if (child_offer(ike, c, c->suite.dh, &offered) != 0 ||
	    prop_child_check(&offered, &m->sa, &c->spi_out) != 0 ||
	    !child_ts_answer_ok(ike, c, m))
		return -EINVAL;
	if (dh != NULL &&
	    (m->ke.group != c->suite.dh || ike_dh_key_derive(dh, m->ke.data.p, m->ke.data.len,
							    &gir) != 0))
		return -EINVAL;
	rc = child_keys(sa, &c->suite, dh != NULL ? &gir : NULL, &n, &k);
	if (dh != NULL)
		ike_dh_shared_wipe(&gir);
	ts_copy(&c->ts_local, &m->tsi);
	ts_copy(&c->ts_remote, &m->tsr);
	child_narrow_inbound(ike, c);
	if (rc == 0)
		rc = child_install_pair(ike, sa, c, true, &k);
	child_keys_wipe(&k);
	return rc;
}

void
child_create_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	char label[IKE_LABEL_LEN];
	struct ike_req *r = &sa->req;
	struct ike_child *c = child_by_spi_in(sa, r->new_spi);
	struct ike_child *old = r->spi != 0 ? child_by_spi_in(sa, r->spi) : NULL;
	uint16_t err = ike_error_notify(m);

	if (c == NULL) {
		if (old != NULL)
			old->rekeying = false;
	} else if (err != 0 || child_complete(ike, sa, c, m, r->nonce, r->dh) != 0) {
		uint32_t map = c->map, entry = c->entry;

		ike_log(ike, 4, "IKEV2-4-CHILD_FAILED",
			"CHILD_SA of %s not %s (notify %u), tunnel %u",
			ike_entry_label(ike, map, entry, label),
			old != NULL ? "rekeyed" : "created", err, sa->tunnel_id);
		if (err == 0 && c->spi_out >= 256)
			task_delete_child(ike, sa, c->suite.proto, c->spi_in);
		child_free(ike, sa, c, true);
		if (child_retry(ike, sa, old, map, entry, m, err))
			return;
	} else if (!r->collided || !child_rekey_lost(ike, sa, c, m)) {
		if (child_activate(ike, c) != 0) {
			child_free(ike, sa, c, true);
		} else {
			c->state = CHILD_INSTALLED;
			child_up(ike, sa, c);
			if (old != NULL) {
				/* the new one carries the traffic: the old one goes (section 2.8) */
				child_retire(ike, old);
				task_delete_child(ike, sa, old->suite.proto, old->spi_in);
			}
		}
	}
	req_clear(sa);
	sa_kick(ike, sa);
}

/* Answer a CREATE_CHILD_SA request with one notify. */
void
child_refuse(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, int sub, uint16_t type,
	     const void *data, size_t len)
{
	struct ike_out o;

	out_init(ike, &o);
	out_notify(&o, type, 0, NULL, 0, data, len);
	out_response(ike, sa, IKE_CREATE_CHILD_SA, sub, m->hdr.msg_id, &o);
}

/*
 * Responder's half of a CHILD_SA exchange: KE checked, keys from the nonces
 * (and g^ir), both halves installed (outbound inactive), the answer's
 * payloads written. 0, or an error notify to answer with instead.
 */
uint16_t
child_accept(struct ike *ike, struct ike_sa *sa, struct ike_child *c, const struct ike_msg *m,
	     const struct ike_proposal *answer, struct ike_out *o, uint8_t nr[IKE_NONCE_LEN])
{
	uint8_t pub[IKE_DH_PUB_MAX];
	struct ike_dh_key *dh = NULL;
	struct ike_dh_shared gir;
	struct ike_nonces n = {m->nonce.p, m->nonce.len, nr, IKE_NONCE_LEN};
	struct child_keys k;
	size_t publen = 0;
	uint16_t err = 0;

	if (!ike_has(m, IKE_PL_NONCE))
		return IKE_N_INVALID_SYNTAX;
	if (c->suite.dh != 0 && (!ike_has(m, IKE_PL_KE) || m->ke.group != c->suite.dh)) {
		ike_drop(ike, IKE_DROP_INVALID_KE, "CHILD_SA KE of another group");
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	if (ike_rand(nr, IKE_NONCE_LEN) != 0 || child_dh_public(c->suite.dh, &dh, pub, &publen) != 0)
		return IKE_N_TEMPORARY_FAILURE;
	if (dh != NULL && ike_dh_key_derive(dh, m->ke.data.p, m->ke.data.len, &gir) != 0) {
		ike_drop(ike, IKE_DROP_BAD_KE, "CHILD_SA KE data invalid");
		ike_dh_key_free(dh);
		return IKE_N_INVALID_SYNTAX;
	}
	if (child_keys(sa, &c->suite, dh != NULL ? &gir : NULL, &n, &k) != 0 ||
	    child_install_pair(ike, sa, c, false, &k) != 0)
		err = IKE_N_TEMPORARY_FAILURE;
	child_keys_wipe(&k);
	if (dh != NULL)
		ike_dh_shared_wipe(&gir);
	ike_dh_key_free(dh);
	if (err != 0)
		return err;
	ike_wr_sa(&o->w, answer, 1);
	ike_wr_nonce(&o->w, nr, IKE_NONCE_LEN);
	if (publen != 0)
		ike_wr_ke(&o->w, c->suite.dh, pub, publen);
	child_write_ts(o, c, false);
	return 0;
}

void
child_refuse_with(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m, int sub, uint16_t err,
	    uint16_t group)
{
	if (err == IKE_N_INVALID_KE_PAYLOAD) {
		uint8_t g[2] = {(uint8_t)(group >> 8), (uint8_t)group};

		child_refuse(ike, sa, m, sub, err, g, sizeof(g));
	} else
		child_refuse(ike, sa, m, sub, err, NULL, 0);
}

void
child_create_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_proposal answer;
	uint8_t nr[IKE_NONCE_LEN];
	struct ike_child *c;
	uint16_t err = 0;
	struct ike_out o;

	c = child_respond(ike, sa, m, true, NULL, &answer, &err);
	if (c == NULL) {
		child_refuse(ike, sa, m, IKE_STAT_X_CHILD_IPSEC, err, NULL, 0);
		return;
	}
	out_init(ike, &o);
	err = child_accept(ike, sa, c, m, &answer, &o, nr);
	mem_wipe(nr, sizeof(nr));
	if (err != 0) {
		uint16_t group = c->suite.dh;

		child_free(ike, sa, c, true);
		child_refuse_with(ike, sa, m, IKE_STAT_X_CHILD_IPSEC, err, group);
		return;
	}
	if (out_response(ike, sa, IKE_CREATE_CHILD_SA, IKE_STAT_X_CHILD_IPSEC, m->hdr.msg_id,
			 &o) != 0 || child_activate(ike, c) != 0) {
		child_free(ike, sa, c, true);
		return;
	}
	c->state = CHILD_INSTALLED;
	child_up(ike, sa, c);
}
