/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "dpsec/secret.h"

#include "dataplane.h"
#include "ip4_cksum.h"
#include "route.h"
#include "sa.h"
#include "sa_build.h"
#include "sa_life.h"

static int
outside_port(const struct dp *dp, uint32_t local)
{
	for (uint16_t i = 0; i < dp->n_ports; i++) {
		if (dp->ports[i].role == CFG_ROLE_OUTSIDE && dp->ports[i].addr == local)
			return i;
	}
	return -1;
}

/*
 * The one worker that writes the SA's sequence number, replay window and
 * counters (handoff.h): SAs spread over all workers by SPI. Sequential SPIs
 * (manual SAs, some IKE peers) land on the workers in turn, random ones
 * evenly; the outbound SPI is the peer's choice, so a peer can pile its own
 * tunnels onto one worker, and no more than its own.
 */
static int
outside_port6(const struct dp *dp, const uint8_t local6[16])
{
	for (uint16_t i = 0; i < dp->n_ports; i++) {
		if (dp->ports[i].role == CFG_ROLE_OUTSIDE && dp->ports[i].has_addr6 &&
		    memcmp(dp->ports[i].addr6, local6, 16) == 0)
			return i;
	}
	return -1;
}

/*
 * The template of an SA with IPv6 endpoints (ESP or AH, ESP in UDP): the
 * peer's MAC is a static IPv6 neighbor or the port's next_hop_mac, else what
 * the control thread's neighbor discovery learned (the hook solicits it when
 * it has nothing: the install fails and is tried again). Traffic class and
 * payload length are the packet's (esp_out.c).
 */
static struct sa_ep *
sa_ep_build6(const struct dp *dp, const struct sa_endpoints *e, int *err)
{
	int pi = outside_port6(dp, e->local6);
	const struct rte_ether_addr *dmac;
	struct rte_ether_addr learned;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;
	struct sa_ep *ep;

	dmac = pi < 0 ? NULL : route_neighbor6(dp->route, (uint16_t)pi, e->peer6);
	if (dmac == NULL && pi >= 0 && dp->neighbor6_fn != NULL &&
	    dp->neighbor6_fn(dp->neighbor6_ctx, dp->ports[pi].iface, e->peer6,
			     learned.addr_bytes) == 0)
		dmac = &learned;
	if (dmac == NULL) {
		*err = -EHOSTUNREACH;
		return NULL;
	}
	ep = rte_zmalloc("sa_ep", sizeof(*ep), RTE_CACHE_LINE_SIZE);
	if (ep == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	eth = (struct rte_ether_hdr *)ep->hdr;
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	rte_ether_addr_copy(dmac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[pi].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->proto = e->udp_encap ? IPPROTO_UDP : e->proto;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, e->local6, 16);
	memcpy(ip6->dst_addr, e->peer6, 16);
	ep->hdr_len = sizeof(*eth) + sizeof(*ip6);
	if (e->udp_encap) {	/* RFC 3948 over IPv6: length and checksum per packet */
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip6 + 1);

		udp->src_port = rte_cpu_to_be_16(e->local_port);
		udp->dst_port = rte_cpu_to_be_16(e->peer_port);
		ep->hdr_len += sizeof(*udp);
	}
	ep->udp = e->udp_encap;
	ep->v6 = 1;
	ep->tx_port = (uint16_t)pi;
	ep->mtu = dp->ports[pi].mtu;
	*err = 0;
	return ep;
}

static uint16_t
sa_owner(const struct dp *dp, const struct dp_sa_params *p)
{
	return dp->n_workers > 1 ? (uint16_t)(p->spi % dp->n_workers) : 0;
}

