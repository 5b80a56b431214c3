/*
 * facts.h - what the planner reads about a Deployment before deciding: the
 * plain facts of decide.h (its claims, replicas and autoscalers, images,
 * annotations, aliases, selector), with the span-tree nodes the findings
 * and the field mapping need.
 *
 *   struct facts f;
 *
 *   facts_read(c, dep, &f);
 *   decide(&f.in, opt, ru, &v);
 *   ... n = facts_templates(&f, &v, &cu);   // the claims that become templates
 *   facts_release(&f);
 *
 * Nothing here decides or records an operation; facts_report_alias() adds
 * the unsupported-alias finding for the alias facts_read() found.
 * Everything points into the inputs' span trees, which must outlive f.
 */
#ifndef STSIFY_FACTS_H
#define STSIFY_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"

struct pctx;
struct resource;
struct ynode;

/* One pod volume on a claim: its nodes. */
struct claim_use {
	const struct ynode *volume;	/* the item of template.spec.volumes */
	const char *volname;
	const struct ynode *claim;	/* the claimName scalar */
	const struct resource *pvc;	/* NULL when not in the input */
	bool rwx;			/* the manifest lists ReadWriteMany */
};

struct facts {
	struct decide_input in;		/* what decide() reads */
	const struct ynode *spec, *podspec, *ann;	/* spec, its pod spec, annotations */
	struct decide_claim *claim;	/* in.claim: every pod volume on a claim */
	struct claim_use *use;		/* use[i]: the nodes of claim[i] */
	const char **image;		/* in.image */
	const struct resource *scaler;	/* the autoscaler of in.scaled_max, or NULL */
	const struct ynode *alias;	/* in.alias: the alias (or merge key) */
	size_t alias_claim;		/* the claim whose spec holds it; SIZE_MAX: the Deployment's spec */
};

/*
 * Read the facts about Deployment dep.  Only what decide() reads is read:
 * nothing past the pod template check for a Deployment it does not judge,
 * nothing past the claims when none is writable.
 */
void facts_read(struct pctx *c, const struct resource *dep, struct facts *f);
/* The facts facts_read() leaves unread for a workload without a writable
 * claim (replicas, autoscalers, images, annotations, selector), for one
 * that a build converts for a claim its patch adds (rules.h); nothing when
 * they are read already or it has no pod template. */
void facts_read_rest(struct pctx *c, const struct resource *dep, struct facts *f);
/* The writable claims, in order: *out gets a malloc'd array (the caller
 * frees it), the return value its length. */
size_t facts_writable(const struct facts *f, struct claim_use **out);
/* The claims that become templates by verdict v (decide_templated()),
 * the same way. */
size_t facts_templates(const struct facts *f, const struct verdict *v, struct claim_use **out);
/* Report f->alias (unsupported-alias). */
void facts_report_alias(struct pctx *c, const struct resource *dep, const struct facts *f);
void facts_release(struct facts *f);

/* The maximum replica count autoscaler r (a HorizontalPodAutoscaler or a
 * KEDA ScaledObject) gives dep, with *at its node (the maximum, or the
 * ScaledObject's target when it has none); -1 when r does not scale dep. */
long long facts_scaler_max(const struct resource *dep, const struct resource *r, const struct ynode **at);

/* The enum decide_mode bits of a claim's accessModes (0 for NULL). */
unsigned facts_modes(const struct ynode *modes);
/* The labels dep's selector matches exactly: spec.selector.matchLabels, or
 * the plain map spec.selector of a kind that writes it so (workload.h,
 * SELECTOR_MAP); NULL when there is none. */
const struct ynode *facts_match_labels(const struct resource *dep);

#endif
