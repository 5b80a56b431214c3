/*
 * test_builds.c - the Kustomize builds of a set of inputs (builds.h):
 * kustomizations found, paths resolved, closures, root builds, plain
 * files, remote and missing bases, cycles.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "plandata.h"
#include "source.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* Inputs made of paths and texts, parsed. */
/* The folders of the root builds that include input i, space-separated
 * ("-" for plain; "." for the current folder). */
static const char *roots_of(struct tl_inputs *f, size_t i)
{
	size_t n, len = 0;
	const size_t *r = builds_of(&f->bs, i, &n);

	f->buf[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		const char *dir = f->bs.b[r[k]].dir;

		len += (size_t)snprintf(f->buf + len, sizeof(f->buf) - len, "%s%s", k ? " " : "",
					*dir ? dir : ".");
	}
	cr_assert_eq(builds_plain(&f->bs, i), n == 0, "builds_plain(%zu) disagrees with builds_of()", i);
	return n ? f->buf : "-";
}

/* The folders of the root builds, space-separated. */
static const char *root_dirs(struct tl_inputs *f)
{
	size_t len = 0;

	f->buf[0] = '\0';
	for (size_t k = 0; k < f->bs.nroot; k++)
		len += (size_t)snprintf(f->buf + len, sizeof(f->buf) - len, "%s%s", k ? " " : "",
					f->bs.b[f->bs.root[k]].dir);
	return f->buf;
}

#define OBJ(kind, name) "apiVersion: v1\nkind: " kind "\nmetadata: {name: " name "}\n"

Test(builds, base_and_overlays)
{
	static const char *const paths[] = {
		"app/base/kustomization.yaml", "app/base/deploy.yaml", "app/base/pvc.yaml",
		"app/overlays/prod/kustomization.yaml", "app/overlays/prod/patch.yaml",
		"app/overlays/prod/hpa.yaml", "app/overlays/dev/kustomization.yml", "app/loose.yaml",
		"./app/overlays/prod/./cm.env.yaml",
	};
	static const char *const texts[] = {
		"resources:\n- deploy.yaml\n- ./pvc.yaml\n",
		OBJ("Deployment", "db"),
		OBJ("PersistentVolumeClaim", "data"),
		"resources: [../../base, hpa.yaml, https://github.com/x/y//z?ref=v1]\n"
		"patches:\n- path: patch.yaml\n- patch: |-\n    - op: add\n  target: {kind: Deployment}\n"
		"configMapGenerator:\n- name: c\n  envs: [cm.env.yaml]\n",
		OBJ("Deployment", "db"),
		OBJ("HorizontalPodAutoscaler", "db"),
		"bases:\n- ../../base/\npatchesStrategicMerge:\n- |\n  kind: Deployment\n- nothere.yaml\n",
		OBJ("ConfigMap", "loose"),
		"A: b\n",
	};
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, ARRAY_SIZE(paths));
	assert_size_eq(f.bs.n, 3);
	assert_str_eq(root_dirs(&f), "app/overlays/prod app/overlays/dev", "the root builds");
	assert_str_eq(roots_of(&f, 0), "app/overlays/prod app/overlays/dev", "roots of the base kustomization");
	assert_str_eq(roots_of(&f, 1), "app/overlays/prod app/overlays/dev", "roots of base/deploy.yaml");
	assert_str_eq(roots_of(&f, 2), "app/overlays/prod app/overlays/dev", "roots of base/pvc.yaml");
	assert_str_eq(roots_of(&f, 4), "app/overlays/prod", "roots of the prod patch");
	assert_str_eq(roots_of(&f, 5), "app/overlays/prod", "roots of the prod HPA");
	assert_str_eq(roots_of(&f, 6), "app/overlays/dev", "roots of the dev kustomization");
	assert_str_eq(roots_of(&f, 7), "-", "roots of a file no kustomization names");
	assert_str_eq(roots_of(&f, 8), "app/overlays/prod", "roots of a generator's env file");
	cr_expect(f.bs.b[1].remote, "prod names a remote base: expected remote");
	cr_expect(!f.bs.b[2].remote, "dev names no remote base: expected not remote");
	assert_size_eq(f.bs.b[2].nmissing, 1);
	assert_str_eq(f.bs.b[2].missing[0], "app/overlays/dev/nothere.yaml", "the path dev misses");
	cr_expect(builds_share(&f.bs, 1, 5), "base deploy and prod HPA share prod: expected shared");
	cr_expect(!builds_share(&f.bs, 5, 6), "prod HPA and dev kustomization: expected not shared");
	cr_expect(!builds_share(&f.bs, 7, 7), "a plain file shares no build, even with itself");
	cr_expect(builds_partial(&f.bs, 4), "prod is remote: expected partial");
	tl_inputs_release(&f);
}

Test(builds, sibling_variants_and_plain_folders)
{
	static const char *const paths[] = {
		"v1/kustomization.yaml", "v1/deploy.yaml", "v2/Kustomization", "v2/deploy.yaml",
		"plain/deploy.yaml",
	};
	static const char *const texts[] = {
		"resources: [deploy.yaml]\n", OBJ("Deployment", "db"), "resources: [deploy.yaml]\n",
		OBJ("Deployment", "db"), OBJ("Deployment", "db"),
	};
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, ARRAY_SIZE(paths));
	assert_str_eq(root_dirs(&f), "v1 v2", "the root builds");
	assert_str_eq(roots_of(&f, 1), "v1", "roots of v1/deploy.yaml");
	assert_str_eq(roots_of(&f, 3), "v2", "roots of v2/deploy.yaml");
	assert_str_eq(roots_of(&f, 4), "-", "roots of plain/deploy.yaml");
	cr_expect(!builds_share(&f.bs, 1, 3), "sibling variants: expected no shared build");
	cr_expect(!builds_partial(&f.bs, 1), "v1 names only inputs: expected complete");
	tl_inputs_release(&f);
}

