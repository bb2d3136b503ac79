/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_bench -w N: one worker against N, in process (issue 9 item 4).
 *
 * The dataplane of dp_bench (net_null ports, whose TX frees the mbufs) with
 * N workers, each driven on its own CPU by a lane: worker 0 by the main
 * lcore, worker k by EAL lcore k + 1 (lcore 1, worker 0's, shares the main
 * lcore's CPU and is never launched, as in dp_bench). A lane runs the
 * worker's loop (worker_main) without what the benchmark does not use
 * (inject, link poll, reassembly expiry, RCU): drain its handoff ring,
 * worker_process() one burst of its own packets, worker_flush(); until its
 * packets are done and every packet of the run is out, across all lanes.
 *
 * Each lane copies its frames into mbufs on its own CPU (as a NIC would have
 * written them near it), then the lanes meet at a barrier; a run's time is
 * wall-clock TSC from the earliest start to the last lane's end. Every
 * packet must come out: a drop aborts the benchmark. Outbound, a TX callback
 * on the outside port logs every ESP header; after each run each outbound SA
 * must have sent every one of the run's sequence numbers exactly once, with
 * IV = sequence number: no GCM nonce twice.
 *
 * 64 tunnels: crypto map entries 10.0.0.0/16 <-> 10.k+1.0.0/16 to peer
 * 192.0.2.1, one manual AES-128-GCM SA pair each. Two sets of SPIs are
 * installed side by side and a run activates its set's outbound SAs: for N
 * workers 0x1000 + k, owned by worker SPI mod N (the daemon's rule,
 * sa_build.c); for one worker N * (0x2000 + k), all worker 0's, the other
 * workers idle. Runs of the two alternate, so a shared host's noise falls on
 * both. The cases, PKTS packets per run, the same ones for one worker
 * (every lane's stream, interleaved):
 *
 *   tunnels   tunnel k arrives at worker (k / N) mod N, as RSS by address
 *             puts one peer's (or one host's) packets on one queue; each
 *             worker's packets go round its tunnels, so (N - 1) / N of them
 *             are another worker's SA's and cross a handoff ring
 *   elephant, split     tunnel 0 (worker 0's) arriving at every worker
 *             evenly: outbound, RSS over the inner hosts
 *   elephant, on owner  all of it at its owner; the other workers idle
 *   elephant, on other  all of it at another worker (RSS by outer address
 *             put the peer there): every packet crosses a ring
 *
 * Inbound, an elephant is not split: its packets share outer addresses, so
 * RSS puts them on one queue (and two workers' streams would reach the owner
 * reordered beyond the replay window). A lane that may hand off waits, and
 * counts a wait, while an owner's ring has no room for a burst: the packets
 * stay in the "NIC" as they would in a full RX queue, where the daemon would
 * have dropped them as IpsecHandoffFull, which this benchmark aborts on.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dpsec/ip4.h"

#include "dataplane.h"
#include "handoff.h"
#include "worker.h"

#include "dp_bench.h"

#define MC_TUNNELS 64
#define MC_SPI_N 0x1000u	/* N workers: tunnel k is SPI 0x1000 + k */
#define MC_SPI_1 0x2000u	/* one worker: N * (0x2000 + k) */
#define MC_WMAX 4
/*
 * Packets per run, whatever the workers: dp_bench's one-worker run, so the one
 * worker's figure is dp_bench's, on the same amount of packet memory; with N
 * workers each gets a share (more of it then fits each core's own caches,
 * as it would with N cores).
 */
#define RUN_PKTS PKTS
#define RUN_PKTS_MAX RUN_PKTS
#define STRIDE 2048		/* bytes between frames */

enum set { SET_1, SET_N, SET__COUNT };	/* the SAs of one worker, of N workers */
enum kind { K_TUNNELS, K_SPLIT, K_OWNER, K_OTHER };

struct mc_case {
	const char *name;
	enum kind kind;
	bool in;		/* also inbound */
};

static const struct mc_case cases[] = {
	{"64 tunnels", K_TUNNELS, true},
	{"elephant, split", K_SPLIT, false},
	{"elephant, on owner", K_OWNER, true},
	{"elephant, on other", K_OTHER, true},
};

/* An ESP header as sent, network order. */
struct esp_rec {
	uint32_t spi, seq;
	uint64_t iv;
};

/* What one worker's TX queue on the outside port sent in a run. */
struct esp_log {
	uint32_t n, lost;
	struct esp_rec e[RUN_PKTS_MAX];
} __rte_cache_aligned;

struct lane {
	struct mc *mc;
	struct dp_worker *w;
	const uint8_t *frames;	/* n frames, STRIDE apart */
	const uint16_t *lens;
	unsigned int n;
	struct rte_mbuf **m;
	bool hands_off;		/* N workers: its packets may be another's */
	bool no_mbufs;
	bool preempted;		/* the kernel took its CPU during the run */
	uint64_t expect;	/* what its worker forwards: the packets of SAs it owns */
	uint64_t fwd_base;
	uint64_t t0, t1, waits;
} __rte_cache_aligned;

struct mc {
	struct dpsec_config cfg;
	struct cfg_interface ifs[2];
	struct cfg_transform_set ts;
	struct cfg_crypto_map map;
	struct cfg_map_entry entry[MC_TUNNELS];
	struct cfg_acl acl[MC_TUNNELS];
	struct dp *dp;
	unsigned int n;			/* workers */
	bool shared_cpu;		/* fewer CPUs than workers: yield while waiting */
	bool best;			/* the fastest run, not the median (-b) */
	struct cmb_keys *peer_key;
	uint32_t out_conn[SET__COUNT][MC_TUNNELS];
	uint32_t peer_seq[SET__COUNT][MC_TUNNELS];	/* the peer's last, per inbound SA */
	uint32_t sent[SET__COUNT][MC_TUNNELS];	/* numbers used so far, per outbound SA */
	/* the plan: the tunnel of each packet of each lane, per set */
	uint8_t tun[SET__COUNT][MC_WMAX][RUN_PKTS_MAX];
	unsigned int n_pkts[SET__COUNT][MC_WMAX];
	uint8_t plain[MC_TUNNELS][STRIDE];	/* outbound frame of each tunnel */
	uint8_t inner[MC_TUNNELS][STRIDE];	/* inbound: the peer's inner packet */
	uint16_t plain_len;
	uint8_t *frames[MC_WMAX];
	uint16_t lens[MC_WMAX][RUN_PKTS_MAX];
	struct rte_mbuf *m[MC_WMAX][RUN_PKTS_MAX];
	struct lane lane[MC_WMAX];
	struct esp_log log[MC_WMAX];
	/* the run in progress */
	uint32_t arrived;		/* lanes at the barrier */
	uint32_t abort;			/* a lane saw a drop: the others stop waiting */
	unsigned int lanes;
	uint16_t pi;			/* the port the packets arrive on */
	uint64_t expect;
	uint64_t fwd_base[MC_WMAX];	/* each worker's forwarded count before the run */
};

static struct mc MC;

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static inline void
relax(const struct mc *mc)
{
	if (mc->shared_cpu)
		sched_yield();	/* let the lane we wait for run on our CPU */
	else
		rte_pause();
}

static uint32_t
spi_of(const struct mc *mc, enum set s, unsigned int k)
{
	return s == SET_N ? MC_SPI_N + k : mc->n * (MC_SPI_1 + k);
}

/* The tunnel of an SPI of set s, or MC_TUNNELS. */
static unsigned int
tunnel_of(const struct mc *mc, enum set s, uint32_t spi)
{
	uint32_t k = s == SET_N ? spi - MC_SPI_N
				: (spi % mc->n == 0 ? spi / mc->n - MC_SPI_1 : MC_TUNNELS);

	return k < MC_TUNNELS ? k : MC_TUNNELS;
}

/* The worker owning tunnel k's SAs: SPI mod N (sa_build.c); one worker: worker 0. */
static unsigned int
owner_of(const struct mc *mc, enum set s, unsigned int k)
{
	return s == SET_N ? spi_of(mc, s, k) % mc->n : 0;
}

static void
prefix(struct ip4_prefix *p, unsigned int second_octet)
{
	char s[24];
	bool host;

	snprintf(s, sizeof(s), "10.%u.0.0/16", second_octet);
	ip4_prefix_parse(s, p, &host);
}

static void
mc_config(struct mc *mc)
{
	struct dpsec_config *c = &mc->cfg;

	/* every lane's mbufs at once, and as many again for the mempool caches */
	c->dp = (struct cfg_dataplane){.burst = BURST, .mbufs = 4 * RUN_PKTS - 1,
				       .rx_desc = 512, .tx_desc = 512, .replay_window = 64,
				       .sa_max = 1024};
	snprintf(c->hostname, sizeof(c->hostname), "bench");
	bench_ports(mc->ifs);
	for (unsigned int k = 0; k < MC_TUNNELS; k++) {
		mc->acl[k] = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535},
					      .action = CFG_ACL_PERMIT};
		prefix(&mc->acl[k].src, 0);
		prefix(&mc->acl[k].dst, k + 1);
		mc->entry[k] = (struct cfg_map_entry){.seq = 10 * (k + 1), .match = &mc->acl[k],
						      .n_match = 1, .replay_window = 64};
		ip4_parse("192.0.2.1", &mc->entry[k].peer);
	}
	mc->map = (struct cfg_crypto_map){.entries = mc->entry, .n_entries = MC_TUNNELS, .iface = 0};
	snprintf(mc->map.name, sizeof(mc->map.name), "VPN");
	c->interfaces = mc->ifs;
	c->n_interfaces = 2;
	c->transform_sets = &mc->ts;
	c->n_transform_sets = 1;
	c->crypto_maps = &mc->map;
	c->n_crypto_maps = 1;
}

