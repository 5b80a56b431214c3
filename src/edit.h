/*
 * edit.h - text edits on the original bytes, applied in one pass.
 *
 * An edit replaces [start, end) of the original buffer with text (start ==
 * end: an insertion).  Edits never overlap; insertions at the same offset
 * keep the order in which they were added.  No edits: the exact input.
 */
#ifndef STSIFY_EDIT_H
#define STSIFY_EDIT_H

#include <stddef.h>

#include "util.h"

struct edit {
	size_t start, end;
	char *text;		/* owned */
	size_t seq;		/* order of addition, for stable sorting */
	size_t dep;		/* the Deployment plan it belongs to */
};

struct edits {
	struct edit *e;
	size_t n, alloc;
};
#define EDITS_INIT { NULL, 0, 0 }

/* Add an edit; takes a copy of text[0..len). */
void edits_add(struct edits *ed, size_t start, size_t end, const char *text, size_t len, size_t dep);
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

#endif
