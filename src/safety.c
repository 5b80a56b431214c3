/*
 * safety.c - what a conversion would do to the data (see safety.h;
 * DESIGN.md section 10): independent databases, other users of a
 * converted claim, claims on hand-made volumes.  Findings and flags in the
 * claim plan only; the one edit is --single-replica's replicas: 1.
 */
#include "safety.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "facts.h"
#include "planner.h"
#include "refs.h"
#include "rindex.h"
#include "service.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

/* A pod volume on a claim in some object's pod template. */
struct mount {
	size_t r;			/* the object: c->ri->r[r] */
	const struct ynode *claim;	/* its claimName */
};

struct sindex {
	struct mount *m;
	size_t nm, am;
	struct hidx mounts;	/* m[] by namespace and claim name */
	struct hidx pvs;	/* PersistentVolumes by claimRef name */
	struct hidx classes;	/* StorageClasses by name */
};

bool safety_static_class(const char *cls)
{
	return cls && (!strcmp(cls, "manual") || !cls[0]);
}

/* The pod spec of an object, whatever its kind (NULL when none). */
static const struct ynode *pod_spec(const struct resource *r)
{
	const struct ynode *spec = ynode_get(r->node, "spec");

	if (!strcmp(r->kind, "Pod"))
		return spec;
	if (!strcmp(r->kind, "CronJob"))
		return ynode_path(spec, "jobTemplate", "spec", "template", "spec", NULL);
	if (!strcmp(r->kind, "PodTemplate"))
		return ynode_path(r->node, "template", "spec", NULL);
	return ynode_path(spec, "template", "spec", NULL);
}

static void index_mounts(struct sindex *sx, const struct resource *r, size_t i)
{
	const struct ynode *vols = ynode_get(pod_spec(r), "volumes");

	for (size_t k = 0; vols && vols->kind == YNODE_SEQ && k < vols->nkid; k++) {
		const struct ynode *cn = ynode_path(vols->kid[k], "persistentVolumeClaim", "claimName", NULL);

		if (!ynode_is_scalar(cn) || !cn->tlen)
			continue;
		ALLOC_GROW(sx->m, sx->nm + 1, sx->am);
		sx->m[sx->nm] = (struct mount){ .r = i, .claim = cn };
		hidx_add(&sx->mounts, hash_str(hash_str(HASH_INIT, r->ns), cn->text), sx->nm++);
	}
}

/* One walk of the input: mounts, PersistentVolumes, StorageClasses. */
static struct sindex *sindex_build(const struct pctx *c)
{
	struct sindex *sx = xcalloc(1, sizeof(*sx));

	for (size_t i = 0; i < c->ri->n; i++) {
		const struct resource *r = &c->ri->r[i];
		const char *ref;

		if (!r->node || (r->in < c->nin && (c->in[r->in].skip || c->patch[r->in])))
			continue;
		if (!strcmp(r->kind, "PersistentVolume")) {
			ref = ynode_str(ynode_path(r->node, "spec", "claimRef", "name", NULL));
			if (ref)
				hidx_add(&sx->pvs, hash_str(HASH_INIT, ref), i);
		} else if (!strcmp(r->kind, "StorageClass")) {
			hidx_add(&sx->classes, hash_str(HASH_INIT, r->name), i);
		} else {
			index_mounts(sx, r, i);
		}
	}
	return sx;
}

void safety_release(struct pctx *c)
{
	struct sindex *sx = c->safety;

	if (!sx)
		return;
	hidx_release(&sx->mounts);
	hidx_release(&sx->pvs);
	hidx_release(&sx->classes);
	free(sx->m);
	free(sx);
	c->safety = NULL;
}

/* ---- independent-replicas ---- */

/* Who sends clients to the pods: the Services of the namespace (not
 * headless) that select the pod template's labels, or the headless one. */
