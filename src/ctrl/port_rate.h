/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What "show interfaces" says beside the counters, computed the way IOS does
 * from samples of them: the 5-minute input and output rates (an exponentially
 * decayed average, IOS's load-interval 300), and how long ago the input and
 * output counters last moved ("Last input 00:00:03, output never").
 *
 * Pure arithmetic on samples and a millisecond clock the caller passes in, so
 * the tests drive time; the control thread samples every PORT_RATE_SAMPLE_MS.
 */
#ifndef DPSEC_PORT_RATE_H
#define DPSEC_PORT_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "dpsec/view.h"

#define PORT_RATE_SAMPLE_MS 1000u
#define PORT_RATE_INTERVAL_S 300u	/* IOS's default load-interval */

struct port_rate {
	bool started;
	uint64_t at_ms;			/* time of the previous sample */
	uint64_t ipackets, ibytes, opackets, obytes;	/* the previous sample */
	bool in_moved, out_moved;	/* the counter has moved since the daemon started */
	uint64_t in_moved_ms, out_moved_ms;
	double in_bps, in_pps, out_bps, out_pps;
};

/* Take one sample of the port's counters at now_ms (monotonic). */
void port_rate_sample(struct port_rate *r, uint64_t now_ms, const struct view_port *p);
/* The rates and the "last input/output" ages, as of now_ms, into the view's fields. */
void port_rate_fill(const struct port_rate *r, uint64_t now_ms, struct view_port *p);

#endif
