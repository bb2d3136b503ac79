/* SPDX-License-Identifier: BSD-3-Clause */
/* What dp_bench's one-worker modes (dp_bench.c) and its multi-worker mode (dp_bench_mc.c) share. */
#ifndef DPSEC_DP_BENCH_H
#define DPSEC_DP_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "crypto_mb.h"
#include "dpsec/config.h"

#define BURST 32
#define BURSTS 64		/* bursts per timed run (per worker in -w mode) */
#define PKTS (BURST * BURSTS)
#define RUNS_MAX 100000

/* Both modes' two ports: outside0 (192.0.2.2/24) on net_null0, inside0 (10.0.2.1/16) on net_null1. */
void bench_ports(struct cfg_interface ifs[2]);

/* The median of v[0..n-1] (sorts v). */
double bench_median(double *v, unsigned int n);

/* Are enough 2 MiB hugepages free for EAL's -m mem_mb (and some to spare)? */
bool bench_hugepages_free(unsigned long mem_mb);

/*
 * An ESP frame as the peer 192.0.2.1 sends it to us, 192.0.2.2 (dst_mac):
 * RFC 4303 tunnel mode around the inner IPv4 packet inner (ip_len bytes),
 * AES-128-GCM under k, with the 0x42 salt of dp_bench's key material, IV =
 * the sequence number (RFC 4106 section 3.1), AAD SPI || sequence number.
 * The frame's length.
 */
uint16_t bench_peer_esp(IMB_MGR *mb, const struct cmb_keys *k, const struct rte_ether_addr *dst_mac,
			uint32_t spi, uint32_t seq, const uint8_t *inner, uint32_t ip_len,
			uint8_t *f);

/*
 * -w N: the worker's paths on N worker lcores at once against one (dp_bench_mc.c);
 * size 0: every size; best: the fastest run, not the median. The exit code.
 */
int bench_mc_main(const char *prog, unsigned int workers, unsigned int runs, uint32_t size,
		  bool best);

#endif
