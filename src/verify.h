/*
 * verify.h - check a rewritten input before anything is written or printed.
 *
 * The new bytes are parsed again (ytree) and compared with the plan,
 * independently of lowering: each changed document's new tree must be its
 * original tree as the plan's operations leave it (verify.c says how the
 * two are walked together).  Documents the plan does not touch must be
 * byte-identical; added documents must equal the planned value.
 */
#ifndef STSIFY_VERIFY_H
#define STSIFY_VERIFY_H

#include <stddef.h>

struct plan;
struct source;
struct ystream;

struct yparser;

/*
 * What to check: buf[0..len) replaces the bytes of the documents [d0, d1)
 * of ys (from the start of d0 to the end of d1 - 1) and must be those
 * documents with the plan's operations on input in applied, followed by
 * the documents the plan adds after them.
 */
struct verify_job {
	const struct plan *p;
	size_t in;			/* the plan input */
	const struct source *src;	/* its original bytes */
	const struct ystream *ys;	/* its original documents */
	size_t d0, d1;
	/* the operations that may concern them: p->op[ops[0..nops)] (others
	 * are ignored); ops NULL: every operation of input in */
	const size_t *ops;
	size_t nops;
	const char *buf;		/* the new bytes */
	size_t len;
	struct yparser *yp;		/* the parser to use (ytree.h), or NULL for a new one */
};

/* Returns 0 when vj->buf is what the plan says; else -1 and *why
 * (malloc'd).  Only rewrite.c calls it (and the unit tests). */
int verify_docs(const struct verify_job *vj, char **why);

#endif
