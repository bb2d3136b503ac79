/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process microbenchmark of the worker's paths on one lcore.
 *
 *   outbound: plain IPv4 from inside0 -> classify -> SPD -> ESP encap+encrypt -> TX outside0
 *   inbound:  ESP from outside0 -> classify -> SA lookup -> replay -> decrypt+verify
 *             -> decap -> route -> TX inside0
 * and the same with AH (-x ah: RFC 4302, integrity only) in place of ESP, and
 * with an AH+ESP bundle (-x ah-esp: RFC 4301 section 4.5, AH around ESP).
 * -6: the inner packets are IPv6 (IPv6 inside the IPv4 tunnel, next header
 * 41: the crypto map's IPv6 lines, the IPv6 route table).
 *
 * Both ports are net_null, whose TX frees the mbufs: the timed region is the
 * real worker_process() + worker_flush(), TX included. Frames are copied into
 * mbufs before the timed region (64 bursts at a time), the way a NIC would
 * have written them. In the same run the raw libipsec-mb cost of the same
 * crypto on the same sizes is measured: the floor the dataplane is compared to.
 *
 * Cycles are TSC cycles. Each figure is the median of RUNS runs, after one
 * warm-up run that is not counted.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dpsec/ip4.h"
#include "dpsec/ip6.h"

#include <netinet/in.h>

#include "ah.h"
#include "dataplane.h"
#include "esp.h"
#include "sa.h"
#include "spd.h"
#include "classify.h"
#include "worker.h"

#include "dp_bench.h"

#define RUNS_DEFAULT 25
#define SPI 0x1001

struct bench {
	struct dpsec_config cfg;
	struct cfg_interface ifs[2];
	struct cfg_transform_set ts;
	struct cfg_crypto_map map;
	struct cfg_map_entry entry;
	struct cfg_acl acl;
	struct dp *dp;
	struct dp_worker *w;
};

struct xf {
	const char *key;	/* for -x */
	const char *name;
	enum dp_cipher c;
	enum dp_auth a;
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum dp_auth ah;	/* ESP in an AH+ESP bundle: the AH's HMAC; DP_AUTH_NONE: none */
};

static const struct xf xfs[] = {
	{"gcm", "AES-128-GCM", DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, IPPROTO_ESP, DP_AUTH_NONE},
	{"cbc", "AES-128-CBC+HMAC-SHA-256", DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA256_128,
	 IPPROTO_ESP, DP_AUTH_NONE},
	{"ah", "AH HMAC-SHA-256-128", DP_CIPHER_NULL, DP_AUTH_HMAC_SHA256_128, IPPROTO_AH,
	 DP_AUTH_NONE},
	{"ah-esp", "AH SHA-256 + AES-128-GCM", DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, IPPROTO_ESP,
	 DP_AUTH_HMAC_SHA256_128},
};

/* The HMAC of the AH header the frames carry (AH alone or around ESP); DP_AUTH_NONE: none. */
static enum dp_auth
ah_of(const struct xf *x)
{
	return x->proto == IPPROTO_AH ? x->a : x->ah;
}
static const uint32_t sizes[] = {64, 512, 1400};	/* inner IPv4 packet bytes */
static unsigned int RUNS = RUNS_DEFAULT;
/* -n: inbound SAs the traffic is spread over (scale mode); 0: the normal cases */
static uint32_t n_scale;
#define SCALE_MAX (4u << 20)
#define SCALE_SPI 0x100000u	/* SPIs SCALE_SPI .. SCALE_SPI + n - 1 */
/* -f: every other packet has an SPI nobody installed (an invalid-SPI flood beside the tunnels) */
static bool flood_mode;
/* -6: IPv6 inner packets */
static bool inner6;
#define FLOOD_SPI 0xf0000000u

static void
bench_config(struct bench *b)
{
	struct dpsec_config *c = &b->cfg;
	bool host;

	memset(b, 0, sizeof(*b));
	snprintf(c->hostname, sizeof(c->hostname), "bench");
	c->dp = (struct cfg_dataplane){.burst = BURST, .mbufs = 4 * PKTS - 1, .rx_desc = 512,
				       .tx_desc = 512, .replay_window = 64,
				       .sa_max = n_scale > 500 ? 2 * n_scale + 16 : 1024};
	bench_ports(b->ifs);
	/* symmetric selectors: the benchmark reflects its own ESP back in */
	b->acl = (struct cfg_acl){.sport = {0, 65535}, .dport = {0, 65535}};
	ip4_prefix_parse("10.0.0.0/16", &b->acl.src, &host);
	ip4_prefix_parse("10.0.0.0/16", &b->acl.dst, &host);
	b->entry = (struct cfg_map_entry){.seq = 10, .match = &b->acl, .n_match = 1,
					  .replay_window = 64};
	if (inner6) {	/* the same, one IPv6 line; inside0's address6 is the connected route */
		b->acl.v6 = b->entry.inner_v6 = true;
		ip6_prefix_parse("2001:db8::/32", &b->acl.src6, &host);
		b->acl.dst6 = b->acl.src6;
		b->ifs[1].has_addr6 = true;
		ip6_addr_len_parse("2001:db8:2::1/32", b->ifs[1].addr6, &b->ifs[1].prefix6_len);
	}
	ip4_parse("192.0.2.1", &b->entry.peer);
	b->map = (struct cfg_crypto_map){.entries = &b->entry, .n_entries = 1, .iface = 0};
	c->interfaces = b->ifs;
	c->n_interfaces = 2;
	c->transform_sets = &b->ts;
	c->n_transform_sets = 1;
	c->crypto_maps = &b->map;
	c->n_crypto_maps = 1;
}

static int
add_sa_spi(struct bench *b, enum cfg_dir dir, const struct xf *x, uint32_t spi)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[x->c];
	struct secret ck = {.len = (uint8_t)(ci->key_len + ci->salt_len)};
	struct secret ak = {.len = dp_auth_info[x->a].key_len};
	struct dp_sa_params p = {.dir = dir, .spi = spi, .proto = x->proto, .cipher = x->c,
				 .auth = x->a,
				 .replay_window = 64, .manual = true, .activate = true,
				 .cipher_key = &ck, .auth_key = &ak};
	uint32_t id;
	int rc;

	memset(ck.b, 0x42, ck.len);
	memset(ak.b, 0x24, ak.len);
	ip4_parse("192.0.2.2", &p.local);
	ip4_parse("192.0.2.1", &p.peer);
	p.bundled = x->ah != DP_AUTH_NONE;
	rc = dp_sa_add(b->dp, &p, &id);
	if (rc != 0 || !p.bundled)
		return rc;
	/* the bundle's AH SA around it, its SPI one higher, its HMAC key ak's pattern */
	ck.len = 0;
	ak.len = dp_auth_info[x->ah].key_len;
	memset(ak.b, 0x24, ak.len);
	p.spi = spi + 1;
	p.proto = IPPROTO_AH;
	p.cipher = DP_CIPHER_NULL;
	p.auth = x->ah;
	p.bundled = false;
	p.inner_conn_id = id;
	return dp_sa_add(b->dp, &p, &id);
}

