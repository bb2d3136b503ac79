/* SPDX-License-Identifier: BSD-3-Clause */
/* ESP stages and the small helpers both directions share. */
#ifndef DPSEC_ESP_H
#define DPSEC_ESP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "dataplane.h"

/*
 * Both stages take a burst, keep the good packets first (with their egress
 * port set, ready to transmit) and return how many; the rest follow with
 * their drop reason in reason[]. Only the worker frees and counts drops.
 *
 * Inbound: pkts are ESP (raw or in UDP) classified by classify_outside() in
 * this worker loop iteration, each carrying the SA it found or NULL
 * (pkt_in_sa); a packet from anywhere else must carry NULL.
 * Outbound: pkts are IPv4 from an inside port, classified by classify_inside().
 */
uint16_t esp_in_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, dp_drop_t *reason);
/*
 * The ESP inside verified AH+ESP bundle packets, their AH header removed
 * (ah_in.c): only SAs added as a bundle's (SA_F_BUNDLED) take them, and
 * esp_in_burst refuses those SAs' packets (RFC 4301 section 5.2: the SA
 * bundle the policy asks for, not its inner half alone).
 */
uint16_t esp_in_bundled_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
			      dp_drop_t *reason);
uint16_t esp_out_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		       dp_drop_t *reason);
/*
 * Outbound for the gateway's own packets (the control thread's, l2_len and
 * l3_len set): the same, except that the TTL is the sender's, neither checked
 * nor decremented (RFC 1812 section 5.3.1: a router decrements what it forwards).
 */
uint16_t esp_out_local_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
			     dp_drop_t *reason);
/*
 * A packet esp_out kept with PKT_SPLIT (DF clear, too big once encapsulated,
 * "crypto ipsec fragmentation before-encryption"): cut to the SA's inner MTU
 * (frag4.h), each fragment encapsulated as its own ESP or AH packet with its
 * own sequence number (RFC 4303 section 3.3.5 leaves the choice; IOS's
 * default). Returns how many fragments were made, into out[] (FRAG4_MAX):
 * the *n_good encrypted ones first, then those dropped, with reason[]. 0
 * when none could be made: reason[0] says why (m is the caller's to drop).
 * m is never freed here.
 */
unsigned int esp_out_split(struct dp_worker *w, struct rte_mbuf *m, struct rte_mbuf **out,
			   dp_drop_t *reason, unsigned int *n_good);

static inline void
esp_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 4106 section 4: nonce = salt || explicit IV. */
static inline void
esp_gcm_nonce(uint8_t nonce[12], uint32_t salt, const uint8_t *iv)
{
	memcpy(nonce, &salt, 4);
	memcpy(nonce + 4, iv, 8);
}

/*
 * RFC 4106 section 5: AAD = SPI || sequence number, 8 bytes, or with ESN
 * SPI || high 32 bits || low 32 bits, 12 bytes. Returns the length.
 */
static inline uint32_t
esp_aad(const uint8_t *esp, uint64_t seq, bool esn, uint8_t aad[12])
{
	memcpy(aad, esp, 4);
	if (!esn) {
		memcpy(aad + 4, esp + 4, 4);
		return 8;
	}
	esp_put_be32(aad + 4, (uint32_t)(seq >> 32));
	esp_put_be32(aad + 8, (uint32_t)seq);
	return 12;
}

/*
 * Decrement TTL and patch the checksum incrementally (RFC 1141): the TTL is
 * the high byte of its 16-bit word, so the checksum grows by 0x0100, with the
 * end-around carry (the same arithmetic as Linux's ip_decrease_ttl()).
 */
static inline void
esp_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t sum = ip->hdr_checksum + (uint32_t)rte_cpu_to_be_16(0x0100);

	ip->time_to_live--;
	ip->hdr_checksum = (uint16_t)(sum + (sum >= 0xffff));
}

#endif
