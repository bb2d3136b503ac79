/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message fragmentation (RFC 7383), both ways, once both sides sent
 * IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT (sa->frag):
 *
 * - out: an encrypted message whose datagram would exceed the configured
 *   size (ikev2.fragmentation.mtu, an IP datagram: IPv4 and UDP headers and,
 *   on port 4500, the non-ESP marker count, section 2.5.1) has its inner
 *   payloads cut into pieces, each sealed on its own in an Encrypted Fragment
 *   payload (section 2.5). The fragments are kept as one buffer of records
 *   (2-byte length, datagram), which retransmission sends again in full
 *   (section 2.6.1);
 * - in: each fragment is authenticated and decrypted first, and only then
 *   changes anything (section 2.6); one message is reassembled per IKE SA,
 *   the one whose message ID the window expects, within IKE_FRAG_MAX
 *   fragments and IKE_FRAG_BYTES of plaintext; complete, its inner payloads
 *   are parsed as if they had come in one Encrypted payload.
 */
#include <stdlib.h>
#include <string.h>

#include "ike_engine.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN 8
#define NON_ESP_MARKER_LEN 4	/* RFC 3948 section 2.2, on port 4500 */
#define NATT_PORT 4500
#define REC_HDR_LEN 2		/* a record's datagram length */

/* The plaintext of the fragments received so far of one message. */
struct ike_frag_rx {
	uint32_t msg_id;
	bool response;
	uint16_t total;			/* Total Fragments of the set being collected */
	uint16_t have;
	uint8_t first;			/* fragment 1's Next Payload: the first inner payload */
	size_t bytes;
	uint8_t *part[IKE_FRAG_MAX];
	uint16_t part_len[IKE_FRAG_MAX];
};

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
frag_msg_max(const struct ike *ike, const struct ike_sa *sa)
{
	size_t over = (sa->remote.family == 6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) + UDP_HDR_LEN;
	size_t mtu = ike->cfg->ikev2.frag_mtu;

	if (sa->local.port == NATT_PORT || sa->remote.port == NATT_PORT)
		over += NON_ESP_MARKER_LEN;
	return mtu > over ? mtu - over : 0;
}

bool
frag_needed(const struct ike *ike, const struct ike_sa *sa, size_t inner_len)
{
	size_t whole;

	if (!sa->frag || ike->cfg->ikev2.frag_mtu == 0 || sa->keys == NULL)
		return false;
	whole = ike_sk_payload_len(&sa->keys->sk, IKE_SK_HDR_LEN, inner_len);
	return whole != 0 && IKE_HDR_LEN + whole > frag_msg_max(ike, sa);
}

int
frag_seal(struct ike *ike, struct ike_sa *sa, const struct ike_hdr *h, uint8_t first,
	  size_t inner_len, size_t *len, uint16_t *n_frags)
{
	size_t max = frag_msg_max(ike, sa);
	size_t chunk, n, pos = 0;

	if (max <= IKE_HDR_LEN)
		return -EMSGSIZE;
	chunk = ike_sk_max_inner(&sa->keys->sk, IKE_SKF_HDR_LEN, max - IKE_HDR_LEN);
	if (chunk == 0)
		return -EMSGSIZE;
	n = (inner_len + chunk - 1) / chunk;
	if (n == 0 || n > IKE_FRAG_MAX)
		return -EMSGSIZE;
	for (size_t i = 1; i <= n; i++) {
		size_t at = (i - 1) * chunk;
		size_t part = inner_len - at < chunk ? inner_len - at : chunk;
		uint8_t *base = ike->tx + pos + REC_HDR_LEN;
		size_t cap, off, flen;
		struct ike_wr w;
		int rc;

		if (sizeof(ike->tx) - pos < REC_HDR_LEN + IKE_HDR_LEN + IKE_SKF_HDR_LEN)
			return -ENOSPC;
		cap = sizeof(ike->tx) - pos - REC_HDR_LEN;
		ike_wr_init(&w, base, cap);
		ike_wr_hdr(&w, h);
		/* section 2.5: only fragment 1 names the first inner payload */
		off = ike_wr_sk_begin(&w, i == 1 ? first : IKE_PL_NONE, (uint16_t)i, (uint16_t)n);
		if (w.err != 0)
			return w.err;
		rc = ike_sk_seal(&sa->keys->sk, base, cap, off, IKE_SKF_HDR_LEN, ike->inner + at,
				 part, &flen);
		if (rc != 0)
			return rc;
		put16(ike->tx + pos, flen);
		pos += REC_HDR_LEN + flen;
	}
	ike->st.frag_msgs_tx++;
	*len = pos;
	*n_frags = (uint16_t)n;
	return 0;
}

bool
frag_next(const uint8_t *buf, size_t len, size_t *off, const uint8_t **dgram, size_t *dlen)
{
	size_t l;

	if (len - *off < REC_HDR_LEN)
		return false;
	l = (size_t)buf[*off] << 8 | buf[*off + 1];
	if (l > len - *off - REC_HDR_LEN)
		return false;
	*dgram = buf + *off + REC_HDR_LEN;
	*dlen = l;
	*off += REC_HDR_LEN + l;
	return true;
}

