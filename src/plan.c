/*
 * plan.c - decide, per Deployment, whether and how it becomes a StatefulSet
 * (DESIGN.md sections 2-5; see plan.h).
 *
 * The decision table of section 2 is plan_deployment(); the field mapping
 * of section 3 is convert(); the headless Service of section 4 is
 * plan_service(); the references of section 5 are retarget().
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* A patch target of a kustomization: document doc of input in, the
 * list (patches or patchesJson6902) and the item. */
struct kpatch {
	size_t in, doc, list, item;
};

struct pctx {
	const struct stsify_options *opt;
	const struct rules *ru;
	const struct rindex *ri;
	const struct plan_input *in;
	struct report *rep;
	struct plan *p;
	size_t nin;
	size_t dep;		/* index of the current dplan */
	size_t owner;		/* findings belong to Deployment plan owner - 1 */
	bool *patch;		/* per input: a Kustomize strategic-merge patch file */
	const struct resource *res;
	/*
	 * Indexes built once by plan_begin(), so that planning a Deployment
	 * does not walk every object of the input (their chains are in
	 * index order, as the walks were):
	 */
	struct hidx scalers;	/* autoscalers by namespace and target name */
	struct hidx services;	/* headless Services by namespace */
	struct hidx pvcs;	/* PersistentVolumeClaims by name */
	struct kpatch *kp;	/* patch targets of kustomizations, in order */
	size_t nkp;
	struct hidx kp_name;	/* kp[] by target name */
	struct hidx op_node;	/* ops by node */
	struct hidx op_parent;	/* removals by the parent of their node */
	size_t *kitem;		/* Kustomizations that are List items (ri index) */
	size_t nkitem;
	struct hidx pdeps;	/* Deployments in strategic-merge patch files, by name */
};

/* One pod volume backed by a writable claim. */
struct claim_use {
	const struct ynode *volume;	/* the item of template.spec.volumes */
	const char *volname;
	const struct ynode *claim;	/* the claimName scalar */
	const struct resource *pvc;	/* NULL when not in the input */
	bool rwx;
};

static const char *const deployment_apis[] = {
	"apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1",
};

static struct finding *note(struct pctx *c, const struct resource *r, const struct ynode *at,
			    enum code code, const char *fmt, ...)
	ATTR_PRINTF(5, 6);

static struct finding *note(struct pctx *c, const struct resource *r, const struct ynode *at,
			    enum code code, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = report_vadd(c->rep, c->in[r->in].src, at ? at->start : r->node->start, code, fmt, ap);
	va_end(ap);
	finding_set_resource(f, r->kind, r->ns[0] ? r->ns : NULL, r->name);
	f->owner = c->owner;
	return f;
}

static struct op *add_op(struct pctx *c, enum op_kind kind, const struct resource *r,
			 const struct ynode *node)
{
	struct op *o;

	ALLOC_GROW(c->p->op, c->p->nop + 1, c->p->aop);
	o = &c->p->op[c->p->nop++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->in = r->in;
	o->doc = r->doc;
	o->node = node;
	o->dep = c->dep;
	hidx_add(&c->op_node, hash_ptr(node), c->p->nop - 1);
	if (kind == OP_REMOVE && node && node->parent)
		hidx_add(&c->op_parent, hash_ptr(node->parent), c->p->nop - 1);
	return o;
}

/* Is there an operation of this kind on node n? */
static bool has_op(const struct pctx *c, enum op_kind kind, const struct ynode *n)
{
	for (size_t i = hidx_first(&c->op_node, hash_ptr(n)); i != HIDX_NONE; i = hidx_next(&c->op_node, i))
		if (c->p->op[i].kind == kind && c->p->op[i].node == n)
			return true;
	return false;
}

/* Set a scalar; a node already set (a reference shared by two Deployments
 * of the same name in different folders) is set once. */
static void add_ref(struct pctx *c, const struct resource *r, const struct ynode *at)
{
	struct dplan *d = &c->p->d[c->dep];
	struct ref_plan *rp;

	ALLOC_GROW(d->ref, d->nref + 1, d->aref);
	rp = &d->ref[d->nref++];
	rp->in = r->in;
	rp->kind = r->kind;
	rp->name = r->name;
	rp->at = at;
}

static void set_scalar(struct pctx *c, const struct resource *r, const struct ynode *n,
		       const char *value)
{
	if (has_op(c, OP_SET, n))
		return;
	add_op(c, OP_SET, r, n)->val = val_raw(value);
}

static bool is_removed(const struct pctx *c, const struct ynode *n)
{
	return has_op(c, OP_REMOVE, n);
}

/*
 * Remove n (a map value, with its key, or a sequence item).  When that
 * empties its parent collection, remove the parent instead, unless the
 * parent is one of the `keep` nodes (the object, its spec...).
 */
static void remove_node(struct pctx *c, const struct resource *r, const struct ynode *n,
			const struct ynode *const *keep)
{
	const struct ynode *parent = n->parent;
	size_t removed = 0, total;

	if (is_removed(c, n))
		return;
	add_op(c, OP_REMOVE, r, n);
	if (!parent || !parent->parent)
		return;
	for (const struct ynode *const *k = keep; *k; k++)
		if (*k == parent)
			return;
	total = ynode_count(parent);
	for (size_t i = 0; i < parent->nkid; i++)
		if ((parent->kind == YNODE_SEQ || (i & 1)) && is_removed(c, parent->kid[i]))
			removed++;
	if (removed < total)
		return;
	for (size_t i = hidx_first(&c->op_parent, hash_ptr(parent)); i != HIDX_NONE;
	     i = hidx_next(&c->op_parent, i))
		if (c->p->op[i].kind == OP_REMOVE && c->p->op[i].node->parent == parent)
			c->p->op[i].kind = OP_NONE;
	remove_node(c, r, parent, keep);
}

static bool truthy(const struct ynode *n)
{
	return ynode_is(n, "true") || ynode_is(n, "True") || ynode_is(n, "TRUE");
}

/* Any merge key inside n (or, with aliases, any alias or anchor)? */
static bool has_alias(const struct ynode *n, bool aliases)
{
	if (!n)
		return false;
	if (aliases && (n->kind == YNODE_ALIAS || n->anchored))
		return true;
	if (n->kind == YNODE_MAP)
		for (size_t i = 0; i < n->nkid; i += 2)
			if (ynode_is(n->kid[i], "<<") && n->kid[i]->style == YSTYLE_PLAIN)
				return true;
	for (size_t i = 0; i < n->nkid; i++)
		if (has_alias(n->kid[i], aliases))
			return true;
	return false;
}

/*
 * (The span tree marks the documents that hold an alias or a merge key:
 * has_alias(n, false) is false for the others without a walk.)
 *
 * The first alias among the parts of a Deployment's spec that stsify reads
 * or copies (a container's other fields, such as env, are neither), or of a
 * claim's spec.  The span tree does not follow aliases: a value read or
 * copied through one would be wrong (a claim's size, a Service's selector).
 */
static const struct ynode *alias_read(const struct ynode *n, bool container)
{
	static const char *const read[] = { "name", "image", "ports", "volumeMounts", "volumeDevices" };
	const struct ynode *a;

	if (!n)
		return NULL;
	if (n->kind == YNODE_ALIAS)
		return n;
	for (size_t i = 0; i < n->nkid; i++) {
		const struct ynode *k = n->kind == YNODE_MAP && !(i & 1) ? n->kid[i] : NULL;
		bool kept = !container;

		if (n->kind == YNODE_MAP && !(i & 1)) {
			if (k->kind == YNODE_ALIAS)
				return k;
			continue;
		}
		k = n->kind == YNODE_MAP ? n->kid[i - 1] : NULL;
		for (size_t j = 0; container && k && j < ARRAY_SIZE(read); j++)
			kept |= ynode_is(k, read[j]);
		if (!kept)
			continue;
		if (k && (ynode_is(k, "containers") || ynode_is(k, "initContainers")) &&
		    n->kid[i]->kind == YNODE_SEQ) {
			for (size_t j = 0; j < n->kid[i]->nkid; j++)
				if ((a = alias_read(n->kid[i]->kid[j], true)))
					return a;
			continue;
		}
		if ((a = alias_read(n->kid[i], false)))
			return a;
	}
	return NULL;
}

/* Report the first alias stsify would read through (see alias_read). */
static bool aliases_read(struct pctx *c, const struct resource *dep, const struct ynode *spec,
			 const struct claim_use *cu, size_t ncu)
{
	const struct ynode *a = alias_read(spec, false);

	if (a) {
		note(c, dep, a, CODE_UNSUPPORTED_ALIAS,
		     "Deployment \"%s\" reads a value through an alias: left as it is, convert it by hand",
		     dep->name);
		return true;
	}
	for (size_t i = 0; i < ncu; i++) {
		const struct ynode *pspec = cu[i].pvc ? ynode_get(cu[i].pvc->node, "spec") : NULL;

		if (!(a = alias_read(pspec, false)) && has_alias(pspec, false))
			a = pspec;
		if (a) {
			note(c, cu[i].pvc, a, CODE_UNSUPPORTED_ALIAS,
			     "claim \"%s\" uses an alias or a merge key (<<) in its spec: Deployment \"%s\" is left as it is, convert it by hand",
			     cu[i].claim->text, dep->name);
			return true;
		}
	}
	return false;
}

/* Does some container of the pod mount (or attach) volume `name` writably? */
static bool mounted_writable(const struct ynode *podspec, const char *name)
{
	static const char *const lists[] = { "containers", "initContainers" };
	bool any = false, writable = false;

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const struct ynode *cs = ynode_get(podspec, lists[l]);

		for (size_t i = 0; cs && cs->kind == YNODE_SEQ && i < cs->nkid; i++) {
			const struct ynode *ms = ynode_get(cs->kid[i], "volumeMounts");
			const struct ynode *ds = ynode_get(cs->kid[i], "volumeDevices");

			for (size_t j = 0; ms && ms->kind == YNODE_SEQ && j < ms->nkid; j++) {
				if (!ynode_is(ynode_get(ms->kid[j], "name"), name))
					continue;
				any = true;
				if (!truthy(ynode_get(ms->kid[j], "readOnly")))
					writable = true;
			}
			for (size_t j = 0; ds && ds->kind == YNODE_SEQ && j < ds->nkid; j++)
				if (ynode_is(ynode_get(ds->kid[j], "name"), name))
					any = writable = true;
		}
	}
	return any && writable;
}

