/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dpsec/inet_sum.h"
#include "dpsec/nd6_group.h"

#include "nd6.h"

#define ETH_LEN 14
#define IP6_LEN 40
#define ETHERTYPE_IPV6 0x86dd
#define NH_ICMPV6 58

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define ND_NS_LEN 24		/* type, code, checksum, reserved, target (section 4.3) */
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_HOP_LIMIT 255	/* section 7.1.1: only from the link itself */
#define NA_FLAG_R 0x80		/* we are a router (section 4.4) */
#define NA_FLAG_S 0x40
#define NA_FLAG_O 0x20
#define ECHO_HOP_LIMIT 64

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The ICMPv6 checksum over the pseudo-header and icmp[0..len) (RFC 8200 section 8.1). */
static uint16_t
icmp6_sum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	return inet_fold(inet_sum16(icmp, len, inet6_pseudo_sum(ip6, len, NH_ICMPV6)));
}

/* The ICMPv6 message of an Ethernet/IPv6 frame and its length, or NULL. */
static const uint8_t *
icmp6_of(const uint8_t *frame, size_t len, size_t *icmp_len)
{
	const uint8_t *ip6 = frame + ETH_LEN;
	size_t plen;

	if (len < ETH_LEN + IP6_LEN + 4 || rd16(frame + 12) != ETHERTYPE_IPV6 ||
	    (ip6[0] >> 4) != 6 || ip6[6] != NH_ICMPV6)
		return NULL;
	plen = rd16(ip6 + 4);
	if (plen < 4 || ETH_LEN + IP6_LEN + plen > len)
		return NULL;
	*icmp_len = plen;
	return ip6 + IP6_LEN;
}

enum nd6_kind
nd6_kind_of(const uint8_t *frame, size_t len)
{
	size_t n;
	const uint8_t *icmp = icmp6_of(frame, len, &n);

	if (icmp == NULL)
		return ND6_NONE;
	switch (icmp[0]) {
	case ND_NS:
		return ND6_NS;
	case ND_NA:
		return ND6_NA;
	case ICMP6_ECHO_REQUEST:
		return ND6_ECHO;
	default:
		return ND6_OTHER;
	}
}

static bool
is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

/*
 * Sections 7.1.1 and 7.1.2's checks on an NS's or NA's options: every one
 * has a non-zero length and fits. The link-layer address option of type
 * want (source for an NS, target for an NA), if any, to *lla.
 */
static bool
nd_options(const uint8_t *opt, size_t len, uint8_t want, const uint8_t **lla)
{
	*lla = NULL;
	while (len > 0) {
		size_t olen;

		if (len < 2 || opt[1] == 0)
			return false;
		olen = (size_t)opt[1] * 8;
		if (olen > len)
			return false;
		if (opt[0] == want && olen == 8)
			*lla = opt + 2;
		opt += olen;
		len -= olen;
	}
	return true;
}

/* Ethernet and IPv6 headers of a reply from us (mac, addr6) to (dmac, dst). */
static void
reply_head(uint8_t *out, const uint8_t dmac[6], const uint8_t mac[6], const uint8_t addr6[16],
	   const uint8_t dst[16], size_t icmp_len, uint8_t hop_limit)
{
	uint8_t *ip6 = out + ETH_LEN;

	memcpy(out, dmac, 6);
	memcpy(out + 6, mac, 6);
	wr16(out + 12, ETHERTYPE_IPV6);
	memset(ip6, 0, IP6_LEN);
	ip6[0] = 0x60;
	wr16(ip6 + 4, (uint16_t)icmp_len);
	ip6[6] = NH_ICMPV6;
	ip6[7] = hop_limit;
	memcpy(ip6 + 8, addr6, 16);
	memcpy(ip6 + 24, dst, 16);
}

static void
seal(uint8_t *out, size_t icmp_len)
{
	uint8_t *ip6 = out + ETH_LEN, *icmp = ip6 + IP6_LEN;

	wr16(icmp + 2, 0);
	wr16(icmp + 2, (uint16_t)~icmp6_sum(ip6, icmp, icmp_len));
}

