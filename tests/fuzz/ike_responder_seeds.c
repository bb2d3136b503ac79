/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seeds for fuzz_ike_responder: real exchanges between the engine as gwA
 * (randomness stream 1) and the replayed responder gwB (stream 0, exactly as
 * the fuzz target runs it), written as records (ike_replay.h). Each seed is
 * then replayed into a fresh gwB and must end in the same state with the same
 * counters: the check that the seeds reach past IKE_AUTH when fuzzed.
 *
 *   ike_responder_seeds [DIR]   write the seeds into DIR (else only check them)
 *
 * Seeds: setup, setup_nat (gwA behind a NAT), lifecycle (a second CHILD_SA
 * with PFS, liveness checks both ways, CHILD_SA rekeys from both sides, a hard
 * lifetime, an IKE SA rekey, the DELETE of everything), auth_fail, strangers
 * (the COOKIE threshold), b_initiates (gwB as the initiator), setup_frag (both
 * sides with RFC 7383 fragmentation at 256 bytes: IKE_AUTH just fits, the
 * CREATE_CHILD_SA with PFS goes in SKF fragments both ways, its first fragment
 * lost and the whole set retransmitted).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto_int.h"
#include "ike_replay.h"

#define SEED_A 0xa11ce5ull
#define QMAX 64
#define MSG_MAX 4096
#define REC_MAX (1 << 18)

static const char yaml_a[] =
	"hostname: gwA\n"
	"ikev2:\n"
	"  proposals:\n"
	"    GCM: {encryption: [aes-gcm-256], prf: [sha384], group: [19]}\n"
	"  policies:\n"
	"    POL: {proposals: [GCM]}\n"
	"  keyrings:\n"
	"    KR:\n"
	"      - {name: gwB, address: 192.0.2.2, pre_shared_key: \"%s\"}\n"
	"  profiles:\n"
	"    PROF:\n"
	"      match_identity_remote: [{address: 192.0.2.2}]\n"
	"      authentication: {local: pre-share, remote: pre-share}\n"
	"      keyring: KR\n"
	"      dpd: {interval: 10, retry: 2, mode: periodic}\n"
	"      lifetime: 120\n"
	"  %s\n"
	"interfaces:\n"
	"  - {name: in0, device: net_null0, address: 10.0.0.1/24, role: inside}\n"
	"  - {name: out0, device: net_null1, address: 192.0.2.1/24, role: outside, "
	"crypto_map: VPN}\n"
	"transform_sets:\n"
	"  GCM: {transforms: [esp-gcm 256]}\n"
	"  CBC: {transforms: [esp-aes 128, esp-sha256-hmac]}\n"
	"crypto_maps:\n"
	"  VPN:\n"
	"    - {seq: 10, peer: 192.0.2.2, transform_set: GCM, ikev2_profile: PROF, "
	"match: [{src: 10.0.0.0/24, dst: 10.0.2.0/24}]}\n"
	"    - {seq: 20, peer: 192.0.2.2, transform_set: CBC, ikev2_profile: PROF, pfs: group19, "
	"match: [{src: 10.0.1.0/24, dst: 10.0.3.0/24, proto: udp, sport: 53}]}\n";

struct msg {
	bool to_b;
	struct ike_addr src, dst;
	uint8_t b[MSG_MAX];
	size_t len;
};

/* One seed being made. */
struct gen {
	struct ike_replay b;
	struct ike *a;
	struct dpsec_config *cfg_a;
	bool nat;
	uint32_t a_handles;
	struct msg q[QMAX];
	unsigned int qh, qn;
	uint8_t rec[REC_MAX];
	size_t rec_len;
};

static void
die(const char *what)
{
	fprintf(stderr, "ike_responder_seeds: %s\n", what);
	exit(1);
}

static void
enqueue(struct gen *g, bool to_b, const struct ike_addr *src, const struct ike_addr *dst,
	const uint8_t *m, size_t len)
{
	struct msg *q;

	if (g->qn == QMAX || len > MSG_MAX)
		die("queue full");
	q = &g->q[(g->qh + g->qn++) % QMAX];
	q->to_b = to_b;
	q->src = *src;
	q->dst = *dst;
	memcpy(q->b, m, len);
	q->len = len;
}

