/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process benchmark of the IKEv2 engine (dpsec/ike.h): full handshakes
 * (IKE_SA_INIT + IKE_AUTH with one CHILD_SA) between two engines in one
 * process, on one core, with a fake clock, a message queue and a fake
 * dataplane (like tests/unit/ike/ike_pair.c, without cmocka).
 *
 * Part 1, handshakes: a spoke initiates to the hub, the queue is pumped until
 * both ends have the CHILD_SA, then both tear down locally (ike_clear; the
 * DELETEs are dropped) so the next handshake is a new IKE SA from scratch.
 * The timed region is initiate + pump (both peers' work); tear-down is timed
 * apart. Times are thread CPU time (CLOCK_THREAD_CPUTIME_ID), so a loaded
 * machine slows the run without inflating the figure much; handshakes/s is
 * 1 / CPU time per handshake (one core doing both ends).
 *
 * Part 2, where the time goes: the crypto calls a handshake makes (both
 * ends together), each timed alone in a loop with the same sizes: DH
 * (2 key pairs, 2 derivations), key derivation (2 x SKEYSEED + prf+ to the
 * seven keys, Encrypted-payload key setup, CHILD_SA KEYMAT), AUTH (4 PSK
 * AUTH computations: each side its own and the peer's), SK (2 seals + 2
 * opens), NAT-D (8 hashes). "rest" is the handshake minus their sum.
 *
 * Part 3, memory: ike_mem_bytes of the hub with 1, 100 and 1000 established
 * tunnels, each from its own spoke (own address, own IKE SA and CHILD_SA),
 * and of one spoke (the initiator side).
 *
 * Usage: ike_bench [-g GROUP]... [-n HANDSHAKES] [-r RUNS] [-m] (memory only)
 *        [-M] (no memory part) [-c] (no crypto breakdown)
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dpsec/config.h"
#include "dpsec/ike.h"

#include "ike_crypto.h"

#define QMAX 64
#define MSG_MAX 4096
#define SPOKES_MAX 1000
#define HUB 0			/* node index of the hub; spoke k is node k + 1 */

struct msg {
	unsigned int from;
	struct ike_addr src, dst;
	size_t len;
	uint8_t buf[MSG_MAX];
};

struct node {
	struct dpsec_config *cfg;
	struct ike *ike;
	struct ike_addr addr;	/* its outside address, port 500 */
	unsigned int idx;
	uint32_t next_handle;
};

struct net {
	uint64_t now_ms;
	struct node *nodes;	/* hub, then spokes */
	unsigned int n_nodes;
	struct msg q[QMAX];
	unsigned int qh, qn;
	uint64_t delivered, lost;
};

static struct net NET;

/* ---- the engines' callbacks: a fake clock, the queue, a dataplane that accepts ---- */

static uint64_t
cb_now(void *ctx)
{
	(void)ctx;
	return NET.now_ms;
}

static void
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *buf, size_t len)
{
	const struct node *n = ctx;
	struct msg *m;

	if (len > MSG_MAX || NET.qn == QMAX) {
		NET.lost++;
		return;
	}
	m = &NET.q[(NET.qh + NET.qn++) % QMAX];
	m->from = n->idx;
	m->src = *local;
	m->dst = *remote;
	m->len = len;
	memcpy(m->buf, buf, len);
}

static int
cb_sa_add(void *ctx, const struct dp_sa_params *p, uint32_t *handle)
{
	struct node *n = ctx;

	(void)p;
	*handle = n->next_handle++;
	return 0;
}

static int
cb_sa_ok(void *ctx, uint32_t handle)
{
	(void)ctx;
	(void)handle;
	return 0;
}

static int
cb_sa_usage(void *ctx, uint32_t handle, struct ike_sa_usage *u)
{
	(void)ctx;
	(void)handle;
	u->pkts = 0;
	u->bytes = 0;
	return 0;
}

