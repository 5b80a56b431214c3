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
 * documents that can matter (stream.h).
 *
 * Dependencies run one way: the front ends call run_rewrite() (run.h; api.c
 * wraps it as stsify_run()); run.c calls stream.c, both call rewrite.c
 * (lower, apply, verify), result.c and the stages; nothing below calls back
 * up (tests/layers.sh checks it).
 */
#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "plan.h"
#include "pool.h"
#include "render.h"
#include "report.h"
#include "result.h"
#include "rewrite.h"
#include "rindex.h"
#include "run.h"
#include "session.h"
#include "source.h"
#include "split.h"
#include "stream.h"
#include "stsify.h"
#include "util.h"
#include "ytree.h"

struct input {
	struct source src;
	char *path_norm;	/* plan_path_norm() of its path */
	struct ystream ys;
	bool parsed;
	bool matters;		/* a document of it may be read by the planner */
	size_t helm;		/* offset of a Helm template action, or NOPOS */
	bool dirty;		/* its operations changed since its last rewrite */
	struct rewrite_result res;	/* the last rewrite */
	char pad[64];		/* threads work on neighbouring inputs at once */
};

struct ctx {
	struct session *ses;
	struct stsify_file *files;
	struct input *in;
	struct plan_input *pin;
	struct plan *p;
	/* the operations of input i: ops[first[i], first[i + 1]) */
	size_t *ops, *first;
	size_t *todo;		/* the inputs a pool_for() goes through */
	bool *was_failed;	/* per Deployment plan, at the end of the last round */
	size_t nop;		/* files[nop..n) are read-only context (run.h) */
};

/* ---- parsing ---- */


/* Can no document of the input matter to the planner (split.h)?  With
 * every_deployment, a workload without a claim matters too (the report
 * gets a decision for it). */
static bool cannot_matter(const struct stsify_file *f, bool every_deployment)
{
	struct split sp;
	bool none = true;

	/* a file named like a kustomization is one whatever its kind: parse it all */
	if (builds_kustomization_file(f->path) || split_stream(&sp, f->in, f->inlen))
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
	c->in[i].matters = !cannot_matter(&c->files[i], c->ses->opt->every_deployment);
}

