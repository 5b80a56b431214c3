/*
 * stream.c - one large input, parsed only where it can matter (stream.h).
 *
 *   1. split.c cuts the input into documents and classifies them;
 *   2. the documents a Deployment may refer to (claims, Services,
 *      autoscalers, Lists, kustomizations, unknown kinds) are parsed, on
 *      several threads, into one span-tree stream and indexed; a Service
 *      that cannot be headless is only looked up by name, so its name and
 *      namespace are read from its bytes (split_service_stub()) instead;
 *   3. the Deployments with a claim are parsed BATCH at a time (threads),
 *      planned in document order (one thread, while the next batch is
 *      parsed), then rewritten (rewrite.h, REWRITE_PART: threads); their
 *      trees are freed and only their edits are kept, so memory holds the
 *      input and the small documents, not a tree of every Deployment;
 *   4. the operations on the other documents (autoscalers, List items,
 *      kustomizations) are rewritten (REWRITE_RUNS) in rounds, as run.c
 *      would;
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
 * done, those operations are forgotten by the plan (their effect is kept
 * here) and the plan refers to a copy of each converted Deployment's
 * resource that does not need its tree (plan_detach_deps()).
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "plan.h"
#include "pool.h"
#include "report.h"
#include "result.h"
#include "rewrite.h"
#include "rindex.h"
#include "session.h"
#include "source.h"
#include "split.h"
#include "util.h"
#include "ytree.h"

#define BATCH 64

/* A Deployment document with a claim, planned and rewritten in a batch. */
struct driver {
	size_t start, end;	/* its bytes */
	bool has_ops;
	size_t dep;		/* the Deployment plan of its operations */
	struct rewrite_result res;	/* after its batch: the edits, as pieces */
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
};

/* Deployment documents parsed, planned and rewritten together. */
struct batch {
	struct stream *s;
	size_t first, nb;		/* drivers [first, first + nb) */
	struct bitem it[BATCH];
};

