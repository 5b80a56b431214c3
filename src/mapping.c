/*
 * mapping.c - a Deployment's fields as a StatefulSet's (see mapping.h;
 * DESIGN.md section 3): kind and apiVersion, serviceName and selector,
 * strategy, the dropped fields, and the claims as volumeClaimTemplates.
 */
#include "mapping.h"

#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "planner.h"
#include "render.h"
#include "rindex.h"
#include "service.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

static const struct ynode *rwx_item(const struct resource *pvc)
{
	const struct ynode *modes = facts_pvc_modes(pvc);

	for (size_t i = 0; modes && modes->kind == YNODE_SEQ && i < modes->nkid; i++)
		if (ynode_is(modes->kid[i], "ReadWriteMany"))
			return modes->kid[i];
	return modes;
}

/* A claim of that name in another namespace: the likely intended one. */
static const struct resource *pvc_elsewhere(struct pctx *c, const char *name)
{
	uint64_t h = hash_str(HASH_INIT, name);

	for (size_t i = hidx_first(&c->pvcs, h); i != HIDX_NONE; i = hidx_next(&c->pvcs, i))
		if (!strcmp(c->ri->r[i].kind, "PersistentVolumeClaim") && !strcmp(c->ri->r[i].name, name))
			return &c->ri->r[i];
	return NULL;
}

/* A claim that is not in the input: say what its template asks for, and
 * where a claim of that name is when it is in another namespace. */
static void claim_not_found(struct pctx *c, const struct resource *dep, const struct claim_use *cu)
{
	const struct resource *other = pvc_elsewhere(c, cu->claim->text);
	struct strbuf hint = STRBUF_INIT;

	if (other && dep->ns[0])
		strbuf_addf(&hint, " (a claim of that name is in namespace \"%s\", not in \"%s\")",
			    other->ns[0] ? other->ns : "(none)", dep->ns);
	else if (other)
		strbuf_addf(&hint, " (a claim of that name is in namespace \"%s\"; the Deployment sets none)",
			    other->ns);
	plan_note(c, dep, cu->claim, CODE_CLAIM_NOT_FOUND,
		  "claim \"%s\" is not in the input: template \"%s\" asks for %s%s%s%s",
		  cu->claim->text, cu->volname, c->opt->storage_size,
		  c->opt->storage_class ? " of class " : "",
		  c->opt->storage_class ? c->opt->storage_class : "", hint.buf ? hint.buf : "");
	strbuf_release(&hint);
}

/* The claim's accessModes (sequence v), each once; ReadWriteMany becomes
 * ReadWriteOnce unless --keep-access-modes. */
static struct val *template_modes(struct pctx *c, const struct claim_use *cu, const struct ynode *v,
				  const char *sts)
{
	struct val *modes = val_seq();

	for (size_t j = 0; j < v->nkid; j++) {
		const char *m = ynode_str(v->kid[j]);
		bool dup = false;

		if (!m)
			continue;
		if (!strcmp(m, "ReadWriteMany") && !c->opt->keep_access_modes) {
			plan_note(c, cu->pvc, v->kid[j], CODE_ACCESS_MODE,
				  "template \"%s\" asks for ReadWriteOnce instead of ReadWriteMany: each replica of \"%s\" gets a volume of its own",
				  cu->volname, sts);
			m = "ReadWriteOnce";
		}
		for (size_t q = 0; q < modes->n; q++)
			dup |= !strcmp(modes->item[q]->str, m);
		if (!dup)
			val_push(modes, val_str(m));
	}
	return modes;
}

/* The fields of the claim's spec pspec that a template keeps, into spec;
 * a binding (volumeName, selector) is dropped with a finding. */
