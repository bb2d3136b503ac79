/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two workers, one SA each way: whichever worker receives a packet, the SA's
 * owner alone numbers it (outbound) or checks it against the replay window
 * (inbound), so no sequence number, and no AES-GCM nonce, is ever used twice
 * and no packet is accepted twice (handoff.h).
 *
 *   hosts --> inside0  10.0.2.1/24 (worker 0) --\                 /--> outside0 192.0.2.2/24
 *   hosts --> inside1  10.0.3.1/24 (worker 1) ---> SA 0x1000 -----     (worker 1; the SA's
 *   peer  --> outside0 192.0.2.2   (worker 1) ---> owner: worker 0     egress)
 *   peer  --> outside1 192.0.2.2   (worker 0) --/                 \--> inside0 (10.0.9.0/24)
 *
 * Each port is a net_ring device with an RX ring the test fills and a TX
 * ring it empties (both TX queues, one per worker, on one multi-producer
 * ring); inside0 has a second RX ring, its queue 1, polled by worker 1, as
 * a NIC's RSS queues would be. The workers run on their own lcores (worker_main, dp_start), on
 * whichever of the CPUs this process may use, so they really run at once.
 * The test never waits on time: it feeds a round of packets, then polls
 * until each is accounted for (sent, or dropped: then it fails).
 *
 * Before the workers start, the test thread drives worker 1 itself to fill
 * worker 0's handoff ring: the packets that do not fit are dropped as
 * IpsecHandoffFull, on the port they came in on; those that fit are
 * encrypted by worker 0 when it drains the ring. A route into a tunnel
 * (static VTI, 10.8.0.0/24 into Tunnel1) is handed over the same way.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dpsec/ip4.h"
#include "dpsec/secret.h"

#include "handoff.h"
#include "harness.h"
#include "sa.h"
#include "sad.h"
#include "worker.h"

enum { IN0, IN1, OUT0, OUT1, N_PORTS };

#define SPI 0x1000u	/* even: owned by worker 0 of 2 */
#define RING 4096
#define ROUND 256	/* per port and round: less than a handoff ring holds */
#define ROUNDS 4
#define N_OUT (2 * ROUND * ROUNDS)	/* packets encrypted, from both inside ports */

static const char *const if_name[N_PORTS] = {"inside0", "inside1", "outside0", "outside1"};
static const char *const if_addr[N_PORTS] = {"10.0.2.1", "10.0.3.1", "192.0.2.2", "192.0.2.2"};
static const char *const host[2] = {"10.0.2.5", "10.0.3.5"};

static struct {
	struct rte_ring *rx[N_PORTS], *tx[N_PORTS];
	struct rte_ring *rx1;	/* inside0's queue 1 */
	char vdev[N_PORTS][24];
	struct dpsec_config cfg;
	struct cfg_interface ifs[N_PORTS];
	struct cfg_transform_set ts;
	struct cfg_crypto_map map;
	struct cfg_map_entry entry;
	struct cfg_acl acl;
	struct cfg_route route[2];
	struct cfg_tunnel tunnel;
	struct dp *dp;
	bool started;
} T;

/* Three lcores (the control thread's and two workers) on the CPUs this process may use. */
static int
eal_init(void)
{
	static char prefix[32], lcores[64];
	char *argv[] = {"test", "--no-pci", "--no-huge", "--no-shconf", "-m", "512",
			"--lcores", lcores, "--log-level", "*:error", "--file-prefix", prefix,
			NULL};
	char cpus[24] = "";
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -1;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			snprintf(cpus + strlen(cpus), sizeof(cpus) - strlen(cpus), "%s%d",
				 n++ ? "," : "", c);
	snprintf(lcores, sizeof(lcores), "(0-2)@(%s)", cpus);
	snprintf(prefix, sizeof(prefix), "dpsec-mc-%ld", (long)getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	atexit(harness_remove_runtime_dir);	/* leave no /var/run/dpdk/dpsec-mc-* behind */
	return 0;
}

static int
create_port(int p)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *rxq[2], *txq[2];

	snprintf(T.vdev[p], sizeof(T.vdev[p]), "net_ring_mc%d", p);
	snprintf(name, sizeof(name), "mc_rx%d", p);
	T.rx[p] = rte_ring_create(name, RING, SOCKET_ID_ANY, 0);
	snprintf(name, sizeof(name), "mc_tx%d", p);
	T.tx[p] = rte_ring_create(name, RING, SOCKET_ID_ANY, 0);	/* multi-producer */
	if (T.rx[p] == NULL || T.tx[p] == NULL)
		return -1;
	rxq[0] = T.rx[p];
	if (p == IN0) {
		T.rx1 = rxq[1] = rte_ring_create("mc_rx0q1", RING, SOCKET_ID_ANY, 0);
		if (T.rx1 == NULL)
			return -1;
	}
	txq[0] = txq[1] = T.tx[p];	/* one TX queue per worker */
	snprintf(name, sizeof(name), "mc%d", p);
	return rte_eth_from_rings(name, rxq, p == IN0 ? 2 : 1, txq, 2, rte_socket_id()) < 0 ? -1
											    : 0;
}

