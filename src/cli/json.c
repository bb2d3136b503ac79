/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "dpsec/ip4.h"
#include "json.h"

static void
escape(struct cli_out *o, const char *s, size_t n)
{
	cli_puts(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			cli_printf(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			cli_printf(o, "\\u%04x", c);
		else
			cli_write(o, &s[i], 1);
	}
	cli_puts(o, "\"");
}

/* Comma and key before a value. */
static void
member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		cli_puts(j->o, ",");
	j->first[j->depth] = false;
	if (key != NULL) {
		escape(j->o, key, strlen(key));
		cli_puts(j->o, ":");
	}
}

static void
push(struct json *j, const char *key, const char *bracket)
{
	member(j, key);
	cli_puts(j->o, bracket);
	/* Deeper than any command nests: keep writing at the last level. */
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->first[j->depth] = true;
}

static void
pop(struct json *j, const char *bracket)
{
	cli_puts(j->o, bracket);
	if (j->depth > 0)
		j->depth--;
}

void
json_begin(struct json *j, struct cli_out *o)
{
	memset(j, 0, sizeof(*j));
	j->o = o;
	j->first[0] = true;
	push(j, NULL, "{");
}

void
json_end(struct json *j)
{
	pop(j, "}");
	cli_puts(j->o, "\n");
}

void
json_obj(struct json *j, const char *key)
{
	push(j, key, "{");
}

void
json_obj_end(struct json *j)
{
	pop(j, "}");
}

void
json_arr(struct json *j, const char *key)
{
	push(j, key, "[");
}

void
json_arr_end(struct json *j)
{
	pop(j, "]");
}

void
json_strn(struct json *j, const char *key, const char *v, size_t n)
{
	member(j, key);
	escape(j->o, v, n);
}

void
json_str(struct json *j, const char *key, const char *v)
{
	json_strn(j, key, v, strlen(v));
}

void
json_u64(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	cli_printf(j->o, "%" PRIu64, v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	cli_puts(j->o, v ? "true" : "false");
}

void
json_ip(struct json *j, const char *key, uint32_t addr_be)
{
	char buf[IP4_STRLEN];

	json_str(j, key, ip4_str(addr_be, buf));
}
