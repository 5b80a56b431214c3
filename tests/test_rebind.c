/*
 * test_rebind.c - the rebind data path (src/rebind.c): when it applies,
 * the pre-bound claim, and the script, which must pass shellcheck and run
 * against tests/fake-kubectl (tests/rebind.sh; the interruption after each
 * step is tests/plan.sh's, on the script stsify writes).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rebind.h"
#include "render.h"
#include "test_lib.h"
#include "util.h"

static struct val *spec_of(const char *mode, const char *cls, const char *size)
{
	struct val *s = val_map(), *modes = val_set(s, "accessModes", val_seq());

	val_push(modes, val_str(mode));
	if (cls)
		val_set(s, "storageClassName", val_str(cls));
	val_set(val_set(val_set(s, "resources", val_map()), "requests", val_map()), "storage", val_str(size));
	return s;
}

Test(rebind, possible_unless_rwx_becomes_rwo_or_class_differs)
{
	struct val *rwo = spec_of("ReadWriteOnce", "premium-rwo", "50Gi");
	struct val *rwx = spec_of("ReadWriteMany", "nfs", "1200Gi");
	struct val *rwx_as_rwo = spec_of("ReadWriteOnce", "nfs", "1200Gi");
	const char *why;

	cr_assert(rebind_possible(rwo, rwo, "premium-rwo", &why), "same modes and class: expected rebind, got \"%s\"",
		  why);
	cr_assert(rebind_possible(NULL, rwo, NULL, &why), "unknown claim and volume: expected rebind, got \"%s\"",
		  why ? why : "");
	cr_assert_not(rebind_possible(rwx, rwx_as_rwo, NULL, &why), "ReadWriteMany made ReadWriteOnce must be copied");
	cr_assert(strstr(why, "ReadWriteMany") != NULL, "expected the reason to name ReadWriteMany, got \"%s\"", why);
	cr_assert_not(rebind_possible(rwo, rwo, "standard", &why), "another class than the volume's must be copied");
	cr_assert(strstr(why, "class") != NULL, "expected the reason to name the class, got \"%s\"", why);
	val_free(rwo);
	val_free(rwx);
	val_free(rwx_as_rwo);
}

Test(rebind, claim_manifest)
{
	struct val *spec = spec_of("ReadWriteOnce", "premium-rwo", "50Gi");
	struct rebind rb = { .ns = "db", .resource = "deployment/pg", .sts = "pg", .old_claim = "pg-data",
			     .new_claim = "data-pg-0", .pv = "pvc-4f1c", .pv_class = "premium-rwo", .spec = spec };
	struct strbuf sb = STRBUF_INIT;
	const char *want = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data-pg-0\n"
			   "  namespace: db\n  labels:\n    app.kubernetes.io/managed-by: stsify\nspec:\n"
			   "  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n      storage: 50Gi\n"
			   "  storageClassName: premium-rwo\n  volumeName: pvc-4f1c\n";

	rebind_claim(&sb, &rb);
	cr_assert(strstr(sb.buf, want) != NULL, "expected the manifest\n%s\ngot\n%s", want, sb.buf);
	strbuf_reset(&sb);
	rb.pv = NULL;
	rebind_claim(&sb, &rb);
	cr_assert(strstr(sb.buf, "volumeName") == NULL || strstr(sb.buf, "# ") < strstr(sb.buf, "volumeName"),
		  "without a snapshot the manifest has no volumeName, got\n%s", sb.buf);
	cr_assert(strstr(sb.buf, "the script finds it") != NULL, "expected a comment on the missing volume, got\n%s",
		  sb.buf);
	strbuf_release(&sb);
	val_free(spec);
	render_release();
}

/* The script for the fixture of tests/rebind.sh, in tests/tmp. */
static char *write_script(const char *pv)
{
	struct val *spec = spec_of("ReadWriteOnce", "premium-rwo", "50Gi");
	struct rebind rb = { .ns = "db", .resource = "deployment/pg", .sts = "pg", .old_claim = "pg-data",
			     .new_claim = "data-pg-0", .pv = pv, .pv_class = "premium-rwo", .spec = spec };
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("tests/tmp/rebind-%s.sh", pv ? "snapshot" : "lookup");
	FILE *fp;

	rebind_script(&sb, &rb);
	cr_assert_eq(system("mkdir -p tests/tmp"), 0, "cannot create tests/tmp");
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "cannot write %s", path);
	cr_assert_eq(fwrite(sb.buf, 1, sb.len, fp), sb.len, "short write to %s", path);
	fclose(fp);
	strbuf_release(&sb);
	val_free(spec);
	render_release();
	return path;
}

Test(rebind, script_passes_shellcheck)
{
	char *path, *cmd;
	int rc;

	if (system("command -v shellcheck >/dev/null 2>&1"))
		cr_skip_test("shellcheck is not installed (apt-get install shellcheck)");
	for (int i = 0; i < 2; i++) {
		path = write_script(i ? "pvc-4f1c2a8e" : NULL);
		cmd = xasprintf("shellcheck -s sh %s >&2", path);
		rc = system(cmd);
		cr_expect_eq(rc, 0, "expected shellcheck to pass %s, it exited %d (its findings are above)", path, rc);
		free(cmd);
		free(path);
	}
}