static void add_spreaders(const struct pctx *c, const struct resource *dep, const struct facts *f,
			  struct strbuf *sb)
{
	const struct ynode *labels = ynode_path(f->spec, "template", "metadata", "labels", NULL);
	size_t n = 0;

	for (size_t i = 0; i < c->ri->n; i++) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *spec = r->node ? ynode_get(r->node, "spec") : NULL;

		if (strcmp(r->kind, "Service") || strcmp(r->ns, dep->ns) || ynode_is(ynode_get(spec, "clusterIP"), "None") ||
		    !ynode_count(ynode_get(spec, "selector")) || !service_selects(ynode_get(spec, "selector"), labels))
			continue;
		strbuf_addf(sb, "%s\"%s\"", n++ ? ", " : "Service ", r->name);
	}
	if (n)
		strbuf_addstr(sb, n > 1 ? " spread clients over all of them" : " spreads clients over all of them");
	else
		strbuf_addf(sb, "the headless Service \"%s\" resolves to all of them", c->p->d[c->dep].service);
}

/* "pod 1 starts with an empty claim and initialises a database of its
 * own" for n replicas. */
static void add_empty_pods(struct strbuf *sb, long long n)
{
	if (n == 2)
		strbuf_addstr(sb, "pod 1 starts with an empty claim and initialises a database of its own");
	else if (n == 3)
		strbuf_addstr(sb, "pods 1 and 2 start with empty claims and initialise databases of their own");
	else
		strbuf_addf(sb, "pods 1 to %lld start with empty claims and initialise databases of their own", n - 1);
}

/* With --single-replica: each autoscaler that would scale it up again. */
static void scalers_again(struct pctx *c, const struct resource *dep, const struct verdict *v)
{
	for (size_t i = refs_next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = refs_next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *at;
		long long max = facts_scaler_max(dep, r, &at);
		struct strbuf sb = STRBUF_INIT;

		if (max <= 1 || plan_means(c, r->in, dep, NULL) != PLAN_PICK_ONE)
			continue;
		add_empty_pods(&sb, max);
		plan_note(c, r, at, CODE_INDEPENDENT_REPLICAS,
			  "%s \"%s\" scales StatefulSet \"%s\" up to %lld replicas again, which --single-replica set to 1: %s (single-writer image \"%s\"); set its maximum to 1 or remove it",
			  r->kind, r->name, dep->name, max, sb.buf, v->single_writer);
		strbuf_release(&sb);
	}
}

static void independent(struct pctx *c, const struct resource *dep, const struct facts *f, const struct verdict *v)
{
	const struct ynode *replicas = ynode_get(f->spec, "replicas"), *at = NULL;
	bool many = f->in.replicas > 1;
	struct strbuf sb = STRBUF_INIT, count = STRBUF_INIT;

	if (c->opt->single_replica) {
		if (many) {
			plan_set_scalar(c, dep, replicas, "1");
			plan_note(c, dep, replicas, CODE_SINGLE_REPLICA,
				  "replicas of StatefulSet \"%s\" becomes 1 (--single-replica): image \"%s\" is a database that does not replicate by itself",
				  dep->name, v->single_writer);
		}
		scalers_again(c, dep, v);
		return;
	}
	if (many)
		strbuf_addf(&count, "%lld replicas", f->in.replicas);
	else
		strbuf_addf(&count, "up to %lld replicas (%s \"%s\")", f->in.scaled_max, f->scaler->kind, f->scaler->name);
	add_empty_pods(&sb, many ? f->in.replicas : f->in.scaled_max);
	strbuf_addstr(&sb, ", and ");
	add_spreaders(c, dep, f, &sb);
	if (!many)
		facts_scaler_max(dep, f->scaler, &at);
	plan_note(c, many ? dep : f->scaler, many ? replicas : at, CODE_INDEPENDENT_REPLICAS,
		  "StatefulSet \"%s\" runs single-writer image \"%s\" with %s: %s; give --single-replica to set replicas: 1",
		  dep->name, v->single_writer, count.buf, sb.buf);
	strbuf_release(&sb);
	strbuf_release(&count);
}

