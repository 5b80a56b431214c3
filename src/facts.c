/*
 * facts.c - what a Deployment is, as the decision table needs it (see
 * facts.h): claims mounted writably and their access modes, autoscalers,
 * stateful images, aliases.  Reads the span trees; records nothing but the
 * unsupported-alias finding.
 */
#include "facts.h"

#include <string.h>

#include "planner.h"
#include "rindex.h"
#include "rules.h"
#include "refs.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

bool facts_truthy(const struct ynode *n)
{
	return ynode_is(n, "true") || ynode_is(n, "True") || ynode_is(n, "TRUE");
}

/* Any merge key inside n (or, with aliases, any alias or anchor)? */
bool facts_has_alias(const struct ynode *n, bool aliases)
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
		if (facts_has_alias(n->kid[i], aliases))
			return true;
	return false;
}

/*
 * (The span tree marks the documents that hold an alias or a merge key:
 * facts_has_alias(n, false) is false for the others without a walk.)
 *
 * The first alias among the parts of a Deployment's spec that stsify reads
 * or copies (a container's other fields, such as env, are neither), or of a
 * claim's spec.  The span tree does not follow aliases: a value read or
 * copied through one would be wrong (a claim's size, a Service's selector).
 */
const struct ynode *facts_alias_read(const struct ynode *n, bool container)
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
				if ((a = facts_alias_read(n->kid[i]->kid[j], true)))
					return a;
			continue;
		}
		if ((a = facts_alias_read(n->kid[i], false)))
			return a;
	}
	return NULL;
}

/* Report the first alias stsify would read through (see alias_read). */
bool facts_aliases_read(struct pctx *c, const struct resource *dep, const struct ynode *spec,
			const struct claim_use *cu, size_t ncu)
{
	const struct ynode *a = facts_alias_read(spec, false);

	if (a) {
		plan_note(c, dep, a, CODE_UNSUPPORTED_ALIAS,
			  "%s \"%s\" reads a value through an alias: left as it is, convert it by hand",
			  dep->kind, dep->name);
		return true;
	}
	for (size_t i = 0; i < ncu; i++) {
		const struct ynode *pspec = cu[i].pvc ? ynode_get(cu[i].pvc->node, "spec") : NULL;

		if (!(a = facts_alias_read(pspec, false)) && facts_has_alias(pspec, false))
			a = pspec;
		if (a) {
			plan_note(c, cu[i].pvc, a, CODE_UNSUPPORTED_ALIAS,
				  "claim \"%s\" uses an alias or a merge key (<<) in its spec: %s \"%s\" is left as it is, convert it by hand",
				  cu[i].claim->text, dep->kind, dep->name);
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
				if (!facts_truthy(ynode_get(ms->kid[j], "readOnly")))
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

const struct ynode *facts_pvc_modes(const struct resource *pvc)
{
	return pvc ? ynode_path(pvc->node, "spec", "accessModes", NULL) : NULL;
}

/* The writable claims of the pod template; returns how many. */
size_t facts_claims(struct pctx *c, const struct resource *dep,
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
		if (facts_truthy(ynode_get(pvcn, "readOnly")) || !mounted_writable(podspec, name->text))
			continue;
		pvc = rindex_find_named(c->ri, "PersistentVolumeClaim", dep->ns, claim->text);
		modes = facts_pvc_modes(pvc);
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

/* The largest replica count an autoscaler of the Deployment allows, and the
 * autoscaler (HorizontalPodAutoscaler or KEDA ScaledObject), if any. */
long long facts_autoscaled_max(struct pctx *c, const struct resource *dep,
			       const struct resource **by)
{
	long long best = -1;

	*by = NULL;
	for (size_t i = refs_next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = refs_next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *ref = ynode_path(r->node, "spec", "scaleTargetRef", NULL);
		const struct ynode *kind = ynode_get(ref, "kind");
		long long max;

		if (strcmp(r->ns, dep->ns) || !rindex_named(dep, ynode_str(ynode_get(ref, "name"))))
			continue;
		if (!strcmp(r->kind, "HorizontalPodAutoscaler") && refs_kind_names(kind, dep, false)) {
			max = ynode_int(ynode_path(r->node, "spec", "maxReplicas", NULL));
		} else if (!strcmp(r->kind, "ScaledObject") && refs_kind_names(kind, dep, true)) {
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

const struct ynode *facts_match_labels(const struct resource *dep)
{
	const struct workload *w = workload_named(dep->kind);
	const struct ynode *sel = ynode_path(dep->node, "spec", "selector", NULL);

	return w && w->selector == SELECTOR_MAP ? sel : ynode_get(sel, "matchLabels");
}

const char *facts_stateful_image(struct pctx *c, const struct ynode *podspec)
{
	const struct ynode *cs = ynode_get(podspec, "containers");

	for (size_t i = 0; cs && cs->kind == YNODE_SEQ && i < cs->nkid; i++) {
		const char *img = ynode_str(ynode_get(cs->kid[i], "image"));

		if (img && rules_stateful_image(c->ru, img))
			return img;
	}
	return NULL;
}
