/*
 * test_migrate.c - the --migration-plan files (migrate.c) for a plan, in a
 * temporary directory: one file per converted claim (a PVC and a copy Job),
 * named by namespace, StatefulSet and volume, and README.md with the steps.
 */
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
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

/* migrate_write() into dir with image, without a snapshot */
static int write_plan(const char *dir, struct report *rep, const char *image)
{
	struct migrate_opts mo = { .dir = dir, .image = image };

	return migrate_write(&mo, rep);
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
	assert_int_eq(write_plan(plan, &rep, "example.org/copy:1"), 0);
	/* no error, and a finding that says what was written */
	assert_size_eq(rep.n, 1);
	assert_str_eq(code_name(rep.f[0].code), "migration-plan", "the code");
	assert_str_eq(rep.f[0].msg, "wrote README.md and 3 files: 0 claims rebound (a claim and its script each), 3 copied (a claim and its copy Job each)", "the message");
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
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	readme = file_slurp(dir, "README.md");
	assert_contains(readme, "## StatefulSet db\n\n"
				"Move these first: they mount a claim the StatefulSet leaves behind\n"
				"and would work on a stale copy once the data moves (point them at\n"
				"the new claim, or stop them):\n\n"
				"- CronJob `db-backup` (backup.yaml:24) mounts `db-data-old`\n\n"
				"1. Stop the writers");
	/* a hand-made volume is rebound, not copied, and the step says why */
	assert_contains(readme, "the volume was made by hand and nothing would provision one to copy into");
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
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	readme = file_slurp(dir, "README.md");
	assert_contains(readme, "# Data migration plan\n");
	assert_contains(readme, "## StatefulSet db in namespace shop\n\n"
				"1. Stop the writers: `kubectl scale deployment/db --replicas=0 -n shop`\n"
				"   and wait until its pods are gone (`kubectl get pods -n shop`).\n"
				"2. Copy claim `db-data-old` to `data-db-0` (the claim is in neither the input nor --cluster-state, so its access modes are not known): `kubectl apply -f shop--db--data.yaml`, then\n"
				"   `kubectl wait --for=condition=complete job/stsify-copy-db-data --timeout=1h -n shop`\n"
				"   and check its log (`kubectl logs job/stsify-copy-db-data -n shop`).\n"
				"3. Copy claim `db-logs-old` to `logs-db-0` (the claim is in neither the input nor --cluster-state, so its access modes are not known): `kubectl apply -f shop--db--logs.yaml`, then\n");
	assert_contains(readme, "4. Apply the migrated manifests");
	assert_contains(readme, "5. Only when the StatefulSet serves the data: delete the copied claims.\n");
	assert_contains(readme, "## StatefulSet cache\n\n"
				"1. Stop the writers: `kubectl scale deployment/cache --replicas=0`\n");
	assert_contains(readme, "3. Apply the migrated manifests");
	assert_contains(readme, "4. Only when the StatefulSet serves the data: delete the copied claim.\n");
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
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
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
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
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
	assert_int_eq(write_plan(plan, &rep, MIGRATE_DEFAULT_IMAGE), 1);
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
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	/* ReadWriteOnce, the class unchanged: the volume is rebound */
	text = plan_file(dir, "prod--pg--pgdata.yaml", 1);
	assert_contains(text, "# Claim \"pgdata-pg-0\" bound in advance to the volume of claim \"pg-pvc\"");
	assert_contains(text, "  name: pgdata-pg-0\n  namespace: prod\n");
	assert_contains(text, "      storage: 20Gi\n");
	assert_contains(text, "without --cluster-state");
	free(text);
	text = file_slurp(dir, "prod--pg--pgdata.sh");
	assert_contains(text, "#!/bin/sh\n");
	assert_contains(text, "#   sh prod--pg--pgdata.sh --dry-run");
	assert_contains(text, "\nOLD='pg-pvc'\nNEW='pgdata-pg-0'\nPV=''\n");
	free(text);
	text = file_slurp(dir, "README.md");
	assert_contains(text, "## StatefulSet pg in namespace prod\n");
	assert_contains(text, "2. Rebind claim `pg-pvc` to `pgdata-pg-0`:\n   the access modes and class stay");
	assert_contains(text, "   The script looks the volume up (no --cluster-state was given).\n");
	free(text);
	stsify_file_release(&f);
	report_release(&rep);
	tmpdir_remove(dir);
}

/* a claim of mode m for workload name (see add_dep) */
static void set_modes(struct report *rep, const char *modes)
{
	struct claim_summary *c = &rep->dep[rep->ndep - 1].claim[0];

	c->old_modes = xstrdup(modes);
}

static const char snapshot[] =
	"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
	" {\"apiVersion\": \"v1\", \"kind\": \"PersistentVolume\", \"metadata\": {\"name\": \"pv-db\"},\n"
	"  \"spec\": {\"claimRef\": {\"namespace\": \"shop\", \"name\": \"db-data-old\"},\n"
	"   \"persistentVolumeReclaimPolicy\": \"Delete\", \"storageClassName\": \"fast\"}},\n"
	" {\"apiVersion\": \"v1\", \"kind\": \"PersistentVolumeClaim\",\n"
	"  \"metadata\": {\"name\": \"db-data-old\", \"namespace\": \"shop\"},\n"
	"  \"spec\": {\"volumeName\": \"pv-db\", \"accessModes\": [\"ReadWriteOnce\"]}}]}\n";

