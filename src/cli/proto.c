/* SPDX-License-Identifier: BSD-3-Clause */
/* Framing for the CLI socket (layout in proto.h), read through the bounded reader. */
#include <string.h>

#include "dpsec/rd.h"
#include "proto.h"

int
cli_frame_parse(const uint8_t *buf, size_t len, size_t max_len, struct cli_frame *f)
{
	struct rd r = rd_init(buf, len);
	uint32_t flen;
	struct rd body;

	if (!rd_u32(&r, &flen))
		return 0;
	/* The declared length is checked before anything trusts it. */
	if (flen < 1 || flen > max_len)
		return -1;
	if (!rd_sub(&r, flen, &body))
		return 0;
	if (!rd_u8(&body, &f->type))
		return -1;
	f->body = body.p;
	f->body_len = body.left;
	f->total = CLI_FRAME_HDR + flen;
	return 1;
}

void
cli_put_u32(struct cli_out *o, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	cli_write(o, b, sizeof(b));
}

size_t
cli_frame_begin(struct cli_out *o, enum cli_msg type)
{
	size_t start = o->len;
	uint8_t t = (uint8_t)type;

	cli_put_u32(o, 0);
	cli_write(o, &t, 1);
	return start;
}

void
cli_frame_end(struct cli_out *o, size_t start)
{
	uint32_t flen;

	/* Writes are all or nothing, so len is consistent even after a truncation. */
	if (o->len < start + CLI_FRAME_HDR)
		return;
	flen = (uint32_t)(o->len - start - CLI_FRAME_HDR);
	o->buf[start] = (char)(flen >> 24);
	o->buf[start + 1] = (char)(flen >> 16);
	o->buf[start + 2] = (char)(flen >> 8);
	o->buf[start + 3] = (char)flen;
}

/* u32 then text without NUL bytes, the text at most max long. */
static bool
u32_text(const struct cli_frame *f, enum cli_msg type, size_t max, uint32_t *v, const char **text,
	 size_t *len)
{
	struct rd r = rd_init(f->body, f->body_len);

	if (f->type != type || !rd_u32(&r, v) || r.left > max)
		return false;
	if (memchr(r.p, '\0', r.left) != NULL)
		return false;
	*text = (const char *)r.p;
	*len = r.left;
	return true;
}

bool
cli_request_decode(const struct cli_frame *f, uint32_t *flags, const char **line, size_t *len)
{
	return u32_text(f, CLI_MSG_REQUEST, CLI_LINE_MAX, flags, line, len);
}

bool
cli_reply_decode(const struct cli_frame *f, uint32_t *status, const char **text, size_t *len)
{
	return u32_text(f, CLI_MSG_REPLY, CLI_REPLY_BODY_MAX, status, text, len);
}

bool
cli_hello_decode(const struct cli_frame *f, char *hostname, size_t size, unsigned *priv)
{
	struct rd r = rd_init(f->body, f->body_len);
	uint8_t ver, level;

	if (f->type != CLI_MSG_HELLO || !rd_u8(&r, &ver) || ver != CLI_PROTO_VERSION ||
	    !rd_u8(&r, &level) || (level != CLI_PRIV_USER && level != CLI_PRIV_ADMIN))
		return false;
	*priv = level;
	if (r.left >= size || memchr(r.p, '\0', r.left) != NULL)
		return false;
	memcpy(hostname, r.p, r.left);
	hostname[r.left] = '\0';
	return true;
}
