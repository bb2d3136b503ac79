/* SPDX-License-Identifier: BSD-3-Clause */
#include "port_assign.h"

void
port_assign(const struct cfg_interface *ifs, uint32_t n, uint16_t n_workers, uint16_t *worker_of)
{
	uint32_t k[2] = {0, 1};	/* next worker for inside, outside ports */

	for (uint32_t i = 0; i < n; i++) {
		uint32_t *next = &k[ifs[i].role == CFG_ROLE_OUTSIDE];

		worker_of[i] = n_workers < 2 ? 0 : (uint16_t)((*next)++ % n_workers);
	}
}