/* A manual AES-128-GCM SA of crypto map entry k, keyed as dp_bench keys its SAs. */
static uint32_t
add_sa(struct mc *mc, enum cfg_dir dir, uint32_t spi, unsigned int k)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[DP_CIPHER_AES_GCM_128];
	struct secret ck = {.len = (uint8_t)(ci->key_len + ci->salt_len)}, ak = {.len = 0};
	struct dp_sa_params p = {.dir = dir, .spi = spi, .map = 0, .entry = k,
				 .proto = IPPROTO_ESP, .cipher = DP_CIPHER_AES_GCM_128,
				 .auth = DP_AUTH_NONE, .replay_window = 64, .manual = true,
				 .activate = true, .cipher_key = &ck, .auth_key = &ak};
	uint32_t id;

	memset(ck.b, 0x42, ck.len);
	ip4_parse("192.0.2.2", &p.local);
	ip4_parse("192.0.2.1", &p.peer);
	if (dp_sa_add(mc->dp, &p, &id) != 0)
		die("cannot install an SA");
	return id;
}

static void
install(struct mc *mc)
{
	for (int s = 0; s < SET__COUNT; s++) {
		for (unsigned int k = 0; k < MC_TUNNELS; k++) {
			mc->out_conn[s][k] = add_sa(mc, CFG_DIR_OUT, spi_of(mc, (enum set)s, k), k);
			(void)add_sa(mc, CFG_DIR_IN, spi_of(mc, (enum set)s, k), k);
		}
	}
}

