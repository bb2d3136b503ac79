/* SPDX-License-Identifier: BSD-3-Clause */
/* Formatting and view helpers shared by the show commands. */
#ifndef DPSEC_CLI_FMT_H
#define DPSEC_CLI_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dpsec/cli.h"
#include "dpsec/config.h"
#include "dpsec/ip4.h"
#include "dpsec/ip6.h"

/* "esp-256-aes esp-sha256-hmac", "esp-gcm 256": the words IOS XE shows for a transform. */
/* proto IPPROTO_AH: the ah- word of the HMAC alone; else ESP's words. */
void cli_xform_text(uint8_t proto, enum dp_cipher c, enum dp_auth a, char *buf, size_t len);
/* A transform set's words: an AH+ESP bundle's AH word first, "ah-sha-hmac esp-gcm 256". */
void cli_ts_text(const struct cfg_transform_set *ts, char *buf, size_t len);
/* The largest inner packet that fits mtu after tunnel-mode ESP with this transform. */
unsigned cli_plaintext_mtu(unsigned mtu, uint8_t proto, enum dp_cipher c, enum dp_auth a,
			   bool udp_encap);
/* The same after an AH+ESP bundle: ESP (c, a), then AH (ah) around it. */
unsigned cli_bundle_plaintext_mtu(unsigned mtu, enum dp_auth ah, enum dp_cipher c, enum dp_auth a);

/* "1 week, 2 days, 3 hours, 4 minutes" (show version). */
void cli_uptime_text(uint64_t sec, char *buf, size_t len);
/* "3w 2d 5h 10m 42s" (the "(... ago)" of the drop statistics). */
void cli_ago_text(uint64_t sec, char *buf, size_t len);
/*
 * IOS's elapsed-time columns (the "Up/Down" of show ip bgp summary, the age of
 * a route): "00:12:05" under a day, then "2d03h", "3w4d", "1y5w".
 */
void cli_elapsed_text(uint64_t sec, char *buf, size_t len);
/* "Mon Jun 26 07:29:14 2023", local time. */
void cli_date_text(const struct timespec *t, char *buf, size_t len);
void cli_now(const struct view *v, struct timespec *t);

const char *cli_mask_str(uint8_t len, char buf[IP4_STRLEN]);
const char *cli_wildcard_str(uint8_t len, char buf[IP4_STRLEN]);
/* IOS writes MAC addresses as three dotted groups: "5254.00ff.abcd". */
#define CLI_MAC_DOTTED_LEN 15
const char *cli_mac_dotted(const uint8_t mac[6], char buf[CLI_MAC_DOTTED_LEN]);

/* An optional view operation, or NULL when the daemon does not offer it. */
#define CLI_OP(v, name) ((v)->ops != NULL ? (v)->ops->name : NULL)
/* "% Not available": the command needs an operation the view lacks. Returns CLI_E_FAILED. */
int cli_not_available(struct cli_out *o);

/* Snapshots from the view; a missing op reads as empty. */
struct cli_sa_list {
	struct view_sa *sa;
	size_t n;
};

/*
 * A whole list from a view operation that writes at most max entries of elem
 * bytes and returns how many: into a malloc'd *out (free() it), *n entries.
 * list is called with the operation known to exist. -1 when out of memory.
 */
#define CLI_FETCH_MAX (1u << 22)
typedef size_t (*cli_list_fn)(const struct view *v, const void *arg, void *out, size_t max);
int cli_fetch_all(const struct view *v, cli_list_fn list, const void *arg, size_t elem,
		  void **out, size_t *n);

int cli_sa_fetch(const struct view *v, struct cli_sa_list *l);
void cli_sa_list_free(struct cli_sa_list *l);

struct cli_port_list {
	struct view_port *port;
	size_t n;
};

int cli_port_fetch(const struct view *v, struct cli_port_list *l);
void cli_port_list_free(struct cli_port_list *l);
/* The port of the configured interface with this name, or NULL. */
const struct view_port *cli_port_find(const struct cli_port_list *l, const char *name);
/* The sum of a per-cause drop array (DP_GLOBAL__COUNT entries). */
uint64_t cli_drops_sum(const uint64_t *per_cause);

/* IOS's word for an IP protocol in an ACL ("ip", "tcp", "ahp"), else the number. */
const char *cli_proto_name(uint8_t p, char buf[8]);
/* The same for an IPv6 ACL line: "ipv6" for any, "icmp" for ICMPv6 (58). */
const char *cli_proto6_name(uint8_t p, char buf[8]);
/* A crypto map entry's peer, IPv4 or IPv6 (RFC 5952 text). */
const char *cli_entry_peer(const struct cfg_map_entry *e, char buf[IP6_STRLEN]);

/* Case-insensitive match of a typed name against a configured one. */
bool cli_name_eq(const char *typed, size_t len, const char *name);

#endif