static void
build_config(void)
{
	struct dpsec_config *c = &T.cfg;

	c->dp = (struct cfg_dataplane){.burst = 32, .mbufs = 16383, .rx_desc = 64,
				       .tx_desc = 64, .replay_window = 64, .sa_max = 64};
	for (int p = 0; p < N_PORTS; p++) {
		struct cfg_interface *i = &T.ifs[p];
		bool out = p >= OUT0;

		*i = (struct cfg_interface){.role = out ? CFG_ROLE_OUTSIDE : CFG_ROLE_INSIDE,
					    .crypto_map = out ? 0 : CFG_NONE, .mtu = 1500,
					    .prefix_len = 24, .has_next_hop_mac = true};
		snprintf(i->name, sizeof(i->name), "%s", if_name[p]);
		snprintf(i->device, sizeof(i->device), "%s", T.vdev[p]);
		ip4_parse(if_addr[p], &i->addr);
		mac_parse(out ? H_PEER_MAC : H_HOST_MAC, i->next_hop_mac);
	}
	/* symmetric, so that what the gateway encrypted decrypts when reflected */
	T.acl = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535},
				 .action = CFG_ACL_PERMIT};
	ip4_parse("10.0.0.0", &T.acl.src.addr);
	T.acl.src.len = 16;
	T.acl.dst = T.acl.src;
	T.entry = (struct cfg_map_entry){.seq = 10, .match = &T.acl, .n_match = 1,
					 .replay_window = 64};
	ip4_parse(H_PEER, &T.entry.peer);
	T.map = (struct cfg_crypto_map){.entries = &T.entry, .n_entries = 1, .iface = OUT0};
	snprintf(T.map.name, sizeof(T.map.name), "VPN");
	T.ts = (struct cfg_transform_set){.cipher = DP_CIPHER_AES_GCM_128};
	snprintf(T.ts.name, sizeof(T.ts.name), "TS");
	/* the hosts the decrypted packets go to, behind inside0 */
	T.route[0] = (struct cfg_route){.iface = IN0, .tunnel = CFG_NONE};
	ip4_parse("10.0.9.0", &T.route[0].dst.addr);
	T.route[0].dst.len = 24;
	/* and Tunnel1 (static VTI) to the peer, for 10.8.0.0/24 */
	T.tunnel = (struct cfg_tunnel){.number = 1, .source_iface = OUT0, .replay_window = 64};
	snprintf(T.tunnel.name, sizeof(T.tunnel.name), "Tunnel1");
	ip4_parse(H_LOCAL, &T.tunnel.source);
	ip4_parse(H_PEER, &T.tunnel.destination);
	T.route[1] = (struct cfg_route){.iface = CFG_NONE, .tunnel = 0};
	ip4_parse("10.8.0.0", &T.route[1].dst.addr);
	T.route[1].dst.len = 24;
	c->interfaces = T.ifs;
	c->n_interfaces = N_PORTS;
	c->transform_sets = &T.ts;
	c->n_transform_sets = 1;
	c->crypto_maps = &T.map;
	c->n_crypto_maps = 1;
	c->routes = T.route;
	c->n_routes = 2;
	c->tunnels = &T.tunnel;
	c->n_tunnels = 1;
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	for (int p = 0; p < N_PORTS; p++)
		if (create_port(p) != 0)
			return -1;
	build_config();
	T.dp = dp_create(&T.cfg, err, sizeof(err));
	if (T.dp == NULL) {
		fprintf(stderr, "dp_create: %s\n", err);
		return -1;
	}
	/* the test thread drives the workers before dp_start */
	for (int p = 0; p < N_PORTS; p++)
		if (rte_eth_dev_start(T.dp->ports[p].port_id) != 0)
			return -1;
	/* ring ports have no MAC: give each its own, as real ports have */
	for (int p = 0; p < N_PORTS; p++)
		T.dp->ports[p].mac = (struct rte_ether_addr){{0x02, 0, 0, 0, 0x10, (uint8_t)p}};
	return T.dp->n_workers == 2 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dp_stop(T.dp);
	dp_sa_del_all(T.dp);
	dp_housekeeping(T.dp);
	dp_destroy(T.dp);
	for (int p = 0; p < N_PORTS; p++) {
		struct rte_mbuf *m;

		rte_eal_hotplug_remove("vdev", T.vdev[p]);
		while (rte_ring_dequeue(T.rx[p], (void **)&m) == 0 ||
		       rte_ring_dequeue(T.tx[p], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(T.rx[p]);
		rte_ring_free(T.tx[p]);
	}
	rte_ring_free(T.rx1);
	return 0;
}

/*
 * GCM SAs both ways, keyed alike (harness.c's default key), spi's owner: spi % 2;
 * crypto map VPN 10's, or with vti Tunnel1's.
 */
static void
add_sas_of(uint32_t spi, bool vti)
{
	static const uint8_t key[20] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
					0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0xca, 0xfe, 0xba, 0xbe};

	for (int d = 0; d < 2; d++) {
		struct secret ck = {.len = sizeof(key)}, ak = {.len = 0};
		struct dp_sa_params p = {.dir = d ? CFG_DIR_IN : CFG_DIR_OUT, .spi = spi,
					 .cipher = DP_CIPHER_AES_GCM_128, .replay_window = 64,
					 .manual = true, .activate = true, .cipher_key = &ck,
					 .auth_key = &ak, .vti = vti, .tunnel = 0};
		uint32_t id;

		memcpy(ck.b, key, sizeof(key));
		ip4_parse(H_LOCAL, &p.local);
		ip4_parse(H_PEER, &p.peer);
		assert_int_equal(dp_sa_add(T.dp, &p, &id), 0);
		secret_wipe(&ck);
	}
}

