/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: run to completion, one burst at a time, for each of its
 * ports: receive, classify, ESP or AH in or out, queue for transmit; then transmit
 * and report a quiescent state to RCU. It never blocks and never logs; it
 * allocates only on slow paths: to fragment a decrypted packet larger than
 * its inside MTU or a packet too big for its tunnel, and to reassemble ESP
 * and AH that arrived in fragments (reasm_in.c, which drops and punts
 * through worker_drop() and worker_punt()). The only place dropped packets
 * are freed and counted is worker_drop(), so every drop has exactly one reason.
 * A packet whose SA another worker owns goes to that worker's handoff ring
 * (handoff.h), and what other workers handed to this one is processed here as
 * if received.
 */
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ah.h"
#include "classify.h"
#include "esp.h"
#include "frag4.h"
#include "frag6.h"
#include "reasm_in.h"
#include "handoff.h"
#include "worker.h"

void
dp_stats_drop(struct dp_lcore_stats *st, const struct rte_mbuf *m, dp_drop_t code)
{
	dp_stats_drop_n(st, code, 1, m->pkt_len);
}

void
dp_stats_drop_n(struct dp_lcore_stats *st, dp_drop_t code, uint64_t pkts, uint64_t octets)
{
	ctr_add(&st->drop_pkts[code], pkts);
	ctr_add(&st->cause_octets[dp_drop_cause(code)], octets);
}

/*
 * The port a drop belongs to: a full transmit queue is the output port's
 * (TailDrop, octets as queued); anything else the input port's, octets as
 * received. n packets of m's kind and port, of rx_octets as received.
 */
static void
port_drop(struct dp_worker *w, const struct rte_mbuf *m, dp_drop_t code, uint16_t n,
	  uint64_t rx_octets)
{
	enum dp_global_cause g = dp_drop_cause(code);
	uint8_t pi;

	if (code == DP_DROP_G_TailDrop) {
		struct dp_port_ctr *pc = &w->stats.port[pkt_egress(m)];

		ctr_add(&pc->out_drop_pkts[g], 1);
		ctr_add(&pc->out_drop_octets[g], m->pkt_len);
		return;
	}
	if (m->port >= RTE_MAX_ETHPORTS)
		return;	/* not received from a port (RTE_MBUF_PORT_INVALID) */
	pi = w->dp->port_index[m->port];
	if (pi < w->dp->n_ports) {
		ctr_add(&w->stats.port[pi].in_drop_pkts[g], n);
		ctr_add(&w->stats.port[pi].in_drop_octets[g], rx_octets);
	}
}

/*
 * How many packets from i on are a run of one reason received on one port
 * (what classification puts together at the end of a burst: an unknown-SPI
 * flood's packets, say), counted with one update of each counter; a
 * TailDrop is its own run (its port is the packet's egress). *octets and
 * *rx_octets: the run's bytes as queued and as received.
 */
static uint16_t
drop_run(struct rte_mbuf **pkts, const dp_drop_t *reason, uint16_t i, uint16_t n,
	 uint64_t *octets, uint64_t *rx_octets)
{
	uint16_t port = pkts[i]->port, j = i;

	*octets = 0;
	*rx_octets = 0;
	do {
		*octets += pkts[j]->pkt_len;
		*rx_octets += pkt_rx_len(pkts[j]);
		j++;
	} while (j < n && reason[j] == reason[i] && pkts[j]->port == port &&
		 reason[i] != DP_DROP_G_TailDrop);
	return j - i;
}

/*
 * Dropped packets back to their pool. What a worker drops is nearly always
 * as received: one segment, direct, not shared, from one pool (its port's),
 * so it goes back in one rte_mempool_put_bulk, without
 * rte_pktmbuf_free_bulk's per-packet detach, chain and pool sorting (30 of
 * an unknown-SPI packet's instructions: docs/PERFORMANCE.md). Anything else
 * (a chain, a clone, mixed pools) takes that path, whole.
 */
static void
free_dropped(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mempool *mp = pkts[0]->pool;

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (m->pool != mp || m->nb_segs != 1 || m->next != NULL || !RTE_MBUF_DIRECT(m) ||
		    rte_mbuf_refcnt_read(m) != 1) {
			rte_pktmbuf_free_bulk(pkts, n);
			return;
		}
	}
	rte_mempool_put_bulk(mp, (void **)pkts, n);
}

