/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small JSON writer for the --json forms: one object per command, compact,
 * keys written in the order the code emits them (documented in docs/CLI.md).
 */
#ifndef DPSEC_CLI_JSON_H
#define DPSEC_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "dpsec/cli.h"

#define JSON_DEPTH_MAX 16

struct json {
	struct cli_out *o;
	unsigned depth;
	bool first[JSON_DEPTH_MAX];
};

/* The top-level object; json_end closes it and ends the line. */
void json_begin(struct json *j, struct cli_out *o);
void json_end(struct json *j);

/* key is NULL inside arrays. */
void json_obj(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_strn(struct json *j, const char *key, const char *v, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_ip(struct json *j, const char *key, uint32_t addr_be);

#endif