static void template_fields(struct pctx *c, const struct claim_use *cu, const struct ynode *pspec,
			    const char *sts, struct val *spec)
{
	static const char *const keep[] = {
		"accessModes", "storageClassName", "resources", "volumeMode", "dataSource", "dataSourceRef",
	};

	for (size_t i = 0; pspec && pspec->kind == YNODE_MAP && i + 1 < pspec->nkid; i += 2) {
		const struct ynode *k = pspec->kid[i], *v = pspec->kid[i + 1];
		bool kept = false;

		for (size_t j = 0; j < ARRAY_SIZE(keep); j++)
			kept |= ynode_is(k, keep[j]);
		if (ynode_is(k, "volumeName") || ynode_is(k, "selector")) {
			plan_note(c, cu->pvc, k, CODE_CLAIM_BINDING,
				  "%s of claim \"%s\" is dropped from template \"%s\": one volume cannot back every replica of \"%s\"%s",
				  k->text, cu->claim->text, cu->volname, sts,
				  ynode_is(ynode_get(pspec, "storageClassName"), "")
					  ? "; with storageClassName \"\" each replica's claim binds only a PersistentVolume made for it beforehand"
					  : "");
			continue;
		}
		if (!kept)
			continue;
		if (ynode_is(k, "accessModes") && v->kind == YNODE_SEQ)
			val_set(spec, "accessModes", template_modes(c, cu, v, sts));
		else
			val_set(spec, k->text, val_from_ynode(v));
	}
}

/* One volumeClaimTemplate from the claim's manifest (or the defaults). */
static struct val *claim_template(struct pctx *c, const struct resource *dep,
				  const struct claim_use *cu, const char *sts)
{
	struct val *t = val_map(), *md, *spec;
	const struct ynode *pspec = cu->pvc ? ynode_get(cu->pvc->node, "spec") : NULL;

	md = val_set(t, "metadata", val_map());
	val_set(md, "name", val_str(cu->volname));
	spec = val_set(t, "spec", val_map());
	if (!cu->pvc)
		claim_not_found(c, dep, cu);
	template_fields(c, cu, pspec, sts, spec);
	if (!val_get(spec, "accessModes")) {
		struct val *modes = val_seq();

		val_push(modes, val_str("ReadWriteOnce"));
		val_insert(spec, 0, "accessModes", modes);
	}
	if (!cu->pvc && c->opt->storage_class)
		val_set(spec, "storageClassName", val_str(c->opt->storage_class));
	if (!ynode_path(pspec, "resources", "requests", "storage", NULL)) {
		struct val *res = val_get(spec, "resources"), *req;

		if (!res || res->kind != VAL_MAP)
			res = val_set(spec, "resources", val_map());
		req = val_get(res, "requests");
		if (!req || req->kind != VAL_MAP)
			req = val_set(res, "requests", val_map());
		val_set(req, "storage", val_str(c->opt->storage_size));
	}
	if (cu->rwx && c->opt->keep_access_modes)
		plan_note(c, cu->pvc ? cu->pvc : dep, cu->pvc ? rwx_item(cu->pvc) : cu->claim, CODE_ACCESS_MODE,
			  "template \"%s\" keeps ReadWriteMany, but each replica of \"%s\" still gets a volume of its own",
			  cu->volname, sts);
	return t;
}

static void drop(struct pctx *c, const struct resource *dep, const struct ynode *map,
		 const char *key, const struct ynode *const *keep, const char *why)
{
	const struct ynode *v = ynode_get(map, key);

	if (!v)
		return;
	plan_remove(c, dep, v, keep);
	plan_note(c, dep, ynode_key_of(v), CODE_DROPPED_FIELD, "%s dropped from StatefulSet \"%s\": %s",
		  key, dep->name, why);
}

/*
 * strategy -> updateStrategy in the mapping spec of r (the object, or a
 * strategic-merge patch of it): Recreate becomes RollingUpdate, maxSurge
 * goes, maxUnavailable goes unless kept; a strategy that empties goes.
 */
