/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 cryptography on OpenSSL 3 EVP: the algorithms an IKE SA can use, Diffie-Hellman,
 * prf/prf+, the key schedule, the Encrypted payload, PSK authentication, NAT detection and
 * COOKIEs (RFC 7296 sections 2.6, 2.13-2.18, 2.23, 3.14; RFC 5282, 5903, 7383, 8031).
 *
 * No sockets, no DPDK. The only global state is a read-only cache of OpenSSL objects
 * (algorithm fetches, DH group parameters; ike_evp.c, ike_dh.c) built once per process:
 * no secrets in it. Every derived key lives in a `struct secret` or in
 * one of the wiped types below (`ike_*_wipe`); nothing here logs or prints key bytes.
 * Functions return 0 or -errno; constructors return NULL on failure.
 *
 * Byte strings are in wire order: SPIs are the 8 bytes of the IKE header, nonces and KE data
 * are the payload bodies after their generic (and KE: group/reserved) headers.
 */
#ifndef DPSEC_IKE_CRYPTO_H
#define DPSEC_IKE_CRYPTO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/secret.h"

#include "ike_const.h"

#define IKE_SPI_LEN	  8
#define IKE_PRF_MAX	  64  /* HMAC-SHA-512 */
#define IKE_IV_MAX	  16
#define IKE_ICV_MAX	  32  /* HMAC-SHA2-512-256 */
#define IKE_DH_PUB_MAX	  256 /* MODP 2048 */
#define IKE_DH_SHARED_MAX 256
#define IKE_GCM_SALT_LEN  4   /* RFC 5282 section 7.1: the last 4 bytes of SK_e* */
#define IKE_NATD_LEN	  20  /* SHA-1, section 2.23 */
#define IKE_KEYMAT_MAX	  512 /* CHILD_SA KEYMAT; AH + ESP with the largest keys is 328 */
#define IKE_SK_HDR_LEN	  4   /* Encrypted payload: the generic header */
#define IKE_SKF_HDR_LEN	  8   /* Encrypted Fragment (RFC 7383): + fragment number, total */

/* A piece of a concatenation (prf inputs are "A | B | C"). */
struct ike_iov {
	const void *base;
	size_t len;
};

/* ---- algorithms (ike_suite.c) ---- */

/* The transforms of one IKE SA. encr_bits is the Key Length attribute (128 or 256). */
struct ike_suite {
	enum ike_encr encr;
	uint16_t encr_bits;
	enum ike_integ integ; /* IKE_INTEG_NONE with AES-GCM (RFC 5282 section 8) */
	enum ike_prf prf;
	enum ike_dh dh;
};

/*
 * Is this one transform implemented? For proposal selection, transform by transform.
 * key_bits is the Key Length attribute for IKE_TF_ENCR (0 if absent: AES requires it) and
 * ignored otherwise. ESN (type 5) is the CHILD_SA's business and answers false here.
 */
bool ike_transform_supported(enum ike_transform_type type, uint16_t id, uint16_t key_bits);
/* Every transform supported, and integrity is NONE exactly when encryption is AEAD. */
bool ike_suite_valid(const struct ike_suite *s);

/* Lengths in bytes; 0 for an unsupported algorithm. */
size_t ike_encr_key_len(enum ike_encr encr, uint16_t bits); /* SK_e*, GCM salt included */
size_t ike_encr_iv_len(enum ike_encr encr);		    /* 16 CBC, 8 GCM */
size_t ike_encr_block_len(enum ike_encr encr);		    /* 16 CBC, 1 GCM (padding) */
bool ike_encr_is_aead(enum ike_encr encr);
size_t ike_integ_key_len(enum ike_integ integ);	     /* SK_a* */
size_t ike_integ_icv_len(enum ike_integ integ);	     /* truncated HMAC */
size_t ike_prf_len(enum ike_prf prf);		     /* output = preferred key length */
size_t ike_dh_public_len(enum ike_dh group);	     /* KE data */
size_t ike_dh_shared_len(enum ike_dh group);	     /* g^ir */
size_t ike_suite_icv_len(const struct ike_suite *s); /* GCM tag or HMAC truncation */

/* ---- randomness (ike_random.c): SPIs, nonces, CBC IVs ---- */

int ike_random(void *buf, size_t len); /* RAND_bytes; -EIO if the DRBG fails */