/* Section 7.1.1's checks on an NS for addr6 (checksum checked by the caller). */
static bool
ns_valid(const uint8_t *frame, const uint8_t *icmp, size_t n, const uint8_t addr6[16],
	 const uint8_t **slla)
{
	const uint8_t *ip6 = frame + ETH_LEN, *target = icmp + 8;

	return n >= ND_NS_LEN && ip6[7] == ND_HOP_LIMIT && icmp[1] == 0 &&
	       nd_options(icmp + ND_NS_LEN, n - ND_NS_LEN, ND_OPT_SLLA, slla) &&
	       target[0] != 0xff && memcmp(target, addr6, 16) == 0;
}

static size_t
answer_ns(const uint8_t *frame, const uint8_t *icmp, size_t n, const uint8_t addr6[16],
	  const uint8_t mac[6], uint8_t *out, size_t out_cap)
{
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
	static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 0x01};
	const uint8_t *ip6 = frame + ETH_LEN, *src = ip6 + 8, *dst = ip6 + 24, *slla;
	const uint8_t *target = icmp + 8;
	bool dad = is_unspecified(src);
	uint8_t *na;

	if (!ns_valid(frame, icmp, n, addr6, &slla))
		return 0;
	/* duplicate address detection: to the solicited-node group, no source address option */
	if (dad && (!nd6_is_solicited_node(dst, target) || slla != NULL))
		return 0;
	if (out_cap < ND6_NA_LEN)
		return 0;
	/* section 7.2.4: to the solicitor, or to all nodes if it has no address yet (S clear) */
	reply_head(out, dad ? all_nodes_mac : slla != NULL ? slla : frame + 6, mac, addr6,
		   dad ? all_nodes : src, ND_NS_LEN + 8, ND_HOP_LIMIT);
	na = out + ETH_LEN + IP6_LEN;
	memset(na, 0, ND_NS_LEN + 8);
	na[0] = ND_NA;
	na[4] = (uint8_t)(NA_FLAG_R | NA_FLAG_O | (dad ? 0 : NA_FLAG_S));
	memcpy(na + 8, addr6, 16);
	na[ND_NS_LEN] = ND_OPT_TLLA;
	na[ND_NS_LEN + 1] = 1;
	memcpy(na + ND_NS_LEN + 2, mac, 6);
	seal(out, ND_NS_LEN + 8);
	return ND6_NA_LEN;
}

static size_t
answer_echo(const uint8_t *frame, const uint8_t *icmp, size_t n, const uint8_t addr6[16],
	    const uint8_t mac[6], uint8_t *out, size_t out_cap)
{
	const uint8_t *ip6 = frame + ETH_LEN;
	size_t total = ETH_LEN + IP6_LEN + n;

	/* to our unicast address only (no reply to a group, RFC 4443 section 4.2 allows none) */
	if (n < 8 || icmp[1] != 0 || memcmp(ip6 + 24, addr6, 16) != 0 || out_cap < total)
		return 0;
	reply_head(out, frame + 6, mac, addr6, ip6 + 8, n, ECHO_HOP_LIMIT);
	memcpy(out + ETH_LEN + IP6_LEN, icmp, n);	/* identifier, sequence and data echoed */
	out[ETH_LEN + IP6_LEN] = ICMP6_ECHO_REPLY;
	seal(out, n);
	return total;
}

size_t
nd6_answer(const uint8_t *frame, size_t len, const uint8_t addr6[16], const uint8_t mac[6],
	   uint8_t *out, size_t out_cap)
{
	size_t n;
	const uint8_t *icmp = icmp6_of(frame, len, &n);

	/* a message whose checksum does not verify is silently discarded (section 7.1.1) */
	if (icmp == NULL || icmp6_sum(frame + ETH_LEN, icmp, n) != 0xffff)
		return 0;
	if (icmp[0] == ND_NS)
		return answer_ns(frame, icmp, n, addr6, mac, out, out_cap);
	if (icmp[0] == ICMP6_ECHO_REQUEST)
		return answer_echo(frame, icmp, n, addr6, mac, out, out_cap);
	return 0;
}

