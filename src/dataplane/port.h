/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_PORT_H
#define DPSEC_PORT_H

#include <stddef.h>

#include "dataplane.h"

/*
 * Find the DPDK port of each configured interface (its vdev was created by
 * EAL from the interface's device string) and configure one RX queue and one
 * TX queue per worker on it.
 */
int port_setup_all(struct dp *dp, char *err, size_t errlen);
int port_start_all(struct dp *dp, char *err, size_t errlen);
void port_stop_all(struct dp *dp);
void port_close_all(struct dp *dp);

/* The port name in a devargs string: the text before the first ','. */
void port_name_of(const char *device, char *name, size_t len);

#endif
