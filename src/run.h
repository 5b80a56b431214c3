/*
 * run.h - the pipeline, for the front ends (cli.c, krm.c) and for api.c,
 * which wraps it as stsify_run() of include/stsify.h.
 */
#ifndef STSIFY_RUN_H
#define STSIFY_RUN_H

#include <stddef.h>

#include "stsify.h"

struct report;

/*
 * Plan and rewrite files[0..n) as one set of resources, adding findings to
 * rep (run.c).  Returns 0, or -1 when an option is invalid (a "usage"
 * finding says why; nothing was processed).  A fatal error (util.h) jumps
 * to the caller's recovery point, or ends the process when it has none.
 */
int run_rewrite(const struct stsify_options *opt, struct stsify_file *files, size_t n,
		struct report *rep);

/*
 * The same, with the last ncontext of files[0..n) read-only context (the
 * command's context.h finds them: the rest of a file operand's build) and
 * the workloads that rendered builds need converted (need[0..nneed),
 * rules.h; the command's truth.c finds them).
 *
 * Context is planned with the operands as one set of resources, so that
 * an operand converts as it does with its whole build, but is never
 * changed: its status stays STSIFY_UNCHANGED (or FAILED, SKIPPED) and out
 * NULL.  Where an operation crosses the line (a context file would change
 * for a workload of an operand, or an operand for a workload of a context
 * file) a context-not-edited finding at the operand says so, once per file
 * and workload.  The findings located in context files, and their
 * workloads' summaries, are the caller's to drop (context_drop()).
 */
struct build_need;
int run_rewrite_needs(const struct stsify_options *opt, struct stsify_file *files, size_t n,
		      size_t ncontext, const struct build_need *need, size_t nneed, struct report *rep);

#endif
