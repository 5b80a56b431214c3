/*
 * test_stream.c - the single-input path (stream.h) gives what a whole
 * parse gives, or hands the input back having reported nothing: the same
 * bytes and the same findings for many Deployments in batches, on one
 * thread or two, with a lowering failure among them; the result kept as
 * pieces when the caller wants no out; a document that does not parse, or
 * a new Service filed by KRM path annotations, sends the input back; a
 * Helm template is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report.h"
#include "run.h"
#include "session.h"
#include "stream.h"
#include "test_lib.h"
#include "util.h"
#include "ytree.h"


/* What one path gave: the bytes written and the findings printed. */
struct outcome {
	int rc;			/* stream_run()'s */
	enum stsify_status status;
	bool pieces;		/* the result was kept as pieces */
	char *out;		/* stsify_file_write() */
	char *findings;		/* report_print(), every severity */
	size_t nfindings;
};

static char *print_findings(const struct report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp, "open_memstream");
	report_print(rep, fp, false, SEV_INFO);
	fclose(fp);
	return buf;
}

static char *written(const struct stsify_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp, "open_memstream");
	assert_int_eq(stsify_file_write(f, fp), 0);
	fclose(fp);
	return buf;
}

static void take(struct outcome *o, struct stsify_file *f, struct report *rep)
{
	o->status = f->status;
	o->pieces = f->pieces != NULL;
	o->out = written(f);
	o->findings = print_findings(rep);
	o->nfindings = rep->n;
	stsify_file_release(f);
	report_release(rep);
}

/* stream_run() on text, as run_rewrite() calls it. */
static void by_stream(const char *text, unsigned jobs, bool no_out, struct outcome *o)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct report rep = REPORT_INIT;
	struct session ses = { .opt = &opt, .rep = &rep, .jobs = jobs };
	struct stsify_file f = { .path = "in.yaml", .in = text, .inlen = strlen(text), .no_out = no_out };
	char *err = NULL;

	cr_assert_eq(rules_init(&ses.ru, &opt, &err), 0, "rules: %s", TL_STR(err));
	ses.yp = xcalloc(jobs, sizeof(*ses.yp));
	render_init();
	o->rc = stream_run(&ses, &f);
	for (unsigned w = 0; w < jobs; w++)
		yparser_free(ses.yp[w]);
	free(ses.yp);
	rules_release(&ses.ru);
	render_release();
	take(o, &f, &rep);
}

/* The whole parse (run.c) of the same text. */
static void by_whole_parse(const char *text, struct outcome *o)
{
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	opt.storage_size = "1Gi";	/* for the claims not in the input */
	struct report rep = REPORT_INIT;
	struct stsify_file f = { .path = "in.yaml", .in = text, .inlen = strlen(text) };

	opt.full_parse = true;
	opt.jobs = 1;
	assert_int_eq(run_rewrite(&opt, &f, 1, &rep), 0);
	o->rc = 0;
	take(o, &f, &rep);
}

static void outcome_release(struct outcome *o)
{
	free(o->out);
	free(o->findings);
}

/* The stream path on text gives what the whole parse gives. */
static void same_as_whole_parse(const char *text, unsigned jobs, bool no_out)
{
	struct outcome s, w;

	by_stream(text, jobs, no_out, &s);
	by_whole_parse(text, &w);
	cr_assert_eq(s.rc, 0, "stream_run() handed the input back (%d)", s.rc);
	cr_assert_eq(s.status, w.status, "status: whole parse %d, stream %d", (int)w.status, (int)s.status);
	assert_str_eq(s.out, w.out, "the stream path's output (expected: the whole parse's)");
	assert_str_eq(s.findings, w.findings, "the stream path's findings (expected: the whole parse's)");
	outcome_release(&s);
	outcome_release(&w);
}

/* n Deployments (every third without a claim of its own to share, every
 * fifth with its claim in the input), ConfigMaps between, an autoscaler of
 * the first at the end. */