static bool has_mode(const struct ynode *modes, const char *mode)
{
	for (size_t i = 0; modes && modes->kind == YNODE_SEQ && i < modes->nkid; i++)
		if (ynode_is(modes->kid[i], mode))
			return true;
	return false;
}

static const struct ynode *pvc_modes(const struct resource *pvc)
{
	return pvc ? ynode_path(pvc->node, "spec", "accessModes", NULL) : NULL;
}

/* The writable claims of the pod template; returns how many. */
static size_t writable_claims(struct pctx *c, const struct resource *dep,
			      const struct ynode *podspec, struct claim_use **out)
{
	const struct ynode *vols = ynode_get(podspec, "volumes");
	struct claim_use *cu = NULL;
	size_t n = 0, alloc = 0;

	for (size_t i = 0; vols && vols->kind == YNODE_SEQ && i < vols->nkid; i++) {
		const struct ynode *v = vols->kid[i];
		const struct ynode *pvcn = ynode_get(v, "persistentVolumeClaim");
		const struct ynode *claim = ynode_get(pvcn, "claimName");
		const struct ynode *name = ynode_get(v, "name");
		const struct resource *pvc;
		const struct ynode *modes;

		if (!ynode_is_scalar(claim) || !claim->tlen || !ynode_is_scalar(name) || !name->tlen)
			continue;
		if (truthy(ynode_get(pvcn, "readOnly")) || !mounted_writable(podspec, name->text))
			continue;
		pvc = rindex_find_named(c->ri, "PersistentVolumeClaim", dep->ns, claim->text);
		modes = pvc_modes(pvc);
		if (ynode_count(modes) && has_mode(modes, "ReadOnlyMany") &&
		    !has_mode(modes, "ReadWriteOnce") && !has_mode(modes, "ReadWriteMany") &&
		    !has_mode(modes, "ReadWriteOncePod"))
			continue;
		ALLOC_GROW(cu, n + 1, alloc);
		cu[n].volume = v;
		cu[n].volname = name->text;
		cu[n].claim = claim;
		cu[n].pvc = pvc;
		cu[n].rwx = has_mode(modes, "ReadWriteMany");
		n++;
	}
	*out = cu;
	return n;
}

/* The target name of an autoscaler (its namespace comes from r). */
static const struct ynode *scale_target(const struct resource *r)
{
	if (!strcmp(r->kind, "HorizontalPodAutoscaler") || !strcmp(r->kind, "ScaledObject"))
		return ynode_path(r->node, "spec", "scaleTargetRef", "name", NULL);
	if (!strcmp(r->kind, "VerticalPodAutoscaler"))
		return ynode_path(r->node, "spec", "targetRef", "name", NULL);
	return NULL;
}

/*
 * The autoscalers that may target dep, in index order: those whose target
 * name is dep's (c->scalers), or every autoscaler when dep went by other
 * names (Kustomize's previousNames: rindex_named()).  Start with HIDX_NONE;
 * returns HIDX_NONE at the end.
 */
static size_t next_scaler(const struct pctx *c, const struct resource *dep, size_t i)
{
	if (ynode_get(ynode_path(dep->node, "metadata", "annotations", NULL),
		      "internal.config.kubernetes.io/previousNames")) {
		for (i = i == HIDX_NONE ? 0 : i + 1; i < c->ri->n; i++)
			if (ynode_is_scalar(scale_target(&c->ri->r[i])))
				return i;
		return HIDX_NONE;
	}
	if (i == HIDX_NONE)
		return hidx_first(&c->scalers, hash_str(hash_str(HASH_INIT, dep->ns), dep->name));
	return hidx_next(&c->scalers, i);
}

/* The largest replica count an autoscaler of the Deployment allows, and the
 * autoscaler (HorizontalPodAutoscaler or KEDA ScaledObject), if any. */
