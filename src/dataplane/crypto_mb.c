/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dpsec/secret.h"

#include "crypto_mb.h"

IMB_MGR *
cmb_mgr_create(void)
{
	IMB_MGR *mb = alloc_mb_mgr(0);

	if (mb == NULL)
		return NULL;
	init_mb_mgr_auto(mb, NULL);
	if (imb_get_errno(mb) != 0) {
		free_mb_mgr(mb);
		return NULL;
	}
	return mb;
}

void
cmb_mgr_free(IMB_MGR *mb)
{
	if (mb != NULL)
		free_mb_mgr(mb);
}

const char *
cmb_arch_name(const IMB_MGR *mb)
{
	switch (mb->used_arch) {
	case IMB_ARCH_SSE:
		return "SSE";
	case IMB_ARCH_AVX:
		return "AVX";
	case IMB_ARCH_AVX2:
		return "AVX2";
	case IMB_ARCH_AVX512:
		return (mb->features & IMB_FEATURE_VAES) ? "AVX512 (VAES)" : "AVX512";
	default:
		return "unknown";
	}
}

static IMB_HASH_ALG
hash_alg(enum dp_auth a)
{
	switch (a) {
	case DP_AUTH_HMAC_SHA1_96:
		return IMB_AUTH_HMAC_SHA_1;
	case DP_AUTH_HMAC_SHA256_128:
		return IMB_AUTH_HMAC_SHA_256;
	case DP_AUTH_HMAC_SHA384_192:
		return IMB_AUTH_HMAC_SHA_384;
	case DP_AUTH_HMAC_SHA512_256:
		return IMB_AUTH_HMAC_SHA_512;
	default:
		return IMB_AUTH_NULL;
	}
}

/*
 * HMAC (RFC 2104) precomputation: the hash state after one block of
 * K ^ ipad and of K ^ opad, which is what libipsec-mb's HMAC jobs take.
 * ESP HMAC keys are never longer than the hash block, so K is used as is.
 */
static void
hmac_precompute(IMB_MGR *mb, struct cmb_keys *k, const uint8_t *key, size_t key_len)
{
	uint8_t ipad[128], opad[128];
	/* SHA-384 and SHA-512 hash 128-byte blocks (FIPS 180-4) */
	size_t block = k->hash_alg == IMB_AUTH_HMAC_SHA_512 || k->hash_alg == IMB_AUTH_HMAC_SHA_384
			       ? 128
			       : 64;

	memset(ipad, 0x36, block);
	memset(opad, 0x5c, block);
	for (size_t i = 0; i < key_len; i++) {
		ipad[i] ^= key[i];
		opad[i] ^= key[i];
	}
	switch (k->hash_alg) {
	case IMB_AUTH_HMAC_SHA_1:
		IMB_SHA1_ONE_BLOCK(mb, ipad, k->cbc.ipad);
		IMB_SHA1_ONE_BLOCK(mb, opad, k->cbc.opad);
		break;
	case IMB_AUTH_HMAC_SHA_256:
		IMB_SHA256_ONE_BLOCK(mb, ipad, k->cbc.ipad);
		IMB_SHA256_ONE_BLOCK(mb, opad, k->cbc.opad);
		break;
	case IMB_AUTH_HMAC_SHA_384:
		/* the state is 512 bits wide like SHA-512's (64 bytes: fits ipad/opad) */
		IMB_SHA384_ONE_BLOCK(mb, ipad, k->cbc.ipad);
		IMB_SHA384_ONE_BLOCK(mb, opad, k->cbc.opad);
		break;
	default:
		IMB_SHA512_ONE_BLOCK(mb, ipad, k->cbc.ipad);
		IMB_SHA512_ONE_BLOCK(mb, opad, k->cbc.opad);
		break;
	}
	mem_wipe(ipad, sizeof(ipad));
	mem_wipe(opad, sizeof(opad));
}

/* Expanded keys live outside core dumps, 64-byte aligned like struct cmb_keys. */
static struct secret_slab keys_slab = SECRET_SLAB_INIT(sizeof(struct cmb_keys));

