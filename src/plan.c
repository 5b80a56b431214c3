/*
 * plan.c - decide, per Deployment, whether and how it becomes a StatefulSet
 * (DESIGN.md sections 2-5; see plan.h): the driver, and the operations
 * every part of the planner records through (planner.h).
 *
 * The decision table of section 2 is plan_deployment(), on what facts.c
 * reads; the field mapping of section 3 is mapping.c; the headless Service
 * of section 4 is service.c; the references of section 5 are refs.c; the
 * stale-text scan is stale.c.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "mapping.h"
#include "planner.h"
#include "refs.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "stale.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

static const char *const deployment_apis[] = {
	"apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1",
};

struct finding *plan_note(struct pctx *c, const struct resource *r, const struct ynode *at,
			  enum code code, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = report_vadd(c->rep, c->in[r->in].src, at ? at->start : r->node->start, code, fmt, ap);
	va_end(ap);
	finding_set_resource(f, r->kind, r->ns[0] ? r->ns : NULL, r->name);
	f->owner = c->owner;
	return f;
}

struct op *plan_add_op(struct pctx *c, enum op_kind kind, const struct resource *r,
		       const struct ynode *node)
{
	struct op *o;

	ALLOC_GROW(c->p->op, c->p->nop + 1, c->p->aop);
	o = &c->p->op[c->p->nop++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->in = r->in;
	o->doc = r->doc;
	o->node = node;
	o->dep = c->dep;
	hidx_add(&c->op_node, hash_ptr(node), c->p->nop - 1);
	if (kind == OP_REMOVE && node && node->parent)
		hidx_add(&c->op_parent, hash_ptr(node->parent), c->p->nop - 1);
	return o;
}

/* Is there an operation of this kind on node n? */
bool plan_has_op(const struct pctx *c, enum op_kind kind, const struct ynode *n)
{
	for (size_t i = hidx_first(&c->op_node, hash_ptr(n)); i != HIDX_NONE; i = hidx_next(&c->op_node, i))
		if (c->p->op[i].kind == kind && c->p->op[i].node == n)
			return true;
	return false;
}

void plan_add_ref(struct pctx *c, const struct resource *r, const struct ynode *at)
{
	struct dplan *d = &c->p->d[c->dep];
	struct ref_plan *rp;

	ALLOC_GROW(d->ref, d->nref + 1, d->aref);
	rp = &d->ref[d->nref++];
	rp->in = r->in;
	rp->kind = r->kind;
	rp->name = r->name;
	rp->at = at;
}

/* Set a scalar; a node already set (a reference shared by two Deployments
 * of the same name in different folders) is set once. */
void plan_set_scalar(struct pctx *c, const struct resource *r, const struct ynode *n,
		     const char *value)
{
	if (plan_has_op(c, OP_SET, n))
		return;
	plan_add_op(c, OP_SET, r, n)->val = val_raw(value);
}

bool plan_is_removed(const struct pctx *c, const struct ynode *n)
{
	return plan_has_op(c, OP_REMOVE, n);
}

/*
 * Remove n (a map value, with its key, or a sequence item).  When that
 * empties its parent collection, remove the parent instead, unless the
 * parent is one of the `keep` nodes (the object, its spec...).
 */
void plan_remove(struct pctx *c, const struct resource *r, const struct ynode *n,
		 const struct ynode *const *keep)
{
	const struct ynode *parent = n->parent;
	size_t removed = 0, total;

	if (plan_is_removed(c, n))
		return;
	plan_add_op(c, OP_REMOVE, r, n);
	if (!parent || !parent->parent)
		return;
	for (const struct ynode *const *k = keep; *k; k++)
		if (*k == parent)
			return;
	total = ynode_count(parent);
	for (size_t i = 0; i < parent->nkid; i++)
		if ((parent->kind == YNODE_SEQ || (i & 1)) && plan_is_removed(c, parent->kid[i]))
			removed++;
	if (removed < total)
		return;
	for (size_t i = hidx_first(&c->op_parent, hash_ptr(parent)); i != HIDX_NONE;
	     i = hidx_next(&c->op_parent, i))
		if (c->p->op[i].kind == OP_REMOVE && c->p->op[i].node->parent == parent)
			c->p->op[i].kind = OP_NONE;
	plan_remove(c, r, parent, keep);
}

