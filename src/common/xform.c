/* SPDX-License-Identifier: BSD-3-Clause */
/* Tables generated from the transform X-macros in xform.h. */
#include "dpsec/xform.h"

const struct dp_cipher_info dp_cipher_info[DP_CIPHER__COUNT] = {
#define DP_X(id, ios, key, salt, iv, blk, icv, aead)                                               \
	[DP_CIPHER_##id] = {ios, key, salt, iv, blk, icv, aead},
	DP_CIPHERS(DP_X)
#undef DP_X
};

const struct dp_auth_info dp_auth_info[DP_AUTH__COUNT] = {
#define DP_X(id, ios, ah, key, icv) [DP_AUTH_##id] = {ios, ah, key, icv},
	DP_AUTHS(DP_X)
#undef DP_X
};
