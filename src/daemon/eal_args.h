/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_EAL_ARGS_H
#define DPSEC_EAL_ARGS_H

#include "dpsec/config.h"

struct eal_args {
	int argc;
	char **argv;	/* for rte_eal_init, which may rewrite the pointers */
	char **own;	/* the same strings, as allocated: what eal_args_free frees */
};

/*
 * "dpsecd", then the config's dataplane.eal list, then one device argument
 * per interface: "--vdev DEV" for virtual devices (net_*), "-a DEV" for the
 * rest (PCI addresses). Returns 0 or -ENOMEM.
 */
int eal_args_build(const struct dpsec_config *cfg, struct eal_args *a);
void eal_args_free(struct eal_args *a);

#endif
