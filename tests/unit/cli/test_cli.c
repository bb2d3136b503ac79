/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command engine's contracts that golden transcripts do not pin down:
 * the table's consistency, status codes, what the view sees, the formatting
 * helpers against numbers read off real IOS XE output, the framing, and that
 * no key byte ever reaches an output.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpsec/cli.h"
#include "fake_view.h"
#include "fmt.h"
#include "grammar.h"
#include "lex.h"
#include "proto.h"

static int
exec(struct fake *f, const char *line, unsigned flags, struct cli_out *o)
{
	cli_out_reset(o);
	return cli_exec(&f->view, line, flags, o);
}

/* The words that make row r, with sample values for its arguments. */
static void
row_line(const struct cli_row *r, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < r->n; k++) {
		const struct cli_tok *t = r->toks[k];
		const char *w = t->kind == CLI_TK_IPV4	 ? "192.0.2.1"
				: t->kind == CLI_TK_IPV6 ? "2001:db8::1"
				: t->kind == CLI_TK_UINT ? "0x1001"
				: t->kind == CLI_TK_WORD ? "GigabitEthernet1"
							 : t->word;

		off += (size_t)snprintf(buf + off, size - off, "%s%s", k ? " " : "", w);
	}
}

/* A word means one thing at one position: rows that agree so far share the token. */
static void
test_table_consistent(void **state)
{
	(void)state;
	assert_true(cli_n_rows <= CLI_ROWS_MAX);
	for (size_t a = 0; a < cli_n_rows; a++) {
		for (size_t b = a + 1; b < cli_n_rows; b++) {
			const struct cli_row *x = &cli_rows[a], *y = &cli_rows[b];
			size_t n = x->n < y->n ? x->n : y->n;

			for (size_t k = 0; k < n; k++) {
				const struct cli_tok *s = x->toks[k], *t = y->toks[k];

				if (s->kind != t->kind || strcmp(s->word, t->word) != 0)
					break;
				assert_ptr_equal(s, t);
			}
			/* Two rows with the same words would make one unreachable. */
			if (x->n == y->n) {
				char lx[512], ly[512];

				row_line(x, lx, sizeof(lx));
				row_line(y, ly, sizeof(ly));
				assert_string_not_equal(lx, ly);
			}
		}
	}
}

/* Every row runs, spelled out in full, and again with each keyword cut to 3 letters where unique.
 */
static void
test_every_row_runs(void **state)
{
	struct fake *f = fake_new(0);
	struct cli_out o;
	char line[512];

	(void)state;
	cli_out_init(&o);
	for (size_t i = 0; i < cli_n_rows; i++) {
		row_line(&cli_rows[i], line, sizeof(line));
		assert_int_equal(exec(f, line, 0, &o), CLI_OK);
		if (cli_rows[i].show)
			assert_int_equal(exec(f, line, CLI_F_JSON, &o), CLI_OK);
	}
	assert_int_equal(exec(f, "sh pla har qfp act fea ips dat dro all", 0, &o), CLI_OK);
	assert_int_equal(exec(f, "SHOW CRYPTO IPSEC SA", 0, &o), CLI_OK);
	cli_out_free(&o);
	fake_free(f);
}

/*
 * How many times `what` is in what the fake's log gained since it held
 * `before` bytes (all of it after "clear logging" emptied it).
 */
static int
log_count(const struct fake *f, size_t before, const char *what)
{
	int n = 0;

	if (before > f->log_len)
		before = 0;

	for (const char *p = f->log + before; (p = memmem(p, (size_t)(f->log + f->log_len - p),
							  what, strlen(what))) != NULL; p++)
		n++;
	return n;
}

/*
 * Privilege, row by row: level 1 runs the rows that only look, and every
 * other row is, for it, a command that does not exist (IOS's invalid input)
 * with the attempt logged; level 15 runs everything, and exactly the rows
 * that change state are logged, each once, with the user and the line.
 */
static void
test_privilege(void **state)
{
	static const struct cli_user admin = {.name = "ops", .priv = CLI_PRIV_ADMIN};
	static const struct cli_user guest = {.name = "nobody", .priv = CLI_PRIV_USER};
	struct fake *f = fake_new(0);
	struct cli_out o;
	char line[512], want[700];
	size_t before;
	int st;

	(void)state;
	cli_out_init(&o);
	for (size_t i = 0; i < cli_n_rows; i++) {
		const struct cli_row *r = &cli_rows[i];

		/* what changes state is for level 15; a plain show is for everyone */
		if (r->changes)
			assert_int_equal(r->priv, CLI_PRIV_ADMIN);
		row_line(r, line, sizeof(line));
		before = f->log_len;
		cli_out_reset(&o);
		st = cli_exec_as(&f->view, &guest, line, 0, &o);
		if (r->priv <= CLI_PRIV_USER) {
			assert_int_equal(st, CLI_OK);
			assert_int_equal(f->log_len, before);
		} else {
			assert_int_equal(st, CLI_E_INVALID);
			assert_non_null(strstr(o.buf, "% Invalid input detected at '^' marker."));
			snprintf(want, sizeof(want),
				 "%%DPSEC-4-CLI_DENIED: User:nobody  denied command:%s (privilege "
				 "level 1, the command needs 15)\n", line);
			assert_int_equal(log_count(f, before, want), 1);
		}
		before = f->log_len;
		cli_out_reset(&o);
		assert_int_equal(cli_exec_as(&f->view, &admin, line, 0, &o), CLI_OK);
		snprintf(want, sizeof(want),
			 "%%PARSER-5-CFGLOG_LOGGEDCMD: User:ops  logged command:%s\n", line);
		assert_int_equal(log_count(f, before, want), r->changes ? 1 : 0);
		if (!r->changes)
			assert_int_equal(f->log_len, before);	/* nothing else logged either */
	}
	/* typos are typos, not attempts; in-process callers (cli_exec) are not logged */
	before = f->log_len;
	assert_int_equal(cli_exec_as(&f->view, &guest, "clear crypto sq", 0, &o), CLI_E_INVALID);
	assert_int_equal(cli_exec(&f->view, "clear crypto sa", 0, &o), CLI_OK);
	assert_int_equal(f->log_len, before);
	/* the line as typed, without the blanks around it */
	assert_int_equal(cli_exec_as(&f->view, &admin, "  cle  cry sa   ", 0, &o), CLI_OK);
	assert_int_equal(log_count(f, before, "User:ops  logged command:cle  cry sa\n"), 1);
	cli_out_free(&o);
	fake_free(f);
}

