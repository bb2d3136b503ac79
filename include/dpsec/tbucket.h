/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A token bucket: `rate` tokens a second, at most `burst` saved up, starting
 * full; one token per thing let through. Time is the caller's, in ticks of
 * `hz` per second (milliseconds, TSC cycles), so a test passes a fake clock.
 * Tokens are kept scaled by hz: whole arithmetic, no drift.
 */
#ifndef DPSEC_TBUCKET_H
#define DPSEC_TBUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct tbucket {
	uint64_t tokens;	/* times hz */
	uint64_t last;		/* ticks at the last refill */
	uint64_t rate;		/* tokens a second */
	uint64_t cap;		/* burst, times hz */
	uint64_t hz;
};

/* rate >= 1, burst >= 1, hz >= 1; rate x hz and burst x hz fit 64 bits. */
static inline void
tbucket_init(struct tbucket *b, uint64_t rate, uint64_t burst, uint64_t hz, uint64_t now)
{
	*b = (struct tbucket){.tokens = burst * hz, .last = now, .rate = rate, .cap = burst * hz,
			      .hz = hz};
}

/* Take one token if there is one. A clock that goes back refills nothing. */
static inline bool
tbucket_take(struct tbucket *b, uint64_t now)
{
	if (now > b->last) {
		uint64_t dt = now - b->last;

		/* a long idle time refills the bucket, without overflowing dt x rate */
		if (dt >= b->cap / b->rate + 1)
			b->tokens = b->cap;
		else if ((b->tokens += dt * b->rate) > b->cap)
			b->tokens = b->cap;
		b->last = now;
	}
	if (b->tokens < b->hz)
		return false;
	b->tokens -= b->hz;
	return true;
}

#endif