static void
activate(struct mc *mc, enum set s)
{
	for (unsigned int k = 0; k < MC_TUNNELS; k++)
		if (dp_sa_activate(mc->dp, mc->out_conn[s][k]) != 0)
			die("cannot activate an outbound SA");
}

/* An IPv4 UDP packet of ip_len bytes, src -> dst, behind an Ethernet header to mac. */
static uint16_t
ip_frame(uint8_t *buf, const struct rte_ether_addr *mac, uint32_t src, uint32_t dst,
	 uint32_t ip_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	memset(buf, 0, sizeof(*eth) + ip_len);
	rte_ether_addr_copy(mac, &eth->dst_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (uint32_t i = sizeof(*ip); i < ip_len; i++)
		((uint8_t *)ip)[i] = (uint8_t)i;
	return (uint16_t)(sizeof(*eth) + ip_len);
}

/* Host 10.0.2.5 <-> 10.k+1.0.7: the outbound frame and the peer's inner packet. */
static void
make_templates(struct mc *mc, uint32_t ip_len)
{
	uint32_t host = rte_cpu_to_be_32(0x0a000205);

	for (unsigned int k = 0; k < MC_TUNNELS; k++) {
		uint32_t far = rte_cpu_to_be_32(0x0a000007 | (k + 1) << 16);

		mc->plain_len = ip_frame(mc->plain[k], &mc->dp->ports[1].mac, host, far, ip_len);
		(void)ip_frame(mc->inner[k], &mc->dp->ports[1].mac, far, host, ip_len);
	}
}

/* Which packets each lane gets, for N workers and (interleaved) for one. */
static void
plan(struct mc *mc, enum kind kind)
{
	unsigned int n = mc->n, total = RUN_PKTS, owner = owner_of(mc, SET_N, 0);
	uint8_t mine[MC_WMAX][MC_TUNNELS];
	unsigned int nm[MC_WMAX] = {0}, at[MC_WMAX] = {0};

	for (unsigned int k = 0; k < MC_TUNNELS; k++) {
		unsigned int l = (k / n) % n;

		mine[l][nm[l]++] = (uint8_t)k;
	}
	for (unsigned int l = 0; l < n; l++) {
		unsigned int cnt = kind == K_TUNNELS || kind == K_SPLIT ? total / n
				   : kind == K_OWNER		    ? (l == owner ? total : 0)
								    : (l == (owner + 1) % n ? total : 0);

		mc->n_pkts[SET_N][l] = cnt;
		for (unsigned int j = 0; j < cnt; j++)
			mc->tun[SET_N][l][j] = kind == K_TUNNELS ? mine[l][j % nm[l]] : 0;
	}
	mc->n_pkts[SET_1][0] = total;
	for (unsigned int j = 0, l = 0; j < total; l = (l + 1) % n) {
		if (at[l] < mc->n_pkts[SET_N][l])
			mc->tun[SET_1][0][j++] = mc->tun[SET_N][l][at[l]++];
	}
}

/* The lanes' frames for the next run of set s: inbound, fresh ESP from the peer. */
static void
make_frames(struct mc *mc, enum set s, bool in, uint32_t ip_len)
{
	struct dp_worker *w0 = mc->dp->workers[0];	/* the main lcore's */

	for (unsigned int l = 0; l < mc->lanes; l++) {
		for (unsigned int j = 0; j < mc->n_pkts[s][l]; j++) {
			unsigned int k = mc->tun[s][l][j];
			uint8_t *f = mc->frames[l] + (size_t)j * STRIDE;

			if (in)
				mc->lens[l][j] = bench_peer_esp(
					w0->mb, mc->peer_key, &mc->dp->ports[0].mac, spi_of(mc, s, k),
					++mc->peer_seq[s][k], mc->inner[k] + RTE_ETHER_HDR_LEN, ip_len,
					f);
			else {
				memcpy(f, mc->plain[k], mc->plain_len);
				mc->lens[l][j] = mc->plain_len;
			}
		}
	}
}

/* TX callback on the outside port, one log per worker's queue: every ESP header sent. */
static uint16_t
log_esp(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct esp_log *log = arg;

	(void)port;
	(void)queue;
	for (uint16_t i = 0; i < n; i++) {
		if (log->n == RTE_DIM(log->e)) {
			log->lost++;
			continue;
		}
		memcpy(&log->e[log->n++],
		       rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *,
					       RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)),
		       sizeof(struct esp_rec));
	}
	return n;
}

