/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The growable text buffer every command writes into. It never fails loudly:
 * a command that runs out of room (CLI_OUT_MAX, or memory) keeps writing into
 * a buffer that silently stops growing and is flagged truncated, so the
 * formatting code stays free of error paths.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/cli.h"

void
cli_out_init(struct cli_out *o)
{
	memset(o, 0, sizeof(*o));
}

void
cli_out_free(struct cli_out *o)
{
	free(o->buf);
	cli_out_init(o);
}

void
cli_out_reset(struct cli_out *o)
{
	o->len = 0;
	o->truncated = false;
	if (o->buf != NULL)
		o->buf[0] = '\0';
}

/* Make room for n more bytes plus the NUL; false when that would pass CLI_OUT_MAX. */
static bool
reserve(struct cli_out *o, size_t n)
{
	size_t need = o->len + n + 1;
	size_t cap = o->cap ? o->cap : 4096;
	char *p;

	if (n > CLI_OUT_MAX || need > CLI_OUT_MAX + 1)
		return false;
	if (need <= o->cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > CLI_OUT_MAX + 1)
		cap = CLI_OUT_MAX + 1;
	p = realloc(o->buf, cap);
	if (p == NULL)
		return false;
	o->buf = p;
	o->cap = cap;
	return true;
}

void
cli_write(struct cli_out *o, const void *p, size_t n)
{
	if (o->truncated)
		return;
	if (!reserve(o, n)) {
		o->truncated = true;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void
cli_puts(struct cli_out *o, const char *s)
{
	cli_write(o, s, strlen(s));
}

void
cli_printf(struct cli_out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	if (o->truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		cli_write(o, small, (size_t)n);
		return;
	}
	/* Long line: format straight into the buffer. */
	if (!reserve(o, (size_t)n)) {
		o->truncated = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}
