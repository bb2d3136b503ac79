/* SPDX-License-Identifier: BSD-3-Clause */
/* Two IKE engines wired together (ike_pair.h). */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ike_pair.h"

#define NAT_PORT_OFFSET 40000	/* gwA's 500 appears as 40500, 4500 as 44500 */

/* ---- the callbacks ---- */

static uint64_t
cb_now(void *ctx)
{
	const struct side *s = ctx;

	return s->pair->now_ms;
}

static void
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *msg, size_t len)
{
	struct side *s = ctx;
	struct pair *p = s->pair;
	struct pair_msg *m;

	assert_true(len <= PAIR_MSG_MAX);
	assert_true(p->qn < PAIR_QUEUE);
	m = &p->q[(p->qh + p->qn++) % PAIR_QUEUE];
	m->from = s->idx;
	m->src = *local;
	m->dst = *remote;
	memcpy(m->buf, msg, len);
	m->len = len;
	m->seq = ++p->seq;
	if (p->record && p->n_sent < PAIR_SENT_MAX)
		p->sent[p->n_sent++] = *m;
}

static int
cb_sa_add(void *ctx, const struct dp_sa_params *prm, uint32_t *handle)
{
	struct side *s = ctx;
	struct fake_sa *f;

	if (s->add_fail != 0)
		return s->add_fail;
	assert_true(s->n_sa < PAIR_SAS);
	/* the dataplane refuses a second SA with one SPI and direction (dp_sa_add: EEXIST) */
	if (pair_find(s, prm->dir, prm->spi) != NULL)
		return -EEXIST;
	f = &s->sa[s->n_sa];
	memset(f, 0, sizeof(*f));
	f->p = *prm;
	f->p.cipher_key = NULL;
	f->p.auth_key = NULL;
	f->ck = *prm->cipher_key;
	if (prm->auth_key != NULL)
		f->ak = *prm->auth_key;
	f->active = prm->dir == CFG_DIR_OUT && prm->activate;
	f->seq_add = ++s->pair->seq;
	*handle = s->n_sa++;
	s->adds++;
	return 0;
}

static int
cb_sa_activate(void *ctx, uint32_t h)
{
	struct side *s = ctx;

	assert_true(h < s->n_sa);
	assert_false(s->sa[h].deleted);
	assert_int_equal(s->sa[h].p.dir, CFG_DIR_OUT);
	s->sa[h].active = true;
	s->sa[h].seq_activate = ++s->pair->seq;
	s->activates++;
	return 0;
}

/* What dp_sa_update_ts keeps of p: the selectors. */
static int
cb_sa_set_ts(void *ctx, uint32_t h, const struct dp_sa_params *p)
{
	struct side *s = ctx;
	struct fake_sa *f;

	assert_true(h < s->n_sa);
	f = &s->sa[h];
	assert_false(f->deleted);
	f->p.n_ts_local = p->n_ts_local;
	f->p.n_ts_remote = p->n_ts_remote;
	memcpy(f->p.ts_local, p->ts_local, sizeof(f->p.ts_local));
	memcpy(f->p.ts_remote, p->ts_remote, sizeof(f->p.ts_remote));
	f->p.n_ts6_local = p->n_ts6_local;
	f->p.n_ts6_remote = p->n_ts6_remote;
	memcpy(f->p.ts6_local, p->ts6_local, sizeof(f->p.ts6_local));
	memcpy(f->p.ts6_remote, p->ts6_remote, sizeof(f->p.ts6_remote));
	s->ts_updates++;
	return 0;
}

static int
cb_sa_del(void *ctx, uint32_t h)
{
	struct side *s = ctx;

	assert_true(h < s->n_sa);
	assert_false(s->sa[h].deleted);
	s->sa[h].deleted = true;
	s->sa[h].seq_del = ++s->pair->seq;
	s->dels++;
	return 0;
}

