/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound ESP the test writes itself: ESP-NULL with HMAC-SHA-256-128
 * (RFC 4303, RFC 4868), signed with OpenSSL, so a test chooses the exact
 * plaintext (inner packet, padding, trailer) that reaches the checks after
 * authentication. From the harness's peer (192.0.2.1) to outside0.
 */
#ifndef DPSEC_TEST_ESP_NULL_H
#define DPSEC_TEST_ESP_NULL_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

#define ESP_NULL_SPI 0x4004u
#define ESP_NULL_MAX 2000	/* plaintext bytes a frame can carry (one mbuf) */

extern const uint8_t esp_null_akey[32];

/* The inbound SA for these frames (replay window 64). Returns the conn id or -errno. */
int esp_null_sa(struct harness *h);

/* A frame carrying plaintext pt (pt_len <= ESP_NULL_MAX) with sequence number seq. */
struct rte_mbuf *esp_null_frame(struct harness *h, uint32_t seq, const uint8_t *pt,
				size_t pt_len);

/*
 * Plaintext for a well-formed tunnel-mode packet: the inner IPv4 packet,
 * padding 1, 2, ... to a 4-byte boundary, pad length, next header 4.
 * Returns its length.
 */
size_t esp_null_plaintext(uint8_t *pt, const void *inner, size_t inner_len);

#endif
