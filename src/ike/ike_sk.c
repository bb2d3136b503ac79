/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Encrypted payload (RFC 7296 section 3.14) and the Encrypted Fragment payload (RFC
 * 7383 section 2.5), sealed and opened inside a whole IKE message:
 *
 *   | IKE header | payloads before SK | SK header (4, SKF: 8) | IV | E(inner | pad | n) | ICV |
 *   '------------ AES-GCM AAD (RFC 5282 section 5.1) ---------'
 *   '---------------------- HMAC input (section 3.14) -----------------------------'
 *
 * AES-CBC: random IV, inner padded to the block, ICV = truncated HMAC over the message
 * from the IKE header through the Pad Length, checked before anything is decrypted.
 * AES-GCM: 8-byte explicit IV from a per-key counter, nonce = salt | IV, no padding
 * needed (RFC 5282 section 3), ICV = the 16-byte tag.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ike_crypto_int.h"

#define IKE_LENGTH_OFF	   24 /* IKE header Length (section 3.1) */
#define PAYLOAD_LENGTH_OFF 2  /* generic payload header Payload Length (section 3.2) */

/* What the negotiated transforms make of the Encrypted payload. */
struct sk_layout {
	const struct ike_encr_alg *e;
	const struct ike_hmac_alg *integ; /* NULL with AES-GCM */
	size_t iv;
	size_t block;
	size_t icv;
};

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, size_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static size_t
get16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

static size_t
get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static int
layout(const struct ike_sk *sk, struct sk_layout *l)
{
	l->e = ike_encr_alg(sk->encr, sk->encr_bits);
	if (l->e == NULL)
		return -EINVAL;
	l->iv = l->e->iv_len;
	l->block = l->e->block_len;
	if (l->e->icv_len != 0) {
		l->integ = NULL;
		l->icv = l->e->icv_len;
		return sk->integ == IKE_INTEG_NONE ? 0 : -EINVAL;
	}
	l->integ = ike_integ_alg(sk->integ);
	if (l->integ == NULL)
		return -EINVAL;
	l->icv = l->integ->out_len;
	return 0;
}

/* The keys of one direction have the lengths the transforms need. */
static bool
dir_ok(const struct sk_layout *l, const struct ike_sk_dir *d)
{
	return d->ek.len == l->e->key_len + l->e->salt_len &&
	       d->ak.len == (l->integ != NULL ? l->integ->key_len : 0);
}

static bool
hdr_len_ok(size_t sk_hdr_len)
{
	return sk_hdr_len == IKE_SK_HDR_LEN || sk_hdr_len == IKE_SKF_HDR_LEN;
}

/* inner | Padding | Pad Length, rounded up to the block (section 3.14). */
static size_t
ct_len(const struct sk_layout *l, size_t inner_len)
{
	return (inner_len + 1 + l->block - 1) / l->block * l->block;
}

/* salt | IV (RFC 5282 section 4); the salt is the last 4 bytes of SK_e*. */
static void
gcm_nonce(const struct sk_layout *l, const struct ike_sk_dir *d, const uint8_t *iv, uint8_t *nonce)
{
	memcpy(nonce, d->ek.b + l->e->key_len, l->e->salt_len);
	memcpy(nonce + l->e->salt_len, iv, l->iv);
}

int
ike_sk_init(struct ike_sk *sk, const struct ike_suite *s, const struct ike_keys *k, bool initiator)
{
	struct sk_layout l;

	ike_sk_wipe(sk);
	if (!ike_suite_valid(s))
		return -EINVAL;
	sk->encr = s->encr;
	sk->encr_bits = s->encr_bits;
	sk->integ = s->integ;
	/* Section 2.14: SK_ei/SK_ai protect what the original initiator sends. */
	sk->out.ek = initiator ? k->ei : k->er;
	sk->out.ak = initiator ? k->ai : k->ar;
	sk->in.ek = initiator ? k->er : k->ei;
	sk->in.ak = initiator ? k->ar : k->ai;
	sk->out.next_iv = 0;
	if (layout(sk, &l) != 0 || !dir_ok(&l, &sk->out) || !dir_ok(&l, &sk->in)) {
		ike_sk_wipe(sk);
		return -EINVAL;
	}
	return 0;
}

