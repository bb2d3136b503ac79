/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_udp.h>

#include "ctrl_link.h"
#include "dataplane.h"
#include "sa.h"
#include "spd.h"
#include "worker.h"

int
link_create(struct dp *dp, struct dp_worker *w)
{
	static unsigned int instance;
	char name[RTE_RING_NAMESIZE];
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	unsigned int id = instance++;
	struct dp_link *l = &w->link;

	snprintf(name, sizeof(name), "punt%u", id);
	l->punt = rte_ring_create(name, LINK_PUNT_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "ev%u", id);
	l->events = rte_ring_create_elem(name, sizeof(struct dp_event), LINK_EVENT_SIZE, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "inj%u", id);
	l->inject = rte_ring_create(name, LINK_INJECT_SIZE, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (l->punt == NULL || l->events == NULL || l->inject == NULL)
		return -ENOMEM;
	link_set_clock(w, &dp->clk);
	return 0;
}

void
link_set_clock(struct dp_worker *w, const struct clk *clk)
{
	struct dp_link *l = &w->link;

	l->clk = *clk;
	l->tokens = EVENT_BURST * CLK_NS_PER_S;
	l->bucket_ns = l->flush_ns = clk_mono_ns(clk);
}

void
link_destroy(struct dp_worker *w)
{
	struct rte_mbuf *m;

	/* packets still queued either way belong to nobody now */
	while (w->link.punt != NULL && rte_ring_sc_dequeue(w->link.punt, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	while (w->link.inject != NULL && rte_ring_sc_dequeue(w->link.inject, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->link.punt);
	rte_ring_free(w->link.events);
	rte_ring_free(w->link.inject);
	w->link.punt = w->link.events = w->link.inject = NULL;
}

uint16_t
link_punt(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int q;

	if (n == 0)
		return 0;
	q = rte_ring_sp_enqueue_burst(w->link.punt, (void **)pkts, n, NULL);
	if (q < n) {
		dp_drop_t reason[DP_BURST_MAX];

		for (unsigned int i = q; i < n; i++)
			reason[i - q] = DP_DROP_G_IpsecTailDrop;
		ctr_add(&w->link.stats.punt_full, n - q);
		worker_drop(w, pkts + q, reason, (uint16_t)(n - q));
	}
	if (q > 0)
		w->link.rang = true;
	return (uint16_t)q;
}

/*
 * One token per event, EVENT_RATE tokens a second, at most EVENT_BURST saved
 * up. Tokens are kept in ns-scaled units; true if one is there now.
 */
static bool
refill_tokens(struct dp_link *l, uint64_t now)
{
	const uint64_t cap = EVENT_BURST * CLK_NS_PER_S;
	uint64_t elapsed = now - l->bucket_ns;

	/* after the time it takes to fill, the bucket is full; this also keeps the product small */
	if (elapsed > cap / EVENT_RATE)
		elapsed = cap / EVENT_RATE;
	l->tokens += elapsed * EVENT_RATE;
	if (l->tokens > cap)
		l->tokens = cap;
	l->bucket_ns = now;
	return l->tokens >= CLK_NS_PER_S;
}

static bool
take_token(struct dp_link *l, uint64_t now)
{
	if (!refill_tokens(l, now))
		return false;
	l->tokens -= CLK_NS_PER_S;
	return true;
}

/* An event whose token was taken: 0, or -ENOBUFS (ring full); counted here. */
static int
enqueue_event(struct dp_link *l, struct dp_event *ev)
{
	if (rte_ring_sp_enqueue_elem(l->events, ev, sizeof(*ev)) != 0) {
		ctr_add(&l->stats.ring_full, 1);
		return -ENOBUFS;
	}
	ctr_add(&l->stats.sent, 1);
	l->rang = true;
	return 0;
}

/* 0, -EAGAIN (over the rate) or -ENOBUFS (ring full); each counted here. */
static int
send_event(struct dp_worker *w, struct dp_event *ev)
{
	struct dp_link *l = &w->link;

	if (!take_token(l, ev->mono_ns)) {
		ctr_add(&l->stats.rate_limited, 1);
		return -EAGAIN;
	}
	return enqueue_event(l, ev);
}

/*
 * Addresses, protocol and SPI of a classified ESP/AH packet (l2/l3/l4 lengths
 * are set): what tells its flow from others. The rest of f is not touched.
 */
static void
flow_key_of(const struct rte_mbuf *m, struct inv_spi_slot *f)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	const uint8_t *l4 = l3 + m->l3_len;
	uint8_t proto;

	memset(f->src, 0, sizeof(f->src));
	memset(f->dst, 0, sizeof(f->dst));
	f->sport = 0;
	f->udp = 0;
	f->ipv6 = (l3[0] >> 4) == 6;
	if (f->ipv6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)l3;

		memcpy(f->src, ip6->src_addr, 16);
		memcpy(f->dst, ip6->dst_addr, 16);
		/* ESP behind extension headers: l3_len covers them (classify_ext6) */
		proto = m->l3_len > sizeof(*ip6) ? IPPROTO_ESP : ip6->proto;
	} else {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)l3;

		memcpy(f->src, &ip->src_addr, 4);
		memcpy(f->dst, &ip->dst_addr, 4);
		proto = ip->next_proto_id;
	}
	if (proto == IPPROTO_UDP) {
		f->udp = 1;
		f->sport = rte_be_to_cpu_16(((const struct rte_udp_hdr *)l4)->src_port);
		l4 += sizeof(struct rte_udp_hdr);
		proto = IPPROTO_ESP;
	}
	f->proto = proto;
	/* ESP: SPI first; AH: after next header, length and reserved (RFC 4302 section 2) */
	memcpy(&f->spi, l4 + (proto == IPPROTO_AH ? 4 : 0), 4);
	f->spi = rte_be_to_cpu_32(f->spi);
}

/* The packet's first bytes from its IP header on, for the event. */
static void
flow_head_of(const struct rte_mbuf *m, struct inv_spi_slot *f)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	uint32_t avail = rte_pktmbuf_data_len(m) - m->l2_len;

	if (avail >= DP_EVENT_HEAD) {	/* the usual case: a copy of known size, inlined */
		f->head_len = DP_EVENT_HEAD;
		memcpy(f->head, l3, DP_EVENT_HEAD);
	} else {
		f->head_len = avail;
		memcpy(f->head, l3, avail);
	}
}

