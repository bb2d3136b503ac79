/* SPDX-License-Identifier: BSD-3-Clause */
/* The system's clocks and a fake one (dpsec/clk.h). */
#include <stddef.h>

#include "dpsec/clk.h"

static uint64_t
system_mono_ns(void *ctx)
{
	struct timespec t;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * CLK_NS_PER_S + (uint64_t)t.tv_nsec;
}

static void
system_wall(void *ctx, struct timespec *now)
{
	(void)ctx;
	clock_gettime(CLOCK_REALTIME, now);
}

const struct clk clk_system = {.mono_ns = system_mono_ns, .wall = system_wall, .ctx = NULL};

static uint64_t
fake_mono_ns(void *ctx)
{
	return ((const struct clk_fake *)ctx)->mono_ns;
}

static void
fake_wall(void *ctx, struct timespec *now)
{
	*now = ((const struct clk_fake *)ctx)->wall;
}

void
clk_fake_init(struct clk *c, struct clk_fake *f, const struct timespec *wall0)
{
	f->mono_ns = CLK_FAKE_MONO0;
	f->wall = wall0 != NULL ? *wall0 : (struct timespec){.tv_sec = 1687764552};
	*c = (struct clk){.mono_ns = fake_mono_ns, .wall = fake_wall, .ctx = f};
}

void
clk_fake_advance_ns(struct clk_fake *f, uint64_t ns)
{
	uint64_t nsec = (uint64_t)f->wall.tv_nsec + ns % CLK_NS_PER_S;

	f->mono_ns += ns;
	f->wall.tv_sec += (time_t)(ns / CLK_NS_PER_S + nsec / CLK_NS_PER_S);
	f->wall.tv_nsec = (long)(nsec % CLK_NS_PER_S);
}