/* ---- Diffie-Hellman (ike_dh.c): groups 14, 19, 20, 21, 31 ---- */

struct ike_dh_key; /* one ephemeral key pair; the private half never leaves OpenSSL */

/* g^ir: constant length for the group (MODP padded to the modulus, ECP the x coordinate). */
struct ike_dh_shared {
	uint16_t len;
	uint8_t b[IKE_DH_SHARED_MAX];
};

struct ike_dh_key *ike_dh_key_new(enum ike_dh group);
void ike_dh_key_free(struct ike_dh_key *k); /* OpenSSL clears the private value */
enum ike_dh ike_dh_key_group(const struct ike_dh_key *k);
/* The KE data to send; len must be ike_dh_public_len(group). */
int ike_dh_key_public(const struct ike_dh_key *k, uint8_t *out, size_t len);
/*
 * Validate the peer's KE data and compute g^ir. -EMSGSIZE: wrong length for the group;
 * -EINVAL: not a valid public value (MODP: not 1 < y < p-1, RFC 6989 section 2.2; ECP:
 * not a point on the curve, RFC 6989 section 2.3; Curve25519: all-zero result, RFC 8031
 * section 2.3). Anything else is an internal failure. On error *out is wiped.
 */
int ike_dh_key_derive(const struct ike_dh_key *k, const uint8_t *peer, size_t peer_len,
		      struct ike_dh_shared *out);
void ike_dh_shared_wipe(struct ike_dh_shared *s);

/* ---- prf and prf+ (ike_prf.c), section 2.13 ---- */

#define IKE_PRF_IOV_MAX 6

/* out receives ike_prf_len(prf) bytes. key_len > 0; n <= IKE_PRF_IOV_MAX. */
int ike_prf(enum ike_prf prf, const void *key, size_t key_len, const struct ike_iov *in, size_t n,
	    uint8_t *out);
/* T1 | T2 | ... with Tn = prf(K, Tn-1 | S | n); at most 255 blocks. */
int ike_prf_plus(enum ike_prf prf, const void *key, size_t key_len, const struct ike_iov *in,
		 size_t n, uint8_t *out, size_t out_len);

/* ---- key schedule (ike_keymat.c), sections 2.14, 2.17, 2.18 ---- */

/* The seven keys of an IKE SA, sized by its suite (SK_a* empty with AES-GCM). */
struct ike_keys {
	struct secret d, ai, ar, ei, er, pi, pr;
};

/* Ni and Nr: the Nonce payload bodies, IKE_NONCE_MIN..IKE_NONCE_MAX bytes each. */
struct ike_nonces {
	const uint8_t *i;
	size_t i_len;
	const uint8_t *r;
	size_t r_len;
};

/* SKEYSEED = prf(Ni | Nr, g^ir) (section 2.14). */
int ike_skeyseed(enum ike_prf prf, const struct ike_nonces *n, const struct ike_dh_shared *gir,
		 struct secret *skeyseed);
/*
 * IKE SA rekey (section 2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the
 * *old* IKE SA's PRF; n and gir are those of the CREATE_CHILD_SA exchange.
 */
int ike_skeyseed_rekey(enum ike_prf old_prf, const struct secret *old_sk_d,
		       const struct ike_dh_shared *gir, const struct ike_nonces *n,
		       struct secret *skeyseed);
/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
int ike_keys_derive(const struct ike_suite *s, const struct secret *skeyseed,
		    const struct ike_nonces *n, const uint8_t spi_i[IKE_SPI_LEN],
		    const uint8_t spi_r[IKE_SPI_LEN], struct ike_keys *out);
/* Both steps for IKE_SA_INIT; SKEYSEED is wiped before returning. */
int ike_keys_from_init(const struct ike_suite *s, const struct ike_nonces *n,
		       const struct ike_dh_shared *gir, const uint8_t spi_i[IKE_SPI_LEN],
		       const uint8_t spi_r[IKE_SPI_LEN], struct ike_keys *out);
/* Both steps for an IKE SA rekey: old PRF for SKEYSEED, the new suite's PRF after. */
int ike_keys_from_rekey(enum ike_prf old_prf, const struct secret *old_sk_d,
			const struct ike_suite *s, const struct ike_nonces *n,
			const struct ike_dh_shared *gir, const uint8_t spi_i[IKE_SPI_LEN],
			const uint8_t spi_r[IKE_SPI_LEN], struct ike_keys *out);
