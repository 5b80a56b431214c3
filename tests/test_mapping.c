/*
 * test_mapping.c - the field mapping of DESIGN.md section 3 (mapping.h):
 * the operations that make a Deployment's document a StatefulSet's, the
 * volumeClaimTemplates made from the claims, and the findings on the way.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "mapping.h"
#include "test_lib.h"
#include "test_planfix.h"

#define POD                                                                                       \
	"  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n"                 \
	"      containers:\n      - name: c\n        image: postgres\n"                            \
	"        volumeMounts:\n        - {name: data, mountPath: /d}\n"                             \
	"      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: d\n"

static const char *const paths[] = { "a.yaml", "b.yaml", "c.yaml" };

/* Convert Deployment db of texts[0..n) as the planner does. */
static void convert_db(struct planfix *f, const struct stsify_options *opt, const char *const *texts, size_t n)
{
	const struct resource *dep;
	struct facts fa;
	struct claim_use *cu;
	size_t ncu;

	planfix_init(f, opt, paths, texts, n);
	dep = planfix_find(f, "Deployment", "db");
	facts_read(f->c, dep, &fa);
	ncu = facts_writable(&fa, &cu);
	planfix_dplan(f, dep);
	mapping_convert(f->c, dep, cu, ncu);
	free(cu);
	facts_release(&fa);
}

/* The volumeClaimTemplates the plan inserts, as YAML. */
static const char *templates(struct planfix *f)
{
	for (size_t i = 0; i < f->p.nop; i++)
		if (f->p.op[i].kind == OP_INSERT_PAIR && !strcmp(f->p.op[i].key, "volumeClaimTemplates"))
			return planfix_render(f, "volumeClaimTemplates", f->p.op[i].val);
	return "(none)";
}

Test(mapping, a_deployment_becomes_a_statefulset)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n  uid: x\n"
		"  resourceVersion: '1'\n  annotations:\n    deployment.kubernetes.io/revision: '3'\n"
		"spec:\n  replicas: 2\n  progressDeadlineSeconds: 600\n"
		"  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n"
		"  selector:\n    matchLabels:\n      app: db\n" POD "status:\n  replicas: 2\n",
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n"
		"  accessModes: [ReadWriteOnce]\n  storageClassName: fast\n  resources:\n    requests:\n"
		"      storage: 5Gi\n",
	};
	struct planfix f;

	convert_db(&f, NULL, texts, 2);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "add doc \n"
		      "insert serviceName into spec\n"
		      "remove rollingUpdate\n"	/* maxSurge and maxUnavailable empty it */
		      "set strategy -> updateStrategy\n"
		      "remove progressDeadlineSeconds\n"
		      "remove status\n"
		      "remove annotations\n"	/* the revision was the only one */
		      "remove uid\n"
		      "remove resourceVersion\n"
		      "remove volumes\n"	/* the claim's volume was the only one */
		      "insert volumeClaimTemplates into spec\n",
		      "the operations");
	assert_str_eq(planfix_codes(&f),
		      "service-added dropped-field dropped-field dropped-field dropped-field dropped-field "
		      "dropped-field dropped-field data-migration",
		      "the findings");
	assert_str_eq(templates(&f),
		      "volumeClaimTemplates:\n- metadata:\n    name: data\n  spec:\n"
		      "    accessModes:\n    - ReadWriteOnce\n    storageClassName: fast\n"
		      "    resources:\n      requests:\n        storage: 5Gi\n",
		      "the templates");
	assert_size_eq(f.p.d[0].nclaim, 1);
	assert_str_eq(f.p.d[0].claim[0].volume, "data", "the claim plan's volume");
	assert_str_eq(f.p.d[0].claim[0].claim, "d", "the claim plan's claim");
	assert_str_eq(f.p.d[0].service, "db", "the serviceName");
	planfix_release(&f);
}

Test(mapping, recreate_and_an_old_api_version_without_selector)
{
	static const char *const texts[] = {
		"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n  paused: true\n" POD,
	};
	struct planfix f;

	convert_db(&f, NULL, texts, 1);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "set apiVersion -> apps/v1\n"
		      "add doc \n"
		      "insert serviceName into spec\n"
		      "insert selector into spec\n"
		      "set type -> RollingUpdate\n"
		      "remove rollingUpdate\n"
		      "set strategy -> updateStrategy\n"
		      "remove paused\n"
		      "remove volumes\n"	/* the claim's volume was the only one */
		      "insert volumeClaimTemplates into spec\n",
		      "the operations");
	assert_str_eq(planfix_codes(&f),
		      "api-version service-added selector-synthesized update-strategy dropped-field paused "
		      "dropped-field claim-not-found data-migration",
		      "the findings");
	planfix_release(&f);
}