static void
test_status_codes(void **state)
{
	static const struct {
		const char *line;
		int st;
	} cases[] = {
		{"", CLI_OK},
		{"   ", CLI_OK},
		{"show version", CLI_OK},
		{"show version\n", CLI_OK},
		{"show ?", CLI_OK},
		{"sh c?", CLI_OK},
		{"sh c", CLI_E_AMBIGUOUS},
		{"show crypto ipsek sa", CLI_E_INVALID},
		{"show crypto", CLI_E_INCOMPLETE},
		{"show zz?", CLI_E_UNRECOGNIZED},
		{"show version | include ([", CLI_E_REGEX},
		/* What glibc would blow up on, refused before regcomp. */
		{"show version | include p+++++++++++++++++++++++++++++++++++++++++", CLI_E_REGEX},
		{"show version | include ((a{99}){99}){99}", CLI_E_REGEX},
		{"show version | include "
		 "((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))",
		 CLI_E_REGEX},
		{"show version | include (a)\\1", CLI_E_REGEX},
		{"show version | include [[:digit:]]+ (packets|bytes)", CLI_OK},
		{"show version | include []a]{2,3}|[^]x]*", CLI_OK},
		{"show version | include peer|Status|conn id|caps|transform", CLI_OK},
		{"show version | include", CLI_E_INCOMPLETE},
		{"show version | count", CLI_OK},
		{"show version | frob x", CLI_E_INVALID},
		{"show crypto ipsec sa peer 256.1.1.1", CLI_E_INVALID},
		{"show interfaces nosuch", CLI_E_FAILED},
		/* IOS's abbreviations still resolve with the control-plane rows in */
		{"sh run", CLI_OK},
		{"sh log", CLI_OK},
		{"sh deb", CLI_OK},
		{"sh cry ips inv", CLI_OK},
		{"sh cry ips s", CLI_OK},
		{"cl cry sa", CLI_OK},
		{"cle log", CLI_OK},
		{"c", CLI_E_AMBIGUOUS}, /* clear, crypto: ambiguous on IOS too */
		{"cr is inv", CLI_OK},
		{"no cr is inv", CLI_OK},
		{"deb cry ips", CLI_OK},
		{"u all", CLI_OK},
		{"no deb all", CLI_OK},
		{"clear crypto sa peer 10.1.1", CLI_E_INVALID},
		{"clear crypto sa spi 0xZZ", CLI_E_INVALID},
		{"clear crypto sa spi 4294967296", CLI_E_INVALID},
		{"clear crypto sa spi", CLI_E_INCOMPLETE},
		{"clear crypto sa spi 0x1001 | include x", CLI_E_INVALID},
		{"debug crypto", CLI_E_INCOMPLETE},
		{"no", CLI_E_INCOMPLETE},
		{"crypto isakmp invalid-spi-recovery now", CLI_E_INVALID},
		{"a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8",
		 CLI_E_INVALID},
		/* genieparser's spelling, one keyword with IOS's older one */
		{"show platform hardware qfp active feature ipsec data drop", CLI_OK},
		{"show platform hardware qfp active feature ipsec data drops all", CLI_OK},
		{"sh pla har qfp act fea ips data drop clear", CLI_OK},
		{"sh pla har qfp act fea ips da dr", CLI_OK},
		{"sh pla har qfp act fea ips datas drop", CLI_E_INVALID},
		{"sh pla har qfp act in", CLI_E_AMBIGUOUS}, /* interface, infrastructure */
		{"sh pla har qfp act int if Gi1 st", CLI_E_FAILED},
		{"sh pla har qfp act int if GigabitEthernet1 st", CLI_OK},
		{"sh pla har qfp act int if GigabitEthernet1", CLI_E_INCOMPLETE},
		{"sh pla har qfp act inf pu st ty per", CLI_OK},
		{"sh pla har qfp act inf pu st ty", CLI_E_INCOMPLETE},
		{"sh pla har qfp act st dr", CLI_OK},
	};
	struct fake *f = fake_new(0);
	struct cli_out o;

	(void)state;
	cli_out_init(&o);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = exec(f, cases[i].line, 0, &o);

		if (st != cases[i].st)
			fail_msg("\"%s\": status %d, want %d", cases[i].line, st, cases[i].st);
	}
	cli_out_free(&o);
	fake_free(f);
}

static void
test_too_long(void **state)
{
	struct fake *f = fake_new(0);
	char *line = malloc(CLI_LINE_MAX + 2);
	struct cli_out o;

	(void)state;
	cli_out_init(&o);
	memset(line, 'a', CLI_LINE_MAX + 1);
	line[CLI_LINE_MAX + 1] = '\0';
	assert_int_equal(exec(f, line, 0, &o), CLI_E_TOO_LONG);
	line[CLI_LINE_MAX] = '\0';
	assert_int_equal(exec(f, line, 0, &o), CLI_E_INVALID);
	assert_int_equal(exec(f, NULL, 0, &o), CLI_OK);
	free(line);
	cli_out_free(&o);
	fake_free(f);
}

