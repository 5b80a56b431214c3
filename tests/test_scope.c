/*
 * test_scope.c - scoping (planner.h, DESIGN.md section 9): a reference
 * means an object of its own build, or for plain manifests the nearest
 * one; a tie is ambiguous-reference and nothing is guessed.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_lib.h"
#include "test_planfix.h"

#define DEPLOY                                                                                    \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  replicas: 2\n"       \
	"  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"   \
	"    spec:\n      containers: [{name: db, image: x, volumeMounts: [{name: d, mountPath: /d}]}]\n" \
	"      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n"
#define PVC(mode)                                                                                 \
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"                    \
	"spec: {accessModes: [" mode "], resources: {requests: {storage: 1Gi}}}\n"
#define HPA                                                                                       \
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: db}\n"        \
	"spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: db}, maxReplicas: 3}\n"

/* The object of kind in input in. */
static const struct resource *in_input(struct planfix *f, const char *kind, size_t in)
{
	for (size_t i = 0; i < f->ri.n; i++)
		if (!strcmp(f->ri.r[i].kind, kind) && f->ri.r[i].in == in)
			return &f->ri.r[i];
	cr_assert_fail("no %s in input %zu", kind, in);
	return NULL;
}

static const char *pick_name(enum plan_pick p)
{
	return p == PLAN_PICK_ONE ? "one" : p == PLAN_PICK_TIE ? "tie" : "none";
}

Test(scope, nearest_plain_claim_wins)
{
	static const char *const paths[] = { "v2/pvc.yaml", "v1/deploy.yaml", "v1/pvc.yaml", "pvc.yaml" };
	static const char *const texts[] = { PVC("ReadWriteMany"), DEPLOY, PVC("ReadWriteOnce"), PVC("ReadWriteMany") };
	struct planfix f;
	enum plan_pick pick;
	const struct resource *pvc;

	planfix_init(&f, NULL, paths, texts, 4);
	pvc = plan_find(f.c, 1, "PersistentVolumeClaim", "", "data", &pick, NULL);
	assert_str_eq(pick_name(pick), "one", "the pick for v1/deploy.yaml");
	cr_assert(pvc == in_input(&f, "PersistentVolumeClaim", 2), "expected v1/pvc.yaml (same folder), got %s",
		  pvc ? f.in[pvc->in].src->path : "none");
	planfix_release(&f);
}

Test(scope, longest_common_path_then_tie)
{
	static const char *const paths[] = { "a/x/deploy.yaml", "a/x/y/pvc.yaml", "a/pvc.yaml", "b/pvc.yaml" };
	static const char *const texts[] = { DEPLOY, PVC("ReadWriteOnce"), PVC("ReadWriteOnce"), PVC("ReadWriteOnce") };
	static const char *const tpaths[] = { "a/x/deploy.yaml", "a/y/pvc.yaml", "a/z/pvc.yaml" };
	struct planfix f;
	enum plan_pick pick;
	char *tied = NULL;
	const struct resource *pvc;

	planfix_init(&f, NULL, paths, texts, 4);
	pvc = plan_find(f.c, 0, "PersistentVolumeClaim", "", "data", &pick, &tied);
	cr_assert(pvc && pvc->in == 1, "expected a/x/y/pvc.yaml (a/x in common), got %s",
		  pvc ? f.in[pvc->in].src->path : "none");
	planfix_release(&f);

	planfix_init(&f, NULL, tpaths, texts, 3);
	pvc = plan_find(f.c, 0, "PersistentVolumeClaim", "", "data", &pick, &tied);
	assert_str_eq(pick_name(pick), "tie", "a/y and a/z are equally near a/x");
	cr_assert(pvc == NULL, "a tie picks nothing, got %s", pvc ? f.in[pvc->in].src->path : "?");
	assert_str_eq(tied, "a/y/pvc.yaml and a/z/pvc.yaml", "the tied paths");
	free(tied);
	planfix_release(&f);
}