static void
b_sends(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	const uint8_t *m, size_t len)
{
	enqueue(ctx, false, local, remote, m, len);
}

/* ---- gwA's callbacks ---- */

static uint64_t
a_now(void *ctx)
{
	return ((struct gen *)ctx)->b.now_ms;
}

static void
a_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
       const uint8_t *m, size_t len)
{
	enqueue(ctx, true, local, remote, m, len);
}

static int
a_sa_add(void *ctx, const struct dp_sa_params *p, uint32_t *h)
{
	(void)p;
	*h = ((struct gen *)ctx)->a_handles++;
	return 0;
}

static int
a_sa_ok(void *ctx, uint32_t h)
{
	(void)ctx;
	(void)h;
	return 0;
}

static int
a_usage(void *ctx, uint32_t h, struct ike_sa_usage *u)
{
	(void)ctx;
	(void)h;
	u->pkts = 0;
	u->bytes = 0;
	return 0;
}

/* ---- records ---- */

static void
record(struct gen *g, uint8_t time, uint8_t flags, const uint8_t *d, size_t len)
{
	if (g->rec_len + REPLAY_REC_HDR + len > REC_MAX)
		die("seed too long");
	g->rec[g->rec_len++] = time;
	g->rec[g->rec_len++] = flags;
	g->rec[g->rec_len++] = (uint8_t)(len >> 8);
	g->rec[g->rec_len++] = (uint8_t)len;
	if (len != 0)
		memcpy(g->rec + g->rec_len, d, len);
	g->rec_len += len;
	ike_replay_record(&g->b, time, flags, d, len);
}

static uint8_t
port_flag(const struct gen *g, uint16_t port)
{
	if (g->nat)
		return port == 500 ? 2 : 3;	/* 40500, 44500 */
	return port == 500 ? 0 : 1;
}

static void
pump(struct gen *g)
{
	for (int n = 0; g->qn > 0; n++) {
		struct msg m = g->q[g->qh];

		if (n > 1000)
			die("messages without end");
		g->qh = (g->qh + 1) % QMAX;
		g->qn--;
		if (m.to_b) {
			record(g, 0, port_flag(g, m.src.port), m.b, m.len);
			continue;
		}
		/* gwB answers where the message came from: undo the NAT's mapping */
		if (m.dst.port == 40500)
			m.dst.port = 500;
		else if (m.dst.port == 44500)
			m.dst.port = 4500;
		ike_random_fuzz_use(1);
		ike_input(g->a, &m.dst, &m.src, m.b, m.len);
	}
}

static void
a_timers(struct gen *g)
{
	ike_random_fuzz_use(1);
	for (int k = 0; k < 64 && ike_next_timeout(g->a) == 0; k++)
		ike_run_timers(g->a);
}

/* Time passes for both, in records of at most 255 ticks. */
static void
advance(struct gen *g, uint64_t ms)
{
	while (ms >= REPLAY_TICK_MS) {
		uint64_t t = ms / REPLAY_TICK_MS > 40 ? 40 : ms / REPLAY_TICK_MS;

		record(g, (uint8_t)t, 0, NULL, 0);
		ms -= t * REPLAY_TICK_MS;
		a_timers(g);
		pump(g);
	}
}

static void
b_event(struct gen *g, uint32_t handle, bool hard)
{
	uint8_t h = (uint8_t)handle;

	record(g, 0, REPLAY_F_EVENT | (hard ? REPLAY_F_HARD : 0), &h, 1);
	pump(g);
}

static void
b_command(struct gen *g, uint8_t cmd, uint8_t arg)
{
	uint8_t d[2] = {cmd, arg};

	record(g, 0, REPLAY_F_CMD, d, sizeof(d));
	pump(g);
}

/* gwA with psk and one more ikev2 line (extra: "" for none). */
static void
a_start_with(struct gen *g, const char *psk, const char *extra)
{
	static char yaml[4096];
	struct ike_ops ops = {
		.ctx = g, .now_ms = a_now, .send = a_send, .sa_add = a_sa_add,
		.sa_activate = a_sa_ok, .sa_del = a_sa_ok, .sa_usage = a_usage,
	};
	char err[256];
	int n = snprintf(yaml, sizeof(yaml), yaml_a, psk, extra);

	g->cfg_a = config_parse("gwA", yaml, (size_t)n, err, sizeof(err));
	if (g->cfg_a == NULL)
		die(err);
	ike_random_fuzz_use(1);
	g->a = ike_create(g->cfg_a, &ops, err, sizeof(err));
	if (g->a == NULL)
		die(err);
}