Test(builds, components_kinds_and_flux)
{
	static const char *const paths[] = {
		"comp/kustomization.yaml", "comp/pvc.yaml", "app/kustomization.yaml", "orphan/kustomization.yaml",
		"orphan/x.yaml", "flux.yaml", "kust.yaml", "k.yaml",
	};
	static const char *const texts[] = {
		"apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [pvc.yaml]\n",
		OBJ("PersistentVolumeClaim", "data"),
		"components: [../comp]\n",
		"kind: Component\nresources: [x.yaml]\n",
		OBJ("ConfigMap", "x"),
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: f}\n"
		"spec: {path: ./app}\n",
		"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [k.yaml]\n",
		OBJ("ConfigMap", "k"),
	};
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, ARRAY_SIZE(paths));
	assert_size_eq(f.bs.n, 4);
	assert_str_eq(root_dirs(&f), "app ", "the root builds (app, and kust.yaml's folder)");
	assert_str_eq(roots_of(&f, 1), "app", "roots of a component's file");
	assert_str_eq(roots_of(&f, 4), "-", "a component nothing includes is no root: its file is plain");
	assert_str_eq(roots_of(&f, 5), "-", "a Flux Kustomization is no kustomization");
	assert_str_eq(roots_of(&f, 7), ".", "roots of a file a kind: Kustomization names");
	tl_inputs_release(&f);
}

/* A kind: Kustomization among other documents (a rendered stream, files
 * joined into one) is data: filter mode's fast path, which plans a large
 * stream in parts, and the whole parse must agree. */
Test(builds, a_kustomization_among_other_documents_is_data)
{
	static const char *const paths[] = { "<stdin>", "one.yaml", "y.yaml" };
	static const char *const texts[] = {
		"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: a\n"
		"resources: [y.yaml]\n---\n" OBJ("ConfigMap", "s"),
		"---\n# only this\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
		"resources: [y.yaml]\n",
		OBJ("ConfigMap", "y"),
	};
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, ARRAY_SIZE(paths));
	assert_size_eq(f.bs.n, 1);
	assert_str_eq(roots_of(&f, 0), "-", "a stream with a kind: Kustomization among its documents: plain");
	assert_str_eq(roots_of(&f, 2), ".", "a file whose one document is a kind: Kustomization: a build");
	tl_inputs_release(&f);
}

Test(builds, cycles_end)
{
	static const char *const paths[] = {
		"a/kustomization.yaml", "b/kustomization.yaml", "c/kustomization.yaml", "b/x.yaml",
		"self/kustomization.yaml",
	};
	static const char *const texts[] = {
		"resources: [../b]\n",
		"resources: [../a, x.yaml]\n",
		"resources: [../a, ../c]\n",
		OBJ("ConfigMap", "x"),
		"resources: [., ../self]\n",
	};
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, ARRAY_SIZE(paths));
	assert_str_eq(root_dirs(&f), "c self", "the root builds");
	assert_str_eq(roots_of(&f, 3), "c", "roots of b/x.yaml (c includes the a-b cycle)");
	assert_str_eq(roots_of(&f, 0), "c", "roots of a/kustomization.yaml");
	assert_str_eq(roots_of(&f, 4), "self", "a kustomization naming itself is still a root");
	tl_inputs_release(&f);
}

Test(builds, remote_entries_and_paths)
{
	static const struct {
		const char *e;
		bool remote;
	} t[] = {
		{ "https://github.com/a/b//c?ref=v1", true }, { "github.com/a/b/c", true },
		{ "git@github.com:a/b.git", true },	     { "git::https://x/y", true },
		{ "ssh://git@x/y", true },		     { "../base", false },
		{ "deploy.yaml", false },		     { "/abs/dir", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		cr_expect_eq(builds_is_remote(t[i].e), t[i].remote, "builds_is_remote(\"%s\"): expected %s", t[i].e,
			     t[i].remote ? "true" : "false");
	{
		char *got = builds_path_join("a/b/kustomization.yaml", "../c/./d.yaml");

		assert_str_eq(got, "a/c/d.yaml", "builds_path_join(\"a/b/kustomization.yaml\", \"../c/./d.yaml\")");
		free(got);
	}
}

Test(builds, no_kustomization_all_plain)
{
	static const char *const paths[] = { "a.yaml", "b/c.yaml" };
	static const char *const texts[] = { OBJ("Deployment", "db"), OBJ("Service", "db") };
	struct tl_inputs f;

	tl_inputs_init(&f, paths, texts, 2);
	assert_size_eq(f.bs.n, 0);
	assert_size_eq(f.bs.nroot, 0);
	assert_str_eq(roots_of(&f, 0), "-", "roots of a.yaml");
	assert_str_eq(roots_of(&f, 1), "-", "roots of b/c.yaml");
	cr_expect(!builds_partial(&f.bs, 0), "a plain file: expected not partial");
	tl_inputs_release(&f);
}