bool
nd6_parse_na(const uint8_t *frame, size_t len, struct nd6_na *na)
{
	size_t n;
	const uint8_t *icmp = icmp6_of(frame, len, &n), *lla;
	const uint8_t *ip6 = frame + ETH_LEN;

	if (icmp == NULL || icmp[0] != ND_NA || n < ND_NS_LEN || ip6[7] != ND_HOP_LIMIT ||
	    icmp[1] != 0 || icmp6_sum(ip6, icmp, n) != 0xffff || icmp[8] == 0xff ||
	    !nd_options(icmp + ND_NS_LEN, n - ND_NS_LEN, ND_OPT_TLLA, &lla))
		return false;
	/* section 7.1.2: to a multicast address, the solicited flag must be clear */
	if (ip6[24] == 0xff && (icmp[4] & NA_FLAG_S))
		return false;
	memcpy(na->target, icmp + 8, 16);
	na->has_lla = lla != NULL;
	if (lla != NULL)
		memcpy(na->lla, lla, 6);
	else
		memset(na->lla, 0, 6);
	na->router = (icmp[4] & NA_FLAG_R) != 0;
	na->solicited = (icmp[4] & NA_FLAG_S) != 0;
	na->override = (icmp[4] & NA_FLAG_O) != 0;
	return true;
}

bool
nd6_ns_sender(const uint8_t *frame, size_t len, const uint8_t addr6[16], uint8_t src[16],
	      uint8_t lla[6])
{
	size_t n;
	const uint8_t *icmp = icmp6_of(frame, len, &n), *slla;

	if (icmp == NULL || icmp[0] != ND_NS || icmp6_sum(frame + ETH_LEN, icmp, n) != 0xffff ||
	    !ns_valid(frame, icmp, n, addr6, &slla) || slla == NULL ||
	    is_unspecified(frame + ETH_LEN + 8) || frame[ETH_LEN + 8] == 0xff)
		return false;
	memcpy(src, frame + ETH_LEN + 8, 16);
	memcpy(lla, slla, 6);
	return true;
}

size_t
nd6_build_ns(const uint8_t mac[6], const uint8_t addr6[16], const uint8_t target[16],
	     uint8_t *out, size_t out_cap)
{
	return nd6_build_ns_to(mac, addr6, target, NULL, out, out_cap);
}

size_t
nd6_build_ns_to(const uint8_t mac[6], const uint8_t addr6[16], const uint8_t target[16],
		const uint8_t *to_mac, uint8_t *out, size_t out_cap)
{
	uint8_t *ns;

	if (out_cap < ND6_NS_LEN)
		return 0;
	if (to_mac != NULL) {	/* a unicast probe (section 7.3.3): to the target itself */
		reply_head(out, to_mac, mac, addr6, target, ND_NS_LEN + 8, ND_HOP_LIMIT);
	} else {
		/* RFC 4291 section 2.7.1; RFC 2464 section 7 maps it to 33:33 and its low 32 bits */
		const uint8_t group[16] = {0xff, 0x02, [11] = 0x01, 0xff,
					   target[13], target[14], target[15]};
		const uint8_t gmac[6] = {0x33, 0x33, 0xff, target[13], target[14], target[15]};

		reply_head(out, gmac, mac, addr6, group, ND_NS_LEN + 8, ND_HOP_LIMIT);
	}
	ns = out + ETH_LEN + IP6_LEN;
	memset(ns, 0, ND_NS_LEN + 8);
	ns[0] = ND_NS;
	memcpy(ns + 8, target, 16);
	ns[ND_NS_LEN] = ND_OPT_SLLA;
	ns[ND_NS_LEN + 1] = 1;
	memcpy(ns + ND_NS_LEN + 2, mac, 6);
	seal(out, ND_NS_LEN + 8);
	return ND6_NS_LEN;
}
