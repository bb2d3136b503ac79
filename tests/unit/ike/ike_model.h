/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers shared by the unit tests and the fuzz target: write a parsed
 * model back out with the writer, and compare two models field by field.
 */
#ifndef DPSEC_TEST_IKE_MODEL_H
#define DPSEC_TEST_IKE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_build.h"
#include "ike_msg.h"

/*
 * Write every payload of m (types in a fixed order, lists in their order),
 * with m's header when with_hdr (and then m's SK/SKF, same body, last), or
 * as a bare chain. Payloads the model cannot reproduce (an SA with an
 * unusable transform, a TS payload with unknown selectors) are left out and
 * their bits set in *skipped. *first is the chain's first payload type (what
 * ike_parse_inner needs for a bare chain). Returns the length or the
 * writer's error.
 */
int ike_model_encode(const struct ike_msg *m, bool with_hdr, uint8_t *buf, size_t cap,
		     uint64_t *skipped, uint8_t *first);

/* Equal models, ignoring the payload types in skip; on a difference, why says what. */
bool ike_model_equal(const struct ike_msg *a, const struct ike_msg *b, uint64_t skip, char *why,
		     size_t n);

#endif