static long long autoscaled_max(struct pctx *c, const struct resource *dep,
				const struct resource **by)
{
	long long best = -1;

	*by = NULL;
	for (size_t i = next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *ref = ynode_path(r->node, "spec", "scaleTargetRef", NULL);
		const struct ynode *kind = ynode_get(ref, "kind");
		long long max;

		if (strcmp(r->ns, dep->ns) || !rindex_named(dep, ynode_str(ynode_get(ref, "name"))))
			continue;
		if (!strcmp(r->kind, "HorizontalPodAutoscaler") && ynode_is(kind, "Deployment")) {
			max = ynode_int(ynode_path(r->node, "spec", "maxReplicas", NULL));
		} else if (!strcmp(r->kind, "ScaledObject") && (!kind || ynode_is(kind, "Deployment"))) {
			const struct ynode *m = ynode_path(r->node, "spec", "maxReplicaCount", NULL);

			max = m ? ynode_int(m) : 100;	/* KEDA's default */
		} else {
			continue;
		}
		if (max > best) {
			best = max;
			*by = r;
		}
	}
	return best;
}

static const char *stateful_image(struct pctx *c, const struct ynode *podspec)
{
	const struct ynode *cs = ynode_get(podspec, "containers");

	for (size_t i = 0; cs && cs->kind == YNODE_SEQ && i < cs->nkid; i++) {
		const char *img = ynode_str(ynode_get(cs->kid[i], "image"));

		if (img && rules_stateful_image(c->ru, img))
			return img;
	}
	return NULL;
}

/* Are all pairs of selector (a map of scalars) among the labels? */
static bool selects(const struct ynode *selector, const struct ynode *labels)
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

static bool service_exists(struct pctx *c, const char *ns, const char *name)
{
	return rindex_find(c->ri, "Service", ns, name) != NULL;
}

/* ports of the new Service: each containerPort once, named when several. */
static struct val *service_ports(const struct ynode *podspec)
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

static struct val *labels_val(const struct ynode *labels)
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

/*
 * The headless Service: reuse one that selects the pods, or add one after
 * the StatefulSet (a new document, or a new item when the Deployment is an
 * item of a List).  Returns the serviceName.
 */
static char *plan_service(struct pctx *c, const struct resource *dep, const struct ynode *podspec)
{
	const struct ynode *tlabels = ynode_path(dep->node, "spec", "template", "metadata", "labels", NULL);
	const struct ynode *sel = ynode_path(dep->node, "spec", "selector", NULL);
	const struct ynode *match = ynode_get(sel, "matchLabels");
	struct strbuf name = STRBUF_INIT;
	struct val *svc, *md, *spec, *ports;
	uint64_t h = hash_str(HASH_INIT, dep->ns);

	for (size_t i = hidx_first(&c->services, h); i != HIDX_NONE; i = hidx_next(&c->services, i)) {
		const struct resource *r = &c->ri->r[i];

		if (strcmp(r->kind, "Service") || strcmp(r->ns, dep->ns) ||
		    !ynode_is(ynode_path(r->node, "spec", "clusterIP", NULL), "None") ||
		    !selects(ynode_path(r->node, "spec", "selector", NULL), tlabels))
			continue;
		note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_REUSED,
		     "headless Service \"%s\" selects the pods of \"%s\": it becomes the serviceName",
		     r->name, dep->name);
		return xstrdup(r->name);
	}
	strbuf_addstr(&name, dep->name);
	if (service_exists(c, dep->ns, name.buf))
		strbuf_addstr(&name, "-headless");
	for (int k = 2; service_exists(c, dep->ns, name.buf); k++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s-headless-%d", dep->name, k);
	}
	if (!match || match->kind != YNODE_MAP || !match->nkid) {
		match = tlabels;
		if (sel)
			note(c, dep, sel, CODE_SERVICE_SELECTOR,
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
	val_set(md, "labels", labels_val(match));
	krm_file_annotations(c, dep, md);
	spec = val_set(svc, "spec", val_map());
	val_set(spec, "clusterIP", val_str("None"));
	val_set(spec, "selector", labels_val(match));
	ports = service_ports(podspec);
	if (ports->n)
		val_set(spec, "ports", ports);
	else
		val_free(ports);

	if (dep->list_item) {
		struct op *o = add_op(c, OP_INSERT_ITEM, dep, dep->list_item->parent);

		o->after = dep->list_item;
		o->val = svc;
	} else if (dep->node->style == YSTYLE_FLOW) {
		note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_NOT_ADDED,
		     "add a headless Service \"%s\" for StatefulSet \"%s\": stsify does not add documents to a JSON file",
		     name.buf, dep->name);
		val_free(svc);
		return strbuf_detach(&name, NULL);
	} else {
		add_op(c, OP_ADD_DOC, dep, NULL)->val = svc;
	}
	c->p->d[c->dep].service_added = true;
	note(c, dep, ynode_get(dep->node, "kind"), CODE_SERVICE_ADDED,
	     "headless Service \"%s\" added for StatefulSet \"%s\"", name.buf, dep->name);
	return strbuf_detach(&name, NULL);
}

static const struct ynode *rwx_item(const struct resource *pvc)
{
	const struct ynode *modes = pvc_modes(pvc);

	for (size_t i = 0; modes && modes->kind == YNODE_SEQ && i < modes->nkid; i++)
		if (ynode_is(modes->kid[i], "ReadWriteMany"))
			return modes->kid[i];
	return modes;
}

/* A claim of that name in another namespace: the likely intended one. */
static const struct resource *pvc_elsewhere(struct pctx *c, const char *name)
{
	uint64_t h = hash_str(HASH_INIT, name);

	for (size_t i = hidx_first(&c->pvcs, h); i != HIDX_NONE; i = hidx_next(&c->pvcs, i))
		if (!strcmp(c->ri->r[i].kind, "PersistentVolumeClaim") && !strcmp(c->ri->r[i].name, name))
			return &c->ri->r[i];
	return NULL;
}

