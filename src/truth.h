/*
 * truth.h - decisions checked against what each root build renders to
 * (DESIGN.md section 9, issue 11 item 3), for the command's file operands.
 *
 * The kustomizations among the inputs (files named kustomization.yaml,
 * kustomization.yml or Kustomization) and what they include (resources,
 * bases, components: the folders of other kustomizations among the
 * inputs) give the root builds: those no other kustomization includes,
 * Components excepted.  A root build is rendered (kustomize.h) only when
 *   - it can matter: a file of its closure, or an inline patch of one of
 *     its kustomizations, names a claim (claimName), and
 *   - it transforms something that can change a decision or a claim
 *     (kz_transforms() of some kustomization of its closure: patches,
 *     replicas, components, images...): a build that only lists resources,
 *     or also sets names, labels or generators, is read directly.  The
 *     names each root build gives a converted workload and its claims
 *     (the data-migration finding, --migration-plan) are read from the
 *     kustomizations by the planner (bnames.h), rendered or not: the
 *     renderings here are not used for them.
 * A build that cannot be rendered (no Kustomize on the machine, a missing
 * file, a remote base, a timeout) gets one build-not-rendered finding at
 * its kustomization, and the conversion of the sources stands alone for it.
 *
 * Each rendered build is planned as a stream (as `kubectl kustomize R |
 * stsify` would plan it), and each of its Deployments is traced to its
 * source file by its origin annotation.  Where the two plans differ, a
 * build-mismatch finding at the source Deployment names the builds:
 *   - the build converts a Deployment that the sources leave (replicas, a
 *     claim or an autoscaler added by an overlay or a component);
 *   - the sources convert a Deployment that the build leaves;
 *   - a claim template differs from the build's claim (an overlay patched
 *     the PVC: class, size, access modes, volume mode).
 * Source edits for these (issue 11 item 4) are not made yet, but for the
 * replicas of a Deployment whose claim is in its source (the needs, below):
 * the finding says what the build needs.
 *
 * Calling sequence (cli.c, run_files()):
 *
 *   struct truth t;
 *   truth_render(&t, &opt, cmd, files, n, &rep);   // before run_rewrite():
 *                                                  // sets opt.every_deployment
 *   truth_plan(&t, &opt, files, n);                // plans the renderings: t.need
 *   run_rewrite_needs(&opt, files, n, t.need, t.nneed, &rep);   // the sources
 *   truth_check(&t, files, n, &rep);               // the findings
 *   truth_release(&t);
 *
 * The needs (rules.h): a source Deployment that a build converts for its
 * replicas (shared-pvc) and the sources would not, with the claim in the
 * source itself, is converted in the sources (build-decides names the
 * builds): the overlay's replicas patch or `replicas:` field then applies
 * to the StatefulSet.
 *
 * cmd is --kustomize (NULL: find one; "none": render nothing).
 * Ownership: struct truth owns its renderings; files stay the caller's.
 */
#ifndef STSIFY_TRUTH_H
#define STSIFY_TRUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "stsify.h"

#include "report.h"
#include "rules.h"

struct kz_build;

struct truth {
	struct kz_build *b;	/* the root builds rendered (or tried) */
	size_t nb;
	size_t *kfile;		/* b[k]'s kustomization: an index into files */
	char **dir;		/* b[k].dir, owned */
	bool any;		/* some build rendered */
	struct report *rr;	/* truth_plan(): b[k]'s plan (when b[k].ok) */
	struct build_need *need;	/* its strings owned */
	size_t nneed;
};

void truth_render(struct truth *t, struct stsify_options *opt, const char *cmd,
		  const struct stsify_file *files, size_t n, struct report *rep);
void truth_plan(struct truth *t, const struct stsify_options *opt, const struct stsify_file *files,
		size_t n);
void truth_check(struct truth *t, const struct stsify_file *files, size_t n, struct report *rep);
void truth_release(struct truth *t);

#endif
