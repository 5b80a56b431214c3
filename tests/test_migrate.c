/*
 * test_migrate.c - the --migration-plan files (migrate.c) for a plan, in a
 * temporary directory: one file per converted claim (a PVC and a copy Job),
 * named by namespace, StatefulSet and volume, and README.md with the steps.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "render.h"
#include "report.h"
#include "run.h"
#include "stsify.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* A converted workload (ns "" when unset) with nclaim claims of volumes
 * "data", "logs", ... */
static void add_dep(struct report *rep, const char *ns, const char *name, bool converted, size_t nclaim)
{
	static const char *const vol[] = { "data", "logs", "cache" };
	struct dep_summary *d;

	ALLOC_GROW(rep->dep, rep->ndep + 1, rep->adep);
	d = &rep->dep[rep->ndep++];
	memset(d, 0, sizeof(*d));
	d->path = xstrdup("x.yaml");
	d->ns = xstrdup(ns);
	d->name = xstrdup(name);
	d->converted = converted;
	d->claim = xcalloc(nclaim ? nclaim : 1, sizeof(*d->claim));
	d->nclaim = nclaim;
	for (size_t k = 0; k < nclaim; k++) {
		struct claim_summary *c = &d->claim[k];
		struct val *modes;

		c->volume = xstrdup(vol[k]);
		c->claim = xasprintf("%s-%s-old", name, vol[k]);
		c->new_claim = xasprintf("%s-%s-0", vol[k], name);
		c->spec = val_map();
		modes = val_set(c->spec, "accessModes", val_seq());
		val_push(modes, val_str("ReadWriteOnce"));
		val_set(val_set(val_set(c->spec, "resources", val_map()), "requests", val_map()), "storage",
			val_raw("5Gi"));
	}
}

/* dir/name parses as YAML with ndoc documents; returns its text */
static char *plan_file(const char *dir, const char *name, size_t ndoc)
{
	char *text = file_slurp(dir, name);
	struct ystream ys;

	cr_assert_not_null(text, "%s/%s was not written", dir, name);
	cr_assert_eq(ystream_parse(&ys, text, strlen(text)), 0, "%s: %s\n%s", name, TL_STR(ys.err_msg), text);
	cr_assert_eq(ys.ndoc, ndoc, "%s: %zu documents, expected %zu", name, ys.ndoc, ndoc);
	ystream_release(&ys);
	return text;
}

static const char want_db_data[] =
	"# Data of claim \"db-data-old\" for pod 0 of StatefulSet \"db\", made by stsify.\n"
	"# Apply after the Deployment is scaled to 0; see README.md.\n"
	"apiVersion: v1\n"
	"kind: PersistentVolumeClaim\n"
	"metadata:\n"
	"  name: data-db-0\n"
	"  namespace: shop\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: stsify\n"
	"spec:\n"
	"  accessModes:\n"
	"  - ReadWriteOnce\n"
	"  resources:\n"
	"    requests:\n"
	"      storage: 5Gi\n"
	"---\n"
	"apiVersion: batch/v1\n"
	"kind: Job\n"
	"metadata:\n"
	"  name: stsify-copy-db-data\n"
	"  namespace: shop\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: stsify\n"
	"spec:\n"
	"  backoffLimit: 0\n"
	"  template:\n"
	"    spec:\n"
	"      restartPolicy: Never\n"
	"      containers:\n"
	"      - name: copy\n"
	"        image: example.org/copy:1\n"
	"        command:\n"
	"        - sh\n"
	"        - \"-c\"\n"
	"        - \"cp -a /from/. /to/ && sync && echo copied\"\n"
	"        securityContext:\n"
	"          runAsUser: 0\n"
	"        volumeMounts:\n"
	"        - name: from\n"
	"          mountPath: /from\n"
	"          readOnly: true\n"
	"        - name: to\n"
	"          mountPath: /to\n"
	"      volumes:\n"
	"      - name: from\n"
	"        persistentVolumeClaim:\n"
	"          claimName: db-data-old\n"
	"          readOnly: true\n"
	"      - name: to\n"
	"        persistentVolumeClaim:\n"
	"          claimName: data-db-0\n";

