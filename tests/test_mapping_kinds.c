/*
 * test_mapping_kinds.c - the field mapping of the kinds besides Deployment
 * (workload.h, mapping.h): a ReplicaSet, a ReplicationController's plain
 * selector map, an OpenShift DeploymentConfig's strategy, triggers and
 * test, and a strategic-merge patch of that kind.
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

/* Convert workload db (of that kind) of texts[0..n) as the planner does. */
static void convert_db(struct planfix *f, const char *kind, const char *const *texts, size_t n)
{
	const struct resource *dep;
	struct facts fa;
	struct claim_use *cu;
	size_t ncu;

	planfix_init(f, NULL, paths, texts, n);
	dep = planfix_find(f, kind, "db");
	facts_read(f->c, dep, &fa);
	ncu = facts_writable(&fa, &cu);
	planfix_dplan(f, dep);
	mapping_convert(f->c, dep, cu, ncu);
	mapping_data_path(f->c, dep, cu, ncu);
	free(cu);
	facts_release(&fa);
}

/* The value of the inserted pair key, as YAML. */
static const char *inserted(struct planfix *f, const char *key)
{
	for (size_t i = 0; i < f->p.nop; i++)
		if (f->p.op[i].kind == OP_INSERT_PAIR && !strcmp(f->p.op[i].key, key))
			return planfix_render(f, key, f->p.op[i].val);
	return "(none)";
}

/* The op inserting key. */
static const struct op *insertion(struct planfix *f, const char *key)
{
	for (size_t i = 0; i < f->p.nop; i++)
		if (f->p.op[i].kind == OP_INSERT_PAIR && !strcmp(f->p.op[i].key, key))
			return &f->p.op[i];
	cr_assert_fail("no insertion of %s", key);
	return NULL;
}

Test(mapping_kinds, a_replicaset_keeps_its_selector_and_gets_no_strategy)
{
	static const char *const texts[] = {
		"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n"
		"  selector: {matchLabels: {app: db}}\n" POD,
	};
	struct planfix f;

	convert_db(&f, "ReplicaSet", texts, 1);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "add doc \n"
		      "insert serviceName into spec\n"
		      "remove volumes\n"
		      "insert volumeClaimTemplates into spec\n",
		      "the operations");
	assert_str_eq(planfix_codes(&f), "service-added claim-not-found data-migration", "the findings");
	planfix_release(&f);
}

Test(mapping_kinds, a_plain_selector_map_becomes_match_labels_where_it_stood)
{
	static const char *const texts[] = {
		"apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: db\nspec:\n  replicas: 2\n"
		"  minReadySeconds: 5\n  selector:\n    app: db\n    tier: data\n" POD,
	};
	struct planfix f;
	const struct op *o;

	convert_db(&f, "ReplicationController", texts, 1);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "set apiVersion -> apps/v1\n"
		      "add doc \n"
		      "insert serviceName into spec\n"
		      "remove selector\n"
		      "insert selector into spec\n"
		      "remove volumes\n"
		      "insert volumeClaimTemplates into spec\n",
		      "the operations");
	assert_str_eq(inserted(&f, "selector"), "selector:\n  matchLabels:\n    app: db\n    tier: data\n",
		      "the new selector");
	o = insertion(&f, "selector");
	cr_assert_eq(o->where, INS_AFTER, "expected the selector after a key, got where %d", o->where);
	assert_str_eq(o->after->text, "minReadySeconds", "the key the selector follows");
	assert_str_eq(planfix_codes(&f), "api-version service-added claim-not-found data-migration", "the findings");
	planfix_release(&f);
}

/* First in spec: after the run of removed pairs it starts, so that the
 * insertion is where that removal ends; an empty map is made from the
 * pod template's labels. */