static void
add_sas(uint32_t spi)
{
	add_sas_of(spi, false);
}

static void
del_sas(void)
{
	dp_sa_del_all(T.dp);
	dp_housekeeping(T.dp);	/* running workers pass a quiescent state every loop */
	while (sad_waiting(T.dp->sad) != 0)
		dp_housekeeping(T.dp);
}

static struct sa_rt *
sa_of(enum cfg_dir dir)
{
	struct view_sa v[4];
	size_t n = dp_sa_list(T.dp, v, 4);

	for (size_t i = 0; i < n; i++)
		if (v[i].dir == dir)
			return sad_find_conn(T.dp->sad, v[i].conn_id)->rt;
	fail_msg("no SA for direction %d", dir);
	return NULL;
}

/* A host's UDP packet to dst with its number as payload, received on inside port p. */
static struct rte_mbuf *
host_frame_to(int p, uint32_t idx, const char *dst)
{
	uint8_t frame[128], udp[12] = {0x10, 0x00, 0x20, 0x00, 0, 12, 0, 0};
	struct rte_mbuf *m = rte_pktmbuf_alloc(T.dp->pool);
	size_t len;

	assert_non_null(m);
	memcpy(udp + 8, &idx, 4);
	len = harness_ipv4_frame(frame, host[p], dst, IPPROTO_UDP, 64, udp, sizeof(udp));
	memcpy(frame, T.dp->ports[p].mac.addr_bytes, 6);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), frame, len);
	m->port = T.dp->ports[p].port_id;	/* net_ring leaves it; a real PMD sets it */
	return m;
}

static struct rte_mbuf *
host_frame(int p, uint32_t idx)
{
	return host_frame_to(p, idx, "10.0.9.9");
}

static uint64_t
drops(dp_drop_t code)
{
	uint64_t n = 0;

	for (uint16_t w = 0; w < T.dp->n_workers; w++)
		n += ctr_read(&T.dp->workers[w]->stats.drop_pkts[code]);
	return n;
}

static uint64_t
drops_total(void)
{
	uint64_t n = 0;

	for (int c = 0; c < DP_DROP__COUNT; c++)
		n += drops((dp_drop_t)c);
	return n;
}