/* "clear" reaches the view only where asked, and after the table was shown. */
static void
test_clears(void **state)
{
	struct fake *f = fake_new(0);
	struct cli_out o;

	(void)state;
	cli_out_init(&o);
	exec(f, "show platform hardware qfp active statistics drop", 0, &o);
	exec(f, "show platform hardware qfp active feature ipsec datapath drops all", 0, &o);
	assert_int_equal(f->drop_clears, 0);
	exec(f, "show platform hardware qfp active feature ipsec datapath drops all clear", 0, &o);
	assert_non_null(strstr(o.buf, "67643"));
	assert_int_equal(f->drop_clears, 1);
	exec(f, "sh plat hard qfp act stat drop cl", CLI_F_JSON, &o);
	assert_int_equal(f->drop_clears, 2);
	exec(f, "show crypto ipsec sa | include clear", 0, &o);
	assert_int_equal(f->sa_clears, 0);
	exec(f, "clear crypto sa counters", 0, &o);
	assert_int_equal(f->sa_clears, 1);
	assert_int_equal(f->n_sa, 5);
	cli_out_free(&o);
	fake_free(f);
}

/* The control-plane commands reach their view operation, and say what they did in JSON. */
static void
test_control_ops(void **state)
{
	struct fake *f = fake_new(0);
	struct cli_out o;

	(void)state;
	cli_out_init(&o);
	assert_int_equal(exec(f, "clear crypto sa spi 0xB761863E", CLI_F_JSON, &o), CLI_OK);
	assert_string_equal(o.buf, "{\"cleared\":\"sa\",\"spi\":3076621886,\"sas\":1}\n");
	assert_int_equal(f->n_sa, 4);
	assert_int_equal(exec(f, "clear crypto sa peer 192.0.2.1", 0, &o), CLI_OK);
	assert_int_equal(o.len, 0); /* IOS prints nothing */
	assert_int_equal(f->n_sa, 2);
	assert_int_equal(exec(f, "clear crypto sa peer 192.0.2.99", CLI_F_JSON, &o), CLI_OK);
	assert_non_null(strstr(o.buf, "\"sas\":0"));
	assert_false(f->sa_filter.peer_v6);
	/* an IPv6 peer: the filter says so and carries the address; no IPv4 SA matches it */
	assert_int_equal(exec(f, "clear crypto sa peer 2001:db8::1", CLI_F_JSON, &o), CLI_OK);
	assert_string_equal(o.buf, "{\"cleared\":\"sa\",\"peer\":\"2001:db8::1\",\"sas\":0}\n");
	assert_int_equal(f->sa_filter.kind, VIEW_SA_PEER);
	assert_true(f->sa_filter.peer_v6);
	assert_int_equal(f->sa_filter.peer6[0], 0x20);
	assert_int_equal(f->sa_filter.peer6[15], 0x01);
	assert_int_equal(f->sa_filter.peer, 0);
	assert_int_equal(f->n_sa, 2);
	assert_int_equal(exec(f, "test crypto ipsec sa forget peer 2001:db8::2", CLI_F_JSON, &o),
			 CLI_OK);
	assert_string_equal(o.buf, "{\"forgotten\":\"sa\",\"peer\":\"2001:db8::2\",\"sas\":0}\n");
	assert_true(f->sa_filter.peer_v6);
	assert_int_equal(f->sa_forgets, 1);
	/* the hidden test aid: its own operation, not "clear crypto sa"'s */
	assert_int_equal(exec(f, "test crypto ipsec sa forget peer 192.0.2.2", CLI_F_JSON, &o),
			 CLI_OK);
	assert_string_equal(o.buf, "{\"forgotten\":\"sa\",\"peer\":\"192.0.2.2\",\"sas\":0}\n");
	assert_int_equal(f->sa_forgets, 2);
	assert_int_equal(exec(f, "clear crypto sa", 0, &o), CLI_OK);
	assert_int_equal(f->n_sa, 0);
	assert_int_equal(f->sa_forgets, 2);
	assert_int_equal(exec(f, "test crypto ipsec sa forget", 0, &o), CLI_OK);
	assert_int_equal(f->sa_forgets, 3);
	/* hidden: "?" does not offer it, at the top or after its first word */
	assert_int_equal(exec(f, "?", 0, &o), CLI_OK);
	assert_null(strstr(o.buf, "test"));
	exec(f, "test ?", 0, &o);
	assert_null(strstr(o.buf, "crypto"));
	assert_int_equal(exec(f, "clear crypto session remote 192.0.2.1", CLI_F_JSON, &o), CLI_OK);
	assert_string_equal(o.buf, "{\"cleared\":1}\n");
	assert_int_equal(exec(f, "clear crypto session", 0, &o), CLI_OK);
	assert_int_equal(f->session_clears, 2);

	assert_int_equal(exec(f, "clear crypto ipsec invalid-spi", 0, &o), CLI_OK);
	assert_int_equal(f->n_inv, 0);
	assert_int_equal(exec(f, "clear logging", 0, &o), CLI_OK);
	assert_int_equal(f->log_len, 0);

	assert_int_equal(exec(f, "crypto isakmp invalid-spi-recovery", 0, &o), CLI_OK);
	assert_true(f->recovery);
	assert_int_equal(exec(f, "no crypto isakmp invalid-spi-recovery", CLI_F_JSON, &o), CLI_OK);
	assert_false(f->recovery);
	assert_string_equal(o.buf, "{\"invalid_spi_recovery\":false}\n");

	assert_int_equal(exec(f, "debug crypto ipsec", 0, &o), CLI_OK);
	assert_true(f->debug);
	assert_int_equal(exec(f, "undebug crypto ipsec", 0, &o), CLI_OK);
	assert_false(f->debug);
	f->debug = true;
	assert_int_equal(exec(f, "no debug all", 0, &o), CLI_OK);
	assert_false(f->debug);
	cli_out_free(&o);
	fake_free(f);
}