static int
add_sa(struct bench *b, enum cfg_dir dir, const struct xf *x)
{
	return add_sa_spi(b, dir, x, SPI);
}

/* From a host to the inside port's MAC. */
static size_t
plain_frame(const struct bench *b, uint8_t *buf, uint32_t ip_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t a;

	memset(buf, 0, sizeof(*eth) + ip_len);
	rte_ether_addr_copy(&b->dp->ports[1].mac, &eth->dst_addr);
	if (inner6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(ip_len - sizeof(*ip6)));
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = 64;
		ip6_parse("2001:db8:2::5", ip6->src_addr);
		ip6_parse("2001:db8:1::7", ip6->dst_addr);
		for (uint32_t i = sizeof(*ip6); i < ip_len; i++)
			((uint8_t *)ip6)[i] = (uint8_t)i;
		return sizeof(*eth) + ip_len;
	}
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip4_parse("10.0.2.5", &a);
	ip->src_addr = a;
	ip4_parse("10.0.0.7", &a);
	ip->dst_addr = a;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (uint32_t i = sizeof(*ip); i < ip_len; i++)
		((uint8_t *)ip)[i] = (uint8_t)i;
	return sizeof(*eth) + ip_len;
}

static void
fill(struct bench *b, struct rte_mbuf **m, const uint8_t *frames, size_t stride,
     const uint16_t *lens, unsigned int n)
{
	if (rte_pktmbuf_alloc_bulk(b->dp->pool, m, n) != 0) {
		fprintf(stderr, "bench: out of mbufs\n");
		exit(1);
	}
	for (unsigned int i = 0; i < n; i++)
		memcpy(rte_pktmbuf_append(m[i], lens[i]), frames + i * stride, lens[i]);
}

/* One timed run: BURSTS bursts through worker_process on port pi. Cycles per packet. */
static double
timed_run(struct bench *b, uint16_t pi, struct rte_mbuf **m)
{
	uint64_t t0 = rte_rdtsc_precise();

	for (unsigned int i = 0; i < BURSTS; i++)
		worker_process(b->w, pi, m + i * BURST, BURST);
	worker_flush(b->w);
	return (double)(rte_rdtsc_precise() - t0) / PKTS;
}

