/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors the gateway sends about decrypted packets (RFC 792, RFC 1812
 * section 4.3.2). The packet's source sits behind the peer, so the error goes
 * back through the tunnel: a worker asks (DP_EV_ICMP_ERROR, with the packet's
 * head), the control thread builds the message from the address of the inside
 * interface the packet was for, and hands it to the worker that encrypts that
 * interface's traffic (dp_inject_encrypt). Today: 3/4 "fragmentation needed"
 * with the inside MTU (RFC 1191). Time exceeded and unreachable take the same
 * way: one event type, the worker says which message.
 *
 * Rate-limited (RFC 1812 section 4.3.2.8) by a token bucket, and never about
 * what RFC 1812 section 4.3.2.7 forbids; every request is counted by its fate.
 */
#ifndef DPSEC_ICMP_ERR_H
#define DPSEC_ICMP_ERR_H

#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"
#include "dpsec/events.h"
#include "dpsec/tbucket.h"

#define ICMP_ERR_RATE 100	/* messages a second */
#define ICMP_ERR_BURST 50

struct icmp_err_stats {
	uint64_t requested;	/* DP_EV_ICMP_ERROR events received */
	uint64_t suppressed;	/* not answerable (RFC 1812 4.3.2.7) or not understood */
	uint64_t rate_limited;	/* over ICMP_ERR_RATE */
	uint64_t no_buffer;	/* no mbuf to build it in */
	uint64_t inject_failed;	/* the worker's inject ring was full */
	uint64_t sent;		/* handed to the worker to encrypt */
};

struct icmp_err {
	struct tbucket bucket;	/* milliseconds */
	uint16_t ip_id;
	struct icmp_err_stats st;
};

/* now_ms: the control thread's monotonic clock. */
void icmp_err_init(struct icmp_err *ie, uint64_t now_ms);
void icmp_err_handle(struct icmp_err *ie, struct dp *dp, const struct dpsec_config *cfg,
		     const struct dp_event *ev, uint64_t now_ms);

#endif
