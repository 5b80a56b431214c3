/*
 * plan.c - decide, per Deployment, whether and how it becomes a StatefulSet
 * (DESIGN.md sections 2-5; see plan.h): the driver of the planner's
 * modules, which record operations and findings through planner.c.
 *
 * Per Deployment, plan_deployment() reads the facts (facts.c), lets the
 * decision table of section 2 judge them (decide.c, a pure function),
 * reports the verdict and, when it converts, calls the field mapping of
 * section 3 (mapping.c, which plans the headless Service of section 4 with
 * service.c) and the references of section 5 (refs.c).  The stale-text
 * scan is stale.c.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "decide.h"
#include "detect.h"
#include "facts.h"
#include "mapping.h"
#include "planner.h"
#include "refs.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "safety.h"
#include "source.h"
#include "stale.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* Record the decision about dep (struct decision). */
static void record(struct pctx *c, const struct resource *dep, bool converted, enum code why)
{
	struct decision *d;

	ALLOC_GROW(c->p->dec, c->p->ndec + 1, c->p->adec);
	d = &c->p->dec[c->p->ndec++];
	d->dep = dep;
	d->converted = converted;
	d->reason = why;
	d->dplan = converted ? c->dep : 0;
}

/* Does an update start new pods before the old ones stop?  A kind without a
 * strategy (ReplicaSet, ReplicationController) never replaces its pods;
 * the others roll unless their strategy type is Recreate. */
static bool rolls_over(const struct resource *dep, const struct facts *f)
{
	const struct workload *w = workload_named(dep->kind);

	return w->strategy != STRATEGY_NONE && !ynode_is(ynode_path(f->spec, "strategy", "type", NULL), "Recreate");
}

/* How many replicas share the Deployment's claims: "3 replicas", "up to
 * 4 replicas (HorizontalPodAutoscaler "pg")", or "the one replica". */
static void add_count(struct strbuf *sb, const struct facts *f)
{
	if (f->in.replicas > 1)
		strbuf_addf(sb, "%lld replicas", f->in.replicas);
	else if (f->in.scaled_max > 1)
		strbuf_addf(sb, "up to %lld replicas (%s \"%s\")", f->in.scaled_max, f->scaler->kind,
			    f->scaler->name);
	else
		strbuf_addstr(sb, "the one replica");
}

/* shared-rwx: each writable ReadWriteMany claim of a Deployment left as it
 * is (row), or kept as a shared volume of the StatefulSet (not a template). */
static void explain_rwx(struct pctx *c, const struct resource *dep, const struct facts *f,
			const struct verdict *v, bool row)
{
	struct strbuf n = STRBUF_INIT;
	bool one = f->in.replicas <= 1 && f->in.scaled_max <= 1;

	add_count(&n, f);
	for (size_t i = v->rwx_claim; i < f->in.nclaim; i++) {
		const struct ynode *at = f->use[i].claim;

		if (!decide_claim_writable(&f->claim[i]) || !(f->claim[i].modes & DECIDE_RWX))
			continue;
		if (row)
			plan_note(c, dep, at, CODE_SHARED_RWX,
				  "claim \"%s\" is ReadWriteMany and %s %s of %s \"%s\": left as it is (shared storage is often deliberate; convert it with --all or annotation stsify.dev/convert)",
				  at->text, one ? "mounted by" : "shared by", n.buf, dep->kind, dep->name);
		else
			plan_note(c, dep, at, CODE_SHARED_RWX,
				  "claim \"%s\" is ReadWriteMany: it stays a volume %s %s of StatefulSet \"%s\", not a template (only its other claims become templates; --all makes one of it too)",
				  at->text, one ? "of" : "shared by", n.buf, dep->name);
	}
	strbuf_release(&n);
}