struct stream {
	struct session *ses;
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
	struct plan_kept *kept;		/* converted Deployments whose tree is gone */
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
			s->gerr[g] = ystream_append_checked(&s->gys[g], session_parser(s->ses, w), s->src.buf,
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
	s->ng = s->ses->jobs > 1 ? 4 * s->ses->jobs : 1;
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
	pool_for(s->ses->jobs, s->ng, parse_group, s);
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
		at = rules_helm_range(&s->ses->ru, s->src.buf, s->src.len, s->sp.c[k].start, s->sp.c[k].end,
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

static void parse_driver(void *arg, size_t k, unsigned w)
{
	struct batch *b = arg;
	struct stream *s = b->s;
	const struct driver *d = &s->drv[b->first + k];

	ystream_init(&b->it[k].ys);
	b->it[k].err = ystream_append_checked(&b->it[k].ys, session_parser(s->ses, w), s->src.buf, d->start, d->end);
}

/* Rewrite driver k of the batch: its edits, verified, become its pieces. */
static void rewrite_driver(void *arg, size_t k, unsigned w)
{
	struct batch *b = arg;
	struct stream *s = b->s;
	struct driver *d = &s->drv[b->first + k];
	const struct plan *p = &s->p;
	size_t in = 1 + k, *ops, nops = 0;
	struct rewrite_job job;

	if (!d->has_ops)
		return;
	ops = xcalloc(b->it[k].op1 - b->it[k].op0, sizeof(*ops));
	for (size_t j = b->it[k].op0; j < b->it[k].op1; j++)
		if (p->op[j].in == in)
			ops[nops++] = j;
	job = (struct rewrite_job){ .p = &s->p, .pin = s->pin, .in = in, .ops = ops, .nops = nops,
				    .mode = REWRITE_PART, .start = d->start, .end = d->end };
	rewrite(&job, session_parser(s->ses, w), &d->res);
	free(ops);
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
	}
}

/* Done with the operations of batch b: their effect is in the drivers'
 * pieces; the trees go. */
static void finish_batch(struct batch *b, size_t nd0, size_t ndec0)
{
	struct stream *s = b->s;
	struct plan *p = &s->p;

	for (size_t k = 0; k < b->nb; k++)
		for (size_t j = b->it[k].op0; j < b->it[k].op1; j++)
			if (p->op[j].in == 1 + k)
				plan_forget_op(p, j);
	plan_detach_deps(p, nd0, ndec0, 0, &s->kept);
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
			      (c->cls == CHUNK_SKIP && c->workload && s->ses->opt->every_deployment);

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
	s->pl = plan_begin(&s->p, s->ses->opt, &s->ses->ru, &s->ri, s->pin, 1, s->ses->rep);
	/* the Deployments without a claim are not parsed: whether one that
	 * a StatefulSet replaced is gone cannot be told here (refs.h) */
	plan_partial(s->pl);
	cur->first = 0;
	cur->nb = s->ndrv < BATCH ? s->ndrv : BATCH;
	pool_for(s->ses->jobs, cur->nb, parse_driver, cur);
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
		pool_for_and(s->ses->jobs, nxt->nb, parse_driver, nxt, plan_batch, cur);
		pool_for(s->ses->jobs, cur->nb, rewrite_driver, cur);
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
	session_phase(s->ses, "Deployments");
	/* every document's text, parsed or not, in one pass */
	plan_find_stale(&s->p, &s->ses->ru, s->pin, 1, s->ses->jobs, s->ses->rep);
	return 0;
}

static bool dep_live(const struct stream *s, size_t dep)
{
	return !s->p.d[dep].failed;
}

/*
 * The result: the pieces of the other documents (in order) merged with the
 * edits of the Deployment documents that stay converted (in order).  An
 * edit at the very end of a Deployment document (the Service added after
 * it) goes before a piece of the document that starts there.
 */
static void merge_pieces(struct stream *s, struct stsify_pieces *pcs)
{
	struct stsify_pieces all = PIECES_INIT;
	size_t m = 0;

	for (size_t i = 0; i <= s->ndrv; i++) {
		struct driver *d = i < s->ndrv ? &s->drv[i] : NULL;

		while (m < pcs->n && (!d || pcs->p[m].start < d->start)) {
			ALLOC_GROW(all.p, all.n + 1, all.alloc);
			all.p[all.n++] = pcs->p[m++];
		}
		if (!d || !d->has_ops || !dep_live(s, d->dep))
			continue;
		for (size_t j = 0; j < d->res.out.n; j++) {
			ALLOC_GROW(all.p, all.n + 1, all.alloc);
			all.p[all.n++] = d->res.out.p[j];
			d->res.out.p[j].text = NULL;
		}
	}
	free(pcs->p);
	*pcs = all;
}

/* The Deployment documents' own lowering failures, reported and
 * abandoned first: they are final. */
static void driver_failures(struct stream *s, const struct rewrite_job *job)
{
	for (size_t i = 0; i < s->ndrv; i++) {
		const struct driver *d = &s->drv[i];

		if (!d->has_ops || !dep_live(s, d->dep))
			continue;
		if (d->res.outcome == REWRITE_LOWER_FAILED || d->res.outcome == REWRITE_APPLY_FAILED)
			rewrite_next_round(job, &d->res, s->ses->rep);
	}
}

/* A Deployment document whose rewrite did not verify (with a live
 * Deployment plan), or NULL. */
static const struct driver *driver_unverified(const struct stream *s)
{
	for (size_t i = 0; i < s->ndrv; i++) {
		const struct driver *d = &s->drv[i];

		if (d->has_ops && dep_live(s, d->dep) && d->res.outcome == REWRITE_VERIFY_FAILED)
			return d;
	}
	return NULL;
}

/*
 * The other documents, in rounds until nothing fails but verification:
 * lowered, applied and verified in runs of adjacent documents that have
 * operations or edits; their pieces go to pcs.  Returns 0, or -1 when the
 * input or a Deployment document did not verify: reported, and every
 * Deployment that touched the input abandoned.
 */
static int rewrite_main(struct stream *s, struct stsify_pieces *pcs)
{
	struct rewrite_job job = { .p = &s->p, .pin = s->pin, .in = 0, .mode = REWRITE_RUNS };
	struct rewrite_result res = REWRITE_RESULT_INIT;
	struct report *rep = s->ses->rep;
	const struct driver *bad;
	int ret = 0;

	driver_failures(s, &job);
	if (rewrite_rounds(&job, session_parser(s->ses, 0), &res, rep)) {
		ret = -1;
	} else if ((bad = driver_unverified(s))) {
		/* a Deployment document that did not verify fails the input too */
		rewrite_next_round(&job, &bad->res, rep);
		ret = -1;
	}
	if (ret) {
		for (size_t i = 0; i < s->ndrv; i++)
			if (s->drv[i].has_ops && dep_live(s, s->drv[i].dep))
				rewrite_abandon(&s->p, s->drv[i].dep, CODE_VERIFY_FAILED, rep);
	} else {
		pieces_take(pcs, &res.out);
	}
	rewrite_result_release(&res);
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
	for (size_t i = 0; i < s->ndrv; i++)
		rewrite_result_release(&s->drv[i].res);
	free(s->drv);
	free(s->stub);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	plan_kept_free(s->kept);
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
	unsigned n = s->ses->jobs;
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

int stream_run(struct session *ses, struct stsify_file *f)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	struct report *rep = ses->rep;
	size_t checkpoint = rep->n, helm;
	struct stsify_pieces pcs = PIECES_INIT;

	s->ses = ses;
	s->f = f;
	source_init_borrow(&s->src, f->path, f->in, f->inlen);
	session_phase(s->ses, "lines");
	if (check_input(s))
		goto fallback;
	session_phase(s->ses, "text");
	if (split_stream_jobs(&s->sp, f->in, f->inlen, ses->jobs))
		goto fallback;
	session_phase(s->ses, "split");
	if (parse_up_front(s))
		goto fallback;
	session_phase(s->ses, "parse up front");
	if ((helm = helm_offset(s)) != NOPOS) {
		report_add(rep, &s->src, helm, CODE_HELM_TEMPLATE,
			   RULES_HELM_MESSAGE);
		f->status = STSIFY_SKIPPED;
		release(s);
		return 0;
	}
	rindex_add(&s->ri, 0, &s->ys);
	for (size_t i = 0; i < s->nnames; i += 2)
		rindex_add_name(&s->ri, 0, "Service", "", s->names[i], s->names[i + 1]);
	session_phase(s->ses, "index");
	/* a new Service filed by KRM path annotations takes the next index of
	 * every object filed there, which needs them all parsed; a reference
	 * to a Deployment that may be gone needs every Deployment */
	if (plan_all(s) || s->p.nkrm || s->p.unsure)
		goto fallback;
	session_phase(s->ses, "stale references");
	if (rewrite_main(s, &pcs)) {
		f->status = STSIFY_FAILED;
		result_summarize(&s->p, s->pin, s->ses->opt->every_deployment, rep);
		release(s);
		return 0;
	}
	session_phase(s->ses, "the rest");
	result_summarize(&s->p, s->pin, s->ses->opt->every_deployment, rep);
	merge_pieces(s, &pcs);
	result_set(f, &pcs);
	session_phase(s->ses, "result");
	release(s);
	return 0;
fallback:
	report_truncate(rep, checkpoint);
	release(s);
	return 1;
}
