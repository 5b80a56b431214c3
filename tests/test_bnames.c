/*
 * test_bnames.c - the names a root build gives an object (bnames.h):
 * namespace (outermost wins), prefixes and suffixes along the chain of
 * kustomizations, the claims of a workload per build, the pairs of the
 * data-migration finding grouped.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bnames.h"
#include "builds.h"
#include "plandata.h"
#include "report.h"
#include "rindex.h"
#include "source.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"

/* The root build of folder dir (an index into bs.b). */
static size_t root_named(const struct tl_inputs *f, const char *dir)
{
	for (size_t k = 0; k < f->bs.nroot; k++)
		if (!strcmp(f->bs.b[f->bs.root[k]].dir, dir))
			return f->bs.root[k];
	cr_assert_fail("expected a root build %s, found none", dir);
	return 0;
}

Test(bnames, chain_outermost_namespace_and_nested_affixes)
{
	static const char *const paths[] = { "base/kustomization.yaml", "base/db.yaml", "mid/kustomization.yaml",
					     "top/kustomization.yaml" };
	static const char *const texts[] = {
		"namespace: inner\nnamePrefix: inner-\nresources: [db.yaml]\n",
		"kind: Deployment\nmetadata: {name: db}\n",
		"namePrefix: mid-\nnameSuffix: -m\nresources: [../base]\n",
		"namespace: top\nnamePrefix: top-\nnameSuffix: -t\nresources: [../mid]\n",
	};
	struct tl_inputs f;
	struct bn_xf xf;
	char *name;

	tl_inputs_init(&f, paths, texts, 4);
	cr_assert(bnames_xf(&f.bs, f.in, root_named(&f, "top"), 1, &xf), "expected top to include base/db.yaml");
	cr_assert_str_eq(xf.ns ? xf.ns : "(none)", "top", "expected the outermost namespace, got %s",
			 xf.ns ? xf.ns : "(none)");
	name = bnames_apply(&xf, "db");
	cr_assert_str_eq(name, "top-mid-inner-db-m-t", "expected outer prefixes outside, got %s", name);
	free(name);
	bnames_xf_release(&xf);
	tl_inputs_release(&f);
}

Test(bnames, claims_per_build)
{
	static const char *const paths[] = { "base/kustomization.yaml", "base/db.yaml", "dev/kustomization.yaml",
					     "prod/kustomization.yaml", "prod/pvc.yaml" };
	static const char *const texts[] = {
		"resources: [db.yaml]\n",
		"kind: Deployment\nmetadata: {name: db}\n",
		"resources: [../base]\n",
		"namespace: prod\nnamePrefix: eu-\nresources: [../base, pvc.yaml]\n",
		"kind: PersistentVolumeClaim\nmetadata: {name: data}\n",
	};
	struct tl_inputs f;
	struct resource dep = { .in = 1, .kind = "Deployment", .name = "db", .ns = "" };
	struct resource pvc = { .in = 4, .kind = "PersistentVolumeClaim", .name = "data", .ns = "" };
	struct claim_build *cb;
	size_t n;
	struct strbuf sb = STRBUF_INIT;

	tl_inputs_init(&f, paths, texts, 5);
	bnames_claim(&f.bs, f.in, &dep, &pvc, "data", "vol", &cb, &n);
	cr_assert_eq(n, 2, "expected a claim per root build (dev, prod), got %zu", n);
	/* dev does not include the claim's manifest: claimName as written */
	cr_assert_str_eq(cb[0].build, "dev", "expected build dev first, got %s", cb[0].build);
	cr_assert_str_eq(cb[0].claim, "data", "expected claim data in dev, got %s", cb[0].claim);
	cr_assert_str_eq(cb[0].new_claim, "vol-db-0", "expected vol-db-0 in dev, got %s", cb[0].new_claim);
	cr_assert_str_eq(cb[1].ns, "prod", "expected namespace prod, got %s", cb[1].ns);
	cr_assert_str_eq(cb[1].sts, "eu-db", "expected StatefulSet eu-db, got %s", cb[1].sts);
	cr_assert_str_eq(cb[1].claim, "eu-data", "expected claim eu-data in prod, got %s", cb[1].claim);
	cr_assert_str_eq(cb[1].new_claim, "vol-eu-db-0", "expected vol-eu-db-0 in prod, got %s", cb[1].new_claim);
	cr_assert(!bnames_as_written(cb, n, "", "data", "vol-db-0"), "expected prod's names to differ");
	cr_assert(bnames_as_written(cb, 1, "", "data", "vol-db-0"), "expected dev's names as written");
	bnames_pairs(&sb, cb, n);
	cr_assert_str_eq(sb.buf,
			 "claim \"data\" to claim \"vol-db-0\" (build \"dev\"), of claim \"prod/eu-data\" to claim "
			 "\"prod/vol-eu-db-0\" (build \"prod\")",
			 "got %s", sb.buf);
	strbuf_release(&sb);
	claim_builds_free(cb, n);
	/* a file of the overlay alone: its one build */
	dep.in = 4;
	bnames_claim(&f.bs, f.in, &dep, NULL, "data", "vol", &cb, &n);
	cr_assert_eq(n, 1, "expected pvc.yaml in build prod only, got %zu builds", n);
	claim_builds_free(cb, n);
	tl_inputs_release(&f);
}