/*
 * After an outbound run of set s: every SA sent each of its next numbers once
 * (RFC 4303 3.3.3), and its GCM IV was that number (RFC 4106 3.1: an IV is
 * never used twice under one key).
 */
static void
check_seq(struct mc *mc, enum set s)
{
	static uint8_t seen[MC_TUNNELS][RUN_PKTS_MAX];
	uint32_t cnt[MC_TUNNELS] = {0};
	uint64_t total = 0, got = 0;
	char msg[160];

	for (unsigned int l = 0; l < mc->lanes; l++)
		for (unsigned int j = 0; j < mc->n_pkts[s][l]; j++)
			cnt[mc->tun[s][l][j]]++;
	for (unsigned int k = 0; k < MC_TUNNELS; k++) {
		memset(seen[k], 0, cnt[k]);
		total += cnt[k];
	}
	for (unsigned int q = 0; q < mc->n; q++) {
		const struct esp_log *log = &mc->log[q];

		if (log->lost > 0)
			die("more ESP sent than a run has packets");
		for (uint32_t i = 0; i < log->n; i++) {
			uint32_t spi = rte_be_to_cpu_32(log->e[i].spi);
			uint32_t seq = rte_be_to_cpu_32(log->e[i].seq);
			uint64_t iv = rte_be_to_cpu_64(log->e[i].iv);
			unsigned int k = tunnel_of(mc, s, spi);
			uint32_t off;

			if (k == MC_TUNNELS) {
				snprintf(msg, sizeof(msg), "ESP with SPI %#x sent", spi);
				die(msg);
			}
			off = seq - mc->sent[s][k] - 1;
			if (iv != seq) {
				snprintf(msg, sizeof(msg), "SPI %#x: IV %" PRIu64 " for number %u",
					 spi, iv, seq);
				die(msg);
			}
			if (seq <= mc->sent[s][k] || off >= cnt[k]) {
				snprintf(msg, sizeof(msg), "SPI %#x: number %u outside %u..%u", spi,
					 seq, mc->sent[s][k] + 1, mc->sent[s][k] + cnt[k]);
				die(msg);
			}
			if (seen[k][off]++) {
				snprintf(msg, sizeof(msg),
					 "SPI %#x: number %u (the GCM nonce) sent twice", spi, seq);
				die(msg);
			}
			got++;
		}
	}
	if (got != total)
		die("an outbound run sent fewer ESP packets than it took in");
	for (unsigned int k = 0; k < MC_TUNNELS; k++)
		mc->sent[s][k] += cnt[k];
}

