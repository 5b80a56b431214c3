/*
 * overlay.h - the edits that carry what a root build renders into the
 * sources of its overlays (DESIGN.md section 9, issue 11 item 4): truth.c
 * finds what a build renders converted that the converted sources do not,
 * and these functions edit the user's patches to match, byte-exact (a
 * plan of operations on the file's current bytes, rewritten by rewrite.h:
 * lowered in its style and verified), or write a new patch file beside an overlay's kustomization.
 *
 *   - A patch that gives the converted workload a pod volume on a claim
 *     (the claim an overlay or component adds) becomes a StatefulSet
 *     patch that adds the claim template instead:
 *       strategic merge: the volume item goes (the `volumes` pair with
 *       its last item), and spec.volumeClaimTemplates gets the template;
 *       JSON 6902: the op that adds the volume goes, one that replaces
 *       another volume by it removes that volume instead (the whole
 *       `volumes` list when the build renders none), and an op
 *       `add /spec/volumeClaimTemplates` (the list, or `/-` and the item
 *       when the source StatefulSet has templates of its own) is appended.
 *     An inline patch (a block scalar in the kustomization) is not edited.
 *   - An overlay that patches a claim (class, size, access modes, volume
 *     mode) gets a strategic-merge StatefulSet patch in a new file beside
 *     its kustomization, NAME-claim-templates.yaml, listing every claim
 *     template as the build renders it (a StatefulSet's
 *     volumeClaimTemplates have no merge key: the list is replaced whole),
 *     and a `- path:` entry for it at the end of its `patches`.
 *   - A build that converts a base Deployment that other builds leave
 *     changes its kind in its own overlay: overlay_kind_patch() below.
 *
 * Calling sequence (truth.c, after run_rewrite_needs()): each function
 * edits files[i].out (or, unchanged, files[i].in) in place: out is
 * replaced and status set to STSIFY_CHANGED.  Findings (build-patch) go to
 * rep.  Ownership: the caller's files and values; new files are added to
 * the caller's struct plan_files.
 */
#ifndef STSIFY_OVERLAY_H
#define STSIFY_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "stsify.h"

struct plan_files;
struct report;
struct val;

/* What one build renders for a converted workload. */
struct overlay_claim {
	const char *name, *ns;		/* the source workload (converted) */
	const char *volume, *claim;	/* pod volume and claim that the build adds */
	const struct val *tmpl;		/* the claim template as the build's conversion makes it */
	bool base_templates;		/* the source StatefulSet has templates of its own */
	bool no_volumes;		/* the converted rendering has no pod volumes left */
	const char *build;		/* the build's folder (for messages) */
};

/*
 * Edit every patch among files[0..n) that the build names as a patch
 * file (patch[i]: its kustomizations' patches, patchesStrategicMerge and
 * patchesJson6902) and that gives workload oc->name the pod volume
 * oc->volume on claim oc->claim, as above.  Returns how many patches were
 * edited.
 */
size_t overlay_claim_patches(struct stsify_file *files, size_t n, const bool *patch, const struct overlay_claim *oc,
			     struct report *rep);
/* Would overlay_claim_patches() edit a patch (files stay as they are)?
 * oc->tmpl may be any value.  The rendering asks before the sources are
 * converted: a Deployment whose claim no editable patch adds is left. */
bool overlay_claim_patchable(const struct stsify_file *files, size_t n, const bool *patch, const struct overlay_claim *oc);

/*
 * Build oc->build (kustomization files[k]) renders StatefulSet name with
 * claim templates templates (a sequence), which its sources do not: add
 * the patch file (to nf, unless a file of that name exists: a finding
 * says so) and its entry in `patches`.  Returns 0, or -1 when nothing was
 * done (a finding says why).
 */
int overlay_template_patch(struct stsify_file *files, size_t k, const char *ns, const char *name,
			   const struct val *templates, const char *build, struct plan_files *nf,
			   struct report *rep);

/* An autoscaler of the build that targets the Deployment: it follows. */
struct overlay_follow {
	const char *kind, *name;	/* as the overlay's resources name it (the
					 * rendering's, without its own prefix, suffix) */
	const char *tag;		/* its file: NAME-TAG.yaml (hpa, vpa, scaledobject) */
	const struct val *ops;		/* the JSON 6902 operations (a sequence) */
};

/* A build that converts Deployment name, which other builds that include
 * the same source leave (truth.c): the change its rendering needs. */
struct overlay_kind {
	const char *name;		/* the Deployment's name in its manifest (Kustomize
					 * matches a target by its original name too) */
	const char *sts;		/* the StatefulSet as the build renders it (messages) */
	const struct val *ops;		/* the JSON 6902 operations (a sequence) */
	const struct val *service;	/* the headless Service to add, or NULL */
	const struct overlay_follow *follow;	/* its autoscalers */
	size_t nfollow;
	const char *build;		/* the build's folder (for messages) */
};

/*
 * Kustomization files[k] gets ok->ops as a new JSON 6902 patch file
 * NAME-statefulset.yaml beside it, the last entry of its `patches` (target
 * kind Deployment, name NAME: the patches before it still see a
 * Deployment), then for each autoscaler that follows its own patch,
 * ANAME-TAG.yaml (target its kind and name), and, with ok->service,
 * NAME-service.yaml, the last entry of its `resources` (all to nf;
 * nothing and a finding when one exists already).  A
 * build-convert finding at the kustomization says so.  Returns 0, or -1
 * when nothing was done.
 */
int overlay_kind_patch(struct stsify_file *files, size_t k, const struct overlay_kind *ok, struct plan_files *nf,
		       struct report *rep);

/* "dir/kustomization.yaml", "db" -> "dir/db-claim-templates.yaml"; malloc'd. */
char *overlay_patch_name(const char *kpath, const char *name);

#endif
