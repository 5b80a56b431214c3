/*
 * service.c - reuse or add the headless Service of a StatefulSet (see
 * service.h; DESIGN.md section 4).
 */
#include "service.h"

#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "facts.h"
#include "planner.h"
#include "render.h"
#include "refs.h"
#include "rindex.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* Are all pairs of selector (a map of scalars) among the labels? */
bool service_selects(const struct ynode *selector, const struct ynode *labels)
{
	if (!selector || selector->kind != YNODE_MAP || !selector->nkid)
		return false;
	for (size_t i = 0; i + 1 < selector->nkid; i += 2) {
		const struct ynode *k = selector->kid[i], *v = selector->kid[i + 1];

		if (!ynode_is_scalar(k) || !ynode_is_scalar(v) ||
		    !ynode_is(ynode_get(labels, k->text), v->text))
			return false;
	}
	return true;
}

/* Is there a Service of that name in dep's scope (planner.h)? */
static bool service_exists(struct pctx *c, const struct resource *dep, const char *name)
{
	enum plan_pick pick;

	plan_find(c, dep->in, "Service", dep->ns, name, &pick, NULL);
	return pick != PLAN_PICK_NONE;
}

enum { OWNER_UNKNOWN = 0, OWNER_NONE = 1, OWNER_TIE = 2, OWNER_FIRST = 3 };

/* The workloads of Service svc's namespace whose pods it selects, but for
 * those in patch files (malloc'd, *n of them). */
static const struct resource **selected(struct pctx *c, const struct resource *svc, size_t *n)
{
	const struct ynode *sel = ynode_path(svc->node, "spec", "selector", NULL);
	const struct resource **cand = NULL;
	size_t alloc = 0;

	*n = 0;
	for (size_t i = 0; i < c->ri->n; i++) {
		const struct resource *r = &c->ri->r[i];

		if (!r->node || !workload_named(r->kind) || strcmp(r->ns, svc->ns) ||
		    (!r->list_item && r->in < c->nin && c->patch[r->in]) ||
		    !service_selects(sel, ynode_path(r->node, "spec", "template", "metadata", "labels", NULL)))
			continue;
		ALLOC_GROW(cand, *n + 1, alloc);
		cand[(*n)++] = r;
	}
	return cand;
}

/*
 * May headless Service svc (object si of the index) be dep's serviceName?
 * Only when dep is the workload it means among those it selects (scoping:
 * planner.h), found once per Service; a tie is reported and reuses none.
 */
static bool service_owned(struct pctx *c, size_t si, const struct resource *dep)
{
	const struct resource *svc = &c->ri->r[si];
	const struct resource **cand;
	const struct resource *owner;
	enum plan_pick pick;
	char *tied = NULL;
	size_t n;

	if (dep < c->ri->r || dep >= c->ri->r + c->ri->n)	/* a Template's object */
		return plan_in_scope(c, svc->in, dep->in);
	if (!c->svc_owner)
		c->svc_owner = xcalloc(c->ri->n, sizeof(*c->svc_owner));
	if (c->svc_owner[si] == OWNER_UNKNOWN) {
		cand = selected(c, svc, &n);
		owner = plan_pick(c, svc->in, cand, n, &pick, NULL);
		c->svc_owner[si] = pick == PLAN_PICK_TIE ? OWNER_TIE
				   : owner		? OWNER_FIRST + (size_t)(owner - c->ri->r)
							: OWNER_NONE;
		free(cand);
	}
	if (c->svc_owner[si] == OWNER_NONE)
		return false;
	if (c->svc_owner[si] != OWNER_TIE) {
		owner = &c->ri->r[c->svc_owner[si] - OWNER_FIRST];
		/* several in the Service's own file: each may have it */
		return owner == dep || (plan_same_file(c, svc->in, owner->in) && plan_same_file(c, svc->in, dep->in));
	}
	cand = selected(c, svc, &n);
	plan_pick(c, svc->in, cand, n, &pick, &tied);
	plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_AMBIGUOUS_REFERENCE,
		  "headless Service \"%s\" selects the pods of workloads in %s, equally near: not reused for \"%s\"",
		  svc->name, tied, dep->name);
	free(tied);
	free(cand);
	return false;
}

