/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the IKEv2 codec: any bytes through ike_parse; when the
 * outer chain parses and ends in SK/SKF, its body goes through ike_parse_inner
 * as if it had been decrypted. Whatever parses is written back with the writer
 * (tests/unit/ike/ike_model.c) and must parse again to an equal model.
 * Seeds: tests/fuzz/corpus/ike_msg/ (strongSwan 5.9.8 captures, their decrypted
 * IKE_AUTH bodies wrapped in SK, and a message with every payload), made by
 * tests/unit/ike/vectors/make_fuzz_seeds.py. Dictionary: tests/fuzz/ike_msg.dict
 * (./build-fuzz/tests/fuzz/fuzz_ike_msg -dict=tests/fuzz/ike_msg.dict CORPUS).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_model.h"
#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg m, again, inner;
static uint8_t out[65536 + 1024];

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_ike_msg: %s: %s\n", what, why);
	abort();
}

/* A successful parse leaves a failure detail untouched; a failed one explains itself. */
static void
check_rc(int rc, const struct ike_msg *p)
{
	if (rc > 0 || rc <= -IKE_ERR_NUM)
		die("return code", ike_err_name(rc));
	if (rc != 0 && p->err.detail[0] == '\0')
		die("no detail for", ike_err_name(rc));
}

static void
round_trip(const struct ike_msg *a, bool with_hdr)
{
	uint64_t skipped;
	uint8_t first;
	char why[160];
	int len, rc;

	len = ike_model_encode(a, with_hdr, out, sizeof(out), &skipped, &first);
	if (len < 0)
		die("re-encode refused a parsed model", with_hdr ? "message" : "chain");
	if (with_hdr) {
		rc = ike_parse(out, (size_t)len, &again);
	} else {
		memset(&again, 0, sizeof(again));
		rc = ike_parse_inner(&again, first, out, (size_t)len);
	}
	if (rc != 0)
		die("re-encoded model does not parse", again.err.detail);
	if (!ike_model_equal(a, &again, skipped, why, sizeof(why)))
		die("round trip", why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_hdr h;
	int rc = ike_parse(data, size, &m);
	bool hdr_bad = rc == -IKE_E_TRUNCATED || rc == -IKE_E_LENGTH || rc == -IKE_E_MAJOR_VERSION;

	check_rc(rc, &m);
	if ((ike_parse_hdr(data, size, &h) != 0) != hdr_bad)
		die("ike_parse_hdr disagrees with ike_parse", m.err.detail);
	if (rc != 0)
		return 0;
	round_trip(&m, true);
	if (!ike_has(&m, IKE_PL_SK) && !ike_has(&m, IKE_PL_SKF))
		return 0;
	/* the body "decrypted": alone, then merged into the outer model */
	memset(&inner, 0, sizeof(inner));
	rc = ike_parse_inner(&inner, m.sk.first, m.sk.body.p, m.sk.body.len);
	check_rc(rc, &inner);
	if (rc == 0)
		round_trip(&inner, false);
	check_rc(ike_parse_inner(&m, m.sk.first, m.sk.body.p, m.sk.body.len), &m);
	return 0;
}