static void
a_start(struct gen *g, const char *psk)
{
	a_start_with(g, psk, "");
}

static void
a_stop(struct gen *g)
{
	ike_destroy(g->a);
	config_free(g->cfg_a);
	g->a = NULL;
}

static void
a_initiate(struct gen *g, uint32_t entry)
{
	ike_random_fuzz_use(1);
	if (ike_initiate(g->a, 0, entry) != 0)
		die("ike_initiate");
	pump(g);
}

/* gwA's CHILD_SA halves by handle order: the n-th outbound handle of map 0 entry e. */
static uint32_t
handle_of(struct ike *ike, uint32_t entry, bool out)
{
	struct view_ike_child c[16];
	size_t n = ike_child_list(ike, 0, c, 16);

	for (size_t i = 0; i < n; i++)
		if (c[i].entry == entry && c[i].active && !c[i].rekeyed)
			return out ? c[i].handle_out : c[i].handle_in;
	die("no such CHILD_SA");
	return 0;
}

static size_t
ready(struct ike *ike)
{
	struct view_ike_sa v[8];
	size_t n = ike_sa_list(ike, v, 8), k = 0;

	for (size_t i = 0; i < n; i++)
		k += v[i].status == VIEW_IKE_READY;
	return k;
}

/* ---- the seeds ---- */

static void
seed_setup(struct gen *g)
{
	a_start(g, "fuzz-psk");
	a_initiate(g, 0);
	if (ready(g->b.ike) != 1)
		die("setup: gwB not up");
}

static void
seed_setup_nat(struct gen *g)
{
	g->nat = true;
	seed_setup(g);
}

static void
seed_lifecycle(struct gen *g)
{
	seed_setup(g);
	a_initiate(g, 1);			/* CREATE_CHILD_SA with PFS */
	advance(g, 11000);			/* liveness checks both ways */
	ike_random_fuzz_use(1);
	ike_sa_expired(g->a, handle_of(g->a, 0, true), false);	/* gwA rekeys entry 0 */
	pump(g);
	advance(g, 6000);
	b_event(g, handle_of(g->b.ike, 1, false), false);	/* gwB rekeys entry 1 */
	advance(g, 6000);
	ike_random_fuzz_use(1);
	ike_sa_expired(g->a, handle_of(g->a, 1, true), true);	/* gwA: entry 1 hard */
	pump(g);
	advance(g, 125000);			/* gwA's IKE SA lifetime: rekey */
	if (ready(g->b.ike) != 1)
		die("lifecycle: gwB lost its IKE SA");
	b_command(g, 2, 0);			/* INVALID_SPI to gwA */
	ike_random_fuzz_use(1);
	ike_clear(g->a, NULL);			/* DELETE of the IKE SA */
	pump(g);
	if (ready(g->b.ike) != 0)
		die("lifecycle: gwB kept its IKE SA");
}

static void
seed_auth_fail(struct gen *g)
{
	a_start(g, "not-the-key");
	a_initiate(g, 0);
}

/* Only gwA's first message reaches gwB; gwB's answer and the rest are lost. */
static void
first_only(struct gen *g)
{
	struct msg m = g->q[g->qh];

	g->qn = 0;
	record(g, 0, port_flag(g, m.src.port), m.b, m.len);
	g->qn = 0;
}

static void
seed_strangers(struct gen *g)
{
	/* three gwAs that never get further than IKE_SA_INIT, then one past the COOKIE */
	for (int i = 0; i < 3; i++) {
		a_start(g, "fuzz-psk");
		ike_random_fuzz_use(1);
		if (ike_initiate(g->a, 0, 0) != 0)
			die("ike_initiate");
		first_only(g);
		a_stop(g);
	}
	a_start(g, "fuzz-psk");
	a_initiate(g, 0);
	if (ready(g->b.ike) != 1)
		die("strangers: gwB not up");
}

