/*
 * stream.c - one large input, parsed only where it can matter (run.h).
 *
 *   1. split.c cuts the input into documents and classifies them;
 *   2. the documents a Deployment may refer to (claims, Services,
 *      autoscalers, Lists, kustomizations, unknown kinds) are parsed, on
 *      several threads, into one span-tree stream and indexed; a Service
 *      that cannot be headless is only looked up by name, so its name and
 *      namespace are read from its bytes (split_service_stub()) instead;
 *   3. the Deployments with a claim are parsed BATCH at a time (threads),
 *      planned in document order (one thread, while the next batch is
 *      parsed), then lowered, applied and verified (threads); their trees
 *      are freed and only their edits are kept, so memory holds the input
 *      and the small documents, not a tree of every Deployment;
 *   4. the operations on the other documents (autoscalers, List items,
 *      kustomizations) are lowered and verified as run.c would;
 *   5. the result is the input with those edits and the changed documents
 *      replaced (pieces, written out without building the new stream).
 *
 * Failures resolve as in run.c: lowering failures abandon their Deployment
 * (each Deployment document's outcome is final once its batch is done,
 * since no other Deployment has operations on it), then a verification
 * failure leaves the input untouched and abandons every Deployment that
 * touched it.  A document that does not parse sends the whole input back
 * to run.c (stream_run() returns 1 after removing what it reported), which
 * reports the first error as a whole parse would.
 *
 * The Deployment documents being planned are fed to the planner as extra
 * inputs (plan_input slots 1..BATCH that share the input's source), so that
 * their operations can be lowered and verified apart from the rest; once
 * done, those operations are cancelled in the plan (their effect is kept
 * here) and the plan refers to a copy of each converted Deployment's
 * resource that does not need its tree.
 */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "lower.h"
#include "plan.h"
#include "pool.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "source.h"
#include "split.h"
#include "util.h"
#include "verify.h"
#include "ytree.h"

#define BATCH 64

enum outcome { OK, LOWER_FAILED, APPLY_FAILED, VERIFY_FAILED };

/* A Deployment document with a claim, planned and rewritten in a batch. */
struct driver {
	size_t start, end;	/* its bytes */
	bool has_ops;
	size_t dep;		/* the Deployment plan of its operations */
	enum outcome res;
	size_t bad_dep, bad_off;
	enum code code;
	char *why;
	struct piece *pc;	/* its edits, in order (after a batch) */
	size_t npc;
	char *text;		/* VERIFY_FAILED: the rejected bytes of [start, end) */
	size_t len;
};

struct stream;

/* What a thread works on for one driver of a batch (padded: threads write
 * into neighbouring items at once, and must not share cache lines). */
struct bitem {
	char pad[64];
	struct ystream ys;
	struct rindex ri;
	int err;
	size_t op0, op1;		/* the operations plan_one() made */
	struct edits ed;
};

/* Deployment documents parsed, planned and rewritten together. */
struct batch {
	struct stream *s;
	size_t first, nb;		/* drivers [first, first + nb) */
	struct bitem it[BATCH];
};

/* A converted Deployment whose tree is gone: what the plan still reads. */
struct kept {
	struct resource r;
	struct ynode node;
	struct kept *next;
};

struct stream {
	struct run *r;
	struct stsify_file *f;
	struct source src;
	struct split sp;
	struct ystream ys;		/* the documents parsed up front */
	struct rindex ri;
	struct plan p;
	struct planner *pl;
	struct plan_input pin[1 + BATCH];
	size_t next_res;		/* next object of ri to plan */
	struct driver *drv;
	size_t ndrv;
	struct kept *kept;
	struct batch b[2];		/* the batch being planned, and the next */
	bool *stub;			/* per chunk: a Service known by name */
	char **names;			/* their names and namespaces */
	size_t nnames;
	/* parsing up front: groups of chunks */
	size_t *gfirst;			/* chunk index where group g starts */
	struct ystream *gys;
	int *gerr;
	size_t ng;
};

static bool up_front(const struct stream *s, size_t k)
{
	const struct chunk *c = &s->sp.c[k];

	return (c->cls == CHUNK_SUPPORT || c->cls == CHUNK_UNKNOWN || c->helm) && !s->stub[k];
}

