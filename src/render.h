/*
 * render.h - new YAML text in the style of the document it goes into.
 *
 * The planner describes new content (serviceName, volumeClaimTemplates, the
 * headless Service) as a small value tree, struct val.  The renderer turns
 * it into text: block YAML with the document's indentation width, sequence
 * indentation and line ending, or flow text in JSON style (quoted keys) for
 * flow collections and JSON files.  Rendered scalars re-parse to the same
 * value: a string that plain style would read as something else ("yes",
 * "1.0", "0755", "", "null") is quoted.
 *
 * Ownership: a val owns its strings and children; val_free() frees a tree.
 */
#ifndef STSIFY_RENDER_H
#define STSIFY_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct source;
struct ydoc;
struct ynode;

enum val_kind { VAL_SCALAR, VAL_MAP, VAL_SEQ };

struct val {
	enum val_kind kind;
	char *str;		/* SCALAR */
	bool is_string;		/* SCALAR: a string (quoted when plain is ambiguous) */
	char **key;		/* MAP keys */
	struct val **item;	/* MAP values / SEQ items */
	size_t n, alloc;
};

struct val *val_map(void);
struct val *val_seq(void);
struct val *val_str(const char *s);	/* a string */
struct val *val_raw(const char *s);	/* a plain literal: 8080, true, None */
/* Add to a map, or replace the value of key in place (takes ownership of
 * v; a replaced value is freed); returns v. */
struct val *val_set(struct val *map, const char *key, struct val *v);
struct val *val_push(struct val *seq, struct val *v);
/* Put the keys of map v (and of the maps and sequences in it, item by
 * item) that like has first, in like's order; the others follow in their
 * own.  Kustomize writes keys sorted: a rendered value takes the order of
 * the manifest it came from. */
void val_order_like(struct val *v, const struct val *like);
/* Insert into a map at position at (takes ownership of v); returns v. */
struct val *val_insert(struct val *map, size_t at, const char *key, struct val *v);
struct val *val_get(const struct val *map, const char *key);
/* The map at key of map: made (in place of any other value) when it is
 * not one.  val_submap(val_submap(spec, "resources"), "requests"). */
struct val *val_submap(struct val *map, const char *key);
/* Deep copy of a source node (aliases become null). */
struct val *val_from_ynode(const struct ynode *n);
struct val *val_copy(const struct val *v);
void val_free(struct val *v);

/* The formatting conventions of one document. */
struct style {
	unsigned indent;	/* indentation width of nested block mappings */
	unsigned seq_indent;	/* columns a "-" sits right of its parent key */
	unsigned dash_gap;	/* columns from "-" to the item's first key */
	const char *eol;	/* "\n" or "\r\n" */
	bool json;		/* the document is JSON: new text in JSON style */
};

void style_detect(struct style *st, const struct source *src, const struct ydoc *doc);
/* Column (0-based, bytes) of offset off in src. */
unsigned source_col(const struct source *src, size_t off);

/*
 * Block YAML for "key: value" with the key at column col, every line ended
 * by st->eol (including the last).
 */
void render_block_pair(struct strbuf *out, const struct style *st, unsigned col,
		       const char *key, const struct val *v);
/* Block YAML for a sequence item with its "-" at column dashcol. */
void render_block_item(struct strbuf *out, const struct style *st, unsigned dashcol,
		       const struct val *v);
/* Block YAML for a whole document root mapping at column 0. */
void render_block_doc(struct strbuf *out, const struct style *st, const struct val *v);
/*
 * Flow (JSON-style) text for v.  With pretty, nested collections are
 * broken over lines, each line indented by col + depth * st->indent.
 */
void render_flow(struct strbuf *out, const struct style *st, const struct val *v,
		 bool pretty, unsigned col);
/* A scalar as it must be written in block or flow context. */
void render_scalar(struct strbuf *out, const struct val *v, bool json);
/* Compile the renderer's patterns: needed before rendering from several
 * threads (otherwise they are compiled on first use). */
void render_init(void);
/* Free the renderer's compiled patterns (at the end of a run). */
void render_release(void);
/* A mapping key. */
void render_key(struct strbuf *out, const char *key, bool json);

#endif