/*
 * -p: the same run, stage by stage, as worker_process() chains them, with the
 * TSC read between stages. Cycles per packet for classify, ESP, and TX.
 */
struct stage_split {
	double classify, esp, tx;
};

static void
split_run(struct bench *b, uint16_t pi, struct rte_mbuf **m, struct stage_split *sp, bool ah)
{
	uint64_t tc = 0, te = 0, tt = 0;
	bool outside = pi == 0;

	for (unsigned int i = 0; i < BURSTS; i++) {
		struct rte_mbuf **p = m + i * BURST;
		dp_drop_t reason[BURST];
		uint16_t k, np, g;
		uint64_t t0 = rte_rdtsc_precise(), t1, t2, t3;

		k = outside ? classify_outside(&b->dp->ports[pi], sad_table(b->dp->sad), p, BURST, &np, reason)
			    : classify_inside(&b->dp->ports[pi], p, BURST, &np, reason);
		t1 = rte_rdtsc_precise();
		g = !outside ? esp_out_burst(b->w, p, k, reason)
		    : ah	 ? ah_in_burst(b->w, p, k, reason)
			     : esp_in_burst(b->w, p, k, reason);
		t2 = rte_rdtsc_precise();
		for (uint16_t j = 0; j < g; j++)
			b->w->tx[pkt_egress(p[j])].m[b->w->tx[pkt_egress(p[j])].n++] = p[j];
		worker_flush(b->w);
		t3 = rte_rdtsc_precise();
		tc += t1 - t0;
		te += t2 - t1;
		tt += t3 - t2;
	}
	sp->classify = (double)tc / PKTS;
	sp->esp = (double)te / PKTS;
	sp->tx = (double)tt / PKTS;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
bench_ports(struct cfg_interface ifs[2])
{
	ifs[0] = (struct cfg_interface){.role = CFG_ROLE_OUTSIDE, .crypto_map = 0, .mtu = 1500,
					.prefix_len = 24, .has_next_hop_mac = true};
	snprintf(ifs[0].name, sizeof(ifs[0].name), "outside0");
	snprintf(ifs[0].device, sizeof(ifs[0].device), "net_null0");
	ip4_parse("192.0.2.2", &ifs[0].addr);
	mac_parse("02:00:00:00:00:01", ifs[0].next_hop_mac);
	ifs[1] = (struct cfg_interface){.role = CFG_ROLE_INSIDE, .crypto_map = CFG_NONE,
					.mtu = 1500, .prefix_len = 16, .has_next_hop_mac = true};
	snprintf(ifs[1].name, sizeof(ifs[1].name), "inside0");
	snprintf(ifs[1].device, sizeof(ifs[1].device), "net_null1");
	ip4_parse("10.0.2.1", &ifs[1].addr);
	mac_parse("02:00:00:00:02:05", ifs[1].next_hop_mac);
}

double
bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/*
 * AH's ICV covers the outer addresses the capture swaps: sign the frame
 * again, as the peer would have (same key on both SAs), over a copy with the
 * mutable fields zeroed (RFC 4302 3.3.3.1).
 */
static void
ah_resign(struct bench *b, const struct xf *x, uint8_t *frame, uint16_t len)
{
	uint8_t akey[64], copy[2048];
	uint32_t icv = dp_auth_info[ah_of(x)].icv_len;
	struct cmb_keys *k;
	struct cmb_op op;

	memset(akey, 0x24, sizeof(akey));
	k = cmb_keys_create(b->w->mb, DP_CIPHER_NULL, ah_of(x), NULL, akey);
	memcpy(copy, frame + 14, len - 14u);
	ah_zero_mutable((struct rte_ipv4_hdr *)copy);
	memset(copy + 20 + 12, 0, icv);
	op = (struct cmb_op){.buf = copy, .k = k, .hash_len = len - 14u, .tag = frame + 14 + 32};
	cmb_hmac_burst(b->w->mb, &op, 1);
	cmb_keys_free(k);
}

/*
 * Capture PKTS ESP (or AH) frames as the peer would send them: encrypt with
 * the outbound stage itself, then swap the outer addresses and address the
 * frame to the outside port.
 */
static void
make_esp(struct bench *b, const struct xf *x, const uint8_t *plain, uint16_t plen, uint8_t *esp,
	 uint16_t *lens, size_t stride)
{
	struct rte_mbuf *m[BURST];
	dp_drop_t reason[BURST];

	for (unsigned int done = 0; done < PKTS; done += BURST) {
		for (unsigned int i = 0; i < BURST; i++) {
			m[i] = rte_pktmbuf_alloc(b->dp->pool);
			memcpy(rte_pktmbuf_append(m[i], plen), plain, plen);
			m[i]->l2_len = 14;
			m[i]->l3_len = 20;
		}
		if (esp_out_burst(b->w, m, BURST, reason) != BURST) {
			fprintf(stderr, "bench: outbound stage dropped %s\n",
				dp_drop_info[reason[0]].name);
			exit(1);
		}
		for (unsigned int i = 0; i < BURST; i++) {
			uint8_t *dst = esp + (done + i) * stride;
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(dst + 14);
			uint32_t t;

			lens[done + i] = (uint16_t)m[i]->pkt_len;
			memcpy(dst, rte_pktmbuf_mtod(m[i], void *), m[i]->pkt_len);
			t = ip->src_addr;
			ip->src_addr = ip->dst_addr;
			ip->dst_addr = t;
			rte_ether_addr_copy(&b->dp->ports[0].mac, (struct rte_ether_addr *)dst);
			if (ah_of(x) != DP_AUTH_NONE)
				ah_resign(b, x, dst, lens[done + i]);
		}
		rte_pktmbuf_free_bulk(m, BURST);
	}
}

static void
reset_sas(struct bench *b, const struct xf *x)
{
	dp_sa_del_all(b->dp);
	dp_housekeeping(b->dp);
	if (add_sa(b, CFG_DIR_OUT, x) != 0 || add_sa(b, CFG_DIR_IN, x) != 0) {
		fprintf(stderr, "bench: cannot install SAs\n");
		exit(1);
	}
}

struct result {
	double out_cyc, in_cyc, floor_enc, floor_dec;
	struct stage_split out_split, in_split;
};

static bool split_mode;
/* -b with -n: the fastest run, not the median (on a shared host; -w has its own) */
static bool scale_best;

/* The floor: the same crypto on the same ESP payloads, straight into libipsec-mb. */
static void
crypto_floor(struct bench *b, const struct xf *x, uint32_t ip_len, struct result *r)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[x->c];
	uint32_t pad = (ci->block - ((ip_len + 2) % ci->block)) % ci->block;
	uint32_t ct = ip_len + pad + 2, hdr = 8 + ci->iv_len;
	/* AH: one HMAC over the outer IPv4 header, the AH header and the inner packet */
	if (x->proto == IPPROTO_AH) {
		ct = ip_len;
		hdr = 20 + 12 + dp_auth_info[x->a].icv_len;
	}
	uint8_t key[64], akey[64], nonce[12] = {0}, aad[8] = {0}, tag[32];
	struct cmb_keys *k, *ka = NULL;
	uint8_t *buf = rte_malloc("floor", (size_t)PKTS * 2048, 64);
	static double enc[RUNS_MAX], dec[RUNS_MAX];
	/* AH+ESP: and one HMAC over the outer IPv4 header, the AH header and the whole ESP */
	uint32_t ah_hash = x->ah == DP_AUTH_NONE ? 0
			   : 20 + ((12 + dp_auth_info[x->ah].icv_len + 3) & ~3u) + hdr + ct +
				     dp_xform_icv_len(x->c, x->a);

	memset(key, 0x42, sizeof(key));
	memset(akey, 0x24, sizeof(akey));
	k = cmb_keys_create(b->w->mb, x->c, x->a, key, akey);
	if (ah_hash > 0)
		ka = cmb_keys_create(b->w->mb, DP_CIPHER_NULL, x->ah, NULL, akey);
	memset(buf, 0x5a, (size_t)PKTS * 2048);
	for (unsigned int run = 0; run < RUNS; run++) {
		for (int dir = 0; dir < 2; dir++) {
			uint64_t t0 = rte_rdtsc_precise();

			for (unsigned int i = 0; i < PKTS; i += BURST) {
				struct cmb_op ops[BURST];

				for (unsigned int j = 0; j < BURST; j++) {
					uint8_t *p = buf + (size_t)(i + j) * 2048;

					if (ci->aead && dir == 0)
						cmb_gcm_enc(b->w->mb, k, p + hdr, ct, nonce, aad, 8, tag);
					else if (ci->aead)
						cmb_gcm_dec(b->w->mb, k, p + hdr, ct, nonce, aad, 8, tag);
					ops[j] = (struct cmb_op){.buf = p, .k = k, .iv = p + 8,
								 .cipher_off = hdr, .cipher_len = ct,
								 .hash_len = hdr + ct, .tag = p + hdr + ct};
				}
				if (!ci->aead && dir == 0) {
					cmb_cbc_burst(b->w->mb, ops, BURST, true);
					cmb_hmac_burst(b->w->mb, ops, BURST);
				} else if (!ci->aead) {
					cmb_hmac_burst(b->w->mb, ops, BURST);
					cmb_cbc_burst(b->w->mb, ops, BURST, false);
				}
				for (unsigned int j = 0; ka != NULL && j < BURST; j++) {
					uint8_t *p = buf + (size_t)(i + j) * 2048;

					ops[j] = (struct cmb_op){.buf = p, .k = ka,
								 .hash_len = ah_hash, .tag = tag};
				}
				if (ka != NULL)
					cmb_hmac_burst(b->w->mb, ops, BURST);
			}
			(dir == 0 ? enc : dec)[run] = (double)(rte_rdtsc_precise() - t0) / PKTS;
		}
	}
	r->floor_enc = bench_median(enc, RUNS);
	r->floor_dec = bench_median(dec, RUNS);
	cmb_keys_free(k);
	cmb_keys_free(ka);
	rte_free(buf);
}