static uint64_t
fwd_of(const struct mc *mc, const struct dp_worker *w)
{
	return ctr_read(&w->stats.port[mc->pi].fwd_pkts);
}

static uint64_t
drops_of(const struct dp_worker *w)
{
	uint64_t v = 0;

	for (int c = 0; c < DP_DROP__COUNT; c++)
		v += ctr_read(&w->stats.drop_pkts[c]);
	return v;
}

static uint64_t
handoff_sum(const struct mc *mc)
{
	uint64_t v = 0;

	for (unsigned int w = 0; w < mc->n; w++)
		v += ctr_read(&mc->dp->workers[w]->stats.handoff_pkts);
	return v;
}

/* Packets of the run forwarded so far, by any worker. */
static uint64_t
fwd_all(const struct mc *mc)
{
	uint64_t v = 0;

	for (unsigned int w = 0; w < mc->n; w++)
		v += fwd_of(mc, mc->dp->workers[w]) - mc->fwd_base[w];
	return v;
}

/*
 * Has the lane's worker forwarded every packet of its SAs? Or (now and then:
 * it reads many counters) dropped one, or has another lane: then the run
 * ends, and aborts; or is every packet out, some from a worker that did not
 * own its SA (run_once then aborts). A lane reads only its own worker's
 * counters but now and then, so waiting adds little cache-line traffic
 * between the cores.
 */
static bool
lane_done(struct lane *l, unsigned int polls)
{
	struct mc *mc = l->mc;

	if (fwd_of(mc, l->w) - l->fwd_base >= l->expect) {
		/* its own drops before it leaves: the others may wait for those packets */
		if (drops_of(l->w) != 0)
			__atomic_store_n(&mc->abort, 1, __ATOMIC_RELAXED);
		return true;
	}
	if (polls % 64 != 0)
		return false;
	if (drops_of(l->w) != 0)
		__atomic_store_n(&mc->abort, 1, __ATOMIC_RELAXED);
	return __atomic_load_n(&mc->abort, __ATOMIC_RELAXED) != 0 || fwd_all(mc) >= mc->expect;
}

/* Room for a burst on every other worker's ring. */
static bool
rings_have_room(const struct mc *mc, const struct dp_worker *w)
{
	for (unsigned int o = 0; o < mc->n; o++)
		if (o != w->id && rte_ring_free_count(mc->dp->workers[o]->handoff) < BURST)
			return false;
	return true;
}

static void
lane_fill(struct lane *l)
{
	uint16_t port_id = l->mc->dp->ports[l->mc->pi].port_id;

	if (l->n == 0)
		return;
	if (rte_pktmbuf_alloc_bulk(l->mc->dp->pool, l->m, l->n) != 0) {
		l->no_mbufs = true;
		l->n = 0;
		return;
	}
	for (unsigned int i = 0; i < l->n; i++) {
		memcpy(rte_pktmbuf_append(l->m[i], l->lens[i]), l->frames + (size_t)i * STRIDE,
		       l->lens[i]);
		l->m[i]->port = port_id;	/* a PMD sets it; handed-off packets count by it */
	}
}

/* Involuntary context switches of the calling thread so far. */
static long
preemptions(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_nivcsw : 0;
}

/* One lane of a run, on its own lcore (the main lcore: lane 0). */
static int
lane_run(void *arg)
{
	struct lane *l = arg;
	struct mc *mc = l->mc;
	unsigned int b = 0, polls = 0, nb;
	bool waiting = false;
	long pre;

	lane_fill(l);
	nb = (l->n + BURST - 1) / BURST;
	pre = preemptions();
	__atomic_add_fetch(&mc->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&mc->arrived, __ATOMIC_ACQUIRE) < mc->lanes)
		relax(mc);
	l->t0 = rte_rdtsc_precise();
	for (;;) {
		worker_handoff_drain(l->w);
		if (b < nb && (!l->hands_off || rings_have_room(mc, l->w))) {
			unsigned int k = RTE_MIN((unsigned int)BURST, l->n - b * BURST);

			worker_process(l->w, mc->pi, l->m + b * BURST, (uint16_t)k);
			b++;
			waiting = false;
		} else if (b < nb) {
			l->waits += !waiting;	/* bursts that found a ring full */
			waiting = true;
			relax(mc);
		}
		worker_flush(l->w);
		if (b == nb) {
			if (lane_done(l, ++polls))
				break;
			relax(mc);
		}
	}
	l->t1 = rte_rdtsc_precise();
	l->preempted = preemptions() != pre;
	return 0;
}