static void
feed(int p, struct rte_mbuf **m, unsigned int n)
{
	assert_int_equal(rte_ring_enqueue_burst(T.rx[p], (void **)m, n, NULL), n);
}

/*
 * Take what port p transmits into out[] until what was taken and what was
 * dropped add up to want: every packet fed so far accounted for.
 */
static void
collect(int p, struct rte_mbuf **out, unsigned int *got, unsigned int max, uint64_t want)
{
	while (*got + drops_total() < want) {
		*got += rte_ring_dequeue_burst(T.tx[p], (void **)out + *got, max - *got, NULL);
		rte_pause();
	}
}

static void
dump_drops(void)
{
	for (int c = 0; c < DP_DROP__COUNT; c++)
		if (drops((dp_drop_t)c) != 0)
			fprintf(stderr, "  drop %s: %lu\n", dp_drop_info[c].name,
				(unsigned long)drops((dp_drop_t)c));
}

static void
start(void)
{
	char err[256];

	if (T.started)
		return;
	assert_int_equal(dp_start(T.dp, err, sizeof(err)), 0);
	T.started = true;
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ESP frame: outer Ethernet + IPv4 (20) + ESP. */
static const uint8_t *
esp_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, 14 + 20);
}

/*
 * Every frame ESP under spi, numbered first .. first + n - 1, each number
 * once, with the number as its GCM IV (RFC 4106 section 3.1): no nonce twice.
 */
static void
assert_numbered(struct rte_mbuf **esp, unsigned int n, uint64_t first)
{
	static uint8_t seen[N_OUT + 1024];

	assert_true(n <= RTE_DIM(seen));
	memset(seen, 0, sizeof(seen));
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = esp_of(esp[i]);
		uint64_t seq = be32_at(e + 4);
		uint64_t iv = (uint64_t)be32_at(e + 8) << 32 | be32_at(e + 12);

		assert_int_equal(be32_at(e), SPI);
		if (seq < first || seq >= first + n)
			fail_msg("frame %u: sequence number %lu outside %lu..%lu", i,
				 (unsigned long)seq, (unsigned long)first,
				 (unsigned long)(first + n - 1));
		if (seen[seq - first]++)
			fail_msg("sequence number %lu sent twice", (unsigned long)seq);
		assert_int_equal(iv, seq);
	}
}

static void
free_all(struct rte_mbuf **m, unsigned int n)
{
	rte_pktmbuf_free_bulk(m, n);
}

/* Each worker polls a share of both kinds of port; inside0's two queues are on both. */
static void
test_queues_spread(void **state)
{
	static const uint16_t want[2][3][2] = {
		{{IN0, 0}, {OUT1, 0}},		/* worker 0: n_rx 2 */
		{{IN0, 1}, {IN1, 0}, {OUT0, 0}},	/* worker 1: n_rx 3 */
	};
	const uint16_t n_rx[2] = {2, 3};

	(void)state;
	assert_int_equal(T.dp->ports[IN0].n_rxq, 2);
	assert_int_equal(T.dp->ports[IN1].n_rxq, 1);
	for (uint16_t w = 0; w < 2; w++) {
		const struct dp_worker *wk = T.dp->workers[w];

		assert_int_equal(wk->n_rx, n_rx[w]);
		for (uint16_t r = 0; r < wk->n_rx; r++) {
			assert_int_equal(wk->rx_port[r], want[w][r][0]);
			assert_int_equal(wk->rx_queue[r], want[w][r][1]);
		}
	}
}

/* SPIs spread over the workers by their value, shown in the SA list. */
static void
test_owner_at_install(void **state)
{
	struct view_sa v[8];
	size_t n;

	(void)state;
	add_sas(0x3001);
	add_sas(0x3002);
	n = dp_sa_list(T.dp, v, 8);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].worker, v[i].spi % 2);
		assert_int_equal(sad_find_conn(T.dp->sad, v[i].conn_id)->rt->owner, v[i].worker);
	}
	del_sas();
}

/*
 * An AH+ESP bundle: the AH SA (SPI 0x3003, which alone would be worker 1's)
 * takes its ESP SA's owner (SPI 0x3002: worker 0), so that the one worker
 * holding a packet's AH SA also writes its ESP SA (sa.h, SA_F_AH_ESP).
 */