/*
 * One SA pair for the whole case, installed once, and a warm-up run in each
 * direction that is not counted: the daemon keeps its SAs for hours, so a
 * figure that includes a fresh key schedule, a cold SA and the reclaim of
 * the last one measures something the daemon never does. Inbound frames are
 * made fresh before each run by the same outbound SA, so their sequence
 * numbers only grow and the replay window takes them all.
 */
static void
measure(struct bench *b, const struct xf *x, uint32_t ip_len, struct result *r)
{
	const size_t stride = 2048;
	uint8_t plain[2048];
	uint16_t plen = (uint16_t)plain_frame(b, plain, ip_len);
	uint8_t *frames = rte_malloc("frames", PKTS * stride, 64);
	uint8_t *esp = rte_malloc("esp", PKTS * stride, 64);
	uint16_t plens[PKTS], elens[PKTS];
	struct rte_mbuf *m[PKTS];
	static double out[RUNS_MAX + 1], in[RUNS_MAX + 1];

	for (unsigned int i = 0; i < PKTS; i++) {
		memcpy(frames + i * stride, plain, plen);
		plens[i] = plen;
	}
	reset_sas(b, x);
	for (unsigned int run = 0; run <= RUNS; run++) {	/* run 0: the warm-up */
		fill(b, m, frames, stride, plens, PKTS);
		out[run] = timed_run(b, 1, m);
		make_esp(b, x, plain, plen, esp, elens, stride);
		fill(b, m, esp, stride, elens, PKTS);
		in[run] = timed_run(b, 0, m);
	}
	r->out_cyc = bench_median(out + 1, RUNS);
	r->in_cyc = bench_median(in + 1, RUNS);
	if (split_mode) {
		fill(b, m, frames, stride, plens, PKTS);
		split_run(b, 1, m, &r->out_split, false);
		make_esp(b, x, plain, plen, esp, elens, stride);
		fill(b, m, esp, stride, elens, PKTS);
		split_run(b, 0, m, &r->in_split, ah_of(x) != DP_AUTH_NONE);
	}
	crypto_floor(b, x, ip_len, r);
	rte_free(frames);
	rte_free(esp);
}

