/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake gwB's IKEv2 state (fake_view.h): the IKE SA with gwA that keys map
 * VPN 10 (its CHILD_SA is the current pair of fake_view.c's SAs, and the
 * rekeyed one still draining), a half-open IKE_SA_INIT from a stranger, and
 * exchange counters that add up to that history.
 */
#include <string.h>

#include "../../../src/ike/ike_const.h"
#include "fake_view.h"

static struct ike_addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	return (struct ike_addr){.family = 4, .ip = {a, b, c, d}, .port = port};
}

static void
sas(struct fake *f)
{
	struct view_ike_sa *a = &f->ike[0], *s = &f->ike[1];

	*a = (struct view_ike_sa){.tunnel_id = 1, .local = v4(192, 0, 2, 2, 500),
				  .remote = v4(192, 0, 2, 1, 500), .status = VIEW_IKE_READY,
				  .initiator = false, .spi_local = 0x8A9B0C1D2E3F4051ull,
				  .spi_remote = 0x3F1C5A8B27D4E6F0ull, .encr = IKE_ENCR_AES_GCM_16,
				  .encr_bits = 256, .integ = IKE_INTEG_NONE,
				  .prf = IKE_PRF_HMAC_SHA2_384, .dh = IKE_DH_ECP256,
				  .auth_local = IKE_AUTH_SHARED_KEY_MIC,
				  .auth_remote = IKE_AUTH_SHARED_KEY_MIC, .lifetime_sec = 86400,
				  .active_sec = 735, .msgid_tx = 2, .msgid_rx = 5, .window = 1,
				  .dpd_interval = 10, .dpd_retry = 2, .fragmentation = true,
				  .n_children = 1};
	strcpy(a->local_id, "192.0.2.2");
	strcpy(a->remote_id, "192.0.2.1");
	strcpy(a->profile, "PROF");
	/* a stranger's IKE_SA_INIT answered, its IKE_AUTH not come yet */
	*s = (struct view_ike_sa){.tunnel_id = 2, .local = v4(192, 0, 2, 2, 500),
				  .remote = v4(203, 0, 113, 77, 500),
				  .status = VIEW_IKE_NEGOTIATING, .initiator = false,
				  .spi_local = 0x0123456789ABCDEFull,
				  .spi_remote = 0xFEDCBA9876543210ull, .encr = IKE_ENCR_AES_CBC,
				  .encr_bits = 128, .integ = IKE_INTEG_HMAC_SHA2_256_128,
				  .prf = IKE_PRF_HMAC_SHA2_256, .dh = IKE_DH_MODP2048,
				  .lifetime_sec = 86400, .window = 1};
	strcpy(s->local_id, "");
	strcpy(s->remote_id, "");
	f->n_ike = 2;
}

static void
children(struct fake *f)
{
	f->child[0] = (struct view_ike_child){.tunnel_id = 1, .map = 0, .entry = 0,
					      .spi_in = 0x658F7C11, .spi_out = 0x5A5A0001,
					      .handle_in = 2076, .handle_out = UINT32_MAX,
					      .rekeyed = true, .pfs_group = IKE_DH_ECP256,
					      .age_sec = 3600};
	f->child[1] = (struct view_ike_child){.tunnel_id = 1, .map = 0, .entry = 0,
					      .spi_in = 0xB761863E, .spi_out = 0x397C36EE,
					      .handle_in = 2077, .handle_out = 2078, .active = true,
					      .pfs_group = IKE_DH_ECP256, .age_sec = 363};
	f->n_child = 2;
}

