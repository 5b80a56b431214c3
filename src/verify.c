/*
 * verify.c - re-parse the result and compare it with the plan (verify.h).
 *
 * The new text is parsed again (ytree, that is libfyaml), and each changed
 * document is compared with its original tree as the plan's operations say
 * it must have become: the walk goes down both trees at once, reading an
 * operation on an original node as "this scalar now reads X", "this pair
 * or item is gone", "this mapping has one more pair", "this sequence has
 * one more item after that one".  Mappings are compared as sets of pairs
 * (lowering decides where a new pair goes), sequences in order, scalars by
 * value, and nodes that no operation touches by value and style too.
 * Every operation of a document must be met by the walk.  Nothing here
 * looks at the edits: an edit that does not do what its operation says is
 * caught however it went wrong.
 *
 * (Earlier versions built libfyaml documents from the old and new text and
 * applied the operations to them; fy_node_compare() and the document
 * builder cost three times the parse of the document, more than the rest
 * of the run on a large stream.)
 */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "render.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

struct vctx {
	const struct plan *p;
	const size_t *ops;	/* the operations on the document */
	size_t nops;
	struct hidx by_node;	/* ops[i] by node: i */
	struct hidx hot;	/* hotnode[i] by node */
	const struct ynode **hotnode;	/* nodes with an operation, and their ancestors */
	size_t nhot, ahot;
	size_t met;		/* operations the walk applied */
	const char *where;	/* what differs, for the option debug_verify */
	size_t where_off;
};

/* The operation of this kind on node n, or NULL. */
static const struct op *op_on(struct vctx *v, const struct ynode *n, enum op_kind kind)
{
	for (size_t i = hidx_first(&v->by_node, hash_ptr(n)); i != HIDX_NONE; i = hidx_next(&v->by_node, i)) {
		const struct op *o = &v->p->op[v->ops[i]];

		if (o->node == n && o->kind == kind)
			return o;
	}
	return NULL;
}

static bool differ(struct vctx *v, const char *what, const struct ynode *n)
{
	if (!v->where) {
		v->where = what;
		v->where_off = n ? n->start : NOPOS;
	}
	return false;
}

static bool same_text(const struct ynode *n, const char *s)
{
	size_t l = strlen(s);

	return n->kind == YNODE_SCALAR && n->tlen == l && !memcmp(n->text, s, l);
}

/* Does new node n hold value val (a value the plan adds)? */
static bool same_val(struct vctx *v, const struct val *val, const struct ynode *n)
{
	switch (val->kind) {
	case VAL_SCALAR:
		return same_text(n, val->str) || differ(v, "an added scalar", n);
	case VAL_SEQ:
		if (n->kind != YNODE_SEQ || n->nkid != val->n)
			return differ(v, "an added sequence", n);
		for (size_t i = 0; i < val->n; i++)
			if (!same_val(v, val->item[i], n->kid[i]))
				return false;
		return true;
	case VAL_MAP:
		if (n->kind != YNODE_MAP || n->nkid != 2 * val->n)
			return differ(v, "an added mapping", n);
		for (size_t i = 0; i < val->n; i++) {
			const struct ynode *nv = NULL;

			for (size_t j = 0; j < n->nkid && !nv; j += 2)
				if (same_text(n->kid[j], val->key[i]))
					nv = n->kid[j + 1];
			if (!nv)
				return differ(v, "a key of an added mapping", n);
			if (!same_val(v, val->item[i], nv))
				return false;
		}
		return true;
	}
	return false;
}

static bool same_node(struct vctx *v, const struct ynode *o, const struct ynode *n);

/* Does the subtree of o hold no operation at all? */
static bool cold(const struct vctx *v, const struct ynode *o)
{
	for (size_t i = hidx_first(&v->hot, hash_ptr(o)); i != HIDX_NONE; i = hidx_next(&v->hot, i))
		if (v->hotnode[i] == o)
			return false;
	return true;
}

static void heat(struct vctx *v, const struct ynode *n)
{
	for (; n; n = n->parent) {
		if (!cold(v, n))
			return;	/* and so are its ancestors */
		ALLOC_GROW(v->hotnode, v->nhot + 1, v->ahot);
		v->hotnode[v->nhot] = n;
		hidx_add(&v->hot, hash_ptr(n), v->nhot++);
	}
}

