/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dpsec/ip6.h"

bool
ip6_parse(const char *s, uint8_t addr[IP6_LEN])
{
	/* inet_pton stops at nothing: it refuses "%zone", "/len" and trailing text itself */
	return inet_pton(AF_INET6, s, addr) == 1;
}

/* "LEN": 0..128, decimal, no sign, no leading zero, nothing after. */
static bool
prefix_len(const char *s, uint8_t *len)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 3; i++)
		n = n * 10 + (unsigned int)(s[i] - '0');
	if (i == 0 || s[i] != '\0' || n > 128 || (i > 1 && s[0] == '0'))
		return false;
	*len = (uint8_t)n;
	return true;
}

bool
ip6_addr_len_parse(const char *s, uint8_t addr[IP6_LEN], uint8_t *len)
{
	const char *slash = strchr(s, '/');
	char a[IP6_STRLEN];

	if (slash == NULL || (size_t)(slash - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	return ip6_parse(a, addr) && prefix_len(slash + 1, len);
}

bool
ip6_prefix_parse(const char *s, struct ip6_prefix *p, bool *host_bits_set)
{
	uint8_t a[IP6_LEN], net[IP6_LEN], len = 128;

	*host_bits_set = false;
	if (strchr(s, '/') != NULL ? !ip6_addr_len_parse(s, a, &len) : !ip6_parse(s, a))
		return false;
	ip6_mask(a, len, net);
	if (memcmp(a, net, IP6_LEN) != 0) {
		*host_bits_set = true;
		return false;
	}
	memcpy(p->addr, a, IP6_LEN);
	p->len = len;
	return true;
}

const char *
ip6_str(const uint8_t addr[IP6_LEN], char buf[IP6_STRLEN])
{
	if (inet_ntop(AF_INET6, addr, buf, IP6_STRLEN) == NULL)
		snprintf(buf, IP6_STRLEN, "?");
	return buf;
}

const char *
ip6_prefix_str(const struct ip6_prefix *p, char buf[IP6_PREFIX_STRLEN])
{
	char a[IP6_STRLEN];

	snprintf(buf, IP6_PREFIX_STRLEN, "%s/%u", ip6_str(p->addr, a), p->len);
	return buf;
}

void
ip6_mask(const uint8_t a[IP6_LEN], uint8_t len, uint8_t out[IP6_LEN])
{
	for (unsigned int i = 0; i < IP6_LEN; i++) {
		unsigned int bits = len > i * 8 ? len - i * 8 : 0;

		out[i] = bits >= 8 ? a[i] : (uint8_t)(a[i] & (0xff00u >> bits));
	}
}
