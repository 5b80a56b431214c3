/*
 * bnames.h - the names of an object as each root build renders it (issue
 * 11 item 7, DESIGN.md section 9): Kustomize's namespace, namePrefix and
 * nameSuffix, read from the kustomizations that lead from the root build
 * to the object's file, without rendering anything.
 *
 * Kustomize applies a kustomization's transformers to what it includes,
 * innermost kustomization first, so along the chain from the root build R
 * down to the kustomization that lists the file:
 *   - namespace: the outermost `namespace:` wins (else the object's own);
 *   - name: outer prefix + inner prefix + name + inner suffix + outer suffix.
 * Components are not read (their transformers apply to what the including
 * kustomization holds: not modelled), nor patches or replacements that
 * rename (rare; a rendered build would show them).  When a file is reached
 * along several chains (a diamond), the first in the order the
 * kustomizations list their entries is taken.
 *
 * Reading, not rendering, is deliberate: a build that only lists
 * resources and sets names is never rendered (kustomize.h), a repository
 * with hundreds of builds costs nothing more, and a build Kustomize cannot
 * render (build-not-rendered: no Kustomize, a remote base) still gets the
 * names its own kustomizations give.
 *
 * For the data-migration finding and --migration-plan, bnames_claim()
 * gives, per root build that includes a converted workload, the claim
 * whose data moves and the claim pod 0 looks for (struct claim_build,
 * report.h):
 *   - the StatefulSet:   the workload's name, transformed;
 *   - the namespace:     the workload's, transformed (pods mount claims of
 *                        their own namespace);
 *   - the old claim:     its manifest's name transformed by the chain that
 *                        reaches the claim's file, when the build includes
 *                        it (Kustomize's nameReference rewrites claimName
 *                        to match); else claimName as written;
 *   - the new claim:     <volume>-<StatefulSet>-0 (a template name is not
 *                        an object name: no prefix).
 *
 * Calling sequence (mapping.c, with the planner's builds):
 *
 *   struct claim_build *cb; size_t ncb;
 *   bnames_claim(&bs, in, dep, pvc, "data", "data", &cb, &ncb);  // none: plain
 *   if (!bnames_as_written(cb, ncb, ns, claim, newclaim))   // else: the source's names
 *           bnames_pairs(&sb, cb, ncb);   // claim "prod/x" to claim "prod/y" (build "p"), ...
 *   claim_builds_free(cb, ncb);      // report.h
 *
 * Ownership: the arrays and strings made are the caller's.
 */
#ifndef STSIFY_BNAMES_H
#define STSIFY_BNAMES_H

#include <stdbool.h>
#include <stddef.h>

struct builds;
struct claim_build;
struct plan_input;
struct resource;
struct strbuf;

/* What root build root does to the names of input i's objects. */
struct bn_xf {
	const char *ns;		/* the namespace it sets, or NULL (points into in[]) */
	char *prefix, *suffix;	/* "" when none */
};

/* The transformation root build root (an index into bs->b) applies to
 * input i: false (xf untouched) when its closure does not hold i. */
bool bnames_xf(const struct builds *bs, const struct plan_input *in, size_t root, size_t i,
	       struct bn_xf *xf);
void bnames_xf_release(struct bn_xf *xf);
/* prefix + name + suffix, malloc'd. */
char *bnames_apply(const struct bn_xf *xf, const char *name);

/*
 * The names of claim `claim` (its manifest pvc, or NULL) of workload dep,
 * mounted as pod volume `volume`, per root build that includes dep's
 * input, in the order of bs->root: *out (malloc'd), *n of them; none for
 * a plain input.
 */
void bnames_claim(const struct builds *bs, const struct plan_input *in, const struct resource *dep,
		  const struct resource *pvc, const char *claim, const char *volume,
		  struct claim_build **out, size_t *n);

/* Does every build of cb[0..n) (none too) render the names as written:
 * namespace ns, claim and new_claim? */
bool bnames_as_written(const struct claim_build *cb, size_t n, const char *ns, const char *claim,
		       const char *new_claim);
/* "claim "NS/OLD" to claim "NS/NEW" (build "B"), of claim ... (builds "C",
 * "D")": the pairs of cb[0..n), the builds that render the same pair
 * grouped, in the order of their first build; past five pairs, or five
 * builds of a pair, the rest are counted ("and 3 more"). */
void bnames_pairs(struct strbuf *sb, const struct claim_build *cb, size_t n);

#endif
