/*
 * test_refs.c - the references that follow a converted Deployment
 * (refs.h, DESIGN.md section 5): autoscalers, kustomization patch targets;
 * and the kustomization paths that say which files are patches.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "refs.h"
#include "test_lib.h"
#include "test_planfix.h"

#define DEPLOY(ns)                                                                                \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n" ns "spec:\n"              \
	"  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"   \
	"    spec: {containers: []}\n"

Test(refs, path_join_and_norm)
{
	static const struct {
		const char *base, *rel, *want;
	} t[] = {
		{ "dir/of/kustomization.yaml", "../x/./p.yaml", "dir/x/p.yaml" },
		{ "kustomization.yaml", "p.yaml", "p.yaml" },
		{ "a/kustomization.yaml", "/abs/p.yaml", "/abs/p.yaml" },
		{ "a/kustomization.yaml", "../../p.yaml", "../p.yaml" },
		{ "a/b/kustomization.yaml", "c//d/../p.yaml", "a/b/c/p.yaml" },
		{ "/root/k.yaml", "p.yaml", "/root/p.yaml" },
		{ "", "/root/./p.yaml", "/root/p.yaml" },
		{ "", "a/./b/../c.yaml", "a/c.yaml" },
		{ "", "../../x", "../../x" },
		{ "", "./", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *got = refs_path_join(t[i].base, t[i].rel);

		cr_expect(!strcmp(got, t[i].want), "refs_path_join(\"%s\", \"%s\"): expected \"%s\", got \"%s\"",
			  t[i].base, t[i].rel, t[i].want, got);
		free(got);
	}
	{
		char *got = plan_path_norm("x/../y/./z.yaml");

		assert_str_eq(got, "y/z.yaml", "plan_path_norm(\"x/../y/./z.yaml\")");
		free(got);
	}
}

Test(refs, patch_files_named_by_kustomizations)
{
	static const char *const paths[] = { "app/kustomization.yaml", "app/patch.yaml", "app/./json.yaml",
					     "other/patch.yaml" };
	static const char *const texts[] = {
		("patchesStrategicMerge:\n- patch.yaml\n- |\n  inline: patch\n"
		 "patches:\n- path: ../app/json.yaml\n- patch: '[]'\n  target: {kind: Deployment}\n"),
		"kind: Deployment\n",
		"[]\n",
		"kind: Deployment\n",
	};
	struct planfix f;
	bool patch[4] = { false };

	planfix_init(&f, NULL, paths, texts, 4);
	plan_patch_files(f.in, paths, 4, patch);
	cr_expect(!patch[0], "the kustomization is not a patch");
	cr_expect(patch[1], "app/patch.yaml is in patchesStrategicMerge: expected a patch");
	cr_expect(patch[2], "app/./json.yaml is the path of a patches entry: expected a patch");
	cr_expect(!patch[3], "other/patch.yaml is named by no kustomization");
	planfix_release(&f);
}

Test(refs, kustomizations_and_scale_targets)
{
	static const char *const paths[] = { "a/Kustomization", "b.yaml" };
	static const char *const texts[] = {
		"resources: []\n",
		"kind: Kustomization\n---\nkind: Other\n---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
		"spec: {scaleTargetRef: {kind: Deployment, name: db}}\n---\n"
		"apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: v}\n"
		"spec: {targetRef: {kind: Deployment, name: web}}\n---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"
		"spec: {scaleTargetRef: {name: db}}\n",
	};
	struct planfix f;

	planfix_init(&f, NULL, paths, texts, 2);
	cr_expect(refs_is_kustomization(&f.in[0], f.ys[0].doc[0].root), "a/Kustomization: expected one");
	cr_expect(refs_is_kustomization(&f.in[1], f.ys[1].doc[0].root), "kind: Kustomization: expected one");
	cr_expect(!refs_is_kustomization(&f.in[1], f.ys[1].doc[1].root), "kind: Other in b.yaml: expected none");
	assert_scalar(refs_scale_target(planfix_find(&f, "HorizontalPodAutoscaler", "h")), "db");
	assert_scalar(refs_scale_target(planfix_find(&f, "VerticalPodAutoscaler", "v")), "web");
	cr_expect(refs_scale_target(planfix_find(&f, "ConfigMap", "cm")) == NULL,
		  "a ConfigMap has no scale target: expected none");
	planfix_release(&f);
}

Test(refs, autoscalers_follow)
{
	static const char *const paths[] = { "a.yaml", "b.yaml" };
	static const char *const texts[] = {
		DEPLOY(""),
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
		"  scaleTargetRef:\n    apiVersion: extensions/v1beta1\n    kind: Deployment\n    name: db\n"
		"  maxReplicas: 3\n---\n"
		"apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: k}\nspec:\n"
		"  scaleTargetRef:\n    name: db\n---\n"
		"apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: v}\nspec:\n"
		"  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: db\n---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: elsewhere, namespace: x}\n"
		"spec:\n  scaleTargetRef: {kind: Deployment, name: db}\n---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: rs}\n"
		"spec:\n  scaleTargetRef: {kind: ReplicaSet, name: db}\n---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: al}\n"
		"spec:\n  scaleTargetRef: &r {kind: Deployment, name: db}\n",
	};
	struct planfix f;
	const struct resource *dep;

	planfix_init(&f, NULL, paths, texts, 2);
	dep = planfix_find(&f, "Deployment", "db");
	planfix_dplan(&f, dep);
	refs_retarget_scalers(f.c, dep);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "set apiVersion -> apps/v1\n"
		      "insert kind into scaleTargetRef\n"
		      "set kind -> StatefulSet\n",
		      "the operations (HPA, KEDA without a kind, VPA)");
	assert_str_eq(planfix_codes(&f), "reference reference reference unsupported-alias", "the findings");
	assert_size_eq(f.p.d[0].nref, 3);
	assert_str_eq(f.p.d[0].ref[1].name, "k", "the second reference");
	planfix_release(&f);
}

Test(refs, kustomization_patch_targets_follow)
{
	static const char *const paths[] = { "app/deploy.yaml", "app/kustomization.yaml", "list.yaml" };
	static const char *const texts[] = {
		DEPLOY("  namespace: prod\n"),
		"resources: [deploy.yaml]\n"
		"patches:\n- path: p.yaml\n  target: {kind: Deployment, name: db}\n"
		"- path: q.yaml\n  target: {kind: Deployment, name: db, namespace: dev}\n"
		"patchesJson6902:\n- path: j.yaml\n  target: {kind: Deployment, name: db, namespace: prod}\n"
		"- path: w.yaml\n  target: {kind: Deployment, name: web}\n",
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: kustomize.config.k8s.io/v1beta1\n  kind: Kustomization\n  metadata: {name: k}\n"
		"  patches:\n  - patch: '[]'\n    target: {kind: Deployment, name: db}\n",
	};
	struct planfix f;
	const struct resource *dep;

	planfix_init(&f, NULL, paths, texts, 3);
	dep = planfix_find(&f, "Deployment", "db");
	planfix_dplan(&f, dep);
	refs_retarget_kustomize(f.c, dep);
	assert_str_eq(planfix_ops(&f), "set kind -> StatefulSet\nset kind -> StatefulSet\n",
		      "the operations (p.yaml and j.yaml in the file; not the List's Kustomization, "
		      "a plain file outside the build of app/)");
	assert_str_eq(planfix_messages(&f),
		      "patches target of app/kustomization.yaml now names StatefulSet \"db\"\n"
		      "patchesJson6902 target of app/kustomization.yaml now names StatefulSet \"db\"\n",
		      "the findings");
	planfix_release(&f);
}

Test(refs, list_kustomization_patch_targets_follow)
{
	static const char *const paths[] = { "deploy.yaml", "list.yaml" };
	static const char *const texts[] = {
		DEPLOY("  namespace: prod\n"),
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: kustomize.config.k8s.io/v1beta1\n  kind: Kustomization\n  metadata: {name: k}\n"
		"  patches:\n  - patch: '[]'\n    target: {kind: Deployment, name: db}\n",
	};
	struct planfix f;
	const struct resource *dep;

	planfix_init(&f, NULL, paths, texts, 2);
	dep = planfix_find(&f, "Deployment", "db");
	planfix_dplan(&f, dep);
	refs_retarget_kustomize(f.c, dep);
	assert_str_eq(planfix_ops(&f), "set kind -> StatefulSet\n", "the operations (the List's Kustomization)");
	assert_str_eq(planfix_messages(&f), "patches target of list.yaml now names StatefulSet \"db\"\n",
		      "the findings");
	planfix_release(&f);
}