/* One volumeClaimTemplate from the claim's manifest (or the defaults). */
static struct val *claim_template(struct pctx *c, const struct resource *dep,
				  const struct claim_use *cu, const char *sts)
{
	static const char *const keep[] = {
		"accessModes", "storageClassName", "resources", "volumeMode", "dataSource", "dataSourceRef",
	};
	struct val *t = val_map(), *md, *spec;
	const struct ynode *pspec = cu->pvc ? ynode_get(cu->pvc->node, "spec") : NULL;

	md = val_set(t, "metadata", val_map());
	val_set(md, "name", val_str(cu->volname));
	spec = val_set(t, "spec", val_map());
	if (!cu->pvc) {
		const struct resource *other = pvc_elsewhere(c, cu->claim->text);
		struct strbuf hint = STRBUF_INIT;

		if (other && dep->ns[0])
			strbuf_addf(&hint, " (a claim of that name is in namespace \"%s\", not in \"%s\")",
				    other->ns[0] ? other->ns : "(none)", dep->ns);
		else if (other)
			strbuf_addf(&hint, " (a claim of that name is in namespace \"%s\"; the Deployment sets none)",
				    other->ns);
		note(c, dep, cu->claim, CODE_CLAIM_NOT_FOUND,
		     "claim \"%s\" is not in the input: template \"%s\" asks for %s%s%s%s",
		     cu->claim->text, cu->volname, c->opt->storage_size,
		     c->opt->storage_class ? " of class " : "",
		     c->opt->storage_class ? c->opt->storage_class : "", hint.buf ? hint.buf : "");
		strbuf_release(&hint);
	}
	for (size_t i = 0; pspec && pspec->kind == YNODE_MAP && i + 1 < pspec->nkid; i += 2) {
		const struct ynode *k = pspec->kid[i], *v = pspec->kid[i + 1];
		bool kept = false;

		for (size_t j = 0; j < ARRAY_SIZE(keep); j++)
			kept |= ynode_is(k, keep[j]);
		if (ynode_is(k, "volumeName") || ynode_is(k, "selector")) {
			note(c, cu->pvc, k, CODE_CLAIM_BINDING,
			     "%s of claim \"%s\" is dropped from template \"%s\": one volume cannot back every replica of \"%s\"%s",
			     k->text, cu->claim->text, cu->volname, sts,
			     ynode_is(ynode_get(pspec, "storageClassName"), "")
				     ? "; with storageClassName \"\" each replica's claim binds only a PersistentVolume made for it beforehand"
				     : "");
			continue;
		}
		if (!kept)
			continue;
		if (ynode_is(k, "accessModes") && v->kind == YNODE_SEQ) {
			struct val *modes = val_seq();

			for (size_t j = 0; j < v->nkid; j++) {
				const char *m = ynode_str(v->kid[j]);
				bool dup = false;

				if (!m)
					continue;
				if (!strcmp(m, "ReadWriteMany") && !c->opt->keep_access_modes) {
					note(c, cu->pvc, v->kid[j], CODE_ACCESS_MODE,
					     "template \"%s\" asks for ReadWriteOnce instead of ReadWriteMany: each replica of \"%s\" gets a volume of its own",
					     cu->volname, sts);
					m = "ReadWriteOnce";
				}
				for (size_t q = 0; q < modes->n; q++)
					dup |= !strcmp(modes->item[q]->str, m);
				if (!dup)
					val_push(modes, val_str(m));
			}
			val_set(spec, "accessModes", modes);
			continue;
		}
		val_set(spec, k->text, val_from_ynode(v));
	}
	if (!val_get(spec, "accessModes")) {
		struct val *modes = val_seq();

		val_push(modes, val_str("ReadWriteOnce"));
		val_insert(spec, 0, "accessModes", modes);
	}
	if (!cu->pvc && c->opt->storage_class)
		val_set(spec, "storageClassName", val_str(c->opt->storage_class));
	if (!ynode_path(pspec, "resources", "requests", "storage", NULL)) {
		struct val *res = val_get(spec, "resources"), *req;

		if (!res || res->kind != VAL_MAP)
			res = val_set(spec, "resources", val_map());
		req = val_get(res, "requests");
		if (!req || req->kind != VAL_MAP)
			req = val_set(res, "requests", val_map());
		val_set(req, "storage", val_str(c->opt->storage_size));
	}
	if (cu->rwx && c->opt->keep_access_modes)
		note(c, cu->pvc ? cu->pvc : dep, cu->pvc ? rwx_item(cu->pvc) : cu->claim, CODE_ACCESS_MODE,
		     "template \"%s\" keeps ReadWriteMany, but each replica of \"%s\" still gets a volume of its own",
		     cu->volname, sts);
	return t;
}

/* HPA, VPA and KEDA ScaledObject references follow the Deployment. */
static void retarget(struct pctx *c, const struct resource *dep)
{
	for (size_t i = next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *ref, *kind, *api;
		bool keda = !strcmp(r->kind, "ScaledObject");

		if (strcmp(r->ns, dep->ns))
			continue;
		if (!strcmp(r->kind, "HorizontalPodAutoscaler") || keda)
			ref = ynode_path(r->node, "spec", "scaleTargetRef", NULL);
		else if (!strcmp(r->kind, "VerticalPodAutoscaler"))
			ref = ynode_path(r->node, "spec", "targetRef", NULL);
		else
			continue;
		kind = ynode_get(ref, "kind");
		if (!rindex_named(dep, ynode_str(ynode_get(ref, "name"))) ||
		    !(ynode_is(kind, "Deployment") || (keda && !kind)))
			continue;
		if (ref->kind != YNODE_MAP || has_alias(ref, true)) {
			note(c, r, ref, CODE_UNSUPPORTED_ALIAS,
			     "cannot retarget %s \"%s\" to StatefulSet \"%s\": change its target by hand",
			     r->kind, r->name, dep->name);
			continue;
		}
		if (kind) {
			set_scalar(c, r, kind, "StatefulSet");
		} else {
			if (has_op(c, OP_INSERT_PAIR, ref))
				continue;
			struct op *o = add_op(c, OP_INSERT_PAIR, r, ref);

			o->where = INS_LAST;
			o->key = xstrdup("kind");
			o->val = val_str("StatefulSet");
		}
		api = ynode_get(ref, "apiVersion");
		if (api && ynode_is_scalar(api) && !ynode_is(api, "apps/v1"))
			set_scalar(c, r, api, "apps/v1");
		add_ref(c, r, kind ? kind : ref);
		note(c, r, kind ? kind : ref, CODE_REFERENCE,
		     "%s \"%s\" now targets StatefulSet \"%s\"", r->kind, r->name, dep->name);
	}
}

static bool is_kustomization(const struct plan_input *in, const struct ynode *root)
{
	const char *base = strrchr(in->src->path, '/');

	base = base ? base + 1 : in->src->path;
	return ynode_is(ynode_get(root, "kind"), "Kustomization") || !strcmp(base, "kustomization.yaml") ||
	       !strcmp(base, "kustomization.yml") || !strcmp(base, "Kustomization");
}

static const char *const patch_lists[] = { "patches", "patchesJson6902" };

/* Patch item k of list l of Kustomization r (in file where): follows the
 * Deployment when its target names it. */
static void retarget_patch(struct pctx *c, const struct resource *dep, const struct resource *r,
			   size_t l, size_t k, const char *where)
{
	const struct ynode *t = ynode_get(ynode_get(r->node, patch_lists[l])->kid[k], "target");
	const struct ynode *kind = ynode_get(t, "kind"), *ns = ynode_get(t, "namespace");

	if (!ynode_is(kind, "Deployment") || !ynode_is(ynode_get(t, "name"), dep->name) ||
	    (ns && !ynode_is(ns, dep->ns)) || has_alias(t, true))
		return;
	set_scalar(c, r, kind, "StatefulSet");
	add_ref(c, r, kind);
	note(c, r, kind, CODE_REFERENCE, "%s target of %s now names StatefulSet \"%s\"",
	     patch_lists[l], where, dep->name);
}

/* The patches of Kustomization r (in file where) that target the Deployment. */
static void retarget_patches(struct pctx *c, const struct resource *dep, const struct resource *r,
			     const char *where)
{
	for (size_t l = 0; l < ARRAY_SIZE(patch_lists); l++) {
		const struct ynode *ps = ynode_get(r->node, patch_lists[l]);

		for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++)
			retarget_patch(c, dep, r, l, k, where);
	}
}

