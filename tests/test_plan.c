/*
 * test_plan.c - the policy of DESIGN.md section 2 and the outcome of a run,
 * through run_rewrite(), what stsify_run() of include/stsify.h runs.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "report.h"
#include "run.h"
#include "stsify.h"

struct outcome {
	struct stsify_file f[3];
	struct report rep;
};

static void run(struct outcome *o, const struct stsify_options *opt, const char *a,
		const char *b)
{
	memset(o, 0, sizeof(*o));
	o->f[0].path = "a.yaml";
	o->f[0].in = a;
	o->f[0].inlen = strlen(a);
	o->f[1].path = "b.yaml";
	o->f[1].in = b ? b : "";
	o->f[1].inlen = b ? strlen(b) : 0;
	cr_assert_eq(run_rewrite(opt, o->f, 2, &o->rep), 0);
}

static void done(struct outcome *o)
{
	stsify_file_release(&o->f[0]);
	stsify_file_release(&o->f[1]);
	report_release(&o->rep);
}

static size_t count(const struct outcome *o, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < o->rep.n; i++)
		n += !strcmp(code_name(o->rep.f[i].code), code);
	return n;
}

#define DEPLOY(replicas, image, extra)                                                            \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n" extra                    \
	"spec:\n  replicas: " replicas "\n  selector:\n    matchLabels:\n      app: db\n"         \
	"  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n"                 \
	"      containers:\n      - name: c\n        image: " image "\n"                            \
	"        volumeMounts:\n        - name: data\n          mountPath: /d\n"                   \
	"      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: d\n"

#define PVC(mode)                                                                                 \
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n"              \
	"  accessModes: [" mode "]\n  resources:\n    requests:\n      storage: 5Gi\n"

Test(plan, shared_claim_is_converted)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("3", "nginx", ""), PVC("ReadWriteOnce"));
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(o.f[1].status, STSIFY_UNCHANGED, "the PVC manifest stays byte for byte");
	cr_assert_eq(count(&o, "shared-pvc"), 1);
	cr_assert_eq(count(&o, "data-migration"), 1);
	cr_assert(strstr(o.f[0].out, "kind: StatefulSet\n"));
	cr_assert(strstr(o.f[0].out, "  replicas: 3\n  serviceName: db\n"));
	cr_assert(strstr(o.f[0].out, "  volumeClaimTemplates:\n  - metadata:\n      name: data\n"));
	cr_assert(strstr(o.f[0].out, "storage: 5Gi"));
	cr_assert(strstr(o.f[0].out, "---\napiVersion: v1\nkind: Service\n"));
	cr_assert_null(strstr(o.f[0].out, "claimName"));
	done(&o);
}

Test(plan, single_replica_stateless_is_reported_only)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("1", "nginx:1.25", ""), PVC("ReadWriteOnce"));
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	cr_assert_eq(count(&o, "single-replica-pvc"), 1);
	done(&o);
	opt.all = true;
	run(&o, &opt, DEPLOY("1", "nginx:1.25", ""), PVC("ReadWriteOnce"));
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(count(&o, "stateful-deployment"), 1);
	done(&o);
}

Test(plan, stateful_image_patterns)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("1", "registry.example.com:5000/team/postgres:16-alpine", ""), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(count(&o, "stateful-deployment"), 1);
	cr_assert_eq(count(&o, "claim-not-found"), 1);
	cr_assert(strstr(o.f[0].out, "storage: 1Gi"));
	done(&o);
	run(&o, &opt, DEPLOY("1", "postgres-exporter:1", ""), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	done(&o);
	opt.stateful_images = "^myco/";
	run(&o, &opt, DEPLOY("1", "myco/store:2", ""), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	done(&o);
}

Test(plan, rwx_is_reported_unless_all)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("3", "nginx", ""), PVC("ReadWriteMany"));
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	cr_assert_eq(count(&o, "shared-rwx"), 1);
	done(&o);
	opt.all = true;
	run(&o, &opt, DEPLOY("3", "nginx", ""), PVC("ReadWriteMany"));
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(count(&o, "access-mode"), 1);
	cr_assert(strstr(o.f[0].out, "- ReadWriteOnce"));
	done(&o);
}

Test(plan, read_only_claims_are_not_writable)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("3", "nginx", ""), PVC("ReadOnlyMany"));
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	cr_assert_eq(o.rep.n, 0);
	done(&o);
}

Test(plan, annotations_and_selection)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("3", "nginx", "  annotations:\n    stsify.dev/skip: \"true\"\n"), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	cr_assert_eq(count(&o, "annotation"), 1);
	done(&o);
	run(&o, &opt, DEPLOY("1", "nginx", "  annotations:\n    stsify.dev/convert: \"true\"\n"), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	done(&o);
	opt.exclude = "^d";
	run(&o, &opt, DEPLOY("3", "nginx", ""), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	done(&o);
	opt.exclude = NULL;
	opt.select = "^web$";
	run(&o, &opt, DEPLOY("3", "nginx", ""), NULL);
	cr_assert_eq(o.f[0].status, STSIFY_UNCHANGED);
	done(&o);
}

Test(plan, hpa_scaled_deployment_is_converted_and_retargeted)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	const char *hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n"
			  "spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: db\n"
			  "  maxReplicas: 4\n";
	struct outcome o;

	run(&o, &opt, DEPLOY("1", "nginx", ""), hpa);
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(o.f[1].status, STSIFY_CHANGED);
	cr_assert(strstr(o.f[1].out, "    kind: StatefulSet\n"));
	cr_assert_eq(count(&o, "reference"), 1);
	done(&o);
}

Test(plan, invalid_option_pattern_fails_the_run)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct stsify_file f = { .path = "x", .in = "", .inlen = 0 };
	struct report rep = REPORT_INIT;

	opt.select = "(";
	cr_assert_eq(run_rewrite(&opt, &f, 1, &rep), -1);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(code_name(rep.f[0].code), "usage");
	report_release(&rep);
}

Test(plan, parse_errors_fail_only_their_file)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct outcome o;

	run(&o, &opt, DEPLOY("3", "nginx", ""), "a: [\n");
	cr_assert_eq(o.f[0].status, STSIFY_CHANGED);
	cr_assert_eq(o.f[1].status, STSIFY_FAILED);
	cr_assert_eq(count(&o, "parse-error"), 1);
	done(&o);
}