void
frag_rx_free(struct ike_sa *sa)
{
	struct ike_frag_rx *f = sa->frx;

	if (f == NULL)
		return;
	/* the plaintext of IKE_AUTH and CREATE_CHILD_SA: identities, nonces */
	for (unsigned int i = 0; i < IKE_FRAG_MAX; i++) {
		if (f->part[i] != NULL) {
			mem_wipe(f->part[i], f->part_len[i]);
			free(f->part[i]);
		}
	}
	mem_wipe(f, sizeof(*f));
	free(f);
	sa->frx = NULL;
}

size_t
frag_rx_mem(const struct ike_sa *sa)
{
	const struct ike_frag_rx *f = sa->frx;
	size_t n;

	if (f == NULL)
		return 0;
	n = sizeof(*f);
	for (unsigned int i = 0; i < IKE_FRAG_MAX; i++)
		n += f->part[i] != NULL ? f->part_len[i] : 0;
	return n;
}

/* The whole set is in: its pieces in order into ike->reasm, parsed into m. */
static int
reassemble(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_frag_rx *f = sa->frx;
	uint8_t first = f->first;
	size_t at = 0;
	int rc;

	for (unsigned int i = 0; i < f->total; i++) {
		memcpy(ike->reasm + at, f->part[i], f->part_len[i]);
		at += f->part_len[i];
	}
	ike_debug(ike, "reassembled %s msgid %u from %u fragments, %zu bytes, tunnel %u",
		  ike_exchange_name(m->hdr.exchange), m->hdr.msg_id, f->total, at, sa->tunnel_id);
	frag_rx_free(sa);
	ike->st.frag_msgs_rx++;
	rc = ike_parse_inner(m, first, ike->reasm, at);
	if (rc != 0) {
		ike_drop(ike, IKE_DROP_MALFORMED, m->err.detail);
		return -1;
	}
	return 1;
}

/* A new set for m's message (the window checked its ID already). */
static struct ike_frag_rx *
set_new(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_frag_rx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->msg_id = m->hdr.msg_id;
	f->response = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	f->total = m->sk.frag_total;
	sa->frx = f;
	return f;
}

int
frag_input(struct ike *ike, struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_sk_pl *sk = &m->sk;
	bool response = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	struct ike_frag_rx *f;
	uint8_t *plain, *copy;
	size_t plain_len;
	int rc;

	if (!sa->frag) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "fragment, but RFC 7383 was not agreed");
		return -1;
	}
	/* section 2.6: nothing about a fragment counts before its ICV is checked */
	rc = ike_sk_open(&sa->keys->sk, ike->rx, m->len, sk->off, IKE_SKF_HDR_LEN, &plain,
			 &plain_len);
	if (rc == IKE_SK_ERR_ICV) {
		ike_drop(ike, IKE_DROP_ICV, "integrity check of a fragment failed");
		return -1;
	}
	if (rc != 0) {
		ike_drop(ike, IKE_DROP_DECRYPT, "Encrypted Fragment payload malformed");
		return -1;
	}
	if (sk->frag_total > IKE_FRAG_MAX) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "more fragments than IKE_FRAG_MAX");
		return -1;
	}
	f = sa->frx;
	if (f != NULL && (f->msg_id != m->hdr.msg_id || f->response != response))
		frag_rx_free(sa);	/* a message the window has moved past */
	f = sa->frx;
	if (f != NULL && sk->frag_total < f->total) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "Total Fragments below the set's (stale fragment)");
		return -1;
	}
	if (f != NULL && sk->frag_total > f->total)
		frag_rx_free(sa);	/* section 2.6: the sender fragmented again, smaller */
	f = sa->frx != NULL ? sa->frx : set_new(sa, m);
	if (f == NULL) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "out of memory for reassembly");
		return -1;
	}
	if (f->part[sk->frag_num - 1] != NULL) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "duplicate fragment");
		return -1;
	}
	if (plain_len > IKE_FRAG_BYTES - f->bytes) {
		/* it can never complete within the limit: the set goes */
		frag_rx_free(sa);
		ike_drop(ike, IKE_DROP_FRAGMENT, "reassembly over IKE_FRAG_BYTES");
		return -1;
	}
	copy = malloc(plain_len != 0 ? plain_len : 1);
	if (copy == NULL) {
		ike_drop(ike, IKE_DROP_FRAGMENT, "out of memory for reassembly");
		return -1;
	}
	memcpy(copy, plain, plain_len);
	f->part[sk->frag_num - 1] = copy;
	f->part_len[sk->frag_num - 1] = (uint16_t)plain_len;
	f->bytes += plain_len;
	f->have++;
	if (sk->frag_num == 1)
		f->first = sk->first;
	ike->st.frags_rx++;
	ike_debug(ike, "received fragment %u of %u of %s msgid %u, tunnel %u", sk->frag_num,
		  sk->frag_total, ike_exchange_name(m->hdr.exchange), m->hdr.msg_id,
		  sa->tunnel_id);
	if (f->have < f->total)
		return 0;
	return reassemble(ike, sa, m);
}
