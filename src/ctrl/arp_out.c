/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "arp_out.h"
#include "arp_table.h"
#include "ctrl_priv.h"

/* RFC 826 request, broadcast: who has ip? tell our address on iface. */
static int
send_request(struct ctrl *c, uint32_t iface, uint32_t ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_mempool(c->dp));
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	uint8_t mac[6];

	if (m == NULL)
		return -ENOBUFS;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	arp = (struct rte_arp_hdr *)(eth + 1);
	dp_iface_mac(c->dp, iface, mac);
	memset(eth->dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(eth->src_addr.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(arp->arp_data.arp_sha.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_sip = c->cfg->interfaces[iface].addr;
	memset(arp->arp_data.arp_tha.addr_bytes, 0, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_tip = ip;
	if (dp_inject(c->dp, iface, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

int
ctrl_arp_resolve(struct ctrl *c, uint32_t iface, uint32_t ip, uint8_t mac[6])
{
	uint64_t now = clk_mono_ns(&c->clk);
	struct view_punt_count *k = &c->punt.kind[VIEW_PUNT_ARP];
	int rc = dp_neighbor_mac(c->dp, iface, ip, mac);

	if (rc != -EHOSTUNREACH || c->arp == NULL)
		return rc;	/* static neighbors and next_hop_mac win */
	if (arp_table_lookup(c->arp, iface, ip, mac, now) == 0)
		return 0;
	if (arp_table_want(c->arp, iface, ip, now)) {
		if (send_request(c, iface, ip) == 0)
			k->sent++;
		else
			k->send_failed++;
	}
	return -EHOSTUNREACH;
}

/* The dataplane's next-hop hook (dp_set_neighbor_hook): the same resolution. */
static int
neighbor_hook(void *ctx, uint32_t iface, uint32_t ip, uint8_t mac[6])
{
	return ctrl_arp_resolve(ctx, iface, ip, mac);
}

void
ctrl_arp_attach(struct ctrl *c)
{
	dp_set_neighbor_hook(c->dp, neighbor_hook, c);
}

size_t
ctrl_arp_list(struct ctrl *c, struct view_arp *out, size_t max)
{
	uint64_t now = clk_mono_ns(&c->clk);
	uint32_t n;
	const struct arp_entry *e = arp_table_entries(c->arp, &n);
	size_t k = 0;

	for (uint32_t i = 0; i < n && k < max; i++) {
		if (e[i].ip == 0)
			continue;
		out[k] = (struct view_arp){.ip = e[i].ip, .iface = e[i].iface,
					   .incomplete = e[i].state != ARP_REACHABLE,
					   .age_s = (now - e[i].updated_ns) / CLK_NS_PER_S};
		memcpy(out[k].mac, e[i].mac, 6);
		k++;
	}
	return k;
}
