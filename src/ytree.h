/*
 * ytree.h - the span tree: every YAML node of a stream with its byte range.
 *
 * libfyaml's event API gives byte offsets on events and scalar tokens but not
 * true ranges for collections (see ../shared/LIBFYAML.md), so ytree rebuilds
 * them: a block collection spans from its first child to its last, a quoted
 * scalar includes its quotes, a block scalar starts at its `|`/`>` indicator.
 * Nothing is copied but scalar values; a node is a span of source bytes.
 *
 * Invariants:
 *   - start <= end, and [start, end) is the node's text without anchor/tag
 *     properties; [prop, start) holds them (prop == start when none);
 *   - a MAP has 2*n kids: key, value, key, value ...; a SEQ has its items;
 *   - dash is the offset of an item's `-` in a block sequence, else NOPOS;
 *   - every node of a stream lives in the stream's arena and dies with it.
 */
#ifndef STSIFY_YTREE_H
#define STSIFY_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOPOS SIZE_MAX

/*
 * Deepest nesting of collections accepted: libfyaml's document API (used by
 * verify) stops at 64 levels, and Kubernetes objects come nowhere near it.
 */
#define YTREE_MAX_DEPTH 64

enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ, YNODE_ALIAS };

enum ynode_style {
	YSTYLE_BLOCK,	/* block collection */
	YSTYLE_FLOW,	/* flow collection: { } or [ ] */
	YSTYLE_PLAIN,
	YSTYLE_SQUOTE,
	YSTYLE_DQUOTE,
	YSTYLE_LITERAL,
	YSTYLE_FOLDED,
};

struct ynode {
	enum ynode_kind kind;
	enum ynode_style style;
	size_t prop;		/* start of anchor/tag, or == start */
	size_t start, end;	/* the node's text, half-open */
	size_t dash;		/* block sequence item: offset of its '-' */
	bool anchored;		/* has an &anchor */
	bool tagged;		/* has a !tag */
	const char *text;	/* SCALAR: value after unescaping; ALIAS: name */
	size_t tlen;
	struct ynode *parent;
	struct ynode **kid;
	size_t nkid;
};

struct ydoc {
	size_t start;		/* first byte that belongs to the document */
	size_t end;		/* one past its last byte (next document's start) */
	size_t marker;		/* offset of its "---", or NOPOS */
	size_t end_marker;	/* offset of its "...", or NOPOS */
	size_t content_end;	/* end of the root node's text */
	struct ynode *root;	/* NULL for an empty document */
	bool has_alias;		/* an alias (or merge key) appears in it */
};

struct yarena;

struct ystream {
	struct ydoc *doc;
	size_t ndoc;
	struct yarena *arena;
	/* on error: */
	size_t err_off;		/* offset of the error, or NOPOS */
	int err_line, err_col;	/* 1-based, 0 when unknown */
	char *err_msg;
};

/*
 * Parse buf[0..len) into ys. Returns 0 on success, -1 when the input is not
 * valid YAML, or has duplicate keys, collections nested more than
 * YTREE_MAX_DEPTH deep, NUL or other control bytes, or malformed UTF-8;
 * err_* then say where and why.  Either
 * way ystream_release() must be called.
 */
int ystream_parse(struct ystream *ys, const char *buf, size_t len);
/* The same with another depth limit (verify: a rewrite nests a claim's spec
 * a few levels deeper than the input did). */
int ystream_parse_depth(struct ystream *ys, const char *buf, size_t len, size_t max_depth);
void ystream_release(struct ystream *ys);

/* Lookups.  All accept NULL and return NULL when absent. */
struct ynode *ynode_get(const struct ynode *map, const char *key);
struct ynode *ynode_key_of(const struct ynode *value);	/* key of a map value */
struct ynode *ynode_path(const struct ynode *n, ...);	/* keys, NULL-terminated */
bool ynode_is(const struct ynode *n, const char *s);	/* scalar equal to s */
bool ynode_is_scalar(const struct ynode *n);
size_t ynode_count(const struct ynode *n);		/* map pairs or seq items */
/* Scalar text as a NUL-terminated arena string (value, not source text). */
const char *ynode_str(const struct ynode *n);
/* Parse a scalar as a non-negative integer; -1 if it is not one. */
long long ynode_int(const struct ynode *n);

#endif
