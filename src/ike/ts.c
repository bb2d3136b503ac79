/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic selectors (RFC 7296 sections 2.9, 3.13) from crypto-map ACLs.
 * Each permit line is one pair: its src (our protected side: TSi when we
 * initiate, TSr when we answer) and its dst (the peer's), with the line's
 * protocol and ports. Deny lines are the dataplane's business and are not
 * announced. The responder narrows what the peer proposes to one entry's
 * lines, line by line (both sides of a line must meet the proposal); the
 * initiator accepts only selectors inside what it proposed. An entry's
 * lines are all IPv4 (TS_IPV4_ADDR_RANGE) or all IPv6 (TS_IPV6_ADDR_RANGE,
 * type 8), whatever the family of the IKE SA: addresses compare as
 * big-endian byte strings, so one memcmp orders either.
 */
#include <string.h>

#include "ike_engine.h"
#include "ike_rules.h"

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct ike_ts
ts_of(const struct ip4_prefix *p, uint8_t proto, const uint16_t ports[2])
{
	struct ike_ts t = {.type = IKE_TS_IPV4_ADDR_RANGE, .ip_proto = proto,
			   .start_port = ports[0], .end_port = ports[1]};
	uint32_t start = __builtin_bswap32(p->addr);
	uint32_t mask = p->len ? ~0u << (32 - p->len) : 0;

	put_be32(t.start, start);
	put_be32(t.end, start | ~mask);
	return t;
}

/* Byte i of the netmask of a prefix of len bits. */
static uint8_t
mask_byte(unsigned int len, unsigned int i)
{
	if (len >= (i + 1) * 8)
		return 0xff;
	if (len <= i * 8)
		return 0;
	return (uint8_t)(0xff00u >> (len - i * 8));
}

/* An IPv6 prefix as a range: the prefix's bits, then zeros (start) or ones (end). */
static struct ike_ts
ts_of6(const struct ip6_prefix *p, uint8_t proto, const uint16_t ports[2])
{
	struct ike_ts t = {.type = IKE_TS_IPV6_ADDR_RANGE, .ip_proto = proto,
			   .start_port = ports[0], .end_port = ports[1]};

	for (unsigned int i = 0; i < 16; i++) {
		uint8_t mask = mask_byte(p->len, i);

		t.start[i] = p->addr[i] & mask;
		t.end[i] = (uint8_t)(p->addr[i] | (uint8_t)~mask);
	}
	return t;
}

static struct ike_ts
ts_local_of(const struct cfg_acl *a)
{
	return a->v6 ? ts_of6(&a->src6, a->proto, a->sport) : ts_of(&a->src, a->proto, a->sport);
}

static struct ike_ts
ts_remote_of(const struct cfg_acl *a)
{
	return a->v6 ? ts_of6(&a->dst6, a->proto, a->dport) : ts_of(&a->dst, a->proto, a->dport);
}

/* Address length of a selector type we handle; 0 for any other. */
static size_t
ts_alen(const struct ike_ts *t)
{
	return ike_rule_ts_addr_len(t->type);
}

static bool
ts_equal(const struct ike_ts *a, const struct ike_ts *b)
{
	size_t n = ts_alen(a);

	return a->type == b->type && a->ip_proto == b->ip_proto &&
	       a->start_port == b->start_port && a->end_port == b->end_port &&
	       memcmp(a->start, b->start, n) == 0 && memcmp(a->end, b->end, n) == 0;
}

/* Add unless already there; -E2BIG past IKE_MAX_TS. */
static int
set_add(struct ts_set *s, const struct ike_ts *t)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (ts_equal(&s->ts[i], t))
			return 0;
	if (s->n >= IKE_MAX_TS)
		return -E2BIG;
	s->ts[s->n++] = *t;
	return 0;
}

int
ts_from_entry(const struct cfg_map_entry *e, struct ts_set *local, struct ts_set *remote)
{
	local->n = 0;
	remote->n = 0;
	for (uint32_t i = 0; i < e->n_match; i++) {
		const struct cfg_acl *a = &e->match[i];
		struct ike_ts l, r;

		if (a->action != CFG_ACL_PERMIT)
			continue;
		l = ts_local_of(a);
		r = ts_remote_of(a);
		if (set_add(local, &l) != 0 || set_add(remote, &r) != 0)
			return -E2BIG;
	}
	return local->n > 0 && remote->n > 0 ? 0 : -ENOENT;
}

