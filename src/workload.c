/*
 * workload.c - the table of workload kinds (see workload.h).
 *
 * The rows follow the APIs: a Deployment and a ReplicaSet select their
 * pods with a LabelSelector, a ReplicationController and an OpenShift
 * DeploymentConfig with a plain map of labels; only a Deployment and a
 * DeploymentConfig have a strategy.  An Argo Rollout manages its own
 * ReplicaSets (a StatefulSet cannot take its place under the Rollout), and
 * the objects of an OpenShift Template are written with parameters that
 * `oc process` fills in: those are reported, never converted.
 */
#include "workload.h"

#include <string.h>

#include "util.h"

#define KIND(s) s, sizeof(s) - 1

static const char *const deployment_api[] = {
	"apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1", NULL,
};
static const char *const replicaset_api[] = { "apps/v1", "apps/v1beta2", "extensions/v1beta1", NULL };
static const char *const core_api[] = { "v1", NULL };
static const char *const dc_api[] = { "apps.openshift.io/v1", NULL };
static const char *const rollout_api[] = { "argoproj.io/v1alpha1", NULL };
/* OpenShift 3 also served Templates under the legacy "v1" */
static const char *const template_api[] = { "template.openshift.io/v1", "v1", NULL };

static const char *const deployment_names[] = { "deployments", "deployment", "deploy", NULL };
static const char *const replicaset_names[] = { "replicasets", "replicaset", "rs", NULL };
static const char *const rc_names[] = { "replicationcontrollers", "replicationcontroller", "rc", NULL };
static const char *const dc_names[] = { "deploymentconfigs", "deploymentconfig", "dc", NULL };

static const char paused_why[] = "StatefulSets cannot be paused";

static const struct workload_drop deployment_drop[] = {
	{ DROP_SPEC, "progressDeadlineSeconds", "StatefulSets have no progress deadline", DROP_PLAIN },
	{ DROP_SPEC, "paused", paused_why, DROP_PAUSED },
	{ DROP_ANNOTATION, "deployment.kubernetes.io/revision", "it is written by the Deployment controller",
	  DROP_PLAIN },
};

static const struct workload_drop dc_drop[] = {
	{ DROP_SPEC, "paused", paused_why, DROP_PAUSED },
	{ DROP_SPEC, "test", "StatefulSets have no test deployments", DROP_PLAIN },
	{ DROP_SPEC, "triggers",
	  "a StatefulSet rolls out every change of its pod template by itself (a ConfigChange trigger)",
	  DROP_TRIGGERS },
};

const struct workload workloads[] = {
	{
		.kind = KIND("Deployment"),
		.api = deployment_api,
		.action = WORKLOAD_CONVERT,
		.strategy = STRATEGY_DEPLOYMENT,
		.selector = SELECTOR_LABELS,
		.drop = deployment_drop,
		.ndrop = ARRAY_SIZE(deployment_drop),
		.ref_names = deployment_names,
		.group = "apps",
		.kubectl = "deployment",
		.keda_default = true,
	},
	{
		.kind = KIND("ReplicaSet"),
		.api = replicaset_api,
		.action = WORKLOAD_CONVERT,
		.strategy = STRATEGY_NONE,
		.selector = SELECTOR_LABELS,
		.ref_names = replicaset_names,
		.group = "apps",
		.kubectl = "replicaset",
	},
	{
		.kind = KIND("ReplicationController"),
		.api = core_api,
		.action = WORKLOAD_CONVERT,
		.strategy = STRATEGY_NONE,
		.selector = SELECTOR_MAP,
		.ref_names = rc_names,
		.kubectl = "replicationcontroller",
	},
	{
		.kind = KIND("DeploymentConfig"),
		.api = dc_api,
		.action = WORKLOAD_CONVERT,
		.strategy = STRATEGY_OPENSHIFT,
		.selector = SELECTOR_MAP,
		.drop = dc_drop,
		.ndrop = ARRAY_SIZE(dc_drop),
		.ref_names = dc_names,
		.group = "apps.openshift.io",
		.kubectl = "deploymentconfig",
	},
	{
		.kind = KIND("Rollout"),
		.api = rollout_api,
		.action = WORKLOAD_REPORT,
		.selector = SELECTOR_LABELS,
		.code = CODE_ROLLOUT_SHARED_PVC,
		.why = "Argo Rollouts runs ReplicaSets, not StatefulSets; give each replica a claim of its own by hand",
	},
	{
		.kind = KIND("Template"),
		.api = template_api,
		.action = WORKLOAD_TEMPLATE,
		.code = CODE_TEMPLATE_SHARED_PVC,
		.why = "oc process fills in the objects of a Template; change the Template by hand",
		.objects = "objects",
	},
};

const size_t nworkloads = ARRAY_SIZE(workloads);

const struct workload *workload_find(const char *kind, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(workloads); i++)
		if (workloads[i].kindlen == len && !memcmp(workloads[i].kind, kind, len))
			return &workloads[i];
	return NULL;
}

const struct workload *workload_named(const char *kind)
{
	return kind ? workload_find(kind, strlen(kind)) : NULL;
}

bool workload_accepts(const struct workload *w, const char *api)
{
	for (const char *const *a = w->api; api && *a; a++)
		if (!strcmp(*a, api))
			return true;
	return false;
}

const struct workload *workload_of(const char *kind, const char *api)
{
	const struct workload *w = workload_named(kind);

	return w && workload_accepts(w, api) ? w : NULL;
}

size_t workload_index(const struct workload *w)
{
	return (size_t)(w - workloads);
}

/* the masks of rules.h have a bit per row */
_Static_assert(ARRAY_SIZE(workloads) <= WORKLOAD_MAX, "workloads[] outgrew WORKLOAD_MAX");