static void
test_bundle_owner(void **state)
{
	struct secret ck = {.len = 20}, ak = {.len = 32};
	struct dp_sa_params p = {.dir = CFG_DIR_IN, .spi = 0x3002, .cipher = DP_CIPHER_AES_GCM_128,
				 .replay_window = 64, .manual = true, .bundled = true,
				 .cipher_key = &ck, .auth_key = &ak};
	uint32_t esp_id, ah_id;

	(void)state;
	ip4_parse(H_LOCAL, &p.local);
	ip4_parse(H_PEER, &p.peer);
	assert_int_equal(dp_sa_add(T.dp, &p, &esp_id), 0);
	p.spi = 0x3003;
	p.proto = IPPROTO_AH;
	p.cipher = DP_CIPHER_NULL;
	p.auth = DP_AUTH_HMAC_SHA256_128;
	p.bundled = false;
	p.inner_conn_id = esp_id;
	ck.len = 0;	/* AH: no cipher key */
	assert_int_equal(dp_sa_add(T.dp, &p, &ah_id), 0);
	assert_int_equal(sad_find_conn(T.dp->sad, esp_id)->rt->owner, 0);
	assert_int_equal(sad_find_conn(T.dp->sad, ah_id)->rt->owner, 0);
	del_sas();
}

/* What the CLI's view reads (dp_worker_list): both workers, in id order, with their lcores. */
static void
assert_worker_list(uint64_t handoff0, uint64_t handoff1)
{
	struct dp_worker_stats w[3];

	assert_int_equal(dp_worker_list(T.dp, w, 3), 2);
	for (uint16_t i = 0; i < 2; i++) {
		assert_int_equal(w[i].id, i);
		assert_int_equal(w[i].lcore, T.dp->workers[i]->lcore);
	}
	assert_int_equal(w[0].handoff_pkts, handoff0);
	assert_int_equal(w[1].handoff_pkts, handoff1);
	assert_int_equal(dp_worker_list(T.dp, w, 1), 1);	/* at most max */
}

/*
 * Workers not running: worker 1 receives on inside1 what worker 0 owns, more
 * than its handoff ring holds. The rest is dropped on inside1 as
 * IpsecHandoffFull, by worker 1; worker 0 then encrypts what the ring held,
 * numbered 1, 2, ... in the order it was received.
 */
static void
test_handoff_full(void **state)
{
	const unsigned int sent = 40 * 32, fits = HANDOFF_RING_SIZE - 1;
	struct dp_worker *w0 = T.dp->workers[0], *w1 = T.dp->workers[1];
	static struct rte_mbuf *esp[HANDOFF_RING_SIZE];
	unsigned int got = 0;

	(void)state;
	assert_false(T.started);
	add_sas(SPI);
	assert_int_equal(T.dp->port_worker[IN1], 1);
	for (unsigned int b = 0; b < sent / 32; b++) {
		struct rte_mbuf *m[32];

		for (unsigned int i = 0; i < 32; i++)
			m[i] = host_frame(IN1, b * 32 + i);
		worker_process(w1, IN1, m, 32);
	}
	assert_int_equal(drops(DP_DROP_G_IpsecHandoffFull), sent - fits);
	assert_int_equal(drops_total(), sent - fits);
	assert_int_equal(w1->stats.port[IN1].in_drop_pkts[DP_GLOBAL_IpsecHandoffFull],
			 sent - fits);
	/* worker 1 wrote nothing of the SA, and counts what its ring took as handed off */
	assert_int_equal(sa_of(CFG_DIR_OUT)->ctr.v[DP_SA_CTR_pkts], 0);
	assert_int_equal(w1->stats.handoff_pkts, fits);
	assert_int_equal(w0->stats.handoff_pkts, 0);
	assert_worker_list(0, fits);
	while (rte_ring_count(w0->handoff) > 0) {
		worker_handoff_drain(w0);
		worker_flush(w0);
	}
	collect(OUT0, esp, &got, fits, sent);
	assert_int_equal(got, fits);
	assert_numbered(esp, got, 1);
	for (unsigned int i = 0; i < got; i++) {	/* in the order received */
		const uint8_t *e = esp_of(esp[i]);

		assert_int_equal(be32_at(e + 4), i + 1);
	}
	/* forwarded on the port it came in on, counted by the worker that sent it */
	assert_int_equal(w0->stats.port[IN1].fwd_pkts, fits);
	assert_int_equal(sa_of(CFG_DIR_OUT)->ctr.v[DP_SA_CTR_pkts], fits);
	free_all(esp, got);
	del_sas();
	for (uint16_t w = 0; w < 2; w++)	/* the next tests count from zero */
		memset(&T.dp->workers[w]->stats, 0, sizeof(T.dp->workers[w]->stats));
}