/* Ethernet + outer IPv4 (+ UDP): the fields that never change per packet. */
struct sa_ep *
sa_ep_build(const struct dp *dp, const struct sa_endpoints *e, int *err)
{
	int pi = outside_port(dp, e->local);
	const struct rte_ether_addr *dmac;
	struct rte_ether_addr learned;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct sa_ep *ep;

	if (e->v6)
		return sa_ep_build6(dp, e, err);
	if (pi < 0) {
		*err = -EHOSTUNREACH;
		return NULL;
	}
	/* a static neighbor or next_hop_mac wins over what ARP taught the control thread */
	dmac = route_neighbor(dp->route, (uint16_t)pi, e->peer);
	if (dmac == NULL && dp->neighbor_fn != NULL &&
	    dp->neighbor_fn(dp->neighbor_ctx, dp->ports[pi].iface, e->peer, learned.addr_bytes) == 0)
		dmac = &learned;
	if (dmac == NULL) {
		*err = -EHOSTUNREACH;
		return NULL;
	}
	ep = rte_zmalloc("sa_ep", sizeof(*ep), RTE_CACHE_LINE_SIZE);
	if (ep == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	eth = (struct rte_ether_hdr *)ep->hdr;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	rte_ether_addr_copy(dmac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[pi].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = e->udp_encap ? IPPROTO_UDP : e->proto;
	ip->src_addr = e->local;
	ip->dst_addr = e->peer;
	ip->hdr_checksum = ip4_cksum_fixed(ip);	/* the sum per packet starts from it */
	ep->hdr_len = sizeof(*eth) + sizeof(*ip);
	if (e->udp_encap) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		udp->src_port = rte_cpu_to_be_16(e->local_port);
		udp->dst_port = rte_cpu_to_be_16(e->peer_port);
		ep->hdr_len += sizeof(*udp);
	}
	ep->udp = e->udp_encap;
	ep->tx_port = (uint16_t)pi;
	ep->mtu = dp->ports[pi].mtu;
	*err = 0;
	return ep;
}

void
sa_ep_free(struct sa_ep *ep)
{
	rte_free(ep);
}

/* The SA's selectors in hugepage memory beside it (dp_sa_add checked their counts). */
const struct sa_ts *
sa_ts_build(const struct dp_sa_params *p)
{
	struct sa_ts *ts = rte_zmalloc("sa_ts", sizeof(*ts), RTE_CACHE_LINE_SIZE);

	if (ts == NULL)
		return NULL;
	ts->n_local = p->n_ts_local;
	ts->n_remote = p->n_ts_remote;
	memcpy(ts->local, p->ts_local, p->n_ts_local * sizeof(p->ts_local[0]));
	memcpy(ts->remote, p->ts_remote, p->n_ts_remote * sizeof(p->ts_remote[0]));
	ts->n_local6 = p->n_ts6_local;
	ts->n_remote6 = p->n_ts6_remote;
	memcpy(ts->local6, p->ts6_local, p->n_ts6_local * sizeof(p->ts6_local[0]));
	memcpy(ts->remote6, p->ts6_remote, p->n_ts6_remote * sizeof(p->ts6_remote[0]));
	return ts;
}

struct sa_rt *
sa_rt_build(struct dp *dp, const struct dp_sa_params *p, uint32_t policy, uint32_t conn_id,
	    int *err)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[p->cipher];
	uint32_t win = p->dir == CFG_DIR_IN ? p->replay_window : 0;
	uint32_t blocks = replay_blocks(win);
	bool ah = p->proto == IPPROTO_AH;
	struct sa_rt *rt;

	if (p->cipher >= DP_CIPHER__COUNT || p->auth >= DP_AUTH__COUNT ||
	    win > REPLAY_WINDOW_MAX || p->cipher_key == NULL ||
	    p->cipher_key->len != ci->key_len + ci->salt_len ||
	    (!ci->aead && (p->auth_key == NULL || p->auth_key->len != dp_auth_info[p->auth].key_len)) ||
	    (ci->aead && (ci->iv_len != SA_GCM_IV || ci->icv_len != SA_GCM_ICV ||
			  ci->block != SA_GCM_PAD_BLOCK))) {
		*err = -EINVAL;
		return NULL;
	}
	rt = rte_zmalloc("sa_rt", sizeof(*rt) + blocks * sizeof(uint64_t), RTE_CACHE_LINE_SIZE);
	if (rt == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	rt->spi_be = rte_cpu_to_be_32(p->spi);
	rt->state = SA_LIVE;
	rt->flags = (p->dir == CFG_DIR_IN ? SA_F_INBOUND : 0) | (p->esn ? SA_F_ESN : 0) |
		    (ci->aead ? SA_F_AEAD : 0) | (ah ? SA_F_AH : 0) |
		    (p->bundled ? SA_F_BUNDLED : 0) | (p->family == AF_INET6 ? SA_F_V6 : 0);
	rt->udp = p->dir == CFG_DIR_IN && p->udp_encap;
	rt->iv_len = ci->iv_len;
	rt->icv_len = dp_xform_icv_len(p->cipher, p->auth);
	rt->pad_block = ci->block;
	rt->esp_ovh = (uint8_t)(8 + rt->iv_len + rt->icv_len);	/* at most 8 + 16 + 32 */
	rt->policy = policy;
	rt->owner = sa_owner(dp, p);
	rt->conn_id = conn_id;
	rt->seq_max = p->esn ? UINT64_MAX : UINT32_MAX;
	rt->seq = p->dir == CFG_DIR_OUT ? p->initial_seq : 0;
	if (ci->salt_len)
		memcpy(&rt->salt, p->cipher_key->b + ci->key_len, sizeof(rt->salt));
	rt->replay_blocks = blocks;
	sa_life_rt_init(rt, &p->life);
	if (p->dir == CFG_DIR_OUT && !p->manual)
		sa_life_seq_limit(rt);
	replay_init(&rt->replay, rt->replay_bmp, win);

	if (p->dir == CFG_DIR_OUT) {
		struct sa_endpoints e = {.proto = ah ? IPPROTO_AH : IPPROTO_ESP,
					 .local = p->local, .peer = p->peer,
					 .udp_encap = p->udp_encap,
					 .local_port = p->local_port,
					 .peer_port = p->peer_port,
					 .v6 = p->family == AF_INET6};

		memcpy(e.local6, p->local6, 16);
		memcpy(e.peer6, p->peer6, 16);
		rt->ep = sa_ep_build(dp, &e, err);
		if (rt->ep == NULL)
			goto fail;
	}
	if (p->n_ts_local != 0 || p->n_ts_remote != 0 || p->n_ts6_local != 0 ||
	    p->n_ts6_remote != 0) {
		rt->ts = sa_ts_build(p);
		if (rt->ts == NULL) {
			*err = -ENOMEM;
			goto fail;
		}
		rt->flags |= SA_F_NARROW;
	}
	rt->keys = cmb_keys_create(dp->mb, p->cipher, p->auth, p->cipher_key->b,
				   ci->aead ? NULL : p->auth_key->b);
	if (rt->keys == NULL) {
		*err = -ENOMEM;
		goto fail;
	}
	rt->aes_key_len = rt->keys->aes_key_len;
	*err = 0;
	return rt;
fail:
	sa_rt_free(rt);
	return NULL;
}

void
sa_rt_free(struct sa_rt *rt)
{
	if (rt == NULL)
		return;
	cmb_keys_free((struct cmb_keys *)(uintptr_t)rt->keys);
	sa_ep_free((struct sa_ep *)(uintptr_t)rt->ep);
	rte_free((struct sa_ts *)(uintptr_t)rt->ts);
	mem_wipe(rt, sizeof(*rt));	/* the GCM salt is key material too */
	rte_free(rt);
}
