/*
 * run.h - what the two drivers of the pipeline share (see include/stsify.h):
 *
 *   run.c     any number of inputs, each parsed whole; parsing and
 *             rewriting run on several threads, planning on one;
 *   stream.c  a single large input, cut into documents by split.c, where
 *             only the documents that can matter are parsed and the
 *             Deployments are planned, rewritten and checked one batch at
 *             a time, so that their trees never all exist at once.
 *
 * Both give the same findings and results for any input both accept;
 * stream.c hands an input back (stream_run() returns 1, having reported
 * and kept nothing) when it cannot promise that.
 */
#ifndef STSIFY_RUN_H
#define STSIFY_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"
#include "rules.h"
#include "stsify.h"

struct plan;
struct plan_input;
struct report;
struct source;
struct yparser;

struct run {
	const struct stsify_options *opt;
	struct rules ru;
	struct report *rep;
	unsigned jobs;		/* threads, >= 1 */
	struct yparser **yp;	/* one parser per thread: run_parser() */
	bool timing;		/* STSIFY_DEBUG_TIMING */
};

/*
 * The parser of worker w (pool.h), made by the first thread that works as
 * w: libfyaml's parser state is written on every token, and two parsers
 * made one after the other by one thread share cache lines, which made
 * two threads parse no faster than one.
 */
struct yparser *run_parser(struct run *r, unsigned w);

/* STSIFY_DEBUG_TIMING=1: print on stderr when a phase ends (bench/README.md). */
void run_phase(const struct run *r, const char *what);

/*
 * The result of a run when the caller asked for no out: the input with
 * [start, end) ranges replaced by text, in order, not overlapping.
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

/* Abandon Deployment plan dep: cancel its operations, drop the findings
 * that described its conversion (those that describe the problem stay). */
void run_abandon(struct plan *p, size_t dep, enum code code, struct report *rep);
/* Report why Deployment plan dep could not be lowered, and abandon it. */
void run_lower_failed(struct plan *p, size_t dep, enum code code, const char *why,
		      const struct source *src, struct report *rep);
/* Report overlapping edits of Deployment plan dep at off, and abandon it. */
void run_apply_failed(struct plan *p, size_t dep, size_t off, const struct source *src,
		      struct report *rep);
/* Report that src's rewrite did not verify (text: the rejected bytes). */
void run_verify_failed(const struct source *src, const char *why, const char *text, size_t len,
		       struct report *rep);

/* Copy the plan's decisions, per Deployment, into rep (rep->dep), so that
 * the JSON report and the migration plan outlive the run: every decision
 * when all is set (stsify_options.every_deployment), else those of the
 * converted Deployments; in[] holds the sources they refer to. */
void run_summarize(const struct plan *p, const struct plan_input *in, bool all, struct report *rep);

/* Set f's result from pieces (taken over): f->status is CHANGED when a
 * piece differs from what it replaces, and out is built unless no_out. */
void run_set_result(struct stsify_file *f, struct stsify_pieces *pcs);

/* The single-input fast path: 0 when done, 1 to parse the input whole. */
int stream_run(struct run *r, struct stsify_file *f);

#endif
