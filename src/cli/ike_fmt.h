/* SPDX-License-Identifier: BSD-3-Clause */
/* What the IKEv2 views share: snapshots from the view, and IOS's words for the algorithms. */
#ifndef DPSEC_CLI_IKE_FMT_H
#define DPSEC_CLI_IKE_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/ike.h"
#include "dpsec/view.h"

/* Snapshots; a missing operation reads as empty. */
struct cli_ike_list {
	struct view_ike_sa *sa;
	size_t n;
};

struct cli_child_list {
	struct view_ike_child *c;
	size_t n;
};

int cli_ike_fetch(const struct view *v, struct cli_ike_list *l);
void cli_ike_list_free(struct cli_ike_list *l);
/* The CHILD_SAs of every IKE SA. */
int cli_child_fetch(const struct view *v, struct cli_child_list *l);
void cli_child_list_free(struct cli_child_list *l);

#define CLI_IKE_ADDR_LEN 52 /* an IPv6 address, '/', a port */

/* "192.0.2.2/4500" */
const char *cli_ike_addr_port(const struct ike_addr *a, char buf[CLI_IKE_ADDR_LEN]);
/* "192.0.2.2" */
const char *cli_ike_addr(const struct ike_addr *a, char buf[CLI_IKE_ADDR_LEN]);

/* IOS's words in "Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19". */
const char *cli_ike_encr_word(uint16_t encr);
const char *cli_ike_prf_word(uint16_t prf);
const char *cli_ike_hash_word(uint16_t integ);
const char *cli_ike_auth_word(uint8_t method);
/* "READY", "IN-NEG", "DELETE" */
const char *cli_ike_status_word(enum view_ike_status s);

#endif