struct run {
	double cyc;		/* wall-clock TSC cycles per packet */
	uint64_t handoffs, waits;
	bool disturbed;		/* a lane lost its CPU to another thread */
};

/* One run of set s on its lanes (one: worker 0 alone). */
static void
run_once(struct mc *mc, enum set s, bool in, uint32_t ip_len, struct run *r)
{
	unsigned int lanes = s == SET_N ? mc->n : 1;
	uint64_t start = UINT64_MAX, end = 0, ho;

	mc->lanes = lanes;
	mc->pi = in ? 0 : 1;
	if (!in)
		activate(mc, s);
	make_frames(mc, s, in, ip_len);
	mc->expect = RUN_PKTS;
	ho = handoff_sum(mc);
	for (unsigned int q = 0; q < mc->n; q++)
		mc->log[q].n = mc->log[q].lost = 0;
	for (unsigned int w = 0; w < mc->n; w++)
		mc->fwd_base[w] = fwd_of(mc, mc->dp->workers[w]);
	__atomic_store_n(&mc->arrived, 0, __ATOMIC_RELEASE);
	for (unsigned int l = 0; l < lanes; l++)
		mc->lane[l] = (struct lane){.mc = mc, .w = mc->dp->workers[l],
					    .frames = mc->frames[l], .lens = mc->lens[l],
					    .n = mc->n_pkts[s][l], .m = mc->m[l],
					    .hands_off = lanes > 1,
					    .fwd_base = mc->fwd_base[l]};
	for (unsigned int l = 0; l < lanes; l++)	/* the owner forwards, whoever received */
		for (unsigned int j = 0; j < mc->n_pkts[s][l]; j++)
			mc->lane[owner_of(mc, s, mc->tun[s][l][j])].expect++;
	for (unsigned int l = 1; l < lanes; l++)
		if (rte_eal_remote_launch(lane_run, &mc->lane[l], mc->dp->workers[l]->lcore) != 0)
			die("cannot launch a lane");
	lane_run(&mc->lane[0]);
	r->waits = 0;
	r->disturbed = false;
	for (unsigned int l = 0; l < lanes; l++) {
		if (l > 0)
			rte_eal_wait_lcore(mc->dp->workers[l]->lcore);
		if (mc->lane[l].no_mbufs)
			die("out of mbufs");
		start = RTE_MIN(start, mc->lane[l].t0);
		end = RTE_MAX(end, mc->lane[l].t1);
		r->waits += mc->lane[l].waits;
		r->disturbed |= mc->lane[l].preempted;
	}
	for (unsigned int w = 0; w < mc->n; w++) {
		for (int c = 0; c < DP_DROP__COUNT; c++) {
			uint64_t v = ctr_read(&mc->dp->workers[w]->stats.drop_pkts[c]);

			if (v != 0) {
				fprintf(stderr, "bench: worker %u dropped %" PRIu64 " packets as %s\n",
					w, v, dp_drop_info[c].name);
				exit(1);
			}
		}
	}
	if (!in)
		check_seq(mc, s);
	for (unsigned int w = 0; w < mc->n; w++) {
		uint64_t got = fwd_of(mc, mc->dp->workers[w]) - mc->fwd_base[w];
		uint64_t want = w < lanes ? mc->lane[w].expect : 0;

		if (got != want) {
			fprintf(stderr,
				"bench: worker %u forwarded %" PRIu64 " packets, its SAs had %" PRIu64
				": a worker did not hand a packet to its SA's owner\n",
				w, got, want);
			exit(1);
		}
	}
	r->cyc = (double)(end - start) / (double)mc->expect;
	r->handoffs = handoff_sum(mc) - ho;
}

struct figures {
	double cyc[SET__COUNT];
	double handoff_share, waits;
	unsigned int kept, tried;	/* runs counted, runs made (both sets) */
};

/*
 * A warm-up run of each set, then runs alternating between them until each
 * set has runs undisturbed ones (at most 20 times as many tries: then every
 * run counts); medians. A run in which the kernel gave a lane's CPU to
 * another thread measures the host's load, not the dataplane: on a shared
 * host it is left out and counted (with as many CPUs as lanes; lanes sharing
 * CPUs are disturbed by design).
 */
