/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPSEC_HEX_H
#define DPSEC_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode hex digits (either case, optional "0x" prefix, even count) into out.
 * Fails without writing past max; *len gets the decoded length.
 */
bool hex_decode(const char *s, uint8_t *out, size_t max, size_t *len);

/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);

#endif