/* Services known by name: no tree, an entry in the index. */
static void find_stubs(struct stream *s)
{
	s->stub = xcalloc(s->sp.n ? s->sp.n : 1, sizeof(*s->stub));
	for (size_t k = 0; k < s->sp.n; k++) {
		const char *name, *ns;
		size_t nl, nsl;

		if (!split_service_stub(s->src.buf, &s->sp.c[k], &name, &nl, &ns, &nsl))
			continue;
		s->stub[k] = true;
		s->names = xrealloc(s->names, (s->nnames + 2) * sizeof(*s->names));
		s->names[s->nnames++] = xstrndup(name, nl);
		s->names[s->nnames++] = xstrndup(ns, nsl);
	}
}

static void parse_group(void *arg, size_t g, unsigned w)
{
	struct stream *s = arg;

	ystream_init(&s->gys[g]);
	for (size_t k = s->gfirst[g]; k < s->gfirst[g + 1] && !s->gerr[g]; k++)
		if (up_front(s, k))
			s->gerr[g] = ystream_append_checked(&s->gys[g], run_parser(s->r, w), s->src.buf,
							    s->sp.c[k].start, s->sp.c[k].end);
}

/* Parse the up-front documents in groups of chunks of about equal size. */
static int parse_up_front(struct stream *s)
{
	size_t total = 0, per, acc = 0;
	int err = 0;

	find_stubs(s);
	for (size_t k = 0; k < s->sp.n; k++)
		if (up_front(s, k))
			total += s->sp.c[k].end - s->sp.c[k].start;
	s->ng = s->r->jobs > 1 ? 4 * s->r->jobs : 1;
	per = total / s->ng + 1;
	s->gfirst = xcalloc(s->ng + 1, sizeof(*s->gfirst));
	s->gys = xcalloc(s->ng, sizeof(*s->gys));
	s->gerr = xcalloc(s->ng, sizeof(*s->gerr));
	for (size_t k = 0, g = 0; k < s->sp.n; k++) {
		if (acc >= per * (g + 1) && g + 1 < s->ng)
			s->gfirst[++g] = k;
		if (up_front(s, k))
			acc += s->sp.c[k].end - s->sp.c[k].start;
	}
	for (size_t g = 1; g < s->ng; g++)
		if (s->gfirst[g] < s->gfirst[g - 1])
			s->gfirst[g] = s->gfirst[g - 1];
	s->gfirst[s->ng] = s->sp.n;
	pool_for(s->r->jobs, s->ng, parse_group, s);
	ystream_init(&s->ys);
	for (size_t g = 0; g < s->ng; g++) {
		err |= s->gerr[g];
		ystream_join(&s->ys, &s->gys[g]);
	}
	free(s->gfirst);
	free(s->gys);
	free(s->gerr);
	return err ? -1 : 0;
}

/* The first Helm template action, as rules_helm_offset() would find it. */
static size_t helm_offset(struct stream *s)
{
	for (size_t k = 0; k < s->sp.n; k++) {
		size_t at;

		if (!s->sp.c[k].helm)
			continue;
		at = rules_helm_range(&s->r->ru, s->src.buf, s->src.len, s->sp.c[k].start, s->sp.c[k].end,
				      &s->ys, true);
		if (at != NOPOS)
			return at;
	}
	return NOPOS;
}

/* Plan the objects of the up-front documents that start before off (the
 * Services known by name come last: they are not Deployments). */
static void plan_main_until(struct stream *s, size_t off)
{
	while (s->next_res < s->ri.n) {
		const struct resource *r = &s->ri.r[s->next_res];

		if (r->doc == NOPOS || s->ys.doc[r->doc].start >= off)
			break;
		plan_one(s->pl, r);
		s->next_res++;
	}
}

static void phase(const struct stream *s, const char *what);

static void parse_driver(void *arg, size_t k, unsigned w)
{
	struct batch *b = arg;
	struct stream *s = b->s;
	const struct driver *d = &s->drv[b->first + k];

	ystream_init(&b->it[k].ys);
	b->it[k].err = ystream_append_checked(&b->it[k].ys, run_parser(s->r, w), s->src.buf, d->start, d->end);
}