/*
 * Scale mode (-n N): N inbound AES-128-GCM SAs, and each run's packets spread
 * evenly over them (packet j of the whole benchmark goes to SA j mod N), so
 * with N large every packet meets an SA, key schedule and replay window the
 * caches no longer hold, as on a gateway with N busy tunnels. The peer's ESP
 * is built here (RFC 4303 tunnel mode, RFC 4106 nonce salt || IV, AAD SPI ||
 * sequence number): the outbound stage has one SA, the frames need N.
 */
struct scale {
	struct cmb_keys *k;
	uint32_t *seq;		/* the last sequence number sent on each SA */
	uint32_t next;		/* the SA of the next packet */
	uint32_t flood;		/* unknown-SPI packets made */
};

uint16_t
bench_peer_esp(IMB_MGR *mb, const struct cmb_keys *k, const struct rte_ether_addr *dst_mac,
	       uint32_t spi, uint32_t seq, const uint8_t *inner, uint32_t ip_len, uint8_t *f)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint8_t *esp = (uint8_t *)(ip + 1), *ct = esp + 16, nonce[12], aad[8];
	uint32_t pad = (4 - ((ip_len + 2) & 3)) & 3, ct_len = ip_len + pad + 2;
	uint32_t spi_be = rte_cpu_to_be_32(spi), seq_be = rte_cpu_to_be_32(seq), a;
	uint64_t iv = rte_cpu_to_be_64(seq);

	memset(f, 0, sizeof(*eth) + sizeof(*ip));
	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + 16 + ct_len + 16));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ESP;
	ip4_parse("192.0.2.1", &a);
	ip->src_addr = a;
	ip4_parse("192.0.2.2", &a);
	ip->dst_addr = a;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(esp, &spi_be, 4);
	memcpy(esp + 4, &seq_be, 4);
	memcpy(esp + 8, &iv, 8);
	memcpy(ct, inner, ip_len);
	for (uint32_t j = 0; j < pad; j++)
		ct[ip_len + j] = (uint8_t)(j + 1);
	ct[ip_len + pad] = (uint8_t)pad;
	ct[ip_len + pad + 1] = 4;	/* next header: IPv4 */
	memset(nonce, 0x42, 4);		/* the salt: add_sa_spi's key material is all 0x42 */
	memcpy(nonce + 4, &iv, 8);
	memcpy(aad, esp, 8);
	cmb_gcm_enc(mb, k, ct, ct_len, nonce, aad, 8, ct + ct_len);
	return (uint16_t)(sizeof(*eth) + sizeof(*ip) + 16 + ct_len + 16);
}

