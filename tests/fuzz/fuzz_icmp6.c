/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the ICMPv6 error parsers and builder: any bytes as
 * an IPv6 packet through pmtu_icmp6_parse (to 2001:db8:ff::1: what it accepts
 * is a Packet Too Big whose quoted SPI it read where ESP puts it),
 * icmp6_err_answerable for each error type, and icmp6_err_build quoting it
 * (never longer than 1280 bytes, its checksum right, the quote intact).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "icmp6_msg.h"
#include "pmtu_icmp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ours[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[ICMP6_MIN_MTU];
	struct pmtu_icmp6 r;
	size_t n;

	if (pmtu_icmp6_parse(data, size, ours, &r)) {
		const uint8_t *spi = data + 40 + 8 + 40;

		if (size < 40 + 8 + 40 + 4 || data[40] != ICMP6_PACKET_TOO_BIG ||
		    r.spi != ((uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
			      (uint32_t)spi[2] << 8 | spi[3]))
			abort();
	}
	for (uint8_t type = 1; type <= 4; type++)
		(void)icmp6_err_answerable(data, size, type);
	n = icmp6_err_build(out, sizeof(out), ours, 2, 0, 1280, data, size);
	if (n == 0)
		return 0;
	if (n > ICMP6_MIN_MTU || icmp6_cksum(out, out + 40, n - 40) != 0 ||
	    memcmp(out + 48, data, n - 48) != 0)
		abort();
	return 0;
}
