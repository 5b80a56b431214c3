/*
 * run.c - the one pipeline every front end calls (include/stsify.h):
 *
 *   bytes -> span trees -> resource index -> plan -> edits per input
 *         -> new bytes -> verify
 *
 * A Deployment whose edits cannot be lowered safely is abandoned (with all
 * its operations, in every file) and lowering starts again; an input whose
 * result does not verify is reported, left untouched, and every Deployment
 * that touched it is abandoned too.  The loop ends because each round
 * abandons at least one Deployment or finishes.
 *
 * Parsing and rewriting run on opt->jobs threads (pool.h); planning, and
 * everything that adds findings, runs on the calling thread in input order,
 * so the output does not depend on the number of threads.  A round
 * rewrites every input whose operations changed, then handles the failure
 * of the first input in order that failed, exactly as a sequential loop
 * over the inputs that stops at the first failure would.
 *
 * A single input is handed to stream.c first, which parses only the
 * documents that can matter (run.h).
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>

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

enum outcome { OK, LOWER_FAILED, APPLY_FAILED, VERIFY_FAILED };

struct input {
	struct source src;
	char *path_norm;	/* plan_path_norm() of its path */
	struct ystream ys;
	bool parsed;
	bool matters;		/* a document of it may be read by the planner */
	size_t helm;		/* offset of a Helm template action, or NOPOS */
	/* the last rewrite of the input */
	bool dirty;		/* its operations changed since */
	enum outcome res;
	size_t bad_dep, bad_off;
	enum code code;
	char *why;
	struct strbuf out;	/* the new bytes (those rejected, after VERIFY_FAILED) */
	bool changed;
	char pad[64];		/* threads work on neighbouring inputs at once */
};

struct ctx {
	struct run *r;
	struct stsify_file *files;
	struct input *in;
	struct plan_input *pin;
	struct plan *p;
	/* the operations of input i: ops[first[i], first[i + 1]) */
	size_t *ops, *first;
	size_t *todo;		/* the inputs a pool_for() goes through */
};

static const enum code keep_codes[] = {
	CODE_SHARED_PVC, CODE_STATEFUL_DEPLOYMENT, CODE_ANNOTATION, CODE_SHARED_RWX, CODE_SINGLE_REPLICA_PVC,
};

void run_phase(const struct run *r, const char *what)
{
	if (r->timing)
		debug_phase(what);
}

struct yparser *run_parser(struct run *r, unsigned w)
{
	if (!r->yp[w])
		r->yp[w] = yparser_new();
	return r->yp[w];
}

void run_abandon(struct plan *p, size_t dep, enum code code, struct report *rep)
{
	plan_abandon(p, dep, code);
	report_drop_owner(rep, dep + 1, keep_codes, ARRAY_SIZE(keep_codes));
}

void run_lower_failed(struct plan *p, size_t dep, enum code code, const char *why,
		      const struct source *src, struct report *rep)
{
	const struct resource *d = p->d[dep].dep;

	report_add(rep, src, d->node->start, code, "%s \"%s\" is left as it is: %s", d->kind,
		   d->name, why);
	run_abandon(p, dep, code, rep);
}

void run_apply_failed(struct plan *p, size_t dep, size_t off, const struct source *src,
		      struct report *rep)
{
	report_add(rep, src, off, CODE_INTERNAL,
		   "overlapping edits (a bug in stsify; please report it): %s \"%s\" is left as it is",
		   p->d[dep].dep->kind, p->d[dep].dep->name);
	run_abandon(p, dep, CODE_INTERNAL, rep);
}

void run_verify_failed(const struct source *src, const char *why, const char *text, size_t len,
		       struct report *rep)
{
	report_add(rep, src, NOPOS, CODE_VERIFY_FAILED,
		   "the rewrite was not what the plan says (%s): file left untouched; please report it", why);
	/* STSIFY_DEBUG_VERIFY=1 shows the rejected text, for bug reports */
	if (getenv("STSIFY_DEBUG_VERIFY"))
		fprintf(stderr, "--- rejected rewrite of %s ---\n%.*s--- end ---\n", src->path, (int)len,
			text);
}

/* ---- parsing ---- */

static bool kustomization_path(const char *path);

/* Can no document of the input matter to the planner (split.h)?  With
 * every_deployment, a workload without a claim matters too (the report
 * gets a decision for it). */
