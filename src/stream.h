/*
 * stream.h - a single large input, cut into documents by split.c, where
 * only the documents that can matter are parsed and the Deployments are
 * planned, rewritten and checked one batch at a time, so that their trees
 * never all exist at once (stream.c says how).
 *
 * run.c hands it every single input first (but for a kustomization, or
 * with stsify_options.full_parse).  It gives the same findings and results as run.c's
 * whole parse for any input both accept, and hands an input back when it
 * cannot promise that.
 */
#ifndef STSIFY_STREAM_H
#define STSIFY_STREAM_H

#include "stsify.h"

struct session;

/*
 * Convert f (one input) with ses's options, rules, threads and report.
 * Returns 0 when done (f's status and result set, findings in ses->rep),
 * or 1 when the input must be parsed whole: then nothing was reported
 * and f is as it was.
 */
int stream_run(struct session *ses, struct stsify_file *f);

#endif