/* A view that offers nothing (no ops, empty config) still answers every command. */
static void
test_empty_view(void **state)
{
	static const char *const needs_op[] = {
		"show logging",
		"clear logging",
		"show crypto ipsec invalid-spi",
		"clear crypto ipsec invalid-spi",
		"clear crypto sa",
		"clear crypto sa peer 192.0.2.1",
		"clear crypto sa spi 4097",
		"crypto isakmp invalid-spi-recovery",
		"no crypto isakmp invalid-spi-recovery",
		"debug crypto ipsec",
		"undebug all",
		"show debugging",
		"show platform hardware qfp active infrastructure punt statistics type per-cause",
	};
	static const struct view_ops none;
	struct dpsec_config cfg;
	struct view v = {.ops = &none, .cfg = &cfg};
	struct view bare = {0};
	struct cli_out o;
	char line[512];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cli_out_init(&o);
	for (size_t i = 0; i < cli_n_rows; i++) {
		row_line(&cli_rows[i], line, sizeof(line));
		cli_out_reset(&o);
		cli_exec(&v, line, 0, &o);
		cli_out_reset(&o);
		cli_exec(&bare, line, CLI_F_JSON, &o);
	}
	/* The control-plane operations are optional: without them, an IOS-style refusal. */
	for (size_t i = 0; i < sizeof(needs_op) / sizeof(needs_op[0]); i++) {
		cli_out_reset(&o);
		if (cli_exec(&v, needs_op[i], 0, &o) != CLI_E_FAILED)
			fail_msg("\"%s\" ran without its view operation", needs_op[i]);
		assert_string_equal(o.buf, "% Not available\n");
	}
	cli_out_free(&o);
}

static bool
has_key_bytes(const char *s, size_t n)
{
	static const char *const pat[] = {"a5a5", "A5A5", "a5:a5", "A5:A5", "a5 a5", "\xa5"};

	for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (memmem(s, n, pat[i], strlen(pat[i])) != NULL)
			return true;
	return false;
}

/* Keys never appear: every command, text and JSON, detail included. */
static void
test_no_key_in_output(void **state)
{
	struct fake *f = fake_new(0);
	struct cli_out o;
	char line[512];

	(void)state;
	cli_out_init(&o);
	for (size_t i = 0; i < cli_n_rows; i++) {
		for (int json = 0; json < 2; json++) {
			row_line(&cli_rows[i], line, sizeof(line));
			/* the commands that remove SAs would leave nothing to look at */
			if (strstr(line, "clear") != NULL || strstr(line, "forget") != NULL)
				continue;
			exec(f, line, json ? CLI_F_JSON : 0, &o);
			assert_false(has_key_bytes(o.buf != NULL ? o.buf : "", o.len));
		}
	}
	exec(f, "show crypto ipsec sa interface GigabitEthernet3 detail", 0, &o);
	assert_non_null(strstr(o.buf, "0x1001"));
	assert_false(has_key_bytes(o.buf, o.len));
	cli_out_free(&o);
	fake_free(f);
}

/* Numbers read off IOS XE "show crypto ipsec sa" (genieparser fixtures, device transcripts). */
/*
 * A manual AES-GCM SA (only there with allow_unsafe_manual_gcm) carries a
 * warning under its status, in text and JSON; IKE GCM and manual CBC SAs none.
 */
static void
test_unsafe_manual_gcm(void **state)
{
	static const char warn[] =
		"        Status: ACTIVE(ACTIVE)\n"
		"        WARNING: manual AES-GCM key: nonces repeat after a restart "
		"(RFC 4106 section 8); for testing only\n";
	struct fake *f = fake_new(0);
	struct cli_out o;
	const char *p;
	int n = 0;

	(void)state;
	cli_out_init(&o);
	assert_int_equal(exec(f, "show crypto ipsec sa", 0, &o), CLI_OK);
	assert_null(strstr(o.buf, "WARNING"));	/* IKE GCM SAs (VPN 10), manual CBC (LAB 10) */
	assert_int_equal(exec(f, "show crypto ipsec sa", CLI_F_JSON, &o), CLI_OK);
	assert_null(strstr(o.buf, "unsafe_manual_gcm"));
	f->sa[3].cipher = DP_CIPHER_AES_GCM_256;	/* LAB 10 inbound, keyed by hand */
	f->sa[3].auth = DP_AUTH_NONE;
	assert_int_equal(exec(f, "show crypto ipsec sa", 0, &o), CLI_OK);
	for (p = strstr(o.buf, "WARNING"); p != NULL; p = strstr(p + 1, "WARNING"))
		n++;
	assert_int_equal(n, 1);
	p = strstr(o.buf, "spi: 0x1001(4097)");
	assert_non_null(p);
	assert_non_null(strstr(p, warn));
	assert_true(strstr(p, warn) < strstr(p, "spi: 0x2002")); /* under the SA it is about */
	assert_int_equal(exec(f, "show crypto ipsec sa", CLI_F_JSON, &o), CLI_OK);
	assert_non_null(
		strstr(o.buf, "\"conn_id\":3001,\"worker\":0,\"manual\":true,"
			      "\"unsafe_manual_gcm\":true"));
	assert_non_null(strstr(o.buf, "\"conn_id\":3002,\"worker\":0,\"manual\":true,\"iv_size\""));
	cli_out_free(&o);
	fake_free(f);
}

