/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hand-written IKE messages for tests: a payload chain as spaced hex tokens
 * ("29 00 0008 00 00 4004"; "zN" is N zero bytes), wrapped in a header whose
 * Next Payload and Length fields fit.
 */
#ifndef DPSEC_TEST_IKE_HEXMSG_H
#define DPSEC_TEST_IKE_HEXMSG_H

#include <stddef.h>
#include <stdint.h>

/* Decode the tokens into out (cap bytes); returns the length, or 0 on a bad token. */
size_t hexmsg_chain(const char *hex, uint8_t *out, size_t cap);

/* Header (IKE_SA_INIT request, next = first) + chain into out; returns the length. */
size_t hexmsg_msg(uint8_t first, const char *hex, uint8_t *out, size_t cap);

#endif