static void decide(struct pctx *c, const struct resource *dep, bool converted, enum code why)
{
	struct decision *d;

	ALLOC_GROW(c->p->dec, c->p->ndec + 1, c->p->adec);
	d = &c->p->dec[c->p->ndec++];
	d->dep = dep;
	d->converted = converted;
	d->reason = why;
	d->dplan = converted ? c->dep : 0;
}

/* The decision table of DESIGN.md section 2. */
static void plan_deployment(struct pctx *c, const struct resource *dep)
{
	const struct ynode *spec = ynode_get(dep->node, "spec");
	const struct ynode *podspec = ynode_path(spec, "template", "spec", NULL);
	const struct ynode *ann = ynode_path(dep->node, "metadata", "annotations", NULL);
	const struct ynode *at;
	const struct resource *scaler;
	struct claim_use *cu = NULL;
	size_t ncu, api_ok = 0;
	long long replicas, max;
	const char *img;
	bool rwx = false, go = false;
	enum code why = CODE_NO_WRITABLE_CLAIM;
	size_t first;
	struct dplan *d;

	for (size_t i = 0; i < ARRAY_SIZE(deployment_apis); i++)
		api_ok |= !strcmp(dep->api, deployment_apis[i]);
	c->owner = c->p->nd + 1;	/* the index it gets if it is converted */
	first = c->rep->n;
	/* without a name there is no StatefulSet or Service name to give */
	if (!api_ok || !dep->name[0] || !spec || spec->kind != YNODE_MAP || !podspec ||
	    podspec->kind != YNODE_MAP) {
		decide(c, dep, false, !api_ok ? CODE_API_VERSION : !dep->name[0] ? CODE_NO_NAME : CODE_NO_POD_TEMPLATE);
		return;
	}
	ncu = facts_claims(c, dep, podspec, &cu);
	if (!ncu) {
		const struct ynode *a = facts_alias_read(ynode_get(podspec, "volumes"), false);

		if (a)
			plan_note(c, dep, a, CODE_UNSUPPORTED_ALIAS,
				  "Deployment \"%s\" takes its volumes through an alias: not judged, check its claims by hand",
				  dep->name);
		goto out;
	}
	for (size_t i = 0; i < ncu; i++)
		rwx |= cu[i].rwx;
	at = cu[0].claim;
	replicas = ynode_get(spec, "replicas") ? ynode_int(ynode_get(spec, "replicas")) : 1;
	max = facts_autoscaled_max(c, dep, &scaler);
	img = facts_stateful_image(c, podspec);

	if (facts_truthy(ynode_get(ann, "stsify.dev/skip"))) {
		plan_note(c, dep, ynode_key_of(ynode_get(ann, "stsify.dev/skip")), CODE_ANNOTATION,
			  "Deployment \"%s\" is left alone: annotation stsify.dev/skip is \"true\"", dep->name);
		why = CODE_ANNOTATION;
		goto out;
	}
	if (facts_truthy(ynode_get(ann, "stsify.dev/convert"))) {
		plan_note(c, dep, ynode_key_of(ynode_get(ann, "stsify.dev/convert")), CODE_ANNOTATION,
			  "Deployment \"%s\" is converted: annotation stsify.dev/convert is \"true\"", dep->name);
		why = CODE_ANNOTATION;
		go = true;
	} else if (!rules_selected(c->ru, dep->name)) {
		why = CODE_NOT_SELECTED;
		goto out;
	} else if (rwx && !img && !c->opt->all) {
		plan_note(c, dep, at, CODE_SHARED_RWX,
			  "claim \"%s\" is ReadWriteMany and shared by the replicas of Deployment \"%s\": left as it is (shared storage is often deliberate; convert it with --all or annotation stsify.dev/convert)",
			  at->text, dep->name);
		why = CODE_SHARED_RWX;
		goto out;
	} else if (replicas > 1 || max > 1) {
		why = CODE_SHARED_PVC;
		for (size_t i = 0; i < ncu; i++) {
			if (replicas > 1)
				plan_note(c, dep, cu[i].claim, CODE_SHARED_PVC,
					  "claim \"%s\" is shared by %lld replicas of Deployment \"%s\"",
					  cu[i].claim->text, replicas, dep->name);
			else
				plan_note(c, dep, cu[i].claim, CODE_SHARED_PVC,
					  "claim \"%s\" is shared by up to %lld replicas of Deployment \"%s\" (%s \"%s\")",
					  cu[i].claim->text, max, dep->name, scaler->kind, scaler->name);
		}
		go = true;
	} else if (img || c->opt->all) {
		why = CODE_STATEFUL_DEPLOYMENT;
		if (img)
			plan_note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
				  "Deployment \"%s\" runs stateful image \"%s\" on claim \"%s\": %s",
				  dep->name, img, at->text,
				  ynode_is(ynode_path(spec, "strategy", "type", NULL), "Recreate")
					  ? "a StatefulSet gives it a stable identity and a claim of its own per replica"
					  : "a rolling update starts the new pod before the old one stops, both on the same volume");
		else
			plan_note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
				  "Deployment \"%s\" writes to claim \"%s\" (--all)", dep->name, at->text);
		go = true;
	} else {
		why = CODE_SINGLE_REPLICA_PVC;
		plan_note(c, dep, at, CODE_SINGLE_REPLICA_PVC,
			  "Deployment \"%s\" has one replica on claim \"%s\": left as it is (convert it with --all or annotation stsify.dev/convert)",
			  dep->name, at->text);
	}
	if (!go)
		goto out;
	/* a merge key can hide or override any field: what the text says is
	 * not what the object is.  (Anchors and aliases are checked against
	 * the edits when lowering.) */
	if (c->in[dep->in].ys->doc[dep->doc].has_alias && facts_has_alias(dep->node, false)) {
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_UNSUPPORTED_ALIAS,
			  "Deployment \"%s\" uses merge keys (<<): left as it is, convert it by hand",
			  dep->name);
		why = CODE_UNSUPPORTED_ALIAS;
		go = false;
		goto out;
	}
	if (facts_aliases_read(c, dep, spec, cu, ncu))
		goto out;
	if (!ynode_get(spec, "selector") &&
	    !ynode_count(ynode_path(spec, "template", "metadata", "labels", NULL))) {
		plan_note(c, dep, spec, CODE_NO_SELECTOR,
			  "Deployment \"%s\" has neither a selector nor pod template labels: left as it is",
			  dep->name);
		why = CODE_NO_SELECTOR;
		go = false;
		goto out;
	}
	ALLOC_GROW(c->p->d, c->p->nd + 1, c->p->ad);
	c->dep = c->p->nd++;
	d = &c->p->d[c->dep];
	memset(d, 0, sizeof(*d));
	d->dep = dep;
	d->sts = xstrdup(dep->name);
	mapping_convert(c, dep, cu, ncu);
	refs_retarget_scalers(c, dep);
	refs_retarget_kustomize(c, dep);
	mapping_convert_patches(c, dep);
	decide(c, dep, true, why);
	free(cu);
	c->owner = 0;
	return;