/* Kustomize patches whose target names the Deployment follow it. */
static void retarget_kustomize(struct pctx *c, const struct resource *dep)
{
	for (size_t j = hidx_first(&c->kp_name, hash_str(HASH_INIT, dep->name)); j != HIDX_NONE;
	     j = hidx_next(&c->kp_name, j)) {
		size_t i = c->kp[j].in, d = c->kp[j].doc;
		const struct plan_input *in = &c->in[i];
		struct resource r = { .in = i, .doc = d, .node = in->ys->doc[d].root, .kind = "Kustomization",
				      .api = "", .name = in->src->path, .ns = "" };

		retarget_patch(c, dep, &r, c->kp[j].list, c->kp[j].item, in->src->path);
	}
	/* a Kustomization among the items of a List or ResourceList (kpt
	 * passes a kustomization.yaml that has a kind) */
	for (size_t j = 0; j < c->nkitem; j++) {
		const struct resource *r = &c->ri->r[c->kitem[j]];
		const char *path = rindex_krm_annotation(r->node, "path");

		retarget_patches(c, dep, r, path ? path : c->in[r->in].src->path);
	}
}

static void drop(struct pctx *c, const struct resource *dep, const struct ynode *map,
		 const char *key, const struct ynode *const *keep, const char *why)
{
	const struct ynode *v = ynode_get(map, key);

	if (!v)
		return;
	remove_node(c, dep, v, keep);
	note(c, dep, ynode_key_of(v), CODE_DROPPED_FIELD, "%s dropped from StatefulSet \"%s\": %s",
	     key, dep->name, why);
}

/*
 * strategy -> updateStrategy in the mapping spec of r (the object, or a
 * strategic-merge patch of it): Recreate becomes RollingUpdate, maxSurge
 * goes, maxUnavailable goes unless kept; a strategy that empties goes.
 */
static void convert_strategy(struct pctx *c, const struct resource *r, const struct ynode *spec,
			     const struct ynode *const *keep)
{
	const struct ynode *strategy = ynode_get(spec, "strategy");
	const struct ynode *type = ynode_get(strategy, "type");
	const struct ynode *ru = ynode_get(strategy, "rollingUpdate");

	if (!strategy)
		return;
	if (ynode_is(type, "Recreate")) {
		set_scalar(c, r, type, "RollingUpdate");
		note(c, r, type, CODE_UPDATE_STRATEGY,
		     "strategy Recreate becomes updateStrategy RollingUpdate: StatefulSets replace pods one at a time, highest ordinal first");
		if (ru)
			drop(c, r, strategy, "rollingUpdate", keep, "not allowed with Recreate");
	} else if (ru) {
		drop(c, r, ru, "maxSurge", keep, "StatefulSets do not surge");
		if (!c->opt->keep_max_unavailable)
			drop(c, r, ru, "maxUnavailable", keep,
			     "it needs the MaxUnavailableStatefulSet feature gate (keep it with --keep-max-unavailable)");
	}
	/* (strategy itself is not kept: {rollingUpdate: {maxSurge: 1}} empties) */
	if (!is_removed(c, strategy))
		set_scalar(c, r, ynode_key_of(strategy), "updateStrategy");
}

/* Strategic-merge patches of the Deployment (found by find_patches())
 * follow it: kind, apiVersion, strategy and the Deployment-only fields. */
