/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <openssl/hmac.h>

#include "esp.h"
#include "esp_null.h"

const uint8_t esp_null_akey[32] = {
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f};

int
esp_null_sa(struct harness *h)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = ESP_NULL_SPI, .cipher = DP_CIPHER_NULL,
			 .auth = DP_AUTH_HMAC_SHA256_128, .replay_window = 64,
			 .akey = esp_null_akey};

	return harness_add_sa(h, &s);
}

struct rte_mbuf *
esp_null_frame(struct harness *h, uint32_t seq, const uint8_t *pt, size_t pt_len)
{
	static uint8_t frame[2048], esp[8 + ESP_NULL_MAX + 16];
	unsigned int mdlen;
	uint8_t md[32];
	size_t len;

	if (pt_len > ESP_NULL_MAX)
		return NULL;
	esp_put_be32(esp, ESP_NULL_SPI);
	esp_put_be32(esp + 4, seq);
	memcpy(esp + 8, pt, pt_len);
	HMAC(EVP_sha256(), esp_null_akey, sizeof(esp_null_akey), esp, 8 + pt_len, md, &mdlen);
	memcpy(esp + 8 + pt_len, md, 16);
	len = harness_ipv4_frame(frame, H_PEER, H_LOCAL, IPPROTO_ESP, 64, esp, 8 + pt_len + 16);
	return harness_mbuf(h, frame, len);
}

size_t
esp_null_plaintext(uint8_t *pt, const void *inner, size_t inner_len)
{
	size_t pad = (4 - (inner_len + 2) % 4) % 4;

	memcpy(pt, inner, inner_len);
	for (size_t i = 0; i < pad; i++)
		pt[inner_len + i] = (uint8_t)(i + 1);
	pt[inner_len + pad] = (uint8_t)pad;
	pt[inner_len + pad + 1] = 4;
	return inner_len + pad + 2;
}
