/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "frag4.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_COPIED 0x80	/* RFC 791: copied into every fragment */

/*
 * The options of fragments after the first (RFC 791 section 3.1, "copied
 * flag"): the options with the copied flag, in order, padded with EOL to a
 * 4-byte boundary. Returns their length, or -1 if an option's length runs
 * past the header or is below 2.
 */
static int
frag4_later_options(const uint8_t *opt, uint32_t len, uint8_t *out)
{
	uint32_t i = 0, n = 0;

	while (i < len && opt[i] != OPT_EOL) {
		uint32_t olen;

		if (opt[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return -1;
		if (opt[i] & OPT_COPIED) {
			memcpy(out + n, opt + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n & 3)
		out[n++] = OPT_EOL;
	return (int)n;
}

/*
 * One fragment: Ethernet header, IPv4 header hdr (hl bytes, total length,
 * offset and checksum filled in here), then len payload bytes from data.
 */
static struct rte_mbuf *
frag4_one(struct rte_mempool *mp, const struct rte_ether_hdr *eth, const uint8_t *hdr,
	  uint32_t hl, const uint8_t *data, uint32_t len, uint16_t off_flags)
{
	struct rte_mbuf *f = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *ip;
	uint8_t *p;

	if (f == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(sizeof(*eth) + hl + len));
	if (p == NULL) {
		rte_pktmbuf_free(f);
		return NULL;
	}
	memcpy(p, eth, sizeof(*eth));
	ip = (struct rte_ipv4_hdr *)(p + sizeof(*eth));
	memcpy(ip, hdr, hl);
	memcpy((uint8_t *)ip + hl, data, len);
	ip->version_ihl = (uint8_t)(0x40 | hl / 4);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + len));
	ip->fragment_offset = rte_cpu_to_be_16(off_flags);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	f->l2_len = sizeof(*eth);
	f->l3_len = hl;
	return f;
}

/* Data bytes of each fragment but the last: a multiple of 8 (RFC 791 section 3.2). */
static inline uint32_t
frag4_step(uint16_t mtu, uint32_t hl)
{
	return (mtu - hl) & ~7u;
}

dp_drop_t
frag4_check(const struct rte_ipv4_hdr *ip, uint16_t mtu)
{
	uint32_t hl = (ip->version_ihl & 0xf) * 4u, tot = rte_be_to_cpu_16(ip->total_length);
	uint32_t base = rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK;
	uint8_t later[40];
	int lopt = frag4_later_options((const uint8_t *)(ip + 1), hl - sizeof(*ip), later);
	uint32_t step1, step2;

	if (lopt < 0 || base * 8 + tot - hl > UINT16_MAX)
		return DP_DROP_G_Ipv4HdrErr;
	if (mtu < hl + 8)
		return DP_DROP_G_IpFragErr;
	step1 = frag4_step(mtu, hl);
	step2 = frag4_step(mtu, sizeof(*ip) + (uint32_t)lopt);
	if (tot - hl > step1 && 1 + (tot - hl - step1 + step2 - 1) / step2 > FRAG4_MAX)
		return DP_DROP_G_IpFragErr;
	return DP_KEEP;
}

unsigned int
frag4_split(const struct rte_mbuf *m, struct rte_mempool *mp, uint16_t mtu,
	    struct rte_mbuf **out)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const uint8_t *first = (const uint8_t *)ip;
	uint32_t hl = (ip->version_ihl & 0xf) * 4u, len = rte_be_to_cpu_16(ip->total_length) - hl;
	uint16_t off = rte_be_to_cpu_16(ip->fragment_offset);
	uint16_t base = off & RTE_IPV4_HDR_OFFSET_MASK;	/* a fragment being fragmented again */
	uint8_t later[60];
	uint32_t hl2, done = 0;
	unsigned int n = 0;

	/* frag4_check() walked these options */
	hl2 = sizeof(*ip) + (uint32_t)frag4_later_options(first + sizeof(*ip), hl - sizeof(*ip),
							   later + sizeof(*ip));
	memcpy(later, ip, sizeof(*ip));
	while (done < len) {
		uint32_t chunk = RTE_MIN(frag4_step(mtu, n == 0 ? hl : hl2), len - done);
		bool last = done + chunk == len;
		/* the last fragment keeps the original's MF: it may itself be a fragment */
		uint16_t flags = (uint16_t)(base + done / 8) |
				 (!last || (off & RTE_IPV4_HDR_MF_FLAG) ? RTE_IPV4_HDR_MF_FLAG : 0);

		out[n] = frag4_one(mp, eth, n == 0 ? first : later, n == 0 ? hl : hl2,
				   first + hl + done, chunk, flags);
		if (out[n] == NULL) {
			rte_pktmbuf_free_bulk(out, n);
			return 0;
		}
		done += chunk;
		n++;
	}
	return n;
}