void
worker_drop(struct dp_worker *w, struct rte_mbuf **pkts, const dp_drop_t *reason, uint16_t n)
{
	uint64_t now = 0;	/* read once, at the first event: a clock read costs a TSC read */
	uint64_t octets, rx_octets;

	for (uint16_t i = 0, k; i < n; i += k) {
		dp_drop_t code = reason[i];

		k = drop_run(pkts, reason, i, n, &octets, &rx_octets);
		dp_stats_drop_n(&w->stats, code, k, octets);
		port_drop(w, pkts[i], code, k, rx_octets);
		/* RFC 4301 5.2 / 4303 3.4.2: an auditable event, raised where it is counted */
		if (code == DP_DROP_IN_US_V4_PKT_SA_NOT_FOUND_SPI ||
		    code == DP_DROP_IN_US_V6_PKT_SA_NOT_FOUND_SPI) {
			if (now == 0)
				now = clk_mono_ns(&w->link.clk);
			link_invalid_spi(w, pkts + i, k, now);
		}
	}
	if (n > 0)
		free_dropped(pkts, n);
}

static void
tx_flush_port(struct dp_worker *w, uint16_t pi)
{
	struct dp_txbuf *tb = &w->tx[pi];
	uint16_t sent;

	if (tb->n == 0)
		return;
	sent = rte_eth_tx_burst(w->dp->ports[pi].port_id, w->id, tb->m, tb->n);
	if (sent < tb->n) {
		dp_drop_t reason[2 * DP_BURST_MAX];

		for (uint16_t i = sent; i < tb->n; i++)
			reason[i - sent] = DP_DROP_G_TailDrop;
		worker_drop(w, tb->m + sent, reason, tb->n - sent);
	}
	tb->n = 0;
}

static inline void
tx_enqueue(struct dp_worker *w, uint16_t pi, struct rte_mbuf *m)
{
	struct dp_txbuf *tb = &w->tx[pi];

	if (tb->n == RTE_DIM(tb->m))
		tx_flush_port(w, pi);
	tb->m[tb->n++] = m;
}

void
worker_flush(struct dp_worker *w)
{
	for (uint16_t pi = 0; pi < w->dp->n_ports; pi++)
		tx_flush_port(w, pi);
}

/* Hand packets to the control thread; those the ring takes count as punted on their port. */
void
worker_punt(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_port_ctr *pc = &w->stats.port[pi];
	uint32_t len[DP_BURST_MAX] = {0};	/* punts are the slow path */
	uint64_t octets = 0;
	uint16_t q;

	/* read before: once queued they are the control thread's, the rest are freed */
	for (uint16_t i = 0; i < n; i++)
		len[i] = pkt_rx_len(pkts[i]);
	q = link_punt(w, pkts, n);
	for (uint16_t i = 0; i < q; i++)
		octets += len[i];
	ctr_add(&pc->punt_pkts, q);
	ctr_add(&pc->punt_octets, octets);
}

/*
 * An outer IPv6 packet the worker's own tunnel built too big for its path
 * (esp_out.c: after-encryption, or an IPv6 packet of at most 1280 bytes
 * inside): cut with Fragment headers to the MTU esp_out.c left in tso_segsz.
 */
static unsigned int
tx_split6(struct dp_worker *w, const struct rte_mbuf *m, struct rte_mbuf **f)
{
	return frag6_split(m, w->dp->pool, m->tso_segsz, frag6_next_id(&w->frag6_id, w->id), f);
}

/* IPv6 behind the L2 header (esp_out.c's outer IPv6): else IPv4. */
static inline bool
pkt_is_ip6(const struct rte_mbuf *m)
{
	return (*rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4) == 6;
}

/*
 * A packet larger than its egress MTU that may be fragmented: a decrypted
 * IPv4 packet larger than its inside MTU, DF clear (esp_in.c), or an outer
 * packet "crypto ipsec fragmentation after-encryption" or an IPv6 packet
 * of at most 1280 bytes made too big (esp_out.c). Its fragments go out
 * instead; it is consumed, not dropped. Without a buffer for every fragment,
 * none is sent.
 */
