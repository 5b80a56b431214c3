/*
 * stsify.h - the public API of libstsify, the library behind the stsify
 * command.  Another program embeds the rewrite with this header alone
 * (examples/embed.c; build flags from `pkg-config --cflags --libs --static
 * stsify`):
 *
 *   struct stsify_options opt = STSIFY_OPTIONS_INIT;
 *   struct stsify_file f = { .path = "deploy.yaml", .in = buf, .inlen = len };
 *   struct stsify_report *rep = stsify_report_new();
 *   struct stsify_finding fi;
 *
 *   if (!rep || stsify_run(&opt, &f, 1, rep) < 0)
 *           ...;                        // the report says why
 *   if (f.status == STSIFY_CHANGED)
 *           use(f.out, f.outlen);
 *   for (size_t i = 0; stsify_report_get(rep, i, &fi); i++)
 *           printf("%s:%u:%u: %s [%s]\n", fi.path, fi.line, fi.column,
 *                  fi.message, fi.code);
 *   stsify_file_release(&f);
 *   stsify_report_free(rep);
 *
 * All files of one call form one set of resources: a PersistentVolumeClaim
 * or Service in one file is matched with a Deployment in another.
 *
 * The library never ends the host process: see "Fatal errors" below.  It
 * reads no file and no environment variable, and writes nothing on stdout
 * or stderr unless stsify_options.debug_verify asks it to.  Only the names
 * declared here (all starting with stsify_ or STSIFY_) are exported.
 * stsify_run() may be called from several threads: the calls take turns
 * (each run has its own worker threads, stsify_options.jobs).
 */