static int
cb_sa_usage(void *ctx, uint32_t h, struct ike_sa_usage *u)
{
	struct side *s = ctx;

	if (h >= s->n_sa || s->sa[h].deleted)
		return -ENOENT;
	u->pkts = s->sa[h].pkts;
	u->bytes = s->sa[h].bytes;
	return 0;
}

static int
cb_sa_update_endpoints(void *ctx, uint32_t h, const struct ike_addr *remote, bool udp_encap)
{
	struct side *s = ctx;

	if (h >= s->n_sa || s->sa[h].deleted)
		return -ENOENT;
	memcpy(&s->sa[h].p.peer, remote->ip, 4);
	s->sa[h].p.peer_port = remote->port;
	s->sa[h].p.udp_encap = udp_encap;
	s->sa[h].moves++;
	return 0;
}

static void
cb_log(void *ctx, int severity, const char *tag, const char *msg)
{
	struct side *s = ctx;

	(void)severity;
	if (s->n_log < PAIR_LOGS)
		snprintf(s->log[s->n_log++], sizeof(s->log[0]), "%%%s: %s", tag, msg);
}

static void
cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	struct side *s = ctx;

	(void)local;
	(void)remote;
	s->keepalives++;
}

/* ---- configurations ---- */

static const char tmpl[] =
	"hostname: gw%s\n"
	"ikev2:\n"
	"  proposals:\n"
	"    P: %s\n"
	"  policies:\n"
	"    POL: {proposals: [P]}\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - {name: peer, address: %s, pre_shared_key: %s}\n"
	"  profiles:\n"
	"    PROF:\n"
	"      match_identity_remote: [%s]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"      %s\n"
	"      %s\n"
	"  %s\n"
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: %s, address6: \"%s\", role: inside}\n"
	"  - {name: out0, device: net_null1, address: %s/24%s, role: outside, crypto_map: VPN}\n"
	"transform_sets:\n"
	"  TS: {transforms: [%s]}\n"
	"crypto_maps:\n"
	"  VPN:\n"
	"    - {seq: 10, peer: %s, transform_set: TS, ikev2_profile: PROF, %smatch: [%s]}\n"
	"    - {seq: 20, peer: %s, transform_set: TS, ikev2_profile: PROF, %s"
	"match: [{src: %s, dst: %s}]}\n"
	"%s";

static const char *
opt(const char *v, const char *dflt)
{
	return v != NULL ? v : dflt;
}

