/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker polls which port. An SA's sequence number, replay window and
 * counters are written without atomics by the worker that processes its
 * packets, so each SA must have exactly one such worker:
 *
 *   - an outbound SA is written by whichever worker reads the packets of its
 *     policy, and any inside port can carry them: all inside ports are
 *     polled by one worker;
 *   - an inbound SA is found by (SPI, destination), so it is written by the
 *     worker of every outside port that has its local address: outside
 *     ports that share an address must share a worker.
 *
 * The first is true by construction (port_assign); the second is checked
 * (port_check_writers) and a configuration breaking it refused. Until SAs can
 * be handed between workers (a later multi-core design), that is the rule.
 * Plain C on the config's interfaces: no DPDK.
 */
#ifndef DPSEC_PORT_ASSIGN_H
#define DPSEC_PORT_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/config.h"

#define SA_OWNER_NONE UINT16_MAX	/* no worker can reach the SA (no port has its address) */

/*
 * worker_of[i] for each interface i: with one worker, 0; with more, the
 * inside ports on worker 0 and the outside ports in turn on workers 1..n-1
 * (encryption and decryption on different cores).
 */
void port_assign(const struct cfg_interface *ifs, uint32_t n, uint16_t n_workers,
		 uint16_t *worker_of);

/*
 * 0 if every SA would have one writer under worker_of; else -EINVAL and err
 * naming the two interfaces, their workers and lcores (lcore_of[worker]).
 */
int port_check_writers(const struct cfg_interface *ifs, uint32_t n, const uint16_t *worker_of,
		       const unsigned int *lcore_of, char *err, size_t errlen);

#endif
