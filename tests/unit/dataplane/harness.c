/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_eth_ring.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dpsec/ip4.h"
#include "dpsec/ip6.h"

#include "harness.h"
#include "worker.h"

static const uint8_t default_ckey[DP_CIPHER_KEYMAT_MAX] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0xca, 0xfe, 0xba, 0xbe};
static const uint8_t default_akey[DP_AUTH_KEY_MAX] = {
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c,
	0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
	0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56,
	0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63,
	0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f};

/* The runtime directory of this process's file prefix, with DPDK's telemetry socket in it. */
void
harness_remove_runtime_dir(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

int
harness_eal_init(void)
{
	/*
	 * Two lcores on one CPU: the second only exists so the dataplane gets a
	 * worker. A file prefix of its own: test processes run side by side, and
	 * each has its own runtime directory and telemetry socket.
	 */
	static char prefix[32];
	char *argv[] = {"test", "--no-pci", "--no-huge", "--no-shconf", "-m", "256",
			"--lcores", "0@0,1@0", "--log-level", "*:error", "--file-prefix", prefix, NULL};

	snprintf(prefix, sizeof(prefix), "dpsec-unit-%ld", (long)getpid());

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "harness: EAL init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	atexit(harness_remove_runtime_dir);	/* one directory per test process: leave none behind */
	return 0;
}

/* "a.b.c.d/len" with host bits allowed (an interface address). */
static bool
addr_len_parse(const char *s, uint32_t *addr, uint8_t *len)
{
	char a[IP4_STRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long n;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	n = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || n > 32 || !ip4_parse(a, addr))
		return false;
	*len = (uint8_t)n;
	return true;
}

static bool
prefix_parse(const char *s, struct ip4_prefix *p)
{
	bool host = false;

	if (!ip4_prefix_parse(s, p, &host) || host) {
		fprintf(stderr, "harness: bad prefix '%s'\n", s);
		return false;
	}
	return true;
}

static int
acl_lines(struct cfg_acl *out, const struct h_acl_line *in, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		bool host = false;

		out[i] = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535},
					  .action = in[i].deny ? CFG_ACL_DENY : CFG_ACL_PERMIT};
		if (strchr(in[i].local, ':') != NULL) {	/* an IPv6 line */
			out[i].v6 = true;
			if (!ip6_prefix_parse(in[i].local, &out[i].src6, &host) || host ||
			    !ip6_prefix_parse(in[i].remote, &out[i].dst6, &host) || host) {
				fprintf(stderr, "harness: bad IPv6 line %s %s\n", in[i].local,
					in[i].remote);
				return -1;
			}
			continue;
		}
		if (!prefix_parse(in[i].local, &out[i].src) ||
		    !prefix_parse(in[i].remote, &out[i].dst))
			return -1;
	}
	return 0;
}

/* inside0's IPv6 address and neighbors, and the IPv6 routes (the test's arrays, not copied). */
static int
apply_opts6(struct harness *h, const struct h_opts *o)
{
	struct cfg_interface *in = &h->ifs[H_INSIDE];

	if (o->inside6 != NULL) {
		if (!ip6_addr_len_parse(o->inside6, in->addr6, &in->prefix6_len)) {
			fprintf(stderr, "harness: bad IPv6 address '%s'\n", o->inside6);
			return -1;
		}
		in->has_addr6 = true;
	}
	/* the config's arrays are not const: the dataplane only reads them */
	in->neighbors6 = (struct cfg_neighbor6 *)(uintptr_t)o->neighbors6;
	in->n_neighbors6 = o->n_neighbors6;
	in->has_next_hop_mac = !o->inside_no_mac;
	h->cfg.routes6 = (struct cfg_route6 *)(uintptr_t)o->routes6;
	h->cfg.n_routes6 = o->n_routes6;
	return 0;
}

