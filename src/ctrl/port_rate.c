/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>

#include "port_rate.h"

/*
 * IOS keeps each rate as an exponentially decayed average: every sample,
 * rate = rate * w + (delta / dt) * (1 - w), w = exp(-dt / load-interval), so
 * a steady rate is reached after a few load intervals and a stopped flow
 * decays over the same time (IOS "load-interval" command reference).
 */
static double
decay(double rate, uint64_t delta, double dt, double w)
{
	return rate * w + ((double)delta / dt) * (1.0 - w);
}

static void
moved(bool *flag, uint64_t *when, uint64_t before, uint64_t now, uint64_t now_ms)
{
	if (now != before) {
		*flag = true;
		*when = now_ms;
	}
}

/* A counter that went backwards (port reset) counts as no traffic for that sample. */
static uint64_t
delta(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : 0;
}

static void
advance(struct port_rate *r, uint64_t now_ms, const struct view_port *p)
{
	double dt = (double)(now_ms - r->at_ms) / 1000.0, w = exp(-dt / PORT_RATE_INTERVAL_S);

	r->in_bps = decay(r->in_bps, delta(p->ibytes, r->ibytes) * 8, dt, w);
	r->in_pps = decay(r->in_pps, delta(p->ipackets, r->ipackets), dt, w);
	r->out_bps = decay(r->out_bps, delta(p->obytes, r->obytes) * 8, dt, w);
	r->out_pps = decay(r->out_pps, delta(p->opackets, r->opackets), dt, w);
	moved(&r->in_moved, &r->in_moved_ms, r->ipackets, p->ipackets, now_ms);
	moved(&r->out_moved, &r->out_moved_ms, r->opackets, p->opackets, now_ms);
}

void
port_rate_sample(struct port_rate *r, uint64_t now_ms, const struct view_port *p)
{
	if (!r->started) {
		/* what was counted before the first sample moved at an unknown time: say now */
		*r = (struct port_rate){.started = true};
		moved(&r->in_moved, &r->in_moved_ms, 0, p->ipackets, now_ms);
		moved(&r->out_moved, &r->out_moved_ms, 0, p->opackets, now_ms);
	} else if (now_ms > r->at_ms) {
		advance(r, now_ms, p);
	} else {
		return;
	}
	r->at_ms = now_ms;
	r->ipackets = p->ipackets;
	r->ibytes = p->ibytes;
	r->opackets = p->opackets;
	r->obytes = p->obytes;
}

static uint64_t
age_sec(bool moved_yet, uint64_t when_ms, uint64_t now_ms)
{
	if (!moved_yet)
		return VIEW_NEVER;
	return now_ms > when_ms ? (now_ms - when_ms) / 1000 : 0;
}

void
port_rate_fill(const struct port_rate *r, uint64_t now_ms, struct view_port *p)
{
	p->last_input_sec = age_sec(r->in_moved, r->in_moved_ms, now_ms);
	p->last_output_sec = age_sec(r->out_moved, r->out_moved_ms, now_ms);
	p->in_rate_bps = (uint64_t)llround(r->in_bps);
	p->in_rate_pps = (uint64_t)llround(r->in_pps);
	p->out_rate_bps = (uint64_t)llround(r->out_bps);
	p->out_rate_pps = (uint64_t)llround(r->out_pps);
}
