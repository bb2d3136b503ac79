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