/* The crypto map's permit lines and the inside routes a test asked for. */
static int
apply_opts(struct harness *h, const struct h_opts *o)
{
	static const struct h_acl_line dflt = {"10.0.0.0/16", "10.0.0.0/16", false};
	const struct h_acl_line *acl = o->n_acl ? o->acl : &dflt;
	uint32_t n_acl = o->n_acl ? o->n_acl : 1;
	struct cfg_interface *in = &h->ifs[H_INSIDE];

	if (n_acl > H_ACL_MAX || o->n_routes > H_ROUTE_MAX) {
		fprintf(stderr, "harness: at most %d ACL lines and %d routes\n", H_ACL_MAX,
			H_ROUTE_MAX);
		return -1;
	}
	if (o->n_acl2 > H_ACL_MAX || acl_lines(h->acl, acl, n_acl) != 0 ||
	    acl_lines(h->acl2, o->acl2, o->n_acl2) != 0)
		return -1;
	h->entry[0].n_match = n_acl;
	h->entry[0].inner_v6 = h->acl[0].v6;
	for (uint32_t i = 0; i < n_acl; i++) {
		if (h->acl[i].action == CFG_ACL_DENY)
			continue;
		h->acl[i].proto = o->acl_proto;
		if (o->acl_dport != 0)
			h->acl[i].dport[0] = h->acl[i].dport[1] = o->acl_dport;
	}
	if (o->n_acl2 > 0) {
		h->entry[1] = h->entry[0];
		h->entry[1].seq = 20;
		h->entry[1].match = h->acl2;
		h->entry[1].n_match = o->n_acl2;
		h->entry[1].inner_v6 = h->acl2[0].v6;
		h->map.n_entries = 2;
	}
	if (o->inside != NULL && !addr_len_parse(o->inside, &in->addr, &in->prefix_len)) {
		fprintf(stderr, "harness: bad inside address '%s'\n", o->inside);
		return -1;
	}
	if (o->inside_mtu != 0)
		in->mtu = o->inside_mtu;
	if (o->outside_mtu != 0)
		h->ifs[H_OUTSIDE].mtu = o->outside_mtu;
	in->tcp_adjust_mss = o->inside_mss;
	h->ifs[H_OUTSIDE].has_next_hop_mac = !o->outside_no_mac;
	if (o->outside6 != NULL) {
		struct cfg_interface *out = &h->ifs[H_OUTSIDE];

		if (inet_pton(AF_INET6, o->outside6, out->addr6) != 1) {
			fprintf(stderr, "harness: bad IPv6 address '%s'\n", o->outside6);
			return -1;
		}
		out->has_addr6 = true;
		out->prefix6_len = 64;
	}
	if (o->n_routes + o->n_tunnel_routes > H_ROUTE_MAX)
		return -1;
	for (uint32_t i = 0; i < o->n_routes; i++) {
		h->routes[i] = (struct cfg_route){.iface = H_INSIDE, .tunnel = CFG_NONE};
		if (!prefix_parse(o->routes[i], &h->routes[i].dst))
			return -1;
	}
	for (uint32_t i = 0; i < o->n_tunnel_routes; i++) {
		struct cfg_route *r = &h->routes[o->n_routes + i];

		*r = (struct cfg_route){.iface = CFG_NONE, .tunnel = 0};
		if (!prefix_parse(o->tunnel_routes[i], &r->dst))
			return -1;
	}
	if (o->n_tunnel_routes > 0 || o->tunnel_v6) {
		h->tunnel = (struct cfg_tunnel){.number = 1, .source_iface = H_OUTSIDE,
						.transform_set = 0, .replay_window = 64,
						.ike.ikev2_profile = CFG_NONE};
		snprintf(h->tunnel.name, sizeof(h->tunnel.name), "Tunnel1");
		ip4_parse(H_LOCAL, &h->tunnel.source);
		ip4_parse(H_PEER, &h->tunnel.destination);
		if (o->tunnel_v6) {
			h->tunnel.mode = CFG_TUNNEL_IPSEC_IPV6;
			h->tunnel.source = h->tunnel.destination = 0;
			memcpy(h->tunnel.source6, h->ifs[H_OUTSIDE].addr6, 16);
			inet_pton(AF_INET6, H_PEER6, h->tunnel.destination6);
		}
		h->cfg.tunnels = &h->tunnel;
		h->cfg.n_tunnels = 1;
	}
	h->cfg.routes = h->routes;
	h->cfg.n_routes = o->n_routes + o->n_tunnel_routes;
	return apply_opts6(h, o);
}

