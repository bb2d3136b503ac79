/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA-install API (dpsec/dp.h): the one way SAs enter and leave the fast
 * path. Control thread only.
 *
 * A policy encrypts with at most one outbound SA, the one it publishes
 * (spd_set_out_sa). An SA added with activate takes over at once; one added
 * without waits, installed, until dp_sa_activate, so that an IKE rekey can
 * put the new inbound half in place before the new outbound half carries
 * traffic (RFC 7296 section 2.8). When the published SA is deleted the
 * policy has none: another installed SA is not a successor by itself (it may
 * be a rekeyed one still waiting for its exchange, or the old one lingering),
 * and traffic for the entry is then an acquire (esp_out.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_malloc.h>

#include "dataplane.h"
#include "sa.h"
#include "sa_build.h"
#include "route.h"
#include "sa_life.h"
#include "sa_pmtu.h"
#include "sad.h"
#include "spd.h"

static void
sa_fill(struct sa *sa, const struct dp_sa_params *p, uint32_t policy, uint32_t conn_id)
{
	sa->dir = p->dir;
	sa->spi = p->spi;
	sa->map = p->vti ? CFG_NONE : p->map;
	sa->entry = p->vti ? CFG_NONE : p->entry;
	sa->tunnel = p->vti ? p->tunnel : CFG_NONE;
	sa->policy = policy;
	sa->proto = p->proto == IPPROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	sa->cipher = p->cipher;
	sa->auth = p->auth;
	sa->esn = p->esn;
	sa->udp_encap = p->udp_encap;
	sa->local_port = p->local_port;
	sa->peer_port = p->peer_port;
	sa->local = p->local;
	sa->peer = p->peer;
	sa->v6 = p->family == AF_INET6;
	if (sa->v6) {
		memcpy(sa->local6, p->local6, 16);
		memcpy(sa->peer6, p->peer6, 16);
	}
	sa->replay_window = p->dir == CFG_DIR_IN ? p->replay_window : 0;
	sa->manual = p->manual;
	sa->conn_id = conn_id;
	sa->life = p->life;
}

static bool
ts_valid(const struct dp_ts *t, uint8_t n)
{
	if (n > DP_TS_MAX)
		return false;
	for (uint8_t i = 0; i < n; i++)
		if (t[i].addr_start > t[i].addr_end || t[i].port_start > t[i].port_end)
			return false;
	return true;
}

static bool
ts6_valid(const struct dp_ts6 *t, uint8_t n)
{
	if (n > DP_TS_MAX)
		return false;
	for (uint8_t i = 0; i < n; i++)
		if (memcmp(t[i].addr_start, t[i].addr_end, 16) > 0 ||
		    t[i].port_start > t[i].port_end)
			return false;
	return true;
}

/* Both families' selectors of p, both sides. */
static bool
params_ts_valid(const struct dp_sa_params *p)
{
	return ts_valid(p->ts_local, p->n_ts_local) && ts_valid(p->ts_remote, p->n_ts_remote) &&
	       ts6_valid(p->ts6_local, p->n_ts6_local) && ts6_valid(p->ts6_remote, p->n_ts6_remote);
}

/*
 * What dp_sa_add refuses before allocating anything. Over IPv6 endpoints
 * ESP (in UDP too), AH and AH+ESP bundles are all taken; a family that
 * is neither is refused with -EAFNOSUPPORT (a caller's bug: no configuration makes one).
 */
static int
params_check(const struct dp_sa_params *p)
{
	if (p->family != 0 && p->family != AF_INET && p->family != AF_INET6)
		return -EAFNOSUPPORT;	/* over IPv6: ESP (in UDP too), AH or both, as over IPv4 */
	if (p->spi < 256)
		return -EINVAL;	/* RFC 4303 section 2.1: 0 local, 1-255 reserved */
	if (!params_ts_valid(p))
		return -EINVAL;
	if (p->proto != 0 && p->proto != IPPROTO_ESP && p->proto != IPPROTO_AH)
		return -EINVAL;
	/* AH: an HMAC and nothing else; RFC 3948 carries ESP only */
	if (p->proto == IPPROTO_AH &&
	    (p->cipher != DP_CIPHER_NULL || p->auth == DP_AUTH_NONE || p->udp_encap))
		return -EINVAL;
	/* a bundle: ESP inside (and no UDP: the AH around it cannot cross a NAT), AH outside */
	if (p->bundled && (p->proto == IPPROTO_AH || p->udp_encap || p->inner_conn_id != 0))
		return -EINVAL;
	if (p->inner_conn_id != 0 && p->proto != IPPROTO_AH)
		return -EINVAL;
	return 0;
}

/*
 * The ESP SA an AH SA of a bundle wraps: added with bundled, in the same
 * direction and crypto map entry, not wrapped yet. NULL: none such.
 */
static struct sa *
bundle_inner(const struct dp *dp, const struct dp_sa_params *p)
{
	struct sa *in = sad_find_conn(dp->sad, p->inner_conn_id);

	if (in == NULL || !(in->rt->flags & SA_F_BUNDLED) || in->bundle_conn != 0 ||
	    in->dir != p->dir || in->map != p->map || in->entry != p->entry ||
	    in->v6 != (p->family == AF_INET6))	/* one outer header for both */
		return NULL;
	return in;
}

int
dp_sa_add(struct dp *dp, const struct dp_sa_params *p, uint32_t *conn_id)
{
	uint32_t policy = p->vti ? spd_policy_of_tunnel(dp->spd, p->tunnel)
				 : spd_policy_of(dp->spd, p->map, p->entry);
	struct sa *sa, *inner = NULL;
	uint32_t id;
	int rc;

	rc = params_check(p);
	if (rc != 0)
		return rc;
	if (policy == CFG_NONE)
		return -ENOENT;	/* a crypto map applied nowhere, or no such tunnel */
	if (p->inner_conn_id != 0 && (inner = bundle_inner(dp, p)) == NULL)
		return -EINVAL;
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return -ENOMEM;
	id = sad_next_conn_id(dp->sad);
	sa->rt = sa_rt_build(dp, p, policy, id, &rc);
	if (sa->rt == NULL)
		goto fail;
	if (inner != NULL) {
		/* before it is published: one worker writes both SAs of a packet */
		sa->rt->inner = inner->rt;
		sa->rt->flags |= SA_F_AH_ESP;
		sa->rt->owner = inner->rt->owner;
	}
	sa_fill(sa, p, policy, id);
	rc = sad_add(dp->sad, sa);
	if (rc != 0)
		goto fail;
	if (inner != NULL) {
		sa->bundle_conn = inner->conn_id;
		inner->bundle_conn = id;
	}
	sa_life_install(dp, sa, clk_mono_ns(&dp->clk));
	/* a bundle's ESP SA never encrypts alone: its AH SA is the policy's */
	if (p->dir == CFG_DIR_OUT && p->activate && !p->bundled)
		spd_set_out_sa(dp->spd, policy, sa->rt);
	*conn_id = id;
	return 0;
fail:
	sa_rt_free(sa->rt);
	free(sa);
	return rc;
}

int
dp_sa_activate(struct dp *dp, uint32_t conn_id)
{
	const struct sa *sa = sad_find_conn(dp->sad, conn_id);

	if (sa == NULL)
		return -ENOENT;
	if (sa->dir != CFG_DIR_OUT || (sa->rt->flags & SA_F_BUNDLED))
		return -EINVAL;
	spd_set_out_sa(dp->spd, sa->policy, sa->rt);
	return 0;
}

int
dp_sa_usage(const struct dp *dp, uint32_t conn_id, uint64_t *pkts, uint64_t *bytes)
{
	const struct sa *sa = sad_find_conn(dp->sad, conn_id);

	if (sa == NULL)
		return -ENOENT;
	*pkts = ctr_read(&sa->rt->ctr.v[DP_SA_CTR_pkts]);
	*bytes = ctr_read(&sa->rt->ctr.v[DP_SA_CTR_bytes]);
	return 0;
}

/*
 * Outbound: a new header template from e, published whole, the old one
 * freed after the grace period (struct sa_ep). Inbound: only whether ESP
 * comes in UDP matters to the fast path (the lookup key is SPI and our
 * address). The caller records the new peer address once this succeeded.
 */
static int
endpoints_swap(struct dp *dp, struct sa *sa, const struct sa_endpoints *e)
{
	int rc;

	if (sa->dir == CFG_DIR_OUT) {
		const struct sa_ep *old = sa->rt->ep;
		struct sa_ep *ep = sa_ep_build(dp, e, &rc);

		if (ep == NULL)
			return rc;
		__atomic_store_n(&sa->rt->ep, ep, __ATOMIC_RELEASE);
		/* the grace period starts after the swap: until then a worker may hold the old */
		sad_retire(dp->sad, (void *)(uintptr_t)old);
	} else {
		__atomic_store_n(&sa->rt->udp, e->udp_encap, __ATOMIC_RELAXED);
	}
	sa->peer_port = e->peer_port;
	sa->udp_encap = e->udp_encap;
	return 0;
}

int
dp_sa_update_endpoints(struct dp *dp, uint32_t conn_id, uint32_t peer, uint16_t peer_port,
		       bool udp_encap)
{
	struct sa *sa = sad_find_conn(dp->sad, conn_id);
	struct sa_endpoints e;
	int rc;

	if (sa == NULL)
		return -ENOENT;
	if (sa->v6)
		return -EAFNOSUPPORT;	/* dp_sa_update_endpoints6's */
	e = (struct sa_endpoints){.proto = sa->proto, .local = sa->local, .peer = peer,
				  .udp_encap = udp_encap, .local_port = sa->local_port,
				  .peer_port = peer_port};
	rc = endpoints_swap(dp, sa, &e);
	if (rc == 0)
		sa->peer = peer;
	return rc;
}

/* The IPv6 twin: a peer behind a NAT66 whose mapping moved (ESP-in-UDP over IPv6). */
int
dp_sa_update_endpoints6(struct dp *dp, uint32_t conn_id, const uint8_t peer6[16],
			uint16_t peer_port, bool udp_encap)
{
	struct sa *sa = sad_find_conn(dp->sad, conn_id);
	struct sa_endpoints e;
	int rc;

	if (sa == NULL)
		return -ENOENT;
	if (!sa->v6)
		return -EAFNOSUPPORT;
	e = (struct sa_endpoints){.proto = sa->proto, .v6 = true, .udp_encap = udp_encap,
				  .local_port = sa->local_port, .peer_port = peer_port};
	memcpy(e.local6, sa->local6, 16);
	memcpy(e.peer6, peer6, 16);
	rc = endpoints_swap(dp, sa, &e);
	if (rc == 0)
		memcpy(sa->peer6, peer6, 16);
	return rc;
}

/* A copy of ep sending to mac, or NULL (no memory). */
static struct sa_ep *
ep_with_mac(const struct sa_ep *old, const uint8_t mac[6])
{
	struct sa_ep *ep = rte_malloc("sa_ep", sizeof(*ep), RTE_CACHE_LINE_SIZE);

	if (ep == NULL)
		return NULL;
	*ep = *old;
	memcpy(((struct rte_ether_hdr *)ep->hdr)->dst_addr.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	return ep;
}

int
dp_neighbor_update(struct dp *dp, uint32_t iface, uint32_t ip, const uint8_t mac[6])
{
	struct sa *sa;
	int n = 0;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		const struct sa_ep *old;
		struct sa_ep *ep;

		if (sa->dir != CFG_DIR_OUT || sa->v6 || sa->peer != ip)
			continue;
		old = sa->rt->ep;
		if (dp->ports[old->tx_port].iface != iface ||
		    route_neighbor(dp->route, old->tx_port, ip) != NULL ||
		    memcmp(((const struct rte_ether_hdr *)old->hdr)->dst_addr.addr_bytes, mac,
			   RTE_ETHER_ADDR_LEN) == 0)
			continue;	/* another port, a static MAC (it wins), or already there */
		ep = ep_with_mac(old, mac);
		if (ep == NULL)
			return -ENOMEM;
		__atomic_store_n(&sa->rt->ep, ep, __ATOMIC_RELEASE);
		/* the grace period starts after the swap: until then a worker may hold the old */
		sad_retire(dp->sad, (void *)(uintptr_t)old);
		n++;
	}
	return n;
}

int
dp_neighbor6_update(struct dp *dp, uint32_t iface, const uint8_t ip[16], const uint8_t mac[6])
{
	struct sa *sa;
	int n = 0;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		const struct sa_ep *old;
		struct sa_ep *ep;

		if (sa->dir != CFG_DIR_OUT || !sa->v6 || memcmp(sa->peer6, ip, 16) != 0)
			continue;
		old = sa->rt->ep;
		if (dp->ports[old->tx_port].iface != iface ||
		    route_neighbor6(dp->route, old->tx_port, ip) != NULL ||
		    memcmp(((const struct rte_ether_hdr *)old->hdr)->dst_addr.addr_bytes, mac,
			   RTE_ETHER_ADDR_LEN) == 0)
			continue;	/* another port, a static MAC (it wins), or already there */
		ep = ep_with_mac(old, mac);
		if (ep == NULL)
			return -ENOMEM;
		__atomic_store_n(&sa->rt->ep, ep, __ATOMIC_RELEASE);
		sad_retire(dp->sad, (void *)(uintptr_t)old);
		n++;
	}
	return n;
}