/* The findings of the row of the decision table that applied. */
static void explain_row(struct pctx *c, const struct resource *dep, const struct facts *f,
			const struct verdict *v)
{
	const char *ann = v->chosen ? "stsify.dev/convert" : "stsify.dev/skip";
	const struct ynode *at = f->use[v->claim].claim;

	switch (v->row) {
	case CODE_ANNOTATION:
		plan_note(c, dep, ynode_key_of(ynode_get(f->ann, ann)), CODE_ANNOTATION,
			  "%s \"%s\" is %s: annotation %s is \"true\"", dep->kind, dep->name,
			  v->chosen ? "converted" : "left alone", ann);
		break;
	case CODE_SHARED_RWX:
		explain_rwx(c, dep, f, v, true);
		break;
	case CODE_SHARED_PVC:
		for (size_t i = 0; i < f->in.nclaim; i++) {
			if (!decide_templated(&f->in, v, i))
				continue;
			if (f->in.replicas > 1)
				plan_note(c, dep, f->use[i].claim, CODE_SHARED_PVC,
					  "claim \"%s\" is shared by %lld replicas of %s \"%s\"",
					  f->use[i].claim->text, f->in.replicas, dep->kind, dep->name);
			else
				plan_note(c, dep, f->use[i].claim, CODE_SHARED_PVC,
					  "claim \"%s\" is shared by up to %lld replicas of %s \"%s\" (%s \"%s\")",
					  f->use[i].claim->text, f->in.scaled_max, dep->kind, dep->name,
					  f->scaler->kind, f->scaler->name);
		}
		break;
	case CODE_STATEFUL_DEPLOYMENT:
		if (v->image)
			plan_note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
				  "%s \"%s\" runs stateful image \"%s\" on claim \"%s\": %s", dep->kind,
				  dep->name, v->image, at->text,
				  rolls_over(dep, f)
					  ? "a rolling update starts the new pod before the old one stops, both on the same volume"
					  : "a StatefulSet gives it a stable identity and a claim of its own per replica");
		else
			plan_note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
				  "%s \"%s\" writes to claim \"%s\" (--all)", dep->kind, dep->name, at->text);
		break;
	case CODE_SINGLE_REPLICA_PVC:
		plan_note(c, dep, at, CODE_SINGLE_REPLICA_PVC,
			  "%s \"%s\" has one replica on claim \"%s\": left as it is (convert it with --all or annotation stsify.dev/convert)",
			  dep->kind, dep->name, at->text);
		break;
	default:	/* not-selected: no finding */
		break;
	}
	if (v->chosen && v->rwx && !v->template_rwx)
		explain_rwx(c, dep, f, v, false);
}

/* The finding of what left a Deployment chosen for conversion as it is
 * (merge keys, an alias, no selector), or of the alias that hides the
 * volumes of one that was not judged. */
static void explain_stop(struct pctx *c, const struct resource *dep, const struct facts *f,
			 const struct verdict *v)
{
	const struct ynode *a;

	switch (v->stop) {
	case DECIDE_MERGE_KEYS:
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_UNSUPPORTED_ALIAS,
			  "%s \"%s\" uses merge keys (<<): left as it is, convert it by hand",
			  dep->kind, dep->name);
		break;
	case DECIDE_ALIAS:
		facts_report_alias(c, dep, f);
		break;
	case DECIDE_NO_SELECTOR:
		plan_note(c, dep, f->spec, CODE_NO_SELECTOR,
			  "%s \"%s\" has neither a selector nor pod template labels: left as it is",
			  dep->kind, dep->name);
		break;
	case DECIDE_AMBIGUOUS:	/* facts.c said which claim */
		break;
	case DECIDE_CLAIM_NOT_FOUND:
		for (size_t i = v->missing; i < f->in.nclaim; i++)
			if (decide_templated(&f->in, v, i) && !f->claim[i].found)
				mapping_claim_not_found(c, dep, &f->use[i]);
		break;
	case DECIDE_GO:
		if (v->reason == CODE_NO_WRITABLE_CLAIM &&
		    (a = plan_alias_read(ynode_get(f->podspec, "volumes"), false)))
			plan_note(c, dep, a, CODE_UNSUPPORTED_ALIAS,
				  "%s \"%s\" takes its volumes through an alias: not judged, check its claims by hand",
				  dep->kind, dep->name);
		break;
	}
}

