/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the packet path: any bytes as one received Ethernet
 * frame through worker_process() (classify, ESP in or out, route, TX) in the
 * unit-test harness (tests/unit/dataplane/harness.h):
 *
 *   peer 192.0.2.1 --outside0 (192.0.2.2)--> [dpsec] <--inside0 (10.0.2.1/16)-- hosts 10.0.0.0/16
 *
 * Input: byte 0 says how the frame arrives, the rest is the frame.
 *   bit 0     port: 0 = outside0, 1 = inside0
 *   bit 1     outbound SA the crypto map entry uses: 0 = 0x1001 (AES-GCM-128),
 *             1 = 0x2001 (AES-CBC-256 + HMAC-SHA-256-128, ESN, ESP-in-UDP)
 *   bits 2-3  what the NIC says of the IPv4 checksum: 0 nothing, 1 good, 2 bad
 *   bit 4     outbound SA 0x3001 (AH) instead of bit 1's
 *   bit 5     the rest is several frames, each a 2-byte big-endian length then
 *             the frame (up to FRAMES_MAX, a trailing partial record ignored),
 *             received in one burst: fragments to reassemble (reasm_in.c)
 *
 * SAs (both directions, same SPI and keys, so the gateway's own output,
 * addresses swapped, is valid input; that is how the ESP seeds in
 * corpus/packet/ were made):
 *   0x1001  AES-GCM-128, raw ESP
 *   0x2001  AES-CBC-256 + HMAC-SHA-256-128, ESN, ESP-in-UDP 4500
 *   0x3001  AH (RFC 4302) HMAC-SHA-256-128, ESN (corpus/packet/ah_*: made by
 *           tests/integration/dpsectest/craft.py AhSa with ah_key)
 * and, inbound only, an AH+ESP bundle (RFC 4301 section 4.5): AH 0x4002
 * (HMAC-SHA-256-128, ah_key) around ESP 0x4001 (AES-GCM-128, gcm_key), no ESN
 * (corpus/packet/bundle_*: made by tests/integration/dpsectest/bundle.py),
 * and ESP over IPv6: 0x5001 (AES-GCM-128, gcm_key) from H_PEER6 to outside0's
 * address6 2001:db8::2 (corpus/packet/esp6_*: IPv6 fragments, reasm_in.c; behind a
 * destination options header, classify_ext6; AH 0x3006 may come that way too),
 * and AH over IPv6 0x3006 (HMAC-SHA-256-128, ah_key, no ESN), the same way
 * (corpus/packet/ah6_*: scapy's AH with an IPv6 tunnel header), and
 * ESP-in-UDP over IPv6 0x5002 (AES-GCM-128, gcm_key), the same way
 * (corpus/packet/esp6_udp_*: scapy's ESP put in UDP 4500, its UDP checksum
 * right; the "checksum good" receive flags say the port checked the UDP one
 * too, so that a mutated datagram still reaches the SA).
 *
 * inside0 has tcp_adjust_mss 1360, so TCP SYNs from the inside and decrypted
 * ones walk their options (tcp_mss.c).
 *
 * Every input starts from the same state: the replay windows and outbound
 * sequence numbers are reset and no fragment is held for reassembly
 * (reasm_in.h), so a crash reproduces from its input alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "harness.h"
#include "reasm_in.h"
#include "sa.h"
#include "sad.h"
#include "spd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPI_GCM 0x1001u
#define SPI_CBC 0x2001u
#define SPI_AH 0x3001u
#define N_SA 3
#define SPI_B_ESP 0x4001u
#define SPI_B_AH 0x4002u
#define SPI_V6 0x5001u
#define SPI_AH6 0x3006u
#define SPI_UDP6 0x5002u

static const uint8_t gcm_key[20] = {0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x67, 0x63, 0x6d, 0x2d, 0x6b,
				    0x65, 0x79, 0x2d, 0x31, 0x32, 0x38, 0xca, 0xfe, 0xf0, 0x0d};
static const uint8_t cbc_key[32] = {0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x63, 0x62, 0x63,
				    0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x32, 0x35, 0x36,
				    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static const uint8_t sha_key[32] = {0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x73, 0x68, 0x61,
				    0x32, 0x35, 0x36, 0x2d, 0x6b, 0x65, 0x79, 0x20,
				    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
				    0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f};

static const uint8_t ah_key[32] = {0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x61, 0x68, 0x2d,
				   0x6b, 0x65, 0x79, 0x20, 0x20, 0x20, 0x20, 0x20,
				   0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
				   0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f};

static struct harness H;
static struct sa_rt *rt_in[N_SA], *rt_out[N_SA], *rt_bundle[2], *rt_v6, *rt_ah6, *rt_udp6;
static unsigned int pool_free;	/* mbufs free between inputs: a leak is a finding too */

static struct sa_rt *
find_rt(uint32_t spi, enum cfg_dir dir)
{
	struct sa *sa;

	TAILQ_FOREACH(sa, sad_live(H.dp->sad), link) {
		if (sa->spi == spi && sa->dir == dir)
			return sa->rt;
	}
	return NULL;
}

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_packet: %s\n", why);
	abort();
}

/*
 * At exit, before LeakSanitizer looks: it cannot see pointers kept in DPDK's
 * heap (the worker's libipsec-mb manager, the SAs' keys), so it would report
 * what the dataplane still owns as leaked.
 */
static void
teardown(void)
{
	harness_destroy(&H);
}

/* The inbound AH+ESP bundle: its ESP SA, then the AH SA around it. */
static void
add_bundle(void)
{
	struct h_sa esp = {.dir = CFG_DIR_IN, .spi = SPI_B_ESP, .cipher = DP_CIPHER_AES_GCM_128,
			   .ckey = gcm_key, .replay_window = 64, .bundled = true};
	struct h_sa ah = {.dir = CFG_DIR_IN, .spi = SPI_B_AH, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128,
			  .akey = ah_key, .replay_window = 64};
	int id = harness_add_sa(&H, &esp);

	if (id <= 0)
		die("cannot install the bundle's ESP SA");
	ah.inner_conn_id = (uint32_t)id;
	if (harness_add_sa(&H, &ah) <= 0)
		die("cannot install the bundle's AH SA");
	rt_bundle[0] = find_rt(SPI_B_ESP, CFG_DIR_IN);
	rt_bundle[1] = find_rt(SPI_B_AH, CFG_DIR_IN);
	if (rt_bundle[0] == NULL || rt_bundle[1] == NULL)
		die("installed bundle SA not found");
}

/* Inbound AH over IPv6 (ah_in.c's IPv6 outer header). */
static void
add_ah6(void)
{
	struct h_sa ah = {.dir = CFG_DIR_IN, .spi = SPI_AH6, .proto = IPPROTO_AH,
			  .cipher = DP_CIPHER_NULL, .auth = DP_AUTH_HMAC_SHA256_128,
			  .akey = ah_key, .replay_window = 64, .family = AF_INET6};

	if (harness_add_sa(&H, &ah) <= 0)
		die("cannot install the IPv6 AH SA");
	rt_ah6 = find_rt(SPI_AH6, CFG_DIR_IN);
	if (rt_ah6 == NULL)
		die("installed IPv6 AH SA not found");
}

/* Inbound ESP-in-UDP over IPv6 (classify_ipv6's UDP checksum, esp_in.c's UDP length). */
static void
add_udp6(void)
{
	struct h_sa s = {.dir = CFG_DIR_IN, .spi = SPI_UDP6, .cipher = DP_CIPHER_AES_GCM_128,
			 .ckey = gcm_key, .replay_window = 64, .udp = true, .family = AF_INET6};

	if (harness_add_sa(&H, &s) <= 0 || (rt_udp6 = find_rt(SPI_UDP6, CFG_DIR_IN)) == NULL)
		die("cannot install the IPv6 ESP-in-UDP SA");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct h_sa sas[] = {
		{.spi = SPI_GCM, .cipher = DP_CIPHER_AES_GCM_128, .ckey = gcm_key},
		{.spi = SPI_CBC, .cipher = DP_CIPHER_AES_CBC_256, .auth = DP_AUTH_HMAC_SHA256_128,
		 .esn = true, .udp = true, .ckey = cbc_key, .akey = sha_key},
		{.spi = SPI_AH, .proto = IPPROTO_AH, .cipher = DP_CIPHER_NULL,
		 .auth = DP_AUTH_HMAC_SHA256_128, .esn = true, .akey = ah_key},
	};
	_Static_assert(RTE_DIM(sas) == N_SA, "one runtime pointer pair per SA");

	const struct h_sa sa_v6 = {.dir = CFG_DIR_IN, .spi = SPI_V6,
				   .cipher = DP_CIPHER_AES_GCM_128, .ckey = gcm_key,
				   .replay_window = 64, .family = AF_INET6};
	const struct h_opts o = {.inside_mss = 1360, .outside6 = "2001:db8::2"};

	(void)argc;
	(void)argv;
	if (harness_eal_init() != 0 || harness_create_opts(&H, &o) != 0)
		die("cannot set up the harness");
	for (size_t i = 0; i < RTE_DIM(sas); i++) {
		struct h_sa s = sas[i];

		s.dir = CFG_DIR_IN;
		s.replay_window = 64;
		if (harness_add_sa(&H, &s) <= 0)
			die("cannot install an inbound SA");
		s.dir = CFG_DIR_OUT;
		s.replay_window = 0;
		if (harness_add_sa(&H, &s) <= 0)
			die("cannot install an outbound SA");
		rt_in[i] = find_rt(s.spi, CFG_DIR_IN);
		rt_out[i] = find_rt(s.spi, CFG_DIR_OUT);
		if (rt_in[i] == NULL || rt_out[i] == NULL)
			die("installed SA not found");
	}
	add_bundle();
	if (harness_add_sa(&H, &sa_v6) <= 0 || (rt_v6 = find_rt(SPI_V6, CFG_DIR_IN)) == NULL)
		die("cannot install the IPv6 SA");
	add_ah6();
	add_udp6();
	atexit(teardown);
	pool_free = rte_mempool_avail_count(H.dp->pool);
	return 0;
}

static const uint64_t rx_cksum[4] = {0, RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD,
				     RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_BAD,
				     RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN};

#define FRAMES_MAX 16

/* Bit 5's records as mbufs into m[]; how many (those larger than one mbuf skipped). */
static uint16_t
frames_of(const uint8_t *p, size_t left, struct rte_mbuf **m, uint64_t ol)
{
	uint16_t n = 0;

	while (left >= 2 && n < FRAMES_MAX) {
		size_t len = (size_t)p[0] << 8 | p[1];

		if (len > left - 2)
			break;
		m[n] = harness_mbuf(&H, p + 2, len);
		if (m[n] != NULL)
			m[n++]->ol_flags |= ol;
		p += 2 + len;
		left -= 2 + len;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a frame may leave as FRAG4_MAX fragments (an inner MTU) */
	struct rte_mbuf *m[FRAMES_MAX], *out[FRAMES_MAX * 8];
	uint16_t port, n, nin = 1;
	uint8_t how;

	if (size < 1)
		return 0;
	how = data[0];
	port = (how & 1) ? H_INSIDE : H_OUTSIDE;
	for (int i = 0; i < N_SA; i++) {
		replay_init(&rt_in[i]->replay, rt_in[i]->replay_bmp, rt_in[i]->replay.win);
		rt_out[i]->seq = 0;
	}
	for (int i = 0; i < 2; i++)
		replay_init(&rt_bundle[i]->replay, rt_bundle[i]->replay_bmp,
			    rt_bundle[i]->replay.win);
	replay_init(&rt_v6->replay, rt_v6->replay_bmp, rt_v6->replay.win);
	replay_init(&rt_ah6->replay, rt_ah6->replay_bmp, rt_ah6->replay.win);
	replay_init(&rt_udp6->replay, rt_udp6->replay_bmp, rt_udp6->replay.win);
	spd_set_out_sa(H.dp->spd, 0, rt_out[(how & 0x10) ? 2 : (how >> 1) & 1]);

	if (how & 0x20) {
		nin = frames_of(data + 1, size - 1, m, rx_cksum[(how >> 2) & 3]);
		if (nin == 0)
			return 0;
	} else {
		m[0] = harness_mbuf(&H, data + 1, size - 1);
		if (m[0] == NULL)
			return 0;	/* larger than one mbuf */
		m[0]->ol_flags |= rx_cksum[(how >> 2) & 3];
	}
	n = harness_send(&H, port, m, nin, out, RTE_DIM(out), NULL);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
	reasm_in_clear(H.w->reasm);	/* a fragment held is not a leak; the next input starts anew */
	if (rte_mempool_avail_count(H.dp->pool) != pool_free)
		die("an mbuf was neither transmitted nor freed");
	return 0;
}
