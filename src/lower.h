/*
 * lower.h - turn the plan's operations on one input into text edits.
 *
 * Removals take whole lines in block collections (a comment on the line of
 * a removed entry goes with it; comments on lines of their own before and
 * after stay) and the entry with its separator in flow collections.
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

/*
 * Add the edits of input `in` to ed.  Returns 0, or -1 when an operation
 * cannot be lowered safely: *bad_dep is then the Deployment plan to abandon,
 * *code the finding code (CODE_UNSUPPORTED_LAYOUT, CODE_UNSUPPORTED_ALIAS) and
 * *why (malloc'd) says why.  An edit that touches an anchored node (or one
 * that holds an anchor) would change every alias of it too: refused.
 */
int lower_input(const struct plan *p, size_t in, const struct source *src,
		const struct ystream *ys, struct edits *ed, size_t *bad_dep, enum code *code,
		char **why);
/* The same for the operations p->op[ops[0..nops)] only, in increasing
 * order (every operation on input in that lower_input() would see; others
 * are ignored). */
int lower_ops(const struct plan *p, size_t in, const size_t *ops, size_t nops,
	      const struct source *src, const struct ystream *ys, struct edits *ed, size_t *bad_dep,
	      enum code *code, char **why);

#endif
