/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dpsec/secret.h"

#define SLAB_CHUNK (64u * 1024)
#define SLAB_CHUNK_HUGE (2u * 1024 * 1024)	/* an x86-64 huge page */
#define SLAB_ALIGN 64u

static size_t
page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

void *
secret_mem_alloc(size_t size)
{
	size_t len = page_round(size ? size : 1);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* No fallback: memory for keys that a core dump would hold is not handed out. */
	if (madvise(p, len, MADV_DONTDUMP) != 0) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

void
secret_mem_free(void *p, size_t size)
{
	size_t len = page_round(size ? size : 1);

	if (p == NULL)
		return;
	mem_wipe(p, len);
	munmap(p, len);
}

static size_t
obj_size(const struct secret_slab *s)
{
	size_t n = s->size < sizeof(void *) ? sizeof(void *) : s->size;

	return (n + SLAB_ALIGN - 1) / SLAB_ALIGN * SLAB_ALIGN;
}

/*
 * SLAB_CHUNK_HUGE bytes on a boundary of as many, out of core dumps like
 * secret_mem_alloc()'s, advised for a transparent huge page. Where the
 * kernel gives none (THP off, no free huge page) the chunk is 4 KiB pages
 * as before: the advice failing is not an error.
 */
static void *
huge_chunk_alloc(void)
{
	const size_t len = SLAB_CHUNK_HUGE;
	uint8_t *p = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			  0);
	uint8_t *a;
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + len - 1) & ~(uintptr_t)(len - 1));
	head = (size_t)(a - p);
	if (head != 0)
		munmap(p, head);
	munmap(a + len, len - head);
	if (madvise(a, len, MADV_DONTDUMP) != 0) {
		munmap(a, len);
		return NULL;
	}
	(void)madvise(a, len, MADV_HUGEPAGE);
	return a;
}

/*
 * One more chunk onto the free list, each twice the last up to a huge page;
 * the caller holds the lock.
 */
static int
slab_grow(struct secret_slab *s)
{
	size_t obj = obj_size(s), bytes = s->chunk != 0 ? s->chunk : SLAB_CHUNK;
	size_t n = obj > bytes ? 1 : bytes / obj;
	uint8_t *chunk = bytes == SLAB_CHUNK_HUGE && n > 1 ? huge_chunk_alloc()
							   : secret_mem_alloc(n * obj);

	if (chunk == NULL)
		return -1;
	if (bytes < SLAB_CHUNK_HUGE)
		s->chunk = 2 * bytes;
	for (size_t i = n; i-- > 0;) {
		void **o = (void **)(chunk + i * obj);

		*o = s->free;
		s->free = o;
	}
	return 0;
}

void *
secret_slab_get(struct secret_slab *s)
{
	void **o = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->free != NULL || slab_grow(s) == 0) {
		o = s->free;
		s->free = *o;
		*o = NULL;	/* the rest is zero: fresh pages, or wiped by put */
	}
	pthread_mutex_unlock(&s->lock);
	return o;
}

void
secret_slab_put(struct secret_slab *s, void *p)
{
	void **o = p;

	if (p == NULL)
		return;
	mem_wipe(p, obj_size(s));
	pthread_mutex_lock(&s->lock);
	*o = s->free;
	s->free = o;
	pthread_mutex_unlock(&s->lock);
}
