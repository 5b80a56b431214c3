/*
 * lower.h - turn the plan's operations on one input into text edits.
 *
 * Removals take whole lines in block collections (a comment on the line of
 * a removed entry goes with it, and so do the comment lines just above it
 * at its column; other comments stay) and the entry with its separator in
 * flow collections.
 * Insertions are rendered in the document's style (render.h) at the column
 * of the mapping's keys, or in JSON style inside flow collections.
 */
#ifndef STSIFY_LOWER_H
#define STSIFY_LOWER_H

#include <stddef.h>

#include "codes.h"

struct edits;
struct plan;
struct source;
struct ystream;

/* What to lower: the operations of one plan input on its span trees. */
struct lower_job {
	const struct plan *p;
	size_t in;			/* the plan input whose operations are lowered */
	const struct source *src;	/* its bytes */
	const struct ystream *ys;	/* its documents (all of them, or those of a part) */
	/* the operations p->op[ops[0..nops)], in increasing order (those not
	 * on input in are ignored); ops NULL: every operation of input in */
	const size_t *ops;
	size_t nops;
};

/* Why an operation could not be lowered. */
struct lower_error {
	size_t dep;		/* the Deployment plan to abandon */
	enum code code;		/* CODE_UNSUPPORTED_LAYOUT, CODE_UNSUPPORTED_ALIAS */
	char *why;		/* malloc'd: the caller frees it */
};

/*
 * Add the edits of lj's operations to ed.  Returns 0, or -1 when an
 * operation cannot be lowered safely (err says which Deployment plan and
 * why; ed then holds part of the edits).  An edit that touches an anchored
 * node (or one that holds an anchor) would change every alias of it too:
 * refused.  Only rewrite.c calls it (and the unit tests).
 */
int lower_edits(const struct lower_job *lj, struct edits *ed, struct lower_error *err);

#endif
