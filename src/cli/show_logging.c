/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show logging, clear logging
 *
 * IOS prints (genieparser ShowLogging fixtures, e.g. ios golden_output_5):
 *
 *	Syslog logging: enabled (0 messages dropped, 3 messages rate-limited, 0 flushes,
 *	0 overruns, xml disabled, filtering disabled)
 *	...
 *	    Buffer logging:  level debugging, 9789 messages logged, xml disabled,
 *	                    filtering disabled
 *	...
 *	Log Buffer (512000 bytes):
 *
 *	*Oct 15 09:12:40.734: %SYS-6-LOGOUT: User admin has exited tty session ...
 *
 * dpsec keeps the same lines with only the counters it has (struct
 * view_log_stats): "Syslog logging" says whether messages also go to
 * syslog(3) and carries the rate-limited count; the buffer always takes
 * every level, so "Buffer logging" is "level debugging" with the messages
 * logged and those pushed out of the full buffer ("overwritten", dpsec's).
 * Dropped/flushes/overruns, discriminators, console, monitor and trap lines
 * have nothing behind them here and are left out (docs/CLI.md).
 *
 * clear logging: IOS asks "Clear logging buffer [confirm]"; a one-shot CLI
 * cannot ask, so the buffer is cleared at once, silently. The counters stay.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

#define LOG_CAP_DEFAULT 65536u
#define LOG_CAP_MAX	(16u << 20)

struct log_snap {
	char *buf;
	size_t len;
	struct view_log_stats st;
};

/* The whole buffer: ask again with room for all of it if the first guess was short. */
static int
log_fetch(const struct view *v, struct log_snap *s)
{
	size_t (*log_read)(void *, char *, size_t, struct view_log_stats *) = CLI_OP(v, log_read);
	size_t cap = v->cfg != NULL && v->cfg->logging.buffer > 0 ? v->cfg->logging.buffer
								  : LOG_CAP_DEFAULT;

	memset(s, 0, sizeof(*s));
	for (int tries = 0; tries < 2; tries++) {
		char *p = realloc(s->buf, cap);

		if (p == NULL)
			return -1;
		s->buf = p;
		memset(&s->st, 0, sizeof(s->st));
		s->len = log_read(v->ctx, s->buf, cap, &s->st);
		if (s->len > cap)
			s->len = cap;
		if (s->st.buffer_size <= cap || s->st.buffer_size > LOG_CAP_MAX)
			break;
		cap = s->st.buffer_size;
	}
	return 0;
}

static void
logging_text(const struct log_snap *s, struct cli_out *o)
{
	const struct view_log_stats *st = &s->st;

	cli_printf(o, "Syslog logging: %s (%" PRIu64 " messages rate-limited)\n\n",
		   st->syslog ? "enabled" : "disabled", st->rate_limited);
	cli_printf(o,
		   "    Buffer logging:  level debugging, %" PRIu64 " messages logged, %" PRIu64
		   " messages overwritten\n\n",
		   st->logged, st->overwritten);
	cli_printf(o, "Log Buffer (%zu bytes):\n\n", st->buffer_size);
	cli_write(o, s->buf, s->len);
	if (s->len > 0 && s->buf[s->len - 1] != '\n')
		cli_puts(o, "\n");
}

static void
logging_json(const struct log_snap *s, struct cli_out *o)
{
	const struct view_log_stats *st = &s->st;
	size_t pos = 0;
	struct json j;

	json_begin(&j, o);
	json_bool(&j, "syslog", st->syslog);
	json_u64(&j, "rate_limited", st->rate_limited);
	json_u64(&j, "logged", st->logged);
	json_u64(&j, "overwritten", st->overwritten);
	json_u64(&j, "buffer_size", st->buffer_size);
	json_arr(&j, "lines");
	while (pos < s->len) {
		const char *line = s->buf + pos, *nl = memchr(line, '\n', s->len - pos);
		size_t n = nl != NULL ? (size_t)(nl - line) : s->len - pos;

		json_strn(&j, NULL, line, n);
		pos += n + (nl != NULL);
	}
	json_arr_end(&j);
	json_end(&j);
}

int
cli_show_logging(const struct cli_ctx *c, struct cli_out *o)
{
	struct log_snap s;

	if (CLI_OP(c->v, log_read) == NULL)
		return cli_not_available(o);
	if (log_fetch(c->v, &s) < 0) {
		free(s.buf);
		cli_puts(o, "% Out of memory\n");
		return CLI_E_FAILED;
	}
	if (c->json)
		logging_json(&s, o);
	else
		logging_text(&s, o);
	free(s.buf);
	return CLI_OK;
}

int
cli_clear_logging(const struct cli_ctx *c, struct cli_out *o)
{
	void (*log_clear)(void *) = CLI_OP(c->v, log_clear);
	struct json j;

	if (log_clear == NULL)
		return cli_not_available(o);
	log_clear(c->v->ctx);
	if (c->json) {
		json_begin(&j, o);
		json_str(&j, "cleared", "logging");
		json_end(&j);
	}
	return CLI_OK;
}
