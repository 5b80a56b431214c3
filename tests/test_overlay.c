/*
 * test_overlay.c - a build's rendering carried into its overlays' patches
 * (overlay.h): the byte-exact edits of a strategic-merge and a JSON 6902
 * patch that add a claim, and the StatefulSet patch of an overlay that
 * patches a claim, and the kind patch of a build that alone converts a base
 * Deployment.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "overlay.h"
#include "render.h"
#include "report.h"
#include "test_lib.h"

/* The template of volume "data" as a conversion makes it: 5Gi, ReadWriteOnce. */
static struct val *tmpl(void)
{
	struct val *t = val_map(), *spec;

	val_set(val_set(t, "metadata", val_map()), "name", val_str("data"));
	spec = val_set(t, "spec", val_map());
	val_push(val_set(spec, "accessModes", val_seq()), val_str("ReadWriteOnce"));
	val_set(val_submap(val_submap(spec, "resources"), "requests"), "storage", val_str("5Gi"));
	return t;
}

/* Edit the one file text as overlay_claim_patches() does; its new text (or NULL). */
static char *edited(const char *text, bool base_templates, bool no_volumes, size_t *nfind)
{
	struct stsify_file f = { .path = "patch.yaml", .in = text, .inlen = strlen(text) };
	struct report rep = REPORT_INIT;
	struct val *t = tmpl();
	struct overlay_claim oc = { "pg", "", "data", "pg-data", t, base_templates, no_volumes, "overlays/prod" };
	char *out = NULL;

	bool patch = true;

	if (overlay_claim_patches(&f, 1, &patch, &oc, &rep) && f.status == STSIFY_CHANGED)
		out = strndup(f.out, f.outlen);
	*nfind = rep.n;
	for (size_t i = 0; i < rep.n; i++)
		cr_assert_str_eq(code_name(rep.f[i].code), "build-patch", "expected build-patch, got %s",
				 code_name(rep.f[i].code));
	report_release(&rep);
	stsify_file_release(&f);
	val_free(t);
	return out;
}

Test(overlay, strategic_merge_patch_gets_the_template)
{
	static const char in[] =
		"# keep me\n"
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\nspec:\n  replicas: 2\n"
		"  template:\n    spec:\n      containers:\n        - name: pg\n          volumeMounts:\n"
		"            - name: data\n              mountPath: /d\n"
		"      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: pg-data\n";
	static const char want[] =
		"# keep me\n"
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\nspec:\n  replicas: 2\n"
		"  template:\n    spec:\n      containers:\n        - name: pg\n          volumeMounts:\n"
		"            - name: data\n              mountPath: /d\n"
		"  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n"
		"        accessModes:\n          - ReadWriteOnce\n        resources:\n          requests:\n"
		"            storage: 5Gi\n";
	size_t n;
	char *out = edited(in, false, true, &n);

	cr_assert(out, "expected an edit of the patch, got none");
	cr_assert_str_eq(out, want, "expected:\n%s\ngot:\n%s", want, out);
	cr_assert_eq(n, 1, "expected one build-patch finding, got %zu", n);
	free(out);
}

Test(overlay, strategic_merge_patch_of_another_workload_is_left)
{
	static const char in[] =
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: other\nspec:\n  template:\n    spec:\n"
		"      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: pg-data\n";
	size_t n;
	char *out = edited(in, false, true, &n);

	cr_assert(!out, "expected no edit, got:\n%s", out ? out : "");
	cr_assert_eq(n, 0, "expected no finding, got %zu", n);
}

/* replace volumes/0 by the claim: that volume goes, the template is added
 * (the whole volumes list when the build renders none) */
