/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateless COOKIEs (RFC 7296 section 2.6):
 *
 *   Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>)
 *
 * with SHA-256. The version byte lets the responder rotate its secret and still accept
 * cookies made with the previous one for a while.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_crypto.h"

#define IP6_LEN	 16
#define HASH_LEN (IKE_COOKIE_LEN - 1)

int
ike_cookie_make(const struct ike_cookie_secret *sec, const uint8_t *ni, size_t ni_len,
		const uint8_t *ip, size_t ip_len, const uint8_t spi_i[IKE_SPI_LEN],
		uint8_t out[IKE_COOKIE_LEN])
{
	uint8_t in[IKE_NONCE_MAX + IP6_LEN + IKE_SPI_LEN + SECRET_MAX];
	size_t n, md_len = 0;
	int rc = 0;

	if (ni_len < IKE_NONCE_MIN || ni_len > IKE_NONCE_MAX ||
	    (ip_len != 4 && ip_len != IP6_LEN) || sec->key.len == 0 || sec->key.len > SECRET_MAX)
		return -EINVAL;
	memcpy(in, ni, ni_len);
	n = ni_len;
	memcpy(in + n, ip, ip_len);
	n += ip_len;
	memcpy(in + n, spi_i, IKE_SPI_LEN);
	n += IKE_SPI_LEN;
	memcpy(in + n, sec->key.b, sec->key.len);
	n += sec->key.len;
	out[0] = sec->version;
	if (EVP_Q_digest(NULL, "SHA256", NULL, in, n, out + 1, &md_len) != 1 || md_len != HASH_LEN)
		rc = -EIO;
	mem_wipe(in, sizeof(in)); /* it held the secret */
	return rc;
}

int
ike_cookie_check(const struct ike_cookie_secret *cur, const struct ike_cookie_secret *prev,
		 const uint8_t *ni, size_t ni_len, const uint8_t *ip, size_t ip_len,
		 const uint8_t spi_i[IKE_SPI_LEN], const uint8_t *cookie, size_t cookie_len)
{
	const struct ike_cookie_secret *sec;
	uint8_t want[IKE_COOKIE_LEN];
	int rc;

	if (cookie_len != IKE_COOKIE_LEN)
		return -EACCES;
	if (cookie[0] == cur->version)
		sec = cur;
	else if (prev != NULL && cookie[0] == prev->version)
		sec = prev;
	else
		return -ESTALE;
	rc = ike_cookie_make(sec, ni, ni_len, ip, ip_len, spi_i, want);
	if (rc == 0 && CRYPTO_memcmp(want, cookie, IKE_COOKIE_LEN) != 0)
		rc = -EACCES;
	return rc;
}