static void
cb_log(void *ctx, int severity, const char *tag, const char *text)
{
	(void)ctx;
	(void)severity;
	(void)tag;
	(void)text;
}

static struct node *
node_at(const struct ike_addr *a)
{
	/* the hub is 192.0.2.2; spoke k is 100.64.(k / 250).(k % 250 + 1) */
	if (a->ip[0] == 192)
		return &NET.nodes[HUB];
	unsigned int k = (unsigned int)a->ip[2] * 250 + a->ip[3] - 1;

	return k + 1 < NET.n_nodes ? &NET.nodes[k + 1] : NULL;
}

static unsigned int
pump(void)
{
	unsigned int n = 0;

	while (NET.qn > 0) {
		struct msg *m = &NET.q[NET.qh];
		struct node *to = node_at(&m->dst);

		NET.qh = (NET.qh + 1) % QMAX;
		NET.qn--;
		n++;
		if (to == NULL) {
			NET.lost++;
			continue;
		}
		NET.delivered++;
		ike_input(to->ike, &m->dst, &m->src, m->buf, m->len);
	}
	return n;
}

static void
flush(void)
{
	NET.qh = 0;
	NET.qn = 0;
}

/* ---- configurations ---- */

static const char *
proposal(int group)
{
	switch (group) {
	case 14:
		return "{encryption: [aes-gcm-256], prf: [sha384], group: [14]}";
	case 31:
		return "{encryption: [aes-gcm-256], prf: [sha384], group: [31]}";
	default:
		return "{encryption: [aes-gcm-256], prf: [sha384], group: [19]}";
	}
}

static void
spoke_ip(unsigned int k, char *out, size_t len)
{
	snprintf(out, len, "100.64.%u.%u", k / 250, k % 250 + 1);
}

/* Appends to a growing buffer; exits on overflow (a bench, not a library). */
static void
put(char **buf, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			exit(2);
		if ((size_t)n < *cap - *len)
			break;
		*cap = *cap * 2 + (size_t)n;
		*buf = realloc(*buf, *cap);
		if (*buf == NULL)
			exit(2);
	}
	*len += (size_t)n;
}

static const char common[] =
	"ikev2:\n"
	"  proposals:\n"
	"    P: %s\n"
	"  policies:\n"
	"    POL: {proposals: [P]}\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - {name: peer, address: %s, pre_shared_key: \"bench-psk-not-secret\"}\n"
	"  profiles:\n"
	"    PROF:\n"
	"      match_identity_remote: [{address: %s}]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"  nat_keepalive: 0\n"
	"transform_sets:\n"
	"  TS: {transforms: [esp-gcm 256]}\n";

static struct dpsec_config *
parse(const char *name, char *yaml, size_t len)
{
	char err[512];
	struct dpsec_config *cfg = config_parse(name, yaml, len, err, sizeof(err));

	if (cfg == NULL) {
		fprintf(stderr, "config %s: %s\n", name, err);
		exit(2);
	}
	free(yaml);
	return cfg;
}

/* The hub: one crypto-map entry per spoke, the keyring and identity a prefix for them all. */
static struct dpsec_config *
hub_config(int group, unsigned int spokes)
{
	size_t len = 0, cap = 4096;
	char *y = malloc(cap), ip[32];

	if (y == NULL)
		exit(2);
	put(&y, &len, &cap, "hostname: hub\n");
	put(&y, &len, &cap, common, proposal(group), "100.64.0.0/16", "100.64.0.0/16");
	put(&y, &len, &cap,
	    "interfaces:\n"
	    "  - {name: in0, device: net_null0, address: 172.16.0.1/16, role: inside}\n"
	    "  - {name: out0, device: net_null1, address: 192.0.2.2/24, role: outside, "
	    "crypto_map: VPN}\n"
	    "crypto_maps:\n"
	    "  VPN:\n");
	for (unsigned int k = 0; k < spokes; k++) {
		spoke_ip(k, ip, sizeof(ip));
		put(&y, &len, &cap,
		    "    - {seq: %u, peer: %s, transform_set: TS, ikev2_profile: PROF, "
		    "match: [{src: 172.16.0.0/16, dst: 10.%u.%u.0/24}]}\n",
		    k + 1, ip, k / 250, k % 250 + 1);
	}
	return parse("hub", y, len);
}