Test(mapping, keep_max_unavailable_and_a_strategy_that_empties)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 1\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  strategy:\n    rollingUpdate:\n      maxSurge: 1\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct planfix f;

	opt.keep_max_unavailable = true;
	convert_db(&f, &opt, texts, 1);
	assert_contains(planfix_ops(&f), "remove maxSurge\nset strategy -> updateStrategy\n");
	assert_not_contains(planfix_ops(&f), "maxUnavailable");
	planfix_release(&f);

	/* {rollingUpdate: {maxSurge: 1}} empties: strategy goes */
	convert_db(&f, NULL, &texts[1], 1);
	assert_contains(planfix_ops(&f), "remove strategy\n");
	assert_not_contains(planfix_ops(&f), "updateStrategy");
	planfix_release(&f);
}

Test(mapping, claim_templates_from_the_manifest)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\n  labels: {a: b}\nspec:\n"
		"  accessModes: [ReadWriteMany, ReadWriteOnce]\n  volumeName: pv-1\n  storageClassName: \"\"\n"
		"  volumeMode: Filesystem\n  dataSource: {kind: VolumeSnapshot, name: snap}\n",
	};
	struct planfix f;

	convert_db(&f, NULL, texts, 2);
	assert_str_eq(templates(&f),
		      "volumeClaimTemplates:\n- metadata:\n    name: data\n  spec:\n"
		      "    accessModes:\n    - ReadWriteOnce\n    storageClassName: \"\"\n"
		      "    volumeMode: Filesystem\n    dataSource:\n      kind: VolumeSnapshot\n      name: snap\n"
		      "    resources:\n      requests:\n        storage: 1Gi\n",
		      "the templates (ReadWriteMany becomes ReadWriteOnce, once)");
	assert_str_eq(planfix_codes(&f), "service-added access-mode claim-binding data-migration", "the findings");
	assert_contains(planfix_messages(&f), "with storageClassName \"\" each replica's claim binds only");
	planfix_release(&f);
}

Test(mapping, keep_access_modes)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n"
		"  accessModes: [ReadWriteMany]\n",
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct planfix f;

	opt.keep_access_modes = true;
	convert_db(&f, &opt, texts, 2);
	assert_contains(templates(&f), "    accessModes:\n    - ReadWriteMany\n");
	assert_str_eq(planfix_codes(&f), "service-added access-mode data-migration", "the findings");
	assert_contains(planfix_messages(&f), "keeps ReadWriteMany, but each replica");
	planfix_release(&f);
}

Test(mapping, a_claim_not_in_the_input)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n  namespace: prod\nspec:\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\n  namespace: dev\nspec:\n"
		"  accessModes: [ReadWriteOnce]\n",
	};
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct planfix f;

	opt.storage_size = "20Gi";
	opt.storage_class = "ssd";
	convert_db(&f, &opt, texts, 2);
	assert_str_eq(templates(&f),
		      "volumeClaimTemplates:\n- metadata:\n    name: data\n  spec:\n"
		      "    accessModes:\n    - ReadWriteOnce\n    storageClassName: ssd\n"
		      "    resources:\n      requests:\n        storage: 20Gi\n",
		      "the templates");
	assert_str_eq(planfix_codes(&f), "service-added claim-not-found data-migration", "the findings");
	assert_contains(planfix_messages(&f),
			"claim \"d\" is not in the input: template \"data\" assumes ReadWriteOnce and 20Gi (--storage-size) of class ssd (--storage-class); check both against the real claim "
			"(a claim of that name is in namespace \"dev\", not in \"prod\")");
	planfix_release(&f);
}

Test(mapping, strategic_merge_patches_follow)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
		"resources: [a.yaml]\npatchesStrategicMerge: [patch.yaml]\n",
		("apiVersion: apps/v1beta2\nkind: Deployment\nmetadata:\n  name: db\nspec:\n"
		 "  strategy: {type: Recreate}\n  progressDeadlineSeconds: 60\n"),
	};
	static const char *const kpaths[] = { "a.yaml", "kustomization.yaml", "patch.yaml" };
	struct planfix f;
	const struct resource *dep;

	planfix_init(&f, NULL, kpaths, texts, 3);
	dep = &f.ri.r[0];
	planfix_dplan(&f, dep);
	mapping_convert_patches(f.c, dep);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "set apiVersion -> apps/v1\n"
		      "set type -> RollingUpdate\n"
		      "set strategy -> updateStrategy\n"
		      "remove progressDeadlineSeconds\n",
		      "the operations on the patch");
	assert_str_eq(planfix_codes(&f), "update-strategy dropped-field reference", "the findings");
	assert_size_eq(f.p.d[0].nref, 1);
	planfix_release(&f);
}