static void convert_strategy(struct pctx *c, const struct resource *r, const struct ynode *spec,
			     const struct ynode *const *keep)
{
	const struct ynode *strategy = ynode_get(spec, "strategy");
	const struct ynode *type = ynode_get(strategy, "type");
	const struct ynode *ru = ynode_get(strategy, "rollingUpdate");

	if (!strategy)
		return;
	if (ynode_is(type, "Recreate")) {
		plan_set_scalar(c, r, type, "RollingUpdate");
		plan_note(c, r, type, CODE_UPDATE_STRATEGY,
			  "strategy Recreate becomes updateStrategy RollingUpdate: StatefulSets replace pods one at a time, highest ordinal first");
		if (ru)
			drop(c, r, strategy, "rollingUpdate", keep, "not allowed with Recreate");
	} else if (ru) {
		drop(c, r, ru, "maxSurge", keep, "StatefulSets do not surge");
		if (!c->opt->keep_max_unavailable)
			drop(c, r, ru, "maxUnavailable", keep,
			     "it needs the MaxUnavailableStatefulSet feature gate (keep it with --keep-max-unavailable)");
	}
	/* (strategy itself is not kept: {rollingUpdate: {maxSurge: 1}} empties) */
	if (!plan_is_removed(c, strategy))
		plan_set_scalar(c, r, ynode_key_of(strategy), "updateStrategy");
}

/* Strategic-merge patches of the Deployment (found by refs_find_patches())
 * follow it: kind, apiVersion, strategy and the Deployment-only fields. */
