/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_MANUAL_SA_H
#define DPSEC_MANUAL_SA_H

#include <stddef.h>

#include "dpsec/config.h"
#include "dpsec/dp.h"

#include "dlog.h"

/*
 * Outbound manual SAs whose peer had no MAC at start (no static neighbor or
 * next_hop_mac, and ARP or neighbor discovery had learned nothing yet; the
 * install asked for it): kept by index, in config order, and installed by
 * manual_sa_retry once the control thread has learned the MAC. Meanwhile
 * their traffic finds no SA and is dropped as for any entry or tunnel
 * without one (33/38 crypto map, 111/112 tunnel).
 */
struct manual_sa_wait {
	struct dp *dp;
	const struct dpsec_config *cfg;
	struct dlog *log;	/* where installs after the wait are logged; NULL: nowhere */
	uint32_t *idx;		/* into cfg->manual_sas */
	uint32_t n;
	uint32_t cap;
};

/*
 * Install the config's manual_sas through the SA-install API. 0, or -errno
 * with err set. With w, an outbound SA without a next-hop MAC is kept in w
 * instead of failing the start (w->dp and w->cfg are set).
 */
int manual_sa_install(struct dp *dp, const struct dpsec_config *cfg, struct manual_sa_wait *w,
		      char *err, size_t errlen);
/* %DPSEC-4-SA_WAIT_MAC: how many wait, and the first one's SPI and peer (nothing if none). */
void manual_sa_wait_log(const struct manual_sa_wait *w, struct dlog *log);
/*
 * ctrl_retry_fn: installs the waiting SAs whose peer now has a MAC (one
 * try per peer and call: the first failure stands for that peer's other
 * SAs, so a file of many SAs costs one resolution per peer); true while
 * some still wait.
 */
bool manual_sa_retry(void *ctx);
void manual_sa_wait_free(struct manual_sa_wait *w);

/*
 * %CRYPTO-4-UNSAFE_MANUAL_GCM, in the log and on stderr, for every manual
 * AES-GCM SA the config allowed (allow_unsafe_manual_gcm): a test setup only.
 */
void manual_sa_warn(const struct dpsec_config *cfg, struct dlog *log);

#endif