static void convert_patches(struct pctx *c, const struct resource *dep)
{
	for (size_t i = hidx_first(&c->pdeps, hash_str(HASH_INIT, dep->name)); i != HIDX_NONE;
	     i = hidx_next(&c->pdeps, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *spec = ynode_get(r->node, "spec");
		const struct ynode *keep[] = { r->node, spec, ynode_get(r->node, "metadata"), NULL };

		if (strcmp(r->name, dep->name) || (r->ns[0] && strcmp(r->ns, dep->ns)) || has_alias(r->node, true))
			continue;
		set_scalar(c, r, ynode_get(r->node, "kind"), "StatefulSet");
		if (ynode_is_scalar(ynode_get(r->node, "apiVersion")) && !ynode_is(ynode_get(r->node, "apiVersion"), "apps/v1"))
			set_scalar(c, r, ynode_get(r->node, "apiVersion"), "apps/v1");
		if (spec && spec->kind == YNODE_MAP) {
			convert_strategy(c, r, spec, keep);
			drop(c, r, spec, "progressDeadlineSeconds", keep, "StatefulSets have no progress deadline");
			drop(c, r, spec, "paused", keep, "StatefulSets cannot be paused");
		}
		add_ref(c, r, ynode_get(r->node, "kind"));
		note(c, r, ynode_get(r->node, "kind"), CODE_REFERENCE,
		     "strategic-merge patch %s now patches StatefulSet \"%s\"", c->in[r->in].src->path, dep->name);
	}
}

/* The field mapping of DESIGN.md section 3. */
static void convert(struct pctx *c, const struct resource *dep, struct claim_use *cu, size_t ncu)
{
	static const char *const server_set[] = {
		"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
	};
	const struct ynode *root = dep->node;
	const struct ynode *spec = ynode_get(root, "spec"), *md = ynode_get(root, "metadata");
	const struct ynode *tmpl = ynode_get(spec, "template"), *podspec = ynode_get(tmpl, "spec");
	const struct ynode *replicas = ynode_get(spec, "replicas");
	const struct ynode *keep[] = { root, spec, md, tmpl, podspec, NULL };
	struct dplan *d = &c->p->d[c->dep];
	struct val *vcts;
	struct op *o;

	set_scalar(c, dep, ynode_get(root, "kind"), "StatefulSet");
	if (!ynode_is(ynode_get(root, "apiVersion"), "apps/v1")) {
		set_scalar(c, dep, ynode_get(root, "apiVersion"), "apps/v1");
		note(c, dep, ynode_get(root, "apiVersion"), CODE_API_VERSION,
		     "apiVersion %s becomes apps/v1", dep->api);
	}

	/* serviceName right after replicas (or first), then a selector when
	 * an old API version let the Deployment go without one */
	d->service = plan_service(c, dep, podspec);
	o = add_op(c, OP_INSERT_PAIR, dep, spec);
	o->where = replicas ? INS_AFTER : INS_FIRST;
	o->after = replicas ? ynode_key_of(replicas) : NULL;
	o->key = xstrdup("serviceName");
	o->val = val_str(d->service);
	if (!ynode_get(spec, "selector")) {
		struct val *sel = val_map();

		val_set(sel, "matchLabels", labels_val(ynode_path(tmpl, "metadata", "labels", NULL)));
		o = add_op(c, OP_INSERT_PAIR, dep, spec);
		o->where = replicas ? INS_AFTER : INS_FIRST;
		o->after = replicas ? ynode_key_of(replicas) : NULL;
		o->key = xstrdup("selector");
		o->val = sel;
		note(c, dep, ynode_key_of(ynode_path(tmpl, "metadata", "labels", NULL)), CODE_SELECTOR_SYNTHESIZED,
		     "StatefulSet \"%s\" gets selector.matchLabels from the pod template's labels", dep->name);
	}

	/* strategy -> updateStrategy */
	convert_strategy(c, dep, spec, keep);

	drop(c, dep, spec, "progressDeadlineSeconds", keep, "StatefulSets have no progress deadline");
	if (truthy(ynode_get(spec, "paused")))
		note(c, dep, ynode_key_of(ynode_get(spec, "paused")), CODE_PAUSED,
		     "Deployment \"%s\" is paused, but a StatefulSet cannot be: it starts pods as soon as it is applied",
		     dep->name);
	drop(c, dep, spec, "paused", keep, "StatefulSets cannot be paused");
	drop(c, dep, root, "status", keep, "status is written by the cluster");
	drop(c, dep, ynode_get(md, "annotations"), "deployment.kubernetes.io/revision", keep,
	     "it is written by the Deployment controller");
	for (size_t i = 0; i < ARRAY_SIZE(server_set); i++)
		drop(c, dep, md, server_set[i], keep, "it is set by the API server");

	/* the claims leave the pod template and come back as templates */
	vcts = val_seq();
	for (size_t i = 0; i < ncu; i++) {
		struct val *t = claim_template(c, dep, &cu[i], dep->name);
		struct claim_plan *cp;

		remove_node(c, dep, cu[i].volume, keep);
		val_push(vcts, t);
		ALLOC_GROW(d->claim, d->nclaim + 1, d->aclaim);
		cp = &d->claim[d->nclaim++];
		cp->volume = xstrdup(cu[i].volname);
		cp->claim = xstrdup(cu[i].claim->text);
		cp->pvc = cu[i].pvc;
		cp->spec = val_copy(val_get(t, "spec"));
		note(c, cu[i].pvc ? cu[i].pvc : dep,
		     cu[i].pvc ? ynode_path(cu[i].pvc->node, "metadata", "name", NULL) : cu[i].claim,
		     CODE_DATA_MIGRATION,
		     "copy the data of claim \"%s\" to claim \"%s-%s-0\" before StatefulSet \"%s\" starts: pod 0 adopts an existing claim of that name, otherwise it gets a new empty one; keep this claim until then (deleting its manifest from a GitOps repository prunes the claim and its data)",
		     cu[i].pvc ? cu[i].pvc->name : cu[i].claim->text, cu[i].volname, dep->name, dep->name);
	}
	o = add_op(c, OP_INSERT_PAIR, dep, spec);
	o->where = INS_LAST;
	o->key = xstrdup("volumeClaimTemplates");
	o->val = vcts;
	retarget(c, dep);
	retarget_kustomize(c, dep);
	convert_patches(c, dep);
}

static void decide(struct pctx *c, const struct resource *dep, bool converted, enum code why)
{
	struct decision *d;

	ALLOC_GROW(c->p->dec, c->p->ndec + 1, c->p->adec);
	d = &c->p->dec[c->p->ndec++];
	d->dep = dep;
	d->converted = converted;
	d->reason = why;
	d->dplan = converted ? c->dep : 0;
}

/* The decision table of DESIGN.md section 2. */
static void plan_deployment(struct pctx *c, const struct resource *dep)
{
	const struct ynode *spec = ynode_get(dep->node, "spec");
	const struct ynode *podspec = ynode_path(spec, "template", "spec", NULL);
	const struct ynode *ann = ynode_path(dep->node, "metadata", "annotations", NULL);
	const struct ynode *at;
	const struct resource *scaler;
	struct claim_use *cu = NULL;
	size_t ncu, api_ok = 0;
	long long replicas, max;
	const char *img;
	bool rwx = false, go = false;
	enum code why = CODE_NO_WRITABLE_CLAIM;
	size_t first;
	struct dplan *d;

	for (size_t i = 0; i < ARRAY_SIZE(deployment_apis); i++)
		api_ok |= !strcmp(dep->api, deployment_apis[i]);
	c->owner = c->p->nd + 1;	/* the index it gets if it is converted */
	first = c->rep->n;
	/* without a name there is no StatefulSet or Service name to give */
	if (!api_ok || !dep->name[0] || !spec || spec->kind != YNODE_MAP || !podspec ||
	    podspec->kind != YNODE_MAP) {
		decide(c, dep, false, !api_ok ? CODE_API_VERSION : !dep->name[0] ? CODE_NO_NAME : CODE_NO_POD_TEMPLATE);
		return;
	}
	ncu = writable_claims(c, dep, podspec, &cu);
	if (!ncu) {
		const struct ynode *a = alias_read(ynode_get(podspec, "volumes"), false);

		if (a)
			note(c, dep, a, CODE_UNSUPPORTED_ALIAS,
			     "Deployment \"%s\" takes its volumes through an alias: not judged, check its claims by hand",
			     dep->name);
		goto out;
	}
	for (size_t i = 0; i < ncu; i++)
		rwx |= cu[i].rwx;
	at = cu[0].claim;
	replicas = ynode_get(spec, "replicas") ? ynode_int(ynode_get(spec, "replicas")) : 1;
	max = autoscaled_max(c, dep, &scaler);
	img = stateful_image(c, podspec);

	if (truthy(ynode_get(ann, "stsify.dev/skip"))) {
		note(c, dep, ynode_key_of(ynode_get(ann, "stsify.dev/skip")), CODE_ANNOTATION,
		     "Deployment \"%s\" is left alone: annotation stsify.dev/skip is \"true\"", dep->name);
		why = CODE_ANNOTATION;
		goto out;
	}
	if (truthy(ynode_get(ann, "stsify.dev/convert"))) {
		note(c, dep, ynode_key_of(ynode_get(ann, "stsify.dev/convert")), CODE_ANNOTATION,
		     "Deployment \"%s\" is converted: annotation stsify.dev/convert is \"true\"", dep->name);
		why = CODE_ANNOTATION;
		go = true;
	} else if (!rules_selected(c->ru, dep->name)) {
		why = CODE_NOT_SELECTED;
		goto out;
	} else if (rwx && !img && !c->opt->all) {
		note(c, dep, at, CODE_SHARED_RWX,
		     "claim \"%s\" is ReadWriteMany and shared by the replicas of Deployment \"%s\": left as it is (shared storage is often deliberate; convert it with --all or annotation stsify.dev/convert)",
		     at->text, dep->name);
		why = CODE_SHARED_RWX;
		goto out;
	} else if (replicas > 1 || max > 1) {
		why = CODE_SHARED_PVC;
		for (size_t i = 0; i < ncu; i++) {
			if (replicas > 1)
				note(c, dep, cu[i].claim, CODE_SHARED_PVC,
				     "claim \"%s\" is shared by %lld replicas of Deployment \"%s\"",
				     cu[i].claim->text, replicas, dep->name);
			else
				note(c, dep, cu[i].claim, CODE_SHARED_PVC,
				     "claim \"%s\" is shared by up to %lld replicas of Deployment \"%s\" (%s \"%s\")",
				     cu[i].claim->text, max, dep->name, scaler->kind, scaler->name);
		}
		go = true;
	} else if (img || c->opt->all) {
		why = CODE_STATEFUL_DEPLOYMENT;
		if (img)
			note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
			     "Deployment \"%s\" runs stateful image \"%s\" on claim \"%s\": %s",
			     dep->name, img, at->text,
			     ynode_is(ynode_path(spec, "strategy", "type", NULL), "Recreate")
				     ? "a StatefulSet gives it a stable identity and a claim of its own per replica"
				     : "a rolling update starts the new pod before the old one stops, both on the same volume");
		else
			note(c, dep, at, CODE_STATEFUL_DEPLOYMENT,
			     "Deployment \"%s\" writes to claim \"%s\" (--all)", dep->name, at->text);
		go = true;
	} else {
		why = CODE_SINGLE_REPLICA_PVC;
		note(c, dep, at, CODE_SINGLE_REPLICA_PVC,
		     "Deployment \"%s\" has one replica on claim \"%s\": left as it is (convert it with --all or annotation stsify.dev/convert)",
		     dep->name, at->text);
	}
	if (!go)
		goto out;
	/* a merge key can hide or override any field: what the text says is
	 * not what the object is.  (Anchors and aliases are checked against
	 * the edits when lowering.) */
	if (c->in[dep->in].ys->doc[dep->doc].has_alias && has_alias(dep->node, false)) {
		note(c, dep, ynode_get(dep->node, "kind"), CODE_UNSUPPORTED_ALIAS,
		     "Deployment \"%s\" uses merge keys (<<): left as it is, convert it by hand",
		     dep->name);
		why = CODE_UNSUPPORTED_ALIAS;
		go = false;
		goto out;
	}
	if (aliases_read(c, dep, spec, cu, ncu))
		goto out;
	if (!ynode_get(spec, "selector") &&
	    !ynode_count(ynode_path(spec, "template", "metadata", "labels", NULL))) {
		note(c, dep, spec, CODE_NO_SELECTOR,
		     "Deployment \"%s\" has neither a selector nor pod template labels: left as it is",
		     dep->name);
		why = CODE_NO_SELECTOR;
		go = false;
		goto out;
	}
	ALLOC_GROW(c->p->d, c->p->nd + 1, c->p->ad);
	c->dep = c->p->nd++;
	d = &c->p->d[c->dep];
	memset(d, 0, sizeof(*d));
	d->dep = dep;
	d->sts = xstrdup(dep->name);
	convert(c, dep, cu, ncu);
	decide(c, dep, true, why);
	free(cu);
	c->owner = 0;
	return;
out:
	decide(c, dep, false, why);
	/* only a converted Deployment can be abandoned later */
	for (size_t i = first; i < c->rep->n; i++)
		c->rep->f[i].owner = 0;
	c->owner = 0;
	free(cu);
}

