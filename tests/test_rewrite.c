/*
 * test_rewrite.c - the one lower -> apply -> verify path and what a failure
 * does to the plan: a rewrite that succeeds gives the new text (whole, as
 * the edits, or per run of changed documents: the same bytes every way); a
 * lowering failure blames one Deployment plan, and the next round abandons
 * that one only; a verification failure abandons the Deployment plans of
 * that input only; findings but the decision's go with them.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "render.h"
#include "report.h"
#include "rewrite.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "test_lib.h"
#include "ytree.h"

static const char anchored[] = TL_ANCHORED;

#define CONFIGMAP "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n"

#define MAXIN 3

/* Inputs parsed whole, indexed and planned. */
struct fixture {
	size_t n;
	struct source src[MAXIN];
	struct ystream ys[MAXIN];
	struct plan_input pin[MAXIN];
	struct rindex ri;
	struct rules ru;
	struct stsify_options opt;
	struct plan p;
	struct report rep;
	struct rewrite_result res;
};

static void setup(struct fixture *f, const char *const *text, size_t n)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	dflt.storage_size = "1Gi";	/* for the claims not in the input */
	char *err = NULL;

	memset(f, 0, sizeof(*f));
	f->n = n;
	f->opt = dflt;
	f->res = (struct rewrite_result)REWRITE_RESULT_INIT;
	for (size_t i = 0; i < n; i++) {
		char path[16];

		snprintf(path, sizeof(path), "in%zu.yaml", i);
		source_init_take(&f->src[i], path, strdup(text[i]), strlen(text[i]));
		cr_assert_eq(ystream_parse(&f->ys[i], f->src[i].buf, f->src[i].len), 0,
			     "input %zu does not parse: %s", i, TL_STR(f->ys[i].err_msg));
		rindex_add(&f->ri, i, &f->ys[i]);
		f->pin[i].src = &f->src[i];
		f->pin[i].ys = &f->ys[i];
	}
	cr_assert_eq(rules_init(&f->ru, &f->opt, &err), 0, "rules: %s", TL_STR(err));
	render_init();
	plan_build(&f->p, &f->opt, &f->ru, &f->ri, f->pin, n, &f->rep);
}

static void teardown(struct fixture *f)
{
	rewrite_result_release(&f->res);
	plan_release(&f->p);
	report_release(&f->rep);
	rules_release(&f->ru);
	rindex_release(&f->ri);
	for (size_t i = 0; i < f->n; i++) {
		ystream_release(&f->ys[i]);
		source_release(&f->src[i]);
	}
	render_release();
}

static struct rewrite_job job_of(struct fixture *f, size_t in, enum rewrite_mode mode)
{
	return (struct rewrite_job){ .p = &f->p, .pin = f->pin, .in = in, .mode = mode };
}

/* The Deployment plan of Deployment name. */
static size_t dplan(const struct fixture *f, const char *name)
{
	for (size_t i = 0; i < f->p.nd; i++)
		if (!strcmp(f->p.d[i].dep->name, name))
			return i;
	cr_assert_fail("no Deployment plan for \"%s\" (%zu plans)", name, f->p.nd);
	return 0;
}

/* The decision on Deployment name. */
static const struct decision *decision(const struct fixture *f, const char *name)
{
	for (size_t i = 0; i < f->p.ndec; i++)
		if (!strcmp(f->p.dec[i].dep->name, name))
			return &f->p.dec[i];
	cr_assert_fail("no decision on \"%s\"", name);
	return NULL;
}

/* How many findings with code c are about Deployment plan dep (owner). */
static size_t findings(const struct fixture *f, enum code c, size_t dep)
{
	size_t k = 0;

	for (size_t i = 0; i < f->rep.n; i++)
		k += f->rep.f[i].code == c && f->rep.f[i].owner == dep + 1;
	return k;
}

/* The input with the pieces of out applied (malloc'd). */
static char *applied(const struct source *src, const struct stsify_pieces *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0;

	for (size_t k = 0; k < out->n; k++) {
		cr_assert(out->p[k].start >= pos && out->p[k].end >= out->p[k].start,
			  "piece %zu [%zu, %zu) is out of order (the last ended at %zu)", k, out->p[k].start,
			  out->p[k].end, pos);
		strbuf_add(&sb, src->buf + pos, out->p[k].start - pos);
		strbuf_add(&sb, out->p[k].text, out->p[k].len);
		pos = out->p[k].end;
	}
	strbuf_add(&sb, src->buf + pos, src->len - pos);
	return strbuf_detach(&sb, NULL);
}

