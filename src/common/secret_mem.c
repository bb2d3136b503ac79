/* SPDX-License-Identifier: BSD-3-Clause */
#include <sys/mman.h>
#include <unistd.h>

#include "dpsec/secret.h"

#define SLAB_CHUNK (64u * 1024)
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

/* One more chunk onto the free list; the caller holds the lock. */
static int
slab_grow(struct secret_slab *s)
{
	size_t obj = obj_size(s), n = obj > SLAB_CHUNK ? 1 : SLAB_CHUNK / obj;
	uint8_t *chunk = secret_mem_alloc(n * obj);

	if (chunk == NULL)
		return -1;
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