Test(scope, builds_keep_variants_apart)
{
	static const char *const paths[] = { "v1/kustomization.yaml", "v1/deploy.yaml", "v2/kustomization.yaml",
					     "v2/pvc.yaml" };
	static const char *const texts[] = { "resources: [deploy.yaml]\n", DEPLOY,
					     "resources: [pvc.yaml]\n", PVC("ReadWriteOnce") };
	struct planfix f;
	enum plan_pick pick;

	planfix_init(&f, NULL, paths, texts, 4);
	cr_assert(!plan_in_scope(f.c, 1, 3), "v1 and v2 are separate builds: expected out of scope");
	cr_assert(plan_in_scope(f.c, 1, 0), "v1/deploy.yaml and its kustomization: expected in scope");
	plan_find(f.c, 1, "PersistentVolumeClaim", "", "data", &pick, NULL);
	assert_str_eq(pick_name(pick), "none", "the claim of another build");
	planfix_release(&f);
}

Test(scope, autoscaler_means_its_nearest_deployment)
{
	static const char *const paths[] = { "v1/deploy.yaml", "v1/hpa.yaml", "v2/deploy.yaml", "hpa.yaml" };
	static const char *const texts[] = { DEPLOY, HPA, DEPLOY, HPA };
	struct planfix f;
	const struct resource *d1, *d2;
	char *tied = NULL;

	planfix_init(&f, NULL, paths, texts, 4);
	d1 = in_input(&f, "Deployment", 0);
	d2 = in_input(&f, "Deployment", 2);
	assert_str_eq(pick_name(plan_means(f.c, 1, d1, NULL)), "one", "v1/hpa.yaml means v1's Deployment");
	assert_str_eq(pick_name(plan_means(f.c, 1, d2, NULL)), "none", "v1/hpa.yaml does not mean v2's");
	assert_str_eq(pick_name(plan_means(f.c, 3, d2, &tied)), "tie", "hpa.yaml is as near to both");
	assert_str_eq(tied, "v1/deploy.yaml and v2/deploy.yaml", "the tied paths");
	free(tied);
	planfix_release(&f);
}

Test(scope, ambiguous_claim_leaves_the_deployment)
{
	static const char *const paths[] = { "app/deploy.yaml", "app/x/pvc.yaml", "app/y/pvc.yaml" };
	static const char *const texts[] = { DEPLOY, PVC("ReadWriteOnce"), PVC("ReadWriteOnce") };
	struct planfix f;

	planfix_init(&f, NULL, paths, texts, 3);
	plan_one((struct planner *)f.c, in_input(&f, "Deployment", 0));
	assert_size_eq(f.p.nd, 0);
	assert_size_eq(f.p.ndec, 1);
	cr_assert(!f.p.dec[0].converted, "an ambiguous claim: expected the Deployment left as it is");
	assert_str_eq(code_name(f.p.dec[0].reason), "ambiguous-reference", "the decision's reason");
	assert_str_eq(planfix_messages(&f),
		      "claim \"data\" of Deployment \"db\" is ambiguous: the PersistentVolumeClaims in "
		      "app/x/pvc.yaml and app/y/pvc.yaml are equally near; none is used\n"
		      "claim \"data\" is shared by 2 replicas of Deployment \"db\"\n",
		      "the findings");
	planfix_release(&f);
}

Test(scope, findings_once_per_source_location)
{
	struct report rep = REPORT_INIT;

	report_add_at(&rep, "base/deploy.yaml", 3, 7, CODE_SHARED_PVC, "claim \"%s\" is shared", "data");
	report_add_at(&rep, "base/deploy.yaml", 3, 7, CODE_SHARED_PVC, "claim \"%s\" is shared", "data");
	report_add_at(&rep, "base/deploy.yaml", 3, 7, CODE_SHARED_PVC, "claim \"%s\" is shared", "logs");
	report_add_at(&rep, "other/deploy.yaml", 3, 7, CODE_SHARED_PVC, "claim \"%s\" is shared", "data");
	report_add_at(&rep, "base/deploy.yaml", 3, 7, CODE_SHARED_PVC, "claim \"%s\" is shared", "data");
	report_dedup(&rep);
	assert_size_eq(rep.n, 3);
	assert_str_eq(rep.f[1].msg, "claim \"logs\" is shared", "the second finding kept");
	assert_str_eq(rep.f[2].path, "other/deploy.yaml", "the third finding kept");
	report_release(&rep);
}