out:
	decide(c, dep, false, why);
	/* only a converted Deployment can be abandoned later */
	for (size_t i = first; i < c->rep->n; i++)
		c->rep->f[i].owner = 0;
	c->owner = 0;
	free(cu);
}

struct planner *plan_begin(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
			   const struct rindex *ri, const struct plan_input *in, size_t nin,
			   struct report *rep)
{
	struct pctx *c = xcalloc(1, sizeof(*c));
	size_t akitem = 0;

	c->opt = opt;
	c->ru = ru;
	c->ri = ri;
	c->in = in;
	c->rep = rep;
	c->p = p;
	c->nin = nin;
	memset(p, 0, sizeof(*p));
	refs_find_patches(c);
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];
		const struct ynode *t = refs_scale_target(r);

		if (r->list_item && !strcmp(r->kind, "Kustomization") && !in[r->in].skip) {
			ALLOC_GROW(c->kitem, c->nkitem + 1, akitem);
			c->kitem[c->nkitem++] = i;
		}
		if (!r->list_item && !strcmp(r->kind, "Deployment") && r->in < nin && c->patch[r->in])
			hidx_add(&c->pdeps, hash_str(HASH_INIT, r->name), i);
		if (ynode_is_scalar(t))
			hidx_add(&c->scalers, hash_str(hash_str(HASH_INIT, r->ns), t->text), i);
		else if (!strcmp(r->kind, "Service") &&
			 ynode_is(ynode_path(r->node, "spec", "clusterIP", NULL), "None"))
			hidx_add(&c->services, hash_str(HASH_INIT, r->ns), i);
		else if (!strcmp(r->kind, "PersistentVolumeClaim"))
			hidx_add(&c->pvcs, hash_str(HASH_INIT, r->name), i);
	}
	refs_index_patches(c);
	return (struct planner *)c;
}

