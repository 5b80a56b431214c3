/*
 * test_context.c - the context of file operands (context.c): the closure
 * of the nearest kustomization that includes the file, read from disk
 * across folders; the files of the folder when none does; operands left
 * out; and the findings context_drop() keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"
#include "report.h"
#include "test_lib.h"
#include "util.h"

static char *root;

static void put(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", root, rel);
	FILE *fp;

	for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	fp = fopen(p, "w");
	cr_assert_not_null(fp, "cannot create %s", p);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static void setup(void)
{
	static const char deploy[] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pg\n";

	root = xstrdup("/tmp/stsify-context.XXXXXX");
	cr_assert(mkdtemp(root), "mkdtemp");
	put(".git/HEAD", "ref: refs/heads/main\n");
	put("base/kustomization.yaml", "resources:\n  - deploy.yaml\n  - ../shared\n");
	put("base/deploy.yaml", deploy);
	put("base/stray.yaml", "kind: PersistentVolumeClaim\n");
	put("shared/kustomization.yaml", "resources: [pvc.yaml]\n");
	put("shared/pvc.yaml", "kind: PersistentVolumeClaim\n");
	put("plain/a.yaml", deploy);
	put("plain/b.yml", "kind: Service\n");
	put("plain/c.txt", "not a manifest\n");
	put("plain/.hidden.yaml", "kind: Service\n");
	put("up/kustomization.yaml", "resources:\n  - sub/x.yaml\n");
	put("up/sub/x.yaml", deploy);
	put("up/sub/y.yaml", "kind: Service\n");
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
	free(cmd);
	free(root);
}

/* --exclude-path as the command gives it: here, names with "pvc" */
static bool skip_pvc(const char *path, void *arg)
{
	(void)arg;
	return strstr(path, "pvc") != NULL;
}

static bool (*skip)(const char *path, void *arg);

/* The context of ops (relative to root; have: ops and more) as one line of
 * paths relative to root. */
static char *context_line(const char *const *rel, size_t nops, size_t nhave)
{
	const char **abs = xcalloc(nhave, sizeof(*abs));
	struct strbuf sb = STRBUF_INIT;
	struct context cx;

	for (size_t i = 0; i < nhave; i++)
		abs[i] = xasprintf("%s/%s", root, rel[i]);
	context_find(&cx, abs, nops, abs, nhave, skip, NULL);
	for (size_t k = 0; k < cx.n; k++) {
		cr_assert(!strncmp(cx.path[k], root, strlen(root)), "%s is outside %s", cx.path[k], root);
		strbuf_addf(&sb, "%s%s", k ? " " : "", cx.path[k] + strlen(root) + 1);
		cr_assert(cx.buf[k] && cx.len[k], "%s has no bytes", cx.path[k]);
	}
	context_release(&cx);
	for (size_t i = 0; i < nhave; i++)
		free((char *)abs[i]);
	free(abs);
	return strbuf_detach(&sb, NULL);
}

TestSuite(context, .init = setup, .fini = teardown);

Test(context, closure_across_folders)
{
	const char *ops[] = { "base/deploy.yaml" };
	char *got = context_line(ops, 1, 1);

	/* not base/stray.yaml: the kustomization does not list it */
	cr_assert_str_eq(got, "base/kustomization.yaml shared/kustomization.yaml shared/pvc.yaml",
			 "expected the closure of base/, got %s", got);
	free(got);
}

Test(context, exclude_path)
{
	const char *ops[] = { "base/deploy.yaml" };
	char *got;

	skip = skip_pvc;
	got = context_line(ops, 1, 1);
	skip = NULL;
	cr_assert_str_eq(got, "base/kustomization.yaml shared/kustomization.yaml",
			 "expected the closure less what --exclude-path leaves out, got %s", got);
	free(got);
}

Test(context, operands_are_not_context)
{
	const char *ops[] = { "base/deploy.yaml", "shared/pvc.yaml" };
	char *got = context_line(ops, 1, 2);

	cr_assert_str_eq(got, "base/kustomization.yaml shared/kustomization.yaml",
			 "expected the closure less the operands, got %s", got);
	free(got);
}

