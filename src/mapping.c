/*
 * mapping.c - a Deployment's fields as a StatefulSet's (see mapping.h;
 * DESIGN.md section 3): kind and apiVersion, serviceName and selector,
 * strategy, the dropped fields, and the claims as volumeClaimTemplates.
 */
#include "mapping.h"

#include <stdlib.h>
#include <string.h>

#include "bnames.h"
#include "facts.h"
#include "planner.h"
#include "rebind.h"
#include "render.h"
#include "rindex.h"
#include "rules.h"
#include "service.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

static const struct ynode *rwx_item(const struct resource *pvc)
{
	const struct ynode *modes = plan_pvc_modes(pvc);

	for (size_t i = 0; modes && modes->kind == YNODE_SEQ && i < modes->nkid; i++)
		if (ynode_is(modes->kid[i], "ReadWriteMany"))
			return modes->kid[i];
	return modes;
}

/* A claim of that name in another namespace: the likely intended one. */
static const struct resource *pvc_elsewhere(struct pctx *c, const struct resource *dep, const char *name)
{
	uint64_t h = hash_str(HASH_INIT, name);

	for (size_t i = hidx_first(&c->pvcs, h); i != HIDX_NONE; i = hidx_next(&c->pvcs, i))
		if (!strcmp(c->ri->r[i].kind, "PersistentVolumeClaim") && !strcmp(c->ri->r[i].name, name) &&
		    plan_in_scope(c, dep->in, c->ri->r[i].in))
			return &c->ri->r[i];
	return NULL;
}

/* Where a claim of that name is when it is in another namespace, or "". */
static void elsewhere_hint(struct pctx *c, const struct resource *dep, const struct claim_use *cu,
			   struct strbuf *hint)
{
	const struct resource *other = pvc_elsewhere(c, dep, cu->claim->text);

	if (other && dep->ns[0])
		strbuf_addf(hint, " (a claim of that name is in namespace \"%s\", not in \"%s\")",
			    other->ns[0] ? other->ns : "(none)", dep->ns);
	else if (other)
		strbuf_addf(hint, " (a claim of that name is in namespace \"%s\"; the %s sets none)",
			    other->ns, dep->kind);
}

/* A claim that is not in the input, with --storage-size: say that its
 * template assumes that size and ReadWriteOnce, and where a claim of that
 * name is when it is in another namespace. */
static void claim_assumed(struct pctx *c, const struct resource *dep, const struct claim_use *cu)
{
	struct strbuf hint = STRBUF_INIT;

	elsewhere_hint(c, dep, cu, &hint);
	c->p->assumed = true;
	plan_note(c, dep, cu->claim, CODE_CLAIM_NOT_FOUND,
		  "claim \"%s\" is not in the input: template \"%s\" assumes ReadWriteOnce and %s (--storage-size)%s%s%s; check both against the real claim%s",
		  cu->claim->text, cu->volname, c->opt->storage_size,
		  c->opt->storage_class ? " of class " : "",
		  c->opt->storage_class ? c->opt->storage_class : "", c->opt->storage_class ? " (--storage-class)" : "",
		  hint.buf ? hint.buf : "");
	strbuf_release(&hint);
}

void mapping_claim_not_found(struct pctx *c, const struct resource *dep, const struct claim_use *cu)
{
	struct strbuf hint = STRBUF_INIT;

	elsewhere_hint(c, dep, cu, &hint);
	plan_note(c, dep, cu->claim, CODE_CLAIM_NOT_FOUND,
		  "claim \"%s\" is not in the input: %s \"%s\" is left as it is, since its size and access modes would be guessed; add the claim's manifest to the input, or give --storage-size SIZE to assume ReadWriteOnce of that size%s",
		  cu->claim->text, dep->kind, dep->name, hint.buf ? hint.buf : "");
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
		"accessModes",	"storageClassName", "resources", "volumeMode", "dataSource", "dataSourceRef",
		"volumeAttributesClassName",
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
		if (!kept) {
			if (ynode_is_scalar(k))
				plan_note(c, cu->pvc, k, CODE_DROPPED_FIELD,
					  "%s of claim \"%s\" is not carried into template \"%s\": a claim's spec has no such field",
					  k->text, cu->claim->text, cu->volname);
			continue;
		}
		if (ynode_is(k, "accessModes") && v->kind == YNODE_SEQ)
			val_set(spec, "accessModes", template_modes(c, cu, v, sts));
		else
			val_set(spec, k->text, val_from_ynode(v));
	}
}

