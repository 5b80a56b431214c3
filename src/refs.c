/*
 * refs.c - references that follow a converted Deployment (autoscalers,
 * kustomization patch targets) and the normalised paths that find a
 * kustomization's patch files (see refs.h; DESIGN.md section 5).
 */
#include "refs.h"

#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "planner.h"
#include "rebind.h"
#include "render.h"
#include "rindex.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* The target name of an autoscaler (its namespace comes from r). */
const struct ynode *refs_scale_target(const struct resource *r)
{
	if (!strcmp(r->kind, "HorizontalPodAutoscaler") || !strcmp(r->kind, "ScaledObject"))
		return ynode_path(r->node, "spec", "scaleTargetRef", "name", NULL);
	if (!strcmp(r->kind, "VerticalPodAutoscaler"))
		return ynode_path(r->node, "spec", "targetRef", "name", NULL);
	return NULL;
}

/*
 * The autoscalers that may target dep, in index order: those whose target
 * name is dep's (c->scalers), or every autoscaler when dep went by other
 * names (Kustomize's previousNames: rindex_named()).  Start with HIDX_NONE;
 * returns HIDX_NONE at the end.
 */
size_t refs_next_scaler(const struct pctx *c, const struct resource *dep, size_t i)
{
	if (ynode_get(ynode_path(dep->node, "metadata", "annotations", NULL),
		      "internal.config.kubernetes.io/previousNames")) {
		for (i = i == HIDX_NONE ? 0 : i + 1; i < c->ri->n; i++)
			if (ynode_is_scalar(refs_scale_target(&c->ri->r[i])))
				return i;
		return HIDX_NONE;
	}
	if (i == HIDX_NONE)
		return hidx_first(&c->scalers, hash_str(hash_str(HASH_INIT, dep->ns), dep->name));
	return hidx_next(&c->scalers, i);
}

/* HPA, VPA and KEDA ScaledObject references follow the Deployment. */
void refs_retarget_scalers(struct pctx *c, const struct resource *dep)
{
	for (size_t i = refs_next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = refs_next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *ref, *kind, *api;
		bool keda = !strcmp(r->kind, "ScaledObject");

		if (strcmp(r->ns, dep->ns))
			continue;
		if (!strcmp(r->kind, "HorizontalPodAutoscaler") || keda)
			ref = ynode_path(r->node, "spec", "scaleTargetRef", NULL);
		else if (!strcmp(r->kind, "VerticalPodAutoscaler"))
			ref = ynode_path(r->node, "spec", "targetRef", NULL);
		else
			continue;
		kind = ynode_get(ref, "kind");
		if (!rindex_named(dep, ynode_str(ynode_get(ref, "name"))) || !plan_kind_names(kind, dep, keda) ||
		    plan_means(c, r->in, dep, NULL) != PLAN_PICK_ONE)
			continue;
		if (ref->kind != YNODE_MAP || plan_has_alias(ref, true)) {
			plan_note(c, r, ref, CODE_UNSUPPORTED_ALIAS,
				  "cannot retarget %s \"%s\" to StatefulSet \"%s\": change its target by hand",
				  r->kind, r->name, dep->name);
			continue;
		}
		if (kind) {
			plan_set_scalar(c, r, kind, "StatefulSet");
		} else {
			if (plan_has_op(c, OP_INSERT_PAIR, ref))
				continue;
			struct op *o = plan_add_op(c, OP_INSERT_PAIR, r, ref);

			o->where = INS_LAST;
			o->key = xstrdup("kind");
			o->val = val_str("StatefulSet");
		}
		api = ynode_get(ref, "apiVersion");
		if (api && ynode_is_scalar(api) && !ynode_is(api, "apps/v1"))
			plan_set_scalar(c, r, api, "apps/v1");
		plan_add_ref(c, r, kind ? kind : ref);
		plan_note(c, r, kind ? kind : ref, CODE_REFERENCE,
			  "%s \"%s\" now targets StatefulSet \"%s\"", r->kind, r->name, dep->name);
	}
}