Test(migrate, one_file_per_claim)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *plan = xasprintf("%s/plan", dir), *text;

	add_dep(&rep, "shop", "db", true, 2);
	add_dep(&rep, "", "cache", true, 1);
	add_dep(&rep, "shop", "web", false, 1);
	assert_int_eq(migrate_write(plan, &rep, "example.org/copy:1"), 0);
	/* no error, and a finding that says what was written */
	assert_size_eq(rep.n, 1);
	assert_str_eq(code_name(rep.f[0].code), "migration-plan", "the code");
	assert_str_eq(rep.f[0].msg, "wrote README.md and 3 manifests (a claim and its copy Job each)", "the message");
	text = plan_file(plan, "shop--db--data.yaml", 2);
	assert_str_eq(text, want_db_data, "shop--db--data.yaml");
	free(text);
	text = plan_file(plan, "shop--db--logs.yaml", 2);
	assert_contains(text, "  name: logs-db-0\n  namespace: shop\n");
	assert_contains(text, "  name: stsify-copy-db-logs\n");
	assert_contains(text, "          claimName: db-logs-old\n          readOnly: true\n");
	free(text);
	/* no namespace: no namespace part, no namespace field */
	text = plan_file(plan, "cache--data.yaml", 2);
	assert_not_contains(text, "namespace");
	assert_contains(text, "  name: data-cache-0\n  labels:\n");
	free(text);
	/* not converted: no file */
	text = file_slurp(plan, "shop--web--data.yaml");
	cr_assert_null(text, "a plan for a workload left alone:\n%s", text);
	report_release(&rep);
	free(plan);
	tmpdir_remove(dir);
}

