/*
 * result.h - what a run gives back (include/stsify.h): each file's result
 * and, in the report, the plan's decision per Deployment.
 *
 * A file's result is built from pieces (edit.h): result_set() makes it the
 * whole new text, or keeps the pieces when the caller asked for no out (a
 * large input: stsify_file_write() writes the input's bytes between them
 * without building the new text).  stsify_file_write() and
 * stsify_file_release() (the public API) are here too.
 */
#ifndef STSIFY_RESULT_H
#define STSIFY_RESULT_H

#include <stdbool.h>

#include "edit.h"
#include "stsify.h"

struct plan;
struct plan_input;
struct report;

/* Set f's result from pcs (taken over: pcs is left empty): f->status becomes CHANGED when a
 * piece differs from what it replaces, and out is built unless no_out. */
void result_set(struct stsify_file *f, struct stsify_pieces *pcs);

/* Copy the plan's decisions, per Deployment, into rep (rep->dep), so that
 * the JSON report and the migration plan outlive the run: every decision
 * when all is set (stsify_options.every_deployment), else those of the
 * converted Deployments; in[] holds the sources they refer to. */
void result_summarize(const struct plan *p, const struct plan_input *in, bool all, struct report *rep);

#endif
