/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key material. Every secret in dpsec lives in this type so that there is one
 * place that wipes it; it has no print function on purpose.
 */
#ifndef DPSEC_SECRET_H
#define DPSEC_SECRET_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SECRET_MAX 64

struct secret {
	uint8_t len;
	uint8_t b[SECRET_MAX];
};

/* Wipe in a way the compiler may not elide (explicit_bzero). */
void secret_wipe(struct secret *s);
void mem_wipe(void *p, size_t len);

/*
 * Memory for key material that must never reach a core dump: whole pages
 * from mmap(2), marked MADV_DONTDUMP and wiped when freed. dpsecd also makes
 * itself non-dumpable (PR_SET_DUMPABLE 0), but a core is still written for
 * such a process when fs.suid_dumpable is 2 (Ubuntu's apport sets it); these
 * pages are left out of it. Zeroed; NULL on failure. Free with the same size.
 */
void *secret_mem_alloc(size_t size);
void secret_mem_free(void *p, size_t size);

/*
 * Fixed-size objects of such memory (expanded SA keys: one per SA, up to
 * dataplane.sa_max), carved out of chunks so that many SAs do not cost one
 * mapping each. Chunks double from 64 KiB to 2 MiB; the 2 MiB ones sit on a
 * 2 MiB boundary and are advised for transparent huge pages (MADV_HUGEPAGE),
 * so that with many SAs a packet's keys do not cost a TLB miss of their own
 * (on 4 KiB pages, 1M SAs' keys are a quarter of a million pages). Objects
 * are 64-byte aligned, zeroed when handed out, wiped when given back; chunks
 * stay with the slab until exit. Thread-safe.
 */
struct secret_slab {
	size_t size;		/* object size; rounded up to 64 bytes when used */
	pthread_mutex_t lock;
	void *free;		/* free list, linked through the first word of each object */
	size_t chunk;		/* the next chunk's bytes; 0: the first */
};

#define SECRET_SLAB_INIT(sz) \
	{.size = (sz), .lock = PTHREAD_MUTEX_INITIALIZER, .free = NULL, .chunk = 0}

void *secret_slab_get(struct secret_slab *s);
/* Accepts NULL. */
void secret_slab_put(struct secret_slab *s, void *p);

/*
 * Constant-time equality of two equal-length buffers (ICV, AUTH): every byte
 * is read whatever the data, and the accumulator passes through an empty asm
 * so the compiler cannot turn the loop into an early-exit comparison.
 * Word-wide, because it runs once per received packet.
 */
static inline int
ct_equal(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;
	uint64_t d = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t u, v;

		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		d |= u ^ v;
		__asm__("" : "+r"(d));
	}
	for (; i < len; i++) {
		d |= (uint64_t)(x[i] ^ y[i]);
		__asm__("" : "+r"(d));
	}
	return d == 0;
}

#endif