struct cmb_keys *
cmb_keys_create(IMB_MGR *mb, enum dp_cipher c, enum dp_auth a, const uint8_t *ckey,
		const uint8_t *akey)
{
	const struct dp_cipher_info *ci = &dp_cipher_info[c];
	struct cmb_keys *k;

	if (c >= DP_CIPHER__COUNT || a >= DP_AUTH__COUNT || ci->aead != (a == DP_AUTH_NONE))
		return NULL;
	k = secret_slab_get(&keys_slab);
	if (k == NULL)
		return NULL;
	k->cipher = c;
	k->auth = a;
	k->hash_alg = hash_alg(a);
	k->aes_key_len = ci->key_len;

	switch (c) {
	case DP_CIPHER_AES_GCM_128:
		IMB_AES128_GCM_PRE(mb, ckey, &k->gcm);
		break;
	case DP_CIPHER_AES_GCM_256:
		IMB_AES256_GCM_PRE(mb, ckey, &k->gcm);
		break;
	case DP_CIPHER_AES_CBC_128:
		IMB_AES_KEYEXP_128(mb, ckey, k->cbc.enc, k->cbc.dec);
		break;
	case DP_CIPHER_AES_CBC_256:
		IMB_AES_KEYEXP_256(mb, ckey, k->cbc.enc, k->cbc.dec);
		break;
	default:
		break;
	}
	if (!ci->aead)
		hmac_precompute(mb, k, akey, dp_auth_info[a].key_len);
	return k;
}

void
cmb_keys_free(struct cmb_keys *k)
{
	secret_slab_put(&keys_slab, k);
}

/*
 * The burst APIs take one algorithm (and key size) per call, so ops are
 * handed over in groups; a burst holds at most a few different algorithms.
 */
/* Mark the ops whose job did not come back with its part (cipher or hash) done. */
static void
mark_failed(struct cmb_op *ops, const IMB_JOB *jobs, const unsigned int *which, unsigned int nj,
	    IMB_STATUS part)
{
	for (unsigned int k = 0; k < nj; k++) {
		IMB_STATUS st = jobs[k].status;

		if (st >= IMB_STATUS_INVALID_ARGS || !(st & part))
			ops[which[k]].failed = true;
	}
}

void
cmb_hmac_burst(IMB_MGR *mb, struct cmb_op *ops, unsigned int n)
{
	IMB_JOB jobs[CMB_BURST_MAX];
	unsigned int which[CMB_BURST_MAX];
	bool done[CMB_BURST_MAX] = {false};

	for (unsigned int first = 0; first < n; first++) {
		IMB_HASH_ALG alg;
		unsigned int nj = 0;

		if (done[first])
			continue;
		alg = ops[first].k->hash_alg;
		for (unsigned int i = first; i < n; i++) {
			const struct cmb_op *op = &ops[i];
			IMB_JOB *j = &jobs[nj];

			if (done[i] || op->k->hash_alg != alg)
				continue;
			done[i] = true;
			/*
			 * No memset of the 200-byte job: the hash burst reads only
			 * these. status is set so that a job the library refuses
			 * without touching reads as not done (fail closed).
			 */
			j->status = IMB_STATUS_BEING_PROCESSED;
			j->src = op->buf;
			j->hash_start_src_offset_in_bytes = 0;
			j->msg_len_to_hash_in_bytes = op->hash_len;
			j->auth_tag_output = op->tag;
			j->auth_tag_output_len_in_bytes = dp_auth_info[op->k->auth].icv_len;
			j->u.HMAC._hashed_auth_key_xor_ipad = op->k->cbc.ipad;
			j->u.HMAC._hashed_auth_key_xor_opad = op->k->cbc.opad;
			j->hash_alg = alg;
			j->cipher_mode = IMB_CIPHER_NULL;
			j->chain_order = IMB_ORDER_HASH_CIPHER;
			which[nj++] = i;
		}
		IMB_SUBMIT_HASH_BURST(mb, jobs, nj, alg);
		mark_failed(ops, jobs, which, nj, IMB_STATUS_COMPLETED_AUTH);
	}
}