bool refs_is_kustomization(const struct plan_input *in, const struct ynode *root)
{
	return ynode_is(ynode_get(root, "kind"), "Kustomization") || builds_kustomization_file(in->src->path);
}

static const char *const patch_lists[] = { "patches", "patchesJson6902" };

/* Patch item k of list l of Kustomization r (in file where): follows the
 * Deployment when its target names it. */
static void retarget_patch(struct pctx *c, const struct resource *dep, const struct resource *r,
			   size_t l, size_t k, const char *where)
{
	const struct ynode *t = ynode_get(ynode_get(r->node, patch_lists[l])->kid[k], "target");
	const struct ynode *kind = ynode_get(t, "kind"), *ns = ynode_get(t, "namespace");
	const struct ynode *group = ynode_get(t, "group"), *version = ynode_get(t, "version");

	const char *slash = strchr(dep->api, '/');
	size_t glen = slash ? (size_t)(slash - dep->api) : 0;

	if (!kind || !plan_kind_names(kind, dep, false) || !ynode_is(ynode_get(t, "name"), dep->name) ||
	    (ns && !ynode_is(ns, dep->ns)) || plan_has_alias(t, true) || plan_means(c, r->in, dep, NULL) != PLAN_PICK_ONE)
		return;
	/* a group or version other than the Deployment's: the target never
	 * matched it (Kustomize compares each field the target gives) */
	if ((ynode_is_scalar(group) && (strlen(ynode_str(group)) != glen || strncmp(ynode_str(group), dep->api, glen))) ||
	    (ynode_is_scalar(version) && !ynode_is(version, slash ? slash + 1 : dep->api)))
		return;
	plan_set_scalar(c, r, kind, "StatefulSet");
	/* the converted object is apps/v1 (mapping.c): a target that names
	 * another group (OpenShift's apps.openshift.io, the old extensions)
	 * or version (v1beta1, v1beta2) would silently stop matching it, as
	 * Kustomize skips a patch whose target matches nothing */
	if (ynode_is_scalar(group) && !ynode_is(group, "apps"))
		plan_set_scalar(c, r, group, "apps");
	if (ynode_is_scalar(version) && !ynode_is(version, "v1"))
		plan_set_scalar(c, r, version, "v1");
	plan_add_ref(c, r, kind);
	plan_note(c, r, kind, CODE_REFERENCE, "%s target of %s now names StatefulSet \"%s\"",
		  patch_lists[l], where, dep->name);
}

/* The patches of Kustomization r (in file where) that target the Deployment. */
static void retarget_patches(struct pctx *c, const struct resource *dep, const struct resource *r,
			     const char *where)
{
	for (size_t l = 0; l < ARRAY_SIZE(patch_lists); l++) {
		const struct ynode *ps = ynode_get(r->node, patch_lists[l]);

		for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++)
			retarget_patch(c, dep, r, l, k, where);
	}
}

/*
 * Item of a kustomization's patches without a target name whose patch is
 * text naming a workload (a strategic-merge patch written inline): true,
 * with the text parsed into *ys (the caller releases it) and the name of
 * the workload it patches in *name.
 */
static bool inline_patch(const struct ynode *item, struct ystream *ys, const struct ynode **name)
{
	const struct ynode *text = ynode_get(item, "patch"), *root;

	if (!ynode_is_scalar(text) || !strstr(text->text, "kind"))
		return false;
	if (ystream_parse(ys, text->text, strlen(text->text)) || !ys->ndoc || !(root = ys->doc[0].root) ||
	    !workload_named(ynode_str(ynode_get(root, "kind"))) ||
	    !ynode_is_scalar(*name = ynode_path(root, "metadata", "name", NULL))) {
		ystream_release(ys);
		return false;
	}
	return true;
}

/* The inline strategic-merge patch kp of Kustomization r (in file where):
 * stsify cannot rewrite it, so a patch of the Deployment is reported. */
