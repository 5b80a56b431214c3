/*
 * detect.c - workloads judged, never converted: Argo Rollouts and the
 * objects of OpenShift Templates (see detect.h).
 *
 * A Template's parameters are not filled in: a claim is matched with a
 * PersistentVolumeClaim among the objects by the name as written, and a
 * replica count "${NAME}" or "${{NAME}}" is the parameter's value (none
 * when it has no value: it is then unknown, and not more than one).
 */
#include "detect.h"

#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "facts.h"
#include "planner.h"
#include "rindex.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

static const char *str_or_empty(const struct ynode *n)
{
	const char *s = ynode_str(n);

	return s ? s : "";
}

size_t detect_objects(struct pctx *c, const struct resource *tmpl, const struct resource ***obj)
{
	const struct ynode *objs = ynode_get(tmpl->node, workload_named(tmpl->kind)->objects);
	size_t n = 0, total = objs && objs->kind == YNODE_SEQ ? objs->nkid : 0;

	*obj = xcalloc(total ? total : 1, sizeof(**obj));
	for (size_t i = 0; i < total; i++) {
		const struct ynode *o = objs->kid[i], *md = ynode_get(o, "metadata");
		const char *kind = ynode_str(ynode_get(o, "kind")), *api = ynode_str(ynode_get(o, "apiVersion"));
		const struct workload *w = workload_of(kind, api);
		struct resource *r;

		if (o->kind != YNODE_MAP || !w || w->action == WORKLOAD_TEMPLATE)
			continue;
		r = plan_new_resource(c);
		*r = (struct resource){ .in = tmpl->in, .doc = tmpl->doc, .node = o, .kind = kind, .api = api,
					.name = str_or_empty(ynode_get(md, "name")),
					.ns = str_or_empty(ynode_get(md, "namespace")) };
		(*obj)[n++] = r;
	}
	return n;
}

/* The PersistentVolumeClaim named name among the objects, or NULL. */
static const struct ynode *template_claim(const struct ynode *objs, const char *name)
{
	for (size_t i = 0; objs && objs->kind == YNODE_SEQ && i < objs->nkid; i++)
		if (ynode_is(ynode_get(objs->kid[i], "kind"), "PersistentVolumeClaim") &&
		    ynode_is(ynode_path(objs->kid[i], "metadata", "name", NULL), name))
			return objs->kid[i];
	return NULL;
}

/* The value of parameter reference v ("${NAME}", "${{NAME}}") as a count,
 * or -1 (not a reference, no such parameter, no value, not a number). */
static long long parameter_int(const struct ynode *tmpl, const struct ynode *v)
{
	const struct ynode *ps = ynode_get(tmpl, "parameters");
	const char *t = ynode_str(v);
	size_t len = t ? strlen(t) : 0, skip;

	if (len < 4 || strncmp(t, "${", 2))
		return -1;
	skip = t[2] == '{' ? 3 : 2;
	if (len <= 2 * skip - 1 || strncmp(t + len - (skip - 1), "}}", skip - 1))
		return -1;
	for (size_t i = 0; ps && ps->kind == YNODE_SEQ && i < ps->nkid; i++) {
		const char *name = ynode_str(ynode_get(ps->kid[i], "name"));

		if (name && strlen(name) == len - 2 * skip + 1 && !strncmp(name, t + skip, len - 2 * skip + 1))
			return ynode_int(ynode_get(ps->kid[i], "value"));
	}
	return -1;
}

void detect_template_facts(const struct resource *tmpl, struct facts *f)
{
	const struct ynode *objs = ynode_get(tmpl->node, workload_named(tmpl->kind)->objects);
	long long n;

	for (size_t i = 0; i < f->in.nclaim; i++) {
		const struct ynode *pvc;

		if (f->claim[i].found || !(pvc = template_claim(objs, f->claim[i].name)))
			continue;
		f->claim[i].found = true;
		f->claim[i].modes = facts_modes(ynode_path(pvc, "spec", "accessModes", NULL));
		f->use[i].rwx = !!(f->claim[i].modes & DECIDE_RWX);
	}
	if (f->in.nclaim && (n = parameter_int(tmpl->node, ynode_get(f->spec, "replicas"))) >= 0)
		f->in.replicas = n;
}

/* A claim the replicas share (the shared-pvc row), at each writable claim. */
static void explain_shared(struct pctx *c, const struct resource *dep, const struct facts *f,
			   const struct workload *w, const char *where)
{
	for (size_t i = 0; i < f->in.nclaim; i++) {
		const struct ynode *at = f->use[i].claim;

		if (!decide_claim_writable(&f->claim[i]))
			continue;
		if (f->in.replicas > 1)
			plan_note(c, dep, at, w->code, "claim \"%s\" is shared by %lld replicas of %s \"%s\"%s: not converted, %s",
				  at->text, f->in.replicas, dep->kind, dep->name, where, w->why);
		else
			plan_note(c, dep, at, w->code,
				  "claim \"%s\" is shared by up to %lld replicas of %s \"%s\"%s (%s \"%s\"): not converted, %s",
				  at->text, f->in.scaled_max, dep->kind, dep->name, where, f->scaler->kind,
				  f->scaler->name, w->why);
	}
}

void detect_explain(struct pctx *c, const struct resource *dep, const struct facts *f,
		    const struct verdict *v, const struct workload *w, const struct resource *tmpl)
{
	char *where = tmpl ? xasprintf(" in %s \"%s\"", tmpl->kind, tmpl->name) : xstrdup("");
	const struct ynode *at = f->use[v->claim].claim;

	if (v->row == CODE_SHARED_PVC)
		explain_shared(c, dep, f, w, where);
	else if (v->row == CODE_STATEFUL_DEPLOYMENT && v->image)
		plan_note(c, dep, at, w->code, "%s \"%s\"%s runs stateful image \"%s\" on claim \"%s\": not converted, %s",
			  dep->kind, dep->name, where, v->image, at->text, w->why);
	else if (v->row == CODE_STATEFUL_DEPLOYMENT)
		plan_note(c, dep, at, w->code, "%s \"%s\"%s writes to claim \"%s\" (--all): not converted, %s",
			  dep->kind, dep->name, where, at->text, w->why);
	else
		plan_note(c, dep, ynode_key_of(ynode_get(f->ann, "stsify.dev/convert")), w->code,
			  "%s \"%s\"%s has annotation stsify.dev/convert: not converted, %s", dep->kind, dep->name,
			  where, w->why);
	free(where);
}