static struct dpsec_config *
spoke_config(int group, unsigned int k)
{
	size_t len = 0, cap = 4096;
	char *y = malloc(cap), ip[32];

	if (y == NULL)
		exit(2);
	spoke_ip(k, ip, sizeof(ip));
	put(&y, &len, &cap, "hostname: spoke%u\n", k);
	put(&y, &len, &cap, common, proposal(group), "192.0.2.2", "192.0.2.2");
	put(&y, &len, &cap,
	    "interfaces:\n"
	    "  - {name: in0, device: net_null0, address: 10.%u.%u.1/24, role: inside}\n"
	    "  - {name: out0, device: net_null1, address: %s/16, role: outside, "
	    "crypto_map: VPN}\n"
	    "crypto_maps:\n"
	    "  VPN:\n"
	    "    - {seq: 10, peer: 192.0.2.2, transform_set: TS, ikev2_profile: PROF, "
	    "match: [{src: 10.%u.%u.0/24, dst: 172.16.0.0/16}]}\n",
	    k / 250, k % 250 + 1, ip, k / 250, k % 250 + 1);
	return parse("spoke", y, len);
}

static void
node_start(struct node *n, unsigned int idx, struct dpsec_config *cfg, const uint8_t ip[4])
{
	struct ike_ops ops = {
		.ctx = n,
		.now_ms = cb_now,
		.send = cb_send,
		.sa_add = cb_sa_add,
		.sa_activate = cb_sa_ok,
		.sa_del = cb_sa_ok,
		.sa_usage = cb_sa_usage,
		.log = cb_log,
		.send_keepalive = NULL,
	};
	char err[256];

	memset(n, 0, sizeof(*n));
	n->idx = idx;
	n->cfg = cfg;
	n->addr.family = 4;
	memcpy(n->addr.ip, ip, 4);
	n->addr.port = 500;
	n->ike = ike_create(cfg, &ops, err, sizeof(err));
	if (n->ike == NULL) {
		fprintf(stderr, "ike_create: %s\n", err);
		exit(2);
	}
}

static void
net_up(int group, unsigned int spokes)
{
	NET = (struct net){.now_ms = 1000000};
	NET.nodes = calloc(spokes + 1, sizeof(*NET.nodes));
	if (NET.nodes == NULL)
		exit(2);
	NET.n_nodes = spokes + 1;
	node_start(&NET.nodes[HUB], HUB, hub_config(group, spokes), (const uint8_t[4]){192, 0, 2, 2});
	for (unsigned int k = 0; k < spokes; k++)
		node_start(&NET.nodes[k + 1], k + 1, spoke_config(group, k),
			   (const uint8_t[4]){100, 64, (uint8_t)(k / 250), (uint8_t)(k % 250 + 1)});
}

static void
net_down(void)
{
	for (unsigned int i = 0; i < NET.n_nodes; i++) {
		ike_destroy(NET.nodes[i].ike);
		config_free(NET.nodes[i].cfg);
	}
	free(NET.nodes);
	NET.nodes = NULL;
	NET.n_nodes = 0;
}

static uint64_t
cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t
wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Both ends have the spoke's CHILD_SA established and active. */
static bool
tunnel_up(const struct node *spoke)
{
	struct view_ike_child c[4];
	const struct ike *ends[2] = {spoke->ike, NET.nodes[HUB].ike};

	for (int i = 0; i < 2; i++) {
		size_t n = ike_child_list(ends[i], 0, c, 4);
		bool up = false;

		for (size_t j = 0; j < n; j++)
			up |= c[j].active && !c[j].rekeyed;
		if (!up)
			return false;
	}
	return true;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double med, min, max;
};