/* with a snapshot: the volume's name in the claim and the script */
Test(migrate, rebind_with_snapshot)
{
	struct report rep = REPORT_INIT;
	struct cluster cl = CLUSTER_INIT;
	struct cluster_error err;
	char *dir = tmpdir_make(), *text;
	struct migrate_opts mo = { .dir = dir, .image = MIGRATE_DEFAULT_IMAGE, .cl = &cl };

	cr_assert_eq(cluster_load(&cl, snapshot, strlen(snapshot), &err), 2, "snapshot: %s", err.msg);
	add_dep(&rep, "shop", "db", true, 1);	/* modes unknown: the snapshot says ReadWriteOnce */
	assert_int_eq(migrate_write(&mo, &rep), 0);
	assert_str_eq(rep.f[rep.n - 1].msg,
		      "wrote README.md and 2 files: 1 claim rebound (a claim and its script each), 0 copied (a claim and its copy Job each)",
		      "the summary");
	text = plan_file(dir, "shop--db--data.yaml", 1);
	assert_contains(text, "  storageClassName: fast\n  volumeName: pv-db\n");
	free(text);
	text = file_slurp(dir, "shop--db--data.sh");
	assert_contains(text, "\nPV='pv-db'\n");
	free(text);
	text = file_slurp(dir, "README.md");
	assert_contains(text, "   The volume is `pv-db` (reclaim policy Delete, made by hand: a static volume).\n");
	assert_contains(text, "## Files\n\nThis plan wrote, and a next run of stsify replaces:\n\n- README.md\n"
			      "- shop--db--data.yaml\n- shop--db--data.sh\n");
	free(text);
	text = file_slurp(dir, MIGRATE_MANIFEST);
	assert_contains(text, "\nREADME.md\nshop--db--data.yaml\nshop--db--data.sh\n");
	free(text);
	cluster_release(&cl);
	report_release(&rep);
	tmpdir_remove(dir);
}

/* --data-path=copy wins over a ReadWriteOnce claim; rebind over ReadWriteMany */
Test(migrate, data_path_option)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *text;
	struct migrate_opts mo = { .dir = dir, .image = MIGRATE_DEFAULT_IMAGE, .data_path = "copy" };

	add_dep(&rep, "", "db", true, 1);
	set_modes(&rep, "ReadWriteOnce");
	add_dep(&rep, "", "web", true, 1);
	set_modes(&rep, "ReadWriteMany");
	assert_int_eq(migrate_write(&mo, &rep), 0);
	text = plan_file(dir, "db--data.yaml", 2);
	free(text);
	text = file_slurp(dir, "README.md");
	assert_contains(text, "Copy claim `db-data-old` to `data-db-0` (--data-path=copy)");
	free(text);
	mo.data_path = NULL;
	assert_int_eq(migrate_write(&mo, &rep), 0);
	text = file_slurp(dir, "README.md");
	assert_contains(text, "Rebind claim `db-data-old` to `data-db-0`:\n   the access modes and class stay");
	assert_contains(text, "Copy claim `web-data-old` to `data-web-0` (the shared ReadWriteMany volume");
	free(text);
	mo.data_path = "rebind";
	assert_int_eq(migrate_write(&mo, &rep), 0);
	text = file_slurp(dir, "web--data.sh");
	cr_assert_not_null(text, "--data-path=rebind: no script for the ReadWriteMany claim");
	free(text);
	report_release(&rep);
	tmpdir_remove(dir);
}

/* the folder is stsify's: an earlier plan is replaced, anything else refused */
Test(migrate, owned_folder)
{
	struct report rep = REPORT_INIT;
	char *dir = tmpdir_make(), *text, *m;

	add_dep(&rep, "", "db", true, 1);
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	/* a file of the earlier plan that this one does not write goes */
	file_write(dir, "old--data.yaml", "kind: Job\n");
	text = file_slurp(dir, MIGRATE_MANIFEST);
	m = xasprintf("%sold--data.yaml\n", text);
	file_write(dir, MIGRATE_MANIFEST, m);
	free(m);
	free(text);
	report_release(&rep);
	rep = (struct report)REPORT_INIT;
	add_dep(&rep, "", "db", true, 1);
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 0);
	assert_size_eq(rep.n, 2);
	assert_str_eq(rep.f[0].msg, "removed the 3 files of an earlier plan", "the note");
	text = file_slurp(dir, "old--data.yaml");
	cr_assert_null(text, "a file of the earlier plan was kept");
	/* a file stsify did not write: refused, nothing written */
	file_write(dir, "notes.txt", "mine\n");
	report_release(&rep);
	rep = (struct report)REPORT_INIT;
	add_dep(&rep, "", "db", true, 1);
	assert_int_eq(write_plan(dir, &rep, MIGRATE_DEFAULT_IMAGE), 1);
	assert_size_eq(rep.n, 1);
	assert_str_eq(code_name(rep.f[0].code), "write-error", "the code");
	assert_contains(rep.f[0].msg, "holds 1 file that stsify did not write (\"notes.txt\")");
	text = file_slurp(dir, "notes.txt");
	assert_str_eq(text, "mine\n", "notes.txt");
	free(text);
	report_release(&rep);
	tmpdir_remove(dir);
}