static void report_inline_patch(struct pctx *c, const struct resource *dep, const struct resource *r,
				const struct kpatch *kp, const char *where)
{
	const struct ynode *item = ynode_get(r->node, patch_lists[kp->list])->kid[kp->item], *name, *root;
	struct ystream ys;

	if (!inline_patch(item, &ys, &name))
		return;
	root = ys.doc[0].root;
	if (plan_kind_names(ynode_get(root, "kind"), dep, false) && !strcmp(name->text, dep->name) &&
	    (!ynode_get(ynode_get(root, "metadata"), "namespace") ||
	     ynode_is(ynode_path(root, "metadata", "namespace", NULL), dep->ns)))
		plan_note(c, r, ynode_get(item, "patch"), CODE_STALE_REFERENCE,
			  "the inline patch of %s names %s \"%s\": change its kind to StatefulSet by hand "
			  "(Kustomize finds no %s to patch once it is converted)",
			  where, ynode_str(ynode_get(root, "kind")), dep->name, ynode_str(ynode_get(root, "kind")));
	ystream_release(&ys);
}

/* Kustomize patches whose target names the Deployment follow it. */
void refs_retarget_kustomize(struct pctx *c, const struct resource *dep)
{
	for (size_t j = hidx_first(&c->kp_name, hash_str(HASH_INIT, dep->name)); j != HIDX_NONE;
	     j = hidx_next(&c->kp_name, j)) {
		size_t i = c->kp[j].in, d = c->kp[j].doc;
		const struct plan_input *in = &c->in[i];
		struct resource r = { .in = i, .doc = d, .node = in->ys->doc[d].root, .kind = "Kustomization",
				      .api = "", .name = in->src->path, .ns = "" };

		if (c->kp[j].inline_patch)
			report_inline_patch(c, dep, &r, &c->kp[j], in->src->path);
		else
			retarget_patch(c, dep, &r, c->kp[j].list, c->kp[j].item, in->src->path);
	}
	/* a Kustomization among the items of a List or ResourceList (kpt
	 * passes a kustomization.yaml that has a kind) */
	for (size_t j = 0; j < c->nkitem; j++) {
		const struct resource *r = &c->ri->r[c->kitem[j]];
		const char *path = rindex_krm_annotation(r->node, "path");

		retarget_patches(c, dep, r, path ? path : c->in[r->in].src->path);
	}
}

/* Every patch target with a name of the kustomization files, in the
 * order the lists are read, indexed by name. */
void refs_index_patches(struct pctx *c)
{
	size_t akp = 0;

	for (size_t i = 0; i < c->nin; i++) {
		if (c->in[i].skip)
			continue;
		for (size_t d = 0; d < c->in[i].ys->ndoc; d++) {
			const struct ynode *root = c->in[i].ys->doc[d].root;

			if (!root || root->kind != YNODE_MAP || !refs_is_kustomization(&c->in[i], root))
				continue;
			for (size_t l = 0; l < ARRAY_SIZE(patch_lists); l++) {
				const struct ynode *ps = ynode_get(root, patch_lists[l]);

				for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++) {
					const struct ynode *name = ynode_path(ps->kid[k], "target", "name", NULL);
					struct ystream ys;
					bool inl = false;

					if (!ynode_is_scalar(name) && !(inl = inline_patch(ps->kid[k], &ys, &name)))
						continue;
					ALLOC_GROW(c->kp, c->nkp + 1, akp);
					c->kp[c->nkp] = (struct kpatch){ i, d, l, k, inl };
					hidx_add(&c->kp_name, hash_str(HASH_INIT, name->text), c->nkp++);
					if (inl)
						ystream_release(&ys);
				}
			}
		}
	}
}

/* Is there a workload of kind w ns/name in the input, in scope of input
 * from (planner.h: a sibling variant's Deployment does not count), other
 * than in a strategic-merge patch file (which names one, and is not one)? */
static bool has_workload(const struct pctx *c, size_t from, const struct workload *w, const char *ns,
			 const char *name)
{
	uint64_t h = hash_str(hash_str(hash_str(HASH_INIT, w->kind), ns), name);

	for (size_t i = hidx_first(&c->ri->by_name, h); i != HIDX_NONE; i = hidx_next(&c->ri->by_name, i)) {
		const struct resource *r = &c->ri->r[i];

		if (strcmp(r->kind, w->kind) || strcmp(r->ns, ns) || strcmp(r->name, name) ||
		    !plan_in_scope(c, from, r->in))
			continue;
		if (r->list_item || r->in >= c->nin || !c->patch[r->in])
			return true;
	}
	return false;
}