/* ---- claim-still-mounted ---- */

static void add_user(struct pctx *c, struct claim_plan *cp, const struct resource *r, const struct ynode *at)
{
	struct claim_user *u;
	unsigned col;

	ALLOC_GROW(cp->user, cp->nuser + 1, cp->auser);
	u = &cp->user[cp->nuser++];
	u->kind = xstrdup(r->kind);
	u->name = xstrdup(r->name);
	u->path = xstrdup(c->in[r->in].src->path);
	source_linecol(c->in[r->in].src, at->start, &u->line, &col);
}

/* Does workload r, which mounts a claim of cu's name, mean the same claim
 * as dep (scoping: planner.h)? */
static bool same_claim(struct pctx *c, const struct resource *r, const struct resource *dep,
		       const struct claim_use *cu)
{
	enum plan_pick pick;

	if (!cu->pvc)
		return plan_in_scope(c, dep->in, r->in);
	return plan_find(c, r->in, "PersistentVolumeClaim", r->ns, cu->claim->text, &pick, NULL) == cu->pvc ||
	       pick == PLAN_PICK_TIE;
}

/* Every other pod template of the input that mounts the claim of cu. */
static void still_mounted(struct pctx *c, struct sindex *sx, const struct resource *dep,
			  const struct claim_use *cu, struct claim_plan *cp)
{
	const char *claim = cu->claim->text;

	for (size_t k = hidx_first(&sx->mounts, hash_str(hash_str(HASH_INIT, dep->ns), claim)); k != HIDX_NONE;
	     k = hidx_next(&sx->mounts, k)) {
		const struct mount *m = &sx->m[k];
		const struct resource *r = &c->ri->r[m->r];

		if (r->node == dep->node || strcmp(r->ns, dep->ns) || strcmp(m->claim->text, claim) ||
		    !same_claim(c, r, dep, cu))
			continue;
		add_user(c, cp, r, m->claim);
		plan_note(c, r, m->claim, CODE_CLAIM_STILL_MOUNTED,
			  "%s \"%s\" still mounts claim \"%s\", which StatefulSet \"%s\" leaves behind (pod 0 gets \"%s-%s-0\"): once the data moves it works on a stale copy; point it at the new claim (or stop it) before the migration",
			  r->kind, r->name, claim, dep->name, cu->volname, dep->name);
	}
}

/* ---- static-volume ---- */

/* The class of a claim's manifest: storageClassName, or else the
 * annotation volume.beta.kubernetes.io/storage-class; NULL when neither. */
