/*
 * planner.c - the operations and findings every part of the planner
 * records through, and the span-tree readers they share (see planner.h).
 */
#include "planner.h"

#include <string.h>

#include "render.h"
#include "report.h"
#include "rindex.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

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

struct resource *plan_new_resource(struct pctx *c)
{
	ALLOC_GROW(c->p->own, c->p->nown + 1, c->p->aown);
	return c->p->own[c->p->nown++] = xcalloc(1, sizeof(struct resource));
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

bool plan_truthy(const struct ynode *n)
{
	return ynode_is(n, "true") || ynode_is(n, "True") || ynode_is(n, "TRUE");
}

/* Any merge key inside n (or, with aliases, any alias or anchor)? */
bool plan_has_alias(const struct ynode *n, bool aliases)
{
	if (!n)
		return false;
	if (aliases && (n->kind == YNODE_ALIAS || n->anchored))
		return true;
	if (n->kind == YNODE_MAP)
		for (size_t i = 0; i < n->nkid; i += 2)
			if (ynode_is(n->kid[i], "<<") && n->kid[i]->style == YSTYLE_PLAIN)
				return true;
	for (size_t i = 0; i < n->nkid; i++)
		if (plan_has_alias(n->kid[i], aliases))
			return true;
	return false;
}

/*
 * (The span tree marks the documents that hold an alias or a merge key:
 * plan_has_alias(n, false) is false for the others without a walk.)
 *
 * The first alias among the parts of a Deployment's spec that stsify reads
 * or copies (a container's other fields, such as env, are neither), or of a
 * claim's spec.  The span tree does not follow aliases: a value read or
 * copied through one would be wrong (a claim's size, a Service's selector).
 */
const struct ynode *plan_alias_read(const struct ynode *n, bool container)
{
	static const char *const read[] = { "name", "image", "ports", "volumeMounts", "volumeDevices" };
	const struct ynode *a;

	if (!n)
		return NULL;
	if (n->kind == YNODE_ALIAS)
		return n;
	for (size_t i = 0; i < n->nkid; i++) {
		const struct ynode *k = n->kind == YNODE_MAP && !(i & 1) ? n->kid[i] : NULL;
		bool kept = !container;

		if (n->kind == YNODE_MAP && !(i & 1)) {
			if (k->kind == YNODE_ALIAS)
				return k;
			continue;
		}
		k = n->kind == YNODE_MAP ? n->kid[i - 1] : NULL;
		for (size_t j = 0; container && k && j < ARRAY_SIZE(read); j++)
			kept |= ynode_is(k, read[j]);
		if (!kept)
			continue;
		if (k && (ynode_is(k, "containers") || ynode_is(k, "initContainers")) &&
		    n->kid[i]->kind == YNODE_SEQ) {
			for (size_t j = 0; j < n->kid[i]->nkid; j++)
				if ((a = plan_alias_read(n->kid[i]->kid[j], true)))
					return a;
			continue;
		}
		if ((a = plan_alias_read(n->kid[i], false)))
			return a;
	}
	return NULL;
}

const struct ynode *plan_pvc_modes(const struct resource *pvc)
{
	return pvc ? ynode_path(pvc->node, "spec", "accessModes", NULL) : NULL;
}

/* The largest replica count an autoscaler of the Deployment allows, and the
 * autoscaler (HorizontalPodAutoscaler or KEDA ScaledObject), if any. */

bool plan_kind_names(const struct ynode *kind, const struct resource *dep, bool keda)
{
	const struct workload *w = workload_named(dep->kind);

	if (!w) {
		w = workload_named(ynode_str(kind));
		return kind ? w && w->action == WORKLOAD_CONVERT : keda;
	}
	return kind ? ynode_is(kind, dep->kind) : keda && w->keda_default;
}