void ike_keys_wipe(struct ike_keys *k);

/*
 * CHILD_SA KEYMAT (section 2.17): prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr)
 * with PFS (gir != NULL). n are the nonces of the exchange that creates the CHILD_SA
 * (IKE_AUTH: those of IKE_SA_INIT). The caller takes keys in order with ike_keymat_take:
 * for initiator->responder, encryption key (AES-GCM: key | 4-byte salt, RFC 4106 section
 * 8.1) then integrity key; then the same for responder->initiator. "Initiator" is the
 * initiator of that exchange (of the CREATE_CHILD_SA, when rekeying), not of the IKE SA.
 */
struct ike_keymat {
	size_t len;
	size_t off; /* next byte ike_keymat_take hands out */
	uint8_t b[IKE_KEYMAT_MAX];
};

int ike_child_keymat(enum ike_prf prf, const struct secret *sk_d, const struct ike_dh_shared *gir,
		     const struct ike_nonces *n, size_t len, struct ike_keymat *out);
/* The next len bytes into out; -ENOSPC if fewer remain, -EINVAL if len > SECRET_MAX. */
int ike_keymat_take(struct ike_keymat *km, size_t len, struct secret *out);
void ike_keymat_wipe(struct ike_keymat *km);

/* ---- the Encrypted payload (ike_sk.c), section 3.14, RFC 5282, RFC 7383 ---- */

/* Error codes of ike_sk_open, distinct so the caller can count each. */
#define IKE_SK_ERR_SHORT (-EMSGSIZE) /* lengths: too short, misaligned, fields disagree */
#define IKE_SK_ERR_ICV	 (-EBADMSG)  /* integrity check failed */
#define IKE_SK_ERR_PAD	 (-EPROTO)   /* Pad Length larger than the decrypted data */

struct ike_sk_dir {
	struct secret ek; /* SK_e*: AES key (GCM: key | salt) */
	struct secret ak; /* SK_a*; empty with AES-GCM */
	uint64_t next_iv; /* GCM, sending direction: the next explicit IV */
};

/*
 * One IKE SA's Encrypted payload keys, oriented: `out` seals what this side sends, `in`
 * opens what it receives. AES-GCM IVs (RFC 5282 section 3.1: must never repeat under one
 * key) are `out.next_iv`, a 64-bit counter written big-endian and incremented by every
 * seal; ike_sk_init sets it to 0, so initialise once per set of keys (the keys are fresh
 * for each IKE SA, and each direction has its own key). Seal refuses (-EOVERFLOW) rather
 * than wrap. Retransmit the sealed bytes; a re-seal takes a new IV, which is also safe.
 */
struct ike_sk {
	enum ike_encr encr;
	uint16_t encr_bits;
	enum ike_integ integ;
	struct ike_sk_dir out, in;
};

/*
 * initiator: this side is the IKE SA's initiator (it sends with SK_ei/SK_ai; after an IKE
 * SA rekey, whoever initiated the rekey). The keys are copied: the caller may wipe SK_e*
 * and SK_a* from its struct ike_keys and keep SK_d and SK_p*.
 */
int ike_sk_init(struct ike_sk *sk, const struct ike_suite *s, const struct ike_keys *k,
		bool initiator);
void ike_sk_wipe(struct ike_sk *sk);

/* Length of an Encrypted payload (its header included) carrying inner_len bytes. */
size_t ike_sk_payload_len(const struct ike_sk *sk, size_t sk_hdr_len, size_t inner_len);
/* The largest inner chain whose Encrypted payload fits in payload_len (RFC 7383 sizing). */
size_t ike_sk_max_inner(const struct ike_sk *sk, size_t sk_hdr_len, size_t payload_len);

/*
 * Seal: msg[0, sk_off) holds the IKE header and any payloads before the Encrypted payload;
 * msg[sk_off, sk_off + sk_hdr_len) its header (Next Payload = the first inner payload; for
 * SKF also Fragment Number and Total Fragments), both already written. This writes the IV,
 * the encrypted inner | padding | pad length, and the ICV after it, sets the Encrypted
 * payload's Length and the IKE header's Length (before the ICV is computed, as both are
 * authenticated), and returns the message length in *msg_len. cap is the size of msg.
 * inner may point anywhere, inside msg included (e.g. already at its final place after the
 * IV): it is moved first. -ENOSPC if cap is too small, -EMSGSIZE if a length field would
 * overflow, -EINVAL for a bad offset or header length.
 */
int ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t cap, size_t sk_off, size_t sk_hdr_len,
		const uint8_t *inner, size_t inner_len, size_t *msg_len);
/*
 * Open a received message whose Encrypted payload starts at sk_off and is the last payload.
 * Checks the IKE and payload Length fields against msg_len and the minimum sizes, verifies
 * the ICV in constant time (CBC: before decrypting), decrypts in place and checks the Pad
 * Length. On success *inner points into msg at the decrypted inner chain. A refused
 * message is left as it came (AES-GCM checks its tag in a first pass), except after
 * IKE_SK_ERR_PAD, which is only reported for authentic messages, once decrypted.
 * Errors: IKE_SK_ERR_SHORT, IKE_SK_ERR_ICV, IKE_SK_ERR_PAD, -EINVAL (bad arguments),
 * -EIO (OpenSSL failure).
 */
int ike_sk_open(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t sk_off,
		size_t sk_hdr_len, uint8_t **inner, size_t *inner_len);

/* ---- PSK authentication (ike_auth.c), section 2.15 ---- */

/*
 * What one side signs: the initiator its IKE_SA_INIT request as sent (RealMessage1), the
 * responder's nonce (NonceRData), its ID payload body and SK_pi; the responder its
 * IKE_SA_INIT response (RealMessage2), Ni, its ID body and SK_pr. The message starts at the
 * IKE header (no non-ESP marker). The ID body is the payload after its generic header:
 * ID Type, 3 reserved bytes, identification data (RestOfInitIDPayload).
 */
struct ike_auth_in {
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *nonce; /* the other side's nonce */
	size_t nonce_len;
	const uint8_t *id;
	size_t id_len;
	const struct secret *sk_p; /* SK_pi (initiator) or SK_pr (responder) */
};

/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>); ike_prf_len bytes. */
int ike_auth_psk(enum ike_prf prf, const void *psk, size_t psk_len, const struct ike_auth_in *in,
		 uint8_t *out);
/* 0 if auth matches (constant-time compare), -EACCES if not or of the wrong length. */
int ike_auth_psk_verify(enum ike_prf prf, const void *psk, size_t psk_len,
			const struct ike_auth_in *in, const uint8_t *auth, size_t auth_len);

/* ---- NAT detection (ike_natd.c), section 2.23 ---- */

/*
 * SHA-1(SPIi | SPIr | IP address | port): addr is 4 (IPv4) or 16 (IPv6) bytes in network
 * order, port in host order. SPIr is zero in the IKE_SA_INIT request.
 */
int ike_natd_hash(const uint8_t spi_i[IKE_SPI_LEN], const uint8_t spi_r[IKE_SPI_LEN],
		  const uint8_t *addr, size_t addr_len, uint16_t port, uint8_t out[IKE_NATD_LEN]);

/* ---- COOKIE (ike_cookie.c), section 2.6 ---- */

#define IKE_COOKIE_LEN 33 /* version byte | SHA-256 */

/* A responder secret; version is sent in the cookie so secrets can rotate. */
struct ike_cookie_secret {
	uint8_t version;
	struct secret key;
};

/* Cookie = <VersionIDofSecret> | SHA-256(Ni | IPi | SPIi | <secret>) */
int ike_cookie_make(const struct ike_cookie_secret *sec, const uint8_t *ni, size_t ni_len,
		    const uint8_t *ip, size_t ip_len, const uint8_t spi_i[IKE_SPI_LEN],
		    uint8_t out[IKE_COOKIE_LEN]);
/*
 * Check a returned cookie against the current secret or, if its version names it, the
 * previous one (NULL if none). 0 if valid; -ESTALE if the version is neither; -EACCES if
 * the hash does not match or the length is wrong.
 */
int ike_cookie_check(const struct ike_cookie_secret *cur, const struct ike_cookie_secret *prev,
		     const uint8_t *ni, size_t ni_len, const uint8_t *ip, size_t ip_len,
		     const uint8_t spi_i[IKE_SPI_LEN], const uint8_t *cookie, size_t cookie_len);

#endif