/* A new Deployment plan for dep (c->dep), with its operations. */
static void convert(struct pctx *c, const struct resource *dep, const struct facts *f,
		    const struct verdict *v)
{
	struct claim_use *cu;
	size_t ncu = facts_templates(f, v, &cu);
	struct dplan *d;

	ALLOC_GROW(c->p->d, c->p->nd + 1, c->p->ad);
	c->dep = c->p->nd++;
	d = &c->p->d[c->dep];
	memset(d, 0, sizeof(*d));
	d->dep = dep;
	d->sts = xstrdup(dep->name);
	mapping_convert(c, dep, cu, ncu);
	safety_check(c, dep, f, v, cu, ncu);
	mapping_data_path(c, dep, cu, ncu);
	refs_retarget_scalers(c, dep);
	refs_retarget_kustomize(c, dep);
	mapping_convert_patches(c, dep);
	if (c->opt->claims_in_repo && d->nclaim)
		refs_list_claims_file(c, dep);
	free(cu);
}

/* A root build renders dep with more replicas (rules.h): judge it so. */
static const struct build_need *build_need(struct pctx *c, const struct resource *dep,
					   const struct workload *report, struct facts *f, long long *was)
{
	const struct workload *w = workload_named(dep->kind);
	const struct build_need *need;

	if (report || !c->ru->nneed || !w || w->action != WORKLOAD_CONVERT)
		return NULL;
	need = rules_build_need(c->ru, c->in[dep->in].src->path, dep->ns, dep->name);
	if (!need || (need->replicas <= f->in.replicas && !need->claims_added))
		return NULL;
	if (need->claims_added)
		facts_read_rest(c, dep, f);	/* (a Deployment without a claim is read no further) */
	*was = f->in.replicas;
	if (need->replicas > f->in.replicas)
		f->in.replicas = need->replicas;
	return need;
}

/*
 * Every build that renders dep converts it for a claim that a patch of
 * the build adds (rules.h: claims_added): convert it without a template of
 * its own (the patch gets the template: truth.h), unless an annotation or
 * --select/--exclude says otherwise.
 */
static void force_build_claims(struct pctx *c, const struct resource *dep, const struct build_need *need,
			       const struct facts *f, struct verdict *v, long long need_was)
{
	bool many = strchr(need->builds, ',') != NULL;

	if ((f->in.skip && decide_truthy(f->in.skip)) || !rules_selected(c->ru, dep->name) ||
	    v->stop != DECIDE_GO || f->in.nclaim || !f->in.selector || !f->in.pod_template || f->in.merge_keys ||
	    f->in.alias)
		return;
	v->convert = true;
	v->chosen = true;
	v->row = v->reason = CODE_SHARED_PVC;
	plan_note(c, dep, dep->node, CODE_BUILD_DECIDES,
		  "%s \"%s\" is converted for build%s %s, which render%s it with a claim that %s patch adds "
		  "and %lld replicas%s%.0lld%s: every build that includes it gets the StatefulSet, "
		  "and the patch the claim template",
		  dep->kind, dep->name, many ? "s" : "", need->builds, many ? "" : "s", many ? "their" : "its",
		  f->in.replicas, need_was != f->in.replicas ? " (its source says " : "",
		  need_was != f->in.replicas ? need_was : 0, need_was != f->in.replicas ? ")" : "");
}

/*
 * The decision table of DESIGN.md section 2 (decide.h) for one workload,
 * its findings, and its conversion.  report: the row whose code reports it
 * instead, never converted (a Rollout's, or for an object of Template
 * tmpl the Template's: detect.h), or NULL.
 */