static struct stats
stats_of(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return (struct stats){.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
			      .min = v[0],
			      .max = v[n - 1]};
}

#define RUNS_MAX 101

/* Part 1. Returns the median CPU us per handshake. */
static double
bench_handshakes(int group, unsigned int n, unsigned int runs)
{
	double hs_us[RUNS_MAX], td_us[RUNS_MAX], wall_us[RUNS_MAX];
	struct node *spoke;
	struct stats s, t, w;

	net_up(group, 1);
	spoke = &NET.nodes[1];
	for (unsigned int r = 0; r < runs; r++) {
		uint64_t hs = 0, td = 0, w0 = wall_ns();

		for (unsigned int i = 0; i < n; i++) {
			uint64_t t0 = cpu_ns(), t1, t2;
			int rc = ike_initiate(spoke->ike, 0, 0);

			pump();
			t1 = cpu_ns();
			if (rc != 0 || !tunnel_up(spoke)) {
				fprintf(stderr, "group %d: handshake %u failed (initiate %d)\n", group,
					i, rc);
				exit(1);
			}
			ike_clear(spoke->ike, NULL);
			ike_clear(NET.nodes[HUB].ike, NULL);
			flush();	/* the DELETEs: both ends already forgot the SA */
			t2 = cpu_ns();
			hs += t1 - t0;
			td += t2 - t1;
			/* a little time passes, as between real handshakes */
			NET.now_ms += 1;
		}
		hs_us[r] = (double)hs / n / 1000.0;
		td_us[r] = (double)td / n / 1000.0;
		wall_us[r] = (double)(wall_ns() - w0) / n / 1000.0;
	}
	if (ike_mem_bytes(spoke->ike) != 0 || ike_mem_bytes(NET.nodes[HUB].ike) != 0) {
		fprintf(stderr, "state left after tear-down\n");
		exit(1);
	}
	net_down();
	s = stats_of(hs_us, runs);
	t = stats_of(td_us, runs);
	w = stats_of(wall_us, runs);
	printf("group %-2d handshake (both ends): %8.1f us CPU  [%.1f .. %.1f]  = %6.0f /s/core;"
	       "  tear-down %5.1f us;  wall %8.1f us\n",
	       group, s.med, s.min, s.max, 1e6 / s.med, t.med, w.med);
	return s.med;
}

/* ---- Part 2: the crypto calls of one handshake (both ends), timed alone ---- */

static uint8_t msgbuf[2048];

static double
time_dh(int group, unsigned int iters)
{
	uint8_t pub_i[IKE_DH_PUB_MAX], pub_r[IKE_DH_PUB_MAX];
	size_t len = ike_dh_public_len((enum ike_dh)group);
	struct ike_dh_shared gi, gr;
	uint64_t t0 = cpu_ns();

	for (unsigned int i = 0; i < iters; i++) {
		struct ike_dh_key *ki = ike_dh_key_new((enum ike_dh)group);
		struct ike_dh_key *kr = ike_dh_key_new((enum ike_dh)group);

		if (ki == NULL || kr == NULL || ike_dh_key_public(ki, pub_i, len) != 0 ||
		    ike_dh_key_public(kr, pub_r, len) != 0 ||
		    ike_dh_key_derive(kr, pub_i, len, &gr) != 0 ||
		    ike_dh_key_derive(ki, pub_r, len, &gi) != 0 || gi.len != gr.len ||
		    memcmp(gi.b, gr.b, gi.len) != 0) {
			fprintf(stderr, "DH %d failed\n", group);
			exit(1);
		}
		ike_dh_key_free(ki);
		ike_dh_key_free(kr);
	}
	return (double)(cpu_ns() - t0) / iters / 1000.0;
}

