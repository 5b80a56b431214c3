/*
 * cluster.c - read a `kubectl get -o json` snapshot (see cluster.h).
 *
 * jansson parses the whole file; each item is dispatched on its kind and
 * copied into the snapshot's plain structs, so the JSON tree is freed at
 * once.  Items of a nested List are walked too (kubectl prints one List,
 * but a user may concatenate the output of several calls into a List).
 */
#include "cluster.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "workload.h"

/* The string at a path of object keys (NULL-terminated), or NULL. */
static const char *jpath(json_t *o, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, o);
	while (o && (key = va_arg(ap, const char *)))
		o = json_is_object(o) ? json_object_get(o, key) : NULL;
	va_end(ap);
	return json_is_string(o) ? json_string_value(o) : NULL;
}

static json_t *jobj(json_t *o, const char *a, const char *b)
{
	o = json_is_object(o) ? json_object_get(o, a) : NULL;
	if (b)
		o = json_is_object(o) ? json_object_get(o, b) : NULL;
	return o;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* accessModes as "ReadWriteOnce,ReadOnlyMany", or NULL when empty. */
static char *modes_of(json_t *arr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *m;

	json_array_foreach(arr, i, m) {
		if (!json_is_string(m))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, json_string_value(m));
	}
	return sb.len ? strbuf_detach(&sb, NULL) : (strbuf_release(&sb), NULL);
}

static void add_claim(struct cluster *cl, json_t *o)
{
	struct cluster_claim *c;
	const char *cap = jpath(o, "status", "capacity", "storage", NULL);
	json_t *modes = jobj(o, "status", "accessModes");

	ALLOC_GROW(cl->claim, cl->nclaim + 1, cl->aclaim);
	c = &cl->claim[cl->nclaim++];
	c->ns = xstrdup(jpath(o, "metadata", "namespace", NULL) ? jpath(o, "metadata", "namespace", NULL) : "");
	c->name = xstrdup(jpath(o, "metadata", "name", NULL));
	c->volume = dup_or_null(jpath(o, "spec", "volumeName", NULL));
	c->phase = dup_or_null(jpath(o, "status", "phase", NULL));
	c->capacity = dup_or_null(cap ? cap : jpath(o, "spec", "resources", "requests", "storage", NULL));
	c->class = dup_or_null(jpath(o, "spec", "storageClassName", NULL));
	c->modes = modes_of(json_array_size(modes) ? modes : jobj(o, "spec", "accessModes"));
}

static void add_pv(struct cluster *cl, json_t *o)
{
	struct cluster_pv *pv;

	ALLOC_GROW(cl->pv, cl->npv + 1, cl->apv);
	pv = &cl->pv[cl->npv++];
	pv->name = xstrdup(jpath(o, "metadata", "name", NULL));
	pv->claim_ns = dup_or_null(jpath(o, "spec", "claimRef", "namespace", NULL));
	pv->claim_name = dup_or_null(jpath(o, "spec", "claimRef", "name", NULL));
	pv->reclaim = dup_or_null(jpath(o, "spec", "persistentVolumeReclaimPolicy", NULL));
	pv->capacity = dup_or_null(jpath(o, "spec", "capacity", "storage", NULL));
	pv->class = dup_or_null(jpath(o, "spec", "storageClassName", NULL));
	pv->phase = dup_or_null(jpath(o, "status", "phase", NULL));
	pv->provisioned = jpath(o, "metadata", "annotations", "pv.kubernetes.io/provisioned-by", NULL) != NULL;
}

/* The controller among the ownerReferences (else the first one). */
static json_t *owner_of(json_t *o)
{
	json_t *refs = jobj(o, "metadata", "ownerReferences"), *r, *first = NULL;
	size_t i;

	json_array_foreach(refs, i, r) {
		if (!first)
			first = r;
		if (json_is_true(json_object_get(r, "controller")))
			return r;
	}
	return first;
}