static void parse_input(struct ctx *c, size_t i, unsigned w)
{
	struct input *x = &c->in[i];
	const struct stsify_file *f = &c->files[i];

	ystream_init(&x->ys);
	x->parsed = !ystream_append(&x->ys, session_parser(c->ses, w), f->in, 0, f->inlen);
	x->helm = memmem(f->in, f->inlen, "{{", 2)
			  ? rules_helm_offset(&c->ses->ru, f->in, f->inlen, &x->ys, x->parsed)
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
	struct report *rep = c->ses->rep;

	c->pin[i].src = &x->src;
	c->pin[i].ys = &x->ys;
	if (x->helm != NOPOS) {
		report_add(rep, &x->src, x->helm, CODE_HELM_TEMPLATE,
			   RULES_HELM_MESSAGE);
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
	struct session *ses = pg->c->ses;
	struct planner *pl;

	for (size_t k = 0; k < pg->nrel; k++)
		take_input(pg->c, pg->rel[k], pg->ri);
	session_phase(ses, "parse");
	pl = plan_begin(pg->c->p, ses->opt, &ses->ru, pg->ri, pg->c->pin, pg->n, ses->rep);
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
		pool_for(c->ses->jobs, nmore, parse_one, c);
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

	pool_for(c->ses->jobs, n, classify_and_parse, c);
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
	pool_for_and(c->ses->jobs, nrest, parse_one, c, plan_inputs, &pg);
	for (size_t k = 0; k < nrest; k++)
		take_input(c, c->todo[k], ri);
	free(c->todo);
	free(rel);
	c->todo = NULL;
	/* every input's text, parsed or not, for names of converted Deployments */
	plan_find_stale(c->p, &c->ses->ru, c->pin, n, c->ses->jobs, c->ses->rep);
	session_phase(c->ses, "plan");
}

/* ---- rewriting ---- */

static void input_job(const struct ctx *c, size_t i, struct rewrite_job *job)
{
	*job = (struct rewrite_job){ .p = c->p, .pin = c->pin, .in = i, .ops = c->ops + c->first[i],
				     .nops = c->first[i + 1] - c->first[i], .mode = REWRITE_WHOLE };
}

/* Rewrite input i under the current plan (any thread). */
static void rewrite_one(void *arg, size_t i, unsigned w)
{
	struct ctx *c = arg;
	struct input *x = &c->in[i];
	struct rewrite_job job;

	if (!x->dirty || c->pin[i].skip)
		return;
	x->dirty = false;
	input_job(c, i, &job);
	rewrite(&job, session_parser(c->ses, w), &x->res);
}

/* The inputs that hold operations of a Deployment plan abandoned since the
 * last round must be rewritten again. */
static void mark_abandoned(struct ctx *c)
{
	const struct plan *p = c->p;

	for (size_t k = 0; k < p->nop; k++)
		if (p->d[p->op[k].dep].failed && !c->was_failed[p->op[k].dep])
			c->in[p->op[k].in].dirty = true;
	for (size_t d = 0; d < p->nd; d++)
		c->was_failed[d] = p->d[d].failed;
}

/* Handle the failure of input i; the next round redoes what it affects. */
static void handle_failure(struct ctx *c, size_t i)
{
	struct input *x = &c->in[i];
	struct rewrite_job job;

	input_job(c, i, &job);
	rewrite_next_round(&job, &x->res, c->ses->rep);
	if (x->res.outcome == REWRITE_VERIFY_FAILED) {
		/* left untouched */
		c->files[i].status = STSIFY_FAILED;
		c->pin[i].skip = true;
	}
	mark_abandoned(c);
	x->dirty = true;
	rewrite_result_release(&x->res);
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
	c->was_failed = xcalloc(p->nd ? p->nd : 1, sizeof(*c->was_failed));
	for (size_t d = 0; d < p->nd; d++)
		c->was_failed[d] = p->d[d].failed;
}

/*
 * Rounds: every input whose operations changed is rewritten (threads),
 * then the failure of the first input in order that failed is handled,
 * until none fails.
 */
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

		pool_for(c->ses->jobs, n, rewrite_one, c);
		while (i < n && (c->pin[i].skip || c->in[i].res.outcome == REWRITE_OK))
			i++;
		if (i == n)
			break;
		handle_failure(c, i);
	}
	for (size_t i = 0; i < c->nop; i++)
		if (!c->pin[i].skip && c->in[i].res.out.n)
			result_set(&c->files[i], &c->in[i].res.out);
	free(c->ops);
	free(c->first);
	free(c->was_failed);
}

/* ---- context ---- */

/* Has pair (a, b) been reported already?  Remembers it (seen[], *nseen). */
static bool seen_pair(size_t **seen, size_t *nseen, size_t *alloc, size_t a, size_t b)
{
	for (size_t k = 0; k + 1 < *nseen; k += 2)
		if ((*seen)[k] == a && (*seen)[k + 1] == b)
			return true;
	ALLOC_GROW(*seen, *nseen + 2, *alloc);
	(*seen)[(*nseen)++] = a;
	(*seen)[(*nseen)++] = b;
	return false;
}

/*
 * The operations that cross the line between operands and context (run.h):
 * a context file that would change for the conversion of a workload of an
 * operand, or an operand that changes for the conversion of a workload of
 * a context file.  Each pair (file, workload) is one context-not-edited
 * finding at the place of the operand.
 */