/* The next packet of the scale run: SA after SA, or (flood) a new unknown SPI. */
static uint16_t
scale_frame(struct bench *b, struct scale *sc, const uint8_t *inner, uint32_t ip_len, uint8_t *f,
	    bool flood)
{
	uint32_t i = sc->next;

	if (flood)	/* a new unknown SPI each time: the flood defeats any cache */
		return bench_peer_esp(b->w->mb, sc->k, &b->dp->ports[0].mac,
				      FLOOD_SPI | (sc->flood++ & 0xfffffff), sc->seq[i] + 1, inner,
				      ip_len, f);
	sc->next = i + 1 == n_scale ? 0 : i + 1;
	return bench_peer_esp(b->w->mb, sc->k, &b->dp->ports[0].mac, SCALE_SPI + i, ++sc->seq[i],
			      inner, ip_len, f);
}

static size_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats st;

	return rte_malloc_get_socket_stats(0, &st) == 0 ? st.heap_allocsz_bytes : 0;
}

/* Resident bytes of this process (what DPDK's heap does not show: key slabs, hash tables). */
static size_t
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (f != NULL) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static void
measure_scale(struct bench *b, uint32_t ip_len)
{
	const struct xf *x = &xfs[0];	/* AES-128-GCM */
	const size_t stride = 2048;
	uint8_t plain[2048], key[64];
	uint16_t plen = (uint16_t)plain_frame(b, plain, ip_len), lens[PKTS];
	uint8_t *esp = rte_malloc("esp", PKTS * stride, 64);
	struct rte_mbuf *m[PKTS];
	struct scale sc = {.seq = calloc(n_scale, sizeof(uint32_t))};
	static double in[RUNS_MAX + 1];
	uint64_t t0;
	size_t before, rss_before;
	double secs, med;

	(void)plen;
	memset(key, 0x42, sizeof(key));
	sc.k = cmb_keys_create(b->w->mb, x->c, x->a, key, NULL);
	if (esp == NULL || sc.seq == NULL || sc.k == NULL) {
		fprintf(stderr, "bench: out of memory for %u SAs\n", n_scale);
		exit(1);
	}
	dp_sa_del_all(b->dp);
	dp_housekeeping(b->dp);
	before = heap_bytes();
	rss_before = rss_bytes();
	t0 = rte_rdtsc();
	for (uint32_t i = 0; i < n_scale; i++) {
		if (add_sa_spi(b, CFG_DIR_IN, x, SCALE_SPI + i) != 0) {
			fprintf(stderr, "bench: cannot install inbound SA %u of %u\n", i + 1,
				n_scale);
			exit(1);
		}
	}
	secs = (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz();
	printf("# %u inbound SAs installed in %.2f s; per SA %.0f bytes of DPDK heap, %.0f bytes "
	       "resident in all\n",
	       n_scale, secs, (double)(heap_bytes() - before) / n_scale,
	       (double)(rss_bytes() - rss_before) / n_scale);
	/* warm-up: one pass over every SA (at least one run), not counted */
	for (uint32_t done = 0; done < n_scale || done == 0; done += PKTS) {
		for (unsigned int i = 0; i < PKTS; i++)
			lens[i] = scale_frame(b, &sc, plain + 14, ip_len, esp + i * stride,
						     flood_mode && (i & 1));
		fill(b, m, esp, stride, lens, PKTS);
		timed_run(b, 0, m);
	}
	for (unsigned int run = 0; run < RUNS; run++) {
		for (unsigned int i = 0; i < PKTS; i++)
			lens[i] = scale_frame(b, &sc, plain + 14, ip_len, esp + i * stride,
						     flood_mode && (i & 1));
		fill(b, m, esp, stride, lens, PKTS);
		in[run] = timed_run(b, 0, m);
	}
	med = bench_median(in, RUNS);	/* sorts: in[0] is the fastest run */
	if (scale_best)
		med = in[0];
	if (flood_mode)
		printf("%-26s %5u %4s %8s %8.1f   per valid packet (%u SAs, traffic spread "
		       "evenly; as many unknown-SPI packets between them)%s\n",
		       x->name, ip_len, "in", "", 2 * med, n_scale,
		       scale_best ? "; fastest run" : "");
	else
		printf("%-26s %5u %4s %8s %8.1f   (%u SAs, traffic spread evenly)%s\n", x->name,
		       ip_len, "in", "", med, n_scale, scale_best ? "; fastest run" : "");
	cmb_keys_free(sc.k);
	free(sc.seq);
	rte_free(esp);
}

/*
 * Every packet must have gone through (but those of the expected reason, a
 * drop code or DP_DROP__COUNT for none): a benchmark of drops measures nothing.
 */
static void
check_no_drops(const struct bench *b, int expected)
{
	for (int c = 0; c < DP_DROP__COUNT; c++) {
		if (c != expected && b->w->stats.drop_pkts[c] != 0) {
			fprintf(stderr, "bench: %" PRIu64 " packets dropped as %s\n",
				b->w->stats.drop_pkts[c], dp_drop_info[c].name);
			exit(1);
		}
	}
}

bool
bench_hugepages_free(unsigned long mem_mb)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	unsigned long free_pages = 0;

	if (f != NULL) {
		if (fscanf(f, "%lu", &free_pages) != 1)
			free_pages = 0;
		fclose(f);
	}
	/* -m on 2 MiB pages (256 MiB: 128 of them), and some to spare for EAL's own */
	return free_pages >= mem_mb / 2 + 32;
}