/* The same for any kind stsify converts (workload.h). */
static bool has_convertible(const struct pctx *c, size_t from, const char *ns, const char *name)
{
	for (size_t i = 0; i < nworkloads; i++)
		if (workloads[i].action == WORKLOAD_CONVERT && has_workload(c, from, &workloads[i], ns, name))
			return true;
	return false;
}

/* Does an autoscaler, a kustomization patch target or a patch file name
 * r's name (whatever it says of the kind)? */
bool refs_named(const struct pctx *c, const struct resource *r)
{
	return hidx_first(&c->scalers, hash_str(hash_str(HASH_INIT, r->ns), r->name)) != HIDX_NONE ||
	       hidx_first(&c->kp_name, hash_str(HASH_INIT, r->name)) != HIDX_NONE ||
	       hidx_first(&c->pdeps, hash_str(HASH_INIT, r->name)) != HIDX_NONE || c->nkitem;
}

bool refs_gone(const struct pctx *c, const struct resource *r)
{
	return !strcmp(r->kind, "StatefulSet") && r->node && !(r->in < c->nin && c->in[r->in].skip) &&
	       !(!r->list_item && r->in < c->nin && c->patch[r->in]) && !has_convertible(c, r->in, r->ns, r->name);
}

/* Is an item of resources (kustomization at kpath) the file want (normalised)? */
static bool lists(const struct ynode *res, const char *kpath, const char *want, size_t *at)
{
	for (size_t k = 0; res && res->kind == YNODE_SEQ && k < res->nkid; k++) {
		char *p;
		bool same;

		if (!ynode_is_scalar(res->kid[k]))
			continue;
		p = refs_path_join(kpath, res->kid[k]->text);
		same = !strcmp(p, want);
		free(p);
		if (same) {
			*at = k;
			return true;
		}
	}
	return false;
}

/* The new file beside a manifest, named as the item that names the
 * manifest names it: "base/pg.yaml" and "x/pg-claims.yaml" ->
 * "base/pg-claims.yaml". */
static char *beside_item(const char *item, const char *file)
{
	const char *slash = strrchr(item, '/'), *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return slash ? xasprintf("%.*s/%s", (int)(slash - item), item, base) : xstrdup(base);
}

/*
 * The kustomizations that list dep's manifest list file (a new file beside
 * it) too, right after it (after the items added there before), with a
 * finding of code: "kustomization lists FILE, what".
 */
static void list_beside(struct pctx *c, const struct resource *dep, const char *file, enum code code,
			const char *what)
{
	const char *path = c->in[dep->in].src->path;
	char *want = refs_path_join("", path), *want_new = refs_path_join("", file);

	for (size_t i = 0; i < c->nin; i++) {
		for (size_t d = 0; !c->in[i].skip && d < c->in[i].ys->ndoc; d++) {
			const struct ynode *root = c->in[i].ys->doc[d].root, *res = ynode_get(root, "resources");
			struct resource kr = { .in = i, .doc = d, .node = root, .kind = "Kustomization",
					       .api = "", .name = "", .ns = "" };
			size_t at, dummy;
			struct op *o;
			char *item;

			if (!root || root->kind != YNODE_MAP || !refs_is_kustomization(&c->in[i], root) ||
			    !lists(res, c->in[i].src->path, want, &at) ||
			    lists(res, c->in[i].src->path, want_new, &dummy))
				continue;
			o = plan_add_op(c, OP_INSERT_ITEM, &kr, res);
			o->after = res->kid[at];
			item = beside_item(res->kid[at]->text, file);
			o->val = val_str(item);
			free(item);
			plan_note(c, &kr, res->kid[at], code, "kustomization lists %s, %s", o->val->str, what);
		}
	}
	free(want);
	free(want_new);
}