Test(context, folder_without_kustomization)
{
	const char *ops[] = { "plain/a.yaml" };
	char *got = context_line(ops, 1, 1);

	/* not c.txt, not .hidden.yaml */
	cr_assert_str_eq(got, "plain/b.yml", "expected the folder's other manifests, got %s", got);
	free(got);
}

Test(context, enclosing_kustomization_above)
{
	const char *ops[] = { "up/sub/x.yaml" };
	char *got = context_line(ops, 1, 1);

	/* up/ lists the file: its build, not the folder (y.yaml) */
	cr_assert_str_eq(got, "up/kustomization.yaml", "expected up/'s build, got %s", got);
	free(got);
}

Test(context, shared_once)
{
	const char *ops[] = { "base/deploy.yaml", "plain/a.yaml", "up/sub/x.yaml" };
	char *got = context_line(ops, 3, 3);

	cr_assert_str_eq(got,
			 "base/kustomization.yaml plain/b.yml shared/kustomization.yaml shared/pvc.yaml "
			 "up/kustomization.yaml",
			 "expected each context file once, sorted, got %s", got);
	free(got);
}

Test(context, drop)
{
	struct report rep = REPORT_INIT;
	struct context cx = { NULL, NULL, NULL, 0 };
	char *paths[] = { xstrdup("ctx.yaml") };
	char *bufs[] = { NULL };
	size_t lens[] = { 0 };

	cx.path = paths;
	cx.buf = bufs;
	cx.len = lens;
	cx.n = 1;
	rep.dep = xcalloc(2, sizeof(*rep.dep));
	rep.ndep = rep.adep = 2;
	rep.dep[0] = (struct dep_summary){ .path = xstrdup("op.yaml"), .owner = 1, .converted = true };
	rep.dep[1] = (struct dep_summary){ .path = xstrdup("ctx.yaml"), .owner = 2, .converted = true };
	report_add_at(&rep, "op.yaml", 1, 1, CODE_SHARED_PVC, "kept: at an operand")->owner = 2;
	report_add_at(&rep, "ctx.yaml", 2, 1, CODE_DATA_MIGRATION, "kept: about the operand's workload")->owner = 1;
	report_add_at(&rep, "ctx.yaml", 3, 1, CODE_REFERENCE, "dropped: an info")->owner = 1;
	report_add_at(&rep, "ctx.yaml", 4, 1, CODE_DATA_MIGRATION, "dropped: a context workload's")->owner = 2;
	report_add_at(&rep, "ctx.yaml", 5, 1, CODE_PARSE_ERROR, "dropped: no workload's");
	context_drop(&cx, &rep);
	cr_assert_eq(rep.n, 2, "expected 2 findings kept, got %zu", rep.n);
	cr_assert_str_eq(rep.f[0].msg, "kept: at an operand", "first kept: %s", rep.f[0].msg);
	cr_assert_str_eq(rep.f[1].msg, "kept: about the operand's workload", "second kept: %s", rep.f[1].msg);
	cr_assert_eq(rep.ndep, 1, "expected the context workload's summary dropped, got %zu", rep.ndep);
	cr_assert_str_eq(rep.dep[0].path, "op.yaml", "kept summary: %s", rep.dep[0].path);
	report_release(&rep);
	free(paths[0]);
}

Test(context, wanted)
{
	static const char dep[] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pg\nspec:\n"
				  "  template:\n    spec:\n      volumes:\n      - name: d\n"
				  "        persistentVolumeClaim:\n          claimName: d\n";
	static const char cm[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n";
	static const char hpa[] = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n";

	cr_assert(context_wanted("a.yaml", dep, strlen(dep)), "a Deployment with a claim needs its build");
	cr_assert(context_wanted("a.yaml", hpa, strlen(hpa)), "an autoscaler needs its build");
	cr_assert(!context_wanted("a.yaml", cm, strlen(cm)), "a ConfigMap cannot change: no context");
	cr_assert(context_wanted("k/kustomization.yaml", cm, strlen(cm)), "a kustomization's name: context");
}
