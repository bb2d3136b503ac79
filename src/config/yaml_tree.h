/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A YAML document loaded into a small tree (scalar / mapping / sequence) that
 * remembers where every node started, so that the schema walk can report
 * "path:line:col" for errors it finds long after libyaml is gone.
 *
 * Only the plain data subset of YAML is accepted: anchors, aliases (the
 * billion-laughs vector), tags and multiple documents are refused, nesting depth
 * and the number of nodes are bounded, and duplicate keys in a mapping are an
 * error rather than "last one wins".
 */
#ifndef DPSEC_CONFIG_YAML_TREE_H
#define DPSEC_CONFIG_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YTREE_MAX_DEPTH 32
#define YTREE_MAX_NODES (1u << 18)
#define YTREE_MAX_TEXT (16u << 20)	/* bytes of YAML text */

enum ynode_type {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ,
};

struct ynode {
	enum ynode_type type;
	bool plain;		/* scalar written without quotes: may be a number, bool or null */
	uint32_t line;		/* 1-based */
	uint32_t col;		/* 1-based */
	char *str;		/* scalar text, NUL-terminated (may also contain NULs: see len) */
	size_t len;
	struct ynode **kids;	/* sequence: items; mapping: key, value, key, value, ... */
	uint32_t n;		/* number of kids */
	uint32_t cap;
};

/*
 * Parse len bytes of text. On failure return NULL and write one line into err:
 * "name:line:col: what is wrong".
 */
struct ynode *ytree_load(const char *name, const char *text, size_t len, char *err,
			 size_t errlen);

/* Free the tree, wiping every scalar (they may hold keys). Accepts NULL. */
void ytree_free(struct ynode *root);

/* Number of key/value pairs of a mapping. */
static inline uint32_t
ynode_map_len(const struct ynode *m)
{
	return m->n / 2;
}

static inline const struct ynode *
ynode_map_key(const struct ynode *m, uint32_t i)
{
	return m->kids[2 * i];
}

static inline const struct ynode *
ynode_map_val(const struct ynode *m, uint32_t i)
{
	return m->kids[2 * i + 1];
}

/* The value of key in mapping m, or NULL. */
const struct ynode *ynode_map_get(const struct ynode *m, const char *key);

/* A plain scalar that YAML 1.1 reads as null: empty, "~", "null", "Null", "NULL". */
bool ynode_is_null(const struct ynode *n);

/* At least 16 hex digits in a row: looks like key material, never echo it. */
bool ytree_looks_secret(const char *s, size_t len);

/*
 * A scalar's text made safe for a one-line message: printable ASCII only, cut
 * to len - 1 with "...", and "(hidden)" if it looks like key material.
 */
const char *ynode_quote(const struct ynode *n, char *buf, size_t len);

/* "a string", "a list", "a mapping" or "an empty value", for error messages. */
const char *ynode_kind(const struct ynode *n);

#endif