int
dp_sa_update_ts(struct dp *dp, uint32_t conn_id, const struct dp_sa_params *p)
{
	struct sa *sa = sad_find_conn(dp->sad, conn_id);
	const struct sa_ts *old, *ts;

	if (sa == NULL)
		return -ENOENT;
	/* SA_F_NARROW is fixed at install: the workers look at sa_rt.ts only with it */
	if (!(sa->rt->flags & SA_F_NARROW) || !params_ts_valid(p))
		return -EINVAL;
	ts = sa_ts_build(p);
	if (ts == NULL)
		return -ENOMEM;
	old = sa->rt->ts;
	__atomic_store_n(&sa->rt->ts, ts, __ATOMIC_RELEASE);
	/* the grace period starts after the swap: until then a worker may hold the old */
	sad_retire(dp->sad, (void *)(uintptr_t)old);
	return 0;
}

static void
sa_unpublish(struct dp *dp, struct sa *sa)
{
	if (sa->dir == CFG_DIR_OUT && spd_out_sa(dp->spd, sa->policy) == sa->rt)
		spd_set_out_sa(dp->spd, sa->policy, NULL);
	sad_remove(dp->sad, sa);
}

/*
 * The policy loses its SA with it (no implicit successor: see the top of this
 * file). The two SAs of a bundle go together: the AH SA points to its ESP SA,
 * and neither protects anything alone; both are freed after the same grace
 * period.
 */