Test(overlay, json_patch_replace_becomes_remove_and_add)
{
	static const char in[] =
		"- op: replace\n  path: /spec/template/spec/volumes/0\n  value:\n    name: data\n"
		"    persistentVolumeClaim:\n      claimName: pg-data\n";
	static const char want_none[] =
		"- op: remove\n  path: /spec/template/spec/volumes\n"
		"- op: add\n  path: /spec/volumeClaimTemplates\n  value:\n  - metadata:\n      name: data\n"
		"    spec:\n      accessModes:\n      - ReadWriteOnce\n      resources:\n        requests:\n"
		"          storage: 5Gi\n";
	static const char want_some[] =
		"- op: remove\n  path: /spec/template/spec/volumes/0\n"
		"- op: add\n  path: /spec/volumeClaimTemplates\n  value:\n  - metadata:\n      name: data\n"
		"    spec:\n      accessModes:\n      - ReadWriteOnce\n      resources:\n        requests:\n"
		"          storage: 5Gi\n";
	size_t n;
	char *out = edited(in, false, true, &n);

	cr_assert(out, "expected an edit of the patch, got none");
	cr_assert_str_eq(out, want_none, "expected:\n%s\ngot:\n%s", want_none, out);
	free(out);
	out = edited(in, false, false, &n);
	cr_assert(out, "expected an edit of the patch, got none");
	cr_assert_str_eq(out, want_some, "expected:\n%s\ngot:\n%s", want_some, out);
	free(out);
}

/* add the volume: the op goes; the base has templates, so the item is added at /- */
Test(overlay, json_patch_add_goes_and_template_is_appended)
{
	static const char in[] =
		"- op: add\n  path: /spec/template/spec/volumes/-\n"
		"  value: {name: data, persistentVolumeClaim: {claimName: pg-data}}\n"
		"- op: add\n  path: /spec/template/spec/containers/0/volumeMounts/-\n"
		"  value: {name: data, mountPath: /d}\n";
	static const char want[] =
		"- op: add\n  path: /spec/template/spec/containers/0/volumeMounts/-\n"
		"  value: {name: data, mountPath: /d}\n"
		"- op: add\n  path: /spec/volumeClaimTemplates/-\n  value:\n    metadata:\n      name: data\n"
		"    spec:\n      accessModes:\n      - ReadWriteOnce\n      resources:\n        requests:\n"
		"          storage: 5Gi\n";
	size_t n;
	char *out = edited(in, true, false, &n);

	cr_assert(out, "expected an edit of the patch, got none");
	cr_assert_str_eq(out, want, "expected:\n%s\ngot:\n%s", want, out);
	free(out);
}

Test(overlay, patch_name_beside_the_kustomization)
{
	char *a = overlay_patch_name("overlays/prod/kustomization.yaml", "db");
	char *b = overlay_patch_name("kustomization.yaml", "db");

	cr_assert_str_eq(a, "overlays/prod/db-claim-templates.yaml");
	cr_assert_str_eq(b, "db-claim-templates.yaml");
	free(a);
	free(b);
}

Test(overlay, claim_patch_gets_a_statefulset_patch_file)
{
	static const char kz[] = "resources:\n  - ../../base\npatches:\n  - path: pvc.yaml\n";
	struct stsify_file f = { .path = "/nonexistent-stsify-test/overlays/prod/kustomization.yaml", .in = kz,
				 .inlen = sizeof(kz) - 1 };
	struct plan_files nf = { NULL, 0, 0 };
	struct report rep = REPORT_INIT;
	struct val *seq = val_seq();
	int rc;

	val_push(seq, tmpl());
	rc = overlay_template_patch(&f, 0, "prod", "db", seq, "overlays/prod", &nf, &rep);
	cr_assert_eq(rc, 0, "expected the patch to be made, got %d", rc);
	cr_assert_eq(f.status, STSIFY_CHANGED, "expected the kustomization edited");
	cr_assert_str_eq(f.out, "resources:\n  - ../../base\npatches:\n  - path: pvc.yaml\n"
				"  - path: db-claim-templates.yaml\n", "got:\n%s", f.out);
	cr_assert_eq(nf.n, 1, "expected one new file, got %zu", nf.n);
	cr_assert_str_eq(nf.f[0].name, "/nonexistent-stsify-test/overlays/prod/db-claim-templates.yaml");
	cr_assert(nf.f[0].build_patch, "expected a build patch file");
	cr_assert(strstr(nf.f[0].text.buf,
			 "\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: prod\nspec:\n"
			 "  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n"),
		  "expected the StatefulSet patch, got:\n%s", nf.f[0].text.buf);
	cr_assert_eq(rep.n, 1, "expected one finding, got %zu", rep.n);
	plan_files_release(&nf);
	report_release(&rep);
	stsify_file_release(&f);
	val_free(seq);
}

