/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ike_build.h"
#include "ike_hexmsg.h"

size_t
hexmsg_chain(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*hex != '\0') {
		char *end;

		if (isspace((unsigned char)*hex)) {
			hex++;
		} else if (*hex == 'z') {
			unsigned long z = strtoul(hex + 1, &end, 10);

			if (end == hex + 1 || z > cap - n)
				return 0;
			memset(out + n, 0, z);
			n += z;
			hex = end;
		} else {
			for (; isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]);
			     hex += 2) {
				char b[3] = {hex[0], hex[1], 0};

				if (n == cap)
					return 0;
				out[n++] = (uint8_t)strtoul(b, NULL, 16);
			}
			if (*hex != '\0' && !isspace((unsigned char)*hex))
				return 0;
		}
	}
	return n;
}

size_t
hexmsg_msg(uint8_t first, const char *hex, uint8_t *out, size_t cap)
{
	struct ike_hdr h = {.spi_i = 0x0102030405060708ULL, .version = IKE_VERSION,
			    .exchange = IKE_SA_INIT, .flags = IKE_FLAG_INITIATOR};
	static uint8_t chain[65536];
	size_t n = hexmsg_chain(hex, chain, sizeof(chain));
	struct ike_wr w;
	int len;

	ike_wr_init(&w, out, cap);
	ike_wr_hdr(&w, &h);
	ike_wr_bytes(&w, chain, n);
	len = ike_wr_finish(&w);
	if (len < IKE_HDR_LEN)
		return 0;
	out[16] = first;	/* the chain is raw bytes: the header names its first payload */
	return (size_t)len;
}
