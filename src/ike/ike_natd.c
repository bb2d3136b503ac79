/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT detection (RFC 7296 section 2.23): the NAT_DETECTION_SOURCE_IP and _DESTINATION_IP
 * notification data, SHA-1(SPIi | SPIr | IP address | port).
 */
#include <string.h>

#include <openssl/evp.h>

#include "ike_crypto.h"

#define IP6_LEN 16

int
ike_natd_hash(const uint8_t spi_i[IKE_SPI_LEN], const uint8_t spi_r[IKE_SPI_LEN],
	      const uint8_t *addr, size_t addr_len, uint16_t port, uint8_t out[IKE_NATD_LEN])
{
	uint8_t in[2 * IKE_SPI_LEN + IP6_LEN + 2];
	size_t n = 0, md_len = 0;

	if (addr_len != 4 && addr_len != IP6_LEN)
		return -EINVAL;
	memcpy(in, spi_i, IKE_SPI_LEN);
	memcpy(in + IKE_SPI_LEN, spi_r, IKE_SPI_LEN);
	n = 2 * IKE_SPI_LEN;
	memcpy(in + n, addr, addr_len);
	n += addr_len;
	in[n++] = (uint8_t)(port >> 8); /* network order */
	in[n++] = (uint8_t)port;
	if (EVP_Q_digest(NULL, "SHA1", NULL, in, n, out, &md_len) != 1 || md_len != IKE_NATD_LEN)
		return -EIO;
	return 0;
}