/*
 * show crypto ipsec sa groups an entry's SAs into flows by the selectors
 * they enforce: the ACL's flow for SAs with none, then one flow per distinct
 * pair in install order, each with its own counters. A range that is no
 * prefix shows as first-last; a side without selectors as anything.
 */
static void
test_ts_flows(void **state)
{
	static const char acl_flow[] =
		"   local  ident (addr/mask/prot/port): (10.0.2.0/255.255.255.0/0/0)\n"
		"   remote ident (addr/mask/prot/port): (10.0.0.0/255.255.255.0/0/0)\n";
	static const char narrow_flow[] =
		"   local  ident (addr/mask/prot/port): (10.0.2.0/255.255.255.128/0/0)\n"
		"   remote ident (addr/mask/prot/port): (10.0.0.0/255.255.255.0/0/0)\n";
	static const char range_flow[] =
		"   local  ident (addr/mask/prot/port): (10.0.2.5-10.0.2.9/6/443)\n"
		"   local  ident (addr/mask/prot/port): (10.0.2.64/255.255.255.192/17/0)\n"
		"   remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n";
	struct fake *f = fake_new(0);
	struct cli_out o;
	const char *a, *n, *r;

	(void)state;
	cli_out_init(&o);
	/* the draining inbound SA had no selectors; the current outbound one others */
	f->sa[0].n_ts_local = f->sa[0].n_ts_remote = 0;
	f->sa[2].n_ts_local = 2;
	f->sa[2].ts_local[0] = (struct dp_ts){.addr_start = 0x0A000205, .addr_end = 0x0A000209,
					      .proto = 6, .port_start = 443, .port_end = 443};
	f->sa[2].ts_local[1] = (struct dp_ts){.addr_start = 0x0A000240, .addr_end = 0x0A00027F,
					      .proto = 17, .port_start = 1, .port_end = 2};
	f->sa[2].n_ts_remote = 0;
	assert_int_equal(exec(f, "show crypto ipsec sa peer 192.0.2.1", 0, &o), CLI_OK);
	a = strstr(o.buf, acl_flow);
	n = strstr(o.buf, narrow_flow);
	r = strstr(o.buf, range_flow);
	assert_non_null(a);
	assert_non_null(n);
	assert_non_null(r);
	assert_true(a < n && n < r);
	/* each flow sums its own SAs: 1200 decaps (0x658F7C11), 1500 (0xB761863E), 2711 encaps */
	assert_non_null(strstr(a, "#pkts decaps: 1200,"));
	assert_true(strstr(a, "spi: 0x658F7C11") < n);
	assert_non_null(strstr(n, "#pkts encaps: 0,"));
	assert_non_null(strstr(n, "#pkts decaps: 1500,"));
	assert_true(strstr(n, "spi: 0xB761863E") < r);
	assert_non_null(strstr(r, "#pkts encaps: 2711,"));
	assert_non_null(strstr(r, "spi: 0x397C36EE"));
	assert_null(strstr(r, "spi: 0xB761863E"));
	assert_int_equal(exec(f, "show crypto ipsec sa peer 192.0.2.1", CLI_F_JSON, &o), CLI_OK);
	assert_non_null(strstr(o.buf, "\"local_ident\":{\"addr\":\"10.0.2.5\",\"mask\":\"\","
				      "\"prot\":6,\"port\":443},"));
	assert_non_null(strstr(o.buf, "{\"addr\":\"10.0.2.5\",\"addr_end\":\"10.0.2.9\",\"mask\":\"\","
				      "\"prot\":6,\"port\":443,\"port_start\":443,\"port_end\":443}"));
	assert_non_null(strstr(o.buf, "\"remote_selectors\":[]"));
	cli_out_free(&o);
	fake_free(f);
}

/*
 * An AH SA is listed under "inbound ah sas:" / "outbound ah sas:", in IOS's
 * layout (seed 002: the ah- transform word, no IV size line), not under esp.
 */
static void
test_ah_sa_blocks(void **state)
{
	static const char want[] =
		"     inbound esp sas:\n"
		"\n     inbound ah sas:\n"
		"      spi: 0x1001(4097)\n"
		"        transform: ah-sha256-hmac ,\n"
		"        in use settings ={Tunnel UDP-Encaps, esn}\n";
	static const char tail[] =
		"        Status: ACTIVE(ACTIVE)\n"
		"\n     inbound pcp sas:\n";
	struct fake *f = fake_new(0);
	struct cli_out o;
	const char *p, *q;

	(void)state;
	cli_out_init(&o);
	f->sa[3].proto = IPPROTO_AH;	/* LAB 10 inbound, keyed by hand */
	f->sa[3].cipher = DP_CIPHER_NULL;
	f->sa[3].auth = DP_AUTH_HMAC_SHA256_128;
	assert_int_equal(exec(f, "show crypto ipsec sa", 0, &o), CLI_OK);
	p = strstr(o.buf, want);
	if (p == NULL)
		fail_msg("no AH block in:\n%s", o.buf);
	q = strstr(p, tail);
	assert_non_null(q);
	assert_null(memmem(p, (size_t)(q - p), "IV size", 7));
	assert_non_null(strstr(q, "outbound esp sas:\n      spi: 0x2002"));	/* still ESP */
	assert_int_equal(exec(f, "show crypto ipsec sa", CLI_F_JSON, &o), CLI_OK);
	assert_non_null(strstr(o.buf, "\"protocol\":\"ah\",\"transform\":\"ah-sha256-hmac\""));
	assert_non_null(strstr(o.buf, "\"protocol\":\"esp\",\"transform\":\"esp-aes esp-sha-hmac\""));
	cli_out_free(&o);
	fake_free(f);
}

