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

/* 56 bytes (a stream holds millions): offsets and counts are 32-bit, so
 * an input is at most 4 GiB (a larger one is a parse error). */
struct ynode {
	unsigned char kind;	/* enum ynode_kind */
	unsigned char style;	/* enum ynode_style */
	bool anchored;		/* has an &anchor */
	bool tagged;		/* has a !tag */
	uint32_t prop;		/* start of anchor/tag, or == start */
	uint32_t start, end;	/* the node's text, half-open */
	uint32_t tlen;
	uint32_t nkid;
	size_t dash;		/* block sequence item: offset of its '-', or NOPOS */
	const char *text;	/* SCALAR: value after unescaping; ALIAS: name */
	struct ynode *parent;
	struct ynode **kid;
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
	size_t ndoc, adoc;
	struct yarena *arena;
	/* on error: */
	size_t err_off;		/* offset of the error, or NOPOS */
	int err_line, err_col;	/* libfyaml's, 1-based (the column counts
				 * characters), 0 when unknown */
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

/*
 * Piecewise parsing (split.h): ystream_init() makes an empty stream, and
 * ystream_append() parses buf[start, end) on its own and appends its
 * documents, every offset counted from buf (so the trees are those a parse
 * of the whole of buf would give, for documents that start at start).
 * A yparser is libfyaml's parser and diagnostics, reused from one call to
 * the next; one per thread.  Errors are as for ystream_parse(), except that
 * err_line is counted from the line of start.
 */
struct yparser;
struct yparser *yparser_new(void);
void yparser_free(struct yparser *yp);
void ystream_init(struct ystream *ys);
int ystream_append(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
		   size_t end);
int ystream_append_depth(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
			 size_t end, size_t max_depth);
/* ystream_append() for text the caller has checked (ytext_check()). */
int ystream_append_checked(struct ystream *ys, struct yparser *yp, const char *buf, size_t start,
			   size_t end);
/*
 * Is buf[start, len) text that libfyaml reads right (see ystream_parse():
 * no NUL or other control bytes, valid UTF-8, LF or CRLF line breaks, not
 * UTF-16/32 when start is 0)?  0, or -1 with *off and msg[0..msgsize) set
 * to the first problem.  start must not be inside a UTF-8 sequence.
 */
int ytext_check(const char *buf, size_t start, size_t len, size_t *off, char *msg, size_t msgsize);
/* Move the documents (and nodes) of from to the end of ys; from is released. */
void ystream_join(struct ystream *ys, struct ystream *from);

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
