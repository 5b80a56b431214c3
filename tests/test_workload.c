/*
 * test_workload.c - the table of workload kinds (workload.h): lookups by
 * kind and API version, and what each row says about its kind, checked
 * against the Kubernetes, OpenShift and Argo APIs.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util.h"
#include "workload.h"

static const struct workload *row(const char *kind)
{
	const struct workload *w = workload_named(kind);

	cr_assert(w, "expected a row for kind %s, got none", kind);
	cr_assert_str_eq(w->kind, kind, "workload_named(\"%s\") gave the row of %s", kind, w->kind);
	return w;
}

Test(workload, lookup_by_kind)
{
	static const char *const kinds[] = {
		"Deployment", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout", "Template",
	};
	static const char *const not_workloads[] = {
		"StatefulSet", "DaemonSet", "Job", "Service", "deployment", "Deploy", "DeploymentConfigs", "", "Pod",
	};

	cr_assert_eq(nworkloads, ARRAY_SIZE(kinds), "expected %zu rows, got %zu", ARRAY_SIZE(kinds), nworkloads);
	cr_assert(nworkloads <= WORKLOAD_MAX, "%zu rows, WORKLOAD_MAX %d", nworkloads, WORKLOAD_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct workload *w = row(kinds[i]);

		cr_assert_eq(workload_index(w), i, "%s: expected index %zu, got %zu", kinds[i], i, workload_index(w));
		cr_assert_eq(w->kindlen, strlen(kinds[i]), "%s: kindlen %zu", kinds[i], w->kindlen);
		/* by length: a prefix or a longer spelling is another kind */
		cr_assert_eq(workload_find(kinds[i], strlen(kinds[i]) - 1), NULL, "%s less a letter found", kinds[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(not_workloads); i++)
		cr_assert_eq(workload_named(not_workloads[i]), NULL, "\"%s\": expected no row, got %s",
			     not_workloads[i], workload_named(not_workloads[i])->kind);
	cr_assert_eq(workload_named(NULL), NULL, "no kind: expected no row");
	cr_assert_eq(workload_find("Deployment: x", 10), row("Deployment"), "a kind in a longer buffer");
}

