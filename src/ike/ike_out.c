/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages out: the header, the Encrypted payload around the payloads an
 * exchange wrote, the one outstanding request per IKE SA with its
 * retransmissions (RFC 7296 section 2.1: the same bytes again, the interval
 * doubled each time, then the IKE SA is given up), and the cached response
 * resent for a retransmitted request (section 2.1: "MUST retransmit the
 * response", never process the request twice).
 */
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

#define HDR_NEXT_OFF 16		/* Next Payload byte of the IKE header */

void
out_init(struct ike *ike, struct ike_out *o)
{
	ike_wr_init(&o->w, ike->inner, sizeof(ike->inner));
	o->n_notify = 0;
}

void
out_notify(struct ike_out *o, uint16_t type, uint8_t proto, const void *spi, size_t spi_len,
	   const void *data, size_t len)
{
	struct ike_notify_pl n = {
		.proto = spi_len != 0 ? proto : 0,
		.type = type,
		.spi = {spi, spi_len},
		.data = {data, len},
	};

	ike_wr_notify(&o->w, &n);
	if (o->n_notify < IKE_MAX_NOTIFIES)
		o->notify[o->n_notify++] = type;
}

static uint8_t
hdr_flags(const struct ike_sa *sa, bool response)
{
	return (uint8_t)((sa->initiator ? IKE_FLAG_INITIATOR : 0) |
			 (response ? IKE_FLAG_RESPONSE : 0));
}

/*
 * The whole message into ike->tx: header, then the payloads plain or inside SK; or, too
 * big for one datagram with RFC 7383 agreed, its fragments as records (*frags of them).
 */
static int
build(struct ike *ike, struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msg_id,
      struct ike_out *o, size_t *len, uint16_t *frags)
{
	struct ike_hdr h = {
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.version = IKE_VERSION,
		.exchange = exchange,
		.flags = hdr_flags(sa, response),
		.msg_id = msg_id,
	};
	struct ike_wr w;
	int inner_len = ike_wr_finish(&o->w);
	size_t off;

	if (inner_len < 0)
		return inner_len;
	*frags = 0;
	if (exchange != IKE_SA_INIT && frag_needed(ike, sa, (size_t)inner_len))
		return frag_seal(ike, sa, &h, ike_wr_first(&o->w), (size_t)inner_len, len, frags);
	ike_wr_init(&w, ike->tx, sizeof(ike->tx));
	ike_wr_hdr(&w, &h);
	if (exchange == IKE_SA_INIT) {
		ike_wr_bytes(&w, ike->inner, (size_t)inner_len);
		if (w.err == 0)
			ike->tx[HDR_NEXT_OFF] = ike_wr_first(&o->w);
		inner_len = ike_wr_finish(&w);
		if (inner_len < 0)
			return inner_len;
		*len = (size_t)inner_len;
		return 0;
	}
	if (sa->keys == NULL)
		return -EINVAL;
	off = ike_wr_sk_begin(&w, ike_wr_first(&o->w), 0, 0);
	if (w.err != 0)
		return w.err;
	return ike_sk_seal(&sa->keys->sk, ike->tx, sizeof(ike->tx), off, IKE_SK_HDR_LEN, ike->inner,
			   (size_t)inner_len, len);
}

const char *
ike_exchange_name(uint8_t x)
{
	switch (x) {
	case IKE_SA_INIT:
		return "IKE_SA_INIT";
	case IKE_AUTH:
		return "IKE_AUTH";
	case IKE_CREATE_CHILD_SA:
		return "CREATE_CHILD_SA";
	case IKE_INFORMATIONAL:
		return "INFORMATIONAL";
	default:
		return "?";
	}
}

/* A message as built: one datagram, or (frags != 0) each of its fragments in order. */
static void
send_msg(struct ike *ike, struct ike_sa *sa, const uint8_t *msg, size_t len, uint16_t frags,
	 uint8_t exchange, bool response, uint32_t msg_id, const char *what)
{
	char a[IKE_ADDR_STRLEN], b[IKE_ADDR_STRLEN];
	const uint8_t *d;
	size_t off = 0, dl;

	ike_debug(ike, "%s %s %s msgid %u len %zu%s from %s to %s, tunnel %u", what,
		  ike_exchange_name(exchange), response ? "response" : "request", msg_id, len,
		  frags != 0 ? " in fragments" : "", ike_addr_str(&sa->local, a),
		  ike_addr_str(&sa->remote, b), sa->tunnel_id);
	if (frags == 0) {
		ike->ops.send(ike->ops.ctx, &sa->local, &sa->remote, msg, len);
	} else {
		/* section 2.6.1: a retransmission is the whole set again */
		while (frag_next(msg, len, &off, &d, &dl)) {
			ike->ops.send(ike->ops.ctx, &sa->local, &sa->remote, d, dl);
			ike->st.frags_tx++;
		}
	}
	sa->tx_ms = ike_now(ike);
}

static int
request(struct ike *ike, struct ike_sa *sa, uint8_t exchange, uint32_t msg_id, int sub,
	struct ike_out *o)
{
	struct ike_req *r = &sa->req;
	size_t len;
	uint16_t frags;
	int rc = build(ike, sa, exchange, false, msg_id, o, &len, &frags);

	if (rc != 0)
		return rc;
	free(r->msg);
	r->msg = malloc(len);
	if (r->msg == NULL)
		return -ENOMEM;
	memcpy(r->msg, ike->tx, len);
	r->len = len;
	r->frags = frags;
	r->busy = true;
	r->exchange = exchange;
	r->msg_id = msg_id;
	r->tries = 0;
	r->rtx_ms = ike_now(ike) + ike->cfg->ikev2.retransmit_ms;
	stats_tx(ike, exchange, sub, false, o, o->w.len == 0);
	send_msg(ike, sa, r->msg, len, frags, exchange, false, msg_id, "sending");
	return 0;
}

int
out_request(struct ike *ike, struct ike_sa *sa, enum ike_task_kind kind, uint8_t exchange,
	    int sub, struct ike_out *o)
{
	int rc;

	if (sa->req.busy)
		return -EBUSY;
	sa->req.kind = kind;
	rc = request(ike, sa, exchange, sa->msgid_tx, sub, o);
	if (rc == 0)
		sa->msgid_tx++;
	return rc;
}

int
out_request_once(struct ike *ike, struct ike_sa *sa, uint8_t exchange, struct ike_out *o)
{
	size_t len;
	uint16_t frags;
	int rc = build(ike, sa, exchange, false, sa->msgid_tx, o, &len, &frags);

	if (rc != 0)
		return rc;
	stats_tx(ike, exchange, -1, false, o, o->w.len == 0);
	send_msg(ike, sa, ike->tx, len, frags, exchange, false, sa->msgid_tx, "sending");
	sa->msgid_tx++;
	return 0;
}

int
out_request_again(struct ike *ike, struct ike_sa *sa, struct ike_out *o)
{
	return request(ike, sa, IKE_SA_INIT, 0, -1, o);
}

int
out_response(struct ike *ike, struct ike_sa *sa, uint8_t exchange, int sub, uint32_t msg_id,
	     struct ike_out *o)
{
	size_t len;
	uint16_t frags;
	int rc = build(ike, sa, exchange, true, msg_id, o, &len, &frags);
	uint8_t *copy;

	if (rc != 0)
		return rc;
	copy = malloc(len);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, ike->tx, len);
	free(sa->resp);
	sa->resp = copy;
	sa->resp_len = len;
	sa->resp_frags = frags;
	sa->resp_exchange = exchange;
	sa->resp_msgid = msg_id;
	sa->has_resp = true;
	stats_tx(ike, exchange, sub, true, o, o->w.len == 0);
	send_msg(ike, sa, copy, len, frags, exchange, true, msg_id, "sending");
	return 0;
}

