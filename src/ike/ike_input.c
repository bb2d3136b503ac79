/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages in (RFC 7296 sections 2.1-2.3, 2.21): header, the IKE SA by our
 * SPI, the message ID window (one request outstanding each way, as we
 * advertise no SET_WINDOW_SIZE), retransmitted requests answered from the
 * cache, the Encrypted payload opened, then the exchange's handler. Every
 * message that goes no further is counted under one reason, here where that
 * is decided, and never answered unless the RFC asks for it.
 */
#include <string.h>

#include "ike_engine.h"

/* Which row of CREATE_CHILD_SA a received message belongs to. */
static int
child_sub(const struct ike_sa *sa, const struct ike_msg *m)
{
	if (m->hdr.exchange != IKE_CREATE_CHILD_SA)
		return -1;
	if (m->hdr.flags & IKE_FLAG_RESPONSE) {
		switch (sa->req.kind) {
		case TASK_IKE_REKEY:
			return IKE_STAT_X_CHILD_IKE_REKEY;
		case TASK_CHILD_REKEY:
			return IKE_STAT_X_CHILD_IPSEC_REKEY;
		default:
			return IKE_STAT_X_CHILD_IPSEC;
		}
	}
	if (m->sa.n_proposals > 0 && m->sa.prop[0].proto == IKE_PROTO_IKE)
		return IKE_STAT_X_CHILD_IKE_REKEY;
	if (ike_msg_notify(m, IKE_N_REKEY_SA) != NULL)
		return IKE_STAT_X_CHILD_IPSEC_REKEY;
	return IKE_STAT_X_CHILD_IPSEC;
}

/* CREATE_CHILD_SA: a new CHILD_SA, a CHILD_SA rekey or an IKE SA rekey (section 1.3). */
static void
create_child_request(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_notify_pl *rekey = ike_msg_notify(m, IKE_N_REKEY_SA);

	if (m->sa.n_proposals > 0 && m->sa.prop[0].proto == IKE_PROTO_IKE)
		ike_rekey_request(ike, sa, m);
	else if (rekey != NULL)
		child_rekey_request(ike, sa, m, rekey);
	else
		child_create_request(ike, sa, m);
}

static void
create_child_response(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	if (sa->req.kind == TASK_IKE_REKEY)
		ike_rekey_response(ike, sa, m);
	else
		child_create_response(ike, sa, m);
}

/*
 * Decrypt and parse the Encrypted payload, or take an Encrypted Fragment (RFC 7383):
 * 1 when m is complete, 0 for a fragment kept until its set is, -1 when dropped (counted).
 */
static int
open_sk(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	uint8_t *inner;
	size_t inner_len;
	int rc;

	if (sa->keys == NULL) {
		ike_drop(ike, IKE_DROP_UNEXPECTED, "encrypted message before the keys");
		return -1;
	}
	if (ike_has(m, IKE_PL_SKF))
		return frag_input(ike, sa, m);
	if (!ike_has(m, IKE_PL_SK)) {
		ike_drop(ike, IKE_DROP_MISSING_PAYLOAD, "no Encrypted payload");
		return -1;
	}
	rc = ike_sk_open(&sa->keys->sk, ike->rx, m->len, m->sk.off, IKE_SK_HDR_LEN, &inner,
			 &inner_len);
	if (rc == IKE_SK_ERR_ICV) {
		ike_drop(ike, IKE_DROP_ICV, "integrity check failed");
		return -1;
	}
	if (rc != 0) {
		ike_drop(ike, IKE_DROP_DECRYPT, "Encrypted payload malformed");
		return -1;
	}
	/* the whole message came after all: fragments of it are of no use */
	frag_rx_free(sa);
	rc = ike_parse_inner(m, m->sk.first, inner, inner_len);
	if (rc != 0) {
		ike_drop(ike, IKE_DROP_MALFORMED, m->err.detail);
		return -1;
	}
	return 1;
}

static void
response_in(struct ike *ike, struct ike_sa *sa, struct ike_msg *m, const struct ike_addr *remote)
{
	const struct ike_req *r = &sa->req;

	if (!r->busy || m->hdr.msg_id != r->msg_id || m->hdr.exchange != r->exchange) {
		ike_drop(ike, IKE_DROP_UNEXPECTED_RESPONSE, "response to no outstanding request");
		return;
	}
	if (m->hdr.exchange == IKE_SA_INIT) {
		stats_rx(ike, m, -1, false);
		init_response(ike, sa, m);
		return;
	}
	if (open_sk(ike, sa, m) <= 0)
		return;
	stats_rx(ike, m, child_sub(sa, m), m->present_inner == 0);
	sa->rx_ms = ike_now(ike);
	natd_follow(ike, sa, remote);
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		auth_response(ike, sa, m);
		break;
	case IKE_CREATE_CHILD_SA:
		create_child_response(ike, sa, m);
		break;
	default:
		info_response(ike, sa, m);
		break;
	}
}

/* Whether a request of this exchange may come in this state (sections 1.2, 2.18). */
static bool
request_allowed(const struct ike_sa *sa, uint8_t exchange)
{
	switch (exchange) {
	case IKE_AUTH:
		return sa->state == IKE_SA_HALF_OPEN;
	case IKE_CREATE_CHILD_SA:
		return sa->state == IKE_SA_ESTABLISHED;
	case IKE_INFORMATIONAL:
		return sa->state == IKE_SA_ESTABLISHED || sa->state == IKE_SA_DELETING;
	default:
		return false;
	}
}