/*
 * Workers not running: worker 1 receives on inside1 packets routed into
 * Tunnel1, whose SA worker 0 owns. Worker 1 hands them over untouched (the
 * route lookup chose the tunnel; it writes nothing of the SA); worker 0 runs
 * the lookup again and encrypts them, numbered 1, 2, ..., under Tunnel1's SA.
 */
static void
test_tunnel_handoff(void **state)
{
	const unsigned int n = 8;
	struct dp_worker *w0 = T.dp->workers[0], *w1 = T.dp->workers[1];
	struct rte_mbuf *m[8], *esp[8];
	unsigned int got = 0;

	(void)state;
	assert_false(T.started);
	add_sas_of(SPI, true);
	assert_int_equal(sa_of(CFG_DIR_OUT)->owner, 0);
	for (unsigned int i = 0; i < n; i++)
		m[i] = host_frame_to(IN1, i, "10.8.0.9");
	worker_process(w1, IN1, m, (uint16_t)n);
	assert_int_equal(rte_ring_count(w0->handoff), n);
	assert_int_equal(w1->stats.handoff_pkts, n);
	assert_int_equal(sa_of(CFG_DIR_OUT)->ctr.v[DP_SA_CTR_pkts], 0);
	worker_handoff_drain(w0);
	worker_flush(w0);
	collect(OUT0, esp, &got, n, n);
	assert_int_equal(drops_total(), 0);
	assert_int_equal(got, n);
	assert_numbered(esp, got, 1);	/* Tunnel1's SPI, numbered 1.. */
	assert_int_equal(sa_of(CFG_DIR_OUT)->ctr.v[DP_SA_CTR_pkts], n);
	free_all(esp, got);
	del_sas();
	for (uint16_t w = 0; w < 2; w++)	/* the next tests count from zero */
		memset(&T.dp->workers[w]->stats, 0, sizeof(T.dp->workers[w]->stats));
}

/*
 * Both inside ports, on both workers at once, into the one outbound SA, in
 * rounds; out[] gets the N_OUT ESP frames.
 */
static void
encrypt_both(struct rte_mbuf **out)
{
	unsigned int got = 0;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		struct rte_mbuf *m[2][ROUND];

		for (int p = IN0; p <= IN1; p++)
			for (unsigned int i = 0; i < ROUND; i++)
				m[p][i] = host_frame(p, (uint32_t)((r * 2 + (unsigned int)p) *
								   ROUND + i));
		feed(IN0, m[IN0], ROUND / 2);	/* queue 0, worker 0 */
		assert_int_equal(rte_ring_enqueue_burst(T.rx1, (void **)m[IN0] + ROUND / 2,
							ROUND / 2, NULL),
				 ROUND / 2);	/* queue 1, worker 1 */
		feed(IN1, m[IN1], ROUND);
		collect(OUT0, out, &got, N_OUT, (r + 1) * 2 * ROUND);
		if (got != (r + 1) * 2 * ROUND) {
			dump_drops();
			fail_msg("round %u: %u of %u frames encrypted", r, got,
				 (r + 1) * 2 * ROUND);
		}
	}
}

/*
 * One outbound SA, owned by worker 0, fed from inside0 (queue 0: worker 0,
 * queue 1: worker 1) and inside1 (worker 1) at once: N_OUT frames numbered 1..N_OUT, each number
 * (and GCM IV) once. Worker 0 forwarded inside1's packets: the handoff.
 */
