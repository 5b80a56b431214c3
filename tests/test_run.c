/*
 * test_run.c - run_rewrite() (stsify_run() of stsify.h) on several inputs
 * as one set of resources: a claim or an autoscaler in another file than
 * its Deployment; a file that does not parse fails alone; a Deployment that cannot be lowered is left
 * as it is in its file while another file converts, and the report's
 * summary says why; the number of threads changes nothing; a single input
 * kept as pieces writes the same bytes as its whole new text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "run.h"
#include "stsify.h"
#include "test_lib.h"





#define MAXF 24

struct run_result {
	size_t n;
	struct stsify_file f[MAXF];
	char *path[MAXF];
	struct report rep;
};

static void run(struct run_result *r, const char *const *text, size_t n, unsigned jobs, bool every)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */

	opt.jobs = jobs;
	opt.every_deployment = every;
	memset(r, 0, sizeof(*r));
	r->n = n;
	for (size_t i = 0; i < n; i++) {
		r->path[i] = malloc(32);
		snprintf(r->path[i], 32, "f%02zu.yaml", i);
		r->f[i] = (struct stsify_file){ .path = r->path[i], .in = text[i], .inlen = strlen(text[i]) };
	}
	assert_int_eq(run_rewrite(&opt, r->f, n, &r->rep), 0);
}

static void run_release(struct run_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		stsify_file_release(&r->f[i]);
		free(r->path[i]);
	}
	report_release(&r->rep);
}

static void expect_status(const struct run_result *r, size_t i, enum stsify_status want)
{
	cr_assert_eq(r->f[i].status, want, "status of %s: expected %d, got %d", r->path[i], (int)want,
		     (int)r->f[i].status);
}

static const char *out_of(const struct run_result *r, size_t i)
{
	return r->f[i].status == STSIFY_CHANGED ? r->f[i].out : r->f[i].in;
}

static char *findings(const struct run_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp, "open_memstream");
	report_print(&r->rep, fp, false, SEV_INFO);
	fclose(fp);
	return buf;
}

Test(run, the_claim_in_another_file_gives_the_template)
{
	const char *in[] = { TL_DEPLOYMENT("db", "db-data"), TL_PVC("db-data", "5Gi") };
	struct run_result r;

	run(&r, in, 2, 1, false);
	expect_status(&r, 0, STSIFY_CHANGED);
	expect_status(&r, 1, STSIFY_UNCHANGED);
	assert_contains(out_of(&r, 0), "kind: StatefulSet\n");
	assert_contains(out_of(&r, 0), "storage: 5Gi");
	run_release(&r);
}

Test(run, an_autoscaler_in_another_file_follows)
{
	const char *in[] = { TL_DEPLOYMENT("db", "db-data"), TL_HPA("db") };
	struct run_result r;

	run(&r, in, 2, 2, false);
	expect_status(&r, 0, STSIFY_CHANGED);
	expect_status(&r, 1, STSIFY_CHANGED);
	assert_contains(out_of(&r, 1), "    kind: StatefulSet\n    name: db\n");
	run_release(&r);
}

Test(run, a_file_that_does_not_parse_fails_alone)
{
	const char *in[] = { "a: [unclosed\n", TL_DEPLOYMENT("db", "db-data") };
	struct run_result r;
	char *fs;

	run(&r, in, 2, 2, false);
	expect_status(&r, 0, STSIFY_FAILED);
	expect_status(&r, 1, STSIFY_CHANGED);
	fs = findings(&r);
	assert_contains(fs, "f00.yaml:2:1: error: ");
	assert_contains(fs, "[parse-error]");
	free(fs);
	run_release(&r);
}

