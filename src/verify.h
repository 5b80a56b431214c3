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

/* Returns 0 when buf[0..len) is what the plan says; else -1 and *why. */
int verify_input(const struct plan *p, size_t in, const struct source *src,
		 const struct ystream *ys, const char *buf, size_t len, char **why);
/*
 * The same for part of an input: buf[0..len) replaces the bytes of the
 * documents [d0, d1) of ys (from the start of d0 to the end of d1 - 1) and
 * must be those documents with the plan applied, followed by the documents
 * the plan adds after them.  ops[0..nops) are the indices of the
 * operations of input in that may concern them (others are ignored).  yp
 * is the parser to use (ytree.h), or NULL for a new one.
 */
int verify_docs(const struct plan *p, size_t in, const struct source *src, const struct ystream *ys,
		size_t d0, size_t d1, const size_t *ops, size_t nops, const char *buf, size_t len,
		struct yparser *yp, char **why);

#endif