/* A subtree without operations: the same, in the same order. */
static bool same_cold(struct vctx *v, const struct ynode *o, const struct ynode *n)
{
	if (o->kind != n->kind || o->style != n->style || o->nkid != n->nkid)
		return differ(v, "a part the plan leaves alone changed", n);
	if (o->kind == YNODE_SCALAR || o->kind == YNODE_ALIAS)
		return (o->tlen == n->tlen && !memcmp(o->text, n->text, o->tlen)) ||
		       differ(v, "a value the plan leaves alone", n);
	for (size_t i = 0; i < o->nkid; i++)
		if (!same_cold(v, o->kid[i], n->kid[i]))
			return false;
	return true;
}

/* Node x goes (with key k, for a map value): its operations, and those
 * inside it, are met. */
static void removed(struct vctx *v, const struct ynode *x, const struct ynode *k)
{
	for (size_t i = 0; i < v->nops; i++) {
		const struct op *op = &v->p->op[v->ops[i]];

		if (op->kind == OP_NONE || op->kind == OP_ADD_DOC)
			continue;
		if (op->node == k) {
			v->met++;
			continue;
		}
		for (const struct ynode *a = op->node; a; a = a->parent)
			if (a == x) {
				v->met++;
				break;
			}
	}
}

/* The key text an original key has after the plan. */
static const char *key_after(struct vctx *v, const struct ynode *k)
{
	const struct op *set = op_on(v, k, OP_SET);

	if (set) {
		v->met++;
		return set->val->str;
	}
	return k->kind == YNODE_SCALAR ? k->text : NULL;
}

static bool same_map(struct vctx *v, const struct ynode *o, const struct ynode *n)
{
	size_t expect = 0, npairs = n->nkid / 2;
	bool *used = xcalloc(npairs ? npairs : 1, sizeof(*used));
	bool ok = true;

	/* the original pairs that stay, each found in n by its key */
	for (size_t i = 0; ok && i + 1 < o->nkid; i += 2) {
		const struct ynode *ok_ = o->kid[i], *ov = o->kid[i + 1];
		const char *key;
		size_t j = npairs;

		if (op_on(v, ov, OP_REMOVE)) {
			removed(v, ov, ok_);
			continue;
		}
		expect++;
		key = key_after(v, ok_);
		if (key) {
			/* usually at the same place: try it first */
			size_t guess = i / 2 < npairs ? i / 2 : 0;

			for (size_t t = 0; t < npairs && j == npairs; t++) {
				size_t c = (guess + t) % npairs;

				if (!used[c] && same_text(n->kid[2 * c], key))
					j = c;
			}
		} else {
			for (size_t c = 0; c < npairs && j == npairs; c++)
				if (!used[c] && n->kid[2 * c]->kind == ok_->kind) {
					size_t met = v->met;
					const char *where = v->where;

					if (same_node(v, ok_, n->kid[2 * c]))
						j = c;
					else
						v->met = met, v->where = where;
				}
		}
		if (j == npairs) {
			ok = differ(v, "a key is missing", ok_);
			break;
		}
		used[j] = true;
		ok = same_node(v, ov, n->kid[2 * j + 1]);
	}
	/* the pairs the plan adds */
	for (size_t k = 0; ok && k < v->nops; k++) {
		const struct op *op = &v->p->op[v->ops[k]];
		size_t j = npairs;

		if (op->kind != OP_INSERT_PAIR || op->node != o)
			continue;
		v->met++;
		expect++;
		for (size_t c = 0; c < npairs && j == npairs; c++)
			if (!used[c] && same_text(n->kid[2 * c], op->key))
				j = c;
		if (j == npairs) {
			ok = differ(v, "an added key is missing", o);
			break;
		}
		used[j] = true;
		ok = same_val(v, op->val, n->kid[2 * j + 1]);
	}
	if (ok && expect != npairs)
		ok = differ(v, "a mapping has other keys", n);
	free(used);
	return ok;
}