void refs_list_claims_file(struct pctx *c, const struct resource *dep)
{
	const char *sts = c->p->d[c->dep].sts;
	char *file = rebind_claims_file(c->in[dep->in].src->path, sts);
	char *what = xasprintf("the claims of pod 0 of StatefulSet \"%s\" (--claims-in-repo)", sts);

	list_beside(c, dep, file, CODE_CLAIM_IN_REPO, what);
	free(what);
	free(file);
}

void refs_list_service_file(struct pctx *c, const struct resource *dep, const char *file)
{
	char *what = xasprintf("the headless Service of StatefulSet \"%s\"", c->p->d[c->dep].sts);

	list_beside(c, dep, file, CODE_SERVICE_ADDED, what);
	free(what);
}

/* "dir/of/kustomization.yaml" + "../x/./p.yaml" -> "dir/x/p.yaml" (builds.h) */
char *refs_path_join(const char *base, const char *rel)
{
	return builds_path_join(base, rel);
}

/* The inputs' normalised paths, made on first use (or given by the caller:
 * plan_input.path_norm), indexed by hash. */
struct norm_paths {
	const char **have;
	char **own;		/* those made here */
	struct hidx by;
};

/* Mark the inputs at path rel from kustomization file kpath. */
static void mark_patch(const struct plan_input *in, const char *const *path, size_t nin, bool *patch,
		       struct norm_paths *np, const char *kpath, const char *rel)
{
	char *want = refs_path_join(kpath, rel);

	if (!np->have) {
		np->have = xcalloc(nin ? nin : 1, sizeof(*np->have));
		np->own = xcalloc(nin ? nin : 1, sizeof(*np->own));
		for (size_t i = 0; i < nin; i++) {
			np->have[i] = in[i].path_norm ? in[i].path_norm : (np->own[i] = refs_path_join("", path[i]));
			hidx_add(&np->by, hash_str(HASH_INIT, np->have[i]), i);
		}
	}
	for (size_t i = hidx_first(&np->by, hash_str(HASH_INIT, want)); i != HIDX_NONE; i = hidx_next(&np->by, i))
		if (!strcmp(want, np->have[i]))
			patch[i] = true;
	free(want);
}

void refs_patch_files(const struct plan_input *in, const char *const *path, size_t nin, bool *patch)
{
	struct norm_paths np = { NULL, NULL, HIDX_INIT };

	for (size_t i = 0; i < nin; i++) {
		for (size_t d = 0; !in[i].skip && d < in[i].ys->ndoc; d++) {
			const struct ynode *root = in[i].ys->doc[d].root;
			const struct ynode *psm = ynode_get(root, "patchesStrategicMerge");
			const struct ynode *ps = ynode_get(root, "patches");

			if (!root || root->kind != YNODE_MAP || !refs_is_kustomization(&in[i], root))
				continue;
			for (size_t k = 0; psm && psm->kind == YNODE_SEQ && k < psm->nkid; k++)
				if (ynode_is_scalar(psm->kid[k]) && !strchr(psm->kid[k]->text, '\n'))
					mark_patch(in, path, nin, patch, &np, path[i], psm->kid[k]->text);
			for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++) {
				const char *p = ynode_str(ynode_get(ps->kid[k], "path"));

				if (p)
					mark_patch(in, path, nin, patch, &np, path[i], p);
			}
		}
	}
	for (size_t i = 0; np.own && i < nin; i++)
		free(np.own[i]);
	free(np.own);
	free(np.have);
	hidx_release(&np.by);
}

/* The files that kustomization.yaml names as strategic-merge patches
 * (patchesStrategicMerge, or a `patches` entry with a path) describe
 * changes, not objects: they are never planned as Deployments. */
void refs_find_patches(struct pctx *c)
{
	const char **path = xcalloc(c->nin ? c->nin : 1, sizeof(*path));

	for (size_t i = 0; i < c->nin; i++)
		path[i] = c->in[i].src->path;
	c->patch = xcalloc(c->nin ? c->nin : 1, sizeof(*c->patch));
	refs_patch_files(c->in, path, c->nin, c->patch);
	free(path);
}