static void add_pod(struct cluster *cl, json_t *o)
{
	struct cluster_pod *p;
	json_t *vols = jobj(o, "spec", "volumes"), *v, *own = owner_of(o);
	size_t i, n = 0;

	ALLOC_GROW(cl->pod, cl->npod + 1, cl->apod);
	p = &cl->pod[cl->npod++];
	memset(p, 0, sizeof(*p));
	p->ns = xstrdup(jpath(o, "metadata", "namespace", NULL) ? jpath(o, "metadata", "namespace", NULL) : "");
	p->name = xstrdup(jpath(o, "metadata", "name", NULL));
	p->phase = dup_or_null(jpath(o, "status", "phase", NULL));
	p->owner_kind = dup_or_null(jpath(own, "kind", NULL));
	p->owner_name = dup_or_null(jpath(own, "name", NULL));
	p->claims = xcalloc(json_array_size(vols) + 1, sizeof(*p->claims));
	json_array_foreach(vols, i, v) {
		const char *claim = jpath(v, "persistentVolumeClaim", "claimName", NULL);

		if (claim)
			p->claims[n++] = xstrdup(claim);
	}
	p->nclaims = n;
}

static void add_workload(struct cluster *cl, json_t *o, const char *kind)
{
	struct cluster_workload *w;
	json_t *rep = jobj(o, "spec", "replicas"), *ready = jobj(o, "status", "readyReplicas");

	ALLOC_GROW(cl->wl, cl->nwl + 1, cl->awl);
	w = &cl->wl[cl->nwl++];
	w->kind = xstrdup(kind);
	w->ns = xstrdup(jpath(o, "metadata", "namespace", NULL) ? jpath(o, "metadata", "namespace", NULL) : "");
	w->name = xstrdup(jpath(o, "metadata", "name", NULL));
	w->replicas = json_is_integer(rep) ? (long)json_integer_value(rep) : 1;
	w->ready = json_is_integer(ready) ? (long)json_integer_value(ready) : 0;
}

/* Keep o when it is a kind the plan uses; walk it when it is a List. */
static int add_item(struct cluster *cl, json_t *o, unsigned depth)
{
	const char *kind = jpath(o, "kind", NULL);
	const struct workload *w = workload_named(kind);
	json_t *it;
	size_t i;
	int n = 0;

	if (!kind || !jpath(o, "metadata", "name", NULL)) {
		if (!kind || !json_is_array(json_object_get(o, "items")) || depth > 8)
			return 0;
	}
	if (!strcmp(kind, "List") || (json_is_array(json_object_get(o, "items")) && strstr(kind, "List"))) {
		json_array_foreach(json_object_get(o, "items"), i, it)
			n += add_item(cl, it, depth + 1);
		return n;
	}
	if (!strcmp(kind, "PersistentVolumeClaim"))
		add_claim(cl, o);
	else if (!strcmp(kind, "PersistentVolume"))
		add_pv(cl, o);
	else if (!strcmp(kind, "Pod"))
		add_pod(cl, o);
	else if (!strcmp(kind, "StatefulSet") || (w && w->action == WORKLOAD_CONVERT))
		add_workload(cl, o, kind);	/* a StatefulSet, or a kind stsify converts */
	else
		return 0;
	return 1;
}

int cluster_load(struct cluster *cl, const char *buf, size_t len, struct cluster_error *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	int n;

	memset(err, 0, sizeof(*err));
	if (!root) {
		snprintf(err->msg, sizeof(err->msg), "not the JSON of kubectl get -o json: %s", jerr.text);
		err->line = jerr.line > 0 ? (unsigned)jerr.line : 0;
		err->col = jerr.column > 0 ? (unsigned)jerr.column : 0;
		return -1;
	}
	if (!json_is_object(root) || !jpath(root, "kind", NULL)) {
		snprintf(err->msg, sizeof(err->msg), "not a Kubernetes object or List: no \"kind\" at the top");
		json_decref(root);
		return -1;
	}
	n = add_item(cl, root, 0);
	json_decref(root);
	return n;
}