/* "dir/of/kustomization.yaml" + "../x/./p.yaml" -> "dir/of/../x/p.yaml"
 * normalised: "dir/x/p.yaml".  Returns a malloc'd path. */
static char *path_join(const char *base, const char *rel)
{
	const char *slash = strrchr(base, '/');
	char *joined = rel[0] == '/' || !slash ? xstrdup(rel)
					       : xasprintf("%.*s/%s", (int)(slash - base), base, rel);
	char **seg = xcalloc(strlen(joined) + 1, sizeof(*seg));
	struct strbuf out = STRBUF_INIT;
	size_t n = 0;

	for (char *t = joined, *e; *t; t = e) {
		e = t + strcspn(t, "/");
		if (*e)
			*e++ = '\0';
		if (!*t || !strcmp(t, "."))
			continue;
		if (!strcmp(t, "..") && n && strcmp(seg[n - 1], ".."))
			n--;
		else
			seg[n++] = t;
	}
	if (joined[0] == '/' && rel[0] == '/')
		strbuf_addch(&out, '/');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&out, '/');
		strbuf_addstr(&out, seg[i]);
	}
	free(seg);
	free(joined);
	return strbuf_detach(&out, NULL);
}

char *plan_path_norm(const char *path)
{
	return path_join("", path);
}

/* The inputs' normalised paths, made on first use (or given by the caller:
 * plan_input.path_norm), indexed by hash. */
struct norm_paths {
	const char **have;
	char **own;		/* those made here */
	struct hidx by;
};

/* Mark the inputs at path rel from kustomization file kpath. */
static void mark_patch(const struct plan_input *in, const char *const *path, size_t nin, bool *patch,
		       struct norm_paths *np, const char *kpath, const char *rel)
{
	char *want = path_join(kpath, rel);

	if (!np->have) {
		np->have = xcalloc(nin ? nin : 1, sizeof(*np->have));
		np->own = xcalloc(nin ? nin : 1, sizeof(*np->own));
		for (size_t i = 0; i < nin; i++) {
			np->have[i] = in[i].path_norm ? in[i].path_norm : (np->own[i] = path_join("", path[i]));
			hidx_add(&np->by, hash_str(HASH_INIT, np->have[i]), i);
		}
	}
	for (size_t i = hidx_first(&np->by, hash_str(HASH_INIT, want)); i != HIDX_NONE; i = hidx_next(&np->by, i))
		if (!strcmp(want, np->have[i]))
			patch[i] = true;
	free(want);
}

void plan_patch_files(const struct plan_input *in, const char *const *path, size_t nin, bool *patch)
{
	struct norm_paths np = { NULL, NULL, HIDX_INIT };

	for (size_t i = 0; i < nin; i++) {
		for (size_t d = 0; !in[i].skip && d < in[i].ys->ndoc; d++) {
			const struct ynode *root = in[i].ys->doc[d].root;
			const struct ynode *psm = ynode_get(root, "patchesStrategicMerge");
			const struct ynode *ps = ynode_get(root, "patches");

			if (!root || root->kind != YNODE_MAP || !is_kustomization(&in[i], root))
				continue;
			for (size_t k = 0; psm && psm->kind == YNODE_SEQ && k < psm->nkid; k++)
				if (ynode_is_scalar(psm->kid[k]) && !strchr(psm->kid[k]->text, '\n'))
					mark_patch(in, path, nin, patch, &np, path[i], psm->kid[k]->text);
			for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++) {
				const char *p = ynode_str(ynode_get(ps->kid[k], "path"));

				if (p)
					mark_patch(in, path, nin, patch, &np, path[i], p);
			}
		}
	}
	for (size_t i = 0; np.own && i < nin; i++)
		free(np.own[i]);
	free(np.own);
	free(np.have);
	hidx_release(&np.by);
}

/* The files that kustomization.yaml names as strategic-merge patches
 * (patchesStrategicMerge, or a `patches` entry with a path) describe
 * changes, not objects: they are never planned as Deployments. */
static void find_patches(struct pctx *c)
{
	const char **path = xcalloc(c->nin ? c->nin : 1, sizeof(*path));

	for (size_t i = 0; i < c->nin; i++)
		path[i] = c->in[i].src->path;
	c->patch = xcalloc(c->nin ? c->nin : 1, sizeof(*c->patch));
	plan_patch_files(c->in, path, c->nin, c->patch);
	free(path);
}

/*
 * Text that still names a converted Deployment and that stsify cannot
 * rewrite (a script in a ConfigMap, a Helm template, a CI file): reported.
 * One pass over each input, names looked up among the converted ones.
 * The inputs (and the parts of a large one, cut after a line feed: a
 * reference stays on its line) are searched on several threads; findings
 * are then added in input order.
 */
struct stale_ref {
	size_t at;		/* where the reference starts */
	size_t dep;		/* the Deployment plan it names */
};