static void
flow_of(const struct rte_mbuf *m, struct inv_spi_slot *f)
{
	memset(f, 0, sizeof(*f));
	flow_key_of(m, f);
	flow_head_of(m, f);
}

static bool
same_flow(const struct inv_spi_slot *a, const struct inv_spi_slot *b)
{
	return a->spi == b->spi && a->proto == b->proto && a->ipv6 == b->ipv6 &&
	       memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

static uint32_t
flow_slot(const struct inv_spi_slot *f)
{
	uint32_t h = f->spi, w;

	for (int i = 0; i < 16; i += 4) {
		memcpy(&w, f->src + i, 4);
		h = (h ^ w) * 2654435761u;
		memcpy(&w, f->dst + i, 4);
		h = (h ^ w) * 2654435761u;
	}
	return (h >> 16) % INV_SPI_DEDUP_SLOTS;
}

/*
 * One event for the flow's pending packets. They leave the pending gauge and
 * are counted where they end: on the ring, or given up (rate, ring full).
 */
static void
report_flow(struct dp_worker *w, struct inv_spi_slot *s, uint64_t now)
{
	struct dp_link *l = &w->link;
	struct link_stats *st = &l->stats;
	uint32_t pkts = s->pending;
	struct dp_event ev;
	int rc;

	ctr_sub(&st->inv_pending, pkts);
	s->pending = 0;
	s->last_ns = now;
	if (s->reports < UINT32_MAX)
		s->reports++;
	/*
	 * The rate first: under an unknown-SPI flood nearly every report is
	 * over it, and building an event nobody will read would be most of
	 * what each flood packet costs.
	 */
	if (!take_token(l, now)) {
		ctr_add(&st->rate_limited, 1);
		ctr_add(&st->inv_rate_limited, pkts);
		return;
	}
	ev = (struct dp_event){.type = DP_EV_INVALID_SPI, .ipv6 = s->ipv6, .proto = s->proto,
			       .udp = s->udp, .iface = s->iface, .sport = s->sport, .spi = s->spi,
			       .pkts = pkts, .head_len = s->head_len, .mono_ns = now};
	memcpy(ev.src, s->src, 16);
	memcpy(ev.dst, s->dst, 16);
	memcpy(ev.head, s->head, s->head_len);
	rc = enqueue_event(l, &ev);
	ctr_add(rc == 0 ? &st->inv_sent : &st->inv_ring_full, pkts);
}

/* How long after its last report a flow's folded packets may be reported. */
static uint64_t
report_interval_ns(const struct inv_spi_slot *s)
{
	return (s->reports < 2 ? INV_SPI_SECOND_REPORT_MS : INV_SPI_REPORT_MS) * CLK_NS_PER_MS;
}

/* One more packet for the slot's flow, waiting for its event. */
static void
slot_add(struct dp_link *l, struct inv_spi_slot *s)
{
	s->pending++;
	ctr_add(&l->stats.inv_pending, 1);
}

/* One unknown-SPI packet while the event bucket has a token. */
static void
invalid_spi_one(struct dp_worker *w, const struct rte_mbuf *m, uint64_t now)
{
	struct dp_link *l = &w->link;
	struct inv_spi_slot f, *s;

	flow_key_of(m, &f);
	s = &l->dedup[flow_slot(&f)];
	if (s->used && same_flow(s, &f)) {
		slot_add(l, s);
		if (now - s->last_ns < report_interval_ns(s)) {
			ctr_add(&l->stats.deduped, 1);
			return;
		}
		report_flow(w, s, now);
		return;
	}
	if (s->used && s->pending > 0)
		report_flow(w, s, now);	/* the slot's old flow: don't lose its count */
	/* the new flow takes the slot: its key, and the head only it needs */
	memcpy(s->src, f.src, sizeof(s->src));
	memcpy(s->dst, f.dst, sizeof(s->dst));
	s->spi = f.spi;
	s->proto = f.proto;
	s->ipv6 = f.ipv6;
	s->udp = f.udp;
	s->sport = f.sport;
	s->iface = (uint16_t)dp_iface_of_port(w->dp, m->port);
	s->last_ns = 0;
	s->reports = 0;
	s->pending = 0;
	s->used = 1;
	flow_head_of(m, s);
	slot_add(l, s);
	report_flow(w, s, now);
}

void
link_invalid_spi(struct dp_worker *w, struct rte_mbuf *const *pkts, uint16_t n, uint64_t now)
{
	struct dp_link *l = &w->link;

	for (uint16_t i = 0; i < n; i++) {
		/*
		 * Over the event rate no report can go out: the packets are
		 * counted as given up at once, without the per-flow work, which
		 * would be most of what an unknown-SPI flood costs a worker (and
		 * with now fixed no token comes back within the run). The flows
		 * met meanwhile are reported when tokens come back, by their next
		 * packet.
		 */
		if (!refill_tokens(l, now)) {
			ctr_add(&l->stats.rate_limited, n - i);
			ctr_add(&l->stats.inv_rate_limited, n - i);
			return;
		}
		invalid_spi_one(w, pkts[i], now);
	}
}

void
link_sa_event(struct dp_worker *w, struct sa_rt *sa, const struct rte_mbuf *m,
	      enum dp_event_type type, uint64_t seq)
{
	uint64_t now = clk_mono_ns(&w->link.clk);
	int k = type == DP_EV_MAC;
	struct inv_spi_slot f;
	struct dp_event ev;

	sa->ev_pending[k]++;
	/* ev_ns 0: this SA has reported nothing of the kind yet */
	if (sa->ev_ns[k] != 0 && now - sa->ev_ns[k] < SA_EVENT_MS * CLK_NS_PER_MS)
		return;
	flow_of(m, &f);
	ev = (struct dp_event){.type = (uint8_t)type, .ipv6 = f.ipv6, .proto = f.proto,
			       .udp = f.udp, .sport = f.sport, .spi = f.spi,
			       .pkts = sa->ev_pending[k], .conn_id = sa->conn_id, .seq = seq,
			       .head_len = f.head_len, .mono_ns = now};
	ev.iface = (uint16_t)dp_iface_of_port(w->dp, m->port);
	memcpy(ev.src, f.src, 16);
	memcpy(ev.dst, f.dst, 16);
	memcpy(ev.head, f.head, f.head_len);
	sa->ev_pending[k] = 0;
	sa->ev_ns[k] = now;
	send_event(w, &ev);
}

void
link_acquire(struct dp_worker *w, uint32_t policy, const struct rte_mbuf *m,
	     const struct rte_ipv4_hdr *ip)
{
	struct dp *dp = w->dp;
	struct spd_policy *p = &dp->spd->pol[policy];
	struct spd_acq *a = &p->acq[w->id];
	uint64_t now = clk_mono_ns(&w->link.clk);
	bool tun = spd_is_tunnel(dp->spd, policy);
	struct dp_event ev;

	a->pending++;
	if (a->ns != 0 && now - a->ns < ACQUIRE_MS * CLK_NS_PER_MS)
		return;	/* counted (drop 33), and carried by the next acquire */
	/* a tunnel's policy: entry is the tunnel's index (spd.c add_tunnel) */
	ev = (struct dp_event){.type = DP_EV_ACQUIRE, .proto = ip->next_proto_id,
			       .iface = (uint16_t)(tun ? dp->cfg->tunnels[p->entry].source_iface
						       : dp->cfg->crypto_maps[p->map].iface),
			       .pkts = a->pending,
			       .conn_id = (tun ? DP_ACQUIRE_TUNNEL : p->map) << 16 | p->entry,
			       .mono_ns = now};
	/* what the packet holds: the control thread's own packets are not checked like a host's */
	ev.head_len = RTE_MIN(RTE_MIN((uint32_t)DP_EVENT_HEAD, rte_be_to_cpu_16(ip->total_length)),
			      (uint32_t)(rte_pktmbuf_data_len(m) - m->l2_len));
	memcpy(ev.src, &ip->src_addr, 4);
	memcpy(ev.dst, &ip->dst_addr, 4);
	memcpy(ev.head, ip, ev.head_len);
	a->pending = 0;
	a->ns = now;
	send_event(w, &ev);
}

void
link_neigh6_miss(struct dp_worker *w, uint16_t port, const uint8_t ip[16])
{
	struct neigh6_miss_slot *s = &w->link.miss6[(ip[13] ^ ip[14] ^ ip[15] ^ port) %
						    NEIGH6_MISS_SLOTS];
	uint64_t now = clk_mono_ns(&w->link.clk);
	struct dp_event ev;

	if (s->port != port || memcmp(s->ip, ip, 16) != 0) {
		/* another next hop took the slot: this one is reported at once */
		*s = (struct neigh6_miss_slot){.port = port};
		memcpy(s->ip, ip, 16);
	}
	s->pending++;
	if (s->ns != 0 && now - s->ns < NEIGH6_MISS_MS * CLK_NS_PER_MS)
		return;	/* counted (Ipv6NoAdj), carried by the next report */
	ev = (struct dp_event){.type = DP_EV_NEIGH6_MISS, .ipv6 = 1,
			       .iface = (uint16_t)w->dp->ports[port].iface, .pkts = s->pending,
			       .mono_ns = now};
	memcpy(ev.dst, ip, 16);
	s->pending = 0;
	s->ns = now;
	send_event(w, &ev);
}

/*
 * The same for an IPv6 packet of an entry with IPv6 lines (IKE negotiates
 * TS_IPV6_ADDR_RANGE) or of an IKE-keyed ipsec ipv6 tunnel: one event per
 * entry and ACQUIRE_MS, IPv6 addresses.
 */
void
link_acquire6(struct dp_worker *w, uint32_t policy, const struct rte_mbuf *m,
	      const struct rte_ipv6_hdr *ip6)
{
	struct dp *dp = w->dp;
	struct spd_policy *p = &dp->spd->pol[policy];
	struct spd_acq *a = &p->acq[w->id];
	uint64_t now = clk_mono_ns(&w->link.clk);
	bool tun = spd_is_tunnel(dp->spd, policy);
	struct dp_event ev;

	a->pending++;
	if (a->ns != 0 && now - a->ns < ACQUIRE_MS * CLK_NS_PER_MS)
		return;	/* counted (drop 38), and carried by the next acquire */
	/* a crypto map entry's IPv6 lines, or an IKE-keyed ipsec ipv6 tunnel */
	ev = (struct dp_event){.type = DP_EV_ACQUIRE, .ipv6 = 1, .proto = ip6->proto,
			       .iface = (uint16_t)(tun ? dp->cfg->tunnels[p->entry].source_iface
						       : dp->cfg->crypto_maps[p->map].iface),
			       .pkts = a->pending,
			       .conn_id = (tun ? DP_ACQUIRE_TUNNEL : p->map) << 16 | p->entry,
			       .mono_ns = now};
	ev.head_len = RTE_MIN(RTE_MIN((uint32_t)DP_EVENT_HEAD,
				      (uint32_t)sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len)),
			      (uint32_t)(rte_pktmbuf_data_len(m) - m->l2_len));
	memcpy(ev.src, ip6->src_addr, 16);
	memcpy(ev.dst, ip6->dst_addr, 16);
	memcpy(ev.head, ip6, ev.head_len);
	a->pending = 0;
	a->ns = now;
	send_event(w, &ev);
}