static void expect_outcome(const struct rewrite_result *res, enum rewrite_outcome want)
{
	cr_assert_eq(res->outcome, want, "outcome: expected %d, got %d (why: %s)", (int)want, (int)res->outcome,
		     TL_STR(res->why));
}

Test(rewrite, whole_input_becomes_a_statefulset)
{
	const char *in[] = { CONFIGMAP "---\n" TL_DEPLOYMENT("db", "db-data") };
	struct fixture f;
	struct rewrite_job job;
	char *out;

	setup(&f, in, 1);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	expect_outcome(&f.res, REWRITE_OK);
	cr_assert(f.res.ed.n > 0, "expected edits, got none");
	assert_size_eq(f.res.out.n, 1);
	assert_size_eq(f.res.out.p[0].start, 0);
	assert_size_eq(f.res.out.p[0].end, f.src[0].len);
	out = applied(&f.src[0], &f.res.out);
	assert_contains(out, "kind: StatefulSet\n");
	assert_contains(out, "  serviceName: db\n");
	assert_contains(out, "  volumeClaimTemplates:\n");
	assert_contains(out, "kind: Service\n");
	cr_assert(!strncmp(out, CONFIGMAP, strlen(CONFIGMAP)), "the ConfigMap changed:\n%s", out);
	free(out);
	teardown(&f);
}

Test(rewrite, nothing_to_do_gives_no_output)
{
	const char *in[] = { CONFIGMAP };
	struct fixture f;
	struct rewrite_job job;

	setup(&f, in, 1);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	assert_size_eq(f.res.ed.n, 0);
	assert_size_eq(f.res.out.n, 0);
	teardown(&f);
}

Test(rewrite, runs_and_whole_give_the_same_bytes)
{
	const char *in[] = { TL_DEPLOYMENT("a", "a-data") "---\n" CONFIGMAP "---\n" CONFIGMAP "---\n"
			     TL_DEPLOYMENT("b", "b-data") };
	struct fixture f;
	struct rewrite_job job;
	char *whole, *runs;

	setup(&f, in, 1);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	whole = applied(&f.src[0], &f.res.out);
	job.mode = REWRITE_RUNS;
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	/* a's document and the next (where a's Service goes), then b's: the
	 * second ConfigMap is untouched */
	assert_size_eq(f.res.out.n, 2);
	assert_size_eq(f.res.out.p[0].start, f.ys[0].doc[0].start);
	assert_size_eq(f.res.out.p[0].end, f.ys[0].doc[1].end);
	assert_size_eq(f.res.out.p[1].start, f.ys[0].doc[3].start);
	assert_size_eq(f.res.out.p[1].end, f.src[0].len);
	runs = applied(&f.src[0], &f.res.out);
	assert_str_eq(runs, whole, "REWRITE_RUNS applied");
	free(whole);
	free(runs);
	teardown(&f);
}

Test(rewrite, part_keeps_the_edits_and_gives_the_same_bytes)
{
	const char *text = CONFIGMAP "---\n" TL_DEPLOYMENT("db", "db-data");
	const char *in[] = { text };
	struct fixture f, g;
	struct rewrite_job job;
	struct yparser *yp = yparser_new();
	size_t start = strlen(CONFIGMAP) + 4;
	char *whole, *part;

	/* the whole input, and its second document parsed on its own */
	setup(&f, in, 1);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	whole = applied(&f.src[0], &f.res.out);
	memset(&g, 0, sizeof(g));
	g.opt = f.opt;
	g.n = 1;
	source_init_take(&g.src[0], "in0.yaml", strdup(text), strlen(text));
	ystream_init(&g.ys[0]);
	assert_int_eq(ystream_append(&g.ys[0], yp, g.src[0].buf, start, g.src[0].len), 0);
	rindex_add(&g.ri, 0, &g.ys[0]);
	g.pin[0].src = &g.src[0];
	g.pin[0].ys = &g.ys[0];
	cr_assert_eq(rules_init(&g.ru, &g.opt, &(char *){ NULL }), 0);
	plan_build(&g.p, &g.opt, &g.ru, &g.ri, g.pin, 1, &g.rep);
	job = (struct rewrite_job){ .p = &g.p, .pin = g.pin, .in = 0, .mode = REWRITE_PART, .start = start,
				    .end = g.src[0].len };
	assert_int_eq(rewrite(&job, yp, &g.res), 0);
	cr_assert(g.res.out.n > 1, "expected one piece per edit, got %zu", g.res.out.n);
	assert_size_eq(g.res.ed.n, 0);
	part = applied(&g.src[0], &g.res.out);
	assert_str_eq(part, whole, "REWRITE_PART applied");
	free(whole);
	free(part);
	yparser_free(yp);
	teardown(&g);
	teardown(&f);
}