static bool cannot_matter(const struct stsify_file *f, bool every_deployment)
{
	struct split sp;
	bool none = true;

	if (kustomization_path(f->path) || split_stream(&sp, f->in, f->inlen))
		return false;
	for (size_t k = 0; k < sp.n && none; k++)
		none = sp.c[k].cls == CHUNK_SKIP && !(every_deployment && sp.c[k].workload);
	split_release(&sp);
	return none;
}

static void classify_one(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;

	(void)w;
	/* every source up front: the planner reads the paths (and, for
	 * stale references, the bytes) of the inputs that cannot matter while
	 * they are being parsed */
	source_init_borrow(&c->in[i].src, c->files[i].path, c->files[i].in, c->files[i].inlen);
	c->in[i].path_norm = plan_path_norm(c->files[i].path);
	c->pin[i].path_norm = c->in[i].path_norm;
	c->in[i].matters = !cannot_matter(&c->files[i], c->r->opt->every_deployment);
}

static void parse_input(struct ctx *c, size_t i, unsigned w)
{
	struct input *x = &c->in[i];
	const struct stsify_file *f = &c->files[i];

	ystream_init(&x->ys);
	x->parsed = !ystream_append(&x->ys, run_parser(c->r, w), f->in, 0, f->inlen);
	x->helm = memmem(f->in, f->inlen, "{{", 2)
			  ? rules_helm_offset(&c->r->ru, f->in, f->inlen, &x->ys, x->parsed)
			  : NOPOS;
	if (x->parsed && x->helm == NOPOS && !x->matters) {
		/* nothing in it for the planner: the memory goes to the
		 * next input of this thread */
		ystream_release(&x->ys);
		ystream_init(&x->ys);
	}
}

/* Parse input todo[k]. */
static void parse_one(void *arg, size_t k, unsigned w)
{
	struct ctx *c = arg;

	parse_input(c, c->todo[k], w);
}

/* Classify input i and parse it now if it can matter (its bytes are still
 * in the cache; one pass instead of two). */
static void classify_and_parse(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;

	classify_one(c, i, w);
	if (c->in[i].matters)
		parse_input(c, i, w);
}

/* Report the parse of input i; index it unless it failed. */
static void take_input(struct ctx *c, size_t i, struct rindex *ri)
{
	struct input *x = &c->in[i];
	struct report *rep = c->r->rep;

	c->pin[i].src = &x->src;
	c->pin[i].ys = &x->ys;
	if (x->helm != NOPOS) {
		report_add(rep, &x->src, x->helm, CODE_HELM_TEMPLATE,
			   "Helm template skipped: render it first (helm template ... | stsify)");
		c->files[i].status = STSIFY_SKIPPED;
		c->pin[i].skip = true;
		return;
	}
	if (!x->parsed) {
		if (x->ys.err_off != NOPOS)
			report_add(rep, &x->src, x->ys.err_off, CODE_PARSE_ERROR, "%s", x->ys.err_msg);
		else
			report_add_at(rep, x->src.path, (unsigned)x->ys.err_line, (unsigned)x->ys.err_col,
				      CODE_PARSE_ERROR, "%s",
				      x->ys.err_msg ? x->ys.err_msg : "invalid YAML");
		c->files[i].status = STSIFY_FAILED;
		c->pin[i].skip = true;
		return;
	}
	rindex_add(ri, i, &x->ys);
}

struct planning {
	struct ctx *c;
	struct rindex *ri;
	size_t n;
	const size_t *rel;	/* the inputs that can matter */
	size_t nrel;
};

/* Take the inputs that can matter (findings in input order, whatever
 * thread parsed what), and plan. */
static void plan_inputs(void *arg)
{
	struct planning *pg = arg;
	struct run *r = pg->c->r;
	struct planner *pl;

	for (size_t k = 0; k < pg->nrel; k++)
		take_input(pg->c, pg->rel[k], pg->ri);
	run_phase(r, "parse");
	pl = plan_begin(pg->c->p, r->opt, &r->ru, pg->ri, pg->c->pin, pg->n, r->rep);
	for (size_t i = 0; i < pg->ri->n; i++)
		plan_one(pl, &pg->ri->r[i]);
	plan_end(pl);
}

/*
 * Strategic-merge patch files named by the kustomizations among the inputs
 * parsed so far are read by the planner (their Deployments follow the
 * converted ones) even when they have no claim: they must be parsed before
 * planning.  Adds them to rel (kept in input order); returns the new count.
 */
