/*
 * planner.c - the operations and findings every part of the planner
 * records through, and the span-tree readers they share (see planner.h).
 */
#include "planner.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report.h"
#include "rindex.h"
#include "source.h"
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

/* ---- scoping (planner.h, DESIGN.md section 9) ---- */

/* The input of the run that input in stands for: stream.c's inputs past
 * nin share the source of one before. */
static size_t run_input(const struct pctx *c, size_t in)
{
	if (in < c->nin)
		return in;
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].src == c->in[in].src)
			return i;
	return in;
}

bool plan_in_scope(const struct pctx *c, size_t a, size_t b)
{
	a = run_input(c, a);
	b = run_input(c, b);
	if (builds_plain(&c->bs, a))
		return builds_plain(&c->bs, b);
	return builds_share(&c->bs, a, b);
}

static const char *input_path(const struct pctx *c, size_t i)
{
	return c->in[i].path_norm ? c->in[i].path_norm : c->in[i].src->path;
}

/* How near inputs a and b are: the same file (SIZE_MAX), the same folder
 * (SIZE_MAX - 1), else the number of leading folders their paths share. */
static size_t nearness(const struct pctx *c, size_t a, size_t b)
{
	const char *p = input_path(c, a), *q = input_path(c, b);
	const char *ps = strrchr(p, '/'), *qs = strrchr(q, '/');
	size_t pd = ps ? (size_t)(ps - p) : 0, qd = qs ? (size_t)(qs - q) : 0, n = 0;

	if (c->in[a].src == c->in[b].src || !strcmp(p, q))
		return SIZE_MAX;
	if (pd == qd && !strncmp(p, q, pd))
		return SIZE_MAX - 1;
	if (!pd || !qd)
		return 0;
	for (size_t i = 0;; i++) {
		bool pend = i == pd || p[i] == '/', qend = i == qd || q[i] == '/';

		if (pend && qend) {
			n++;
			if (i == pd || i == qd)
				return n;
		} else if (pend || qend || p[i] != q[i]) {
			return n;
		}
	}
}

/* How near the nearest of cand[0..n) in scope is (*count of them that
 * near); false when none is in scope. */
static bool nearest(const struct pctx *c, size_t from, const struct resource *const *cand, size_t n,
		    size_t *best, size_t *count)
{
	bool any = false;

	*best = *count = 0;
	for (size_t i = 0; i < n; i++) {
		size_t s;

		if (!plan_in_scope(c, from, cand[i]->in))
			continue;
		s = nearness(c, from, cand[i]->in);
		if (!any || s > *best) {
			*best = s;
			*count = 1;
			any = true;
		} else if (s == *best) {
			(*count)++;
		}
	}
	/* several in the reference's own file (a stream: kubectl get,
	 * kustomize build, a joined file) are no tie: the first claim is
	 * taken and an autoscaler follows each, as stream.c, which sees one
	 * batch of Deployments at a time, must agree */
	if (any && *best == SIZE_MAX)
		*count = 1;
	return any;
}

/* Is cand (in scope) as near as best? */
static bool as_near(const struct pctx *c, size_t from, const struct resource *cand, size_t best)
{
	return plan_in_scope(c, from, cand->in) && nearness(c, from, cand->in) == best;
}

bool plan_same_file(const struct pctx *c, size_t a, size_t b)
{
	return nearness(c, a, b) == SIZE_MAX;
}

/* The paths of the candidates as near as best, for a message. */
static char *tied_paths(const struct pctx *c, size_t from, const struct resource *const *cand, size_t n,
			size_t best, size_t count)
{
	struct strbuf sb = STRBUF_INIT;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!as_near(c, from, cand[i], best))
			continue;
		if (++k > 1)
			strbuf_addstr(&sb, k == count ? " and " : ", ");
		strbuf_addstr(&sb, c->in[cand[i]->in].src->path);
	}
	return strbuf_detach(&sb, NULL);
}

const struct resource *plan_pick(const struct pctx *c, size_t from, const struct resource *const *cand,
				 size_t n, enum plan_pick *pick, char **tied)
{
	size_t best, count;

	if (!nearest(c, from, cand, n, &best, &count)) {
		*pick = PLAN_PICK_NONE;
		return NULL;
	}
	if (count > 1) {
		*pick = PLAN_PICK_TIE;
		if (tied)
			*tied = tied_paths(c, from, cand, n, best, count);
		return NULL;
	}
	*pick = PLAN_PICK_ONE;
	for (size_t i = 0;; i++)
		if (as_near(c, from, cand[i], best))
			return cand[i];
}

/* Is r an object of a strategic-merge patch file (not a candidate)? */
static bool in_patch_file(const struct pctx *c, const struct resource *r)
{
	size_t in = run_input(c, r->in);

	return !r->list_item && in < c->nin && c->patch[in];
}