static void context_crossings(struct ctx *c, size_t n)
{
	const struct plan *p = c->p;
	size_t *seen = NULL, nseen = 0, alloc = 0;

	for (size_t k = 0; k < p->nop; k++) {
		const struct op *o = &p->op[k];
		const struct dplan *d = &p->d[o->dep];
		size_t din = d->dep->in;
		const struct ynode *kind = ynode_get(d->dep->node, "kind");
		struct finding *f;

		if (d->failed || o->in >= n || din >= n || (o->in < c->nop) == (din < c->nop) ||
		    seen_pair(&seen, &nseen, &alloc, o->in, o->dep))
			continue;
		if (din < c->nop)
			f = report_add(c->ses->rep, &c->in[din].src, kind ? kind->start : d->dep->node->start,
				       CODE_CONTEXT_NOT_EDITED,
				       "%s would change too (it follows %s \"%s\"), but it is read as context: "
				       "give it as an operand too, or run stsify on the folder",
				       c->files[o->in].path, d->dep->kind, d->dep->name);
		else
			f = report_add(c->ses->rep, &c->in[o->in].src, o->node ? o->node->start : NOPOS,
				       CODE_CONTEXT_NOT_EDITED,
				       "changes for %s \"%s\" of %s, which is read as context and not converted: "
				       "give it as an operand too, or run stsify on the folder",
				       d->dep->kind, d->dep->name, c->files[din].path);
		finding_set_resource(f, d->dep->kind, d->dep->ns[0] ? d->dep->ns : NULL, d->dep->name);
	}
	free(seen);
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
	rewrite_result_release(&x->res);
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

static void run_all(struct session *ses, struct stsify_file *files, size_t n, size_t ncontext)
{
	struct input *in = xcalloc(n ? n : 1, sizeof(*in));
	struct plan_input *pin = xcalloc(n ? n : 1, sizeof(*pin));
	struct ctx c = { .ses = ses, .files = files, .in = in, .pin = pin, .nop = n - ncontext };
	struct rindex ri = { 0 };
	struct plan p;

	c.p = &p;
	parse_and_plan(&c, n, &ri);
	rewrite_inputs(&c, n);
	if (ncontext)
		context_crossings(&c, n);
	session_phase(ses, "rewrite");
	result_summarize(&p, pin, ses->opt->every_deployment, ses->rep);
	{
		/* the plan on one thread, the inputs on the others */
		struct releasing rl = { &p, &ri };

		pool_for_and(ses->jobs, n, release_one, in, release_plan, &rl);
	}
	free(in);
	free(pin);
}


int run_rewrite(const struct stsify_options *opt, struct stsify_file *files, size_t n,
		struct report *rep)
{
	return run_rewrite_needs(opt, files, n, 0, NULL, 0, rep);
}

int run_rewrite_needs(const struct stsify_options *opt, struct stsify_file *files, size_t n,
		      size_t ncontext, const struct build_need *need, size_t nneed, struct report *rep)
{
	struct session ses = { .opt = opt, .rep = rep, .timing = debug_phase_enabled() };
	char *err;

	if (rules_init(&ses.ru, opt, &err)) {
		report_add_at(rep, "stsify", 0, 0, CODE_USAGE, "%s", err);
		free(err);
		return -1;
	}
	ses.ru.need = need;
	ses.ru.nneed = nneed;
	for (size_t i = 0; i < n; i++) {
		files[i].status = STSIFY_UNCHANGED;
		files[i].out = NULL;
		files[i].outlen = 0;
		files[i].pieces = NULL;
	}
	ses.jobs = opt->jobs ? opt->jobs : pool_cores();
	ses.yp = xcalloc(ses.jobs, sizeof(*ses.yp));
	/* patterns compiled up front: rendering runs on several threads */
	render_init();
	if (ncontext > n)
		ncontext = n;
	if (n != 1 || ncontext || opt->full_parse || builds_kustomization_file(files[0].path) ||
	    stream_run(&ses, &files[0]))
		run_all(&ses, files, n, ncontext);
	/* a source several builds include is reported once (DESIGN.md 9) */
	report_dedup(rep);
	session_phase(&ses, "released");
	for (unsigned w = 0; w < ses.jobs; w++)
		yparser_free(ses.yp[w]);
	free(ses.yp);
	rules_release(&ses.ru);
	render_release();
	return 0;
}
