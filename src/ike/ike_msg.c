/* SPDX-License-Identifier: BSD-3-Clause */
/* Names for errors and payload types, and small lookups over a parsed message. */
#include <stdlib.h>

#include "ike_msg.h"

#define IKE_ERR_NAME(name, notify, text) [IKE_E_##name] = #name,
#define IKE_ERR_TEXT(name, notify, text) [IKE_E_##name] = text,
#define IKE_ERR_NOTIFY(name, notify, text) [IKE_E_##name] = notify,
static const char *const err_names[IKE_ERR_NUM] = {[IKE_OK] = "OK", IKE_ERRORS(IKE_ERR_NAME)};
static const char *const err_texts[IKE_ERR_NUM] = {[IKE_OK] = "ok", IKE_ERRORS(IKE_ERR_TEXT)};
static const uint16_t err_notifies[IKE_ERR_NUM] = {IKE_ERRORS(IKE_ERR_NOTIFY)};

static int
err_index(int code)
{
	code = abs(code);
	return code < IKE_ERR_NUM ? code : -1;
}

const char *
ike_err_name(int code)
{
	int i = err_index(code);

	return i < 0 ? "?" : err_names[i];
}

const char *
ike_err_text(int code)
{
	int i = err_index(code);

	return i < 0 ? "?" : err_texts[i];
}

uint16_t
ike_err_notify(int code)
{
	int i = err_index(code);

	return i < 0 ? 0 : err_notifies[i];
}

const char *
ike_payload_name(uint8_t type)
{
	static const char *const names[] = {
		[IKE_PL_SA] = "SA",	  [IKE_PL_KE] = "KE",	   [IKE_PL_IDI] = "IDi",
		[IKE_PL_IDR] = "IDr",	  [IKE_PL_CERT] = "CERT",  [IKE_PL_CERTREQ] = "CERTREQ",
		[IKE_PL_AUTH] = "AUTH",	  [IKE_PL_NONCE] = "Nx",   [IKE_PL_NOTIFY] = "N",
		[IKE_PL_DELETE] = "D",	  [IKE_PL_VENDOR] = "V",   [IKE_PL_TSI] = "TSi",
		[IKE_PL_TSR] = "TSr",	  [IKE_PL_SK] = "SK",	   [IKE_PL_CP] = "CP",
		[IKE_PL_EAP] = "EAP",	  [IKE_PL_SKF] = "SKF",
	};

	if (type >= sizeof(names) / sizeof(names[0]) || names[type] == NULL)
		return "?";
	return names[type];
}

const struct ike_notify_pl *
ike_msg_notify(const struct ike_msg *m, uint16_t type)
{
	for (unsigned int i = 0; i < m->n_notifies; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}

uint32_t
ike_delete_spi(const struct ike_delete *d, uint16_t i)
{
	const uint8_t *p;

	if (d->spi_size != 4 || i >= d->n_spis)
		return 0;
	p = d->spis.p + (size_t)i * 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