/* gwA initiated the IKE SA and both CHILD_SAs (the rekey), gwB sent DPD. */
static void
stats(struct fake *f)
{
	struct view_ike_stats *s = &f->ike_stats;

	s->exchange[IKE_STAT_X_IKE_SA_INIT][IKE_RX_REQ] = 3;
	s->exchange[IKE_STAT_X_IKE_SA_INIT][IKE_TX_RES] = 3;
	s->exchange[IKE_STAT_X_IKE_AUTH][IKE_RX_REQ] = 1;
	s->exchange[IKE_STAT_X_IKE_AUTH][IKE_TX_RES] = 1;
	s->exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_RX_REQ] = 1;
	s->exchange[IKE_STAT_X_CREATE_CHILD_SA][IKE_TX_RES] = 1;
	s->exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_RX_REQ] = 1;
	s->exchange[IKE_STAT_X_CHILD_IPSEC_REKEY][IKE_TX_RES] = 1;
	s->exchange[IKE_STAT_X_INFORMATIONAL][IKE_TX_REQ] = 4;
	s->exchange[IKE_STAT_X_INFORMATIONAL][IKE_RX_RES] = 4;
	s->notify[IKE_STAT_N_DPD][IKE_TX_REQ] = 4;
	s->notify[IKE_STAT_N_DPD][IKE_RX_RES] = 4;
	s->notify[IKE_STAT_N_INITIAL_CONTACT][IKE_RX_REQ] = 1;
	s->notify[IKE_STAT_N_NAT_DETECTION_SOURCE_IP][IKE_RX_REQ] = 3;
	s->notify[IKE_STAT_N_NAT_DETECTION_SOURCE_IP][IKE_TX_RES] = 3;
	s->notify[IKE_STAT_N_NAT_DETECTION_DESTINATION_IP][IKE_RX_REQ] = 3;
	s->notify[IKE_STAT_N_NAT_DETECTION_DESTINATION_IP][IKE_TX_RES] = 3;
	s->notify[IKE_STAT_N_REKEY_SA][IKE_RX_REQ] = 1;
	s->notify[IKE_STAT_N_INVALID_KE_PAYLOAD][IKE_TX_RES] = 1;
	s->notify[IKE_STAT_N_IKEV2_FRAGMENTATION_SUPPORTED][IKE_RX_REQ] = 3;
	s->notify[IKE_STAT_N_IKEV2_FRAGMENTATION_SUPPORTED][IKE_TX_RES] = 3;
	s->drops[IKE_DROP_MALFORMED] = 2;
	s->drops[IKE_DROP_UNKNOWN_SPI] = 5;
	s->drops[IKE_DROP_INVALID_KE] = 1;
	s->frags_tx = 6;	/* RFC 7383: an IKE_AUTH response in 3 fragments, sent twice */
	s->frags_rx = 3;
	s->frag_msgs_tx = 1;
	s->frag_msgs_rx = 1;
	s->no_nat = 1;
	s->sa_up = 1;
	s->collisions = 1;	/* both ends at once, the redundant IKE SA was ours */
	s->collisions_deleted = 1;
	s->half_open = 1;
}

void
fake_ike_init(struct fake *f)
{
	sas(f);
	children(f);
	stats(f);
}

size_t
fake_ike_sa_list(void *ctx, struct view_ike_sa *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = f->n_ike < max ? f->n_ike : max;

	memcpy(out, f->ike, n * sizeof(*out));
	return n;
}

size_t
fake_ike_child_list(void *ctx, uint32_t tunnel_id, struct view_ike_child *out, size_t max)
{
	struct fake *f = ctx;
	size_t n = 0;

	for (size_t i = 0; i < f->n_child && n < max; i++)
		if (tunnel_id == 0 || f->child[i].tunnel_id == tunnel_id)
			out[n++] = f->child[i];
	return n;
}

void
fake_ike_stats(void *ctx, struct view_ike_stats *out)
{
	*out = ((struct fake *)ctx)->ike_stats;
}

void
fake_ike_stats_clear(void *ctx)
{
	struct view_ike_stats *s = &((struct fake *)ctx)->ike_stats;
	uint64_t half_open = s->half_open;

	memset(s, 0, sizeof(*s));
	s->half_open = half_open;
}

/* The dataplane SAs of a CHILD_SA go with it (both halves, by handle). */
static void
child_gone(struct fake *f, const struct view_ike_child *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < f->n_sa; i++) {
		if (f->sa[i].conn_id == c->handle_in || f->sa[i].conn_id == c->handle_out)
			continue;
		f->sa_base[kept] = f->sa_base[i];
		f->sa[kept++] = f->sa[i];
	}
	f->n_sa = kept;
}

/* The IKE SAs with the peer go, and their CHILD_SAs with them, as ike_clear does. */
unsigned int
fake_ike_clear(void *ctx, const struct ike_addr *peer)
{
	struct fake *f = ctx;
	size_t kept = 0, n = f->n_ike;

	for (size_t i = 0; i < n; i++) {
		const struct view_ike_sa *sa = &f->ike[i];
		size_t kept_child = 0;

		if (peer != NULL &&
		    (sa->remote.family != peer->family ||
		     memcmp(sa->remote.ip, peer->ip, peer->family == 6 ? 16 : 4) != 0)) {
			f->ike[kept++] = *sa;
			continue;
		}
		for (size_t c = 0; c < f->n_child; c++) {
			if (f->child[c].tunnel_id == sa->tunnel_id)
				child_gone(f, &f->child[c]);
			else
				f->child[kept_child++] = f->child[c];
		}
		f->n_child = kept_child;
		if (sa->status == VIEW_IKE_NEGOTIATING && f->ike_stats.half_open > 0)
			f->ike_stats.half_open--;
		f->ike_stats.sa_down += sa->status == VIEW_IKE_READY;
	}
	f->n_ike = kept;
	return (unsigned int)(n - kept);
}

/* As ike_clear_session: the IKE SAs go (the fake has no policy to bring them back). */
unsigned int
fake_ike_session_clear(void *ctx, const struct ike_addr *peer)
{
	((struct fake *)ctx)->session_clears++;
	return fake_ike_clear(ctx, peer);
}

bool
fake_ike_debug_get(void *ctx)
{
	return ((struct fake *)ctx)->ike_debug;
}

void
fake_ike_debug_set(void *ctx, bool on)
{
	((struct fake *)ctx)->ike_debug = on;
}