int
dp_sa_del(struct dp *dp, uint32_t conn_id)
{
	struct sa *sa = sad_find_conn(dp->sad, conn_id), *other;

	if (sa == NULL)
		return -ENOENT;
	other = sa->bundle_conn != 0 ? sad_find_conn(dp->sad, sa->bundle_conn) : NULL;
	sa_unpublish(dp, sa);
	if (other != NULL)
		sa_unpublish(dp, other);
	return 0;
}

unsigned int
dp_sa_del_all(struct dp *dp)
{
	unsigned int n = 0;
	const struct sa *sa;

	while ((sa = TAILQ_FIRST(sad_live(dp->sad))) != NULL) {
		dp_sa_del(dp, sa->conn_id);
		n++;
	}
	return n;
}

size_t
dp_sa_count(const struct dp *dp)
{
	return sad_count(dp->sad);
}

/*
 * An outbound SA its policy does not encrypt with; a bundle's ESP SA is in
 * force when the AH SA around it is.
 */
static bool
sa_standby(const struct dp *dp, const struct sa *sa)
{
	const struct sa_rt *rt = sa->rt;

	if (sa->dir != CFG_DIR_OUT)
		return false;
	if ((rt->flags & SA_F_BUNDLED) && sa->bundle_conn != 0) {
		const struct sa *ah = sad_find_conn(dp->sad, sa->bundle_conn);

		rt = ah != NULL ? ah->rt : rt;
	}
	return spd_out_sa(dp->spd, sa->policy) != rt;
}

