/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An IKEv2 responder (gwB, 192.0.2.2) fed a recorded sequence, shared by the
 * fuzz target fuzz_ike_responder.c and the seed maker ike_responder_seeds.c.
 * Built only with IKE_FUZZ_DETERMINISTIC: the responder's randomness is
 * stream 0 of ike_random's reproducible streams, seeded the same way for
 * every input, so the same records give the same SPIs, nonces and keys, and
 * a recorded IKE_AUTH decrypts when replayed.
 *
 * Input: records, each
 *
 *   time(1) flags(1) length(2, big-endian) data(length)
 *
 *   time    the clock moves time x 250 ms first, and what is due runs
 *   flags   bits 0-1: the sender's port (500, 4500, 40500, 44500), from
 *           192.0.2.1 to 192.0.2.2 (on 500, or 4500 for the others)
 *           bit 2: not a message but the dataplane's lifetime event for
 *           handle data[0], hard if bit 3
 *           bit 4: an operator command data[0]: 0 ike_clear, 1 ike_initiate
 *           entry data[1] & 1, 2 ike_notify_invalid_spi, 3 ike_recreate_child,
 *           4 ike_delete_child_local
 *
 * A record cut short is used as far as it goes.
 */
#ifndef DPSEC_TEST_IKE_REPLAY_H
#define DPSEC_TEST_IKE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/config.h"
#include "dpsec/ike.h"

#define REPLAY_REC_HDR 4
#define REPLAY_TICK_MS 250
#define REPLAY_F_PORT 0x03
#define REPLAY_F_EVENT 0x04
#define REPLAY_F_HARD 0x08
#define REPLAY_F_CMD 0x10
#define REPLAY_SEED_B 0x5eed0bull

struct ike_replay {
	struct ike *ike;
	uint64_t now_ms;
	uint32_t handles;		/* sa_add hands out 0, 1, 2, ... */
	unsigned int sent;		/* messages gwB sent */
	/* where gwB's messages go (the seed maker's gwA); NULL: nowhere */
	void (*on_send)(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
			const uint8_t *msg, size_t len);
	void *ctx;
};

/* gwB's configuration (parsed once by the caller). */
struct dpsec_config *ike_replay_config(void);
/* A fresh responder: the stream reseeded, the clock at its start. */
void ike_replay_start(struct ike_replay *r, const struct dpsec_config *cfg);
/* One record (time, flags, data). */
void ike_replay_record(struct ike_replay *r, uint8_t time, uint8_t flags, const uint8_t *data,
		       size_t len);
/* All records of an input. */
void ike_replay_run(struct ike_replay *r, const uint8_t *data, size_t size);
/* The views and counters read once (the CLI would), then the responder freed. */
void ike_replay_finish(struct ike_replay *r);

#endif
