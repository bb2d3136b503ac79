/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "dpsec/ip4.h"

#include "port_assign.h"

void
port_assign(const struct cfg_interface *ifs, uint32_t n, uint16_t n_workers,
	    uint16_t *worker_of)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (n_workers < 2 || ifs[i].role == CFG_ROLE_INSIDE)
			worker_of[i] = 0;
		else
			worker_of[i] = (uint16_t)(1 + k++ % (uint32_t)(n_workers - 1));
	}
}

/* Can one SA be written through both ports? */
static bool
same_writer_needed(const struct cfg_interface *a, const struct cfg_interface *b)
{
	if (a->role != b->role)
		return false;
	return a->role == CFG_ROLE_INSIDE || a->addr == b->addr;
}

static int
refuse(const struct cfg_interface *a, const struct cfg_interface *b, uint16_t wa, uint16_t wb,
       const unsigned int *lcore_of, char *err, size_t errlen)
{
	if (a->role == CFG_ROLE_INSIDE) {
		snprintf(err, errlen,
			 "inside interfaces %s and %s are polled by different workers (worker %u "
			 "on lcore %u, worker %u on lcore %u): an outbound SA would have two "
			 "writers of its sequence numbers, which repeats GCM nonces",
			 a->name, b->name, wa, lcore_of[wa], wb, lcore_of[wb]);
	} else {
		char addr[IP4_STRLEN];

		snprintf(err, errlen,
			 "outside interfaces %s and %s share the address %s but are polled by "
			 "different workers (worker %u on lcore %u, worker %u on lcore %u): an "
			 "inbound SA for %s would have two writers of its replay window; give "
			 "each outside interface its own address, or run fewer worker lcores",
			 a->name, b->name, ip4_str(a->addr, addr), wa, lcore_of[wa], wb,
			 lcore_of[wb], addr);
	}
	return -EINVAL;
}

int
port_check_writers(const struct cfg_interface *ifs, uint32_t n, const uint16_t *worker_of,
		   const unsigned int *lcore_of, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = i + 1; j < n; j++)
			if (worker_of[i] != worker_of[j] && same_writer_needed(&ifs[i], &ifs[j]))
				return refuse(&ifs[i], &ifs[j], worker_of[i], worker_of[j],
					      lcore_of, err, errlen);
	return 0;
}
