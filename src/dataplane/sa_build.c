/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "dpsec/secret.h"

#include "dataplane.h"
#include "port_assign.h"
#include "route.h"
#include "sa.h"
#include "sa_build.h"

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
 * counters: the one polling the inside ports for an outbound SA, the one
 * polling the outside port with its local address for an inbound SA
 * (port_assign.h makes either unique, or refused the configuration).
 */
static uint16_t
sa_owner(const struct dp *dp, const struct dp_sa_params *p)
{
	for (uint16_t i = 0; i < dp->n_ports; i++) {
		const struct dp_port *port = &dp->ports[i];

		bool writes = p->dir == CFG_DIR_OUT
				      ? port->role == CFG_ROLE_INSIDE
				      : port->role == CFG_ROLE_OUTSIDE && port->addr == p->local;

		if (writes)
			return dp->port_worker[i];
	}
	return SA_OWNER_NONE;
}

/* Ethernet + outer IPv4 (+ UDP): the fields that never change per packet. */
static int
build_template(const struct dp *dp, struct sa_rt *rt, const struct dp_sa_params *p)
{
	int pi = outside_port(dp, p->local);
	const struct rte_ether_addr *dmac;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rt->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	if (pi < 0)
		return -EHOSTUNREACH;
	dmac = route_neighbor(dp->route, (uint16_t)pi, p->peer);
	if (dmac == NULL)
		return -EHOSTUNREACH;
	rte_ether_addr_copy(dmac, &eth->dst_addr);
	rte_ether_addr_copy(&dp->ports[pi].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = p->udp_encap ? IPPROTO_UDP : IPPROTO_ESP;
	ip->src_addr = p->local;
	ip->dst_addr = p->peer;
	rt->hdr_len = sizeof(*eth) + sizeof(*ip);
	if (p->udp_encap) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		udp->src_port = rte_cpu_to_be_16(p->local_port);
		udp->dst_port = rte_cpu_to_be_16(p->peer_port);
		rt->hdr_len += sizeof(*udp);
	}
	rt->tx_port = (uint16_t)pi;
	rt->mtu = dp->ports[pi].mtu;
	return 0;
}

struct sa_rt *
sa_rt_build(struct dp *dp, const struct dp_sa_params *p, uint32_t policy, uint32_t conn_id,
	    int *err)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[p->cipher];
	uint32_t win = p->dir == CFG_DIR_IN ? p->replay_window : 0;
	uint32_t blocks = replay_blocks(win);
	struct sa_rt *rt;

	if (p->cipher >= DP_CIPHER__COUNT || p->auth >= DP_AUTH__COUNT ||
	    win > REPLAY_WINDOW_MAX || p->cipher_key == NULL ||
	    p->cipher_key->len != ci->key_len + ci->salt_len ||
	    (!ci->aead && (p->auth_key == NULL || p->auth_key->len != dp_auth_info[p->auth].key_len))) {
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
		    (p->udp_encap ? SA_F_UDP : 0) | (ci->aead ? SA_F_AEAD : 0);
	rt->iv_len = ci->iv_len;
	rt->icv_len = dp_xform_icv_len(p->cipher, p->auth);
	rt->pad_block = ci->block;
	rt->policy = policy;
	rt->owner = sa_owner(dp, p);
	rt->conn_id = conn_id;
	rt->seq_max = p->esn ? UINT64_MAX : UINT32_MAX;
	rt->seq = p->dir == CFG_DIR_OUT ? p->initial_seq : 0;
	if (ci->salt_len)
		memcpy(&rt->salt, p->cipher_key->b + ci->key_len, sizeof(rt->salt));
	rt->replay_blocks = blocks;
	replay_init(&rt->replay, rt->replay_bmp, win);

	if (p->dir == CFG_DIR_OUT) {
		*err = build_template(dp, rt, p);
		if (*err != 0)
			goto fail;
	}
	rt->keys = cmb_keys_create(dp->mb, p->cipher, p->auth, p->cipher_key->b,
				   ci->aead ? NULL : p->auth_key->b);
	if (rt->keys == NULL) {
		*err = -ENOMEM;
		goto fail;
	}
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
	mem_wipe(rt, sizeof(*rt));	/* the GCM salt is key material too */
	rte_free(rt);
}
