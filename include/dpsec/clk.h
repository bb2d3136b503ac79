/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time as an input. Every module that reads a clock (the control thread's
 * log, the invalid-SPI table, the workers' rate limits) reads it through one
 * of these, so that a test moves time with a fake clock instead of sleeping,
 * and a rate limit is tested at its exact boundary.
 *
 *   mono_ns  monotonic nanoseconds: intervals and rate limits
 *   wall     CLOCK_REALTIME: timestamps an operator reads
 *
 * clk_system reads clock_gettime(2). The dataplane has its own mono_ns over
 * the TSC (dp_set_clock), cheaper than a system call on any clock source.
 */
#ifndef DPSEC_CLK_H
#define DPSEC_CLK_H

#include <stdint.h>
#include <time.h>

#define CLK_NS_PER_MS 1000000ull
#define CLK_NS_PER_S 1000000000ull

struct clk {
	uint64_t (*mono_ns)(void *ctx);
	void (*wall)(void *ctx, struct timespec *now);
	void *ctx;
};

/* CLOCK_MONOTONIC and CLOCK_REALTIME. */
extern const struct clk clk_system;

static inline uint64_t
clk_mono_ns(const struct clk *c)
{
	return c->mono_ns(c->ctx);
}

static inline uint64_t
clk_mono_ms(const struct clk *c)
{
	return c->mono_ns(c->ctx) / CLK_NS_PER_MS;
}

static inline void
clk_wall(const struct clk *c, struct timespec *now)
{
	c->wall(c->ctx, now);
}

/*
 * A clock that moves only when told to (tests, replays): both readings
 * advance together. Monotonic time starts at CLK_FAKE_MONO0, far from zero,
 * so that "never" (0) is not a time the clock can show.
 */
#define CLK_FAKE_MONO0 (1000 * CLK_NS_PER_S)

struct clk_fake {
	uint64_t mono_ns;
	struct timespec wall;
};

/* c reads f from now on. wall0 NULL: 2023-06-26 07:29:12 UTC (any fixed instant will do). */
void clk_fake_init(struct clk *c, struct clk_fake *f, const struct timespec *wall0);
void clk_fake_advance_ns(struct clk_fake *f, uint64_t ns);

static inline void
clk_fake_advance_ms(struct clk_fake *f, uint64_t ms)
{
	clk_fake_advance_ns(f, ms * CLK_NS_PER_MS);
}

#endif