/* Addresses and head of an IPv4 packet whose header was checked, into an ICMP_ERROR event. */
static void
icmp_event_packet(struct dp_event *ev, const struct rte_ipv4_hdr *ip, uint32_t avail)
{
	ev->head_len = RTE_MIN(RTE_MIN((uint32_t)DP_EVENT_HEAD, rte_be_to_cpu_16(ip->total_length)),
			       avail);
	memcpy(ev->src, &ip->src_addr, 4);
	memcpy(ev->dst, &ip->dst_addr, 4);
	memcpy(ev->head, ip, ev->head_len);
}

void
link_icmp_error(struct dp_worker *w, const struct sa_rt *sa, const struct rte_ipv4_hdr *ip,
		uint32_t iface, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct dp_event ev = {.type = DP_EV_ICMP_ERROR, .proto = ip->next_proto_id,
			      .iface = (uint16_t)iface, .spi = rte_be_to_cpu_32(sa->spi_be),
			      .pkts = 1, .conn_id = sa->conn_id, .icmp_type = type,
			      .icmp_code = code, .icmp_mtu = mtu, .icmp_via = DP_ICMP_VIA_TUNNEL,
			      .mono_ns = clk_mono_ns(&w->link.clk)};

	/* decrypted in place: the whole inner packet is in the buffer */
	icmp_event_packet(&ev, ip, UINT32_MAX);
	send_event(w, &ev);
}