static void
build_config(struct harness *h)
{
	struct dpsec_config *c = &h->cfg;
	struct cfg_interface *o = &h->ifs[H_OUTSIDE], *in = &h->ifs[H_INSIDE];

	memset(c, 0, sizeof(*c));
	snprintf(c->hostname, sizeof(c->hostname), "harness");
	c->dp = (struct cfg_dataplane){.burst = 32, .mbufs = 4095, .rx_desc = 64, .tx_desc = 64,
				       .replay_window = 64, .sa_max = 64};
	*o = (struct cfg_interface){.role = CFG_ROLE_OUTSIDE, .crypto_map = 0, .mtu = 1500,
				    .prefix_len = 24, .has_next_hop_mac = true};
	snprintf(o->name, sizeof(o->name), "outside0");
	snprintf(o->device, sizeof(o->device), "%s", h->vdev[H_OUTSIDE]);
	ip4_parse(H_LOCAL, &o->addr);
	mac_parse(H_PEER_MAC, o->next_hop_mac);
	*in = (struct cfg_interface){.role = CFG_ROLE_INSIDE, .crypto_map = CFG_NONE, .mtu = 1500,
				     .prefix_len = 16, .has_next_hop_mac = true};
	snprintf(in->name, sizeof(in->name), "inside0");
	snprintf(in->device, sizeof(in->device), "%s", h->vdev[H_INSIDE]);
	ip4_parse("10.0.2.1", &in->addr);
	mac_parse(H_HOST_MAC, in->next_hop_mac);

	/* the permit lines come from apply_opts(); its default is symmetric, so that a
	 * reflected packet passes the inbound policy check too */
	h->entry[0] = (struct cfg_map_entry){.seq = 10, .transform_set = 0, .match = h->acl,
					     .n_match = 1, .replay_window = 64};
	ip4_parse(H_PEER, &h->entry[0].peer);
	h->map = (struct cfg_crypto_map){.entries = h->entry, .n_entries = 1, .iface = 0};
	snprintf(h->map.name, sizeof(h->map.name), "VPN");
	h->ts = (struct cfg_transform_set){.cipher = DP_CIPHER_AES_GCM_128};
	snprintf(h->ts.name, sizeof(h->ts.name), "TS");

	c->interfaces = h->ifs;
	c->n_interfaces = 2;
	c->transform_sets = &h->ts;
	c->n_transform_sets = 1;
	c->crypto_maps = &h->map;
	c->n_crypto_maps = 1;
}

#define H_VDEV_PREFIX "net_ring_"

