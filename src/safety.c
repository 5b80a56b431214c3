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
#include "report.h"
#include "refs.h"
#include "rindex.h"
#include "source.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* A pod volume on a claim in some object's pod template (owned copies:
 * the trees of a large input's Deployments are gone by plan_end()). */
struct mount {
	char *ns, *claim, *kind, *name;
	size_t in;			/* its input (scoping: planner.h) */
	const struct source *src;
	size_t obj;			/* where the object starts (who it is) */
	size_t at;			/* where its claimName is */
};

/* A converted claim: claim k of Deployment plan dplan. */
struct conv {
	size_t dplan, k;
	char *ns, *claim, *volname, *sts;
	size_t in;			/* the converted workload's input */
	const struct resource *pvc;	/* the claim's manifest, or NULL */
	const struct source *src;
	size_t obj;			/* where the converted object starts */
};

struct sindex {
	bool built;		/* the index of PVs and classes (and mounts of other kinds) */
	struct mount *m;
	size_t nm, am;
	struct conv *cv;
	size_t ncv, acv;
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

static void add_mount(struct sindex *sx, const struct pctx *c, const struct resource *r, const struct ynode *cn)
{
	ALLOC_GROW(sx->m, sx->nm + 1, sx->am);
	sx->m[sx->nm++] = (struct mount){ .ns = xstrdup(r->ns), .claim = xstrdup(cn->text), .kind = xstrdup(r->kind),
					  .name = xstrdup(r->name), .in = r->in, .src = c->in[r->in].src, .obj = r->node->start,
					  .at = cn->start };
}

static void index_mounts(struct sindex *sx, const struct pctx *c, const struct resource *r)
{
	const struct ynode *vols = ynode_get(pod_spec(r), "volumes");

	for (size_t k = 0; vols && vols->kind == YNODE_SEQ && k < vols->nkid; k++) {
		const struct ynode *cn = ynode_path(vols->kid[k], "persistentVolumeClaim", "claimName", NULL);

		if (ynode_is_scalar(cn) && cn->tlen)
			add_mount(sx, c, r, cn);
	}
}

static struct sindex *sindex_get(struct pctx *c)
{
	if (!c->safety)
		c->safety = xcalloc(1, sizeof(struct sindex));
	return c->safety;
}

/*
 * One walk of the input: PersistentVolumes, StorageClasses, and the mounts
 * of the kinds that are not workloads of the table (CronJob, Job, Pod,
 * DaemonSet, StatefulSet...): those are planned, and safety_register()
 * records their mounts, whether or not they are in the index (a large
 * input's Deployments are not).
 */
static struct sindex *sindex_build(struct pctx *c)
{
	struct sindex *sx = sindex_get(c);

	if (sx->built)
		return sx;
	sx->built = true;
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
		} else if (!workload_named(r->kind)) {
			index_mounts(sx, c, r);
		}
	}
	return sx;
}

void safety_register(struct pctx *c, const struct resource *dep, const struct facts *f)
{
	for (size_t i = 0; i < f->in.nclaim; i++)
		add_mount(sindex_get(c), c, dep, f->use[i].claim);
}

static void convs_clear(struct sindex *sx)
{
	for (size_t i = 0; i < sx->ncv; i++) {
		free(sx->cv[i].ns);
		free(sx->cv[i].claim);
		free(sx->cv[i].volname);
		free(sx->cv[i].sts);
	}
	sx->ncv = 0;
}

void safety_release(struct pctx *c)
{
	struct sindex *sx = c->safety;

	if (!sx)
		return;
	hidx_release(&sx->pvs);
	hidx_release(&sx->classes);
	for (size_t i = 0; i < sx->nm; i++) {
		free(sx->m[i].ns);
		free(sx->m[i].claim);
		free(sx->m[i].kind);
		free(sx->m[i].name);
	}
	convs_clear(sx);
	free(sx->m);
	free(sx->cv);
	free(sx);
	c->safety = NULL;
}

/* ---- independent-replicas ---- */

/*
 * Who sends clients to the pods: every Service that selects them, the
 * headless one among them.  (Not named one by one: a large input indexes
 * a Service that cannot be headless by its name only, stream.h, and the
 * finding must read the same either way.)
 */