/*
 * An AH+ESP bundle (LAB 10's SAs made one): each direction's ESP SA under
 * "esp sas", its AH SA under "ah sas"; the flow counts each packet once (the
 * ESP SA's count: its AH SA carried the same packets), the AH SA's errors
 * added; the current outbound SPI is the AH SA's (the outer header's).
 */
static void
test_bundle_sa_blocks(void **state)
{
	static const char want[] =
		"     inbound esp sas:\n"
		"      spi: 0x1001(4097)\n"
		"        transform: esp-aes esp-sha-hmac ,\n";
	static const char want_ah[] =
		"     inbound ah sas:\n"
		"      spi: 0x1002(4098)\n"
		"        transform: ah-sha256-hmac ,\n";
	static const char want_out_ah[] =
		"     outbound ah sas:\n"
		"      spi: 0x2003(8195)\n"
		"        transform: ah-sha256-hmac ,\n";
	struct fake *f = fake_new(2);
	struct cli_out o;
	struct view_sa *s = f->sa;

	(void)state;
	cli_out_init(&o);
	for (int i = 3; i <= 4; i++) {
		s[i].udp_encap = false;
		s[i].bundle = true;
		s[i + 2] = s[i];
		s[i + 2].proto = IPPROTO_AH;
		s[i + 2].cipher = DP_CIPHER_NULL;
		s[i + 2].auth = DP_AUTH_HMAC_SHA256_128;
		s[i + 2].spi = s[i].spi + 1;
		s[i + 2].conn_id = s[i].conn_id + 10;
		s[i + 2].ctr = (struct dp_sa_counters){0};
		s[i + 2].ctr.v[DP_SA_CTR_pkts] = s[i].ctr.v[DP_SA_CTR_pkts];
		s[i + 2].ctr.v[DP_SA_CTR_bytes] = 1000;
	}
	s[5].ctr.v[DP_SA_CTR_verify_failed] = 5;	/* AH ICVs that failed */
	assert_int_equal(exec(f, "show crypto ipsec sa detail", 0, &o), CLI_OK);
	if (strstr(o.buf, want) == NULL || strstr(o.buf, want_ah) == NULL ||
	    strstr(o.buf, want_out_ah) == NULL)
		fail_msg("no bundle blocks in:\n%s", o.buf);
	/* LAB 10: 10 decapsulated, 9 encapsulated, once each; the AH SA's 5 bad ICVs */
	assert_non_null(strstr(o.buf, "#pkts encaps: 9, #pkts encrypt: 9, #pkts digest: 9\n"));
	assert_non_null(strstr(o.buf, "#pkts decaps: 10, #pkts decrypt: 10, #pkts verify: 10\n"));
	assert_non_null(strstr(o.buf, "#pkts verify failed: 5\n"));
	assert_non_null(strstr(o.buf, "current outbound spi: 0x2003(8195)\n"));
	assert_int_equal(exec(f, "show crypto ipsec sa", CLI_F_JSON, &o), CLI_OK);
	assert_non_null(strstr(o.buf, "\"spi\":4098,\"protocol\":\"ah\""));
	assert_non_null(strstr(o.buf, "\"manual\":true,\"bundle\":true"));
	cli_out_free(&o);
	fake_free(f);
}

static void
test_plaintext_mtu(void **state)
{
	(void)state;
	/* esp-256-aes esp-sha256-hmac, 1500: 1438 */
	assert_int_equal(cli_plaintext_mtu(1500, IPPROTO_ESP, DP_CIPHER_AES_CBC_256,
					   DP_AUTH_HMAC_SHA256_128, false),
			 1438);
	/* esp-gcm 256, 1500: 1446 */
	assert_int_equal(
		cli_plaintext_mtu(1500, IPPROTO_ESP, DP_CIPHER_AES_GCM_256, DP_AUTH_NONE, false),
		1446);
	/* esp-256-aes esp-sha-hmac, UDP-Encaps, 1500: 1422 */
	assert_int_equal(cli_plaintext_mtu(1500, IPPROTO_ESP, DP_CIPHER_AES_CBC_256,
					   DP_AUTH_HMAC_SHA1_96, true),
			 1422);
	assert_int_equal(cli_plaintext_mtu(40, IPPROTO_ESP, DP_CIPHER_AES_CBC_256,
					   DP_AUTH_HMAC_SHA1_96, true),
			 0);
	/* AH: outer IPv4 20 + AH 12 + ICV (RFC 4302), no padding or block */
	assert_int_equal(cli_plaintext_mtu(1500, IPPROTO_AH, DP_CIPHER_NULL, DP_AUTH_HMAC_SHA1_96,
					   false), 1456);
	assert_int_equal(cli_plaintext_mtu(1500, IPPROTO_AH, DP_CIPHER_NULL,
					   DP_AUTH_HMAC_SHA512_256, false), 1436);
	assert_int_equal(cli_plaintext_mtu(40, IPPROTO_AH, DP_CIPHER_NULL,
					   DP_AUTH_HMAC_SHA512_256, false), 0);
	/* AH+ESP: esp-gcm 256's 1446 less ah-sha256-hmac's 28-byte header, rounded to 4: 1418 */
	assert_int_equal(cli_bundle_plaintext_mtu(1500, DP_AUTH_HMAC_SHA256_128,
						  DP_CIPHER_AES_GCM_256, DP_AUTH_NONE), 1418);
	assert_int_equal(cli_bundle_plaintext_mtu(20, DP_AUTH_HMAC_SHA256_128,
						  DP_CIPHER_AES_GCM_256, DP_AUTH_NONE), 0);
}

