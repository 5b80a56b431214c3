/*
 * krm.h - stsify inside Kustomize and kpt (DESIGN.md section 6): the
 * StatefulSetMigration configuration, the Kustomize legacy exec plugin and
 * the KRM function.  Both front ends map their inputs and outputs onto one
 * run_rewrite(); neither knows YAML rules beyond the envelope.
 *
 * Configuration, the same fields as the command-line options (the column
 * config of src/options.def):
 *
 *   apiVersion: stsify.dev/v1alpha1
 *   kind: StatefulSetMigration
 *   metadata:
 *     name: statefulsets
 *   select: ^(orders|billing)-db$     # --select          (strings)
 *   exclude: ...                      # --exclude
 *   statefulImages: ...               # --stateful-images
 *   singleWriterImages: ...           # --single-writer-images
 *   singleReplica: true               # --single-replica  (true or false)
 *   storageSize: 20Gi                 # --storage-size
 *   storageClass: ssd                 # --storage-class
 *   all: true                         # --all             (true or false)
 *   keepAccessModes: false            # --keep-access-modes
 *   keepMaxUnavailable: false         # --keep-max-unavailable
 *
 * As a KRM functionConfig it may also be a ConfigMap whose data holds the
 * same fields as strings; `kpt fn eval --exec stsify -- all=true` makes one
 * named function-input.  An unknown field, or a value of the wrong type, is
 * a finding `config` (error) at the field's line:col.
 *
 * Kustomize plugin: Kustomize runs
 * $KUSTOMIZE_PLUGIN_HOME/stsify.dev/v1alpha1/statefulsetmigration/StatefulSetMigration
 * (a link to stsify) with the path of the configuration as its only
 * argument, the resources on stdin, and reads them back from stdout.  It
 * shows the plugin's stderr only when the plugin fails, so the findings of
 * severity warning and above are also written as an annotation
 * stsify.dev/findings on the objects they concern (krm_annotate_findings),
 * and the configuration, a temporary copy, is named in findings by its
 * kind and name (StatefulSetMigration/statefulsets).
 *
 * KRM function: stdin holds one config.kubernetes.io/v1 ResourceList.  Its
 * items are converted like the items of a List (rindex.h), its
 * functionConfig configures the run, and the ResourceList is written back,
 * edited in place, with every finding appended to `results`.
 */
#ifndef STSIFY_KRM_H
#define STSIFY_KRM_H

#include <stdbool.h>
#include <stddef.h>

#include "stsify.h"

struct report;
struct source;
struct strbuf;
struct ynode;
struct ystream;

/* The name Kustomize runs the plugin under. */
#define KRM_PLUGIN_NAME "StatefulSetMigration"

/* Was stsify invoked as the Kustomize plugin (argv[0]'s last component)? */
bool krm_is_plugin(const char *argv0);

/*
 * The Kustomize plugin: argv[1] is the configuration file, read over base
 * (the defaults and what main() took from the environment); the stream on
 * stdin is rewritten to stdout (unchanged when there is nothing to do);
 * warnings and errors go to stderr.  Returns the exit code: 0, 2 for a bad
 * configuration, 3 when the input could not be processed (it is then
 * copied through unchanged).
 */
int krm_plugin_main(const struct stsify_options *base, int argc, char **argv);

/*
 * Read the configuration cfg (a StatefulSetMigration, or a ConfigMap
 * whose data holds the same fields; NULL or an empty value: nothing) into
 * opt, over what opt holds.  Problems are `config` findings at their place
 * in src.  Returns 0, or -1 when cfg is not valid.  The strings put into
 * opt point into cfg's span tree, which must outlive their use.
 */
int krm_config(struct stsify_options *opt, const struct source *src, const struct ynode *cfg,
	       struct report *rep);

/* Does buf hold exactly one YAML document, a config.kubernetes.io/v1 ResourceList? */
bool krm_is_resource_list(const char *buf, size_t len);

/*
 * The KRM function: convert the items of the ResourceList buf[0..len)
 * with the options base, overridden by its functionConfig, and put the
 * ResourceList to write back in out (exactly one document).  Every
 * finding is in rep and in out's `results`.  Returns the exit code: 0
 * whatever the findings, 2 for a bad functionConfig, 3 when the items
 * could not be processed (out then holds them unchanged).
 */
int krm_function(const struct stsify_options *base, const char *buf, size_t len,
		 struct strbuf *out, struct report *rep);

/*
 * Append the findings of rep to the `results` of the ResourceList
 * rl[0..rllen) (after those it holds), in the style of its text, and put
 * the new text in out.  The findings' line:col are positions in the input
 * ResourceList src/ys: a finding inside one of its items gets that item's
 * resourceRef (as it is in rl: a converted Deployment is a StatefulSet
 * there) and file {path, index} from its config.kubernetes.io/ (or
 * internal.config.kubernetes.io/) path and index annotations.  Returns 0,
 * or -1 and *why (malloc'd) when the result does not check out.
 */
int krm_add_results(const struct source *src, const struct ystream *ys, const char *rl,
		    size_t rllen, const struct report *rep, struct strbuf *out, char **why);

/*
 * The plugin's way to show findings (Kustomize shows its stderr only when
 * it fails): put text[0..len), a stream of objects, in out with the
 * findings of rep of severity warning and above as an annotation
 * stsify.dev/findings on the object each is about (its resource; a
 * converted Deployment is the StatefulSet of text), one line per finding,
 * "severity: message [code]".  Findings about no object of text are left
 * out (stderr has them).  out is text itself when no finding is shown.
 * Returns 0, or -1 and *why (malloc'd) when the result does not check out.
 */
int krm_annotate_findings(const char *text, size_t len, const struct report *rep, struct strbuf *out,
			  char **why);

#endif
