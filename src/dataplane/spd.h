/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Security policy database: one policy per crypto map entry applied to an
 * outside interface, each with its lines (the crypto map ACL).
 * Outbound, the first matching line (maps in config order, entries by
 * sequence number, lines in order) decides: a permit line picks the policy,
 * whose current outbound SA the control thread publishes; a deny line says
 * the packet is not protected, and with no cleartext path to the outside it
 * is dropped (35 OUT_V4_PKT_HIT_DENY_DROP_SP). Inbound, a decrypted packet
 * must match the mirror of its SA's policy, the first mirrored line that
 * matches being a permit (RFC 4301 section 5.2, step 4): traffic a deny line
 * keeps out of the tunnel must not come in through it either.
 *
 * Lines are matched linearly: crypto maps on a site-to-site gateway hold a
 * handful of lines. A large SPD would move to rte_acl behind the same API.
 *
 * Each tunnel (cfg->tunnels, static VTI) is a policy too, after the crypto
 * map entries: the route lookup picks it outbound (esp_out.c), never
 * spd_match_out, and it has one line, permit any to any, past the crypto
 * maps' lines: its SAs have 0.0.0.0/0 selectors, so that inbound whatever
 * the tunnel carries passes spd_check_in like any decrypted packet, with no
 * test of its own. An ipsec ipv6 tunnel's line is an IPv6 one (::/0 both
 * ways), and it has no IPv4 line: each tunnel carries its mode's family.
 *
 * IPv6 lines are rules of their own (spd_rule6, spd6.c), in the same order,
 * looked up by spd_match_out6/spd_check_in6: an IPv4 packet never meets an
 * IPv6 line nor the reverse, and an entry's lines are all one family
 * (config_crypto_maps.c), so a policy has rules in one of the two tables.
 */
#ifndef DPSEC_SPD_H
#define DPSEC_SPD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>

#include "dpsec/config.h"

struct sa_rt;

/* What a line says beyond its addresses, the same in both families. */
struct spd_l4 {
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	uint8_t proto;		/* 0 = any; IPv6: the upper-layer protocol after extension headers */
	bool ports;		/* the line constrains ports */
	bool deny;		/* a deny line: not protected */
	uint32_t policy;
};

struct spd_rule {
	uint32_t src, smask;	/* network order */
	uint32_t dst, dmask;
	struct spd_l4 l4;
};

/* An IPv6 line: addresses and masks as 16 network-order bytes. */
struct spd_rule6 {
	uint8_t src[16], smask[16];
	uint8_t dst[16], dmask[16];
	struct spd_l4 l4;
};

/*
 * What an IPv6 lookup needs of a packet, gathered by its caller (which walks
 * the extension headers to the upper-layer header): addresses, the
 * upper-layer protocol and, when has_ports, the TCP/UDP ports.
 */
struct spd_flow6 {
	const uint8_t *src, *dst;	/* 16 bytes each */
	uint8_t proto;
	bool has_ports;
	uint16_t sport, dport;
};

/* spd_match_out(): the first matching line is a deny line. */
#define SPD_DENY (CFG_NONE - 1)

#define SPD_WORKERS_MAX 16	/* DP_WORKERS_MAX (dataplane.h, which includes this) */

/* One worker's acquire state for a policy, written by it alone (a slow path: no padding). */
struct spd_acq {
	uint64_t ns;		/* when the last acquire went (link clock); 0: never */
	uint32_t pending;	/* packets without an SA since then */
};

struct spd_policy {
	uint32_t map, entry;
	uint32_t first_rule, n_rules;
	uint32_t first_rule6, n_rules6;	/* its IPv6 lines (n_rules 0 then) */
	bool ports;		/* some line constrains ports: parse them */
	struct sa_rt *out_sa;	/* published by the control thread */
	/*
	 * Acquires (DP_EV_ACQUIRE, link_acquire), rate-limited per worker: a
	 * packet without an SA has no owner to hand it to, and any worker
	 * polling an inside port may see one, so each writes its own slot (at
	 * most one acquire per policy and worker per interval; IKE folds them).
	 */
	struct spd_acq acq[SPD_WORKERS_MAX];
};

struct spd {
	struct spd_rule *rules;
	uint32_t n_rules;	/* the crypto maps' lines, which spd_match_out walks */
	struct spd_rule6 *rules6;
	uint32_t n_rules6;
	struct spd_policy *pol;
	uint32_t n_pol;
	uint32_t first_tunnel;	/* policy index of cfg->tunnels[0]; n_tunnels follow */
	uint32_t n_tunnels;
	bool ports;		/* some line of any policy constrains ports */
};