static void
test_outbound_two_workers(void **state)
{
	static struct rte_mbuf *esp[N_OUT];
	struct sa_rt *sa;

	(void)state;
	add_sas(SPI);
	sa = sa_of(CFG_DIR_OUT);
	assert_int_equal(sa->owner, 0);
	start();
	encrypt_both(esp);
	assert_int_equal(drops_total(), 0);
	assert_numbered(esp, N_OUT, 1);
	assert_int_equal(ctr_read(&sa->ctr.v[DP_SA_CTR_pkts]), N_OUT);
	assert_int_equal(ctr_read(&T.dp->workers[0]->stats.port[IN1].fwd_pkts), N_OUT / 2);
	assert_int_equal(ctr_read(&T.dp->workers[1]->stats.port[IN1].fwd_pkts), 0);
	assert_int_equal(ctr_read(&T.dp->workers[0]->stats.port[IN0].fwd_pkts), N_OUT / 2);
	assert_int_equal(ctr_read(&T.dp->workers[1]->stats.port[IN0].fwd_pkts), 0);
	/* what worker 1 received (inside0's queue 1 and inside1) crossed the ring, nothing else */
	assert_int_equal(ctr_read(&T.dp->workers[1]->stats.handoff_pkts), 3 * N_OUT / 4);
	assert_int_equal(ctr_read(&T.dp->workers[0]->stats.handoff_pkts), 0);
	assert_worker_list(0, 3 * N_OUT / 4);
	free_all(esp, N_OUT);
	del_sas();
}

/* What the peer would send back of an ESP frame: addresses swapped, to outside port p. */
static struct rte_mbuf *
reflected(const struct rte_mbuf *esp, int p)
{
	struct rte_mbuf *m = rte_pktmbuf_copy(esp, T.dp->pool, 0, UINT32_MAX);
	struct rte_ether_hdr *eth;

	assert_non_null(m);
	harness_reflect(m);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&T.dp->ports[p].mac, &eth->dst_addr);
	m->port = T.dp->ports[p].port_id;
	return m;
}

/*
 * One inbound SA, owned by worker 0, and every one of N_OUT packets arriving
 * twice: on outside0 (worker 1, handed to worker 0) and on outside1 (worker
 * 0), the two streams racing. Each packet is accepted exactly once (each
 * stream is in order, so the first copy of a number always finds it right of
 * everything accepted) and the other copy is a replay (19, or 116 once the
 * window moved past it).
 */
static void
test_inbound_two_workers(void **state)
{
	static struct rte_mbuf *esp[N_OUT], *clear[N_OUT];
	static uint8_t seen[N_OUT];
	unsigned int got = 0;
	struct sa_rt *sa;

	(void)state;
	add_sas(SPI);
	start();
	encrypt_both(esp);
	sa = sa_of(CFG_DIR_IN);
	assert_int_equal(sa->owner, 0);
	assert_int_equal(T.dp->port_worker[OUT0], 1);
	assert_int_equal(T.dp->port_worker[OUT1], 0);
	for (unsigned int r = 0; r < N_OUT / ROUND; r++) {
		struct rte_mbuf *m[2][ROUND];

		for (unsigned int i = 0; i < ROUND; i++) {
			m[0][i] = reflected(esp[r * ROUND + i], OUT0);
			m[1][i] = reflected(esp[r * ROUND + i], OUT1);
		}
		feed(OUT0, m[0], ROUND);
		feed(OUT1, m[1], ROUND);
		/* every copy forwarded or dropped, and the outbound round's ESP too */
		collect(IN0, clear, &got, N_OUT, (r + 1) * 2 * ROUND);
	}
	assert_int_equal(got, N_OUT);
	assert_int_equal(drops(DP_DROP_IN_CD_SW_IPSEC_ANTI_REPLAY_FAIL) +
				 drops(DP_DROP_CD_IN_PKT_OUT_OF_WINDOW),
			 N_OUT);
	assert_int_equal(drops_total(), N_OUT);
	assert_int_equal(ctr_read(&sa->ctr.v[DP_SA_CTR_pkts]), N_OUT);
	memset(seen, 0, sizeof(seen));
	for (unsigned int i = 0; i < got; i++) {
		uint32_t idx;

		/* Ethernet + inner IPv4 + UDP header, then the number */
		memcpy(&idx, rte_pktmbuf_mtod_offset(clear[i], uint8_t *, 14 + 20 + 8), 4);
		assert_true(idx < N_OUT);
		if (seen[idx]++)
			fail_msg("packet %u delivered twice", idx);
	}
	free_all(esp, N_OUT);
	free_all(clear, got);
	del_sas();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queues_spread),
		cmocka_unit_test(test_owner_at_install),
		cmocka_unit_test(test_bundle_owner),
		cmocka_unit_test(test_handoff_full),
		cmocka_unit_test(test_tunnel_handoff),
		cmocka_unit_test(test_outbound_two_workers),
		cmocka_unit_test(test_inbound_two_workers),
	};

	if (eal_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("multicore", tests, setup, teardown);
}