/* A net_ring port over a ring of the harness's own: TX to it is RX from it. */
static int
create_port(struct harness *h, int p)
{
	char name[RTE_RING_NAMESIZE];

	const char *id = h->vdev[p] + strlen(H_VDEV_PREFIX);	/* from_rings adds the prefix */

	snprintf(name, sizeof(name), "h_%s", h->vdev[p]);
	h->ring[p] = rte_ring_create(name, H_RING_SIZE, SOCKET_ID_ANY, 0);
	if (h->ring[p] == NULL ||
	    rte_eth_from_rings(id, &h->ring[p], 1, &h->ring[p], 1, rte_socket_id()) < 0) {
		fprintf(stderr, "harness: cannot create port %s: %s\n", h->vdev[p],
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* After dp_destroy() closed the port: the device, then the ring and what is left in it. */
static void
destroy_port(struct harness *h, int p)
{
	struct rte_mbuf *m;

	if (h->ring[p] == NULL)
		return;
	rte_eal_hotplug_remove("vdev", h->vdev[p]);
	while (rte_ring_dequeue(h->ring[p], (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(h->ring[p]);
	h->ring[p] = NULL;
}

int
harness_create(struct harness *h)
{
	return harness_create_opts(h, NULL);
}

int
harness_create_opts(struct harness *h, const struct h_opts *o)
{
	static const struct h_opts none;
	static unsigned int instance;
	char err[256];

	memset(h, 0, sizeof(*h));
	/* new ports for every harness, so no frame of an earlier one can be left in them */
	snprintf(h->vdev[H_OUTSIDE], sizeof(h->vdev[0]), H_VDEV_PREFIX "o%u", instance);
	snprintf(h->vdev[H_INSIDE], sizeof(h->vdev[0]), H_VDEV_PREFIX "i%u", instance);
	instance++;
	build_config(h);
	if (apply_opts(h, o != NULL ? o : &none) != 0)
		return -1;
	if (create_port(h, H_OUTSIDE) != 0 || create_port(h, H_INSIDE) != 0)
		goto fail;
	h->dp = dp_create(&h->cfg, err, sizeof(err));
	if (h->dp == NULL) {
		fprintf(stderr, "harness: %s\n", err);
		goto fail;
	}
	if (rte_eth_dev_start(h->dp->ports[0].port_id) != 0 ||
	    rte_eth_dev_start(h->dp->ports[1].port_id) != 0)
		goto fail;
	/*
	 * Ring ports have no MAC (all zeros) and cannot be given one: give the
	 * dataplane, which reads a port's MAC once, when it is created, distinct
	 * ones, as real ports have.
	 */
	mac_parse(H_OUTSIDE_MAC, h->dp->ports[H_OUTSIDE].mac.addr_bytes);
	mac_parse(H_INSIDE_MAC, h->dp->ports[H_INSIDE].mac.addr_bytes);
	h->w = h->dp->workers[0];
	clk_fake_init(&h->clock, &h->fake, NULL);
	dp_set_clock(h->dp, &h->clock);
	return 0;
fail:
	harness_destroy(h);
	return -1;
}

void
harness_destroy(struct harness *h)
{
	if (h->dp != NULL) {
		rte_eth_dev_stop(h->dp->ports[0].port_id);
		rte_eth_dev_stop(h->dp->ports[1].port_id);
		dp_sa_del_all(h->dp);
		dp_housekeeping(h->dp);
		dp_destroy(h->dp);
		h->dp = NULL;
	}
	destroy_port(h, H_OUTSIDE);
	destroy_port(h, H_INSIDE);
}

int
harness_add_sa(struct harness *h, const struct h_sa *s)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[s->cipher];
	struct secret ck = {.len = (uint8_t)(ci->key_len + ci->salt_len)};
	struct secret ak = {.len = dp_auth_info[s->auth].key_len};
	struct dp_sa_params p = {
		.dir = s->dir, .spi = s->spi, .proto = s->proto, .map = 0, .entry = s->entry,
		.cipher = s->cipher,
		.auth = s->auth, .esn = s->esn, .udp_encap = s->udp, .local_port = 4500,
		.peer_port = 4500, .replay_window = s->replay_window, .manual = !s->negotiated,
		.initial_seq = s->initial_seq, .activate = !s->standby, .life = s->life,
		.cipher_key = &ck, .auth_key = &ak, .vti = s->vti, .tunnel = 0};
	uint32_t id;
	int rc;

	memcpy(ck.b, s->ckey ? s->ckey : default_ckey, ck.len);
	memcpy(ak.b, s->akey ? s->akey : default_akey, ak.len);
	ip4_parse(H_LOCAL, &p.local);
	ip4_parse(H_PEER, &p.peer);
	p.family = s->family;
	if (s->family == AF_INET6) {	/* outside0's address6 (h_opts.outside6) <-> H_PEER6 */
		memcpy(p.local6, h->ifs[H_OUTSIDE].addr6, 16);
		inet_pton(AF_INET6, H_PEER6, p.peer6);
	}
	p.bundled = s->bundled;
	p.inner_conn_id = s->inner_conn_id;
	p.n_ts_local = s->n_ts_local;
	p.n_ts_remote = s->n_ts_remote;
	/* a count above DP_TS_MAX is passed on (dp_sa_add refuses it), not copied */
	for (uint8_t i = 0; i < s->n_ts_local && i < DP_TS_MAX; i++)
		p.ts_local[i] = s->ts_local[i];
	for (uint8_t i = 0; i < s->n_ts_remote && i < DP_TS_MAX; i++)
		p.ts_remote[i] = s->ts_remote[i];
	p.n_ts6_local = s->n_ts6_local;
	p.n_ts6_remote = s->n_ts6_remote;
	for (uint8_t i = 0; i < s->n_ts6_local && i < DP_TS_MAX; i++)
		p.ts6_local[i] = s->ts6_local[i];
	for (uint8_t i = 0; i < s->n_ts6_remote && i < DP_TS_MAX; i++)
		p.ts6_remote[i] = s->ts6_remote[i];
	rc = dp_sa_add(h->dp, &p, &id);
	secret_wipe(&ck);
	secret_wipe(&ak);
	return rc == 0 ? (int)id : rc;
}

struct rte_mbuf *
harness_mbuf(struct harness *h, const void *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->dp->pool);
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, frame, len);
	return m;
}

void
harness_rx(struct harness *h, uint16_t pi, struct rte_mbuf **in, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(in[i], struct rte_ether_hdr *);

		in[i]->port = h->dp->ports[pi].port_id;	/* as the PMD would have set it */
		if (in[i]->data_len >= sizeof(*eth) && rte_is_zero_ether_addr(&eth->dst_addr))
			rte_ether_addr_copy(&h->dp->ports[pi].mac, &eth->dst_addr);
	}
	worker_process(h->w, pi, in, n);
}

struct rte_mbuf *
harness_esp(struct harness *h, const char *src, uint32_t spi, uint32_t seq)
{
	uint8_t frame[256], esp[64] = {0};
	size_t len;

	for (int i = 0; i < 4; i++) {
		esp[i] = (uint8_t)(spi >> (24 - 8 * i));
		esp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
	}
	len = harness_ipv4_frame(frame, src, H_LOCAL, IPPROTO_ESP, 64, esp, sizeof(esp));
	return harness_mbuf(h, frame, len);
}

uint16_t
harness_collect(struct harness *h, struct rte_mbuf **out, uint16_t max, uint16_t *out_port)
{
	uint16_t got = 0;

	worker_flush(h->w);
	harness_control_plane(h);
	for (uint16_t p = 0; p < h->dp->n_ports && got < max; p++) {
		uint16_t k = rte_eth_rx_burst(h->dp->ports[p].port_id, 0, out + got, max - got);

		if (k > 0 && out_port != NULL)
			*out_port = p;
		got += k;
	}
	return got;
}

uint16_t
harness_send(struct harness *h, uint16_t pi, struct rte_mbuf **in, uint16_t n,
	     struct rte_mbuf **out, uint16_t max, uint16_t *out_port)
{
	harness_rx(h, pi, in, n);
	return harness_collect(h, out, max, out_port);
}

void
harness_reflect(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t a = ip->src_addr;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;	/* no checksum changes: the sums commute */
	memset(eth->dst_addr.addr_bytes, 0, RTE_ETHER_ADDR_LEN);	/* harness_rx fills it */
}

size_t
harness_ipv4_frame(uint8_t *buf, const char *src, const char *dst, uint8_t proto, uint8_t ttl,
		   const void *payload, size_t plen)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t a;

	memset(eth, 0, sizeof(*eth));
	mac_parse(H_HOST_MAC, eth->src_addr.addr_bytes);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + plen));
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;

	ip4_parse(src, &a);
	ip->src_addr = a;
	ip4_parse(dst, &a);
	ip->dst_addr = a;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (plen > 0)	/* payload may be NULL for none: memcpy() wants a real pointer */
		memcpy(ip + 1, payload, plen);
	return sizeof(*eth) + sizeof(*ip) + plen;
}

