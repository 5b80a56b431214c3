/*
 * test_verify.c - a rewrite that does not mean what the plan says is
 * caught, whatever part of it is wrong: rewrite() makes the right output,
 * then verify_docs() is handed that output with one thing changed.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "plan.h"
#include "report.h"
#include "rewrite.h"
#include "rindex.h"
#include "rules.h"
#include "source.h"
#include "verify.h"
#include "ytree.h"

static const char input[] =
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  replicas: 2\n"
	"  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n"
	"        app: db\n    spec:\n      containers:\n      - name: c\n        image: x\n"
	"        volumeMounts:\n        - name: data\n          mountPath: /d\n      volumes:\n"
	"      - name: data\n        persistentVolumeClaim:\n          claimName: d\n";

struct fixture {
	struct source src;
	struct ystream ys;
	struct rindex ri;
	struct rules ru;
	struct plan p;
	struct report rep;
	struct strbuf out;
	struct stsify_options opt;
};

static void setup(struct fixture *f)
{
	struct stsify_options dflt = STSIFY_OPTIONS_INIT;
	dflt.storage_size = "1Gi";	/* for the claims not in the input */
	struct plan_input pin = { 0 };
	struct rewrite_job job = { .pin = &pin, .in = 0, .mode = REWRITE_WHOLE };
	struct rewrite_result res = REWRITE_RESULT_INIT;
	char *why = NULL;

	memset(f, 0, sizeof(*f));
	f->opt = dflt;
	source_init_take(&f->src, "x.yaml", strdup(input), strlen(input));
	cr_assert_eq(ystream_parse(&f->ys, f->src.buf, f->src.len), 0);
	rindex_add(&f->ri, 0, &f->ys);
	cr_assert_eq(rules_init(&f->ru, &f->opt, &why), 0);
	pin.src = &f->src;
	pin.ys = &f->ys;
	pin.skip = false;
	plan_build(&f->p, &f->opt, &f->ru, &f->ri, &pin, 1, &f->rep);
	cr_assert_eq(f->p.nd, 1, "expected 1 Deployment plan, got %zu", f->p.nd);
	job.p = &f->p;
	cr_assert_eq(rewrite(&job, NULL, &res), 0, "the rewrite failed (outcome %d): %s", (int)res.outcome,
		     res.why ? res.why : "");
	cr_assert_eq(res.out.n, 1, "expected the whole new input as one piece, got %zu pieces", res.out.n);
	strbuf_add(&f->out, res.out.p[0].text, res.out.p[0].len);
	rewrite_result_release(&res);
}

static void teardown(struct fixture *f)
{
	strbuf_release(&f->out);
	plan_release(&f->p);
	report_release(&f->rep);
	rules_release(&f->ru);
	rindex_release(&f->ri);
	ystream_release(&f->ys);
	source_release(&f->src);
}

static int check(struct fixture *f, const char *from, const char *to)
{
	struct strbuf t = STRBUF_INIT;
	char *at = from ? strstr(f->out.buf, from) : NULL, *why = NULL;
	int r;

	if (from) {
		cr_assert_not_null(at, "\"%s\" not in the output", from);
		strbuf_add(&t, f->out.buf, (size_t)(at - f->out.buf));
		strbuf_addstr(&t, to);
		strbuf_addstr(&t, at + strlen(from));
	} else {
		strbuf_add(&t, f->out.buf, f->out.len);
	}
	{
		struct verify_job vj = { .p = &f->p, .in = 0, .src = &f->src, .ys = &f->ys, .d0 = 0,
					 .d1 = f->ys.ndoc, .buf = t.buf, .len = t.len };

		r = verify_docs(&vj, &why);
	}
	cr_assert_eq(r == 0, why == NULL, "verify_docs() returned %d with why %s", r, why ? why : "NULL");
	free(why);
	strbuf_release(&t);
	return r;
}

Test(verify, accepts_the_lowered_rewrite)
{
	struct fixture f;

	setup(&f);
	cr_assert_eq(check(&f, NULL, NULL), 0);
	teardown(&f);
}

Test(verify, rejects_a_change_to_an_untouched_document)
{
	struct fixture f;

	setup(&f);
	cr_assert_eq(check(&f, "  a: b\n", "  a: b \n"), -1, "even a trailing space");
	teardown(&f);
}

Test(verify, rejects_a_wrong_value_in_the_statefulset)
{
	struct fixture f;

	setup(&f);
	cr_assert_eq(check(&f, "replicas: 2", "replicas: 3"), -1);
	cr_assert_eq(check(&f, "kind: StatefulSet", "kind: Deployment"), -1);
	cr_assert_eq(check(&f, "      - name: c\n", "      - name: c\n        tty: true\n"), -1);
	teardown(&f);
}

Test(verify, rejects_a_wrong_or_missing_service)
{
	struct fixture f;

	setup(&f);
	cr_assert_eq(check(&f, "clusterIP: None", "clusterIP: 10.0.0.1"), -1);
	cr_assert_eq(check(&f, "---\napiVersion: v1\nkind: Service", "apiVersion: v1\nkind: Service"), -1);
	cr_assert_eq(check(&f, "kind: Service", "kind: [unclosed"), -1);
	teardown(&f);
}

Test(verify, rejects_what_the_plan_removes_or_adds_done_wrong)
{
	struct fixture f;

	setup(&f);
	/* the claim volume the plan removes is still there */
	cr_assert_eq(check(&f, "  volumeClaimTemplates:",
			   "      volumes:\n      - name: data\n        emptyDir: {}\n  volumeClaimTemplates:"),
		     -1);
	/* an added pair with the wrong value, a missing one, an extra one */
	cr_assert_eq(check(&f, "serviceName: db", "serviceName: dbx"), -1);
	cr_assert_eq(check(&f, "  serviceName: db\n", ""), -1);
	cr_assert_eq(check(&f, "  serviceName: db\n", "  serviceName: db\n  podManagementPolicy: Parallel\n"), -1);
	/* a key renamed, a value's type changed by its style, an item moved */
	cr_assert_eq(check(&f, "  replicas: 2", "  replica: 2"), -1);
	cr_assert_eq(check(&f, "        image: x", "        image: [x]"), -1);
	cr_assert_eq(check(&f, "      - ReadWriteOnce\n", "      - ReadWriteOnce\n      - ReadOnlyMany\n"), -1);
	/* the same text, keys in another order: a mapping is a set of pairs */
	cr_assert_eq(check(&f, "  replicas: 2\n  serviceName: db\n", "  serviceName: db\n  replicas: 2\n"), 0);
	teardown(&f);
}