static void add_spreaders(const struct pctx *c, struct strbuf *sb)
{
	strbuf_addf(sb, "every Service that selects them (the headless Service \"%s\" among them) spreads clients over all of them",
		    c->p->d[c->dep].service);
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
	add_spreaders(c, &sb);
	if (!many)
		facts_scaler_max(dep, f->scaler, &at);
	plan_note(c, many ? dep : f->scaler, many ? replicas : at, CODE_INDEPENDENT_REPLICAS,
		  "StatefulSet \"%s\" runs single-writer image \"%s\" with %s: %s; give --single-replica to set replicas: 1",
		  dep->name, v->single_writer, count.buf, sb.buf);
	strbuf_release(&sb);
	strbuf_release(&count);
}

/* ---- claim-still-mounted ---- */

static void add_user(struct claim_plan *cp, const struct mount *m)
{
	struct claim_user *u;
	unsigned col;

	ALLOC_GROW(cp->user, cp->nuser + 1, cp->auser);
	u = &cp->user[cp->nuser++];
	u->kind = xstrdup(m->kind);
	u->name = xstrdup(m->name);
	u->path = xstrdup(m->src->path);
	source_linecol(m->src, m->at, &u->line, &col);
}

/* Does the workload of mount m, which mounts a claim of cv's name, mean
 * the same claim (scoping: planner.h)? */
static bool same_claim(struct pctx *c, const struct mount *m, const struct conv *cv)
{
	enum plan_pick pick;

	if (!cv->pvc)
		return plan_in_scope(c, cv->in, m->in);
	return plan_find(c, m->in, "PersistentVolumeClaim", m->ns, m->claim, &pick, NULL) == cv->pvc ||
	       pick == PLAN_PICK_TIE;
}

/* Every other mount of converted claim cv (its plan not abandoned). */
static void still_mounted(struct pctx *c, const struct sindex *sx, const struct hidx *by, const struct conv *cv)
{
	struct claim_plan *cp = &c->p->d[cv->dplan].claim[cv->k];
	uint64_t h = hash_str(hash_str(HASH_INIT, cv->ns), cv->claim);

	for (size_t i = hidx_first(by, h); i != HIDX_NONE; i = hidx_next(by, i)) {
		const struct mount *m = &sx->m[i];
		struct finding *fi;

		if ((m->src == cv->src && m->obj == cv->obj) || strcmp(m->ns, cv->ns) || strcmp(m->claim, cv->claim) ||
		    !same_claim(c, m, cv))
			continue;
		add_user(cp, m);
		fi = report_add(c->rep, m->src, m->at, CODE_CLAIM_STILL_MOUNTED,
				"%s \"%s\" still mounts claim \"%s\", which StatefulSet \"%s\" leaves behind (pod 0 gets \"%s-%s-0\"): once the data moves it works on a stale copy; point it at the new claim (or stop it) before the migration",
				m->kind, m->name, cv->claim, cv->sts, cv->volname, cv->sts);
		finding_set_resource(fi, m->kind, m->ns[0] ? m->ns : NULL, m->name);
		fi->owner = cv->dplan + 1;
	}
}

void safety_end(struct pctx *c)
{
	struct sindex *sx = c->safety;
	struct hidx by = HIDX_INIT;

	if (!sx || !sx->ncv)
		return;
	sindex_build(c);
	for (size_t i = 0; i < sx->nm; i++)
		hidx_add(&by, hash_str(hash_str(HASH_INIT, sx->m[i].ns), sx->m[i].claim), i);
	for (size_t i = 0; i < sx->ncv; i++)
		if (!c->p->d[sx->cv[i].dplan].failed)
			still_mounted(c, sx, &by, &sx->cv[i]);
	hidx_release(&by);
	convs_clear(sx);
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
	struct sindex *sx = sindex_build(c);

	if (v->independent)
		independent(c, dep, f, v);
	for (size_t k = 0; k < ncu && k < d->nclaim; k++) {
		ALLOC_GROW(sx->cv, sx->ncv + 1, sx->acv);
		sx->cv[sx->ncv++] = (struct conv){ .dplan = c->dep, .k = k, .ns = xstrdup(dep->ns),
						   .claim = xstrdup(cu[k].claim->text), .volname = xstrdup(cu[k].volname),
						   .sts = xstrdup(d->sts), .in = dep->in, .pvc = cu[k].pvc,
						   .src = c->in[dep->in].src, .obj = dep->node->start };
		static_volume(c, sx, dep, &cu[k], &d->claim[k]);
	}
}
