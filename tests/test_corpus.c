/*
 * test_corpus.c - properties over every real-world manifest in
 * ../shared/corpus and every golden input: no crash; a changed file
 * re-parses; every document stsify had no reason to touch is byte-identical
 * and in its place; a second run changes nothing.
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "run.h"
#include "stsify.h"
#include "test_lib.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

/* Kinds whose documents stsify may change: the workloads it converts
 * (workload.h) and the objects that refer to them. */
static bool may_change(const struct ynode *root)
{
	static const char *const kinds[] = {
		"List", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject", "Kustomization",
	};
	const struct ynode *k = ynode_get(root, "kind");
	const struct workload *w = workload_named(ynode_str(k));

	if (w && w->action == WORKLOAD_CONVERT)
		return true;
	if (!k)
		return ynode_get(root, "patches") || ynode_get(root, "resources");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (ynode_is(k, kinds[i]))
			return true;
	return false;
}

static void check_file(const char *path)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct stsify_file f = { .path = path }, g = { .path = path };
	struct report rep = REPORT_INIT;
	struct ystream a, b;
	char *buf;
	size_t len, nd = 0;

	cr_assert_eq(read_file(path, &buf, &len), 0, "%s", path);
	f.in = buf;
	f.inlen = len;
	cr_assert_eq(run_rewrite(&opt, &f, 1, &rep), 0, "%s: run_rewrite failed", path);
	for (size_t i = 0; i < rep.n; i++)
		cr_assert_neq(rep.f[i].code, CODE_VERIFY_FAILED, "%s: %s", path, rep.f[i].msg);
	if (f.status != STSIFY_CHANGED)
		goto out;
	cr_assert_eq(ystream_parse(&a, buf, len), 0, "%s: %s", path, TL_STR(a.err_msg));
	cr_assert_eq(ystream_parse(&b, f.out, f.outlen), 0, "%s: the result does not parse (%s):\n%s", path,
		     TL_STR(b.err_msg), f.out);
	/* untouched documents: byte-identical, in order */
	for (size_t i = 0; i < a.ndoc; i++) {
		const char *s = buf + a.doc[i].start;
		size_t l = a.doc[i].end - a.doc[i].start;
		bool found = false;

		if (a.doc[i].root && may_change(a.doc[i].root))
			continue;
		while (nd < b.ndoc && !found) {
			size_t nl = b.doc[nd].end - b.doc[nd].start;

			found = nl >= l && !memcmp(f.out + b.doc[nd].start, s, l);
			nd++;
		}
		cr_assert(found, "%s: document %zu is not byte-identical in the result:\n---\n%.*s\n---", path, i + 1,
			  (int)l, s);
	}
	ystream_release(&a);
	ystream_release(&b);
	/* a second run changes nothing */
	g.in = f.out;
	g.inlen = f.outlen;
	cr_assert_eq(run_rewrite(&opt, &g, 1, &rep), 0, "%s: the second run_rewrite failed", path);
	cr_assert_neq(g.status, STSIFY_CHANGED, "%s: a second run changes it again:\n---\n%.*s\n---\nbecomes\n---\n%.*s",
		      path, (int)f.outlen, f.out, (int)g.outlen, g.out);
	stsify_file_release(&g);
out:
	stsify_file_release(&f);
	report_release(&rep);
	free(buf);
}

Test(corpus, properties_of_every_real_manifest)
{
	char **paths = NULL;
	size_t n = 0, alloc = 0;

	collect("../shared/corpus", &paths, &n, &alloc);
	if (!n)
		cr_skip_test("../shared/corpus is not beside the repository: skipped");
	for (size_t i = 0; i < n; i++) {
		check_file(paths[i]);
		free(paths[i]);
	}
	free(paths);
}

Test(corpus, properties_of_every_golden_input)
{
	char **paths = NULL;
	size_t n = 0, alloc = 0;

	collect("testdata", &paths, &n, &alloc);
	cr_assert_gt(n, 60, "%zu golden inputs, expected more than 60 (run from the repository root)", n);
	for (size_t i = 0; i < n; i++) {
		if (!strstr(paths[i], "/in/") && !strstr(paths[i], "repo/")) {
			free(paths[i]);
			continue;
		}
		check_file(paths[i]);
		free(paths[i]);
	}
	free(paths);
}