/*
 * Piece j (from an edit with eat_eol, edit.h) drops the line break that
 * ends the output before it: the end of the text of the piece before it
 * (past pieces that only remove, and end where the next starts), or else
 * the input's bytes there, which the piece that follows takes in.  Pieces
 * [0, j) are in order, from offset from on.
 */
static void eat_eol(const char *buf, size_t from, struct piece *pc, size_t j)
{
	size_t i = j, s = pc[j].start, lo;

	while (i > 0 && pc[i - 1].end == s && !pc[i - 1].len)
		s = pc[--i].start;
	if (i > 0 && pc[i - 1].end == s) {
		struct piece *prev = &pc[i - 1];

		if (prev->text[prev->len - 1] == '\n') {
			prev->len--;
			if (prev->len && prev->text[prev->len - 1] == '\r')
				prev->len--;
			prev->text[prev->len] = '\0';
		}
		return;
	}
	lo = i > 0 ? pc[i - 1].end : from;
	if (s > lo && buf[s - 1] == '\n') {
		s--;
		if (s > lo && buf[s - 1] == '\r')
			s--;
		pc[i].start = s;
	}
}

/* Lower, apply and verify the operations on driver k of the batch. */
static void rewrite_driver(void *arg, size_t k, unsigned w)
{
	struct batch *b = arg;
	struct stream *s = b->s;
	struct driver *d = &s->drv[b->first + k];
	struct plan *p = &s->p;
	size_t in = 1 + k, *ops, nops = 0;
	struct strbuf out = STRBUF_INIT;
	struct edits *ed = &b->it[k].ed;
	const struct edit *bad;

	if (!d->has_ops)
		return;
	ops = xcalloc(b->it[k].op1 - b->it[k].op0, sizeof(*ops));
	for (size_t j = b->it[k].op0; j < b->it[k].op1; j++)
		if (p->op[j].in == in)
			ops[nops++] = j;
	if (lower_ops(p, in, ops, nops, &s->src, &b->it[k].ys, ed, &d->bad_dep, &d->code, &d->why)) {
		d->res = LOWER_FAILED;
		free(ops);
		return;
	}
	if (!ed->n) {
		free(ops);
		return;
	}
	if (edits_apply_range(ed, s->src.buf, d->start, d->end, &out, &bad)) {
		d->res = APPLY_FAILED;
		d->bad_dep = bad->dep;
		d->bad_off = bad->start;
		strbuf_release(&out);
		free(ops);
		return;
	}
	if (verify_docs(p, in, &s->src, &b->it[k].ys, 0, b->it[k].ys.ndoc, ops, nops, out.buf, out.len,
			run_parser(s->r, w), &d->why)) {
		d->res = VERIFY_FAILED;
		if (!out.buf)
			strbuf_add(&out, "", 0);
		d->text = strbuf_detach(&out, &d->len);
	} else {
		/* keep the edits, not the document: a fraction of its size */
		d->pc = xcalloc(ed->n, sizeof(*d->pc));
		for (size_t j = 0; j < ed->n; j++) {
			struct piece *pc = &d->pc[j];

			pc->start = ed->e[j].start;
			pc->end = ed->e[j].end;
			pc->text = ed->e[j].text;
			pc->len = strlen(ed->e[j].text);
			ed->e[j].text = NULL;
			if (ed->e[j].eat_eol)
				eat_eol(s->src.buf, d->start, d->pc, j);
		}
		d->npc = ed->n;
		strbuf_release(&out);
	}
	free(ops);
}

/* A copy of Deployment r that outlives its tree. */
static const struct resource *keep_dep(struct stream *s, const struct resource *r)
{
	struct kept *k = xcalloc(1, sizeof(*k));

	k->r = *r;
	k->r.in = 0;
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
	k->next = s->kept;
	s->kept = k;
	return &k->r;
}

/* The plan keeps referring to the Deployments it decided on (decisions
 * from ndec0, converted ones from nd0): give it copies that outlive their
 * trees. */
static void keep_deps(struct stream *s, size_t nd0, size_t ndec0)
{
	for (size_t i = ndec0; i < s->p.ndec; i++) {
		struct decision *dc = &s->p.dec[i];

		if (dc->dep->in == 0)
			continue;
		dc->dep = keep_dep(s, dc->dep);
		if (dc->converted)
			s->p.d[dc->dplan].dep = dc->dep;
	}
	/* (every converted Deployment has a decision: none is left) */
	for (size_t i = nd0; i < s->p.nd; i++)
		if (s->p.d[i].dep->in != 0)
			s->p.d[i].dep = keep_dep(s, s->p.d[i].dep);
}