static size_t add_patch_files(struct ctx *c, size_t n, size_t *rel, size_t nrel)
{
	static struct ystream none;
	struct plan_input *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
	const char **path = xcalloc(n ? n : 1, sizeof(*path));
	bool *patch = xcalloc(n ? n : 1, sizeof(*patch)), any = false;
	size_t nmore = 0;

	for (size_t i = 0; i < n; i++) {
		struct input *x = &c->in[i];

		path[i] = c->files[i].path;
		tmp[i].src = &x->src;
		tmp[i].path_norm = x->path_norm;
		tmp[i].ys = &none;
		tmp[i].skip = true;
		if (x->matters && x->parsed && x->helm == NOPOS) {
			tmp[i].ys = &x->ys;
			tmp[i].skip = false;
		}
	}
	plan_patch_files(tmp, path, n, patch);
	for (size_t i = 0; i < n; i++)
		any |= patch[i] && !c->in[i].matters;
	if (any) {
		c->todo = xcalloc(n, sizeof(*c->todo));
		for (size_t i = 0; i < n; i++)
			if (patch[i] && !c->in[i].matters) {
				c->in[i].matters = true;
				c->todo[nmore++] = i;
			}
		pool_for(c->r->jobs, nmore, parse_one, c);
		free(c->todo);
		nrel = 0;
		for (size_t i = 0; i < n; i++)
			if (c->in[i].matters)
				rel[nrel++] = i;
	}
	free(patch);
	free(path);
	free(tmp);
	return nrel;
}

/*
 * Parse every input, index those that can matter, and plan.  The inputs
 * that cannot matter to the planner (split.h) are parsed only to report
 * their errors: that happens on the other threads while this one plans,
 * and their findings come after the plan's (findings are printed sorted
 * by place, and an input that fails has no other finding).
 */
static void parse_and_plan(struct ctx *c, size_t n, struct rindex *ri)
{
	static struct ystream none;	/* what the planner sees of the others */
	struct planning pg = { c, ri, n, NULL, 0 };
	size_t nrel = 0, nrest = 0, *rel = xcalloc(n ? n : 1, sizeof(*rel));

	pool_for(c->r->jobs, n, classify_and_parse, c);
	for (size_t i = 0; i < n; i++)
		if (c->in[i].matters)
			rel[nrel++] = i;
	nrel = add_patch_files(c, n, rel, nrel);
	c->todo = xcalloc(n ? n : 1, sizeof(*c->todo));
	for (size_t i = 0; i < n; i++) {
		if (c->in[i].matters)
			continue;
		c->todo[nrest++] = i;
		c->pin[i].src = &c->in[i].src;
		c->pin[i].ys = &none;
	}
	pg.rel = rel;
	pg.nrel = nrel;
	pool_for_and(c->r->jobs, nrest, parse_one, c, plan_inputs, &pg);
	for (size_t k = 0; k < nrest; k++)
		take_input(c, c->todo[k], ri);
	free(c->todo);
	free(rel);
	c->todo = NULL;
	/* every input's text, parsed or not, for names of converted Deployments */
	plan_find_stale(c->p, &c->r->ru, c->pin, n, c->r->jobs, c->r->rep);
	run_phase(c->r, "plan");
}

/* ---- rewriting ---- */

/* Lower, apply and verify input i under the current plan (any thread). */
static void rewrite_one(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;
	struct input *x = &c->in[i];
	struct edits ed = EDITS_INIT;
	const struct edit *bad;

	if (!x->dirty || c->pin[i].skip)
		return;
	x->dirty = false;
	x->res = OK;
	x->changed = false;
	free(x->why);
	x->why = NULL;
	strbuf_release(&x->out);
	if (lower_ops(c->p, i, c->ops + c->first[i], c->first[i + 1] - c->first[i], &x->src, &x->ys, &ed,
		      &x->bad_dep, &x->code, &x->why)) {
		x->res = LOWER_FAILED;
		goto out;
	}
	if (!ed.n)
		goto out;
	if (edits_apply(&ed, x->src.buf, x->src.len, &x->out, &bad)) {
		x->res = APPLY_FAILED;
		x->bad_dep = bad->dep;
		x->bad_off = bad->start;
		goto out;
	}
	if (verify_docs(c->p, i, &x->src, &x->ys, 0, x->ys.ndoc, c->ops + c->first[i],
			c->first[i + 1] - c->first[i], x->out.buf, x->out.len, run_parser(c->r, w), &x->why)) {
		x->res = VERIFY_FAILED;
		goto out;
	}
	x->changed = x->out.len != x->src.len || memcmp(x->out.buf, x->src.buf, x->out.len);
out:
	edits_release(&ed);
}

