/* SPDX-License-Identifier: BSD-3-Clause */
/* Inbound reassembly before decryption (reasm_in.h). */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "reasm_in.h"
#include "worker.h"

#define NATT_PORT 4500
#define MAX_DGRAM 65535u	/* an IPv4 total length */

struct reasm_in *
reasm_in_create(int socket, uint16_t room)
{
	struct reasm_in *r = rte_zmalloc_socket("reasm_in", sizeof(*r), RTE_CACHE_LINE_SIZE,
						socket);

	if (r != NULL)
		r->room = room;
	return r;
}

void
reasm_in_clear(struct reasm_in *r)
{
	for (unsigned int i = 0; i < REASM_IN_SLOTS; i++) {
		for (unsigned int j = 0; j < r->d[i].n; j++)
			rte_pktmbuf_free(r->d[i].p[j].m);
		memset(&r->d[i], 0, sizeof(r->d[i]));
	}
	r->n_used = 0;
}

void
reasm_in_destroy(struct reasm_in *r)
{
	if (r == NULL)
		return;
	reasm_in_clear(r);
	rte_free(r);
}

static void
forget(struct reasm_in *r, struct reasm_dgram *d)
{
	memset(d, 0, sizeof(*d));
	r->n_used--;
}

/* The datagram's fragments held, and f if not NULL, dropped under why; the datagram forgotten. */
static void
drop_dgram(struct dp_worker *w, struct reasm_dgram *d, struct rte_mbuf *f, dp_drop_t why)
{
	struct rte_mbuf *m[REASM_IN_FRAGS + 1];
	dp_drop_t reason[REASM_IN_FRAGS + 1];
	uint16_t n = 0;

	for (unsigned int j = 0; j < d->n; j++)
		m[n++] = d->p[j].m;
	if (f != NULL)
		m[n++] = f;
	for (uint16_t j = 0; j < n; j++)
		reason[j] = why;
	worker_drop(w, m, reason, n);
	forget(w->reasm, d);
}

static void
drop_one(struct dp_worker *w, struct rte_mbuf *f, dp_drop_t why)
{
	worker_drop(w, &f, &why, 1);
}

/* Punted fragments count on the port each came in by (pi: index into dp->ports). */
static void
punt_one(struct dp_worker *w, struct rte_mbuf *f, uint8_t pi)
{
	worker_punt(w, pi, &f, 1);
}

static struct reasm_dgram *
find(struct reasm_in *r, const struct reasm_key *k)
{
	for (unsigned int i = 0; i < REASM_IN_SLOTS; i++)
		if (r->d[i].used && memcmp(&r->d[i].key, k, sizeof(*k)) == 0)
			return &r->d[i];
	return NULL;
}

static struct reasm_dgram *
take_slot(struct reasm_in *r, const struct reasm_key *k, uint64_t now_ns)
{
	for (unsigned int i = 0; i < REASM_IN_SLOTS; i++) {
		struct reasm_dgram *d = &r->d[i];

		if (d->used)
			continue;
		d->used = true;
		d->key = *k;
		d->born_ns = now_ns;
		r->n_used++;
		return d;
	}
	return NULL;
}

/*
 * Where piece p meets the pieces held: nowhere (DP_KEEP), as an exact
 * duplicate (same place, same bytes: IN_REASM_DUPLICATE, only it dropped), or
 * anywhere else (IN_REASM_OVERLAP: the datagram dropped, as RFC 5722 rules
 * for IPv6 and Linux does for IPv4; a real path never overlaps).
 */
static dp_drop_t
overlap(const struct reasm_dgram *d, const struct reasm_piece *p, const uint8_t *data)
{
	for (unsigned int j = 0; j < d->n; j++) {
		const struct reasm_piece *q = &d->p[j];

		if (p->off + p->len <= q->off || q->off + q->len <= p->off)
			continue;
		if (p->off == q->off && p->len == q->len &&
		    memcmp(data, rte_pktmbuf_mtod_offset(q->m, const uint8_t *, q->at), p->len) == 0)
			return DP_DROP_IN_REASM_DUPLICATE;
		return DP_DROP_IN_REASM_OVERLAP;
	}
	return DP_KEEP;
}

