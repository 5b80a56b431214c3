/*
 * test_detect.c - the workloads judged but never converted (detect.h): the
 * objects of an OpenShift Template as resources, their facts completed
 * from the Template (a claim among its objects, a replica count from a
 * parameter), and the reporting row's finding in place of a conversion.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "detect.h"
#include "facts.h"
#include "test_lib.h"
#include "test_planfix.h"
#include "workload.h"

static const char *const paths[] = { "t.yaml" };

#define DC(replicas, claim)                                                                        \
	"- apiVersion: apps.openshift.io/v1\n  kind: DeploymentConfig\n  metadata:\n    name: ${NAME}\n" \
	"  spec:\n    replicas: " replicas "\n    selector: {name: x}\n    template:\n"              \
	"      metadata: {labels: {name: x}}\n      spec:\n        containers:\n"                    \
	"        - {name: c, image: ghcr.io/acme/wiki, volumeMounts: [{name: v, mountPath: /v}]}\n"   \
	"        volumes:\n        - {name: v, persistentVolumeClaim: {claimName: " claim "}}\n"

#define TEMPLATE(params, objects)                                                                  \
	"apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: wiki\n"           \
	"parameters:\n" params "objects:\n" objects

#define RWX_CLAIM                                                                                  \
	"- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata: {name: shared}\n"             \
	"  spec: {accessModes: [ReadWriteMany]}\n"

/* Judge the first workload of the Template of text as the planner does;
 * returns the verdict's reason. */
static enum code judge(struct planfix *f, const char *text, struct verdict *v)
{
	const char *const texts[] = { text };
	const struct resource *tmpl, **obj;
	struct facts fa;
	size_t n;

	planfix_init(f, NULL, paths, texts, 1);
	tmpl = planfix_find(f, "Template", "wiki");
	n = detect_objects(f->c, tmpl, &obj);
	cr_assert_eq(n, 1, "expected one workload among the objects, got %zu", n);
	cr_assert_str_eq(obj[0]->kind, "DeploymentConfig", "the object's kind");
	cr_assert_str_eq(obj[0]->name, "${NAME}", "the object's name");
	cr_assert_eq(obj[0]->in, tmpl->in, "the object's input");
	facts_read(f->c, obj[0], &fa);
	detect_template_facts(tmpl, &fa);
	decide(&fa.in, &f->opt, &f->ru, v);
	if (v->chosen)
		detect_explain(f->c, obj[0], &fa, v, workload_named("Template"), tmpl);
	facts_release(&fa);
	free(obj);
	return v->reason;
}

Test(detect, replicas_from_a_parameter)
{
	static const struct {
		const char *text, *code, *msg;
	} t[] = {
		{ TEMPLATE("- {name: REPLICAS, value: \"3\"}\n", DC("${{REPLICAS}}", "data")), "template-shared-pvc",
		  "claim \"data\" is shared by 3 replicas of DeploymentConfig \"${NAME}\" in Template \"wiki\": not converted, " },
		{ TEMPLATE("- {name: REPLICAS, value: \"2\"}\n", DC("${REPLICAS}", "data")), "template-shared-pvc",
		  "shared by 2 replicas" },
		/* a parameter without a value, or none of that name: unknown, not judged shared */
		{ TEMPLATE("- {name: REPLICAS, generate: expression}\n", DC("${{REPLICAS}}", "data")), "", "" },
		{ TEMPLATE("- {name: OTHER, value: \"3\"}\n", DC("${{REPLICAS}}", "data")), "", "" },
		{ TEMPLATE("- {name: REPLICAS, value: \"3\"}\n", DC("${{REPLICAS}", "data")), "", "" },
		{ TEMPLATE("- {name: R, value: \"3\"}\n", DC("4", "data")), "template-shared-pvc", "shared by 4 replicas" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct planfix f;
		struct verdict v;

		judge(&f, t[i].text, &v);
		assert_str_eq(planfix_codes(&f), t[i].code, "the findings");
		assert_contains(planfix_messages(&f), t[i].msg);
		planfix_release(&f);
	}
}

/* A claim the Template declares ReadWriteMany is shared on purpose (the
 * shared-rwx row): nothing to report. */
Test(detect, a_claim_among_the_objects)
{
	struct planfix f;
	struct verdict v;
	enum code why = judge(&f, TEMPLATE("- {name: R, value: \"1\"}\n", RWX_CLAIM DC("3", "shared")), &v);

	cr_assert_eq(why, CODE_SHARED_RWX, "expected reason shared-rwx, got %s", code_name(why));
	assert_str_eq(planfix_codes(&f), "", "the findings");
	planfix_release(&f);
	why = judge(&f, TEMPLATE("- {name: R, value: \"1\"}\n", RWX_CLAIM DC("3", "other")), &v);
	cr_assert_eq(why, CODE_SHARED_PVC, "another claim: expected reason shared-pvc, got %s", code_name(why));
	assert_str_eq(planfix_codes(&f), "template-shared-pvc", "the findings");
	planfix_release(&f);
}

/* Only workloads of a kind and apiVersion of the table are objects. */
Test(detect, which_objects_are_workloads)
{
	static const char *const texts[] = {
		TEMPLATE("- {name: R, value: \"1\"}\n",
			 "- {apiVersion: v1, kind: Service, metadata: {name: a}}\n"
			 "- {apiVersion: apps/v1, kind: DeploymentConfig, metadata: {name: b}}\n"
			 "- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: c}}\n"
			 "- {apiVersion: argoproj.io/v1alpha1, kind: Rollout, metadata: {name: d, namespace: n}}\n"
			 "- {apiVersion: template.openshift.io/v1, kind: Template, metadata: {name: e}}\n"
			 "- just a string\n"),
	};
	const struct resource **obj;
	struct planfix f;
	size_t n;

	planfix_init(&f, NULL, paths, texts, 1);
	n = detect_objects(f.c, planfix_find(&f, "Template", "wiki"), &obj);
	cr_assert_eq(n, 2, "expected the ReplicaSet and the Rollout, got %zu objects", n);
	cr_assert_str_eq(obj[0]->name, "c", "the first workload");
	cr_assert_str_eq(obj[1]->name, "d", "the second workload");
	cr_assert_str_eq(obj[1]->ns, "n", "its namespace");
	cr_assert_eq(f.p.nown, 2, "expected 2 resources owned by the plan, got %zu", f.p.nown);
	free(obj);
	planfix_release(&f);
}