static struct dpsec_config *
config(int idx, const struct pair_opts *o)
{
	static const struct pair_opts none;
	static char yaml[8192];
	const char *me = idx == 0 ? "192.0.2.1" : "192.0.2.2";
	const char *peer = idx == 0 ? "192.0.2.2" : "192.0.2.1";
	const char *addr6 = "";
	char match[64], err[256], tunnel[512] = "";
	struct dpsec_config *cfg;
	int n;

	if (o == NULL)
		o = &none;
	if (o->v6) {
		peer = idx == 0 ? "\"2001:db8::2\"" : "\"2001:db8::1\"";
		addr6 = idx == 0 ? ", address6: \"2001:db8::1/64\"" : ", address6: \"2001:db8::2/64\"";
	}
	snprintf(match, sizeof(match), "{address: %s}", peer);
	if (o->tunnel != NULL)
		snprintf(tunnel, sizeof(tunnel),
			 "tunnels:\n"
			 "  - {name: Tunnel1, source: out0, destination: %s,%s\n"
			 "     protection: {profile: VTI, transform_set: TS, %s}}\n",
			 peer, o->v6 ? " mode: ipsec ipv6," : "", o->tunnel);
	n = snprintf(yaml, sizeof(yaml), tmpl, idx == 0 ? "A" : "B",
		     opt(o->proposal, "{encryption: [aes-gcm-256], prf: [sha384], group: [19]}"),
		     peer, opt(o->psk, "\"test-psk\""), opt(o->match_remote, match), opt(o->id_local, ""),
		     opt(o->profile, ""), opt(o->globals, ""),
		     idx == 0 ? "10.0.0.1/24" : "10.0.2.1/24",
		     idx == 0 ? "2001:db8:a::1/64" : "2001:db8:b::1/64", me, addr6,
		     opt(o->transforms, "esp-gcm 256"), peer, opt(o->entry0, ""),
		     opt(o->acl0, idx == 0 ? "{src: 10.0.0.0/24, dst: 10.0.2.0/24}"
					  : "{src: 10.0.2.0/24, dst: 10.0.0.0/24}"),
		     peer, opt(o->entry1, ""), idx == 0 ? "10.0.1.0/24" : "10.0.3.0/24",
		     idx == 0 ? "10.0.3.0/24" : "10.0.1.0/24", tunnel);
	assert_true(n > 0 && (size_t)n < sizeof(yaml));
	cfg = config_parse(idx == 0 ? "gwA" : "gwB", yaml, (size_t)n, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s\n%s", err, yaml);
	return cfg;
}

static void
side_start(struct pair *p, int i)
{
	struct side *s = &p->s[i];
	struct ike_ops ops = {
		.ctx = s,
		.now_ms = cb_now,
		.send = cb_send,
		.sa_add = cb_sa_add,
		.sa_activate = cb_sa_activate,
		.sa_set_ts = cb_sa_set_ts,
		.sa_del = cb_sa_del,
		.sa_usage = cb_sa_usage,
		.sa_update_endpoints = cb_sa_update_endpoints,
		.log = cb_log,
		.send_keepalive = cb_keepalive,
	};
	char err[256];

	s->ike = ike_create(s->cfg, &ops, err, sizeof(err));
	if (s->ike == NULL)
		fail_msg("ike_create: %s", err);
}

void
pair_init(struct pair *p, const struct pair_opts *a, const struct pair_opts *b)
{
	memset(p, 0, sizeof(*p));
	p->now_ms = 1000000;
	for (int i = 0; i < 2; i++) {
		struct side *s = &p->s[i];

		s->pair = p;
		s->idx = i;
		s->cfg = config(i, i == 0 ? a : b);
		side_start(p, i);
	}
	p->sent = calloc(PAIR_SENT_MAX, sizeof(*p->sent));
	assert_non_null(p->sent);
}

void
pair_restart(struct pair *p, int i)
{
	struct side *s = &p->s[i];

	ike_destroy(s->ike);
	/* a restarted gateway has an empty dataplane too */
	for (unsigned int k = 0; k < s->n_sa; k++)
		s->sa[k].deleted = true;
	side_start(p, i);
}

void
pair_fini(struct pair *p)
{
	for (int i = 0; i < 2; i++) {
		ike_destroy(p->s[i].ike);
		config_free(p->s[i].cfg);
	}
	free(p->sent);
}

/* ---- the wire ---- */

static void
nat(const struct pair *p, struct pair_msg *m)
{
	uint16_t off = p->nat_offset != 0 ? p->nat_offset : NAT_PORT_OFFSET;

	if (!p->nat)
		return;
	/* only the current mapping: after a change, what is sent to the old one is lost */
	if (m->from == 0)
		m->src.port = (uint16_t)(m->src.port + off);
	else if (m->dst.port == 500 + off || m->dst.port == 4500 + off)
		m->dst.port = (uint16_t)(m->dst.port - off);
	else
		m->len = 0;	/* nothing is mapped there: the NAT drops it */
}

unsigned int
pair_pump(struct pair *p)
{
	unsigned int n = 0;

	while (p->qn > 0) {
		struct pair_msg m = p->q[p->qh];

		p->qh = (p->qh + 1) % PAIR_QUEUE;
		p->qn--;
		assert_true(++n < 1000);
		if (p->filter != NULL && !p->filter(p, &m)) {
			p->dropped++;
			continue;
		}
		nat(p, &m);
		if (m.len == 0) {
			p->dropped++;
			continue;
		}
		p->delivered++;
		ike_input(p->s[1 - m.from].ike, &m.dst, &m.src, m.buf, m.len);
	}
	return n;
}

void
pair_flush(struct pair *p)
{
	p->qh = 0;
	p->qn = 0;
}

void
pair_advance(struct pair *p, uint64_t ms)
{
	p->now_ms += ms;
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 100 && ike_next_timeout(p->s[i].ike) == 0; k++)
			ike_run_timers(p->s[i].ike);
}

