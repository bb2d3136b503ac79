/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "arp_out.h"
#include "ctrl_priv.h"
#include "nd6_out.h"
#include "udp4.h"
#include "udp6.h"
#include "udp_send.h"

/* The interface that owns addr (network order), or CFG_NONE. */
static uint32_t
iface_of_addr(const struct dpsec_config *cfg, uint32_t addr)
{
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].addr == addr)
			return i;
	return CFG_NONE;
}

/* The frame for one datagram, or NULL and *err. */
static struct rte_mbuf *
frame(struct ctrl *c, uint32_t iface, const struct udp4_out *o, const void *prefix,
      size_t prefix_len, const void *data, size_t len, int *err)
{
	size_t ip_len = 20 + 8 + prefix_len + len;
	struct rte_mbuf *m;
	uint8_t *buf;
	size_t n;

	if (prefix_len + len < len || ip_len > c->cfg->interfaces[iface].mtu) {
		*err = -EMSGSIZE;
		return NULL;
	}
	m = rte_pktmbuf_alloc(dp_mempool(c->dp));
	if (m == NULL) {
		*err = -ENOBUFS;
		return NULL;
	}
	if (UDP4_ETH_LEN + ip_len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		*err = -EMSGSIZE;	/* an MTU over one buffer: IKE fragments its messages */
		return NULL;
	}
	buf = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(UDP4_ETH_LEN + ip_len));
	n = udp4_build(buf, UDP4_ETH_LEN + ip_len, o, prefix, prefix_len, data, len);
	if (n != UDP4_ETH_LEN + ip_len) {
		rte_pktmbuf_free(m);
		*err = -EMSGSIZE;
		return NULL;
	}
	*err = 0;
	return m;
}

static int
send_one(struct ctrl *c, const struct ike_addr *local, const struct ike_addr *remote,
	 const void *prefix, size_t prefix_len, const void *data, size_t len)
{
	struct udp4_out o = {.sport = local->port, .dport = remote->port};
	struct rte_mbuf *m;
	uint32_t iface;
	int rc;

	if (local->family != 4 || remote->family != 4)
		return -EAFNOSUPPORT;
	memcpy(&o.src, local->ip, 4);
	memcpy(&o.dst, remote->ip, 4);
	iface = o.src != 0 ? iface_of_addr(c->cfg, o.src) : CFG_NONE;
	if (iface == CFG_NONE)
		return -EADDRNOTAVAIL;
	rc = ctrl_arp_resolve(c, iface, o.dst, o.dmac);
	if (rc != 0)
		return rc == -ENODEV ? -EADDRNOTAVAIL : rc;
	dp_iface_mac(c->dp, iface, o.smac);
	o.ip_id = c->ip_id;
	m = frame(c, iface, &o, prefix, prefix_len, data, len, &rc);
	if (m == NULL)
		return rc;
	if (dp_inject(c->dp, iface, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	c->ip_id++;
	return 0;
}

/* The interface whose address6 is addr, or CFG_NONE. */
static uint32_t
iface_of_addr6(const struct dpsec_config *cfg, const uint8_t addr[16])
{
	for (uint32_t i = 0; i < cfg->n_interfaces; i++)
		if (cfg->interfaces[i].has_addr6 && memcmp(cfg->interfaces[i].addr6, addr, 16) == 0)
			return i;
	return CFG_NONE;
}

/*
 * Over IPv6: the next hop's MAC from the static neighbors6 / next_hop_mac,
 * else the learned neighbor cache, else a Neighbor Solicitation goes out and
 * the message waits for IKE's retransmission (ctrl_nd6_resolve, as
 * ctrl_arp_resolve for IPv4). The UDP checksum is mandatory (RFC
 * 8200 8.1); IPv6 routers do not fragment, and the IKE layer keeps its
 * messages under the interface MTU (RFC 7383 fragments, IPv6 header counted).
 */
static int
send_one6(struct ctrl *c, const struct ike_addr *local, const struct ike_addr *remote,
	  const void *prefix, size_t prefix_len, const void *data, size_t len)
{
	struct udp6_out o = {.sport = local->port, .dport = remote->port};
	size_t ip_len = UDP6_IP_LEN + 8 + prefix_len + len, n;
	struct rte_mbuf *m;
	uint32_t iface;
	uint8_t *buf;
	int rc;

	memcpy(o.src, local->ip, 16);
	memcpy(o.dst, remote->ip, 16);
	iface = iface_of_addr6(c->cfg, o.src);
	if (iface == CFG_NONE)
		return -EADDRNOTAVAIL;
	rc = ctrl_nd6_resolve(c, iface, o.dst, o.dmac);
	if (rc != 0)
		return rc == -ENODEV ? -EADDRNOTAVAIL : rc;
	dp_iface_mac(c->dp, iface, o.smac);
	if (prefix_len + len < len || ip_len > c->cfg->interfaces[iface].mtu)
		return -EMSGSIZE;
	m = rte_pktmbuf_alloc(dp_mempool(c->dp));
	if (m == NULL)
		return -ENOBUFS;
	if (UDP6_ETH_LEN + ip_len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	buf = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(UDP6_ETH_LEN + ip_len));
	n = udp6_build(buf, UDP6_ETH_LEN + ip_len, &o, prefix, prefix_len, data, len);
	if (n != UDP6_ETH_LEN + ip_len) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	if (dp_inject(c->dp, iface, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

int
ctrl_udp_send(struct ctrl *c, const struct ike_addr *local, const struct ike_addr *remote,
	      const void *prefix, size_t prefix_len, const void *data, size_t len)
{
	int rc = local->family == 6 && remote->family == 6
			 ? send_one6(c, local, remote, prefix, prefix_len, data, len)
			 : send_one(c, local, remote, prefix, prefix_len, data, len);
	struct view_punt_count *k = &c->punt.kind[VIEW_PUNT_IKE];

	c->punt.ike[rc == 0 ? PUNT_IKE_sent : PUNT_IKE_send_failed]++;
	if (rc == 0)
		k->sent++;
	else
		k->send_failed++;
	return rc;
}