/* A transform set's words: an AH+ESP bundle's AH word first, as IOS writes the set. */
static void
test_ts_words(void **state)
{
	struct cfg_transform_set ts = {.proto = IPPROTO_ESP, .cipher = DP_CIPHER_AES_CBC_256,
				       .auth = DP_AUTH_HMAC_SHA256_128};
	char buf[64];

	(void)state;
	cli_ts_text(&ts, buf, sizeof(buf));
	assert_string_equal(buf, "esp-256-aes esp-sha256-hmac");
	ts.ah_auth = DP_AUTH_HMAC_SHA1_96;
	cli_ts_text(&ts, buf, sizeof(buf));
	assert_string_equal(buf, "ah-sha-hmac esp-256-aes esp-sha256-hmac");
	ts = (struct cfg_transform_set){.proto = IPPROTO_AH, .cipher = DP_CIPHER_NULL,
					.auth = DP_AUTH_HMAC_SHA384_192};
	cli_ts_text(&ts, buf, sizeof(buf));
	assert_string_equal(buf, "ah-sha384-hmac");
}

static void
test_xform_words(void **state)
{
	static const struct {
		enum dp_cipher c;
		enum dp_auth a;
		const char *want;
	} cases[] = {
		{DP_CIPHER_AES_CBC_128, DP_AUTH_HMAC_SHA1_96, "esp-aes esp-sha-hmac"},
		{DP_CIPHER_AES_CBC_256, DP_AUTH_HMAC_SHA256_128, "esp-256-aes esp-sha256-hmac"},
		{DP_CIPHER_AES_GCM_128, DP_AUTH_NONE, "esp-gcm"},
		{DP_CIPHER_AES_GCM_256, DP_AUTH_NONE, "esp-gcm 256"},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA512_256, "esp-null esp-sha512-hmac"},
		{DP_CIPHER_NULL, DP_AUTH_HMAC_SHA384_192, "esp-null esp-sha384-hmac"},
	};
	static const struct {
		enum dp_auth a;
		const char *want;
	} ah[] = {
		{DP_AUTH_HMAC_SHA1_96, "ah-sha-hmac"},
		{DP_AUTH_HMAC_SHA256_128, "ah-sha256-hmac"},
		{DP_AUTH_HMAC_SHA384_192, "ah-sha384-hmac"},
		{DP_AUTH_HMAC_SHA512_256, "ah-sha512-hmac"},
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_xform_text(IPPROTO_ESP, cases[i].c, cases[i].a, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	for (size_t i = 0; i < sizeof(ah) / sizeof(ah[0]); i++) {
		cli_xform_text(IPPROTO_AH, DP_CIPHER_NULL, ah[i].a, buf, sizeof(buf));
		assert_string_equal(buf, ah[i].want);
	}
}

static void
test_time_texts(void **state)
{
	static const struct {
		uint64_t sec;
		const char *uptime, *ago;
	} cases[] = {
		{0, "0 minutes", "0s"},
		{59, "0 minutes", "59s"},
		{60, "1 minute", "1m 0s"},
		{99, "1 minute", "1m 39s"},
		{3605, "1 hour", "1h 0m 5s"},
		{93784, "1 day, 2 hours, 3 minutes", "1d 2h 3m 4s"},
		{2009442, "3 weeks, 2 days, 6 hours, 10 minutes", "3w 2d 6h 10m 42s"},
		{31536000 + 604800 + 60, "1 year, 1 week, 1 minute", "53w 1d 0h 1m 0s"},
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_uptime_text(cases[i].sec, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].uptime);
		cli_ago_text(cases[i].sec, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].ago);
	}
}

/* IOS's "Up/Down" column: hh:mm:ss, then 1d02h, 3w4d, 1y5w. */
static void
test_elapsed_text(void **state)
{
	static const struct {
		uint64_t sec;
		const char *want;
	} cases[] = {
		{0, "00:00:00"},
		{725, "00:12:05"},
		{86399, "23:59:59"},
		{86400, "1d00h"},
		{183600, "2d03h"},
		{7 * 86400 - 1, "6d23h"},
		{8 * 86400 + 5 * 3600, "1w1d"},
		{364 * 86400, "52w0d"},
		{400 * 86400, "1y5w"},
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_elapsed_text(cases[i].sec, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_typed_args(void **state)
{
	static const struct {
		enum cli_tok_kind kind;
		const char *s;
		bool ok;
		uint64_t v;
	} cases[] = {
		{CLI_TK_UINT, "0", true, 0},
		{CLI_TK_UINT, "4294967295", true, 4294967295u},
		{CLI_TK_UINT, "4294967296", false, 0},
		{CLI_TK_UINT, "0xB761863E", true, 0xB761863E},
		{CLI_TK_UINT, "0x1ffffffff", false, 0},
		{CLI_TK_UINT, "0x", false, 0},
		{CLI_TK_UINT, "12a", false, 0},
		{CLI_TK_UINT, "-1", false, 0},
		{CLI_TK_IPV4, "192.0.2.1", true, 0xc0000201},
		{CLI_TK_IPV4, "192.0.2", false, 0},
		{CLI_TK_IPV4, "192.0.2.1.0", false, 0},
		{CLI_TK_IPV4, "1111.0.2.1.0.0.0.0", false, 0},
		{CLI_TK_WORD, "Gi1/0/1", true, 0},
		{CLI_TK_KEYWORD, "show", false, 0},
	};
	struct cli_arg a;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_word w = {cases[i].s, strlen(cases[i].s), 0};

		assert_int_equal(cli_parse_arg(cases[i].kind, &w, &a), cases[i].ok);
		if (cases[i].ok && cases[i].kind == CLI_TK_UINT)
			assert_int_equal(a.u, cases[i].v);
		if (cases[i].ok && cases[i].kind == CLI_TK_IPV4)
			assert_int_equal(__builtin_bswap32(a.ip), cases[i].v);
	}
}

static void
test_lex(void **state)
{
	struct cli_line l;
	char many[256] = "";

	(void)state;
	cli_lex("show  cr?", 9, &l);
	assert_int_equal(l.help, CLI_HELP_PARTIAL);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.w[1].col, 6);
	cli_lex("show ?", 6, &l);
	assert_int_equal(l.help, CLI_HELP_NEXT);
	assert_int_equal(l.n, 1);
	cli_lex("show sa | i a|b  c", 18, &l);
	assert_true(l.pipe);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.fkw.len, 1);
	assert_int_equal(l.regex.len, 6); /* "a|b  c": the rest, '|' and blanks included */
	for (int i = 0; i < CLI_WORDS_MAX + 1; i++)
		strcat(many, "x ");
	cli_lex(many, strlen(many), &l);
	assert_true(l.overflow);
	assert_int_equal(l.overflow_col, 2 * CLI_WORDS_MAX);
}

