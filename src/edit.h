/*
 * edit.h - text edits on the original bytes, applied in one pass, and the
 * pieces a result is made of.
 *
 * An edit replaces [start, end) of the original buffer with text (start ==
 * end: an insertion).  Edits never overlap; insertions at the same offset
 * keep the order in which they were added.  No edits: the exact input.
 *
 * An edit that removes the last lines of a file without a final newline
 * must also take the line break before them, so that the file still ends
 * without one.  That break may belong to another edit's range (a block
 * removed just above) or come after text another edit inserts there, so it
 * is not part of the range: eat_eol says to drop the line break that ends
 * the output so far, whatever wrote it.
 */
#ifndef STSIFY_EDIT_H
#define STSIFY_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct edit {
	size_t start, end;
	char *text;		/* owned */
	size_t seq;		/* order of addition, for stable sorting */
	size_t dep;		/* the Deployment plan it belongs to */
	bool eat_eol;		/* drop the line break before it (see above) */
};

struct edits {
	struct edit *e;
	size_t n, alloc;
};
#define EDITS_INIT { NULL, 0, 0 }

/* Add an edit; takes a copy of text[0..len). */
void edits_add(struct edits *ed, size_t start, size_t end, const char *text, size_t len, size_t dep);
/* Sort the edits by place (insertions at one offset in the order added). */
void edits_sort(struct edits *ed);
/*
 * Sort the edits and write buf with them applied to out.  Returns 0, or -1
 * when two edits overlap (*bad is then an edit of the pair: a bug in
 * lowering, never bad input).
 */
int edits_apply(struct edits *ed, const char *buf, size_t len, struct strbuf *out,
		const struct edit **bad);
/* The same for buf[start, end) only: every edit must lie inside it. */
int edits_apply_range(struct edits *ed, const char *buf, size_t start, size_t end,
		      struct strbuf *out, const struct edit **bad);
void edits_release(struct edits *ed);

/*
 * A result given as replacements instead of whole new bytes: [start, end)
 * of the input becomes text[0..len).  A large input's result is the input
 * with a few pieces replaced, written out without building the new text
 * (stsify_file_write()).  Pieces are in order and do not overlap.
 */
struct piece {
	size_t start, end;
	char *text;		/* owned */
	size_t len;
};

struct stsify_pieces {
	struct piece *p;
	size_t n, alloc;
};
#define PIECES_INIT { NULL, 0, 0 }

/* Append a piece; takes text (malloc'd, NUL-terminated at len). */
void pieces_add(struct stsify_pieces *pcs, size_t start, size_t end, char *text, size_t len);
/* Move the pieces of from to the end of pcs (from is left empty). */
void pieces_take(struct stsify_pieces *pcs, struct stsify_pieces *from);
void pieces_release(struct stsify_pieces *pcs);

/*
 * The edits of ed, applied (sorted) by edits_apply_range() to buf[start,
 * ...), as pieces appended to pcs: each edit's text is taken (ed is
 * released).  An edit with eat_eol drops the line break that ends the
 * output before it, from the piece before it or from the input's bytes.
 */
void edits_to_pieces(struct edits *ed, const char *buf, size_t start, struct stsify_pieces *pcs);

#endif
