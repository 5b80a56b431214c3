/*
 * rewrite.c - lower, apply, verify; a failure becomes the next round (see
 * rewrite.h).
 *
 * The three modes differ only in which bytes the edits are applied to and
 * what is kept of the result: the whole new source, the edits (a large
 * input's Deployment documents: a fraction of their size), or one piece
 * per run of adjacent changed documents (the documents of a large input
 * that were parsed up front, most of them untouched).
 */
#include "rewrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "plan.h"
#include "report.h"
#include "rindex.h"
#include "source.h"
#include "util.h"
#include "verify.h"
#include "ytree.h"

/* The findings that describe the decision, kept when a conversion is
 * abandoned. */
static const enum code keep_codes[] = {
	CODE_SHARED_PVC, CODE_STATEFUL_DEPLOYMENT, CODE_ANNOTATION, CODE_SHARED_RWX, CODE_SINGLE_REPLICA_PVC,
};

/* One call of rewrite(). */
struct rw {
	const struct rewrite_job *job;
	const struct source *src;
	const struct ystream *ys;
	const size_t *ops;
	size_t nops;
	struct yparser *yp;
	struct rewrite_result *res;
};

static int lower_step(struct rw *w)
{
	const struct rewrite_job *job = w->job;
	struct lower_job lj = { job->p, job->in, w->src, w->ys, w->ops, w->nops };
	struct lower_error err;

	if (!lower_edits(&lj, &w->res->ed, &err))
		return 0;
	w->res->outcome = REWRITE_LOWER_FAILED;
	w->res->dep = err.dep;
	w->res->code = err.code;
	w->res->why = err.why;
	return -1;
}

/* Apply ed (all of it inside [start, end)) to the source into out. */
static int apply_step(struct rw *w, struct edits *ed, size_t start, size_t end, struct strbuf *out)
{
	const struct edit *bad;

	if (!edits_apply_range(ed, w->src->buf, start, end, out, &bad))
		return 0;
	w->res->outcome = REWRITE_APPLY_FAILED;
	w->res->dep = bad->dep;
	w->res->off = bad->start;
	strbuf_release(out);
	return -1;
}

/* Check out, the new bytes of the documents [d0, d1); kept when rejected. */
static int verify_step(struct rw *w, size_t d0, size_t d1, struct strbuf *out)
{
	const struct rewrite_job *job = w->job;
	struct verify_job vj = { job->p, job->in, w->src, w->ys, d0, d1, w->ops, w->nops,
				 out->buf, out->len, w->yp };

	if (!verify_docs(&vj, &w->res->why))
		return 0;
	w->res->outcome = REWRITE_VERIFY_FAILED;
	w->res->text = strbuf_detach(out, &w->res->len);
	return -1;
}

static int rewrite_whole(struct rw *w)
{
	struct strbuf out = STRBUF_INIT;
	size_t len;
	char *text;

	if (apply_step(w, &w->res->ed, 0, w->src->len, &out) || verify_step(w, 0, w->ys->ndoc, &out))
		return -1;
	text = strbuf_detach(&out, &len);
	pieces_add(&w->res->out, 0, w->src->len, text, len);
	return 0;
}

static int rewrite_part(struct rw *w)
{
	struct strbuf out = STRBUF_INIT;

	if (apply_step(w, &w->res->ed, w->job->start, w->job->end, &out) ||
	    verify_step(w, 0, w->ys->ndoc, &out))
		return -1;
	/* keep the edits, not the documents: a fraction of their size */
	strbuf_release(&out);
	edits_to_pieces(&w->res->ed, w->src->buf, w->job->start, &w->res->out);
	return 0;
}