/* The candidates for kind, ns and name (malloc'd, *n of them). */
static const struct resource **candidates(const struct pctx *c, const char *kind, const char *ns,
					  const char *name, size_t *n)
{
	const struct rindex *ri = c->ri;
	const struct resource **cand = NULL;
	size_t alloc = 0;
	uint64_t h = hash_str(hash_str(hash_str(HASH_INIT, kind), ns), name);

	*n = 0;
	for (size_t i = hidx_first(&ri->by_name, h); i != HIDX_NONE; i = hidx_next(&ri->by_name, i)) {
		const struct resource *r = &ri->r[i];

		if (strcmp(r->kind, kind) || strcmp(r->ns, ns) || strcmp(r->name, name) || in_patch_file(c, r))
			continue;
		ALLOC_GROW(cand, *n + 1, alloc);
		cand[(*n)++] = r;
	}
	/* else the objects that went by that name (Kustomize's previousNames) */
	h = hash_str(hash_str(HASH_INIT, kind), ns);
	for (size_t i = *n ? HIDX_NONE : hidx_first(&ri->by_prev, h); i != HIDX_NONE; i = hidx_next(&ri->by_prev, i)) {
		const struct resource *r = &ri->r[i];

		if (strcmp(r->kind, kind) || strcmp(r->ns, ns) || !rindex_named(r, name) || in_patch_file(c, r))
			continue;
		ALLOC_GROW(cand, *n + 1, alloc);
		cand[(*n)++] = r;
	}
	return cand;
}

struct pick_memo {
	size_t from;
	char *kind, *ns, *name;		/* owned (kind holds all three): the
					 * asker's strings may be in a tree that a
					 * large input frees after its batch */
	const struct resource *r;
	enum plan_pick pick;
};

/* "kind\0ns\0name\0" in one allocation, for a pick_memo. */
static void memo_key(struct pick_memo *m, const char *kind, const char *ns, const char *name)
{
	size_t kl = strlen(kind) + 1, nl = strlen(ns) + 1, ml = strlen(name) + 1;

	m->kind = xmalloc(kl + nl + ml);
	memcpy(m->kind, kind, kl);
	m->ns = memcpy(m->kind + kl, ns, nl);
	m->name = memcpy(m->kind + kl + nl, name, ml);
}

void plan_memo_release(struct pctx *c)
{
	for (size_t i = 0; i < c->nmemo; i++)
		free(c->memo[i].kind);
	free(c->memo);
	c->memo = NULL;
	c->nmemo = c->amemo = 0;
	hidx_release(&c->memo_by);
}

/* What an object of input from means by kind, ns and name, found once:
 * every Deployment of 500 variants asks about the same 500 autoscalers. */
static const struct resource *resolve(struct pctx *c, size_t from, const char *kind, const char *ns,
				      const char *name, enum plan_pick *pick)
{
	uint64_t h = hash_str(hash_str(hash_str(hash_str(HASH_INIT, kind), ns), name), "") ^ from;
	const struct resource **cand;
	struct pick_memo *m;
	size_t n;

	for (size_t i = hidx_first(&c->memo_by, h); i != HIDX_NONE; i = hidx_next(&c->memo_by, i)) {
		m = &c->memo[i];
		if (m->from == from && !strcmp(m->kind, kind) && !strcmp(m->ns, ns) && !strcmp(m->name, name)) {
			*pick = m->pick;
			return m->r;
		}
	}
	ALLOC_GROW(c->memo, c->nmemo + 1, c->amemo);
	m = &c->memo[c->nmemo];
	cand = candidates(c, kind, ns, name, &n);
	*m = (struct pick_memo){ from, NULL, NULL, NULL, plan_pick(c, from, cand, n, pick, NULL), PLAN_PICK_NONE };
	memo_key(m, kind, ns, name);
	m->pick = *pick;
	free(cand);
	hidx_add(&c->memo_by, h, c->nmemo++);
	return m->r;
}

const struct resource *plan_find(struct pctx *c, size_t from, const char *kind, const char *ns,
				 const char *name, enum plan_pick *pick, char **tied)
{
	size_t n;
	const struct resource **cand;
	const struct resource *r = resolve(c, run_input(c, from), kind, ns, name, pick);

	if (*pick != PLAN_PICK_TIE || !tied)
		return r;
	cand = candidates(c, kind, ns, name, &n);
	r = plan_pick(c, from, cand, n, pick, tied);
	free(cand);
	return r;
}

enum plan_pick plan_means(struct pctx *c, size_t from, const struct resource *dep, char **tied)
{
	size_t n, i = 0, best, count;
	const struct resource **cand;
	enum plan_pick pick = PLAN_PICK_NONE;
	bool indexed = dep >= c->ri->r && dep < c->ri->r + c->ri->n;

	if (indexed) {
		const struct resource *r = resolve(c, run_input(c, from), dep->kind, dep->ns, dep->name, &pick);

		/* (several in from's own file: each is meant) */
		if (pick != PLAN_PICK_TIE)
			return pick == PLAN_PICK_ONE && (r == dep || (plan_same_file(c, from, r->in) &&
								      plan_same_file(c, from, dep->in)))
				       ? PLAN_PICK_ONE
				       : PLAN_PICK_NONE;
		pick = PLAN_PICK_NONE;
	}
	cand = candidates(c, dep->kind, dep->ns, dep->name, &n);
	while (i < n && cand[i] != dep)
		i++;
	if (i == n) {
		/* an object of no index (a Template's) */
		cand = xrealloc(cand, (n + 1) * sizeof(*cand));
		cand[n++] = dep;
	}
	if (nearest(c, from, cand, n, &best, &count) && as_near(c, from, dep, best)) {
		pick = count > 1 ? PLAN_PICK_TIE : PLAN_PICK_ONE;
		if (count > 1 && tied)
			*tied = tied_paths(c, from, cand, n, best, count);
	}
	free(cand);
	return pick;
}