Test(bnames, pairs_grouped)
{
	struct claim_build cb[] = {
		{ "a", "", "db", "data", "v-db-0" },
		{ "b", "x", "db", "data", "v-db-0" },
		{ "c", "", "db", "data", "v-db-0" },
	};
	struct strbuf sb = STRBUF_INIT;

	bnames_pairs(&sb, cb, 3);
	cr_assert_str_eq(sb.buf,
			 "claim \"data\" to claim \"v-db-0\" (builds \"a\", \"c\"), of claim \"x/data\" to claim "
			 "\"x/v-db-0\" (build \"b\")",
			 "got %s", sb.buf);
	strbuf_release(&sb);
	cr_assert(bnames_as_written(cb, 0, "", "a", "b"), "expected no builds to count as written");
}

Test(bnames, plain_input_has_no_builds)
{
	static const char *const paths[] = { "db.yaml" };
	static const char *const texts[] = { "kind: Deployment\nmetadata: {name: db}\n" };
	struct tl_inputs f;
	struct resource dep = { .in = 0, .kind = "Deployment", .name = "db", .ns = "" };
	struct claim_build *cb;
	size_t n;

	tl_inputs_init(&f, paths, texts, 1);
	bnames_claim(&f.bs, f.in, &dep, NULL, "data", "vol", &cb, &n);
	cr_assert_eq(n, 0, "expected no builds for a plain manifest, got %zu", n);
	free(cb);
	tl_inputs_release(&f);
}

Test(bnames, pairs_capped)
{
	static char *const names[] = { "b0", "b1", "b2", "b3", "b4", "b5", "b6" };
	static char *const nss[] = { "n0", "n1", "n2", "n3", "n4", "n5", "n6" };
	struct claim_build cb[7];
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < 7; i++)
		cb[i] = (struct claim_build){ names[i], "", "db", "data", "v-db-0" };
	bnames_pairs(&sb, cb, 7);
	cr_assert_str_eq(sb.buf,
			 "claim \"data\" to claim \"v-db-0\" (builds \"b0\", \"b1\", \"b2\", \"b3\", \"b4\" and 2 more)",
			 "expected five builds named and the rest counted, got %s", sb.buf);
	strbuf_release(&sb);
	for (size_t i = 0; i < 7; i++)
		cb[i].ns = nss[i];
	strbuf_init(&sb);
	bnames_pairs(&sb, cb, 7);
	cr_assert(strstr(sb.buf, "claim \"n4/data\" to claim \"n4/v-db-0\" (build \"b4\")") != NULL,
		  "expected the fifth pair named, got %s", sb.buf);
	cr_assert(strstr(sb.buf, "n5/") == NULL, "expected the sixth pair counted, not named, got %s", sb.buf);
	cr_assert(strstr(sb.buf, ", and 2 more pairs (the JSON report and --migration-plan name them all)") != NULL,
		  "expected two more pairs counted, got %s", sb.buf);
	strbuf_release(&sb);
}
