/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>

#include "tsc_clk.h"

static uint64_t
tsc_mono_ns(void *ctx)
{
	const struct tsc_clk *t = ctx;

	/* 128-bit product: exact for any TSC value and rate */
	return (uint64_t)(((unsigned __int128)rte_rdtsc() * t->mult) >> 32);
}

void
tsc_clk_init(struct tsc_clk *t, struct clk *c)
{
	uint64_t hz = rte_get_tsc_hz();

	t->mult = (CLK_NS_PER_S << 32) / (hz != 0 ? hz : 1);
	*c = (struct clk){.mono_ns = tsc_mono_ns, .wall = clk_system.wall, .ctx = t};
}