/*
 * EAL's memory and lcores. Hugepages when enough are free (the daemon runs
 * on them; 4 KiB pages add TLB misses the daemon does not have), else
 * --no-huge. One CPU, by default the last one this process may use (the
 * first takes more of the host's interrupts here): the main lcore runs the
 * benchmark, and the worker lcore EAL must have for dp_create() shares the
 * CPU but is never launched, so it never runs. Returns whether hugepages.
 */
static bool
eal_args(int *cpu, char *lcores, size_t lcores_len, char *mem, size_t mem_len,
	 unsigned long mem_mb)
{
	bool huge = bench_hugepages_free(mem_mb);
	cpu_set_t set;

	if (huge)
		snprintf(mem, mem_len, "--in-memory");
	if (*cpu < 0 && sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				*cpu = i;
	if (*cpu < 0)
		*cpu = 0;
	snprintf(lcores, lcores_len, "0@%d,1@%d", *cpu, *cpu);
	return huge;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-x gcm|cbc|ah|ah-esp] [-s 64|512|1400] [-r RUNS] [-c CPU] [-p] [-6]\n"
		"       [-n SAS [-f]]\n"
		"       %s -w WORKERS [-s SIZE] [-r RUNS] [-b]\n"
		"  -c      the CPU to run on (default: the last one allowed)\n"
		"  -p      also print a per-stage split (classify / ESP / TX) of one run\n"
		"  -x, -s  measure only one transform / inner packet size (for profiling)\n"
		"  -6      IPv6 inner packets (IPv6 inside the IPv4 tunnel)\n"
		"  -r      runs per figure (default %d); each figure is their median\n"
		"  -n N    scale: inbound AES-128-GCM over N SAs, packets spread evenly (-s size,\n"
		"          default 64)\n"
		"  -f      with -n: an unknown-SPI packet after every valid one; cycles per valid packet\n"
		"  -w N    1 against N (2 or 4) workers on N CPUs (the last N allowed), AES-128-GCM over 64\n"
		"          tunnels and one elephant tunnel (dp_bench_mc.c); -s: one size only\n"
		"  -b      with -w or -n: the fastest run, not the median (on a shared host)\n",
		prog, prog, RUNS_DEFAULT);
	exit(2);
}