static void plan_deployment(struct pctx *c, const struct resource *dep, const struct workload *report,
			    const struct resource *tmpl)
{
	size_t first = c->rep->n;
	const struct build_need *need;
	long long need_was;
	struct facts f;
	struct verdict v;

	c->owner = c->p->nd + 1;	/* the index it gets if it is converted */
	facts_read(c, dep, &f);
	safety_register(c, dep, &f);
	if (tmpl)
		detect_template_facts(tmpl, &f);
	need_was = f.in.replicas;
	need = build_need(c, dep, report, &f, &need_was);
	decide(&f.in, c->opt, c->ru, &v);
	if (report) {
		if (v.chosen)
			detect_explain(c, dep, &f, &v, report, tmpl);
		v.reason = v.chosen ? report->code : v.reason;
		v.convert = false;
	} else {
		if (v.row != CODE__COUNT)
			explain_row(c, dep, &f, &v);
		explain_stop(c, dep, &f, &v);
	}
	if (need && need->claims_added && !v.convert && !report)
		force_build_claims(c, dep, need, &f, &v, need_was);
	else if (need && v.convert && v.row == CODE_SHARED_PVC && f.in.replicas > need_was)
		plan_note(c, dep, dep->node, CODE_BUILD_DECIDES,
			  "%s \"%s\" is converted for build%s %s, which render%s it with %lld replicas "
			  "(its source says %lld): every build that includes it gets the StatefulSet",
			  dep->kind, dep->name, strchr(need->builds, ',') ? "s" : "", need->builds,
			  strchr(need->builds, ',') ? "" : "s", f.in.replicas, need_was);
	if (v.convert)
		convert(c, dep, &f, &v);
	record(c, dep, v.convert, v.reason);
	/* only a converted Deployment can be abandoned later */
	for (size_t i = first; !v.convert && i < c->rep->n; i++)
		c->rep->f[i].owner = 0;
	c->owner = 0;
	facts_release(&f);
}

/* The workloads among the objects of Template tmpl (row w), reported. */
static void plan_template(struct pctx *c, const struct workload *w, const struct resource *tmpl)
{
	const struct resource **obj;
	size_t n = detect_objects(c, tmpl, &obj);

	for (size_t i = 0; i < n; i++)
		plan_deployment(c, obj[i], w, tmpl);
	free(obj);
}

char *plan_path_norm(const char *path)
{
	return refs_path_join("", path);
}

void plan_patch_files(const struct plan_input *in, const char *const *path, size_t nin, bool *patch)
{
	refs_patch_files(in, path, nin, patch);
}

/*
 * What deletes a claim whose manifest leaves the repository: an Argo CD
 * Application, a Flux Kustomization or HelmRelease, a Helm chart
 * (Chart.yaml among the inputs); NULL when none of them is there.
 */
static char *managed_by(const struct rindex *ri, const struct plan_input *in, size_t nin)
{
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];

		if (!strcmp(r->kind, "Application") && !strncmp(r->api, "argoproj.io/", 12))
			return xasprintf("Argo CD (Application \"%s\")", r->name);
		if (!strcmp(r->kind, "Kustomization") && !strncmp(r->api, "kustomize.toolkit.fluxcd.io/", 28))
			return xasprintf("Flux (Kustomization \"%s\")", r->name);
		if (!strcmp(r->kind, "HelmRelease"))
			return xasprintf("Flux (HelmRelease \"%s\")", r->name);
	}
	for (size_t i = 0; i < nin; i++) {
		const char *path = in[i].src->path, *base = strrchr(path, '/');

		if (!strcmp(base ? base + 1 : path, "Chart.yaml"))
			return xasprintf("Helm (%s)", path);
	}
	return NULL;
}

struct planner *plan_begin(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
			   const struct rindex *ri, const struct plan_input *in, size_t nin,
			   struct report *rep)
{
	struct pctx *c = xcalloc(1, sizeof(*c));
	size_t akitem = 0;