static const struct ike_suite SUITE = {
	.encr = IKE_ENCR_AES_GCM_16, .encr_bits = 256, .integ = IKE_INTEG_NONE,
	.prf = IKE_PRF_HMAC_SHA2_384, .dh = IKE_DH_ECP256,
};

static uint8_t NI[32] = {1}, NR[32] = {2}, SPI_I[8] = {3}, SPI_R[8] = {4};

static double
time_keys(int group, unsigned int iters)
{
	struct ike_nonces n = {.i = NI, .i_len = sizeof(NI), .r = NR, .r_len = sizeof(NR)};
	struct ike_dh_shared gir = {.len = (uint16_t)ike_dh_shared_len((enum ike_dh)group)};
	struct ike_keys k;
	struct ike_sk sk;
	struct ike_keymat km;
	uint64_t t0 = cpu_ns();

	memset(gir.b, 0x5a, gir.len);
	for (unsigned int i = 0; i < 2 * iters; i++) {
		if (ike_keys_from_init(&SUITE, &n, &gir, SPI_I, SPI_R, &k) != 0 ||
		    ike_sk_init(&sk, &SUITE, &k, i & 1) != 0 ||
		    ike_child_keymat(SUITE.prf, &k.d, NULL, &n, 2 * 36, &km) != 0)
			exit(1);
		ike_keymat_wipe(&km);
		ike_sk_wipe(&sk);
		ike_keys_wipe(&k);
	}
	return (double)(cpu_ns() - t0) / iters / 1000.0;
}

static double
time_auth(unsigned int iters)
{
	struct secret skp = {.len = 48};
	static const uint8_t id[8] = {1, 0, 0, 0, 192, 0, 2, 1};
	struct ike_auth_in in = {.msg = msgbuf, .msg_len = 300, .nonce = NR,
				 .nonce_len = sizeof(NR), .id = id, .id_len = sizeof(id),
				 .sk_p = &skp};
	uint8_t out[IKE_PRF_MAX];
	uint64_t t0 = cpu_ns();

	for (unsigned int i = 0; i < 4 * iters; i++)
		if (ike_auth_psk(SUITE.prf, "bench-psk-not-secret", 20, &in, out) != 0)
			exit(1);
	return (double)(cpu_ns() - t0) / iters / 1000.0;
}

static double
time_sk(unsigned int iters)
{
	struct ike_keys k;
	struct ike_sk a, b;
	struct ike_nonces n = {.i = NI, .i_len = sizeof(NI), .r = NR, .r_len = sizeof(NR)};
	struct ike_dh_shared gir = {.len = 32};
	static uint8_t inner[300];
	uint64_t t0;

	if (ike_keys_from_init(&SUITE, &n, &gir, SPI_I, SPI_R, &k) != 0 ||
	    ike_sk_init(&a, &SUITE, &k, true) != 0 || ike_sk_init(&b, &SUITE, &k, false) != 0)
		exit(1);
	t0 = cpu_ns();
	for (unsigned int i = 0; i < 2 * iters; i++) {
		size_t len;
		uint8_t *p;
		size_t plen;

		memset(msgbuf, 0, 32);
		msgbuf[17] = 0x20;	/* version 2.0 */
		msgbuf[28] = 46;	/* Encrypted payload */
		if (ike_sk_seal(&a, msgbuf, sizeof(msgbuf), 28, IKE_SK_HDR_LEN, inner,
				sizeof(inner), &len) != 0 ||
		    ike_sk_open(&b, msgbuf, len, 28, IKE_SK_HDR_LEN, &p, &plen) != 0)
			exit(1);
	}
	ike_sk_wipe(&a);
	ike_sk_wipe(&b);
	ike_keys_wipe(&k);
	return (double)(cpu_ns() - t0) / iters / 1000.0;
}