/* ports of the new Service: each containerPort once, named when several. */
struct val *service_ports(const struct ynode *podspec)
{
	const struct ynode *cs = ynode_get(podspec, "containers");
	struct val *ports = val_seq();

	for (size_t i = 0; cs && cs->kind == YNODE_SEQ && i < cs->nkid; i++) {
		const struct ynode *ps = ynode_get(cs->kid[i], "ports");

		for (size_t j = 0; ps && ps->kind == YNODE_SEQ && j < ps->nkid; j++) {
			const struct ynode *cp = ynode_get(ps->kid[j], "containerPort");
			const char *proto = ynode_str(ynode_get(ps->kid[j], "protocol"));
			const char *name = ynode_str(ynode_get(ps->kid[j], "name"));
			bool dup = false;
			struct val *p;

			if (ynode_int(cp) <= 0)
				continue;
			if (!proto)
				proto = "TCP";
			for (size_t k = 0; k < ports->n; k++) {
				struct val *q = ports->item[k];
				const char *qp = val_get(q, "protocol") ? val_get(q, "protocol")->str : "TCP";

				if (!strcmp(val_get(q, "port")->str, cp->text) && !strcmp(qp, proto))
					dup = true;
			}
			if (dup)
				continue;
			p = val_map();
			if (name && *name)
				val_set(p, "name", val_str(name));
			val_set(p, "port", val_raw(cp->text));
			if (strcmp(proto, "TCP"))
				val_set(p, "protocol", val_str(proto));
			val_push(ports, p);
		}
	}
	/* a Service with several ports must name each of them */
	for (size_t k = 0; ports->n > 1 && k < ports->n; k++) {
		struct val *q = ports->item[k];

		if (!val_get(q, "name")) {
			struct val *proto = val_get(q, "protocol");
			char *nm = xasprintf("%s-%s", proto ? proto->str : "tcp", val_get(q, "port")->str);

			for (char *s = nm; *s; s++)
				if (*s >= 'A' && *s <= 'Z')
					*s = (char)(*s - 'A' + 'a');
			/* "name" first, as people write it */
			val_insert(q, 0, "name", val_str(nm));
			free(nm);
		}
	}
	return ports;
}

struct val *service_labels(const struct ynode *labels)
{
	struct val *v = val_map();

	for (size_t i = 0; labels && labels->kind == YNODE_MAP && i + 1 < labels->nkid; i += 2)
		if (ynode_is_scalar(labels->kid[i]))
			val_set(v, labels->kid[i]->text, val_from_ynode(labels->kid[i + 1]));
	return v;
}

/* One past the index of a planned Service filed under path, or 0. */
static long long planned_index_end(const struct val *svc, const char *path)
{
	const struct val *ann = val_get(val_get(svc, "metadata"), "annotations");
	const struct val *p = val_get(ann, "config.kubernetes.io/path");
	const struct val *idx = val_get(ann, "config.kubernetes.io/index");

	if (!p || !idx || strcmp(p->str, path))
		return 0;
	return strtoll(idx->str, NULL, 10) + 1;
}

/*
 * KRM orchestrators (kpt) write each item to the file its path annotation
 * names, in the order of its index annotation.  A new Service goes to the
 * Deployment's file with the next free index (one past the highest of that
 * file, Services planned before included) in both the config.kubernetes.io/
 * and the internal.config.kubernetes.io/ keys, as kpt rejects a mismatch or
 * a clash; it gets no id annotation, as it is a copy of no input object.
 * It does get the Deployment's seqindent, so that kpt writes its sequences
 * as the file has them.
 */
