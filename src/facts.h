/*
 * facts.h - what the planner reads about a Deployment before deciding:
 * its writable claims, the largest replica count its autoscalers allow,
 * the stateful image it runs, and the aliases stsify cannot read through.
 *
 * The decision (DESIGN.md section 2) is made from these; nothing here
 * decides or records an operation.  facts_aliases_read() reports the alias
 * it finds (unsupported-alias).  Everything points into the inputs' span
 * trees, which must outlive the result.
 */
#ifndef STSIFY_FACTS_H
#define STSIFY_FACTS_H

#include <stdbool.h>
#include <stddef.h>

struct pctx;
struct resource;
struct ynode;

/* One pod volume backed by a writable claim. */
struct claim_use {
	const struct ynode *volume;	/* the item of template.spec.volumes */
	const char *volname;
	const struct ynode *claim;	/* the claimName scalar */
	const struct resource *pvc;	/* NULL when not in the input */
	bool rwx;
};

/* true, True or TRUE (what Kubernetes reads as a true boolean). */
bool facts_truthy(const struct ynode *n);
/* Any merge key inside n (or, with aliases, any alias or anchor)? */
bool facts_has_alias(const struct ynode *n, bool aliases);
/* The first alias among the parts of a spec that stsify reads or copies
 * (container: n is a container, of which only some fields count). */
const struct ynode *facts_alias_read(const struct ynode *n, bool container);
/* Report the first alias that stsify would read through in the
 * Deployment's spec or its claims' specs; true when there is one. */
bool facts_aliases_read(struct pctx *c, const struct resource *dep, const struct ynode *spec,
			const struct claim_use *cu, size_t ncu);
/* spec.accessModes of a claim (NULL for NULL). */
const struct ynode *facts_pvc_modes(const struct resource *pvc);
/* The claims that the pod template podspec mounts writably and that are
 * not ReadOnlyMany only: *out gets a malloc'd array (the caller frees it),
 * the return value its length. */
size_t facts_claims(struct pctx *c, const struct resource *dep, const struct ynode *podspec,
		    struct claim_use **out);
/* The largest replica count an autoscaler of the Deployment allows (-1:
 * none), and in *by that autoscaler (HorizontalPodAutoscaler or KEDA
 * ScaledObject). */
long long facts_autoscaled_max(struct pctx *c, const struct resource *dep, const struct resource **by);
/* The labels dep's selector matches exactly: spec.selector.matchLabels, or
 * the plain map spec.selector of a kind that writes it so (workload.h,
 * SELECTOR_MAP); NULL when there is none. */
const struct ynode *facts_match_labels(const struct resource *dep);
/* The first container image of podspec that the rules call stateful, or NULL. */
const char *facts_stateful_image(struct pctx *c, const struct ynode *podspec);

#endif
