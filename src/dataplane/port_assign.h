/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker polls which port: every worker takes a share of the inside
 * ports and of the outside ports, so both directions scale with the workers.
 * This is the worker of a port's RX queue 0; a port with more queues (RSS)
 * has queue q on the q-th worker after it (dp.c, poll_lists).
 * Which worker writes an SA is a separate matter (its owner, chosen at
 * install; a packet received elsewhere is handed to it: handoff.h), so any
 * assignment is safe. Plain C on the config's interfaces: no DPDK.
 */
#ifndef DPSEC_PORT_ASSIGN_H
#define DPSEC_PORT_ASSIGN_H

#include <stdint.h>

#include "dpsec/config.h"

/*
 * worker_of[i] for each interface i: the inside ports in turn from worker 0,
 * the outside ports in turn from worker 1 (so that with one port of each and
 * two workers, each has one), all on worker 0 when it is the only one.
 */
void port_assign(const struct cfg_interface *ifs, uint32_t n, uint16_t n_workers,
		 uint16_t *worker_of);

#endif
