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
 */
#include "stsify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "lower.h"
#include "plan.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "util.h"
#include "verify.h"
#include "ytree.h"

struct input {
	struct source src;
	struct ystream ys;
	bool parsed;
};

static void parse_inputs(struct input *in, struct stsify_file *files, size_t n,
			 struct plan_input *pin, struct rindex *ri, struct report *rep)
{
	for (size_t i = 0; i < n; i++) {
		struct input *x = &in[i];
		size_t helm;

		source_init_take(&x->src, files[i].path, xstrndup(files[i].in, files[i].inlen),
				 files[i].inlen);
		pin[i].src = &x->src;
		pin[i].ys = &x->ys;
		x->parsed = !ystream_parse(&x->ys, x->src.buf, x->src.len);
		helm = memmem(x->src.buf, x->src.len, "{{", 2)
			       ? rules_helm_offset(x->src.buf, x->src.len, &x->ys, x->parsed)
			       : NOPOS;
		if (helm != NOPOS) {
			report_add(rep, &x->src, helm, SEV_WARNING, "helm-template",
				   "Helm template skipped: render it first (helm template ... | stsify)");
			files[i].status = STSIFY_SKIPPED;
			pin[i].skip = true;
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
			files[i].status = STSIFY_FAILED;
			pin[i].skip = true;
			continue;
		}
		rindex_add(ri, i, &x->ys);
	}
}

/*
 * Abandon Deployment plan dep: its operations are cancelled, and the
 * findings that described its conversion go; those that describe the
 * problem (a shared claim) stay.
 */
static void abandon(struct plan *p, size_t dep, const char *code, struct report *rep)
{
	static const char *const keep[] = {
		"shared-pvc", "stateful-deployment", "annotation", "shared-rwx", "single-replica-pvc", NULL,
	};

	plan_abandon(p, dep, code);
	report_drop_owner(rep, dep + 1, keep);
}

/* Abandon every Deployment plan with an operation on input i. */
static void abandon_input(struct plan *p, size_t i, struct report *rep)
{
	for (size_t k = 0; k < p->nop; k++)
		if (p->op[k].in == i && p->op[k].kind != OP_NONE)
			abandon(p, p->op[k].dep, "verify-failed", rep);
}

/* One round of lowering, applying and verifying; 1 when it must run again. */
static int rewrite_round(struct plan *p, struct input *in, struct stsify_file *files, size_t n,
			 struct plan_input *pin, struct report *rep)
{
	for (size_t i = 0; i < n; i++) {
		struct edits ed = EDITS_INIT;
		struct strbuf out = STRBUF_INIT;
		const struct edit *bad;
		size_t bad_dep;
		const char *code;
		char *why = NULL;

		free(files[i].out);
		files[i].out = NULL;
		files[i].outlen = 0;
		if (pin[i].skip)
			continue;
		files[i].status = STSIFY_UNCHANGED;
		if (lower_input(p, i, &in[i].src, &in[i].ys, &ed, &bad_dep, &code, &why)) {
			const struct resource *dep = p->d[bad_dep].dep;

			report_add(rep, &in[dep->in].src, dep->node->start, SEV_WARNING, code,
				   "Deployment \"%s\" is left as it is: %s", dep->name, why);
			abandon(p, bad_dep, code, rep);
			free(why);
			edits_release(&ed);
			return 1;
		}
		if (!ed.n) {
			edits_release(&ed);
			continue;
		}
		if (edits_apply(&ed, in[i].src.buf, in[i].src.len, &out, &bad)) {
			report_add(rep, &in[i].src, bad->start, SEV_ERROR, "internal",
				   "overlapping edits (a bug in stsify; please report it): Deployment \"%s\" is left as it is",
				   p->d[bad->dep].dep->name);
			abandon(p, bad->dep, "internal", rep);
			edits_release(&ed);
			strbuf_release(&out);
			return 1;
		}
		edits_release(&ed);
		if (verify_input(p, i, &in[i].src, &in[i].ys, out.buf, out.len, &why)) {
			report_add(rep, &in[i].src, NOPOS, SEV_ERROR, "verify-failed",
				   "the rewrite was not what the plan says (%s): file left untouched; please report it",
				   why);
			free(why);
			/* STSIFY_DEBUG_VERIFY=1 shows the rejected text, for bug reports */
			if (getenv("STSIFY_DEBUG_VERIFY"))
				fprintf(stderr, "--- rejected rewrite of %s ---\n%.*s--- end ---\n",
					in[i].src.path, (int)out.len, out.buf);
			strbuf_release(&out);
			abandon_input(p, i, rep);
			files[i].status = STSIFY_FAILED;
			pin[i].skip = true;
			return 1;
		}
		if (out.len == in[i].src.len && !memcmp(out.buf, in[i].src.buf, out.len)) {
			strbuf_release(&out);
			continue;
		}
		files[i].status = STSIFY_CHANGED;
		files[i].out = strbuf_detach(&out, &files[i].outlen);
	}
	return 0;
}