void
link_icmp_inside(struct dp_worker *w, const struct rte_mbuf *m,
		 const struct rte_ipv4_hdr *ip, uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct dp_event ev = {.type = DP_EV_ICMP_ERROR, .proto = ip->next_proto_id,
			      .pkts = 1, .icmp_type = type, .icmp_code = code, .icmp_mtu = mtu,
			      .icmp_via = DP_ICMP_VIA_INSIDE,
			      .mono_ns = clk_mono_ns(&w->link.clk)};
	uint8_t pi;

	if (m->port >= RTE_MAX_ETHPORTS || !rte_is_unicast_ether_addr(&eth->dst_addr))
		return;
	pi = w->dp->port_index[m->port];
	if (pi >= w->dp->n_ports)
		return;
	ev.iface = (uint16_t)w->dp->ports[pi].iface;
	icmp_event_packet(&ev, ip, rte_pktmbuf_data_len(m) - m->l2_len);
	send_event(w, &ev);
}

/*
 * An ICMPv6 error event: the packet's addresses and head, and, once the
 * event's token is taken (so that a flood copies no more than the events it
 * may send), a copy of as much of the packet as the error quotes, in a
 * buffer of its own that the control thread frees (events.h).
 */
static void
send_icmp6(struct dp_worker *w, struct dp_event *ev, const struct rte_ipv6_hdr *ip6,
	   uint32_t avail)
{
	struct dp_link *l = &w->link;
	uint32_t len = RTE_MIN(avail, sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len));
	uint32_t quote = RTE_MIN(len, (uint32_t)DP_ICMP6_QUOTE);
	struct rte_mbuf *c;
	uint8_t *p;

	ev->ipv6 = 1;
	ev->proto = ip6->proto;
	ev->head_len = RTE_MIN(len, (uint32_t)DP_EVENT_HEAD);
	memcpy(ev->src, ip6->src_addr, 16);
	memcpy(ev->dst, ip6->dst_addr, 16);
	memcpy(ev->head, ip6, ev->head_len);
	if (!take_token(l, ev->mono_ns)) {
		ctr_add(&l->stats.rate_limited, 1);
		return;
	}
	c = rte_pktmbuf_alloc(w->dp->pool);
	p = c != NULL ? (uint8_t *)rte_pktmbuf_append(c, (uint16_t)quote) : NULL;
	if (p != NULL) {
		memcpy(p, ip6, quote);
	} else {
		rte_pktmbuf_free(c);	/* the head alone, then */
		c = NULL;
	}
	ev->pkt = c;
	if (enqueue_event(l, ev) != 0)
		rte_pktmbuf_free(c);
}