	c->opt = opt;
	c->ru = ru;
	c->ri = ri;
	c->in = in;
	c->rep = rep;
	c->p = p;
	c->nin = nin;
	memset(p, 0, sizeof(*p));
	p->debug_verify = opt->debug_verify;
	refs_find_patches(c);
	builds_init(&c->bs, in, nin);
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];
		const struct ynode *t = refs_scale_target(r);
		const struct workload *w;

		if (r->list_item && !strcmp(r->kind, "Kustomization") && !in[r->in].skip) {
			ALLOC_GROW(c->kitem, c->nkitem + 1, akitem);
			c->kitem[c->nkitem++] = i;
		}
		if (!r->list_item && (w = workload_named(r->kind)) && w->action == WORKLOAD_CONVERT && r->in < nin &&
		    c->patch[r->in])
			hidx_add(&c->pdeps, hash_str(HASH_INIT, r->name), i);
		if (ynode_is_scalar(t))
			hidx_add(&c->scalers, hash_str(hash_str(HASH_INIT, r->ns), t->text), i);
		else if (!strcmp(r->kind, "Service") &&
			 ynode_is(ynode_path(r->node, "spec", "clusterIP", NULL), "None"))
			hidx_add(&c->services, hash_str(HASH_INIT, r->ns), i);
		else if (!strcmp(r->kind, "PersistentVolumeClaim"))
			hidx_add(&c->pvcs, hash_str(HASH_INIT, r->name), i);
	}
	refs_index_patches(c);
	c->managed = managed_by(ri, in, nin);
	return (struct planner *)c;
}

/* Is input in a strategic-merge patch file? */
static bool is_patch(const struct pctx *c, size_t in)
{
	if (in < c->nin)
		return c->patch[in];
	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].src == c->in[in].src)
			return c->patch[i];
	return false;
}

void plan_one(struct planner *pl, const struct resource *dep)
{
	struct pctx *c = (struct pctx *)pl;

	const struct workload *w = workload_named(dep->kind);

	if (!w || c->in[dep->in].skip || is_patch(c, dep->in))
		return;
	if (w->action == WORKLOAD_CONVERT)
		plan_deployment(c, dep, NULL, NULL);
	else if (!workload_accepts(w, dep->api))
		return;	/* a Rollout or a Template of another API group */
	else if (w->action == WORKLOAD_REPORT)
		plan_deployment(c, dep, w, NULL);
	else
		plan_template(c, w, dep);
}

/* The references to gone StatefulSet r's Deployment follow r, in a
 * Deployment plan of r's own (dropped when there are none). */
static void heal(struct pctx *c, const struct resource *r)
{
	size_t nop = c->p->nop, first = c->rep->n;
	struct dplan *d;

	ALLOC_GROW(c->p->d, c->p->nd + 1, c->p->ad);
	c->dep = c->p->nd++;
	d = &c->p->d[c->dep];
	memset(d, 0, sizeof(*d));
	d->dep = r;
	d->sts = xstrdup(r->name);
	c->owner = c->dep + 1;
	refs_retarget_scalers(c, r);
	refs_retarget_kustomize(c, r);
	mapping_convert_patches(c, r);
	if (c->p->nop != nop || d->nref) {
		plan_note(c, r, ynode_get(r->node, "kind"), CODE_UNFINISHED_CONVERSION,
			  "Deployment \"%s\" is not in the input but StatefulSet \"%s\" is (an interrupted "
			  "stsify -w?): what still named the Deployment now names the StatefulSet",
			  r->name, r->name);
	} else {
		free(d->sts);
		c->p->nd--;
		for (size_t i = first; i < c->rep->n; i++)
			c->rep->f[i].owner = 0;
	}
	c->owner = 0;
}

/* What an interrupted run left: the StatefulSets whose Deployment is
 * gone (refs.h), and the references that still name the Deployment. */
static void heal_all(struct pctx *c)
{
	for (size_t i = 0; i < c->ri->n; i++) {
		const struct resource *r = &c->ri->r[i];

		if (!refs_gone(c, r))
			continue;
		ALLOC_GROW(c->p->gone, c->p->ngone + 1, c->p->agone);
		c->p->gone[c->p->ngone++] = r;
		if (!c->p->partial)
			heal(c, r);
		else if (refs_named(c, r))
			c->p->unsure = true;
	}
}

void plan_partial(struct planner *pl)
{
	((struct pctx *)pl)->p->partial = true;
}

