/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Snapshots of the IKE SAs for the views, and the words IOS XE prints for
 * IKEv2 algorithms ("show crypto ikev2 sa": Encr: AES-CBC, keysize: 256,
 * PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK).
 * The numbers are IANA's (src/ike/ike_const.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ike/ike_const.h"
#include "fmt.h"
#include "ike_fmt.h"

static size_t
ike_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->ike_sa_list(v->ctx, out, max);
}

int
cli_ike_fetch(const struct view *v, struct cli_ike_list *l)
{
	void *p;
	int rc;

	memset(l, 0, sizeof(*l));
	if (CLI_OP(v, ike_sa_list) == NULL)
		return 0;
	rc = cli_fetch_all(v, ike_list, NULL, sizeof(*l->sa), &p, &l->n);
	l->sa = p;
	return rc;
}

void
cli_ike_list_free(struct cli_ike_list *l)
{
	free(l->sa);
	memset(l, 0, sizeof(*l));
}

static size_t
child_list(const struct view *v, const void *arg, void *out, size_t max)
{
	(void)arg;
	return v->ops->ike_child_list(v->ctx, 0, out, max);
}

int
cli_child_fetch(const struct view *v, struct cli_child_list *l)
{
	void *p;
	int rc;

	memset(l, 0, sizeof(*l));
	if (CLI_OP(v, ike_child_list) == NULL)
		return 0;
	rc = cli_fetch_all(v, child_list, NULL, sizeof(*l->c), &p, &l->n);
	l->c = p;
	return rc;
}

void
cli_child_list_free(struct cli_child_list *l)
{
	free(l->c);
	memset(l, 0, sizeof(*l));
}

const char *
cli_ike_addr(const struct ike_addr *a, char buf[CLI_IKE_ADDR_LEN])
{
	if (inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, buf, CLI_IKE_ADDR_LEN) == NULL)
		snprintf(buf, CLI_IKE_ADDR_LEN, "?");
	return buf;
}

const char *
cli_ike_addr_port(const struct ike_addr *a, char buf[CLI_IKE_ADDR_LEN])
{
	char ip[CLI_IKE_ADDR_LEN];

	snprintf(buf, CLI_IKE_ADDR_LEN, "%s/%u", cli_ike_addr(a, ip), a->port);
	return buf;
}

const char *
cli_ike_encr_word(uint16_t encr)
{
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		return "AES-CBC";
	case IKE_ENCR_AES_GCM_16:
		return "AES-GCM";
	case IKE_ENCR_3DES:
		return "3DES";
	}
	return "unknown";
}

const char *
cli_ike_prf_word(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1:
		return "SHA1";
	case IKE_PRF_HMAC_SHA2_256:
		return "SHA256";
	case IKE_PRF_HMAC_SHA2_384:
		return "SHA384";
	case IKE_PRF_HMAC_SHA2_512:
		return "SHA512";
	}
	return "unknown";
}

/* IOS calls HMAC-SHA1-96 "SHA96"; an AEAD cipher has no separate integrity: "None". */
const char *
cli_ike_hash_word(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_NONE:
		return "None";
	case IKE_INTEG_HMAC_SHA1_96:
		return "SHA96";
	case IKE_INTEG_HMAC_SHA2_256_128:
		return "SHA256";
	case IKE_INTEG_HMAC_SHA2_384_192:
		return "SHA384";
	case IKE_INTEG_HMAC_SHA2_512_256:
		return "SHA512";
	}
	return "unknown";
}

const char *
cli_ike_auth_word(uint8_t method)
{
	switch (method) {
	case IKE_AUTH_SHARED_KEY_MIC:
		return "PSK";
	case IKE_AUTH_RSA_SIG:
		return "RSA";
	case 0:
		return "none"; /* not authenticated yet */
	}
	return "unknown";
}

const char *
cli_ike_status_word(enum view_ike_status s)
{
	switch (s) {
	case VIEW_IKE_NEGOTIATING:
		return "IN-NEG";
	case VIEW_IKE_READY:
		return "READY";
	case VIEW_IKE_DELETING:
		return "DELETE";
	}
	return "UNKNOWN";
}