/* Is input in a strategic-merge patch file? */
static bool is_patch(const struct pctx *c, size_t in)
{
	if (in < c->nin)
		return c->patch[in];
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].src == c->in[in].src)
			return c->patch[i];
	return false;
}

void plan_one(struct planner *pl, const struct resource *dep)
{
	struct pctx *c = (struct pctx *)pl;

	if (!strcmp(dep->kind, "Deployment") && !c->in[dep->in].skip && !is_patch(c, dep->in))
		plan_deployment(c, dep);
}

void plan_end(struct planner *pl)
{
	struct pctx *c = (struct pctx *)pl;

	hidx_release(&c->scalers);
	hidx_release(&c->services);
	hidx_release(&c->pvcs);
	hidx_release(&c->op_node);
	hidx_release(&c->op_parent);
	hidx_release(&c->kp_name);
	hidx_release(&c->pdeps);
	free(c->kp);
	free(c->kitem);
	free(c->patch);
	free(c);
}

void plan_build(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
		const struct rindex *ri, const struct plan_input *in, size_t nin, struct report *rep)
{
	struct planner *pl = plan_begin(p, opt, ru, ri, in, nin, rep);

	for (size_t i = 0; i < ri->n; i++)
		plan_one(pl, &ri->r[i]);
	plan_end(pl);
	plan_find_stale(p, ru, in, nin, 1, rep);
}

void plan_find_stale(struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		     unsigned jobs, struct report *rep)
{
	stale_find(p, ru, in, nin, jobs, rep);
}

void plan_abandon(struct plan *p, size_t dep, enum code code)
{
	for (size_t i = 0; i < p->ndec; i++) {
		if (p->dec[i].converted && p->dec[i].dplan == dep) {
			p->dec[i].converted = false;
			p->dec[i].reason = code;
		}
	}
	p->d[dep].failed = true;
	for (size_t i = 0; i < p->nop; i++)
		if (p->op[i].dep == dep)
			p->op[i].kind = OP_NONE;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->nop; i++) {
		free(p->op[i].key);
		val_free(p->op[i].val);
	}
	for (size_t i = 0; i < p->nd; i++) {
		free(p->d[i].sts);
		free(p->d[i].service);
		for (size_t k = 0; k < p->d[i].nclaim; k++) {
			free(p->d[i].claim[k].volume);
			free(p->d[i].claim[k].claim);
			val_free(p->d[i].claim[k].spec);
		}
		free(p->d[i].claim);
		free(p->d[i].ref);
	}
	free(p->op);
	free(p->d);
	free(p->dec);
	memset(p, 0, sizeof(*p));
}