void
cmb_cbc_burst(IMB_MGR *mb, struct cmb_op *ops, unsigned int n, bool encrypt)
{
	IMB_JOB jobs[CMB_BURST_MAX];
	unsigned int which[CMB_BURST_MAX];
	bool done[CMB_BURST_MAX] = {false};
	IMB_CIPHER_DIRECTION dir = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;

	for (unsigned int first = 0; first < n; first++) {
		uint8_t klen;
		unsigned int nj = 0;

		if (done[first])
			continue;
		klen = ops[first].k->aes_key_len;
		for (unsigned int i = first; i < n; i++) {
			const struct cmb_op *op = &ops[i];
			IMB_JOB *j = &jobs[nj];

			if (done[i] || op->k->aes_key_len != klen)
				continue;
			done[i] = true;
			if (klen == 0)
				continue;	/* esp-null */
			/* no memset of the job, as in cmb_hmac_burst */
			j->status = IMB_STATUS_BEING_PROCESSED;
			j->src = op->buf;
			j->dst = op->buf + op->cipher_off;
			j->cipher_start_src_offset_in_bytes = op->cipher_off;
			j->msg_len_to_cipher_in_bytes = op->cipher_len;
			j->iv = op->iv;
			j->iv_len_in_bytes = 16;
			j->enc_keys = op->k->cbc.enc;
			j->dec_keys = op->k->cbc.dec;
			j->key_len_in_bytes = klen;
			j->cipher_mode = IMB_CIPHER_CBC;
			j->cipher_direction = dir;
			j->hash_alg = IMB_AUTH_NULL;
			j->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
			which[nj++] = i;
		}
		if (nj == 0)
			continue;
		if (klen != 16 && klen != 32) {
			/* no such AES key: never pass it on as another size */
			for (unsigned int k = 0; k < nj; k++)
				ops[which[k]].failed = true;
			continue;
		}
		IMB_SUBMIT_CIPHER_BURST(mb, jobs, nj, IMB_CIPHER_CBC, dir,
					klen == 16 ? IMB_KEY_128_BYTES : IMB_KEY_256_BYTES);
		mark_failed(ops, jobs, which, nj, IMB_STATUS_COMPLETED_CIPHER);
	}
}

int
cmb_ivgen_init(IMB_MGR *mb, struct cmb_ivgen *g)
{
	uint8_t key[16], dec[16 * 11];

	if (getrandom(key, sizeof(key), 0) != sizeof(key) ||
	    getrandom(g->ctr, sizeof(g->ctr), 0) != sizeof(g->ctr))
		return -EIO;
	IMB_AES_KEYEXP_128(mb, key, g->key, dec);
	mem_wipe(key, sizeof(key));
	mem_wipe(dec, sizeof(dec));
	cmb_ivgen_refill(mb, g);
	return 0;
}

/* Next 64 IVs: AES-CTR keystream, i.e. AES_K(ctr), AES_K(ctr + 1), ... */
void
cmb_ivgen_refill(IMB_MGR *mb, struct cmb_ivgen *g)
{
	IMB_JOB job;

	memset(g->pool, 0, sizeof(g->pool));
	memset(&job, 0, sizeof(job));
	job.src = g->pool;
	job.dst = g->pool;
	job.msg_len_to_cipher_in_bytes = sizeof(g->pool);
	job.iv = g->ctr;
	job.iv_len_in_bytes = 16;
	job.enc_keys = g->key;
	job.dec_keys = g->key;
	job.key_len_in_bytes = 16;
	job.cipher_mode = IMB_CIPHER_CNTR;
	job.cipher_direction = IMB_DIR_ENCRYPT;
	job.hash_alg = IMB_AUTH_NULL;
	job.chain_order = IMB_ORDER_CIPHER_HASH;
	IMB_SUBMIT_CIPHER_BURST(mb, &job, 1, IMB_CIPHER_CNTR, IMB_DIR_ENCRYPT, IMB_KEY_128_BYTES);
	/* advance the 128-bit big-endian counter past the blocks just used */
	for (uint32_t add = sizeof(g->pool) / 16, i = 16; i-- > 0 && add != 0;) {
		uint32_t v = g->ctr[i] + (add & 0xff);

		g->ctr[i] = (uint8_t)v;
		add = (add >> 8) + (v >> 8);
	}
	g->used = 0;
}
