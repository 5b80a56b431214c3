/*
 * stsify.h - the public API of libstsify, the library behind the stsify
 * command.  Another program can embed the rewrite with it:
 *
 *   struct stsify_options opt = STSIFY_OPTIONS_INIT;
 *   struct stsify_file f = { .path = "deploy.yaml", .in = buf, .inlen = len };
 *   struct report rep = REPORT_INIT;            // see src/report.h
 *   stsify_run(&opt, &f, 1, &rep);
 *   if (f.status == STSIFY_CHANGED) use(f.out, f.outlen);
 *   stsify_file_release(&f);
 *   report_release(&rep);
 *
 * All files of one call form one set of resources: a PersistentVolumeClaim
 * or Service in one file is matched with a Deployment in another.
 */
#ifndef STSIFY_H
#define STSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes of the command, documented in man/stsify.1. */
enum stsify_exit {
	STSIFY_EXIT_OK = 0,		/* done */
	STSIFY_EXIT_CHANGES = 1,	/* --check found work to do */
	STSIFY_EXIT_USAGE = 2,		/* bad command line */
	STSIFY_EXIT_INPUT = 3,		/* some input could not be processed */
};

/*
 * The options of stsify_run(), one line each: X(type, name, default).
 * They make struct stsify_options and its designated initialiser
 * STSIFY_OPTIONS_INIT (start from it: a field added later gets its
 * default).  The command line, the Kustomize plugin and the KRM function
 * set them from src/options.def.
 *
 * full_parse: parse every document of a single large input.  By default
 *   the documents whose bytes show that they cannot matter (no Deployment
 *   with a claim, no claim, Service, autoscaler, List, Kustomization) are
 *   not parsed at all, so a syntax error inside one goes unnoticed; the
 *   result is otherwise the same.
 * every_deployment: record a decision for every Deployment in the report
 *   (rep->dep, the "deployments" of the JSON report), those without a
 *   claim included.  Those cannot change anything, so without it they may
 *   be left unparsed (in a single large input, or in a file of a tree with
 *   nothing else that matters), and rep->dep then holds the converted
 *   Deployments only (what the migration plan needs).
 * debug_verify: when a rewrite does not verify, print on stderr the
 *   rejected text and what differs (for bug reports).
 */
#define STSIFY_OPTIONS(X)                                                                          \
	X(const char *, select, NULL)		/* pcre2: Deployment names to consider */          \
	X(const char *, exclude, NULL)		/* pcre2: Deployment names to leave alone */        \
	X(const char *, stateful_images, NULL)	/* pcre2: replaces the built-in pattern */           \
	X(const char *, storage_size, "1Gi")	/* for claims not in the input */                   \
	X(const char *, storage_class, NULL)	/* idem; NULL: cluster default */                   \
	X(bool, all, false)			/* convert every Deployment with a writable claim */ \
	X(bool, keep_access_modes, false)	/* keep ReadWriteMany in templates */                \
	X(bool, keep_max_unavailable, false)	/* keep rollingUpdate.maxUnavailable */              \
	X(unsigned, jobs, 0)			/* threads; 0: one per core */                      \
	X(bool, full_parse, false)		/* see above */                                      \
	X(bool, every_deployment, true)		/* see above */                                      \
	X(bool, debug_verify, false)		/* see above */

#define STSIFY_OPTION_FIELD_(type, name, dflt) type name;
#define STSIFY_OPTION_INIT_(type, name, dflt) .name = dflt,

struct stsify_options {
	STSIFY_OPTIONS(STSIFY_OPTION_FIELD_)
};
#define STSIFY_OPTIONS_INIT { STSIFY_OPTIONS(STSIFY_OPTION_INIT_) }

enum stsify_status {
	STSIFY_UNCHANGED = 0,	/* out is NULL: the input stays as it is */
	STSIFY_CHANGED,		/* out holds the new bytes */
	STSIFY_FAILED,		/* the input could not be processed; see the report */
	STSIFY_SKIPPED,		/* not processed on purpose (e.g. a Helm template) */
};

struct stsify_pieces;

struct stsify_file {
	const char *path;	/* as shown in findings and diffs */
	const char *in;		/* the original bytes (borrowed, read-only) */
	size_t inlen;
	/*
	 * Set by the caller: do not build out (a second copy of a large
	 * input); write the result with stsify_file_write(), which takes the
	 * unchanged stretches from in.
	 */
	bool no_out;
	char *out;		/* owned: freed by stsify_file_release() */
	size_t outlen;
	enum stsify_status status;
	struct stsify_pieces *pieces;	/* internal: the result when no_out */
};

struct report;

/* The built-in pattern of stateful images (pcre2). */
extern const char stsify_stateful_images[];

/*
 * Plan and rewrite files[0..n) as one set of resources.  Findings are added
 * to rep.  Returns 0, or -1 when an option is invalid (a finding says why;
 * nothing was processed).
 */
int stsify_run(const struct stsify_options *opt, struct stsify_file *files, size_t n,
	       struct report *rep);
void stsify_file_release(struct stsify_file *f);
/* Write the result (the input when it is unchanged) to fp; -1 on error. */
int stsify_file_write(const struct stsify_file *f, FILE *fp);

#endif