/* Inputs that hold operations of Deployment plan dep must be rewritten again. */
static void mark_dep(struct ctx *c, size_t dep)
{
	for (size_t k = 0; k < c->p->nop; k++)
		if (c->p->op[k].dep == dep)
			c->in[c->p->op[k].in].dirty = true;
}

static void abandon_dep(struct ctx *c, size_t dep)
{
	mark_dep(c, dep);
	run_abandon(c->p, dep, CODE_VERIFY_FAILED, c->r->rep);
}

/* Handle the failure of input i; the next round redoes what it affects. */
static void handle_failure(struct ctx *c, size_t i)
{
	struct input *x = &c->in[i];
	struct plan *p = c->p;
	struct report *rep = c->r->rep;

	switch (x->res) {
	case LOWER_FAILED: {
		const struct resource *dep = p->d[x->bad_dep].dep;

		mark_dep(c, x->bad_dep);
		run_lower_failed(p, x->bad_dep, x->code, x->why, &c->in[dep->in].src, rep);
		break;
	}
	case APPLY_FAILED:
		mark_dep(c, x->bad_dep);
		run_apply_failed(p, x->bad_dep, x->bad_off, &x->src, rep);
		break;
	case VERIFY_FAILED:
		run_verify_failed(&x->src, x->why, x->out.buf, x->out.len, rep);
		for (size_t j = c->first[i]; j < c->first[i + 1]; j++)
			if (p->op[c->ops[j]].kind != OP_NONE)
				abandon_dep(c, p->op[c->ops[j]].dep);
		c->files[i].status = STSIFY_FAILED;
		c->pin[i].skip = true;
		break;
	case OK:
		break;
	}
	x->dirty = true;
	x->res = OK;
}

/* Index the operations by input (a counting sort: plan order kept). */
static void index_ops(struct ctx *c, size_t n)
{
	const struct plan *p = c->p;
	size_t *fill = xcalloc(n + 1, sizeof(*fill));

	c->first = xcalloc(n + 1, sizeof(*c->first));
	c->ops = xcalloc(p->nop ? p->nop : 1, sizeof(*c->ops));
	for (size_t k = 0; k < p->nop; k++)
		c->first[p->op[k].in + 1]++;
	for (size_t i = 0; i < n; i++)
		c->first[i + 1] += c->first[i];
	for (size_t k = 0; k < p->nop; k++)
		c->ops[c->first[p->op[k].in] + fill[p->op[k].in]++] = k;
	free(fill);
}

static void rewrite_inputs(struct ctx *c, size_t n)
{
	index_ops(c, n);
	for (size_t i = 0; i < n; i++) {
		c->in[i].dirty = true;
		if (!c->pin[i].skip)
			c->files[i].status = STSIFY_UNCHANGED;
	}
	for (;;) {
		size_t i = 0;

		pool_for(c->r->jobs, n, rewrite_one, c);
		while (i < n && (c->pin[i].skip || c->in[i].res == OK))
			i++;
		if (i == n)
			break;
		handle_failure(c, i);
	}
	for (size_t i = 0; i < n; i++) {
		struct input *x = &c->in[i];
		struct stsify_pieces pcs = { NULL, 0, 0 };
		struct piece *pc;

		if (c->pin[i].skip || !x->changed)
			continue;
		/* the whole input is one piece */
		ALLOC_GROW(pcs.p, 1, pcs.alloc);
		pc = &pcs.p[pcs.n++];
		pc->start = 0;
		pc->end = x->src.len;
		pc->text = strbuf_detach(&x->out, &pc->len);
		run_set_result(&c->files[i], &pcs);
	}
	free(c->ops);
	free(c->first);
}

