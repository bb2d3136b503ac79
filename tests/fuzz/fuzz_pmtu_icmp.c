/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for pmtu_icmp_parse (src/ctrl/pmtu_icmp.c), which reads
 * the ICMP "fragmentation needed" messages punted from the outside: any
 * bytes as the IPv4 packet, to 192.0.2.2. What it accepts is ICMP 3/4 to that
 * address quoting an ESP, AH or ESP-in-UDP packet from it, and the SPI it
 * read is where the quoted protocol puts it.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmtu_icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OURS 0x020200c0u	/* 192.0.2.2, network order on a little-endian host */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmtu_icmp r;
	size_t hl, q, qhl, at;
	uint32_t spi;

	if (!pmtu_icmp_parse(data, size, OURS, &r))
		return 0;
	hl = (size_t)(data[0] & 0xf) * 4;
	q = hl + 8;
	if (data[9] != IPPROTO_ICMP || data[hl] != 3 || data[hl + 1] != 4 || size < q + 20)
		abort();
	qhl = (size_t)(data[q] & 0xf) * 4;
	at = q + qhl + (data[q + 9] == IPPROTO_AH ? 4 : data[q + 9] == IPPROTO_UDP ? 8 : 0);
	if (at + 4 > size)
		abort();
	spi = (uint32_t)data[at] << 24 | (uint32_t)data[at + 1] << 16 |
	      (uint32_t)data[at + 2] << 8 | data[at + 3];
	if (spi != r.spi)
		abort();
	return 0;
}