int
main(int argc, char **argv)
{
	/* lcore 1 only gives dp_create() its worker; it is never launched (see eal_args) */
	char lcores[64], mem[16] = "--no-huge";
	char mem_mb[16] = "256";
	char *eal[] = {argv[0], "--no-pci", mem, "--no-shconf", "-m", mem_mb,
		       "--lcores", lcores, "--log-level", "*:error", "--vdev", "net_null0",
		       "--vdev", "net_null1", NULL};
	static struct bench b;
	int cpu = -1;
	bool huge;
	char err[256];
	double hz;

	const char *only_x = NULL;
	uint32_t only_s = 0;
	unsigned int workers = 0;
	bool best = false;
	int opt;

	while ((opt = getopt(argc, argv, "x:s:r:c:n:w:bfph6")) != -1) {
		switch (opt) {
		case 'b':
			best = true;
			break;
		case 'w':
			workers = (unsigned int)strtoul(optarg, NULL, 10);
			if (workers != 2 && workers != 4)	/* lanes of whole bursts */
				usage(argv[0]);
			break;
		case '6':
			inner6 = true;
			break;
		case 'c':
			cpu = (int)strtol(optarg, NULL, 10);
			if (cpu < 0 || cpu >= CPU_SETSIZE)
				usage(argv[0]);
			break;
		case 'p':
			split_mode = true;
			break;
		case 'f':
			flood_mode = true;
			break;
		case 'n':
			n_scale = (uint32_t)strtoul(optarg, NULL, 10);
			if (n_scale == 0 || n_scale > SCALE_MAX)
				usage(argv[0]);
			break;
		case 'x':
			only_x = optarg;
			break;
		case 's':
			only_s = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			RUNS = (unsigned int)strtoul(optarg, NULL, 10);
			if (RUNS == 0 || RUNS > RUNS_MAX)
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (workers > 0)
		return bench_mc_main(argv[0], workers, RUNS, only_s, best);
	scale_best = best && n_scale > 0;
	/*
	 * SAs live in DPDK's heap: 448 bytes of sa_rt each and 64 to 128 bytes of
	 * SA table (sad_table.h; sa_max is 2N), 1 KiB allowed. (4 KiB were: 1M
	 * SAs then asked for more hugepages than a 2 GiB reservation holds and
	 * ran on 4 KiB pages, with TLB misses the daemon on hugepages does not
	 * have.) The expanded keys are in secret memory, outside this heap.
	 */
	snprintf(mem_mb, sizeof(mem_mb), "%u", 256 + n_scale / 1024);
	huge = eal_args(&cpu, lcores, sizeof(lcores), mem, sizeof(mem),
			(unsigned long)strtoul(mem_mb, NULL, 10));
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	bench_config(&b);
	b.dp = dp_create(&b.cfg, err, sizeof(err));
	if (b.dp == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	rte_eth_dev_start(b.dp->ports[0].port_id);
	rte_eth_dev_start(b.dp->ports[1].port_id);
	b.w = b.dp->workers[0];
	hz = (double)rte_get_tsc_hz();
	printf("# dpsec dataplane microbenchmark: 1 lcore on CPU %d, burst %d, median of %u runs "
	       "of %d packets after a warm-up, one SA pair per case\n"
	       "# memory: %s\n# TSC %.0f MHz, libipsec-mb %s, arch %s\n",
	       cpu, BURST, RUNS, PKTS,
	       huge ? "2 MiB hugepages, as the daemon runs"
		    : "4 KiB pages (--no-huge: no free hugepages; expect more TLB misses than "
		      "the daemon on hugepages)",
	       hz / 1e6, imb_get_version_str(), cmb_arch_name(b.w->mb));
	if (inner6)
		printf("# inner packets: IPv6 (-6), in the IPv4 tunnel\n");
	printf("%-26s %5s %4s %8s %8s %8s %7s %7s\n", "transform", "bytes", "dir", "cyc/pkt",
	       "floor", "ratio", "Mpps", "Gbps");
	if (n_scale > 0) {
		measure_scale(&b, only_s != 0 ? only_s : 64);
		check_no_drops(&b, flood_mode ? DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI : DP_DROP__COUNT);
	}
	for (size_t xi = 0; xi < RTE_DIM(xfs) && n_scale == 0; xi++) {
		for (size_t si = 0; si < RTE_DIM(sizes); si++) {
			struct result r;

			if ((only_x != NULL && strcmp(xfs[xi].key, only_x) != 0) ||
			    (only_s != 0 && only_s != sizes[si]))
				continue;
			measure(&b, &xfs[xi], sizes[si], &r);
			check_no_drops(&b, DP_DROP__COUNT);
			for (int dir = 0; dir < 2; dir++) {
				double cyc = dir ? r.in_cyc : r.out_cyc;
				double fl = dir ? r.floor_dec : r.floor_enc;
				double mpps = hz / cyc / 1e6;

				const struct stage_split *sp = dir ? &r.in_split : &r.out_split;

				printf("%-26s %5u %4s %8.1f %8.1f %8.2f %7.2f %7.2f\n",
				       xfs[xi].name, sizes[si], dir ? "in" : "out", cyc, fl,
				       cyc / fl, mpps, mpps * sizes[si] * 8 / 1e3);
				if (split_mode)
					printf("%38s classify %.1f, esp %.1f, tx %.1f\n", "",
					       sp->classify, sp->esp, sp->tx);
			}
		}
	}
	dp_sa_del_all(b.dp);
	dp_housekeeping(b.dp);
	rte_eth_dev_stop(b.dp->ports[0].port_id);
	rte_eth_dev_stop(b.dp->ports[1].port_id);
	dp_destroy(b.dp);
	rte_eal_cleanup();
	return 0;
}