static void
request_in(struct ike *ike, struct ike_sa *sa, struct ike_msg *m, const struct ike_addr *local,
	   const struct ike_addr *remote)
{
	if (sa->has_resp && m->hdr.msg_id == sa->resp_msgid && m->hdr.msg_id + 1 == sa->msgid_rx) {
		/* RFC 7383 section 2.6.1: of a fragmented request, only fragment 1 asks again */
		if (m->sk.frag && m->sk.frag_num != 1) {
			ike_drop(ike, IKE_DROP_FRAGMENT, "fragment of an answered request, not the first");
			return;
		}
		/* section 2.1: the same answer again, the request not processed twice */
		ike_drop(ike, IKE_DROP_RETRANSMIT, "retransmitted request");
		out_resend_cached(ike, sa);
		return;
	}
	if (m->hdr.msg_id != sa->msgid_rx) {
		ike_drop(ike, IKE_DROP_BAD_MSGID, "request message ID outside the window");
		return;
	}
	if (!request_allowed(sa, m->hdr.exchange)) {
		ike_drop(ike, IKE_DROP_UNEXPECTED, "exchange not allowed in this state");
		return;
	}
	if (open_sk(ike, sa, m) <= 0)
		return;
	sa->msgid_rx++;
	sa->rx_ms = ike_now(ike);
	/* IKE_AUTH may come from another port (the initiator moved to 4500, section 2.23) */
	if (sa->state == IKE_SA_HALF_OPEN) {
		sa->local = *local;
		sa->remote = *remote;
	}
	natd_follow(ike, sa, remote);
	stats_rx(ike, m, child_sub(sa, m), m->present_inner == 0);
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		auth_request(ike, sa, m);
		break;
	case IKE_CREATE_CHILD_SA:
		create_child_request(ike, sa, m);
		break;
	default:
		info_request(ike, sa, m);
		break;
	}
}

/* A new IKE_SA_INIT, or a retransmission of one we answered (section 2.1). */
static void
init_in(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	struct ike_msg *m)
{
	struct ike_sa *sa;

	if (m->hdr.spi_r != 0 || m->hdr.msg_id != 0) {
		ike_drop(ike, IKE_DROP_MALFORMED, "IKE_SA_INIT request with SPIr or message ID set");
		return;
	}
	sa = sa_by_init(ike, m->hdr.spi_i, remote);
	if (sa != NULL) {
		ike_drop(ike, IKE_DROP_RETRANSMIT, "retransmitted IKE_SA_INIT");
		if (sa->has_resp && sa->resp_msgid == 0 && sa->state == IKE_SA_HALF_OPEN)
			out_resend_cached(ike, sa);
		return;
	}
	stats_rx(ike, m, -1, false);
	init_request(ike, local, remote, m);
}

void
ike_input(struct ike *ike, const struct ike_addr *local, const struct ike_addr *remote,
	  const uint8_t *msg, size_t len)
{
	struct ike_msg *m = &ike->m;
	struct ike_hdr h;
	struct ike_sa *sa;
	uint64_t ours, theirs;
	int rc;

	rc = ike_parse_hdr(msg, len, &h);
	if (rc == -IKE_E_MAJOR_VERSION) {
		ike_drop(ike, IKE_DROP_NOT_IKEV2, "major version other than 2");
		return;
	}
	if (rc != 0 || len > sizeof(ike->rx)) {
		ike_drop(ike, IKE_DROP_MALFORMED, "bad IKE header");
		return;
	}
	/* a copy: the Encrypted payload is opened in place */
	memcpy(ike->rx, msg, len);
	rc = ike_parse(ike->rx, len, m);
	if (rc != 0) {
		ike_drop(ike, IKE_DROP_MALFORMED, m->err.detail);
		return;
	}
	ike_debug(ike, "received %s (%u) %s msgid %u len %zu, SPIs %016llx %016llx",
		  ike_exchange_name(h.exchange), h.exchange, h.flags & IKE_FLAG_RESPONSE ? "response" : "request", h.msg_id,
		  len, (unsigned long long)h.spi_i, (unsigned long long)h.spi_r);
	if (h.exchange == IKE_SA_INIT && !(h.flags & IKE_FLAG_RESPONSE)) {
		init_in(ike, local, remote, m);
		return;
	}
	/* section 3.1: the I flag says whether the sender is the original initiator */
	ours = h.flags & IKE_FLAG_INITIATOR ? h.spi_r : h.spi_i;
	theirs = h.flags & IKE_FLAG_INITIATOR ? h.spi_i : h.spi_r;
	sa = ours != 0 ? sa_by_spi(ike, ours) : NULL;
	if (sa == NULL || sa->initiator == !!(h.flags & IKE_FLAG_INITIATOR) ||
	    (sa_spi_remote(sa) != theirs &&
	     !(sa->state == IKE_SA_INIT_SENT && h.exchange == IKE_SA_INIT))) {
		ike_drop(ike, IKE_DROP_UNKNOWN_SPI, "no IKE SA for the SPIs");
		return;
	}
	if (h.flags & IKE_FLAG_RESPONSE)
		response_in(ike, sa, m, remote);
	else
		request_in(ike, sa, m, local, remote);
}
