/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show crypto ikev2 sa [detailed], show crypto isakmp sa,
 * clear crypto ikev2 sa [remote A.B.C.D | X:X::X]
 *
 * IOS XE layout (genieparser ShowCryptoIkev2Sa fixture): an IPv4 and an IPv6
 * block, one row per IKE SA and two indented lines, "detailed" adds the
 * negotiation state:
 *
 *	 IPv4 Crypto IKEv2  SA
 *
 *	Tunnel-id Local                 Remote                fvrf/ivrf            Status
 *	1         192.0.2.2/4500        192.0.2.1/4500        none/none            READY
 *	      Encr: AES-GCM, keysize: 256, PRF: SHA384, Hash: None, DH Grp:19, Auth sign: PSK, ...
 *	      Life/Active Time: 86400/735 sec
 *
 * dpsec speaks no IKEv1. "show crypto isakmp sa", which on IOS XE lists only
 * IKEv1 SAs, lists the IKEv2 SAs in its layout instead (state READY, IN-NEG
 * or DELETE), so that what operators and their scripts watch on a
 * classic-IOS peer shows the tunnel here too (docs/CLI.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "ike_fmt.h"
#include "json.h"

#define SA_ROW "%-9s %-21s %-21s %-20s %s\n"
#define ISAKMP_ROW "%-15s %-15s %-14s %7s %s\n"

static int
out_of_memory(struct cli_out *o)
{
	cli_puts(o, "% Out of memory\n");
	return CLI_E_FAILED;
}

static const char *
status_text(enum view_ike_status s)
{
	switch (s) {
	case VIEW_IKE_NEGOTIATING:
		return "Negotiation in progress";
	case VIEW_IKE_READY:
		return "Negotiation done";
	case VIEW_IKE_DELETING:
		return "Deleting IKE SA";
	}
	return "Unknown";
}

static const char *
nat_text(const struct view_ike_sa *sa)
{
	if (sa->nat_local)
		return "NAT-T is detected inside";
	if (sa->nat_remote)
		return "NAT-T is detected outside";
	return "NAT-T is not detected";
}

static void
sa_detail_text(const struct view_ike_sa *sa, struct cli_out *o)
{
	cli_printf(o, "      Session-id: %" PRIu32 "\n", sa->tunnel_id);
	cli_printf(o, "      Status Description: %s\n", status_text(sa->status));
	cli_printf(o, "      Local spi: %016" PRIX64 "       Remote spi: %016" PRIX64 "\n",
		   sa->spi_local, sa->spi_remote);
	/* a responder learns the identities from IKE_AUTH */
	if (sa->local_id[0] != '\0')
		cli_printf(o, "      Local id: %s\n", sa->local_id);
	if (sa->remote_id[0] != '\0')
		cli_printf(o, "      Remote id: %s\n", sa->remote_id);
	if (sa->profile[0] != '\0')
		cli_printf(o, "      IKEv2 profile: %s\n", sa->profile);
	cli_printf(o, "      Local next msg id: %-14" PRIu32 " Remote next msg id: %" PRIu32 "\n",
		   sa->msgid_tx, sa->msgid_rx);
	cli_printf(o, "      Local window:      %-14" PRIu32 " Remote window:      %" PRIu32 "\n",
		   sa->window, sa->window);
	if (sa->dpd_interval != 0)
		cli_printf(o, "      DPD configured for %" PRIu32 " seconds, retry %" PRIu32 "\n",
			   sa->dpd_interval, sa->dpd_retry);
	else
		cli_puts(o, "      DPD configured for 0 seconds, retry 0\n");
	cli_printf(o, "      Fragmentation %s\n",
		   sa->fragmentation ? "is enabled" : "not configured.");
	cli_printf(o, "      %s\n", nat_text(sa));
	cli_printf(o, "      Initiator of SA : %s\n", sa->initiator ? "Yes" : "No");
	cli_printf(o, "      Child SAs: %" PRIu32 "\n", sa->n_children);
}

static void
sa_text(const struct view_ike_sa *sa, bool detail, struct cli_out *o)
{
	char id[12], l[CLI_IKE_ADDR_LEN], r[CLI_IKE_ADDR_LEN], ks[12];

	snprintf(id, sizeof(id), "%" PRIu32, sa->tunnel_id);
	cli_printf(o, SA_ROW, id, cli_ike_addr_port(&sa->local, l),
		   cli_ike_addr_port(&sa->remote, r), "none/none", cli_ike_status_word(sa->status));
	snprintf(ks, sizeof(ks), "%u", sa->encr_bits);
	cli_printf(o,
		   "      Encr: %s, keysize: %s, PRF: %s, Hash: %s, DH Grp:%u, Auth sign: %s, "
		   "Auth verify: %s\n",
		   cli_ike_encr_word(sa->encr), ks, cli_ike_prf_word(sa->prf),
		   cli_ike_hash_word(sa->integ), sa->dh, cli_ike_auth_word(sa->auth_local),
		   cli_ike_auth_word(sa->auth_remote));
	cli_printf(o, "      Life/Active Time: %" PRIu32 "/%" PRIu64 " sec\n", sa->lifetime_sec,
		   sa->active_sec);
	if (detail)
		sa_detail_text(sa, o);
	cli_puts(o, "\n");
}

static void
family_text(const struct cli_ike_list *l, uint8_t family, bool detail, struct cli_out *o)
{
	bool header = false;

	cli_printf(o, " IPv%u Crypto IKEv2  SA\n\n", family);
	for (size_t i = 0; i < l->n; i++) {
		if (l->sa[i].local.family != family)
			continue;
		if (!header)
			cli_printf(o, SA_ROW, "Tunnel-id", "Local", "Remote", "fvrf/ivrf", "Status");
		header = true;
		sa_text(&l->sa[i], detail, o);
	}
}

static void
ike_addr_json(struct json *j, const char *key, const struct ike_addr *a)
{
	char buf[CLI_IKE_ADDR_LEN];

	json_obj(j, key);
	json_str(j, "address", cli_ike_addr(a, buf));
	json_u64(j, "port", a->port);
	json_obj_end(j);
}

static void
sa_json(struct json *j, const struct view_ike_sa *sa)
{
	char spi[20];

	json_obj(j, NULL);
	json_u64(j, "tunnel_id", sa->tunnel_id);
	ike_addr_json(j, "local", &sa->local);
	ike_addr_json(j, "remote", &sa->remote);
	json_str(j, "status", cli_ike_status_word(sa->status));
	json_bool(j, "initiator", sa->initiator);
	snprintf(spi, sizeof(spi), "%016" PRIX64, sa->spi_local);
	json_str(j, "local_spi", spi);
	snprintf(spi, sizeof(spi), "%016" PRIX64, sa->spi_remote);
	json_str(j, "remote_spi", spi);
	json_str(j, "encryption", cli_ike_encr_word(sa->encr));
	json_u64(j, "keysize", sa->encr_bits);
	json_str(j, "prf", cli_ike_prf_word(sa->prf));
	json_str(j, "hash", cli_ike_hash_word(sa->integ));
	json_u64(j, "dh_group", sa->dh);
	json_str(j, "auth_sign", cli_ike_auth_word(sa->auth_local));
	json_str(j, "auth_verify", cli_ike_auth_word(sa->auth_remote));
	json_u64(j, "lifetime", sa->lifetime_sec);
	json_u64(j, "active_time", sa->active_sec);
	json_str(j, "local_id", sa->local_id);
	json_str(j, "remote_id", sa->remote_id);
	json_str(j, "profile", sa->profile);
	json_u64(j, "local_next_msg_id", sa->msgid_tx);
	json_u64(j, "remote_next_msg_id", sa->msgid_rx);
	json_u64(j, "dpd_interval", sa->dpd_interval);
	json_u64(j, "dpd_retry", sa->dpd_retry);
	json_bool(j, "nat_detected_inside", sa->nat_local);
	json_bool(j, "nat_detected_outside", sa->nat_remote);
	json_bool(j, "fragmentation", sa->fragmentation);
	json_u64(j, "child_sas", sa->n_children);
	json_obj_end(j);
}

static void
list_json(const struct cli_ike_list *l, struct cli_out *o)
{
	struct json j;

	json_begin(&j, o);
	json_arr(&j, "ikev2_sa");
	for (size_t i = 0; i < l->n; i++)
		sa_json(&j, &l->sa[i]);
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_ikev2_sa(const struct cli_ctx *c, struct cli_out *o)
{
	struct cli_ike_list l;

	if (CLI_OP(c->v, ike_sa_list) == NULL)
		return cli_not_available(o);
	if (cli_ike_fetch(c->v, &l) < 0)
		return out_of_memory(o);
	if (c->json) {
		list_json(&l, o);
	} else {
		family_text(&l, 4, c->opt[CLI_OPT_DETAIL].set, o);
		family_text(&l, 6, c->opt[CLI_OPT_DETAIL].set, o);
	}
	cli_ike_list_free(&l);
	return CLI_OK;
}

/* ---- show crypto isakmp sa ---- */

/* IOS's dst is the responder of the SA, src its initiator. */
static void
isakmp_row(const struct view_ike_sa *sa, struct cli_out *o)
{
	const struct ike_addr *dst = sa->initiator ? &sa->remote : &sa->local;
	const struct ike_addr *src = sa->initiator ? &sa->local : &sa->remote;
	char d[CLI_IKE_ADDR_LEN], s[CLI_IKE_ADDR_LEN], id[12];

	snprintf(id, sizeof(id), "%" PRIu32, sa->tunnel_id);
	cli_printf(o, ISAKMP_ROW, cli_ike_addr(dst, d), cli_ike_addr(src, s),
		   cli_ike_status_word(sa->status), id,
		   sa->status == VIEW_IKE_DELETING ? "ACTIVE (deleted)" : "ACTIVE");
}

int
cli_show_isakmp_sa(const struct cli_ctx *c, struct cli_out *o)
{
	struct cli_ike_list l;

	if (CLI_OP(c->v, ike_sa_list) == NULL)
		return cli_not_available(o);
	if (cli_ike_fetch(c->v, &l) < 0)
		return out_of_memory(o);
	if (c->json) {
		list_json(&l, o);
	} else {
		/* IOS prints the column header under IPv4 always, under IPv6 with rows only */
		for (uint8_t fam = 4; fam <= 6; fam += 2) {
			bool header = false;

			cli_printf(o, "IPv%u Crypto ISAKMP SA\n", fam);
			for (size_t i = 0; i <= l.n; i++) {
				bool row = i < l.n && l.sa[i].local.family == fam;

				if (!header && (row || (fam == 4 && i == l.n)))
					cli_printf(o, ISAKMP_ROW, "dst", "src", "state",
						   "conn-id", "status");
				header = header || row || fam == 4;
				if (row)
					isakmp_row(&l.sa[i], o);
			}
			cli_puts(o, "\n");
		}
	}
	cli_ike_list_free(&l);
	return CLI_OK;
}

/* ---- clear crypto ikev2 sa [remote A], clear crypto session [remote A] ---- */

static int
ike_remove(const struct cli_ctx *c, struct cli_out *o,
	   unsigned int (*clear)(void *, const struct ike_addr *))
{
	const struct cli_arg *a = &c->opt[CLI_OPT_PEER];
	struct ike_addr peer = {.family = a->v6 ? 6 : 4};
	unsigned int n;

	if (clear == NULL)
		return cli_not_available(o);
	if (a->set && a->v6)
		memcpy(peer.ip, a->ip6, 16);
	else if (a->set)
		memcpy(peer.ip, &a->ip, 4);
	n = clear(c->v->ctx, c->opt[CLI_OPT_PEER].set ? &peer : NULL);
	if (c->json) {
		struct json j;

		json_begin(&j, o);
		json_u64(&j, "cleared", n);
		json_end(&j);
	}
	return CLI_OK;
}

int
cli_clear_ikev2_sa(const struct cli_ctx *c, struct cli_out *o)
{
	return ike_remove(c, o, CLI_OP(c->v, ike_clear));
}

int
cli_clear_crypto_session(const struct cli_ctx *c, struct cli_out *o)
{
	return ike_remove(c, o, CLI_OP(c->v, ike_session_clear));
}
