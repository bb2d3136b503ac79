/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_MANUAL_SA_H
#define DPSEC_MANUAL_SA_H

#include <stddef.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"

#include "dlog.h"

/* Install the config's manual_sas through the SA-install API. 0, or -errno with err set. */
int manual_sa_install(struct dp *dp, const struct dpsec_config *cfg, char *err, size_t errlen);

/*
 * %CRYPTO-4-UNSAFE_MANUAL_GCM, in the log and on stderr, for every manual
 * AES-GCM SA the config allowed (allow_unsafe_manual_gcm): a test setup only.
 */
void manual_sa_warn(const struct dpsec_config *cfg, struct dlog *log);

#endif
