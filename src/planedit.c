/*
 * planedit.c - build and change a plan from outside the planner (plan.h):
 * operations added, cancelled and forgotten, Deployments copied out of
 * their trees.  The planner (plan.c) keeps its own indexed add_op(); these
 * are for the KRM front end, stream.c and the tests.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rindex.h"
#include "util.h"
#include "ytree.h"

size_t *plan_input_ops(const struct plan *p, size_t in, size_t *n)
{
	size_t *ops = xcalloc(p->nop ? p->nop : 1, sizeof(*ops));

	*n = 0;
	for (size_t k = 0; k < p->nop; k++)
		if (p->op[k].in == in && p->op[k].kind != OP_NONE)
			ops[(*n)++] = k;
	return ops;
}

static struct op *add_op(struct plan *p, enum op_kind kind, size_t in, size_t doc,
			 const struct ynode *node, size_t dep)
{
	struct op *o;

	ALLOC_GROW(p->op, p->nop + 1, p->aop);
	o = &p->op[p->nop++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->in = in;
	o->doc = doc;
	o->node = node;
	o->dep = dep;
	return o;
}

void plan_add_remove(struct plan *p, size_t in, size_t doc, const struct ynode *node, size_t dep)
{
	add_op(p, OP_REMOVE, in, doc, node, dep);
}

void plan_add_pair(struct plan *p, size_t in, size_t doc, const struct ynode *map, const char *key,
		   struct val *val, size_t dep)
{
	struct op *o = add_op(p, OP_INSERT_PAIR, in, doc, map, dep);

	o->where = INS_LAST;
	o->key = xstrdup(key);
	o->val = val;
}

void plan_add_item(struct plan *p, size_t in, size_t doc, const struct ynode *seq, const struct ynode *after,
		   struct val *val, size_t dep)
{
	struct op *o = add_op(p, OP_INSERT_ITEM, in, doc, seq, dep);

	o->after = after;
	o->val = val;
}

void plan_add_set(struct plan *p, size_t in, size_t doc, const struct ynode *node, const char *value,
		  size_t dep)
{
	add_op(p, OP_SET, in, doc, node, dep)->val = val_raw(value);
}

void plan_forget_op(struct plan *p, size_t k)
{
	struct op *o = &p->op[k];

	o->kind = OP_NONE;
	o->in = 0;
	o->doc = NOPOS;
	o->node = o->after = NULL;
	val_free(o->val);
	o->val = NULL;
	free(o->key);
	o->key = NULL;
}

struct plan_kept {
	struct resource r;
	struct ynode node;
	struct plan_kept *next;
};

/* A copy of Deployment r in input to that outlives its tree. */
static const struct resource *keep_dep(const struct resource *r, size_t to, struct plan_kept **kept)
{
	struct plan_kept *k = xcalloc(1, sizeof(*k));

	k->r = *r;
	k->r.in = to;
	k->r.doc = NOPOS;
	k->r.list_item = NULL;
	k->r.kind = xstrdup(r->kind);
	k->r.api = xstrdup(r->api);
	k->r.name = xstrdup(r->name);
	k->r.ns = xstrdup(r->ns);
	k->node.kind = r->node->kind;
	k->node.style = r->node->style;
	k->node.prop = r->node->prop;
	k->node.start = r->node->start;
	k->node.end = r->node->end;
	k->node.dash = NOPOS;
	k->r.node = &k->node;
	k->next = *kept;
	*kept = k;
	return &k->r;
}

void plan_detach_deps(struct plan *p, size_t nd0, size_t ndec0, size_t to, struct plan_kept **kept)
{
	for (size_t i = ndec0; i < p->ndec; i++) {
		struct decision *dc = &p->dec[i];

		if (dc->dep->in == to)
			continue;
		dc->dep = keep_dep(dc->dep, to, kept);
		if (dc->converted)
			p->d[dc->dplan].dep = dc->dep;
	}
	/* (every converted Deployment has a decision: none is left) */
	for (size_t i = nd0; i < p->nd; i++)
		if (p->d[i].dep->in != to)
			p->d[i].dep = keep_dep(p->d[i].dep, to, kept);
}

void plan_kept_free(struct plan_kept *kept)
{
	while (kept) {
		struct plan_kept *k = kept;

		kept = k->next;
		free((char *)k->r.kind);
		free((char *)k->r.api);
		free((char *)k->r.name);
		free((char *)k->r.ns);
		free(k);
	}
}