Test(migrate, readme_moves_the_other_users_first)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *readme;
	struct claim_summary *c;

	add_dep(&rep, "", "db", true, 1);
	c = &rep.dep[0].claim[0];
	c->static_volume = true;
	c->user = xcalloc(1, sizeof(*c->user));
	c->nuser = 1;
	c->user[0] = (struct claim_user_summary){ .kind = xstrdup("CronJob"), .name = xstrdup("db-backup"),
						  .path = xstrdup("backup.yaml"), .line = 24 };
	assert_int_eq(migrate_write(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	readme = file_slurp(dir, "README.md");
	assert_contains(readme, "## StatefulSet db\n\n"
				"Move these first: they mount a claim the StatefulSet leaves behind\n"
				"and would work on a stale copy once the data moves (point them at\n"
				"the new claim, or stop them):\n\n"
				"- CronJob `db-backup` (backup.yaml:24) mounts `db-data-old`\n\n"
				"Claim `db-data-old` is on a hand-made volume: nothing provisions one per replica.\n"
				"Move its data by rebinding its PersistentVolume to `data-db-0`, not by a copy.\n\n"
				"1. Stop the writers");
	free(readme);
	report_release(&rep);
	tmpdir_remove(dir);
}

Test(migrate, readme_steps)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *readme;

	add_dep(&rep, "shop", "db", true, 2);
	add_dep(&rep, "", "cache", true, 1);
	assert_int_eq(migrate_write(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	readme = file_slurp(dir, "README.md");
	assert_contains(readme, "# Data migration plan\n");
	assert_contains(readme, "## StatefulSet db in namespace shop\n\n"
				"1. Stop the writers: `kubectl scale deployment/db --replicas=0 -n shop`\n"
				"   and wait until its pods are gone (`kubectl get pods -n shop`).\n"
				"2. Copy claim `db-data-old` to `data-db-0`: `kubectl apply -f shop--db--data.yaml`, then\n"
				"   `kubectl wait --for=condition=complete job/stsify-copy-db-data --timeout=1h -n shop`\n"
				"   and check its log (`kubectl logs job/stsify-copy-db-data -n shop`).\n"
				"3. Copy claim `db-logs-old` to `logs-db-0`: `kubectl apply -f shop--db--logs.yaml`, then\n");
	assert_contains(readme, "4. Apply the migrated manifests");
	assert_contains(readme, "5. Only when the StatefulSet serves the data: delete the old claims.\n");
	assert_contains(readme, "## StatefulSet cache\n\n"
				"1. Stop the writers: `kubectl scale deployment/cache --replicas=0`\n");
	assert_contains(readme, "3. Apply the migrated manifests");
	assert_contains(readme, "4. Only when the StatefulSet serves the data: delete the old claim.\n");
	assert_not_contains(readme, "nothing to migrate");
	free(readme);
	readme = plan_file(dir, "cache--data.yaml", 2);
	assert_contains(readme, "        image: " MIGRATE_DEFAULT_IMAGE "\n");
	free(readme);
	report_release(&rep);
	tmpdir_remove(dir);
}

Test(migrate, nothing_converted)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *readme;

	add_dep(&rep, "shop", "web", false, 1);
	/* the folder exists already: no error */
	assert_int_eq(migrate_write(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	readme = file_slurp(dir, "README.md");
	assert_contains(readme, "No Deployment was converted: there is nothing to migrate.\n");
	assert_not_contains(readme, "## StatefulSet");
	free(readme);
	report_release(&rep);
	tmpdir_remove(dir);
}

/* a Job's name is cut at 63 characters, never ending in '-' or '.' */
Test(migrate, long_job_names)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *text;
	/* "stsify-copy-" (12) + 50 characters + "-" ends at 63 on the dash */
	const char *name = "a2345678901234567890123456789012345678901234567890";

	add_dep(&rep, "", name, true, 1);
	assert_int_eq(migrate_write(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	text = file_slurp(dir, "a2345678901234567890123456789012345678901234567890--data.yaml");
	assert_contains(text, "  name: stsify-copy-a2345678901234567890123456789012345678901234567890\n");
	free(text);
	report_release(&rep);
	tmpdir_remove(dir);
}

Test(migrate, unwritable_folder)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *plan = xasprintf("%s/file/plan", dir);

	file_write(dir, "file", "not a folder\n");
	add_dep(&rep, "", "db", true, 1);
	assert_int_eq(migrate_write(plan, &rep, MIGRATE_DEFAULT_IMAGE), 1);
	assert_size_eq(rep.n, 1);
	assert_str_eq(code_name(rep.f[0].code), "write-error", "the code");
	assert_str_eq(rep.f[0].path, plan, "the path");
	assert_contains(rep.f[0].msg, "cannot create the migration plan folder");
	report_release(&rep);
	free(plan);
	tmpdir_remove(dir);
}

/* the plan of a real run: the summaries run_rewrite() leaves in the report */
Test(migrate, plan_of_a_run)
{
	static const char in[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pg\n  namespace: prod\nspec:\n"
		"  replicas: 3\n  selector:\n    matchLabels:\n      app: pg\n"
		"  template:\n    metadata:\n      labels:\n        app: pg\n"
		"    spec:\n      containers:\n        - name: pg\n          image: postgres:16\n"
		"          volumeMounts: [{name: pgdata, mountPath: /var/lib/postgresql/data}]\n"
		"      volumes:\n        - name: pgdata\n          persistentVolumeClaim:\n"
		"            claimName: pg-pvc\n---\n"
		"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: pg-pvc\n  namespace: prod\n"
		"spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 20Gi\n";
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct stsify_file f = { .path = "pg.yaml", .in = in, .inlen = sizeof(in) - 1 };
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *text;

	assert_int_eq(run_rewrite(&opt, &f, 1, &rep), 0);
	cr_assert_eq(f.status, STSIFY_CHANGED, "pg.yaml not converted: status %d, %zu findings, the first: %s",
		     (int)f.status, rep.n, rep.n ? rep.f[0].msg : "none");
	assert_int_eq(migrate_write(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	text = plan_file(dir, "prod--pg--pgdata.yaml", 2);
	assert_contains(text, "# Data of claim \"pg-pvc\" for pod 0 of StatefulSet \"pg\"");
	assert_contains(text, "  name: pgdata-pg-0\n  namespace: prod\n");
	assert_contains(text, "      storage: 20Gi\n");
	assert_contains(text, "          claimName: pg-pvc\n          readOnly: true\n");
	free(text);
	text = file_slurp(dir, "README.md");
	assert_contains(text, "## StatefulSet pg in namespace prod\n");
	free(text);
	stsify_file_release(&f);
	report_release(&rep);
	tmpdir_remove(dir);
}