/* Plan the drivers of batch b (parsed): the calling thread, while the
 * other threads parse the next batch. */
static void plan_batch(void *arg)
{
	struct batch *b = arg;
	struct stream *s = b->s;
	struct plan *p = &s->p;

	for (size_t k = 0; k < b->nb; k++) {
		struct driver *d = &s->drv[b->first + k];

		memset(&b->it[k].ri, 0, sizeof(b->it[k].ri));
		rindex_add(&b->it[k].ri, 1 + k, &b->it[k].ys);
		s->pin[1 + k].src = &s->src;
		s->pin[1 + k].ys = &b->it[k].ys;
		s->pin[1 + k].skip = false;
		plan_main_until(s, d->start);
		b->it[k].op0 = p->nop;
		for (size_t j = 0; j < b->it[k].ri.n; j++)
			plan_one(s->pl, &b->it[k].ri.r[j]);
		b->it[k].op1 = p->nop;
		for (size_t j = b->it[k].op0; j < b->it[k].op1; j++) {
			if (p->op[j].in != 1 + k)
				continue;
			d->has_ops = true;
			d->dep = p->op[j].dep;
		}
		b->it[k].ed = (struct edits)EDITS_INIT;
	}
}

/* Done with the operations of batch b: their effect is in the drivers'
 * pieces; the trees go. */
static void finish_batch(struct batch *b, size_t nd0, size_t ndec0)
{
	struct stream *s = b->s;
	struct plan *p = &s->p;

	for (size_t k = 0; k < b->nb; k++) {
		for (size_t j = b->it[k].op0; j < b->it[k].op1; j++) {
			struct op *o = &p->op[j];

			if (o->in != 1 + k)
				continue;
			o->kind = OP_NONE;
			o->in = 0;
			o->doc = NOPOS;
			o->node = o->after = NULL;
			val_free(o->val);
			o->val = NULL;
			free(o->key);
			o->key = NULL;
		}
		edits_release(&b->it[k].ed);
	}
	keep_deps(s, nd0, ndec0);
	for (size_t k = 0; k < b->nb; k++) {
		rindex_release(&b->it[k].ri);
		ystream_release(&b->it[k].ys);
	}
	b->nb = 0;
}

static bool parse_failed(const struct batch *b)
{
	for (size_t k = 0; k < b->nb; k++)
		if (b->it[k].err)
			return true;
	return false;
}

/*
 * Plan every Deployment; those with a claim a batch at a time: batch i is
 * planned while batch i + 1 is parsed, then rewritten on every thread.
 * Returns -1 when a document does not parse.
 */
static int plan_all(struct stream *s)
{
	size_t alloc = 0, next = 0;
	struct batch *cur = &s->b[0], *nxt = &s->b[1];
	int ret = 0;

	for (size_t k = 0; k < s->sp.n; k++) {
		const struct chunk *c = &s->sp.c[k];
		/* a workload without a claim only gets a decision */
		bool driver = c->cls == CHUNK_DRIVER ||
			      (c->cls == CHUNK_SKIP && c->workload && s->r->opt->every_deployment);

		if (!driver || up_front(s, k))
			continue;
		ALLOC_GROW(s->drv, s->ndrv + 1, alloc);
		memset(&s->drv[s->ndrv], 0, sizeof(*s->drv));
		s->drv[s->ndrv].start = c->start;
		s->drv[s->ndrv++].end = c->end;
	}
	s->b[0].s = s->b[1].s = s;
	s->pin[0].src = &s->src;
	s->pin[0].ys = &s->ys;
	s->pl = plan_begin(&s->p, s->r->opt, &s->r->ru, &s->ri, s->pin, 1, s->r->rep);
	cur->first = 0;
	cur->nb = s->ndrv < BATCH ? s->ndrv : BATCH;
	pool_for(s->r->jobs, cur->nb, parse_driver, cur);
	next = cur->nb;
	while (cur->nb) {
		size_t nd0 = s->p.nd, ndec0 = s->p.ndec;
		struct batch *t;

		if (parse_failed(cur)) {
			ret = -1;
			break;
		}
		nxt->first = next;
		nxt->nb = s->ndrv - next < BATCH ? s->ndrv - next : BATCH;
		next += nxt->nb;
		pool_for_and(s->r->jobs, nxt->nb, parse_driver, nxt, plan_batch, cur);
		pool_for(s->r->jobs, cur->nb, rewrite_driver, cur);
		finish_batch(cur, nd0, ndec0);
		t = cur;
		cur = nxt;
		nxt = t;
	}
	if (ret) {
		for (int i = 0; i < 2; i++)
			for (size_t k = 0; k < s->b[i].nb; k++)
				ystream_release(&s->b[i].it[k].ys);
		return -1;
	}
	plan_main_until(s, SIZE_MAX);
	plan_end(s->pl);
	s->pl = NULL;
	phase(s, "Deployments");
	/* every document's text, parsed or not, in one pass */
	plan_find_stale(&s->p, &s->r->ru, s->pin, 1, s->r->jobs, s->r->rep);
	return 0;
}