static double
time_natd(unsigned int iters)
{
	static const uint8_t ip[4] = {192, 0, 2, 1};
	uint8_t out[IKE_NATD_LEN];
	uint64_t t0 = cpu_ns();

	for (unsigned int i = 0; i < 8 * iters; i++)
		if (ike_natd_hash(SPI_I, SPI_R, ip, 4, 500, out) != 0)
			exit(1);
	return (double)(cpu_ns() - t0) / iters / 1000.0;
}

static void
bench_crypto(int group, unsigned int iters, unsigned int runs, double hs)
{
	double v[5][RUNS_MAX];
	static const char *const names[5] = {"DH", "keys", "AUTH", "SK", "NAT-D"};
	double sum = 0;

	for (unsigned int r = 0; r < runs; r++) {
		v[0][r] = time_dh(group, iters);
		v[1][r] = time_keys(group, iters);
		v[2][r] = time_auth(iters);
		v[3][r] = time_sk(iters);
		v[4][r] = time_natd(iters);
	}
	printf("          where it goes (us CPU per handshake, median):");
	for (int i = 0; i < 5; i++) {
		struct stats s = stats_of(v[i], runs);

		sum += s.med;
		printf(" %s %.1f (%.0f%%)", names[i], s.med, 100 * s.med / hs);
	}
	printf(" rest %.1f (%.0f%%)\n", hs - sum, 100 * (hs - sum) / hs);
}

/* ---- Part 3: memory ---- */

static void
bench_memory(int group)
{
	static const unsigned int counts[] = {1, 100, 1000};

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned int n = counts[c];
		size_t hub, spoke;

		net_up(group, n);
		for (unsigned int k = 0; k < n; k++) {
			if (ike_initiate(NET.nodes[k + 1].ike, 0, 0) != 0)
				exit(1);
			pump();
			if (!tunnel_up(&NET.nodes[k + 1])) {
				fprintf(stderr, "memory: tunnel %u not up\n", k);
				exit(1);
			}
		}
		hub = ike_mem_bytes(NET.nodes[HUB].ike);
		spoke = ike_mem_bytes(NET.nodes[1].ike);
		printf("group %-2d memory, %4u tunnels: hub (responder) %9zu bytes = %6.0f per tunnel;"
		       "  one spoke (initiator) %zu bytes\n",
		       group, n, hub, (double)hub / n, spoke);
		net_down();
	}
}

int
main(int argc, char **argv)
{
	int groups[8], n_groups = 0, opt;
	unsigned int n = 500, runs = 7;
	bool mem = true, hs = true, crypto = true;

	while ((opt = getopt(argc, argv, "g:n:r:mMc")) != -1) {
		switch (opt) {
		case 'g':
			if (n_groups < 8)
				groups[n_groups++] = atoi(optarg);
			break;
		case 'n':
			n = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			runs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			hs = false;
			crypto = false;
			break;
		case 'M':
			mem = false;
			break;
		case 'c':
			crypto = false;
			break;
		default:
			fprintf(stderr, "usage: %s [-g 19|14|31]... [-n HANDSHAKES] [-r RUNS] "
					"[-m] [-M] [-c]\n", argv[0]);
			return 2;
		}
	}
	if (n == 0 || runs == 0 || runs > RUNS_MAX)
		return 2;
	if (n_groups == 0) {
		groups[n_groups++] = 19;
		groups[n_groups++] = 14;
		groups[n_groups++] = 31;
	}
	printf("# %u handshakes per run, %u runs, median [min .. max]; AES-GCM-256, "
	       "PRF HMAC-SHA-384, PSK, CHILD_SA esp-gcm 256\n", n, runs);
	for (int g = 0; g < n_groups; g++) {
		double med = 0;

		if (hs)
			med = bench_handshakes(groups[g], n, runs);
		if (crypto && hs)
			bench_crypto(groups[g], n, runs, med);
	}
	if (mem)
		bench_memory(groups[0]);
	return 0;
}