static char *many(size_t n, const char *extra)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&sb, "%sapiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d%zu\nspec:\n"
				 "  replicas: %d\n  selector:\n    matchLabels:\n      app: d%zu\n  template:\n"
				 "    metadata:\n      labels:\n        app: d%zu\n    spec:\n      containers:\n"
				 "      - name: c\n        image: x\n        volumeMounts:\n        - name: data\n"
				 "          mountPath: /d\n      volumes:\n      - name: data\n"
				 "        persistentVolumeClaim:\n          claimName: c%zu\n",
			    i ? "---\n" : "", i, i % 3 ? 2 : 1, i, i, i);
		if (i % 5 == 0)
			strbuf_addf(&sb, "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c%zu\n"
					 "spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n"
					 "      storage: 5Gi\n", i);
		if (i % 7 == 0)
			strbuf_addf(&sb, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m%zu\n", i);
	}
	strbuf_addstr(&sb, "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
			   "  name: d1\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
			   "    name: d1\n  minReplicas: 2\n  maxReplicas: 4\n");
	strbuf_addstr(&sb, extra);
	return strbuf_detach(&sb, NULL);
}

Test(stream, many_deployments_in_batches_as_a_whole_parse)
{
	char *text = many(150, "");

	same_as_whole_parse(text, 1, false);
	same_as_whole_parse(text, 2, false);
	free(text);
}

Test(stream, a_lowering_failure_as_a_whole_parse)
{
	/* bad's volumes are anchored and aliased: it cannot be converted */
	char *text = many(70, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n"
			      "  replicas: 2\n  selector:\n    matchLabels:\n      app: bad\n  template:\n"
			      "    metadata:\n      labels:\n        app: bad\n    spec:\n      containers:\n"
			      "      - name: c\n        image: x\n        volumeMounts:\n        - name: data\n"
			      "          mountPath: /d\n      volumes: &v\n      - name: data\n"
			      "        persistentVolumeClaim:\n          claimName: shared\nx-note: *v\n");
	struct outcome s;

	same_as_whole_parse(text, 2, false);
	by_stream(text, 1, false, &s);
	assert_contains(s.findings, "Deployment \"bad\" is left as it is: an edit would change anchored node");
	outcome_release(&s);
	free(text);
}

Test(stream, no_out_keeps_pieces_that_write_the_same_bytes)
{
	char *text = many(20, "");
	struct outcome s;

	by_stream(text, 2, true, &s);
	cr_assert(s.pieces, "expected the result as pieces");
	outcome_release(&s);
	same_as_whole_parse(text, 2, true);
	free(text);
}

Test(stream, nothing_to_do)
{
	struct outcome s;

	by_stream("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n", 1, false, &s);
	assert_int_eq(s.rc, 0);
	assert_int_eq(s.status, STSIFY_UNCHANGED);
	assert_size_eq(s.nfindings, 0);
	assert_str_eq(s.out, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n", "the output");
	outcome_release(&s);
}

Test(stream, a_document_that_does_not_parse_is_handed_back)
{
	struct outcome s;

	/* a claim is parsed up front (a document without a kind is not
	 * parsed at all, by either path) */
	by_stream(TL_DEPLOYMENT("a", "a") "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x\n",
		  2, false, &s);
	assert_int_eq(s.rc, 1);
	assert_int_eq(s.status, STSIFY_UNCHANGED);
	cr_assert(!s.pieces, "a result was kept");
	assert_size_eq(s.nfindings, 0);
	outcome_release(&s);
}

Test(stream, a_service_filed_by_krm_annotations_is_handed_back)
{
	struct outcome s;

	by_stream("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  annotations:\n"
		  "    config.kubernetes.io/path: apps/a.yaml\n    config.kubernetes.io/index: '0'\nspec:\n"
		  "  replicas: 2\n  selector:\n    matchLabels:\n      app: a\n  template:\n"
		  "    metadata:\n      labels:\n        app: a\n    spec:\n      containers:\n"
		  "      - name: c\n        image: x\n        volumeMounts:\n        - name: data\n"
		  "          mountPath: /d\n      volumes:\n      - name: data\n        persistentVolumeClaim:\n"
		  "          claimName: a\n",
		  1, false, &s);
	assert_int_eq(s.rc, 1);
	assert_size_eq(s.nfindings, 0);
	outcome_release(&s);
}

Test(stream, a_helm_template_is_skipped)
{
	struct outcome s;

	by_stream(TL_DEPLOYMENT("a", "{{ .Values.claim }}"), 1, false, &s);
	assert_int_eq(s.rc, 0);
	assert_int_eq(s.status, STSIFY_SKIPPED);
	assert_size_eq(s.nfindings, 1);
	assert_contains(s.findings, "[helm-template]");
	outcome_release(&s);
}