static bool
tx_fragments(struct dp_worker *w, struct rte_mbuf *m)
{
	uint16_t pi = pkt_egress(m);
	struct rte_mbuf *f[FRAG4_MAX > FRAG6_MAX ? FRAG4_MAX : FRAG6_MAX];
	bool v6 = pkt_is_ip6(m);
	unsigned int n = v6 ? tx_split6(w, m, f)
			    : frag4_split(m, w->dp->pool, w->dp->ports[pi].mtu, f);

	if (n == 0) {
		dp_drop_t why = v6 ? DP_DROP_G_Ipv6FragErr : DP_DROP_G_IpFragErr;

		worker_drop(w, &m, &why, 1);
		return false;
	}
	rte_pktmbuf_free(m);
	ctr_add(&w->stats.port[pi].fragmented, 1);
	ctr_add(&w->stats.port[pi].fragments, n);
	for (unsigned int i = 0; i < n; i++)
		tx_enqueue(w, pi, f[i]);
	return true;
}

/*
 * "crypto ipsec fragmentation before-encryption": the packet's fragments,
 * each encrypted on its own (esp_out_split), go out instead; it is consumed.
 * Fragments dropped on the way (an SA's sequence numbers running out
 * mid-packet) are counted under their reasons, on no port: the packet itself
 * was sent if any fragment was.
 */
static bool
tx_split(struct dp_worker *w, struct rte_mbuf *m)
{
	struct rte_mbuf *f[FRAG4_MAX];
	dp_drop_t reason[FRAG4_MAX];
	unsigned int good, n = esp_out_split(w, m, f, reason, &good);

	if (n == 0) {
		worker_drop(w, &m, reason, 1);
		return false;
	}
	rte_pktmbuf_free(m);
	worker_drop(w, f + good, reason + good, (uint16_t)(n - good));
	if (good == 0)
		return false;
	ctr_add(&w->stats.port[pkt_egress(f[0])].fragmented, 1);
	ctr_add(&w->stats.port[pkt_egress(f[0])].fragments, good);
	for (unsigned int i = 0; i < good; i++)
		tx_enqueue(w, pkt_egress(f[i]), f[i]);
	return true;
}

/* Queue a forwarded packet (or its fragments); false if it was dropped instead. */
static inline bool
tx_one(struct dp_worker *w, struct rte_mbuf *m)
{
	if (m->hash.usr & PKT_SPLIT)
		return tx_split(w, m);
	if (m->hash.usr & PKT_FRAGMENT)
		return tx_fragments(w, m);
	tx_enqueue(w, pkt_egress(m), m);
	return true;
}

/*
 * AH over IPv4, or right behind an IPv6 header (classify_ipv6 marked it in
 * l4_len, so no IPv6 header is read here). A packet carrying an ESP SA
 * (pkt_in_esp: ESP over IPv4 as classified in this loop iteration) is not:
 * the common packet is told apart without reading its header. Every other
 * packet here carries NULL (classify_outside stamps AH and IPv6 packets so,
 * worker_handoff_drain handed-off ones) and is looked at.
 */
static inline bool
pkt_is_ah(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;

	if (likely(pkt_in_sa(m) != NULL))
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	return (m->l4_len == 0 && ip->next_proto_id == IPPROTO_AH && (ip->version_ihl >> 4) == 4) ||
	       m->l4_len == CLASSIFY_AH6_MARK;
}

/*
 * Inbound IPsec: ESP and AH packets of a burst go through their own stages;
 * the good ones of both come first, then the rest with their reasons (the
 * order between an ESP and an AH packet is not kept: they are different SAs).
 */