Test(rewrite, a_lowering_failure_abandons_that_deployment_only)
{
	const char *in[] = { anchored, "---\n" TL_DEPLOYMENT("good", "good-data") };
	struct fixture f;
	struct rewrite_job job;
	size_t bad, good;

	setup(&f, in, 2);
	bad = dplan(&f, "bad");
	good = dplan(&f, "good");
	assert_size_eq(findings(&f, CODE_SHARED_PVC, bad), 1);
	assert_size_eq(findings(&f, CODE_CLAIM_NOT_FOUND, bad), 1);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), -1);
	expect_outcome(&f.res, REWRITE_LOWER_FAILED);
	assert_size_eq(f.res.dep, bad);
	cr_assert_eq(f.res.code, CODE_UNSUPPORTED_ALIAS, "code: expected %s, got %s",
		     code_name(CODE_UNSUPPORTED_ALIAS), code_name(f.res.code));
	assert_contains(f.res.why, "anchored node");

	/* the next round: "bad" abandoned, its decision findings kept */
	rewrite_next_round(&job, &f.res, &f.rep);
	cr_assert(f.p.d[bad].failed, "Deployment plan \"bad\" is not abandoned");
	cr_assert(!f.p.d[good].failed, "Deployment plan \"good\" was abandoned too");
	cr_assert(!decision(&f, "bad")->converted, "\"bad\" is still decided converted");
	cr_assert_eq(decision(&f, "bad")->reason, CODE_UNSUPPORTED_ALIAS, "reason: expected %s, got %s",
		     code_name(CODE_UNSUPPORTED_ALIAS), code_name(decision(&f, "bad")->reason));
	assert_size_eq(findings(&f, CODE_SHARED_PVC, bad), 1);
	assert_size_eq(findings(&f, CODE_CLAIM_NOT_FOUND, bad), 0);
	assert_size_eq(findings(&f, CODE_CLAIM_NOT_FOUND, good), 1);
	{
		char want[160];
		size_t k = 0;

		snprintf(want, sizeof(want),
			 "Deployment \"bad\" is left as it is: an edit would change anchored node at byte %zu and every alias of it",
			 (size_t)(strstr(anchored, "&vols") - anchored));
		for (size_t i = 0; i < f.rep.n; i++)
			if (f.rep.f[i].code == CODE_UNSUPPORTED_ALIAS) {
				assert_str_eq(f.rep.f[i].msg, want, "the finding");
				k++;
			}
		assert_size_eq(k, 1);
	}

	/* and then input 0 has nothing to do, input 1 converts */
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	assert_size_eq(f.res.out.n, 0);
	job = job_of(&f, 1, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	assert_size_eq(f.res.out.n, 1);
	assert_contains(f.res.out.p[0].text, "kind: StatefulSet\nmetadata:\n  name: good\n");
	teardown(&f);
}

/*
 * A plan that lowering follows but verification rejects: Deployment "one"
 * also renames its key replicas to selector, a duplicate key (an
 * operation made with plan_add_set(), as a bug in the planner would).
 */
static size_t break_plan(struct fixture *f, size_t in, const char *name)
{
	size_t dep = dplan(f, name);
	const struct ynode *spec = ynode_get(f->p.d[dep].dep->node, "spec");

	plan_add_set(&f->p, in, f->p.d[dep].dep->doc, ynode_key_of(ynode_get(spec, "replicas")), "selector",
		     dep);
	return dep;
}