static void
test_out_cap(void **state)
{
	struct cli_out o;
	char *big = malloc(1u << 20);

	(void)state;
	memset(big, 'x', 1u << 20);
	cli_out_init(&o);
	for (int i = 0; i < 17; i++)
		cli_write(&o, big, 1u << 20);
	assert_true(o.truncated);
	assert_true(o.len <= CLI_OUT_MAX);
	assert_int_equal(o.len % (1u << 20), 0); /* all or nothing per write */
	cli_out_free(&o);
	free(big);
}

static void
test_frames(void **state)
{
	static const uint8_t zero_len[] = {0, 0, 0, 0, 2};
	static const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 2};
	static const uint8_t partial[] = {0, 0, 0, 9, 2, 0, 0};
	static const uint8_t nul_req[] = {0, 0, 0, 8, 2, 0, 0, 0, 0, 's', 0, 'h'};
	static const uint8_t ok_req[] = {0, 0, 0, 7, 2, 0, 0, 0, 1, 's', 'h'};
	/* HELLO: version 2, privilege level, hostname */
	static const uint8_t hello[] = {0, 0, 0, 6, 1, 2, 15, 'g', 'w', 'B'};
	static const uint8_t hello_user[] = {0, 0, 0, 6, 1, 2, 1, 'g', 'w', 'B'};
	static const uint8_t hello_level7[] = {0, 0, 0, 6, 1, 2, 7, 'g', 'w', 'B'};
	static const uint8_t hello_v1[] = {0, 0, 0, 5, 1, 1, 'g', 'w', 'B'};
	unsigned priv = 0;
	struct cli_frame f;
	const char *line;
	uint32_t flags;
	size_t len;
	char host[CFG_NAME_MAX];

	(void)state;
	assert_int_equal(cli_frame_parse(zero_len, sizeof(zero_len), CLI_REQ_BODY_MAX, &f), -1);
	assert_int_equal(cli_frame_parse(huge, sizeof(huge), CLI_REQ_BODY_MAX, &f), -1);
	assert_int_equal(cli_frame_parse(partial, sizeof(partial), CLI_REQ_BODY_MAX, &f), 0);
	assert_int_equal(cli_frame_parse(huge, 3, CLI_REQ_BODY_MAX, &f), 0);
	assert_int_equal(cli_frame_parse(nul_req, sizeof(nul_req), CLI_REQ_BODY_MAX, &f), 1);
	assert_false(cli_request_decode(&f, &flags, &line, &len));
	assert_int_equal(cli_frame_parse(ok_req, sizeof(ok_req), CLI_REQ_BODY_MAX, &f), 1);
	assert_int_equal(f.total, sizeof(ok_req));
	assert_true(cli_request_decode(&f, &flags, &line, &len));
	assert_int_equal(flags, 1);
	assert_int_equal(len, 2);
	assert_false(cli_reply_decode(&f, &flags, &line, &len));
	assert_int_equal(cli_frame_parse(hello, sizeof(hello), CLI_HELLO_BODY_MAX, &f), 1);
	assert_true(cli_hello_decode(&f, host, sizeof(host), &priv));
	assert_string_equal(host, "gwB");
	assert_int_equal(priv, CLI_PRIV_ADMIN);
	assert_int_equal(cli_frame_parse(hello_user, sizeof(hello_user), CLI_HELLO_BODY_MAX, &f),
			 1);
	assert_true(cli_hello_decode(&f, host, sizeof(host), &priv));
	assert_int_equal(priv, CLI_PRIV_USER);
	assert_int_equal(
		cli_frame_parse(hello_level7, sizeof(hello_level7), CLI_HELLO_BODY_MAX, &f), 1);
	assert_false(cli_hello_decode(&f, host, sizeof(host), &priv));	/* no such level here */
	assert_int_equal(cli_frame_parse(hello_v1, sizeof(hello_v1), CLI_HELLO_BODY_MAX, &f), 1);
	assert_false(cli_hello_decode(&f, host, sizeof(host), &priv));	/* an older daemon */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_every_row_runs),
		cmocka_unit_test(test_privilege),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_clears),
		cmocka_unit_test(test_control_ops),
		cmocka_unit_test(test_empty_view),
		cmocka_unit_test(test_no_key_in_output),
		cmocka_unit_test(test_unsafe_manual_gcm),
		cmocka_unit_test(test_ts_flows),
		cmocka_unit_test(test_ah_sa_blocks),
		cmocka_unit_test(test_bundle_sa_blocks),
		cmocka_unit_test(test_plaintext_mtu),
		cmocka_unit_test(test_xform_words),
		cmocka_unit_test(test_ts_words),
		cmocka_unit_test(test_time_texts),
		cmocka_unit_test(test_elapsed_text),
		cmocka_unit_test(test_typed_args),
		cmocka_unit_test(test_lex),
		cmocka_unit_test(test_out_cap),
		cmocka_unit_test(test_frames),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
