/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the CLI: arbitrary bytes as a command line through
 * cli_exec_as against the fake gwB, and, when the first byte has its top bit
 * set, as a client's byte stream through the server's frame parser first.
 *
 *	byte 0: bit 7 stream mode; bit 6 privilege level 1 (else 15, logged);
 *	        bits 0-1 CLI_F_JSON / CLI_F_ECHO; bits 2-5 indent
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpsec/cli.h"
#include "fake_view.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake *fake;
static const struct cli_user *user;

static void
run_line(const char *line, size_t len, unsigned flags)
{
	char *buf = malloc(len + 1);
	struct cli_out o;

	memcpy(buf, line, len);
	buf[len] = '\0';
	cli_out_init(&o);
	cli_exec_as(&fake->view, user, buf, flags & CLI_F_MASK, &o);
	if (fake->log_len > sizeof(fake->log) / 2)
		fake->log_len = 0;	/* keep room for the log lines of the next input */
	cli_out_free(&o);
	free(buf);
}

/* What the server does with a client's bytes: frames, bounded, then requests. */
static void
run_stream(const uint8_t *p, size_t n)
{
	struct cli_frame f;

	while (cli_frame_parse(p, n, CLI_REQ_BODY_MAX, &f) == 1) {
		const char *line;
		uint32_t flags;
		size_t len;

		if (cli_request_decode(&f, &flags, &line, &len))
			run_line(line, len, flags);
		p += f.total;
		n -= f.total;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cli_user admin = {.name = "admin", .priv = CLI_PRIV_ADMIN};
	static const struct cli_user guest = {.name = "guest", .priv = CLI_PRIV_USER};
	unsigned flags;

	if (fake == NULL) {
		setenv("TZ", "UTC", 1);
		fake = fake_new(0);
	}
	if (size == 0)
		return 0;
	flags = (data[0] & 3u) | CLI_F_INDENT((data[0] >> 2) & 0xfu);
	user = data[0] & 0x40 ? &guest : &admin;
	if (data[0] & 0x80)
		run_stream(data + 1, size - 1);
	else
		run_line((const char *)data + 1, size - 1, flags);
	return 0;
}