/* The first document that ends at or after off. */
static size_t doc_from(const struct ystream *ys, size_t off)
{
	size_t lo = 0, hi = ys->ndoc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ys->doc[mid].end >= off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The documents an operation or an edit touches (malloc'd, per document). */
static bool *touched_docs(const struct rw *w)
{
	const struct ystream *ys = w->ys;
	const struct edits *ed = &w->res->ed;
	bool *mark = xcalloc(ys->ndoc ? ys->ndoc : 1, sizeof(*mark));

	for (size_t j = 0; j < w->nops; j++)
		if (w->job->p->op[w->ops[j]].kind != OP_NONE)
			mark[w->job->p->op[w->ops[j]].doc] = true;
	for (size_t i = 0; i < ed->n; i++) {
		const struct edit *e = &ed->e[i];
		bool any = false;

		for (size_t d = doc_from(ys, e->start); d < ys->ndoc && ys->doc[d].start <= e->start; d++)
			if (e->end <= ys->doc[d].end)
				mark[d] = any = true;
		BUG_ON(!any);
	}
	return mark;
}

/*
 * Each run of adjacent touched documents: its edits (a slice of the sorted
 * edits: each lies inside one run, and runs are apart) applied to its
 * bytes, verified, and kept as a piece.
 */
static int rewrite_runs(struct rw *w)
{
	const struct ystream *ys = w->ys;
	struct edits *ed = &w->res->ed;
	bool *mark = touched_docs(w);
	size_t next = 0;
	int ret = 0;

	edits_sort(ed);
	for (size_t d = 0; d < ys->ndoc; d++) {
		struct strbuf out = STRBUF_INIT;
		size_t d1 = d + 1, first = next, start, end, len;
		struct edits sub;
		char *text;

		if (!mark[d])
			continue;
		while (d1 < ys->ndoc && mark[d1] && ys->doc[d1].start == ys->doc[d1 - 1].end)
			d1++;
		start = ys->doc[d].start;
		end = ys->doc[d1 - 1].end;
		while (next < ed->n && ed->e[next].end <= end)
			next++;
		sub = (struct edits){ ed->e + first, next - first, next - first };
		if (apply_step(w, &sub, start, end, &out) || verify_step(w, d, d1, &out)) {
			ret = -1;
			break;
		}
		text = strbuf_detach(&out, &len);
		pieces_add(&w->res->out, start, end, text, len);
		d = d1 - 1;
	}
	free(mark);
	return ret;
}

int rewrite(const struct rewrite_job *job, struct yparser *yp, struct rewrite_result *res)
{
	struct rw w = { .job = job, .src = job->pin[job->in].src, .ys = job->pin[job->in].ys,
			.ops = job->ops, .nops = job->nops, .yp = yp, .res = res };
	size_t *own = NULL;
	int ret = 0;

	rewrite_result_release(res);
	if (!job->ops)
		w.ops = own = plan_input_ops(job->p, job->in, &w.nops);
	if (lower_step(&w))
		ret = -1;
	else if (!res->ed.n)
		ret = 0;
	else if (job->mode == REWRITE_WHOLE)
		ret = rewrite_whole(&w);
	else if (job->mode == REWRITE_PART)
		ret = rewrite_part(&w);
	else
		ret = rewrite_runs(&w);
	if (job->mode == REWRITE_PART)
		edits_release(&res->ed);
	free(own);
	return ret;
}

void rewrite_abandon(struct plan *p, size_t dep, enum code code, struct report *rep)
{
	plan_abandon(p, dep, code);
	report_drop_owner(rep, dep + 1, keep_codes, ARRAY_SIZE(keep_codes));
}

static void verify_failed(const struct rewrite_job *job, const struct rewrite_result *res,
			  struct report *rep)
{
	const struct source *src = job->pin[job->in].src;
	struct plan *p = job->p;
	size_t nops = job->nops, *own = job->ops ? NULL : plan_input_ops(p, job->in, &nops);
	const size_t *ops = job->ops ? job->ops : own;

	report_add(rep, src, NOPOS, CODE_VERIFY_FAILED,
		   "the rewrite was not what the plan says (%s): file left untouched; please report it",
		   res->why);
	/* the option debug_verify (STSIFY_DEBUG_VERIFY) shows the rejected
	 * text, for bug reports */
	if (p->debug_verify)
		fprintf(stderr, "--- rejected rewrite of %s ---\n%.*s--- end ---\n", src->path,
			(int)res->len, res->text);
	/* every Deployment plan that touched the input */
	for (size_t j = 0; j < nops; j++)
		if (p->op[ops[j]].kind != OP_NONE && p->op[ops[j]].in == job->in)
			rewrite_abandon(p, p->op[ops[j]].dep, CODE_VERIFY_FAILED, rep);
	free(own);
}

void rewrite_next_round(const struct rewrite_job *job, const struct rewrite_result *res,
			struct report *rep)
{
	struct plan *p = job->p;
	const struct resource *dep;

	switch (res->outcome) {
	case REWRITE_LOWER_FAILED:
		dep = p->d[res->dep].dep;
		report_add(rep, job->pin[dep->in].src, dep->node->start, res->code,
			   "%s \"%s\" is left as it is: %s", dep->kind, dep->name, res->why);
		rewrite_abandon(p, res->dep, res->code, rep);
		break;
	case REWRITE_APPLY_FAILED:
		report_add(rep, job->pin[job->in].src, res->off, CODE_INTERNAL,
			   "overlapping edits (a bug in stsify; please report it): %s \"%s\" is left as it is",
			   p->d[res->dep].dep->kind, p->d[res->dep].dep->name);
		rewrite_abandon(p, res->dep, CODE_INTERNAL, rep);
		break;
	case REWRITE_VERIFY_FAILED:
		verify_failed(job, res, rep);
		break;
	case REWRITE_OK:
		break;
	}
}

int rewrite_rounds(const struct rewrite_job *job, struct yparser *yp, struct rewrite_result *res,
		   struct report *rep)
{
	while (rewrite(job, yp, res)) {
		rewrite_next_round(job, res, rep);
		if (res->outcome == REWRITE_VERIFY_FAILED)
			return -1;
	}
	return 0;
}

void rewrite_result_release(struct rewrite_result *res)
{
	free(res->why);
	free(res->text);
	edits_release(&res->ed);
	pieces_release(&res->out);
	*res = (struct rewrite_result)REWRITE_RESULT_INIT;
}