/* ---- looking at the fake dataplane ---- */

unsigned int
pair_live(const struct side *s, enum cfg_dir dir, const struct fake_sa **out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n_sa; i++)
		if (!s->sa[i].deleted && s->sa[i].p.dir == dir && n < max)
			out[n++] = &s->sa[i];
	return n;
}

const struct fake_sa *
pair_find(const struct side *s, enum cfg_dir dir, uint32_t spi)
{
	for (unsigned int i = 0; i < s->n_sa; i++)
		if (!s->sa[i].deleted && s->sa[i].p.dir == dir && s->sa[i].p.spi == spi)
			return &s->sa[i];
	return NULL;
}

bool
pair_logged(const struct side *s, const char *text)
{
	for (unsigned int i = 0; i < s->n_log; i++)
		if (strstr(s->log[i], text) != NULL)
			return true;
	return false;
}

void
pair_up(struct pair *p, int i, uint32_t e)
{
	struct view_ike_child c[8];
	size_t n;
	bool found = false;

	assert_int_equal(ike_initiate(p->s[i].ike, 0, e), 0);
	pair_pump(p);
	for (int k = 0; k < 2; k++) {
		n = ike_child_list(p->s[k].ike, 0, c, 8);
		found = false;
		for (size_t j = 0; j < n; j++)
			found |= c[j].map == 0 && c[j].entry == e && c[j].active && !c[j].rekeyed;
		assert_true(found);
	}
}

static void
assert_pair_half(const struct side *in_side, const struct side *out_side)
{
	const struct fake_sa *in[PAIR_SAS];
	unsigned int n = pair_live(in_side, CFG_DIR_IN, in, PAIR_SAS);

	for (unsigned int i = 0; i < n; i++) {
		const struct fake_sa *o = pair_find(out_side, CFG_DIR_OUT, in[i]->p.spi);

		assert_non_null(o);
		assert_int_equal(o->p.cipher, in[i]->p.cipher);
		assert_int_equal(o->p.auth, in[i]->p.auth);
		assert_int_equal(o->p.esn, in[i]->p.esn);
		assert_int_equal(o->p.udp_encap, in[i]->p.udp_encap);
		assert_int_equal(o->ck.len, in[i]->ck.len);
		assert_memory_equal(o->ck.b, in[i]->ck.b, o->ck.len);
		assert_int_equal(o->ak.len, in[i]->ak.len);
		assert_memory_equal(o->ak.b, in[i]->ak.b, o->ak.len);
		assert_int_equal(o->p.proto, in[i]->p.proto);
		/* an AH SA has an integrity key only; every other one a cipher key */
		assert_true(o->p.proto == IPPROTO_AH ? o->ak.len > 0 && o->ck.len == 0
						     : o->ck.len > 0);
		/* the same tunnel seen from both ends (addresses; the NAT changes only ports) */
		assert_int_equal(o->p.peer, in[i]->p.local);
		assert_int_equal(o->p.local, in[i]->p.peer);
	}
}

void
pair_assert_matching(const struct pair *p)
{
	const struct fake_sa *x[PAIR_SAS];

	assert_pair_half(&p->s[0], &p->s[1]);
	assert_pair_half(&p->s[1], &p->s[0]);
	/* and as many outbound halves as inbound ones on the other side */
	assert_int_equal(pair_live(&p->s[0], CFG_DIR_OUT, x, PAIR_SAS),
			 pair_live(&p->s[1], CFG_DIR_IN, x, PAIR_SAS));
	assert_int_equal(pair_live(&p->s[1], CFG_DIR_OUT, x, PAIR_SAS),
			 pair_live(&p->s[0], CFG_DIR_IN, x, PAIR_SAS));
}
