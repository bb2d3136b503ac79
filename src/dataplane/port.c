/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "dpsec/ip4.h"

#include "port.h"

void
port_name_of(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, device, n);
	name[n] = '\0';
}

static void
port_subnet(struct dp_port *p, uint8_t len)
{
	uint32_t mask = ip4_mask_be(len);

	if (len >= 31) {
		p->net = p->bcast = UINT32_MAX;	/* a /31 (RFC 3021) or /32 has neither */
		return;
	}
	p->net = p->addr & mask;
	p->bcast = p->addr | ~mask;
}

/*
 * RX queues: one per worker, as many as the device offers, so that every
 * worker takes a share of a fast port. Spread by RSS over the IP addresses
 * where the device hashes (the flows of many hosts inside; the tunnels of
 * many peers outside: one peer's tunnels share their outer addresses);
 * a virtual device without RSS offers one queue per RX file or ring, each
 * a stream of its own.
 */
static void
rx_queues(const struct dp *dp, struct dp_port *p, const struct rte_eth_dev_info *info,
	  struct rte_eth_conf *conf)
{
	uint64_t rss = info->flow_type_rss_offloads & RTE_ETH_RSS_IP;

	p->n_rxq = RTE_MAX(1, RTE_MIN(dp->n_workers, info->max_rx_queues));
	if (p->n_rxq > 1 && rss != 0) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = rss;
	}
}

static int
port_configure(struct dp *dp, struct dp_port *p, const char *ifname, char *err, size_t errlen)
{
	const struct cfg_dataplane *c = &dp->cfg->dp;
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		goto fail;
	if (info.max_tx_queues < dp->n_workers) {
		snprintf(err, errlen,
			 "interface %s: device offers %u TX queues, %u workers need one each",
			 ifname, info.max_tx_queues, dp->n_workers);
		return -EINVAL;
	}
	p->n_txq = dp->n_workers;
	rx_queues(dp, p, &info, &conf);
	rc = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (rc != 0)
		goto fail;
	for (uint16_t q = 0; rc == 0 && q < p->n_rxq; q++)
		rc = rte_eth_rx_queue_setup(p->port_id, q, c->rx_desc,
					    (unsigned int)rte_eth_dev_socket_id(p->port_id), NULL,
					    dp->pool);
	if (rc != 0) {
		/* The usual cause is the pool: a driver that fills its ring at setup (or
		 * net_pcap with infinite_rx, one mbuf per frame of its file) found it empty,
		 * and DPDK says so only in a log line; name the figures here. */
		snprintf(err, errlen,
			 "interface %s: cannot set up its RX queue: %s (%u RX descriptors; the "
			 "packet pool, dataplane.mbufs = %u, shared by all ports, had %u free: "
			 "net_pcap with infinite_rx needs one per frame of its file)",
			 ifname, rte_strerror(-rc), c->rx_desc, c->mbufs,
			 rte_mempool_avail_count(dp->pool));
		return rc;
	}
	for (uint16_t q = 0; rc == 0 && q < p->n_txq; q++)
		rc = rte_eth_tx_queue_setup(p->port_id, q, c->tx_desc,
					    (unsigned int)rte_eth_dev_socket_id(p->port_id), NULL);
	if (rc == 0)
		rc = rte_eth_macaddr_get(p->port_id, &p->mac);
	if (rc == 0)
		return 0;
fail:
	snprintf(err, errlen, "interface %s: cannot configure its port: %s", ifname,
		 rte_strerror(-rc));
	return rc;
}

int
port_setup_all(struct dp *dp, char *err, size_t errlen)
{
	const struct dpsec_config *cfg = dp->cfg;

	memset(dp->port_index, 0xff, sizeof(dp->port_index));
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];
		struct dp_port *p = &dp->ports[i];
		char name[RTE_ETH_NAME_MAX_LEN];
		int rc;

		port_name_of(ifc->device, name, sizeof(name));
		if (rte_eth_dev_get_port_by_name(name, &p->port_id) != 0) {
			snprintf(err, errlen,
				 "%s:%u:%u: interface %s: no DPDK port named '%s' (is the device "
				 "string right, and its driver available?)",
				 cfg->path ? cfg->path : "config", ifc->pos.line, ifc->pos.col,
				 ifc->name, name);
			return -ENODEV;
		}
		p->role = ifc->role;
		p->addr = ifc->addr;
		port_subnet(p, ifc->prefix_len);
		p->has_addr6 = ifc->has_addr6;
		memcpy(p->addr6, ifc->addr6, sizeof(p->addr6));
		p->mtu = ifc->mtu;
		p->tcp_mss = ifc->tcp_adjust_mss;
		p->tcp_mss6 = ifc->tcp_adjust_mss6;
		p->iface = i;
		dp->port_index[p->port_id] = (uint8_t)i;
		dp->n_ports++;
		rc = port_configure(dp, p, ifc->name, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
port_start_all(struct dp *dp, char *err, size_t errlen)
{
	for (uint16_t i = 0; i < dp->n_ports; i++) {
		int rc = rte_eth_dev_start(dp->ports[i].port_id);

		if (rc != 0) {
			snprintf(err, errlen, "interface %s: cannot start: %s",
				 dp->cfg->interfaces[dp->ports[i].iface].name, rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void
port_stop_all(struct dp *dp)
{
	for (uint16_t i = 0; i < dp->n_ports; i++)
		rte_eth_dev_stop(dp->ports[i].port_id);
}

void
port_close_all(struct dp *dp)
{
	for (uint16_t i = 0; i < dp->n_ports; i++)
		rte_eth_dev_close(dp->ports[i].port_id);
}