/*
 * Against the last fragment: only one last, ending where it says, and no
 * byte past it (RFC 791 section 3.2: the last fragment gives the length).
 */
static bool
fits_last(const struct reasm_dgram *d, const struct reasm_piece *p, bool more)
{
	uint32_t end = (uint32_t)p->off + p->len;

	if (more)
		return d->total == 0 || end <= d->total;
	if (d->total != 0)
		return end == d->total;
	for (unsigned int j = 0; j < d->n; j++)
		if ((uint32_t)d->p[j].off + d->p[j].len > end)
			return false;
	return true;
}

/*
 * The first fragment of a UDP datagram says what it is: ESP-in-UDP (to port
 * 4500, no zero non-ESP marker: RFC 3948 section 2.2) is reassembled here;
 * anything else is the control plane's (*punt). DP_KEEP, or frag_err (70,
 * or Ipv6FragErr) when the fragment is too short to tell (RFC 1858: a first
 * fragment without the whole transport header).
 */
static dp_drop_t
udp_first(const uint8_t *data, uint16_t len, bool *punt, dp_drop_t frag_err)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)data;
	const uint8_t *mk = data + sizeof(*udp);

	*punt = false;
	if (len < sizeof(*udp))
		return frag_err;
	if (udp->dst_port != rte_cpu_to_be_16(NATT_PORT)) {
		*punt = true;
		return DP_KEEP;
	}
	if (len < sizeof(*udp) + 4)
		return frag_err;
	*punt = mk[0] == 0 && mk[1] == 0 && mk[2] == 0 && mk[3] == 0;
	return DP_KEEP;
}

/* Everything held so far, and what comes later, goes to the control plane. */
static void
turn_punt(struct dp_worker *w, struct reasm_dgram *d)
{
	for (unsigned int j = 0; j < d->n; j++)
		punt_one(w, d->p[j].m, d->p[j].pi);
	d->n = 0;
	d->have = 0;
	d->punt = true;
}

static const struct reasm_piece *
first_piece(const struct reasm_dgram *d)
{
	for (unsigned int j = 0; j < d->n; j++)
		if (d->p[j].off == 0)
			return &d->p[j];
	return NULL;	/* not reached: a complete datagram has its first piece */
}

/*
 * The whole datagram in a new mbuf: the first fragment's Ethernet and IP
 * header, the pieces at their offsets. IPv4: the header with its options as
 * they came, offset and MF cleared, length and checksum made whole. IPv6:
 * the fixed header without the Fragment header, its next header the
 * fragmentable part's (RFC 8200 section 4.5), the payload length made
 * whole. It stands for its fragments: the port of the first, their wire
 * octets. NULL (and why) when it does not fit one mbuf or none is left.
 */
static struct rte_mbuf *
build_whole(struct dp_worker *w, const struct reasm_dgram *d, dp_drop_t *why)
{
	const struct reasm_piece *f = first_piece(d);
	const uint8_t *head = rte_pktmbuf_mtod(f->m, const uint8_t *);
	uint32_t l3 = d->key.family == 6 ? sizeof(struct rte_ipv6_hdr) : f->m->l3_len;
	uint32_t hdr = f->m->l2_len + l3, wire = 0;
	struct rte_mbuf *m;
	uint8_t *p;

	if (hdr + d->total > w->reasm->room ||
	    (d->key.family == 6 ? d->total : l3 + d->total) > MAX_DGRAM) {
		*why = DP_DROP_IN_REASM_TOO_BIG;
		return NULL;
	}
	m = rte_pktmbuf_alloc(w->dp->pool);
	p = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hdr + d->total));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		*why = DP_DROP_IN_REASM_NO_BUFFER;
		return NULL;
	}
	memcpy(p, head, hdr);
	for (unsigned int j = 0; j < d->n; j++) {
		const struct reasm_piece *q = &d->p[j];

		memcpy(p + hdr + q->off, rte_pktmbuf_mtod_offset(q->m, const uint8_t *, q->at),
		       q->len);
		wire += pkt_rx_len(q->m);
	}
	if (d->key.family == 6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + f->m->l2_len);

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)d->total);
		ip6->proto = d->key.proto;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + f->m->l2_len);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + d->total));
		ip->fragment_offset &= rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	m->port = f->m->port;
	m->hash.fdir.hi = wire;	/* pkt_set_rx_len(), with the fragments' octets */
	return m;
}

