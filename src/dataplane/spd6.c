/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SPD's IPv6 lines: the IPv4 rules of spd.h over 128-bit addresses.
 * First match wins, outbound over every line in order, inbound over the
 * mirrored lines of the SA's policy (RFC 4301 section 5.2, step 4).
 */
#include <string.h>

#include "spd.h"

void
spd_compile6(struct spd_rule6 *r, const struct cfg_acl *a, uint32_t policy)
{
	static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	memcpy(r->src, a->src6.addr, 16);
	ip6_mask(ones, a->src6.len, r->smask);
	memcpy(r->dst, a->dst6.addr, 16);
	ip6_mask(ones, a->dst6.len, r->dmask);
	spd_compile_l4(&r->l4, a, policy);
}

/* (addr & mask) == net, 64 bits at a time (the config cleared the host bits of net). */
static inline bool
in_net(const uint8_t *addr, const uint8_t *net, const uint8_t *mask)
{
	for (int i = 0; i < 16; i += 8) {
		uint64_t a, n, m;

		memcpy(&a, addr + i, 8);
		memcpy(&n, net + i, 8);
		memcpy(&m, mask + i, 8);
		if ((a & m) != n)
			return false;
	}
	return true;
}

/* Does the line fit (src, dst, sport, dport) as given (the caller mirrors for inbound)? */
static inline bool
fits(const struct spd_rule6 *r, const struct spd_flow6 *f, const uint8_t *src, const uint8_t *dst,
     uint16_t sp, uint16_t dp)
{
	return in_net(src, r->src, r->smask) && in_net(dst, r->dst, r->dmask) &&
	       spd_l4_fits(&r->l4, f->proto, f->has_ports, sp, dp);
}

uint32_t
spd_match_out6(const struct spd *spd, const struct spd_flow6 *f)
{
	for (uint32_t i = 0; i < spd->n_rules6; i++) {
		const struct spd_rule6 *r = &spd->rules6[i];

		if (fits(r, f, f->src, f->dst, f->sport, f->dport))
			return r->l4.deny ? SPD_DENY : r->l4.policy;
	}
	return CFG_NONE;
}

bool
spd_check_in6(const struct spd *spd, uint32_t policy, const struct spd_flow6 *f)
{
	const struct spd_policy *p = &spd->pol[policy];

	for (uint32_t i = p->first_rule6; i < p->first_rule6 + p->n_rules6; i++) {
		const struct spd_rule6 *r = &spd->rules6[i];

		if (fits(r, f, f->dst, f->src, f->dport, f->sport))
			return !r->l4.deny;
	}
	return false;
}

#define EH_HOPOPTS 0
#define EH_ROUTING 43
#define EH_FRAGMENT 44
#define EH_DSTOPTS 60
#define EH_MAX 8	/* more extension headers than any sane packet has: dropped */

/*
 * Walk the extension headers (RFC 8200 section 4) of an IPv6 packet whose
 * payload length the caller checked against what it holds, every read
 * bounded by that length. Hop-by-hop, routing and destination options are
 * skipped by their length; a fragment header ends the walk with no ports
 * unless it is the first fragment. false: the chain is malformed (a header
 * past the payload, hop-by-hop not first, more than EH_MAX headers).
 */
bool
spd_flow6_of(const struct rte_ipv6_hdr *ip, struct spd_flow6 *f)
{
	const uint8_t *p = (const uint8_t *)(ip + 1);
	uint32_t end = rte_be_to_cpu_16(ip->payload_len), off = 0;
	uint8_t nh = ip->proto;
	bool later_frag = false;

	*f = (struct spd_flow6){.src = ip->src_addr, .dst = ip->dst_addr};
	for (int n = 0;; n++) {
		uint32_t hl;

		if (nh != EH_HOPOPTS && nh != EH_ROUTING && nh != EH_FRAGMENT && nh != EH_DSTOPTS)
			break;
		if (n == EH_MAX || end - off < 8 || (nh == EH_HOPOPTS && n != 0))
			return false;
		hl = nh == EH_FRAGMENT ? 8u : (p[off + 1] + 1u) * 8u;
		if (end - off < hl)
			return false;
		if (nh == EH_FRAGMENT && ((p[off + 2] << 8 | p[off + 3]) & 0xfff8) != 0)
			later_frag = true;	/* no upper-layer header in it */
		nh = p[off];
		off += hl;
		if (later_frag)
			break;
	}
	f->proto = nh;
	if ((nh == IPPROTO_TCP || nh == IPPROTO_UDP) && !later_frag && end - off >= 4) {
		f->has_ports = true;
		f->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		f->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	}
	return true;
}