void
link_icmp6_error(struct dp_worker *w, const struct sa_rt *sa, const struct rte_ipv6_hdr *ip6,
		 uint32_t iface, uint8_t type, uint8_t code, uint16_t param)
{
	struct dp_event ev = {.type = DP_EV_ICMP_ERROR, .iface = (uint16_t)iface,
			      .spi = rte_be_to_cpu_32(sa->spi_be), .pkts = 1,
			      .conn_id = sa->conn_id, .icmp_type = type, .icmp_code = code,
			      .icmp_mtu = param, .icmp_via = DP_ICMP_VIA_TUNNEL,
			      .mono_ns = clk_mono_ns(&w->link.clk)};

	/* decrypted in place: the whole inner packet is in the buffer */
	send_icmp6(w, &ev, ip6, UINT32_MAX);
}

void
link_icmp6_inside(struct dp_worker *w, const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6,
		  uint8_t type, uint8_t code, uint16_t param)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct dp_event ev = {.type = DP_EV_ICMP_ERROR, .pkts = 1, .icmp_type = type,
			      .icmp_code = code, .icmp_mtu = param, .icmp_via = DP_ICMP_VIA_INSIDE,
			      .mono_ns = clk_mono_ns(&w->link.clk)};
	uint8_t pi;

	/* RFC 4443 2.4 (e.4, e.5): not about a link-layer multicast or broadcast (PTB aside) */
	if (m->port >= RTE_MAX_ETHPORTS ||
	    (type != ICMP6_PACKET_TOO_BIG && !rte_is_unicast_ether_addr(&eth->dst_addr)))
		return;
	pi = w->dp->port_index[m->port];
	if (pi >= w->dp->n_ports)
		return;
	ev.iface = (uint16_t)w->dp->ports[pi].iface;
	send_icmp6(w, &ev, ip6, rte_pktmbuf_data_len(m) - m->l2_len);
}

