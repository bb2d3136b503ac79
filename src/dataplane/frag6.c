/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "frag6.h"

#define IP6_HDR ((uint32_t)sizeof(struct rte_ipv6_hdr))

/* Payload bytes of each fragment but the last: a multiple of 8 (RFC 8200 section 4.5). */
static inline uint32_t
frag6_step(uint16_t mtu)
{
	return mtu > IP6_HDR + FRAG6_HDR ? (mtu - IP6_HDR - FRAG6_HDR) & ~7u : 0;
}

bool
frag6_fits(uint32_t len, uint16_t mtu)
{
	uint32_t step = frag6_step(mtu);

	return step > 0 && len > IP6_HDR && (len - IP6_HDR + step - 1) / step <= FRAG6_MAX;
}

/* Next headers that sit in the unfragmentable part, or say the packet is a fragment. */
static bool
frag6_cuttable(uint8_t nh)
{
	return nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_FRAGMENT;
}

/*
 * One fragment: m's L2 header (l2 bytes) and IPv6 header, a Fragment header
 * (offset off bytes into the fragmentable part, M as more), then len bytes
 * of the fragmentable part from data.
 */
static struct rte_mbuf *
frag6_one(struct rte_mempool *mp, const uint8_t *head, uint32_t l2, const uint8_t *data,
	  uint32_t len, uint32_t off, bool more, uint32_t id)
{
	struct rte_mbuf *f = rte_pktmbuf_alloc(mp);
	const struct rte_ipv6_hdr *orig = (const struct rte_ipv6_hdr *)(head + l2);
	struct rte_ipv6_fragment_ext *fh;
	struct rte_ipv6_hdr *ip6;
	uint8_t *p;

	if (f == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(l2 + IP6_HDR + FRAG6_HDR + len));
	if (p == NULL) {
		rte_pktmbuf_free(f);
		return NULL;
	}
	memcpy(p, head, l2 + IP6_HDR);
	ip6 = (struct rte_ipv6_hdr *)(p + l2);
	fh = (struct rte_ipv6_fragment_ext *)(ip6 + 1);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(FRAG6_HDR + len));
	ip6->proto = IPPROTO_FRAGMENT;
	fh->next_header = orig->proto;
	fh->reserved = 0;
	/* offset in 8-byte units in the upper 13 bits, M in bit 0: off is a multiple of 8 */
	fh->frag_data = rte_cpu_to_be_16((uint16_t)(off | (more ? 1u : 0u)));
	fh->id = rte_cpu_to_be_32(id);
	memcpy(fh + 1, data, len);
	f->l2_len = l2;
	f->l3_len = IP6_HDR + FRAG6_HDR;
	return f;
}

unsigned int
frag6_split(const struct rte_mbuf *m, struct rte_mempool *mp, uint16_t mtu, uint32_t id,
	    struct rte_mbuf **out)
{
	const uint8_t *head = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv6_hdr *ip6;
	uint32_t l2 = m->l2_len, step = frag6_step(mtu), len, done = 0;
	unsigned int n = 0;

	if (rte_pktmbuf_data_len(m) < l2 + IP6_HDR)
		return 0;
	ip6 = (const struct rte_ipv6_hdr *)(head + l2);
	len = rte_be_to_cpu_16(ip6->payload_len);
	/* the payload length within what the mbuf holds; a split into no more than FRAG6_MAX */
	if (l2 + IP6_HDR + len > rte_pktmbuf_data_len(m) || !frag6_cuttable(ip6->proto) ||
	    !frag6_fits(IP6_HDR + len, mtu))
		return 0;
	while (done < len) {
		uint32_t chunk = RTE_MIN(step, len - done);
		bool more = done + chunk < len;

		out[n] = frag6_one(mp, head, l2, (const uint8_t *)(ip6 + 1) + done, chunk, done,
				   more, id);
		if (out[n] == NULL) {
			rte_pktmbuf_free_bulk(out, n);
			return 0;
		}
		done += chunk;
		n++;
	}
	return n;
}
