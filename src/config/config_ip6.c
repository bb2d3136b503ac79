/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 values in the configuration, with messages naming the IPv6 form
 * wanted. Keys that take either family call cfg_ip6_text first: text with a
 * ':' can only be IPv6, so its mistakes are explained in IPv6 terms and
 * everything else keeps the IPv4 reader and its message.
 */
#include "config_priv.h"

int
cfg_ip6(struct cfg_ctx *c, const struct ynode *v, const char *what, uint8_t out[IP6_LEN])
{
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc == 0 && !ip6_parse(s, out))
		rc = cfg_err(c, v, "'%s' must be an IPv6 address X:X::X (got '%s')", what,
			     cfg_quote(c, v));
	return rc;
}

int
cfg_prefix6(struct cfg_ctx *c, const struct ynode *v, const char *what, struct ip6_prefix *out)
{
	char net[IP6_PREFIX_STRLEN];
	struct ip6_prefix p;
	bool host_bits;
	const char *s;
	int rc = cfg_str(c, v, what, &s);

	if (rc < 0 || ip6_prefix_parse(s, out, &host_bits))
		return rc;
	if (!host_bits || !ip6_addr_len_parse(s, p.addr, &p.len))
		return cfg_err(c, v, "'%s' must be an IPv6 prefix X:X::X/0..128 (got '%s')", what,
			       cfg_quote(c, v));
	ip6_mask(p.addr, p.len, p.addr);
	return cfg_err(c, v, "'%s' %s has host bits set (expected %s)", what, cfg_quote(c, v),
		       ip6_prefix_str(&p, net));
}

bool
cfg_ip6_text(const struct ynode *v)
{
	return v->type == YNODE_SCALAR && v->str != NULL && ip6_looks_v6(v->str);
}

/* Prefixes as duplicate keys: the 128 address bits in hi/lo, the length in ext. */
struct cfg_dupkey
cfg_dupkey6(const uint8_t a[IP6_LEN], uint8_t len, uint32_t idx)
{
	struct cfg_dupkey k = {.idx = idx, .ext = len};

	for (int i = 0; i < 8; i++) {
		k.hi = k.hi << 8 | a[i];
		k.lo = k.lo << 8 | a[8 + i];
	}
	return k;
}