static bool dep_live(const struct stream *s, size_t dep)
{
	return !s->p.d[dep].failed;
}

/* Docs of s->ys whose bytes [start, end] hold [a, b]. */
static size_t doc_from(const struct ystream *ys, size_t off)
{
	size_t lo = 0, hi = ys->ndoc;

	/* the first document that ends at or after off */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ys->doc[mid].end >= off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The result: the pieces of the other documents (in order) merged with the
 * edits of the Deployment documents that stay converted (in order).  An
 * edit at the very end of a Deployment document (the Service added after
 * it) goes before a piece of the document that starts there.
 */
static void merge_pieces(struct stream *s, struct stsify_pieces *pcs)
{
	struct stsify_pieces all = { NULL, 0, 0 };
	size_t m = 0;

	for (size_t i = 0; i <= s->ndrv; i++) {
		struct driver *d = i < s->ndrv ? &s->drv[i] : NULL;

		while (m < pcs->n && (!d || pcs->p[m].start < d->start)) {
			ALLOC_GROW(all.p, all.n + 1, all.alloc);
			all.p[all.n++] = pcs->p[m++];
		}
		if (!d || !d->has_ops || !dep_live(s, d->dep))
			continue;
		for (size_t j = 0; j < d->npc; j++) {
			ALLOC_GROW(all.p, all.n + 1, all.alloc);
			all.p[all.n++] = d->pc[j];
			d->pc[j].text = NULL;
		}
	}
	free(pcs->p);
	*pcs = all;
}

/*
 * The other documents: lower (abandoning what fails, until nothing does),
 * apply and verify, in runs of adjacent documents that have operations or
 * edits.  Returns 0, or -1 after a verification failure (reported).
 */
static int rewrite_main(struct stream *s, struct stsify_pieces *pcs)
{
	struct plan *p = &s->p;
	struct report *rep = s->r->rep;
	struct edits ed = EDITS_INIT;
	size_t *ops = NULL, nops = 0, aops = 0;
	bool *mark = NULL;
	int ret = 0;

	/* the Deployment documents' own failures first: they are final */
	for (size_t i = 0; i < s->ndrv; i++) {
		struct driver *d = &s->drv[i];

		if (!d->has_ops || !dep_live(s, d->dep))
			continue;
		if (d->res == LOWER_FAILED)
			run_lower_failed(p, d->bad_dep, d->code, d->why, &s->src, rep);
		else if (d->res == APPLY_FAILED)
			run_apply_failed(p, d->bad_dep, d->bad_off, &s->src, rep);
	}
	for (;;) {
		size_t bad_dep;
		enum code code;
		char *why = NULL;

		edits_release(&ed);
		if (!lower_input(p, 0, &s->src, &s->ys, &ed, &bad_dep, &code, &why))
			break;
		run_lower_failed(p, bad_dep, code, why, &s->src, rep);
		free(why);
	}
again:
	for (size_t k = 0; k < p->nop; k++)
		if (p->op[k].in == 0 && p->op[k].kind != OP_NONE) {
			ALLOC_GROW(ops, nops + 1, aops);
			ops[nops++] = k;
		}
	mark = xcalloc(s->ys.ndoc ? s->ys.ndoc : 1, sizeof(*mark));
	for (size_t j = 0; j < nops; j++)
		mark[p->op[ops[j]].doc] = true;
	for (size_t i = 0; i < ed.n; i++) {
		const struct edit *e = &ed.e[i];
		bool any = false;

		for (size_t d = doc_from(&s->ys, e->start); d < s->ys.ndoc && s->ys.doc[d].start <= e->start; d++)
			if (e->end <= s->ys.doc[d].end)
				mark[d] = any = true;
		BUG_ON(!any);
	}
	for (size_t d = 0; d < s->ys.ndoc && !ret; d++) {
		size_t d1 = d + 1;
		struct edits sub = EDITS_INIT;
		struct strbuf out = STRBUF_INIT;
		const struct edit *bad;
		char *why = NULL;
		size_t start, end;

		if (!mark[d])
			continue;
		while (d1 < s->ys.ndoc && mark[d1] && s->ys.doc[d1].start == s->ys.doc[d1 - 1].end)
			d1++;
		start = s->ys.doc[d].start;
		end = s->ys.doc[d1 - 1].end;
		for (size_t i = 0; i < ed.n; i++)
			if (ed.e[i].start >= start && ed.e[i].end <= end)
				edits_add(&sub, ed.e[i].start, ed.e[i].end, ed.e[i].text, strlen(ed.e[i].text),
					  ed.e[i].dep);
		if (edits_apply_range(&sub, s->src.buf, start, end, &out, &bad)) {
			/* overlapping edits: abandon, and lower again */
			run_apply_failed(p, bad->dep, bad->start, &s->src, rep);
			edits_release(&sub);
			strbuf_release(&out);
			free(mark);
			nops = 0;
			for (;;) {
				size_t bad_dep;
				enum code code;

				edits_release(&ed);
				if (!lower_input(p, 0, &s->src, &s->ys, &ed, &bad_dep, &code, &why))
					break;
				run_lower_failed(p, bad_dep, code, why, &s->src, rep);
				free(why);
				why = NULL;
			}
			goto again;
		}
		edits_release(&sub);
		if (verify_docs(p, 0, &s->src, &s->ys, d, d1, ops, nops, out.buf, out.len, run_parser(s->r, 0),
				&why)) {
			run_verify_failed(&s->src, why, out.buf, out.len, rep);
			free(why);
			strbuf_release(&out);
			ret = -1;
			break;
		}
		ALLOC_GROW(pcs->p, pcs->n + 1, pcs->alloc);
		pcs->p[pcs->n].start = start;
		pcs->p[pcs->n].end = end;
		if (!out.buf)
			strbuf_add(&out, "", 0);
		pcs->p[pcs->n].text = strbuf_detach(&out, &pcs->p[pcs->n].len);
		pcs->n++;
		d = d1 - 1;
	}
	/* a Deployment document that did not verify fails the input too */
	for (size_t i = 0; i < s->ndrv && !ret; i++) {
		const struct driver *d = &s->drv[i];

		if (d->has_ops && dep_live(s, d->dep) && d->res == VERIFY_FAILED) {
			run_verify_failed(&s->src, d->why, d->text, d->len, rep);
			ret = -1;
		}
	}
	if (ret) {
		/* every Deployment that touched the input is abandoned */
		for (size_t j = 0; j < nops; j++)
			if (p->op[ops[j]].kind != OP_NONE)
				run_abandon(p, p->op[ops[j]].dep, CODE_VERIFY_FAILED, rep);
		for (size_t i = 0; i < s->ndrv; i++)
			if (s->drv[i].has_ops && dep_live(s, s->drv[i].dep))
				run_abandon(p, s->drv[i].dep, CODE_VERIFY_FAILED, rep);
	}
	free(mark);
	free(ops);
	edits_release(&ed);
	return ret;
}

static void release(struct stream *s)
{
	if (s->pl)
		plan_end(s->pl);
	plan_release(&s->p);
	rindex_release(&s->ri);
	ystream_release(&s->ys);
	split_release(&s->sp);
	source_release(&s->src);
	for (size_t i = 0; i < s->ndrv; i++) {
		free(s->drv[i].why);
		free(s->drv[i].text);
		for (size_t j = 0; j < s->drv[i].npc; j++)
			free(s->drv[i].pc[j].text);
		free(s->drv[i].pc);
	}
	free(s->drv);
	free(s->stub);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	while (s->kept) {
		struct kept *k = s->kept;

		s->kept = k->next;
		free((char *)k->r.kind);
		free((char *)k->r.api);
		free((char *)k->r.name);
		free((char *)k->r.ns);
		free(k);
	}
	free(s);
}

/* One part of the input for check_input(). */
struct text_part {
	const char *buf;
	size_t start, end;
	int bad;		/* not text (ytext_check()) */
};

static void check_part(void *arg, size_t i, unsigned w)
{
	struct text_part *t = (struct text_part *)arg + i;
	size_t off;
	char msg[128];

	(void)w;
	t->bad = ytext_check(t->buf, t->start, t->end, &off, msg, sizeof(msg));
}

/*
 * What the documents that are not parsed must not hold either: bytes that
 * are not text (a whole parse reports the first: run.c does).  Checked on
 * every thread, in parts cut after a line feed; the documents are then
 * parsed with ystream_append_checked().  Returns -1 to parse the input
 * whole.
 */
static int check_input(struct stream *s)
{
	unsigned n = s->r->jobs;
	struct text_part *t = xcalloc(n, sizeof(*t));
	size_t len = s->src.len, at = 0;
	int ret = 0;

	for (unsigned i = 0; i < n; i++) {
		const char *nl;
		size_t want = len / n * (i + 1);

		t[i].buf = s->src.buf;
		t[i].start = at;
		if (i + 1 == n || want <= at)
			at = i + 1 == n ? len : at;
		else
			at = (nl = memchr(s->src.buf + want, '\n', len - want)) ? (size_t)(nl - s->src.buf) + 1 : len;
		t[i].end = at;
	}
	pool_for(n, n, check_part, t);
	for (unsigned i = 0; i < n; i++)
		if (t[i].bad)
			ret = -1;
	free(t);
	return ret;
}

static void phase(const struct stream *s, const char *what)
{
	run_phase(s->r, what);
}

int stream_run(struct run *r, struct stsify_file *f)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	struct report *rep = r->rep;
	size_t checkpoint = rep->n, helm;
	struct stsify_pieces pcs = { NULL, 0, 0 };

	s->r = r;
	s->f = f;
	source_init_borrow(&s->src, f->path, f->in, f->inlen);
	phase(s, "lines");
	if (check_input(s))
		goto fallback;
	phase(s, "text");
	if (split_stream_jobs(&s->sp, f->in, f->inlen, r->jobs))
		goto fallback;
	phase(s, "split");
	if (parse_up_front(s))
		goto fallback;
	phase(s, "parse up front");
	if ((helm = helm_offset(s)) != NOPOS) {
		report_add(rep, &s->src, helm, CODE_HELM_TEMPLATE,
			   "Helm template skipped: render it first (helm template ... | stsify)");
		f->status = STSIFY_SKIPPED;
		release(s);
		return 0;
	}
	rindex_add(&s->ri, 0, &s->ys);
	for (size_t i = 0; i < s->nnames; i += 2)
		rindex_add_name(&s->ri, 0, "Service", "", s->names[i], s->names[i + 1]);
	phase(s, "index");
	/* a new Service filed by KRM path annotations takes the next index of
	 * every object filed there, which needs them all parsed */
	if (plan_all(s) || s->p.nkrm)
		goto fallback;
	phase(s, "stale references");
	if (rewrite_main(s, &pcs)) {
		for (size_t k = 0; k < pcs.n; k++)
			free(pcs.p[k].text);
		free(pcs.p);
		f->status = STSIFY_FAILED;
		run_summarize(&s->p, s->pin, s->r->opt->every_deployment, rep);
		release(s);
		return 0;
	}
	phase(s, "the rest");
	run_summarize(&s->p, s->pin, s->r->opt->every_deployment, rep);
	merge_pieces(s, &pcs);
	run_set_result(f, &pcs);
	phase(s, "result");
	release(s);
	return 0;
fallback:
	report_truncate(rep, checkpoint);
	release(s);
	return 1;
}
