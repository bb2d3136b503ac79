/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "dpsec/hex.h"
#include "dpsec/ip4.h"

/* One decimal octet: 1-3 digits, no leading zero unless the octet is 0, value <= 255. */
static const char *
octet(const char *s, uint32_t *v)
{
	uint32_t n = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 4) {
		n = n * 10 + (uint32_t)(*s - '0');
		s++;
		digits++;
	}
	if (digits == 0 || digits > 3 || n > 255 || (digits > 1 && s[-digits] == '0'))
		return NULL;
	*v = n;
	return s;
}

static const char *
ip4_scan(const char *s, uint32_t *addr_be)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		uint32_t v;

		if (i > 0 && *s++ != '.')
			return NULL;
		s = octet(s, &v);
		if (s == NULL)
			return NULL;
		a = a << 8 | v;
	}
	*addr_be = __builtin_bswap32(a);
	return s;
}

bool
ip4_parse(const char *s, uint32_t *addr_be)
{
	const char *end = ip4_scan(s, addr_be);

	return end != NULL && *end == '\0';
}

bool
ip4_prefix_parse(const char *s, struct ip4_prefix *p, bool *host_bits_set)
{
	uint32_t addr, len = 32;
	const char *end = ip4_scan(s, &addr);

	*host_bits_set = false;
	if (end == NULL)
		return false;
	if (*end == '/') {
		end++;
		if (*end < '0' || *end > '9')
			return false;
		len = 0;
		while (*end >= '0' && *end <= '9' && len <= 32)
			len = len * 10 + (uint32_t)(*end++ - '0');
		if (len > 32)
			return false;
	}
	if (*end != '\0')
		return false;
	if ((addr & ~ip4_mask_be((uint8_t)len)) != 0) {
		*host_bits_set = true;
		return false;
	}
	p->addr = addr;
	p->len = (uint8_t)len;
	return true;
}

bool
mac_parse(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *
ip4_str(uint32_t addr_be, char buf[IP4_STRLEN])
{
	const uint8_t *b = (const uint8_t *)&addr_be;

	snprintf(buf, IP4_STRLEN, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

const char *
mac_str(const uint8_t mac[6], char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}