/* asked before the conversion: the patch still names a Deployment */
Test(overlay, patchable_asks_without_editing)
{
	static const char smp[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pg\nspec:\n  template:\n    spec:\n"
		"      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: pg-data\n";
	struct stsify_file f = { .path = "storage.yaml", .in = smp, .inlen = sizeof(smp) - 1 };
	struct val *any = val_map();
	/* rendered with the build's name prefix */
	struct overlay_claim oc = { "pg", "", "data", "prod-pg-data", any, false, false, "overlays/prod" };
	bool yes = true, no = false;

	cr_assert(overlay_claim_patchable(&f, 1, &yes, &oc), "expected the patch to be editable");
	cr_assert(!overlay_claim_patchable(&f, 1, &no, &oc), "expected a patch of another build to be left");
	oc.volume = "cache";
	cr_assert(!overlay_claim_patchable(&f, 1, &yes, &oc), "expected no patch of volume cache");
	cr_assert_eq(f.status, STSIFY_UNCHANGED, "expected the file untouched");
	cr_assert_null(f.out, "expected no output");
	val_free(any);
}

/* a build alone converts the base Deployment: the kind patch last in patches, its
 * autoscaler's after it (a rewrite each), the Service in resources */
Test(overlay, kind_patch_and_service_go_beside_the_kustomization)
{
	static const char kz[] = "resources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n";
	struct stsify_file f = { .path = "/nonexistent-stsify-test/overlays/ha/kustomization.yaml", .in = kz,
				 .inlen = sizeof(kz) - 1 };
	struct plan_files nf = { 0 };
	struct report rep = REPORT_INIT;
	struct val *ops = val_seq(), *op = val_push(ops, val_map()), *svc = val_map();
	struct overlay_follow hpa = { "HorizontalPodAutoscaler", "db", "hpa", ops };
	struct overlay_kind ok = { "db", "ha-db", ops, svc, &hpa, 1, "overlays/ha" };
	int rc;

	val_set(op, "op", val_str("replace"));
	val_set(op, "path", val_str("/kind"));
	val_set(op, "value", val_str("StatefulSet"));
	val_set(svc, "apiVersion", val_str("v1"));
	val_set(svc, "kind", val_str("Service"));
	rc = overlay_kind_patch(&f, 0, &ok, &nf, &rep);
	cr_assert_eq(rc, 0, "expected the patch to be made, got %d", rc);
	cr_assert_str_eq(f.out, "resources:\n  - ../../base\n  - db-service.yaml\npatches:\n  - path: replicas.yaml\n"
				"  - path: db-statefulset.yaml\n    target:\n      kind: Deployment\n      name: db\n"
				"  - path: db-hpa.yaml\n    target:\n      kind: HorizontalPodAutoscaler\n      name: db\n",
			 "got:\n%s", f.out);
	cr_assert_eq(nf.n, 3, "expected three new files, got %zu", nf.n);
	cr_assert_str_eq(nf.f[0].name, "/nonexistent-stsify-test/overlays/ha/db-statefulset.yaml");
	cr_assert(strstr(nf.f[0].text.buf, "\n- op: replace\n  path: /kind\n  value: StatefulSet\n"),
		  "expected the JSON patch, got:\n%s", nf.f[0].text.buf);
	cr_assert(nf.f[0].build_patch && !nf.f[0].service, "expected a build patch file");
	cr_assert_str_eq(nf.f[1].name, "/nonexistent-stsify-test/overlays/ha/db-hpa.yaml");
	cr_assert(nf.f[1].build_patch, "expected a build patch file");
	cr_assert_str_eq(nf.f[2].name, "/nonexistent-stsify-test/overlays/ha/db-service.yaml");
	cr_assert(nf.f[2].service, "expected a Service file");
	cr_assert_eq(rep.n, 1, "expected one finding, got %zu", rep.n);
	cr_assert_str_eq(code_name(rep.f[0].code), "build-convert", "expected build-convert, got %s",
			 code_name(rep.f[0].code));
	plan_files_release(&nf);
	report_release(&rep);
	stsify_file_release(&f);
	val_free(ops);
	val_free(svc);
}