static bool same_seq(struct vctx *v, const struct ynode *o, const struct ynode *n)
{
	size_t j = 0;

	for (size_t i = 0; i < o->nkid; i++) {
		const struct ynode *item = o->kid[i];

		if (op_on(v, item, OP_REMOVE)) {
			removed(v, item, NULL);
		} else {
			if (j >= n->nkid)
				return differ(v, "a sequence is too short", n);
			if (!same_node(v, item, n->kid[j++]))
				return false;
		}
		/* items the plan adds after this one, in plan order */
		for (size_t k = 0; k < v->nops; k++) {
			const struct op *op = &v->p->op[v->ops[k]];

			if (op->kind != OP_INSERT_ITEM || op->node != o || op->after != item)
				continue;
			v->met++;
			if (j >= n->nkid)
				return differ(v, "an added item is missing", n);
			if (!same_val(v, op->val, n->kid[j++]))
				return false;
		}
	}
	return j == n->nkid || differ(v, "a sequence is too long", n);
}

/* Is new node n original node o as the plan leaves it? */
static bool same_node(struct vctx *v, const struct ynode *o, const struct ynode *n)
{
	const struct op *set;

	if (cold(v, o))
		return same_cold(v, o, n);
	set = op_on(v, o, OP_SET);

	if (set) {
		v->met++;
		return same_text(n, set->val->str) || differ(v, "a value the plan sets", n);
	}
	if (o->kind != n->kind || o->style != n->style)
		return differ(v, "a node changed its kind or style", n);
	switch (o->kind) {
	case YNODE_SCALAR:
	case YNODE_ALIAS:
		return (o->tlen == n->tlen && !memcmp(o->text, n->text, o->tlen)) ||
		       differ(v, "a value the plan leaves alone", n);
	case YNODE_MAP:
		return same_map(v, o, n);
	case YNODE_SEQ:
		return same_seq(v, o, n);
	}
	return false;
}

/* Compare the new document root n with original root o and the operations
 * ops[0..nops) on its document. */
static int compare_doc(const struct plan *p, const size_t *ops, size_t nops, const struct ynode *o,
		       const struct ynode *n, const char **where, size_t *where_off)
{
	struct vctx v = { .p = p, .ops = ops, .nops = nops };
	size_t live = 0;
	bool ok;

	for (size_t i = 0; i < nops; i++) {
		const struct op *op = &p->op[ops[i]];

		if (op->kind == OP_NONE || op->kind == OP_ADD_DOC)
			continue;
		live++;
		hidx_add(&v.by_node, hash_ptr(op->node), i);
		heat(&v, op->node);
	}
	if (!o || !n)
		ok = o == n || differ(&v, "a document is empty", n);
	else
		ok = same_node(&v, o, n);
	if (ok && v.met != live)
		ok = differ(&v, "an operation of the plan was not applied", NULL);
	hidx_release(&v.by_node);
	hidx_release(&v.hot);
	free(v.hotnode);
	*where = v.where;
	*where_off = v.where_off;
	return ok ? 0 : -1;
}

static bool doc_changed(const struct plan *p, size_t in, size_t d, const size_t *ops, size_t nops)
{
	for (size_t j = 0; j < nops; j++) {
		const struct op *o = &p->op[ops[j]];

		if (o->in == in && o->doc == d && o->kind != OP_NONE && o->kind != OP_ADD_DOC)
			return true;
	}
	return false;
}

struct opref {
	size_t doc, k;
};

