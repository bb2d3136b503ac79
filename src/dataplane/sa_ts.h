/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An SA's negotiated traffic selectors, checked per packet on top of the
 * crypto map's ACL (spd.h): RFC 4301 section 5.2 step 4 inbound (a decrypted
 * packet must match the SA's selectors, else it is dropped and counted: 30
 * IN_V4_POST_INPUT_POLICY_FAIL), and outbound a policy's traffic goes only
 * into an SA whose selectors cover it (56 OUT_V4_POST_OUTPUT_POLICY_FAIL),
 * which matters when the peer narrowed them (RFC 7296 section 2.9).
 * IPv6 the same, out of line of the IPv4 path: 31 IN_V6_POST_INPUT_POLICY_FAIL
 * and 57 OUT_V6_POST_OUTPUT_POLICY_FAIL.
 */
#ifndef DPSEC_SA_TS_H
#define DPSEC_SA_TS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "sa.h"
#include "spd.h"

static inline bool
sa_ts_one(const struct dp_ts *t, uint32_t addr, uint8_t proto, bool have_ports, uint16_t port)
{
	if (addr < t->addr_start || addr > t->addr_end || (t->proto != 0 && t->proto != proto))
		return false;
	if (t->port_start == 0 && t->port_end == UINT16_MAX)
		return true;
	return have_ports && port >= t->port_start && port <= t->port_end;
}

/* Is (addr, port) inside one of the n selectors? n = 0: nothing negotiated, yes. */
static inline bool
sa_ts_side(const struct dp_ts *t, uint8_t n, uint32_t addr, uint8_t proto, bool have_ports,
	   uint16_t port)
{
	if (n == 0)
		return true;
	for (uint8_t i = 0; i < n; i++)
		if (sa_ts_one(&t[i], addr, proto, have_ports, port))
			return true;
	return false;
}

/*
 * Does the SA's pair of selector sets cover an IPv4 packet? Inbound the
 * packet comes from the remote side to the local one, outbound the reverse.
 */
static inline bool
sa_ts_covers(const struct sa_rt *sa, const struct rte_ipv4_hdr *ip, bool inbound)
{
	const struct sa_ts *ts;
	uint32_t src, dst;
	uint16_t sp = 0, dp = 0;
	bool have;

	/* first: the compiler does not sink the port parse below past it (20 instructions) */
	if (!(sa->flags & SA_F_NARROW))
		return true;
	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	have = spd_l4_ports(ip, &sp, &dp);
	ts = __atomic_load_n(&sa->ts, __ATOMIC_ACQUIRE);	/* dp_sa_update_ts swaps it */
	if (inbound)
		return sa_ts_side(ts->remote, ts->n_remote, src, ip->next_proto_id, have, sp) &&
		       sa_ts_side(ts->local, ts->n_local, dst, ip->next_proto_id, have, dp);
	return sa_ts_side(ts->local, ts->n_local, src, ip->next_proto_id, have, sp) &&
	       sa_ts_side(ts->remote, ts->n_remote, dst, ip->next_proto_id, have, dp);
}

static inline bool
sa_ts6_one(const struct dp_ts6 *t, const uint8_t *addr, uint8_t proto, bool have_ports,
	   uint16_t port)
{
	if (memcmp(addr, t->addr_start, 16) < 0 || memcmp(addr, t->addr_end, 16) > 0 ||
	    (t->proto != 0 && t->proto != proto))
		return false;
	if (t->port_start == 0 && t->port_end == UINT16_MAX)
		return true;
	return have_ports && port >= t->port_start && port <= t->port_end;
}

static inline bool
sa_ts6_side(const struct dp_ts6 *t, uint8_t n, const uint8_t *addr, uint8_t proto,
	    bool have_ports, uint16_t port)
{
	if (n == 0)
		return true;
	for (uint8_t i = 0; i < n; i++)
		if (sa_ts6_one(&t[i], addr, proto, have_ports, port))
			return true;
	return false;
}

/*
 * sa_ts_covers for an IPv6 packet, from its flow (spd_flow6_of: the
 * upper-layer protocol and ports behind the extension headers).
 */
static inline bool
sa_ts_covers6(const struct sa_rt *sa, const struct spd_flow6 *f, bool inbound)
{
	const struct sa_ts *ts;

	if (!(sa->flags & SA_F_NARROW))
		return true;
	ts = __atomic_load_n(&sa->ts, __ATOMIC_ACQUIRE);
	if (inbound)
		return sa_ts6_side(ts->remote6, ts->n_remote6, f->src, f->proto, f->has_ports,
				   f->sport) &&
		       sa_ts6_side(ts->local6, ts->n_local6, f->dst, f->proto, f->has_ports,
				   f->dport);
	return sa_ts6_side(ts->local6, ts->n_local6, f->src, f->proto, f->has_ports, f->sport) &&
	       sa_ts6_side(ts->remote6, ts->n_remote6, f->dst, f->proto, f->has_ports, f->dport);
}

#endif