void
ike_sk_wipe(struct ike_sk *sk)
{
	mem_wipe(sk, sizeof(*sk));
}

size_t
ike_sk_payload_len(const struct ike_sk *sk, size_t sk_hdr_len, size_t inner_len)
{
	struct sk_layout l;

	if (layout(sk, &l) != 0 || !hdr_len_ok(sk_hdr_len))
		return 0;
	return sk_hdr_len + l.iv + ct_len(&l, inner_len) + l.icv;
}

size_t
ike_sk_max_inner(const struct ike_sk *sk, size_t sk_hdr_len, size_t payload_len)
{
	struct sk_layout l;
	size_t room;

	if (layout(sk, &l) != 0 || !hdr_len_ok(sk_hdr_len) ||
	    payload_len < sk_hdr_len + l.iv + l.icv + l.block)
		return 0;
	room = (payload_len - sk_hdr_len - l.iv - l.icv) / l.block * l.block;
	return room - 1; /* the Pad Length byte; no Padding when room is aligned */
}

/*
 * Encrypt and authenticate in place: msg[0, hdr_end) is the AAD (GCM), then the IV, ctl
 * bytes of plaintext, and room for the ICV; total is the message length.
 */
static int
sk_encrypt(const struct sk_layout *l, const struct ike_sk_dir *d, uint8_t *msg, size_t hdr_end,
	   size_t ctl, size_t total)
{
	const uint8_t *iv = msg + hdr_end;
	uint8_t *ct = msg + hdr_end + l->iv;
	const struct ike_iov all = {msg, total - l->icv};

	if (l->integ == NULL) {
		uint8_t nonce[IKE_GCM_NONCE_LEN];

		gcm_nonce(l, d, iv, nonce);
		return ike_gcm_seal(l->e, d->ek.b, nonce, msg, hdr_end, ct, ctl, ct + ctl);
	}
	if (ike_cbc_crypt(l->e, d->ek.b, iv, ct, ctl, true) != 0)
		return -EIO;
	return ike_hmac(l->integ->digest, d->ak.b, d->ak.len, &all, 1, ct + ctl, l->icv);
}

/* The reverse, checking the ICV first: IKE_SK_ERR_ICV, -EIO or 0 (decrypted in place). */
static int
sk_decrypt(const struct sk_layout *l, const struct ike_sk_dir *d, uint8_t *msg, size_t hdr_end,
	   size_t ctl)
{
	const uint8_t *iv = msg + hdr_end;
	uint8_t *ct = msg + hdr_end + l->iv;
	const struct ike_iov all = {msg, hdr_end + l->iv + ctl};
	uint8_t mac[IKE_ICV_MAX];

	if (l->integ == NULL) {
		uint8_t nonce[IKE_GCM_NONCE_LEN];
		int rc;

		gcm_nonce(l, d, iv, nonce);
		rc = ike_gcm_open(l->e, d->ek.b, nonce, msg, hdr_end, ct, ctl, ct + ctl);
		return rc == -EBADMSG ? IKE_SK_ERR_ICV : rc != 0 ? -EIO : 0;
	}
	if (ike_hmac(l->integ->digest, d->ak.b, d->ak.len, &all, 1, mac, l->icv) != 0)
		return -EIO;
	if (CRYPTO_memcmp(mac, ct + ctl, l->icv) != 0)
		return IKE_SK_ERR_ICV;
	return ike_cbc_crypt(l->e, d->ek.b, iv, ct, ctl, false) != 0 ? -EIO : 0;
}

