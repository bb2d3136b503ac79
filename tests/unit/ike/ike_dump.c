/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ike_dump [-i FIRST] FILE: parse one raw IKE message (or, with -i, a
 * decrypted SK body whose first payload is FIRST) and print the model one
 * fact per line. tshark_check.py compares these lines with tshark's
 * dissection of the same bytes; the first line is "ok" or "error NAME detail".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"

static void
hex_sep(const char *key, struct ike_view v, const char *end)
{
	printf("%s ", key);
	for (size_t i = 0; i < v.len; i++)
		printf("%02x", v.p[i]);
	printf("%s", end);
}

static void
hex(const char *key, struct ike_view v)
{
	hex_sep(key, v, "\n");
}

static void
dump_sa(const struct ike_sa_pl *sa)
{
	for (unsigned int i = 0; i < sa->n_proposals; i++) {
		const struct ike_proposal *p = &sa->prop[i];

		printf("prop num=%u proto=%u spi_size=%u n_tf=%u\n", p->num, p->proto,
		       p->spi_size, p->n_transforms);
		for (unsigned int t = 0; t < p->n_transforms; t++)
			printf("tf type=%u id=%u key_len=%u\n", p->tf[t].type, p->tf[t].id,
			       p->tf[t].key_len);
	}
}

static void
dump_ts(const char *key, const struct ike_ts_pl *tp)
{
	for (unsigned int i = 0; i < tp->n; i++) {
		const struct ike_ts *ts = &tp->ts[i];
		size_t alen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;

		printf("%s type=%u proto=%u ports=%u-%u ", key, ts->type, ts->ip_proto,
		       ts->start_port, ts->end_port);
		hex_sep("start", (struct ike_view){ts->start, alen}, " ");
		hex("end", (struct ike_view){ts->end, alen});
	}
}

static void
dump_lists(const struct ike_msg *m)
{
	for (unsigned int i = 0; i < m->n_notifies; i++) {
		printf("notify proto=%u type=%u ", m->notify[i].proto, m->notify[i].type);
		hex_sep("spi", m->notify[i].spi, " ");
		hex("data", m->notify[i].data);
	}
	for (unsigned int i = 0; i < m->n_deletes; i++) {
		printf("delete proto=%u spi_size=%u n=%u ", m->del[i].proto, m->del[i].spi_size,
		       m->del[i].n_spis);
		hex("spis", m->del[i].spis);
	}
	for (unsigned int i = 0; i < m->n_vendors; i++)
		hex("vendor", m->vendor[i]);
	for (unsigned int i = 0; i < m->n_certs; i++)
		hex("cert", m->cert[i]);
	for (unsigned int i = 0; i < m->n_certreqs; i++)
		hex("certreq", m->certreq[i]);
}

static void
dump(const struct ike_msg *m, bool inner)
{
	const struct ike_hdr *h = &m->hdr;

	if (!inner)
		printf("hdr spi_i=%016llx spi_r=%016llx next=%u version=0x%02x exchange=%u "
		       "flags=0x%02x msg_id=%u length=%u\n",
		       (unsigned long long)h->spi_i, (unsigned long long)h->spi_r, h->next,
		       h->version, h->exchange, h->flags, h->msg_id, h->length);
	dump_sa(&m->sa);
	if (ike_has(m, IKE_PL_KE))
		printf("ke group=%u len=%zu\n", m->ke.group, m->ke.data.len);
	if (ike_has(m, IKE_PL_NONCE))
		hex("nonce", m->nonce);
	if (ike_has(m, IKE_PL_IDI))
		printf("idi type=%u len=%zu\n", m->idi.type, m->idi.data.len);
	if (ike_has(m, IKE_PL_IDR))
		printf("idr type=%u len=%zu\n", m->idr.type, m->idr.data.len);
	if (ike_has(m, IKE_PL_AUTH))
		printf("auth method=%u len=%zu\n", m->auth.method, m->auth.data.len);
	dump_ts("tsi", &m->tsi);
	dump_ts("tsr", &m->tsr);
	dump_lists(m);
	if (ike_has(m, IKE_PL_CP))
		hex("cp", m->cp);
	if (ike_has(m, IKE_PL_EAP))
		hex("eap", m->eap);
	if (ike_has(m, IKE_PL_SK) || ike_has(m, IKE_PL_SKF))
		printf("sk frag=%d first=%u num=%u total=%u off=%zu body_len=%zu\n", m->sk.frag,
		       m->sk.first, m->sk.frag_num, m->sk.frag_total, m->sk.off, m->sk.body.len);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[65536];
	static struct ike_msg m;
	int first = -1, rc;
	size_t len;
	FILE *f;

	if (argc == 4 && strcmp(argv[1], "-i") == 0) {
		first = atoi(argv[2]);
		argv += 2;
	} else if (argc != 2) {
		fprintf(stderr, "usage: ike_dump [-i FIRST] FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (first >= 0) {
		memset(&m, 0, sizeof(m));
		rc = ike_parse_inner(&m, (uint8_t)first, buf, len);
	} else {
		rc = ike_parse(buf, len, &m);
	}
	if (rc != 0) {
		printf("error %s %s\n", ike_err_name(rc), m.err.detail);
		return 1;
	}
	printf("ok\n");
	dump(&m, first >= 0);
	return 0;
}