static void
measure(struct mc *mc, const struct mc_case *c, bool in, uint32_t ip_len, unsigned int runs,
	struct figures *f)
{
	static double cyc[SET__COUNT][RUNS_MAX], all[SET__COUNT][RUNS_MAX];
	unsigned int kept[SET__COUNT] = {0}, tries = 0, max_tries = 20 * runs;
	uint64_t handoffs = 0, waits = 0;
	struct run r;

	plan(mc, c->kind);
	for (int s = 0; s < SET__COUNT; s++)
		run_once(mc, (enum set)s, in, ip_len, &r);	/* the warm-up */
	while ((kept[SET_1] < runs || kept[SET_N] < runs) && tries < max_tries) {
		for (int s = 0; s < SET__COUNT; s++) {
			run_once(mc, (enum set)s, in, ip_len, &r);
			if (tries < runs)
				all[s][tries] = r.cyc;
			if (kept[s] == runs || (r.disturbed && !mc->shared_cpu))
				continue;
			cyc[s][kept[s]++] = r.cyc;
			if (s == SET_N) {
				handoffs += r.handoffs;
				waits += r.waits;
			}
		}
		tries++;
	}
	f->kept = kept[SET_1] + kept[SET_N];
	f->tried = 2 * tries;
	for (int s = 0; s < SET__COUNT; s++) {
		double *v = kept[s] > 0 ? cyc[s] : all[s];
		unsigned int n = kept[s] > 0 ? kept[s] : RTE_MIN(tries, runs);

		f->cyc[s] = bench_median(v, n);
		if (mc->best)
			f->cyc[s] = v[0];	/* sorted: the fastest run */
	}
	f->handoff_share = kept[SET_N] > 0 ? (double)handoffs / ((double)kept[SET_N] * RUN_PKTS)
					   : 0;
	f->waits = kept[SET_N] > 0 ? (double)waits / kept[SET_N] : 0;
}

/*
 * The last n CPUs this process may use, one per worker, the last one worker
 * 0's (and the one worker's: the CPU dp_bench runs on; the first takes more
 * of the host's interrupts). Fewer than n: they are shared (*shared).
 */
static void
pick_cpus(unsigned int n, int *cpu, bool *shared)
{
	int allowed[CPU_SETSIZE], na = 0;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				allowed[na++] = i;
	if (na == 0)
		allowed[na++] = 0;
	*shared = (unsigned int)na < n;
	for (unsigned int i = 0; i < n; i++)
		cpu[i] = allowed[na - 1 - (int)(i % (unsigned int)na)];
}

static void
setup(struct mc *mc, const char *prog, unsigned int n, int *cpu, bool *huge)
{
	static char lcores[96], mem[16] = "--no-huge", mem_mb[16] = "256";
	char *eal[] = {(char *)(uintptr_t)prog, "--no-pci", mem, "--no-shconf", "-m", mem_mb,
		       "--lcores", lcores, "--log-level", "*:error", "--vdev", "net_null0",
		       "--vdev", "net_null1", NULL};
	uint8_t key[64];
	char err[256];
	int len;

	mc->n = n;
	pick_cpus(n, cpu, &mc->shared_cpu);
	/* main lcore and worker 0's lcore (never launched) on one CPU, worker k on lcore k + 1 */
	len = snprintf(lcores, sizeof(lcores), "0@%d", cpu[0]);
	for (unsigned int w = 0; w < n; w++)
		len += snprintf(lcores + len, sizeof(lcores) - (size_t)len, ",%u@%d", w + 1, cpu[w]);
	*huge = bench_hugepages_free(256);
	if (*huge)
		snprintf(mem, sizeof(mem), "--in-memory");
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		die("EAL init failed");
	mc_config(mc);
	mc->dp = dp_create(&mc->cfg, err, sizeof(err));
	if (mc->dp == NULL)
		die(err);
	if (mc->dp->n_workers != n)
		die("EAL gave a different number of worker lcores");
	for (unsigned int p = 0; p < 2; p++)
		if (rte_eth_dev_start(mc->dp->ports[p].port_id) != 0)
			die("cannot start a port");
	for (unsigned int q = 0; q < n; q++)
		if (rte_eth_add_tx_callback(mc->dp->ports[0].port_id, (uint16_t)q, log_esp,
					    &mc->log[q]) == NULL)
			die("cannot add the TX callback");
	for (unsigned int l = 0; l < n; l++) {
		mc->frames[l] = malloc((size_t)RUN_PKTS_MAX * STRIDE);
		if (mc->frames[l] == NULL)
			die("out of memory for frames");
	}
	memset(key, 0x42, sizeof(key));
	mc->peer_key = cmb_keys_create(mc->dp->workers[0]->mb, DP_CIPHER_AES_GCM_128, DP_AUTH_NONE,
				       key, NULL);
	if (mc->peer_key == NULL)
		die("cannot make the peer's key");
	install(mc);
}