/* Copy the plan, per Deployment, into the report. */
static void summarize(const struct plan *p, const struct input *in, struct report *rep)
{
	for (size_t i = 0; i < p->ndec; i++) {
		const struct decision *dc = &p->dec[i];
		const struct resource *r = dc->dep;
		const struct source *src = &in[r->in].src;
		struct dep_summary *s;

		ALLOC_GROW(rep->dep, rep->ndep + 1, rep->adep);
		s = &rep->dep[rep->ndep++];
		memset(s, 0, sizeof(*s));
		s->path = xstrdup(src->path);
		source_linecol(src, r->node->start, &s->line, &s->col);
		s->ns = xstrdup(r->ns);
		s->name = xstrdup(r->name);
		s->converted = dc->converted;
		s->reason = xstrdup(dc->reason);
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
					c->pvc_path = xstrdup(in[cp->pvc->in].src.path);
					source_linecol(&in[cp->pvc->in].src, cp->pvc->node->start, &c->pvc_line, &col);
				}
				c->spec = val_copy(cp->spec);
			}
			s->ref = xcalloc(d->nref ? d->nref : 1, sizeof(*s->ref));
			s->nref = d->nref;
			for (size_t k = 0; k < d->nref; k++) {
				struct ref_summary *rs = &s->ref[k];
				const struct ref_plan *rp = &d->ref[k];

				rs->path = xstrdup(in[rp->in].src.path);
				source_linecol(&in[rp->in].src, rp->at->start, &rs->line, &rs->col);
				rs->kind = xstrdup(rp->kind);
				rs->name = xstrdup(rp->name);
			}
		}
	}
}

int stsify_run(const struct stsify_options *opt, struct stsify_file *files, size_t n,
	       struct report *rep)
{
	struct input *in = xcalloc(n ? n : 1, sizeof(*in));
	struct plan_input *pin = xcalloc(n ? n : 1, sizeof(*pin));
	struct rindex ri = { 0 };
	struct rules ru;
	struct plan p;
	char *err;

	if (rules_init(&ru, opt, &err)) {
		report_add_at(rep, "stsify", 0, 0, SEV_ERROR, "usage", "%s", err);
		free(err);
		free(in);
		free(pin);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		files[i].status = STSIFY_UNCHANGED;
		files[i].out = NULL;
	}
	parse_inputs(in, files, n, pin, &ri, rep);
	plan_build(&p, opt, &ru, &ri, pin, n, rep);
	while (rewrite_round(&p, in, files, n, pin, rep))
		;
	summarize(&p, in, rep);
	plan_release(&p);
	rindex_release(&ri);
	rules_release(&ru);
	render_release();
	for (size_t i = 0; i < n; i++) {
		ystream_release(&in[i].ys);
		source_release(&in[i].src);
	}
	free(in);
	free(pin);
	return 0;
}

void stsify_file_release(struct stsify_file *f)
{
	free(f->out);
	f->out = NULL;
	f->outlen = 0;
}
