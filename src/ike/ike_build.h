/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message writer over a caller's buffer. Payloads are chained as they
 * are written: ike_wr_begin puts the new payload's type into the previous
 * payload's Next Payload byte (or the header's, or records it as the chain's
 * first type when there is no header), so a message is the sequence of calls
 * that writes it:
 *
 *	ike_wr_init(&w, buf, sizeof(buf));
 *	ike_wr_hdr(&w, &hdr);
 *	ike_wr_sa(&w, props, n);
 *	ike_wr_ke(&w, IKE_DH_ECP256, pub, 64);
 *	ike_wr_nonce(&w, nonce, 32);
 *	len = ike_wr_finish(&w);
 *
 * Errors are sticky: the first one (-ENOSPC: the buffer is full, -EINVAL: a
 * value the format or the parser would refuse, -EMSGSIZE: a payload over
 * 65535 bytes) stops all writing and ike_wr_finish returns it. Nothing is
 * ever written past cap. The writer refuses what ike_parse would refuse, so
 * whatever it writes parses back to the model it was given.
 *
 * Encrypted messages (section 3.14): write the inner payloads with a second
 * writer that has no header (its ike_wr_first() is the SK's Next Payload),
 * then into the message writer:
 *
 *	off = ike_wr_sk_begin(&w, ike_wr_first(&inner), 0, 0);
 *	p = ike_wr_reserve(&w, iv_len + ct_len + icv_len);	// crypto fills later
 *	ike_wr_end(&w, off);					// SK length
 *	len = ike_wr_finish(&w);				// header length
 *	// now encrypt into p: the AAD is buf[0 .. p), all lengths already final
 */
#ifndef DPSEC_IKE_BUILD_H
#define DPSEC_IKE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"

struct ike_wr {
	uint8_t *buf;
	size_t cap;
	size_t len;
	size_t chain;		/* offset of the Next Payload byte the next payload patches */
	bool has_hdr;		/* ike_wr_hdr wrote a header: ike_wr_finish fixes its length */
	bool has_chain;		/* false until a header or a payload was written */
	bool closed;		/* SK/SKF begun: it is the last payload (section 3.14) */
	uint8_t first;		/* the first payload's type (the SK's Next Payload) */
	int err;		/* sticky: 0, -ENOSPC, -EINVAL, -EMSGSIZE */
};

/* Start writing at buf[0]; without ike_wr_hdr the writer makes a bare payload chain. */
void ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap);

/* The 28-byte header, first thing only; its next and length fields are the writer's. */
void ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h);

/* Open a payload: chains it, writes its generic header; returns its offset for ike_wr_end. */
size_t ike_wr_begin(struct ike_wr *w, uint8_t type, bool critical);
/* Close the payload opened at start: its length is everything written since. */
void ike_wr_end(struct ike_wr *w, size_t start);

void ike_wr_u8(struct ike_wr *w, uint8_t v);
void ike_wr_u16(struct ike_wr *w, uint16_t v);	/* host order in, network order out */
void ike_wr_u32(struct ike_wr *w, uint32_t v);
void ike_wr_bytes(struct ike_wr *w, const void *p, size_t n);
/* n bytes to be filled by the caller (zeroed), or NULL once in error. */
uint8_t *ike_wr_reserve(struct ike_wr *w, size_t n);

/* The chain's first payload type, IKE_PL_NONE while empty. */
uint8_t ike_wr_first(const struct ike_wr *w);

/* The message length, with the header's length field fixed; or the sticky error. */
int ike_wr_finish(struct ike_wr *w);

/*
 * SK (frag_total 0) or SKF (RFC 7383 section 2.5: frag_num 1..frag_total)
 * generic header, and for SKF the fragment fields, with first_inner as its
 * Next Payload (RFC 7383: 0 in fragments after the first). Returns its offset;
 * nothing can be chained after it.
 */
size_t ike_wr_sk_begin(struct ike_wr *w, uint8_t first_inner, uint16_t frag_num,
		       uint16_t frag_total);

/* Payloads (RFC 7296 section 3). Critical bit clear: they are all defined in RFC 7296. */
void ike_wr_sa(struct ike_wr *w, const struct ike_proposal *p, unsigned int n);
void ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *data, size_t len);
void ike_wr_nonce(struct ike_wr *w, const uint8_t *nonce, size_t len);
/* pl: IKE_PL_IDI or IKE_PL_IDR */
void ike_wr_id(struct ike_wr *w, uint8_t pl, uint8_t id_type, const uint8_t *data, size_t len);
void ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *data, size_t len);
void ike_wr_notify(struct ike_wr *w, const struct ike_notify_pl *n);
void ike_wr_delete(struct ike_wr *w, const struct ike_delete *d);
/* pl: IKE_PL_TSI or IKE_PL_TSR; 1..IKE_MAX_TS IPv4/IPv6 ranges */
void ike_wr_ts(struct ike_wr *w, uint8_t pl, const struct ike_ts *ts, unsigned int n);
void ike_wr_vendor(struct ike_wr *w, const uint8_t *vid, size_t len);
/* Any payload from its body as is (CERT, CERTREQ, CP, EAP). */
void ike_wr_raw(struct ike_wr *w, uint8_t type, const uint8_t *body, size_t len);

#endif