void
dp_sa_summary(const struct dp *dp, struct view_sa_summary *out)
{
	const struct sa *sa;

	*out = (struct view_sa_summary){0};
	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (sa->dir == CFG_DIR_IN) {
			out->inbound++;
			continue;
		}
		out->outbound++;
		out->standby += sa_standby(dp, sa);
	}
}

/* The selectors in force (the control thread swaps them itself: dp_sa_update_ts). */
static void
view_ts(const struct sa_rt *rt, struct view_sa *v)
{
	const struct sa_ts *ts = __atomic_load_n(&rt->ts, __ATOMIC_ACQUIRE);

	if (!(rt->flags & SA_F_NARROW) || ts == NULL)
		return;
	v->n_ts_local = ts->n_local;
	v->n_ts_remote = ts->n_remote;
	memcpy(v->ts_local, ts->local, ts->n_local * sizeof(ts->local[0]));
	memcpy(v->ts_remote, ts->remote, ts->n_remote * sizeof(ts->remote[0]));
}

size_t
dp_sa_list(const struct dp *dp, struct view_sa *out, size_t max)
{
	uint64_t now = clk_mono_ns(&dp->clk);
	const struct sa *sa;
	size_t n = 0;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		struct view_sa *v = &out[n];

		if (n == max)
			break;
		*v = (struct view_sa){
			.map = sa->map, .entry = sa->entry, .vti = sa->tunnel != CFG_NONE,
			.tunnel = sa->tunnel, .dir = sa->dir, .spi = sa->spi,
			.proto = sa->proto, .cipher = sa->cipher, .auth = sa->auth,
			.mode = CFG_MODE_TUNNEL,
			.esn = sa->esn, .udp_encap = sa->udp_encap, .local_port = sa->local_port,
			.peer_port = sa->peer_port, .manual = sa->manual, .conn_id = sa->conn_id,
			.worker = sa->rt->owner,
			.replay_window = sa->replay_window, .status = VIEW_SA_ACTIVE,
			.path_mtu = sa_path_mtu(sa),
			.standby = sa_standby(dp, sa), .bundle = sa->bundle_conn != 0};
		for (int c = 0; c < DP_SA_CTR__COUNT; c++)
			v->ctr.v[c] = ctr_read(&sa->rt->ctr.v[c]);
		sa_life_left(sa, now, v);
		view_ts(sa->rt, v);
		n++;
	}
	return n;
}
