/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libipsec-mb, called directly from the worker (no cryptodev layer):
 *  - AES-GCM through the one-shot direct API, one call per packet (the lowest
 *    single-core cost on libipsec-mb 1.3: reference/perf-anchors.md M-IMB);
 *  - AES-CBC and HMAC through the synchronous cipher and hash burst APIs, one
 *    call per algorithm per burst, which also avoids 1.3's per-call shared
 *    imb_errno store that hurts multi-core scaling (perf-anchors section 4).
 * Expanded keys live in struct cmb_keys, wiped when freed.
 */
#ifndef DPSEC_CRYPTO_MB_H
#define DPSEC_CRYPTO_MB_H

#include <stdbool.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>

#include "dpsec/xform.h"

#define CMB_BURST_MAX 64

struct cmb_keys {
	union {
		struct gcm_key_data gcm;
		struct {
			uint8_t enc[16 * 15];	/* AES-256 has 15 round keys */
			uint8_t dec[16 * 15];
			uint8_t ipad[64];	/* hash state after K ^ ipad (SHA-512: 64 bytes) */
			uint8_t opad[64];
		} cbc;
	};
	enum dp_cipher cipher;
	enum dp_auth auth;
	IMB_HASH_ALG hash_alg;
	uint8_t aes_key_len;		/* 16 or 32; 0 for esp-null */
} __attribute__((aligned(64)));

/* One CBC/NULL + HMAC operation, in place on buf. */
struct cmb_op {
	uint8_t *buf;			/* ESP header */
	const struct cmb_keys *k;
	const uint8_t *iv;
	uint32_t cipher_off;		/* from buf to the first ciphertext byte */
	uint32_t cipher_len;
	uint32_t hash_len;		/* bytes hashed from buf (incl. ESN high bits) */
	uint8_t *tag;			/* where the computed ICV goes */
	bool failed;			/* set by the bursts if libipsec-mb refused or failed the job */
};

/* Per-worker CBC IV source: AES-CTR keystream under a random key (RFC 3602 section 2). */
struct cmb_ivgen {
	uint8_t key[16 * 11] __attribute__((aligned(16)));
	uint8_t ctr[16];
	uint8_t pool[16 * 64];
	uint32_t used;
};

IMB_MGR *cmb_mgr_create(void);
void cmb_mgr_free(IMB_MGR *mb);
/* Which code path libipsec-mb selected, for logs and benchmarks. */
const char *cmb_arch_name(const IMB_MGR *mb);

/* ckey = key || salt, akey = HMAC key; lengths per xform.h. NULL on failure. */
struct cmb_keys *cmb_keys_create(IMB_MGR *mb, enum dp_cipher c, enum dp_auth a,
				 const uint8_t *ckey, const uint8_t *akey);
/* Wipes and frees; accepts NULL. */
void cmb_keys_free(struct cmb_keys *k);

/*
 * AES-GCM one-shot, in place; iv is the 12-byte nonce (salt || explicit IV),
 * key_len 16 or 32 (the keys' aes_key_len). The _len forms
 * take it from the caller: k->aes_key_len lies on the key structure's last
 * cache line, one more line a packet for an SA the caches no longer hold
 * (the dataplane keeps a copy in sa_rt's first line).
 */
static inline void
cmb_gcm_enc_len(IMB_MGR *mb, const struct cmb_keys *k, unsigned int key_len, uint8_t *buf,
		uint64_t len, const uint8_t iv[12], const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	struct gcm_context_data ctx;

	if (key_len == 16)
		IMB_AES128_GCM_ENC(mb, &k->gcm, &ctx, buf, buf, len, iv, aad, aad_len, tag, 16);
	else
		IMB_AES256_GCM_ENC(mb, &k->gcm, &ctx, buf, buf, len, iv, aad, aad_len, tag, 16);
}

static inline void
cmb_gcm_dec_len(IMB_MGR *mb, const struct cmb_keys *k, unsigned int key_len, uint8_t *buf,
		uint64_t len, const uint8_t iv[12], const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	struct gcm_context_data ctx;

	if (key_len == 16)
		IMB_AES128_GCM_DEC(mb, &k->gcm, &ctx, buf, buf, len, iv, aad, aad_len, tag, 16);
	else
		IMB_AES256_GCM_DEC(mb, &k->gcm, &ctx, buf, buf, len, iv, aad, aad_len, tag, 16);
}

static inline void
cmb_gcm_enc(IMB_MGR *mb, const struct cmb_keys *k, uint8_t *buf, uint64_t len,
	    const uint8_t iv[12], const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	cmb_gcm_enc_len(mb, k, k->aes_key_len, buf, len, iv, aad, aad_len, tag);
}

static inline void
cmb_gcm_dec(IMB_MGR *mb, const struct cmb_keys *k, uint8_t *buf, uint64_t len,
	    const uint8_t iv[12], const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	cmb_gcm_dec_len(mb, k, k->aes_key_len, buf, len, iv, aad, aad_len, tag);
}

/*
 * HMAC over ops[i].buf[0 .. hash_len) into ops[i].tag (full digest truncated
 * to the ICV). A job libipsec-mb does not complete sets ops[i].failed (its
 * tag is then not written: never compare it).
 */
void cmb_hmac_burst(IMB_MGR *mb, struct cmb_op *ops, unsigned int n);
/* AES-CBC in place over ops[i].buf[cipher_off .. +cipher_len); esp-null ops are skipped. Sets failed likewise. */
void cmb_cbc_burst(IMB_MGR *mb, struct cmb_op *ops, unsigned int n, bool encrypt);

int cmb_ivgen_init(IMB_MGR *mb, struct cmb_ivgen *g);
void cmb_ivgen_refill(IMB_MGR *mb, struct cmb_ivgen *g);

/* 16 unpredictable bytes for a CBC IV. */
static inline const uint8_t *
cmb_ivgen_next(IMB_MGR *mb, struct cmb_ivgen *g)
{
	if (g->used == sizeof(g->pool) / 16)
		cmb_ivgen_refill(mb, g);
	return g->pool + 16 * g->used++;
}

#endif
