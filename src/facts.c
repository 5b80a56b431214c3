/*
 * facts.c - what a Deployment is, as the decision table needs it (see
 * facts.h): claims mounted writably and their access modes, autoscalers,
 * stateful images, aliases.  Reads the span trees; records nothing but the
 * unsupported-alias finding.
 */
#include "facts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "planner.h"
#include "rindex.h"
#include "refs.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

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
				if (!plan_truthy(ynode_get(ms->kid[j], "readOnly")))
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

/* Does autoscaler r (target ref) mean dep (planner.h: scoping)?  A tie is
 * reported at the target, which then targets none of them. */
static bool scaler_means(struct pctx *c, const struct resource *r, const struct ynode *ref,
			 const struct resource *dep)
{
	char *tied = NULL;
	enum plan_pick pick = plan_means(c, r->in, dep, &tied);

	if (pick == PLAN_PICK_TIE) {
		plan_note(c, r, ynode_get(ref, "name"), CODE_AMBIGUOUS_REFERENCE,
			  "%s \"%s\" targets \"%s\", and the %ss of that name in %s are equally near: it is left as it is",
			  r->kind, r->name, dep->name, dep->kind, tied);
		free(tied);
	}
	return pick == PLAN_PICK_ONE;
}

long long facts_scaler_max(const struct resource *dep, const struct resource *r, const struct ynode **at)
{
	const struct ynode *ref = ynode_path(r->node, "spec", "scaleTargetRef", NULL);
	const struct ynode *kind = ynode_get(ref, "kind"), *m;

	*at = NULL;
	if (strcmp(r->ns, dep->ns) || !rindex_named(dep, ynode_str(ynode_get(ref, "name"))))
		return -1;
	if (!strcmp(r->kind, "HorizontalPodAutoscaler") && plan_kind_names(kind, dep, false)) {
		*at = ynode_path(r->node, "spec", "maxReplicas", NULL);
		return ynode_int(*at);
	}
	if (!strcmp(r->kind, "ScaledObject") && plan_kind_names(kind, dep, true)) {
		m = ynode_path(r->node, "spec", "maxReplicaCount", NULL);
		*at = m ? m : ref;
		return m ? ynode_int(m) : 100;	/* KEDA's default */
	}
	return -1;
}

