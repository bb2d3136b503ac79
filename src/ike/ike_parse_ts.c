/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic selector payloads TSi/TSr (RFC 7296 sections 3.13, 3.13.1). IPv4
 * and IPv6 address ranges are decoded; selectors of other types (RFC 4595
 * Fibre Channel, ...) are skipped by their length and counted, so the
 * narrowing code can see that something it cannot honour was asked for.
 */
#include "ike_parse_priv.h"
#include "ike_rules.h"

#define TS_HDR_LEN 4	/* type, IP protocol, selector length */

static int
ts_one(struct ike_msg *m, uint8_t pl, struct ike_ts_pl *tp, struct rd *b, unsigned int i)
{
	struct ike_ts *ts = &tp->ts[tp->n];
	uint8_t type = 0, proto = 0;
	uint16_t len = 0;

	if (b->left < TS_HDR_LEN)
		return ike_fail(&m->err, IKE_E_TS_LENGTH, pl,
				"selector #%u needs %d bytes, %zu left", i, TS_HDR_LEN, b->left);
	rd_u8(b, &type);
	rd_u8(b, &proto);
	rd_u16(b, &len);
	if (ike_rule_ts_addr_len(type) != 0) {
		size_t alen = ike_rule_ts_addr_len(type);
		size_t want = TS_HDR_LEN + 4 + 2 * alen;

		if (len != want || (size_t)len - TS_HDR_LEN > b->left)
			return ike_fail(&m->err, IKE_E_TS_LENGTH, pl,
					"selector #%u type %u length %u (must be %zu, %zu left)", i,
					type, len, want, b->left + TS_HDR_LEN);
		*ts = (struct ike_ts){.type = type, .ip_proto = proto};
		rd_u16(b, &ts->start_port);
		rd_u16(b, &ts->end_port);
		rd_bytes(b, ts->start, alen);
		rd_bytes(b, ts->end, alen);
		tp->n++;
		return 0;
	}
	if (len < TS_HDR_LEN || !rd_skip(b, (size_t)len - TS_HDR_LEN))
		return ike_fail(&m->err, IKE_E_TS_LENGTH, pl,
				"selector #%u type %u length %u, %zu left", i, type, len,
				b->left + TS_HDR_LEN);
	tp->n_unknown++;
	return 0;
}

int
ike_pl_ts(struct ike_msg *m, uint8_t pl, struct rd b)
{
	struct ike_ts_pl *tp = pl == IKE_PL_TSI ? &m->tsi : &m->tsr;
	uint8_t count = 0;

	rd_u8(&b, &count);
	rd_skip(&b, 3);
	if (count == 0)
		return ike_fail(&m->err, IKE_E_COUNT, pl, "no selectors");
	if (count > IKE_MAX_TS)
		return ike_fail(&m->err, IKE_E_TOO_MANY, pl, "%u selectors > %d", count,
				IKE_MAX_TS);
	for (unsigned int i = 1; i <= count; i++) {
		int rc = ts_one(m, pl, tp, &b, i);

		if (rc != 0)
			return rc;
	}
	if (b.left != 0)
		return ike_fail(&m->err, IKE_E_COUNT, pl, "%zu bytes after its %u selectors",
				b.left, count);
	return 0;
}
