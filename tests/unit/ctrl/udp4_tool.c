/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For tests/integration/test_udp4.py, which holds the control thread's
 * IPv4/UDP frames against scapy:
 *
 *   udp4_tool send   frames ctrl_udp_send puts on the wire (through a real
 *                    worker of the dataplane harness), one line each:
 *                    "sport dport prefix_len len HEX"; the payload is prefix
 *                    (prefix_len zero bytes, the non-ESP marker) then len
 *                    bytes (i * 7 + len) & 0xff
 *   udp4_tool parse  one hex frame a line on stdin (scapy's), one line out
 *                    each: "VERDICT" or "OK src dst sport dport HEXPAYLOAD"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_ethdev.h>

#include "dpsec/hex.h"
#include "dpsec/ike.h"
#include "dpsec/ip4.h"

#include "ctrl.h"
#include "harness.h"
#include "udp4.h"
#include "udp_send.h"
#include "worker.h"

#define FRAME_MAX 2048

static const char *const verdict_name[UDP4__COUNT] = {
#define UDP4_X(id, text) [UDP4_##id] = #id,
	UDP4_VERDICTS(UDP4_X)
#undef UDP4_X
};

static void
put_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static int
parse_mode(void)
{
	static char line[2 * FRAME_MAX + 16];
	uint8_t frame[FRAME_MAX];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strcspn(line, "\r\n"), len = 0;
		char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
		enum udp4_verdict v;
		struct udp4 u;

		line[n] = '\0';
		if (n == 0)
			continue;
		if (n / 2 > sizeof(frame) || !hex_decode(line, frame, sizeof(frame), &len)) {
			fprintf(stderr, "udp4_tool: bad hex line\n");
			return 1;
		}
		v = udp4_parse(frame, len, &u);
		if (v != UDP4_OK) {
			printf("%s\n", verdict_name[v]);
			continue;
		}
		inet_ntop(AF_INET, &u.src, src, sizeof(src));
		inet_ntop(AF_INET, &u.dst, dst, sizeof(dst));
		printf("OK %s %s %u %u ", src, dst, u.sport, u.dport);
		put_hex(u.payload, u.len);
		printf("\n");
	}
	return 0;
}

static int
send_mode(void)
{
	static const struct {
		uint16_t sport, dport;
		size_t prefix_len, len;
	} cases[] = {
		{500, 500, 0, 28},	/* an IKE header's worth */
		{500, 500, 0, 1},
		{4500, 4500, 4, 333},	/* odd: the checksum's padding byte */
		{4500, 4500, 0, 1},	/* the shape of a NAT keepalive */
		{4500, 61000, 4, 1200},
		{500, 500, 0, 0},
		{4500, 4500, 4, 1468},	/* the interface's MTU exactly */
	};
	static struct harness h;
	static uint8_t data[FRAME_MAX];
	static const uint8_t marker[4];
	struct dpsec_config *cfg = &h.cfg;
	struct ctrl *c;
	char err[256];
	int rc = 0;

	if (harness_eal_init() != 0 || harness_create(&h) != 0)
		return 1;
	cfg->logging = (struct cfg_logging){.buffer = 4096, .rate = 20};
	c = ctrl_create(h.dp, cfg, &h.clock, err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "udp4_tool: %s\n", err);
		harness_destroy(&h);
		return 1;
	}
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]) && rc == 0; k++) {
		struct ike_addr local = {.family = 4, .port = cases[k].sport};
		struct ike_addr remote = {.family = 4, .port = cases[k].dport};
		struct rte_mbuf *m;
		uint32_t a;

		ip4_parse(H_LOCAL, &a);
		memcpy(local.ip, &a, 4);
		ip4_parse(H_PEER, &a);
		memcpy(remote.ip, &a, 4);
		for (size_t i = 0; i < cases[k].len; i++)
			data[i] = (uint8_t)(i * 7 + cases[k].len);
		if (ctrl_udp_send(c, &local, &remote, marker, cases[k].prefix_len, data,
				  cases[k].len) != 0) {
			fprintf(stderr, "udp4_tool: case %zu not sent\n", k);
			rc = 1;
			break;
		}
		worker_inject(h.w);
		worker_flush(h.w);
		if (rte_eth_rx_burst(h.dp->ports[H_OUTSIDE].port_id, 0, &m, 1) != 1) {
			fprintf(stderr, "udp4_tool: case %zu: no frame\n", k);
			rc = 1;
			break;
		}
		printf("%u %u %zu %zu ", cases[k].sport, cases[k].dport, cases[k].prefix_len,
		       cases[k].len);
		put_hex(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		printf("\n");
		rte_pktmbuf_free(m);
	}
	ctrl_destroy(c);
	harness_destroy(&h);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "parse") == 0)
		return parse_mode();
	if (argc == 2 && strcmp(argv[1], "send") == 0)
		return send_mode();
	fprintf(stderr, "usage: %s send|parse\n", argv[0]);
	return 2;
}
