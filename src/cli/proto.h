/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dpsec <-> dpsecd protocol over the CLI UNIX stream socket.
 *
 * Every message is one frame:
 *
 *	+----------------+--------+------------------------+
 *	| length: u32 BE | type:u8| body (length - 1 bytes) |
 *	+----------------+--------+------------------------+
 *
 * length counts the type byte and the body, so it is at least 1; each
 * direction has a maximum (below) and a frame that declares more, or less
 * than its type needs, ends the connection (only that one).
 *
 *	HELLO   server -> client, once, right after accept:
 *	        version: u8 (CLI_PROTO_VERSION), privilege level: u8 (1 or 15,
 *	        from the client's credentials), hostname (the rest, no NUL)
 *	REQUEST client -> server:
 *	        flags: u32 BE (CLI_F_*), command line (the rest, no NUL,
 *	        at most CLI_LINE_MAX bytes)
 *	REPLY   server -> client, one per request, in order:
 *	        status: u32 BE (enum cli_status), text (the rest, UTF-8/ASCII,
 *	        at most CLI_OUT_MAX bytes including this header)
 *
 * The server reads a client's next request only once the reply to the
 * previous one has been written, so a client that never reads holds at most
 * one reply; one that stalls for CLI_STALL_MS, or leaves a frame half-sent
 * that long, is disconnected.
 */
#ifndef DPSEC_CLI_PROTO_H
#define DPSEC_CLI_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpsec/cli.h"
#include "dpsec/config.h"

#define CLI_PROTO_VERSION 2

enum cli_msg {
	CLI_MSG_HELLO = 1,
	CLI_MSG_REQUEST = 2,
	CLI_MSG_REPLY = 3,
};

#define CLI_FRAME_HDR	   4 /* the length */
#define CLI_REQ_BODY_MAX   (1 + 4 + CLI_LINE_MAX)
#define CLI_HELLO_BODY_MAX (1 + 1 + 1 + CFG_NAME_MAX)
#define CLI_REPLY_BODY_MAX (CLI_OUT_MAX - CLI_FRAME_HDR)
#define CLI_STALL_MS	   10000

#define CLI_DEFAULT_SOCKET "/run/dpsec/dpsecd.sock"

struct cli_frame {
	uint8_t type;
	const uint8_t *body; /* after the type byte */
	size_t body_len;
	size_t total; /* bytes the frame took, header included */
};

/*
 * Find a frame at the start of buf. Returns 1 with f filled, 0 if more bytes
 * are needed, -1 if the declared length is outside [1, max_len].
 */
int cli_frame_parse(const uint8_t *buf, size_t len, size_t max_len, struct cli_frame *f);

/* Start a frame in o (length left blank); cli_frame_end fills the length in. */
size_t cli_frame_begin(struct cli_out *o, enum cli_msg type);
void cli_frame_end(struct cli_out *o, size_t start);
void cli_put_u32(struct cli_out *o, uint32_t v);

/* Decode a REQUEST / REPLY / HELLO body; false if it is malformed. */
bool cli_request_decode(const struct cli_frame *f, uint32_t *flags, const char **line, size_t *len);
bool cli_reply_decode(const struct cli_frame *f, uint32_t *status, const char **text, size_t *len);
bool cli_hello_decode(const struct cli_frame *f, char *hostname, size_t size, unsigned *priv);

#endif