void
out_init_error(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	       const struct ike_hdr *req, struct ike_out *o)
{
	struct ike_hdr h = {
		.spi_i = req->spi_i,
		.version = IKE_VERSION,
		.exchange = IKE_SA_INIT,
		.flags = IKE_FLAG_RESPONSE,
		.msg_id = req->msg_id,
	};
	struct ike_wr w;
	int len = ike_wr_finish(&o->w);
	char a[IKE_ADDR_STRLEN];

	if (len < 0)
		return;
	ike_wr_init(&w, ike->tx, sizeof(ike->tx));
	ike_wr_hdr(&w, &h);
	ike_wr_bytes(&w, ike->inner, (size_t)len);
	if (w.err == 0)
		ike->tx[HDR_NEXT_OFF] = ike_wr_first(&o->w);
	len = ike_wr_finish(&w);
	if (len < 0)
		return;
	stats_tx(ike, IKE_SA_INIT, -1, true, o, false);
	ike_debug(ike, "sending IKE_SA_INIT error response to %s", ike_addr_str(remote, a));
	ike->ops.send(ike->ops.ctx, local, remote, ike->tx, (size_t)len);
}

void
out_resend_cached(struct ike *ike, struct ike_sa *sa)
{
	send_msg(ike, sa, sa->resp, sa->resp_len, sa->resp_frags, sa->resp_exchange, true,
		 sa->resp_msgid, "resending");
}

void
out_retransmit(struct ike *ike, struct ike_sa *sa)
{
	struct ike_req *r = &sa->req;
	uint64_t interval = ike->cfg->ikev2.retransmit_ms;

	if (r->tries >= ike->cfg->ikev2.retransmit_tries) {
		char a[IKE_ADDR_STRLEN];

		ike->st.give_ups++;
		ike_log(ike, 4, "IKEV2-4-RETRANSMIT_GIVEUP",
			"no answer from %s to %s request msgid %u after %u retransmissions, "
			"tunnel %u%s", ike_addr_str(&sa->remote, a), ike_exchange_name(r->exchange),
			r->msg_id, r->tries, sa->tunnel_id,
			r->kind == TASK_DPD ? ": peer declared dead" : "");
		sa_free(ike, sa, true, r->kind == TASK_DPD ? "peer dead (liveness check)"
							    : "peer not responding");
		return;
	}
	r->tries++;
	ike->st.retransmits++;
	/* section 2.1: exponential backoff; the wait after the last try is the longest */
	r->rtx_ms = ike_now(ike) + (r->rtx_fixed_ms != 0 ? r->rtx_fixed_ms : interval << r->tries);
	send_msg(ike, sa, r->msg, r->len, r->frags, r->exchange, false, r->msg_id,
		 "retransmitting");
}