static void krm_file_annotations(struct pctx *c, const struct resource *dep, struct val *md)
{
	static const char *const pre[] = { "config.kubernetes.io/", "internal.config.kubernetes.io/" };
	const char *path = rindex_krm_annotation(dep->node, "path"), *seqindent;
	long long next = 0;
	struct val *ann;
	char *num;

	if (!path)
		return;
	c->p->nkrm++;
	for (size_t i = 0; i < c->ri->n; i++) {
		const struct ynode *obj = c->ri->r[i].node;
		const char *p = rindex_krm_annotation(obj, "path"), *idx = rindex_krm_annotation(obj, "index");

		if (p && idx && !strcmp(p, path) && strtoll(idx, NULL, 10) >= next)
			next = strtoll(idx, NULL, 10) + 1;
	}
	for (size_t k = 0; k < c->p->nop; k++) {
		const struct op *o = &c->p->op[k];

		if ((o->kind == OP_INSERT_ITEM || o->kind == OP_ADD_DOC) && planned_index_end(o->val, path) > next)
			next = planned_index_end(o->val, path);
	}
	num = xasprintf("%lld", next);
	ann = val_set(md, "annotations", val_map());
	for (size_t i = 0; i < ARRAY_SIZE(pre); i++) {
		char *kp = xasprintf("%spath", pre[i]), *ki = xasprintf("%sindex", pre[i]);

		val_set(ann, kp, val_str(path));
		val_set(ann, ki, val_str(num));
		free(kp);
		free(ki);
	}
	free(num);
	/* kpt writes sequences "compact" unless told; follow the file */
	seqindent = ynode_str(ynode_get(ynode_path(dep->node, "metadata", "annotations", NULL),
					"internal.config.kubernetes.io/seqindent"));
	if (seqindent && *seqindent)
		val_set(ann, "internal.config.kubernetes.io/seqindent", val_str(seqindent));
}

/* "dir/db.json" -> "dir/db-service.json": the file of the Service of
 * StatefulSet sts beside manifest path (its extension, else .json). */
char *service_file_name(const char *path, const char *sts)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	const char *ext = dot && (!slash || dot > slash) &&
				  (!strcmp(dot, ".json") || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))
			  ? dot
			  : ".json";

	return slash ? xasprintf("%.*s/%s-service%s", (int)(slash - path), path, sts, ext)
		     : xasprintf("%s-service%s", sts, ext);
}

/* Is file (a path as given) one of the inputs? */
static bool is_input(const struct pctx *c, const char *file)
{
	char *want = builds_path_join("", file);
	bool found = false;

	for (size_t i = 0; i < c->nin && !found; i++) {
		char *have = c->in[i].path_norm ? NULL : builds_path_join("", c->in[i].src->path);

		found = !strcmp(want, have ? have : c->in[i].path_norm);
		free(have);
	}
	free(want);
	return found;
}

/* Service svc (taken) as the text of a new file in the style of dep's
 * JSON document: pretty when the document spans lines, its line ending. */
static char *file_text(const struct pctx *c, const struct resource *dep, struct val *svc)
{
	const struct source *src = c->in[dep->in].src;
	const struct ynode *root = c->in[dep->in].ys->doc[dep->doc].root;
	struct strbuf sb = STRBUF_INIT;
	struct style st;

	style_detect(&st, src, &c->in[dep->in].ys->doc[dep->doc]);
	st.json = true;
	render_flow(&sb, &st, svc, memchr(src->buf + root->start, '\n', root->end - root->start) != NULL, 0);
	strbuf_addstr(&sb, st.eol);
	val_free(svc);
	return strbuf_detach(&sb, NULL);
}

/*
 * A JSON document cannot be followed by a second one: with new_files the
 * Service svc (taken) goes into a new file beside it, listed by the
 * kustomizations that list the manifest.  false (service-not-added) when
 * the caller writes no files, or the file is an input already.
 */
static bool new_file(struct pctx *c, const struct resource *dep, struct val *svc, const char *name)
{
	struct dplan *d = &c->p->d[c->dep];
	char *file = c->opt->new_files ? service_file_name(c->in[dep->in].src->path, d->sts) : NULL;
	const char *why = !file		     ? "stsify does not add documents to a JSON file"
			  : is_input(c, file) ? "is an input already"
					      : NULL;

	if (why) {
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_NOT_ADDED,
			  "add a headless Service \"%s\" for StatefulSet \"%s\": %s%s%s%s", name, dep->name,
			  file ? "its new file " : "", file ? file : "", file ? " " : "", why);
		val_free(svc);
		free(file);
		return false;
	}
	refs_list_service_file(c, dep, file);
	d->service_file = file;
	d->service_text = file_text(c, dep, svc);
	return true;
}