void mapping_convert_patches(struct pctx *c, const struct resource *dep)
{
	for (size_t i = hidx_first(&c->pdeps, hash_str(HASH_INIT, dep->name)); i != HIDX_NONE;
	     i = hidx_next(&c->pdeps, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *spec = ynode_get(r->node, "spec");
		const struct ynode *keep[] = { r->node, spec, ynode_get(r->node, "metadata"), NULL };

		if (strcmp(r->name, dep->name) || (r->ns[0] && strcmp(r->ns, dep->ns)) || facts_has_alias(r->node, true))
			continue;
		plan_set_scalar(c, r, ynode_get(r->node, "kind"), "StatefulSet");
		if (ynode_is_scalar(ynode_get(r->node, "apiVersion")) && !ynode_is(ynode_get(r->node, "apiVersion"), "apps/v1"))
			plan_set_scalar(c, r, ynode_get(r->node, "apiVersion"), "apps/v1");
		if (spec && spec->kind == YNODE_MAP) {
			convert_strategy(c, r, spec, keep);
			drop(c, r, spec, "progressDeadlineSeconds", keep, "StatefulSets have no progress deadline");
			drop(c, r, spec, "paused", keep, "StatefulSets cannot be paused");
		}
		plan_add_ref(c, r, ynode_get(r->node, "kind"));
		plan_note(c, r, ynode_get(r->node, "kind"), CODE_REFERENCE,
			  "strategic-merge patch %s now patches StatefulSet \"%s\"", c->in[r->in].src->path, dep->name);
	}
}

/* kind and apiVersion; serviceName right after replicas (or first), then
 * a selector when an old API version let the Deployment go without one. */
static void convert_head(struct pctx *c, const struct resource *dep)
{
	const struct ynode *root = dep->node, *spec = ynode_get(root, "spec");
	const struct ynode *tmpl = ynode_get(spec, "template"), *replicas = ynode_get(spec, "replicas");
	struct dplan *d = &c->p->d[c->dep];
	struct op *o;

	plan_set_scalar(c, dep, ynode_get(root, "kind"), "StatefulSet");
	if (!ynode_is(ynode_get(root, "apiVersion"), "apps/v1")) {
		plan_set_scalar(c, dep, ynode_get(root, "apiVersion"), "apps/v1");
		plan_note(c, dep, ynode_get(root, "apiVersion"), CODE_API_VERSION,
			  "apiVersion %s becomes apps/v1", dep->api);
	}
	d->service = service_plan(c, dep, ynode_get(tmpl, "spec"));
	o = plan_add_op(c, OP_INSERT_PAIR, dep, spec);
	o->where = replicas ? INS_AFTER : INS_FIRST;
	o->after = replicas ? ynode_key_of(replicas) : NULL;
	o->key = xstrdup("serviceName");
	o->val = val_str(d->service);
	if (!ynode_get(spec, "selector")) {
		struct val *sel = val_map();

		val_set(sel, "matchLabels", service_labels(ynode_path(tmpl, "metadata", "labels", NULL)));
		o = plan_add_op(c, OP_INSERT_PAIR, dep, spec);
		o->where = replicas ? INS_AFTER : INS_FIRST;
		o->after = replicas ? ynode_key_of(replicas) : NULL;
		o->key = xstrdup("selector");
		o->val = sel;
		plan_note(c, dep, ynode_key_of(ynode_path(tmpl, "metadata", "labels", NULL)), CODE_SELECTOR_SYNTHESIZED,
			  "StatefulSet \"%s\" gets selector.matchLabels from the pod template's labels", dep->name);
	}
}

/* strategy -> updateStrategy, and the fields a StatefulSet does not have
 * or that the server writes. */
static void convert_fields(struct pctx *c, const struct resource *dep, const struct ynode *const *keep)
{
	static const char *const server_set[] = {
		"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
	};
	const struct ynode *root = dep->node;
	const struct ynode *spec = ynode_get(root, "spec"), *md = ynode_get(root, "metadata");

	convert_strategy(c, dep, spec, keep);
	drop(c, dep, spec, "progressDeadlineSeconds", keep, "StatefulSets have no progress deadline");
	if (facts_truthy(ynode_get(spec, "paused")))
		plan_note(c, dep, ynode_key_of(ynode_get(spec, "paused")), CODE_PAUSED,
			  "Deployment \"%s\" is paused, but a StatefulSet cannot be: it starts pods as soon as it is applied",
			  dep->name);
	drop(c, dep, spec, "paused", keep, "StatefulSets cannot be paused");
	drop(c, dep, root, "status", keep, "status is written by the cluster");
	drop(c, dep, ynode_get(md, "annotations"), "deployment.kubernetes.io/revision", keep,
	     "it is written by the Deployment controller");
	for (size_t i = 0; i < ARRAY_SIZE(server_set); i++)
		drop(c, dep, md, server_set[i], keep, "it is set by the API server");
}

/* The claims leave the pod template and come back as templates. */
static void convert_claims(struct pctx *c, const struct resource *dep, const struct claim_use *cu, size_t ncu,
			   const struct ynode *const *keep)
{
	struct dplan *d = &c->p->d[c->dep];
	struct val *vcts = val_seq();
	struct op *o;

	for (size_t i = 0; i < ncu; i++) {
		struct val *t = claim_template(c, dep, &cu[i], dep->name);
		struct claim_plan *cp;

		plan_remove(c, dep, cu[i].volume, keep);
		val_push(vcts, t);
		ALLOC_GROW(d->claim, d->nclaim + 1, d->aclaim);
		cp = &d->claim[d->nclaim++];
		cp->volume = xstrdup(cu[i].volname);
		cp->claim = xstrdup(cu[i].claim->text);
		cp->pvc = cu[i].pvc;
		cp->spec = val_copy(val_get(t, "spec"));
		plan_note(c, cu[i].pvc ? cu[i].pvc : dep,
			  cu[i].pvc ? ynode_path(cu[i].pvc->node, "metadata", "name", NULL) : cu[i].claim,
			  CODE_DATA_MIGRATION,
			  "copy the data of claim \"%s\" to claim \"%s-%s-0\" before StatefulSet \"%s\" starts: pod 0 adopts an existing claim of that name, otherwise it gets a new empty one; keep this claim until then (deleting its manifest from a GitOps repository prunes the claim and its data)",
			  cu[i].pvc ? cu[i].pvc->name : cu[i].claim->text, cu[i].volname, dep->name, dep->name);
	}
	o = plan_add_op(c, OP_INSERT_PAIR, dep, ynode_get(dep->node, "spec"));
	o->where = INS_LAST;
	o->key = xstrdup("volumeClaimTemplates");
	o->val = vcts;
}

/* The field mapping of DESIGN.md section 3. */
void mapping_convert(struct pctx *c, const struct resource *dep, const struct claim_use *cu, size_t ncu)
{
	const struct ynode *root = dep->node;
	const struct ynode *spec = ynode_get(root, "spec"), *md = ynode_get(root, "metadata");
	const struct ynode *tmpl = ynode_get(spec, "template"), *podspec = ynode_get(tmpl, "spec");
	const struct ynode *keep[] = { root, spec, md, tmpl, podspec, NULL };

	convert_head(c, dep);
	convert_fields(c, dep, keep);
	convert_claims(c, dep, cu, ncu, keep);
}