/* a ∩ b; false if empty (or not one family). */
static bool
ts_meet(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	size_t n = ts_alen(a);

	if (n == 0 || a->type != b->type)
		return false;
	if (a->ip_proto != 0 && b->ip_proto != 0 && a->ip_proto != b->ip_proto)
		return false;
	*out = *a;
	out->ip_proto = a->ip_proto != 0 ? a->ip_proto : b->ip_proto;
	out->start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
	out->end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	memcpy(out->start, memcmp(a->start, b->start, n) > 0 ? a->start : b->start, n);
	memcpy(out->end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	return out->start_port <= out->end_port && memcmp(out->start, out->end, n) <= 0;
}

/* Every piece of the proposal inside t, into out; how many. */
static unsigned int
meet_all(const struct ike_ts_pl *prop, const struct ike_ts *t, struct ts_set *out)
{
	unsigned int n = 0;
	struct ike_ts x;

	out->n = 0;
	for (unsigned int i = 0; i < prop->n; i++)
		if (ts_meet(&prop->ts[i], t, &x) && set_add(out, &x) == 0)
			n++;
	return n;
}

int
ts_narrow(const struct cfg_map_entry *e, const struct ike_ts_pl *peer_local,
	  const struct ike_ts_pl *peer_remote, struct ts_set *local, struct ts_set *remote)
{
	local->n = 0;
	remote->n = 0;
	for (uint32_t i = 0; i < e->n_match; i++) {
		const struct cfg_acl *a = &e->match[i];
		struct ike_ts l, r;
		struct ts_set ls, rs;

		if (a->action != CFG_ACL_PERMIT)
			continue;
		l = ts_local_of(a);
		r = ts_remote_of(a);
		/* the peer's remote side is our local side, and the other way round */
		if (meet_all(peer_remote, &l, &ls) == 0 || meet_all(peer_local, &r, &rs) == 0)
			continue;
		for (unsigned int j = 0; j < ls.n; j++)
			set_add(local, &ls.ts[j]);
		for (unsigned int j = 0; j < rs.n; j++)
			set_add(remote, &rs.ts[j]);
	}
	return local->n > 0 && remote->n > 0 ? 0 : -ENOENT;
}

static bool
ts_inside(const struct ike_ts *t, const struct ike_ts *p)
{
	size_t n = ts_alen(t);

	return n != 0 && t->type == p->type &&
	       (p->ip_proto == 0 || p->ip_proto == t->ip_proto) &&
	       t->start_port >= p->start_port && t->end_port <= p->end_port &&
	       t->start_port <= t->end_port && memcmp(t->start, p->start, n) >= 0 &&
	       memcmp(t->end, p->end, n) <= 0 && memcmp(t->start, t->end, n) <= 0;
}

bool
ts_within(const struct ike_ts_pl *got, const struct ts_set *proposed)
{
	if (got->n == 0)
		return false;
	for (unsigned int i = 0; i < got->n; i++) {
		bool in = false;

		for (unsigned int j = 0; j < proposed->n && !in; j++)
			in = ts_inside(&got->ts[i], &proposed->ts[j]);
		if (!in)
			return false;
	}
	return true;
}

bool
ts_is_any(const struct ike_ts_pl *pl, bool v6)
{
	static const uint8_t zero[16] = {0}, ones[16] = {255, 255, 255, 255, 255, 255, 255, 255,
						    255, 255, 255, 255, 255, 255, 255, 255};
	uint8_t type = v6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	size_t n = v6 ? 16 : 4;

	for (unsigned int i = 0; i < pl->n; i++) {
		const struct ike_ts *t = &pl->ts[i];

		if (t->type == type && t->ip_proto == 0 && t->start_port == 0 &&
		    t->end_port == 65535 && memcmp(t->start, zero, n) == 0 &&
		    memcmp(t->end, ones, n) == 0)
			return true;
	}
	return false;
}

void
ts_copy(struct ts_set *dst, const struct ike_ts_pl *src)
{
	dst->n = src->n;
	memcpy(dst->ts, src->ts, sizeof(src->ts[0]) * src->n);
}
