/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libyaml events -> struct ynode tree. The builder keeps the open collections
 * on an explicit stack bounded by YTREE_MAX_DEPTH, so hostile nesting cannot
 * exhaust the C stack, and counts nodes against YTREE_MAX_NODES.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "dpsec/secret.h"
#include "yaml_tree.h"

struct builder {
	const char *name;
	char *err;
	size_t errlen;
	const char *text;
	size_t len;
	struct ynode *root;
	struct ynode *stack[YTREE_MAX_DEPTH];
	unsigned int depth;
	uint32_t nodes;
	unsigned int docs;
};

__attribute__((format(printf, 4, 5))) static int
fail(struct builder *b, uint32_t line, uint32_t col, const char *fmt, ...)
{
	int n;

	if (b->err == NULL || b->errlen == 0)
		return -EINVAL;
	n = snprintf(b->err, b->errlen, "%s:%u:%u: ", b->name, line, col);
	if (n >= 0 && (size_t)n < b->errlen) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int
fail_at(struct builder *b, yaml_mark_t m, const char *msg)
{
	return fail(b, (uint32_t)m.line + 1, (uint32_t)m.column + 1, "%s", msg);
}

/* Reader errors carry a byte offset rather than a mark: count lines ourselves. */
static void
offset_pos(const struct builder *b, size_t off, uint32_t *line, uint32_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < b->len; i++) {
		if (b->text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int
syntax_error(struct builder *b, const yaml_parser_t *p)
{
	uint32_t line, col;

	if (p->error == YAML_MEMORY_ERROR)
		return fail(b, 1, 1, "out of memory while parsing YAML");
	if (p->error == YAML_READER_ERROR) {
		offset_pos(b, p->problem_offset, &line, &col);
		return fail(b, line, col, "YAML syntax error: %s",
			    p->problem ? p->problem : "unreadable input");
	}
	line = (uint32_t)p->problem_mark.line + 1;
	col = (uint32_t)p->problem_mark.column + 1;
	if (p->context != NULL)
		return fail(b, line, col, "YAML syntax error: %s (%s at %u:%u)",
			    p->problem ? p->problem : "invalid YAML", p->context,
			    (uint32_t)p->context_mark.line + 1,
			    (uint32_t)p->context_mark.column + 1);
	return fail(b, line, col, "YAML syntax error: %s",
		    p->problem ? p->problem : "invalid YAML");
}

static void
node_free(struct ynode *n)
{
	if (n == NULL)
		return;
	for (uint32_t i = 0; i < n->n; i++)
		node_free(n->kids[i]);
	free(n->kids);
	if (n->str != NULL) {
		/* Scalars may be key material (manual SA keys). */
		mem_wipe(n->str, n->len);
		free(n->str);
	}
	free(n);
}

void
ytree_free(struct ynode *root)
{
	node_free(root);
}

static int
append(struct builder *b, struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		uint32_t cap = parent->cap ? parent->cap * 2 : 4;
		struct ynode **k = realloc(parent->kids, cap * sizeof(*k));

		if (k == NULL)
			return fail(b, kid->line, kid->col, "out of memory");
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* Hand a new node to its parent (or make it the root); on failure the caller frees it. */
static int
attach(struct builder *b, struct ynode *n)
{
	struct ynode *parent;

	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == YNODE_MAP && parent->n % 2 == 0 && n->type != YNODE_SCALAR)
		return fail(b, n->line, n->col,
			    "mapping keys must be plain strings (got %s)", ynode_kind(n));
	return append(b, parent, n);
}

static int
refuse_decorations(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
		   const yaml_char_t *tag)
{
	if (anchor != NULL)
		return fail_at(b, ev->start_mark,
			       "YAML anchors are not allowed (write the value out in full)");
	if (tag != NULL)
		return fail_at(b, ev->start_mark, "YAML tags are not allowed");
	return 0;
}

static struct ynode *
node_new(struct builder *b, const yaml_event_t *ev, enum ynode_type type)
{
	struct ynode *n;

	if (b->nodes >= YTREE_MAX_NODES) {
		fail(b, (uint32_t)ev->start_mark.line + 1, (uint32_t)ev->start_mark.column + 1,
		     "too many YAML nodes: this is node %u, the limit is %u (SAs in bulk belong in "
		     "manual_sa_file)", b->nodes + 1, YTREE_MAX_NODES);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL) {
		fail_at(b, ev->start_mark, "out of memory");
		return NULL;
	}
	b->nodes++;
	n->type = type;
	n->line = (uint32_t)ev->start_mark.line + 1;
	n->col = (uint32_t)ev->start_mark.column + 1;
	return n;
}

static int
on_scalar(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;
	int rc = refuse_decorations(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);

	if (rc < 0)
		return rc;
	n = node_new(b, ev, YNODE_SCALAR);
	if (n == NULL)
		return -ENOMEM;
	/* Take libyaml's buffer rather than copy it: one fewer copy of any key to wipe. */
	n->str = (char *)ev->data.scalar.value;
	n->len = ev->data.scalar.length;
	ev->data.scalar.value = NULL;
	if (n->str == NULL)
		n->str = calloc(1, 1);
	if (n->str == NULL) {
		free(n);
		return fail_at(b, ev->start_mark, "out of memory");
	}
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	rc = attach(b, n);
	if (rc < 0)
		node_free(n);
	return rc;
}

static int
on_collection_start(struct builder *b, const yaml_event_t *ev, enum ynode_type type)
{
	const yaml_char_t *anchor, *tag;
	struct ynode *n;
	int rc;

	anchor = type == YNODE_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	tag = type == YNODE_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	rc = refuse_decorations(b, ev, anchor, tag);
	if (rc < 0)
		return rc;
	if (b->depth == YTREE_MAX_DEPTH)
		return fail(b, (uint32_t)ev->start_mark.line + 1,
			    (uint32_t)ev->start_mark.column + 1,
			    "YAML nesting is too deep: level %u, the limit is %u", b->depth + 1,
			    YTREE_MAX_DEPTH);
	n = node_new(b, ev, type);
	if (n == NULL)
		return -ENOMEM;
	rc = attach(b, n);
	if (rc < 0) {
		node_free(n);
		return rc;
	}
	b->stack[b->depth++] = n;
	return 0;
}

struct keyref {
	const struct ynode *key;
	uint32_t idx;
};

static int
key_cmp(const struct ynode *x, const struct ynode *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->str, y->str, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = key_cmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Sort the keys (O(n log n), a mapping may be large) and report the earliest
 * second occurrence of any key, pointing at it and at the first one.
 */
static int
check_duplicate_keys(struct builder *b, const struct ynode *m)
{
	uint32_t nk = ynode_map_len(m), dup = UINT32_MAX, first = 0;
	const struct ynode *k, *f;
	struct keyref *refs;
	char shown[48];

	if (nk < 2)
		return 0;
	refs = calloc(nk, sizeof(*refs));
	if (refs == NULL)
		return fail(b, m->line, m->col, "out of memory");
	for (uint32_t i = 0; i < nk; i++)
		refs[i] = (struct keyref){ynode_map_key(m, i), i};
	qsort(refs, nk, sizeof(*refs), keyref_cmp);
	for (uint32_t i = 1; i < nk; i++) {
		/* Equal keys sort by position, so refs[i - 1] is the earlier one. */
		if (key_cmp(refs[i].key, refs[i - 1].key) == 0 && refs[i].idx < dup) {
			dup = refs[i].idx;
			first = refs[i - 1].idx;
		}
	}
	free(refs);
	if (dup == UINT32_MAX)
		return 0;
	k = ynode_map_key(m, dup);
	f = ynode_map_key(m, first);
	return fail(b, k->line, k->col, "duplicate key '%s' (first at %u:%u)",
		    ynode_quote(k, shown, sizeof(shown)), f->line, f->col);
}

static int
on_collection_end(struct builder *b)
{
	struct ynode *n;

	if (b->depth == 0)	/* libyaml balances events; do not trust it blindly */
		return 0;
	n = b->stack[--b->depth];

	return n->type == YNODE_MAP ? check_duplicate_keys(b, n) : 0;
}

static int
on_document_start(struct builder *b, const yaml_event_t *ev)
{
	if (b->docs++ > 0)
		return fail_at(b, ev->start_mark,
			       "multiple YAML documents are not allowed (one configuration per file)");
	if (ev->data.document_start.tag_directives.start != ev->data.document_start.tag_directives.end)
		return fail_at(b, ev->start_mark, "YAML %TAG directives are not allowed");
	return 0;
}

static int
on_event(struct builder *b, yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		return on_document_start(b, ev);
	case YAML_ALIAS_EVENT:
		return fail_at(b, ev->start_mark,
			       "YAML aliases are not allowed (write the value out in full)");
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(b, ev, YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(b, ev, YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_collection_end(b);
	default:
		return 0;
	}
}

/* libyaml frees its input windows without wiping them; they held the key text too. */
static void
parser_wipe(yaml_parser_t *p)
{
	if (p->buffer.start != NULL)
		mem_wipe(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
	if (p->raw_buffer.start != NULL)
		mem_wipe(p->raw_buffer.start, (size_t)(p->raw_buffer.end - p->raw_buffer.start));
}

struct ynode *
ytree_load(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct builder b = {.name = name, .err = err, .errlen = errlen, .text = text, .len = len};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	if (len > YTREE_MAX_TEXT) {
		fail(&b, 1, 1, "configuration is too large: %zu bytes, the limit is %u", len,
		     YTREE_MAX_TEXT);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		fail(&b, 1, 1, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(&b, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	parser_wipe(&parser);
	yaml_parser_delete(&parser);
	if (rc == 0 && b.root == NULL)
		rc = fail(&b, 1, 1, "configuration is empty (expected a mapping with 'interfaces')");
	if (rc < 0) {
		ytree_free(b.root);
		return NULL;
	}
	return b.root;
}

const struct ynode *
ynode_map_get(const struct ynode *m, const char *key)
{
	size_t kl = strlen(key);

	if (m == NULL || m->type != YNODE_MAP)
		return NULL;
	for (uint32_t i = 0; i < ynode_map_len(m); i++) {
		const struct ynode *k = ynode_map_key(m, i);

		if (k->len == kl && memcmp(k->str, key, kl) == 0)
			return ynode_map_val(m, i);
	}
	return NULL;
}

bool
ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YNODE_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->str, nulls[i]) == 0 && n->len == strlen(nulls[i]))
			return true;
	return false;
}

bool
ytree_looks_secret(const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			   (s[i] >= 'A' && s[i] <= 'F');

		run = hex ? run + 1 : 0;
		if (run >= 16)
			return true;
	}
	return false;
}

const char *
ynode_quote(const struct ynode *n, char *buf, size_t len)
{
	size_t i, max;

	if (len < 12) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	if (n->type != YNODE_SCALAR) {
		snprintf(buf, len, "%s", ynode_kind(n));
		return buf;
	}
	if (ytree_looks_secret(n->str, n->len)) {
		snprintf(buf, len, "(hidden)");
		return buf;
	}
	max = len - 4;	/* room for "..." and NUL */
	for (i = 0; i < n->len && i < max; i++)
		buf[i] = n->str[i] >= 0x20 && n->str[i] < 0x7f ? n->str[i] : '?';
	buf[i] = '\0';
	if (i < n->len)
		memcpy(buf + i, "...", 4);
	return buf;
}

const char *
ynode_kind(const struct ynode *n)
{
	switch (n->type) {
	case YNODE_MAP:
		return "a mapping";
	case YNODE_SEQ:
		return "a list";
	default:
		return ynode_is_null(n) ? "an empty value" : "a string";
	}
}
