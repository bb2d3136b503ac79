/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one bounded reader: packets, IKE payloads, CLI and config all parse
 * through it. Every accessor checks what is left before it reads, and a failed
 * read leaves the reader unchanged so the caller can report where it stopped.
 */
#ifndef DPSEC_RD_H
#define DPSEC_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t left;
};

static inline struct rd
rd_init(const void *p, size_t len)
{
	return (struct rd){.p = p, .left = len};
}

static inline bool
rd_skip(struct rd *r, size_t n)
{
	if (r->left < n)
		return false;
	r->p += n;
	r->left -= n;
	return true;
}

static inline bool
rd_bytes(struct rd *r, void *out, size_t n)
{
	if (r->left < n)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static inline bool
rd_u8(struct rd *r, uint8_t *v)
{
	return rd_bytes(r, v, 1);
}

/* Network byte order on the wire, host order out. */
static inline bool
rd_u16(struct rd *r, uint16_t *v)
{
	uint8_t b[2];

	if (!rd_bytes(r, b, 2))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

static inline bool
rd_u32(struct rd *r, uint32_t *v)
{
	uint8_t b[4];

	if (!rd_bytes(r, b, 4))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return true;
}

static inline bool
rd_u64(struct rd *r, uint64_t *v)
{
	uint32_t hi, lo;
	struct rd save = *r;

	if (!rd_u32(r, &hi) || !rd_u32(r, &lo)) {
		*r = save;
		return false;
	}
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* Split off a sub-reader of exactly n bytes (a payload whose length was declared). */
static inline bool
rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (r->left < n)
		return false;
	*sub = rd_init(r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

#endif
