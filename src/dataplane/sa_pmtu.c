/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path MTU of outbound SAs, learned from ICMP "fragmentation needed" about
 * our own ESP or AH packets (RFC 1191), or ICMPv6 "packet too big" about our
 * ESP over IPv6 (RFC 8201; RFC 4301 section 8.2.1, dpsec/dp.h
 * dp_sa_path_mtu). The MTU lives in the SA's endpoint template (sa.h: one
 * cache line every packet reads), so a change is a new template swapped in
 * and the old one retired after the grace period, as for an endpoint move:
 * esp_out.c then sizes against it (DF set: ICMP 3/4 with the lower plaintext
 * MTU; before-encryption: smaller fragments). Aged back to the interface's
 * MTU after DP_PMTU_AGE_S, as IOS does, on the control thread's
 * housekeeping, by the dataplane clock.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane.h"
#include "sa.h"
#include "sa_pmtu.h"
#include "sad.h"

/* sa's template again, with mtu. -ENOMEM (sa unchanged) or 0. */
static int
set_ep_mtu(struct dp *dp, struct sa *sa, uint16_t mtu)
{
	const struct sa_ep *old = sa->rt->ep;
	struct sa_ep *ep = rte_malloc("sa_ep", sizeof(*ep), RTE_CACHE_LINE_SIZE);

	if (ep == NULL)
		return -ENOMEM;
	*ep = *old;
	ep->mtu = mtu;
	__atomic_store_n(&sa->rt->ep, ep, __ATOMIC_RELEASE);
	sad_retire(dp->sad, (void *)(uintptr_t)old);
	return 0;
}

/* A message said mtu for sa's path: lowered to it (not below min), never raised. */
static int
lower_to(struct dp *dp, struct sa *sa, uint32_t mtu, uint16_t min)
{
	uint16_t want = mtu < min ? min : mtu > UINT16_MAX ? UINT16_MAX : (uint16_t)mtu;
	int rc;

	/* RFC 1191 section 4: a router that does not say (0) is no help */
	if (mtu == 0)
		return -EINVAL;
	if (want >= sa->rt->ep->mtu)
		return 0;	/* only ever lowered by a message; raised by age */
	rc = set_ep_mtu(dp, sa, want);
	if (rc == 0)
		sa->pmtu_ns = clk_mono_ns(&dp->clk);
	return rc;
}

int
dp_sa_path_mtu(struct dp *dp, uint32_t local, uint32_t peer, uint8_t proto, uint32_t spi,
	       uint16_t mtu)
{
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (sa->dir != CFG_DIR_OUT || sa->spi != spi || sa->proto != proto || sa->v6 ||
		    sa->local != local || sa->peer != peer)
			continue;
		return lower_to(dp, sa, mtu, DP_PMTU_MIN);
	}
	return -ENOENT;
}

int
dp_sa_path_mtu6(struct dp *dp, const uint8_t local[16], const uint8_t peer[16], uint32_t spi,
		uint32_t mtu)
{
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (sa->dir != CFG_DIR_OUT || sa->spi != spi || sa->proto != IPPROTO_ESP ||
		    !sa->v6 || memcmp(sa->local6, local, 16) != 0 || memcmp(sa->peer6, peer, 16) != 0)
			continue;
		/* RFC 8201 section 4: below 1280 is taken as 1280 */
		return lower_to(dp, sa, mtu, DP_PMTU6_MIN);
	}
	return -ENOENT;
}

void
sa_pmtu_housekeeping(struct dp *dp)
{
	uint64_t now = clk_mono_ns(&dp->clk);
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(dp->sad), link) {
		if (sa->pmtu_ns == 0 || now - sa->pmtu_ns < DP_PMTU_AGE_S * CLK_NS_PER_S)
			continue;
		if (set_ep_mtu(dp, sa, dp->ports[sa->rt->ep->tx_port].mtu) == 0)
			sa->pmtu_ns = 0;	/* else again at the next tick */
	}
}

uint16_t
sa_path_mtu(const struct sa *sa)
{
	return sa->dir == CFG_DIR_OUT ? sa->rt->ep->mtu : 0;
}
