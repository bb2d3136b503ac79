/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Anti-replay window (RFC 4303 section 3.4.3), with extended sequence numbers
 * inferred as in RFC 4303 Appendix A2, kept as an RFC 6479-style bitmap:
 * blocks of 64 bits, one block more than the window needs, so that sliding the
 * window forward only clears whole blocks and never shifts.
 *
 * Check, authenticate, then commit: replay_check() runs before the ICV is
 * verified and changes nothing; replay_commit() runs only for packets whose
 * ICV verified, so a forged packet can never move the window.
 *
 * Owned by the one worker that processes the SA: no atomics.
 */
#ifndef DPSEC_REPLAY_H
#define DPSEC_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_WINDOW_MAX 4096
/* Blocks for the largest window: 4096 / 64 + 1, rounded up to a power of two. */
#define REPLAY_BLOCKS_MAX 128
/* ESN inference needs a window even when replay checking is off (RFC 4303 A2.1). */
#define REPLAY_ESN_INFER_WINDOW 64

enum replay_verdict {
	REPLAY_OK,
	REPLAY_DUPLICATE,	/* inside the window, already received */
	REPLAY_TOO_OLD,		/* left of the window (or sequence number 0) */
};

/* The bitmap (replay_blocks(win) 64-bit blocks) is passed beside it: it ends the SA. */
struct replay {
	uint64_t top;		/* highest authenticated sequence number (T) */
	uint32_t win;		/* W; 0 = replay checking disabled */
	uint32_t block_mask;	/* blocks - 1 */
};

/* Blocks needed for window w: one more than w covers, rounded up to a power of two. */
static inline uint32_t
replay_blocks(uint32_t w)
{
	uint32_t need = (w + 63) / 64 + 1, b = 1;

	while (b < need)
		b <<= 1;
	return b;
}

static inline void
replay_init(struct replay *r, uint64_t *bmp, uint32_t w)
{
	uint32_t blocks = replay_blocks(w);

	r->top = 0;
	r->win = w;
	r->block_mask = blocks - 1;
	for (uint32_t i = 0; i < blocks; i++)
		bmp[i] = 0;
}

/*
 * RFC 4303 A2.2: infer the high 32 bits of a received sequence number from
 * the window. Returns false when the inferred value would fall before 0.
 */
static inline bool
replay_esn_infer(const struct replay *r, uint32_t seq, uint64_t *full)
{
	uint32_t w = r->win ? r->win : REPLAY_ESN_INFER_WINDOW;
	uint32_t th = (uint32_t)(r->top >> 32), tl = (uint32_t)r->top;
	uint32_t bl = tl - w + 1;	/* bottom of the window, low 32 bits (wraps) */
	uint32_t sh;

	if (tl >= w - 1) {
		/* Case A: window within one sequence number subspace. */
		sh = seq >= bl ? th : th + 1;
	} else {
		/* Case B: window spans two subspaces. */
		if (seq >= bl) {
			if (th == 0)
				return false;
			sh = th - 1;
		} else {
			sh = th;
		}
	}
	*full = (uint64_t)sh << 32 | seq;
	return true;
}

/* Where a full 64-bit sequence number stands against the window. */
static inline enum replay_verdict
replay_check_full(const struct replay *r, const uint64_t *bmp, uint64_t s)
{
	if (s == 0)
		return REPLAY_TOO_OLD;	/* the first packet is 1 (RFC 4303 section 3.3.3) */
	if (r->win == 0 || s > r->top)
		return REPLAY_OK;
	if (r->top - s >= r->win)
		return REPLAY_TOO_OLD;
	if (bmp[(s >> 6) & r->block_mask] & (1ull << (s & 63)))
		return REPLAY_DUPLICATE;
	return REPLAY_OK;
}

/*
 * Check before integrity verification; *full gets the 64-bit number (the
 * received 32 bits alone when ESN inference finds none). A caller that
 * verifies several packets before committing any checks again, with the
 * window as it then stands, before replay_commit(): two copies of one packet
 * in the same burst both pass this first check.
 */
static inline enum replay_verdict
replay_check(const struct replay *r, const uint64_t *bmp, uint32_t seq, bool esn, uint64_t *full)
{
	*full = seq;
	if (esn && !replay_esn_infer(r, seq, full))
		return REPLAY_TOO_OLD;
	return replay_check_full(r, bmp, *full);
}

/* Record an authenticated sequence number, sliding the window if it is new. */
static inline void
replay_commit(struct replay *r, uint64_t *bmp, uint64_t s)
{
	if (s > r->top) {
		uint64_t from = r->top >> 6, to = s >> 6;
		uint64_t n = to - from;

		if (r->win != 0) {
			if (n > r->block_mask)
				n = r->block_mask + 1;
			for (uint64_t i = 1; i <= n; i++)
				bmp[(from + i) & r->block_mask] = 0;
		}
		r->top = s;
	}
	if (r->win != 0)
		bmp[(s >> 6) & r->block_mask] |= 1ull << (s & 63);
}

#endif