static long long autoscaled_max(struct pctx *c, const struct resource *dep,
				const struct resource **by)
{
	long long best = -1;

	*by = NULL;
	for (size_t i = refs_next_scaler(c, dep, HIDX_NONE); i != HIDX_NONE; i = refs_next_scaler(c, dep, i)) {
		const struct resource *r = &c->ri->r[i];
		const struct ynode *at;
		long long max = facts_scaler_max(dep, r, &at);

		if (max < 0 || !scaler_means(c, r, ynode_path(r->node, "spec", "scaleTargetRef", NULL), dep))
			continue;
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

/* The text of a scalar without a NUL byte in it, or NULL. */
static const char *scalar_text(const struct ynode *n)
{
	return ynode_is_scalar(n) && strlen(n->text) == n->tlen ? n->text : NULL;
}

unsigned facts_modes(const struct ynode *m)
{
	static const struct {
		const char *name;
		unsigned bit;
	} modes[] = {
		{ "ReadWriteOnce", DECIDE_RWO },
		{ "ReadOnlyMany", DECIDE_ROX },
		{ "ReadWriteMany", DECIDE_RWX },
		{ "ReadWriteOncePod", DECIDE_RWOP },
	};
	unsigned bits = 0;

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (has_mode(m, modes[i].name))
			bits |= modes[i].bit;
	return bits;
}

/* The claim that dep's volume means (planner.h: scoping); a tie is
 * reported, and leaves the Deployment as it is (f->in.ambiguous). */
static const struct resource *find_claim(struct pctx *c, const struct resource *dep,
					 const struct ynode *claim, struct facts *f)
{
	enum plan_pick pick;
	char *tied = NULL;
	const struct resource *pvc = plan_find(c, dep->in, "PersistentVolumeClaim", dep->ns, claim->text,
					       &pick, &tied);

	if (pick == PLAN_PICK_TIE) {
		plan_note(c, dep, claim, CODE_AMBIGUOUS_REFERENCE,
			  "claim \"%s\" of %s \"%s\" is ambiguous: the PersistentVolumeClaims in %s are equally near; none is used",
			  claim->text, dep->kind, dep->name, tied);
		f->in.ambiguous = true;
		free(tied);
	}
	return pvc;
}

/* Every pod volume on a claim (with a name and a claimName). */
static void read_claims(struct pctx *c, const struct resource *dep, struct facts *f)
{
	const struct ynode *vols = ynode_get(f->podspec, "volumes");
	size_t n = 0, alloc = 0;

	for (size_t i = 0; vols && vols->kind == YNODE_SEQ && i < vols->nkid; i++) {
		const struct ynode *v = vols->kid[i];
		const struct ynode *pvcn = ynode_get(v, "persistentVolumeClaim");
		const struct ynode *claim = ynode_get(pvcn, "claimName");
		const struct ynode *name = ynode_get(v, "name");
		const struct resource *pvc;

		if (!ynode_is_scalar(claim) || !claim->tlen || !ynode_is_scalar(name) || !name->tlen)
			continue;
		pvc = find_claim(c, dep, claim, f);
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			f->claim = xrealloc(f->claim, alloc * sizeof(*f->claim));
			f->use = xrealloc(f->use, alloc * sizeof(*f->use));
		}
		f->claim[n] = (struct decide_claim){
			.name = claim->text,
			.read_only = plan_truthy(ynode_get(pvcn, "readOnly")),
			.mounted_writable = mounted_writable(f->podspec, name->text),
			.found = pvc != NULL,
			.modes = facts_modes(plan_pvc_modes(pvc)),
		};
		f->use[n] = (struct claim_use){ .volume = v, .volname = name->text, .claim = claim, .pvc = pvc,
						.rwx = !!(f->claim[n].modes & DECIDE_RWX) };
		n++;
	}
	f->in.claim = f->claim;
	f->in.nclaim = n;
}

static void read_images(struct facts *f)
{
	const struct ynode *cs = ynode_get(f->podspec, "containers");
	size_t alloc = 0;

	for (size_t i = 0; cs && cs->kind == YNODE_SEQ && i < cs->nkid; i++) {
		const char *img = ynode_str(ynode_get(cs->kid[i], "image"));

		if (!img)
			continue;
		ALLOC_GROW(f->image, f->in.nimage + 1, alloc);
		f->image[f->in.nimage++] = img;
	}
	f->in.image = f->image;
}

/*
 * The first alias stsify would read through: in the Deployment's spec (its
 * document has none when the span tree says so), or in the spec of a
 * writable claim's manifest (an alias, or a merge key).
 */
static void read_alias(struct pctx *c, const struct resource *dep, struct facts *f)
{
	const struct ynode *a = NULL;

	f->alias_claim = SIZE_MAX;
	if (c->in[dep->in].ys->doc[dep->doc].has_alias)
		a = plan_alias_read(f->spec, false);
	for (size_t i = 0; !a && i < f->in.nclaim; i++) {
		const struct resource *pvc = f->use[i].pvc;
		const struct ynode *pspec = pvc ? ynode_get(pvc->node, "spec") : NULL;

		if (!decide_claim_writable(&f->claim[i]))
			continue;
		if (!(a = plan_alias_read(pspec, false)) && plan_has_alias(pspec, false))
			a = pspec;
		if (a)
			f->alias_claim = i;
	}
	f->alias = a;
	f->in.alias = a != NULL;
}

static bool any_writable(const struct facts *f)
{
	for (size_t i = 0; i < f->in.nclaim; i++)
		if (decide_claim_writable(&f->claim[i]))
			return true;
	return false;
}

void facts_read(struct pctx *c, const struct resource *dep, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->alias_claim = SIZE_MAX;
	f->spec = ynode_get(dep->node, "spec");
	f->podspec = ynode_path(f->spec, "template", "spec", NULL);
	f->ann = ynode_path(dep->node, "metadata", "annotations", NULL);
	f->in.kind = dep->kind;
	f->in.api = dep->api;
	f->in.name = dep->name;
	f->in.pod_template = f->spec && f->spec->kind == YNODE_MAP && f->podspec && f->podspec->kind == YNODE_MAP;
	f->in.scaled_max = -1;
	/* decide() reads no more of a Deployment it does not judge */
	if (!decide_api(dep->kind, dep->api) || !dep->name[0] || !f->in.pod_template)
		return;
	read_claims(c, dep, f);
	if (any_writable(f))
		facts_read_rest(c, dep, f);
}

void facts_read_rest(struct pctx *c, const struct resource *dep, struct facts *f)
{
	const struct ynode *replicas;

	if (f->in.replicas || !f->in.pod_template)
		return;
	replicas = ynode_get(f->spec, "replicas");
	f->in.replicas = replicas ? ynode_int(replicas) : 1;
	f->in.scaled_max = autoscaled_max(c, dep, &f->scaler);
	read_images(f);
	f->in.skip = scalar_text(ynode_get(f->ann, "stsify.dev/skip"));
	f->in.convert = scalar_text(ynode_get(f->ann, "stsify.dev/convert"));
	f->in.merge_keys = c->in[dep->in].ys->doc[dep->doc].has_alias && plan_has_alias(dep->node, false);
	read_alias(c, dep, f);
	f->in.selector = ynode_get(f->spec, "selector") ||
			 ynode_count(ynode_path(f->spec, "template", "metadata", "labels", NULL));
}

size_t facts_writable(const struct facts *f, struct claim_use **out)
{
	size_t n = 0;

	*out = xcalloc(f->in.nclaim ? f->in.nclaim : 1, sizeof(**out));
	for (size_t i = 0; i < f->in.nclaim; i++)
		if (decide_claim_writable(&f->claim[i]))
			(*out)[n++] = f->use[i];
	return n;
}

size_t facts_templates(const struct facts *f, const struct verdict *v, struct claim_use **out)
{
	size_t n = 0;

	*out = xcalloc(f->in.nclaim ? f->in.nclaim : 1, sizeof(**out));
	for (size_t i = 0; i < f->in.nclaim; i++)
		if (decide_templated(&f->in, v, i))
			(*out)[n++] = f->use[i];
	return n;
}

void facts_report_alias(struct pctx *c, const struct resource *dep, const struct facts *f)
{
	const struct claim_use *cu = f->alias_claim != SIZE_MAX ? &f->use[f->alias_claim] : NULL;

	if (!cu)
		plan_note(c, dep, f->alias, CODE_UNSUPPORTED_ALIAS,
			  "%s \"%s\" reads a value through an alias: left as it is, convert it by hand",
			  dep->kind, dep->name);
	else
		plan_note(c, cu->pvc, f->alias, CODE_UNSUPPORTED_ALIAS,
			  "claim \"%s\" uses an alias or a merge key (<<) in its spec: %s \"%s\" is left as it is, convert it by hand",
			  cu->claim->text, dep->kind, dep->name);
}

void facts_release(struct facts *f)
{
	free(f->claim);
	free(f->use);
	free(f->image);
	memset(f, 0, sizeof(*f));
}