/* The script's run against the fake kubectl, without the interruptions:
 * tests/plan.sh (make plan) interrupts the script that stsify writes for
 * testdata/cases/plan-rebind (the same kind, looking its volume up) after
 * each of its steps; run again here, they cost 20 s of every make check's
 * unit and asan-unit runs. */
Test(rebind, script_runs_against_the_fake_kubectl)
{
	char *path, *cmd;
	int rc;

	if (system("command -v python3 >/dev/null 2>&1"))
		cr_skip_test("python3 is not installed: no fake kubectl");
#ifdef UNDER_ASAN
	/* the run is the shell's and the fake kubectl's, which ASan does not
	 * see; make unit runs it (17 s, twice that under ASan) */
	cr_skip_test("the scripts run in make unit, not under AddressSanitizer");
#endif
	/* the script of a snapshot (its volume named); the one that looks its
	 * volume up is golden plan-rebind's, which make plan runs through
	 * every interruption */
	path = write_script("pvc-4f1c2a8e");
	cmd = xasprintf("sh tests/rebind.sh %s quick >&2", path);
	rc = system(cmd);
	cr_expect_eq(rc, 0, "expected tests/rebind.sh %s to pass, it exited %d (its output is above)", path, rc);
	free(cmd);
	free(path);
}

Test(rebind, data_path_per_claim)
{
	struct val *rwo = spec_of("ReadWriteOnce", "premium-rwo", "50Gi");
	enum data_path dp;
	const char *why;

	cr_assert_eq(data_path_parse(NULL, &dp), 0, "NULL is auto");
	cr_assert_eq(dp, DATA_PATH_AUTO, "NULL: expected auto, got %d", (int)dp);
	cr_assert_eq(data_path_parse("rebind", &dp), 0, "rebind parses");
	cr_assert_eq(dp, DATA_PATH_REBIND, "expected rebind, got %d", (int)dp);
	cr_assert_eq(data_path_parse("move", &dp), -1, "\"move\" is not a data path");
	cr_assert(rebind_choose(DATA_PATH_AUTO, "ReadWriteOnce", rwo, NULL, false, &why), "RWO, same class: rebind");
	cr_assert(rebind_choose(DATA_PATH_AUTO, "ReadWriteOncePod", rwo, "premium-rwo", false, &why), "RWOP: rebind");
	cr_assert_not(rebind_choose(DATA_PATH_AUTO, NULL, rwo, NULL, false, &why), "unknown modes: copy");
	cr_assert(strstr(why, "not known") != NULL, "expected the reason to say unknown, got \"%s\"", why);
	cr_assert_not(rebind_choose(DATA_PATH_AUTO, "ReadWriteOnce,ReadWriteMany", rwo, NULL, false, &why), "RWX -> RWO: copy");
	cr_assert(strstr(why, "ReadWriteMany") != NULL, "expected the reason to name ReadWriteMany, got \"%s\"", why);
	cr_assert(rebind_choose(DATA_PATH_REBIND, "ReadWriteMany", rwo, NULL, false, &why), "--data-path=rebind: RWX rebound");
	cr_assert(rebind_choose(DATA_PATH_REBIND, NULL, rwo, NULL, false, &why), "--data-path=rebind: unknown modes rebound");
	cr_assert_not(rebind_choose(DATA_PATH_REBIND, "ReadWriteOnce", rwo, "standard", false, &why),
		      "never across classes, whatever --data-path");
	cr_assert_not(rebind_choose(DATA_PATH_COPY, "ReadWriteOnce", rwo, NULL, false, &why), "--data-path=copy: copy");
	cr_assert_str_eq(why, "--data-path=copy", "the reason");
	cr_assert_not(rebind_choose(DATA_PATH_AUTO, "ReadOnlyMany", rwo, NULL, false, &why), "ROX: copy");
	cr_assert(rebind_choose(DATA_PATH_AUTO, "ReadWriteMany", rwo, NULL, true, &why),
		  "a hand-made volume: rebound, nothing provisions one to copy into");
	cr_assert(strstr(why, "by hand") != NULL, "expected the reason to say made by hand, got \"%s\"", why);
	cr_assert_not(rebind_choose(DATA_PATH_COPY, "ReadWriteOnce", rwo, NULL, true, &why),
		      "--data-path=copy wins over a hand-made volume");
	val_free(rwo);
}

Test(rebind, claims_file_beside_the_manifest)
{
	char *f = rebind_claims_file("apps/db/base/pg.yaml", "pg");

	cr_assert_str_eq(f, "apps/db/base/pg-claims.yaml", "with a folder");
	free(f);
	f = rebind_claims_file("pg.yaml", "pg");
	cr_assert_str_eq(f, "pg-claims.yaml", "without a folder");
	free(f);
}