void run_summarize(const struct plan *p, const struct plan_input *in, bool all, struct report *rep)
{
	for (size_t i = 0; i < p->ndec; i++) {
		const struct decision *dc = &p->dec[i];
		const struct resource *r = dc->dep;
		const struct source *src = in[r->in].src;
		struct dep_summary *s;

		if (!all && !dc->converted)
			continue;

		ALLOC_GROW(rep->dep, rep->ndep + 1, rep->adep);
		s = &rep->dep[rep->ndep++];
		memset(s, 0, sizeof(*s));
		s->path = xstrdup(src->path);
		source_linecol(src, r->node->start, &s->line, &s->col);
		s->kind = xstrdup(r->kind);
		s->ns = xstrdup(r->ns);
		s->name = xstrdup(r->name);
		s->converted = dc->converted;
		s->reason = dc->reason;
		if (!dc->converted)
			continue;
		{
			const struct dplan *d = &p->d[dc->dplan];

			s->service = xstrdup(d->service);
			s->service_added = d->service_added;
			s->claim = xcalloc(d->nclaim ? d->nclaim : 1, sizeof(*s->claim));
			s->nclaim = d->nclaim;
			for (size_t k = 0; k < d->nclaim; k++) {
				struct claim_summary *c = &s->claim[k];
				const struct claim_plan *cp = &d->claim[k];
				unsigned col;

				c->volume = xstrdup(cp->volume);
				c->claim = xstrdup(cp->claim);
				c->new_claim = xasprintf("%s-%s-0", cp->volume, d->sts);
				if (cp->pvc) {
					c->pvc_path = xstrdup(in[cp->pvc->in].src->path);
					source_linecol(in[cp->pvc->in].src, cp->pvc->node->start, &c->pvc_line, &col);
				}
				c->spec = val_copy(cp->spec);
			}
			s->ref = xcalloc(d->nref ? d->nref : 1, sizeof(*s->ref));
			s->nref = d->nref;
			for (size_t k = 0; k < d->nref; k++) {
				struct ref_summary *rs = &s->ref[k];
				const struct ref_plan *rp = &d->ref[k];

				rs->path = xstrdup(in[rp->in].src->path);
				source_linecol(in[rp->in].src, rp->at->start, &rs->line, &rs->col);
				rs->kind = xstrdup(rp->kind);
				rs->name = xstrdup(rp->name);
			}
		}
	}
}

/* ---- results ---- */

static void pieces_free(struct stsify_pieces *pcs)
{
	for (size_t k = 0; k < pcs->n; k++)
		free(pcs->p[k].text);
	free(pcs->p);
}

void run_set_result(struct stsify_file *f, struct stsify_pieces *pcs)
{
	bool changed = false;
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0;

	for (size_t k = 0; k < pcs->n && !changed; k++) {
		const struct piece *pc = &pcs->p[k];

		changed = pc->len != pc->end - pc->start || memcmp(pc->text, f->in + pc->start, pc->len);
	}
	if (!changed) {
		pieces_free(pcs);
		return;
	}
	f->status = STSIFY_CHANGED;
	if (f->no_out) {
		f->pieces = xmalloc(sizeof(*f->pieces));
		*f->pieces = *pcs;
		return;
	}
	if (pcs->n == 1 && pcs->p[0].start == 0 && pcs->p[0].end == f->inlen) {
		f->out = pcs->p[0].text;
		f->outlen = pcs->p[0].len;
		free(pcs->p);
		return;
	}
	for (size_t k = 0; k < pcs->n; k++) {
		strbuf_add(&sb, f->in + pos, pcs->p[k].start - pos);
		strbuf_add(&sb, pcs->p[k].text, pcs->p[k].len);
		pos = pcs->p[k].end;
	}
	strbuf_add(&sb, f->in + pos, f->inlen - pos);
	f->out = strbuf_detach(&sb, &f->outlen);
	pieces_free(pcs);
}

/* Write iov[0..n) whole to fd (a pipe takes it in parts). */
static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * The result of a large input is many stretches of it between the changed
 * documents: handed to the kernel IOV_MAX at a time rather than copied
 * through stdio's buffer in blocks of 4 KiB (10,000 writes for 100 MB).
 */
static int write_pieces(const struct stsify_file *f, int fd)
{
	enum { NIOV = 1024 };
	struct iovec iov[NIOV];
	size_t pos = 0;
	int n = 0;

	for (size_t k = 0; k <= f->pieces->n; k++) {
		const struct piece *pc = k < f->pieces->n ? &f->pieces->p[k] : NULL;
		size_t end = pc ? pc->start : f->inlen;

		if (n + 2 > NIOV) {
			if (writev_all(fd, iov, n))
				return -1;
			n = 0;
		}
		if (end > pos)
			iov[n++] = (struct iovec){ (void *)(f->in + pos), end - pos };
		if (pc && pc->len)
			iov[n++] = (struct iovec){ pc->text, pc->len };
		if (pc)
			pos = pc->end;
	}
	return writev_all(fd, iov, n);
}