Test(mapping_kinds, a_selector_first_in_spec_and_an_empty_one)
{
	static const char *const texts[] = {
		"apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: db\nspec:\n"
		"  selector:\n    app: db\n  test: true\n  triggers: []\n  replicas: 2\n" POD,
		"apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: db\nspec:\n  replicas: 2\n"
		"  selector: {}\n" POD,
	};
	struct planfix f;
	const struct op *o;

	convert_db(&f, "DeploymentConfig", texts, 1);
	o = insertion(&f, "selector");
	cr_assert_eq(o->where, INS_AFTER, "expected the selector after a key, got where %d", o->where);
	assert_str_eq(o->after->text, "triggers", "the last removed key of the run");
	planfix_release(&f);

	convert_db(&f, "ReplicationController", &texts[1], 1);
	assert_contains(planfix_ops(&f), "remove selector\n");
	assert_str_eq(inserted(&f, "selector"), "selector:\n  matchLabels:\n    app: db\n", "the new selector");
	assert_contains(planfix_codes(&f), "selector-synthesized");
	planfix_release(&f);
}

Test(mapping_kinds, a_deploymentconfig)
{
	static const char *const texts[] = {
		"apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: db\nspec:\n"
		"  replicas: 2\n  test: false\n  paused: true\n  selector: {app: db}\n"
		"  strategy:\n    type: Recreate\n    recreateParams:\n      timeoutSeconds: 600\n"
		"      mid: {failurePolicy: Abort}\n    activeDeadlineSeconds: 60\n"
		"  triggers:\n  - type: ConfigChange\n  - type: ImageChange\n    imageChangeParams:\n"
		"      containerNames: [c, d]\n      from: {kind: ImageStreamTag, name: 'pg:15'}\n" POD,
	};
	struct planfix f;

	convert_db(&f, "DeploymentConfig", texts, 1);
	assert_str_eq(planfix_ops(&f),
		      "set kind -> StatefulSet\n"
		      "set apiVersion -> apps/v1\n"
		      "add doc \n"
		      "insert serviceName into spec\n"
		      "set type -> RollingUpdate\n"
		      "remove recreateParams\n"
		      "remove activeDeadlineSeconds\n"
		      "set strategy -> updateStrategy\n"
		      "remove paused\n"
		      "remove test\n"
		      "remove triggers\n"
		      "remove selector\n"
		      "insert selector into spec\n"
		      "remove volumes\n"
		      "insert volumeClaimTemplates into spec\n",
		      "the operations");
	assert_str_eq(planfix_codes(&f),
		      "api-version service-added update-strategy dropped-field dropped-field paused dropped-field "
		      "dropped-field image-trigger dropped-field claim-not-found data-migration",
		      "the findings");
	assert_contains(planfix_messages(&f), "strategy Recreate becomes updateStrategy RollingUpdate");
	assert_contains(planfix_messages(&f), "recreateParams dropped from StatefulSet \"db\": StatefulSets have no "
					      "rollout parameters: its lifecycle hooks (pre, mid, post) no longer run");
	assert_contains(planfix_messages(&f), "ImageChange trigger of DeploymentConfig \"db\" dropped: the image of "
					      "container c, d no longer follows ImageStreamTag \"pg:15\"");
	assert_contains(planfix_messages(&f), "DeploymentConfig \"db\" is paused, but a StatefulSet cannot be");
	planfix_release(&f);
}

Test(mapping_kinds, strategic_merge_patches_of_the_kind_follow)
{
	static const char *const texts[] = {
		"apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: db\nspec:\n"
		"  selector: {app: db}\n" POD,
		"resources: [a.yaml]\npatchesStrategicMerge: [patch.yaml]\n",
		"apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: db\nspec:\n"
		"  strategy: {type: Rolling, rollingParams: {intervalSeconds: 1}}\n  triggers: []\n---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  paused: true\n",
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
		      "remove rollingParams\n"
		      "set strategy -> updateStrategy\n"
		      "remove triggers\n",
		      "the operations on the patch of the DeploymentConfig (not on the Deployment's)");
	assert_str_eq(planfix_codes(&f), "update-strategy dropped-field dropped-field reference", "the findings");
	planfix_release(&f);
}
