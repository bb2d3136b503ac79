/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_MANUAL_SA_H
#define DPSEC_MANUAL_SA_H

#include <stddef.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"

/* Install the config's manual_sas through the SA-install API. 0, or -errno with err set. */
int manual_sa_install(struct dp *dp, const struct dpsec_config *cfg, char *err, size_t errlen);

#endif