/* Options that apply to claims missing from the input, given to a run
 * that converted workloads but missed no claim: said, once. */
static void unused_options(const struct pctx *c)
{
	const struct stsify_options *o = c->opt;
	bool converted = false;

	for (size_t i = 0; i < c->p->ndec && !converted; i++)
		converted = c->p->dec[i].converted;
	if (!converted || c->p->assumed || (!o->storage_size && !o->storage_class))
		return;
	report_add_at(c->rep, "stsify", 0, 0, CODE_UNUSED_OPTION,
		      "%s%s%s %s not used: %s only to claims missing from the input (or without a size), and "
		      "the converted workloads have none", o->storage_size ? "--storage-size" : "",
		      o->storage_size && o->storage_class ? " and " : "", o->storage_class ? "--storage-class" : "",
		      o->storage_size && o->storage_class ? "were" : "was",
		      o->storage_size && o->storage_class ? "they apply" : "it applies");
}

void plan_end(struct planner *pl)
{
	struct pctx *c = (struct pctx *)pl;

	heal_all(c);
	unused_options(c);
	hidx_release(&c->scalers);
	hidx_release(&c->services);
	hidx_release(&c->pvcs);
	hidx_release(&c->op_node);
	hidx_release(&c->op_parent);
	hidx_release(&c->kp_name);
	hidx_release(&c->pdeps);
	safety_end(c);
	builds_release(&c->bs);
	free(c->svc_owner);
	plan_memo_release(c);
	safety_release(c);
	free(c->kp);
	free(c->kitem);
	free(c->patch);
	free(c->managed);
	free(c);
}

void plan_build(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
		const struct rindex *ri, const struct plan_input *in, size_t nin, struct report *rep)
{
	struct planner *pl = plan_begin(p, opt, ru, ri, in, nin, rep);

	for (size_t i = 0; i < ri->n; i++)
		plan_one(pl, &ri->r[i]);
	plan_end(pl);
	plan_find_stale(p, ru, in, nin, 1, rep);
}

void plan_find_stale(struct plan *p, const struct rules *ru, const struct plan_input *in, size_t nin,
		     unsigned jobs, struct report *rep)
{
	stale_find(p, ru, in, nin, jobs, rep);
}

void plan_abandon(struct plan *p, size_t dep, enum code code)
{
	for (size_t i = 0; i < p->ndec; i++) {
		if (p->dec[i].converted && p->dec[i].dplan == dep) {
			p->dec[i].converted = false;
			p->dec[i].reason = code;
		}
	}
	p->d[dep].failed = true;
	for (size_t i = 0; i < p->nop; i++)
		if (p->op[i].dep == dep)
			p->op[i].kind = OP_NONE;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->nop; i++) {
		free(p->op[i].key);
		val_free(p->op[i].val);
	}
	for (size_t i = 0; i < p->nd; i++) {
		free(p->d[i].sts);
		free(p->d[i].service);
		free(p->d[i].service_file);
		free(p->d[i].service_text);
		for (size_t k = 0; k < p->d[i].nclaim; k++) {
			free(p->d[i].claim[k].volume);
			free(p->d[i].claim[k].claim);
			val_free(p->d[i].claim[k].spec);
			free(p->d[i].claim[k].old_modes);
			for (size_t u = 0; u < p->d[i].claim[k].nuser; u++) {
				free(p->d[i].claim[k].user[u].kind);
				free(p->d[i].claim[k].user[u].name);
				free(p->d[i].claim[k].user[u].path);
			}
			free(p->d[i].claim[k].user);
			claim_builds_free(p->d[i].claim[k].build, p->d[i].claim[k].nbuild);
		}
		free(p->d[i].claim);
		free(p->d[i].ref);
	}
	for (size_t i = 0; i < p->nown; i++)
		free(p->own[i]);
	free(p->own);
	free(p->gone);
	free(p->op);
	free(p->d);
	free(p->dec);
	memset(p, 0, sizeof(*p));
}
