/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the parser's files share and nobody else sees: the failure recorder
 * and the per-payload body decoders. A decoder gets the payload body (after
 * the generic header) as a bounded reader and fills its part of ike_msg.
 */
#ifndef DPSEC_IKE_PARSE_PRIV_H
#define DPSEC_IKE_PARSE_PRIV_H

#include "dpsec/rd.h"
#include "ike_msg.h"

/*
 * Record why parsing stopped (payload type 0 = the header) and return -code.
 * The detail reads "payload 41 (N) <fmt>" so a debug log line names the
 * payload and the numbers.
 */
int ike_fail(struct ike_perr *e, int code, uint8_t type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline struct ike_view
ike_view_rest(const struct rd *r)
{
	return (struct ike_view){.p = r->p, .len = r->left};
}

int ike_pl_sa(struct ike_msg *m, struct rd b);
int ike_pl_ts(struct ike_msg *m, uint8_t type, struct rd b);
int ike_pl_notify(struct ike_msg *m, struct rd b);
int ike_pl_delete(struct ike_msg *m, struct rd b);

#endif