static uint16_t
in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason)
{
	struct rte_mbuf *ah[DP_BURST_MAX], *bad[DP_BURST_MAX];
	dp_drop_t ah_reason[DP_BURST_MAX], bad_reason[DP_BURST_MAX];
	uint16_t ne = 0, na = 0, ge = 0, ga, nb = 0, first_ah = 0;

	/* The common burst is all ESP: find that out without moving anything. */
	while (first_ah < n && !pkt_is_ah(pkts[first_ah]))
		first_ah++;
	if (first_ah == n)
		return esp_in_burst(w, pkts, n, reason);
	ne = first_ah;
	for (uint16_t i = first_ah; i < n; i++) {
		if (pkt_is_ah(pkts[i]))
			ah[na++] = pkts[i];
		else
			pkts[ne++] = pkts[i];
	}
	if (ne > 0)
		ge = esp_in_burst(w, pkts, ne, reason);
	ga = ah_in_burst(w, ah, na, ah_reason);
	for (uint16_t i = ge; i < ne; i++) {
		bad[nb] = pkts[i];
		bad_reason[nb++] = reason[i];
	}
	for (uint16_t i = ga; i < na; i++) {
		bad[nb] = ah[i];
		bad_reason[nb++] = ah_reason[i];
	}
	memcpy(pkts + ge, ah, ga * sizeof(ah[0]));
	memcpy(pkts + ge + ga, bad, nb * sizeof(bad[0]));
	memcpy(reason + ge + ga, bad_reason, nb * sizeof(bad_reason[0]));
	return ge + ga;
}

/*
 * Outside: fragments of ESP, AH and ESP-in-UDP leave the burst for the
 * reassembly table; the datagrams they complete come back whole, are
 * classified like any received packet, and join the burst after the others.
 */
static uint16_t
reasm_stage(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t k)
{
	struct rte_mbuf *whole[DP_BURST_MAX];
	dp_drop_t reason[DP_BURST_MAX];
	uint16_t nw, kw, np;

	k = reasm_in_burst(w, pi, pkts, k, whole, &nw);
	if (nw == 0)
		return k;
	kw = classify_outside(&w->dp->ports[pi], sad_table(w->dp->sad), whole, nw, &np, reason);
	if (np > 0)
		worker_punt(w, pi, whole + kw, np);
	worker_drop(w, whole + kw + np, reason + kw + np, nw - kw - np);
	memcpy(pkts + k, whole, kw * sizeof(whole[0]));
	return k + kw;
}

void
worker_process(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_port *port = &w->dp->ports[pi];
	struct dp_port_ctr *pc = &w->stats.port[pi];
	bool outside = port->role == CFG_ROLE_OUTSIDE;
	dp_drop_t reason[DP_BURST_MAX];
	uint16_t k, np, good, fwd = 0;
	uint64_t octets = 0;

	for (uint16_t i = 0; i < n; i++)
		pkt_set_rx_len(pkts[i]);
	k = outside ? classify_outside(port, sad_table(w->dp->sad), pkts, n, &np, reason)
		    : classify_inside(port, pkts, n, &np, reason);
	if (np > 0)
		worker_punt(w, pi, pkts + k, np);
	worker_drop(w, pkts + k + np, reason + k + np, n - k - np);
	if (outside && k > 0)
		k = reasm_stage(w, pi, pkts, k);
	if (k == 0)
		return;
	good = outside ? in_burst(w, pkts, k, reason) : esp_out_burst(w, pkts, k, reason);
	worker_drop(w, pkts + good, reason + good,
		    handoff_send(w, pkts + good, reason + good, k - good));
	for (uint16_t i = 0; i < good; i++) {
		uint32_t len = pkt_rx_len(pkts[i]);	/* before: fragmenting frees the packet */

		if (tx_one(w, pkts[i])) {
			fwd++;
			octets += len;
		}
	}
	ctr_add(&pc->fwd_pkts, fwd);
	ctr_add(&pc->fwd_octets, octets);
}

/*
 * Packets the control thread wants sent: as they are, out of their egress
 * port, or (PKT_ENCRYPT) the gateway's own packets into a tunnel, e.g. an
 * ICMP error to a host behind the peer, through the outbound IPsec path like
 * a host's packet from the inside port they name.
 */
void
worker_inject(struct dp_worker *w)
{
	struct rte_mbuf *m[DP_BURST_MAX], *enc[DP_BURST_MAX];
	dp_drop_t reason[DP_BURST_MAX];
	unsigned int n = rte_ring_sc_dequeue_burst(w->link.inject, (void **)m, DP_BURST_MAX, NULL);
	uint16_t ne = 0, good;

	for (unsigned int i = 0; i < n; i++) {
		if (m[i]->hash.usr & PKT_ENCRYPT)
			enc[ne++] = m[i];
		else
			tx_enqueue(w, pkt_egress(m[i]), m[i]);
	}
	if (ne == 0)
		return;
	good = esp_out_local_burst(w, enc, ne, reason);
	worker_drop(w, enc + good, reason + good,
		    handoff_send(w, enc + good, reason + good, ne - good));
	for (uint16_t i = 0; i < good; i++)
		(void)tx_one(w, enc[i]);	/* too big: its fragments, as for a host's packet */
}