struct stale_part {
	const struct source *src;
	size_t start, end;
	struct stale_ref *ref;
	size_t nref, aref;
};

struct stale_scan {
	const struct pctx *c;
	const struct hidx *names;
	unsigned kinds;		/* the kinds converted (rules_next_reference()) */
	struct stale_part *part;
};

static void scan_part(void *arg, size_t k, unsigned w)
{
	struct stale_scan *sc = arg;
	struct stale_part *pt = &sc->part[k];
	const struct dplan *d = sc->c->p->d;
	size_t at = pt->start, name, len;
	const struct workload *wl;

	(void)w;
	while ((at = rules_next_reference(sc->c->ru, pt->src->buf, pt->end, at, sc->kinds, &name, &len, &wl)) !=
	       NOPOS) {
		char *s = xstrndup(pt->src->buf + name, len);

		for (size_t i = hidx_first(sc->names, hash_str(HASH_INIT, s)); i != HIDX_NONE;
		     i = hidx_next(sc->names, i)) {
			if (strcmp(d[i].dep->name, s) || workload_named(d[i].dep->kind) != wl)
				continue;
			ALLOC_GROW(pt->ref, pt->nref + 1, pt->aref);
			pt->ref[pt->nref].at = at;
			pt->ref[pt->nref++].dep = i;
			break;
		}
		free(s);
		at = name + len;
	}
}

static void find_stale(struct pctx *c, unsigned jobs)
{
	enum { PART = 4 << 20 };	/* a large input is cut in parts of about this */
	struct hidx names = HIDX_INIT;
	struct stale_scan sc = { c, &names, 0, NULL };
	size_t npart = 0, apart = 0;

	if (!c->p->nd)
		return;
	for (size_t k = 0; k < c->p->nd; k++) {
		hidx_add(&names, hash_str(HASH_INIT, c->p->d[k].dep->name), k);
		sc.kinds |= 1u << workload_index(workload_named(c->p->d[k].dep->kind));
	}
	for (size_t i = 0; i < c->nin; i++) {
		const struct source *src = c->in[i].src;

		for (size_t at = 0, end; at < src->len; at = end) {
			const char *nl = src->len - at > PART
						 ? memchr(src->buf + at + PART, '\n', src->len - at - PART)
						 : NULL;

			end = nl ? (size_t)(nl - src->buf) + 1 : src->len;
			ALLOC_GROW(sc.part, npart + 1, apart);
			sc.part[npart++] = (struct stale_part){ .src = src, .start = at, .end = end };
		}
	}
	pool_for(jobs, npart, scan_part, &sc);
	for (size_t k = 0; k < npart; k++) {
		struct stale_part *pt = &sc.part[k];

		for (size_t j = 0; j < pt->nref; j++) {
			const struct resource *dep = c->p->d[pt->ref[j].dep].dep;
			struct finding *f = report_add(c->rep, pt->src, pt->ref[j].at, CODE_STALE_REFERENCE,
						       "this still names %s \"%s\", which becomes a StatefulSet: change it by hand",
						       dep->kind, dep->name);

			finding_set_resource(f, dep->kind, dep->ns[0] ? dep->ns : NULL, dep->name);
			f->owner = pt->ref[j].dep + 1;
		}
		free(pt->ref);
	}
	free(sc.part);
	hidx_release(&names);
}

struct planner *plan_begin(struct plan *p, const struct stsify_options *opt, const struct rules *ru,
			   const struct rindex *ri, const struct plan_input *in, size_t nin,
			   struct report *rep)
{
	struct pctx *c = xcalloc(1, sizeof(*c));
	size_t akp = 0, akitem = 0;

	c->opt = opt;
	c->ru = ru;
	c->ri = ri;
	c->in = in;
	c->rep = rep;
	c->p = p;
	c->nin = nin;
	memset(p, 0, sizeof(*p));
	find_patches(c);
	for (size_t i = 0; i < ri->n; i++) {
		const struct resource *r = &ri->r[i];
		const struct ynode *t = scale_target(r);

		if (r->list_item && !strcmp(r->kind, "Kustomization") && !in[r->in].skip) {
			ALLOC_GROW(c->kitem, c->nkitem + 1, akitem);
			c->kitem[c->nkitem++] = i;
		}
		if (!r->list_item && !strcmp(r->kind, "Deployment") && r->in < nin && c->patch[r->in])
			hidx_add(&c->pdeps, hash_str(HASH_INIT, r->name), i);
		if (ynode_is_scalar(t))
			hidx_add(&c->scalers, hash_str(hash_str(HASH_INIT, r->ns), t->text), i);
		else if (!strcmp(r->kind, "Service") &&
			 ynode_is(ynode_path(r->node, "spec", "clusterIP", NULL), "None"))
			hidx_add(&c->services, hash_str(HASH_INIT, r->ns), i);
		else if (!strcmp(r->kind, "PersistentVolumeClaim"))
			hidx_add(&c->pvcs, hash_str(HASH_INIT, r->name), i);
	}
	for (size_t i = 0; i < nin; i++) {
		if (in[i].skip)
			continue;
		for (size_t d = 0; d < in[i].ys->ndoc; d++) {
			const struct ynode *root = in[i].ys->doc[d].root;

			if (!root || root->kind != YNODE_MAP || !is_kustomization(&in[i], root))
				continue;
			/* every patch target with a name, in the order the lists are read */
			for (size_t l = 0; l < ARRAY_SIZE(patch_lists); l++) {
				const struct ynode *ps = ynode_get(root, patch_lists[l]);

				for (size_t k = 0; ps && ps->kind == YNODE_SEQ && k < ps->nkid; k++) {
					const struct ynode *name = ynode_path(ps->kid[k], "target", "name", NULL);

					if (!ynode_is_scalar(name))
						continue;
					ALLOC_GROW(c->kp, c->nkp + 1, akp);
					c->kp[c->nkp] = (struct kpatch){ i, d, l, k };
					hidx_add(&c->kp_name, hash_str(HASH_INIT, name->text), c->nkp++);
				}
			}
		}
	}
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

	if (!strcmp(dep->kind, "Deployment") && !c->in[dep->in].skip && !is_patch(c, dep->in))
		plan_deployment(c, dep);
}

void plan_end(struct planner *pl)
{
	struct pctx *c = (struct pctx *)pl;

	hidx_release(&c->scalers);
	hidx_release(&c->services);
	hidx_release(&c->pvcs);
	hidx_release(&c->op_node);
	hidx_release(&c->op_parent);
	hidx_release(&c->kp_name);
	hidx_release(&c->pdeps);
	free(c->kp);
	free(c->kitem);
	free(c->patch);
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
	struct pctx c = { .ru = ru, .in = in, .rep = rep, .p = p, .nin = nin };

	find_stale(&c, jobs);
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
		for (size_t k = 0; k < p->d[i].nclaim; k++) {
			free(p->d[i].claim[k].volume);
			free(p->d[i].claim[k].claim);
			val_free(p->d[i].claim[k].spec);
		}
		free(p->d[i].claim);
		free(p->d[i].ref);
	}
	free(p->op);
	free(p->d);
	free(p->dec);
	memset(p, 0, sizeof(*p));
}
