/*
 * rules.h - the conversion policy's patterns (pcre2): which Deployments are
 * selected by name, which images are stateful, which files are Helm
 * templates.  Compiled once per run; matching is read-only and so safe
 * from several threads with a match context each.
 */
#ifndef STSIFY_RULES_H
#define STSIFY_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "stsify.h"
#include "workload.h"

struct ystream;

enum { RULES_NEEDLE = 6 };

/*
 * A workload that a root build renders with more replicas than its source
 * says, or with a claim that a patch adds (DESIGN.md section 9: a base
 * Deployment is converted when a build that includes it needs it).  The command's rendering (truth.h) finds
 * them; the planner judges the workload of kind Deployment named `name`
 * (namespace ns, "" when unset) in the input at `path` with at least
 * `replicas` replicas, and says which builds decided.
 */
struct build_need {
	const char *path, *ns, *name;
	long long replicas;
	const char *builds;		/* "\"overlays/prod\", \"overlays/staging\"" */
	/* the builds render it with a claim that a patch of theirs adds (its
	 * source has none, or not that one), and every build that renders it
	 * converts it: it is converted even without a claim of its own, and
	 * the patch gets the claim template (truth.h) */
	bool claims_added;
};

/* The first bytes of a kubectl name of some workload kinds (a bit per
 * row of workloads[]): where a reference may start. */
struct rules_needle {
	char s[RULES_NEEDLE];
	size_t len;
	unsigned kinds;
};

struct rules {
	void *select, *exclude, *stateful;	/* pcre2_code *; select/exclude may be NULL */
	void *single_writer;			/* pcre2_code *: databases that do not replicate */
	void *helm;				/* pcre2_code *: a Helm template action */
	void *reference;			/* kubectl-style "deployment/NAME", "rs NAME" */
	unsigned char ref_row[WORKLOAD_MAX];	/* the row of each kind group of reference */
	size_t nref_row;
	struct rules_needle needle[3 * WORKLOAD_MAX];
	size_t nneedle;
	const struct stsify_options *opt;
	int data_path;				/* opt->data_path: enum data_path (rebind.h) */
	const struct build_need *need;	/* run_rewrite_needs(): see above */
	size_t nneed;
};

/* A pcre2 pattern (UTF); NULL with *err (malloc'd, naming what) when it is
 * invalid.  Free with pcre2_code_free(). */
void *rules_compile(const char *re, const char *what, char **err);
/* Does the pattern match anywhere in s[0..len)? */
bool rules_match(void *code, const char *s, size_t len);

/* Compile the options' patterns. Returns 0, or -1 with *err set (malloc'd). */
int rules_init(struct rules *ru, const struct stsify_options *opt, char **err);
void rules_release(struct rules *ru);

bool rules_selected(const struct rules *ru, const char *name);
/* The build need of the workload named name (namespace ns) in the input
 * at path, or NULL. */
const struct build_need *rules_build_need(const struct rules *ru, const char *path, const char *ns,
					  const char *name);
bool rules_stateful_image(const struct rules *ru, const char *image);
/* Is image a database that does not replicate by itself (the pattern is
 * matched against the repository path: "registry/team/docker-postgres:15"
 * is postgres, "prometheuscommunity/postgres-exporter" is not)? */
bool rules_single_writer_image(const struct rules *ru, const char *image);
/*
 * Does this file hold Helm template actions outside of quoted and block
 * scalars?  Returns the offset of the first one, or NOPOS.  Checked
 * against each "{{" that the plain text holds.
 */
size_t rules_helm_offset(const struct rules *ru, const char *buf, size_t len,
			 const struct ystream *ys, bool parsed);
/* The same for the actions that start in buf[from, to) (the rest of buf is
 * still seen by the pattern); ys holds the document(s) there. */
size_t rules_helm_range(const struct rules *ru, const char *buf, size_t len, size_t from, size_t to,
			const struct ystream *ys, bool parsed);
/* The message of the helm-template finding (run.c and stream.c report it). */
#define RULES_HELM_MESSAGE "Helm template skipped: run stsify as Helm's post-renderer " \
	"(helm install|upgrade|template ... --post-renderer stsify) or on its output (helm template ... | stsify)"

/*
 * The next place at or after from where the text names a workload of one
 * of the kinds (a bit per row of workloads[]: 1u << workload_index(w)) the
 * way kubectl commands do ("deployment/NAME", "deploy NAME", "rs/NAME",
 * "dc NAME", ... as the table's ref_names and group say), or NOPOS;
 * *name and *name_len locate the name, *w is the kind's row.
 */
size_t rules_next_reference(const struct rules *ru, const char *buf, size_t len, size_t from, unsigned kinds,
			    size_t *name, size_t *name_len, const struct workload **w);

#endif
