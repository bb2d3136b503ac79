/* SPDX-License-Identifier: BSD-3-Clause */
/* What the AH tests compute ICVs with, independently of the dataplane: OpenSSL. */
#ifndef DPSEC_TEST_AH_REF_H
#define DPSEC_TEST_AH_REF_H

#include <openssl/evp.h>

#include "dpsec/xform.h"

/* The digest under HMAC a (SHA-1, SHA-256, SHA-384, SHA-512). */
const EVP_MD *ah_ref_md(enum dp_auth a);

#endif