void cluster_release(struct cluster *cl)
{
	for (size_t i = 0; i < cl->nclaim; i++) {
		struct cluster_claim *c = &cl->claim[i];

		free(c->ns), free(c->name), free(c->volume), free(c->phase);
		free(c->capacity), free(c->class), free(c->modes);
	}
	for (size_t i = 0; i < cl->npv; i++) {
		struct cluster_pv *pv = &cl->pv[i];

		free(pv->name), free(pv->claim_ns), free(pv->claim_name), free(pv->reclaim);
		free(pv->capacity), free(pv->class), free(pv->phase);
	}
	for (size_t i = 0; i < cl->npod; i++) {
		struct cluster_pod *p = &cl->pod[i];

		for (size_t j = 0; j < p->nclaims; j++)
			free(p->claims[j]);
		free(p->claims), free(p->ns), free(p->name), free(p->phase);
		free(p->owner_kind), free(p->owner_name);
	}
	for (size_t i = 0; i < cl->nwl; i++)
		free(cl->wl[i].kind), free(cl->wl[i].ns), free(cl->wl[i].name);
	free(cl->claim), free(cl->pv), free(cl->pod), free(cl->wl);
	memset(cl, 0, sizeof(*cl));
}

static bool ns_match(const char *want, const char *have)
{
	return !want || !strcmp(want, have);
}

const struct cluster_claim *cluster_claim(const struct cluster *cl, const char *ns, const char *name)
{
	const struct cluster_claim *hit = NULL;

	for (size_t i = 0; i < cl->nclaim; i++) {
		if (strcmp(cl->claim[i].name, name) || !ns_match(ns, cl->claim[i].ns))
			continue;
		if (hit)
			return NULL;	/* several namespaces: no guess */
		hit = &cl->claim[i];
	}
	return hit;
}

const struct cluster_pv *cluster_pv(const struct cluster *cl, const char *name)
{
	for (size_t i = 0; name && i < cl->npv; i++)
		if (!strcmp(cl->pv[i].name, name))
			return &cl->pv[i];
	return NULL;
}

const struct cluster_pv *cluster_pv_for_claim(const struct cluster *cl, const char *ns, const char *claim)
{
	for (size_t i = 0; i < cl->npv; i++) {
		const struct cluster_pv *pv = &cl->pv[i];

		if (pv->claim_name && !strcmp(pv->claim_name, claim) && pv->claim_ns && !strcmp(pv->claim_ns, ns))
			return pv;
	}
	return NULL;
}

const struct cluster_workload *cluster_workload(const struct cluster *cl, const char *kind, const char *ns,
						const char *name)
{
	const struct cluster_workload *hit = NULL;

	for (size_t i = 0; i < cl->nwl; i++) {
		const struct cluster_workload *w = &cl->wl[i];

		if (strcmp(w->kind, kind) || strcmp(w->name, name) || !ns_match(ns, w->ns))
			continue;
		if (hit)
			return NULL;
		hit = w;
	}
	return hit;
}

static bool pod_running(const struct cluster_pod *p)
{
	return !p->phase || (strcmp(p->phase, "Succeeded") && strcmp(p->phase, "Failed"));
}

size_t cluster_mounts(const struct cluster *cl, const char *ns, const char *claim,
		      const struct cluster_pod **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cl->npod; i++) {
		const struct cluster_pod *p = &cl->pod[i];
		bool mounts = false;

		if (!ns_match(ns, p->ns) || !pod_running(p))
			continue;
		for (size_t j = 0; j < p->nclaims && !mounts; j++)
			mounts = !strcmp(p->claims[j], claim);
		if (!mounts)
			continue;
		if (n < max)
			out[n] = p;
		n++;
	}
	return n;
}
