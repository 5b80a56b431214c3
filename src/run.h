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

/* The same, with the workloads that rendered builds need converted
 * (need[0..nneed), rules.h; the command's truth.c finds them). */
struct build_need;
int run_rewrite_needs(const struct stsify_options *opt, struct stsify_file *files, size_t n,
		      const struct build_need *need, size_t nneed, struct report *rep);

#endif
