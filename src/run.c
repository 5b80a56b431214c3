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
#include "util.h"
#include "verify.h"
#include "ytree.h"

enum outcome { OK, LOWER_FAILED, APPLY_FAILED, VERIFY_FAILED };

struct input {
	struct source src;
	struct ystream ys;
	bool parsed;
	size_t helm;		/* offset of a Helm template action, or NOPOS */
	/* the last rewrite of the input */
	bool dirty;		/* its operations changed since */
	enum outcome res;
	size_t bad_dep, bad_off;
	const char *code;
	char *why;
	struct strbuf out;	/* the new bytes (those rejected, after VERIFY_FAILED) */
	bool changed;
};

struct ctx {
	struct run *r;
	struct stsify_file *files;
	struct input *in;
	struct plan_input *pin;
	struct plan *p;
};

static const char *const keep_codes[] = {
	"shared-pvc", "stateful-deployment", "annotation", "shared-rwx", "single-replica-pvc", NULL,
};

void run_abandon(struct plan *p, size_t dep, struct report *rep)
{
	plan_abandon(p, dep);
	report_drop_owner(rep, dep + 1, keep_codes);
}

void run_lower_failed(struct plan *p, size_t dep, const char *code, const char *why,
		      const struct source *src, struct report *rep)
{
	const struct resource *d = p->d[dep].dep;

	report_add(rep, src, d->node->start, SEV_WARNING, code, "Deployment \"%s\" is left as it is: %s",
		   d->name, why);
	run_abandon(p, dep, rep);
}

void run_apply_failed(struct plan *p, size_t dep, size_t off, const struct source *src,
		      struct report *rep)
{
	report_add(rep, src, off, SEV_ERROR, "internal",
		   "overlapping edits (a bug in stsify; please report it): Deployment \"%s\" is left as it is",
		   p->d[dep].dep->name);
	run_abandon(p, dep, rep);
}

void run_verify_failed(const struct source *src, const char *why, const char *text, size_t len,
		       struct report *rep)
{
	report_add(rep, src, NOPOS, SEV_ERROR, "verify-failed",
		   "the rewrite was not what the plan says (%s): file left untouched; please report it", why);
	/* STSIFY_DEBUG_VERIFY=1 shows the rejected text, for bug reports */
	if (getenv("STSIFY_DEBUG_VERIFY"))
		fprintf(stderr, "--- rejected rewrite of %s ---\n%.*s--- end ---\n", src->path, (int)len,
			text);
}

/* ---- parsing ---- */

static void parse_one(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;
	struct input *x = &c->in[i];
	const struct stsify_file *f = &c->files[i];

	source_init_borrow(&x->src, f->path, f->in, f->inlen);
	ystream_init(&x->ys);
	x->parsed = !ystream_append(&x->ys, c->r->yp[w], f->in, 0, f->inlen);
	x->helm = memmem(f->in, f->inlen, "{{", 2)
			  ? rules_helm_offset(&c->r->ru, f->in, f->inlen, &x->ys, x->parsed)
			  : NOPOS;
}

static void parse_inputs(struct ctx *c, size_t n, struct rindex *ri)
{
	struct report *rep = c->r->rep;

	pool_for(c->r->jobs, n, parse_one, c);
	/* findings in input order, whatever thread parsed what */
	for (size_t i = 0; i < n; i++) {
		struct input *x = &c->in[i];

		c->pin[i].src = &x->src;
		c->pin[i].ys = &x->ys;
		if (x->helm != NOPOS) {
			report_add(rep, &x->src, x->helm, SEV_WARNING, "helm-template",
				   "Helm template skipped: render it first (helm template ... | stsify)");
			c->files[i].status = STSIFY_SKIPPED;
			c->pin[i].skip = true;
			continue;
		}
		if (!x->parsed) {
			if (x->ys.err_off != NOPOS)
				report_add(rep, &x->src, x->ys.err_off, SEV_ERROR, "parse-error", "%s",
					   x->ys.err_msg);
			else
				report_add_at(rep, x->src.path, (unsigned)x->ys.err_line,
					      (unsigned)x->ys.err_col, SEV_ERROR, "parse-error", "%s",
					      x->ys.err_msg ? x->ys.err_msg : "invalid YAML");
			c->files[i].status = STSIFY_FAILED;
			c->pin[i].skip = true;
			continue;
		}
		rindex_add(ri, i, &x->ys);
	}
}

/* ---- rewriting ---- */

/* Lower, apply and verify input i under the current plan (any thread). */
static void rewrite_one(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;
	struct input *x = &c->in[i];
	struct edits ed = EDITS_INIT;
	const struct edit *bad;

	(void)w;
	if (!x->dirty || c->pin[i].skip)
		return;
	x->dirty = false;
	x->res = OK;
	x->changed = false;
	free(x->why);
	x->why = NULL;
	strbuf_release(&x->out);
	if (lower_input(c->p, i, &x->src, &x->ys, &ed, &x->bad_dep, &x->code, &x->why)) {
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
	if (verify_input(c->p, i, &x->src, &x->ys, x->out.buf, x->out.len, &x->why)) {
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
	run_abandon(c->p, dep, c->r->rep);
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
		for (size_t k = 0; k < p->nop; k++)
			if (p->op[k].in == i && p->op[k].kind != OP_NONE)
				abandon_dep(c, p->op[k].dep);
		c->files[i].status = STSIFY_FAILED;
		c->pin[i].skip = true;
		break;
	case OK:
		break;
	}
	x->dirty = true;
	x->res = OK;
}

static void rewrite_inputs(struct ctx *c, size_t n)
{
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

int stsify_file_write(const struct stsify_file *f, FILE *fp)
{
	size_t pos = 0;

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

static void run_all(struct run *r, struct stsify_file *files, size_t n)
{
	struct input *in = xcalloc(n ? n : 1, sizeof(*in));
	struct plan_input *pin = xcalloc(n ? n : 1, sizeof(*pin));
	struct ctx c = { .r = r, .files = files, .in = in, .pin = pin };
	struct rindex ri = { 0 };
	struct plan p;

	c.p = &p;
	parse_inputs(&c, n, &ri);
	plan_build(&p, r->opt, &r->ru, &ri, pin, n, r->rep);
	rewrite_inputs(&c, n);
	plan_release(&p);
	rindex_release(&ri);
	for (size_t i = 0; i < n; i++) {
		ystream_release(&in[i].ys);
		source_release(&in[i].src);
		free(in[i].why);
		strbuf_release(&in[i].out);
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
	struct run r = { .opt = opt, .rep = rep };
	char *err;

	if (rules_init(&r.ru, opt, &err)) {
		report_add_at(rep, "stsify", 0, 0, SEV_ERROR, "usage", "%s", err);
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
	for (unsigned w = 0; w < r.jobs; w++)
		r.yp[w] = yparser_new();
	/* patterns compiled up front: rendering runs on several threads */
	render_init();
	if (n != 1 || opt->full_parse || kustomization_path(files[0].path) || stream_run(&r, &files[0]))
		run_all(&r, files, n);
	for (unsigned w = 0; w < r.jobs; w++)
		yparser_free(r.yp[w]);
	free(r.yp);
	rules_release(&r.ru);
	render_release();
	return 0;
}