typedef uint16_t (*stage_fn)(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
			     dp_drop_t *reason);

/*
 * Handed-off packets of one kind through their stage. A host's packet that
 * is forwarded counts on the port it came in on, in this worker's counter
 * block (the views add the workers' blocks up), as the receiving worker
 * would have counted it; the control thread's own packets count nowhere, as
 * in worker_inject.
 */
static void
handoff_stage(struct dp_worker *w, stage_fn stage, struct rte_mbuf **pkts, uint16_t n,
	      bool count)
{
	dp_drop_t reason[DP_BURST_MAX];
	uint16_t good;

	if (n == 0)
		return;
	good = stage(w, pkts, n, reason);
	/* handed on again only if the SA changed owner on the way: a policy's new SA */
	worker_drop(w, pkts + good, reason + good,
		    handoff_send(w, pkts + good, reason + good, n - good));
	for (uint16_t i = 0; i < good; i++) {
		uint32_t len = pkt_rx_len(pkts[i]);	/* before: fragmenting frees it */
		uint16_t port = pkts[i]->port;
		struct dp_port_ctr *pc;

		if (!tx_one(w, pkts[i]) || !count || port >= RTE_MAX_ETHPORTS ||
		    w->dp->port_index[port] >= w->dp->n_ports)
			continue;
		pc = &w->stats.port[w->dp->port_index[port]];
		ctr_add(&pc->fwd_pkts, 1);
		ctr_add(&pc->fwd_octets, len);
	}
}

void
worker_handoff_drain(struct dp_worker *w)
{
	struct rte_mbuf *m[DP_BURST_MAX], *in[DP_BURST_MAX], *out[DP_BURST_MAX];
	struct rte_mbuf *local[DP_BURST_MAX];
	uint16_t n = handoff_take(w, m, DP_BURST_MAX), ni = 0, no = 0, nl = 0;

	for (uint16_t i = 0; i < n; i++) {
		uint32_t kind = m[i]->hash.usr & PKT_HO_KIND;

		if (kind == PKT_HO_IN) {
			/* the SA classification carried was loaded under the other worker's RCU */
			pkt_set_in_sa(m[i], NULL);
			in[ni++] = m[i];
		}
		else if (kind == PKT_HO_OUT)
			out[no++] = m[i];
		else
			local[nl++] = m[i];
	}
	handoff_stage(w, in_burst, in, ni, true);
	handoff_stage(w, esp_out_burst, out, no, true);
	handoff_stage(w, esp_out_local_burst, local, nl, false);
}

int
worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct dp *dp = w->dp;
	struct rte_mbuf *pkts[DP_BURST_MAX];

	rte_rcu_qsbr_thread_register(dp->qs, w->id);
	rte_rcu_qsbr_thread_online(dp->qs, w->id);
	while (!__atomic_load_n(&dp->stop, __ATOMIC_RELAXED)) {
		worker_inject(w);
		worker_handoff_drain(w);
		for (uint16_t r = 0; r < w->n_rx; r++) {
			uint16_t pi = w->rx_port[r];
			uint16_t n = rte_eth_rx_burst(dp->ports[pi].port_id, w->rx_queue[r], pkts,
						      dp->burst);

			if (n > 0)
				worker_process(w, pi, pkts, n);
		}
		worker_flush(w);
		/* datagrams whose fragments stopped coming time out without traffic too */
		if (reasm_in_pending(w->reasm) > 0)
			reasm_in_expire(w, clk_mono_ns(&w->link.clk));
		link_poll(w);
		rte_rcu_qsbr_quiescent(dp->qs, w->id);
	}
	rte_rcu_qsbr_thread_offline(dp->qs, w->id);
	rte_rcu_qsbr_thread_unregister(dp->qs, w->id);
	return 0;
}