static void
seed_b_initiates(struct gen *g)
{
	a_start(g, "fuzz-psk");
	b_command(g, 1, 0);
	if (ready(g->b.ike) != 1)
		die("b_initiates: gwB not up");
	b_command(g, 1, 1);			/* and a second CHILD_SA, gwB asking */
	b_command(g, 3, 0);			/* recreate entry 0 */
	advance(g, 6000);
}

/* The first SKF message gwA has queued for gwB is lost. */
static void
lose_first_fragment(struct gen *g)
{
	for (unsigned int i = 0; i < g->qn; i++) {
		struct msg *m = &g->q[(g->qh + i) % QMAX];

		if (m->to_b && m->len > 28 && m->b[16] == 53) {	/* Next Payload: SKF */
			for (unsigned int k = i; k + 1 < g->qn; k++)
				g->q[(g->qh + k) % QMAX] = g->q[(g->qh + k + 1) % QMAX];
			g->qn--;
			return;
		}
	}
	die("setup_frag: no fragment to lose");
}

static void
seed_setup_frag(struct gen *g)
{
	struct view_ike_stats st;

	a_start_with(g, "fuzz-psk", "fragmentation: {mtu: 256}");
	a_initiate(g, 0);
	if (ready(g->b.ike) != 1)
		die("setup_frag: gwB not up");
	ike_random_fuzz_use(1);
	if (ike_initiate(g->a, 0, 1) != 0)	/* CREATE_CHILD_SA with PFS, in fragments */
		die("ike_initiate");
	lose_first_fragment(g);
	pump(g);
	advance(g, 1000);			/* the whole set again */
	ike_stats_get(g->b.ike, &st);
	if (st.frag_msgs_rx < 1 || st.frag_msgs_tx < 1 || st.drops[IKE_DROP_FRAGMENT] == 0)
		die("setup_frag: not fragmented as meant");
}

static int
make(const char *dir, const char *name, void (*scenario)(struct gen *), struct dpsec_config *cfg)
{
	static struct gen g;
	struct view_ike_stats live, again;
	struct ike_replay v = {0};
	char path[512];
	size_t ready_live;
	FILE *f;

	memset(&g, 0, sizeof(g));
	ike_random_fuzz_seed(1, SEED_A);
	g.b.on_send = b_sends;
	g.b.ctx = &g;
	ike_replay_start(&g.b, cfg);
	scenario(&g);
	ike_stats_get(g.b.ike, &live);
	ready_live = ready(g.b.ike);
	if (g.a != NULL)
		a_stop(&g);
	ike_replay_finish(&g.b);

	/* the same records into a fresh gwB: the same state, the same counters */
	ike_replay_start(&v, cfg);
	ike_replay_run(&v, g.rec, g.rec_len);
	ike_stats_get(v.ike, &again);
	if (memcmp(&live, &again, sizeof(live)) != 0 || ready(v.ike) != ready_live) {
		fprintf(stderr, "ike_responder_seeds: %s does not replay the same\n", name);
		return 1;
	}
	ike_replay_finish(&v);
	printf("%-12s %6zu bytes; gwB: %llu IKE SA(s) up, %llu CREATE_CHILD_SA, "
	       "%llu INFORMATIONAL in\n", name, g.rec_len, (unsigned long long)live.sa_up,
	       (unsigned long long)(live.exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_RX_REQ] +
				    live.exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_RX_RES]),
	       (unsigned long long)(live.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_REQ] +
				    live.exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_RES]));
	if (dir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(g.rec, 1, g.rec_len, f) != g.rec_len || fclose(f) != 0) {
		fprintf(stderr, "ike_responder_seeds: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dpsec_config *cfg = ike_replay_config();
	const char *dir = argc > 1 ? argv[1] : NULL;
	int rc = 0;

	rc |= make(dir, "setup", seed_setup, cfg);
	rc |= make(dir, "setup_nat", seed_setup_nat, cfg);
	rc |= make(dir, "lifecycle", seed_lifecycle, cfg);
	rc |= make(dir, "auth_fail", seed_auth_fail, cfg);
	rc |= make(dir, "strangers", seed_strangers, cfg);
	rc |= make(dir, "b_initiates", seed_b_initiates, cfg);
	rc |= make(dir, "setup_frag", seed_setup_frag, cfg);
	config_free(cfg);
	return rc;
}
