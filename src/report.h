/*
 * report.h - findings: one diagnostic path for every front end.
 *
 * A finding is {path, line, col, severity, code, message, resource}.  The
 * CLI prints it compiler-style on stderr:
 *
 *   apps/db/deploy.yaml:31:13: warning: claim "pg-data" is shared ... [shared-pvc]
 *
 * Messages follow git's style: lowercase, no final period, the problem
 * first, names in double quotes.  Every code is listed in man/stsify.1.
 */
#ifndef STSIFY_REPORT_H
#define STSIFY_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "codes.h"
#include "util.h"

struct source;

struct finding {
	char *path;
	unsigned line, col;		/* 1-based; 0 when not known */
	unsigned ccol;			/* col in characters (code points) */
	enum severity sev;
	enum code code;			/* its name and description: codes.h */
	char *msg;
	char *kind, *ns, *name;		/* the resource, or NULL */
	size_t order;			/* insertion order, for stable sorting */
	size_t owner;			/* 1 + the workload plan it is about, or 0 */
};

struct val;

/* The plan, per workload, as the reports show it (copied out of the
 * plan, so it outlives the run). */
struct claim_summary {
	char *volume;			/* pod volume = template name */
	char *claim;			/* the old claim */
	char *new_claim;		/* <template>-<sts>-0 */
	char *pvc_path;			/* the old claim's manifest, or NULL */
	unsigned pvc_line;
	struct val *spec;		/* the template's spec */
	char *old_modes;		/* the old claim's accessModes, comma-separated, or NULL */
	bool rebind;			/* the data path the plan chose: rebind, else copy */
	bool static_volume;		/* on a hand-made volume: rebind, not copy (static-volume) */
	char *why;			/* why, a clause of a message */
	struct claim_user_summary *user;	/* other workloads that mount it (claim-still-mounted) */
	size_t nuser;
	/* its names per root build that includes the workload, in the
	 * order of the builds (none for a plain manifest) */
	struct claim_build *build;
	size_t nbuild;
};

/* A converted claim as one root build renders it (bnames.h). */
struct claim_build {
	char *build;			/* the root build's folder ("." for the current one) */
	char *ns;			/* the workload's namespace there ("" unset) */
	char *sts;			/* the StatefulSet's name there */
	char *claim;			/* the old claim */
	char *new_claim;		/* <volume>-<sts>-0 */
};

struct claim_user_summary {
	char *kind, *name, *path;
	unsigned line;
};

struct ref_summary {
	char *path;
	unsigned line, col;
	char *kind, *name;
};

struct dep_summary {
	char *path;
	unsigned line, col;
	char *kind, *ns, *name;		/* ns "" when unset */
	bool converted;
	size_t owner;			/* its findings' owner when converted, or 0 */
	enum code reason;		/* the code that decided */
	char *service;			/* when converted */
	bool service_added;
	/* the Service in a new file (stsify_options.new_files): the file's
	 * path and text, for the caller to write; or NULL */
	char *service_file, *service_text;
	struct claim_summary *claim;
	size_t nclaim;
	struct ref_summary *ref;
	size_t nref;
};

struct report {
	struct finding *f;
	size_t n, alloc;
	struct dep_summary *dep;
	size_t ndep, adep;
};
#define REPORT_INIT { NULL, 0, 0, NULL, 0, 0 }

/* Add a finding with code (its severity is the code's, codes.def) at byte
 * offset off of src (NOPOS: no location).  The returned finding may be
 * given a resource with finding_set_resource(). */
struct finding *report_add(struct report *r, const struct source *src, size_t off,
			   enum code code, const char *fmt, ...)
	ATTR_PRINTF(5, 6);
/* Same, for a caller that takes the arguments itself. */
struct finding *report_vadd(struct report *r, const struct source *src, size_t off,
			    enum code code, const char *fmt, va_list ap)
	ATTR_PRINTF(5, 0);
/* Same, with an explicit path and line:col (for errors before a source
 * exists; col is taken to count characters as well as bytes). */
struct finding *report_add_at(struct report *r, const char *path, unsigned line, unsigned col,
			      enum code code, const char *fmt, ...)
	ATTR_PRINTF(6, 7);
/* Copies and frees of cb[0..n). */
struct claim_build *claim_builds_copy(const struct claim_build *cb, size_t n);
void claim_builds_free(struct claim_build *cb, size_t n);
void finding_set_resource(struct finding *f, const char *kind, const char *ns, const char *name);
void report_release(struct report *r);
/* Drop the findings of owner whose code is not one of keep[0..nkeep). */
void report_drop_owner(struct report *r, size_t owner, const enum code *keep, size_t nkeep);
/* Keep the findings for which keep(f, arg) is true and the workload
 * summaries for which keep_dep(d, arg) is; free the others (the command
 * drops what it read as context: context.h). */
void report_filter(struct report *r, bool (*keep)(const struct finding *f, void *arg),
		   bool (*keep_dep)(const struct dep_summary *d, void *arg), void *arg);
/* Drop every finding that repeats an earlier one (the same path, place,
 * code, message and resource), keeping the first: a finding is reported
 * once at its source location however many builds include that source
 * (DESIGN.md section 9). */
void report_dedup(struct report *r);
/* Drop the findings added after the first n. */
void report_truncate(struct report *r, size_t n);
const char *severity_name(enum severity sev);

/* Sort r->f itself by path, line, column and order of addition (a pointer
 * to a finding then points at another one); it allocates nothing. */
void report_sort(struct report *r);
/* The findings sorted by path, line, column and order of addition; the
 * caller frees the array (not the findings). */
void report_sorted(const struct report *r, const struct finding ***out);
/* Print compiler-style, one a line; with color, severities are colored. */
void report_print(const struct report *r, FILE *fp, bool color, enum severity min);

#endif
