/*
 * test_kustomize.c - the rendered truth (kustomize.h): a recorded
 * rendering mapped back to its sources, paths normalised, which
 * kustomizations transform, and kz_render() with a fake Kustomize
 * (testdata/kustomize-render/fake-kustomize): the wrapper, concurrency,
 * a failure and a timeout.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kustomize.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

static void load(struct kz_build *b, const char *file)
{
	cr_assert_eq(read_file(file, &b->out, &b->outlen), 0, "cannot read %s", file);
	cr_assert_eq(kz_parse(b, "/w/wrap"), 0, "kz_parse: %s", TL_STR(b->error));
}

Test(kustomize, recorded_rendering_maps_objects_to_their_sources)
{
	struct kz_build b = { .dir = "overlays/staging" };

	load(&b, "testdata/kustomize-render/staging.yaml");
	assert_size_eq(b.nobj, 4);
	assert_str_eq(b.obj[1].kind, "Deployment", "kind");
	assert_str_eq(b.obj[1].ns, "staging", "namespace");
	assert_str_eq(b.obj[1].name, "team-redis-v2", "name");
	assert_str_eq(b.obj[1].origin, "/repo/base/redis.yaml", "origin");
	cr_assert(!b.obj[1].generated, "the Deployment is not generated");
	assert_size_eq(b.obj[1].ntr, 1);
	assert_str_eq(b.obj[1].tr[0].in, "/repo/overlays/staging/kustomization.yaml", "configuredIn");
	assert_str_eq(b.obj[1].tr[0].kind, "PatchTransformer", "transformer");
	assert_int_eq(b.obj[1].line, 25);
	assert_size_eq(b.obj[0].ntr, 2);
	assert_str_eq(b.obj[0].tr[1].kind, "PrefixTransformer", "second transformer");
	cr_assert(b.obj[2].generated, "the ConfigMap comes from a generator");
	assert_str_eq(b.obj[2].origin, "/repo/overlays/staging/kustomization.yaml", "generator");
	cr_assert_null(b.obj[3].origin, "no origin annotation: origin %s", TL_STR(b.obj[3].origin));
	assert_str_eq(b.obj[3].ns, "", "unset namespace");
	kz_release(&b);
}

Test(kustomize, paths_are_normalised)
{
	static const char *const cases[][2] = {
		{ "/a/b/../c/./d", "/a/c/d" }, { "a//b/", "a/b" }, { "../x/../y", "../y" },
		{ "/../a", "/a" },	       { ".", "." },	    { "a/..", "." },
		{ "../../r/b.yaml", "../../r/b.yaml" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *n = kz_path_norm(cases[i][0]);

		cr_assert_str_eq(n, cases[i][1], "kz_path_norm(\"%s\"): expected \"%s\", got \"%s\"",
				 cases[i][0], cases[i][1], n);
		free(n);
	}
}

static bool transforms(const char *text)
{
	struct ystream ys;
	bool t;

	cr_assert_eq(ystream_parse(&ys, text, strlen(text)), 0, "parse %s", text);
	t = kz_transforms(ys.doc[0].root);
	ystream_release(&ys);
	return t;
}

Test(kustomize, only_kustomizations_beyond_resources_transform)
{
	cr_assert(!transforms("resources: [a.yaml, ../base]\n"), "a list of resources");
	cr_assert(!transforms("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
			      "metadata: {name: x}\nbases: [../b]\n"),
		  "bases and metadata");
	cr_assert(!transforms("resources: [a.yaml]\nnamePrefix: p-\nnamespace: x\nlabels: []\n"),
		  "names and labels");
	cr_assert(transforms("resources: [a.yaml]\nreplicas: [{name: a, count: 2}]\n"), "replicas");
	cr_assert(transforms("resources: [a.yaml]\nimages: [{name: a, newTag: b}]\n"), "images");
	cr_assert(transforms("resources: [a.yaml]\nsomeFutureField: 1\n"), "an unknown field");
	cr_assert(transforms("resources: [a.yaml]\npatches: [{path: p.yaml}]\n"), "patches");
	cr_assert(transforms("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"),
		  "a Component");
	cr_assert(transforms("resources: [a]\ncomponents: [../c]\n"), "components");
}

Test(kustomize, a_quick_look_finds_what_may_transform)
{
	static const struct {
		const char *text;
		bool may;
	} cases[] = {
		{ "# c\napiVersion: x\nkind: Kustomization\nnamespace: a\nresources:\n- a.yaml\n", false },
		{ "resources:\n  - a\n---\n", false },
		{ "resources: [a]\npatches:\n- path: p.yaml\n", true },
		{ "kind: Component\n", true },
		{ "{\"resources\": [\"a\"]}\n", true },
		{ "replicas:\n- {name: a, count: 2}\n", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		cr_assert_eq(kz_may_transform(cases[i].text, strlen(cases[i].text)), cases[i].may,
			     "kz_may_transform(%s): expected %d", cases[i].text, cases[i].may);
}

Test(kustomize, render_runs_several_builds_and_reports_failures)
{
	char *dir = tmpdir_make(), *cwd = getcwd(NULL, 0);
	char *fake = xasprintf("%s/testdata/kustomize-render/fake-kustomize", cwd);
	char *const cmd[] = { "/bin/sh", fake, NULL };
	char *d[4];
	struct kz_build b[4];
	static const char *const names[] = { "ok-one", "fail-missing", "ok-two", "hang-forever" };

	for (size_t i = 0; i < 4; i++) {
		char *f = xasprintf("%s/kustomization.yaml", names[i]);

		file_write(dir, f, "resources: []\n");
		free(f);
		d[i] = xasprintf("%s/%s", dir, names[i]);
		b[i] = (struct kz_build){ .dir = d[i] };
	}
	kz_render(b, 4, cmd, 2, 1);
	for (size_t i = 0; i < 4; i += 2) {
		char *origin = xasprintf("%s/deploy.yaml", d[i]), *real = realpath(d[i], NULL);
		char *want = xasprintf("%s/deploy.yaml", real);

		cr_assert(b[i].ok, "%s: expected rendered, got error %s", names[i], TL_STR(b[i].error));
		assert_size_eq(b[i].nobj, 1);
		assert_str_eq(b[i].obj[0].name, names[i], "rendered name");
		assert_str_eq(b[i].obj[0].origin, want, "origin, made absolute");
		free(origin);
		free(real);
		free(want);
	}
	cr_assert(!b[1].ok, "a failing build is not ok");
	assert_contains(b[1].error, "missing.yaml: no such file");
	cr_assert(!b[3].ok, "a build that hangs is killed");
	assert_contains(b[3].error, "did not finish in 1 s");
	for (size_t i = 0; i < 4; i++) {
		kz_release(&b[i]);
		free(d[i]);
	}
	free(fake);
	free(cwd);
	tmpdir_remove(dir);
}

Test(kustomize, command_is_found_or_null)
{
	char **c = kz_command("/bin/sh -c");

	cr_assert(c && !strcmp(c[0], "/bin/sh") && !strcmp(c[1], "-c") && !c[2],
		  "expected {/bin/sh, -c}, got {%s, ...}", c ? TL_STR(c[0]) : "NULL");
	kz_command_free(c);
	cr_assert_null(kz_command("/nonexistent/kustomize build"), "a command that is not there");
}
