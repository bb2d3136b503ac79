/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prf and prf+ (RFC 7296 section 2.13). The PRFs are HMACs whose output is their preferred
 * key length, so every key the schedule feeds back in is used whole.
 */
#include <string.h>

#include "ike_crypto_int.h"

#define PRF_PLUS_MAX_BLOCKS 255 /* the counter is one octet */

int
ike_prf(enum ike_prf prf, const void *key, size_t key_len, const struct ike_iov *in, size_t n,
	uint8_t *out)
{
	const struct ike_hmac_alg *a = ike_prf_alg(prf);

	if (a == NULL)
		return -ENOTSUP;
	if (n > IKE_PRF_IOV_MAX)
		return -EINVAL;
	return ike_hmac(a->digest, key, key_len, in, n, out, a->out_len);
}

/*
 * prf+ (K,S) = T1 | T2 | T3 | ...   where   T1 = prf (K, S | 0x01),
 * Tn = prf (K, Tn-1 | S | n): each block is chained through the previous one.
 */
int
ike_prf_plus(enum ike_prf prf, const void *key, size_t key_len, const struct ike_iov *in, size_t n,
	     uint8_t *out, size_t out_len)
{
	const struct ike_hmac_alg *a = ike_prf_alg(prf);
	struct ike_iov parts[IKE_PRF_IOV_MAX + 2];
	uint8_t t[IKE_PRF_MAX];
	uint8_t counter = 0;
	EVP_MAC_CTX *ctx;
	size_t done = 0;
	int rc = 0;

	if (a == NULL)
		return -ENOTSUP;
	if (n > IKE_PRF_IOV_MAX || out_len > (size_t)PRF_PLUS_MAX_BLOCKS * a->out_len ||
	    key == NULL || key_len == 0)
		return -EINVAL;
	/* K is the same for every block: keyed once, restarted per block */
	ctx = ike_hmac_keyed(a->digest, key, key_len);
	if (ctx == NULL)
		return -EIO;
	if (n != 0)
		memcpy(&parts[1], in, n * sizeof(*in));
	parts[n + 1] = (struct ike_iov){&counter, 1};
	while (done < out_len) {
		size_t take = out_len - done < a->out_len ? out_len - done : a->out_len;

		/* T1 has no previous block: parts[0] is empty on the first round only. */
		parts[0] = (struct ike_iov){t, counter == 0 ? 0 : a->out_len};
		counter++;
		rc = ike_hmac_run(ctx, counter > 1, parts, n + 2, t, a->out_len);
		if (rc != 0)
			break;
		memcpy(out + done, t, take);
		done += take;
	}
	EVP_MAC_CTX_free(ctx);
	mem_wipe(t, sizeof(t));
	if (rc != 0)
		mem_wipe(out, out_len);
	return rc;
}