static void
teardown(struct mc *mc)
{
	cmb_keys_free(mc->peer_key);
	for (unsigned int l = 0; l < mc->n; l++)
		free(mc->frames[l]);
	dp_sa_del_all(mc->dp);
	dp_housekeeping(mc->dp);
	rte_eth_dev_stop(mc->dp->ports[0].port_id);
	rte_eth_dev_stop(mc->dp->ports[1].port_id);
	dp_destroy(mc->dp);
	rte_eal_cleanup();
}

int
bench_mc_main(const char *prog, unsigned int workers, unsigned int runs, uint32_t size, bool best)
{
	uint32_t sizes[2] = {64, 1400};
	size_t n_sizes = size != 0 ? 1 : 2;
	struct mc *mc = &MC;
	char nw[3][16];
	int cpu[MC_WMAX];
	bool huge;
	double hz;

	if (size != 0 && (size < 28 || size > 1400))
		die("-s: an inner IPv4 packet of 28 to 1400 bytes");
	if (size != 0)
		sizes[0] = size;
	mc->best = best;
	setup(mc, prog, workers, cpu, &huge);
	hz = (double)rte_get_tsc_hz();
	printf("# dpsec dataplane, 1 against %u workers in process: worker 0 on the main lcore "
	       "(CPU %d)",
	       workers, cpu[0]);
	for (unsigned int w = 1; w < workers; w++)
		printf(", worker %u on lcore %u (CPU %d)", w, w + 1, cpu[w]);
	printf("\n# %u packets per run over the workers, burst %d, %s of %u runs after a "
	       "warm-up, 1-worker and %u-worker runs alternating; AES-128-GCM, tunnel mode\n"
	       "# memory: %s\n# TSC %.0f MHz, libipsec-mb %s, arch %s\n",
	       (unsigned int)RUN_PKTS, BURST, best ? "the fastest" : "median", runs, workers,
	       huge ? "2 MiB hugepages, as the daemon runs" : "4 KiB pages (--no-huge)", hz / 1e6,
	       imb_get_version_str(), cmb_arch_name(mc->dp->workers[0]->mb));
	if (mc->shared_cpu)
		printf("# WARNING: fewer CPUs than workers: the lanes share CPUs; these figures "
		       "measure nothing\n");
	printf("# cyc: wall-clock TSC cycles per packet, all workers together; core: that times "
	       "the workers;\n# ratio: 1-worker cycles / %u-worker cycles; handoff: share of "
	       "packets that crossed a ring;\n# waits: bursts per run held back by a full ring; "
	       "kept: runs no lane was preempted in, of those made\n",
	       workers);
	snprintf(nw[0], sizeof(nw[0]), "%uw Mpps", workers);
	snprintf(nw[1], sizeof(nw[1]), "%uw cyc", workers);
	snprintf(nw[2], sizeof(nw[2]), "%uw core", workers);
	printf("%-20s %5s %4s %8s %8s %8s %8s %8s %6s %8s %7s %11s\n", "case", "bytes", "dir",
	       "1w Mpps", "1w cyc", nw[0], nw[1], nw[2], "ratio", "handoff", "waits", "kept");
	for (size_t si = 0; si < n_sizes; si++) {
		make_templates(mc, sizes[si]);
		for (size_t ci = 0; ci < RTE_DIM(cases); ci++) {
			for (int in = 0; in <= (int)cases[ci].in; in++) {
				struct figures f;

				measure(mc, &cases[ci], in, sizes[si], runs, &f);
				printf("%-20s %5u %4s %8.2f %8.1f %8.2f %8.1f %8.1f %6.2f %7.1f%% "
				       "%7.1f %5u/%-5u\n",
				       cases[ci].name, sizes[si], in ? "in" : "out",
				       hz / f.cyc[SET_1] / 1e6, f.cyc[SET_1],
				       hz / f.cyc[SET_N] / 1e6, f.cyc[SET_N],
				       f.cyc[SET_N] * workers, f.cyc[SET_1] / f.cyc[SET_N],
				       100 * f.handoff_share, f.waits, f.kept, f.tried);
				fflush(stdout);
			}
		}
	}
	teardown(mc);
	return 0;
}