static int by_doc(const void *a, const void *b)
{
	const struct opref *x = a, *y = b;

	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static void debug(const struct plan *p, const char *what, size_t d, const char *where, size_t where_off,
		  const char *buf, const struct ydoc *ndoc)
{
	/* the option debug_verify (STSIFY_DEBUG_VERIFY): where the document
	 * differs, for bug reports */
	if (!p->debug_verify)
		return;
	fprintf(stderr, "--- %s %zu: %s", what, d + 1, where ? where : "differs");
	if (where_off != NOPOS)
		fprintf(stderr, " (byte %zu of the new text)", where_off);
	fprintf(stderr, " ---\n%.*s--- end ---\n", (int)(ndoc->end - ndoc->start), buf + ndoc->start);
}

/*
 * Document d of vj->ys (its operations ops[0..nops), in plan order) against
 * the new documents from nys->doc[*nd] on: itself, then those the plan adds
 * after it.  Advances *nd; 0, or -1 and *why.
 */
static int check_doc(const struct verify_job *vj, size_t d, const size_t *ops, size_t nops,
		     const struct ystream *nys, size_t *nd, char **why)
{
	const struct plan *p = vj->p;
	const struct ydoc *od = &vj->ys->doc[d], *ndoc;
	const char *buf = vj->buf;

	if (*nd >= nys->ndoc) {
		*why = xstrdup("the result has fewer documents than the plan");
		return -1;
	}
	ndoc = &nys->doc[(*nd)++];
	if (!doc_changed(p, vj->in, d, ops, nops)) {
		size_t ol = od->end - od->start, nl = ndoc->end - ndoc->start;
		const char *eol = source_eol(vj->src);

		if (!(nl == ol || (nl == ol + strlen(eol) && !memcmp(buf + ndoc->start + ol, eol, nl - ol))) ||
		    memcmp(vj->src->buf + od->start, buf + ndoc->start, ol)) {
			*why = xasprintf("document %zu changed although the plan leaves it alone", d + 1);
			return -1;
		}
	} else {
		const char *where;
		size_t where_off;

		if (compare_doc(p, ops, nops, od->root, ndoc->root, &where, &where_off)) {
			*why = xasprintf("document %zu does not mean what the plan says", d + 1);
			debug(p, "document", d, where, where_off, buf, ndoc);
			return -1;
		}
	}
	for (size_t j = 0; j < nops; j++) {
		const struct op *o = &p->op[ops[j]];
		struct vctx v = { .p = p };

		if (o->kind != OP_ADD_DOC)
			continue;
		if (*nd >= nys->ndoc) {
			*why = xstrdup("an added document is missing from the result");
			return -1;
		}
		ndoc = &nys->doc[(*nd)++];
		if (!ndoc->root || !same_val(&v, o->val, ndoc->root)) {
			*why = xasprintf("added document %zu is not the planned Service", *nd);
			debug(p, "added document", *nd - 1, v.where, v.where_off, buf, ndoc);
			return -1;
		}
	}
	return 0;
}

int verify_docs(const struct verify_job *vj, char **why)
{
	const struct plan *p = vj->p;
	size_t nall = vj->nops, *own = vj->ops ? NULL : plan_input_ops(p, vj->in, &nall);
	const size_t *allops = vj->ops ? vj->ops : own;
	struct yparser *own_yp = vj->yp ? NULL : yparser_new();
	struct ystream nys;
	struct opref *refs = xcalloc(nall ? nall : 1, sizeof(*refs));
	size_t *sorted = xcalloc(nall ? nall : 1, sizeof(*sorted));
	size_t nd = 0, nref = 0, r0 = 0;
	int ret = -1;

	/* the operations of each document, in plan order */
	for (size_t j = 0; j < nall; j++) {
		const struct op *o = &p->op[allops[j]];

		if (o->in == vj->in && o->doc >= vj->d0 && o->doc < vj->d1) {
			refs[nref].doc = o->doc;
			refs[nref++].k = allops[j];
		}
	}
	qsort(refs, nref, sizeof(*refs), by_doc);
	for (size_t j = 0; j < nref; j++)
		sorted[j] = refs[j].k;
	*why = NULL;
	ystream_init(&nys);
	if (ystream_append_depth(&nys, vj->yp ? vj->yp : own_yp, vj->buf, 0, vj->len, YTREE_MAX_DEPTH + 8)) {
		*why = xasprintf("the result does not parse: %s", nys.err_msg ? nys.err_msg : "invalid YAML");
		goto out;
	}
	for (size_t d = vj->d0; d < vj->d1; d++) {
		size_t nops = 0;

		while (r0 < nref && refs[r0].doc < d)
			r0++;
		while (r0 + nops < nref && refs[r0 + nops].doc == d)
			nops++;
		if (check_doc(vj, d, sorted + r0, nops, &nys, &nd, why))
			goto out;
	}
	if (nd != nys.ndoc) {
		*why = xstrdup("the result has more documents than the plan");
		goto out;
	}
	ret = 0;
out:
	ystream_release(&nys);
	yparser_free(own_yp);
	free(own);
	free(refs);
	free(sorted);
	return ret;
}
