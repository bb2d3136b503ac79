/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 addresses and prefixes as used across modules. Addresses are kept in
 * network byte order so the dataplane compares them with packet fields as is.
 */
#ifndef DPSEC_IP4_H
#define DPSEC_IP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP4_STRLEN 16	/* "255.255.255.255" + NUL */
#define MAC_STRLEN 18	/* "aa:bb:cc:dd:ee:ff" + NUL */

struct ip4_prefix {
	uint32_t addr;	/* network order, host bits zero */
	uint8_t len;
};

/* Strict dotted quad: four decimal octets 0-255, no leading '+', no spaces. */
bool ip4_parse(const char *s, uint32_t *addr_be);
/* "a.b.c.d/len" or a bare address (/32). Host bits set -> false. */
bool ip4_prefix_parse(const char *s, struct ip4_prefix *p, bool *host_bits_set);
/* "aa:bb:cc:dd:ee:ff", hex digits either case. */
bool mac_parse(const char *s, uint8_t mac[6]);

const char *ip4_str(uint32_t addr_be, char buf[IP4_STRLEN]);
const char *mac_str(const uint8_t mac[6], char buf[MAC_STRLEN]);

static inline uint32_t
ip4_mask_be(uint8_t len)
{
	uint32_t m = len ? ~0u << (32 - len) : 0;

	return __builtin_bswap32(m);
}

static inline bool
ip4_prefix_match(const struct ip4_prefix *p, uint32_t addr_be)
{
	return (addr_be & ip4_mask_be(p->len)) == p->addr;
}

#endif