Test(workload, lookup_by_api_version)
{
	static const struct {
		const char *kind, *api;
		bool ok;
	} cases[] = {
		{ "Deployment", "apps/v1", true },
		{ "Deployment", "apps/v1beta1", true },
		{ "Deployment", "apps/v1beta2", true },
		{ "Deployment", "extensions/v1beta1", true },
		{ "Deployment", "v1", false },
		{ "Deployment", "apps.openshift.io/v1", false },
		{ "ReplicaSet", "apps/v1", true },
		{ "ReplicaSet", "extensions/v1beta1", true },
		{ "ReplicaSet", "apps/v1beta1", false },
		{ "ReplicationController", "v1", true },
		{ "ReplicationController", "apps/v1", false },
		{ "DeploymentConfig", "apps.openshift.io/v1", true },
		{ "DeploymentConfig", "apps/v1", false },
		{ "Rollout", "argoproj.io/v1alpha1", true },
		{ "Rollout", "apps/v1", false },
		{ "Template", "template.openshift.io/v1", true },
		{ "Template", "v1", true },
		{ "Template", "example.com/v1", false },
		{ "StatefulSet", "apps/v1", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct workload *w = workload_of(cases[i].kind, cases[i].api);

		cr_assert_eq(w != NULL, cases[i].ok, "%s %s: expected %s, got %s", cases[i].kind, cases[i].api,
			     cases[i].ok ? "accepted" : "refused", w ? "accepted" : "refused");
		if (w)
			cr_assert_str_eq(w->kind, cases[i].kind, "%s %s: the row of %s", cases[i].kind, cases[i].api,
					 w->kind);
	}
	cr_assert(!workload_accepts(row("Deployment"), NULL), "no apiVersion: expected refused");
	cr_assert(!workload_accepts(row("Deployment"), ""), "empty apiVersion: expected refused");
}

static void expect_row(const char *kind, enum workload_action action, enum workload_strategy strategy,
		       enum workload_selector selector, const char *kubectl, const char *group)
{
	const struct workload *w = row(kind);

	cr_assert_eq(w->action, action, "%s: expected action %d, got %d", kind, action, w->action);
	cr_assert_eq(w->strategy, strategy, "%s: expected strategy %d, got %d", kind, strategy, w->strategy);
	cr_assert_eq(w->selector, selector, "%s: expected selector %d, got %d", kind, selector, w->selector);
	cr_assert_str_eq(w->kubectl ? w->kubectl : "(none)", kubectl ? kubectl : "(none)",
			 "%s: expected kubectl name %s, got %s", kind, kubectl ? kubectl : "(none)",
			 w->kubectl ? w->kubectl : "(none)");
	cr_assert_str_eq(w->group ? w->group : "(core)", group ? group : "(core)", "%s: expected group %s, got %s",
			 kind, group ? group : "(core)", w->group ? w->group : "(core)");
	/* a converted kind is named in text; one that is reported says why */
	if (action == WORKLOAD_CONVERT) {
		bool has_kubectl = false;

		cr_assert(w->ref_names && w->ref_names[0], "%s: converted but no kubectl names", kind);
		for (const char *const *n = w->ref_names; *n; n++) {
			has_kubectl |= !strcmp(*n, w->kubectl);
			if (n[1])
				cr_assert_gt(strlen(n[0]), strlen(n[1]), "%s: \"%s\" before the longer \"%s\"", kind,
					     n[0], n[1]);
		}
		cr_assert(has_kubectl, "%s: kubectl name %s is not among its names", kind, w->kubectl);
		cr_assert_eq(w->why, NULL, "%s: converted, yet a reason not to: %s", kind, w->why);
	} else {
		cr_assert(w->why, "%s: reported but no reason", kind);
		cr_assert_eq(code_severity(w->code), SEV_ERROR, "%s: code %s is not an error", kind, code_name(w->code));
		cr_assert_eq(w->ref_names, NULL, "%s: never converted, yet named in text", kind);
	}
}

Test(workload, each_row)
{
	expect_row("Deployment", WORKLOAD_CONVERT, STRATEGY_DEPLOYMENT, SELECTOR_LABELS, "deployment", "apps");
	expect_row("ReplicaSet", WORKLOAD_CONVERT, STRATEGY_NONE, SELECTOR_LABELS, "replicaset", "apps");
	expect_row("ReplicationController", WORKLOAD_CONVERT, STRATEGY_NONE, SELECTOR_MAP, "replicationcontroller",
		   NULL);
	expect_row("DeploymentConfig", WORKLOAD_CONVERT, STRATEGY_OPENSHIFT, SELECTOR_MAP, "deploymentconfig",
		   "apps.openshift.io");
	expect_row("Rollout", WORKLOAD_REPORT, STRATEGY_NONE, SELECTOR_LABELS, NULL, NULL);
	expect_row("Template", WORKLOAD_TEMPLATE, STRATEGY_NONE, SELECTOR_LABELS, NULL, NULL);
	cr_assert_str_eq(row("Template")->objects, "objects", "Template: expected its objects under \"objects\"");
	cr_assert_eq(row("Rollout")->objects, NULL, "Rollout: objects %s", row("Rollout")->objects);
	cr_assert_str_eq(code_name(row("Rollout")->code), "rollout-shared-pvc", "Rollout: code");
	cr_assert_str_eq(code_name(row("Template")->code), "template-shared-pvc", "Template: code");
	/* only a Deployment is what a KEDA ScaledObject targets by default */
	for (size_t i = 0; i < nworkloads; i++)
		cr_assert_eq(workloads[i].keda_default, !strcmp(workloads[i].kind, "Deployment"),
			     "%s: keda_default %d", workloads[i].kind, workloads[i].keda_default);
}

/* The fields without a StatefulSet equivalent, in order: "where.key". */
static void expect_drops(const char *kind, const char *const *want, size_t n)
{
	const struct workload *w = row(kind);

	cr_assert_eq(w->ndrop, n, "%s: expected %zu dropped fields, got %zu", kind, n, w->ndrop);
	for (size_t i = 0; i < n; i++) {
		char *got = xasprintf("%s.%s", w->drop[i].at == DROP_SPEC ? "spec" : "annotation", w->drop[i].key);

		cr_assert_str_eq(got, want[i], "%s: drop %zu: expected %s, got %s", kind, i, want[i], got);
		cr_assert(w->drop[i].why && *w->drop[i].why, "%s: %s dropped without a reason", kind, got);
		free(got);
	}
}

Test(workload, dropped_fields)
{
	static const char *const dep[] = {
		"spec.progressDeadlineSeconds", "spec.paused", "annotation.deployment.kubernetes.io/revision",
	};
	static const char *const dc[] = { "spec.paused", "spec.test", "spec.triggers" };

	expect_drops("Deployment", dep, ARRAY_SIZE(dep));
	expect_drops("ReplicaSet", NULL, 0);
	expect_drops("ReplicationController", NULL, 0);
	expect_drops("DeploymentConfig", dc, ARRAY_SIZE(dc));
	cr_assert_eq(row("Deployment")->drop[1].check, DROP_PAUSED, "Deployment: paused is checked");
	cr_assert_eq(row("DeploymentConfig")->drop[0].check, DROP_PAUSED, "DeploymentConfig: paused is checked");
	cr_assert_eq(row("DeploymentConfig")->drop[2].check, DROP_TRIGGERS, "DeploymentConfig: triggers are checked");
}
