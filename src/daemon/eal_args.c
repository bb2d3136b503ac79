/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eal_args.h"

static int
push(struct eal_args *a, const char *s)
{
	char *dup = strdup(s);

	if (dup == NULL)
		return -ENOMEM;
	a->own[a->argc] = dup;
	a->argv[a->argc++] = dup;
	a->argv[a->argc] = NULL;
	return 0;
}

int
eal_args_build(const struct dpsec_config *cfg, struct eal_args *a)
{
	size_t max = 2 + cfg->dp.n_eal + 2 * (size_t)cfg->n_interfaces;
	int rc;

	a->argc = 0;
	a->argv = calloc(max, sizeof(*a->argv));
	a->own = calloc(max, sizeof(*a->own));
	if (a->argv == NULL || a->own == NULL) {
		eal_args_free(a);
		return -ENOMEM;
	}
	rc = push(a, "dpsecd");
	for (uint32_t i = 0; rc == 0 && i < cfg->dp.n_eal; i++)
		rc = push(a, cfg->dp.eal[i]);
	for (uint32_t i = 0; rc == 0 && i < cfg->n_interfaces; i++) {
		const char *dev = cfg->interfaces[i].device;

		rc = push(a, strncmp(dev, "net_", 4) == 0 ? "--vdev" : "-a");
		if (rc == 0)
			rc = push(a, dev);
	}
	if (rc != 0)
		eal_args_free(a);
	return rc;
}

void
eal_args_free(struct eal_args *a)
{
	for (int i = 0; a->own != NULL && i < a->argc; i++)
		free(a->own[i]);
	free(a->own);
	free(a->argv);
	a->own = NULL;
	a->argv = NULL;
	a->argc = 0;
}
