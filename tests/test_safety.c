/*
 * test_safety.c - the checks of safety.c (DESIGN.md section 10) on a
 * Deployment db converted as the planner does: the other users of its
 * claim, hand-made volumes, single-writer images with several replicas.
 */
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "facts.h"
#include "mapping.h"
#include "planner.h"
#include "rules.h"
#include "safety.h"
#include "test_lib.h"
#include "test_planfix.h"

static const char *const paths[] = { "a.yaml", "b.yaml", "c.yaml" };

static const char dep_text[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  replicas: 3\n"
	"  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n"
	"    spec:\n      containers:\n      - name: db\n        image: postgres:16\n"
	"        volumeMounts:\n        - name: data\n          mountPath: /data\n"
	"      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: pg\n";

/* Convert db of texts[0..n) and run the safety checks, as plan.c does. */
static void convert_db(struct planfix *f, const struct stsify_options *opt, const char *const *texts, size_t n)
{
	const struct resource *dep;
	struct facts fa;
	struct verdict v;
	struct claim_use *cu;
	size_t ncu;

	planfix_init(f, opt, paths, texts, n);
	dep = planfix_find(f, "Deployment", "db");
	facts_read(f->c, dep, &fa);
	decide(&fa.in, &f->opt, &f->ru, &v);
	cr_assert(v.convert, "db: expected converted, got %s", code_name(v.reason));
	ncu = facts_templates(&fa, &v, &cu);
	planfix_dplan(f, dep);
	mapping_convert(f->c, dep, cu, ncu);
	safety_check(f->c, dep, &fa, &v, cu, ncu);
	safety_end(f->c);
	free(cu);
	facts_release(&fa);
}

/* The codes of the findings with this code only, space-separated. */
static size_t count(struct planfix *f, const char *code)
{
	const char *s = planfix_codes(f);
	size_t n = 0, len = strlen(code);

	for (const char *p = s; (p = strstr(p, code)); p += len)
		if ((p == s || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			n++;
	return n;
}

Test(safety, other_pod_templates_that_mount_the_claim)
{
	const char *texts[] = {
		dep_text,
		"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: '@daily'\n"
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: []\n"
		"          volumes:\n          - name: d\n            persistentVolumeClaim:\n              claimName: pg\n"
		"---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n"
		"      volumes:\n      - name: x\n        persistentVolumeClaim:\n          claimName: pg\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: other\nspec:\n"
		"  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: pg\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n"
		"  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: pg-other\n",
	};
	struct planfix f;
	const struct claim_plan *cp;

	convert_db(&f, NULL, texts, 3);
	assert_size_eq(count(&f, "claim-still-mounted"), 2);
	assert_size_eq(f.p.d[0].nclaim, 1);
	cp = &f.p.d[0].claim[0];
	assert_size_eq(cp->nuser, 2);
	assert_str_eq(cp->user[0].kind, "CronJob", "the first user");
	assert_str_eq(cp->user[0].name, "backup", "its name");
	assert_str_eq(cp->user[0].path, "b.yaml", "its file");
	assert_int_eq(cp->user[0].line, 15);
	assert_str_eq(cp->user[1].kind, "DaemonSet", "the second user");
	assert_contains(planfix_messages(&f),
			"CronJob \"backup\" still mounts claim \"pg\", which StatefulSet \"db\" leaves behind (pod 0 gets \"data-db-0\")");
	cr_expect(!cp->static_volume, "a claim not in the input with no PV: expected not static");
	planfix_release(&f);
}

/* Is claim pg (its manifest: pvc, plus the other documents) static? */
static bool is_static(const char *pvc, const char *other)
{
	const char *texts[] = { dep_text, pvc, other };
	struct planfix f;
	bool st;

	convert_db(&f, NULL, texts, other ? 3 : 2);
	st = f.p.d[0].claim[0].static_volume;
	cr_expect(count(&f, "static-volume") == (st ? 1 : 0), "static-volume findings: %s", planfix_codes(&f));
	planfix_release(&f);
	return st;
}

#define PVC "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: pg\n"
#define SIZE "  resources:\n    requests:\n      storage: 1Gi\n"

Test(safety, hand_made_volumes)
{
	cr_expect(!is_static(PVC "spec:\n  storageClassName: gp3\n" SIZE, NULL), "class gp3: expected dynamic");
	cr_expect(is_static(PVC "spec:\n  storageClassName: manual\n" SIZE, NULL), "class manual: expected static");
	cr_expect(is_static(PVC "spec:\n  storageClassName: \"\"\n" SIZE, NULL), "class \"\": expected static");
	cr_expect(is_static(PVC "  annotations:\n    volume.beta.kubernetes.io/storage-class: manual\nspec:\n" SIZE, NULL),
		  "the beta class annotation manual: expected static");
	cr_expect(is_static(PVC "spec:\n  volumeName: pg-pv\n" SIZE, NULL), "volumeName pg-pv: expected static");
	cr_expect(!is_static(PVC "spec:\n  volumeName: pvc-0b7e6c1a-9f55-4b7f-bf3e-2d7e6c1a9f55\n" SIZE, NULL),
		  "volumeName of a provisioned volume: expected dynamic");
	cr_expect(is_static(PVC "spec:\n" SIZE,
			    "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n"
			    "  claimRef:\n    name: pg\n    namespace: \"\"\n"),
		  "a PV whose claimRef names it: expected static");
	cr_expect(!is_static(PVC "spec:\n" SIZE,
			     "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n"
			     "  claimRef:\n    name: pg\n    namespace: prod\n"),
		  "a PV bound to a claim of another namespace: expected dynamic");
	cr_expect(is_static(PVC "spec:\n  storageClassName: local\n" SIZE,
			    "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local\n"
			    "provisioner: kubernetes.io/no-provisioner\n"),
		  "a no-provisioner StorageClass: expected static");
	cr_expect(safety_static_class("manual") && safety_static_class("") && !safety_static_class("standard") &&
			  !safety_static_class(NULL),
		  "safety_static_class: expected manual and \"\" only");
}

Test(safety, single_writer_replicas)
{
	const char *texts[] = { dep_text, PVC "spec:\n" SIZE };
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct planfix f;

	convert_db(&f, NULL, texts, 2);
	assert_size_eq(count(&f, "independent-replicas"), 1);
	assert_contains(planfix_messages(&f),
			"StatefulSet \"db\" runs single-writer image \"postgres:16\" with 3 replicas: pods 1 and 2 start with empty claims and initialise databases of their own, and every Service that selects them (the headless Service \"db\" among them) spreads clients over all of them; give --single-replica to set replicas: 1");
	assert_not_contains(planfix_ops(&f), "set replicas");
	planfix_release(&f);
	opt.single_replica = true;
	convert_db(&f, &opt, texts, 2);
	assert_size_eq(count(&f, "independent-replicas"), 0);
	assert_size_eq(count(&f, "single-replica"), 1);
	assert_contains(planfix_ops(&f), "set replicas -> 1\n");
	planfix_release(&f);
}
