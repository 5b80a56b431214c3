/*
 * session.h - what one run_rewrite() shares with the drivers below it
 * (run.c, stream.c): the options, the compiled rules, the report, the
 * number of threads, one YAML parser per thread and the timing switch.
 *
 * run.c fills it in run_rewrite() and frees the parsers at the end; the
 * drivers only read it, but for session_parser(), which makes a worker's
 * parser on first use (only that worker's thread touches yp[w]).
 */
#ifndef STSIFY_SESSION_H
#define STSIFY_SESSION_H

#include <stdbool.h>

#include "rules.h"
#include "stsify.h"

struct report;
struct yparser;

struct session {
	const struct stsify_options *opt;
	struct rules ru;
	struct report *rep;
	unsigned jobs;		/* threads, >= 1 */
	struct yparser **yp;	/* one parser per thread: session_parser() */
	bool timing;		/* debug_phase_enabled(): STSIFY_DEBUG_TIMING */
};

/*
 * The parser of worker w (pool.h), made by the first thread that works as
 * w: libfyaml's parser state is written on every token, and two parsers
 * made one after the other by one thread share cache lines, which made
 * two threads parse no faster than one.
 */
struct yparser *session_parser(struct session *ses, unsigned w);

/* STSIFY_DEBUG_TIMING=1: print on stderr when a phase ends (bench/README.md). */
void session_phase(const struct session *ses, const char *what);

#endif