Test(rewrite, a_verification_failure_abandons_the_deployments_of_that_input_only)
{
	const char *in[] = { TL_DEPLOYMENT("one", "one-data"), TL_DEPLOYMENT("two", "two-data") };
	struct fixture f;
	struct rewrite_job job;
	size_t one, two;

	setup(&f, in, 2);
	one = break_plan(&f, 0, "one");
	two = dplan(&f, "two");
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), -1);
	expect_outcome(&f.res, REWRITE_VERIFY_FAILED);
	assert_contains(f.res.why, "does not parse");
	assert_contains(f.res.text, "kind: StatefulSet\n");

	rewrite_next_round(&job, &f.res, &f.rep);
	cr_assert(f.p.d[one].failed, "Deployment plan \"one\" is not abandoned");
	cr_assert(!f.p.d[two].failed, "Deployment plan \"two\" (another input) was abandoned");
	cr_assert_eq(decision(&f, "one")->reason, CODE_VERIFY_FAILED, "reason: expected %s, got %s",
		     code_name(CODE_VERIFY_FAILED), code_name(decision(&f, "one")->reason));
	assert_size_eq(findings(&f, CODE_SHARED_PVC, one), 1);
	assert_size_eq(findings(&f, CODE_SERVICE_ADDED, one), 0);
	assert_size_eq(findings(&f, CODE_SERVICE_ADDED, two), 1);
	{
		size_t k = 0;

		for (size_t i = 0; i < f.rep.n; i++)
			if (f.rep.f[i].code == CODE_VERIFY_FAILED) {
				assert_str_eq(f.rep.f[i].path, "in0.yaml", "the verify-failed finding's path");
				k++;
			}
		assert_size_eq(k, 1);
	}
	job = job_of(&f, 1, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	assert_size_eq(f.res.out.n, 1);
	teardown(&f);
}

Test(rewrite, overlapping_edits_blame_their_deployment)
{
	const char *in[] = { TL_DEPLOYMENT("db", "db-data") };
	struct fixture f;
	struct rewrite_job job;
	size_t db;
	const struct ynode *vol;

	setup(&f, in, 1);
	db = dplan(&f, "db");
	/* the claim volume is removed; setting a scalar inside it overlaps */
	vol = ynode_path(f.p.d[db].dep->node, "spec", "template", "spec", "volumes", NULL)->kid[0];
	plan_add_set(&f.p, 0, 0, ynode_get(vol, "name"), "other", db);
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite(&job, NULL, &f.res), -1);
	expect_outcome(&f.res, REWRITE_APPLY_FAILED);
	assert_size_eq(f.res.dep, db);
	rewrite_next_round(&job, &f.res, &f.rep);
	{
		size_t k = 0;

		for (size_t i = 0; i < f.rep.n; i++)
			k += f.rep.f[i].code == CODE_INTERNAL;
		assert_size_eq(k, 1);
	}
	cr_assert(f.p.d[db].failed, "Deployment plan \"db\" is not abandoned");
	assert_int_eq(rewrite(&job, NULL, &f.res), 0);
	assert_size_eq(f.res.out.n, 0);
	teardown(&f);
}

Test(rewrite, rounds_end_with_what_can_be_converted)
{
	const char *in[] = { TL_ANCHORED "---\n" TL_DEPLOYMENT("good", "good-data") };
	struct fixture f;
	struct rewrite_job job;

	setup(&f, in, 1);
	job = job_of(&f, 0, REWRITE_RUNS);
	assert_int_eq(rewrite_rounds(&job, NULL, &f.res, &f.rep), 0);
	cr_assert(f.p.d[dplan(&f, "bad")].failed, "\"bad\" was not abandoned");
	cr_assert(!f.p.d[dplan(&f, "good")].failed, "\"good\" was abandoned");
	assert_size_eq(f.res.out.n, 1);
	assert_size_eq(f.res.out.p[0].start, f.ys[0].doc[1].start);
	teardown(&f);
}

Test(rewrite, rounds_stop_at_a_verification_failure)
{
	const char *in[] = { TL_DEPLOYMENT("one", "one-data") };
	struct fixture f;
	struct rewrite_job job;

	setup(&f, in, 1);
	break_plan(&f, 0, "one");
	job = job_of(&f, 0, REWRITE_WHOLE);
	assert_int_eq(rewrite_rounds(&job, NULL, &f.res, &f.rep), -1);
	expect_outcome(&f.res, REWRITE_VERIFY_FAILED);
	cr_assert(f.p.d[0].failed, "the Deployment plan was not abandoned");
	teardown(&f);
}
