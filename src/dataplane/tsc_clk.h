/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's clock (dpsec/clk.h): monotonic time from the TSC, one
 * rdtsc and one multiply, no system call whatever the kernel's clock source;
 * wall time from the system. Valid after rte_eal_init (the TSC rate).
 */
#ifndef DPSEC_TSC_CLK_H
#define DPSEC_TSC_CLK_H

#include <stdint.h>

#include "dpsec/clk.h"

struct tsc_clk {
	uint64_t mult;	/* nanoseconds per cycle, 32.32 fixed point */
};

/* c reads t from now on. */
void tsc_clk_init(struct tsc_clk *t, struct clk *c);

#endif
