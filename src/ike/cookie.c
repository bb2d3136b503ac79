/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a responder spends on strangers (RFC 7296 sections 2.6, 2.21.1):
 *
 *   half-open IKE SAs >= half_open_max      the IKE_SA_INIT is dropped
 *   half-open IKE SAs >= cookie_threshold   without a valid COOKIE it is
 *                                           answered with N(COOKIE) only,
 *                                           and no state is kept
 *
 *   initiator                              responder
 *   HDR(SPIi, 0), SAi1, KEi, Ni  -->
 *                    <--  HDR(SPIi, 0), N(COOKIE)
 *   HDR(SPIi, 0), N(COOKIE), SAi1, KEi, Ni  -->
 *                    <--  HDR(SPIi, SPIr), SAr1, KEr, Nr, ...
 *
 * The cookie is a hash of Ni, the initiator's address and SPIi under a
 * secret that changes every COOKIE_ROTATE_MS (the previous one is still
 * accepted). Every unencrypted answer (COOKIE, NO_PROPOSAL_CHOSEN,
 * INVALID_KE_PAYLOAD) goes through one token bucket, so a flood of forged
 * IKE_SA_INITs cannot make us a reflector.
 */
#include "ike_engine.h"

#define COOKIE_ROTATE_MS 300000u
#define UNAUTH_ANSWERS_PER_S 100u

static int
rotate(struct ike *ike, uint64_t now)
{
	if (ike->cookie_rotate_ms != 0 && now < ike->cookie_rotate_ms)
		return 0;
	if (ike->cookie_rotate_ms != 0) {
		ike->cookie_prev.version = ike->cookie.version;
		ike->cookie_prev.key = ike->cookie.key;
		ike->cookie_prev_valid = true;
		ike->cookie.version++;
		if (ike_rand(ike->cookie.key.b, ike->cookie.key.len) != 0)
			return -EIO;
	}
	ike->cookie_rotate_ms = now + COOKIE_ROTATE_MS;
	return 0;
}

bool
unauth_answer_allowed(struct ike *ike)
{
	uint64_t now = ike_now(ike);

	if (ike->unauth.hz == 0)
		tbucket_init(&ike->unauth, UNAUTH_ANSWERS_PER_S, UNAUTH_ANSWERS_PER_S, 1000, now);
	if (tbucket_take(&ike->unauth, now))
		return true;
	ike_drop(ike, IKE_DROP_RATE_LIMITED, "answer to an unauthenticated message held back");
	return false;
}

bool
cookie_demanded(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
		const struct ike_msg *m)
{
	const struct ike_notify_pl *n = ike_msg_notify(m, IKE_N_COOKIE);
	size_t ip_len = remote->family == 6 ? 16 : 4;
	uint8_t spi[IKE_SPI_LEN], cookie[IKE_COOKIE_LEN];
	struct ike_out o;

	if (ike->half_open < ike->cfg->ikev2.cookie_threshold)
		return false;
	ike_spi_bytes(m->hdr.spi_i, spi);
	if (rotate(ike, ike_now(ike)) != 0)
		return true;
	if (n != NULL &&
	    ike_cookie_check(&ike->cookie, ike->cookie_prev_valid ? &ike->cookie_prev : NULL,
			     m->nonce.p, m->nonce.len, remote->ip, ip_len, spi, n->data.p,
			     n->data.len) == 0)
		return false;
	ike_drop(ike, IKE_DROP_COOKIE_SENT, n != NULL ? "COOKIE invalid or stale, demanded again"
						      : "IKE_SA_INIT without COOKIE, demanded");
	if (ike_cookie_make(&ike->cookie, m->nonce.p, m->nonce.len, remote->ip, ip_len, spi,
			    cookie) != 0 || !unauth_answer_allowed(ike))
		return true;
	out_init(ike, &o);
	out_notify(&o, IKE_N_COOKIE, 0, NULL, 0, cookie, sizeof(cookie));
	out_init_error(ike, local, remote, &m->hdr, &o);
	return true;
}