/* Report flows whose reporting interval has passed with packets still uncounted. */
static void
flush_dedup(struct dp_worker *w, uint64_t now)
{
	for (int i = 0; i < INV_SPI_DEDUP_SLOTS; i++) {
		struct inv_spi_slot *s = &w->link.dedup[i];

		if (s->used && s->pending > 0 && now - s->last_ns >= report_interval_ns(s))
			report_flow(w, s, now);
	}
}

void
link_poll(struct dp_worker *w)
{
	struct dp_link *l = &w->link;
	struct dp *dp = w->dp;
	uint64_t now = clk_mono_ns(&l->clk);

	if (now - l->flush_ns >= LINK_FLUSH_MS * CLK_NS_PER_MS) {
		flush_dedup(w, now);
		l->flush_ns = now;
	}
	if (!l->rang)
		return;
	l->rang = false;
	/* pairs with the fence in dp_ctrl_sleep(): either it sees our item or we see its flag */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&dp->ctrl_sleeping, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&dp->ctrl_sleeping, 0, __ATOMIC_ACQ_REL)) {
		uint64_t one = 1;

		if (write(dp->doorbell, &one, sizeof(one)) < 0) {
			/* EAGAIN: the counter is already non-zero, the control thread wakes anyway */
		}
	}
}