/* All pieces are there: the whole replaces them (counted on each one's port). */
static struct rte_mbuf *
complete(struct dp_worker *w, struct reasm_dgram *d)
{
	dp_drop_t why = DP_KEEP;
	struct rte_mbuf *m = build_whole(w, d, &why);

	if (m == NULL) {
		drop_dgram(w, d, NULL, why);
		return NULL;
	}
	for (unsigned int j = 0; j < d->n; j++) {
		struct rte_mbuf *q = d->p[j].m;

		ctr_add(&w->stats.port[d->p[j].pi].reasm_fragments, 1);
		rte_pktmbuf_free(q);
	}
	ctr_add(&w->stats.port[first_piece(d)->pi].reassembled, 1);
	forget(w->reasm, d);
	return m;
}

/*
 * Fragment m, piece p of datagram k, into the table; more: not the last.
 * frag_err: the version's reason for a malformed fragment. Returns the
 * whole datagram when p completed it, else NULL (held, punted or dropped).
 */
static struct rte_mbuf *
add_piece(struct dp_worker *w, const struct reasm_key *k, const struct reasm_piece *p, bool more,
	  uint64_t now_ns, dp_drop_t frag_err)
{
	struct rte_mbuf *m = p->m;
	const uint8_t *data = rte_pktmbuf_mtod_offset(m, const uint8_t *, p->at);
	struct reasm_dgram *d;
	dp_drop_t why;
	bool punt;

	/* RFC 791, RFC 8200 4.5: every fragment but the last carries a multiple of 8 bytes, none 0 */
	if (p->len == 0 || (more && p->len % 8 != 0) || (uint32_t)p->off + p->len > MAX_DGRAM) {
		drop_one(w, m, frag_err);
		return NULL;
	}
	d = find(w->reasm, k);
	if (d == NULL && (d = take_slot(w->reasm, k, now_ns)) == NULL) {
		drop_one(w, m, DP_DROP_IN_REASM_TABLE_FULL);
		return NULL;
	}
	if (d->punt) {
		punt_one(w, m, p->pi);
		return NULL;
	}
	if (!fits_last(d, p, more)) {
		drop_dgram(w, d, m, frag_err);
		return NULL;
	}
	why = overlap(d, p, data);
	if (why == DP_DROP_IN_REASM_DUPLICATE) {
		drop_one(w, m, why);	/* the datagram goes on without it */
		return NULL;
	}
	if (why != DP_KEEP || d->n == REASM_IN_FRAGS) {
		drop_dgram(w, d, m, why != DP_KEEP ? why : DP_DROP_IN_REASM_TOO_MANY_FRAGS);
		return NULL;
	}
	if (p->off == 0 && k->proto == IPPROTO_UDP) {
		why = udp_first(data, p->len, &punt, frag_err);
		if (why != DP_KEEP) {
			drop_dgram(w, d, m, why);
			return NULL;
		}
		if (punt) {
			turn_punt(w, d);
			punt_one(w, m, p->pi);
			return NULL;
		}
	}
	d->p[d->n++] = *p;
	d->have += p->len;
	if (!more)
		d->total = (uint32_t)p->off + p->len;
	if (d->total == 0 || d->have != d->total)
		return NULL;
	return complete(w, d);
}

