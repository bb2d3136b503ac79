/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters in IOS's "show crypto ikev2 stats exchange" layout: per exchange
 * and per notify, requests and responses, sent and received. The name tables
 * come from the X-macros of dpsec/ike.h, so a row cannot lack its name.
 */
#include <string.h>

#include "ike_engine.h"

const char *const ike_stat_exchange_names[IKE_STAT_X__COUNT] = {
#define IKE_X(id, name) name,
	IKE_STAT_EXCHANGES(IKE_X)
#undef IKE_X
};

const char *const ike_stat_notify_names[IKE_STAT_N__COUNT] = {
#define IKE_X(id, name, type, err) name,
	IKE_STAT_NOTIFIES(IKE_X)
#undef IKE_X
};

const char *const ike_drop_names[IKE_DROP__COUNT] = {
#define IKE_X(id, text) #id,
	IKE_DROPS(IKE_X)
#undef IKE_X
};

const char *const ike_drop_texts[IKE_DROP__COUNT] = {
#define IKE_X(id, text) text,
	IKE_DROPS(IKE_X)
#undef IKE_X
};

static const uint16_t notify_types[IKE_STAT_N__COUNT] = {
#define IKE_X(id, name, type, err) type,
	IKE_STAT_NOTIFIES(IKE_X)
#undef IKE_X
};

enum ike_stat_exchange
stats_row(uint8_t exchange)
{
	switch (exchange) {
	case IKE_SA_INIT:
		return IKE_STAT_X_IKE_SA_INIT;
	case IKE_AUTH:
		return IKE_STAT_X_IKE_AUTH;
	case IKE_CREATE_CHILD_SA:
		return IKE_STAT_X_CREATE_CHILD_SA;
	default:
		return IKE_STAT_X_INFORMATIONAL;
	}
}

/* The notify row of a type; IKE_STAT_N__COUNT for types without one (and DPD's 0). */
static unsigned int
notify_row(uint16_t type)
{
	for (unsigned int i = 0; i < IKE_STAT_N__COUNT; i++)
		if (notify_types[i] == type && i != IKE_STAT_N_DPD)
			return i;
	return IKE_STAT_N__COUNT;
}

static void
count(struct ike *ike, uint8_t exchange, int sub, enum ike_stat_dir dir, const uint16_t *types,
      unsigned int n, bool empty)
{
	struct view_ike_stats *s = &ike->st;

	s->exchange[stats_row(exchange)][dir]++;
	if (exchange == IKE_CREATE_CHILD_SA && sub >= 0 && sub < IKE_STAT_X__COUNT)
		s->exchange[sub][dir]++;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int row = notify_row(types[i]);

		if (row < IKE_STAT_N__COUNT)
			s->notify[row][dir]++;
	}
	/* a liveness check is an INFORMATIONAL with nothing in it (section 2.4) */
	if (exchange == IKE_INFORMATIONAL && empty)
		s->notify[IKE_STAT_N_DPD][dir]++;
}

void
stats_tx(struct ike *ike, uint8_t exchange, int sub, bool response, const struct ike_out *o,
	 bool empty)
{
	count(ike, exchange, sub, response ? IKE_TX_RES : IKE_TX_REQ, o->notify, o->n_notify,
	      empty);
}

void
stats_rx(struct ike *ike, const struct ike_msg *m, int sub, bool empty)
{
	uint16_t types[IKE_MAX_NOTIFIES];

	for (unsigned int i = 0; i < m->n_notifies; i++)
		types[i] = m->notify[i].type;
	count(ike, m->hdr.exchange, sub,
	      m->hdr.flags & IKE_FLAG_RESPONSE ? IKE_RX_RES : IKE_RX_REQ, types, m->n_notifies,
	      empty);
}

void
ike_stats_get(const struct ike *ike, struct view_ike_stats *out)
{
	*out = ike->st;
	out->half_open = ike->half_open;
}

void
ike_stats_clear(struct ike *ike)
{
	memset(&ike->st, 0, sizeof(ike->st));
	ike->st.half_open = ike->half_open;
}