Test(run, a_deployment_that_cannot_be_lowered_stays_and_the_others_convert)
{
	const char *in[] = { TL_ANCHORED, TL_DEPLOYMENT("good", "good-data"), TL_HPA("bad") };
	struct run_result r;
	char *fs;
	bool seen_bad = false, seen_good = false;

	run(&r, in, 3, 2, true);
	expect_status(&r, 0, STSIFY_UNCHANGED);
	expect_status(&r, 1, STSIFY_CHANGED);
	/* the autoscaler of the abandoned Deployment is left as it is too */
	expect_status(&r, 2, STSIFY_UNCHANGED);
	fs = findings(&r);
	assert_contains(fs, "f00.yaml:1:1: warning: Deployment \"bad\" is left as it is: an edit would change anchored node");
	assert_contains(fs, "[unsupported-alias]");
	assert_not_contains(fs, "added for StatefulSet \"bad\"");
	assert_contains(fs, "headless Service \"good\" added for StatefulSet \"good\"");
	free(fs);
	for (size_t i = 0; i < r.rep.ndep; i++) {
		const struct dep_summary *s = &r.rep.dep[i];

		if (!strcmp(s->name, "bad")) {
			seen_bad = true;
			cr_assert(!s->converted, "\"bad\" is summarized as converted");
			assert_str_eq(code_name(s->reason), "unsupported-alias", "the reason of \"bad\"");
		} else if (!strcmp(s->name, "good")) {
			seen_good = true;
			cr_assert(s->converted, "\"good\" is summarized as not converted");
		}
	}
	cr_assert(seen_bad && seen_good, "the summary lacks a Deployment (bad %d, good %d)", seen_bad, seen_good);
	run_release(&r);
}

Test(run, the_number_of_threads_changes_nothing)
{
	const char *in[MAXF];
	char *text[MAXF];
	struct run_result one, four;
	char *f1, *f4;

	for (size_t i = 0; i < MAXF; i++) {
		size_t len = 4096;

		text[i] = malloc(len);
		if (i % 4 == 3)
			snprintf(text[i], len, TL_ANCHORED);
		else if (i % 4 == 2)
			snprintf(text[i], len, TL_HPA("d%zu"), i - 1, i - 1);
		else
			snprintf(text[i], len,
				 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d%zu\nspec:\n  replicas: 2\n"
				 "  selector:\n    matchLabels:\n      app: d%zu\n  template:\n    metadata:\n"
				 "      labels:\n        app: d%zu\n    spec:\n      containers:\n      - name: c\n"
				 "        image: x\n        volumeMounts:\n        - name: data\n          mountPath: /d\n"
				 "      volumes:\n      - name: data\n        persistentVolumeClaim:\n"
				 "          claimName: c%zu\n",
				 i, i, i, i);
		in[i] = text[i];
	}
	run(&one, in, MAXF, 1, true);
	run(&four, in, MAXF, 4, true);
	for (size_t i = 0; i < MAXF; i++) {
		cr_assert_eq(one.f[i].status, four.f[i].status, "status of f%02zu: -j 1 %d, -j 4 %d", i,
			     (int)one.f[i].status, (int)four.f[i].status);
		assert_str_eq(out_of(&four, i), out_of(&one, i), "the output with 4 threads (expected: with 1)");
	}
	f1 = findings(&one);
	f4 = findings(&four);
	assert_str_eq(f4, f1, "the findings with 4 threads (expected: with 1)");
	assert_size_eq(four.rep.ndep, one.rep.ndep);
	free(f1);
	free(f4);
	run_release(&one);
	run_release(&four);
	for (size_t i = 0; i < MAXF; i++)
		free(text[i]);
}

Test(run, pieces_write_what_out_holds)
{
	const char *text = TL_DEPLOYMENT("a", "a-data") "---\n" TL_PVC("a-data", "2Gi") "---\n" TL_DEPLOYMENT("b", "b-data");
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct stsify_file whole = { .path = "in.yaml", .in = text, .inlen = strlen(text) };
	struct stsify_file pieces = whole;
	struct report rep = REPORT_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	pieces.no_out = true;
	assert_int_eq(run_rewrite(&opt, &whole, 1, &rep), 0);
	assert_int_eq(run_rewrite(&opt, &pieces, 1, &rep), 0);
	assert_int_eq(whole.status, STSIFY_CHANGED);
	assert_int_eq(pieces.status, STSIFY_CHANGED);
	cr_assert(!pieces.out && pieces.pieces, "no_out: expected pieces and no out");
	fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp, "open_memstream");
	assert_int_eq(stsify_file_write(&pieces, fp), 0);
	fclose(fp);
	cr_assert_eq(len, whole.outlen, "written: expected %zu bytes, got %zu", whole.outlen, len);
	assert_mem_str(buf, len, whole.out);
	free(buf);
	stsify_file_release(&whole);
	stsify_file_release(&pieces);
	report_release(&rep);
}
