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
 * Edits go to the sources (issue 11 item 4), in two steps:
 *   - the needs (rules.h), before the sources are planned: a source
 *     Deployment that a build converts for its replicas (shared-pvc) and
 *     the sources would not, with the claim in the source itself, is
 *     converted in the sources (build-decides names the builds): the
 *     overlay's replicas patch or `replicas:` field then applies to the
 *     StatefulSet.  One that a build converts with a claim its source
 *     lacks (a patch adds it) is a claims_added need, converted without a
 *     template, unless some build renders it and leaves it (split: the
 *     base would become a StatefulSet there too; see truth_edit() below)
 *     or no patch file of the build's own kustomizations that
 *     overlay_claim_patchable() can edit adds the claim (an inline patch:
 *     converted, the base would keep the claim as a shared volume);
 *   - truth_edit(), after: for each rendered StatefulSet whose source the
 *     sources convert, the template of a claim that a patch adds goes into
 *     that patch, and templates that differ from the sources' (an overlay
 *     patched the claim) into a new StatefulSet patch beside the build's
 *     kustomization (overlay.h: the edits, and what is not edited).
 *     A rendered Deployment that the build converts and the sources leave
 *     because another build renders the same source and leaves it (the
 *     split above) is converted in that build's overlay alone
 *     (overlay_kind_patch(): a JSON 6902 patch that changes the kind, the
 *     difference between the rendered Deployment and its conversion, and
 *     the headless Service as a new resource, and for each autoscaler
 *     of the build that targets it a patch made the same way; build-
 *     convert), unless the kustomization has patchesJson6902 (applied
 *     after its patches) or is context; the
 *     rendering's data-migration findings for it are repeated at the
 *     kustomization.  The
 *     template is taken from the build's own rendering converted (as
 *     `kubectl kustomize R | stsify` writes it), its keys in the order of
 *     the claim's manifest (Kustomize sorts them).  A rendered workload
 *     whose difference the edits carry is no build-mismatch.
 *     Files read as context (cli.c, files[nedit..n)) are never edited,
 *     and nothing is carried for a source Deployment among them.
 *
 * Calling sequence (cli.c, run_files()):
 *
 *   struct truth t;
 *   truth_render(&t, &opt, cmd, files, n, &rep);   // before run_rewrite():
 *                                                  // sets opt.every_deployment
 *   truth_plan(&t, &opt, files, n);                // plans the renderings: t.need
 *   run_rewrite_needs(&opt, files, n, t.need, t.nneed, &rep);   // the sources
 *   truth_edit(&t, files, n, nedit, &rep, &new_files);  // the overlays: edits
 *                                                  // files[i].out, adds files
 *   truth_check(&t, files, n, &rep);               // the findings
 *   truth_release(&t);
 *
 * cmd is --kustomize (NULL: find one; "none": render nothing).
 * Ownership: struct truth owns its renderings; files stay the caller's
 * (truth_edit() replaces files[i].out of the files it edits); the new
 * files go to the caller's struct plan_files (migrate.h).
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
	char **conv;		/* truth_plan(): b[k]'s rendering converted (owned) */
	size_t *convlen;
	const struct dep_summary **fixed;	/* truth_edit(): rendered workloads the edits match */
	size_t nfixed;
};

void truth_render(struct truth *t, struct stsify_options *opt, const char *cmd,
		  const struct stsify_file *files, size_t n, struct report *rep);
void truth_plan(struct truth *t, const struct stsify_options *opt, const struct stsify_file *files,
		size_t n);
struct plan_files;
/* files[nedit..n) are read-only context (cli.c): never edited, and no new
 * file goes beside one of them. */
void truth_edit(struct truth *t, struct stsify_file *files, size_t n, size_t nedit, struct report *rep,
		struct plan_files *nf);
void truth_check(struct truth *t, const struct stsify_file *files, size_t n, struct report *rep);
void truth_release(struct truth *t);

#endif