/* One IPv4 fragment (header checked by classify). */
static struct rte_mbuf *
add_v4(struct dp_worker *w, uint8_t pi, struct rte_mbuf *m, uint64_t now_ns)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
								 m->l2_len);
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	struct reasm_key k = {.src = {ip->src_addr}, .dst = {ip->dst_addr},
			      .id = ip->packet_id, .proto = ip->next_proto_id, .family = 4};
	struct reasm_piece p = {.m = m, .off = (uint16_t)((fo & RTE_IPV4_HDR_OFFSET_MASK) * 8u),
				.len = (uint16_t)(rte_be_to_cpu_16(ip->total_length) - m->l3_len),
				.at = (uint16_t)(m->l2_len + m->l3_len), .pi = pi};

	if ((uint32_t)m->l3_len + p.off + p.len > MAX_DGRAM) {
		drop_one(w, m, DP_DROP_IN_V4_PKT_FRAG_ERR);
		return NULL;
	}
	return add_piece(w, &k, &p, (fo & RTE_IPV4_HDR_MF_FLAG) != 0, now_ns,
			 DP_DROP_IN_V4_PKT_FRAG_ERR);
}

/*
 * One IPv6 fragment: the Fragment header right after the IPv6 header, its
 * next header ESP, AH or UDP (classify_frag6; UDP as for IPv4: udp_first). The key is RFC 8200's: source,
 * destination and the 32-bit identification (and the next header, which a
 * datagram's fragments share).
 */
static struct rte_mbuf *
add_v6(struct dp_worker *w, uint8_t pi, struct rte_mbuf *m, uint64_t now_ns)
{
	const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
								 m->l2_len);
	const struct rte_ipv6_fragment_ext *fh = (const struct rte_ipv6_fragment_ext *)(ip6 + 1);
	uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
	struct reasm_key k = {.id = fh->id, .proto = fh->next_header, .family = 6};
	struct reasm_piece p = {.m = m, .off = (uint16_t)(fd & 0xfff8),
				.len = (uint16_t)(rte_be_to_cpu_16(ip6->payload_len) - sizeof(*fh)),
				.at = (uint16_t)(m->l2_len + sizeof(*ip6) + sizeof(*fh)), .pi = pi};

	memcpy(k.src, ip6->src_addr, sizeof(k.src));
	memcpy(k.dst, ip6->dst_addr, sizeof(k.dst));
	return add_piece(w, &k, &p, (fd & 1) != 0, now_ns, DP_DROP_G_Ipv6FragErr);
}

uint16_t
reasm_in_burst(struct dp_worker *w, uint16_t pi, struct rte_mbuf **pkts, uint16_t n,
	       struct rte_mbuf **whole, uint16_t *n_whole)
{
	uint64_t now_ns = clk_mono_ns(&w->link.clk);
	uint16_t k = 0;

	*n_whole = 0;
	if (w->reasm->n_used > 0)
		reasm_in_expire(w, now_ns);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (!reasm_in_is_fragment(m)) {
			pkts[k++] = m;
			continue;
		}
		/* classify checked the version: 4, or 6 with a Fragment header */
		if ((*rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4) == 6)
			m = add_v6(w, (uint8_t)pi, m, now_ns);
		else
			m = add_v4(w, (uint8_t)pi, m, now_ns);
		if (m != NULL)
			whole[(*n_whole)++] = m;
	}
	return k;
}

void
reasm_in_expire(struct dp_worker *w, uint64_t now_ns)
{
	struct reasm_in *r = w->reasm;

	for (unsigned int i = 0; i < REASM_IN_SLOTS && r->n_used > 0; i++) {
		struct reasm_dgram *d = &r->d[i];

		if (d->used && now_ns - d->born_ns >= REASM_IN_TIMEOUT_MS * CLK_NS_PER_MS)
			drop_dgram(w, d, NULL, DP_DROP_IN_REASM_TIMEOUT);
	}
}