#ifndef STSIFY_H
#define STSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

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
 * every_deployment: record a decision for every Deployment (the
 *   "deployments" of the command's JSON report), those without a claim
 *   included.  Those cannot change anything, so without it they may be
 *   left unparsed (in a single large input, or in a file of a tree with
 *   nothing else that matters), and decisions are kept for the converted
 *   Deployments only (what the command's migration plan needs).
 * data_path: how --migration-plan moves each claim's data, and what the
 *   data-migration finding says: "auto" (NULL too: rebind a ReadWriteOnce
 *   volume whose access modes and class stay, copy otherwise), "copy" or
 *   "rebind" (stsify(1), DATA MIGRATION).
 * protect_claims: annotate each converted claim's manifest so that Argo
 *   CD, Flux and Helm keep the claim when its manifest leaves the
 *   repository.
 * claims_in_repo: the caller writes the claims of pod 0 of each converted
 *   workload into a new file <sts>-claims.yaml beside the workload's
 *   manifest (the command's --claims-in-repo); the run adds that file to
 *   the resources of a kustomization of that folder that lists the
 *   manifest.
 * new_files: the caller writes the new files the plan asks for (the
 *   command's file modes): a StatefulSet in a JSON file, which cannot hold
 *   a second document, gets its headless Service in a new file beside it
 *   (named in the report's plan; the command's stsify(1), The headless
 *   Service) and the kustomizations that list the file list the new one;
 *   without it, a service-not-added finding says what to add.
 * debug_verify: when a rewrite does not verify, print on stderr the
 *   rejected text and what differs (for bug reports).
 */
#define STSIFY_OPTIONS(X)                                                                          \
	X(const char *, select, NULL)		/* pcre2: Deployment names to consider */          \
	X(const char *, exclude, NULL)		/* pcre2: Deployment names to leave alone */        \
	X(const char *, stateful_images, NULL)	/* pcre2: replaces the built-in pattern */           \
	X(const char *, single_writer_images, NULL) /* pcre2: replaces the built-in pattern */       \
	X(const char *, storage_size, NULL)	/* for claims not in the input; NULL: none */       \
	X(const char *, storage_class, NULL)	/* idem; NULL: cluster default */                   \
	X(bool, all, false)			/* convert every Deployment with a writable claim */ \
	X(bool, keep_access_modes, false)	/* keep ReadWriteMany in templates */                \
	X(bool, keep_max_unavailable, false)	/* keep rollingUpdate.maxUnavailable */              \
	X(const char *, data_path, NULL)	/* auto, copy or rebind; see above */               \
	X(bool, protect_claims, false)		/* see above */                                      \
	X(bool, claims_in_repo, false)		/* see above */                                      \
	X(bool, new_files, false)		/* see above */                                      \
	X(bool, single_replica, false)		/* single-writer StatefulSets get replicas: 1 */     \
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

/* The built-in pattern of stateful images (pcre2). */
extern const char stsify_stateful_images[];
/* The built-in pattern of single-writer images (pcre2): databases that do
 * not replicate by themselves, so that each replica of a StatefulSet would
 * be a database of its own. */
extern const char stsify_single_writer_images[];

/* The version of the library, e.g. "0.1.0". */
const char *stsify_version(void);

/* ---- findings ---- */

enum stsify_severity {
	STSIFY_INFO = 0,
	STSIFY_WARNING,
	STSIFY_ERROR,
};

/*
 * One finding, as the command prints it on stderr:
 * "path:line:column: severity: message [code]".  The strings belong to the
 * report and live until stsify_report_free().
 */
struct stsify_finding {
	const char *path;	/* a stsify_file's path, or "stsify" for the run */
	unsigned line;		/* 1-based; 0 when not known */
	unsigned column;	/* 1-based, in bytes from the line start; 0: not known */
	enum stsify_severity severity;
	const char *code;	/* e.g. "shared-pvc": stsify(1), FINDINGS */
	const char *message;	/* lowercase, no final period */
	const char *kind;	/* the resource it is about, or NULL */
	const char *ns;		/* its namespace, or NULL when unset */
	const char *name;	/* its name, or NULL */
};

/* The findings of one or more runs (opaque). */
struct stsify_report;

/* A new, empty report, or NULL when memory is short. */
struct stsify_report *stsify_report_new(void);
/* Free rep and every finding in it (NULL is allowed). */
void stsify_report_free(struct stsify_report *rep);
/* The number of findings. */
size_t stsify_report_count(const struct stsify_report *rep);
/*
 * Finding i (0-based) in *f: the findings are in the order the command
 * prints them (by path, line and column, then as they were found).
 * Returns false, f untouched, when i >= stsify_report_count(rep).
 */
bool stsify_report_get(const struct stsify_report *rep, size_t i, struct stsify_finding *f);

/* ---- running ---- */

/*
 * Plan and rewrite files[0..n) as one set of resources.  Findings are added
 * to rep.  Returns 0; or -1 when an option is invalid (a "usage" finding
 * says why; nothing was processed) or when a fatal error abandoned the run
 * (below).
 */
int stsify_run(const struct stsify_options *opt, struct stsify_file *files, size_t n,
	       struct stsify_report *rep);
/* Free what stsify_run() gave f (out, pieces); f->in stays the caller's. */
void stsify_file_release(struct stsify_file *f);
/* Write the result (the input when it is unchanged) to fp; -1 on error. */
int stsify_file_write(const struct stsify_file *f, FILE *fp);

/*
 * Fatal errors.  When the library cannot go on -- out of memory, a YAML
 * parser it cannot create, or a broken internal invariant (a bug in
 * stsify) -- it calls the fatal hook, when one is set, with a message, on
 * the thread that met the error.  When the hook returns, or none is set,
 * the run is abandoned: stsify_run() returns -1, every file is
 * STSIFY_FAILED (stsify_file_release() still frees what it holds), and the
 * report ends with an error finding "fatal" that says why (unless there
 * was not even memory for that).  The memory the abandoned run held is
 * not given back.  The host process keeps running, and may run again.
 *
 * The hook must not call into the library.  It may end the process: the
 * stsify command's prints "stsify: fatal: MESSAGE" and exits with status
 * 128, or prints "stsify: BUG: MESSAGE" and aborts when bug is true.  Set
 * it before the first run (it is one for the whole process); NULL
 * restores the default.
 */
typedef void stsify_fatal_fn(const char *msg, bool bug, void *data);
void stsify_set_fatal_hook(stsify_fatal_fn *fn, void *data);

#ifdef __cplusplus
}
#endif

#endif