/*
 * The harness has no control thread: it plays one that handles nothing, so
 * punted packets end as the control thread's PuntUnhandled drops, and events
 * are counted and discarded (an ICMPv6 error's copy of its packet freed).
 */
void
harness_control_plane(struct harness *h)
{
	struct rte_mbuf *m[64];
	struct dp_event ev[64];
	unsigned int n;

	while ((n = dp_punt_poll(h->dp, m, RTE_DIM(m))) > 0) {
		h->punted += n;
		for (unsigned int i = 0; i < n; i++)
			dp_ctrl_drop(h->dp, m[i], DP_DROP_G_PuntUnhandled);
	}
	while ((n = dp_events_poll(h->dp, ev, RTE_DIM(ev))) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			h->events[ev[i].type]++;
			if (ev[i].type == DP_EV_INVALID_SPI)
				h->inv_pkts += ev[i].pkts;
			if (ev[i].type == DP_EV_ICMP_ERROR && ev[i].ipv6) {
				/* the worker's copy of the packet, as ctrl.c frees it (events.h) */
				rte_pktmbuf_free(ev[i].pkt);
				ev[i].pkt = NULL;
			}
		}
		memcpy(&h->last_event, &ev[n - 1], sizeof(h->last_event));
	}
}

/* Drops counted by the worker and by the (stand-in) control thread. */
uint64_t
harness_drops(const struct harness *h, dp_drop_t code)
{
	return h->w->stats.drop_pkts[code] + h->dp->ctrl_stats.drop_pkts[code];
}

uint64_t
harness_drops_total(const struct harness *h)
{
	uint64_t sum = 0;

	for (int c = 0; c < DP_DROP__COUNT; c++)
		sum += harness_drops(h, (dp_drop_t)c);
	return sum;
}

void
harness_dump_drops(const struct harness *h)
{
	for (int c = 0; c < DP_DROP__COUNT; c++) {
		if (harness_drops(h, (dp_drop_t)c) != 0)
			fprintf(stderr, "  drop %s: %llu\n", dp_drop_info[c].name,
				(unsigned long long)harness_drops(h, (dp_drop_t)c));
	}
}
