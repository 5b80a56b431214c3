/*
 * refs.h - the objects that name a Deployment follow it when it becomes a
 * StatefulSet (DESIGN.md section 5), and the kustomization paths that say
 * which files are patches.
 *
 * References:
 *   - HorizontalPodAutoscaler and KEDA ScaledObject spec.scaleTargetRef,
 *     VerticalPodAutoscaler spec.targetRef: kind (and apiVersion) now name
 *     the StatefulSet (refs_retarget_scalers(); a KEDA target without a
 *     kind gets one);
 *   - the `target` of a kustomization's patches and patchesJson6902 entry
 *     (refs_retarget_kustomize()), in kustomization files and in
 *     Kustomizations that are items of a List;
 * each with a `reference` finding and a ref_plan in the Deployment plan.
 *
 * Paths: a kustomization names its strategic-merge patch files relative to
 * itself; refs_patch_files() compares them with the inputs' paths
 * normalised ("a/./b/../c.yaml" -> "a/c.yaml"; plan_path_norm() and
 * plan_patch_files() of plan.h are these functions).
 *
 * Convergence: an interrupted `stsify -w` (killed, or failing on one
 * file) can leave a Deployment's file a StatefulSet while an autoscaler,
 * a kustomization patch target or a strategic-merge patch file still
 * names the Deployment.  plan_end() finds every StatefulSet whose
 * Deployment is gone (refs_gone(): no Deployment of its namespace and
 * name in the input, outside patch files; plan.gone) and retargets what
 * still names the Deployment, as a conversion would have, with an
 * unfinished-conversion warning; a later run finishes what the first one
 * began.  No marker says that stsify made the StatefulSet: the rule is
 * the names alone, and a reference to a Deployment that is not in the
 * input while a StatefulSet of its name is cannot be right either way.
 *
 * Calling sequence, inside the planner (planner.h):
 *   refs_find_patches(c);          // plan_begin: c->patch[]
 *   refs_index_patches(c);         // plan_begin: c->kp[], c->kp_name
 *   ...for every converted Deployment:
 *   refs_retarget_scalers(c, dep);
 *   refs_retarget_kustomize(c, dep);
 *   ...then, in plan_end(), for every StatefulSet r with refs_gone(c, r):
 *   refs_retarget_scalers(c, r);   // (and the others: r stands for
 *   refs_retarget_kustomize(c, r); // its Deployment)
 */
#ifndef STSIFY_REFS_H
#define STSIFY_REFS_H

#include <stdbool.h>
#include <stddef.h>

struct pctx;
struct plan_input;
struct resource;
struct ynode;

/* The target name of an autoscaler (HorizontalPodAutoscaler, KEDA
 * ScaledObject, VerticalPodAutoscaler), or NULL for other kinds. */
const struct ynode *refs_scale_target(const struct resource *r);
/*
 * The autoscalers that may target dep, in index order: those whose target
 * name is dep's (c->scalers), or every autoscaler when dep went by other
 * names (Kustomize's previousNames: rindex_named()).  Start with HIDX_NONE;
 * returns HIDX_NONE at the end.
 */
size_t refs_next_scaler(const struct pctx *c, const struct resource *dep, size_t i);
/* Is root (a document of in) a kustomization: kind Kustomization, or a
 * file named kustomization.yaml, kustomization.yml or Kustomization? */
bool refs_is_kustomization(const struct plan_input *in, const struct ynode *root);

/* c->patch[i]: is input i a strategic-merge patch file of a kustomization? */
void refs_find_patches(struct pctx *c);
/* Index the named patch targets of the kustomization files (c->kp). */
void refs_index_patches(struct pctx *c);
/* Autoscalers of Deployment dep (in c->dep's plan) now target the StatefulSet. */
void refs_retarget_scalers(struct pctx *c, const struct resource *dep);
/* Kustomization patch targets that name dep now name the StatefulSet. */
void refs_retarget_kustomize(struct pctx *c, const struct resource *dep);

/* --claims-in-repo: a kustomization that lists dep's manifest lists the
 * file of its claims too (rebind_claims_file()), right after it (after a
 * new file added there before). */
void refs_list_claims_file(struct pctx *c, const struct resource *dep);
/* A JSON manifest's headless Service goes into file, a new file beside
 * it: every kustomization that lists dep's manifest lists file too, right
 * after it (after the claims file, or another new file, added there). */
void refs_list_service_file(struct pctx *c, const struct resource *dep, const char *file);

/* Is r a StatefulSet whose Deployment is gone (see above)? */
bool refs_gone(const struct pctx *c, const struct resource *r);
/* Does an autoscaler, a kustomization patch target or a patch file name
 * r's name (whatever kind it says)? */
bool refs_named(const struct pctx *c, const struct resource *r);

/* "dir/of/kustomization.yaml" + "../x/./p.yaml" -> "dir/x/p.yaml";
 * malloc'd.  With base "", rel normalised. */
char *refs_path_join(const char *base, const char *rel);
/* plan_patch_files() (plan.h). */
void refs_patch_files(const struct plan_input *in, const char *const *path, size_t nin, bool *patch);

#endif
