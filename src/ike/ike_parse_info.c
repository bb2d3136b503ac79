/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notify (RFC 7296 section 3.10) and Delete (section 3.11) payloads: the
 * lists an INFORMATIONAL exchange and the error answers are made of.
 */
#include "ike_parse_priv.h"
#include "ike_rules.h"

int
ike_pl_notify(struct ike_msg *m, struct rd b)
{
	struct ike_notify_pl *n;
	uint8_t spi_size = 0;

	if (m->n_notifies == IKE_MAX_NOTIFIES)
		return ike_fail(&m->err, IKE_E_TOO_MANY, IKE_PL_NOTIFY,
				"more than %d in one message", IKE_MAX_NOTIFIES);
	n = &m->notify[m->n_notifies];
	rd_u8(&b, &n->proto);
	rd_u8(&b, &spi_size);
	rd_u16(&b, &n->type);
	if (!ike_rule_notify_spi(spi_size) || spi_size > b.left)
		return ike_fail(&m->err, IKE_E_SPI_SIZE, IKE_PL_NOTIFY,
				"type %u SPI size %u, %zu bytes left", n->type, spi_size, b.left);
	n->spi = (struct ike_view){.p = b.p, .len = spi_size};
	rd_skip(&b, spi_size);
	n->data = ike_view_rest(&b);
	m->n_notifies++;
	return 0;
}

/* Section 3.11, rules in ike_rule_delete. */
int
ike_pl_delete(struct ike_msg *m, struct rd b)
{
	struct ike_delete *d;

	if (m->n_deletes == IKE_MAX_DELETES)
		return ike_fail(&m->err, IKE_E_TOO_MANY, IKE_PL_DELETE,
				"more than %d in one message", IKE_MAX_DELETES);
	d = &m->del[m->n_deletes];
	rd_u8(&b, &d->proto);
	rd_u8(&b, &d->spi_size);
	rd_u16(&b, &d->n_spis);
	switch (ike_rule_delete(d->proto, d->spi_size, d->n_spis, b.left)) {
	case IKE_E_PROTOCOL:
		return ike_fail(&m->err, IKE_E_PROTOCOL, IKE_PL_DELETE, "protocol %u", d->proto);
	case IKE_E_SPI_SIZE:
		return ike_fail(&m->err, IKE_E_SPI_SIZE, IKE_PL_DELETE, "protocol %u SPI size %u",
				d->proto, d->spi_size);
	case IKE_E_COUNT:
		return ike_fail(&m->err, IKE_E_COUNT, IKE_PL_DELETE,
				"protocol %u with %u SPIs in %zu bytes", d->proto, d->n_spis,
				b.left);
	default:
		break;
	}
	d->spis = ike_view_rest(&b);
	m->n_deletes++;
	return 0;
}
