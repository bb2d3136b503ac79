/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy of an IPv4 packet from the protected side (esp_out.c), and a
 * memo of the burst's last answer.
 *
 * A route into a tunnel (static VTI) decides first, as on IOS the egress
 * interface is chosen before any crypto map applies; else the crypto maps'
 * ACLs (spd_match_out, first matching line). The route lookup costs only a
 * configuration with tunnels.
 *
 * The memo: a burst is mostly one flow or a few, and the SPD and the route
 * table do not change while the dataplane lives (built once, dp.c). What the
 * lookup reads of a packet is its addresses and protocol, and its ports only
 * when some line constrains them (spd->ports): without such a line, a packet
 * with the last one's addresses and protocol has the last one's policy,
 * whatever it is (a policy, SPD_DENY or CFG_NONE). With such a line the memo
 * stays empty and every packet is looked up.
 */
#ifndef DPSEC_OUT_POLICY_H
#define DPSEC_OUT_POLICY_H

#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

#include "dataplane.h"
#include "route.h"
#include "spd.h"

static inline uint32_t
out_policy(const struct dp *dp, const struct rte_ipv4_hdr *ip)
{
	if (dp->spd->n_tunnels != 0) {
		uint32_t t = route_tunnel(dp->route, ip->dst_addr);

		if (t != CFG_NONE)
			return dp->spd->first_tunnel + t;
	}
	return spd_match_out(dp->spd, ip);
}

#define OUT_MEMO_EMPTY 0x100u	/* no protocol number: matches no packet */

struct out_memo {
	uint64_t addrs;		/* source and destination, as they lie in the header */
	uint32_t policy;
	uint16_t proto;		/* OUT_MEMO_EMPTY: nothing remembered */
};

static inline void
out_memo_init(struct out_memo *mo)
{
	*mo = (struct out_memo){.policy = CFG_NONE, .proto = OUT_MEMO_EMPTY};
}

/* out_policy, or the memo's answer for a packet like the last one looked up. */
static __rte_always_inline uint32_t
out_policy_memo(const struct dp *dp, const struct rte_ipv4_hdr *ip, struct out_memo *mo)
{
	uint64_t addrs;
	uint32_t policy;

	RTE_BUILD_BUG_ON(offsetof(struct rte_ipv4_hdr, dst_addr) !=
			 offsetof(struct rte_ipv4_hdr, src_addr) + 4);
	memcpy(&addrs, &ip->src_addr, sizeof(addrs));
	if (addrs == mo->addrs && ip->next_proto_id == mo->proto)
		return mo->policy;
	policy = out_policy(dp, ip);
	if (!dp->spd->ports) {
		mo->addrs = addrs;
		mo->proto = ip->next_proto_id;
		mo->policy = policy;
	}
	return policy;
}

#endif
