/* SPDX-License-Identifier: BSD-3-Clause */
/* Tables generated from the drop-reason X-macros in drops.h. */
#include "dpsec/counters.h"
#include "dpsec/drops.h"

const struct dp_drop_info dp_drop_info[DP_DROP__COUNT] = {
#define DP_X(num, name, cause, sactr, desc)                                                        \
	[DP_DROP_##name] = {num, DP_GLOBAL_##cause, #name, desc},
	DP_IPSEC_DROPS(DP_X)
#undef DP_X
#define DP_X(name, desc) [DP_DROP_G_##name] = {0, DP_GLOBAL_##name, #name, desc},
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
};

const char *const dp_global_cause_name[DP_GLOBAL__COUNT] = {
#define DP_X(name, desc) [DP_GLOBAL_##name] = #name,
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
};

const char *const dp_global_cause_desc[DP_GLOBAL__COUNT] = {
#define DP_X(name, desc) [DP_GLOBAL_##name] = desc,
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
};

#define DP_SA_CTR_none DP_SA_CTR__COUNT
const uint8_t dp_drop_sa_ctr[DP_DROP__COUNT] = {
#define DP_X(num, name, cause, sactr, desc) [DP_DROP_##name] = DP_SA_CTR_##sactr,
	DP_IPSEC_DROPS(DP_X)
#undef DP_X
#define DP_X(name, desc) [DP_DROP_G_##name] = DP_SA_CTR__COUNT,
	DP_GLOBAL_CAUSES(DP_X)
#undef DP_X
};