struct spd *spd_create(const struct dpsec_config *cfg);
void spd_destroy(struct spd *spd);
/* Policy index of a crypto map entry, or CFG_NONE if the map is not applied. */
uint32_t spd_policy_of(const struct spd *spd, uint32_t map, uint32_t entry);
/* Policy index of a tunnel (index into cfg->tunnels), or CFG_NONE. */
uint32_t spd_policy_of_tunnel(const struct spd *spd, uint32_t tunnel);

/* Is the policy a tunnel's (no crypto map entry behind it: no acquire, no ACL)? */
static inline bool
spd_is_tunnel(const struct spd *spd, uint32_t policy)
{
	return policy - spd->first_tunnel < spd->n_tunnels;
}

static inline struct sa_rt *
spd_out_sa(const struct spd *spd, uint32_t policy)
{
	return __atomic_load_n(&spd->pol[policy].out_sa, __ATOMIC_ACQUIRE);
}

static inline void
spd_set_out_sa(struct spd *spd, uint32_t policy, struct sa_rt *sa)
{
	__atomic_store_n(&spd->pol[policy].out_sa, sa, __ATOMIC_RELEASE);
}

/* TCP/UDP ports of a validated IPv4 packet; false for other protocols and later fragments. */
static inline bool
spd_l4_ports(const struct rte_ipv4_hdr *ip, uint16_t *sport, uint16_t *dport)
{
	uint32_t hl = (ip->version_ihl & 0xf) * 4u;
	const uint8_t *l4 = (const uint8_t *)ip + hl;

	if ((ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP) ||
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
	    rte_be_to_cpu_16(ip->total_length) < hl + 4)
		return false;
	*sport = (uint16_t)(l4[0] << 8 | l4[1]);
	*dport = (uint16_t)(l4[2] << 8 | l4[3]);
	return true;
}

/* Protocol and ports of a line against a packet's (have: its ports are known). */
static inline bool
spd_l4_fits(const struct spd_l4 *l, uint8_t proto, bool have, uint16_t sp, uint16_t dp)
{
	return (l->proto == 0 || l->proto == proto) &&
	       (!l->ports || (have && sp >= l->sport_lo && sp <= l->sport_hi &&
			      dp >= l->dport_lo && dp <= l->dport_hi));
}

/* Outbound: the policy for a packet from the protected side, SPD_DENY or CFG_NONE. */
static inline uint32_t
spd_match_out(const struct spd *spd, const struct rte_ipv4_hdr *ip)
{
	uint16_t sp = 0, dp = 0;
	bool have = spd->ports && spd_l4_ports(ip, &sp, &dp);

	for (uint32_t i = 0; i < spd->n_rules; i++) {
		const struct spd_rule *r = &spd->rules[i];

		if ((ip->src_addr & r->smask) == r->src && (ip->dst_addr & r->dmask) == r->dst &&
		    spd_l4_fits(&r->l4, ip->next_proto_id, have, sp, dp))
			return r->l4.deny ? SPD_DENY : r->l4.policy;
	}
	return CFG_NONE;
}

/* Inbound: is the first of the policy's mirrored lines a decrypted packet fits a permit? */
static inline bool
spd_check_in(const struct spd *spd, uint32_t policy, const struct rte_ipv4_hdr *ip)
{
	const struct spd_policy *p = &spd->pol[policy];
	uint16_t sp = 0, dp = 0;
	bool have = p->ports && spd_l4_ports(ip, &sp, &dp);

	for (uint32_t i = p->first_rule; i < p->first_rule + p->n_rules; i++) {
		const struct spd_rule *r = &spd->rules[i];

		if ((ip->src_addr & r->dmask) == r->dst && (ip->dst_addr & r->smask) == r->src &&
		    spd_l4_fits(&r->l4, ip->next_proto_id, have, dp, sp))
			return !r->l4.deny;
	}
	return false;
}

/* spd.c: the protocol, ports and action of a line, either family. */
void spd_compile_l4(struct spd_l4 *l, const struct cfg_acl *a, uint32_t policy);

/* spd6.c: an IPv6 line compiled, and the IPv6 lookups (the same rules as the IPv4 ones). */
void spd_compile6(struct spd_rule6 *r, const struct cfg_acl *a, uint32_t policy);
uint32_t spd_match_out6(const struct spd *spd, const struct spd_flow6 *f);
bool spd_check_in6(const struct spd *spd, uint32_t policy, const struct spd_flow6 *f);
/* *f for an IPv6 packet (payload length already checked); false: malformed extension headers. */
bool spd_flow6_of(const struct rte_ipv6_hdr *ip, struct spd_flow6 *f);

#endif
