/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the config module: the schema walker and the value readers every
 * section uses. Each YAML mapping is described by a table of struct cfg_key
 * rows (key, required?, handler, field offset, bounds); adding a key is adding
 * a row. Rows run in table order, not document order, so a row may rely on the
 * rows above it (an interface's crypto_map needs its role) and sections are
 * listed in dependency order (transform sets before crypto maps before
 * interfaces before manual SAs).
 */
#ifndef DPSEC_CONFIG_PRIV_H
#define DPSEC_CONFIG_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "dpsec/config.h"
#include "yaml_tree.h"

#define CFG_MAX_INTERFACES 16
#define CFG_QUOTE_MAX 48	/* user text echoed in a message is cut to this */

struct cfg_ctx {
	const char *name;	/* file name used in messages */
	const char *sa_name;	/* the manual SA file's, while it is read */
	char *err;
	size_t errlen;
	struct dpsec_config *cfg;
	/* Scratch for the one message being built: see cfg_quote and cfg_list_names. */
	char quote[CFG_QUOTE_MAX];
	char list[512];
};

struct cfg_key;
typedef int cfg_handler(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v,
			void *obj);

struct cfg_key {
	const char *name;
	bool required;
	cfg_handler *fn;
	size_t off;		/* offset of the field in obj, for the generic handlers */
	uint64_t lo, hi;	/* integer bounds */
	const void *arg;	/* handler specific: the word table of cfg_h_word */
};

/* An enum spelled as words; tables end with a NULL word. */
struct cfg_word {
	const char *word;
	int value;
};

/* Rows for the generic handlers. */
#define CFG_U16(key, req, type, field, min, max)                                                   \
	{key, req, cfg_h_u16, offsetof(type, field), min, max, NULL}
#define CFG_U32(key, req, type, field, min, max)                                                   \
	{key, req, cfg_h_u32, offsetof(type, field), min, max, NULL}
#define CFG_BOOL(key, req, type, field) {key, req, cfg_h_bool, offsetof(type, field), 0, 0, NULL}
#define CFG_IP4(key, req, type, field) {key, req, cfg_h_ip4, offsetof(type, field), 0, 0, NULL}
#define CFG_PREFIX(key, req, type, field)                                                          \
	{key, req, cfg_h_prefix, offsetof(type, field), 0, 0, NULL}
#define CFG_WORD(key, req, type, field, words)                                                     \
	{key, req, cfg_h_word, offsetof(type, field), 0, 0, words}
#define CFG_CUSTOM(key, req, fn) {key, req, fn, 0, 0, 0, NULL}
#define CFG_NKEYS(tbl) (sizeof(tbl) / sizeof((tbl)[0]))

/* "name:line:col: message" into c->err; returns -EINVAL. at may be NULL (no position). */
__attribute__((format(printf, 3, 4))) int cfg_err(struct cfg_ctx *c, const struct ynode *at,
						    const char *fmt, ...);
/* The same at a position in another file (name), or "name: message" for line 0. */
__attribute__((format(printf, 5, 6))) int cfg_err_pos(struct cfg_ctx *c, const char *name,
						    uint32_t line, uint32_t col,
						    const char *fmt, ...);
int cfg_nomem(struct cfg_ctx *c, const struct ynode *at);
/*
 * User text made safe to echo (ynode_quote): printable, cut to CFG_QUOTE_MAX,
 * "(hidden)" if it looks like key material. Never called on a key field.
 */
const char *cfg_quote(struct cfg_ctx *c, const struct ynode *v);

/*
 * Check that map is a mapping whose keys all appear in keys[], then run the row
 * of every key present, in table order, and report a missing required key at
 * the mapping. what names the object in messages ("interface").
 */
int cfg_walk(struct cfg_ctx *c, const struct ynode *map, const char *what,
	     const struct cfg_key *keys, size_t nkeys, void *obj);

/* Shape checks: "expected a list for 'interfaces' (got a mapping)". */
int cfg_expect_map(struct cfg_ctx *c, const struct ynode *v, const char *what);
int cfg_expect_seq(struct cfg_ctx *c, const struct ynode *v, const char *what, bool nonempty);
/* A non-null scalar without NUL bytes. */
int cfg_str(struct cfg_ctx *c, const struct ynode *v, const char *what, const char **out);

/*
 * Plain unsigned integer, decimal or 0x hex, in lo..hi. range names the
 * accepted values in messages; NULL means "lo..hi".
 */
int cfg_uint(struct cfg_ctx *c, const struct ynode *v, const char *what, uint64_t lo,
	     uint64_t hi, const char *range, uint64_t *out);
/* true/false/yes/no (YAML 1.1, any of the three capitalisations), unquoted. */
int cfg_bool(struct cfg_ctx *c, const struct ynode *v, const char *what, bool *out);
int cfg_ip4(struct cfg_ctx *c, const struct ynode *v, const char *what, uint32_t *out);
/* Network prefix: host bits must be zero. */
int cfg_prefix(struct cfg_ctx *c, const struct ynode *v, const char *what,
	       struct ip4_prefix *out);
/*
 * IPv6 (config_ip6.c): an address, and a prefix whose host bits must be zero,
 * with messages naming the IPv6 form ("X:X::X/0..128").
 */
int cfg_ip6(struct cfg_ctx *c, const struct ynode *v, const char *what, uint8_t out[IP6_LEN]);
int cfg_prefix6(struct cfg_ctx *c, const struct ynode *v, const char *what,
		struct ip6_prefix *out);
/* A scalar that can only be IPv6 (it holds ':'): read it with the readers above. */
bool cfg_ip6_text(const struct ynode *v);
/* Strict decimal: digits only, no sign, no leading zero, no overflow. */
bool cfg_parse_dec(const char *s, uint64_t *out);
/* Strict "A.B.C.D/LEN", LEN 0..32, host bits allowed (an interface address). */
bool cfg_parse_addr_len(const char *s, uint32_t *addr, uint8_t *len);
/* An interface's (or tunnel's) 'address': "A.B.C.D/1..32", host bits kept. */
int cfg_addr_len(struct cfg_ctx *c, const struct ynode *v, const char *what, uint32_t *addr,
		 uint8_t *len);
/* A name for an object: 1..47 characters out of [A-Za-z0-9._-] plus extra. */
int cfg_name(struct cfg_ctx *c, const struct ynode *v, const char *what, const char *extra,
	     char out[CFG_NAME_MAX]);

/* Generic row handlers: they write the field at k->off in obj. */
cfg_handler cfg_h_u16;
cfg_handler cfg_h_u32;
cfg_handler cfg_h_bool;
cfg_handler cfg_h_ip4;
cfg_handler cfg_h_prefix;
cfg_handler cfg_h_word;
/* 0 (anti-replay off) or 32..4096, into a uint32_t field. */
cfg_handler cfg_h_replay_window;
/*
 * A crypto map entry's IKE keys (config_crypto_maps.c), obj a struct
 * cfg_map_entry with peer set; tunnels reuse them for their protection.
 */
cfg_handler cfg_h_entry_profile;
cfg_handler cfg_h_entry_pfs;
cfg_handler cfg_h_entry_initiate;

/*
 * Duplicate detection over n keys in O(n log n): on a duplicate, *first and
 * *dup are the indices of the earliest repeated key's two occurrences.
 */
struct cfg_dupkey {
	uint64_t hi, lo;
	uint32_t idx;
	uint32_t ext;		/* more key bits (an IPv6 prefix length); compared before idx */
};
bool cfg_find_dup(struct cfg_dupkey *keys, uint32_t n, uint32_t *first, uint32_t *dup);
/* The key of an IPv6 prefix (or an address, len 128). */
struct cfg_dupkey cfg_dupkey6(const uint8_t a[IP6_LEN], uint8_t len, uint32_t idx);

/*
 * "a, b, c" out of an array of objects with a name at name_off, or "none",
 * for "(defined: ...)" in messages. Uses c->list.
 */
const char *cfg_list_names(struct cfg_ctx *c, const void *base, size_t n, size_t stride,
			   size_t name_off);

/*
 * Read a whole regular file of at most max bytes (what names it in messages:
 * "configuration", "manual SA file"); *mode gets its st_mode. The caller
 * wipes and frees the buffer (it holds keys). NULL and one line in err, which
 * names the limit and the file's size when the file is too large.
 */
char *cfg_read_file(const char *path, size_t max, const char *what, size_t *len,
		    unsigned int *mode, char *err, size_t errlen);

/*
 * Duplicate (direction, SPI, local address) among n SAs, which may come from
 * the YAML or the manual SA file (RFC 4303 section 2.1: the receiver finds an
 * inbound SA by SPI and destination). The message is at the later one.
 */
int cfg_check_spis(struct cfg_ctx *c, const struct cfg_manual_sa *sas, uint32_t n);
/* Where an SA was written, for messages: the YAML or the manual SA file. */
const char *cfg_sa_src(const struct cfg_ctx *c, const struct cfg_manual_sa *sa);

/* The tunnel named "Tunnel<N>" (any capitalisation) by its number, or CFG_NONE. */
uint32_t cfg_tunnel_find(const struct dpsec_config *cfg, const char *name);
/* "tunnel 'Tunnel9' not found (defined: Tunnel1, Tunnel2)" at v. */
int cfg_tunnel_not_found(struct cfg_ctx *c, const struct ynode *v);

/* manual_sa_file: path | {path, allow_unsafe_manual_gcm} (config_sa_file.c). */
cfg_handler cfg_h_manual_sa_file;

/* Sections, in config.c's dependency order. */
cfg_handler cfg_h_ikev2;
cfg_handler cfg_h_transform_sets;
cfg_handler cfg_h_crypto_maps;
cfg_handler cfg_h_interfaces;
cfg_handler cfg_h_tunnels;
cfg_handler cfg_h_routes;
cfg_handler cfg_h_manual_sas;

/* ---- IKEv2 (config_ikev2.c, config_ike_profiles.c, config_ike_words.c) ---- */

/* An IOS algorithm word and its IANA transform ID (and key bits, for ENCR). */
struct cfg_ike_word {
	const char *word;
	uint16_t id;
	uint16_t bits;
};

/* Tables end with a NULL word. */
extern const struct cfg_ike_word cfg_ike_encr_words[];
extern const struct cfg_ike_word cfg_ike_integ_words[];
extern const struct cfg_ike_word cfg_ike_prf_words[];

/* The word of (id, bits) in tbl (bits 0 outside ENCR), or NULL. */
const char *cfg_ike_word_of(const struct cfg_ike_word *tbl, uint16_t id, uint16_t bits);

/* "14, 15, 16, 19, 20, 21, 31": the DH groups config accepts, for messages. */
extern const char cfg_dh_groups[];
/*
 * A DH group number n read from v (a proposal's group, or a map entry's pfs):
 * accepted, or refused with the reason (weak: RFC 8247 section 2.4) or as
 * unknown.
 */
int cfg_dh_group(struct cfg_ctx *c, const struct ynode *v, uint64_t n, uint16_t *out);

/* The global IKEv2 settings' defaults (config_parse's set_defaults). */
void cfg_ikev2_defaults(struct cfg_ikev2 *k);
/*
 * After the whole file is read: the built-in default policy (and the
 * default proposals it names) when none was configured, and the checks that
 * need the interfaces (match_local). root is the document.
 */
int cfg_ikev2_finish(struct cfg_ctx *c, const struct ynode *root);
/* Frees cfg->ikev2, wiping every pre-shared key. */
void cfg_ikev2_free(struct cfg_ikev2 *k);

/* Keyrings and profiles: rows of the ikev2 section (config_ike_profiles.c). */
cfg_handler cfg_h_keyrings;
cfg_handler cfg_h_profiles;

#endif