int
ike_sk_seal_iv(const struct ike_sk *sk, uint8_t *msg, size_t cap, size_t sk_off, size_t sk_hdr_len,
	       const uint8_t *inner, size_t inner_len, const uint8_t *iv, size_t *msg_len)
{
	struct sk_layout l;
	size_t ctl, pl, total;
	uint8_t *ivp, *ct;

	if (layout(sk, &l) != 0 || !dir_ok(&l, &sk->out) || !hdr_len_ok(sk_hdr_len) ||
	    sk_off < IKE_HDR_LEN || sk_off > cap)
		return -EINVAL;
	if (inner_len > UINT16_MAX)
		return -EMSGSIZE;
	ctl = ct_len(&l, inner_len);
	pl = sk_hdr_len + l.iv + ctl + l.icv;
	if (pl > UINT16_MAX)
		return -EMSGSIZE;
	if (pl > cap - sk_off)
		return -ENOSPC;
	total = sk_off + pl;
	if (total > UINT32_MAX)
		return -EMSGSIZE;

	ivp = msg + sk_off + sk_hdr_len;
	ct = ivp + l.iv;
	memmove(ct, inner, inner_len); /* first: inner may lie anywhere in msg */
	/* Padding "MAY contain any value" (section 3.14): zeros; at most block - 1 bytes. */
	memset(ct + inner_len, 0, ctl - inner_len - 1);
	ct[ctl - 1] = (uint8_t)(ctl - inner_len - 1);
	memcpy(ivp, iv, l.iv);
	/* Both lengths are authenticated: final before the ICV is computed. */
	put16(msg + sk_off + PAYLOAD_LENGTH_OFF, pl);
	put32(msg + IKE_LENGTH_OFF, total);

	if (sk_encrypt(&l, &sk->out, msg, sk_off + sk_hdr_len, ctl, total) != 0)
		return -EIO;
	*msg_len = total;
	return 0;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (size_t)(v >> 32));
	put32(p + 4, (size_t)(v & 0xffffffffu));
}

int
ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t cap, size_t sk_off, size_t sk_hdr_len,
	    const uint8_t *inner, size_t inner_len, size_t *msg_len)
{
	uint8_t iv[IKE_IV_MAX];

	if (ike_encr_is_aead(sk->encr)) {
		/*
		 * RFC 5282 section 3.1: the IV must not repeat under one key. The counter is
		 * consumed even if sealing fails, as the cipher may have run with it.
		 */
		if (sk->out.next_iv == UINT64_MAX)
			return -EOVERFLOW;
		put64(iv, sk->out.next_iv++);
	} else if (ike_random(iv, ike_encr_iv_len(sk->encr)) != 0) {
		return -EIO; /* section 3.14: a CBC IV must be unpredictable */
	}
	return ike_sk_seal_iv(sk, msg, cap, sk_off, sk_hdr_len, inner, inner_len, iv, msg_len);
}

int
ike_sk_open(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t sk_off, size_t sk_hdr_len,
	    uint8_t **inner, size_t *inner_len)
{
	struct sk_layout l;
	size_t body, ctl, pad;
	uint8_t *ct;
	int rc;

	if (layout(sk, &l) != 0 || !dir_ok(&l, &sk->in) || !hdr_len_ok(sk_hdr_len) ||
	    sk_off < IKE_HDR_LEN)
		return -EINVAL;
	if (sk_off > msg_len || msg_len - sk_off < sk_hdr_len)
		return IKE_SK_ERR_SHORT;
	/* The Encrypted payload is the last one: both Length fields end where msg ends. */
	if (get32(msg + IKE_LENGTH_OFF) != msg_len ||
	    get16(msg + sk_off + PAYLOAD_LENGTH_OFF) != msg_len - sk_off)
		return IKE_SK_ERR_SHORT;
	/* IV, at least one block (CBC) or the Pad Length byte (GCM), ICV. */
	body = msg_len - sk_off - sk_hdr_len;
	if (body < l.iv + (l.integ != NULL ? l.block : 1) + l.icv)
		return IKE_SK_ERR_SHORT;
	ctl = body - l.iv - l.icv;
	if (ctl % l.block != 0)
		return IKE_SK_ERR_SHORT;
	rc = sk_decrypt(&l, &sk->in, msg, sk_off + sk_hdr_len, ctl);
	if (rc != 0)
		return rc;
	ct = msg + sk_off + sk_hdr_len + l.iv;
	/* Any Padding that fits is accepted (section 3.14, RFC 5282 section 3). */
	pad = ct[ctl - 1];
	if (pad + 1 > ctl)
		return IKE_SK_ERR_PAD;
	*inner = ct;
	*inner_len = ctl - 1 - pad;
	return 0;
}