int stsify_file_write(const struct stsify_file *f, FILE *fp)
{
	size_t pos = 0;
	int fd;

	if (f->status == STSIFY_CHANGED && !f->out && f->pieces->n > 1 && (fd = fileno(fp)) >= 0) {
		if (fflush(fp))
			return -1;
		return write_pieces(f, fd);
	}
	if (f->status != STSIFY_CHANGED)
		return fwrite(f->in, 1, f->inlen, fp) == f->inlen ? 0 : -1;
	if (f->out)
		return fwrite(f->out, 1, f->outlen, fp) == f->outlen ? 0 : -1;
	for (size_t k = 0; k < f->pieces->n; k++) {
		const struct piece *pc = &f->pieces->p[k];

		if (fwrite(f->in + pos, 1, pc->start - pos, fp) != pc->start - pos ||
		    fwrite(pc->text, 1, pc->len, fp) != pc->len)
			return -1;
		pos = pc->end;
	}
	return fwrite(f->in + pos, 1, f->inlen - pos, fp) == f->inlen - pos ? 0 : -1;
}

void stsify_file_release(struct stsify_file *f)
{
	free(f->out);
	f->out = NULL;
	f->outlen = 0;
	if (f->pieces) {
		for (size_t k = 0; k < f->pieces->n; k++)
			free(f->pieces->p[k].text);
		free(f->pieces->p);
		free(f->pieces);
		f->pieces = NULL;
	}
}

/* ---- the pipeline ---- */

/* Free what input i holds (any thread). */
static void release_one(void *arg, size_t i, unsigned w)
{
	struct input *x = (struct input *)arg + i;

	(void)w;
	ystream_release(&x->ys);
	source_release(&x->src);
	free(x->path_norm);
	free(x->why);
	strbuf_release(&x->out);
}

struct releasing {
	struct plan *p;
	struct rindex *ri;
};

static void release_plan(void *arg)
{
	struct releasing *rl = arg;

	plan_release(rl->p);
	rindex_release(rl->ri);
}

static void run_all(struct run *r, struct stsify_file *files, size_t n)
{
	struct input *in = xcalloc(n ? n : 1, sizeof(*in));
	struct plan_input *pin = xcalloc(n ? n : 1, sizeof(*pin));
	struct ctx c = { .r = r, .files = files, .in = in, .pin = pin };
	struct rindex ri = { 0 };
	struct plan p;

	c.p = &p;
	parse_and_plan(&c, n, &ri);
	rewrite_inputs(&c, n);
	run_phase(r, "rewrite");
	run_summarize(&p, pin, r->opt->every_deployment, r->rep);
	{
		/* the plan on one thread, the inputs on the others */
		struct releasing rl = { &p, &ri };

		pool_for_and(r->jobs, n, release_one, in, release_plan, &rl);
	}
	free(in);
	free(pin);
}

/* A file named like a kustomization is one whatever its kind: parse it all. */
static bool kustomization_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strcmp(base, "kustomization.yaml") || !strcmp(base, "kustomization.yml") ||
	       !strcmp(base, "Kustomization");
}

int stsify_run(const struct stsify_options *opt, struct stsify_file *files, size_t n,
	       struct report *rep)
{
	struct run r = { .opt = opt, .rep = rep, .timing = getenv("STSIFY_DEBUG_TIMING") != NULL };
	char *err;

	if (rules_init(&r.ru, opt, &err)) {
		report_add_at(rep, "stsify", 0, 0, CODE_USAGE, "%s", err);
		free(err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		files[i].status = STSIFY_UNCHANGED;
		files[i].out = NULL;
		files[i].outlen = 0;
		files[i].pieces = NULL;
	}
	r.jobs = opt->jobs ? opt->jobs : pool_cores();
	r.yp = xcalloc(r.jobs, sizeof(*r.yp));
	/* patterns compiled up front: rendering runs on several threads */
	render_init();
	if (n != 1 || opt->full_parse || kustomization_path(files[0].path) || stream_run(&r, &files[0]))
		run_all(&r, files, n);
	run_phase(&r, "released");
	for (unsigned w = 0; w < r.jobs; w++)
		yparser_free(r.yp[w]);
	free(r.yp);
	rules_release(&r.ru);
	render_release();
	return 0;
}