/*
 * The headless Service: reuse one that selects the pods, or add one after
 * the StatefulSet (a new document, or a new item when the Deployment is an
 * item of a List).  Returns the serviceName.
 */
char *service_plan(struct pctx *c, const struct resource *dep, const struct ynode *podspec)
{
	const struct ynode *tlabels = ynode_path(dep->node, "spec", "template", "metadata", "labels", NULL);
	const struct ynode *sel = ynode_path(dep->node, "spec", "selector", NULL);
	const struct ynode *match = facts_match_labels(dep);
	struct strbuf name = STRBUF_INIT;
	struct val *svc, *md, *spec, *ports;
	uint64_t h = hash_str(HASH_INIT, dep->ns);

	for (size_t i = hidx_first(&c->services, h); i != HIDX_NONE; i = hidx_next(&c->services, i)) {
		const struct resource *r = &c->ri->r[i];

		if (strcmp(r->kind, "Service") || strcmp(r->ns, dep->ns) ||
		    !ynode_is(ynode_path(r->node, "spec", "clusterIP", NULL), "None") ||
		    !service_selects(ynode_path(r->node, "spec", "selector", NULL), tlabels) ||
		    !service_owned(c, i, dep))
			continue;
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_REUSED,
			  "headless Service \"%s\" selects the pods of \"%s\": it becomes the serviceName",
			  r->name, dep->name);
		return xstrdup(r->name);
	}
	strbuf_addstr(&name, dep->name);
	if (service_exists(c, dep, name.buf))
		strbuf_addstr(&name, "-headless");
	for (int k = 2; service_exists(c, dep, name.buf); k++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s-headless-%d", dep->name, k);
	}
	if (!match || match->kind != YNODE_MAP || !match->nkid) {
		match = tlabels;
		/* (an empty map of labels gets a selector made from them) */
		if (sel && workload_named(dep->kind)->selector == SELECTOR_LABELS)
			plan_note(c, dep, sel, CODE_SERVICE_SELECTOR,
				  "selector of \"%s\" has no matchLabels: Service \"%s\" selects the pod template's labels",
				  dep->name, name.buf);
	}
	svc = val_map();
	val_set(svc, "apiVersion", val_str("v1"));
	val_set(svc, "kind", val_str("Service"));
	md = val_set(svc, "metadata", val_map());
	val_set(md, "name", val_str(name.buf));
	if (dep->ns[0])
		val_set(md, "namespace", val_str(dep->ns));
	val_set(md, "labels", service_labels(match));
	krm_file_annotations(c, dep, md);
	spec = val_set(svc, "spec", val_map());
	val_set(spec, "clusterIP", val_str("None"));
	val_set(spec, "selector", service_labels(match));
	ports = service_ports(podspec);
	if (ports->n)
		val_set(spec, "ports", ports);
	else
		val_free(ports);

	if (dep->list_item) {
		struct op *o = plan_add_op(c, OP_INSERT_ITEM, dep, dep->list_item->parent);

		o->after = dep->list_item;
		o->val = svc;
	} else if (dep->node->style == YSTYLE_FLOW) {
		if (!new_file(c, dep, svc, name.buf))
			return strbuf_detach(&name, NULL);
	} else {
		plan_add_op(c, OP_ADD_DOC, dep, NULL)->val = svc;
	}
	c->p->d[c->dep].service_added = true;
	if (c->p->d[c->dep].service_file)
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_ADDED,
			  "headless Service \"%s\" added for StatefulSet \"%s\" in a new file, %s", name.buf,
			  dep->name, c->p->d[c->dep].service_file);
	else
		plan_note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_ADDED,
			  "headless Service \"%s\" added for StatefulSet \"%s\"", name.buf, dep->name);
	return strbuf_detach(&name, NULL);
}
