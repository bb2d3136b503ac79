/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 addresses and prefixes as used across modules: 16 bytes in network
 * order, as they appear in a packet, so the dataplane compares them with
 * header fields as is. Text in is anything inet_pton(AF_INET6) takes (RFC 4291
 * section 2.2); text out is the RFC 5952 canonical form inet_ntop writes.
 */
#ifndef DPSEC_IP6_H
#define DPSEC_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define IP6_LEN 16
#define IP6_STRLEN 46		/* INET6_ADDRSTRLEN */
#define IP6_PREFIX_STRLEN 50	/* address, '/', up to 3 digits, NUL */

struct ip6_prefix {
	uint8_t addr[IP6_LEN];	/* network order, host bits zero */
	uint8_t len;		/* 0..128 */
};

/* A bare IPv6 address: no prefix length, no zone ("%eth0"), nothing after it. */
bool ip6_parse(const char *s, uint8_t addr[IP6_LEN]);
/*
 * "X:X::X/LEN", LEN 0..128 in decimal without a leading zero, host bits kept
 * (an interface address, a next hop with its subnet). The '/' is required.
 */
bool ip6_addr_len_parse(const char *s, uint8_t addr[IP6_LEN], uint8_t *len);
/*
 * "X:X::X/LEN" or a bare address (/128), as a network: host bits set gives
 * false with *host_bits_set true (the caller names the network meant).
 */
bool ip6_prefix_parse(const char *s, struct ip6_prefix *p, bool *host_bits_set);

/* RFC 5952 text ("2001:db8::1"); "?" if inet_ntop fails, which it does not for AF_INET6. */
const char *ip6_str(const uint8_t addr[IP6_LEN], char buf[IP6_STRLEN]);
/* "2001:db8::/32". */
const char *ip6_prefix_str(const struct ip6_prefix *p, char buf[IP6_PREFIX_STRLEN]);

/* out = a with every bit past len cleared. */
void ip6_mask(const uint8_t a[IP6_LEN], uint8_t len, uint8_t out[IP6_LEN]);

/* Does addr lie in p? Compares whole bytes, then the one partial byte. */
static inline bool
ip6_prefix_match(const struct ip6_prefix *p, const uint8_t addr[IP6_LEN])
{
	unsigned int full = p->len / 8u, rest = p->len % 8u;

	if (memcmp(p->addr, addr, full) != 0)
		return false;
	return rest == 0 || ((p->addr[full] ^ addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/* Text that can only be IPv6 (IPv4 never holds ':'): picks the parser and its message. */
static inline bool
ip6_looks_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

#endif
