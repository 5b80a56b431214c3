/*
 * planner.h - the planner's working state, shared by the modules that make
 * a plan (internal: callers use plan.h).
 *
 * plan.c drives: plan_begin() fills a struct pctx and its indexes, then
 * plan_one() takes each Deployment through facts.c (what it is: claims,
 * autoscalers, images, aliases), decide.c (the decision table, which needs
 * no planner state), mapping.c (the field mapping), service.c (the
 * headless Service) and refs.c (the objects that name it).  Each of them records operations and findings through the
 * primitives below, which keep the plan's indexes up to date.
 *
 *   plan_note(c, r, at, code, fmt, ...)        a finding at node at (or r)
 *   plan_add_op(c, kind, r, node)              a new operation on r's document
 *   plan_set_scalar(c, r, node, text)          set once, even when asked twice
 *   plan_remove(c, r, node, keep)              remove, with the parent it empties
 *   plan_add_ref(c, r, at)                     r now names the current StatefulSet
 *
 * and reads the span trees with the helpers at the end (booleans, aliases,
 * access modes).  This module depends on no other part of the planner, so
 * that each of them can depend on it (tests/layers.sh).
 *
 * c->dep is the Deployment plan being built: operations and references go
 * to it; findings belong to it (c->owner) until the decision is made.
 * Everything is on the calling thread.
 */
#ifndef STSIFY_PLANNER_H
#define STSIFY_PLANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "builds.h"
#include "codes.h"
#include "plandata.h"
#include "report.h"
#include "util.h"

struct rindex;
struct rules;
struct stsify_options;

/* A patch target of a kustomization: document doc of input in, the
 * list (patches or patchesJson6902) and the item; inline: an item without
 * a target name whose patch text names a workload (indexed by that name). */
struct kpatch {
	size_t in, doc, list, item;
	bool inline_patch;
};

struct pick_memo;

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
	/* what manages the repository, for the data-migration finding:
	 * "Argo CD (Application \"shop\")", ...; NULL when nothing seen */
	char *managed;
	struct builds bs;	/* the Kustomize builds of in[0..nin) (builds.h) */
	size_t *svc_owner;	/* per object of ri: service.c's cache */
	struct pick_memo *memo;	/* plan_find()'s answers, by input, kind, namespace, name */
	size_t nmemo, amemo;
	struct hidx memo_by;
	void *safety;		/* safety.c's index, built when first needed */
};

/* A finding about r at node at (r's object when NULL), owned by c->owner. */
struct finding *plan_note(struct pctx *c, const struct resource *r, const struct ynode *at,
			  enum code code, const char *fmt, ...)
	ATTR_PRINTF(5, 6);
/* A new operation of Deployment plan c->dep on node of r's document; the
 * caller fills the rest (where, after, key, val: the plan owns them). */
struct op *plan_add_op(struct pctx *c, enum op_kind kind, const struct resource *r,
		       const struct ynode *node);
/* Is there an operation of this kind on node n? */
bool plan_has_op(const struct pctx *c, enum op_kind kind, const struct ynode *n);
/* A resource the plan owns (zeroed), for an object of no index. */
struct resource *plan_new_resource(struct pctx *c);
/* Record that r (at node at) now names the StatefulSet of c->dep. */
void plan_add_ref(struct pctx *c, const struct resource *r, const struct ynode *at);
/* Set scalar n to value (raw text); a node already set is set once. */
void plan_set_scalar(struct pctx *c, const struct resource *r, const struct ynode *n,
		     const char *value);
bool plan_is_removed(const struct pctx *c, const struct ynode *n);
/* Remove n (a map value with its key, or a sequence item); when that
 * empties its parent, remove the parent instead, unless it is among the
 * NULL-terminated keep[]. */
void plan_remove(struct pctx *c, const struct resource *r, const struct ynode *n,
		 const struct ynode *const *keep);

/*
 * Scoping (DESIGN.md section 9): which object a reference means.  An
 * object of input a may be matched with one of input b when a root build
 * includes both, or neither is in any build (plain manifests:
 * plan_in_scope()).  Among the objects in scope that a reference can mean
 * (the same kind, namespace and name), the nearest wins: the same file,
 * then the same folder, then the longest common folder path; two equally
 * near are a tie, and nothing is guessed.  Several in the reference's own
 * file are no tie (a stream such as kustomize build output: the first is
 * picked, and each is meant).  Objects in strategic-merge
 * patch files are never candidates (they patch one, they are not one).
 * Every lookup of a claim, autoscaler, Service or patch for a Deployment
 * goes through here.
 */
enum plan_pick {
	PLAN_PICK_NONE,		/* no candidate in scope */
	PLAN_PICK_ONE,		/* the nearest */
	PLAN_PICK_TIE,		/* two or more equally near */
};

bool plan_in_scope(const struct pctx *c, size_t a, size_t b);
/*
 * The one of cand[0..n) that an object of input from means (*pick), or
 * NULL.  On a tie, *tied (unless tied is NULL) is set to the paths of the
 * equally near candidates, "a.yaml and b/c.yaml" (malloc'd).
 */
const struct resource *plan_pick(const struct pctx *c, size_t from, const struct resource *const *cand,
				 size_t n, enum plan_pick *pick, char **tied);
/* plan_pick() among the objects of kind, namespace ns and name (or that
 * went by that name: rindex_find_named()), patch files left out. */
const struct resource *plan_find(struct pctx *c, size_t from, const char *kind, const char *ns,
				 const char *name, enum plan_pick *pick, char **tied);
/* plan_find()'s answers forgotten (plan_end()). */
void plan_memo_release(struct pctx *c);
/* Are inputs a and b the same file? */
bool plan_same_file(const struct pctx *c, size_t a, size_t b);
/* Does an object of input from that names dep's kind, namespace and name
 * mean dep?  PLAN_PICK_ONE: yes; PLAN_PICK_TIE: dep and another are
 * equally near (*tied as for plan_pick()); PLAN_PICK_NONE: no. */
enum plan_pick plan_means(struct pctx *c, size_t from, const struct resource *dep, char **tied);

/* Span-tree readers the parts of the planner share: */

/* true, True or TRUE (what Kubernetes reads as a true boolean). */
bool plan_truthy(const struct ynode *n);
/* Any merge key inside n (or, with aliases, any alias or anchor)? */
bool plan_has_alias(const struct ynode *n, bool aliases);
/* The first alias among the parts of a spec that stsify reads or copies
 * (container: n is a container, of which only some fields count). */
const struct ynode *plan_alias_read(const struct ynode *n, bool container);
/* spec.accessModes of a claim (NULL for NULL). */
const struct ynode *plan_pvc_modes(const struct resource *pvc);
/*
 * Does kind (the kind node of a reference: an autoscaler's target, a
 * patch; NULL when absent, which for a KEDA ScaledObject, keda, means
 * Deployment) name dep's kind?  dep a StatefulSet an earlier run made
 * (refs.h, convergence): any kind stsify converts names it.
 */
bool plan_kind_names(const struct ynode *kind, const struct resource *dep, bool keda);

#endif