/* Annotations of a claim that the cluster writes: not the user's settings. */
static bool server_annotation(const char *key)
{
	return !strncmp(key, "pv.kubernetes.io/", 17) || !strcmp(key, "volume.kubernetes.io/selected-node") ||
	       !strcmp(key, "volume.kubernetes.io/storage-provisioner") ||
	       !strcmp(key, "volume.beta.kubernetes.io/storage-provisioner") ||
	       !strcmp(key, "kubectl.kubernetes.io/last-applied-configuration");
}

/*
 * The claim's annotations: the legacy class annotation becomes
 * storageClassName unless the claim sets it; each other annotation the
 * user wrote is not carried into the template (no metadata but the name:
 * DESIGN.md section 3), and a finding says so.
 */
static void template_annotations(struct pctx *c, const struct claim_use *cu, struct val *spec)
{
	const struct ynode *ann = ynode_path(cu->pvc->node, "metadata", "annotations", NULL);

	for (size_t i = 0; ann && ann->kind == YNODE_MAP && i + 1 < ann->nkid; i += 2) {
		const struct ynode *k = ann->kid[i], *v = ann->kid[i + 1];

		if (!ynode_is_scalar(k) || server_annotation(k->text))
			continue;
		if (ynode_is(k, "volume.beta.kubernetes.io/storage-class") && ynode_is_scalar(v) &&
		    !val_get(spec, "storageClassName")) {
			val_insert(spec, val_get(spec, "accessModes") ? 1 : 0, "storageClassName", val_from_ynode(v));
			continue;
		}
		plan_note(c, cu->pvc, k, CODE_DROPPED_FIELD,
			  "annotation %s of claim \"%s\" is not carried into template \"%s\"%s", k->text,
			  cu->claim->text, cu->volname,
			  ynode_is(k, "volume.beta.kubernetes.io/storage-class")
				  ? ": the claim's storageClassName is the template's class"
				  : " (a template keeps no labels or annotations); add it to the new claims by hand if they need it");
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
		claim_assumed(c, dep, cu);
	template_fields(c, cu, pspec, sts, spec);
	if (cu->pvc)
		template_annotations(c, cu, spec);
	if (!val_get(spec, "accessModes")) {
		struct val *modes = val_seq();

		val_push(modes, val_str("ReadWriteOnce"));
		val_insert(spec, 0, "accessModes", modes);
	}
	if (!cu->pvc && c->opt->storage_class)
		val_set(spec, "storageClassName", val_str(c->opt->storage_class));
	if (!ynode_path(pspec, "resources", "requests", "storage", NULL)) {
		/* (a claim of the input without a size: Kubernetes rejects it) */
		val_set(val_submap(val_submap(spec, "resources"), "requests"), "storage",
			val_str(c->opt->storage_size ? c->opt->storage_size : "1Gi"));
		c->p->assumed |= c->opt->storage_size != NULL;
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
 * A Deployment's strategy -> updateStrategy in the mapping spec of r (the
 * object, or a strategic-merge patch of it): Recreate becomes
 * RollingUpdate, maxSurge goes, maxUnavailable goes unless kept; a
 * strategy that empties goes.
 */
static void strategy_deployment(struct pctx *c, const struct resource *r, const struct ynode *spec,
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

/* Why a key of a DeploymentConfig's strategy other than type goes. */
static const char *openshift_why(const struct ynode *k, const struct ynode *v)
{
	if (ynode_get(v, "pre") || ynode_get(v, "mid") || ynode_get(v, "post"))
		return "StatefulSets have no rollout parameters: its lifecycle hooks (pre, mid, post) no longer run";
	if (k->tlen > 6 && !strcmp(k->text + k->tlen - 6, "Params"))
		return "StatefulSets have no rollout parameters";
	return "it configures the deployer pod of a DeploymentConfig, which a StatefulSet does not have";
}

/*
 * An OpenShift DeploymentConfig's strategy -> updateStrategy: its type
 * (Rolling, Recreate, Custom) becomes RollingUpdate, every other key goes
 * (rollingParams, recreateParams, customParams, resources, labels,
 * annotations, activeDeadlineSeconds); a strategy that empties goes.
 */
static void strategy_openshift(struct pctx *c, const struct resource *r, const struct ynode *spec,
			       const struct ynode *const *keep)
{
	const struct ynode *strategy = ynode_get(spec, "strategy");
	const struct ynode *type = ynode_get(strategy, "type");

	if (!strategy || strategy->kind != YNODE_MAP)
		return;
	if (ynode_is_scalar(type) && !ynode_is(type, "RollingUpdate")) {
		plan_set_scalar(c, r, type, "RollingUpdate");
		plan_note(c, r, type, CODE_UPDATE_STRATEGY,
			  "strategy %s becomes updateStrategy RollingUpdate: StatefulSets replace pods one at a time, highest ordinal first",
			  type->text);
	}
	for (size_t i = 0; i + 1 < strategy->nkid; i += 2)
		if (ynode_is_scalar(strategy->kid[i]) && !ynode_is(strategy->kid[i], "type"))
			drop(c, r, strategy, strategy->kid[i]->text, keep,
			     openshift_why(strategy->kid[i], strategy->kid[i + 1]));
	if (!plan_is_removed(c, strategy))
		plan_set_scalar(c, r, ynode_key_of(strategy), "updateStrategy");
}

/* strategy -> updateStrategy as the kind of r says (workload.h). */
static void convert_strategy(struct pctx *c, const struct resource *r, const struct workload *w,
			     const struct ynode *spec, const struct ynode *const *keep)
{
	if (w->strategy == STRATEGY_DEPLOYMENT)
		strategy_deployment(c, r, spec, keep);
	else if (w->strategy == STRATEGY_OPENSHIFT)
		strategy_openshift(c, r, spec, keep);
}

/* Each ImageChange trigger of a DeploymentConfig: the image no longer
 * follows its image stream (image-trigger). */
static void note_image_triggers(struct pctx *c, const struct resource *r, const struct ynode *triggers)
{
	for (size_t i = 0; triggers && triggers->kind == YNODE_SEQ && i < triggers->nkid; i++) {
		const struct ynode *t = triggers->kid[i], *p = ynode_get(t, "imageChangeParams");
		const struct ynode *from = ynode_get(p, "from"), *names = ynode_get(p, "containerNames");
		const char *fkind = ynode_str(ynode_get(from, "kind")), *fname = ynode_str(ynode_get(from, "name"));
		struct strbuf who = STRBUF_INIT;

		if (!ynode_is(ynode_get(t, "type"), "ImageChange"))
			continue;
		for (size_t k = 0; names && names->kind == YNODE_SEQ && k < names->nkid; k++)
			if (ynode_str(names->kid[k]))
				strbuf_addf(&who, "%s%s", who.len ? ", " : "", names->kid[k]->text);
		plan_note(c, r, t, CODE_IMAGE_TRIGGER,
			  "ImageChange trigger of %s \"%s\" dropped: the image of %s%s no longer follows %s \"%s\"; set it in the pod template, or use the annotation image.openshift.io/triggers",
			  r->kind, r->name, who.len ? "container " : "its containers", who.len ? who.buf : "",
			  fkind ? fkind : "image stream", fname ? fname : "");
		strbuf_release(&who);
	}
}

/*
 * The fields at `at` of r's kind that a StatefulSet does not have
 * (workload.h): on the object with their warnings (paused,
 * image-trigger), on a strategic-merge patch (patch) without.
 */
static void convert_drops(struct pctx *c, const struct resource *r, const struct workload *w,
			  const struct ynode *const *keep, bool patch, enum drop_at at)
{
	const struct ynode *spec = ynode_get(r->node, "spec");
	const struct ynode *ann = ynode_path(r->node, "metadata", "annotations", NULL);

	for (size_t i = 0; i < w->ndrop; i++) {
		const struct workload_drop *dr = &w->drop[i];
		const struct ynode *map = dr->at == DROP_SPEC ? spec : ann;

		if (dr->at != at)
			continue;
		if (!patch && dr->check == DROP_PAUSED && plan_truthy(ynode_get(map, dr->key)))
			plan_note(c, r, ynode_key_of(ynode_get(map, dr->key)), CODE_PAUSED,
				  "%s \"%s\" is paused, but a StatefulSet cannot be: it starts pods as soon as it is applied",
				  r->kind, r->name);
		if (!patch && dr->check == DROP_TRIGGERS)
			note_image_triggers(c, r, ynode_get(map, dr->key));
		drop(c, r, map, dr->key, keep, dr->why);
	}
}

/* Strategic-merge patches of the Deployment (found by refs_find_patches())
 * follow it: kind, apiVersion, strategy and the fields of spec its kind
 * drops. */
void mapping_convert_patches(struct pctx *c, const struct resource *dep)
{
	for (size_t i = hidx_first(&c->pdeps, hash_str(HASH_INIT, dep->name)); i != HIDX_NONE;
	     i = hidx_next(&c->pdeps, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *spec = ynode_get(r->node, "spec");
		const struct ynode *keep[] = { r->node, spec, ynode_get(r->node, "metadata"), NULL };
		const struct workload *w = workload_named(r->kind);	/* (dep may be a StatefulSet: refs.h) */

		if (!plan_kind_names(ynode_get(r->node, "kind"), dep, false) || strcmp(r->name, dep->name) ||
		    (r->ns[0] && strcmp(r->ns, dep->ns)) || plan_has_alias(r->node, true) ||
		    plan_means(c, r->in, dep, NULL) != PLAN_PICK_ONE)
			continue;
		plan_set_scalar(c, r, ynode_get(r->node, "kind"), "StatefulSet");
		if (ynode_is_scalar(ynode_get(r->node, "apiVersion")) && !ynode_is(ynode_get(r->node, "apiVersion"), "apps/v1"))
			plan_set_scalar(c, r, ynode_get(r->node, "apiVersion"), "apps/v1");
		if (spec && spec->kind == YNODE_MAP) {
			convert_strategy(c, r, w, spec, keep);
			convert_drops(c, r, w, keep, true, DROP_SPEC);
		}
		plan_add_ref(c, r, ynode_get(r->node, "kind"));
		plan_note(c, r, ynode_get(r->node, "kind"), CODE_REFERENCE,
			  "strategic-merge patch %s now patches StatefulSet \"%s\"", c->in[r->in].src->path, dep->name);
	}
}

static void convert_selector(struct pctx *c, const struct resource *dep, const struct ynode *const *keep,
			     bool late);

/* kind and apiVersion; serviceName right after replicas (or first), then
 * a selector when there is none. */
static void convert_head(struct pctx *c, const struct resource *dep, const struct ynode *const *keep)
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
	convert_selector(c, dep, keep, false);
}

/*
 * Where a pair that replaces the removed pair of key k in mapping m goes,
 * so that it cannot land inside a removal: after the nearest pair before
 * it that stays; else, in a block mapping, after the run of removed pairs
 * it starts (where that removal ends), in a flow mapping first.
 */
static void place_replacement(const struct pctx *c, const struct ynode *m, const struct ynode *k,
			      struct op *o)
{
	size_t i = 0;

	while (m->kid[i] != k)
		i += 2;
	for (size_t j = i; j >= 2; j -= 2) {
		if (!plan_is_removed(c, m->kid[j - 1])) {
			o->where = INS_AFTER;
			o->after = m->kid[j - 2];
			return;
		}
	}
	if (m->style == YSTYLE_FLOW) {
		o->where = INS_FIRST;
		return;
	}
	while (i + 3 < m->nkid && plan_is_removed(c, m->kid[i + 3]))
		i += 2;
	o->where = INS_AFTER;
	o->after = m->kid[i];
}

/*
 * The selector: a LabelSelector stays; a missing one (an old API version,
 * a kind where it defaults to the pod template's labels) or an empty map
 * is made from those labels, after serviceName; a plain map of labels (a
 * ReplicationController's, a DeploymentConfig's) becomes matchLabels of a
 * new selector where it stood, late (after the other edits of spec, for
 * place_replacement()).
 */
static void convert_selector(struct pctx *c, const struct resource *dep, const struct ynode *const *keep,
			     bool late)
{
	const struct ynode *spec = ynode_get(dep->node, "spec"), *sel = ynode_get(spec, "selector");
	const struct ynode *replicas = ynode_get(spec, "replicas");
	const struct ynode *tlabels = ynode_path(spec, "template", "metadata", "labels", NULL);
	bool plain = workload_named(dep->kind)->selector == SELECTOR_MAP;
	struct val *v;
	struct op *o;

	if ((sel && !plain) || (plain && ynode_count(sel)) != late)
		return;
	if (sel)
		plan_remove(c, dep, sel, keep);
	v = val_map();
	o = plan_add_op(c, OP_INSERT_PAIR, dep, spec);
	o->key = xstrdup("selector");
	o->val = v;
	if (ynode_count(sel)) {
		val_set(v, "matchLabels", service_labels(sel));
		place_replacement(c, spec, ynode_key_of(sel), o);
		return;
	}
	val_set(v, "matchLabels", service_labels(tlabels));
	o->where = replicas ? INS_AFTER : INS_FIRST;
	o->after = replicas ? ynode_key_of(replicas) : NULL;
	plan_note(c, dep, ynode_key_of(tlabels), CODE_SELECTOR_SYNTHESIZED,
		  "StatefulSet \"%s\" gets selector.matchLabels from the pod template's labels", dep->name);
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
	const struct workload *w = workload_named(dep->kind);

	convert_strategy(c, dep, w, spec, keep);
	convert_drops(c, dep, w, keep, false, DROP_SPEC);
	drop(c, dep, root, "status", keep, "status is written by the cluster");
	convert_drops(c, dep, w, keep, false, DROP_ANNOTATION);
	for (size_t i = 0; i < ARRAY_SIZE(server_set); i++)
		drop(c, dep, md, server_set[i], keep, "it is set by the API server");
}

/* The claim's access modes, comma-separated, or NULL. */
static char *modes_text(const struct ynode *modes)
{
	struct strbuf sb = STRBUF_INIT;

	if (!modes || modes->kind != YNODE_SEQ)
		return NULL;
	for (size_t i = 0; i < modes->nkid; i++)
		if (ynode_is_scalar(modes->kid[i]))
			strbuf_addf(&sb, "%s%s", sb.len ? "," : "", modes->kid[i]->text);
	return sb.buf ? strbuf_detach(&sb, NULL) : xstrdup("");
}

/*
 * Rebind or copy (rebind.h), and the data-migration finding that says
 * which and why; it recommends --protect-claims when something that
 * prunes (c->managed) manages the repository.
 */
static void data_path(struct pctx *c, const struct resource *dep, const struct claim_use *cu,
		      struct claim_plan *cp)
{
	struct strbuf hint = STRBUF_INIT, pairs = STRBUF_INIT;
	const char *claim = cu->pvc ? cu->pvc->name : cu->claim->text;
	char *newc;

	cp->old_modes = modes_text(plan_pvc_modes(cu->pvc));
	cp->rebind = rebind_choose((enum data_path)c->ru->data_path, cp->old_modes, cp->spec, NULL, cp->static_volume,
				   &cp->why);
	if (c->managed && !c->opt->protect_claims)
		strbuf_addf(&hint, "; %s manages the repository: --protect-claims keeps the claim when its manifest goes",
			    c->managed);
	/* the names each root build gives them (bnames.h); a plain manifest's as written */
	bnames_claim(&c->bs, c->in, dep, cu->pvc, cu->claim->text, cu->volname, &cp->build, &cp->nbuild);
	newc = xasprintf("%s-%s-0", cu->volname, dep->name);
	if (bnames_as_written(cp->build, cp->nbuild, dep->ns, claim, newc))
		strbuf_addf(&pairs, "claim \"%s\" to claim \"%s\"", claim, newc);
	else
		bnames_pairs(&pairs, cp->build, cp->nbuild);
	free(newc);
	plan_note(c, cu->pvc ? cu->pvc : dep,
		  cu->pvc ? ynode_path(cu->pvc->node, "metadata", "name", NULL) : cu->claim, CODE_DATA_MIGRATION,
		  "%s the data of %s before StatefulSet \"%s\" starts (%s: %s): pod 0 adopts an existing claim of that name, otherwise it gets a new empty one; keep this claim until then (deleting its manifest from a GitOps repository prunes the claim and its data)%s",
		  cp->rebind ? "move" : "copy", pairs.buf, dep->name, cp->rebind ? "rebind" : "copy", cp->why,
		  hint.buf ? hint.buf : "");
	strbuf_release(&hint);
	strbuf_release(&pairs);
}

/* The annotations that keep a claim when its manifest leaves a repository
 * managed by Argo CD, Flux or Helm. */
static const char *const keep_annotations[][2] = {
	{ "argocd.argoproj.io/sync-options", "Prune=false,Delete=false" },
	{ "kustomize.toolkit.fluxcd.io/prune", "disabled" },
	{ "helm.sh/resource-policy", "keep" },
};

/* --protect-claims: the annotations pvc lacks, added to its metadata
 * (once, however many workloads mount it). */
static void protect_claim(struct pctx *c, const struct resource *pvc)
{
	const struct ynode *md = ynode_get(pvc->node, "metadata"), *ann = ynode_get(md, "annotations");
	struct val *add = val_map();
	struct op *o;

	if (!md || md->kind != YNODE_MAP || (ann && ann->kind != YNODE_MAP) ||
	    plan_has_op(c, OP_INSERT_PAIR, ann ? ann : md)) {
		val_free(add);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keep_annotations); i++)
		if (!ynode_get(ann, keep_annotations[i][0]))
			val_set(add, keep_annotations[i][0], val_str(keep_annotations[i][1]));
	if (!add->n) {
		val_free(add);
		return;
	}
	plan_note(c, pvc, ynode_path(md, "name", NULL), CODE_CLAIM_PROTECTED,
		  "claim \"%s\" gets %zu keep annotation%s: Argo CD, Flux and Helm keep it when its manifest leaves the repository",
		  pvc->name, add->n, add->n == 1 ? "" : "s");
	if (ann) {
		for (size_t i = 0; i < add->n; i++) {
			o = plan_add_op(c, OP_INSERT_PAIR, pvc, ann);
			o->where = INS_LAST;
			o->key = xstrdup(add->key[i]);
			o->val = val_copy(add->item[i]);
		}
		val_free(add);
		return;
	}
	o = plan_add_op(c, OP_INSERT_PAIR, pvc, md);
	o->where = INS_LAST;
	o->key = xstrdup("annotations");
	o->val = add;
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
		memset(cp, 0, sizeof(*cp));
		cp->volume = xstrdup(cu[i].volname);
		cp->claim = xstrdup(cu[i].claim->text);
		cp->pvc = cu[i].pvc;
		cp->spec = val_copy(val_get(t, "spec"));
	}
	if (!ncu) {	/* converted for a build whose patch adds the claim (plan.c) */
		val_free(vcts);
		return;
	}
	o = plan_add_op(c, OP_INSERT_PAIR, dep, ynode_get(dep->node, "spec"));
	o->where = INS_LAST;
	o->key = xstrdup("volumeClaimTemplates");
	o->val = vcts;
}

void mapping_data_path(struct pctx *c, const struct resource *dep, const struct claim_use *cu, size_t ncu)
{
	struct dplan *d = &c->p->d[c->dep];

	for (size_t i = 0; i < ncu && i < d->nclaim; i++) {
		data_path(c, dep, &cu[i], &d->claim[i]);
		if (c->opt->protect_claims && cu[i].pvc)
			protect_claim(c, cu[i].pvc);
	}
}

/* The field mapping of DESIGN.md section 3. */
void mapping_convert(struct pctx *c, const struct resource *dep, const struct claim_use *cu, size_t ncu)
{
	const struct ynode *root = dep->node;
	const struct ynode *spec = ynode_get(root, "spec"), *md = ynode_get(root, "metadata");
	const struct ynode *tmpl = ynode_get(spec, "template"), *podspec = ynode_get(tmpl, "spec");
	const struct ynode *keep[] = { root, spec, md, tmpl, podspec, NULL };

	convert_head(c, dep, keep);
	convert_fields(c, dep, keep);
	convert_selector(c, dep, keep, true);
	convert_claims(c, dep, cu, ncu, keep);
}