static const struct ynode *claim_class(const struct resource *pvc)
{
	const struct ynode *cls = ynode_path(pvc->node, "spec", "storageClassName", NULL);

	if (cls)
		return cls;
	return ynode_path(pvc->node, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class", NULL);
}

/* Was the volume a claim names in volumeName made by a provisioner (what
 * kubectl get prints for a bound claim: a volume "pvc-<uid>", an
 * annotation naming the provisioner)? */
static bool provisioned(const struct resource *pvc, const struct ynode *vn)
{
	const struct ynode *ann = ynode_path(pvc->node, "metadata", "annotations", NULL);

	if (ynode_get(ann, "volume.kubernetes.io/storage-provisioner") ||
	    ynode_get(ann, "volume.beta.kubernetes.io/storage-provisioner"))
		return true;
	return vn->tlen == 40 && !strncmp(vn->text, "pvc-", 4) && strspn(vn->text + 4, "0123456789abcdef-") == 36;
}

/* Why the claim of cu is on a hand-made volume, into why ("" when it is
 * not), with the first place that says so (*r, *at). */
static void static_why(struct pctx *c, struct sindex *sx, const struct resource *dep, const struct claim_use *cu,
		       struct strbuf *why, const struct resource **r, const struct ynode **at)
{
	const struct ynode *vn = cu->pvc ? ynode_path(cu->pvc->node, "spec", "volumeName", NULL) : NULL;
	const struct ynode *cls = cu->pvc ? claim_class(cu->pvc) : NULL;
	const char *name = ynode_str(cls);

	for (size_t k = hidx_first(&sx->pvs, hash_str(HASH_INIT, cu->claim->text)); k != HIDX_NONE;
	     k = hidx_next(&sx->pvs, k)) {
		const struct resource *pv = &c->ri->r[k];
		const struct ynode *ref = ynode_path(pv->node, "spec", "claimRef", NULL);
		const char *ns = ynode_str(ynode_get(ref, "namespace"));

		if (!ynode_is(ynode_get(ref, "name"), cu->claim->text) || strcmp(ns ? ns : "", dep->ns) ||
		    !plan_in_scope(c, dep->in, pv->in))
			continue;
		strbuf_addf(why, "%sPersistentVolume \"%s\" is bound to it by claimRef", why->len ? "; " : "", pv->name);
		if (!*at)
			*r = pv, *at = ref;
	}
	if (ynode_is_scalar(vn) && vn->tlen && !provisioned(cu->pvc, vn)) {
		strbuf_addf(why, "%sit names PersistentVolume \"%s\" in volumeName", why->len ? "; " : "", vn->text);
		if (!*at)
			*r = cu->pvc, *at = ynode_key_of(vn);
	}
	if (!name)
		return;
	if (safety_static_class(name)) {
		strbuf_addf(why, "%s%s", why->len ? "; " : "",
			    name[0] ? "its class \"manual\" names hand-made volumes" : "its class \"\" turns dynamic provisioning off");
	} else {
		size_t k;

		for (k = hidx_first(&sx->classes, hash_str(HASH_INIT, name)); k != HIDX_NONE; k = hidx_next(&sx->classes, k))
			if (!strcmp(c->ri->r[k].name, name) &&
			    ynode_is(ynode_get(c->ri->r[k].node, "provisioner"), "kubernetes.io/no-provisioner"))
				break;
		if (k == HIDX_NONE)
			return;
		strbuf_addf(why, "%sStorageClass \"%s\" has provisioner kubernetes.io/no-provisioner", why->len ? "; " : "", name);
	}
	if (!*at)
		*r = cu->pvc, *at = cls;
}

static void static_volume(struct pctx *c, struct sindex *sx, const struct resource *dep,
			  const struct claim_use *cu, struct claim_plan *cp)
{
	struct strbuf why = STRBUF_INIT;
	const struct resource *r = NULL;
	const struct ynode *at = NULL;

	static_why(c, sx, dep, cu, &why, &r, &at);
	if (why.len) {
		cp->static_volume = true;
		plan_note(c, r, at, CODE_STATIC_VOLUME,
			  "claim \"%s\" is on a hand-made volume (%s): each replica of StatefulSet \"%s\" needs a volume of its own that nothing will provision, so its new claims stay Pending until a PersistentVolume is made for each; move the data of pod 0 by rebinding this volume to claim \"%s-%s-0\" (the rebind path of --migration-plan), not by a copy",
			  cu->claim->text, why.buf, dep->name, cu->volname, dep->name);
	}
	strbuf_release(&why);
}

void safety_check(struct pctx *c, const struct resource *dep, const struct facts *f, const struct verdict *v,
		  const struct claim_use *cu, size_t ncu)
{
	struct dplan *d = &c->p->d[c->dep];

	if (!c->safety)
		c->safety = sindex_build(c);
	if (v->independent)
		independent(c, dep, f, v);
	for (size_t k = 0; k < ncu && k < d->nclaim; k++) {
		still_mounted(c, c->safety, dep, &cu[k], &d->claim[k]);
		static_volume(c, c->safety, dep, &cu[k], &d->claim[k]);
	}
}
