/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which libipsec-mb API should carry AES-GCM for a burst of packets?
 * (issue 9 item 3: "multi-buffer GCM via its job/burst API where it beats
 * one-shot calls on small packets, measure both")
 *
 * The dataplane decrypts and encrypts each packet with one direct call
 * (IMB_AES128_GCM_DEC, crypto_mb.h). The alternatives are the job API (one
 * IMB_JOB per packet, submitted one at a time) and the burst API of 1.3
 * (IMB_GET_NEXT_BURST / IMB_SUBMIT_BURST[_NOCHECK]: every job of a burst in one
 * call). This measures all four on the same 32 buffers of a burst, 2 KB apart as
 * in mbufs, in place, ESP's 8-byte AAD and 12-byte nonce, at the ESP payload
 * sizes of the benchmark's 64, 512 and 1400-byte inner packets. Rounds are
 * interleaved (every API once per round, order rotated) so that machine noise
 * falls on all of them; each figure is the lowest and the median of the rounds'
 * cycles per packet.
 *
 * Before timing, each API decrypts what the direct call encrypted and must give
 * back the plaintext and the tag: a benchmark of a wrong computation measures
 * nothing.
 *
 *   imb_gcm_api [-r ROUNDS] [-c CPU]
 */
#include <errno.h>
#include <stdalign.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

#include <intel-ipsec-mb.h>

#include "crypto_mb.h"

#define BURST 32
#define STRIDE 2048
#define BURSTS_PER_ROUND 64
#define ROUNDS_MAX 1000
#define AAD_LEN 8
#define IV_LEN 12
#define TAG_LEN 16

enum api { API_DIRECT, API_JOB, API_BURST, API_BURST_NOCHECK, API__COUNT };

static const char *const api_name[API__COUNT] = {
	[API_DIRECT] = "direct (one call a packet)",
	[API_JOB] = "job API (submit a packet)",
	[API_BURST] = "burst API (one call a burst)",
	[API_BURST_NOCHECK] = "burst API, no job checks",
};

struct pkt {
	uint8_t *buf;		/* the ESP payload, decrypted in place */
	uint8_t aad[AAD_LEN];	/* SPI and sequence number */
	uint8_t iv[16];		/* salt || explicit IV (12 used) */
	uint8_t tag[TAG_LEN];	/* computed tag (compared by the caller, not timed) */
};

struct bench {
	IMB_MGR *mb;
	alignas(64) struct gcm_key_data key;
	struct pkt p[BURST];
	uint8_t *mem;
};

static void
direct_dec(struct bench *b, uint64_t len)
{
	struct gcm_context_data ctx;

	for (unsigned int i = 0; i < BURST; i++) {
		struct pkt *p = &b->p[i];

		IMB_AES128_GCM_DEC(b->mb, &b->key, &ctx, p->buf, p->buf, len, p->iv, p->aad,
				   AAD_LEN, p->tag, TAG_LEN);
	}
}

/* The fields a GCM decryption job needs; the rest of the job is left as it was. */
static void
fill_job(IMB_JOB *j, const struct bench *b, struct pkt *p, uint64_t len)
{
	j->cipher_mode = IMB_CIPHER_GCM;
	j->hash_alg = IMB_AUTH_AES_GMAC;
	j->cipher_direction = IMB_DIR_DECRYPT;
	j->chain_order = IMB_ORDER_HASH_CIPHER;
	j->key_len_in_bytes = IMB_KEY_128_BYTES;
	j->enc_keys = &b->key;
	j->dec_keys = &b->key;
	j->src = p->buf;
	j->dst = p->buf;
	j->cipher_start_src_offset_in_bytes = 0;
	j->msg_len_to_cipher_in_bytes = len;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = len;
	j->iv = p->iv;
	j->iv_len_in_bytes = IV_LEN;
	j->auth_tag_output = p->tag;
	j->auth_tag_output_len_in_bytes = TAG_LEN;
	j->u.GCM.aad = p->aad;
	j->u.GCM.aad_len_in_bytes = AAD_LEN;
	j->sgl_state = IMB_SGL_ALL;
	j->user_data = p;
}

static int
job_dec(struct bench *b, uint64_t len)
{
	unsigned int done = 0;
	IMB_JOB *j;

	for (unsigned int i = 0; i < BURST; i++) {
		j = IMB_GET_NEXT_JOB(b->mb);
		fill_job(j, b, &b->p[i], len);
		j = IMB_SUBMIT_JOB(b->mb);
		for (; j != NULL; j = IMB_GET_COMPLETED_JOB(b->mb))
			done += j->status == IMB_STATUS_COMPLETED;
	}
	while ((j = IMB_FLUSH_JOB(b->mb)) != NULL)
		done += j->status == IMB_STATUS_COMPLETED;
	return done == BURST ? 0 : -1;
}

static int
burst_dec(struct bench *b, uint64_t len, bool check)
{
	IMB_JOB *jobs[BURST];
	uint32_t n = IMB_GET_NEXT_BURST(b->mb, BURST, jobs), done;

	if (n != BURST) {
		n = IMB_FLUSH_BURST(b->mb, BURST, jobs);
		return -1;
	}
	for (unsigned int i = 0; i < BURST; i++)
		fill_job(jobs[i], b, &b->p[i], len);
	done = check ? IMB_SUBMIT_BURST(b->mb, BURST, jobs)
		     : IMB_SUBMIT_BURST_NOCHECK(b->mb, BURST, jobs);
	if (done != BURST)
		return -1;
	for (unsigned int i = 0; i < BURST; i++) {
		if (jobs[i]->status != IMB_STATUS_COMPLETED)
			return -1;
	}
	return 0;
}

static int
run(struct bench *b, enum api a, uint64_t len)
{
	switch (a) {
	case API_DIRECT:
		direct_dec(b, len);
		return 0;
	case API_JOB:
		return job_dec(b, len);
	case API_BURST:
		return burst_dec(b, len, true);
	case API_BURST_NOCHECK:
		return burst_dec(b, len, false);
	default:
		return -1;
	}
}

/* Encrypt fresh plaintext with the direct API into every buffer; keep plain and tags. */
static void
seal(struct bench *b, uint64_t len, uint8_t *plain, uint8_t (*tags)[TAG_LEN])
{
	struct gcm_context_data ctx;

	for (unsigned int i = 0; i < BURST; i++) {
		struct pkt *p = &b->p[i];

		for (uint64_t k = 0; k < len; k++)
			plain[i * STRIDE + k] = (uint8_t)(k * 7 + i);
		memcpy(p->buf, plain + i * STRIDE, len);
		IMB_AES128_GCM_ENC(b->mb, &b->key, &ctx, p->buf, p->buf, len, p->iv, p->aad,
				   AAD_LEN, tags[i], TAG_LEN);
	}
}

/* Every API must open what the direct call sealed. */
static int
verify(struct bench *b, uint64_t len)
{
	static uint8_t plain[BURST * STRIDE];
	uint8_t tags[BURST][TAG_LEN];

	for (int a = 0; a < API__COUNT; a++) {
		seal(b, len, plain, tags);
		if (run(b, (enum api)a, len) != 0) {
			fprintf(stderr, "imb_gcm_api: %s failed at %lu bytes (imb_errno %d)\n",
				api_name[a], (unsigned long)len, imb_get_errno(b->mb));
			return -1;
		}
		for (unsigned int i = 0; i < BURST; i++) {
			if (memcmp(b->p[i].buf, plain + i * STRIDE, len) != 0 ||
			    memcmp(b->p[i].tag, tags[i], TAG_LEN) != 0) {
				fprintf(stderr, "imb_gcm_api: %s decrypted packet %u of %lu bytes "
						"wrongly\n", api_name[a], i, (unsigned long)len);
				return -1;
			}
		}
	}
	return 0;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void
measure(struct bench *b, uint64_t len, unsigned int rounds)
{
	static double cyc[API__COUNT][ROUNDS_MAX];

	for (unsigned int r = 0; r < rounds; r++) {
		for (int k = 0; k < API__COUNT; k++) {
			enum api a = (enum api)((k + r) % API__COUNT);
			uint64_t t0 = __rdtsc();

			for (unsigned int i = 0; i < BURSTS_PER_ROUND; i++)
				(void)run(b, a, len);
			cyc[a][r] = (double)(__rdtsc() - t0) / (BURSTS_PER_ROUND * BURST);
		}
	}
	for (int a = 0; a < API__COUNT; a++) {
		qsort(cyc[a], rounds, sizeof(double), cmp_double);
		printf("%5lu  %-30s %8.1f %8.1f  %5.2f\n", (unsigned long)len, api_name[a],
		       cyc[a][0], cyc[a][rounds / 2], cyc[a][0] / cyc[API_DIRECT][0]);
	}
}

static int
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int
main(int argc, char **argv)
{
	/* ESP payload of a 64, 512 and 1400-byte inner packet (RFC 4106: 8-byte IV, padded to 4) */
	static const uint64_t sizes[] = {68, 516, 1404};
	alignas(64) static const uint8_t k[16] = {0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
				      0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42};
	unsigned int rounds = 25;
	int cpu = -1, opt;
	static struct bench b;

	while ((opt = getopt(argc, argv, "r:c:")) != -1) {
		if (opt == 'r')
			rounds = (unsigned int)strtoul(optarg, NULL, 10);
		else if (opt == 'c')
			cpu = atoi(optarg);
		else {
			fprintf(stderr, "usage: %s [-r ROUNDS] [-c CPU]\n", argv[0]);
			return 2;
		}
	}
	if (rounds == 0 || rounds > ROUNDS_MAX || pin(cpu) != 0) {
		fprintf(stderr, "imb_gcm_api: bad -r (1..%d) or -c: %s\n", ROUNDS_MAX,
			strerror(errno));
		return 2;
	}
	b.mb = alloc_mb_mgr(0);
	b.mem = aligned_alloc(64, BURST * STRIDE);
	if (b.mb == NULL || b.mem == NULL)
		return 1;
	init_mb_mgr_auto(b.mb, NULL);
	if (imb_get_errno(b.mb) != 0)
		return 1;
	IMB_AES128_GCM_PRE(b.mb, k, &b.key);
	for (unsigned int i = 0; i < BURST; i++) {
		b.p[i].buf = b.mem + i * STRIDE;
		memset(b.p[i].aad, (int)i, AAD_LEN);
		memset(b.p[i].iv, 0xa0 + (int)i, IV_LEN);
	}
	printf("# libipsec-mb %s, %s, AES-128-GCM decryption in place, bursts of %d, "
	       "%u rounds interleaved\n",
	       imb_get_version_str(), cmb_arch_name(b.mb), BURST, rounds);
	printf("# bytes api                            lowest   median  lowest/direct\n");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		if (verify(&b, sizes[s]) != 0)
			return 1;
		measure(&b, sizes[s], rounds);
	}
	free(b.mem);
	free_mb_mgr(b.mb);
	return 0;
}
